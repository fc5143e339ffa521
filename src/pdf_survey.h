// What a PDF of a display list needs from it, read before libharu is used
// (pdf.c writes with libharu; this file does not know it): which TEXT boxes
// can be drawn and with which code points, the faces they use with the
// characters each must embed, the named destinations and the links. Also
// what render() hands the font programs' helper ahead of the write
// (ep_pdf_font_sets()). No globals.
#ifndef EVALPDF_PDF_SURVEY_H
#define EVALPDF_PDF_SURVEY_H

#include "diag.h"
#include "display.h"
#include "font.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EP_PDF_MAX_FONT_SIZE 600 // pt: the largest font size the writer draws (libharu's HPDF_MAX_FONTSIZE)

// One TEXT box's glyphs as drawn: code points, and (when loaded with a face)
// natural advances and x offsets in pt. Reused from box to box; zero it to
// start, free with ep_glyphs_free().
typedef struct ep_glyphs {
  uint32_t *cp;
  double *adv, *x;
  size_t cap;
} ep_glyphs;

// 'ep_glyphs_load()' - Fill G with TEXT box B's drawn code points (its text
// decoded, each as ep_drawn_cp() gives it; U+FFFD for bytes that are not
// UTF-8), and, when FACE is given, their natural advances and x offsets
// (from dx; the natural pen positions when dx is NULL, or does not match the
// text's glyph count). Returns the glyph count.
size_t ep_glyphs_load(ep_glyphs *g, const ep_box *b, ep_face *face);

// 'ep_glyphs_free()' - Free G's arrays and zero it.
void ep_glyphs_free(ep_glyphs *g);

// 'ep_pdf_box_finite()' - True when B's numbers are finite (a PDF cannot hold NaN or infinity).
bool ep_pdf_box_finite(const ep_box *b);

// 'ep_pdf_text_box_problem()' - Why TEXT box B cannot be drawn, as the end
// of a sentence ("has no font"), or NULL when it can (static string).
const char *ep_pdf_text_box_problem(const ep_box *b);

// 'ep_pdf_warn_box()' - A warning (code "pdf-error", printf-style FMT)
// about box B at its source line, into DIAGS (NULL: none).
void ep_pdf_warn_box(ep_diags *diags, const ep_box *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

// A face the PDF embeds, with the code points drawn in it.
typedef struct ep_survey_font {
  ep_face *face;     // borrowed from the font set
  ep_cpset chars;    // the drawn code points; chars.cps sorted
  size_t first_page; // 0-based page of the first use
} ep_survey_font;

// A named destination (DEST box).
typedef struct ep_survey_dest {
  const char *id; // borrowed from the display list
  size_t page;    // 0-based
  double y;
  size_t seq;     // list order: the first of equal ids wins
} ep_survey_dest;

// Everything the writer reads from a display list before it draws.
typedef struct ep_survey {
  ep_survey_font *fonts; // in order of first use
  size_t nfonts, fonts_cap;
  ep_survey_dest *dests; // sorted by id, one per id (the first in list order)
  size_t ndests, dests_cap;
  ep_box *links;         // copies of the LINK boxes, in page order (the pages' boxes may be freed first)
  size_t *link_pages;    // their 0-based pages
  size_t nlinks, links_cap;
  ep_glyphs g;           // scratch
} ep_survey;

// 'ep_survey_make()' - Survey DL into S (zeroed here). Boxes the PDF leaves
// out are warned about in DIAGS (code "pdf-error") unless it is NULL.
void ep_survey_make(ep_survey *s, const ep_dlist *dl, ep_diags *diags);

// 'ep_survey_find_dest()' - S's destination named ID, or NULL.
const ep_survey_dest *ep_survey_find_dest(const ep_survey *s, const char *id);

// 'ep_survey_free()' - Free S's arrays (its fonts' character sets too) and zero it.
void ep_survey_free(ep_survey *s);

// 'ep_pdf_font_sets()' - What ep_pdf_write() would cut each face of DL down
// to: the faces DL's usable text boxes use, in order of first use, in
// *FACES, each with its drawn code points (sorted, unique) in (*CPS)[i]
// ((*NS)[i] of them). Returns the number of faces; the caller frees each
// (*CPS)[i] and the three arrays. No diagnostics.
size_t ep_pdf_font_sets(const ep_dlist *dl, ep_face ***faces, uint32_t ***cps, size_t **ns);

#endif
