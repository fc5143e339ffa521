// Font programs kept on disk between runs: the deflated subset of one face
// for one set of characters, so that a report rendered again with the same
// characters (a figure edited, a total corrected) embeds its fonts without
// cutting and deflating them again. The subset and its deflate are the
// longest steps of a render; a kept one is read and inflated in a fraction
// of that, on the same helper thread.
//
// An entry counts only for the same font file (device, inode, size,
// modification and change times, face index), the same characters, and the
// same program: the files holding evalpdf's code, libdeflate's and
// FreeType's (each by device, inode, size and modification time) and a
// caller's salt (how the program was made). Anything else, or a file that
// does not read back exactly (its CRC-32, its lengths, its key), is a
// miss: the program is made as if there were no cache, so the PDF's bytes
// never depend on it. Files are written atomically (a temporary, then a
// rename), mode 0600, in a folder made 0700; the oldest are removed when the
// folder holds more than EP_PROGCACHE_MAX_FILES or EP_PROGCACHE_MAX_BYTES.
// An entry holds the deflate and the subset's length, which is all the PDF
// writer needs of a subset subset.c made (its glyph 1 + i draws the i-th
// character, so no map is read from it): a hit is one read of the deflate
// and a checksum, not an inflate (0.9 ms for the example's body font) nor a
// read of the subset too (twice the bytes), so the helper is soon free for
// the layout's line breaks.
// Failures to read or write are silent: it is a cache.
//
// Thread-safe: one object serves every thread of a font set.
#ifndef EVALPDF_PROGCACHE_H
#define EVALPDF_PROGCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EP_PROGCACHE_MAX_FILES 128              // entries kept at most
#define EP_PROGCACHE_MAX_BYTES ((size_t)48 << 20) // bytes kept at most

typedef struct ep_progcache ep_progcache;

// The identity of one face of a font file, as its key.
typedef struct ep_progcache_face {
  uint64_t dev, ino, size;
  int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
  uint64_t index; // face index in the file
} ep_progcache_face;

// 'ep_progcache_new()' - A cache in folder DIR (absolute; made when the
// first entry is written), entries of programs made as SALT says (copied);
// WRITE false: entries are only read. NULL when DIR is NULL, empty or
// relative. Free with ep_progcache_free().
ep_progcache *ep_progcache_new(const char *dir, const char *salt, bool write);

// 'ep_progcache_free()' - Free C (NULL is fine).
void ep_progcache_free(ep_progcache *c);

// 'ep_progcache_get()' - The kept program of FACE for the sorted, unique
// code points CPS[0..N-1]: the subset's length in *RAW_LEN and its
// zlib-format deflate in *Z (*Z_LEN bytes, malloc'd and the caller's).
// False (zeros and NULL) on a miss. C NULL: always a miss.
bool ep_progcache_get(ep_progcache *c, const ep_progcache_face *face, const uint32_t *cps, size_t n,
                      size_t *raw_len, unsigned char **z, size_t *z_len);

// 'ep_progcache_put()' - Keep Z (Z_LEN bytes), the zlib-format deflate of
// FACE's subset for CPS[0..N-1] (sorted, unique), a subset of RAW_LEN bytes,
// unless C is NULL or read-only. Removes the oldest entries once per object
// when the folder holds too many.
void ep_progcache_put(ep_progcache *c, const ep_progcache_face *face, const uint32_t *cps, size_t n,
                      size_t raw_len, const unsigned char *z, size_t z_len);

#endif
