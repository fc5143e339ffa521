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
for tool in mutool pdftotext pdfinfo fc-list; do
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
# The example with <br/> in its title and —— (two, and four) in its first paragraph: the
# title breaks at the <br/> (not where balancing would), /Title joins the parts, and
# the dashes are drawn without a gap (dash.py). Then bar charts (below).
sed -e 's#<title>困难群众救助补助—工作经费项目绩效评价报告</title>#<title>困难群众救助补助—工作经费<br/>项目绩效评价报告</title>#' \
    -e '0,/<p>/s//<p>社会救助——这是一段说明，另有四个————连续的破折号。/' \
  examples/guangdong-2022-jiuzhu.xml >"$tmp/br.xml"
for layout in official compact; do
  if SOURCE_DATE_EPOCH=0 "$bin" render -q --layout "$layout" "$tmp/br.xml" -o "$tmp/br.pdf" 2>"$tmp/err" &&
     "$py" tests/pdfcheck/title.py --lines "困难群众救助补助—工作经费/项目绩效评价报告" "$tmp/br.pdf" >"$tmp/out" 2>&1 &&
     pdfinfo "$tmp/br.pdf" | grep -q '^Title: *困难群众救助补助—工作经费项目绩效评价报告$' &&
     "$py" tests/pdfcheck/dash.py -v "$tmp/br.pdf" >>"$tmp/out" 2>&1; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL <br/> in <title>, —— ($layout):"; head -5 "$tmp/err" "$tmp/out"; pdfinfo "$tmp/br.pdf" | grep Title
  fi
done
# Bar charts: labels wrap, never cut with "…" (a long item name is found whole twice,
# in the table and in the chart); a chart that has to leave its table for the next
# page starts it with its own caption and unit, never with the bare legend (funds with
# 3, 5 and 9 more items push the chart over a page end in both layouts).
long=省本级社会救助相关业务及社会救助信息化系统运行维护（厅事务中心）
sed "s#name=\"省本级社会救助相关业务（厅事务中心）\"#name=\"$long\"#" examples/guangdong-2022-jiuzhu.xml >"$tmp/chart.xml"
moved=0
for n in 0 3 5 9; do
  "$py" - "$n" "$tmp/chart.xml" "$tmp/chart$n.xml" <<'PY'
import sys
n, src, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = open(src, encoding="utf-8").read()
items = "".join('<item name="第%d项社会救助信息化系统运行维护及第三方服务采购（含密码应用评估）" budget="%d" executed="%d"/>'
                % (i, 100 + 10 * i, 90 + 10 * i) for i in range(1, n + 1))
total = '<total budget="%d" executed="%.2f"/>' % (1000 + sum(100 + 10 * i for i in range(1, n + 1)),
                                                    987.91 + sum(90 + 10 * i for i in range(1, n + 1)))
open(out, "w", encoding="utf-8").write(s.replace('<total budget="1000" executed="987.91"/>', items + total))
PY
  for layout in official compact; do
    pdf=$tmp/chart$n.$layout.pdf
    ok=yes
    SOURCE_DATE_EPOCH=0 "$bin" render -q --layout "$layout" "$tmp/chart$n.xml" -o "$pdf" 2>"$tmp/err" || ok=no
    text=$(pdftotext -enc UTF-8 "$pdf" - 2>/dev/null)
    if printf '%s' "$text" | grep -q '…'; then ok=no; echo "chart$n ($layout): a label cut with …"; fi
    if [ "$(printf '%s' "$text" | tr -d '\n' | grep -o "$long" | wc -l)" -lt 2 ]; then ok=no; echo "chart$n ($layout): $long not found whole twice"; fi
    pages=$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')
    for pg in $(seq 1 "${pages:-0}"); do
      first=$(pdftotext -enc UTF-8 -f "$pg" -l "$pg" "$pdf" - | grep -m1 -v '^[[:space:]]*$' || true)
      case $first in
        预算数*) ok=no; echo "chart$n ($layout): page $pg starts with the chart's bare legend" ;;
        *（单位：万元）) moved=$((moved + 1)) ;;
      esac
    done
    if [ "$ok" = yes ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL chart$n ($layout)"; head -3 "$tmp/err"; fi
  done
done
if [ "$moved" -gt 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL no chart started a page with its own caption (the case is not exercised)"; fi
# Every PDF this test wrote goes through the independent validators too
# (qpdf, mutool, Ghostscript, pdffonts, pdftotext: tests/validate-pdf.sh).
vrc=0
sh tests/validate-pdf.sh --dir "$tmp" >"$tmp/validate.log" 2>&1 || vrc=$?
case $vrc in
  0) pass=$((pass + 1)) ;;
  77) vskipped=yes; grep '^SKIPPED' "$tmp/validate.log" ;;
  *) fail=$((fail + 1)); echo "FAIL validators:"; grep '^INVALID' "$tmp/validate.log" | head -5 ;;
esac
head -1 "$tmp/validate.log"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] || exit 1
# a check this test names could not run: skipped (ctest SKIP_RETURN_CODE), not passed
[ -n "$latin" ] && [ -z "${vskipped:-}" ] || exit 77
