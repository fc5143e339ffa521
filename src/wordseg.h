// Word segmentation for line breaking: where a run of Chinese text may be
// broken without cutting a word (困难/群众/救助/补助/—/工作/经费/项目/...),
// from ICU's dictionary-based word break iterator. Used for titles, headings
// and table header cells, which break only between words.
//
// Thread safety: a segmenter is used by one thread at a time (each layout
// makes its own); several may exist at once.
#ifndef EVALPDF_WORDSEG_H
#define EVALPDF_WORDSEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ep_wordseg ep_wordseg;

// 'ep_wordseg_new()' - A Chinese word segmenter, or NULL when ICU cannot make
// one (then callers break by character, as for body text).
ep_wordseg *ep_wordseg_new(void);

// 'ep_wordseg_free()' - Free W (NULL is allowed).
void ep_wordseg_free(ep_wordseg *w);

// 'ep_wordseg_inside()' - For the N code points CPS, set INSIDE[i] to true when
// i > 0 and no word boundary falls between CPS[i-1] and CPS[i], else false.
// Returns false (INSIDE all false) when W is NULL or ICU fails. W remembers
// the last few hundred texts it segmented (table headers and running titles
// repeat), so a repeated text costs a hash look-up. One thread at a time per W.
bool ep_wordseg_inside(ep_wordseg *w, const uint32_t *cps, size_t n, bool *inside);

// 'ep_wordseg_warm()' - Load ICU's word-break rules and Chinese dictionary
// into ICU's process-wide caches (an iterator is opened, used on a short
// text and closed), so that the next segmenter starts without waiting for
// them. Thread-safe.
void ep_wordseg_warm(void);

#endif
