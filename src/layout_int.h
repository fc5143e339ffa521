// Layout internals shared by layout.c (text blocks, pagination) and
// layout_table.c (the table engine). Not part of any public interface.
#ifndef EVALPDF_LAYOUT_INT_H
#define EVALPDF_LAYOUT_INT_H

#include "layout.h"
#include "linebreak.h"

// ---------------------------------------------------------------------------
// Atoms: one per character, with the style it is drawn in.

typedef struct atom_style {
  const char *link; // destination this character links to (a <ref page="yes">), or NULL
  ep_face *face;
  double size;
  bool bold, underline;
  double rise;
  const char *file;
  unsigned long line;
} atom_style;

typedef struct atoms {
  ep_lb_atom *a;
  atom_style *s;
  size_t n, cap;
  unsigned pending_flags; // flags for the next atom (a forced break)
} atoms;

// One inline style frame while walking inline content.
typedef struct ifmt {
  const char *link;
  const ep_text_style *ts;
  bool bold, underline;
  double size;
  double rise;
} ifmt;

// A positioned line, before pagination: boxes with y relative to the baseline.
typedef struct line_item {
  size_t box0, nbox;    // into lay->protos
  int para;             // paragraph serial (lines of one paragraph share it)
  int idx, count;       // index in the paragraph, line count of the paragraph
  bool keep_next;       // a heading: never last on a page
  bool new_page;        // start a new page before this line
  bool blank;           // an empty line (vertical space)
  const ep_node *section; // heading of this section (records its page)
  double size;          // main font size of the line (baseline placement)
  struct ep_table *table; // a table placed here (its own pagination), or NULL
  bool num_start;       // page numbering starts on this line's page
  int span;             // grid rows the line takes (large type on a small pitch); 0 = 1
  int rows_h;           // > 0: a drawing RROWS_H grid rows tall; box y is relative to its top edge
} line_item;

typedef struct lay {
  const ep_report *r;
  const ep_style *st;
  ep_diags *diags;
  ep_dlist *dl;
  double char_ratio;  // grid tracking: full-width advance = size * char_ratio
  ep_box *protos;
  size_t nprotos, cprotos;
  line_item *lines;
  size_t nlines, clines;
  int para;
  // TOC support: page (1-based printed number) of each section, from the previous pass
  const ep_node **sec_nodes;
  int *sec_pages;
  size_t nsec, csec;
  size_t *sec_hash;     // index+1 into sec_nodes by node address (0 = empty), sec_hcap slots
  size_t sec_hcap;
  bool toc_changed;
  bool rotating;
  int first_num;      // index of the first numbered page (from the last pagination)
  bool want_num_start; // mark the next line as the start of page numbering
  bool want_new_page;  // the next line starts a new page
  int outline_depth;   // bookmarks for sections up to this level (the 目录 depth)      // placing a landscape block: new pages are rotated portrait pages
  // missing glyph warnings already given (cp, line)
  uint64_t *missing;
  size_t nmissing, cmissing;
} lay;


struct ep_table;

// Shared helpers (layout.c).
void lay_push_atom(atoms *at, uint32_t cp, double adv, double em, unsigned flags, const atom_style *s);
void lay_add_text(lay *L, atoms *at, const char *s, const ifmt *f, const char *file, unsigned long line, bool glue);
void lay_inline_text(lay *L, atoms *at, const ep_node *n, const ifmt *f, int depth);
ep_box *lay_proto(lay *L, ep_box_kind kind);
line_item *lay_new_line(lay *L);
void lay_emit_runs(lay *L, const atoms *at, const double *x, size_t s, size_t e, double left);
double lay_width(const atoms *at);
void lay_emit_natural(lay *L, const atoms *at, double left);
void lay_copy_protos(lay *L, ep_page *page, size_t first, size_t n, double dy, bool upright);
void lay_put_protos(lay *L, ep_page *page, size_t from, double dy, bool upright);
ifmt lay_fmt_for(const ep_text_style *ts);
void lay_add_lead(lay *L, atoms *at, const ep_node *n, const ifmt *f);
bool lay_ends_with_mark(const char *s);
void lay_set_para(lay *L, atoms *at, double first_indent, double rest_indent, ep_halign align, bool keep,
                  const ep_node *section, double size, bool new_page);
ep_page *lay_new_page(lay *L);

// Table engine (layout_table.c).
// 'lay_table_block()' - Build the table for block N (table, funds, scoring,
// self-eval-form, issues-and-measures) and append it (caption included) as line items.
void lay_table_block(lay *L, const ep_node *n);
// 'lay_table_place()' - Place table T starting at *Y on *PAGE (pt from the page
// bottom), breaking it over new pages as needed; *PAGE and *Y return where it ends.
void lay_table_place(lay *L, struct ep_table *t, ep_page **page, double *y);
// 'lay_table_landscape()' - True for a table set on rotated pages of its own.
bool lay_table_landscape(const struct ep_table *t);
// 'lay_table_free()' - Free a table built by lay_table_block().
void lay_table_free(struct ep_table *t);
// 'lay_table_min_height()' - Height of the caption-less header plus the first body row.
double lay_table_min_height(const struct ep_table *t);

#endif
