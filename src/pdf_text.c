// PDF syntax that needs no libharu (see pdf_text.h).
#include "pdf_text.h"

#include "subset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOUNICODE_BLOCK 100 // entries per beginbfrange/beginbfchar block (CMap limit)

// 'ep_pdf_put_uint()' - Append V in decimal (printf's cost adds up: numbers go out
// for every text run and bookmark).
void ep_pdf_put_uint(ep_buf *out, unsigned long long v) {
  char d[24];
  size_t n = sizeof d;
  do {
    d[--n] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  ep_buf_put(out, d + n, sizeof d - n);
}

// 'ep_pdf_put_hex4()' - Append the low 16 bits of V as four uppercase hex digits.
void ep_pdf_put_hex4(ep_buf *out, unsigned v) {
  static const char hex[] = "0123456789ABCDEF";
  char c[4] = {hex[v >> 12 & 15], hex[v >> 8 & 15], hex[v >> 4 & 15], hex[v & 15]};
  ep_buf_put(out, c, 4);
}

// 'ep_pdf_utf16()' - CP as one UTF-16 code unit, or a surrogate pair above the BMP.
int ep_pdf_utf16(uint32_t cp, uint16_t u[2]) {
  if (cp <= 0xFFFF) {
    u[0] = (uint16_t)cp;
    return 1;
  }
  u[0] = (uint16_t)(0xD800u + ((cp - 0x10000) >> 10));
  u[1] = (uint16_t)(0xDC00u + ((cp - 0x10000) & 0x3FF));
  return 2;
}

// 'ep_pdf_put_utf16()' - Append code point CP as UTF-16BE hex: four digits, or
// eight for a surrogate pair above the BMP.
void ep_pdf_put_utf16(ep_buf *out, uint32_t cp) {
  uint16_t u[2];
  for (int k = 0, n = ep_pdf_utf16(cp, u); k < n; k++)
    ep_pdf_put_hex4(out, u[k]);
}

// 'put_fifths()' - Append "-" when MINUS, then WHOLE and, when FRAC (in
// hundred-thousandths, below 100000) is not 0, its five decimals without
// trailing zeros.
static void put_fifths(ep_buf *out, bool minus, unsigned long long whole, unsigned frac) {
  if (minus)
    ep_buf_putc(out, '-');
  ep_pdf_put_uint(out, whole);
  if (!frac)
    return;
  char d[6] = {'.', (char)('0' + frac / 10000), (char)('0' + frac / 1000 % 10), (char)('0' + frac / 100 % 10),
               (char)('0' + frac / 10 % 10), (char)('0' + frac % 10)};
  size_t n = 6;
  while (d[n - 1] == '0')
    n--;
  ep_buf_put(out, d, n);
}

// 'ep_pdf_put_number()' - V into OUT as a PDF number: at most five decimals, no
// trailing zeros (as libharu writes numbers).
void ep_pdf_put_number(ep_buf *out, double v) {
  v = fabs(v) < 1e-6 ? 0.0 : v;
  double k32 = v * 32;
  if (fabs(v) < 1e9 && k32 == floor(k32)) { // a multiple of 1/32 (font sizes: 16, 10.5): exact in five decimals
    long long k = (long long)k32;
    unsigned long long a = (unsigned long long)(k < 0 ? -k : k);
    put_fifths(out, k < 0, a / 32, (unsigned)(a % 32) * 3125); // 1/32 = 0.03125
    return;
  }
  // Other values (a justified line's character spacing): v * 100000 rounded
  // is what "%.5f" prints unless that product lies near a half, where its
  // own rounding error could decide (snprintf below decides there).
  double a = fabs(v), p = a * 100000.0;
  if (a < 1e6 && fabs(p - floor(p) - 0.5) > 1e-4) {
    unsigned long long m = (unsigned long long)(p + 0.5);
    put_fifths(out, v < 0, m / 100000, (unsigned)(m % 100000)); // "%.5f" keeps the sign of a negative 0
    return;
  }
  char num[64];
  int k = snprintf(num, sizeof num, "%.5f", v);
  while (k > 1 && num[k - 1] == '0')
    num[--k] = 0;
  if (k > 1 && num[k - 1] == '.')
    num[--k] = 0;
  ep_buf_puts(out, num);
}

// 'ep_pdf_put_real()' - Append V as a content stream's number: rounded to
// the nearest thousandth (half away from zero), clamped to +-32767, no
// trailing zeros, no "-0".
void ep_pdf_put_real(ep_buf *out, double v) {
  double a = fabs(v);
  if (!(a < 32767.0)) // NaN too
    a = 32767.0;
  uint32_t m = (uint32_t)(a * 1000.0 + 0.5); // at most 32,767,000
  char digits[16];                           // the integer part, '.', three decimals: filled from the end
  size_t d = sizeof digits, end = sizeof digits;
  uint32_t frac = m % 1000, whole = m / 1000;
  for (int i = 0; i < 3; i++, frac /= 10)
    digits[--d] = (char)('0' + frac % 10);
  digits[--d] = '.';
  do
    digits[--d] = (char)('0' + whole % 10);
  while ((whole /= 10) > 0);
  while (digits[end - 1] == '0') // trailing zeros of the decimals, then a bare point
    end--;
  if (digits[end - 1] == '.')
    end--;
  if (v < 0 && m)
    digits[--d] = '-';
  ep_buf_put(out, digits + d, end - d);
}

// 'ep_pdf_put_reals()' - Append the N numbers of V as ep_pdf_put_real() does,
// separated by spaces, then OP (an operator such as " re\n").
void ep_pdf_put_reals(ep_buf *out, const double *v, size_t n, const char *op) {
  for (size_t i = 0; i < n; i++) {
    if (i)
      ep_buf_putc(out, ' ');
    ep_pdf_put_real(out, v[i]);
  }
  ep_buf_puts(out, op);
}

// 'ep_pdf_put_text_string()' - Append UTF-8 text S as a PDF text string: <FEFF...>
// (UTF-16BE, characters above the BMP as surrogate pairs).
void ep_pdf_put_text_string(ep_buf *out, const char *s) {
  size_t len = strlen(s), i = 0;
  ep_buf_puts(out, "<FEFF");
  while (i < len) {
    ep_pdf_put_utf16(out, ep_utf8_next(s, len, &i));
  }
  ep_buf_putc(out, '>');
}

// 'cmap_entries()' - Print N entries of KIND ("bfrange"/"bfchar") from LINES
// (one entry per '\n'-terminated line) into OUT in blocks of at most 100.
static void cmap_entries(ep_buf *out, const char *kind, const ep_buf *lines, size_t n) {
  const char *p = ep_buf_str(lines);
  while (n > 0) {
    size_t k = n < TOUNICODE_BLOCK ? n : TOUNICODE_BLOCK;
    ep_buf_printf(out, "%zu begin%s\n", k, kind);
    for (size_t i = 0; i < k; i++) {
      const char *e = strchr(p, '\n') + 1;
      ep_buf_put(out, p, (size_t)(e - p));
      p = e;
    }
    ep_buf_printf(out, "end%s\n", kind);
    n -= k;
  }
}

// 'put_code()' - Append V as <XXXX> (uppercase hex, at least four digits, as
// printf's %04X) and then the byte AFTER.
static void put_code(ep_buf *out, unsigned long v, char after) {
  static const char hex[] = "0123456789ABCDEF";
  char d[20];
  size_t k = sizeof d;
  d[--k] = after;
  d[--k] = '>';
  for (int digits = 0; digits < 4 || v; digits++, v >>= 4)
    d[--k] = hex[v & 15];
  d[--k] = '<';
  ep_buf_put(out, d + k, sizeof d - k);
}

// 'ep_pdf_to_unicode()' - The ToUnicode CMap of a font whose CID 1 + i is
// the character CPS[i] (N sorted characters) into OUT, in UTF-16;
// consecutive CIDs with consecutive characters, both within one high byte,
// become one bfrange.
void ep_pdf_to_unicode(const uint32_t *cps, size_t n, ep_buf *out) {
  ep_buf ranges, chars;
  ep_buf_init(&ranges);
  ep_buf_init(&chars);
  size_t nranges = 0, nchars = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && cps[j] == cps[j - 1] + 1 && cps[j] <= 0xFFFF &&
           (cps[j] >> 8) == (cps[i] >> 8) && ((j + 1) >> 8) == ((i + 1) >> 8))
      j++;
    uint32_t c = cps[i];
    if (c > 0xFFFF) { // a surrogate pair
      uint16_t u[2];
      ep_pdf_utf16(c, u);
      put_code(&chars, i + 1, ' ');
      put_code(&chars, (unsigned long)u[0] << 16 | u[1], '\n');
      nchars++;
    } else if (j - i == 1) {
      put_code(&chars, i + 1, ' ');
      put_code(&chars, c, '\n');
      nchars++;
    } else {
      put_code(&ranges, i + 1, ' ');
      put_code(&ranges, j, ' ');
      put_code(&ranges, c, '\n');
      nranges++;
    }
    i = j;
  }
  ep_buf_puts(out, "/CIDInit /ProcSet findresource begin\n"
                   "12 dict begin\n"
                   "begincmap\n"
                   "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                   "/CMapName /Adobe-Identity-UCS def\n"
                   "/CMapType 2 def\n"
                   "1 begincodespacerange\n"
                   "<0000> <FFFF>\n"
                   "endcodespacerange\n");
  cmap_entries(out, "bfrange", &ranges, nranges);
  cmap_entries(out, "bfchar", &chars, nchars);
  ep_buf_puts(out, "endcmap\n"
                   "CMapName currentdict /CMap defineresource pop\n"
                   "end\n"
                   "end\n");
  ep_buf_free(&ranges);
  ep_buf_free(&chars);
}

// An advance and where it first appears.
typedef struct width_at {
  int w;
  size_t i;
} width_at;

// 'cmp_width_at()' - qsort order of advances: by width, then by position.
static int cmp_width_at(const void *a, const void *b) {
  const width_at *x = a, *y = b;
  if (x->w != y->w)
    return x->w < y->w ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

// 'ep_pdf_default_width()' - The commonest of the N advances ADV (of equally common
// ones the first to appear; 1000 when N is 0), in O(N log N): thousands of
// distinct proportional widths must not cost N squared.
int ep_pdf_default_width(const int *adv, size_t n) {
  width_at *s = ep_xmalloc(sizeof *s * (n ? n : 1));
  for (size_t i = 0; i < n; i++)
    s[i] = (width_at){adv[i], i};
  qsort(s, n, sizeof *s, cmp_width_at);
  int dw = 1000;
  size_t best = 0, best_first = SIZE_MAX;
  for (size_t a = 0, b; a < n; a = b) {
    for (b = a + 1; b < n && s[b].w == s[a].w; b++)
      ;
    if (b - a > best || (b - a == best && s[a].i < best_first)) // s[a] is the group's first appearance
      best = b - a, best_first = s[a].i, dw = s[a].w;
  }
  free(s);
  return dw;
}

// 'ep_pdf_base_font()' - The /BaseFont of a subset (see pdf_text.h): a
// six-letter tag (PDF 9.6.4) from an FNV-1a hash of PSNAME and the
// characters, so equal subsets get equal tags and the output does not
// depend on the order fonts are loaded in other documents; '+'; PSNAME
// (else FAMILY) kept to the characters a name may hold without escapes.
void ep_pdf_base_font(const char *psname, const char *family, const uint32_t *cps, size_t n, char *buf,
                      size_t size) {
  uint64_t h = 1469598103934665603ull;
  for (const char *p = psname ? psname : ""; *p; p++)
    h = (h ^ (unsigned char)*p) * 1099511628211ull;
  for (size_t i = 0; i < n; i++)
    h = (h ^ cps[i]) * 1099511628211ull;
  char tag[7];
  for (int i = 0; i < 6; i++, h /= 26)
    tag[i] = (char)('A' + h % 26);
  tag[6] = 0;
  const char *name = psname && *psname ? psname : family;
  size_t k = (size_t)snprintf(buf, size, "%s+", tag);
  for (const char *p = name ? name : ""; *p && k + 1 < size && k < 70; p++)
    if (*p > ' ' && *p < 0x7F && !strchr("()<>[]{}/%#", *p))
      buf[k++] = *p;
  if (buf[k - 1] == '+' && k + 5 < size)
    k += (size_t)snprintf(buf + k, size - k, "Font");
  buf[k] = 0;
}

// 'sfnt_table()' - Where the table TAG of the single-face font DATA (LEN
// bytes) lies: *AT and *SIZE, checked against LEN. False when it has none.
static bool sfnt_table(const unsigned char *data, size_t len, const char tag[4], size_t *at, size_t *size) {
  size_t dir, n;
  if (!ep_sfnt_directory(data, len, 0, &dir, &n))
    return false;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *r = data + dir + 12 + 16 * i;
    if (memcmp(r, tag, 4) != 0)
      continue;
    *at = (size_t)r[8] << 24 | (size_t)r[9] << 16 | (size_t)r[10] << 8 | r[11];
    *size = (size_t)r[12] << 24 | (size_t)r[13] << 16 | (size_t)r[14] << 8 | r[15];
    return *at <= len && *size <= len - *at;
  }
  return false;
}

// 'ep_pdf_cid_to_gid()' - The CIDToGIDMap of a font whose CID 1 + i is
// CPS[i]: identity for subset.c's subsets, else through the cmap.
bool ep_pdf_cid_to_gid(const uint32_t *cps, size_t n, const unsigned char *subset, size_t len, bool *identity,
                       ep_buf *out) {
  size_t at, size;
  *identity = false;
  if (!sfnt_table(subset, len, "cmap", &at, &size)) {
    if (!sfnt_table(subset, len, "maxp", &at, &size) || size < 6)
      return false;
    *identity = (size_t)(subset[at + 4] << 8 | subset[at + 5]) >= n + 1;
    return *identity;
  }
  uint16_t *gids = ep_xmalloc(sizeof *gids * (n ? n : 1));
  bool ok = ep_ttf_cmap_lookup(subset, len, cps, n, gids);
  unsigned char zero[2] = {0, 0};
  ep_buf_put(out, (const char *)zero, 2);
  for (size_t i = 0; ok && i < n; i++) {
    unsigned char be[2] = {(unsigned char)(gids[i] >> 8), (unsigned char)gids[i]};
    ep_buf_put(out, (const char *)be, 2);
  }
  free(gids);
  return ok;
}

// 'ep_pdf_cids_make()' - Index a font's characters by code point (see pdf_text.h).
void ep_pdf_cids_make(ep_pdf_cids *x, const uint32_t *cps, size_t n) {
  size_t cap = 16;
  while (cap < 2 * n)
    cap *= 2;
  x->slots = ep_xcalloc(cap, sizeof *x->slots);
  x->mask = cap - 1;
  for (size_t i = 0; i < n; i++) {
    size_t h = ep_pdf_cids_slot(x, cps[i]);
    while (x->slots[h])
      h = (h + 1) & x->mask;
    x->slots[h] = ((uint64_t)cps[i] + 1) << 32 | (uint64_t)(i + 1);
  }
}

// 'ep_pdf_cids_free()' - Free the index (see pdf_text.h).
void ep_pdf_cids_free(ep_pdf_cids *x) {
  free(x->slots);
  x->slots = NULL;
  x->mask = 0;
}
