#!/bin/sh
# Build and run every test:
#   1. the normal build (warnings are errors) and ctest
#   2. gcc ASan + UBSan (+ -fsanitize=float-cast-overflow) build and ctest;
#      2b. ThreadSanitizer on the public-API thread programs
#   3. valgrind: one render of the example and one batch of two reports,
#      0 errors and 0 bytes lost
#   4. every example and golden input rendered with both layouts, and the PDFs
#      validated by qpdf, mutool, Ghostscript, pdffonts and pdftotext
#      (tests/validate-pdf.sh)
#   5. each libFuzzer harness (clang) over its regression inputs, then for
#      FUZZ_SECONDS (default 30) from seeds in examples/, layouts/ and tests/
# Usage: sh tests/check-all.sh     (from anywhere; builds into build/, build-asan/, build-fuzz/)
# A stage whose tool is missing says SKIPPED, and the script then ends with
# exit status 77 (skipped), never 0. Longer fuzzing: see README "Fuzzing".
set -eu
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}
src=$(pwd)
export EVALPDF_DATA="$src"
skipped=

echo "== stage 1: build and ctest (RelWithDebInfo, -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVALPDF_WERROR=ON >/dev/null
cmake --build build -j"$JOBS"
ctest --test-dir build --output-on-failure -j"$JOBS"

echo "== stage 2: ASan + UBSan build and ctest"
CC=${SANITIZE_CC:-gcc} cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DEVALPDF_WERROR=ON -DEVALPDF_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$JOBS"
# the strace, race and kill tests check system calls and files, not memory: stage 1 runs them
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$JOBS" -E '^run-(strace|race|kill)$'

echo "== stage 2b: ThreadSanitizer: the public-API programs (one context, four threads)"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DEVALPDF_WERROR=ON -DEVALPDF_TSAN=ON >/dev/null
cmake --build build-tsan -j"$JOBS" --target api_test_threads api_test_rerender api_test_load_memory
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --test-dir build-tsan -R '^api_' --output-on-failure

echo "== stage 3: valgrind"
if command -v valgrind >/dev/null 2>&1; then
  # A fresh output: a replaced one is closed on a thread of the library's that
  # the program, about to exit, does not wait for (evalpdf_context_end()), and
  # valgrind counts a thread still running at the exit as possibly lost.
  rm -f build/valgrind.pdf
  valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    build/src/evalpdf render examples/guangdong-2022-jiuzhu.xml -o build/valgrind.pdf 2>build/valgrind.log ||
    { grep -v 'note:' build/valgrind.log | tail -40; echo "valgrind found errors or leaks"; exit 1; }
  echo "valgrind: render of the example, 0 errors, 0 bytes lost"
  rm -rf build/valgrind-batch
  valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    build/src/evalpdf batch -q -j 2 -o build/valgrind-batch examples/guangdong-2022-jiuzhu.xml tests/golden/tables.xml \
    2>build/valgrind-batch.log ||
    { grep -v 'note:' build/valgrind-batch.log | tail -40; echo "valgrind found errors or leaks in a batch"; exit 1; }
  echo "valgrind: batch of two reports on two threads, 0 errors, 0 bytes lost"
else
  echo "SKIPPED: valgrind is not installed"
  skipped="$skipped; stage 3 (valgrind)"
fi

echo "== stage 4: PDF validators"
rm -rf build/validate
mkdir -p build/validate
for xml in examples/*.xml tests/golden/*.xml; do
  for layout in official compact; do
    out=build/validate/$(basename "$xml" .xml).$layout.pdf
    build/src/evalpdf render --layout "$layout" "$xml" -o "$out" 2>/dev/null || rm -f "$out"
  done
done
ls build/validate/*.pdf >/dev/null 2>&1 || { echo "no PDF was rendered"; exit 1; }
rc=0
# shellcheck disable=SC2046  # the batch's PDFs (stage 3), when valgrind ran
sh tests/validate-pdf.sh build/validate/*.pdf $(find build/valgrind-batch -name '*.pdf' 2>/dev/null) || rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || { echo "some PDFs are not valid"; exit 1; }
[ "$rc" -eq 0 ] || skipped="$skipped; stage 4 in part (a validator is missing)"

if command -v clang >/dev/null 2>&1; then
  echo "== stage 5: libFuzzer harnesses, regression inputs and a short run each"
  CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DEVALPDF_FUZZ=ON -DBUILD_TESTING=ON >/dev/null
  cmake --build build-fuzz -j"$JOBS" --target fuzz_load fuzz_render fuzz_layout fuzz_linebreak fuzz_subset
  rm -rf build-fuzz/corpus-report build-fuzz/corpus-layout build-fuzz/corpus-lb build-fuzz/corpus-subset
  mkdir -p build-fuzz/corpus-report build-fuzz/corpus-layout build-fuzz/corpus-lb build-fuzz/corpus-subset
  cp examples/*.xml tests/golden/*.xml tests/bad/*.xml tests/bad/inc/*.xml tests/schema/*.xml build-fuzz/corpus-report/
  cp layouts/*.xml tests/bad/layouts/*.xml build-fuzz/corpus-layout/
  cp examples/*.xml tests/golden/*.xml build-fuzz/corpus-lb/
  # Subsetter seeds: small cuts of installed fonts (fontTools; hinting kept in
  # one, so instructions are there to strip; é and ü are composites).
  for py in /usr/bin/python3 python3; do
    "$py" -c 'import fontTools.subset' 2>/dev/null || continue
    for f in /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf \
             /usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf; do
      [ -f "$f" ] || continue
      b=$(basename "$f" .ttf)
      "$py" -m fontTools.subset "$f" --unicodes=U+41-43,U+E9,U+FC,U+4E00,U+3002 \
        --output-file="build-fuzz/corpus-subset/$b.ttf" 2>/dev/null || true
      "$py" -m fontTools.subset "$f" --unicodes=U+30-39,U+E8 --no-hinting \
        --output-file="build-fuzz/corpus-subset/$b-nohint.ttf" 2>/dev/null || true
    done
    break
  done
  for h in load render layout linebreak subset; do
    case $h in
      load|render) corpus=build-fuzz/corpus-report dict=-dict=tests/fuzz/report.dict len=65536 ;;
      layout) corpus=build-fuzz/corpus-layout dict=-dict=tests/fuzz/layout.dict len=16384 ;;
      linebreak) corpus=build-fuzz/corpus-lb dict= len=4096 ;;
      subset) corpus=build-fuzz/corpus-subset dict=-dict=tests/fuzz/font.dict len=16384 ;;
    esac
    if [ -d "tests/fuzz/regress/$h" ]; then
      build-fuzz/tests/fuzz/fuzz_$h tests/fuzz/regress/$h/* >build-fuzz/regress-$h.log 2>&1 ||
        { tail -40 build-fuzz/regress-$h.log; echo "fuzz_$h fails on a regression input"; exit 1; }
    fi
    # shellcheck disable=SC2086  # $dict is empty or one option
    build-fuzz/tests/fuzz/fuzz_$h -artifact_prefix=build-fuzz/$h- -max_total_time="${FUZZ_SECONDS:-30}" \
      -timeout=30 -rss_limit_mb=3000 -max_len=$len $dict $corpus >build-fuzz/fuzz-$h.log 2>&1 ||
      { tail -50 build-fuzz/fuzz-$h.log; echo "fuzz_$h found a crash, leak or timeout"; exit 1; }
    echo "fuzz_$h: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' build-fuzz/fuzz-$h.log)"
  done
else
  echo "SKIPPED: stage 5 (libFuzzer) needs clang"
  skipped="$skipped; stage 5 (clang)"
fi
if [ -n "$skipped" ]; then
  echo "every stage that ran passed; SKIPPED${skipped}"
  exit 77
fi
echo "all stages passed"
