// The face record shared by font.c (catalog, faces, roles) and
// font_program.c (subsets and the font program cache): private to the font
// module; everything else sees ep_face through font.h only.
#ifndef EVALPDF_FONT_FACE_H
#define EVALPDF_FONT_FACE_H

#include "font.h"
#include "hbsubset.h"
#include "progcache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#define CP_LIMIT 0x110000u                 // one past the last Unicode code point
#define PAGE_BITS 8                        // cache page = 256 code points
#define PAGE_SIZE (1u << PAGE_BITS)
#define PLANE_BITS 16                      // a plane's table: 256 page pointers (2 KiB)
#define PLANE_PAGES (1u << (PLANE_BITS - PAGE_BITS))
#define PLANE_COUNT (CP_LIMIT >> PLANE_BITS) // 17 plane pointers per face
#define PROGRAM_CACHE 4                    // font programs kept per face (last used)
// libdeflate level of font programs: the body font's deflate is the longest
// step of a render, on the helper's core (level 3: the example -2.9% in
// size, 0.49 ms slower in whole-process time; level 4: -3.6%, slower yet).
#define PROGRAM_LEVEL 1
#define EP_STR_(x) #x
#define EP_STR(x) EP_STR_(x)
// How a program kept on disk was made (progcache.h's salt): the files of the
// code are part of its key too.
#define EP_PROGRAM_SALT "evalpdf " EVALPDF_VERSION ": subset.c, libdeflate level " EP_STR(PROGRAM_LEVEL)

// One cache slot per code point: 0 = not looked up yet, otherwise
// ((advance + 1) << 1) | covered, advance in 1/1000 em (always >= 0).
// Slots come in pages of 256 code points, pages in planes of 65,536.
typedef _Atomic(int32_t) cache_slot;
typedef _Atomic(void *) cache_ref; // a plane's table of cache_ref, or a page of cache_slot

typedef enum face_state { FACE_OK = 0, FACE_NOT_TRUETYPE, FACE_UNREADABLE } face_state;

// One cached font program: the subset for a set of code points, and its deflate.
typedef struct program_entry {
  uint32_t *cps;        // the sorted, unique code points (NULL: empty slot)
  size_t n;
  ep_blob *raw, *z;     // a reference each (NULL: not made yet); holders may keep theirs
  bool keepable;        // raw was cut by subset.c (or read from the disk cache): z may go to the disk cache
  unsigned long used;   // face clock at the last use
} program_entry;

struct ep_face {
  char *path;                     // the file, absolute, as found (a link not resolved)
  dev_t dev;                      // its device and inode (not from_fd): one face per file and index
  ino_t ino;
  unsigned index;                 // face index
  char **families;                // declared family names, first = display name
  size_t n_families;
  char *psname;                   // PostScript name or ""
  face_state state;
  char *error;                    // why FACE_UNREADABLE, else NULL
  ep_face_metrics metrics;
  FT_Face ft;                     // open while FACE_OK, else NULL
  pthread_mutex_t lock;           // guards ft and the creation of hb
  cache_ref planes[PLANE_COUNT];  // each lazily allocated: PLANE_PAGES page pointers
  _Atomic(ep_hb_face *) hb;       // lazily created HarfBuzz face (the fallback subsetter)
  const unsigned char *data;      // the file's bytes: mapped (face_load) or read from a descriptor (face_get_fd)
  size_t data_len;
  bool mapped;                    // data is a mapping (munmap), else malloc'd
  int fd;                         // the mapped file, open for reading glyphs (subsets); else -1
  atomic_uint subsets;            // subsets made by subset.c so far (font_program.c)
  bool from_fd;                   // made by face_get_fd()
  program_entry programs[PROGRAM_CACHE]; // guarded by lock
  ep_progcache *disk;             // the font set's programs kept on disk (NULL: none); not owned
  ep_progcache_face disk_id;      // the file's identity there (a mapped file's only)
  bool disk_ok;                   // disk_id is set
  unsigned long clock;            // guarded by lock
};

#endif
