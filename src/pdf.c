// PDF writer: walks a display list and writes it with libharu 2.3.0 (the only
// file of evalpdf that includes hpdf.h). See pdf.h for the contract.
//
// Order of work in one call (one HPDF_Doc, nothing shared but the faces):
//  1. collect the faces TEXT boxes use, with their drawn code points, and the
//     DEST boxes;
//  2. start the font programs (program.c): each face's subset and its
//     deflate, on a helper thread and this one;
//  3. per face, as its subset is ready: the Type0 font with Identity-H
//     encoding and its CIDFontType2, /W, CIDToGIDMap, descriptor and
//     ToUnicode, written as plain objects (CID 1 + i is the face's i-th
//     drawn character; libharu's HPDF_GetFont is not used);
//  4. per page: fills, rules and underlines first, then all text in one
//     text object (so a fill never hides text), the text operators (Tf, Tj
//     of two-byte CIDs) written into the page's content stream;
//  5. per face: the program attached as FontFile2 (its deflate is waited
//     for when the save reaches it), the maps compressed; links, outline,
//     page labels, document information;
//  6. save: a regular file is written as libharu saves (into a temporary
//     renamed over it once complete); standard output, devices and memory
//     get the whole PDF from a buffer.
//
// Several steps reach into libharu 2.3.0 internals that Debian installs
// (hpdf_doc.h, hpdf_pages.h, hpdf_streams.h): dictionary write hooks
// (bookmarks, /Filter of deflated streams), stream records (blob streams,
// the save's callback stream), list growth steps and page resources. They
// are checked against the 2.3.0 sources and guarded by the version tests
// below (compile time and run time).
#if !defined(_XOPEN_SOURCE) || _XOPEN_SOURCE < 700
#undef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 // mkstemp(), realpath(), gmtime_r(), strerror_r()
#endif
#include "pdf.h"

#include "font.h"
#include "pdf_out.h"
#include "pdf_survey.h"
#include "pdf_text.h"
#include "program.h"
#include "subset.h"
#include "util.h"

#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

_Static_assert(HPDF_MAX_FONTSIZE == EP_PDF_MAX_FONT_SIZE, "pdf_survey.c's font size limit is libharu's");

#if HPDF_VERSION_ID != 20300
#error "pdf.c uses libharu 2.3.0 internals (dictionary write hooks, stream records, list growth, page resources, page labels); check them against this libharu version first"
#endif

// libharu, loaded when a PDF is first made (dlopen(): a command that writes
// no PDF never maps it, nor the libpng and zlib it brings, and a render's
// first load runs on the prepare thread, ep_pdf_warm(), instead of in the
// program's start-up: some 0.2 ms there on the test VMs). Each writer holds
// the functions it calls; the library stays loaded once loaded
// (RTLD_NODELETE), so a later load only counts a reference.
#ifndef EP_HPDF_SONAME
#define EP_HPDF_SONAME "libhpdf-2.3.0.so"
#endif
#define HP_FUNCTIONS(X) \
  X(AddPage) X(AddPageLabel) X(Array_Add) X(Array_AddName) X(Array_AddNumber) X(Array_AddReal) \
  X(Array_Clear) X(Array_GetItem) X(Array_New) X(Binary_New) X(CallbackWriter_New) X(Destination_SetXYZ) \
  X(DictStream_New) X(Dict_Add) X(Dict_AddName) X(Dict_AddNumber) X(Dict_GetItem) X(Dict_New) \
  X(Dict_RemoveElement) X(Free) X(FreeMem) X(GetError) X(GetErrorDetail) X(GetMem) X(GetVersion) \
  X(LinkAnnot_SetBorderStyle) X(List_ItemAt) X(New) X(Null_New) X(Page_CreateDestination) \
  X(Page_CreateLinkAnnot) X(Page_SetHeight) X(Page_SetWidth) X(SaveToStream) X(SetCompressionMode) \
  X(SetInfoAttr) X(SetInfoDateAttr) X(SetPageMode) X(Stream_Free) X(Stream_Write) X(Stream_WriteStr) \
  X(String_New) X(Xref_Add)

// The libharu functions the writer calls, as hpdf.h declares them.
typedef struct hp_api {
  void *handle; // NULL: not loaded
#define HP_FIELD(name) __typeof__(HPDF_##name) *name;
  HP_FUNCTIONS(HP_FIELD)
#undef HP_FIELD
} hp_api;

// A call of libharu's HPDF_NAME through the writer W in scope.
#define HP(name) (w->hp.name)

// 'hp_open()' - Load libharu into API (by its soname, else by the path it
// was found at when evalpdf was built); false, with API->handle NULL and
// the loader's reason in WHY, when it or one of its functions is missing.
static bool hp_open(hp_api *api, char *why, size_t size) {
  memset(api, 0, sizeof *api);
  const char *names[] = {EP_HPDF_SONAME,
#ifdef EP_HPDF_PATH
                         EP_HPDF_PATH
#endif
  };
  snprintf(why, size, "not found");
  for (size_t i = 0; i < sizeof names / sizeof *names && !api->handle; i++) {
    api->handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    const char *err = api->handle ? NULL : dlerror(); // valid until the next dlopen()
    if (err && i == 0)
      snprintf(why, size, "%s", err);
  }
  if (!api->handle)
    return false;
  const ep_dl_fn fns[] = {
#define HP_SLOT(name) {"HPDF_" #name, (void **)&api->name},
      HP_FUNCTIONS(HP_SLOT)
#undef HP_SLOT
  };
  const char *missing = ep_dl_resolve(api->handle, fns, sizeof fns / sizeof fns[0]);
  if (missing) {
    snprintf(why, size, "%s has no %s", EP_HPDF_SONAME, missing);
    dlclose(api->handle);
    api->handle = NULL;
  }
  return !missing;
}

// 'hp_close()' - Drop API's reference to libharu (it stays loaded).
static void hp_close(hp_api *api) {
  if (api->handle)
    dlclose(api->handle);
  api->handle = NULL;
}

#define POS_EPS 0.001       // pt: how far a glyph may sit from its Tc-run position
#define GROUP_MAX 2000      // glyphs per Tj string (keeps content lines short)
#define OUTLINE_DEPTH 16    // deeper outline levels hang under level 16
#define DEFLATE_LEVEL 1 // libdeflate level of content, CID map, ToUnicode streams (6: -1.7 KB on the example)

// What the libharu error handler saw first.
typedef struct hp_error {
  HPDF_STATUS error_no;  // 0 = nothing
  HPDF_STATUS detail_no;
} hp_error;

// One embedded face. Its text is encoded with Identity-H in CIDs numbered
// after the sorted code points: CID 1 + i is chars.cps[i] (CID 0 is .notdef), so
// the CIDToGIDMap, /W and ToUnicode cover just the characters drawn.
typedef struct pdf_font {
  ep_face *face;      // borrowed from the font set
  ep_cpset chars;     // the drawn code points (chars.cps sorted once collected)
  HPDF_Dict type0;    // the Type0 font dictionary (the one pages name)
  HPDF_Dict cid;      // its CIDFontType2 descendant
  HPDF_Dict desc;     // the font descriptor
  HPDF_Dict map;      // the CIDToGIDMap stream
  HPDF_Dict to_unicode; // the ToUnicode CMap stream
  HPDF_Dict file;     // the FontFile2 stream
  ep_pdf_cids cids;    // chars' CIDs by code point (pdf_text.h)
  char name[24];      // resource name on every page that uses it ("F1", ...)
  size_t page_mark;   // 1 + the last page whose resources list it
  size_t first_page;  // 0-based page of the first use
} pdf_font;

struct pdf_writer;

// One outline entry as written (ols[0] is the /Outlines root). Links are
// indices into the writer's ols; 0 = none (for parent: the root).
typedef struct pdf_ol {
  struct pdf_writer *w; // for the write hook, which gets only the object
  HPDF_Dict dict;       // the entry's object: no entries of its own, a write hook
  const char *title;    // borrowed from the display list
  uint32_t parent, first, last, prev, next;
  int32_t count;        // /Count (0: left out)
  uint32_t page;        // 0-based
  double y;             // clamped to the page
  bool open;
} pdf_ol;

// Everything one ep_pdf_write() call works with.
typedef struct pdf_writer {
  const ep_dlist *dl;
  ep_diags *diags;
  int rc;               // EP_PDF_* of the first failure
  bool failed;          // a failure was reported (only the first is)
  hp_error err;         // filled by the libharu error handler
  hp_api hp;            // libharu's functions (hp_open())
  HPDF_Doc doc;
  ep_buf content;       // the current page's content stream (operators as libharu writes them)
  ep_programs *programs;
  bool own_programs;     // programs were started here (not handed over in the display list)
  ep_pdf_out *out;       // where the save goes (save()), or NULL
  bool out_flushed;      // the output was flushed before the first font program's wait
  ep_face **prog_faces;  // the arrays programs borrows
  const uint32_t **prog_cps;
  size_t *prog_ns;
  pdf_font *fonts;      // in order of first use
  size_t nfonts;
  ep_survey sv;         // the display list's destinations and links; glyph scratch (its fonts move to FONTS)
  HPDF_Page *pages;
  pdf_ol *ols;          // outline entries, root first (NULL: none)
  ep_dlist *release;    // when set (it is dl): free each page's boxes once drawn
  ep_buf text;
  // Drawing state of the current page.
  const pdf_font *cur_font;
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
    if (!no && w->doc && HP(GetError)(w->doc)) {
      no = HP(GetError)(w->doc);
      detail = HP(GetErrorDetail)(w->doc);
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

// 'font_of()' - The embedded font for FACE, or NULL.
static pdf_font *font_of(pdf_writer *w, const ep_face *face) {
  for (size_t i = 0; i < w->nfonts; i++)
    if (w->fonts[i].face == face)
      return &w->fonts[i];
  return NULL;
}

// 'collect()' - First pass (pdf_survey.c): the faces with their drawn code
// points (in order of first use; each set moves into FONTS), the
// destinations and the links. Warns about boxes that will be skipped.
static void collect(pdf_writer *w) {
  ep_survey_make(&w->sv, w->dl, w->diags);
  w->nfonts = w->sv.nfonts;
  w->fonts = ep_xcalloc(w->nfonts ? w->nfonts : 1, sizeof *w->fonts);
  for (size_t i = 0; i < w->nfonts; i++) {
    pdf_font *f = &w->fonts[i];
    f->face = w->sv.fonts[i].face;
    f->chars = w->sv.fonts[i].chars;
    f->first_page = w->sv.fonts[i].first_page;
    snprintf(f->name, sizeof f->name, "F%zu", i + 1);
    memset(&w->sv.fonts[i].chars, 0, sizeof w->sv.fonts[i].chars);
    ep_pdf_cids_make(&f->cids, f->chars.cps, f->chars.n); // CID 1 + i is chars.cps[i]
  }
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
    cps[i] = w->fonts[i].chars.cps;
    ns[i] = w->fonts[i].chars.n;
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

// A stream's data held in one block; read with memcpy (libharu's memory
// stream copies byte by byte into 4 KiB blocks, twice: in, and out when the
// document is saved): a deflate that the programs object owns (a font
// program's, or another stream's), fetched when libharu starts writing the
// stream (fetch_program(), fetch_stream()).
typedef struct pdf_blob {
  size_t len, pos;
  const unsigned char *data; // the programs object's; NULL until fetched
  pdf_writer *w;             // its writer and item (font index or stream number)
  size_t item;
} pdf_blob;

// 'write_flate_key()' - Write hook of a stream dictionary whose data is
// already deflated: libharu writes no /Filter for an unfiltered stream, so
// the key is added here (the hook runs after the other keys).
static HPDF_STATUS write_flate_key(HPDF_Dict dict, HPDF_Stream out) {
  const pdf_writer *w = ((const pdf_blob *)dict->stream->attr)->w;
  return HP(Stream_WriteStr)(out, "/Filter /FlateDecode\012");
}

// 'blob_read()' - libharu read function of a blob stream.
static HPDF_STATUS blob_read(HPDF_Stream stream, HPDF_BYTE *ptr, HPDF_UINT *size) {
  pdf_blob *b = stream->attr;
  size_t n = b->len - b->pos < *size ? b->len - b->pos : *size;
  if (n)
    memcpy(ptr, b->data + b->pos, n);
  b->pos += n;
  HPDF_STATUS st = n < *size ? HPDF_STREAM_EOF : HPDF_OK;
  *size = (HPDF_UINT)n;
  return st;
}

// 'blob_seek()' - libharu seek function of a blob stream.
static HPDF_STATUS blob_seek(HPDF_Stream stream, HPDF_INT pos, HPDF_WhenceMode mode) {
  pdf_blob *b = stream->attr;
  long long at = (long long)pos + (mode == HPDF_SEEK_CUR ? (long long)b->pos : mode == HPDF_SEEK_END ? (long long)b->len : 0);
  if (at < 0 || at > (long long)b->len)
    return HPDF_STREAM_EOF;
  b->pos = (size_t)at;
  return HPDF_OK;
}

// 'blob_tell()' - libharu tell function of a blob stream.
static HPDF_INT32 blob_tell(HPDF_Stream stream) { return (HPDF_INT32)((pdf_blob *)stream->attr)->pos; }

// 'blob_size()' - libharu size function of a blob stream.
static HPDF_UINT32 blob_size(HPDF_Stream stream) { return (HPDF_UINT32)((pdf_blob *)stream->attr)->len; }

// 'blob_free()' - libharu free function of a blob stream: release the data.
static void blob_free(HPDF_Stream stream) {
  const pdf_writer *w = ((const pdf_blob *)stream->attr)->w;
  HP(FreeMem)(stream->mmgr, stream->attr);
}

// 'set_blob()' - Make an empty blob stream the data of stream dictionary D,
// marked /FlateDecode (it replaces D's memory stream); the caller names the
// deflate its before-write hook fetches (fetch_program(), fetch_stream()).
// WHAT names it in errors. The blob, or NULL with the failure reported.
static pdf_blob *set_blob(pdf_writer *w, HPDF_Dict d, const char *what) {
  HPDF_MMgr m = d->mmgr;
  pdf_blob *b = HP(GetMem)(m, (HPDF_UINT)sizeof *b);
  HPDF_Stream s = b ? HP(GetMem)(m, sizeof *s) : NULL;
  if (!s) {
    if (b)
      HP(FreeMem)(m, b);
    hp_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "writing %s", what);
    return NULL;
  }
  memset(b, 0, sizeof *b);
  b->w = w;
  memset(s, 0, sizeof *s);
  s->sig_bytes = HPDF_STREAM_SIG_BYTES;
  s->type = HPDF_STREAM_UNKNOWN; // not HPDF_STREAM_MEMORY: libharu would read attr as its own
  s->mmgr = m;
  s->error = m->error;
  s->read_fn = blob_read;
  s->seek_fn = blob_seek;
  s->tell_fn = blob_tell;
  s->size_fn = blob_size;
  s->free_fn = blob_free;
  s->attr = b;
  HP(Stream_Free)(d->stream);
  d->stream = s;
  d->filter = HPDF_STREAM_FILTER_NONE;
  d->write_fn = write_flate_key;
  return b;
}

// 'fetch_program()' - libharu's before-write hook of a font program's stream
// dictionary D: its deflate, waited for now (the helper thread may still be
// making it while the pages before it are saved; this thread helps with
// other fonts meanwhile). An error status when it could not be made.
static HPDF_STATUS fetch_program(HPDF_Dict d) {
  pdf_blob *b = d->stream->attr;
  // The first wait (the body font's deflate, as a rule, still running on the
  // helper) makes the output file with the bytes so far and sweeps its
  // folder, which the end of the save would wait for otherwise. A failure
  // stays in the output and is reported when the save ends.
  if (!b->data && !b->w->out_flushed && b->w->out) {
    b->w->out_flushed = true;
    (void)ep_pdf_out_flush(b->w->out);
  }
  if (b->data || ep_programs_deflated(b->w->programs, b->item, &b->data, &b->len))
    return HPDF_OK;
  const pdf_font *f = &b->w->fonts[b->item];
  fail(b->w, EP_PDF_LIB_ERROR, "pdf-error", "The font '%s' (%s, face %u) could not be compressed for embedding.",
       ep_face_family(f->face), ep_face_path(f->face), ep_face_index(f->face));
  return HPDF_INVALID_STREAM;
}

// 'fetch_stream()' - libharu's before-write hook of a stream dictionary D
// given to deflate_into(): its deflate, made on the helper thread or here
// now (ep_programs_stream()). An error status when it could not be made.
static HPDF_STATUS fetch_stream(HPDF_Dict d) {
  pdf_blob *b = d->stream->attr;
  if (b->data)
    return HPDF_OK;
  if (!ep_programs_stream(b->w->programs, b->item, &b->data, &b->len)) {
    fail(b->w, EP_PDF_LIB_ERROR, "pdf-error", "A stream of the PDF could not be compressed: out of memory.");
    return HPDF_INVALID_STREAM;
  }
  if (b->len > 0x7FFFFFF0u) { // libharu's stream sizes are 32-bit
    fail(b->w, EP_PDF_LIB_ERROR, "pdf-error", "A stream of the PDF is %zu bytes compressed, more than a PDF can hold.",
         b->len);
    return HPDF_STREAM_EOF;
  }
  return HPDF_OK;
}

// 'deflate_into()' - Make the N bytes of DATA (copied) the data of stream
// dictionary D, deflated with libdeflate (several times faster than the zlib
// deflate libharu runs at save time, at the same ratio) on the fonts' helper
// thread when it is free, or on this one when the save reaches D first
// (fetch_stream()): the bytes are the same either way. WHAT names it in errors.
static bool deflate_into(pdf_writer *w, HPDF_Dict d, const void *data, size_t n, const char *what) {
  pdf_blob *b = set_blob(w, d, what);
  if (!b)
    return false;
  b->w = w;
  b->item = ep_programs_add_stream(w->programs, memcpy(ep_xmalloc(n ? n : 1), data, n), n, DEFLATE_LEVEL);
  d->before_write_fn = fetch_stream;
  return true;
}

// 'embeddable()' - True when the OS/2 fsType of F's face allows embedding a
// subset (no restricted-licence, no-subsetting or bitmap-only bit: the bits
// libharu itself refuses when it embeds).
static bool embeddable(pdf_writer *w, const pdf_font *f) {
  unsigned fs_type = ep_face_metrics_get(f->face)->fs_type;
  if (!(fs_type & (0x0002u | 0x0100u | 0x0200u)))
    return true;
  return fail(w, EP_PDF_LIB_ERROR, "pdf-error",
              "The font '%s' (%s, face %u) does not allow embedding (OS/2 fsType 0x%04X), so it cannot be "
              "used in a PDF; give its role another font.",
              ep_face_family(f->face), ep_face_path(f->face), ep_face_index(f->face), fs_type);
}

// 'font_widths()' - The /DW and /W of F: the commonest advance is the
// default, the others are listed per run of consecutive CIDs. The advances
// are the ones the layout placed the text with (ep_face_advance()).
static HPDF_STATUS font_widths(pdf_writer *w, pdf_font *f) {
  int *adv = ep_xmalloc(sizeof *adv * (f->chars.n ? f->chars.n : 1));
  for (size_t i = 0; i < f->chars.n; i++)
    adv[i] = ep_face_advance(f->face, f->chars.cps[i]);
  int dw = ep_pdf_default_width(adv, f->chars.n);
  HPDF_MMgr mm = w->doc->mmgr;
  HPDF_Array list = HP(Array_New)(mm), run = NULL;
  HPDF_STATUS st = list ? HP(Dict_Add)(f->cid, "W", list) : HPDF_FAILD_TO_ALLOC_MEM;
  st = st ? st : HP(Dict_AddNumber)(f->cid, "DW", dw);
  for (size_t i = 0; i < f->chars.n && st == HPDF_OK; i++) {
    if (adv[i] == dw) {
      run = NULL;
      continue;
    }
    if (!run) {
      st = HP(Array_AddNumber)(list, (HPDF_INT32)(i + 1));
      run = st == HPDF_OK ? HP(Array_New)(mm) : NULL;
      st = st ? st : run ? HP(Array_Add)(list, run) : HPDF_FAILD_TO_ALLOC_MEM;
    }
    st = st ? st : HP(Array_AddNumber)(run, adv[i]);
  }
  free(adv);
  if (st == HPDF_OK && list->list->count == 0)
    st = HP(Dict_RemoveElement)(f->cid, "W"); // every width is the default
  return st;
}

// 'new_stream()' - A stream dictionary in the document holding LEN bytes of
// DATA (deflated by deflate_into()), added to DICT under KEY.
static HPDF_Dict new_stream(pdf_writer *w, HPDF_Dict dict, const char *key, const char *data, size_t len,
                            HPDF_STATUS *st) {
  HPDF_Dict s = *st ? NULL : HP(DictStream_New)(w->doc->mmgr, w->doc->xref);
  if (!*st && !s)
    *st = HPDF_FAILD_TO_ALLOC_MEM;
  if (!*st && !deflate_into(w, s, data, len, key))
    *st = w->err.error_no ? w->err.error_no : HPDF_INVALID_STREAM;
  *st = *st ? *st : HP(Dict_Add)(dict, key, s);
  return *st ? NULL : s;
}

// 'new_dict()' - A dictionary that is an indirect object of the document
// (NULL with *ST set on failure; nothing done when *ST is already set).
static HPDF_Dict new_dict(pdf_writer *w, HPDF_STATUS *st) {
  HPDF_Dict d = *st ? NULL : HP(Dict_New)(w->doc->mmgr);
  if (!*st && !d)
    *st = HPDF_FAILD_TO_ALLOC_MEM;
  *st = *st ? *st : HP(Xref_Add)(w->doc->xref, d); // frees D when it fails
  return *st ? NULL : d;
}

// 'font_descriptor()' - F's font descriptor (without its FontFile2), from
// the face's head, hhea, OS/2 and post values in 1/1000 em.
static HPDF_STATUS font_descriptor(pdf_writer *w, pdf_font *f, const char *name) {
  const ep_face_metrics *m = ep_face_metrics_get(f->face);
  HPDF_STATUS st = HPDF_OK;
  if (!(f->desc = new_dict(w, &st)))
    return st;
  long upem = m->units_per_em;
  HPDF_Array bbox = HP(Array_New)(w->doc->mmgr);
  st = bbox ? HP(Dict_Add)(f->desc, "FontBBox", bbox) : HPDF_FAILD_TO_ALLOC_MEM;
  int box[4] = {m->x_min, m->y_min, m->x_max, m->y_max};
  for (int i = 0; i < 4; i++)
    st = st ? st : HP(Array_AddNumber)(bbox, (HPDF_INT32)(box[i] * 1000L / upem));
  st = st ? st : HP(Dict_AddName)(f->desc, "Type", "FontDescriptor");
  st = st ? st : HP(Dict_AddName)(f->desc, "FontName", name);
  st = st ? st : HP(Dict_AddNumber)(f->desc, "Flags", 32 | (m->fixed_pitch ? 1 : 0) | (m->italic_angle ? 64 : 0));
  st = st ? st : HP(Dict_AddNumber)(f->desc, "ItalicAngle", m->italic_angle);
  st = st ? st : HP(Dict_AddNumber)(f->desc, "Ascent", m->ascent);
  st = st ? st : HP(Dict_AddNumber)(f->desc, "Descent", m->descent);
  st = st ? st : HP(Dict_AddNumber)(f->desc, "CapHeight", (HPDF_INT32)(m->cap_height * 1000L / upem));
  st = st ? st : HP(Dict_AddNumber)(f->desc, "StemV", 0);
  return st;
}

// 'load_font()' - Make font F usable for drawing: the Type0 font
// (Identity-H), its CIDFontType2 with /W, the descriptor and the ToUnicode
// map, none of which needs the subset, so the pages are drawn while the
// helper thread may still be making it; map_font() adds the rest. libharu's
// own font path (HPDF_GetFont) is not used: it walks all 65,536 BMP code
// points per font, twice, and writes a 128 KB CIDToGIDMap.
static bool load_font(pdf_writer *w, pdf_font *f) {
  const char *family = ep_face_family(f->face);
  if (f->chars.n > 0xFFFE) // two-byte CIDs, 0 being .notdef
    return fail(w, EP_PDF_LIB_ERROR, "pdf-error",
                "The document draws %zu different characters in the font '%s'; a font in a PDF can carry at most 65,534.",
                f->chars.n, family);
  if (!embeddable(w, f))
    return false;
  char name[96];
  ep_pdf_base_font(ep_face_postscript_name(f->face), ep_face_family(f->face), f->chars.cps, f->chars.n, name,
                   sizeof name);
  HPDF_STATUS st = HPDF_OK;
  f->type0 = new_dict(w, &st);
  f->cid = new_dict(w, &st);
  // Each new direct object goes into its parent at once (the parent then owns it).
  HPDF_Array kids = st ? NULL : HP(Array_New)(w->doc->mmgr);
  st = st ? st : kids ? HP(Dict_Add)(f->type0, "DescendantFonts", kids) : HPDF_FAILD_TO_ALLOC_MEM;
  HPDF_Dict info = st ? NULL : HP(Dict_New)(w->doc->mmgr);
  st = st ? st : info ? HP(Dict_Add)(f->cid, "CIDSystemInfo", info) : HPDF_FAILD_TO_ALLOC_MEM;
  st = st ? st : HP(Dict_AddName)(f->type0, "Type", "Font");
  st = st ? st : HP(Dict_AddName)(f->type0, "Subtype", "Type0");
  st = st ? st : HP(Dict_AddName)(f->type0, "BaseFont", name);
  st = st ? st : HP(Dict_AddName)(f->type0, "Encoding", "Identity-H");
  st = st ? st : HP(Array_Add)(kids, f->cid);
  st = st ? st : HP(Dict_AddName)(f->cid, "Type", "Font");
  st = st ? st : HP(Dict_AddName)(f->cid, "Subtype", "CIDFontType2");
  st = st ? st : HP(Dict_AddName)(f->cid, "BaseFont", name);
  st = st ? st : HP(Dict_Add)(info, "Registry", HP(String_New)(w->doc->mmgr, "Adobe", NULL));
  st = st ? st : HP(Dict_Add)(info, "Ordering", HP(String_New)(w->doc->mmgr, "Identity", NULL));
  st = st ? st : HP(Dict_AddNumber)(info, "Supplement", 0);
  st = st ? st : font_widths(w, f);
  st = st ? st : font_descriptor(w, f, name);
  st = st ? st : HP(Dict_Add)(f->cid, "FontDescriptor", f->desc);
  ep_buf cmap;
  ep_buf_init(&cmap);
  ep_pdf_to_unicode(f->chars.cps, f->chars.n, &cmap);
  f->to_unicode = new_stream(w, f->type0, "ToUnicode", cmap.data, cmap.len, &st);
  ep_buf_free(&cmap);
  return hp_ok(w, st, "preparing the font '%s'", family);
}

// 'map_font()' - Give font I (F), loaded by load_font(), its CIDToGIDMap
// (/Identity, or a stream for an hb-subset subset), once its subset is
// ready (made or waited for here); the subset's size in *RAW_LEN
// (embed_font()'s /Length1).
static bool map_font(pdf_writer *w, size_t i, pdf_font *f, size_t *raw_len) {
  const char *family = ep_face_family(f->face);
  const unsigned char *blob = NULL;
  size_t len = 0;
  if (!ep_programs_raw(w->programs, i, &blob, &len))
    return fail(w, EP_PDF_LIB_ERROR, "pdf-error",
                "The font '%s' (%s, face %u) could not be cut down to the %zu characters the document "
                "uses, so it cannot be embedded.",
                family, ep_face_path(f->face), ep_face_index(f->face), f->chars.n);
  if (len == 0 || len >= 0x7FFFFFFFu)
    return fail(w, EP_PDF_LIB_ERROR, "pdf-error", "The subset of the font '%s' has %zu bytes, which a PDF cannot embed.",
                family, len);
  ep_buf map;
  ep_buf_init(&map);
  bool identity = !blob; // a length only: subset.c's, kept on disk (program.h)
  if (blob && !ep_pdf_cid_to_gid(f->chars.cps, f->chars.n, blob, len, &identity, &map)) {
    ep_buf_free(&map);
    return fail(w, EP_PDF_LIB_ERROR, "pdf-error",
                "The subset of the font '%s' has neither a glyph for each of its %zu characters nor a Unicode "
                "character map.",
                family, f->chars.n);
  }
  HPDF_STATUS st = HPDF_OK;
  if (identity) // subset.c's: glyph 1 + i draws CID 1 + i
    st = HP(Dict_AddName)(f->cid, "CIDToGIDMap", "Identity");
  else
    f->map = new_stream(w, f->cid, "CIDToGIDMap", map.data, map.len, &st);
  ep_buf_free(&map);
  *raw_len = len;
  return hp_ok(w, st, "preparing the font '%s'", family);
}

// 'embed_font()' - Attach font I's (F's) program, a subset of RAW_LEN bytes
// (map_font()), as the FontFile2 of its descriptor (the subset is a complete
// TrueType font, stored as it is), deflated: fetched when the save reaches
// it, so the pages are built and saved while the helper thread may still be
// deflating it.
static bool embed_font(pdf_writer *w, size_t i, pdf_font *f, size_t raw_len) {
  const char *family = ep_face_family(f->face);
  HPDF_Dict file = HP(DictStream_New)(w->doc->mmgr, w->doc->xref);
  if (!file)
    return hp_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "embedding the font '%s'", family);
  f->file = file;
  char what[300];
  snprintf(what, sizeof what, "the font program of '%s'", family);
  pdf_blob *b = set_blob(w, file, what);
  if (b) { // the deflate is fetched when the save reaches it
    b->w = w;
    b->item = i;
    file->before_write_fn = fetch_program;
  }
  if (!b ||
      !hp_ok(w, HP(Dict_AddNumber)(file, "Length1", (HPDF_INT32)raw_len), "embedding the font '%s'", family) ||
      !hp_ok(w, HP(Dict_Add)(f->desc, "FontFile2", file), "embedding the font '%s'", family))
    return false;
  return true;
}

// 'set_gray()' - Fill gray G unless already set.
static void set_gray(pdf_writer *w, double g) {
  if (g == w->cur_gray)
    return;
  w->cur_gray = g;
  ep_pdf_put_real(&w->content, g);
  ep_buf_puts(&w->content, " g\012");
}

// 'set_line_width()' - Line width LW unless already set (capped at libharu's 100 pt).
static void set_line_width(pdf_writer *w, double lw) {
  if (lw > HPDF_MAX_LINEWIDTH)
    lw = HPDF_MAX_LINEWIDTH;
  if (lw == w->cur_lw)
    return;
  w->cur_lw = lw;
  ep_pdf_put_real(&w->content, lw);
  ep_buf_puts(&w->content, " w\012");
}

// 'draw_graphics()' - Rectangles, rules and underlines of page PI, in list order.
// SEL: 0 every box, 1 the boxes turned with a rotated page's content, 2 the upright ones.
static void draw_graphics(pdf_writer *w, const ep_page *p, size_t pi, int sel) {
  ep_buf *c = &w->content;
  for (size_t bi = 0; bi < p->n; bi++) {
    const ep_box *b = &p->boxes[bi];
    if (!ep_pdf_box_finite(b) || (sel == 1 && b->upright) || (sel == 2 && !b->upright))
      continue;
    if (b->kind == EP_BOX_RECT) {
      bool filled = b->fill >= 0, stroked = b->line_width > 0;
      if (!filled && !stroked)
        continue;
      if (filled)
        set_gray(w, b->fill > 1 ? 1 : b->fill);
      if (stroked)
        set_line_width(w, b->line_width);
      ep_pdf_put_reals(c, (double[]){b->x, b->y, b->w, b->h}, 4, " re\012");
      ep_buf_puts(c, filled && stroked ? "B\012" : filled ? "f\012" : "S\012");
    } else if (b->kind == EP_BOX_RULE) {
      if (!(b->line_width > 0))
        continue;
      set_line_width(w, b->line_width);
      ep_pdf_put_reals(c, (double[]){b->x, b->y}, 2, " m\012");
      ep_pdf_put_reals(c, (double[]){b->x + b->w, b->y + b->h}, 2, " l\012");
      ep_buf_puts(c, "S\012");
    } else if (b->kind == EP_BOX_TEXT && b->underline && !ep_pdf_text_box_problem(b)) {
      // A bar below the baseline, under the run's advance width; CJK glyphs
      // reach about 0.12 em below the baseline, so it sits just under them.
      double width = b->w;
      if (!(width > 0)) {
        size_t n = ep_glyphs_load(&w->sv.g, b, b->face);
        width = n ? w->sv.g.x[n - 1] + w->sv.g.adv[n - 1] : 0;
      }
      double thick = b->size / 18.0;
      if (!(width > 0))
        continue;
      set_gray(w, 0);
      ep_pdf_put_reals(c, (double[]){b->x, b->y - 0.15 * b->size - thick, width, thick}, 4, " re\012");
      ep_buf_puts(c, "f\012");
    }
  }
}

// 'actual_text()' - Open a /Span marked-content sequence whose /ActualText is
// the text of the TEXT boxes FROM..TO of P (a run and the runs its
// actual_join flags carry the span over), so a search for "2022年" finds it
// although the CJK-Latin gaps are positioning (poppler and Acrobat honour it).
// (libharu 2.3 has no API for marked content; EMC closes it, in draw_layer().)
static void actual_text(ep_buf *h, const ep_page *p, size_t from, size_t to) {
  ep_buf_puts(h, "/Span <</ActualText <FEFF");
  for (size_t bi = from; bi <= to; bi++) {
    const ep_box *b = &p->boxes[bi];
    size_t len = b->kind == EP_BOX_TEXT && b->text ? strlen(b->text) : 0;
    for (size_t i = 0; i < len;)
      ep_pdf_put_utf16(h, ep_utf8_next(b->text, len, &i));
  }
  ep_buf_puts(h, ">>> BDC\012");
}

static bool draw_text_runs(pdf_writer *w, HPDF_Page page, const ep_box *b, size_t pi);

// 'set_font()' - Select F at SIZE for the text of PAGE PI (a Tf operator),
// naming F in the page's font resources on its first use there.
static bool set_font(pdf_writer *w, HPDF_Page page, pdf_font *f, double size, size_t pi) {
  HPDF_PageAttr pa = page->attr;
  HPDF_STATUS st = HPDF_OK;
  if (f->page_mark != pi + 1) {
    f->page_mark = pi + 1;
    if (!pa->fonts) {
      HPDF_Dict res = HP(Dict_GetItem)(page, "Resources", HPDF_OCLASS_DICT);
      HPDF_Dict fonts = res ? HP(Dict_New)(page->mmgr) : NULL;
      st = fonts ? HP(Dict_Add)(res, "Font", fonts) : HPDF_INVALID_PAGE;
      pa->fonts = st == HPDF_OK ? fonts : NULL;
    }
    st = st ? st : HP(Dict_Add)(pa->fonts, f->name, f->type0);
  }
  ep_buf_putc(&w->content, '/');
  ep_buf_puts(&w->content, f->name);
  ep_buf_putc(&w->content, ' ');
  ep_pdf_put_number(&w->content, size);
  ep_buf_puts(&w->content, " Tf\012");
  return hp_ok(w, st, "setting the font on page %zu", pi + 1);
}

// 'show_glyphs()' - Write the glyphs K..J-1 of the scratch arrays as one
// string of F's two-byte CIDs (a Tj operator).
static void show_glyphs(pdf_writer *w, const pdf_font *f, size_t k, size_t j) {
  ep_buf_put(&w->content, "<", 1);
  for (; k < j; k++)
    ep_pdf_put_hex4(&w->content, ep_pdf_cid(&f->cids, w->sv.g.cp[k]));
  ep_buf_puts(&w->content, "> Tj\012");
}

// 'draw_text_runs()' - Place the glyphs of TEXT box B: runs of glyphs whose
// spacing is the natural advance plus one constant go out as one string with
// that constant as character spacing (Tc), each run positioned absolutely
// with the text matrix.
static bool draw_text_runs(pdf_writer *w, HPDF_Page page, const ep_box *b, size_t pi) {
  pdf_font *f = font_of(w, b->face);
  size_t n = ep_glyphs_load(&w->sv.g, b, b->face);
  if (!f || n == 0)
    return true;
  if (w->cur_font != f || w->cur_size != b->size) {
    w->cur_font = f;
    w->cur_size = b->size;
    if (!set_font(w, page, f, b->size, pi))
      return false;
  }
  ep_buf *c = &w->content;
  HPDF_TextRenderingMode mode = b->bold ? HPDF_FILL_THEN_STROKE : HPDF_FILL;
  if (mode != w->cur_mode) {
    w->cur_mode = mode;
    ep_buf_printf(c, "%d Tr\012", (int)mode);
  }
  if (b->bold)
    set_line_width(w, b->size / 30.0);
  if (b->bold && !w->round_join) { // no miter spikes at sharp stroke corners
    w->round_join = true;
    ep_buf_printf(c, "%d j\012", (int)HPDF_ROUND_JOIN);
  }
  for (size_t i = 0; i < n;) {
    size_t j = i + 1; // one past the run's last glyph
    double tc = w->cur_tc;
    if (j < n) {
      double gap = w->sv.g.x[j] - w->sv.g.x[i] - w->sv.g.adv[i];
      if (gap >= HPDF_MIN_CHARSPACE && gap <= HPDF_MAX_CHARSPACE) {
        tc = round(gap * 1e5) / 1e5; // libharu writes five decimals
        double pred = w->sv.g.x[i];
        for (; j < n && j - i < GROUP_MAX; j++) {
          pred += w->sv.g.adv[j - 1] + tc;
          if (fabs(pred - w->sv.g.x[j]) > POS_EPS)
            break;
        }
      }
    }
    if (j == i + 1)
      tc = w->cur_tc; // one glyph: the spacing after it does not matter
    if (tc != w->cur_tc) {
      w->cur_tc = tc;
      ep_pdf_put_number(c, tc); // five decimals: it adds up over a justified line
      ep_buf_puts(c, " Tc\012");
    }
    ep_buf_puts(c, "1 0 0 1 ");
    ep_pdf_put_reals(c, (double[]){b->x + w->sv.g.x[i], b->y}, 2, " Tm\012");
    show_glyphs(w, f, i, j);
    i = j;
  }
  return true;
}

// 'draw_layer()' - Graphics, then text, of the boxes of page PI that SEL selects
// (0 all, 1 those turned with a rotated page's content, 2 the upright ones).
static bool draw_layer(pdf_writer *w, HPDF_Page page, const ep_page *p, size_t pi, int sel) {
  draw_graphics(w, p, pi, sel);
  bool any = false;
  for (size_t bi = 0; bi < p->n && !any; bi++) {
    const ep_box *b = &p->boxes[bi];
    any = b->kind == EP_BOX_TEXT && font_of(w, b->face) != NULL && !(sel == 1 && b->upright) &&
          !(sel == 2 && !b->upright);
  }
  if (!any)
    return true;
  set_gray(w, 0);
  ep_buf_puts(&w->content, "BT\012");
  size_t span = SIZE_MAX; // the last box of the open /ActualText span
  for (size_t bi = 0; bi < p->n; bi++) {
    const ep_box *b = &p->boxes[bi];
    if ((sel == 1 && b->upright) || (sel == 2 && !b->upright))
      continue;
    if (b->kind == EP_BOX_TEXT && b->actual_text && span == SIZE_MAX) {
      span = ep_page_span_end(p, bi);
      actual_text(&w->content, p, bi, span);
    }
    if (b->kind == EP_BOX_TEXT && !ep_pdf_text_box_problem(b) && !draw_text_runs(w, page, b, pi))
      return false;
    if (bi == span) {
      span = SIZE_MAX;
      ep_buf_puts(&w->content, "EMC\012");
    }
  }
  ep_buf_puts(&w->content, "ET\012");
  return true;
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
  HPDF_Page page = HP(AddPage)(w->doc);
  if (!page)
    return hp_ok(w, HPDF_INVALID_PAGE, "adding page %zu", pi + 1);
  w->pages[pi] = page;
  if (!hp_ok(w, HP(Page_SetWidth)(page, (HPDF_REAL)p->width), "setting the width of page %zu to %.2f pt", pi + 1,
             p->width) ||
      !hp_ok(w, HP(Page_SetHeight)(page, (HPDF_REAL)p->height), "setting the height of page %zu to %.2f pt",
             pi + 1, p->height))
    return false;
  reset_state(w);
  w->content.len = 0;
  if (!p->rotated) {
    if (!draw_layer(w, page, p, pi, 0))
      return false;
  } else {
    // Landscape content: turn it a quarter so its top lies along the left edge,
    // then draw the upright boxes (page numbers) in page coordinates.
    ep_buf_puts(&w->content, "q\012");
    ep_pdf_put_reals(&w->content, (double[]){0, 1, -1, 0, p->width, 0}, 6, " cm\012");
    if (!draw_layer(w, page, p, pi, 1))
      return false;
    ep_buf_puts(&w->content, "Q\012");
    reset_state(w);
    if (!draw_layer(w, page, p, pi, 2))
      return false;
  }
  // The page is complete: its content, written here as libharu's operators
  // would write it, is handed over to be deflated (the caller's thread goes
  // on with the next page). The page's own memory stream goes (libharu
  // writes nothing into it: no HPDF_Page_* operator is used).
  HPDF_PageAttr pa = page->attr;
  char what[64];
  snprintf(what, sizeof what, "the content of page %zu", pi + 1);
  if (w->content.len == 0)
    return true;
  if (!deflate_into(w, pa->contents, w->content.data, w->content.len, what))
    return false;
  pa->stream = pa->contents->stream;
  return true;
}

// 'dest_y()' - Height Y on page PI clamped to the page (NaN: its top).
static double dest_y(const pdf_writer *w, size_t pi, double y) {
  double h = w->dl->pages[pi].height;
  return !isfinite(y) ? h : y < 0 ? 0 : y > h ? h : y;
}

// 'make_dest()' - A destination to height Y on page PI: [page /XYZ null Y
// null], which keeps the reader's zoom and horizontal position. libharu's
// SetXYZ cannot write null (zoom must be 0.08..32), so the array is rebuilt.
static HPDF_Destination make_dest(pdf_writer *w, size_t pi, double y) {
  y = dest_y(w, pi, y);
  HPDF_Destination d = HP(Page_CreateDestination)(w->pages[pi]);
  if (!d || HP(Destination_SetXYZ)(d, 0, (HPDF_REAL)y, 1) != HPDF_OK)
    return NULL;
  HPDF_Page target = HP(Array_GetItem)(d, 0, HPDF_OCLASS_DICT);
  if (!target)
    return NULL;
  HP(Array_Clear)(d);
  HPDF_STATUS st = HP(Array_Add)(d, target);
  st += HP(Array_AddName)(d, "XYZ");
  st += HP(Array_Add)(d, HP(Null_New)(d->mmgr));
  st += HP(Array_AddReal)(d, (HPDF_REAL)y);
  st += HP(Array_Add)(d, HP(Null_New)(d->mmgr));
  return st == HPDF_OK ? d : NULL;
}

// 'add_links()' - Link annotations (no border) of the LINK boxes collect()
// kept, each to its DEST.
static bool add_links(pdf_writer *w) {
  for (size_t li = 0; li < w->sv.nlinks; li++) {
    const ep_box *b = &w->sv.links[li];
    size_t pi = w->sv.link_pages[li];
    const ep_survey_dest *d = b->dest_id ? ep_survey_find_dest(&w->sv, b->dest_id) : NULL;
    if (!d) {
      ep_pdf_warn_box(w->diags, b, "The link on page %zu to '%s' was left out: there is no such destination.", pi + 1,
               b->dest_id ? b->dest_id : "");
      continue;
    }
    HPDF_Rect r = {(HPDF_REAL)fmin(b->x, b->x + b->w), (HPDF_REAL)fmin(b->y, b->y + b->h),
                   (HPDF_REAL)fmax(b->x, b->x + b->w), (HPDF_REAL)fmax(b->y, b->y + b->h)};
    HPDF_Destination dst = make_dest(w, d->page, d->y);
    HPDF_Annotation a = dst ? HP(Page_CreateLinkAnnot)(w->pages[pi], r, dst) : NULL;
    if (!a || HP(LinkAnnot_SetBorderStyle)(a, 0, 0, 0) != HPDF_OK)
      return hp_ok(w, HPDF_INVALID_ANNOTATION, "adding the link on page %zu to '%s'", pi + 1, b->dest_id);
  }
  return true;
}

// 'put_ref()' - Append "/KEY N 0 R" for OBJ's object to OUT.
static void put_ref(ep_buf *out, const char *key, HPDF_Dict obj) {
  ep_buf_putc(out, '/');
  ep_buf_puts(out, key);
  ep_buf_putc(out, ' ');
  ep_pdf_put_uint(out, obj->header.obj_id & 0x00FFFFFF);
  ep_buf_puts(out, " 0 R\012");
}

// 'write_outline_entry()' - libharu's write hook of an outline object (an
// empty dictionary whose attr is its pdf_ol): print its entries. The root
// (index 0) is the /Outlines dictionary; the others are bookmarks.
static HPDF_STATUS write_outline_entry(HPDF_Dict obj, HPDF_Stream stream) {
  const pdf_ol *o = obj->attr;
  pdf_writer *w = o->w;
  const pdf_ol *all = w->ols;
  ep_buf *out = &w->text;
  out->len = 0;
  if (o == all) {
    ep_buf_puts(out, "/Type /Outlines\012");
  } else {
    ep_buf_puts(out, "/Title ");
    ep_pdf_put_text_string(out, o->title);
    ep_buf_putc(out, '\012');
    put_ref(out, "Parent", all[o->parent].dict);
    if (o->prev)
      put_ref(out, "Prev", all[o->prev].dict);
    if (o->next)
      put_ref(out, "Next", all[o->next].dict);
  }
  if (o->first) {
    put_ref(out, "First", all[o->first].dict);
    put_ref(out, "Last", all[o->last].dict);
  }
  if (o->count) {
    ep_buf_puts(out, o->count < 0 ? "/Count -" : "/Count ");
    ep_pdf_put_uint(out, (unsigned long long)(o->count < 0 ? -(long long)o->count : o->count));
    ep_buf_putc(out, '\012');
  }
  if (o != all) {
    // [page /XYZ null y null]: the reader keeps its zoom and horizontal position
    ep_buf_puts(out, "/Dest [ ");
    ep_pdf_put_uint(out, w->pages[o->page]->header.obj_id & 0x00FFFFFF);
    ep_buf_puts(out, " 0 R /XYZ null ");
    ep_pdf_put_real(out, o->y);
    ep_buf_puts(out, " null ]\012");
  }
  return HP(Stream_Write)(stream, (const HPDF_BYTE *)out->data, (HPDF_UINT)out->len);
}

// 'add_outline()' - Bookmarks nested by level (a skipped level hangs under
// the nearest shallower entry); level-1 entries start open, deeper ones
// closed. Each is an object of its own whose entries write_outline_entry()
// prints when the document is saved: libharu's outline objects (a dictionary,
// eight entries of 136 bytes or more, a destination array of five objects)
// cost 2.3 KB each, 230 MB for a report of 100,000 sections.
static bool add_outline(pdf_writer *w) {
  const ep_dlist *dl = w->dl;
  if (dl->noutline == 0)
    return true;
  w->ols = ep_xcalloc(dl->noutline + 1, sizeof *w->ols);
  uint32_t open[OUTLINE_DEPTH + 1] = {0}; // open[l]: the last entry of level l (0 = none)
  size_t n = 1;
  for (size_t i = 0; i < dl->noutline; i++) {
    const ep_outline *o = &dl->outline[i];
    if (o->page < 0 || (size_t)o->page >= dl->npages) {
      ep_diag_add(w->diags, EP_WARNING, NULL, 0, "pdf-error",
                  "The bookmark '%s' points to page %d, which the document does not have, and was left out.",
                  o->title ? o->title : "", o->page + 1);
      continue;
    }
    int level = o->level < 1 ? 1 : o->level > OUTLINE_DEPTH ? OUTLINE_DEPTH : o->level;
    uint32_t parent = 0;
    for (int l = level - 1; l >= 1 && !parent; l--)
      parent = open[l];
    pdf_ol *e = &w->ols[n], *p = &w->ols[parent];
    e->title = o->title ? o->title : "";
    e->page = (uint32_t)o->page;
    e->y = dest_y(w, (size_t)o->page, o->y);
    e->open = level == 1;
    e->parent = parent;
    if (p->last) {
      w->ols[p->last].next = (uint32_t)n;
      e->prev = p->last;
    } else {
      p->first = (uint32_t)n;
    }
    p->last = (uint32_t)n;
    open[level] = (uint32_t)n;
    for (int l = level + 1; l <= OUTLINE_DEPTH; l++)
      open[l] = 0;
    n++;
  }
  if (n == 1)
    return true;
  // /Count: the entries shown under an open one (negative when closed: those
  // shown once it opens); children follow their parent, so one backward pass
  long *shown = ep_xcalloc(n, sizeof *shown);
  for (size_t i = n - 1; i >= 1; i--)
    shown[w->ols[i].parent] += 1 + (w->ols[i].open ? shown[i] : 0);
  w->ols[0].open = true;
  HPDF_STATUS st = HPDF_OK;
  for (size_t i = 0; i < n; i++) {
    pdf_ol *e = &w->ols[i];
    e->count = (int32_t)(e->open ? shown[i] : -shown[i]);
    e->w = w;
    e->dict = new_dict(w, &st);
    if (e->dict) {
      e->dict->attr = e;
      e->dict->write_fn = write_outline_entry;
    }
  }
  free(shown);
  if (st == HPDF_OK)
    st = HP(Dict_Add)(w->doc->catalog, "Outlines", w->ols[0].dict);
  if (!hp_ok(w, st, "adding the bookmarks"))
    return false;
  return hp_ok(w, HP(SetPageMode)(w->doc, HPDF_PAGE_MODE_USE_OUTLINE), "showing the bookmarks");
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
      ok = hp_ok(w, HP(AddPageLabel)(w->doc, (HPDF_UINT)i, (HPDF_PageNumStyle)style[i], (HPDF_UINT)p->number, NULL),
                 "adding the page label of page %zu", i + 1);
      continue;
    }
    // No label: libharu always writes a style, so remove it from the new dictionary.
    ok = hp_ok(w, HP(AddPageLabel)(w->doc, (HPDF_UINT)i, HPDF_PAGE_NUM_STYLE_DECIMAL, 0, NULL),
               "adding the page label of page %zu", i + 1);
    HPDF_Dict labels = ok ? HP(Dict_GetItem)(w->doc->catalog, "PageLabels", HPDF_OCLASS_DICT) : NULL;
    HPDF_Array nums = labels ? HP(Dict_GetItem)(labels, "Nums", HPDF_OCLASS_ARRAY) : NULL;
    HPDF_Dict last = nums && nums->list->count ? HP(Array_GetItem)(nums, nums->list->count - 1, HPDF_OCLASS_DICT)
                                               : NULL;
    if (ok && (!last || HP(Dict_RemoveElement)(last, "S") != HPDF_OK))
      ok = hp_ok(w, HPDF_INVALID_OBJECT, "removing the label of page %zu", i + 1);
  }
  free(style);
  return ok;
}

// 'set_info_text()' - Set the document information entry TYPE (KEY) to
// UTF-8 VALUE (from FILE at LINE, named in a warning when it is cut; NULL:
// the report) as a UTF-16BE text string (<FEFF...>, characters above the BMP
// as surrogate pairs). libharu places the entry (its order in the dictionary
// and the dictionary itself as it always does); its text is then replaced,
// which keeps the place: libharu's own UTF-8 encoder, which this saves,
// costs every document a quarter megabyte set byte by byte.
static bool set_info_text(pdf_writer *w, HPDF_InfoType type, const char *key, const char *value, const char *file,
                          unsigned long line) {
  if (!hp_ok(w, HP(SetInfoAttr)(w->doc, type, "-"), "setting the document information"))
    return false;
  size_t len = strlen(value), i = 0, chars = 0, kept = 0;
  bool cut = false;
  ep_buf b;
  ep_buf_init(&b);
  ep_buf_put(&b, "\xfe\xff", 2);
  while (i < len) {
    uint16_t u[2];
    int units = ep_pdf_utf16(ep_utf8_next(value, len, &i), u);
    chars++;
    if (cut || b.len + 2 * (size_t)units > HPDF_LIMIT_MAX_STRING_LEN) {
      cut = true; // libharu's longest string: the rest is counted, not kept
      continue;
    }
    kept++;
    for (int k = 0; k < units; k++) {
      char be[2] = {(char)(u[k] >> 8), (char)(u[k] & 0xFF)};
      ep_buf_put(&b, be, 2);
    }
  }
  if (kept < chars)
    ep_diag_add(w->diags, EP_WARNING, file ? file : w->dl->source, file ? line : 0, "pdf-error",
                "The document information's %s has %zu characters; the PDF keeps the first %zu (a PDF string "
                "holds at most %d bytes).",
                key, chars, kept, HPDF_LIMIT_MAX_STRING_LEN);
  HPDF_Binary text = HP(Binary_New)(w->doc->mmgr, (HPDF_BYTE *)ep_buf_str(&b), (HPDF_UINT)b.len);
  ep_buf_free(&b);
  return hp_ok(w, text && w->doc->info ? HP(Dict_Add)(w->doc->info, key, text) : HPDF_FAILD_TO_ALLOC_MEM,
               "setting the document information");
}

// 'add_info()' - Title, Author, Subject, Keywords, Creator, Producer (UTF-16BE
// text strings) and, when dl->epoch >= 0, the dates in UTC.
static bool add_info(pdf_writer *w) {
  const ep_dlist *dl = w->dl;
  const struct {
    HPDF_InfoType type;
    const char *key, *value, *file;
    unsigned long line;
  } items[] = {{HPDF_INFO_TITLE, "Title", dl->title, dl->title_file, dl->title_line},
               {HPDF_INFO_AUTHOR, "Author", dl->author, dl->author_file, dl->author_line},
               {HPDF_INFO_SUBJECT, "Subject", dl->subject, dl->subject_file, dl->subject_line},
               {HPDF_INFO_KEYWORDS, "Keywords", dl->keywords, NULL, 0},
               {HPDF_INFO_CREATOR, "Creator", dl->creator, NULL, 0}};
  for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
    if (items[i].value && *items[i].value &&
        !set_info_text(w, items[i].type, items[i].key, items[i].value, items[i].file, items[i].line))
      return false;
  char producer[200];
  snprintf(producer, sizeof producer, "%s (libharu %s)", dl->creator && *dl->creator ? dl->creator : "evalpdf",
           HP(GetVersion)());
  if (!set_info_text(w, HPDF_INFO_PRODUCER, "Producer", producer, NULL, 0))
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
  return hp_ok(w, HP(SetInfoDateAttr)(w->doc, HPDF_INFO_CREATION_DATE, d), "setting the creation date") &&
         hp_ok(w, HP(SetInfoDateAttr)(w->doc, HPDF_INFO_MOD_DATE, d), "setting the modification date");
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
    const char *part = !obj                 ? NULL
                       : obj == f->type0      ? "dictionary"
                       : obj == f->file       ? "font program"
                       : obj == f->cid        ? "CID font"
                       : obj == f->map        ? "CIDToGIDMap"
                       : obj == f->to_unicode ? "ToUnicode map"
                       : obj == f->desc       ? "descriptor"
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
    HPDF_XrefEntry e = HP(List_ItemAt)(x->entries, i);
    if (!e || e->byte_offset == 0)
      continue;
    char role[300];
    const char *r = object_role(w, e->obj, role, sizeof role);
    snprintf(buf, size, "%s (PDF object %u)", r ? r : "the document's structure", (unsigned)(x->start_offset + i));
    return buf;
  }
  return "the start of the document";
}

// 'reserve_lists()' - Let libharu's lists that grow with the document (its
// objects, its pages, the page tree's /Kids) grow in one step: HPDF_List_Add
// grows a list by a fixed block (1,024 objects, 256 pages, 20 kids), copying
// it byte by byte each time, which is quadratic in the document's length.
// Each list still grows as it must when the estimate is short.
static void reserve_lists(pdf_writer *w) {
  size_t np = w->dl->npages;
  size_t objects = 64 + 8 * np + w->dl->noutline + 2 * w->sv.nlinks + 16 * w->nfonts;
  HPDF_UINT cap = objects > 0x1000000 ? 0x1000000 : (HPDF_UINT)objects;
  HPDF_UINT pages = np > 0x1000000 ? 0x1000000 : (HPDF_UINT)np;
  if (w->doc->xref->entries->items_per_block < cap)
    w->doc->xref->entries->items_per_block = cap;
  if (w->doc->page_list->items_per_block < pages)
    w->doc->page_list->items_per_block = pages;
  HPDF_Array kids = HP(Dict_GetItem)(w->doc->root_pages, "Kids", HPDF_OCLASS_ARRAY);
  if (kids && kids->list->items_per_block < pages)
    kids->list->items_per_block = pages;
}

// 'build()' - Build the whole document in libharu (save() writes it out).
static bool build(pdf_writer *w) {
  char why[300];
  if (!hp_open(&w->hp, why, sizeof why))
    return fail(w, EP_PDF_LIB_ERROR, "pdf-error",
                "libharu (%s) cannot be loaded, so no PDF can be written: %s; install it (Debian: libhpdf-2.3.0).",
                EP_HPDF_SONAME, why);
  if (strcmp(HP(GetVersion)(), HPDF_VERSION_TEXT) != 0)
    return fail(w, EP_PDF_LIB_ERROR, "pdf-error",
                "libharu %s is installed, but evalpdf was built for libharu %s; rebuild evalpdf.",
                HP(GetVersion)(), HPDF_VERSION_TEXT);
  w->doc = HP(New)(on_hpdf_error, &w->err);
  if (!w->doc)
    return hp_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "creating the document");
  if (!hp_ok(w, HP(SetCompressionMode)(w->doc, HPDF_COMP_ALL), "setting compression"))
    return false;
  reserve_lists(w);
  for (size_t i = 0; i < w->nfonts; i++)
    if (!load_font(w, &w->fonts[i]))
      return false;
  w->pages = ep_xcalloc(w->dl->npages ? w->dl->npages : 1, sizeof *w->pages);
  for (size_t i = 0; i < w->dl->npages; i++) {
    if (!draw_page(w, i))
      return false;
    if (w->release) { // drawn: its boxes are not read again (links were copied)
      ep_page *p = &w->release->pages[i];
      free(p->boxes);
      p->boxes = NULL;
      p->n = p->cap = 0;
    }
  }
  for (size_t i = 0; i < w->nfonts; i++) {
    size_t raw_len = 0;
    if (!map_font(w, i, &w->fonts[i], &raw_len) || !embed_font(w, i, &w->fonts[i], raw_len))
      return false;
  }
  ep_programs_streams_end(w->programs); // (a build that fails stops the helper: ep_programs_stop())
  if (!add_links(w) || !add_outline(w) || !add_page_labels(w) || !add_info(w))
    return false;
  return true;
}

// 'ep_pdf_warm()' - Make and free a document as build() starts one (see pdf.h).
void ep_pdf_warm(void) {
  hp_api hp;
  char why[300];
  if (!hp_open(&hp, why, sizeof why)) // the render reports it
    return;
  hp_error err = {0};
  HPDF_Doc doc = hp.New(on_hpdf_error, &err);
  if (doc) {
    if (hp.SetCompressionMode(doc, HPDF_COMP_ALL) == HPDF_OK) {
      HPDF_Page page = hp.AddPage(doc); // the page tree and a page's dictionaries
      (void)page;
    }
    hp.Free(doc);
  }
  hp_close(&hp);
}

// 'sink_write()' - libharu's write function of the saved document's stream
// (attr: the output, pdf_out.h). libharu's own memory stream copies byte by
// byte into 4 KiB blocks, and the whole PDF was then copied once more.
static HPDF_STATUS sink_write(HPDF_Stream stream, const HPDF_BYTE *ptr, HPDF_UINT size) {
  return ep_pdf_out_put(stream->attr, ptr, size) ? HPDF_OK : HPDF_FILE_IO_ERROR;
}

// 'output_failed()' - Report that the PDF cannot go to PATH (NULL: memory)
// for errno value E; OPENING: the temporary beside it could not be made.
// Returns false.
static bool output_failed(pdf_writer *w, const char *path, int e, bool opening) {
  char eb[128];
  if (opening)
    return fail(w, EP_PDF_IO_ERROR, "io-error", "The PDF '%s' cannot be written: %s%s.", path,
                e == EISDIR ? "" : "no temporary file can be created next to it: ",
                e == EISDIR ? "it is a folder" : ep_errno_text(e, eb, sizeof eb));
  if (path && strcmp(path, "-") == 0)
    return fail(w, EP_PDF_IO_ERROR, "io-error", "The PDF cannot be written to standard output: %s.",
                ep_errno_text(e, eb, sizeof eb));
  return fail(w, EP_PDF_IO_ERROR, "io-error", "The PDF '%s' cannot be written: %s.", path ? path : "memory",
              ep_errno_text(e, eb, sizeof eb));
}

// 'save()' - Write the built document into OUT. False with the problem
// reported when that fails.
static bool save(pdf_writer *w, ep_pdf_out *out) {
  // HPDF_SaveToStream() writes into the document's stream, a memory stream it
  // makes when there is none yet; one of our own is used as it is (2.3.0).
  w->out = out;
  w->doc->stream = HP(CallbackWriter_New)(w->doc->mmgr, sink_write, out);
  if (!w->doc->stream)
    return hp_ok(w, HPDF_FAILD_TO_ALLOC_MEM, "saving the document");
  HPDF_STATUS st = HP(SaveToStream)(w->doc);
  w->out = NULL;
  if (out->err)
    return output_failed(w, out->path, out->err, out->open_failed);
  if (st != HPDF_OK || w->err.error_no) {
    char what[400];
    return hp_ok(w, HPDF_INVALID_DOCUMENT, "writing %s", failed_object(w, what, sizeof what));
  }
  return true;
}

// 'build_pdf()' - Build DL's PDF and write it to PATH, or into a new buffer
// *DATA (*LEN bytes) when PATH is NULL, with problems in DIAGS; RELEASE
// (DL itself, or NULL) has each page's boxes freed once the page is drawn. A regular
// file is written as the document is saved, into a temporary put in its
// place only when complete; standard output and other files get the PDF once
// it is whole. Returns an EP_PDF_* value; on failure *DATA is NULL and PATH
// untouched.
static int build_pdf(const ep_dlist *dl, ep_dlist *release, const char *path, ep_diags *diags, unsigned char **data,
                     size_t *len) {
  pdf_writer w;
  memset(&w, 0, sizeof w);
  w.dl = dl;
  w.release = release;
  w.diags = diags;
  if (data) {
    *data = NULL;
    *len = 0;
  }
  if (!dl || (!path && !data) || (path && !*path)) {
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
  bool built = build(&w);
  ep_pdf_out out;
  memset(&out, 0, sizeof out);
  int e = built ? ep_pdf_out_open(&out, path, dl->sweeps) : 0;
  if (e != 0)
    built = output_failed(&w, path, e, true);
  built = built && save(&w, &out);
  // The file is put in place first: the replaced one's release (a third of
  // a millisecond for the example's, on another thread) then runs while
  // the rest is freed here.
  if (built && (e = ep_pdf_out_finish(&out)) != 0)
    built = output_failed(&w, path, e, out.open_failed);
  ep_programs_stop(w.programs); // no task may run once the arrays it borrows are freed
  if (w.own_programs)
    ep_programs_free(w.programs);
  free(w.prog_faces);
  free(w.prog_cps);
  free(w.prog_ns);
  if (w.doc)
    w.hp.Free(w.doc);
  hp_close(&w.hp);
  if (built && !path) {
    *data = out.data ? out.data : ep_xmalloc(1);
    *len = out.len;
    out.data = NULL;
  }
  ep_pdf_out_abandon(&out); // frees what is left; a file not put in place is removed
  int rc = built ? EP_PDF_OK : (w.rc ? w.rc : EP_PDF_LIB_ERROR);
  for (size_t i = 0; i < w.nfonts; i++) {
    ep_cpset_free(&w.fonts[i].chars);
    ep_pdf_cids_free(&w.fonts[i].cids);
  }
  free(w.fonts);
  ep_survey_free(&w.sv);
  free(w.pages);
  free(w.ols);
  ep_buf_free(&w.content);
  ep_buf_free(&w.text);
  return rc;
}

// 'ep_pdf_write()' - Write DL as a PDF to PATH atomically.
int ep_pdf_write(const ep_dlist *dl, const char *path, ep_diags *diags) {
  return build_pdf(dl, NULL, path ? path : "", diags, NULL, NULL);
}

// 'ep_pdf_write_memory()' - Build DL's PDF into a new heap buffer.
int ep_pdf_write_memory(const ep_dlist *dl, unsigned char **data, size_t *len, ep_diags *diags) {
  return build_pdf(dl, NULL, NULL, diags, data, len);
}

// 'ep_pdf_write_release()' - ep_pdf_write() freeing each page's boxes once drawn.
int ep_pdf_write_release(ep_dlist *dl, const char *path, ep_diags *diags) {
  return build_pdf(dl, dl, path ? path : "", diags, NULL, NULL);
}

// 'ep_pdf_write_memory_release()' - ep_pdf_write_memory() freeing each page's boxes once drawn.
int ep_pdf_write_memory_release(ep_dlist *dl, unsigned char **data, size_t *len, ep_diags *diags) {
  return build_pdf(dl, dl, NULL, diags, data, len);
}

// 'ep_pdf_library_version()' - libharu's version string.
const char *ep_pdf_library_version(void) {
  hp_api hp;
  char why[300];
  if (!hp_open(&hp, why, sizeof why))
    return "not available";
  const char *v = hp.GetVersion(); // libharu's own string: it stays loaded
  hp_close(&hp);
  return v;
}
