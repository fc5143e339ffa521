// The public-API context the report harnesses (fuzz_load, fuzz_render) share
// across inputs: created on the first input, freed at exit so the leak
// checker sees only real leaks. One copy per harness executable.
#ifndef EVALPDF_FUZZ_CONTEXT_H
#define EVALPDF_FUZZ_CONTEXT_H

#include "evalpdf.h"

#include <stdlib.h>

static evalpdf_context *fuzz_ctx;

// 'fuzz_context_free()' - Release the shared context at exit (fonts included).
static void fuzz_context_free(void) {
  evalpdf_context_free(fuzz_ctx);
  fuzz_ctx = NULL;
}

// 'fuzz_context()' - The shared context with default options; aborts when it cannot be made.
static evalpdf_context *fuzz_context(void) {
  if (!fuzz_ctx) {
    evalpdf_options o;
    evalpdf_options_init(&o);
    if (evalpdf_context_new(&o, &fuzz_ctx, NULL, 0) != EVALPDF_OK)
      abort();
    atexit(fuzz_context_free);
  }
  return fuzz_ctx;
}

#endif
