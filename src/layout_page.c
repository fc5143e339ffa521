// Pagination of a report's line items (see layout_int.h): the sections'
// page bookkeeping (link destinations, the pages the 目录 and <ref page>
// print), the table engine's host interface, placing line items on pages
// behind the layout, running headers and page numbers.
#include "layout_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// 'sec_slot()' - Home slot of section S in sec_hash: the high half of a
// multiplicative hash of its address (the low bits of the product depend only
// on the address's low bits, and nodes sit at regular strides in an arena).
static size_t sec_slot(const lay *L, const ep_node *s) {
  return (size_t)(((uint64_t)(uintptr_t)s * 0x9E3779B97F4A7C15ull) >> 32) & (L->sec_hcap - 1);
}

// 'sec_find()' - Index of section S in sec_nodes, or SIZE_MAX: a hash of
// the node's address (linear probing), so 100k sections stay linear.
static size_t sec_find(const lay *L, const ep_node *s) {
  for (size_t h = L->sec_hcap ? sec_slot(L, s) : 0;
       L->sec_hcap && L->sec_hash[h]; h = (h + 1) & (L->sec_hcap - 1))
    if (L->sec_nodes[L->sec_hash[h] - 1] == s)
      return L->sec_hash[h] - 1;
  return SIZE_MAX;
}

// 'lay_record_section()' - Register S for page bookkeeping.
void lay_record_section(lay *L, const ep_node *s) {
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
      size_t h = sec_slot(L, L->sec_nodes[i]);
      while (L->sec_hash[h])
        h = (h + 1) & (L->sec_hcap - 1);
      L->sec_hash[h] = i + 1;
    }
  } else {
    size_t h = sec_slot(L, s);
    while (L->sec_hash[h])
      h = (h + 1) & (L->sec_hcap - 1);
    L->sec_hash[h] = L->nsec;
  }
}

// 'lay_sec_id()' - The destination name of section S: "s" + its document-order index.
const char *lay_sec_id(lay *L, const ep_node *s) {
  size_t i = sec_find(L, s);
  if (i == SIZE_MAX)
    return "s0";
  char id[32];
  snprintf(id, sizeof id, "s%zu", i + 1);
  return ep_arena_strdup(&L->in.dl->arena, id);
}

// 'lay_page_of()' - Printed page of section S from the previous pass (0 = not
// known yet; 0 or less, with *NUMBERED false, for a page before the page
// numbering starts: it carries no number). NUMBERED may be NULL.
int lay_page_of(const lay *L, const ep_node *s, bool *numbered) {
  size_t i = sec_find(L, s);
  int at = i == SIZE_MAX ? 0 : L->sec_pages[i]; // 1 + the page's index
  if (numbered)
    *numbered = !at || at > L->toc_first_num;
  return at ? at - L->toc_first_num : 0;
}

// 'host_caption()', 'host_add_table()', 'host_add_drawing()', 'host_new_page()' -
// The block layout's side of the table engine's host interface.
static void host_caption(void *user, atoms *at, double size) {
  lay_set_para(user, at, 0, 0, EP_H_CENTER, true, NULL, size, false);
}
static void host_add_table(void *user, struct ep_table *t) {
  lay *L = user;
  L->para++;
  line_item *li = lay_new_line(L);
  li->table = t;
  li->count = 1;
}
static void host_add_drawing(void *user, size_t box0, size_t nbox, int rows, size_t alt0, size_t nalt, int alt_rows) {
  lay *L = user;
  L->para++;
  line_item *li = lay_new_line(L);
  li->count = 1;
  li->rows_h = rows;
  li->box0 = box0;
  li->nbox = nbox;
  li->alt0 = alt0;
  li->nalt = nalt;
  li->alt_rows = alt_rows;
}
static ep_page *host_new_page(void *user, bool rotated) { return lay_new_page(user, rotated); }

// 'lay_table_host()' - The table engine's view of L.
tbl_host lay_table_host(lay *L) {
  tbl_host h = {&L->in, L->st, L->char_ratio, L, host_caption, host_add_table, host_add_drawing, host_new_page};
  return h;
}

// 'need_rows()' - Rows that must stay on one page starting at line I.
static int need_rows(const lay *L, size_t i, int depth) {
  const line_item *li = &L->lines[i];
  if (li->table)
    return (int)ceil(lay_table_min_height(li->table, L->st->body_h) / L->st->pitch);
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

// 'lay_new_page()' - Append a page of the layout's size, ROTATED for a landscape
// block (its boxes are then in the turned page's coordinates). Past
// LAY_MAX_PAGES pages it adds none, returns the last page and sets L->overflow
// (lay_paginate() then reports the block and stops: no PDF is written).
ep_page *lay_new_page(lay *L, bool rotated) {
  if (L->in.dl->npages >= LAY_MAX_PAGES) {
    L->overflow = true;
    return &L->in.dl->pages[L->in.dl->npages - 1];
  }
  ep_page *p = ep_dlist_add_page(L->in.dl, L->st->page_w, L->st->page_h);
  p->rotated = rotated;
  return p;
}

// 'item_source()' - The source file and line of line item J, when it has one.
static bool item_source(const lay *L, size_t j, const char **file, unsigned long *line) {
  const line_item *li = &L->lines[j];
  if (li->table) {
    lay_table_source(li->table, file, line);
    return true;
  }
  for (size_t k = li->box0; k < li->box0 + li->nbox; k++)
    if (L->in.protos[k].src_line) {
      *file = L->in.protos[k].src_file;
      *line = L->in.protos[k].src_line;
      return true;
    }
  return false;
}

// 'too_many_pages()' - Report the block of line item I (or the next one with a
// source, else the one before) as the one that overflows the page limit.
static void too_many_pages(lay *L, size_t i) {
  const char *file = L->r->path;
  unsigned long line = 0;
  bool found = false;
  for (size_t j = i; j < L->nlines && !found; j++)
    found = item_source(L, j, &file, &line);
  for (size_t j = i < L->nlines ? i : L->nlines; j-- > 0 && !found;)
    found = item_source(L, j, &file, &line);
  if (!found && L->drop_line) { // the lines before were placed and dropped already
    file = L->drop_file;
    line = L->drop_line;
  }
  ep_diag_add(L->in.diags, EP_ERROR, file, line, "too-many-pages",
              "the report needs more than %d pages by this block; evalpdf sets at most %d pages per report (split the report, or shorten this block).",
              LAY_MAX_PAGES, LAY_MAX_PAGES);
}

// 'place_heading()' - Heading S placed on PAGE (index PAGE_INDEX) with its top
// at TOP: its link destination, its printed page for the 目录, its bookmark.
static void place_heading(lay *L, ep_page *page, const ep_node *s, int page_index, double top) {
  const ep_style *st = L->st;
  ep_box *d = ep_page_add(L->in.dl, page, EP_BOX_DEST);
  d->x = st->left;
  d->y = top;
  d->dest_id = lay_sec_id(L, s);
  d->src_file = s->file;
  d->src_line = ep_box_line(s->line);
  size_t k = sec_find(L, s);
  if (k != SIZE_MAX) {
    if (L->sec_pages[k] != page_index + 1 && L->pages_shown)
      L->toc_changed = true;
    L->sec_pages[k] = page_index + 1;
  }
  ep_buf t;
  ep_buf_init(&t);
  ep_buf_printf(&t, "%s%s", s->number ? s->number : "", s->text ? s->text : "");
  bool in_appendix = false;
  for (const ep_node *a = s->parent; a; a = a->parent)
    in_appendix |= a->kind == EP_N_APPENDIX;
  if (s->kind == EP_N_APPENDIX || (s->level <= L->outline_depth && !in_appendix))
    ep_dlist_add_outline(L->in.dl, s->kind == EP_N_APPENDIX ? 1 : s->level, ep_buf_str(&t), page_index, top);
  ep_buf_free(&t);
}

// 'turn_heading()' - Turn PAGE, which holds only the kept lines of a
// section's or appendix's heading in its first ROWS grid rows, a quarter into
// TURNED (a landscape table's geometry) so that the table it leads to starts
// below it there, instead of leaving the heading alone on a page of its own.
// Each line keeps its place from the top; a line centred in the measure (a
// title) is centred in the turned one, every other line keeps its distance
// from the left margin (a full line takes the kind of the line below it: a
// wrapped heading stays flush). The heading's destination stays where it
// was, in page coordinates (its link and bookmark lead to the page's top).
// False, with nothing changed, when the page holds anything else (the title
// block: no heading's destination) or the turned page would hold the heading
// and too little of the table.
static bool turn_heading(lay *L, ep_page *page, const struct ep_table *t, const ep_style *turned, int rows) {
  const ep_style *st = L->st;
  bool heading = false;
  for (size_t k = 0; k < page->n; k++) {
    ep_box_kind kind = page->boxes[k].kind;
    if (kind != EP_BOX_TEXT && kind != EP_BOX_DEST && kind != EP_BOX_LINK)
      return false;
    heading |= kind == EP_BOX_DEST;
  }
  if (!heading || rows * st->pitch + lay_table_min_height(t, turned->body_h) > turned->body_h)
    return false;
  double dy = (turned->page_h - turned->top) - (st->page_h - st->top);
  double dx_left = turned->left - st->left, dx_centre = dx_left + (turned->body_w - st->body_w) / 2;
  double left = st->left, right = st->left + st->body_w;
  // The lines (one baseline each), top to bottom, with their extent and kind.
  typedef struct {
    double y, x0, x1;
    int kind; // 0 flush (kept distance from the margin), 1 centred, 2 full
  } tline;
  tline *ln = ep_xmalloc((page->n ? page->n : 1) * sizeof *ln);
  size_t nl = 0;
  for (size_t k = 0; k < page->n; k++) {
    const ep_box *b = &page->boxes[k];
    if (b->kind != EP_BOX_TEXT)
      continue;
    size_t j = 0;
    while (j < nl && fabs(ln[j].y - b->y) >= 0.01)
      j++;
    if (j == nl)
      ln[nl++] = (tline){b->y, b->x, b->x + b->w, 0};
    ln[j].x0 = fmin(ln[j].x0, b->x);
    ln[j].x1 = fmax(ln[j].x1, b->x + b->w);
  }
  for (size_t j = 0; j < nl; j++) {
    bool full = ln[j].x0 < left + 0.5 && ln[j].x1 > right - 0.5;
    bool centred = !full && ln[j].x0 > left + 0.5 && fabs((ln[j].x0 - left) - (right - ln[j].x1)) < 1.0;
    ln[j].kind = full ? 2 : centred ? 1 : 0;
  }
  for (size_t j = 0; j < nl; j++) { // a full line: the kind of the nearest line below that is not
    if (ln[j].kind != 2)
      continue;
    const tline *below = NULL;
    for (size_t q = 0; q < nl; q++)
      if (ln[q].kind != 2 && ln[q].y < ln[j].y && (!below || ln[q].y > below->y))
        below = &ln[q];
    ln[j].kind = below ? below->kind : 0;
  }
  for (size_t k = 0; k < page->n; k++) {
    ep_box *b = &page->boxes[k];
    if (b->kind == EP_BOX_DEST)
      continue; // (page coordinates, as the writer reads a destination)
    double dx = dx_left;
    for (size_t j = 0; j < nl; j++)
      if (fabs(ln[j].y - b->y) < 0.01)
        dx = ln[j].kind == 1 ? dx_centre : dx_left;
    b->x += dx;
    b->y += dy;
  }
  free(ln);
  page->rotated = true;
  return true;
}

// 'paginate_lines()' - Place line items 0..UPTO-1 on pages, going on from the
// page and row where the last call stopped, and emit their boxes.
static void paginate_lines(lay *L, size_t upto) {
  const ep_style *st = L->st;
  int rows = st->lines > 0 ? st->lines : (int)floor(st->body_h / st->pitch);
  if (rows < 1)
    rows = 1;
  double top = st->page_h - st->top;
  ep_page *page = L->pg_page ? &L->in.dl->pages[L->pg_page - 1] : NULL;
  int row = L->pg_row;
  int widows = st->widows > 0 ? st->widows : 1;
  size_t last = upto ? upto - 1 : 0;
  for (size_t i = 0; i < upto; i++) {
    const line_item *li = &L->lines[i];
    if (L->overflow) {
      last = i - 1; // the item whose page was one too many
      break;
    }
    if (!page || (li->new_page && row > 0)) {
      page = lay_new_page(L, false);
      row = 0;
    }
    if (li->num_start)
      L->first_num = (int)L->in.dl->npages - 1;
    if (li->blank && row == 0)
      continue; // no empty lines at the top of a page
    int need = need_rows(L, i, 0);
    if (need > rows) // a kept group taller than a page (a very long heading): set it line by line
      need = li->idx == 0 && li->count > 1 ? 2 : 1;
    bool move = need > rows - row && row > 0;
    // widow control: a paragraph's last lines never stand alone at the next page's top
    if (!move && row == rows - 1 && li->count > 1) {
      int after = li->count - li->idx - 1;
      if (after > 0 && after < widows && li->idx >= 1)
        move = true;
    }
    if (move) {
      page = lay_new_page(L, false);
      row = 0;
      if (li->blank)
        continue;
    }
    if (row == 0)
      L->pg_kept_only = true;
    if (li->table) {
      // A landscape table after a heading alone on its page (an appendix's
      // first block): the page turns, and the table starts under the heading.
      const ep_style *turned = lay_table_turned(li->table);
      bool turn = turned && row > 0 && page && L->pg_kept_only && !page->rotated &&
                  turn_heading(L, page, li->table, turned, row);
      L->pg_kept_only = false;
      // A table takes its own height (not grid lines); the next line snaps to the grid.
      if (row > 0 && !turned &&
          top - row * st->pitch - lay_table_min_height(li->table, st->body_h) < top - rows * st->pitch - 0.01) {
        page = lay_new_page(L, false);
        row = 0;
      }
      double y = (turn ? turned->page_h - turned->top : top) - row * st->pitch;
      tbl_host h = lay_table_host(L);
      if (turn)
        lay_table_place_turned(&h, li->table, &page, &y); // (leaves Y at the foot: the page is done)
      else
        lay_table_place(&h, li->table, &page, &y);
      double used = (top - y) / st->pitch;
      row = (int)ceil(used - 1e-6);
      if (row >= rows && i + 1 < L->nlines) {
        page = NULL;
        row = 0;
      }
      continue;
    }
    if (li->rows_h > 0) {
      L->pg_kept_only = false;
      // a drawing (chart): all its rows on one page; at a page top, apart from
      // its table, the version with its own caption
      if (row > 0 && row + li->rows_h > rows) {
        page = lay_new_page(L, false);
        row = 0;
      }
      bool alt = row == 0 && li->alt_rows > 0;
      lay_copy_protos(&L->in, page, alt ? li->alt0 : li->box0, alt ? li->nalt : li->nbox, top - row * st->pitch, false);
      row += alt ? li->alt_rows : li->rows_h;
      if (row >= rows && i + 1 < L->nlines) {
        page = NULL;
        row = 0;
      }
      continue;
    }
    double size = li->size > 0 ? li->size : st->ts[EP_TS_BODY].size;
    int span = li->span > 0 ? li->span : 1;
    if (row > 0 && row + span > rows) {
      page = lay_new_page(L, false);
      row = 0;
    }
    double cell_bottom = top - (row + span) * st->pitch;
    double baseline = cell_bottom + (span * st->pitch - size) / 2 + 0.12 * size;
    int page_index = (int)L->in.dl->npages - 1;
    if (li->toc_of) { // where toc_patch() finds it
      if (L->ntocs == L->ctocs) {
        L->ctocs = L->ctocs ? L->ctocs * 2 : 32;
        L->tocs = ep_xrealloc(L->tocs, L->ctocs * sizeof *L->tocs);
      }
      L->tocs[L->ntocs++] = (toc_place){li->toc_of, (size_t)(page - L->in.dl->pages), page->n, li->nbox, baseline,
                                        li->idx, li->count};
    }
    lay_copy_protos(&L->in, page, li->box0, li->nbox, baseline, false);
    if (!li->keep_next && !li->blank)
      L->pg_kept_only = false;
    if (li->section)
      place_heading(L, page, li->section, page_index, baseline + size);
    row += span;
    if (row >= rows && i + 1 < L->nlines) {
      page = NULL;
      row = 0;
    }
  }
  L->pg_page = page ? (size_t)(page - L->in.dl->pages) + 1 : 0;
  L->pg_row = row;
  if (L->overflow) {
    L->pg_stopped = true;
    L->pg_last = last;
  }
}

// 'lookahead_ok()' - True when placing line item I reads no line item past
// the last one laid out so far (need_rows() follows a heading to what comes
// after it, and stops at the end of the lines).
static bool lookahead_ok(const lay *L, size_t i, int depth) {
  const line_item *li = &L->lines[i];
  if (li->table || li->rows_h > 0 || !li->keep_next || depth >= 8)
    return true;
  size_t j = i + (size_t)(li->count - li->idx);
  while (j < L->nlines && L->lines[j].blank && !L->lines[j].new_page)
    j++;
  if (j >= L->nlines)
    return false;
  return L->lines[j].new_page || lookahead_ok(L, j, depth + 1);
}

// 'drop_lines()' - Forget the first K line items (placed on pages): their
// tables, and the proto boxes no later item uses; the rest move to the front.
static void drop_lines(lay *L, size_t k) {
  size_t keep = L->in.nprotos; // the first proto box a remaining item uses
  for (size_t i = k; i < L->nlines; i++) {
    const line_item *li = &L->lines[i];
    if (li->box0 < keep)
      keep = li->box0;
    if (li->nalt && li->alt0 < keep)
      keep = li->alt0;
  }
  for (size_t i = k; i-- > 0;) {
    const char *file = L->r->path;
    unsigned long line = 0;
    if (item_source(L, i, &file, &line)) {
      L->drop_file = file;
      L->drop_line = line;
      break;
    }
  }
  for (size_t i = 0; i < k; i++)
    if (L->lines[i].table)
      lay_table_free(L->lines[i].table);
  memmove(L->lines, L->lines + k, (L->nlines - k) * sizeof *L->lines);
  L->nlines -= k;
  memmove(L->in.protos, L->in.protos + keep, (L->in.nprotos - keep) * sizeof *L->in.protos);
  L->in.nprotos -= keep;
  for (size_t i = 0; i < L->nlines; i++) {
    L->lines[i].box0 -= keep;
    if (L->lines[i].nalt)
      L->lines[i].alt0 -= keep;
  }
}

// 'lay_paginate_ready()' - Between blocks: once L->chunk line items are
// waiting, place those whose placement is settled (all but the last, and none
// whose kept heading still waits for what follows it) and drop them. The
// pages are the same as placing every line at the end.
void lay_paginate_ready(lay *L) {
  if (L->nlines < L->chunk || L->pg_stopped)
    return;
  size_t k = 0;
  while (k + 1 < L->nlines && lookahead_ok(L, k, 0))
    k++;
  if (k == 0)
    return;
  paginate_lines(L, k);
  if (!L->pg_stopped)
    drop_lines(L, k);
}

// 'lay_paginate()' - Place the line items that remain, after the layout.
void lay_paginate(lay *L) {
  if (!L->pg_stopped)
    paginate_lines(L, L->nlines);
  if (L->pg_stopped)
    too_many_pages(L, L->pg_last);
  if (!L->in.dl->npages)
    lay_new_page(L, false);
  if (L->first_num >= (int)L->in.dl->npages)
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
  ifmt f = lay_fmt_for(&hs, 1.0);
  f.bold = false;
  lay_add_text(&L->in, &at, L->r->meta.title, &f, L->r->meta.title_file ? L->r->meta.title_file : L->r->path,
               L->r->meta.title_line, false);
  double w = lay_width(&at);
  ep_halign al = num % 2 ? st->hd_odd : st->hd_even;
  double x = al == EP_H_RIGHT ? st->left + st->body_w - w : al == EP_H_CENTER ? st->left + (st->body_w - w) / 2 : st->left;
  double top = st->page_h - st->top;
  size_t from = L->in.nprotos;
  lay_emit_natural(&L->in, &at, x);
  lay_put_protos(&L->in, p, from, top + 8, true);
  if (st->hd_rule) {
    ep_box *r = ep_page_add(L->in.dl, p, EP_BOX_RULE);
    r->x = st->left;
    r->y = top + 5;
    r->w = st->body_w;
    r->line_width = 0.5;
    r->upright = true;
  }
  free(at.a);
  free(at.s);
}

// 'lay_page_numbers()' - Print "— N —" on every page as the layout places it.
void lay_page_numbers(lay *L) {
  const ep_style *st = L->st;
  const ep_text_style *body = &st->ts[EP_TS_BODY];
  ep_text_style pn = *body;
  pn.role = st->pn_role;
  pn.role_name = st->pn_role_name;
  pn.size = st->pn_size;
  for (size_t i = 0; i < L->in.dl->npages; i++) {
    ep_page *p = &L->in.dl->pages[i];
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
    ifmt f = lay_fmt_for(&pn, 1.0);
    f.bold = false;
    size_t save_np = L->in.nprotos;
    lay_add_text(&L->in, &at, ep_buf_str(&t), &f, NULL, 0, true);
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
    lay_emit_natural(&L->in, &at, x);
    // upright: on a rotated page the number stays where portrait pages have it
    lay_put_protos(&L->in, p, save_np, baseline, true);
    free(at.a);
    free(at.s);
  }
}
