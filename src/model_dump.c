// Model printing: the `evalpdf dump` tree (every computed figure, stable text
// for golden tests) and the `evalpdf check` summary.
#include "model.h"

#include <string.h>

// 'put_inlines()' - Flatten inline content of N into B with visible markup.
static void put_inlines(ep_buf *b, const ep_node *n, int depth) {
  if (depth > EP_MAX_NESTING + 2)
    return;
  for (const ep_node *c = n->first; c; c = c->next) {
    switch (c->kind) {
    case EP_N_TEXT:
      ep_buf_puts(b, c->text);
      break;
    case EP_N_B:
    case EP_N_U:
    case EP_N_SUP:
    case EP_N_SUB:
      ep_buf_printf(b, "{%s:", ep_kind_name(c->kind));
      put_inlines(b, c, depth + 1);
      ep_buf_puts(b, "}");
      break;
    case EP_N_BR:
      ep_buf_puts(b, "{br}");
      break;
    case EP_N_VALUE:
      ep_buf_printf(b, "[%s=%s]", c->ref ? c->ref : "?", c->result ? c->result : "?");
      break;
    case EP_N_AMOUNT:
      ep_buf_printf(b, "[amount=%s%s]", c->result ? c->result : "?", c->unit ? c->unit : "");
      break;
    case EP_N_REF:
      ep_buf_printf(b, "[ref %s=%s%s]", c->ref ? c->ref : "?", c->result ? c->result : "?",
                    c->page ? " page" : "");
      break;
    default:
      break;
    }
  }
}

// 'indent()' - Two spaces per level.
static void indent(FILE *out, int level) {
  for (int i = 0; i < level; i++)
    fputs("  ", out);
}

// 'put_opt()' - Print ` KEY="VALUE"` when VALUE is set.
static void put_opt(FILE *out, const char *key, const char *value) {
  if (value)
    fprintf(out, " %s=\"%s\"", key, value);
}

// 'put_fig()' - Print ` KEY=FIGURE`, "-" when the figure is unknown.
static void put_fig(FILE *out, const char *key, ep_fig f) {
  char buf[64];
  fprintf(out, " %s=%s", key, ep_fig_text(f, EP_VF_PLAIN, "-", buf, sizeof buf));
}

// 'put_ratio()' - Print ` KEY=RATIO` (a percentage, or at most 2 decimals), "-" when not KNOWN.
static void put_ratio(FILE *out, const char *key, bool known, ep_ratio q, bool percent) {
  char buf[64];
  fprintf(out, " %s=%s", key,
          !known ? "-" : percent ? ep_ratio_format_percent(q, buf, sizeof buf) : ep_ratio_format_trimmed(q, 2, buf, sizeof buf));
}

// 'put_figure_attrs()' - The declared and computed figures of a funds, scoring or form node.
static void put_figure_attrs(const ep_node *n, FILE *out) {
  static const char *const funds_keys[EP_F__COUNT] = {"budget", "executed", "initial", "balance"};
  static const char *const form_keys[EP_FF__COUNT] = {"initial", "annual", "executed"};
  switch (n->kind) {
  case EP_N_FUNDS:
  case EP_N_ITEM:
    put_opt(out, "name", n->name);
    if (n->kind == EP_N_FUNDS) {
      put_opt(out, "unit", n->unit);
      put_opt(out, "caption", n->text);
      if (n->chart)
        fputs(" chart=bar", out);
    }
    for (int f = 0; f < EP_F__COUNT; f++)
      put_fig(out, funds_keys[f], n->eff[f]);
    put_ratio(out, "rate", n->rate_known, n->rate, true);
    break;
  case EP_N_FUNDS_TOTAL:
    for (int f = 0; f < EP_F__COUNT; f++)
      if (n->has_decl[f])
        put_fig(out, funds_keys[f], (ep_fig){true, n->decl[f]});
    break;
  case EP_N_SCORING:
  case EP_N_INDICATOR:
    put_opt(out, "name", n->name);
    if (n->kind == EP_N_SCORING) {
      put_opt(out, "caption", n->text);
      fprintf(out, " scale=%s", n->scale == EP_SCALE_STANDARD_LONG ? "standard-long" : "standard");
      if (n->landscape)
        fputs(" landscape", out);
    } else {
      fprintf(out, " level=%d", n->depth);
    }
    put_fig(out, "weight", n->eff_weight);
    put_fig(out, "score", n->eff_score);
    put_opt(out, "grade", n->grade);
    if (n->kind == EP_N_INDICATOR)
      put_opt(out, "note", n->note);
    break;
  case EP_N_SCORING_TOTAL:
  case EP_N_FORM_TOTAL:
    if (n->has_weight)
      put_fig(out, "weight", (ep_fig){true, n->weight});
    if (n->has_score)
      put_fig(out, "score", (ep_fig){true, n->score});
    put_opt(out, "grade", n->note);
    break;
  case EP_N_FORM:
    put_opt(out, "project", n->project);
    put_opt(out, "department", n->department);
    put_opt(out, "unit", n->unit_name);
    put_opt(out, "caption", n->text);
    put_fig(out, "budget-points", (ep_fig){true, n->points});
    put_ratio(out, "rate", n->form_rate_known, n->form_rate, true);
    put_ratio(out, "budget-score", n->form_ok, n->budget_score, false);
    put_ratio(out, "score", n->form_ok, n->form_score, false);
    put_opt(out, "grade", n->grade);
    if (n->landscape)
      fputs(" landscape", out);
    break;
  case EP_N_FORM_BUDGET:
  case EP_N_FORM_SOURCE:
    put_opt(out, "name", n->name);
    for (int k = 0; k < EP_FF__COUNT; k++)
      put_fig(out, form_keys[k], (ep_fig){n->has_fdecl[k], n->fdecl[k]});
    break;
  case EP_N_FORM_INDICATOR:
    put_opt(out, "level1", n->level1);
    put_opt(out, "level2", n->level2);
    put_opt(out, "name", n->name);
    put_opt(out, "target", n->target_value);
    put_opt(out, "actual", n->actual);
    put_fig(out, "points", (ep_fig){n->has_points, n->points});
    put_fig(out, "score", (ep_fig){n->has_score, n->score});
    put_opt(out, "deviation", n->deviation);
    break;
  default:
    break;
  }
}

// 'put_attrs()' - The attributes of N after its name; true when N holds inline content
// (printed on the same line) rather than child blocks.
static bool put_attrs(const ep_node *n, FILE *out) {
  switch (n->kind) {
  case EP_N_SECTION:
    fprintf(out, " level=%d", n->level);
    put_opt(out, "number", n->number ? n->number : "none");
    put_opt(out, "title", n->text);
    if (n->runin)
      fputs(" runin", out);
    return false;
  case EP_N_APPENDIX:
    put_opt(out, "number", n->number);
    put_opt(out, "title", n->text);
    return false;
  case EP_N_LIST:
    fprintf(out, " style=%s", n->style == EP_LIST_YISHI ? "yishi" : n->style == EP_LIST_BULLET ? "bullet" : "numbered");
    return false;
  case EP_N_ISSUES:
  case EP_N_MEASURES:
    fprintf(out, " style=%s", n->style == EP_LIST_YISHI ? "yishi" : "numbered");
    return false;
  case EP_N_P:
  case EP_N_LI:
  case EP_N_CAPTION:
    return true;
  case EP_N_FIELD:
  case EP_N_ISSUE:
  case EP_N_MEASURE:
    put_opt(out, n->kind == EP_N_FIELD ? "label" : "title", n->text);
    if (n->kind == EP_N_MEASURE)
      put_opt(out, "for", n->for_id);
    return true;
  case EP_N_TH:
  case EP_N_TD:
    if (n->rowspan != 1)
      fprintf(out, " rowspan=%d", n->rowspan);
    if (n->colspan != 1)
      fprintf(out, " colspan=%d", n->colspan);
    if (n->align)
      fprintf(out, " align=%s", n->align == EP_ALIGN_LEFT ? "left" : n->align == EP_ALIGN_CENTER ? "center" : "right");
    return true;
  case EP_N_TABLE:
    put_opt(out, "caption", n->text);
    if (n->landscape)
      fputs(" landscape", out);
    return false;
  case EP_N_COL:
    put_opt(out, "width", n->width);
    return false;
  case EP_N_FORM_GOAL:
    put_opt(out, "planned", n->planned);
    put_opt(out, "achieved", n->achieved);
    return false;
  case EP_N_TOC:
    if (n->toc_depth)
      fprintf(out, " depth=%d", n->toc_depth);
    put_opt(out, "title", n->text);
    return false;
  case EP_N_SIGNATURE:
  case EP_N_ISSUES_AND_MEASURES:
    put_opt(out, n->kind == EP_N_SIGNATURE ? "text" : "caption", n->text);
    return false;
  default:
    put_figure_attrs(n, out);
    return false;
  }
}

// 'dump_node()' - One node and its subtree (blocks and table parts).
static void dump_node(const ep_node *n, FILE *out, int level, const char *main_file) {
  if (level > EP_MAX_NESTING + 8)
    return;
  indent(out, level);
  if (n->file && main_file && strcmp(n->file, main_file))
    fprintf(out, "%s @%s:%lu", ep_kind_name(n->kind), n->file, n->line);
  else
    fprintf(out, "%s @%lu", ep_kind_name(n->kind), n->line);
  put_opt(out, "id", n->id);
  if (put_attrs(n, out)) {
    ep_buf t;
    ep_buf_init(&t);
    put_inlines(&t, n, 0);
    fprintf(out, ": %s\n", ep_buf_str(&t));
    ep_buf_free(&t);
    return;
  }
  fputc('\n', out);
  for (const ep_node *ch = n->first; ch; ch = ch->next)
    dump_node(ch, out, level + 1, main_file);
}

// 'ep_report_dump()' - Print the whole model.
void ep_report_dump(const ep_report *r, FILE *out) {
  fprintf(out, "report %s", r->path);
  put_opt(out, "layout", r->layout);
  fputc('\n', out);
  const ep_meta *m = &r->meta;
  fputs("meta", out);
  put_opt(out, "title", m->title);
  put_opt(out, "subtitle", m->subtitle);
  put_opt(out, "issuer", m->issuer);
  put_opt(out, "year", m->year);
  if (m->date_y)
    fprintf(out, " date=\"%d年%d月%d日\"", m->date_y, m->date_m, m->date_d);
  put_opt(out, "region", m->region);
  fputc('\n', out);
  for (const ep_node *f = m->fields; f; f = f->next) {
    ep_buf t;
    ep_buf_init(&t);
    put_inlines(&t, f, 0);
    fprintf(out, "  field @%lu label=\"%s\": %s\n", f->line, f->text ? f->text : "", ep_buf_str(&t));
    ep_buf_free(&t);
  }
  if (r->body)
    dump_node(r->body, out, 0, r->path);
}

// 'label_of()' - "main" for a block with an id, else "@LINE".
static const char *label_of(const ep_node *n, char *buf, size_t size) {
  if (n->id)
    return n->id;
  snprintf(buf, size, "@%lu", n->line);
  return buf;
}

// 'ep_report_summary()' - The `check` summary.
void ep_report_summary(const ep_report *r, bool strict, FILE *out) {
  size_t errors = ep_diags_count_effective(&r->diags, EP_ERROR, strict);
  size_t warnings = ep_diags_count_effective(&r->diags, EP_WARNING, strict);
  fprintf(out, "%s: %s, %zu error%s, %zu warning%s\n", r->path, errors ? "failed" : "ok", errors,
          errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  if (!r->wellformed)
    return;
  fprintf(out, "  title: %s\n", r->meta.title ? r->meta.title : "(none)");
  fprintf(out, "  sections: %zu (%zu top-level)\n", r->section_count, r->top_section_count);
  if (!r->body)
    return;
  char a[64], b[64], c[64], l[64];
  for (const ep_node *x = r->body; x; x = ep_next_node(x, r->body)) {
    if (x->kind == EP_N_FUNDS) {
      fprintf(out, "  funds %s: budget %s, executed %s, rate %s\n", label_of(x, l, sizeof l),
              ep_fig_text(x->eff[EP_F_BUDGET], EP_VF_PLAIN, "-", a, sizeof a),
              ep_fig_text(x->eff[EP_F_EXECUTED], EP_VF_PLAIN, "-", b, sizeof b),
              x->rate_known ? ep_ratio_format_percent(x->rate, c, sizeof c) : "-");
    } else if (x->kind == EP_N_SCORING) {
      fprintf(out, "  scoring %s: weight %s, score %s, grade %s\n", label_of(x, l, sizeof l),
              ep_fig_text(x->eff_weight, EP_VF_PLAIN, "-", a, sizeof a),
              ep_fig_text(x->eff_score, EP_VF_PLAIN, "-", b, sizeof b), x->grade ? x->grade : "-");
    } else if (x->kind == EP_N_FORM) {
      fprintf(out, "  self-eval-form %s: budget score %s, score %s, grade %s\n", label_of(x, l, sizeof l),
              x->form_ok ? ep_ratio_format_trimmed(x->budget_score, 2, a, sizeof a) : "-",
              x->form_ok ? ep_ratio_format_trimmed(x->form_score, 2, b, sizeof b) : "-",
              x->grade ? x->grade : "-");
    }
  }
}
