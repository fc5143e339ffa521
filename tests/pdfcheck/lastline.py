#!/usr/bin/env python3
"""lastline.py [-v] PDF...: no body paragraph ends in a line of a single character
(孤字; punctuation and spaces not counted).

A paragraph's last line is a body line that the line above it continues into
(see ragged.py) and that does not itself continue. Prints one line per PDF; exit
status 1 when a last line holds one character or no
paragraph last line is found.
"""
from pdftext import PUNCT, main


def analyse(fr):
    last = single = 0
    ex = []
    for page in fr.lines:
        for p, s in zip(page, page[1:]):
            if not p.inner or s.inner:
                continue
            last += 1
            if len([c for c in s.text if c not in PUNCT and not c.isspace()]) <= 1:
                single += 1
                ex.append("p%d: …%s | %s" % (s.page, p.text[-10:], s.text))
    return single or not last, "%d of %d paragraph last lines hold a single character" % (single, last), ex


if __name__ == "__main__":
    main("lastline", analyse, __doc__)
