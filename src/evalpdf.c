// Public API: contexts, documents, diagnostics output and version information.
#include "evalpdf.h"
#include "display.h"
#include "font.h"
#include "layout.h"
#include "model.h"
#include "pdf.h"
#include "style.h"

#include <dirent.h>
#include <pthread.h>
#include <time.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>
#include <libxml/parser.h>
#include <libxml/xmlversion.h>

#define EVALPDF_ABI 1

// A layout file parsed once and bound to the context's fonts.
typedef struct style_entry {
  char *path;
  ep_style *style;   // NULL when it failed to load
  ep_diags diags;    // what loading and binding reported (copied into each document)
  bool fonts_ok;
} style_entry;

struct evalpdf_context {
  pthread_mutex_t lock; // guards the lazily built font set and style cache
  ep_fontset *fonts;
  ep_diags font_diags;
  bool fonts_tried;
  style_entry *styles;
  size_t nstyles;
  unsigned flags;
  char *root;
  char *layout;        // --layout as given
  char *layout_path;   // resolved layout file
  char *data_dir;
  const char *data_source;
  char *font_dir;
};

struct evalpdf_document {
  evalpdf_context *ctx;
  ep_report *report;
  evalpdf_status status;
};

// 'evalpdf_version()' - Library version.
const char *evalpdf_version(void) { return EVALPDF_VERSION; }

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

// 'find_data_dir()' - The data directory and its source by the documented order.
static const char *find_data_dir(const char *option, const char **source) {
  if (option) {
    *source = "option";
    return option;
  }
  const char *env = getenv("EVALPDF_DATA");
  if (env && env[0]) {
    *source = "EVALPDF_DATA";
    return env;
  }
  char p[4096];
  snprintf(p, sizeof p, "%s/layouts", EVALPDF_INSTALL_DATADIR);
  if (is_dir(p)) {
    *source = "install prefix";
    return EVALPDF_INSTALL_DATADIR;
  }
  *source = "source tree";
  return EVALPDF_SOURCE_DATADIR;
}

// 'evalpdf_options_init()' - Defaults.
void evalpdf_options_init(evalpdf_options *opts) {
  memset(opts, 0, sizeof *opts);
  opts->abi_version = EVALPDF_ABI;
}

// 'evalpdf_context_new()' - Create a context.
evalpdf_status evalpdf_context_new(const evalpdf_options *opts, evalpdf_context **out, char *err,
                                   size_t err_size) {
  evalpdf_options def;
  if (!opts) {
    evalpdf_options_init(&def);
    opts = &def;
  }
  *out = NULL;
  // libxml2: initialise once; refuse every external entity process-wide as a
  // second line of defence (the parser hooks already refuse them per document).
  xmlInitParser();
  evalpdf_context *c = ep_xcalloc(1, sizeof *c);
  pthread_mutex_init(&c->lock, NULL);
  ep_diags_init(&c->font_diags);
  c->flags = opts->flags;
  c->root = ep_xstrdup(opts->root);
  c->font_dir = ep_xstrdup(opts->font_dir);
  c->data_dir = ep_xstrdup(find_data_dir(opts->data_dir, &c->data_source));
  if (opts->root && !is_dir(opts->root)) {
    if (err)
      snprintf(err, err_size, "the include root %s is not a directory.", opts->root);
    evalpdf_context_free(c);
    return EVALPDF_ERR_USAGE;
  }
  if (opts->layout) {
    c->layout = ep_xstrdup(opts->layout);
    const char *l = opts->layout;
    bool pathlike = strchr(l, '/') || (strlen(l) > 4 && !strcmp(l + strlen(l) - 4, ".xml"));
    char p[4096];
    snprintf(p, sizeof p, "%s/layouts/%s.xml", c->data_dir, l);
    if (!pathlike && is_file(p)) {
      c->layout_path = ep_xstrdup(p);
    } else if (is_file(l)) {
      c->layout_path = realpath(l, NULL);
    } else {
      if (err) {
        size_t n;
        char **names = ep_layout_names(c->data_dir, &n);
        ep_buf list;
        ep_buf_init(&list);
        for (size_t i = 0; i < n; i++) {
          ep_buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
          free(names[i]);
        }
        free(names);
        snprintf(err, err_size, "--layout %s is neither a layout name nor a readable file; available layouts: %s.",
                 l, list.len ? ep_buf_str(&list) : "(none found)");
        ep_buf_free(&list);
      }
      evalpdf_context_free(c);
      return EVALPDF_ERR_USAGE;
    }
  }
  *out = c;
  return EVALPDF_OK;
}

// 'evalpdf_context_free()' - Free a context.
void evalpdf_context_free(evalpdf_context *ctx) {
  if (!ctx)
    return;
  for (size_t i = 0; i < ctx->nstyles; i++) {
    free(ctx->styles[i].path);
    ep_style_free(ctx->styles[i].style);
    ep_diags_free(&ctx->styles[i].diags);
  }
  free(ctx->styles);
  ep_fontset_free(ctx->fonts);
  ep_diags_free(&ctx->font_diags);
  pthread_mutex_destroy(&ctx->lock);
  free(ctx->root);
  free(ctx->layout);
  free(ctx->layout_path);
  free(ctx->data_dir);
  free(ctx->font_dir);
  free(ctx);
}

// 'evalpdf_context_data_dir()' - Data directory and its source.
const char *evalpdf_context_data_dir(const evalpdf_context *ctx, const char **source) {
  if (source)
    *source = ctx->data_source;
  return ctx->data_dir;
}

// 'evalpdf_context_layouts()' - List layouts.
void evalpdf_context_layouts(const evalpdf_context *ctx, FILE *out) {
  size_t n;
  char **names = ep_layout_names(ctx->data_dir, &n);
  for (size_t i = 0; i < n; i++) {
    fprintf(out, "%-12s %s/layouts/%s.xml\n", names[i], ctx->data_dir, names[i]);
    free(names[i]);
  }
  free(names);
}

// 'layout_path_for()' - The layout file a document uses: --layout, else the
// report's own, else the data folder's official.xml.
static void layout_path_for(const evalpdf_context *ctx, const ep_report *r, char *path, size_t size) {
  if (ctx->layout_path)
    snprintf(path, size, "%s", ctx->layout_path);
  else if (r && r->layout_path)
    snprintf(path, size, "%s", r->layout_path);
  else
    snprintf(path, size, "%s/layouts/official.xml", ctx->data_dir);
}

// 'report_layout_root()' - The include root when R's own layout file (not
// --layout, not a layout of the data folder) is used: it is opened beneath it.
static const char *report_layout_root(const evalpdf_context *ctx, const ep_report *r) {
  if (ctx->layout_path || !r->layout_path || !r->root_real || !ep_path_under(r->layout_path, r->root_real))
    return NULL;
  char data_layouts[4096];
  snprintf(data_layouts, sizeof data_layouts, "%s/layouts", ctx->data_dir);
  return ep_path_under(r->layout_path, data_layouts) ? NULL : r->root_real;
}

// 'evalpdf_document_load()' - Load and check one report.
evalpdf_status evalpdf_document_load(evalpdf_context *ctx, const char *path, evalpdf_document **out) {
  evalpdf_document *d = ep_xcalloc(1, sizeof *d);
  d->ctx = ctx;
  ep_load_options lo = {ctx->root, ctx->data_dir, ctx->layout};
  d->report = ep_report_load(path, &lo);
  if (d->report->wellformed) { // the layout is loaded and validated as render does
    char lp[4096];
    layout_path_for(ctx, d->report, lp, sizeof lp);
    ep_style_check(lp, report_layout_root(ctx, d->report), &d->report->diags);
  }
  ep_diags_sort(&d->report->diags);
  bool strict = ctx->flags & EVALPDF_OPT_STRICT;
  if (d->report->io_failed)
    d->status = EVALPDF_ERR_IO;
  else if (ep_diags_count_effective(&d->report->diags, EP_ERROR, strict) || d->report->diags.oom)
    d->status = EVALPDF_ERR_INPUT;
  else
    d->status = EVALPDF_OK;
  *out = d;
  return d->status;
}

// 'evalpdf_document_free()' - Free a document.
void evalpdf_document_free(evalpdf_document *doc) {
  if (!doc)
    return;
  ep_report_free(doc->report);
  free(doc);
}

// 'evalpdf_document_status()' - Load status.
evalpdf_status evalpdf_document_status(const evalpdf_document *doc) { return doc->status; }

// 'evalpdf_document_counts()' - Printed error/warning counts.
void evalpdf_document_counts(const evalpdf_document *doc, size_t *errors, size_t *warnings) {
  bool strict = doc->ctx->flags & EVALPDF_OPT_STRICT;
  if (errors)
    *errors = ep_diags_count_effective(&doc->report->diags, EP_ERROR, strict);
  if (warnings)
    *warnings = ep_diags_count_effective(&doc->report->diags, EP_WARNING, strict);
}

// 'evalpdf_print_diagnostics()' - Text lines or one JSON array for N documents.
void evalpdf_print_diagnostics(evalpdf_document *const *docs, size_t n, int json, FILE *out) {
  bool strict = n && docs[0] && (docs[0]->ctx->flags & EVALPDF_OPT_STRICT);
  if (!json) {
    for (size_t i = 0; i < n; i++)
      if (docs[i])
        ep_diags_print_text(&docs[i]->report->diags, strict, out);
    return;
  }
  ep_diags all;
  ep_diags_init(&all);
  for (size_t i = 0; i < n; i++)
    if (docs[i])
      ep_diags_append(&all, &docs[i]->report->diags);
  ep_diags_print_json(&all, strict, out);
  ep_diags_free(&all);
}

// 'evalpdf_document_print_summary()' - The check summary.
void evalpdf_document_print_summary(const evalpdf_document *doc, FILE *out) {
  ep_report_summary(doc->report, doc->ctx->flags & EVALPDF_OPT_STRICT, out);
}

// 'evalpdf_document_dump()' - The model dump.
void evalpdf_document_dump(const evalpdf_document *doc, FILE *out) { ep_report_dump(doc->report, out); }

// 'evalpdf_print_versions()' - Versions of evalpdf and its libraries.
void evalpdf_print_versions(const evalpdf_context *ctx, FILE *out) {
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
  fprintf(out, "  HarfBuzz %s\n", hb_version_string());
  const char *src;
  const char *dir = ctx ? evalpdf_context_data_dir(ctx, &src) : find_data_dir(NULL, &src);
  fprintf(out, "  data: %s (%s)\n", dir, src);
}

// 'get_style()' - The parsed, font-bound layout at PATH (cached; built under the
// lock); ROOT: the include root when the report names the layout (opened beneath it).
static style_entry *get_style(evalpdf_context *ctx, const char *path, const char *root) {
  for (size_t i = 0; i < ctx->nstyles; i++)
    if (!strcmp(ctx->styles[i].path, path))
      return &ctx->styles[i];
  if (!ctx->fonts_tried) {
    ctx->fonts_tried = true;
    ep_fontset_options fo;
    ep_fontset_options_init(&fo);
    fo.font_dir = ctx->font_dir;
    char fonts[4096];
    snprintf(fonts, sizeof fonts, "%s/fonts", ctx->data_dir);
    fo.data_dir = fonts;
    if (!ep_fontset_new(&fo, &ctx->font_diags, &ctx->fonts))
      ctx->fonts = NULL;
  }
  ctx->styles = ep_xrealloc(ctx->styles, (ctx->nstyles + 1) * sizeof *ctx->styles);
  style_entry *e = &ctx->styles[ctx->nstyles++];
  memset(e, 0, sizeof *e);
  e->path = ep_xstrdup(path);
  ep_diags_init(&e->diags);
  ep_diags_append(&e->diags, &ctx->font_diags);
  if (!ctx->fonts)
    return e;
  e->style = ep_style_load_confined(path, root, &e->diags);
  if (e->style)
    e->fonts_ok = ep_style_bind_fonts(e->style, ctx->fonts, &e->diags);
  return e;
}

// 'evalpdf_document_render()' - Lay out and write one document.
evalpdf_status evalpdf_document_render(evalpdf_document *doc, const char *out_path, FILE *dump) {
  evalpdf_context *ctx = doc->ctx;
  ep_report *r = doc->report;
  bool strict = ctx->flags & EVALPDF_OPT_STRICT;
  if (doc->status != EVALPDF_OK)
    return doc->status;
  char path[4096];
  layout_path_for(ctx, r, path, sizeof path);
  pthread_mutex_lock(&ctx->lock);
  style_entry *e = get_style(ctx, path, report_layout_root(ctx, r));
  pthread_mutex_unlock(&ctx->lock);
  ep_diags_append(&r->diags, &e->diags);
  ep_diags_sort(&r->diags);
  if (!ctx->fonts || (e->style && !e->fonts_ok))
    return doc->status = EVALPDF_ERR_FONT;
  if (!e->style)
    return doc->status = EVALPDF_ERR_USAGE;
  ep_dlist *dl = ep_layout_report(r, e->style, &r->diags);
  ep_diags_sort(&r->diags);
  dl->creator = "evalpdf " EVALPDF_VERSION;
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (sde && *sde) {
    char *end;
    long long v = strtoll(sde, &end, 10);
    dl->epoch = (*end == 0 && v >= 0) ? v : -1;
  }
  evalpdf_status st = EVALPDF_OK;
  if (ep_diags_count_effective(&r->diags, EP_ERROR, strict)) {
    st = EVALPDF_ERR_INPUT;
  } else if (dump) {
    ep_dlist_dump(dl, dump);
  } else {
    int rc = ep_pdf_write(dl, out_path, &r->diags);
    st = rc == 0 ? EVALPDF_OK : rc == 1 ? EVALPDF_ERR_IO : EVALPDF_ERR_PDF;
    ep_diags_sort(&r->diags);
  }
  ep_dlist_free(dl);
  return doc->status = st;
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

// 'evalpdf_print_fonts()' - Role resolution and character coverage.
evalpdf_status evalpdf_print_fonts(evalpdf_context *ctx, evalpdf_document *doc, FILE *out) {
  char path[4096];
  layout_path_for(ctx, doc ? doc->report : NULL, path, sizeof path);
  pthread_mutex_lock(&ctx->lock);
  style_entry *e = get_style(ctx, path, doc ? report_layout_root(ctx, doc->report) : NULL);
  pthread_mutex_unlock(&ctx->lock);
  if (!ctx->fonts || !e->style) {
    ep_diags_print_text(&e->diags, false, stderr);
    return ctx->fonts ? EVALPDF_ERR_USAGE : EVALPDF_ERR_FONT;
  }
  const ep_style *st = e->style;
  fprintf(out, "layout %s (%s)\n", st->name ? st->name : "?", st->path);
  size_t len = ep_fontset_describe_text(ctx->fonts, NULL, 0);
  char *buf = ep_xmalloc(len + 1);
  ep_fontset_describe_text(ctx->fonts, buf, len + 1);
  char prefix[256];
  snprintf(prefix, sizeof prefix, "%s/", st->name ? st->name : st->path);
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
    if (strncmp(line, prefix, strlen(prefix)))
      continue;
    char *f[6] = {0};
    int k = 0;
    for (char *p = line; k < 6 && p; k++) {
      f[k] = p;
      p = strchr(p, '\t');
      if (p)
        *p++ = 0;
    }
    if (k < 6)
      continue;
    fprintf(out, "  %-10s %s. %-40s %-12s %s (%s)\n", f[0] + strlen(prefix), f[1], f[2], f[3], f[4], f[5]);
  }
  free(buf);
  if (!doc)
    return EVALPDF_OK;
  ep_report *r = doc->report;
  uint32_t *set = NULL;
  size_t n = 0, cap = 0;
  collect_cps(r->meta.title, &set, &n, &cap);
  collect_cps(r->meta.subtitle, &set, &n, &cap);
  collect_cps(r->meta.issuer, &set, &n, &cap);
  for (ep_node *f = r->meta.fields; f; f = f->next) {
    collect_cps(f->text, &set, &n, &cap);
    for (ep_node *c = f->first; c; c = c->next)
      collect_cps(c->kind == EP_N_TEXT ? c->text : c->result, &set, &n, &cap);
  }
  for (ep_node *x = r->body; x; x = ep_next_node(x, r->body)) {
    collect_cps(x->kind == EP_N_TEXT ? x->text : x->result, &set, &n, &cap);
    collect_cps(x->kind == EP_N_TEXT ? NULL : x->text, &set, &n, &cap);
    collect_cps(x->name, &set, &n, &cap);
    collect_cps(x->number, &set, &n, &cap);
  }
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
      if (face && k < nf)
        count[k]++;
      else {
        nmiss++;
        if (nmiss <= 40) {
          char u[8] = {0};
          ep_utf8_encode(set[i], u);
          ep_buf_printf(&missing, " %s(U+%04X)", u, (unsigned)set[i]);
        }
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
  return EVALPDF_OK;
}
