#!/usr/bin/env python3
"""ink.py [-v] PDF... (needs python3-fonttools): no closing mark's ink comes within 0.08 em
of the next character's ink, and no opening mark's ink within 0.08 em of the previous
character's, on the same line (a compressed 、，。 whose ink sits near the middle of its
em box, or a pair like ”） pushed together). The inner side of a bracket (《 and the
word it opens) is the font's design and not measured; · is measured on both sides.

Ink boxes are the glyphs' outline bounds in the installed font each embedded subset
was made from (matched by PostScript name through fc-list); each character's
horizontal ink is placed at its origin in the PDF. Pairs where a font is not
installed are counted as unmeasured, which fails the check too. Prints one line per
PDF; exit status 1 on a collision, an unmeasured pair or no pair at all.
"""
import functools
import logging
import re
import subprocess

from fontTools.ttLib import TTFont

from pdftext import CLOSE, OPEN, main

logging.getLogger("fontTools").setLevel(logging.ERROR)  # fonts with padded glyf tables
LIMIT_EM = 0.08
AFTER = CLOSE | set("·")  # marks whose following side is checked
BEFORE = OPEN | set("·")  # marks whose preceding side is checked


@functools.lru_cache(None)
def installed():
    """PostScript name -> (file, face index) of every installed font."""
    out = subprocess.run(["fc-list", ":", "file", "index", "postscriptname"], capture_output=True, text=True).stdout
    faces = {}
    for line in out.splitlines():
        path = line.split(": ", 1)[0]
        idx = re.search(r":index=(\d+)", line)
        ps = re.search(r":postscriptname=([^:]+)", line)
        if idx and ps:
            faces.setdefault(ps.group(1).strip(), (path, int(idx.group(1))))
    return faces


@functools.lru_cache(None)
def face(name):
    """(cmap, glyf, units per em) of the installed font named NAME (PDF spelling), or None."""
    hit = installed().get(name.split(",")[0])
    if not hit:
        return None
    path, idx = hit
    f = TTFont(path, fontNumber=idx, lazy=True) if path.lower().endswith((".ttc", ".otc")) else TTFont(path, lazy=True)
    if "glyf" not in f:
        return None
    return f.getBestCmap(), f["glyf"], f["head"].unitsPerEm


@functools.lru_cache(None)
def ink(name, ch):
    """Horizontal ink (x min, x max) of CH in font NAME in em, () without ink, None if unknown."""
    fc = face(name)
    if fc is None:
        return None
    cmap, glyf, upm = fc
    g = cmap.get(ord(ch))
    if g is None:
        return None
    gl = glyf[g]
    if gl.numberOfContours == 0:
        return ()
    if not hasattr(gl, "xMin"):
        gl.recalcBounds(glyf)
    return gl.xMin / upm, gl.xMax / upm


def analyse(fr):
    pairs = hits = unknown = 0
    closest = None
    ex = []
    for row in fr.units():
        for s in row:
            ch = [c for c in s.chars if not c.c.isspace()]
            for a, b in zip(ch, ch[1:]):
                if not (a.c in AFTER or b.c in BEFORE) or b.x <= a.x:
                    continue
                ia, ib = ink(a.font, a.c), ink(b.font, b.c)
                if ia is None or ib is None:
                    unknown += 1
                    ex.append("p%d unmeasured %s%s (font %s / %s)" % (s.page, a.c, b.c, a.font, b.font))
                    continue
                if not ia or not ib:
                    continue
                pairs += 1
                gap = (b.x + ib[0] * b.size) - (a.x + ia[1] * a.size)
                em = max(a.size, b.size)
                closest = gap / em if closest is None else min(closest, gap / em)
                if gap < LIMIT_EM * em:
                    hits += 1
                    ex.append("p%d %s%s ink gap %.2f em: %s" % (s.page, a.c, b.c, gap / em, s.text[:20]))
    return hits + unknown or not pairs, "%d of %d mark pairs closer than %.2f em (closest %.2f em), %d unmeasured" % (
        hits, pairs, LIMIT_EM, closest or 0.0, unknown), ex


if __name__ == "__main__":
    main("ink", analyse, __doc__)
