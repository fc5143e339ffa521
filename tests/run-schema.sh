#!/bin/sh
# Schema tests: usage  sh tests/run-schema.sh EVALPDF_BIN SOURCE_DIR
#
#  (1) every examples/*.xml and tests/schema/ok-*.xml is valid against
#      schema/report.rng (xmllint --xinclude --relaxng);
#  (2) every tests/schema/bad-*.xml is rejected by it, as a validity error;
#  (3) agreement: every file in tests/schema/bad-*.xml and tests/bad/*.xml that
#      xmllint rejects is rejected by `EVALPDF_BIN check -q FILE` too
#      (a non-zero exit status that is not a crash);
#  (report.rng in step with report.rnc is tests/run-schema-trang.sh, skipped
#      without trang.)
#
# Prints one line per failure, then "N passed, M failed"; exits non-zero if
# anything failed.  Needs xmllint (Debian/Ubuntu package libxml2-utils).
set -eu

if [ $# -ne 2 ]; then
    echo "usage: sh $0 EVALPDF_BIN SOURCE_DIR" >&2
    exit 2
fi
bin=$1
src=$2

if ! command -v xmllint >/dev/null 2>&1; then
    echo "run-schema.sh: xmllint not found: install it (Debian/Ubuntu: apt-get install libxml2-utils)" >&2
    exit 2
fi

# The binary's path must survive the cd below.
case $bin in
    /*) ;;
    */*) bin=$(pwd)/$bin ;;
esac
cd "$src"

schema=schema/report.rng
if [ ! -f "$schema" ]; then
    echo "run-schema.sh: $src/$schema not found" >&2
    exit 2
fi

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); printf 'FAIL: %s\n' "$*"; }

# validate FILE: runs xmllint; sets $status (xmllint's exit status: 0 valid,
# 3 invalid, 5 schema does not compile, other: unreadable or not well-formed)
# and $why (xmllint's first message about FILE, or else its first message).
validate() {
    status=0
    out=$(xmllint --nonet --noout --xinclude --relaxng "$schema" "$1" 2>&1) || status=$?
    why=$(printf '%s\n' "$out" | awk -v f="$1:" '
        NR == 1 { first = $0 }
        index($0, f) == 1 { print; found = 1; exit }
        END { if (!found) print first }')
}

# (1) valid files
for f in examples/*.xml tests/schema/ok-*.xml; do
    [ -e "$f" ] || continue
    validate "$f"
    if [ "$status" -eq 0 ]; then
        pass
    else
        fail "schema rejects valid file $f (xmllint exit $status): $why"
    fi
done

# (2) invalid files: must be rejected as invalid (exit 3), not because the
# schema does not compile or the file cannot be read or parsed.
for f in tests/schema/bad-*.xml; do
    [ -e "$f" ] || continue
    validate "$f"
    case $status in
        0) fail "schema accepts invalid file $f" ;;
        3) pass ;;
        *) fail "xmllint fails on $f for another reason than validity (exit $status): $why" ;;
    esac
done

# (3) agreement with the checker
checker_ok=yes
case $bin in
    */*) [ -f "$bin" ] && [ -x "$bin" ] || checker_ok=no ;;
    *) command -v "$bin" >/dev/null 2>&1 || checker_ok=no ;;
esac
if [ "$checker_ok" = no ]; then
    fail "evalpdf binary not found or not executable: $bin (agreement checks skipped)"
else
    for f in tests/schema/bad-*.xml tests/bad/*.xml; do
        [ -e "$f" ] || continue
        validate "$f"
        if [ "$status" -eq 0 ] || [ "$status" -eq 5 ]; then
            continue        # schema accepts it (or is itself broken: see above)
        fi
        rc=0
        "$bin" check -q "$f" >/dev/null 2>&1 || rc=$?
        if [ "$rc" -eq 0 ]; then
            fail "evalpdf check accepts $f, which xmllint rejects: $why"
        elif [ "$rc" -ge 126 ]; then
            fail "evalpdf check crashed or could not run on $f (exit $rc)"
        else
            pass
        fi
    done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
