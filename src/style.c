// Layout files: parse layouts/NAME.xml into an ep_style and bind its font roles.
#include "style.h"
#include "decimal.h"
#include "xmlload.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/tree.h>

#define MM 2.834645669

// 'sattr()' - Attribute NAME of EL as a heap string, or NULL.
static char *sattr(xmlNodePtr el, const char *name) {
  xmlChar *v = xmlGetNoNsProp(el, (const xmlChar *)name);
  if (!v)
    return NULL;
  char *r = ep_xstrdup((const char *)v);
  xmlFree(v);
  return r;
}

// 'parse_len()' - A length "12mm", "16pt", "2em" (EM_SIZE pt per em; 0 = em not allowed),
// "3line" (LINE pt per line). Strictly [-]digits[.digits] then the unit, so
// "nan", "inf" and exponents are malformed. Returns false when malformed or
// not finite.
static bool parse_len(const char *s, double em_size, double line, double *out) {
  if (!s)
    return false;
  // The number is read by the decimal parser, not strtod: strtod follows the
  // process's LC_NUMERIC, which a host program may have set to a comma locale.
  size_t n = 0;
  char num[32];
  ep_dec d;
  while (n + 1 < sizeof num && ((s[n] >= '0' && s[n] <= '9') || s[n] == '.' || s[n] == '-'))
    n++;
  memcpy(num, s, n);
  num[n] = 0;
  if (ep_dec_parse(num, &d) != EP_PARSE_OK)
    return false;
  double v = (double)d.units / EP_DEC_SCALE;
  const char *end = s + n;
  if (!strcmp(end, "mm"))
    *out = v * MM;
  else if (!strcmp(end, "pt") || !*end)
    *out = v;
  else if (!strcmp(end, "em") && em_size > 0)
    *out = v * em_size;
  else if (!strcmp(end, "line") && line > 0)
    *out = v * line;
  else
    return false;
  return isfinite(*out);
}

// A documented range for a layout value (layouts/README.md, "Accepted values").
typedef struct range {
  double lo, hi;    // in pt (em and line values: in em and lines)
  const char *text; // the range as the README and the message state it
} range;

static const range R_PAGE = {50 * MM, 1500 * MM, "50mm to 1500mm"};
static const range R_MARGIN = {0, 1000 * MM, "0mm to 1000mm"};
static const range R_BODY = {20 * MM, 1500 * MM, "20mm to 1500mm"};
static const range R_PITCH = {4, 200, "4pt to 200pt"};
static const range R_SIZE = {4, 72, "4pt to 72pt"};
static const range R_EM = {0, 10, "0em to 10em"};
static const range R_LINES = {0, 10, "0line to 10line"};
static const range R_BELOW = {0, 100 * MM, "0mm to 100mm"};

// 'len_attr()' - Read length attribute NAME of EL into *OUT (EM/LINE as in
// parse_len()); reports a malformed one or one outside R. True when present and valid.
static bool len_attr(xmlNodePtr el, const char *name, double em, double line, const range *r, double *out,
                     const char *file, ep_diags *d) {
  char *v = sattr(el, name);
  if (!v)
    return false;
  double x = 0;
  bool ok = parse_len(v, em, line, &x);
  if (!ok)
    ep_diag_add(d, EP_ERROR, file, ep_xml_line(el), "bad-layout",
                "<%s %s=\"%s\">: write a length such as %s (a plain decimal and a unit).", (const char *)el->name, name,
                v, em > 0 ? "2em" : line > 0 ? "1line" : "37mm or 16pt");
  else if (x < r->lo - 1e-9 || x > r->hi + 1e-9) {
    ep_diag_add(d, EP_ERROR, file, ep_xml_line(el), "bad-layout", "<%s %s=\"%s\"> is out of range; it must be %s.",
                (const char *)el->name, name, v, r->text);
    ok = false;
  } else {
    *out = x;
  }
  free(v);
  return ok;
}

// 'int_attr()' - Read whole-number attribute NAME of EL (LO..HI) into *OUT;
// reports a malformed or out-of-range one. True when present and valid.
static bool int_attr(xmlNodePtr el, const char *name, int lo, int hi, int *out, const char *file, ep_diags *d) {
  char *v = sattr(el, name);
  if (!v)
    return false;
  size_t n = strspn(v, "0123456789");
  bool ok = n > 0 && n <= 9 && !v[n];
  long x = ok ? strtol(v, NULL, 10) : 0;
  if (!ok || x < lo || x > hi) {
    ep_diag_add(d, EP_ERROR, file, ep_xml_line(el), "bad-layout", "<%s %s=\"%s\"> must be a whole number from %d to %d.",
                (const char *)el->name, name, v, lo, hi);
    ok = false;
  } else {
    *out = (int)x;
  }
  free(v);
  return ok;
}

// 'word_attr()' - Attribute NAME of EL as the index of one of the words
// WORDS (NULL-terminated), DFLT when absent; any other value is a
// bad-layout error in D naming the words allowed (and gives DFLT).
static int word_attr(xmlNodePtr el, const char *name, const char *const *words, int dflt, const char *path,
                     ep_diags *d) {
  char *v = sattr(el, name);
  if (!v)
    return dflt;
  int found = -1;
  for (int i = 0; words[i] && found < 0; i++)
    if (!strcmp(v, words[i]))
      found = i;
  if (found < 0) {
    ep_buf allowed;
    ep_buf_init(&allowed);
    for (int i = 0; words[i]; i++)
      ep_buf_printf(&allowed, "%s\"%s\"", i == 0 ? "" : words[i + 1] ? ", " : " or ", words[i]);
    ep_diag_add(d, EP_ERROR, path, ep_xml_line(el), "bad-layout", "<%s %s=\"%s\"> must be %s.", (const char *)el->name,
                name, v, ep_buf_str(&allowed));
    ep_buf_free(&allowed);
  }
  free(v);
  return found < 0 ? dflt : found;
}

static const char *const align_words[] = {"left", "center", "right", "justify", NULL};
static const ep_halign align_values[] = {EP_H_LEFT, EP_H_CENTER, EP_H_RIGHT, EP_H_JUSTIFY};
static const char *const yes_no[] = {"no", "yes", NULL};

// 'align_attr()' - Alignment attribute NAME of EL (JUSTIFY allowed or not), DFLT when absent.
static ep_halign align_attr(xmlNodePtr el, const char *name, bool justify, ep_halign dflt, const char *path,
                            ep_diags *d) {
  static const char *const no_justify[] = {"left", "center", "right", NULL};
  int i = word_attr(el, name, justify ? align_words : no_justify, -1, path, d);
  return i < 0 ? dflt : align_values[i];
}

static const char *const ts_names[EP_TS__COUNT] = {"title", "subtitle", "body", "heading1", "heading2",
                                                   "heading3", "heading4", "table", "toc", "appendix"};

// 'ep_style_free()' - Free a style.
void ep_style_free(ep_style *st) {
  if (!st)
    return;
  for (size_t i = 0; i < st->nroles; i++) {
    free(st->roles[i].name);
    free(st->roles[i].packages);
    for (size_t k = 0; k < st->roles[i].ncand; k++)
      free(st->roles[i].candidates[k]);
    free(st->roles[i].candidates);
  }
  free(st->roles);
  for (int i = 0; i < EP_TS__COUNT; i++) {
    free((char *)st->ts[i].role_name);
    free((char *)st->ts[i].latin_name);
    free((char *)st->ts[i].number);
  }
  free((char *)st->pn_role_name);
  free((char *)st->hd_role_name);
  free(st->pn_format);
  free(st->name);
  free(st->description);
  free(st->path);
  free(st->root);
  free(st);
}

// 'parse_role()' - One <role> element.
static void parse_role(ep_style *st, xmlNodePtr el, const char *file, bool confined, ep_diags *d) {
  st->roles = ep_xrealloc(st->roles, (st->nroles + 1) * sizeof *st->roles);
  ep_style_role *r = &st->roles[st->nroles++];
  memset(r, 0, sizeof *r);
  r->name = sattr(el, "name");
  r->packages = sattr(el, "packages");
  r->line = ep_xml_line(el);
  if (!r->name)
    ep_diag_add(d, EP_ERROR, file, r->line, "bad-layout", "<role> needs a name.");
  for (size_t i = 0; r->name && i + 1 < st->nroles; i++)
    if (st->roles[i].name && !strcmp(st->roles[i].name, r->name))
      ep_diag_add(d, EP_ERROR, file, r->line, "bad-layout",
                  "<role name=\"%s\"> is defined twice (first at line %lu); role names must differ.", r->name,
                  st->roles[i].line);
  for (xmlNodePtr f = el->children; f; f = f->next) {
    if (f->type != XML_ELEMENT_NODE || strcmp((const char *)f->name, "face"))
      continue;
    char *family = sattr(f, "family"), *aliases = sattr(f, "aliases"), *fontfile = sattr(f, "file");
    char *index = sattr(f, "index");
    ep_buf c;
    ep_buf_init(&c);
    if (fontfile && confined && (fontfile[0] == '/' || !strcmp(fontfile, "..") || !strncmp(fontfile, "../", 3) ||
                                 strstr(fontfile, "/../") || (strlen(fontfile) >= 3 && !strcmp(fontfile + strlen(fontfile) - 3, "/..")))) {
      ep_diag_add(d, EP_ERROR, file, ep_xml_line(f), "bad-layout",
                  "<face file=\"%s\">: a layout inside the include root names font files by relative names without \"..\" (found in the font folders or beside the layout).",
                  fontfile);
    } else if (fontfile && index && (strspn(index, "0123456789") != strlen(index) || !index[0] || strlen(index) > 5 ||
                                     atoi(index) > 65535)) {
      ep_diag_add(d, EP_ERROR, file, ep_xml_line(f), "bad-layout",
                  "<face index=\"%s\"> must be a whole number from 0 to 65535 (the face's number in a .ttc file).",
                  index);
    } else if (fontfile) {
      ep_buf_puts(&c, fontfile);
      if (index)
        ep_buf_printf(&c, "#%s", index);
    } else if (family) {
      ep_buf_puts(&c, family);
      if (aliases) {
        char *save = NULL;
        for (char *tok = strtok_r(aliases, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
          while (*tok == ' ')
            tok++;
          if (*tok)
            ep_buf_printf(&c, "|%s", tok);
        }
      }
    } else {
      ep_diag_add(d, EP_ERROR, file, ep_xml_line(f), "bad-layout", "<face> needs family=\"…\" or file=\"…\".");
    }
    if (c.len) {
      r->candidates = ep_xrealloc(r->candidates, (r->ncand + 1) * sizeof *r->candidates);
      r->candidates[r->ncand++] = ep_xstrdup(ep_buf_str(&c));
    }
    ep_buf_free(&c);
    free(family);
    free(aliases);
    free(fontfile);
    free(index);
  }
}

// 'parse_form_columns()' - <self-eval-form columns="W1 … W9">: the relative widths
// of the nine columns of the 项目支出绩效自评表 (decimals in (0, 1000]), else bad-layout.
static void parse_form_columns(ep_style *st, xmlNodePtr el, const char *path, ep_diags *d) {
  char *v = sattr(el, "columns");
  if (!v)
    return;
  const char *p = v;
  int k = 0;
  bool ok = true;
  for (; k < 9 && ok; k++) { // digits with an optional fraction: no locale, no exponent
    while (*p == ' ')
      p++;
    double w = 0, scale = 1;
    const char *start = p;
    for (; *p >= '0' && *p <= '9' && w <= 1000; p++)
      w = w * 10 + (*p - '0');
    if (*p == '.' && p > start)
      for (p++; *p >= '0' && *p <= '9'; p++)
        w += (*p - '0') * (scale /= 10);
    ok = p > start && w > 0 && w <= 1000 && (*p == ' ' || !*p);
    st->form_cols[k] = w;
  }
  while (*p == ' ')
    p++;
  if (!ok || k != 9 || *p) {
    ep_diag_add(d, EP_ERROR, path, ep_xml_line(el), "bad-layout",
                "<self-eval-form columns=\"%s\"> must be nine positive relative widths (each at most 1000) separated by spaces.", v);
    memset(st->form_cols, 0, sizeof st->form_cols);
  }
  free(v);
}

// 'check_geometry()' - Cross-checks of a layout's values: the body inside the
// page, the grid inside the body, a grid cell between half and twice the body
// size, the page number on the page (layouts/README.md, "Accepted values").
static void check_geometry(const ep_style *st, double body_size, unsigned long page_line, unsigned long grid_line,
                           const char *path, ep_diags *d) {
  if (st->page_w > 0 && st->body_w > 0 && st->left + st->body_w > st->page_w + 0.01)
    ep_diag_add(d, EP_ERROR, path, page_line, "bad-layout",
                "<page>: left (%.1fmm) plus body-width (%.1fmm) is wider than the page (%.1fmm).", st->left / MM,
                st->body_w / MM, st->page_w / MM);
  if (st->page_h > 0 && st->body_h > 0 && st->top + st->body_h > st->page_h + 0.01)
    ep_diag_add(d, EP_ERROR, path, page_line, "bad-layout",
                "<page>: top (%.1fmm) plus body-height (%.1fmm) is taller than the page (%.1fmm).", st->top / MM,
                st->body_h / MM, st->page_h / MM);
  if (st->pitch > 0 && st->body_h > 0 && st->pitch > st->body_h)
    ep_diag_add(d, EP_ERROR, path, grid_line, "bad-layout", "<grid pitch=\"%.2fpt\"> is taller than the body (%.1fmm).",
                st->pitch, st->body_h / MM);
  if (st->pitch > 0 && st->body_h > 0 && st->lines > 0 && st->lines * st->pitch > st->body_h + 1.0)
    ep_diag_add(d, EP_ERROR, path, grid_line, "bad-layout",
                "<grid>: %d lines of %.2fpt (%.1fmm) do not fit in body-height %.1fmm.", st->lines, st->pitch,
                st->lines * st->pitch / MM, st->body_h / MM);
  if (st->chars > 0 && st->body_w > 0 && body_size > 0) {
    double cell = st->body_w / st->chars / body_size;
    if (cell < 0.5 || cell > 2.0)
      ep_diag_add(d, EP_ERROR, path, grid_line, "bad-layout",
                  "<grid chars=\"%d\">: a grid cell is %.2fpt wide for %.1fpt body type; it must be between half and twice the body size.",
                  st->chars, st->body_w / st->chars, body_size);
  }
  if (st->page_h > 0 && st->body_h > 0 && st->top + st->body_h + st->pn_below + st->pn_size > st->page_h + 0.01)
    ep_diag_add(d, EP_ERROR, path, st->line, "bad-layout",
                "<page-number below=\"%.1fmm\">: the page number falls off the foot of the page.", st->pn_below / MM);
}

static ep_style *style_from_doc(ep_xml_doc *doc, const char *path, bool confined, size_t errors_before, ep_diags *d);
static ep_style_role *find_role(ep_style *st, const char *name);

// 'ep_style_load()' - Parse a layout file.
ep_style *ep_style_load(const char *path, ep_diags *d) { return ep_style_load_confined(path, NULL, d); }

// 'ep_style_check()' - Load and validate the layout PATH as rendering does
// (ROOT as in ep_style_load_confined()); true when it has no error.
bool ep_style_check(const char *path, const char *root, ep_diags *d) {
  ep_style *st = ep_style_load_confined(path, root, d);
  ep_style_free(st);
  return st != NULL;
}

// 'ep_style_load_confined()' - Parse the layout file PATH; when ROOT is not
// NULL (a layout the report names), PATH is opened beneath ROOT without
// following a symbolic link out, and its <face file> names must stay inside.
ep_style *ep_style_load_confined(const char *path, const char *include_root, ep_diags *d) {
  size_t errors_before = d->errors;
  ep_xml_doc *doc = NULL;
  if (include_root) {
    int fd, e;
    char *abs = NULL;
    ep_confined_rc rc = ep_open_confined(include_root, "/", path, &abs, &fd, &e);
    free(abs);
    if (rc == EP_CONFINED_OK) {
      doc = ep_xml_parse_fd(fd, path, d, NULL);
      close(fd);
    } else if (rc == EP_CONFINED_OUTSIDE) {
      ep_diag_add(d, EP_ERROR, path, 0, "layout-outside-root",
                  "the layout file lies outside the include root %s (by its path or through a symbolic link).", include_root);
    } else {
      char eb[128];
      ep_diag_add(d, EP_ERROR, path, 0, "io-error", "cannot read the layout file: %s.", ep_errno_text(e, eb, sizeof eb));
    }
  } else {
    doc = ep_xml_parse(path, path, d);
  }
  ep_style *st = doc ? style_from_doc(doc, path, include_root != NULL, errors_before, d) : NULL;
  if (st && include_root)
    st->root = ep_xstrdup(include_root);
  return st;
}

// 'ep_style_load_memory()' - Parse a layout held in memory (see style.h).
ep_style *ep_style_load_memory(const unsigned char *data, size_t len, const char *name, ep_diags *d) {
  size_t errors_before = d->errors;
  ep_xml_doc *doc = ep_xml_parse_memory(data, len, NULL, name, d, NULL);
  return doc ? style_from_doc(doc, name, false, errors_before, d) : NULL;
}

// 'parse_text()' - One <text element="…"> of a layout into ST (the body size into *BODY_SIZE).
static void parse_text(ep_style *st, xmlNodePtr el, const char *path, double *body_size, ep_diags *d) {
  char *e = sattr(el, "element");
  int k = -1;
  for (int i = 0; e && i < EP_TS__COUNT; i++)
    if (!strcmp(ts_names[i], e))
      k = i;
  if (k < 0) {
    ep_diag_add(d, EP_ERROR, path, ep_xml_line(el), "bad-layout", "<text element=\"%s\"> is not a known element.",
                e ? e : "");
    free(e);
    return;
  }
  ep_text_style *t = &st->ts[k];
  if (st->ts_set[k])
    ep_diag_add(d, EP_WARNING, path, ep_xml_line(el), "layout-unknown",
                "a second <text element=\"%s\"> replaces the one at line %lu.", e, t->role_line);
  free(e);
  st->ts_set[k] = true;
  free((char *)t->role_name);
  t->role_name = sattr(el, "role");
  free((char *)t->latin_name);
  t->latin_name = sattr(el, "latin");
  t->latin_line = t->latin_name ? ep_xml_line(el) : 0;
  t->role_line = ep_xml_line(el);
  t->size = 16;
  len_attr(el, "size", 0, 0, &R_SIZE, &t->size, path, d);
  if (k == EP_TS_BODY)
    *body_size = t->size;
  t->align = align_attr(el, "align", true, EP_H_JUSTIFY, path, d);
  double ind = 0;
  if (len_attr(el, "indent", 1, 0, &R_EM, &ind, path, d))
    t->indent = ind;
  t->bold = word_attr(el, "bold", yes_no, 0, path, d) == 1;
  free((char *)t->number);
  t->number = sattr(el, "number");
  double lines = 0;
  if (len_attr(el, "space-before", 0, 1, &R_LINES, &lines, path, d))
    t->space_before = (int)(lines + 0.5);
  if (len_attr(el, "space-after", 0, 1, &R_LINES, &lines, path, d))
    t->space_after = (int)(lines + 0.5);
}

// 'parse_page_number()' - The <page-number> element of a layout into ST.
static void parse_page_number(ep_style *st, xmlNodePtr el, const char *path, ep_diags *d) {
  free((char *)st->pn_role_name);
  st->pn_role_name = sattr(el, "role");
  st->pn_role_line = st->pn_role_name ? ep_xml_line(el) : 0;
  st->pn_size = 14;
  len_attr(el, "size", 0, 0, &R_SIZE, &st->pn_size, path, d);
  free(st->pn_format);
  st->pn_format = sattr(el, "format");
  if (st->pn_format && !strchr(st->pn_format, 'N'))
    ep_diag_add(d, EP_ERROR, path, ep_xml_line(el), "bad-layout",
                "<page-number format=\"%s\"> has no N where the page number goes.", st->pn_format);
  len_attr(el, "below", 0, 0, &R_BELOW, &st->pn_below, path, d);
  st->pn_odd = align_attr(el, "odd", false, EP_H_RIGHT, path, d);
  st->pn_even = align_attr(el, "even", false, EP_H_LEFT, path, d);
  double inset = 0;
  if (len_attr(el, "inset", 1, 0, &R_EM, &inset, path, d))
    st->pn_inset = inset;
  static const char *const starts[] = {"none", "cover", "toc", NULL};
  st->pn_start = word_attr(el, "start-after", starts, 0, path, d);
}

// 'parse_header()' - The <header> element (running header) of a layout into ST.
static void parse_header(ep_style *st, xmlNodePtr el, const char *path, ep_diags *d) {
  st->header = true;
  free((char *)st->hd_role_name);
  st->hd_role_name = sattr(el, "role");
  st->hd_role_line = st->hd_role_name ? ep_xml_line(el) : 0;
  st->hd_size = 10.5;
  len_attr(el, "size", 0, 0, &R_SIZE, &st->hd_size, path, d);
  st->hd_odd = align_attr(el, "odd", false, EP_H_CENTER, path, d);
  st->hd_even = align_attr(el, "even", false, EP_H_CENTER, path, d);
  st->hd_rule = word_attr(el, "rule", yes_no, 0, path, d) == 1;
}

// 'check_roles()' - Every role a <text> (role= and latin=), <page-number> or
// <header> of ST names is defined, and names one: reported at the line that
// names it, with every other problem of the layout (so that check finds it
// as render does, all in one run).
static void check_roles(ep_style *st, const char *path, ep_diags *d) {
  for (int i = 0; i < EP_TS__COUNT; i++) {
    const char *rn = st->ts[i].role_name;
    if (!st->ts_set[i] || !st->ts[i].role_line)
      continue;
    if (!rn)
      ep_diag_add(d, EP_ERROR, path, st->ts[i].role_line, "bad-layout",
                  "<text element=\"%s\"> names no role; write role=\"…\" with one of the layout's <role> names.",
                  ts_names[i]);
    else if (!find_role(st, rn))
      ep_diag_add(d, EP_ERROR, path, st->ts[i].role_line, "bad-layout",
                  "<text element=\"%s\" role=\"%s\">: the layout defines no <role name=\"%s\">.", ts_names[i], rn,
                  rn);
  }
  if (st->pn_role_line && !find_role(st, st->pn_role_name))
    ep_diag_add(d, EP_ERROR, path, st->pn_role_line, "bad-layout",
                "<page-number role=\"%s\">: the layout defines no <role name=\"%s\">.", st->pn_role_name,
                st->pn_role_name);
  if (st->hd_role_line && !find_role(st, st->hd_role_name))
    ep_diag_add(d, EP_ERROR, path, st->hd_role_line, "bad-layout",
                "<header role=\"%s\">: the layout defines no <role name=\"%s\">.", st->hd_role_name, st->hd_role_name);
  for (int i = 0; i < EP_TS__COUNT; i++) { // where it was written (inherited copies say nothing)
    const char *ln = st->ts[i].latin_name;
    if (ep_style_names_latin(ln) && st->ts[i].latin_line && !find_role(st, ln))
      ep_diag_add(d, EP_ERROR, path, st->ts[i].latin_line, "bad-layout",
                  "<text element=\"%s\" latin=\"%s\">: the layout defines no <role name=\"%s\"> (name a role, or write latin=\"none\").",
                  ts_names[i], ln, ln);
  }
}

// The elements of a layout file and their attributes (layouts/README.md).
typedef struct layout_el {
  const char *name;
  const char *parent; // the element it stands in
  const char *attrs[12];
} layout_el;
static const layout_el layout_els[] = {
    {"layout", NULL, {"name", "description"}},
    {"page", "layout", {"width", "height", "top", "left", "body-width", "body-height"}},
    {"grid", "layout", {"chars", "lines", "pitch", "orphans", "widows"}},
    {"roles", "layout", {NULL}},
    {"role", "roles", {"name", "packages"}},
    {"face", "role", {"family", "aliases", "file", "index"}},
    {"text", "layout",
     {"element", "role", "latin", "size", "align", "indent", "number", "bold", "space-before", "space-after"}},
    {"page-number", "layout", {"role", "size", "format", "below", "odd", "even", "inset", "start-after"}},
    {"list", "layout", {"continuation"}},
    {"self-eval-form", "layout", {"columns"}},
    {"cover", "layout", {"page"}},
    {"toc", "layout", {"depth", "own-page"}},
    {"header", "layout", {"role", "size", "odd", "even", "rule"}},
};

// 'check_names()' - Warn (layout-unknown) about each element under EL that a
// layout has not there, and each attribute its element does not take: they
// are ignored, and a typo (widht="…") would otherwise pass unnoticed.
static void check_names(xmlNodePtr el, const char *path, ep_diags *d) {
  for (xmlNodePtr c = el->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    const layout_el *k = NULL;
    for (size_t i = 0; i < sizeof layout_els / sizeof *layout_els && !k; i++)
      if (!c->ns && !strcmp(layout_els[i].name, (const char *)c->name) && layout_els[i].parent &&
          !strcmp(layout_els[i].parent, (const char *)el->name))
        k = &layout_els[i];
    if (!k) {
      ep_diag_add(d, EP_WARNING, path, ep_xml_line(c), "layout-unknown",
                  "<%s> is not an element of a layout inside <%s>; it is ignored.", (const char *)c->name,
                  (const char *)el->name);
      continue;
    }
    for (xmlAttrPtr a = c->properties; a; a = a->next) {
      bool known = a->ns != NULL; // (xml:… and other namespaces are not the layout's)
      for (size_t i = 0; !known && i < sizeof k->attrs / sizeof *k->attrs && k->attrs[i]; i++)
        known = !strcmp(k->attrs[i], (const char *)a->name);
      if (!known)
        ep_diag_add(d, EP_WARNING, path, ep_xml_line(c), "layout-unknown",
                    "<%s> has no attribute %s; it is ignored.", (const char *)c->name, (const char *)a->name);
    }
    check_names(c, path, d);
  }
}

// 'finish_style()' - Check that ST has what every layout needs and fill in
// the defaults (unset text styles inherit from body, headings from the
// deepest set one). Frees ST and returns NULL when errors were added to D
// since ERRORS_BEFORE.
static ep_style *finish_style(ep_style *st, const char *path, size_t errors_before, ep_diags *d) {
  if (st->page_w <= 0 || st->page_h <= 0 || st->body_w <= 0 || st->body_h <= 0)
    ep_diag_add(d, EP_ERROR, path, st->line, "bad-layout",
                "the layout needs <page> with width, height, body-width and body-height.");
  if (st->pitch <= 0)
    ep_diag_add(d, EP_ERROR, path, st->line, "bad-layout", "the layout needs <grid pitch=\"…\"> (the line pitch).");
  if (!st->ts_set[EP_TS_BODY])
    ep_diag_add(d, EP_ERROR, path, st->line, "bad-layout", "the layout needs <text element=\"body\" …>.");
  if (d->errors > errors_before) {
    ep_style_free(st);
    return NULL;
  }
  // A set style without latin="…" takes the body's Latin role; "none" is none.
  const char *body_latin = st->ts[EP_TS_BODY].latin_name;
  for (int i = 0; i < EP_TS__COUNT; i++) {
    if (st->ts_set[i] && i != EP_TS_BODY && !st->ts[i].latin_name && body_latin)
      st->ts[i].latin_name = ep_xstrdup(body_latin);
  }
  // Unset styles inherit from body (headings from the deepest set one).
  for (int i = 0; i < EP_TS__COUNT; i++) {
    if (st->ts_set[i])
      continue;
    int from = (i >= EP_TS_H2 && i <= EP_TS_H4 && st->ts_set[i - 1]) ? i - 1 : EP_TS_BODY;
    st->ts[i] = st->ts[from];
    st->ts[i].role_name = ep_xstrdup(st->ts[from].role_name);
    st->ts[i].latin_name = ep_xstrdup(st->ts[from].latin_name);
    st->ts[i].latin_line = 0; // inherited: reported where it was written
    st->ts[i].role_line = 0;
    st->ts[i].number = ep_xstrdup(st->ts[from].number);
    st->ts_set[i] = true;
  }
  if (!st->pn_format)
    st->pn_format = ep_xstrdup("N");
  if (!st->pn_role_name)
    st->pn_role_name = ep_xstrdup(st->ts[EP_TS_BODY].role_name);
  if (st->header && !st->hd_role_name)
    st->hd_role_name = ep_xstrdup(st->ts[EP_TS_BODY].role_name);
  if (st->pn_size <= 0)
    st->pn_size = 14;
  return st;
}

// 'style_from_doc()' - Build and validate the style of layout document DOC
// (freed here) read from PATH; CONFINED: named by a report. NULL after errors.
static ep_style *style_from_doc(ep_xml_doc *doc, const char *path, bool confined, size_t errors_before, ep_diags *d) {
  xmlNodePtr root = xmlDocGetRootElement(doc);
  ep_style *st = ep_xcalloc(1, sizeof *st);
  st->path = ep_xstrdup(path);
  st->orphans = st->widows = 2;
  st->toc_depth = 2;
  if (!root || strcmp((const char *)root->name, "layout")) {
    ep_diag_add(d, EP_ERROR, path, root ? ep_xml_line(root) : 1, "bad-layout", "a layout file starts with <layout>.");
    xmlFreeDoc(doc);
    ep_style_free(st);
    return NULL;
  }
  st->line = ep_xml_line(root);
  st->name = sattr(root, "name");
  st->description = sattr(root, "description");
  for (xmlAttrPtr a = root->properties; a; a = a->next)
    if (!a->ns && strcmp((const char *)a->name, "name") && strcmp((const char *)a->name, "description"))
      ep_diag_add(d, EP_WARNING, path, ep_xml_line(root), "layout-unknown", "<layout> has no attribute %s; it is ignored.",
                  (const char *)a->name);
  check_names(root, path, d);
  double body_size = 16;
  unsigned long page_line = 0, grid_line = 0;
  for (xmlNodePtr el = root->children; el; el = el->next) {
    if (el->type != XML_ELEMENT_NODE)
      continue;
    const char *n = (const char *)el->name;
    if (!strcmp(n, "page")) {
      len_attr(el, "width", 0, 0, &R_PAGE, &st->page_w, path, d);
      len_attr(el, "height", 0, 0, &R_PAGE, &st->page_h, path, d);
      len_attr(el, "top", 0, 0, &R_MARGIN, &st->top, path, d);
      len_attr(el, "left", 0, 0, &R_MARGIN, &st->left, path, d);
      len_attr(el, "body-width", 0, 0, &R_BODY, &st->body_w, path, d);
      len_attr(el, "body-height", 0, 0, &R_BODY, &st->body_h, path, d);
      page_line = ep_xml_line(el);
    } else if (!strcmp(n, "grid")) {
      int_attr(el, "chars", 0, 200, &st->chars, path, d);
      int_attr(el, "lines", 0, 200, &st->lines, path, d);
      len_attr(el, "pitch", 0, 0, &R_PITCH, &st->pitch, path, d);
      int_attr(el, "orphans", 1, 10, &st->orphans, path, d);
      int_attr(el, "widows", 1, 10, &st->widows, path, d);
      grid_line = ep_xml_line(el);
    } else if (!strcmp(n, "roles")) {
      for (xmlNodePtr r = el->children; r; r = r->next)
        if (r->type == XML_ELEMENT_NODE && !strcmp((const char *)r->name, "role"))
          parse_role(st, r, path, confined, d);
    } else if (!strcmp(n, "text")) {
      parse_text(st, el, path, &body_size, d);
    } else if (!strcmp(n, "page-number")) {
      parse_page_number(st, el, path, d);
    } else if (!strcmp(n, "list")) {
      char *v = sattr(el, "continuation");
      if (v && strcmp(v, "hang") && strcmp(v, "margin"))
        ep_diag_add(d, EP_ERROR, path, ep_xml_line(el), "bad-layout",
                    "<list continuation=\"%s\"> must be \"margin\" (回行顶格) or \"hang\".", v);
      st->list_hang = v && !strcmp(v, "hang");
      free(v);
    } else if (!strcmp(n, "self-eval-form")) {
      parse_form_columns(st, el, path, d);
    } else if (!strcmp(n, "cover")) {
      st->cover = word_attr(el, "page", yes_no, 1, path, d) == 1;
    } else if (!strcmp(n, "toc")) {
      int_attr(el, "depth", 1, 4, &st->toc_depth, path, d);
      char *o = sattr(el, "own-page");
      if (o && strcmp(o, "yes") && strcmp(o, "no"))
        ep_diag_add(d, EP_ERROR, path, ep_xml_line(el), "bad-layout", "<toc own-page=\"%s\"> must be \"yes\" or \"no\".", o);
      st->toc_own_page = o && !strcmp(o, "yes");
      free(o);
    } else if (!strcmp(n, "header")) {
      parse_header(st, el, path, d);
    }
  }
  xmlFreeDoc(doc);
  check_geometry(st, body_size, page_line, grid_line, path, d);
  check_roles(st, path, d);
  if (d->errors > errors_before) {
    ep_style_free(st); // the values reported wrong are unset: no "needs" errors on top
    return NULL;
  }
  return finish_style(st, path, errors_before, d);
}

// 'find_role()' - The role definition named NAME in ST.
static ep_style_role *find_role(ep_style *st, const char *name) {
  for (size_t i = 0; name && i < st->nroles; i++)
    if (!strcmp(st->roles[i].name ? st->roles[i].name : "", name))
      return &st->roles[i];
  return NULL;
}

// 'open_face_file()' - The <face file> opener of a layout named by a report
// (ST; ep_role_def.open_file): NAME beneath each font folder, then beneath the
// include root from the layout's folder, never following a symbolic link out
// of the folder searched; a path that leads out counts as missing.
static int open_face_file(void *arg, const char *const *dirs, size_t n_dirs, const char *name, char **shown) {
  const ep_style *st = arg;
  for (size_t i = 0; i < n_dirs; i++) {
    int fd = ep_open_beneath_dir(dirs[i], name);
    if (fd >= 0) {
      ep_buf b;
      ep_buf_init(&b);
      ep_buf_printf(&b, "%s/%s", dirs[i], name);
      *shown = b.data; // the buffer's heap string is handed over
      return fd;
    }
  }
  char *folder = ep_path_normalize("/", st->path), *slash = strrchr(folder, '/');
  slash[slash == folder ? 1 : 0] = 0;
  int fd = -1, e;
  if (ep_open_confined(st->root, folder, name, shown, &fd, &e) != EP_CONFINED_OK)
    fd = -1;
  free(folder);
  return fd;
}

// 'role_key()' - Start KB with the font-set name of role NAME of ST: under the
// layout's name, or its path when a report named it (so that its roles never
// stand in for a trusted layout's roles of the same names).
static const char *role_key(const ep_style *st, const char *name, ep_buf *kb) {
  ep_buf_init(kb);
  ep_buf_printf(kb, "%s/%s", st->name && !st->root ? st->name : st->path, name ? name : "");
  return ep_buf_str(kb);
}

// The hook of ep_style_bind_fonts_ex(), with its style, for ep_role_def.
typedef struct body_hook {
  const ep_style *st;
  void (*fn)(const ep_style *st, ep_face *face, void *user);
  void *user;
} body_hook;

// 'tell_body()' - ep_role_def's on_first_face for the body text's role.
static void tell_body(ep_face *face, void *user) {
  const body_hook *h = user;
  h->fn(h->st, face, h->user);
}

// 'bind_one()' - Resolve role NAME (registering it in FS once) into *OUT;
// HOOK (may be NULL) is told of its first face.
static bool bind_one(ep_style *st, ep_fontset *fs, const char *name, ep_role **out, ep_diags *d,
                     body_hook *hook) {
  ep_buf kb;
  const char *key = role_key(st, name, &kb);
  ep_role *r = ep_fontset_role(fs, key);
  if (!r) {
    ep_style_role *sr = find_role(st, name);
    if (!sr) {
      ep_diag_add(d, EP_ERROR, st->path, st->line, "bad-layout", "the layout uses font role \"%s\" but defines no <role name=\"%s\">.",
                  name ? name : "", name ? name : "");
      ep_buf_free(&kb);
      return false;
    }
    ep_role_def def = {key, (const char *const *)sr->candidates, sr->ncand, sr->packages, NULL, st->path, sr->line,
                       st->root ? open_face_file : NULL, st, hook ? tell_body : NULL, hook};
    if (!ep_fontset_add_role(fs, &def, d, &r)) {
      ep_buf_free(&kb);
      return false;
    }
  } else if (hook && ep_role_face_count(r) > 0) { // bound before: its face is known
    hook->fn(st, ep_role_face(r, 0), hook->user);
  }
  ep_buf_free(&kb);
  *out = r;
  return r && ep_role_face_count(r) > 0;
}

// 'ep_style_names_latin()' - Whether NAME names a Latin role (see style.h).
bool ep_style_names_latin(const char *name) { return name && strcmp(name, "none") != 0; }

// 'bind_latin()' - Resolve the Latin role NAME of a text style into *OUT, or
// NULL when NAME is NULL or "none" or none of its faces is installed: that is
// a note, not an error (Latin is then set in the CJK faces, as without one).
static void bind_latin(ep_style *st, ep_fontset *fs, const char *name, ep_role **out, ep_diags *d) {
  *out = NULL;
  if (!ep_style_names_latin(name))
    return;
  ep_buf kb;
  const char *key = role_key(st, name, &kb);
  ep_role *r = ep_fontset_role(fs, key);
  if (!r) {
    ep_style_role *sr = find_role(st, name);
    if (!sr) {
      ep_buf_free(&kb);
      return; // checked when the layout was loaded
    }
    ep_role_def def = {key, (const char *const *)sr->candidates, sr->ncand, sr->packages, "the Latin text",
                       st->path, sr->line, st->root ? open_face_file : NULL, st, NULL, NULL};
    ep_diags tmp;
    ep_diags_init(&tmp);
    ep_fontset_add_role(fs, &def, &tmp, &r);
    for (size_t i = 0; i < tmp.count; i++) {
      const ep_diag_item *it = &tmp.items[i];
      if (it->severity == EP_ERROR && !strcmp(it->code, "font-role-missing"))
        ep_diag_add(d, EP_NOTE, it->file[0] ? it->file : NULL, it->line, "font-latin-missing",
                    "%s Latin letters and digits are set in the CJK faces instead.", it->message);
      else
        ep_diag_add(d, it->severity, it->file[0] ? it->file : NULL, it->line, it->code, "%s", it->message);
    }
    ep_diags_free(&tmp);
    r = ep_fontset_role(fs, key);
  }
  ep_buf_free(&kb);
  *out = r && ep_role_face_count(r) > 0 ? r : NULL;
}

// 'ep_style_bind_fonts()' - Resolve the roles the styles use.
bool ep_style_bind_fonts(ep_style *st, ep_fontset *fs, ep_diags *d) {
  return ep_style_bind_fonts_ex(st, fs, d, NULL, NULL);
}

// 'ep_style_bind_fonts_ex()' - Resolve the roles, the body text's first (see style.h).
bool ep_style_bind_fonts_ex(ep_style *st, ep_fontset *fs, ep_diags *d,
                            void (*on_body)(const ep_style *st, ep_face *face, void *user), void *user) {
  body_hook hook = {st, on_body, user};
  bool ok = bind_one(st, fs, st->ts[EP_TS_BODY].role_name, &st->ts[EP_TS_BODY].role, d, on_body ? &hook : NULL);
  bind_latin(st, fs, st->ts[EP_TS_BODY].latin_name, &st->ts[EP_TS_BODY].latin, d);
  for (int i = 0; i < EP_TS__COUNT; i++) {
    if (i == EP_TS_BODY)
      continue;
    ok = bind_one(st, fs, st->ts[i].role_name, &st->ts[i].role, d, NULL) && ok;
    bind_latin(st, fs, st->ts[i].latin_name, &st->ts[i].latin, d);
  }
  ok = bind_one(st, fs, st->pn_role_name, &st->pn_role, d, NULL) && ok;
  if (st->header)
    ok = bind_one(st, fs, st->hd_role_name, &st->hd_role, d, NULL) && ok;
  return ok;
}
