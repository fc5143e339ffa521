// Unit tests of layout: the example and synthetic reports are laid out with
// the official layout and the display list is checked line by line: the grid
// (28 characters, 22 lines, pitch), the measure, kinsoku at line starts and
// ends, headings never last on a page, no overlap, page numbers.
#include "inline.h"
#include "layout_env.h"
#include "layout.h"
#include "pdf.h"
#include "pdf_survey.h"
#include "linebreak.h"
#include "util.h"

#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// A body line reconstructed from the display list.
typedef struct rline {
  size_t page;
  double y, x0, x1, size;
  char text[4096];
  uint32_t first, last;
} rline;

// 'box_cp()' - The code point of glyph I of TEXT box B (its text decoded; I < B->n).
static uint32_t box_cp(const ep_box *b, size_t i) {
  size_t len = strlen(b->text), at = 0;
  uint32_t cp = 0;
  for (size_t k = 0; k <= i; k++) {
    ck_assert_uint_lt(at, len);
    cp = ep_utf8_next(b->text, len, &at);
  }
  return cp;
}

// 'collect_lines()' - Group text boxes of body size (16 pt) by page and baseline.
static rline *collect_lines(const ep_dlist *dl, size_t *n) {
  size_t cap = 1024;
  rline *out = malloc(cap * sizeof *out);
  *n = 0;
  for (size_t p = 0; p < dl->npages; p++) {
    const ep_page *pg = &dl->pages[p];
    for (size_t k = 0; k < pg->n; k++) {
      const ep_box *b = &pg->boxes[k];
      if (b->kind != EP_BOX_TEXT || b->size != 16.0 || b->n == 0)
        continue;
      rline *l = NULL;
      for (size_t i = *n; i > 0; i--)
        if (out[i - 1].page == p && fabs(out[i - 1].y - b->y) < 0.01) {
          l = &out[i - 1];
          break;
        }
      if (!l) {
        if (*n == cap) {
          cap *= 2;
          out = realloc(out, cap * sizeof *out);
        }
        l = &out[(*n)++];
        memset(l, 0, sizeof *l);
        l->page = p;
        l->y = b->y;
        l->x0 = b->x;
        l->x1 = b->x + b->w;
        l->first = box_cp(b, 0);
      }
      if (b->x < l->x0) {
        l->x0 = b->x;
        l->first = box_cp(b, 0);
      }
      if (b->x + b->w >= l->x1) {
        l->x1 = b->x + b->w;
        l->last = box_cp(b, b->n - 1);
      }
      strncat(l->text, b->text, sizeof l->text - strlen(l->text) - 1);
    }
  }
  return out;
}

START_TEST(example_grid_and_kinsoku) {
  env e;
  ep_report *r;
  ep_diags d;
  ep_dlist *dl = lay_out_example(&e, &r, &d);
  ck_assert_uint_ge(dl->npages, 10);
  size_t n;
  rline *L = collect_lines(dl, &n);
  double left = e.st->left, right = e.st->left + e.st->body_w;
  double top = e.st->page_h - e.st->top;
  size_t full = 0;
  for (size_t i = 0; i < n; i++) {
    // every line inside the measure (an opening bracket may hang half an em left)
    ck_assert_msg(L[i].x0 >= left - 8.01, "line starts left of the measure: %s", L[i].text);
    ck_assert_msg(L[i].x1 <= right + 0.01, "line passes the measure: %s", L[i].text);
    // on the grid: baselines at (k + 1) pitches below the top, corrected to the cell centre
    double k = (top - L[i].y + (e.st->pitch - 16) / 2 + 0.12 * 16) / e.st->pitch;
    ck_assert_msg(fabs(k - round(k)) < 0.01 && round(k) >= 1 && round(k) <= 22, "off-grid baseline %.2f", L[i].y);
    ck_assert_msg(!ep_lb_is_no_start(L[i].first), "line starts with a closing mark: %s", L[i].text);
    ck_assert_msg(!ep_lb_is_no_end(L[i].last), "line ends with an opening mark: %s", L[i].text);
    if (fabs(L[i].x0 - left) < 0.01 && fabs(L[i].x1 - right) < 0.5) {
      full++;
      // a full line of plain Chinese text holds 28 characters
      // (only ideographs: punctuation may be compressed to take one more character)
      size_t chars = 0;
      bool plain = true;
      const char *t = L[i].text;
      size_t len = strlen(t);
      for (size_t q = 0; q < len;) {
        uint32_t cp;
        size_t l = ep_utf8_decode((const unsigned char *)t + q, len - q, &cp);
        if (!l)
          break;
        chars++;
        if (!(cp >= 0x4E00 && cp <= 0x9FFF))
          plain = false;
        q += l;
      }
      if (plain)
        ck_assert_msg(chars == 28, "full line of %zu ideographs: %s", chars, L[i].text);
    }
  }
  ck_assert_uint_ge(full, 100);
  free(L);
  done(&e, r, &d, dl);
}
END_TEST

START_TEST(offsets_kept_only_off_the_pen) {
  // A text run keeps its glyph offsets only when some glyph is off its
  // natural pen position; the example has both kinds (justified lines and
  // headings, short last lines and table cells).
  env e;
  ep_report *r;
  ep_diags d;
  ep_dlist *dl = lay_out_example(&e, &r, &d);
  size_t kept = 0, dropped = 0;
  ep_glyphs g = {0};
  for (size_t p = 0; p < dl->npages; p++)
    for (size_t k = 0; k < dl->pages[p].n; k++) {
      const ep_box *b = &dl->pages[p].boxes[k];
      if (b->kind != EP_BOX_TEXT)
        continue;
      ck_assert_uint_eq(ep_glyphs_load(&g, b, b->face), b->n);
      if (!b->dx) {
        dropped++;
        continue;
      }
      kept++;
      double pen = 0;
      bool off = false;
      for (size_t i = 0; i < b->n; i++) {
        off = off || b->dx[i] != pen || signbit(b->dx[i]) != signbit(pen);
        pen += ep_natural_advance(b->face, g.cp[i], b->size);
      }
      ck_assert_msg(off, "page %zu: \"%s\" keeps offsets that are its pen positions", p + 1, b->text);
    }
  ep_glyphs_free(&g);
  ck_assert_uint_gt(kept, 100);
  ck_assert_uint_gt(dropped, 100);
  done(&e, r, &d, dl);
}
END_TEST

// 'lcg()' - A small deterministic pseudo-random sequence (*S the state).
static uint32_t lcg(uint32_t *s) {
  *s = *s * 1664525u + 1013904223u;
  return *s >> 8;
}

START_TEST(emitted_runs_sit_exactly_where_the_layout_put_them) {
  // Whether a run keeps its offsets or not, the positions the PDF writer
  // reads back (ep_glyphs_load: dx, or the natural pen) are bit for bit the
  // layout's own (x[i] + off[i] - x[s] - off[s]): lines of natural steps from
  // random starts, with random glyphs moved by as little as 1e-9 pt, some
  // by an opening quote's cell offset, across a face change.
  env e;
  env_open(&e);
  ep_face *body = ep_layout_body_face(e.st);
  ep_face *latin = ep_role_face(e.st->ts[EP_TS_BODY].latin, 0);
  ck_assert_ptr_nonnull(body);
  ck_assert_ptr_nonnull(latin);
  static const uint32_t text[] = {0x4E2D, 0x56FD, 0x3001, 0x201C, 0x8D44, 0x91D1, 0x201D, 0xFF0C, 0x9879, 0x76EE,
                                  '2',    '0',    '2',    '2',    0x5E74, 0x3002, 0x6267, 0x884C, 0x7387, 0xFF05};
  const size_t n = sizeof text / sizeof *text;
  uint32_t seed = 12345;
  size_t kept = 0, dropped = 0;
  ep_glyphs g = {0};
  for (int round = 0; round < 400; round++) {
    inl L;
    memset(&L, 0, sizeof L);
    L.dl = ep_dlist_new();
    atoms at;
    memset(&at, 0, sizeof at);
    double x[sizeof text / sizeof *text], pen = (double)(lcg(&seed) % 40000) / 97.0;
    for (size_t k = 0; k < n; k++) {
      bool lat = text[k] < 0x80;
      atom_style st = {NULL, lat ? latin : body, 16, false, false, 0, "t.xml", 1, 0};
      if (text[k] == 0x201C && round % 3 == 0)
        st.off = 8.3; // an opening quote set against its cell's right edge
      uint32_t cp = ep_drawn_cp(text[k]);
      double adv = ep_natural_advance(st.face, cp, st.size);
      lay_push_atom(&at, text[k], adv, 16, 0, &st);
      x[k] = pen;
      uint32_t r = lcg(&seed) % 16;
      if (r == 0)
        x[k] += 1e-9;
      else if (r == 1)
        x[k] -= 0.25;
      pen += adv;
    }
    lay_emit_runs(&L, &at, x, 0, n, 0);
    ck_assert_uint_ge(L.nprotos, 2);
    size_t i = 0;
    for (size_t b = 0; b < L.nprotos; b++) {
      const ep_box *box = &L.protos[b];
      if (box->kind != EP_BOX_TEXT)
        continue;
      ck_assert_uint_eq(ep_glyphs_load(&g, box, box->face), box->n);
      for (size_t k = 0; k < box->n; k++) {
        double want = x[i + k] + at.s[i + k].off - x[i] - at.s[i].off;
        ck_assert_msg(g.x[k] == want && signbit(g.x[k]) == signbit(want),
                      "round %d box %zu glyph %zu at %.17g, the layout put it at %.17g (%s)", round, b, k, g.x[k],
                      want, box->dx ? "offsets kept" : "no offsets");
      }
      box->dx ? kept++ : dropped++;
      i += box->n;
    }
    ck_assert_uint_eq(i, n);
    free(L.protos);
    free(at.a);
    free(at.s);
    ep_dlist_free(L.dl);
  }
  ck_assert_uint_gt(kept, 50);
  ck_assert_uint_gt(dropped, 50);
  ep_glyphs_free(&g);
  env_close(&e);
}
END_TEST

START_TEST(plain_lines_hold_28) {
  env e;
  env_open(&e);
  char xml[16384] = "<report><meta><title>T</title></meta><body><p>";
  for (int i = 0; i < 20; i++)
    strcat(xml, "绩效评价报告资金管理项目实施");
  strcat(xml, "</p></body></report>");
  ep_report *r = load_text(xml);
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  size_t n;
  rline *L = collect_lines(dl, &n);
  int checked = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(L[i].text) / 3; // all three-byte ideographs
    if (strstr(L[i].text, "绩效评价") == NULL && strstr(L[i].text, "资金") == NULL)
      continue;
    if (checked == 0)
      ck_assert_uint_eq(len, 26); // first line: two characters of indent
    else if (i + 1 < n && L[i + 1].page == L[i].page)
      ck_assert_uint_eq(len, 28);
    checked++;
  }
  ck_assert_int_ge(checked, 5);
  free(L);
  done(&e, r, &d, dl);
}
END_TEST

START_TEST(heading_never_last_on_page) {
  env e;
  env_open(&e);
  // 21 one-line paragraphs push the heading to the last row of page 1
  char xml[16384] = "<report><meta><title>标题</title></meta><body>";
  for (int i = 0; i < 18; i++)
    strcat(xml, "<p>一行文字。</p>");
  strcat(xml, "<section title=\"不应孤立在页末的标题\"><p>正文第一段，足够长的一段文字需要占据两行以上的位置，这样才能检验标题与正文是否在同一页上出现，不被分开。</p></section></body></report>");
  ep_report *r = load_text(xml);
  ck_assert_uint_eq(r->diags.errors, 0);
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  // find the heading's page and check the paragraph's first line is on it
  int hp = -1, pp = -1;
  for (size_t p = 0; p < dl->npages; p++)
    for (size_t k = 0; k < dl->pages[p].n; k++) {
      const ep_box *b = &dl->pages[p].boxes[k];
      if (b->kind != EP_BOX_TEXT)
        continue;
      if (strstr(b->text, "不应孤立") && hp < 0)
        hp = (int)p;
      if (strstr(b->text, "正文第一段") && pp < 0)
        pp = (int)p;
    }
  ck_assert_int_ge(hp, 0);
  ck_assert_int_eq(hp, pp);
  done(&e, r, &d, dl);
}
END_TEST

START_TEST(missing_glyph_warns_with_line) {
  env e;
  env_open(&e);
  ep_report *r = load_text("<report><meta><title>T</title></meta>\n<body>\n<p>甲\n乙\xf0\x9f\x98\x80</p></body></report>");
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  bool found = false;
  for (size_t i = 0; i < d.count; i++)
    if (!strcmp(d.items[i].code, "missing-glyph") && d.items[i].line == 4 && strstr(d.items[i].message, "U+1F600"))
      found = true;
  ck_assert(found);
  done(&e, r, &d, dl);
}
END_TEST

// A glyph missing from <meta>'s issuer is reported at the <issuer> line on
// every layout, wherever the issuer prints (under the title, in the 落款,
// on a cover); it was the <meta> or the <signature> line.
START_TEST(missing_glyph_in_meta_warns_at_its_element) {
  static const char *const layouts[] = {EVALPDF_TEST_SOURCE_DIR "/layouts/official.xml",
                                        EVALPDF_TEST_SOURCE_DIR "/layouts/compact.xml"};
  static const char *const bodies[] = {"<p>正文。</p>", "<p>正文。</p><signature text=\"特此报告。\"/>"};
  for (size_t li = 0; li < 2; li++)
    for (size_t bi = 0; bi < 2; bi++) {
      env e;
      env_open_layout(&e, layouts[li]);
      char xml[512];
      snprintf(xml, sizeof xml,
               "<report>\n<meta>\n<title>T\xf0\x9f\x98\x81</title>\n<issuer>省\xf0\x9f\x98\x80中心</issuer>\n"
               "<date>2023-04-10</date>\n</meta>\n<body>\n<section title=\"一\">%s</section></body></report>",
               bodies[bi]);
      ep_report *r = load_text(xml);
      ep_diags d;
      ep_dlist *dl = lay_out(&e, r, &d);
      size_t issuer = 0, title = 0, other = 0;
      for (size_t i = 0; i < d.count; i++) {
        if (strcmp(d.items[i].code, "missing-glyph"))
          continue;
        if (strstr(d.items[i].message, "U+1F600"))
          d.items[i].line == 4 ? issuer++ : other++;
        else if (strstr(d.items[i].message, "U+1F601"))
          d.items[i].line == 3 ? title++ : other++;
      }
      ck_assert_msg(issuer >= 1 && title >= 1 && other == 0, "layout %zu body %zu: issuer %zu title %zu elsewhere %zu",
                    li, bi, issuer, title, other);
      done(&e, r, &d, dl);
    }
}
END_TEST

START_TEST(page_numbers_odd_right_even_left) {
  env e;
  env_open(&e);
  char xml[65536] = "<report><meta><title>T</title></meta><body>";
  for (int i = 0; i < 60; i++)
    strcat(xml, "<p>一段文字。</p>");
  strcat(xml, "</body></report>");
  ep_report *r = load_text(xml);
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  ck_assert_uint_ge(dl->npages, 2);
  double right = e.st->left + e.st->body_w, em = 16;
  for (size_t p = 0; p < 2; p++) {
    const ep_box *first = NULL, *num = NULL; // "— N —" may be several runs (a Latin face for N)
    for (size_t k = 0; k < dl->pages[p].n; k++)
      if (dl->pages[p].boxes[k].kind == EP_BOX_TEXT && dl->pages[p].boxes[k].size == 14.0) {
        num = &dl->pages[p].boxes[k];
        first = first ? first : num;
      }
    ck_assert_ptr_nonnull(num);
    if (p == 0)
      ck_assert(fabs(num->x + num->w - (right - em)) < 0.01);
    else
      ck_assert(fabs(first->x - (e.st->left + em)) < 0.01);
    ck_assert_int_eq(dl->pages[p].number, (int)p + 1);
  }
  done(&e, r, &d, dl);
}
END_TEST



// Default-ignorable characters (zero-width space and joiner, soft hyphen,
// a variation selector, bidirectional controls, a byte-order mark) are never
// drawn and never warned about; a line separator is a space.
START_TEST(invisible_characters_are_not_drawn) {
  env e;
  env_open(&e);
  ep_report *r = load_text("<report><meta><title>T</title></meta><body><p>零宽\xE2\x80\x8B空格"
                           "\xE2\x80\x8D连接\xC2\xAD软连字\xEF\xB8\x8F变体\xE2\x80\xAE反向\xE2\x80\xAC"
                           "\xEF\xBB\xBF标记\xE2\x80\xA8分隔</p></body></report>");
  ck_assert_uint_eq(r->diags.errors, 0);
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  for (size_t i = 0; i < d.count; i++)
    ck_assert_msg(strcmp(d.items[i].code, "missing-glyph"), "warned: %s", d.items[i].message);
  static char t[65536];
  page_text(dl, 0, t, sizeof t);
  static const char *const never[] = {"\xE2\x80\x8B", "\xE2\x80\x8D", "\xC2\xAD", "\xEF\xB8\x8F",
                                      "\xE2\x80\xAE", "\xE2\x80\xAC", "\xEF\xBB\xBF", "\xE2\x80\xA8"};
  for (size_t i = 0; i < sizeof never / sizeof *never; i++)
    ck_assert_msg(!strstr(t, never[i]), "an invisible character (entry %zu) was drawn", i);
  ck_assert_msg(strstr(t, "零宽空格连接软连字变体反向标记"), "the visible text changed: %s", t);
  check_boxes(&e, dl);
  done(&e, r, &d, dl);
}
END_TEST

// A zero-width space is not drawn but lets a long Latin word (a path, an
// identifier) break there: no overfull line, and every line of the word
// ends where one stood.
START_TEST(zero_width_space_breaks_a_long_word) {
  static char xml[8192], word[4096];
  char *w = word;
  for (int k = 0; k < 12; k++)
    w += sprintf(w, "%sSegmentNumber%02dOfALongIdentifier", k ? "\xE2\x80\x8B" : "", k);
  snprintf(xml, sizeof xml, "<report><meta><title>T</title></meta><body><p>系统标识%s说明</p></body></report>", word);
  for (int with = 1; with >= 0; with--) {
    env e;
    env_open(&e);
    if (!with) { // the same word without its zero-width spaces
      char *p;
      while ((p = strstr(xml, "\xE2\x80\x8B")))
        memmove(p, p + 3, strlen(p + 3) + 1);
    }
    ep_report *r = load_text(xml);
    ck_assert_uint_eq(r->diags.errors, 0);
    ep_diags d;
    ep_dlist *dl = lay_out(&e, r, &d);
    bool overfull = false;
    for (size_t i = 0; i < d.count; i++)
      overfull |= !strcmp(d.items[i].code, "overfull-line");
    ck_assert_msg(overfull == !with, with ? "the zero-width spaces gave no break" : "no overfull line without them");
    static char t[65536];
    page_text(dl, 0, t, sizeof t);
    ck_assert(!strstr(t, "\xE2\x80\x8B"));
    if (with) {
      size_t n;
      rline *L = collect_lines(dl, &n);
      size_t broken = 0;
      for (size_t i = 0; i + 1 < n; i++) { // a line ending inside the word ends a segment
        size_t len = strlen(L[i].text);
        if (len > 20 && strstr(L[i].text, "Segment")) {
          broken++;
          ck_assert_msg(len >= 10 && !strcmp(L[i].text + len - 10, "Identifier"), "line ends: %s", L[i].text);
        }
      }
      ck_assert_uint_ge(broken, 1);
      free(L);
    }
    check_boxes(&e, dl);
    done(&e, r, &d, dl);
  }
}
END_TEST

START_TEST(too_many_pages_is_an_error_at_the_block) {
  env e;
  env_open(&e);
  size_t cap = 1 << 20;
  char *xml = malloc(cap);
  strcpy(xml, "<report><meta><title>T</title></meta><body>\n");
  size_t len = strlen(xml);
  for (int i = 0; i < 10010; i++)
    len += (size_t)snprintf(xml + len, cap - len, "<pagebreak/><p>正文。</p>\n");
  strcat(xml, "</body></report>");
  ep_report *r = load_text(xml);
  free(xml);
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  bool found = false;
  for (size_t i = 0; i < d.count; i++)
    found |= d.items[i].severity == EP_ERROR && !strcmp(d.items[i].code, "too-many-pages") && d.items[i].line > 10000;
  ck_assert(found);
  ck_assert_uint_le(dl->npages, 10000);
  done(&e, r, &d, dl);
}
END_TEST

// One glyph of a laid-out page, for the ink checks.
typedef struct glyph {
  double x, y, size;
  uint32_t cp;
  ep_face *face;
} glyph;

// 'glyph_cmp()' - Order glyphs by baseline (top first), then by x.
static int glyph_cmp(const void *a, const void *b) {
  const glyph *p = a, *q = b;
  if (fabs(p->y - q->y) > 0.01)
    return p->y > q->y ? -1 : 1;
  return (p->x > q->x) - (p->x < q->x);
}

// 'min_mark_white()' - The least white (in em) between a punctuation mark's ink
// and its neighbour's ink on any line of DL, over all body-size glyphs; *PAIRS
// counts the pairs measured and WHERE gets the worst pair as text.
static double min_mark_white(const ep_dlist *dl, size_t *pairs, char *where, size_t wcap) {
  static const uint32_t close_marks[] = {0x3001, 0xFF0C, 0x3002, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01,
                                         0xFF09, 0x300B, 0x300D, 0x201D, 0x2019};
  static const uint32_t open_marks[] = {0xFF08, 0x300A, 0x300C, 0x201C, 0x2018};
  double worst = 1e9;
  *pairs = 0;
  for (size_t p = 0; p < dl->npages; p++) {
    const ep_page *pg = &dl->pages[p];
    size_t n = 0, cap = 256;
    glyph *g = malloc(cap * sizeof *g);
    ep_glyphs gl = {0};
    for (size_t k = 0; k < pg->n; k++) {
      const ep_box *b = &pg->boxes[k];
      if (b->kind != EP_BOX_TEXT)
        continue;
      ck_assert_uint_eq(ep_glyphs_load(&gl, b, b->face), b->n);
      for (size_t i = 0; i < b->n; i++) {
        if (n == cap)
          g = realloc(g, (cap *= 2) * sizeof *g);
        g[n++] = (glyph){b->x + gl.x[i], b->y, b->size, gl.cp[i], b->face};
      }
    }
    qsort(g, n, sizeof *g, glyph_cmp);
    for (size_t i = 0; i + 1 < n; i++) {
      const glyph *a = &g[i], *b = &g[i + 1];
      if (fabs(a->y - b->y) > 0.01 || a->size != b->size)
        continue;
      bool mark = false;
      for (size_t k = 0; k < sizeof close_marks / sizeof close_marks[0]; k++)
        mark = mark || a->cp == close_marks[k];
      for (size_t k = 0; k < sizeof open_marks / sizeof open_marks[0]; k++)
        mark = mark || b->cp == open_marks[k];
      int al, ar, bl, br;
      if (!mark || !ep_face_ink(a->face, a->cp, &al, &ar) || !ep_face_ink(b->face, b->cp, &bl, &br))
        continue;
      double white = ((b->x + bl * b->size / 1000.0) - (a->x + ar * a->size / 1000.0)) / a->size;
      (*pairs)++;
      if (white < worst) {
        worst = white;
        char u1[8] = {0}, u2[8] = {0};
        ep_utf8_encode(a->cp, u1);
        ep_utf8_encode(b->cp, u2);
        snprintf(where, wcap, "page %zu: %s%s %.3f em", p + 1, u1, u2, white);
      }
    }
    free(g);
    ep_glyphs_free(&gl);
  }
  return worst;
}

// Paragraphs dense with marks, so that lines squeeze and end on marks.
static const char *const mark_paras[] = {
    "保障对象、特困人员、农村低保人口、低收入人口，资金“到位率”（含《办法》规定）。包括：甲；乙；丙。",
    "“十四五”时期，《广东省社会救助条例》（2021年）规定：救助对象、救助标准、救助程序、监督管理。",
    "租赁、政务、服务、采购、宣传、培训、印刷、差旅、会议、维修，合计支出（含结转）约两千万元。",
    "截至年底，全省累计救助困难群众、残疾人、孤儿、事实无人抚养儿童，户次、人次、金额均创新高。",
};

START_TEST(punctuation_ink_on_every_debian_face) {
  static const char *const faces[] = {
      "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", "/usr/share/fonts/truetype/arphic/uming.ttc",
      "/usr/share/fonts/truetype/arphic/ukai.ttc", "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
      "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"};
  for (size_t f = 0; f < sizeof faces / sizeof faces[0]; f++) {
    ck_assert_msg(access(faces[f], R_OK) == 0, "%s is missing (the project's Debian fonts are required)", faces[f]);
    char layout[] = "/tmp/evalpdf-face-XXXXXX";
    int fd = mkstemp(layout);
    ck_assert_int_ge(fd, 0);
    FILE *o = fdopen(fd, "w");
    fprintf(o, "<layout name=\"face%zu\"><page width=\"210mm\" height=\"297mm\" top=\"37mm\" left=\"28mm\" "
               "body-width=\"156mm\" body-height=\"225mm\"/><grid chars=\"28\" lines=\"22\" pitch=\"28.95pt\"/><roles>",
            f);
    for (int r = 0; r < 5; r++)
      fprintf(o, "<role name=\"%s\"><face file=\"%s\"/></role>",
              (const char *[]){"fangsong", "song", "hei", "kai", "title"}[r], faces[f]);
    fprintf(o, "</roles><text element=\"title\" role=\"title\" size=\"22pt\" align=\"center\"/>"
               "<text element=\"body\" role=\"fangsong\" size=\"16pt\" indent=\"2em\"/>"
               "<page-number role=\"song\" size=\"14pt\" format=\"— N —\" below=\"7mm\" odd=\"right\" even=\"left\"/></layout>");
    fclose(o);
    env e;
    env_open_layout(&e, layout);
    unlink(layout);
    static char xml[1 << 16];
    strcpy(xml, "<report><meta><title>标点</title></meta><body>");
    for (int rep = 0; rep < 6; rep++)
      for (size_t k = 0; k < sizeof mark_paras / sizeof mark_paras[0]; k++) {
        strcat(xml, "<p>");
        for (int j = 0; j <= rep; j++)
          strcat(xml, mark_paras[(k + (size_t)j) % 4]);
        strcat(xml, "</p>");
      }
    strcat(xml, "</body></report>");
    ep_report *r = load_text(xml);
    ck_assert_uint_eq(r->diags.errors, 0);
    ep_diags d;
    ep_dlist *dl = lay_out(&e, r, &d);
    size_t pairs;
    char where[128] = "";
    double white = min_mark_white(dl, &pairs, where, sizeof where);
    ck_assert_uint_gt(pairs, 200);
    ck_assert_msg(white >= 0.08, "%s: punctuation ink too close to its neighbour (%s)", faces[f], where);
    done(&e, r, &d, dl);
  }
}
END_TEST

// The page numbers a report prints (目录, <ref page="yes">) take a second
// layout pass once the first has placed the sections, but a 目录 whose
// entries keep their lines is only set again in place (no pass); a report
// that prints none is laid out once.
START_TEST(second_pass_only_for_printed_page_numbers) {
  static const char *const bodies[] = {
      "<section title=\"一\"><p>正文。</p></section><section title=\"二\"><p>正文。</p></section>",
      "<toc/><section title=\"一\"><p>正文。</p></section><section title=\"二\"><p>正文。</p></section>",
      "<section title=\"一\" id=\"a\"><p>见<ref to=\"b\" page=\"yes\"/>。</p></section>"
      "<section title=\"二\" id=\"b\"><p>正文。</p></section>",
      "<section title=\"一\" id=\"a\"><p>见<ref to=\"b\"/>。</p></section>"
      "<section title=\"二\" id=\"b\"><p>正文。</p></section>"};
  static const int want[] = {1, 1, 2, 1};
  static const bool patched[] = {false, true, false, false};
  for (int i = 0; i < 4; i++) {
    char xml[1024];
    snprintf(xml, sizeof xml,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?><report><meta><title>测试</title></meta><body>%s</body></report>",
             bodies[i]);
    env e;
    env_open(&e);
    ep_report *r = load_text(xml);
    ck_assert_uint_eq(r->diags.count, 0);
    ep_diags d;
    ep_dlist *dl = lay_out(&e, r, &d);
    ck_assert_msg(dl->layout_passes == want[i], "body %d: %d passes", i, dl->layout_passes);
    ck_assert_msg(dl->toc_patched == patched[i], "body %d: 目录 patched %d", i, dl->toc_patched);
    done(&e, r, &d, dl);
  }
}
END_TEST

// 'toc_report()' - A report with a 目录 (depth DEPTH) before section TOC_AT
// of its N sections, made from SEED: titles of 2 to 34 characters (some with
// a bracketed year, so that some entries fill their line), each section one
// to four paragraphs and sometimes a subsection, so that page numbers reach
// two or three digits; META_REF: a meta field refers to the last section's
// page (heap string).
static char *toc_report(unsigned seed, int depth, int n, int toc_at, bool meta_ref) {
  static const char *const pool[] = {"的", "一", "是", "在", "不", "了", "有", "和", "人", "这", "中", "大",
                                     "为", "上", "国", "以", "要", "时", "来", "用", "们", "生", "到", "作",
                                     "地", "于", "出", "分", "对", "成", "会", "可", "能", "得", "后", "多",
                                     "年", "经", "发", "工", "同", "行", "部", "现", "所", "关", "理", "点",
                                     "方", "政", "第", "务", "社", "心", "救", "助", "资", "金", "项", "目"};
  const size_t npool = sizeof pool / sizeof *pool;
  unsigned long long x = seed * 2654435761ull + 1;
  ep_buf b;
  ep_buf_init(&b);
  ep_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><report><meta><title>目录%u</title>%s</meta><body>",
                seed, meta_ref ? "<field label=\"参见\">见<ref to=\"last\" page=\"yes\"/></field>" : "");
#define TOC_RND(m) ((x = x * 6364136223846793005ull + 1442695040888963407ull), (size_t)((x >> 33) % (m)))
  for (int i = 0; i < n; i++) {
    if (i == toc_at)
      ep_buf_printf(&b, "<toc depth=\"%d\"/>", depth);
    int open = 0;
    for (int level = 0; level < 2; level++, open++) {
      if (level == 1 && TOC_RND(2))
        break;
      ep_buf_puts(&b, level == 0 && i == n - 1 ? "<section id=\"last\" title=\"" : "<section title=\"");
      for (size_t k = 2 + TOC_RND(33); k > 0; k--)
        ep_buf_puts(&b, pool[TOC_RND(npool)]);
      if (TOC_RND(5) == 0)
        ep_buf_puts(&b, "（2022年度）");
      ep_buf_puts(&b, "\">");
      for (size_t p = 1 + TOC_RND(4); p > 0; p--) {
        ep_buf_puts(&b, "<p>");
        for (size_t k = 20 + TOC_RND(380); k > 0; k--)
          ep_buf_puts(&b, pool[TOC_RND(npool)]);
        ep_buf_puts(&b, "。</p>");
      }
    }
    while (open-- > 0)
      ep_buf_puts(&b, "</section>");
  }
#undef TOC_RND
  ep_buf_puts(&b, "</body></report>");
  char *xml = strdup(ep_buf_str(&b));
  ep_buf_free(&b);
  return xml;
}

// A 目录 patched with the pages the first pass found (toc_patch()) gives
// byte for byte the PDF, and the diagnostics, of a second full pass, on both
// shipped layouts (compact numbers pages from after the 目录): on the
// example and golden reports, and on reports made so that page numbers
// reach three digits and some entries fill their line (those change their
// lines when their numbers grow: a full pass then), with sections before
// the 目录 (numbered before the pass knew where numbering starts) and a
// meta field that prints a section's page. Both cases occur on each layout.
START_TEST(patched_toc_equals_a_full_pass) {
  for (int lo = 0; lo < 2; lo++) {
  env e;
  env_open_layout(&e, lo ? EVALPDF_TEST_SOURCE_DIR "/layouts/compact.xml"
                         : EVALPDF_TEST_SOURCE_DIR "/layouts/official.xml");
  int patched = 0, full = 0;
  for (int i = 0; i < 15; i++) {
    ep_report *r;
    if (i == 14) { // short titles (entries keep their lines), a meta field printing a page
      ep_buf b;
      ep_buf_init(&b);
      ep_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><report><meta><title>测试</title>"
                      "<field label=\"参见\">见<ref to=\"s7\" page=\"yes\"/></field></meta><body><toc/>");
      for (int k = 0; k < 9; k++) {
        ep_buf_printf(&b, "<section title=\"第%d部分\" id=\"s%d\"><p>", k, k);
        for (int c = 0; c < 700; c++)
          ep_buf_puts(&b, c % 37 == 36 ? "。" : "工作");
        ep_buf_puts(&b, "</p></section>");
      }
      ep_buf_puts(&b, "</body></report>");
      r = load_text(ep_buf_str(&b));
      ep_buf_free(&b);
    } else if (i < 3) {
      static const char *const files[] = {"/examples/guangdong-2022-jiuzhu.xml", "/tests/golden/county-008.xml",
                                          "/tests/golden/full.xml"};
      char path[1024];
      snprintf(path, sizeof path, "%s%s", EVALPDF_TEST_SOURCE_DIR, files[i]);
      ep_load_options o = {NULL, EVALPDF_TEST_SOURCE_DIR, NULL, NULL};
      r = ep_report_load(path, &o);
    } else {
      int n = i % 2 ? 30 : 90;
      char *xml = toc_report((unsigned)i, 1 + i % 3, n, i < 10 ? 0 : i < 12 ? 3 : n / 2, i == 13);
      r = load_text(xml);
      free(xml);
    }
    ck_assert_ptr_nonnull(r);
    ck_assert_msg(r->diags.errors == 0, "report %d: %zu errors", i, r->diags.errors);
    ep_diags d1, d2;
    ep_diags_init(&d1);
    ep_diags_init(&d2);
    ep_dlist *a = ep_layout_report(r, e.st, &d1);
    ep_dlist *b = ep_layout_report_full_passes(r, e.st, &d2);
    ck_assert(!b->toc_patched);
    patched += a->toc_patched;
    full += !a->toc_patched && a->layout_passes > 1;
    ck_assert_int_eq(a->npages, b->npages);
    ck_assert_uint_eq(d1.count, d2.count);
    for (size_t k = 0; k < d1.count; k++)
      ck_assert_str_eq(d1.items[k].message, d2.items[k].message);
    unsigned char *pa = NULL, *pb = NULL;
    size_t la = 0, lb = 0;
    ck_assert_int_eq(ep_pdf_write_memory(a, &pa, &la, &d1), 0);
    ck_assert_int_eq(ep_pdf_write_memory(b, &pb, &lb, &d2), 0);
    ck_assert_msg(la == lb && memcmp(pa, pb, la) == 0, "layout %d report %d (patched %d): the PDFs differ", lo, i,
                  a->toc_patched);
    free(pa);
    free(pb);
    ep_dlist_free(a);
    ep_dlist_free(b);
    ep_diags_free(&d1);
    ep_diags_free(&d2);
    ep_report_free(r);
  }
  ck_assert_int_ge(patched, 3);
  ck_assert_int_ge(full, 1);
  env_close(&e);
  }
}
END_TEST

// 'toc_line_text()' - The text of the boxes on the 目录 page of DL at the
// baseline of the first box after the 目录's title whose text contains
// NEEDLE, concatenated in order (into BUF); false when there is no such box.
static bool toc_line_text(const ep_dlist *dl, const char *needle, char *buf, size_t size) {
  buf[0] = 0;
  for (size_t pi = 0; pi < dl->npages; pi++) {
    const ep_page *p = &dl->pages[pi];
    size_t from = p->n; // the boxes after the 目录's title
    for (size_t k = 0; k < p->n && from == p->n; k++)
      if (p->boxes[k].kind == EP_BOX_TEXT && p->boxes[k].text && !strcmp(p->boxes[k].text, "目录"))
        from = k + 1;
    for (size_t k = from; k < p->n; k++) {
      const ep_box *b = &p->boxes[k];
      if (b->kind != EP_BOX_TEXT || !b->text || !strstr(b->text, needle))
        continue;
      for (size_t j = 0; j < p->n; j++)
        if (p->boxes[j].kind == EP_BOX_TEXT && p->boxes[j].text && fabs(p->boxes[j].y - b->y) < 0.01 &&
            strlen(buf) + strlen(p->boxes[j].text) + 1 < size)
          strcat(buf, p->boxes[j].text);
      return true;
    }
  }
  return false;
}

// 'preface_then_toc()' - Start B with a report whose body opens with a
// 前言 section (ATTRS added to its tag) a page long, then the 目录: with the
// compact layout the page numbers start after it.
static void preface_then_toc(ep_buf *b, const char *attrs) {
  ep_buf_init(b);
  ep_buf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><report><meta><title>测试</title></meta><body>"
                   "<section title=\"前言\"%s><p>", attrs);
  for (int c = 0; c < 300; c++)
    ep_buf_puts(b, "前言");
  ep_buf_puts(b, "</p></section><toc/>");
}

// 'long_text_then_close()' - Append to B 1,800 characters of body text,
// then end the paragraph and its section.
static void long_text_then_close(ep_buf *b) {
  for (int c = 0; c < 900; c++)
    ep_buf_puts(b, "正文");
  ep_buf_puts(b, "</p></section>");
}

// 'close_and_lay_out()' - End the report in B (freed), load it (no errors)
// into *R and lay it out with E's layout, diagnostics in D.
static ep_dlist *close_and_lay_out(env *e, ep_buf *b, ep_report **r, ep_diags *d) {
  ep_buf_puts(b, "</body></report>");
  *r = load_text(ep_buf_str(b));
  ep_buf_free(b);
  ck_assert_uint_eq((*r)->diags.errors, 0);
  return lay_out(e, *r, d);
}

// A 目录 entry whose section sits on a page without a number (before the
// numbering starts: a 前言 before the 目录 in the compact layout, which
// numbers pages from after the 目录) has neither leaders nor a number (it
// had 0 or -1); the sections after it count from 1.
START_TEST(toc_entry_on_an_unnumbered_page_has_no_number) {
  env e;
  env_open_layout(&e, EVALPDF_TEST_SOURCE_DIR "/layouts/compact.xml");
  ep_buf b;
  preface_then_toc(&b, "");
  static const char *const names[] = {"正文甲", "正文乙", "正文丙"};
  for (int k = 0; k < 3; k++) {
    ep_buf_printf(&b, "<section title=\"%s\"><p>", names[k]);
    long_text_then_close(&b);
  }
  ep_report *r;
  ep_diags d;
  ep_dlist *dl = close_and_lay_out(&e, &b, &r, &d);
  char line[4096];
  ck_assert(toc_line_text(dl, "前言", line, sizeof line));
  ck_assert_msg(!strchr(line, '.') && !strpbrk(line, "0123456789-"), "the 前言 entry: \"%s\"", line);
  ck_assert(toc_line_text(dl, "正文甲", line, sizeof line));
  ck_assert_msg(strstr(line, "...") && line[strlen(line) - 1] == '1', "the 正文甲 entry: \"%s\"", line);
  done(&e, r, &d, dl);
}
END_TEST

// A <ref page="yes"> to a section on a page before the page numbering
// starts prints the section's number without a page (it has none: no 第0页
// or 第-1页) and warns at the ref's line; one to a numbered page prints it.
START_TEST(ref_to_an_unnumbered_page_prints_no_page) {
  env e;
  env_open_layout(&e, EVALPDF_TEST_SOURCE_DIR "/layouts/compact.xml");
  ep_buf b;
  preface_then_toc(&b, " id=\"qy\"");
  ep_buf_puts(&b, "\n<section title=\"正文甲\" id=\"zw\"><p>见<ref to=\"qy\" page=\"yes\"/>"
                  "与<ref to=\"zw\" page=\"yes\"/>。");
  long_text_then_close(&b);
  ep_report *r;
  ep_diags d;
  ep_dlist *dl = close_and_lay_out(&e, &b, &r, &d);
  char t[65536];
  bool seen = false;
  for (size_t p = 0; p < dl->npages && !seen; p++) {
    page_text(dl, p, t, sizeof t);
    char *at = strstr(t, "见一");
    if (!at)
      continue;
    seen = true;
    ck_assert_msg(!strncmp(at, "见一与二第1页。", strlen("见一与二第1页。")), "the refs print: \"%.60s\"", at);
  }
  ck_assert(seen);
  ck_assert(has_diag(&d, "ref-page-unnumbered", 2));
  ck_assert_uint_eq(d.count, 1);
  done(&e, r, &d, dl);
}
END_TEST

// 'dlist_text()' - DL's dump, its bookmarks and D's diagnostics as one
// text (heap string); DL and D are freed.
static char *dlist_text(ep_dlist *dl, ep_diags *d) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  ck_assert_ptr_nonnull(f);
  ep_dlist_dump(dl, f);
  for (size_t i = 0; i < dl->noutline; i++)
    fprintf(f, "outline %d %s page %d y %.2f\n", dl->outline[i].level, dl->outline[i].title, dl->outline[i].page,
            dl->outline[i].y);
  for (size_t i = 0; i < d->count; i++)
    fprintf(f, "diag %s:%lu %s\n", d->items[i].file ? d->items[i].file : "-", d->items[i].line,
            d->items[i].message);
  fclose(f);
  ep_dlist_free(dl);
  ep_diags_free(d);
  return buf;
}

// 'dump_of()' - The layout text (dlist_text()) of R laid out with the
// pagination CHUNK line items behind, and its diagnostics' count in *NDIAGS.
static char *dump_of(env *e, const ep_report *r, size_t chunk, size_t *ndiags) {
  ep_diags d;
  ep_diags_init(&d);
  ep_dlist *dl = ep_layout_report_chunked(r, e->st, &d, chunk);
  *ndiags = d.count;
  return dlist_text(dl, &d);
}

// Reports the whole-layout tests compare: the example, golden reports with
// tables across pages, landscape pages, charts and a 目录; NULL: the test's own.
static const char *const compared_reports[] = {EVALPDF_TEST_SOURCE_DIR "/examples/guangdong-2022-jiuzhu.xml",
                                                EVALPDF_TEST_SOURCE_DIR "/tests/golden/tables.xml",
                                                EVALPDF_TEST_SOURCE_DIR "/tests/golden/full.xml",
                                                EVALPDF_TEST_SOURCE_DIR "/tests/golden/county-008.xml", NULL};

// 'compared_report()' - Report FI of compared_reports[], loaded (free it
// unless it is MADE), or MADE for the NULL entry.
static ep_report *compared_report(int fi, ep_report *made) {
  if (!compared_reports[fi])
    return made;
  ep_load_options o = {NULL, EVALPDF_TEST_SOURCE_DIR, NULL, NULL};
  ep_report *r = ep_report_load(compared_reports[fi], &o);
  ck_assert_ptr_nonnull(r);
  return r;
}

// Pagination placing lines while the layout goes on (dropping what it placed)
// gives the same pages, bookmarks and diagnostics as placing every line at
// the end, whatever the distance: for the example, the golden reports
// (tables across pages, landscape pages, charts, a 目录) and a report made for
// it (kept headings in runs, multi-line paragraphs, page breaks, tables).
START_TEST(pagination_behind_the_layout_gives_the_same_pages) {
  env e;
  env_open(&e);
  ep_buf x;
  ep_buf_init(&x);
  ep_buf_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><report><meta><title>分页测试</title></meta><body><toc/>");
  for (int i = 0; i < 120; i++) {
    ep_buf_printf(&x, "<section title=\"第%d部分\" id=\"s%d\">", i + 1, i);
    if (i % 7 == 3)
      ep_buf_printf(&x, "<section title=\"细项%d\"><section title=\"再细%d\"><p>短。</p></section></section>", i, i);
    if (i % 5 == 2) // kept headings of several lines with nothing after them yet when their block ends
      ep_buf_printf(&x, "<section title=\"关于第%d部分项目资金使用管理情况及绩效目标完成情况的专项说明和分析评价意见\">"
                        "<section title=\"第%d部分下属项目资金使用管理情况及绩效目标完成情况的具体说明\"/></section>", i, i);
    for (int k = 0; k < i % 4; k++)
      ep_buf_puts(&x, "<p>本项目资金主要用于支持产业发展和民生保障，评价结论为良好，执行率较上年提高三个百分点，"
                      "存在问题已逐项整改，改进措施已落实到位。见<ref to=\"s0\" page=\"yes\"/>。</p>");
    if (i % 11 == 5)
      ep_buf_puts(&x, "<table caption=\"表\"><thead><tr><th>编号</th><th>说明</th></tr></thead>"
                      "<tr><td>1</td><td>甲</td></tr><tr><td>2</td><td>乙</td></tr><tr><td>3</td><td>丙</td></tr></table>");
    if (i % 29 == 13)
      ep_buf_puts(&x, "<pagebreak/>");
    ep_buf_puts(&x, "</section>");
  }
  ep_buf_puts(&x, "</body></report>");
  ep_report *made = load_text(ep_buf_str(&x));
  ep_buf_free(&x);
  ck_assert_uint_eq(made->diags.count, 0);
  const char *const *files = compared_reports;
  for (int fi = 0; fi < 5; fi++) {
    ep_report *r = compared_report(fi, made);
    size_t nref = 0;
    char *ref = dump_of(&e, r, SIZE_MAX, &nref);
    ck_assert_ptr_nonnull(strstr(ref, "page 2 "));
    const size_t chunks[] = {2, 3, 7, 64, 4096};
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
      size_t n = 0;
      char *got = dump_of(&e, r, chunks[c], &n);
      ck_assert_msg(!strcmp(got, ref), "%s: chunk %zu lays out differently", files[fi] ? files[fi] : "made", chunks[c]);
      ck_assert_uint_eq(n, nref);
      free(got);
    }
    free(ref);
    if (r != made)
      ep_report_free(r);
  }
  ep_report_free(made);
  env_close(&e);
}
END_TEST

// A parallel runner for the test: jobs claimed from an atomic counter by a
// thread of its own and the caller (REVERSE: handed out last first), the
// shape of ep_programs_parallel() without a font helper. With STREAM its
// thread also claims the jobs of an open set as they are made ready (the
// shape of ep_programs_par_open()); REFUSE: no open set is accepted.
typedef struct test_par {
  void (*job)(void *, size_t);
  void *arg;
  size_t n;
  atomic_size_t next;
  bool reverse;
  size_t calls, jobs;
  bool stream, refuse;
  atomic_size_t ready; // an open set's jobs made ready so far
  atomic_bool open;
  atomic_size_t taken; // jobs of open sets its thread ran
  pthread_t th;
  bool th_on;
  size_t opens, streamed;
} test_par;

// 'test_par_claim()' - Run jobs until none is left.
static void test_par_claim(test_par *t) {
  for (size_t k; (k = atomic_fetch_add(&t->next, 1)) < t->n;)
    t->job(t->arg, t->reverse ? t->n - 1 - k : k);
}

// 'test_par_main()' - The runner's thread.
static void *test_par_main(void *arg) {
  test_par_claim(arg);
  return NULL;
}

// 'test_par_run()' - ep_layout_par.run of a test_par (USER).
static void test_par_run(void *user, size_t n, void (*job)(void *, size_t), void *arg) {
  test_par *t = user;
  t->job = job;
  t->arg = arg;
  t->n = n;
  atomic_store(&t->next, 0);
  t->calls++;
  t->jobs += n;
  pthread_t th;
  bool on = pthread_create(&th, NULL, test_par_main, t) == 0;
  test_par_claim(t);
  if (on)
    pthread_join(th, NULL);
}

// 'test_stream_main()' - The runner's thread for an open set: claim each job
// once it is ready, until the set is closed.
static void *test_stream_main(void *arg) {
  test_par *t = arg;
  for (;;) {
    size_t k = atomic_load(&t->next);
    if (k < atomic_load(&t->ready)) {
      if (atomic_compare_exchange_weak(&t->next, &k, k + 1)) {
        t->job(t->arg, k);
        atomic_fetch_add(&t->taken, 1);
      }
      continue;
    }
    if (!atomic_load(&t->open))
      return NULL;
    sched_yield();
  }
}

// 'test_par_open()', 'test_par_ready()', 'test_par_close()' - ep_layout_par's
// open set of a test_par (USER).
static bool test_par_open(void *user, void (*job)(void *, size_t), void *arg) {
  test_par *t = user;
  if (t->refuse)
    return false;
  t->job = job;
  t->arg = arg;
  atomic_store(&t->next, 0);
  atomic_store(&t->ready, 0);
  atomic_store(&t->open, true);
  t->opens++;
  t->th_on = pthread_create(&t->th, NULL, test_stream_main, t) == 0;
  return true;
}
static void test_par_ready(void *user, size_t n) { atomic_store(&((test_par *)user)->ready, n); }
static void test_par_close(void *user, size_t n) {
  test_par *t = user;
  atomic_store(&t->ready, n);
  atomic_store(&t->open, false);
  for (size_t k; (k = atomic_fetch_add(&t->next, 1)) < n;) // the ones nobody took, here
    t->job(t->arg, k);
  if (t->th_on)
    pthread_join(t->th, NULL);
  t->streamed += n;
}

// 'dump_par()' - The layout text (dlist_text()) of R with runner PAR (NULL: none).
static char *dump_par(env *e, const ep_report *r, const ep_layout_par *par) {
  ep_diags d;
  ep_diags_init(&d);
  ep_dlist *dl = ep_layout_report_par(r, e->st, &d, NULL, NULL, par);
  return dlist_text(dl, &d);
}

// Lists' items and runs of body paragraphs broken into lines at once, on two
// threads, in either order, or begun on the runner's thread one by one as
// their atoms are made (an open set; and with that refused), lay out exactly
// as one by one: the example, the golden reports and a report of long lists,
// paragraph runs, an overfull number, a missing glyph and page references
// (two passes).
START_TEST(paragraphs_broken_on_two_threads_lay_out_the_same) {
  env e;
  env_open(&e);
  ep_buf x;
  ep_buf_init(&x);
  ep_buf_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><report><meta><title>并行测试</title></meta><body><toc/>");
  for (int i = 0; i < 40; i++) {
    ep_buf_printf(&x, "<section title=\"第%d部分\" id=\"s%d\">", i + 1, i);
    for (int k = 0; k < 1 + i % 5; k++)
      ep_buf_printf(&x, "<p>第%d段：本项目资金主要用于支持产业发展和民生保障，评价结论为良好，执行率较上年提高%d个百分点，"
                        "存在问题已逐项整改。见<ref to=\"s%d\" page=\"yes\"/>。%s</p>",
                    k, i + k, (i * 7) % 40, k == 2 ? "1234567890123456789012345678901234567890123456789012345678901234567890" : "");
    if (i % 3 == 1) {
      ep_buf_puts(&x, "<list style=\"numbered\">");
      for (int k = 0; k < 2 + i % 6; k++)
        ep_buf_printf(&x, "<li>第%d项：资金到位率达到百分之百，项目按期完成%s，群众满意度%d%%。</li>", k,
                      k % 4 == 1 ? "，并形成长效管理机制，进一步提升了资金使用效益和公共服务水平" : "", 90 + k);
      ep_buf_puts(&x, "</list>");
    }
    if (i == 9)
      ep_buf_puts(&x, "<p>字库里没有的字：\xF0\x9F\x80\x80。</p><p></p><p>空段之后。</p>");
    ep_buf_puts(&x, "</section>");
  }
  ep_buf_puts(&x, "</body></report>");
  ep_report *made = load_text(ep_buf_str(&x));
  ep_buf_free(&x);
  ck_assert_ptr_nonnull(made);
  const char *const *files = compared_reports;
  size_t batched = 0;
  for (int fi = 0; fi < 5; fi++) {
    ep_report *r = compared_report(fi, made);
    char *ref = dump_par(&e, r, NULL);
    for (int mode = 0; mode < 4; mode++) { // in order, last first, open sets, open sets refused
      test_par t = {.reverse = mode == 1, .stream = mode >= 2, .refuse = mode == 3};
      ep_layout_par par = {.run = test_par_run, .user = &t};
      if (t.stream) {
        par.open = test_par_open;
        par.ready = test_par_ready;
        par.close = test_par_close;
      }
      char *got = dump_par(&e, r, &par);
      static const char *const how[] = {"", " (last first)", " (begun one by one)", " (open sets refused)"};
      ck_assert_msg(!strcmp(got, ref), "%s: laid out differently with paragraphs broken on two threads%s",
                    files[fi] ? files[fi] : "made", how[mode]);
      if ((fi == 0 || fi == 4) && mode != 2) // the example and the made report have lists and paragraph runs
        ck_assert_uint_gt(t.calls, 0);
      if ((fi == 0 || fi == 4) && mode == 2) // their batches' breaks are begun one by one
        ck_assert_uint_gt(t.streamed, 20);
      if (mode == 3)
        ck_assert_uint_eq(t.streamed, 0);
      batched += t.jobs + t.streamed;
      free(got);
    }
    free(ref);
    if (r != made)
      ep_report_free(r);
  }
  ck_assert_uint_gt(batched, 200);
  ep_report_free(made);
  env_close(&e);
}
END_TEST

// 'layout_suite()' - All layout tests.
static Suite *layout_suite(void) {
  Suite *s = suite_create("layout");
  TCase *tc = tcase_create("layout");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, example_grid_and_kinsoku);
  tcase_add_test(tc, plain_lines_hold_28);
  tcase_add_test(tc, offsets_kept_only_off_the_pen);
  tcase_add_test(tc, emitted_runs_sit_exactly_where_the_layout_put_them);
  tcase_add_test(tc, heading_never_last_on_page);
  tcase_add_test(tc, missing_glyph_warns_with_line);
  tcase_add_test(tc, page_numbers_odd_right_even_left);
  tcase_add_test(tc, punctuation_ink_on_every_debian_face);
  tcase_add_test(tc, invisible_characters_are_not_drawn);
  tcase_add_test(tc, zero_width_space_breaks_a_long_word);
  tcase_add_test(tc, missing_glyph_in_meta_warns_at_its_element);
  tcase_add_test(tc, too_many_pages_is_an_error_at_the_block);
  tcase_add_test(tc, second_pass_only_for_printed_page_numbers);
  tcase_add_test(tc, patched_toc_equals_a_full_pass);
  tcase_add_test(tc, toc_entry_on_an_unnumbered_page_has_no_number);
  tcase_add_test(tc, ref_to_an_unnumbered_page_prints_no_page);
  tcase_add_test(tc, pagination_behind_the_layout_gives_the_same_pages);
  tcase_add_test(tc, paragraphs_broken_on_two_threads_lay_out_the_same);
  suite_add_tcase(s, tc);
  return s;
}

// 'main()' - Run the suite.
int main(void) {
  SRunner *sr = srunner_create(layout_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
