#!/bin/sh
# Benchmark: whole-process time of `evalpdf render` on the bundled example
# (and `check` for comparison). Not a test: it reports numbers, it asserts nothing.
# Usage: sh bench/render-example.sh [RUNS]   (after building into build/)
set -eu
cd "$(dirname "$0")/.."
runs=${1:-20}
bin=build/src/evalpdf
in=examples/guangdong-2022-jiuzhu.xml
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
measure() {
  label=$1
  shift
  "$@" >/dev/null 2>&1 || true # warm the page cache
  best=999999999
  total=0
  i=0
  while [ "$i" -lt "$runs" ]; do
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    d=$(( (t1 - t0) / 1000 ))
    total=$((total + d))
    [ "$d" -lt "$best" ] && best=$d
    i=$((i + 1))
  done
  printf '%-28s mean %6d us   best %6d us   (%d runs)\n' "$label" $((total / runs)) "$best" "$runs"
}
measure "check" "$bin" check -q "$in"
measure "render --dump-layout" "$bin" render --dump-layout "$in"
measure "render (PDF)" "$bin" render "$in" -o "$out/example.pdf"
ls -l "$out/example.pdf" 2>/dev/null | awk '{print "PDF size: " $5 " bytes"}'
