// Inline text for layout (inline.c): atoms, inline formats, word glue and
// proto text boxes. Below both block layout (layout.c) and the table engine
// (layout_table.c); includes nothing of either.
#ifndef EVALPDF_INLINE_H
#define EVALPDF_INLINE_H

#include "display.h"
#include "linebreak.h"
#include "model.h"
#include "style.h"
#include "wordseg.h"

// ---------------------------------------------------------------------------
// Atoms: one per character, with the style it is drawn in.

typedef struct atom_style {
  const char *link; // destination this character links to (a <ref page="yes">), or NULL
  ep_face *face;
  double size;
  bool bold, underline;
  double rise;
  const char *file;
  unsigned long line;
  double off;       // the glyph's origin this far right of its cell's left edge (an
                    // opening proportional quote set on a full em); 0 for most glyphs
} atom_style;

// One cached glyph ink box (punctuation compression needs it).
typedef struct ink_entry {
  const ep_face *face;
  uint32_t cp;
  int x_min, x_max; // 1/1000 em; both 0 when the glyph has no ink
} ink_entry;

typedef struct atoms {
  ep_lb_atom *a;
  atom_style *s;
  size_t n, cap;
  unsigned pending_flags; // flags for the next atom (a forced break)
} atoms;

// One inline style frame while walking inline content.
typedef struct ifmt {
  const char *link;
  const ep_text_style *ts;
  bool bold, underline;
  double size;
  double rise;
  double ratio;     // full-width characters advance size * ratio (the body grid's
                    // tracking), 1 where no grid applies (tables, page numbers, charts)
} ifmt;

// The inline machinery's state for one layout run: where proto boxes and
// diagnostics go, and the caches it keeps.
typedef struct inl {
  ep_diags *diags;
  ep_dlist *dl;        // the display list being built (its arena holds run text)
  ep_box *protos;      // proto boxes of the current line(s), y relative to a baseline
  size_t nprotos, cprotos;
  ep_wordseg *ws;      // word segmenter for titles, headings and header cells (NULL: by character)
  struct ep_lb_memo *lbmemo; // line breaks of the earlier passes (NULL: one pass, nothing kept)
  // Runs JOB(ARG, i) for each i in [0, N), perhaps on two threads, and
  // returns when all have ended (NULL: lay_break_all() breaks them here).
  void (*par)(void *par_user, size_t n, void (*job)(void *arg, size_t i), void *arg);
  // Jobs made one by one through the same runner (NULL: not offered; see
  // ep_layout_par in layout.h): lay_stream_add().
  bool (*par_open)(void *par_user, void (*job)(void *arg, size_t i), void *arg);
  void (*par_ready)(void *par_user, size_t n);
  void (*par_close)(void *par_user, size_t n);
  void *par_user;
  // The arrays of the stream being made (lay_stream), allocated once and
  // lent to each stream in turn: a batch makes no large allocation (each
  // one would have the allocator consolidate its small free blocks).
  ep_lb_job *stream_jobs;
  ep_lb_key *stream_keys;
  ink_entry *ink;      // ink boxes of the marks looked up so far
  size_t nink, cink;
  uint64_t *missing;   // missing glyph warnings already given (cp << 32 | line)
  size_t nmissing, cmissing;
  // <ref to page="yes">: the destination name and printed page of a section
  // (0 while not known yet); *NUMBERED false when that page carries no
  // number (it comes before the page numbering starts)
  const char *(*ref_id)(void *user, const ep_node *section);
  int (*ref_page)(void *user, const ep_node *section, bool *numbered);
  void *user;
} inl;

// 'lay_break_all()' - Break N inputs into lines at once: input i is the
// SEQS[i][0..NS[i]-1] (NS[i] > 0) with the parameters PS[i]; its result goes
// to OUT[i] (free each with ep_lb_result_free()). The memo (if any) is asked
// for each on this thread, the rest are broken through L->par (on two
// threads) or here, and kept in the memo in order after: the results are
// ep_linebreak_memo()'s, one by one. Aborts when memory runs out.
void lay_break_all(inl *L, size_t n, const ep_lb_atom *const *seqs, const size_t *ns, const ep_lb_params *ps,
                   ep_lb_result *out);
// Line breaks begun one at a time, on the other thread while this one
// builds the next inputs' atoms (lay_stream_add()), and taken in order once
// the last is added (lay_stream_end(), lay_stream_take()): lay_break_all()
// begun early, with the same results. Zeroed: nothing begun.
#define LAY_STREAM_CAP 512 // inputs one stream takes; lay_break_all() breaks the others
typedef struct lay_stream {
  ep_lb_job *jobs; // LAY_STREAM_CAP jobs (inl.stream_jobs, lent while the runner has the stream)
  ep_lb_key *keys; // each job's memo key (inl.stream_keys)
  size_t nj;       // jobs made
  bool on;         // the runner took the stream: jobs [0, nj) may be running
  bool tried;      // it was offered (refused when !on)
} lay_stream;

// What lay_stream_add() did with an input.
typedef enum lay_begun {
  LAY_LB_LATER = 0, // nothing: break it with lay_break_all() (no runner, or the stream is full)
  LAY_LB_HIT,       // the memo held its result (written out, shared)
  LAY_LB_JOB        // a job of the stream: lay_stream_take() gives its result
} lay_begun;

// 'lay_stream_add()' - Begin breaking SEQ[0..N-1] (N > 0; the array is
// not changed until the stream ends) with params P in stream S: the memo's
// result into *HIT, or a job numbered *JOB, or nothing (see lay_begun).
lay_begun lay_stream_add(inl *L, lay_stream *s, const ep_lb_atom *seq, size_t n, const ep_lb_params *p,
                         size_t *job, ep_lb_result *hit);
// 'lay_stream_end()' - No more inputs for S: wait until all its jobs have
// ended (running those nobody started on this thread).
void lay_stream_end(inl *L, lay_stream *s);
// 'lay_stream_take()' - The result of job JOB of ended stream S into *OUT
// (free it with ep_lb_result_free()), kept in the memo; once per job, in
// order. Aborts when the job ran out of memory.
void lay_stream_take(inl *L, lay_stream *s, size_t job, ep_lb_result *out);
// 'lay_stream_free()' - Give back ended stream S's arrays and zero it
// (results not taken are freed).
void lay_stream_free(lay_stream *s);

// 'lay_out_of_memory()' - Report that line breaking ran out of memory and abort.
_Noreturn void lay_out_of_memory(void);

// 'lay_push_atom()' - Append one atom with its style.
void lay_push_atom(atoms *at, uint32_t cp, double adv, double em, unsigned flags, const atom_style *s);
// 'lay_add_text()' - Append the characters of UTF-8 S as atoms in format F (GLUE: no break inside).
void lay_add_text(inl *L, atoms *at, const char *s, const ifmt *f, const char *file, unsigned long line, bool glue);
// 'lay_inline_text()' - Atoms for the inline children of N.
void lay_inline_text(inl *L, atoms *at, const ep_node *n, const ifmt *f, int depth);
// 'lay_is_han()' - True for a Han ideograph (the characters words are made of here).
bool lay_is_han(uint32_t cp);
// 'lay_cp_in()' - Whether CP is one of the characters of the UTF-8 string SET.
bool lay_cp_in(uint32_t cp, const char *set);
// 'lay_glue_words()' - No line breaks inside the words of atoms [FROM, n) of AT.
void lay_glue_words(inl *L, atoms *at, size_t from);
// 'lay_add_lead()' - The bold title of an issue or measure N as its lead-in.
void lay_add_lead(inl *L, atoms *at, const ep_node *n, const ifmt *f);
// 'lay_fmt_for()' - A fresh inline format for text style TS at grid tracking RATIO.
ifmt lay_fmt_for(const ep_text_style *ts, double ratio);
// 'lay_ends_with_mark()' - True when UTF-8 S ends with one of 。；！？：，、.
bool lay_ends_with_mark(const char *s);
// 'lay_width()' - The natural width of AT (the sum of its advances).
double lay_width(const atoms *at);
// 'lay_proto()' - A new proto box.
ep_box *lay_proto(inl *L, ep_box_kind kind);
// 'lay_emit_runs()' - Proto text boxes for atoms [S, E) of AT, at x = LEFT + X[i].
void lay_emit_runs(inl *L, const atoms *at, const double *x, size_t s, size_t e, double left);
// 'lay_emit_natural()' - Proto text runs of all of AT at natural spacing from LEFT.
void lay_emit_natural(inl *L, const atoms *at, double left);
// 'lay_copy_protos()' - Copy N proto boxes from FIRST onto PAGE, shifted up by DY.
void lay_copy_protos(inl *L, ep_page *page, size_t first, size_t n, double dy, bool upright);
// 'lay_put_protos()' - Move the proto boxes from FROM on onto PAGE and drop them.
void lay_put_protos(inl *L, ep_page *page, size_t from, double dy, bool upright);

#endif
