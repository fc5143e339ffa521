#!/bin/sh
# Install test: `cmake --install` the build into a temporary prefix, move the
# prefix elsewhere, and from the moved prefix
#   - render the example with the installed evalpdf (data found beside the library
#     or program, also when run from $PATH as a bare "evalpdf"), list the layouts,
#   - man evalpdf / evalpdf-layout, bash and zsh completion as those shells load them,
#   - check the shared library exports only evalpdf_* symbols and has a SONAME,
#   - build examples/app.c (as installed) with `cc app.c $(pkg-config --cflags --libs evalpdf)`
#     and with its CMake project (find_package(evalpdf)), and render the example with each,
#   - the same with libevalpdf.a (pkg-config --static, evalpdf::evalpdf_static): such a
#     program finds the data beside itself in PREFIX/bin, is told by $EVALPDF_DATA
#     elsewhere, and never reads the source tree.
# Usage: run-install.sh EVALPDF_BIN SOURCE_DIR   (the build folder is found from EVALPDF_BIN;
# SOURCE_DIR is not read: everything comes from the installed prefix)
set -eu
bin=$1
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
# Run from $PATH as a bare "evalpdf" (argv[0] without a folder), in another folder.
if (cd "$tmp" && PATH="$p/bin:$PATH" evalpdf --version) 2>&1 | grep -qxF "  data: $p/share/evalpdf (installed)"; then
  ok; else bad "evalpdf run from \$PATH does not find its data in $p/share/evalpdf"; fi
"$p/bin/evalpdf" layouts >"$tmp/layouts" 2>&1 || true
if grep -q "^official .*$p/share/evalpdf/layouts/official.xml" "$tmp/layouts" &&
  grep -q "^compact " "$tmp/layouts"; then ok; else
  bad "evalpdf layouts from the moved prefix:"; cat "$tmp/layouts"; fi

# 2. Man pages and shell completion, where man, bash-completion and zsh look.
if man -l "$p/share/man/man1/evalpdf.1" 2>"$tmp/man.err" | grep -q 'evalpdf - ' && [ ! -s "$tmp/man.err" ] &&
  [ "$(MANPATH="$p/share/man" man -w evalpdf)" = "$p/share/man/man1/evalpdf.1" ] &&
  [ "$(MANPATH="$p/share/man" man -w 5 evalpdf-layout)" = "$p/share/man/man5/evalpdf-layout.5" ]; then ok; else
  bad "man pages:"; cat "$tmp/man.err"; fi
bashcomp=/usr/share/bash-completion/bash_completion
if [ -f "$bashcomp" ] && command -v bash >/dev/null 2>&1; then
  # bash-completion loads completions/evalpdf from each XDG_DATA_DIRS entry (/usr/local/share by default).
  # shellcheck disable=SC2016
  if PATH="$p/bin:$PATH" XDG_DATA_DIRS="$p/share" bash -c '. "$1"; __load_completion evalpdf &&
    COMP_LINE="evalpdf -q rend"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(evalpdf -q rend); COMP_CWORD=2;
    _evalpdf; [ "${COMPREPLY[*]}" = render ] || { echo "rend: ${COMPREPLY[*]}"; exit 1; }
    COMP_LINE="evalpdf render --layout comp"; COMP_POINT=${#COMP_LINE};
    COMP_WORDS=(evalpdf render --layout comp); COMP_CWORD=3; _evalpdf; [ "${COMPREPLY[0]}" = compact ]' \
    sh "$bashcomp" >"$tmp/bash.log" 2>&1; then ok; else bad "bash completion from $p/share:"; cat "$tmp/bash.log"; fi
else
  echo "skipped: bash completion (bash-completion is not installed)"
fi
if command -v zsh >/dev/null 2>&1; then
  # shellcheck disable=SC2016
  if PATH="$p/bin:$PATH" zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -D;
    [[ ${_comps[evalpdf]} == _evalpdf ]]' sh "$p/share/zsh/site-functions" >"$tmp/zsh.log" 2>&1; then ok; else
    bad "zsh completion from $p/share/zsh/site-functions:"; cat "$tmp/zsh.log"; fi
else
  echo "skipped: zsh completion (zsh is not installed)"
fi

# 3. The shared library: SONAME, and only evalpdf_* exported.
so=$(find "$libdir" -maxdepth 1 -name 'libevalpdf.so.*.*.*' | head -1)
if [ -n "$so" ]; then
  if readelf -d "$so" | grep -q 'SONAME.*libevalpdf\.so\.'; then ok; else bad "no SONAME in $so"; fi
  nm -D --defined-only "$so" | awk '{print $NF}' | grep -v '^evalpdf_' >"$tmp/extra-symbols" || true
  if [ ! -s "$tmp/extra-symbols" ] && nm -D --defined-only "$so" | grep -q ' evalpdf_version$'; then ok; else
    bad "$so exports more than evalpdf_*:"; head -20 "$tmp/extra-symbols"; fi
else
  echo "note: static-only build (BUILD_SHARED_LIBS=OFF): symbol and SONAME checks do not apply"
fi
export PKG_CONFIG_PATH="$libdir/pkgconfig"

# 'renders()' - NAME APP DATA [ENV...]: APP renders the example, says its data is DATA.
renders() {
  name=$1 app=$2 data=$3
  shift 3
  rm -f "$tmp/app.pdf"
  if [ -x "$app" ] && env "$@" "$app" "$example" "$tmp/app.pdf" >"$tmp/app.out" 2>&1 &&
    head -c 5 "$tmp/app.pdf" | grep -q '%PDF-' && grep -qxF "data: $data" "$tmp/app.out"; then ok; else
    bad "$name (data expected from $data):"; cat "$tmp/app.out"; fi
}
# 'build_pc()' - DIR CC-ARGS...: build the installed app.c in DIR with the arguments.
build_pc() {
  dir=$1
  shift
  mkdir -p "$dir"
  cp "$p/share/doc/evalpdf/examples/app.c" "$dir/"
  # shellcheck disable=SC2086
  if (cd "$dir" && $cc $flags app.c "$@" -o app) >"$dir/log" 2>&1; then ok; else
    bad "cc app.c $*:"; cat "$dir/log"; fi
}
# 'build_cmake()' - DIR TARGET: build the installed example project linking TARGET.
build_cmake() {
  cp -r "$p/share/doc/evalpdf/examples" "$1"
  sed -i "s/evalpdf::evalpdf)/$2)/" "$1/CMakeLists.txt"
  if cmake -S "$1" -B "$1/build" -DCMAKE_PREFIX_PATH="$p" -DCMAKE_C_FLAGS="$flags" \
    >"$1/log" 2>&1 && cmake --build "$1/build" >>"$1/log" 2>&1; then ok; else
    bad "find_package(evalpdf) project with $2:"; tail -30 "$1/log"; fi
}
# 'no_shared()' - APP does not need libevalpdf.so (it carries libevalpdf.a).
no_shared() {
  if [ -x "$1" ] && ! readelf -d "$1" | grep -q 'NEEDED.*libevalpdf'; then ok; else bad "$1 needs libevalpdf.so"; fi
}
# 'static_data()' - APP linked with libevalpdf.a finds the data beside itself in the prefix's
# bin/, is told by $EVALPDF_DATA elsewhere, and never reads the source tree.
static_data() {
  cp "$1" "$p/bin/app-static"
  renders "$2 in PREFIX/bin" "$p/bin/app-static" "$p/share/evalpdf (installed)"
  rm -f "$p/bin/app-static"
  renders "$2 elsewhere with EVALPDF_DATA" "$1" "$p/share/evalpdf (EVALPDF_DATA)" EVALPDF_DATA="$p/share/evalpdf"
  "$1" "$example" "$tmp/nodata.pdf" >"$tmp/nodata.out" 2>&1 || true
  if grep -q '^data: ' "$tmp/nodata.out" && ! grep -q "(source tree)" "$tmp/nodata.out"; then ok; else
    bad "$2 elsewhere reads the source tree:"; cat "$tmp/nodata.out"; fi
}

# shellcheck disable=SC2046  # pkg-config's output is split into arguments on purpose
if [ -n "$so" ]; then
  # 4. The shared library with pkg-config (the documented one-line build) and CMake.
  build_pc "$tmp/pc" $(pkg-config --cflags --libs evalpdf)
  renders "pkg-config-built app" "$tmp/pc/app" "$p/share/evalpdf (installed)" LD_LIBRARY_PATH="$libdir"
  build_cmake "$tmp/cm" evalpdf::evalpdf
  renders "find_package-built app" "$tmp/cm/build/app" "$p/share/evalpdf (installed)"
  # 5. Both programs and the tool wrote the same PDF (same library, same defaults: no date).
  cp "$tmp/app.pdf" "$tmp/cm.pdf"
  LD_LIBRARY_PATH="$libdir" "$tmp/pc/app" "$example" "$tmp/pc.pdf" >/dev/null 2>&1 || true
  if cmp -s "$tmp/pc.pdf" "$tmp/cm.pdf" && cmp -s "$tmp/pc.pdf" "$tmp/tool.pdf"; then ok; else
    bad "the tool, the pkg-config app and the CMake app wrote different PDFs"; fi
fi
# shellcheck disable=SC2046
if [ -f "$libdir/libevalpdf.a" ]; then
  # 6. The static library: with pkg-config --static (beside the shared library the
  # linker would take libevalpdf.so for -levalpdf: the README's -Wl,-Bstatic form) and CMake.
  if [ -n "$so" ]; then
    build_pc "$tmp/pcs" $(pkg-config --static --cflags --libs evalpdf |
      sed 's/-levalpdf /-Wl,-Bstatic -levalpdf -Wl,-Bdynamic /')
    build_cmake "$tmp/cms" evalpdf::evalpdf_static
    no_shared "$tmp/cms/build/app"
    static_data "$tmp/cms/build/app" "evalpdf::evalpdf_static app"
  else
    build_pc "$tmp/pcs" $(pkg-config --static --cflags --libs evalpdf)
    build_cmake "$tmp/cms" evalpdf::evalpdf
    static_data "$tmp/cms/build/app" "find_package-built static app"
  fi
  no_shared "$tmp/pcs/app"
  static_data "$tmp/pcs/app" "pkg-config --static app"
fi

echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
