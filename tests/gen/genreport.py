#!/usr/bin/env python3
"""genreport.py - generate county-level evaluation reports in report XML v1.

  genreport.py --seed S --count N --out DIR [--bad K] [--pages P] [--sections N] [--diverse]
  genreport.py --coverage DIR      list the spec's blocks, inlines and options the files in DIR use;
                                   exit 1 when one is missing

Writes DIR/county-NNN.xml (N reports; deterministic by seed) and the shared
include folder DIR/common/ they XInclude. Valid reports are written to the spec
(../shared/spec/report-xml.md) so that `evalpdf check` finds 0 errors and 0
warnings. With --bad K, K of the N reports carry realistic mistakes; each such
report gets DIR/county-NNN.expect with one line per mistake, `LINE SEVERITY CODE`,
the diagnostics `evalpdf check` must give (warnings are figure slips the spec
makes warnings; `--strict` turns them into errors).
--pages P makes each report about P pages of body text on the official grid,
--sections N puts about N sections into the analysis chapter, --diverse adds a
beneficiary register that brings a report to about 2,000 distinct characters.
Standard library only.
"""
import argparse
import os
import re
import sys
from decimal import Decimal, ROUND_HALF_UP
import random

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gentext  # noqa: E402
from gentext import num, person  # noqa: E402

D = Decimal


def esc(s):
    """Text escaped for XML content and attribute values."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def attrs(pairs):
    """' name="value"' for each (name, value) whose value is not None."""
    return "".join(' %s="%s"' % (k, esc(str(v))) for k, v in pairs if v is not None)


def plain(d):
    """A Decimal as the spec's plain figure: trailing zeros dropped."""
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def is_cjk(c):
    return "\u3400" <= c <= "\u9fff"


class Xml:
    """Lines of an XML document with indentation."""

    def __init__(self):
        self.lines = []
        self.depth = 0

    def line(self, s):
        self.lines.append("  " * self.depth + s)

    def open(self, tag, *pairs):
        self.line("<%s%s>" % (tag, attrs(pairs)))
        self.depth += 1

    def close(self, tag):
        self.depth -= 1
        self.line("</%s>" % tag)

    def empty(self, tag, *pairs):
        self.line("<%s%s/>" % (tag, attrs(pairs)))

    def text(self, tag, inline, *pairs, wrap=False):
        """<TAG>INLINE</TAG>; with WRAP the source is wrapped between two CJK characters,
        as a user's editor does (the break must not become a space)."""
        body = wrap_source(inline, 60, "  " * (self.depth + 1)) if wrap else inline
        self.line("<%s%s>%s</%s>" % (tag, attrs(pairs), body, tag))


def wrap_source(inline, width, indent):
    """INLINE with line breaks inserted in its text between two CJK ideographs about every WIDTH characters."""
    out, run = [], 0
    for tok in re.split(r"(<[^>]*>)", inline):
        if tok.startswith("<"):
            out.append(tok)
            run += 4
            continue
        buf = ""
        for i, c in enumerate(tok):
            buf += c
            run += 1
            if run >= width and i + 1 < len(tok) and is_cjk(c) and is_cjk(tok[i + 1]):
                buf += "\n" + indent
                run = 0
        out.append(buf)
    return "".join(out)


def value(ref, fmt=None):
    return "<value%s/>" % attrs([("of", ref), ("format", fmt)])


def amount(v, unit=None):
    return "<amount%s/>" % attrs([("value", v), ("unit", unit)])


def ref(to, page=False):
    return "<ref%s/>" % attrs([("to", to), ("page", "yes" if page else None)])


def grade_of(score, scale):
    words = ("优", "良", "中", "差") if scale in (None, "standard") else ("优秀", "良好", "中等", "差")
    for lim, w in zip((90, 80, 60), words):
        if score >= lim:
            return w
    return words[3]


def q2(d):
    return d.quantize(D("0.01"), rounding=ROUND_HALF_UP)


class Fund:
    """A funds item: given figures (strings or None) and computed ones (Decimal or None)."""

    def __init__(self, name, fid):
        self.name, self.id = name, fid
        self.budget = self.executed = self.initial = self.balance = None  # declared strings
        self.children = []
        self.eb = self.ee = None  # effective budget / executed

    def compute(self):
        if self.children:
            for c in self.children:
                c.compute()
            bs = [c.eb for c in self.children]
            es = [c.ee for c in self.children]
            self.eb = sum(bs, D(0)) if all(b is not None for b in bs) else None
            self.ee = sum(es, D(0)) if all(e is not None for e in es) else None
        else:
            self.eb = D(self.budget) if self.budget is not None else None
            self.ee = D(self.executed) if self.executed is not None else None


class Indicator:
    def __init__(self, name, iid=None):
        self.name, self.id = name, iid
        self.weight = self.score = None  # strings
        self.note = None
        self.children = []
        self.declare_weight = True

    def eff_weight(self):
        if not self.children:
            return D(self.weight) if self.weight is not None else None
        ws = [c.eff_weight() for c in self.children]
        ws = [w for w in ws if w is not None]
        return sum(ws, D(0)) if ws else None

    def eff_score(self):
        if not self.children:
            return D(self.score) if self.score is not None else None
        ss = [c.eff_score() for c in self.children]
        ss = [s for s in ss if s is not None]
        return sum(ss, D(0)) if ss else None


class Report:
    """One county report; build() returns its lines."""

    def __init__(self, seed, index, opts, common):
        self.rng = random.Random("%s-%d" % (seed, index))
        self.i = index
        self.opts = opts
        self.common = common
        r = self.rng
        self.county = gentext.COUNTIES[(index * 7 + r.randint(0, 3)) % len(gentext.COUNTIES)]
        self.year = r.choice([2020, 2021, 2022, 2023])
        self.project = gentext.PROJECTS[(index + r.randint(0, 5)) % len(gentext.PROJECTS)]
        self.kind = ("eval", "self", "lottery")[index % 3] if self.project[0] != "福利彩票公益金" else "lottery"
        self.t = gentext.Prose(r, self.county, self.year, self.project)
        self.x = Xml()
        self.nid = 0
        self.section_ids = []
        self.issues = []
        self.per = None  # paragraphs per analysis section (--pages sets it)

    def vary(self, key, options):
        """OPTIONS[k] chosen so that consecutive reports cycle through every option of KEY."""
        n = len(options)
        return options[(self.i + self.i // n + sum(map(ord, key))) % n]

    def new_id(self, prefix):
        self.nid += 1
        return "%s%d" % (prefix, self.nid)

    # ------------------------------------------------------------------ data
    def make_funds(self, fid):
        r = self.rng
        f = Fund(None, fid)
        items = r.sample(self.project[1], min(len(self.project[1]), r.randint(2, 5)))
        self.missing_exec = False
        for name, kids in items:
            it = Fund(name, self.new_id(fid + "_"))
            if kids and r.random() < 0.6:
                for k in kids:
                    c = Fund(k, self.new_id(fid + "_"))
                    self.leaf_figures(c)
                    it.children.append(c)
            else:
                self.leaf_figures(it)
            f.children.append(it)
        if r.random() < 0.12 and len(f.children) > 1:  # an adjustment row
            adj = Fund("以前年度结余调整", self.new_id(fid + "_"))
            adj.budget = adj.executed = "-" + num(r, 1, 40, 2)
            f.children.append(adj)
        if r.random() < 0.15:  # the source gives no figure for one item's spending
            leaf = r.choice([c for c in f.children if not c.children and not c.budget.startswith("-")] or [None])
            if leaf is not None:
                leaf.executed = leaf.balance = None
                self.missing_exec = True
        f.compute()
        for it in f.children:
            if it.children and r.random() < 0.5:  # declare the parent's sums
                it.budget = plain(it.eb)
                if it.ee is not None:
                    it.executed = plain(it.ee)
        return f

    def leaf_figures(self, it):
        r = self.rng
        b = D(num(r, 20, 2400, r.choice([0, 0, 1, 2, 2, 3, 4])))
        rate = r.choice([D(1), D(1), D(r.randint(700, 999)) / 1000])
        e = b if rate == 1 else (b * rate).quantize(D("0.01"), rounding=ROUND_HALF_UP)
        it.budget, it.executed = plain(b), plain(e)
        if r.random() < 0.3:
            it.initial = plain(b - D(r.randint(0, 50)) if b > 60 else b)
        if r.random() < 0.25:
            it.balance = plain(b - e)

    def make_scoring(self, sid):
        """An indicator tree of up to four levels whose weights add up to 100."""
        r = self.rng
        alt = r.random() < 0.4
        weights = r.choice([(20, 20, 30, 30), (15, 25, 30, 30), (20, 30, 30, 20), (10, 20, 40, 30)])
        s = Indicator("root", sid)
        for (n1, n1b, subs), w in zip(gentext.SCORING_TREE, weights):
            top = Indicator(n1b if alt else n1, self.new_id("ind"))
            self.split(top, D(w), subs, 1)
            s.children.append(top)
        return s

    def split(self, node, w, subs, level):
        """Give NODE weight W: a scored leaf, or children (from SUBS) whose weights add up to W."""
        r = self.rng
        node.weight = plain(w)
        if not subs or (level >= 2 and r.random() < 0.2):
            lost = min(w, D(r.choice([0, 0, 0, "0.5", 1, 1, 2])))
            node.score = plain(w - lost)
            if lost and r.random() < 0.6:
                node.note = r.choice(["个别资料不齐，扣%s分" % plain(lost), "支出进度偏慢", "部分指标未量化"])
            return
        subs = subs[:max(1, min(len(subs), int(w)))]
        parts, left = [], w
        for _ in subs[:-1]:
            step = D(1) if r.random() < 0.7 else D("0.5")
            part = max(D(1), (left * D(r.randint(30, 60)) / 100 / step).quantize(D(1)) * step)
            if part >= left:
                break
            parts.append(part)
            left -= part
        parts.append(left)
        for sub, part in zip(subs, parts):
            name, below = (sub, []) if isinstance(sub, str) else sub
            c = Indicator(name, self.new_id("ind") if r.random() < 0.3 else None)
            self.split(c, part, below, level + 1)
            node.children.append(c)
        if level >= 2 and r.random() < 0.15:  # an unscored row (shown, not summed), as 质量控制 in the example
            u = Indicator(r.choice(["质量控制", "可持续发展", "民政服务质量提升"]))
            if level == 2:
                u.children.append(Indicator(r.choice(["民政信息化服务水平提高", "服务规范化程度"])))
            node.children.append(u)
        if level >= 2 and r.random() < 0.15:
            node.declare_weight = False  # a parent without weight takes its children's sum

    # ------------------------------------------------------------------ blocks
    def para(self, text, wrap=None):
        self.x.text("p", text, wrap=self.rng.random() < 0.3 if wrap is None else wrap)

    def prose(self, n=None):
        self.para(esc(self.t.paragraph(n)))

    def section(self, title, body, sid=None, **kw):
        pairs = [("title", title), ("id", sid)] + list(kw.items())
        self.x.open("section", *pairs)
        if sid:
            self.section_ids.append(sid)
        body()
        self.x.close("section")

    def write_funds(self, f, unit, caption, chart):
        x = self.x
        x.open("funds", ("id", f.id), ("unit", unit), ("caption", caption), ("chart", chart))

        def item(it):
            pairs = [("name", it.name), ("id", it.id), ("budget", it.budget), ("executed", it.executed),
                     ("initial", it.initial), ("balance", it.balance)]
            if it.children:
                x.open("item", *pairs)
                for c in it.children:
                    item(c)
                x.close("item")
            else:
                x.empty("item", *pairs)
        for it in f.children:
            item(it)
        if self.rng.random() < 0.6:
            x.empty("total", ("budget", plain(f.eb)), ("executed", plain(f.ee) if f.ee is not None else None))
        x.close("funds")

    def write_scoring(self, s, scale, landscape):
        x = self.x
        x.open("scoring", ("id", s.id), ("caption", self.vary("scap", ["绩效评价得分表", "绩效自评得分表", None])),
               ("grade-scale", scale), ("landscape", landscape))

        def ind(n):
            pairs = [("name", n.name), ("id", n.id),
                     ("weight", n.weight if (n.declare_weight or not n.children) else None),
                     ("score", n.score), ("note", n.note)]
            if n.children:
                x.open("indicator", *pairs)
                for c in n.children:
                    ind(c)
                x.close("indicator")
            else:
                x.empty("indicator", *pairs)
        for c in s.children:
            ind(c)
        total = s.eff_score()
        if self.rng.random() < 0.7:
            x.empty("total", ("weight", "100" if self.rng.random() < 0.4 else None), ("score", plain(total)),
                    ("grade", grade_of(total, scale)))
        x.close("scoring")
        return total

    def write_form(self, fid, landscape):
        r, x, p = self.rng, self.x, self.t
        pts = D(10)
        annual = D(num(r, 50, 3000, r.choice([0, 1, 2])))
        ex = annual if r.random() < 0.3 else (annual * D(r.randint(800, 1000)) / 1000).quantize(D("0.01"))
        x.open("self-eval-form", ("id", fid), ("project", self.project[0] + "项目"),
               ("department", self.county[3] + "民政局"), ("unit", self.county[3] + self.vary("unit", ["民政局", "社会救助服务中心", "民政事务中心"])),
               ("budget-points", "10"), ("caption", self.vary("fcap", [None, "项目支出绩效自评表"])),
               ("landscape", landscape), ("grade-scale", self.vary("fscale", [None, "standard", "standard-long"])))
        srcs = []
        if r.random() < 0.7:
            a1 = (annual * D(r.randint(50, 100)) / 100).quantize(D("0.01"))
            e1 = min(a1, ex)
            srcs = [("本年财政拨款", a1, a1, e1), ("上年结转资金", annual - a1, annual - a1, ex - e1)]
            if r.random() < 0.5:
                srcs.append(("其他资金", D(0), D(0), D(0)))
        x.open("budget", ("initial", plain(annual)), ("annual", plain(annual)), ("executed", plain(ex)))
        for name, i, a, e in srcs:
            x.empty("source", ("name", name), ("initial", plain(i)), ("annual", plain(a)), ("executed", plain(e)))
        x.close("budget")
        x.empty("goal", ("planned", p.clause() + "。"), ("achieved", p.clause() + "。"))
        rows = [("产出指标", "数量指标", 15), ("产出指标", "质量指标", 15), ("产出指标", "时效指标", 10),
                ("产出指标", "成本指标", 10), ("效益指标", "社会效益指标", 20), ("效益指标", "可持续影响指标", 10),
                ("满意度指标", "服务对象满意度指标", 10)]
        total = pts * min(ex / annual, D(1))
        for l1, l2, points in rows:
            lost = D(r.choice([0, 0, 0, 1, 2, 0.5]))
            sc = D(points) - lost
            total += sc
            n = r.randint(100, 5000)
            x.empty("indicator", ("level1", l1), ("level2", l2),
                    ("name", r.choice(["保障" + p.target() + "人数", "资金发放准确率", "按时发放率", "人均救助标准",
                                       "群众知晓率", "服务对象满意度", "培训基层工作人员"])),
                    ("target", r.choice(["≥%d人" % n, "≥95%", "100%", "≤%d万元" % (n // 10), "达成预期指标"])),
                    ("actual", r.choice(["%d人" % (n + r.randint(0, 300)), "98.6%", "100%", "达成"])),
                    ("points", str(points)), ("score", plain(sc)),
                    ("deviation", ("；".join([p.issue_text(), p.measure_text()]) + "。") if lost else None))
        if r.random() < 0.6:
            x.empty("total", ("score", plain(q2(total))))
        x.close("self-eval-form")
        return total

    def write_table(self, landscape=False):
        r, x, p = self.rng, self.x, self.t
        x.open("table", ("id", self.new_id("t")), ("landscape", "yes" if landscape else None),
               ("caption", None if r.random() < 0.5 else "主要绩效指标完成情况"))
        if landscape:
            x.text("caption", "%d年度各乡镇（街道）资金分配及使用明细表" % self.year)
            towns = r.sample(gentext.TOWNS, r.randint(6, 12))
            x.open("thead")
            x.line("<tr><th rowspan=\"2\">乡镇（街道）</th><th colspan=\"3\">资金（万元）</th><th colspan=\"3\">保障对象</th>"
                   "<th rowspan=\"2\">执行率</th><th rowspan=\"2\">负责人</th><th rowspan=\"2\">备注</th></tr>")
            x.line("<tr><th>预算数</th><th>执行数</th><th>结余</th><th>户数</th><th>人数</th><th>人次</th></tr>")
            x.close("thead")
            x.open("tbody")
            for t in towns:
                b = D(num(r, 10, 900, 2))
                e = (b * D(r.randint(850, 1000)) / 1000).quantize(D("0.01"))
                h = r.randint(20, 900)
                x.line("<tr><td>%s</td><td align=\"right\">%s</td><td align=\"right\">%s</td><td align=\"right\">%s</td>"
                       "<td align=\"right\">%d</td><td align=\"right\">%d</td><td align=\"right\">%d</td>"
                       "<td align=\"right\">%s%%</td><td>%s</td><td>%s</td></tr>" % (
                           t, plain(b), plain(e), plain(b - e), h, h * 2 + r.randint(0, 40), h * 12,
                           plain(q2(e / b * 100)), person(r), r.choice(["", "已全部拨付", "含上年结转", "—"])))
            x.close("tbody")
        else:
            if r.random() < 0.5:
                x.empty("col", ("width", "24%"))
                x.empty("col", ("width", r.choice(["30mm", "20%", "80pt"])))
                x.empty("col")
                x.empty("col")
            x.open("thead")
            x.line("<tr><th rowspan=\"2\">指标类别</th><th rowspan=\"2\">指标名称</th><th colspan=\"2\">完成情况</th></tr>")
            x.line("<tr><th>年度目标</th><th align=\"right\">实际完成</th></tr>")
            x.close("thead")
            x.open("tbody")
            for cat in r.sample(["数量指标", "质量指标", "时效指标", "成本指标", "效益指标"], r.randint(2, 4)):
                k = r.randint(1, 3)
                for j in range(k):
                    n = r.randint(100, 9000)
                    first = "<td rowspan=\"%d\">%s</td>" % (k, cat) if j == 0 and k > 1 else ("<td>%s</td>" % cat if k == 1 else "")
                    name = r.choice(["保障%s" % p.target(), "新增床位", "改造面积", "发放及时率", "培训人次"])
                    done = r.choice(["%d人" % n, "%d m<sup>2</sup>" % n, "100%", "%d张<br/>（含护理型%d张）" % (n, n // 3)])
                    x.line("<tr>%s<td>%s</td><td>%s</td><td align=\"right\">%s</td></tr>" % (
                        first, esc(name), r.choice(["≥%d" % (n - 50), "按时完成", "≤0.5‰"]), done))
            x.line("<tr><td colspan=\"2\" align=\"center\"><b>说明</b></td><td colspan=\"2\">CO<sub>2</sub>减排等生态效益指标本年度不适用。</td></tr>")
            x.close("tbody")
        x.close("table")


class ReportWriter(Report):
    """The report's structure, block by block."""

    def build(self):
        r, x = self.rng, self.x
        c = self.county
        self.funds = self.make_funds("main")
        self.scoring = self.make_scoring("self")
        kind_title = {"eval": "绩效评价报告", "self": "绩效自评报告", "lottery": "使用情况公开"}[self.kind]
        if self.kind == "lottery":
            title = "%s民政局%d年福利彩票公益金%s" % (c[3], self.year, kind_title)
        else:
            title = "%s%d年度%s资金%s" % (c[3], self.year, self.project[0], kind_title)
        if self.vary("longtitle", [0, 0, 1]) and self.kind != "lottery":
            title = "关于%s%s%d年度%s专项资金（含中央、省级补助资金）项目支出%s" % (c[2], c[3], self.year, self.project[0], kind_title)
        x.line('<?xml version="1.0" encoding="UTF-8"?>')
        x.open("report", ("layout", self.vary("layout", [None, "official", None, "compact"])),
               ("version", self.vary("version", [None, "1"])))
        x.open("meta")
        x.text("title", esc(title))
        if r.random() < 0.6:
            x.text("subtitle", "（%d年度）" % self.year)
        x.text("issuer", esc(c[3] + "民政局"))
        x.text("year", str(self.year))
        if self.vary("date", [1, 1, 0]):
            x.text("date", "%d-%02d-%02d" % (self.year + 1, r.randint(1, 6), r.randint(1, 28)))
        x.text("region", esc(c[0] + c[3]))
        x.text("field", esc(c[3] + "民政局"), ("label", "主管部门"))
        x.text("field", esc("、".join(person(r) for _ in range(r.randint(1, 2)))), ("label", "填报人"))
        x.text("field", self.t.phone(), ("label", "联系电话"))
        if r.random() < 0.3:
            x.text("field", value("self.score") + "分", ("label", "自评得分"))
        x.close("meta")
        x.open("body")
        toc = self.vary("toc", [("toc",), ("toc", "depth"), None, ("toc", "title")])
        if toc:
            x.empty("toc", ("depth", "2" if "depth" in toc else None), ("title", "目  录" if "title" in toc else None))
        self.para(esc("为进一步规范%s资金管理，提高资金使用效益，根据%s和%s（%s）等文件精神，"
                   "我局组织开展了%d年度%s资金绩效评价工作，现将有关情况报告如下：" % (
                       self.project[0], gentext.LAWS[0], self.t.law(), self.t.docno(), self.year, self.project[0])))
        self.body_sections()
        x.close("body")
        x.close("report")
        return x.lines

    def body_sections(self):
        x = self.x
        self.section("基本情况", self.basic, sid="basic")
        if self.vary("pb", [0, 1, 0]):
            x.empty("pagebreak")
        self.section(self.vary("antitle", ["绩效指标分析", "绩效目标实现情况分析"]), self.analysis, sid="analysis")
        self.section("综合评价结论", self.conclusion, sid="conclusion")
        self.section("主要绩效", self.achievements)
        if self.vary("im", [0, 1]):
            self.section("存在问题", self.write_issues, sid="problems")
            self.section(self.vary("mtitle", ["改进措施", "相关建议", "下一步改进措施"]), self.write_measures)
        else:
            def both():
                self.write_issues()
                self.write_measures()
                x.empty("issues-and-measures", ("caption", self.vary("imc", [None, "存在问题及改进措施对照表"])))
            self.section("存在问题和改进措施", both, sid="problems")
        for frag in self.vary("inc", [["policy"], [], ["policy", "method"], ["method"]]):
            x.line('<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="common/%s"/>' % self.common[frag])
        self.section("其他需要说明的问题", self.other, number=self.vary("nonum", [None, "none"]))
        if self.vary("sig", [1, 1, 0]):
            x.empty("signature", ("text", self.vary("sigtext", [None, "特此报告。", "特此公告。"])))
        self.appendices()

    def basic(self):
        r, x, p = self.rng, self.x, self.t
        f = self.funds

        def overview():
            self.prose()
            if self.kind == "lottery" or r.random() < 0.5:
                x.open("fields")
                x.text("field", esc(self.project[0] + "项目"), ("label", "项目名称"))
                x.text("field", esc(p.clause() + "。"), ("label", "项目主要内容"))
                x.text("field", "%d年1月—%d年12月" % (self.year, self.year), ("label", "项目周期"))
                x.text("field", value("main.budget") + "万元", ("label", "资金额度"))
                x.text("field", "%s，%s，%s" % (person(r), p.phone(), esc(p.email())), ("label", "项目负责人及联系方式"))
                x.text("field", esc(p.paragraph(2)), ("label", "项目完成情况及实际效果"), wrap=True)
                x.close("fields")

        def money():
            refs = [value("main.budget")]
            text = "%d年%s资金共%s万元" % (self.year, esc(self.project[0]), refs[0])
            kids = [c for c in f.children if c.eb is not None and c.eb > 0]
            if kids:
                k = kids[0]
                text += "，其中%s%s万元" % (esc(k.name), value(k.id + ".budget", self.vary("fmt2", [None, "2"])))
            if f.ee is not None:
                text += "。截至%s共支出%s万元，支出率为%s" % (p.date(self.year + 1), value("main.executed"),
                                                    value("main.rate", self.vary("pct", [None, "percent"])))
                text += "，结余%s万元" % value("main.balance")
            text += "。另安排上年结转资金%s。" % amount(num(r, 1, 900, 2), "万元")
            self.para(text)
            unit = "万元"
            self.write_funds(f, unit, "%d年%s资金安排及支出情况" % (self.year, self.project[0]),
                             self.vary("chart", ["bar", None, "none", "bar"]))
            self.prose()

        def content():
            style = self.vary("lstyle", ["yishi", "numbered", "bullet"])
            x.open("list", ("style", style))
            for k in range(r.randint(1, 5)):
                t = p.clause()
                if style == "yishi" and r.random() < 0.3:
                    t += r.choice(["。", "；", "！"])
                elif style != "yishi":
                    t += "。"
                x.text("li", esc(t))
            x.close("list")
            if r.random() < 0.5:
                self.prose(2)

        self.section("项目概况", overview, sid="overview")
        self.section("项目资金安排情况", money, sid="money")
        self.section("项目实施主要内容", content)

    def analysis(self):
        r = self.rng
        target = self.opts.sections or r.randint(6, 14)
        groups = []
        while sum(1 + len(g[1]) for g in groups) < target:
            groups.append(gentext.ANALYSIS_L2[len(groups) % len(gentext.ANALYSIS_L2)])
        per = self.per or 1
        for gi, (g, subs) in enumerate(groups):
            def group(subs=subs, gi=gi):
                for si, s in enumerate(subs):
                    def leaf(si=si, s=s):
                        for k in range(per):
                            self.para(esc((self.t.topic(s) if k == 0 else "") + self.t.paragraph()), wrap=self.rng.random() < 0.3)
                        if si == 0 and gi % 3 == 1:  # a fourth level
                            for t in r.sample(gentext.L4_TITLES, 2):
                                self.section(t, lambda: self.prose(2), runin=self.vary("run4", [None, "yes"]))
                    self.section(s, leaf, runin="yes" if (gi + si) % 4 == 3 else None)
                if gi == 2 and not self.opts.pages:
                    self.write_table()
            self.section(g, group, sid="an%d" % gi, runin=None)

    def conclusion(self):
        scale = self.vary("scale", ["standard", "standard-long", None])
        total = self.scoring.eff_score()
        text = "综上所述，%d年%s项目绩效评价得分%s分（满分%s分），评价等级为“%s”。" % (
            self.year, esc(self.project[0]), value("self.score"), value("self.weight", self.vary("wfmt", [None, "2"])),
            value("self.grade"))
        top = self.scoring.children[0]
        text += "其中%s类指标权重%s分" % (esc(top.name), value(top.id + ".weight", "chinese"))
        sc = top.eff_score()
        if sc is not None and sc == sc.to_integral_value() and sc < 100:
            text += "，得分%s分" % value(top.id + ".score", "chinese")
        text += "。"
        self.para(text)
        self.write_scoring(self.scoring, scale, self.vary("sland", [None, "yes", None, "no"]))
        self.total_score = total

    def achievements(self):
        r, x, p = self.rng, self.x, self.t
        x.open("list", ("style", "numbered"))
        for k in range(r.randint(2, 6)):
            lead = "<b>%s项目%s。</b>" % (esc(r.choice(["支付核对系统升级", "举办业务培训班", "开展政策宣传", "购买社会工作服务",
                                                   "印刷《低保边缘家庭证》"])), amount(num(r, 2, 400, r.choice([0, 2, 4])), "万元"))
            x.text("li", lead + esc(p.paragraph(r.randint(1, 3))), wrap=r.random() < 0.4)
        x.close("list")

    def write_issues(self):
        r, x, p = self.rng, self.x, self.t
        n = r.randint(1, 4)
        self.issues = []
        x.open("issues", ("style", self.vary("istyle", ["yishi", None, "numbered"])))
        for k in range(n):
            iid = "p%d" % (k + 1)
            self.issues.append(iid)
            x.text("issue", esc(p.issue_text() + "。"), ("id", iid),
                   ("title", r.choice(gentext.ISSUE_TITLES) if r.random() < 0.5 else None))
        x.close("issues")

    def write_measures(self):
        r, x, p = self.rng, self.x, self.t
        x.open("measures", ("style", self.vary("mstyle", [None, "yishi", "numbered"])))
        fors = list(self.issues) + r.sample(self.issues, min(len(self.issues), r.randint(0, 2)))
        for iid in fors:
            x.text("measure", (("<u>%s</u>" % esc("立行立改")) if r.random() < 0.1 else "") + esc(p.measure_text() + "。"),
                   ("for", iid), ("title", r.choice(gentext.MEASURE_TITLES) if r.random() < 0.5 else None))
        x.close("measures")

    def other(self):
        text = "本报告所列资金数据详见%s，评价结论见%s%s。联系人：%s，电话：%s，邮箱：%s。" % (
            ref("money"), ref("conclusion"), "（" + ref("conclusion", page=True) + "）" if self.vary("rp", [1, 0]) else "",
            person(self.rng), self.t.phone(), esc(self.t.email()))
        self.para(text)
        self.para(esc("公开网址：%s" % self.t.url()))

    def appendices(self):
        x = self.x
        if self.kind == "self" or self.vary("form", [1, 0, 0]):
            x.open("appendix", ("title", "%d年度项目支出绩效自评表" % self.year), ("id", "appform"))
            self.write_form("form", self.vary("fland", [None, "yes"]))
            x.close("appendix")
        elif self.kind != "lottery":
            x.open("appendix", ("title", "项目支出绩效自评表"))
            self.write_form("form", None)
            x.close("appendix")
        if self.vary("app2", [1, 0]):
            x.open("appendix", ("title", "资金分配明细表"))
            self.write_table(landscape=True)
            x.close("appendix")
        if self.opts.diverse:
            x.open("appendix", ("title", "%s%d年度受助对象花名册（摘录）" % (self.county[3], self.year)))
            self.register()
            x.close("appendix")

    def register(self):
        """A beneficiary register whose names and villages bring the report to ~2,000 distinct characters."""
        r, x = self.rng, self.x
        pool = list(gentext.gb2312_level1())
        r.shuffle(pool)
        seen = set("".join(self.x.lines))
        x.open("table", ("caption", "受助对象花名册"))
        x.line("<thead><tr><th>序号</th><th>姓名</th><th>乡镇（街道）</th><th>村（社区）</th><th>救助类别</th>"
               "<th align=\"right\">金额（元）</th></tr></thead>")
        x.open("tbody")
        k = 0
        while len([c for c in seen if is_cjk(c)]) < 2000 and pool:
            k += 1
            name = r.choice(gentext.SURNAMES) + "".join(pool.pop() for _ in range(min(2, len(pool))))
            village = "".join(pool.pop() for _ in range(min(2, len(pool)))) + r.choice(["村", "社区", "居委会"])
            row = "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td align=\"right\">%s</td></tr>" % (
                k, name, r.choice(gentext.TOWNS), village, r.choice(["低保", "特困", "临时救助", "孤儿"]), num(r, 300, 9000, 2))
            seen.update(row)
            x.line(row)
        x.close("tbody")
        x.close("table")


COMMON = {
    "policy": ("policy-basis.xml", """<?xml version="1.0" encoding="UTF-8"?>
<!-- Shared by every county's report through XInclude. -->
<section title="评价依据（各县通用）">
  <p>本次评价依据《中华人民共和国预算法》《项目支出绩效评价管理办法》（财预〔2020〕10号）、《关于全面实施预算绩效管理的意见》（中发〔2018〕34号）以及省财政厅《关于开展2022年度省级财政资金绩效自评工作的通知》等文件开展。</p>
  <list style="bullet">
    <li>《彩票公益金管理办法》（财综〔2021〕18号）；</li>
    <li>《民政部彩票公益金使用管理信息公开办法》（民发〔2017〕61号）。</li>
  </list>
</section>
"""),
    "method": ("method.xml", """<?xml version="1.0" encoding="UTF-8"?>
<section title="评价方法和评分标准">
  <p>评价采用比较法、因素分析法、公众评判法等方法，总分100分，结果分为优（≥90分）、良（80～89分）、中（60～79分）、差（&lt;60分）四个等级。</p>
  <table caption="评价等级划分">
    <thead><tr><th>等级</th><th>分数区间</th><th>说明</th></tr></thead>
    <tbody>
      <tr><td>优</td><td align="center">90～100</td><td rowspan="2">达到或基本达到预期目标</td></tr>
      <tr><td>良</td><td align="center">80～89</td></tr>
      <tr><td>中</td><td align="center">60～79</td><td>部分达到预期目标</td></tr>
      <tr><td>差</td><td align="center">0～59</td><td>未达到预期目标</td></tr>
    </tbody>
  </table>
</section>
"""),
}


# ---------------------------------------------------------------------- mistakes
# Each mistake edits one line of a valid report the way a person editing the XML
# would, and returns (severity, code) of the diagnostic `evalpdf check` must give
# at that line, or None when the report has no line it applies to.

def _sub_first(lines, pattern, repl, rng, where=None):
    """Apply REPL to one line (chosen by RNG) matching PATTERN; its 1-based number, or None."""
    hits = [i for i, l in enumerate(lines) if re.search(pattern, l) and (where is None or where(lines, i))]
    if not hits:
        return None
    i = rng.choice(hits)
    lines[i] = re.sub(pattern, repl, lines[i], count=1)
    return i + 1


def _in(tag):
    """A WHERE filter: the line stands inside <TAG>…</TAG>."""
    def f(lines, i):
        for l in reversed(lines[:i]):
            if re.search(r"</%s>" % tag, l):
                return False
            if re.search(r"<%s[ >]" % tag, l):
                return True
        return False
    return f


def m_score_over_weight(lines, rng):
    def bump(m):
        return '<indicator %sweight="%s" score="%s"' % (m.group(1), m.group(2), plain(D(m.group(2)) + D(rng.choice(["0.5", "1", "2", "10"]))))
    return _sub_first(lines, r'<indicator (.*?)weight="([0-9.]+)" score="[0-9.]+"', bump, rng, _in("scoring")), \
        "error", "score-exceeds-weight"


def m_score_over_points(lines, rng):
    def bump(m):
        return 'points="%s" score="%s"' % (m.group(1), plain(D(m.group(1)) + 5))
    return _sub_first(lines, r'points="([0-9.]+)" score="[0-9.]+"', bump, rng), "error", "score-exceeds-points"


def m_unknown_value_id(lines, rng):
    typo = {"main": "mian", "self": "slef", "form": "from"}
    return _sub_first(lines, r'<value of="(main|self)\.', lambda m: '<value of="%s.' % typo[m.group(1)], rng), \
        "error", "unknown-value-id"


def m_unknown_value_property(lines, rng):
    return _sub_first(lines, r'<value of="self\.score"', '<value of="self.total"', rng), "error", "unknown-value-property"


def m_malformed_amount(lines, rng):
    forms = [lambda v: v + "万元",                                   # the unit typed into the figure
             lambda v: format(D(v) + 1000, ","),                     # a thousands separator
             lambda v: "约" + v,                                     # an approximation
             lambda v: v.replace(".", "．") if "." in v else v + "．"]  # a full-width decimal point
    f = rng.choice(forms)
    return _sub_first(lines, r'<item (.*?)budget="([0-9.]+)"', lambda m: '<item %sbudget="%s"' % (m.group(1), f(m.group(2))), rng,
                      lambda ls, i: "<item" in ls[i] and "/>" in ls[i]), "error", "bad-number"


def m_total_mismatch(lines, rng):
    return _sub_first(lines, r'<total budget="([0-9.\-]+)"', lambda m: '<total budget="%s"' % plain(D(m.group(1)) + D("0.01") * rng.randint(1, 900)),
                      rng, _in("funds")), "warning", "funds-total-mismatch"


def m_unknown_issue(lines, rng):
    return _sub_first(lines, r'for="p(\d)"', lambda m: 'for="p%d"' % (int(m.group(1)) + 7), rng), "error", "unknown-issue"


def m_bad_date(lines, rng):
    def bad(m):
        y, mo, d = m.groups()
        return rng.choice(["<date>%s-%d-%d</date>" % (y, int(mo), int(d)), "<date>%s-02-30</date>" % y,
                           "<date>%s/%s/%s</date>" % (y, mo, d)])
    return _sub_first(lines, r"<date>(\d{4})-(\d\d)-(\d\d)</date>", bad, rng), "error", "bad-date"


def m_unknown_ref(lines, rng):
    return _sub_first(lines, r'<ref to="(money|conclusion)"', lambda m: '<ref to="%s"' % m.group(1)[::-1], rng), "error", "unknown-ref"


def m_grade_mismatch(lines, rng):
    other = {"优": "良", "良": "优", "中": "良", "差": "中", "优秀": "优", "良好": "优秀", "中等": "良好"}
    return _sub_first(lines, r'grade="([^"]+)"', lambda m: 'grade="%s"' % other[m.group(1)], rng, _in("scoring")), \
        "warning", "grade-mismatch"


MISTAKES = [m_score_over_weight, m_score_over_points, m_unknown_value_id, m_unknown_value_property, m_malformed_amount,
            m_total_mismatch, m_unknown_issue, m_bad_date, m_unknown_ref, m_grade_mismatch]


# Mistakes that change what another one is checked against (a score above its weight
# moves the computed grade a wrong declared grade is compared with) are not combined.
CLASHES = {(m_score_over_weight, m_grade_mismatch), (m_grade_mismatch, m_score_over_weight)}


def spoil(lines, rng):
    """Put one to three mistakes into LINES (at different lines); the expectations."""
    expect = []
    done = []
    for m in rng.sample(MISTAKES, len(MISTAKES)):
        if len(expect) >= rng.randint(1, 3):
            break
        if any((m, d) in CLASHES for d in done):
            continue
        before = list(lines)
        line, sev, code = m(lines, rng)
        if line is None or any(e[0] == line for e in expect):
            lines[:] = before
            continue
        expect.append((line, sev, code))
        done.append(m)
    return sorted(expect)


# ---------------------------------------------------------------------- coverage
# What the corpus must use: every block and inline of the spec, and their options.
COVERAGE = [
    ("section runin", r'<section [^>]*runin="yes"'), ("section number=none", r'number="none"'),
    ("p", r"<p>"), ("list yishi", r'<list style="yishi"'), ("list numbered", r'<list style="numbered"'),
    ("list bullet", r'<list style="bullet"'), ("fields", r"<fields>"), ("table", r"<table"),
    ("table rowspan", r"rowspan="), ("table colspan", r"colspan="), ("table landscape", r'<table [^>]*landscape="yes"'),
    ("table col width", r'<col width='), ("table caption element", r"<caption>"), ("td align", r'align="right"'),
    ("funds", r"<funds"), ("funds nested items", r"<item [^/]*[^/]>\s*$"), ("funds total", r"<total budget="),
    ("funds chart bar", r'chart="bar"'), ("funds initial", r"initial="), ("funds balance", r"balance="),
    ("funds negative", r'budget="-'), ("funds missing executed", r'<item name="[^"]*" id="[^"]*" budget="[^"]*"/>'),
    ("scoring", r"<scoring"), ("scoring 4 levels", r"(?s)<indicator[^/]*>\s*<indicator[^/]*>\s*<indicator[^/]*>\s*<indicator"),
    ("scoring standard-long", r'grade-scale="standard-long"'), ("scoring landscape", r'<scoring [^>]*landscape="yes"'),
    ("scoring note", r"note="), ("scoring total grade", r'<total [^>]*grade='), ("self-eval-form", r"<self-eval-form"),
    ("form landscape", r'<self-eval-form [^>]*landscape="yes"'), ("form source", r"<source "), ("form deviation", r"deviation="),
    ("issues", r"<issues"), ("issues yishi", r'<issues style="yishi"'), ("measures", r"<measures"),
    ("issue title", r'<issue [^>]*title='), ("measure title", r'<measure [^>]*title='),
    ("issues-and-measures", r"<issues-and-measures"), ("toc", r"<toc"), ("toc depth", r'<toc depth='),
    ("signature", r"<signature"), ("signature text", r'<signature text='), ("pagebreak", r"<pagebreak"),
    ("appendix", r"<appendix"), ("value", r"<value of="), ("value format 2", r'format="2"'),
    ("value format percent", r'format="percent"'), ("value format chinese", r'format="chinese"'),
    ("amount", r"<amount "), ("ref", r"<ref to="), ("ref page", r'page="yes"'), ("b", r"<b>"), ("u", r"<u>"),
    ("sup", r"<sup>"), ("sub", r"<sub>"), ("br", r"<br/>"), ("xinclude", r"<xi:include"), ("meta subtitle", r"<subtitle>"),
    ("meta date", r"<date>"), ("meta field value", r'<field label="[^"]*"><value'), ("layout compact", r'layout="compact"'),
    ("source wrapped between CJK", r"[\u4e00-\u9fff]\n\s+[\u4e00-\u9fff]"), ("long title", r"<title>[^<]{36,}</title>"),
    ("document number", r"〔\d{4}〕\d+号"), ("URL", r"https?://"), ("e-mail", r"@[a-z0-9]+\.(com|gov\.cn)"),
    ("phone", r"\d{3,4}[-—]\d{7,8}"),
]
PUNCT = "，。、；：？！…—（）《》“”‘’【】〔〕「」『』·～％‰℃≥≤∶/-"


def coverage(folder):
    """Print what the corpus in FOLDER covers; 1 when something is missing."""
    text = ""
    for root, _, files in os.walk(folder):
        for f in sorted(files):
            if f.endswith(".xml"):
                text += open(os.path.join(root, f), encoding="utf-8").read() + "\n"
    missing = [name for name, pat in COVERAGE if not re.search(pat, text, re.M)]
    depth = deepest = 0
    for tag in re.findall(r"<(/?)section\b[^>]*?(/?)>", text):
        depth += -1 if tag[0] else (0 if tag[1] else 1)
        deepest = max(deepest, depth)
    if deepest < 4:
        missing.append("sections to four levels (deepest %d)" % deepest)
    missing += ["punctuation " + c for c in PUNCT if c not in text and not (c == "％" and "%" in text)]
    print("coverage: %d of %d constructs, %d distinct characters%s" % (
        len(COVERAGE) + len(PUNCT) + 1 - len(missing), len(COVERAGE) + len(PUNCT) + 1, len(set(text)),
        "; missing: " + ", ".join(missing) if missing else ""))
    return 1 if missing else 0


def text_length(lines):
    """Characters of text (tags and spaces left out) in LINES."""
    return len(re.sub(r"\s+", "", re.sub(r"<[^>]*>", "", "".join(lines))))


def sized(o, i, names):
    """Report I's lines; with --pages, as many paragraphs per analysis section as bring its
    text to about 440 characters a page (the official layout's measured rate with headings)."""
    def build(per):
        w = ReportWriter(o.seed, i, o, names)
        w.per = per
        return w.build()
    if not o.pages:
        return build(None)
    want = o.pages * 440
    one, five = text_length(build(1)), text_length(build(5))
    slope = max(1, (five - one) / 4)
    per = max(1, round(1 + (want - one) / slope))
    got = text_length(build(per))  # one correction from the measured point
    per = max(1, round(per + (want - got) / slope))
    return build(per)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--seed", default="1")
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--out")
    ap.add_argument("--bad", type=int, default=0)
    ap.add_argument("--pages", type=int, default=0)
    ap.add_argument("--sections", type=int, default=0)
    ap.add_argument("--diverse", action="store_true")
    ap.add_argument("--coverage", metavar="DIR")
    o = ap.parse_args()
    if o.coverage:
        return coverage(o.coverage)
    if not o.out:
        ap.error("--out DIR is required")
    if o.bad > o.count:
        ap.error("--bad %d is more than --count %d" % (o.bad, o.count))
    os.makedirs(os.path.join(o.out, "common"), exist_ok=True)
    names = {}
    for key, (fname, body) in COMMON.items():
        names[key] = fname
        with open(os.path.join(o.out, "common", fname), "w", encoding="utf-8") as f:
            f.write(body)
    pick = random.Random("bad-%s" % o.seed)
    bad = set(pick.sample(range(o.count), o.bad))
    for i in range(o.count):
        lines = "\n".join(sized(o, i, names)).split("\n")  # one entry per source line
        base = os.path.join(o.out, "county-%03d" % (i + 1))
        if os.path.exists(base + ".expect"):
            os.remove(base + ".expect")
        if i in bad:
            expect = spoil(lines, random.Random("spoil-%s-%d" % (o.seed, i)))
            with open(base + ".expect", "w", encoding="utf-8") as f:
                f.writelines("%d %s %s\n" % e for e in expect)
        with open(base + ".xml", "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
