// Shared by the programs in tests/api/ (each a program against the public
// header only): a counting check() and the diagnostics of a document as text.
#ifndef EVALPDF_API_CHECK_H
#define EVALPDF_API_CHECK_H

#include "evalpdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// 'check()' - Count (in the including file's `failures`) and report a failed expectation.
#define check(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                         \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
      failures++;                                                                                  \
    }                                                                                              \
  } while (0)

// 'diags_text()' - Every diagnostic of DOC as one heap string, a line each.
static inline char *diags_text(const evalpdf_document *doc) {
  size_t cap = 256, len = 0;
  char *s = malloc(cap);
  s[0] = 0;
  for (size_t i = 0; i < evalpdf_diag_count(doc); i++) {
    evalpdf_diag d;
    if (evalpdf_diag_get(doc, i, &d) != 0)
      abort();
    size_t need = strlen(d.file) + strlen(d.code) + strlen(d.message) + 64;
    while (len + need >= cap)
      s = realloc(s, cap *= 2);
    len += (size_t)snprintf(s + len, cap - len, "%s:%lu:%d:%s:%s\n", d.file, d.line, (int)d.severity, d.code,
                            d.message);
  }
  return s;
}

#endif
