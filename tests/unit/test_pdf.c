// Unit tests for src/pdf.c: display lists built by hand (Chinese runs with
// non-natural spacing, bold, underline, rules, rectangles, a link to a
// destination on page 2, a Chinese outline, page labels, Info) are written to
// a private temporary folder and checked with the tools a reader would use:
// qpdf --check and --json, pdffonts, pdftotext, pdfinfo. Also: byte-identical
// rewrites, atomic failure, stdout, libharu errors, threads.
//
// Needs poppler-utils and qpdf, and the fonts CI installs:
// fonts-arphic-gbsn00lp fonts-arphic-uming fonts-arphic-ukai
// fonts-arphic-gkai00mp fonts-wqy-zenhei.
#if !defined(_XOPEN_SOURCE) || _XOPEN_SOURCE < 700
#undef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 // mkdtemp(), fork()
#endif
#include "pdf.h"
#include "pdf_survey.h"

#include "display.h"
#include "font.h"
#include "subset.h"
#include "util.h"

#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#define A4_W 595.28
#define A4_H 841.89

// A test document and what it should give back.
typedef struct doc {
  ep_diags diags;       // font set diagnostics
  ep_fontset *fs;
  ep_face *song, *hei, *kai;
  ep_dlist *dl;
  ep_buf expect;        // the text of all runs in reading order
  size_t runs;          // TEXT boxes
  char dir[128];        // private temporary folder
} doc;

// 'face_of()' - The primary face of default role NAME.
static ep_face *face_of(doc *d, const char *name) {
  ep_role *r = ep_fontset_role(d->fs, name);
  ck_assert_msg(r && ep_role_face_count(r) > 0, "role %s has no face", name);
  return ep_role_face(r, 0);
}

// 'add_run()' - A TEXT box of UTF8 on page P at (X, Y): natural advances plus
// EXTRA pt after each glyph, and EXTRA2 after the glyphs from index SPLIT on
// (SPLIT = 0: no change). Returns the box.
static ep_box *add_run(doc *d, ep_page *p, ep_face *face, double size, double x, double y, const char *utf8,
                       double extra, size_t split, double extra2) {
  ep_box *b = ep_page_add(d->dl, p, EP_BOX_TEXT);
  size_t len = strlen(utf8), n = 0;
  double *dx = ep_arena_alloc(&d->dl->arena, (len + 1) * sizeof *dx);
  double pen = 0;
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t k = ep_utf8_decode((const unsigned char *)utf8 + i, len - i, &cp);
    ck_assert_uint_gt(k, 0);
    i += k;
    dx[n] = pen;
    pen += ep_face_advance(face, cp) * size / 1000.0 + (split && n >= split ? extra2 : extra);
    n++;
  }
  b->x = x;
  b->y = y;
  b->w = pen;
  b->h = size;
  b->face = face;
  b->size = size;
  b->text = ep_arena_strdup(&d->dl->arena, utf8);
  b->n = n;
  b->dx = dx;
  ep_buf_puts(&d->expect, utf8);
  d->runs++;
  return b;
}

// 'add_box()' - A RULE / RECT / LINK / DEST box.
static ep_box *add_box(doc *d, ep_page *p, ep_box_kind kind, double x, double y, double w, double h) {
  ep_box *b = ep_page_add(d->dl, p, kind);
  b->x = x;
  b->y = y;
  b->w = w;
  b->h = h;
  return b;
}

// 'doc_open()' - The font set with the default roles and an empty list.
static void doc_open(doc *d) {
  memset(d, 0, sizeof *d);
  ep_diags_init(&d->diags);
  ep_buf_init(&d->expect);
  ep_fontset_options o;
  ep_fontset_options_init(&o);
  o.data_dir = EVALPDF_TEST_SOURCE_DIR "/fonts";
  ck_assert(ep_fontset_new(&o, &d->diags, &d->fs));
  size_t n = 0;
  const ep_role_def *defs = ep_font_default_roles(&n);
  for (size_t i = 0; i < n; i++)
    ck_assert_msg(ep_fontset_add_role(d->fs, &defs[i], &d->diags, NULL), "role %s", defs[i].name);
  d->song = face_of(d, "song");
  d->hei = face_of(d, "hei");
  d->kai = face_of(d, "kai");
  ck_assert_ptr_ne(d->song, d->hei);
  ck_assert_ptr_ne(d->song, d->kai);
  d->dl = ep_dlist_new();
  snprintf(d->dir, sizeof d->dir, "%s/test_pdf-XXXXXX", getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(d->dir));
}

// 'doc_build()' - The standard three-page report: a cover (no label) with a
// bold underlined title, a rule, a gray box and a link to the destination on
// page 2; page 2 ("1") with the destination and justified text; page 3 ("2")
// with more text in the kai face. Plus outline and Info.
static void doc_build(doc *d) {
  doc_open(d);
  ep_dlist *dl = d->dl;
  dl->title = "2024年度财政支出绩效评价报告";
  dl->author = "广东省财政厅（绩效处）";
  dl->subject = "项目支出绩效评价";
  dl->keywords = "绩效, 评价, 财政";
  dl->creator = "evalpdf 0.1.0";
  dl->epoch = 1700000000; // 2023-11-14T22:13:20Z

  ep_page *p = ep_dlist_add_page(dl, A4_W, A4_H);
  ep_box *t = add_run(d, p, d->hei, 22, 100, 700, "二〇二四年度绩效评价报告", 2.5, 0, 0);
  t->bold = true;
  t->underline = true;
  add_box(d, p, EP_BOX_RULE, 72, 680, 451, 0)->line_width = 0.75;
  ep_box *r = add_box(d, p, EP_BOX_RECT, 72, 560, 451, 100);
  r->fill = 0.9;
  r->line_width = 0.5;
  add_run(d, p, d->song, 12, 90, 630, "委托单位：广东省财政厅", 0, 0, 0);
  add_run(d, p, d->song, 12, 90, 600, "目录：项目概况……见第1页", 0, 0, 0);
  ep_box *l = add_box(d, p, EP_BOX_LINK, 88, 596, 300, 16);
  l->dest_id = "sec-1";

  p = ep_dlist_add_page(dl, A4_W, A4_H);
  p->number = 1;
  p->label = "D";
  ep_box *dest = add_box(d, p, EP_BOX_DEST, 72, 760, 0, 0);
  dest->dest_id = "sec-1";
  add_run(d, p, d->hei, 16, 72, 740, "一、项目概况", 0, 0, 0);
  // A justified line: 1.37 pt after every glyph (one text run).
  add_run(d, p, d->song, 10.5, 72, 710, "本项目资金主要用于支持产业发展和民生保障，评价结论为良好。", 1.37, 0, 0);
  // Spacing that changes in the middle (two runs), Latin and digits mixed in.
  add_run(d, p, d->song, 10.5, 72, 690, "2024年预算执行率为98.5%，较上年提高3个百分点。", 0.5, 10, 2.25);
  // Condensed (negative extra spacing).
  add_run(d, p, d->song, 10.5, 72, 670, "绩效目标完成情况总体较好。", -0.8, 0, 0);
  ep_box *u = add_run(d, p, d->song, 10.5, 72, 650, "存在问题与改进建议", 0, 0, 0);
  u->underline = true;

  p = ep_dlist_add_page(dl, A4_W, A4_H);
  p->number = 2;
  p->label = "D";
  add_run(d, p, d->hei, 16, 72, 740, "二、结论与建议", 0, 0, 0);
  add_run(d, p, d->kai, 12, 72, 710, "建议进一步完善绩效指标体系，强化结果应用。", 0.3, 0, 0);
  ep_box *bold = add_run(d, p, d->song, 10.5, 72, 690, "（评分：85.5分，等级“良”）", 0, 0, 0);
  bold->bold = true;

  ep_dlist_add_outline(dl, 1, "第一章 项目概况", 1, 760);
  ep_dlist_add_outline(dl, 2, "（一）资金使用情况", 1, 720);
  ep_dlist_add_outline(dl, 3, "1. 预算执行率", 1, 700);
  ep_dlist_add_outline(dl, 1, "第二章 结论与建议", 2, 760);
}

// 'remove_tree()' - Remove PATH and, for a folder, everything in it.
static void remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0)
    return;
  if (S_ISDIR(st.st_mode)) {
    chmod(path, 0700);
    DIR *dir = opendir(path);
    struct dirent *e;
    char p[1024];
    while (dir && (e = readdir(dir)))
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        remove_tree(p);
      }
    if (dir)
      closedir(dir);
    rmdir(path);
  } else {
    unlink(path);
  }
}

// 'doc_close()' - Free everything and remove the temporary folder.
static void doc_close(doc *d) {
  remove_tree(d->dir);
  ep_dlist_free(d->dl);
  ep_fontset_free(d->fs);
  ep_diags_free(&d->diags);
  ep_buf_free(&d->expect);
}

// 'path_in()' - D's folder/NAME in BUF; returns BUF.
static const char *path_in(const doc *d, const char *name, char *buf, size_t size) {
  snprintf(buf, size, "%s/%s", d->dir, name);
  return buf;
}

// 'read_all()' - The whole file PATH (malloc'd, NUL-terminated) and its size, or NULL.
static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  ep_buf b;
  ep_buf_init(&b);
  char chunk[65536];
  size_t k;
  while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
    ep_buf_put(&b, chunk, k);
  fclose(f);
  if (len)
    *len = b.len;
  if (!b.data)
    b.data = ep_xstrdup("");
  return b.data;
}

// 'run()' - Run the shell command printf(FMT, ...) with stdout and stderr
// captured into *OUT and *ERR (malloc'd; may be NULL); returns the exit status.
static int run(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int run(char **out, char **err, const char *fmt, ...) {
  char cmd[2048], of[300], ef[300];
  static int seq;
  const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  snprintf(of, sizeof of, "%s/test_pdf-out-%d-%d", tmp, (int)getpid(), seq);
  snprintf(ef, sizeof ef, "%s/test_pdf-err-%d-%d", tmp, (int)getpid(), seq++);
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(cmd, sizeof cmd - 700, fmt, ap);
  va_end(ap);
  ck_assert_int_lt(n, (int)sizeof cmd - 700);
  snprintf(cmd + n, sizeof cmd - (size_t)n, " >%s 2>%s", of, ef);
  int st = system(cmd);
  char *o = read_all(of, NULL), *e = read_all(ef, NULL);
  unlink(of);
  unlink(ef);
  if (out)
    *out = o;
  else
    free(o);
  if (err)
    *err = e;
  else
    free(e);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// 'squeeze()' - S without whitespace (in place).
static char *squeeze(char *s) {
  char *o = s;
  for (char *p = s; *p; p++)
    if (!isspace((unsigned char)*p))
      *o++ = *p;
  *o = '\0';
  return s;
}

// 'find_bytes()' - True when the N bytes of NEEDLE occur in the LEN bytes of HAY.
static bool find_bytes(const char *hay, size_t len, const char *needle, size_t n) {
  for (size_t i = 0; n <= len && i <= len - n; i++)
    if (memcmp(hay + i, needle, n) == 0)
      return true;
  return false;
}

// 'count_str()' - Occurrences of NEEDLE in HAY.
static size_t count_str(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
    n++;
  return n;
}

// 'count_bytes()' - Occurrences of NEEDLE in the LEN bytes of HAY (which may hold NULs).
static size_t count_bytes(const char *hay, size_t len, const char *needle) {
  size_t n = 0, k = strlen(needle);
  for (size_t i = 0; k <= len && i <= len - k; i++)
    n += memcmp(hay + i, needle, k) == 0;
  return n;
}

// 'write_doc()' - Write D's list to DIR/NAME and assert success.
static const char *write_doc(doc *d, const char *name, char *buf, size_t size) {
  path_in(d, name, buf, size);
  ep_diags diags;
  ep_diags_init(&diags);
  int rc = ep_pdf_write(d->dl, buf, &diags);
  if (rc != 0 || diags.count)
    ep_diags_print_text(&diags, false, stderr);
  ck_assert_int_eq(rc, 0);
  ck_assert_uint_eq(diags.count, 0);
  ep_diags_free(&diags);
  return buf;
}

START_TEST(qpdf_check_passes) {
  doc d;
  doc_build(&d);
  char p[512];
  write_doc(&d, "r.pdf", p, sizeof p);
  char *out = NULL;
  int st = run(&out, NULL, "qpdf --check '%s'", p);
  ck_assert_msg(st == 0, "qpdf --check exit %d: %s", st, out);
  ck_assert_ptr_nonnull(strstr(out, "No syntax or stream encoding errors found"));
  free(out);
  doc_close(&d);
}
END_TEST

START_TEST(fonts_embedded_subset_unicode) {
  doc d;
  doc_build(&d);
  char p[512];
  write_doc(&d, "r.pdf", p, sizeof p);
  char *out = NULL;
  ck_assert_int_eq(run(&out, NULL, "pdffonts '%s'", p), 0);
  // Header, dashes, then one line per font: three faces were used.
  size_t lines = count_str(out, "\n");
  ck_assert_uint_eq(lines, 2 + 3);
  ck_assert_uint_eq(count_str(out, "CID TrueType"), 3);
  ck_assert_uint_eq(count_str(out, "Identity-H"), 3);
  ck_assert_uint_eq(count_str(out, " yes yes yes "), 3);
  ck_assert_ptr_nonnull(strstr(out, "+BousungEG-Light-GB"));
  free(out);
  doc_close(&d);
}
END_TEST

START_TEST(text_extracts_exactly_without_warnings) {
  doc d;
  doc_build(&d);
  char p[512];
  write_doc(&d, "r.pdf", p, sizeof p);
  char *out = NULL, *err = NULL;
  ck_assert_int_eq(run(&out, &err, "pdftotext -enc UTF-8 '%s' -", p), 0);
  ck_assert_msg(err[0] == '\0', "pdftotext stderr: %s", err);
  char *want = ep_xstrdup(ep_buf_str(&d.expect));
  ck_assert_str_eq(squeeze(out), squeeze(want));
  free(want);
  free(out);
  free(err);
  // The same with the layout mode and with pdftotext's raw content order.
  ck_assert_int_eq(run(&out, &err, "pdftotext -raw -enc UTF-8 '%s' -", p), 0);
  ck_assert_str_eq(err, "");
  want = ep_xstrdup(ep_buf_str(&d.expect));
  ck_assert_str_eq(squeeze(out), squeeze(want));
  free(want);
  free(out);
  free(err);
  doc_close(&d);
}
END_TEST

START_TEST(pdfinfo_shows_chinese_info_and_pages) {
  doc d;
  doc_build(&d);
  char p[512];
  write_doc(&d, "r.pdf", p, sizeof p);
  char *out = NULL, *err = NULL;
  ck_assert_int_eq(run(&out, &err, "pdfinfo -isodates -enc UTF-8 '%s'", p), 0);
  ck_assert_str_eq(err, "");
  ck_assert_ptr_nonnull(strstr(out, "Title:           2024年度财政支出绩效评价报告\n"));
  ck_assert_ptr_nonnull(strstr(out, "Author:          广东省财政厅（绩效处）\n"));
  ck_assert_ptr_nonnull(strstr(out, "Subject:         项目支出绩效评价\n"));
  ck_assert_ptr_nonnull(strstr(out, "Keywords:        绩效, 评价, 财政\n"));
  ck_assert_ptr_nonnull(strstr(out, "Creator:         evalpdf 0.1.0\n"));
  ck_assert_ptr_nonnull(strstr(out, "Producer:        evalpdf 0.1.0 (libharu 2.3.0)\n"));
  ck_assert_ptr_nonnull(strstr(out, "CreationDate:    2023-11-14T22:13:20Z\n"));
  ck_assert_ptr_nonnull(strstr(out, "ModDate:         2023-11-14T22:13:20Z\n"));
  ck_assert_ptr_nonnull(strstr(out, "Pages:           3\n"));
  ck_assert_ptr_nonnull(strstr(out, "Page size:       595.28 x 841.89 pts (A4)\n"));
  free(out);
  free(err);
  doc_close(&d);
  // A title above the BMP is a surrogate pair in the Info dictionary too
  // (written without libharu's UTF-8 encoder), and reads back intact.
  doc_build(&d);
  d.dl->title = "标题\xf0\xa0\x80\x8b";
  write_doc(&d, "r.pdf", p, sizeof p);
  size_t len = 0;
  char *pdf = read_all(p, &len);
  ck_assert_int_eq(count_bytes(pdf, len, "/Title <FEFF68079898D840DC0B>"), 1);
  free(pdf);
  ck_assert_int_eq(run(&out, &err, "pdfinfo -enc UTF-8 '%s'", p), 0);
  ck_assert_msg(strstr(out, "Title:           标题\xf0\xa0\x80\x8b\n"), "%s", out);
  free(out);
  free(err);
  doc_close(&d);
  // A subject longer than a PDF string holds (32,766 UTF-16 units after the
  // byte order mark) is cut at a whole character, with a warning, and the
  // PDF is still written: 32,765 ASCII letters and then one character above
  // the BMP (two units) keep the letters only.
  doc_build(&d);
  size_t n = 32765;
  char *big = malloc(n + 4 + 40000 + 1);
  ck_assert_ptr_nonnull(big);
  memset(big, 'a', n);
  memcpy(big + n, "\xf0\xa0\x80\x8b", 4);
  memset(big + n + 4, 'b', 40000);
  big[n + 4 + 40000] = 0;
  d.dl->subject = big;
  path_in(&d, "long.pdf", p, sizeof p);
  ep_diags diags;
  ep_diags_init(&diags);
  ck_assert_int_eq(ep_pdf_write(d.dl, p, &diags), 0);
  ck_assert_uint_eq(diags.count, 1);
  ck_assert_msg(strstr(diags.items[0].message, "Subject has 72766 characters; the PDF keeps the first 32765"), "%s",
                diags.items[0].message);
  ep_diags_free(&diags);
  ck_assert_int_eq(run(&out, &err, "pdfinfo -enc UTF-8 '%s'", p), 0);
  const char *sub = strstr(out, "Subject:         ");
  ck_assert_ptr_nonnull(sub);
  sub += strlen("Subject:         ");
  ck_assert_uint_eq(strcspn(sub, "\n"), n);
  ck_assert_int_eq(sub[0], 'a');
  free(out);
  free(err);
  free(big);
  doc_close(&d);
}
END_TEST

START_TEST(no_dates_without_epoch) {
  doc d;
  doc_build(&d);
  d.dl->epoch = -1;
  char p[512];
  write_doc(&d, "r.pdf", p, sizeof p);
  char *out = NULL;
  ck_assert_int_eq(run(&out, NULL, "pdfinfo '%s'", p), 0);
  ck_assert_ptr_null(strstr(out, "CreationDate:"));
  ck_assert_ptr_null(strstr(out, "ModDate:"));
  free(out);
  doc_close(&d);
}
END_TEST

// The outline's /Count entries (the entries shown under an open one, minus
// for a closed one: those shown once it opens), a skipped level hanging under
// the nearest shallower entry, and a title above the BMP written as a UTF-16
// surrogate pair that reads back as the same character.
// ep_pdf_write_release() frees every page's boxes as it goes and writes the
// same bytes as ep_pdf_write(), the cover's link included (links are kept
// before the boxes go); the same for the memory variant.
START_TEST(release_frees_boxes_and_writes_the_same_pdf) {
  doc a, b;
  doc_build(&a);
  doc_build(&b);
  char pa[512], pb[512];
  write_doc(&a, "a.pdf", pa, sizeof pa);
  path_in(&b, "b.pdf", pb, sizeof pb);
  ep_diags diags;
  ep_diags_init(&diags);
  ck_assert_int_eq(ep_pdf_write_release(b.dl, pb, &diags), 0);
  ck_assert_uint_eq(diags.count, 0);
  for (size_t i = 0; i < b.dl->npages; i++) {
    ck_assert_uint_eq(b.dl->pages[i].n, 0);
    ck_assert_ptr_null(b.dl->pages[i].boxes);
  }
  size_t la = 0, lb = 0;
  char *da = read_all(pa, &la), *db = read_all(pb, &lb);
  ck_assert_uint_eq(la, lb);
  ck_assert_int_eq(memcmp(da, db, la), 0);
  ck_assert_uint_eq(count_bytes(db, lb, "/Subtype /Link"), 1);
  doc c;
  doc_build(&c);
  unsigned char *dc = NULL;
  size_t lc = 0;
  ck_assert_int_eq(ep_pdf_write_memory_release(c.dl, &dc, &lc, &diags), 0);
  ck_assert_uint_eq(lc, la);
  ck_assert_int_eq(memcmp(dc, da, la), 0);
  ck_assert_uint_eq(c.dl->pages[0].n, 0);
  free(dc);
  free(da);
  free(db);
  ep_diags_free(&diags);
  doc_close(&a);
  doc_close(&b);
  doc_close(&c);
}
END_TEST

START_TEST(outline_counts_skipped_levels_and_titles_beyond_the_bmp) {
  doc d;
  doc_build(&d); // 第一章 (open) > （一） (closed) > 1.; 第二章
  ep_dlist_add_outline(d.dl, 1, "三、A", 2, 700);
  ep_dlist_add_outline(d.dl, 3, "B", 2, 690); // level 2 skipped: under A
  ep_dlist_add_outline(d.dl, 2, "C", 2, 680);
  ep_dlist_add_outline(d.dl, 3, "D", 2, 670);
  ep_dlist_add_outline(d.dl, 1, "E\xf0\xa0\x80\x8b", 2, 660); // E and U+2000B
  char p[512];
  write_doc(&d, "r.pdf", p, sizeof p);
  size_t len = 0;
  char *pdf = read_all(p, &len);
  // the outline objects are not compressed
  ck_assert_int_eq(count_bytes(pdf, len, "/Count 7\012"), 1);  // root: 第一章 2, 第二章 1, A 3, E 1
  ck_assert_int_eq(count_bytes(pdf, len, "/Count 1\012"), 1);  // 第一章: （一） only
  ck_assert_int_eq(count_bytes(pdf, len, "/Count -1\012"), 2); // （一） and C, closed over one
  ck_assert_int_eq(count_bytes(pdf, len, "/Count 2\012"), 1);  // A: B and C
  ck_assert_int_eq(count_bytes(pdf, len, "/Count "), 6); // and the page tree's /Count 3
  ck_assert_int_eq(count_bytes(pdf, len, "/Title <FEFF0045D840DC0B>"), 1);
  free(pdf);
  char *out = NULL;
  ck_assert_int_eq(run(&out, NULL, "qpdf --json=2 --json-key=outlines '%s'", p), 0);
  char *s = squeeze(out);
  // A's kids: B (no kids), then C (closed) whose one kid is D; E comes last
  ck_assert_msg(strstr(s, "\"open\":true,\"title\":\"B\"},{\"dest\""), "B, then its sibling C: %s", s);
  ck_assert_msg(strstr(s, "\"title\":\"D\"}],\"object\""), "D, C's only kid: %s", s);
  ck_assert_msg(strstr(s, "\"open\":false,\"title\":\"C\"}],\"object\""), "C, A's last kid: %s", s);
  ck_assert_msg(strstr(s, "\"open\":true,\"title\":\"三、A\"},{"), "%s", s);
  ck_assert_msg(strstr(s, "\"title\":\"E\xf0\xa0\x80\x8b\"}]"), "E last, its title intact: %s", s);
  free(out);
  ck_assert_int_eq(run(&out, NULL, "qpdf --check '%s'", p), 0);
  free(out);
  doc_close(&d);
}
END_TEST

START_TEST(outline_has_chinese_titles_nested_to_pages) {
  doc d;
  doc_build(&d);
  char p[512];
  write_doc(&d, "r.pdf", p, sizeof p);
  char *out = NULL;
  ck_assert_int_eq(run(&out, NULL, "qpdf --json=2 --json-key=outlines '%s'", p), 0);
  // qpdf decodes the titles to UTF-8 and resolves each destination's page.
  // The entries in order, each with its page, nested and open or closed.
  char *s = squeeze(out);
  const char *want = "\"outlines\":["
                     "{\"dest\":[\"#2\",\"/XYZ\",null,760,null],\"destpageposfrom1\":2,\"kids\":["
                     "{\"dest\":[\"#2\",\"/XYZ\",null,720,null],\"destpageposfrom1\":2,\"kids\":["
                     "{\"dest\":[\"#2\",\"/XYZ\",null,700,null],\"destpageposfrom1\":2,\"kids\":[],"
                     "\"object\":\"#\",\"open\":true,\"title\":\"1.预算执行率\"}],"
                     "\"object\":\"#\",\"open\":false,\"title\":\"（一）资金使用情况\"}],"
                     "\"object\":\"#\",\"open\":true,\"title\":\"第一章项目概况\"},"
                     "{\"dest\":[\"#3\",\"/XYZ\",null,760,null],\"destpageposfrom1\":3,\"kids\":[],"
                     "\"object\":\"#\",\"open\":true,\"title\":\"第二章结论与建议\"}]";
  // Object numbers vary with the document: compare with them masked ("#",
  // or "#N" for a reference to page N).
  ep_buf got;
  ep_buf_init(&got);
  for (const char *q = s; *q;) {
    if (!strncmp(q, "\"dest\":[\"", 9) || !strncmp(q, "\"object\":\"", 10)) {
      bool dest = q[1] == 'd';
      const char *v = q + (dest ? 9 : 10);
      ep_buf_put(&got, q, (size_t)(v - q));
      const char *end = strchr(v, '"');
      ep_buf_putc(&got, '#');
      if (dest) {
        const char *pg = strstr(end, "\"destpageposfrom1\":");
        ep_buf_putc(&got, pg[19]);
      }
      q = end;
      continue;
    }
    ep_buf_putc(&got, *q++);
  }
  ck_assert_msg(strstr(ep_buf_str(&got), want), "outline: %s", ep_buf_str(&got));
  ep_buf_free(&got);
  free(out);
  doc_close(&d);
}
END_TEST

START_TEST(page_labels_roman_arabic_and_empty) {
  doc d;
  doc_build(&d);
  // Turn the cover into a roman "i" page and add an unlabelled page 4.
  d.dl->pages[0].label = "r";
  d.dl->pages[0].number = 1;
  ep_dlist_add_page(d.dl, A4_W, A4_H);
  char p[512];
  write_doc(&d, "r.pdf", p, sizeof p);
  char *out = NULL;
  ck_assert_int_eq(run(&out, NULL, "qpdf --json=2 --json-key=pagelabels '%s'", p), 0);
  char *s = squeeze(out);
  // qpdf shows the default /St 1 of the unlabelled range; it has no /S.
  ck_assert_msg(strstr(s, "\"pagelabels\":[{\"index\":0,\"label\":{\"/S\":\"/r\",\"/St\":1}},"
                          "{\"index\":1,\"label\":{\"/S\":\"/D\",\"/St\":1}},"
                          "{\"index\":3,\"label\":{\"/St\":1}}]"),
                "labels: %s", s);
  ck_assert_ptr_null(strstr(s, "\"/P\""));
  free(out);
  doc_close(&d);
}
END_TEST

START_TEST(link_points_to_destination_on_page_2) {
  doc d;
  doc_build(&d);
  char p[512];
  write_doc(&d, "r.pdf", p, sizeof p);
  char *out = NULL;
  ck_assert_int_eq(run(&out, NULL, "qpdf --json=2 --json-key=pages --json-key=qpdf '%s'", p), 0);
  char *s = squeeze(out); // references read "25 0 R" -> "250R"
  // The object of page 2 from the "pages" list.
  const char *pages = strstr(s, "\"pages\":[");
  ck_assert_ptr_nonnull(pages);
  // Page entries list contents, images, label, object, outlines, pageposfrom1:
  // the first "object" after page 1's entry is page 2's own.
  const char *first_end = strstr(pages, "\"pageposfrom1\":1}");
  ck_assert_ptr_nonnull(first_end);
  const char *obj = strstr(first_end, "\"object\":\"");
  ck_assert_ptr_nonnull(obj);
  obj += 10;
  char page2[32], dest[32];
  size_t k = (size_t)(strchr(obj, '"') - obj);
  ck_assert_uint_lt(k, sizeof page2);
  memcpy(page2, obj, k);
  page2[k] = '\0';
  // The link's destination object.
  const char *link = strstr(s, "\"/Border\":[0,0,0],\"/Dest\":\"");
  ck_assert_ptr_nonnull(link);
  link += strlen("\"/Border\":[0,0,0],\"/Dest\":\"");
  k = (size_t)(strchr(link, '"') - link);
  ck_assert_uint_lt(k, sizeof dest);
  memcpy(dest, link, k);
  dest[k] = '\0';
  char want[128];
  snprintf(want, sizeof want, "\"obj:%s\":{\"value\":[\"%s\",\"/XYZ\",null,760,null]}", dest, page2);
  ck_assert_msg(strstr(s, want), "no %s", want);
  ck_assert_uint_eq(count_str(s, "\"/Subtype\":\"/Link\""), 1);
  ck_assert_ptr_nonnull(strstr(s, "\"/Rect\":[88,596,388,612],\"/Subtype\":\"/Link\""));
  free(out);
  doc_close(&d);
}
END_TEST

START_TEST(runs_group_glyphs_with_char_spacing) {
  doc d;
  doc_build(&d);
  char p[512], q[512];
  write_doc(&d, "r.pdf", p, sizeof p);
  path_in(&d, "r.qdf", q, sizeof q);
  ck_assert_int_eq(run(NULL, NULL, "qpdf --qdf --object-streams=disable '%s' '%s'", p, q), 0);
  char *s = read_all(q, NULL);
  ck_assert_ptr_nonnull(s);
  // Eleven runs, one of them with a spacing change: twelve strings shown.
  ck_assert_uint_eq(count_str(s, " Tj\n"), d.runs + 1);
  ck_assert_uint_eq(count_str(s, " Tm\n"), d.runs + 1);
  ck_assert_uint_eq(count_str(s, "BT\n"), 3);
  ck_assert_ptr_nonnull(strstr(s, "\n1.37 Tc\n"));
  ck_assert_ptr_nonnull(strstr(s, "\n-0.8 Tc\n"));
  ck_assert_ptr_nonnull(strstr(s, "\n2.25 Tc\n"));
  // Bold: fill then stroke with a line width of size/30, round joins; back to fill.
  ck_assert_ptr_nonnull(strstr(s, "\n2 Tr\n0.733 w\n1 j\n"));
  ck_assert_ptr_nonnull(strstr(s, "\n0 Tr\n"));
  ck_assert_ptr_nonnull(strstr(s, "\n2 Tr\n0.35 w\n1 j\n"));
  // The gray box, filled and stroked; the fill is reset before the text.
  ck_assert_ptr_nonnull(strstr(s, "\n0.9 g\n0.5 w\n72 560 451 100 re\nB\n"));
  ck_assert_ptr_nonnull(strstr(s, "\n0 g\nBT\n"));
  free(s);
  doc_close(&d);
}
END_TEST

START_TEST(runs_without_offsets_sit_at_their_pen_positions) {
  // A TEXT box without dx is drawn at its natural pen positions: the same
  // PDF, byte for byte, as the box whose dx holds exactly those positions
  // (add_run with no extra spacing). The layout drops such offsets.
  doc d;
  doc_open(&d);
  d.dl->epoch = 1700000000;
  ep_page *p = ep_dlist_add_page(d.dl, A4_W, A4_H);
  ep_box *runs[] = {add_run(&d, p, d.song, 16, 79.37, 700, "第1部分情况说明", 0, 0, 0),
                    add_run(&d, p, d.kai, 11, 80, 650, "资金到位率（含结转）为98.5%。", 0, 0, 0),
                    add_run(&d, p, d.hei, 22, 120, 600, "“十四五”——规划", 0, 0, 0)};
  char with[512], without[512];
  write_doc(&d, "with.pdf", with, sizeof with);
  for (size_t i = 0; i < sizeof runs / sizeof *runs; i++)
    runs[i]->dx = NULL;
  write_doc(&d, "without.pdf", without, sizeof without);
  size_t la = 0, lb = 0;
  char *a = read_all(with, &la), *b = read_all(without, &lb);
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  ck_assert_uint_gt(la, 1000);
  ck_assert_msg(la == lb && !memcmp(a, b, la), "the PDFs differ (%zu and %zu bytes)", la, lb);
  free(a);
  free(b);
  // One glyph off its pen position changes the drawing.
  double *dx = ep_arena_alloc(&d.dl->arena, runs[1]->n * sizeof *dx);
  ep_glyphs g = {0};
  ck_assert_uint_eq(ep_glyphs_load(&g, runs[1], runs[1]->face), runs[1]->n);
  memcpy(dx, g.x, runs[1]->n * sizeof *dx);
  dx[3] += 0.5;
  runs[1]->dx = dx;
  write_doc(&d, "moved.pdf", with, sizeof with);
  a = read_all(with, &la);
  b = read_all(without, &lb);
  ck_assert_msg(la != lb || memcmp(a, b, la), "moving a glyph left the PDF as it was");
  free(a);
  free(b);
  ep_glyphs_free(&g);
  doc_close(&d);
}
END_TEST

START_TEST(glyphs_sit_at_their_offsets) {
  // Gaps of 6 pt and more make pdftotext report every glyph as a word of its
  // own, with its box: the left edge must be x + dx[i]. Run A has one
  // constant extra spacing (one Tc run); run B changes it at every glyph.
  doc d;
  doc_open(&d);
  ep_page *p = ep_dlist_add_page(d.dl, A4_W, A4_H);
  const ep_box *a = add_run(&d, p, d.song, 12, 72.3, 700, "评价指标体系完善，结论为A级。", 6.125, 0, 0);
  ep_box *b = add_run(&d, p, d.kai, 11, 80, 650, "专项资金使用效益明显提高", 0, 0, 0);
  double *dx = (double *)b->dx, pen = 0;
  size_t len = strlen(b->text), at = 0;
  for (size_t i = 0; i < b->n; i++) {
    dx[i] = pen;
    pen += ep_face_advance(d.kai, ep_utf8_next(b->text, len, &at)) * 11 / 1000.0 + 6 + 0.37 * (double)(i % 4);
  }
  char path[512];
  write_doc(&d, "r.pdf", path, sizeof path);
  char *out = NULL;
  ck_assert_int_eq(run(&out, NULL, "pdftotext -bbox '%s' -", path), 0);
  const ep_box *boxes[2] = {a, b};
  const char *q = out;
  for (size_t r = 0; r < 2; r++) {
    const ep_box *x = boxes[r];
    double ymin0 = -1;
    size_t xlen = strlen(x->text), xat = 0;
    for (size_t i = 0; i < x->n; i++) {
      q = strstr(q, "<word xMin=\"");
      ck_assert_msg(q != NULL, "run %zu glyph %zu missing", r, i);
      double x0, y0, x1, y1;
      ck_assert_int_eq(sscanf(q, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\">", &x0, &y0, &x1, &y1), 4);
      q = strchr(q, '>') + 1;
      char want[8];
      want[ep_utf8_encode(ep_utf8_next(x->text, xlen, &xat), want)] = '\0';
      ck_assert_msg(!strncmp(q, want, strlen(want)) && !strncmp(q + strlen(want), "</word>", 7),
                    "run %zu glyph %zu: %.20s", r, i, q);
      ck_assert_msg(fabs(x0 - (x->x + x->dx[i])) < 0.01, "run %zu glyph %zu at %.4f, want %.4f", r, i, x0,
                    x->x + x->dx[i]);
      if (ymin0 < 0)
        ymin0 = y0;
      ck_assert_double_eq_tol(y0, ymin0, 0.001); // one baseline
    }
  }
  free(out);
  doc_close(&d);
}
END_TEST

// 'same_files()' - Assert that the PDFs at P and Q are the same bytes (over
// 1,000 of them); P's contents (heap; its length in *LEN when LEN is set).
static char *same_files(const char *p, const char *q, size_t *len) {
  size_t la = 0, lb = 0;
  char *a = read_all(p, &la), *b = read_all(q, &lb);
  ck_assert_uint_gt(la, 1000);
  ck_assert_uint_eq(la, lb);
  ck_assert(memcmp(a, b, la) == 0);
  free(b);
  if (len)
    *len = la;
  return a;
}

// 'warm_loop()' - Thread body: ep_pdf_warm() a few times.
static void *warm_loop(void *arg) {
  (void)arg;
  for (int i = 0; i < 20; i++)
    ep_pdf_warm();
  return NULL;
}

// Writing the same list twice gives the same bytes, also while another
// thread runs ep_pdf_warm() (libharu's first-use costs, which the prepare
// thread pays beside a render).
START_TEST(rewrite_is_byte_identical) {
  doc d;
  doc_build(&d);
  char p[512], q[512];
  write_doc(&d, "a.pdf", p, sizeof p);
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, warm_loop, NULL), 0);
  write_doc(&d, "b.pdf", q, sizeof q);
  pthread_join(t, NULL);
  size_t la = 0;
  char *a = same_files(p, q, &la);
  // Nothing of the temporary font files or the output name leaks into the file.
  ck_assert(!find_bytes(a, la, "evalpdf-font", 12));
  ck_assert(!find_bytes(a, la, "evalpdf:font", 12));
  ck_assert(!find_bytes(a, la, d.dir, strlen(d.dir)));
  free(a);
  doc_close(&d);
}
END_TEST


// 'count_entries()' - Number of entries in folder DIR besides . and ..
static size_t count_entries(const char *dir) {
  DIR *dd = opendir(dir);
  ck_assert_ptr_nonnull(dd);
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(dd)))
    n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  closedir(dd);
  return n;
}

START_TEST(unwritable_directory_keeps_existing_file) {
  doc d;
  doc_build(&d);
  char sub[512], p[600];
  path_in(&d, "ro", sub, sizeof sub);
  ck_assert_int_eq(mkdir(sub, 0700), 0);
  snprintf(p, sizeof p, "%s/r.pdf", sub);
  FILE *f = fopen(p, "wb");
  ck_assert_ptr_nonnull(f);
  fputs("old contents", f);
  fclose(f);
  ck_assert_int_eq(chmod(sub, 0500), 0);
  // root ignores permissions: then the write runs in a child as "nobody".
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
      _exit(90);
    ep_diags diags;
    ep_diags_init(&diags);
    int rc = ep_pdf_write(d.dl, p, &diags);
    bool said = diags.count == 1 && !strcmp(diags.items[0].code, "io-error") &&
                strstr(diags.items[0].message, p) != NULL;
    _exit(rc == 1 && said ? 0 : 10 + rc);
  }
  int st = 0;
  ck_assert_int_eq(waitpid(pid, &st, 0), pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
  char *s = read_all(p, NULL);
  ck_assert_str_eq(s, "old contents");
  free(s);
  ck_assert_uint_eq(count_entries(sub), 1); // no temporary file left
  doc_close(&d);
}
END_TEST

START_TEST(folder_or_missing_folder_fails_cleanly) {
  doc d;
  doc_build(&d);
  char p[512];
  path_in(&d, "taken", p, sizeof p);
  ck_assert_int_eq(mkdir(p, 0700), 0);
  char inner[600];
  snprintf(inner, sizeof inner, "%s/keep", p);
  fclose(fopen(inner, "wb"));
  ep_diags diags;
  ep_diags_init(&diags);
  ck_assert_int_eq(ep_pdf_write(d.dl, p, &diags), 1); // PATH is a folder
  ck_assert_uint_eq(diags.count, 1);
  ck_assert_str_eq(diags.items[0].code, "io-error");
  ck_assert_uint_eq(count_entries(d.dir), 1);
  ck_assert_uint_eq(count_entries(p), 1);
  ep_diags_free(&diags);
  // A missing folder: nothing is created.
  char q[600];
  snprintf(q, sizeof q, "%s/missing/r.pdf", d.dir);
  ck_assert_int_eq(ep_pdf_write(d.dl, q, &diags), 1);
  ck_assert_uint_eq(count_entries(d.dir), 1);
  ep_diags_free(&diags);
  doc_close(&d);
}
END_TEST

START_TEST(symlink_is_kept_and_pipe_written_directly) {
  doc d;
  doc_build(&d);
  char ref[512], target[512], link[512], fifo[512], copy[512];
  write_doc(&d, "ref.pdf", ref, sizeof ref);
  size_t lr = 0;
  char *want = read_all(ref, &lr);
  // A symbolic link: the file it points to is replaced, the link stays.
  path_in(&d, "target.pdf", target, sizeof target);
  path_in(&d, "link.pdf", link, sizeof link);
  fclose(fopen(target, "wb"));
  ck_assert_int_eq(symlink("target.pdf", link), 0);
  write_doc(&d, "link.pdf", link, sizeof link);
  struct stat st;
  ck_assert_int_eq(lstat(link, &st), 0);
  ck_assert(S_ISLNK(st.st_mode));
  size_t l = 0;
  char *got = read_all(target, &l);
  ck_assert(l == lr && memcmp(got, want, l) == 0);
  free(got);
  // A named pipe (as /dev/stdout or /dev/null would be): written into, not replaced.
  path_in(&d, "fifo", fifo, sizeof fifo);
  path_in(&d, "copy.pdf", copy, sizeof copy);
  ck_assert_int_eq(mkfifo(fifo, 0600), 0);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    FILE *in = fopen(fifo, "rb"), *out = fopen(copy, "wb");
    char buf[4096];
    size_t k;
    while (in && out && (k = fread(buf, 1, sizeof buf, in)) > 0)
      fwrite(buf, 1, k, out);
    _exit(in && out && fclose(out) == 0 ? 0 : 1);
  }
  write_doc(&d, "fifo", fifo, sizeof fifo);
  int status = 0;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ck_assert_int_eq(lstat(fifo, &st), 0);
  ck_assert(S_ISFIFO(st.st_mode));
  got = read_all(copy, &l);
  ck_assert(l == lr && memcmp(got, want, l) == 0);
  free(got);
  free(want);
  doc_close(&d);
}
END_TEST

START_TEST(replaced_file_keeps_mode_new_file_follows_umask) {
  doc d;
  doc_build(&d);
  char p[512], q[512];
  path_in(&d, "old.pdf", p, sizeof p);
  fclose(fopen(p, "wb"));
  ck_assert_int_eq(chmod(p, 0640), 0);
  write_doc(&d, "old.pdf", p, sizeof p);
  struct stat st;
  ck_assert_int_eq(stat(p, &st), 0);
  ck_assert_uint_eq(st.st_mode & 0777, 0640);
  ck_assert_int_gt(st.st_size, 1000);
  mode_t old = umask(027);
  write_doc(&d, "new.pdf", q, sizeof q);
  umask(old);
  ck_assert_int_eq(stat(q, &st), 0);
  ck_assert_uint_eq(st.st_mode & 0777, 0640);
  doc_close(&d);
}
END_TEST

START_TEST(dash_writes_to_stdout) {
  doc d;
  doc_build(&d);
  char p[512], q[512];
  write_doc(&d, "file.pdf", p, sizeof p);
  path_in(&d, "stdout.pdf", q, sizeof q);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    if (!freopen(q, "wb", stdout))
      _exit(90);
    ep_diags diags;
    ep_diags_init(&diags);
    int rc = ep_pdf_write(d.dl, "-", &diags);
    _exit(rc == 0 && diags.count == 0 ? 0 : 10 + rc);
  }
  int st = 0;
  ck_assert_int_eq(waitpid(pid, &st, 0), pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
  size_t la = 0, lb = 0;
  char *a = read_all(p, &la), *b = read_all(q, &lb);
  ck_assert_uint_eq(la, lb);
  ck_assert(memcmp(a, b, la) == 0);
  free(a);
  free(b);
  doc_close(&d);
}
END_TEST

START_TEST(libharu_error_is_reported_and_no_file_left) {
  doc d;
  doc_build(&d);
  d.dl->pages[1].width = 20000; // libharu allows 3..14400 pt
  d.dl->source = "report.xml";
  char p[512];
  path_in(&d, "r.pdf", p, sizeof p);
  ep_diags diags;
  ep_diags_init(&diags);
  ck_assert_int_eq(ep_pdf_write(d.dl, p, &diags), 2);
  ck_assert_uint_eq(diags.count, 1);
  ck_assert_str_eq(diags.items[0].code, "pdf-error");
  ck_assert_uint_eq(diags.items[0].severity, EP_ERROR);
  ck_assert_str_eq(diags.items[0].message,
                   "libharu error 0x1054 (detail 0) while setting the width of page 2 to 20000.00 pt.");
  ck_assert_str_eq(diags.items[0].file, "report.xml");
  ck_assert_uint_eq(count_entries(d.dir), 0);
  ep_diags_free(&diags);
  // A list without pages is refused the same way.
  ep_dlist *empty = ep_dlist_new();
  ck_assert_int_eq(ep_pdf_write(empty, p, &diags), 2);
  ck_assert_str_eq(diags.items[0].message, "The document has no pages, and a PDF needs at least one.");
  ck_assert_uint_eq(count_entries(d.dir), 0);
  ep_dlist_free(empty);
  ep_diags_free(&diags);
  doc_close(&d);
}
END_TEST

START_TEST(inconsistent_list_warns_and_still_writes) {
  doc d;
  doc_build(&d);
  ep_page *p1 = &d.dl->pages[0];
  ep_box *l = add_box(&d, p1, EP_BOX_LINK, 10, 10, 50, 10);
  l->dest_id = "nowhere";
  l->src_file = "r.xml";
  l->src_line = 42;
  ep_box *t = ep_page_add(d.dl, p1, EP_BOX_TEXT); // no face
  t->text = "孤";
  ep_dlist_add_outline(d.dl, 1, "越界", 7, 100);
  char p[512];
  path_in(&d, "r.pdf", p, sizeof p);
  ep_diags diags;
  ep_diags_init(&diags);
  ck_assert_int_eq(ep_pdf_write(d.dl, p, &diags), 0);
  ck_assert_uint_eq(diags.count, 3);
  ck_assert_uint_eq(diags.warnings, 3);
  ck_assert_str_eq(diags.items[0].message, "A text run on page 1 has no font and was left out of the PDF.");
  ck_assert_str_eq(diags.items[1].file, "r.xml");
  ck_assert_uint_eq(diags.items[1].line, 42);
  ck_assert_str_eq(diags.items[1].message,
                   "The link on page 1 to 'nowhere' was left out: there is no such destination.");
  ck_assert_str_eq(diags.items[2].message,
                   "The bookmark '越界' points to page 8, which the document does not have, and was left out.");
  ck_assert_int_eq(run(NULL, NULL, "qpdf --check '%s'", p), 0);
  ep_diags_free(&diags);
  doc_close(&d);
}
END_TEST

START_TEST(non_bmp_and_nested_composites_survive) {
  doc d;
  doc_open(&d);
  ep_page *p = ep_dlist_add_page(d.dl, A4_W, A4_H);
  // U+2000B (outside the BMP) is not in UMing: drawn as .notdef, still
  // extracted as itself. ǖǘǚǜ are nested composites in UMing.
  ep_role *song = ep_fontset_role(d.fs, "song");
  ep_face *uming = ep_role_face_for(song, 0x01D6);
  ck_assert_ptr_nonnull(uming);
  add_run(&d, p, uming, 20, 72, 700, "lǖ lǘ lǚ lǜ 𠀋 完", 1.0, 0, 0);
  char path[512];
  write_doc(&d, "r.pdf", path, sizeof path);
  char *out = NULL, *err = NULL;
  ck_assert_int_eq(run(&out, &err, "pdftotext -enc UTF-8 '%s' -", path), 0);
  ck_assert_str_eq(err, "");
  ck_assert_str_eq(squeeze(out), "lǖlǘlǚlǜ𠀋完");
  free(out);
  free(err);
  ck_assert_int_eq(run(NULL, NULL, "qpdf --check '%s'", path), 0);
  doc_close(&d);
}
END_TEST

// 'put16()' / 'put32()' - Store V big-endian at P.
static void put16(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}
static void put32(unsigned char *p, uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v & 0xFFFF);
}

// 'with_cmap12()' - The font SUB (SUB_LEN bytes: one of subset.c's, which have
// no cmap) with a cmap added whose one (3,10) format-12 subtable maps CPS[i]
// to glyph 1 + i: a malloc'd font of *LEN bytes (checksums left zero, which
// FreeType and PDF readers do not check).
static unsigned char *with_cmap12(const unsigned char *sub, size_t sub_len, const uint32_t *cps, size_t n,
                                  size_t *len) {
  unsigned char cmap[4 + 8 + 16 + 12 * 16];
  ck_assert_uint_le(n, 16);
  size_t cmap_len = 4 + 8 + 16 + 12 * n;
  memset(cmap, 0, sizeof cmap);
  put16(cmap + 2, 1);                          // one subtable
  put16(cmap + 4, 3), put16(cmap + 6, 10);     // Windows, UCS-4
  put32(cmap + 8, 12);                         // at 12
  put16(cmap + 12, 12);                        // format 12
  put32(cmap + 16, (uint32_t)(cmap_len - 12)); // its length
  put32(cmap + 24, (uint32_t)n);
  for (size_t i = 0; i < n; i++) {
    put32(cmap + 28 + 12 * i, cps[i]);
    put32(cmap + 32 + 12 * i, cps[i]);
    put32(cmap + 36 + 12 * i, (uint32_t)(1 + i));
  }
  size_t tables = (size_t)(sub[4] << 8 | sub[5]), body = 12 + 16 * tables;
  size_t total = body + 16 + sub_len - body + ((cmap_len + 3) & ~(size_t)3);
  unsigned char *f = calloc(1, total);
  memcpy(f, sub, 12);
  put16(f + 4, (unsigned)(tables + 1));
  size_t k = 0, at = body + 16;
  for (size_t i = 0; i <= tables; i++) { // cmap goes in tag order; the others move down by 16 bytes
    const unsigned char *r = i < tables ? sub + 12 + 16 * i : NULL;
    if (k == i && (!r || memcmp(r, "cmap", 4) > 0)) {
      unsigned char *rec = f + 12 + 16 * k++;
      memcpy(rec, "cmap", 4);
      put32(rec + 8, (uint32_t)(sub_len + 16));
      put32(rec + 12, (uint32_t)cmap_len);
    }
    if (!r)
      break;
    unsigned char *rec = f + 12 + 16 * k++;
    memcpy(rec, r, 16);
    put32(rec + 8, (uint32_t)((size_t)(r[8] << 24 | r[9] << 16 | r[10] << 8 | r[11]) + 16));
  }
  ck_assert_uint_eq(k, tables + 1);
  memcpy(f + at, sub + body, sub_len - body);
  memcpy(f + sub_len + 16, cmap, cmap_len);
  *len = total;
  return f;
}

// A face that has a character outside the BMP draws it: a font made here
// from UMing whose cmap (format 12) maps U+2000B 𠀋 to the glyph of 完. The
// glyph is embedded (the page has 完's ink), the text extracts as 𠀋, in an
// /ActualText span too (a digit beside it), and qpdf is content.
static long page_ink(const char *path, int page);

START_TEST(a_face_with_extension_b_draws_it) {
  doc d;
  doc_open(&d);
  ep_role *song = ep_fontset_role(d.fs, "song");
  ep_face *uming = ep_role_face_for(song, 0x01D6);
  ck_assert_ptr_nonnull(uming);
  FILE *in = fopen(ep_face_path(uming), "rb");
  ck_assert_ptr_nonnull(in);
  fseek(in, 0, SEEK_END);
  size_t len = (size_t)ftell(in);
  fseek(in, 0, SEEK_SET);
  unsigned char *data = malloc(len);
  ck_assert_uint_eq(fread(data, 1, len, in), len);
  fclose(in);
  uint32_t cps[] = {0x5B8C, 0x2000B}, gids[2];
  FT_Library lib;
  FT_Face ft;
  ck_assert_int_eq(FT_Init_FreeType(&lib), 0);
  ck_assert_int_eq(FT_New_Memory_Face(lib, data, (FT_Long)len, ep_face_index(uming), &ft), 0);
  gids[0] = gids[1] = FT_Get_Char_Index(ft, 0x5B8C);
  ck_assert_uint_gt(gids[0], 0);
  FT_Done_Face(ft);
  FT_Done_FreeType(lib);
  unsigned char *sub = NULL, *font = NULL;
  size_t sub_len = 0, font_len = 0;
  ck_assert(ep_ttf_subset(data, len, ep_face_index(uming), cps, gids, 2, 32768, &sub, &sub_len));
  free(data);
  font = with_cmap12(sub, sub_len, cps, 2, &font_len); // glyph 1 + i draws CPS[i]
  free(sub);
  char fpath[512];
  path_in(&d, "extb.ttf", fpath, sizeof fpath);
  FILE *out = fopen(fpath, "wb");
  ck_assert_uint_eq(fwrite(font, 1, font_len, out), font_len);
  fclose(out);
  free(font);
  const char *cand[] = {fpath};
  ep_role_def def = {"extb", cand, 1, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL};
  ep_role *r = NULL;
  ck_assert(ep_fontset_add_role(d.fs, &def, &d.diags, &r));
  ep_face *extb = ep_role_face_for(r, 0x2000B);
  ck_assert_ptr_nonnull(extb);
  ep_page *p1 = ep_dlist_add_page(d.dl, A4_W, A4_H), *p2 = ep_dlist_add_page(d.dl, A4_W, A4_H);
  add_run(&d, p1, extb, 400, 100, 300, "完", 0, 0, 0);
  add_run(&d, p2, extb, 400, 100, 300, "𠀋", 0, 0, 0);
  ep_box *b = add_run(&d, ep_dlist_add_page(d.dl, A4_W, A4_H), extb, 20, 72, 700, "𠀋完", 0, 0, 0);
  b->actual_text = true;
  char path[512];
  write_doc(&d, "x.pdf", path, sizeof path);
  long ink1 = page_ink(path, 1), ink2 = page_ink(path, 2);
  ck_assert_msg(ink2 > 0 && ink1 == ink2, "完 %ld, 𠀋 %ld", ink1, ink2);
  char *txt = NULL, *err = NULL;
  ck_assert_int_eq(run(&txt, &err, "pdftotext -enc UTF-8 '%s' -", path), 0);
  ck_assert_str_eq(err, "");
  ck_assert_str_eq(squeeze(txt), "完𠀋𠀋完");
  free(txt);
  free(err);
  ck_assert_int_eq(run(NULL, NULL, "qpdf --check '%s'", path), 0);
  doc_close(&d);
}
END_TEST

// A font's maps cover only the characters drawn: CIDs are numbered after the
// sorted code points (A B C 一 三 二 四 -> 1..7), which is the subset's glyph
// order (/CIDToGIDMap /Identity), the text is written in those CIDs, /W lists
// the Latin widths only (the ideographs have the default width), and the
// text still extracts exactly. (libharu's own font path wrote a 131,070-byte
// map and /W entries keyed by code point.)
START_TEST(font_maps_cover_only_drawn_characters) {
  doc d;
  doc_open(&d);
  add_run(&d, ep_dlist_add_page(d.dl, A4_W, A4_H), d.song, 20, 72, 700, "一二三四一ABC", 0, 0, 0);
  char path[512];
  write_doc(&d, "m.pdf", path, sizeof path);
  char *out = NULL;
  ck_assert_int_eq(run(&out, NULL, "qpdf --qdf --object-streams=disable '%s' - | tr -s ' \n' ' '", path), 0);
  ck_assert_ptr_nonnull(strstr(out, "<00040006000500070004000100020003> Tj"));
  ck_assert_ptr_nonnull(strstr(out, "/W [ 1 ["));
  ck_assert_ptr_null(strstr(out, "/W [ 4"));
  ck_assert_ptr_nonnull(strstr(out, "/CIDToGIDMap /Identity"));
  ck_assert_ptr_nonnull(strstr(out, "/Ordering (Identity)"));
  free(out);
  char *err = NULL;
  ck_assert_int_eq(run(&out, &err, "pdftotext -enc UTF-8 '%s' -", path), 0);
  ck_assert_str_eq(err, "");
  ck_assert_str_eq(squeeze(out), "一二三四一ABC");
  free(out);
  free(err);
  ck_assert_int_eq(run(NULL, NULL, "qpdf --check '%s'", path), 0);
  doc_close(&d);
}
END_TEST

// 'page_ink()' - Darkness of page PAGE of the PDF at PATH: the sum of 255 - gray
// over a 10 dpi rendering.
static long page_ink(const char *path, int page) {
  char *out = NULL;
  ck_assert_int_eq(run(&out, NULL, "pdftoppm -r 10 -gray -f %d -l %d '%s'", page, page, path), 0);
  int w = 0, h = 0, max = 0, off = 0;
  ck_assert_int_eq(sscanf(out, "P5 %d %d %d%n", &w, &h, &max, &off), 3);
  ck_assert_int_eq(max, 255);
  long ink = 0;
  const unsigned char *px = (const unsigned char *)out + off + 1;
  for (long i = 0; i < (long)w * h; i++)
    ink += 255 - px[i];
  free(out);
  return ink;
}

// Each drawn character shows its own glyph of the face: the font program,
// the CID-to-glyph map and the subset agree. 一 has far less ink than 藏,
// and 藏 looks the same whether the subset holds 3 or 300 characters.
START_TEST(glyphs_are_the_faces_glyphs) {
  static const char *const chars[] = {"一", "藏", "口"};
  char more[2000] = "";
  for (uint32_t cp = 0x5000, n = 0; n < 300; cp += 7, n++) {
    size_t k = strlen(more);
    more[k] = (char)(0xE0 | cp >> 12);
    more[k + 1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    more[k + 2] = (char)(0x80 | (cp & 0x3F));
    more[k + 3] = 0;
  }
  for (int fi = 0; fi < 2; fi++) {
    long ink[2][3];
    for (int variant = 0; variant < 2; variant++) {
      doc d;
      doc_open(&d);
      ep_face *face = fi == 0 ? d.song : d.hei;
      for (int c = 0; c < 3; c++)
        add_run(&d, ep_dlist_add_page(d.dl, A4_W, A4_H), face, 400, 100, 300, chars[c], 0, 0, 0);
      if (variant == 1)
        add_run(&d, ep_dlist_add_page(d.dl, A4_W, A4_H), face, 1.5, 20, 800, more, 0, 0, 0);
      char path[512];
      write_doc(&d, "g.pdf", path, sizeof path);
      for (int c = 0; c < 3; c++)
        ink[variant][c] = page_ink(path, c + 1);
      char *out = NULL;
      ck_assert_int_eq(run(&out, NULL, "qpdf --qdf --object-streams=disable '%s' - | grep -a -o -e '/CIDToGIDMap /Identity' -e '/FontFile2 [0-9]'", path), 0);
      ck_assert_uint_eq(count_str(out, "/CIDToGIDMap"), 1);
      ck_assert_uint_eq(count_str(out, "/FontFile2"), 1);
      free(out);
      doc_close(&d);
    }
    ck_assert_msg(ink[0][1] > 3 * ink[0][0] && ink[0][2] > ink[0][0], "face %d: ink 一 %ld 藏 %ld 口 %ld", fi,
                  ink[0][0], ink[0][1], ink[0][2]);
    for (int c = 0; c < 3; c++)
      ck_assert_msg(ink[0][c] == ink[1][c], "face %d char %d: ink %ld alone, %ld in a larger subset", fi, c,
                    ink[0][c], ink[1][c]);
  }
}
END_TEST

// One writer thread's job.
typedef struct job {
  const ep_dlist *dl;
  char path[512];
  int rc;
} job;

// 'write_job()' - Thread body: write the list to the job's path.
static void *write_job(void *arg) {
  job *j = arg;
  ep_diags diags;
  ep_diags_init(&diags);
  for (int k = 0; k < 3 && j->rc == 0; k++)
    j->rc = ep_pdf_write(j->dl, j->path, &diags);
  ep_diags_free(&diags);
  return NULL;
}

START_TEST(threads_write_identical_files) {
  doc d;
  doc_build(&d);
  char ref[512];
  write_doc(&d, "ref.pdf", ref, sizeof ref);
  size_t lr = 0;
  char *want = read_all(ref, &lr);
  job jobs[4];
  pthread_t th[4];
  for (int i = 0; i < 4; i++) {
    jobs[i].dl = d.dl;
    jobs[i].rc = 0;
    snprintf(jobs[i].path, sizeof jobs[i].path, "%s/t%d.pdf", d.dir, i);
    ck_assert_int_eq(pthread_create(&th[i], NULL, write_job, &jobs[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    ck_assert_int_eq(jobs[i].rc, 0);
    size_t l = 0;
    char *got = read_all(jobs[i].path, &l);
    ck_assert_uint_eq(l, lr);
    ck_assert(memcmp(got, want, l) == 0);
    free(got);
  }
  free(want);
  doc_close(&d);
}
END_TEST

START_TEST(twenty_pages_in_reasonable_time) {
  // About 20 A4 pages of 10.5 pt text (34 lines × 40 characters), each line
  // justified; prints the time taken (the figure for the report).
  doc d;
  doc_open(&d);
  const char *src = "绩效评价是财政管理的重要环节，通过科学设定指标体系，对项目决策、过程管理、产出和效益进行全面"
                    "客观的评价，为优化资源配置、提高资金使用效益提供依据。本报告依据相关规定，结合实地调研和问卷"
                    "调查结果，对二〇二三年度专项资金的使用情况进行了系统分析，总结了主要成效，指出了存在的问题，"
                    "并提出了有针对性的改进建议。";
  uint32_t cps[400];
  size_t n = 0;
  for (size_t i = 0; src[i] && n < 400;) {
    size_t k = ep_utf8_decode((const unsigned char *)src + i, strlen(src + i), &cps[n]);
    i += k;
    n++;
  }
  char line[200];
  for (int pg = 0; pg < 20; pg++) {
    ep_page *p = ep_dlist_add_page(d.dl, A4_W, A4_H);
    p->number = pg + 1;
    p->label = "D";
    for (int ln = 0; ln < 34; ln++) {
      size_t off = (size_t)(pg * 34 + ln) * 7 % n, len = 0;
      for (int c = 0; c < 40; c++)
        len += ep_utf8_encode(cps[(off + (size_t)c) % n], line + len);
      line[len] = '\0';
      add_run(&d, p, d.song, 10.5, 72, 770 - ln * 20, line, 0.02 * (ln % 5), 0, 0);
    }
  }
  char path[512];
  path_in(&d, "big.pdf", path, sizeof path);
  ep_diags diags;
  ep_diags_init(&diags);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  ck_assert_int_eq(ep_pdf_write(d.dl, path, &diags), 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  struct stat st;
  stat(path, &st);
  fprintf(stderr, "test_pdf: 20 pages, %zu runs, written in %.1f ms, %lld bytes\n", d.runs, ms,
          (long long)st.st_size);
  ck_assert_double_lt(ms, 5000);
  char *out = NULL, *err = NULL;
  ck_assert_int_eq(run(&out, &err, "pdftotext -enc UTF-8 '%s' -", path), 0);
  ck_assert_str_eq(err, "");
  char *want = ep_xstrdup(ep_buf_str(&d.expect));
  ck_assert_str_eq(squeeze(out), squeeze(want));
  free(want);
  free(out);
  free(err);
  ep_diags_free(&diags);
  doc_close(&d);
}
END_TEST

START_TEST(keep_sample) {
  // Not a check: with EVALPDF_TEST_KEEP=PATH only this runs and leaves the
  // standard document at PATH, for looking at it.
  doc d;
  doc_build(&d);
  ep_diags diags;
  ep_diags_init(&diags);
  ck_assert_int_eq(ep_pdf_write(d.dl, getenv("EVALPDF_TEST_KEEP"), &diags), 0);
  ep_diags_free(&diags);
  doc_close(&d);
}
END_TEST

// 'pdf_suite()' - All PDF writer tests in one Check suite.
static Suite *pdf_suite(void) {
  Suite *s = suite_create("pdf");
  TCase *tc = tcase_create("pdf");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, qpdf_check_passes);
  tcase_add_test(tc, fonts_embedded_subset_unicode);
  tcase_add_test(tc, text_extracts_exactly_without_warnings);
  tcase_add_test(tc, pdfinfo_shows_chinese_info_and_pages);
  tcase_add_test(tc, no_dates_without_epoch);
  tcase_add_test(tc, outline_has_chinese_titles_nested_to_pages);
  tcase_add_test(tc, release_frees_boxes_and_writes_the_same_pdf);
  tcase_add_test(tc, outline_counts_skipped_levels_and_titles_beyond_the_bmp);
  tcase_add_test(tc, page_labels_roman_arabic_and_empty);
  tcase_add_test(tc, link_points_to_destination_on_page_2);
  tcase_add_test(tc, runs_group_glyphs_with_char_spacing);
  tcase_add_test(tc, glyphs_sit_at_their_offsets);
  tcase_add_test(tc, runs_without_offsets_sit_at_their_pen_positions);
  tcase_add_test(tc, rewrite_is_byte_identical);
  tcase_add_test(tc, unwritable_directory_keeps_existing_file);
  tcase_add_test(tc, folder_or_missing_folder_fails_cleanly);
  tcase_add_test(tc, symlink_is_kept_and_pipe_written_directly);
  tcase_add_test(tc, replaced_file_keeps_mode_new_file_follows_umask);
  tcase_add_test(tc, dash_writes_to_stdout);
  tcase_add_test(tc, libharu_error_is_reported_and_no_file_left);
  tcase_add_test(tc, inconsistent_list_warns_and_still_writes);
  tcase_add_test(tc, non_bmp_and_nested_composites_survive);
  tcase_add_test(tc, a_face_with_extension_b_draws_it);
  tcase_add_test(tc, glyphs_are_the_faces_glyphs);
  tcase_add_test(tc, font_maps_cover_only_drawn_characters);
  tcase_add_test(tc, threads_write_identical_files);
  tcase_add_test(tc, twenty_pages_in_reasonable_time);
  suite_add_tcase(s, tc);
  return s;
}

// 'main()' - Run the suite; the exit status is 1 when a test failed.
// EVALPDF_TEST_KEEP=PATH instead writes the standard document to PATH.
int main(void) {
  const char *keep = getenv("EVALPDF_TEST_KEEP");
  Suite *s;
  if (!keep || !*keep) {
    s = pdf_suite();
  } else {
    s = suite_create("keep");
    TCase *tc = tcase_create("keep");
    tcase_add_test(tc, keep_sample);
    suite_add_tcase(s, tc);
  }
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_ENV); // CK_VERBOSITY=verbose lists every test
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
