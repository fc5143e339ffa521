#!/usr/bin/env python3
"""selftest.py DIR: write PDFs with known typesetting into DIR and require each check in
this folder to pass on the clean one and to fail, for the reason it names, on the
faulty ones, so that no check passes because it measured nothing.

The PDFs place every character by hand (a non-embedded CID font named after the
installed AR PL SungtiL GB, BousungEG-Light-GB, Adobe-GB1, UniGB-UCS2-H; all advances
one em) on the official grid: 16 pt type, 28 characters a line, 22 lines a page at a
28.95 pt pitch. Standard library only, except that ink.py and title.py need
python3-fonttools and python3-jieba: without them those two cases are left out and
the exit status is 77 (skipped), after the others ran.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SIZE, LEFT, PITCH, TOP, CHARS, LINES = 16.0, 80.0, 28.95, 760.0, 28, 22
WORDS = "社会救助政策落实情况督办督查提高基层工作人员业务水平保障困难群众基本生活"


def text_line(chars, y, size=SIZE, latin=frozenset()):
    """Content operators drawing each (x, character) of CHARS at baseline Y; the characters
    in LATIN in the Latin font F2 (Times-Roman), the rest in the CID font F1."""
    ops = []
    for x, c in chars:
        if c in latin:
            ops.append("BT /F2 %.2f Tf 1 0 0 1 %.3f %.3f Tm <%02X> Tj ET" % (size, x, y, ord(c)))
        else:
            ops.append("BT /F1 %.2f Tf 1 0 0 1 %.3f %.3f Tm <%04X> Tj ET" % (size, x, y, ord(c)))
    return "\n".join(ops)


def even(text, x0=LEFT, pitch=SIZE):
    return [(x0 + i * pitch, c) for i, c in enumerate(text)]


def body(n, start=0):
    """N characters of prose, starting at START in the word list."""
    return "".join(WORDS[(start + i) % len(WORDS)] for i in range(n))


def write_pdf(path, pages):
    """A PDF of PAGES (lists of content strings) in the CID font."""
    objs = []

    def add(o):
        objs.append(o)
        return len(objs)
    font = add("<< /Type /Font /Subtype /Type0 /BaseFont /BousungEG-Light-GB /Encoding /UniGB-UCS2-H "
               "/DescendantFonts [2 0 R] >>")
    add("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /BousungEG-Light-GB "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 3 0 R /DW 1000 "
        "/W [1 [500] 17 [500 500 500 500 500 500 500 500 500 500]] >>")  # space and digits: half an em
    add("<< /Type /FontDescriptor /FontName /BousungEG-Light-GB /Flags 4 /FontBBox [0 -120 1000 880] "
        "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
    latin = add("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>")
    pages_id = add(None)
    kids = []
    for content in pages:
        data = "\n".join(content).encode("ascii")
        cid = add("<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data.decode("ascii")))
        kids.append(add("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595.28 841.89] /Contents %d 0 R "
                        "/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>" % (pages_id, cid, font, latin)))
    objs[pages_id - 1] = "<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join("%d 0 R" % k for k in kids), len(kids))
    catalog = add("<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += ("%d 0 obj\n%s\nendobj\n" % (i, o)).encode("ascii")
    xref = len(out)
    out += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode("ascii")
    out += "".join("%010d 00000 n \n" % off for off in offsets).encode("ascii")
    out += ("trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, catalog, xref)).encode("ascii")
    with open(path, "wb") as f:
        f.write(out)


def paragraph(lines, y, k, first_indent=2):
    """Content of a paragraph of K lines from Y down: indented first line, full inner lines,
    a last line of eight characters. Returns (operators, next y)."""
    ops = []
    for i in range(k):
        if i == 0:
            t = body(CHARS - first_indent, i * 7)
            ops.append(text_line(even(t, LEFT + first_indent * SIZE), y))
        elif i < k - 1:
            ops.append(text_line(even(body(CHARS, i * 5)), y))
        else:
            ops.append(text_line(even(body(8, i)), y))
        y -= PITCH
    return ops, y


def justify(chars):
    """CHARS (x, c) spread evenly from the left edge to the right edge of the column."""
    n = len(chars) - 1
    return [(LEFT + i * (CHARS - 1) * SIZE / n, c) for i, (_, c) in enumerate(chars)]


def number_line(gap):
    """A full line holding 2022年 (digits half an em wide) with GAP em between 2022 and 年,
    and a ， at its full advance."""
    chars = even("截至") + [(LEFT + 2 * SIZE + i * SIZE / 2, d) for i, d in enumerate("2022")]
    return chars + even("年底，共发放资金" + body(CHARS - 12), LEFT + (4 + gap) * SIZE)


def dash_line(joined):
    """落实——情况。 with the two dashes shifted until their inks meet (JOINED; the ink of — in
    AR PL SungtiL GB spans 73-952 of 1024 units) or at their natural places (a 0.14 em gap)."""
    chars = even("落实——情况。")
    if joined:
        chars[2] = (chars[2][0] + 0.0703 * SIZE, "—")
        chars[3] = (chars[3][0] - 0.0913 * SIZE, "—")
    return chars


def clean_pages(gap=0.0, latin=frozenset("0123456789"), dash_joined=True):
    """Three pages: a title and paragraphs; a full page of 22 lines; a short last page.
    The digits in LATIN are set in the Latin font; DASH_JOINED: —— drawn without a gap."""
    p1 = [text_line(even("困难群众救助补助工作经费", 150, 22), 800, 22),
          text_line(even("项目绩效评价报告", 190, 22), 770, 22)]
    y = TOP - 3 * PITCH
    for k in (5, 6):
        ops, y = paragraph(p1, y, k)
        p1 += ops
    p1.append(text_line(even(body(CHARS - 2), LEFT + 2 * SIZE), y))
    p1.append(text_line(number_line(gap), y - PITCH, latin=latin))
    p1.append(text_line(even(body(CHARS)), y - 2 * PITCH))
    p1.append(text_line(even("保障基本生活。"), y - 3 * PITCH))
    p2 = [text_line(even(body(CHARS - 2), LEFT + 2 * SIZE), TOP)]
    p2 += [text_line(even(body(CHARS, i * 3)), TOP - i * PITCH) for i in range(1, LINES)]
    p3 = [text_line(even(body(CHARS, 2)), TOP), text_line(dash_line(dash_joined), TOP - PITCH)]
    return [p1, p2, p3]


def faulty_pages():
    """The clean document with one fault of each kind, a space's gap inside 2022年, its
    digits in the CJK font and a gap inside ——."""
    pages = clean_pages(gap=0.3, latin=frozenset(), dash_joined=False)
    p1 = pages[0]
    p1[0] = text_line(even("困难群众救助补助工作经费项目绩效评价报告福利彩", 60, 22), 800, 22)  # title: 彩|票
    p1[1] = text_line(even("票公益金", 190, 22), 770, 22)
    p3 = pages[2]
    y = TOP - 3 * PITCH
    lines = [
        even(body(CHARS - 2), LEFT + 2 * SIZE),                       # a paragraph's first line
        even(body(CHARS - 3)),                                         # ragged: three characters short
        justify(even(body(CHARS - 1) + "（")),                         # kinsoku: ends with （
        justify(even("，" + body(CHARS - 1))),                         # kinsoku: starts with ，
        justify(even(body(CHARS - 3)) + [(0, d) for d in "202"]),      # units: …202 | 2年
        justify(even("2年度资") + [(0, "、"), (0, "拨")] + even(body(CHARS - 7))),
        even("资") + even("金", LEFT + 2.5 * SIZE) + even("到", LEFT + 5 * SIZE) + even("位", LEFT + 7.5 * SIZE)
        + even(body(CHARS - 9), LEFT + 9 * SIZE),                      # spacing: 资 金 到 位
        even("位。"),                                                  # lastline: one character
    ]
    # ink: 、 set a third of an em before the next character
    ink = lines[5]
    ink[5] = (ink[4][0] + SIZE / 3, ink[5][1])
    for i, chars in enumerate(lines):
        p3.append(text_line(chars, y - i * PITCH))
    pages[1] = pages[1][:-1]  # grid: the full page ends a line early
    return pages


CASES = [  # check, its arguments, whether it needs fontTools/jieba
    ("ragged", [], False), ("kinsoku", [], False), ("lastline", [], False), ("units", [], False),
    ("spacing", [], False), ("grid", [], False), ("extract", ["2022年"], False),
    ("latin", [], False), ("ink", [], True), ("title", [], True), ("dash", [], True),
]


def python_with(modules):
    for py in [os.environ.get("EVALPDF_PYTHON"), sys.executable, "python3", "/usr/bin/python3"]:
        if py and subprocess.run([py, "-c", "import " + modules], capture_output=True).returncode == 0:
            return py
    return None


def run(py, check, args, pdf):
    cmd = [py, os.path.join(HERE, check + ".py"), "-v"] + ([pdf] + args if check == "extract" else args + [pdf])
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, (r.stdout + r.stderr).strip()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    clean, faulty = os.path.join(out, "clean.pdf"), os.path.join(out, "faulty.pdf")
    write_pdf(clean, clean_pages())
    write_pdf(faulty, faulty_pages())
    extras = python_with("fontTools, jieba")
    failed = skipped = 0
    for check, args, needs in CASES:
        py = extras if needs else sys.executable
        if py is None:
            print("SKIP %s: no python3 with fontTools and jieba" % check)
            skipped += 1
            continue
        rc_clean, text_clean = run(py, check, args, clean)
        fault_args = ["2022年"] if check == "extract" else args
        rc_faulty, text_faulty = run(py, check, fault_args, faulty)
        ok = rc_clean == 0 and rc_faulty == 1
        print("%s %s\n    clean:  %s\n    faulty: %s" % ("ok  " if ok else "FAIL", check,
                                                     text_clean.replace("\n", "\n            "),
                                                     text_faulty.replace("\n", "\n            ")))
        failed += not ok
    print("pdfcheck self-test: %d checks, %d failed, %d skipped" % (len(CASES), failed, skipped))
    return 1 if failed else (77 if skipped else 0)


if __name__ == "__main__":
    sys.exit(main())
