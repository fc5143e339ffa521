#!/usr/bin/env python3
"""units.py [-v] PDF...: no number is cut from its unit or measure word at a line break
inside a body paragraph (…共支出987.91 | 万元…, …2022 | 年…, …98.79 | %…), and no
number is itself cut (…145. | 63万元…).

Looks at each inner body line (see ragged.py) and the line that continues it.
Prints one line per PDF; exit status 1 on a cut or when no paragraph
has an inner line.
"""
from pdftext import main

UNITS = set("万亿元角人户次个岁年月日号%‰％名家所项件台套本册条座天时张米倍期场卷份篇")


def analyse(fr):
    breaks = cut = 0
    ex = []
    for page in fr.lines:
        for s, n in zip(page, page[1:]):
            if not s.inner:
                continue
            breaks += 1
            last, first = s.text[-1], n.text[0]
            if not last.isdigit() and not (last == "." and len(s.text) > 1 and s.text[-2].isdigit()):
                continue
            if first in UNITS and n.text[:2] != "项目" or first.isdigit() or (first == "." and last.isdigit()):
                cut += 1
                ex.append("p%d: …%s | %s…" % (s.page, s.text[-8:], n.text[:6]))
    return cut or not breaks, "%d of %d line breaks in paragraphs cut a number from its unit or itself" % (cut, breaks), ex


if __name__ == "__main__":
    main("units", analyse, __doc__)
