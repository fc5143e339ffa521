// Diagnostics list: collecting, sorting and printing errors, warnings and notes.
#include "diag.h"
#include "util.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

// 'dup_str()' - Copy S (NULL → ""), NULL on allocation failure.
static char *dup_str(const char *s) {
  if (!s)
    s = "";
  size_t n = strlen(s) + 1;
  char *r = malloc(n);
  if (r)
    memcpy(r, s, n);
  return r;
}

// 'ep_diags_init()' - Start an empty list.
void ep_diags_init(ep_diags *d) { memset(d, 0, sizeof *d); }

// 'ep_diags_free()' - Free every item and the array.
void ep_diags_free(ep_diags *d) {
  for (size_t i = 0; i < d->count; i++) {
    free(d->items[i].file);
    free(d->items[i].code);
    free(d->items[i].message);
  }
  free(d->items);
  ep_diags_init(d);
}

// 'push_item()' - Append a fully built item, taking ownership of its strings.
static bool push_item(ep_diags *d, ep_diag_item it) {
  if (!it.file || !it.code || !it.message) {
    free(it.file);
    free(it.code);
    free(it.message);
    d->oom = true;
    return false;
  }
  if (d->count == d->cap) {
    size_t ncap = d->cap ? d->cap * 2 : 16;
    ep_diag_item *n = realloc(d->items, ncap * sizeof *n);
    if (!n) {
      free(it.file);
      free(it.code);
      free(it.message);
      d->oom = true;
      return false;
    }
    d->items = n;
    d->cap = ncap;
  }
  it.seq = d->count;
  d->items[d->count++] = it;
  if (it.severity == EP_ERROR)
    d->errors++;
  else if (it.severity == EP_WARNING)
    d->warnings++;
  else
    d->notes++;
  return true;
}

// 'ep_buf_dummy_escape()' - Replace *MSG by a copy with control characters escaped (\n, \r, \t, \xNN).
static void ep_buf_dummy_escape(char **msg) {
  const unsigned char *m = (const unsigned char *)*msg;
  size_t extra = 0;
  for (const unsigned char *p = m; *p; p++)
    if (*p < 0x20 || *p == 0x7F)
      extra += 3;
  if (!extra)
    return;
  char *out = malloc(strlen(*msg) + extra + 1);
  if (!out)
    return;
  char *o = out;
  for (const unsigned char *p = m; *p; p++) {
    if (*p == '\n') {
      *o++ = '\\';
      *o++ = 'n';
    } else if (*p == '\r') {
      *o++ = '\\';
      *o++ = 'r';
    } else if (*p == '\t') {
      *o++ = '\\';
      *o++ = 't';
    } else if (*p < 0x20 || *p == 0x7F) {
      o += sprintf(o, "\\x%02X", *p);
    } else {
      *o++ = (char)*p;
    }
  }
  *o = 0;
  free(*msg);
  *msg = out;
}

// 'ep_diag_addv()' - Append one diagnostic with a va_list message.
bool ep_diag_addv(ep_diags *d, ep_severity sev, const char *file, unsigned long line,
                  const char *code, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int len = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  char *msg = NULL;
  if (len >= 0) {
    msg = malloc((size_t)len + 1);
    if (msg)
      vsnprintf(msg, (size_t)len + 1, fmt, ap);
  }
  if (msg) {
    // One diagnostic is one line: control characters from the input (an
    // attribute holding &#10;) are shown escaped, never printed raw.
    ep_buf_dummy_escape(&msg);
  }
  ep_diag_item it = {sev, dup_str(file), line, dup_str(code), msg, 0};
  return push_item(d, it);
}

// 'ep_diag_add()' - Append one diagnostic with a printf-style message.
bool ep_diag_add(ep_diags *d, ep_severity sev, const char *file, unsigned long line,
                 const char *code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  bool ok = ep_diag_addv(d, sev, file, line, code, fmt, ap);
  va_end(ap);
  return ok;
}

// 'ep_diags_append()' - Copy every item of SRC onto DST.
bool ep_diags_append(ep_diags *dst, const ep_diags *src) {
  bool ok = true;
  for (size_t i = 0; i < src->count; i++) {
    const ep_diag_item *s = &src->items[i];
    ep_diag_item it = {s->severity, dup_str(s->file), s->line, dup_str(s->code),
                       dup_str(s->message), 0};
    ok = push_item(dst, it) && ok;
  }
  return ok;
}

// 'cmp_items()' - qsort order: file, line, insertion.
static int cmp_items(const void *pa, const void *pb) {
  const ep_diag_item *a = pa, *b = pb;
  int c = strcmp(a->file, b->file);
  if (c)
    return c;
  if (a->line != b->line)
    return a->line < b->line ? -1 : 1;
  return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

// 'ep_diags_sort()' - Sort by file, line, then insertion order.
void ep_diags_sort(ep_diags *d) {
  if (d->count > 1)
    qsort(d->items, d->count, sizeof *d->items, cmp_items);
}

// 'ep_diag_effective()' - Severity as printed under STRICT.
ep_severity ep_diag_effective(const ep_diag_item *item, bool strict) {
  if (strict && item->severity == EP_WARNING)
    return EP_ERROR;
  return item->severity;
}

// 'ep_diags_count_effective()' - Count items printed as SEV.
size_t ep_diags_count_effective(const ep_diags *d, ep_severity sev, bool strict) {
  size_t n = 0;
  for (size_t i = 0; i < d->count; i++)
    if (ep_diag_effective(&d->items[i], strict) == sev)
      n++;
  return n;
}

// 'ep_severity_name()' - "error", "warning" or "note".
const char *ep_severity_name(ep_severity sev) {
  switch (sev) {
  case EP_ERROR:
    return "error";
  case EP_WARNING:
    return "warning";
  default:
    return "note";
  }
}

// 'put_text()' - Append S to B: valid UTF-8 as it is, each byte that is
// not part of valid UTF-8 (a GBK or Latin-1 file name, say) as the four
// characters \xHH, as the JSON form writes it, so a terminal never gets a
// broken character.
static void put_text(ep_buf *b, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s), run = 0; // P[run..i) is valid and not appended yet
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t l = p[i] < 0x80 ? 1 : ep_utf8_decode(p + i, n - i, &cp);
    if (l) {
      i += l;
      continue;
    }
    ep_buf_put(b, s + run, i - run);
    ep_buf_printf(b, "\\x%02X", p[i]);
    run = ++i;
  }
  ep_buf_put(b, s + run, n - run);
}

// 'ep_diag_line()' - Append one diagnostic's text line to B (see diag.h).
void ep_diag_line(ep_buf *b, const char *file, unsigned long line, ep_severity sev, const char *message) {
  if (!file || !file[0]) {
    ep_buf_puts(b, "evalpdf");
  } else {
    put_text(b, file);
    if (line)
      ep_buf_printf(b, ":%lu", line);
  }
  ep_buf_printf(b, ": %s: ", ep_severity_name(sev));
  put_text(b, message ? message : "");
}

// 'ep_diags_print_text()' - GCC-style lines on OUT.
void ep_diags_print_text(const ep_diags *d, bool strict, FILE *out) {
  ep_buf line;
  ep_buf_init(&line);
  for (size_t i = 0; i < d->count; i++) {
    const ep_diag_item *it = &d->items[i];
    line.len = 0;
    ep_diag_line(&line, it->file, it->line, ep_diag_effective(it, strict), it->message);
    ep_buf_putc(&line, '\n');
    fwrite(line.data, 1, line.len, out);
  }
  ep_buf_free(&line);
  if (d->oom)
    fprintf(out, "evalpdf: error: out of memory; some diagnostics were lost\n");
}

// 'json_string()' - Write S as a JSON string literal: valid UTF-8 passes
// through; each byte that is not part of valid UTF-8 (a GBK file name, say)
// is written as the four characters \xHH, so the output is always valid UTF-8.
static void json_string(const char *s, FILE *out) {
  fputc('"', out);
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c >= 0x80) {
      uint32_t cp;
      size_t l = ep_utf8_decode(p + i, n - i, &cp);
      if (l) {
        fwrite(p + i, 1, l, out);
        i += l;
      } else {
        fprintf(out, "\\\\x%02X", c);
        i++;
      }
      continue;
    }
    i++;
    switch (c) {
    case '"':
      fputs("\\\"", out);
      break;
    case '\\':
      fputs("\\\\", out);
      break;
    case '\n':
      fputs("\\n", out);
      break;
    case '\r':
      fputs("\\r", out);
      break;
    case '\t':
      fputs("\\t", out);
      break;
    default:
      if (c < 0x20 || c == 0x7f)
        fprintf(out, "\\u%04x", c);
      else
        fputc(c, out);
    }
  }
  fputc('"', out);
}

// 'ep_diags_print_json()' - One JSON array of diagnostic objects on OUT.
void ep_diags_print_json(const ep_diags *d, bool strict, FILE *out) {
  if (d->count == 0) {
    fputs("[]\n", out);
    return;
  }
  fputs("[\n", out);
  for (size_t i = 0; i < d->count; i++) {
    const ep_diag_item *it = &d->items[i];
    fputs("  {\"file\": ", out);
    json_string(it->file, out);
    fprintf(out, ", \"line\": %lu, \"severity\": ", it->line);
    json_string(ep_severity_name(ep_diag_effective(it, strict)), out);
    fputs(", \"code\": ", out);
    json_string(it->code, out);
    fputs(", \"message\": ", out);
    json_string(it->message, out);
    fputs(i + 1 < d->count ? "},\n" : "}\n", out);
  }
  fputs("]\n", out);
}
