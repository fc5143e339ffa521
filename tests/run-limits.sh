#!/bin/sh
# Stated limits and hostile files made at run time (too big to keep in git):
# usage  sh tests/run-limits.sh EVALPDF_BIN SOURCE_DIR
#
# Each case runs `evalpdf check -q FILE` (and `render` for some) and expects an
# exact exit status and a stderr line containing the expected text; no crash
# (status >= 126), no PDF written for a refused input, an existing output untouched.
set -eu
. "$(dirname "$0")/script-args.sh"
export EVALPDF_DATA="$src" LC_ALL=C
tmp=$(mktemp -d "${TMPDIR:-/tmp}/evalpdf-limits.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
cd "$tmp"

head='<?xml version="1.0" encoding="UTF-8"?>
<report xmlns:xi="http://www.w3.org/2001/XInclude"><meta><title>限制</title></meta><body><section title="甲">'
tail='</section></body></report>'

# 'para FILE BYTES' - A report whose one paragraph has BYTES bytes of text.
para() {
    { printf '%s\n<p>' "$head"; head -c "$2" /dev/zero | tr '\0' 'a'; printf '</p>\n%s\n' "$tail"; } >"$1"
}
para text-10mb.xml 10800000
para text-over.xml 1048577
para text-at.xml 1048576
{ printf '%s\n<table><tr>' "$head"; i=0; while [ $i -lt 101 ]; do printf '<td>x</td>'; i=$((i + 1)); done
  printf '</tr></table>\n%s\n' "$tail"; } >cols-101.xml
{ printf '%s\n<table><tr><td colspan="60">a</td><td colspan="41">b</td></tr></table>\n%s\n' "$head" "$tail"; } >cols-span.xml
{ printf '%s\n<table><tr>' "$head"; i=0; while [ $i -lt 100 ]; do printf '<td>x</td>'; i=$((i + 1)); done
  printf '</tr></table>\n%s\n' "$tail"; } >cols-100.xml
{ printf '%s\n<p>' "$head"; printf '</p>\n%s\n' "$tail"; } >big.xml
truncate -s 70M big.xml
{ printf '%s\n<xi:include href="fifo.xml"/>\n%s\n' "$head" "$tail"; } >inc-fifo.xml
mkfifo fifo.xml
{ printf '%s\n<xi:include href="zero.xml"/>\n%s\n' "$head" "$tail"; } >inc-devzero.xml
ln -s /dev/zero zero.xml
{ printf '%s\n<xi:include href="big.xml"/>\n%s\n' "$head" "$tail"; } >inc-big.xml
{ printf '<?xml version="1.0"?>\n<report><meta><title>x</title></meta><body><section title="a"><p a="'
  head -c 1048577 /dev/zero | tr '\0' 'b'; printf '">t</p>%s\n' "$tail"; } >attr-over.xml

passed=0
failed=0
# 'case_ FILE STATUS TEXT' - check -q FILE exits STATUS with TEXT in stderr.
case_() {
    rc=0
    timeout 120 "$bin" check -q "$1" >out 2>err </dev/null || rc=$?
    if [ -z "$3" ]; then found=$([ ! -s err ] && echo 1 || echo 0); else found=$(grep -qF -- "$3" err && echo 1 || echo 0); fi
    if [ "$rc" = "$2" ] && [ "$found" = 1 ] && [ ! -s out ]; then
        passed=$((passed + 1)); echo "PASS $1"
    else
        failed=$((failed + 1)); echo "FAIL $1: exit $rc (expected $2), stderr:"; head -c 600 err; echo
    fi
}
case_ text-10mb.xml 1 "text-10mb.xml:3: error: the text in <p> is longer than the limit of 1048576 bytes"
case_ text-over.xml 1 "text-over.xml:3: error: the text in <p> is longer than the limit"
case_ text-at.xml 0 ""
case_ attr-over.xml 1 'attr-over.xml:2: error: attribute "a" of <p> is 1048577 bytes long; the limit is 1048576 bytes.'
case_ cols-101.xml 1 "cols-101.xml:3: error: this <tr> has more than 100 columns"
case_ cols-span.xml 1 "cols-span.xml:3: error: this <tr> has more than 100 columns"
case_ cols-100.xml 0 ""
case_ big.xml 1 "big.xml: error: the file is larger than the limit of 67108864 bytes (64 MiB)."
case_ inc-big.xml 1 "big.xml: error: the file is larger than the limit of 67108864 bytes (64 MiB)."
case_ inc-fifo.xml 1 '<xi:include href="fifo.xml">: the file cannot be read (not a regular file).'
case_ inc-devzero.xml 1 '<xi:include href="zero.xml"> lies outside the include root'

# a refused input writes no PDF and leaves an existing output untouched
echo previous >keep.pdf
rc=0
timeout 120 "$bin" render text-over.xml -o keep.pdf >out 2>err </dev/null || rc=$?
if [ "$rc" = 1 ] && [ "$(cat keep.pdf)" = previous ] && [ "$(ls -a | grep -c evalpdf-)" = 0 ]; then
    passed=$((passed + 1)); echo "PASS render refused keeps the output"
else
    failed=$((failed + 1)); echo "FAIL render refused: exit $rc"; cat err
fi
# check agrees with render when $EVALPDF_DATA is empty, missing or hostile
mkdir -p data-empty data-hostile/layouts
sed 's/pitch="28.95pt"/pitch="nan"/' "$src/layouts/official.xml" >data-hostile/layouts/official.xml
for d in data-empty data-hostile no-such-data; do
    c=0; r=0
    EVALPDF_DATA=$tmp/$d timeout 120 "$bin" check -q "$src/examples/guangdong-2022-jiuzhu.xml" >/dev/null 2>err || c=$?
    EVALPDF_DATA=$tmp/$d timeout 120 "$bin" render "$src/examples/guangdong-2022-jiuzhu.xml" -o d.pdf >/dev/null 2>&1 || r=$?
    if [ "$c" = 1 ] && [ "$r" = 1 ] && [ ! -e d.pdf ] && [ -s err ]; then
        passed=$((passed + 1)); echo "PASS EVALPDF_DATA=$d: check and render both fail"
    else
        failed=$((failed + 1)); echo "FAIL EVALPDF_DATA=$d: check $c, render $r"; cat err
    fi
    rm -f d.pdf
done
# table sizes too large for the page (in range, each of them): the render ends
# with a table-too-tall error instead of adding pages forever
sed 's|<text element="table" role="fangsong" size="10.5pt"/>|<text element="table" role="fangsong" size="72pt"/>|' \
    "$src/layouts/official.xml" >big-table.xml
grep -q 'size="72pt"' big-table.xml
cat >score72.xml <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<report>
  <meta><title>测试报告</title></meta>
  <body><section title="评分">
    <scoring id="s">
      <indicator name="投入" weight="100">
        <indicator name="项目立项" weight="60" score="50"/>
        <indicator name="资金落实" weight="40" score="30"/>
      </indicator>
    </scoring>
  </section></body>
</report>
EOF
rc=0
timeout 60 "$bin" render --layout big-table.xml score72.xml -o big.pdf >out 2>err </dev/null || rc=$?
if [ "$rc" = 1 ] && [ ! -e big.pdf ] && grep -q 'score72.xml:6: error: with this layout a row of this <scoring>' err; then
    passed=$((passed + 1)); echo "PASS a table row no page holds: an error, no endless pages"
else
    failed=$((failed + 1)); echo "FAIL table row no page holds: exit $rc"; head -5 err
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
