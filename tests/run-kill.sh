#!/bin/sh
# A render killed at any moment: usage  sh tests/run-kill.sh EVALPDF_BIN SOURCE_DIR
#
# Renders the example once to out.pdf (the reference), then KILL_RUNS times
# (default 12) starts a render over it and sends SIGKILL after a random delay
# between 0 and the measured render time. After every kill: out.pdf is still
# byte-for-byte the reference, the folder holds nothing but out.pdf (an unnamed
# O_TMPFILE vanishes with the process; a named fallback temporary is allowed
# only until the next render, which must remove it), and $TMPDIR is empty.
set -eu
. "$(dirname "$0")/script-args.sh"
runs=${KILL_RUNS:-12}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/evalpdf-kill.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
mkdir "$tmp/out" "$tmp/tmpdir"
export EVALPDF_DATA="$src" TMPDIR="$tmp/tmpdir" SOURCE_DATE_EPOCH=1700000000
cd "$tmp/out"
start=$(date +%s%N)
"$bin" render "$src/examples/guangdong-2022-jiuzhu.xml" -o out.pdf 2>/dev/null
ns=$(( $(date +%s%N) - start ))
cp out.pdf "$tmp/reference.pdf"
failed=0
named=0
i=0
while [ $i -lt "$runs" ]; do
    delay=$(awk -v s="$i" -v ns="$ns" 'BEGIN { srand(s + 7); printf "%.3f", rand() * ns / 1e9 }')
    "$bin" render "$src/examples/guangdong-2022-jiuzhu.xml" -o out.pdf 2>/dev/null &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if ! cmp -s out.pdf "$tmp/reference.pdf"; then
        echo "FAIL kill after ${delay}s: out.pdf is not the previous output"; failed=$((failed + 1))
    fi
    other=$(ls -A | grep -v '^out\.pdf$' || true)
    for f in $other; do
        case $f in
            .out.pdf.evalpdf-*) named=$((named + 1)) ;;
            *) echo "FAIL kill after ${delay}s: left $f behind"; failed=$((failed + 1)) ;;
        esac
    done
    if [ -n "$(ls -A "$TMPDIR")" ]; then
        echo "FAIL kill after ${delay}s: left $(ls -A "$TMPDIR") in TMPDIR"; failed=$((failed + 1))
        rm -rf "$TMPDIR"/* "$TMPDIR"/.[!.]* 2>/dev/null || true
    fi
    i=$((i + 1))
done
# the next render removes a named temporary whose process is gone
"$bin" render "$src/examples/guangdong-2022-jiuzhu.xml" -o out.pdf 2>/dev/null
: >".out.pdf.evalpdf-999999999-123456"
"$bin" render "$src/examples/guangdong-2022-jiuzhu.xml" -o out.pdf 2>/dev/null
if [ "$(ls -A)" != out.pdf ]; then
    echo "FAIL the next render left: $(ls -A | tr '\n' ' ')"; failed=$((failed + 1))
fi
echo "kill: $runs renders killed at random moments (render takes $((ns / 1000000)) ms); $named named temporaries seen; $failed failures"
[ "$failed" -eq 0 ]
