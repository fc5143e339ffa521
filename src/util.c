// Ground utilities: allocation, arenas, strings, UTF-8, character classes, suggestions.
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

// 'oom()' - Report out-of-memory and abort (the documented policy).
static void oom(size_t n) {
  fprintf(stderr, "evalpdf: fatal: out of memory allocating %zu bytes\n", n);
  abort();
}

// 'ep_xmalloc()' - malloc or abort.
void *ep_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p)
    oom(n);
  return p;
}

// 'ep_xcalloc()' - calloc or abort.
void *ep_xcalloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p)
    oom(count * size);
  return p;
}

// 'ep_xrealloc()' - realloc or abort.
void *ep_xrealloc(void *p, size_t n) {
  void *r = realloc(p, n ? n : 1);
  if (!r)
    oom(n);
  return r;
}

// 'ep_xstrdup()' - strdup or abort (NULL → NULL).
char *ep_xstrdup(const char *s) {
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *r = ep_xmalloc(n);
  memcpy(r, s, n);
  return r;
}

struct ep_arena_block {
  ep_arena_block *next;
  size_t used, size;
  _Alignas(16) unsigned char data[];
};

#define ARENA_BLOCK 65536

// 'ep_arena_init()' - Start an empty arena.
void ep_arena_init(ep_arena *a) { a->head = NULL; }

// 'ep_arena_free()' - Free every block.
void ep_arena_free(ep_arena *a) {
  ep_arena_block *b = a->head;
  while (b) {
    ep_arena_block *n = b->next;
    free(b);
    b = n;
  }
  a->head = NULL;
}

// 'ep_arena_alloc()' - N zeroed, aligned bytes from the arena.
void *ep_arena_alloc(ep_arena *a, size_t n) {
  size_t need = (n + 15) & ~(size_t)15;
  if (need < n)
    oom(n);
  ep_arena_block *b = a->head;
  if (!b || b->size - b->used < need) {
    size_t size = need > ARENA_BLOCK / 2 ? need : ARENA_BLOCK;
    b = ep_xmalloc(sizeof *b + size);
    b->size = size;
    b->used = 0;
    if (need > ARENA_BLOCK / 2 && a->head) {
      // A large allocation gets a block of its own behind the current one.
      b->next = a->head->next;
      a->head->next = b;
    } else {
      b->next = a->head;
      a->head = b;
    }
  }
  void *p = b->data + b->used;
  b->used += need;
  memset(p, 0, n);
  return p;
}

// 'ep_arena_strndup()' - Copy N bytes into the arena.
char *ep_arena_strndup(ep_arena *a, const char *s, size_t n) {
  char *r = ep_arena_alloc(a, n + 1);
  if (n)
    memcpy(r, s, n);
  r[n] = 0;
  return r;
}

// 'ep_arena_strdup()' - Copy a C string into the arena.
char *ep_arena_strdup(ep_arena *a, const char *s) {
  return s ? ep_arena_strndup(a, s, strlen(s)) : NULL;
}

// 'ep_buf_init()' - Empty buffer.
void ep_buf_init(ep_buf *b) { memset(b, 0, sizeof *b); }

// 'ep_buf_free()' - Release the buffer's memory.
void ep_buf_free(ep_buf *b) {
  free(b->data);
  ep_buf_init(b);
}

// 'ep_buf_put()' - Append N bytes.
void ep_buf_put(ep_buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1)
      cap *= 2;
    b->data = ep_xrealloc(b->data, cap);
    b->cap = cap;
  }
  if (n)
    memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = 0;
}

// 'ep_buf_puts()' - Append a C string.
void ep_buf_puts(ep_buf *b, const char *s) { ep_buf_put(b, s, strlen(s)); }

// 'ep_buf_putc()' - Append one byte.
void ep_buf_putc(ep_buf *b, char c) { ep_buf_put(b, &c, 1); }

// 'ep_buf_put_cp()' - Append a code point as UTF-8.
void ep_buf_put_cp(ep_buf *b, uint32_t cp) {
  char tmp[4];
  ep_buf_put(b, tmp, ep_utf8_encode(cp, tmp));
}

// 'ep_buf_printf()' - Append printf-formatted text.
void ep_buf_printf(ep_buf *b, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n > 0) {
    char *tmp = ep_xmalloc((size_t)n + 1);
    vsnprintf(tmp, (size_t)n + 1, fmt, ap2);
    ep_buf_put(b, tmp, (size_t)n);
    free(tmp);
  }
  va_end(ap2);
}

// 'ep_buf_str()' - Contents or "".
const char *ep_buf_str(const ep_buf *b) { return b->data ? b->data : ""; }

// 'ep_utf8_decode()' - Decode one strict UTF-8 sequence.
size_t ep_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) {
  if (n == 0)
    return 0;
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t len;
  uint32_t v, min;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    v = c & 0x1F;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    v = c & 0x0F;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    v = c & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (n < len)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    v = (v << 6) | (s[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  *cp = v;
  return len;
}

// 'ep_utf8_next()' - Decode at S[*I] and advance; U+FFFD for an invalid byte.
uint32_t ep_utf8_next(const char *s, size_t len, size_t *i) {
  uint32_t cp;
  size_t l = ep_utf8_decode((const unsigned char *)s + *i, len - *i, &cp);
  if (!l) {
    cp = 0xFFFD;
    l = 1;
  }
  *i += l;
  return cp;
}

// 'ep_utf8_encode()' - Encode CP (invalid → U+FFFD) as UTF-8.
size_t ep_utf8_encode(uint32_t cp, char *out) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    cp = 0xFFFD;
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

// 'ep_is_cjk()' - Characters set on the CJK grid (see util.h).
bool ep_is_cjk(uint32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) ||   // radicals, CJK punct, kana, bopomofo, ideographs
         (cp >= 0xA960 && cp <= 0xA97F) ||   // hangul jamo ext
         (cp >= 0xAC00 && cp <= 0xD7AF) ||   // hangul
         (cp >= 0xF900 && cp <= 0xFAFF) ||   // compatibility ideographs
         (cp >= 0xFE30 && cp <= 0xFE4F) ||   // CJK compatibility forms
         (cp >= 0xFF00 && cp <= 0xFF60) ||   // full-width forms
         (cp >= 0xFFE0 && cp <= 0xFFE6) ||   // full-width signs
         (cp >= 0x20000 && cp <= 0x3FFFF) || // ideograph extensions
         cp == 0x2014 || cp == 0x2015 || cp == 0x2018 || cp == 0x2019 || cp == 0x201C ||
         cp == 0x201D || cp == 0x2026 || cp == 0x00B7 || cp == 0x2025;
}

// 'ep_is_xml_space()' - XML whitespace.
bool ep_is_xml_space(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r'; }

// 'decode_all()' - Decode S into a heap array of code points (invalid bytes become U+FFFD).
static uint32_t *decode_all(const char *s, size_t *n) {
  size_t len = strlen(s);
  uint32_t *out = ep_xmalloc((len + 1) * sizeof *out);
  size_t k = 0;
  for (size_t i = 0; i < len;)
    out[k++] = ep_utf8_next(s, len, &i);
  *n = k;
  return out;
}

// 'ep_edit_distance()' - Capped optimal-string-alignment distance by code point
// (insertions, deletions, substitutions and adjacent transpositions cost 1).
size_t ep_edit_distance(const char *a, const char *b, size_t cap) {
  size_t na, nb;
  uint32_t *ca = decode_all(a, &na), *cb = decode_all(b, &nb);
  size_t d;
  if ((na > nb ? na - nb : nb - na) >= cap || na > 256 || nb > 256) {
    d = cap;
  } else {
    size_t w = nb + 1;
    size_t *m = ep_xmalloc((na + 1) * w * sizeof *m);
    for (size_t i = 0; i <= na; i++)
      m[i * w] = i;
    for (size_t j = 0; j <= nb; j++)
      m[j] = j;
    for (size_t i = 1; i <= na; i++) {
      for (size_t j = 1; j <= nb; j++) {
        size_t cost = ca[i - 1] != cb[j - 1];
        size_t best = m[(i - 1) * w + j - 1] + cost;
        if (m[(i - 1) * w + j] + 1 < best)
          best = m[(i - 1) * w + j] + 1;
        if (m[i * w + j - 1] + 1 < best)
          best = m[i * w + j - 1] + 1;
        if (i > 1 && j > 1 && ca[i - 1] == cb[j - 2] && ca[i - 2] == cb[j - 1] &&
            m[(i - 2) * w + j - 2] + 1 < best)
          best = m[(i - 2) * w + j - 2] + 1;
        m[i * w + j] = best;
      }
    }
    d = m[na * w + nb] < cap ? m[na * w + nb] : cap;
    free(m);
  }
  free(ca);
  free(cb);
  return d;
}

// 'ep_suggest()' - The nearest candidate to WORD, or NULL.
const char *ep_suggest(const char *word, const char *const *candidates, const char *const *aliases) {
  if (!word || !candidates)
    return NULL;
  size_t wlen = strlen(word);
  if (aliases) {
    for (size_t i = 0; aliases[i]; i++) {
      const char *eq = strchr(aliases[i], '=');
      if (eq && (size_t)(eq - aliases[i]) == wlen && !strncasecmp(aliases[i], word, wlen)) {
        for (size_t j = 0; candidates[j]; j++)
          if (!strcmp(candidates[j], eq + 1))
            return candidates[j];
      }
    }
  }
  size_t cps;
  free(decode_all(word, &cps));
  size_t limit = cps / 3 > 1 ? cps / 3 : 1;
  if (limit > 3)
    limit = 3;
  const char *best = NULL;
  size_t best_d = limit + 1;
  for (size_t i = 0; candidates[i]; i++) {
    size_t d = ep_edit_distance(word, candidates[i], best_d);
    if (d < best_d) {
      best_d = d;
      best = candidates[i];
    }
  }
  if (best)
    return best;
  for (size_t i = 0; candidates[i]; i++) {
    size_t cl = strlen(candidates[i]);
    if (cl >= 2 && wlen >= 2 &&
        (!strncmp(candidates[i], word, cl < wlen ? cl : wlen)))
      return candidates[i];
  }
  return NULL;
}
