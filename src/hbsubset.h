// HarfBuzz hb-subset as the fallback subsetter, loaded only when a face
// needs it. subset.c cuts every plain TrueType face; hb-subset is asked only
// for what it refuses (variable fonts, tables it does not parse). The
// library is opened with dlopen() on first use, by soname, so a render that
// never needs it does not pay for mapping and relocating HarfBuzz, GLib and
// Graphite at start-up. No globals: each ep_hb_face holds its own handle
// (dlopen() counts references) and function table.
#ifndef EVALPDF_HBSUBSET_H
#define EVALPDF_HBSUBSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ep_hb_face ep_hb_face; // a HarfBuzz face over borrowed font bytes

// 'ep_hb_face_new()' - A HarfBuzz face for face INDEX of the font DATA (LEN
// bytes, borrowed: they must outlive the face). NULL when HarfBuzz cannot be
// loaded or the face has no glyphs. Free with ep_hb_face_free(); immutable,
// so several threads may subset with it at once.
ep_hb_face *ep_hb_face_new(const unsigned char *data, size_t len, unsigned index);

// 'ep_hb_face_free()' - Free FACE (NULL is fine) and drop its library reference.
void ep_hb_face_free(ep_hb_face *face);

// 'ep_hb_face_subset()' - Cut FACE down to the characters CPS[0..N-1] with
// hb-subset: glyph ids renumbered, hinting dropped, only the tables named in
// KEEP[0..NKEEP-1] (four-letter tags). On success *OUT is a malloc'd
// standalone TrueType font of *OUT_LEN bytes with 1..MAX_GLYPHS glyphs.
bool ep_hb_face_subset(ep_hb_face *face, const uint32_t *cps, size_t n, const char (*keep)[5], size_t nkeep,
                       unsigned max_glyphs, unsigned char **out, size_t *out_len);

// 'ep_hb_version()' - HarfBuzz's version into BUF ("6.0.0"), or "not
// available" when the library cannot be loaded. Returns BUF.
const char *ep_hb_version(char *buf, size_t size);

#endif
