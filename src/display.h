// Display list: the result of layout. Pages of positioned glyph runs, rules,
// rectangles, links and destinations, in PDF points with the origin at the
// page's bottom-left corner. Layout (layout*.c) produces it; the PDF writer
// (pdf.c, the only file that includes hpdf.h) and the layout dump
// (display.c) only walk it. Everything is allocated in the list's arena and
// freed by ep_dlist_free().
#ifndef EVALPDF_DISPLAY_H
#define EVALPDF_DISPLAY_H

#include "font.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef enum ep_box_kind {
  EP_BOX_TEXT, // a run of glyphs on one baseline, one face and size
  EP_BOX_RULE, // a straight line from (x, y) to (x + w, y + h), width line_width
  EP_BOX_RECT, // a rectangle (x, y) lower-left, w × h; filled with gray (0..1) when fill >= 0, stroked when line_width > 0
  EP_BOX_LINK, // a link annotation over (x, y, w, h) to destination dest_id
  EP_BOX_DEST  // a named destination: dest_id at (x, y) top of the target on this page
} ep_box_kind;

typedef struct ep_box {
  double x, y;         // TEXT: baseline start of the first glyph; others: lower-left / start
  double w, h;         // TEXT: advance width of the run and font size; others: extent
  // TEXT
  ep_face *face;       // borrowed from the context's fontset
  const char *text;    // UTF-8 of the run: n code points, one glyph each, in order (each as
                       // ep_drawn_cp() gives it); what the PDF draws and extracts, and the dump prints
  const double *dx;    // n x offsets of each glyph from x (justification already applied), or
                       // NULL when every glyph sits at its natural pen position: the sum of the
                       // ep_natural_advance() of the glyphs before it (a display list of short
                       // unjustified lines keeps no offsets)
  // Provenance
  const char *src_file;
  // What only some kinds have shares its room: a display list holds about
  // 80 boxes a page. Set these after ep_box_start() (ep_page_add(),
  // lay_proto()), which sets fill to -1 for RULE and RECT only.
  union {
    struct {             // TEXT
      double size;       // font size in pt
      double rise;       // baseline shift (sup/sub) already applied to y; kept for the dump
    };
    struct {             // RULE / RECT
      double line_width; // pt
      double fill;       // RECT gray level 0 (black) .. 1 (white); < 0 = no fill
    };
    const char *dest_id; // LINK / DEST: destination name
  };
  uint32_t n;            // TEXT: glyph count
  uint32_t src_line;     // provenance (saturated at UINT32_MAX)
  uint8_t kind;          // ep_box_kind
  bool bold;             // TEXT: synthetic bold: fill and stroke (text stays selectable)
  bool underline;        // TEXT: draw an underline below the run
  bool upright;        // on a rotated page: drawn in page coordinates, not turned with the content
  bool actual_text;    // TEXT: its CJK-Latin gaps are positioning, not spaces: the writer
                       // wraps it in a /Span with the run's text as /ActualText
  bool actual_join;    // TEXT: that /Span goes on over the next TEXT box of the page (a
                       // Latin run in its own face beside CJK: one /ActualText for both)
} ep_box;

typedef struct ep_page {
  double width, height; // media box in pt
  ep_box *boxes;        // owned by the list's arena (grown by ep_page_add)
  size_t n, cap;
  int number;           // printed page number (0 = none printed)
  const char *label;    // page label style: "D" arabic, "r" roman, NULL = none
  bool rotated;         // landscape content: boxes (but upright ones) are in the coordinates of
                        // the page turned a quarter clockwise (width = height, height = width),
                        // so the content's top lies along the page's left (binding) edge
} ep_page;

// One outline (bookmark) entry.
typedef struct ep_outline {
  int level;            // 1 = top
  const char *title;    // UTF-8 with the section number
  int page;             // 0-based page index
  double y;             // top of the heading on that page
} ep_outline;

typedef struct ep_dlist {
  ep_arena arena;
  ep_page *pages;       // heap array
  size_t npages, cap;
  ep_outline *outline;  // heap array
  size_t noutline, outline_cap;
  // Document information
  const char *title, *author, *subject, *keywords;
  // Where the title, author and subject came from (<meta>'s <title>, <issuer>
  // and <subtitle>: file and line), named in the writer's warnings about them.
  const char *title_file, *author_file, *subject_file;
  unsigned long title_line, author_line, subject_line;
  const char *creator;  // "evalpdf X.Y.Z"
  const char *source;   // the report's file, named in the writer's errors (NULL: none)
  long long epoch;      // creation time (SOURCE_DATE_EPOCH) or -1 for none
  bool serial;          // the writer makes the font programs on the calling thread only
  int layout_passes;    // passes the layout made (more than one only while printed page numbers changed)
  bool toc_patched;     // the last pass's 目录 was set again with the pages it found (instead of a pass)
  struct ep_programs *programs; // font programs started by the caller before the layout (program.h),
                                // which the writer posts its fonts to; NULL: the writer starts its own
  ep_sweeps *sweeps;    // borrowed: the folders whose stale temporaries were removed lately (util.h),
                        // or NULL to sweep the output's folder every time
  // The body text's face and the characters of the report it may draw
  // (sorted, unique; heap, owned by the list): the PDF embeds this face
  // with these characters besides those drawn, so its font program is known
  // before the layout and can be made during it. NULL/0: none.
  ep_face *hint_face;
  uint32_t *hint_cps;
  size_t hint_n;
} ep_dlist;

// 'ep_drawn_cp()' - The code point a TEXT box draws for CP: U+FFFD for NUL,
// surrogates, U+FFFE/U+FFFF and what lies beyond Unicode; every other
// character of any plane as it is.
static inline uint32_t ep_drawn_cp(uint32_t cp) {
  if (cp == 0 || cp == 0xFFFEu || cp == 0xFFFFu || cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu))
    return 0xFFFDu;
  return cp;
}

// 'ep_natural_advance()' - The pen step in pt after drawn code point CP of
// FACE at SIZE pt: what a TEXT box without dx advances by. The layout and
// the PDF writer both compute it here, so that a box whose offsets equal
// these steps can drop them and be drawn at the same positions.
static inline double ep_natural_advance(ep_face *face, uint32_t cp, double size) {
  return ep_face_advance(face, cp) * size / 1000.0;
}

// 'ep_box_start()' - Make *B an empty box of KIND: zeroed, fill -1 (none)
// for RULE and RECT, whose union room TEXT, LINK and DEST use for their own
// fields. ep_page_add() and lay_proto() start every box with it.
static inline void ep_box_start(ep_box *b, ep_box_kind kind) {
  memset(b, 0, sizeof *b);
  b->kind = (uint8_t)kind;
  if (kind == EP_BOX_RULE || kind == EP_BOX_RECT)
    b->fill = -1;
}

// 'ep_box_line()' - A source line as a box keeps it (saturated at UINT32_MAX).
static inline uint32_t ep_box_line(unsigned long line) { return line > UINT32_MAX ? UINT32_MAX : (uint32_t)line; }

// 'ep_dlist_new()' - An empty display list (free with ep_dlist_free).
ep_dlist *ep_dlist_new(void);

// 'ep_dlist_free()' - Free the list, its pages and everything in its arena.
void ep_dlist_free(ep_dlist *dl);

// 'ep_dlist_add_page()' - Append a page of W × H pt and return it (valid until the next add).
ep_page *ep_dlist_add_page(ep_dlist *dl, double w, double h);

// 'ep_dlist_trim()' - Shrink every page's box array to its boxes (the layout
// calls it when it is done: ep_dlist_add_page() leaves each finished page
// room for a few more, and the last page may be up to half spare).
void ep_dlist_trim(ep_dlist *dl);

// 'ep_page_add()' - Append a zeroed box of KIND to page P of DL and return it
// (valid until the next add to that page).
ep_box *ep_page_add(ep_dlist *dl, ep_page *p, ep_box_kind kind);

// 'ep_page_span_end()' - The last box of the /ActualText span that TEXT box
// BI of P opens: BI itself, or the last TEXT box its actual_join chain
// reaches (the chain stops at a box turned otherwise than BI).
size_t ep_page_span_end(const ep_page *p, size_t bi);

// 'ep_dlist_add_outline()' - Append an outline entry (TITLE copied).
void ep_dlist_add_outline(ep_dlist *dl, int level, const char *title, int page, double y);

// 'ep_dlist_dump()' - The stable text form golden tests diff: one line per box,
// coordinates with two decimals, e.g.
//   page 1 595.28x841.89 number=1
//   text x=79.37 y=712.40 w=442.20 font="AR PL SungtiL GB" size=16.00 "（一）项目概况" @12
void ep_dlist_dump(const ep_dlist *dl, FILE *out);

#endif
