// Font programs for embedding (see font.h): a face cut down to a set of
// characters, by subset.c or else hb-subset, deflated, and the last few of
// each face kept for reuse across documents and threads.
#include "font_face.h"
#include "subset.h"

#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libdeflate.h>

#define SUBSET_GLYPHS_MAX 32768u           // libharu 2.3: component gids are signed 16-bit
#define READ_SUBSETS 2                     // a face's subsets that read their glyphs (own_subset())

// The tables a subset keeps; everything else in the source face is dropped.
static const char keep_tables[][5] = {"cmap", "glyf", "loca", "hmtx", "hhea",
                                      "head", "maxp", "name", "OS/2", "post"};

// 'face_hb()' - The face's HarfBuzz face (created once, immutable, shared),
// or NULL when HarfBuzz cannot be loaded or reads no glyphs.
static ep_hb_face *face_hb(ep_face *f) {
  ep_hb_face *h = atomic_load_explicit(&f->hb, memory_order_acquire);
  if (h || !f->data)
    return h;
  pthread_mutex_lock(&f->lock);
  h = atomic_load_explicit(&f->hb, memory_order_relaxed);
  if (!h && (h = ep_hb_face_new(f->data, f->data_len, f->index)))
    atomic_store_explicit(&f->hb, h, memory_order_release);
  pthread_mutex_unlock(&f->lock);
  return h;
}

// 'face_glyph_ids()' - The glyph ids of the N code points CPS in FACE (a
// new array; 0 for unmapped ones), looked up with FreeType, the same lookup
// that measured the text.
static uint32_t *face_glyph_ids(ep_face *face, const uint32_t *cps, size_t n) {
  uint32_t *gids = ep_xmalloc(sizeof *gids * (n ? n : 1));
  pthread_mutex_lock(&face->lock);
  for (size_t i = 0; i < n; i++)
    gids[i] = cps[i] < CP_LIMIT ? FT_Get_Char_Index(face->ft, cps[i]) : 0;
  pthread_mutex_unlock(&face->lock);
  return gids;
}

// 'read_at()' - ep_subset_read_fn over the descriptor *USER: all LEN bytes
// at AT, or false.
static bool read_at(void *user, uint64_t at, size_t len, unsigned char *dst) {
  int fd = *(const int *)user;
  while (len) {
    if (at > (uint64_t)INT64_MAX)
      return false;
    ssize_t got = pread(fd, dst, len, (off_t)at);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return false; // an error, or the file is shorter than its mapping (cut meanwhile)
    dst += got;
    at += (uint64_t)got;
    len -= (size_t)got;
  }
  return true;
}

// 'own_subset()' - FACE cut down to CPS by subset.c, the glyph ids from
// FreeType (the same lookup that measured the text). False when subset.c
// does not handle the face; hb-subset is tried then.
static bool own_subset(ep_face *face, const uint32_t *cps, size_t n, unsigned char **out, size_t *out_len) {
  const unsigned char *data = face->data;
  size_t len = face->data_len;
  if (!data || !len)
    return false;
  // subset.c wants the characters ascending and unique; callers may repeat them.
  uint32_t *sorted = NULL;
  for (size_t i = 1; i < n && !sorted; i++)
    if (cps[i] <= cps[i - 1]) {
      sorted = ep_xmalloc(sizeof *sorted * n);
      memcpy(sorted, cps, sizeof *sorted * n);
      qsort(sorted, n, sizeof *sorted, ep_cmp_u32);
      size_t k = 0;
      for (size_t j = 0; j < n; j++)
        if (k == 0 || sorted[j] != sorted[k - 1])
          sorted[k++] = sorted[j];
      n = k;
      cps = sorted;
    }
  uint32_t *gids = face_glyph_ids(face, cps, n);
  // A mapped file's glyphs are read with pread() for the face's first
  // subsets: a few dozen calls cost less than first touches of the hundreds
  // of pages a subset's glyphs lie on (measured: 1.8 against 3.4 ms for the
  // example's body font). A process that makes more (a batch) reads them
  // through the mapping from then on: its pages, once touched, serve every
  // later subset, where each read would copy them again (100 county
  // reports took 5% longer reading every subset).
  int fd = atomic_fetch_add(&face->subsets, 1) < READ_SUBSETS ? face->fd : -1;
  bool ok = ep_ttf_subset_read(data, len, face->index, cps, gids, n, SUBSET_GLYPHS_MAX, fd >= 0 ? read_at : NULL,
                               &fd, out, out_len);
  free(gids);
  free(sorted);
  return ok;
}

// 'face_subset()' - ep_face_subset(); *OWN true when subset.c cut it.
static bool face_subset(ep_face *face, const uint32_t *cps, size_t n, unsigned char **out, size_t *out_len,
                        bool *own) {
  *out = NULL;
  *out_len = 0;
  *own = false;
  if (!face || face->state != FACE_OK || (n && !cps))
    return false;
  if ((*own = own_subset(face, cps, n, out, out_len)))
    return true;
  return ep_hb_face_subset(face_hb(face), cps, n, keep_tables, sizeof keep_tables / sizeof keep_tables[0],
                           SUBSET_GLYPHS_MAX, out, out_len);
}

// 'ep_face_subset()' - A standalone TrueType subset of FACE for CPS.
bool ep_face_subset(ep_face *face, const uint32_t *cps, size_t n, unsigned char **out,
                    size_t *out_len) {
  bool own;
  return face_subset(face, cps, n, out, out_len, &own);
}

// 'ep_face_warm()' - Pay FACE's first-subset costs now: a small subset,
// discarded; nothing for a face subset.c cuts (its first subset costs little
// more than a later one, and the warm-up would take the core of the helper
// that cuts the body font meanwhile: the example 0.07-0.16 ms slower).
void ep_face_warm(ep_face *face) {
  if (face && face->data && ep_ttf_subset_handles(face->data, face->data_len, face->index))
    return;
  // Digits, common marks and a few ideographs: enough to map the pages of
  // the tables every subset reads (and, for a face subset.c does not
  // handle, to build HarfBuzz's table accelerators).
  static const uint32_t cps[] = {0x30,   0x31,   0x32,   0x35,   0x39,   0x3001, 0x3002, 0x4E00,
                                 0x4E0A, 0x4E2D, 0x5E74, 0x6708, 0x65E5, 0x91D1, 0x9879, 0xFF0C};
  unsigned char *blob = NULL;
  size_t len = 0;
  if (face && face->state == FACE_OK && ep_face_subset(face, cps, sizeof cps / sizeof *cps, &blob, &len))
    free(blob); // through subset.c when it handles the face, else hb-subset
}

// 'program_find()' - The cached entry of FACE for CPS[0..N-1], or NULL (FACE locked).
static program_entry *program_find(ep_face *face, const uint32_t *cps, size_t n) {
  for (size_t i = 0; i < PROGRAM_CACHE; i++) {
    program_entry *e = &face->programs[i];
    if (e->cps && e->n == n && memcmp(e->cps, cps, n * sizeof *cps) == 0)
      return e;
  }
  return NULL;
}

// 'program_store()' - The entry of FACE for CPS[0..N-1], made in the least
// recently used slot (its old references dropped) when there is none;
// marked used (FACE locked).
static program_entry *program_store(ep_face *face, const uint32_t *cps, size_t n) {
  program_entry *e = program_find(face, cps, n);
  if (!e) {
    e = &face->programs[0];
    for (size_t i = 1; i < PROGRAM_CACHE; i++)
      if (face->programs[i].used < e->used)
        e = &face->programs[i];
    free(e->cps);
    ep_blob_unref(e->raw);
    ep_blob_unref(e->z);
    memset(e, 0, sizeof *e);
    e->cps = ep_xmalloc((n ? n : 1) * sizeof *cps);
    memcpy(e->cps, cps, n * sizeof *cps);
    e->n = n;
  }
  e->used = ++face->clock;
  return e;
}

// 'program_cached()' - A new reference to FACE's cached subset (ZIP false)
// or deflate (ZIP true) for CPS, or NULL when it is not cached.
static ep_blob *program_cached(ep_face *face, const uint32_t *cps, size_t n, bool zip) {
  pthread_mutex_lock(&face->lock);
  program_entry *e = program_find(face, cps, n);
  ep_blob *b = e ? (zip ? e->z : e->raw) : NULL;
  if (b) {
    e->used = ++face->clock;
    ep_blob_ref(b);
  }
  pthread_mutex_unlock(&face->lock);
  return b;
}

// 'program_keep()' - Cache B, FACE's subset (ZIP false) or deflate (ZIP
// true) for CPS, where the entry lacks it; returns the blob to use, with a
// reference the caller owns: B (its reference taken over), or the one
// another thread cached first (B dropped: both hold the same bytes). A
// subset's KEEPABLE is the entry's (program_entry.keepable); for a deflate,
// *KEEPABLE is set to it (NULL: not wanted).
static ep_blob *program_keep(ep_face *face, const uint32_t *cps, size_t n, bool zip, ep_blob *b, bool *keepable) {
  pthread_mutex_lock(&face->lock);
  program_entry *e = program_store(face, cps, n);
  if (!zip && !e->raw)
    e->keepable = keepable && *keepable;
  else if (zip && keepable)
    *keepable = e->keepable;
  ep_blob **slot = zip ? &e->z : &e->raw;
  if (*slot) {
    ep_blob_unref(b);
    b = *slot;
  } else {
    *slot = b;
  }
  ep_blob_ref(b); // the cache's own, or the caller's of the one found
  pthread_mutex_unlock(&face->lock);
  return b;
}

// 'disk_key_ok()' - True when FACE's program for CPS[0..N-1] may be looked
// up on disk: the face has a cache and a mapped file's identity, and CPS is
// sorted and unique (the key's form).
static bool disk_key_ok(const ep_face *face, const uint32_t *cps, size_t n) {
  if (!face->disk || !face->disk_ok)
    return false;
  for (size_t i = 1; i < n; i++)
    if (cps[i] <= cps[i - 1])
      return false;
  return true;
}

// 'ep_face_program_raw()' - The subset of FACE for CPS (cached).
bool ep_face_program_raw(ep_face *face, const uint32_t *cps, size_t n, ep_blob **raw) {
  *raw = NULL;
  if (!face || (n && !cps))
    return false;
  if ((*raw = program_cached(face, cps, n, false)) != NULL)
    return true;
  // Kept on disk by an earlier run: its deflate cached now, and the subset
  // as its length only (a blob without data; subset.c made it, and the
  // writer needs no more of it than that: font.h).
  unsigned char *data, *z;
  size_t len, z_len;
  if (disk_key_ok(face, cps, n) && ep_progcache_get(face->disk, &face->disk_id, cps, n, &len, &z, &z_len)) {
    ep_blob_unref(program_keep(face, cps, n, true, ep_blob_take(z, z_len), NULL));
    bool own = true;
    *raw = program_keep(face, cps, n, false, ep_blob_take(NULL, len), &own);
    return true;
  }
  // Not cached: subset outside the lock (other threads may use the face meanwhile).
  bool own;
  if (!face_subset(face, cps, n, &data, &len, &own))
    return false;
  *raw = program_keep(face, cps, n, false, ep_blob_take(data, len), &own);
  return true;
}

// 'ep_face_program_deflate()' - The deflate of RAW, FACE's subset for CPS (cached).
bool ep_face_program_deflate(ep_face *face, const uint32_t *cps, size_t n, const ep_blob *raw, ep_blob **z) {
  *z = NULL;
  if (!face || (n && !cps) || !raw || !raw->len)
    return false;
  if ((*z = program_cached(face, cps, n, true)) != NULL)
    return true;
  // RAW's length only (read back from disk with its deflate, which has left
  // the face's cache since): the subset is cut again, the same bytes.
  unsigned char *again = NULL;
  size_t again_len = 0;
  bool own;
  if (!raw->data && (!face_subset(face, cps, n, &again, &again_len, &own) || again_len != raw->len)) {
    free(again);
    return false;
  }
  const unsigned char *in = raw->data ? raw->data : again;
  struct libdeflate_compressor *c = libdeflate_alloc_compressor(PROGRAM_LEVEL);
  size_t bound = c ? libdeflate_zlib_compress_bound(c, raw->len) : 0;
  unsigned char *data = c ? ep_xmalloc(bound) : NULL;
  if (data)
    ep_populate(data, bound);
  size_t len = c ? libdeflate_zlib_compress(c, in, raw->len, data, bound) : 0;
  libdeflate_free_compressor(c);
  free(again);
  if (len == 0) {
    free(data);
    return false;
  }
  data = ep_xrealloc(data, len); // gives the bound's tail back (it shrinks in place)
  bool keep = false;
  *z = program_keep(face, cps, n, true, ep_blob_take(data, len), &keep);
  if (keep && *z && disk_key_ok(face, cps, n)) // made by subset.c: kept for the next run
    ep_progcache_put(face->disk, &face->disk_id, cps, n, raw->len, (*z)->data, (*z)->len);
  return true;
}

// 'ep_face_program()' - The font program of FACE for CPS: subset and deflate, cached.
bool ep_face_program(ep_face *face, const uint32_t *cps, size_t n, ep_blob **raw, ep_blob **z) {
  *z = NULL;
  if (!ep_face_program_raw(face, cps, n, raw))
    return false;
  if (ep_face_program_deflate(face, cps, n, *raw, z))
    return true;
  ep_blob_unref(*raw);
  *raw = NULL;
  return false;
}
