#!/bin/sh
# Command-line conventions of evalpdf, one case each: standard input, options
# before the command, "did you mean", the offending option named, extra
# arguments refused, -q silence, notes once per run, PDFs named on stderr,
# JSON diagnostics valid UTF-8 (a GBK-named file), SOURCE_DATE_EPOCH checked,
# failed writes to stdout (exit 2), user layouts, aligned tables, no PDF over
# a file the render reads.
# Usage: run-cli.sh EVALPDF_BIN SOURCE_DIR
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
command -v python3 >/dev/null 2>&1 || { echo "missing python3"; exit 1; }
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export EVALPDF_DATA="$src"
export XDG_DATA_HOME="$tmp/xdg" HOME="$tmp/home"
unset SOURCE_DATE_EPOCH
mkdir -p "$HOME"
example=$src/examples/guangdong-2022-jiuzhu.xml
out=$tmp/out
err=$tmp/err

# 'run()' - Run evalpdf with the arguments; status in $rc, stdout in $out, stderr in $err.
run() {
  rc=0
  "$bin" "$@" >"$out" 2>"$err" || rc=$?
}
# 'check()' - NAME CONDITION...: count the case as passed when the condition holds.
check() {
  name=$1
  shift
  if "$@"; then pass=$((pass + 1)); else
    fail=$((fail + 1))
    echo "FAIL $name (exit $rc)"
    sed 's/^/  stderr: /' "$err" | head -20
  fi
}
has() { grep -q -- "$1" "$2"; }
empty() { [ ! -s "$1" ]; }
is_pdf() { [ -f "$1" ] && head -c 5 "$1" | grep -q '%PDF-'; }

# Standard input: render - -o, check - with includes from the current folder or --root.
rc=0
"$bin" render - -o "$tmp/stdin.pdf" <"$example" >"$out" 2>"$err" || rc=$?
check "stdin render" eval '[ $rc -eq 0 ] && is_pdf "$tmp/stdin.pdf" && has "wrote $tmp/stdin.pdf" "$err"'
rc=0
(cd "$src/tests/schema" && "$bin" check - <ok-xinclude.xml >"$out" 2>"$err") || rc=$?
check "stdin includes from the current folder" eval '[ $rc -eq 0 ] && has "^<stdin>: ok" "$out"'
rc=0
(cd "$tmp" && "$bin" check -q - <"$src/tests/schema/ok-xinclude.xml" >"$out" 2>"$err") || rc=$?
check "stdin includes: not found outside the folder" eval '[ $rc -eq 1 ] && has "^<stdin>:" "$err"'
rc=0
(cd "$tmp" && "$bin" check -q --root "$src/tests/schema" - <"$src/tests/schema/ok-xinclude.xml" >"$out" 2>"$err") ||
  rc=$?
check "stdin includes from --root" eval '[ $rc -eq 0 ] && empty "$err"'
mkdir -p "$tmp/in/root"
printf '<section title="外"><p>外。</p></section>\n' >"$tmp/in/outside.xml"
sed 's|inc/shared-section.xml|../outside.xml|' "$src/tests/schema/ok-xinclude.xml" >"$tmp/in/root/r.xml"
rc=0
(cd "$tmp/in/root" && "$bin" render - -o "$tmp/in/out.pdf" <r.xml >"$out" 2>"$err") || rc=$?
check "stdin: an include outside the folder is refused" eval '[ $rc -eq 1 ] &&
  has "^<stdin>:[0-9]*: error: .*\.\./outside.xml.* lies outside the include root $tmp/in/root" "$err" &&
  [ ! -e "$tmp/in/out.pdf" ]'
rc=0
(cd "$tmp/in/root" && "$bin" check -q --diagnostics=json - <r.xml >"$out" 2>"$err") || rc=$?
check "stdin: the refusal in JSON" eval '[ $rc -eq 1 ] && has "\"code\": \"include-outside-root\"" "$err"'
run check - -
check "stdin read once" eval '[ $rc -eq 2 ] && has "only once" "$err"'
rc=0
"$bin" render - <"$example" >"$out" 2>"$err" || rc=$?
check "render - needs -o" eval '[ $rc -eq 2 ] && has "needs -o" "$err" && empty "$out"'

# Options before the command; did you mean; the offending option named.
run --strict -q check "$example"
check "options before the command" eval '[ $rc -eq 0 ] && empty "$out" && empty "$err"'
run --diagnostics=json --root "$src" check -q "$example"
check "valued options before the command" eval '[ $rc -eq 0 ] && [ "$(cat "$err")" = "[]" ]'
run -q render "$example" -o "$tmp/before.pdf"
check "-q before render" eval '[ $rc -eq 0 ] && is_pdf "$tmp/before.pdf" && empty "$out" && empty "$err"'
run --strict -q --root "$src/examples" batch -o "$tmp/batch-before" "$example"
check "options before batch" eval '[ $rc -eq 0 ] && is_pdf "$tmp/batch-before/guangdong-2022-jiuzhu.pdf" &&
  ! has ": note: " "$err"'
run -qo "$tmp/watch-before" --dump-layout watch "$example"
check "an option batch and watch lack, before the command" eval '[ $rc -eq 2 ] && has "\"--dump-layout\"" "$err"'
run -- batch -q -o "$tmp/batch-dashes" "$example"
check "-- batch" eval '[ $rc -eq 0 ] && is_pdf "$tmp/batch-dashes/guangdong-2022-jiuzhu.pdf"'
run rendr "$example"
check "did you mean render" eval '[ $rc -eq 2 ] && has "did you mean \"render\"" "$err"'
run help chekc
check "help: did you mean check" eval '[ $rc -eq 2 ] && has "did you mean \"check\"" "$err"'
run frobnicate
check "no suggestion for a far word" eval '[ $rc -eq 2 ] && has "unknown command \"frobnicate\"; run" "$err"'
run check -q -dash.xml
check "offending short option" eval '[ $rc -eq 2 ] && has "unknown option -d (in \"-dash.xml\")" "$err" && ! has "option -q" "$err"'
run check --strcit "$example"
check "offending long option" eval '[ $rc -eq 2 ] && has "unknown option --strcit; did you mean --strict?" "$err"'
run check --quiet=yes "$example"
check "option given a value it does not take" eval '[ $rc -eq 2 ] && has "option --quiet takes no value" "$err"'
run render "$example" -o
check "option missing its value" eval '[ $rc -eq 2 ] && has "option -o needs a value" "$err"'
run check -o x.pdf "$example"
check "option of another command" eval '[ $rc -eq 2 ] && has "option -o does not apply to check" "$err"'
run check -- -q
check "-- ends the options" eval '[ $rc -eq 2 ] && has "^-q: error" "$err"'

# Extra arguments.
run layouts extra
check "layouts extra" eval '[ $rc -eq 2 ] && has "\"extra\"" "$err" && empty "$out"'
run dump "$example" "$example"
check "dump two files" eval '[ $rc -eq 2 ] && has "at most 1 argument" "$err" && empty "$out"'
run help check render
check "help two commands" eval '[ $rc -eq 2 ] && has "\"render\" is one too many" "$err"'
run fonts a b
check "fonts two files" eval '[ $rc -eq 2 ] && has "\"b\" is one too many" "$err" && empty "$out"'
run check
check "check without a file" eval '[ $rc -eq 2 ] && has "check needs a FILE" "$err"'

# Three files: -q prints nothing; without it each PDF is named and each note printed once.
for n in one two three; do cp "$example" "$tmp/$n.xml"; done
run render -q "$tmp/one.xml" "$tmp/two.xml" "$tmp/three.xml"
check "-q silent on three files" eval '[ $rc -eq 0 ] && empty "$out" && empty "$err" &&
  is_pdf "$tmp/one.pdf" && is_pdf "$tmp/two.pdf" && is_pdf "$tmp/three.pdf"'
run render "$tmp/one.xml"
grep -c ': note: ' "$err" >"$tmp/notes1" || true
run render "$tmp/one.xml" "$tmp/two.xml" "$tmp/three.xml"
check "three PDFs named" eval '[ $rc -eq 0 ] && [ "$(grep -c "^evalpdf: wrote $tmp/.*\.pdf$" "$err")" -eq 3 ]'
check "notes once per run" eval '[ "$(grep -c ": note: " "$err" || true)" = "$(cat "$tmp/notes1")" ] &&
  [ -z "$(grep ": note: " "$err" | sort | uniq -d)" ]'
run check "$tmp/one.xml" "$tmp/two.xml"
check "check summaries on stdout" eval '[ $rc -eq 0 ] && [ "$(grep -c ": ok, 0 errors" "$out")" -eq 2 ]'

# JSON diagnostics: valid UTF-8 and the documented schema, for a GBK-named file with errors.
gbk=$(printf '\261\250\270\346')
cp "$src/tests/bad/bad-date.xml" "$tmp/$gbk.xml"
run check --diagnostics=json "$tmp/$gbk.xml" "$example"
cat >"$tmp/check_json.py" <<'EOF'
import json, sys
data = json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))
assert isinstance(data, list) and data, "an array with the errors"
for d in data:
    assert set(d) == {"file", "line", "severity", "code", "message"}, d
    assert isinstance(d["file"], str) and isinstance(d["line"], int) and d["line"] >= 0
    assert d["severity"] in ("error", "warning", "note"), d
    assert d["code"] and d["code"] == d["code"].lower() and " " not in d["code"], d
    assert isinstance(d["message"], str) and d["message"], d
assert any(d["severity"] == "error" and d["file"].endswith(".xml") and "\\x" in d["file"] for d in data), data
EOF
check "JSON valid UTF-8 for a GBK file name" eval '[ $rc -eq 1 ] && python3 "$tmp/check_json.py" "$err"'
# Text diagnostics of check and batch: the name's bytes as \xHH, never raw.
run check -q "$tmp/$gbk.xml"
check "text diagnostics escape a GBK file name" eval '[ $rc -eq 1 ] &&
  grep -q "\\\\xB1\\\\xA8\\\\xB8\\\\xE6\.xml:[0-9]*: error: " "$err" && ! grep -q "$gbk" "$err"'
run batch -o "$tmp/gbk-out" "$tmp/$gbk.xml"
check "batch diagnostics escape a GBK file name" eval '[ $rc -eq 1 ] &&
  grep -q "\\\\xB1\\\\xA8\\\\xB8\\\\xE6\.xml:[0-9]*: error: " "$err" && ! grep -q "$gbk.xml:" "$err"'

# A failed write in JSON: the object names the report and follows the schema.
rc=0
"$bin" render --diagnostics=json "$tmp/one.xml" -o "$tmp/no/such/dir.pdf" >"$out" 2>"$err" || rc=$?
cat >"$tmp/check_io.py" <<'END'
import json, sys
data = json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))
io = [d for d in data if d["code"] == "io-error"]
assert len(io) == 1 and io[0]["severity"] == "error", data
assert io[0]["file"] == sys.argv[2] and isinstance(io[0]["line"], int), io
assert sys.argv[3] in io[0]["message"], io
for d in data:
    assert set(d) == {"file", "line", "severity", "code", "message"}, d
END
check "JSON write failure names its file" eval '[ $rc -eq 2 ] &&
  python3 "$tmp/check_io.py" "$err" "$tmp/one.xml" "$tmp/no/such/dir.pdf"'

# SOURCE_DATE_EPOCH.
for v in 1e9 99999999999999999999 253402300800 " 5"; do
  rc=0
  SOURCE_DATE_EPOCH=$v "$bin" render -q "$tmp/one.xml" -o "$tmp/sde.pdf" >"$out" 2>"$err" || rc=$?
  check "SOURCE_DATE_EPOCH=$v" eval '[ $rc -eq 2 ] && has "SOURCE_DATE_EPOCH=\"$v\" is not a whole number" "$err" &&
    [ ! -e "$tmp/sde.pdf" ]'
done
rc=0
SOURCE_DATE_EPOCH='' "$bin" render -q "$tmp/one.xml" -o "$tmp/sde.pdf" >"$out" 2>"$err" || rc=$?
check "SOURCE_DATE_EPOCH empty: no date" eval '[ $rc -eq 0 ] && is_pdf "$tmp/sde.pdf" && ! grep -aq "CreationDate" "$tmp/sde.pdf"'
rm -f "$tmp/sde.pdf"
rc=0
SOURCE_DATE_EPOCH=abc "$bin" render "$tmp/one.xml" -o "$tmp/sde.pdf" >"$out" 2>"$err" || rc=$?
check "SOURCE_DATE_EPOCH=abc" eval '[ $rc -eq 2 ] && has "SOURCE_DATE_EPOCH=\"abc\"" "$err" && [ ! -e "$tmp/sde.pdf" ]'
rc=0
SOURCE_DATE_EPOCH=-5 "$bin" render "$tmp/one.xml" -o "$tmp/sde.pdf" >"$out" 2>"$err" || rc=$?
check "SOURCE_DATE_EPOCH=-5" eval '[ $rc -eq 2 ] && [ ! -e "$tmp/sde.pdf" ]'
rc=0
SOURCE_DATE_EPOCH=1700000000 "$bin" render -q "$tmp/one.xml" -o "$tmp/sde.pdf" >"$out" 2>"$err" || rc=$?
check "SOURCE_DATE_EPOCH=1700000000" eval '[ $rc -eq 0 ] && grep -aq "D:20231114" "$tmp/sde.pdf"'

# Failed writes to standard output: exit 2 with a message.
for args in "check $example" "dump $example" "render --dump-layout $example"; do
  rc=0
  # shellcheck disable=SC2086
  "$bin" $args >/dev/full 2>"$err" || rc=$?
  check "/dev/full: $args" eval '[ $rc -eq 2 ] && has "could not write to standard output" "$err"'
  rc=0
  # shellcheck disable=SC2086
  "$bin" $args >&- 2>"$err" || rc=$?
  check "closed stdout: $args" eval '[ $rc -eq 2 ] && has "could not write to standard output" "$err"'
done
rc=0
"$bin" check -q "$example" >/dev/full 2>"$err" || rc=$?
check "/dev/full with nothing to write" eval '[ $rc -eq 0 ] && empty "$err"'
rc=0
"$bin" render -q "$example" -o - >/dev/full 2>"$err" || rc=$?
check "render -o - to /dev/full: one message" eval '[ $rc -eq 2 ] && [ "$(wc -l <"$err")" -eq 1 ] &&
  has "cannot be written to standard output" "$err"'
rc=0
"$bin" render "$tmp/one.xml" -o "$tmp/full.pdf" >"$out" 2>/dev/full || rc=$?
check "stderr to /dev/full (the wrote line is lost)" eval '[ $rc -eq 2 ]'

# User layouts: $XDG_DATA_HOME first, else ~/.local/share; listed with where they come from.
mkdir -p "$XDG_DATA_HOME/evalpdf/layouts"
sed 's/name="compact"/name="mine"/' "$src/layouts/compact.xml" >"$XDG_DATA_HOME/evalpdf/layouts/mine.xml"
cp "$XDG_DATA_HOME/evalpdf/layouts/mine.xml" "$XDG_DATA_HOME/evalpdf/layouts/简报.xml"
run layouts
check "layouts: user and shipped" eval '[ $rc -eq 0 ] &&
  grep -q "^mine .*$XDG_DATA_HOME/evalpdf/layouts/mine.xml (user)$" "$out" &&
  grep -q "^official .*$src/layouts/official.xml (shipped)$" "$out"'
cat >"$tmp/width.py" <<'EOF'
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8")]
marker = sys.argv[2]
cols = {width(l[:l.index(marker)]) for l in lines if marker in l}
assert len(cols) == 1, (cols, lines)
EOF
check "layouts aligned by display width" python3 "$tmp/width.py" "$out" "$tmp/"
run render -q --layout mine "$tmp/one.xml" -o "$tmp/mine.pdf"
check "render with a user layout" eval '[ $rc -eq 0 ] && is_pdf "$tmp/mine.pdf"'
# A layout's own problems are reported once by a render (its load and the
# render read the same file), by check, and by a render that names its
# layout in the report.
sed 's/<page /<page bogus="1" /' "$src/layouts/official.xml" >"$tmp/bogus.xml"
run render --layout "$tmp/bogus.xml" "$example" -o "$tmp/bogus.pdf"
check "a layout warning once in render" eval '[ $rc -eq 0 ] && [ "$(grep -c "has no attribute bogus" "$err")" = 1 ]'
run check --layout "$tmp/bogus.xml" "$example"
check "a layout warning once in check" eval '[ $rc -eq 0 ] && [ "$(grep -c "has no attribute bogus" "$err")" = 1 ]'
sed "s|<report|<report layout=\"bogus.xml\"|" "$tmp/one.xml" >"$tmp/names-bogus.xml"
run render "$tmp/names-bogus.xml" -o "$tmp/names-bogus.pdf"
check "a layout warning once when the report names it" eval '[ $rc -eq 0 ] &&
  [ "$(grep -c "has no attribute bogus" "$err")" = 1 ]'
mkdir -p "$HOME/.local/share/evalpdf/layouts"
cp "$XDG_DATA_HOME/evalpdf/layouts/mine.xml" "$HOME/.local/share/evalpdf/layouts/homely.xml"
rc=0
env -u XDG_DATA_HOME "$bin" layouts >"$out" 2>"$err" || rc=$?
check "layouts from ~/.local/share without XDG_DATA_HOME" eval '[ $rc -eq 0 ] &&
  grep -q "^homely .*(user)$" "$out" && ! grep -q "^mine " "$out"'

# fonts: the role table aligned by display width (family names are Chinese).
run fonts
grep -E '^  [a-z]+ +[0-9]+\. ' "$out" >"$tmp/fonts" || true
check "fonts table aligned by display width" eval '[ $rc -eq 0 ] && [ -s "$tmp/fonts" ] &&
  sed -E "s/ (missing|primary|fallback|skipped) .*/ |/" "$tmp/fonts" >"$tmp/fonts2" && python3 "$tmp/width.py" "$tmp/fonts2" " |"'

# fonts without a file: the layout's notes sorted by line, none under -q.
run fonts
grep ': note: ' "$err" | sed -E 's/^.*:([0-9]+): note: .*/\1/' >"$tmp/note-lines"
check "fonts: notes sorted by line" eval '[ $rc -eq 0 ] && [ -s "$tmp/note-lines" ] && sort -n -c "$tmp/note-lines"'
run fonts -q
check "fonts -q: no notes" eval '[ $rc -eq 0 ] && has "^layout official" "$out" && empty "$err"'
run fonts -q --layout "$src/tests/bad/layouts/bad-words.xml"
check "fonts -q: errors still shown" eval '[ $rc -eq 2 ] && has "bad-words.xml:[0-9]*: error: " "$err" &&
  ! has ": note: " "$err"'

# fonts without a FILE under --diagnostics=json: stderr is one JSON array of the
# layout's own diagnostics (codes included), with and without errors.
cat >"$tmp/fonts_json.py" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))
want = sys.argv[2]
assert isinstance(data, list), data
for d in data:
    assert set(d) == {"file", "line", "severity", "code", "message"}, d
    assert d["code"] and d["file"].endswith(".xml") and d["line"] > 0, d
assert any(d["severity"] == want for d in data), (want, data)
EOF
run fonts --diagnostics=json --layout "$src/layouts/official.xml"
check "fonts --diagnostics=json: layout notes as one JSON array" eval '[ $rc -eq 0 ] &&
  python3 "$tmp/fonts_json.py" "$err" note && has "^layout official" "$out"'
run fonts --diagnostics=json --layout "$src/tests/bad/layouts/bad-words.xml"
check "fonts --diagnostics=json: layout errors as one JSON array" eval '[ $rc -eq 2 ] &&
  python3 "$tmp/fonts_json.py" "$err" error'

# A PDF never replaces a file its render reads: the report (also through a
# symbolic link), a file it includes, the layout; render and batch refuse
# with exit 2 and leave the file as it was.
mkdir -p "$tmp/ow/common"
printf '<p>引入的段落。</p>\n' >"$tmp/ow/common/intro.xml"
cat >"$tmp/ow/r.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<report xmlns:xi="http://www.w3.org/2001/XInclude">
  <meta><title>测试报告</title></meta>
  <body><section title="基本情况"><xi:include href="common/intro.xml"/></section></body>
</report>
EOF
cp "$tmp/ow/r.xml" "$tmp/ow/r.keep"
cp "$tmp/ow/common/intro.xml" "$tmp/ow/intro.keep"
ln -s r.xml "$tmp/ow/link.pdf"
cp "$src/layouts/official.xml" "$tmp/ow/my-layout.xml"
cp "$tmp/ow/my-layout.xml" "$tmp/ow/layout.keep"
run render "$tmp/ow/r.xml" -o "$tmp/ow/r.xml"
check "render -o the report itself" eval '[ $rc -eq 2 ] && has "would overwrite the report" "$err" && cmp -s "$tmp/ow/r.xml" "$tmp/ow/r.keep"'
run render "$tmp/ow/r.xml" -o "$tmp/ow/link.pdf"
check "render -o a link to the report" eval '[ $rc -eq 2 ] && has "would overwrite the report" "$err" && cmp -s "$tmp/ow/r.xml" "$tmp/ow/r.keep"'
run render "$tmp/ow/r.xml" -o "$tmp/ow/common/intro.xml"
check "render -o an included file" eval '[ $rc -eq 2 ] && has "would overwrite the included file" "$err" &&
  cmp -s "$tmp/ow/common/intro.xml" "$tmp/ow/intro.keep"'
run render --layout "$tmp/ow/my-layout.xml" "$tmp/ow/r.xml" -o "$tmp/ow/my-layout.xml"
check "render -o the layout file" eval '[ $rc -eq 2 ] && has "would overwrite the layout file" "$err" &&
  cmp -s "$tmp/ow/my-layout.xml" "$tmp/ow/layout.keep"'
run batch -q -o "$tmp/ow" --name common/intro.xml "$tmp/ow/r.xml"
check "batch onto an included file" eval '[ $rc -eq 2 ] && has "would overwrite the included file" "$err" &&
  cmp -s "$tmp/ow/common/intro.xml" "$tmp/ow/intro.keep"'
run render -q "$tmp/ow/r.xml" -o "$tmp/ow/r.pdf"
check "render next to them still works" eval '[ $rc -eq 0 ] && is_pdf "$tmp/ow/r.pdf"'

# The program cache: a second render with the same characters reads the font
# programs the first kept, and writes the same bytes; so does one whose kept
# files were damaged, one with the cache turned off, and a batch (which reads
# but adds nothing).
export SOURCE_DATE_EPOCH=1700000000
old_xdg_cache=${XDG_CACHE_HOME-unset}
export XDG_CACHE_HOME="$tmp/xdg-cache" # wherever the caller's environment points it
pc=$XDG_CACHE_HOME/evalpdf/programs
rc=0
EVALPDF_PROGRAM_CACHE=0 "$bin" render -q "$example" -o "$tmp/pc0.pdf" >"$out" 2>"$err" || rc=$?
check "program cache off: nothing kept" eval '[ ! -d "$pc" ] && is_pdf "$tmp/pc0.pdf"'
run render -q "$example" -o "$tmp/pc1.pdf"
check "program cache: programs kept" eval '[ $rc -eq 0 ] && [ "$(ls "$pc" | grep -c "\.pc1$")" -ge 4 ] &&
  cmp -s "$tmp/pc0.pdf" "$tmp/pc1.pdf"'
kept=$(ls "$pc")
run render -q "$example" -o "$tmp/pc2.pdf"
check "program cache: read back, same bytes" eval '[ $rc -eq 0 ] && cmp -s "$tmp/pc0.pdf" "$tmp/pc2.pdf" &&
  [ "$(ls "$pc")" = "$kept" ]'
for f in "$pc"/*.pc1; do # flip a byte in the middle of each kept deflate
  python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)-len(b)//4]^=0x55; open(p,"wb").write(b)' "$f"
done
run render -q "$example" -o "$tmp/pc3.pdf"
check "program cache: damaged files are not used" eval '[ $rc -eq 0 ] && cmp -s "$tmp/pc0.pdf" "$tmp/pc3.pdf"'
rm -rf "$pc"
mkdir -p "$tmp/pcb"
cp "$example" "$tmp/pcb/a.xml"
run batch -q -o "$tmp/pcb/out" "$tmp/pcb/a.xml"
check "program cache: batch adds nothing" eval '[ $rc -eq 0 ] && [ ! -d "$pc" ] &&
  cmp -s "$tmp/pc0.pdf" "$tmp/pcb/out/a.pdf"'
unset SOURCE_DATE_EPOCH
if [ "$old_xdg_cache" = unset ]; then unset XDG_CACHE_HOME; else XDG_CACHE_HOME=$old_xdg_cache; fi

# Every PDF this test wrote goes through the independent validators too
# (qpdf, mutool, Ghostscript, pdffonts, pdftotext: tests/validate-pdf.sh).
# A missing validator makes the whole test report skipped (77), never passed.
vrc=0
sh "$src/tests/validate-pdf.sh" --dir "$tmp" >"$tmp/validate.log" 2>&1 || vrc=$?
case $vrc in
  0) pass=$((pass + 1)) ;;
  77) skipped="$(grep '^SKIPPED' "$tmp/validate.log" | tr '\n' ' ')" ;;
  *) fail=$((fail + 1)); echo "FAIL validators:"; grep '^INVALID' "$tmp/validate.log" | head -5 ;;
esac
head -1 "$tmp/validate.log"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ] || exit 1
[ -z "${skipped:-}" ] || { echo "$skipped"; exit 77; }
