// libFuzzer harness: the TrueType subsetter on arbitrary font bytes. The
// first byte picks the face index and how many glyphs to ask for; each asked
// glyph i gets the character U+0041 + 3i and glyph id (i * 7 + first) so
// composites and out-of-range ids appear. A subset that comes out must be a
// font the subsetter itself reads again, to the same glyph count, with a
// glyph for each character asked and no cmap.
#include "subset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// 'glyph_count()' - maxp.numGlyphs of the single-face font F (LEN bytes), or 0.
static unsigned glyph_count(const unsigned char *f, size_t len) {
  unsigned n = (unsigned)(f[4] << 8 | f[5]);
  for (unsigned i = 0; i < n && 12 + 16 * (size_t)(i + 1) <= len; i++) {
    const unsigned char *r = f + 12 + 16 * i;
    if (memcmp(r, "maxp", 4) == 0) {
      size_t off = (size_t)r[8] << 24 | (size_t)r[9] << 16 | (size_t)r[10] << 8 | r[11];
      return off + 6 <= len ? (unsigned)(f[off + 4] << 8 | f[off + 5]) : 0;
    }
  }
  return 0;
}

// 'LLVMFuzzerTestOneInput()' - Subset DATA and check the result reads back.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  unsigned index = data[0] >> 6, asked = (data[0] & 63) + 1, first = data[1];
  uint32_t cps[64], gids[64];
  for (unsigned i = 0; i < asked; i++) {
    cps[i] = 0x41 + 3 * i;
    gids[i] = i * 7 + first;
  }
  // The cmap reader on the raw input: any answer, no out-of-bounds read.
  uint16_t looked[64];
  ep_ttf_cmap_lookup(data, size, cps, asked, looked);
  // The font is the input itself (its first two bytes are part of the header).
  unsigned char *out = NULL;
  size_t out_len = 0;
  if (!ep_ttf_subset(data, size, index, cps, gids, asked, 32768, &out, &out_len)) {
    if (out)
      abort(); // refused, yet an output
    return 0;
  }
  unsigned glyphs = glyph_count(out, out_len);
  if (glyphs == 0 || glyphs > 32768)
    abort();
  uint32_t all_cps[64], all_gids[64];
  unsigned again = glyphs - 1 < 64 ? glyphs - 1 : 64;
  for (unsigned i = 0; i < again; i++) {
    all_cps[i] = 0x41 + i;
    all_gids[i] = i + 1;
  }
  unsigned char *out2 = NULL;
  size_t out2_len = 0;
  if (!ep_ttf_subset(out, out_len, 0, all_cps, all_gids, again, 32768, &out2, &out2_len))
    abort(); // its own output must be readable
  if (again == glyphs - 1 && glyph_count(out2, out2_len) != glyphs)
    abort(); // every glyph asked again: the same count
  // One glyph per character asked, after .notdef, and no cmap (CIDs are glyph ids).
  if (glyphs < asked + 1 || ep_ttf_cmap_lookup(out, out_len, cps, asked, looked))
    abort();
  free(out2);
  free(out);
  return 0;
}
