#!/bin/sh
# Build and run every test: the normal build (warnings are errors) with ctest,
# then an ASan/UBSan build with ctest, then a short fuzz run when clang is there.
# Usage: sh tests/check-all.sh     (from anywhere; builds into build/ and build-asan/)
set -eu
cd "$(dirname "$0")/.."
JOBS=${JOBS:-2}

echo "== stage 1: build and ctest (RelWithDebInfo, -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVALPDF_WERROR=ON >/dev/null
cmake --build build -j"$JOBS"
ctest --test-dir build --output-on-failure -j"$JOBS"

echo "== stage 2: ASan + UBSan build and ctest"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DEVALPDF_WERROR=ON -DEVALPDF_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$JOBS"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$JOBS"

echo "== stage 3: ThreadSanitizer: the public-API programs (one context, four threads)"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DEVALPDF_WERROR=ON -DEVALPDF_TSAN=ON >/dev/null
cmake --build build-tsan -j"$JOBS" --target api_test_threads api_test_rerender
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --test-dir build-tsan -R '^api_' --output-on-failure

if command -v clang >/dev/null 2>&1; then
  echo "== stage 4: libFuzzer harness, short run"
  CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DEVALPDF_FUZZ=ON -DBUILD_TESTING=ON >/dev/null
  cmake --build build-fuzz -j"$JOBS" --target fuzz_load
  mkdir -p build-fuzz/corpus
  cp examples/*.xml tests/schema/*.xml build-fuzz/corpus/ 2>/dev/null || true
  build-fuzz/tests/fuzz/fuzz_load -artifact_prefix=build-fuzz/ -max_total_time="${FUZZ_SECONDS:-60}" -max_len=65536 \
    -dict=tests/fuzz/report.dict build-fuzz/corpus >build-fuzz/fuzz.log 2>&1 ||
    { tail -50 build-fuzz/fuzz.log; echo "fuzzing found a crash"; exit 1; }
  tail -2 build-fuzz/fuzz.log
fi
echo "all stages passed"
