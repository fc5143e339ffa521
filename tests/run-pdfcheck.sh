#!/bin/sh
# Self-test of the PDF checks in tests/pdfcheck/ (selftest.py): each passes on a PDF
# of known clean typesetting and fails on one with its fault, so no check can pass
# by measuring nothing. Exits 77 (skipped) when python3-fonttools or python3-jieba
# is missing and the ink and title checks could not be tested.
# Usage: run-pdfcheck.sh EVALPDF_BIN SOURCE_DIR
set -eu
cd "$2"
for tool in python3 mutool pdftotext fc-list; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing $tool (install python3, mupdf-tools, poppler-utils, fontconfig)"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 tests/pdfcheck/selftest.py "$tmp"
