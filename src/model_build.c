// XML → model: walks the parsed document, enforces the vocabulary of report
// XML v1 (unknown elements and attributes, nesting, enumerations, numbers,
// depth limits), resolves confined XIncludes, and normalizes whitespace.
#include "model.h"
#include "xmlload.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define XI_NS_2001 "http://www.w3.org/2001/XInclude"
#define XI_NS_2003 "http://www.w3.org/2003/XInclude"
#define MAX_INCLUDE_DEPTH 16

// Every element name of the vocabulary, for suggestions.
static const char *const all_elements[] = {
    "report", "meta", "body", "title", "subtitle", "issuer", "year", "date", "region", "field",
    "section", "p", "list", "li", "fields", "table", "caption", "col", "thead", "tbody", "tr",
    "th", "td", "funds", "item", "total", "scoring", "indicator", "self-eval-form", "budget",
    "source", "goal", "issues", "issue", "measures", "measure", "issues-and-measures",
    "pagebreak", "signature", "appendix", "toc", "b", "u", "sup", "sub", "br", "value", "amount",
    "ref", NULL};

static const char *const block_elements[] = {
    "section", "p", "list", "fields", "table", "funds", "scoring", "self-eval-form", "issues",
    "measures", "issues-and-measures", "pagebreak", "signature", "appendix", "toc", NULL};

static const char *const inline_elements[] = {"b", "u", "sup", "sub", "br", "value", "amount",
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

typedef struct builder {
  ep_report *r;
  const char *file;     // display name of the file being walked
  char *dir_real;       // directory of the file being walked (resolved)
  const char *root_real;
  const char *stack[MAX_INCLUDE_DEPTH + 2]; // resolved paths of the include chain
  int nstack;
  ep_xml_doc **docs; // included documents, kept until the model is built
  size_t ndocs;
  int suggestions;   // "did you mean" searches left (bounded: each is linear in the ids)
  bool fig_bad;      // set by num_attr when a present figure was malformed
} builder;

// Whitespace normalization state for one inline container.
typedef struct wsnorm {
  bool have_prev;
  uint32_t prev;
  bool pending;
} wsnorm;

// 'xname()' - An element's local name as a C string.
static const char *xname(xmlNodePtr el) { return (const char *)el->name; }

// 'is_xinclude()' - True for an xi:include element (either XInclude namespace).
static bool is_xinclude(xmlNodePtr el) {
  return el->type == XML_ELEMENT_NODE && el->ns && el->ns->href &&
         (!strcmp((const char *)el->ns->href, XI_NS_2001) ||
          !strcmp((const char *)el->ns->href, XI_NS_2003)) &&
         !strcmp(xname(el), "include");
}

// 'fileof()' - The file node N came from: the nearest element's mark set by XInclude
// expansion, else the main input.
static const char *fileof(const builder *b, xmlNodePtr n) {
  for (int i = 0; n && i < 4; i++, n = n->parent)
    if (n->type == XML_ELEMENT_NODE && n->_private)
      return (const char *)n->_private;
  return b->file;
}

// 'err()' - Report an error at element EL (in the file it came from).
#define err(b, el, code, ...)                                                                     \
  ep_diag_add(&(b)->r->diags, EP_ERROR, fileof(b, el), ep_xml_line(el), code, __VA_ARGS__)
#define warn(b, el, code, ...)                                                                    \
  ep_diag_add(&(b)->r->diags, EP_WARNING, fileof(b, el), ep_xml_line(el), code, __VA_ARGS__)

// 'get_attr()' - The value of attribute NAME (no namespace) of EL, or NULL; heap copy freed by caller.
static char *get_attr(xmlNodePtr el, const char *name) {
  for (xmlAttrPtr a = el->properties; a; a = a->next) {
    if (a->ns == NULL && !strcmp((const char *)a->name, name)) {
      xmlChar *v = xmlNodeListGetString(el->doc, a->children, 1);
      if (!v)
        return ep_xstrdup("");
      char *r = ep_xstrdup((const char *)v);
      xmlFree(v);
      return r;
    }
  }
  return NULL;
}

// 'ws_feed_text()' - Append the normalized form of text S to BUF, updating WS.
static void ws_feed_text(wsnorm *ws, const char *s, ep_buf *buf) {
  size_t len = strlen(s);
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
  ws_feed_text(&ws, s, &out);
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

// 'check_attrs()' - Report unknown attributes of EL (ALLOWED is NULL-terminated)
// and missing REQUIRED ones. Namespaced attributes (xml:*, xmlns) are accepted.
static void check_attrs(builder *b, xmlNodePtr el, const char *const *allowed,
                        const char *const *required) {
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

static void build_blocks(builder *b, ep_node *parent, xmlNodePtr first_child, int depth,
                         int section_depth);
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

// 'text_only()' - The normalized text of an element that may hold text only.
static const char *text_only(builder *b, xmlNodePtr el) {
  ep_buf raw;
  ep_buf_init(&raw);
  for (xmlNodePtr c = el->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE)
      err(b, c, "misplaced-element", "<%s> holds plain text only, but contains <%s>.", xname(el), xname(c));
    else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
      ep_buf_puts(&raw, (const char *)c->content);
  }
  const char *r = norm_text(&b->r->arena, ep_buf_str(&raw));
  ep_buf_free(&raw);
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
    else
      n->id = t;
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

static const char *const value_formats[] = {"plain", "2", "percent", "chinese", NULL};
static const char *const yes_no[] = {"no", "yes", NULL};

// 'build_inline_element()' - One inline element EL inside PARENT.
static void build_inline_element(builder *b, ep_node *parent, xmlNodePtr el, wsnorm *ws, int depth) {
  const char *n = xname(el);
  if (el->ns) {
    unknown_element(b, el, ep_kind_name(parent->kind), inline_elements);
    return;
  }
  if (!strcmp(n, "b") || !strcmp(n, "u") || !strcmp(n, "sup") || !strcmp(n, "sub")) {
    ep_kind k = n[0] == 'b' ? EP_N_B : n[0] == 'u' ? EP_N_U : !strcmp(n, "sup") ? EP_N_SUP : EP_N_SUB;
    check_attrs(b, el, NULL, NULL);
    ep_node *x = new_node(b, k, parent, el);
    build_inlines(b, x, el->children, ws, depth + 1);
  } else if (!strcmp(n, "br")) {
    check_attrs(b, el, NULL, NULL);
    no_children(b, el);
    new_node(b, EP_N_BR, parent, el);
    ws->have_prev = false;
    ws->pending = false;
  } else if (!strcmp(n, "value")) {
    static const char *const at[] = {"of", "format", NULL};
    static const char *const req[] = {"of", NULL};
    check_attrs(b, el, at, req);
    no_children(b, el);
    ws_atom(b, parent, el, ws, '0');
    ep_node *x = new_node(b, EP_N_VALUE, parent, el);
    x->ref = attr_text(b, el, "of");
    x->format = (ep_vformat)enum_attr(b, el, "format", value_formats, 0);
  } else if (!strcmp(n, "amount")) {
    static const char *const at[] = {"value", "unit", NULL};
    static const char *const req[] = {"value", NULL};
    check_attrs(b, el, at, req);
    no_children(b, el);
    ws_atom(b, parent, el, ws, '0');
    ep_node *x = new_node(b, EP_N_AMOUNT, parent, el);
    ep_dec d;
    if (num_attr(b, el, "value", false, &d)) {
      char t[64];
      x->amount = d;
      x->result = ep_arena_strdup(&b->r->arena, ep_fig_text((ep_fig){true, d}, EP_VF_PLAIN, NULL, t, sizeof t));
    }
    x->unit = attr_text(b, el, "unit");
    if (x->unit && x->unit[0])
      ws->prev = 0x4E07; // a unit such as 万元 ends the atom as CJK
  } else if (!strcmp(n, "ref")) {
    static const char *const at[] = {"to", "page", NULL};
    static const char *const req[] = {"to", NULL};
    check_attrs(b, el, at, req);
    no_children(b, el);
    ws_atom(b, parent, el, ws, 0x4E00);
    ep_node *x = new_node(b, EP_N_REF, parent, el);
    x->ref = attr_text(b, el, "to");
    x->page = enum_attr(b, el, "page", yes_no, 0) == 1;
  } else {
    unknown_element(b, el, ep_kind_name(parent->kind), inline_elements);
  }
}

// 'build_inlines()' - Inline content (text and inline elements) into PARENT.
static void build_inlines(builder *b, ep_node *parent, xmlNodePtr first_child, wsnorm *ws,
                          int depth) {
  if (depth > EP_MAX_NESTING) {
    ep_diag_add(&b->r->diags, EP_ERROR, parent->file, parent->line, "nesting-too-deep",
                "inline elements nest more than %d deep.", EP_MAX_NESTING);
    return;
  }
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
        char *piece = ep_arena_strndup(&b->r->arena, t, seg);
        buf.len = 0;
        if (buf.data)
          buf.data[0] = 0;
        ws_feed_text(ws, piece, &buf);
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
      build_inline_element(b, parent, c, ws, depth);
    } else if (c->type == XML_ENTITY_REF_NODE) {
      err(b, c, "entity-declared", "entity reference &%s; is not allowed.",
          (const char *)c->name);
    }
  }
  ep_buf_free(&buf);
}

// 'inline_container()' - Build the inline content of EL into a new node of KIND.
static ep_node *inline_container(builder *b, ep_kind kind, ep_node *parent, xmlNodePtr el,
                                 int depth) {
  ep_node *n = new_node(b, kind, parent, el);
  wsnorm ws = {false, 0, false};
  build_inlines(b, n, el->children, &ws, depth + 1);
  return n;
}

// ---------------------------------------------------------------------------
// Tables

static const char *const align_values[] = {"left", "center", "right", NULL};

// 'build_row()' - A <tr> and its cells.
static void build_row(builder *b, ep_node *parent, xmlNodePtr tr, int depth) {
  check_attrs(b, tr, NULL, NULL);
  ep_node *row = new_node(b, EP_N_TR, parent, tr);
  static const char *const cells[] = {"th", "td", NULL};
  static const char *const at[] = {"rowspan", "colspan", "align", NULL};
  int ncells = 0;
  for (xmlNodePtr c = tr->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && !c->ns &&
        (!strcmp(xname(c), "th") || !strcmp(xname(c), "td"))) {
      check_attrs(b, c, at, NULL);
      ep_node *cell = inline_container(b, xname(c)[1] == 'h' ? EP_N_TH : EP_N_TD, row, c, depth);
      cell->rowspan = int_attr(b, c, "rowspan", 1000000, 1);
      cell->colspan = int_attr(b, c, "colspan", 1000, 1);
      cell->align = (ep_align)(enum_attr(b, c, "align", align_values, -1) + 1);
      ncells++;
    } else if (c->type == XML_ELEMENT_NODE) {
      unknown_element(b, c, "tr", cells);
    } else if (has_text(c)) {
      char ex[64];
      text_excerpt(c, ex, sizeof ex);
      err(b, tr, "unexpected-text", "text \"%s\" directly in <tr>; put it in a <td>.", ex);
    }
  }
  if (!ncells)
    err(b, tr, "empty-row", "<tr> has no cells.");
}

// 'build_table()' - A general <table>.
static void build_table(builder *b, ep_node *parent, xmlNodePtr el, int depth) {
  static const char *const at[] = {"id", "caption", "landscape", NULL};
  check_attrs(b, el, at, NULL);
  ep_node *t = new_node(b, EP_N_TABLE, parent, el);
  t->text = attr_text(b, el, "caption");
  t->landscape = enum_attr(b, el, "landscape", yes_no, 0) == 1;
  static const char *const ctx[] = {"caption", "col", "thead", "tbody", "tr", NULL};
  int rows = 0, captions = 0;
  for (xmlNodePtr c = el->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) {
      if (has_text(c)) {
        char ex[64];
        text_excerpt(c, ex, sizeof ex);
        err(b, el, "unexpected-text", "text \"%s\" directly in <table>; put it in a cell.", ex);
      }
      continue;
    }
    const char *n = xname(c);
    if (c->ns) {
      unknown_element(b, c, "table", ctx);
    } else if (!strcmp(n, "caption")) {
      check_attrs(b, c, NULL, NULL);
      if (++captions > 1)
        err(b, c, "duplicate-element", "<table> has more than one <caption>.");
      inline_container(b, EP_N_CAPTION, t, c, depth);
    } else if (!strcmp(n, "col")) {
      static const char *const cat[] = {"width", NULL};
      check_attrs(b, c, cat, NULL);
      no_children(b, c);
      ep_node *col = new_node(b, EP_N_COL, t, c);
      char *w = get_attr(c, "width");
      if (w) {
        char *e = w;
        while (*e == ' ')
          e++;
        char *start = e;
        while (*e >= '0' && *e <= '9')
          e++;
        bool ok = e > start;
        if (ok && *e == '.') {
          e++;
          char *f = e;
          while (*e >= '0' && *e <= '9')
            e++;
          ok = e > f;
        }
        if (ok && (!strncmp(e, "%", 1) || !strncmp(e, "mm", 2) || !strncmp(e, "pt", 2)))
          e += *e == '%' ? 1 : 2;
        else
          ok = false;
        while (ok && *e == ' ')
          e++;
        if (!ok || *e)
          err(b, c, "bad-width", "<col width=\"%s\">: write a width such as 20%%, 30mm or 80pt.", w);
        else
          col->width = norm_text(&b->r->arena, w);
        free(w);
      }
    } else if (!strcmp(n, "thead") || !strcmp(n, "tbody")) {
      check_attrs(b, c, NULL, NULL);
      ep_node *sec = new_node(b, n[1] == 'h' ? EP_N_THEAD : EP_N_TBODY, t, c);
      int nr = 0;
      static const char *const rctx[] = {"tr", NULL};
      for (xmlNodePtr r = c->children; r; r = r->next) {
        if (r->type == XML_ELEMENT_NODE && !r->ns && !strcmp(xname(r), "tr")) {
          build_row(b, sec, r, depth + 1);
          nr++;
        } else if (r->type == XML_ELEMENT_NODE) {
          unknown_element(b, r, n, rctx);
        } else if (has_text(r)) {
          err(b, c, "unexpected-text", "text directly in <%s>; put it in a cell of a <tr>.", n);
        }
      }
      if (!nr)
        err(b, c, "empty-element", "<%s> has no <tr> rows.", n);
      rows += nr;
    } else if (!strcmp(n, "tr")) {
      build_row(b, t, c, depth + 1);
      rows++;
    } else {
      unknown_element(b, c, "table", ctx);
    }
  }
  if (!rows)
    err(b, el, "empty-table", "<table> has no rows.");
}

// ---------------------------------------------------------------------------
// funds

static const char *const fig_names[EP_F__COUNT] = {"budget", "executed", "initial", "balance"};

// 'build_item()' - A funds <item> and its children (recursion bounded by DEPTH).
static void build_item(builder *b, ep_node *parent, xmlNodePtr el, int depth) {
  static const char *const at[] = {"id", "name", "budget", "executed", "initial", "balance", NULL};
  static const char *const req[] = {"name", NULL};
  check_attrs(b, el, at, req);
  ep_node *it = new_node(b, EP_N_ITEM, parent, el);
  it->name = attr_text(b, el, "name");
  b->fig_bad = false;
  for (int f = 0; f < EP_F__COUNT; f++)
    it->has_decl[f] = num_attr(b, el, fig_names[f], false, &it->decl[f]);
  it->bad_fig = b->fig_bad;
  if (depth > EP_MAX_NESTING) {
    err(b, el, "nesting-too-deep", "funds items nest more than %d deep.", EP_MAX_NESTING);
    return;
  }
  static const char *const ctx[] = {"item", NULL};
  for (xmlNodePtr c = el->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && !c->ns && !strcmp(xname(c), "item"))
      build_item(b, it, c, depth + 1);
    else if (c->type == XML_ELEMENT_NODE)
      unknown_element(b, c, "item", ctx);
    else if (has_text(c))
      err(b, el, "unexpected-text", "<item> holds no text; its name goes in name=\"…\".");
  }
}

// 'build_funds()' - A <funds> block.
static void build_funds(builder *b, ep_node *parent, xmlNodePtr el, int depth) {
  static const char *const at[] = {"id", "unit", "caption", "chart", NULL};
  check_attrs(b, el, at, NULL);
  ep_node *f = new_node(b, EP_N_FUNDS, parent, el);
  f->unit = attr_text(b, el, "unit");
  if (!f->unit || !f->unit[0])
    f->unit = "万元";
  f->text = attr_text(b, el, "caption");
  static const char *const charts[] = {"none", "bar", NULL};
  f->chart = enum_attr(b, el, "chart", charts, 0) == 1;
  static const char *const ctx[] = {"item", "total", NULL};
  int items = 0, totals = 0;
  for (xmlNodePtr c = el->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && !c->ns && !strcmp(xname(c), "item")) {
      build_item(b, f, c, depth + 1);
      items++;
    } else if (c->type == XML_ELEMENT_NODE && !c->ns && !strcmp(xname(c), "total")) {
      static const char *const tat[] = {"budget", "executed", "initial", "balance", NULL};
      check_attrs(b, c, tat, NULL);
      no_children(b, c);
      if (++totals > 1)
        err(b, c, "duplicate-element", "<funds> has more than one <total>.");
      ep_node *t = new_node(b, EP_N_FUNDS_TOTAL, f, c);
      b->fig_bad = false;
      for (int k = 0; k < EP_F__COUNT; k++)
        t->has_decl[k] = num_attr(b, c, fig_names[k], false, &t->decl[k]);
      t->bad_fig = b->fig_bad;
    } else if (c->type == XML_ELEMENT_NODE) {
      unknown_element(b, c, "funds", ctx);
    } else if (has_text(c)) {
      err(b, el, "unexpected-text", "<funds> holds <item> elements, not text.");
    }
  }
  if (!items)
    err(b, el, "empty-element", "<funds> has no <item>.");
}

// ---------------------------------------------------------------------------
// scoring

// 'build_indicator()' - A scoring <indicator> at level LEVEL (1..4).
static void build_indicator(builder *b, ep_node *parent, xmlNodePtr el, int level) {
  static const char *const at[] = {"id", "name", "weight", "score", "note", NULL};
  static const char *const req[] = {"name", NULL};
  check_attrs(b, el, at, req);
  ep_node *in = new_node(b, EP_N_INDICATOR, parent, el);
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
    return;
  }
  static const char *const ctx[] = {"indicator", NULL};
  for (xmlNodePtr c = el->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && !c->ns && !strcmp(xname(c), "indicator"))
      build_indicator(b, in, c, level + 1);
    else if (c->type == XML_ELEMENT_NODE)
      unknown_element(b, c, "indicator", ctx);
    else if (has_text(c))
      err(b, el, "unexpected-text", "<indicator> holds no text; use name=\"…\" and note=\"…\".");
  }
}

static const char *const scale_values[] = {"standard", "standard-long", NULL};

// 'build_scoring()' - A <scoring> block.
static void build_scoring(builder *b, ep_node *parent, xmlNodePtr el) {
  static const char *const at[] = {"id", "caption", "grade-scale", "landscape", NULL};
  check_attrs(b, el, at, NULL);
  ep_node *s = new_node(b, EP_N_SCORING, parent, el);
  s->text = attr_text(b, el, "caption");
  s->scale = (ep_grade_scale)enum_attr(b, el, "grade-scale", scale_values, 0);
  s->landscape = enum_attr(b, el, "landscape", yes_no, 0) == 1;
  static const char *const ctx[] = {"indicator", "total", NULL};
  int n = 0, totals = 0;
  for (xmlNodePtr c = el->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && !c->ns && !strcmp(xname(c), "indicator")) {
      build_indicator(b, s, c, 1);
      n++;
    } else if (c->type == XML_ELEMENT_NODE && !c->ns && !strcmp(xname(c), "total")) {
      static const char *const tat[] = {"weight", "score", "grade", NULL};
      check_attrs(b, c, tat, NULL);
      no_children(b, c);
      if (++totals > 1)
        err(b, c, "duplicate-element", "<scoring> has more than one <total>.");
      ep_node *t = new_node(b, EP_N_SCORING_TOTAL, s, c);
      b->fig_bad = false;
      t->has_weight = num_attr(b, c, "weight", true, &t->weight);
      t->has_score = num_attr(b, c, "score", true, &t->score);
      t->bad_fig = b->fig_bad;
      t->note = attr_text(b, c, "grade");
    } else if (c->type == XML_ELEMENT_NODE) {
      unknown_element(b, c, "scoring", ctx);
    } else if (has_text(c)) {
      err(b, el, "unexpected-text", "<scoring> holds <indicator> elements, not text.");
    }
  }
  if (!n)
    err(b, el, "empty-element", "<scoring> has no <indicator>.");
}

// ---------------------------------------------------------------------------
// self-eval-form

static const char *const ffig_names[EP_FF__COUNT] = {"initial", "annual", "executed"};

// 'build_form()' - A <self-eval-form> block.
static void build_form(builder *b, ep_node *parent, xmlNodePtr el) {
  static const char *const at[] = {"id", "project", "department", "unit", "budget-points",
                                   "caption", "landscape", "grade-scale", NULL};
  check_attrs(b, el, at, NULL);
  ep_node *f = new_node(b, EP_N_FORM, parent, el);
  f->project = attr_text(b, el, "project");
  f->department = attr_text(b, el, "department");
  f->unit_name = attr_text(b, el, "unit");
  f->text = attr_text(b, el, "caption");
  f->landscape = enum_attr(b, el, "landscape", yes_no, 0) == 1;
  f->scale = (ep_grade_scale)enum_attr(b, el, "grade-scale", scale_values, 0);
  b->fig_bad = false;
  f->has_points = num_attr(b, el, "budget-points", true, &f->points);
  f->bad_fig = b->fig_bad;
  if (!f->has_points)
    ep_dec_from_int(10, &f->points); // the official form's 10 points for budget execution
  static const char *const ctx[] = {"budget", "goal", "indicator", "total", NULL};
  int budgets = 0, goals = 0, totals = 0;
  for (xmlNodePtr c = el->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) {
      if (has_text(c))
        err(b, el, "unexpected-text", "<self-eval-form> holds elements, not text.");
      continue;
    }
    const char *n = xname(c);
    if (c->ns) {
      unknown_element(b, c, "self-eval-form", ctx);
    } else if (!strcmp(n, "budget")) {
      static const char *const bat[] = {"initial", "annual", "executed", NULL};
      static const char *const breq[] = {"annual", NULL};
      check_attrs(b, c, bat, breq);
      if (++budgets > 1)
        err(b, c, "duplicate-element", "<self-eval-form> has more than one <budget>.");
      ep_node *bu = new_node(b, EP_N_FORM_BUDGET, f, c);
      b->fig_bad = false;
      for (int k = 0; k < EP_FF__COUNT; k++)
        bu->has_fdecl[k] = num_attr(b, c, ffig_names[k], false, &bu->fdecl[k]);
      bu->bad_fig = b->fig_bad;
      f->bad_fig |= b->fig_bad;
      static const char *const sctx[] = {"source", NULL};
      for (xmlNodePtr s = c->children; s; s = s->next) {
        if (s->type == XML_ELEMENT_NODE && !s->ns && !strcmp(xname(s), "source")) {
          static const char *const sat[] = {"name", "initial", "annual", "executed", NULL};
          static const char *const sreq[] = {"name", NULL};
          check_attrs(b, s, sat, sreq);
          no_children(b, s);
          ep_node *so = new_node(b, EP_N_FORM_SOURCE, bu, s);
          so->name = attr_text(b, s, "name");
          b->fig_bad = false;
          for (int k = 0; k < EP_FF__COUNT; k++)
            so->has_fdecl[k] = num_attr(b, s, ffig_names[k], false, &so->fdecl[k]);
          so->bad_fig = b->fig_bad;
          bu->bad_fig |= b->fig_bad;
        } else if (s->type == XML_ELEMENT_NODE) {
          unknown_element(b, s, "budget", sctx);
        } else if (has_text(s)) {
          err(b, c, "unexpected-text", "<budget> holds <source> elements, not text.");
        }
      }
    } else if (!strcmp(n, "goal")) {
      static const char *const gat[] = {"planned", "achieved", NULL};
      check_attrs(b, c, gat, NULL);
      no_children(b, c);
      if (++goals > 1)
        err(b, c, "duplicate-element", "<self-eval-form> has more than one <goal>.");
      ep_node *g = new_node(b, EP_N_FORM_GOAL, f, c);
      g->planned = attr_text(b, c, "planned");
      g->achieved = attr_text(b, c, "achieved");
    } else if (!strcmp(n, "indicator")) {
      static const char *const iat[] = {"id", "name", "level1", "level2", "target", "actual",
                                        "points", "score", "deviation", NULL};
      static const char *const ireq[] = {"name", NULL};
      check_attrs(b, c, iat, ireq);
      no_children(b, c);
      ep_node *in = new_node(b, EP_N_FORM_INDICATOR, f, c);
      in->name = attr_text(b, c, "name");
      in->level1 = attr_text(b, c, "level1");
      in->level2 = attr_text(b, c, "level2");
      in->target_value = attr_text(b, c, "target");
      in->actual = attr_text(b, c, "actual");
      in->deviation = attr_text(b, c, "deviation");
      b->fig_bad = false;
      in->has_points = num_attr(b, c, "points", true, &in->points);
      in->has_score = num_attr(b, c, "score", true, &in->score);
      in->bad_fig = b->fig_bad;
      f->bad_fig |= b->fig_bad;
    } else if (!strcmp(n, "total")) {
      static const char *const tat[] = {"score", "grade", NULL};
      check_attrs(b, c, tat, NULL);
      no_children(b, c);
      if (++totals > 1)
        err(b, c, "duplicate-element", "<self-eval-form> has more than one <total>.");
      ep_node *t = new_node(b, EP_N_FORM_TOTAL, f, c);
      b->fig_bad = false;
      t->has_score = num_attr(b, c, "score", true, &t->score);
      t->bad_fig = b->fig_bad;
      t->note = attr_text(b, c, "grade");
    } else {
      unknown_element(b, c, "self-eval-form", ctx);
    }
  }
  if (!budgets)
    err(b, el, "missing-element", "<self-eval-form> needs a <budget> element (年初预算数, 全年预算数, 全年执行数).");
}

// ---------------------------------------------------------------------------
// issues / measures

// 'build_issues()' - <issues> or <measures> (MEASURES true).
static void build_issues(builder *b, ep_node *parent, xmlNodePtr el, bool measures, int depth) {
  static const char *const at[] = {"id", "style", NULL};
  check_attrs(b, el, at, NULL);
  ep_node *g = new_node(b, measures ? EP_N_MEASURES : EP_N_ISSUES, parent, el);
  static const char *const styles[] = {"numbered", "yishi", NULL};
  g->style = enum_attr(b, el, "style", styles, 0) == 1 ? EP_LIST_YISHI : EP_LIST_NUMBERED;
  const char *child = measures ? "measure" : "issue";
  const char *const ctx[] = {child, NULL};
  int n = 0;
  for (xmlNodePtr c = el->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && !c->ns && !strcmp(xname(c), child)) {
      static const char *const iat[] = {"id", "title", NULL};
      static const char *const mat[] = {"id", "for", "title", NULL};
      static const char *const mreq[] = {"for", NULL};
      check_attrs(b, c, measures ? mat : iat, measures ? mreq : NULL);
      ep_node *x = inline_container(b, measures ? EP_N_MEASURE : EP_N_ISSUE, g, c, depth);
      x->text = attr_text(b, c, "title");
      if (measures)
        x->for_id = attr_text(b, c, "for");
      n++;
    } else if (c->type == XML_ELEMENT_NODE) {
      unknown_element(b, c, xname(el), ctx);
    } else if (has_text(c)) {
      err(b, el, "unexpected-text", "<%s> holds <%s> elements, not text.", xname(el), child);
    }
  }
  if (!n)
    err(b, el, "empty-element", "<%s> has no <%s>.", xname(el), child);
}

// ---------------------------------------------------------------------------
// Blocks and includes

// 'dir_of()' - The directory part of PATH (heap).
static char *dir_of(const char *path) {
  char *tmp = ep_xstrdup(path);
  char *d = ep_xstrdup(dirname(tmp));
  free(tmp);
  return d;
}

// 'has_scheme()' - True when HREF starts with a URL scheme ("http:", "file:").
static bool has_scheme(const char *href) {
  const char *p = href;
  if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
    return false;
  while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
         *p == '+' || *p == '.' || *p == '-')
    p++;
  return *p == ':';
}

// 'set_file()' - Mark every element of the tree at N (not yet marked) as coming from DISPLAY.
static void set_file(xmlNodePtr n, const char *display) {
  for (xmlNodePtr x = n; x;) {
    if (x->type == XML_ELEMENT_NODE && !x->_private)
      x->_private = (void *)display;
    if (x->children && x->type == XML_ELEMENT_NODE) {
      x = x->children;
      continue;
    }
    while (x && x != n && !x->next)
      x = x->parent;
    if (!x || x == n)
      break;
    x = x->next;
  }
}

// 'keep_doc()' - Keep an included document alive until the model is built.
static void keep_doc(builder *b, ep_xml_doc *doc) {
  b->docs = ep_xrealloc(b->docs, (b->ndocs + 1) * sizeof *b->docs);
  b->docs[b->ndocs++] = doc;
}

static void expand_includes(builder *b, xmlNodePtr root, const char *display, const char *dir_real, int level);

// 'note_include()' - Record REAL (a resolved included file) in R's include list, once.
static void note_include(ep_report *r, const char *real) {
  for (ep_strlist *l = r->includes; l; l = l->next)
    if (!strcmp(l->s, real))
      return;
  ep_strlist *n = ep_arena_alloc(&r->arena, sizeof *n);
  n->s = ep_arena_strdup(&r->arena, real);
  if (r->includes_tail)
    r->includes_tail->next = n;
  else
    r->includes = n;
  r->includes_tail = n;
  r->ninclude++;
}

// 'include_one()' - Resolve and confine one xi:include; on success replace it by the
// included document's root element (its own includes expanded), else remove it.
static void include_one(builder *b, xmlNodePtr el, const char *display, const char *dir_real, int level) {
  static const char *const at[] = {"href", "parse", "xpointer", "encoding", "accept",
                                   "accept-language", NULL};
  static const char *const req[] = {"href", NULL};
  check_attrs(b, el, at, req);
  char *href = get_attr(el, "href");
  char *parse = get_attr(el, "parse");
  char *xptr = get_attr(el, "xpointer");
  xmlNodePtr replacement = NULL;
  if (!href) {
    /* reported by check_attrs */
  } else if (parse && strcmp(parse, "xml")) {
    err(b, el, "bad-include", "<xi:include parse=\"%s\"> is not supported; only parse=\"xml\" includes report XML.", parse);
  } else if (xptr) {
    err(b, el, "bad-include", "<xi:include xpointer=\"…\"> is not supported; include a whole file.");
  } else if (!href[0]) {
    err(b, el, "bad-include", "<xi:include href=\"\"> names no file.");
  } else if (has_scheme(href)) {
    err(b, el, "include-network", "<xi:include href=\"%s\"> is a URL; evalpdf never fetches from the network, include a file inside the include root.", href);
  } else if (level >= MAX_INCLUDE_DEPTH) {
    err(b, el, "include-too-deep", "includes nest more than %d deep at href=\"%s\".", MAX_INCLUDE_DEPTH, href);
  } else {
    ep_buf path, disp;
    ep_buf_init(&path);
    ep_buf_init(&disp);
    if (href[0] == '/') {
      ep_buf_puts(&path, href);
      ep_buf_puts(&disp, href);
    } else {
      ep_buf_printf(&path, "%s/%s", dir_real, href);
      char *dd = dir_of(display);
      if (strcmp(dd, "."))
        ep_buf_printf(&disp, "%s/%s", dd, href);
      else
        ep_buf_puts(&disp, href);
      free(dd);
    }
    char *real = NULL;
    int rc = ep_path_confined(ep_buf_str(&path), b->root_real, &real);
    if (rc < 0) {
      // Do not reveal whether files outside the root exist: judge the folder.
      int e = errno;
      char *dir = dir_of(ep_buf_str(&path));
      char *rdir = NULL;
      int drc = ep_path_confined(dir, b->root_real, &rdir);
      if (drc > 0)
        err(b, el, "include-outside-root", "<xi:include href=\"%s\"> lies outside the include root %s; use --root to widen it.",
            href, b->root_real);
      else
        err(b, el, "include-not-found", "<xi:include href=\"%s\">: the file cannot be found (%s).", href, strerror(e));
      free(dir);
      free(rdir);
    } else if (rc > 0) {
      err(b, el, "include-outside-root", "<xi:include href=\"%s\"> resolves to %s, outside the include root %s; use --root to widen it.",
          href, real, b->root_real);
    } else {
      struct stat sb;
      bool cycle = false;
      for (int i = 0; i < b->nstack; i++)
        if (!strcmp(b->stack[i], real))
          cycle = true;
      if (stat(real, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        err(b, el, "include-not-found", "<xi:include href=\"%s\">: the file cannot be read (%s).", href,
            S_ISDIR(sb.st_mode) ? "Is a directory" : "not a regular file");
      } else if (cycle) {
        err(b, el, "include-cycle", "<xi:include href=\"%s\"> includes a file that is already being included (a cycle).", href);
      } else {
        const char *sub_display = ep_arena_strdup(&b->r->arena, ep_buf_str(&disp));
        ep_xml_doc *doc = ep_xml_parse_dict(real, sub_display, &b->r->diags, el->doc->dict);
        if (doc) {
          keep_doc(b, doc);
          note_include(b->r, real);
          xmlNodePtr root = xmlDocGetRootElement(doc);
          if (root) {
            char *sub_dir = dir_of(real);
            b->stack[b->nstack++] = real;
            set_file(root, sub_display);
            expand_includes(b, root, sub_display, sub_dir, level + 1);
            b->nstack--;
            free(sub_dir);
            root = xmlDocGetRootElement(doc);
            if (root) {
              xmlUnlinkNode(root);
              replacement = root;
            }
          }
        }
      }
    }
    free(real);
    ep_buf_free(&path);
    ep_buf_free(&disp);
  }
  free(href);
  free(parse);
  free(xptr);
  if (replacement)
    xmlReplaceNode(el, replacement);
  else
    xmlUnlinkNode(el);
  xmlFreeNode(el);
}

// 'expand_includes()' - Replace every xi:include under ROOT (a file DISPLAY in DIR_REAL).
static void expand_includes(builder *b, xmlNodePtr root, const char *display, const char *dir_real, int level) {
  size_t n = 0, cap = 16;
  xmlNodePtr *found = ep_xmalloc(cap * sizeof *found);
  if (is_xinclude(root)) {
    err(b, root, "bad-include", "the root element of %s is itself an <xi:include>.", display);
    free(found);
    return;
  }
  for (xmlNodePtr x = root; x;) {
    if (x->type == XML_ELEMENT_NODE && is_xinclude(x)) {
      if (n == cap) {
        cap *= 2;
        found = ep_xrealloc(found, cap * sizeof *found);
      }
      found[n++] = x;
    } else if (x->type == XML_ELEMENT_NODE && x->children) {
      x = x->children;
      continue;
    }
    while (x && x != root && !x->next)
      x = x->parent;
    if (!x || x == root)
      break;
    x = x->next;
  }
  for (size_t i = 0; i < n; i++)
    include_one(b, found[i], display, dir_real, level);
  free(found);
}

static const char *const list_styles[] = {"numbered", "yishi", "bullet", NULL};

// 'build_blocks()' - Block content of PARENT from the sibling chain FIRST_CHILD.
// DEPTH bounds all recursion; SECTION_DEPTH counts enclosing sections.
static void build_blocks(builder *b, ep_node *parent, xmlNodePtr first_child, int depth,
                         int section_depth) {
  const char *pname = ep_kind_name(parent->kind);
  if (depth > EP_MAX_NESTING) {
    ep_diag_add(&b->r->diags, EP_ERROR, parent->file, parent->line, "nesting-too-deep",
                "elements nest more than %d deep.", EP_MAX_NESTING);
    return;
  }
  for (xmlNodePtr c = first_child; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (has_text(c)) {
        char ex[64];
        text_excerpt(c, ex, sizeof ex);
        ep_diag_add(&b->r->diags, EP_ERROR, fileof(b, c->parent), text_line(c, parent->line),
                    "unexpected-text", "text \"%s\" stands directly in <%s>; put it in a <p>.", ex, pname);
      }
      continue;
    }
    if (c->type == XML_ENTITY_REF_NODE) {
      ep_diag_add(&b->r->diags, EP_ERROR, parent->file, parent->line, "entity-declared",
                  "entity reference &%s; is not allowed.", (const char *)c->name);
      continue;
    }
    if (c->type != XML_ELEMENT_NODE)
      continue;
    const char *n = xname(c);
    if (c->ns) {
      unknown_element(b, c, pname, block_elements);
    } else if (!strcmp(n, "section") || !strcmp(n, "appendix")) {
      bool app = n[0] == 'a';
      static const char *const sat[] = {"id", "title", "number", "runin", NULL};
      static const char *const aat[] = {"id", "title", NULL};
      static const char *const req[] = {"title", NULL};
      check_attrs(b, c, app ? aat : sat, req);
      if (!app && section_depth + 1 == EP_MAX_SECTION_DEPTH + 1)
        err(b, c, "section-too-deep", "<section> at level %d; sections nest at most %d levels.",
            section_depth + 1, EP_MAX_SECTION_DEPTH);
      ep_node *s = new_node(b, app ? EP_N_APPENDIX : EP_N_SECTION, parent, c);
      s->text = attr_text(b, c, "title");
      s->level = app ? 0 : section_depth + 1;
      if (!app) {
        static const char *const nv[] = {"none", NULL};
        s->unnumbered = enum_attr(b, c, "number", nv, -1) == 0;
        s->runin = enum_attr(b, c, "runin", yes_no, 0) == 1;
      }
      build_blocks(b, s, c->children, depth + 1, app ? 0 : section_depth + 1);
    } else if (!strcmp(n, "p")) {
      static const char *const at[] = {"id", NULL};
      check_attrs(b, c, at, NULL);
      inline_container(b, EP_N_P, parent, c, depth);
    } else if (!strcmp(n, "list")) {
      static const char *const at[] = {"id", "style", NULL};
      check_attrs(b, c, at, NULL);
      ep_node *l = new_node(b, EP_N_LIST, parent, c);
      l->style = (ep_list_style)enum_attr(b, c, "style", list_styles, 0);
      static const char *const ctx[] = {"li", NULL};
      int items = 0;
      for (xmlNodePtr li = c->children; li; li = li->next) {
        if (li->type == XML_ELEMENT_NODE && !li->ns && !strcmp(xname(li), "li")) {
          check_attrs(b, li, NULL, NULL);
          inline_container(b, EP_N_LI, l, li, depth + 1);
          items++;
        } else if (li->type == XML_ELEMENT_NODE) {
          unknown_element(b, li, "list", ctx);
        } else if (has_text(li)) {
          err(b, c, "unexpected-text", "text stands directly in <list>; put it in an <li>.");
        }
      }
      if (!items)
        err(b, c, "empty-element", "<list> has no <li>.");
    } else if (!strcmp(n, "fields")) {
      check_attrs(b, c, NULL, NULL);
      ep_node *fs = new_node(b, EP_N_FIELDS, parent, c);
      static const char *const ctx[] = {"field", NULL};
      int nf = 0;
      for (xmlNodePtr f = c->children; f; f = f->next) {
        if (f->type == XML_ELEMENT_NODE && !f->ns && !strcmp(xname(f), "field")) {
          static const char *const fat[] = {"label", NULL};
          check_attrs(b, f, fat, fat);
          ep_node *fn = inline_container(b, EP_N_FIELD, fs, f, depth + 1);
          fn->text = attr_text(b, f, "label");
          nf++;
        } else if (f->type == XML_ELEMENT_NODE) {
          unknown_element(b, f, "fields", ctx);
        } else if (has_text(f)) {
          err(b, c, "unexpected-text", "text stands directly in <fields>; put it in a <field>.");
        }
      }
      if (!nf)
        err(b, c, "empty-element", "<fields> has no <field>.");
    } else if (!strcmp(n, "table")) {
      build_table(b, parent, c, depth + 1);
    } else if (!strcmp(n, "funds")) {
      build_funds(b, parent, c, depth + 1);
    } else if (!strcmp(n, "scoring")) {
      build_scoring(b, parent, c);
    } else if (!strcmp(n, "self-eval-form")) {
      build_form(b, parent, c);
    } else if (!strcmp(n, "issues") || !strcmp(n, "measures")) {
      build_issues(b, parent, c, n[0] == 'm', depth + 1);
    } else if (!strcmp(n, "issues-and-measures")) {
      static const char *const at[] = {"caption", NULL};
      check_attrs(b, c, at, NULL);
      no_children(b, c);
      ep_node *x = new_node(b, EP_N_ISSUES_AND_MEASURES, parent, c);
      x->text = attr_text(b, c, "caption");
    } else if (!strcmp(n, "pagebreak")) {
      check_attrs(b, c, NULL, NULL);
      no_children(b, c);
      new_node(b, EP_N_PAGEBREAK, parent, c);
    } else if (!strcmp(n, "toc")) {
      static const char *const at[] = {"depth", "title", NULL};
      check_attrs(b, c, at, NULL);
      no_children(b, c);
      ep_node *t = new_node(b, EP_N_TOC, parent, c);
      t->toc_depth = int_attr(b, c, "depth", EP_MAX_SECTION_DEPTH, 0);
      t->text = attr_text(b, c, "title");
    } else if (!strcmp(n, "signature")) {
      static const char *const at[] = {"text", NULL};
      check_attrs(b, c, at, NULL);
      no_children(b, c);
      ep_node *s = new_node(b, EP_N_SIGNATURE, parent, c);
      s->text = attr_text(b, c, "text");
    } else {
      unknown_element(b, c, pname, block_elements);
    }
  }
}

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
  check_attrs(b, el, NULL, NULL);
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
      static const char *const fat[] = {"label", NULL};
      check_attrs(b, c, fat, fat);
      ep_node *f = inline_container(b, EP_N_FIELD, NULL, c, 1);
      f->text = attr_text(b, c, "label");
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
    check_attrs(b, c, NULL, NULL);
    if (*slot) {
      err(b, c, "duplicate-element", "<meta> has more than one <%s>.", n);
      continue;
    }
    *slot = text_only(b, c);
    if (slot == &m->subtitle)
      m->subtitle_line = ep_xml_line(c);
    if (slot == &m->title) {
      m->title_line = ep_xml_line(c);
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
  check_attrs(b, root, at, NULL);
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
      check_attrs(b, c, NULL, NULL);
      b->r->body = ep_node_new(b->r, EP_N_BODY, NULL, fileof(b, c), ep_xml_line(c));
      build_blocks(b, b->r->body, c->children, 1, 0);
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
  b.stack[b.nstack++] = real;
  b.suggestions = 200;
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (root) {
    expand_includes(&b, root, r->path, b.dir_real, 0);
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
    ep_diag_add(&r->diags, EP_ERROR, NULL, 0, "bad-root-dir", "the include root %s cannot be used: %s.", root,
                strerror(errno));
    r->io_failed = true;
  }
  return root_real;
}

// 'ep_report_load()' - Parse, build and check a report (see model.h).
ep_report *ep_report_load(const char *path, const ep_load_options *opt) {
  ep_report *r = new_report(path);
  char *real = realpath(path, NULL);
  if (!real) {
    ep_diag_add(&r->diags, EP_ERROR, path, 0, "io-error", "cannot read the file: %s.", strerror(errno));
    r->io_failed = true;
    return r;
  }
  char *root_real = opt && opt->root ? resolve_root(r, opt->root) : dir_of(real);
  if (!root_real) {
    free(real);
    return r;
  }
  ep_xml_doc *doc = ep_xml_parse(real, path, &r->diags);
  if (!doc) {
    if (r->diags.count && !strcmp(r->diags.items[r->diags.count - 1].code, "io-error"))
      r->io_failed = true;
  } else {
    build_from_doc(r, doc, real, dir_of(real), root_real, opt);
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
