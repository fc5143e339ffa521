#!/bin/sh
# Install test: `cmake --install` the build into a temporary prefix, move the
# prefix elsewhere, and from the moved prefix
#   - render the example with the installed evalpdf (data found beside the library),
#   - list the layouts (all from the moved prefix),
#   - check the shared library exports only evalpdf_* symbols and has a SONAME,
#   - build examples/app.c (as installed) with `cc app.c $(pkg-config --cflags --libs evalpdf)`
#     and with its CMake project (find_package(evalpdf)), and render the example with each.
# Usage: run-install.sh EVALPDF_BIN SOURCE_DIR   (the build folder is found from EVALPDF_BIN)
set -eu
bin=$1
src=$2
build=$(cd "$(dirname "$bin")" && pwd)
while [ ! -f "$build/CMakeCache.txt" ]; do
  [ "$build" != / ] || { echo "no CMakeCache.txt above $bin"; exit 1; }
  build=$(dirname "$build")
done
for tool in cmake pkg-config nm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing $tool"; exit 1; }
done
cc=${CC:-cc}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The installed program must find everything itself: no $EVALPDF_DATA, no user layouts.
unset EVALPDF_DATA SOURCE_DATE_EPOCH
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/.local/share"
mkdir -p "$HOME"
# A sanitizer build installs an instrumented library: programs linked with it need the same flags.
flags=""
grep -q '^EVALPDF_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && flags="-fsanitize=address,undefined"

cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; echo "FAIL cmake --install"; exit 1; }
mv "$tmp/prefix" "$tmp/moved"
p=$tmp/moved
libdir=$(dirname "$(find "$p" -name 'evalpdf.pc' | head -1)")
libdir=$(dirname "$libdir")
example=$p/share/doc/evalpdf/examples/guangdong-2022-jiuzhu.xml

# 1. The installed tool renders from the moved prefix and says where its data is.
if "$p/bin/evalpdf" --version >"$tmp/version" 2>&1 && grep -q "$p/" "$tmp/version"; then ok; else
  bad "evalpdf --version does not name the moved prefix:"; cat "$tmp/version"; fi
if "$p/bin/evalpdf" render -q "$example" -o "$tmp/tool.pdf" 2>"$tmp/tool.err" &&
  head -c 5 "$tmp/tool.pdf" | grep -q '%PDF-'; then ok; else
  bad "installed evalpdf render from the moved prefix:"; cat "$tmp/tool.err"; fi
"$p/bin/evalpdf" layouts >"$tmp/layouts" 2>&1 || true
if grep -q "^official .*$p/share/evalpdf/layouts/official.xml" "$tmp/layouts" &&
  grep -q "^compact " "$tmp/layouts"; then ok; else
  bad "evalpdf layouts from the moved prefix:"; cat "$tmp/layouts"; fi

# 2. The shared library: SONAME, and only evalpdf_* exported.
so=$(find "$libdir" -maxdepth 1 -name 'libevalpdf.so.*.*.*' | head -1)
if [ -n "$so" ]; then
  if readelf -d "$so" | grep -q 'SONAME.*libevalpdf\.so\.'; then ok; else bad "no SONAME in $so"; fi
  nm -D --defined-only "$so" | awk '{print $NF}' | grep -v '^evalpdf_' >"$tmp/extra-symbols" || true
  if [ ! -s "$tmp/extra-symbols" ] && nm -D --defined-only "$so" | grep -q ' evalpdf_version$'; then ok; else
    bad "$so exports more than evalpdf_*:"; head -20 "$tmp/extra-symbols"; fi
  static_flag=""
  data_from="$p/share/evalpdf (installed)"
else
  # A program linked with libevalpdf.a finds data beside itself (BIN/../share/evalpdf);
  # built elsewhere it is told where the data is.
  echo "note: static-only build (BUILD_SHARED_LIBS=OFF): symbol and SONAME checks do not apply"
  static_flag="--static"
  export EVALPDF_DATA="$p/share/evalpdf"
  data_from="$p/share/evalpdf (EVALPDF_DATA)"
fi

# 3. pkg-config: the documented one-line build, run against the moved prefix.
export PKG_CONFIG_PATH="$libdir/pkgconfig"
mkdir -p "$tmp/pc"
cp "$p/share/doc/evalpdf/examples/app.c" "$tmp/pc/"
# shellcheck disable=SC2046
if (cd "$tmp/pc" && $cc $flags app.c $(pkg-config $static_flag --cflags --libs evalpdf) -o app) \
  >"$tmp/pc.log" 2>&1; then ok; else bad "cc app.c \$(pkg-config --cflags --libs evalpdf):"; cat "$tmp/pc.log"; fi
if [ -x "$tmp/pc/app" ] && LD_LIBRARY_PATH="$libdir" "$tmp/pc/app" "$example" "$tmp/pc.pdf" >"$tmp/pc.out" 2>&1 &&
  head -c 5 "$tmp/pc.pdf" | grep -q '%PDF-' && grep -qxF "data: $data_from" "$tmp/pc.out"; then ok; else
  bad "pkg-config-built app (data expected from $data_from):"; cat "$tmp/pc.out"; fi

# 4. CMake: the installed example project (find_package(evalpdf), evalpdf::evalpdf).
cp -r "$p/share/doc/evalpdf/examples" "$tmp/cm"
if cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$p" -DCMAKE_C_FLAGS="$flags" \
  >"$tmp/cm.log" 2>&1 && cmake --build "$tmp/cm/build" >>"$tmp/cm.log" 2>&1; then ok; else
  bad "find_package(evalpdf) project:"; tail -30 "$tmp/cm.log"; fi
if [ -x "$tmp/cm/build/app" ] && "$tmp/cm/build/app" "$example" "$tmp/cm.pdf" >"$tmp/cm.out" 2>&1 &&
  head -c 5 "$tmp/cm.pdf" | grep -q '%PDF-' && grep -qxF "data: $data_from" "$tmp/cm.out"; then ok; else
  bad "find_package-built app (data expected from $data_from):"; cat "$tmp/cm.out"; fi

# 5. Both programs and the tool wrote the same PDF (same library, same defaults: no date).
if cmp -s "$tmp/pc.pdf" "$tmp/cm.pdf" && cmp -s "$tmp/pc.pdf" "$tmp/tool.pdf"; then ok; else
  bad "the tool, the pkg-config app and the CMake app wrote different PDFs"; fi

echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
