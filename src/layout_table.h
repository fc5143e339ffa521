// The table engine (layout_table.c; the bar chart in layout_chart.c): one
// grid model for every table-like block (general tables, funds with their bar
// chart, scoring, the self-evaluation form, issues-and-measures). It builds on the inline text
// (inline.h) and reaches the block layout that calls it only through the
// host's callbacks, so block layout and tables form no circle.
#ifndef EVALPDF_LAYOUT_TABLE_H
#define EVALPDF_LAYOUT_TABLE_H

#include "inline.h"

struct ep_table;

// What the table engine needs from the layout that calls it.
typedef struct tbl_host {
  inl *in;            // inline text: protos, diagnostics, display list
  const ep_style *st; // the layout (portrait geometry)
  double char_ratio;  // the body grid's tracking (captions are set on it)
  void *user;         // passed to the callbacks
  // a centred caption line of AT in type SIZE, kept with what follows
  void (*caption)(void *user, atoms *at, double size);
  // table T (laid out) as the next item of the block flow
  void (*add_table)(void *user, struct ep_table *t);
  // a drawing of proto boxes [BOX0, BOX0 + NBOX), ROWS grid rows tall, y from its top;
  // [ALT0, ALT0 + NALT) (ALT_ROWS tall) is the version set when it starts a page
  // (the chart apart from its table, with its own caption)
  void (*add_drawing)(void *user, size_t box0, size_t nbox, int rows, size_t alt0, size_t nalt, int alt_rows);
  // a new page, ROTATED for a landscape table
  ep_page *(*new_page)(void *user, bool rotated);
} tbl_host;

// 'lay_table_block()' - Build the table for block N (table, funds, scoring,
// self-eval-form, issues-and-measures) and hand it (caption, chart) to the host.
void lay_table_block(tbl_host *h, const ep_node *n);
// 'lay_bar_chart()' - The bar chart of <funds chart="bar"> N, handed to the
// host as a drawing (layout_chart.c; called by lay_table_block()).
void lay_bar_chart(tbl_host *h, const ep_node *n);
// 'lay_table_place()' - Place table T starting at *Y on *PAGE (pt from the page
// bottom), breaking it over new pages as needed; *PAGE and *Y return where it ends.
void lay_table_place(tbl_host *h, struct ep_table *t, ep_page **page, double *y);
// 'lay_table_turned()' - A landscape table's geometry (the layout with the 版心
// turned a quarter: the table is set on rotated pages of its own), NULL for
// another table. Owned by T.
const ep_style *lay_table_turned(const struct ep_table *t);
// 'lay_table_place_turned()' - Place landscape table T from *Y (in its turned
// geometry) on *PAGE, already rotated and holding the heading it follows,
// then on rotated pages of its own; *PAGE and *Y return where it ends (*Y at
// the foot: the page is done).
void lay_table_place_turned(tbl_host *h, struct ep_table *t, ep_page **page, double *y);
// 'lay_table_free()' - Free a table built by lay_table_block().
void lay_table_free(struct ep_table *t);
// 'lay_table_source()' - The table's source file and line.
void lay_table_source(const struct ep_table *t, const char **file, unsigned long *line);
// 'lay_table_min_height()' - Height of the caption-less header plus the first
// body row; the whole table when it has at most two body rows and fits in
// BODY_H (pt: a page's 版心), so that a 续表 page never holds its last row alone.
double lay_table_min_height(const struct ep_table *t, double body_h);

#endif
