// The bar chart of <funds chart="bar"> (part of the table engine, see
// layout_table.h): budget against executed per top-level item, drawn as proto
// boxes the host places with the table, its labels broken between words, and
// a version with its own caption and unit for when it must start a page.
#include "layout_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// 'dec_pt()' - A figure as a length for drawing (geometry only; figures are printed exactly).
static double dec_pt(ep_dec d) { return (double)d.units / (double)EP_DEC_SCALE; }

// 'chart_text()' - A text run of UTF-8 S at (X, Y) relative to the drawing's top;
// ALIGN right puts its end at X. Returns the run's width.
static double chart_text(tbl_host *L, const char *s, double x, double y, double size, bool right, const char *file,
                         unsigned long line) {
  atoms at = {0};
  ifmt f = lay_fmt_for(&L->st->ts[EP_TS_TABLE], 1.0);
  f.size = size;
  lay_add_text(L->in, &at, s, &f, file, line, true);
  double w = lay_width(&at);
  size_t from = L->in->nprotos;
  lay_emit_natural(L->in, &at, right ? x - w : x);
  for (size_t k = from; k < L->in->nprotos; k++)
    L->in->protos[k].y += y;
  free(at.a);
  free(at.s);
  return w;
}

// 'chart_rect()' - A filled bar (relative to the drawing's top).
static void chart_rect(tbl_host *L, double x, double y, double w, double h, double gray) {
  ep_box *b = lay_proto(L->in, EP_BOX_RECT);
  b->x = x;
  b->y = y;
  b->w = w;
  b->h = h;
  b->fill = gray;
  b->line_width = 0;
}

// One bar-chart group's label, broken into lines (chart labels wrap, never cut).
typedef struct chart_label {
  atoms at;
  ep_lb_result res;
} chart_label;

// Bar-chart geometry (pt): label size, bar thickness, gap between a group's two
// bars, space between groups, legend height, label line pitch.
#define CH_FS 9.0
#define CH_BAR 8.0
#define CH_GAP 2.0
#define CH_GROUP 12.0
#define CH_LEGEND 20.0
#define CH_LINE (CH_FS * 1.25)

// 'chart_group_h()' - Height of one item's group: its two bars or its label's lines.
static double chart_group_h(const chart_label *lab) {
  double bars = 2 * CH_BAR + CH_GAP, text = (double)lab->res.nlines * CH_LINE;
  return (text > bars ? text : bars) + CH_GROUP;
}

// 'chart_label_lines()' - Break LAB's atoms into lines of at most W pt at
// natural spacing (ragged, right-aligned by the caller); returns the line count.
static size_t chart_label_lines(chart_label *lab, double W) {
  ep_lb_params p;
  ep_lb_params_init(&p, W);
  p.min_last_chars = 1;
  p.max_stretch = 1e-9;
  p.no_shrink = true;
  ep_lb_result_free(&lab->res);
  if (ep_linebreak(lab->at.a, lab->at.n, &p, &lab->res) != 0)
    abort();
  return lab->res.nlines;
}

// 'chart_label_break()' - The label of item C as atoms broken between words into
// lines of at most W pt (a word wider than W is cut by character), as evenly as
// that line count allows (the narrowest measure that keeps it).
static void chart_label_break(tbl_host *L, const ep_node *c, double W, chart_label *lab) {
  ifmt f = lay_fmt_for(&L->st->ts[EP_TS_TABLE], 1.0);
  f.size = CH_FS;
  lay_add_text(L->in, &lab->at, c->name ? c->name : "", &f, c->file, c->line, false);
  lay_glue_words(L->in, &lab->at, 0);
  size_t n = chart_label_lines(lab, W);
  if (n < 2)
    return;
  double lo = 0, hi = W;
  for (int it = 0; it < 16 && hi - lo > 0.5; it++) {
    double mid = (lo + hi) / 2;
    if (chart_label_lines(lab, mid) == n)
      hi = mid;
    else
      lo = mid;
  }
  chart_label_lines(lab, hi);
}

// 'chart_caption()' - The caption a chart carries when it stands apart from its
// table (at a page top): the funds caption with the unit, centred, bold, broken
// between words when it is wider than the body. Returns its height.
static double chart_caption(tbl_host *L, const ep_node *n) {
  ep_buf t;
  ep_buf_init(&t);
  ep_buf_printf(&t, "%s（单位：%s）", n->text && n->text[0] ? n->text : "预算数与执行数",
                n->unit ? n->unit : "万元");
  chart_label cap;
  memset(&cap, 0, sizeof cap);
  ifmt f = lay_fmt_for(&L->st->ts[EP_TS_TABLE], 1.0);
  f.bold = true;
  lay_add_text(L->in, &cap.at, ep_buf_str(&t), &f, n->file, n->line, false);
  lay_glue_words(L->in, &cap.at, 0);
  chart_label_lines(&cap, L->st->body_w);
  double pitch = f.size * 1.4;
  for (size_t i = 0; i < cap.res.nlines; i++) {
    const ep_lb_line *ln = &cap.res.lines[i];
    size_t from = L->in->nprotos;
    if (ln->end > ln->start)
      lay_emit_runs(L->in, &cap.at, cap.res.x, ln->start, ln->end, L->st->left + (L->st->body_w - ln->width_used) / 2);
    for (size_t k = from; k < L->in->nprotos; k++)
      L->in->protos[k].y -= f.size * 1.1 + (double)i * pitch;
  }
  double h = f.size * 0.7 + (double)cap.res.nlines * pitch;
  free(cap.at.a);
  free(cap.at.s);
  ep_lb_result_free(&cap.res);
  ep_buf_free(&t);
  return h;
}

// 'chart_draw()' - The proto boxes of N's bar chart for the NLAB item labels
// LABS, with its own caption above when CAPTION; returns its height in grid rows.
static int chart_draw(tbl_host *L, const ep_node *n, chart_label *labs, double max, bool caption) {
  double W = L->st->body_w, left = L->st->left;
  double label_w = W * 0.34, x0 = left + label_w + 6, x1 = left + W - 48;
  double height = CH_LEGEND + 4;
  size_t k = 0;
  for (const ep_node *c = n->first; c; c = c->next)
    if (c->kind == EP_N_ITEM)
      height += chart_group_h(&labs[k++]);
  size_t box0 = L->in->nprotos;
  double cap = caption ? chart_caption(L, n) : 0;
  int rows = (int)ceil((height + cap) / L->st->pitch);
  double y = -cap - (rows * L->st->pitch - height - cap) / 2; // centred in its rows
  double lx = x0; // legend
  chart_rect(L, lx, y - 11, 10, 8, 0.75);
  lx += 14 + chart_text(L, "预算数", lx + 14, y - 11, CH_FS, false, n->file, n->line) + 14;
  chart_rect(L, lx, y - 11, 10, 8, 0.3);
  chart_text(L, "执行数", lx + 14, y - 11, CH_FS, false, n->file, n->line);
  y -= CH_LEGEND;
  double top = y;
  char b[64];
  k = 0;
  for (const ep_node *c = n->first; c; c = c->next) {
    if (c->kind != EP_N_ITEM)
      continue;
    chart_label *lab = &labs[k++];
    double gh = chart_group_h(lab) - CH_GROUP, mid = y - gh / 2;
    for (size_t i = 0; i < lab->res.nlines; i++) { // the label's lines, right-aligned, centred on the bars
      const ep_lb_line *ln = &lab->res.lines[i];
      size_t from = L->in->nprotos;
      double base = mid + (double)lab->res.nlines * CH_LINE / 2 - (double)(i + 1) * CH_LINE + 0.3 * CH_FS;
      if (ln->end > ln->start)
        lay_emit_runs(L->in, &lab->at, lab->res.x, ln->start, ln->end, left + label_w - ln->width_used);
      for (size_t q = from; q < L->in->nprotos; q++)
        L->in->protos[q].y += base;
    }
    for (int f = 0; f < 2; f++) {
      double by = mid + CH_BAR + CH_GAP / 2 - (f + 1) * CH_BAR - f * CH_GAP;
      double len = 0;
      if (c->eff[f].known && max > 0 && dec_pt(c->eff[f].v) > 0)
        len = (x1 - x0) * dec_pt(c->eff[f].v) / max;
      if (len > 0)
        chart_rect(L, x0, by, len, CH_BAR, f == 0 ? 0.75 : 0.3);
      if (c->eff[f].known)
        chart_text(L, ep_fig_text(c->eff[f], EP_VF_PLAIN, "", b, sizeof b), x0 + len + 3, by + 1.2, 7.5, false, c->file,
                   c->line);
    }
    y -= gh + CH_GROUP;
  }
  ep_box *ax = lay_proto(L->in, EP_BOX_RULE); // the axis
  ax->x = x0;
  ax->y = y + CH_GROUP - 2;
  ax->w = 0;
  ax->h = top - (y + CH_GROUP - 2) + 2;
  ax->line_width = 0.5;
  (void)box0;
  return rows;
}

// 'lay_bar_chart()' - <funds chart="bar">: budget against executed per top-level item,
// as vector bars with value labels and a legend (text that extracts); labels wrap
// between words. Two versions go to the host: beside its table, and with its own
// caption and unit for when it has to start a page.
void lay_bar_chart(tbl_host *L, const ep_node *n) {
  size_t items = 0;
  double max = 0;
  for (const ep_node *c = n->first; c; c = c->next)
    if (c->kind == EP_N_ITEM) {
      items++;
      for (int f = 0; f < 2; f++)
        if (c->eff[f].known && dec_pt(c->eff[f].v) > max)
          max = dec_pt(c->eff[f].v);
    }
  if (!items)
    return;
  chart_label *labs = ep_xcalloc(items, sizeof *labs);
  size_t k = 0;
  for (const ep_node *c = n->first; c; c = c->next)
    if (c->kind == EP_N_ITEM)
      chart_label_break(L, c, L->st->body_w * 0.34, &labs[k++]);
  size_t box0 = L->in->nprotos;
  int rows = chart_draw(L, n, labs, max, false);
  size_t alt0 = L->in->nprotos;
  int alt_rows = chart_draw(L, n, labs, max, true);
  L->add_drawing(L->user, box0, alt0 - box0, rows, alt0, L->in->nprotos - alt0, alt_rows);
  for (k = 0; k < items; k++) {
    free(labs[k].at.a);
    free(labs[k].at.s);
    ep_lb_result_free(&labs[k].res);
  }
  free(labs);
}
