#!/bin/sh
# Golden tests: `evalpdf dump` (and `check` summaries) of whole reports compared
# with committed expectations. EVALPDF_UPDATE=1 rewrites them.
# Usage: run-golden.sh EVALPDF_BIN SOURCE_DIR
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
  for kind in dump check; do
    exp=tests/golden/$base.$kind
    "$bin" "$kind" "$xml" >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
    printf 'exit %s\n' "$rc" >>"$tmp/out"
    cat "$tmp/err" >>"$tmp/out"
    if [ "${EVALPDF_UPDATE:-0}" = 1 ]; then
      cp "$tmp/out" "$exp"
    fi
    if [ -f "$exp" ] && cmp -s "$tmp/out" "$exp"; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL $xml ($kind)"
      [ -f "$exp" ] && diff -u "$exp" "$tmp/out" | head -40 || echo "  missing $exp"
    fi
  done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
