// PDF writer: walks a display list and writes it with libharu 2.3.0 (the only
// file of evalpdf that includes hpdf.h). See pdf.h for the contract.
//
// Order of work in one call (one HPDF_Doc, nothing shared but the faces):
//  1. collect the faces TEXT boxes use, with their drawn code points, and the
//     DEST boxes;
//  2. start the font programs (program.c): each face's hb-subset and its
//     deflate, on a helper thread and this one;
//  3. per face, as its subset is ready: libharu parses it in place (a
//     callback stream), the definition gets a unique name, its in-memory
//     cmap is compacted, HPDF_GetFont(…, "UTF-8"), ToUnicode replaced;
//  4. per page: fills, rules and underlines first, then all text in one
//     text object (so a fill never hides text);
//  5. per face: the deflated program attached as FontFile2, the maps
//     compressed; links, outline, page labels, document information;
//  6. save to memory, HPDF_Free, then write the file atomically.
//
// Several steps reach into libharu 2.3.0 internals that Debian installs
// (hpdf_doc.h, hpdf_font.h, hpdf_fontdef.h): they are checked against the
// 2.3.0 sources and guarded by the version test below.
#if !defined(_XOPEN_SOURCE) || _XOPEN_SOURCE < 700
#undef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 // mkstemp(), realpath(), gmtime_r(), strerror_r()
#endif
#include "pdf.h"

#include "font.h"
#include "program.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libdeflate.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#if HPDF_VERSION_ID != 20300
#error "pdf.c uses libharu 2.3.0 internals (font definitions, ToUnicode stream, page labels); check them against this libharu version first"
#endif

#define POS_EPS 0.001       // pt: how far a glyph may sit from its Tc-run position
#define GROUP_MAX 2000      // glyphs per TextOut (libharu limits a string to 65535 bytes)
#define OUTLINE_DEPTH 16    // deeper outline levels hang under level 16
#define TOUNICODE_BLOCK 100 // entries per beginbfrange/beginbfchar block (CMap limit)
#define REPLACEMENT 0xFFFDu // drawn for what libharu 2.3 cannot encode
#define DEFLATE_LEVEL 1 // libdeflate level of content, CID map, ToUnicode streams (6: -1.7 KB on the example)

// What the libharu error handler saw first.
typedef struct hp_error {
  HPDF_STATUS error_no;  // 0 = nothing
  HPDF_STATUS detail_no;
} hp_error;

// One embedded face.
typedef struct pdf_font {
  ep_face *face;      // borrowed from the font set
  uint32_t *cps;      // drawn code points, unique; sorted once collected
  size_t n, cap;
  unsigned char *seen; // bit set of the BMP code points in cps (drawn_cp keeps all below U+FFFE)
  HPDF_FontDef def;   // libharu's definition of the subset
  HPDF_Font font;     // the Type0 font (UTF-8 encoder)
  HPDF_Dict file;     // its FontFile2 stream
  char key[32];       // the definition's unique name in this document
  size_t first_page;  // 0-based page of the first use
  struct {            // what libharu reads the subset from (blob_read() and friends)
    const unsigned char *data;
    size_t len, pos;
  } blob;
} pdf_font;

// One named destination (DEST box).
typedef struct pdf_dest {
  const char *id;
  size_t page;        // 0-based
  double y;
  size_t seq;         // list order: the first of equal ids wins
} pdf_dest;

// Everything one ep_pdf_write() call works with.
typedef struct pdf_writer {
  const ep_dlist *dl;
  ep_diags *diags;
  int rc;               // EP_PDF_* of the first failure
  bool failed;          // a failure was reported (only the first is)
  hp_error err;         // filled by the libharu error handler
  HPDF_Doc doc;
  HPDF_Encoder utf8;
  struct libdeflate_compressor *zc; // compresses every stream libharu would deflate
  unsigned char *zbuf, *rbuf;       // scratch: compressed and raw stream data
  size_t zcap, rcap;
  ep_programs *programs;
  bool own_programs;     // programs were started here (not handed over in the display list)
  ep_face **prog_faces;  // the arrays programs borrows
  const uint32_t **prog_cps;
  size_t *prog_ns;
  pdf_font *fonts;      // in order of first use
  size_t nfonts, fonts_cap;
  pdf_dest *dests;      // sorted by id, then seq
  size_t ndests, dests_cap;
  HPDF_Page *pages;
  // Scratch for one TEXT box: drawn code points, advances and x offsets (pt).
  uint32_t *gcp;
  double *gadv, *gx;
  size_t gcap;
  ep_buf text;
  // Drawing state of the current page.
  HPDF_Font cur_font;
  double cur_size, cur_tc, cur_lw, cur_gray;
  HPDF_TextRenderingMode cur_mode;
  bool round_join;      // line join set to round (for bold text, after all graphics)
} pdf_writer;

// 'on_hpdf_error()' - libharu error handler: remember the first error; no longjmp, no exit.
static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user) {
  hp_error *e = user;
  if (e->error_no == 0) {
    e->error_no = error_no;
    e->detail_no = detail_no;
  }
}

// 'failv()' - Report the first failure of the call: code CODE, return value RC.
static bool failv(pdf_writer *w, int rc, const char *code, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static bool failv(pdf_writer *w, int rc, const char *code, const char *fmt, va_list ap) {
  if (!w->failed) {
    w->failed = true;
    w->rc = rc;
    ep_diag_addv(w->diags, EP_ERROR, w->dl ? w->dl->source : NULL, 0, code, fmt, ap);
  }
  return false;
}

// 'fail()' - Report a failure that is not libharu's (printf-style); returns false.
static bool fail(pdf_writer *w, int rc, const char *code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static bool fail(pdf_writer *w, int rc, const char *code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  failv(w, rc, code, fmt, ap);
  va_end(ap);
  return false;
}

// 'hp_ok()' - True when STATUS is HPDF_OK; otherwise report the libharu error
// (the handler's, else STATUS) "while" doing what FMT says, and return false.
static bool hp_ok(pdf_writer *w, HPDF_STATUS status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static bool hp_ok(pdf_writer *w, HPDF_STATUS status, const char *fmt, ...) {
  if (status == HPDF_OK && w->err.error_no == 0)
    return true;
  if (!w->failed) {
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    // The handler's error, else the document's (libharu sets some without
    // calling the handler), else STATUS.
    HPDF_STATUS no = w->err.error_no, detail = w->err.detail_no;
    if (!no && w->doc && HPDF_GetError(w->doc)) {
      no = HPDF_GetError(w->doc);
      detail = HPDF_GetErrorDetail(w->doc);
    }
    if (!no) {
      no = status;
      detail = 0;
    }
    fail(w, EP_PDF_LIB_ERROR, "pdf-error", "libharu error 0x%04X (detail %u) while %s.", (unsigned)no,
         (unsigned)detail, what);
  }
  return false;
}

// 'warn_box()' - A warning about box B of the display list (code "pdf-error").
static void warn_box(pdf_writer *w, const ep_box *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void warn_box(pdf_writer *w, const ep_box *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ep_diag_addv(w->diags, EP_WARNING, b ? b->src_file : NULL, b ? b->src_line : 0, "pdf-error", fmt, ap);
  va_end(ap);
}

// 'drawn_cp()' - The code point drawn for CP: U+FFFD for what libharu 2.3's
// UTF-8 encoder cannot carry (NUL, surrogates, U+FFFE/U+FFFF, above the BMP).
static uint32_t drawn_cp(uint32_t cp) {
  if (cp == 0 || cp >= 0xFFFEu || (cp >= 0xD800u && cp <= 0xDFFFu))
    return REPLACEMENT;
  return cp;
}

// 'scratch_reserve()' - Room for N glyphs in the per-box scratch arrays.
static void scratch_reserve(pdf_writer *w, size_t n) {
  if (n <= w->gcap)
    return;
  w->gcap = n < 256 ? 256 : n * 2;
  w->gcp = ep_xrealloc(w->gcp, w->gcap * sizeof *w->gcp);
  w->gadv = ep_xrealloc(w->gadv, w->gcap * sizeof *w->gadv);
  w->gx = ep_xrealloc(w->gx, w->gcap * sizeof *w->gx);
}

// 'load_glyphs()' - Fill the scratch arrays with box B's drawn code points,
// and, when FACE is given, their natural advances and x offsets (from dx, or
// natural when dx is missing). Uses cps, or decodes text when cps is NULL.
// Returns the glyph count.
static size_t load_glyphs(pdf_writer *w, const ep_box *b, ep_face *face) {
  size_t n = 0;
  if (b->cps) {
    scratch_reserve(w, b->n);
    for (; n < b->n; n++)
      w->gcp[n] = drawn_cp(b->cps[n]);
  } else if (b->text) {
    const unsigned char *s = (const unsigned char *)b->text;
    size_t len = strlen(b->text);
    scratch_reserve(w, len);
    for (size_t i = 0; i < len;) {
      uint32_t cp = 0;
      size_t k = ep_utf8_decode(s + i, len - i, &cp);
      w->gcp[n++] = k ? drawn_cp(cp) : REPLACEMENT;
      i += k ? k : 1;
    }
  }
  if (face) {
    double pen = 0;
    for (size_t i = 0; i < n; i++) {
      w->gadv[i] = ep_face_advance(face, w->gcp[i]) * b->size / 1000.0;
      w->gx[i] = b->cps && b->dx && isfinite(b->dx[i]) ? b->dx[i] : pen;
      pen += w->gadv[i];
    }
  }
  return n;
}

// 'font_of()' - The embedded font for FACE, or NULL.
static pdf_font *font_of(pdf_writer *w, const ep_face *face) {
  for (size_t i = 0; i < w->nfonts; i++)
    if (w->fonts[i].face == face)
      return &w->fonts[i];
  return NULL;
}

// 'box_is_finite()' - True when B's numbers are finite (libharu cannot write NaN or infinity).
static bool box_is_finite(const ep_box *b) {
  return isfinite(b->x) && isfinite(b->y) && isfinite(b->w) && isfinite(b->h) && isfinite(b->line_width) &&
         isfinite(b->fill) && (b->kind != EP_BOX_TEXT || isfinite(b->size));
}

// 'text_box_usable()' - True when TEXT box B can be drawn; warns once (WARN) when not.
static bool text_box_usable(pdf_writer *w, const ep_box *b, size_t page, bool warn) {
  const char *why = NULL;
  if (!box_is_finite(b))
    why = "has a position that is not a number";
  else if (!b->face)
    why = "has no font";
  else if (!(b->size > 0 && b->size <= HPDF_MAX_FONTSIZE))
    why = "has a font size outside 0..600 pt";
  else if (!b->cps && !b->text)
    why = "has no characters";
  else if (!ep_face_is_truetype(b->face))
    why = "uses a face without TrueType outlines";
  if (why && warn)
    warn_box(w, b, "A text run on page %zu %s and was left out of the PDF.", page + 1, why);
  return why == NULL;
}

// 'cmp_u32()' - qsort order of code points.
static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

// 'cmp_dest()' - qsort order of destinations: id, then list order.
static int cmp_dest(const void *a, const void *b) {
  const pdf_dest *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  if (c)
    return c;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

// 'find_dest()' - The destination named ID, or NULL.
static const pdf_dest *find_dest(const pdf_writer *w, const char *id) {
  size_t lo = 0, hi = w->ndests;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(w->dests[mid].id, id);
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < w->ndests && strcmp(w->dests[lo].id, id) == 0 ? &w->dests[lo] : NULL;
}

// 'collect()' - First pass: the faces with their drawn code points (in order
// of first use), and the destinations. Warns about boxes that will be skipped.
static void collect(pdf_writer *w) {
  const ep_dlist *dl = w->dl;
  for (size_t pi = 0; pi < dl->npages; pi++) {
    const ep_page *p = &dl->pages[pi];
    for (size_t bi = 0; bi < p->n; bi++) {
      const ep_box *b = &p->boxes[bi];
      if (b->kind != EP_BOX_TEXT && !box_is_finite(b)) {
        warn_box(w, b, "A %s on page %zu has a position that is not a number and was left out.",
                 b->kind == EP_BOX_RULE   ? "rule"
                 : b->kind == EP_BOX_RECT ? "rectangle"
                 : b->kind == EP_BOX_LINK ? "link"
                                          : "destination",
                 pi + 1);
        continue;
      }
      if (b->kind == EP_BOX_DEST) {
        if (!b->dest_id) {
          warn_box(w, b, "A destination on page %zu has no name and was left out.", pi + 1);
          continue;
        }
        if (w->ndests == w->dests_cap) {
          w->dests_cap = w->dests_cap ? w->dests_cap * 2 : 32;
          w->dests = ep_xrealloc(w->dests, w->dests_cap * sizeof *w->dests);
        }
        w->dests[w->ndests] = (pdf_dest){b->dest_id, pi, b->y, w->ndests};
        w->ndests++;
        continue;
      }
      if (b->kind != EP_BOX_TEXT || !text_box_usable(w, b, pi, true))
        continue;
      size_t n = load_glyphs(w, b, NULL);
      if (n == 0)
        continue;
      pdf_font *f = font_of(w, b->face);
      if (!f) {
        if (w->nfonts == w->fonts_cap) {
          w->fonts_cap = w->fonts_cap ? w->fonts_cap * 2 : 8;
          w->fonts = ep_xrealloc(w->fonts, w->fonts_cap * sizeof *w->fonts);
        }
        f = &w->fonts[w->nfonts];
        memset(f, 0, sizeof *f);
        f->face = b->face;
        f->first_page = pi;
        snprintf(f->key, sizeof f->key, "evalpdf:font:%zu", w->nfonts);
        w->nfonts++;
      }
      if (!f->seen)
        f->seen = ep_xcalloc(0x10000 / 8, 1);
      for (size_t i = 0; i < n; i++) {
        uint32_t cp = w->gcp[i];
        if (f->seen[cp >> 3] & (1u << (cp & 7)))
          continue;
        f->seen[cp >> 3] |= (unsigned char)(1u << (cp & 7));
        if (f->n == f->cap) {
          f->cap = f->cap ? f->cap * 2 : 256;
          f->cps = ep_xrealloc(f->cps, f->cap * sizeof *f->cps);
        }
        f->cps[f->n++] = cp;
      }
    }
  }
  for (size_t i = 0; i < w->nfonts; i++)
    qsort(w->fonts[i].cps, w->fonts[i].n, sizeof *w->fonts[i].cps, cmp_u32);
  if (w->ndests > 1)
    qsort(w->dests, w->ndests, sizeof *w->dests, cmp_dest);
  size_t k = 0;
  for (size_t j = 0; j < w->ndests; j++)
    if (k == 0 || strcmp(w->dests[k - 1].id, w->dests[j].id) != 0)
      w->dests[k++] = w->dests[j];
  w->ndests = k;
}

// 'start_programs()' - Start subsetting and deflating the collected fonts
// (on a helper thread and this one) while libharu work goes on here.
static void start_programs(pdf_writer *w) {
  size_t n = w->nfonts;
  ep_face **faces = ep_xcalloc(n ? n : 1, sizeof *faces);
  const uint32_t **cps = ep_xcalloc(n ? n : 1, sizeof *cps);
  size_t *ns = ep_xcalloc(n ? n : 1, sizeof *ns);
  for (size_t i = 0; i < n; i++) {
    faces[i] = w->fonts[i].face;
    cps[i] = w->fonts[i].cps;
    ns[i] = w->fonts[i].n;
  }
  if (w->dl->programs) { // started before the layout by the caller, who frees it
    w->programs = w->dl->programs;
    ep_programs_post(w->programs, faces, cps, ns, n);
  } else {
    w->programs = ep_programs_start(faces, cps, ns, n, !w->dl->serial);
    w->own_programs = true;
  }
  w->prog_faces = faces;
  w->prog_cps = cps;
  w->prog_ns = ns;
}

// 'compact_cmap()' - Replace the parsed format-4 cmap of DEF by two segments:
// [first used .. last used] through a glyph id array, and the 0xFFFF end.
// HPDF_GetFont() looks up all 65,536 BMP code points, each by a linear scan
// of the segments; afterwards each lookup is O(1). Unused code points map to
// glyph 0. The embedded font program keeps its own cmap (libharu copies the
// font file's table), so only libharu's lookups change.
static bool compact_cmap(pdf_writer *w, pdf_font *f) {
  HPDF_TTFontDefAttr attr = f->def->attr;
  HPDF_TTF_CmapRange *cm = &attr->cmap;
  if (cm->format != 4 || cm->seg_count_x2 == 0 || f->n == 0)
    return true;
  uint32_t lo = f->cps[0], hi = f->cps[f->n - 1]; // both below 0xFFFE (drawn_cp)
  HPDF_UINT count = hi - lo + 1;
  HPDF_MMgr mm = f->def->mmgr;
  HPDF_UINT16 *ends = HPDF_GetMem(mm, 2 * sizeof *ends);
  HPDF_UINT16 *starts = HPDF_GetMem(mm, 2 * sizeof *starts);
  HPDF_INT16 *deltas = HPDF_GetMem(mm, 2 * sizeof *deltas);
  HPDF_UINT16 *offsets = HPDF_GetMem(mm, 2 * sizeof *offsets);
  HPDF_UINT16 *gids = HPDF_GetMem(mm, count * sizeof *gids);
  if (!ends || !starts || !deltas || !offsets || !gids) {
    void *all[] = {ends, starts, deltas, offsets, gids};
    for (size_t i = 0; i < 5; i++)
      if (all[i])
        HPDF_FreeMem(mm, all[i]);
    return hp_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "preparing the font '%s'", ep_face_family(f->face));
  }
  memset(gids, 0, count * sizeof *gids);
  for (size_t i = 0; i < f->n; i++)
    gids[f->cps[i] - lo] = HPDF_TTFontDef_GetGlyphid(f->def, (HPDF_UINT16)f->cps[i]);
  // Segment 0: idx = id_range_offset/2 + (cp - start) - (seg_count - 0) = cp - lo.
  ends[0] = (HPDF_UINT16)hi;
  starts[0] = (HPDF_UINT16)lo;
  deltas[0] = 0;
  offsets[0] = 4;
  ends[1] = starts[1] = 0xFFFF;
  deltas[1] = 1;
  offsets[1] = 0;
  HPDF_FreeMem(mm, cm->end_count);
  HPDF_FreeMem(mm, cm->start_count);
  HPDF_FreeMem(mm, cm->id_delta);
  HPDF_FreeMem(mm, cm->id_range_offset);
  if (cm->glyph_id_array)
    HPDF_FreeMem(mm, cm->glyph_id_array);
  cm->end_count = ends;
  cm->start_count = starts;
  cm->id_delta = deltas;
  cm->id_range_offset = offsets;
  cm->glyph_id_array = gids;
  cm->glyph_id_array_count = count;
  cm->seg_count_x2 = 4;
  return true;
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

// 'replace_to_unicode()' - Rewrite the font's ToUnicode stream as a real
// ToUnicode CMap. libharu 2.3 writes a copy of the encoding CMap there
// ("begincidrange <0000> <FFFF> 0"), which poppler rejects with a warning.
// With the UTF-8 encoder each CID is the code point itself, so the map sends
// every used CID to the same value in UTF-16; consecutive CIDs that share a
// high byte become one bfrange.
static bool replace_to_unicode(pdf_writer *w, pdf_font *f) {
  HPDF_FontAttr attr = f->font->attr;
  HPDF_Dict cmap = attr->cmap_stream;
  if (!cmap || !cmap->stream || HPDF_Dict_GetItem(f->font, "ToUnicode", HPDF_OCLASS_DICT) != cmap)
    return hp_ok(w, HPDF_INVALID_FONT, "finding the ToUnicode map of the font '%s'", ep_face_family(f->face));
  ep_buf ranges, chars, out;
  ep_buf_init(&ranges);
  ep_buf_init(&chars);
  ep_buf_init(&out);
  size_t nranges = 0, nchars = 0;
  for (size_t i = 0; i < f->n;) {
    size_t j = i + 1;
    while (j < f->n && f->cps[j] == f->cps[j - 1] + 1 && (f->cps[j] >> 8) == (f->cps[i] >> 8))
      j++;
    if (j - i == 1) {
      ep_buf_printf(&chars, "<%04X> <%04X>\n", (unsigned)f->cps[i], (unsigned)f->cps[i]);
      nchars++;
    } else {
      ep_buf_printf(&ranges, "<%04X> <%04X> <%04X>\n", (unsigned)f->cps[i], (unsigned)f->cps[j - 1],
                    (unsigned)f->cps[i]);
      nranges++;
    }
    i = j;
  }
  ep_buf_puts(&out, "/CIDInit /ProcSet findresource begin\n"
                    "12 dict begin\n"
                    "begincmap\n"
                    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                    "/CMapName /Adobe-Identity-UCS def\n"
                    "/CMapType 2 def\n"
                    "1 begincodespacerange\n"
                    "<0000> <FFFF>\n"
                    "endcodespacerange\n");
  cmap_entries(&out, "bfrange", &ranges, nranges);
  cmap_entries(&out, "bfchar", &chars, nchars);
  ep_buf_puts(&out, "endcmap\n"
                    "CMapName currentdict /CMap defineresource pop\n"
                    "end\n"
                    "end\n");
  // Empty the stream and drop the encoding-CMap keys libharu put on it.
  HPDF_MemStream_FreeData(cmap->stream);
  static const char *const keys[] = {"Type", "CMapName", "CIDSystemInfo", "WMode"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    HPDF_Dict_RemoveElement(cmap, keys[i]); // HPDF_DICT_ITEM_NOT_FOUND is fine
  HPDF_STATUS st = HPDF_Stream_Write(cmap->stream, (const HPDF_BYTE *)out.data, (HPDF_UINT)out.len);
  ep_buf_free(&ranges);
  ep_buf_free(&chars);
  ep_buf_free(&out);
  return hp_ok(w, st, "writing the ToUnicode map of the font '%s'", ep_face_family(f->face));
}

// 'write_flate_key()' - Write hook of a stream dictionary whose data is
// already deflated: libharu writes no /Filter for an unfiltered stream, so
// the key is added here (the hook runs after the other keys).
static HPDF_STATUS write_flate_key(HPDF_Dict dict, HPDF_Stream out) {
  (void)dict;
  return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

// 'set_deflated()' - Replace the data of stream dictionary D by the LEN bytes
// of zlib-format DATA and mark it /FlateDecode (libharu no longer compresses it).
static bool set_deflated(pdf_writer *w, HPDF_Dict d, const unsigned char *data, size_t len, const char *what) {
  HPDF_MemStream_FreeData(d->stream);
  d->filter = HPDF_STREAM_FILTER_NONE;
  d->write_fn = write_flate_key;
  return hp_ok(w, HPDF_Stream_Write(d->stream, data, (HPDF_UINT)len), "writing %s", what);
}

// 'precompress()' - Deflate the data of stream dictionary D now, with
// libdeflate (several times faster than the zlib deflate libharu runs at
// save time, at the same ratio). WHAT names it in errors.
static bool precompress(pdf_writer *w, HPDF_Dict d, const char *what) {
  if (!d || !d->stream || d->write_fn)
    return true;
  HPDF_UINT32 n = HPDF_Stream_Size(d->stream);
  if (n == 0)
    return true;
  if (!w->zc && !(w->zc = libdeflate_alloc_compressor(DEFLATE_LEVEL)))
    return hp_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "compressing %s", what);
  if (n > w->rcap) {
    w->rcap = (size_t)n * 2;
    w->rbuf = ep_xrealloc(w->rbuf, w->rcap);
  }
  // Gather the memory stream's buffers (libharu's own read copies byte by byte).
  size_t got = 0;
  for (HPDF_UINT i = 0; got < n; i++) {
    HPDF_UINT len = 0;
    const HPDF_BYTE *chunk = HPDF_MemStream_GetBufPtr(d->stream, i, &len);
    if (!chunk || len == 0 || len > n - got)
      return hp_ok(w, HPDF_STREAM_EOF, "reading %s", what);
    memcpy(w->rbuf + got, chunk, len);
    got += len;
  }
  size_t bound = libdeflate_zlib_compress_bound(w->zc, n);
  if (bound > w->zcap) {
    w->zcap = bound * 2;
    w->zbuf = ep_xrealloc(w->zbuf, w->zcap);
  }
  size_t zn = libdeflate_zlib_compress(w->zc, w->rbuf, n, w->zbuf, bound);
  if (zn == 0)
    return hp_ok(w, HPDF_INVALID_STREAM, "compressing %s", what);
  return set_deflated(w, d, w->zbuf, zn, what);
}

// 'embeddable()' - True when the OS/2 fsType of DEF allows embedding a subset
// (no restricted-licence, no-subsetting or bitmap-only bit: the bits libharu
// itself refuses when it embeds).
static bool embeddable(pdf_writer *w, const pdf_font *f) {
  HPDF_TTFontDefAttr attr = f->def->attr;
  if (!(attr->fs_type & (0x0002u | 0x0100u | 0x0200u)))
    return true;
  return fail(w, EP_PDF_LIB_ERROR, "pdf-error",
              "The font '%s' (%s, face %u) does not allow embedding (OS/2 fsType 0x%04X), so it cannot be "
              "used in a PDF; give its role another font.",
              ep_face_family(f->face), ep_face_path(f->face), ep_face_index(f->face), (unsigned)attr->fs_type);
}

// 'subset_tag()' - The six-letter subset tag of F (PDF 9.6.4): from a hash of
// the face and its code points, so equal subsets get equal tags and the
// output does not depend on the order fonts are loaded in other documents.
static void subset_tag(const pdf_font *f, char tag[7]) {
  uint64_t h = 1469598103934665603ull; // FNV-1a
  const char *name = ep_face_postscript_name(f->face);
  for (const char *p = name ? name : ""; *p; p++)
    h = (h ^ (unsigned char)*p) * 1099511628211ull;
  for (size_t i = 0; i < f->n; i++)
    h = (h ^ f->cps[i]) * 1099511628211ull;
  for (int i = 0; i < 6; i++, h /= 26)
    tag[i] = (char)('A' + h % 26);
  tag[6] = 0;
}

// 'blob_read()' - libharu stream callback: up to *SIZE bytes of the
// subset at the read position (fewer, and HPDF_STREAM_EOF, at its end).
static HPDF_STATUS blob_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *size) {
  pdf_font *f = s->attr;
  size_t left = f->blob.len - f->blob.pos, n = *size < left ? *size : left;
  memcpy(ptr, f->blob.data + f->blob.pos, n);
  f->blob.pos += n;
  bool short_read = n < *size;
  *size = (HPDF_UINT)n;
  return short_read ? HPDF_STREAM_EOF : HPDF_OK;
}

// 'blob_seek()' - libharu stream callback: move the read position.
static HPDF_STATUS blob_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode) {
  pdf_font *f = s->attr;
  long long base = mode == HPDF_SEEK_CUR ? (long long)f->blob.pos : mode == HPDF_SEEK_END ? (long long)f->blob.len : 0;
  long long to = base + pos;
  if (to < 0 || to > (long long)f->blob.len)
    return HPDF_STREAM_EOF;
  f->blob.pos = (size_t)to;
  return HPDF_OK;
}

// 'blob_tell()' - libharu stream callback: the read position.
static HPDF_INT32 blob_tell(HPDF_Stream s) { return (HPDF_INT32)((pdf_font *)s->attr)->blob.pos; }

// 'blob_size()' - libharu stream callback: the subset's size.
static HPDF_UINT32 blob_size(HPDF_Stream s) { return (HPDF_UINT32)((pdf_font *)s->attr)->blob.len; }

// 'load_def()' - Parse the subset BLOB (LEN bytes) into a libharu font
// definition registered in the document under F's key. libharu 2.3 has no
// LoadTTFontFromMemory: it reads BLOB in place through a callback stream
// (BLOB outlives the document; a memory stream would copy it byte by byte).
// libharu keeps only the parsed tables (embedding off: the font program is
// written by embed_program(), not by libharu).
static bool load_def(pdf_writer *w, pdf_font *f, const unsigned char *blob, size_t len) {
  const char *family = ep_face_family(f->face);
  if (len == 0 || len >= 0x7FFFFFFFu)
    return fail(w, EP_PDF_LIB_ERROR, "pdf-error", "The subset of the font '%s' has %zu bytes, which a PDF cannot embed.",
                family, len);
  HPDF_MMgr mm = w->doc->mmgr;
  f->blob.data = blob;
  f->blob.len = len;
  f->blob.pos = 0;
  HPDF_Stream in = HPDF_CallbackReader_New(mm, blob_read, blob_seek, blob_tell, blob_size, f);
  if (!in)
    return hp_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "reading the subset of the font '%s'", family);
  f->def = HPDF_TTFontDef_Load(mm, in, HPDF_FALSE); // frees IN in every case
  if (!f->def || f->def->type != HPDF_FONTDEF_TYPE_TRUETYPE)
    return hp_ok(w, HPDF_INVALID_FONTDEF_DATA, "reading the subset of the font '%s'", family);
  if (HPDF_List_Add(w->doc->fontdef_list, f->def) != HPDF_OK) {
    HPDF_FontDef_Free(f->def);
    f->def = NULL;
    return hp_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "registering the subset of the font '%s'", family);
  }
  // Fonts are found by name: each definition gets the document-unique key;
  // the embedded name is the subset tag + the PostScript name.
  char tag[7];
  subset_tag(f, tag);
  HPDF_TTFontDef_SetTagName(f->def, tag);
  snprintf(f->def->base_font, sizeof f->def->base_font, "%s", f->key);
  return embeddable(w, f);
}

// 'embed_program()' - Attach the subset BLOB as the FontFile2 of F's font
// descriptor. The descriptor is created now through the font's own
// before-write hook (libharu creates it at save time otherwise, and skips
// that when it exists); BLOB is already a complete TrueType font, so it is
// stored as it is instead of libharu's table-by-table copy (whose 2.3 code
// fails when a table it requires is absent and the copy ends on a 4 KiB
// boundary: HPDF_INVALID_OBJECT while saving).
static bool embed_program(pdf_writer *w, pdf_font *f, const unsigned char *z, size_t z_len, size_t len) {
  const char *family = ep_face_family(f->face);
  HPDF_FontAttr fa = f->font->attr;
  if (!fa->fontdef->descriptor && f->font->before_write_fn &&
      !hp_ok(w, f->font->before_write_fn(f->font), "describing the font '%s'", family))
    return false;
  HPDF_Dict desc = fa->fontdef->descriptor;
  HPDF_Dict file = desc ? HPDF_DictStream_New(w->doc->mmgr, w->doc->xref) : NULL;
  if (!file)
    return hp_ok(w, HPDF_INVALID_FONT, "embedding the font '%s'", family);
  f->file = file;
  char what[300];
  snprintf(what, sizeof what, "the font program of '%s'", family);
  return set_deflated(w, file, z, z_len, what) &&
         hp_ok(w, HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)len), "embedding the font '%s'", family) &&
         hp_ok(w, HPDF_Dict_Add(desc, "FontFile2", file), "embedding the font '%s'", family);
}

// 'load_font()' - Make font I (F) usable for drawing: its subset parsed,
// compact cmap, HPDF_GetFont, fixed ToUnicode. Its program is attached
// later by embed_font(), once the helper thread has deflated it.
static bool load_font(pdf_writer *w, size_t i, pdf_font *f) {
  const char *family = ep_face_family(f->face);
  const unsigned char *blob = NULL;
  size_t len = 0;
  if (!ep_programs_raw(w->programs, i, &blob, &len))
    return fail(w, EP_PDF_LIB_ERROR, "pdf-error",
                "The font '%s' (%s, face %u) could not be cut down to the %zu characters the document "
                "uses, so it cannot be embedded.",
                family, ep_face_path(f->face), ep_face_index(f->face), f->n);
  if (!load_def(w, f, blob, len) || !compact_cmap(w, f))
    return false;
  // libharu writes the CIDToGIDMap only for an embedded definition, and
  // embeds through its own copy (and reads the font file for composite
  // glyphs) only while the flag is on: on just for HPDF_GetFont.
  HPDF_TTFontDefAttr ta = f->def->attr;
  ta->embedding = HPDF_TRUE;
  f->font = HPDF_GetFont(w->doc, f->key, "UTF-8");
  ta->embedding = HPDF_FALSE;
  if (!f->font)
    return hp_ok(w, HPDF_INVALID_FONT, "preparing the font '%s'", family);
  // The font's streams are compressed here; libharu copies the font's
  // filter to them at save time, so it is turned off.
  f->font->filter = HPDF_STREAM_FILTER_NONE;
  return replace_to_unicode(w, f);
}

// 'embed_font()' - Attach font I's (F's) deflated program and compress its
// CID and ToUnicode maps.
static bool embed_font(pdf_writer *w, size_t i, pdf_font *f) {
  const char *family = ep_face_family(f->face);
  const unsigned char *blob = NULL, *z = NULL;
  size_t len = 0, z_len = 0;
  if (!ep_programs_raw(w->programs, i, &blob, &len) || !ep_programs_deflated(w->programs, i, &z, &z_len))
    return fail(w, EP_PDF_LIB_ERROR, "pdf-error",
                "The font '%s' (%s, face %u) could not be compressed for embedding.", family, ep_face_path(f->face),
                ep_face_index(f->face));
  HPDF_FontAttr fa = f->font->attr;
  char what[300];
  snprintf(what, sizeof what, "the CID map of the font '%s'", family);
  bool ok = embed_program(w, f, z, z_len, len) && precompress(w, fa->map_stream, what);
  snprintf(what, sizeof what, "the ToUnicode map of the font '%s'", family);
  return ok && precompress(w, fa->cmap_stream, what);
}

// 'set_gray()' - Fill gray G on PAGE unless already set.
static bool set_gray(pdf_writer *w, HPDF_Page page, double g, size_t pi) {
  if (g == w->cur_gray)
    return true;
  w->cur_gray = g;
  return hp_ok(w, HPDF_Page_SetGrayFill(page, (HPDF_REAL)g), "setting a fill color on page %zu", pi + 1);
}

// 'set_line_width()' - Line width LW on PAGE unless already set (libharu caps it at 100 pt).
static bool set_line_width(pdf_writer *w, HPDF_Page page, double lw, size_t pi) {
  if (lw > HPDF_MAX_LINEWIDTH)
    lw = HPDF_MAX_LINEWIDTH;
  if (lw == w->cur_lw)
    return true;
  w->cur_lw = lw;
  return hp_ok(w, HPDF_Page_SetLineWidth(page, (HPDF_REAL)lw), "setting a line width on page %zu", pi + 1);
}

// 'draw_graphics()' - Rectangles, rules and underlines of page PI, in list order.
// SEL: 0 every box, 1 the boxes turned with a rotated page's content, 2 the upright ones.
static bool draw_graphics(pdf_writer *w, HPDF_Page page, const ep_page *p, size_t pi, int sel) {
  for (size_t bi = 0; bi < p->n; bi++) {
    const ep_box *b = &p->boxes[bi];
    HPDF_STATUS st = HPDF_OK;
    if (!box_is_finite(b) || (sel == 1 && b->upright) || (sel == 2 && !b->upright))
      continue;
    if (b->kind == EP_BOX_RECT) {
      bool filled = b->fill >= 0, stroked = b->line_width > 0;
      if (!filled && !stroked)
        continue;
      if (filled && !set_gray(w, page, b->fill > 1 ? 1 : b->fill, pi))
        return false;
      if (stroked && !set_line_width(w, page, b->line_width, pi))
        return false;
      st = HPDF_Page_Rectangle(page, (HPDF_REAL)b->x, (HPDF_REAL)b->y, (HPDF_REAL)b->w, (HPDF_REAL)b->h);
      if (st == HPDF_OK)
        st = filled && stroked ? HPDF_Page_FillStroke(page) : filled ? HPDF_Page_Fill(page) : HPDF_Page_Stroke(page);
    } else if (b->kind == EP_BOX_RULE) {
      if (!(b->line_width > 0))
        continue;
      if (!set_line_width(w, page, b->line_width, pi))
        return false;
      st = HPDF_Page_MoveTo(page, (HPDF_REAL)b->x, (HPDF_REAL)b->y);
      if (st == HPDF_OK)
        st = HPDF_Page_LineTo(page, (HPDF_REAL)(b->x + b->w), (HPDF_REAL)(b->y + b->h));
      if (st == HPDF_OK)
        st = HPDF_Page_Stroke(page);
    } else if (b->kind == EP_BOX_TEXT && b->underline && text_box_usable(w, b, pi, false)) {
      // A bar below the baseline, under the run's advance width; CJK glyphs
      // reach about 0.12 em below the baseline, so it sits just under them.
      double width = b->w;
      if (!(width > 0)) {
        size_t n = load_glyphs(w, b, b->face);
        width = n ? w->gx[n - 1] + w->gadv[n - 1] : 0;
      }
      double thick = b->size / 18.0;
      if (!(width > 0) || !set_gray(w, page, 0, pi))
        continue;
      st = HPDF_Page_Rectangle(page, (HPDF_REAL)b->x, (HPDF_REAL)(b->y - 0.15 * b->size - thick),
                               (HPDF_REAL)width, (HPDF_REAL)thick);
      if (st == HPDF_OK)
        st = HPDF_Page_Fill(page);
    } else {
      continue;
    }
    if (!hp_ok(w, st, "drawing on page %zu", pi + 1))
      return false;
  }
  return true;
}

// 'actual_text()' - Open a /Span marked-content sequence whose /ActualText is
// the text of the TEXT boxes FROM..TO of P (a run and the runs its
// actual_join flags carry the span over), so a search for "2022年" finds it
// although the CJK-Latin gaps are positioning (poppler and Acrobat honour it).
// libharu 2.3 has no API for marked content: the operators go straight into
// the page's content stream (EMC closes it, in draw_layer()).
static bool actual_text(HPDF_Page page, const ep_page *p, size_t from, size_t to) {
  HPDF_Stream out = ((HPDF_PageAttr)page->attr)->stream;
  ep_buf h;
  ep_buf_init(&h);
  ep_buf_puts(&h, "/Span <</ActualText <FEFF");
  for (size_t bi = from; bi <= to; bi++) {
    const ep_box *b = &p->boxes[bi];
    for (size_t i = 0; b->kind == EP_BOX_TEXT && i < b->n; i++) {
      uint32_t c = b->cps[i];
      if (c > 0xFFFF)
        ep_buf_printf(&h, "%04X%04X", 0xD800 + ((c - 0x10000) >> 10), 0xDC00 + ((c - 0x10000) & 0x3FF));
      else
        ep_buf_printf(&h, "%04X", (unsigned)c);
    }
  }
  ep_buf_puts(&h, ">>> BDC\012");
  bool ok = HPDF_Stream_WriteStr(out, ep_buf_str(&h)) == HPDF_OK;
  ep_buf_free(&h);
  return ok;
}

// 'span_end()' - The last box of the /ActualText span that text box BI of P
// opens: BI itself, or the last TEXT box its actual_join chain reaches.
static size_t span_end(const ep_page *p, size_t bi) {
  size_t end = bi;
  while (p->boxes[end].actual_join) {
    size_t k = end + 1;
    while (k < p->n && p->boxes[k].kind != EP_BOX_TEXT)
      k++;
    if (k == p->n || p->boxes[k].upright != p->boxes[bi].upright)
      break;
    end = k;
  }
  return end;
}

static bool draw_text_runs(pdf_writer *w, HPDF_Page page, const ep_box *b, size_t pi);

// 'draw_text_runs()' - Place the glyphs of TEXT box B: runs of glyphs whose
// spacing is the natural advance plus one constant go out as one string with
// that constant as character spacing (Tc), each run positioned absolutely
// with the text matrix.
static bool draw_text_runs(pdf_writer *w, HPDF_Page page, const ep_box *b, size_t pi) {
  pdf_font *f = font_of(w, b->face);
  size_t n = load_glyphs(w, b, b->face);
  if (!f || n == 0)
    return true;
  if (w->cur_font != f->font || w->cur_size != b->size) {
    w->cur_font = f->font;
    w->cur_size = b->size;
    if (!hp_ok(w, HPDF_Page_SetFontAndSize(page, f->font, (HPDF_REAL)b->size), "setting the font on page %zu",
               pi + 1))
      return false;
  }
  HPDF_TextRenderingMode mode = b->bold ? HPDF_FILL_THEN_STROKE : HPDF_FILL;
  if (mode != w->cur_mode) {
    w->cur_mode = mode;
    if (!hp_ok(w, HPDF_Page_SetTextRenderingMode(page, mode), "setting bold text on page %zu", pi + 1))
      return false;
  }
  if (b->bold && !set_line_width(w, page, b->size / 30.0, pi))
    return false;
  if (b->bold && !w->round_join) { // no miter spikes at sharp stroke corners
    w->round_join = true;
    if (!hp_ok(w, HPDF_Page_SetLineJoin(page, HPDF_ROUND_JOIN), "setting bold text on page %zu", pi + 1))
      return false;
  }
  for (size_t i = 0; i < n;) {
    size_t j = i + 1; // one past the run's last glyph
    double tc = w->cur_tc;
    if (j < n) {
      double gap = w->gx[j] - w->gx[i] - w->gadv[i];
      if (gap >= HPDF_MIN_CHARSPACE && gap <= HPDF_MAX_CHARSPACE) {
        tc = round(gap * 1e5) / 1e5; // libharu writes five decimals
        double pred = w->gx[i];
        for (; j < n && j - i < GROUP_MAX; j++) {
          pred += w->gadv[j - 1] + tc;
          if (fabs(pred - w->gx[j]) > POS_EPS)
            break;
        }
      }
    }
    if (j == i + 1)
      tc = w->cur_tc; // one glyph: the spacing after it does not matter
    if (tc != w->cur_tc) {
      w->cur_tc = tc;
      if (!hp_ok(w, HPDF_Page_SetCharSpace(page, (HPDF_REAL)tc), "spacing text on page %zu", pi + 1))
        return false;
    }
    w->text.len = 0;
    if (w->text.data)
      w->text.data[0] = '\0';
    for (size_t k = i; k < j; k++)
      ep_buf_put_cp(&w->text, w->gcp[k]);
    HPDF_STATUS st = HPDF_Page_SetTextMatrix(page, 1, 0, 0, 1, (HPDF_REAL)(b->x + w->gx[i]), (HPDF_REAL)b->y);
    if (st == HPDF_OK)
      st = HPDF_Page_ShowText(page, ep_buf_str(&w->text));
    if (!hp_ok(w, st, "placing text on page %zu", pi + 1))
      return false;
    i = j;
  }
  return true;
}

// 'draw_layer()' - Graphics, then text, of the boxes of page PI that SEL selects
// (0 all, 1 those turned with a rotated page's content, 2 the upright ones).
static bool draw_layer(pdf_writer *w, HPDF_Page page, const ep_page *p, size_t pi, int sel) {
  if (!draw_graphics(w, page, p, pi, sel))
    return false;
  bool any = false;
  for (size_t bi = 0; bi < p->n && !any; bi++) {
    const ep_box *b = &p->boxes[bi];
    any = b->kind == EP_BOX_TEXT && font_of(w, b->face) != NULL && !(sel == 1 && b->upright) &&
          !(sel == 2 && !b->upright);
  }
  if (!any)
    return true;
  if (!set_gray(w, page, 0, pi) || !hp_ok(w, HPDF_Page_BeginText(page), "starting text on page %zu", pi + 1))
    return false;
  HPDF_Stream out = ((HPDF_PageAttr)page->attr)->stream;
  size_t span = SIZE_MAX; // the last box of the open /ActualText span
  for (size_t bi = 0; bi < p->n; bi++) {
    const ep_box *b = &p->boxes[bi];
    if ((sel == 1 && b->upright) || (sel == 2 && !b->upright))
      continue;
    if (b->kind == EP_BOX_TEXT && b->actual_text && span == SIZE_MAX) {
      span = span_end(p, bi);
      if (!actual_text(page, p, bi, span))
        return hp_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "marking text on page %zu", pi + 1);
    }
    if (b->kind == EP_BOX_TEXT && text_box_usable(w, b, pi, false) && !draw_text_runs(w, page, b, pi))
      return false;
    if (bi == span) {
      span = SIZE_MAX;
      if (HPDF_Stream_WriteStr(out, "EMC\012") != HPDF_OK)
        return hp_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "marking text on page %zu", pi + 1);
    }
  }
  return hp_ok(w, HPDF_Page_EndText(page), "ending text on page %zu", pi + 1);
}

// 'reset_state()' - Forget the graphics state tracked for a page (a new page,
// or after a restored save).
static void reset_state(pdf_writer *w) {
  w->cur_font = NULL;
  w->cur_size = 0;
  w->cur_tc = 0;
  w->cur_lw = HPDF_DEF_LINEWIDTH;
  w->cur_gray = 0;
  w->cur_mode = HPDF_FILL;
  w->round_join = false;
}

// 'draw_page()' - Add page PI with its graphics and text.
static bool draw_page(pdf_writer *w, size_t pi) {
  const ep_page *p = &w->dl->pages[pi];
  if (!isfinite(p->width) || !isfinite(p->height))
    return fail(w, EP_PDF_LIB_ERROR, "pdf-error", "Page %zu has a size that is not a number.", pi + 1);
  HPDF_Page page = HPDF_AddPage(w->doc);
  if (!page)
    return hp_ok(w, HPDF_INVALID_PAGE, "adding page %zu", pi + 1);
  w->pages[pi] = page;
  if (!hp_ok(w, HPDF_Page_SetWidth(page, (HPDF_REAL)p->width), "setting the width of page %zu to %.2f pt", pi + 1,
             p->width) ||
      !hp_ok(w, HPDF_Page_SetHeight(page, (HPDF_REAL)p->height), "setting the height of page %zu to %.2f pt",
             pi + 1, p->height))
    return false;
  reset_state(w);
  if (!p->rotated) {
    if (!draw_layer(w, page, p, pi, 0))
      return false;
  } else {
    // Landscape content: turn it a quarter so its top lies along the left edge,
    // then draw the upright boxes (page numbers) in page coordinates.
    if (!hp_ok(w, HPDF_Page_GSave(page), "rotating page %zu", pi + 1) ||
        !hp_ok(w, HPDF_Page_Concat(page, 0, 1, -1, 0, (HPDF_REAL)p->width, 0), "rotating page %zu", pi + 1) ||
        !draw_layer(w, page, p, pi, 1) || !hp_ok(w, HPDF_Page_GRestore(page), "rotating page %zu", pi + 1))
      return false;
    reset_state(w);
    if (!draw_layer(w, page, p, pi, 2))
      return false;
  }
  // The page is complete: its content is compressed now (and the raw
  // operators freed), not all together at save time.
  HPDF_PageAttr pa = page->attr;
  char what[64];
  snprintf(what, sizeof what, "the content of page %zu", pi + 1);
  return precompress(w, pa->contents, what);
}

// 'make_dest()' - A destination to height Y on page PI: [page /XYZ null Y
// null], which keeps the reader's zoom and horizontal position. libharu's
// SetXYZ cannot write null (zoom must be 0.08..32), so the array is rebuilt.
static HPDF_Destination make_dest(pdf_writer *w, size_t pi, double y) {
  double h = w->dl->pages[pi].height;
  y = !isfinite(y) ? h : y < 0 ? 0 : y > h ? h : y;
  HPDF_Destination d = HPDF_Page_CreateDestination(w->pages[pi]);
  if (!d || HPDF_Destination_SetXYZ(d, 0, (HPDF_REAL)y, 1) != HPDF_OK)
    return NULL;
  HPDF_Page target = HPDF_Array_GetItem(d, 0, HPDF_OCLASS_DICT);
  if (!target)
    return NULL;
  HPDF_Array_Clear(d);
  HPDF_STATUS st = HPDF_Array_Add(d, target);
  st += HPDF_Array_AddName(d, "XYZ");
  st += HPDF_Array_Add(d, HPDF_Null_New(d->mmgr));
  st += HPDF_Array_AddReal(d, (HPDF_REAL)y);
  st += HPDF_Array_Add(d, HPDF_Null_New(d->mmgr));
  return st == HPDF_OK ? d : NULL;
}

// 'add_links()' - Link annotations (no border) of every page to their DEST.
static bool add_links(pdf_writer *w) {
  for (size_t pi = 0; pi < w->dl->npages; pi++) {
    const ep_page *p = &w->dl->pages[pi];
    for (size_t bi = 0; bi < p->n; bi++) {
      const ep_box *b = &p->boxes[bi];
      if (b->kind != EP_BOX_LINK || !box_is_finite(b))
        continue;
      const pdf_dest *d = b->dest_id ? find_dest(w, b->dest_id) : NULL;
      if (!d) {
        warn_box(w, b, "The link on page %zu to '%s' was left out: there is no such destination.", pi + 1,
                 b->dest_id ? b->dest_id : "");
        continue;
      }
      HPDF_Rect r = {(HPDF_REAL)fmin(b->x, b->x + b->w), (HPDF_REAL)fmin(b->y, b->y + b->h),
                     (HPDF_REAL)fmax(b->x, b->x + b->w), (HPDF_REAL)fmax(b->y, b->y + b->h)};
      HPDF_Destination dst = make_dest(w, d->page, d->y);
      HPDF_Annotation a = dst ? HPDF_Page_CreateLinkAnnot(w->pages[pi], r, dst) : NULL;
      if (!a || HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0) != HPDF_OK)
        return hp_ok(w, HPDF_INVALID_ANNOTATION, "adding the link on page %zu to '%s'", pi + 1, b->dest_id);
    }
  }
  return true;
}

// 'add_outline()' - Bookmarks nested by level (a skipped level hangs under
// the nearest shallower entry); level-1 entries start open, deeper ones closed.
static bool add_outline(pdf_writer *w) {
  const ep_dlist *dl = w->dl;
  if (dl->noutline == 0)
    return true;
  HPDF_Outline open[OUTLINE_DEPTH + 1] = {0}; // open[l]: the last entry of level l
  for (size_t i = 0; i < dl->noutline; i++) {
    const ep_outline *o = &dl->outline[i];
    if (o->page < 0 || (size_t)o->page >= dl->npages) {
      ep_diag_add(w->diags, EP_WARNING, NULL, 0, "pdf-error",
                  "The bookmark '%s' points to page %d, which the document does not have, and was left out.",
                  o->title ? o->title : "", o->page + 1);
      continue;
    }
    int level = o->level < 1 ? 1 : o->level > OUTLINE_DEPTH ? OUTLINE_DEPTH : o->level;
    HPDF_Outline parent = NULL;
    for (int l = level - 1; l >= 1 && !parent; l--)
      parent = open[l];
    HPDF_Outline ol = HPDF_CreateOutline(w->doc, parent, o->title ? o->title : "", w->utf8);
    HPDF_Destination dst = ol ? make_dest(w, (size_t)o->page, o->y) : NULL;
    if (!dst || HPDF_Outline_SetDestination(ol, dst) != HPDF_OK ||
        HPDF_Outline_SetOpened(ol, level == 1 ? HPDF_TRUE : HPDF_FALSE) != HPDF_OK)
      return hp_ok(w, HPDF_INVALID_OUTLINE, "adding the bookmark '%s'", o->title ? o->title : "");
    open[level] = ol;
    for (int l = level + 1; l <= OUTLINE_DEPTH; l++)
      open[l] = NULL;
  }
  return hp_ok(w, HPDF_SetPageMode(w->doc, HPDF_PAGE_MODE_USE_OUTLINE), "showing the bookmarks");
}

// 'label_style()' - The libharu style of page P (-1 = no label); warns about unknown styles.
static int label_style(pdf_writer *w, const ep_page *p, size_t pi) {
  if (!p->label || p->number <= 0)
    return -1;
  static const struct {
    const char *name;
    HPDF_PageNumStyle style;
  } styles[] = {{"D", HPDF_PAGE_NUM_STYLE_DECIMAL},       {"r", HPDF_PAGE_NUM_STYLE_LOWER_ROMAN},
                {"R", HPDF_PAGE_NUM_STYLE_UPPER_ROMAN},   {"a", HPDF_PAGE_NUM_STYLE_LOWER_LETTERS},
                {"A", HPDF_PAGE_NUM_STYLE_UPPER_LETTERS}};
  for (size_t i = 0; i < sizeof styles / sizeof styles[0]; i++)
    if (strcmp(p->label, styles[i].name) == 0)
      return (int)styles[i].style;
  ep_diag_add(w->diags, EP_WARNING, NULL, 0, "pdf-error",
              "Page %zu has the unknown page label style '%s'; it gets no label.", pi + 1, p->label);
  return -1;
}

// 'add_page_labels()' - Page label ranges from the pages' styles and printed
// numbers: a range starts where the style changes or the numbers jump.
// Unlabelled pages get an empty label. Never a prefix (libharu 2.3 writes it
// without an encoder).
static bool add_page_labels(pdf_writer *w) {
  const ep_dlist *dl = w->dl;
  int *style = ep_xmalloc((dl->npages ? dl->npages : 1) * sizeof *style);
  bool any = false;
  for (size_t i = 0; i < dl->npages; i++) {
    style[i] = label_style(w, &dl->pages[i], i);
    any |= style[i] >= 0;
  }
  bool ok = true;
  for (size_t i = 0; any && ok && i < dl->npages; i++) {
    const ep_page *p = &dl->pages[i];
    if (i > 0 && style[i] == style[i - 1] && (style[i] < 0 || p->number == dl->pages[i - 1].number + 1))
      continue;
    if (style[i] >= 0) {
      ok = hp_ok(w, HPDF_AddPageLabel(w->doc, (HPDF_UINT)i, (HPDF_PageNumStyle)style[i], (HPDF_UINT)p->number, NULL),
                 "adding the page label of page %zu", i + 1);
      continue;
    }
    // No label: libharu always writes a style, so remove it from the new dictionary.
    ok = hp_ok(w, HPDF_AddPageLabel(w->doc, (HPDF_UINT)i, HPDF_PAGE_NUM_STYLE_DECIMAL, 0, NULL),
               "adding the page label of page %zu", i + 1);
    HPDF_Dict labels = ok ? HPDF_Dict_GetItem(w->doc->catalog, "PageLabels", HPDF_OCLASS_DICT) : NULL;
    HPDF_Array nums = labels ? HPDF_Dict_GetItem(labels, "Nums", HPDF_OCLASS_ARRAY) : NULL;
    HPDF_Dict last = nums && nums->list->count ? HPDF_Array_GetItem(nums, nums->list->count - 1, HPDF_OCLASS_DICT)
                                               : NULL;
    if (ok && (!last || HPDF_Dict_RemoveElement(last, "S") != HPDF_OK))
      ok = hp_ok(w, HPDF_INVALID_OBJECT, "removing the label of page %zu", i + 1);
  }
  free(style);
  return ok;
}

// 'add_info()' - Title, Author, Subject, Keywords, Creator, Producer (UTF-8
// through the current encoder) and, when dl->epoch >= 0, the dates in UTC.
static bool add_info(pdf_writer *w) {
  const ep_dlist *dl = w->dl;
  const struct {
    HPDF_InfoType type;
    const char *value;
  } items[] = {{HPDF_INFO_TITLE, dl->title},       {HPDF_INFO_AUTHOR, dl->author},
               {HPDF_INFO_SUBJECT, dl->subject},   {HPDF_INFO_KEYWORDS, dl->keywords},
               {HPDF_INFO_CREATOR, dl->creator}};
  for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
    if (items[i].value && *items[i].value &&
        !hp_ok(w, HPDF_SetInfoAttr(w->doc, items[i].type, items[i].value), "setting the document information"))
      return false;
  char producer[200];
  snprintf(producer, sizeof producer, "%s (libharu %s)", dl->creator && *dl->creator ? dl->creator : "evalpdf",
           HPDF_GetVersion());
  if (!hp_ok(w, HPDF_SetInfoAttr(w->doc, HPDF_INFO_PRODUCER, producer), "setting the document information"))
    return false;
  if (dl->epoch < 0)
    return true;
  time_t t = (time_t)dl->epoch;
  struct tm tm;
  if ((long long)t != dl->epoch || !gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999) {
    ep_diag_add(w->diags, EP_WARNING, NULL, 0, "pdf-error",
                "The creation time %lld is out of range; the PDF has no dates.", dl->epoch);
    return true;
  }
  HPDF_Date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                 tm.tm_sec > 59 ? 59 : tm.tm_sec, 'Z', 0, 0};
  return hp_ok(w, HPDF_SetInfoDateAttr(w->doc, HPDF_INFO_CREATION_DATE, d), "setting the creation date") &&
         hp_ok(w, HPDF_SetInfoDateAttr(w->doc, HPDF_INFO_MOD_DATE, d), "setting the modification date");
}

// 'object_role()' - What OBJ is in the document, into BUF: a page, its
// content, a part of an embedded font, or NULL when it is none of those.
static const char *object_role(const pdf_writer *w, const void *obj, char *buf, size_t size) {
  for (size_t pi = 0; pi < w->dl->npages && w->pages[pi]; pi++) {
    HPDF_PageAttr pa = w->pages[pi]->attr;
    if (obj == w->pages[pi] || obj == pa->contents) {
      snprintf(buf, size, "the %s of page %zu", obj == w->pages[pi] ? "dictionary" : "content", pi + 1);
      return buf;
    }
  }
  for (size_t i = 0; i < w->nfonts; i++) {
    const pdf_font *f = &w->fonts[i];
    HPDF_FontAttr fa = f->font ? f->font->attr : NULL;
    const char *part = obj == f->font                         ? "dictionary"
                       : obj == f->file                       ? "font program"
                       : !fa                                  ? NULL
                       : obj == fa->descendant_font           ? "CID font"
                       : obj == fa->map_stream                ? "CIDToGIDMap"
                       : obj == fa->cmap_stream               ? "ToUnicode map"
                       : obj == fa->fontdef->descriptor       ? "descriptor"
                                                              : NULL;
    if (part) {
      snprintf(buf, size, "the %s of the font '%s' (used from page %zu)", part, ep_face_family(f->face),
               f->first_page + 1);
      return buf;
    }
  }
  return NULL;
}

// 'failed_object()' - After a failed save: what was being written, into
// BUF. libharu writes the objects in order and records each one's offset
// first, so it is the last object with an offset.
static const char *failed_object(const pdf_writer *w, char *buf, size_t size) {
  HPDF_Xref x = w->doc->xref;
  if (!x || !x->entries)
    return "the document";
  for (HPDF_UINT i = x->entries->count; i-- > 1;) {
    HPDF_XrefEntry e = HPDF_List_ItemAt(x->entries, i);
    if (!e || e->byte_offset == 0)
      continue;
    char role[300];
    const char *r = object_role(w, e->obj, role, sizeof role);
    snprintf(buf, size, "%s (PDF object %u)", r ? r : "the document's structure", (unsigned)(x->start_offset + i));
    return buf;
  }
  return "the start of the document";
}

// 'build()' - Build the whole document and save it into *OUT / *OUT_LEN (malloc'd).
static bool build(pdf_writer *w, unsigned char **out, size_t *out_len) {
  if (strcmp(HPDF_GetVersion(), HPDF_VERSION_TEXT) != 0)
    return fail(w, EP_PDF_LIB_ERROR, "pdf-error",
                "libharu %s is installed, but evalpdf was built for libharu %s; rebuild evalpdf.",
                HPDF_GetVersion(), HPDF_VERSION_TEXT);
  w->doc = HPDF_New(on_hpdf_error, &w->err);
  if (!w->doc)
    return hp_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "creating the document");
  if (!hp_ok(w, HPDF_SetCompressionMode(w->doc, HPDF_COMP_ALL), "setting compression") ||
      !hp_ok(w, HPDF_UseUTFEncodings(w->doc), "enabling UTF-8") ||
      !hp_ok(w, HPDF_SetCurrentEncoder(w->doc, "UTF-8"), "enabling UTF-8"))
    return false;
  w->utf8 = HPDF_GetEncoder(w->doc, "UTF-8");
  if (!w->utf8)
    return hp_ok(w, HPDF_INVALID_ENCODER, "enabling UTF-8");
  for (size_t i = 0; i < w->nfonts; i++)
    if (!load_font(w, i, &w->fonts[i]))
      return false;
  w->pages = ep_xcalloc(w->dl->npages ? w->dl->npages : 1, sizeof *w->pages);
  for (size_t i = 0; i < w->dl->npages; i++)
    if (!draw_page(w, i))
      return false;
  for (size_t i = 0; i < w->nfonts; i++)
    if (!embed_font(w, i, &w->fonts[i]))
      return false;
  if (!add_links(w) || !add_outline(w) || !add_page_labels(w) || !add_info(w))
    return false;
  if (HPDF_SaveToStream(w->doc) != HPDF_OK || w->err.error_no) {
    char what[400];
    return hp_ok(w, HPDF_INVALID_DOCUMENT, "writing %s", failed_object(w, what, sizeof what));
  }
  HPDF_UINT32 size = HPDF_GetStreamSize(w->doc);
  *out = ep_xmalloc(size ? size : 1);
  *out_len = size;
  if (size > 0 && !hp_ok(w, HPDF_ReadFromStream(w->doc, *out, &size), "saving the document"))
    return false;
  if (size != *out_len)
    return hp_ok(w, HPDF_STREAM_EOF, "saving the document");
  return true;
}

// 'write_direct()' - Write DATA into PATH, an existing file that is not a
// regular file (a device, a pipe): it must not be replaced by a rename.
static int write_direct(pdf_writer *w, const char *path, const unsigned char *data, size_t len) {
  char eb[128];
  int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  int e = fd < 0 ? errno : ep_write_all(fd, data, len);
  if (fd >= 0 && close(fd) != 0 && e == 0)
    e = errno;
  if (e != 0) {
    fail(w, EP_PDF_IO_ERROR, "io-error", "The PDF '%s' cannot be written: %s.", path, ep_errno_text(e, eb, sizeof eb));
    return EP_PDF_IO_ERROR;
  }
  return EP_PDF_OK;
}

// 'write_output()' - Write DATA to PATH atomically (temporary file next to
// it, rename; a symbolic link is kept and its target replaced), into
// an existing device or pipe directly, or to stdout for "-". Returns an
// EP_PDF_* value.
static int write_output(pdf_writer *w, const char *path, const unsigned char *data, size_t len) {
  char eb[128];
  if (strcmp(path, "-") == 0) {
    if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
      int e = errno;
      fail(w, EP_PDF_IO_ERROR, "io-error", "The PDF cannot be written to standard output: %s.",
           ep_errno_text(e, eb, sizeof eb));
      return EP_PDF_IO_ERROR;
    }
    return EP_PDF_OK;
  }
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
    return write_direct(w, path, data, len);
  // an unnamed temporary (O_TMPFILE) in the target's folder, linked in place
  // and renamed over the target only when complete (util.h, ep_outfile)
  ep_outfile o;
  int e = ep_outfile_open(&o, path);
  if (e != 0) {
    fail(w, EP_PDF_IO_ERROR, "io-error", "The PDF '%s' cannot be written: %s%s.", path,
         e == EISDIR ? "" : "no temporary file can be created next to it: ",
         e == EISDIR ? "it is a folder" : ep_errno_text(e, eb, sizeof eb));
    return EP_PDF_IO_ERROR;
  }
  e = ep_write_all(o.fd, data, len);
  if (e != 0)
    ep_outfile_abandon(&o);
  else
    e = ep_outfile_commit(&o);
  if (e != 0)
    fail(w, EP_PDF_IO_ERROR, "io-error", "The PDF '%s' cannot be written: %s.", path, ep_errno_text(e, eb, sizeof eb));
  return e ? EP_PDF_IO_ERROR : EP_PDF_OK;
}

// 'build_pdf()' - Build DL's PDF into a new buffer *DATA (*LEN bytes), with
// problems in DIAGS (DESTINATION names the output in messages). Returns an
// EP_PDF_* value; on failure *DATA is NULL.
static int build_pdf(const ep_dlist *dl, const char *destination, ep_diags *diags, unsigned char **data,
                     size_t *len) {
  pdf_writer w;
  memset(&w, 0, sizeof w);
  w.dl = dl;
  w.diags = diags;
  *data = NULL;
  *len = 0;
  if (!dl || !destination || !*destination) {
    fail(&w, EP_PDF_IO_ERROR, "io-error", "No %s was given to write the PDF.", !dl ? "document" : "output path");
    return EP_PDF_IO_ERROR;
  }
  if (dl->npages == 0) {
    fail(&w, EP_PDF_LIB_ERROR, "pdf-error", "The document has no pages, and a PDF needs at least one.");
    return EP_PDF_LIB_ERROR;
  }
  ep_buf_init(&w.text);
  collect(&w);
  start_programs(&w);
  bool built = build(&w, data, len);
  ep_programs_stop(w.programs); // no task may run once the arrays it borrows are freed
  if (w.own_programs)
    ep_programs_free(w.programs);
  free(w.prog_faces);
  free(w.prog_cps);
  free(w.prog_ns);
  if (w.doc)
    HPDF_Free(w.doc);
  int rc = built ? EP_PDF_OK : (w.rc ? w.rc : EP_PDF_LIB_ERROR);
  if (!built) {
    free(*data);
    *data = NULL;
    *len = 0;
  }
  for (size_t i = 0; i < w.nfonts; i++) {
    free(w.fonts[i].cps);
    free(w.fonts[i].seen);
  }
  free(w.fonts);
  free(w.dests);
  free(w.pages);
  if (w.zc)
    libdeflate_free_compressor(w.zc);
  free(w.zbuf);
  free(w.rbuf);
  free(w.gcp);
  free(w.gadv);
  free(w.gx);
  ep_buf_free(&w.text);
  return rc;
}

// 'ep_pdf_write()' - Write DL as a PDF to PATH atomically.
int ep_pdf_write(const ep_dlist *dl, const char *path, ep_diags *diags) {
  unsigned char *data = NULL;
  size_t len = 0;
  int rc = build_pdf(dl, path, diags, &data, &len);
  if (rc == EP_PDF_OK) {
    pdf_writer w;
    memset(&w, 0, sizeof w);
    w.dl = dl;
    w.diags = diags;
    rc = write_output(&w, path, data, len);
  }
  free(data);
  return rc;
}

// 'ep_pdf_write_memory()' - Build DL's PDF into a new heap buffer.
int ep_pdf_write_memory(const ep_dlist *dl, unsigned char **data, size_t *len, ep_diags *diags) {
  return build_pdf(dl, "memory", diags, data, len);
}

// 'ep_pdf_library_version()' - libharu's version string.
const char *ep_pdf_library_version(void) { return HPDF_GetVersion(); }
