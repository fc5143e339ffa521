// Fonts for evalpdf: a font set finds CJK faces by family name or by file,
// groups them into roles ("song", "hei", "kai", "fangsong", "title") with
// per-character fallback, answers coverage and advance questions from a
// per-face cache, and cuts a face down to the characters a document uses
// (subset.c, hb-subset as the fallback) so the PDF writer can embed it.
//
// Only TrueType-outline ('glyf') faces are used: libharu 2.3 cannot embed CFF
// outlines (Noto CJK), so such faces are skipped with a note.
//
// Thread safety. A font set is created once per library context and reused
// for many documents. Every function here may be called from several threads
// at once on the same font set, except ep_fontset_free() (no other call may be
// running). Roles and faces are immutable once ep_fontset_add_role() has
// returned them; the coverage/advance cache fills itself lock-free on hits and
// under a per-face lock on misses. The usual pattern is still: create the set,
// add the roles (single-threaded setup), then render documents in parallel.
//
// Memory: internal allocations abort on out-of-memory (util.h policy). Faces
// and roles are owned by the font set and live until ep_fontset_free().
#ifndef EVALPDF_FONT_H
#define EVALPDF_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

typedef struct ep_blob ep_blob; // shared immutable bytes (util.h)

typedef struct ep_fontset ep_fontset; // FreeType library, fontconfig config, catalog, faces, roles
typedef struct ep_face ep_face;       // one face of one font file (TTC face index)
typedef struct ep_role ep_role;       // an ordered list of faces with per-character fallback

// Options for ep_fontset_new(). Start from ep_fontset_options_init().
typedef struct ep_fontset_options {
  const char *font_dir;  // the user's --font-dir DIR, searched first; NULL = none; must exist
  const char *data_dir;  // the project's fonts/ folder, searched next; NULL = none; may be missing
  bool no_system_fonts;  // true: ignore the fonts fontconfig knows (tests, sealed installs)
  const char *cache_dir; // folder of the installed-font list cache (fontcache.h); NULL = none
  const char *fc_user_dir; // the user's fontconfig folder, checked by that cache; NULL = none
  const char *home_dir;    // the user's home (~/.fonts.conf…), checked by that cache; NULL = none
  const char *program_cache_dir; // folder of font programs kept between runs (progcache.h); NULL = none
  bool program_cache_read_only;  // true: programs are read from that folder, never added to it
} ep_fontset_options;

// 'ep_fontset_options_init()' - All fields zero: no extra folders, system fonts on.
void ep_fontset_options_init(ep_fontset_options *opts);

// 'ep_fontset_new()' - Create a font set: one FreeType library, a private
// fontconfig configuration (FcInitLoadConfigAndFonts, never the process-wide
// default), and a catalog of every face in FONT_DIR, DATA_DIR (both scanned
// recursively for .ttf/.ttc/.otf/.otc files) and the installed fonts, in that
// order of precedence. OPTS may be NULL. Problems go to DIAGS (not NULL): an
// unreadable FONT_DIR is an error ("font-dir-unreadable") and fails the call.
// Returns false (and *OUT = NULL) on failure. Free with ep_fontset_free().
bool ep_fontset_new(const ep_fontset_options *opts, ep_diags *diags, ep_fontset **out);

// 'ep_fontset_preload_system()' - Add the installed fonts to FS now when
// the cache of them is valid (a background thread's head start: the layout's
// roles are not known yet); fontconfig itself is never asked here, and a
// missing or stale cache leaves them to the first family that needs them.
void ep_fontset_preload_system(ep_fontset *fs);

// 'ep_fontset_system_loaded()' - True once fontconfig was asked for the
// installed fonts. That happens at most once per set, on the first family
// that no face of the font folders provides (never when every role resolves
// from the folders' files or file paths).
bool ep_fontset_system_loaded(ep_fontset *fs);

// 'ep_fontset_system_cached()' - True when the installed fonts were read from
// the cache in the options' cache_dir rather than from fontconfig.
bool ep_fontset_system_cached(ep_fontset *fs);

// 'ep_fontset_free()' - Free the set with all its faces and roles (NULL is ignored).
void ep_fontset_free(ep_fontset *fs);

// A role definition. Candidates are strings, tried in order:
//  * a font file: "PATH" or "PATH#N" (N = face index in a .ttc, default 0).
//    A string is a file when it contains '/' or ends in .ttf/.ttc/.otf/.otc
//    (before the optional #N). A relative PATH is looked up in FONT_DIR, then
//    DATA_DIR, then the current directory.
//  * otherwise a family-name group: the common names of one face separated by
//    '|', e.g. "FangSong|仿宋|仿宋_GB2312|FangSong_GB2312|STFangsong|华文仿宋".
//    A name matches a face when it equals, ignoring ASCII case, one of the
//    family names the face declares (all languages, as fontconfig lists them
//    in FC_FAMILY). There is no fontconfig substitution: a name no face
//    declares matches nothing. In a .ttc the face whose family matches is
//    chosen; among several matching faces the catalog order wins (font_dir,
//    data_dir, system), then upright before italic, then the weight closest
//    to regular.
// The first candidate that yields a usable face gives the primary face; every
// later usable one is a per-character fallback.
typedef struct ep_role_def {
  const char *name;               // role name, e.g. "fangsong"; unique in the set
  const char *const *candidates;  // ordered candidate strings (see above)
  size_t n_candidates;
  const char *packages;           // Debian packages that would provide a face, for the
                                  // error hint, e.g. "fonts-arphic-gbsn00lp fonts-arphic-uming"
  const char *usage;              // what the role sets, for notes ("body text"); NULL =
                                  // "text in this role"
  const char *file;               // where the role is defined (layout file), for diagnostics;
  unsigned long line;             // NULL / 0 when built in
  // A layout named by a report (style.c): when not NULL, a file candidate is
  // opened only by OPEN_FILE(OPEN_ARG, DIRS, N_DIRS, NAME, &SHOWN) (DIRS: the
  // font folders; returns a descriptor open for reading, or -1 for "missing";
  // *SHOWN: a heap path for messages) and read from that descriptor, never by path.
  int (*open_file)(void *arg, const char *const *dirs, size_t n_dirs, const char *name, char **shown);
  void *open_arg;
  // When not NULL: told of the role's first usable face as soon as it is
  // known, before the other candidates are resolved (called once, with the
  // set locked: it must not call into the set).
  void (*on_first_face)(ep_face *face, void *user);
  void *first_face_user;
} ep_role_def;

// 'ep_fontset_add_role()' - Resolve DEF and register it under DEF->name; DEF
// is copied. Diagnostics go to DIAGS (not NULL; file/line from DEF):
//  * note "font-not-truetype": a matching face has CFF outlines (no 'glyf'
//    table) and is skipped, because libharu needs TrueType outlines;
//  * warning "font-file-unreadable": a named file exists but is not a font
//    FreeType can open (or has no such face index / no Unicode cmap);
//  * note "font-role-substitute": exactly one per role, when the first
//    candidate gave no face and a later one stands in;
//  * error "font-role-missing": no candidate gave a usable face; names the
//    role and DEF->packages. The role is still registered (without faces,
//    for ep_fontset_describe()), *OUT is NULL and false is returned;
//  * error "font-role-duplicate": a role of that name exists (it is kept).
// On success stores the role in *OUT (may be NULL) and returns true.
bool ep_fontset_add_role(ep_fontset *fs, const ep_role_def *def, ep_diags *diags, ep_role **out);

// 'ep_font_default_roles()' - The built-in role definitions (song, hei, kai,
// fangsong, title): the licensed Windows/macOS family group first, then the
// Debian TrueType fonts. Stores the count in *COUNT. Static, borrowed.
const ep_role_def *ep_font_default_roles(size_t *count);

// 'ep_fontset_role()' - The role registered under NAME, or NULL.
ep_role *ep_fontset_role(ep_fontset *fs, const char *name);

// 'ep_role_name()' - The role's name (borrowed).
const char *ep_role_name(const ep_role *role);

// 'ep_role_face_count()' - How many usable faces the role has (0 when it is missing).
size_t ep_role_face_count(const ep_role *role);

// 'ep_role_face()' - Face I of the role (0 = primary), or NULL past the end.
ep_face *ep_role_face(const ep_role *role, size_t i);

// 'ep_role_face_for()' - The first face of ROLE that covers CP, or NULL when
// none does (the layout then draws the primary face's .notdef, or reports it).
ep_face *ep_role_face_for(const ep_role *role, uint32_t cp);

// Vertical metrics of a face. Font units unless noted; y grows upwards.
typedef struct ep_face_metrics {
  int units_per_em;   // head.unitsPerEm
  int ascender;       // hhea ascender (what libharu puts into /Ascent)
  int descender;      // hhea descender (negative)
  int line_gap;       // hhea lineGap
  int ascent;         // ascender in 1/1000 em, truncated toward zero (libharu's /Ascent)
  int descent;        // descender in 1/1000 em, truncated toward zero (libharu's /Descent)
  int typo_ascender;  // OS/2 sTypoAscender, sTypoDescender, sTypoLineGap; 0 without OS/2
  int typo_descender;
  int typo_line_gap;
  int win_ascent;     // OS/2 usWinAscent, usWinDescent (both positive); 0 without OS/2
  int win_descent;
  int y_min;          // head yMin / yMax: the glyph bounding box of the whole font
  int y_max;
  int x_min;          // head xMin / xMax
  int x_max;
  int cap_height;     // OS/2 sCapHeight (version 2 and later), else the hhea ascender
  unsigned fs_type;   // OS/2 fsType (embedding permissions); 0 without OS/2
  bool fixed_pitch;   // post isFixedPitch
  int italic_angle;   // post italicAngle, whole degrees
} ep_face_metrics;

// 'ep_face_path()' - The font file, as an absolute path (borrowed): the path it
// was found under (one face per file and index, whatever the path).
const char *ep_face_path(const ep_face *face);

// 'ep_face_index()' - The face index inside the file (0 for a plain .ttf).
unsigned ep_face_index(const ep_face *face);

// 'ep_face_family()' - The face's first family name (usually the English one), borrowed.
const char *ep_face_family(const ep_face *face);

// 'ep_face_postscript_name()' - The PostScript name ("" when the font has none), borrowed.
const char *ep_face_postscript_name(const ep_face *face);

// 'ep_face_is_truetype()' - True when the face has TrueType ('glyf') outlines.
// Faces handed out by roles always do.
bool ep_face_is_truetype(const ep_face *face);

// 'ep_face_metrics_get()' - The face's vertical metrics (borrowed, immutable).
const ep_face_metrics *ep_face_metrics_get(const ep_face *face);

// 'ep_face_has()' - True when the face's Unicode cmap maps CP to a glyph. Cached.
bool ep_face_has(ep_face *face, uint32_t cp);

// 'ep_face_advance()' - The horizontal advance of CP's glyph in 1/1000 em,
// from the unhinted font-unit advance (size-independent), truncated toward
// zero as libharu 2.3 does for its /W widths: floor(advance * 1000 / upem).
// A character the face does not cover gets the advance of .notdef (glyph 0),
// which is what a PDF viewer would draw. Cached per face in a lazily
// allocated two-level table: a hit is two atomic loads, no lock.
int ep_face_advance(ep_face *face, uint32_t cp);

// 'ep_face_ink()' - The horizontal ink extent of CP's glyph, from its
// unhinted outline, in 1/1000 em from the glyph origin: *X_MIN (left edge of
// the ink) and *X_MAX (right edge). Returns false (both 0) when the face does
// not cover CP or the glyph has no ink. Not cached: callers cache what they need.
bool ep_face_ink(ep_face *face, uint32_t cp, int *x_min, int *x_max);

// 'ep_face_subset()' - Cut FACE down to the characters CPS[0..N-1] (duplicates
// and characters the face lacks are ignored) with subset.c, or with HarfBuzz
// hb-subset for a face subset.c does not handle, and return a standalone
// TrueType font (one face, even from a .ttc) in *OUT
// (malloc'd; the caller free()s it) and its size in *OUT_LEN. The subset holds
// .notdef, the requested glyphs and the components of composite glyphs, with
// glyph ids renumbered from 0 (no retain-gids), and only the tables cmap,
// glyf, loca, hmtx, hhea, head, maxp, name, OS/2 and post (no hinting
// instructions, no glyph names, no layout tables, no EBDT/EBLC/EBSC bitmaps).
// Advances and units per em are unchanged, so ep_face_advance() stays exact.
// Returns false (with *OUT = NULL) when the face is not TrueType, HarfBuzz
// fails, or the subset would have more than 32768 glyphs (libharu 2.3 reads
// composite component ids as signed 16-bit).
//
// Characters above U+FFFF are kept in the subset but libharu 2.3's UTF-8
// encoder turns them into a space: layout must not promise them.
bool ep_face_subset(ep_face *face, const uint32_t *cps, size_t n, unsigned char **out,
                    size_t *out_len);

// 'ep_face_program()' - The embeddable font program of FACE for the sorted,
// unique code points CPS[0..N-1]: the subset of ep_face_subset() in *RAW
// (its length only, no data, when read back from the disk cache:
// ep_face_program_raw()) and its zlib-format deflate (libdeflate level 1, ready for a /FlateDecode
// stream) in *Z, each a new reference to a shared, immutable blob the caller
// drops with ep_blob_unref(). The last four programs of each face are cached,
// so the documents of a batch that use the same characters subset and
// compress once, and share the bytes. Thread-safe: the subsetting runs
// outside the face's lock.
bool ep_face_program(ep_face *face, const uint32_t *cps, size_t n, ep_blob **raw, ep_blob **z);

// 'ep_face_warm()' - Do now, on the calling thread, the one-time work of
// FACE's first subset when hb-subset makes it (opening its HarfBuzz face,
// HarfBuzz's table accelerators, reading the tables), so that a later
// ep_face_program() of a real document is faster. The result is discarded.
// Thread-safe; NULL and unusable faces, and faces subset.c cuts, are ignored.
void ep_face_warm(ep_face *face);

// 'ep_face_program_raw()' - The first half of ep_face_program(): the subset
// alone in *RAW (a new reference the caller drops), from the same cache.
// When the program was kept on disk by an earlier run (its deflate read
// back), *RAW has no data, only the subset's length: such a subset is
// subset.c's, whose glyph 1 + i draws the i-th of CPS. Thread-safe.
bool ep_face_program_raw(ep_face *face, const uint32_t *cps, size_t n, ep_blob **raw);

// 'ep_face_program_deflate()' - The second half of ep_face_program(): the
// deflate of RAW, which must be what ep_face_program_raw() gave for FACE and
// CPS[0..N-1], in *Z (a new reference the caller drops), from the same
// cache. Thread-safe: two threads may subset one face and deflate another at
// the same time.
bool ep_face_program_deflate(ep_face *face, const uint32_t *cps, size_t n, const ep_blob *raw, ep_blob **z);

// How one candidate of a role resolved, for `evalpdf fonts`.
typedef enum ep_font_cand_status {
  EP_FONT_CAND_PRIMARY = 0,  // gave the role's primary face
  EP_FONT_CAND_FALLBACK,     // gave a per-character fallback face
  EP_FONT_CAND_REPEAT,       // gave a face an earlier candidate already gave
  EP_FONT_CAND_MISSING,      // no such family / file
  EP_FONT_CAND_NOT_TRUETYPE, // found, but CFF outlines only (skipped)
  EP_FONT_CAND_UNREADABLE    // found, but FreeType cannot use it
} ep_font_cand_status;

typedef struct ep_font_cand_info {
  const char *role;           // role name
  size_t index;               // 0-based position in the role's candidate list
  const char *candidate;      // the candidate string as defined
  ep_font_cand_status status;
  const char *file;           // the face's file, or NULL (MISSING)
  int face_index;             // the face index, or -1 (MISSING)
  const char *family;         // the face's first family name, or NULL (MISSING)
} ep_font_cand_info;

// Called once per candidate; return false to stop.
typedef bool (*ep_font_cand_cb)(const ep_font_cand_info *info, void *user);

// 'ep_fontset_describe()' - Call CB for every candidate of every role, roles
// in the order they were added. All strings are borrowed for the call.
void ep_fontset_describe(ep_fontset *fs, ep_font_cand_cb cb, void *user);

// 'ep_fontset_describe_text()' - The same as text, one line per candidate:
// "ROLE<TAB>N<TAB>CANDIDATE<TAB>STATUS<TAB>FILE#INDEX<TAB>FAMILY\n" (N from 1;
// FILE#INDEX and FAMILY are "-" when missing). Writes at most SIZE bytes
// including the NUL into BUF (BUF may be NULL when SIZE is 0) and returns the
// full length, as snprintf() does.
size_t ep_fontset_describe_text(ep_fontset *fs, char *buf, size_t size);

// 'ep_font_cand_status_name()' - "primary", "fallback", "repeat", "missing",
// "not-truetype" or "unreadable".
const char *ep_font_cand_status_name(ep_font_cand_status status);

#endif
