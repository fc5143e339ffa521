// Unit tests for src/decimal.c: parsing by the spec's number grammar, exact
// decimal arithmetic, exact ratios, half-up printing and Chinese numerals.
#include "decimal.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

#define I128_MAX ((i128)(~(u128)0 >> 1))

// 'dec()' - TEXT parsed; the test fails when it does not parse.
static ep_dec dec(const char *text) {
  ep_dec d = {0, 0};
  ck_assert_msg(ep_dec_parse(text, &d) == EP_PARSE_OK, "'%s' should parse", text);
  return d;
}

// 'ratio()' - NUM / DEN from two decimal strings.
static ep_ratio ratio(const char *num, const char *den) {
  ep_ratio r = {0, 1};
  ck_assert(ep_ratio_make(dec(num), dec(den), &r));
  return r;
}

// 'raw()' - A ratio with the given parts, bypassing every constructor.
static ep_ratio raw(i128 num, i128 den) {
  ep_ratio r;
  r.num = num;
  r.den = den;
  return r;
}

// 'assert_parse()' - TEXT parses to UNITS with FRAC fraction digits.
#define assert_parse(text, want_units, want_frac)                                      \
  do {                                                                                 \
    ep_dec d_ = {0, 0};                                                                \
    ck_assert_int_eq(ep_dec_parse((text), &d_), EP_PARSE_OK);                          \
    ck_assert_int_eq(d_.units, (want_units));                                          \
    ck_assert_int_eq(d_.frac, (want_frac));                                            \
  } while (0)

// 'assert_reject()' - TEXT fails with ERR and leaves the output untouched.
#define assert_reject(text, err)                                                       \
  do {                                                                                 \
    ep_dec d_ = {4242, 3};                                                             \
    ck_assert_int_eq(ep_dec_parse((text), &d_), (err));                                \
    ck_assert_int_eq(d_.units, 4242);                                                  \
    ck_assert_int_eq(d_.frac, 3);                                                      \
  } while (0)

// 'assert_pct()' - ratio R prints as percentage WANT.
#define assert_pct(r, want)                                                            \
  do {                                                                                 \
    char b_[48];                                                                       \
    ck_assert_str_eq(ep_ratio_format_percent((r), b_, sizeof b_), (want));             \
  } while (0)

// ---- parsing: accepted forms ----

START_TEST(parse_integer) { assert_parse("1292", 1292000000LL, 0); }
END_TEST

START_TEST(parse_zero) { assert_parse("0", 0, 0); }
END_TEST

START_TEST(parse_negative_zero_is_zero) {
  ep_dec d = dec("-0");
  ck_assert(ep_dec_is_zero(d));
  ck_assert(!ep_dec_is_negative(d));
}
END_TEST

START_TEST(parse_fraction_records_digits) { assert_parse("21.6835", 21683500LL, 4); }
END_TEST

START_TEST(parse_trailing_zero_fraction_counts) { assert_parse("1.50", 1500000LL, 2); }
END_TEST

START_TEST(parse_negative) { assert_parse("-3.5", -3500000LL, 1); }
END_TEST

START_TEST(parse_six_fraction_digits) { assert_parse("0.000001", 1, 6); }
END_TEST

START_TEST(parse_leading_zeros) { assert_parse("007", 7000000LL, 0); }
END_TEST

START_TEST(parse_leading_zeros_fraction) { assert_parse("-00.5", -500000LL, 1); }
END_TEST

START_TEST(parse_long_leading_zeros) {
  assert_parse("0000000000000000000000001", 1000000LL, 0);
  assert_parse("00000000000000000000000000000000000000001000000000000.000000",
               EP_DEC_LIMIT, 6);
}
END_TEST

START_TEST(parse_surrounding_whitespace) {
  assert_parse("  12.50 \t\n", 12500000LL, 2);
  assert_parse("\r\n-1\t", -1000000LL, 0);
}
END_TEST

START_TEST(parse_limit_accepted) {
  assert_parse("1000000000000", EP_DEC_LIMIT, 0);
  assert_parse("-1000000000000", -EP_DEC_LIMIT, 0);
  assert_parse("999999999999.999999", EP_DEC_LIMIT - 1, 6);
}
END_TEST

// ---- parsing: rejected forms ----

START_TEST(parse_null_is_empty) {
  ep_dec d = {4242, 3};
  ck_assert_int_eq(ep_dec_parse(NULL, &d), EP_PARSE_EMPTY);
  ck_assert_int_eq(d.units, 4242);
}
END_TEST

START_TEST(parse_empty) { assert_reject("", EP_PARSE_EMPTY); }
END_TEST

START_TEST(parse_only_spaces) {
  assert_reject("  ", EP_PARSE_EMPTY);
  assert_reject(" \t\n\r ", EP_PARSE_EMPTY);
}
END_TEST

START_TEST(parse_rejects_grouping_comma) { assert_reject("1,000", EP_PARSE_SYNTAX); }
END_TEST

START_TEST(parse_rejects_two_points) { assert_reject("12.3.4", EP_PARSE_SYNTAX); }
END_TEST

START_TEST(parse_rejects_exponent) {
  assert_reject("1e3", EP_PARSE_SYNTAX);
  assert_reject("1E3", EP_PARSE_SYNTAX);
}
END_TEST

START_TEST(parse_rejects_bare_fraction) { assert_reject(".5", EP_PARSE_SYNTAX); }
END_TEST

START_TEST(parse_rejects_trailing_point) {
  assert_reject("5.", EP_PARSE_SYNTAX);
  assert_reject("5. ", EP_PARSE_SYNTAX);
}
END_TEST

START_TEST(parse_rejects_plus) { assert_reject("+5", EP_PARSE_SYNTAX); }
END_TEST

START_TEST(parse_rejects_double_minus) { assert_reject("--1", EP_PARSE_SYNTAX); }
END_TEST

START_TEST(parse_rejects_lone_minus) {
  assert_reject("-", EP_PARSE_SYNTAX);
  assert_reject("- 1", EP_PARSE_SYNTAX);
  assert_reject("1-", EP_PARSE_SYNTAX);
}
END_TEST

START_TEST(parse_rejects_inner_space) { assert_reject("1 000", EP_PARSE_SYNTAX); }
END_TEST

START_TEST(parse_rejects_non_ascii_digits) {
  assert_reject("\xd9\xa1\xd9\xa2", EP_PARSE_SYNTAX);       // Arabic-Indic 12
  assert_reject("\xef\xbc\x91\xef\xbc\x92", EP_PARSE_SYNTAX); // full-width 12
  assert_reject("十二", EP_PARSE_SYNTAX);
}
END_TEST

START_TEST(parse_rejects_non_ascii_space) {
  assert_reject("\xc2\xa0" "1", EP_PARSE_SYNTAX);       // no-break space
  assert_reject("1\xe3\x80\x80", EP_PARSE_SYNTAX);      // ideographic space
}
END_TEST

START_TEST(parse_rejects_letters) {
  assert_reject("abc", EP_PARSE_SYNTAX);
  assert_reject("0x10", EP_PARSE_SYNTAX);
  assert_reject("12万", EP_PARSE_SYNTAX);
  assert_reject("1.5%", EP_PARSE_SYNTAX);
}
END_TEST

START_TEST(parse_too_precise) {
  assert_reject("1.1234567", EP_PARSE_TOO_PRECISE);
  assert_reject("0.0000001", EP_PARSE_TOO_PRECISE);
  assert_reject("1.0000000", EP_PARSE_TOO_PRECISE); // digits count, not value
}
END_TEST

START_TEST(parse_syntax_before_precision) {
  assert_reject("1.1234567x", EP_PARSE_SYNTAX);
}
END_TEST

START_TEST(parse_overflow) {
  assert_reject("1000000000001", EP_PARSE_OVERFLOW);
  assert_reject("-1000000000001", EP_PARSE_OVERFLOW);
  assert_reject("1000000000000.000001", EP_PARSE_OVERFLOW);
  assert_reject("9223372036854775808", EP_PARSE_OVERFLOW);
  assert_reject("99999999999999999999999999999999999999999999", EP_PARSE_OVERFLOW);
  assert_reject("0001000000000000.5", EP_PARSE_OVERFLOW);
}
END_TEST

START_TEST(parse_error_strings) {
  ck_assert_str_eq(ep_parse_error_string(EP_PARSE_EMPTY), "is empty");
  ck_assert_str_eq(ep_parse_error_string(EP_PARSE_TOO_PRECISE),
                   "has more than 6 decimal places");
  ck_assert_ptr_nonnull(ep_parse_error_string(EP_PARSE_OK));
  ck_assert_ptr_nonnull(ep_parse_error_string(EP_PARSE_SYNTAX));
  ck_assert_ptr_nonnull(ep_parse_error_string(EP_PARSE_OVERFLOW));
  ck_assert_ptr_nonnull(ep_parse_error_string((ep_parse_error)99));
  ck_assert_str_ne(ep_parse_error_string(EP_PARSE_SYNTAX),
                   ep_parse_error_string(EP_PARSE_OVERFLOW));
}
END_TEST

// ---- integers, add, sub, compare ----

START_TEST(from_int_basic) {
  ep_dec d;
  ck_assert(ep_dec_from_int(5, &d));
  ck_assert_int_eq(d.units, 5000000LL);
  ck_assert_int_eq(d.frac, 0);
  ck_assert(ep_dec_from_int(-7, &d));
  ck_assert_int_eq(d.units, -7000000LL);
}
END_TEST

START_TEST(from_int_limits) {
  ep_dec d = {4242, 3};
  ck_assert(ep_dec_from_int(1000000000000LL, &d));
  ck_assert_int_eq(d.units, EP_DEC_LIMIT);
  ck_assert(ep_dec_from_int(-1000000000000LL, &d));
  d.units = 4242;
  ck_assert(!ep_dec_from_int(1000000000001LL, &d));
  ck_assert(!ep_dec_from_int(-1000000000001LL, &d));
  ck_assert(!ep_dec_from_int(INT64_MAX, &d));
  ck_assert(!ep_dec_from_int(INT64_MIN, &d));
  ck_assert_int_eq(d.units, 4242);
}
END_TEST

START_TEST(add_keeps_max_frac) {
  ep_dec r;
  ck_assert(ep_dec_add(dec("1.5"), dec("2.25"), &r));
  ck_assert_int_eq(r.units, 3750000LL);
  ck_assert_int_eq(r.frac, 2);
  ck_assert(ep_dec_add(dec("900"), dec("87.910"), &r));
  ck_assert_int_eq(r.units, 987910000LL);
  ck_assert_int_eq(r.frac, 3);
}
END_TEST

START_TEST(add_funds_example) {
  // 428.39 + 33.44 and 750 + 70.815 from the spec's funds example.
  ep_dec r;
  char b[48];
  ck_assert(ep_dec_add(dec("428.39"), dec("33.44"), &r));
  ck_assert_str_eq(ep_dec_format_plain(r, b, sizeof b), "461.83");
  ck_assert(ep_dec_add(dec("750"), dec("70.815"), &r));
  ck_assert_str_eq(ep_dec_format_plain(r, b, sizeof b), "820.815");
}
END_TEST

START_TEST(add_negative) {
  ep_dec r;
  ck_assert(ep_dec_add(dec("-3.5"), dec("1.25"), &r));
  ck_assert_int_eq(r.units, -2250000LL);
  ck_assert_int_eq(r.frac, 2);
}
END_TEST

START_TEST(sub_basic) {
  ep_dec r;
  ck_assert(ep_dec_sub(dec("5"), dec("7.125"), &r));
  ck_assert_int_eq(r.units, -2125000LL);
  ck_assert_int_eq(r.frac, 3);
  ck_assert(ep_dec_sub(dec("750"), dec("428.39"), &r));
  ck_assert_int_eq(r.units, 321610000LL);
  ck_assert_int_eq(r.frac, 2);
}
END_TEST

START_TEST(add_at_limit) {
  ep_dec r;
  ck_assert(ep_dec_add(dec("999999999999.999999"), dec("0.000001"), &r));
  ck_assert_int_eq(r.units, EP_DEC_LIMIT);
  ck_assert(ep_dec_add(dec("-999999999999.999999"), dec("-0.000001"), &r));
  ck_assert_int_eq(r.units, -EP_DEC_LIMIT);
}
END_TEST

START_TEST(add_overflow) {
  ep_dec r = {4242, 3};
  ck_assert(!ep_dec_add(dec("1000000000000"), dec("0.000001"), &r));
  ck_assert(!ep_dec_add(dec("-1000000000000"), dec("-0.000001"), &r));
  ck_assert(!ep_dec_add(dec("1000000000000"), dec("1000000000000"), &r));
  ck_assert_int_eq(r.units, 4242);
  ck_assert_int_eq(r.frac, 3);
}
END_TEST

START_TEST(sub_overflow) {
  ep_dec r = {4242, 3};
  ck_assert(!ep_dec_sub(dec("1000000000000"), dec("-0.000001"), &r));
  ck_assert(!ep_dec_sub(dec("-1000000000000"), dec("1"), &r));
  ck_assert_int_eq(r.units, 4242);
  ck_assert(ep_dec_sub(dec("1000000000000"), dec("1000000000000"), &r));
  ck_assert(ep_dec_is_zero(r));
}
END_TEST

START_TEST(add_sub_raw_extremes_no_ub) {
  // Out-of-contract inputs must fail cleanly, not wrap (UBSan watches).
  ep_dec big = {INT64_MAX, 0}, small = {INT64_MIN, 0}, one = {1, 6}, r;
  ck_assert(!ep_dec_add(big, one, &r));
  ck_assert(!ep_dec_sub(small, one, &r));
  ck_assert(!ep_dec_sub(big, small, &r));
}
END_TEST

START_TEST(cmp_equal_values_different_frac) {
  ck_assert_int_eq(ep_dec_cmp(dec("1.50"), dec("1.5")), 0);
  ck_assert_int_eq(ep_dec_cmp(dec("90.000"), dec("90")), 0);
  ck_assert_int_eq(ep_dec_cmp(dec("-0"), dec("0")), 0);
}
END_TEST

START_TEST(cmp_order) {
  ck_assert_int_eq(ep_dec_cmp(dec("1.49"), dec("1.5")), -1);
  ck_assert_int_eq(ep_dec_cmp(dec("2"), dec("1.999999")), 1);
  ck_assert_int_eq(ep_dec_cmp(dec("-1"), dec("0")), -1);
  ck_assert_int_eq(ep_dec_cmp(dec("-1000000000000"), dec("1000000000000")), -1);
}
END_TEST

START_TEST(zero_and_negative) {
  ck_assert(ep_dec_is_zero(dec("0.000")));
  ck_assert(!ep_dec_is_zero(dec("0.000001")));
  ck_assert(ep_dec_is_negative(dec("-0.000001")));
  ck_assert(!ep_dec_is_negative(dec("0")));
}
END_TEST

START_TEST(is_integer) {
  int64_t n = 99;
  ck_assert(ep_dec_is_integer(dec("12.000"), &n));
  ck_assert_int_eq(n, 12);
  ck_assert(ep_dec_is_integer(dec("-3"), &n));
  ck_assert_int_eq(n, -3);
  n = 99;
  ck_assert(!ep_dec_is_integer(dec("0.5"), &n));
  ck_assert(!ep_dec_is_integer(dec("-7.000001"), &n));
  ck_assert_int_eq(n, 99);
  ck_assert(ep_dec_is_integer(dec("1000000000000"), NULL));
}
END_TEST

// ---- ratios ----

START_TEST(ratio_make_reduces) {
  ep_ratio r = ratio("987.91", "1000");
  ck_assert(r.num == 98791);
  ck_assert(r.den == 100000);
  r = ratio("2", "4");
  ck_assert(r.num == 1 && r.den == 2);
}
END_TEST

START_TEST(ratio_make_negative_den) {
  ep_ratio r = ratio("1", "-2");
  ck_assert(r.num == -1 && r.den == 2);
  r = ratio("-3", "-6");
  ck_assert(r.num == 1 && r.den == 2);
}
END_TEST

START_TEST(ratio_make_zero) {
  ep_ratio r = ratio("0", "-5");
  ck_assert(r.num == 0 && r.den == 1);
  r = raw(7, 7);
  ck_assert(!ep_ratio_make(dec("1"), dec("0.000"), &r));
  ck_assert(r.num == 7 && r.den == 7); // untouched
}
END_TEST

START_TEST(ratio_from_dec) {
  ep_ratio r = ep_ratio_from_dec(dec("1.5"));
  ck_assert(r.num == 3 && r.den == 2);
  r = ep_ratio_from_dec(dec("-0.000001"));
  ck_assert(r.num == -1 && r.den == 1000000);
  r = ep_ratio_from_dec(dec("0"));
  ck_assert(r.num == 0 && r.den == 1);
  r = ep_ratio_from_dec(dec("1000000000000"));
  ck_assert(r.num == 1000000000000LL && r.den == 1);
}
END_TEST

START_TEST(ratio_add) {
  ep_ratio r;
  ck_assert(ep_ratio_add(raw(1, 3), raw(1, 6), &r));
  ck_assert(r.num == 1 && r.den == 2);
  ck_assert(ep_ratio_add(raw(1, 2), raw(-1, 2), &r));
  ck_assert(r.num == 0 && r.den == 1);
  ck_assert(ep_ratio_add(raw(2, 4), raw(-3, -6), &r)); // unreduced inputs
  ck_assert(r.num == 1 && r.den == 1);
}
END_TEST

START_TEST(ratio_mul) {
  ep_ratio r;
  ck_assert(ep_ratio_mul(raw(2, 3), raw(3, 4), &r));
  ck_assert(r.num == 1 && r.den == 2);
  ck_assert(ep_ratio_mul(raw(-2, 3), raw(0, 1), &r));
  ck_assert(r.num == 0 && r.den == 1);
  ck_assert(ep_ratio_mul(raw(-2, 3), raw(-9, 4), &r));
  ck_assert(r.num == 3 && r.den == 2);
}
END_TEST

START_TEST(ratio_mul_cross_reduces) {
  // (2^120 / 3) × (3 / 2^120) = 1 without forming 2^240.
  i128 p = (i128)1 << 120;
  ep_ratio r;
  ck_assert(ep_ratio_mul(raw(p, 3), raw(3, p), &r));
  ck_assert(r.num == 1 && r.den == 1);
}
END_TEST

START_TEST(ratio_overflow) {
  i128 p = (i128)1 << 126;
  ep_ratio r = raw(5, 5);
  ck_assert(!ep_ratio_mul(raw(p, 1), raw(4, 1), &r));
  ck_assert(!ep_ratio_add(raw(p, 1), raw(p, 1), &r));
  ck_assert(!ep_ratio_add(raw(1, p - 1), raw(1, p + 1), &r)); // denominator overflows
  ck_assert(!ep_ratio_mul(raw(-I128_MAX, 1), raw(I128_MAX, 1), &r));
  ck_assert(r.num == 5 && r.den == 5); // untouched
  ck_assert(ep_ratio_add(raw(p - 1, 1), raw(p, 1), &r));
  ck_assert(r.num == I128_MAX);
}
END_TEST

START_TEST(ratio_zero_den_rejected) {
  ep_ratio r;
  ck_assert(!ep_ratio_add(raw(1, 0), raw(1, 2), &r));
  ck_assert(!ep_ratio_mul(raw(1, 2), raw(1, 0), &r));
}
END_TEST

START_TEST(ratio_cmp) {
  ck_assert_int_eq(ep_ratio_cmp(raw(1, 3), raw(1, 2)), -1);
  ck_assert_int_eq(ep_ratio_cmp(raw(1, 2), raw(1, 3)), 1);
  ck_assert_int_eq(ep_ratio_cmp(raw(2, 4), raw(1, 2)), 0);
  ck_assert_int_eq(ep_ratio_cmp(raw(-1, 2), raw(1, 3)), -1);
  ck_assert_int_eq(ep_ratio_cmp(raw(-1, 2), raw(-1, 3)), -1);
  ck_assert_int_eq(ep_ratio_cmp(raw(0, 1), raw(0, 7)), 0);
  ck_assert_int_eq(ep_ratio_cmp(raw(1, -2), raw(-1, 2)), 0);
}
END_TEST

START_TEST(ratio_cmp_huge_cross_products) {
  // Cross products need ~254 bits: compare must stay exact.
  // (M-1)/M exceeds (M-2)/(M-1) by 1/(M(M-1)).
  i128 m = I128_MAX;
  ck_assert_int_eq(ep_ratio_cmp(raw(m - 1, m), raw(m - 2, m - 1)), 1);
  ck_assert_int_eq(ep_ratio_cmp(raw(m - 2, m - 1), raw(m - 1, m)), -1);
  ck_assert_int_eq(ep_ratio_cmp(raw(-(m - 1), m), raw(-(m - 2), m - 1)), -1);
  ck_assert_int_eq(ep_ratio_cmp(raw(m - 1, m), raw(m - 1, m)), 0);
  ck_assert_int_eq(ep_ratio_cmp(raw(m, m - 1), raw(m - 1, m)), 1);
}
END_TEST

START_TEST(ratio_min) {
  ep_ratio m = ep_ratio_min(raw(2, 3), raw(3, 5));
  ck_assert(m.num == 3 && m.den == 5);
  m = ep_ratio_min(raw(-1, 1), raw(1, 1));
  ck_assert(m.num == -1);
}
END_TEST

// ---- percent ----

START_TEST(percent_execution_rate) { assert_pct(ratio("987.91", "1000"), "98.79%"); }
END_TEST

START_TEST(percent_drops_trailing_zero) { assert_pct(ratio("0.879", "1"), "87.9%"); }
END_TEST

START_TEST(percent_whole) {
  assert_pct(ratio("900", "900"), "100%");
  assert_pct(ratio("0", "900"), "0%");
  assert_pct(ratio("1.5", "1"), "150%");
}
END_TEST

START_TEST(percent_repeating) {
  assert_pct(raw(2, 3), "66.67%");
  assert_pct(raw(1, 3), "33.33%");
}
END_TEST

START_TEST(percent_half_up_boundary) {
  assert_pct(ratio("987.85", "1000"), "98.79%");     // 0.98785 exactly: up
  assert_pct(ratio("987.849999", "1000"), "98.78%"); // 0.987849999: down
  assert_pct(ratio("0.00005", "1"), "0.01%");
  assert_pct(raw(499999, 10000000000LL), "0%"); // 0.0000499999
}
END_TEST

START_TEST(percent_negative) {
  assert_pct(ratio("-1", "2"), "-50%");
  assert_pct(ratio("-987.85", "1000"), "-98.79%"); // away from zero
  assert_pct(ratio("-0.00005", "1"), "-0.01%");
}
END_TEST

START_TEST(percent_never_minus_zero) {
  assert_pct(ratio("-0.00001", "1"), "0%");
  assert_pct(ratio("-0", "1"), "0%");
}
END_TEST

START_TEST(percent_carry) {
  assert_pct(ratio("0.999995", "1"), "100%");
  assert_pct(ratio("9.99995", "1"), "1000%");
}
END_TEST

START_TEST(percent_huge) {
  char b[48];
  // Largest ratio: 100 × (2^127 - 1) still fits 48 bytes.
  ck_assert_str_eq(ep_ratio_format_percent(raw(-I128_MAX, 1), b, sizeof b),
                   "-17014118346046923173168730371588410572700%");
}
END_TEST

// ---- fixed and trimmed ----

START_TEST(budget_score_example) {
  // budget score = 10 × executed / budget = 10 × 987.91 / 1000 = 9.8791
  ep_ratio r;
  char b[48];
  ck_assert(ep_ratio_mul(ep_ratio_from_dec(dec("10")), ratio("987.91", "1000"), &r));
  ck_assert(r.num == 98791 && r.den == 10000);
  ck_assert_str_eq(ep_ratio_format_fixed(r, 2, b, sizeof b), "9.88");
  ck_assert_str_eq(ep_ratio_format_trimmed(r, 2, b, sizeof b), "9.88");
  ck_assert_str_eq(ep_ratio_format_fixed(r, 4, b, sizeof b), "9.8791");
  ck_assert_str_eq(ep_ratio_format_fixed(r, 0, b, sizeof b), "10");
}
END_TEST

START_TEST(trimmed_drops_zeros) {
  char b[48];
  ck_assert_str_eq(ep_ratio_format_trimmed(ratio("91.8800", "1"), 4, b, sizeof b), "91.88");
  ck_assert_str_eq(ep_ratio_format_trimmed(ratio("90.00", "1"), 2, b, sizeof b), "90");
  ck_assert_str_eq(ep_ratio_format_trimmed(ratio("90.004", "1"), 2, b, sizeof b), "90");
  ck_assert_str_eq(ep_ratio_format_trimmed(ratio("90.005", "1"), 2, b, sizeof b), "90.01");
  ck_assert_str_eq(ep_ratio_format_trimmed(raw(2, 3), 4, b, sizeof b), "0.6667");
}
END_TEST

START_TEST(trimmed_never_minus_zero) {
  char b[48];
  ck_assert_str_eq(ep_ratio_format_trimmed(ratio("-0.004", "1"), 2, b, sizeof b), "0");
  ck_assert_str_eq(ep_ratio_format_trimmed(ratio("-0.005", "1"), 2, b, sizeof b), "-0.01");
}
END_TEST

START_TEST(dec_fixed_examples) {
  char b[48];
  ck_assert_str_eq(ep_dec_format_fixed(dec("9.875"), 2, b, sizeof b), "9.88");
  ck_assert_str_eq(ep_dec_format_fixed(dec("5"), 2, b, sizeof b), "5.00");
  ck_assert_str_eq(ep_dec_format_fixed(dec("9.8791"), 2, b, sizeof b), "9.88");
  ck_assert_str_eq(ep_dec_format_fixed(dec("1.5"), 6, b, sizeof b), "1.500000");
}
END_TEST

START_TEST(dec_fixed_half_up_away_from_zero) {
  char b[48];
  ck_assert_str_eq(ep_dec_format_fixed(dec("-0.125"), 2, b, sizeof b), "-0.13");
  ck_assert_str_eq(ep_dec_format_fixed(dec("0.125"), 2, b, sizeof b), "0.13");
  ck_assert_str_eq(ep_dec_format_fixed(dec("0.124999"), 2, b, sizeof b), "0.12");
  ck_assert_str_eq(ep_dec_format_fixed(dec("0.5"), 0, b, sizeof b), "1");
  ck_assert_str_eq(ep_dec_format_fixed(dec("-0.5"), 0, b, sizeof b), "-1");
  ck_assert_str_eq(ep_dec_format_fixed(dec("0.499999"), 0, b, sizeof b), "0");
}
END_TEST

START_TEST(dec_fixed_never_minus_zero) {
  char b[48];
  ck_assert_str_eq(ep_dec_format_fixed(dec("-0.004"), 2, b, sizeof b), "0.00");
  ck_assert_str_eq(ep_dec_format_fixed(dec("-0.004"), 0, b, sizeof b), "0");
  ck_assert_str_eq(ep_dec_format_fixed(dec("-0"), 1, b, sizeof b), "0.0");
}
END_TEST

START_TEST(dec_fixed_carry) {
  char b[48];
  ck_assert_str_eq(ep_dec_format_fixed(dec("999.995"), 2, b, sizeof b), "1000.00");
  ck_assert_str_eq(ep_dec_format_fixed(dec("-999.995"), 2, b, sizeof b), "-1000.00");
  ck_assert_str_eq(ep_dec_format_fixed(dec("0.999995"), 5, b, sizeof b), "1.00000");
}
END_TEST

START_TEST(dec_fixed_digits_clamped) {
  char b[48];
  ck_assert_str_eq(ep_dec_format_fixed(dec("2.5"), -3, b, sizeof b), "3");
  ck_assert_str_eq(ep_dec_format_fixed(dec("2.5"), 99, b, sizeof b), "2.500000");
}
END_TEST

START_TEST(ratio_fixed_twelve_digits) {
  char b[48];
  ck_assert_str_eq(ep_ratio_format_fixed(raw(1, 3), 12, b, sizeof b), "0.333333333333");
  ck_assert_str_eq(ep_ratio_format_fixed(raw(2, 3), 12, b, sizeof b), "0.666666666667");
  ck_assert_str_eq(ep_ratio_format_fixed(raw(-2, 3), 12, b, sizeof b), "-0.666666666667");
  ck_assert_str_eq(ep_ratio_format_fixed(raw(1, 3), 50, b, sizeof b), "0.333333333333");
  ck_assert_str_eq(ep_ratio_format_fixed(raw(7, 2), -1, b, sizeof b), "4");
}
END_TEST

START_TEST(ratio_fixed_huge_denominator) {
  // Long division must not overflow when 10 × remainder exceeds 128 bits.
  char b[48];
  i128 m = I128_MAX;
  ck_assert_str_eq(ep_ratio_format_fixed(raw(1, m), 12, b, sizeof b), "0.000000000000");
  ck_assert_str_eq(ep_ratio_format_fixed(raw(m - 1, m), 12, b, sizeof b), "1.000000000000");
  ck_assert_str_eq(ep_ratio_format_fixed(raw((i128)1 << 126, m), 3, b, sizeof b), "0.500");
  ck_assert_str_eq(ep_ratio_format_fixed(raw((i128)1 << 126, m), 0, b, sizeof b), "1");
  ck_assert_str_eq(ep_ratio_format_fixed(raw(m / 3, m), 6, b, sizeof b), "0.333333");
}
END_TEST

START_TEST(ratio_fixed_huge_numerator) {
  char b[64];
  ck_assert_str_eq(ep_ratio_format_fixed(raw(I128_MAX, 1), 0, b, sizeof b),
                   "170141183460469231731687303715884105727");
  ck_assert_str_eq(ep_ratio_format_fixed(raw(-I128_MAX, 1), 12, b, sizeof b),
                   "-170141183460469231731687303715884105727.000000000000");
}
END_TEST

START_TEST(ratio_invalid_den_prints_marker) {
  char b[48];
  ck_assert_str_eq(ep_ratio_format_fixed(raw(1, 0), 2, b, sizeof b), "?");
  ck_assert_str_eq(ep_ratio_format_fixed(raw(1, -4), 2, b, sizeof b), "-0.25");
}
END_TEST

// ---- plain ----

START_TEST(plain_integer) {
  char b[48];
  ck_assert_str_eq(ep_dec_format_plain(dec("1000"), b, sizeof b), "1000");
  ck_assert_str_eq(ep_dec_format_plain(dec("1000.000"), b, sizeof b), "1000");
}
END_TEST

START_TEST(plain_drops_trailing_zeros) {
  char b[48];
  ck_assert_str_eq(ep_dec_format_plain(dec("987.910"), b, sizeof b), "987.91");
  ck_assert_str_eq(ep_dec_format_plain(dec("007.50"), b, sizeof b), "7.5");
}
END_TEST

START_TEST(plain_smallest) {
  char b[48];
  ck_assert_str_eq(ep_dec_format_plain(dec("0.000001"), b, sizeof b), "0.000001");
  ck_assert_str_eq(ep_dec_format_plain(dec("-0.000001"), b, sizeof b), "-0.000001");
}
END_TEST

START_TEST(plain_negative) {
  char b[48];
  ck_assert_str_eq(ep_dec_format_plain(dec("-3.5"), b, sizeof b), "-3.5");
}
END_TEST

START_TEST(plain_zero) {
  char b[48];
  ck_assert_str_eq(ep_dec_format_plain(dec("0"), b, sizeof b), "0");
  ck_assert_str_eq(ep_dec_format_plain(dec("-0.000"), b, sizeof b), "0");
}
END_TEST

START_TEST(plain_limits) {
  char b[48];
  ck_assert_str_eq(ep_dec_format_plain(dec("1000000000000"), b, sizeof b), "1000000000000");
  ck_assert_str_eq(ep_dec_format_plain(dec("-999999999999.999999"), b, sizeof b),
                   "-999999999999.999999");
  ep_dec extreme = {INT64_MIN, 6};
  ck_assert_str_eq(ep_dec_format_plain(extreme, b, sizeof b), "-9223372036854.775808");
}
END_TEST

// ---- Chinese numerals ----

// 'assert_cn()' - N as ep_format_chinese is WANT.
#define assert_cn(n, want)                                                             \
  do {                                                                                 \
    char b_[48];                                                                       \
    ck_assert_str_eq(ep_format_chinese((n), b_, sizeof b_), (want));                   \
  } while (0)

// 'assert_ord()' - N as ep_format_chinese_ordinal is WANT.
#define assert_ord(n, want)                                                            \
  do {                                                                                 \
    char b_[48];                                                                       \
    ck_assert_str_eq(ep_format_chinese_ordinal((n), b_, sizeof b_), (want));           \
  } while (0)

START_TEST(chinese_units) {
  assert_cn(0, "零");
  assert_cn(1, "一");
  assert_cn(5, "五");
  assert_cn(9, "九");
}
END_TEST

START_TEST(chinese_tens) {
  assert_cn(10, "十");
  assert_cn(11, "十一");
  assert_cn(15, "十五");
  assert_cn(20, "二十");
  assert_cn(21, "二十一");
  assert_cn(90, "九十");
  assert_cn(99, "九十九");
}
END_TEST

START_TEST(chinese_out_of_range) {
  char b[48] = "keep";
  ck_assert_ptr_null(ep_format_chinese(-1, b, sizeof b));
  ck_assert_ptr_null(ep_format_chinese(100, b, sizeof b));
  ck_assert_ptr_null(ep_format_chinese(INT64_MIN, b, sizeof b));
  ck_assert_ptr_null(ep_format_chinese(INT64_MAX, b, sizeof b));
  ck_assert_str_eq(b, "keep");
}
END_TEST

START_TEST(ordinal_small) {
  assert_ord(1, "一");
  assert_ord(10, "十");
  assert_ord(11, "十一");
  assert_ord(15, "十五");
  assert_ord(99, "九十九");
}
END_TEST

START_TEST(ordinal_hundreds) {
  assert_ord(100, "一百");
  assert_ord(101, "一百零一");
  assert_ord(110, "一百一十");
  assert_ord(111, "一百一十一");
  assert_ord(999, "九百九十九");
}
END_TEST

START_TEST(ordinal_thousands) {
  assert_ord(1000, "一千");
  assert_ord(1001, "一千零一");
  assert_ord(1010, "一千零一十");
  assert_ord(1100, "一千一百");
  assert_ord(2019, "二千零一十九");
}
END_TEST

START_TEST(ordinal_wan) {
  assert_ord(10000, "一万");
  assert_ord(10001, "一万零一");
  assert_ord(10010, "一万零一十");
  assert_ord(10100, "一万零一百");
  assert_ord(11000, "一万一千");
  assert_ord(100000, "十万");
  assert_ord(120034, "十二万零三十四");
  assert_ord(150000, "十五万");
}
END_TEST

START_TEST(ordinal_large) {
  assert_ord(1000000, "一百万");
  assert_ord(1000010, "一百万零一十");
  assert_ord(10000000, "一千万");
  assert_ord(10010001, "一千零一万零一");
  assert_ord(99999999, "九千九百九十九万九千九百九十九");
}
END_TEST

START_TEST(ordinal_out_of_range) {
  char b[48] = "keep";
  ck_assert_ptr_null(ep_format_chinese_ordinal(0, b, sizeof b));
  ck_assert_ptr_null(ep_format_chinese_ordinal(-5, b, sizeof b));
  ck_assert_ptr_null(ep_format_chinese_ordinal(100000000, b, sizeof b));
  ck_assert_ptr_null(ep_format_chinese_ordinal(INT64_MIN, b, sizeof b));
  ck_assert_str_eq(b, "keep");
}
END_TEST

// ---- truncation safety ----

START_TEST(truncate_ascii) {
  char b[8];
  memset(b, 'X', sizeof b);
  ck_assert_ptr_eq(ep_dec_format_plain(dec("1000"), b, 3), b);
  ck_assert_str_eq(b, "10");
  ck_assert_int_eq(b[3], 'X'); // nothing written past buf_size
  ck_assert_str_eq(ep_ratio_format_percent(ratio("987.91", "1000"), b, 4), "98.");
  ck_assert_int_eq(b[4], 'X');
}
END_TEST

START_TEST(truncate_size_one_and_zero) {
  char b[4] = "abc";
  ck_assert_str_eq(ep_dec_format_fixed(dec("5"), 2, b, 1), "");
  memcpy(b, "abc", 4);
  ck_assert_ptr_eq(ep_dec_format_plain(dec("5"), b, 0), b);
  ck_assert_str_eq(b, "abc"); // size 0: untouched
  ck_assert_ptr_null(ep_dec_format_plain(dec("5"), NULL, 0));
  ck_assert_ptr_null(ep_ratio_format_percent(raw(1, 2), NULL, 0));
}
END_TEST

START_TEST(truncate_utf8_boundary) {
  char b[8];
  memset(b, 'X', sizeof b);
  ck_assert_str_eq(ep_format_chinese(15, b, 4), "十");
  ck_assert_str_eq(ep_format_chinese(15, b, 6), "十");
  ck_assert_str_eq(ep_format_chinese(15, b, 7), "十五");
  ck_assert_str_eq(ep_format_chinese_ordinal(101, b, 3), "");
  ck_assert_int_eq(b[7], 'X');
}
END_TEST

START_TEST(truncate_long_ratio_in_48) {
  // A 54-byte result (sign, 39 digits, point, 12 digits) cut to 47 + NUL.
  char b[49];
  memset(b, 'X', sizeof b);
  ep_ratio_format_fixed(raw(-I128_MAX, 1), 12, b, 48);
  ck_assert_uint_eq(strlen(b), 47);
  ck_assert_int_eq(b[48], 'X');
}
END_TEST

START_TEST(fuzz_like_parse_never_crashes) {
  // Every 1-3 byte string over an alphabet of interesting bytes.
  const char alphabet[] = "0-. 9e+,\t\xd9\xa1";
  size_t n = sizeof alphabet - 1;
  char s[4];
  ep_dec d;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j <= n; j++)
      for (size_t k = 0; k <= n; k++) {
        s[0] = alphabet[i];
        s[1] = j < n ? alphabet[j] : '\0';
        s[2] = k < n ? alphabet[k] : '\0';
        s[3] = '\0';
        ep_parse_error e = ep_dec_parse(s, &d);
        ck_assert(e >= EP_PARSE_OK && e <= EP_PARSE_OVERFLOW);
      }
}
END_TEST

START_TEST(round_trip_plain_parse) {
  const char *samples[] = {"0", "1", "-1", "0.5", "-3.5", "987.91", "0.000001",
                           "1000000000000", "-999999999999.999999", "21.6835"};
  char b[48];
  for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
    ep_dec d = dec(samples[i]);
    ck_assert_str_eq(ep_dec_format_plain(d, b, sizeof b), samples[i]);
    ck_assert_int_eq(ep_dec_cmp(dec(b), d), 0);
  }
}
END_TEST

// 'decimal_suite()' - Every test above, grouped by area.
static Suite *decimal_suite(void) {
  Suite *s = suite_create("decimal");

  TCase *tc = tcase_create("parse");
  tcase_add_test(tc, parse_integer);
  tcase_add_test(tc, parse_zero);
  tcase_add_test(tc, parse_negative_zero_is_zero);
  tcase_add_test(tc, parse_fraction_records_digits);
  tcase_add_test(tc, parse_trailing_zero_fraction_counts);
  tcase_add_test(tc, parse_negative);
  tcase_add_test(tc, parse_six_fraction_digits);
  tcase_add_test(tc, parse_leading_zeros);
  tcase_add_test(tc, parse_leading_zeros_fraction);
  tcase_add_test(tc, parse_long_leading_zeros);
  tcase_add_test(tc, parse_surrounding_whitespace);
  tcase_add_test(tc, parse_limit_accepted);
  tcase_add_test(tc, parse_null_is_empty);
  tcase_add_test(tc, parse_empty);
  tcase_add_test(tc, parse_only_spaces);
  tcase_add_test(tc, parse_rejects_grouping_comma);
  tcase_add_test(tc, parse_rejects_two_points);
  tcase_add_test(tc, parse_rejects_exponent);
  tcase_add_test(tc, parse_rejects_bare_fraction);
  tcase_add_test(tc, parse_rejects_trailing_point);
  tcase_add_test(tc, parse_rejects_plus);
  tcase_add_test(tc, parse_rejects_double_minus);
  tcase_add_test(tc, parse_rejects_lone_minus);
  tcase_add_test(tc, parse_rejects_inner_space);
  tcase_add_test(tc, parse_rejects_non_ascii_digits);
  tcase_add_test(tc, parse_rejects_non_ascii_space);
  tcase_add_test(tc, parse_rejects_letters);
  tcase_add_test(tc, parse_too_precise);
  tcase_add_test(tc, parse_syntax_before_precision);
  tcase_add_test(tc, parse_overflow);
  tcase_add_test(tc, parse_error_strings);
  tcase_add_test(tc, fuzz_like_parse_never_crashes);
  suite_add_tcase(s, tc);

  tc = tcase_create("arith");
  tcase_add_test(tc, from_int_basic);
  tcase_add_test(tc, from_int_limits);
  tcase_add_test(tc, add_keeps_max_frac);
  tcase_add_test(tc, add_funds_example);
  tcase_add_test(tc, add_negative);
  tcase_add_test(tc, sub_basic);
  tcase_add_test(tc, add_at_limit);
  tcase_add_test(tc, add_overflow);
  tcase_add_test(tc, sub_overflow);
  tcase_add_test(tc, add_sub_raw_extremes_no_ub);
  tcase_add_test(tc, cmp_equal_values_different_frac);
  tcase_add_test(tc, cmp_order);
  tcase_add_test(tc, zero_and_negative);
  tcase_add_test(tc, is_integer);
  suite_add_tcase(s, tc);

  tc = tcase_create("ratio");
  tcase_add_test(tc, ratio_make_reduces);
  tcase_add_test(tc, ratio_make_negative_den);
  tcase_add_test(tc, ratio_make_zero);
  tcase_add_test(tc, ratio_from_dec);
  tcase_add_test(tc, ratio_add);
  tcase_add_test(tc, ratio_mul);
  tcase_add_test(tc, ratio_mul_cross_reduces);
  tcase_add_test(tc, ratio_overflow);
  tcase_add_test(tc, ratio_zero_den_rejected);
  tcase_add_test(tc, ratio_cmp);
  tcase_add_test(tc, ratio_cmp_huge_cross_products);
  tcase_add_test(tc, ratio_min);
  suite_add_tcase(s, tc);

  tc = tcase_create("percent");
  tcase_add_test(tc, percent_execution_rate);
  tcase_add_test(tc, percent_drops_trailing_zero);
  tcase_add_test(tc, percent_whole);
  tcase_add_test(tc, percent_repeating);
  tcase_add_test(tc, percent_half_up_boundary);
  tcase_add_test(tc, percent_negative);
  tcase_add_test(tc, percent_never_minus_zero);
  tcase_add_test(tc, percent_carry);
  tcase_add_test(tc, percent_huge);
  suite_add_tcase(s, tc);

  tc = tcase_create("fixed");
  tcase_add_test(tc, budget_score_example);
  tcase_add_test(tc, trimmed_drops_zeros);
  tcase_add_test(tc, trimmed_never_minus_zero);
  tcase_add_test(tc, dec_fixed_examples);
  tcase_add_test(tc, dec_fixed_half_up_away_from_zero);
  tcase_add_test(tc, dec_fixed_never_minus_zero);
  tcase_add_test(tc, dec_fixed_carry);
  tcase_add_test(tc, dec_fixed_digits_clamped);
  tcase_add_test(tc, ratio_fixed_twelve_digits);
  tcase_add_test(tc, ratio_fixed_huge_denominator);
  tcase_add_test(tc, ratio_fixed_huge_numerator);
  tcase_add_test(tc, ratio_invalid_den_prints_marker);
  suite_add_tcase(s, tc);

  tc = tcase_create("plain");
  tcase_add_test(tc, plain_integer);
  tcase_add_test(tc, plain_drops_trailing_zeros);
  tcase_add_test(tc, plain_smallest);
  tcase_add_test(tc, plain_negative);
  tcase_add_test(tc, plain_zero);
  tcase_add_test(tc, plain_limits);
  tcase_add_test(tc, round_trip_plain_parse);
  suite_add_tcase(s, tc);

  tc = tcase_create("chinese");
  tcase_add_test(tc, chinese_units);
  tcase_add_test(tc, chinese_tens);
  tcase_add_test(tc, chinese_out_of_range);
  tcase_add_test(tc, ordinal_small);
  tcase_add_test(tc, ordinal_hundreds);
  tcase_add_test(tc, ordinal_thousands);
  tcase_add_test(tc, ordinal_wan);
  tcase_add_test(tc, ordinal_large);
  tcase_add_test(tc, ordinal_out_of_range);
  suite_add_tcase(s, tc);

  tc = tcase_create("truncation");
  tcase_add_test(tc, truncate_ascii);
  tcase_add_test(tc, truncate_size_one_and_zero);
  tcase_add_test(tc, truncate_utf8_boundary);
  tcase_add_test(tc, truncate_long_ratio_in_48);
  suite_add_tcase(s, tc);

  return s;
}

int main(void) {
  SRunner *sr = srunner_create(decimal_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
