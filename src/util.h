// Ground utilities: arena allocation, growable strings, UTF-8 decoding,
// character classes and "did you mean" suggestions. No globals.
//
// Allocation policy: internal allocations abort the process with a message on
// out-of-memory (as cmark does); nothing returns a NULL that callers forget.
#ifndef EVALPDF_UTIL_H
#define EVALPDF_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// 'ep_xmalloc()' / 'ep_xcalloc()' / 'ep_xrealloc()' / 'ep_xstrdup()' - Allocate or abort.
void *ep_xmalloc(size_t n);
void *ep_xcalloc(size_t count, size_t size);
void *ep_xrealloc(void *p, size_t n);
char *ep_xstrdup(const char *s);

// An arena: many small allocations freed together. Owned by whoever created it.
typedef struct ep_arena_block ep_arena_block;
typedef struct ep_arena {
  ep_arena_block *head; // newest block first
} ep_arena;

// 'ep_arena_init()' - Start an empty arena.
void ep_arena_init(ep_arena *a);
// 'ep_arena_free()' - Free every allocation of A at once.
void ep_arena_free(ep_arena *a);
// 'ep_arena_alloc()' - N zeroed bytes, 16-byte aligned, owned by A.
void *ep_arena_alloc(ep_arena *a, size_t n);
// 'ep_arena_strdup()' - A copy of S (NULL → NULL) owned by A.
char *ep_arena_strdup(ep_arena *a, const char *s);
// 'ep_arena_strndup()' - A NUL-terminated copy of N bytes of S owned by A.
char *ep_arena_strndup(ep_arena *a, const char *s, size_t n);

// A growable NUL-terminated byte string (heap-owned by the struct).
typedef struct ep_buf {
  char *data; // always NUL-terminated once anything was appended; NULL when empty
  size_t len;
  size_t cap;
} ep_buf;

void ep_buf_init(ep_buf *b);                                 // 'ep_buf_init()' - Empty buffer.
void ep_buf_free(ep_buf *b);                                 // 'ep_buf_free()' - Release memory.
void ep_buf_put(ep_buf *b, const char *s, size_t n);         // 'ep_buf_put()' - Append N bytes.
void ep_buf_puts(ep_buf *b, const char *s);                  // 'ep_buf_puts()' - Append a C string.
void ep_buf_putc(ep_buf *b, char c);                         // 'ep_buf_putc()' - Append a byte.
void ep_buf_put_cp(ep_buf *b, uint32_t cp);                  // 'ep_buf_put_cp()' - Append a code point as UTF-8.
void ep_buf_printf(ep_buf *b, const char *fmt, ...)          // 'ep_buf_printf()' - Append formatted text.
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
const char *ep_buf_str(const ep_buf *b); // 'ep_buf_str()' - Contents ("" when empty); borrowed.

// 'ep_utf8_decode()' - Decode one code point from S (at most N bytes). Stores
// the code point in *CP and returns its byte length (1..4), or 0 when the bytes
// are not valid UTF-8 (overlong, surrogate, above U+10FFFF, truncated).
size_t ep_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

// 'ep_utf8_next()' - The code point at S[*I] (S has LEN bytes, *I < LEN), moving
// *I past it; a byte that does not start valid UTF-8 reads as U+FFFD and is
// skipped alone. The one decoding loop step for text that is shown, not checked.
uint32_t ep_utf8_next(const char *s, size_t len, size_t *i);

// 'ep_utf8_encode()' - Write CP as UTF-8 into OUT (4 bytes room); returns the length.
size_t ep_utf8_encode(uint32_t cp, char *out);

// 'ep_is_cjk()' - True for characters set on the CJK grid: ideographs, kana,
// hangul, CJK and full-width punctuation, and the Chinese-context marks
// “”‘’—…·. Whitespace between two such characters is dropped.
bool ep_is_cjk(uint32_t cp);

// 'ep_is_xml_space()' - Space, tab, CR or LF.
bool ep_is_xml_space(uint32_t cp);

// 'ep_edit_distance()' - Levenshtein distance between two UTF-8 strings by code
// point, capped at CAP (returns CAP when the true distance is >= CAP).
size_t ep_edit_distance(const char *a, const char *b, size_t cap);

// 'ep_suggest()' - The candidate closest to WORD ("did you mean"), or NULL when
// none is close: an exact alias hit first (ALIASES is a NULL-terminated list of
// "wrong=right" pairs, may be NULL), then the smallest edit distance within
// max(1, len/3) (ties: first in the list), then a candidate that is a prefix of
// WORD or has WORD as a prefix. CANDIDATES is NULL-terminated. Borrowed result.
const char *ep_suggest(const char *word, const char *const *candidates, const char *const *aliases);

#endif
