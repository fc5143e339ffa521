#!/bin/sh
# schema/report.rng is what trang makes of schema/report.rnc: the two syntaxes of
# the schema have not drifted apart. Exits 77 (reported by ctest as skipped, not
# passed) when trang is not installed (Debian package trang).
# Usage: run-schema-trang.sh EVALPDF_BIN SOURCE_DIR
set -eu
cd "$2"
if ! command -v trang >/dev/null 2>&1; then
  echo "skipped: trang is not installed (apt-get install trang)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! trang -I rnc -O rng schema/report.rnc "$tmp/report.rng" >"$tmp/log" 2>&1; then
  echo "FAIL trang cannot convert schema/report.rnc: $(sed -n 1p "$tmp/log")"
  exit 1
fi
if ! cmp -s "$tmp/report.rng" schema/report.rng; then
  echo "FAIL schema/report.rng differs from trang's conversion of schema/report.rnc (regenerate it: trang -I rnc -O rng schema/report.rnc schema/report.rng)"
  exit 1
fi
echo "schema/report.rng is trang's conversion of schema/report.rnc"
