#!/bin/sh
# Typography checks (tests/pdfcheck/) that the layout passes, in both shipped
# layouts, on the example, the county-008 report and three generated reports
# (tests/gen/genreport.py, fixed seed): Latin letters and digits in a Latin face
# (latin.py; skipped, and the test with it, when no Latin face of the layouts is
# installed: fonts-liberation2), punctuation ink never within 0.08 em of
# its neighbour's (ink.py), no letter-spaced runs in body lines or table cells
# (spacing.py), no number cut from its unit (units.py), the title broken only
# between words (title.py), the report's titles and numbers with units found by
# a text search of pdftotext's output (extract.py --xml). Exits 77 (skipped) when python3-fonttools or
# python3-jieba is missing.
# Usage: run-typography.sh EVALPDF_BIN SOURCE_DIR
set -eu
bin=$1
cd "$2"
py=
for cand in ${EVALPDF_PYTHON:-} python3 /usr/bin/python3; do
  if "$cand" -c 'import fontTools, jieba' >/dev/null 2>&1; then py=$cand; break; fi
done
[ -n "$py" ] || { echo "SKIP: no python3 with fontTools and jieba (apt-get install python3-fonttools python3-jieba)"; exit 77; }
for tool in mutool pdftotext fc-list; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing $tool (install mupdf-tools poppler-utils fontconfig)"; exit 1; }
done
latin=latin
if [ -z "$(fc-list 'Liberation Serif' family)$(fc-list 'Times New Roman' family)" ]; then
  latin=; echo "SKIP latin: no Latin face of the layouts installed (apt-get install fonts-liberation2)"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" tests/gen/genreport.py --seed 12 --count 3 --out "$tmp/gen" >/dev/null
pass=0
fail=0
for xml in examples/guangdong-2022-jiuzhu.xml tests/golden/county-008.xml "$tmp"/gen/county-*.xml; do
  [ -f "${xml%.xml}.expect" ] && continue # a report written to fail
  b=$(basename "$xml" .xml)
  for layout in official compact; do
    pdf=$tmp/$b.$layout.pdf
    if ! SOURCE_DATE_EPOCH=0 "$bin" render -q --layout "$layout" "$xml" -o "$pdf" 2>"$tmp/err"; then
      fail=$((fail + 1)); echo "FAIL $b ($layout): render failed"; grep -v ': note: ' "$tmp/err" | head -3; continue
    fi
    for check in ink spacing units title extract $latin; do
      xmlopt=
      [ "$check" = extract ] && xmlopt="--xml $xml"
      # shellcheck disable=SC2086
      if "$py" tests/pdfcheck/$check.py -v "$pdf" $xmlopt >"$tmp/out" 2>&1; then
        pass=$((pass + 1))
      else
        fail=$((fail + 1)); echo "FAIL $b ($layout) $check:"; head -8 "$tmp/out"
      fi
    done
  done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] || exit 1
[ -n "$latin" ] || exit 77
