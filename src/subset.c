// TrueType subsetting for embedding (see subset.h). The work is a few
// linear passes: find the tables, close the glyph set over composite
// components, copy the kept glyphs without their instructions in the
// characters' order, then write the small tables.
#include "subset.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

#define TAG(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

// Composite glyph component flags (OpenType 'glyf').
#define ARG_1_AND_2_ARE_WORDS 0x0001
#define WE_HAVE_A_SCALE 0x0008
#define MORE_COMPONENTS 0x0020
#define WE_HAVE_AN_X_AND_Y_SCALE 0x0040
#define WE_HAVE_A_TWO_BY_TWO 0x0080
#define WE_HAVE_INSTRUCTIONS 0x0100

typedef struct span {
  const unsigned char *p;
  size_t len;
} span;

// A growable big-endian output buffer.
typedef struct obuf {
  unsigned char *p;
  size_t len, cap;
} obuf;

// The glyph outlines of a subset whose caller reads them (ep_ttf_subset_read()):
// each glyph kept is read once, in runs of nearby glyphs, into BYTES.
typedef struct glyph_src {
  ep_subset_read_fn read;
  void *user;
  uint64_t glyf_at;       // the glyf table's offset in the file
  uint32_t *at;           // per glyph: 1 + its offset in BYTES; 0: not read
  obuf bytes;             // the glyphs read, one after another
  unsigned char *scratch; // GLYPH_RUN_MAX bytes: one run as read
} glyph_src;

// Glyphs less than GLYPH_GAP bytes apart are read in one call, in runs of at
// most GLYPH_RUN_MAX bytes: a call costs about as much as copying 10 KB more.
#define GLYPH_GAP (8u << 10)
#define GLYPH_RUN_MAX (64u << 10)

// The source face's tables this subsetter reads.
typedef struct src_font {
  span head, hhea, maxp, hmtx, loca, glyf, name, os2, post;
  unsigned num_glyphs;
  unsigned num_hmetrics;
  bool long_loca;
  glyph_src *src; // where the glyphs' bytes are read from; NULL: glyf itself
} src_font;

// The output tables, in tag order (the order of the table directory).
// No cmap: the PDF selects glyphs by CID, which is the glyph id here.
enum { T_OS2, T_GLYF, T_HEAD, T_HHEA, T_HMTX, T_LOCA, T_MAXP, T_NAME, T_POST, T_COUNT };
static const uint32_t out_tags[T_COUNT] = {TAG('O', 'S', '/', '2'), TAG('g', 'l', 'y', 'f'), TAG('h', 'e', 'a', 'd'),
                                           TAG('h', 'h', 'e', 'a'), TAG('h', 'm', 't', 'x'), TAG('l', 'o', 'c', 'a'),
                                           TAG('m', 'a', 'x', 'p'), TAG('n', 'a', 'm', 'e'), TAG('p', 'o', 's', 't')};

// 'rd16()' - The big-endian 16-bit value at P.
static unsigned rd16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

// 'rd32()' - The big-endian 32-bit value at P.
static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

// 'wr16()' - Store V big-endian at P.
static void wr16(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

// 'wr32()' - Store V big-endian at P.
static void wr32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

// 'ob_room()' - Make room for N more bytes in B; returns where they go.
static unsigned char *ob_room(obuf *b, size_t n) {
  if (b->cap - b->len < n) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < n)
      cap *= 2;
    b->p = ep_xrealloc(b->p, cap);
    b->cap = cap;
  }
  unsigned char *at = b->p + b->len;
  b->len += n;
  return at;
}

// 'ob_reserve()' - Make room for N more bytes in B in one step (its length
// unchanged), so that appending them copies nothing already there.
static void ob_reserve(obuf *b, size_t n) {
  if (b->cap - b->len < n) {
    b->p = ep_xrealloc(b->p, b->len + n);
    b->cap = b->len + n;
    ep_populate(b->p + b->len, n); // the glyphs fill it next
  }
}

// 'ob_put()' - Append N bytes at P to B.
static void ob_put(obuf *b, const void *p, size_t n) {
  if (n)
    memcpy(ob_room(b, n), p, n);
}

// 'ob_16()' - Append V as a big-endian 16-bit value.
static void ob_16(obuf *b, unsigned v) { wr16(ob_room(b, 2), v); }

// 'ob_32()' - Append V as a big-endian 32-bit value.
static void ob_32(obuf *b, uint32_t v) { wr32(ob_room(b, 4), v); }

// 'ep_sfnt_directory()' - Face INDEX's table directory in DATA (see subset.h).
bool ep_sfnt_directory(const unsigned char *data, size_t len, unsigned index, size_t *at, size_t *n) {
  if (len < 12)
    return false;
  size_t off = 0;
  if (rd32(data) == TAG('t', 't', 'c', 'f')) {
    uint32_t faces = rd32(data + 8);
    if (index >= faces || 12 + 4 * (size_t)faces > len)
      return false;
    off = rd32(data + 12 + 4 * (size_t)index);
  } else if (index != 0) {
    return false;
  }
  if (off > len - 12)
    return false;
  size_t count = rd16(data + off + 4);
  if (16 * count > len - off - 12)
    return false;
  *at = off;
  *n = count;
  return true;
}

// 'find_tables()' - Locate face INDEX's tables in DATA (LEN bytes) into T.
// False for a font this subsetter does not handle: not TrueType outlines
// (CFF), variable (its glyphs would need gvar), or a table out of bounds or
// too short.
static bool find_tables(const unsigned char *data, size_t len, unsigned index, src_font *t) {
  memset(t, 0, sizeof *t);
  size_t off, n;
  if (!ep_sfnt_directory(data, len, index, &off, &n))
    return false;
  uint32_t version = rd32(data + off);
  if (version != 0x00010000 && version != TAG('t', 'r', 'u', 'e'))
    return false;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *rec = data + off + 12 + 16 * i;
    uint32_t tag = rd32(rec), at = rd32(rec + 8), size = rd32(rec + 12);
    span *s = tag == TAG('h', 'e', 'a', 'd')   ? &t->head
              : tag == TAG('h', 'h', 'e', 'a') ? &t->hhea
              : tag == TAG('m', 'a', 'x', 'p') ? &t->maxp
              : tag == TAG('h', 'm', 't', 'x') ? &t->hmtx
              : tag == TAG('l', 'o', 'c', 'a') ? &t->loca
              : tag == TAG('g', 'l', 'y', 'f') ? &t->glyf
              : tag == TAG('n', 'a', 'm', 'e') ? &t->name
              : tag == TAG('O', 'S', '/', '2') ? &t->os2
              : tag == TAG('p', 'o', 's', 't') ? &t->post
                                               : NULL;
    if (tag == TAG('C', 'F', 'F', ' ') || tag == TAG('C', 'F', 'F', '2') || tag == TAG('g', 'v', 'a', 'r') ||
        tag == TAG('f', 'v', 'a', 'r'))
      return false;
    if (!s)
      continue;
    if (at > len || size > len - at)
      return false;
    s->p = data + at;
    s->len = size;
  }
  if (t->head.len < 54 || t->hhea.len < 36 || t->maxp.len < 6 || !t->hmtx.p || !t->loca.p || !t->glyf.p)
    return false;
  if (rd16(t->head.p + 52) != 0) // glyphDataFormat
    return false;
  unsigned loca_format = rd16(t->head.p + 50);
  if (loca_format > 1)
    return false;
  t->long_loca = loca_format == 1;
  t->num_glyphs = rd16(t->maxp.p + 4);
  t->num_hmetrics = rd16(t->hhea.p + 34);
  if (t->num_glyphs == 0 || t->num_hmetrics == 0 || t->num_hmetrics > t->num_glyphs)
    return false;
  if (t->loca.len < (size_t)(t->num_glyphs + 1) * (t->long_loca ? 4 : 2))
    return false;
  if (t->hmtx.len < 4 * (size_t)t->num_hmetrics + 2 * (size_t)(t->num_glyphs - t->num_hmetrics))
    return false;
  if (t->os2.p && t->os2.len < 68)
    t->os2.p = NULL;
  if (t->post.p && t->post.len < 32)
    t->post.p = NULL;
  return true;
}

// 'glyph_range()' - Where glyph GID's bytes lie in glyf: [*A, *B). False
// when loca points outside glyf or backwards, or the glyph is too short.
static bool glyph_range(const src_font *t, unsigned gid, size_t *a, size_t *b) {
  if (t->long_loca) {
    *a = rd32(t->loca.p + 4 * (size_t)gid);
    *b = rd32(t->loca.p + 4 * (size_t)gid + 4);
  } else {
    *a = 2 * (size_t)rd16(t->loca.p + 2 * (size_t)gid);
    *b = 2 * (size_t)rd16(t->loca.p + 2 * (size_t)gid + 2);
  }
  return *a <= *b && *b <= t->glyf.len && (*b == *a || *b - *a >= 10);
}

// 'glyph_data()' - Glyph GID's bytes in *G (empty for a glyph without
// outline): in glyf, or where they were read to (read_glyphs()). False when
// loca points outside glyf or backwards, or the glyph was not read.
static bool glyph_data(const src_font *t, unsigned gid, span *g) {
  size_t a, b;
  if (!glyph_range(t, gid, &a, &b))
    return false;
  g->p = t->glyf.p + a; // not read through when empty
  g->len = b - a;
  if (!t->src || g->len == 0)
    return true;
  if (!t->src->at[gid])
    return false;
  g->p = t->src->bytes.p + (t->src->at[gid] - 1);
  return true;
}

// 'glyph_advance()' - The advance width of glyph GID.
static unsigned glyph_advance(const src_font *t, unsigned gid) {
  unsigned nh = t->num_hmetrics;
  return rd16(t->hmtx.p + 4 * (size_t)(gid < nh ? gid : nh - 1));
}

// 'component_size()' - The length of the composite component record whose
// flags are FLAGS (flags, glyph index, arguments, transform).
static size_t component_size(unsigned flags) {
  size_t n = 4 + ((flags & ARG_1_AND_2_ARE_WORDS) ? 4 : 2);
  if (flags & WE_HAVE_A_SCALE)
    n += 2;
  else if (flags & WE_HAVE_AN_X_AND_Y_SCALE)
    n += 4;
  else if (flags & WE_HAVE_A_TWO_BY_TWO)
    n += 8;
  return n;
}

// One glyph to read: its bytes [a, b) in glyf.
typedef struct glyph_want {
  size_t a, b;
  unsigned gid;
} glyph_want;

// 'cmp_want()' - qsort comparator: glyph_want by offset.
static int cmp_want(const void *pa, const void *pb) {
  const glyph_want *a = pa, *b = pb;
  return a->a < b->a ? -1 : a->a > b->a ? 1 : 0;
}

// 'read_glyphs()' - Read those of the N glyphs LIST that are not read yet,
// through T's reader, in offset order, nearby ones in one call. False when
// a glyph's loca entry is bad or the reader fails.
static bool read_glyphs(const src_font *t, const unsigned *list, size_t n) {
  glyph_src *r = t->src;
  glyph_want *v = ep_xmalloc(sizeof *v * (n ? n : 1));
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    size_t a, b;
    if (!glyph_range(t, list[i], &a, &b)) {
      free(v);
      return false;
    }
    if (b > a && !r->at[list[i]])
      v[m++] = (glyph_want){a, b, list[i]};
  }
  qsort(v, m, sizeof *v, cmp_want);
  size_t want = 0; // at most what is kept below (overlapping glyphs are kept once)
  for (size_t i = 0; i < m; i++)
    want += v[i].b - v[i].a;
  ob_reserve(&r->bytes, want);
  // Runs: glyphs that overlap always share one; nearby ones while it stays
  // within the scratch buffer. Runs do not overlap, so at most glyf's size is kept.
  bool ok = true;
  for (size_t i = 0; i < m && ok;) {
    size_t from = v[i].a, to = v[i].b, j = i + 1;
    while (j < m && (v[j].a < to || (v[j].a <= to + GLYPH_GAP && (v[j].b > to ? v[j].b : to) - from <= GLYPH_RUN_MAX))) {
      if (v[j].b > to)
        to = v[j].b;
      j++;
    }
    if (to - from > GLYPH_RUN_MAX) { // larger than the scratch buffer: read where it is kept, whole
      size_t at = r->bytes.len;
      ok = r->read(r->user, r->glyf_at + from, to - from, ob_room(&r->bytes, to - from));
      for (size_t k = i; k < j; k++)
        r->at[v[k].gid] = (uint32_t)(at + (v[k].a - from)) + 1;
    } else if ((ok = r->read(r->user, r->glyf_at + from, to - from, r->scratch))) {
      // Only the glyphs' bytes are kept, overlapping ones once.
      size_t seg_from = 0, seg_to = 0, seg_at = 0;
      for (size_t k = i; k < j; k++) {
        if (k == i || v[k].a >= seg_to) {
          seg_from = v[k].a;
          seg_to = v[k].b;
          seg_at = r->bytes.len;
          ob_put(&r->bytes, r->scratch + (seg_from - from), seg_to - seg_from);
        } else if (v[k].b > seg_to) {
          ob_put(&r->bytes, r->scratch + (seg_to - from), v[k].b - seg_to);
          seg_to = v[k].b;
        }
        r->at[v[k].gid] = (uint32_t)(seg_at + (v[k].a - seg_from)) + 1;
      }
    }
    i = j;
  }
  free(v);
  return ok;
}

// 'keep_glyph()' - Mark glyph G in the bit set KEEP and append it to
// LIST[*KEPT]; false when it was marked already.
static bool keep_glyph(unsigned char *keep, uint32_t *list, unsigned *kept, unsigned g) {
  unsigned char bit = (unsigned char)(1u << (g & 7));
  if (keep[g >> 3] & bit)
    return false;
  keep[g >> 3] |= bit;
  list[(*kept)++] = g;
  return true;
}

// 'close_glyphs()' - The glyphs to keep, in LIST (room for every glyph of
// the font; unordered): .notdef, the glyphs of GIDS[0..N-1] and, to any
// depth, the components of composite glyphs. Returns how many, or 0 when a
// glyph is malformed or a component lies outside the font. A bit set marks
// them (not a byte per glyph: a CJK font has up to 65,535 glyphs, a subset
// a few hundred).
static unsigned close_glyphs(const src_font *t, const uint32_t *gids, size_t n, uint32_t *list) {
  unsigned char *keep = ep_xcalloc((t->num_glyphs + 7) / 8 + 1, 1);
  unsigned *stack = ep_xmalloc(sizeof *stack * t->num_glyphs);
  size_t top = 0, read_upto = 0; // with a reader, stack[0..read_upto-1] are read
  unsigned kept = 0;
  keep_glyph(keep, list, &kept, 0);
  stack[top++] = 0;
  for (size_t i = 0; i < n; i++)
    if (gids[i] && gids[i] < t->num_glyphs && keep_glyph(keep, list, &kept, gids[i]))
      stack[top++] = gids[i];
  while (top) {
    span g;
    if (t->src && read_upto < top) { // those not read yet, all at once (the components of the last ones popped)
      if (!read_glyphs(t, stack + read_upto, top - read_upto)) {
        kept = 0;
        break;
      }
      read_upto = top;
    }
    if (read_upto == top)
      read_upto--;
    if (!glyph_data(t, stack[--top], &g)) {
      kept = 0;
      break;
    }
    if (g.len == 0 || (int16_t)rd16(g.p) >= 0)
      continue;
    size_t at = 10;
    unsigned flags;
    do {
      if (g.len - at < 4 || g.len - at < component_size(flags = rd16(g.p + at))) {
        kept = 0;
        break;
      }
      unsigned c = rd16(g.p + at + 2);
      if (c >= t->num_glyphs) {
        kept = 0;
        break;
      }
      if (keep_glyph(keep, list, &kept, c))
        stack[top++] = c;
      at += component_size(flags);
    } while (flags & MORE_COMPONENTS);
    if (!kept)
      break;
  }
  free(stack);
  free(keep);
  return kept;
}

// 'simple_outline_size()' - The length of a simple glyph's flags and
// coordinates for POINTS points at P (at most LEN bytes): the source's
// padding after them is not copied. 0 when they do not fit in LEN.
static size_t simple_outline_size(const unsigned char *p, size_t len, size_t points) {
  // Coordinate bytes of one point by its flag's bits 0x02, 0x04, 0x10, 0x20
  // (x short, y short, x same or positive, y same or positive): x takes 1
  // byte when short, else 0 when the same, else 2; y likewise.
  static const unsigned char each_of[64] = {
#define X(f) (((f) & 0x02) ? 1 : ((f) & 0x10) ? 0 : 2)
#define Y(f) (((f) & 0x04) ? 1 : ((f) & 0x20) ? 0 : 2)
#define E(f) (unsigned char)(X(f) + Y(f))
#define E4(f) E(f), E((f) + 1), E((f) + 2), E((f) + 3)
#define E16(f) E4(f), E4((f) + 4), E4((f) + 8), E4((f) + 12)
      E16(0), E16(16), E16(32), E16(48)
#undef E16
#undef E4
#undef E
#undef Y
#undef X
  };
  size_t at = 0, coords = 0;
  for (size_t done = 0; done < points;) {
    // Eight flags at a time while none of them repeats (most of them; the
    // sum does not depend on the byte order of the load).
    if (points - done >= 8 && len - at >= 8) {
      uint64_t w;
      memcpy(&w, p + at, 8);
      if (!(w & 0x0808080808080808u)) {
        coords += (size_t)each_of[w & 0x3F] + each_of[(w >> 8) & 0x3F] + each_of[(w >> 16) & 0x3F] +
                  each_of[(w >> 24) & 0x3F] + each_of[(w >> 32) & 0x3F] + each_of[(w >> 40) & 0x3F] +
                  each_of[(w >> 48) & 0x3F] + each_of[(w >> 56) & 0x3F];
        at += 8;
        done += 8;
        continue;
      }
    }
    if (at >= len)
      return 0;
    unsigned flag = p[at++];
    size_t times = 1;
    if (flag & 0x08) { // REPEAT_FLAG
      if (at >= len)
        return 0;
      times += p[at++];
    }
    coords += each_of[flag & 0x3F] * times;
    done += times;
  }
  return coords > len - at ? 0 : at + coords;
}

// 'copy_glyph()' - Append glyph G to OUT without its instructions, component
// glyph ids renumbered through NEW_ID, padded to an even length. False when
// the glyph is malformed.
static bool copy_glyph(span g, const uint16_t *new_id, obuf *out) {
  if (g.len == 0)
    return true;
  int contours = (int16_t)rd16(g.p);
  if (contours >= 0) {
    size_t head = 10 + 2 * (size_t)contours;
    if (g.len < head + 2)
      return false;
    size_t code = rd16(g.p + head);
    if (g.len - head - 2 < code)
      return false;
    size_t points = contours ? rd16(g.p + head - 2) + (size_t)1 : 0;
    size_t outline = simple_outline_size(g.p + head + 2 + code, g.len - head - 2 - code, points);
    if (contours && !outline)
      return false;
    ob_put(out, g.p, head);
    ob_16(out, 0); // instructionLength
    ob_put(out, g.p + head + 2 + code, outline);
  } else {
    size_t at = 10;
    unsigned flags;
    ob_put(out, g.p, 10);
    do {
      flags = rd16(g.p + at); // bounds checked by close_glyphs()
      size_t size = component_size(flags);
      unsigned char *rec = ob_room(out, size);
      memcpy(rec, g.p + at, size);
      wr16(rec, flags & ~(unsigned)WE_HAVE_INSTRUCTIONS);
      wr16(rec + 2, new_id[rd16(g.p + at + 2)]);
      at += size;
    } while (flags & MORE_COMPONENTS);
  }
  return true;
}

// 'pad_glyphs()' - Pad each of the KEPT glyphs of FILE (starting at
// OFFSETS[0..KEPT-1] past AT, ending at OFFSETS[KEPT]) to an even length
// where they are, moving them up from the last (FILE has room for KEPT more
// bytes), and update OFFSETS.
static void pad_glyphs(obuf *file, size_t at, uint32_t *offsets, unsigned kept) {
  size_t odd = 0;
  for (unsigned k = 0; k < kept; k++)
    odd += (offsets[k + 1] - offsets[k]) & 1;
  unsigned char *g = file->p + at;
  uint32_t end = offsets[kept];
  offsets[kept] = (uint32_t)(end + odd);
  for (unsigned k = kept; k-- > 0;) { // glyph K moves up by the odd glyphs before it
    size_t len = end - offsets[k];
    end = offsets[k];
    odd -= len & 1;
    uint32_t to = (uint32_t)(offsets[k] + odd);
    if (len & 1)
      g[to + len] = 0;
    if (to != offsets[k])
      memmove(g + to, g + offsets[k], len);
    offsets[k] = to;
  }
  file->len = at + offsets[kept];
}

// 'write_name()' - The name records 0-6 of the Macintosh Roman and Windows
// Unicode platforms (format 0), the strings copied: only the Windows English
// ones when the font has a Windows English PostScript name. An absent or malformed
// source gives an empty table.
static void write_name(span src, obuf *out) {
  size_t count = src.len >= 6 ? rd16(src.p + 2) : 0, strings = src.len >= 6 ? rd16(src.p + 4) : 0;
  if (6 + 12 * count > src.len)
    count = 0;
  // English names when the font has any, else all of those records.
  bool english = false;
  for (size_t i = 0; i < count && !english; i++) {
    const unsigned char *r = src.p + 6 + 12 * i;
    english = rd16(r + 6) == 6 && rd16(r) == 3 && rd16(r + 2) == 1 && rd16(r + 4) == 0x409;
  }
  size_t keep = 0;
  for (int pass = 0; pass < 2; pass++) {
    size_t head = out->len, string_at = 0;
    if (pass == 1) {
      ob_16(out, 0), ob_16(out, (unsigned)keep), ob_16(out, (unsigned)(6 + 12 * keep));
      head = out->len;
      ob_room(out, 12 * keep);
    }
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
      const unsigned char *r = src.p + 6 + 12 * i;
      unsigned platform = rd16(r), encoding = rd16(r + 2), language = rd16(r + 4), id = rd16(r + 6);
      size_t len = rd16(r + 8), off = strings + rd16(r + 10);
      bool wanted = id <= 6 && (english ? platform == 3 && encoding == 1 && language == 0x409
                                        : (platform == 1 && encoding == 0) ||
                                              (platform == 3 && (encoding == 0 || encoding == 1) && language < 0x8000));
      if (!wanted || off > src.len || len > src.len - off)
        continue;
      if (pass == 0) {
        keep++;
        continue;
      }
      unsigned char *rec = out->p + head + 12 * k++;
      memcpy(rec, r, 8);
      wr16(rec + 8, (unsigned)len);
      wr16(rec + 10, (unsigned)string_at);
      ob_put(out, src.p + off, len);
      string_at += len;
    }
  }
}

// 'table_sum()' - The OpenType checksum of P (LEN bytes, zero-padded to 4).
static uint32_t table_sum(const unsigned char *p, size_t len) {
  uint32_t sum = 0;
  size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  // The sum of the big-endian words is that of their bytes, each weighted by
  // its place in its word (2^24, 2^16, 2^8, 1): each place's bytes are summed
  // in 16-bit lanes, eight bytes per load, and the lanes emptied before one
  // can overflow (256 loads add at most 256 * 255 to a lane).
  uint64_t place[4] = {0, 0, 0, 0};
  while (len - i >= 8) {
    uint64_t even = 0, odd = 0; // lanes of bytes 0, 2, 4, 6 and of bytes 1, 3, 5, 7
    size_t steps = (len - i) / 8 < 256 ? (len - i) / 8 : 256;
    const unsigned char *q = p + i;
    for (size_t k = 0; k < steps; k++) {
      uint64_t x;
      memcpy(&x, q + 8 * k, 8);
      even += x & 0x00FF00FF00FF00FFu;
      odd += x >> 8 & 0x00FF00FF00FF00FFu;
    }
    i += 8 * steps;
    place[0] += (even & 0xFFFF) + (even >> 32 & 0xFFFF);
    place[2] += (even >> 16 & 0xFFFF) + (even >> 48 & 0xFFFF);
    place[1] += (odd & 0xFFFF) + (odd >> 32 & 0xFFFF);
    place[3] += (odd >> 16 & 0xFFFF) + (odd >> 48 & 0xFFFF);
  }
  sum = (uint32_t)(place[0] << 24) + (uint32_t)(place[1] << 16) + (uint32_t)(place[2] << 8) + (uint32_t)place[3];
#endif
  for (; i + 4 <= len; i += 4)
    sum += rd32(p + i);
  if (i < len) {
    unsigned char last[4] = {0};
    memcpy(last, p + i, len - i);
    sum += rd32(last);
  }
  return sum;
}

// 'assemble()' - The font file of the tables TABLES (in tag order) in
// *OUT: FILE, which holds the glyf table from GLYF_AT (12 + 16 * T_COUNT
// plus OS/2's padded length: where it goes) to its end and has room for the
// rest, gets the directory, OS/2 before glyf and the other tables after it,
// with checksums and head's checkSumAdjustment (the glyphs are never
// copied). The whole file's sum is that of the directory plus the tables'
// own (each starts at a multiple of 4 and is padded with zeros), so no byte
// is summed twice.
static void assemble(obuf *file, size_t glyf_at, obuf tables[T_COUNT], unsigned char **out, size_t *out_len) {
  size_t glyf_len = file->len - glyf_at;
  size_t total = 12 + 16 * T_COUNT;
  for (int i = 0; i < T_COUNT; i++)
    total += ((i == T_GLYF ? glyf_len : tables[i].len) + 3) & ~(size_t)3;
  ob_reserve(file, total - file->len);
  unsigned char *f = file->p;
  wr32(f, 0x00010000);
  wr16(f + 4, T_COUNT);
  wr16(f + 6, 128), wr16(f + 8, 3), wr16(f + 10, 16 * T_COUNT - 128); // 8 <= 10 tables < 16
  size_t at = 12 + 16 * T_COUNT;
  size_t head_at = 0;
  uint32_t sum = 0;
  for (int i = 0; i < T_COUNT; i++) {
    unsigned char *rec = f + 12 + 16 * i;
    size_t len = i == T_GLYF ? glyf_len : tables[i].len, padded = (len + 3) & ~(size_t)3;
    if (i != T_GLYF && len)
      memcpy(f + at, tables[i].p, len);
    memset(f + at + len, 0, padded - len);
    uint32_t table = table_sum(f + at, len);
    sum += table;
    wr32(rec, out_tags[i]);
    wr32(rec + 4, table);
    wr32(rec + 8, (uint32_t)at);
    wr32(rec + 12, (uint32_t)len);
    if (i == T_HEAD)
      head_at = at;
    at += padded;
  }
  sum += table_sum(f, 12 + 16 * T_COUNT);
  wr32(f + head_at + 8, 0xB1B0AFBAu - sum);
  *out = f;
  *out_len = total;
  *file = (obuf){0}; // taken
}

// 'write_glyphs()' - The glyf table of the KEPT glyphs OLD_ID[] (component
// ids renumbered through NEW_ID), appended to FILE from its length on
// (room is made for EXTRA bytes more, the tables that follow it), and
// the loca table; *LONG_LOCA tells loca's format. False when a glyph is
// malformed.
static bool write_glyphs(const src_font *t, const uint32_t *old_id, unsigned kept, const uint16_t *new_id, obuf *file,
                         size_t extra, obuf *loca, bool *long_loca) {
  bool ok = true;
  uint32_t *offsets = ep_xmalloc(sizeof *offsets * (kept + 1));
  size_t most = 0; // a glyph loses its instructions and gains at most a pad byte
  for (unsigned k = 0; k < kept; k++) {
    size_t a, b;
    if (glyph_range(t, old_id[k], &a, &b))
      most += b - a + 1;
  }
  ob_reserve(file, most + extra);
  size_t at = file->len;
  for (unsigned k = 0; k < kept && ok; k++) {
    span g;
    offsets[k] = (uint32_t)(file->len - at);
    ok = glyph_data(t, old_id[k], &g) && copy_glyph(g, new_id, file);
  }
  offsets[kept] = (uint32_t)(file->len - at);
  // A short loca (offset / 2) needs every glyph at an even offset: pad
  // each glyph to an even length, which may make the table too long for it.
  *long_loca = offsets[kept] + kept > 0x1FFFE;
  if (!*long_loca && ok)
    pad_glyphs(file, at, offsets, kept);
  for (unsigned k = 0; k <= kept && ok; k++) {
    if (*long_loca)
      ob_32(loca, offsets[k]);
    else
      ob_16(loca, offsets[k] / 2);
  }
  free(offsets);
  return ok;
}

// 'write_hmtx()' - The hmtx table of the KEPT glyphs OLD_ID[]: full metrics
// up to the last change of advance, then only the left side bearings (the
// last advance applies to the rest). Returns hhea's numberOfHMetrics.
static unsigned write_hmtx(const src_font *t, const uint32_t *old_id, unsigned kept, obuf *hmtx) {
  unsigned metrics = kept;
  while (metrics > 1 && glyph_advance(t, old_id[metrics - 2]) == glyph_advance(t, old_id[kept - 1]))
    metrics--;
  for (unsigned k = 0; k < kept; k++) {
    unsigned g = old_id[k], nh = t->num_hmetrics;
    unsigned lsb = g < nh ? rd16(t->hmtx.p + 4 * (size_t)g + 2) : rd16(t->hmtx.p + 4 * (size_t)nh + 2 * (size_t)(g - nh));
    if (k < metrics)
      ob_16(hmtx, glyph_advance(t, g));
    ob_16(hmtx, lsb);
  }
  return metrics;
}

static bool subset_tables(const src_font *tp, const uint32_t *cps, const uint32_t *gids, size_t n,
                          unsigned max_glyphs, unsigned char **out, size_t *out_len);

// 'ep_ttf_subset()' - Subset one face to a set of characters (see subset.h).
bool ep_ttf_subset(const unsigned char *data, size_t len, unsigned index, const uint32_t *cps,
                   const uint32_t *gids, size_t n, unsigned max_glyphs, unsigned char **out, size_t *out_len) {
  return ep_ttf_subset_read(data, len, index, cps, gids, n, max_glyphs, NULL, NULL, out, out_len);
}

// 'glyph_src_free()' - Release what reading glyphs allocated (S may be unused).
static void glyph_src_free(glyph_src *s) {
  free(s->at);
  free(s->bytes.p);
  free(s->scratch);
}

// 'ep_ttf_subset_read()' - Subset one face, its glyphs read by the caller (see subset.h).
bool ep_ttf_subset_read(const unsigned char *data, size_t len, unsigned index, const uint32_t *cps,
                        const uint32_t *gids, size_t n, unsigned max_glyphs, ep_subset_read_fn read, void *user,
                        unsigned char **out, size_t *out_len) {
  *out = NULL;
  *out_len = 0;
  src_font t;
  if (!data || (n && (!cps || !gids)) || !find_tables(data, len, index, &t))
    return false;
  for (size_t i = 1; i < n; i++)
    if (cps[i] <= cps[i - 1])
      return false;
  glyph_src src = {0};
  if (read) {
    src.read = read;
    src.user = user;
    src.glyf_at = (uint64_t)(t.glyf.p - data);
    src.at = ep_xcalloc(t.num_glyphs, sizeof *src.at);
    src.scratch = ep_xmalloc(GLYPH_RUN_MAX);
    t.src = &src;
  }
  bool ok = subset_tables(&t, cps, gids, n, max_glyphs, out, out_len);
  glyph_src_free(&src);
  return ok;
}

// 'ep_ttf_subset_handles()' - Whether this subsetter reads the face (see subset.h).
bool ep_ttf_subset_handles(const unsigned char *data, size_t len, unsigned index) {
  src_font t;
  return data && find_tables(data, len, index, &t);
}

// 'subset_tables()' - The body of ep_ttf_subset_read(), the tables found in T.
static bool subset_tables(const src_font *tp, const uint32_t *cps, const uint32_t *gids, size_t n,
                          unsigned max_glyphs, unsigned char **out, size_t *out_len) {
  const src_font t = *tp;
  uint32_t *list = ep_xmalloc(sizeof *list * (t.num_glyphs + 1));
  unsigned kept = close_glyphs(&t, gids, n, list);
  if (kept == 0) {
    free(list);
    return false;
  }
  // The subset's glyphs: .notdef, then one per character in the callers's
  // order (glyph 1 + i draws CPS[i]: a character the face lacks gets a copy
  // of .notdef, one that shares another's glyph a copy of it), then the
  // components no character draws, in glyph id order. OLD_ID[K] is the
  // font's glyph that the subset's glyph K copies; NEW_ID[G] the first
  // subset glyph copying the font's glyph G (read for kept glyphs only).
  qsort(list, kept, sizeof *list, ep_cmp_u32);
  unsigned char *slot = ep_xcalloc((t.num_glyphs + 7) / 8 + 1, 1); // the glyphs of characters
  size_t total = 1 + n;
  uint32_t first = 0xFFFF, last = 0; // OS/2's first and last character drawn
  for (size_t i = 0; i < n; i++)
    if (gids[i] && gids[i] < t.num_glyphs) {
      slot[gids[i] >> 3] |= (unsigned char)(1u << (gids[i] & 7));
      first = cps[i] < first ? cps[i] : first;
      last = cps[i] > last ? cps[i] : last;
    }
  for (unsigned k = 1; k < kept; k++) // list[0] is .notdef
    total += !(slot[list[k] >> 3] & 1u << (list[k] & 7));
  if (total > max_glyphs || total > 0xFFFF) {
    free(slot);
    free(list);
    return false;
  }
  uint32_t *old_id = ep_xmalloc(sizeof *old_id * total);
  size_t at = 0;
  old_id[at++] = 0;
  for (size_t i = 0; i < n; i++)
    old_id[at++] = gids[i] < t.num_glyphs ? gids[i] : 0;
  for (unsigned k = 1; k < kept; k++)
    if (!(slot[list[k] >> 3] & 1u << (list[k] & 7)))
      old_id[at++] = list[k];
  free(slot);
  free(list);
  uint16_t *new_id = ep_xmalloc(sizeof *new_id * t.num_glyphs);
  for (size_t k = total; k-- > 0;) // the first copy of each wins
    new_id[old_id[k]] = (uint16_t)k;
  // The small tables first, copied with the fields that change: their
  // sizes give the room the file needs after glyf, which is written in
  // place (loca, sized by glyf, is made with it).
  obuf tb[T_COUNT] = {{0}};
  unsigned metrics = write_hmtx(&t, old_id, (unsigned)total, &tb[T_HMTX]);
  ob_put(&tb[T_HEAD], t.head.p, 54);
  wr32(tb[T_HEAD].p + 8, 0); // checkSumAdjustment, set by assemble()
  ob_put(&tb[T_HHEA], t.hhea.p, 36);
  wr16(tb[T_HHEA].p + 34, metrics);
  ob_put(&tb[T_MAXP], t.maxp.p, t.maxp.len >= 32 ? 32 : 6);
  wr16(tb[T_MAXP].p + 4, (unsigned)total);
  if (tb[T_MAXP].len >= 32)
    wr16(tb[T_MAXP].p + 26, 0); // maxSizeOfInstructions: none are left
  bool ok = t.os2.p != NULL; // libharu needs OS/2 for the font flags; hb-subset decides
  if (ok) {
    ob_put(&tb[T_OS2], t.os2.p, t.os2.len);
    wr16(tb[T_OS2].p + 64, first > last ? 0 : first);
    wr16(tb[T_OS2].p + 66, first > last ? 0 : last > 0xFFFF ? 0xFFFF : last);
  }
  unsigned char post[32] = {0};
  if (t.post.p)
    memcpy(post, t.post.p, 32);
  wr32(post, 0x00030000); // format 3: no glyph names
  ob_put(&tb[T_POST], post, 32);
  write_name(t.name, &tb[T_NAME]);
  size_t glyf_at = 12 + 16 * T_COUNT + ((tb[T_OS2].len + 3) & ~(size_t)3);
  size_t after = (4 * (total + 1) + 3) & ~(size_t)3; // loca, long at most
  for (int i = T_GLYF + 1; i < T_COUNT; i++)
    after += i == T_LOCA ? 0 : (tb[i].len + 3) & ~(size_t)3;
  obuf file = {0};
  bool long_loca = false;
  if (ok) {
    ob_room(&file, glyf_at); // the directory and OS/2, written by assemble()
    ok = write_glyphs(&t, old_id, (unsigned)total, new_id, &file, after + 3, &tb[T_LOCA], &long_loca);
  }
  free(new_id);
  free(old_id);
  wr16(tb[T_HEAD].p + 50, long_loca ? 1 : 0);
  if (ok)
    assemble(&file, glyf_at, tb, out, out_len);
  free(file.p);
  for (int i = 0; i < T_COUNT; i++)
    free(tb[i].p);
  return ok;
}

// 'cmap4_glyph()' - Glyph id of CP in the format-4 subtable S (LEN bytes), 0 when unmapped.
static unsigned cmap4_glyph(const unsigned char *s, size_t len, uint32_t cp) {
  size_t segs = rd16(s + 6) / 2;
  if (cp > 0xFFFF || len < 16 + 8 * segs)
    return 0;
  const unsigned char *ends = s + 14, *starts = ends + 2 * segs + 2, *deltas = starts + 2 * segs,
                      *ranges = deltas + 2 * segs;
  size_t lo = 0, hi = segs; // the first segment whose end is >= cp
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (rd16(ends + 2 * mid) < cp)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == segs || rd16(starts + 2 * lo) > cp)
    return 0;
  unsigned delta = rd16(deltas + 2 * lo), range = rd16(ranges + 2 * lo);
  if (range == 0)
    return (cp + delta) & 0xFFFF;
  size_t at = (size_t)(ranges - s) + 2 * lo + range + 2 * (cp - rd16(starts + 2 * lo));
  if (at + 2 > len)
    return 0;
  unsigned g = rd16(s + at);
  return g ? (g + delta) & 0xFFFF : 0;
}

// 'cmap12_glyph()' - Glyph id of CP in the format-12 subtable S (LEN bytes), 0 when unmapped.
static unsigned cmap12_glyph(const unsigned char *s, size_t len, uint32_t cp) {
  uint32_t groups = rd32(s + 12);
  if (groups > (len - 16) / 12)
    return 0;
  size_t lo = 0, hi = groups; // the first group whose end is >= cp
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (rd32(s + 16 + 12 * mid + 4) < cp)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == groups)
    return 0;
  const unsigned char *g = s + 16 + 12 * lo;
  uint32_t start = rd32(g), id = rd32(g + 8) + (cp - start);
  return cp >= start && id <= 0xFFFF ? id : 0;
}

// 'ep_ttf_cmap_lookup()' - The glyph ids of characters in a TrueType font's
// Unicode cmap (see subset.h).
bool ep_ttf_cmap_lookup(const unsigned char *data, size_t len, const uint32_t *cps, size_t n, uint16_t *gids) {
  if (!data || len < 12 || (n && (!cps || !gids)))
    return false;
  size_t tables = rd16(data + 4);
  span cmap = {0};
  for (size_t i = 0; i < tables && 12 + 16 * (i + 1) <= len; i++) {
    const unsigned char *rec = data + 12 + 16 * i;
    uint32_t at = rd32(rec + 8), size = rd32(rec + 12);
    if (rd32(rec) == TAG('c', 'm', 'a', 'p') && at <= len && size <= len - at)
      cmap = (span){data + at, size};
  }
  if (cmap.len < 4)
    return false;
  // The best Unicode subtable: (3,10) format 12, else (3,1) or (0,*) format 4.
  const unsigned char *best = NULL;
  size_t best_len = 0;
  unsigned best_format = 0;
  size_t subtables = rd16(cmap.p + 2);
  for (size_t i = 0; i < subtables && 4 + 8 * (i + 1) <= cmap.len; i++) {
    const unsigned char *rec = cmap.p + 4 + 8 * i;
    unsigned platform = rd16(rec), encoding = rd16(rec + 2);
    uint32_t at = rd32(rec + 4);
    if (at > cmap.len - 4 || !(platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))))
      continue;
    const unsigned char *s = cmap.p + at;
    unsigned format = rd16(s);
    size_t slen = format == 12 ? (at + 16 <= cmap.len ? rd32(s + 4) : 0) : rd16(s + 2);
    if (slen > cmap.len - at || (format == 4 && slen < 16) || (format == 12 && slen < 16) ||
        (format != 4 && format != 12) || (best_format == 12 && format == 4))
      continue;
    best = s, best_len = slen, best_format = format;
  }
  if (!best)
    return false;
  for (size_t i = 0; i < n; i++)
    gids[i] = (uint16_t)(best_format == 12 ? cmap12_glyph(best, best_len, cps[i]) : cmap4_glyph(best, best_len, cps[i]));
  return true;
}
