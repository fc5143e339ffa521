// libFuzzer harness: load (parse, build, check), dump and lay out arbitrary bytes as a report.
#include "evalpdf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static evalpdf_context *ctx;
static char path[64];

// 'free_ctx()' - Release the shared context at exit (fonts included), so the
// leak checker sees only real leaks.
static void free_ctx(void) {
  evalpdf_context_free(ctx);
  ctx = NULL;
  if (path[0])
    unlink(path);
}

// 'LLVMFuzzerTestOneInput()' - Write DATA to a private temp file and run the whole check on it.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!ctx) {
    snprintf(path, sizeof path, "/tmp/evalpdf-fuzz-%ld.xml", (long)getpid());
    evalpdf_options o;
    evalpdf_options_init(&o);
    if (evalpdf_context_new(&o, &ctx, NULL, 0) != EVALPDF_OK)
      abort();
    atexit(free_ctx);
  }
  FILE *f = fopen(path, "wb");
  if (!f)
    return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  evalpdf_document *doc = NULL;
  evalpdf_document_load(ctx, path, &doc);
  FILE *null = fopen("/dev/null", "w");
  if (null) {
    evalpdf_document_dump(doc, null);
    evalpdf_document_print_summary(doc, null);
    evalpdf_print_diagnostics(&doc, 1, 1, null);
    // lay out what checks clean (the display list goes to /dev/null; no PDF)
    if (evalpdf_document_status(doc) == EVALPDF_OK)
      evalpdf_document_render(doc, NULL, null);
    fclose(null);
  }
  evalpdf_document_free(doc);
  return 0;
}
