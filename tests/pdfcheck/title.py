#!/usr/bin/env python3
"""title.py [-v] [--lines "LINE1/LINE2…"] PDF... (needs python3-jieba): the report title on
page 1 (the rows of the largest type there) breaks only between words, as jieba segments
the whole title, and no title line holds a single character. --lines: the title must be
set in exactly these lines (an author's <br/> honoured).

Prints one line per PDF with the title's lines; exit status 1 on a break inside a
word or a one-character line.
"""
import logging
import sys

import jieba

from pdftext import Seg, read_chars, rows_of

jieba.setLogLevel(logging.ERROR)


def title_lines(pdf):
    chars = [c for c in (read_chars(pdf, "1") or [[]])[0] if not c.c.isspace()]
    if not chars:
        return []
    big = max(c.size for c in chars)
    return [Seg(1, r).text for r in rows_of([c for c in chars if abs(c.size - big) < 0.01])]


def check(pdf, verbose, want=None):
    lines = title_lines(pdf)
    title = "".join(lines)
    if not title:
        print("title: %s: no text on page 1" % pdf)
        return 1
    bounds, pos = {0}, 0
    for w in jieba.cut(title):
        pos += len(w)
        bounds.add(pos)
    bad, pos = [], 0
    for ln in lines[:-1]:
        pos += len(ln)
        if pos not in bounds:
            bad.append("%s|%s" % (title[max(0, pos - 3):pos], title[pos:pos + 3]))
    bad += ["one-character line %s" % ln for ln in lines if len(ln) == 1]
    if want is not None and lines != want:
        bad.append("not the lines %s" % " / ".join(want))
    print("title: %s: '%s' in %d lines, %s" % (pdf, " / ".join(lines), len(lines),
                                                "breaks between words" if not bad else "BAD: " + ", ".join(bad)))
    if verbose and bad:
        print("    words: " + " ".join(jieba.cut(title)))
    return 1 if bad else 0


def main():
    args = sys.argv[1:]
    verbose = "-v" in args
    want = None
    if "--lines" in args and args.index("--lines") + 1 < len(args):
        i = args.index("--lines")
        want = [ln for ln in args[i + 1].split("/") if ln]
        del args[i:i + 2]
    pdfs = [a for a in args if a != "-v"]
    if not pdfs or pdfs[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if pdfs else 2
    return max(check(p, verbose, want) for p in pdfs)


if __name__ == "__main__":
    sys.exit(main())
