// Word segmentation for line breaking: where a run of Chinese text may be
// broken without cutting a word (困难/群众/救助/补助/—/工作/经费/项目/...),
// from ICU's Chinese word dictionary, as ICU's word break iterator splits
// it. Used for titles, headings and table header cells, which break only
// between words.
//
// Thread safety: a segmenter is used by one thread at a time (each layout
// makes its own); several may exist at once.
#ifndef EVALPDF_WORDSEG_H
#define EVALPDF_WORDSEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ep_wordseg ep_wordseg;

// 'ep_wordseg_new()' - A Chinese word segmenter (free it with
// ep_wordseg_free()). Without ICU's dictionary and iterator it finds no
// words (then callers break by character, as for body text).
ep_wordseg *ep_wordseg_new(void);

// 'ep_wordseg_free()' - Free W (NULL is allowed).
void ep_wordseg_free(ep_wordseg *w);

// 'ep_wordseg_inside()' - For the N code points CPS, set INSIDE[i] to true when
// i > 0, CPS[i-1] and CPS[i] are both Chinese or Japanese dictionary
// characters (Han, kana) and no word boundary of ICU's "zh" word break
// iterator falls between them, else false: the words of Chinese text, the
// only ones the callers ask about (a Latin word is kept whole by the line
// breaker). Returns false (INSIDE all false) when W is NULL or no
// segmentation is possible. Most texts are split straight from the
// dictionary; the others by the iterator, opened on first need. W remembers
// the last few hundred texts it segmented (table headers and running titles
// repeat), so a repeated text costs a hash look-up. One thread at a time per W.
bool ep_wordseg_inside(ep_wordseg *w, const uint32_t *cps, size_t n, bool *inside);

// 'ep_wordseg_icu_inside()' - As ep_wordseg_inside(), always from ICU's
// iterator and never remembered (the reference the tests hold the
// dictionary path to).
bool ep_wordseg_icu_inside(ep_wordseg *w, const uint32_t *cps, size_t n, bool *inside);

// 'ep_wordseg_used_icu()' - Whether W has opened ICU's iterator (a text the
// dictionary path does not cover has come; NULL: false).
bool ep_wordseg_used_icu(const ep_wordseg *w);

// 'ep_wordseg_warm()' - Open ICU's common data and the Chinese dictionary
// once and segment a short text (mapping the dictionary's first pages), so
// that the next segmenter starts without waiting for them. Thread-safe.
void ep_wordseg_warm(void);

#endif
