#!/bin/sh
# Include-confinement race: usage  sh tests/run-race.sh EVALPDF_BIN SOURCE_DIR
#
# Inside an include root, folder inc/ (a harmless part) and symbolic link
# evil -> an outside folder (a part with the text OUTSIDESECRET) are exchanged
# with renameat2(RENAME_EXCHANGE) over and over by tests/race/swap.c, and so are
# lay/ (the report's layout) and evil2 -> the outside folder (a layout whose
# font role is named OUTSIDESECRET). While they swap, `evalpdf dump`,
# `render --dump-layout` and `render` (PDF read back with pdftotext) run in a
# loop. Any run whose stdout, stderr or PDF text contains OUTSIDESECRET fails
# the test; errors such as "lies outside the include root" are expected.
#
# RACE_SWAPS (default 1500) exchanges per pair, RACE_SLEEP_US (default 2000)
# microseconds apart. The report prints runs, swaps and leaks.
set -eu
. "$(dirname "$0")/script-args.sh"
swaps=${RACE_SWAPS:-1500}
sleep_us=${RACE_SLEEP_US:-2000}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/evalpdf-race.XXXXXX")
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

${CC:-cc} -O2 -o "$tmp/swap" "$src/tests/race/swap.c"

root=$tmp/root
out=$tmp/outside
mkdir -p "$root/inc" "$root/lay" "$out"
cat >"$root/report.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<report layout="lay/l.xml" xmlns:xi="http://www.w3.org/2001/XInclude">
  <meta><title>竞争测试报告</title></meta>
  <body>
    <section title="基本情况">
      <p>正文。</p>
      <xi:include href="inc/part.xml"/>
    </section>
  </body>
</report>
XML
printf '<section title="内部">\n  <p>内部文字。</p>\n</section>\n' >"$root/inc/part.xml"
printf '<section title="OUTSIDESECRET">\n  <p>OUTSIDESECRET 外部文字。</p>\n</section>\n' >"$out/part.xml"
cp "$src/layouts/official.xml" "$root/lay/l.xml"
sed -e 's/role="fangsong"/role="OUTSIDESECRET"/g' -e 's/name="official"/name="OUTSIDESECRET"/' \
    "$src/layouts/official.xml" >"$out/l.xml"
ln -s "$out" "$root/evil"
ln -s "$out" "$root/evil2"

# The report renders with the inside files (a failure here is a broken setup).
EVALPDF_DATA=$src "$bin" dump "$root/report.xml" >"$tmp/o" 2>"$tmp/e" || {
    echo "setup: evalpdf dump fails without a race:"; cat "$tmp/e"; exit 1; }

"$tmp/swap" "$root/inc" "$root/evil" "$swaps" "$sleep_us" >"$tmp/swaps1" &
pids="$pids $!"
p1=$!
"$tmp/swap" "$root/lay" "$root/evil2" "$swaps" "$sleep_us" >"$tmp/swaps2" &
pids="$pids $!"
p2=$!

runs=0
leaks=0
have_pdftotext=0
command -v pdftotext >/dev/null 2>&1 && have_pdftotext=1
check_leak() {
    if grep -q OUTSIDESECRET "$@" 2>/dev/null; then
        leaks=$((leaks + 1))
        echo "LEAK ($1):"
        grep -h OUTSIDESECRET "$@" | head -3
    fi
}
export EVALPDF_DATA="$src"
while kill -0 "$p1" 2>/dev/null || kill -0 "$p2" 2>/dev/null; do
    case $((runs % 3)) in
        0) "$bin" dump "$root/report.xml" >"$tmp/o" 2>"$tmp/e" || true
           check_leak "$tmp/o" "$tmp/e" ;;
        1) "$bin" render --dump-layout "$root/report.xml" >"$tmp/o" 2>"$tmp/e" || true
           check_leak "$tmp/o" "$tmp/e" ;;
        2) rm -f "$tmp/r.pdf" "$tmp/r.txt"
           "$bin" render "$root/report.xml" -o "$tmp/r.pdf" >"$tmp/o" 2>"$tmp/e" || true
           if [ -s "$tmp/r.pdf" ] && [ $have_pdftotext = 1 ]; then
               pdftotext "$tmp/r.pdf" "$tmp/r.txt" 2>/dev/null || true
           fi
           check_leak "$tmp/o" "$tmp/e" "$tmp/r.txt" ;;
    esac
    runs=$((runs + 1))
done
wait "$p1" "$p2"
pids=
echo "race: $runs runs of dump / render --dump-layout / render during $(cat "$tmp/swaps1") + $(cat "$tmp/swaps2") exchanges ($sleep_us us apart); $leaks runs leaked outside bytes"
[ "$leaks" -eq 0 ] && [ "$runs" -gt 0 ]
