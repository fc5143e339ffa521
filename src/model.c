// The model's core: node allocation, the pre-order walk, element names of the
// node kinds, the id index and freeing a report, and the one printer each of
// a figure (ep_fig_text) and of a section number (ep_section_number).
// Everything above the XML loader (building, checks, dump, layout) uses
// these; this file depends on nothing but the arena, the diagnostics list and
// the decimal formatters.
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define EP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EP_ASAN 1
#endif
#endif
#ifdef EP_ASAN
#include <sanitizer/asan_interface.h>
#endif

static const char *const kind_names[EP_N__COUNT] = {
    "body", "section", "appendix", "p", "list", "li", "fields", "field", "table", "caption", "col",
    "thead", "tbody", "tr", "th", "td", "funds", "item", "total", "scoring", "indicator", "total",
    "self-eval-form", "budget", "source", "goal", "indicator", "total", "issues", "issue",
    "measures", "measure", "issues-and-measures", "pagebreak", "toc", "signature", "#text", "b",
    "u", "sup", "sub", "br", "value", "amount", "ref"};

// 'ep_kind_name()' - The element name of KIND.
const char *ep_kind_name(ep_kind kind) {
  return (kind >= 0 && kind < EP_N__COUNT) ? kind_names[kind] : "?";
}

// 'ep_kind_has_figures()' - True for the kinds with the figure part of ep_node.
bool ep_kind_has_figures(ep_kind kind) {
  switch (kind) {
  case EP_N_FUNDS:
  case EP_N_ITEM:
  case EP_N_FUNDS_TOTAL:
  case EP_N_SCORING:
  case EP_N_INDICATOR:
  case EP_N_SCORING_TOTAL:
  case EP_N_FORM:
  case EP_N_FORM_BUDGET:
  case EP_N_FORM_SOURCE:
  case EP_N_FORM_GOAL:
  case EP_N_FORM_INDICATOR:
  case EP_N_FORM_TOTAL:
    return true;
  default:
    return false;
  }
}

// 'ep_node_new()' - A new node owned by R's arena, appended to PARENT.
ep_node *ep_node_new(ep_report *r, ep_kind kind, ep_node *parent, const char *file,
                     unsigned long line) {
  size_t size = ep_kind_has_figures(kind) ? sizeof(ep_node) : kind == EP_N_TEXT ? EP_NODE_TEXT : EP_NODE_LIGHT;
#ifdef EP_ASAN
  // The whole node, with the part its kind lacks poisoned: a read of it is
  // reported instead of reading the next node's bytes.
  ep_node *n = ep_arena_alloc(&r->arena, sizeof *n);
  if (size < sizeof *n)
    ASAN_POISON_MEMORY_REGION((char *)n + size, sizeof *n - size);
#else
  ep_node *n = ep_arena_alloc(&r->arena, size);
#endif
  n->kind = kind;
  if (kind >= 0 && kind < EP_N__COUNT)
    r->kind_nodes[kind]++;
  n->file = file;
  n->line = line;
  if (kind != EP_N_TEXT)
    n->rowspan = n->colspan = 1;
  if (parent) {
    n->parent = parent;
    n->prev = parent->last;
    if (parent->last)
      parent->last->next = n;
    else
      parent->first = n;
    parent->last = n;
  }
  return n;
}

// 'add_row()' - Append row TR to the growing array *ROWS (*N, *CAP).
static void add_row(const ep_node ***rows, size_t *n, size_t *cap, const ep_node *tr) {
  if (*n == *cap)
    *rows = ep_xrealloc(*rows, (*cap = *cap ? 2 * *cap : 16) * sizeof **rows);
  (*rows)[(*n)++] = tr;
}

// 'ep_table_place()' - The rows and the placed cells of <table> T (see model.h).
size_t ep_table_place(const ep_node *t, const ep_node ***rows_out, size_t *nrows, size_t *nhead, ep_table_slot **slots,
                      size_t *nslots) {
  const ep_node **rows = NULL;
  size_t nr = 0, cap = 0;
  *nhead = 0;
  for (int head = 1; head >= 0; head--)
    for (const ep_node *c = t->first; c; c = c->next) {
      if ((c->kind == EP_N_THEAD) != (head == 1))
        continue;
      if (c->kind == EP_N_THEAD || c->kind == EP_N_TBODY) {
        for (const ep_node *tr = c->first; tr; tr = tr->next)
          if (tr->kind == EP_N_TR) {
            add_row(&rows, &nr, &cap, tr);
            *nhead += head;
          }
      } else if (c->kind == EP_N_TR) {
        add_row(&rows, &nr, &cap, c);
      }
    }
  size_t ncols = 0, n = 0, scap = 0;
  size_t *until = NULL; // per column: the row before which a cell above takes it
  const ep_node **owner = NULL;
  ep_table_slot *s = NULL;
  for (size_t ri = 0; ri < nr; ri++) {
    size_t col = 0;
    for (const ep_node *cell = rows[ri]->first; cell; cell = cell->next) {
      if (cell->kind != EP_N_TH && cell->kind != EP_N_TD)
        continue;
      while (col < ncols && until[col] > ri)
        col++;
      size_t cs = cell->colspan > 0 ? (size_t)cell->colspan : 1, rs = cell->rowspan > 0 ? (size_t)cell->rowspan : 1;
      if (rs > nr - ri)
        rs = nr - ri;
      if (col + cs > ncols) {
        until = ep_xrealloc(until, (col + cs) * sizeof *until);
        owner = ep_xrealloc(owner, (col + cs) * sizeof *owner);
        for (size_t k = ncols; k < col + cs; k++)
          until[k] = 0, owner[k] = NULL;
        ncols = col + cs;
      }
      if (n == scap)
        s = ep_xrealloc(s, (scap = scap ? 2 * scap : 64) * sizeof *s);
      ep_table_slot *sl = &s[n++];
      *sl = (ep_table_slot){cell, ri, col, rs, cs, NULL, 0};
      for (size_t k = col + 1; k < col + cs && !sl->overlap; k++)
        if (until[k] > ri)
          sl->overlap = owner[k], sl->overlap_col = k;
      for (size_t k = col; k < col + cs; k++)
        until[k] = ri + rs, owner[k] = cell;
      col += cs;
    }
  }
  free(until);
  free(owner);
  *rows_out = rows;
  *nrows = nr;
  *slots = s;
  *nslots = n;
  return ncols;
}

// 'next_past()' - Pre-order successor of N below ROOT past N's subtree: its
// next sibling, else its nearest ancestor's below ROOT (NULL after the last).
static ep_node *next_past(const ep_node *n, const ep_node *root) {
  while (n && n != root) {
    if (n->next)
      return n->next;
    n = n->parent;
  }
  return NULL;
}

// 'ep_next_node()' - Pre-order successor of N below ROOT (iterative: no recursion).
ep_node *ep_next_node(const ep_node *n, const ep_node *root) { return n->first ? n->first : next_past(n, root); }

// 'ep_next_block()' - Pre-order successor of N below ROOT, entering only block holders (see model.h).
ep_node *ep_next_block(const ep_node *n, const ep_node *root) {
  bool holds = n->kind == EP_N_BODY || n->kind == EP_N_SECTION || n->kind == EP_N_APPENDIX;
  return holds && n->first ? n->first : next_past(n, root);
}

typedef struct id_ent {
  ep_node *node;
  size_t seq;
} id_ent;

// 'cmp_id()' - Sort by id, then document order.
static int cmp_id(const void *a, const void *b) {
  const id_ent *x = a, *y = b;
  int c = strcmp(x->node->id, y->node->id);
  if (c)
    return c;
  return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

// 'ep_index_ids()' - Build R's id index: every node below the body with an id,
// sorted by id; of several holders of one id the first in document order is kept.
void ep_index_ids(ep_report *r, ep_dup_id_fn dup) {
  size_t cap = 64, n = 0, seq = 0;
  id_ent *ents = ep_xmalloc(cap * sizeof *ents);
  for (ep_node *x = r->id_nodes ? r->body : NULL; x; x = ep_next_node(x, r->body)) {
    seq++;
    if (!x->id)
      continue;
    if (n == cap) {
      cap *= 2;
      ents = ep_xrealloc(ents, cap * sizeof *ents);
    }
    ents[n].node = x;
    ents[n].seq = seq;
    n++;
  }
  qsort(ents, n, sizeof *ents, cmp_id);
  free(r->ids);
  r->ids = ep_xmalloc((n ? n : 1) * sizeof *r->ids);
  r->nids = 0;
  for (size_t i = 0; i < n; i++) {
    if (r->nids > 0 && !strcmp(ents[i].node->id, r->ids[r->nids - 1]->id)) {
      if (dup)
        dup(r, ents[i].node, r->ids[r->nids - 1]);
      continue;
    }
    r->ids[r->nids++] = ents[i].node;
  }
  free(ents);
}

// 'ep_find_id()' - Binary search of the id index.
ep_node *ep_find_id(const ep_report *r, const char *id) {
  if (!id)
    return NULL;
  size_t lo = 0, hi = r->nids;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(r->ids[mid]->id, id);
    if (!c)
      return r->ids[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

// 'ep_report_free()' - Free the report.
void ep_report_free(ep_report *r) {
  if (!r)
    return;
  free(r->ids);
  ep_diags_free(&r->diags);
  ep_arena_free(&r->arena);
  free(r);
}

// 'ep_fig_text()' - The one printer of a figure: F by FORMAT, UNKNOWN when absent.
const char *ep_fig_text(ep_fig f, ep_vformat format, const char *unknown, char *buf, size_t size) {
  if (!f.known)
    return unknown;
  int64_t n;
  switch (format) {
  case EP_VF_PERCENT:
    return ep_ratio_format_percent(ep_ratio_from_dec(f.v), buf, size);
  case EP_VF_2:
    return ep_dec_format_fixed(f.v, 2, buf, size);
  case EP_VF_CHINESE:
    if (ep_dec_is_integer(f.v, &n) && n >= 0 && n <= 99)
      return ep_format_chinese(n, buf, size);
    return NULL;
  default:
    return ep_dec_format_plain(f.v, buf, size);
  }
}

// 'ep_section_number()' - The one printer of a section number: the
// default official numbering by LEVEL (一、 （一） 1. （1）).
char *ep_section_number(int level, int ordinal, char *buf, size_t size) {
  char cn[64];
  if (level <= 1) {
    snprintf(buf, size, "%s、", ep_format_chinese_ordinal(ordinal, cn, sizeof cn) ? cn : "?");
  } else if (level == 2) {
    snprintf(buf, size, "（%s）", ep_format_chinese_ordinal(ordinal, cn, sizeof cn) ? cn : "?");
  } else if (level == 3) {
    snprintf(buf, size, "%d.", ordinal);
  } else {
    snprintf(buf, size, "（%d）", ordinal);
  }
  return buf;
}
