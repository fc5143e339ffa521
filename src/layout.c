// Layout of a report: inline content → atoms (with font advances and ink
// boxes) → lines (ep_linebreak) → line items → pages, with the title block or
// cover, headings, lists, the 目录 (laid out until its page numbers are
// stable), pagination, page numbers and running headers. Table-like blocks
// are built and placed by layout_table.c.
#include "layout.h"
#include "layout_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PAGINATE_CHUNK 4096 // line items laid out ahead of the pagination before it places the settled ones

// ---------------------------------------------------------------------------
// Lines

// A batch is laid out once it holds this many atoms or items (batch_full()):
// a long report's atoms are never all held at once (a 5,000-page report of
// short sections, one batch, peaked at 594 MiB instead of 127), and the
// pagination behind the layout drops what it placed between batches.
#define BATCH_ATOMS 8192
#define BATCH_ITEMS 256

// 'lay_new_line()' - Start a line item.
line_item *lay_new_line(lay *L) {
  if (L->nlines == L->clines) {
    L->clines = L->clines ? L->clines * 2 : 256;
    L->lines = ep_xrealloc(L->lines, L->clines * sizeof *L->lines);
  }
  line_item *li = &L->lines[L->nlines++];
  memset(li, 0, sizeof *li);
  li->box0 = L->in.nprotos;
  li->para = L->para;
  if (L->want_num_start) {
    li->num_start = true;
    li->new_page = true;
    L->want_num_start = false;
  }
  if (L->want_new_page) {
    li->new_page = true;
    L->want_new_page = false;
  }
  return li;
}

// 'blank_lines()' - N empty lines.
static void blank_lines(lay *L, int n) {
  for (int i = 0; i < n; i++) {
    L->para++;
    line_item *li = lay_new_line(L);
    li->blank = true;
    li->count = 1;
  }
}

// 'lay_line_span()' - Grid rows a line of type SIZE needs (1 unless the type is large for the pitch).
int lay_line_span(const lay *L, double size) {
  int n = (int)ceil(size * 1.2 / L->st->pitch - 1e-9);
  return n < 1 ? 1 : n;
}

// One paragraph as lay_set_para() sets it: its atoms (borrowed) and settings.
typedef struct para_in {
  atoms *at;
  double first_indent, rest_indent;
  ep_halign align;
  bool keep;
  const ep_node *section;
  double size;
  bool new_page;
} para_in;

// 'para_params()' - The line-breaking parameters of a paragraph set in the
// text block with FIRST_INDENT and REST_INDENT, aligned ALIGN.
static void para_params(const lay *L, double first_indent, double rest_indent, ep_halign align, ep_lb_params *p) {
  double W = L->st->body_w;
  ep_lb_params_init(p, W - rest_indent);
  p->first_width = W - first_indent;
  if (align == EP_H_CENTER || align == EP_H_RIGHT)
    p->min_last_chars = 1;
}

// 'para_lines()' - Append the lines RES broke paragraph V into as line items.
static void para_lines(lay *L, const para_in *v, const ep_lb_result *res) {
  const atoms *at = v->at;
  int warned = 0; // one overfull warning per paragraph
  for (size_t k = 0; k < res->nlines; k++) {
    const ep_lb_line *ln = &res->lines[k];
    line_item *li = lay_new_line(L);
    li->idx = (int)k;
    li->count = (int)res->nlines;
    li->keep_next = v->keep;
    li->section = k == 0 ? v->section : NULL;
    li->size = v->size;
    li->new_page = li->new_page || (v->new_page && k == 0);
    li->span = lay_line_span(L, v->size);
    double left = L->st->left + (k == 0 ? v->first_indent : v->rest_indent);
    bool justified = !ln->last && !ln->forced;
    if (!justified && v->align == EP_H_CENTER)
      left += (ln->measure - ln->width_used) / 2;
    else if (!justified && v->align == EP_H_RIGHT)
      left += ln->measure - ln->width_used;
    if (ln->overfull && ln->start < at->n && !warned++) {
      ep_buf w; // the line's start, naming the word that was cut
      ep_buf_init(&w);
      size_t e = ln->end < at->n ? ln->end : at->n;
      for (size_t q = ln->start; q < e && q < ln->start + 24; q++)
        ep_buf_put_cp(&w, at->a[q].cp);
      ep_diag_add(L->in.diags, EP_WARNING, at->s[ln->start].file, at->s[ln->start].line, "overfull-line",
                  "a word or number is wider than the text block and was broken by character (“%s%s”).",
                  ep_buf_str(&w), e > ln->start + 24 ? "…" : "");
      ep_buf_free(&w);
    }
    size_t s = ln->start, e = ln->end;
    while (s < e && at->a[s].cp == ' ')
      s++;
    if (s < e)
      lay_emit_runs(&L->in, at, res->x, s, e, left);
    li->nbox = L->in.nprotos - li->box0;
  }
}

// 'blank_para()' - The line item of an empty paragraph.
static void blank_para(lay *L, bool new_page) {
  line_item *li = lay_new_line(L);
  li->blank = true;
  li->count = 1;
  li->new_page = new_page;
}

// 'lay_set_para()' - Break AT into lines and append them as line items.
void lay_set_para(lay *L, atoms *at, double first_indent, double rest_indent, ep_halign align, bool keep,
                  const ep_node *section, double size, bool new_page) {
  L->para++;
  if (at->n == 0) {
    blank_para(L, new_page);
    return;
  }
  para_in v = {at, first_indent, rest_indent, align, keep, section, size, new_page};
  ep_lb_params p;
  para_params(L, first_indent, rest_indent, align, &p);
  ep_lb_result res;
  if (ep_linebreak_memo(L->in.lbmemo, at->a, at->n, &p, &res) != 0)
    lay_out_of_memory();
  para_lines(L, &v, &res);
  ep_lb_result_free(&res);
}

// ---------------------------------------------------------------------------
// Blocks

// 'last_text()' - The last TEXT node in N's inline content (depth-first), or NULL.
static const ep_node *last_text(const ep_node *n, int depth) {
  if (depth > EP_MAX_NESTING + 2)
    return NULL;
  for (const ep_node *c = n->last; c; c = c->prev) {
    if (c->kind == EP_N_TEXT)
      return c;
    if (c->first) {
      const ep_node *t = last_text(c, depth + 1);
      if (t)
        return t;
    }
    if (c->kind == EP_N_VALUE || c->kind == EP_N_AMOUNT || c->kind == EP_N_REF)
      return NULL;
  }
  return NULL;
}

// 'heading_style()' - Text style of a heading at LEVEL.
static const ep_text_style *heading_style(const lay *L, int level) {
  int k = level < 1 ? 1 : level > 4 ? 4 : level;
  return &L->st->ts[EP_TS_H1 + k - 1];
}

// 'ref_id()' / 'ref_page()' - lay_sec_id() and lay_page_of() for the inline text's <ref>.
static const char *ref_id(void *user, const ep_node *s) { return lay_sec_id(user, s); }
static int ref_page(void *user, const ep_node *s, bool *numbered) { return lay_page_of(user, s, numbered); }

static void layout_blocks(lay *L, const ep_node *parent, int depth);

// 'item_label()' - The number of item K of a list or issue block N: one level
// below the numbering of the section around it, so that levels never repeat a
// style (under "2." the items are （1）, deeper ①), and "1." outside sections
// or under the first two levels.
static void item_label(const ep_node *n, int k, char *buf, size_t size) {
  int level = 0;
  for (const ep_node *a = n->parent; a && !level; a = a->parent)
    if (a->kind == EP_N_SECTION && a->number)
      level = a->level;
  if (level < 3) {
    snprintf(buf, size, "%d.", k);
  } else if (level == 3) {
    ep_section_number(4, k, buf, size);
  } else if (k <= 20) {
    buf[ep_utf8_encode(0x2460 + (uint32_t)(k - 1), buf)] = 0; // ① … ⑳
  } else {
    snprintf(buf, size, "(%d)", k);
  }
}

// A batch of blank lines and paragraphs laid out together (batch_run()):
// their atoms built first, in order, each paragraph's line breaks begun on
// the other thread once its atoms are built (batch_begin()), the rest made
// at once when the batch runs.
typedef struct batch_item {
  int blanks;      // > 0: that many blank lines; else the paragraph below
  atoms at;        // the paragraph's atoms (owned)
  para_in para;    // its settings (para.at is set when the batch runs: items move)
  lay_begun begun; // what batch_begin() did: its result in RES, job JOB of the stream, or nothing
  size_t job;
  ep_lb_result res;
} batch_item;

typedef struct lay_batch {
  batch_item *v;
  size_t n, cap;
  size_t natoms;     // the items' atoms so far
  lay_stream stream; // the line breaks begun
} lay_batch;

// 'batch_begin()' - Begin the line breaks of B's last item, whose atoms and
// settings are complete (nothing for blank lines and empty paragraphs).
static void batch_begin(lay *L, lay_batch *b) {
  batch_item *it = b->n ? &b->v[b->n - 1] : NULL;
  if (!it || it->blanks > 0 || !it->at.n || it->begun != LAY_LB_LATER)
    return;
  ep_lb_params p;
  para_params(L, it->para.first_indent, it->para.rest_indent, it->para.align, &p);
  it->begun = lay_stream_add(&L->in, &b->stream, it->at.a, it->at.n, &p, &it->job, &it->res);
}

// 'batch_add()' - A new zeroed item at the end of B (the line breaks of the
// one before it begun).
static batch_item *batch_add(lay *L, lay_batch *b) {
  batch_begin(L, b);
  if (b->n == b->cap) {
    b->cap = b->cap ? 2 * b->cap : 16;
    b->v = ep_xrealloc(b->v, b->cap * sizeof *b->v);
  }
  batch_item *it = &b->v[b->n++];
  memset(it, 0, sizeof *it);
  return it;
}

// 'batch_blanks()' - N blank lines (none for N <= 0) at the end of B.
static void batch_blanks(lay *L, lay_batch *b, int n) {
  if (n > 0)
    batch_add(L, b)->blanks = n;
}

// 'batch_run()' - Lay out B's items in order, as blank_lines() and
// lay_set_para() one by one would (the breaks begun meanwhile waited for,
// lay_break_all(): the others' at once), and empty B.
static void batch_run(lay *L, lay_batch *b) {
  batch_begin(L, b);
  lay_stream_end(&L->in, &b->stream);
  const ep_lb_atom **seqs = ep_xcalloc(b->n ? b->n : 1, sizeof *seqs);
  size_t *ns = ep_xcalloc(b->n ? b->n : 1, sizeof *ns);
  ep_lb_params *ps = ep_xcalloc(b->n ? b->n : 1, sizeof *ps);
  ep_lb_result *res = ep_xcalloc(b->n ? b->n : 1, sizeof *res);
  size_t m = 0;
  for (size_t i = 0; i < b->n; i++) {
    batch_item *it = &b->v[i];
    it->para.at = &it->at;
    if (it->blanks <= 0 && it->at.n && it->begun == LAY_LB_LATER) {
      seqs[m] = it->at.a;
      ns[m] = it->at.n;
      para_params(L, it->para.first_indent, it->para.rest_indent, it->para.align, &ps[m++]);
    }
  }
  lay_break_all(&L->in, m, seqs, ns, ps, res);
  for (size_t i = 0, k = 0; i < b->n; i++) {
    batch_item *it = &b->v[i];
    if (it->blanks > 0) {
      blank_lines(L, it->blanks);
      continue;
    }
    L->para++;
    if (!it->at.n) {
      blank_para(L, it->para.new_page);
    } else {
      ep_lb_result r;
      if (it->begun == LAY_LB_HIT)
        r = it->res;
      else if (it->begun == LAY_LB_JOB)
        lay_stream_take(&L->in, &b->stream, it->job, &r);
      else
        r = res[k++];
      para_lines(L, &it->para, &r);
      ep_lb_result_free(&r);
    }
    free(it->at.a);
    free(it->at.s);
  }
  lay_stream_free(&b->stream);
  free(res);
  free(ps);
  free(ns);
  free(seqs);
  free(b->v);
  memset(b, 0, sizeof *b);
}

// 'batch_full()' - Lay out B now when it holds enough (BATCH_ATOMS, BATCH_ITEMS).
static void batch_full(lay *L, lay_batch *b) {
  if (b->natoms >= BATCH_ATOMS || b->n >= BATCH_ITEMS) {
    batch_run(L, b);
    lay_paginate_ready(L);
  }
}

// 'batch_yishi()' - The children of N of KIND run into one paragraph as
// 一是……；二是……。 at the end of B; titles (issues, measures) lead bold.
static void batch_yishi(lay *L, lay_batch *b, const ep_node *n, ep_kind kind) {
  const ep_text_style *ts = &L->st->ts[EP_TS_BODY];
  batch_item *it = batch_add(L, b);
  atoms *at = &it->at;
  ifmt f = lay_fmt_for(ts, L->char_ratio);
  int count = 0, k = 0;
  for (const ep_node *c = n->first; c; c = c->next)
    count += c->kind == kind;
  for (const ep_node *c = n->first; c; c = c->next) {
    if (c->kind != kind)
      continue;
    k++;
    if (count > 1) {
      char num[64], lead[80];
      ep_format_chinese_ordinal(k, num, sizeof num);
      snprintf(lead, sizeof lead, "%s是", num);
      lay_add_text(&L->in, at, lead, &f, c->file, c->line, false);
    }
    lay_add_lead(&L->in, at, c, &f);
    lay_inline_text(&L->in, at, c, &f, 0);
    const ep_node *t = last_text(c, 0);
    bool has_mark = t && lay_ends_with_mark(t->text);
    if (!has_mark && count > 1)
      lay_add_text(&L->in, at, k == count ? "。" : "；", &f, c->file, c->line, false);
  }
  it->para = (para_in){NULL, ts->indent * ts->size * L->char_ratio, 0, EP_H_JUSTIFY, false, NULL, ts->size, false};
  b->natoms += at->n;
}

// 'batch_numbered()' - The children of N of KIND (issues, measures) as
// numbered paragraphs at the end of B: "1." + bold title + text.
static void batch_numbered(lay *L, lay_batch *b, const ep_node *n, ep_kind kind) {
  const ep_text_style *ts = &L->st->ts[EP_TS_BODY];
  int k = 0;
  for (const ep_node *c = n->first; c; c = c->next) {
    if (c->kind != kind)
      continue;
    k++;
    batch_full(L, b);
    batch_item *it = batch_add(L, b);
    ifmt f = lay_fmt_for(ts, L->char_ratio);
    char num[32];
    item_label(n, k, num, sizeof num);
    ifmt nf = f; // the number in the weight of the bold title it introduces
    nf.bold = c->text && c->text[0];
    lay_add_text(&L->in, &it->at, num, &nf, c->file, c->line, true);
    lay_add_lead(&L->in, &it->at, c, &f);
    lay_inline_text(&L->in, &it->at, c, &f, 0);
    it->para = (para_in){NULL, ts->indent * ts->size * L->char_ratio, 0, EP_H_JUSTIFY, false, NULL, ts->size, false};
    b->natoms += it->at.n;
  }
}

// 'batch_list()' - <list> N at the end of B: a yishi paragraph, or numbered
// or bullet items set as paragraphs (or hanging, as the layout says).
static void batch_list(lay *L, lay_batch *b, const ep_node *n) {
  if (n->style == EP_LIST_YISHI) {
    batch_yishi(L, b, n, EP_N_LI);
    return;
  }
  const ep_text_style *ts = &L->st->ts[EP_TS_BODY];
  double em = ts->size;
  int k = 0;
  for (const ep_node *c = n->first; c; c = c->next) {
    if (c->kind != EP_N_LI)
      continue;
    k++;
    char label[32];
    if (n->style == EP_LIST_BULLET)
      snprintf(label, sizeof label, "●");
    else
      item_label(n, k, label, sizeof label);
    batch_full(L, b);
    batch_item *it = batch_add(L, b);
    atoms *at = &it->at;
    ifmt f = lay_fmt_for(ts, L->char_ratio), lf = f;
    lf.bold = n->style != EP_LIST_BULLET && c->first && c->first->kind == EP_N_B; // "1." as bold as a bold lead
    lay_add_text(&L->in, at, label, &lf, c->file, c->line, true);
    double label_w = lay_width(at);
    if (n->style == EP_LIST_BULLET) {
      // a half-em gap after the bullet, drawn as a fixed space
      label_w += em / 2;
      atom_style st = at->s[0];
      st.off = 0;
      lay_push_atom(at, 0x2002, em / 2, em, EP_LB_GLUE_PREV | EP_LB_NO_AUTOSPACE, &st);
    }
    lay_inline_text(&L->in, at, c, &f, 0);
    // 回行顶格: continuation lines at the margin (GB/T 9704 body rule); a layout may hang them
    double first = ts->indent * em * L->char_ratio;
    it->para = (para_in){NULL, first, L->st->list_hang ? first + label_w : 0, EP_H_JUSTIFY, false, NULL, ts->size, false};
    b->natoms += at->n;
  }
}

// 'batch_fields()' - The <field>s from FIRST on (it and its next siblings: a
// <fields> block's, or the meta's) at the end of B: each a body paragraph led
// by its bold label and a full-width colon, its first line indented FIRST,
// the others REST.
static void batch_fields(lay *L, lay_batch *b, const ep_node *first, double first_indent, double rest_indent) {
  const ep_text_style *body = &L->st->ts[EP_TS_BODY];
  for (const ep_node *fl = first; fl; fl = fl->next) {
    if (fl->kind != EP_N_FIELD)
      continue;
    batch_full(L, b);
    batch_item *it = batch_add(L, b);
    ifmt f = lay_fmt_for(body, L->char_ratio), bf = f;
    bf.bold = true;
    ep_buf lead;
    ep_buf_init(&lead);
    ep_buf_printf(&lead, "%s：", fl->text ? fl->text : "");
    lay_add_text(&L->in, &it->at, ep_buf_str(&lead), &bf, fl->file, fl->line, false);
    ep_buf_free(&lead);
    lay_inline_text(&L->in, &it->at, fl, &f, 0);
    it->para = (para_in){NULL, first_indent, rest_indent, body->align, false, NULL, body->size, false};
    b->natoms += it->at.n;
  }
}

// 'batch_heading()' - The items of section S's heading line (or the run-in
// lead of its first paragraph, with that paragraph) at the end of B.
static void batch_heading(lay *L, lay_batch *b, const ep_node *s) {
  const ep_text_style *ts = heading_style(L, s->level);
  lay_record_section(L, s);
  ep_buf t;
  ep_buf_init(&t);
  if (s->number)
    ep_buf_puts(&t, s->number);
  ep_buf_puts(&t, s->text ? s->text : "");
  char *title = ep_xstrdup(ep_buf_str(&t));
  ep_buf_free(&t);
  if (s->runin) {
    // The heading runs into the first paragraph, bold; its first line is the section's.
    const ep_text_style *body = &L->st->ts[EP_TS_BODY];
    const ep_node *first = s->first;
    char *lead = ep_xmalloc(strlen(title) + 8);
    strcpy(lead, title);
    if (!lay_ends_with_mark(title))
      strcat(lead, "。");
    // the lead in its level's face and weight (楷体 at level 2), at the body size
    batch_item *it = batch_add(L, b);
    ifmt hf = lay_fmt_for(ts, L->char_ratio);
    hf.size = body->size;
    hf.bold = true;
    lay_add_text(&L->in, &it->at, lead, &hf, s->file, s->line, false);
    if (first && first->kind == EP_N_P) {
      ifmt bf = lay_fmt_for(body, L->char_ratio);
      lay_inline_text(&L->in, &it->at, first, &bf, 0);
    }
    it->para = (para_in){NULL, body->indent * body->size * L->char_ratio, 0, EP_H_JUSTIFY, false, s, body->size, false};
    b->natoms += it->at.n;
    free(lead);
    free(title); // the section's children skip the merged paragraph
    return;
  }
  batch_blanks(L, b, ts->space_before);
  batch_item *it = batch_add(L, b);
  ifmt f = lay_fmt_for(ts, L->char_ratio);
  lay_add_text(&L->in, &it->at, title, &f, s->file, s->line, false);
  lay_glue_words(&L->in, &it->at, 0);
  it->para = (para_in){NULL, ts->indent * ts->size * L->char_ratio, 0, ts->align == EP_H_JUSTIFY ? EP_H_LEFT : ts->align,
                       true, s, ts->size, false};
  b->natoms += it->at.n;
  batch_blanks(L, b, ts->space_after);
  free(title);
}

// 'heading()' - A section or appendix heading line (or the run-in lead of its first paragraph).
static void heading(lay *L, const ep_node *s) {
  lay_batch b = {0};
  batch_heading(L, &b, s);
  batch_run(L, &b);
}

// 'batch_para()' - Body paragraph N at the end of B.
static void batch_para(lay *L, lay_batch *b, const ep_node *n) {
  const ep_text_style *body = &L->st->ts[EP_TS_BODY];
  batch_item *it = batch_add(L, b);
  ifmt f = lay_fmt_for(body, L->char_ratio);
  lay_inline_text(&L->in, &it->at, n, &f, 0);
  it->para = (para_in){NULL, body->indent * body->size * L->char_ratio, 0, body->align, false, NULL, body->size, false};
  b->natoms += it->at.n;
}

// 'paragraphs_only()' - True when block C is set as paragraphs only: a
// paragraph, a list, fields, or issues or measures outside a table.
static bool paragraphs_only(const ep_node *c) {
  return c->kind == EP_N_P || c->kind == EP_N_LIST || c->kind == EP_N_FIELDS || c->kind == EP_N_ISSUES ||
         c->kind == EP_N_MEASURES;
}

// 'simple_section()' - True when section S holds only paragraphs (paragraphs_only()) and such
// sections, and layout_blocks() would lay out its children (DEPTH >= 0: the
// levels left below S's, EP_MAX_NESTING + 1 less the depth S is laid out at)
// and theirs: its layout is then a batch (batch_section()).
static bool simple_section(const ep_node *s, int depth) {
  if (depth < 0)
    return false;
  for (const ep_node *c = s->first; c; c = c->next)
    if (!paragraphs_only(c) && !(c->kind == EP_N_SECTION && simple_section(c, depth - 1)))
      return false;
  return true;
}

// 'batchable()' - True when block C, a child laid out by layout_blocks() at
// DEPTH, goes into a batch there: paragraphs only, or a simple section.
static bool batchable(const ep_node *c, int depth) {
  return paragraphs_only(c) || (c->kind == EP_N_SECTION && simple_section(c, EP_MAX_NESTING + 1 - depth));
}

static void batch_section(lay *L, lay_batch *b, const ep_node *s);

// 'batch_block()' - Block C (batchable()) at the end of B.
static void batch_block(lay *L, lay_batch *b, const ep_node *c) {
  switch (c->kind) {
  case EP_N_P:
    batch_para(L, b, c);
    break;
  case EP_N_SECTION:
    batch_section(L, b, c);
    break;
  case EP_N_LIST:
    batch_list(L, b, c);
    break;
  case EP_N_FIELDS: {
    const ep_text_style *body = &L->st->ts[EP_TS_BODY];
    batch_fields(L, b, c->first, body->indent * body->size * L->char_ratio, 0);
    break;
  }
  case EP_N_ISSUES:
  case EP_N_MEASURES:
    if (c->style == EP_LIST_YISHI)
      batch_yishi(L, b, c, c->kind == EP_N_ISSUES ? EP_N_ISSUE : EP_N_MEASURE);
    else
      batch_numbered(L, b, c, c->kind == EP_N_ISSUES ? EP_N_ISSUE : EP_N_MEASURE);
    break;
  default:
    break;
  }
}

// 'batch_section()' - Simple section S (simple_section()) at the end of B:
// its heading, then its paragraphs and sections, as layout_blocks() sets them.
static void batch_section(lay *L, lay_batch *b, const ep_node *s) {
  batch_heading(L, b, s);
  const ep_node *c = s->first;
  if (s->runin && c && c->kind == EP_N_P)
    c = c->next; // merged into the heading's line
  for (; c; c = c->next) {
    batch_full(L, b);
    batch_block(L, b, c);
  }
}

// 'toc_title()' - The 目录's title line in heading style HS (on a new page when
// the layout gives the 目录 pages of its own).
static void toc_title(lay *L, const ep_node *toc, const ep_text_style *hs) {
  atoms at = {0};
  ifmt f = lay_fmt_for(hs, L->char_ratio);
  lay_add_text(&L->in, &at, toc->text && toc->text[0] ? toc->text : "目录", &f, toc->file, toc->line, false);
  lay_set_para(L, &at, 0, 0, EP_H_CENTER, true, NULL, hs->size, L->st->toc_own_page);
  free(at.a);
  free(at.s);
}

// 'toc_entry()' - The 目录 lines of section X in style TS: its number and
// title, broken to leave room on the last line for dot leaders and its page
// number (from the previous pass), and a link over the whole entry.
static void toc_entry(lay *L, const ep_node *x, const ep_text_style *ts) {
  double em = ts->size;
  int level = x->kind == EP_N_APPENDIX ? 1 : x->level;
  atoms at = {0};
  ifmt f = lay_fmt_for(ts, L->char_ratio);
  ep_buf t;
  ep_buf_init(&t);
  if (x->number)
    ep_buf_printf(&t, "%s%s", x->number, x->kind == EP_N_APPENDIX ? " " : "");
  ep_buf_puts(&t, x->text ? x->text : "");
  lay_add_text(&L->in, &at, ep_buf_str(&t), &f, x->file, x->line, false);
  lay_glue_words(&L->in, &at, 0); // an entry breaks between words, as its heading does (not 花名/册)
  ep_buf_free(&t);
  double indent = (level - 1) * em;
  bool numbered;
  int pg = lay_page_of(L, x, &numbered);
  char pn[32] = "";
  if (numbered) // a section on a page without a number gets neither number nor leaders
    snprintf(pn, sizeof pn, "%d", pg);
  // measure the page number
  atoms pa = {0};
  size_t nd0 = L->in.diags->count;
  lay_add_text(&L->in, &pa, pn, &f, x->file, x->line, true);
  L->toc_num_diags += L->in.diags->count - nd0;
  double pw = lay_width(&pa);
  // Lines of the entry text, leaving room for leaders and the number on the last line.
  double reserve = pw + 2 * em;
  L->para++;
  ep_lb_params p;
  ep_lb_params_init(&p, L->st->body_w - indent - reserve);
  p.min_last_chars = 1;
  ep_lb_result res;
  if (ep_linebreak(at.a, at.n, &p, &res) != 0)
    abort();
  for (size_t k = 0; k < res.nlines; k++) {
    const ep_lb_line *ln = &res.lines[k];
    line_item *li = lay_new_line(L);
    li->idx = (int)k;
    li->count = (int)res.nlines;
    li->size = ts->size;
    li->toc_of = x;
    double left = L->st->left + indent;
    lay_emit_runs(&L->in, &at, res.x, ln->start, ln->end, left);
    if (k + 1 == res.nlines) {
      double text_end = left + ln->width_used;
      double num_x = L->st->left + L->st->body_w - pw;
      // leaders: middle dots every half em between the text and the number
      atoms lead = {0};
      double step = em / 2;
      double x0 = ceil((text_end + em / 4 - L->st->left) / step) * step + L->st->left;
      int nd = numbered ? (int)floor((num_x - em / 4 - x0) / step) : 0;
      if (nd > 0) {
        size_t ld0 = L->in.diags->count;
        for (int d = 0; d < nd; d++)
          lay_add_text(&L->in, &lead, ".", &f, x->file, x->line, true);
        L->toc_num_diags += L->in.diags->count - ld0;
        double *xs = ep_xmalloc(lead.n * sizeof *xs);
        for (size_t d = 0; d < lead.n; d++)
          xs[d] = (double)d * step;
        lay_emit_runs(&L->in, &lead, xs, 0, lead.n, x0);
        free(xs);
      }
      free(lead.a);
      free(lead.s);
      if (pa.n)
        lay_emit_natural(&L->in, &pa, num_x);
      // a link over the whole entry
      ep_box *lk = lay_proto(&L->in, EP_BOX_LINK);
      lk->x = left;
      lk->y = -ts->size * 0.2;
      lk->w = L->st->left + L->st->body_w - left;
      lk->h = ts->size * 1.1;
      lk->dest_id = lay_sec_id(L, x);
    }
    li->nbox = L->in.nprotos - li->box0;
  }
  ep_lb_result_free(&res);
  free(at.a);
  free(at.s);
  free(pa.a);
  free(pa.s);
}

// 'toc_block()' - The 目录: title, then one entry per section up to the depth, with dot leaders and page numbers.
static void toc_block(lay *L, const ep_node *toc) {
  const ep_text_style *ts = &L->st->ts[EP_TS_TOC];
  const ep_text_style *hs = &L->st->ts[EP_TS_H1];
  int maxdepth = toc->toc_depth > 0 ? toc->toc_depth : L->st->toc_depth;
  toc_title(L, toc, hs);
  for (const ep_node *x = L->r->body; x;) {
    if ((x->kind == EP_N_SECTION && x->level <= maxdepth) || x->kind == EP_N_APPENDIX)
      toc_entry(L, x, ts);
    // pre-order walk over sections only
    const ep_node *next = NULL;
    if ((x->kind == EP_N_BODY || x->kind == EP_N_SECTION) && x->first)
      next = x->first;
    while (!next && x) {
      if (x->next) {
        next = x->next;
        break;
      }
      x = x->parent;
    }
    x = next;
  }
  if (L->st->pn_start == 2)
    L->want_num_start = true; // the body starts on a new page, numbered from 1
  else if (L->st->toc_own_page)
    L->want_new_page = true;
  else
    blank_lines(L, 1);
}

// 'signature_block()' - 落款: optional text, then issuer and date right-aligned 4 characters in.
static void signature_block(lay *L, const ep_node *n) {
  const ep_text_style *ts = &L->st->ts[EP_TS_BODY];
  double em = ts->size;
  if (n->text && n->text[0]) {
    atoms at = {0};
    ifmt f = lay_fmt_for(ts, L->char_ratio);
    lay_add_text(&L->in, &at, n->text, &f, n->file, n->line, false);
    lay_set_para(L, &at, ts->indent * em * L->char_ratio, 0, EP_H_JUSTIFY, false, NULL, ts->size, false);
    free(at.a);
    free(at.s);
  }
  blank_lines(L, 1);
  const ep_meta *m = &L->r->meta;
  char date[64] = "";
  if (m->date_y)
    snprintf(date, sizeof date, "%d年%d月%d日", m->date_y, m->date_m, m->date_d);
  // GB/T 9704 7.3.5: the date 4 characters in from the right; the issuer
  // centred over the date.
  const char *lines[2] = {m->issuer, date[0] ? date : NULL};
  atoms at[2] = {{0}, {0}};
  double w[2] = {0, 0};
  for (int i = 0; i < 2; i++) {
    if (!lines[i] || !lines[i][0])
      continue;
    ifmt f = lay_fmt_for(ts, L->char_ratio);
    // (from <meta>: its diagnostics point there)
    const char *file = i == 0 ? m->issuer_file : m->date_file;
    lay_add_text(&L->in, &at[i], lines[i], &f, file ? file : L->r->path, i == 0 ? m->issuer_line : m->date_line,
                 false);
    w[i] = lay_width(&at[i]);
  }
  double right = L->st->left + L->st->body_w - 4 * em * L->char_ratio;
  double centre = w[1] > 0 ? right - w[1] / 2 : right - w[0] / 2;
  for (int i = 0; i < 2; i++) {
    if (!at[i].n)
      continue;
    double left = i == 1 ? right - w[1] : centre - w[0] / 2;
    if (left + w[i] > L->st->left + L->st->body_w)
      left = L->st->left + L->st->body_w - w[i];
    if (left < L->st->left)
      left = L->st->left;
    L->para++;
    line_item *li = lay_new_line(L);
    li->count = 1;
    li->size = ts->size;
    lay_emit_natural(&L->in, &at[i], left);
    li->nbox = L->in.nprotos - li->box0;
    free(at[i].a);
    free(at[i].s);
  }
}

// 'text_para()' - One unindented paragraph of plain TEXT in style TS (kept with
// what follows), set ALIGN; SECTION marks a heading; NEW_PAGE starts a page.
static void text_para(lay *L, const char *text, const ep_text_style *ts, ep_halign align, const ep_node *section,
                      bool new_page, const ep_node *src) {
  atoms at = {0};
  ifmt f = lay_fmt_for(ts, L->char_ratio);
  lay_add_text(&L->in, &at, text, &f, src->file, src->line, false);
  lay_set_para(L, &at, 0, 0, align, true, section, ts->size, new_page);
  free(at.a);
  free(at.s);
}

// 'layout_blocks()' - Every block child of PARENT.
static void layout_blocks(lay *L, const ep_node *parent, int depth) {
  if (depth > EP_MAX_NESTING + 2)
    return;
  for (const ep_node *c = parent->first; c; c = c->next) {
    if (batchable(c, depth)) {
      // A run of blocks set as paragraphs and of sections of them: one batch (their
      // line breaks at once, on two threads when the layout has a runner).
      lay_batch b = {0};
      for (const ep_node *d = c; d; d = d->next) {
        if (d != c && !batchable(d, depth))
          break;
        batch_full(L, &b);
        batch_block(L, &b, d);
        c = d;
      }
      batch_run(L, &b);
      lay_paginate_ready(L);
      continue;
    }
    switch (c->kind) {
    case EP_N_SECTION: {
      heading(L, c);
      const ep_node *start = c->first;
      if (c->runin && start && start->kind == EP_N_P)
        start = start->next;
      // lay out the remaining children
      ep_node shell; // a section has no figure part: copy what it has
      memset(&shell, 0, sizeof shell);
      memcpy(&shell, c, EP_NODE_LIGHT);
      shell.first = (ep_node *)start;
      layout_blocks(L, &shell, depth + 1);
      break;
    }
    case EP_N_APPENDIX: {
      // GB/T 9704 7.3.7: a new page, 附件N at the top left, the title centred.
      lay_record_section(L, c);
      text_para(L, c->number ? c->number : "附件", &L->st->ts[EP_TS_APPENDIX], EP_H_LEFT, c, true, c);
      blank_lines(L, 1);
      atoms at = {0};
      ifmt f = lay_fmt_for(&L->st->ts[EP_TS_TITLE], L->char_ratio);
      lay_add_text(&L->in, &at, c->text ? c->text : "", &f, c->file, c->line, false);
      lay_balanced_para(L, &at, 0, L->st->body_w, f.size, true);
      free(at.a);
      free(at.s);
      blank_lines(L, 1);
      layout_blocks(L, c, depth + 1);
      break;
    }
    case EP_N_PAGEBREAK: {
      L->para++;
      line_item *li = lay_new_line(L);
      li->blank = true;
      li->new_page = true;
      li->count = 1;
      // the blank line itself is dropped at a page top
      break;
    }
    case EP_N_TOC:
      toc_block(L, c);
      break;
    case EP_N_SIGNATURE:
      signature_block(L, c);
      break;
    case EP_N_TABLE:
    case EP_N_FUNDS:
    case EP_N_SCORING:
    case EP_N_FORM:
    case EP_N_ISSUES_AND_MEASURES:
      {
        tbl_host h = lay_table_host(L);
        lay_table_block(&h, c);
      }
      break;
    default:
      break;
    }
    lay_paginate_ready(L);
  }
}

// 'centred_line()' - One centred line of TEXT in text style TS (from FILE at
// LINE, for the diagnostics about its characters).
static void centred_line(lay *L, const char *text, const ep_text_style *ts, const char *file, unsigned long line) {
  if (!text || !text[0])
    return;
  atoms at = {0};
  ifmt f = lay_fmt_for(ts, L->char_ratio);
  lay_add_text(&L->in, &at, text, &f, file ? file : L->r->path, line, false);
  lay_balanced_para(L, &at, 0, L->st->body_w, ts->size, true);
  free(at.a);
  free(at.s);
}

// 'title_parts()' - The report's title or subtitle TEXT in text style TS,
// centred in a measure of W pt INSET in from the body's left edge: each part
// the author ended with <br/> ('\n' in the model's title_lines) starts a new
// line and is balanced on its own (lay_balanced_para()). FILE and LINE: where
// it came from.
static void title_parts(lay *L, const char *text, const ep_text_style *ts, double inset, double W, const char *file,
                        unsigned long line) {
  for (const char *p = text; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    char *part = ep_xmalloc(len + 1);
    memcpy(part, p, len);
    part[len] = 0;
    atoms at = {0};
    ifmt f = lay_fmt_for(ts, L->char_ratio);
    lay_add_text(&L->in, &at, part, &f, file ? file : L->r->path, line, false);
    lay_balanced_para(L, &at, inset, W, ts->size, true);
    free(at.a);
    free(at.s);
    free(part);
    p = nl ? nl + 1 : p + len;
  }
}

// 'cover_page()' - A cover: the title a quarter down, the subtitle, the meta
// fields as a block, and the issuer and date at the foot; the body starts on
// the next page.
static void cover_page(lay *L) {
  const ep_meta *m = &L->r->meta;
  const ep_style *st = L->st;
  int rows = st->lines > 0 ? st->lines : (int)floor(st->body_h / st->pitch);
  size_t start = L->nlines;
  // a blank first line would be dropped at the page top: start with an empty proto line
  L->para++;
  line_item *li = lay_new_line(L);
  li->count = 1;
  blank_lines(L, rows / 4 - 1);
  // a cover title keeps a margin
  title_parts(L, m->title_lines, &st->ts[EP_TS_TITLE], st->body_w * 0.1, st->body_w * 0.8, m->title_file,
              m->title_line);
  title_parts(L, m->subtitle_lines, &st->ts[EP_TS_SUBTITLE], 0, st->body_w, m->subtitle_file, m->subtitle_line);
  blank_lines(L, 3);
  const ep_text_style *body = &st->ts[EP_TS_BODY];
  lay_batch fields = {0};
  batch_fields(L, &fields, m->fields, st->body_w * 0.2, st->body_w * 0.2);
  batch_run(L, &fields);
  int used = 0;
  for (size_t i = start; i < L->nlines; i++)
    used += L->lines[i].span > 0 ? L->lines[i].span : 1;
  char date[64] = "";
  if (m->date_y)
    snprintf(date, sizeof date, "%d年%d月%d日", m->date_y, m->date_m, m->date_d);
  int foot = (m->issuer ? 1 : 0) + (date[0] ? 1 : 0);
  if (rows - 2 - foot - used > 0)
    blank_lines(L, rows - 2 - foot - used);
  centred_line(L, m->issuer, body, m->issuer_file, m->issuer_line);
  centred_line(L, date[0] ? date : NULL, body, m->date_file, m->date_line);
  bool has_toc = false;
  for (const ep_node *c = L->r->body ? L->r->body->first : NULL; c; c = c->next)
    has_toc |= c->kind == EP_N_TOC;
  if (st->pn_start == 1 || (st->pn_start == 2 && !has_toc))
    L->want_num_start = true;
  else
    L->want_new_page = true;
}

// 'title_block()' - Title, subtitle and meta fields at the top of page 1.
static void title_block(lay *L) {
  const ep_meta *m = &L->r->meta;
  if (L->st->cover) {
    cover_page(L);
    return;
  }
  const ep_text_style *tt = &L->st->ts[EP_TS_TITLE];
  title_parts(L, m->title_lines, tt, 0, L->st->body_w, m->title_file, m->title_line);
  blank_lines(L, tt->space_after);
  if (m->subtitle) {
    const ep_text_style *st = &L->st->ts[EP_TS_SUBTITLE];
    title_parts(L, m->subtitle_lines, st, 0, L->st->body_w, m->subtitle_file, m->subtitle_line);
    blank_lines(L, st->space_after);
  } else {
    blank_lines(L, 1);
  }
  const ep_text_style *body = &L->st->ts[EP_TS_BODY];
  bool signed_ = false;
  for (const ep_node *x = L->r->kind_nodes[EP_N_SIGNATURE] ? L->r->body : NULL; x && !signed_;
       x = ep_next_node(x, L->r->body))
    signed_ = x->kind == EP_N_SIGNATURE;
  if (!signed_ && (m->issuer || m->date_y)) { // no 落款: issuer and date under the title
    char date[64] = "";
    if (m->date_y)
      snprintf(date, sizeof date, "%d年%d月%d日", m->date_y, m->date_m, m->date_d);
    ep_buf who;
    ep_buf_init(&who);
    ep_buf_printf(&who, "%s%s%s", m->issuer ? m->issuer : "", m->issuer && date[0] ? "　" : "", date);
    // (the issuer's characters are the ones a font may lack; the date's are digits and 年月日)
    centred_line(L, ep_buf_str(&who), body, m->issuer ? m->issuer_file : m->date_file,
                 m->issuer ? m->issuer_line : m->date_line);
    ep_buf_free(&who);
    blank_lines(L, 1);
  }
  lay_batch fields = {0};
  batch_fields(L, &fields, m->fields, body->indent * body->size * L->char_ratio, 0);
  batch_run(L, &fields);
  if (m->fields) // (every one is a <field>: the model builds no other)
    blank_lines(L, 1);
}

// ---------------------------------------------------------------------------
// Pagination

// 'ep_layout_report()' - Lay out the whole report.
ep_dlist *ep_layout_report(const ep_report *r, const ep_style *st, ep_diags *diags) {
  return ep_layout_report_with(r, st, diags, NULL, NULL);
}

static ep_dlist *layout_report(const ep_report *r, const ep_style *st, ep_diags *diags, size_t chunk,
                               ep_pass_fn on_pass, void *user, bool patch_toc, const ep_layout_par *par);

// 'ep_layout_report_chunked()' - Lay out R, paginating CHUNK line items behind.
ep_dlist *ep_layout_report_chunked(const ep_report *r, const ep_style *st, ep_diags *diags, size_t chunk) {
  return layout_report(r, st, diags, chunk, NULL, NULL, true, NULL);
}

// 'ep_layout_report_full_passes()' - Lay out R without the 目录 patch.
ep_dlist *ep_layout_report_full_passes(const ep_report *r, const ep_style *st, ep_diags *diags) {
  return layout_report(r, st, diags, PAGINATE_CHUNK, NULL, NULL, false, NULL);
}

// 'ep_layout_report_with()' - Lay out R, telling ON_PASS of each pass another follows.
ep_dlist *ep_layout_report_with(const ep_report *r, const ep_style *st, ep_diags *diags, ep_pass_fn on_pass,
                                void *user) {
  return layout_report(r, st, diags, PAGINATE_CHUNK, on_pass, user, true, NULL);
}

// 'ep_layout_report_par()' - ep_layout_report_with() with a parallel runner.
ep_dlist *ep_layout_report_par(const ep_report *r, const ep_style *st, ep_diags *diags, ep_pass_fn on_pass,
                               void *user, const ep_layout_par *par) {
  return layout_report(r, st, diags, PAGINATE_CHUNK, on_pass, user, true, par);
}

// 'toc_patch()' - After a pass that placed sections on other pages than its
// 目录 printed: set the 目录's entries again with the pages just found and put
// them in place of the old ones, when each entry keeps its number of lines.
// The pagination is then what another pass would make, so that pass is not
// needed. False, with the pages untouched, when some entry would change its
// lines, some <ref page> may move text, the pass's page numbers or leaders
// reported something (a missing digit: another pass might not), or setting
// the entries again reports something new; another pass is needed then.
// The entries print with the numbering start this pass found, as the next
// pass would.
static bool toc_patch(lay *L) {
  if (L->refs_shown || L->pg_stopped || L->overflow || !L->ntocs || L->toc_num_diags)
    return false;
  L->toc_first_num = L->first_num;
  for (size_t i = 0; i < L->nlines; i++)
    if (L->lines[i].table)
      lay_table_free(L->lines[i].table);
  L->nlines = 0;
  L->in.nprotos = 0;
  bool num_start = L->want_num_start, new_page = L->want_new_page;
  L->want_num_start = L->want_new_page = false;
  size_t ndiags = L->in.diags->count;
  bool ok = true;
  for (size_t i = 0; i < L->ntocs && ok;) {
    const toc_place *t = &L->tocs[i];
    ok = t->idx == 0 && t->count > 0 && (size_t)t->count <= L->ntocs - i;
    for (int k = 0; ok && k < t->count; k++)
      ok = L->tocs[i + (size_t)k].sec == t->sec && L->tocs[i + (size_t)k].idx == k;
    if (!ok)
      break;
    size_t first = L->nlines;
    toc_entry(L, t->sec, &L->st->ts[EP_TS_TOC]);
    ok = L->nlines - first == (size_t)t->count;
    i += (size_t)t->count;
  }
  L->want_num_start = num_start;
  L->want_new_page = new_page;
  if (!ok || L->in.diags->count != ndiags)
    return false;
  // Each line's boxes replace the old line's, last first, so that the places
  // of the lines before it on its page stay valid.
  for (size_t j = L->ntocs; j-- > 0;) {
    const toc_place *t = &L->tocs[j];
    const line_item *li = &L->lines[j];
    ep_page *page = &L->in.dl->pages[t->page];
    if (li->nbox != t->nb) { // the boxes after the line move
      size_t n = page->n - t->nb + li->nbox;
      if (n > page->cap) {
        page->cap = n;
        page->boxes = ep_xrealloc(page->boxes, page->cap * sizeof *page->boxes);
      }
      memmove(page->boxes + t->b0 + li->nbox, page->boxes + t->b0 + t->nb,
              (page->n - t->b0 - t->nb) * sizeof *page->boxes);
      page->n = n;
    }
    for (size_t k = 0; k < li->nbox; k++) {
      ep_box *b = &page->boxes[t->b0 + k];
      *b = L->in.protos[li->box0 + k];
      b->y += t->baseline;
    }
  }
  return true;
}

// 'layout_report()' - Lay out R, paginating CHUNK line items behind, telling
// ON_PASS (if any) of each pass another pass follows; PATCH_TOC: a 目录 that
// only needs its page numbers set again is patched (toc_patch()) instead;
// PAR (if any) breaks several paragraphs' lines at once.
static ep_dlist *layout_report(const ep_report *r, const ep_style *st, ep_diags *diags, size_t chunk,
                               ep_pass_fn on_pass, void *user, bool patch_toc, const ep_layout_par *par) {
  lay L;
  memset(&L, 0, sizeof L);
  L.chunk = chunk < 2 ? 2 : chunk;
  L.r = r;
  L.st = st;
  const ep_text_style *body = &st->ts[EP_TS_BODY];
  L.char_ratio = st->chars > 0 ? (st->body_w / st->chars) / body->size : 1.0;
  L.in.ws = ep_wordseg_new();
  L.in.ref_id = ref_id;
  L.in.ref_page = ref_page;
  L.in.user = &L;
  if (par && par->run) {
    L.in.par = par->run;
    L.in.par_open = par->open && par->ready && par->close ? par->open : NULL;
    L.in.par_ready = par->ready;
    L.in.par_close = par->close;
    L.in.par_user = par->user;
  }
  ep_dlist *dl = NULL;
  ep_diags scratch;
  L.outline_depth = st->toc_depth;
  for (const ep_node *c = r->body ? r->body->first : NULL; c; c = c->next)
    if (c->kind == EP_N_TOC && c->toc_depth > 0)
      L.outline_depth = c->toc_depth;
  for (const ep_node *x = r->body; x; x = ep_next_block(x, r->body)) { // (every section and 目录 is a block)
    if (x->kind == EP_N_SECTION || x->kind == EP_N_APPENDIX)
      lay_record_section(&L, x);
    L.pages_shown |= x->kind == EP_N_TOC;
  }
  for (const ep_node *x = r->kind_nodes[EP_N_REF] ? r->body : NULL; x && !L.refs_shown; x = ep_next_node(x, r->body))
    L.refs_shown = x->kind == EP_N_REF && x->page;
  L.pages_shown |= L.refs_shown;
  for (const ep_node *f = r->meta.fields; f; f = f->next) // the title block's fields print refs too
    for (const ep_node *x = f; x; x = ep_next_node(x, f))
      if (x->kind == EP_N_REF && x->page)
        L.pages_shown = L.refs_shown = true;
  // A second pass sets the same paragraphs again, but for the page numbers
  // (a 目录 alone whose entries keep their lines is patched: toc_patch()).
  L.in.lbmemo = L.pages_shown ? ep_lb_memo_new() : NULL;
  // Pass until the page numbers the report prints (目录, <ref page>) are
  // stable (at most 5 passes); a report that prints none needs one pass.
  // Only the last pass reports its warnings.
  int passes = 0;
  for (int pass = 0; pass < 5; pass++) {
    passes++;
    ep_diags_init(&scratch);
    L.in.diags = &scratch;
    if (dl)
      ep_dlist_free(dl);
    dl = ep_dlist_new();
    L.in.dl = dl;
    for (size_t i = 0; i < L.nlines; i++)
      if (L.lines[i].table)
        lay_table_free(L.lines[i].table);
    L.in.nprotos = L.nlines = 0;
    L.para = 0;
    L.in.nmissing = 0;
    L.want_num_start = L.want_new_page = false;
    L.overflow = false;
    L.toc_changed = false;
    L.pg_page = 0;
    L.pg_row = 0;
    L.pg_stopped = false;
    L.drop_file = NULL;
    L.drop_line = 0;
    L.ntocs = 0;
    L.toc_num_diags = 0;
    L.toc_first_num = L.first_num; // the previous pass's (0 in the first)
    title_block(&L);
    if (r->body)
      layout_blocks(&L, r->body, 0);
    lay_paginate(&L);
    if (L.pages_shown && L.first_num != L.toc_first_num)
      L.toc_changed = true; // every printed page number moves with the numbering start
    if (!L.toc_changed || pass == 4)
      break;
    if (patch_toc && toc_patch(&L)) {
      dl->toc_patched = true;
      break;
    }
    if (on_pass) { // numbered as the last pass will number it: its text is complete
      lay_page_numbers(&L);
      on_pass(user, dl);
    }
    ep_diags_free(&scratch);
  }
  for (size_t i = 0; i < L.nlines; i++)
    if (L.lines[i].table)
      lay_table_free(L.lines[i].table);
  dl->layout_passes = passes;
  lay_page_numbers(&L);
  ep_dlist_trim(dl);
  ep_diags_append(diags, &scratch);
  ep_diags_free(&scratch);
  free(L.in.protos);
  free(L.in.stream_jobs);
  free(L.in.stream_keys);
  free(L.lines);
  free(L.sec_nodes);
  free(L.sec_pages);
  free(L.tocs);
  free(L.sec_hash);
  free(L.in.missing);
  free(L.in.ink);
  ep_wordseg_free(L.in.ws);
  ep_lb_memo_free(L.in.lbmemo);
  dl->title = r->meta.title;
  dl->author = r->meta.issuer;
  dl->subject = r->meta.subtitle;
  dl->title_file = r->meta.title_file;
  dl->author_file = r->meta.issuer_file;
  dl->subject_file = r->meta.subtitle_file;
  dl->title_line = r->meta.title_line;
  dl->author_line = r->meta.issuer_line;
  dl->subject_line = r->meta.subtitle_line;
  return dl;
}
