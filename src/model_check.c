// Model checks: ids, section numbering, every computed figure (funds,
// scoring, self-eval-form), references (<value>, <ref>, measure/@for) and the
// layout name. Reports into the report's diagnostics list; never recurses
// deeper than the builder allowed.
#include "catalog.h"
#include "model.h"
#include "xmlload.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ERR(r, n, code, ...) ep_diag_add(&(r)->diags, EP_ERROR, (n)->file, (n)->line, code, __VA_ARGS__)
#define WARN(r, n, code, ...) ep_diag_add(&(r)->diags, EP_WARNING, (n)->file, (n)->line, code, __VA_ARGS__)

// 'where()' - " (FILE:LINE)" or " (line LINE)" naming N relative to the file of FROM.
static const char *where(const ep_node *n, const ep_node *from, char *buf, size_t size) {
  if (from && n->file && from->file && strcmp(n->file, from->file))
    snprintf(buf, size, "%s:%lu", n->file, n->line);
  else
    snprintf(buf, size, "line %lu", n->line);
  return buf;
}

// ---------------------------------------------------------------------------
// Ids

// 'report_dup_id()' - Report AGAIN, a later holder of the id of FIRST.
static void report_dup_id(ep_report *r, ep_node *again, const ep_node *first) {
  char w[512];
  ERR(r, again, "duplicate-id", "id \"%s\" is already used by <%s> at %s; ids must be unique.", again->id,
      ep_kind_name(first->kind), where(first, again, w, sizeof w));
}

// 'suggest_id()' - The nearest id among those whose kind passes FILTER (NULL = any).
static const char *suggest_id(ep_report *r, const char *word, bool (*filter)(ep_kind)) {
  if (r->suggest_left <= 0)
    return NULL;
  r->suggest_left--;
  const char **cands = ep_xmalloc((r->nids + 1) * sizeof *cands);
  size_t k = 0;
  for (size_t i = 0; i < r->nids; i++)
    if (!filter || filter(r->ids[i]->kind))
      cands[k++] = r->ids[i]->id;
  cands[k] = NULL;
  const char *s = ep_suggest(word, cands, NULL);
  free(cands);
  return s;
}

// ---------------------------------------------------------------------------
// Numbering

// 'utf8_is()' - Whether the UTF-8 text at *P starts with the character S
// (itself UTF-8); *P moves past it when it does.
static bool utf8_is(const char **p, const char *s) {
  size_t n = strlen(s);
  if (strncmp(*p, s, n) != 0)
    return false;
  *p += n;
  return true;
}

// 'chinese_digits()' - Skip a run of Chinese numeral characters at *P; false
// when there is none.
static bool chinese_digits(const char **p) {
  static const char *const digits[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "百", "〇", "零"};
  const char *start = *p;
  for (bool more = true; more;) {
    more = false;
    for (size_t i = 0; i < sizeof digits / sizeof *digits && !more; i++)
      more = utf8_is(p, digits[i]);
  }
  return *p != start;
}

// 'ascii_digits()' - Skip a run of ASCII digits at *P; false when there is none.
static bool ascii_digits(const char **p) {
  const char *start = *p;
  while (**p >= '0' && **p <= '9')
    (*p)++;
  return *p != start;
}

// 'title_number_len()' - The length in bytes of a section number that TITLE
// starts with, in one of the forms the layouts generate (一、 （一） (一)
// 1. 1． 1、 （1） (1)), or 0. "1.5亿元" and "2022年" are no numbers: after
// "1." or "1、" comes no digit, and a bare number is not one.
static size_t title_number_len(const char *title) {
  const char *p = title;
  if (chinese_digits(&p) && utf8_is(&p, "、"))
    return (size_t)(p - title);
  p = title;
  if ((utf8_is(&p, "（") || utf8_is(&p, "(")) && (chinese_digits(&p) || ascii_digits(&p)) &&
      (utf8_is(&p, "）") || utf8_is(&p, ")")))
    return (size_t)(p - title);
  p = title;
  if (ascii_digits(&p) && (utf8_is(&p, ".") || utf8_is(&p, "．") || utf8_is(&p, "、")) && !(*p >= '0' && *p <= '9'))
    return (size_t)(p - title);
  return 0;
}

// 'number_sections()' - Ordinals and number strings for every section and
// appendix; a numbered section whose title carries a number of its own is
// warned about (it would print twice: 一、一、基本情况).
static void number_sections(ep_report *r) {
  int appendix = 0;
  for (ep_node *x = r->body; x; x = ep_next_block(x, r->body)) {
    if (x->kind == EP_N_APPENDIX) {
      x->ordinal = ++appendix;
      char buf[64];
      snprintf(buf, sizeof buf, "附件%d", x->ordinal);
      x->number = ep_arena_strdup(&r->arena, buf);
      continue;
    }
    if (x->kind != EP_N_SECTION)
      continue;
    r->section_count++;
    if (x->level == 1)
      r->top_section_count++;
    if (x->unnumbered)
      continue;
    int ord = 1;
    for (ep_node *s = x->prev; s; s = s->prev)
      if (s->kind == EP_N_SECTION && !s->unnumbered) {
        ord = s->ordinal + 1;
        break;
      }
    x->ordinal = ord;
    char buf[64];
    x->number = ep_arena_strdup(&r->arena, ep_section_number(x->level, ord, buf, sizeof buf));
    size_t own = x->text ? title_number_len(x->text) : 0;
    if (own)
      WARN(r, x, "title-number",
           "the section title “%s” starts with a number, “%.*s”, and sections are numbered automatically, so "
           "its number would print twice, as in “%s%s”; take the number out of the title, or add "
           "number=\"none\" to keep it.",
           x->text, (int)own, x->text, x->number, x->text);
  }
}

// ---------------------------------------------------------------------------
// Figures

// 'fmt_dec()' - Plain text of D in a caller buffer.
static const char *fmt_dec(ep_dec d, char *buf) { return ep_dec_format_plain(d, buf, 64); }

// 'add_checked()' - *ACC += V, V being N's WHAT figure (e.g. "budget") summed
// for OWNER (NULL: for the table as a whole); an overflow is reported at N,
// where the sum passes the limit.
static bool add_checked(ep_report *r, const ep_node *n, ep_dec *acc, ep_dec v, const char *what,
                        const ep_node *owner) {
  ep_dec before = *acc;
  if (ep_dec_add(before, v, acc))
    return true;
  *acc = before;
  char a[64], b[64], in[96] = "";
  if (owner && owner != n)
    snprintf(in, sizeof in, " for the <%s> of line %lu", ep_kind_name(owner->kind), owner->line);
  ERR(r, n, "number-overflow",
      "the sum of %s figures%s passes the largest figure evalpdf handles (10^12) when this <%s>'s %s (%s) is "
      "added to %s.",
      what, in, ep_kind_name(n->kind), what, fmt_dec(v, a), fmt_dec(before, b));
  return false;
}

static const char *const fig_label[EP_F__COUNT] = {"budget", "executed", "initial", "balance"};

// 'finish_figures()' - Balance and rate of a funds item or block from its effective figures.
static void finish_figures(ep_report *r, ep_node *n, const ep_node *decl_src) {
  ep_fig bal = {false, {0, 0}};
  if (n->eff[EP_F_BUDGET].known && n->eff[EP_F_EXECUTED].known) {
    if (ep_dec_sub(n->eff[EP_F_BUDGET].v, n->eff[EP_F_EXECUTED].v, &bal.v))
      bal.known = true;
  }
  if (decl_src && decl_src->has_decl[EP_F_BALANCE]) {
    char a[64], b[64];
    if (!n->bad_fig && bal.known && ep_dec_cmp(bal.v, decl_src->decl[EP_F_BALANCE]) != 0)
      WARN(r, decl_src, "balance-mismatch",
           "%s%s%s: declared balance %s differs from budget − executed = %s.",
           decl_src->name ? "item \"" : "<total>", decl_src->name ? decl_src->name : "",
           decl_src->name ? "\"" : "", fmt_dec(decl_src->decl[EP_F_BALANCE], a), fmt_dec(bal.v, b));
    if (!bal.known) {
      bal.known = true;
      bal.v = decl_src->decl[EP_F_BALANCE];
    }
  }
  n->eff[EP_F_BALANCE] = bal;
  n->rate_known = false;
  if (n->eff[EP_F_BUDGET].known && n->eff[EP_F_EXECUTED].known) {
    if (ep_dec_is_zero(n->eff[EP_F_BUDGET].v)) {
      WARN(r, n, "zero-budget", "%s%s%s has a budget of 0, so its execution rate is left empty.",
           n->name ? "item \"" : "<funds>", n->name ? n->name : "", n->name ? "\"" : "");
    } else {
      n->rate_known = ep_ratio_make(n->eff[EP_F_EXECUTED].v, n->eff[EP_F_BUDGET].v, &n->rate);
    }
  }
}

// 'sum_children()' - Effective figures of parent N from its ITEM children;
// DECL_SRC holds declared figures to compare (N itself or a <total>).
static void sum_children(ep_report *r, ep_node *n, const ep_node *decl_src) {
  for (ep_node *c = n->first; c; c = c->next)
    if (c->kind == EP_N_ITEM && c->bad_fig)
      n->bad_fig = true;
  // a malformed child figure is simply unknown: no sum, so no mismatch either
  for (int f = 0; f < EP_F_BALANCE; f++) {
    ep_dec sum = {0, 0};
    bool all = true, any = false, ok = true;
    for (ep_node *c = n->first; c; c = c->next) {
      if (c->kind != EP_N_ITEM)
        continue;
      if (c->eff[f].known) {
        any = true;
        ok = ok && add_checked(r, c, &sum, c->eff[f].v, fig_label[f], n);
      } else {
        all = false;
      }
    }
    ep_fig comp = {any && all && ok, sum};
    if (decl_src && decl_src->has_decl[f]) {
      char a[64], b[64];
      if (comp.known && ep_dec_cmp(comp.v, decl_src->decl[f]) != 0) {
        if (decl_src->kind == EP_N_FUNDS_TOTAL)
          WARN(r, decl_src, "funds-total-mismatch",
               "<total %s=\"%s\"> differs from the sum of the top-level items, %s.", fig_label[f],
               fmt_dec(decl_src->decl[f], a), fmt_dec(comp.v, b));
        else
          WARN(r, decl_src, "funds-sum-mismatch",
               "item \"%s\": declared %s %s differs from the sum of its children, %s.",
               decl_src->name ? decl_src->name : "", fig_label[f], fmt_dec(decl_src->decl[f], a),
               fmt_dec(comp.v, b));
      }
      if (!comp.known) {
        comp.known = true;
        comp.v = decl_src->decl[f];
      }
    }
    n->eff[f] = comp;
  }
  finish_figures(r, n, decl_src);
}

// 'check_item()' - Compute one funds item (post-order; depth bounded by the builder).
static void check_item(ep_report *r, ep_node *it) {
  bool parent = false;
  for (ep_node *c = it->first; c; c = c->next)
    if (c->kind == EP_N_ITEM) {
      parent = true;
      check_item(r, c);
    }
  if (parent) {
    sum_children(r, it, it);
  } else {
    for (int f = 0; f < EP_F_BALANCE; f++) {
      it->eff[f].known = it->has_decl[f];
      it->eff[f].v = it->decl[f];
    }
    finish_figures(r, it, it);
  }
}

// 'check_funds()' - All figures of a <funds> block.
static void check_funds(ep_report *r, ep_node *f) {
  ep_node *total = NULL;
  for (ep_node *c = f->first; c; c = c->next) {
    if (c->kind == EP_N_ITEM)
      check_item(r, c);
    else if (c->kind == EP_N_FUNDS_TOTAL)
      total = c;
  }
  sum_children(r, f, total);
}

// 'ep_grade_word()' - Grade word for SCORE.
const char *ep_grade_word(ep_ratio score, ep_grade_scale scale) {
  ep_ratio t90 = {90, 1}, t80 = {80, 1}, t60 = {60, 1};
  bool lng = scale == EP_SCALE_STANDARD_LONG;
  if (ep_ratio_cmp(score, t90) >= 0)
    return lng ? "优秀" : "优";
  if (ep_ratio_cmp(score, t80) >= 0)
    return lng ? "良好" : "良";
  if (ep_ratio_cmp(score, t60) >= 0)
    return lng ? "中等" : "中";
  return "差";
}

// 'check_indicator()' - Weights and scores of a scoring indicator (depth ≤ 4).
// Adds leaf scores to *LEAF_SUM.
static void check_indicator(ep_report *r, ep_node *in, ep_dec *leaf_sum, bool *any_score) {
  char a[64], b[64];
  bool parent = false;
  ep_dec wsum = {0, 0}, ssum = {0, 0};
  bool wany = false, sany = false;
  for (ep_node *c = in->first; c; c = c->next) {
    if (c->kind != EP_N_INDICATOR)
      continue;
    parent = true;
    check_indicator(r, c, leaf_sum, any_score);
    if (c->eff_weight.known) {
      wany = true;
      add_checked(r, c, &wsum, c->eff_weight.v, "weight", in);
    }
    if (c->eff_score.known) {
      sany = true;
      add_checked(r, c, &ssum, c->eff_score.v, "score", in);
    }
  }
  for (ep_node *c = in->first; c; c = c->next)
    if (c->kind == EP_N_INDICATOR) {
      in->bad_fig |= c->bad_fig;
      in->bad_score |= c->bad_score;
    }
  if (!parent) {
    in->eff_weight.known = in->has_weight;
    in->eff_weight.v = in->weight;
    in->eff_score.known = in->has_score;
    in->eff_score.v = in->score;
    if (in->bad_fig) {
      if (in->has_score)
        add_checked(r, in, leaf_sum, in->score, "score", NULL);
      return;
    }
    if (in->has_score && !in->has_weight)
      ERR(r, in, "score-without-weight",
          "indicator \"%s\" has score %s but no weight; give it weight=\"…\" so the score can be checked.",
          in->name ? in->name : "", fmt_dec(in->score, a));
    else if (in->has_score && ep_dec_cmp(in->score, in->weight) > 0)
      ERR(r, in, "score-exceeds-weight", "indicator \"%s\": score %s exceeds its weight %s.",
          in->name ? in->name : "", fmt_dec(in->score, a), fmt_dec(in->weight, b));
    else if (in->has_weight && !in->has_score)
      WARN(r, in, "indicator-unscored",
           "indicator \"%s\" has weight %s but no score; it is shown unscored and adds nothing to the total score.",
           in->name ? in->name : "", fmt_dec(in->weight, a));
    if (in->has_score) {
      add_checked(r, in, leaf_sum, in->score, "score", NULL);
      *any_score = true;
    }
    return;
  }
  if (in->has_weight) {
    if (!in->bad_fig && wany && ep_dec_cmp(wsum, in->weight) != 0)
      WARN(r, in, "weight-sum-mismatch",
           "indicator \"%s\": weight %s differs from the sum of its children's weights, %s.",
           in->name ? in->name : "", fmt_dec(in->weight, a), fmt_dec(wsum, b));
    in->eff_weight.known = true;
    in->eff_weight.v = in->weight;
  } else {
    in->eff_weight.known = wany;
    in->eff_weight.v = wsum;
  }
  if (in->has_score) {
    if (!in->bad_fig && sany && ep_dec_cmp(ssum, in->score) != 0)
      WARN(r, in, "score-sum-mismatch",
           "indicator \"%s\": score %s differs from the sum of its children's scores, %s.",
           in->name ? in->name : "", fmt_dec(in->score, a), fmt_dec(ssum, b));
    if (in->eff_weight.known && ep_dec_cmp(in->score, in->eff_weight.v) > 0)
      ERR(r, in, "score-exceeds-weight", "indicator \"%s\": score %s exceeds its weight %s.",
          in->name ? in->name : "", fmt_dec(in->score, a), fmt_dec(in->eff_weight.v, b));
  }
  in->eff_score.known = sany;
  in->eff_score.v = ssum;
}

// 'check_scoring()' - Totals and grade of a <scoring> block.
static void check_scoring(ep_report *r, ep_node *s) {
  char a[64], b[64];
  ep_dec leaf_sum = {0, 0}, wsum = {0, 0};
  bool any_score = false, wany = false;
  ep_node *total = NULL;
  for (ep_node *c = s->first; c; c = c->next) {
    if (c->kind == EP_N_SCORING_TOTAL) {
      total = c;
      continue;
    }
    if (c->kind != EP_N_INDICATOR)
      continue;
    check_indicator(r, c, &leaf_sum, &any_score);
    s->bad_fig |= c->bad_fig;
    s->bad_score |= c->bad_score;
    if (c->eff_weight.known) {
      wany = true;
      add_checked(r, c, &wsum, c->eff_weight.v, "weight", s);
    }
  }
  s->eff_weight.known = wany;
  s->eff_weight.v = wsum;
  s->eff_score.known = true; // an all-unscored table totals 0
  s->eff_score.v = leaf_sum;
  ep_dec hundred;
  ep_dec_from_int(100, &hundred);
  if (!s->bad_fig && wany && ep_dec_cmp(wsum, hundred) != 0)
    WARN(r, s, "weight-total-not-100", "the top-level indicator weights add up to %s, not 100.",
         fmt_dec(wsum, a));
  s->grade = ep_grade_word(ep_ratio_from_dec(leaf_sum), s->scale);
  if (total && !total->bad_fig) {
    if (!s->bad_fig && total->has_weight && wany && ep_dec_cmp(total->weight, wsum) != 0)
      WARN(r, total, "total-weight-mismatch", "<total weight=\"%s\"> differs from the computed total weight %s.",
           fmt_dec(total->weight, a), fmt_dec(wsum, b));
    if (!s->bad_score && total->has_score && ep_dec_cmp(total->score, leaf_sum) != 0)
      WARN(r, total, "total-score-mismatch", "<total score=\"%s\"> differs from the computed total score %s.",
           fmt_dec(total->score, a), fmt_dec(leaf_sum, b));
    if (!s->bad_score && total->note && strcmp(total->note, s->grade))
      WARN(r, total, "grade-mismatch",
           "<total grade=\"%s\"> differs from the grade the %s scale gives for score %s: %s.", total->note,
           s->scale == EP_SCALE_STANDARD_LONG ? "standard-long" : "standard", fmt_dec(leaf_sum, b), s->grade);
  }
}

// 'check_form()' - Budget block, rate, budget score, 总分 and grade of a self-eval-form.
static void check_form(ep_report *r, ep_node *f) {
  char a[64], b[64];
  ep_node *bud = NULL, *total = NULL;
  ep_dec isum = {0, 0}, psum = {0, 0};
  bool overflow = false;
  for (ep_node *c = f->first; c; c = c->next) {
    if (c->kind == EP_N_FORM_BUDGET && !bud)
      bud = c;
    else if (c->kind == EP_N_FORM_TOTAL)
      total = c;
    else if (c->kind == EP_N_FORM_INDICATOR && c->bad_fig) {
      if (c->has_score)
        overflow |= !add_checked(r, c, &isum, c->score, "score", f);
    } else if (c->kind == EP_N_FORM_INDICATOR) {
      if (c->has_score && !c->has_points)
        ERR(r, c, "score-without-points", "indicator \"%s\" has score %s but no points; give it points=\"…\".",
            c->name ? c->name : "", fmt_dec(c->score, a));
      else if (c->has_score && ep_dec_cmp(c->score, c->points) > 0)
        ERR(r, c, "score-exceeds-points", "indicator \"%s\": score %s exceeds its points %s.",
            c->name ? c->name : "", fmt_dec(c->score, a), fmt_dec(c->points, b));
      if (c->has_score)
        overflow |= !add_checked(r, c, &isum, c->score, "score", f);
      if (c->has_points)
        overflow |= !add_checked(r, c, &psum, c->points, "points", f);
    }
  }
  overflow |= !add_checked(r, f, &psum, f->points, "points", f);
  ep_dec hundred;
  ep_dec_from_int(100, &hundred);
  bool has_ind = false;
  for (ep_node *c = f->first; c; c = c->next)
    has_ind |= c->kind == EP_N_FORM_INDICATOR;
  if (has_ind && !overflow && !f->bad_fig && ep_dec_cmp(psum, hundred) != 0)
    WARN(r, f, "form-points-not-100",
         "the form's points (budget %s plus indicators) add up to %s, not 100.", fmt_dec(f->points, a),
         fmt_dec(psum, b));
  if (!bud)
    return;
  static const char *const names[EP_FF__COUNT] = {"initial", "annual", "executed"};
  for (int k = 0; k < EP_FF__COUNT; k++) {
    ep_dec sum = {0, 0};
    bool any = false;
    for (ep_node *s = bud->first; s; s = s->next)
      if (s->kind == EP_N_FORM_SOURCE && s->has_fdecl[k]) {
        any = true;
        add_checked(r, s, &sum, s->fdecl[k], names[k], bud);
      }
    if (!bud->bad_fig && any && bud->has_fdecl[k] && ep_dec_cmp(sum, bud->fdecl[k]) != 0)
      WARN(r, bud, "source-sum-mismatch",
           "the <source> rows' %s figures add up to %s, but <budget %s=\"%s\">.", names[k],
           fmt_dec(sum, a), names[k], fmt_dec(bud->fdecl[k], b));
  }
  f->form_rate_known = false;
  f->form_ok = false;
  if (!bud->has_fdecl[EP_FF_ANNUAL] || !bud->has_fdecl[EP_FF_EXECUTED])
    return;
  if (ep_dec_is_zero(bud->fdecl[EP_FF_ANNUAL])) {
    WARN(r, bud, "zero-budget", "<budget annual=\"0\">: the execution rate and budget score are left empty.");
    return;
  }
  if (!ep_ratio_make(bud->fdecl[EP_FF_EXECUTED], bud->fdecl[EP_FF_ANNUAL], &f->form_rate))
    return;
  f->form_rate_known = true;
  ep_ratio one = {1, 1};
  ep_ratio capped = ep_ratio_min(f->form_rate, one);
  if (!ep_ratio_mul(ep_ratio_from_dec(f->points), capped, &f->budget_score))
    return;
  if (!ep_ratio_add(f->budget_score, ep_ratio_from_dec(isum), &f->form_score))
    return;
  f->form_ok = true;
  f->grade = ep_grade_word(f->form_score, f->scale);
  if (total && !f->bad_fig && !total->bad_fig) {
    if (total->has_score) {
      int digits = total->score.frac;
      char exact[64];
      ep_ratio_format_fixed(f->form_score, digits, exact, sizeof exact);
      char decl[64];
      ep_dec_format_fixed(total->score, digits, decl, sizeof decl);
      if (strcmp(exact, decl))
        WARN(r, total, "total-score-mismatch", "<total score=\"%s\"> differs from the computed 总分 %s.",
             fmt_dec(total->score, a), ep_ratio_format_trimmed(f->form_score, 2, b, sizeof b));
    }
    if (total->note && strcmp(total->note, f->grade))
      WARN(r, total, "grade-mismatch", "<total grade=\"%s\"> differs from the grade for 总分 %s: %s.", total->note,
           ep_ratio_format_trimmed(f->form_score, 2, b, sizeof b), f->grade);
  }
}

// ---------------------------------------------------------------------------
// References

// 'is_issue()' / 'is_section()' / 'is_figure_holder()' - id filters for suggestions.
static bool is_issue(ep_kind k) { return k == EP_N_ISSUE; }
static bool is_section(ep_kind k) { return k == EP_N_SECTION || k == EP_N_APPENDIX; }
static bool is_figure_holder(ep_kind k) {
  return k == EP_N_FUNDS || k == EP_N_ITEM || k == EP_N_SCORING || k == EP_N_INDICATOR || k == EP_N_FORM;
}

// 'check_measures()' - measure/@for resolution and issues without measures.
static void check_measures(ep_report *r) {
  for (ep_node *x = r->kind_nodes[EP_N_MEASURE] ? r->body : NULL; x; x = ep_next_node(x, r->body)) {
    if (x->kind != EP_N_MEASURE || !x->for_id)
      continue;
    ep_node *t = ep_find_id(r, x->for_id);
    if (t && t->kind == EP_N_ISSUE) {
      x->issue = t;
      t->answered = true;
    } else if (t) {
      char w[512];
      ERR(r, x, "measure-for-not-issue", "<measure for=\"%s\"> names a <%s> (%s), not an <issue>.", x->for_id,
          ep_kind_name(t->kind), where(t, x, w, sizeof w));
    } else {
      const char *s = suggest_id(r, x->for_id, is_issue);
      if (s)
        ERR(r, x, "unknown-issue", "<measure for=\"%s\"> names no issue; did you mean \"%s\"?", x->for_id, s);
      else
        ERR(r, x, "unknown-issue", "<measure for=\"%s\"> names no issue.", x->for_id);
    }
  }
  for (ep_node *x = r->kind_nodes[EP_N_ISSUE] ? r->body : NULL; x; x = ep_next_node(x, r->body))
    if (x->kind == EP_N_ISSUE && !x->answered) {
      if (x->id)
        WARN(r, x, "issue-without-measure", "issue \"%s\" has no <measure for=\"%s\">.", x->id, x->id);
      else
        WARN(r, x, "issue-without-measure",
             "this <issue> has no id, so no <measure> can answer it; give it id=\"…\" and a <measure for=\"…\">.");
    }
}

typedef struct prop_info {
  const char *name;
  ep_prop prop;
} prop_info;

// 'props_for()' - The properties a <value> may name on an element of KIND.
static const prop_info *props_for(ep_kind k, size_t *n) {
  static const prop_info funds[] = {{"budget", EP_P_BUDGET}, {"executed", EP_P_EXECUTED},
                                    {"initial", EP_P_INITIAL}, {"balance", EP_P_BALANCE},
                                    {"rate", EP_P_RATE}};
  static const prop_info scoring[] = {{"weight", EP_P_WEIGHT}, {"score", EP_P_SCORE}, {"grade", EP_P_GRADE}};
  static const prop_info form[] = {{"initial", EP_P_INITIAL}, {"annual", EP_P_ANNUAL},
                                   {"executed", EP_P_EXECUTED}, {"rate", EP_P_RATE},
                                   {"budget-score", EP_P_BUDGET_SCORE}, {"score", EP_P_SCORE},
                                   {"grade", EP_P_GRADE}};
  switch (k) {
  case EP_N_FUNDS:
  case EP_N_ITEM:
    *n = 5;
    return funds;
  case EP_N_SCORING:
    *n = 3;
    return scoring;
  case EP_N_INDICATOR:
    *n = 2;
    return scoring;
  case EP_N_FORM:
    *n = 7;
    return form;
  default:
    *n = 0;
    return NULL;
  }
}

// 'format_ratio_value()' - Print a ratio-valued property by FORMAT.
static bool format_ratio_value(ep_report *r, ep_node *v, ep_ratio q, bool is_rate, char *buf) {
  switch (v->format) {
  case EP_VF_PERCENT:
    ep_ratio_format_percent(q, buf, 64);
    return true;
  case EP_VF_2:
    if (is_rate) {
      ep_ratio hundred = {100, 1}, p;
      if (!ep_ratio_mul(q, hundred, &p))
        return false;
      ep_ratio_format_fixed(p, 2, buf, 60);
      strcat(buf, "%");
    } else {
      ep_ratio_format_fixed(q, 2, buf, 64);
    }
    return true;
  case EP_VF_CHINESE: {
    if (!is_rate && q.den == 1 && q.num >= 0 && q.num <= 99) {
      ep_format_chinese((int64_t)q.num, buf, 64);
      return true;
    }
    char t[64];
    ERR(r, v, "bad-chinese-format",
        "<value of=\"%s\" format=\"chinese\">: the value %s is not a whole number from 0 to 99.", v->ref,
        is_rate ? ep_ratio_format_percent(q, t, sizeof t) : ep_ratio_format_trimmed(q, 6, t, sizeof t));
    return false;
  }
  default:
    if (is_rate)
      ep_ratio_format_percent(q, buf, 64);
    else
      ep_ratio_format_trimmed(q, 2, buf, 64);
    return true;
  }
}

// 'format_dec_value()' - Print a decimal-valued property by FORMAT.
static bool format_dec_value(ep_report *r, ep_node *v, ep_dec d, char *buf) {
  if (ep_fig_text((ep_fig){true, d}, v->format, NULL, buf, 64)) {
    if (v->format == EP_VF_PERCENT)
      WARN(r, v, "percent-of-non-ratio",
           "<value of=\"%s\" format=\"percent\">: %s is a figure, not a ratio, so it prints as %s (100 times "
           "its value); percent is meant for rates.",
           v->ref, strrchr(v->ref, '.') + 1, buf);
    return true;
  }
  char t[64];
  ERR(r, v, "bad-chinese-format", "<value of=\"%s\" format=\"chinese\">: the value %s is not a whole number from 0 to 99.",
      v->ref, fmt_dec(d, t));
  return false;
}

// 'value_target()' - The element and property a <value of="ID.PROPERTY"> names,
// or NULL after reporting why there is none. Stores the property in *PI.
static ep_node *value_target(ep_report *r, ep_node *v, const prop_info **pi) {
  const char *dot = strrchr(v->ref, '.');
  if (!dot || dot == v->ref || !dot[1]) {
    ERR(r, v, "bad-value-ref", "<value of=\"%s\">: write ID.PROPERTY, e.g. main.budget or self.score.", v->ref);
    return NULL;
  }
  char *id = ep_arena_strndup(&r->arena, v->ref, (size_t)(dot - v->ref));
  const char *prop = dot + 1;
  ep_node *t = ep_find_id(r, id);
  if (!t) {
    const char *s = suggest_id(r, id, is_figure_holder);
    if (s)
      ERR(r, v, "unknown-value-id", "<value of=\"%s\">: no element has id \"%s\"; did you mean \"%s\"?", v->ref, id, s);
    else
      ERR(r, v, "unknown-value-id", "<value of=\"%s\">: no element has id \"%s\".", v->ref, id);
    return NULL;
  }
  size_t np;
  const prop_info *props = props_for(t->kind, &np);
  if (!props) {
    if (t->kind == EP_N_SECTION || t->kind == EP_N_APPENDIX)
      ERR(r, v, "value-of-section", "<value of=\"%s\">: \"%s\" is a section, which has no figures; use <ref to=\"%s\"/> for its number.",
          v->ref, id, id);
    else
      ERR(r, v, "value-of-non-figure", "<value of=\"%s\">: \"%s\" is a <%s>, which has no figures.", v->ref, id,
          ep_kind_name(t->kind));
    return NULL;
  }
  *pi = NULL;
  for (size_t i = 0; i < np; i++)
    if (!strcmp(props[i].name, prop))
      *pi = &props[i];
  if (*pi)
    return t;
  const char *cands[8];
  ep_buf list;
  ep_buf_init(&list);
  for (size_t i = 0; i < np; i++) {
    cands[i] = props[i].name;
    ep_buf_printf(&list, "%s%s", i ? ", " : "", props[i].name);
  }
  cands[np] = NULL;
  const char *s = ep_suggest(prop, cands, NULL);
  if (s)
    ERR(r, v, "unknown-value-property", "<value of=\"%s\">: <%s> has no property \"%s\"; did you mean \"%s\"? (it has %s)",
        v->ref, ep_kind_name(t->kind), prop, s, ep_buf_str(&list));
  else
    ERR(r, v, "unknown-value-property", "<value of=\"%s\">: <%s> has no property \"%s\" (it has %s).", v->ref,
        ep_kind_name(t->kind), prop, ep_buf_str(&list));
  ep_buf_free(&list);
  return NULL;
}

// 'print_form_value()' - Print property PROP of self-eval-form T into BUF; *MISSING
// when the figure is not known. False when it cannot be printed (reported).
static bool print_form_value(ep_report *r, ep_node *v, const ep_node *t, ep_prop prop, char *buf, bool *missing) {
  const ep_node *bud = NULL;
  for (const ep_node *c = t->first; c && !bud; c = c->next)
    if (c->kind == EP_N_FORM_BUDGET)
      bud = c;
  if (prop == EP_P_INITIAL || prop == EP_P_ANNUAL || prop == EP_P_EXECUTED) {
    int k = prop == EP_P_INITIAL ? EP_FF_INITIAL : prop == EP_P_ANNUAL ? EP_FF_ANNUAL : EP_FF_EXECUTED;
    *missing = !bud || !bud->has_fdecl[k];
    return !*missing && format_dec_value(r, v, bud->fdecl[k], buf);
  }
  if (prop == EP_P_RATE) {
    *missing = !t->form_rate_known;
    return !*missing && format_ratio_value(r, v, t->form_rate, true, buf);
  }
  *missing = !t->form_ok;
  if (*missing)
    return false;
  if (prop == EP_P_GRADE) {
    snprintf(buf, 64, "%s", t->grade);
    return true;
  }
  return format_ratio_value(r, v, prop == EP_P_SCORE ? t->form_score : t->budget_score, false, buf);
}

// 'print_value()' - Print property PROP of figure holder T into BUF by V's format;
// *MISSING when the figure is not known. False when nothing can be printed.
static bool print_value(ep_report *r, ep_node *v, const ep_node *t, ep_prop prop, char *buf, bool *missing) {
  *missing = false;
  switch (t->kind) {
  case EP_N_FUNDS:
  case EP_N_ITEM: {
    if (prop == EP_P_RATE) {
      *missing = !t->rate_known;
      return !*missing && format_ratio_value(r, v, t->rate, true, buf);
    }
    int f = prop == EP_P_BUDGET ? EP_F_BUDGET : prop == EP_P_EXECUTED ? EP_F_EXECUTED
                                          : prop == EP_P_INITIAL  ? EP_F_INITIAL
                                                                  : EP_F_BALANCE;
    *missing = !t->eff[f].known;
    return !*missing && format_dec_value(r, v, t->eff[f].v, buf);
  }
  case EP_N_SCORING:
  case EP_N_INDICATOR: {
    if (prop == EP_P_GRADE) {
      snprintf(buf, 64, "%s", t->grade ? t->grade : "");
      *missing = !t->grade;
      return !*missing;
    }
    ep_fig fg = prop == EP_P_WEIGHT ? t->eff_weight : t->eff_score;
    *missing = !fg.known;
    return !*missing && format_dec_value(r, v, fg.v, buf);
  }
  case EP_N_FORM:
    return print_form_value(r, v, t, prop, buf, missing);
  default:
    return false;
  }
}

// 'resolve_value()' - Resolve and print one <value of="ID.PROPERTY">.
static void resolve_value(ep_report *r, ep_node *v) {
  if (!v->ref)
    return;
  const prop_info *pi = NULL;
  ep_node *t = value_target(r, v, &pi);
  if (!t)
    return;
  v->target = t;
  v->prop = pi->prop;
  char buf[64] = "";
  bool missing;
  bool ok = print_value(r, v, t, pi->prop, buf, &missing);
  if (missing && t->bad_fig)
    return; // the malformed figure was already reported
  if (missing) {
    char w[512];
    ERR(r, v, "value-missing", "<value of=\"%s\">: <%s> at %s has no %s figure (it is not given and cannot be computed).",
        v->ref, ep_kind_name(t->kind), where(t, v, w, sizeof w), pi->name);
    return;
  }
  if (ok)
    v->result = ep_arena_strdup(&r->arena, buf);
}

// 'resolve_ref()' - Resolve one <ref to="ID">.
static void resolve_ref(ep_report *r, ep_node *x) {
  if (!x->ref)
    return;
  ep_node *t = ep_find_id(r, x->ref);
  if (!t) {
    const char *s = suggest_id(r, x->ref, is_section);
    if (s)
      ERR(r, x, "unknown-ref", "<ref to=\"%s\">: no section has id \"%s\"; did you mean \"%s\"?", x->ref, x->ref, s);
    else
      ERR(r, x, "unknown-ref", "<ref to=\"%s\">: no section has id \"%s\".", x->ref, x->ref);
    return;
  }
  if (!is_section(t->kind)) {
    ERR(r, x, "ref-not-section", "<ref to=\"%s\"> names a <%s>; <ref> refers to sections (use <value of=\"%s.…\"/> for figures).",
        x->ref, ep_kind_name(t->kind), x->ref);
    return;
  }
  x->target = t;
  if (t->number) {
    // The number without its trailing separator: 一、 → 一, 1. → 1; （一） stays.
    size_t n = strlen(t->number);
    if (n >= 3 && !strcmp(t->number + n - 3, "、"))
      n -= 3;
    else if (n >= 1 && t->number[n - 1] == '.')
      n -= 1;
    x->result = ep_arena_strndup(&r->arena, t->number, n);
  } else {
    ep_buf b;
    ep_buf_init(&b);
    ep_buf_printf(&b, "“%s”", t->text ? t->text : "");
    x->result = ep_arena_strdup(&r->arena, ep_buf_str(&b));
    ep_buf_free(&b);
  }
}

// ---------------------------------------------------------------------------
// Layout

// 'check_layout_in()' - check_layout() with the layout names of CAT.
static void check_layout_in(ep_report *r, const ep_catalog *cat) {
  const char *name = r->layout;
  ep_node at = {0};
  at.file = r->path;
  at.line = r->layout_line;
  if (!name[0]) {
    char *l = ep_catalog_names(cat);
    ERR(r, &at, "unknown-layout", "<report layout=\"\"> names no layout; available layouts: %s.", l);
    free(l);
    return;
  }
  bool pathlike = ep_layout_is_path(name);
  const char *found = pathlike ? NULL : ep_catalog_find(cat, name);
  if (found) {
    r->layout_path = ep_arena_strdup(&r->arena, found);
    return;
  }
  if (name[0] == '/') {
    ERR(r, &at, "layout-absolute", "<report layout=\"%s\">: an absolute layout path may only be given on the command line (--layout).", name);
    return;
  }
  if (pathlike && r->input_dir_real) {
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", r->input_dir_real, name);
    char *real = NULL;
    int rc = ep_path_confined(p, r->root_real, &real);
    if (rc == 0) {
      r->layout_path = ep_arena_strdup(&r->arena, real);
      free(real);
      return;
    }
    if (rc > 0) {
      ERR(r, &at, "layout-outside-root", "<report layout=\"%s\"> lies outside the include root %s (by its path or through a symbolic link).",
          name, r->root_real);
      free(real);
      return;
    }
  }
  char *l = ep_catalog_names(cat);
  ERR(r, &at, "unknown-layout", "<report layout=\"%s\"> is neither a layout name nor a layout file inside the include root; available layouts: %s.",
      name, l);
  free(l);
}

// 'check_layout()' - The layout attribute names a layout or a confined path.
static void check_layout(ep_report *r, const ep_load_options *opt) {
  if (!r->layout || (opt && opt->layout_override))
    return;
  ep_catalog own = {NULL, 0};
  const ep_catalog *cat = opt ? opt->layouts : NULL;
  if (!cat) {
    ep_catalog_init(&own, NULL, opt ? opt->data_dir : NULL);
    cat = &own;
  }
  check_layout_in(r, cat);
  ep_catalog_free(&own);
}

// 'check_table()' - The cells of <table> T as the layout places them
// (ep_table_place()): a cell whose colspan runs into a column that a rowspan
// from above still takes is an error at the cell, naming the other cell's
// line; a rowspan reaching past the last row is a warning (it is cut there);
// so is a row that fills fewer columns than the table has (counting the
// cells that reach into it from above), which leaves a hole at its end.
static void check_table(ep_report *r, const ep_node *t) {
  const ep_node **rows;
  ep_table_slot *slots;
  size_t nr, nhead, ns;
  size_t ncols = ep_table_place(t, &rows, &nr, &nhead, &slots, &ns);
  size_t *width = ep_xcalloc(nr ? nr : 1, sizeof *width); // per row: the columns its cells reach
  bool overlap = false;
  for (size_t i = 0; i < ns; i++) {
    const ep_table_slot *sl = &slots[i];
    const ep_node *cell = sl->cell;
    const char *tag = cell->kind == EP_N_TH ? "th" : "td";
    if ((size_t)cell->rowspan > sl->rowspan) {
      if (sl->rowspan == 1)
        WARN(r, cell, "table-span", "<%s rowspan=\"%d\"> reaches past the table's last row; it spans only its own row.",
             tag, cell->rowspan);
      else
        WARN(r, cell, "table-span",
             "<%s rowspan=\"%d\"> reaches past the table's last row; it spans the %zu rows left, its own included.",
             tag, cell->rowspan, sl->rowspan);
    }
    if (sl->overlap) {
      ERR(r, cell, "table-overlap",
          "<%s colspan=\"%zu\"> runs into column %zu of this row, which the <%s rowspan=\"%d\"> of line %lu "
          "still takes; shorten one of the two spans.",
          tag, sl->colspan, sl->overlap_col + 1, sl->overlap->kind == EP_N_TH ? "th" : "td", sl->overlap->rowspan,
          sl->overlap->line);
      overlap = true;
    }
    for (size_t k = sl->row; k < sl->row + sl->rowspan; k++)
      if (width[k] < sl->col + sl->colspan)
        width[k] = sl->col + sl->colspan;
  }
  // The short rows are reported at the first, with how many there are (not
  // after an overlap, which shifts the columns).
  size_t short_rows = 0, first = 0;
  for (size_t ri = 0; ri < nr && !overlap; ri++)
    if (width[ri] < ncols && !short_rows++)
      first = ri;
  if (short_rows == 1)
    WARN(r, rows[first], "table-ragged",
         "this <tr> fills %zu of the table's %zu columns; the rest of the row is left empty (add cells, or a colspan).",
         width[first], ncols);
  else if (short_rows)
    WARN(r, rows[first], "table-ragged",
         "this <tr> fills %zu of the table's %zu columns, and %zu more rows fill fewer than all; the rest of each is "
         "left empty (add cells, or a colspan).",
         width[first], ncols, short_rows - 1);
  free(width);
  free(slots);
  free(rows);
}

// 'ep_report_check()' - Run every computation and check.
void ep_report_check(ep_report *r, const ep_load_options *opt) {
  r->suggest_left = 200;
  if (r->body) {
    ep_index_ids(r, report_dup_id);
    number_sections(r);
    // (Each walk below only when its kinds are in the report at all.)
    const size_t *k = r->kind_nodes;
    bool blocks = k[EP_N_FUNDS] || k[EP_N_SCORING] || k[EP_N_FORM] || k[EP_N_TABLE];
    for (ep_node *x = blocks ? r->body : NULL; x; x = ep_next_node(x, r->body)) {
      if (x->kind == EP_N_FUNDS)
        check_funds(r, x);
      else if (x->kind == EP_N_SCORING)
        check_scoring(r, x);
      else if (x->kind == EP_N_FORM)
        check_form(r, x);
      else if (x->kind == EP_N_TABLE)
        check_table(r, x);
    }
    check_measures(r);
    for (ep_node *x = k[EP_N_VALUE] || k[EP_N_REF] ? r->body : NULL; x; x = ep_next_node(x, r->body)) {
      if (x->kind == EP_N_VALUE)
        resolve_value(r, x);
      else if (x->kind == EP_N_REF)
        resolve_ref(r, x);
    }
  }
  // <value>/<ref> inside meta fields
  for (ep_node *f = r->meta.fields; f; f = f->next)
    for (ep_node *x = f->first; x; x = ep_next_node(x, f)) {
      if (x->kind == EP_N_VALUE)
        resolve_value(r, x);
      else if (x->kind == EP_N_REF)
        resolve_ref(r, x);
    }
  check_layout(r, opt);
}
