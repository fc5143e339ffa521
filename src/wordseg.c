// Word segmentation with ICU's word break iterator (see wordseg.h).
#include "wordseg.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/utf16.h>

#define MEMO_SLOTS 512 // remembered segmentations (a power of two); titles and table headers repeat

// One remembered segmentation: the code points and the inside[] flags.
typedef struct memo_entry {
  uint32_t *cps; // NULL: empty slot
  bool *inside;
  size_t n;
} memo_entry;

struct ep_wordseg {
  UBreakIterator *bi; // word iterator for "zh" (dictionary-based for Han)
  memo_entry memo[MEMO_SLOTS];
};

// 'ep_wordseg_new()' - A Chinese word segmenter, or NULL.
ep_wordseg *ep_wordseg_new(void) {
  UErrorCode err = U_ZERO_ERROR;
  UBreakIterator *bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &err);
  if (U_FAILURE(err) || !bi) {
    if (bi)
      ubrk_close(bi);
    return NULL;
  }
  ep_wordseg *w = ep_xcalloc(1, sizeof *w);
  w->bi = bi;
  return w;
}

// 'ep_wordseg_free()' - Free W.
void ep_wordseg_free(ep_wordseg *w) {
  if (!w)
    return;
  for (size_t i = 0; i < MEMO_SLOTS; i++) {
    free(w->memo[i].cps);
    free(w->memo[i].inside);
  }
  ubrk_close(w->bi);
  free(w);
}

// 'memo_slot()' - The memo slot for CPS[0..N-1]: the one that holds it, or
// the empty one to fill, or NULL when the probe sequence is full.
static memo_entry *memo_slot(ep_wordseg *w, const uint32_t *cps, size_t n) {
  uint32_t h = 2166136261u; // FNV-1a over the code points
  for (size_t i = 0; i < n; i++)
    h = (h ^ cps[i]) * 16777619u;
  for (size_t k = 0; k < 8; k++) {
    memo_entry *e = &w->memo[(h + k) & (MEMO_SLOTS - 1)];
    if (!e->cps || (e->n == n && !memcmp(e->cps, cps, n * sizeof *cps)))
      return e;
  }
  return NULL;
}

// 'ep_wordseg_inside()' - Mark the code points that continue a word.
bool ep_wordseg_inside(ep_wordseg *w, const uint32_t *cps, size_t n, bool *inside) {
  if (n)
    memset(inside, 0, n * sizeof *inside);
  if (!w || n < 2 || n > (size_t)INT32_MAX / 2 - 1)
    return false;
  memo_entry *m = memo_slot(w, cps, n);
  if (m && m->cps) {
    memcpy(inside, m->inside, n * sizeof *inside);
    return true;
  }
  UChar *u = ep_xmalloc(2 * n * sizeof *u);
  size_t *at = ep_xmalloc((2 * n + 1) * sizeof *at); // UTF-16 offset -> code point index
  int32_t len = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = cps[i] > 0x10FFFF || (cps[i] >= 0xD800 && cps[i] <= 0xDFFF) ? 0xFFFD : cps[i];
    at[len] = i;
    if (c > 0xFFFF) {
      u[len++] = U16_LEAD(c);
      at[len] = i;
      u[len++] = U16_TRAIL(c);
    } else {
      u[len++] = (UChar)c;
    }
  }
  at[len] = n;
  UErrorCode err = U_ZERO_ERROR;
  ubrk_setText(w->bi, u, len, &err);
  bool ok = U_SUCCESS(err);
  if (ok) {
    for (size_t i = 1; i < n; i++)
      inside[i] = true;
    for (int32_t b = ubrk_first(w->bi); b != UBRK_DONE; b = ubrk_next(w->bi))
      if (b > 0 && b < len)
        inside[at[b]] = false;
  }
  UErrorCode e2 = U_ZERO_ERROR;
  ubrk_setText(w->bi, NULL, 0, &e2); // drop the borrowed text
  free(u);
  free(at);
  if (ok && m) {
    m->cps = ep_xmalloc(n * sizeof *cps);
    memcpy(m->cps, cps, n * sizeof *cps);
    m->inside = ep_xmalloc(n * sizeof *inside);
    memcpy(m->inside, inside, n * sizeof *inside);
    m->n = n;
  }
  return ok;
}

// 'ep_wordseg_warm()' - Load ICU's word-break data and Chinese dictionary.
void ep_wordseg_warm(void) {
  static const uint32_t probe[] = {0x7EE9, 0x6548, 0x8BC4, 0x4EF7, 0x62A5, 0x544A}; // 绩效评价报告
  enum { N = sizeof probe / sizeof *probe };
  bool inside[N];
  ep_wordseg *w = ep_wordseg_new();
  ep_wordseg_inside(w, probe, N, inside);
  ep_wordseg_free(w);
}
