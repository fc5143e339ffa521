"""pdftext.py - the text of a PDF as positioned characters, rows and body lines,
read back with `mutool draw -F stext` (MuPDF), for the typesetting checks in this
folder. Standard library only.

A Char has its origin (x, y: baseline), its advance box end x1 (from the PDF's
glyph widths), the character, the font's name (subset prefix removed) and size.
A Row is every horizontal character on one baseline of a page, left to right;
a Seg is a stretch of a row without a gap wider than 1.2 em or a vertical rule
(a table row splits into its cells). Turned (landscape) text is left out.

Frame() finds the body: the most common type size (by characters), the body
column's left and right edges (the most common start and end of body-size
segments) and the line pitch (the most common distance between consecutive
body rows), and tells a body line that continues its paragraph on the next line
(inner) from the paragraph's last line.
"""
import html
import re
import subprocess
import sys
from collections import Counter

CLOSE = set("，。、；：？！）》」』〕】〉”’…")
OPEN = set("（《「『〔【〈“‘")
PUNCT = CLOSE | OPEN | set("—·～,.;:?!()\"'/-%‰ ")


class Char:
    __slots__ = ("x", "y", "x1", "c", "font", "size")

    def __init__(self, x, y, x1, c, font, size):
        self.x, self.y, self.x1, self.c, self.font, self.size = x, y, x1, c, font, size


class Seg:
    """Characters of one row without a wide gap; x0/x1 its extent, size and font the most common."""

    def __init__(self, page, chars):
        self.page = page
        self.chars = chars
        self.x0, self.x1 = chars[0].x, chars[-1].x1
        self.y = chars[0].y
        self.size = Counter(c.size for c in chars).most_common(1)[0][0]
        self.font = Counter(c.font for c in chars).most_common(1)[0][0]
        self.text = "".join(c.c for c in chars)


def script(c):
    """'cjk', 'digit', 'latin' or None (punctuation, space, other)."""
    o = ord(c)
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF:
        return "cjk"
    if "0" <= c <= "9":
        return "digit"
    if c.isascii() and c.isalpha():
        return "latin"
    return None


def read_chars(pdf, pages=None):
    """Per page, the list of horizontal Chars (mutool stext); PAGES limits to a page range like '1'."""
    cmd = ["mutool", "draw", "-F", "stext", "-o", "-", pdf] + ([pages] if pages else [])
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("mutool draw failed on %s: %s" % (pdf, run.stderr.strip()[:200]))
    out = []
    for pg in re.split(r"<page ", run.stdout)[1:]:
        chars = []
        for lm in re.finditer(r'<line [^>]*dir="([^"]*)"[^>]*>(.*?)</line>', pg, re.S):
            dx, dy = (float(v) for v in lm.group(1).split())
            if abs(dy) > 1e-3 or dx < 0:
                continue  # turned text (landscape pages) reads in its own direction
            font, size = None, 0.0
            for m in re.finditer(r'<font name="([^"]*)" size="([^"]*)"|<char quad="([^"]*)" x="([^"]*)" y="([^"]*)"[^>]*?c="([^"]*)"',
                                 lm.group(2)):
                if m.group(1) is not None:
                    font, size = m.group(1).split("+", 1)[-1], float(m.group(2))
                    continue
                q = [float(v) for v in m.group(3).split()]
                chars.append(Char(float(m.group(4)), float(m.group(5)), max(q[2], q[6]), html.unescape(m.group(6)), font, size))
        out.append(chars)
    return out


def read_rules(pdf):
    """Per page, the vertical edges of stroked and filled paths (table rules, cell shading) as
    (x, y top, y bottom) in the stext coordinates (y down), from `mutool draw -F trace`."""
    run = subprocess.run(["mutool", "draw", "-F", "trace", "-o", "-", pdf], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("mutool draw failed on %s: %s" % (pdf, run.stderr.strip()[:200]))
    out = []
    for pg in re.split(r"<page ", run.stdout)[1:]:
        edges = []
        for pm in re.finditer(r'<(?:stroke|fill)_path [^>]*transform="([^"]*)">(.*?)</(?:stroke|fill)_path>', pg, re.S):
            a, b, c, d, e, f = (float(v) for v in pm.group(1).split())
            pts = [(a * float(x) + c * float(y) + e, b * float(x) + d * float(y) + f)
                   for x, y in re.findall(r'<(?:moveto|lineto) x="([^"]*)" y="([^"]*)"', pm.group(2))]
            pts += pts[:1]
            for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
                if abs(x0 - x1) < 0.01 and abs(y0 - y1) > 1:
                    edges.append((x0, min(y0, y1), max(y0, y1)))
        out.append(edges)
    return out


def rows_of(chars):
    """CHARS grouped by baseline (within 0.5 pt), top to bottom, each left to right."""
    rows = []
    for ch in sorted(chars, key=lambda c: (c.y, c.x)):
        if rows and abs(rows[-1][0].y - ch.y) < 0.5:
            rows[-1].append(ch)
        else:
            rows.append([ch])
    return [sorted(r, key=lambda c: c.x) for r in rows]


def segments(page, row, rules=()):
    """ROW split where the gap between two characters exceeds 1.2 em or holds a vertical
    rule (a table cell's border, from RULES); spaces at the ends dropped."""
    segs, cur = [], []
    y = row[0].y - 0.3 * row[0].size
    cuts = [x for x, top, bottom in rules if top <= y <= bottom]
    for ch in row:
        if cur and (ch.x - cur[-1].x1 > 1.2 * max(ch.size, cur[-1].size)
                    or any(cur[-1].x + 0.5 * (cur[-1].x1 - cur[-1].x) < x < ch.x + 0.5 * (ch.x1 - ch.x) for x in cuts)):
            segs.append(cur)
            cur = []
        cur.append(ch)
    if cur:
        segs.append(cur)
    out = []
    for s in segs:
        while s and s[0].c.isspace():
            s = s[1:]
        while s and s[-1].c.isspace():
            s = s[:-1]
        if s:
            out.append(Seg(page, s))
    return out


def mode(values, default=0.0):
    c = Counter(values)
    return c.most_common(1)[0][0] if c else default


class Frame:
    """The body of a PDF: pages of rows of segments, body size, edges and pitch."""

    def __init__(self, pdf):
        self.pdf = pdf
        self.pages = []  # per page: list of rows, each a list of Segs
        self.lines = []  # per page: the body rows as whole-row Segs
        rules = read_rules(pdf)
        for pno, chars in enumerate(read_chars(pdf), 1):
            rows = rows_of(chars)
            self.pages.append([segments(pno, r, rules[pno - 1] if pno <= len(rules) else ()) for r in rows])
            self.lines.append([Seg(pno, list(r)) for r in rows if r])
        sizes = Counter(round(c.size, 2) for p in self.lines for s in p for c in s.chars if not c.c.isspace())
        self.size = sizes.most_common(1)[0][0] if sizes else 0.0
        for i, p in enumerate(self.lines):
            self.lines[i] = [trim(s) for s in p if abs(s.size - self.size) < 0.01 and trim(s)]
        body = [s for p in self.lines for s in p]
        self.left = mode(round(s.x0, 1) for s in body)
        right = mode(round(s.x1, 1) for s in body)
        near = [s.x1 for s in body if abs(s.x1 - right) < 1.0]
        self.right = max(near) if near else right
        gaps = []
        for p in self.lines:
            gaps += [b.y - a.y for a, b in zip(p, p[1:])]
        common = mode(round(g, 1) for g in gaps)
        near = sorted(g for g in gaps if abs(g - common) < 0.3)
        self.pitch = near[len(near) // 2] if near else common
        for p in self.lines:
            for s in p:
                s.inner = False
        for p in self.lines:  # which lines their paragraph continues after
            prev_inner = False
            for s, n in zip(p, p[1:]):
                s.inner = self._continues(s, n, prev_inner)
                prev_inner = s.inner

    def units(self):
        """Yield the lines of every row of every page: a body line whole, whatever its gaps;
        elsewhere each stretch of the row (a table cell's line)."""
        for pno, page in enumerate(self.pages, 1):
            body = {round(s.y, 1): s for s in self.lines[pno - 1] if self.is_body_line(s)}
            for row in page:
                whole = body.get(round(row[0].y, 1))
                yield [whole] if whole is not None and len(row) <= len(whole.chars) and self._no_rule(row) else row

    def _no_rule(self, row):
        """ROW's stretches were split by gaps only (a body line), not by a table's rules."""
        return all(b.x0 - a.x1 > 1.2 * self.size for a, b in zip(row, row[1:]))

    def body_rows(self):
        """Yield (line, next line on the page or None) for the body-size rows in the body column."""
        for p in self.lines:
            for i, s in enumerate(p):
                if self.is_body_line(s):
                    yield s, p[i + 1] if i + 1 < len(p) else None

    def is_body_line(self, s):
        """S starts in the body column (flush or indented up to 4 em) and ends by its right edge."""
        return self.left - 1.0 < s.x0 < self.left + 4 * self.size + 1.0 and s.x1 < self.right + self.size

    def full(self, s):
        return s.x1 >= self.right - 0.05 * self.size

    def _continues(self, s, n, s_continued):
        """N is the next line of S's paragraph: one pitch lower, same font, and flush left, or at
        S's indent when S continues a hanging block, or a hanging indent under a full, indented
        first line (a list item's)."""
        if n is None or not self.is_body_line(s) or not self.is_body_line(n) or n.font != s.font:
            return False
        if abs(n.y - s.y - self.pitch) >= 0.8:
            return False
        if abs(n.x0 - self.left) < 1.0:
            return True
        if abs(n.x0 - s.x0) < 1.0 and s_continued:
            return True
        # the first line of a hanging list item: itself indented, full, the next line a little further in
        return self.full(s) and s.x0 > self.left + 1.0 and s.x0 + 1.0 < n.x0 <= s.x0 + 1.5 * self.size

    def summary(self):
        return "body %.1f pt, column %.1f-%.1f pt (%.2f em), pitch %.2f pt" % (
            self.size, self.left, self.right, (self.right - self.left) / (self.size or 1), self.pitch)


def trim(s):
    """Seg S without spaces at its ends (None when nothing is left)."""
    ch = s.chars
    while ch and ch[0].c.isspace():
        ch = ch[1:]
    while ch and ch[-1].c.isspace():
        ch = ch[:-1]
    return Seg(s.page, ch) if ch else None


def report(name, pdfs, analyse, verbose):
    """Run ANALYSE(frame) -> (failures, summary text, examples) on each PDF; print one line each; exit status."""
    status = 0
    for pdf in pdfs:
        fr = Frame(pdf)
        if not fr.size:
            print("%s: %s: no text" % (name, pdf))
            status = 1
            continue
        bad, text, examples = analyse(fr)
        print("%s: %s: %s" % (name, pdf, text))
        if verbose:
            for e in examples[:12]:
                print("    " + e)
        status |= 1 if bad else 0
    return status


def main(name, analyse, doc):
    """Command line of a check: NAME [-v] PDF..."""
    args = sys.argv[1:]
    verbose = "-v" in args
    pdfs = [a for a in args if a != "-v"]
    if not pdfs or "-h" in args or "--help" in args:
        print(doc.strip())
        sys.exit(0 if pdfs else 2)
    sys.exit(report(name, pdfs, analyse, verbose))
