// Shared by the line-breaking unit suites (test_linebreak.c: the rules;
// test_linebreak_scale.c: long paragraphs, memory, the memo): synthetic
// atoms, the report's paragraphs and the check of every rule on a result.
//
// Synthetic advances: CJK (and every non-ASCII mark) 15.79 pt (the GB/T 9704
// grid pitch: 28 characters in 156 mm), ASCII letters/digits/punctuation 8 pt,
// spaces 4 pt, em 16 pt. The official measure is 442.2 pt (156 mm); the first
// line of a paragraph is 2 characters shorter (the 2-em indent).
#ifndef EVALPDF_TEST_LINEBREAK_ENV_H
#define EVALPDF_TEST_LINEBREAK_ENV_H

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

// 'utf8_decode()' - Decode NUL-terminated UTF-8 S into CP (room for CAP);
// returns the count (invalid bytes become U+FFFD).
static inline size_t utf8_decode(const char *s, uint32_t *cp, size_t cap)
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
static inline double advance_of(uint32_t cp)
{
  if (cp == ' ')
    return SPACE;
  return cp < 0x80 ? LATIN : PITCH;
}

// 'make_atoms()' - Atoms for UTF-8 TEXT (malloc'ed, caller frees); *N gets the count.
static inline ep_lb_atom *make_atoms(const char *text, size_t *n)
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
static inline char *repeat_text(const char *s, size_t times)
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
static inline char *concat3(const char *a, const char *b, const char *c)
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
static inline char *han(size_t n)
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
static inline bool is_punct(uint32_t c)
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
static inline size_t chars_in(const ep_lb_atom *a, size_t s, size_t e)
{
  size_t k = 0;
  for (size_t i = s; i < e; i++)
    k += !is_punct(a[i].cp);
  return k;
}

// 'right_edge()' - x + full advance of the line's last atom (a trimmed end
// mark counted by its full advance).
static inline double right_edge(const ep_lb_atom *a, const ep_lb_result *r, const ep_lb_line *l)
{
  if (l->end == l->start)
    return 0;
  return r->x[l->end - 1] + a[l->end - 1].advance;
}

// 'check_paragraph()' - Assert every rule on result R of atoms A[N] set to
// FIRST_W / WIDTH: lines in order covering every non-space atom, kinsoku,
// exact right edges of justified lines, no 孤字 last line, no overfull line.
static inline void check_paragraph(const ep_lb_atom *a, size_t n, const ep_lb_result *r,
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

// 'run()' - ep_linebreak() on A[N] with FIRST_W / WIDTH; asserts success.
static inline void run(const ep_lb_atom *a, size_t n, double first_w, double width, ep_lb_result *r)
{
  ep_lb_params p;
  ep_lb_params_init(&p, width);
  p.first_width = first_w;
  ck_assert_int_eq(ep_linebreak(a, n, &p, r), 0);
}

#endif
