// XML → model: walks the parsed document, enforces the vocabulary of report
// XML v1 (unknown elements and attributes, nesting, enumerations, numbers,
// depth limits) and normalizes whitespace; confined XIncludes are expanded
// first (model_include.c).
#include "model_build.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define EP_MAX_TABLE_COLUMNS 100 // README "Limits"

// Every element name of the vocabulary, for suggestions.
static const char *const all_elements[] = {
    "report", "meta", "body", "title", "subtitle", "issuer", "year", "date", "region", "field",
    "section", "p", "list", "li", "fields", "table", "caption", "col", "thead", "tbody", "tr",
    "th", "td", "funds", "item", "total", "scoring", "indicator", "self-eval-form", "budget",
    "source", "goal", "issues", "issue", "measures", "measure", "issues-and-measures",
    "pagebreak", "signature", "appendix", "toc", "b", "u", "sup", "sub", "br", "value", "amount",
    "ref", NULL};

// Common names from HTML, DocBook and Chinese-office habits → our names.
static const char *const element_aliases[] = {
    "paragraph=p", "para=p", "P=p", "div=section", "chapter=section", "heading=section",
    "h1=section", "h2=section", "h3=section", "ul=list", "ol=list", "item=li", "strong=b",
    "bold=b", "em=b", "i=b", "underline=u", "pb=pagebreak", "page-break=pagebreak",
    "newpage=pagebreak", "tabel=table", "fund=funds", "score=scoring", "indicators=scoring",
    "selfeval=self-eval-form", "self-evaluation-form=self-eval-form", "problems=issues",
    "problem=issue", "suggestions=measures", "suggestion=measure", "contents=toc",
    "appendices=appendix", "annex=appendix", "metadata=meta", "head=meta", "header=meta",
    "line-break=br", "superscript=sup", "subscript=sub", NULL};




// 'ws_feed_text()' - Append the normalized form of the LEN bytes of text S to BUF, updating WS.
static void ws_feed_text(wsnorm *ws, const char *s, size_t len, ep_buf *buf) {
  for (size_t i = 0; i < len;) {
    size_t at = i;
    uint32_t cp = ep_utf8_next(s, len, &i);
    if (ep_is_xml_space(cp)) {
      ws->pending = true;
    } else {
      if (ws->pending && ws->have_prev && !(ep_is_cjk(ws->prev) && ep_is_cjk(cp)))
        ep_buf_putc(buf, ' ');
      ws->pending = false;
      ep_buf_put(buf, s + at, i - at);
      ws->have_prev = true;
      ws->prev = cp;
    }
  }
}

// 'norm_text()' - Collapse whitespace in S by the CJK rule: runs between two CJK
// characters vanish, other inner runs become one space, ends are trimmed.
static char *norm_text(ep_arena *a, const char *s) {
  if (!s)
    return NULL;
  ep_buf out;
  ep_buf_init(&out);
  wsnorm ws = {0};
  ws_feed_text(&ws, s, strlen(s), &out);
  char *r = ep_arena_strdup(a, ep_buf_str(&out));
  ep_buf_free(&out);
  return r;
}

// 'attr_text()' - Attribute NAME of EL, whitespace-normalized, in the arena (NULL when absent).
static const char *attr_text(builder *b, xmlNodePtr el, const char *name) {
  char *v = get_attr(el, name);
  if (!v)
    return NULL;
  const char *r = norm_text(&b->r->arena, v);
  free(v);
  return r;
}

// 'ep_build_check_attrs()' - Report unknown attributes of EL (ALLOWED is NULL-terminated)
// and missing REQUIRED ones. Namespaced attributes (xml:*, xmlns) are accepted.
void ep_build_check_attrs(builder *b, xmlNodePtr el, const char *const *allowed, const char *const *required) {
  for (xmlAttrPtr a = el->properties; a; a = a->next) {
    if (a->ns)
      continue;
    const char *an = (const char *)a->name;
    bool ok = false;
    for (size_t i = 0; allowed && allowed[i]; i++)
      if (!strcmp(allowed[i], an))
        ok = true;
    if (ok)
      continue;
    const char *s = allowed ? ep_suggest(an, allowed, NULL) : NULL;
    if (s)
      err(b, el, "unknown-attribute", "<%s> has no attribute \"%s\"; did you mean \"%s\"?", xname(el),
          an, s);
    else if (allowed && allowed[0])
      err(b, el, "unknown-attribute", "<%s> has no attribute \"%s\".", xname(el), an);
    else
      err(b, el, "unknown-attribute", "<%s> takes no attributes, but has \"%s\".", xname(el), an);
  }
  for (size_t i = 0; required && required[i]; i++) {
    char *v = get_attr(el, required[i]);
    if (!v)
      err(b, el, "missing-attribute", "<%s> needs the attribute \"%s\".", xname(el), required[i]);
    free(v);
  }
}

// 'enum_attr()' - Parse attribute NAME against VALUES (NULL-terminated); returns
// the index, DEF when absent, and reports a value outside the enumeration.
static int enum_attr(builder *b, xmlNodePtr el, const char *name, const char *const *values,
                     int def) {
  char *v = get_attr(el, name);
  if (!v)
    return def;
  int found = -1;
  const char *t = v;
  while (ep_is_xml_space((unsigned char)*t))
    t++;
  size_t tl = strlen(t);
  while (tl && ep_is_xml_space((unsigned char)t[tl - 1]))
    tl--;
  for (int i = 0; values[i]; i++)
    if (strlen(values[i]) == tl && !strncmp(values[i], t, tl))
      found = i;
  if (found < 0) {
    ep_buf list;
    ep_buf_init(&list);
    for (int i = 0; values[i]; i++)
      ep_buf_printf(&list, "%s\"%s\"", i ? ", " : "", values[i]);
    err(b, el, "bad-attribute-value", "<%s %s=\"%s\"> is not allowed; use one of %s.", xname(el), name,
        v, ep_buf_str(&list));
    ep_buf_free(&list);
    found = def;
  }
  free(v);
  return found;
}

// 'num_attr()' - Parse decimal attribute NAME; false when absent or bad (bad is reported).
// NONNEG: a negative value is an error (weights, points, scores).
static bool num_attr(builder *b, xmlNodePtr el, const char *name, bool nonneg, ep_dec *out) {
  char *v = get_attr(el, name);
  if (!v)
    return false;
  ep_dec d;
  ep_parse_error pe = ep_dec_parse(v, &d);
  bool ok = false;
  if (pe != EP_PARSE_OK || (nonneg && ep_dec_is_negative(d)))
    b->fig_bad = true;
  if (pe != EP_PARSE_OK) {
    err(b, el, "bad-number", "<%s %s=\"%s\">: the number %s; write a plain decimal such as 1292 or 21.6835.",
        xname(el), name, v, ep_parse_error_string(pe));
  } else if (nonneg && ep_dec_is_negative(d)) {
    err(b, el, "negative-value", "<%s %s=\"%s\">: %s may not be negative.", xname(el), name, v, name);
  } else {
    *out = d;
    ok = true;
  }
  free(v);
  return ok;
}

// 'int_attr()' - Parse a positive integer attribute (1..LIMIT); DEF when absent or bad.
static int int_attr(builder *b, xmlNodePtr el, const char *name, int limit, int def) {
  char *v = get_attr(el, name);
  if (!v)
    return def;
  char *s = v;
  while (*s == ' ' || *s == '\t')
    s++;
  long n = 0;
  bool ok = *s >= '1' && *s <= '9';
  while (ok && *s >= '0' && *s <= '9') {
    n = n * 10 + (*s - '0');
    if (n > limit)
      ok = false;
    s++;
  }
  while (*s == ' ' || *s == '\t')
    s++;
  if (*s)
    ok = false;
  free(v);
  if (!ok) {
    char *raw = get_attr(el, name);
    err(b, el, "bad-number", "<%s %s=\"%s\">: expected a whole number from 1 to %d.", xname(el), name,
        raw, limit);
    free(raw);
    return def;
  }
  return (int)n;
}

// 'has_text()' - True when text node N holds anything but whitespace.
static bool has_text(xmlNodePtr n) {
  if (n->type != XML_TEXT_NODE && n->type != XML_CDATA_SECTION_NODE)
    return false;
  for (const xmlChar *p = n->content; p && *p; p++)
    if (!ep_is_xml_space(*p))
      return true;
  return false;
}

// 'text_line()' - The line of the first non-space character of text node N (DEF when unknown).
static unsigned long text_line(xmlNodePtr n, unsigned long def) {
  unsigned long l = ep_xml_line(n);
  if (!l)
    return def;
  for (const xmlChar *p = n->content; p && *p && ep_is_xml_space(*p); p++)
    if (*p == '\n')
      l++;
  return l;
}

// 'text_excerpt()' - The first characters of text node N, for a message.
static void text_excerpt(xmlNodePtr n, char *buf, size_t size) {
  const char *s = n->content ? (const char *)n->content : "";
  while (*s && ep_is_xml_space((unsigned char)*s))
    s++;
  size_t i = 0, chars = 0, len = strlen(s);
  while (i < len && chars < 12 && i + 8 < size) {
    uint32_t cp;
    size_t l = ep_utf8_decode((const unsigned char *)s + i, len - i, &cp);
    if (!l || cp == '\n')
      break;
    i += l;
    chars++;
  }
  size_t rest = i;
  while (rest < len && ep_is_xml_space((unsigned char)s[rest]))
    rest++;
  snprintf(buf, size, "%.*s%s", (int)i, s, rest < len ? "…" : "");
}

static void build_blocks(builder *b, ep_node *parent, xmlNodePtr first_child, int depth);
static void build_inlines(builder *b, ep_node *parent, xmlNodePtr first_child, wsnorm *ws,
                          int depth);

// 'unknown_element()' - Report EL, unknown or misplaced in the context of PARENT_NAME.
// CONTEXT lists the names valid there (NULL-terminated).
static void unknown_element(builder *b, xmlNodePtr el, const char *parent_name,
                            const char *const *context) {
  const char *n = xname(el);
  bool known = false;
  for (size_t i = 0; all_elements[i]; i++)
    if (!strcmp(all_elements[i], n))
      known = true;
  if (el->ns && el->ns->prefix) {
    err(b, el, "unknown-element", "unknown element <%s:%s> in <%s>.", el->ns->prefix, n, parent_name);
    return;
  }
  if (el->ns) {
    err(b, el, "unknown-element", "<%s> is in the XML namespace \"%s\"; report XML elements belong to no namespace (remove the xmlns declaration).",
        n, el->ns->href ? (const char *)el->ns->href : "");
    return;
  }
  if (known) {
    err(b, el, "misplaced-element", "<%s> is not allowed in <%s>.", n, parent_name);
    return;
  }
  const char *s = context ? ep_suggest(n, context, element_aliases) : NULL;
  if (!s)
    s = ep_suggest(n, all_elements, element_aliases);
  if (s)
    err(b, el, "unknown-element", "unknown element <%s> in <%s>; did you mean <%s>?", n, parent_name, s);
  else
    err(b, el, "unknown-element", "unknown element <%s> in <%s>.", n, parent_name);
}

// 'no_children()' - Report any element or text content inside an element that must be empty.
static void no_children(builder *b, xmlNodePtr el) {
  for (xmlNodePtr c = el->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      err(b, c, "misplaced-element", "<%s> must be empty, but contains <%s>.", xname(el), xname(c));
      return;
    }
    if (has_text(c)) {
      err(b, el, "unexpected-text", "<%s> must be empty, but contains text.", xname(el));
      return;
    }
  }
}

// 'text_lines()' - The text of <title> or <subtitle> EL, which may hold <br/>
// (the author's line break): the text as the report's title (the break read
// as a source line break: nothing between CJK, a space between Latin words)
// in *PLAIN, and each part normalized on its own, joined by '\n', in *LINES
// (may be NULL). LINES NULL: EL holds text only (a <br/> is misplaced there too).
static void text_lines(builder *b, xmlNodePtr el, const char **plain, const char **lines) {
  ep_buf raw, part, out;
  ep_buf_init(&raw);
  ep_buf_init(&part);
  ep_buf_init(&out);
  for (xmlNodePtr c = el->children;; c = c->next) {
    bool br = lines && c && c->type == XML_ELEMENT_NODE && !c->ns && !strcmp(xname(c), "br");
    if (!c || br) { // a part ends
      const char *t = norm_text(&b->r->arena, ep_buf_str(&part));
      if (t[0])
        ep_buf_printf(&out, "%s%s", out.len ? "\n" : "", t);
      part.len = 0;
      if (part.data)
        part.data[0] = 0;
      if (!c)
        break;
      ep_build_check_attrs(b, c, NULL, NULL);
      no_children(b, c);
      ep_buf_putc(&raw, '\n');
    } else if (c->type == XML_ELEMENT_NODE) {
      err(b, c, "misplaced-element", "<%s> holds %s only, but contains <%s>.", xname(el),
          lines ? "text and <br/>" : "plain text", xname(c));
    } else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
      ep_buf_puts(&raw, (const char *)c->content);
      ep_buf_puts(&part, (const char *)c->content);
    }
  }
  *plain = norm_text(&b->r->arena, ep_buf_str(&raw));
  if (lines)
    *lines = ep_arena_strdup(&b->r->arena, ep_buf_str(&out));
  ep_buf_free(&raw);
  ep_buf_free(&part);
  ep_buf_free(&out);
}

// 'text_only()' - The normalized text of an element that may hold text only.
static const char *text_only(builder *b, xmlNodePtr el) {
  const char *r;
  text_lines(b, el, &r, NULL);
  return r;
}

// 'new_node()' - A model node for element EL.
static ep_node *new_node(builder *b, ep_kind kind, ep_node *parent, xmlNodePtr el) {
  ep_node *n = ep_node_new(b->r, kind, parent, fileof(b, el), ep_xml_line(el));
  char *id = get_attr(el, "id");
  if (id) {
    const char *t = norm_text(&b->r->arena, id);
    if (!t[0])
      err(b, el, "bad-id", "<%s id=\"\">: an id may not be empty.", xname(el));
    else {
      n->id = t;
      b->r->id_nodes++;
    }
    free(id);
  }
  return n;
}

// ---------------------------------------------------------------------------
// Inline content

// 'ws_atom()' - An atomic inline (value, amount, ref) follows: emit a pending
// space as its own text node, then treat the atom as character CP.
static void ws_atom(builder *b, ep_node *parent, xmlNodePtr el, wsnorm *ws, uint32_t cp) {
  if (ws->pending && ws->have_prev && !(ep_is_cjk(ws->prev) && ep_is_cjk(cp))) {
    ep_node *t = ep_node_new(b->r, EP_N_TEXT, parent, fileof(b, el), ep_xml_line(el));
    t->text = " ";
  }
  ws->pending = false;
  ws->have_prev = true;
  ws->prev = cp;
}

// ---------------------------------------------------------------------------
// Element rules: what each element of report XML v1 takes and may contain.
// One generic builder (build_element) applies them: it checks the attributes,
// refuses a second copy of a once-only element, makes the node, reads the
// element's own attributes (its 'read' hook), builds the content by its kind
// and reports missing required children. <report>, <meta> and its text
// elements stay hand-written below (they fill the report, not the tree).

typedef enum content_kind {
  C_EMPTY,    // no content at all
  C_INLINE,   // inline content, whitespace normalized afresh (p, li, td, ...)
  C_SPAN,     // inline content continuing the surrounding text (b, u, sup, sub)
  C_ELEMENTS, // only the elements listed in 'children'
  C_BLOCKS    // block content (section, appendix)
} content_kind;

typedef struct rule rule;
struct rule {
  const char *name;
  ep_kind kind;
  const char *const *attrs;    // allowed attributes, NULL-terminated (NULL: none)
  const char *const *required; // required attributes (NULL: none)
  content_kind content;
  const rule *const *children; // C_ELEMENTS: the elements allowed inside
  const char *text_msg;        // C_ELEMENTS: the error for text inside; a "%s" takes an excerpt
  uint64_t needs;              // bits of kinds of which one child must exist (0: none)
  const char *needs_code, *needs_msg; // the error when none does (code NULL: "empty-element")
  bool once;                   // at most one per parent
  bool flat;                   // children count at this element's depth (rows of thead/tbody)
  const char *text_attr;       // the attribute kept (normalized) as the node's text, or NULL
  void (*pre)(builder *b, ep_node *parent, xmlNodePtr el);        // before the node is made
  bool (*read)(builder *b, ep_node *n, xmlNodePtr el, int depth); // attributes; false: no content
  void (*post)(builder *b, ep_node *n, xmlNodePtr el);            // after the content
};

#define KIND(k) ((uint64_t)1 << (k))

static const char *const value_formats[] = {"plain", "2", "percent", "chinese", NULL};
static const char *const yes_no[] = {"no", "yes", NULL};
static const char *const align_values[] = {"left", "center", "right", NULL};
static const char *const list_styles[] = {"numbered", "yishi", "bullet", NULL};
static const char *const scale_values[] = {"standard", "standard-long", NULL};
static const char *const fig_names[EP_F__COUNT] = {"budget", "executed", "initial", "balance"};
static const char *const ffig_names[EP_FF__COUNT] = {"initial", "annual", "executed"};

// 'atom_digit()' / 'atom_cjk()' - <value>/<amount> read as a digit, <ref> as a CJK character,
// for the whitespace rule around them.
static void atom_digit(builder *b, ep_node *parent, xmlNodePtr el) { ws_atom(b, parent, el, b->ws, '0'); }
static void atom_cjk(builder *b, ep_node *parent, xmlNodePtr el) { ws_atom(b, parent, el, b->ws, 0x4E00); }

// 'read_br()' - A line break ends the whitespace context.
static bool read_br(builder *b, ep_node *n, xmlNodePtr el, int depth) {
  b->ws->have_prev = false;
  b->ws->pending = false;
  return true;
}

// 'read_value()' - <value of format>.
static bool read_value(builder *b, ep_node *x, xmlNodePtr el, int depth) {
  x->ref = attr_text(b, el, "of");
  x->format = (ep_vformat)enum_attr(b, el, "format", value_formats, 0);
  return true;
}

// 'read_amount()' - <amount value unit>: the figure printed once, here.
static bool read_amount(builder *b, ep_node *x, xmlNodePtr el, int depth) {
  ep_dec d;
  if (num_attr(b, el, "value", false, &d)) {
    char t[64];
    x->amount = d;
    x->result = ep_arena_strdup(&b->r->arena, ep_fig_text((ep_fig){true, d}, EP_VF_PLAIN, NULL, t, sizeof t));
  }
  x->unit = attr_text(b, el, "unit");
  if (x->unit && x->unit[0])
    b->ws->prev = 0x4E07; // a unit such as 万元 ends the atom as CJK
  return true;
}

// 'read_ref()' - <ref to page>.
static bool read_ref(builder *b, ep_node *x, xmlNodePtr el, int depth) {
  x->ref = attr_text(b, el, "to");
  x->page = enum_attr(b, el, "page", yes_no, 0) == 1;
  return true;
}

// 'section_depth()' - The number of sections enclosing a child of PARENT.
static int section_depth(const ep_node *parent) { return parent && parent->kind == EP_N_SECTION ? parent->level : 0; }

// 'pre_section()' - A section one level deeper than allowed is reported (once, at that level).
static void pre_section(builder *b, ep_node *parent, xmlNodePtr el) {
  int level = section_depth(parent) + 1;
  if (level == EP_MAX_SECTION_DEPTH + 1)
    err(b, el, "section-too-deep", "<section> at level %d; sections nest at most %d levels.", level,
        EP_MAX_SECTION_DEPTH);
}

// 'read_section()' - <section title number runin>.
static bool read_section(builder *b, ep_node *s, xmlNodePtr el, int depth) {
  static const char *const nv[] = {"none", NULL};
  s->level = section_depth(s->parent) + 1;
  s->unnumbered = enum_attr(b, el, "number", nv, -1) == 0;
  s->runin = enum_attr(b, el, "runin", yes_no, 0) == 1;
  return true;
}

// 'read_list()' - <list style>.
static bool read_list(builder *b, ep_node *l, xmlNodePtr el, int depth) {
  l->style = (ep_list_style)enum_attr(b, el, "style", list_styles, 0);
  return true;
}

// 'read_toc()' - <toc depth title>.
static bool read_toc(builder *b, ep_node *t, xmlNodePtr el, int depth) {
  t->toc_depth = int_attr(b, el, "depth", EP_MAX_SECTION_DEPTH, 0);
  return true;
}

// 'read_issues()' - <issues style> / <measures style>.
static bool read_issues(builder *b, ep_node *g, xmlNodePtr el, int depth) {
  static const char *const styles[] = {"numbered", "yishi", NULL};
  g->style = enum_attr(b, el, "style", styles, 0) == 1 ? EP_LIST_YISHI : EP_LIST_NUMBERED;
  return true;
}

// 'read_measure()' - <measure for>.
static bool read_measure(builder *b, ep_node *x, xmlNodePtr el, int depth) {
  x->for_id = attr_text(b, el, "for");
  return true;
}

// 'read_table()' - <table landscape>; a caption given twice (attribute and
// element: the element is printed) gets a note.
static bool read_table(builder *b, ep_node *t, xmlNodePtr el, int depth) {
  (void)depth;
  t->landscape = enum_attr(b, el, "landscape", yes_no, 0) == 1;
  if (xmlHasProp(el, (const xmlChar *)"caption"))
    for (xmlNodePtr c = el->children; c; c = c->next)
      if (c->type == XML_ELEMENT_NODE && !c->ns && !strcmp((const char *)c->name, "caption")) {
        ep_diag_add(&b->r->diags, EP_NOTE, fileof(b, c), ep_xml_line(c), "caption-twice",
                    "this <table> has both a caption attribute and a <caption> element; the element is printed, "
                    "the attribute is not.");
        break;
      }
  return true;
}

// 'width_ok()' - True for a column width: a decimal then %, mm or pt, spaces around.
static bool width_ok(const char *w) {
  const char *e = w;
  while (*e == ' ')
    e++;
  const char *start = e;
  while (*e >= '0' && *e <= '9')
    e++;
  if (e == start)
    return false;
  if (*e == '.') {
    const char *f = ++e;
    while (*e >= '0' && *e <= '9')
      e++;
    if (e == f)
      return false;
  }
  if (*e == '%')
    e++;
  else if (!strncmp(e, "mm", 2) || !strncmp(e, "pt", 2))
    e += 2;
  else
    return false;
  while (*e == ' ')
    e++;
  return !*e;
}

// 'read_col()' - <col width>.
static bool read_col(builder *b, ep_node *col, xmlNodePtr el, int depth) {
  char *w = get_attr(el, "width");
  if (w && !width_ok(w))
    err(b, el, "bad-width", "<col width=\"%s\">: write a width such as 20%%, 30mm or 80pt.", w);
  else if (w)
    col->width = norm_text(&b->r->arena, w);
  free(w);
  return true;
}

// 'read_row()' - A <tr> starts with no columns.
static bool read_row(builder *b, ep_node *tr, xmlNodePtr el, int depth) {
  b->row_cols = 0;
  return true;
}

// 'post_cell()' - <th>/<td> rowspan colspan align (read after the content); the
// row's columns (counting colspan) are limited, reported once per row.
static void post_cell(builder *b, ep_node *cell, xmlNodePtr el) {
  cell->rowspan = int_attr(b, el, "rowspan", 1000000, 1);
  cell->colspan = int_attr(b, el, "colspan", 1000, 1);
  cell->align = (ep_align)(enum_attr(b, el, "align", align_values, -1) + 1);
  if (b->row_cols <= EP_MAX_TABLE_COLUMNS && (b->row_cols += cell->colspan) > EP_MAX_TABLE_COLUMNS)
    err(b, el, "limit", "this <tr> has more than %d columns (counting colspan); a table has at most %d.",
        EP_MAX_TABLE_COLUMNS, EP_MAX_TABLE_COLUMNS);
}

// 'read_funds()' - <funds unit caption chart>.
static bool read_funds(builder *b, ep_node *f, xmlNodePtr el, int depth) {
  static const char *const charts[] = {"none", "bar", NULL};
  f->unit = attr_text(b, el, "unit");
  if (!f->unit || !f->unit[0])
    f->unit = "万元";
  f->chart = enum_attr(b, el, "chart", charts, 0) == 1;
  return true;
}

// 'read_funds_figures()' - The four declared figures of a funds <item> or <total>.
static bool read_funds_figures(builder *b, ep_node *n, xmlNodePtr el, int depth) {
  b->fig_bad = false;
  for (int f = 0; f < EP_F__COUNT; f++)
    n->has_decl[f] = num_attr(b, el, fig_names[f], false, &n->decl[f]);
  n->bad_fig = b->fig_bad;
  return true;
}

// 'read_item()' - <item name budget executed initial balance>; items nest at most
// EP_MAX_NESTING deep (DEPTH counts from the body).
static bool read_item(builder *b, ep_node *it, xmlNodePtr el, int depth) {
  it->name = attr_text(b, el, "name");
  read_funds_figures(b, it, el, depth);
  if (depth + 1 > EP_MAX_NESTING) {
    err(b, el, "nesting-too-deep", "funds items nest more than %d deep.", EP_MAX_NESTING);
    return false;
  }
  return true;
}

// 'read_indicator()' - <indicator name weight score note> at level 1..4.
static bool read_indicator(builder *b, ep_node *in, xmlNodePtr el, int depth) {
  int level = in->parent->kind == EP_N_INDICATOR ? in->parent->depth + 1 : 1;
  in->name = attr_text(b, el, "name");
  in->depth = level;
  b->fig_bad = false;
  in->has_weight = num_attr(b, el, "weight", true, &in->weight);
  bool before = b->fig_bad;
  b->fig_bad = false;
  in->has_score = num_attr(b, el, "score", true, &in->score);
  in->bad_score = b->fig_bad;
  in->bad_fig = b->fig_bad || before;
  in->note = attr_text(b, el, "note");
  if (level > EP_MAX_INDICATOR_DEPTH) {
    err(b, el, "indicator-too-deep",
        "<indicator name=\"%s\"> is at level %d; a scoring table has at most %d levels (一级 to 四级指标).",
        in->name ? in->name : "", level, EP_MAX_INDICATOR_DEPTH);
    return false;
  }
  return true;
}

// 'read_scoring()' - <scoring caption grade-scale landscape>.
static bool read_scoring(builder *b, ep_node *s, xmlNodePtr el, int depth) {
  s->scale = (ep_grade_scale)enum_attr(b, el, "grade-scale", scale_values, 0);
  s->landscape = enum_attr(b, el, "landscape", yes_no, 0) == 1;
  return true;
}

// 'read_scoring_total()' - <total weight score grade> of a scoring block.
static bool read_scoring_total(builder *b, ep_node *t, xmlNodePtr el, int depth) {
  b->fig_bad = false;
  t->has_weight = num_attr(b, el, "weight", true, &t->weight);
  t->has_score = num_attr(b, el, "score", true, &t->score);
  t->bad_fig = b->fig_bad;
  t->note = attr_text(b, el, "grade");
  return true;
}

// 'read_form()' - <self-eval-form project department unit budget-points caption landscape grade-scale>.
static bool read_form(builder *b, ep_node *f, xmlNodePtr el, int depth) {
  f->project = attr_text(b, el, "project");
  f->department = attr_text(b, el, "department");
  f->unit_name = attr_text(b, el, "unit");
  f->landscape = enum_attr(b, el, "landscape", yes_no, 0) == 1;
  f->scale = (ep_grade_scale)enum_attr(b, el, "grade-scale", scale_values, 0);
  b->fig_bad = false;
  f->has_points = num_attr(b, el, "budget-points", true, &f->points);
  f->bad_fig = b->fig_bad;
  if (!f->has_points)
    ep_dec_from_int(10, &f->points); // the official form's 10 points for budget execution
  return true;
}

// 'read_form_figures()' - The three declared figures of a form <budget> or <source>;
// a malformed one also marks the parent.
static bool read_form_figures(builder *b, ep_node *n, xmlNodePtr el, int depth) {
  b->fig_bad = false;
  for (int k = 0; k < EP_FF__COUNT; k++)
    n->has_fdecl[k] = num_attr(b, el, ffig_names[k], false, &n->fdecl[k]);
  n->bad_fig = b->fig_bad;
  n->parent->bad_fig |= b->fig_bad;
  return true;
}

// 'read_form_source()' - <source name initial annual executed>.
static bool read_form_source(builder *b, ep_node *so, xmlNodePtr el, int depth) {
  so->name = attr_text(b, el, "name");
  return read_form_figures(b, so, el, depth);
}

// 'read_form_goal()' - <goal planned achieved>.
static bool read_form_goal(builder *b, ep_node *g, xmlNodePtr el, int depth) {
  g->planned = attr_text(b, el, "planned");
  g->achieved = attr_text(b, el, "achieved");
  return true;
}

// 'read_form_indicator()' - <indicator> of a self-eval-form.
static bool read_form_indicator(builder *b, ep_node *in, xmlNodePtr el, int depth) {
  in->name = attr_text(b, el, "name");
  in->level1 = attr_text(b, el, "level1");
  in->level2 = attr_text(b, el, "level2");
  in->target_value = attr_text(b, el, "target");
  in->actual = attr_text(b, el, "actual");
  in->deviation = attr_text(b, el, "deviation");
  b->fig_bad = false;
  in->has_points = num_attr(b, el, "points", true, &in->points);
  in->has_score = num_attr(b, el, "score", true, &in->score);
  in->bad_fig = b->fig_bad;
  in->parent->bad_fig |= b->fig_bad;
  return true;
}

// 'read_form_total()' - <total score grade> of a self-eval-form.
static bool read_form_total(builder *b, ep_node *t, xmlNodePtr el, int depth) {
  b->fig_bad = false;
  t->has_score = num_attr(b, el, "score", true, &t->score);
  t->bad_fig = b->fig_bad;
  t->note = attr_text(b, el, "grade");
  return true;
}

#define ATTRS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define RULES(...) ((const rule *const[]){__VA_ARGS__, NULL})

// Inline elements (in this order for suggestions).
static const rule r_b = {"b", EP_N_B, .content = C_SPAN};
static const rule r_u = {"u", EP_N_U, .content = C_SPAN};
static const rule r_sup = {"sup", EP_N_SUP, .content = C_SPAN};
static const rule r_sub = {"sub", EP_N_SUB, .content = C_SPAN};
static const rule r_br = {"br", EP_N_BR, .read = read_br};
static const rule r_value = {"value", EP_N_VALUE, ATTRS("of", "format"), ATTRS("of"), .pre = atom_digit,
                             .read = read_value};
static const rule r_amount = {"amount", EP_N_AMOUNT, ATTRS("value", "unit"), ATTRS("value"), .pre = atom_digit,
                              .read = read_amount};
static const rule r_ref = {"ref", EP_N_REF, ATTRS("to", "page"), ATTRS("to"), .pre = atom_cjk, .read = read_ref};
static const rule *const inline_rules[] = {&r_b, &r_u, &r_sup, &r_sub, &r_br, &r_value, &r_amount, &r_ref, NULL};

// Tables.
static const rule r_caption = {"caption", EP_N_CAPTION, .content = C_INLINE, .once = true};
static const rule r_col = {"col", EP_N_COL, ATTRS("width"), .read = read_col};
static const rule r_th = {"th", EP_N_TH, ATTRS("rowspan", "colspan", "align"), NULL, C_INLINE, .post = post_cell};
static const rule r_td = {"td", EP_N_TD, ATTRS("rowspan", "colspan", "align"), NULL, C_INLINE, .post = post_cell};
static const rule r_tr = {"tr", EP_N_TR, .content = C_ELEMENTS, .children = RULES(&r_th, &r_td),
                          .text_msg = "text \"%s\" directly in <tr>; put it in a <td>.",
                          .needs = KIND(EP_N_TH) | KIND(EP_N_TD), .needs_code = "empty-row",
                          .needs_msg = "<tr> has no cells.", .read = read_row};
static const rule r_thead = {"thead", EP_N_THEAD, .content = C_ELEMENTS, .children = RULES(&r_tr), .flat = true,
                             .text_msg = "text directly in <thead>; put it in a cell of a <tr>.",
                             .needs = KIND(EP_N_TR), .needs_msg = "<thead> has no <tr> rows."};
static const rule r_tbody = {"tbody", EP_N_TBODY, .content = C_ELEMENTS, .children = RULES(&r_tr), .flat = true,
                             .text_msg = "text directly in <tbody>; put it in a cell of a <tr>.",
                             .needs = KIND(EP_N_TR), .needs_msg = "<tbody> has no <tr> rows."};
static const rule r_table = {"table", EP_N_TABLE, ATTRS("id", "caption", "landscape"), .content = C_ELEMENTS,
                             .children = RULES(&r_caption, &r_col, &r_thead, &r_tbody, &r_tr),
                             .text_msg = "text \"%s\" directly in <table>; put it in a cell.",
                             .needs = KIND(EP_N_TR), .needs_code = "empty-table", .needs_msg = "<table> has no rows.",
                             .text_attr = "caption", .read = read_table};

// Funds.
static const rule r_item = {"item", EP_N_ITEM, ATTRS("id", "name", "budget", "executed", "initial", "balance"),
                            ATTRS("name"), C_ELEMENTS, RULES(&r_item),
                            .text_msg = "<item> holds no text; its name goes in name=\"…\".", .read = read_item};
static const rule r_funds_total = {"total", EP_N_FUNDS_TOTAL, ATTRS("budget", "executed", "initial", "balance"),
                                   .once = true, .read = read_funds_figures};
static const rule r_funds = {"funds", EP_N_FUNDS, ATTRS("id", "unit", "caption", "chart"), .content = C_ELEMENTS,
                             .children = RULES(&r_item, &r_funds_total),
                             .text_msg = "<funds> holds <item> elements, not text.", .needs = KIND(EP_N_ITEM),
                             .needs_msg = "<funds> has no <item>.", .text_attr = "caption", .read = read_funds};

// Scoring.
static const rule r_indicator = {"indicator", EP_N_INDICATOR, ATTRS("id", "name", "weight", "score", "note"),
                                 ATTRS("name"), C_ELEMENTS, RULES(&r_indicator),
                                 .text_msg = "<indicator> holds no text; use name=\"…\" and note=\"…\".",
                                 .read = read_indicator};
static const rule r_scoring_total = {"total", EP_N_SCORING_TOTAL, ATTRS("weight", "score", "grade"), .once = true,
                                     .read = read_scoring_total};
static const rule r_scoring = {"scoring", EP_N_SCORING, ATTRS("id", "caption", "grade-scale", "landscape"),
                               .content = C_ELEMENTS, .children = RULES(&r_indicator, &r_scoring_total),
                               .text_msg = "<scoring> holds <indicator> elements, not text.",
                               .needs = KIND(EP_N_INDICATOR), .needs_msg = "<scoring> has no <indicator>.",
                               .text_attr = "caption", .read = read_scoring};

// Self-eval-form.
static const rule r_form_source = {"source", EP_N_FORM_SOURCE, ATTRS("name", "initial", "annual", "executed"),
                                   ATTRS("name"), .read = read_form_source};
static const rule r_form_budget = {"budget", EP_N_FORM_BUDGET, ATTRS("initial", "annual", "executed"),
                                   ATTRS("annual"), C_ELEMENTS, RULES(&r_form_source),
                                   .text_msg = "<budget> holds <source> elements, not text.", .once = true,
                                   .read = read_form_figures};
static const rule r_form_goal = {"goal", EP_N_FORM_GOAL, ATTRS("planned", "achieved"), .once = true,
                                 .read = read_form_goal};
static const rule r_form_indicator = {
    "indicator", EP_N_FORM_INDICATOR,
    ATTRS("id", "name", "level1", "level2", "target", "actual", "points", "score", "deviation"), ATTRS("name"),
    .read = read_form_indicator};
static const rule r_form_total = {"total", EP_N_FORM_TOTAL, ATTRS("score", "grade"), .once = true,
                                  .read = read_form_total};
static const rule r_form = {
    "self-eval-form", EP_N_FORM,
    ATTRS("id", "project", "department", "unit", "budget-points", "caption", "landscape", "grade-scale"),
    .content = C_ELEMENTS, .children = RULES(&r_form_budget, &r_form_goal, &r_form_indicator, &r_form_total),
    .text_msg = "<self-eval-form> holds elements, not text.", .needs = KIND(EP_N_FORM_BUDGET),
    .needs_code = "missing-element",
    .needs_msg = "<self-eval-form> needs a <budget> element (年初预算数, 全年预算数, 全年执行数).",
    .text_attr = "caption", .read = read_form};

// Issues and measures.
static const rule r_issue = {"issue", EP_N_ISSUE, ATTRS("id", "title"), .content = C_INLINE, .text_attr = "title"};
static const rule r_measure = {"measure", EP_N_MEASURE, ATTRS("id", "for", "title"), ATTRS("for"), C_INLINE,
                               .text_attr = "title", .read = read_measure};
static const rule r_issues = {"issues", EP_N_ISSUES, ATTRS("id", "style"), .content = C_ELEMENTS,
                              .children = RULES(&r_issue), .text_msg = "<issues> holds <issue> elements, not text.",
                              .needs = KIND(EP_N_ISSUE), .needs_msg = "<issues> has no <issue>.", .read = read_issues};
static const rule r_measures = {"measures", EP_N_MEASURES, ATTRS("id", "style"), .content = C_ELEMENTS,
                                .children = RULES(&r_measure),
                                .text_msg = "<measures> holds <measure> elements, not text.",
                                .needs = KIND(EP_N_MEASURE), .needs_msg = "<measures> has no <measure>.",
                                .read = read_issues};

// Other blocks (in this order for suggestions).
static const rule r_section = {"section", EP_N_SECTION, ATTRS("id", "title", "number", "runin"), ATTRS("title"),
                               C_BLOCKS, .text_attr = "title", .pre = pre_section, .read = read_section};
static const rule r_appendix = {"appendix", EP_N_APPENDIX, ATTRS("id", "title"), ATTRS("title"), C_BLOCKS,
                                .text_attr = "title"};
static const rule r_p = {"p", EP_N_P, ATTRS("id"), .content = C_INLINE};
static const rule r_li = {"li", EP_N_LI, .content = C_INLINE};
static const rule r_list = {"list", EP_N_LIST, ATTRS("id", "style"), .content = C_ELEMENTS, .children = RULES(&r_li),
                            .text_msg = "text stands directly in <list>; put it in an <li>.",
                            .needs = KIND(EP_N_LI), .needs_msg = "<list> has no <li>.", .read = read_list};
static const rule r_field = {"field", EP_N_FIELD, ATTRS("label"), ATTRS("label"), C_INLINE, .text_attr = "label"};
static const rule r_fields = {"fields", EP_N_FIELDS, .content = C_ELEMENTS, .children = RULES(&r_field),
                              .text_msg = "text stands directly in <fields>; put it in a <field>.",
                              .needs = KIND(EP_N_FIELD), .needs_msg = "<fields> has no <field>."};
static const rule r_issues_and_measures = {"issues-and-measures", EP_N_ISSUES_AND_MEASURES, ATTRS("caption"),
                                           .text_attr = "caption"};
static const rule r_pagebreak = {"pagebreak", EP_N_PAGEBREAK, .attrs = NULL};
static const rule r_toc = {"toc", EP_N_TOC, ATTRS("depth", "title"), .text_attr = "title", .read = read_toc};
static const rule r_signature = {"signature", EP_N_SIGNATURE, ATTRS("text"), .text_attr = "text"};
static const rule *const block_rules[] = {&r_section, &r_p, &r_list, &r_fields, &r_table, &r_funds, &r_scoring,
                                          &r_form, &r_issues, &r_measures, &r_issues_and_measures,
                                          &r_pagebreak, &r_signature, &r_appendix, &r_toc, NULL};

// 'find_rule()' - The rule for element EL among RULES (NULL when EL is not one of them).
static const rule *find_rule(const rule *const *rules, xmlNodePtr el) {
  if (el->ns)
    return NULL;
  for (size_t i = 0; rules[i]; i++)
    if (!strcmp(rules[i]->name, xname(el)))
      return rules[i];
  return NULL;
}

// 'rule_names()' - The names of RULES into NAMES (NULL-terminated; room for CAP - 1).
static const char **rule_names(const rule *const *rules, const char **names, size_t cap) {
  size_t k = 0;
  for (; rules[k] && k + 1 < cap; k++)
    names[k] = rules[k]->name;
  names[k] = NULL;
  return names;
}

// 'count_kinds()' - Children of N whose kind is in MASK; rows of a table section count
// as rows of the table.
static size_t count_kinds(const ep_node *n, uint64_t mask) {
  size_t k = 0;
  for (const ep_node *c = n->first; c; c = c->next)
    if (mask & KIND(c->kind))
      k++;
    else if (c->kind == EP_N_THEAD || c->kind == EP_N_TBODY)
      k += count_kinds(c, mask);
  return k;
}

// 'text_error()' - Report TEXT (a text node) inside EL by MSG ("%s" takes an excerpt).
static void text_error(builder *b, xmlNodePtr el, const char *msg, xmlNodePtr text) {
  const char *s = strstr(msg, "%s");
  if (!s) {
    err(b, el, "unexpected-text", "%s", msg);
    return;
  }
  char ex[64];
  text_excerpt(text, ex, sizeof ex);
  err(b, el, "unexpected-text", "%.*s%s%s", (int)(s - msg), msg, ex, s + 2);
}

static ep_node *build_element(builder *b, const rule *ru, ep_node *parent, xmlNodePtr el, int depth);

// 'build_children()' - The child elements of EL (a C_ELEMENTS element) into N.
static void build_children(builder *b, const rule *ru, ep_node *n, xmlNodePtr el, int depth) {
  const char *names[8];
  rule_names(ru->children, names, 8);
  for (xmlNodePtr c = el->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) {
      if (has_text(c))
        text_error(b, el, ru->text_msg, c);
      continue;
    }
    const rule *cr = find_rule(ru->children, c);
    if (cr)
      build_element(b, cr, n, c, ru->flat ? depth : depth + 1);
    else
      unknown_element(b, c, ru->name, names);
  }
}

// 'build_element()' - Element EL by its rule RU into PARENT (may be NULL) at nesting DEPTH.
static ep_node *build_element(builder *b, const rule *ru, ep_node *parent, xmlNodePtr el, int depth) {
  ep_build_check_attrs(b, el, ru->attrs, ru->required);
  if (ru->content == C_EMPTY)
    no_children(b, el);
  if (ru->once && parent && count_kinds(parent, KIND(ru->kind)))
    err(b, el, "duplicate-element", "<%s> has more than one <%s>.", ep_kind_name(parent->kind), ru->name);
  if (ru->pre)
    ru->pre(b, parent, el);
  ep_node *n = new_node(b, ru->kind, parent, el);
  if (ru->text_attr)
    n->text = attr_text(b, el, ru->text_attr);
  if (ru->read && !ru->read(b, n, el, depth))
    return n;
  wsnorm ws = {false, 0, false};
  switch (ru->content) {
  case C_INLINE:
    build_inlines(b, n, el->children, &ws, depth + 1);
    break;
  case C_SPAN:
    build_inlines(b, n, el->children, b->ws, depth + 1);
    break;
  case C_ELEMENTS:
    build_children(b, ru, n, el, depth);
    break;
  case C_BLOCKS:
    build_blocks(b, n, el->children, depth + 1);
    break;
  case C_EMPTY:
    break;
  }
  if (ru->post)
    ru->post(b, n, el);
  if (ru->needs && !count_kinds(n, ru->needs))
    err(b, el, ru->needs_code ? ru->needs_code : "empty-element", "%s", ru->needs_msg);
  return n;
}

// 'build_inlines()' - Inline content (text and inline elements) into PARENT, whitespace
// normalized with WS (the builder's current state while inside).
static void build_inlines(builder *b, ep_node *parent, xmlNodePtr first_child, wsnorm *ws,
                          int depth) {
  if (depth > EP_MAX_NESTING) {
    ep_diag_add(&b->r->diags, EP_ERROR, parent->file, parent->line, "nesting-too-deep",
                "inline elements nest more than %d deep.", EP_MAX_NESTING);
    return;
  }
  wsnorm *outer = b->ws;
  b->ws = ws;
  const char *names[12];
  ep_buf buf;
  ep_buf_init(&buf);
  for (xmlNodePtr c = first_child; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      // One TEXT node per source line, so every character keeps its line.
      unsigned long line = ep_xml_line(c);
      if (line == 0)
        line = parent->line;
      const char *t = c->content ? (const char *)c->content : "";
      while (*t) {
        const char *nl = strchr(t, '\n');
        size_t seg = nl ? (size_t)(nl - t) : strlen(t);
        buf.len = 0;
        if (buf.data)
          buf.data[0] = 0;
        ws_feed_text(ws, t, seg, &buf); // read in place: no copy of the raw line is kept
        if (nl)
          ws->pending = true;
        if (buf.len) {
          ep_node *tn = ep_node_new(b->r, EP_N_TEXT, parent, fileof(b, c->parent), line);
          tn->text = ep_arena_strndup(&b->r->arena, buf.data, buf.len);
        }
        if (!nl)
          break;
        t = nl + 1;
        line++;
      }
    } else if (c->type == XML_ELEMENT_NODE) {
      const rule *ru = find_rule(inline_rules, c);
      if (ru)
        build_element(b, ru, parent, c, depth);
      else
        unknown_element(b, c, ep_kind_name(parent->kind), rule_names(inline_rules, names, 12));
    } else if (c->type == XML_ENTITY_REF_NODE) {
      err(b, c, "entity-declared", "entity reference &%s; is not allowed.",
          (const char *)c->name);
    }
  }
  ep_buf_free(&buf);
  b->ws = outer;
}

// 'build_blocks()' - Block content of PARENT from the sibling chain FIRST_CHILD.
// DEPTH bounds all recursion.
static void build_blocks(builder *b, ep_node *parent, xmlNodePtr first_child, int depth) {
  const char *pname = ep_kind_name(parent->kind);
  if (depth > EP_MAX_NESTING) {
    ep_diag_add(&b->r->diags, EP_ERROR, parent->file, parent->line, "nesting-too-deep",
                "elements nest more than %d deep.", EP_MAX_NESTING);
    return;
  }
  const char *names[20];
  for (xmlNodePtr c = first_child; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (has_text(c)) {
        char ex[64];
        text_excerpt(c, ex, sizeof ex);
        ep_diag_add(&b->r->diags, EP_ERROR, fileof(b, c->parent), text_line(c, parent->line),
                    "unexpected-text", "text \"%s\" stands directly in <%s>; put it in a <p>.", ex, pname);
      }
    } else if (c->type == XML_ENTITY_REF_NODE) {
      ep_diag_add(&b->r->diags, EP_ERROR, parent->file, parent->line, "entity-declared",
                  "entity reference &%s; is not allowed.", (const char *)c->name);
    } else if (c->type == XML_ELEMENT_NODE) {
      const rule *ru = find_rule(block_rules, c);
      if (ru)
        build_element(b, ru, parent, c, depth);
      else
        unknown_element(b, c, pname, rule_names(block_rules, names, 20));
    }
  }
}

// ---------------------------------------------------------------------------
// Blocks

// ---------------------------------------------------------------------------
// Report and meta

// 'parse_date()' - Parse YYYY-MM-DD into R's meta; false when malformed or impossible.
static bool parse_date(const char *s, int *y, int *m, int *d) {
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return false;
  *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  *m = (s[5] - '0') * 10 + (s[6] - '0');
  *d = (s[8] - '0') * 10 + (s[9] - '0');
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1])
    return false;
  bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  if (*m == 2 && *d == 29 && !leap)
    return false;
  return true;
}

// 'build_meta()' - The <meta> element.
static void build_meta(builder *b, xmlNodePtr el) {
  ep_meta *m = &b->r->meta;
  ep_build_check_attrs(b, el, NULL, NULL);
  m->present = true;
  m->line = ep_xml_line(el);
  static const char *const ctx[] = {"title", "subtitle", "issuer", "year", "date", "region", "field", NULL};
  ep_node *last_field = NULL;
  for (xmlNodePtr c = el->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) {
      if (has_text(c))
        err(b, el, "unexpected-text", "<meta> holds elements such as <title>, not text.");
      continue;
    }
    const char *n = xname(c);
    const char **slot = NULL;
    if (c->ns) {
      unknown_element(b, c, "meta", ctx);
      continue;
    }
    if (!strcmp(n, "field")) {
      ep_node *f = build_element(b, &r_field, NULL, c, 1);
      if (last_field)
        last_field->next = f;
      else
        m->fields = f;
      last_field = f;
      continue;
    }
    if (!strcmp(n, "title"))
      slot = &m->title;
    else if (!strcmp(n, "subtitle"))
      slot = &m->subtitle;
    else if (!strcmp(n, "issuer"))
      slot = &m->issuer;
    else if (!strcmp(n, "year"))
      slot = &m->year;
    else if (!strcmp(n, "date"))
      slot = &m->date;
    else if (!strcmp(n, "region"))
      slot = &m->region;
    if (!slot) {
      unknown_element(b, c, "meta", ctx);
      continue;
    }
    ep_build_check_attrs(b, c, NULL, NULL);
    if (*slot) {
      err(b, c, "duplicate-element", "<meta> has more than one <%s>.", n);
      continue;
    }
    if (slot == &m->title)
      text_lines(b, c, slot, &m->title_lines);
    else if (slot == &m->subtitle)
      text_lines(b, c, slot, &m->subtitle_lines);
    else
      *slot = text_only(b, c);
    if (slot == &m->subtitle) {
      m->subtitle_line = ep_xml_line(c);
      m->subtitle_file = fileof(b, c);
    } else if (slot == &m->issuer) {
      m->issuer_line = ep_xml_line(c);
      m->issuer_file = fileof(b, c);
    }
    if (slot == &m->title) {
      m->title_line = ep_xml_line(c);
      m->title_file = fileof(b, c);
      if (!m->title[0])
        err(b, c, "empty-title", "<title> is empty; the report needs a title.");
    } else if (slot == &m->year) {
      const char *y = m->year;
      bool ok = strlen(y) == 4;
      for (int i = 0; ok && i < 4; i++)
        ok = y[i] >= '0' && y[i] <= '9';
      if (!ok)
        err(b, c, "bad-year", "<year>%s</year> is not a four-digit year such as 2022.", y);
    } else if (slot == &m->date) {
      m->date_line = ep_xml_line(c);
      m->date_file = fileof(b, c);
      if (!parse_date(m->date, &m->date_y, &m->date_m, &m->date_d)) {
        bool shape = strlen(m->date) == 10 && m->date[4] == '-' && m->date[7] == '-';
        for (int i = 0; shape && i < 10; i++)
          shape = i == 4 || i == 7 || (m->date[i] >= '0' && m->date[i] <= '9');
        if (shape)
          err(b, c, "bad-date", "<date>%s</date> is not a real calendar date.", m->date);
        else
          err(b, c, "bad-date", "<date>%s</date> is not a date written as YYYY-MM-DD (e.g. 2023-04-10).", m->date);
        m->date_y = m->date_m = m->date_d = 0;
      }
    }
  }
  if (!m->title)
    err(b, el, "missing-title", "<meta> has no <title>; the report needs a title.");
}

// 'build_report()' - The root element.
static void build_report(builder *b, xmlNodePtr root) {
  if (root->ns && !strcmp(xname(root), "report")) {
    err(b, root, "bad-root", "<report> is in the XML namespace \"%s\"; report XML elements belong to no namespace (remove the xmlns declaration).",
        root->ns->href ? (const char *)root->ns->href : "");
    return;
  }
  if (root->ns || strcmp(xname(root), "report")) {
    static const char *const ctx[] = {"report", NULL};
    const char *s = ep_suggest(xname(root), ctx, NULL);
    err(b, root, "bad-root", "the root element is <%s>; report XML starts with <report>%s", xname(root),
        s ? " (did you mean <report>?)." : ".");
    return;
  }
  static const char *const at[] = {"layout", "version", NULL};
  ep_build_check_attrs(b, root, at, NULL);
  b->r->layout = attr_text(b, root, "layout");
  b->r->layout_line = ep_xml_line(root);
  char *ver = get_attr(root, "version");
  if (ver && strcmp(ver, "1") && strcmp(ver, "1.0"))
    err(b, root, "bad-version", "<report version=\"%s\">: this evalpdf reads report XML version 1.", ver);
  free(ver);
  static const char *const ctx[] = {"meta", "body", NULL};
  bool meta = false;
  for (xmlNodePtr c = root->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) {
      if (has_text(c)) {
        char ex[64];
        text_excerpt(c, ex, sizeof ex);
        err(b, root, "unexpected-text", "text \"%s\" stands directly in <report>; it holds <meta> and <body>.", ex);
      }
      continue;
    }
    if (!c->ns && !strcmp(xname(c), "meta")) {
      if (meta)
        err(b, c, "duplicate-element", "<report> has more than one <meta>.");
      else
        build_meta(b, c);
      meta = true;
    } else if (!c->ns && !strcmp(xname(c), "body")) {
      if (b->r->body) {
        err(b, c, "duplicate-element", "<report> has more than one <body>.");
        continue;
      }
      ep_build_check_attrs(b, c, NULL, NULL);
      b->r->body = ep_node_new(b->r, EP_N_BODY, NULL, fileof(b, c), ep_xml_line(c));
      build_blocks(b, b->r->body, c->children, 1);
    } else {
      unknown_element(b, c, "report", ctx);
    }
  }
  if (!meta)
    err(b, root, "missing-meta", "<report> has no <meta>; it needs at least <meta><title>…</title></meta>.");
  if (!b->r->body)
    err(b, root, "missing-body", "<report> has no <body>.");
}

// 'build_from_doc()' - Expand DOC's includes (the input's resolved name REAL
// in directory DIR_REAL, under ROOT_REAL), build R's model from it, free the
// parsed trees and run the checks. Takes ownership of DOC.
static void build_from_doc(ep_report *r, ep_xml_doc *doc, const char *real, char *dir_real, const char *root_real,
                           const ep_load_options *opt) {
  r->root_real = ep_arena_strdup(&r->arena, root_real);
  r->wellformed = true;
  builder b;
  memset(&b, 0, sizeof b);
  b.r = r;
  b.file = r->path;
  b.dir_real = dir_real;
  b.root_real = root_real;
  struct stat msb;
  char main_id[64] = "";
  if (stat(real, &msb) == 0)
    snprintf(main_id, sizeof main_id, "%ju:%ju", (uintmax_t)msb.st_dev, (uintmax_t)msb.st_ino);
  b.stack[b.nstack++] = main_id; // identities (device:inode) of the include chain
  b.suggestions = 200;
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (root) {
    ep_build_expand_includes(&b, root, r->path, b.dir_real, 0);
    root = xmlDocGetRootElement(doc);
  }
  if (root)
    build_report(&b, root);
  r->input_dir_real = ep_arena_strdup(&r->arena, b.dir_real);
  free(dir_real);
  xmlFreeDoc(doc); // first: spliced nodes still use their own documents' dictionaries
  for (size_t i = 0; i < b.ndocs; i++)
    xmlFreeDoc(b.docs[i]);
  free(b.docs);
  ep_report_check(r, opt);
}

// 'new_report()' - An empty report named PATH.
static ep_report *new_report(const char *path) {
  ep_report *r = ep_xcalloc(1, sizeof *r);
  ep_arena_init(&r->arena);
  ep_diags_init(&r->diags);
  r->path = ep_arena_strdup(&r->arena, path);
  return r;
}

// 'resolve_root()' - The resolved include root ROOT (heap), or NULL after an
// io-failure diagnostic on R.
static char *resolve_root(ep_report *r, const char *root) {
  char *root_real = realpath(root, NULL);
  if (!root_real) {
    char eb[128];
    ep_diag_add(&r->diags, EP_ERROR, NULL, 0, "bad-root-dir", "the include root %s cannot be used: %s.", root,
                ep_errno_text(errno, eb, sizeof eb));
    r->io_failed = true;
  }
  return root_real;
}

// 'ep_report_load()' - Parse, build and check a report (see model.h).
ep_report *ep_report_load(const char *path, const ep_load_options *opt) {
  ep_report *r = new_report(path);
  char *real = realpath(path, NULL);
  if (!real) {
    char eb[128];
    ep_diag_add(&r->diags, EP_ERROR, path, 0, "io-error", "cannot read the file: %s.",
                ep_errno_text(errno, eb, sizeof eb));
    r->io_failed = true;
    return r;
  }
  char *root_real = opt && opt->root ? resolve_root(r, opt->root) : ep_build_dir_of(real);
  if (!root_real) {
    free(real);
    return r;
  }
  ep_xml_doc *doc = ep_xml_parse(real, path, &r->diags);
  if (!doc) {
    if (r->diags.count && !strcmp(r->diags.items[r->diags.count - 1].code, "io-error"))
      r->io_failed = true;
  } else {
    build_from_doc(r, doc, real, ep_build_dir_of(real), root_real, opt);
  }
  free(real);
  free(root_real);
  return r;
}

// 'ep_report_load_memory()' - Parse, build and check a report held in memory (see model.h).
ep_report *ep_report_load_memory(const char *data, size_t len, const char *name, const ep_load_options *opt) {
  ep_report *r = new_report(name);
  char *root_real = resolve_root(r, opt && opt->root ? opt->root : ".");
  if (!root_real)
    return r;
  ep_xml_doc *doc = ep_xml_parse_memory((const unsigned char *)data, len, NULL, name, &r->diags, NULL);
  if (doc) {
    // the input's own "path" for include cycles: a name no file can have
    char self[64];
    snprintf(self, sizeof self, "\x01memory:%p", (const void *)data);
    build_from_doc(r, doc, self, ep_xstrdup(root_real), root_real, opt);
  }
  free(root_real);
  return r;
}
