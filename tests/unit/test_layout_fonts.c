// Unit tests of the layout's font sets, which the PDF writer's font programs
// are made from ahead of time: the pass hook sees the final faces and
// characters, the body font's hint foresees what the body text draws, and
// the body text's face is told as soon as it is bound.
#include "layout_env.h"
#include "pdf.h"
#include "pdf_survey.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// What the pass hook saw: the calls, and the font sets of the last pass it was told of.
typedef struct passes_seen {
  int calls;
  size_t n;
  ep_face **faces;
  uint32_t **cps;
  size_t *ns;
} passes_seen;

// 'free_sets()' - Free font sets made by ep_pdf_font_sets().
static void free_sets(size_t n, ep_face **faces, uint32_t **cps, size_t *ns) {
  for (size_t i = 0; i < n; i++)
    free(cps[i]);
  free(faces);
  free(cps);
  free(ns);
}

// 'see_pass()' - An ep_pass_fn keeping the pass's font sets.
static void see_pass(void *user, const ep_dlist *dl) {
  passes_seen *ps = user;
  ps->calls++;
  if (ps->faces)
    free_sets(ps->n, ps->faces, ps->cps, ps->ns);
  ps->n = ep_pdf_font_sets(dl, &ps->faces, &ps->cps, &ps->ns);
}

// The pass hook is told of each pass another follows (full.xml, whose
// <ref page> takes a second pass: once), never of the last one (a report
// without printed page numbers: not at all); laying out with it gives the
// same pages; and full.xml's first pass, numbered, draws exactly the final
// faces and characters (what render() makes ahead).
START_TEST(pass_hook_sees_the_final_fonts_before_the_last_pass) {
  env e;
  env_open(&e);
  const char *files[] = {EVALPDF_TEST_SOURCE_DIR "/tests/golden/full.xml",
                         EVALPDF_TEST_SOURCE_DIR "/tests/golden/tables.xml"};
  for (int fi = 0; fi < 2; fi++) {
    ep_load_options o = {NULL, EVALPDF_TEST_SOURCE_DIR, NULL, NULL};
    ep_report *r = ep_report_load(files[fi], &o);
    ck_assert_ptr_nonnull(r);
    passes_seen ps = {0};
    ep_diags d1, d2;
    ep_diags_init(&d1);
    ep_diags_init(&d2);
    ep_dlist *plain = ep_layout_report(r, e.st, &d1);
    ep_dlist *with = ep_layout_report_with(r, e.st, &d2, see_pass, &ps);
    ck_assert_int_eq(ps.calls, with->layout_passes - 1);
    ck_assert_int_eq(ps.calls, fi == 0 ? 1 : 0);
    char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    FILE *fa = open_memstream(&a, &la), *fb = open_memstream(&b, &lb);
    ep_dlist_dump(plain, fa);
    ep_dlist_dump(with, fb);
    fclose(fa);
    fclose(fb);
    ck_assert_str_eq(a, b);
    ck_assert_uint_eq(d1.count, d2.count);
    if (fi == 0) {
      ep_face **faces;
      uint32_t **cps;
      size_t *ns;
      size_t n = ep_pdf_font_sets(with, &faces, &cps, &ns);
      ck_assert_uint_ge(n, 3);
      ck_assert_uint_eq(ps.n, n);
      for (size_t i = 0; i < n; i++) {
        ck_assert_ptr_eq(ps.faces[i], faces[i]);
        ck_assert_uint_eq(ps.ns[i], ns[i]);
        ck_assert_mem_eq(ps.cps[i], cps[i], ns[i] * sizeof *cps[i]);
        for (size_t k = 1; k < ns[i]; k++)
          ck_assert_uint_lt(cps[i][k - 1], cps[i][k]); // sorted and unique
      }
      free_sets(n, faces, cps, ns);
      free_sets(ps.n, ps.faces, ps.cps, ps.ns);
    }
    free(a);
    free(b);
    ep_dlist_free(plain);
    ep_dlist_free(with);
    ep_diags_free(&d1);
    ep_diags_free(&d2);
    ep_report_free(r);
  }
  env_close(&e);
}
END_TEST

// The body font's hint (ep_layout_body_hint()) foresees every character the
// layout draws in the body face of the bundled and golden reports on both
// shipped layouts (else the font program made during the layout is thrown
// away), and adds few it does not draw (each is a glyph in the subset).
START_TEST(body_hint_foresees_the_drawn_characters) {
  static const char *const reports[] = {"examples/guangdong-2022-jiuzhu.xml", "tests/golden/full.xml",
                                        "tests/golden/county-008.xml", "tests/golden/tables.xml"};
  static const char *const layouts[] = {"layouts/official.xml", "layouts/compact.xml"};
  for (size_t li = 0; li < 2; li++) {
    env e;
    char lpath[1024];
    snprintf(lpath, sizeof lpath, "%s/%s", EVALPDF_TEST_SOURCE_DIR, layouts[li]);
    env_open_layout(&e, lpath);
    for (size_t ri = 0; ri < sizeof reports / sizeof *reports; ri++) {
      char path[1024];
      snprintf(path, sizeof path, "%s/%s", EVALPDF_TEST_SOURCE_DIR, reports[ri]);
      ep_load_options o = {NULL, EVALPDF_TEST_SOURCE_DIR, NULL, NULL};
      ep_report *r = ep_report_load(path, &o);
      ck_assert_uint_eq(r->diags.errors, 0);
      uint32_t *hint, *chars;
      size_t nhint, nchars;
      ep_layout_report_chars(r, &chars, &nchars);
      ep_face *face = ep_layout_body_hint(chars, nchars, e.st, &hint, &nhint);
      free(chars);
      ck_assert_ptr_nonnull(face);
      for (size_t i = 1; i < nhint; i++)
        ck_assert_uint_lt(hint[i - 1], hint[i]); // sorted, unique
      ep_diags d;
      ep_dlist *dl = lay_out(&e, r, &d);
      ep_face **faces;
      uint32_t **cps;
      size_t *ns, nf = ep_pdf_font_sets(dl, &faces, &cps, &ns), used = 0;
      for (size_t f = 0; f < nf; f++) {
        if (faces[f] == face) {
          used = ns[f];
          for (size_t k = 0, h = 0; k < ns[f]; k++) {
            while (h < nhint && hint[h] < cps[f][k])
              h++;
            ck_assert_msg(h < nhint && hint[h] == cps[f][k],
                          "%s on %s: U+%04X is drawn in the body face but not foreseen", reports[ri], layouts[li],
                          (unsigned)cps[f][k]);
          }
        }
        free(cps[f]);
      }
      ck_assert_uint_gt(used, 100);
      ck_assert_msg(nhint - used <= 12 || nhint - used <= used / 20, "%s on %s: %zu foreseen, %zu drawn",
                    reports[ri], layouts[li], nhint, used);
      free(faces);
      free(cps);
      free(ns);
      free(hint);
      ep_dlist_free(dl);
      ep_diags_free(&d);
      ep_report_free(r);
    }
    env_close(&e);
  }
}
END_TEST

// What early_body() saw when ep_style_bind_fonts_ex() told it of the body face.
typedef struct early_seen {
  int calls;
  ep_face *face;
  const ep_style *st;
  bool title_bound; // the title's role was bound already then
} early_seen;

// 'early_body()' - ep_style_bind_fonts_ex()'s hook: record what it was given.
static void early_body(const ep_style *st, ep_face *face, void *user) {
  early_seen *s = user;
  s->calls++;
  s->face = face;
  s->st = st;
  s->title_bound = st->ts[EP_TS_TITLE].role != NULL;
}

// ep_style_bind_fonts_ex() tells of the body text's primary face once, as
// soon as it is known (before the roles bound after it), also when the role
// was bound before by another style; the hint made from that face and the
// layout's Latin role name is the one the bound style gives, on both layouts.
START_TEST(body_face_is_told_before_the_other_roles) {
  static const char *const layouts[] = {"layouts/official.xml", "layouts/compact.xml"};
  char path[1024];
  snprintf(path, sizeof path, "%s/examples/guangdong-2022-jiuzhu.xml", EVALPDF_TEST_SOURCE_DIR);
  ep_load_options o = {NULL, EVALPDF_TEST_SOURCE_DIR, NULL, NULL};
  ep_report *r = ep_report_load(path, &o);
  ck_assert_uint_eq(r->diags.errors, 0);
  uint32_t *chars;
  size_t nchars;
  ep_layout_report_chars(r, &chars, &nchars);
  for (size_t li = 0; li < 2; li++) {
    char lpath[1024];
    snprintf(lpath, sizeof lpath, "%s/%s", EVALPDF_TEST_SOURCE_DIR, layouts[li]);
    ep_diags d;
    ep_diags_init(&d);
    ep_fontset_options fo;
    ep_fontset_options_init(&fo);
    ep_fontset *fs;
    ck_assert(ep_fontset_new(&fo, &d, &fs));
    for (int round = 0; round < 2; round++) { // the second: its roles are registered already
      ep_style *st = ep_style_load(lpath, &d);
      ck_assert_ptr_nonnull(st);
      early_seen seen = {0};
      ck_assert(ep_style_bind_fonts_ex(st, fs, &d, early_body, &seen));
      ck_assert_int_eq(seen.calls, 1);
      ck_assert_ptr_eq(seen.st, st);
      ck_assert_ptr_eq(seen.face, ep_layout_body_face(st));
      ck_assert(round == 1 || !seen.title_bound);
      const char *latin = st->ts[EP_TS_BODY].latin_name;
      bool ascii = !latin || !strcmp(latin, "none");
      ck_assert(ascii == (st->ts[EP_TS_BODY].latin == NULL)); // the guess holds for the shipped layouts
      uint32_t *a, *b;
      size_t na, nb;
      ck_assert_ptr_eq(ep_layout_body_hint(chars, nchars, st, &a, &na), seen.face);
      ck_assert_ptr_eq(ep_layout_body_hint_with(chars, nchars, st, seen.face, ascii, &b, &nb), seen.face);
      ck_assert_uint_eq(na, nb);
      ck_assert(na > 100 && memcmp(a, b, na * sizeof *a) == 0);
      uint32_t *c;
      size_t nc;
      ep_layout_body_hint_with(chars, nchars, st, seen.face, !ascii, &c, &nc); // the other guess differs
      ck_assert(nc != na || memcmp(a, c, na * sizeof *a) != 0);
      free(a);
      free(b);
      free(c);
      ep_style_free(st);
    }
    ep_fontset_free(fs);
    ep_diags_free(&d);
  }
  free(chars);
  ep_report_free(r);
}
END_TEST

// 'layout_fonts_suite()' - All font set tests of the layout.
static Suite *layout_fonts_suite(void) {
  Suite *s = suite_create("layout_fonts");
  TCase *tc = tcase_create("layout_fonts");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, pass_hook_sees_the_final_fonts_before_the_last_pass);
  tcase_add_test(tc, body_hint_foresees_the_drawn_characters);
  tcase_add_test(tc, body_face_is_told_before_the_other_roles);
  suite_add_tcase(s, tc);
  return s;
}

// 'main()' - Run the suite.
int main(void) {
  SRunner *sr = srunner_create(layout_fonts_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
