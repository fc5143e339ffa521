// Unit tests of pdf_text.c: numbers exactly as "%.5f" trimmed would print
// them (the fast path for multiples of 1/32 and the general one), content
// stream reals to the nearest thousandth (compared with "%.3f"), decimal and
// hex pieces, text strings above the BMP, the ToUnicode CMap's ranges and
// blocks, and a font's default width.
#include "pdf_text.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// 'reference()' - V as "%.5f" with trailing zeros (and a bare point) removed.
static void reference(double v, char *out, size_t size) {
  int k = snprintf(out, size, "%.5f", fabs(v) < 1e-6 ? 0.0 : v);
  while (k > 1 && out[k - 1] == '0')
    out[--k] = 0;
  if (k > 1 && out[k - 1] == '.')
    out[--k] = 0;
}

// 'number()' - ep_pdf_put_number(V) as a string in BUF.
static const char *number(double v, char *buf, size_t size) {
  ep_buf b;
  ep_buf_init(&b);
  ep_pdf_put_number(&b, v);
  snprintf(buf, size, "%s", ep_buf_str(&b));
  ep_buf_free(&b);
  return buf;
}

START_TEST(numbers_match_printf) {
  char want[64], got[64];
  for (long i = -200000; i <= 200000; i += 7) { // multiples of 1/32: the fast path
    double v = i / 32.0;
    reference(v, want, sizeof want);
    ck_assert_str_eq(number(v, got, sizeof got), want);
  }
  srand(7);
  for (int i = 0; i < 200000; i++) { // anything else: printf's rounding
    double v = (rand() / (double)RAND_MAX - 0.5) * 4000;
    if (i % 3 == 0)
      v = round(v * 100) / 100;
    reference(v, want, sizeof want);
    ck_assert_str_eq(number(v, got, sizeof got), want);
  }
  for (int i = 0; i < 400000; i++) { // character spacings: small, many digits, half-way cases among them
    double v = (rand() / (double)RAND_MAX - 0.5) * (i % 2 ? 2 : 40);
    if (i % 5 == 0)
      v = (round(v * 100000) + (i % 10 == 0 ? 0.5 : -0.5)) / 100000; // on a half of the fifth decimal
    reference(v, want, sizeof want);
    ck_assert_str_eq(number(v, got, sizeof got), want);
  }
  const double edge[] = {-0.0, 1e-7, -1e-7, 5e-6, -4e-6, -5e-6, 0.03125, -0.5, 999999999.96875, 1e9, 1e12, 10.5, 16,
                         999999.999995, 1e6, -0.000015, 0.000025, 123456.789015};
  for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
    reference(edge[i], want, sizeof want);
    ck_assert_str_eq(number(edge[i], got, sizeof got), want);
  }
  ck_assert_str_eq(number(10.5, got, sizeof got), "10.5");
  ck_assert_str_eq(number(-0.0, got, sizeof got), "0");
}
END_TEST

// 'thousandths()' - V clamped to +-32767 as "%.3f" prints it, trailing zeros
// (and a bare point) removed, "-0" as "0"; *TIE when V lies within 1e-9 of
// a half thousandth, where "%.3f" (the exact binary value, ties to even)
// and a rounding of V * 1000 may differ.
static const char *thousandths(double v, char *buf, size_t size, bool *tie) {
  v = v > 32767 ? 32767 : v < -32767 ? -32767 : v;
  double frac = fabs(v) * 1000 - floor(fabs(v) * 1000);
  *tie = fabs(frac - 0.5) < 1e-6;
  int k = snprintf(buf, size, "%.3f", v);
  while (buf[k - 1] == '0')
    buf[--k] = 0;
  if (buf[k - 1] == '.')
    buf[--k] = 0;
  if (!strcmp(buf, "-0"))
    strcpy(buf, "0");
  return buf;
}

START_TEST(reals_round_to_thousandths) {
  char want[64];
  ep_buf b;
  ep_buf_init(&b);
  srand(11);
  size_t checked = 0;
  for (long i = 0; i < 600000; i++) {
    double v;
    switch (i % 4) {
    case 0: v = (rand() / (double)RAND_MAX - 0.5) * 90000; break;      // beyond the +-32767 clamp too
    case 1: v = round((rand() / (double)RAND_MAX - 0.5) * 2e6) / 100; break; // two decimals
    case 2: v = (rand() / (double)RAND_MAX - 0.5) * 2e-2; break;       // small, both signs
    default: v = (double)(i / 4 % 70000) - 35000 + (i % 8 == 3 ? 0.9996 : 0.0004); break;
    }
    b.len = 0;
    ep_pdf_put_real(&b, v);
    bool tie;
    thousandths(v, want, sizeof want, &tie);
    if (tie) // either neighbour, within half a thousandth
      ck_assert_msg(fabs(strtod(ep_buf_str(&b), NULL) - v) <= 0.0005 + 1e-9, "%.17g: %s", v, ep_buf_str(&b));
    else
      ck_assert_msg(!strcmp(ep_buf_str(&b), want), "%.17g: %s, %%.3f %s", v, ep_buf_str(&b), want);
    checked += !tie;
  }
  ck_assert_uint_gt(checked, 590000);
  static const struct {
    double v;
    const char *s;
  } edge[] = {{0, "0"},          {-0.0, "0"},           {1e-7, "0"},         {-0.0004, "0"},      {0.0006, "0.001"},
              {-0.0006, "-0.001"}, {0.5, "0.5"},        {-0.5, "-0.5"},      {32767, "32767"},    {-32767, "-32767"},
              {32768, "32767"},  {-1e9, "-32767"},     {1e9, "32767"},      {10.5, "10.5"},      {732.45288, "732.453"},
              {1.0 / 3, "0.333"}, {0.53333, "0.533"},  {-0.28459, "-0.285"}, {137.60686, "137.607"}, {9.9996, "10"},
              {NAN, "32767"}};
  for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
    b.len = 0;
    ep_pdf_put_real(&b, edge[i].v);
    ck_assert_str_eq(ep_buf_str(&b), edge[i].s);
  }
  b.len = 0;
  ep_pdf_put_reals(&b, (double[]){1, 0, 0.25}, 3, " Tm\n");
  ck_assert_str_eq(ep_buf_str(&b), "1 0 0.25 Tm\n");
  ep_buf_free(&b);
}
END_TEST

START_TEST(uint_hex_and_text_strings) {
  ep_buf b;
  ep_buf_init(&b);
  ep_pdf_put_uint(&b, 0);
  ep_buf_putc(&b, ' ');
  ep_pdf_put_uint(&b, 18446744073709551615ull);
  ep_buf_putc(&b, ' ');
  ep_pdf_put_hex4(&b, 0x1ABCD); // the low 16 bits
  ep_buf_putc(&b, ' ');
  ep_pdf_put_text_string(&b, "A\xe5\xae\x8c\xf0\xa0\x80\x8b\xff"); // A, 完, U+2000B, a stray byte
  ck_assert_str_eq(ep_buf_str(&b), "0 18446744073709551615 ABCD <FEFF00415B8CD840DC0BFFFD>");
  ep_buf_free(&b);
}
END_TEST

START_TEST(to_unicode_ranges_chars_and_blocks) {
  // 0x41..0x43 in a row: one bfrange; U+2000B: a surrogate pair; 0x4E00 alone.
  const uint32_t cps[] = {0x41, 0x42, 0x43, 0x4E00, 0x2000B};
  ep_buf b;
  ep_buf_init(&b);
  ep_pdf_to_unicode(cps, 5, &b);
  const char *s = ep_buf_str(&b);
  ck_assert_ptr_nonnull(strstr(s, "1 beginbfrange\n<0001> <0003> <0041>\nendbfrange\n"));
  ck_assert_ptr_nonnull(strstr(s, "2 beginbfchar\n<0004> <4E00>\n<0005> <D840DC0B>\nendbfchar\n"));
  ep_buf_free(&b);
  // 250 characters that no range joins: blocks of at most 100 entries
  uint32_t sparse[250];
  for (int i = 0; i < 250; i++)
    sparse[i] = 0x4E00 + 2 * (uint32_t)i;
  ep_buf_init(&b);
  ep_pdf_to_unicode(sparse, 250, &b);
  s = ep_buf_str(&b);
  ck_assert_ptr_nonnull(strstr(s, "100 beginbfchar\n"));
  ck_assert_ptr_nonnull(strstr(s, "50 beginbfchar\n"));
  ck_assert_ptr_null(strstr(s, "bfrange"));
  ep_buf_free(&b);
}
END_TEST

START_TEST(default_width_is_the_commonest_first_on_ties) {
  const int a[] = {500, 1000, 500, 1000, 250};
  ck_assert_int_eq(ep_pdf_default_width(a, 5), 500); // 500 and 1000 twice: 500 came first
  const int b[] = {250, 1000, 1000};
  ck_assert_int_eq(ep_pdf_default_width(b, 3), 1000);
  ck_assert_int_eq(ep_pdf_default_width(NULL, 0), 1000);
}
END_TEST

// The CID index: CID 1 + i for the i-th ascending code point, every one
// found (the ends of the code space too), anything else 0; an empty font.
START_TEST(cid_index_finds_each_character) {
  enum { N = 3000 };
  uint32_t *cps = malloc(N * sizeof *cps);
  ck_assert_ptr_nonnull(cps);
  cps[0] = 0;
  for (size_t i = 1; i + 1 < N; i++)
    cps[i] = 0x4E00 + (uint32_t)(3 * i); // gaps between them, and keys that collide in the hash's low bits
  cps[N - 1] = 0x10FFFF;
  ep_pdf_cids x;
  ep_pdf_cids_make(&x, cps, N);
  ck_assert_uint_ge(x.mask + 1, 2 * N);
  for (size_t i = 0; i < N; i++)
    ck_assert_uint_eq(ep_pdf_cid(&x, cps[i]), i + 1);
  ck_assert_uint_eq(ep_pdf_cid(&x, 0x4E00 + 4), 0);
  ck_assert_uint_eq(ep_pdf_cid(&x, 0x10FFFE), 0);
  ck_assert_uint_eq(ep_pdf_cid(&x, 'A'), 0);
  ep_pdf_cids_free(&x);
  ck_assert_ptr_null(x.slots);
  ep_pdf_cids_free(&x); // freed twice: fine
  ep_pdf_cids_make(&x, NULL, 0);
  ck_assert_uint_eq(ep_pdf_cid(&x, 0x4E00), 0);
  ep_pdf_cids_free(&x);
  free(cps);
}
END_TEST

// 'pdf_text_suite()' - All pdf_text tests.
static Suite *pdf_text_suite(void) {
  Suite *s = suite_create("pdf_text");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120); // hundreds of thousands of comparisons, several times slower under the sanitizers
  tcase_add_test(tc, numbers_match_printf);
  tcase_add_test(tc, reals_round_to_thousandths);
  tcase_add_test(tc, uint_hex_and_text_strings);
  tcase_add_test(tc, to_unicode_ranges_chars_and_blocks);
  tcase_add_test(tc, default_width_is_the_commonest_first_on_ties);
  tcase_add_test(tc, cid_index_finds_each_character);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(pdf_text_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
