#!/bin/sh
# The include graph of src/ (and include/evalpdf.h), derived from the
# `#include "…"` lines, against the declared layers below: no cycle, no file
# includes a header of a higher layer or of another module of its own layer,
# the CLI includes only the public header (and its own cli.h), and only pdf.c
# includes <hpdf.h>. A file in no layer fails (place it when you add it).
# Also the environment: only the CLI may call getenv/secure_getenv (the
# library takes everything as options, evalpdf.h says so), and no library
# file may change the environment (setenv/putenv/unsetenv/clearenv).
# Before the real tree it checks small made-up trees with a cycle, an upward
# include, a sideways include, a CLI reaching past the API, a stray <hpdf.h>
# and an unplaced file, each of which must be caught, so the test cannot pass
# by checking nothing.
# Usage: run-layers.sh EVALPDF_BIN SOURCE_DIR   (the binary is not used)
set -eu
src=$2
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

# Layers, lowest first: RANK MODULE FILE-STEMS... A file may include the
# headers of its own module and of modules of a strictly lower rank; modules of
# one rank are siblings and never include each other. "only=a,b" limits a
# module to including the headers of modules a and b.
cat >"$tmp/layers" <<'EOF'
1 util util
2 decimal decimal
2 diag diag
2 linebreak linebreak
2 wordseg wordseg
2 fontcache fontcache
2 progcache progcache
2 catalog catalog
2 subset subset
2 hbsubset hbsubset
2 pdf_out pdf_out
2 thread thread
3 font font font_face font_program
3 pdf_text pdf_text
3 xmlload xmlload
4 program program
4 display display
4 model model
5 model_ops model_build model_include model_check model_dump
5 style style
6 inline inline
7 table layout_table layout_chart
8 layout layout layout_int layout_hint layout_page layout_title
8 pdf pdf pdf_survey
9 api evalpdf
10 cli cli main cli_batch cli_util cli_watch only=api,cli
EOF

# 'check_tree DIR LAYERS' - Print one line per problem in DIR/src and
# DIR/include against LAYERS; exit status 1 when there is any.
check_tree() {
  find "$1/src" "$1/include" -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort |
    while read -r f; do
      base=${f##*/}
      # one line per file (FILE:) and per include (FILE TARGET): quoted and <hpdf.h>
      echo "file $base"
      sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/inc \1/p; s/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\(hpdf\.h\)>.*/sys \1/p' "$f" |
        sed "s|^|$base |"
      # calls that read or change the environment (comments aside)
      sed 's|//.*||' "$f" | grep -o '\b\(secure_getenv\|getenv\|setenv\|putenv\|unsetenv\|clearenv\)[[:space:]]*(' |
        sed 's/[[:space:]]*($//' | sort -u | sed "s|^|$base env |"
    done | awk -v layers="$2" '
    BEGIN {
      while ((getline line < layers) > 0) {
        n = split(line, lw, " ")
        for (i = 3; i <= n; i++) {
          if (lw[i] ~ /^only=/) { only[lw[2]] = "," substr(lw[i], 6) ","; continue }
          rank[lw[i]] = lw[1] + 0; mod[lw[i]] = lw[2]
        }
        mrank[lw[2]] = lw[1] + 0
      }
      bad = 0
    }
    function stem(name) { sub(/\.[ch]$/, "", name); return name }
    function problem(msg) { print msg; bad = 1 }
    $1 == "file" { files[$2] = 1; next }
    $2 == "env" {
      s = stem($1)
      if (mod[s] == "cli") next
      problem($1 ": calls " $3 "(); the library never reads or changes the environment (the CLI passes it as options)")
      next
    }
    $2 == "sys" { if ($1 != "pdf.c") problem($1 ": includes <hpdf.h>; only pdf.c may (the PDF writer is the one user of libharu)"); next }
    $2 == "inc" {
      from = $1; to = $3; sub(/.*\//, "", to)
      edges[from] = edges[from] " " to
      inc[from, to] = 1
    }
    END {
      for (f in files) {
        s = stem(f)
        if (!(s in rank)) problem(f ": in no layer (add it to the layers in tests/run-layers.sh)")
      }
      for (k in inc) {
        split(k, p, SUBSEP); from = p[1]; to = p[2]
        if (!(to in files)) { problem(from ": includes \"" to "\", which is not in src/ or include/"); continue }
        a = stem(from); b = stem(to)
        if (!(a in rank) || !(b in rank)) continue
        if (mod[a] in only && index(only[mod[a]], "," mod[b] ",") == 0)
          { o = substr(only[mod[a]], 2, length(only[mod[a]]) - 2); gsub(/,/, " and ", o)
          problem(from ": includes " to " (" mod[b] "); module " mod[a] " may include only " o) }
        else if (mod[a] != mod[b] && rank[b] > rank[a])
          problem(from ": includes " to ", a header of a higher layer (" mod[b] ", rank " rank[b] ", above " mod[a] ", rank " rank[a] ")")
        else if (mod[a] != mod[b] && rank[b] == rank[a])
          problem(from ": includes " to ", a header of a sibling module of the same layer (" mod[b] " beside " mod[a] ", rank " rank[a] ")")
      }
      # cycles: depth-first search over the include edges (iterative, awk has no local arrays)
      for (f in files) state[f] = 0
      for (f in files) {
        if (state[f] != 0) continue
        top = 1; stack[1] = f; pos[1] = 0; state[f] = 1
        nb = split(edges[f], nx, " "); for (i = 1; i <= nb; i++) succ[1, i] = nx[i]; nsucc[1] = nb
        while (top > 0) {
          v = stack[top]
          if (pos[top] < nsucc[top]) {
            pos[top]++; w = succ[top, pos[top]]
            if (!(w in files)) continue
            if (state[w] == 1) {
              path = w
              for (j = top; j >= 1 && stack[j] != w; j--) path = stack[j] " -> " path
              problem("include cycle: " w " -> " path)
            } else if (state[w] == 0) {
              top++; stack[top] = w; pos[top] = 0; state[w] = 1
              nb = split(edges[w], nx, " "); for (i = 1; i <= nb; i++) succ[top, i] = nx[i]; nsucc[top] = nb
            }
          } else {
            state[v] = 2; top--
          }
        }
      }
      exit bad
    }'
}

# 'made_up NAME EXPECT' - Check the made-up tree $tmp/NAME: it must fail with
# a line matching EXPECT.
fails=0
made_up() {
  if check_tree "$tmp/$1" "$tmp/layers" >"$tmp/$1.out"; then
    echo "FAIL self-test $1: the checker found nothing"; fails=$((fails + 1))
  elif ! grep -q "$2" "$tmp/$1.out"; then
    echo "FAIL self-test $1: expected /$2/, got:"; sed 's/^/  /' "$tmp/$1.out"; fails=$((fails + 1))
  fi
}
tree() { # tree NAME FILE CONTENT... : a made-up tree with a clean base
  d=$tmp/$1; shift
  mkdir -p "$d/src" "$d/include"
  printf '#include "util.h"\n' >"$d/src/diag.h"
  printf '\n' >"$d/src/util.h"
  printf '#include "model.h"\n' >"$d/src/layout.h"
  printf '#include "diag.h"\n' >"$d/src/model.h"
  printf '#include "evalpdf.h"\n#include "cli.h"\n' >"$d/src/main.c"
  printf '#include "evalpdf.h"\n' >"$d/src/cli.h"
  printf '\n' >"$d/include/evalpdf.h"
  while [ $# -ge 2 ]; do printf '%b' "$2" >"$d/src/$1"; shift 2; done
}
tree clean
if ! check_tree "$tmp/clean" "$tmp/layers" >"$tmp/clean.out"; then
  echo "FAIL self-test clean: a clean tree was refused:"; sed 's/^/  /' "$tmp/clean.out"; fails=$((fails + 1))
fi
# a cycle inside one module (every include allowed by the layers)
tree cycle layout.h '#include "model.h"\n#include "layout_int.h"\n' layout_int.h '#include "layout.h"\n'
made_up cycle '^include cycle: layout'
[ "$(grep -vc '^include cycle' "$tmp/cycle.out")" = 0 ] || { echo "FAIL self-test cycle: more than the cycle reported"; fails=$((fails + 1)); }
tree upward model.h '#include "diag.h"\n#include "layout.h"\n'
made_up upward 'model.h: includes layout.h, a header of a higher layer'
tree sideways decimal.h '#include "diag.h"\n' diag.h '#include "decimal.h"\n'
made_up sideways 'diag.h: includes decimal.h, a header of a sibling module'
tree cli main.c '#include "evalpdf.h"\n  #  include "model.h"\n'
made_up cli 'main.c: includes model.h (model); module cli may include only'
tree hpdf layout.h '#include <hpdf.h>\n'
made_up hpdf 'layout.h: includes <hpdf.h>'
tree stray newstage.c '#include "util.h"\n'
made_up stray 'newstage.c: in no layer'
tree env util.c '#include "util.h"\n// getenv() in a comment is fine\nint f(void) { return getenv ("X") != 0; }\n' main.c '#include "evalpdf.h"\nint g(void) { return setenv("A", "b", 1); }\n'
made_up env 'util.c: calls getenv()'
[ "$(grep -c 'calls' "$tmp/env.out")" = 1 ] || { echo "FAIL self-test env: the CLI or a comment was reported"; fails=$((fails + 1)); }

# The real tree.
if check_tree "$src" "$tmp/layers" >"$tmp/real.out"; then
  nfiles=$(find "$src/src" "$src/include" -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \) | wc -l)
  nedges=$(cat "$src"/src/*.[ch] "$src"/include/*.h | grep -c '^[[:space:]]*#[[:space:]]*include[[:space:]]*"')
  echo "layers: $nfiles files, $nedges includes: no cycle, no upward or sideways include; the library never reads the environment"
else
  echo "FAIL the include graph of src/:"; sed 's/^/  /' "$tmp/real.out"; fails=$((fails + 1))
fi
[ "$fails" -eq 0 ]
