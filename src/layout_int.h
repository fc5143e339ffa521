// Layout internals shared by layout.c (block layout) and layout_page.c
// (pagination, the sections' page bookkeeping): line items and the layout
// state. The table engine (layout_table.h) and the inline text
// (inline.h) lie below it and never call back into it.
#ifndef EVALPDF_LAYOUT_INT_H
#define EVALPDF_LAYOUT_INT_H

#include "layout_table.h"

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
  size_t alt0, nalt;    // a drawing's version for a page top (own caption), ALT_ROWS tall
  int alt_rows;
  const ep_node *toc_of; // a 目录 entry's line: the section it lists (toc_patch())
} line_item;

// Where the pagination put a 目录 entry's line: its boxes are BOXES [B0,
// B0+NB) of page PAGE (an index), set on BASELINE; line IDX of COUNT.
typedef struct toc_place {
  const ep_node *sec;
  size_t page, b0, nb;
  double baseline;
  int idx, count;
} toc_place;

typedef struct lay {
  const ep_report *r;
  const ep_style *st;
  inl in;             // inline text: diagnostics, display list, proto boxes, caches
  double char_ratio;  // grid tracking: full-width advance = size * char_ratio
  line_item *lines;
  size_t nlines, clines;
  int para;
  // TOC support: where each section's heading was placed in the previous
  // pass (1 + page index; 0 = not yet), and that pass's numbering start
  // (toc_first_num): its printed page number follows from the two (lay_page_of())
  const ep_node **sec_nodes;
  int *sec_pages;
  size_t nsec, csec;
  size_t *sec_hash;     // index+1 into sec_nodes by node address (0 = empty), sec_hcap slots
  size_t sec_hcap;
  bool toc_changed;
  bool pages_shown;     // the report prints section page numbers (a 目录, or a <ref page>): only then
                        // does a changed page number need another pass
  bool refs_shown;     // some <ref page="yes"> (body or meta field): a changed page number can move text
  int toc_first_num;    // the numbering start the 目录 and <ref page> print with (lay_page_of())
  size_t toc_num_diags; // diagnostics this pass's 目录 page numbers and leaders reported
  toc_place *tocs;      // this pass's 目录 lines as placed, in order (toc_patch())
  size_t ntocs, ctocs;
  bool overflow;      // lay_new_page() hit LAY_MAX_PAGES
  int first_num;      // index of the first numbered page (from the last pagination)
  bool want_num_start; // mark the next line as the start of page numbering
  bool want_new_page;  // the next line starts a new page
  int outline_depth;   // bookmarks for sections up to this level (the 目录 depth)
  // Pagination runs behind the layout (paginate_ready()): the lines it has
  // placed are dropped with their proto boxes and tables, so a long report
  // never holds all its lines at once. Its state between calls:
  size_t chunk;        // line items waiting before the pagination places the settled ones
  size_t pg_page;      // 1 + index of the page being filled (0: none yet)
  int pg_row;          // grid rows used on it
  bool pg_kept_only;   // it holds nothing but kept lines (a heading) so far
  bool pg_stopped;     // the page limit was hit: nothing more is placed
  size_t pg_last;      // then: the line item that overflowed (too_many_pages())
  const char *drop_file; // source of the last dropped line that had one (for too_many_pages())
  unsigned long drop_line;
} lay;


// Pages per report at most (libharu 2.3 fails at 32768 pages in one page tree;
// a report this long is a mistake): past it layout reports too-many-pages.
#define LAY_MAX_PAGES 10000

// 'lay_new_line()' - Start a line item.
line_item *lay_new_line(lay *L);
// 'lay_line_span()' - Grid rows a line of type SIZE needs (1 unless the type is large for the pitch).
int lay_line_span(const lay *L, double size);
// 'lay_balanced_para()' - A centred title (report title, cover, appendix
// title, heading set centred) from AT in a measure of W pt from the body's
// left edge plus INSET, broken between words where its meaning allows and
// balanced (layout_title.c).
void lay_balanced_para(lay *L, atoms *at, double inset, double W, double size, bool keep);
// 'lay_set_para()' - Break AT into lines and append them as line items.
void lay_set_para(lay *L, atoms *at, double first_indent, double rest_indent, ep_halign align, bool keep,
                  const ep_node *section, double size, bool new_page);

// layout_page.c:
// 'lay_new_page()' - Append a page (ROTATED for a landscape block).
ep_page *lay_new_page(lay *L, bool rotated);
// 'lay_record_section()' - Register section S for page bookkeeping.
void lay_record_section(lay *L, const ep_node *s);
// 'lay_sec_id()' - The destination name of section S (in the list's arena).
const char *lay_sec_id(lay *L, const ep_node *s);
// 'lay_page_of()' - Printed page of section S from the previous pass (0 = not
// known yet); *NUMBERED (may be NULL) false for a page before the numbering.
int lay_page_of(const lay *L, const ep_node *s, bool *numbered);
// 'lay_table_host()' - The table engine's view of L.
tbl_host lay_table_host(lay *L);
// 'lay_paginate_ready()' - Between blocks: place the settled line items once enough wait.
void lay_paginate_ready(lay *L);
// 'lay_paginate()' - Place the line items that remain, after the layout.
void lay_paginate(lay *L);
// 'lay_page_numbers()' - Print the page numbers and running headers.
void lay_page_numbers(lay *L);

#endif
