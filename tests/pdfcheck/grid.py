#!/usr/bin/env python3
"""grid.py [-v] [--lines 22] [--chars 28] PDF...: the body sits on the official grid
(GB/T 9704: 22 lines a page, 28 characters a line).

Characters a line: the body column's width over the median distance between
neighbouring ideographs on inner (justified) body lines must round to CHARS, and
every inner line holding only ideographs and full-width marks, set at one even
pitch (no mark compressed), must hold exactly CHARS characters. Lines a page: on every page whose
last body line continues its paragraph onto the next page (a full page), the
grid slots down to the page's last body line, at the body pitch, must
number LINES, and every body line must sit on a slot (slots count from the most
common position of a page's first body line, the top of the type area). Prints one line per PDF;
exit status 1 when a measure is off or no page is full.
"""
import sys
from statistics import median

from pdftext import Frame, script


def analyse(fr, want_lines, want_chars):
    pitches, off_count, counted = [], 0, 0
    ex = []
    for page in fr.lines:
        for s in page:
            if not s.inner:
                continue
            ch = [c for c in s.chars if not c.c.isspace()]
            pitches += [b.x - a.x for a, b in zip(ch, ch[1:]) if script(a.c) == "cjk" and script(b.c) == "cjk"]
            plain = all(script(c.c) == "cjk" or (script(c.c) is None and not c.c.isascii()) for c in ch)
            steps = [b.x - a.x for a, b in zip(ch, ch[1:])]
            uniform = plain and len(steps) > 1 and max(steps) - min(steps) < 0.5  # no mark compressed
            if uniform and abs(s.x0 - fr.left) < 1.0:
                counted += 1
                if len(ch) != want_chars:
                    off_count += 1
                    ex.append("p%d line of %d characters: %s" % (s.page, len(ch), s.text))
    pitch_c = median(pitches) if pitches else 0.0
    per_line = (fr.right - fr.left) / pitch_c if pitch_c else 0.0
    firsts = [min(s.y for s in page if fr.is_body_line(s)) for page in fr.lines if any(fr.is_body_line(s) for s in page)]
    top = max(set(round(y, 1) for y in firsts), key=[round(y, 1) for y in firsts].count) if firsts else 0.0
    full = off_page = off_slot = 0
    for i, page in enumerate(fr.lines[:-1]):
        body = [s for s in page if fr.is_body_line(s)]
        nxt = [s for s in fr.lines[i + 1] if fr.is_body_line(s)]
        if not body or not nxt or not fr.full(body[-1]) or abs(nxt[0].x0 - fr.left) > 1.0 or nxt[0].font != body[-1].font:
            continue
        full += 1
        slots = round((body[-1].y - top) / fr.pitch) + 1 if fr.pitch else 0
        if slots != want_lines:
            off_page += 1
            ex.append("p%d has %d line slots" % (i + 1, slots))
        for s in body:
            k = (s.y - top) / fr.pitch if fr.pitch else 0
            if abs(k - round(k)) * fr.pitch > 1.5:
                off_slot += 1
                ex.append("p%d line off the grid by %.1f pt: %s" % (i + 1, (k - round(k)) * fr.pitch, s.text[:12]))
    bad = round(per_line) != want_chars or off_count or off_page or off_slot or not full
    text = ("%.2f characters a line (want %d), %d of %d plain lines off; %d of %d full pages not %d lines, "
            "%d lines off the grid; %s" % (per_line, want_chars, off_count, counted, off_page, full, want_lines, off_slot,
                                           fr.summary()))
    return bad, text, ex


def main():
    args = sys.argv[1:]
    verbose = "-v" in args
    want = {"--lines": 22, "--chars": 28}
    pdfs = []
    while args:
        a = args.pop(0)
        if a in want and args:
            want[a] = int(args.pop(0))
        elif a != "-v":
            pdfs.append(a)
    if not pdfs or pdfs[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if pdfs else 2
    status = 0
    for pdf in pdfs:
        fr = Frame(pdf)
        bad, text, ex = analyse(fr, want["--lines"], want["--chars"])
        print("grid: %s: %s" % (pdf, text))
        if verbose:
            for e in ex[:12]:
                print("    " + e)
        status |= 1 if bad else 0
    return status


if __name__ == "__main__":
    sys.exit(main())
