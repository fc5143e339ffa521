#!/bin/sh
# Golden layout tests: `evalpdf render --dump-layout` of whole reports compared
# with tests/golden/NAME.layout (the display list: page, x, y, font, size, text).
# Notes (which depend on the fonts installed) are not compared; warnings are.
# EVALPDF_UPDATE=1 rewrites the expectations.
# Usage: run-layout.sh EVALPDF_BIN SOURCE_DIR
set -eu
bin=$1
src=$2
cd "$src"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for xml in examples/*.xml tests/golden/*.xml; do
  [ -e "$xml" ] || continue
  base=$(basename "$xml" .xml)
  for layout in official compact; do
    exp=tests/golden/$base.$layout.layout
    SOURCE_DATE_EPOCH=0 "$bin" render --layout "$layout" --dump-layout "$xml" >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
    printf 'exit %s\n' "$rc" >>"$tmp/out"
    grep -v ': note: ' "$tmp/err" >>"$tmp/out" || true
    if [ "${EVALPDF_UPDATE:-0}" = 1 ]; then
      cp "$tmp/out" "$exp"
    fi
    if [ -f "$exp" ] && cmp -s "$tmp/out" "$exp"; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL $xml ($layout)"
      if [ -f "$exp" ]; then diff -u "$exp" "$tmp/out" | head -40; else echo "  missing $exp"; fi
    fi
  done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
