#!/usr/bin/env python3
"""ragged.py [-v] PDF...: every body line that its paragraph continues after (an inner
line) is justified: it ends at the body column's right edge, within 0.05 em.

Body lines are the rows of the most common type size; an inner line is followed on
the same page, one pitch lower, in the same font, by a flush-left line (or, in a
hanging list item, a line at the item's hanging indent). Prints one line per PDF;
exit status 1 when a line falls short or there is no inner line.
"""
from pdftext import main

TOLERANCE_EM = 0.05


def analyse(fr):
    inner = short = 0
    worst = 0.0
    ex = []
    for s, n in fr.body_rows():
        if not s.inner:
            continue
        inner += 1
        gap = fr.right - s.x1
        if gap > TOLERANCE_EM * fr.size:
            short += 1
            worst = max(worst, gap)
            ex.append("p%d short by %.1f pt: …%s" % (s.page, gap, s.text[-14:]))
    return short or not inner, "%d of %d inner lines short of the measure (worst %.1f pt); %s" % (
        short, inner, worst, fr.summary()), ex


if __name__ == "__main__":
    main("ragged", analyse, __doc__)
