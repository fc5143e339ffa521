// libFuzzer harness: load arbitrary bytes as a report and, when it checks
// clean, render the whole PDF to memory (layout, font subsetting, PDF writer).
#include "fuzz_context.h"

#include <stdint.h>
#include <stdlib.h>

// 'LLVMFuzzerTestOneInput()' - Load DATA from memory and render it to memory.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  evalpdf_context *ctx = fuzz_context();
  evalpdf_document *doc = NULL;
  evalpdf_document_load_memory(ctx, (const char *)data, size, "fuzz.xml", NULL, &doc);
  if (evalpdf_document_status(doc) == EVALPDF_OK) {
    unsigned char *pdf = NULL;
    size_t len = 0;
    evalpdf_render_options ro;
    evalpdf_render_options_init(&ro);
    ro.creation_date = 0;
    evalpdf_status st = evalpdf_document_render_memory(doc, &ro, &pdf, &len);
    if (st == EVALPDF_OK && (len < 8 || pdf[0] != '%' || pdf[1] != 'P'))
      abort(); // a PDF that does not start as one, with status OK
    evalpdf_free(pdf);
  }
  evalpdf_document_free(doc);
  return 0;
}
