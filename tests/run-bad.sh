#!/bin/sh
# Bad-input corpus: usage  sh tests/run-bad.sh EVALPDF_BIN SOURCE_DIR
#
# Every tests/bad/NAME.xml is a case.  Next to it:
#   NAME.stderr  the exact expected stderr (required)
#   NAME.exit    the expected exit status, e.g. "1" (required)
#   NAME.args    extra options, split on blanks, put before the file (optional)
# Subfolders (tests/bad/inc/...) hold files that cases include.
#
# tests/bad is copied to TMP/a/bad and every case runs from that directory as
#     EVALPDF_BIN check -q [ARGS] NAME.xml
# so that paths in messages are short and stable, and so that the hostile
# files this script makes at run time stay inside TMP:
#     TMP/a/outside.xml        a valid fragment just outside the include root
#     TMP/x.xml                a layout file two levels up
#     TMP/a/bad/inc/link-out.xml -> TMP/a/outside.xml   (symlink out of the tree)
#     TMP/a/bad/linkdir -> /etc                          (symlinked folder)
#     TMP/a/bad/inc/link-missing.xml -> TMP/a/no-such.xml (dangling, out of the tree)
#     TMP/a/bad/inc/link-layout.xml -> TMP/x.xml          (a layout out of the tree)
#     TMP/a/bad/inc/link-layout-missing.xml -> TMP/no-such.xml
# In stderr, the temporary directory (as given and resolved) is replaced by
# @TMPDIR@ before the comparison.
#
# A case passes when stderr is byte-for-byte NAME.stderr, the exit status is
# NAME.exit, nothing is printed on stdout (-q), and the status is below 126
# (126+ means the checker crashed, aborted or could not run: always a failure).
# Prints "PASS NAME" or "FAIL NAME" and a diff for each case, then a last line
# exactly "N passed, M failed"; exits non-zero if M > 0.
#
# EVALPDF_UPDATE=1: write the observed stderr and exit status to
# SOURCE_DIR/tests/bad/NAME.stderr and NAME.exit instead of comparing (review
# the diff before committing: some expected files deliberately record what the
# checker SHOULD print, so update only the cases you mean, with EVALPDF_CASES;
# a crash is never recorded).
# EVALPDF_CASES="NAME ...": run (or update) only these cases.
# EVALPDF_VALGRIND=1: run each case under valgrind -q --error-exitcode=99.
# EVALPDF_DATA is set to SOURCE_DIR, so "available layouts" lists SOURCE_DIR/layouts.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: sh $0 EVALPDF_BIN SOURCE_DIR" >&2
    exit 2
fi
bin=$1
src=$2

case $bin in
    /*) ;;
    */*) bin=$(pwd)/$bin ;;
esac
case $src in
    /*) ;;
    *) src=$(pwd)/$src ;;
esac
if [ ! -d "$src/tests/bad" ]; then
    echo "run-bad.sh: $src/tests/bad not found" >&2
    exit 2
fi
case $bin in
    */*) if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
             echo "run-bad.sh: evalpdf binary not found or not executable: $bin" >&2
             exit 2
         fi ;;
    *) if ! command -v "$bin" >/dev/null 2>&1; then
           echo "run-bad.sh: evalpdf binary not found: $bin" >&2
           exit 2
       fi ;;
esac

update=${EVALPDF_UPDATE:-0}
runner=
if [ "${EVALPDF_VALGRIND:-0}" = 1 ]; then
    runner="valgrind -q --error-exitcode=99"
fi
limit=
if command -v timeout >/dev/null 2>&1; then
    limit="timeout 120"
fi
LC_ALL=C
EVALPDF_DATA=$src
export LC_ALL EVALPDF_DATA

tmp=$(mktemp -d "${TMPDIR:-/tmp}/evalpdf-bad.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
tmp_real=$(cd "$tmp" && pwd -P)

mkdir "$tmp/a"
cp -R "$src/tests/bad" "$tmp/a/bad"
work=$tmp/a/bad
rm -f "$work/inc/link-out.xml" "$work/linkdir" "$work/inc/link-missing.xml" "$work/inc/link-layout.xml" \
    "$work/inc/link-layout-missing.xml"
printf '<section title="外部文件">\n  <paragraph>根目录之外的文件。</paragraph>\n</section>\n' >"$tmp/a/outside.xml"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<layout/>\n' >"$tmp/x.xml"
ln -s "$tmp/a/outside.xml" "$work/inc/link-out.xml"
ln -s /etc "$work/linkdir"
ln -s "$tmp/a/no-such.xml" "$work/inc/link-missing.xml"
ln -s "$tmp/x.xml" "$work/inc/link-layout.xml"
ln -s "$tmp/no-such.xml" "$work/inc/link-layout-missing.xml"

# normalize FILE: the temporary directory's paths become @TMPDIR@.
normalize() {
    sed -e "s|$tmp_real|@TMPDIR@|g" -e "s|$tmp|@TMPDIR@|g" "$1"
}

passed=0
failed=0
cd "$work"
for xml in *.xml; do
    [ -e "$xml" ] || continue
    name=${xml%.xml}
    if [ -n "${EVALPDF_CASES:-}" ]; then
        case " $EVALPDF_CASES " in
            *" $name "*) ;;
            *) continue ;;
        esac
    fi
    args=
    if [ -f "$name.args" ]; then
        args=$(cat "$name.args")
    fi
    rc=0
    set -f
    # shellcheck disable=SC2086  # ARGS and the runners are word lists
    $limit $runner "$bin" check -q $args "$xml" >"$tmp/out" 2>"$tmp/err.raw" </dev/null || rc=$?
    set +f
    normalize "$tmp/err.raw" >"$tmp/err"

    problems=
    if [ "$rc" -ge 126 ]; then
        problems="$problems exit status $rc (crash, abort, timeout or cannot run);"
    fi
    if [ -s "$tmp/out" ]; then
        problems="$problems output on stdout despite -q;"
    fi

    if [ "$update" = 1 ]; then
        if [ -n "$problems" ]; then
            failed=$((failed + 1))
            echo "FAIL $name:$problems not recorded"
            sed 's/^/  stdout: /' "$tmp/out"
            sed 's/^/  stderr: /' "$tmp/err"
            continue
        fi
        cp "$tmp/err" "$src/tests/bad/$name.stderr"
        echo "$rc" >"$src/tests/bad/$name.exit"
        passed=$((passed + 1))
        echo "UPDATED $name"
        continue
    fi

    if [ ! -f "$name.stderr" ] || [ ! -f "$name.exit" ]; then
        problems="$problems $name.stderr or $name.exit is missing (run with EVALPDF_UPDATE=1);"
    else
        want_rc=$(tr -d ' \t\r\n' <"$name.exit")
        if [ "$rc" != "$want_rc" ]; then
            problems="$problems exit status $rc, expected $want_rc;"
        fi
        if ! cmp -s "$name.stderr" "$tmp/err"; then
            problems="$problems stderr differs;"
        fi
    fi

    if [ -z "$problems" ]; then
        passed=$((passed + 1))
        echo "PASS $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name:$problems"
        if [ -f "$name.stderr" ] && ! cmp -s "$name.stderr" "$tmp/err"; then
            if command -v diff >/dev/null 2>&1; then
                diff -u "$name.stderr" "$tmp/err" | sed -e '1s|.*|--- expected|' -e '2s|.*|+++ actual|' || true
            else
                echo "  expected:"; sed 's/^/    /' "$name.stderr"
                echo "  actual:"; sed 's/^/    /' "$tmp/err"
            fi
        elif [ ! -f "$name.stderr" ]; then
            sed 's/^/  stderr: /' "$tmp/err"
        fi
        if [ -s "$tmp/out" ]; then
            sed 's/^/  stdout: /' "$tmp/out"
        fi
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
