#!/bin/sh
# Golden tests of whole reports against committed expectations in tests/golden/:
#   NAME.dump / NAME.check     `evalpdf dump` and `evalpdf check` (model, figures, summary)
#   NAME.LAYOUT.layout         `evalpdf render --layout LAYOUT --dump-layout` (the display
#                              list: page, x, y, font, size, text), for every layout
# Each file ends with the exit status and stderr; notes (which depend on the fonts
# installed) are left out of the layout files, warnings are kept.
# EVALPDF_UPDATE=1 rewrites the expectations.
# Usage: run-golden.sh EVALPDF_BIN SOURCE_DIR
set -eu
bin=$1
src=$2
cd "$src"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 'expect EXP LABEL' - compare $tmp/out with EXP (or rewrite EXP when updating).
expect() {
  if [ "${EVALPDF_UPDATE:-0}" = 1 ]; then
    cp "$tmp/out" "$1"
  fi
  if [ -f "$1" ] && cmp -s "$tmp/out" "$1"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $2"
    if [ -f "$1" ]; then diff -u "$1" "$tmp/out" | head -40; else echo "  missing $1"; fi
  fi
}

for xml in examples/*.xml tests/golden/*.xml; do
  [ -e "$xml" ] || continue
  base=$(basename "$xml" .xml)
  for kind in dump check; do
    "$bin" "$kind" "$xml" >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
    printf 'exit %s\n' "$rc" >>"$tmp/out"
    cat "$tmp/err" >>"$tmp/out"
    expect "tests/golden/$base.$kind" "$xml ($kind)"
  done
  for layout in official compact; do
    SOURCE_DATE_EPOCH=0 "$bin" render --layout "$layout" --dump-layout "$xml" >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
    printf 'exit %s\n' "$rc" >>"$tmp/out"
    grep -v ': note: ' "$tmp/err" >>"$tmp/out" || true
    expect "tests/golden/$base.$layout.layout" "$xml ($layout layout)"
  done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
