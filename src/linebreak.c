// Chinese line breaking: kinsoku, punctuation compression, CJK-Latin gaps and
// total-fit justification of one paragraph. See linebreak.h for the rules.
//
// How it works:
//  1. Every atom is classified (ideograph, other CJK, Latin word character,
//     Latin punctuation, space, glue, combining mark), gets its cell width and
//     its compressible blank half (full-width marks only), and the break
//     opportunity before it gets a class: allowed, kinsoku-forbidden,
//     token-internal (would split a number, a Latin word, —— or ……), never
//     (before a space: breaks go after spaces) or forced.
//  2. The gap before every atom gets a base width (the ¼ em CJK-Latin gap),
//     a stretch and a shrink capacity, and the fixed pair compression
//     (。」 ）（ ...). Prefix sums of all of this make the width, stretch,
//     shrink and squeezable punctuation of any line [a, b) an O(1) question.
//  3. Pass 1 is a Knuth-Plass search: one node per allowed break, demerits
//     (10 + badness)^2 summed over the lines, forbidden breaks and 孤字 last
//     lines infeasible (infinite penalty). Active nodes are dropped as soon as
//     the line from them cannot be shrunk to the measure, so the work is
//     O(n * break opportunities per line) and the memory O(n); a hard cap
//     (LB_MAX_ACTIVE) keeps zero-width input linear too. Past the first
//     line to a break that fits, the search stops as soon as no later node
//     can beat the best so far: its least possible demerits come from the
//     suffix minima of the active nodes' demerits (kept in a monotone queue).
//  4. If pass 1 finds no way through (a token wider than the measure, a run
//     of closing marks, an unavoidable 孤字), pass 2 repeats the search with
//     those breaks allowed at huge finite penalties; a single atom wider than
//     the measure may then sit alone on an overfull line. Pass 2 always ends.
//  5. Each chosen line is laid out: fixed compressions, then stretch over the
//     gaps, or squeeze: punctuation blanks first (evenly), gap shrink second.
#include "linebreak.h"

#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

#define LB_EPS 1e-6             // pt: width comparisons
#define LB_LINE_PEN 10.0        // Knuth's line penalty: prefer fewer lines
#define LB_BAD_MAX 10000.0      // badness cap (an unjustifiable line)
#define LB_SQUEEZE_COST 2.0     // badness of squeezing all optional punctuation
#define LB_PEN_KINSOKU 1e9      // pass 2: a kinsoku break
#define LB_PEN_ORPHAN 1e9       // pass 2: a 孤字 last line
#define LB_PEN_TOKEN 1e11       // pass 2: a break inside a token
#define LB_PEN_OVERFULL 1e13    // pass 2: an atom wider than the measure
#define LB_CJK_STRETCH 0.1      // em: comfortable stretch of a CJK gap
#define LB_CJK_SHRINK 0.0625    // em: most a CJK gap may shrink (tracking)
#define LB_SPACE_STRETCH 0.2    // em: comfortable stretch of a Latin space
#define LB_SPACE_SHRINK (1.0 / 3) // of the space: most a Latin space may shrink
#define LB_FULLWIDTH 0.75       // advance >= 0.75 em: a full-width mark
#define LB_PEN_URL 3000.0       // a break after / @ . inside a Latin token, or after a dash
#define LB_PEN_PREFIX 5000.0    // a break between 第/约/共 and its number
#define LB_PEN_NUM_CJK 1e6      // a break between a number and a following ideograph
                                // (~ a line whose gaps open by 0.2 em)
#define LB_PEN_UNIT 1e10        // a break between a number and its unit (worse than
                                // any line: only when nothing else can be set)
#define LB_MAX_ACTIVE 1024      // active nodes kept at most (zero-width atoms would
                                // otherwise never be pruned by width)

// Atom classes.
enum {
  LB_IDEO,  // ideograph, kana, hangul, opaque box: the CJK side of the ¼ em gap
  LB_CJK,   // other CJK: punctuation, symbols, full-width forms
  LB_WEST,  // Latin punctuation and symbols
  LB_WORD,  // Latin letters, digits, %: the Latin side of the ¼ em gap
  LB_SPACE, // breakable space
  LB_NBSP,  // no-break space: a space glued on both sides
  LB_JOIN,  // zero-width joiner, word joiner: glue on both sides
  LB_MARK   // combining mark, variation selector: part of the previous atom
};

// Classes of the break opportunity before an atom.
enum { LB_B_OK, LB_B_KINSOKU, LB_B_TOKEN, LB_B_NEVER, LB_B_FORCED, LB_B_END, LB_B_PEN };

// Pair compression at the gap before an atom.
enum { LB_PC_NONE, LB_PC_PREV_RIGHT, LB_PC_THIS_LEFT };

typedef struct lb_info {
  double c;                // cell width: the advance, or the ¼ em of an absorbed space
  double em;               // font size (sanitised)
  double bl, br;           // compressible blank on the left / right (full-width marks)
  unsigned char cls;       // LB_IDEO...
  unsigned char bcls;      // class of the base atom (for a mark: its base's class)
  unsigned char brk;       // LB_B_* of the break before this atom
  unsigned char pc;        // LB_PC_* at the gap before this atom
  unsigned char ischar;    // counts as a character for the 孤字 rule
  unsigned char absorbed;  // space between CJK and Latin: 1 first of the run, 2 the rest
  unsigned char unit;      // part of the unit of a number (万元 in 116.38万元)
  float pen;               // LB_B_PEN: the penalty of the break before this atom
} lb_info;

typedef struct lb_gap {
  double base, st, sh, pc; // natural width, stretch cap, shrink cap, pair compression
} lb_gap;

typedef struct lb_metrics {
  size_t s, e;     // content [s, e): leading and trailing spaces excluded
  double nat;      // natural width after the fixed compressions
  double st, sh;   // stretch and gap-shrink capacity
  double opt;      // optional (squeezable) punctuation blanks
  size_t chars;    // characters, punctuation not counted
} lb_metrics;

// An active node's share of the lines from it (lb_search()): its first
// content atom X (lead[a]) and the prefix sums there, read once when the
// node is made instead of at every line tried from it. Only for X < n.
typedef struct lb_node {
  size_t x;       // lead[a]
  double c, g;    // pc_c[x], pc_g[x + 1]
  double bl;      // info[x].bl: taken off the line's start
  double s, k;    // pc_s[x + 1], pc_k[x + 1]
  double o, optl; // pc_o[x], and the start's blank when it is squeezable (else 0)
  double measure; // lb_measure_of(a)
  size_t ch;      // pc_ch[x]
} lb_node;

typedef struct lb_ctx {
  const ep_lb_atom *atoms;
  size_t n;
  double first_width, width, gap_em;
  int min_last;
  bool squeeze;
  double max_stretch;  // em; 0 = always justify
  bool shrink;         // gaps may shrink
  bool exhaustive;     // never stop the search over the active nodes early
  lb_info *info;       // n
  size_t *lead;        // n+1: first non-space index >= i (or n)
  size_t *trail;       // n+1: start of the run of spaces ending at i
  double *pc_c, *pc_g, *pc_s, *pc_k, *pc_o; // n+1 prefix sums
  size_t *pc_ch;       // n+1 prefix count of characters
  lb_gap *gap;         // n: the gap before each atom (lb_gap_at(); gap[0] is zero)
  double *dem;         // n+1 node demerits (INFINITY = unreached)
  size_t *prev;        // n+1 node predecessor
  size_t *act;         // n+1 active node queue
  size_t *mq;          // n+1 positions in act whose demerits ascend: the minima of act's suffixes
  lb_node *node;       // n+1: node[k] is act[k]'s (lb_node)
  unsigned char *block; // the one allocation every array above is carved from
  size_t max_active;
  size_t work_bytes;
  size_t tried;        // lines weighed by lb_search()
} lb_ctx;

// 'lb_sane()' - V if it is finite and positive, else 0.
static double lb_sane(double v)
{
  return isfinite(v) && v > 0 ? v : 0;
}

// 'lb_in_set()' - True when CP is in the sorted array SET of N code points.
static bool lb_in_set(uint32_t cp, const uint32_t *set, size_t n)
{
  if (cp >= 0x3100 && cp < 0xFE00)
    return false; // ideographs at once: no set below has a member from U+3100 to U+FDFF
                  // (kinsoku_sets_match_the_checker holds the two kinsoku sets to the checker's)
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (set[mid] == cp)
      return true;
    if (set[mid] < cp)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

// 'ep_lb_is_no_start()' - True when CP may not start a line.
bool ep_lb_is_no_start(uint32_t cp)
{
  // clreq GB-style (pause marks, closing quotes/brackets/book-title marks,
  // connectors, interpuncts, the separator /) ∪ Word's Simplified-Chinese list.
  static const uint32_t set[] = {
    0x21, 0x25, 0x29, 0x2C, 0x2D, 0x2E, 0x2F, 0x3A, 0x3B, 0x3E, 0x3F, 0x5D, 0x7D,
    0x7E, 0xA2, 0xA8, 0xB0, 0xB7, 0x2C7, 0x2C9, 0x2013, 0x2015, 0x2016, 0x2019,
    0x201D, 0x2026, 0x2027, 0x2030, 0x2032, 0x2033, 0x203A, 0x2103, 0x2236, 0x22EF,
    0x3001, 0x3002, 0x3003, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3017,
    0x3019, 0x301B, 0x301C, 0x301E, 0x301F, 0x30FB, 0xFE36, 0xFE3A, 0xFE3E, 0xFE40,
    0xFE44, 0xFE5A, 0xFE5C, 0xFE5E, 0xFF01, 0xFF02, 0xFF05, 0xFF07, 0xFF09, 0xFF0C,
    0xFF0E, 0xFF0F, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF3D, 0xFF40, 0xFF5C, 0xFF5D, 0xFF5E,
    0xFF60, 0xFF61, 0xFF63, 0xFF64, 0xFFE0};
  return lb_in_set(cp, set, sizeof set / sizeof set[0]);
}

// 'ep_lb_is_no_end()' - True when CP may not end a line.
bool ep_lb_is_no_end(uint32_t cp)
{
  static const uint32_t set[] = {
    0x24, 0x28, 0x2F, 0x5B, 0x7B, 0xA3, 0xA5, 0xB7, 0x2018, 0x201C, 0x2027, 0x2039,
    0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3016, 0x3018, 0x301A, 0x301D,
    0x30FB, 0xFE35, 0xFE39, 0xFE3D, 0xFE3F, 0xFE43, 0xFE59, 0xFE5B, 0xFE5D, 0xFF04,
    0xFF08, 0xFF0E, 0xFF0F, 0xFF3B, 0xFF5B, 0xFF5F, 0xFF62, 0xFFE1, 0xFFE5};
  return lb_in_set(cp, set, sizeof set / sizeof set[0]);
}

// 'lb_blank_right()' - True for a full-width mark whose blank half is on the
// right in mainland glyphs (。，、；：！？ and closing brackets/quotes).
static bool lb_blank_right(uint32_t cp)
{
  static const uint32_t set[] = {
    0x2019, 0x201D, 0x3001, 0x3002, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015,
    0x3017, 0x3019, 0x301B, 0xFF01, 0xFF09, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF1F,
    0xFF3D, 0xFF5D, 0xFF60};
  return lb_in_set(cp, set, sizeof set / sizeof set[0]);
}

// 'lb_blank_left()' - True for a full-width opening bracket or quote (blank
// half on the left).
static bool lb_blank_left(uint32_t cp)
{
  static const uint32_t set[] = {
    0x2018, 0x201C, 0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3016, 0x3018,
    0x301A, 0xFF08, 0xFF3B, 0xFF5B, 0xFF5F};
  return lb_in_set(cp, set, sizeof set / sizeof set[0]);
}

// 'ep_lb_blanks()' - Compressible blanks of one atom (see linebreak.h).
void ep_lb_blanks(const ep_lb_atom *a, double *bl, double *br)
{
  *bl = *br = 0;
  double c = lb_sane(a->advance), em = lb_sane(a->em) > 0 ? lb_sane(a->em) : c;
  bool right = lb_blank_right(a->cp), left = !right && lb_blank_left(a->cp);
  if (em <= 0 || c < LB_FULLWIDTH * em || (!left && !right))
    return;
  bool known = isfinite(a->ink_l) && isfinite(a->ink_r) && a->ink_r > a->ink_l;
  double b = c / 2, margin = EP_LB_INK_MARGIN * em;
  if (known) {
    if (right) {
      if (a->ink_l >= EP_LB_CENTRED * em)
        return; // ink in the middle: keep the full cell
      double room = c - a->ink_r - margin;
      b = room < b ? room : b;
    } else {
      if (c - a->ink_r >= EP_LB_CENTRED * em)
        return;
      double room = a->ink_l - margin;
      b = room < b ? room : b;
    }
  }
  if (b <= 0.01 * em)
    return;
  if (right)
    *br = b;
  else
    *bl = b;
}

// 'lb_is_pair_char()' - True for the marks whose doubled form is one
// unbreakable unit (—— ―― …… ⋯⋯ ──).
static bool lb_is_pair_char(uint32_t cp)
{
  return cp == 0x2014 || cp == 0x2015 || cp == 0x2026 || cp == 0x22EF || cp == 0x2500 ||
         cp == 0x2E3A || cp == 0x2E3B;
}

// 'lb_is_connector()' - True for non-Latin connectors that join two numbers or
// words when they stand between them (2021—2022, 1～3).
static bool lb_is_connector(uint32_t cp)
{
  return cp == 0x2014 || cp == 0x2015 || cp == 0x2212 || cp == 0xFF5E || cp == 0x301C ||
         cp == 0xFF0D || cp == 0xFF0F;
}

// 'lb_is_fullwidth_alnum()' - True for full-width digits and Latin letters.
static bool lb_is_fullwidth_alnum(uint32_t cp)
{
  return (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
         (cp >= 0xFF41 && cp <= 0xFF5A);
}

// 'lb_is_punct()' - True when CP does not count as a character for the 孤字
// rule (punctuation, dashes, ellipses; the same idea as pdf-lines.py).
static bool lb_is_punct(uint32_t cp)
{
  if (ep_lb_is_no_start(cp) || ep_lb_is_no_end(cp))
    return true;
  switch (cp) {
  case 0x22: case 0x27: case 0x28: case 0x2014: case 0x2010: case 0x2011:
  case 0x2012: case 0x2026: case 0x22EF: case 0x2500: case 0x2E3A: case 0x2E3B:
    return true;
  default:
    return false;
  }
}

// 'lb_is_digit()' - True for an ASCII or full-width digit.
static bool lb_is_digit(uint32_t cp)
{
  return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

// 'lb_unit_len()' - Length in atoms of the unit word starting at atom I (0:
// none): the measures a number is never cut from (万元, 人次, 年, 号, ...).
static size_t lb_unit_len(const ep_lb_atom *A, size_t i, size_t n)
{
  static const char32_t two[][3] = {U"万元", U"亿元", U"千元", U"万人", U"人次", U"户次", U"万户", U"小时",
                                    U"公里", U"万亩", U"个月", U"余人", U"余户", U"余万", U"多万", U"平方"};
  static const uint32_t one[] = {0x4E07, 0x4E2A, 0x4EBA, 0x4EA9, 0x4EBF, 0x4EF6, 0x4EFD, 0x500D,
                                 0x518C, 0x540D, 0x5428, 0x53F7, 0x53F0, 0x5468, 0x5904, 0x573A,
                                 0x5957, 0x5929, 0x5BB6, 0x5C81, 0x5E74, 0x5EA7, 0x6237, 0x6240,
                                 0x6279, 0x671F, 0x6708, 0x672C, 0x6761, 0x6B21, 0x7247, 0x7968,
                                 0x79CD, 0x7BC7, 0x7C73, 0x7C7B, 0x9879, 0x9875, 0x95F4, 0x5143,
                                 0x5F20, 0x8F86, 0x65E5, 0x5B97, 0x6240, 0x4F4D};
  for (size_t k = 0; k < sizeof two / sizeof two[0] && i + 1 < n; k++)
    if (A[i].cp == two[k][0] && A[i + 1].cp == two[k][1])
      return 2;
  for (size_t k = 0; k < sizeof one / sizeof one[0]; k++)
    if (A[i].cp == one[k])
      return 1;
  return 0;
}

// 'lb_classify()' - The LB_* class of code point CP with atom FLAGS.
static unsigned char lb_classify(uint32_t cp, unsigned flags)
{
  if (flags & EP_LB_LATIN)
    return LB_WORD;
  if (cp >= 0x4E00 && cp <= 0x9FFF)
    return LB_IDEO; // the common case first (the ranges below give the same)
  if (cp == EP_LB_OBJECT)
    return LB_IDEO;
  if (cp == 0x20 || cp == 0x09 || cp == 0x0A || cp == 0x0D || cp == 0x1680 ||
      (cp >= 0x2000 && cp <= 0x2006) || (cp >= 0x2008 && cp <= 0x200B) || cp == 0x205F)
    return LB_SPACE;
  if (cp == 0xA0 || cp == 0x2007 || cp == 0x202F)
    return LB_NBSP;
  if (cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF)
    return LB_JOIN;
  if ((cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
      (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
      (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
      cp == 0x3099 || cp == 0x309A || (cp >= 0x180B && cp <= 0x180D) ||
      (cp >= 0xE0100 && cp <= 0xE01EF))
    return LB_MARK;
  if (cp < 0x80) {
    if ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
        cp == '%')
      return LB_WORD;
    return cp > 0x20 && cp < 0x7F ? LB_WEST : LB_CJK;
  }
  if (cp < 0x100) {
    if ((cp >= 0xC0 && cp != 0xD7 && cp != 0xF7) || cp == 0xAA || cp == 0xB5 || cp == 0xBA)
      return LB_WORD;
    return cp == 0xB7 ? LB_CJK : LB_WEST;
  }
  if (cp <= 0x24F || (cp >= 0x370 && cp <= 0x52F) || (cp >= 0x1E00 && cp <= 0x1EFF))
    return LB_WORD;
  if ((cp >= 0x2010 && cp <= 0x2013) || (cp >= 0x2100 && cp <= 0x214F) ||
      (cp >= 0x2200 && cp <= 0x22FF && cp != 0x2236 && cp != 0x22EF))
    return LB_WEST;
  if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x2E80 && cp <= 0x2FDF) ||
      (cp >= 0x3005 && cp <= 0x3007) || (cp >= 0x3021 && cp <= 0x3029) ||
      (cp >= 0x3031 && cp <= 0x3035) || (cp >= 0x3038 && cp <= 0x303C) ||
      (cp >= 0x3040 && cp <= 0x30FF && cp != 0x30FB) || (cp >= 0x3100 && cp <= 0x31FF) ||
      (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
      (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xAC00 && cp <= 0xD7FF) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF))
    return LB_IDEO;
  return LB_CJK;
}

// 'lb_is_latin()' - True for the two Latin classes.
static bool lb_is_latin(unsigned char cls)
{
  return cls == LB_WEST || cls == LB_WORD;
}

// 'lb_is_spacey()' - True for the classes that are set as a (Latin) space.
static bool lb_is_spacey(unsigned char cls)
{
  return cls == LB_SPACE || cls == LB_NBSP;
}

// 'lb_autospace()' - True when the ¼ em gap belongs between atoms P and N (P
// before N, neither a space): an ideograph next to a Latin letter or digit.
static bool lb_autospace(const lb_ctx *c, size_t p, size_t q)
{
  if (c->gap_em <= 0 || ((c->atoms[p].flags | c->atoms[q].flags) & EP_LB_NO_AUTOSPACE))
    return false;
  unsigned char a = c->info[p].bcls, b = c->info[q].cls;
  return (a == LB_IDEO && b == LB_WORD) || (a == LB_WORD && b == LB_IDEO);
}

// 'lb_gap_raw()' - Fill *G with the gap between atoms I-1 and I (0 < I < n):
// its natural width, stretch and shrink capacities, and the pair compression
// it applies to one of its two atoms. Spaces carry their gap on the gap
// before them; the gaps after a space and inside a space run are rigid zeros.
static void lb_gap_raw(const lb_ctx *c, size_t i, lb_gap *g)
{
  const lb_info *p = &c->info[i - 1], *q = &c->info[i];
  memset(g, 0, sizeof *g);
  if (lb_is_spacey(q->cls)) {
    if (lb_is_spacey(p->cls) || q->absorbed == 2)
      return;
    if (q->absorbed == 1) { // the ¼ em gap, its width held by the space's cell
      g->st = LB_CJK_STRETCH * q->em;
      g->sh = q->c / 2;
      return;
    }
    g->st = LB_SPACE_STRETCH * q->em;
    g->sh = q->c * LB_SPACE_SHRINK;
    return;
  }
  if (lb_is_spacey(p->cls) || q->cls == LB_MARK || q->cls == LB_JOIN || p->cls == LB_JOIN)
    return;
  if (lb_is_latin(p->bcls) && lb_is_latin(q->cls))
    return; // inside a Latin run: no letter-spacing
  double em = p->em > q->em ? p->em : q->em;
  g->st = LB_CJK_STRETCH * em;
  // beside a mark's compressible blank the blank gives, never the gap: its ink keeps its margin
  g->sh = p->br > 0 || q->bl > 0 ? 0 : LB_CJK_SHRINK * em;
  if (lb_autospace(c, i - 1, i)) {
    g->base = c->gap_em * (p->bcls == LB_IDEO ? p->em : q->em);
    g->sh = g->base / 2;
  }
  if (q->pc == LB_PC_PREV_RIGHT)
    g->pc = p->br;
  else if (q->pc == LB_PC_THIS_LEFT)
    g->pc = q->bl;
}

// 'lb_gap_at()' - The gap before atom I (see lb_gap_raw), without its shrink
// when the paragraph may not shrink.
static void lb_gap_at(const lb_ctx *c, size_t i, lb_gap *g)
{
  lb_gap_raw(c, i, g);
  if (!c->shrink)
    g->sh = 0;
}

// 'lb_base_before()' - Index of the last atom before I that is neither a space
// nor a combining mark, not before FROM; SIZE_MAX when there is none.
static size_t lb_base_before(const lb_ctx *c, size_t i, size_t from)
{
  while (i > from) {
    i--;
    unsigned char k = c->info[i].cls;
    if (k != LB_SPACE && k != LB_MARK)
      return i;
  }
  return SIZE_MAX;
}

// 'lb_break_class()' - The LB_B_* class of the break before atom I (0 < I < n);
// SEG is the first atom of I's forced-break segment.
static unsigned char lb_break_class(lb_ctx *c, size_t i, size_t seg)
{
  const ep_lb_atom *A = c->atoms;
  const lb_info *in = c->info;
  if (A[i].flags & EP_LB_BREAK_BEFORE)
    return LB_B_FORCED;
  if (in[i].cls == LB_SPACE)
    return LB_B_NEVER; // break after the spaces instead
  size_t pb = lb_base_before(c, i, seg);
  if (pb == SIZE_MAX)
    return LB_B_NEVER; // nothing but spaces before it in this segment
  unsigned char pk = in[i - 1].cls, nk = in[i].cls;
  if ((A[i].flags & EP_LB_GLUE_PREV) || nk == LB_NBSP || nk == LB_JOIN || nk == LB_MARK ||
      pk == LB_NBSP || pk == LB_JOIN)
    return LB_B_TOKEN;
  if (A[i].flags & EP_LB_BREAK_OK) // the author's zero-width space
    return ep_lb_is_no_start(A[i].cp) || ep_lb_is_no_end(A[pb].cp) ? LB_B_KINSOKU : LB_B_OK;
  if (in[i].unit) {
    c->info[i].pen = (float)LB_PEN_UNIT;
    return LB_B_PEN; // 116.38万元, 2022年: only when no line could be set otherwise
  }
  if (pk != LB_SPACE) { // adjacent atoms
    uint32_t pc = A[pb].cp, nc = A[i].cp;
    if (lb_is_latin(in[pb].cls) && lb_is_latin(nk)) {
      if ((pc == '/' || pc == '@' || (pc == '.' && nk == LB_WORD && !lb_is_digit(nc))) && pb > seg &&
          lb_is_latin(in[pb - 1].cls) && !(pc == '/' && nc == '/')) {
        c->info[i].pen = (float)LB_PEN_URL;
        return LB_B_PEN; // www.example.gov.cn/path, name@example.cn (never inside https://)
      }
      return LB_B_TOKEN; // a Latin word, a number with its point and %
    }
    if (pc == nc && lb_is_pair_char(nc))
      return LB_B_TOKEN; // —— ……
    if (lb_is_fullwidth_alnum(pc) && lb_is_fullwidth_alnum(nc))
      return LB_B_TOKEN;
    if (lb_is_connector(nc) && in[pb].cls == LB_WORD && i + 1 < c->n &&
        in[i + 1].cls == LB_WORD)
      return LB_B_TOKEN; // 2021—2022, 020—85950792
    if (lb_is_connector(pc) && nk == LB_WORD && pb > seg) {
      size_t pp = lb_base_before(c, pb, seg);
      if (pp != SIZE_MAX && pp + 1 == pb && in[pp].cls == LB_WORD) {
        c->info[i].pen = (float)LB_PEN_NUM_CJK;
        return LB_B_PEN; // 020— / 85950792 when nothing else fits: after the dash, never before
      }
    }
  }
  if (in[i].cls == LB_IDEO && lb_is_digit(A[pb].cp)) {
    c->info[i].pen = (float)LB_PEN_NUM_CJK;
    return LB_B_PEN; // a number keeps its following word when anything else fits
  }
  if (lb_is_digit(A[i].cp) && (A[pb].cp == 0x7B2C || A[pb].cp == 0x7EA6 || A[pb].cp == 0x5171)) {
    c->info[i].pen = (float)LB_PEN_PREFIX;
    return LB_B_PEN; // 第 / 约 / 共 with its number
  }
  if (ep_lb_is_no_start(A[i].cp))
    return LB_B_KINSOKU;
  if (A[i].cp == 0x2014 && A[i - 1].cp != 0x2014 && !(i + 1 < c->n && A[i + 1].cp == 0x2014))
    return LB_B_KINSOKU; // a single — is a connector (一字线), not a dash
  if (ep_lb_is_no_end(A[pb].cp))
    return LB_B_KINSOKU;
  return LB_B_OK;
}

// 'lb_free_ctx()' - Free the scratch arrays of C.
static void lb_free_ctx(lb_ctx *c)
{
  free(c->block);
  c->block = NULL;
}

// 'lb_alloc_arrays()' - The scratch arrays of C for its N atoms (the node
// arrays dem, prev, act, mq and node too when WITH_NODES), carved from one allocation
// (short paragraphs and table cells make most of a report's calls: one
// malloc instead of twelve) and counted in C's work_bytes. The callers keep
// N below SIZE_MAX / 64. False when out of memory.
static bool lb_alloc_arrays(lb_ctx *c, size_t n, bool with_nodes)
{
  enum { ALIGN = 16 };
  _Static_assert(sizeof(size_t) == 8 && sizeof(double) == 8, "the arrays after info have 8-byte elements");
  size_t m = n + 1, want = with_nodes ? 15 : 10;
  size_t bytes[15], off[15], total = 0;
  bytes[0] = (n ? n : 1) * sizeof *c->info;
  bytes[1] = (n ? n : 1) * sizeof *c->gap;
  for (size_t i = 2; i < want; i++)
    bytes[i] = m * 8;
  if (with_nodes)
    bytes[14] = m * sizeof *c->node;
  for (size_t i = 0; i < want; i++) {
    off[i] = total;
    total += (bytes[i] + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    c->work_bytes += bytes[i];
  }
  unsigned char *b = c->block = malloc(total);
  if (!b)
    return false;
  c->info = (lb_info *)(b + off[0]);
  c->gap = (lb_gap *)(b + off[1]);
  c->lead = (size_t *)(b + off[2]);
  c->trail = (size_t *)(b + off[3]);
  c->pc_c = (double *)(b + off[4]);
  c->pc_g = (double *)(b + off[5]);
  c->pc_s = (double *)(b + off[6]);
  c->pc_k = (double *)(b + off[7]);
  c->pc_o = (double *)(b + off[8]);
  c->pc_ch = (size_t *)(b + off[9]);
  if (with_nodes) {
    c->dem = (double *)(b + off[10]);
    c->prev = (size_t *)(b + off[11]);
    c->act = (size_t *)(b + off[12]);
    c->mq = (size_t *)(b + off[13]);
    c->node = (lb_node *)(b + off[14]);
  }
  return true;
}

// 'lb_autospace_runs()' - Spaces between CJK and Latin become the ¼ em gap
// (the run's first space carries it, the others absorb nothing).
static void lb_autospace_runs(lb_ctx *c)
{
  const ep_lb_atom *A = c->atoms;
  lb_info *in = c->info;
  size_t n = c->n;
  for (size_t i = 0; i < n;) {
    if (!lb_is_spacey(in[i].cls)) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < n && lb_is_spacey(in[j].cls))
      j++;
    if (i > 0 && j < n && !(A[j].flags & EP_LB_BREAK_BEFORE) && in[j].cls != LB_MARK &&
        in[i - 1].cls != LB_JOIN && lb_autospace(c, i - 1, j)) {
      double em = in[i - 1].bcls == LB_IDEO ? in[i - 1].em : in[j].em;
      for (size_t k = i; k < j; k++) {
        in[k].absorbed = k == i ? 1 : 2;
        in[k].c = k == i ? c->gap_em * em : 0;
      }
    }
    i = j;
  }
}

// 'lb_mark_units()' - Mark the unit word after each number (spaces between
// allowed): a line never breaks between them.
static void lb_mark_units(lb_ctx *c)
{
  const ep_lb_atom *A = c->atoms;
  lb_info *in = c->info;
  size_t n = c->n;
  for (size_t i = 0; i < n; i++) {
    if (!lb_is_digit(A[i].cp) || (i + 1 < n && lb_is_digit(A[i + 1].cp)))
      continue;
    size_t j = i + 1;
    while (j < n && lb_is_spacey(in[j].cls) && in[j].absorbed)
      j++;
    size_t u = j < n ? lb_unit_len(A, j, n) : 0;
    for (size_t k = j; k < j + u; k++)
      in[k].unit = 1;
  }
}

// 'lb_prefix_sums()' - The first non-space atom at or after each position,
// the last before it, and the prefix sums of cells, gaps, stretch, shrink,
// optional blanks and characters that make each line's metrics O(1).
static void lb_prefix_sums(lb_ctx *c)
{
  lb_info *in = c->info;
  size_t n = c->n;
  c->lead[n] = n;
  for (size_t i = n; i-- > 0;)
    c->lead[i] = in[i].cls == LB_SPACE ? c->lead[i + 1] : i;
  c->trail[0] = 0;
  for (size_t i = 1; i <= n; i++)
    c->trail[i] = in[i - 1].cls == LB_SPACE ? c->trail[i - 1] : i;
  c->pc_c[0] = c->pc_g[0] = c->pc_s[0] = c->pc_k[0] = c->pc_o[0] = 0;
  c->pc_ch[0] = 0;
  for (size_t i = 0; i < n; i++) {
    lb_gap g = {0, 0, 0, 0};
    if (i > 0)
      lb_gap_at(c, i, &g);
    c->gap[i] = g; // for lb_layout_line()
    double opt = in[i].bl + in[i].br;
    if (in[i].pc == LB_PC_THIS_LEFT)
      opt -= in[i].bl;
    if (i + 1 < n && in[i + 1].pc == LB_PC_PREV_RIGHT)
      opt -= in[i].br;
    c->pc_c[i + 1] = c->pc_c[i] + in[i].c;
    c->pc_g[i + 1] = c->pc_g[i] + g.base - g.pc;
    c->pc_s[i + 1] = c->pc_s[i] + g.st;
    c->pc_k[i + 1] = c->pc_k[i] + g.sh;
    c->pc_o[i + 1] = c->pc_o[i] + opt;
    c->pc_ch[i + 1] = c->pc_ch[i] + in[i].ischar;
  }
}

// 'lb_prepare()' - Classify the atoms, find the breaks, gaps and compressions,
// and build the prefix sums. WITH_NODES also allocates the search arrays.
// Returns false when out of memory.
static bool lb_prepare(lb_ctx *c, bool with_nodes)
{
  size_t n = c->n;
  if (!lb_alloc_arrays(c, n, with_nodes))
    return false;
  const ep_lb_atom *A = c->atoms;
  lb_info *in = c->info;
  for (size_t i = 0; i < n; i++) { // classes, cells, blanks
    lb_info *f = &in[i];
    memset(f, 0, sizeof *f);
    f->cls = lb_classify(A[i].cp, A[i].flags);
    f->bcls = (f->cls == LB_MARK && i > 0) ? in[i - 1].bcls : f->cls;
    f->c = lb_sane(A[i].advance);
    f->em = lb_sane(A[i].em) > 0 ? lb_sane(A[i].em) : f->c;
    f->ischar = !lb_is_spacey(f->cls) && f->cls != LB_JOIN && f->cls != LB_MARK &&
                (A[i].cp == EP_LB_OBJECT || (A[i].flags & EP_LB_LATIN) || !lb_is_punct(A[i].cp));
    if (f->cls == LB_CJK)
      ep_lb_blanks(&A[i], &f->bl, &f->br);
  }
  lb_autospace_runs(c);
  lb_mark_units(c);
  size_t seg = 0;
  for (size_t i = 0; i < n; i++) { // breaks and pair compression
    if (i == 0) {
      in[i].brk = LB_B_NEVER;
      continue;
    }
    in[i].brk = lb_break_class(c, i, seg);
    if (in[i].brk == LB_B_FORCED)
      seg = i;
    const lb_info *p = &in[i - 1];
    if (p->br > 0 && (in[i].br > 0 || in[i].bl > 0))
      in[i].pc = LB_PC_PREV_RIGHT; // 。」 ）（ ，“: the first loses its blank
    else if (p->bl > 0 && in[i].bl > 0)
      in[i].pc = LB_PC_THIS_LEFT;  // （《 “《: the second loses its blank
  }
  lb_prefix_sums(c);
  return true;
}

// 'lb_line_metrics()' - Fill *M for the line from node A (a break before atom
// A) to the break before atom B, in O(1) from the prefix sums.
static void lb_line_metrics(const lb_ctx *c, size_t a, size_t b, lb_metrics *m)
{
  size_t s = c->lead[a] < b ? c->lead[a] : b;
  size_t e = c->trail[b] > s ? c->trail[b] : s;
  memset(m, 0, sizeof *m);
  m->s = s;
  m->e = e;
  if (e == s)
    return;
  const lb_info *in = c->info;
  // gaps s+1 .. e-1 belong to the line; the gaps at s and e do not
  m->nat = c->pc_c[e] - c->pc_c[s] + c->pc_g[e] - c->pc_g[s + 1] - in[s].bl;
  m->st = c->pc_s[e] - c->pc_s[s + 1];
  m->sh = c->pc_k[e] - c->pc_k[s + 1];
  double opt = c->pc_o[e] - c->pc_o[s];
  if (in[s].pc != LB_PC_THIS_LEFT)
    opt -= in[s].bl;   // taken by the line-start compression
  if (!(e < c->n && in[e].pc == LB_PC_PREV_RIGHT))
    opt -= in[e - 1].br; // the end mark keeps its cell inside the measure
  m->opt = c->squeeze && opt > 0 ? opt : 0;
  m->chars = c->pc_ch[e] - c->pc_ch[s];
}

// 'lb_measure_of()' - The measure of the line that starts at node A.
static double lb_measure_of(const lb_ctx *c, size_t a)
{
  return a == 0 ? c->first_width : c->width;
}

// 'lb_is_seg_start()' - True when node A starts a forced-break segment.
static bool lb_is_seg_start(const lb_ctx *c, size_t a)
{
  return a == 0 || (a < c->n && c->info[a].brk == LB_B_FORCED);
}

// 'lb_is_orphan()' - True when the line M ending a segment, starting at node A,
// breaks the 孤字 rule.
static bool lb_is_orphan(const lb_ctx *c, size_t a, const lb_metrics *m)
{
  return c->min_last > 1 && !lb_is_seg_start(c, a) && m->chars < (size_t)c->min_last;
}

// 'lb_node_make()' - The lb_node of node A (a break before atom A) into *N.
static void lb_node_make(const lb_ctx *c, size_t a, lb_node *N)
{
  size_t x = c->lead[a];
  N->x = x;
  N->measure = lb_measure_of(c, a);
  if (x >= c->n)
    return; // nothing but spaces after it: its lines are empty (lb_search())
  const lb_info *in = c->info;
  N->c = c->pc_c[x];
  N->g = c->pc_g[x + 1];
  N->bl = in[x].bl;
  N->s = c->pc_s[x + 1];
  N->k = c->pc_k[x + 1];
  N->o = c->pc_o[x];
  N->optl = in[x].pc != LB_PC_THIS_LEFT ? in[x].bl : 0;
  N->ch = c->pc_ch[x];
}

// The line end's share of the lines to a break B (lb_search()): the start
// Y of the spaces before B (trail[b]) and the prefix sums there.
typedef struct lb_end {
  size_t y;
  double c, g, s, k, o; // pc_c[y], pc_g[y], pc_s[y], pc_k[y], pc_o[y]
  double optr;          // info[y - 1].br when the end mark's blank is squeezable (else 0)
  size_t ch;            // pc_ch[y]
} lb_end;

// 'lb_end_make()' - The lb_end of break B (0 < B <= n) into *E.
static void lb_end_make(const lb_ctx *c, size_t b, lb_end *E)
{
  size_t y = c->trail[b];
  const lb_info *in = c->info;
  E->y = y;
  E->c = c->pc_c[y];
  E->g = c->pc_g[y];
  E->s = c->pc_s[y];
  E->k = c->pc_k[y];
  E->o = c->pc_o[y];
  E->optr = y > 0 && !(y < c->n && in[y].pc == LB_PC_PREV_RIGHT) ? in[y - 1].br : 0;
  E->ch = c->pc_ch[y];
}

// 'lb_fit_node()' - The badness of setting the line from node N to the
// break whose end is E (the content from N->x to E->y > N->x: N->x comes
// before the break) to its measure (JUSTIFY: stretched to fill it), the
// search's inner loop: each sum is read only when the badness needs it,
// from the two records (a zero subtracted where lb_line_metrics() skips a
// term leaves every value as it was). Sets *TOO_WIDE when even full
// compression leaves it too wide, *FITS when its natural width is within
// the measure. Unjustifiable lines all cap at LB_BAD_MAX; among them the
// one with less room left over is better (a narrow table cell: 年初|预算数,
// not 年|初预算数).
static inline double lb_fit_node(const lb_ctx *c, const lb_node *N, const lb_end *E, bool justify, bool *too_wide,
                                 bool *fits)
{
  double measure = N->measure;
  double w = E->c - N->c + E->g - N->g - N->bl;
  *too_wide = false;
  *fits = w <= measure + LB_EPS;
  if (*fits) {
    double slack = measure - w;
    if (!justify || slack <= LB_EPS)
      return 0;
    double room = measure > 0 ? slack / measure : 0;
    double st = E->s - N->s;
    if (st <= 0)
      return LB_BAD_MAX + 1000 * room;
    double r = slack / st, bad = 100 * r * r * r;
    return bad < LB_BAD_MAX ? bad : LB_BAD_MAX + 1000 * room;
  }
  double sh = E->k - N->k;
  double opt = E->o - N->o;
  opt -= N->optl;
  opt -= E->optr;
  opt = c->squeeze && opt > 0 ? opt : 0;
  double need = w - measure;
  double p = need < opt ? need : opt;
  double bad = opt > 0 ? LB_SQUEEZE_COST * p / opt : 0;
  double rest = need - p;
  if (rest <= LB_EPS)
    return bad;
  if (rest > sh + LB_EPS) {
    *too_wide = true;
    return LB_BAD_MAX;
  }
  double r = rest / sh;
  return bad + 100 * r * r * r;
}

// 'lb_search()' - One Knuth-Plass pass (PASS 1: forbidden breaks and 孤字 are
// infeasible; PASS 2: they cost huge penalties and lone over-wide atoms are
// allowed). Fills dem/prev; returns true when the paragraph end was reached.
static bool lb_search(lb_ctx *c, int pass)
{
  size_t n = c->n, head = 0, tail = 0, gone = 0, tried = 0;
  for (size_t i = 0; i <= n; i++)
    c->dem[i] = INFINITY;
  c->dem[0] = 0;
  c->prev[0] = 0;
  lb_node_make(c, 0, &c->node[tail]);
  c->act[tail++] = 0;
  // mq[qh..qt): the active positions no later one undercuts, demerits ascending;
  // the first past position k holds the least demerits of the nodes after k.
  size_t qh = 0, qt = 0;
  c->mq[qt++] = 0;
  for (size_t b = 1; b <= n; b++) {
    unsigned char brk = b == n ? LB_B_END : c->info[b].brk;
    if (brk == LB_B_NEVER || (pass == 1 && (brk == LB_B_KINSOKU || brk == LB_B_TOKEN)))
      continue;
    bool ends_seg = brk == LB_B_END || brk == LB_B_FORCED;
    double best = INFINITY;
    size_t from = 0;
    // Every candidate of B pays B's penalty, and a line with unjustifiable
    // badness costs at least LOOSE more (demerits are never negative). The
    // active nodes come oldest first, so the lines to B get shorter, and
    // looser, along the list: once one is unjustifiable and the best so far
    // costs less than any such line can, no later node can win.
    const double loose = (LB_LINE_PEN + LB_BAD_MAX) * (LB_LINE_PEN + LB_BAD_MAX);
    double penb = brk == LB_B_PEN       ? c->info[b].pen
                  : brk == LB_B_KINSOKU ? LB_PEN_KINSOKU
                  : brk == LB_B_TOKEN   ? LB_PEN_TOKEN
                                        : 0;
    while (qh < qt && c->mq[qh] < head)
      qh++;
    size_t qc = qh;
    lb_end E;
    lb_end_make(c, b, &E);
    for (size_t k = head; k < tail; k++) {
      size_t a = c->act[k];
      const lb_node *N = &c->node[k];
      tried++;
      size_t ms, me;
      bool too_wide, fits;
      double bad;
      if (N->x < b) { // as a rule: the line holds something
        ms = N->x;
        me = E.y;
        bad = lb_fit_node(c, N, &E, !ends_seg, &too_wide, &fits);
      } else { // only spaces from the node to B: an empty line, which fits, and
               // with its whole measure as room (room 1) cannot be justified
        ms = me = b;
        too_wide = false;
        fits = true;
        bad = !ends_seg && N->measure > LB_EPS ? LB_BAD_MAX + 1000 : 0;
      }
      double d = c->dem[a] + (LB_LINE_PEN + bad) * (LB_LINE_PEN + bad);
      if (too_wide) {
        if (pass == 1 || me - ms > 1) {
          if (k == head) { // lines from it only get wider: retire it
            gone = a;
            head++;
          }
          continue;
        }
        d += LB_PEN_OVERFULL; // pass 2: a lone atom wider than the measure
      }
      if (ends_seg && c->min_last > 1 && !lb_is_seg_start(c, a) &&
          (me != ms ? c->pc_ch[me] - c->pc_ch[ms] : 0) < (size_t)c->min_last) { // lb_is_orphan()
        if (pass == 1)
          continue;
        d += LB_PEN_ORPHAN;
      }
      d += penb;
      if (d < best) {
        best = d;
        from = a;
      }
      if (!ends_seg && bad >= LB_BAD_MAX && best < loose + penb)
        break;
      // Past the first line from K that fits, the lines from later nodes
      // hold less and only get looser (nodes after the first share one
      // measure), so none beats BEST once the least demerits after K plus
      // this line's cannot (with room for rounding: the result is exactly
      // that of trying them all).
      if (!ends_seg && !c->exhaustive && a != 0 && fits) { // (a line that fits is not too wide)
        while (qc < qt && c->mq[qc] <= k)
          qc++;
        if (qc == qt)
          break;
        double floor_d = c->dem[c->act[c->mq[qc]]] + (LB_LINE_PEN + bad) * (LB_LINE_PEN + bad) + penb;
        if (floor_d > best + 1e-9 * (1 + fabs(best)))
          break;
      }
    }
    if (best == INFINITY && pass == 2 && (head == tail || ends_seg)) {
      // Last resort, never expected: an overfull line from the newest node.
      from = head < tail ? c->act[tail - 1] : gone;
      best = c->dem[from] + 10 * LB_PEN_OVERFULL;
    }
    if (best < INFINITY) {
      c->dem[b] = best;
      c->prev[b] = from;
      if (ends_seg)
        head = tail; // nothing breaks across a forced break
      while (qt > qh && c->dem[c->act[c->mq[qt - 1]]] >= best)
        qt--;
      c->mq[qt++] = tail;
      lb_node_make(c, b, &c->node[tail]);
      c->act[tail++] = b;
    } else if (ends_seg) {
      c->tried += tried;
      return false;
    }
    if (head == tail) {
      c->tried += tried;
      return false;
    }
    if (tail - head > LB_MAX_ACTIVE)
      gone = c->act[head++];
    if (tail - head > c->max_active)
      c->max_active = tail - head;
  }
  c->tried += tried;
  return c->dem[n] < INFINITY;
}

// 'lb_layout_line()' - Place the atoms of content [S, E) on a line of MEASURE
// (JUSTIFY: fill it exactly) into X and W; return the right edge of the last
// atom's full cell and set *OVERFLOW when the line stays wider than MEASURE.
static double lb_layout_line(const lb_ctx *c, size_t s, size_t e, double measure,
                             bool justify, double *x, double *w, bool *overflow, bool *ragged)
{
  const lb_info *in = c->info;
  double nat = 0, st = 0, sh = 0, opt = 0, st_em = 0, min_em = INFINITY;
  size_t ngaps = 0;
  *overflow = *ragged = false;
  if (e <= s)
    return 0;
  for (size_t i = s; i < e; i++) { // totals, exactly as the line will be walked
    lb_gap g = {0, 0, 0, 0};
    if (i > s) {
      g = c->gap[i];
      ngaps++;
    }
    double rl = i == s ? in[i].bl : (in[i].pc == LB_PC_THIS_LEFT ? in[i].bl : 0);
    double rr = (i + 1 < e && in[i + 1].pc == LB_PC_PREV_RIGHT) ? in[i].br : 0;
    nat += g.base + in[i].c - rl - rr;
    st += g.st;
    if (i > s && in[i].em > 0) {
      if (g.st / in[i].em > st_em)
        st_em = g.st / in[i].em; // the most a gap stretches, per unit of stretch ratio
      if (in[i].em < min_em)
        min_em = in[i].em;
    }
    sh += g.sh;
    opt += (in[i].bl - rl) + (i + 1 < e ? in[i].br - rr : 0);
  }
  if (!c->squeeze)
    opt = 0;
  double kst = 0, even = 0, f = 0, ksh = 0;
  if (nat <= measure) {
    double slack = measure - nat;
    if (justify && slack > 0) {
      if (st > 0)
        kst = slack / st;
      else if (ngaps > 0)
        even = slack / (double)ngaps; // nothing stretchable: spread over every gap
      double most = kst * st_em + (isfinite(min_em) ? even / min_em : 0); // em
      if (ngaps == 0 || (c->max_stretch > 0 && most > c->max_stretch + 1e-9)) {
        kst = even = 0; // would letter-space: natural width, the caller aligns it
        *ragged = true;
      }
    }
  } else {
    double need = nat - measure;
    f = opt > 0 ? (need < opt ? need / opt : 1) : 0;
    double rest = need - f * opt;
    if (rest > 0 && sh > 0)
      ksh = rest < sh ? rest / sh : 1;
    *overflow = rest - ksh * sh > 0.01;
  }
  double pen = 0;
  for (size_t i = s; i < e; i++) {
    if (i > s) {
      const lb_gap *g = &c->gap[i];
      pen += g->base + kst * g->st + even - ksh * g->sh;
    }
    double rl = i == s ? in[i].bl : (in[i].pc == LB_PC_THIS_LEFT ? in[i].bl : 0);
    double rr = (i + 1 < e && in[i + 1].pc == LB_PC_PREV_RIGHT) ? in[i].br : 0;
    rl += f * (in[i].bl - rl);
    if (i + 1 < e)
      rr += f * (in[i].br - rr);
    double cell = in[i].c - rl - rr;
    x[i] = pen - rl;
    w[i] = i + 1 == e ? cell - in[i].br : cell; // a trimmed end mark counts half
    pen += cell;
  }
  return pen;
}

// 'ep_lb_params_init()' - Defaults for measure WIDTH.
void ep_lb_params_init(ep_lb_params *p, double width)
{
  if (!p)
    return;
  memset(p, 0, sizeof *p);
  p->first_width = width;
  p->width = width;
  p->min_last_chars = 2;
  p->cjk_latin_gap = EP_LB_DEFAULT_GAP;
  p->no_squeeze = false;
}

// 'lb_ctx_init()' - Set up C for ATOMS[N] under P (NULL: defaults, any measure).
static void lb_ctx_init(lb_ctx *c, const ep_lb_atom *atoms, size_t n, const ep_lb_params *p)
{
  memset(c, 0, sizeof *c);
  c->atoms = atoms;
  c->n = n;
  c->gap_em = EP_LB_DEFAULT_GAP;
  c->min_last = 2;
  c->squeeze = true;
  c->shrink = true;
  if (!p)
    return;
  c->width = isfinite(p->width) && p->width > 0 ? p->width : 0;
  c->first_width = isfinite(p->first_width) && p->first_width > 0 ? p->first_width : c->width;
  c->gap_em = isfinite(p->cjk_latin_gap) && p->cjk_latin_gap > 0 ? p->cjk_latin_gap : 0;
  c->min_last = p->min_last_chars;
  c->squeeze = !p->no_squeeze;
  c->max_stretch = isfinite(p->max_stretch) && p->max_stretch > 0 ? p->max_stretch : 0;
  c->shrink = !p->no_shrink;
  c->exhaustive = p->exhaustive;
}

// 'lb_fill_result()' - Walk the chosen breaks back from the end and lay out
// every line into *OUT (x, w already allocated). Returns false when out of memory.
static bool lb_fill_result(const lb_ctx *c, ep_lb_result *out)
{
  size_t n = c->n, count = 0;
  for (size_t b = n; b > 0; b = c->prev[b])
    count++;
  out->lines = calloc(count ? count : 1, sizeof *out->lines);
  if (!out->lines)
    return false;
  out->nlines = count;
  size_t k = count;
  for (size_t b = n; b > 0; b = c->prev[b]) { // ends of lines, last first
    ep_lb_line *l = &out->lines[--k];
    l->end = b; // break position for now
    l->start = c->prev[b];
  }
  for (size_t i = 0; i < n; i++)
    out->x[i] = out->w[i] = 0;
  unsigned char before = LB_B_NEVER; // class of the break that started the line
  for (k = 0; k < count; k++) {
    ep_lb_line *l = &out->lines[k];
    size_t a = l->start, b = l->end;
    unsigned char brk = b == n ? LB_B_END : c->info[b].brk;
    lb_metrics m;
    lb_line_metrics(c, a, b, &m);
    l->start = m.s;
    l->end = m.e;
    l->measure = lb_measure_of(c, a);
    l->last = b == n;
    l->forced = brk == LB_B_FORCED;
    bool overflow;
    l->width_used = lb_layout_line(c, m.s, m.e, l->measure, !l->last && !l->forced,
                                   out->x, out->w, &overflow, &l->ragged);
    // a relaxed or emergency break marks the lines on both of its sides
    l->overfull = overflow || brk == LB_B_TOKEN || before == LB_B_TOKEN;
    l->relaxed = brk == LB_B_KINSOKU || before == LB_B_KINSOKU ||
                 ((l->last || l->forced) && lb_is_orphan(c, a, &m));
    before = brk;
  }
  return true;
}

// 'lb_break_whole()' - ep_linebreak() of the N atoms at once (N > 0, the
// arguments checked); *OUT is zeroed first, also on failure.
static int lb_break_whole(const ep_lb_atom *atoms, size_t n, const ep_lb_params *p, ep_lb_result *out)
{
  memset(out, 0, sizeof *out);
  lb_ctx c;
  lb_ctx_init(&c, atoms, n, p);
  out->x = malloc(n * sizeof(double));
  out->w = malloc(n * sizeof(double));
  if (!out->x || !out->w || !lb_prepare(&c, true)) {
    lb_free_ctx(&c);
    ep_lb_result_free(out);
    return -1;
  }
  out->n = n;
  out->pass = 1;
  if (!lb_search(&c, 1)) {
    out->pass = 2;
    lb_search(&c, 2); // always reaches the end (last-resort overfull lines)
  }
  out->max_active = c.max_active;
  out->work_bytes = c.work_bytes;
  out->tried = c.tried;
  bool ok = c.dem[n] < INFINITY && lb_fill_result(&c, out);
  lb_free_ctx(&c);
  if (!ok) {
    ep_lb_result_free(out);
    return -1;
  }
  return 0;
}

// 'lb_take_window()' - Append to OUT (its lines' room *CAP) the first KEEP
// lines of R, the result for the atoms from S on, with the positions of
// the atoms from S up to S + UPTO; fold R's counts into OUT's.
static bool lb_take_window(ep_lb_result *out, size_t *cap, const ep_lb_result *r, size_t s, size_t keep,
                           size_t upto)
{
  if (out->nlines + keep > *cap) {
    size_t want = (out->nlines + keep) * 2;
    ep_lb_line *l = realloc(out->lines, want * sizeof *l);
    if (!l)
      return false;
    out->lines = l;
    *cap = want;
  }
  for (size_t k = 0; k < keep; k++) {
    ep_lb_line l = r->lines[k];
    l.start += s;
    l.end += s;
    out->lines[out->nlines++] = l;
  }
  memcpy(out->x + s, r->x, upto * sizeof *r->x);
  memcpy(out->w + s, r->w, upto * sizeof *r->w);
  out->pass = r->pass > out->pass ? r->pass : out->pass;
  out->max_active = r->max_active > out->max_active ? r->max_active : out->max_active;
  out->work_bytes = r->work_bytes > out->work_bytes ? r->work_bytes : out->work_bytes;
  out->tried += r->tried;
  return true;
}

// 'ep_linebreak_window()' - ep_linebreak() with WINDOW atoms broken at a
// time (see linebreak.h).
int ep_linebreak_window(const ep_lb_atom *atoms, size_t n, const ep_lb_params *p, size_t window,
                        ep_lb_result *out)
{
  if (!out)
    return -2;
  memset(out, 0, sizeof *out);
  if (!p || (!atoms && n > 0))
    return -2;
  if (n == 0) {
    out->pass = 1;
    return 0;
  }
  if (n >= SIZE_MAX / 64)
    return -1;
  if (window < 64 || n <= window)
    return lb_break_whole(atoms, n, p, out);
  // A paragraph longer than the window is broken a window at a time: the
  // lines a window's best breaks give up to three quarters into it are
  // kept, and the next window starts where the first line not kept does.
  // What makes a line good lies within a few lines of it, so the lines are
  // as good as the whole paragraph's search gives, though not always the
  // same ones: where several sets of breaks cost the same, the one kept
  // depends on where the search ends (tests/unit/test_linebreak_scale.c). The
  // scratch memory is one window's (some 360 bytes per atom) instead of
  // the paragraph's: a paragraph of 4 million characters took 1.7 GB and
  // 5.1 s to render, 0.76 GB and 2.2 s now.
  out->n = n;
  out->pass = 1;
  out->x = malloc(n * sizeof(double));
  out->w = malloc(n * sizeof(double));
  if (!out->x || !out->w) {
    ep_lb_result_free(out);
    return -1;
  }
  size_t cap = 0;
  ep_lb_params wp = *p;
  bool ok = true;
  int rc = 0;
  for (size_t s = 0; ok && s < n;) {
    size_t m = n - s < window ? n - s : window;
    ep_lb_result r;
    if ((rc = lb_break_whole(atoms + s, m, &wp, &r)) != 0)
      break;
    size_t keep = r.nlines, upto = m;
    if (s + m < n) { // not the paragraph's end: its last lines are broken again
      keep = 0;
      while (keep + 1 < r.nlines && r.lines[keep].end <= window / 4 * 3)
        keep++;
      upto = r.lines[keep].start; // a result has at least one line
    }
    if (keep == 0 || upto == 0) { // no line kept (a window of one line): the paragraph at once
      ep_lb_result_free(&r);
      ep_lb_result_free(out);
      return lb_break_whole(atoms, n, p, out);
    }
    ok = lb_take_window(out, &cap, &r, s, keep, upto);
    ep_lb_result_free(&r);
    s += upto;
    wp.first_width = 0; // later windows start on a later line
  }
  if (!ok || rc != 0) {
    ep_lb_result_free(out);
    return rc ? rc : -1;
  }
  return 0;
}

// 'ep_linebreak()' - Break and justify one paragraph.
int ep_linebreak(const ep_lb_atom *atoms, size_t n, const ep_lb_params *p, ep_lb_result *out)
{
  return ep_linebreak_window(atoms, n, p, EP_LB_WINDOW, out);
}

// 'ep_lb_result_free()' - Free what ep_linebreak() allocated in R and zero R.
void ep_lb_result_free(ep_lb_result *r)
{
  if (!r)
    return;
  if (!r->shared) {
    free(r->lines);
    free(r->x);
    free(r->w);
  }
  memset(r, 0, sizeof *r);
}

// 'ep_lb_measure()' - Minimum (widest unbreakable unit) and preferred (widest
// forced-break segment on one line) widths of a paragraph.
int ep_lb_measure(const ep_lb_atom *atoms, size_t n, double *min, double *pref)
{
  if (!min || !pref || (!atoms && n > 0))
    return -2;
  *min = *pref = 0;
  if (n == 0)
    return 0;
  if (n >= SIZE_MAX / 64)
    return -1;
  lb_ctx c;
  lb_ctx_init(&c, atoms, n, NULL);
  if (!lb_prepare(&c, false)) {
    lb_free_ctx(&c);
    return -1;
  }
  size_t unit = 0, seg = 0;
  for (size_t b = 1; b <= n; b++) {
    unsigned char brk = b == n ? LB_B_END : c.info[b].brk;
    if (brk == LB_B_PEN && c.info[b].pen >= LB_PEN_UNIT)
      continue; // a number with its unit is one unit here
    if (brk != LB_B_OK && brk != LB_B_PEN && brk != LB_B_FORCED && brk != LB_B_END)
      continue;
    lb_metrics m;
    lb_line_metrics(&c, unit, b, &m);
    if (m.nat > *min)
      *min = m.nat;
    unit = b;
    if (brk != LB_B_OK && brk != LB_B_PEN) {
      lb_line_metrics(&c, seg, b, &m);
      if (m.nat > *pref)
        *pref = m.nat;
      seg = b;
    }
  }
  lb_free_ctx(&c);
  return 0;
}

// ---------------------------------------------------------------------------
// Memo of results across layout passes

// One remembered result, found by two independent 64-bit hashes of its input.
typedef struct lb_memo_entry {
  uint64_t h1, h2;
  size_t n;
  ep_lb_result res;
} lb_memo_entry;

struct ep_lb_memo {
  lb_memo_entry *e; // open addressing, cap slots (a power of two), n.res.x == NULL: empty
  size_t count, cap;
  size_t probes;    // slots looked at so far (ep_lb_memo_probes())
};

// 'lb_mix()' - Fold the 64-bit word V into both hashes.
static void lb_mix(uint64_t *h1, uint64_t *h2, uint64_t v)
{
  *h1 = (*h1 ^ v) * 0x100000001B3ull;                     // FNV-1a, one word at a time
  *h2 = (*h2 + v) * 0x9E3779B97F4A7C15ull;                // a multiplicative mix
  *h2 ^= *h2 >> 29;
}

// 'lb_bits()' - The bits of the double V (every field is hashed by value, so
// padding bytes never matter).
static uint64_t lb_bits(double v)
{
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  return u;
}

// 'lb_hash()' - The two hashes of a ep_linebreak() input.
static void lb_hash(const ep_lb_atom *a, size_t n, const ep_lb_params *p, uint64_t *h1, uint64_t *h2)
{
  *h1 = 0xCBF29CE484222325ull;
  *h2 = 0x84222325CBF29CE4ull;
  lb_mix(h1, h2, n);
  lb_mix(h1, h2, lb_bits(p->first_width));
  lb_mix(h1, h2, lb_bits(p->width));
  lb_mix(h1, h2, (uint64_t)(int64_t)p->min_last_chars);
  lb_mix(h1, h2, lb_bits(p->cjk_latin_gap));
  lb_mix(h1, h2, (uint64_t)p->no_squeeze << 1 | (uint64_t)p->no_shrink);
  lb_mix(h1, h2, lb_bits(p->max_stretch));
  for (size_t i = 0; i < n; i++) {
    lb_mix(h1, h2, (uint64_t)a[i].cp << 32 | a[i].flags);
    lb_mix(h1, h2, lb_bits(a[i].advance));
    lb_mix(h1, h2, lb_bits(a[i].em));
    lb_mix(h1, h2, lb_bits(a[i].ink_l));
    lb_mix(h1, h2, lb_bits(a[i].ink_r));
  }
}

// 'ep_lb_memo_new()' - An empty memo.
ep_lb_memo *ep_lb_memo_new(void)
{
  return calloc(1, sizeof(ep_lb_memo));
}

// 'ep_lb_memo_free()' - Free M and every result it holds.
void ep_lb_memo_free(ep_lb_memo *m)
{
  if (!m)
    return;
  for (size_t i = 0; i < m->cap; i++)
    ep_lb_result_free(&m->e[i].res);
  free(m->e);
  free(m);
}

// 'lb_memo_home()' - The first slot to look at for hashes H1, H2: their bits
// mixed all the way down (splitmix64's finaliser). H1's low bits alone are
// FNV's, and a multiply only carries upward: they depended on the low bits of
// the inputs only (the atoms' flags, not their code points), so inputs that
// differ in their text alone (a 目录's entries) all started at one slot and
// each look-up probed past every entry before it (a 40,000-entry 目录: 25% of
// its render in the memo).
static size_t lb_memo_home(uint64_t h1, uint64_t h2)
{
  uint64_t z = h1 ^ (h2 * 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (size_t)(z ^ (z >> 31));
}

// 'lb_memo_slot()' - The slot of (H1, H2, N) in M: its entry, or the empty slot for it.
static lb_memo_entry *lb_memo_slot(ep_lb_memo *m, uint64_t h1, uint64_t h2, size_t n)
{
  for (size_t i = lb_memo_home(h1, h2) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
    lb_memo_entry *e = &m->e[i];
    m->probes++;
    if (!e->res.x || (e->h1 == h1 && e->h2 == h2 && e->n == n))
      return e;
  }
}

// 'lb_memo_grow()' - Double M's table (or make its first); false when out of memory.
static bool lb_memo_grow(ep_lb_memo *m)
{
  size_t cap = m->cap ? m->cap * 2 : 256;
  lb_memo_entry *old = m->e, *e = calloc(cap, sizeof *e);
  if (!e)
    return false;
  size_t old_cap = m->cap;
  m->e = e;
  m->cap = cap;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].res.x)
      *lb_memo_slot(m, old[i].h1, old[i].h2, old[i].n) = old[i];
  free(old);
  return true;
}

// 'ep_lb_memo_probes()' - Slots M has looked at so far (see linebreak.h).
size_t ep_lb_memo_probes(const ep_lb_memo *m)
{
  return m ? m->probes : 0;
}

// 'ep_lb_memo_key()' - The memo's key of an input (see linebreak.h).
void ep_lb_memo_key(const ep_lb_atom *atoms, size_t n, const ep_lb_params *p, ep_lb_key *k)
{
  lb_hash(atoms, n, p, &k->h1, &k->h2);
  k->n = n;
}

// 'ep_lb_memo_find()' - A held result, shared (see linebreak.h).
bool ep_lb_memo_find(ep_lb_memo *m, const ep_lb_key *k, ep_lb_result *out)
{
  if (!m || !m->cap)
    return false;
  lb_memo_entry *e = lb_memo_slot(m, k->h1, k->h2, k->n);
  if (!e->res.x)
    return false;
  *out = e->res;
  out->shared = true;
  return true;
}

// 'ep_lb_memo_keep()' - Hold a result made by ep_linebreak() (see linebreak.h).
void ep_lb_memo_keep(ep_lb_memo *m, const ep_lb_key *k, ep_lb_result *res)
{
  if (!m || !res->x || res->shared || ((m->count + 1) * 2 > m->cap && !lb_memo_grow(m)))
    return; // not remembered (out of memory is no error here): the result stays the caller's
  lb_memo_entry *e = lb_memo_slot(m, k->h1, k->h2, k->n);
  if (e->res.x)
    return;
  e->res = *res; // the memo owns the arrays now
  e->h1 = k->h1;
  e->h2 = k->h2;
  e->n = k->n;
  m->count++;
  res->shared = true;
}

// 'ep_linebreak_memo()' - ep_linebreak() through memo M (see linebreak.h):
// the memo keeps each result's arrays and hands them out shared, so that a
// result is never copied (the example's one layout pass made 216 copies of
// results it never looked up again: 0.13 ms with the hashing).
int ep_linebreak_memo(ep_lb_memo *m, const ep_lb_atom *atoms, size_t n, const ep_lb_params *p, ep_lb_result *out)
{
  if (!m || !out || !p || n == 0 || !atoms)
    return ep_linebreak(atoms, n, p, out);
  ep_lb_key k;
  ep_lb_memo_key(atoms, n, p, &k);
  if (ep_lb_memo_find(m, &k, out))
    return 0;
  int rc = ep_linebreak(atoms, n, p, out);
  if (rc == 0)
    ep_lb_memo_keep(m, &k, out);
  return rc;
}

// 'ep_linebreak_job()' - Run one ep_lb_job (see linebreak.h).
void ep_linebreak_job(void *arg, size_t i)
{
  ep_lb_job *j = (ep_lb_job *)arg + i;
  j->rc = ep_linebreak(j->atoms, j->n, &j->params, &j->res);
}
