// Layout of text blocks: inline content → atoms → lines (ep_linebreak) →
// line items → pages. Tables and other table-like blocks come with the
// tables work; until then they are left out with one warning each.
#include "layout_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// 'lay_push_atom()' - Append one atom with its style.
void lay_push_atom(atoms *at, uint32_t cp, double adv, double em, unsigned flags, const atom_style *s) {
  if (at->n == at->cap) {
    at->cap = at->cap ? at->cap * 2 : 16;
    at->a = ep_xrealloc(at->a, at->cap * sizeof *at->a);
    at->s = ep_xrealloc(at->s, at->cap * sizeof *at->s);
  }
  at->a[at->n].cp = cp;
  at->a[at->n].advance = adv;
  at->a[at->n].em = em;
  at->a[at->n].flags = flags | at->pending_flags;
  at->pending_flags = 0;
  at->s[at->n] = *s;
  at->n++;
}

// 'warn_missing()' - One warning per character and source line that no face covers.
static void warn_missing(lay *L, uint32_t cp, const ep_text_style *ts, const char *file, unsigned long line,
                         bool nonbmp) {
  uint64_t key = ((uint64_t)cp << 32) | (line & 0xFFFFFFFFu);
  for (size_t i = 0; i < L->nmissing; i++)
    if (L->missing[i] == key)
      return;
  if (L->nmissing == L->cmissing) {
    L->cmissing = L->cmissing ? L->cmissing * 2 : 16;
    L->missing = ep_xrealloc(L->missing, L->cmissing * sizeof *L->missing);
  }
  L->missing[L->nmissing++] = key;
  char u[8] = {0};
  ep_utf8_encode(cp, u);
  if (nonbmp)
    ep_diag_add(L->diags, EP_WARNING, file, line, "missing-glyph",
                "character “%s” (U+%04X) lies outside the Basic Multilingual Plane, which the PDF writer (libharu 2.3) cannot embed; it prints as a blank.",
                u, (unsigned)cp);
  else
    ep_diag_add(L->diags, EP_WARNING, file, line, "missing-glyph",
                "character “%s” (U+%04X) is in no font of role %s; it prints as an empty box (install a font that has it, or point the role at one).",
                u, (unsigned)cp, ts->role_name ? ts->role_name : "?");
}

// 'lay_add_text()' - Append the characters of UTF-8 S as atoms in format F.
// GLUE: no break inside S (a figure or a number).
void lay_add_text(lay *L, atoms *at, const char *s, const ifmt *f, const char *file, unsigned long line,
                     bool glue) {
  size_t len = strlen(s);
  bool first = true;
  for (size_t i = 0; i < len;) {
    uint32_t cp = ep_utf8_next(s, len, &i);
    atom_style as = {f->link, NULL, f->size, f->bold, f->underline, f->rise, file, line};
    ep_face *face = NULL;
    bool nonbmp = cp > 0xFFFF;
    if (!nonbmp)
      face = ep_role_face_for(f->ts->role, cp);
    if (!face) {
      if (cp != ' ')
        warn_missing(L, cp, f->ts, file, line, nonbmp);
      face = ep_role_face(f->ts->role, 0);
      if (nonbmp)
        cp = 0x3000; // an ideographic space keeps the measure
    }
    as.face = face;
    int adv1000 = face ? ep_face_advance(face, cp) : 1000;
    double adv = adv1000 * f->size / 1000.0;
    if (adv1000 >= 1000 && ep_is_cjk(cp))
      adv = f->size * L->char_ratio;
    if (cp == '\t' || cp == '\n')
      cp = ' ';
    unsigned flags = (glue && !first) ? EP_LB_GLUE_PREV : 0;
    lay_push_atom(at, cp, adv, f->size, flags, &as);
    first = false;
  }
}

static const char *sec_id(lay *L, const ep_node *s);

// 'sec_find()' - Index of section S in sec_nodes, or SIZE_MAX: a hash of
// the node's address (linear probing), so 100k sections stay linear.
static size_t sec_find(const lay *L, const ep_node *s) {
  for (size_t h = L->sec_hcap ? (size_t)(((uintptr_t)s >> 4) * 0x9E3779B97F4A7C15ull) & (L->sec_hcap - 1) : 0;
       L->sec_hcap && L->sec_hash[h]; h = (h + 1) & (L->sec_hcap - 1))
    if (L->sec_nodes[L->sec_hash[h] - 1] == s)
      return L->sec_hash[h] - 1;
  return SIZE_MAX;
}

// 'lay_inline_text()' - Atoms for the inline children of N.
void lay_inline_text(lay *L, atoms *at, const ep_node *n, const ifmt *f, int depth) {
  if (depth > EP_MAX_NESTING + 2)
    return;
  for (const ep_node *c = n->first; c; c = c->next) {
    ifmt g = *f;
    switch (c->kind) {
    case EP_N_TEXT:
      lay_add_text(L, at, c->text, f, c->file, c->line, false);
      break;
    case EP_N_B:
      g.bold = true;
      lay_inline_text(L, at, c, &g, depth + 1);
      break;
    case EP_N_U:
      g.underline = true;
      lay_inline_text(L, at, c, &g, depth + 1);
      break;
    case EP_N_SUP:
    case EP_N_SUB:
      g.size = f->size * 0.6;
      g.rise = c->kind == EP_N_SUP ? f->size * 0.35 : -f->size * 0.15;
      lay_inline_text(L, at, c, &g, depth + 1);
      break;
    case EP_N_BR:
      at->pending_flags |= EP_LB_BREAK_BEFORE;
      break;
    case EP_N_VALUE:
      if (c->result)
        lay_add_text(L, at, c->result, f, c->file, c->line, true);
      break;
    case EP_N_AMOUNT:
      if (c->result) {
        lay_add_text(L, at, c->result, f, c->file, c->line, true);
        if (c->unit)
          lay_add_text(L, at, c->unit, f, c->file, c->line, false);
      }
      break;
    case EP_N_REF:
      if (c->result) {
        ifmt lf = *f;
        if (c->page && c->target)
          lf.link = sec_id(L, c->target); // the number and the page link to the section
        lay_add_text(L, at, c->result, &lf, c->file, c->line, true);
        if (c->page && c->target) {
          size_t si = sec_find(L, c->target);
          int pg = si == SIZE_MAX ? 0 : L->sec_pages[si];
          char b[32];
          snprintf(b, sizeof b, "第%d页", pg);
          lay_add_text(L, at, b, &lf, c->file, c->line, true);
        }
      }
      break;
    default:
      break;
    }
  }
}

// ---------------------------------------------------------------------------
// Lines

// 'lay_proto()' - A new proto box for the current line.
ep_box *lay_proto(lay *L, ep_box_kind kind) {
  if (L->nprotos == L->cprotos) {
    L->cprotos = L->cprotos ? L->cprotos * 2 : 1024;
    L->protos = ep_xrealloc(L->protos, L->cprotos * sizeof *L->protos);
  }
  ep_box *b = &L->protos[L->nprotos++];
  memset(b, 0, sizeof *b);
  b->kind = kind;
  b->fill = -1;
  return b;
}

// 'lay_new_line()' - Start a line item.
line_item *lay_new_line(lay *L) {
  if (L->nlines == L->clines) {
    L->clines = L->clines ? L->clines * 2 : 256;
    L->lines = ep_xrealloc(L->lines, L->clines * sizeof *L->lines);
  }
  line_item *li = &L->lines[L->nlines++];
  memset(li, 0, sizeof *li);
  li->box0 = L->nprotos;
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

// 'same_run()' - True when atoms I and J draw in one text run.
static bool same_run(const atom_style *a, const atom_style *b) {
  return a->face == b->face && a->size == b->size && a->bold == b->bold && a->underline == b->underline &&
         a->rise == b->rise && a->link == b->link;
}

// 'lay_emit_runs()' - Proto text boxes for atoms [S, E) of AT, at x = LEFT + X[i].
void lay_emit_runs(lay *L, const atoms *at, const double *x, size_t s, size_t e, double left) {
  size_t i = s;
  while (i < e) {
    // skip spaces at run starts
    size_t j = i + 1;
    while (j < e && same_run(&at->s[j], &at->s[i]))
      j++;
    ep_box *b = lay_proto(L, EP_BOX_TEXT);
    const atom_style *st = &at->s[i];
    b->face = st->face;
    b->size = st->size;
    b->bold = st->bold;
    b->underline = st->underline;
    b->rise = st->rise;
    b->x = left + x[i];
    b->y = st->rise;
    b->h = st->size;
    b->src_file = st->file;
    b->src_line = st->line;
    size_t n = j - i;
    uint32_t *cps = ep_arena_alloc(&L->dl->arena, n * sizeof *cps);
    double *dx = ep_arena_alloc(&L->dl->arena, n * sizeof *dx);
    ep_buf t;
    ep_buf_init(&t);
    for (size_t k = 0; k < n; k++) {
      cps[k] = at->a[i + k].cp;
      dx[k] = x[i + k] - x[i];
      ep_buf_put_cp(&t, cps[k]);
    }
    b->n = n;
    b->cps = cps;
    b->dx = dx;
    b->w = x[j - 1] - x[i] + at->a[j - 1].advance;
    b->text = ep_arena_strdup(&L->dl->arena, ep_buf_str(&t));
    ep_buf_free(&t);
    if (st->link) {
      double x0 = b->x, w = b->w, sz = b->size;
      ep_box *lk = lay_proto(L, EP_BOX_LINK);
      lk->x = x0;
      lk->y = -0.2 * sz;
      lk->w = w;
      lk->h = 1.1 * sz;
      lk->dest_id = st->link;
    }
    i = j;
  }
}

// 'lay_width()' - The natural width of AT (the sum of its advances).
double lay_width(const atoms *at) {
  double w = 0;
  for (size_t k = 0; k < at->n; k++)
    w += at->a[k].advance;
  return w;
}

// 'lay_emit_natural()' - Proto text runs of all of AT at natural spacing from LEFT
// (a line not set by the breaker: page numbers, headers, labels).
void lay_emit_natural(lay *L, const atoms *at, double left) {
  if (!at->n)
    return;
  double *xs = ep_xmalloc(at->n * sizeof *xs), acc = 0;
  for (size_t k = 0; k < at->n; k++) {
    xs[k] = acc;
    acc += at->a[k].advance;
  }
  lay_emit_runs(L, at, xs, 0, at->n, left);
  free(xs);
}

// 'lay_copy_protos()' - Copy N proto boxes from FIRST onto PAGE, shifted up by DY;
// UPRIGHT marks them as staying upright on a rotated page.
void lay_copy_protos(lay *L, ep_page *page, size_t first, size_t n, double dy, bool upright) {
  for (size_t k = first; k < first + n; k++) {
    ep_box *b = ep_page_add(L->dl, page, L->protos[k].kind);
    *b = L->protos[k];
    b->y += dy;
    b->upright = b->upright || upright;
  }
}

// 'lay_put_protos()' - Move the proto boxes from FROM on onto PAGE (see
// lay_copy_protos) and drop them from the proto list.
void lay_put_protos(lay *L, ep_page *page, size_t from, double dy, bool upright) {
  lay_copy_protos(L, page, from, L->nprotos - from, dy, upright);
  L->nprotos = from;
}

// 'lay_set_para()' - Break AT into lines and append them as line items.
// FIRST_INDENT / REST_INDENT in pt from the body's left edge; ALIGN for
// 'line_span()' - Grid rows a line of type SIZE needs (1 unless the type is large for the pitch).
static int line_span(const lay *L, double size) {
  int n = (int)ceil(size * 1.2 / L->st->pitch - 1e-9);
  return n < 1 ? 1 : n;
}

// non-justified placement; KEEP marks heading lines.
void lay_set_para(lay *L, atoms *at, double first_indent, double rest_indent, ep_halign align, bool keep,
                     const ep_node *section, double size, bool new_page) {
  L->para++;
  if (at->n == 0) {
    line_item *li = lay_new_line(L);
    li->blank = true;
    li->count = 1;
    li->new_page = new_page;
    return;
  }
  double W = L->st->body_w;
  ep_lb_params p;
  ep_lb_params_init(&p, W - rest_indent);
  p.first_width = W - first_indent;
  if (align == EP_H_CENTER || align == EP_H_RIGHT)
    p.min_last_chars = 1;
  ep_lb_result res;
  if (ep_linebreak(at->a, at->n, &p, &res) != 0) {
    fprintf(stderr, "evalpdf: fatal: out of memory in line breaking\n");
    abort();
  }
  int warned = 0; // one overfull warning per paragraph
  for (size_t k = 0; k < res.nlines; k++) {
    const ep_lb_line *ln = &res.lines[k];
    line_item *li = lay_new_line(L);
    li->idx = (int)k;
    li->count = (int)res.nlines;
    li->keep_next = keep;
    li->section = k == 0 ? section : NULL;
    li->size = size;
    li->new_page = li->new_page || (new_page && k == 0);
    li->span = line_span(L, size);
    double left = L->st->left + (k == 0 ? first_indent : rest_indent);
    bool justified = !ln->last && !ln->forced;
    if (!justified && align == EP_H_CENTER)
      left += (ln->measure - ln->width_used) / 2;
    else if (!justified && align == EP_H_RIGHT)
      left += ln->measure - ln->width_used;
    if (ln->overfull && ln->start < at->n && !warned++)
      ep_diag_add(L->diags, EP_WARNING, at->s[ln->start].file, at->s[ln->start].line, "overfull-line",
                  "a word or number is wider than the text block and was broken by character.");
    size_t s = ln->start, e = ln->end;
    while (s < e && at->a[s].cp == ' ')
      s++;
    if (s < e)
      lay_emit_runs(L, at, res.x, s, e, left);
    li->nbox = L->nprotos - li->box0;
  }
  ep_lb_result_free(&res);
}

// 'set_para_inset()' - A centred paragraph set in the measure narrowed by INSET on both sides.
static void set_para_inset(lay *L, atoms *at, double inset, ep_halign align, double size) {
  L->para++;
  ep_lb_params p;
  ep_lb_params_init(&p, L->st->body_w - 2 * inset);
  ep_lb_result res;
  if (ep_linebreak(at->a, at->n, &p, &res) != 0)
    abort();
  for (size_t k = 0; k < res.nlines; k++) {
    const ep_lb_line *ln = &res.lines[k];
    line_item *li = lay_new_line(L);
    li->idx = (int)k;
    li->count = (int)res.nlines;
    li->keep_next = true;
    li->size = size;
    li->span = line_span(L, size);
    double left = L->st->left + inset;
    bool justified = !ln->last && !ln->forced;
    if (!justified && align == EP_H_CENTER)
      left += (ln->measure - ln->width_used) / 2;
    lay_emit_runs(L, at, res.x, ln->start, ln->end, left);
    li->nbox = L->nprotos - li->box0;
  }
  ep_lb_result_free(&res);
}

// ---------------------------------------------------------------------------
// Blocks

// 'lay_fmt_for()' - A fresh inline format for text style TS.
ifmt lay_fmt_for(const ep_text_style *ts) {
  ifmt f = {NULL, ts, ts->bold, false, ts->size, 0};
  return f;
}

// 'lay_ends_with_mark()' - True when UTF-8 S ends with one of 。；！？：，、.
bool lay_ends_with_mark(const char *s) {
  size_t n = strlen(s);
  static const char *const marks[] = {"。", "；", "！", "？", "：", "，", "、", NULL};
  for (int i = 0; marks[i]; i++) {
    size_t m = strlen(marks[i]);
    if (n >= m && !strcmp(s + n - m, marks[i]))
      return true;
  }
  return n && (s[n - 1] == '.' || s[n - 1] == ';');
}

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

// 'record_section()' - Register S for page bookkeeping.
static void record_section(lay *L, const ep_node *s) {
  if (sec_find(L, s) != SIZE_MAX)
    return;
  if (L->nsec == L->csec) {
    L->csec = L->csec ? L->csec * 2 : 64;
    L->sec_nodes = ep_xrealloc(L->sec_nodes, L->csec * sizeof *L->sec_nodes);
    L->sec_pages = ep_xrealloc(L->sec_pages, L->csec * sizeof *L->sec_pages);
  }
  L->sec_nodes[L->nsec] = s;
  L->sec_pages[L->nsec] = 0;
  L->nsec++;
  if (L->nsec * 2 > L->sec_hcap) { // rebuild the index at half load
    L->sec_hcap = L->sec_hcap ? L->sec_hcap * 2 : 128;
    free(L->sec_hash);
    L->sec_hash = ep_xcalloc(L->sec_hcap, sizeof *L->sec_hash);
    for (size_t i = 0; i < L->nsec; i++) {
      size_t h = (size_t)(((uintptr_t)L->sec_nodes[i] >> 4) * 0x9E3779B97F4A7C15ull) & (L->sec_hcap - 1);
      while (L->sec_hash[h])
        h = (h + 1) & (L->sec_hcap - 1);
      L->sec_hash[h] = i + 1;
    }
  } else {
    size_t h = (size_t)(((uintptr_t)s >> 4) * 0x9E3779B97F4A7C15ull) & (L->sec_hcap - 1);
    while (L->sec_hash[h])
      h = (h + 1) & (L->sec_hcap - 1);
    L->sec_hash[h] = L->nsec;
  }
}

// 'sec_id()' - The destination name of section S: "s" + its document-order index.
static const char *sec_id(lay *L, const ep_node *s) {
  size_t i = sec_find(L, s);
  if (i == SIZE_MAX)
    return "s0";
  char id[32];
  snprintf(id, sizeof id, "s%zu", i + 1);
  return ep_arena_strdup(&L->dl->arena, id);
}

// 'page_of()' - Printed page of section S from the previous pass (0 = unknown).
static int page_of(const lay *L, const ep_node *s) {
  size_t i = sec_find(L, s);
  return i == SIZE_MAX ? 0 : L->sec_pages[i];
}

static void layout_blocks(lay *L, const ep_node *parent, int depth);

// 'para_block()' - A paragraph-like block: optional LEAD (bold run-in text), then the inline content of N.
static void para_block(lay *L, const ep_node *n, const char *lead, bool lead_bold, const ep_text_style *ts,
                       double first_indent, double rest_indent, const char *tail) {
  atoms at = {0};
  ifmt f = lay_fmt_for(ts);
  if (lead && lead[0]) {
    ifmt b = f;
    b.bold = lead_bold || f.bold;
    lay_add_text(L, &at, lead, &b, n->file, n->line, false);
  }
  if (n)
    lay_inline_text(L, &at, n, &f, 0);
  if (tail)
    lay_add_text(L, &at, tail, &f, n ? n->file : NULL, n ? n->line : 0, false);
  lay_set_para(L, &at, first_indent, rest_indent, ts->align, false, NULL, ts->size, false);
  free(at.a);
  free(at.s);
}

// 'lay_add_lead()' - The bold title of an issue or measure N as its lead-in,
// closed with 。 when it has no end mark of its own and text follows.
void lay_add_lead(lay *L, atoms *at, const ep_node *n, const ifmt *f) {
  if (!n->text || !n->text[0])
    return;
  ifmt b = *f;
  b.bold = true;
  lay_add_text(L, at, n->text, &b, n->file, n->line, false);
  if (!lay_ends_with_mark(n->text) && n->first)
    lay_add_text(L, at, "。", &b, n->file, n->line, false);
}

// 'yishi_para()' - Items run into one paragraph as 一是……；二是……。
// ITEMS are the children of N of KIND; titles (issues/measures) lead bold.
static void yishi_para(lay *L, const ep_node *n, ep_kind kind) {
  const ep_text_style *ts = &L->st->ts[EP_TS_BODY];
  double em = ts->size;
  atoms at = {0};
  ifmt f = lay_fmt_for(ts);
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
      lay_add_text(L, &at, lead, &f, c->file, c->line, false);
    }
    lay_add_lead(L, &at, c, &f);
    lay_inline_text(L, &at, c, &f, 0);
    const ep_node *t = last_text(c, 0);
    bool has_mark = t && lay_ends_with_mark(t->text);
    if (!has_mark && count > 1)
      lay_add_text(L, &at, k == count ? "。" : "；", &f, c->file, c->line, false);
  }
  lay_set_para(L, &at, ts->indent * em * L->char_ratio, 0, EP_H_JUSTIFY, false, NULL, ts->size, false);
  free(at.a);
  free(at.s);
}

// 'numbered_items()' - Numbered paragraphs (issues, measures): "1." + bold title + text.
static void numbered_items(lay *L, const ep_node *n, ep_kind kind) {
  const ep_text_style *ts = &L->st->ts[EP_TS_BODY];
  int k = 0;
  for (const ep_node *c = n->first; c; c = c->next) {
    if (c->kind != kind)
      continue;
    k++;
    atoms at = {0};
    ifmt f = lay_fmt_for(ts);
    char num[32];
    snprintf(num, sizeof num, "%d.", k);
    lay_add_text(L, &at, num, &f, c->file, c->line, true);
    lay_add_lead(L, &at, c, &f);
    lay_inline_text(L, &at, c, &f, 0);
    lay_set_para(L, &at, ts->indent * ts->size * L->char_ratio, 0, EP_H_JUSTIFY, false, NULL, ts->size, false);
    free(at.a);
    free(at.s);
  }
}

// 'list_block()' - <list>: yishi paragraph, or numbered/bullet items with a hanging indent.
static void list_block(lay *L, const ep_node *n) {
  if (n->style == EP_LIST_YISHI) {
    yishi_para(L, n, EP_N_LI);
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
      snprintf(label, sizeof label, "%d.", k);
    atoms at = {0};
    ifmt f = lay_fmt_for(ts);
    lay_add_text(L, &at, label, &f, c->file, c->line, true);
    double label_w = lay_width(&at);
    if (n->style == EP_LIST_BULLET) {
      // a half-em gap after the bullet, drawn as a fixed space
      label_w += em / 2;
      atom_style s = at.s[0];
      lay_push_atom(&at, 0x2002, em / 2, em, EP_LB_GLUE_PREV | EP_LB_NO_AUTOSPACE, &s);
    }
    lay_inline_text(L, &at, c, &f, 0);
    lay_set_para(L, &at, ts->indent * em * L->char_ratio, ts->indent * em * L->char_ratio + label_w, EP_H_JUSTIFY, false, NULL, ts->size, false);
    free(at.a);
    free(at.s);
  }
}

// 'heading()' - A section or appendix heading line (or the run-in lead of its first paragraph).
static void heading(lay *L, const ep_node *s) {
  const ep_text_style *ts = heading_style(L, s->level);
  record_section(L, s);
  ep_buf t;
  ep_buf_init(&t);
  if (s->number)
    ep_buf_puts(&t, s->number);
  ep_buf_puts(&t, s->text ? s->text : "");
  char *title = ep_xstrdup(ep_buf_str(&t));
  ep_buf_free(&t);
  size_t line0 = L->nlines;
  if (s->runin) {
    // The heading runs into the first paragraph, bold, in the body style.
    const ep_text_style *body = &L->st->ts[EP_TS_BODY];
    const ep_node *first = s->first;
    char *lead = ep_xmalloc(strlen(title) + 8);
    strcpy(lead, title);
    if (!lay_ends_with_mark(title))
      strcat(lead, "。");
    if (first && first->kind == EP_N_P) {
      para_block(L, first, lead, true, body, body->indent * body->size * L->char_ratio, 0, NULL);
    } else {
      atoms at = {0};
      ifmt f = lay_fmt_for(body);
      f.bold = true;
      lay_add_text(L, &at, lead, &f, s->file, s->line, false);
      lay_set_para(L, &at, body->indent * body->size * L->char_ratio, 0, EP_H_JUSTIFY, false, NULL, body->size, false);
      free(at.a);
      free(at.s);
    }
    free(lead);
    if (L->nlines > line0)
      L->lines[line0].section = s;
    free(title); // layout_blocks() skips the merged paragraph
    return;
  }
  atoms at = {0};
  ifmt f = lay_fmt_for(ts);
  blank_lines(L, ts->space_before);
  lay_add_text(L, &at, title, &f, s->file, s->line, false);
  lay_set_para(L, &at, ts->indent * ts->size * L->char_ratio, 0, ts->align == EP_H_JUSTIFY ? EP_H_LEFT : ts->align, true, s,
           ts->size, false);
  blank_lines(L, ts->space_after);
  free(at.a);
  free(at.s);
  free(title);
}

// 'toc_block()' - The 目录: title, then one entry per section up to the depth, with dot leaders and page numbers.
static void toc_block(lay *L, const ep_node *toc) {
  const ep_text_style *ts = &L->st->ts[EP_TS_TOC];
  const ep_text_style *hs = &L->st->ts[EP_TS_H1];
  int maxdepth = toc->toc_depth > 0 ? toc->toc_depth : L->st->toc_depth;
  {
    atoms at = {0};
    ifmt f = lay_fmt_for(hs);
    lay_add_text(L, &at, toc->text && toc->text[0] ? toc->text : "目录", &f, toc->file, toc->line, false);
    lay_set_para(L, &at, 0, 0, EP_H_CENTER, true, NULL, hs->size, false);
    free(at.a);
    free(at.s);
  }
  double em = ts->size;
  for (const ep_node *x = L->r->body; x;) {
    if ((x->kind == EP_N_SECTION && x->level <= maxdepth) || x->kind == EP_N_APPENDIX) {
      int level = x->kind == EP_N_APPENDIX ? 1 : x->level;
      atoms at = {0};
      ifmt f = lay_fmt_for(ts);
      ep_buf t;
      ep_buf_init(&t);
      if (x->number)
        ep_buf_printf(&t, "%s%s", x->number, x->kind == EP_N_APPENDIX ? " " : "");
      ep_buf_puts(&t, x->text ? x->text : "");
      lay_add_text(L, &at, ep_buf_str(&t), &f, x->file, x->line, false);
      ep_buf_free(&t);
      double indent = (level - 1) * em;
      int pg = page_of(L, x);
      char pn[32];
      snprintf(pn, sizeof pn, "%d", pg);
      // measure the page number
      atoms pa = {0};
      lay_add_text(L, &pa, pn, &f, x->file, x->line, true);
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
        double left = L->st->left + indent;
        lay_emit_runs(L, &at, res.x, ln->start, ln->end, left);
        if (k + 1 == res.nlines) {
          double text_end = left + ln->width_used;
          double num_x = L->st->left + L->st->body_w - pw;
          // leaders: middle dots every half em between the text and the number
          atoms lead = {0};
          double step = em / 2;
          double x0 = ceil((text_end + em / 4 - L->st->left) / step) * step + L->st->left;
          int nd = (int)floor((num_x - em / 4 - x0) / step);
          if (nd > 0) {
            for (int d = 0; d < nd; d++)
              lay_add_text(L, &lead, ".", &f, x->file, x->line, true);
            double *xs = ep_xmalloc(lead.n * sizeof *xs);
            for (size_t d = 0; d < lead.n; d++)
              xs[d] = (double)d * step;
            lay_emit_runs(L, &lead, xs, 0, lead.n, x0);
            free(xs);
          }
          free(lead.a);
          free(lead.s);
          lay_emit_natural(L, &pa, num_x);
          // a link over the whole entry
          ep_box *lk = lay_proto(L, EP_BOX_LINK);
          lk->x = left;
          lk->y = -ts->size * 0.2;
          lk->w = L->st->left + L->st->body_w - left;
          lk->h = ts->size * 1.1;
          lk->dest_id = sec_id(L, x);
        }
        li->nbox = L->nprotos - li->box0;
      }
      ep_lb_result_free(&res);
      free(at.a);
      free(at.s);
      free(pa.a);
      free(pa.s);
    }
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
  else
    blank_lines(L, 1);
}

// 'signature_block()' - 落款: optional text, then issuer and date right-aligned 4 characters in.
static void signature_block(lay *L, const ep_node *n) {
  const ep_text_style *ts = &L->st->ts[EP_TS_BODY];
  double em = ts->size;
  if (n->text && n->text[0]) {
    atoms at = {0};
    ifmt f = lay_fmt_for(ts);
    lay_add_text(L, &at, n->text, &f, n->file, n->line, false);
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
    ifmt f = lay_fmt_for(ts);
    lay_add_text(L, &at[i], lines[i], &f, n->file, n->line, false);
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
    lay_emit_natural(L, &at[i], left);
    li->nbox = L->nprotos - li->box0;
    free(at[i].a);
    free(at[i].s);
  }
}

// 'text_para()' - One unindented paragraph of plain TEXT in style TS (kept with
// what follows), set ALIGN; SECTION marks a heading; NEW_PAGE starts a page.
static void text_para(lay *L, const char *text, const ep_text_style *ts, ep_halign align, const ep_node *section,
                      bool new_page, const ep_node *src) {
  atoms at = {0};
  ifmt f = lay_fmt_for(ts);
  lay_add_text(L, &at, text, &f, src->file, src->line, false);
  lay_set_para(L, &at, 0, 0, align, true, section, ts->size, new_page);
  free(at.a);
  free(at.s);
}

// 'layout_blocks()' - Every block child of PARENT.
static void layout_blocks(lay *L, const ep_node *parent, int depth) {
  if (depth > EP_MAX_NESTING + 2)
    return;
  const ep_text_style *body = &L->st->ts[EP_TS_BODY];
  double em = body->size;
  for (const ep_node *c = parent->first; c; c = c->next) {
    switch (c->kind) {
    case EP_N_SECTION: {
      heading(L, c);
      const ep_node *start = c->first;
      if (c->runin && start && start->kind == EP_N_P)
        start = start->next;
      // lay out the remaining children
      ep_node shell = *c;
      shell.first = (ep_node *)start;
      layout_blocks(L, &shell, depth + 1);
      break;
    }
    case EP_N_APPENDIX: {
      // GB/T 9704 7.3.7: a new page, 附件N at the top left, the title centred.
      record_section(L, c);
      text_para(L, c->number ? c->number : "附件", &L->st->ts[EP_TS_APPENDIX], EP_H_LEFT, c, true, c);
      blank_lines(L, 1);
      text_para(L, c->text ? c->text : "", &L->st->ts[EP_TS_TITLE], EP_H_CENTER, NULL, false, c);
      blank_lines(L, 1);
      layout_blocks(L, c, depth + 1);
      break;
    }
    case EP_N_P:
      para_block(L, c, NULL, false, body, body->indent * em * L->char_ratio, 0, NULL);
      break;
    case EP_N_LIST:
      list_block(L, c);
      break;
    case EP_N_FIELDS:
      for (const ep_node *fl = c->first; fl; fl = fl->next) {
        if (fl->kind != EP_N_FIELD)
          continue;
        ep_buf lead;
        ep_buf_init(&lead);
        ep_buf_printf(&lead, "%s：", fl->text ? fl->text : "");
        para_block(L, fl, ep_buf_str(&lead), true, body, body->indent * em * L->char_ratio, 0, NULL);
        ep_buf_free(&lead);
      }
      break;
    case EP_N_ISSUES:
    case EP_N_MEASURES:
      if (c->style == EP_LIST_YISHI)
        yishi_para(L, c, c->kind == EP_N_ISSUES ? EP_N_ISSUE : EP_N_MEASURE);
      else
        numbered_items(L, c, c->kind == EP_N_ISSUES ? EP_N_ISSUE : EP_N_MEASURE);
      break;
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
      lay_table_block(L, c);
      break;
    default:
      break;
    }
  }
}

// 'centred_line()' - One centred line of TEXT in text style TS.
static void centred_line(lay *L, const char *text, const ep_text_style *ts, unsigned long line) {
  if (!text || !text[0])
    return;
  atoms at = {0};
  ifmt f = lay_fmt_for(ts);
  lay_add_text(L, &at, text, &f, L->r->path, line, false);
  set_para_inset(L, &at, 0, EP_H_CENTER, ts->size);
  free(at.a);
  free(at.s);
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
  const ep_text_style *tt = &st->ts[EP_TS_TITLE];
  if (m->title) {
    atoms at = {0};
    ifmt f = lay_fmt_for(tt);
    lay_add_text(L, &at, m->title, &f, L->r->path, m->title_line, false);
    double natural = 0;
    for (size_t i = 0; i < at.n; i++)
      natural += at.a[i].advance;
    int nl = (int)ceil(natural / (st->body_w * 0.8));
    double inset = nl > 1 ? (st->body_w - (natural / nl + 2 * tt->size)) / 2 : st->body_w * 0.1;
    set_para_inset(L, &at, inset > 0 ? inset : 0, EP_H_CENTER, tt->size);
    free(at.a);
    free(at.s);
  }
  centred_line(L, m->subtitle, &st->ts[EP_TS_SUBTITLE], m->subtitle_line);
  blank_lines(L, 3);
  const ep_text_style *body = &st->ts[EP_TS_BODY];
  for (const ep_node *f = m->fields; f; f = f->next) {
    ep_buf lead;
    ep_buf_init(&lead);
    ep_buf_printf(&lead, "%s：", f->text ? f->text : "");
    para_block(L, f, ep_buf_str(&lead), true, body, st->body_w * 0.2, st->body_w * 0.2, NULL);
    ep_buf_free(&lead);
  }
  int used = 0;
  for (size_t i = start; i < L->nlines; i++)
    used += L->lines[i].span > 0 ? L->lines[i].span : 1;
  char date[64] = "";
  if (m->date_y)
    snprintf(date, sizeof date, "%d年%d月%d日", m->date_y, m->date_m, m->date_d);
  int foot = (m->issuer ? 1 : 0) + (date[0] ? 1 : 0);
  if (rows - 2 - foot - used > 0)
    blank_lines(L, rows - 2 - foot - used);
  centred_line(L, m->issuer, body, m->line);
  centred_line(L, date[0] ? date : NULL, body, m->line);
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
  if (m->title) {
    atoms at = {0};
    ifmt f = lay_fmt_for(tt);
    lay_add_text(L, &at, m->title, &f, L->r->path, m->title_line, false);
    // Balance a long title over its lines (GB/T 9704 7.3.1: symmetric lines).
    double natural = 0;
    for (size_t i = 0; i < at.n; i++)
      natural += at.a[i].advance;
    double W = L->st->body_w;
    int nl = (int)ceil(natural / W);
    double inset = 0;
    if (nl > 1)
      inset = (W - (natural / nl + 2 * tt->size)) / 2;
    if (inset < 0)
      inset = 0;
    set_para_inset(L, &at, inset, EP_H_CENTER, tt->size);
    free(at.a);
    free(at.s);
  }
  blank_lines(L, tt->space_after);
  if (m->subtitle) {
    const ep_text_style *st = &L->st->ts[EP_TS_SUBTITLE];
    atoms at = {0};
    ifmt f = lay_fmt_for(st);
    lay_add_text(L, &at, m->subtitle, &f, L->r->path, m->subtitle_line, false);
    lay_set_para(L, &at, 0, 0, EP_H_CENTER, true, NULL, st->size, false);
    free(at.a);
    free(at.s);
    blank_lines(L, st->space_after);
  } else {
    blank_lines(L, 1);
  }
  const ep_text_style *body = &L->st->ts[EP_TS_BODY];
  bool any = false;
  for (const ep_node *f = m->fields; f; f = f->next) {
    ep_buf lead;
    ep_buf_init(&lead);
    ep_buf_printf(&lead, "%s：", f->text ? f->text : "");
    para_block(L, f, ep_buf_str(&lead), true, body, body->indent * body->size * L->char_ratio, 0, NULL);
    ep_buf_free(&lead);
    any = true;
  }
  if (any)
    blank_lines(L, 1);
}

// ---------------------------------------------------------------------------
// Pagination

// 'need_rows()' - Rows that must stay on one page starting at line I.
static int need_rows(const lay *L, size_t i, int depth) {
  const line_item *li = &L->lines[i];
  if (li->table)
    return (int)ceil(lay_table_min_height(li->table) / L->st->pitch);
  if (li->rows_h > 0)
    return li->rows_h;
  int orphans = L->st->orphans > 0 ? L->st->orphans : 1;
  int widows = L->st->widows > 0 ? L->st->widows : 1;
  if (li->keep_next && depth < 8) {
    // the rest of the heading, then what follows it
    int own = li->count - li->idx;
    size_t j = i + (size_t)own;
    while (j < L->nlines && L->lines[j].blank && !L->lines[j].new_page)
      j++, own++;
    if (j >= L->nlines || L->lines[j].new_page)
      return own;
    return own + need_rows(L, j, depth + 1);
  }
  if (li->idx == 0 && li->count > 1) {
    if (li->count < orphans + widows)
      return li->count;
    return orphans;
  }
  return 1;
}

// 'paginate()' - Assign pages to line items and emit the display list.
static void paginate(lay *L) {
  const ep_style *st = L->st;
  int rows = st->lines > 0 ? st->lines : (int)floor(st->body_h / st->pitch);
  if (rows < 1)
    rows = 1;
  double top = st->page_h - st->top;
  ep_page *page = NULL;
  int row = 0;
  int widows = st->widows > 0 ? st->widows : 1;
  for (size_t i = 0; i < L->nlines; i++) {
    const line_item *li = &L->lines[i];
    if (!page || (li->new_page && row > 0)) {
      page = ep_dlist_add_page(L->dl, st->page_w, st->page_h);
      row = 0;
    }
    if (li->num_start)
      L->first_num = (int)L->dl->npages - 1;
    if (li->blank && row == 0)
      continue; // no empty lines at the top of a page
    int need = need_rows(L, i, 0);
    if (need > rows)
      need = rows;
    bool move = need > rows - row && row > 0;
    // widow control: a paragraph's last lines never stand alone at the next page's top
    if (!move && row == rows - 1 && li->count > 1) {
      int after = li->count - li->idx - 1;
      if (after > 0 && after < widows && li->idx >= 1)
        move = true;
    }
    if (move) {
      page = ep_dlist_add_page(L->dl, st->page_w, st->page_h);
      row = 0;
      if (li->blank)
        continue;
    }
    if (li->table) {
      // A table takes its own height (not grid lines); the next line snaps to the grid.
      if (row > 0 && !lay_table_landscape(li->table) &&
          top - row * st->pitch - lay_table_min_height(li->table) < top - rows * st->pitch - 0.01) {
        page = ep_dlist_add_page(L->dl, st->page_w, st->page_h);
        row = 0;
      }
      double y = top - row * st->pitch;
      lay_table_place(L, li->table, &page, &y);
      double used = (top - y) / st->pitch;
      row = (int)ceil(used - 1e-6);
      if (row >= rows && i + 1 < L->nlines) {
        page = NULL;
        row = 0;
      }
      continue;
    }
    if (li->rows_h > 0) {
      // a drawing (chart): all its rows on one page
      if (row > 0 && row + li->rows_h > rows) {
        page = ep_dlist_add_page(L->dl, st->page_w, st->page_h);
        row = 0;
      }
      lay_copy_protos(L, page, li->box0, li->nbox, top - row * st->pitch, false);
      row += li->rows_h;
      if (row >= rows && i + 1 < L->nlines) {
        page = NULL;
        row = 0;
      }
      continue;
    }
    double size = li->size > 0 ? li->size : st->ts[EP_TS_BODY].size;
    int span = li->span > 0 ? li->span : 1;
    if (row > 0 && row + span > rows) {
      page = ep_dlist_add_page(L->dl, st->page_w, st->page_h);
      row = 0;
    }
    double cell_bottom = top - (row + span) * st->pitch;
    double baseline = cell_bottom + (span * st->pitch - size) / 2 + 0.12 * size;
    int page_index = (int)L->dl->npages - 1;
    lay_copy_protos(L, page, li->box0, li->nbox, baseline, false);
    if (li->section) {
      const ep_node *s = li->section;
      ep_box *d = ep_page_add(L->dl, page, EP_BOX_DEST);
      d->x = st->left;
      d->y = baseline + size;
      d->dest_id = sec_id(L, s);
      d->src_file = s->file;
      d->src_line = s->line;
      int printed = page_index - L->first_num + 1;
      size_t k = sec_find(L, s);
      if (k != SIZE_MAX) {
        if (L->sec_pages[k] != printed)
          L->toc_changed = true;
        L->sec_pages[k] = printed;
      }
      ep_buf t;
      ep_buf_init(&t);
      ep_buf_printf(&t, "%s%s", s->number ? s->number : "", s->text ? s->text : "");
      bool in_appendix = false;
      for (const ep_node *a = s->parent; a; a = a->parent)
        in_appendix |= a->kind == EP_N_APPENDIX;
      if (s->kind == EP_N_APPENDIX || (s->level <= L->outline_depth && !in_appendix))
        ep_dlist_add_outline(L->dl, s->kind == EP_N_APPENDIX ? 1 : s->level, ep_buf_str(&t), page_index,
                             baseline + size);
      ep_buf_free(&t);
    }
    row += span;
    if (row >= rows && i + 1 < L->nlines) {
      page = NULL;
      row = 0;
    }
  }
  if (!L->dl->npages)
    ep_dlist_add_page(L->dl, st->page_w, st->page_h);
  if (L->first_num >= (int)L->dl->npages)
    L->first_num = 0;
}

// 'running_header()' - The report title above the 版心 of page P (number NUM), odd/even aware.
static void running_header(lay *L, ep_page *p, int num) {
  const ep_style *st = L->st;
  ep_text_style hs = st->ts[EP_TS_BODY];
  hs.role = st->hd_role;
  hs.role_name = st->hd_role_name;
  hs.size = st->hd_size;
  atoms at = {0};
  ifmt f = lay_fmt_for(&hs);
  f.bold = false;
  double save = L->char_ratio;
  L->char_ratio = 1.0;
  lay_add_text(L, &at, L->r->meta.title, &f, L->r->path, L->r->meta.title_line, false);
  L->char_ratio = save;
  double w = lay_width(&at);
  ep_halign al = num % 2 ? st->hd_odd : st->hd_even;
  double x = al == EP_H_RIGHT ? st->left + st->body_w - w : al == EP_H_CENTER ? st->left + (st->body_w - w) / 2 : st->left;
  double top = st->page_h - st->top;
  size_t from = L->nprotos;
  lay_emit_natural(L, &at, x);
  lay_put_protos(L, p, from, top + 8, true);
  if (st->hd_rule) {
    ep_box *r = ep_page_add(L->dl, p, EP_BOX_RULE);
    r->x = st->left;
    r->y = top + 5;
    r->w = st->body_w;
    r->line_width = 0.5;
    r->upright = true;
  }
  free(at.a);
  free(at.s);
}

// 'page_numbers()' - Print "— N —" on every page as the layout places it.
static void page_numbers(lay *L) {
  const ep_style *st = L->st;
  const ep_text_style *body = &st->ts[EP_TS_BODY];
  ep_text_style pn = *body;
  pn.role = st->pn_role;
  pn.role_name = st->pn_role_name;
  pn.size = st->pn_size;
  for (size_t i = 0; i < L->dl->npages; i++) {
    ep_page *p = &L->dl->pages[i];
    if ((int)i < L->first_num) {
      p->number = 0; // the cover (and 目录) carry no number
      p->label = NULL;
      continue;
    }
    int num = (int)i - L->first_num + 1;
    p->number = num;
    p->label = "D";
    if (st->header && L->r->meta.title)
      running_header(L, p, num);
    ep_buf t;
    ep_buf_init(&t);
    char n[16];
    snprintf(n, sizeof n, "%d", num);
    for (const char *f = st->pn_format; *f; f++) {
      if (*f == 'N')
        ep_buf_puts(&t, n);
      else
        ep_buf_putc(&t, *f);
    }
    atoms at = {0};
    ifmt f = lay_fmt_for(&pn);
    f.bold = false;
    size_t save_np = L->nprotos;
    double char_ratio = L->char_ratio;
    L->char_ratio = 1.0;
    lay_add_text(L, &at, ep_buf_str(&t), &f, NULL, 0, true);
    L->char_ratio = char_ratio;
    ep_buf_free(&t);
    double w = lay_width(&at);
    bool odd = num % 2 == 1;
    ep_halign al = odd ? st->pn_odd : st->pn_even;
    double inset = st->pn_inset * body->size;
    double x;
    if (al == EP_H_RIGHT)
      x = st->left + st->body_w - inset - w;
    else if (al == EP_H_CENTER)
      x = st->left + (st->body_w - w) / 2;
    else
      x = st->left + inset;
    double body_bottom = st->page_h - st->top - st->body_h;
    double baseline = body_bottom - st->pn_below - pn.size * 0.88;
    lay_emit_natural(L, &at, x);
    // upright: on a rotated page the number stays where portrait pages have it
    lay_put_protos(L, p, save_np, baseline, true);
    free(at.a);
    free(at.s);
  }
}

// 'ep_layout_report()' - Lay out the whole report.
ep_dlist *ep_layout_report(const ep_report *r, const ep_style *st, ep_diags *diags) {
  lay L;
  memset(&L, 0, sizeof L);
  L.r = r;
  L.st = st;
  const ep_text_style *body = &st->ts[EP_TS_BODY];
  L.char_ratio = st->chars > 0 ? (st->body_w / st->chars) / body->size : 1.0;
  ep_dlist *dl = NULL;
  ep_diags scratch;
  L.outline_depth = st->toc_depth;
  for (const ep_node *c = r->body ? r->body->first : NULL; c; c = c->next)
    if (c->kind == EP_N_TOC && c->toc_depth > 0)
      L.outline_depth = c->toc_depth;
  for (const ep_node *x = r->body; x; x = ep_next_node(x, r->body))
    if (x->kind == EP_N_SECTION || x->kind == EP_N_APPENDIX)
      record_section(&L, x);
  // Pass until the 目录's page numbers are stable (at most 5 passes). Only the
  // last pass reports its warnings.
  for (int pass = 0; pass < 5; pass++) {
    ep_diags_init(&scratch);
    L.diags = &scratch;
    if (dl)
      ep_dlist_free(dl);
    dl = ep_dlist_new();
    L.dl = dl;
    for (size_t i = 0; i < L.nlines; i++)
      if (L.lines[i].table)
        lay_table_free(L.lines[i].table);
    L.nprotos = L.nlines = 0;
    L.para = 0;
    L.nmissing = 0;
    L.want_num_start = L.want_new_page = false;
    L.toc_changed = false;
    title_block(&L);
    if (r->body)
      layout_blocks(&L, r->body, 0);
    paginate(&L);
    if (!L.toc_changed || pass == 4)
      break;
    ep_diags_free(&scratch);
  }
  for (size_t i = 0; i < L.nlines; i++)
    if (L.lines[i].table)
      lay_table_free(L.lines[i].table);
  page_numbers(&L);
  ep_diags_append(diags, &scratch);
  ep_diags_free(&scratch);
  free(L.protos);
  free(L.lines);
  free(L.sec_nodes);
  free(L.sec_pages);
  free(L.sec_hash);
  free(L.missing);
  dl->title = r->meta.title;
  dl->author = r->meta.issuer;
  dl->subject = r->meta.subtitle;
  return dl;
}
