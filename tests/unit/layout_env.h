// Shared by the layout unit suites (test_layout.c, test_layout_fonts.c): a
// font set with a layout file bound to it, and laying a report out with it.
#ifndef EVALPDF_TEST_LAYOUT_ENV_H
#define EVALPDF_TEST_LAYOUT_ENV_H

#include "font.h"
#include "layout.h"
#include "style.h"
#include "util.h"

#include <check.h>
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


#endif
