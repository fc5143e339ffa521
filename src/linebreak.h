// Chinese line breaking for evalpdf: where the lines of one paragraph end,
// and where every glyph goes on its line.
//
// Rules (GB/T 15834-2011, W3C clreq "GB-style" kinsoku plus Word's default
// Simplified-Chinese kinsoku lists): a break may fall between any two CJK
// characters; Latin words, numbers with their point and percent sign
// (98.79%), a number and its unit (116.38万元, 2022年, 61号), and the doubled
// marks —— …… are never split; a Latin token may break after / @ and a '.'
// before a letter (URLs, e-mail addresses) and after a dash joining two
// numbers (020—85950792) at a penalty, a number from a following ideograph
// only when nothing else fits, 第/约/共 from its number at a small penalty;
// closing marks never start a line and opening marks never end one; punctuation is compressed
// (opening bracket at line start, adjacent pairs such as 。」 ）（ ，“; a
// full-width mark ending a line is trimmed to half width); a quarter-em gap
// separates CJK from Latin letters and digits (a source space there becomes
// exactly that gap); no paragraph ends in a one-character line (孤字).
// Lines are chosen by a total-fit (Knuth-Plass style) search over the whole
// paragraph; every line but the last (and those ended by a forced break) is
// justified to exactly fill its measure, by stretching or by compressing
// punctuation first ("先挤进，后推出") and inter-character gaps second.
//
// Pure C11 + libc. Advances come in from the caller (who shapes the text);
// nothing here knows about fonts. No globals: each call owns its memory.
#ifndef EVALPDF_LINEBREAK_H
#define EVALPDF_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Code point of an opaque inline box (an image, a pre-set run): breakable on
// both sides like an ideograph unless its flags say otherwise.
#define EP_LB_OBJECT 0xFFFCu

// Default CJK-Latin gap, in em of the CJK character.
#define EP_LB_DEFAULT_GAP 0.25

// Atom flags (ep_lb_atom.flags).
enum {
  EP_LB_GLUE_PREV = 1u << 0,    // no break between this atom and the previous one
  EP_LB_BREAK_BEFORE = 1u << 1, // forced break before this atom (<br>); the line
                                // before it is not justified
  EP_LB_LATIN = 1u << 2,        // treat this atom (e.g. an opaque box) as a Latin
                                // letter/digit: no break inside a Latin run, and
                                // the CJK-Latin gap applies
  EP_LB_NO_AUTOSPACE = 1u << 3, // no CJK-Latin gap on either side of this atom
  EP_LB_BREAK_OK = 1u << 4      // a break may come before this atom even inside a
                                // word or number (a zero-width space stood there);
                                // the line-start and line-end rules still hold
};

// One glyph or one unbreakable inline box. Borrowed: ep_linebreak() only
// reads the caller's array.
typedef struct ep_lb_atom {
  uint32_t cp;     // code point; EP_LB_OBJECT = an opaque box
  double advance;  // natural advance in pt (CJK already at grid pitch if a grid is used);
                   // negative or non-finite counts as 0
  double em;       // font size in pt of this atom (for the ¼ em gap, ½ em compression);
                   // 0 or invalid: the advance is used
  unsigned flags;  // EP_LB_* bits
  double ink_l, ink_r; // horizontal ink extent of the glyph in pt from the left edge of
                   // its cell (the font's outline box); both 0 = unknown: a full-width
                   // mark is then assumed to have its ink in one half (mainland glyphs)
} ep_lb_atom;

// White kept between a compressed mark's ink and the edge of its narrowed
// cell, in em: compression never brings a mark's ink closer than this to its
// neighbour's cell.
#define EP_LB_INK_MARGIN 0.1

// A mark whose ink starts (ends) at least this far, in em, from the edge of
// its cell that it should hug is a centred (Taiwan-style) glyph: not compressed.
#define EP_LB_CENTRED 0.3

// 'ep_lb_blanks()' - The compressible blank of atom A on its left (*BL) and
// right (*BR) in pt: half the cell of a full-width mainland-style mark with
// unknown ink; with known ink, only as much as leaves EP_LB_INK_MARGIN em of
// white beside the ink, and nothing for a mark whose ink sits near the middle
// of its cell or for anything that is not a full-width CJK mark. The one rule
// for punctuation compression (line starts and ends, adjacent pairs, squeezing).
void ep_lb_blanks(const ep_lb_atom *a, double *bl, double *br);

// Paragraph parameters. Start from ep_lb_params_init().
typedef struct ep_lb_params {
  double first_width;  // measure of line 1 (after the indent); <= 0: same as width
  double width;        // measure of the later lines, in pt
  int min_last_chars;  // the line ending a paragraph (or a <br> segment) holds at least
                       // this many characters, punctuation not counted, unless it is the
                       // segment's only line; 2 = no 孤字, <= 1 = no rule
  double cjk_latin_gap; // CJK-Latin gap in em (EP_LB_DEFAULT_GAP); 0 = none
  bool no_squeeze;     // true: never compress punctuation to fit more on a line
                       // (the fixed compressions still apply)
  bool no_shrink;      // true: inter-character gaps and spaces never shrink (titles)
  double max_stretch;  // > 0 (em): a line that justification would open by more than
                       // this between two characters is set at its natural width
                       // instead (ep_lb_line.ragged); table cells use 0.1. 0 = always justify
  bool exhaustive;     // true: the search tries every active node, never stopping early
                       // (for tests: stopping early must not change any result)
} ep_lb_params;

// One line: atoms [start, end). Spaces at a break (trailing, and leading after a
// forced break) are excluded; they get x = 0 and w = 0 and belong to no line.
typedef struct ep_lb_line {
  size_t start, end;
  double measure;    // the measure this line was set to (first_width or width)
  double width_used; // right edge of the last atom's full advance: == measure for a
                     // justified line (the ink never passes it), the natural width
                     // for the last line and before a forced break
  bool last;         // the paragraph's last line (not justified)
  bool forced;       // ended by a forced break (not justified)
  bool overfull;     // could not be set properly: an unbreakable token was broken by
                     // character at its start or end, or it stays wider than the
                     // measure (one atom wider than the measure); the caller warns
  bool relaxed;      // a kinsoku rule was relaxed at its start or end, or it is a
                     // 孤字 last line that could not be avoided
  bool ragged;       // not justified although not last: it would have been stretched
                     // past max_stretch (set at natural width, aligned by the caller)
} ep_lb_line;

// The result of ep_linebreak(). Every pointer is malloc'ed and owned by the
// result; release them with ep_lb_result_free().
typedef struct ep_lb_result {
  ep_lb_line *lines; // nlines lines, in order
  size_t nlines;
  double *x;         // per atom: where to put the glyph's origin, from the line's left
                     // edge, after justification, compression and gaps. An opening mark
                     // that lost its left blank has its origin that much left of its
                     // cell (negative at line start: the blank half lies left of the
                     // edge, the ink starts at 0), so x is not always increasing
  double *w;         // per atom: drawn advance after compression (a trimmed end mark
                     // counts half; its full advance still ends at x + advance)
  size_t n;          // number of atoms (length of x and w)
  int pass;          // 1: every rule held; 2: some rule had to be relaxed (see lines)
  size_t max_active; // diagnostics: largest set of active break nodes
  size_t work_bytes; // diagnostics: scratch memory used, in bytes (linear in n)
  size_t tried;      // diagnostics: lines from an active node to a break the search weighed
  bool shared;       // lines, x and w belong to an ep_lb_memo (ep_linebreak_memo()): read-only,
                     // valid until the memo is freed; ep_lb_result_free() only zeroes R
} ep_lb_result;

// 'ep_lb_params_init()' - Defaults for measure WIDTH: first_width = width,
// min_last_chars = 2, cjk_latin_gap = EP_LB_DEFAULT_GAP, squeezing allowed.
void ep_lb_params_init(ep_lb_params *p, double width);

// 'ep_linebreak()' - Break and justify the N atoms of one paragraph (ATOMS and P
// are borrowed). Fills *OUT with malloc'ed arrays the caller frees with
// ep_lb_result_free(); *OUT is zeroed first, also on failure. Never fails for
// typesetting reasons: impossible rules are relaxed (pass 2) and flagged per line.
// Returns 0 on success, -1 when out of memory, -2 for NULL arguments.
int ep_linebreak(const ep_lb_atom *atoms, size_t n, const ep_lb_params *p,
                 ep_lb_result *out);

// 'ep_linebreak_window()' - ep_linebreak() breaking at most WINDOW atoms at a
// time (ep_linebreak() uses EP_LB_WINDOW; SIZE_MAX or below 64: the paragraph at once):
// the lines of each window up to three quarters into it are kept and the
// next window starts at the first line not kept, so that the scratch memory
// is one window's. Same arguments, result and return values.
#define EP_LB_WINDOW 16384
int ep_linebreak_window(const ep_lb_atom *atoms, size_t n, const ep_lb_params *p, size_t window,
                        ep_lb_result *out);

// A memo of ep_linebreak() results, for a layout that runs several passes
// over the same paragraphs (while the page numbers of its 目录 settle): a
// paragraph with the same atoms and parameters gets a copy of the result
// found before. Keys are two independent 64-bit hashes of every atom field
// and parameter (plus the atom count), so a false match needs both 64-bit
// hashes of two different paragraphs to agree. Not thread-safe: one per layout.
typedef struct ep_lb_memo ep_lb_memo;

// 'ep_lb_memo_new()' - An empty memo (NULL when out of memory); free with ep_lb_memo_free().
ep_lb_memo *ep_lb_memo_new(void);

// 'ep_lb_memo_free()' - Free M (NULL is fine) and every result it holds.
void ep_lb_memo_free(ep_lb_memo *m);

// 'ep_linebreak_memo()' - ep_linebreak(), answered from M when the same input
// was broken before (and remembered in M otherwise); M NULL: plain
// ep_linebreak(). With M, *OUT's arrays are M's (OUT->shared: read them,
// never change them, before ep_lb_memo_free(M)); ep_lb_result_free(OUT) is
// still called, and frees nothing then.
int ep_linebreak_memo(ep_lb_memo *m, const ep_lb_atom *atoms, size_t n, const ep_lb_params *p, ep_lb_result *out);

// The memo's key of one input (ep_lb_memo_key()).
typedef struct ep_lb_key {
  uint64_t h1, h2;
  size_t n;
} ep_lb_key;

// 'ep_lb_memo_key()' - The key of ATOMS[0..N-1] broken with P into *K.
void ep_lb_memo_key(const ep_lb_atom *atoms, size_t n, const ep_lb_params *p, ep_lb_key *k);

// 'ep_lb_memo_find()' - The result M holds for key K, shared, into *OUT
// (as ep_linebreak_memo() gives it); false (nothing written) when M holds none.
bool ep_lb_memo_find(ep_lb_memo *m, const ep_lb_key *k, ep_lb_result *out);

// 'ep_lb_memo_keep()' - Give M the result *RES of ep_linebreak() for key K:
// M owns its arrays from now on and RES becomes shared; when M cannot take
// it (out of memory, or K's result is held already) RES stays the caller's.
void ep_lb_memo_keep(ep_lb_memo *m, const ep_lb_key *k, ep_lb_result *res);

// 'ep_lb_memo_probes()' - How many table slots M's look-ups have examined
// so far (0 for NULL): a test that its inputs spread over the table.
size_t ep_lb_memo_probes(const ep_lb_memo *m);

// One input for ep_linebreak() and where its result goes: the jobs that
// ep_linebreak_job() runs, for a caller that breaks several paragraphs at
// once (on two threads: they share nothing).
typedef struct ep_lb_job {
  const ep_lb_atom *atoms;
  size_t n;
  ep_lb_params params;
  ep_lb_result res; // written by the job
  int rc;           // ep_linebreak()'s return value
} ep_lb_job;

// 'ep_linebreak_job()' - Run job I of the array ARG of ep_lb_job (ep_linebreak()
// into its res); the shape a parallel runner calls.
void ep_linebreak_job(void *arg, size_t i);

// 'ep_lb_result_free()' - Free what ep_linebreak() allocated in R (nothing
// when R is shared) and zero R. Safe on a zeroed result and on one already freed.
void ep_lb_result_free(ep_lb_result *r);

// 'ep_lb_measure()' - For table cells: *MIN = width of the widest unit that no
// allowed break splits (the narrowest measure that sets the paragraph without
// breaking a rule, before shrinking), *PREF = width of the widest forced-break
// segment set on one line; both with the default parameters (¼ em CJK-Latin
// gap) and the same compressions as ep_linebreak(). ATOMS is borrowed; *MIN and
// *PREF are written. Returns 0, -1 when out of memory, -2 for NULL arguments.
int ep_lb_measure(const ep_lb_atom *atoms, size_t n, double *min, double *pref);

// 'ep_lb_is_no_start()' - True when CP may not start a line (closing marks,
// pause marks, connectors, %, …; clreq GB-style ∪ Word's list).
bool ep_lb_is_no_start(uint32_t cp);

// 'ep_lb_is_no_end()' - True when CP may not end a line (opening brackets and
// quotes, currency signs, the separator /).
bool ep_lb_is_no_end(uint32_t cp);

#endif
