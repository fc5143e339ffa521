#!/usr/bin/env python3
"""latin.py [-v] PDF...: Latin letters and digits are set in a Latin face: no ASCII letter
or digit is drawn in a font that also draws ideographs in the same PDF (a CJK face's
half-width Latin, where l reads as 1). Prints one line per PDF; exit status 1 when one
is, or when the PDF has no ASCII letter or digit to judge.

The layouts name a Latin role (<text latin="…">); a layout whose Latin role finds no
installed face sets Latin in the CJK faces, so this check fails there by design.
"""
from pdftext import main, script


def analyse(fr):
    chars = [c for page in fr.pages for row in page for s in row for c in s.chars]
    cjk_fonts = {c.font for c in chars if script(c.c) == "cjk"}
    latin = [c for c in chars if script(c.c) in ("digit", "latin")]
    bad = [c for c in latin if c.font in cjk_fonts]
    fonts = sorted({c.font for c in latin if c.font not in cjk_fonts})
    ex = []
    for page_no, page in enumerate(fr.pages, 1):
        for row in page:
            for s in row:
                wrong = "".join(c.c for c in s.chars if c in bad)
                if wrong and len(ex) < 12:
                    ex.append("p%d %s in %s: %s" % (page_no, wrong[:16], s.chars[0].font, s.text[:30]))
    return bad or not latin, "%d of %d Latin letters and digits in a CJK font; Latin fonts: %s" % (
        len(bad), len(latin), ", ".join(fonts) or "none"), ex


if __name__ == "__main__":
    main("latin", analyse, __doc__)
