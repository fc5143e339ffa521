// Diagnostics list: every error, warning and note evalpdf reports, with the
// file and line it is about and a stable kebab-case code. No globals: each
// document (or font set) owns its own list.
#ifndef EVALPDF_DIAG_H
#define EVALPDF_DIAG_H

#include "util.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum ep_severity {
  EP_NOTE = 0,    // information; needs no edit of the input; never escalated
  EP_WARNING = 1, // suspicious; --strict makes it an error
  EP_ERROR = 2    // the input is wrong
} ep_severity;

typedef struct ep_diag_item {
  ep_severity severity; // as reported (before --strict)
  char *file;           // owned copy; "" when no file applies
  unsigned long line;   // 0 when no line applies
  char *code;           // owned copy of a stable kebab-case code, e.g. "score-exceeds-weight"
  char *message;        // owned copy of one full sentence, no trailing newline
  size_t seq;           // insertion order, for a stable sort
} ep_diag_item;

typedef struct ep_diags {
  ep_diag_item *items; // owned array
  size_t count;
  size_t cap;
  size_t errors;       // counts by severity as reported
  size_t warnings;
  size_t notes;
  bool oom;            // an allocation failed; some diagnostics were lost
} ep_diags;

// 'ep_diags_init()' - Start an empty list.
void ep_diags_init(ep_diags *d);

// 'ep_diags_free()' - Free every item and the array; the list is empty afterwards.
void ep_diags_free(ep_diags *d);

// 'ep_diag_add()' - Append one diagnostic; FILE may be NULL (no file), LINE 0 (no line).
// The message is printf-formatted; it is copied. Returns false only when out of memory.
bool ep_diag_add(ep_diags *d, ep_severity sev, const char *file, unsigned long line,
                 const char *code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
bool ep_diag_addv(ep_diags *d, ep_severity sev, const char *file, unsigned long line,
                  const char *code, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 0)))
#endif
    ;

// 'ep_diags_append()' - Copy every item of SRC onto the end of DST.
bool ep_diags_append(ep_diags *dst, const ep_diags *src);

// 'ep_diags_sort()' - Sort by file (byte order), then line, then insertion order.
void ep_diags_sort(ep_diags *d);

// 'ep_diag_effective()' - The severity printed for ITEM: a warning becomes an
// error when STRICT is set; notes and errors are unchanged.
ep_severity ep_diag_effective(const ep_diag_item *item, bool strict);

// 'ep_diags_count_effective()' - How many items print as SEV under STRICT.
size_t ep_diags_count_effective(const ep_diags *d, ep_severity sev, bool strict);

// 'ep_diag_line()' - Append to B the text line of a diagnostic, without a
// newline: "FILE:LINE: SEVERITY: MESSAGE" ("FILE: ..." when LINE is 0,
// "evalpdf: ..." when FILE is NULL or empty); a byte of FILE or MESSAGE that
// is not valid UTF-8 is written as the four characters \xHH.
void ep_diag_line(ep_buf *b, const char *file, unsigned long line, ep_severity sev, const char *message);

// 'ep_diags_print_text()' - One line per item, "FILE:LINE: error: message"
// ("FILE: ..." without a line, "evalpdf: ..." without a file), to OUT.
void ep_diags_print_text(const ep_diags *d, bool strict, FILE *out);

// 'ep_diags_print_json()' - One JSON array of {file, line, severity, code,
// message} objects on one or more lines, "[]" when empty, to OUT.
void ep_diags_print_json(const ep_diags *d, bool strict, FILE *out);

// 'ep_severity_name()' - "error", "warning" or "note".
const char *ep_severity_name(ep_severity sev);

#endif
