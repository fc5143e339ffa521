// The table engine: one grid model for every table-like block (general
// tables, funds, scoring, the self-evaluation form, issues-and-measures).
// Cells hold inline content broken by the CJK line breaker; columns are sized
// from their content (or <col width>) to fit the measure; rows are placed page
// by page, repeating the header rows (under a 续表 line) and any merged cell
// a page break cuts, with its text.
#include "layout_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PAD_H 4.0      // cell padding left/right, pt
#define PAD_V 3.0      // cell padding top/bottom, pt
#define LEADING 1.45   // table line height in em
#define RULE 0.5       // grid line width, pt
#define CELL_STRETCH 0.1 // em: a cell line is justified only when no gap opens by more

typedef struct tcell {
  int row, col, rowspan, colspan;
  ep_halign align;
  bool header;
  bool noborder;      // a caption row inside a landscape table
  bool keep_next;     // its row stays on a page with the next one (a funds item over its sub-items)
  double indent;      // extra left indent of every line, pt (nested funds items)
  atoms at;           // content (owned)
  const char *file;
  unsigned long line;
  // after breaking
  ep_lb_result res;
  double height;      // content height (lines × leading)
  size_t done;        // lines already drawn (a row split over pages)
  bool cut;           // lines were left out for want of room (reported once)
} tcell;

typedef struct ep_table {
  int ncols, nrows, nhead; // rows [0, nhead) repeat on every page
  int nfoot;               // trailing summary rows (合计, 等级) that are not body rows
  double *spec;            // per column: width in pt (> 0) or 0 = from content
  tcell *cells;
  size_t ncells, ccells;
  const ep_text_style *ts;
  double size, lead;
  const char *file;
  unsigned long line;
  double *colx, *colw, *rowh;
  double *share;           // per column: relative width (the self-evaluation form), or NULL
  bool overfull;           // min-content wider than the measure: text clipped at the rules
  int rep0, rep1;          // rows repeated under 续表 when a page break falls after rep1
                           // (0, nhead for most tables; the form's indicator header)
  const char *kind;        // element name, for messages
  bool landscape;          // set on rotated pages of its own, in LST's geometry
  ep_style lst;            // the layout with the 版心 turned a quarter (landscape tables)
  // The placement's index (tbl_index()), so that a page of rows costs what it
  // holds, not the whole table: the cells by row (each row's in the order they
  // were added), where each row's cells start in it, the first row a merged
  // cell reaching row r starts at, whether a merged cell covers row r, and
  // the rows' tops and bottoms on the page being drawn.
  size_t *by_row, *row_first; // NCELLS; NROWS + 1
  int *reach;                 // NROWS
  bool *merged;               // NROWS
  double *top, *bot;          // NROWS + 1
} ep_table;

// 'tbl_geom()' - The geometry T is set in: the layout's, or its turned copy.
static const ep_style *tbl_geom(const tbl_host *L, const ep_table *t) { return t->landscape ? &t->lst : L->st; }

// 'tbl_new()' - An empty table with NCOLS columns in the layout's table style.
static ep_table *tbl_new(tbl_host *L, int ncols, const ep_node *n) {
  ep_table *t = ep_xcalloc(1, sizeof *t);
  t->ncols = ncols;
  t->spec = ep_xcalloc((size_t)ncols, sizeof *t->spec);
  t->ts = &L->st->ts[EP_TS_TABLE];
  t->size = t->ts->size;
  t->lead = t->size * LEADING;
  t->file = n->file;
  t->line = n->line;
  t->kind = ep_kind_name(n->kind);
  t->landscape = n->landscape;
  if (t->landscape) {
    // The 版心 turned a quarter clockwise: its top lies along the page's left edge.
    const ep_style *st = L->st;
    t->lst = *st;
    t->lst.page_w = st->page_h;
    t->lst.page_h = st->page_w;
    t->lst.body_w = st->body_h;
    t->lst.body_h = st->body_w;
    t->lst.left = st->page_h - st->top - st->body_h;
    t->lst.top = st->left;
  }
  return t;
}

// 'lay_table_free()' - Free a table.
void lay_table_free(ep_table *t) {
  if (!t)
    return;
  for (size_t i = 0; i < t->ncells; i++) {
    free(t->cells[i].at.a);
    free(t->cells[i].at.s);
    ep_lb_result_free(&t->cells[i].res);
  }
  free(t->cells);
  free(t->spec);
  free(t->share);
  free(t->colx);
  free(t->colw);
  free(t->rowh);
  free(t->by_row);
  free(t->row_first);
  free(t->reach);
  free(t->merged);
  free(t->top);
  free(t->bot);
  free(t);
}

// 'tbl_cell()' - Add a cell at (ROW, COL) spanning RS × CS; returns it for content.
static tcell *tbl_cell(ep_table *t, int row, int col, int rs, int cs, ep_halign align, bool header,
                       const char *file, unsigned long line) {
  if (t->ncells == t->ccells) {
    t->ccells = t->ccells ? t->ccells * 2 : 64;
    t->cells = ep_xrealloc(t->cells, t->ccells * sizeof *t->cells);
  }
  tcell *c = &t->cells[t->ncells++];
  memset(c, 0, sizeof *c);
  c->row = row;
  c->col = col;
  c->rowspan = rs < 1 ? 1 : rs;
  c->colspan = cs < 1 ? 1 : cs;
  if (c->col + c->colspan > t->ncols)
    c->colspan = t->ncols - c->col > 0 ? t->ncols - c->col : 1;
  c->align = align;
  c->header = header;
  c->file = file;
  c->line = line;
  if (row + c->rowspan > t->nrows)
    t->nrows = row + c->rowspan;
  return c;
}

// 'cell_fmt()' - Inline format for a cell (headers bold).
static ifmt cell_fmt(const ep_table *t, bool header) {
  ifmt f = lay_fmt_for(t->ts, 1.0);
  f.bold = f.bold || header;
  return f;
}

// 'cell_text()' - Append UTF-8 TEXT to cell C (GLUE: one unbreakable unit).
static void cell_text(tbl_host *L, ep_table *t, tcell *c, const char *text, bool bold, bool glue) {
  if (!text)
    return;
  ifmt f = cell_fmt(t, c->header);
  f.bold = f.bold || bold;
  size_t from = c->at.n;
  lay_add_text(L->in, &c->at, text, &f, c->file, c->line, glue);
  if (c->header)
    lay_glue_words(L->in, &c->at, from); // 年初/预算数, never 年初预/算数
}

// 'cell_inline()' - Append the inline content of node N to cell C.
static void cell_inline(tbl_host *L, ep_table *t, tcell *c, const ep_node *n) {
  ifmt f = cell_fmt(t, c->header);
  lay_inline_text(L->in, &c->at, n, &f, 0);
}

// 'cell_lead()' - The bold title of issue or measure N as the lead-in of cell C.
static void cell_lead(tbl_host *L, ep_table *t, tcell *c, const ep_node *n) {
  ifmt f = cell_fmt(t, c->header);
  lay_add_lead(L->in, &c->at, n, &f);
}

// 'cell_break()' - A forced line break before the next text of cell C.
static void cell_break(tcell *c) { c->at.pending_flags |= EP_LB_BREAK_BEFORE; }

// ---------------------------------------------------------------------------
// Measuring and breaking

static void tbl_layout_in(tbl_host *L, ep_table *t, const ep_style *st);

// 'tbl_layout()' - Lay out T in its own geometry (turned for a landscape table).
static void tbl_layout(tbl_host *L, ep_table *t) { tbl_layout_in(L, t, tbl_geom(L, t)); }

// 'measure_columns()' - Min-content (widest unbreakable unit: a word, a
// number with its unit) and max-content (widest line) of every column of T
// into MN and PF, padding included; spanning cells widen their columns evenly.
static void measure_columns(const ep_table *t, double *mn, double *pf) {
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < t->ncells; i++) {
      const tcell *c = &t->cells[i];
      if ((pass == 0) != (c->colspan == 1) || !c->at.n)
        continue;
      double a = 0, b = 0;
      ep_lb_measure(c->at.a, c->at.n, &a, &b);
      a += 2 * PAD_H + c->indent;
      b += 2 * PAD_H + c->indent;
      if (c->colspan == 1) {
        mn[c->col] = a > mn[c->col] ? a : mn[c->col];
        pf[c->col] = b > pf[c->col] ? b : pf[c->col];
        continue;
      }
      double have = 0;
      for (int k = c->col; k < c->col + c->colspan; k++)
        have += mn[k];
      if (a > have)
        for (int k = c->col; k < c->col + c->colspan; k++)
          mn[k] += (a - have) / c->colspan;
    }
  for (int k = 0; k < t->ncols; k++)
    if (pf[k] < mn[k])
      pf[k] = mn[k];
}

// 'share_columns()' - Widths of the automatic columns of T (spec 0) out of
// AVAIL pt: each its max-content when all fit (the rest shared in proportion),
// else water-filling between min- and max-content, none below its minimum.
static void share_columns(const ep_table *t, const double *mn, const double *pf, double avail) {
  int nc = t->ncols, nauto = 0;
  double smin = 0, spref = 0;
  for (int k = 0; k < nc; k++)
    if (t->spec[k] <= 0) {
      smin += mn[k];
      spref += pf[k];
      nauto++;
    }
  if (!nauto)
    return;
  if (spref <= avail) {
    for (int k = 0; k < nc; k++)
      if (t->spec[k] <= 0)
        t->colw[k] = spref > 0 ? pf[k] + (avail - spref) * pf[k] / spref : avail / nauto;
    return;
  }
  if (smin > avail) { // too narrow even at min-content: in proportion (the caller warns)
    for (int k = 0; k < nc; k++)
      if (t->spec[k] <= 0)
        t->colw[k] = smin > 0 ? avail * mn[k] / smin : avail / nauto;
    return;
  }
  bool *done = ep_xcalloc((size_t)nc, sizeof *done);
  double rest = avail;
  int left = nauto;
  for (bool changed = true; changed && left > 0;) {
    changed = false;
    double fair = rest / left;
    for (int k = 0; k < nc && !changed; k++)
      if (t->spec[k] <= 0 && !done[k] && (pf[k] <= fair || mn[k] >= fair)) {
        t->colw[k] = pf[k] <= fair ? pf[k] : mn[k];
        rest -= t->colw[k];
        done[k] = true;
        left--;
        changed = true; // recompute the fair share after each assignment
      }
  }
  for (int k = 0; k < nc; k++)
    if (t->spec[k] <= 0 && !done[k])
      t->colw[k] = left > 0 ? rest / left : mn[k];
  free(done);
}

// 'solve_columns()' - Column widths of T in a measure of W pt: fixed widths
// (<col width>, a layout's form proportions) and min/max-content sharing,
// then every column raised to its min-content — and to three characters
// when the table has room — at the expense of the columns with room to spare.
// Returns false when even the min-content widths do not fit.
static bool solve_columns(ep_table *t, double W) {
  int nc = t->ncols;
  double *mn = ep_xcalloc((size_t)nc, sizeof *mn), *pf = ep_xcalloc((size_t)nc, sizeof *pf);
  measure_columns(t, mn, pf);
  double three = 3 * t->size + 2 * PAD_H, sum3 = 0, smin = 0, fixed = 0, share = 0;
  for (int k = 0; k < nc; k++) {
    sum3 += mn[k] > three ? mn[k] : (pf[k] < three ? pf[k] : three);
    smin += mn[k];
    share += t->share ? t->share[k] : 0;
  }
  if (sum3 <= W) // room for three characters in every column that has as much to say
    for (int k = 0; k < nc; k++)
      mn[k] = mn[k] > three ? mn[k] : (pf[k] < three ? pf[k] : three);
  for (int k = 0; k < nc; k++) {
    if (share > 0)
      t->spec[k] = W * t->share[k] / share;
    t->colw[k] = t->spec[k];
    fixed += t->spec[k];
  }
  share_columns(t, mn, pf, W - fixed > 0 ? W - fixed : 0);
  double total = 0;
  for (int k = 0; k < nc; k++)
    total += t->colw[k];
  if (total > W && total > 0) // fixed widths wider than the measure: scale them down
    for (int k = 0; k < nc; k++)
      t->colw[k] *= W / total;
  bool fits = smin <= W + 0.01;
  if (fits) {
    double need = 0, spare = 0;
    for (int k = 0; k < nc; k++) {
      double d = t->colw[k] - mn[k];
      need += d < 0 ? -d : 0;
      spare += d > 0 ? d : 0;
    }
    if (need > 0 && spare > 0)
      for (int k = 0; k < nc; k++) {
        double d = t->colw[k] - mn[k];
        t->colw[k] = d < 0 ? mn[k] : t->colw[k] - d * (need < spare ? need / spare : 1);
      }
  }
  free(mn);
  free(pf);
  return fits;
}

// 'break_cells()' - Break every cell of T at its column width; rows as tall as
// their tallest cell (a merged cell's surplus goes to its last row).
static void break_cells(tbl_host *L, ep_table *t) {
  t->rowh = ep_xcalloc((size_t)t->nrows + 1, sizeof *t->rowh);
  bool over = false;
  // Every cell's line breaks at once (lay_break_all(): on two threads when
  // the layout has a runner), then the warnings and heights in cell order.
  size_t m = 0;
  const ep_lb_atom **seqs = ep_xcalloc(t->ncells ? t->ncells : 1, sizeof *seqs);
  size_t *ns = ep_xcalloc(t->ncells ? t->ncells : 1, sizeof *ns);
  ep_lb_params *ps = ep_xcalloc(t->ncells ? t->ncells : 1, sizeof *ps);
  ep_lb_result *res = ep_xcalloc(t->ncells ? t->ncells : 1, sizeof *res);
  for (size_t i = 0; i < t->ncells; i++) {
    tcell *c = &t->cells[i];
    double w = t->colx[c->col + c->colspan] - t->colx[c->col] - 2 * PAD_H - c->indent;
    if (w < 1)
      w = 1;
    if (c->at.n) {
      seqs[m] = c->at.a;
      ns[m] = c->at.n;
      ep_lb_params_init(&ps[m], w);
      ps[m++].max_stretch = CELL_STRETCH;
    }
  }
  lay_break_all(L->in, m, seqs, ns, ps, res);
  for (size_t i = 0, k = 0; i < t->ncells; i++) {
    tcell *c = &t->cells[i];
    if (c->at.n) {
      c->res = res[k++];
      for (size_t k2 = 0; k2 < c->res.nlines && !over && !t->overfull; k2++)
        if (c->res.lines[k2].overfull) {
          over = true;
          ep_diag_add(L->in->diags, EP_WARNING, c->file, c->line, "cell-overfull",
                      "a word or number in a <%s> cell is wider than its column and was broken by character.",
                      t->kind);
        }
    }
    c->height = (c->res.nlines ? (double)c->res.nlines : 1.0) * t->lead + 2 * PAD_V;
  }
  free(res);
  free(ps);
  free(ns);
  free(seqs);
  for (size_t i = 0; i < t->ncells; i++) {
    tcell *c = &t->cells[i];
    if (c->rowspan == 1 && c->height > t->rowh[c->row])
      t->rowh[c->row] = c->height;
  }
  for (int r = 0; r < t->nrows; r++)
    if (t->rowh[r] <= 0)
      t->rowh[r] = t->lead + 2 * PAD_V;
  for (size_t i = 0; i < t->ncells; i++) {
    tcell *c = &t->cells[i];
    if (c->rowspan == 1)
      continue;
    double have = 0;
    for (int r = c->row; r < c->row + c->rowspan && r < t->nrows; r++)
      have += t->rowh[r];
    if (c->height > have)
      t->rowh[c->row + c->rowspan - 1] += c->height - have;
  }
}

// 'tbl_layout_in()' - Column widths, cell lines and row heights in geometry ST.
static void tbl_layout_in(tbl_host *L, ep_table *t, const ep_style *st) {
  int nc = t->ncols;
  for (size_t i = 0; i < t->ncells; i++)
    if (t->cells[i].row + t->cells[i].rowspan > t->nrows)
      t->nrows = t->cells[i].row + t->cells[i].rowspan;
  t->colw = ep_xcalloc((size_t)nc, sizeof *t->colw);
  t->colx = ep_xcalloc((size_t)nc + 1, sizeof *t->colx);
  if (!solve_columns(t, st->body_w)) {
    t->overfull = true; // its text is clipped at the rules (draw_cell)
    ep_diag_add(L->in->diags, EP_WARNING, t->file, t->line, "cell-overfull",
                "this <%s> has %d columns whose narrowest words and numbers do not fit the %.0f pt measure side by side; its columns were narrowed below them and the text that does not fit a cell is cut at the cell's rule (use fewer columns%s).",
                t->kind, nc, st->body_w, t->landscape ? " or shorter words in the narrowest ones" : ", or landscape=\"yes\"");
  }
  double x = st->left;
  for (int k = 0; k < nc; k++) {
    t->colx[k] = x;
    x += t->colw[k];
  }
  t->colx[nc] = x;
  break_cells(L, t);
}

// 'lay_table_source()' - The table's source file and line.
void lay_table_source(const ep_table *t, const char **file, unsigned long *line) {
  *file = t->file;
  *line = t->line;
}

// 'keeps_next()' - Whether row R stays on a page with row R + 1 (a cell of
// it has keep_next): through the row index when it exists (one page's
// check costs that row), else by a scan (once per table, before drawing).
static bool keeps_next(const ep_table *t, int r) {
  if (t->by_row) {
    for (size_t q = t->row_first[r]; q < t->row_first[r + 1]; q++)
      if (t->cells[t->by_row[q]].keep_next)
        return true;
    return false;
  }
  for (size_t i = 0; i < t->ncells; i++)
    if (t->cells[i].row == r && t->cells[i].keep_next)
      return true;
  return false;
}

// 'lay_table_min_height()' - Header rows plus the first body row (with the
// group rows above it that keep with it), or the whole table (see
// layout_table.h).
double lay_table_min_height(const ep_table *t, double body_h) {
  double all = 0, h = 0;
  for (int r = 0; r < t->nrows; r++)
    all += t->rowh[r];
  // A small table (half a page at most, so that a heading above it still
  // finds room with it on the next page) moves whole.
  if (t->nrows - t->nhead - t->nfoot <= 2 && all <= body_h / 2)
    return all;
  for (int r = 0; r < t->nhead && r < t->nrows; r++)
    h += t->rowh[r];
  if (t->nhead >= t->nrows)
    return h;
  int r = t->nhead;
  double kept = 0;
  while (r + 1 < t->nrows && keeps_next(t, r))
    kept += t->rowh[r++];
  // a row that will be split needs only its first lines here
  double first = t->rowh[r], some = 2 * t->lead + 2 * PAD_V;
  first = first < some ? first : some;
  if (h + kept + first > body_h - 2 * t->lead) { // a chain no page holds: as without it
    first = t->rowh[t->nhead] < some ? t->rowh[t->nhead] : some;
    kept = 0;
  }
  return h + kept + first;
}

// ---------------------------------------------------------------------------
// Drawing

// 'line_left()' - Where line LN of cell C (between the rules X0 and X1) starts:
// a justified line at the padding, a line set at natural width by the cell's alignment.
static double line_left(const tcell *c, const ep_lb_line *ln, double x0, double x1) {
  double left = x0 + PAD_H + c->indent, meas = x1 - x0 - 2 * PAD_H - c->indent;
  bool justified = !ln->last && !ln->forced && !ln->ragged;
  if (!justified && c->align == EP_H_CENTER)
    left += (meas - ln->width_used) / 2;
  else if (!justified && c->align == EP_H_RIGHT)
    left += meas - ln->width_used;
  return left;
}

// 'clip_end()' - In a table too wide for its columns, the end of the atoms
// [S, E) of cell C set from LEFT whose glyphs stay inside the rule at X1.
static size_t clip_end(const ep_table *t, const tcell *c, size_t s, size_t e, double left, double x1) {
  if (!t->overfull)
    return e;
  size_t k = s;
  while (k < e && left + c->res.x[k] + c->at.a[k].advance <= x1 - RULE + 0.01)
    k++;
  return k;
}

// 'draw_cell()' - Cell C over the rows [R0, R1) whose tops are at ROWTOP[] on PAGE.
static void draw_cell(tbl_host *L, ep_table *t, tcell *c, ep_page *page, double ytop, double ybot) {
  double x0 = t->colx[c->col], x1 = t->colx[c->col + c->colspan];
  ep_box *rc = ep_page_add(L->in->dl, page, EP_BOX_RECT);
  rc->x = x0;
  rc->y = ybot;
  rc->w = x1 - x0;
  rc->h = ytop - ybot;
  rc->line_width = c->noborder ? 0 : RULE;
  rc->fill = c->header && !c->noborder ? 0.92 : -1;
  if (!c->res.nlines)
    return;
  // A merged cell whose rows are spread over pages shows its text in the
  // part on each page (as 续表 repeat it). Lines that do not fit that part
  // are left out, never drawn over the rows below or the page's foot; the
  // cell is reported once.
  size_t n = c->res.nlines;
  size_t fit = ytop - ybot > 2 * PAD_V ? (size_t)((ytop - ybot - 2 * PAD_V) / t->lead + 0.01) : 0;
  if (fit < 1)
    fit = 1;
  if (n > fit) {
    if (!c->cut)
      ep_diag_add(L->in->diags, EP_WARNING, c->file, c->line, "cell-cut",
                  "this merged cell of the <%s> (over %d rows) needs %zu lines, but only %zu fit in its part on a "
                  "page; the rest is left out: shorten its text or spread it over more rows.",
                  t->kind, c->rowspan, n, fit);
    c->cut = true;
    n = fit;
  }
  // text vertically centred in the visible part of the cell
  double text_h = (double)n * t->lead;
  double top = ytop - ((ytop - ybot) - text_h) / 2;
  if (top > ytop - PAD_V)
    top = ytop - PAD_V;
  for (size_t k = 0; k < n; k++) {
    const ep_lb_line *ln = &c->res.lines[k];
    double left = line_left(c, ln, x0, x1);
    size_t s = ln->start, e = ln->end;
    while (s < e && c->at.a[s].cp == ' ')
      s++;
    if (s >= e)
      continue;
    double baseline = top - (double)k * t->lead - t->lead + (t->lead - t->size) / 2 + 0.12 * t->size;
    size_t from = L->in->nprotos;
    e = clip_end(t, c, s, e, left, x1);
    lay_emit_runs(L->in, &c->at, c->res.x, s, e, left);
    lay_put_protos(L->in, page, from, baseline, false);
  }
}

// 'head_range()' - The header rows [*H0, *H1) drawn above body rows from R on.
static void head_range(const ep_table *t, int r, int *h0, int *h1) {
  if (t->rep1 > t->rep0 && r >= t->rep1) {
    *h0 = t->rep0;
    *h1 = t->rep1;
  } else {
    *h0 = 0;
    *h1 = t->nhead;
  }
}

// 'head_height()' - Height of the header rows drawn above body rows from R on.
static double head_height(const ep_table *t, int r) {
  int h0, h1;
  head_range(t, r, &h0, &h1);
  double h = 0;
  for (int k = h0; k < h1 && k < t->nrows; k++)
    h += t->rowh[k];
  return h;
}

// 'cmp_size()' - qsort() order of size_t values.
static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

// 'tbl_index()' - Build T's placement index (see ep_table), once its cells
// are all added: linear in the rows and cells.
static void tbl_index(ep_table *t) {
  size_t nr = t->nrows > 0 ? (size_t)t->nrows : 0;
  t->row_first = ep_xcalloc(nr + 2, sizeof *t->row_first);
  t->by_row = ep_xmalloc((t->ncells ? t->ncells : 1) * sizeof *t->by_row);
  t->reach = ep_xmalloc((nr ? nr : 1) * sizeof *t->reach);
  t->merged = ep_xcalloc(nr ? nr : 1, sizeof *t->merged);
  t->top = ep_xcalloc(nr + 1, sizeof *t->top);
  t->bot = ep_xcalloc(nr + 1, sizeof *t->bot);
  int *end = ep_xcalloc(nr ? nr : 1, sizeof *end), *mend = ep_xcalloc(nr ? nr : 1, sizeof *mend);
  for (size_t i = 0; i < t->ncells; i++) { // counting sort by row, stable
    const tcell *c = &t->cells[i];
    t->row_first[c->row + 2]++;
    int r1 = c->row + c->rowspan < t->nrows ? c->row + c->rowspan : t->nrows;
    if (r1 > end[c->row])
      end[c->row] = r1;
    if (c->rowspan > 1 && r1 > mend[c->row])
      mend[c->row] = r1;
  }
  for (size_t r = 2; r < nr + 2; r++)
    t->row_first[r] += t->row_first[r - 1];
  for (size_t i = 0; i < t->ncells; i++)
    t->by_row[t->row_first[t->cells[i].row + 1]++] = i;
  // reach[r]: the first start s <= r whose cells reach past r (a start that
  // stops reaching never reaches again, so the pointer only moves on).
  int p = 0, cover = 0;
  for (int r = 0; r < t->nrows; r++) {
    while (p < r && end[p] <= r)
      p++;
    t->reach[r] = p;
    if (mend[r] > cover)
      cover = mend[r];
    t->merged[r] = cover > r;
  }
  free(end);
  free(mend);
}

// 'draw_rows()' - Rows [A, B), under the header rows when HEADER, at the top Y
// of PAGE; returns the bottom. A merged cell that starts in the header and
// reaches into the rows drawn is drawn once over both. Only the cells that
// start in those header rows, or in the rows from the first one a merged
// cell reaching row A starts at, are looked at, in the order they were added.
static double draw_rows(tbl_host *L, ep_table *t, ep_page *page, double y, int a, int b, bool header) {
  if (!t->by_row)
    tbl_index(t);
  int nr = t->nrows, h0 = 0, h1 = 0;
  if (header)
    head_range(t, a, &h0, &h1);
  if (h1 > a)
    h1 = a;
  double *top = t->top, *bot = t->bot;
  double yy = y;
  for (int r = h0; r < h1; r++) {
    top[r] = yy;
    yy -= t->rowh[r];
    bot[r] = yy;
  }
  for (int r = a; r < b; r++) {
    top[r] = yy;
    yy -= t->rowh[r];
    bot[r] = yy;
  }
  int lo = a < nr ? t->reach[a] : a; // body cells start from here on
  if (lo < h1)
    lo = h1;
  int hi = b < nr ? b : nr;
  size_t nh = h1 > h0 ? t->row_first[h1] - t->row_first[h0] : 0;
  size_t nb = hi > lo ? t->row_first[hi] - t->row_first[lo] : 0;
  size_t *pick = ep_xmalloc((nh + nb ? nh + nb : 1) * sizeof *pick), m = 0;
  for (size_t k = h1 > h0 ? t->row_first[h0] : 0; k < (h1 > h0 ? t->row_first[h1] : 0); k++)
    pick[m++] = t->by_row[k];
  for (size_t k = hi > lo ? t->row_first[lo] : 0; k < (hi > lo ? t->row_first[hi] : 0); k++)
    pick[m++] = t->by_row[k];
  qsort(pick, m, sizeof *pick, cmp_size);
  for (size_t j = 0; j < m; j++) {
    tcell *c = &t->cells[pick[j]];
    int r0 = c->row, r1 = c->row + c->rowspan;
    if (r1 > nr)
      r1 = nr;
    if (r0 >= h0 && r0 < h1) {
      int end = r1 <= h1 ? r1 : (r1 > a && b > a ? (r1 < b ? r1 : b) : h1);
      draw_cell(L, t, c, page, top[r0], bot[end - 1]);
      continue;
    }
    if (r0 < h1)
      continue; // above the header rows shown
    int v0 = r0 > a ? r0 : a, v1 = r1 < b ? r1 : b;
    if (v0 >= v1)
      continue;
    draw_cell(L, t, c, page, top[v0], bot[v1 - 1]);
  }
  free(pick);
  return yy;
}

// 'continued_line()' - "续表" above a continuation; returns its height.
static double continued_line(tbl_host *L, ep_table *t, ep_page *page, double y) {
  atoms at = {0};
  ifmt f = lay_fmt_for(t->ts, 1.0);
  lay_add_text(L->in, &at, "续表", &f, t->file, t->line, true);
  size_t from = L->in->nprotos;
  lay_emit_natural(L->in, &at, tbl_geom(L, t)->left);
  lay_put_protos(L->in, page, from, y - t->lead + (t->lead - t->size) / 2 + 0.12 * t->size, false);
  free(at.a);
  free(at.s);
  return t->lead;
}

static void table_place_in(tbl_host *L, ep_table *t, ep_page **page, double *y);

// 'row_alone()' - True when no merged cell reaches into or out of row R (such a
// row is split rather than moved; rows inside a merged group move whole).
static bool row_alone(ep_table *t, int r) {
  if (!t->by_row)
    tbl_index(t);
  return r < 0 || r >= t->nrows || !t->merged[r];
}

// 'cut_short()' - Whether a page break before row R would cut a merged cell
// whose text does not fit the rows on one side of the break (it is repeated
// with its whole text on the 续表 page, so each part must hold it).
static bool cut_short(const ep_table *t, int r) {
  if (r <= 0 || r >= t->nrows || !t->merged[r - 1])
    return false;
  for (size_t q = t->row_first[t->reach[r - 1]]; q < t->row_first[r]; q++) {
    const tcell *c = &t->cells[t->by_row[q]];
    if (c->rowspan < 2 || c->row + c->rowspan <= r)
      continue;
    double above = 0, below = 0;
    for (int k = c->row; k < r; k++)
      above += t->rowh[k];
    for (int k = r; k < c->row + c->rowspan && k < t->nrows; k++)
      below += t->rowh[k];
    if (above < c->height - 0.01 || below < c->height - 0.01)
      return true;
  }
  return false;
}

// 'split_row()' - Row R, taller than a page, set over as many pages as it needs:
// each part holds the lines of every cell that fit, top-aligned, under the header
// (HEADED: the first part's header is already drawn above *Y, by the row before).
static void split_row(tbl_host *L, ep_table *t, ep_page **page, double *y, int r, double bottom, double top,
                      bool headed) {
  for (;;) {
    double yy = headed ? *y : draw_rows(L, t, *page, *y, r, r, true); // the header only (unless drawn above)
    headed = false;
    double avail = yy - bottom;
    size_t fit = avail > 2 * PAD_V ? (size_t)((avail - 2 * PAD_V) / t->lead) : 0;
    if (fit == 0)
      fit = 1;
    bool more = false;
    double h = 0;
    for (size_t q = t->row_first[r]; q < t->row_first[r + 1]; q++) { // the cells of row R (draw_rows() indexed them)
      tcell *c = &t->cells[t->by_row[q]];
      size_t left = c->res.nlines > c->done ? c->res.nlines - c->done : 0;
      size_t k = left < fit ? left : fit;
      double ch = (double)k * t->lead + 2 * PAD_V;
      if (ch > h)
        h = ch;
      if (left > fit)
        more = true;
    }
    for (size_t q = t->row_first[r]; q < t->row_first[r + 1]; q++) {
      tcell *c = &t->cells[t->by_row[q]];
      double x0 = t->colx[c->col], x1 = t->colx[c->col + c->colspan];
      ep_box *rc = ep_page_add(L->in->dl, *page, EP_BOX_RECT);
      rc->x = x0;
      rc->y = yy - h;
      rc->w = x1 - x0;
      rc->h = h;
      rc->line_width = RULE;
      size_t end = c->done + fit < c->res.nlines ? c->done + fit : c->res.nlines;
      for (size_t k = c->done; k < end; k++) {
        const ep_lb_line *ln = &c->res.lines[k];
        double lft = line_left(c, ln, x0, x1);
        size_t s0 = ln->start, e0 = ln->end;
        while (s0 < e0 && c->at.a[s0].cp == ' ')
          s0++;
        if (s0 >= e0)
          continue;
        double baseline = yy - PAD_V - (double)(k - c->done + 1) * t->lead + (t->lead - t->size) / 2 + 0.12 * t->size;
        size_t from = L->in->nprotos;
        e0 = clip_end(t, c, s0, e0, lft, x1);
        lay_emit_runs(L->in, &c->at, c->res.x, s0, e0, lft);
        lay_put_protos(L->in, *page, from, baseline, false);
      }
      c->done = end;
    }
    *y = yy - h;
    if (!more)
      return;
    *page = L->new_page(L->user, t->landscape);
    *y = top - continued_line(L, t, *page, top);
  }
}

// 'lay_table_turned()' - T's turned geometry (see layout_table.h).
const ep_style *lay_table_turned(const ep_table *t) { return t->landscape ? &t->lst : NULL; }

// 'lay_table_place_turned()' - Landscape T from *Y on the rotated *PAGE on
// (see layout_table.h).
void lay_table_place_turned(tbl_host *L, ep_table *t, ep_page **page, double *y) {
  table_place_in(L, t, page, y);
  const ep_style *st = L->st;
  *y = st->page_h - st->top - st->body_h; // the page is done
}

// 'lay_table_place()' - Place T from *Y on *PAGE, page by page; a landscape
// table gets rotated pages of its own and leaves *Y at the foot of the last.
void lay_table_place(tbl_host *L, ep_table *t, ep_page **page, double *y) {
  if (!t->landscape) {
    table_place_in(L, t, page, y);
    return;
  }
  if (*page && (*page)->n == 0) // an empty page: turn it instead of leaving it blank
    (*page)->rotated = true;
  else
    *page = L->new_page(L->user, true);
  *y = t->lst.page_h - t->lst.top;
  lay_table_place_turned(L, t, page, y);
}

// 'table_place_in()' - Place T from *Y on *PAGE in its own geometry.
static void table_place_in(tbl_host *L, ep_table *t, ep_page **page, double *y) {
  const ep_style *st = tbl_geom(L, t);
  double top = st->page_h - st->top;
  double bottom = top - st->body_h;
  int r = t->nhead;
  bool first = true;
  bool fresh = false; // *PAGE was started by this loop and holds nothing of T's body yet
  bool told = false;  // a row that fits no page was reported
  bool headed = false; // the header is already drawn above *Y on this page (a split row ended here)
  if (!t->by_row)
    tbl_index(t); // (merged[], for the rules below)
  if (r >= t->nrows) { // a header-only table
    *y = draw_rows(L, t, *page, *y, r, r, true);
    return;
  }
  while (r < t->nrows) {
    double head = headed ? 0 : head_height(t, r);
    double avail = *y - bottom - head;
    int b = r;
    double h = 0;
    while (b < t->nrows && h + t->rowh[b] <= avail + 0.01) {
      h += t->rowh[b];
      b++;
    }
    // A 续表 page never holds only the summary rows (合计, 等级) and fewer than
    // two body rows: carry two body rows over (a general table: its last two
    // rows), as long as this page keeps one. (A table of two body rows moves
    // whole: lay_table_min_height().)
    // Never where a merged cell would be cut too short for its text, nor when
    // the rows carried over (with the header and the 续表 line) would not fit
    // on the next page.
    if (b < t->nrows && b - r >= 2 && t->nrows - t->nfoot - b < 2) {
      int nb = t->nrows - t->nfoot - 2;
      double rest = head_height(t, nb) + 2 * t->lead;
      for (int q = nb; q < t->nrows; q++)
        rest += t->rowh[q];
      if (nb > r && !cut_short(t, nb) && rest <= top - bottom)
        b = nb;
    }
    // A group row (a funds item over its sub-items) is not the last on a
    // page: it goes on with its first item, if this page keeps another row.
    if (b < t->nrows && b > r) {
      int nb = b;
      while (nb > r && keeps_next(t, nb - 1))
        nb--;
      if (nb > r)
        b = nb;
    }
    if (b == r && avail >= 2 * t->lead + 2 * PAD_V &&
        (row_alone(t, r) || t->rowh[r] > top - bottom - head - t->lead)) {
      // a row taller than the space left: split it between its lines
      // (the next rows follow on the page where it ended, as far as they fit)
      split_row(L, t, page, y, r, bottom, top, headed);
      r++;
      first = false;
      fresh = false;
      headed = true;
      if (r < t->nrows && t->merged[r - 1]) {
        // a merged cell goes on into the next row: that row starts a 续表
        // page, where the cell is repeated with its text (as after a break)
        *page = L->new_page(L->user, t->landscape);
        *y = top - continued_line(L, t, *page, top);
        fresh = true;
        headed = false;
      }
      continue;
    }
    if (b == r && !fresh && (!first || *y < top - 0.01)) {
      // nothing fits here: continue on a new page
      *page = L->new_page(L->user, t->landscape);
      *y = top;
      if (!first)
        *y -= continued_line(L, t, *page, *y);
      first = false;
      fresh = true;
      headed = false;
      continue;
    }
    if (b == r) {
      // Not even an empty page holds the header and this row (nor a line of
      // it): the layout's table sizes are too large for its page. Drawn
      // anyway, past the page's foot, so that the layout ends; an error.
      if (!told) {
        const tcell *c0 = NULL;
        for (size_t i = 0; i < t->ncells && !c0; i++)
          if (t->cells[i].row == r)
            c0 = &t->cells[i];
        ep_diag_add(L->in->diags, EP_ERROR, c0 ? c0->file : t->file, c0 ? c0->line : t->line, "table-too-tall",
                    "with this layout a row of this <%s> and the header rows above it need %.0f pt, but a page "
                    "holds %.0f pt of table: use a smaller table text size or a larger page.",
                    t->kind, head + t->rowh[r], top - bottom);
        told = true;
      }
      b = r + 1;
    }
    *y = draw_rows(L, t, *page, *y, r, b, !headed);
    r = b;
    fresh = false;
    headed = false;
    if (r < t->nrows) {
      *page = L->new_page(L->user, t->landscape);
      *y = top;
      *y -= continued_line(L, t, *page, *y);
      fresh = true;
    }
    first = false;
  }
}

// ---------------------------------------------------------------------------
// Builders

static void inner_caption(tbl_host *L, ep_table *t, const char *text, const ep_node *n, const ep_node *inline_src);

static void caption_line(tbl_host *L, const char *text, const ep_node *n, const ep_node *inline_src);

// 'table_caption()' - The caption of T: a line above it, or inside it when landscape.
static void table_caption(tbl_host *L, ep_table *t, const char *text, const ep_node *n, const ep_node *inline_src) {
  const ep_node *up = n->parent;
  if (!inline_src && text && up && (up->kind == EP_N_SECTION || up->kind == EP_N_APPENDIX) && up->text &&
      !strcmp(up->text, text))
    return; // the section's title already says it: printed once
  if (t->landscape) {
    if ((text && text[0]) || inline_src)
      inner_caption(L, t, text, n, inline_src);
    return;
  }
  caption_line(L, text, n, inline_src);
}

// 'caption_line()' - A centred caption above a table (keeps with it).
static void caption_line(tbl_host *L, const char *text, const ep_node *n, const ep_node *inline_src) {
  if ((!text || !text[0]) && !inline_src)
    return;
  const ep_text_style *ts = &L->st->ts[EP_TS_BODY];
  atoms at = {0};
  ifmt f = lay_fmt_for(ts, L->char_ratio);
  f.bold = true;
  if (inline_src)
    lay_inline_text(L->in, &at, inline_src, &f, 0);
  else
    lay_add_text(L->in, &at, text, &f, n->file, n->line, false);
  lay_glue_words(L->in, &at, 0);
  L->caption(L->user, &at, ts->size);
  free(at.a);
  free(at.s);
}

// 'inner_caption()' - A landscape table's caption (TEXT, or the <caption>
// element INLINE_SRC when there is one): a borderless first row (its rotated
// pages hold the whole block), repeated with the header.
static void inner_caption(tbl_host *L, ep_table *t, const char *text, const ep_node *n, const ep_node *inline_src) {
  for (size_t i = 0; i < t->ncells; i++)
    t->cells[i].row++;
  t->nrows++;
  t->nhead++;
  if (t->rep1 > t->rep0) { // the rows repeated under 续表 (the form's indicator header) move down with the rest
    t->rep0++;
    t->rep1++;
  }
  const ep_node *src = inline_src ? inline_src : n;
  tcell *c = tbl_cell(t, 0, 0, 1, t->ncols, EP_H_CENTER, true, src->file, src->line);
  c->noborder = true;
  ifmt f = lay_fmt_for(&L->st->ts[EP_TS_BODY], 1.0);
  f.bold = true;
  if (inline_src)
    lay_inline_text(L->in, &c->at, inline_src, &f, 0);
  else
    lay_add_text(L->in, &c->at, text, &f, n->file, n->line, false);
}

// 'push_table()' - Lay out T and append it as a line item.
static void push_table(tbl_host *L, ep_table *t) {
  tbl_layout(L, t);
  L->add_table(L->user, t);
}

// 'parse_width()' - A <col width> in pt (percent of the measure W).
static double parse_width(const char *s, double W) {
  if (!s)
    return 0;
  double v = 0, frac = 0.1;
  const char *p = s;
  while (*p == ' ')
    p++;
  while (*p >= '0' && *p <= '9')
    v = v * 10 + (*p++ - '0');
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++, frac /= 10)
      v += (*p - '0') * frac;
  if (*p == '%')
    return W * v / 100;
  if (!strncmp(p, "mm", 2))
    return v * 72 / 25.4;
  return v;
}

// 'general_table()' - <table>: its cells where ep_table_place() puts them
// (HTML-style placement of rowspan/colspan cells, as the checks see them).
static void general_table(tbl_host *L, const ep_node *n) {
  const ep_node **rows;
  ep_table_slot *slots;
  size_t nr, nhead, ns;
  size_t ncols = ep_table_place(n, &rows, &nr, &nhead, &slots, &ns);
  ep_table *t = tbl_new(L, ncols > 0 ? (int)ncols : 1, n);
  t->nhead = (int)nhead;
  int k = 0;
  for (const ep_node *c = n->first; c && k < t->ncols; c = c->next)
    if (c->kind == EP_N_COL)
      t->spec[k++] = parse_width(c->width, L->st->body_w);
  for (size_t i = 0; i < ns; i++) {
    const ep_table_slot *sl = &slots[i];
    const ep_node *cell = sl->cell;
    ep_halign al = cell->align == EP_ALIGN_LEFT ? EP_H_LEFT
                   : cell->align == EP_ALIGN_CENTER ? EP_H_CENTER
                   : cell->align == EP_ALIGN_RIGHT ? EP_H_RIGHT
                   : cell->kind == EP_N_TH ? EP_H_CENTER : EP_H_LEFT;
    tcell *tc = tbl_cell(t, (int)sl->row, (int)sl->col, (int)sl->rowspan, (int)sl->colspan, al,
                         cell->kind == EP_N_TH || sl->row < nhead, cell->file, cell->line);
    cell_inline(L, t, tc, cell);
  }
  if (t->nrows < (int)nr)
    t->nrows = (int)nr;
  const ep_node *cap_el = NULL;
  for (const ep_node *c = n->first; c; c = c->next)
    if (c->kind == EP_N_CAPTION)
      cap_el = c;
  table_caption(L, t, n->text, n, cap_el);
  push_table(L, t);
  free(slots);
  free(rows);
}

// 'fig_text()' - Plain text of a figure or "" when unknown (BUF: 64 bytes).
static const char *fig_text(ep_fig f, char *buf) { return ep_fig_text(f, EP_VF_PLAIN, "", buf, 64); }

// 'dec_text()' - Plain text of a figure that is there (BUF: 64 bytes).
static const char *dec_text(ep_dec d, char *buf) { return fig_text((ep_fig){true, d}, buf); }

// 'num_cell()' - A right-aligned figure cell whose decimal point lines up with
// the others of its column (MAXFRAC digits after the point).
static void num_cell(tbl_host *L, ep_table *t, tcell *c, const char *text, int maxfrac) {
  c->align = EP_H_RIGHT;
  if (!text || !text[0])
    return;
  cell_text(L, t, c, text, false, true);
  const char *dot = strchr(text, '.');
  int frac = dot ? (int)strlen(dot + 1) : 0;
  if (strchr(text, '%'))
    return;
  int pad = maxfrac - frac;
  if (pad > 0) {
    // invisible padding: digit widths (+ the point) so decimals align
    atom_style s = c->at.s[c->at.n - 1];
    s.off = 0;
    double digit = c->at.a[c->at.n - 1].advance;
    double w = pad * digit + (dot ? 0 : digit * 0.5);
    lay_push_atom(&c->at, 0x2007, w, t->size, EP_LB_GLUE_PREV | EP_LB_NO_AUTOSPACE, &s);
  }
}

// 'maxfrac_items()' - Most fraction digits of figure slot F over the items
// directly below N, at least M.
static int maxfrac_items(const ep_node *n, int f, int m) {
  for (const ep_node *c = n->first; c; c = c->next) {
    if (c->kind != EP_N_ITEM)
      continue;
    if (c->eff[f].known) {
      char b[64];
      const char *d = strchr(fig_text(c->eff[f], b), '.');
      int k = d ? (int)strlen(d + 1) : 0;
      if (k > m)
        m = k;
    }
    m = maxfrac_items(c, f, m);
  }
  return m;
}

typedef struct funds_ctx {
  ep_table *t;
  int row;
  bool initial, balance;
  int frac[EP_F__COUNT];
} funds_ctx;

// 'funds_rows()' - One row per item, children indented under their parent.
static void funds_rows(tbl_host *L, funds_ctx *fc, const ep_node *n, int depth) {
  for (const ep_node *it = n->first; it; it = it->next) {
    if (it->kind != EP_N_ITEM)
      continue;
    ep_table *t = fc->t;
    int col = 0, r = fc->row++;
    tcell *c = tbl_cell(t, r, col++, 1, 1, EP_H_LEFT, false, it->file, it->line);
    c->indent = (depth < 8 ? depth : 8) * t->size;
    cell_text(L, t, c, it->name, depth == 0 && it->first, false);
    for (const ep_node *k = it->first; k && !c->keep_next; k = k->next)
      c->keep_next = k->kind == EP_N_ITEM; // a group row is never left at a page's foot without its first item
    char b[64];
    if (fc->initial)
      num_cell(L, t, tbl_cell(t, r, col++, 1, 1, EP_H_RIGHT, false, it->file, it->line),
               fig_text(it->eff[EP_F_INITIAL], b), fc->frac[EP_F_INITIAL]);
    num_cell(L, t, tbl_cell(t, r, col++, 1, 1, EP_H_RIGHT, false, it->file, it->line), fig_text(it->eff[EP_F_BUDGET], b),
             fc->frac[EP_F_BUDGET]);
    num_cell(L, t, tbl_cell(t, r, col++, 1, 1, EP_H_RIGHT, false, it->file, it->line),
             fig_text(it->eff[EP_F_EXECUTED], b), fc->frac[EP_F_EXECUTED]);
    tcell *rc = tbl_cell(t, r, col++, 1, 1, EP_H_RIGHT, false, it->file, it->line);
    if (it->rate_known)
      num_cell(L, t, rc, ep_ratio_format_percent(it->rate, b, sizeof b), 0);
    if (fc->balance)
      num_cell(L, t, tbl_cell(t, r, col++, 1, 1, EP_H_RIGHT, false, it->file, it->line),
               fig_text(it->eff[EP_F_BALANCE], b), fc->frac[EP_F_BALANCE]);
    if (depth < EP_MAX_NESTING)
      funds_rows(L, fc, it, depth + 1);
  }
}

// 'any_item_has()' - True when some item below N declares figure F.
static bool any_item_has(const ep_node *n, int f) {
  for (const ep_node *c = n->first; c; c = c->next)
    if (c->kind == EP_N_ITEM && (c->has_decl[f] || any_item_has(c, f)))
      return true;
  return false;
}

// 'funds_table()' - <funds>: 项目 | 预算数 | 执行数 | 执行率 (+ 年初预算数, 结余结转), 合计.
static void funds_table(tbl_host *L, const ep_node *n) {
  funds_ctx fc = {0};
  fc.initial = any_item_has(n, EP_F_INITIAL);
  fc.balance = any_item_has(n, EP_F_BALANCE);
  int ncols = 4 + fc.initial + fc.balance;
  ep_table *t = tbl_new(L, ncols, n);
  fc.t = t;
  for (int f = 0; f < EP_F__COUNT; f++) {
    fc.frac[f] = maxfrac_items(n, f, 0);
    if (n->eff[f].known) {
      char b[64];
      const char *d = strchr(fig_text(n->eff[f], b), '.');
      if (d && (int)strlen(d + 1) > fc.frac[f])
        fc.frac[f] = (int)strlen(d + 1);
    }
  }
  const char *unit = n->unit ? n->unit : "万元";
  char h[128];
  int col = 0;
  t->nhead = 1;
  cell_text(L, t, tbl_cell(t, 0, col++, 1, 1, EP_H_CENTER, true, n->file, n->line), "项目", false, false);
  if (fc.initial) {
    snprintf(h, sizeof h, "年初预算数（%s）", unit);
    cell_text(L, t, tbl_cell(t, 0, col++, 1, 1, EP_H_CENTER, true, n->file, n->line), h, false, false);
  }
  snprintf(h, sizeof h, "预算数（%s）", unit);
  cell_text(L, t, tbl_cell(t, 0, col++, 1, 1, EP_H_CENTER, true, n->file, n->line), h, false, false);
  snprintf(h, sizeof h, "执行数（%s）", unit);
  cell_text(L, t, tbl_cell(t, 0, col++, 1, 1, EP_H_CENTER, true, n->file, n->line), h, false, false);
  cell_text(L, t, tbl_cell(t, 0, col++, 1, 1, EP_H_CENTER, true, n->file, n->line), "执行率", false, false);
  if (fc.balance) {
    snprintf(h, sizeof h, "结余结转（%s）", unit);
    cell_text(L, t, tbl_cell(t, 0, col++, 1, 1, EP_H_CENTER, true, n->file, n->line), h, false, false);
  }
  fc.row = 1;
  funds_rows(L, &fc, n, 0);
  int r = fc.row;
  char b[64];
  col = 0;
  tcell *c = tbl_cell(t, r, col++, 1, 1, EP_H_CENTER, false, n->file, n->line);
  cell_text(L, t, c, "合计", true, false);
  t->nfoot = 1;
  if (fc.initial)
    num_cell(L, t, tbl_cell(t, r, col++, 1, 1, EP_H_RIGHT, false, n->file, n->line), fig_text(n->eff[EP_F_INITIAL], b),
             fc.frac[EP_F_INITIAL]);
  num_cell(L, t, tbl_cell(t, r, col++, 1, 1, EP_H_RIGHT, false, n->file, n->line), fig_text(n->eff[EP_F_BUDGET], b),
           fc.frac[EP_F_BUDGET]);
  num_cell(L, t, tbl_cell(t, r, col++, 1, 1, EP_H_RIGHT, false, n->file, n->line), fig_text(n->eff[EP_F_EXECUTED], b),
           fc.frac[EP_F_EXECUTED]);
  tcell *rc = tbl_cell(t, r, col++, 1, 1, EP_H_RIGHT, false, n->file, n->line);
  if (n->rate_known)
    num_cell(L, t, rc, ep_ratio_format_percent(n->rate, b, sizeof b), 0);
  if (fc.balance)
    num_cell(L, t, tbl_cell(t, r, col++, 1, 1, EP_H_RIGHT, false, n->file, n->line), fig_text(n->eff[EP_F_BALANCE], b),
             fc.frac[EP_F_BALANCE]);
  caption_line(L, n->text, n, NULL);
  push_table(L, t);
  if (n->chart)
    lay_bar_chart(L, n);
}

// 'ind_depth()' - Deepest indicator level below N.
static int ind_depth(const ep_node *n, int d) {
  int m = d;
  for (const ep_node *c = n->first; c; c = c->next)
    if (c->kind == EP_N_INDICATOR) {
      int k = ind_depth(c, d + 1);
      if (k > m)
        m = k;
    }
  return m;
}

// 'ind_leaves()' - Number of leaf rows below indicator N (1 for a leaf).
static int ind_leaves(const ep_node *n) {
  int k = 0;
  for (const ep_node *c = n->first; c; c = c->next)
    if (c->kind == EP_N_INDICATOR)
      k += ind_leaves(c);
  return k ? k : 1;
}

// 'ind_any_note()' - True when an indicator below N (at any depth) has a note
// shown in the notes column (a leaf's non-empty note).
static bool ind_any_note(const ep_node *n) {
  for (const ep_node *c = n->first; c; c = c->next)
    if (c->kind == EP_N_INDICATOR && ((c->note && c->note[0] && !c->first) || ind_any_note(c)))
      return true;
  return false;
}

typedef struct score_ctx {
  ep_table *t;
  int D;         // levels
  bool notes;
  int row;
} score_ctx;

// 'score_rows()' - Cells of indicator N at LEVEL (1-based) and its children.
static void score_rows(tbl_host *L, score_ctx *sc, const ep_node *n, int level) {
  for (const ep_node *c = n->first; c; c = c->next) {
    if (c->kind != EP_N_INDICATOR)
      continue;
    ep_table *t = sc->t;
    int rows = ind_leaves(c);
    int r = sc->row;
    bool leaf = !c->first;
    int ncol = 2 * (level - 1);
    int span = leaf ? 2 * (sc->D - level) + 1 : 1;
    tcell *nm = tbl_cell(t, r, ncol, rows, span, EP_H_LEFT, false, c->file, c->line);
    cell_text(L, t, nm, c->name, false, false);
    int wcol = leaf ? 2 * sc->D - 1 : ncol + 1;
    char b[64];
    tcell *wc = tbl_cell(t, r, wcol, rows, 1, EP_H_CENTER, false, c->file, c->line);
    if (c->eff_weight.known)
      cell_text(L, t, wc, fig_text(c->eff_weight, b), false, true);
    if (leaf) {
      tcell *s = tbl_cell(t, r, 2 * sc->D, 1, 1, EP_H_CENTER, false, c->file, c->line);
      if (c->eff_score.known)
        cell_text(L, t, s, fig_text(c->eff_score, b), false, true);
      if (sc->notes) {
        tcell *nt = tbl_cell(t, r, 2 * sc->D + 1, 1, 1, EP_H_LEFT, false, c->file, c->line);
        cell_text(L, t, nt, c->note, false, false);
      }
      sc->row++;
    } else if (level < EP_MAX_INDICATOR_DEPTH) {
      score_rows(L, sc, c, level + 1);
    }
  }
}

// 'scoring_table()' - <scoring>: per level a name and a weight column, 得分, 说明; 合计 and 等级.
static void scoring_table(tbl_host *L, const ep_node *n) {
  static const char *const lv[] = {"一级指标", "二级指标", "三级指标", "四级指标"};
  score_ctx sc = {0};
  sc.D = ind_depth(n, 0);
  if (sc.D < 1)
    sc.D = 1;
  if (sc.D > 4)
    sc.D = 4;
  sc.notes = ind_any_note(n);
  int ncols = 2 * sc.D + 1 + sc.notes;
  ep_table *t = tbl_new(L, ncols, n);
  sc.t = t;
  t->nhead = 1;
  for (int l = 0; l < sc.D; l++) {
    cell_text(L, t, tbl_cell(t, 0, 2 * l, 1, 1, EP_H_CENTER, true, n->file, n->line), lv[l], false, false);
    cell_text(L, t, tbl_cell(t, 0, 2 * l + 1, 1, 1, EP_H_CENTER, true, n->file, n->line), "权重", false, false);
  }
  cell_text(L, t, tbl_cell(t, 0, 2 * sc.D, 1, 1, EP_H_CENTER, true, n->file, n->line), "得分", false, false);
  if (sc.notes)
    cell_text(L, t, tbl_cell(t, 0, 2 * sc.D + 1, 1, 1, EP_H_CENTER, true, n->file, n->line), "说明", false, false);
  sc.row = 1;
  score_rows(L, &sc, n, 1);
  int r = sc.row;
  char b[64];
  cell_text(L, t, tbl_cell(t, r, 0, 1, 1, EP_H_CENTER, false, n->file, n->line), "合计", true, false);
  tcell *w = tbl_cell(t, r, 1, 1, 1, EP_H_CENTER, false, n->file, n->line);
  if (n->eff_weight.known)
    cell_text(L, t, w, fig_text(n->eff_weight, b), true, true);
  if (sc.D > 1)
    tbl_cell(t, r, 2, 1, 2 * sc.D - 2, EP_H_CENTER, false, n->file, n->line);
  tcell *s = tbl_cell(t, r, 2 * sc.D, 1, 1, EP_H_CENTER, false, n->file, n->line);
  cell_text(L, t, s, dec_text(n->eff_score.v, b), true, true);
  if (sc.notes)
    tbl_cell(t, r, 2 * sc.D + 1, 1, 1, EP_H_LEFT, false, n->file, n->line);
  r++;
  cell_text(L, t, tbl_cell(t, r, 0, 1, 1, EP_H_CENTER, false, n->file, n->line), "等级", true, false);
  t->nfoot = 2;
  tcell *g = tbl_cell(t, r, 1, 1, ncols - 1, EP_H_CENTER, false, n->file, n->line);
  cell_text(L, t, g, n->grade, true, false);
  table_caption(L, t, n->text, n, NULL);
  push_table(L, t);
}

// 'im_table()' - <issues-and-measures/>: 存在问题 | 改进措施, one row per issue.
static void im_table(tbl_host *L, const ep_node *n) {
  ep_table *t = tbl_new(L, 2, n);
  t->nhead = 1;
  cell_text(L, t, tbl_cell(t, 0, 0, 1, 1, EP_H_CENTER, true, n->file, n->line), "存在问题", false, false);
  cell_text(L, t, tbl_cell(t, 0, 1, 1, 1, EP_H_CENTER, true, n->file, n->line), "改进措施", false, false);
  // One walk for the issues (a row each, in document order), one for the
  // measures (stacked in their issue's right-hand cell).
  const ep_node *root = n;
  while (root->parent)
    root = root->parent;
  size_t ni = 0, cap = 16;
  const ep_node **iss = ep_xmalloc(cap * sizeof *iss);
  for (const ep_node *x = root; x; x = ep_next_node(x, root)) {
    if (x->kind != EP_N_ISSUE)
      continue;
    if (ni == cap)
      iss = ep_xrealloc(iss, (cap *= 2) * sizeof *iss);
    iss[ni++] = x;
    int r = (int)ni;
    tcell *ic = tbl_cell(t, r, 0, 1, 1, EP_H_LEFT, false, x->file, x->line);
    char num[32];
    snprintf(num, sizeof num, "%zu.", ni);
    cell_text(L, t, ic, num, false, true);
    cell_lead(L, t, ic, x);
    cell_inline(L, t, ic, x);
    tbl_cell(t, r, 1, 1, 1, EP_H_LEFT, false, x->file, x->line);
  }
  // cells: [0] and [1] are the header; issue i has cells 2 + 2i and 3 + 2i
  for (const ep_node *y = root; y; y = ep_next_node(y, root)) {
    if (y->kind != EP_N_MEASURE || !y->issue)
      continue;
    size_t i = 0;
    while (i < ni && iss[i] != y->issue)
      i++;
    if (i == ni)
      continue;
    tcell *mc = &t->cells[3 + 2 * i];
    if (mc->at.n)
      cell_break(mc);
    cell_lead(L, t, mc, y);
    cell_inline(L, t, mc, y);
  }
  free(iss);
  caption_line(L, n->text, n, NULL);
  push_table(L, t);
}

// 'form_indicators()' - The form's 绩效指标 block from row R: the indicator
// header (repeated under 续表) and one row per indicator, level-1 and level-2
// names merged over their groups. Returns the next row.
static int form_indicators(tbl_host *L, ep_table *t, const ep_node *n, int r, int nind) {
  const char *F = n->file;
  unsigned long ln = n->line;
  char b[64];
  cell_text(L, t, tbl_cell(t, r, 0, nind + 1, 1, EP_H_CENTER, true, F, ln), "绩效指标", false, false);
  t->rep0 = r; // the indicator header repeats under 续表
  t->rep1 = r + 1;
  static const char *const ih[] = {"一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                                   "偏差原因分析及改进措施"};
  for (int k = 0; k < 8; k++)
    cell_text(L, t, tbl_cell(t, r, 1 + k, 1, 1, EP_H_CENTER, true, F, ln), ih[k], false, false);
  r++;
  const ep_node *prev = NULL;
  long i1 = -1, i2 = -1; // indices of the open level-1 / level-2 group cells
  for (const ep_node *c = n->first; c; c = c->next) {
    if (c->kind != EP_N_FORM_INDICATOR)
      continue;
    const char *l1 = c->level1 ? c->level1 : "", *l2 = c->level2 ? c->level2 : "";
    bool same1 = prev && i1 >= 0 && !strcmp(prev->level1 ? prev->level1 : "", l1);
    bool same2 = same1 && i2 >= 0 && !strcmp(prev->level2 ? prev->level2 : "", l2);
    if (same1) {
      t->cells[i1].rowspan++;
    } else {
      tcell *g1 = tbl_cell(t, r, 1, 1, 1, EP_H_CENTER, false, c->file, c->line);
      i1 = (long)(g1 - t->cells);
      cell_text(L, t, g1, l1, false, false);
    }
    if (same2) {
      t->cells[i2].rowspan++;
    } else {
      tcell *g2 = tbl_cell(t, r, 2, 1, 1, EP_H_CENTER, false, c->file, c->line);
      i2 = (long)(g2 - t->cells);
      cell_text(L, t, g2, l2, false, false);
    }
    cell_text(L, t, tbl_cell(t, r, 3, 1, 1, EP_H_LEFT, false, c->file, c->line), c->name, false, false);
    cell_text(L, t, tbl_cell(t, r, 4, 1, 1, EP_H_CENTER, false, c->file, c->line), c->target_value, false, false);
    cell_text(L, t, tbl_cell(t, r, 5, 1, 1, EP_H_CENTER, false, c->file, c->line), c->actual, false, false);
    tcell *pc = tbl_cell(t, r, 6, 1, 1, EP_H_CENTER, false, c->file, c->line);
    if (c->has_points)
      cell_text(L, t, pc, dec_text(c->points, b), false, true);
    tcell *sc = tbl_cell(t, r, 7, 1, 1, EP_H_CENTER, false, c->file, c->line);
    if (c->has_score)
      cell_text(L, t, sc, dec_text(c->score, b), false, true);
    cell_text(L, t, tbl_cell(t, r, 8, 1, 1, EP_H_LEFT, false, c->file, c->line), c->deviation, false, false);
    prev = c;
    r++;
  }
  return r;
}

// 'form_table()' - <self-eval-form>: the official 项目支出绩效自评表 grid (9 columns).
static void form_table(tbl_host *L, const ep_node *n) {
  ep_table *t = tbl_new(L, 9, n);
  // the official form's proportions: label, 一级, 二级, 三级指标, 指标值, 完成值, 分值, 得分, 偏差原因
  static const double builtin[9] = {11, 8, 9, 12, 12, 12, 7, 9, 20};
  t->share = ep_xmalloc(9 * sizeof *t->share);
  for (int k = 0; k < 9; k++)
    t->share[k] = L->st->form_cols[0] > 0 ? L->st->form_cols[k] : builtin[k];
  char b[64], c2[64];
  int r = 0;
  const char *F = n->file;
  unsigned long ln = n->line;
  t->nhead = 0;
  cell_text(L, t, tbl_cell(t, r, 0, 1, 1, EP_H_CENTER, true, F, ln), "项目名称", false, false);
  cell_text(L, t, tbl_cell(t, r, 1, 1, 8, EP_H_LEFT, false, F, ln), n->project, false, false);
  r++;
  cell_text(L, t, tbl_cell(t, r, 0, 1, 1, EP_H_CENTER, true, F, ln), "主管部门", false, false);
  cell_text(L, t, tbl_cell(t, r, 1, 1, 3, EP_H_LEFT, false, F, ln), n->department, false, false);
  cell_text(L, t, tbl_cell(t, r, 4, 1, 1, EP_H_CENTER, true, F, ln), "实施单位", false, false);
  cell_text(L, t, tbl_cell(t, r, 5, 1, 4, EP_H_LEFT, false, F, ln), n->unit_name, false, false);
  r++;
  const ep_node *bud = NULL, *goal = NULL;
  int nsrc = 0, nind = 0;
  for (const ep_node *c = n->first; c; c = c->next) {
    if (c->kind == EP_N_FORM_BUDGET && !bud)
      bud = c;
    if (c->kind == EP_N_FORM_GOAL)
      goal = c;
    if (c->kind == EP_N_FORM_INDICATOR)
      nind++;
  }
  if (bud)
    for (const ep_node *s = bud->first; s; s = s->next)
      nsrc += s->kind == EP_N_FORM_SOURCE;
  // budget block
  cell_text(L, t, tbl_cell(t, r, 0, 2 + nsrc, 1, EP_H_CENTER, true, F, ln), "项目资金（万元）", false, false);
  static const char *const heads[] = {"年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"};
  tbl_cell(t, r, 1, 1, 2, EP_H_CENTER, true, F, ln);
  for (int k = 0; k < 6; k++)
    cell_text(L, t, tbl_cell(t, r, 3 + k, 1, 1, EP_H_CENTER, true, F, ln), heads[k], false, false);
  r++;
  cell_text(L, t, tbl_cell(t, r, 1, 1, 2, EP_H_LEFT, false, F, ln), "年度资金总额", false, false);
  for (int k = 0; k < EP_FF__COUNT; k++) {
    tcell *c = tbl_cell(t, r, 3 + k, 1, 1, EP_H_RIGHT, false, F, ln);
    if (bud && bud->has_fdecl[k])
      num_cell(L, t, c, dec_text(bud->fdecl[k], b), 0);
  }
  num_cell(L, t, tbl_cell(t, r, 6, 1, 1, EP_H_CENTER, false, F, ln), dec_text(n->points, b), 0);
  tcell *rc = tbl_cell(t, r, 7, 1, 1, EP_H_CENTER, false, F, ln);
  if (n->form_rate_known)
    num_cell(L, t, rc, ep_ratio_format_percent(n->form_rate, b, sizeof b), 0);
  tcell *bs = tbl_cell(t, r, 8, 1, 1, EP_H_CENTER, false, F, ln);
  if (n->form_ok)
    num_cell(L, t, bs, ep_ratio_format_trimmed(n->budget_score, 2, b, sizeof b), 0);
  r++;
  if (bud)
    for (const ep_node *s = bud->first; s; s = s->next) {
      if (s->kind != EP_N_FORM_SOURCE)
        continue;
      snprintf(c2, sizeof c2, "其中：%s", s->name ? s->name : "");
      cell_text(L, t, tbl_cell(t, r, 1, 1, 2, EP_H_LEFT, false, s->file, s->line), c2, false, false);
      for (int k = 0; k < EP_FF__COUNT; k++) {
        tcell *c = tbl_cell(t, r, 3 + k, 1, 1, EP_H_RIGHT, false, s->file, s->line);
        if (s->has_fdecl[k])
          num_cell(L, t, c, dec_text(s->fdecl[k], b), 0);
      }
      for (int k = 6; k < 9; k++)
        cell_text(L, t, tbl_cell(t, r, k, 1, 1, EP_H_CENTER, false, s->file, s->line), "—", false, false);
      r++;
    }
  // goal block
  cell_text(L, t, tbl_cell(t, r, 0, 2, 1, EP_H_CENTER, true, F, ln), "年度总体目标", false, false);
  cell_text(L, t, tbl_cell(t, r, 1, 1, 4, EP_H_CENTER, true, F, ln), "预期目标", false, false);
  cell_text(L, t, tbl_cell(t, r, 5, 1, 4, EP_H_CENTER, true, F, ln), "实际完成情况", false, false);
  r++;
  cell_text(L, t, tbl_cell(t, r, 1, 1, 4, EP_H_LEFT, false, goal ? goal->file : F, goal ? goal->line : ln),
            goal ? goal->planned : NULL, false, false);
  cell_text(L, t, tbl_cell(t, r, 5, 1, 4, EP_H_LEFT, false, goal ? goal->file : F, goal ? goal->line : ln),
            goal ? goal->achieved : NULL, false, false);
  r++;
  r = form_indicators(L, t, n, r, nind);
  // 总分
  cell_text(L, t, tbl_cell(t, r, 0, 1, 6, EP_H_CENTER, true, F, ln), "总分", false, false);
  ep_dec total = n->points;
  for (const ep_node *c = n->first; c; c = c->next)
    if (c->kind == EP_N_FORM_INDICATOR && c->has_points)
      ep_dec_add(total, c->points, &total);
  cell_text(L, t, tbl_cell(t, r, 6, 1, 1, EP_H_CENTER, false, F, ln), dec_text(total, b), true, true);
  tcell *ts = tbl_cell(t, r, 7, 1, 1, EP_H_CENTER, false, F, ln);
  if (n->form_ok)
    cell_text(L, t, ts, ep_ratio_format_trimmed(n->form_score, 2, b, sizeof b), true, true);
  tcell *gr = tbl_cell(t, r, 8, 1, 1, EP_H_CENTER, false, F, ln);
  if (n->grade) {
    snprintf(c2, sizeof c2, "自评等级：%s", n->grade);
    cell_text(L, t, gr, c2, true, false);
  }
  table_caption(L, t, n->text && n->text[0] ? n->text : "项目支出绩效自评表", n, NULL);
  push_table(L, t);
}

// 'lay_table_block()' - Dispatch a table-like block.
void lay_table_block(tbl_host *L, const ep_node *n) {
  switch (n->kind) {
  case EP_N_TABLE:
    general_table(L, n);
    break;
  case EP_N_FUNDS:
    funds_table(L, n);
    break;
  case EP_N_SCORING:
    scoring_table(L, n);
    break;
  case EP_N_FORM:
    form_table(L, n);
    break;
  case EP_N_ISSUES_AND_MEASURES:
    im_table(L, n);
    break;
  default:
    break;
  }
}

