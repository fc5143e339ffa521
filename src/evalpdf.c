// Public API: contexts, documents, diagnostics as data, rendering to a file,
// to memory or to a layout dump, and version information.
#define _GNU_SOURCE // dladdr
#include "evalpdf.h"
#include "catalog.h"
#include "display.h"
#include "font.h"
#include "hbsubset.h"
#include "layout.h"
#include "model.h"
#include "pdf.h"
#include "pdf_survey.h"
#include "program.h"
#include "style.h"
#include "thread.h"
#include "wordseg.h"

#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlversion.h>

#define EVALPDF_ABI 3 // 2: evalpdf_options gained data_dir_origin … home_dir; 3: program_cache_dir

// Which version of a file was read: a layout file edited while a context
// lives (another file renamed over it, a new size or modification time) is
// read again by the next load or render that uses it.
typedef struct file_stamp {
  bool ok; // false: the file could not be examined (then every field is 0)
  dev_t dev;
  ino_t ino;
  off_t size;
  long long sec, nsec; // modification time
} file_stamp;

// A layout file parsed once per version (file_stamp) and bound to the
// context's fonts. Never changed after it is built (under the context's
// lock), so documents read it freely; an entry of an older version stays
// until the context is freed (a render on another thread may be using it).
typedef struct style_entry {
  char *path;
  file_stamp stamp; // the version parsed
  ep_style *style; // NULL when it failed to load
  // What building it reported, copied into each render's list after the
  // font list's (the context's font_diags): the layout file's (left out for
  // a document whose load reported them: see bound_style()), the binding's.
  ep_diags parse, bind;
  bool fonts_ok;
} style_entry;

// What loading a layout file reported (without fonts), remembered per
// file and include root: each document's load reports its layout's
// problems (finish_load()), and one context parses each file once.
typedef struct layout_check {
  char *path, *root; // root NULL: opened as named
  file_stamp stamp;  // the version loaded
  ep_diags diags;
} layout_check;

struct evalpdf_context {
  pthread_mutex_t lock; // guards the lazily built font set and the style cache
  ep_fontset *fonts;
  ep_diags font_diags;
  bool fonts_tried;
  style_entry **styles; // entries are allocated one by one: pointers stay valid
  size_t nstyles;
  unsigned flags;
  char *root;
  char *layout_path; // resolved --layout, or NULL
  char *data_dir;
  const char *data_source; // "option", origin, "installed" or "source tree"
  char *origin;            // the data_dir_origin option (heap), or NULL
  char *font_dir;
  char *user_dir; // the user's layout folder (may not exist)
  char *cache_dir; // the installed-font list's cache folder (option), or NULL
  char *program_cache_dir; // the font programs' cache folder (option), or NULL
  char *fc_user_dir; // the user's fontconfig folder (option), or NULL
  char *home_dir;    // the user's home (option), or NULL
  ep_catalog catalog;
  ep_sweeps sweeps;  // output folders swept of stale temporaries lately (guarded internally)
  atomic_bool prep_on; // a prepare thread was started (joined by evalpdf_context_free; a render
                       // may read it on another thread)
  bool prep_early;   // started by evalpdf_context_new() (EVALPDF_OPT_PREPARE): it waits for prep_given
  atomic_bool prep_called; // evalpdf_context_prepare() was called (a render may read it on another thread)
  ep_relay *relay;         // the prepare thread's offer to be the first render's programs helper (program.h)
  pthread_t prep;
  char *prep_path;   // the layout it loads
  file_stamp prep_stamp; // the version of it parsed
  atomic_uint prep_styled;   // 1 once the prepare thread has built its style entry (else 0)
  // 1 once the prepare thread knows its layout's body text face (the first
  // role it binds: body_bound()) or has built its style entry (else 0); the
  // three below are set before it.
  atomic_uint prep_body;
  const ep_style *prep_body_style; // that layout (bound further meanwhile), or NULL
  ep_face *prep_body_face;         // its body text's primary face, or NULL
  bool prep_body_ascii;            // whether its body text has no Latin role (a guess until bound)
  // The layout as evalpdf_context_prepare() parsed it, handed to the prepare
  // thread (which builds the font set meanwhile) under prep_mx.
  pthread_mutex_t prep_mx;
  pthread_cond_t prep_cv;
  bool prep_given;      // an early thread's layout (prep_path, prep_stamp) is set
  bool prep_cancel;     // an early thread gets no layout: the context is being freed
  bool prep_parsed;     // the three below are set
  ep_style *prep_style; // NULL when it failed to load; the thread takes it
  ep_diags prep_diags;  // what parsing reported
  atomic_bool pdf_warm_taken; // a thread has taken on libharu's first-use costs
  atomic_bool ws_warm_taken;  // a thread has taken on opening ICU's word dictionary
  pthread_mutex_t check_mx;   // guards checks (never held while parsing)
  layout_check *checks;
  size_t nchecks;
};

struct evalpdf_document {
  evalpdf_context *ctx;
  ep_report *report;
  evalpdf_status status; // of the load; never changed afterwards
  ep_diags diags;        // the load's diagnostics, then the last render's, sorted
  char *checked, *checked_root; // the layout file (and root) whose problems the load reported, or NULL
  file_stamp checked_stamp;     // the version of it checked
};

// 'evalpdf_version()' - Library version.
const char *evalpdf_version(void) { return EVALPDF_VERSION; }

// 'evalpdf_free()' - Free memory the library handed over.
void evalpdf_free(void *p) { free(p); }

// 'evalpdf_status_string()' - A short phrase for STATUS.
const char *evalpdf_status_string(evalpdf_status status) {
  switch (status) {
  case EVALPDF_OK:
    return "success";
  case EVALPDF_ERR_INPUT:
    return "the input has errors";
  case EVALPDF_ERR_IO:
    return "a file could not be read or written";
  case EVALPDF_ERR_USAGE:
    return "bad options or a broken layout";
  case EVALPDF_ERR_FONT:
    return "no usable font for a role";
  case EVALPDF_ERR_PDF:
    return "the PDF writer failed";
  }
  return "unknown status";
}

// 'is_dir()' - True when PATH is a directory.
static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

// 'is_file()' - True when PATH is a regular file.
static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

// 'has_layouts()' - True when DIR/layouts is a folder (a data directory).
static bool has_layouts(const char *dir) {
  char p[4200];
  snprintf(p, sizeof p, "%s/layouts", dir);
  return is_dir(p);
}

// 'code_path()' - The real path of the file this code was loaded from (the
// shared library, or the program it is linked into), heap, or NULL. For the
// main program dladdr gives only argv[0] (a bare "evalpdf" when run from
// $PATH), so the program's path is read from /proc/self/exe instead.
static char *code_path(void) {
  static const char anchor = 0; // an object of this library, for dladdr (read-only)
  Dl_info info;
  struct link_map *map = NULL;
  if (!dladdr1(&anchor, &info, (void **)&map, RTLD_DL_LINKMAP) || !info.dli_fname)
    return NULL;
  if (map && map->l_name && !map->l_name[0])
    return realpath("/proc/self/exe", NULL);
  return realpath(info.dli_fname, NULL);
}

// 'installed_data_dir()' - The data directory of an installed evalpdf beside
// SELF (code_path()): DIR/../share/evalpdf for SELF's folder DIR, also one
// level further up for multiarch library folders (lib/x86_64-linux-gnu).
// Heap string or NULL.
static char *installed_data_dir(const char *self) {
  char *result = NULL;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", self);
  for (int up = 0; up < 2 && !result; up++) {
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
      break;
    *slash = 0;
    char cand[4096 + 32];
    snprintf(cand, sizeof cand, "%s/../share/evalpdf", dir);
    if (has_layouts(cand))
      result = realpath(cand, NULL);
  }
  return result;
}

// 'in_build_tree()' - True when SELF (code_path()) lies in the build folder
// this code was compiled in: an uninstalled build, which reads the source tree.
static bool in_build_tree(const char *self) {
  size_t n = strlen(EVALPDF_BUILD_DIR);
  return self && n > 1 && !strncmp(self, EVALPDF_BUILD_DIR, n) && self[n] == '/';
}

// 'find_data_dir()' - The data directory and its source by the documented
// order: the option (named ORIGIN, default "option"), beside the installed
// code, the source tree for code still in its build folder (an uninstalled
// build), else the configured install prefix (which may not exist: then no
// layouts are found). An installed library or program never reads the
// source tree. Heap string; *SOURCE is static or ORIGIN.
static char *find_data_dir(const char *option, const char *origin, const char **source) {
  if (option) {
    *source = origin ? origin : "option";
    return ep_xstrdup(option);
  }
  char *self = code_path();
  char *inst = self ? installed_data_dir(self) : NULL;
  bool uninstalled = in_build_tree(self);
  free(self);
  if (inst) {
    *source = "installed";
    return inst;
  }
  if (uninstalled) {
    *source = "source tree";
    return ep_xstrdup(EVALPDF_SOURCE_DATADIR);
  }
  *source = "installed";
  return ep_xstrdup(EVALPDF_INSTALL_DATADIR);
}

// 'evalpdf_options_init()' - Defaults.
void evalpdf_options_init(evalpdf_options *opts) {
  memset(opts, 0, sizeof *opts);
  opts->abi_version = EVALPDF_ABI;
}

// 'evalpdf_render_options_init()' - Defaults: no layout override, no date.
void evalpdf_render_options_init(evalpdf_render_options *opts) {
  memset(opts, 0, sizeof *opts);
  opts->abi_version = EVALPDF_ABI;
  opts->creation_date = -1;
}

// 'lookup_layout()' - The file of layout NAME_OR_PATH given as an option:
// a catalog name, else a readable file. Heap string, or NULL after writing
// the reason (with the available names) into ERR.
static char *lookup_layout(const evalpdf_context *c, const char *l, char *err, size_t err_size) {
  const char *found = ep_layout_is_path(l) ? NULL : ep_catalog_find(&c->catalog, l);
  if (found)
    return ep_xstrdup(found);
  if (is_file(l))
    return realpath(l, NULL);
  if (err) {
    char *names = ep_catalog_names(&c->catalog);
    snprintf(err, err_size, "--layout %s is neither a layout name nor a readable file; available layouts: %s.", l,
             names);
    free(names);
  }
  return NULL;
}

// 'dup_or_null()' - A heap copy of S, or NULL for NULL or "".
static char *dup_or_null(const char *s) { return s && s[0] ? ep_xstrdup(s) : NULL; }

static void *prepare_main(void *arg);

// 'evalpdf_context_new()' - Create a context.
evalpdf_status evalpdf_context_new(const evalpdf_options *opts, evalpdf_context **out, char *err,
                                   size_t err_size) {
  evalpdf_options def;
  if (!opts) {
    evalpdf_options_init(&def);
    opts = &def;
  }
  if (!out)
    return EVALPDF_ERR_USAGE;
  *out = NULL;
  evalpdf_context *c = ep_xcalloc(1, sizeof *c);
  pthread_mutex_init(&c->lock, NULL);
  pthread_mutex_init(&c->prep_mx, NULL);
  pthread_mutex_init(&c->check_mx, NULL);
  pthread_cond_init(&c->prep_cv, NULL);
  ep_diags_init(&c->prep_diags);
  ep_sweeps_init(&c->sweeps);
  c->relay = ep_relay_new();
  c->sweeps.start = ep_thread_start; // a replaced PDF is released on the other core
  ep_diags_init(&c->font_diags);
  c->flags = opts->flags;
  c->root = ep_xstrdup(opts->root);
  c->font_dir = ep_xstrdup(opts->font_dir);
  bool v2 = opts->abi_version >= 2; // the fields after user_layout_dir exist
  c->origin = v2 && opts->data_dir && opts->data_dir_origin ? ep_xstrdup(opts->data_dir_origin) : NULL;
  c->data_dir = find_data_dir(opts->data_dir, c->origin, &c->data_source);
  c->user_dir = dup_or_null(opts->user_layout_dir);
  c->cache_dir = v2 ? dup_or_null(opts->font_cache_dir) : NULL;
  c->fc_user_dir = v2 ? dup_or_null(opts->fontconfig_user_dir) : NULL;
  c->home_dir = v2 ? dup_or_null(opts->home_dir) : NULL;
  c->program_cache_dir = opts->abi_version >= 3 ? dup_or_null(opts->program_cache_dir) : NULL;
  if (opts->flags & EVALPDF_OPT_PREPARE) { // what the font list needs is set above
    c->prep_early = true;                  // read by the thread
    c->prep_on = ep_thread_start(&c->prep, prepare_main, c) == 0;
    if (!c->prep_on)
      c->prep_early = false; // (written only when no thread reads it)
  }
  xmlInitParser(); // thread-safe, idempotent; the parser hooks refuse entities per document
  ep_catalog_init(&c->catalog, c->user_dir, c->data_dir);
  if (opts->root && !is_dir(opts->root)) {
    if (err)
      snprintf(err, err_size, "the include root %s is not a directory.", opts->root);
    evalpdf_context_free(c);
    return EVALPDF_ERR_USAGE;
  }
  if (opts->layout && !(c->layout_path = lookup_layout(c, opts->layout, err, err_size))) {
    evalpdf_context_free(c);
    return EVALPDF_ERR_USAGE;
  }
  *out = c;
  return EVALPDF_OK;
}

// 'prep_end()' - End CTX's prepare thread, if one was started: one still
// waiting for a layout gets none; then join it.
static void prep_end(evalpdf_context *ctx) {
  if (ctx->prep_on && ctx->prep_early) {
    pthread_mutex_lock(&ctx->prep_mx);
    ctx->prep_cancel = true;
    pthread_cond_signal(&ctx->prep_cv);
    pthread_mutex_unlock(&ctx->prep_mx);
  }
  if (ctx->prep_on)
    pthread_join(ctx->prep, NULL);
  ctx->prep_on = false;
}

// 'evalpdf_context_end()' - A context's threads done with it, for an exit (see evalpdf.h).
void evalpdf_context_end(evalpdf_context *ctx) {
  if (!ctx)
    return;
  prep_end(ctx);
  ep_sweeps_stop(&ctx->sweeps);
}

// 'evalpdf_context_free()' - Free a context.
void evalpdf_context_free(evalpdf_context *ctx) {
  if (!ctx)
    return;
  prep_end(ctx);
  ep_relay_free(ctx->relay);
  free(ctx->prep_path);
  for (size_t i = 0; i < ctx->nstyles; i++) {
    free(ctx->styles[i]->path);
    ep_style_free(ctx->styles[i]->style);
    ep_diags_free(&ctx->styles[i]->parse);
    ep_diags_free(&ctx->styles[i]->bind);
    free(ctx->styles[i]);
  }
  free(ctx->styles);
  for (size_t i = 0; i < ctx->nchecks; i++) {
    free(ctx->checks[i].path);
    free(ctx->checks[i].root);
    ep_diags_free(&ctx->checks[i].diags);
  }
  free(ctx->checks);
  pthread_mutex_destroy(&ctx->check_mx);
  ep_fontset_free(ctx->fonts);
  ep_diags_free(&ctx->font_diags);
  ep_catalog_free(&ctx->catalog);
  pthread_mutex_destroy(&ctx->lock);
  ep_style_free(ctx->prep_style);
  ep_diags_free(&ctx->prep_diags);
  pthread_cond_destroy(&ctx->prep_cv);
  pthread_mutex_destroy(&ctx->prep_mx);
  ep_sweeps_free(&ctx->sweeps);
  free(ctx->root);
  free(ctx->layout_path);
  free(ctx->data_dir);
  free(ctx->font_dir);
  free(ctx->user_dir);
  free(ctx->cache_dir);
  free(ctx->program_cache_dir);
  free(ctx->fc_user_dir);
  free(ctx->origin);
  free(ctx->home_dir);
  free(ctx);
}

// 'evalpdf_context_data_dir()' - Data directory and its source.
const char *evalpdf_context_data_dir(const evalpdf_context *ctx, const char **source) {
  if (source)
    *source = ctx ? ctx->data_source : NULL;
  return ctx ? ctx->data_dir : NULL;
}

// 'evalpdf_context_layout_count()' - Number of named layouts.
size_t evalpdf_context_layout_count(const evalpdf_context *ctx) { return ctx ? ctx->catalog.count : 0; }

// 'evalpdf_context_layout()' - Layout I's name, file and source.
int evalpdf_context_layout(const evalpdf_context *ctx, size_t i, const char **name, const char **path,
                           const char **source) {
  if (!ctx || i >= ctx->catalog.count)
    return -1;
  const ep_catalog_entry *e = &ctx->catalog.items[i];
  if (name)
    *name = e->name;
  if (path)
    *path = e->path;
  if (source)
    *source = e->source;
  return 0;
}

// 'evalpdf_context_layouts()' - One line per layout.
void evalpdf_context_layouts(const evalpdf_context *ctx, FILE *out) {
  if (!ctx || !out)
    return;
  size_t width = 0; // names aligned by display width (a user layout may have a Chinese name)
  for (size_t i = 0; i < ctx->catalog.count; i++)
    if (ep_display_width(ctx->catalog.items[i].name) > width)
      width = ep_display_width(ctx->catalog.items[i].name);
  for (size_t i = 0; i < ctx->catalog.count; i++) {
    const ep_catalog_entry *e = &ctx->catalog.items[i];
    ep_print_padded(e->name, width + 2, out);
    fprintf(out, "%s (%s)\n", e->path, e->source);
  }
}

// 'evalpdf_file_is_report()' - Sniff the root element of PATH.
int evalpdf_file_is_report(const char *path) {
  if (!path || !is_file(path))
    return -1;
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  fclose(f);
  // No network, no DTD loading, no entity substitution, no error output.
  xmlTextReaderPtr rd = xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!rd)
    return 0;
  int result = 0;
  while (xmlTextReaderRead(rd) == 1) {
    if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT)
      continue;
    const xmlChar *local = xmlTextReaderConstLocalName(rd);
    result = local && !strcmp((const char *)local, "report") && !xmlTextReaderConstNamespaceUri(rd);
    break;
  }
  xmlFreeTextReader(rd);
  return result;
}

// 'load_options()' - The model's load options for CTX and ROOT.
static ep_load_options load_options(const evalpdf_context *ctx, const char *root) {
  ep_load_options lo;
  memset(&lo, 0, sizeof lo);
  lo.root = root;
  lo.data_dir = ctx->data_dir;
  lo.layout_override = ctx->layout_path;
  lo.layouts = &ctx->catalog;
  return lo;
}

// 'report_layout_root()' - The include root when DOC's own layout file (not
// --layout, not a catalog layout) is used: it is opened beneath the root.
static const char *report_layout_root(const evalpdf_context *ctx, const evalpdf_document *doc) {
  const ep_report *r = doc ? doc->report : NULL;
  if (ctx->layout_path || !r || !r->layout_path || !r->root_real)
    return NULL;
  for (size_t i = 0; i < ctx->catalog.count; i++)
    if (!strcmp(ctx->catalog.items[i].path, r->layout_path))
      return NULL;
  return r->root_real;
}

static char *resolve_layout(evalpdf_context *ctx, const evalpdf_document *doc, const evalpdf_render_options *opts,
                            ep_diags *diags);

// 'same_str()' - Whether A and B are both NULL or equal strings.
static bool same_str(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

// 'stamp_of()' - The version of the file PATH now (not opened: stat() only).
static file_stamp stamp_of(const char *path) {
  file_stamp s;
  memset(&s, 0, sizeof s);
  struct stat st;
  if (stat(path, &st) == 0) {
    s.ok = true;
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.size = st.st_size;
    s.sec = (long long)st.st_mtim.tv_sec;
    s.nsec = st.st_mtim.tv_nsec;
  }
  return s;
}

// 'same_stamp()' - Whether A and B are the same version of a file (two
// failed stamps are: a file still missing is not read again).
static bool same_stamp(const file_stamp *a, const file_stamp *b) {
  return a->ok == b->ok && a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->sec == b->sec &&
         a->nsec == b->nsec;
}

// 'find_check()' - What loading version STAMP of the layout file PATH
// beneath ROOT (NULL: as named) reported, if it is known (CTX->check_mx
// held), else NULL.
static const layout_check *find_check(const evalpdf_context *ctx, const char *path, const char *root,
                                      const file_stamp *stamp) {
  for (size_t i = 0; i < ctx->nchecks; i++)
    if (!strcmp(ctx->checks[i].path, path) && same_str(ctx->checks[i].root, root) &&
        same_stamp(&ctx->checks[i].stamp, stamp))
      return &ctx->checks[i];
  return NULL;
}

// 'remember_check()' - Keep what loading version STAMP of the layout file
// PATH beneath ROOT (NULL: as named) reported, D, unless it is known already.
static void remember_check(evalpdf_context *ctx, const char *path, const char *root, const file_stamp *stamp,
                           const ep_diags *d) {
  pthread_mutex_lock(&ctx->check_mx);
  if (!find_check(ctx, path, root, stamp)) {
    ctx->checks = ep_xrealloc(ctx->checks, (ctx->nchecks + 1) * sizeof *ctx->checks);
    layout_check *c = &ctx->checks[ctx->nchecks++];
    c->path = ep_xstrdup(path);
    c->root = root ? ep_xstrdup(root) : NULL;
    c->stamp = *stamp;
    ep_diags_init(&c->diags);
    ep_diags_append(&c->diags, d);
  }
  pthread_mutex_unlock(&ctx->check_mx);
}

// 'check_layout()' - Append to D what loading the layout file PATH beneath
// ROOT reports, its version now in *STAMP: remembered from an earlier load
// of that version (evalpdf_context_prepare() or another document's), else
// loaded now and remembered.
static void check_layout(evalpdf_context *ctx, const char *path, const char *root, file_stamp *stamp,
                         ep_diags *d) {
  *stamp = stamp_of(path);
  pthread_mutex_lock(&ctx->check_mx);
  const layout_check *known = find_check(ctx, path, root, stamp);
  if (known)
    ep_diags_append(d, &known->diags);
  pthread_mutex_unlock(&ctx->check_mx);
  if (known)
    return;
  ep_diags mine;
  ep_diags_init(&mine);
  ep_style_check(path, root, &mine);
  remember_check(ctx, path, root, stamp, &mine);
  ep_diags_append(d, &mine);
  ep_diags_free(&mine);
}

// 'finish_load()' - Wrap report R into a new document in *OUT and compute its
// status; a layout the report names that has errors gets a note at the
// <report layout> line, since its errors name the layout file.
static evalpdf_status finish_load(evalpdf_context *ctx, ep_report *r, evalpdf_document **out) {
  evalpdf_document *d = ep_xcalloc(1, sizeof *d);
  d->ctx = ctx;
  d->report = r;
  if (r->wellformed) { // the layout is loaded and validated as a render loads it
    d->checked = resolve_layout(ctx, d, NULL, &r->diags);
    const char *root = d->checked ? report_layout_root(ctx, d) : NULL;
    d->checked_root = root ? ep_xstrdup(root) : NULL;
    size_t before = r->diags.errors;
    if (d->checked)
      check_layout(ctx, d->checked, root, &d->checked_stamp, &r->diags);
    if (r->diags.errors > before && !ctx->layout_path && r->layout && r->layout_path &&
        !strcmp(d->checked, r->layout_path))
      ep_diag_add(&r->diags, EP_NOTE, r->path, r->layout_line, "layout-unusable",
                  "<report layout=\"%s\"> names the layout file %s, which has the errors reported for it.", r->layout,
                  r->layout_path);
  }
  ep_diags_sort(&r->diags);
  ep_diags_init(&d->diags);
  ep_diags_append(&d->diags, &r->diags);
  bool strict = ctx->flags & EVALPDF_OPT_STRICT;
  if (r->io_failed)
    d->status = EVALPDF_ERR_IO;
  else if (ep_diags_count_effective(&r->diags, EP_ERROR, strict) || r->diags.oom)
    d->status = EVALPDF_ERR_INPUT;
  else
    d->status = EVALPDF_OK;
  *out = d;
  return d->status;
}

// 'evalpdf_document_load()' - Load and check one report.
evalpdf_status evalpdf_document_load(evalpdf_context *ctx, const char *path, evalpdf_document **out) {
  if (out)
    *out = NULL;
  if (!ctx || !out)
    return EVALPDF_ERR_USAGE;
  ep_load_options lo = load_options(ctx, ctx->root);
  return finish_load(ctx, ep_report_load(path, &lo), out);
}

// 'evalpdf_document_load_memory()' - Load and check a report held in memory.
evalpdf_status evalpdf_document_load_memory(evalpdf_context *ctx, const char *data, size_t len,
                                            const char *name, const char *root,
                                            evalpdf_document **out) {
  if (out)
    *out = NULL;
  if (!ctx || !out || (!data && len))
    return EVALPDF_ERR_USAGE;
  if (!data)
    data = ""; // an empty report (reported as such)
  ep_load_options lo = load_options(ctx, root ? root : ctx->root);
  return finish_load(ctx, ep_report_load_memory(data, len, name ? name : "<memory>", &lo), out);
}

// 'evalpdf_document_free()' - Free a document.
void evalpdf_document_free(evalpdf_document *doc) {
  if (!doc)
    return;
  ep_report_free(doc->report);
  ep_diags_free(&doc->diags);
  free(doc->checked);
  free(doc->checked_root);
  free(doc);
}

// 'evalpdf_document_status()' - Load status.
evalpdf_status evalpdf_document_status(const evalpdf_document *doc) { return doc ? doc->status : EVALPDF_ERR_USAGE; }

// 'evalpdf_document_path()' - The name the document was loaded under.
const char *evalpdf_document_path(const evalpdf_document *doc) { return doc ? doc->report->path : NULL; }

// 'evalpdf_document_meta()' - One <meta> child's text.
const char *evalpdf_document_meta(const evalpdf_document *doc, const char *key) {
  if (!doc)
    return NULL;
  const ep_meta *m = &doc->report->meta;
  static const struct {
    const char *key;
    size_t offset;
  } keys[] = {{"title", offsetof(ep_meta, title)},   {"subtitle", offsetof(ep_meta, subtitle)},
              {"issuer", offsetof(ep_meta, issuer)}, {"year", offsetof(ep_meta, year)},
              {"date", offsetof(ep_meta, date)},     {"region", offsetof(ep_meta, region)}};
  for (size_t i = 0; key && i < sizeof keys / sizeof *keys; i++)
    if (!strcmp(keys[i].key, key))
      return *(const char *const *)((const char *)m + keys[i].offset);
  return NULL;
}

// 'evalpdf_document_input_count()' - The report and its included files.
size_t evalpdf_document_input_count(const evalpdf_document *doc) { return doc ? 1 + doc->report->ninclude : 0; }

// 'evalpdf_document_input()' - Input file I.
const char *evalpdf_document_input(const evalpdf_document *doc, size_t i) {
  if (!doc)
    return NULL;
  if (i == 0)
    return doc->report->path;
  ep_strlist *l = doc->report->includes;
  for (size_t k = 1; l && k < i; k++)
    l = l->next;
  return l ? l->s : NULL;
}

// 'evalpdf_document_counts()' - Printed error/warning counts.
void evalpdf_document_counts(const evalpdf_document *doc, size_t *errors, size_t *warnings) {
  if (!doc) {
    if (errors)
      *errors = 0;
    if (warnings)
      *warnings = 0;
    return;
  }
  bool strict = doc->ctx->flags & EVALPDF_OPT_STRICT;
  if (errors)
    *errors = ep_diags_count_effective(&doc->diags, EP_ERROR, strict);
  if (warnings)
    *warnings = ep_diags_count_effective(&doc->diags, EP_WARNING, strict);
}

// 'evalpdf_diag_count()' - Number of diagnostics.
size_t evalpdf_diag_count(const evalpdf_document *doc) { return doc ? doc->diags.count : 0; }

// 'evalpdf_diag_get()' - One diagnostic as data.
int evalpdf_diag_get(const evalpdf_document *doc, size_t i, evalpdf_diag *out) {
  if (!doc || !out || i >= doc->diags.count)
    return -1;
  const ep_diag_item *it = &doc->diags.items[i];
  out->file = it->file;
  out->line = it->line;
  out->severity = (evalpdf_severity)ep_diag_effective(it, doc->ctx->flags & EVALPDF_OPT_STRICT);
  out->code = it->code;
  out->message = it->message;
  return 0;
}

// 'evalpdf_diag_line()' - One diagnostic as a line of text (see evalpdf.h).
char *evalpdf_diag_line(const evalpdf_diag *d) {
  if (!d)
    return NULL;
  ep_buf b;
  ep_buf_init(&b);
  ep_severity sev = d->severity == EVALPDF_NOTE ? EP_NOTE : d->severity == EVALPDF_WARNING ? EP_WARNING : EP_ERROR;
  ep_diag_line(&b, d->file, d->line, sev, d->message); // never empty: B holds the line
  return b.data;
}

// 'evalpdf_print_diagnostics()' - Text lines or one JSON array for N documents.
void evalpdf_print_diagnostics(evalpdf_document *const *docs, size_t n, int json, FILE *out) {
  ep_diags all;
  ep_diags_init(&all);
  bool strict = false;
  for (size_t i = 0; i < n; i++)
    if (docs[i]) {
      strict = docs[i]->ctx->flags & EVALPDF_OPT_STRICT;
      if (json)
        ep_diags_append(&all, &docs[i]->diags);
      else
        ep_diags_print_text(&docs[i]->diags, strict, out);
    }
  if (json)
    ep_diags_print_json(&all, strict, out);
  ep_diags_free(&all);
}

// 'evalpdf_document_print_summary()' - The check summary.
void evalpdf_document_print_summary(const evalpdf_document *doc, FILE *out) {
  if (!doc || !out)
    return;
  ep_report_summary(doc->report, doc->ctx->flags & EVALPDF_OPT_STRICT, out);
}

// 'evalpdf_document_dump()' - The model dump.
void evalpdf_document_dump(const evalpdf_document *doc, FILE *out) {
  if (doc && out)
    ep_report_dump(doc->report, out);
}

// 'evalpdf_print_versions()' - Versions of evalpdf and its libraries.
void evalpdf_print_versions(const evalpdf_context *ctx, FILE *out) {
  if (!out)
    return;
  fprintf(out, "evalpdf %s\n", EVALPDF_VERSION);
  fprintf(out, "  libharu %s\n", ep_pdf_library_version());
  int xv = atoi(xmlParserVersion);
  fprintf(out, "  libxml2 %d.%d.%d\n", xv / 10000, xv / 100 % 100, xv % 100);
  FT_Library ft;
  if (FT_Init_FreeType(&ft) == 0) {
    FT_Int ma, mi, pa;
    FT_Library_Version(ft, &ma, &mi, &pa);
    fprintf(out, "  FreeType %d.%d.%d\n", ma, mi, pa);
    FT_Done_FreeType(ft);
  }
  char hb[64];
  fprintf(out, "  HarfBuzz %s (hb-subset, loaded when a font needs it)\n", ep_hb_version(hb, sizeof hb));
  const char *src;
  char *own = ctx ? NULL : find_data_dir(NULL, NULL, &src);
  const char *dir = ctx ? evalpdf_context_data_dir(ctx, &src) : own;
  fprintf(out, "  data: %s (%s)\n", dir, src);
  free(own);
}

// 'find_style()' - The cached entry of version STAMP of the layout at PATH,
// or NULL (CTX locked).
static const style_entry *find_style(const evalpdf_context *ctx, const char *path, const file_stamp *stamp) {
  for (size_t i = ctx->nstyles; i-- > 0;) // newest first: an edited file's entry is the last of its path
    if (!strcmp(ctx->styles[i]->path, path) && same_stamp(&ctx->styles[i]->stamp, stamp))
      return ctx->styles[i];
  return NULL;
}

// 'try_fonts()' - Build the context's font set, the first time only (CTX locked).
static void try_fonts(evalpdf_context *ctx) {
  if (ctx->fonts_tried)
    return;
  ctx->fonts_tried = true;
  ep_fontset_options fo;
  ep_fontset_options_init(&fo);
  fo.font_dir = ctx->font_dir;
  fo.cache_dir = ctx->cache_dir;
  fo.fc_user_dir = ctx->fc_user_dir;
  fo.home_dir = ctx->home_dir;
  fo.program_cache_dir = ctx->program_cache_dir;
  fo.program_cache_read_only = (ctx->flags & EVALPDF_OPT_PROGRAM_CACHE_READ_ONLY) != 0;
  char fonts[4096];
  snprintf(fonts, sizeof fonts, "%s/fonts", ctx->data_dir);
  fo.data_dir = fonts;
  if (!ep_fontset_new(&fo, &ctx->font_diags, &ctx->fonts))
    ctx->fonts = NULL;
}

// 'body_bound()' - The prepare thread's hook once its layout ST's body text
// has its primary face FACE (ep_style_bind_fonts_ex()): a render waiting
// for the style may make the body font's hint now (USER: the context). Its
// Latin role is not bound yet: one is assumed when the layout names one.
static void body_bound(const ep_style *st, ep_face *face, void *user) {
  evalpdf_context *ctx = user;
  ctx->prep_body_style = st;
  ctx->prep_body_face = face;
  ctx->prep_body_ascii = !ep_style_names_latin(st->ts[EP_TS_BODY].latin_name);
  atomic_store_explicit(&ctx->prep_body, 1u, memory_order_release);
}

// 'add_style()' - Cache the entry of version STAMP of the layout at PATH
// (CTX locked, its fonts tried): STYLE (taken; NULL: it failed to load), as
// parsing it reported in PARSE, bound to the context's fonts. Without fonts
// the layout is dropped, unused, with what its parsing reported. PREP: the
// prepare thread's layout, whose body face is told to renders as soon as it
// is known (body_bound()).
static const style_entry *add_style(evalpdf_context *ctx, const char *path, const file_stamp *stamp,
                                    ep_style *style, const ep_diags *parse, bool prep) {
  style_entry *e = ep_xcalloc(1, sizeof *e);
  e->path = ep_xstrdup(path);
  e->stamp = *stamp;
  ep_diags_init(&e->parse);
  ep_diags_init(&e->bind);
  if (ctx->fonts) {
    e->style = style;
    ep_diags_append(&e->parse, parse);
    if (e->style)
      e->fonts_ok = ep_style_bind_fonts_ex(e->style, ctx->fonts, &e->bind, prep ? body_bound : NULL, ctx);
  } else {
    ep_style_free(style);
  }
  ctx->styles = ep_xrealloc(ctx->styles, (ctx->nstyles + 1) * sizeof *ctx->styles);
  ctx->styles[ctx->nstyles++] = e;
  return e;
}

// 'get_style()' - The parsed, font-bound layout at PATH: cached, built once
// per version of the file under the context's lock; the entry is never
// changed afterwards. ROOT: the include root when the report names the
// layout file (opened beneath it).
static const style_entry *get_style(evalpdf_context *ctx, const char *path, const char *root) {
  file_stamp stamp = stamp_of(path);
  pthread_mutex_lock(&ctx->lock);
  const style_entry *e = find_style(ctx, path, &stamp);
  if (!e) {
    try_fonts(ctx);
    ep_diags parse;
    ep_diags_init(&parse);
    ep_style *style = ctx->fonts ? ep_style_load_confined(path, root, &parse) : NULL;
    e = add_style(ctx, path, &stamp, style, &parse, false);
    ep_diags_free(&parse);
  }
  pthread_mutex_unlock(&ctx->lock);
  return e;
}

// 'style_faces()' - The faces the roles of style S use (PRIMARY: only each
// role's first face), each once, in role order, into OUT (at most MAX);
// returns how many.
static size_t style_faces(const ep_style *s, bool primary, ep_face **out, size_t max) {
  const ep_role *roles[2 * EP_TS__COUNT + 2];
  size_t nroles = 0, n = 0;
  for (int i = 0; i < EP_TS__COUNT; i++) {
    roles[nroles++] = s->ts[i].role;
    roles[nroles++] = s->ts[i].latin;
  }
  roles[nroles++] = s->pn_role;
  roles[nroles++] = s->header ? s->hd_role : NULL;
  for (size_t r = 0; r < nroles; r++)
    for (size_t k = 0; roles[r] && k < ep_role_face_count(roles[r]) && (!primary || k == 0); k++) {
      ep_face *f = ep_role_face(roles[r], k);
      bool dup = false;
      for (size_t i = 0; i < n && !dup; i++)
        dup = out[i] == f;
      if (!dup && n < max)
        out[n++] = f;
    }
  return n;
}

// 'prepare_main()' - The prepare thread: build the font set while
// evalpdf_context_prepare() parses the layout, then the style entry from
// the two (a render asking for the layout meanwhile waits for the
// context's lock); then, while the caller loads and lays out a document,
// pay the first-subset costs of each primary face hb-subset cuts (the PDF
// writer needs them last; ep_face_warm()), open ICU's Chinese word
// dictionary, and pay libharu's first-use costs.
static void *prepare_main(void *arg) {
  evalpdf_context *ctx = arg;
  if (ctx->prep_early) { // started with the context: the font set first, then the layout
    pthread_mutex_lock(&ctx->lock);
    try_fonts(ctx);
    // The installed fonts too, when their cache is valid: the layout is
    // mostly parsed by then, and a wait for it would cost this thread a
    // wake-up (half a millisecond on a virtual machine).
    if (ctx->fonts)
      ep_fontset_preload_system(ctx->fonts);
    pthread_mutex_unlock(&ctx->lock);
    pthread_mutex_lock(&ctx->prep_mx);
    while (!ctx->prep_given && !ctx->prep_cancel)
      pthread_cond_wait(&ctx->prep_cv, &ctx->prep_mx);
    bool given = ctx->prep_given;
    pthread_mutex_unlock(&ctx->prep_mx);
    if (!given) {
      ep_relay_serve(ctx->relay); // (no render waits: none was prepared)
      return NULL;
    }
  }
  pthread_mutex_lock(&ctx->lock);
  const style_entry *e = find_style(ctx, ctx->prep_path, &ctx->prep_stamp); // a render may have been first
  if (!e)
    try_fonts(ctx);
  pthread_mutex_lock(&ctx->prep_mx);
  while (!ctx->prep_parsed)
    pthread_cond_wait(&ctx->prep_cv, &ctx->prep_mx);
  ep_style *parsed = ctx->prep_style;
  ctx->prep_style = NULL;
  pthread_mutex_unlock(&ctx->prep_mx);
  if (!e)
    e = add_style(ctx, ctx->prep_path, &ctx->prep_stamp, parsed, &ctx->prep_diags, true);
  else
    ep_style_free(parsed);
  pthread_mutex_unlock(&ctx->lock);
  atomic_store(&ctx->prep_body, 1u); // (set already when the body text's roles were bound)
  atomic_store(&ctx->prep_styled, 1u);
  ep_face *faces[64];
  size_t n = e->style && e->fonts_ok ? style_faces(e->style, true, faces, sizeof faces / sizeof *faces) : 0;
  ep_face *body_face = e->style && e->fonts_ok ? ep_layout_body_face(e->style) : NULL;
  for (size_t i = 0; i < n; i++)
    if (faces[i] != body_face) // a render subsets that one during its layout (the body text's hint)
      ep_face_warm(faces[i]);
  if (!atomic_exchange(&ctx->ws_warm_taken, true))
    ep_wordseg_warm();
  if (!atomic_exchange(&ctx->pdf_warm_taken, true))
    ep_pdf_warm();
  ep_relay_serve(ctx->relay); // a render's helper from here, if one waits
  return NULL;
}

static char *resolve_layout(evalpdf_context *ctx, const evalpdf_document *doc, const evalpdf_render_options *opts,
                            ep_diags *diags);

// 'evalpdf_context_prepare()' - Start loading a layout and its fonts in the background.
evalpdf_status evalpdf_context_prepare(evalpdf_context *ctx, const char *layout) {
  if (!ctx)
    return EVALPDF_ERR_USAGE;
  if (atomic_exchange(&ctx->prep_called, true)) // one prepare per context, also when two threads call
    return EVALPDF_OK;
  evalpdf_render_options ro;
  evalpdf_render_options_init(&ro);
  ro.layout = layout;
  ep_diags unused; // a name that is no layout is reported by the renders that use it
  ep_diags_init(&unused);
  char *path = resolve_layout(ctx, NULL, &ro, &unused);
  ep_diags_free(&unused);
  if (!path) {
    atomic_store(&ctx->prep_called, false); // nothing started: a later call may try another name
    return EVALPDF_ERR_USAGE;
  }
  if (ctx->prep_early) { // the thread is running: it reads these once given
    pthread_mutex_lock(&ctx->prep_mx);
    ctx->prep_path = path;
    ctx->prep_stamp = stamp_of(path);
    ctx->prep_given = true;
    pthread_cond_signal(&ctx->prep_cv);
    pthread_mutex_unlock(&ctx->prep_mx);
  } else {
    ctx->prep_path = path;
    ctx->prep_stamp = stamp_of(path); // before the thread starts: it reads the stamp
    if (ep_thread_start(&ctx->prep, prepare_main, ctx) != 0) {
      get_style(ctx, path, NULL); // no thread: load it now
      return EVALPDF_OK;
    }
    ctx->prep_on = true;
  }
  // The layout is parsed here while the thread builds the font set (each
  // takes about a millisecond); the thread binds the two.
  ep_diags parse;
  ep_diags_init(&parse);
  ep_style *style = ep_style_load_confined(path, NULL, &parse);
  remember_check(ctx, path, NULL, &ctx->prep_stamp, &parse); // a document's load reports them from there
  pthread_mutex_lock(&ctx->prep_mx);
  ctx->prep_style = style;
  ep_diags_append(&ctx->prep_diags, &parse);
  ctx->prep_parsed = true;
  pthread_cond_signal(&ctx->prep_cv);
  pthread_mutex_unlock(&ctx->prep_mx);
  ep_diags_free(&parse);
  return EVALPDF_OK;
}

// 'resolve_layout()' - The layout file a render of DOC (NULL: no report) with
// OPTS uses: the render option, else the context's --layout, else the
// report's layout attribute, else "official" (the one place that chooses a
// layout; names and paths are told apart by the catalog). Heap string, or
// NULL after an "unknown-layout" error in DIAGS.
static char *resolve_layout(evalpdf_context *ctx, const evalpdf_document *doc, const evalpdf_render_options *opts,
                            ep_diags *diags) {
  if (opts && opts->layout) {
    char err[1024];
    char *p = lookup_layout(ctx, opts->layout, err, sizeof err);
    if (!p)
      ep_diag_add(diags, EP_ERROR, NULL, 0, "unknown-layout", "%s", err);
    return p;
  }
  if (ctx->layout_path)
    return ep_xstrdup(ctx->layout_path);
  if (doc && doc->report->layout_path)
    return ep_xstrdup(doc->report->layout_path);
  const char *p = ep_catalog_find(&ctx->catalog, "official");
  if (!p) {
    ep_diag_add(diags, EP_ERROR, NULL, 0, "unknown-layout",
                "no layout is named \"official\" in %s/layouts or the user's layout folder; point the data "
                "folder option (the evalpdf program: $EVALPDF_DATA) at evalpdf's data folder.",
                ctx->data_dir);
    return NULL;
  }
  return ep_xstrdup(p);
}

// 'bound_style()' - The layout a render of DOC with OPTS uses, loaded and
// bound to fonts, with what that reported appended to DIAGS. Stores the
// entry in *OUT and returns EVALPDF_OK, or the failure status (*OUT NULL).
static evalpdf_status bound_style(evalpdf_context *ctx, const evalpdf_document *doc,
                                  const evalpdf_render_options *opts, ep_diags *diags, const style_entry **out) {
  *out = NULL;
  char *path = resolve_layout(ctx, doc, opts, diags);
  if (!path)
    return EVALPDF_ERR_USAGE;
  const char *root = opts && opts->layout ? NULL : report_layout_root(ctx, doc);
  const style_entry *e = get_style(ctx, path, root);
  // The layout file's own problems: already in the list of a document
  // whose load reported them (finish_load()), so not twice.
  bool reported = doc && doc->checked && !strcmp(doc->checked, path) && same_str(doc->checked_root, root) &&
                  same_stamp(&doc->checked_stamp, &e->stamp);
  free(path);
  ep_diags_append(diags, &ctx->font_diags); // complete once a style entry exists (try_fonts())
  if (!reported)
    ep_diags_append(diags, &e->parse);
  ep_diags_append(diags, &e->bind);
  if (!ctx->fonts || (e->style && !e->fonts_ok))
    return EVALPDF_ERR_FONT;
  if (!e->style)
    return EVALPDF_ERR_USAGE;
  *out = e;
  return EVALPDF_OK;
}

// 'set_render_diags()' - DOC's list becomes its load diagnostics followed by RENDER's, sorted.
static void set_render_diags(evalpdf_document *doc, const ep_diags *render) {
  ep_diags_free(&doc->diags);
  ep_diags_init(&doc->diags);
  ep_diags_append(&doc->diags, &doc->report->diags);
  ep_diags_append(&doc->diags, render);
  ep_diags_sort(&doc->diags);
}

// The body text's hint for a render (ep_layout_body_hint()) and the
// render's font programs, the pass hook's user data.
typedef struct body_hint {
  ep_face *face; // NULL: none
  uint32_t *cps; // heap, sorted
  size_t n;
  ep_programs *programs; // the render's, or NULL
} body_hint;

// 'run_parallel()' - The layout's parallel runner (ep_layout_par): JOB(ARG,
// i) for each i below N on this thread and the programs' helper (USER).
static void run_parallel(void *user, size_t n, void (*job)(void *arg, size_t i), void *arg) {
  ep_programs_parallel(user, n, job, arg);
}

// 'open_parallel()', 'ready_parallel()', 'close_parallel()' - The layout's
// runner of jobs made one by one (ep_layout_par) on the programs' helper (USER).
static bool open_parallel(void *user, void (*job)(void *arg, size_t i), void *arg) {
  return ep_programs_par_open(user, job, arg);
}
static void ready_parallel(void *user, size_t n) { ep_programs_par_ready(user, n); }
static void close_parallel(void *user, size_t n) { ep_programs_par_close(user, n); }

// 'speculate_pass()' - The layout's pass hook (ep_pass_fn): hand the font
// programs' helper the faces and characters of a pass that another pass
// follows, which (numbered as the last pass will be) most often are the
// final ones: the helper makes those programs during the last pass, and the
// writer finds them in each face's cache (same bytes either way). The
// pass's list is read with the render's hint, so the body face's set is the
// one the writer will make (USER: the render's body_hint).
static void speculate_pass(void *user, const ep_dlist *dl) {
  const body_hint *h = user;
  ep_dlist view = *dl; // a shallow copy, only read: the pass's pages with the hint
  view.hint_face = h->face;
  view.hint_cps = h->cps;
  view.hint_n = h->n;
  ep_face **faces;
  uint32_t **cps;
  size_t *ns;
  size_t n = ep_pdf_font_sets(&view, &faces, &cps, &ns);
  ep_programs_speculate(h->programs, faces, (const uint32_t *const *)cps, ns, n);
  for (size_t i = 0; i < n; i++)
    free(cps[i]);
  free(faces);
  free(cps);
  free(ns);
}

// Where one render goes.
typedef struct render_target {
  const char *path;     // a file ("-" = stdout), or NULL
  FILE *dump;           // the display list as text, or NULL
  unsigned char **data; // a memory buffer, or NULL
  size_t *len;
} render_target;

// 'same_file()' - Whether PATH names the file whose identity is ST.
static bool same_file(const char *path, const struct stat *st) {
  struct stat s;
  return path && stat(path, &s) == 0 && s.st_dev == st->st_dev && s.st_ino == st->st_ino;
}

#define STYLE_SPIN_NS 15000000L // how long a render waits awake for the prepare thread's style

// 'output_is_input()' - Whether the PDF's path OUT (an existing file, reached
// through symbolic links as the writer reaches it) is a file the render of
// DOC with style entry E reads: the report, a file it includes, the layout or
// a font. The PDF would replace it, so that is reported in RD.
static bool output_is_input(const evalpdf_document *doc, const style_entry *e, const char *out, ep_diags *rd) {
  struct stat st;
  if (stat(out, &st) != 0 || !S_ISREG(st.st_mode))
    return false; // a new file, or one the writer does not replace (a device, a pipe)
  const char *what = NULL, *which = NULL;
  const ep_report *r = doc->report;
  if (same_file(r->path, &st))
    what = "the report", which = r->path;
  for (const ep_strlist *l = r->includes; l && !what; l = l->next)
    if (same_file(l->s, &st))
      what = "the included file", which = l->s;
  if (!what && same_file(e->path, &st))
    what = "the layout file", which = e->path;
  ep_face *faces[64];
  size_t n = what ? 0 : style_faces(e->style, false, faces, sizeof faces / sizeof *faces);
  for (size_t i = 0; i < n && !what; i++)
    if (same_file(ep_face_path(faces[i]), &st))
      what = "the font file", which = ep_face_path(faces[i]);
  if (what)
    ep_diag_add(rd, EP_ERROR, r->path, 0, "output-is-input",
                "The PDF '%s' would overwrite %s %s, which this render reads; choose another output file.", out,
                what, which);
  return what != NULL;
}

// 'render()' - Lay out DOC with OPTS and send the result to T; the render's
// diagnostics replace the previous render's. The shared body of the three
// public render functions.
static evalpdf_status render(evalpdf_document *doc, const evalpdf_render_options *opts, const render_target *t) {
  evalpdf_context *ctx = doc->ctx;
  bool strict = ctx->flags & EVALPDF_OPT_STRICT;
  ep_diags rd;
  ep_diags_init(&rd);
  evalpdf_status st = doc->status;
  const style_entry *e = NULL;
  // Before the layout is known (it may still be loading on the prepare
  // thread): the PDF's font programs get their helper thread, so that it is
  // running when there is work for it, and the characters the report may
  // print are gathered for the body font's hint.
  ep_programs *programs = NULL;
  uint32_t *chars = NULL;
  size_t nchars = 0;
  if (st == EVALPDF_OK && !t->dump) {
    // The prepare thread, when it is to finish soon, becomes the helper
    // once done: 0.05-0.1 ms of a thread's start saved here, and no helper
    // waiting beside it on its core meanwhile.
    if (!(ctx->flags & EVALPDF_OPT_SERIAL))
      programs = ctx->prep_on && ctx->prep_called ? ep_programs_new_relayed(ctx->relay) : ep_programs_new(true);
    ep_layout_report_chars(doc->report, &chars, &nchars);
  }
  // The body font's program can start once the prepare thread knows the
  // body text's face (the first role it binds): its hint is made now, and
  // the helper cuts and deflates it while the other roles are bound. The
  // hint is kept when the bound layout is the same and gives the same one.
  ep_face *early_face = NULL;
  uint32_t *early_cps = NULL;
  size_t early_n = 0;
  const ep_style *early_style = NULL;
  bool early_ascii = false;
  if (st == EVALPDF_OK && programs && ctx->prep_on && ctx->prep_called &&
      ep_spin_while(&ctx->prep_body, 0, STYLE_SPIN_NS) &&
      atomic_load_explicit(&ctx->prep_body, memory_order_acquire) && ctx->prep_body_face) {
    early_style = ctx->prep_body_style;
    early_ascii = ctx->prep_body_ascii;
    early_face = ep_layout_body_hint_with(chars, nchars, early_style, ctx->prep_body_face, early_ascii, &early_cps,
                                          &early_n);
    if (early_face)
      ep_programs_speculate(programs, &early_face, (const uint32_t *const *)&early_cps, &early_n, 1);
  }
  // A render that would wait for the prepared style meanwhile pays
  // libharu's first-use costs and opens ICU's word dictionary itself, which
  // the prepare thread would otherwise do during the layout, on the core the
  // layout's helpers use.
  if (st == EVALPDF_OK && ctx->prep_on && !t->dump && !atomic_load(&ctx->prep_styled)) {
    if (!atomic_exchange(&ctx->pdf_warm_taken, true))
      ep_pdf_warm();
    if (!atomic_load(&ctx->prep_styled) && !atomic_exchange(&ctx->ws_warm_taken, true))
      ep_wordseg_warm();
  }
  // A file this render will replace is released on another thread once the
  // new one is in place; that thread starts now when this one would wait
  // for the style anyway (else when the file is opened: ep_outfile_open()).
  struct stat out_st;
  if (st == EVALPDF_OK && !t->dump && t->path && strcmp(t->path, "-") && ctx->prep_on &&
      !atomic_load(&ctx->prep_styled) && stat(t->path, &out_st) == 0 && S_ISREG(out_st.st_mode))
    ep_sweeps_ready(&ctx->sweeps);
  // Then it waits for the style awake rather than asleep on the context's
  // lock, which the prepare thread holds while it binds the fonts.
  if (st == EVALPDF_OK && ctx->prep_on && ctx->prep_called)
    ep_spin_while(&ctx->prep_styled, 0, STYLE_SPIN_NS);
  if (st == EVALPDF_OK && opts && (opts->creation_date < -1 || opts->creation_date > 253402300799LL)) {
    ep_diag_add(&rd, EP_ERROR, NULL, 0, "bad-option",
                "creation_date %lld is neither -1 (no date) nor a time from 1970 to 9999 (0 to 253402300799).",
                opts->creation_date);
    st = EVALPDF_ERR_USAGE;
  }
  if (st == EVALPDF_OK)
    st = bound_style(ctx, doc, opts, &rd, &e);
  if (st == EVALPDF_OK && t->path && strcmp(t->path, "-") && output_is_input(doc, e, t->path, &rd))
    st = EVALPDF_ERR_USAGE;
  ep_dlist *dl = NULL;
  if (st == EVALPDF_OK) {
    // The body font's program is known now (the hint), so the helper makes
    // it while this thread lays the document out.
    body_hint hint = {0};
    if (early_face && e->style == early_style && ep_layout_body_face(e->style) == early_face &&
        (e->style->ts[EP_TS_BODY].latin == NULL) == early_ascii) { // made above, as it would be now
      hint.face = early_face;
      hint.cps = early_cps;
      hint.n = early_n;
      early_cps = NULL;
    } else if (!t->dump) {
      hint.face = ep_layout_body_hint(chars, nchars, e->style, &hint.cps, &hint.n);
      if (programs && hint.face)
        ep_programs_speculate(programs, &hint.face, (const uint32_t *const *)&hint.cps, &hint.n, 1);
    }
    hint.programs = programs;
    // Batches of paragraphs and a table's cells are broken into lines at
    // once, on this thread and the helper (idle by then when the fonts'
    // programs were kept from an earlier render, else busy with them: this
    // thread then breaks them all).
    ep_layout_par par = {run_parallel, open_parallel, ready_parallel, close_parallel, programs};
    dl = ep_layout_report_par(doc->report, e->style, &rd, programs ? speculate_pass : NULL, &hint,
                              programs ? &par : NULL);
    dl->programs = programs;
    dl->hint_face = hint.face;
    dl->hint_cps = hint.cps; // the list owns it now
    dl->hint_n = hint.n;
    dl->creator = "evalpdf " EVALPDF_VERSION;
    dl->source = doc->report->path;
    dl->epoch = opts && opts->creation_date >= 0 ? opts->creation_date : -1;
    dl->serial = ctx->flags & EVALPDF_OPT_SERIAL;
    dl->sweeps = &ctx->sweeps;
    if (ep_diags_count_effective(&rd, EP_ERROR, strict))
      st = EVALPDF_ERR_INPUT;
  }
  if (st == EVALPDF_OK) {
    int rc = EP_PDF_OK;
    if (t->dump)
      ep_dlist_dump(dl, t->dump);
    else if (t->data)
      rc = ep_pdf_write_memory_release(dl, t->data, t->len, &rd); // dl is freed next
    else
      rc = ep_pdf_write_release(dl, t->path, &rd);
    st = rc == EP_PDF_OK ? EVALPDF_OK : rc == EP_PDF_IO_ERROR ? EVALPDF_ERR_IO : EVALPDF_ERR_PDF;
  }
  ep_programs_free(programs);
  free(early_cps);
  free(chars);
  ep_dlist_free(dl);
  set_render_diags(doc, &rd);
  ep_diags_free(&rd);
  return st;
}

// 'evalpdf_document_render()' - Lay out and write one document to a file.
evalpdf_status evalpdf_document_render(evalpdf_document *doc, const evalpdf_render_options *opts,
                                       const char *out_path) {
  if (!doc || !out_path)
    return EVALPDF_ERR_USAGE;
  render_target t = {out_path, NULL, NULL, NULL};
  return render(doc, opts, &t);
}

// 'evalpdf_document_render_memory()' - Lay out and write one document to memory.
evalpdf_status evalpdf_document_render_memory(evalpdf_document *doc, const evalpdf_render_options *opts,
                                              unsigned char **data, size_t *len) {
  if (data)
    *data = NULL;
  if (len)
    *len = 0;
  if (!doc || !data || !len)
    return EVALPDF_ERR_USAGE;
  render_target t = {NULL, NULL, data, len};
  return render(doc, opts, &t);
}

// 'evalpdf_document_dump_layout()' - Lay out one document and print its display list.
evalpdf_status evalpdf_document_dump_layout(evalpdf_document *doc, const evalpdf_render_options *opts,
                                            FILE *out) {
  if (!doc || !out)
    return EVALPDF_ERR_USAGE;
  render_target t = {NULL, out, NULL, NULL};
  return render(doc, opts, &t);
}

// 'evalpdf_document_render_inputs()' - The layout file and the font files a render reads.
evalpdf_status evalpdf_document_render_inputs(evalpdf_document *doc, const evalpdf_render_options *opts,
                                              void (*fn)(const char *path, void *user), void *user) {
  if (!doc || !fn)
    return EVALPDF_ERR_USAGE;
  ep_diags rd;
  ep_diags_init(&rd);
  const style_entry *e = NULL;
  evalpdf_status st = bound_style(doc->ctx, doc, opts, &rd, &e);
  ep_diags_free(&rd);
  if (st != EVALPDF_OK)
    return st;
  fn(e->path, user);
  ep_face *faces[64];
  size_t n = style_faces(e->style, false, faces, sizeof faces / sizeof *faces);
  for (size_t i = 0; i < n; i++) {
    bool dup = false; // two faces of one .ttc: one file
    for (size_t j = 0; j < i && !dup; j++)
      dup = !strcmp(ep_face_path(faces[j]), ep_face_path(faces[i]));
    if (!dup)
      fn(ep_face_path(faces[i]), user);
  }
  return EVALPDF_OK;
}

// 'collect_cps()' - Add every character of UTF-8 S to the sorted set *SET (N, CAP).
static void collect_cps(const char *s, uint32_t **set, size_t *n, size_t *cap) {
  if (!s)
    return;
  size_t len = strlen(s);
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t l = ep_utf8_decode((const unsigned char *)s + i, len - i, &cp);
    if (!l)
      break;
    i += l;
    if (cp <= ' ')
      continue;
    size_t lo = 0, hi = *n;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if ((*set)[mid] < cp)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo < *n && (*set)[lo] == cp)
      continue;
    if (*n == *cap) {
      *cap = *cap ? *cap * 2 : 256;
      *set = ep_xrealloc(*set, *cap * sizeof **set);
    }
    memmove(*set + lo + 1, *set + lo, (*n - lo) * sizeof **set);
    (*set)[lo] = cp;
    (*n)++;
  }
}

// 'report_chars()' - The sorted set of distinct characters R prints (heap, *N entries).
static uint32_t *report_chars(const ep_report *r, size_t *n) {
  uint32_t *set = NULL;
  size_t cap = 0;
  *n = 0;
  collect_cps(r->meta.title, &set, n, &cap);
  collect_cps(r->meta.subtitle, &set, n, &cap);
  collect_cps(r->meta.issuer, &set, n, &cap);
  for (ep_node *f = r->meta.fields; f; f = f->next) {
    collect_cps(f->text, &set, n, &cap);
    for (ep_node *c = f->first; c; c = c->next)
      collect_cps(c->kind == EP_N_TEXT ? c->text : c->result, &set, n, &cap);
  }
  for (ep_node *x = r->body; x; x = ep_next_node(x, r->body)) {
    bool text = x->kind == EP_N_TEXT; // a TEXT node has no fields after text (EP_NODE_TEXT)
    collect_cps(text ? x->text : x->result, &set, n, &cap);
    collect_cps(text ? NULL : x->text, &set, n, &cap);
    collect_cps(text ? NULL : x->name, &set, n, &cap);
    collect_cps(text ? NULL : x->number, &set, n, &cap);
  }
  return set;
}

// State of print_candidate(): a first pass (OUT NULL) measures the columns.
typedef struct cand_print {
  const char *prefix; // "official/": only this layout's roles
  FILE *out;
  size_t wrole, wcand; // display widths of the role and candidate columns
} cand_print;

// 'print_candidate()' - One line of the role table for a candidate of this
// layout's roles, columns aligned by display width (family names are often Chinese).
static bool print_candidate(const ep_font_cand_info *c, void *user) {
  cand_print *cp = user;
  size_t pl = strlen(cp->prefix);
  if (strncmp(c->role, cp->prefix, pl))
    return true;
  if (!cp->out) {
    size_t wr = ep_display_width(c->role + pl), wc = ep_display_width(c->candidate);
    cp->wrole = wr > cp->wrole ? wr : cp->wrole;
    cp->wcand = wc > cp->wcand ? wc : cp->wcand;
    return true;
  }
  char file[4200] = "-";
  if (c->file)
    snprintf(file, sizeof file, "%s#%d", c->file, c->face_index);
  fputs("  ", cp->out);
  ep_print_padded(c->role + pl, cp->wrole + 1, cp->out);
  fprintf(cp->out, "%zu. ", c->index + 1);
  ep_print_padded(c->candidate, cp->wcand + 1, cp->out);
  fprintf(cp->out, "%-8s %s (%s)\n", ep_font_cand_status_name(c->status), file, c->family ? c->family : "-");
  return true;
}

// 'print_coverage()' - For each distinct role of ST, how many of R's characters each face covers.
static void print_coverage(const ep_style *st, const ep_report *r, FILE *out) {
  size_t n;
  uint32_t *set = report_chars(r, &n);
  fprintf(out, "%s: %zu distinct characters\n", r->path, n);
  const ep_role *seen[EP_TS__COUNT];
  size_t nseen = 0;
  for (int t = 0; t < EP_TS__COUNT; t++) {
    const ep_role *role = st->ts[t].role;
    bool dup = false;
    for (size_t i = 0; i < nseen; i++)
      dup |= seen[i] == role;
    if (dup || !role)
      continue;
    seen[nseen++] = role;
    fprintf(out, "  role %s:\n", st->ts[t].role_name);
    size_t nf = ep_role_face_count(role);
    size_t *count = ep_xcalloc(nf + 1, sizeof *count);
    ep_buf missing;
    ep_buf_init(&missing);
    size_t nmiss = 0;
    for (size_t i = 0; i < n; i++) {
      ep_face *face = ep_role_face_for(role, set[i]);
      size_t k = 0;
      while (k < nf && ep_role_face(role, k) != face)
        k++;
      if (face && k < nf) {
        count[k]++;
      } else if (++nmiss <= 40) {
        char u[8] = {0};
        ep_utf8_encode(set[i], u);
        ep_buf_printf(&missing, " %s(U+%04X)", u, (unsigned)set[i]);
      }
    }
    for (size_t k = 0; k < nf; k++)
      fprintf(out, "    %zu characters from %s (%s#%u)\n", count[k], ep_face_family(ep_role_face(role, k)),
              ep_face_path(ep_role_face(role, k)), ep_face_index(ep_role_face(role, k)));
    if (nmiss)
      fprintf(out, "    %zu characters in no face:%s%s\n", nmiss, ep_buf_str(&missing), nmiss > 40 ? " …" : "");
    else
      fputs("    every character is covered\n", out);
    ep_buf_free(&missing);
    free(count);
  }
  free(set);
}

// 'evalpdf_print_fonts()' - Role resolution and character coverage.
evalpdf_status evalpdf_print_fonts(evalpdf_context *ctx, evalpdf_document *doc,
                                   const evalpdf_render_options *opts, FILE *out, FILE *err) {
  if (!ctx || !out)
    return EVALPDF_ERR_USAGE;
  ep_diags rd;
  ep_diags_init(&rd);
  const style_entry *e = NULL;
  evalpdf_status st = bound_style(ctx, doc, opts, &rd, &e);
  if (doc)
    set_render_diags(doc, &rd);
  else if (err && (ctx->flags & EVALPDF_OPT_JSON))
    ep_diags_print_json(&rd, ctx->flags & EVALPDF_OPT_STRICT, err);
  else if (err)
    ep_diags_print_text(&rd, ctx->flags & EVALPDF_OPT_STRICT, err);
  ep_diags_free(&rd);
  if (st != EVALPDF_OK)
    return st;
  const ep_style *s = e->style;
  fprintf(out, "layout %s (%s)\n", s->name ? s->name : "?", s->path);
  char prefix[256];
  snprintf(prefix, sizeof prefix, "%s/", s->name ? s->name : s->path);
  cand_print cp = {prefix, NULL, 0, 0};
  ep_fontset_describe(ctx->fonts, print_candidate, &cp);
  cp.out = out;
  ep_fontset_describe(ctx->fonts, print_candidate, &cp);
  if (doc)
    print_coverage(s, doc->report, out);
  return EVALPDF_OK;
}
