// Check suite for src/linebreak.c: kinsoku, unbreakable tokens, punctuation
// compression, the CJK-Latin gap, 孤字, justification, fallbacks and scale.
//
// Synthetic advances: CJK (and every non-ASCII mark) 15.79 pt (the GB/T 9704
// grid pitch: 28 characters in 156 mm), ASCII letters/digits/punctuation 8 pt,
// spaces 4 pt, em 16 pt. The official measure is 442.2 pt (156 mm); the first
// line of a paragraph is 2 characters shorter (the 2-em indent).
#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linebreak.h"

#define PITCH 15.79
#define LATIN 8.0
#define SPACE 4.0
#define EM 16.0
#define MEASURE 442.2
#define FIRST (MEASURE - 2 * PITCH)
#define TOL 0.01

// Paragraphs of examples/guangdong-2022-jiuzhu.xml, verbatim, with the
// <value> elements replaced by what the report prints.
static const char *const report_paras[] = {
  "2022年省级困难群众救助补助—工作经费共1000万元，专项用于开展各项社会救助相关工作，其中拨付厅本部用于保障省本级未成年人保护工作业务开展100万元，拨付广东省民政厅事务中心（以下简称“厅事务中心”）用于保障省本级社会救助相关业务开展900万元。绩效目标是提高社会救助信息化管理水平，强化社会救助政策落实情况督办督查，提高基层社会救助工作人员政策熟悉度，提升省未成年人保护工作领导小组成员单位协调联动能力和业务水平，保障社会救助各项政策切实落地，增强全社会关心关注未成年人健康成长氛围。",
  "2022年省级困难群众救助补助—工作经费实施的主要内容，涉及三大方面：一是保障省本级救助申请家庭经济状况核对相关业务开展。用于社会救助信息化项目相关功能升级、运行维护、设备采购及第三方服务，具体包括：采购系统项目咨询设计、密码应用方案编制、密码应用方案评估、监理服务、采购代理费、安全测评、验收测评、安全等保测评及改造、国产密码测评及改造、运维服务、运营服务、项目国产化安可适配改造、“大救助”系统建设费用等，确保各类社会救助业务系统高质量运行。二是省级社会救助业务专项经费。用于日常对全省范围内的社会救助政策及资金配套落实情况开展督查；劳务派遣费用；开展部门协调，完善社会救助政策之间、社会救助制度与其他政策之间的衔接，健全部门间的系统数据对接；社会救助政策宣传；对全省所有市、县（市、区）、乡镇（街道）开展社会救助政策及核对系统操作培训；救助申请家庭经济状况核对系统使用情况、救助资金发放一致性检查工作、开展社会救助政策专题研究项目等。三是保障省本级未成年人保护工作业务开展。省本级购买服务组织修订《广东省未成年人保护条例》各项准备工作；编印《儿童福利和未成年人保护政策汇编》等；开展未成年人保护宣传，拍摄、投放未成年人保护法制宣传片。",
  "根据省政府《转发国务院关于进一步加强和改进最低生活保障工作意见的通知》（粤府〔2013〕142号）中关于“将最低生活保障工作经费足额列入年度预算，确保当地低保核查工作的实际需要；省、市财政对经济欠发达地区最低生活保障工作经费给予适当补助”的要求，经省领导同意，从2013年起设立最低生活保障工作经费。",
  "2022年2月18日，省民政厅办公室印发《关于批复2022年省级部门预算的通知》（粤民办函〔2022〕17号），将2022年省级困难群众救助补助-工作经费900万元批复厅事务中心。",
  "2022年省级困难群众救助补助-工作经费下达数1000万元，截至2023年3月31日共支出987.91万元，支出率为98.79%，其中厅本部用于保障省本级未成年人保护工作开展100万元支出87.91万元，支出率为87.91%；厅事务中心900万元已全部支出完毕，支出率为100%。",
  "根据省领导在《关于落实全省最低生活保障工作经费有关问题的请示》上的批示（粤财社[2013]49号），同意自2013年起设立“最低生活保障工作经费”，每年按照上年本级财政安排的低保资金支出的3%比例测算本级低保工作经费控制数，并按照“以事定费”的原则据实核定本级低保工作经费。2022年省级困难群众救助补助资金-工作经费为1000万元，仅占2021年省级困难群众救助补助资金支出总量的0.1%。",
  "在项目实施方面，严格按照《广东省民政厅政府采购管理实施办法》，凡是达到政府采购限额标准的，一律按照政府采购有关要求开展采购。省民政厅政务信息运营服务项目（低保系统、核对系统部分）采用竞争性磋商招标采购；省民政厅2022年数字电路租赁、政务信息化运营及安全服务项目（包组2—系统业务运营服务低保系统、核对系统部分）项目采用公开招标；省底线民生信息化核对管理系统升级改造（2023年）采用统采分签招标采购）。未达到政府采购限额标准的，经请示厅领导同意，按照“货比三家”的原则，经综合比较选定项目承担方。另外，所有项目均按规定做好请示、合同签订、报账、验收等手续，确保实施程序合法合规。",
  "截至2022年底，全省1606个乡镇（街道）均设立社会救助服务窗口并配备工作人员，各项核对和救助流程及手续符合《广东省社会救助条例》《广东省最低生活保障制度实施办法》《广东省最低生活保障家庭经济状况核对和生活状况评估认定办法》等文件要求，救助准确率高于90%。",
  "一是加强保障对象动态管理。采取救助申请家庭经济状况核对前置工作模式，申请低保、特困等社会救助前必须先经过信息化核对，对于有预警的必须提供有效佐证材料，并经由县区审核后才能办理后续救助流程。申请人纳入救助后，每半年至少进行一次信息化复核。二是建立近亲属备案制度。严格执行民政干部和村（居）民委员会成员近亲属享受低保备案制度，坚决维护低保政策的严肃性。没有发现存在“人情保”“关系保”“政策保”等现象。三是完善跨部门、跨层级、跨地域、跨系统的多跨协同管理机制，改造升级省底线民生信息化核对管理系统，对接12个省直部门、28家商业银行以及证券、保险等信息，联网查询家庭经济状况信息。通过线上核对和线下入户核查相结合、存量核对和增量核对相结合的方式，不断提高对象认定准确率。",
  "2022年全省共核对1478397户次、3561108人次",
  "开发社会救助系统手机APP入户调查小程序，指导乡镇（街道）、驻村干部、社工组织等力量，开展社会救助对象和易返贫致贫对象全面摸排，全省累计核查困难群众81.6万户",
  "该项目通过询价方式完成项目采购。为强化公众对未成年人保护政策的认识度，进一步宣传贯彻2021年6月正式施行的《中华人民共和国未成年人保护法》，普及未成年人关爱保护法律常识，广泛凝聚社会各界依法保护未成年人合法权益的社会共识，于2022年11月28日至2022年12月25日期间，在广州地铁现行运营的所有线路（含站厅、站台及车厢）的电视终端开展未成年人保护普法宣传，投放“未成年人保护”政策系列主题宣传海报。在广州地铁1-9号线、13号线、14号线、18号线、21号线及APM线273个站点的站厅、站台及530台列车共27965台视频终端同步投放，共播放1792次。",
  "根据广东省“数字政府”改革，所有信息化项目都要在每年4月底前报送省政务服务数据管理局进行审批，前期须完成方案编制、专家评审、密码管理局评审、省民政厅专题会（厅务会、党组会）研究讨论等多个流程环节，且省政数局基本每年四季度末才能完成立项批复，每个环节都有可能出现延误，影响年底资金完成成绩绩效。",
  "综上所述，2022年困难群众社会救助-工作经费项目绩效自评得分93分，自评等级优。",
};
#define N_REPORT (sizeof report_paras / sizeof report_paras[0])

// Tokens that must never be split, wherever they occur in report_paras.
static const char *const tokens[] = {"98.79%", "87.91%", "987.91", "1478397", "3561108", "100%",
                                     "0.1%", "81.6", "APP", "APM", "27965", "——", "……"};

// 'utf8_decode()' - Decode NUL-terminated UTF-8 S into CP (room for CAP);
// returns the count (invalid bytes become U+FFFD).
static size_t utf8_decode(const char *s, uint32_t *cp, size_t cap)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t n = 0;
  while (*p && n < cap) {
    uint32_t c = *p;
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0) {
      cp[n++] = 0xFFFD;
      p++;
      continue;
    }
    c = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    int k;
    for (k = 1; k < len; k++) {
      if ((p[k] & 0xC0) != 0x80)
        break;
      c = (c << 6) | (p[k] & 0x3F);
    }
    if (k < len) {
      cp[n++] = 0xFFFD;
      p++;
      continue;
    }
    cp[n++] = c;
    p += len;
  }
  return n;
}

// 'advance_of()' - The synthetic advance of code point CP.
static double advance_of(uint32_t cp)
{
  if (cp == ' ')
    return SPACE;
  return cp < 0x80 ? LATIN : PITCH;
}

// 'make_atoms()' - Atoms for UTF-8 TEXT (malloc'ed, caller frees); *N gets the count.
static ep_lb_atom *make_atoms(const char *text, size_t *n)
{
  size_t cap = strlen(text) + 1;
  uint32_t *cp = malloc(cap * sizeof *cp);
  ep_lb_atom *a = calloc(cap, sizeof *a);
  ck_assert_ptr_nonnull(cp);
  ck_assert_ptr_nonnull(a);
  *n = utf8_decode(text, cp, cap);
  for (size_t i = 0; i < *n; i++) {
    a[i].cp = cp[i];
    a[i].advance = advance_of(cp[i]);
    a[i].em = EM;
  }
  free(cp);
  return a;
}

// 'repeat_text()' - TIMES copies of UTF-8 piece S (malloc'ed).
static char *repeat_text(const char *s, size_t times)
{
  size_t len = strlen(s);
  char *t = malloc(len * times + 1);
  ck_assert_ptr_nonnull(t);
  for (size_t i = 0; i < times; i++)
    memcpy(t + i * len, s, len);
  t[len * times] = 0;
  return t;
}

// 'concat3()' - A + B + C (malloc'ed).
static char *concat3(const char *a, const char *b, const char *c)
{
  size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
  char *t = malloc(la + lb + lc + 1);
  ck_assert_ptr_nonnull(t);
  memcpy(t, a, la);
  memcpy(t + la, b, lb);
  memcpy(t + la + lb, c, lc + 1);
  return t;
}

// 'han()' - N ideographs (cycling through a fixed string), malloc'ed UTF-8.
static char *han(size_t n)
{
  static const char pool[] = "社会救助信息化管理水平强化政策落实情况督办查提高基层工作人员熟悉度";
  uint32_t cp[64];
  size_t m = utf8_decode(pool, cp, 64);
  char *t = malloc(n * 3 + 1);
  ck_assert_ptr_nonnull(t);
  for (size_t i = 0; i < n; i++) {
    uint32_t c = cp[i % m];
    t[3 * i] = (char)(0xE0 | (c >> 12));
    t[3 * i + 1] = (char)(0x80 | ((c >> 6) & 0x3F));
    t[3 * i + 2] = (char)(0x80 | (c & 0x3F));
  }
  t[3 * n] = 0;
  return t;
}

// 'line_text()' - Atoms [S, E) of A as UTF-8 into BUF (for messages).
static const char *line_text(const ep_lb_atom *a, size_t s, size_t e, char *buf, size_t cap)
{
  size_t k = 0;
  for (size_t i = s; i < e && k + 5 < cap; i++) {
    uint32_t c = a[i].cp;
    if (c < 0x80) {
      buf[k++] = (char)c;
    } else if (c < 0x800) {
      buf[k++] = (char)(0xC0 | (c >> 6));
      buf[k++] = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      buf[k++] = (char)(0xE0 | (c >> 12));
      buf[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
      buf[k++] = (char)(0x80 | (c & 0x3F));
    } else {
      buf[k++] = (char)(0xF0 | (c >> 18));
      buf[k++] = (char)(0x80 | ((c >> 12) & 0x3F));
      buf[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
      buf[k++] = (char)(0x80 | (c & 0x3F));
    }
  }
  buf[k] = 0;
  return buf;
}

// 'is_punct()' - Punctuation as pdf-lines.py counts it (not a character).
static bool is_punct(uint32_t c)
{
  static const char marks[] = "、，。；：？！）》」』〕】”’…%（《「『〔【“‘—·,.;:?!()\"' ";
  uint32_t cp[64];
  size_t m = utf8_decode(marks, cp, 64);
  for (size_t i = 0; i < m; i++)
    if (cp[i] == c)
      return true;
  return false;
}

// 'chars_in()' - Characters in atoms [S, E), punctuation not counted.
static size_t chars_in(const ep_lb_atom *a, size_t s, size_t e)
{
  size_t k = 0;
  for (size_t i = s; i < e; i++)
    k += !is_punct(a[i].cp);
  return k;
}

// 'right_edge()' - x + full advance of the line's last atom (a trimmed end
// mark counted by its full advance).
static double right_edge(const ep_lb_atom *a, const ep_lb_result *r, const ep_lb_line *l)
{
  if (l->end == l->start)
    return 0;
  return r->x[l->end - 1] + a[l->end - 1].advance;
}

// 'check_paragraph()' - Assert every rule on result R of atoms A[N] set to
// FIRST_W / WIDTH: lines in order covering every non-space atom, kinsoku,
// exact right edges of justified lines, no 孤字 last line, no overfull line.
static void check_paragraph(const ep_lb_atom *a, size_t n, const ep_lb_result *r,
                            double first_w, double width)
{
  char buf[512];
  ck_assert_uint_eq(r->n, n);
  ck_assert_uint_ge(r->nlines, 1);
  size_t pos = 0;
  for (size_t k = 0; k < r->nlines; k++) {
    const ep_lb_line *l = &r->lines[k];
    ck_assert_uint_le(pos, l->start);
    for (size_t i = pos; i < l->start; i++)
      ck_assert_msg(a[i].cp == ' ', "atom %zu not in any line", i);
    ck_assert_uint_le(l->start, l->end);
    pos = l->end;
    const char *t = line_text(a, l->start, l->end, buf, sizeof buf);
    ck_assert_msg(!l->overfull, "line %zu overfull: %s", k, t);
    ck_assert_msg(!l->relaxed, "line %zu relaxed: %s", k, t);
    ck_assert_double_eq_tol(l->measure, k == 0 ? first_w : width, 1e-9);
    if (l->end > l->start) {
      ck_assert_msg(k == 0 || !ep_lb_is_no_start(a[l->start].cp),
                    "line %zu starts with a closing mark: %s", k, t);
      ck_assert_msg(l->last || !ep_lb_is_no_end(a[l->end - 1].cp),
                    "line %zu ends with an opening mark: %s", k, t);
    }
    if (!l->last && !l->forced && !l->ragged) {
      ck_assert_msg(fabs(right_edge(a, r, l) - l->measure) <= TOL,
                    "line %zu right edge %.3f, measure %.3f: %s", k, right_edge(a, r, l),
                    l->measure, t);
      ck_assert_double_eq_tol(l->width_used, l->measure, TOL);
    } else {
      ck_assert_msg(right_edge(a, r, l) <= l->measure + TOL, "last line too wide: %s", t);
    }
    if (l->last && k > 0)
      ck_assert_msg(chars_in(a, l->start, l->end) >= 2, "孤字 last line: %s", t);
    for (size_t i = l->start + 1; i < l->end; i++) {
      // an opening mark may have lost its left blank: its origin then sits up to
      // half an advance left of where its cell begins
      double slack = ep_lb_is_no_end(a[i].cp) ? a[i].advance / 2 : 0;
      ck_assert_msg(r->x[i] >= r->x[i - 1] - slack - 1e-9, "x goes back at atom %zu: %s", i, t);
    }
  }
  ck_assert_uint_eq(r->lines[r->nlines - 1].end <= n, 1);
  ck_assert(r->lines[r->nlines - 1].last);
  for (size_t i = pos; i < n; i++)
    ck_assert_msg(a[i].cp == ' ', "trailing atom %zu not in any line", i);
}

// 'line_of()' - Index of the line holding atom I, or SIZE_MAX.
static size_t line_of(const ep_lb_result *r, size_t i)
{
  for (size_t k = 0; k < r->nlines; k++)
    if (i >= r->lines[k].start && i < r->lines[k].end)
      return k;
  return SIZE_MAX;
}

// 'check_tokens()' - Assert no token of TOKS (UTF-8) found in A is split.
static void check_tokens(const ep_lb_atom *a, size_t n, const ep_lb_result *r,
                         const char *const *toks, size_t ntoks)
{
  for (size_t t = 0; t < ntoks; t++) {
    uint32_t cp[32];
    size_t m = utf8_decode(toks[t], cp, 32);
    for (size_t i = 0; i + m <= n; i++) {
      size_t j = 0;
      while (j < m && a[i + j].cp == cp[j])
        j++;
      if (j < m)
        continue;
      size_t l0 = line_of(r, i);
      ck_assert_msg(l0 != SIZE_MAX, "token %s at %zu in no line", toks[t], i);
      ck_assert_msg(line_of(r, i + m - 1) == l0, "token %s at %zu split", toks[t], i);
    }
  }
}

// 'run()' - ep_linebreak() on A[N] with FIRST_W / WIDTH; asserts success.
static void run(const ep_lb_atom *a, size_t n, double first_w, double width, ep_lb_result *r)
{
  ep_lb_params p;
  ep_lb_params_init(&p, width);
  p.first_width = first_w;
  ck_assert_int_eq(ep_linebreak(a, n, &p, r), 0);
}

// 'kinsoku_sets_match_the_checker' - The exported kinsoku classes hold every mark pdf-lines.py checks.
START_TEST(kinsoku_sets_match_the_checker)
{
  uint32_t cp[64];
  size_t m = utf8_decode("、，。；：？！）》」』〕】”’…%", cp, 64);
  for (size_t i = 0; i < m; i++) {
    ck_assert_msg(ep_lb_is_no_start(cp[i]), "U+%04X should not start a line", (unsigned)cp[i]);
    ck_assert(!ep_lb_is_no_end(cp[i]));
  }
  m = utf8_decode("（《「『〔【“‘", cp, 64);
  for (size_t i = 0; i < m; i++) {
    ck_assert_msg(ep_lb_is_no_end(cp[i]), "U+%04X should not end a line", (unsigned)cp[i]);
    ck_assert(!ep_lb_is_no_start(cp[i]));
  }
  ck_assert(!ep_lb_is_no_start(0x6C49) && !ep_lb_is_no_end(0x6C49)); // 汉
  ck_assert(!ep_lb_is_no_start('A') && !ep_lb_is_no_start('7'));
}
END_TEST

// 'grid_28_chars_per_line_fill_the_measure' - Pure CJK at pitch 15.79 in 442.2 pt: 28 per line, exact right edge, natural last line.
START_TEST(grid_28_chars_per_line_fill_the_measure)
{
  char *t = han(28 * 6 + 9);
  size_t n;
  ep_lb_atom *a = make_atoms(t, &n);
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  ck_assert_uint_eq(r.nlines, 7);
  ck_assert_int_eq(r.pass, 1);
  for (size_t k = 0; k < 6; k++) {
    ck_assert_uint_eq(r.lines[k].end - r.lines[k].start, 28);
    ck_assert_double_eq_tol(right_edge(a, &r, &r.lines[k]), MEASURE, TOL);
  }
  // the last line is set at its natural pitch, not justified
  const ep_lb_line *l = &r.lines[6];
  ck_assert_uint_eq(l->end - l->start, 9);
  for (size_t i = l->start; i < l->end; i++)
    ck_assert_double_eq_tol(r.x[i], (double)(i - l->start) * PITCH, 1e-9);
  ep_lb_result_free(&r);
  free(a);
  free(t);
}
END_TEST

// 'indented_first_line_holds_26' - first_width (after the 2-em indent) holds 26, later lines 28.
START_TEST(indented_first_line_holds_26)
{
  char *t = han(26 + 28 + 5);
  size_t n;
  ep_lb_atom *a = make_atoms(t, &n);
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  check_paragraph(a, n, &r, FIRST, MEASURE);
  ck_assert_uint_eq(r.nlines, 3);
  ck_assert_uint_eq(r.lines[0].end, 26);
  ck_assert_uint_eq(r.lines[1].end - r.lines[1].start, 28);
  ep_lb_result_free(&r);
  free(a);
  free(t);
}
END_TEST

// 'report_paragraphs_keep_every_rule' - Real report paragraphs at the official measure: every rule, no token split.
START_TEST(report_paragraphs_keep_every_rule)
{
  for (size_t p = 0; p < N_REPORT; p++) {
    for (int indent = 0; indent < 2; indent++) {
      size_t n;
      ep_lb_atom *a = make_atoms(report_paras[p], &n);
      ep_lb_result r;
      double fw = indent ? FIRST : MEASURE;
      run(a, n, fw, MEASURE, &r);
      ck_assert_msg(r.pass == 1, "paragraph %zu needed relaxing", p);
      check_paragraph(a, n, &r, fw, MEASURE);
      check_tokens(a, n, &r, tokens, sizeof tokens / sizeof tokens[0]);
      ep_lb_result_free(&r);
      free(a);
    }
  }
}
END_TEST

// 'report_paragraphs_in_narrow_cells' - The same paragraphs in table-cell measures (5 to 17 characters).
START_TEST(report_paragraphs_in_narrow_cells)
{
  // Table-cell measures: 5, 7, 11 and 17 characters.
  static const double widths[] = {5 * PITCH + 1, 7 * PITCH + 0.5, 11 * PITCH + 3, 17 * PITCH};
  for (size_t p = 0; p < N_REPORT; p++) {
    for (size_t k = 0; k < 4; k++) {
      size_t n;
      ep_lb_atom *a = make_atoms(report_paras[p], &n);
      ep_lb_result r;
      run(a, n, widths[k], widths[k], &r);
      check_paragraph(a, n, &r, widths[k], widths[k]);
      check_tokens(a, n, &r, tokens, sizeof tokens / sizeof tokens[0]);
      ep_lb_result_free(&r);
      free(a);
    }
  }
}
END_TEST

// 'closing_marks_never_start_a_line' - Each closing/pause mark placed around cell 29 never starts line 2.
START_TEST(closing_marks_never_start_a_line)
{
  static const char *const marks[] = {"，", "。", "、", "；", "：", "？", "！", "）", "》",
                                      "」", "』", "”", "’", "…", "%", "〕", "】"};
  for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
    for (size_t before = 26; before <= 30; before++) { // the mark lands around cell 29
      char *h1 = han(before), *h2 = han(40);
      char *t = concat3(h1, marks[m], h2);
      size_t n;
      ep_lb_atom *a = make_atoms(t, &n);
      ep_lb_result r;
      run(a, n, MEASURE, MEASURE, &r);
      check_paragraph(a, n, &r, MEASURE, MEASURE);
      ck_assert_int_eq(r.pass, 1);
      ep_lb_result_free(&r);
      free(a);
      free(t);
      free(h1);
      free(h2);
    }
  }
}
END_TEST

// 'opening_marks_never_end_a_line' - Each opening mark placed around cell 28 never ends line 1.
START_TEST(opening_marks_never_end_a_line)
{
  static const char *const marks[] = {"（", "《", "「", "『", "“", "‘", "〔", "【"};
  for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
    for (size_t before = 25; before <= 29; before++) { // the mark lands around cell 28
      char *h1 = han(before), *h2 = han(40);
      char *t = concat3(h1, marks[m], h2);
      size_t n;
      ep_lb_atom *a = make_atoms(t, &n);
      ep_lb_result r;
      run(a, n, MEASURE, MEASURE, &r);
      check_paragraph(a, n, &r, MEASURE, MEASURE);
      ep_lb_result_free(&r);
      free(a);
      free(t);
      free(h1);
      free(h2);
    }
  }
}
END_TEST

// 'numbers_latin_words_and_doubled_marks_never_split' - 98.79%, 1478397, ——, ……, Latin words, 2021—2022 at every offset near the edge stay whole (020—85950792 may break after its dash only).
START_TEST(numbers_latin_words_and_doubled_marks_never_split)
{
  static const char *const toks[] = {"98.79%", "1478397", "——", "……", "APP", "Hello", "0.1%",
                                     "2021—2022", "020—85950792", "1-9"};
  // a long number joined by a dash may break after the dash when nothing else fits
  static const char *const parts[] = {"020—", "85950792"};
  for (size_t t = 0; t < sizeof toks / sizeof toks[0]; t++) {
    for (size_t before = 16; before <= 30; before++) {
      char *h1 = han(before), *h2 = han(40);
      char *s = concat3(h1, toks[t], h2);
      size_t n;
      ep_lb_atom *a = make_atoms(s, &n);
      ep_lb_result r;
      run(a, n, MEASURE, MEASURE, &r);
      check_paragraph(a, n, &r, MEASURE, MEASURE);
      if (strcmp(toks[t], "020—85950792") == 0)
        check_tokens(a, n, &r, parts, 2);
      else
        check_tokens(a, n, &r, &toks[t], 1);
      ep_lb_result_free(&r);
      free(a);
      free(s);
      free(h1);
      free(h2);
    }
  }
}
END_TEST

// 'break_allowed_between_number_and_cjk' - A break may fall between a number and a CJK character.
START_TEST(break_allowed_between_number_and_cjk)
{
  // 26 ideographs + "2022年" + ...: "2022" does not fit on line 1 (26*15.79 + 4 + 32 >
  // 442.2 would need shrink), so the break falls between 年 and 2022 or after 2022.
  char *h1 = han(27), *h2 = han(30);
  char *s = concat3(h1, "2022年", h2);
  size_t n;
  ep_lb_atom *a = make_atoms(s, &n);
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  // a break sits right before or right after the number
  bool at_edge = false;
  for (size_t k = 0; k + 1 < r.nlines; k++)
    if (r.lines[k].end == 27 || r.lines[k].end == 31)
      at_edge = true;
  ck_assert(at_edge);
  ep_lb_result_free(&r);
  free(a);
  free(s);
  free(h1);
  free(h2);
}
END_TEST

// 'quarter_em_gap_between_cjk_and_digits' - 共2022年 and 共 2022 年: a ¼ em gap each side, identical positions.
START_TEST(quarter_em_gap_between_cjk_and_digits)
{
  size_t n1, n2;
  ep_lb_atom *a1 = make_atoms("共2022年", &n1);
  ep_lb_atom *a2 = make_atoms("共 2022 年", &n2);
  ep_lb_result r1, r2;
  run(a1, n1, MEASURE, MEASURE, &r1);
  run(a2, n2, MEASURE, MEASURE, &r2);
  ck_assert_uint_eq(r1.nlines, 1);
  ck_assert_uint_eq(r2.nlines, 1);
  // 共 | ¼ em | 2022 | ¼ em | 年
  ck_assert_double_eq_tol(r1.x[1] - (r1.x[0] + r1.w[0]), EM / 4, 1e-9);
  ck_assert_double_eq_tol(r1.x[5] - (r1.x[4] + r1.w[4]), EM / 4, 1e-9);
  ck_assert_double_eq_tol(r2.w[1], EM / 4, 1e-9); // the space became the ¼ em gap
  ck_assert_double_eq_tol(r2.w[6], EM / 4, 1e-9);
  static const size_t map[] = {0, 2, 3, 4, 5, 7}; // visible atoms of a2
  for (size_t i = 0; i < 6; i++)
    ck_assert_double_eq_tol(r1.x[i], r2.x[map[i]], 1e-9);
  ck_assert_double_eq_tol(r1.lines[0].width_used, r2.lines[0].width_used, 1e-9);
  // no gap inside the number, none next to full-width punctuation
  ck_assert_double_eq_tol(r1.x[2] - r1.x[1], LATIN, 1e-9);
  ep_lb_result_free(&r1);
  ep_lb_result_free(&r2);
  free(a1);
  free(a2);
}
END_TEST


// 'spaced_copy()' - TEXT with an ASCII space inserted at every boundary between
// an ideograph and an ASCII letter, digit or % (malloc'ed).
static char *spaced_copy(const char *text)
{
  size_t len = strlen(text);
  uint32_t *cp = malloc((len + 1) * sizeof *cp);
  ck_assert_ptr_nonnull(cp);
  size_t n = utf8_decode(text, cp, len + 1);
  char *t = malloc(len * 3 + 1);
  ck_assert_ptr_nonnull(t);
  size_t k = 0;
  int prev = 0; // 1 ideograph, 2 ASCII alnum or %, 0 other
  for (size_t i = 0; i < n; i++) {
    uint32_t c = cp[i];
    int cls = 0;
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '%')
      cls = 2;
    else if (c >= 0x4E00 && c <= 0x9FFF)
      cls = 1;
    if ((prev == 1 && cls == 2) || (prev == 2 && cls == 1))
      t[k++] = ' ';
    k += strlen(line_text(&(ep_lb_atom){.cp = c}, 0, 1, t + k, 8));
    prev = cls;
  }
  t[k] = 0;
  free(cp);
  return t;
}

// 'quarter_em_gap_identical_with_or_without_source_space' - Justified report paragraphs set identically with spaces added at every CJK/Latin edge.
START_TEST(quarter_em_gap_identical_with_or_without_source_space)
{
  for (size_t p = 0; p < N_REPORT; p++) {
    char *spaced = spaced_copy(report_paras[p]);
    size_t n1, n2;
    ep_lb_atom *a1 = make_atoms(report_paras[p], &n1);
    ep_lb_atom *a2 = make_atoms(spaced, &n2);
    ep_lb_result r1, r2;
    run(a1, n1, FIRST, MEASURE, &r1);
    run(a2, n2, FIRST, MEASURE, &r2);
    check_paragraph(a2, n2, &r2, FIRST, MEASURE);
    ck_assert_uint_eq(r1.nlines, r2.nlines);
    size_t j = 0;
    for (size_t k = 0; k < r1.nlines; k++) {
      const ep_lb_line *l1 = &r1.lines[k], *l2 = &r2.lines[k];
      ck_assert_double_eq_tol(l1->width_used, l2->width_used, 1e-6);
      size_t i2 = l2->start;
      for (size_t i = l1->start; i < l1->end; i++, i2++) {
        while (a2[i2].cp == ' ')
          i2++;
        ck_assert_uint_eq(a1[i].cp, a2[i2].cp);
        ck_assert_msg(fabs(r1.x[i] - r2.x[i2]) < 1e-6, "paragraph %zu atom %zu: %.6f vs %.6f", p,
                      i, r1.x[i], r2.x[i2]);
        j++;
      }
      ck_assert_uint_eq(i2, l2->end);
    }
    ck_assert_uint_eq(j, n1);
    ep_lb_result_free(&r1);
    ep_lb_result_free(&r2);
    free(a1);
    free(a2);
    free(spaced);
  }
}
END_TEST

// 'quarter_em_gap_present_in_justified_lines' - The ¼ em gap survives justification (between ⅛ em and ¼ em + stretch); none inside numbers.
START_TEST(quarter_em_gap_present_in_justified_lines)
{
  size_t n;
  ep_lb_atom *a = make_atoms(report_paras[4], &n); // ...支出率为98.79%，...
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  size_t gaps = 0;
  for (size_t k = 0; k < r.nlines; k++) {
    const ep_lb_line *l = &r.lines[k];
    for (size_t i = l->start + 1; i < l->end; i++) {
      bool p_han = a[i - 1].cp >= 0x4E00 && a[i - 1].cp <= 0x9FFF;
      bool n_han = a[i].cp >= 0x4E00 && a[i].cp <= 0x9FFF;
      bool p_dig = a[i - 1].cp >= '0' && a[i - 1].cp <= '9';
      bool n_dig = a[i].cp >= '0' && a[i].cp <= '9';
      double gap = r.x[i] - (r.x[i - 1] + r.w[i - 1]);
      if ((p_han && n_dig) || (p_dig && n_han)) {
        ck_assert_msg(gap > EM / 4 - EM / 8 - 1e-9 && gap < EM / 4 + 2.0, "gap %.3f", gap);
        gaps++;
      } else if (a[i - 1].cp < 0x80 && a[i].cp < 0x80) {
        ck_assert_double_eq_tol(gap, 0, 1e-9); // no letter-spacing inside a number
      }
    }
  }
  ck_assert_uint_ge(gaps, 10);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'no_single_char_last_line' - A last line of one character (优。, 5%。) is avoided by re-breaking earlier lines.
START_TEST(no_single_char_last_line)
{
  static const char *const tails[] = {"优。", "优", "5%。", "字”。"};
  for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
    for (int indent = 0; indent < 2; indent++) {
      char *h = han(indent ? 26 + 28 : 28 * 2);
      char *s = concat3(h, tails[t], "");
      size_t n;
      ep_lb_atom *a = make_atoms(s, &n);
      ep_lb_result r;
      double fw = indent ? FIRST : MEASURE;
      run(a, n, fw, MEASURE, &r);
      ck_assert_int_eq(r.pass, 1);
      check_paragraph(a, n, &r, fw, MEASURE); // asserts >= 2 characters on the last line
      ck_assert_uint_eq(r.nlines, 3);
      // without the rule the tail would sit alone
      ep_lb_params p;
      ep_lb_params_init(&p, MEASURE);
      p.first_width = fw;
      p.min_last_chars = 0;
      ep_lb_result r0;
      ck_assert_int_eq(ep_linebreak(a, n, &p, &r0), 0);
      ck_assert_uint_eq(chars_in(a, r0.lines[r0.nlines - 1].start, r0.lines[r0.nlines - 1].end),
                        1);
      ep_lb_result_free(&r0);
      ep_lb_result_free(&r);
      free(a);
      free(s);
      free(h);
    }
  }
}
END_TEST

// 'blanks_follow_the_ink' - Compression leaves 0.1 em beside a mark's ink, never
// compresses a centred mark, and assumes the mainland half only when the ink is unknown.
START_TEST(blanks_follow_the_ink)
{
  double bl, br;
  ep_lb_atom a = {.cp = 0x3001, .advance = 16, .em = 16}; // 、 ink unknown
  ep_lb_blanks(&a, &bl, &br);
  ck_assert(bl == 0 && fabs(br - 8) < 1e-9);
  a.ink_l = 0.24 * 16, a.ink_r = 0.49 * 16; // AR PL SungtiL GB 、
  ep_lb_blanks(&a, &bl, &br);
  ck_assert(bl == 0 && fabs(br - (1 - 0.49 - 0.1) * 16) < 1e-9);
  a.ink_l = 0.10 * 16, a.ink_r = 0.30 * 16; // Zen Hei 、: half is the most
  ep_lb_blanks(&a, &bl, &br);
  ck_assert(fabs(br - 8) < 1e-9);
  a.cp = 0xFF0C, a.ink_l = 0.44 * 16, a.ink_r = 0.56 * 16; // Zen Hei ，: centred
  ep_lb_blanks(&a, &bl, &br);
  ck_assert(bl == 0 && br == 0);
  ep_lb_atom o = {.cp = 0xFF08, .advance = 16, .em = 16, .ink_l = 0.71 * 16, .ink_r = 0.93 * 16}; // （
  ep_lb_blanks(&o, &bl, &br);
  ck_assert(br == 0 && fabs(bl - 8) < 1e-9);
  o.ink_l = 0.55 * 16, o.ink_r = 0.70 * 16; // ink off the right edge: centred, kept
  ep_lb_blanks(&o, &bl, &br);
  ck_assert(bl == 0 && br == 0);
  ep_lb_atom h = {.cp = 0x201D, .advance = 0.33 * 16, .em = 16}; // a proportional ” is not a full-width mark
  ep_lb_blanks(&h, &bl, &br);
  ck_assert(bl == 0 && br == 0);
  ep_lb_atom i = {.cp = 0x4EBA, .advance = 16, .em = 16}; // 人
  ep_lb_blanks(&i, &bl, &br);
  ck_assert(bl == 0 && br == 0);
}
END_TEST

// 'one_line_paragraph_of_one_char_is_fine' - A one-line paragraph may hold a single character.
START_TEST(one_line_paragraph_of_one_char_is_fine)
{
  size_t n;
  ep_lb_atom *a = make_atoms("优。", &n);
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  ck_assert_int_eq(r.pass, 1);
  ck_assert_uint_eq(r.nlines, 1);
  ck_assert(r.lines[0].last && !r.lines[0].relaxed);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'forced_break_ends_line_unjustified' - A forced break ends its line at natural widths; other lines stay justified.
START_TEST(forced_break_ends_line_unjustified)
{
  size_t n;
  ep_lb_atom *a = make_atoms(report_paras[0], &n);
  size_t at = 40;
  a[at].flags |= EP_LB_BREAK_BEFORE;
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  ck_assert_int_eq(r.pass, 1);
  check_paragraph(a, n, &r, FIRST, MEASURE);
  size_t k = 0;
  while (k < r.nlines && r.lines[k].end != at)
    k++;
  ck_assert_uint_lt(k, r.nlines);
  ck_assert(r.lines[k].forced && !r.lines[k].last);
  ck_assert_double_lt(r.lines[k].width_used, MEASURE - 1);
  ck_assert_uint_eq(r.lines[k + 1].start, at);
  ck_assert_double_eq_tol(r.lines[k + 1].measure, MEASURE, 1e-9);
  // the forced line is set at its natural widths
  for (size_t i = r.lines[k].start + 1; i < r.lines[k].end; i++)
    if (a[i].cp >= 0x4E00 && a[i - 1].cp >= 0x4E00 && a[i].cp <= 0x9FFF &&
        a[i - 1].cp <= 0x9FFF)
      ck_assert_double_eq_tol(r.x[i] - r.x[i - 1], PITCH, 1e-9);
  for (size_t j = 0; j < k; j++)
    ck_assert(!r.lines[j].forced);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'forced_break_short_segments' - Two short <br> segments: two lines, the second starting at the flagged atom.
START_TEST(forced_break_short_segments)
{
  size_t n;
  ep_lb_atom *a = make_atoms("项目周期：2022年资金额度：1000万元", &n);
  a[10].flags |= EP_LB_BREAK_BEFORE; // before 资
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  ck_assert_uint_eq(r.nlines, 2);
  ck_assert_uint_eq(r.lines[0].end, 10);
  ck_assert(r.lines[0].forced);
  ck_assert_uint_eq(r.lines[1].start, 10);
  ck_assert(r.lines[1].last);
  ck_assert_double_eq_tol(r.x[10], 0, 1e-9);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'overlong_token_broken_by_char_and_flagged' - A 100-letter word wider than the measure is broken by character and flagged.
START_TEST(overlong_token_broken_by_char_and_flagged)
{
  char *latin = repeat_text("a", 100);
  char *h = han(5);
  char *s = concat3(h, latin, h);
  size_t n;
  ep_lb_atom *a = make_atoms(s, &n);
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  ck_assert_int_eq(r.pass, 2);
  size_t covered = 0, over = 0;
  for (size_t k = 0; k < r.nlines; k++) {
    covered += r.lines[k].end - r.lines[k].start;
    over += r.lines[k].overfull;
    ck_assert_double_le(r.lines[k].width_used, MEASURE + TOL);
  }
  ck_assert_uint_eq(covered, n);
  ck_assert_uint_ge(over, 1);
  ep_lb_result_free(&r);
  free(a);
  free(s);
  free(h);
  free(latin);
}
END_TEST

// 'zero_width_space_lets_a_long_word_break' - EP_LB_BREAK_OK (a zero-width
// space in the source) lets a word wider than the measure break there, with
// no overfull line; it is never taken before a mark that may not start a line.
START_TEST(zero_width_space_lets_a_long_word_break)
{
  char *latin = repeat_text("a", 100); // 800 pt: wider than the measure
  char *h = han(5);
  char *s = concat3(h, latin, h);
  size_t n;
  ep_lb_atom *a = make_atoms(s, &n);
  for (size_t k = 5 + 25; k < 5 + 100; k += 25)
    a[k].flags |= EP_LB_BREAK_OK; // aaa…a|aaa…a|aaa…a|aaa…a
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  ck_assert_int_eq(r.pass, 1);
  for (size_t k = 0; k < r.nlines; k++) {
    ck_assert(!r.lines[k].overfull);
    size_t b = r.lines[k].start; // every break inside the word is at a zero-width space
    if (k > 0 && b > 5 && b < 105)
      ck_assert_msg(a[b].flags & EP_LB_BREAK_OK, "line %zu starts at atom %zu", k, b);
  }
  ck_assert_uint_ge(r.nlines, 2);
  ep_lb_result_free(&r);
  free(a);
  free(s);
  // Before a closing mark the flag gives no break: in 20 ideographs and 40
  // letters with a comma among them, no line starts at the comma.
  char *h20 = han(20), *l40 = repeat_text("a", 40);
  s = concat3(h20, l40, h20);
  a = make_atoms(s, &n);
  for (size_t c = 30; c < 55; c += 8) {
    a[c].cp = 0xFF0C;
    a[c].advance = PITCH;
    a[c].flags |= EP_LB_BREAK_OK;
  }
  for (size_t w = 300; w <= 440; w += 20) {
    run(a, n, w, w, &r);
    ck_assert_int_eq(r.pass, 1);
    for (size_t k = 1; k < r.nlines; k++)
      ck_assert_msg(a[r.lines[k].start].cp != 0xFF0C, "measure %zu: a line starts with the comma", w);
    ep_lb_result_free(&r);
  }
  free(h20);
  free(l40);
  free(a);
  free(s);
  free(h);
  free(latin);
}
END_TEST

// 'box_wider_than_measure_is_overfull' - An opaque box wider than the measure sits on an overfull line.
START_TEST(box_wider_than_measure_is_overfull)
{
  size_t n;
  ep_lb_atom *a = make_atoms("项目甲X项目乙", &n);
  a[2].cp = EP_LB_OBJECT;
  a[2].advance = 600;
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  size_t k = line_of(&r, 2);
  ck_assert_uint_ne(k, SIZE_MAX);
  ck_assert(r.lines[k].overfull);
  ck_assert_double_ge(r.lines[k].width_used, 600);
  size_t covered = 0;
  for (size_t j = 0; j < r.nlines; j++)
    covered += r.lines[j].end - r.lines[j].start;
  ck_assert_uint_eq(covered, n);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'impossible_kinsoku_is_relaxed' - Runs of only closing (or opening) marks relax kinsoku instead of failing.
START_TEST(impossible_kinsoku_is_relaxed)
{
  static const char *const runs[] = {"，", "）", "（", "…"};
  for (size_t t = 0; t < sizeof runs / sizeof runs[0]; t++) {
    char *s = repeat_text(runs[t], 300);
    size_t n;
    ep_lb_atom *a = make_atoms(s, &n);
    ep_lb_result r;
    run(a, n, MEASURE, MEASURE, &r);
    ck_assert_int_eq(r.pass, 2);
    size_t covered = 0;
    for (size_t k = 0; k < r.nlines; k++) {
      covered += r.lines[k].end - r.lines[k].start;
      ck_assert_double_le(r.lines[k].width_used, MEASURE + TOL);
    }
    ck_assert_uint_eq(covered, n);
    ck_assert_uint_ge(r.nlines, 2);
    size_t relaxed = 0;
    for (size_t k = 0; k < r.nlines; k++)
      relaxed += r.lines[k].relaxed;
    ck_assert_uint_ge(relaxed, 1);
    ep_lb_result_free(&r);
    free(a);
    free(s);
  }
}
END_TEST

// 'opening_bracket_at_line_start_loses_its_blank' - An opening bracket at line start hangs its blank half left of the edge.
START_TEST(opening_bracket_at_line_start_loses_its_blank)
{
  size_t n;
  ep_lb_atom *a = make_atoms("（一）项目概况", &n);
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  ck_assert_double_eq_tol(r.x[0], -PITCH / 2, 1e-9); // blank half left of the edge
  ck_assert_double_eq_tol(r.w[0], PITCH / 2, 1e-9);
  ck_assert_double_eq_tol(r.x[1], PITCH / 2, 1e-9);
  ep_lb_result_free(&r);
  free(a);
  // and after a break inside a paragraph
  char *h = han(28), *h2 = han(20);
  char *s = concat3(h, "（以下简称“厅事务中心”）", h2);
  a = make_atoms(s, &n);
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  ck_assert_uint_eq(r.lines[1].start, 28);
  ck_assert_double_eq_tol(r.x[28], -PITCH / 2, 1e-9);
  ep_lb_result_free(&r);
  free(a);
  free(s);
  free(h);
  free(h2);
}
END_TEST

// 'adjacent_marks_are_compressed' - 。」 ）（ 》《 ，“ （《 lose one blank half; the end mark is trimmed.
START_TEST(adjacent_marks_are_compressed)
{
  size_t n;
  ep_lb_atom *a = make_atoms("甲。」乙）（丙》《丁，“戊”", &n);
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  ck_assert_uint_eq(r.nlines, 1);
  const double h = PITCH / 2;
  ck_assert_double_eq_tol(r.w[1], h, 1e-9);     // 。 before 」
  ck_assert_double_eq_tol(r.w[2], PITCH, 1e-9); // 」 before 乙
  ck_assert_double_eq_tol(r.w[4], h, 1e-9);     // ） before （
  ck_assert_double_eq_tol(r.w[5], PITCH, 1e-9);
  ck_assert_double_eq_tol(r.w[7], h, 1e-9);     // 》 before 《
  ck_assert_double_eq_tol(r.w[10], h, 1e-9);    // ， before “
  ck_assert_double_eq_tol(r.w[11], PITCH, 1e-9);
  ck_assert_double_eq_tol(r.x[2], r.x[1] + h, 1e-9);
  ck_assert_double_eq_tol(r.x[5], r.x[4] + h, 1e-9);
  ck_assert_double_eq_tol(r.x[3], r.x[2] + PITCH, 1e-9);
  // （《 and “《: the second opening mark loses its left blank (glyph shifted left)
  ep_lb_atom *b = make_atoms("甲（《乙", &n);
  ep_lb_result r2;
  run(b, n, MEASURE, MEASURE, &r2);
  ck_assert_double_eq_tol(r2.w[2], h, 1e-9);
  ck_assert_double_eq_tol(r2.x[2], r2.x[1] + PITCH - h, 1e-9);
  ck_assert_double_eq_tol(r2.x[3], r2.x[1] + PITCH + h, 1e-9);
  ep_lb_result_free(&r2);
  free(b);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'end_mark_trimmed_but_inside_measure' - A comma ending a justified line: w is half, its full advance ends at the measure.
START_TEST(end_mark_trimmed_but_inside_measure)
{
  char *h = han(27), *h2 = han(20);
  char *s = concat3(h, "，", h2);
  size_t n;
  ep_lb_atom *a = make_atoms(s, &n);
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  ck_assert_uint_eq(r.lines[0].end, 28);
  ck_assert_double_eq_tol(r.w[27], PITCH / 2, 1e-9);         // trimmed to half
  ck_assert_double_eq_tol(r.x[27] + PITCH, MEASURE, TOL);     // full advance inside
  ck_assert_double_eq_tol(r.lines[0].width_used, MEASURE, TOL);
  ep_lb_result_free(&r);
  free(a);
  free(s);
  free(h);
  free(h2);
}
END_TEST

// 'squeeze_text()' - 28 cells (26 ideographs, 2 commas), then 。 as cell 29,
// then 10 ideographs (malloc'ed).
static char *squeeze_text(void)
{
  char *a = han(10), *b = han(9), *c = han(7), *d = han(10);
  char *x = concat3(a, "，", b);
  char *y = concat3(x, "，", c);
  char *z = concat3(y, "。", d);
  free(a);
  free(b);
  free(c);
  free(d);
  free(x);
  free(y);
  return z;
}

// 'squeeze_punctuation_before_pushing' - 先挤进，后推出: squeeze two commas to take 。 in, or push when squeezing is off.
START_TEST(squeeze_punctuation_before_pushing)
{
  char *s = squeeze_text();
  size_t n;
  ep_lb_atom *a = make_atoms(s, &n);
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  ck_assert_uint_eq(r.lines[0].end, 29); // 。 squeezed in: 先挤进
  ck_assert_double_lt(r.w[10], PITCH - 7);
  ck_assert_double_lt(r.w[20], PITCH - 7);
  ck_assert_double_eq_tol(r.x[28] + PITCH, MEASURE, TOL);
  ep_lb_result_free(&r);
  // with squeezing off, the last ideograph is pushed down with the 。 (后推出)
  ep_lb_params p;
  ep_lb_params_init(&p, MEASURE);
  p.no_squeeze = true;
  ck_assert_int_eq(ep_linebreak(a, n, &p, &r), 0);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  ck_assert_uint_eq(r.lines[0].end, 27);
  ck_assert_double_eq_tol(r.w[10], PITCH, 1e-9);
  ep_lb_result_free(&r);
  free(a);
  free(s);
}
END_TEST

// 'natural_advances_shrink_to_the_grid' - 16 pt advances (no grid) still give 28 per line by a small shrink.
START_TEST(natural_advances_shrink_to_the_grid)
{
  // The caller passes 16 pt advances (no grid): 28 still fit by a small shrink.
  char *t = han(28 * 4 + 3);
  size_t n;
  ep_lb_atom *a = make_atoms(t, &n);
  for (size_t i = 0; i < n; i++)
    a[i].advance = EM;
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  for (size_t k = 0; k + 1 < r.nlines; k++)
    ck_assert_uint_eq(r.lines[k].end - r.lines[k].start, 28);
  ep_lb_result_free(&r);
  free(a);
  free(t);
}
END_TEST

// 'latin_words_stay_whole_and_spaces_stretch' - English text: breaks only at spaces, spaces take their share of the stretch.
START_TEST(latin_words_stay_whole_and_spaces_stretch)
{
  char *s = repeat_text("Performance evaluation of the social assistance project shows "
                        "that the funds were used as planned. ",
                        6);
  size_t n;
  ep_lb_atom *a = make_atoms(s, &n);
  ep_lb_result r;
  run(a, n, 200, 200, &r);
  check_paragraph(a, n, &r, 200, 200);
  for (size_t k = 0; k < r.nlines; k++) {
    const ep_lb_line *l = &r.lines[k];
    if (k > 0)
      ck_assert_uint_eq(a[l->start - 1].cp, ' ');
    if (!l->last) {
      ck_assert_uint_eq(a[l->end].cp, ' ');
      for (size_t i = l->start; i < l->end; i++)
        if (a[i].cp == ' ')
          ck_assert_double_ge(r.x[i + 1] - r.x[i - 1] - LATIN, SPACE - 1e-9);
    }
  }
  ep_lb_result_free(&r);
  free(a);
  free(s);
}
END_TEST

// 'glue_prev_is_respected' - EP_LB_GLUE_PREV atoms stay on one line.
START_TEST(glue_prev_is_respected)
{
  char *t = han(60);
  size_t n;
  ep_lb_atom *a = make_atoms(t, &n);
  for (size_t i = 25; i <= 30; i++)
    a[i].flags |= EP_LB_GLUE_PREV; // atoms 24..30 are one unit
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  ck_assert_uint_eq(line_of(&r, 24), line_of(&r, 30));
  ep_lb_result_free(&r);
  free(a);
  free(t);
}
END_TEST

// 'measure_min_and_preferred' - ep_lb_measure(): widest unbreakable unit and widest segment.
START_TEST(measure_min_and_preferred)
{
  size_t n;
  ep_lb_atom *a = make_atoms("资金到位率98.79%。", &n);
  double mn, pf;
  ck_assert_int_eq(ep_lb_measure(a, n, &mn, &pf), 0);
  ck_assert_double_eq_tol(mn, 6 * LATIN + PITCH, 1e-9);             // "98.79%。"
  ck_assert_double_eq_tol(pf, 5 * PITCH + EM / 4 + 6 * LATIN + PITCH, 1e-9);
  free(a);
  a = make_atoms("（一）项目", &n);
  ck_assert_int_eq(ep_lb_measure(a, n, &mn, &pf), 0);
  ck_assert_double_eq_tol(mn, 3 * PITCH - PITCH / 2, 1e-9); // "（一）" (opening compressed)
  // the paragraph set at its minimum width keeps every rule
  ep_lb_result r;
  run(a, n, mn, mn, &r);
  ck_assert_int_eq(r.pass, 1);
  ep_lb_result_free(&r);
  free(a);
  a = make_atoms("项目周期：2022年资金额度：1000万元", &n);
  a[10].flags |= EP_LB_BREAK_BEFORE;
  ck_assert_int_eq(ep_lb_measure(a, n, &mn, &pf), 0);
  ck_assert_double_eq_tol(pf, 7 * PITCH + 4 * LATIN + EM / 4, 1e-9); // 资金额度：1000万元
  free(a);
}
END_TEST

// 'empty_spaces_and_bad_arguments' - Empty input, spaces only, NULL arguments, garbage widths and advances.
START_TEST(empty_spaces_and_bad_arguments)
{
  ep_lb_params p;
  ep_lb_params_init(&p, MEASURE);
  ep_lb_result r;
  ck_assert_int_eq(ep_linebreak(NULL, 0, &p, &r), 0);
  ck_assert_uint_eq(r.nlines, 0);
  ep_lb_result_free(&r);
  ep_lb_result_free(&r); // twice is fine
  ck_assert_int_eq(ep_linebreak(NULL, 3, &p, &r), -2);
  ck_assert_int_eq(ep_linebreak(NULL, 0, NULL, &r), -2);
  ck_assert_int_eq(ep_linebreak(NULL, 0, &p, NULL), -2);
  size_t n;
  ep_lb_atom *a = make_atoms("   ", &n);
  ck_assert_int_eq(ep_linebreak(a, n, &p, &r), 0);
  ck_assert_uint_eq(r.nlines, 1);
  ck_assert_uint_eq(r.lines[0].start, r.lines[0].end);
  ep_lb_result_free(&r);
  free(a);
  // zero and garbage widths and advances: no crash, everything placed
  a = make_atoms("社会救助（粤府〔2013〕142号）APP", &n);
  a[3].advance = NAN;
  a[4].em = -1;
  p.width = 0;
  p.first_width = -5;
  ck_assert_int_eq(ep_linebreak(a, n, &p, &r), 0);
  size_t covered = 0;
  for (size_t k = 0; k < r.nlines; k++)
    covered += r.lines[k].end - r.lines[k].start;
  ck_assert_uint_eq(covered, n);
  ep_lb_result_free(&r);
  double mn, pf;
  ck_assert_int_eq(ep_lb_measure(a, 0, &mn, &pf), 0);
  ck_assert_double_eq(mn, 0);
  ck_assert_int_eq(ep_lb_measure(a, n, NULL, &pf), -2);
  free(a);
}
END_TEST

// 'big_paragraph()' - At least N atoms of report text (paragraphs joined), malloc'ed.
static ep_lb_atom *big_paragraph(size_t want, size_t *n)
{
  size_t len = 0;
  for (size_t p = 0; p < N_REPORT; p++)
    len += strlen(report_paras[p]);
  size_t times = want / (len / 3) + 2;
  char *t = malloc(len * times + 1);
  ck_assert_ptr_nonnull(t);
  size_t k = 0;
  for (size_t i = 0; i < times; i++)
    for (size_t p = 0; p < N_REPORT; p++) {
      size_t l = strlen(report_paras[p]);
      memcpy(t + k, report_paras[p], l);
      k += l;
    }
  t[k] = 0;
  ep_lb_atom *a = make_atoms(t, n);
  free(t);
  ck_assert_uint_ge(*n, want);
  *n = want;
  if (ep_lb_is_no_start(a[want - 1].cp) || ep_lb_is_no_end(a[want - 1].cp))
    a[want - 1].cp = 0x5B57; // end on a character
  return a;
}

// 'paragraph_of_200000_chars_completes' - A 200,000-character paragraph completes with a bounded active set.
START_TEST(paragraph_of_200000_chars_completes)
{
  size_t n;
  ep_lb_atom *a = big_paragraph(200000, &n);
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  ck_assert_int_eq(r.pass, 1);
  check_paragraph(a, n, &r, FIRST, MEASURE);
  ck_assert_uint_gt(r.nlines, 200000 / 30);
  ck_assert_uint_le(r.max_active, 64); // pruned by width: bounded by the line length
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'memory_is_linear' - Scratch memory doubles when a paragraph broken at once doubles.
START_TEST(memory_is_linear)
{
  size_t n1, n2;
  ep_lb_atom *a1 = big_paragraph(100000, &n1);
  ep_lb_atom *a2 = big_paragraph(200000, &n2);
  ep_lb_result r1, r2;
  ep_lb_params p;
  ep_lb_params_init(&p, MEASURE);
  p.first_width = FIRST;
  ck_assert_int_eq(ep_linebreak_window(a1, n1, &p, SIZE_MAX, &r1), 0); // at once: not windowed
  ck_assert_int_eq(ep_linebreak_window(a2, n2, &p, SIZE_MAX, &r2), 0);
  double ratio = (double)r2.work_bytes / (double)r1.work_bytes;
  ck_assert_double_ge(ratio, 1.99);
  ck_assert_double_le(ratio, 2.01);
  ck_assert_uint_le(r2.work_bytes / n2, 256);
  ck_assert_uint_le(r2.max_active, r1.max_active + 4);
  ep_lb_result_free(&r1);
  ep_lb_result_free(&r2);
  free(a1);
  free(a2);
}
END_TEST

static bool same_result(const ep_lb_result *a, const ep_lb_result *b);

// 'long_paragraph_is_broken_a_window_at_a_time' - A paragraph longer than
// the window needs one window's scratch memory, keeps every rule, and takes
// about as many lines as when broken at once (not always the same lines:
// where several sets of breaks cost the same, which one the search keeps
// depends on where it ends).
START_TEST(long_paragraph_is_broken_a_window_at_a_time)
{
  size_t n;
  ep_lb_atom *a = big_paragraph(200000, &n);
  ep_lb_params p;
  ep_lb_params_init(&p, MEASURE);
  p.first_width = FIRST;
  ep_lb_result whole, win, small;
  ck_assert_int_eq(ep_linebreak_window(a, n, &p, SIZE_MAX, &whole), 0);
  ck_assert_int_eq(ep_linebreak(a, n, &p, &win), 0);
  ck_assert_int_eq(ep_linebreak_window(a, n, &p, 1000, &small), 0);
  check_paragraph(a, n, &win, FIRST, MEASURE);
  check_paragraph(a, n, &small, FIRST, MEASURE);
  ck_assert_int_eq(win.pass, 1);
  ck_assert_uint_le(win.work_bytes, whole.work_bytes / 8);
  ck_assert_uint_le(small.work_bytes, win.work_bytes);
  for (const ep_lb_result *r = &win; r; r = r == &win ? &small : NULL) {
    double d = (double)r->nlines - (double)whole.nlines;
    ck_assert_msg(fabs(d) <= whole.nlines / 200.0, "%zu lines against %zu broken at once", r->nlines,
                  whole.nlines);
  }
  // Shorter than the window: exactly the result broken at once.
  ep_lb_result one, at_once;
  ck_assert_int_eq(ep_linebreak_window(a, 3000, &p, 4096, &one), 0);
  ck_assert_int_eq(ep_linebreak_window(a, 3000, &p, SIZE_MAX, &at_once), 0);
  ck_assert(same_result(&one, &at_once));
  ep_lb_result_free(&whole);
  ep_lb_result_free(&win);
  ep_lb_result_free(&small);
  ep_lb_result_free(&one);
  ep_lb_result_free(&at_once);
  free(a);
}
END_TEST

// 'zero_width_atoms_stay_linear' - 30,000 zero-advance atoms are never pruned by
// width; the active-node cap keeps the search linear and the result complete.
START_TEST(zero_width_atoms_stay_linear)
{
  size_t n = 30000;
  ep_lb_atom *a = calloc(n, sizeof *a);
  ck_assert_ptr_nonnull(a);
  for (size_t i = 0; i < n; i++) {
    a[i].cp = 0x5B57;
    a[i].em = EM;
  }
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  ck_assert_uint_le(r.max_active, 1024);
  size_t covered = 0;
  for (size_t k = 0; k < r.nlines; k++)
    covered += r.lines[k].end - r.lines[k].start;
  ck_assert_uint_eq(covered, n);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'same_result()' - True when A and B are the same result, field by field.
static bool same_result(const ep_lb_result *a, const ep_lb_result *b)
{
  if (a->n != b->n || a->nlines != b->nlines || a->pass != b->pass)
    return false;
  for (size_t i = 0; i < a->n; i++)
    if (a->x[i] != b->x[i] || a->w[i] != b->w[i])
      return false;
  for (size_t k = 0; k < a->nlines; k++) {
    const ep_lb_line *p = &a->lines[k], *q = &b->lines[k];
    if (p->start != q->start || p->end != q->end || p->measure != q->measure || p->width_used != q->width_used ||
        p->last != q->last || p->forced != q->forced || p->overfull != q->overfull || p->relaxed != q->relaxed ||
        p->ragged != q->ragged)
      return false;
  }
  return true;
}

// The memo's parts as lay_set_paras() uses them: a key finds nothing until
// a result made by a job is kept under it, then that result, shared; keeping
// a second result under the same key leaves the second the caller's; jobs
// give ep_linebreak()'s results.
START_TEST(memo_keys_and_jobs)
{
  ep_lb_memo *m = ep_lb_memo_new();
  char *text = han(150);
  size_t n;
  ep_lb_atom *a = make_atoms(text, &n);
  ep_lb_job jobs[3];
  memset(jobs, 0, sizeof jobs);
  for (int j = 0; j < 3; j++) {
    jobs[j].atoms = a;
    jobs[j].n = j == 2 ? n / 2 : n;
    ep_lb_params_init(&jobs[j].params, j == 1 ? 200 : 448);
  }
  for (size_t j = 3; j-- > 0;) // any order
    ep_linebreak_job(jobs, j);
  ep_lb_key k[3];
  for (int j = 0; j < 3; j++) {
    ck_assert_int_eq(jobs[j].rc, 0);
    ep_lb_result fresh;
    ck_assert_int_eq(ep_linebreak(a, jobs[j].n, &jobs[j].params, &fresh), 0);
    ck_assert(same_result(&fresh, &jobs[j].res));
    ep_lb_result_free(&fresh);
    ep_lb_memo_key(a, jobs[j].n, &jobs[j].params, &k[j]);
    ep_lb_result r;
    ck_assert(!ep_lb_memo_find(m, &k[j], &r));
  }
  ck_assert(k[0].h1 != k[1].h1 || k[0].h2 != k[1].h2); // another measure, another key
  ck_assert_uint_ne(k[0].n, k[2].n);
  ep_lb_memo_keep(m, &k[0], &jobs[0].res);
  ck_assert(jobs[0].res.shared);
  ep_lb_result again;
  ck_assert_int_eq(ep_linebreak(a, n, &jobs[0].params, &again), 0);
  ep_lb_memo_keep(m, &k[0], &again); // held already: stays the caller's
  ck_assert(!again.shared);
  ep_lb_result found;
  ck_assert(ep_lb_memo_find(m, &k[0], &found));
  ck_assert(found.shared && found.x == jobs[0].res.x);
  ck_assert(!ep_lb_memo_find(m, &k[1], &found));
  ep_lb_result_free(&again);
  for (int j = 0; j < 3; j++)
    ep_lb_result_free(&jobs[j].res); // the kept one: nothing freed, the memo's
  ck_assert(ep_lb_memo_find(m, &k[0], &found));
  ck_assert_uint_eq(found.n, n);
  ep_lb_memo_free(m);
  free(a);
  free(text);
}
END_TEST

// Inputs that differ only in their characters (a 目录's entries: the same
// flags, advances and ink) spread over the memo's table: 20,000 of them kept
// and found again take a few probes each, not one per entry held (the
// table's home slot once came from hash bits the characters never reach).
START_TEST(memo_spreads_inputs_that_differ_in_text_only)
{
  ep_lb_memo *m = ep_lb_memo_new();
  ck_assert_ptr_nonnull(m);
  enum { N = 20000 };
  ep_lb_params p;
  ep_lb_params_init(&p, 448);
  ep_lb_atom a[3];
  for (int round = 0; round < 2; round++)
    for (uint32_t i = 0; i < N; i++) {
      for (int k = 0; k < 3; k++)
        a[k] = (ep_lb_atom){0x4E00 + (i >> (8 * k)) % 256 + 256 * (uint32_t)k, 16, 16, 0, 0, 0};
      ep_lb_result r;
      ck_assert_int_eq(ep_linebreak_memo(m, a, 3, &p, &r), 0);
      ck_assert(r.shared);
      ep_lb_result_free(&r);
    }
  size_t probes = ep_lb_memo_probes(m);
  // 3N slot searches (a miss and a keep, then a hit), under 6 probes each on average
  ck_assert_msg(probes < (size_t)N * 3 * 6, "%zu probes for %d inputs asked twice", probes, N);
  ep_lb_memo_free(m);
}
END_TEST

// The memo answers a repeated input with the first result, shared (its
// arrays the memo's, freed by ep_lb_memo_free(); the caller's
// ep_lb_result_free() frees nothing), and any change to an atom or a
// parameter is a new input: 400 paragraphs x 2 widths, asked twice, grow the
// table and give exactly ep_linebreak()'s results.
START_TEST(memo_repeats_results_and_tells_inputs_apart)
{
  ep_lb_memo *m = ep_lb_memo_new();
  ck_assert_ptr_nonnull(m);
  static const double *first[400][2]; // round 0's shared arrays
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < 400; i++) {
      char *text = han(20 + i % 97);
      size_t n;
      ep_lb_atom *a = make_atoms(text, &n);
      if (i % 3 == 0)
        a[i % n].advance += 0.25; // a different atom, same text
      for (int wi = 0; wi < 2; wi++) {
        ep_lb_params p;
        ep_lb_params_init(&p, wi ? 160 : 448);
        p.min_last_chars = i % 5 == 0 ? 1 : 2;
        ep_lb_result fresh, memo;
        ck_assert_int_eq(ep_linebreak(a, n, &p, &fresh), 0);
        ck_assert_int_eq(ep_linebreak_memo(m, a, n, &p, &memo), 0);
        ck_assert_msg(same_result(&fresh, &memo), "paragraph %zu width %d round %d", i, wi, round);
        ck_assert_ptr_ne(fresh.x, memo.x);
        ck_assert(memo.shared && !fresh.shared);
        if (round == 0)
          first[i][wi] = memo.x;
        else
          ck_assert_ptr_eq(memo.x, first[i][wi]); // the same arrays: no copy
        ep_lb_result_free(&fresh);
        ep_lb_result_free(&memo);
        ck_assert_ptr_null(memo.x);
      }
      free(a);
      free(text);
    }
  ep_lb_result r;
  ck_assert_int_eq(ep_linebreak_memo(m, NULL, 0, NULL, &r), -2);
  ep_lb_memo_free(m);
  ep_lb_memo_free(NULL);
}
END_TEST

// Stopping the search over the active nodes early (once no later node can
// win) gives exactly the result of trying them all: 3,000 random paragraphs
// of ideographs, marks that compress, brackets, Latin words, numbers with
// their units, spaces, forced breaks, zero-width and wide atoms, odd
// advances and font sizes, at measures from a narrow cell to a wide page,
// with and without an indent, 孤字 rule, squeeze and shrink.
START_TEST(early_stop_changes_no_result)
{
  static const char *const pieces[] = {"社", "会", "救", "助", "信", "息", "化", "管", "理", "，", "。", "、", "；",
                                       "：", "“", "”", "（", "）", "《", "》", "——", "……", "2022", "年", "98.79",
                                       "%", "万元", " ", "APP", "a", "-", "/", "第", "3", "！", "\xe2\x80\x8b"};
  const size_t npieces = sizeof pieces / sizeof *pieces;
  unsigned long long x = 12345;
#define RND(m) ((x = x * 6364136223846793005ull + 1442695040888963407ull), (size_t)((x >> 33) % (m)))
  size_t pruned_paths = 0, tried_fast = 0, tried_full = 0; // the early stop does fire
  for (int i = 0; i < 3000; i++) {
    char text[4096] = "";
    size_t len = 0, want = 1 + RND(i % 10 == 0 ? 600 : 160);
    for (size_t k = 0; k < want; k++) {
      const char *pc = pieces[RND(npieces)];
      size_t l = strlen(pc);
      if (len + l + 1 >= sizeof text)
        break;
      memcpy(text + len, pc, l + 1);
      len += l;
    }
    size_t n;
    ep_lb_atom *a = make_atoms(text, &n);
    for (size_t k = 0; k < n; k++) {
      if (RND(40) == 0)
        a[k].advance *= 0.5 + (double)RND(100) / 50.0; // an odd advance
      if (RND(200) == 0)
        a[k].advance = 0;
      if (RND(300) == 0)
        a[k].flags |= EP_LB_BREAK_BEFORE;
      if (RND(25) == 0)
        a[k].em = EM * 1.5;
    }
    static const double widths[] = {60, 120, 160, 300, 442.2, 448, 600};
    ep_lb_params p;
    ep_lb_params_init(&p, widths[RND(7)]);
    if (RND(2)) {
      double indent = (double)RND(3) * PITCH * 2;
      p.first_width = p.width - indent + (RND(4) == 0 ? 3 * PITCH : 0); // sometimes wider
    }
    p.min_last_chars = (int)RND(3);
    p.no_squeeze = RND(4) == 0;
    p.no_shrink = RND(4) == 0;
    p.max_stretch = RND(5) == 0 ? 0.1 : 0;
    ep_lb_result fast, full;
    ck_assert_int_eq(ep_linebreak(a, n, &p, &fast), 0);
    p.exhaustive = true;
    ck_assert_int_eq(ep_linebreak(a, n, &p, &full), 0);
    ck_assert_msg(same_result(&fast, &full), "paragraph %d (%zu atoms): \"%s\"", i, n, text);
    tried_fast += fast.tried;
    tried_full += full.tried;
    pruned_paths += fast.tried < full.tried;
    ep_lb_result_free(&fast);
    ep_lb_result_free(&full);
    free(a);
  }
#undef RND
  ck_assert_uint_gt(pruned_paths, 1000);
  ck_assert_uint_lt(tried_fast, tried_full * 3 / 4);
}
END_TEST

// 'linebreak_suite()' - Every test above.
static Suite *linebreak_suite(void)
{
  Suite *s = suite_create("linebreak");
  TCase *tc = tcase_create("rules");
  tcase_add_test(tc, kinsoku_sets_match_the_checker);
  tcase_add_test(tc, early_stop_changes_no_result);
  tcase_add_test(tc, long_paragraph_is_broken_a_window_at_a_time);
  tcase_add_test(tc, grid_28_chars_per_line_fill_the_measure);
  tcase_add_test(tc, indented_first_line_holds_26);
  tcase_add_test(tc, report_paragraphs_keep_every_rule);
  tcase_add_test(tc, report_paragraphs_in_narrow_cells);
  tcase_add_test(tc, closing_marks_never_start_a_line);
  tcase_add_test(tc, opening_marks_never_end_a_line);
  tcase_add_test(tc, numbers_latin_words_and_doubled_marks_never_split);
  tcase_add_test(tc, break_allowed_between_number_and_cjk);
  tcase_add_test(tc, quarter_em_gap_between_cjk_and_digits);
  tcase_add_test(tc, quarter_em_gap_identical_with_or_without_source_space);
  tcase_add_test(tc, quarter_em_gap_present_in_justified_lines);
  tcase_add_test(tc, no_single_char_last_line);
  tcase_add_test(tc, one_line_paragraph_of_one_char_is_fine);
  tcase_add_test(tc, forced_break_ends_line_unjustified);
  tcase_add_test(tc, forced_break_short_segments);
  tcase_add_test(tc, overlong_token_broken_by_char_and_flagged);
  tcase_add_test(tc, zero_width_space_lets_a_long_word_break);
  tcase_add_test(tc, box_wider_than_measure_is_overfull);
  tcase_add_test(tc, impossible_kinsoku_is_relaxed);
  tcase_add_test(tc, opening_bracket_at_line_start_loses_its_blank);
  tcase_add_test(tc, adjacent_marks_are_compressed);
  tcase_add_test(tc, end_mark_trimmed_but_inside_measure);
  tcase_add_test(tc, squeeze_punctuation_before_pushing);
  tcase_add_test(tc, natural_advances_shrink_to_the_grid);
  tcase_add_test(tc, latin_words_stay_whole_and_spaces_stretch);
  tcase_add_test(tc, glue_prev_is_respected);
  tcase_add_test(tc, measure_min_and_preferred);
  tcase_add_test(tc, blanks_follow_the_ink);
  tcase_add_test(tc, empty_spaces_and_bad_arguments);
  tcase_add_test(tc, memo_repeats_results_and_tells_inputs_apart);
  tcase_add_test(tc, memo_spreads_inputs_that_differ_in_text_only);
  tcase_add_test(tc, memo_keys_and_jobs);
  suite_add_tcase(s, tc);
  TCase *big = tcase_create("scale");
  tcase_set_timeout(big, 120);
  tcase_add_test(big, paragraph_of_200000_chars_completes);
  tcase_add_test(big, memory_is_linear);
  tcase_add_test(big, zero_width_atoms_stay_linear);
  suite_add_tcase(s, big);
  return s;
}

// 'main()' - Run the suite; exit status 0 when every test passed.
int main(void)
{
  SRunner *sr = srunner_create(linebreak_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
