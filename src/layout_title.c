// Titles: the report's title, the cover's and the appendices' titles and
// headings set centred, broken where their meaning allows and balanced
// (GB/T 9704 7.3.1).
#include "layout_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// 'title_lines()' - Break title atoms AT into lines of at most W pt (params P
// filled for width W: words whole, no justification, no 孤字 rule); returns the
// line count, or 0 when a word had to be cut or a line overflows.
static size_t title_lines(const atoms *at, double W, ep_lb_result *res) {
  ep_lb_params p;
  ep_lb_params_init(&p, W);
  p.min_last_chars = 1;
  p.max_stretch = 1e-9; // lines at natural width, centred by the caller
  p.no_shrink = true;   // a title is set at its natural tracking
  if (ep_linebreak(at->a, at->n, &p, res) != 0)
    abort();
  if (res->pass != 1)
    return 0;
  for (size_t k = 0; k < res->nlines; k++)
    if (res->lines[k].overfull)
      return 0;
  return res->nlines;
}

// The document-type phrases report titles end with, longest first. A title
// that needs two lines is broken before its phrase when the project name
// before it fits on one line (GB/T 9704 7.3.3: each line keeps its meaning;
// "…工作经费项目 / 绩效评价报告", as the source documents and every peer set it).
static const char *const doc_type_phrases[] = {
    "绩效评价报告书", "绩效自评报告", "绩效评价报告", "绩效自评表", "使用情况的公告", "使用情况公告",
    "使用情况公开", "情况公开", "自评报告", "评价报告", "报告", NULL};

// 'starts_word()' - Whether the atoms of AT from I spell W (UTF-8).
static bool starts_word(const atoms *at, size_t i, const char *w) {
  size_t len = strlen(w);
  for (size_t k = 0; k < len; i++) {
    if (i >= at->n || at->a[i].cp != ep_utf8_next(w, len, &k))
      return false;
  }
  return true;
}

// 'doc_type_start()' - The index of the first atom of the document-type phrase
// AT ends with (trailing spaces ignored), or 0 when it ends with none or the
// phrase is the whole title.
static size_t doc_type_start(const atoms *at) {
  size_t end = at->n;
  while (end > 0 && at->a[end - 1].cp == ' ')
    end--;
  for (size_t k = 0; doc_type_phrases[k]; k++) {
    const char *p = doc_type_phrases[k];
    size_t plen = strlen(p), ncp = 0;
    for (size_t i = 0; i < plen; ncp++)
      ep_utf8_next(p, plen, &i);
    if (ncp > 0 && ncp < end && starts_word(at, end - ncp, p))
      return end - ncp;
  }
  return 0;
}

// 'phrase_break()' - When AT (a title needing more than one line at W pt)
// ends with a document-type phrase and both the name before it and the
// phrase fit on a line of their own, force the break before the phrase and
// return true.
static bool phrase_break(atoms *at, double W) {
  size_t s = doc_type_start(at);
  if (s == 0 || (at->a[s].flags & EP_LB_BREAK_BEFORE))
    return false;
  atoms head = *at, tail = *at;
  head.n = s;
  tail.a = at->a + s;
  tail.s = at->s + s;
  tail.n = at->n - s;
  ep_lb_result r1, r2;
  size_t n1 = title_lines(&head, W, &r1), n2 = title_lines(&tail, W, &r2);
  ep_lb_result_free(&r1);
  ep_lb_result_free(&r2);
  if (n1 != 1 || n2 != 1)
    return false;
  at->a[s].flags |= EP_LB_BREAK_BEFORE;
  return true;
}

// ---------------------------------------------------------------------------
// Breaks that keep a title's meaning (GB/T 9704 7.3.1: 回行时，要做到词意完整)

// 'is_digit_cp()' - An ASCII or full-width digit.
static bool is_digit_cp(uint32_t cp) { return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19); }

// 'is_latin_cp()' - A letter or digit of a Latin word or number (kept whole).
static bool is_latin_cp(uint32_t cp) {
  return is_digit_cp(cp) || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp == '.' || cp == '%';
}

// Characters that end a place name or an office (乐昌市, 红河州, 民政局).
static const char title_name_ends[] = "省市县区州旗盟局厅";
// Two-character words a title's project part usually starts with (…建设/专项资金, …/补助资金)
// and that seldom end a compound with the word before (资金 does: 专项资金; so does 项目: 建设项目).
static const char *const title_part_words[] = {"专项", "补助", "补贴", "工作", NULL};


// Words that end the compound they follow in a title (建设项目, 资助项目,
// 专项资金, 补助资金): glued to a Chinese character before them (glue_tails()).
static const char *const title_tail_words[] = {"项目", "资金", NULL};

// 'glue_tails()' - No break in title AT before a word of title_tail_words
// that follows a Chinese character (the line breaker's last resort only).
static void glue_tails(atoms *at) {
  for (size_t i = 1; i < at->n; i++) {
    uint32_t a = at->a[i - 1].cp;
    for (size_t k = 0; lay_is_han(a) && title_tail_words[k]; k++)
      if (starts_word(at, i, title_tail_words[k]))
        at->a[i].flags |= EP_LB_GLUE_PREV;
  }
}

// 'break_cost()' - The cost of breaking title AT before atom I (0 < I < n):
// -1 where it may not break (inside a word glued by lay_glue_words(), inside
// a Latin word or number, before a closing or after an opening mark), 0
// after a name (…县, …市, …局), a year (2022年, 2022年度) or 关于, before the
// document-type phrase at DOC and around a parenthesis; 1 before the words
// a project part starts with and after 和/与/及; 3 elsewhere; 3 more inside
// a parenthesis.
static int break_cost(const atoms *at, size_t i, size_t doc, int paren_depth) {
  uint32_t a = at->a[i - 1].cp, b = at->a[i].cp;
  if ((at->a[i].flags & EP_LB_GLUE_PREV) || a == ' ' || b == ' ' || (is_latin_cp(a) && is_latin_cp(b)) ||
      ep_lb_is_no_start(b) || b == 0x2014 /* — */ || ep_lb_is_no_end(a) || b == EP_LB_OBJECT || a == EP_LB_OBJECT)
    return -1;
  int inside = paren_depth > 0 && b != 0xFF08 /* （ */ ? 3 : 0;
  bool year = (a == 0x5E74 /* 年 */ && i >= 2 && is_digit_cp(at->a[i - 2].cp)) ||
              (a == 0x5EA6 /* 度 */ && i >= 3 && at->a[i - 2].cp == 0x5E74 && is_digit_cp(at->a[i - 3].cp));
  if (i == doc || year || b == 0xFF08 || a == 0xFF09 /* （ ） */ || (i == 2 && starts_word(at, 0, "关于")) ||
      lay_cp_in(a, title_name_ends))
    return inside;
  if (lay_cp_in(a, "和与及"))
    return 1 + inside;
  for (size_t k = 0; title_part_words[k]; k++)
    if (starts_word(at, i, title_part_words[k]))
      return 1 + inside;
  return 3 + inside;
}

// 'span_width()' - The natural width of atoms [S, E) of AT in pt (spaces
// at the ends left out; a quarter em between Chinese and Latin text).
static double span_width(const atoms *at, size_t s, size_t e) {
  while (s < e && at->a[s].cp == ' ')
    s++;
  while (e > s && at->a[e - 1].cp == ' ')
    e--;
  double w = 0;
  for (size_t k = s; k < e; k++) {
    w += at->a[k].advance > 0 && isfinite(at->a[k].advance) ? at->a[k].advance : 0;
    uint32_t p = k > s ? at->a[k - 1].cp : 0, c = at->a[k].cp;
    if (k > s && ((is_latin_cp(p) && c >= 0x2E80) || (p >= 0x2E80 && is_latin_cp(c))))
      w += 0.25 * (at->a[k].em > 0 ? at->a[k].em : at->a[k].advance);
  }
  return w;
}

// Steps of meaning_breaks()'s search (a title of four lines takes a few
// hundred); past them it gives up and the title is balanced as before.
#define TITLE_SEARCH_STEPS 50000

// The search of meaning_breaks(): the best breaks found so far.
typedef struct title_search {
  const atoms *at;
  const size_t *pos; // the positions a break may come before, ascending
  const int *cost;   // their costs
  size_t npos;
  double W;
  size_t want;       // breaks to place (lines - 1)
  size_t cur[8], best[8];
  size_t budget;     // search steps left: a title of many lines gives up (the balancing runs instead)
  double unit;       // what a cost of 1 is worth, in pt of the widest line
  double best_score; // costs × UNIT plus the widest line (pt); INFINITY: none yet
} title_search;

// 'search_breaks()' - Place the next break (the K-th) after atom START, at a
// candidate from index FROM on, with COST so far and the widest line WIDEST
// (depth-first, lines wider than the measure cut off).
static void search_breaks(title_search *ts, size_t k, size_t start, size_t from, int cost, double widest,
                          double narrowest) {
  if (ts->budget == 0)
    return;
  ts->budget--;
  if (k == ts->want) {
    double w = span_width(ts->at, start, ts->at->n);
    if (w > ts->W + 0.01)
      return;
    double hi = w > widest ? w : widest, lo = w < narrowest ? w : narrowest;
    int c = cost + (lo < 0.3 * hi ? 2 : 0); // a stub of a line under a long one
    double score = c * ts->unit + hi;
    if (score < ts->best_score) {
      ts->best_score = score;
      memcpy(ts->best, ts->cur, sizeof ts->cur);
    }
    return;
  }
  for (size_t j = from; j < ts->npos; j++) {
    double w = span_width(ts->at, start, ts->pos[j]);
    if (w > ts->W + 0.01)
      break; // every later break makes this line longer still
    if ((cost + ts->cost[j]) * ts->unit >= ts->best_score)
      continue;
    ts->cur[k] = ts->pos[j];
    search_breaks(ts, k + 1, ts->pos[j], j + 1, cost + ts->cost[j], w > widest ? w : widest,
                  w < narrowest ? w : narrowest);
  }
}

// 'meaning_breaks()' - Break title AT (NL lines at W pt, NL > 1) where its
// meaning allows (break_cost()), weighing the breaks' costs against the
// widest line (the lines as even as they can be); the breaks are forced and
// the lines made into *RES. False (AT unchanged, *RES kept) when no such breaks give
// NL lines that fit.
static bool meaning_breaks(atoms *at, double W, size_t nl, ep_lb_result *res) {
  if (nl < 2 || nl > 8 || at->n < 2)
    return false;
  size_t *pos = ep_xmalloc(at->n * sizeof *pos);
  int *cost = ep_xmalloc(at->n * sizeof *cost);
  size_t npos = 0, doc = doc_type_start(at);
  int depth = 0;
  for (size_t i = 1; i < at->n; i++) {
    depth += at->a[i - 1].cp == 0xFF08 ? 1 : at->a[i - 1].cp == 0xFF09 && depth > 0 ? -1 : 0;
    int c = break_cost(at, i, doc, depth);
    if (c >= 0) {
      pos[npos] = i;
      cost[npos++] = c;
    }
  }
  // A cost of 1 weighs as much as 15% of the measure on the widest line: a
  // break after 和 that evens two lines beats one after the year that
  // leaves 9 characters over 19; a weak break (3) needs lines far more uneven.
  title_search ts = {at, pos, cost, npos, W, nl - 1, {0}, {0}, TITLE_SEARCH_STEPS, 0.15 * W, INFINITY};
  search_breaks(&ts, 0, 0, 0, 0, 0, INFINITY);
  bool ok = false;
  if (isfinite(ts.best_score) && ts.budget > 0) { // searched to the end
    for (size_t k = 0; k < ts.want; k++)
      at->a[ts.best[k]].flags |= EP_LB_BREAK_BEFORE;
    ep_lb_result r;
    ok = title_lines(at, W, &r) == nl;
    for (size_t k = 0; ok && k + 1 < nl; k++)
      ok = r.lines[k + 1].start == ts.best[k];
    if (ok) {
      ep_lb_result_free(res);
      *res = r;
    } else {
      ep_lb_result_free(&r);
      for (size_t k = 0; k < ts.want; k++)
        at->a[ts.best[k]].flags &= ~(unsigned)EP_LB_BREAK_BEFORE;
    }
  }
  free(pos);
  free(cost);
  return ok;
}

// 'lay_balanced_para()' - A centred title (report title, cover, appendix
// title, heading set centred) in a measure of W pt from the body's left edge
// plus INSET: broken only between words (ICU, lay_glue_words()), in as few
// lines as W allows; a two-line title before its document-type phrase
// (phrase_break()), else at the breaks that keep its meaning whole and its
// lines even (meaning_breaks()), else as evenly as that line count allows,
// by narrowing the measure to the least that still gives it (GB/T 9704
// 7.3.1: 回行时词意完整, a trapezoid or diamond, never a long line over a
// stub). The one balancing routine for title, cover and appendix titles.
void lay_balanced_para(lay *L, atoms *at, double inset, double W, double size, bool keep) {
  L->para++;
  if (!at->n)
    return;
  lay_glue_words(&L->in, at, 0);
  glue_tails(at);
  ep_lb_result res;
  size_t nl = title_lines(at, W, &res);
  if (nl > 1 && phrase_break(at, W)) { // name / document type, each on its line
    ep_lb_result_free(&res);
    title_lines(at, W, &res);
  } else if (nl > 1 && meaning_breaks(at, W, nl, &res)) { // forced where the meaning allows, lines even
    ;
  } else if (nl > 1) { // binary search for the narrowest measure with the same line count
    double lo = 0, hi = W;
    for (int it = 0; it < 20 && hi - lo > 0.5; it++) {
      double mid = (lo + hi) / 2;
      ep_lb_result r2;
      size_t k = title_lines(at, mid, &r2);
      ep_lb_result_free(&r2);
      if (k == nl)
        hi = mid;
      else
        lo = mid;
    }
    ep_lb_result_free(&res);
    title_lines(at, hi, &res);
  } else if (nl == 0) { // a word wider than the measure: break as a paragraph would
    ep_lb_result_free(&res);
    ep_lb_params p;
    ep_lb_params_init(&p, W);
    p.min_last_chars = 1;
    p.max_stretch = 1e-9;
    if (ep_linebreak_memo(L->in.lbmemo, at->a, at->n, &p, &res) != 0)
      abort();
  }
  for (size_t k = 0; k < res.nlines; k++) {
    const ep_lb_line *ln = &res.lines[k];
    line_item *li = lay_new_line(L);
    li->idx = (int)k;
    li->count = (int)res.nlines;
    li->keep_next = keep;
    li->size = size;
    li->span = lay_line_span(L, size);
    double left = L->st->left + inset + (W - ln->width_used) / 2;
    size_t s = ln->start;
    while (s < ln->end && at->a[s].cp == ' ')
      s++;
    if (s < ln->end)
      lay_emit_runs(&L->in, at, res.x, s, ln->end, left);
    li->nbox = L->in.nprotos - li->box0;
  }
  ep_lb_result_free(&res);
}

