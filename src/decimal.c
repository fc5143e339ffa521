// Exact decimal figures for evalpdf: parsing, arithmetic, exact ratios and
// their printing, and Chinese numerals.
//
// No binary floating point is used anywhere. An ep_dec is an int64 count of
// millionths; an ep_ratio is a reduced fraction of two 128-bit integers. Every
// operation that could overflow is checked with __builtin_*_overflow (or done
// on magnitudes wide enough that it cannot) and reports failure instead of
// wrapping. Printing rounds half-up (away from zero) once, from the exact
// value, by long division on the magnitude, so no intermediate product can
// overflow. Every printer writes a NUL-terminated string that is truncated
// (at a UTF-8 character boundary) when BUF_SIZE is too small.
#include "decimal.h"

#include <string.h>

__extension__ typedef __int128 ep_i128;
__extension__ typedef unsigned __int128 ep_u128;

// Largest positive __int128, built without shifting into the sign bit.
#define EP_I128_MAX ((ep_i128)(~(ep_u128)0 >> 1))

// Longest string any printer composes (sign, 39 integer digits, point,
// 12 fraction digits, '%', NUL fit easily).
#define EP_FORMAT_MAX 80

// 'is_space()' - True for the ASCII whitespace that may surround a number.
static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// 'is_digit()' - True for an ASCII digit 0-9 (never a locale or non-ASCII digit).
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

// 'magnitude()' - |X| as an unsigned 128-bit value (exact even for the minimum).
static ep_u128 magnitude(ep_i128 x) { return x < 0 ? -(ep_u128)x : (ep_u128)x; }

// 'gcd_u128()' - Greatest common divisor of A and B; gcd(0, B) = B.
static ep_u128 gcd_u128(ep_u128 a, ep_u128 b) {
  while (b != 0) {
    ep_u128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// 'mul_u128_wide()' - The full 256-bit product A × B as (*HI, *LO).
static void mul_u128_wide(ep_u128 a, ep_u128 b, ep_u128 *hi, ep_u128 *lo) {
  const ep_u128 mask = (ep_u128)UINT64_MAX;
  ep_u128 a0 = a & mask, a1 = a >> 64, b0 = b & mask, b1 = b >> 64;
  ep_u128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  // Middle column: high half of p00 plus the low halves of the cross terms
  // (at most 3 × (2^64 - 1), no overflow).
  ep_u128 mid = (p00 >> 64) + (p01 & mask) + (p10 & mask);
  *lo = (p00 & mask) | (mid << 64);
  *hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
}

// 'cmp_u256()' - -1, 0 or 1 comparing the 256-bit values (AH, AL) and (BH, BL).
static int cmp_u256(ep_u128 ah, ep_u128 al, ep_u128 bh, ep_u128 bl) {
  if (ah != bh)
    return ah < bh ? -1 : 1;
  if (al != bl)
    return al < bl ? -1 : 1;
  return 0;
}

// 'ratio_from_parts()' - *OUT = (NEG ? -1 : 1) × N / D, reduced, den > 0.
// False when D is zero or a reduced part does not fit a signed 128-bit integer.
static bool ratio_from_parts(bool neg, ep_u128 n, ep_u128 d, ep_ratio *out) {
  if (d == 0)
    return false;
  ep_u128 g = gcd_u128(n, d); // >= 1 because d != 0
  n /= g;
  d /= g;
  if (n == 0) {
    neg = false;
    d = 1;
  }
  if (n > (ep_u128)EP_I128_MAX || d > (ep_u128)EP_I128_MAX)
    return false;
  out->num = neg ? -(ep_i128)n : (ep_i128)n;
  out->den = (ep_i128)d;
  return true;
}

// 'ratio_normalize()' - *OUT = NUM / DEN with den > 0, reduced by gcd.
// False when DEN is zero or the result does not fit.
static bool ratio_normalize(ep_i128 num, ep_i128 den, ep_ratio *out) {
  return ratio_from_parts((num < 0) != (den < 0), magnitude(num), magnitude(den), out);
}

// 'copy_out()' - Copy SRC into BUF (BUF_SIZE bytes), truncating at a UTF-8
// character boundary and always NUL-terminating; returns BUF.
static char *copy_out(const char *src, char *buf, size_t buf_size) {
  if (buf == NULL || buf_size == 0)
    return buf;
  size_t n = strlen(src);
  if (n > buf_size - 1) {
    n = buf_size - 1;
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
      n--; // never leave half of a multi-byte character
  }
  memcpy(buf, src, n);
  buf[n] = '\0';
  return buf;
}

// 'format_magnitude()' - Print (NEG ? -1 : 1) × N / D into BUF: rounded half-up
// (on the magnitude, so away from zero) to DIGITS fraction digits, then the
// decimal point moved SHIFT places right (2 for a percentage); when TRIM,
// trailing fraction zeros and a bare point are dropped; SUFFIX follows. A
// value that rounds to zero has no sign. D == 0 (an invalid ratio) prints "?".
static char *format_magnitude(bool neg, ep_u128 n, ep_u128 d, int digits, int shift,
                              bool trim, const char *suffix, char *buf,
                              size_t buf_size) {
  if (d == 0)
    return copy_out("?", buf, buf_size);

  // All digits of the rounded magnitude, integer part first, with DIGITS
  // fraction digits at the end: ip digits (at most 39) then the fraction.
  char all[EP_FORMAT_MAX];
  char frac[16];
  ep_u128 ip = n / d, rem = n % d;

  for (int i = 0; i < digits; i++) {
    // digit = floor(10 × rem / d), rem = 10 × rem mod d, by ten additions
    // of rem modulo d (10 × rem itself could exceed 128 bits). acc and rem
    // stay below d, and acc + rem >= d is tested as acc >= d - rem, so
    // nothing wraps.
    ep_u128 acc = 0;
    int digit = 0;
    for (int k = 0; k < 10; k++) {
      if (acc >= d - rem) { // acc + rem >= d, computed without overflow
        acc -= d - rem;
        digit++;
      } else {
        acc += rem;
      }
    }
    frac[i] = (char)('0' + digit);
    rem = acc;
  }

  // Half-up: round the magnitude up when the remainder is at least half of d.
  if (rem >= d - rem) {
    int i = digits - 1;
    while (i >= 0 && frac[i] == '9')
      frac[i--] = '0';
    if (i >= 0)
      frac[i]++;
    else
      ip++; // ip <= 2^127, so this cannot wrap
  }

  // Integer digits, most significant first.
  char tmp[48];
  int len = 0;
  do {
    tmp[len++] = (char)('0' + (int)(ip % 10));
    ip /= 10;
  } while (ip != 0);
  int total = 0;
  while (len > 0)
    all[total++] = tmp[--len];
  memcpy(all + total, frac, (size_t)digits);
  total += digits;

  // Split after moving the point SHIFT places right.
  int frac_len = digits - shift;
  int int_len = total - frac_len;
  const char *int_part = all;
  while (int_len > 1 && *int_part == '0') {
    int_part++;
    int_len--;
  }
  const char *frac_part = all + total - frac_len;
  if (trim)
    while (frac_len > 0 && frac_part[frac_len - 1] == '0')
      frac_len--;

  bool zero = true;
  for (int i = 0; i < total; i++)
    if (all[i] != '0')
      zero = false;

  char out[EP_FORMAT_MAX];
  size_t o = 0;
  if (neg && !zero)
    out[o++] = '-';
  memcpy(out + o, int_part, (size_t)int_len);
  o += (size_t)int_len;
  if (frac_len > 0) {
    out[o++] = '.';
    memcpy(out + o, frac_part, (size_t)frac_len);
    o += (size_t)frac_len;
  }
  size_t slen = strlen(suffix);
  memcpy(out + o, suffix, slen);
  o += slen;
  out[o] = '\0';
  return copy_out(out, buf, buf_size);
}

// 'clamp_digits()' - DIGITS limited to 0..MAX.
static int clamp_digits(int digits, int max) {
  if (digits < 0)
    return 0;
  return digits > max ? max : digits;
}

// 'ep_dec_parse()' - Parse TEXT by -?[0-9]+(\.[0-9]{1,6})? within optional
// surrounding ASCII whitespace; syntax is checked before precision, and
// precision before magnitude.
ep_parse_error ep_dec_parse(const char *text, ep_dec *out) {
  if (text == NULL)
    return EP_PARSE_EMPTY;
  const char *p = text;
  while (is_space(*p))
    p++;
  if (*p == '\0')
    return EP_PARSE_EMPTY;

  bool neg = false;
  if (*p == '-') {
    neg = true;
    p++;
  }
  const char *int_begin = p;
  while (is_digit(*p))
    p++;
  const char *int_end = p;
  if (int_end == int_begin)
    return EP_PARSE_SYNTAX;

  const char *frac_begin = p, *frac_end = p;
  if (*p == '.') {
    p++;
    frac_begin = p;
    while (is_digit(*p))
      p++;
    frac_end = p;
    if (frac_end == frac_begin)
      return EP_PARSE_SYNTAX; // "5."
  }
  while (is_space(*p))
    p++;
  if (*p != '\0')
    return EP_PARSE_SYNTAX;

  size_t frac_digits = (size_t)(frac_end - frac_begin);
  if (frac_digits > EP_DEC_MAX_FRAC)
    return EP_PARSE_TOO_PRECISE;

  // Leading zeros carry no value, however many there are.
  while (int_begin < int_end - 1 && *int_begin == '0')
    int_begin++;

  int64_t units = 0;
  for (const char *q = int_begin; q < int_end; q++)
    if (__builtin_mul_overflow(units, (int64_t)10, &units) ||
        __builtin_add_overflow(units, (int64_t)(*q - '0'), &units))
      return EP_PARSE_OVERFLOW;
  if (__builtin_mul_overflow(units, EP_DEC_SCALE, &units))
    return EP_PARSE_OVERFLOW;

  int64_t fraction = 0;
  for (size_t i = 0; i < EP_DEC_MAX_FRAC; i++) // pad to millionths
    fraction = fraction * 10 + (i < frac_digits ? (frac_begin[i] - '0') : 0);
  if (__builtin_add_overflow(units, fraction, &units) || units > EP_DEC_LIMIT)
    return EP_PARSE_OVERFLOW;

  out->units = neg ? -units : units;
  out->frac = (uint8_t)frac_digits;
  return EP_PARSE_OK;
}

// 'ep_parse_error_string()' - Phrase completing "the value ... " for ERR.
const char *ep_parse_error_string(ep_parse_error err) {
  switch (err) {
  case EP_PARSE_OK:
    return "is a valid number";
  case EP_PARSE_EMPTY:
    return "is empty";
  case EP_PARSE_SYNTAX:
    return "is not a decimal number like 12 or -3.25";
  case EP_PARSE_TOO_PRECISE:
    return "has more than 6 decimal places";
  case EP_PARSE_OVERFLOW:
    return "is larger than 10^12 in magnitude";
  }
  return "is not a valid number";
}

// 'ep_dec_from_int()' - N as a decimal with no fraction digits, if |N| <= 10^12.
bool ep_dec_from_int(int64_t n, ep_dec *out) {
  int64_t units;
  if (__builtin_mul_overflow(n, EP_DEC_SCALE, &units) || units > EP_DEC_LIMIT ||
      units < -EP_DEC_LIMIT)
    return false;
  out->units = units;
  out->frac = 0;
  return true;
}

// 'max_frac()' - The larger fraction-digit count of A and B, at most 6.
static uint8_t max_frac(ep_dec a, ep_dec b) {
  uint8_t f = a.frac > b.frac ? a.frac : b.frac;
  return f > EP_DEC_MAX_FRAC ? (uint8_t)EP_DEC_MAX_FRAC : f;
}

// 'ep_dec_add()' - A + B, false when outside +-EP_DEC_LIMIT.
bool ep_dec_add(ep_dec a, ep_dec b, ep_dec *out) {
  int64_t units;
  if (__builtin_add_overflow(a.units, b.units, &units) || units > EP_DEC_LIMIT ||
      units < -EP_DEC_LIMIT)
    return false;
  out->units = units;
  out->frac = max_frac(a, b);
  return true;
}

// 'ep_dec_sub()' - A - B, false when outside +-EP_DEC_LIMIT.
bool ep_dec_sub(ep_dec a, ep_dec b, ep_dec *out) {
  int64_t units;
  if (__builtin_sub_overflow(a.units, b.units, &units) || units > EP_DEC_LIMIT ||
      units < -EP_DEC_LIMIT)
    return false;
  out->units = units;
  out->frac = max_frac(a, b);
  return true;
}

// 'ep_dec_cmp()' - Order of A and B by value (frac is ignored).
int ep_dec_cmp(ep_dec a, ep_dec b) {
  if (a.units < b.units)
    return -1;
  return a.units > b.units ? 1 : 0;
}

// 'ep_dec_is_zero()' - True when A is zero.
bool ep_dec_is_zero(ep_dec a) { return a.units == 0; }

// 'ep_dec_is_negative()' - True when A is below zero.
bool ep_dec_is_negative(ep_dec a) { return a.units < 0; }

// 'ep_dec_is_integer()' - True when A is whole; its value goes to *N.
bool ep_dec_is_integer(ep_dec a, int64_t *n) {
  if (a.units % EP_DEC_SCALE != 0)
    return false;
  if (n != NULL)
    *n = a.units / EP_DEC_SCALE;
  return true;
}

// 'ep_ratio_make()' - NUM / DEN (the scales cancel), reduced.
bool ep_ratio_make(ep_dec num, ep_dec den, ep_ratio *out) {
  if (den.units == 0)
    return false;
  return ratio_normalize(num.units, den.units, out); // int64 parts always fit
}

// 'ep_ratio_from_dec()' - A as units / 10^6, reduced.
ep_ratio ep_ratio_from_dec(ep_dec a) {
  ep_ratio r = {0, 1};
  (void)ratio_normalize(a.units, EP_DEC_SCALE, &r); // cannot fail
  return r;
}

// 'ep_ratio_add()' - A + B over the least common denominator, reduced.
bool ep_ratio_add(ep_ratio a, ep_ratio b, ep_ratio *out) {
  ep_ratio x, y;
  if (!ratio_normalize(a.num, a.den, &x) || !ratio_normalize(b.num, b.den, &y))
    return false;
  ep_i128 g = (ep_i128)gcd_u128((ep_u128)x.den, (ep_u128)y.den);
  ep_i128 xs = y.den / g, ys = x.den / g; // scale factors to the common denominator
  ep_i128 t1, t2, num, den;
  if (__builtin_mul_overflow(x.num, xs, &t1) || __builtin_mul_overflow(y.num, ys, &t2) ||
      __builtin_add_overflow(t1, t2, &num) || __builtin_mul_overflow(x.den, xs, &den))
    return false;
  return ratio_normalize(num, den, out);
}

// 'ep_ratio_mul()' - A × B, cross-reduced first so that only a truly
// unrepresentable product fails.
bool ep_ratio_mul(ep_ratio a, ep_ratio b, ep_ratio *out) {
  ep_ratio x, y;
  if (!ratio_normalize(a.num, a.den, &x) || !ratio_normalize(b.num, b.den, &y))
    return false;
  ep_i128 g1 = (ep_i128)gcd_u128(magnitude(x.num), (ep_u128)y.den);
  ep_i128 g2 = (ep_i128)gcd_u128(magnitude(y.num), (ep_u128)x.den);
  ep_i128 num, den;
  if (__builtin_mul_overflow(x.num / g1, y.num / g2, &num) ||
      __builtin_mul_overflow(x.den / g2, y.den / g1, &den))
    return false;
  return ratio_normalize(num, den, out);
}

// 'ep_ratio_cmp()' - Exact order of A and B via 256-bit cross products (no
// overflow for any parts; a negative denominator is honoured).
int ep_ratio_cmp(ep_ratio a, ep_ratio b) {
  int sa = (a.num == 0 || a.den == 0) ? 0 : ((a.num < 0) != (a.den < 0) ? -1 : 1);
  int sb = (b.num == 0 || b.den == 0) ? 0 : ((b.num < 0) != (b.den < 0) ? -1 : 1);
  if (sa != sb)
    return sa < sb ? -1 : 1;
  if (sa == 0)
    return 0;
  ep_u128 lh, ll, rh, rl;
  mul_u128_wide(magnitude(a.num), magnitude(b.den), &lh, &ll);
  mul_u128_wide(magnitude(b.num), magnitude(a.den), &rh, &rl);
  int c = cmp_u256(lh, ll, rh, rl);
  return sa < 0 ? -c : c;
}

// 'ep_ratio_min()' - A when A <= B, else B.
ep_ratio ep_ratio_min(ep_ratio a, ep_ratio b) { return ep_ratio_cmp(a, b) <= 0 ? a : b; }

// 'ep_dec_format_plain()' - A exactly (6 places), trailing zeros dropped.
char *ep_dec_format_plain(ep_dec a, char *buf, size_t buf_size) {
  return format_magnitude(a.units < 0, magnitude(a.units), (ep_u128)EP_DEC_SCALE,
                          EP_DEC_MAX_FRAC, 0, true, "", buf, buf_size);
}

// 'ep_dec_format_fixed()' - A rounded half-up to DIGITS (clamped to 0..6) places.
char *ep_dec_format_fixed(ep_dec a, int digits, char *buf, size_t buf_size) {
  return format_magnitude(a.units < 0, magnitude(a.units), (ep_u128)EP_DEC_SCALE,
                          clamp_digits(digits, EP_DEC_MAX_FRAC), 0, false, "", buf,
                          buf_size);
}

// 'ep_ratio_format_fixed()' - R rounded half-up to DIGITS (clamped to 0..12) places.
char *ep_ratio_format_fixed(ep_ratio r, int digits, char *buf, size_t buf_size) {
  return format_magnitude((r.num < 0) != (r.den < 0), magnitude(r.num), magnitude(r.den),
                          clamp_digits(digits, 12), 0, false, "", buf, buf_size);
}

// 'ep_ratio_format_trimmed()' - R rounded half-up to DIGITS (clamped to
// 0..12) places, trailing zeros dropped.
char *ep_ratio_format_trimmed(ep_ratio r, int digits, char *buf, size_t buf_size) {
  return format_magnitude((r.num < 0) != (r.den < 0), magnitude(r.num), magnitude(r.den),
                          clamp_digits(digits, 12), 0, true, "", buf, buf_size);
}

// 'ep_ratio_format_percent()' - R × 100 to at most 2 places, then '%': R is
// rounded to 4 places and the point moved, so R × 100 is never formed.
char *ep_ratio_format_percent(ep_ratio r, char *buf, size_t buf_size) {
  return format_magnitude((r.num < 0) != (r.den < 0), magnitude(r.num), magnitude(r.den),
                          4, 2, true, "%", buf, buf_size);
}

static const char *const chinese_digit[10] = {"零", "一", "二", "三", "四",
                                               "五", "六", "七", "八", "九"};
static const char *const chinese_unit[4] = {"", "十", "百", "千"};

// 'append_group()' - Append G (1..9999) to OUT in Chinese numerals: zeros
// inside the group collapse to one 零, trailing zeros are silent, and when
// LEADING (the group starts the whole number) 一十 is written 十.
static void append_group(int64_t g, bool leading, char *out) {
  int64_t d[4] = {g / 1000 % 10, g / 100 % 10, g / 10 % 10, g % 10};
  bool started = false, zero_pending = false;
  for (int i = 0; i < 4; i++) {
    int pos = 3 - i; // 3 = 千, 0 = units
    if (d[i] == 0) {
      if (started)
        zero_pending = true;
      continue;
    }
    if (zero_pending)
      strcat(out, chinese_digit[0]);
    zero_pending = false;
    if (!(pos == 1 && d[i] == 1 && !started && leading))
      strcat(out, chinese_digit[d[i]]);
    strcat(out, chinese_unit[pos]);
    started = true;
  }
}

// 'ep_format_chinese()' - N in 0..99 as 零, 一 … 九十九; NULL when out of range.
char *ep_format_chinese(int64_t n, char *buf, size_t buf_size) {
  if (n < 0 || n > 99)
    return NULL;
  if (n == 0)
    return copy_out(chinese_digit[0], buf, buf_size);
  return ep_format_chinese_ordinal(n, buf, buf_size);
}

// 'ep_format_chinese_ordinal()' - N in 1..99,999,999 as a Chinese numeral
// with the 万 group and standard 零 rules; NULL when out of range.
char *ep_format_chinese_ordinal(int64_t n, char *buf, size_t buf_size) {
  if (n < 1 || n > 99999999)
    return NULL;
  char out[EP_FORMAT_MAX] = ""; // at most 15 characters of 3 bytes
  int64_t wan = n / 10000, rest = n % 10000;
  if (wan > 0) {
    append_group(wan, true, out);
    strcat(out, "万");
    if (rest > 0 && rest < 1000)
      strcat(out, chinese_digit[0]); // 一万零一, 十二万零三十四
    if (rest > 0)
      append_group(rest, false, out);
  } else {
    append_group(rest, true, out);
  }
  return copy_out(out, buf, buf_size);
}
