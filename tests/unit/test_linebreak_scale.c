// Check suite for src/linebreak.c at scale: long paragraphs (the window),
// scratch memory, linear time, the memo and the search's early stop (the
// rules: test_linebreak.c; the synthetic atoms: linebreak_env.h).
#include "linebreak_env.h"

// 'same_result()' - True when A and B are the same result, field by field.
static bool same_result(const ep_lb_result *a, const ep_lb_result *b)
{
  if (a->n != b->n || a->nlines != b->nlines || a->pass != b->pass)
    return false;
  for (size_t i = 0; i < a->n; i++)
    if (a->x[i] != b->x[i] || a->w[i] != b->w[i])
      return false;
  for (size_t k = 0; k < a->nlines; k++) {
    const ep_lb_line *p = &a->lines[k], *q = &b->lines[k];
    if (p->start != q->start || p->end != q->end || p->measure != q->measure || p->width_used != q->width_used ||
        p->last != q->last || p->forced != q->forced || p->overfull != q->overfull || p->relaxed != q->relaxed ||
        p->ragged != q->ragged)
      return false;
  }
  return true;
}

// 'big_paragraph()' - At least N atoms of report text (paragraphs joined), malloc'ed.
static ep_lb_atom *big_paragraph(size_t want, size_t *n)
{
  size_t len = 0;
  for (size_t p = 0; p < N_REPORT; p++)
    len += strlen(report_paras[p]);
  size_t times = want / (len / 3) + 2;
  char *t = malloc(len * times + 1);
  ck_assert_ptr_nonnull(t);
  size_t k = 0;
  for (size_t i = 0; i < times; i++)
    for (size_t p = 0; p < N_REPORT; p++) {
      size_t l = strlen(report_paras[p]);
      memcpy(t + k, report_paras[p], l);
      k += l;
    }
  t[k] = 0;
  ep_lb_atom *a = make_atoms(t, n);
  free(t);
  ck_assert_uint_ge(*n, want);
  *n = want;
  if (ep_lb_is_no_start(a[want - 1].cp) || ep_lb_is_no_end(a[want - 1].cp))
    a[want - 1].cp = 0x5B57; // end on a character
  return a;
}

// 'paragraph_of_200000_chars_completes' - A 200,000-character paragraph completes with a bounded active set.
START_TEST(paragraph_of_200000_chars_completes)
{
  size_t n;
  ep_lb_atom *a = big_paragraph(200000, &n);
  ep_lb_result r;
  run(a, n, FIRST, MEASURE, &r);
  ck_assert_int_eq(r.pass, 1);
  check_paragraph(a, n, &r, FIRST, MEASURE);
  ck_assert_uint_gt(r.nlines, 200000 / 30);
  ck_assert_uint_le(r.max_active, 64); // pruned by width: bounded by the line length
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// 'memory_is_linear' - Scratch memory doubles when a paragraph broken at once doubles.
START_TEST(memory_is_linear)
{
  size_t n1, n2;
  ep_lb_atom *a1 = big_paragraph(100000, &n1);
  ep_lb_atom *a2 = big_paragraph(200000, &n2);
  ep_lb_result r1, r2;
  ep_lb_params p;
  ep_lb_params_init(&p, MEASURE);
  p.first_width = FIRST;
  ck_assert_int_eq(ep_linebreak_window(a1, n1, &p, SIZE_MAX, &r1), 0); // at once: not windowed
  ck_assert_int_eq(ep_linebreak_window(a2, n2, &p, SIZE_MAX, &r2), 0);
  double ratio = (double)r2.work_bytes / (double)r1.work_bytes;
  ck_assert_double_ge(ratio, 1.99);
  ck_assert_double_le(ratio, 2.01);
  ck_assert_uint_le(r2.work_bytes / n2, 256);
  ck_assert_uint_le(r2.max_active, r1.max_active + 4);
  ep_lb_result_free(&r1);
  ep_lb_result_free(&r2);
  free(a1);
  free(a2);
}
END_TEST

// 'long_paragraph_is_broken_a_window_at_a_time' - A paragraph longer than
// the window needs one window's scratch memory, keeps every rule, and takes
// about as many lines as when broken at once (not always the same lines:
// where several sets of breaks cost the same, which one the search keeps
// depends on where it ends).
START_TEST(long_paragraph_is_broken_a_window_at_a_time)
{
  size_t n;
  ep_lb_atom *a = big_paragraph(200000, &n);
  ep_lb_params p;
  ep_lb_params_init(&p, MEASURE);
  p.first_width = FIRST;
  ep_lb_result whole, win, small;
  ck_assert_int_eq(ep_linebreak_window(a, n, &p, SIZE_MAX, &whole), 0);
  ck_assert_int_eq(ep_linebreak(a, n, &p, &win), 0);
  ck_assert_int_eq(ep_linebreak_window(a, n, &p, 1000, &small), 0);
  check_paragraph(a, n, &win, FIRST, MEASURE);
  check_paragraph(a, n, &small, FIRST, MEASURE);
  ck_assert_int_eq(win.pass, 1);
  ck_assert_uint_le(win.work_bytes, whole.work_bytes / 8);
  ck_assert_uint_le(small.work_bytes, win.work_bytes);
  for (const ep_lb_result *r = &win; r; r = r == &win ? &small : NULL) {
    double d = (double)r->nlines - (double)whole.nlines;
    ck_assert_msg(fabs(d) <= whole.nlines / 200.0, "%zu lines against %zu broken at once", r->nlines,
                  whole.nlines);
  }
  // Shorter than the window: exactly the result broken at once.
  ep_lb_result one, at_once;
  ck_assert_int_eq(ep_linebreak_window(a, 3000, &p, 4096, &one), 0);
  ck_assert_int_eq(ep_linebreak_window(a, 3000, &p, SIZE_MAX, &at_once), 0);
  ck_assert(same_result(&one, &at_once));
  ep_lb_result_free(&whole);
  ep_lb_result_free(&win);
  ep_lb_result_free(&small);
  ep_lb_result_free(&one);
  ep_lb_result_free(&at_once);
  free(a);
}
END_TEST

// 'zero_width_atoms_stay_linear' - 30,000 zero-advance atoms are never pruned by
// width; the active-node cap keeps the search linear and the result complete.
START_TEST(zero_width_atoms_stay_linear)
{
  size_t n = 30000;
  ep_lb_atom *a = calloc(n, sizeof *a);
  ck_assert_ptr_nonnull(a);
  for (size_t i = 0; i < n; i++) {
    a[i].cp = 0x5B57;
    a[i].em = EM;
  }
  ep_lb_result r;
  run(a, n, MEASURE, MEASURE, &r);
  ck_assert_uint_le(r.max_active, 1024);
  size_t covered = 0;
  for (size_t k = 0; k < r.nlines; k++)
    covered += r.lines[k].end - r.lines[k].start;
  ck_assert_uint_eq(covered, n);
  ep_lb_result_free(&r);
  free(a);
}
END_TEST

// The memo's parts as lay_set_paras() uses them: a key finds nothing until
// a result made by a job is kept under it, then that result, shared; keeping
// a second result under the same key leaves the second the caller's; jobs
// give ep_linebreak()'s results.
START_TEST(memo_keys_and_jobs)
{
  ep_lb_memo *m = ep_lb_memo_new();
  char *text = han(150);
  size_t n;
  ep_lb_atom *a = make_atoms(text, &n);
  ep_lb_job jobs[3];
  memset(jobs, 0, sizeof jobs);
  for (int j = 0; j < 3; j++) {
    jobs[j].atoms = a;
    jobs[j].n = j == 2 ? n / 2 : n;
    ep_lb_params_init(&jobs[j].params, j == 1 ? 200 : 448);
  }
  for (size_t j = 3; j-- > 0;) // any order
    ep_linebreak_job(jobs, j);
  ep_lb_key k[3];
  for (int j = 0; j < 3; j++) {
    ck_assert_int_eq(jobs[j].rc, 0);
    ep_lb_result fresh;
    ck_assert_int_eq(ep_linebreak(a, jobs[j].n, &jobs[j].params, &fresh), 0);
    ck_assert(same_result(&fresh, &jobs[j].res));
    ep_lb_result_free(&fresh);
    ep_lb_memo_key(a, jobs[j].n, &jobs[j].params, &k[j]);
    ep_lb_result r;
    ck_assert(!ep_lb_memo_find(m, &k[j], &r));
  }
  ck_assert(k[0].h1 != k[1].h1 || k[0].h2 != k[1].h2); // another measure, another key
  ck_assert_uint_ne(k[0].n, k[2].n);
  ep_lb_memo_keep(m, &k[0], &jobs[0].res);
  ck_assert(jobs[0].res.shared);
  ep_lb_result again;
  ck_assert_int_eq(ep_linebreak(a, n, &jobs[0].params, &again), 0);
  ep_lb_memo_keep(m, &k[0], &again); // held already: stays the caller's
  ck_assert(!again.shared);
  ep_lb_result found;
  ck_assert(ep_lb_memo_find(m, &k[0], &found));
  ck_assert(found.shared && found.x == jobs[0].res.x);
  ck_assert(!ep_lb_memo_find(m, &k[1], &found));
  ep_lb_result_free(&again);
  for (int j = 0; j < 3; j++)
    ep_lb_result_free(&jobs[j].res); // the kept one: nothing freed, the memo's
  ck_assert(ep_lb_memo_find(m, &k[0], &found));
  ck_assert_uint_eq(found.n, n);
  ep_lb_memo_free(m);
  free(a);
  free(text);
}
END_TEST

// Inputs that differ only in their characters (a 目录's entries: the same
// flags, advances and ink) spread over the memo's table: 20,000 of them kept
// and found again take a few probes each, not one per entry held (the
// table's home slot once came from hash bits the characters never reach).
START_TEST(memo_spreads_inputs_that_differ_in_text_only)
{
  ep_lb_memo *m = ep_lb_memo_new();
  ck_assert_ptr_nonnull(m);
  enum { N = 20000 };
  ep_lb_params p;
  ep_lb_params_init(&p, 448);
  ep_lb_atom a[3];
  for (int round = 0; round < 2; round++)
    for (uint32_t i = 0; i < N; i++) {
      for (int k = 0; k < 3; k++)
        a[k] = (ep_lb_atom){0x4E00 + (i >> (8 * k)) % 256 + 256 * (uint32_t)k, 16, 16, 0, 0, 0};
      ep_lb_result r;
      ck_assert_int_eq(ep_linebreak_memo(m, a, 3, &p, &r), 0);
      ck_assert(r.shared);
      ep_lb_result_free(&r);
    }
  size_t probes = ep_lb_memo_probes(m);
  // 3N slot searches (a miss and a keep, then a hit), under 6 probes each on average
  ck_assert_msg(probes < (size_t)N * 3 * 6, "%zu probes for %d inputs asked twice", probes, N);
  ep_lb_memo_free(m);
}
END_TEST

// The memo answers a repeated input with the first result, shared (its
// arrays the memo's, freed by ep_lb_memo_free(); the caller's
// ep_lb_result_free() frees nothing), and any change to an atom or a
// parameter is a new input: 400 paragraphs x 2 widths, asked twice, grow the
// table and give exactly ep_linebreak()'s results.
START_TEST(memo_repeats_results_and_tells_inputs_apart)
{
  ep_lb_memo *m = ep_lb_memo_new();
  ck_assert_ptr_nonnull(m);
  static const double *first[400][2]; // round 0's shared arrays
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < 400; i++) {
      char *text = han(20 + i % 97);
      size_t n;
      ep_lb_atom *a = make_atoms(text, &n);
      if (i % 3 == 0)
        a[i % n].advance += 0.25; // a different atom, same text
      for (int wi = 0; wi < 2; wi++) {
        ep_lb_params p;
        ep_lb_params_init(&p, wi ? 160 : 448);
        p.min_last_chars = i % 5 == 0 ? 1 : 2;
        ep_lb_result fresh, memo;
        ck_assert_int_eq(ep_linebreak(a, n, &p, &fresh), 0);
        ck_assert_int_eq(ep_linebreak_memo(m, a, n, &p, &memo), 0);
        ck_assert_msg(same_result(&fresh, &memo), "paragraph %zu width %d round %d", i, wi, round);
        ck_assert_ptr_ne(fresh.x, memo.x);
        ck_assert(memo.shared && !fresh.shared);
        if (round == 0)
          first[i][wi] = memo.x;
        else
          ck_assert_ptr_eq(memo.x, first[i][wi]); // the same arrays: no copy
        ep_lb_result_free(&fresh);
        ep_lb_result_free(&memo);
        ck_assert_ptr_null(memo.x);
      }
      free(a);
      free(text);
    }
  ep_lb_result r;
  ck_assert_int_eq(ep_linebreak_memo(m, NULL, 0, NULL, &r), -2);
  ep_lb_memo_free(m);
  ep_lb_memo_free(NULL);
}
END_TEST

// Stopping the search over the active nodes early (once no later node can
// win) gives exactly the result of trying them all: 3,000 random paragraphs
// of ideographs, marks that compress, brackets, Latin words, numbers with
// their units, spaces, forced breaks, zero-width and wide atoms, odd
// advances and font sizes, at measures from a narrow cell to a wide page,
// with and without an indent, 孤字 rule, squeeze and shrink.
START_TEST(early_stop_changes_no_result)
{
  static const char *const pieces[] = {"社", "会", "救", "助", "信", "息", "化", "管", "理", "，", "。", "、", "；",
                                       "：", "“", "”", "（", "）", "《", "》", "——", "……", "2022", "年", "98.79",
                                       "%", "万元", " ", "APP", "a", "-", "/", "第", "3", "！", "\xe2\x80\x8b"};
  const size_t npieces = sizeof pieces / sizeof *pieces;
  unsigned long long x = 12345;
#define RND(m) ((x = x * 6364136223846793005ull + 1442695040888963407ull), (size_t)((x >> 33) % (m)))
  size_t pruned_paths = 0, tried_fast = 0, tried_full = 0; // the early stop does fire
  for (int i = 0; i < 3000; i++) {
    char text[4096] = "";
    size_t len = 0, want = 1 + RND(i % 10 == 0 ? 600 : 160);
    for (size_t k = 0; k < want; k++) {
      const char *pc = pieces[RND(npieces)];
      size_t l = strlen(pc);
      if (len + l + 1 >= sizeof text)
        break;
      memcpy(text + len, pc, l + 1);
      len += l;
    }
    size_t n;
    ep_lb_atom *a = make_atoms(text, &n);
    for (size_t k = 0; k < n; k++) {
      if (RND(40) == 0)
        a[k].advance *= 0.5 + (double)RND(100) / 50.0; // an odd advance
      if (RND(200) == 0)
        a[k].advance = 0;
      if (RND(300) == 0)
        a[k].flags |= EP_LB_BREAK_BEFORE;
      if (RND(25) == 0)
        a[k].em = EM * 1.5;
    }
    static const double widths[] = {60, 120, 160, 300, 442.2, 448, 600};
    ep_lb_params p;
    ep_lb_params_init(&p, widths[RND(7)]);
    if (RND(2)) {
      double indent = (double)RND(3) * PITCH * 2;
      p.first_width = p.width - indent + (RND(4) == 0 ? 3 * PITCH : 0); // sometimes wider
    }
    p.min_last_chars = (int)RND(3);
    p.no_squeeze = RND(4) == 0;
    p.no_shrink = RND(4) == 0;
    p.max_stretch = RND(5) == 0 ? 0.1 : 0;
    ep_lb_result fast, full;
    ck_assert_int_eq(ep_linebreak(a, n, &p, &fast), 0);
    p.exhaustive = true;
    ck_assert_int_eq(ep_linebreak(a, n, &p, &full), 0);
    ck_assert_msg(same_result(&fast, &full), "paragraph %d (%zu atoms): \"%s\"", i, n, text);
    tried_fast += fast.tried;
    tried_full += full.tried;
    pruned_paths += fast.tried < full.tried;
    ep_lb_result_free(&fast);
    ep_lb_result_free(&full);
    free(a);
  }
#undef RND
  ck_assert_uint_gt(pruned_paths, 1000);
  ck_assert_uint_lt(tried_fast, tried_full * 3 / 4);
}
END_TEST

// 'linebreak_suite()' - Every test above.

static Suite *linebreak_scale_suite(void)
{
  Suite *s = suite_create("linebreak_scale");
  TCase *tc = tcase_create("memo");
  tcase_add_test(tc, early_stop_changes_no_result);
  tcase_add_test(tc, memo_repeats_results_and_tells_inputs_apart);
  tcase_add_test(tc, memo_spreads_inputs_that_differ_in_text_only);
  tcase_add_test(tc, memo_keys_and_jobs);
  suite_add_tcase(s, tc);
  TCase *big = tcase_create("scale");
  tcase_set_timeout(big, 120);
  tcase_add_test(big, paragraph_of_200000_chars_completes);
  tcase_add_test(big, memory_is_linear);
  tcase_add_test(big, long_paragraph_is_broken_a_window_at_a_time);
  tcase_add_test(big, zero_width_atoms_stay_linear);
  suite_add_tcase(s, big);
  return s;
}

// 'main()' - Run the suite; exit status 0 when every test passed.
int main(void)
{
  SRunner *sr = srunner_create(linebreak_scale_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
