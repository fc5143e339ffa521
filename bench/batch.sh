#!/bin/sh
# Benchmark: documents per second of `evalpdf batch` over generated county
# reports at -j 1 and -j 2 (--force into a fresh folder each run; the median
# of RUNS runs), the -j 2 / -j 1 ratio, the time of a second run that skips
# everything, and the load average around it all (other work on the machine
# skews the numbers). Not a test: it reports numbers, it asserts nothing.
# Usage: sh bench/batch.sh [RUNS] [COUNT]   (after building into build/)
set -eu
cd "$(dirname "$0")/.."
runs=${1:-3}
count=${2:-100}
bin=$(pwd)/build/src/evalpdf
export EVALPDF_DATA=${EVALPDF_DATA:-$(pwd)}
export SOURCE_DATE_EPOCH=1700000000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -f tests/gen/genreport.py ]; then
  python3 tests/gen/genreport.py --seed 2026 --count "$count" --out "$tmp/in" >/dev/null
  origin="tests/gen/genreport.py --seed 2026"
else
  mkdir -p "$tmp/in"
  i=1
  while [ "$i" -le "$count" ]; do
    cp examples/guangdong-2022-jiuzhu.xml "$tmp/in/report-$i.xml"
    i=$((i + 1))
  done
  origin="copies of the example (tests/gen/genreport.py is not there)"
fi
echo "inputs: $count reports, $origin"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" batch -q -j 2 --force -o "$tmp/warm" "$tmp/in" 2>/dev/null || true # page cache
# run_once JOBS: "WALL_S CPU_S" of one run
run_once() {
  rm -rf "$tmp/out"
  set -- "$1" "$(date +%s%N)"
  /usr/bin/time -f '%U %S' -o "$tmp/time" "$bin" batch -q -j "$1" --force -o "$tmp/out" "$tmp/in" 2>"$tmp/log" || true
  t1=$(date +%s%N)
  awk -v w=$(( (t1 - $2) / 1000 )) '{ printf "%.3f %.3f\n", w / 1e6, $1 + $2 }' "$tmp/time"
}
for j in 1 2; do
  : >"$tmp/runs-$j"
  k=0
  while [ "$k" -lt "$runs" ]; do
    run_once "$j" >>"$tmp/runs-$j"
    k=$((k + 1))
  done
  sort -n "$tmp/runs-$j" | awk -v n="$count" -v j="$j" -v r="$runs" '
    { w[NR] = $1; c[NR] = $2 }
    END { m = int((NR + 1) / 2); printf "-j %d: %.2f s wall (median of %d; %.2f-%.2f), %.1f documents/s, %.1f ms CPU per document\n",
          j, w[m], r, w[1], w[NR], n / w[m], 1000 * c[m] / n }'
  sort -n "$tmp/runs-$j" | awk '{ w[NR] = $1 } END { print w[int((NR + 1) / 2)] }' >"$tmp/med-$j"
  tail -1 "$tmp/log"
done
awk -v a="$(cat "$tmp/med-1")" -v b="$(cat "$tmp/med-2")" 'BEGIN { printf "-j 2 / -j 1 throughput: %.2fx\n", a / b }'
rm -rf "$tmp/out"
"$bin" batch -q -j 2 -o "$tmp/out" "$tmp/in" 2>/dev/null || true
t0=$(date +%s%N)
"$bin" batch -q -j 2 -o "$tmp/out" "$tmp/in" 2>"$tmp/log" || true
t1=$(date +%s%N)
echo "second run, nothing changed: $(( (t1 - t0) / 1000000 )) ms ($(tail -1 "$tmp/log"))"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
