// Public API: contexts, documents, diagnostics output and version information.
#include "evalpdf.h"
#include "model.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>
#include <hpdf.h>
#include <libxml/parser.h>
#include <libxml/xmlversion.h>

#define EVALPDF_ABI 1

struct evalpdf_context {
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
        ep_buf names;
        ep_buf_init(&names);
        snprintf(p, sizeof p, "%s/layouts", c->data_dir);
        DIR *d = opendir(p);
        if (d) {
          struct dirent *e;
          while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n > 4 && !strcmp(e->d_name + n - 4, ".xml"))
              ep_buf_printf(&names, "%s%.*s", names.len ? ", " : "", (int)(n - 4), e->d_name);
          }
          closedir(d);
        }
        snprintf(err, err_size, "--layout %s is neither a layout name nor a readable file; available layouts: %s.",
                 l, names.len ? ep_buf_str(&names) : "(none found)");
        ep_buf_free(&names);
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
  char p[4096];
  snprintf(p, sizeof p, "%s/layouts", ctx->data_dir);
  DIR *d = opendir(p);
  if (!d)
    return;
  char *names[256];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256) {
    size_t l = strlen(e->d_name);
    if (l > 4 && !strcmp(e->d_name + l - 4, ".xml"))
      names[n++] = ep_xstrdup(e->d_name);
  }
  closedir(d);
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
      char *t = names[j];
      names[j] = names[j - 1];
      names[j - 1] = t;
    }
  for (int i = 0; i < n; i++) {
    fprintf(out, "%-12.*s %s/%s\n", (int)(strlen(names[i]) - 4), names[i], p, names[i]);
    free(names[i]);
  }
}

// 'evalpdf_document_load()' - Load and check one report.
evalpdf_status evalpdf_document_load(evalpdf_context *ctx, const char *path, evalpdf_document **out) {
  evalpdf_document *d = ep_xcalloc(1, sizeof *d);
  d->ctx = ctx;
  ep_load_options lo = {ctx->root, ctx->data_dir, ctx->layout};
  d->report = ep_report_load(path, &lo);
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
  fprintf(out, "  libharu %s\n", HPDF_GetVersion());
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
