// libFuzzer harness: load (parse, build, check) and dump arbitrary bytes as a report.
#include "evalpdf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

// 'LLVMFuzzerTestOneInput()' - Write DATA to a private temp file and run the whole check on it.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char path[64];
  static evalpdf_context *ctx;
  if (!ctx) {
    snprintf(path, sizeof path, "/tmp/evalpdf-fuzz-%ld.xml", (long)getpid());
    evalpdf_options o;
    evalpdf_options_init(&o);
    if (evalpdf_context_new(&o, &ctx, NULL, 0) != EVALPDF_OK)
      abort();
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
    fclose(null);
  }
  evalpdf_document_free(doc);
  return 0;
}
