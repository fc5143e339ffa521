// The body font's hint (layout.h): the characters a report's body text
// face will draw, known before the layout, so that the PDF writer's largest
// task, that face's font program, can be made while the layout runs. The
// PDF embeds the face with these characters and those drawn (display.h);
// a character drawn but not foreseen costs speed, never correctness, and
// one foreseen but not drawn costs a glyph in the subset.
#include "layout.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

// The text the layout prints of its own, by the kind of block that prints
// it: only what is usual for that kind, since each character foreseen but
// not drawn adds a glyph (test_layout checks the golden reports are
// foreseen in full).
static const struct own_text {
  ep_kind kind; // EP_N__COUNT: every report
  const char *text;
} own_texts[] = {
  {EP_N__COUNT, "。；：年月日"}, // lead-ins and 一是…；, labels, dates
  {EP_N_TOC, "…"},              // leaders (the title is a heading's)
  {EP_N_REF, "第页"},
  {EP_N_ISSUES, "一二三四五六七八九十是"}, // 一是 二是
  {EP_N_MEASURES, "一二三四五六七八九十是"},
  {EP_N_APPENDIX, "附件"},
  {EP_N_TABLE, "续表"},
  {EP_N_FUNDS, "续表项目万元年初预算数执行率结余结转合计"},
  {EP_N_SCORING, "续表一级二级三级四级指标权重得分说明合计等级"},
  {EP_N_ISSUES_AND_MEASURES, "存在问题改进措施"},
  {EP_N_FORM, "续表项目支出绩效自评表名称主管部门实施单位资金（万元）年初全年预算数执行数率分值得分度总额其中："
              "总体目标预期实际完成情况指标一级二级三级值偏差原因分析及改进措施总分等级"},
};

// 'add_chars()' - Add the printable code points of TEXT (NULL is fine) to SET.
static void add_chars(ep_cpset *set, const char *text) {
  size_t len = text ? strlen(text) : 0;
  for (size_t i = 0; i < len;) {
    uint32_t cp = ep_utf8_next(text, len, &i);
    if (cp >= 0x80 || (cp >= 0x20 && cp < 0x7F))
      ep_cpset_add(set, cp);
  }
}

// 'add_labels()' - add_chars() for the text the layout usually prints of
// its own for R, besides the report's text: the labels of the kinds of
// blocks R has (table headers, 续表), list labels, dates, punctuation.
static void add_labels(ep_cpset *h, const ep_report *r) {
  bool has[EP_N__COUNT + 1] = {false};
  has[EP_N__COUNT] = true;
  bool bullets = false, yishi = false;
  bool any = r->kind_nodes[EP_N_LIST] > 0; // a kind below is in the report at all (else no walk)
  for (size_t i = 0; i < sizeof own_texts / sizeof *own_texts; i++)
    any |= own_texts[i].kind < EP_N__COUNT && r->kind_nodes[own_texts[i].kind] > 0;
  for (const ep_node *x = any ? r->body : NULL; x; x = ep_next_node(x, r->body)) {
    has[x->kind < EP_N__COUNT ? x->kind : EP_N__COUNT] = true;
    bullets |= x->kind == EP_N_LIST && x->style == EP_LIST_BULLET;
    yishi |= x->kind == EP_N_LIST && x->style == EP_LIST_YISHI;
  }
  for (size_t i = 0; i < sizeof own_texts / sizeof *own_texts; i++)
    if (has[own_texts[i].kind])
      add_chars(h, own_texts[i].text);
  if (bullets)
    add_chars(h, "●");
  if (yishi)
    add_chars(h, "一二三四五六七八九十是");
  if (r->meta.issuer) // between the issuer and the date under the title
    add_chars(h, "　");
}

// 'add_tree()' - add_chars() for the printed strings of the nodes under N.
static void add_tree(ep_cpset *h, const ep_node *n) {
  for (const ep_node *x = n; x; x = ep_next_node(x, n)) {
    if (x->kind == EP_N_TEXT) { // it has no fields after text (EP_NODE_TEXT)
      add_chars(h, x->text);
      continue;
    }
    const char *s[] = {x->text, x->name, x->number, x->unit, x->result};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
      add_chars(h, s[i]);
    if (!ep_kind_has_figures(x->kind)) // only these nodes have the fields below
      continue;
    const char *f[] = {x->note,   x->grade,        x->project, x->department, x->unit_name, x->level1,
                       x->level2, x->target_value, x->actual,  x->deviation,  x->planned,   x->achieved};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
      add_chars(h, f[i]);
  }
}

// 'ep_layout_body_face()' - The primary face of ST's body text role, or NULL.
ep_face *ep_layout_body_face(const ep_style *st) {
  const ep_role *role = st->ts[EP_TS_BODY].role;
  return role && ep_role_face_count(role) ? ep_role_face(role, 0) : NULL;
}

// 'ep_layout_report_chars()' - The characters R prints and the layout
// usually prints for it (see layout.h).
void ep_layout_report_chars(const ep_report *r, uint32_t **cps, size_t *n) {
  ep_cpset set = {0};
  if (r->body) {
    add_tree(&set, r->body);
    for (const ep_node *f = r->meta.fields; f; f = f->next)
      add_tree(&set, f);
    const char *meta[] = {r->meta.title, r->meta.subtitle, r->meta.issuer, r->meta.year, r->meta.date, r->meta.region};
    for (size_t i = 0; i < sizeof meta / sizeof *meta; i++)
      add_chars(&set, meta[i]);
    add_labels(&set, r);
  }
  *cps = ep_cpset_take_sorted(&set, n);
}

// 'body_draws()' - Whether the body text's FACE may draw CP: it has CP, and
// CP is no ASCII letter or digit unless the body text has no Latin face
// (ALL_ASCII).
static bool body_draws(ep_face *face, bool all_ascii, uint32_t cp) {
  return (cp >= 0x80 || all_ascii || !isalnum((int)cp)) && ep_face_has(face, cp);
}

// 'ep_layout_body_hint()' - The body text's face of ST and the characters
// of REPORT_CPS (ep_layout_report_chars()) it may draw (see layout.h).
ep_face *ep_layout_body_hint(const uint32_t *report_cps, size_t nreport, const ep_style *st, uint32_t **cps,
                             size_t *n) {
  ep_face *face = ep_layout_body_face(st);
  return ep_layout_body_hint_with(report_cps, nreport, st, face, st->ts[EP_TS_BODY].latin == NULL, cps, n);
}

// 'ep_layout_body_hint_with()' - ep_layout_body_hint() for body face FACE,
// with or without a Latin face (see layout.h).
ep_face *ep_layout_body_hint_with(const uint32_t *report_cps, size_t nreport, const ep_style *st, ep_face *face,
                                  bool all_ascii, uint32_t **cps, size_t *n) {
  *cps = NULL;
  *n = 0;
  if (!face || !nreport)
    return NULL;
  ep_cpset set = {0};
  for (size_t i = 0; i < nreport; i++)
    if (body_draws(face, all_ascii, report_cps[i]))
      ep_cpset_add(&set, report_cps[i]);
  const char *pn = st->pn_format ? st->pn_format : ""; // the page number's format
  for (size_t i = 0, len = strlen(pn); i < len;) {
    uint32_t cp = ep_utf8_next(pn, len, &i);
    if (cp == 'N') // it stands for the number
      cp = ' ';
    if ((cp >= 0x80 || (cp >= 0x20 && cp < 0x7F)) && body_draws(face, all_ascii, cp))
      ep_cpset_add(&set, cp);
  }
  // The space after list labels and the figure space of table columns are
  // set in the body face whether it has them or not.
  ep_cpset_add(&set, 0x2002);
  ep_cpset_add(&set, 0x2007);
  *cps = ep_cpset_take_sorted(&set, n);
  return face;
}
