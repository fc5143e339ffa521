// XML → model, first step: confined XInclude expansion. Every xi:include is
// resolved beneath the include root (ep_open_confined: openat2 RESOLVE_BENEATH,
// no path reopened), parsed from that descriptor and put in place of the
// element, each element marked with the file it came from; cycles, depth,
// URLs and unsupported forms are reported at the xi:include's line.
#include "model_build.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

// 'ep_build_dir_of()' - The directory part of PATH (heap).
char *ep_build_dir_of(const char *path) {
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

// 'next_xml()' - The pre-order successor of X in the tree at ROOT, entering
// X's children when DESCEND and X is an element; NULL after the last.
static xmlNodePtr next_xml(xmlNodePtr x, xmlNodePtr root, bool descend) {
  if (descend && x->type == XML_ELEMENT_NODE && x->children)
    return x->children;
  while (x && x != root && !x->next)
    x = x->parent;
  return !x || x == root ? NULL : x->next;
}

// 'set_file()' - Mark every element of the tree at N (not yet marked) as coming from DISPLAY.
static void set_file(xmlNodePtr n, const char *display) {
  for (xmlNodePtr x = n; x; x = next_xml(x, n, true))
    if (x->type == XML_ELEMENT_NODE && !x->_private)
      x->_private = (void *)display;
}

// 'keep_doc()' - Keep an included document alive until the model is built.
static void keep_doc(builder *b, ep_xml_doc *doc) {
  b->docs = ep_xrealloc(b->docs, (b->ndocs + 1) * sizeof *b->docs);
  b->docs[b->ndocs++] = doc;
}


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

// 'include_fd()' - Parse the include file open on FD (normalised path ABS,
// named HREF in DISPLAY) and expand its own includes; its root element, or NULL.
static xmlNodePtr include_fd(builder *b, xmlNodePtr el, int fd, const char *abs, const char *href,
                             const char *display, int level) {
  struct stat sb;
  memset(&sb, 0, sizeof sb);
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    err(b, el, "include-not-found", "<xi:include href=\"%s\">: the file cannot be read (%s).", href,
        S_ISDIR(sb.st_mode) ? "Is a directory" : "not a regular file");
    return NULL;
  }
  if (b->nincluded + 1 > MAX_INCLUDES) {
    err(b, el, "include-too-much",
        "<xi:include href=\"%s\"> would be inclusion number %zu, and a report may make at most %d in all (a "
        "file included again counts again); evalpdf includes nothing more.",
        href, b->nincluded + 1, MAX_INCLUDES);
    b->include_budget_hit = true;
    return NULL;
  }
  // (a file over the limit on its own is refused by the parse, which says so)
  if ((uint64_t)sb.st_size <= MAX_INCLUDED_BYTES && b->included_bytes + (uint64_t)sb.st_size > MAX_INCLUDED_BYTES) {
    err(b, el, "include-too-much",
        "<xi:include href=\"%s\"> (%llu bytes) would take the included files past %d MiB in all (%llu bytes "
        "so far; a file included again counts again); evalpdf includes nothing more.",
        href, (unsigned long long)sb.st_size, (int)(MAX_INCLUDED_BYTES >> 20), (unsigned long long)b->included_bytes);
    b->include_budget_hit = true;
    return NULL;
  }
  b->nincluded++;
  b->included_bytes += (uint64_t)sb.st_size;
  char id[64];
  snprintf(id, sizeof id, "%ju:%ju", (uintmax_t)sb.st_dev, (uintmax_t)sb.st_ino);
  for (int i = 0; i < b->nstack; i++)
    if (!strcmp(b->stack[i], id)) {
      err(b, el, "include-cycle", "<xi:include href=\"%s\"> includes a file that is already being included (a cycle).", href);
      return NULL;
    }
  ep_buf disp;
  ep_buf_init(&disp);
  char *dd = ep_build_dir_of(display);
  if (href[0] != '/' && strcmp(dd, "."))
    ep_buf_printf(&disp, "%s/%s", dd, href);
  else
    ep_buf_puts(&disp, href);
  free(dd);
  const char *sub_display = ep_arena_strdup(&b->r->arena, ep_buf_str(&disp));
  ep_buf_free(&disp);
  ep_xml_doc *doc = ep_xml_parse_fd(fd, sub_display, &b->r->diags, el->doc->dict);
  if (!doc)
    return NULL;
  keep_doc(b, doc);
  note_include(b->r, abs);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (!root)
    return NULL;
  char *sub_dir = ep_build_dir_of(abs);
  b->stack[b->nstack++] = id;
  set_file(root, sub_display);
  ep_build_expand_includes(b, root, sub_display, sub_dir, level + 1);
  b->nstack--;
  free(sub_dir);
  root = xmlDocGetRootElement(doc);
  if (root)
    xmlUnlinkNode(root);
  return root;
}

// 'include_one()' - Resolve and confine one xi:include; on success replace it by the
// included document's root element (its own includes expanded), else remove it.
static void include_one(builder *b, xmlNodePtr el, const char *display, const char *dir_real, int level) {
  static const char *const at[] = {"href", "parse", "xpointer", "encoding", "accept",
                                   "accept-language", NULL};
  static const char *const req[] = {"href", NULL};
  if (b->include_budget_hit) { // reported once where it was reached
    xmlUnlinkNode(el);
    xmlFreeNode(el);
    return;
  }
  ep_build_check_attrs(b, el, at, req);
  char *href = get_attr(el, "href");
  char *parse = get_attr(el, "parse");
  char *xptr = get_attr(el, "xpointer");
  xmlNodePtr replacement = NULL;
  if (!href) {
    /* reported by check_attrs */
  } else if (has_scheme(href)) {
    err(b, el, "include-network", "<xi:include href=\"%s\"> is a URL; evalpdf never fetches from the network, include a file inside the include root.", href);
  } else if (!href[0]) {
    err(b, el, "bad-include", "<xi:include href=\"\"> names no file.");
  } else {
    // Opened beneath the root first (race-free: no symbolic link out is
    // followed at open time), so that an escape is named before other reasons.
    int fd = -1, e = 0;
    char *abs = NULL;
    ep_confined_rc rc = ep_open_confined(b->root_real, dir_real, href, &abs, &fd, &e);
    if (rc == EP_CONFINED_OUTSIDE)
      err(b, el, "include-outside-root", "<xi:include href=\"%s\"> lies outside the include root %s (by its path or through a symbolic link); use --root to widen it.",
          href, b->root_real);
    if (parse && strcmp(parse, "xml"))
      err(b, el, "bad-include", "<xi:include parse=\"%s\"> is not supported; only parse=\"xml\" includes report XML.", parse);
    else if (xptr)
      err(b, el, "bad-include", "<xi:include xpointer=\"…\"> is not supported; include a whole file.");
    else if (rc == EP_CONFINED_OK && level >= MAX_INCLUDE_DEPTH)
      err(b, el, "include-too-deep", "includes nest more than %d deep at href=\"%s\".", MAX_INCLUDE_DEPTH, href);
    else if (rc == EP_CONFINED_OK && !b->include_budget_hit)
      replacement = include_fd(b, el, fd, abs, href, display, level);
    else if (rc == EP_CONFINED_FAILED) {
      char eb[128];
      err(b, el, "include-not-found", "<xi:include href=\"%s\">: the file cannot be %s (%s).", href,
          e == ENOENT ? "found" : "read", ep_errno_text(e, eb, sizeof eb));
    }
    if (fd >= 0)
      close(fd);
    free(abs);
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

// 'ep_build_expand_includes()' - Replace every xi:include under ROOT (a file DISPLAY in DIR_REAL).
void ep_build_expand_includes(builder *b, xmlNodePtr root, const char *display, const char *dir_real, int level) {
  size_t n = 0, cap = 16;
  xmlNodePtr *found = ep_xmalloc(cap * sizeof *found);
  if (is_xinclude(root)) {
    err(b, root, "bad-include", "the root element of %s is itself an <xi:include>.", display);
    free(found);
    return;
  }
  for (xmlNodePtr x = root; x;) {
    bool inc = x->type == XML_ELEMENT_NODE && is_xinclude(x);
    if (inc) {
      if (n == cap) {
        cap *= 2;
        found = ep_xrealloc(found, cap * sizeof *found);
      }
      found[n++] = x;
    }
    x = next_xml(x, root, !inc); // an xi:include is replaced whole: not entered
  }
  for (size_t i = 0; i < n; i++)
    include_one(b, found[i], display, dir_real, level);
  free(found);
}
