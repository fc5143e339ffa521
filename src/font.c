// Fonts: a catalog of faces (extra font folders + fontconfig), roles resolved
// from family-name groups or files with per-character fallback, and a
// lock-free coverage/advance cache per face. Subsets and font programs for
// embedding are font_program.c's.
// See font.h for the contract and the thread-safety rules.
#if !defined(_XOPEN_SOURCE) || _XOPEN_SOURCE < 700
#undef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 // realpath() (XSI in glibc's view)
#endif
#define _DEFAULT_SOURCE 1 // MADV_POPULATE_READ (populate_tables())
#include "font_face.h"
#include "fontcache.h"
#include "subset.h"

#include "util.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_TRUETYPE_TABLES_H
#include FT_TRUETYPE_TAGS_H

#define DIR_DEPTH_MAX 8                    // how deep font folders are scanned

// Where a catalog entry came from; lower values take precedence.
typedef enum cat_source { SRC_FONT_DIR = 0, SRC_DATA_DIR = 1, SRC_SYSTEM = 2 } cat_source;

// One face the catalog knows, with the family names it declares.
typedef struct cat_entry {
  char *path;         // as found (absolute for fontconfig, DIR/NAME for scanned folders)
  unsigned index;     // face index in the file
  char **families;    // every FC_FAMILY value (all languages), owned
  size_t n_families;
  int weight;         // FC_WEIGHT (80 = regular)
  int slant;          // FC_SLANT (0 = roman)
  cat_source source;
  size_t seq;         // insertion order, for a stable sort
} cat_entry;

// How one candidate of a role resolved.
typedef struct cand_rec {
  char *text;                 // the candidate string
  ep_font_cand_status status;
  ep_face *face;              // the face found (also for NOT_TRUETYPE/UNREADABLE), or NULL
} cand_rec;

struct ep_role {
  char *name;
  ep_face **faces; // usable faces in fallback order; immutable once published
  size_t n_faces;
  cand_rec *cands;
  size_t n_cands;
};

struct ep_fontset {
  pthread_mutex_t lock; // guards faces[], roles[] and FT_Library use (FT_New_Face/FT_Done_Face)
  FT_Library ft;
  char *cache_dir;      // where the list of installed fonts is cached (NULL: not cached)
  ep_progcache *programs; // font programs kept on disk (NULL: none); the faces borrow it
  char *fc_user_dir;    // the user's fontconfig folder (cache validity), or NULL
  char *home_dir;       // the user's home (cache validity), or NULL
  bool system_cached;   // the installed fonts came from that cache
  bool system_wanted;   // installed fonts may be used (not no_system_fonts)
  bool system_loaded;   // fontconfig was asked (once per font set)
  char *dirs[2];        // extra folders for relative file candidates, in order
  size_t n_dirs;
  cat_entry *cat;
  size_t n_cat, cap_cat;
  ep_face **faces;
  size_t n_faces, cap_faces;
  ep_role **roles;
  size_t n_roles, cap_roles;
};

// ---------------------------------------------------------------------------
// Small string helpers

// 'name_eq()' - Compare two UTF-8 names, ignoring ASCII case only.
static bool name_eq(const char *a, const char *b) {
  for (;; a++, b++) {
    unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
    if (ca >= 'A' && ca <= 'Z')
      ca = (unsigned char)(ca + 32);
    if (cb >= 'A' && cb <= 'Z')
      cb = (unsigned char)(cb + 32);
    if (ca != cb)
      return false;
    if (!ca)
      return true;
  }
}

// 'is_ascii()' - True when S has no byte above 0x7F.
static bool is_ascii(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s >= 0x80)
      return false;
  return true;
}

// 'ends_with_ci()' - True when the first N bytes of S end in SUFFIX (ASCII case ignored).
static bool ends_with_ci(const char *s, size_t n, const char *suffix) {
  size_t m = strlen(suffix);
  if (n < m)
    return false;
  for (size_t i = 0; i < m; i++) {
    char c = s[n - m + i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c + 32);
    if (c != suffix[i])
      return false;
  }
  return true;
}

// 'has_font_ext()' - True for .ttf/.ttc/.otf/.otc in the first N bytes of NAME.
static bool has_font_ext(const char *name, size_t n) {
  return ends_with_ci(name, n, ".ttf") || ends_with_ci(name, n, ".ttc") ||
         ends_with_ci(name, n, ".otf") || ends_with_ci(name, n, ".otc");
}

// 'strv_push()' - Append a copy of S to the string list *V (skipping exact duplicates).
static void strv_push(char ***v, size_t *n, const char *s) {
  for (size_t i = 0; i < *n; i++)
    if (strcmp((*v)[i], s) == 0)
      return;
  *v = ep_xrealloc(*v, (*n + 1) * sizeof **v);
  (*v)[(*n)++] = ep_xstrdup(s);
}

// 'strv_free()' - Free a string list.
static void strv_free(char **v, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

// 'path_join()' - DIR + "/" + NAME, newly allocated.
static char *path_join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *p = ep_xmalloc(a + b + 2);
  memcpy(p, dir, a);
  p[a] = '/';
  memcpy(p + a + 1, name, b + 1);
  return p;
}

// 'is_regular_file()' - True when PATH names a readable-looking regular file.
static bool is_regular_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

// 'file_kind()' - What PATH is (one stat): NULL when nothing is there, ""
// for a regular file, else "a folder", "a device", "a FIFO", "a socket" or
// "a special file".
static const char *file_kind(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0)
    return NULL;
  return S_ISREG(st.st_mode)                            ? ""
         : S_ISDIR(st.st_mode)                          ? "a folder"
         : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
         : S_ISFIFO(st.st_mode)                         ? "a FIFO"
         : S_ISSOCK(st.st_mode)                         ? "a socket"
                                                        : "a special file";
}

// 'group_split()' - Split a family group "A|B|C" into trimmed, non-empty names.
static void group_split(const char *group, char ***names, size_t *n) {
  *names = NULL;
  *n = 0;
  const char *p = group;
  while (*p) {
    const char *end = strchr(p, '|');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    const char *s = p;
    while (len && (*s == ' ' || *s == '\t')) {
      s++;
      len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
      len--;
    if (len) {
      char *name = ep_xmalloc(len + 1);
      memcpy(name, s, len);
      name[len] = 0;
      strv_push(names, n, name);
      free(name);
    }
    p = end ? end + 1 : p + strlen(p);
  }
}

// 'cand_is_file()' - True when candidate TEXT names a file rather than a family group.
static bool cand_is_file(const char *text) {
  if (strchr(text, '/'))
    return true;
  size_t n = strlen(text);
  const char *hash = strrchr(text, '#');
  if (hash && hash[1] && strspn(hash + 1, "0123456789") == strlen(hash + 1))
    n = (size_t)(hash - text);
  return has_font_ext(text, n);
}

// 'cand_split_file()' - Split "PATH#N" into a new PATH string and N (0 without "#N").
static char *cand_split_file(const char *text, unsigned *index) {
  *index = 0;
  const char *hash = strrchr(text, '#');
  size_t n = strlen(text);
  if (hash && hash[1] && strlen(hash + 1) <= 5 &&
      strspn(hash + 1, "0123456789") == strlen(hash + 1)) {
    *index = (unsigned)strtoul(hash + 1, NULL, 10);
    n = (size_t)(hash - text);
  }
  char *path = ep_xmalloc(n + 1);
  memcpy(path, text, n);
  path[n] = 0;
  return path;
}

// 'cand_display()' - Append a short human name for a candidate: a group shows
// its first Chinese name and its first Latin name, "仿宋 (FangSong)"; a file
// shows its path.
static void cand_display(ep_buf *b, const char *text) {
  if (cand_is_file(text)) {
    ep_buf_puts(b, text);
    return;
  }
  char **names;
  size_t n;
  group_split(text, &names, &n);
  const char *local = NULL, *latin = NULL;
  for (size_t i = 0; i < n; i++) {
    if (!local && !is_ascii(names[i]))
      local = names[i];
    if (!latin && is_ascii(names[i]))
      latin = names[i];
  }
  if (local && latin)
    ep_buf_printf(b, "%s (%s)", local, latin);
  else
    ep_buf_puts(b, local ? local : latin ? latin : "(empty family group)");
  strv_free(names, n);
}

// 'face_display()' - Append "Family (/path/file.ttc#N)" for FACE (#N only when N > 0).
static void face_display(ep_buf *b, const ep_face *face) {
  ep_buf_printf(b, "%s (%s", ep_face_family(face), face->path);
  if (face->index)
    ep_buf_printf(b, "#%u", face->index);
  ep_buf_putc(b, ')');
}

// ---------------------------------------------------------------------------
// Catalog

// 'pattern_families()' - Append every FC_FAMILY value of P to the list *V.
static void pattern_families(FcPattern *p, char ***v, size_t *n) {
  FcChar8 *fam;
  for (int i = 0; FcPatternGetString(p, FC_FAMILY, i, &fam) == FcResultMatch; i++)
    strv_push(v, n, (const char *)fam);
}

// 'catalog_add()' - Add face F (its strings move into the catalog) from SOURCE.
static void catalog_add(ep_fontset *fs, ep_sysfont *f, cat_source source) {
  cat_entry e = {0};
  e.families = f->families;
  e.n_families = f->n_families;
  e.path = f->path;
  e.index = f->index;
  e.weight = f->weight;
  e.slant = f->slant;
  memset(f, 0, sizeof *f);
  e.source = source;
  e.seq = fs->n_cat;
  if (fs->n_cat == fs->cap_cat) {
    fs->cap_cat = fs->cap_cat ? 2 * fs->cap_cat : 64;
    fs->cat = ep_xrealloc(fs->cat, fs->cap_cat * sizeof *fs->cat);
  }
  fs->cat[fs->n_cat++] = e;
}

// 'catalog_add_file()' - Add every face of the font file PATH.
static void catalog_add_file(ep_fontset *fs, const char *path, cat_source source) {
  FcFontSet *set = FcFontSetCreate();
  if (!set)
    return;
  FcFreeTypeQueryAll((const FcChar8 *)path, (unsigned)-1, NULL, NULL, set);
  for (int i = 0; i < set->nfont; i++) {
    ep_sysfont f; // a scalable sfnt face (TrueType or CFF: CFF ones are kept so a role can say why they are skipped)
    if (ep_sysfont_from_pattern(set->fonts[i], &f))
      catalog_add(fs, &f, source);
  }
  FcFontSetDestroy(set);
}

// 'cmp_str_ptr()' - qsort comparator for an array of char *.
static int cmp_str_ptr(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

// 'catalog_scan_dir()' - Add the font files under DIR (sorted, recursive).
// Returns false when DIR cannot be opened.
static bool catalog_scan_dir(ep_fontset *fs, const char *dir, cat_source source, int depth) {
  DIR *d = opendir(dir);
  if (!d)
    return false;
  char **names = NULL;
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL)
    if (de->d_name[0] != '.') { // names are unique: no strv_push() duplicate scan
      names = ep_xrealloc(names, (n + 1) * sizeof *names);
      names[n++] = ep_xstrdup(de->d_name);
    }
  closedir(d);
  if (n)
    qsort(names, n, sizeof *names, cmp_str_ptr);
  for (size_t i = 0; i < n; i++) {
    char *path = path_join(dir, names[i]);
    struct stat st;
    if (stat(path, &st) == 0) {
      if (S_ISDIR(st.st_mode) && depth < DIR_DEPTH_MAX)
        catalog_scan_dir(fs, path, source, depth + 1);
      else if (S_ISREG(st.st_mode) && has_font_ext(names[i], strlen(names[i])))
        catalog_add_file(fs, path, source);
    }
    free(path);
  }
  strv_free(names, n);
  return true;
}

// 'cmp_cat()' - Catalog order: source, then path, then face index, then insertion.
static int cmp_cat(const void *pa, const void *pb) {
  const cat_entry *a = pa, *b = pb;
  if (a->source != b->source)
    return a->source < b->source ? -1 : 1;
  int c = strcmp(a->path, b->path);
  if (c)
    return c;
  if (a->index != b->index)
    return a->index < b->index ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

// ---------------------------------------------------------------------------
// Fontset

// 'ep_fontset_options_init()' - All fields zero: no extra folders, system fonts on.
void ep_fontset_options_init(ep_fontset_options *opts) { memset(opts, 0, sizeof *opts); }

// 'ep_fontset_new()' - Create the FreeType library, fontconfig config and catalog.
bool ep_fontset_new(const ep_fontset_options *opts, ep_diags *diags, ep_fontset **out) {
  ep_fontset_options none;
  *out = NULL;
  if (!opts) {
    ep_fontset_options_init(&none);
    opts = &none;
  }
  ep_fontset *fs = ep_xcalloc(1, sizeof *fs);
  pthread_mutex_init(&fs->lock, NULL);
  FT_Error err = FT_Init_FreeType(&fs->ft);
  if (err) {
    ep_diag_add(diags, EP_ERROR, NULL, 0, "font-library-failed",
                "FreeType could not be initialised (error %d).", (int)err);
    fs->ft = NULL;
    ep_fontset_free(fs);
    return false;
  }
  if (opts->font_dir) {
    if (!catalog_scan_dir(fs, opts->font_dir, SRC_FONT_DIR, 0)) {
      ep_diag_add(diags, EP_ERROR, NULL, 0, "font-dir-unreadable",
                  "the font folder %s cannot be read.", opts->font_dir);
      ep_fontset_free(fs);
      return false;
    }
    fs->dirs[fs->n_dirs++] = ep_xstrdup(opts->font_dir);
  }
  if (opts->data_dir && catalog_scan_dir(fs, opts->data_dir, SRC_DATA_DIR, 0))
    fs->dirs[fs->n_dirs++] = ep_xstrdup(opts->data_dir);
  fs->system_wanted = !opts->no_system_fonts;
  fs->cache_dir = opts->cache_dir ? ep_xstrdup(opts->cache_dir) : NULL;
  fs->fc_user_dir = opts->fc_user_dir ? ep_xstrdup(opts->fc_user_dir) : NULL;
  fs->home_dir = opts->home_dir ? ep_xstrdup(opts->home_dir) : NULL;
  fs->programs = ep_progcache_new(opts->program_cache_dir, EP_PROGRAM_SALT, !opts->program_cache_read_only);
  if (fs->n_cat)
    qsort(fs->cat, fs->n_cat, sizeof *fs->cat, cmp_cat);
  *out = fs;
  return true;
}

// 'ep_fontset_system_cached()' - True when the installed fonts came from the cache.
bool ep_fontset_system_cached(ep_fontset *fs) {
  pthread_mutex_lock(&fs->lock);
  bool cached = fs->system_cached;
  pthread_mutex_unlock(&fs->lock);
  return cached;
}

// 'ep_fontset_system_loaded()' - True once fontconfig was asked.
bool ep_fontset_system_loaded(ep_fontset *fs) {
  pthread_mutex_lock(&fs->lock);
  bool loaded = fs->system_loaded;
  pthread_mutex_unlock(&fs->lock);
  return loaded;
}

// 'add_system_fonts()' - Add the N installed faces SYS (freed here) to FS's
// catalog, in rank order (FS locked).
static void add_system_fonts(ep_fontset *fs, ep_sysfont *sys, size_t n) {
  for (size_t i = 0; i < n; i++)
    catalog_add(fs, &sys[i], SRC_SYSTEM);
  ep_sysfonts_free(sys, n);
  if (fs->n_cat)
    qsort(fs->cat, fs->n_cat, sizeof *fs->cat, cmp_cat);
}

// 'load_system_fonts()' - Ask fontconfig for the installed fonts, once per
// font set and only when a family is not found among the font folders'
// faces (FS locked): loading fontconfig's configuration is the costliest
// step of starting up, and a layout whose roles all resolve from its own
// files never needs it. Installed faces rank after the folders' faces, so
// loading them late changes no resolution.
static void load_system_fonts(ep_fontset *fs, ep_diags *diags) {
  if (!fs->system_wanted || fs->system_loaded)
    return;
  fs->system_loaded = true;
  ep_sysfont *sys = NULL;
  size_t n = 0;
  ep_sysfont_cache cache = {fs->cache_dir, fs->fc_user_dir, fs->home_dir};
  if (!ep_sysfonts_load(&cache, &sys, &n, &fs->system_cached))
    ep_diag_add(diags, EP_WARNING, NULL, 0, "fontconfig-failed",
                "fontconfig could not load its configuration; installed fonts are not used.");
  add_system_fonts(fs, sys, n);
}

// 'ep_fontset_preload_system()' - Add the installed fonts from a valid cache
// now (see font.h).
void ep_fontset_preload_system(ep_fontset *fs) {
  pthread_mutex_lock(&fs->lock);
  if (fs->system_wanted && !fs->system_loaded) {
    ep_sysfont *sys = NULL;
    size_t n = 0;
    ep_sysfont_cache cache = {fs->cache_dir, fs->fc_user_dir, fs->home_dir};
    if (ep_sysfonts_load_cached(&cache, &sys, &n)) {
      fs->system_loaded = fs->system_cached = true;
      add_system_fonts(fs, sys, n);
    }
  }
  pthread_mutex_unlock(&fs->lock);
}

// 'face_free()' - Release a face: FreeType face, HarfBuzz face, cache pages.
static void face_free(ep_face *f) {
  if (f->ft)
    FT_Done_Face(f->ft);
  ep_hb_face_free(atomic_load(&f->hb));
  for (size_t p = 0; p < PLANE_COUNT; p++) {
    cache_ref *plane = atomic_load(&f->planes[p]);
    if (!plane) // most planes never had a page
      continue;
    for (size_t i = 0; i < PLANE_PAGES; i++)
      free(atomic_load(&plane[i]));
    free(plane);
  }
  for (size_t i = 0; i < PROGRAM_CACHE; i++) {
    free(f->programs[i].cps);
    ep_blob_unref(f->programs[i].raw);
    ep_blob_unref(f->programs[i].z);
  }
  if (f->mapped) // after FT_Done_Face and the HarfBuzz face: both read these bytes
    munmap((void *)f->data, f->data_len);
  else
    free((void *)f->data);
  if (f->fd >= 0)
    close(f->fd);
  pthread_mutex_destroy(&f->lock);
  strv_free(f->families, f->n_families);
  free(f->psname);
  free(f->error);
  free(f->path);
  free(f);
}

// 'role_free()' - Release a role (its faces belong to the font set).
static void role_free(ep_role *r) {
  for (size_t i = 0; i < r->n_cands; i++)
    free(r->cands[i].text);
  free(r->cands);
  free(r->faces);
  free(r->name);
  free(r);
}

// 'ep_fontset_free()' - Free the set with all its faces and roles.
void ep_fontset_free(ep_fontset *fs) {
  if (!fs)
    return;
  for (size_t i = 0; i < fs->n_roles; i++)
    role_free(fs->roles[i]);
  free(fs->roles);
  for (size_t i = 0; i < fs->n_faces; i++)
    face_free(fs->faces[i]);
  free(fs->faces);
  for (size_t i = 0; i < fs->n_cat; i++) {
    free(fs->cat[i].path);
    strv_free(fs->cat[i].families, fs->cat[i].n_families);
  }
  free(fs->cat);
  for (size_t i = 0; i < fs->n_dirs; i++)
    free(fs->dirs[i]);
  free(fs->cache_dir);
  free(fs->fc_user_dir);
  free(fs->home_dir);
  ep_progcache_free(fs->programs);
  if (fs->ft)
    FT_Done_FreeType(fs->ft);
  pthread_mutex_destroy(&fs->lock);
  free(fs);
}

// ---------------------------------------------------------------------------
// Faces

// 'face_fail()' - Mark F unusable for the reason MSG and close its FreeType face.
static void face_fail(ep_face *f, face_state state, const char *msg) {
  f->state = state;
  if (msg)
    f->error = ep_xstrdup(msg);
  if (f->ft) {
    FT_Done_Face(f->ft);
    f->ft = NULL;
  }
}

// 'be32()' - The big-endian 32-bit number at P.
static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

// 'populate_tables()' - Map now, in one call per run of pages, the pages of
// the tables of face INDEX of the font file mapped at DATA (LEN bytes) that
// opening it and measuring its characters read (the table directory, head,
// hhea, maxp, OS/2, name, cmap, post's header, hmtx, loca): a page fault
// costs some 15 us on a virtual machine, and these are a few dozen. Only a
// hint: nothing happens where the kernel lacks MADV_POPULATE_READ.
static void populate_tables(const unsigned char *data, size_t len, unsigned index) {
#ifdef MADV_POPULATE_READ
  static const char tags[][5] = {"head", "hhea", "maxp", "OS/2", "name", "cmap", "post", "hmtx", "loca"};
  enum { MAX_RANGES = 16 };
  size_t from[MAX_RANGES + 1], to[MAX_RANGES + 1], n = 0;
  size_t dir, ntables;
  if (!ep_sfnt_directory(data, len, index, &dir, &ntables))
    return;
  from[n] = dir;
  to[n++] = dir + 12 + 16 * ntables;
  for (size_t t = 0; t < ntables && n < MAX_RANGES; t++) {
    const unsigned char *rec = data + dir + 12 + 16 * t;
    for (size_t k = 0; k < sizeof tags / sizeof *tags; k++)
      if (!memcmp(rec, tags[k], 4)) {
        size_t off = be32(rec + 8), size = be32(rec + 12);
        if (k == 6 && size > 32) // post: only its header is read (not the glyph names)
          size = 32;
        if (off < len && size <= len - off && size > 0) {
          from[n] = off;
          to[n++] = off + size;
        }
      }
  }
  for (size_t i = 0; i < n; i++) { // in file order, runs less than 64 KiB apart merged
    for (size_t j = i + 1; j < n; j++)
      if (from[j] < from[i]) {
        size_t a = from[i], b = to[i];
        from[i] = from[j], to[i] = to[j];
        from[j] = a, to[j] = b;
      }
  }
  for (size_t i = 0; i < n;) {
    size_t a = from[i], b = to[i++];
    while (i < n && from[i] <= b + (64u << 10)) {
      if (to[i] > b)
        b = to[i];
      i++;
    }
    ep_populate_read(data + a, b - a);
  }
#else
  (void)data;
  (void)len;
  (void)index;
#endif
}

// 'map_file()' - Map F's file read-only into F->data (left NULL when it
// cannot be opened or mapped, or is empty or too big), the file kept open
// in F->fd.
static void map_file(ep_face *f) {
  int fd = open(f->path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0)
    return;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size <= EP_MAX_FONT_BYTES) {
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p != MAP_FAILED) {
      f->data = p;
      f->data_len = (size_t)st.st_size;
      f->mapped = true;
      f->fd = fd; // kept: subsets read their glyphs with it (ep_face_program_raw())
      f->disk_id = (ep_progcache_face){(uint64_t)st.st_dev,     (uint64_t)st.st_ino,     (uint64_t)st.st_size,
                                       st.st_mtim.tv_sec,         st.st_mtim.tv_nsec,      st.st_ctim.tv_sec,
                                       st.st_ctim.tv_nsec,        f->index};
      f->disk_ok = true;
      populate_tables(f->data, f->data_len, f->index);
      return;
    }
  }
  close(fd);
}

// 'face_load()' - Open F with FreeType (FS locked), check it is usable and read its metrics.
static void face_load(ep_fontset *fs, ep_face *f) {
  FT_Open_Args args = {.flags = FT_OPEN_PATHNAME, .pathname = f->path};
  // A file found by path is mapped once, and FreeType, the subsetters and
  // HarfBuzz read the same mapping (two would count every page they both
  // touch twice in the resident set, and fault it in twice). No mapping:
  // FreeType opens the path (and says why it cannot).
  if (!f->data && !f->from_fd)
    map_file(f);
  if (f->data || f->from_fd) { // read from memory: FreeType never opens the path
    args = (FT_Open_Args){.flags = FT_OPEN_MEMORY, .memory_base = f->data, .memory_size = (FT_Long)f->data_len};
  }
  FT_Error err = FT_Open_Face(fs->ft, &args, (FT_Long)f->index, &f->ft);
  if (err) {
    f->ft = NULL;
    char msg[160];
    FT_Face probe;
    if (f->index > 0 && FT_Open_Face(fs->ft, &args, -1, &probe) == 0) {
      snprintf(msg, sizeof msg, "it has no face #%u (it has %ld face%s)", f->index,
               (long)probe->num_faces, probe->num_faces == 1 ? "" : "s");
      FT_Done_Face(probe);
    } else {
      snprintf(msg, sizeof msg, "FreeType cannot open it as a font (error %d)", (int)err);
    }
    face_fail(f, FACE_UNREADABLE, msg);
    return;
  }
  if (!FT_IS_SFNT(f->ft)) {
    face_fail(f, FACE_UNREADABLE, "it is not a TrueType/OpenType font");
    return;
  }
  // With a NULL buffer and *length == 0, FT_Load_Sfnt_Table() only reports the size.
  FT_ULong glyf_len = 0, loca_len = 0;
  if (FT_Load_Sfnt_Table(f->ft, TTAG_glyf, 0, NULL, &glyf_len) != 0 ||
      FT_Load_Sfnt_Table(f->ft, TTAG_loca, 0, NULL, &loca_len) != 0) {
    face_fail(f, FACE_NOT_TRUETYPE, NULL);
    return;
  }
  if (FT_Select_Charmap(f->ft, FT_ENCODING_UNICODE) != 0) {
    face_fail(f, FACE_UNREADABLE, "it has no Unicode character map");
    return;
  }
  TT_Header *head = FT_Get_Sfnt_Table(f->ft, FT_SFNT_HEAD);
  TT_HoriHeader *hhea = FT_Get_Sfnt_Table(f->ft, FT_SFNT_HHEA);
  TT_OS2 *os2 = FT_Get_Sfnt_Table(f->ft, FT_SFNT_OS2);
  if (!head || !hhea || f->ft->units_per_EM < 16) {
    face_fail(f, FACE_UNREADABLE, "its head/hhea tables are missing or invalid");
    return;
  }
  ep_face_metrics *m = &f->metrics;
  m->units_per_em = f->ft->units_per_EM;
  m->ascender = hhea->Ascender;
  m->descender = hhea->Descender;
  m->line_gap = hhea->Line_Gap;
  m->ascent = m->ascender * 1000 / m->units_per_em;
  m->descent = m->descender * 1000 / m->units_per_em;
  if (os2 && os2->version != 0xFFFFu) {
    m->typo_ascender = os2->sTypoAscender;
    m->typo_descender = os2->sTypoDescender;
    m->typo_line_gap = os2->sTypoLineGap;
    m->win_ascent = os2->usWinAscent;
    m->win_descent = os2->usWinDescent;
  }
  m->y_min = head->yMin;
  m->y_max = head->yMax;
  m->x_min = head->xMin;
  m->x_max = head->xMax;
  m->cap_height = os2 && os2->version != 0xFFFFu && os2->version >= 2 && os2->sCapHeight > 0 ? os2->sCapHeight
                                                                                           : m->ascender;
  m->fs_type = os2 && os2->version != 0xFFFFu ? os2->fsType : 0;
  TT_Postscript *post = FT_Get_Sfnt_Table(f->ft, FT_SFNT_POST);
  m->fixed_pitch = post && post->isFixedPitch;
  m->italic_angle = post ? (int)(post->italicAngle / 65536) : 0;
  const char *ps = FT_Get_Postscript_Name(f->ft);
  f->psname = ep_xstrdup(ps ? ps : "");
  if (!f->n_families && f->ft->family_name)
    strv_push(&f->families, &f->n_families, f->ft->family_name);
  f->state = FACE_OK;
}

// 'face_find()' - The face already made for PATH#INDEX (FS locked), or NULL.
static ep_face *face_find(ep_fontset *fs, const char *path, unsigned index) {
  for (size_t i = 0; i < fs->n_faces; i++)
    if (fs->faces[i]->index == index && strcmp(fs->faces[i]->path, path) == 0)
      return fs->faces[i];
  return NULL;
}

// 'face_new()' - A new face for PATH (taken over) #INDEX, nothing loaded yet.
static ep_face *face_new(char *path, unsigned index) {
  ep_face *f = ep_xcalloc(1, sizeof *f);
  f->path = path;
  f->index = index;
  f->fd = -1;
  pthread_mutex_init(&f->lock, NULL);
  for (size_t p = 0; p < PLANE_COUNT; p++)
    atomic_init(&f->planes[p], NULL);
  atomic_init(&f->hb, NULL);
  atomic_init(&f->subsets, 0);
  return f;
}

// 'face_keep()' - Load F (face_load()) and add it to FS's faces (FS locked); returns F.
static ep_face *face_keep(ep_fontset *fs, ep_face *f) {
  face_load(fs, f);
  f->disk = fs->programs;
  if (fs->n_faces == fs->cap_faces) {
    fs->cap_faces = fs->cap_faces ? 2 * fs->cap_faces : 16;
    fs->faces = ep_xrealloc(fs->faces, fs->cap_faces * sizeof *fs->faces);
  }
  fs->faces[fs->n_faces++] = f;
  return f;
}

// 'face_get()' - The face for PATH#INDEX (FS locked): an existing one, or a new
// one opened now. FAMILIES (may be NULL) come from the catalog; otherwise they
// are queried from the file. NULL when PATH does not exist.
static ep_face *face_get(ep_fontset *fs, const char *path, unsigned index, char **families,
                         size_t n_families) {
  ep_face *known = face_find(fs, path, index);
  if (known)
    return known;
  // Two names of one file (a symbolic link, a second path) share a face:
  // files are told apart by device and inode, one stat() (realpath() made a
  // readlink() per path component, some 40 per render, on the font thread).
  struct stat st;
  if (stat(path, &st) != 0)
    return NULL;
  for (size_t i = 0; i < fs->n_faces; i++) {
    ep_face *g = fs->faces[i];
    if (!g->from_fd && g->dev == st.st_dev && g->ino == st.st_ino && g->index == index)
      return g;
  }
  char *real = path[0] == '/' ? ep_xstrdup(path) : realpath(path, NULL); // messages show it absolute
  if (!real)
    return NULL;
  ep_face *f = face_new(real, index);
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  if (families) {
    for (size_t i = 0; i < n_families; i++)
      strv_push(&f->families, &f->n_families, families[i]);
  } else {
    int count = 0;
    FcPattern *p = FcFreeTypeQuery((const FcChar8 *)real, index, NULL, &count);
    if (p) {
      pattern_families(p, &f->families, &f->n_families);
      FcPatternDestroy(p);
    }
  }
  return face_keep(fs, f);
}

// 'face_get_fd()' - The face INDEX of the font file open on FD (FS locked; FD
// is closed here): read into memory once, and FreeType and HarfBuzz get those
// bytes, so the file is never opened again by path. SHOWN (taken over) names
// the face in messages and identifies it for reuse.
static ep_face *face_get_fd(ep_fontset *fs, int fd, unsigned index, char *shown) {
  for (size_t i = 0; i < fs->n_faces; i++)
    if (fs->faces[i]->from_fd && fs->faces[i]->index == index && strcmp(fs->faces[i]->path, shown) == 0) {
      close(fd);
      free(shown);
      return fs->faces[i];
    }
  size_t len = 0;
  unsigned char *data = ep_read_fd(fd, EP_MAX_FONT_BYTES, &len); // NULL: not a regular file, too big
  close(fd);
  ep_face *f = face_new(shown, index);
  f->from_fd = true;
  f->data = data; // NULL (length 0): FreeType then reports it unreadable
  f->data_len = data ? len : 0;
  return face_keep(fs, f);
}

// 'ep_face_path()' - The font file (absolute, as found).
const char *ep_face_path(const ep_face *face) { return face->path; }

// 'ep_face_index()' - The face index inside the file.
unsigned ep_face_index(const ep_face *face) { return face->index; }

// 'ep_face_family()' - The first declared family name.
const char *ep_face_family(const ep_face *face) {
  return face->n_families ? face->families[0] : "";
}

// 'ep_face_postscript_name()' - The PostScript name, "" when absent.
const char *ep_face_postscript_name(const ep_face *face) {
  return face->psname ? face->psname : "";
}

// 'ep_face_is_truetype()' - True when the face is usable ('glyf' outlines).
bool ep_face_is_truetype(const ep_face *face) { return face->state == FACE_OK; }

// 'ep_face_metrics_get()' - The face's vertical metrics.
const ep_face_metrics *ep_face_metrics_get(const ep_face *face) { return &face->metrics; }

// 'face_measure()' - Look CP up with FreeType (under the face lock) and encode
// coverage and advance as a cache slot value.
static int32_t face_measure(ep_face *f, uint32_t cp) {
  if (f->state != FACE_OK)
    return 2; // not covered, advance 0
  FT_Fixed adv = 0;
  pthread_mutex_lock(&f->lock);
  FT_UInt gid = cp < CP_LIMIT ? FT_Get_Char_Index(f->ft, cp) : 0;
  if (FT_Get_Advance(f->ft, gid, FT_LOAD_NO_SCALE, &adv) != 0)
    adv = 0;
  pthread_mutex_unlock(&f->lock);
  long width = adv > 0 ? (long)adv * 1000 / f->metrics.units_per_em : 0;
  return (int32_t)(((width + 1) << 1) | (gid != 0));
}

// Zeroed memory is an array of atomic zeros and null pointers wherever these
// atomics are lock-free, plain words.
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2 && ATOMIC_INT_LOCK_FREE == 2,
               "the face cache's atomics are plain words, so zeroed memory initialises them");

// 'atomic_array_new()' - N atomic pointers (or slots when SLOTS), all zero.
// A face's tables are small (a plane 2 KiB, a page 1 KiB) so that the few
// a report uses touch few pages: one table for the whole code space (35
// KiB a face, zeroed by calloc() from reused heap) was some 75 page faults
// of a render of the example.
static void *atomic_array_new(size_t n, bool slots) {
  return ep_xcalloc(n, slots ? sizeof(cache_slot) : sizeof(cache_ref));
}

// 'atomic_table_for()' - The table *REF points to, allocating N zeroed
// entries (slots when SLOTS) on first use; racing threads agree through CAS.
static void *atomic_table_for(cache_ref *ref, size_t n, bool slots) {
  void *t = atomic_load_explicit(ref, memory_order_acquire);
  if (!t) {
    void *fresh = atomic_array_new(n, slots);
    if (atomic_compare_exchange_strong_explicit(ref, &t, fresh, memory_order_acq_rel, memory_order_acquire))
      t = fresh;
    else
      free(fresh);
  }
  return t;
}

// 'cache_slot_for()' - The cache slot of CP (< CP_LIMIT), allocating its
// plane's table and its page on first use.
static cache_slot *cache_slot_for(ep_face *f, uint32_t cp) {
  cache_ref *plane = atomic_table_for(&f->planes[cp >> PLANE_BITS], PLANE_PAGES, false);
  cache_slot *page = atomic_table_for(&plane[(cp >> PAGE_BITS) & (PLANE_PAGES - 1)], PAGE_SIZE, true);
  return &page[cp & (PAGE_SIZE - 1)];
}

// 'face_entry()' - The cache slot value of CP: three atomic loads on a hit,
// FreeType under the face lock on a miss.
static int32_t face_entry(ep_face *f, uint32_t cp) {
  if (cp >= CP_LIMIT)
    return face_measure(f, cp);
  cache_ref *plane = atomic_load_explicit(&f->planes[cp >> PLANE_BITS], memory_order_acquire);
  if (plane) {
    cache_slot *page = atomic_load_explicit(&plane[(cp >> PAGE_BITS) & (PLANE_PAGES - 1)], memory_order_acquire);
    if (page) {
      int32_t v = atomic_load_explicit(&page[cp & (PAGE_SIZE - 1)], memory_order_relaxed);
      if (v)
        return v;
    }
  }
  int32_t v = face_measure(f, cp);
  atomic_store_explicit(cache_slot_for(f, cp), v, memory_order_relaxed);
  return v;
}

// 'ep_face_has()' - True when the face maps CP to a glyph.
bool ep_face_has(ep_face *face, uint32_t cp) { return (face_entry(face, cp) & 1) != 0; }

// 'ep_face_advance()' - CP's advance in 1/1000 em (.notdef's when not covered).
int ep_face_advance(ep_face *face, uint32_t cp) { return (face_entry(face, cp) >> 1) - 1; }

// 'ep_face_ink()' - The horizontal ink extent of CP's glyph in 1/1000 em.
bool ep_face_ink(ep_face *face, uint32_t cp, int *x_min, int *x_max) {
  *x_min = *x_max = 0;
  if (face->state != FACE_OK || cp >= CP_LIMIT)
    return false;
  bool ok = false;
  pthread_mutex_lock(&face->lock);
  FT_UInt gid = FT_Get_Char_Index(face->ft, cp);
  if (gid && FT_Load_Glyph(face->ft, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP) == 0 &&
      face->ft->glyph->metrics.width > 0) {
    long upem = face->metrics.units_per_em, l = face->ft->glyph->metrics.horiBearingX;
    *x_min = (int)(l * 1000 / upem);
    *x_max = (int)((l + face->ft->glyph->metrics.width) * 1000 / upem);
    ok = true;
  }
  pthread_mutex_unlock(&face->lock);
  return ok;
}

// ---------------------------------------------------------------------------
// Roles

// 'find_role()' - The role named NAME (FS locked), or NULL.
static ep_role *find_role(ep_fontset *fs, const char *name) {
  for (size_t i = 0; i < fs->n_roles; i++)
    if (strcmp(fs->roles[i]->name, name) == 0)
      return fs->roles[i];
  return NULL;
}

// 'cmp_match()' - Order matching catalog entries: source, upright, nearest to
// regular weight, then catalog order.
static int cmp_match(const void *pa, const void *pb) {
  const cat_entry *a = *(const cat_entry *const *)pa, *b = *(const cat_entry *const *)pb;
  if (a->source != b->source)
    return a->source < b->source ? -1 : 1;
  if ((a->slant != 0) != (b->slant != 0))
    return a->slant != 0 ? 1 : -1;
  int da = abs(a->weight - FC_WEIGHT_REGULAR), db = abs(b->weight - FC_WEIGHT_REGULAR);
  if (da != db)
    return da < db ? -1 : 1;
  return a < b ? -1 : a > b;
}

// 'entry_matches()' - True when one of E's family names equals one of NAMES.
static bool entry_matches(const cat_entry *e, char **names, size_t n) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < e->n_families; j++)
      if (name_eq(names[i], e->families[j]))
        return true;
  return false;
}

// 'note_not_truetype()' - The note for a skipped CFF face (and MORE others like it).
static void note_not_truetype(ep_diags *diags, const ep_role_def *def, const ep_face *face,
                              size_t more) {
  ep_buf b;
  ep_buf_init(&b);
  ep_buf_printf(&b, "%s#%u", face->path, face->index);
  if (more)
    ep_buf_printf(&b, " and %zu more face%s", more, more == 1 ? "" : "s");
  ep_diag_add(diags, EP_NOTE, def->file, def->line, "font-not-truetype",
              "role %s: skipping %s (%s): it has CFF outlines, but libharu needs TrueType "
              "(glyf) outlines.",
              def->name, ep_face_family(face), ep_buf_str(&b));
  ep_buf_free(&b);
}

// 'warn_unreadable()' - The warning for a font file that cannot be used.
static void warn_unreadable(ep_diags *diags, const ep_role_def *def, const ep_face *face) {
  ep_diag_add(diags, EP_WARNING, def->file, def->line, "font-file-unreadable",
              "role %s: cannot use the font file %s#%u: %s.", def->name, face->path, face->index,
              face->error ? face->error : "unknown error");
}

// 'local_usable()' - True when a face of the font folders (the catalog
// before fontconfig) matching NAMES is usable TrueType (FS locked).
static bool local_usable(ep_fontset *fs, char **names, size_t n_names) {
  for (size_t i = 0; i < fs->n_cat; i++) {
    const cat_entry *e = &fs->cat[i];
    if (!entry_matches(e, names, n_names))
      continue;
    ep_face *f = face_get(fs, e->path, e->index, e->families, e->n_families);
    if (f && f->state == FACE_OK)
      return true;
  }
  return false;
}

// 'resolve_family()' - Resolve family group C->text (FS locked): the first usable
// matching face, or NULL with C->status/C->face saying why.
static ep_face *resolve_family(ep_fontset *fs, const ep_role_def *def, cand_rec *c,
                               ep_diags *diags) {
  char **names;
  size_t n_names;
  group_split(c->text, &names, &n_names);
  if (!fs->system_loaded && !local_usable(fs, names, n_names))
    load_system_fonts(fs, diags);
  const cat_entry **matches = NULL;
  size_t n = 0;
  for (size_t i = 0; i < fs->n_cat; i++)
    if (entry_matches(&fs->cat[i], names, n_names)) {
      matches = ep_xrealloc(matches, (n + 1) * sizeof *matches);
      matches[n++] = &fs->cat[i];
    }
  strv_free(names, n_names);
  if (n > 1)
    qsort(matches, n, sizeof *matches, cmp_match);
  ep_face *found = NULL, *first_cff = NULL, *first_bad = NULL;
  size_t n_cff = 0;
  for (size_t i = 0; i < n && !found; i++) {
    const cat_entry *e = matches[i];
    ep_face *f = face_get(fs, e->path, e->index, e->families, e->n_families);
    if (!f)
      continue;
    if (f->state == FACE_OK) {
      found = f;
    } else if (f->state == FACE_NOT_TRUETYPE) {
      if (!n_cff++)
        first_cff = f;
    } else {
      if (!first_bad)
        first_bad = f;
      warn_unreadable(diags, def, f);
    }
  }
  free(matches);
  if (first_cff)
    note_not_truetype(diags, def, first_cff, n_cff - 1);
  if (found)
    return found;
  c->face = first_cff ? first_cff : first_bad;
  c->status = first_cff ? EP_FONT_CAND_NOT_TRUETYPE
              : first_bad ? EP_FONT_CAND_UNREADABLE
                          : EP_FONT_CAND_MISSING;
  return NULL;
}

// 'resolve_file()' - Resolve file candidate C->text (FS locked): its face when
// usable, or NULL with C->status/C->face saying why.
static ep_face *resolve_file(ep_fontset *fs, const ep_role_def *def, cand_rec *c,
                             ep_diags *diags) {
  unsigned index;
  char *path = cand_split_file(c->text, &index);
  char *found = NULL;
  const char *what = NULL; // what PATH is (file_kind()) when read as named
  ep_face *f = NULL;
  if (def->open_file) { // a layout named by a report: its opener decides, the descriptor is read
    char *shown = NULL;
    int fd = def->open_file(def->open_arg, (const char *const *)fs->dirs, fs->n_dirs, path, &shown);
    if (fd >= 0)
      f = face_get_fd(fs, fd, index, shown ? shown : ep_xstrdup(path));
    else
      free(shown);
  } else if (path[0] == '/') {
    what = file_kind(path);
  } else {
    for (size_t i = 0; i < fs->n_dirs && !found; i++) {
      char *p = path_join(fs->dirs[i], path);
      if (is_regular_file(p))
        found = p;
      else
        free(p);
    }
    if (!found)
      what = file_kind(path);
  }
  if (what && !*what)
    found = ep_xstrdup(path);
  else if (what) { // it is there, but no file to read a font from
    ep_diag_add(diags, EP_WARNING, def->file, def->line, "font-file-unreadable",
                "role %s: cannot use the font file %s: it is %s, not a regular file.", def->name, path, what);
    free(path);
    c->status = EP_FONT_CAND_UNREADABLE;
    return NULL;
  }
  free(path);
  if (found)
    f = face_get(fs, found, index, NULL, 0);
  free(found);
  c->face = f;
  if (!f) {
    c->status = EP_FONT_CAND_MISSING;
    return NULL;
  }
  if (f->state == FACE_OK)
    return f;
  if (f->state == FACE_NOT_TRUETYPE) {
    c->status = EP_FONT_CAND_NOT_TRUETYPE;
    note_not_truetype(diags, def, f, 0);
  } else {
    c->status = EP_FONT_CAND_UNREADABLE;
    warn_unreadable(diags, def, f);
  }
  return NULL;
}

// 'reason_clause()' - Append why candidate C gave no face, for the substitute note.
static void reason_clause(ep_buf *b, const cand_rec *c) {
  bool file = cand_is_file(c->text);
  if (file)
    ep_buf_printf(b, "the font file %s ", c->text);
  else {
    ep_buf_puts(b, "no ");
    cand_display(b, c->text);
  }
  switch (c->status) {
  case EP_FONT_CAND_NOT_TRUETYPE:
    ep_buf_puts(b, file ? "has no TrueType (glyf) outlines"
                        : " font with TrueType (glyf) outlines is installed");
    break;
  case EP_FONT_CAND_UNREADABLE:
    ep_buf_puts(b, file ? "cannot be used" : " font is usable");
    break;
  default:
    ep_buf_puts(b, file ? "does not exist" : " font is installed");
    break;
  }
}

// 'report_missing()' - The error for a role none of whose candidates gave a face.
static void report_missing(ep_diags *diags, const ep_role_def *def) {
  ep_buf tried, fix;
  ep_buf_init(&tried);
  ep_buf_init(&fix);
  for (size_t i = 0; i < def->n_candidates; i++) {
    if (i)
      ep_buf_puts(&tried, ", ");
    cand_display(&tried, def->candidates[i] ? def->candidates[i] : "");
  }
  const char *pk = def->packages;
  if (pk && *pk)
    ep_buf_printf(&fix, "install the Debian package%s %s, or ", strchr(pk, ' ') ? "s" : "", pk);
  ep_buf_puts(&fix, "put a TrueType (glyf) font into --font-dir DIR");
  if (def->n_candidates)
    ep_diag_add(diags, EP_ERROR, def->file, def->line, "font-role-missing",
                "role %s: none of its fonts is installed (tried %s); %s.", def->name,
                ep_buf_str(&tried), ep_buf_str(&fix));
  else
    ep_diag_add(diags, EP_ERROR, def->file, def->line, "font-role-missing",
                "role %s: no fonts are listed for it; %s.", def->name, ep_buf_str(&fix));
  ep_buf_free(&tried);
  ep_buf_free(&fix);
}

// 'role_push_face()' - Add F to R's faces unless it is there already; the status it earned.
static ep_font_cand_status role_push_face(ep_role *r, ep_face *f) {
  for (size_t i = 0; i < r->n_faces; i++)
    if (r->faces[i] == f)
      return EP_FONT_CAND_REPEAT;
  r->faces = ep_xrealloc(r->faces, (r->n_faces + 1) * sizeof *r->faces);
  r->faces[r->n_faces++] = f;
  return r->n_faces == 1 ? EP_FONT_CAND_PRIMARY : EP_FONT_CAND_FALLBACK;
}

// 'ep_fontset_add_role()' - Resolve DEF and register it.
bool ep_fontset_add_role(ep_fontset *fs, const ep_role_def *def, ep_diags *diags, ep_role **out) {
  if (out)
    *out = NULL;
  if (!fs || !def || !def->name || !*def->name || (def->n_candidates && !def->candidates))
    return false;
  pthread_mutex_lock(&fs->lock);
  if (find_role(fs, def->name)) {
    pthread_mutex_unlock(&fs->lock);
    ep_diag_add(diags, EP_ERROR, def->file, def->line, "font-role-duplicate",
                "role %s is defined twice; the first definition is kept.", def->name);
    return false;
  }
  ep_role *r = ep_xcalloc(1, sizeof *r);
  r->name = ep_xstrdup(def->name);
  r->n_cands = def->n_candidates;
  r->cands = ep_xcalloc(r->n_cands ? r->n_cands : 1, sizeof *r->cands);
  bool told = false; // def->on_first_face was called
  for (size_t i = 0; i < r->n_cands; i++) {
    cand_rec *c = &r->cands[i];
    c->text = ep_xstrdup(def->candidates[i] ? def->candidates[i] : "");
    ep_face *f = cand_is_file(c->text) ? resolve_file(fs, def, c, diags)
                                       : resolve_family(fs, def, c, diags);
    if (f) {
      c->face = f;
      c->status = role_push_face(r, f);
      if (r->n_faces == 1 && !told && def->on_first_face) {
        told = true;
        def->on_first_face(r->faces[0], def->first_face_user);
      }
    }
  }
  if (fs->n_roles == fs->cap_roles) {
    fs->cap_roles = fs->cap_roles ? 2 * fs->cap_roles : 8;
    fs->roles = ep_xrealloc(fs->roles, fs->cap_roles * sizeof *fs->roles);
  }
  fs->roles[fs->n_roles++] = r;
  pthread_mutex_unlock(&fs->lock);

  if (!r->n_faces) {
    report_missing(diags, def);
    return false;
  }
  if (r->cands[0].status != EP_FONT_CAND_PRIMARY) {
    ep_buf b;
    ep_buf_init(&b);
    reason_clause(&b, &r->cands[0]);
    ep_buf_printf(&b, "; %s uses ", def->usage ? def->usage : "text in this role");
    face_display(&b, r->faces[0]);
    ep_diag_add(diags, EP_NOTE, def->file, def->line, "font-role-substitute",
                "role %s: %s instead.", def->name, ep_buf_str(&b));
    ep_buf_free(&b);
  }
  if (out)
    *out = r;
  return true;
}

// 'ep_fontset_role()' - The role registered under NAME, or NULL.
ep_role *ep_fontset_role(ep_fontset *fs, const char *name) {
  if (!fs || !name)
    return NULL;
  pthread_mutex_lock(&fs->lock);
  ep_role *r = find_role(fs, name);
  pthread_mutex_unlock(&fs->lock);
  return r;
}

// 'ep_role_name()' - The role's name.
const char *ep_role_name(const ep_role *role) { return role->name; }

// 'ep_role_face_count()' - How many usable faces the role has.
size_t ep_role_face_count(const ep_role *role) { return role ? role->n_faces : 0; }

// 'ep_role_face()' - Face I of the role, or NULL.
ep_face *ep_role_face(const ep_role *role, size_t i) {
  return role && i < role->n_faces ? role->faces[i] : NULL;
}

// 'ep_role_face_for()' - The first face of ROLE that covers CP, or NULL.
ep_face *ep_role_face_for(const ep_role *role, uint32_t cp) {
  if (!role)
    return NULL;
  for (size_t i = 0; i < role->n_faces; i++)
    if (ep_face_has(role->faces[i], cp))
      return role->faces[i];
  return NULL;
}

// ---------------------------------------------------------------------------
// Introspection

// 'ep_font_cand_status_name()' - The status as a short word.
const char *ep_font_cand_status_name(ep_font_cand_status status) {
  switch (status) {
  case EP_FONT_CAND_PRIMARY:
    return "primary";
  case EP_FONT_CAND_FALLBACK:
    return "fallback";
  case EP_FONT_CAND_REPEAT:
    return "repeat";
  case EP_FONT_CAND_MISSING:
    return "missing";
  case EP_FONT_CAND_NOT_TRUETYPE:
    return "not-truetype";
  case EP_FONT_CAND_UNREADABLE:
    return "unreadable";
  }
  return "unknown";
}

// 'ep_fontset_describe()' - Call CB for every candidate of every role.
void ep_fontset_describe(ep_fontset *fs, ep_font_cand_cb cb, void *user) {
  if (!fs || !cb)
    return;
  // Snapshot the role list so CB may call back into the set without deadlock.
  pthread_mutex_lock(&fs->lock);
  size_t n = fs->n_roles;
  ep_role **roles = ep_xmalloc((n ? n : 1) * sizeof *roles);
  if (n)
    memcpy(roles, fs->roles, n * sizeof *roles);
  pthread_mutex_unlock(&fs->lock);
  bool go = true;
  for (size_t i = 0; i < n && go; i++)
    for (size_t j = 0; j < roles[i]->n_cands && go; j++) {
      const cand_rec *c = &roles[i]->cands[j];
      ep_font_cand_info info = {roles[i]->name, j, c->text, c->status, NULL, -1, NULL};
      if (c->face) {
        info.file = c->face->path;
        info.face_index = (int)c->face->index;
        info.family = ep_face_family(c->face);
      }
      go = cb(&info, user);
    }
  free(roles);
}

// 'describe_line()' - ep_fontset_describe() callback: append one text line to the ep_buf USER.
static bool describe_line(const ep_font_cand_info *info, void *user) {
  ep_buf *b = user;
  ep_buf_printf(b, "%s\t%zu\t%s\t%s\t", info->role, info->index + 1, info->candidate,
                ep_font_cand_status_name(info->status));
  if (info->file)
    ep_buf_printf(b, "%s#%d\t%s\n", info->file, info->face_index,
                  info->family && *info->family ? info->family : "-");
  else
    ep_buf_puts(b, "-\t-\n");
  return true;
}

// 'ep_fontset_describe_text()' - The description as text, snprintf()-style.
size_t ep_fontset_describe_text(ep_fontset *fs, char *buf, size_t size) {
  ep_buf b;
  ep_buf_init(&b);
  ep_fontset_describe(fs, describe_line, &b);
  size_t len = b.len;
  if (size) {
    size_t n = len < size - 1 ? len : size - 1;
    if (n)
      memcpy(buf, ep_buf_str(&b), n);
    buf[n] = 0;
  }
  ep_buf_free(&b);
  return len;
}

// ---------------------------------------------------------------------------
// Built-in roles

static const char *const song_cands[] = {
    "SimSun|宋体|NSimSun|新宋体|STSong|华文宋体|Songti SC", "AR PL SungtiL GB|文鼎ＰＬ简报宋",
    "AR PL UMing CN", "WenQuanYi Zen Hei|文泉驿正黑"};
static const char *const hei_cands[] = {
    "SimHei|黑体|STHeiti|华文黑体|Heiti SC", "WenQuanYi Zen Hei|文泉驿正黑|文泉驛正黑",
    "WenQuanYi Micro Hei|文泉驿微米黑", "AR PL UMing CN"};
static const char *const kai_cands[] = {
    "KaiTi|楷体|KaiTi_GB2312|楷体_GB2312|STKaiti|华文楷体|Kaiti SC",
    "AR PL KaitiM GB|文鼎ＰＬ简中楷", "AR PL UKai CN", "AR PL UMing CN"};
static const char *const fangsong_cands[] = {
    "FangSong|仿宋|仿宋_GB2312|FangSong_GB2312|STFangsong|华文仿宋",
    "AR PL SungtiL GB|文鼎ＰＬ简报宋", "AR PL UMing CN", "WenQuanYi Zen Hei|文泉驿正黑"};
static const char *const title_cands[] = {
    "FZXiaoBiaoSong-B05S|方正小标宋简体|方正小标宋_GBK|FZXiaoBiaoSong-B05|方正小标宋",
    "WenQuanYi Zen Hei|文泉驿正黑", "AR PL SungtiL GB|文鼎ＰＬ简报宋", "AR PL UMing CN"};

#define ROLE(name, cands, packages, usage)                                                     \
  { name, cands, sizeof cands / sizeof cands[0], packages, usage, NULL, 0, NULL, NULL, NULL, NULL }

static const ep_role_def default_roles[] = {
    ROLE("song", song_cands, "fonts-arphic-gbsn00lp fonts-arphic-uming", "宋体 text"),
    ROLE("hei", hei_cands, "fonts-wqy-zenhei", "黑体 text"),
    ROLE("kai", kai_cands, "fonts-arphic-gkai00mp fonts-arphic-ukai", "楷体 text"),
    ROLE("fangsong", fangsong_cands, "fonts-arphic-gbsn00lp fonts-arphic-uming", "body text"),
    ROLE("title", title_cands, "fonts-wqy-zenhei fonts-arphic-gbsn00lp", "the title"),
};

// 'ep_font_default_roles()' - The built-in role definitions.
const ep_role_def *ep_font_default_roles(size_t *count) {
  *count = sizeof default_roles / sizeof default_roles[0];
  return default_roles;
}
