// Inline text for layout: inline content → atoms (one per character, with its
// face, size, advance and ink box), word segmentation of titles and headers,
// and text runs as proto boxes waiting for a page. The ground floor of layout:
// block layout (layout.c) and tables (layout_table.c) both build on it, and
// it calls neither.
#include "inline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// 'reserve_atoms()' - Make room in AT for MORE atoms: at least doubled, so
// that a text's atoms are added with one reallocation at most; a first
// reservation is what it asks for (at least 4): a table's cells are short
// and all held at once (16 atoms, 1.8 KB, each, was 60% of a 5,000-row
// table's heap).
static void reserve_atoms(atoms *at, size_t more) {
  if (at->cap - at->n >= more)
    return;
  size_t cap = at->cap ? at->cap * 2 : 4;
  if (cap < at->n + more)
    cap = at->n + more;
  at->a = ep_xrealloc(at->a, cap * sizeof *at->a);
  at->s = ep_xrealloc(at->s, cap * sizeof *at->s);
  at->cap = cap;
}

// 'lay_push_atom()' - Append one atom with its style.
void lay_push_atom(atoms *at, uint32_t cp, double adv, double em, unsigned flags, const atom_style *s) {
  if (at->n == at->cap)
    reserve_atoms(at, 1);
  at->a[at->n].cp = cp;
  at->a[at->n].advance = adv;
  at->a[at->n].em = em;
  at->a[at->n].flags = flags | at->pending_flags;
  at->a[at->n].ink_l = at->a[at->n].ink_r = 0;
  at->pending_flags = 0;
  at->s[at->n] = *s;
  at->n++;
}

// 'warn_missing()' - One warning per character and source line that no face covers.
static void warn_missing(inl *L, uint32_t cp, const ep_text_style *ts, const char *file, unsigned long line) {
  uint64_t key = ((uint64_t)cp << 32) | (line & 0xFFFFFFFFu);
  for (size_t i = 0; i < L->nmissing; i++)
    if (L->missing[i] == key)
      return;
  if (L->nmissing == L->cmissing) {
    L->cmissing = L->cmissing ? L->cmissing * 2 : 16;
    L->missing = ep_xrealloc(L->missing, L->cmissing * sizeof *L->missing);
  }
  L->missing[L->nmissing++] = key;
  char u[8] = {0};
  ep_utf8_encode(cp, u);
  ep_diag_add(L->diags, EP_WARNING, file, line, "missing-glyph",
              "character “%s” (U+%04X) is in no font of role %s; it prints as an empty box (install a font that has it, or point the role at one).",
              u, (unsigned)cp, ts->role_name ? ts->role_name : "?");
}

// 'ink_of()' - The ink box of CP in FACE (1/1000 em), cached in L.
static const ink_entry *ink_of(inl *L, ep_face *face, uint32_t cp) {
  for (size_t i = 0; i < L->nink; i++)
    if (L->ink[i].face == face && L->ink[i].cp == cp)
      return &L->ink[i];
  if (L->nink == L->cink) {
    L->cink = L->cink ? L->cink * 2 : 32;
    L->ink = ep_xrealloc(L->ink, L->cink * sizeof *L->ink);
  }
  ink_entry *e = &L->ink[L->nink++];
  e->face = face;
  e->cp = cp;
  ep_face_ink(face, cp, &e->x_min, &e->x_max);
  return e;
}

// 'is_quote()' - True for the curly quotes, which CJK text sets on a full em.
static bool is_quote(uint32_t cp) { return cp == 0x2018 || cp == 0x2019 || cp == 0x201C || cp == 0x201D; }

// 'set_mark_cell()' - For a CJK punctuation mark CP in FACE drawn at SIZE:
// widen a proportional quote to a full cell of CELL pt (the opening one set
// against its right edge), and give the atom A its ink box from the font so
// that compression (ep_lb_blanks) never pushes ink into the neighbour's.
static void set_mark_cell(inl *L, ep_lb_atom *a, atom_style *as, ep_face *face, double size, double cell) {
  uint32_t cp = a->cp;
  bool mark = is_quote(cp) || (cp >= 0x3001 && cp <= 0x301F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
              (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65);
  if (!mark)
    return; // ideographs, Latin, dashes: nothing to compress
  if (is_quote(cp) && a->advance < 0.75 * size) {
    if (cp == 0x2018 || cp == 0x201C)
      as->off = cell - a->advance;
    a->advance = cell;
  }
  if (a->advance < 0.75 * size || !face)
    return;
  const ink_entry *e = ink_of(L, face, cp);
  if (e->x_max > e->x_min) {
    a->ink_l = as->off + e->x_min * size / 1000.0;
    a->ink_r = as->off + e->x_max * size / 1000.0;
  }
}

// 'join_dashes()' - A run of em dashes (——, the 2-em dash; ————) in one face
// and size drawn as one continuous stroke: the fonts' dashes leave side
// bearings (AR PL SungtiL GB: 0.07 em each side, a 2.3 pt gap at 16 pt
// between two), so each glyph is shifted until the inks meet with a 0.02 em
// overlap, the stroke centred in the run's cells. The cells, and so advances
// and line breaking, are unchanged. Runs that reach atoms [FROM, n) are set.
static void join_dashes(inl *L, atoms *at, size_t from) {
  size_t i = from, back = 64; // a run started before FROM is joined again (at most 64 back:
  while (i > 0 && back-- > 0 && at->a[i - 1].cp == 0x2014) // no quadratic work on hostile runs)
    i--;
  while (i < at->n) {
    size_t j = i + 1;
    while (at->a[i].cp == 0x2014 && j < at->n && at->a[j].cp == 0x2014 && at->s[j].face == at->s[i].face &&
           at->s[j].size == at->s[i].size && at->a[j].advance == at->a[i].advance)
      j++;
    const ink_entry *e = j - i >= 2 && at->s[i].face ? ink_of(L, at->s[i].face, 0x2014) : NULL;
    double size = at->s[i].size, adv = at->a[i].advance, n = (double)(j - i);
    double l = e ? e->x_min * size / 1000.0 : 0, w = e ? e->x_max * size / 1000.0 - l : 0;
    double step = w - 0.02 * size, margin = (n * adv - (w + (n - 1) * step)) / 2;
    if (w > 0 && l >= 0 && margin >= 0) // else mixed faces, no ink, or ink reaching the edges
      for (size_t k = i; k < j; k++)
        at->s[k].off = margin - l + (double)(k - i) * (step - adv);
    i = j;
  }
}

// 'is_latin_alnum()' - True for a Latin letter or digit (ASCII, Latin-1 and
// Latin Extended-A/B letters): what a layout's Latin face sets.
static bool is_latin_alnum(uint32_t cp) {
  return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ||
         (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

// 'is_ascii_mark()' - True for ASCII punctuation and symbols (set in the Latin
// face when they stand inside or beside a run of Latin letters and digits).
static bool is_ascii_mark(uint32_t cp) { return cp > ' ' && cp < 0x7F && !is_latin_alnum(cp); }

// 'latin_flags()' - Which of the N characters CPS the Latin face sets: every
// Latin letter and digit, the ASCII marks of a run of non-space ASCII (and
// Latin) characters that holds a letter or digit ("85.5%", "020-85950792",
// "examp1e.gov.cn"; PREV, the character before CPS, counts as part of the
// first run), and a space between two such characters ("Liberation Serif").
static void latin_flags(const uint32_t *cps, size_t n, uint32_t prev, bool *lat) {
  for (size_t i = 0; i < n;) {
    if (!is_latin_alnum(cps[i]) && !is_ascii_mark(cps[i])) {
      lat[i++] = false;
      continue;
    }
    size_t j = i;
    bool alnum = i == 0 && is_latin_alnum(prev);
    for (; j < n && (is_latin_alnum(cps[j]) || is_ascii_mark(cps[j])); j++)
      alnum = alnum || is_latin_alnum(cps[j]);
    for (size_t k = i; k < j; k++)
      lat[k] = alnum;
    i = j;
  }
  for (size_t i = 1; i + 1 < n; i++)
    if (cps[i] == ' ' && lat[i - 1] && lat[i + 1])
      lat[i] = true;
}

// 'invisible()' - True for a default-ignorable code point (Unicode's
// Default_Ignorable_Code_Point: soft hyphen, zero-width spaces and joiners,
// bidirectional controls, variation selectors, tags, ...): such a character
// is never drawn, so it gets no atom (fonts that map one would print a
// visible box, and fonts that do not would warn about it).
static bool invisible(uint32_t cp) {
  if (cp < 0xAD)
    return false;
  return cp == 0xAD || cp == 0x34F || cp == 0x61C || (cp >= 0x115F && cp <= 0x1160) || (cp >= 0x17B4 && cp <= 0x17B5) ||
         (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF ||
         cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8) || (cp >= 0x1BCA0 && cp <= 0x1BCA3) ||
         (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

// 'lay_add_text()' - Append the characters of UTF-8 S as atoms in format F.
// GLUE: no break inside S (a figure or a number). Latin letters and digits
// (see latin_flags) take the text style's Latin face when it has one and
// covers them, else the CJK role's face as every other character.
void lay_add_text(inl *L, atoms *at, const char *s, const ifmt *f, const char *file, unsigned long line,
                     bool glue) {
  size_t len = strlen(s), n = 0;
  // Most texts are short: their scratch arrays live on the stack.
  enum { SHORT_TEXT = 256 };
  uint32_t cps_short[SHORT_TEXT + 1];
  bool zwsp_short[SHORT_TEXT + 1], lat_short[SHORT_TEXT + 1];
  bool small = len <= SHORT_TEXT;
  uint32_t *cps = small ? cps_short : ep_xmalloc((len + 1) * sizeof *cps);
  bool *zwsp = small ? zwsp_short : ep_xmalloc((len + 1) * sizeof *zwsp); // a zero-width space stood before cps[i]
  memset(zwsp, 0, (len + 1) * sizeof *zwsp);
  for (size_t i = 0; i < len;) {
    uint32_t cp = ep_utf8_next(s, len, &i);
    if (cp == 0x2028 || cp == 0x2029) // line and paragraph separators: white space
      cp = ' ';
    if (cp == 0x200B) // not drawn, but a break opportunity (in a long URL or Latin word)
      zwsp[n] = true;
    else if (!invisible(cp))
      cps[n++] = cp;
  }
  bool *lat = small ? lat_short : ep_xmalloc((n + 1) * sizeof *lat);
  latin_flags(cps, n, at->n ? at->a[at->n - 1].cp : 0, lat);
  reserve_atoms(at, n);
  for (size_t i = 0; i < n; i++) {
    uint32_t cp = cps[i];
    atom_style as = {f->link, NULL, f->size, f->bold, f->underline, f->rise, file, line, 0};
    ep_face *face = NULL;
    if (lat[i] && f->ts->latin)
      face = ep_role_face_for(f->ts->latin, cp);
    if (!face) // any plane: rare characters of names (CJK extension B and later) too
      face = ep_role_face_for(f->ts->role, cp);
    if (!face) {
      if (cp != ' ')
        warn_missing(L, cp, f->ts, file, line);
      face = ep_role_face(f->ts->role, 0);
    }
    as.face = face;
    int adv1000 = face ? ep_face_advance(face, cp) : 1000;
    double adv = adv1000 * f->size / 1000.0;
    if (adv1000 >= 1000 && ep_is_cjk(cp))
      adv = f->size * f->ratio;
    if (cp == '\t' || cp == '\n')
      cp = ' ';
    unsigned flags = (glue && i > 0) ? EP_LB_GLUE_PREV : zwsp[i] ? EP_LB_BREAK_OK : 0;
    lay_push_atom(at, cp, adv, f->size, flags, &as);
    set_mark_cell(L, &at->a[at->n - 1], &at->s[at->n - 1], face, f->size, f->size * f->ratio);
  }
  if (zwsp[n] && !glue) // at the end: before the next text's first atom
    at->pending_flags |= EP_LB_BREAK_OK;
  join_dashes(L, at, at->n - n > 0 ? at->n - n - 1 : 0);
  if (!small) {
    free(cps);
    free(zwsp);
    free(lat);
  }
}

// 'lay_is_han()' - True for a Han ideograph (the characters words are made of here).
bool lay_is_han(uint32_t cp) {
  return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x3FFFF);
}

// 'memo_or_job()' - The memo's result for SEQ[0..N-1] broken with P into
// *OUT (true), else (false) job *J made for it, with the memo's key in *KEY
// for job_result().
static bool memo_or_job(inl *L, const ep_lb_atom *seq, size_t n, const ep_lb_params *p, ep_lb_key *key, ep_lb_job *j,
                        ep_lb_result *out) {
  *key = (ep_lb_key){0, 0, 0};
  if (L->lbmemo) {
    ep_lb_memo_key(seq, n, p, key);
    if (ep_lb_memo_find(L->lbmemo, key, out))
      return true;
  }
  *j = (ep_lb_job){.atoms = seq, .n = n, .params = *p};
  return false;
}

// 'job_result()' - The result of ended job J into *OUT (J keeps none), kept
// in the memo under KEY. Aborts when J ran out of memory.
static void job_result(inl *L, ep_lb_job *j, const ep_lb_key *key, ep_lb_result *out) {
  if (j->rc != 0)
    lay_out_of_memory();
  *out = j->res;
  memset(&j->res, 0, sizeof j->res);
  if (L->lbmemo)
    ep_lb_memo_keep(L->lbmemo, key, out);
}

// 'lay_break_all()' - Break several inputs at once (see inline.h).
void lay_break_all(inl *L, size_t n, const ep_lb_atom *const *seqs, const size_t *ns, const ep_lb_params *ps,
                   ep_lb_result *out) {
  if (!L->par || n < 2) {
    for (size_t i = 0; i < n; i++)
      if (ep_linebreak_memo(L->lbmemo, seqs[i], ns[i], &ps[i], &out[i]) != 0)
        lay_out_of_memory();
    return;
  }
  ep_lb_key *keys = ep_xcalloc(n, sizeof *keys);
  size_t *job = ep_xmalloc(n * sizeof *job);
  ep_lb_job *jobs = ep_xcalloc(n, sizeof *jobs);
  size_t nj = 0;
  for (size_t i = 0; i < n; i++)
    job[i] = memo_or_job(L, seqs[i], ns[i], &ps[i], &keys[i], &jobs[nj], &out[i]) ? SIZE_MAX : nj++;
  L->par(L->par_user, nj, ep_linebreak_job, jobs);
  for (size_t i = 0; i < n; i++)
    if (job[i] != SIZE_MAX)
      job_result(L, &jobs[job[i]], &keys[i], &out[i]);
  free(jobs);
  free(job);
  free(keys);
}

// 'lay_stream_add()' - Begin breaking one input in a stream (see inline.h).
lay_begun lay_stream_add(inl *L, lay_stream *s, const ep_lb_atom *seq, size_t n, const ep_lb_params *p,
                         size_t *job, ep_lb_result *hit) {
  if (!s->on) {
    if (s->tried || !L->par_open)
      return LAY_LB_LATER;
    s->tried = true;
    if (!L->stream_jobs) { // each job is written when made: no page is touched before
      L->stream_jobs = ep_xmalloc(LAY_STREAM_CAP * sizeof *L->stream_jobs);
      L->stream_keys = ep_xmalloc(LAY_STREAM_CAP * sizeof *L->stream_keys);
    }
    s->jobs = L->stream_jobs;
    s->keys = L->stream_keys;
    s->on = L->par_open(L->par_user, ep_linebreak_job, s->jobs);
    if (!s->on) {
      lay_stream_free(s);
      s->tried = true;
      return LAY_LB_LATER;
    }
  }
  if (s->nj == LAY_STREAM_CAP)
    return LAY_LB_LATER;
  if (memo_or_job(L, seq, n, p, &s->keys[s->nj], &s->jobs[s->nj], hit))
    return LAY_LB_HIT;
  *job = s->nj++;
  L->par_ready(L->par_user, s->nj);
  return LAY_LB_JOB;
}

// 'lay_stream_end()' - Wait for every job of stream S (see inline.h).
void lay_stream_end(inl *L, lay_stream *s) {
  if (s->on)
    L->par_close(L->par_user, s->nj);
  s->on = false;
}

// 'lay_stream_take()' - The result of job JOB of stream S (see inline.h).
void lay_stream_take(inl *L, lay_stream *s, size_t job, ep_lb_result *out) {
  job_result(L, &s->jobs[job], &s->keys[job], out);
}

// 'lay_stream_free()' - Give back stream S's arrays (see inline.h).
void lay_stream_free(lay_stream *s) {
  for (size_t i = 0; s->jobs && i < s->nj; i++)
    ep_lb_result_free(&s->jobs[i].res);
  memset(s, 0, sizeof *s);
}

// 'lay_out_of_memory()' - Line breaking ran out of memory: nothing sensible is left to do.
_Noreturn void lay_out_of_memory(void) {
  fprintf(stderr, "evalpdf: fatal: out of memory in line breaking\n");
  abort();
}

// 'lay_cp_in()' - Whether CP is one of the characters of the UTF-8 string SET.
bool lay_cp_in(uint32_t cp, const char *set) {
  size_t len = strlen(set);
  for (size_t i = 0; i < len;)
    if (ep_utf8_next(set, len, &i) == cp)
      return true;
  return false;
}

// Characters that end a place name (乐昌市, 元阳县, 红河州) or an office (民政局):
// a run of one-character words ending with one is one name.
static const char name_ends[] = "省市县区州旗盟乡镇村局厅";
// One-character words that belong to the word before them (残疾/人, 福利/和).
static const char word_tails[] = "人者性化员费率数额类级度型式和与及等";

// 'glue_runs()' - Mark in GLUE (of N) the one-character words of the words
// WORD_START gives that belong with a neighbour: ICU's dictionary leaves
// names and short compounds as single characters (元/阳/县, 专/项, 两/项), which
// must not be split. A run of two or more becomes one word (its first
// character joins the word before instead when it is a tail of it: 残疾/人/两/项
// → 残疾人/两项); a lone one joins the word before it when that word has two
// or more characters (残疾/人 → 残疾人, 预算/数 → 预算数).
static void glue_runs(const uint32_t *cps, const bool *word_start, size_t n, bool *glue) {
  size_t i = 0;
  while (i < n) {
    size_t w = i + 1; // the word [i, w)
    while (w < n && !word_start[w])
      w++;
    if (w - i != 1 || !lay_is_han(cps[i])) {
      i = w;
      continue;
    }
    size_t e = w; // the run of one-character Han words [i, e)
    while (e < n && lay_is_han(cps[e]) && (e + 1 == n || word_start[e + 1]))
      e++;
    size_t prev_len = 0; // the Han word before the run, if any
    for (size_t k = i; k > 0 && lay_is_han(cps[k - 1]); k--) {
      prev_len++;
      if (word_start[k - 1])
        break;
    }
    size_t from = i;
    if (prev_len >= 2 && (e - i == 1 || (!lay_cp_in(cps[e - 1], name_ends) && lay_cp_in(cps[i], word_tails)))) {
      glue[i] = true; // a tail of the word before
      from = i + 1;
    }
    for (size_t k = from + 1; k < e; k++)
      glue[k] = true;
    i = e;
  }
}

// 'lay_glue_words()' - Forbid line breaks inside the words of atoms [FROM, n)
// of AT (titles, headings, table headers break only between words, with
// one-character words kept with a neighbour: glue_runs()): a break inside a
// word stays possible only as the breaker's last resort.
void lay_glue_words(inl *L, atoms *at, size_t from) {
  if (!L->ws || at->n < from + 2)
    return;
  size_t n = at->n - from;
  uint32_t *cps = ep_xmalloc(n * sizeof *cps);
  bool *inside = ep_xmalloc(n * sizeof *inside);
  bool *glue = ep_xcalloc(n, sizeof *glue);
  for (size_t i = 0; i < n; i++)
    cps[i] = at->a[from + i].cp;
  if (ep_wordseg_inside(L->ws, cps, n, inside)) {
    for (size_t i = 0; i < n; i++) {
      glue[i] = i > 0 && inside[i];
      inside[i] = !glue[i]; // from here: where a word starts
    }
    glue_runs(cps, inside, n, glue);
    for (size_t i = 1; i < n; i++)
      if (glue[i] && lay_is_han(cps[i - 1]) && lay_is_han(cps[i]))
        at->a[from + i].flags |= EP_LB_GLUE_PREV;
  }
  free(cps);
  free(inside);
  free(glue);
}

// 'lay_inline_text()' - Atoms for the inline children of N.
void lay_inline_text(inl *L, atoms *at, const ep_node *n, const ifmt *f, int depth) {
  if (depth > EP_MAX_NESTING + 2)
    return;
  for (const ep_node *c = n->first; c; c = c->next) {
    ifmt g = *f;
    switch (c->kind) {
    case EP_N_TEXT:
      lay_add_text(L, at, c->text, f, c->file, c->line, false);
      break;
    case EP_N_B:
      g.bold = true;
      lay_inline_text(L, at, c, &g, depth + 1);
      break;
    case EP_N_U:
      g.underline = true;
      lay_inline_text(L, at, c, &g, depth + 1);
      break;
    case EP_N_SUP:
    case EP_N_SUB:
      g.size = f->size * 0.6;
      g.rise = c->kind == EP_N_SUP ? f->size * 0.35 : -f->size * 0.15;
      lay_inline_text(L, at, c, &g, depth + 1);
      break;
    case EP_N_BR:
      at->pending_flags |= EP_LB_BREAK_BEFORE;
      break;
    case EP_N_VALUE:
      if (c->result)
        lay_add_text(L, at, c->result, f, c->file, c->line, true);
      break;
    case EP_N_AMOUNT:
      if (c->result) {
        lay_add_text(L, at, c->result, f, c->file, c->line, true);
        if (c->unit)
          lay_add_text(L, at, c->unit, f, c->file, c->line, false);
      }
      break;
    case EP_N_REF:
      if (c->result) {
        ifmt lf = *f;
        if (c->page && c->target && L->ref_id)
          lf.link = L->ref_id(L->user, c->target); // the number and the page link to the section
        lay_add_text(L, at, c->result, &lf, c->file, c->line, true);
        if (c->page && c->target) {
          bool numbered = true;
          int pg = L->ref_page ? L->ref_page(L->user, c->target, &numbered) : 0;
          char b[32];
          snprintf(b, sizeof b, "第%d页", pg);
          if (numbered)
            lay_add_text(L, at, b, &lf, c->file, c->line, true);
          else // a page before the numbering starts has no number to print
            ep_diag_add(L->diags, EP_WARNING, c->file, c->line, "ref-page-unnumbered",
                        "<ref to=\"%s\" page=\"yes\"/> refers to a section on a page without a page number "
                        "(the numbering starts later), so only the section's number %s is printed.",
                        c->ref ? c->ref : "", c->result);
        }
      }
      break;
    default:
      break;
    }
  }
}

// 'lay_proto()' - A new proto box for the current line.
ep_box *lay_proto(inl *L, ep_box_kind kind) {
  if (L->nprotos == L->cprotos) {
    L->cprotos = L->cprotos ? L->cprotos * 2 : 1024;
    L->protos = ep_xrealloc(L->protos, L->cprotos * sizeof *L->protos);
  }
  ep_box *b = &L->protos[L->nprotos++];
  ep_box_start(b, kind);
  return b;
}

// 'same_run()' - True when atoms I and J draw in one text run.
static bool same_run(const atom_style *a, const atom_style *b) {
  return a->face == b->face && a->size == b->size && a->bold == b->bold && a->underline == b->underline &&
         a->rise == b->rise && a->link == b->link;
}

// 'is_alnum_cp()' - True for an ASCII letter or digit.
static bool is_alnum_cp(uint32_t c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// 'script_edge()' - True when the run starting at atom I (after S) meets the
// run before it (atoms [S, E) make the line) between a Latin letter or digit and a CJK character (spaces
// between them skipped): the CJK-Latin gap there is positioning.
static bool script_edge(const atoms *at, size_t s, size_t e, size_t i) {
  size_t p = i, q = i;
  while (p > s && at->a[p - 1].cp == ' ')
    p--;
  while (q < e && at->a[q].cp == ' ')
    q++;
  if (p == s || q >= e)
    return false;
  uint32_t a = at->a[p - 1].cp, b = at->a[q].cp;
  return (is_alnum_cp(a) && ep_is_cjk(b)) || (ep_is_cjk(a) && is_alnum_cp(b));
}

// 'lay_emit_runs()' - Proto text boxes for atoms [S, E) of AT, at x = LEFT + X[i].
void lay_emit_runs(inl *L, const atoms *at, const double *x, size_t s, size_t e, double left) {
  size_t i = s, prev = SIZE_MAX; // PREV: the proto index of the line's last text box
  while (i < e) {
    // skip spaces at run starts
    size_t j = i + 1;
    while (j < e && same_run(&at->s[j], &at->s[i]))
      j++;
    ep_box *b = lay_proto(L, EP_BOX_TEXT);
    const atom_style *st = &at->s[i];
    b->face = st->face;
    b->size = st->size;
    b->bold = st->bold;
    b->underline = st->underline;
    b->rise = st->rise;
    b->x = left + x[i] + st->off;
    b->y = st->rise;
    b->h = st->size;
    b->src_file = st->file;
    b->src_line = ep_box_line(st->line);
    size_t n = j - i;
    // The offsets are kept only when some glyph is off its natural pen
    // position (justified lines, CJK cells, punctuation compression): they
    // are the largest part of a long report's display list otherwise.
    double *dx = NULL, pen = 0;
    size_t bytes = 0;
    char u8[4];
    for (size_t k = 0; k < n; k++) {
      uint32_t cp = ep_drawn_cp(at->a[i + k].cp);
      double d = x[i + k] + at->s[i + k].off - x[i] - st->off;
      if (!dx && (!st->face || d != pen || signbit(d) != signbit(pen))) {
        dx = ep_arena_alloc_aligned(&L->dl->arena, n * sizeof *dx, _Alignof(double));
        for (size_t m = 0; m < k; m++) // the same values as the pen positions they equalled
          dx[m] = x[i + m] + at->s[i + m].off - x[i] - st->off;
      }
      if (dx)
        dx[k] = d;
      else
        pen += ep_natural_advance(st->face, cp, st->size);
      bytes += ep_utf8_encode(cp, u8);
    }
    char *text = ep_arena_alloc_aligned(&L->dl->arena, bytes + 1, 1); // zeroed: terminated
    for (size_t k = 0, o = 0; k < n; k++)
      o += ep_utf8_encode(ep_drawn_cp(at->a[i + k].cp), text + o);
    b->n = (uint32_t)n; // a run is part of one line
    b->dx = dx;
    b->w = x[j - 1] - x[i] - st->off + at->a[j - 1].advance;
    b->text = text;
    for (size_t k = 1; k < n && !b->actual_text; k++) { // an ideograph beside a Latin letter or digit
      uint32_t p = at->a[i + k - 1].cp, q = at->a[i + k].cp;
      b->actual_text = (is_alnum_cp(p) && ep_is_cjk(q)) || (is_alnum_cp(q) && ep_is_cjk(p));
    }
    size_t self = (size_t)(b - L->protos);
    if (prev != SIZE_MAX && script_edge(at, s, e, i)) { // "2022" | "年": one /ActualText over both
      L->protos[prev].actual_text = L->protos[prev].actual_join = true;
      L->protos[self].actual_text = true;
    }
    prev = self;
    if (st->link) {
      double x0 = b->x, w = b->w, sz = b->size;
      ep_box *lk = lay_proto(L, EP_BOX_LINK);
      lk->x = x0;
      lk->y = -0.2 * sz;
      lk->w = w;
      lk->h = 1.1 * sz;
      lk->dest_id = st->link;
    }
    i = j;
  }
}

// 'lay_width()' - The natural width of AT (the sum of its advances).
double lay_width(const atoms *at) {
  double w = 0;
  for (size_t k = 0; k < at->n; k++)
    w += at->a[k].advance;
  return w;
}

// 'lay_emit_natural()' - Proto text runs of all of AT at natural spacing from LEFT
// (a line not set by the breaker: page numbers, headers, labels).
void lay_emit_natural(inl *L, const atoms *at, double left) {
  if (!at->n)
    return;
  double *xs = ep_xmalloc(at->n * sizeof *xs), acc = 0;
  for (size_t k = 0; k < at->n; k++) {
    xs[k] = acc;
    acc += at->a[k].advance;
  }
  lay_emit_runs(L, at, xs, 0, at->n, left);
  free(xs);
}

// 'lay_copy_protos()' - Copy N proto boxes from FIRST onto PAGE, shifted up by DY;
// UPRIGHT marks them as staying upright on a rotated page.
void lay_copy_protos(inl *L, ep_page *page, size_t first, size_t n, double dy, bool upright) {
  for (size_t k = first; k < first + n; k++) {
    ep_box *b = ep_page_add(L->dl, page, L->protos[k].kind);
    *b = L->protos[k];
    b->y += dy;
    b->upright = b->upright || upright;
  }
}

// 'lay_put_protos()' - Move the proto boxes from FROM on onto PAGE (see
// lay_copy_protos) and drop them from the proto list.
void lay_put_protos(inl *L, ep_page *page, size_t from, double dy, bool upright) {
  lay_copy_protos(L, page, from, L->nprotos - from, dy, upright);
  L->nprotos = from;
}

// 'lay_fmt_for()' - A fresh inline format for text style TS at grid tracking RATIO.
ifmt lay_fmt_for(const ep_text_style *ts, double ratio) {
  ifmt f = {NULL, ts, ts->bold, false, ts->size, 0, ratio};
  return f;
}

// 'lay_ends_with_mark()' - True when UTF-8 S ends with one of 。；！？：，、.
bool lay_ends_with_mark(const char *s) {
  size_t n = strlen(s);
  static const char *const marks[] = {"。", "；", "！", "？", "：", "，", "、", NULL};
  for (int i = 0; marks[i]; i++) {
    size_t m = strlen(marks[i]);
    if (n >= m && !strcmp(s + n - m, marks[i]))
      return true;
  }
  return n && (s[n - 1] == '.' || s[n - 1] == ';');
}

// 'lay_add_lead()' - The bold title of an issue or measure N as its lead-in,
// closed with 。 when it has no end mark of its own and text follows.
void lay_add_lead(inl *L, atoms *at, const ep_node *n, const ifmt *f) {
  if (!n->text || !n->text[0])
    return;
  ifmt b = *f;
  b.bold = true;
  lay_add_text(L, at, n->text, &b, n->file, n->line, false);
  if (!lay_ends_with_mark(n->text) && n->first)
    lay_add_text(L, at, "。", &b, n->file, n->line, false);
}
