// Check suite for src/linebreak.c, the rules: kinsoku, unbreakable tokens,
// punctuation compression, the CJK-Latin gap, 孤字, justification and
// fallbacks (long paragraphs, memory and the memo: test_linebreak_scale.c;
// the synthetic atoms: linebreak_env.h).
#include "linebreak_env.h"

// Tokens that must never be split, wherever they occur in report_paras.
static const char *const tokens[] = {"98.79%", "87.91%", "987.91", "1478397", "3561108", "100%",
                                     "0.1%", "81.6", "APP", "APM", "27965", "——", "……"};

// 'line_of()' - Index of the line holding atom I, or SIZE_MAX.
static size_t line_of(const ep_lb_result *r, size_t i)
{
  for (size_t k = 0; k < r->nlines; k++)
    if (i >= r->lines[k].start && i < r->lines[k].end)
      return k;
  return SIZE_MAX;
}

// 'check_tokens()' - Assert no token of TOKS (UTF-8) found in A is split.
static void check_tokens(const ep_lb_atom *a, size_t n, const ep_lb_result *r,
                         const char *const *toks, size_t ntoks)
{
  for (size_t t = 0; t < ntoks; t++) {
    uint32_t cp[32];
    size_t m = utf8_decode(toks[t], cp, 32);
    for (size_t i = 0; i + m <= n; i++) {
      size_t j = 0;
      while (j < m && a[i + j].cp == cp[j])
        j++;
      if (j < m)
        continue;
      size_t l0 = line_of(r, i);
      ck_assert_msg(l0 != SIZE_MAX, "token %s at %zu in no line", toks[t], i);
      ck_assert_msg(line_of(r, i + m - 1) == l0, "token %s at %zu split", toks[t], i);
    }
  }
}

// 'kinsoku_sets_match_the_checker' - The exported kinsoku classes hold every mark pdf-lines.py checks.
START_TEST(kinsoku_sets_match_the_checker)
{
  uint32_t cp[64];
  size_t m = utf8_decode("、，。；：？！）》」』〕】”’…%", cp, 64);
  for (size_t i = 0; i < m; i++) {
    ck_assert_msg(ep_lb_is_no_start(cp[i]), "U+%04X should not start a line", (unsigned)cp[i]);
    ck_assert(!ep_lb_is_no_end(cp[i]));
  }
  m = utf8_decode("（《「『〔【“‘", cp, 64);
  for (size_t i = 0; i < m; i++) {
    ck_assert_msg(ep_lb_is_no_end(cp[i]), "U+%04X should not end a line", (unsigned)cp[i]);
    ck_assert(!ep_lb_is_no_start(cp[i]));
  }
  ck_assert(!ep_lb_is_no_start(0x6C49) && !ep_lb_is_no_end(0x6C49)); // 汉
  ck_assert(!ep_lb_is_no_start('A') && !ep_lb_is_no_start('7'));
}
END_TEST

// 'grid_28_chars_per_line_fill_the_measure' - Pure CJK at pitch 15.79 in 442.2 pt: 28 per line, exact right edge, natural last line.
START_TEST(grid_28_chars_per_line_fill_the_measure)
{
  char *t = han(28 * 6 + 9);
  size_t n;
  ep_lb_atom *a = make_atoms(t, &n);
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  ck_assert_uint_eq(r.nlines, 7);
  ck_assert_int_eq(r.pass, 1);
  for (size_t k = 0; k < 6; k++) {
    ck_assert_uint_eq(r.lines[k].end - r.lines[k].start, 28);
    ck_assert_double_eq_tol(right_edge(a, &r, &r.lines[k]), MEASURE, TOL);
  }
  // the last line is set at its natural pitch, not justified
  const ep_lb_line *l = &r.lines[6];
  ck_assert_uint_eq(l->end - l->start, 9);
  for (size_t i = l->start; i < l->end; i++)
    ck_assert_double_eq_tol(r.x[i], (double)(i - l->start) * PITCH, 1e-9);
  ep_lb_result_free(&r);
  free(a);
  free(t);
}
END_TEST

// 'indented_first_line_holds_26' - first_width (after the 2-em indent) holds 26, later lines 28.
START_TEST(indented_first_line_holds_26)
{
  char *t = han(26 + 28 + 5);
  size_t n;
  ep_lb_atom *a = make_atoms(t, &n);
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  check_paragraph(a, n, &r, FIRST, MEASURE);
  ck_assert_uint_eq(r.nlines, 3);
  ck_assert_uint_eq(r.lines[0].end, 26);
  ck_assert_uint_eq(r.lines[1].end - r.lines[1].start, 28);
  ep_lb_result_free(&r);
  free(a);
  free(t);
}
END_TEST

// 'report_paragraphs_keep_every_rule' - Real report paragraphs at the official measure: every rule, no token split.
START_TEST(report_paragraphs_keep_every_rule)
{
  for (size_t p = 0; p < N_REPORT; p++) {
    for (int indent = 0; indent < 2; indent++) {
      size_t n;
      ep_lb_atom *a = make_atoms(report_paras[p], &n);
      ep_lb_result r;
      double fw = indent ? FIRST : MEASURE;
      run(a, n, fw, MEASURE, &r);
      ck_assert_msg(r.pass == 1, "paragraph %zu needed relaxing", p);
      check_paragraph(a, n, &r, fw, MEASURE);
      check_tokens(a, n, &r, tokens, sizeof tokens / sizeof tokens[0]);
      ep_lb_result_free(&r);
      free(a);
    }
  }
}
END_TEST

// 'report_paragraphs_in_narrow_cells' - The same paragraphs in table-cell measures (5 to 17 characters).
START_TEST(report_paragraphs_in_narrow_cells)
{
  // Table-cell measures: 5, 7, 11 and 17 characters.
  static const double widths[] = {5 * PITCH + 1, 7 * PITCH + 0.5, 11 * PITCH + 3, 17 * PITCH};
  for (size_t p = 0; p < N_REPORT; p++) {
    for (size_t k = 0; k < 4; k++) {
      size_t n;
      ep_lb_atom *a = make_atoms(report_paras[p], &n);
      ep_lb_result r;
      run(a, n, widths[k], widths[k], &r);
      check_paragraph(a, n, &r, widths[k], widths[k]);
      check_tokens(a, n, &r, tokens, sizeof tokens / sizeof tokens[0]);
      ep_lb_result_free(&r);
      free(a);
    }
  }
}
END_TEST

// 'closing_marks_never_start_a_line' - Each closing/pause mark placed around cell 29 never starts line 2.
START_TEST(closing_marks_never_start_a_line)
{
  static const char *const marks[] = {"，", "。", "、", "；", "：", "？", "！", "）", "》",
                                      "」", "』", "”", "’", "…", "%", "〕", "】"};
  for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
    for (size_t before = 26; before <= 30; before++) { // the mark lands around cell 29
      char *h1 = han(before), *h2 = han(40);
      char *t = concat3(h1, marks[m], h2);
      size_t n;
      ep_lb_atom *a = make_atoms(t, &n);
      ep_lb_result r;
      run(a, n, MEASURE, MEASURE, &r);
      check_paragraph(a, n, &r, MEASURE, MEASURE);
      ck_assert_int_eq(r.pass, 1);
      ep_lb_result_free(&r);
      free(a);
      free(t);
      free(h1);
      free(h2);
    }
  }
}
END_TEST

// 'opening_marks_never_end_a_line' - Each opening mark placed around cell 28 never ends line 1.
START_TEST(opening_marks_never_end_a_line)
{
  static const char *const marks[] = {"（", "《", "「", "『", "“", "‘", "〔", "【"};
  for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
    for (size_t before = 25; before <= 29; before++) { // the mark lands around cell 28
      char *h1 = han(before), *h2 = han(40);
      char *t = concat3(h1, marks[m], h2);
      size_t n;
      ep_lb_atom *a = make_atoms(t, &n);
      ep_lb_result r;
      run(a, n, MEASURE, MEASURE, &r);
      check_paragraph(a, n, &r, MEASURE, MEASURE);
      ep_lb_result_free(&r);
      free(a);
      free(t);
      free(h1);
      free(h2);
    }
  }
}
END_TEST

// 'numbers_latin_words_and_doubled_marks_never_split' - 98.79%, 1478397, ——, ……, Latin words, 2021—2022 at every offset near the edge stay whole (020—85950792 may break after its dash only).
START_TEST(numbers_latin_words_and_doubled_marks_never_split)
{
  static const char *const toks[] = {"98.79%", "1478397", "——", "……", "APP", "Hello", "0.1%",
                                     "2021—2022", "020—85950792", "1-9"};
  // a long number joined by a dash may break after the dash when nothing else fits
  static const char *const parts[] = {"020—", "85950792"};
  for (size_t t = 0; t < sizeof toks / sizeof toks[0]; t++) {
    for (size_t before = 16; before <= 30; before++) {
      char *h1 = han(before), *h2 = han(40);
      char *s = concat3(h1, toks[t], h2);
      size_t n;
      ep_lb_atom *a = make_atoms(s, &n);
      ep_lb_result r;
      run(a, n, MEASURE, MEASURE, &r);
      check_paragraph(a, n, &r, MEASURE, MEASURE);
      if (strcmp(toks[t], "020—85950792") == 0)
        check_tokens(a, n, &r, parts, 2);
      else
        check_tokens(a, n, &r, &toks[t], 1);
      ep_lb_result_free(&r);
      free(a);
      free(s);
      free(h1);
      free(h2);
    }
  }
}
END_TEST

// 'url_never_breaks_inside_double_slash' - A URL may break after a slash or
// a dot when nothing else fits, but never between the two slashes of "//"
// (https:/ | /mzj... was printed).
START_TEST(url_never_breaks_inside_double_slash)
{
  const char *url = "https://mzj.leishan.gov.cn/zwgk/tzgg/";
  for (size_t before = 0; before <= 30; before++) {
    char *h1 = han(before), *h2 = han(20);
    char *s = concat3(h1, url, h2);
    size_t n;
    ep_lb_atom *a = make_atoms(s, &n);
    ep_lb_result r;
    run(a, n, MEASURE, MEASURE, &r);
    // (not check_paragraph(): a URL's break after a slash is one its kinsoku set forbids)
    for (size_t k = 1; k < r.nlines; k++) {
      size_t at = r.lines[k].start;
      ck_assert_msg(!r.lines[k - 1].overfull, "%zu characters before: line %zu overfull", before, k - 1);
      ck_assert_msg(!(at > 0 && a[at - 1].cp == '/' && a[at].cp == '/'), "%zu characters before: a line starts inside //",
                    before);
    }
    ep_lb_result_free(&r);
    free(a);
    free(s);
    free(h1);
    free(h2);
  }
}
END_TEST

// 'break_allowed_between_number_and_cjk' - A break may fall between a number and a CJK character.
START_TEST(break_allowed_between_number_and_cjk)
{
  // 26 ideographs + "2022年" + ...: "2022" does not fit on line 1 (26*15.79 + 4 + 32 >
  // 442.2 would need shrink), so the break falls between 年 and 2022 or after 2022.
  char *h1 = han(27), *h2 = han(30);
  char *s = concat3(h1, "2022年", h2);
  size_t n;
  ep_lb_atom *a = make_atoms(s, &n);
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  // a break sits right before or right after the number
  bool at_edge = false;
  for (size_t k = 0; k + 1 < r.nlines; k++)
    if (r.lines[k].end == 27 || r.lines[k].end == 31)
      at_edge = true;
  ck_assert(at_edge);
  ep_lb_result_free(&r);
  free(a);
  free(s);
  free(h1);
  free(h2);
}
END_TEST

// 'quarter_em_gap_between_cjk_and_digits' - 共2022年 and 共 2022 年: a ¼ em gap each side, identical positions.
START_TEST(quarter_em_gap_between_cjk_and_digits)
{
  size_t n1, n2;
  ep_lb_atom *a1 = make_atoms("共2022年", &n1);
  ep_lb_atom *a2 = make_atoms("共 2022 年", &n2);
  ep_lb_result r1, r2;
  run(a1, n1, MEASURE, MEASURE, &r1);
  run(a2, n2, MEASURE, MEASURE, &r2);
  ck_assert_uint_eq(r1.nlines, 1);
  ck_assert_uint_eq(r2.nlines, 1);
  // 共 | ¼ em | 2022 | ¼ em | 年
  ck_assert_double_eq_tol(r1.x[1] - (r1.x[0] + r1.w[0]), EM / 4, 1e-9);
  ck_assert_double_eq_tol(r1.x[5] - (r1.x[4] + r1.w[4]), EM / 4, 1e-9);
  ck_assert_double_eq_tol(r2.w[1], EM / 4, 1e-9); // the space became the ¼ em gap
  ck_assert_double_eq_tol(r2.w[6], EM / 4, 1e-9);
  static const size_t map[] = {0, 2, 3, 4, 5, 7}; // visible atoms of a2
  for (size_t i = 0; i < 6; i++)
    ck_assert_double_eq_tol(r1.x[i], r2.x[map[i]], 1e-9);
  ck_assert_double_eq_tol(r1.lines[0].width_used, r2.lines[0].width_used, 1e-9);
  // no gap inside the number, none next to full-width punctuation
  ck_assert_double_eq_tol(r1.x[2] - r1.x[1], LATIN, 1e-9);
  ep_lb_result_free(&r1);
  ep_lb_result_free(&r2);
  free(a1);
  free(a2);
}
END_TEST


// 'spaced_copy()' - TEXT with an ASCII space inserted at every boundary between
// an ideograph and an ASCII letter, digit or % (malloc'ed).
static char *spaced_copy(const char *text)
{
  size_t len = strlen(text);
  uint32_t *cp = malloc((len + 1) * sizeof *cp);
  ck_assert_ptr_nonnull(cp);
  size_t n = utf8_decode(text, cp, len + 1);
  char *t = malloc(len * 3 + 1);
  ck_assert_ptr_nonnull(t);
  size_t k = 0;
  int prev = 0; // 1 ideograph, 2 ASCII alnum or %, 0 other
  for (size_t i = 0; i < n; i++) {
    uint32_t c = cp[i];
    int cls = 0;
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '%')
      cls = 2;
    else if (c >= 0x4E00 && c <= 0x9FFF)
      cls = 1;
    if ((prev == 1 && cls == 2) || (prev == 2 && cls == 1))
      t[k++] = ' ';
    k += strlen(line_text(&(ep_lb_atom){.cp = c}, 0, 1, t + k, 8));
    prev = cls;
  }
  t[k] = 0;
  free(cp);
  return t;
}

// 'quarter_em_gap_identical_with_or_without_source_space' - Justified report paragraphs set identically with spaces added at every CJK/Latin edge.
START_TEST(quarter_em_gap_identical_with_or_without_source_space)
{
  for (size_t p = 0; p < N_REPORT; p++) {
    char *spaced = spaced_copy(report_paras[p]);
    size_t n1, n2;
    ep_lb_atom *a1 = make_atoms(report_paras[p], &n1);
    ep_lb_atom *a2 = make_atoms(spaced, &n2);
    ep_lb_result r1, r2;
    run(a1, n1, FIRST, MEASURE, &r1);
    run(a2, n2, FIRST, MEASURE, &r2);
    check_paragraph(a2, n2, &r2, FIRST, MEASURE);
    ck_assert_uint_eq(r1.nlines, r2.nlines);
    size_t j = 0;
    for (size_t k = 0; k < r1.nlines; k++) {
      const ep_lb_line *l1 = &r1.lines[k], *l2 = &r2.lines[k];
      ck_assert_double_eq_tol(l1->width_used, l2->width_used, 1e-6);
      size_t i2 = l2->start;
      for (size_t i = l1->start; i < l1->end; i++, i2++) {
        while (a2[i2].cp == ' ')
          i2++;
        ck_assert_uint_eq(a1[i].cp, a2[i2].cp);
        ck_assert_msg(fabs(r1.x[i] - r2.x[i2]) < 1e-6, "paragraph %zu atom %zu: %.6f vs %.6f", p,
                      i, r1.x[i], r2.x[i2]);
        j++;
      }
      ck_assert_uint_eq(i2, l2->end);
    }
    ck_assert_uint_eq(j, n1);
    ep_lb_result_free(&r1);
    ep_lb_result_free(&r2);
    free(a1);
    free(a2);
    free(spaced);
  }
}
END_TEST

// 'quarter_em_gap_present_in_justified_lines' - The ¼ em gap survives justification (between ⅛ em and ¼ em + stretch); none inside numbers.
START_TEST(quarter_em_gap_present_in_justified_lines)
{
  size_t n;
  ep_lb_atom *a = make_atoms(report_paras[4], &n); // ...支出率为98.79%，...
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  size_t gaps = 0;
  for (size_t k = 0; k < r.nlines; k++) {
    const ep_lb_line *l = &r.lines[k];
    for (size_t i = l->start + 1; i < l->end; i++) {
      bool p_han = a[i - 1].cp >= 0x4E00 && a[i - 1].cp <= 0x9FFF;
      bool n_han = a[i].cp >= 0x4E00 && a[i].cp <= 0x9FFF;
      bool p_dig = a[i - 1].cp >= '0' && a[i - 1].cp <= '9';
      bool n_dig = a[i].cp >= '0' && a[i].cp <= '9';
      double gap = r.x[i] - (r.x[i - 1] + r.w[i - 1]);
      if ((p_han && n_dig) || (p_dig && n_han)) {
        ck_assert_msg(gap > EM / 4 - EM / 8 - 1e-9 && gap < EM / 4 + 2.0, "gap %.3f", gap);
        gaps++;
      } else if (a[i - 1].cp < 0x80 && a[i].cp < 0x80) {
        ck_assert_double_eq_tol(gap, 0, 1e-9); // no letter-spacing inside a number
      }
    }
  }
  ck_assert_uint_ge(gaps, 10);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'no_single_char_last_line' - A last line of one character (优。, 5%。) is avoided by re-breaking earlier lines.
START_TEST(no_single_char_last_line)
{
  static const char *const tails[] = {"优。", "优", "5%。", "字”。"};
  for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
    for (int indent = 0; indent < 2; indent++) {
      char *h = han(indent ? 26 + 28 : 28 * 2);
      char *s = concat3(h, tails[t], "");
      size_t n;
      ep_lb_atom *a = make_atoms(s, &n);
      ep_lb_result r;
      double fw = indent ? FIRST : MEASURE;
      run(a, n, fw, MEASURE, &r);
      ck_assert_int_eq(r.pass, 1);
      check_paragraph(a, n, &r, fw, MEASURE); // asserts >= 2 characters on the last line
      ck_assert_uint_eq(r.nlines, 3);
      // without the rule the tail would sit alone
      ep_lb_params p;
      ep_lb_params_init(&p, MEASURE);
      p.first_width = fw;
      p.min_last_chars = 0;
      ep_lb_result r0;
      ck_assert_int_eq(ep_linebreak(a, n, &p, &r0), 0);
      ck_assert_uint_eq(chars_in(a, r0.lines[r0.nlines - 1].start, r0.lines[r0.nlines - 1].end),
                        1);
      ep_lb_result_free(&r0);
      ep_lb_result_free(&r);
      free(a);
      free(s);
      free(h);
    }
  }
}
END_TEST

// 'blanks_follow_the_ink' - Compression leaves 0.1 em beside a mark's ink, never
// compresses a centred mark, and assumes the mainland half only when the ink is unknown.
START_TEST(blanks_follow_the_ink)
{
  double bl, br;
  ep_lb_atom a = {.cp = 0x3001, .advance = 16, .em = 16}; // 、 ink unknown
  ep_lb_blanks(&a, &bl, &br);
  ck_assert(bl == 0 && fabs(br - 8) < 1e-9);
  a.ink_l = 0.24 * 16, a.ink_r = 0.49 * 16; // AR PL SungtiL GB 、
  ep_lb_blanks(&a, &bl, &br);
  ck_assert(bl == 0 && fabs(br - (1 - 0.49 - 0.1) * 16) < 1e-9);
  a.ink_l = 0.10 * 16, a.ink_r = 0.30 * 16; // Zen Hei 、: half is the most
  ep_lb_blanks(&a, &bl, &br);
  ck_assert(fabs(br - 8) < 1e-9);
  a.cp = 0xFF0C, a.ink_l = 0.44 * 16, a.ink_r = 0.56 * 16; // Zen Hei ，: centred
  ep_lb_blanks(&a, &bl, &br);
  ck_assert(bl == 0 && br == 0);
  ep_lb_atom o = {.cp = 0xFF08, .advance = 16, .em = 16, .ink_l = 0.71 * 16, .ink_r = 0.93 * 16}; // （
  ep_lb_blanks(&o, &bl, &br);
  ck_assert(br == 0 && fabs(bl - 8) < 1e-9);
  o.ink_l = 0.55 * 16, o.ink_r = 0.70 * 16; // ink off the right edge: centred, kept
  ep_lb_blanks(&o, &bl, &br);
  ck_assert(bl == 0 && br == 0);
  ep_lb_atom h = {.cp = 0x201D, .advance = 0.33 * 16, .em = 16}; // a proportional ” is not a full-width mark
  ep_lb_blanks(&h, &bl, &br);
  ck_assert(bl == 0 && br == 0);
  ep_lb_atom i = {.cp = 0x4EBA, .advance = 16, .em = 16}; // 人
  ep_lb_blanks(&i, &bl, &br);
  ck_assert(bl == 0 && br == 0);
}
END_TEST

// 'one_line_paragraph_of_one_char_is_fine' - A one-line paragraph may hold a single character.
START_TEST(one_line_paragraph_of_one_char_is_fine)
{
  size_t n;
  ep_lb_atom *a = make_atoms("优。", &n);
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  ck_assert_int_eq(r.pass, 1);
  ck_assert_uint_eq(r.nlines, 1);
  ck_assert(r.lines[0].last && !r.lines[0].relaxed);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'forced_break_ends_line_unjustified' - A forced break ends its line at natural widths; other lines stay justified.
START_TEST(forced_break_ends_line_unjustified)
{
  size_t n;
  ep_lb_atom *a = make_atoms(report_paras[0], &n);
  size_t at = 40;
  a[at].flags |= EP_LB_BREAK_BEFORE;
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  ck_assert_int_eq(r.pass, 1);
  check_paragraph(a, n, &r, FIRST, MEASURE);
  size_t k = 0;
  while (k < r.nlines && r.lines[k].end != at)
    k++;
  ck_assert_uint_lt(k, r.nlines);
  ck_assert(r.lines[k].forced && !r.lines[k].last);
  ck_assert_double_lt(r.lines[k].width_used, MEASURE - 1);
  ck_assert_uint_eq(r.lines[k + 1].start, at);
  ck_assert_double_eq_tol(r.lines[k + 1].measure, MEASURE, 1e-9);
  // the forced line is set at its natural widths
  for (size_t i = r.lines[k].start + 1; i < r.lines[k].end; i++)
    if (a[i].cp >= 0x4E00 && a[i - 1].cp >= 0x4E00 && a[i].cp <= 0x9FFF &&
        a[i - 1].cp <= 0x9FFF)
      ck_assert_double_eq_tol(r.x[i] - r.x[i - 1], PITCH, 1e-9);
  for (size_t j = 0; j < k; j++)
    ck_assert(!r.lines[j].forced);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'forced_break_short_segments' - Two short <br> segments: two lines, the second starting at the flagged atom.
START_TEST(forced_break_short_segments)
{
  size_t n;
  ep_lb_atom *a = make_atoms("项目周期：2022年资金额度：1000万元", &n);
  a[10].flags |= EP_LB_BREAK_BEFORE; // before 资
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  ck_assert_uint_eq(r.nlines, 2);
  ck_assert_uint_eq(r.lines[0].end, 10);
  ck_assert(r.lines[0].forced);
  ck_assert_uint_eq(r.lines[1].start, 10);
  ck_assert(r.lines[1].last);
  ck_assert_double_eq_tol(r.x[10], 0, 1e-9);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'overlong_token_broken_by_char_and_flagged' - A 100-letter word wider than the measure is broken by character and flagged.
START_TEST(overlong_token_broken_by_char_and_flagged)
{
  char *latin = repeat_text("a", 100);
  char *h = han(5);
  char *s = concat3(h, latin, h);
  size_t n;
  ep_lb_atom *a = make_atoms(s, &n);
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  ck_assert_int_eq(r.pass, 2);
  size_t covered = 0, over = 0;
  for (size_t k = 0; k < r.nlines; k++) {
    covered += r.lines[k].end - r.lines[k].start;
    over += r.lines[k].overfull;
    ck_assert_double_le(r.lines[k].width_used, MEASURE + TOL);
  }
  ck_assert_uint_eq(covered, n);
  ck_assert_uint_ge(over, 1);
  ep_lb_result_free(&r);
  free(a);
  free(s);
  free(h);
  free(latin);
}
END_TEST

// 'zero_width_space_lets_a_long_word_break' - EP_LB_BREAK_OK (a zero-width
// space in the source) lets a word wider than the measure break there, with
// no overfull line; it is never taken before a mark that may not start a line.
START_TEST(zero_width_space_lets_a_long_word_break)
{
  char *latin = repeat_text("a", 100); // 800 pt: wider than the measure
  char *h = han(5);
  char *s = concat3(h, latin, h);
  size_t n;
  ep_lb_atom *a = make_atoms(s, &n);
  for (size_t k = 5 + 25; k < 5 + 100; k += 25)
    a[k].flags |= EP_LB_BREAK_OK; // aaa…a|aaa…a|aaa…a|aaa…a
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  ck_assert_int_eq(r.pass, 1);
  for (size_t k = 0; k < r.nlines; k++) {
    ck_assert(!r.lines[k].overfull);
    size_t b = r.lines[k].start; // every break inside the word is at a zero-width space
    if (k > 0 && b > 5 && b < 105)
      ck_assert_msg(a[b].flags & EP_LB_BREAK_OK, "line %zu starts at atom %zu", k, b);
  }
  ck_assert_uint_ge(r.nlines, 2);
  ep_lb_result_free(&r);
  free(a);
  free(s);
  // Before a closing mark the flag gives no break: in 20 ideographs and 40
  // letters with a comma among them, no line starts at the comma.
  char *h20 = han(20), *l40 = repeat_text("a", 40);
  s = concat3(h20, l40, h20);
  a = make_atoms(s, &n);
  for (size_t c = 30; c < 55; c += 8) {
    a[c].cp = 0xFF0C;
    a[c].advance = PITCH;
    a[c].flags |= EP_LB_BREAK_OK;
  }
  for (size_t w = 300; w <= 440; w += 20) {
    run(a, n, w, w, &r);
    ck_assert_int_eq(r.pass, 1);
    for (size_t k = 1; k < r.nlines; k++)
      ck_assert_msg(a[r.lines[k].start].cp != 0xFF0C, "measure %zu: a line starts with the comma", w);
    ep_lb_result_free(&r);
  }
  free(h20);
  free(l40);
  free(a);
  free(s);
  free(h);
  free(latin);
}
END_TEST

// 'box_wider_than_measure_is_overfull' - An opaque box wider than the measure sits on an overfull line.
START_TEST(box_wider_than_measure_is_overfull)
{
  size_t n;
  ep_lb_atom *a = make_atoms("项目甲X项目乙", &n);
  a[2].cp = EP_LB_OBJECT;
  a[2].advance = 600;
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  size_t k = line_of(&r, 2);
  ck_assert_uint_ne(k, SIZE_MAX);
  ck_assert(r.lines[k].overfull);
  ck_assert_double_ge(r.lines[k].width_used, 600);
  size_t covered = 0;
  for (size_t j = 0; j < r.nlines; j++)
    covered += r.lines[j].end - r.lines[j].start;
  ck_assert_uint_eq(covered, n);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'impossible_kinsoku_is_relaxed' - Runs of only closing (or opening) marks relax kinsoku instead of failing.
START_TEST(impossible_kinsoku_is_relaxed)
{
  static const char *const runs[] = {"，", "）", "（", "…"};
  for (size_t t = 0; t < sizeof runs / sizeof runs[0]; t++) {
    char *s = repeat_text(runs[t], 300);
    size_t n;
    ep_lb_atom *a = make_atoms(s, &n);
    ep_lb_result r;
    run(a, n, MEASURE, MEASURE, &r);
    ck_assert_int_eq(r.pass, 2);
    size_t covered = 0;
    for (size_t k = 0; k < r.nlines; k++) {
      covered += r.lines[k].end - r.lines[k].start;
      ck_assert_double_le(r.lines[k].width_used, MEASURE + TOL);
    }
    ck_assert_uint_eq(covered, n);
    ck_assert_uint_ge(r.nlines, 2);
    size_t relaxed = 0;
    for (size_t k = 0; k < r.nlines; k++)
      relaxed += r.lines[k].relaxed;
    ck_assert_uint_ge(relaxed, 1);
    ep_lb_result_free(&r);
    free(a);
    free(s);
  }
}
END_TEST

// 'opening_bracket_at_line_start_loses_its_blank' - An opening bracket at line start hangs its blank half left of the edge.
START_TEST(opening_bracket_at_line_start_loses_its_blank)
{
  size_t n;
  ep_lb_atom *a = make_atoms("（一）项目概况", &n);
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  ck_assert_double_eq_tol(r.x[0], -PITCH / 2, 1e-9); // blank half left of the edge
  ck_assert_double_eq_tol(r.w[0], PITCH / 2, 1e-9);
  ck_assert_double_eq_tol(r.x[1], PITCH / 2, 1e-9);
  ep_lb_result_free(&r);
  free(a);
  // and after a break inside a paragraph
  char *h = han(28), *h2 = han(20);
  char *s = concat3(h, "（以下简称“厅事务中心”）", h2);
  a = make_atoms(s, &n);
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  ck_assert_uint_eq(r.lines[1].start, 28);
  ck_assert_double_eq_tol(r.x[28], -PITCH / 2, 1e-9);
  ep_lb_result_free(&r);
  free(a);
  free(s);
  free(h);
  free(h2);
}
END_TEST

// 'adjacent_marks_are_compressed' - 。」 ）（ 》《 ，“ （《 lose one blank half; the end mark is trimmed.
START_TEST(adjacent_marks_are_compressed)
{
  size_t n;
  ep_lb_atom *a = make_atoms("甲。」乙）（丙》《丁，“戊”", &n);
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  ck_assert_uint_eq(r.nlines, 1);
  const double h = PITCH / 2;
  ck_assert_double_eq_tol(r.w[1], h, 1e-9);     // 。 before 」
  ck_assert_double_eq_tol(r.w[2], PITCH, 1e-9); // 」 before 乙
  ck_assert_double_eq_tol(r.w[4], h, 1e-9);     // ） before （
  ck_assert_double_eq_tol(r.w[5], PITCH, 1e-9);
  ck_assert_double_eq_tol(r.w[7], h, 1e-9);     // 》 before 《
  ck_assert_double_eq_tol(r.w[10], h, 1e-9);    // ， before “
  ck_assert_double_eq_tol(r.w[11], PITCH, 1e-9);
  ck_assert_double_eq_tol(r.x[2], r.x[1] + h, 1e-9);
  ck_assert_double_eq_tol(r.x[5], r.x[4] + h, 1e-9);
  ck_assert_double_eq_tol(r.x[3], r.x[2] + PITCH, 1e-9);
  // （《 and “《: the second opening mark loses its left blank (glyph shifted left)
  ep_lb_atom *b = make_atoms("甲（《乙", &n);
  ep_lb_result r2;
  run(b, n, MEASURE, MEASURE, &r2);
  ck_assert_double_eq_tol(r2.w[2], h, 1e-9);
  ck_assert_double_eq_tol(r2.x[2], r2.x[1] + PITCH - h, 1e-9);
  ck_assert_double_eq_tol(r2.x[3], r2.x[1] + PITCH + h, 1e-9);
  ep_lb_result_free(&r2);
  free(b);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'end_mark_trimmed_but_inside_measure' - A comma ending a justified line: w is half, its full advance ends at the measure.
START_TEST(end_mark_trimmed_but_inside_measure)
{
  char *h = han(27), *h2 = han(20);
  char *s = concat3(h, "，", h2);
  size_t n;
  ep_lb_atom *a = make_atoms(s, &n);
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  ck_assert_uint_eq(r.lines[0].end, 28);
  ck_assert_double_eq_tol(r.w[27], PITCH / 2, 1e-9);         // trimmed to half
  ck_assert_double_eq_tol(r.x[27] + PITCH, MEASURE, TOL);     // full advance inside
  ck_assert_double_eq_tol(r.lines[0].width_used, MEASURE, TOL);
  ep_lb_result_free(&r);
  free(a);
  free(s);
  free(h);
  free(h2);
}
END_TEST

// 'squeeze_text()' - 28 cells (26 ideographs, 2 commas), then 。 as cell 29,
// then 10 ideographs (malloc'ed).
static char *squeeze_text(void)
{
  char *a = han(10), *b = han(9), *c = han(7), *d = han(10);
  char *x = concat3(a, "，", b);
  char *y = concat3(x, "，", c);
  char *z = concat3(y, "。", d);
  free(a);
  free(b);
  free(c);
  free(d);
  free(x);
  free(y);
  return z;
}

// 'squeeze_punctuation_before_pushing' - 先挤进，后推出: squeeze two commas to take 。 in, or push when squeezing is off.
START_TEST(squeeze_punctuation_before_pushing)
{
  char *s = squeeze_text();
  size_t n;
  ep_lb_atom *a = make_atoms(s, &n);
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  ck_assert_uint_eq(r.lines[0].end, 29); // 。 squeezed in: 先挤进
  ck_assert_double_lt(r.w[10], PITCH - 7);
  ck_assert_double_lt(r.w[20], PITCH - 7);
  ck_assert_double_eq_tol(r.x[28] + PITCH, MEASURE, TOL);
  ep_lb_result_free(&r);
  // with squeezing off, the last ideograph is pushed down with the 。 (后推出)
  ep_lb_params p;
  ep_lb_params_init(&p, MEASURE);
  p.no_squeeze = true;
  ck_assert_int_eq(ep_linebreak(a, n, &p, &r), 0);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  ck_assert_uint_eq(r.lines[0].end, 27);
  ck_assert_double_eq_tol(r.w[10], PITCH, 1e-9);
  ep_lb_result_free(&r);
  free(a);
  free(s);
}
END_TEST

// 'natural_advances_shrink_to_the_grid' - 16 pt advances (no grid) still give 28 per line by a small shrink.
START_TEST(natural_advances_shrink_to_the_grid)
{
  // The caller passes 16 pt advances (no grid): 28 still fit by a small shrink.
  char *t = han(28 * 4 + 3);
  size_t n;
  ep_lb_atom *a = make_atoms(t, &n);
  for (size_t i = 0; i < n; i++)
    a[i].advance = EM;
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  for (size_t k = 0; k + 1 < r.nlines; k++)
    ck_assert_uint_eq(r.lines[k].end - r.lines[k].start, 28);
  ep_lb_result_free(&r);
  free(a);
  free(t);
}
END_TEST

// 'latin_words_stay_whole_and_spaces_stretch' - English text: breaks only at spaces, spaces take their share of the stretch.
START_TEST(latin_words_stay_whole_and_spaces_stretch)
{
  char *s = repeat_text("Performance evaluation of the social assistance project shows "
                        "that the funds were used as planned. ",
                        6);
  size_t n;
  ep_lb_atom *a = make_atoms(s, &n);
  ep_lb_result r;
  run(a, n, 200, 200, &r);
  check_paragraph(a, n, &r, 200, 200);
  for (size_t k = 0; k < r.nlines; k++) {
    const ep_lb_line *l = &r.lines[k];
    if (k > 0)
      ck_assert_uint_eq(a[l->start - 1].cp, ' ');
    if (!l->last) {
      ck_assert_uint_eq(a[l->end].cp, ' ');
      for (size_t i = l->start; i < l->end; i++)
        if (a[i].cp == ' ')
          ck_assert_double_ge(r.x[i + 1] - r.x[i - 1] - LATIN, SPACE - 1e-9);
    }
  }
  ep_lb_result_free(&r);
  free(a);
  free(s);
}
END_TEST

// 'glue_prev_is_respected' - EP_LB_GLUE_PREV atoms stay on one line.
START_TEST(glue_prev_is_respected)
{
  char *t = han(60);
  size_t n;
  ep_lb_atom *a = make_atoms(t, &n);
  for (size_t i = 25; i <= 30; i++)
    a[i].flags |= EP_LB_GLUE_PREV; // atoms 24..30 are one unit
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  check_paragraph(a, n, &r, MEASURE, MEASURE);
  ck_assert_uint_eq(line_of(&r, 24), line_of(&r, 30));
  ep_lb_result_free(&r);
  free(a);
  free(t);
}
END_TEST

// 'measure_min_and_preferred' - ep_lb_measure(): widest unbreakable unit and widest segment.
START_TEST(measure_min_and_preferred)
{
  size_t n;
  ep_lb_atom *a = make_atoms("资金到位率98.79%。", &n);
  double mn, pf;
  ck_assert_int_eq(ep_lb_measure(a, n, &mn, &pf), 0);
  ck_assert_double_eq_tol(mn, 6 * LATIN + PITCH, 1e-9);             // "98.79%。"
  ck_assert_double_eq_tol(pf, 5 * PITCH + EM / 4 + 6 * LATIN + PITCH, 1e-9);
  free(a);
  a = make_atoms("（一）项目", &n);
  ck_assert_int_eq(ep_lb_measure(a, n, &mn, &pf), 0);
  ck_assert_double_eq_tol(mn, 3 * PITCH - PITCH / 2, 1e-9); // "（一）" (opening compressed)
  // the paragraph set at its minimum width keeps every rule
  ep_lb_result r;
  run(a, n, mn, mn, &r);
  ck_assert_int_eq(r.pass, 1);
  ep_lb_result_free(&r);
  free(a);
  a = make_atoms("项目周期：2022年资金额度：1000万元", &n);
  a[10].flags |= EP_LB_BREAK_BEFORE;
  ck_assert_int_eq(ep_lb_measure(a, n, &mn, &pf), 0);
  ck_assert_double_eq_tol(pf, 7 * PITCH + 4 * LATIN + EM / 4, 1e-9); // 资金额度：1000万元
  free(a);
}
END_TEST

// 'empty_spaces_and_bad_arguments' - Empty input, spaces only, NULL arguments, garbage widths and advances.
START_TEST(empty_spaces_and_bad_arguments)
{
  ep_lb_params p;
  ep_lb_params_init(&p, MEASURE);
  ep_lb_result r;
  ck_assert_int_eq(ep_linebreak(NULL, 0, &p, &r), 0);
  ck_assert_uint_eq(r.nlines, 0);
  ep_lb_result_free(&r);
  ep_lb_result_free(&r); // twice is fine
  ck_assert_int_eq(ep_linebreak(NULL, 3, &p, &r), -2);
  ck_assert_int_eq(ep_linebreak(NULL, 0, NULL, &r), -2);
  ck_assert_int_eq(ep_linebreak(NULL, 0, &p, NULL), -2);
  size_t n;
  ep_lb_atom *a = make_atoms("   ", &n);
  ck_assert_int_eq(ep_linebreak(a, n, &p, &r), 0);
  ck_assert_uint_eq(r.nlines, 1);
  ck_assert_uint_eq(r.lines[0].start, r.lines[0].end);
  ep_lb_result_free(&r);
  free(a);
  // zero and garbage widths and advances: no crash, everything placed
  a = make_atoms("社会救助（粤府〔2013〕142号）APP", &n);
  a[3].advance = NAN;
  a[4].em = -1;
  p.width = 0;
  p.first_width = -5;
  ck_assert_int_eq(ep_linebreak(a, n, &p, &r), 0);
  size_t covered = 0;
  for (size_t k = 0; k < r.nlines; k++)
    covered += r.lines[k].end - r.lines[k].start;
  ck_assert_uint_eq(covered, n);
  ep_lb_result_free(&r);
  double mn, pf;
  ck_assert_int_eq(ep_lb_measure(a, 0, &mn, &pf), 0);
  ck_assert_double_eq(mn, 0);
  ck_assert_int_eq(ep_lb_measure(a, n, NULL, &pf), -2);
  free(a);
}
END_TEST

static Suite *linebreak_suite(void)
{
  Suite *s = suite_create("linebreak");
  TCase *tc = tcase_create("rules");
  tcase_add_test(tc, kinsoku_sets_match_the_checker);
  tcase_add_test(tc, grid_28_chars_per_line_fill_the_measure);
  tcase_add_test(tc, indented_first_line_holds_26);
  tcase_add_test(tc, report_paragraphs_keep_every_rule);
  tcase_add_test(tc, report_paragraphs_in_narrow_cells);
  tcase_add_test(tc, closing_marks_never_start_a_line);
  tcase_add_test(tc, opening_marks_never_end_a_line);
  tcase_add_test(tc, numbers_latin_words_and_doubled_marks_never_split);
  tcase_add_test(tc, url_never_breaks_inside_double_slash);
  tcase_add_test(tc, break_allowed_between_number_and_cjk);
  tcase_add_test(tc, quarter_em_gap_between_cjk_and_digits);
  tcase_add_test(tc, quarter_em_gap_identical_with_or_without_source_space);
  tcase_add_test(tc, quarter_em_gap_present_in_justified_lines);
  tcase_add_test(tc, no_single_char_last_line);
  tcase_add_test(tc, one_line_paragraph_of_one_char_is_fine);
  tcase_add_test(tc, forced_break_ends_line_unjustified);
  tcase_add_test(tc, forced_break_short_segments);
  tcase_add_test(tc, overlong_token_broken_by_char_and_flagged);
  tcase_add_test(tc, zero_width_space_lets_a_long_word_break);
  tcase_add_test(tc, box_wider_than_measure_is_overfull);
  tcase_add_test(tc, impossible_kinsoku_is_relaxed);
  tcase_add_test(tc, opening_bracket_at_line_start_loses_its_blank);
  tcase_add_test(tc, adjacent_marks_are_compressed);
  tcase_add_test(tc, end_mark_trimmed_but_inside_measure);
  tcase_add_test(tc, squeeze_punctuation_before_pushing);
  tcase_add_test(tc, natural_advances_shrink_to_the_grid);
  tcase_add_test(tc, latin_words_stay_whole_and_spaces_stretch);
  tcase_add_test(tc, glue_prev_is_respected);
  tcase_add_test(tc, measure_min_and_preferred);
  tcase_add_test(tc, blanks_follow_the_ink);
  tcase_add_test(tc, empty_spaces_and_bad_arguments);
  suite_add_tcase(s, tc);
  return s;
}

// 'main()' - Run the suite; exit status 0 when every test passed.
int main(void)
{
  SRunner *sr = srunner_create(linebreak_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
