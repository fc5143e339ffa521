#!/bin/sh
# Validate PDFs with independent readers: usage  sh tests/validate-pdf.sh FILE.pdf...
#                                      or  sh tests/validate-pdf.sh --dir DIR
# (--dir: every file under DIR that starts with "%PDF-", such as everything a
# test wrote into its temporary folder; none found is a pass.)
#
# Each file must pass, with nothing on stderr:
#   qpdf --check                       structure, xref, streams (warnings fail too)
#   mutool draw (every page, no output) MuPDF renders it without a warning
#   gs -sDEVICE=nullpage                Ghostscript renders it without an error or repair note
#   pdffonts                            every font embedded
#   pdftotext                           text extraction without warnings
# A missing tool is reported as SKIPPED for that tool; the others still run.
# Prints one line per file; exits 1 if any file failed, else 77 (skipped, never
# a pass) if any tool was missing, else 0.
set -u
if [ $# -eq 2 ] && [ "$1" = "--dir" ]; then
    list=$(find "$2" -type f -size +0 | sort | while read -r f; do
        if [ "$(head -c 5 "$f" 2>/dev/null)" = "%PDF-" ]; then printf '%s\n' "$f"; fi; done)
    echo "validators: $(printf '%s' "$list" | grep -c .) PDFs under $2"
    [ -n "$list" ] || exit 0
    # shellcheck disable=SC2086 # the names come from mktemp folders: no blanks
    set -- $list
fi
if [ $# -eq 0 ]; then
    echo "usage: sh $0 FILE.pdf..." >&2
    exit 2
fi
have() { command -v "$1" >/dev/null 2>&1; }
ntools=0
for t in qpdf mutool gs pdffonts pdftotext; do
    if have "$t"; then ntools=$((ntools + 1)); else echo "SKIPPED: $t is not installed"; fi
done
[ "$ntools" -eq 0 ] && exit 77
tmp=$(mktemp -d "${TMPDIR:-/tmp}/evalpdf-validate.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failed=0
for pdf in "$@"; do
    problems=
    if have qpdf && ! qpdf --check "$pdf" >"$tmp/o" 2>"$tmp/e"; then
        problems="$problems qpdf --check: $(grep -iv '^checking\|^PDF Version\|^File is not\|^No syntax' "$tmp/o" "$tmp/e" | head -3 | tr '\n' ' ');"
    fi
    if have mutool; then
        mutool draw -q -o "$tmp/page%d.pnm" -r 20 "$pdf" >/dev/null 2>"$tmp/e" || problems="$problems mutool draw failed;"
        rm -f "$tmp"/page*.pnm
        # a build-time limit of Debian's MuPDF, said once per run, not about the file
        grep -v 'ICC support is not available' "$tmp/e" >"$tmp/e2" || true
        mv "$tmp/e2" "$tmp/e"
        [ -s "$tmp/e" ] && problems="$problems mutool: $(head -3 "$tmp/e" | tr '\n' ' ');"
    fi
    if have gs; then
        gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=nullpage "$pdf" >"$tmp/o" 2>&1 || problems="$problems gs failed;"
        [ -s "$tmp/o" ] && problems="$problems gs: $(head -3 "$tmp/o" | tr '\n' ' ');"
    fi
    if have pdffonts; then
        pdffonts "$pdf" >"$tmp/o" 2>"$tmp/e" || problems="$problems pdffonts failed;"
        # columns: name type encoding emb sub uni object ID; emb is the 5th field from the right
        notemb=$(awk 'NR > 2 { if ($(NF-4) != "yes") print $1 }' "$tmp/o")
        [ -n "$notemb" ] && problems="$problems fonts not embedded: $notemb;"
        [ "$(awk 'NR > 2' "$tmp/o" | wc -l)" -eq 0 ] && problems="$problems no fonts;"
        [ -s "$tmp/e" ] && problems="$problems pdffonts: $(head -2 "$tmp/e" | tr '\n' ' ');"
    fi
    if have pdftotext; then
        pdftotext "$pdf" "$tmp/t" 2>"$tmp/e" || problems="$problems pdftotext failed;"
        [ -s "$tmp/e" ] && problems="$problems pdftotext: $(head -2 "$tmp/e" | tr '\n' ' ');"
    fi
    if [ -z "$problems" ]; then
        echo "VALID $pdf"
    else
        failed=$((failed + 1))
        echo "INVALID $pdf:$problems"
    fi
done
[ "$failed" -eq 0 ] || exit 1
[ "$ntools" -eq 5 ] || exit 77
