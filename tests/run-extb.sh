#!/bin/sh
# Characters outside the BMP (CJK extension B and later: rare characters of
# personal and place names) end to end. A font made here with fontTools maps
# U+2000B 𠀋 and U+20BB7 𠮷 (to glyphs of Liberation Serif, which is all
# this test needs); a copy of the official layout lists it last in the body
# and heading roles. A report that uses them renders without a
# missing-glyph warning, the PDF embeds the font (subset), the text extracts
# with both characters, and qpdf is content. Without that font in the
# layout the same report warns once per character and line, naming it, and
# still writes the PDF. The fonts subset.c cuts map CIDs to glyphs by
# identity; a copy of the font whose directory names 'fvar' (a variable
# font's table, which subset.c refuses) is cut by hb-subset instead and
# mapped by a CIDToGIDMap stream: the same pages, pixel for pixel.
# Usage: run-extb.sh EVALPDF_BIN SOURCE_DIR
set -u
. "$(dirname "$0")/script-args.sh"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { # check DESCRIPTION COMMAND...: pass when the command succeeds
  d=$1
  shift
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $d"; fi
}
serif=/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf
for need in pdftotext pdffonts qpdf; do
  command -v "$need" >/dev/null 2>&1 || { echo "SKIP: $need is not installed"; exit 77; }
done
[ -f "$serif" ] || { echo "SKIP: $serif (fonts-liberation2) is not installed"; exit 77; }
py=
for p in /usr/bin/python3 python3; do # Debian's python3-fonttools is for the system Python
  "$p" -c 'import fontTools.ttLib' 2>/dev/null && { py=$p; break; }
done
[ -n "$py" ] || { echo "SKIP: python3-fonttools is not installed"; exit 77; }
"$py" - "$serif" "$tmp/extb.ttf" <<'EOF' || { echo "setup: fontTools could not make the test font"; exit 1; }
import sys
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
f = TTFont(sys.argv[1])
best = dict(f.getBestCmap())
best[0x2000B] = "A"
best[0x20BB7] = "B"
cmap = f["cmap"]
t = CmapSubtable.newSubtable(12)
t.platformID, t.platEncID, t.language, t.cmap = 3, 10, 0, best
cmap.tables = [s for s in cmap.tables if not (s.platformID == 3 and s.platEncID == 10)] + [t]
f["name"].setName("EvalPDF ExtB Test", 1, 3, 1, 0x409)
f.save(sys.argv[2])
EOF
cd "$tmp" || exit 1
sed 's|</role>|<face file="extb.ttf"/></role>|' "$src/layouts/official.xml" >with.xml
cat >r.xml <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<report>
  <meta><title>生僻字测试报告</title></meta>
  <body>
    <section title="一、吉𠮷村情况">
      <p>村民张𠀋、王𠮷领取补贴2022年共3次。</p>
    </section>
  </body>
</report>
EOF
EVALPDF_DATA=$src "$bin" render --layout "$tmp/with.xml" r.xml -o with.pdf 2>with.log
rc=$?
check "with the font: exit 0 (got $rc)" [ "$rc" = 0 ]
check "with the font: no missing-glyph warning" sh -c '! grep -q missing-glyph with.log'
check "with the font: 𠀋 and 𠮷 extract" sh -c 'pdftotext -enc UTF-8 with.pdf - | tr -d " \n" | grep -q "张𠀋、王𠮷"'
check "with the font: the heading extracts too" sh -c 'pdftotext -enc UTF-8 with.pdf - | tr -d " \n" | grep -q "吉𠮷村情况"'
check "with the font: embedded as a subset" sh -c 'pdffonts with.pdf | grep -E "\+Liberation|\+EvalPDF" | grep -q " yes yes yes "'
check "with the font: qpdf --check" sh -c 'qpdf --check with.pdf >/dev/null 2>&1'
check "with the font: every CIDToGIDMap is /Identity" sh -c \
  'qpdf --qdf --object-streams=disable with.pdf - | grep -a "/CIDToGIDMap" >maps && ! grep -v "/CIDToGIDMap /Identity" maps && [ -s maps ]'
"$py" - extb.ttf var.ttf <<'EOF' || { echo "setup: could not mark the font variable"; exit 1; }
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
n = struct.unpack(">H", d[4:6])[0]
tags = [bytes(d[12 + 16 * i:16 + 16 * i]) for i in range(n)]
i = tags.index(b"gasp")  # 'gasp' -> 'fvar' keeps the directory sorted (fpgm < fvar < glyf)
d[12 + 16 * i:16 + 16 * i] = b"fvar"
open(sys.argv[2], "wb").write(d)
EOF
sed 's|</role>|<face file="var.ttf"/></role>|' "$src/layouts/official.xml" >var.xml
EVALPDF_DATA=$src "$bin" render --layout "$tmp/var.xml" r.xml -o var.pdf 2>var.log
rc=$?
check "hb-subset's subset: exit 0 (got $rc)" [ "$rc" = 0 ]
check "hb-subset's subset: mapped by a CIDToGIDMap stream" sh -c \
  'qpdf --qdf --object-streams=disable var.pdf - | grep -a -q "/CIDToGIDMap [0-9][0-9]* 0 R"'
check "hb-subset's subset: 𠀋 and 𠮷 extract" sh -c 'pdftotext -enc UTF-8 var.pdf - | tr -d " \n" | grep -q "张𠀋、王𠮷"'
check "hb-subset's subset: the same pages" sh -c \
  'pdftoppm -r 40 -gray with.pdf a && pdftoppm -r 40 -gray var.pdf b && for f in a*.pgm; do cmp -s "$f" "b${f#a}" || exit 1; done'
EVALPDF_DATA=$src "$bin" render r.xml -o without.pdf 2>without.log
rc=$?
check "without it: exit 0 (got $rc)" [ "$rc" = 0 ]
check "without it: 𠀋 named in a warning with its line" grep -q '^r.xml:6: warning: character “𠀋” (U+2000B) is in no font of role' without.log
check "without it: 𠮷 warned for the heading and the paragraph" [ "$(grep -c '“𠮷” (U+20BB7)' without.log)" = 2 ]
echo "extb: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
