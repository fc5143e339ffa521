// Shared by the layout unit suites (test_layout.c, test_layout_table.c,
// test_layout_fonts.c): a font set with a layout file bound to it, laying a
// report out with it, and checks of the pages it makes.
#ifndef EVALPDF_TEST_LAYOUT_ENV_H
#define EVALPDF_TEST_LAYOUT_ENV_H

#include "font.h"
#include "layout.h"
#include "style.h"
#include "util.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct env {
  ep_fontset *fs;
  ep_style *st;
  ep_diags diags;
} env;

// 'env_open_layout()' - Font set and the layout file LAYOUT, its fonts bound.
static inline void env_open_layout(env *e, const char *layout) {
  ep_diags_init(&e->diags);
  ep_fontset_options fo;
  ep_fontset_options_init(&fo);
  ck_assert(ep_fontset_new(&fo, &e->diags, &e->fs));
  e->st = ep_style_load(layout, &e->diags);
  ck_assert_msg(e->st != NULL, "layout %s", layout);
  ck_assert(ep_style_bind_fonts(e->st, e->fs, &e->diags));
}

// 'env_open()' - Font set and the official layout.
static inline void env_open(env *e) { env_open_layout(e, EVALPDF_TEST_SOURCE_DIR "/layouts/official.xml"); }

// 'env_close()' - Free the environment.
static inline void env_close(env *e) {
  ep_style_free(e->st);
  ep_fontset_free(e->fs);
  ep_diags_free(&e->diags);
}

// 'lay_out()' - Lay R out with E's layout; layout diagnostics go to D (initialised here).
static inline ep_dlist *lay_out(env *e, ep_report *r, ep_diags *d) {
  ep_diags_init(d);
  return ep_layout_report(r, e->st, d);
}

// 'done()' - Free what a test made: the display list, diagnostics, report and environment.
static inline void done(env *e, ep_report *r, ep_diags *d, ep_dlist *dl) {
  ep_dlist_free(dl);
  ep_diags_free(d);
  ep_report_free(r);
  env_close(e);
}

// 'load_text()' - Write XML to a temp file and load it.
static inline ep_report *load_text(const char *xml) {
  char path[] = "/tmp/evalpdf-layout-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq((int)write(fd, xml, strlen(xml)), (int)strlen(xml));
  close(fd);
  ep_load_options o = {NULL, EVALPDF_TEST_SOURCE_DIR, NULL, NULL};
  ep_report *r = ep_report_load(path, &o);
  unlink(path);
  return r;
}


// 'lay_out_example()' - E opened on the official layout, the example report
// loaded without errors into *R, and laid out (layout diagnostics into D).
static inline ep_dlist *lay_out_example(env *e, ep_report **r, ep_diags *d) {
  env_open(e);
  ep_load_options o = {NULL, EVALPDF_TEST_SOURCE_DIR, NULL, NULL};
  *r = ep_report_load(EVALPDF_TEST_SOURCE_DIR "/examples/guangdong-2022-jiuzhu.xml", &o);
  ck_assert_uint_eq((*r)->diags.errors, 0);
  return lay_out(e, *r, d);
}

// 'page_text()' - All text of page P concatenated (box order).
static inline void page_text(const ep_dlist *dl, size_t p, char *buf, size_t size) {
  buf[0] = 0;
  for (size_t k = 0; k < dl->pages[p].n; k++)
    if (dl->pages[p].boxes[k].kind == EP_BOX_TEXT)
      strncat(buf, dl->pages[p].boxes[k].text, size - strlen(buf) - 1);
}

// 'doc_text()' - All text of every page, in page order (page_text() of each, concatenated).
static inline void doc_text(const ep_dlist *dl, char *buf, size_t size) {
  buf[0] = 0;
  for (size_t p = 0; p < dl->npages; p++)
    for (size_t k = 0; k < dl->pages[p].n; k++)
      if (dl->pages[p].boxes[k].kind == EP_BOX_TEXT)
        strncat(buf, dl->pages[p].boxes[k].text, size - strlen(buf) - 1);
}

// 'has_diag()' - Whether D has a diagnostic with CODE at LINE.
static inline bool has_diag(const ep_diags *d, const char *code, unsigned long line) {
  for (size_t i = 0; i < d->count; i++)
    if (!strcmp(d->items[i].code, code) && d->items[i].line == line)
      return true;
  return false;
}

// 'check_cell_text_inside()' - Every small text run of DL (a table's cell
// text; the 续表 line above a continuation excepted) lies inside a cell box
// of its page: none runs over its rule or below its cell.
static inline void check_cell_text_inside(const ep_dlist *dl) {
  for (size_t p = 0; p < dl->npages; p++) {
    const ep_page *pg = &dl->pages[p];
    for (size_t k = 0; k < pg->n; k++) {
      const ep_box *b = &pg->boxes[k];
      if (b->kind != EP_BOX_TEXT || b->size >= 12 || !strcmp(b->text, "续表"))
        continue;
      bool inside = false;
      for (size_t j = 0; j < pg->n && !inside; j++) {
        const ep_box *c = &pg->boxes[j];
        inside = c->kind == EP_BOX_RECT && b->x >= c->x - 0.01 && b->x + b->w <= c->x + c->w + 0.01 &&
                 b->y >= c->y && b->y <= c->y + c->h;
      }
      ck_assert_msg(inside, "cell text “%s” lies outside every cell box on page %zu", b->text, p + 1);
    }
  }
}

// 'check_boxes()' - Every box inside the 版心 horizontally and above the page-number
// zone; no two cell rectangles of a page overlap (beyond shared borders).
static inline void check_boxes(const env *e, const ep_dlist *dl) {
  double left = e->st->left, right = e->st->left + e->st->body_w;
  double bottom = e->st->page_h - e->st->top - e->st->body_h;
  for (size_t p = 0; p < dl->npages; p++) {
    const ep_page *pg = &dl->pages[p];
    for (size_t k = 0; k < pg->n; k++) {
      const ep_box *b = &pg->boxes[k];
      if (b->kind == EP_BOX_RECT) {
        ck_assert_msg(b->x >= left - 0.01 && b->x + b->w <= right + 0.01, "rect outside the measure on page %zu", p + 1);
        ck_assert_msg(b->y >= bottom - 0.01, "rect below the 版心 on page %zu", p + 1);
        for (size_t j = k + 1; j < pg->n; j++) {
          const ep_box *c = &pg->boxes[j];
          if (c->kind != EP_BOX_RECT)
            continue;
          double ox = fmin(b->x + b->w, c->x + c->w) - fmax(b->x, c->x);
          double oy = fmin(b->y + b->h, c->y + c->h) - fmax(b->y, c->y);
          ck_assert_msg(ox < 0.01 || oy < 0.01, "cells overlap on page %zu", p + 1);
        }
      } else if (b->kind == EP_BOX_TEXT && b->size < 12) {
        ck_assert_msg(b->x >= left - 0.01 && b->x + b->w <= right + 0.01, "cell text outside the measure: %s", b->text);
      }
    }
  }
}

#endif
