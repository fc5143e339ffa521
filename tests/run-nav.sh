#!/bin/sh
# Navigation read back from the PDF, for every layout: each 目录 entry's page
# number equals the printed page number (and the page label) of the page where
# pdftotext finds that heading, each entry links to that page, and the outline
# has one entry per section up to the 目录 depth, in order.
# Usage: run-nav.sh EVALPDF_BIN SOURCE_DIR
set -eu
bin=$1
src=$2
cd "$src"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for tool in qpdf pdftotext python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing $tool"; exit 1; }
done
status=0
for layout in official compact; do
  for xml in examples/guangdong-2022-jiuzhu.xml tests/golden/full.xml; do
    pdf=$tmp/$layout-$(basename "$xml" .xml).pdf
    "$bin" render -q --layout "$layout" "$xml" -o "$pdf" 2>/dev/null
    qpdf --json "$pdf" >"$pdf.json"
    qpdf --qdf --object-streams=disable "$pdf" "$pdf.qdf"
    python3 - "$pdf" "$pdf.json" "$layout $xml" "$pdf.qdf" <<'PY' || status=1
import json, re, subprocess, sys
pdf, js, label = sys.argv[1], sys.argv[2], sys.argv[3]
pages = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout.split("\f")
def printed(text):
    m = re.search(r"(?:—\s*(\d+)\s*—|第\s*(\d+)\s*页)\s*$", text.strip())
    return int(m.group(1) or m.group(2)) if m else None
fails = []
toc = []  # (title, number)
toc_lines = set()
for i, t in enumerate(pages):
    for k, line in enumerate(t.splitlines()):
        m = re.match(r"^\s*(\S.*?\S)\s*\.{3,}\s*(\d+)\s*$", line)
        if m:
            toc.append((re.sub(r"\s+", "", m.group(1)), int(m.group(2))))
            toc_lines.add((i, k))
if not toc:
    fails.append("no 目录 entries found")
for title, num in toc:
    found = None
    key = re.match(r"附件\d+", title).group(0) if title.startswith("附件") else title
    for i, t in enumerate(pages):
        if any((i, k) not in toc_lines and re.sub(r"\s+", "", l).startswith(key) for k, l in enumerate(t.splitlines())):
            found = i
            break
    if found is None:
        fails.append(f"heading {title} not found")
    elif printed(pages[found]) != num:
        fails.append(f"{title}: 目录 says {num}, the heading is on printed page {printed(pages[found])}")
data = json.load(open(js))
objs = data.get("qpdf", [{}, {}])[1] if "qpdf" in data else data.get("objects", {})
# page labels: numbered pages carry the printed number as an arabic label
pl = data.get("pagelabels", [])
outlines = data.get("outlines", [])
def walk(items, depth=1):
    for o in items:
        yield depth, o
        yield from walk(o.get("kids", []), depth + 1)
titles = [re.sub(r"\s+", "", o["title"]) for d, o in walk(outlines)]
if len(titles) != len(toc):
    fails.append(f"outline has {len(titles)} entries, 目录 {len(toc)}")
for (title, num), ot in zip(toc, titles):
    if not ot.startswith(title[:4]):
        fails.append(f"outline order differs at {title} / {ot}")
        break
# links: one link annotation (with a destination) per 目录 entry at least
qdf = open(sys.argv[4], "rb").read().decode("latin-1")
links = len(re.findall(r"/Subtype /Link", qdf))
dests = len(re.findall(r"/Dest (?:\[|\d+ 0 R)", qdf))
if links < len(toc) or dests < links:
    fails.append(f"{links} link annotations with {dests} destinations for {len(toc)} 目录 entries")
# page labels: each labelled range starts with the printed number of its first page
for r in pl:
    st = r["label"].get("/St")
    if "/S" in r["label"] and st is not None and printed(pages[r["index"]]) != st:
        fails.append(f"page label of page {r['index'] + 1} starts at {st}, the page prints {printed(pages[r['index']])}")
if fails:
    print(f"FAIL {label}:")
    for f in fails[:10]:
        print("  " + f)
    sys.exit(1)
print(f"PASS {label}: {len(toc)} 目录 entries, {len(titles)} outline entries")
PY
  done
done
# GB/T 9704 geometry of the official layout, measured from the PDF.
pdf=$tmp/official-guangdong-2022-jiuzhu.pdf
python3 - "$pdf" <<'PY' || status=1
import re, subprocess, sys
from collections import Counter
xml = subprocess.run(["pdftotext", "-bbox-layout", sys.argv[1], "-"], capture_output=True, text=True).stdout
mm = 72 / 25.4
lines = []
for pno, pg in enumerate(re.split(r"<page ", xml)[1:], 1):
    for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', pg, re.S):
        x0, y0, x1, y1 = map(float, m.groups()[:4])
        text = "".join(re.findall(r">([^<]*)</word>", m.group(5)))
        lines.append((pno, x0, y0, x1, round(y1 - y0, 1), text))
h = Counter(l[4] for l in lines).most_common(1)[0][0]
body = [l for l in lines if abs(l[4] - h) < 0.6]
left = Counter(round(l[1], 1) for l in body).most_common(1)[0][0]
right = Counter(round(l[3], 1) for l in body).most_common(1)[0][0]
fails = []
if abs(left - 28 * mm) > 0.5 * mm:
    fails.append(f"text block starts {left / mm:.2f} mm from the left edge, not 28")
if abs(right - left - 156 * mm) > 0.5 * mm:
    fails.append(f"text block is {(right - left) / mm:.2f} mm wide, not 156")
per_page = Counter(p for p, y in {(l[0], round(l[2])) for l in body if not re.fullmatch(r"[—\s\d]+", l[5])})
if max(per_page.values()) > 22:
    fails.append(f"a page holds {max(per_page.values())} body lines, more than 22")
ys = sorted((l[0], round(l[2], 2)) for l in body)
diffs = Counter(round(b[1] - a[1], 1) for a, b in zip(ys, ys[1:]) if a[0] == b[0] and b[1] > a[1])
pitch = diffs.most_common(1)[0][0]
if abs(pitch - 28.95) > 0.2:
    fails.append(f"line pitch {pitch} pt, not 28.95")
full = [l for l in body if abs(l[1] - left) < 0.5 and abs(l[3] - right) < 1 and re.fullmatch(r"[\u4e00-\u9fff]+", l[5])]
for l in full:
    if len(l[5]) != 28:
        fails.append(f"a full line of plain text holds {len(l[5])} characters: {l[5]}")
        break
if fails:
    print("FAIL official geometry:", *fails, sep="\n  ")
    sys.exit(1)
print(f"PASS official geometry: left {left / mm:.2f} mm, width {(right - left) / mm:.2f} mm, pitch {pitch} pt, {len(full)} full plain lines of 28")
PY
[ "$status" -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $status
