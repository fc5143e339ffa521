#!/bin/sh
# PDF checks of whole reports: render each report twice and require
# byte-identical output, `qpdf --check` clean, every font embedded and subset
# (`pdffonts`), `pdftotext` silent and giving back the display list's text in
# order (whitespace aside), and, for the real reports in examples/ on every layout,
# the project's own PDF checks in tests/pdfcheck/: no ragged inner line (ragged.py),
# no kinsoku breach (kinsoku.py), no one-character last line (lastline.py), and the
# report's titles and numbers with units found by pdftotext, spaces aside (extract.py).
# Also: a failing render leaves an existing output untouched.
# Usage: run-pdf.sh EVALPDF_BIN SOURCE_DIR
set -eu
bin=$1
src=$2
cd "$src"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
for tool in qpdf pdffonts pdftotext python3 mutool; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing $tool (install qpdf, poppler-utils, mupdf-tools)"; exit 1; }
done
export SOURCE_DATE_EPOCH=1700000000
for xml in examples/*.xml tests/golden/*.xml; do
  [ -e "$xml" ] || continue
  base=$(basename "$xml" .xml)
  a=$tmp/$base.a.pdf
  b=$tmp/$base.b.pdf
  if ! "$bin" render -q "$xml" -o "$a" 2>"$tmp/err"; then bad "$xml: render failed"; cat "$tmp/err"; continue; fi
  "$bin" render -q "$xml" -o "$b" 2>/dev/null
  if cmp -s "$a" "$b"; then ok; else bad "$xml: two renders differ"; fi
  if qpdf --check "$a" >"$tmp/qpdf" 2>&1; then ok; else bad "$xml: qpdf --check"; tail -5 "$tmp/qpdf"; fi
  if pdffonts "$a" | awk 'NR > 2 && ($(NF-4) != "yes" || $(NF-3) != "yes") { bad = 1 } END { exit bad }'; then ok; else bad "$xml: a font is not embedded and subset"; pdffonts "$a"; fi
  pdftotext "$a" "$tmp/text" 2>"$tmp/pterr"
  if [ ! -s "$tmp/pterr" ]; then ok; else bad "$xml: pdftotext warnings"; head -3 "$tmp/pterr"; fi
  "$bin" render -q --dump-layout "$xml" 2>/dev/null >"$tmp/dump"
  if python3 - "$tmp/dump" "$tmp/text" <<'PY'
import sys, re
from collections import Counter
# pdftotext joins a line ending in "-" with the next (dehyphenation): ignore hyphens.
norm = lambda s: re.sub(r"[\s-]+", "", s)
runs = []
rotated = False
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("page "):
        rotated = line.rstrip().endswith(" rotated")
    m = re.match(r'^  text .* size=([0-9.]+)(?: bold)?(?: underline)? "(.*)"(?: @\d+)?$', line.rstrip("\n"))
    if m:
        # turned (landscape) content reads in its own order: check only its characters
        runs.append(("0" if rotated else m.group(1), m.group(2)))
tx = norm(open(sys.argv[2], encoding="utf-8").read().replace("\f", ""))
alltext = norm("".join(t for _, t in runs))
# 1. exactly the same characters (nothing lost, nothing added)
if Counter(alltext) != Counter(tx):
    print("character multiset differs:", (Counter(alltext) - Counter(tx)).most_common(5), (Counter(tx) - Counter(alltext)).most_common(5))
    sys.exit(1)
# 2. body text (not table cells) in reading order: a subsequence of the extracted text
body = norm("".join(t for size, t in runs if float(size) >= 11))  # tables and charts are set smaller
i = 0
for ch in tx:
    if i < len(body) and ch == body[i]:
        i += 1
if i < len(body):
    print("reading order breaks at:", body[max(0, i - 20):i + 20])
    sys.exit(1)
PY
  then ok; else bad "$xml: pdftotext text differs from the display list"; fi
done
# The line checks need body text: the real reports in examples/, on every layout.
for xml in examples/*.xml; do
  [ -e "$xml" ] || continue
  for layout in $("$bin" layouts | awk '{ print $1 }'); do
    pdf=$tmp/$(basename "$xml" .xml).$layout.pdf
    if ! "$bin" render -q --layout "$layout" "$xml" -o "$pdf" 2>"$tmp/err"; then bad "$xml ($layout): render failed"; cat "$tmp/err"; continue; fi
    for check in ragged kinsoku lastline; do
      if python3 tests/pdfcheck/$check.py -v "$pdf" >"$tmp/check" 2>&1; then ok; else bad "$xml ($layout): $check"; head -12 "$tmp/check"; fi
    done
    if python3 tests/pdfcheck/extract.py -v --ignore-spaces "$pdf" --xml "$xml" >"$tmp/check" 2>&1; then ok; else
      bad "$xml ($layout): extract"; head -12 "$tmp/check"
    fi
  done
done
# Table cells extract in row order: the leaf indicators of the scoring table
# that crosses a page come out in document order.
if "$bin" render -q tests/golden/tables.xml -o "$tmp/tables.pdf" 2>/dev/null && pdftotext "$tmp/tables.pdf" "$tmp/tables.txt" &&
  python3 - tests/golden/tables.xml "$tmp/tables.txt" <<'PY'
import re, sys
names = [n for n in re.findall(r'<indicator name="([^"]+)" weight="[^"]+" score=', open(sys.argv[1], encoding="utf-8").read())]
text = re.sub(r"\s+", "", open(sys.argv[2], encoding="utf-8").read())
pos = 0
for n in names:
    i = text.find(n, pos)
    if i < 0:
        print("out of order or missing:", n)
        sys.exit(1)
    pos = i + len(n)
PY
then ok; else bad "scoring table cells do not extract in row order"; fi
# An existing output survives a failing render.
printf 'keep me' >"$tmp/keep.pdf"
printf '<report><meta><title>x</title></meta><body><p><value of="nope.budget"/></p></body></report>' >"$tmp/bad.xml"
if "$bin" render -q "$tmp/bad.xml" -o "$tmp/keep.pdf" 2>/dev/null; then bad "a bad report rendered"; else ok; fi
if [ "$(cat "$tmp/keep.pdf")" = "keep me" ]; then ok; else bad "the existing output was touched"; fi
ls "$tmp"/keep.pdf.* >/dev/null 2>&1 && bad "a temporary file was left behind" || ok
# Every PDF this test wrote goes through the independent validators too
# (qpdf, mutool, Ghostscript, pdffonts, pdftotext: tests/validate-pdf.sh).
vrc=0
sh "$src/tests/validate-pdf.sh" --dir "$tmp" >"$tmp/validate.log" 2>&1 || vrc=$?
case $vrc in
  0) ok ;;
  77) skipped="$(grep '^SKIPPED' "$tmp/validate.log" | tr '\n' ' ')" ;;
  *) bad "validators:"; grep '^INVALID' "$tmp/validate.log" | head -5 ;;
esac
head -1 "$tmp/validate.log"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] || exit 1
# a check this test names could not run: skipped (ctest SKIP_RETURN_CODE), not passed
[ -z "${skipped:-}" ] || { echo "$skipped"; exit 77; }
