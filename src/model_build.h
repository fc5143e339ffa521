// Internal to the XML → model stage (model_build.c builds the model,
// model_include.c expands the confined XIncludes first): the builder state
// and the small element helpers both use. Not part of the model's API.
#ifndef EVALPDF_MODEL_BUILD_H
#define EVALPDF_MODEL_BUILD_H

#include "model.h"
#include "xmlload.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#define XI_NS_2001 "http://www.w3.org/2001/XInclude"
#define XI_NS_2003 "http://www.w3.org/2003/XInclude"
#define MAX_INCLUDE_DEPTH 16
// What all the includes of one report may add up to, each inclusion of a file
// counted again: a few small files that each include the next one ten times
// would otherwise expand to millions of elements (an "include bomb").
#define MAX_INCLUDES 10000
#define MAX_INCLUDED_BYTES EP_MAX_FILE_BYTES

// Whitespace normalization state for one inline container.
typedef struct wsnorm {
  bool have_prev;
  uint32_t prev;
  bool pending;
} wsnorm;

typedef struct builder {
  ep_report *r;
  const char *file;     // display name of the file being walked
  char *dir_real;       // directory of the file being walked (resolved)
  const char *root_real;
  const char *stack[MAX_INCLUDE_DEPTH + 2]; // "dev:ino" of each file in the include chain
  int nstack;
  size_t nincluded;        // inclusions made so far (a file included twice counts twice)
  uint64_t included_bytes; // and the bytes of their files
  bool include_budget_hit; // MAX_INCLUDES or MAX_INCLUDED_BYTES was reached: no more inclusions
  ep_xml_doc **docs; // included documents, kept until the model is built
  size_t ndocs;
  int suggestions;   // "did you mean" searches left (bounded: each is linear in the ids)
  bool fig_bad;      // set by num_attr when a present figure was malformed
  wsnorm *ws;        // whitespace state of the inline content being built
  int row_cols;      // columns (counting colspan) of the <tr> being built, up to the limit
} builder;

// 'xname()' - An element's local name as a C string.
static inline const char *xname(xmlNodePtr el) { return (const char *)el->name; }

// 'is_xinclude()' - True for an xi:include element (either XInclude namespace).
static inline bool is_xinclude(xmlNodePtr el) {
  return el->type == XML_ELEMENT_NODE && el->ns && el->ns->href &&
         (!strcmp((const char *)el->ns->href, XI_NS_2001) ||
          !strcmp((const char *)el->ns->href, XI_NS_2003)) &&
         !strcmp(xname(el), "include");
}

// 'fileof()' - The file node N came from: the nearest element's mark set by XInclude
// expansion, else the main input.
static inline const char *fileof(const builder *b, xmlNodePtr n) {
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
static inline char *get_attr(xmlNodePtr el, const char *name) {
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

// 'ep_build_check_attrs()' - Report unknown attributes of EL (ALLOWED is
// NULL-terminated) and missing REQUIRED ones (model_build.c).
void ep_build_check_attrs(builder *b, xmlNodePtr el, const char *const *allowed, const char *const *required);

// 'ep_build_dir_of()' - The directory part of PATH (heap; model_include.c).
char *ep_build_dir_of(const char *path);

// 'ep_build_expand_includes()' - Replace every xi:include under ROOT (an element
// of the file DISPLAY in the resolved folder DIR_REAL), confined beneath
// B->root_real, LEVEL files deep; included documents are kept in B until the
// model is built (model_include.c).
void ep_build_expand_includes(builder *b, xmlNodePtr root, const char *display, const char *dir_real, int level);

#endif
