// A TrueType subsetter for embedding: cuts one face of a 'glyf' font (a
// .ttf, or one face of a .ttc) down to a set of glyphs, for the PDF writer.
// It does in one pass over the tables what hb-subset does for the case that
// matters here, without building HarfBuzz's accelerators: .notdef, then one
// glyph per character in the order given (so that a PDF's CID 1 + i, the
// i-th character, is glyph 1 + i: /CIDToGIDMap /Identity, and no cmap
// table), then the components of composite glyphs (closed over any depth)
// that no character draws, in their original order; hinting instructions
// removed; the tables glyf, loca, hmtx, hhea, head, maxp, name (only the
// English and Macintosh names 0-6), OS/2 and post (format 3).
//
// Every offset and length read from the font is checked against the data;
// a font it does not handle (CFF or variable outlines, a malformed table, a
// component outside the font, too many glyphs) makes it return false, and
// the caller falls back to hb-subset. Pure function of its inputs: no
// globals, no I/O of its own (a caller may read the glyphs for it), safe on
// any thread.
#ifndef EVALPDF_SUBSET_H
#define EVALPDF_SUBSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// 'ep_ttf_subset()' - Subset face INDEX of the font file DATA (LEN bytes) to
// the characters CPS[0..N-1] (ascending, unique), whose glyph ids in that face
// are GIDS[0..N-1] (0: the face lacks it, and the subset's glyph for it is a
// copy of .notdef). The subset's glyph 1 + i draws CPS[i]; it has no cmap. At
// most MAX_GLYPHS glyphs in the result. On success *OUT is a malloc'd
// standalone TrueType font (*OUT_LEN bytes) the caller free()s; on failure
// false with *OUT = NULL.
bool ep_ttf_subset(const unsigned char *data, size_t len, unsigned index, const uint32_t *cps,
                   const uint32_t *gids, size_t n, unsigned max_glyphs, unsigned char **out, size_t *out_len);

// 'ep_subset_read_fn' - Read LEN bytes at offset AT of the font file into
// DST (the caller's buffer); false when they cannot all be read.
typedef bool (*ep_subset_read_fn)(void *user, uint64_t at, size_t len, unsigned char *dst);

// 'ep_ttf_subset_read()' - ep_ttf_subset(), but the kept glyphs' outlines
// are read with READ(USER, ...) from the file that DATA holds, rather than
// through DATA: once each, in offset order, nearby glyphs in one call. For
// a file mapped into memory, where touching some hundreds of scattered pages
// costs more than reading them (on a virtual machine, several times more).
// The other tables are read from DATA. READ NULL: ep_ttf_subset().
bool ep_ttf_subset_read(const unsigned char *data, size_t len, unsigned index, const uint32_t *cps,
                        const uint32_t *gids, size_t n, unsigned max_glyphs, ep_subset_read_fn read, void *user,
                        unsigned char **out, size_t *out_len);

// 'ep_ttf_subset_handles()' - Whether ep_ttf_subset() reads face INDEX of
// DATA (LEN bytes): TrueType outlines, not variable, its tables in bounds.
// (A subset may still fail on a malformed glyph or too many glyphs.)
bool ep_ttf_subset_handles(const unsigned char *data, size_t len, unsigned index);

// 'ep_sfnt_directory()' - Where the table directory of face INDEX of the
// font file DATA (LEN bytes: a .ttf, .otf or one face of a .ttc) starts, in
// *AT (its 12-byte header; the 16-byte records follow), and how many records
// it has, in *N. False when there is no such face or the directory does not
// fit in LEN. Records' own offsets are the caller's to check.
bool ep_sfnt_directory(const unsigned char *data, size_t len, unsigned index, size_t *at, size_t *n);

// 'ep_ttf_cmap_lookup()' - Look up the characters CPS[0..N-1] in the Unicode
// cmap of the single-face TrueType font DATA (LEN bytes; a subset made by
// hb-subset): GIDS[i] is the glyph id of CPS[i], 0 when the
// font does not map it. Reads the (3,10) format-12 subtable when there is one,
// else a (3,1) or (0,*) format-4 one; every offset is checked against LEN.
// False when the font has no such subtable (GIDS untouched).
bool ep_ttf_cmap_lookup(const unsigned char *data, size_t len, const uint32_t *cps, size_t n, uint16_t *gids);

#endif
