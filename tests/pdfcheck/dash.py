#!/usr/bin/env python3
"""dash.py [-v] PDF... (needs python3-fonttools): a run of em dashes (——, the 2-em dash) is
drawn as one continuous stroke: between two neighbouring — on a line the inks meet (no
white wider than 0.01 em), as measured with the ink boxes of the installed fonts (see
ink.py). Prints one line per PDF; exit status 1 on a gap, on a pair whose font is not
installed, or when the PDF has no —— to measure.
"""
from ink import ink
from pdftext import main

LIMIT_EM = 0.01


def analyse(fr):
    pairs = gaps = unknown = 0
    widest = 0.0
    ex = []
    for row in fr.units():
        for s in row:
            ch = [c for c in s.chars if not c.c.isspace()]
            for a, b in zip(ch, ch[1:]):
                if a.c != "—" or b.c != "—":
                    continue
                ia, ib = ink(a.font, a.c), ink(b.font, b.c)
                if not ia or not ib:
                    unknown += 1
                    ex.append("p%d unmeasured —— (font %s / %s)" % (s.page, a.font, b.font))
                    continue
                pairs += 1
                em = max(a.size, b.size)
                gap = ((b.x + ib[0] * b.size) - (a.x + ia[1] * a.size)) / em
                widest = max(widest, gap)
                if gap > LIMIT_EM:
                    gaps += 1
                    ex.append("p%d —— with %.3f em of white between the dashes: %s" % (s.page, gap, s.text[:24]))
    return gaps + unknown or not pairs, "%d of %d dash pairs with a gap over %.2f em (widest %.3f em), %d unmeasured" % (
        gaps, pairs, LIMIT_EM, widest, unknown), ex


if __name__ == "__main__":
    main("dash", analyse, __doc__)
