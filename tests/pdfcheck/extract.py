#!/usr/bin/env python3
"""extract.py [-v] [--ignore-spaces] PDF [--xml REPORT.xml] [STRING...]: the PDF's extracted
text (pdftotext) finds each STRING, as a reader's search would: line breaks join (a
phrase may wrap) but nothing else is ignored, so a space that pdftotext puts into
2022年 for the ¼-em gap between digits and ideographs ("2022 年") is a miss.
--ignore-spaces drops every space first (the characters and their order only).

--xml adds the report's title, every section title and every literal number with
its unit in the report's text (2022年, 1642人, 98.79%, 145.63万元 …). Prints one line;
exit status 1 when a string is not found (or when there is none to look for).
"""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

TOKEN = re.compile(r"\d+(?:\.\d+)?(?:万元|亿元|元|年|月|日|人次|户次|人|户|个|所|名|张|次|%|‰)")


def strings_of(path):
    """Title, section titles and number-with-unit tokens of the report at PATH."""
    root = ET.parse(path).getroot()
    out = []
    t = root.find("meta/title")
    if t is not None and t.text:
        out.append(re.sub(r"\s+", "", t.text))
    for s in root.iter("section"):
        out.append(re.sub(r"\s+", "", s.get("title", "")))
    for tag in ("p", "li", "field", "issue", "measure"):
        for el in root.iter(tag):
            for piece in [el.text or ""] + [c.tail or "" for c in el]:
                # source line breaks between CJK characters are not spaces (spec)
                out += TOKEN.findall(re.sub(r"\s*\n\s*", "", piece))
    seen = set()
    return [s for s in out if s and not (s in seen or seen.add(s))]


def main():
    args = sys.argv[1:]
    verbose = "-v" in args
    nospace = "--ignore-spaces" in args
    args = [a for a in args if a not in ("-v", "--ignore-spaces")]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if args else 2
    pdf, rest = args[0], args[1:]
    want = []
    while rest:
        if rest[0] == "--xml" and len(rest) > 1:
            want += strings_of(rest[1])
            rest = rest[2:]
        else:
            want.append(rest.pop(0))
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True)
    if run.returncode != 0:
        print("extract: %s: pdftotext failed: %s" % (pdf, run.stderr.strip()[:200]))
        return 1
    text = re.sub(r"[ \t]*\n[ \t]*", "", run.stdout.replace("\f", "\n"))
    if nospace:
        text = re.sub(r"\s+", "", text)
        want = [re.sub(r"\s+", "", w) for w in want]
    missing = [s for s in want if s not in text]
    print("extract: %s: %d of %d strings found%s%s" % (pdf, len(want) - len(missing), len(want),
                                                      " (spaces ignored)" if nospace else "",
                                                    "" if not missing else "; missing e.g. " + " ".join(missing[:6])))
    if verbose:
        for s in missing[:30]:
            i = text.find(s[:2])
            print("    missing %s%s" % (s, "" if i < 0 else "  (near: %s)" % text[max(0, i - 8):i + len(s) + 12]))
    return 1 if missing or not want else 0


if __name__ == "__main__":
    sys.exit(main())
