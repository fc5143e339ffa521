// libFuzzer harness: load (parse, build, check), dump and lay out arbitrary bytes as a report.
#include "fuzz_context.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

// 'LLVMFuzzerTestOneInput()' - Load DATA from memory and run the whole check on it.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  evalpdf_context *ctx = fuzz_context();
  evalpdf_document *doc = NULL;
  evalpdf_document_load_memory(ctx, (const char *)data, size, "fuzz.xml", NULL, &doc);
  FILE *null = fopen("/dev/null", "w");
  if (null) {
    evalpdf_document_dump(doc, null);
    evalpdf_document_print_summary(doc, null);
    evalpdf_print_diagnostics(&doc, 1, 1, null);
    // lay out what checks clean (the display list goes to /dev/null; no PDF)
    if (evalpdf_document_status(doc) == EVALPDF_OK)
      evalpdf_document_dump_layout(doc, NULL, null);
    fclose(null);
  }
  evalpdf_document_free(doc);
  return 0;
}
