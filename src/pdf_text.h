// PDF syntax that needs no libharu: numbers as libharu writes them, hex
// strings, text strings, and a subset font's /BaseFont, CIDs, CIDToGIDMap,
// ToUnicode CMap and default width. The PDF writer (pdf.c, the only user of
// libharu) writes them into its objects and content streams; kept apart so
// that pdf.c holds only what needs libharu.
#ifndef EVALPDF_PDF_TEXT_H
#define EVALPDF_PDF_TEXT_H

#include "util.h"

#include <stddef.h>
#include <stdint.h>

// 'ep_pdf_put_uint()' - Append V in decimal to OUT.
void ep_pdf_put_uint(ep_buf *out, unsigned long long v);

// 'ep_pdf_put_hex4()' - Append the low 16 bits of V as four uppercase hex digits.
void ep_pdf_put_hex4(ep_buf *out, unsigned v);

// 'ep_pdf_utf16()' - Code point CP as UTF-16 code units in U: returns 1, or
// 2 for a surrogate pair above the BMP.
int ep_pdf_utf16(uint32_t cp, uint16_t u[2]);

// 'ep_pdf_put_utf16()' - Append code point CP as UTF-16BE hex: four digits,
// or eight (a surrogate pair) above the BMP.
void ep_pdf_put_utf16(ep_buf *out, uint32_t cp);

// 'ep_pdf_put_number()' - Append V as a PDF number: "%.5f" without trailing
// zeros (and without the point when nothing follows it); |V| < 1e-6 is 0.
void ep_pdf_put_number(ep_buf *out, double v);

// 'ep_pdf_put_real()' - Append V as a number of a content stream: to the
// nearest thousandth of a point (0.35 micrometres; libharu writes five
// decimals of a float, and the extra digits cost the example 1.3 KB
// deflated), clamped to +-32767 as libharu clamps, no trailing zeros, never
// "-0".
void ep_pdf_put_real(ep_buf *out, double v);

// 'ep_pdf_put_reals()' - Append the N numbers of V (ep_pdf_put_real())
// separated by spaces, then OP (an operator such as " re\n").
void ep_pdf_put_reals(ep_buf *out, const double *v, size_t n, const char *op);

// 'ep_pdf_put_text_string()' - Append UTF-8 text S (invalid bytes read as
// U+FFFD) as a PDF text string: <FEFF...> in UTF-16BE hex.
void ep_pdf_put_text_string(ep_buf *out, const char *s);

// 'ep_pdf_to_unicode()' - Append the ToUnicode CMap of a font whose CID 1 + i
// is the character CPS[i] (N sorted characters) to OUT.
void ep_pdf_to_unicode(const uint32_t *cps, size_t n, ep_buf *out);

// 'ep_pdf_default_width()' - The commonest of the N advances ADV (of equally
// common ones the first to appear; 1000 when N is 0), in O(N log N).
int ep_pdf_default_width(const int *adv, size_t n);

// 'ep_pdf_base_font()' - The /BaseFont (and /FontName) of a subset of the
// face named PSNAME (else FAMILY; either may be NULL) for the N characters
// CPS into BUF (SIZE bytes): "ABCDEF+Name", the tag a hash of PSNAME and
// CPS, the name without characters a PDF name would have to escape.
void ep_pdf_base_font(const char *psname, const char *family, const uint32_t *cps, size_t n, char *buf,
                      size_t size);

// The CIDs of a font's characters: CID 1 + i is the i-th of its code
// points in ascending order, found by code point in about one probe (open
// addressing), so each glyph a page draws gets its CID at once.
typedef struct ep_pdf_cids {
  uint64_t *slots; // (code point + 1) << 32 | CID; 0 = empty
  size_t mask;     // slots - 1 (a power of two, at least twice the characters)
} ep_pdf_cids;

// 'ep_pdf_cids_make()' - Index the N ascending code points CPS (read only
// here) into *X; free it with ep_pdf_cids_free().
void ep_pdf_cids_make(ep_pdf_cids *x, const uint32_t *cps, size_t n);

// 'ep_pdf_cids_free()' - Free X's slots (a zeroed or freed X is fine).
void ep_pdf_cids_free(ep_pdf_cids *x);

// 'ep_pdf_cids_slot()' - The first slot of code point CP in X.
static inline size_t ep_pdf_cids_slot(const ep_pdf_cids *x, uint32_t cp) {
  return (size_t)(((uint64_t)cp * 0x9E3779B97F4A7C15ull) >> 32) & x->mask;
}

// 'ep_pdf_cid()' - The CID of CP in X (0: not among its characters).
static inline unsigned ep_pdf_cid(const ep_pdf_cids *x, uint32_t cp) {
  uint64_t key = (uint64_t)cp + 1;
  for (size_t h = ep_pdf_cids_slot(x, cp); x->slots[h]; h = (h + 1) & x->mask)
    if (x->slots[h] >> 32 == key)
      return (unsigned)(x->slots[h] & 0xFFFFFFFFu);
  return 0;
}

// 'ep_pdf_cid_to_gid()' - The CIDToGIDMap of such a font, whose program is
// the subset SUBSET (LEN bytes). A subset without a cmap table is one of
// subset.c's, whose glyph 1 + i draws CPS[i]: *IDENTITY is set (CID = glyph
// id) when it has the N + 1 glyphs that needs. Otherwise (hb-subset's) the
// map is appended to OUT, two bytes per CID: each character's glyph through
// the subset's Unicode cmap. False when neither holds.
bool ep_pdf_cid_to_gid(const uint32_t *cps, size_t n, const unsigned char *subset, size_t len, bool *identity,
                       ep_buf *out);

#endif
