// Ground utilities: allocation, arenas, strings, UTF-8, character classes,
// suggestions, confined opening of input files and atomic output files.
#define _GNU_SOURCE // openat2 via syscall(), O_PATH, O_TMPFILE, linkat(), renameat2 flags
#include "util.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__) && __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define EP_HAVE_OPENAT2 1
#endif

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

// 'ep_populate()' - Fault in a buffer about to be filled, in one call (see util.h).
void ep_populate(void *p, size_t n) {
#ifdef MADV_POPULATE_WRITE
  if (n < EP_POPULATE_MIN)
    return;
  long ps = sysconf(_SC_PAGESIZE);
  const uintptr_t page = ps > 0 ? (uintptr_t)ps : 4096;
  uintptr_t from = ((uintptr_t)p + page - 1) & ~(page - 1), to = ((uintptr_t)p + n) & ~(page - 1);
  if (to > from)
    (void)madvise((void *)from, to - from, MADV_POPULATE_WRITE); // a hint: failure is harmless
#else
  (void)p, (void)n;
#endif
}

// 'ep_populate_read()' - Map a file's pages about to be read, in one call (see util.h).
void ep_populate_read(const void *p, size_t n) {
#ifdef MADV_POPULATE_READ
  long ps = sysconf(_SC_PAGESIZE);
  const uintptr_t page = ps > 0 ? (uintptr_t)ps : 4096;
  uintptr_t from = (uintptr_t)p & ~(page - 1), to = (uintptr_t)p + n;
  if (n && to > from)
    (void)madvise((void *)from, to - from, MADV_POPULATE_READ); // a hint: failure is harmless
#else
  (void)p, (void)n;
#endif
}

// 'ep_blob_take()' - A blob owning DATA (see util.h).
ep_blob *ep_blob_take(unsigned char *data, size_t len) {
  ep_blob *b = ep_xmalloc(sizeof *b);
  atomic_init(&b->refs, 1);
  b->len = len;
  b->data = data;
  return b;
}

// 'ep_blob_ref()' - Add a reference (see util.h).
ep_blob *ep_blob_ref(ep_blob *b) {
  if (b)
    atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
  return b;
}

// 'ep_blob_unref()' - Drop a reference (see util.h).
void ep_blob_unref(ep_blob *b) {
  if (b && atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1) {
    free(b->data);
    free(b);
  }
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

// 'ep_arena_alloc_aligned()' - N zeroed bytes aligned to ALIGN from the arena.
void *ep_arena_alloc_aligned(ep_arena *a, size_t n, size_t align) {
  if (align == 0 || align > 16 || (align & (align - 1)))
    align = 16;
  size_t need = n ? n : 1;
  ep_arena_block *b = a->head;
  size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
  if (!b || at > b->size || b->size - at < need) {
    if (need > SIZE_MAX - sizeof *b - 16)
      oom(n);
    size_t size = need > ARENA_BLOCK / 2 ? need : ARENA_BLOCK;
    b = ep_xmalloc(sizeof *b + size); // data is 16-byte aligned
    b->size = size;
    b->used = 0;
    at = 0;
    if (need > ARENA_BLOCK / 2 && a->head) {
      // A large allocation gets a block of its own behind the current one.
      b->next = a->head->next;
      a->head->next = b;
    } else {
      b->next = a->head;
      a->head = b;
    }
  }
  void *p = b->data + at;
  b->used = at + need;
  memset(p, 0, n);
  return p;
}

// 'ep_arena_alloc()' - N zeroed, 16-byte aligned bytes from the arena.
void *ep_arena_alloc(ep_arena *a, size_t n) { return ep_arena_alloc_aligned(a, n, 16); }

// 'ep_arena_strndup()' - Copy N bytes into the arena.
char *ep_arena_strndup(ep_arena *a, const char *s, size_t n) {
  if (n == SIZE_MAX)
    oom(n);
  char *r = ep_arena_alloc_aligned(a, n + 1, 1);
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

#define CPSET_BLOCK_CPS 4096u                           // code points per bitmap block (512 bytes)
#define CPSET_BLOCKS ((0x10FFFFu + 1) / CPSET_BLOCK_CPS) // 272 blocks cover U+0000..U+10FFFF

// 'ep_cpset_add()' - Add CP to S; true when it was new.
bool ep_cpset_add(ep_cpset *s, uint32_t cp) {
  if (cp > 0x10FFFF)
    return false;
  if (!s->blocks)
    s->blocks = ep_xcalloc(CPSET_BLOCKS, sizeof *s->blocks);
  unsigned char **block = &s->blocks[cp / CPSET_BLOCK_CPS];
  if (!*block)
    *block = ep_xcalloc(CPSET_BLOCK_CPS / 8, 1);
  unsigned char bit = (unsigned char)(1u << (cp & 7)), *byte = *block + (cp % CPSET_BLOCK_CPS) / 8;
  if (*byte & bit)
    return false;
  *byte |= bit;
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 256;
    s->cps = ep_xrealloc(s->cps, s->cap * sizeof *s->cps);
  }
  s->cps[s->n++] = cp;
  return true;
}

// 'ep_cpset_free()' - Release a code point set's memory.
void ep_cpset_free(ep_cpset *s) {
  for (size_t i = 0; s->blocks && i < CPSET_BLOCKS; i++)
    free(s->blocks[i]);
  free(s->blocks);
  free(s->cps);
  memset(s, 0, sizeof *s);
}

// 'ep_cmp_u32()' - qsort() order of uint32_t values.
int ep_cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

// 'ep_cpset_sort()' - Put S's member list in ascending order (see util.h).
void ep_cpset_sort(ep_cpset *s) {
  size_t k = 0; // the bitmap read in order: the members sorted, with no comparisons
  for (size_t b = 0; s->cps && b < CPSET_BLOCKS && k < s->n; b++) {
    const unsigned char *block = s->blocks[b];
    for (size_t i = 0; block && i < CPSET_BLOCK_CPS / 8; i += 8) {
      uint64_t any;
      memcpy(&any, block + i, 8);
      for (size_t byte = i; any && byte < i + 8; byte++) // eight bytes at a time past empty ones
        for (unsigned bits = block[byte]; bits; bits &= bits - 1)
          s->cps[k++] = (uint32_t)(b * CPSET_BLOCK_CPS + 8 * byte + (unsigned)__builtin_ctz(bits));
    }
  }
}

// 'ep_cpset_take_sorted()' - S's members in ascending order, S freed.
uint32_t *ep_cpset_take_sorted(ep_cpset *s, size_t *n) {
  ep_cpset_sort(s);
  uint32_t *cps = s->cps;
  *n = s->n;
  s->cps = NULL;
  ep_cpset_free(s);
  return cps;
}

// 'ep_buf_free()' - Release the buffer's memory.
void ep_buf_free(ep_buf *b) {
  free(b->data);
  ep_buf_init(b);
}

// 'ep_buf_grow()' - Make room for N more bytes and the NUL (doubling).
void ep_buf_grow(ep_buf *b, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1)
      cap *= 2;
    b->data = ep_xrealloc(b->data, cap);
    b->cap = cap;
  }
}

// 'ep_buf_puts()' - Append a C string.
void ep_buf_puts(ep_buf *b, const char *s) { ep_buf_put(b, s, strlen(s)); }

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

// 'ep_utf8_decode_any()' - Decode one strict UTF-8 sequence of any length.
size_t ep_utf8_decode_any(const unsigned char *s, size_t n, uint32_t *cp) {
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

// 'ep_display_width()' - Terminal columns of the UTF-8 string S (see util.h).
size_t ep_display_width(const char *s) {
  static const uint32_t wide[][2] = { // East Asian Wide and Fullwidth (UAX #11), main blocks
      {0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x2E80, 0x303E}, {0x3041, 0x33FF},
      {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xA960, 0xA97F}, {0xAC00, 0xD7A3},
      {0xF900, 0xFAFF}, {0xFE10, 0xFE19}, {0xFE30, 0xFE6F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6},
      {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}};
  size_t w = 0, n = strlen(s);
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t l = ep_utf8_decode((const unsigned char *)s + i, n - i, &cp);
    i += l ? l : 1;
    if (!l) {
      w++;
      continue;
    }
    int cw = (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0xFE00 && cp <= 0xFE0F) ? 0 : 1;
    for (size_t k = 0; k < sizeof wide / sizeof *wide; k++)
      if (cp >= wide[k][0] && cp <= wide[k][1])
        cw = 2;
    w += (size_t)cw;
  }
  return w;
}

// 'ep_print_padded()' - Print S to OUT and spaces up to WIDTH terminal columns.
void ep_print_padded(const char *s, size_t width, FILE *out) {
  fputs(s, out);
  for (size_t w = ep_display_width(s); w < width; w++)
    fputc(' ', out);
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

// 'ep_path_normalize()' - Absolute, lexically normalised PATH (see util.h).
char *ep_path_normalize(const char *base, const char *path) {
  ep_buf in, out;
  ep_buf_init(&in);
  ep_buf_init(&out);
  if (path[0] != '/')
    ep_buf_printf(&in, "%s/", base ? base : "");
  ep_buf_puts(&in, path);
  const char *p = ep_buf_str(&in);
  while (*p) {
    while (*p == '/')
      p++;
    const char *e = p;
    while (*e && *e != '/')
      e++;
    size_t n = (size_t)(e - p);
    if (n == 2 && p[0] == '.' && p[1] == '.') {
      while (out.len && out.data[out.len - 1] != '/')
        out.len--;
      if (out.len)
        out.len--; // the slash before the removed part
      if (out.data)
        out.data[out.len] = 0;
    } else if (n && !(n == 1 && p[0] == '.')) {
      ep_buf_putc(&out, '/');
      ep_buf_put(&out, p, n);
    }
    p = e;
  }
  char *r = ep_xstrdup(out.len ? ep_buf_str(&out) : "/");
  ep_buf_free(&in);
  ep_buf_free(&out);
  return r;
}

// 'ep_path_under()' - PATH's part below ROOT, or NULL.
const char *ep_path_under(const char *path, const char *root) {
  size_t rl = strlen(root);
  while (rl > 1 && root[rl - 1] == '/')
    rl--;
  if (rl == 1 && root[0] == '/')
    return path[0] == '/' ? path + 1 : NULL;
  if (strncmp(path, root, rl) != 0)
    return NULL;
  if (path[rl] == 0)
    return path + rl;
  return path[rl] == '/' ? path + rl + 1 : NULL;
}

#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
#define MAX_LINKS 40

// 'ep_open_beneath_walk()' - The openat(O_NOFOLLOW) walk of ep_open_beneath(): every
// component is opened relative to a descriptor this function holds, ".." pops
// its own stack (never the kernel's ".."), and a symbolic link is read and its
// text put in front of the rest of the path (an absolute one leads out).
int ep_open_beneath_walk(int dirfd, const char *rel) {
  enum { DEPTH = 256 };
  int stack[DEPTH];
  int depth = 0, links = 0, result = -1, err = 0;
  stack[0] = dirfd;
  ep_buf rest;
  ep_buf_init(&rest);
  ep_buf_puts(&rest, rel);
  size_t pos = 0;
  for (;;) {
    const char *s = ep_buf_str(&rest);
    while (s[pos] == '/')
      pos++;
    if (!s[pos]) {
      err = EISDIR; // the path names a folder (or nothing)
      break;
    }
    size_t end = pos;
    while (s[end] && s[end] != '/')
      end++;
    char comp[NAME_MAX + 1];
    if (end - pos > NAME_MAX) {
      err = ENAMETOOLONG;
      break;
    }
    memcpy(comp, s + pos, end - pos);
    comp[end - pos] = 0;
    size_t next = end;
    while (s[next] == '/')
      next++;
    bool last = s[next] == 0;
    pos = end;
    if (!strcmp(comp, "."))
      continue;
    if (!strcmp(comp, "..")) {
      if (depth == 0) {
        err = EXDEV;
        break;
      }
      close(stack[depth--]);
      continue;
    }
    int fd = last ? openat(stack[depth], comp, OPEN_FLAGS | O_NOFOLLOW)
                  : openat(stack[depth], comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 && last) {
      result = fd;
      break;
    }
    if (fd >= 0) {
      if (depth + 1 >= DEPTH) {
        close(fd);
        err = ELOOP;
        break;
      }
      stack[++depth] = fd;
      continue;
    }
    err = errno;
    if (err != ELOOP && err != ENOTDIR)
      break;
    char target[PATH_MAX];
    ssize_t n = readlinkat(stack[depth], comp, target, sizeof target - 1);
    if (n < 0)
      break; // not a symbolic link: ELOOP/ENOTDIR stands
    target[n] = 0;
    if (target[0] == '/') {
      err = EXDEV;
      break;
    }
    if (++links > MAX_LINKS) {
      err = ELOOP;
      break;
    }
    ep_buf nb;
    ep_buf_init(&nb);
    ep_buf_printf(&nb, "%s/%s", target, ep_buf_str(&rest) + pos);
    ep_buf_free(&rest);
    rest = nb;
    pos = 0;
  }
  while (depth > 0)
    close(stack[depth--]);
  ep_buf_free(&rest);
  if (result < 0)
    errno = err ? err : ENOENT;
  return result;
}

// 'ep_open_beneath()' - Open REL beneath DIRFD for reading (see util.h).
int ep_open_beneath(int dirfd, const char *rel) {
  if (!rel[0] || rel[0] == '/') {
    errno = rel[0] ? EXDEV : EISDIR;
    return -1;
  }
#ifdef EP_HAVE_OPENAT2
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = OPEN_FLAGS;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
  if (fd >= 0)
    return (int)fd;
  if (errno != ENOSYS && errno != EPERM && errno != E2BIG)
    return -1; // EPERM/E2BIG: a seccomp filter or an old kernel refused the call itself
#endif
  return ep_open_beneath_walk(dirfd, rel);
}

// 'ep_open_beneath_dir()' - Open REL beneath the folder DIR (see util.h).
int ep_open_beneath_dir(const char *dir, const char *rel) {
  int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return -1;
  int fd = ep_open_beneath(dfd, rel);
  int e = errno;
  close(dfd);
  errno = e;
  return fd;
}

// 'ep_open_confined()' - Open PATH beneath ROOT (see util.h).
ep_confined_rc ep_open_confined(const char *root, const char *base, const char *path, char **abs,
                                int *fd, int *err) {
  *fd = -1;
  *err = 0;
  char *rroot = ep_path_normalize("/", root);
  *abs = ep_path_normalize(base, path);
  const char *rel = ep_path_under(*abs, rroot);
  ep_confined_rc rc = EP_CONFINED_OUTSIDE;
  if (rel) {
    int rfd = open(rroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
    int f = rfd < 0 ? -1 : ep_open_beneath(rfd, rel);
    int e = errno;
    if (rfd >= 0)
      close(rfd);
    if (f >= 0) {
      *fd = f;
      rc = EP_CONFINED_OK;
    } else if (rfd >= 0 && e == EXDEV) {
      rc = EP_CONFINED_OUTSIDE;
    } else {
      *err = e;
      rc = EP_CONFINED_FAILED;
    }
  }
  free(rroot);
  return rc;
}

// 'ep_read_fd()' - Read the regular file on FD, at most LIMIT bytes (see util.h).
unsigned char *ep_read_fd(int fd, size_t limit, size_t *len) {
  struct stat sb;
  if (fstat(fd, &sb) != 0)
    return NULL;
  if (!S_ISREG(sb.st_mode)) {
    errno = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
    return NULL;
  }
  if ((unsigned long long)sb.st_size > limit) {
    errno = EFBIG;
    return NULL;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0 && (fl & O_NONBLOCK))
    (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  size_t cap = (size_t)sb.st_size + 1, n = 0;
  unsigned char *buf = ep_xmalloc(cap + 1);
  for (;;) {
    if (n == cap) {
      if (cap > limit) { // the file grew past the limit while being read
        free(buf);
        errno = EFBIG;
        return NULL;
      }
      cap = cap * 2 > limit + 1 ? limit + 1 : cap * 2;
      buf = ep_xrealloc(buf, cap + 1);
    }
    ssize_t got = read(fd, buf + n, cap - n);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      int e = errno;
      free(buf);
      errno = e;
      return NULL;
    }
    if (got == 0)
      break;
    n += (size_t)got;
  }
  if (n > limit) {
    free(buf);
    errno = EFBIG;
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}

// 'ep_write_all()' - Write N bytes, retrying short writes and EINTR.
int ep_write_all(int fd, const void *data, size_t n) {
  const unsigned char *p = data;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      return errno;
    if (w == 0)
      return EIO;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

// 'ep_tmpfile_anon()' - An O_TMPFILE in DIR (see util.h).
int ep_tmpfile_anon(const char *dir) { return open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600); }

#define TMP_TAG ".evalpdf-"

// 'split_dir()' - The folder of PATH ("." when none) as a heap string; *BASE its last part.
static char *split_dir(const char *path, const char **base) {
  const char *slash = strrchr(path, '/');
  *base = slash ? slash + 1 : path;
  if (!slash)
    return ep_xstrdup(".");
  if (slash == path)
    return ep_xstrdup("/");
  size_t n = (size_t)(slash - path);
  char *d = ep_xmalloc(n + 1);
  memcpy(d, path, n);
  d[n] = 0;
  return d;
}

// 'lock_file()' - Take an exclusive lock on the file open on FD without
// waiting: an open-file-description lock (F_OFD_SETLK; it conflicts with every
// other open of the file, in this process too, and NFS passes it to the server
// so other machines see it), or flock() where the kernel has no OFD locks.
// 0, or an errno value (EAGAIN/EACCES: someone holds it).
static int lock_file(int fd) {
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET; // l_start = l_len = 0: the whole file, however long
  if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
    return 0;
  if (errno != EINVAL)
    return errno;
  return flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : errno;
}

// 'pid_field()' - Where the PID of the named temporary N starts (just after
// the last TMP_TAG), or NULL when N has no tag past its first character.
static const char *pid_field(const char *n) {
  const char *tag = strstr(n, TMP_TAG), *next;
  while (tag && (next = strstr(tag + 1, TMP_TAG)) != NULL)
    tag = next;
  return tag && tag != n ? tag + strlen(TMP_TAG) : NULL;
}

// 'stale_name()' - True when N is a named temporary ".X.evalpdf-PID-XXXXXX"
// (PID digits, six letters or digits) of another process than this one.
static bool stale_name(const char *n) {
  const char *p = n[0] == '.' ? pid_field(n) : NULL, *q = p;
  if (!p)
    return false;
  while (*q >= '0' && *q <= '9')
    q++;
  if (q == p || q - p > 10 || *q != '-' || strlen(q + 1) != 6)
    return false;
  for (const char *c = q + 1; *c; c++)
    if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
      return false;
  return strtol(p, NULL, 10) != (long)getpid(); // our own are live (belt and braces: they are locked)
}

// The age (by the folder's file system clock) below which an empty, unlocked
// named temporary is left alone while the process its name gives runs: its
// owner may be between creating and locking it.
#define STALE_GRACE_SECONDS 60

// 'name_pid_gone()' - True when the PID in the named temporary N (a
// stale_name()) is no process on this machine. A writer killed while it
// writes its first bytes leaves an empty file: removed at once then, not a
// minute later. (On a file system shared between machines the PID may be
// another machine's: an empty file there is only ever one being created,
// and its owner is between two calls.)
static bool name_pid_gone(const char *n) {
  const char *p = pid_field(n);
  long pid = p ? strtol(p, NULL, 10) : 0;
  return pid > 0 && pid <= INT_MAX && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

// 'remove_stale()' - Remove the named temporaries in DIR whose owner is gone.
// A candidate must have the name of one (stale_name()), be a regular file of
// this user, and its lock must be free: every writer holds it until it closes
// the file, a killed process loses it, and NFS carries it between machines,
// so neither PID reuse nor another machine's live file can mislead. An empty
// one must also be STALE_GRACE_SECONDS older than NOW (the mtime of a file
// this call's caller just created there, so both times come from one clock),
// or name a PID that no process of this machine has (name_pid_gone()).
// The name is checked to still be the file that was locked before it goes.
static void remove_stale(const char *dir, const struct timespec *now) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    const char *n = de->d_name;
    if (!stale_name(n))
      continue;
    int fd = openat(dirfd(d), n, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
      continue;
    struct stat sb, again;
    bool gone = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid() && lock_file(fd) == 0 &&
                (sb.st_size > 0 || now->tv_sec - sb.st_mtim.tv_sec >= STALE_GRACE_SECONDS || name_pid_gone(n)) &&
                fstatat(dirfd(d), n, &again, AT_SYMLINK_NOFOLLOW) == 0 && again.st_dev == sb.st_dev &&
                again.st_ino == sb.st_ino;
    if (gone)
      unlinkat(dirfd(d), n, 0);
    close(fd); // releases the lock
  }
  closedir(d);
}

// 'process_umask()' - The umask, read without changing it (umask() would race
// with other threads): Linux /proc/self/status, else 022.
static unsigned process_umask(void) {
  unsigned mask = 022;
  FILE *f = fopen("/proc/self/status", "re");
  if (!f)
    return mask;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    unsigned m;
    if (sscanf(line, "Umask: %o", &m) == 1) {
      mask = m & 0777;
      break;
    }
  }
  fclose(f);
  return mask;
}

// 'ep_sweeps_init()' - An empty set of swept folders (see util.h).
void ep_sweeps_init(ep_sweeps *s) {
  memset(s, 0, sizeof *s);
  pthread_mutex_init(&s->lock, NULL);
  pthread_mutex_init(&s->wait_lock, NULL);
  pthread_cond_init(&s->cv, NULL);
  s->wait_fd = -1;
}

// 'ep_sweeps_stop()' - Tell a releasing thread started ahead that no file
// will come (see util.h).
void ep_sweeps_stop(ep_sweeps *s) {
  pthread_mutex_lock(&s->lock);
  if (s->waiting) { // started ahead, and no file came
    pthread_mutex_lock(&s->wait_lock);
    s->wait_cancel = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->wait_lock);
  }
  pthread_mutex_unlock(&s->lock);
}

// 'ep_sweeps_free()' - Free the folder names the set holds.
void ep_sweeps_free(ep_sweeps *s) {
  ep_sweeps_stop(s);
  if (s->releasing)
    pthread_join(s->releaser, NULL);
  for (unsigned i = 0; i < EP_SWEEP_SLOTS; i++)
    free(s->dir[i]);
  pthread_cond_destroy(&s->cv);
  pthread_mutex_destroy(&s->wait_lock);
  pthread_mutex_destroy(&s->lock);
  memset(s, 0, sizeof *s);
}

// 'release_main()' - The releasing thread: close the descriptor ARG holds.
static void *release_main(void *arg) {
  close((int)(intptr_t)arg);
  return NULL;
}

// 'release_wait_main()' - A releasing thread started ahead (ARG: its
// ep_sweeps): wait for the descriptor ep_sweeps_release() gives it, or for
// ep_sweeps_free(), then close it.
static void *release_wait_main(void *arg) {
  ep_sweeps *s = arg;
  pthread_mutex_lock(&s->wait_lock);
  while (s->wait_fd < 0 && !s->wait_cancel)
    pthread_cond_wait(&s->cv, &s->wait_lock);
  int fd = s->wait_fd;
  s->wait_fd = -1;
  pthread_mutex_unlock(&s->wait_lock);
  if (fd >= 0)
    close(fd);
  return NULL;
}

// 'releaser_start()' - Start S's releasing thread running FN(ARG), with
// S's own thread starter when it has one; true when it runs.
static bool releaser_start(ep_sweeps *s, void *(*fn)(void *), void *arg) {
  return (s->start ? s->start(&s->releaser, fn, arg) : pthread_create(&s->releaser, NULL, fn, arg)) == 0;
}

// 'ep_sweeps_ready()' - Start the releasing thread ahead (see util.h).
void ep_sweeps_ready(ep_sweeps *s) {
  if (!s)
    return;
  pthread_mutex_lock(&s->lock);
  if (!s->waiting) {
    if (s->releasing) // the previous one: given its descriptor, and done as a rule
      pthread_join(s->releaser, NULL);
    s->wait_fd = -1; // (no releaser runs now: no WAIT_LOCK needed)
    s->wait_cancel = false;
    s->releasing = releaser_start(s, release_wait_main, s);
    s->waiting = s->releasing;
  }
  pthread_mutex_unlock(&s->lock);
}

// 'ep_sweeps_release()' - Close a replaced file's last reference off the caller's path (see util.h).
void ep_sweeps_release(ep_sweeps *s, int fd) {
  if (fd < 0)
    return;
  if (!s) {
    close(fd);
    return;
  }
  pthread_mutex_lock(&s->lock);
  if (s->waiting) { // started ahead: it takes this one
    s->waiting = false;
    pthread_mutex_lock(&s->wait_lock);
    s->wait_fd = fd;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->wait_lock);
    pthread_mutex_unlock(&s->lock);
    return;
  }
  if (s->releasing) // the previous one: long done, as a rule
    pthread_join(s->releaser, NULL);
  bool started = releaser_start(s, release_main, (void *)(intptr_t)fd);
  s->releasing = started;
  pthread_mutex_unlock(&s->lock);
  if (!started) // (read after the unlock, s->releasing may be another caller's)
    close(fd);
}

// 'sweep_due()' - Whether DIR's stale temporaries are to be removed now: yes
// without a set S, or when S has not seen DIR in the last EP_SWEEP_SECONDS.
// A yes is recorded at once, so that threads writing into the same folder
// sweep it once between them.
static bool sweep_due(ep_sweeps *s, const char *dir) {
  if (!s)
    return true;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  int64_t now = (int64_t)ts.tv_sec;
  bool due = true;
  pthread_mutex_lock(&s->lock);
  unsigned i = 0;
  while (i < EP_SWEEP_SLOTS && !(s->dir[i] && strcmp(s->dir[i], dir) == 0))
    i++;
  if (i < EP_SWEEP_SLOTS) {
    due = now - s->at[i] >= EP_SWEEP_SECONDS;
  } else {
    i = s->next;
    s->next = (s->next + 1) % EP_SWEEP_SLOTS;
    free(s->dir[i]);
    s->dir[i] = ep_xstrdup(dir);
  }
  if (due)
    s->at[i] = now;
  pthread_mutex_unlock(&s->lock);
  return due;
}

// 'ep_outfile_open()' - Start a new version of TARGET (see util.h).
int ep_outfile_open(ep_outfile *o, const char *target, ep_sweeps *sweeps) {
  memset(o, 0, sizeof *o);
  o->fd = -1;
  struct stat st;
  if (stat(target, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return EISDIR;
    o->mode = st.st_mode & 07777;
    o->replaces = S_ISREG(st.st_mode);
  } else {
    o->mode = 0666 & ~process_umask(); // a new file (reading the umask costs a /proc read)
  }
  char *resolved = realpath(target, NULL); // keep a symbolic link: replace what it points to
  o->target = resolved ? resolved : ep_xstrdup(target);
  const char *base;
  char *dir = split_dir(o->target, &base);
  // (tests/run-kill.sh tries the named path below anywhere by preloading a
  // shim that refuses O_TMPFILE, as a file system without it does)
  int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT) {
    int e = errno;
    free(dir);
    free(o->target);
    o->target = NULL;
    return e;
  }
  if (fd < 0) {
    size_t blen = strlen(base) > 200 ? 200 : strlen(base);
    ep_buf t;
    ep_buf_init(&t);
    ep_buf_printf(&t, "%s/.%.*s" TMP_TAG "%ld-XXXXXX", dir, (int)blen, base, (long)getpid());
    o->tmpname = ep_xstrdup(ep_buf_str(&t));
    ep_buf_free(&t);
    fd = mkostemp(o->tmpname, O_CLOEXEC);
    if (fd < 0) {
      int e = errno;
      free(dir);
      ep_outfile_abandon(o);
      return e;
    }
  }
  // Held until the file is closed (a linked O_TMPFILE is locked before it has
  // a name); where the file system has no locks, no other process can take
  // one either, and remove_stale() then leaves every file alone.
  (void)lock_file(fd);
  free(dir);
  o->fd = fd;
  o->sweeps = sweeps; // o->swept is false: the open zeroed *O
  if (o->replaces) // its releasing thread starts now, if none waits yet
    ep_sweeps_ready(sweeps);
  return 0;
}

// 'ep_outfile_sweep()' - Remove the stale temporaries of O's folder (see util.h).
void ep_outfile_sweep(ep_outfile *o) {
  if (o->swept || o->fd < 0 || !o->target)
    return;
  o->swept = true;
  const char *base;
  char *dir = split_dir(o->target, &base);
  struct stat mine;
  if (sweep_due(o->sweeps, dir) && fstat(o->fd, &mine) == 0)
    remove_stale(dir, &mine.st_mtim);
  free(dir);
}

// 'link_in_place()' - Give the O_TMPFILE on O->fd a recognisable temporary
// name next to the target and rename it over the target. 0 or an errno value.
static int link_in_place(ep_outfile *o) {
  const char *base;
  char *dir = split_dir(o->target, &base);
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
  size_t blen = strlen(base) > 200 ? 200 : strlen(base);
  int e = EEXIST;
  for (unsigned i = 0; i < 100 && e == EEXIST; i++) {
    char name[PATH_MAX];
    unsigned r = (unsigned)getpid() * 2654435761u + (unsigned)i * 40503u + (unsigned)(size_t)o;
    snprintf(name, sizeof name, "%s/.%.*s" TMP_TAG "%ld-%06u", dir, (int)blen, base, (long)getpid(),
             r % 1000000u);
    e = linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0 ? 0 : errno;
    if (e == 0) {
      e = rename(name, o->target) == 0 ? 0 : errno;
      if (e)
        unlink(name);
      break;
    }
  }
  free(dir);
  return e;
}

// 'ep_outfile_commit()' - Put the new file in place (see util.h).
int ep_outfile_commit(ep_outfile *o) {
  int e = 0;
  if (fchmod(o->fd, o->mode) != 0)
    e = errno;
  // A reference to the file being replaced, so that the rename does not
  // free it: that is left to the sweeps' releasing thread.
  int old = e == 0 && o->replaces ? open(o->target, O_PATH | O_CLOEXEC) : -1;
  if (e == 0)
    e = o->tmpname ? (rename(o->tmpname, o->target) == 0 ? 0 : errno) : link_in_place(o);
  ep_sweeps_release(o->sweeps, old);
  if (e == 0) {
    free(o->tmpname);
    o->tmpname = NULL; // in place: nothing to remove
  }
  if (close(o->fd) != 0 && e == 0)
    e = errno;
  o->fd = -1;
  ep_outfile_abandon(o);
  return e;
}

// 'ep_outfile_abandon()' - Close and discard (see util.h).
void ep_outfile_abandon(ep_outfile *o) {
  if (o->fd >= 0)
    close(o->fd);
  if (o->tmpname)
    unlink(o->tmpname);
  free(o->tmpname);
  free(o->target);
  memset(o, 0, sizeof *o);
  o->fd = -1;
}

// 'ep_make_dir()' - Create DIR and its missing parents, mode 0700 (see util.h).
bool ep_make_dir(const char *dir) {
  if (mkdir(dir, 0700) == 0 || errno == EEXIST)
    return true;
  char parent[4096];
  if (errno != ENOENT || (size_t)snprintf(parent, sizeof parent, "%s", dir) >= sizeof parent)
    return false;
  char *slash = strrchr(parent, '/');
  if (!slash || slash == parent)
    return false;
  *slash = 0;
  return ep_make_dir(parent) && (mkdir(dir, 0700) == 0 || errno == EEXIST);
}

// 'ep_write_private()' - A cache's file, put in place whole (see util.h).
bool ep_write_private(const char *tmp, const char *final, const void *const *parts, const size_t *lens, size_t n) {
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return false;
  bool ok = true;
  for (size_t i = 0; ok && i < n; i++)
    ok = ep_write_all(fd, parts[i], lens[i]) == 0;
  ok = close(fd) == 0 && ok && rename(tmp, final) == 0;
  if (!ok)
    unlink(tmp);
  return ok;
}

// 'ep_errno_text()' - strerror() through strerror_r (GNU: may return a static string).
const char *ep_errno_text(int err, char *buf, size_t size) { return strerror_r(err, buf, size); }

// 'ep_dl_resolve()' - Resolve a table of functions (see util.h).
const char *ep_dl_resolve(void *handle, const ep_dl_fn *fns, size_t n) {
  for (size_t i = 0; i < n; i++) {
    // POSIX: a dlsym() result converts to a function pointer; copied bytewise
    // so ISO C's object/function pointer rule is not broken.
    void *sym = dlsym(handle, fns[i].name);
    if (!sym)
      return fns[i].name;
    memcpy(fns[i].slot, &sym, sizeof sym);
  }
  return NULL;
}
