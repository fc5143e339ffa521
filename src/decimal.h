// Exact decimal figures for evalpdf: amounts, weights, scores and ratios.
//
// No binary floating point anywhere in a figure's path. A figure given in the
// input is an ep_dec: a signed fixed-point integer in millionths (6 fraction
// digits, the most the spec allows) plus the count of fraction digits it was
// written with. A computed ratio (execution rate, budget score, form total)
// is an ep_ratio: an exact fraction of two 128-bit integers, rounded half-up
// once, when it is printed.
//
// Every operation that can overflow returns false instead of wrapping.
#ifndef EVALPDF_DECIMAL_H
#define EVALPDF_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EP_DEC_SCALE 1000000LL /* 10^6: units per 1 */
#define EP_DEC_MAX_FRAC 6

// A decimal number: value = units / 10^6. |units| <= EP_DEC_LIMIT.
typedef struct ep_dec {
  int64_t units; // the value in millionths
  uint8_t frac;  // fraction digits as written or as computed (0..6)
} ep_dec;

// Largest magnitude allowed, in units (10^18 units = 10^12, a trillion).
#define EP_DEC_LIMIT 1000000000000000000LL

// An exact fraction num/den, den > 0, reduced by gcd.
typedef struct ep_ratio {
  __extension__ __int128 num;
  __extension__ __int128 den;
} ep_ratio;

// Why a parse failed (EP_PARSE_OK when it did not).
typedef enum ep_parse_error {
  EP_PARSE_OK = 0,
  EP_PARSE_EMPTY,       // nothing but spaces
  EP_PARSE_SYNTAX,      // not -?[0-9]+(\.[0-9]{1,6})? (e.g. "1,000", ".5", "1e3", "12.3.4", "+5", "5.")
  EP_PARSE_TOO_PRECISE, // more than 6 fraction digits
  EP_PARSE_OVERFLOW     // magnitude above 10^12
} ep_parse_error;

// 'ep_dec_parse()' - Parse TEXT (NUL-terminated) by the spec's grammar:
// surrounding ASCII spaces/tabs/newlines ignored, then -?[0-9]+(\.[0-9]{1,6})?,
// leading zeros allowed. On success stores the value in *OUT (frac = digits
// after the point) and returns EP_PARSE_OK; otherwise leaves *OUT unchanged.
ep_parse_error ep_dec_parse(const char *text, ep_dec *out);

// 'ep_parse_error_string()' - A short English phrase for ERR ("is empty",
// "has more than 6 decimal places", ...), for use in a diagnostic sentence.
const char *ep_parse_error_string(ep_parse_error err);

// 'ep_dec_from_int()' - The decimal equal to integer N (frac 0); false on overflow.
bool ep_dec_from_int(int64_t n, ep_dec *out);

// 'ep_dec_add()' / 'ep_dec_sub()' - *OUT = A ± B, exact; frac = max(A.frac, B.frac).
// Return false (leaving *OUT unchanged) when the result exceeds EP_DEC_LIMIT.
bool ep_dec_add(ep_dec a, ep_dec b, ep_dec *out);
bool ep_dec_sub(ep_dec a, ep_dec b, ep_dec *out);

// 'ep_dec_cmp()' - -1, 0 or 1 as A <, =, > B (by value; 1.50 == 1.5).
int ep_dec_cmp(ep_dec a, ep_dec b);

// 'ep_dec_is_zero()' / 'ep_dec_is_negative()' - Tests on the value.
bool ep_dec_is_zero(ep_dec a);
bool ep_dec_is_negative(ep_dec a);

// 'ep_dec_is_integer()' - True when A has no fractional part; stores it in *N if N != NULL.
bool ep_dec_is_integer(ep_dec a, int64_t *n);

// 'ep_ratio_make()' - *OUT = NUM / DEN exactly. False when DEN is zero.
bool ep_ratio_make(ep_dec num, ep_dec den, ep_ratio *out);

// 'ep_ratio_from_dec()' - The ratio equal to A.
ep_ratio ep_ratio_from_dec(ep_dec a);

// 'ep_ratio_add()' / 'ep_ratio_mul()' - Exact sum / product; false on 128-bit overflow.
bool ep_ratio_add(ep_ratio a, ep_ratio b, ep_ratio *out);
bool ep_ratio_mul(ep_ratio a, ep_ratio b, ep_ratio *out);

// 'ep_ratio_cmp()' - -1, 0 or 1 as A <, =, > B.
int ep_ratio_cmp(ep_ratio a, ep_ratio b);

// 'ep_ratio_min()' - The smaller of A and B.
ep_ratio ep_ratio_min(ep_ratio a, ep_ratio b);

// Printing. Every function writes a NUL-terminated ASCII string into BUF
// (BUF_SIZE bytes; 64 always suffices) and returns BUF. Rounding is half-up
// (away from zero for negatives: -0.125 -> -0.13), applied once, from the
// exact value. "-0" is never printed: a value that rounds to zero prints "0".

// 'ep_dec_format_plain()' - The exact value, trailing fraction zeros dropped:
// 1000 -> "1000", 987.910 -> "987.91", -3.5 -> "-3.5". No grouping.
char *ep_dec_format_plain(ep_dec a, char *buf, size_t buf_size);

// 'ep_dec_format_fixed()' - Exactly DIGITS (0..6) fraction digits, half-up: 9.875,2 -> "9.88", 5,2 -> "5.00".
char *ep_dec_format_fixed(ep_dec a, int digits, char *buf, size_t buf_size);

// 'ep_ratio_format_fixed()' - R with exactly DIGITS (0..12) fraction digits, half-up.
char *ep_ratio_format_fixed(ep_ratio r, int digits, char *buf, size_t buf_size);

// 'ep_ratio_format_trimmed()' - R rounded half-up to at most DIGITS fraction
// digits, trailing zeros (and a bare point) dropped: 91.8800 -> "91.88", 90.00 -> "90".
char *ep_ratio_format_trimmed(ep_ratio r, int digits, char *buf, size_t buf_size);

// 'ep_ratio_format_percent()' - R × 100 with at most 2 decimals, half-up,
// trailing zeros dropped, followed by '%': 0.98791 -> "98.79%", 0.879 -> "87.9%", 1 -> "100%".
char *ep_ratio_format_percent(ep_ratio r, char *buf, size_t buf_size);

// 'ep_format_chinese()' - N (0..99) in Chinese numerals: 0 "零", 1 "一", 10 "十",
// 11 "十一", 20 "二十", 99 "九十九". Returns NULL (BUF untouched) when N is out of range.
char *ep_format_chinese(int64_t n, char *buf, size_t buf_size);

// 'ep_format_chinese_ordinal()' - Any N >= 1 up to 99,999,999 as a Chinese
// numeral for section numbering: 1 "一", 10 "十", 11 "十一", 100 "一百", 101 "一百零一",
// 110 "一百一十", 1000 "一千", 10000 "一万", 10001 "一万零一". NULL when out of range.
char *ep_format_chinese_ordinal(int64_t n, char *buf, size_t buf_size);

#endif
