#!/bin/sh
# typography.sh [-v] [--grid LINESxCHARS | --no-grid] [--xml REPORT.xml] PDF...
# The typography checks that the layout does not pass yet, on each PDF: ink
# collisions of punctuation (ink.py), letter-spacing inside runs of one script
# (spacing.py), numbers cut from their units (units.py), title breaks inside words
# (title.py), the official grid (grid.py, default 22x28; --no-grid for layouts
# without one) and extraction for search (extract.py, with --xml the report's
# titles and numbers with units; without it "年") and Latin letters and digits in a
# Latin face (latin.py). One line per check and PDF, then
# a summary; exit status 1 when a check fails or cannot run.
# Needs mutool (mupdf-tools), pdftotext (poppler-utils), python3-fonttools, python3-jieba.
dir=$(dirname "$0")
verbose=
grid="--lines 22 --chars 28"
xml=
while [ $# -gt 0 ]; do
  case $1 in
    -v) verbose=-v; shift ;;
    --no-grid) grid=; shift ;;
    --grid) grid="--lines ${2%x*} --chars ${2#*x}"; shift 2 ;;
    --xml) xml=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: typography.sh [-v] [--grid LINESxCHARS | --no-grid] [--xml REPORT.xml] PDF..."; exit 2; }
# The Debian packages install into the system python; a python3 earlier on PATH may lack them.
py=
for cand in ${EVALPDF_PYTHON:-} python3 /usr/bin/python3; do
  if "$cand" -c 'import fontTools, jieba' >/dev/null 2>&1; then py=$cand; break; fi
done
if [ -z "$py" ]; then
  echo "typography.sh: no python3 with fontTools and jieba (apt-get install python3-fonttools python3-jieba)"; exit 1
fi
for tool in mutool pdftotext fc-list; do
  command -v "$tool" >/dev/null 2>&1 || { echo "typography.sh: missing $tool (apt-get install mupdf-tools poppler-utils fontconfig)"; exit 1; }
done
failed=0
ran=0
for pdf in "$@"; do
  for check in ink spacing units title grid extract latin; do
    case $check in
      grid) [ -n "$grid" ] || continue; args=$grid ;;
      extract) if [ -n "$xml" ]; then args="--xml $xml"; else args="年"; fi ;;
      *) args= ;;
    esac
    ran=$((ran + 1))
    if [ "$check" = extract ]; then
      "$py" "$dir/extract.py" $verbose "$pdf" $args || failed=$((failed + 1))
    else
      "$py" "$dir/$check.py" $verbose $args "$pdf" || failed=$((failed + 1))
    fi
  done
done
echo "typography: $((ran - failed)) of $ran checks passed"
[ "$failed" -eq 0 ]
