// app.c: a small program embedding evalpdf. It loads a report, prints its
// diagnostics (read as data, one line each), and renders it to a PDF.
//
// Build against an installed evalpdf, either with pkg-config:
//   cc app.c $(pkg-config --cflags --libs evalpdf) -o app
// or with CMake (the CMakeLists.txt beside this file):
//   cmake -S . -B build -DCMAKE_PREFIX_PATH=PREFIX && cmake --build build
// Usage: app REPORT.xml OUT.pdf
#include <evalpdf.h>

#include <stdio.h>
#include <stdlib.h>

// 'print_diagnostics()' - Print DOC's diagnostics to stderr, one line each.
static void print_diagnostics(const evalpdf_document *doc) {
  static const char *const severity[] = {"note", "warning", "error"};
  for (size_t i = 0; i < evalpdf_diag_count(doc); i++) {
    evalpdf_diag d;
    if (evalpdf_diag_get(doc, i, &d) == 0)
      fprintf(stderr, "%s:%lu: %s[%s]: %s\n", d.file, d.line, severity[d.severity], d.code, d.message);
  }
}

// 'main()' - Render argv[1] to argv[2]; exit 0 on success, 1 on any failure.
int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s REPORT.xml OUT.pdf\n", argv[0]);
    return 1;
  }
  printf("evalpdf header %s, library %s\n", EVALPDF_VERSION_STRING, evalpdf_version());

  // One context can be shared by many documents (and threads); it finds the
  // installed layouts and fonts by itself. The library reads no environment
  // variable: a program that honours $EVALPDF_DATA (as evalpdf does) passes it.
  evalpdf_options opts;
  evalpdf_options_init(&opts);
  const char *env = getenv("EVALPDF_DATA");
  if (env && *env) {
    opts.data_dir = env;
    opts.data_dir_origin = "EVALPDF_DATA";
  }
  evalpdf_context *ctx = NULL;
  char err[512];
  if (evalpdf_context_new(&opts, &ctx, err, sizeof err) != EVALPDF_OK) {
    fprintf(stderr, "app: %s\n", err);
    return 1;
  }
  const char *source;
  const char *data = evalpdf_context_data_dir(ctx, &source);
  printf("data: %s (%s)\n", data, source);

  evalpdf_document *doc = NULL;
  evalpdf_status st = evalpdf_document_load(ctx, argv[1], &doc);
  if (st == EVALPDF_OK) {
    const char *title = evalpdf_document_meta(doc, "title");
    printf("title: %s\n", title ? title : "(none)");
    evalpdf_render_options ro;
    evalpdf_render_options_init(&ro); // default layout, no creation date
    st = evalpdf_document_render(doc, &ro, argv[2]);
  }
  print_diagnostics(doc);
  if (st == EVALPDF_OK)
    printf("wrote %s\n", argv[2]);
  else
    fprintf(stderr, "app: %s: %s\n", argv[1], evalpdf_status_string(st));
  evalpdf_document_free(doc);
  evalpdf_context_free(ctx);
  return st == EVALPDF_OK ? 0 : 1;
}
