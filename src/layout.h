// Layout: model + layout file → display list. Breaks paragraphs with the CJK
// line breaker, sets every body line on the layout's fixed pitch, paginates
// with keep-with-next and widow/orphan control, numbers the pages and fills
// in the 目录 with the real page numbers (iterating until they are stable).
#ifndef EVALPDF_LAYOUT_H
#define EVALPDF_LAYOUT_H

#include "display.h"
#include "model.h"
#include "style.h"

// 'ep_layout_report()' - Lay out R with ST (fonts already bound). Warnings
// (missing glyphs, blocks not rendered yet, overfull lines) go to DIAGS with
// their source lines. Returns a new display list (free with ep_dlist_free).
ep_dlist *ep_layout_report(const ep_report *r, const ep_style *st, ep_diags *diags);

// 'ep_layout_report_chunked()' - ep_layout_report() with the pagination
// running CHUNK line items behind the layout (it places the settled ones and
// drops them each time that many wait; ep_layout_report() uses 4096;
// SIZE_MAX places every line at the end). The pages do not depend on CHUNK:
// tests lay reports out with several and compare.
ep_dlist *ep_layout_report_chunked(const ep_report *r, const ep_style *st, ep_diags *diags, size_t chunk);

// 'ep_layout_report_full_passes()' - ep_layout_report() without setting a
// changed 目录 again in place: every pass lays out the whole report (for
// tests: the patched 目录 must give exactly these pages).
ep_dlist *ep_layout_report_full_passes(const ep_report *r, const ep_style *st, ep_diags *diags);

// 'ep_layout_body_face()' - The primary face of ST's body text role (the
// face ep_layout_body_hint() foresees characters for), or NULL.
ep_face *ep_layout_body_face(const ep_style *st);

// 'ep_layout_report_chars()' - The characters a layout of R may print, in
// *CPS (sorted, unique, heap: the caller frees it; *N of them): R's printed
// text and what the layout usually prints of its own for R's kinds of
// blocks (labels, table headers, list labels). Needs no layout, so a render
// finds them while its layout is still being loaded.
void ep_layout_report_chars(const ep_report *r, uint32_t **cps, size_t *n);

// 'ep_layout_body_hint()' - The body text's face of ST (NULL: none, or no
// characters) and, in *CPS (sorted, unique, heap: the caller frees it; *N
// of them), the characters it may draw: those of REPORT_CPS[0..NREPORT-1]
// (ep_layout_report_chars()) and of ST's page numbers that the face has. A
// render promises the PDF writer this set before the layout (ep_dlist's
// hint), so the face's font program is made meanwhile.
ep_face *ep_layout_body_hint(const uint32_t *report_cps, size_t nreport, const ep_style *st, uint32_t **cps,
                             size_t *n);

// 'ep_layout_body_hint_with()' - ep_layout_body_hint() before ST's roles are
// bound: FACE is the body text's primary face, ALL_ASCII whether it has no
// Latin face (its letters and digits are then its own). Reads only ST's
// parsed fields. The same set as ep_layout_body_hint() when FACE and
// ALL_ASCII are what binding gives.
ep_face *ep_layout_body_hint_with(const uint32_t *report_cps, size_t nreport, const ep_style *st, ep_face *face,
                                  bool all_ascii, uint32_t **cps, size_t *n);

// 'ep_pass_fn' - Told of a layout pass that another pass will follow (the
// report prints page numbers that changed), with that pass's display list
// complete with its page numbers and running headers (borrowed for the call).
// When the next pass moves no page, the last pass draws the same text.
typedef void (*ep_pass_fn)(void *user, const ep_dlist *dl);

// 'ep_layout_report_with()' - ep_layout_report() calling ON_PASS(USER, dl)
// on this thread after each pass that another pass follows: render() starts
// the font programs of that pass's text on the helper thread meanwhile.
ep_dlist *ep_layout_report_with(const ep_report *r, const ep_style *st, ep_diags *diags, ep_pass_fn on_pass,
                                void *user);

// A parallel runner for the layout: RUN(USER, n, job, arg) calls JOB(ARG, i)
// for each i in [0, n), perhaps on two threads, and returns when all have
// ended (render(): ep_programs_parallel() with the font programs' helper).
// OPEN, READY and CLOSE (NULL: not offered) run jobs made one by one: OPEN
// starts them, none ready yet (false: not started, the caller runs them
// itself); READY(USER, n) lets the other thread claim jobs below n; CLOSE(USER,
// n) says there are n, runs the unclaimed ones here and returns when all
// have ended (render(): ep_programs_par_open() and the rest).
typedef struct ep_layout_par {
  void (*run)(void *user, size_t n, void (*job)(void *arg, size_t i), void *arg);
  bool (*open)(void *user, void (*job)(void *arg, size_t i), void *arg);
  void (*ready)(void *user, size_t n);
  void (*close)(void *user, size_t n);
  void *user;
} ep_layout_par;

// 'ep_layout_report_par()' - ep_layout_report_with() whose line breaks of
// several paragraphs at once (a list's items) go through PAR (NULL: all on
// this thread). The display list is the same either way.
ep_dlist *ep_layout_report_par(const ep_report *r, const ep_style *st, ep_diags *diags, ep_pass_fn on_pass,
                               void *user, const ep_layout_par *par);

#endif
