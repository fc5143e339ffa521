// Word segmentation for Chinese text (see wordseg.h).
//
// Most texts are segmented here, straight from ICU's Chinese word dictionary
// (cjdict, a UCharsTrie of words with a cost each): for each run of Han
// characters, the cheapest split into dictionary words, a character that
// starts no one-character word costing 255. That is the dictionary engine
// behind ICU's word break iterator, without its start-up: the iterator's
// engine builds its character sets from property patterns, some 7.6 million
// instructions (2.6 ms) the first time a process meets a Han character.
// Texts the fast path does not cover exactly (kana, whose runs the engine
// treats with its own heuristic, compatibility ideographs, which it
// normalises first, and other Han characters outside the BMP's unified
// blocks) go to ICU's iterator itself, opened the first time one comes.
// test_wordseg checks both paths against the iterator.
#include "wordseg.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/udata.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>

#define MEMO_SLOTS 512 // remembered segmentations (a power of two); titles and table headers repeat
#define MAX_WORD 20    // the longest dictionary word looked for, in characters (as ICU's engine)
#define LONE_COST 255  // the cost of a character that starts no one-character word (as ICU's engine)

// One remembered segmentation: the code points and the inside[] flags.
typedef struct memo_entry {
  uint32_t *cps; // NULL: empty slot
  bool *inside;
  size_t n;
} memo_entry;

struct ep_wordseg {
  UDataMemory *dict_mem; // ICU's cjdict, or NULL (then every text goes to the iterator)
  const uint16_t *trie;  // its UCharsTrie
  size_t trie_len;       // in 16-bit units
  UBreakIterator *bi;    // word iterator for "zh", opened on first need; NULL until then
  bool bi_failed;        // it could not be opened
  memo_entry memo[MEMO_SLOTS];
};

// 'dict_acceptable()' - udata_openChoice's filter: ICU dictionary data ("Dict"), format 1.
static UBool dict_acceptable(void *context, const char *type, const char *name, const UDataInfo *info) {
  (void)context;
  (void)type;
  (void)name;
  return info->size >= 20 && info->isBigEndian == U_IS_BIG_ENDIAN && info->charsetFamily == U_CHARSET_FAMILY &&
         !memcmp(info->dataFormat, "Dict", 4) && info->formatVersion[0] == 1;
}

// 'open_dict()' - Point W at ICU's Chinese word dictionary; false when ICU
// has none of the expected form.
static bool open_dict(ep_wordseg *w) {
  UErrorCode err = U_ZERO_ERROR;
  UDataMemory *m = udata_openChoice(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "brkitr", "dict", "cjdict",
                                    dict_acceptable, NULL, &err);
  if (U_FAILURE(err) || !m)
    return false;
  // The data starts with 8 int32 indexes: [0] where the trie starts, [3]
  // the total size (both in bytes from the start), [4] the trie type (low 3
  // bits: 1 = UCharsTrie).
  const int32_t *ix = udata_getMemory(m);
  if (!ix || ix[0] < 32 || ix[3] <= ix[0] || (ix[0] & 1) || (ix[4] & 7) != 1) {
    udata_close(m);
    return false;
  }
  w->dict_mem = m;
  w->trie = (const uint16_t *)((const char *)ix + ix[0]);
  w->trie_len = (size_t)(ix[3] - ix[0]) / 2;
  // The segmentation walks the trie (1.9 MiB in ICU 72) all over: mapped at
  // once, the example's render thread took some 16 page faults fewer in it
  // (0.16 ms less for a first render, 95% interval 0.07-0.27, on the
  // 2026-12-04 test VM). Mapped already, the second call costs little.
  ep_populate_read(ix, (size_t)ix[3]);
  return true;
}

// 'ep_wordseg_new()' - A Chinese word segmenter (never NULL: without the
// dictionary every text goes to ICU's iterator, and without that no text
// is segmented).
ep_wordseg *ep_wordseg_new(void) {
  ep_wordseg *w = ep_xcalloc(1, sizeof *w);
  open_dict(w);
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
  if (w->bi)
    ubrk_close(w->bi);
  if (w->dict_mem)
    udata_close(w->dict_mem);
  free(w);
}

// --- The dictionary trie -----------------------------------------------------
//
// A UCharsTrie (ICU's ucharstrie.h documents the layout) is a sequence of
// 16-bit units. A node's lead unit says what it is: below 0x30 a branch on
// the next character (its length), 0x30-0x3f a run of 1-16 characters to
// match, 0x40 and above a value (bit 15: no node follows). Branches are a
// binary search over jump deltas, ending in a short linear list of
// (character, value or jump) pairs. A walk that would leave the data stops
// as a mismatch.

enum { T_NO_MATCH, T_NO_VALUE, T_FINAL, T_INTERMEDIATE }; // as UStringTrieResult

// A walk through the trie.
typedef struct trie_walk {
  const uint16_t *base, *end;
  const uint16_t *pos; // the next unit to read; NULL: stopped
  int rem;             // characters left in a linear run, minus 1 (-1: none)
} trie_walk;

// 'value_result()' - The result for a value node with lead unit NODE.
static int value_result(unsigned node) { return node & 0x8000 ? T_FINAL : T_INTERMEDIATE; }

// 'tw_ok()' - Whether the N units at P are inside W's data.
static bool tw_ok(const trie_walk *w, const uint16_t *p, size_t n) {
  return p >= w->base && p <= w->end && (size_t)(w->end - p) >= n;
}

// 'after_value()' - P (after a value's lead unit LEAD, bit 15 cleared) moved past the value.
static const uint16_t *after_value(const uint16_t *p, unsigned lead) {
  return lead < 0x4000 ? p : lead < 0x7fff ? p + 1 : p + 2;
}

// 'read_value()' - The value at P (after its lead unit LEAD, bit 15 cleared).
static int32_t read_value(const trie_walk *w, const uint16_t *p, unsigned lead) {
  if (lead < 0x4000)
    return (int32_t)lead;
  if (lead < 0x7fff)
    return tw_ok(w, p, 1) ? (int32_t)(((lead - 0x4000) << 16) | p[0]) : 0;
  return tw_ok(w, p, 2) ? (int32_t)(((uint32_t)p[0] << 16) | p[1]) : 0;
}

// 'read_node_value()' - The value of a node value at P (after its lead unit LEAD).
static int32_t read_node_value(const trie_walk *w, const uint16_t *p, unsigned lead) {
  if (lead < 0x4040)
    return (int32_t)(lead >> 6) - 1;
  if (lead < 0x7fc0)
    return tw_ok(w, p, 1) ? (int32_t)((((lead & 0x7fc0) - 0x4040) << 10) | p[0]) : 0;
  return tw_ok(w, p, 2) ? (int32_t)(((uint32_t)p[0] << 16) | p[1]) : 0;
}

// 'after_node_value()' - P (after a node value's lead unit LEAD) moved past it.
static const uint16_t *after_node_value(const uint16_t *p, unsigned lead) {
  return lead < 0x4040 ? p : lead < 0x7fc0 ? p + 1 : p + 2;
}

// 'jump()' - Follow the jump delta at P (NULL when it leaves the data).
static const uint16_t *jump(const trie_walk *w, const uint16_t *p) {
  if (!tw_ok(w, p, 1))
    return NULL;
  uint32_t d = *p++;
  if (d >= 0xfc00) {
    if (d == 0xffff) {
      if (!tw_ok(w, p, 2))
        return NULL;
      d = ((uint32_t)p[0] << 16) | p[1];
      p += 2;
    } else {
      if (!tw_ok(w, p, 1))
        return NULL;
      d = ((d - 0xfc00) << 16) | *p++;
    }
  }
  return (size_t)(w->end - p) >= d ? p + d : NULL;
}

// 'skip_jump()' - P moved past the jump delta there.
static const uint16_t *skip_jump(const uint16_t *p) {
  uint32_t d = *p;
  return d < 0xfc00 ? p + 1 : d == 0xffff ? p + 3 : p + 2;
}

// 'tw_stop()' - End the walk without a match.
static int tw_stop(trie_walk *w) {
  w->pos = NULL;
  return T_NO_MATCH;
}

// 'tw_branch()' - Take the branch of LEN (0: in the next unit) choices at P for C.
static int tw_branch(trie_walk *w, const uint16_t *p, unsigned len, unsigned c) {
  if (len == 0) {
    if (!tw_ok(w, p, 1))
      return tw_stop(w);
    len = *p++;
  }
  len++;
  while (len > 5) { // binary search: a comparison unit, then a jump for "less"
    if (!tw_ok(w, p, 2))
      return tw_stop(w);
    if (c < *p++) {
      len >>= 1;
      p = jump(w, p);
    } else {
      len -= len >> 1;
      p = skip_jump(p);
    }
    if (!p)
      return tw_stop(w);
  }
  for (; len > 1; len--) { // linear: (character, value or jump) pairs
    if (!tw_ok(w, p, 2))
      return tw_stop(w);
    if (c == *p++) {
      unsigned node = *p;
      if (node & 0x8000) { // a final value: getValue() reads it here
        w->pos = p;
        return T_FINAL;
      }
      p++;
      int32_t d = read_value(w, p, node);
      p = after_value(p, node);
      if (d < 0 || (size_t)(w->end - p) <= (size_t)d)
        return tw_stop(w);
      p += d;
      w->pos = p;
      return *p >= 0x40 ? value_result(*p) : T_NO_VALUE;
    }
    unsigned lead = *p++ & 0x7fff;
    p = after_value(p, lead);
  }
  if (!tw_ok(w, p, 2) || c != *p++)
    return tw_stop(w);
  w->pos = p;
  return *p >= 0x40 ? value_result(*p) : T_NO_VALUE;
}

// 'tw_next()' - Walk on by the character C (BMP); the result says whether the
// characters so far are a word (T_FINAL, T_INTERMEDIATE) and whether more may follow.
static int tw_next(trie_walk *w, unsigned c) {
  const uint16_t *p = w->pos;
  if (!p)
    return T_NO_MATCH;
  if (w->rem >= 0) { // inside a linear run
    if (!tw_ok(w, p, 2) || c != *p++)
      return tw_stop(w);
    w->rem--;
    w->pos = p;
    return w->rem < 0 && *p >= 0x40 ? value_result(*p) : T_NO_VALUE;
  }
  if (!tw_ok(w, p, 1))
    return tw_stop(w);
  unsigned node = *p++;
  for (;;) {
    if (node < 0x30)
      return tw_branch(w, p, node, c);
    if (node < 0x40) { // a linear run of node - 0x30 + 1 characters
      if (!tw_ok(w, p, 2) || c != *p++)
        return tw_stop(w);
      w->rem = (int)node - 0x30 - 1;
      w->pos = p;
      return w->rem < 0 && *p >= 0x40 ? value_result(*p) : T_NO_VALUE;
    }
    if (node & 0x8000) // a final value: nothing follows
      return tw_stop(w);
    p = after_node_value(p, node); // a value on the way: skip it
    node &= 0x3f;
  }
}

// 'tw_value()' - The value of the word the walk has just matched.
static int32_t tw_value(const trie_walk *w) {
  const uint16_t *p = w->pos;
  unsigned lead = *p++;
  return lead & 0x8000 ? read_value(w, p, lead & 0x7fff) : read_node_value(w, p, lead);
}

// --- Segmentation ------------------------------------------------------------

// 'is_fast_han()' - True for the Han characters the fast path segments: the
// BMP's unified ideographs (all assigned, none changed by NFKC).
static bool is_fast_han(uint32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF); }

// 'is_dict_char()' - True for a character of ICU's Chinese/Japanese
// dictionary engine ([[:Han:][:Hiragana:][:Katakana:]\u30fc\uff70\uff9e\uff9f]).
static bool is_dict_char(uint32_t c) {
  if (is_fast_han(c))
    return true;
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return false;
  if (c == 0x30FC || c == 0xFF70 || c == 0xFF9E || c == 0xFF9F)
    return true;
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode s = uscript_getScript((UChar32)c, &err);
  return U_SUCCESS(err) && (s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA);
}

// 'split_run()' - Mark in INSIDE the word-internal positions of the run of
// fast Han characters RUN[0..M-1]: the cheapest split into dictionary words.
// BEST, PREV: scratch of M + 1 entries.
static void split_run(const ep_wordseg *w, const uint32_t *run, size_t m, bool *inside, uint32_t *best,
                      size_t *prev) {
  best[0] = 0;
  for (size_t i = 1; i <= m; i++) {
    best[i] = UINT32_MAX;
    prev[i] = 0;
  }
  trie_walk base = {.base = w->trie, .end = w->trie + w->trie_len};
  for (size_t i = 0; i < m; i++) {
    if (best[i] == UINT32_MAX)
      continue;
    // The words that start at i, shortest first, with their costs.
    size_t lens[MAX_WORD + 1];
    uint32_t costs[MAX_WORD + 1];
    size_t count = 0;
    trie_walk t = base;
    t.pos = w->trie;
    t.rem = -1;
    for (size_t k = i; k < m && k - i < MAX_WORD; k++) {
      int r = tw_next(&t, run[k]);
      if (r == T_FINAL || r == T_INTERMEDIATE) {
        lens[count] = k - i + 1;
        costs[count++] = (uint32_t)tw_value(&t);
        if (r == T_FINAL)
          break;
      } else if (r == T_NO_MATCH) {
        break;
      }
    }
    if (count == 0 || lens[0] != 1) { // a character that is no word alone: the dearest word
      lens[count] = 1;
      costs[count++] = LONE_COST;
    }
    for (size_t j = 0; j < count; j++) {
      uint32_t c = best[i] + costs[j];
      if (c < best[i + lens[j]]) {
        best[i + lens[j]] = c;
        prev[i + lens[j]] = i;
      }
    }
  }
  for (size_t i = 1; i < m; i++)
    inside[i] = true;
  for (size_t i = prev[m]; i > 0; i = prev[i])
    inside[i] = false;
}

// 'fast_segment()' - Segment CPS[0..N-1] from the dictionary when every
// dictionary character in it is a fast Han one; false (nothing set) when not.
static bool fast_segment(const ep_wordseg *w, const uint32_t *cps, size_t n, bool *inside) {
  if (!w->trie)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!is_fast_han(cps[i]) && cps[i] >= 0x2E80 && is_dict_char(cps[i]))
      return false;
  uint32_t *best = ep_xmalloc((n + 1) * sizeof *best);
  size_t *prev = ep_xmalloc((n + 1) * sizeof *prev);
  for (size_t i = 0; i < n;) {
    if (!is_fast_han(cps[i])) {
      i++;
      continue;
    }
    size_t j = i + 1;
    while (j < n && is_fast_han(cps[j]))
      j++;
    split_run(w, cps + i, j - i, inside + i, best, prev);
    inside[i] = false;
    i = j;
  }
  free(best);
  free(prev);
  return true;
}

// 'icu_segment()' - Segment CPS[0..N-1] with ICU's word break iterator,
// opened on first use; false when it cannot be.
static bool icu_segment(ep_wordseg *w, const uint32_t *cps, size_t n, bool *inside) {
  if (!w->bi && !w->bi_failed) {
    UErrorCode err = U_ZERO_ERROR;
    w->bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &err);
    if (U_FAILURE(err) || !w->bi) {
      if (w->bi)
        ubrk_close(w->bi);
      w->bi = NULL;
      w->bi_failed = true;
    }
  }
  if (!w->bi)
    return false;
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
    for (size_t i = 1; i < n; i++) // only the words of dictionary text count
      inside[i] = inside[i] && is_dict_char(cps[i - 1]) && is_dict_char(cps[i]);
  }
  UErrorCode e2 = U_ZERO_ERROR;
  ubrk_setText(w->bi, NULL, 0, &e2); // drop the borrowed text
  free(u);
  free(at);
  return ok;
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
  bool ok = fast_segment(w, cps, n, inside) || icu_segment(w, cps, n, inside);
  if (ok && m) {
    m->cps = ep_xmalloc(n * sizeof *cps);
    memcpy(m->cps, cps, n * sizeof *cps);
    m->inside = ep_xmalloc(n * sizeof *inside);
    memcpy(m->inside, inside, n * sizeof *inside);
    m->n = n;
  }
  return ok;
}

// 'ep_wordseg_icu_inside()' - Segment with ICU's iterator only (the fast path's oracle).
bool ep_wordseg_icu_inside(ep_wordseg *w, const uint32_t *cps, size_t n, bool *inside) {
  if (n)
    memset(inside, 0, n * sizeof *inside);
  if (!w || n < 2 || n > (size_t)INT32_MAX / 2 - 1)
    return false;
  return icu_segment(w, cps, n, inside);
}

// 'ep_wordseg_used_icu()' - Whether W's iterator has been opened.
bool ep_wordseg_used_icu(const ep_wordseg *w) { return w && (w->bi || w->bi_failed); }

// 'ep_wordseg_warm()' - Map ICU's common data and the dictionary's first pages.
void ep_wordseg_warm(void) {
  static const uint32_t probe[] = {0x7EE9, 0x6548, 0x8BC4, 0x4EF7, 0x62A5, 0x544A}; // 绩效评价报告
  enum { N = sizeof probe / sizeof *probe };
  bool inside[N];
  ep_wordseg *w = ep_wordseg_new();
  ep_wordseg_inside(w, probe, N, inside);
  ep_wordseg_free(w);
}
