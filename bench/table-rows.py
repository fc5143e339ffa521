#!/usr/bin/env python3
"""Benchmark: render a report holding one general table of N rows (default 5,000)
and report wall time and peak RSS, per 1,000 rows. Not a test: it asserts nothing.
Usage: python3 bench/table-rows.py [ROWS] [EVALPDF_BIN]"""
import os, resource, subprocess, sys, tempfile, time

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
binp = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "build", "src", "evalpdf")
with tempfile.TemporaryDirectory() as d:
    xml = os.path.join(d, "big.xml")
    with open(xml, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<report><meta><title>大表测试</title></meta><body>\n')
        f.write('<table caption="明细表"><thead><tr><th>序号</th><th>项目名称</th><th>金额（万元）</th><th>说明</th></tr></thead><tbody>\n')
        for i in range(rows):
            f.write(f'<tr><td>{i + 1}</td><td>社会救助项目第{i + 1}号</td><td align="right">{i * 3 % 997}.{i % 100:02d}</td><td>按进度拨付，执行正常。</td></tr>\n')
        f.write('</tbody></table></body></report>\n')
    for mode in (["--dump-layout"], ["-o", os.path.join(d, "big.pdf")]):
        t0 = time.monotonic()
        r = subprocess.run([binp, "render", "-q", xml] + mode, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        t1 = time.monotonic()
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        name = "dump-layout" if mode[0] == "--dump-layout" else "pdf"
        print(f"{rows} rows, {name:11s}: exit {r.returncode}, {t1 - t0:.2f} s ({(t1 - t0) * 1000 / rows * 1000:.1f} ms per 1000 rows), peak RSS {rss:.1f} MiB ({rss * 1000 / rows:.2f} MiB per 1000 rows)")
