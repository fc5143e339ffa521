// Unit tests for src/subset.c, the TrueType subsetter: outlines and advances
// survive the cut in the characters' order (glyph 1 + i draws character i:
// simple, composite and nested composite glyphs, shared and missing glyphs),
// the tables are well formed (checksums, no cmap, short and long loca), and
// damaged or unsupported fonts are refused without a crash (every
// truncation, bad offsets, out-of-range components, CFF). Also the cmap
// reader the PDF writer uses on hb-subset's subsets.
//
// The fonts are Debian packages CI installs: fonts-liberation2 (composite
// accented letters), fonts-arphic-uming (TTC; ǖ is a composite of a
// composite), fonts-arphic-gbsn00lp (large glyf: long loca).
#if !defined(_XOPEN_SOURCE) || _XOPEN_SOURCE < 700
#undef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include "subset.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_OUTLINE_H

#define SERIF "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
#define UMING "/usr/share/fonts/truetype/arphic/uming.ttc"
#define GBSN "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"

// 'slurp()' - The whole file PATH (malloc'd) and its size in *LEN.
static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "%s is missing (a CI package)", path);
  ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
  long size = ftell(f);
  ck_assert_int_gt(size, 0);
  rewind(f);
  unsigned char *data = malloc((size_t)size);
  ck_assert_uint_eq(fread(data, 1, (size_t)size, f), (size_t)size);
  fclose(f);
  *len = (size_t)size;
  return data;
}

// 'rd16()' / 'rd32()' - Big-endian reads.
static unsigned rd16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

// 'table()' - The offset of table TAG in the single-face font F, or 0.
static size_t table(const unsigned char *f, size_t len, const char *tag, size_t *size) {
  unsigned n = rd16(f + 4);
  for (unsigned i = 0; i < n && 12 + 16 * (size_t)(i + 1) <= len; i++)
    if (memcmp(f + 12 + 16 * i, tag, 4) == 0) {
      *size = rd32(f + 12 + 16 * i + 12);
      return rd32(f + 12 + 16 * i + 8);
    }
  return 0;
}

// 'same_outline()' - True when glyph A of face FA and glyph B of face FB have
// the same unhinted outline (contours, points, tags) and advance.
static bool same_outline(FT_Face fa, FT_UInt a, FT_Face fb, FT_UInt b) {
  const FT_Int32 flags = FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP;
  if (FT_Load_Glyph(fa, a, flags) != 0)
    return false;
  FT_Outline oa = fa->glyph->outline;
  FT_Pos adv_a = fa->glyph->metrics.horiAdvance;
  FT_Outline copy;
  FT_Library lib = fa->glyph->library;
  if (FT_Outline_New(lib, (FT_UInt)oa.n_points, oa.n_contours, &copy) != 0 || FT_Outline_Copy(&oa, &copy) != 0)
    return false;
  bool same = FT_Load_Glyph(fb, b, flags) == 0;
  FT_Outline ob = fb->glyph->outline;
  same = same && fb->glyph->metrics.horiAdvance == adv_a && ob.n_points == copy.n_points &&
         ob.n_contours == copy.n_contours;
  for (int i = 0; same && i < ob.n_points; i++)
    same = ob.points[i].x == copy.points[i].x && ob.points[i].y == copy.points[i].y && ob.tags[i] == copy.tags[i];
  for (int i = 0; same && i < ob.n_contours; i++)
    same = ob.contours[i] == copy.contours[i];
  FT_Outline_Done(lib, &copy);
  return same;
}

// 'checksums_ok()' - Every table checksum and head's checkSumAdjustment of F.
static bool checksums_ok(const unsigned char *f, size_t len) {
  unsigned n = rd16(f + 4);
  uint32_t whole = 0;
  for (size_t i = 0; i + 4 <= len; i += 4)
    whole += rd32(f + i);
  if (len % 4 || whole != 0xB1B0AFBAu)
    return false;
  for (unsigned i = 0; i < n; i++) {
    const unsigned char *rec = f + 12 + 16 * i;
    uint32_t off = rd32(rec + 8), size = rd32(rec + 12), sum = 0;
    if (off % 4 || off + (size_t)size > len)
      return false;
    unsigned char padded[4];
    for (uint32_t k = 0; k < size; k += 4) {
      memset(padded, 0, 4);
      memcpy(padded, f + off + k, size - k < 4 ? size - k : 4);
      sum += rd32(padded);
    }
    if (memcmp(rec, "head", 4) == 0)
      sum -= rd32(f + off + 8);
    if (sum != rd32(rec + 4))
      return false;
  }
  return true;
}

// A glyph reader (ep_subset_read_fn) over a font file in memory that counts
// what it is asked and fails from call FAIL_AT on (0: never).
typedef struct mem_reader {
  const unsigned char *data;
  size_t len;
  size_t calls, bytes, fail_at;
} mem_reader;

// 'mem_read()' - Copy LEN bytes at AT of R's file into DST, unless told to fail.
static bool mem_read(void *user, uint64_t at, size_t len, unsigned char *dst) {
  mem_reader *r = user;
  r->calls++;
  ck_assert_msg(at <= r->len && len <= r->len - at, "read of %zu bytes at %llu beyond the file", len,
                (unsigned long long)at);
  if (r->fail_at && r->calls >= r->fail_at)
    return false;
  memcpy(dst, r->data + at, len);
  r->bytes += len;
  return true;
}

// 'glyf_size()' - The length of face INDEX's glyf table in DATA.
static size_t glyf_size(const unsigned char *data, unsigned index) {
  size_t dir = 0;
  if (rd32(data) == 0x74746366) // 'ttcf'
    dir = rd32(data + 12 + 4 * index);
  unsigned n = rd16(data + dir + 4);
  for (unsigned i = 0; i < n; i++)
    if (memcmp(data + dir + 12 + 16 * i, "glyf", 4) == 0)
      return rd32(data + dir + 12 + 16 * i + 12);
  return 0;
}

// 'same_when_read()' - ep_ttf_subset_read() with a reader gives the bytes
// ep_ttf_subset() gave (OUT, OUT_LEN), reading each byte of glyf at most
// once, in fewer calls than glyphs; and a reader that fails at any of its
// calls makes it fail cleanly. Returns the number of calls.
static size_t same_when_read(const unsigned char *data, size_t len, unsigned index, const uint32_t *cps,
                             const uint32_t *gids, size_t n, const unsigned char *out, size_t out_len) {
  mem_reader r = {data, len, 0, 0, 0};
  unsigned char *got = NULL;
  size_t got_len = 0;
  ck_assert(ep_ttf_subset_read(data, len, index, cps, gids, n, 32768, mem_read, &r, &got, &got_len));
  ck_assert_uint_eq(got_len, out_len);
  ck_assert(memcmp(got, out, out_len) == 0);
  free(got);
  ck_assert_uint_le(r.bytes, glyf_size(data, index));
  ck_assert_uint_le(r.calls, n + 1);
  size_t calls = r.calls;
  for (size_t k = 1; k <= calls; k++) {
    mem_reader bad = {data, len, 0, 0, k};
    got = (unsigned char *)"x";
    ck_assert(!ep_ttf_subset_read(data, len, index, cps, gids, n, 32768, mem_read, &bad, &got, &got_len));
    ck_assert_ptr_null(got);
  }
  return calls;
}

// 'round_trip()' - Subset face INDEX of PATH to CPS (ascending) and check it
// through FreeType: glyph 1 + i has the outline and advance of character
// i's glyph in the font (.notdef's for a character the font lacks), the
// subset has no cmap, the checksums hold. Returns the subset's glyph count;
// *LONG_LOCA tells the loca format.
static long round_trip(const char *path, unsigned index, const uint32_t *cps, size_t n, bool *long_loca) {
  size_t len;
  unsigned char *data = slurp(path, &len);
  FT_Library lib;
  ck_assert_int_eq(FT_Init_FreeType(&lib), 0);
  FT_Face orig, sub;
  ck_assert_int_eq(FT_New_Memory_Face(lib, data, (FT_Long)len, index, &orig), 0);
  uint32_t *gids = calloc(n + 1, sizeof *gids);
  for (size_t i = 0; i < n; i++)
    gids[i] = FT_Get_Char_Index(orig, cps[i]);
  unsigned char *out = NULL;
  size_t out_len = 0;
  ck_assert(ep_ttf_subset(data, len, index, cps, gids, n, 32768, &out, &out_len));
  ck_assert(checksums_ok(out, out_len));
  size_t calls = same_when_read(data, len, index, cps, gids, n, out, out_len);
  if (n > 100)
    ck_assert_uint_lt(calls, n / 4); // nearby glyphs share a call
  ck_assert_int_eq(FT_New_Memory_Face(lib, out, (FT_Long)out_len, 0, &sub), 0);
  ck_assert_int_eq(sub->units_per_EM, orig->units_per_EM);
  ck_assert_int_ge(sub->num_glyphs, (long)n + 1);
  ck_assert(same_outline(orig, 0, sub, 0));
  for (size_t i = 0; i < n; i++)
    ck_assert_msg(same_outline(orig, gids[i], sub, (FT_UInt)(1 + i)), "U+%04X (glyph %u): outline or advance differs",
                  (unsigned)cps[i], (unsigned)(1 + i));
  // No cmap: the PDF maps CIDs to glyphs by identity.
  size_t cmap_len;
  ck_assert_uint_eq(table(out, out_len, "cmap", &cmap_len), 0);
  ck_assert_int_eq(sub->num_charmaps, 0);
  uint16_t looked[1];
  ck_assert(!ep_ttf_cmap_lookup(out, out_len, cps, n ? 1 : 0, looked));
  size_t head_len;
  size_t head = table(out, out_len, "head", &head_len);
  ck_assert_uint_ge(head_len, 54);
  *long_loca = rd16(out + head + 50) == 1;
  long glyphs = sub->num_glyphs;
  FT_Done_Face(sub);
  FT_Done_Face(orig);
  FT_Done_FreeType(lib);
  free(out);
  free(gids);
  free(data);
  return glyphs;
}

// Latin with composite accented letters: the components come along.
START_TEST(latin_composites_keep_their_outlines) {
  static const uint32_t cps[] = {' ', '0', '9', 'A', 'a', 'e', 0xE8, 0xE9, 0xFC, 0x1EBF, 0x2014};
  bool long_loca;
  long glyphs = round_trip(SERIF, 0, cps, sizeof cps / sizeof *cps, &long_loca);
  ck_assert_int_gt(glyphs, (long)(sizeof cps / sizeof *cps)); // components added
  ck_assert(!long_loca);
}
END_TEST

// UMing (face 0 of a TTC): ǖǘ are composites of a composite, plus Han.
START_TEST(nested_composites_from_a_collection) {
  static const uint32_t cps[] = {'1', 0xFC, 0x1D6, 0x1D8, 0x1DA, 0x1DC, 0x3002, 0x4E00, 0x6C49, 0x8FA6, 0xFF0C};
  bool long_loca;
  round_trip(UMING, 0, cps, sizeof cps / sizeof *cps, &long_loca);
}
END_TEST

// A large subset needs the long loca; some of these characters gbsn00lp lacks.
START_TEST(large_subset_long_loca) {
  uint32_t cps[1500];
  size_t n = 0;
  for (uint32_t c = 0x4E00; n < 1200; c += (n % 7 == 0) ? 3 : 1)
    cps[n++] = c;
  for (uint32_t c = 0xFF01; c <= 0xFF5E && n < 1500; c++)
    cps[n++] = c;
  bool long_loca;
  long glyphs = round_trip(GBSN, 0, cps, n, &long_loca);
  ck_assert_int_gt(glyphs, 500); // gbsn00lp has the GB 2312 ones of these
  ck_assert(long_loca);
}
END_TEST

// The glyphs follow the characters' order, whatever the glyph ids: a
// character above U+FFFF is one more glyph, two characters sharing a glyph
// get a copy each, one the font lacks a copy of .notdef, and components
// no character draws come last. OS/2 names the first and last characters
// drawn (the last capped at U+FFFF). .notdef alone works.
START_TEST(glyphs_follow_the_characters) {
  size_t len;
  unsigned char *data = slurp(SERIF, &len);
  FT_Library lib;
  ck_assert_int_eq(FT_Init_FreeType(&lib), 0);
  FT_Face orig, sub;
  ck_assert_int_eq(FT_New_Memory_Face(lib, data, (FT_Long)len, 0, &orig), 0);
  FT_UInt e_acute = FT_Get_Char_Index(orig, 0xE9), a = FT_Get_Char_Index(orig, 'A');
  // subset.c trusts the caller's glyph ids: glyph 5 claimed for U+1F600,
  // 'C' drawn with A's glyph, 'D' missing from the font.
  uint32_t cps[] = {'A', 'B', 'C', 'D', 0xE9, 0x1F600}, gids[] = {a, 38, a, 0, e_acute, 5};
  unsigned char *out = NULL;
  size_t out_len = 0;
  ck_assert(ep_ttf_subset(data, len, 0, cps, gids, 6, 32768, &out, &out_len));
  ck_assert(checksums_ok(out, out_len));
  ck_assert_int_eq(FT_New_Memory_Face(lib, out, (FT_Long)out_len, 0, &sub), 0);
  ck_assert_int_eq(sub->num_charmaps, 0);
  ck_assert_int_gt(sub->num_glyphs, 7); // é's components follow
  for (int i = 0; i < 6; i++)
    ck_assert_msg(same_outline(orig, gids[i], sub, (FT_UInt)(1 + i)), "glyph %d", 1 + i);
  ck_assert(same_outline(orig, 0, sub, 0));
  // A composite's components are renumbered to the subset's copies.
  ck_assert_int_eq(FT_Load_Glyph(sub, 5, FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE), 0);
  ck_assert_int_eq(sub->glyph->format, FT_GLYPH_FORMAT_COMPOSITE);
  for (unsigned k = 0; k < sub->glyph->num_subglyphs; k++) {
    FT_Int index, arg1, arg2;
    FT_UInt flags;
    FT_Matrix m;
    ck_assert_int_eq(FT_Get_SubGlyph_Info(sub->glyph, k, &index, &flags, &arg1, &arg2, &m), 0);
    ck_assert_int_gt(index, 6); // not a character's glyph: é's components are its own
  }
  size_t os2_len, os2 = table(out, out_len, "OS/2", &os2_len);
  ck_assert_uint_ge(os2_len, 68);
  ck_assert_uint_eq(rd16(out + os2 + 64), 'A');
  ck_assert_uint_eq(rd16(out + os2 + 66), 0xFFFF);
  FT_Done_Face(sub);
  free(out);
  ck_assert(ep_ttf_subset(data, len, 0, NULL, NULL, 0, 32768, &out, &out_len));
  ck_assert_int_eq(FT_New_Memory_Face(lib, out, (FT_Long)out_len, 0, &sub), 0);
  ck_assert_int_eq(sub->num_glyphs, 1);
  FT_Done_Face(sub);
  FT_Done_Face(orig);
  FT_Done_FreeType(lib);
  free(out);
  // Characters not ascending: refused (a PDF's CIDs ascend with them).
  uint32_t back[] = {'B', 'A'};
  ck_assert(!ep_ttf_subset(data, len, 0, back, gids, 2, 32768, &out, &out_len));
  // Too many glyphs for the caller's limit: refused.
  ck_assert(!ep_ttf_subset(data, len, 0, cps, gids, 4, 4, &out, &out_len));
  ck_assert_ptr_null(out);
  free(data);
}
END_TEST

// Glyphs whose bytes overlap (a damaged or odd loca) are read once, and the
// subset read through a reader is the one made from memory.
START_TEST(overlapping_glyphs_are_read_once) {
  size_t len;
  unsigned char *data = slurp(SERIF, &len);
  size_t head_len, loca_len;
  size_t head = table(data, len, "head", &head_len), loca = table(data, len, "loca", &loca_len);
  ck_assert(head && loca);
  bool long_loca = rd16(data + head + 50) == 1;
  // Glyph 36 is made to end where glyph 39 ends: it then holds 37-39 too.
  unsigned g = 36;
  if (long_loca)
    memcpy(data + loca + 4 * (g + 1), data + loca + 4 * (g + 4), 4);
  else
    memcpy(data + loca + 2 * (g + 1), data + loca + 2 * (g + 4), 2);
  uint32_t cps[] = {'A', 'B'}, gids[] = {g, g + 3};
  unsigned char *out = NULL;
  size_t out_len = 0;
  ck_assert(ep_ttf_subset(data, len, 0, cps, gids, 2, 32768, &out, &out_len));
  mem_reader r = {data, len, 0, 0, 0};
  unsigned char *got = NULL;
  size_t got_len = 0;
  ck_assert(ep_ttf_subset_read(data, len, 0, cps, gids, 2, 32768, mem_read, &r, &got, &got_len));
  ck_assert_uint_eq(got_len, out_len);
  ck_assert(memcmp(got, out, out_len) == 0);
  ck_assert_uint_le(r.calls, 2); // .notdef, and the two overlapping glyphs in one call
  free(got);
  free(out);
  free(data);
}
END_TEST

// 'serif_subset()' - Liberation Serif cut down to the characters CPS[0..N-1]
// (ascending), their glyph ids looked up with FreeType (LIB): a malloc'd font
// of *OUT_LEN bytes.
static unsigned char *serif_subset(FT_Library lib, const uint32_t *cps, size_t n, size_t *out_len) {
  size_t len;
  unsigned char *data = slurp(SERIF, &len);
  FT_Face f;
  ck_assert_int_eq(FT_New_Memory_Face(lib, data, (FT_Long)len, 0, &f), 0);
  uint32_t gids[16];
  ck_assert_uint_le(n, 16);
  for (size_t i = 0; i < n; i++)
    gids[i] = FT_Get_Char_Index(f, cps[i]);
  FT_Done_Face(f);
  unsigned char *out = NULL;
  ck_assert(ep_ttf_subset(data, len, 0, cps, gids, n, 32768, &out, out_len));
  free(data);
  return out;
}

// Every truncation of a small font, and damaged tables, are refused or give
// a font FreeType opens; never a crash or an out-of-bounds read (ASan).
START_TEST(damaged_fonts_are_refused_safely) {
  uint32_t cps[] = {'A', 0xE9};
  FT_Library lib;
  ck_assert_int_eq(FT_Init_FreeType(&lib), 0);
  FT_Face f;
  size_t small_len = 0;
  unsigned char *small = serif_subset(lib, cps, 2, &small_len);
  uint32_t sgids[] = {1, 2};
  unsigned char *out = NULL;
  size_t out_len;
  ck_assert(ep_ttf_subset_handles(small, small_len, 0));
  ck_assert(!ep_ttf_subset_handles(small, small_len, 1));
  ck_assert(!ep_ttf_subset_handles(NULL, 0, 0));
  for (size_t cut = 0; cut < small_len; cut++) {
    unsigned char *part = malloc(cut ? cut : 1);
    memcpy(part, small, cut);
    bool handled = ep_ttf_subset_handles(part, cut, 0);
    if (cut < 12)
      ck_assert(!handled);
    if (ep_ttf_subset(part, cut, 0, cps, sgids, 2, 32768, &out, &out_len)) {
      ck_assert(handled); // what it cuts, it says it handles
      ck_assert_int_eq(FT_New_Memory_Face(lib, out, (FT_Long)out_len, 0, &f), 0);
      FT_Done_Face(f);
      free(out);
    } else {
      ck_assert_ptr_null(out);
    }
    free(part);
  }
  // A face index past a plain font, a component outside the font, loca
  // pointing past glyf, a CFF table: refused.
  ck_assert(!ep_ttf_subset(small, small_len, 1, cps, sgids, 2, 32768, &out, &out_len));
  unsigned char *bad = malloc(small_len);
  size_t glyf_len, loca_len, maxp_len;
  size_t glyf = table(small, small_len, "glyf", &glyf_len);
  size_t loca = table(small, small_len, "loca", &loca_len);
  size_t maxp = table(small, small_len, "maxp", &maxp_len);
  ck_assert(glyf && loca && maxp);
  int composites = 0;
  unsigned glyphs = rd16(small + maxp + 4);
  uint32_t all_cps[16], all_gids[16]; // every glyph of the small font, so each is visited
  ck_assert_uint_le(glyphs, 16);
  for (unsigned g = 1; g < glyphs; g++)
    all_cps[g - 1] = 0x41 + g, all_gids[g - 1] = g;
  ck_assert(ep_ttf_subset(small, small_len, 0, all_cps, all_gids, glyphs - 1, 32768, &out, &out_len));
  free(out);
  for (unsigned g = 0; g < glyphs; g++) {
    size_t at = glyf + 2 * (size_t)rd16(small + loca + 2 * g);
    if (rd16(small + loca + 2 * g + 2) > rd16(small + loca + 2 * g) && (rd16(small + at) & 0x8000)) {
      memcpy(bad, small, small_len);
      bad[at + 12] = 0xFF, bad[at + 13] = 0xFF; // first component's glyph index
      ck_assert(!ep_ttf_subset(bad, small_len, 0, all_cps, all_gids, glyphs - 1, 32768, &out, &out_len));
      composites++;
    }
  }
  ck_assert_int_gt(composites, 0); // é is a composite in Liberation Serif
  memcpy(bad, small, small_len);
  bad[loca + 2 * glyphs] = 0xFF, bad[loca + 2 * glyphs + 1] = 0xFF; // the end of the last glyph
  ck_assert(!ep_ttf_subset(bad, small_len, 0, all_cps, all_gids, glyphs - 1, 32768, &out, &out_len));
  memcpy(bad, small, small_len);
  memcpy(bad + 12 + 16 * 1, "CFF ", 4); // the second table (glyf) renamed
  ck_assert(!ep_ttf_subset(bad, small_len, 0, cps, sgids, 2, 32768, &out, &out_len));
  ck_assert(!ep_ttf_subset_handles(bad, small_len, 0)); // CFF outlines: hb-subset's
  free(bad);
  free(small);
  FT_Done_FreeType(lib);
}
END_TEST

// ep_ttf_cmap_lookup() on whole fonts agrees with FreeType over the BMP
// (format 4 with idDelta and glyph id array segments); a collection header,
// every truncation of a subset and a damaged cmap give false or glyph ids,
// never a read out of bounds (ASan).
START_TEST(cmap_lookup_matches_freetype_and_is_safe) {
  static const char *const fonts[] = {SERIF, GBSN};
  FT_Library lib;
  ck_assert_int_eq(FT_Init_FreeType(&lib), 0);
  uint32_t *cps = malloc(sizeof *cps * 0xFFFF);
  uint16_t *gids = malloc(sizeof *gids * 0xFFFF);
  for (uint32_t c = 0; c < 0xFFFF; c++)
    cps[c] = c + 1;
  for (size_t fi = 0; fi < 2; fi++) {
    size_t len;
    unsigned char *data = slurp(fonts[fi], &len);
    FT_Face f;
    ck_assert_int_eq(FT_New_Memory_Face(lib, data, (FT_Long)len, 0, &f), 0);
    ck_assert(ep_ttf_cmap_lookup(data, len, cps, 0xFFFF, gids));
    size_t mapped = 0;
    for (uint32_t c = 0; c < 0xFFFF; c++) {
      ck_assert_msg(gids[c] == FT_Get_Char_Index(f, cps[c]), "%s U+%04X: %u, FreeType %u", fonts[fi],
                    (unsigned)cps[c], gids[c], FT_Get_Char_Index(f, cps[c]));
      mapped += gids[c] != 0;
    }
    ck_assert_uint_gt(mapped, 500);
    FT_Done_Face(f);
    free(data);
  }
  size_t len;
  unsigned char *ttc = slurp(UMING, &len);
  ck_assert(!ep_ttf_cmap_lookup(ttc, len, cps, 10, gids)); // a collection is not one face
  free(ttc);
  ck_assert(!ep_ttf_cmap_lookup(NULL, 0, cps, 1, gids));
  // Every truncation of a font up to the end of its cmap, each in a block of
  // its own size, and its cmap damaged byte by byte.
  uint32_t some[] = {'A', 'B', 'Z', 0xE9};
  unsigned char *serif = slurp(SERIF, &len);
  size_t cmap_len, cmap = table(serif, len, "cmap", &cmap_len);
  ck_assert(cmap && cmap_len && cmap + cmap_len <= len);
  for (size_t cut = 0; cut < cmap + cmap_len; cut++) { // the cmap not whole: no answer
    unsigned char *part = malloc(cut ? cut : 1);
    memcpy(part, serif, cut);
    ck_assert_msg(!ep_ttf_cmap_lookup(part, cut, some, 4, gids), "cut at %zu", cut);
    free(part);
  }
  for (size_t i = 0; i < cmap_len; i++) {
    serif[cmap + i] ^= 0xFF;
    ep_ttf_cmap_lookup(serif, len, some, 4, gids);
    serif[cmap + i] ^= 0xFF;
  }
  ck_assert(ep_ttf_cmap_lookup(serif, len, some, 4, gids));
  ck_assert_uint_ne(gids[0], 0);
  free(serif);
  free(cps);
  free(gids);
  FT_Done_FreeType(lib);
}
END_TEST

// 'suite()' - All subset tests.
static Suite *suite(void) {
  Suite *s = suite_create("subset");
  TCase *tc = tcase_create("subset");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, latin_composites_keep_their_outlines);
  tcase_add_test(tc, nested_composites_from_a_collection);
  tcase_add_test(tc, large_subset_long_loca);
  tcase_add_test(tc, glyphs_follow_the_characters);
  tcase_add_test(tc, damaged_fonts_are_refused_safely);
  tcase_add_test(tc, overlapping_glyphs_are_read_once);
  tcase_add_test(tc, cmap_lookup_matches_freetype_and_is_safe);
  suite_add_tcase(s, tc);
  return s;
}

// 'main()' - Run the suite; the exit status is the failure count (capped).
int main(void) {
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
