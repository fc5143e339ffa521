#!/usr/bin/env python3
"""spacing.py [-v] PDF...: no letter-spacing inside a run of one script: in a run of three
or more ideographs, digits or Latin letters on one line (body and table cells), no two
consecutive gaps between neighbours both exceed a quarter of their advance. Runs end
at a table cell's border (a vertical rule) and, outside the body, at a gap wider than 1.2 em.

The gap is the distance from one character's advance box end to the next one's
origin; justification that spreads a narrow table cell or a line holding an
unbreakable URL (公 开 网 址 ：) shows as wide gaps. Prints one line per PDF; exit
status 1 when a line has a letter-spaced run or there is
no line.
"""
from pdftext import main, script

LIMIT = 0.25


def spaced_runs(chars):
    """For each same-script run of 3+ characters in CHARS, the largest extra gap (in advances)
    that two consecutive gaps of the run both reach."""
    runs, run = [], []
    for a, b in zip(chars, chars[1:]):
        adv = a.x1 - a.x
        same = script(a.c) and script(a.c) == script(b.c) and a.size == b.size and adv > 0
        if same:
            run.append((b.x - a.x1) / adv)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return [max(min(a, b) for a, b in zip(r, r[1:])) for r in runs if len(r) >= 2]


def analyse(fr):
    rows = bad = 0
    worst = 0.0
    ex = []
    for row in fr.units():
        rows += 1
        m = max((r for s in row for r in spaced_runs([c for c in s.chars if not c.c.isspace()])), default=0.0)
        if m > LIMIT:
            bad += 1
            worst = max(worst, m)
            ex.append("p%d +%.2f advance: %s" % (row[0].page, m, " | ".join(s.text for s in row)[:40]))
    return bad or not rows, "%d of %d lines letter-spaced beyond %.2f of an advance (worst +%.2f)" % (bad, rows, LIMIT, worst), ex


if __name__ == "__main__":
    main("spacing", analyse, __doc__)
