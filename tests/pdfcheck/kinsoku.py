#!/usr/bin/env python3
"""kinsoku.py [-v] PDF...: no line, in the body or in a table cell, starts with a mark that
may not begin a line (，。、；：？！）》」』〕】〉”’… GB/T 15834, W3C clreq) or ends with an
opening mark (（《「『〔【〈“‘).

A body line is its whole row; elsewhere a line is a stretch of one baseline without
a gap wider than 1.2 em or a vertical rule, so the cells of a table row are lines of
their own. Prints one line per PDF; exit status 1 on any breach or when there is
no line.
"""
from pdftext import CLOSE, OPEN, main


def analyse(fr):
    lines = starts = ends = 0
    ex = []
    for row in fr.units():
        for s in row:
            lines += 1
            if s.text[0] in CLOSE:
                starts += 1
                ex.append("p%d starts with %s: %s…" % (s.page, s.text[0], s.text[:14]))
            if s.text[-1] in OPEN:
                ends += 1
                ex.append("p%d ends with %s: …%s" % (s.page, s.text[-1], s.text[-14:]))
    return starts + ends or not lines, "%d lines: %d start with a closing mark, %d end with an opening mark" % (lines, starts, ends), ex


if __name__ == "__main__":
    main("kinsoku", analyse, __doc__)
