// Safe XML loading: strict UTF-8, no DTD loading, no entities, no network,
// one error for a file that is not well-formed, and path confinement for
// XInclude and layout paths.
#include "xmlload.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/dict.h>
#include <libxml/xmlerror.h>

// Stated limits (README "Limits"): text of one element (one text node or one
// attribute value) and element nesting. libxml2's own caps (10 MB per node,
// 256 levels) are lifted with XML_PARSE_HUGE so that these apply instead and
// are reported as limits, not as malformed XML.
#define EP_MAX_TEXT_BYTES (1024L * 1024)
#define MAX_DEPTH 256 // element nesting; model.h's EP_MAX_NESTING relies on it

typedef struct load_state {
  ep_diags *diags;
  const char *display;
  bool reported;      // one error already recorded for this file
  bool entity_found;  // a DOCTYPE declared an entity
  bool dtd_found;     // a DOCTYPE named an external DTD
  unsigned long entity_line;
  char entity_name[128];
  const void *text_node; // the text node being accumulated
  size_t text_len;       // its length so far
} load_state;

// 'first_error()' - Record one error for this file (later ones are dropped).
static void first_error(load_state *st, unsigned long line, const char *code, const char *msg) {
  if (st->reported)
    return;
  st->reported = true;
  ep_diag_add(st->diags, EP_ERROR, st->display, line, code, "%s", msg);
}

// 'on_structured_error()' - libxml2 error callback: keep the first fatal/error message.
static void on_structured_error(void *data, xmlErrorPtr err) {
  xmlParserCtxtPtr ctxt = data;
  load_state *st = ctxt ? ctxt->_private : NULL;
  if (!st || !err || err->level < XML_ERR_ERROR)
    return;
  char msg[512];
  snprintf(msg, sizeof msg, "%s", err->message ? err->message : "malformed XML");
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
    msg[--n] = 0;
  for (char *p = msg; *p; p++)
    if (*p == '\n')
      *p = ' ';
  char full[600];
  if (strstr(msg, "Excessive depth"))
    snprintf(full, sizeof full, "elements nest more than 256 levels deep; the file is not read further.");
  else
    snprintf(full, sizeof full, "the file is not well-formed XML: %s.", msg);
  first_error(st, err->line > 0 ? (unsigned long)err->line : 1, "xml-not-well-formed", full);
}

// 'on_entity_decl()' - SAX hook: any entity declaration is refused and parsing stops.
static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content) {
  xmlParserCtxtPtr ctxt = ctx;
  load_state *st = ctxt->_private;
  if (!st->entity_found) {
    st->entity_found = true;
    st->entity_line = ctxt->input ? (unsigned long)ctxt->input->line : 1;
    snprintf(st->entity_name, sizeof st->entity_name, "%s", name ? (const char *)name : "?");
  }
  xmlStopParser(ctxt);
}

// 'on_unparsed_entity_decl()' - SAX hook: an unparsed entity (<!ENTITY n
// SYSTEM "…" NDATA x>) is refused like any other entity declaration.
static void on_unparsed_entity_decl(void *ctx, const xmlChar *name, const xmlChar *public_id,
                                    const xmlChar *system_id, const xmlChar *notation) {
  (void)notation;
  on_entity_decl(ctx, name, XML_EXTERNAL_GENERAL_UNPARSED_ENTITY, public_id, system_id, NULL);
}

// 'limit_error()' - Record a stated-limit error at the parser's line and stop.
static void limit_error(xmlParserCtxtPtr ctxt, load_state *st, long line, const char *msg) {
  first_error(st, line > 0 ? (unsigned long)line : 1, "limit", msg);
  xmlStopParser(ctxt);
}

// 'on_start_element()' - SAX hook: build the element as usual, then record the
// first line of its start tag in psvi (libxml2 keeps only 16 bits in ->line and
// the line of the tag's end).
static void on_start_element(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                             const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                             int nb_attributes, int nb_defaulted, const xmlChar **attributes) {
  xmlParserCtxtPtr ctxt = ctx;
  load_state *st = ctxt->_private;
  if (ctxt->nameNr > MAX_DEPTH) {
    char msg[120];
    snprintf(msg, sizeof msg, "elements nest more than %d levels deep; the file is not read further.", MAX_DEPTH);
    limit_error(ctxt, st, ctxt->input ? ctxt->input->line : 1, msg);
    return;
  }
  for (int i = 0; i < nb_attributes; i++) {
    if (attributes[i * 5 + 4] - attributes[i * 5 + 3] > EP_MAX_TEXT_BYTES) {
      char msg[300];
      snprintf(msg, sizeof msg, "attribute \"%s\" of <%s> is %ld bytes long; the limit is %ld bytes.",
               (const char *)attributes[i * 5], (const char *)localname,
               (long)(attributes[i * 5 + 4] - attributes[i * 5 + 3]), EP_MAX_TEXT_BYTES);
      limit_error(ctxt, st, ctxt->input ? ctxt->input->line : 1, msg);
      return;
    }
  }
  xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                        nb_defaulted, attributes);
  xmlNodePtr node = ctxt->node;
  if (!node || !ctxt->input || !ctxt->input->cur || !ctxt->input->base)
    return;
  long line = ctxt->input->line;
  const xmlChar *p = ctxt->input->cur;
  while (p > ctxt->input->base && *p != '<') {
    p--;
    if (*p == '\n')
      line--;
  }
  if (line < 1)
    line = 1;
  node->psvi = (void *)(ptrdiff_t)line;
}

// 'on_characters()' - SAX hook: add text as usual, and record in psvi the line
// where a new text node's first character stands.
static void on_characters(void *ctx, const xmlChar *ch, int len) {
  xmlParserCtxtPtr ctxt = ctx;
  load_state *st = ctxt->_private;
  if (st->reported)
    return;
  xmlNodePtr parent = ctxt->node;
  xmlNodePtr before = parent ? parent->last : NULL;
  xmlSAX2Characters(ctx, ch, len);
  if (!parent || !ctxt->input)
    return;
  xmlNodePtr t = parent->last;
  if (t != st->text_node) {
    st->text_node = t;
    st->text_len = 0;
  }
  st->text_len += (size_t)len;
  if (st->text_len > (size_t)EP_MAX_TEXT_BYTES) {
    char msg[300];
    snprintf(msg, sizeof msg, "the text in <%s> is longer than the limit of %ld bytes (1 MiB) of text without markup; split it into several elements.",
             (const char *)parent->name, EP_MAX_TEXT_BYTES);
    limit_error(ctxt, st, ctxt->input->line, msg);
    return;
  }
  if (t && t != before && (t->type == XML_TEXT_NODE || t->type == XML_CDATA_SECTION_NODE)) {
    long line = ctxt->input->line;
    for (int i = 0; i < len; i++)
      if (ch[i] == '\n')
        line--;
    t->psvi = (void *)(ptrdiff_t)(line < 1 ? 1 : line);
  }
}

// 'ep_xml_line()' - The first line of NODE's start tag (elements), else libxml2's line.
unsigned long ep_xml_line(const struct _xmlNode *node) {
  if (node && (node->type == XML_ELEMENT_NODE || node->type == XML_TEXT_NODE ||
               node->type == XML_CDATA_SECTION_NODE) && node->psvi)
    return (unsigned long)(ptrdiff_t)node->psvi;
  long l = node ? xmlGetLineNo((xmlNodePtr)node) : 0;
  return l > 0 ? (unsigned long)l : 0;
}

// 'refuse_entity()' - SAX hook: never resolve an external entity or DTD.
static xmlParserInputPtr refuse_entity(void *ctx, const xmlChar *public_id, const xmlChar *system_id) {
  return NULL;
}

// 'no_external_subset()' - SAX hook: an external DTD is never loaded; naming one is an error.
static void no_external_subset(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                               const xmlChar *system_id) {
  xmlParserCtxtPtr ctxt = ctx;
  load_state *st = ctxt->_private;
  if ((ext_id || system_id) && !st->entity_found && !st->dtd_found) {
    st->dtd_found = true;
    st->entity_line = ctxt->input ? (unsigned long)ctxt->input->line : 1;
    snprintf(st->entity_name, sizeof st->entity_name, "%s",
             system_id ? (const char *)system_id : (const char *)ext_id);
    xmlStopParser(ctxt);
  }
}

// 'check_encoding_decl()' - True when the XML declaration names no encoding or UTF-8.
// Stores the declared name in NAME when it is something else.
static bool check_encoding_decl(const unsigned char *p, size_t n, char *name, size_t name_size) {
  if (n < 5 || memcmp(p, "<?xml", 5) != 0)
    return true;
  size_t end = 5;
  while (end + 1 < n && !(p[end] == '?' && p[end + 1] == '>'))
    end++;
  const char *key = "encoding";
  for (size_t i = 5; i + 8 < end; i++) {
    if (memcmp(p + i, key, 8) != 0)
      continue;
    size_t j = i + 8;
    while (j < end && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r' || p[j] == '\n'))
      j++;
    if (j >= end || p[j] != '=')
      return true;
    j++;
    while (j < end && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r' || p[j] == '\n'))
      j++;
    if (j >= end || (p[j] != '"' && p[j] != '\''))
      return true;
    unsigned char q = p[j++];
    size_t k = j;
    while (k < end && p[k] != q)
      k++;
    size_t len = k - j;
    snprintf(name, name_size, "%.*s", (int)(len < 60 ? len : 60), (const char *)p + j);
    return (len == 5 && !strncasecmp((const char *)p + j, "UTF-8", 5)) ||
           (len == 4 && !strncasecmp((const char *)p + j, "UTF8", 4));
  }
  return true;
}

// 'ep_xml_parse()' - Parse FILE_PATH safely (see model.h).
ep_xml_doc *ep_xml_parse(const char *file_path, const char *display, ep_diags *diags) {
  return ep_xml_parse_dict(file_path, display, diags, NULL);
}

// 'read_error()' - The io-error for a file that cannot be read (errno E).
static void read_error(ep_diags *diags, const char *display, int e) {
  if (e == EFBIG)
    ep_diag_add(diags, EP_ERROR, display, 0, "limit", "the file is larger than the limit of %ld bytes (64 MiB).",
                EP_MAX_FILE_BYTES);
  else {
    char eb[128];
    ep_diag_add(diags, EP_ERROR, display, 0, "io-error", "cannot read the file: %s.",
                e == EINVAL ? "not a regular file" : ep_errno_text(e, eb, sizeof eb));
  }
}

// 'ep_xml_parse_dict()' - Parse FILE_PATH safely, interning names in DICT (the
// including document's dictionary) when not NULL, so that included trees can be
// spliced into it. The file is opened once and read from that descriptor.
ep_xml_doc *ep_xml_parse_dict(const char *file_path, const char *display, ep_diags *diags, void *dict) {
  int fd = open(file_path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    read_error(diags, display, errno);
    return NULL;
  }
  ep_xml_doc *doc = ep_xml_parse_fd(fd, display, diags, dict);
  close(fd);
  return doc;
}

// 'ep_xml_parse_fd()' - Parse the regular file open on FD (not closed; checked
// with fstat, at most EP_MAX_FILE_BYTES).
ep_xml_doc *ep_xml_parse_fd(int fd, const char *display, ep_diags *diags, void *dict) {
  size_t len = 0;
  unsigned char *buf = ep_read_fd(fd, (size_t)EP_MAX_FILE_BYTES, &len);
  if (!buf) {
    read_error(diags, display, errno);
    return NULL;
  }
  ep_xml_doc *doc = ep_xml_parse_memory(buf, len, display, display, diags, dict);
  free(buf);
  return doc;
}

// 'check_utf8()' - Strict UTF-8 check of the N bytes at P before parsing, so
// an invalid byte or a NUL is reported (one error in DIAGS, naming DISPLAY) at
// its own line and column and never guessed at or replaced. True when valid.
static bool check_utf8(const unsigned char *p, size_t n, const char *display, ep_diags *diags) {
  unsigned long line = 1, col = 1;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t l = ep_utf8_decode(p + i, n - i, &cp);
    if (!l) {
      char bytes[32];
      size_t k = 0, m = n - i < 4 ? n - i : 4;
      for (size_t j = 0; j < m && k + 6 < sizeof bytes; j++) {
        if (j > 0 && (p[i + j] & 0xC0) != 0x80)
          break; // the next character starts here
        k += (size_t)snprintf(bytes + k, sizeof bytes - k, "%s0x%02X", j ? " " : "", p[i + j]);
      }
      ep_diag_add(diags, EP_ERROR, display, line, "invalid-utf8",
                  "invalid UTF-8 at column %lu (bytes %s); the file must be UTF-8.", col, bytes);
      return false;
    }
    if (cp == 0) {
      ep_diag_add(diags, EP_ERROR, display, line, "invalid-utf8",
                  "a NUL byte at column %lu; the file must be UTF-8 text.", col);
      return false;
    }
    if (cp == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
    i += l;
  }
  return true;
}

// 'lf_only()' - The N bytes at P with XML's end-of-line handling applied
// (XML 1.0 section 2.11: each CR LF pair and each CR alone become one LF), in
// a new heap buffer of *OUT_N bytes; NULL when P has no CR. The parse is the
// same either way, but libxml2 counts lines by LF only: a file with CR line
// ends would have every diagnostic on line 1. Byte-wise is safe before the
// UTF-8 check: 0x0D is never part of a multi-byte sequence.
static unsigned char *lf_only(const unsigned char *p, size_t n, size_t *out_n) {
  if (!memchr(p, '\r', n))
    return NULL;
  unsigned char *q = ep_xmalloc(n ? n : 1);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] != '\r')
      q[k++] = p[i];
    else if (i + 1 >= n || p[i + 1] != '\n')
      q[k++] = '\n';
  }
  *out_n = k;
  return q;
}

// 'ep_xml_parse_memory()' - Parse the LEN bytes at BUF safely (the whole file;
// borrowed); BASE names the document for libxml2 (may be NULL), DISPLAY for
// diagnostics.
ep_xml_doc *ep_xml_parse_memory(const unsigned char *buf, size_t len, const char *base, const char *display,
                                ep_diags *diags, void *dict) {
  load_state st = {diags, display, false, false, false, 0, {0}, NULL, 0};
  if (len > (size_t)EP_MAX_FILE_BYTES) {
    read_error(diags, display, EFBIG);
    return NULL;
  }
  const unsigned char *p = buf;
  size_t n = len;
  if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
    p += 3;
    n -= 3;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) { // (xmllint rejects it: "Start tag expected")
      ep_diag_add(diags, EP_ERROR, display, 1, "xml-not-well-formed",
                  "the file starts with two byte-order marks (U+FEFF); remove the second.");
      return NULL;
    }
  } else if (n >= 4 && ((p[0] == 0xFF && p[1] == 0xFE && !p[2] && !p[3]) || (!p[0] && !p[1] && p[2] == 0xFE && p[3] == 0xFF))) {
    ep_diag_add(diags, EP_ERROR, display, 1, "encoding-not-utf8",
                "the file is UTF-32 (byte-order mark found); report XML must be UTF-8.");
    return NULL;
  } else if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
    ep_diag_add(diags, EP_ERROR, display, 1, "encoding-not-utf8",
                "the file is UTF-16 (byte-order mark found); report XML must be UTF-8.");
    return NULL;
  }
  char enc[64] = "";
  if (!check_encoding_decl(p, n, enc, sizeof enc)) {
    ep_diag_add(diags, EP_ERROR, display, 1, "encoding-not-utf8",
                "the XML declaration names encoding \"%s\"; report XML must be UTF-8 (convert the file, e.g. iconv -f %s -t UTF-8).",
                enc, enc);
    return NULL;
  }
  size_t lf_n = 0;
  unsigned char *lf = lf_only(p, n, &lf_n);
  if (lf) {
    p = lf;
    n = lf_n;
  }
  bool utf8_ok = check_utf8(p, n, display, diags); // (says why when not)
  xmlParserCtxtPtr ctxt = utf8_ok ? xmlNewParserCtxt() : NULL;
  if (!ctxt) {
    if (utf8_ok)
      ep_diag_add(diags, EP_ERROR, display, 0, "out-of-memory", "out of memory creating the XML parser.");
    free(lf);
    return NULL;
  }
  if (dict) {
    xmlDictFree(ctxt->dict);
    ctxt->dict = dict;
    xmlDictReference(ctxt->dict);
  }
  ctxt->_private = &st;
  ctxt->sax->serror = on_structured_error;
  ctxt->sax->entityDecl = on_entity_decl;
  ctxt->sax->unparsedEntityDecl = on_unparsed_entity_decl;
  ctxt->sax->resolveEntity = refuse_entity;
  ctxt->sax->startElementNs = on_start_element;
  ctxt->sax->characters = on_characters;
  ctxt->sax->cdataBlock = NULL;
  ctxt->sax->externalSubset = no_external_subset;
  ctxt->sax->warning = NULL;
  ctxt->sax->error = NULL;
  ctxt->sax->fatalError = NULL;
  ctxt->vctxt.error = NULL;
  ctxt->vctxt.warning = NULL;
  // XML_PARSE_HUGE lifts libxml2's 10 MB node and 256-level depth caps on
  // purpose: the SAX hooks above enforce the stated, smaller limits instead.
  int options = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING | XML_PARSE_HUGE;
  xmlDocPtr doc = xmlCtxtReadMemory(ctxt, (const char *)p, (int)n, base, "UTF-8", options);
  if (st.entity_found || st.dtd_found) {
    // the DOCTYPE was refused before anything it names was read: one error
    if (doc)
      xmlFreeDoc(doc);
    doc = NULL;
    st.reported = false;
    char msg[300];
    if (st.entity_found)
      snprintf(msg, sizeof msg,
               "the DOCTYPE declares entity \"%s\"; entities are not allowed in report XML (write the text out).",
               st.entity_name);
    else
      snprintf(msg, sizeof msg,
               "the DOCTYPE names an external DTD \"%s\"; evalpdf never loads DTDs (remove the DOCTYPE).",
               st.entity_name);
    first_error(&st, st.entity_line, st.entity_found ? "entity-declared" : "dtd-external", msg);
  } else if (!doc || !ctxt->wellFormed || st.reported) {
    if (doc)
      xmlFreeDoc(doc);
    doc = NULL;
    if (!st.reported)
      first_error(&st, 1, "xml-not-well-formed", "the file is not well-formed XML.");
  }
  xmlFreeParserCtxt(ctxt);
  free(lf); // the document copied what it keeps
  return doc;
}

// 'ep_path_confined()' - Test that PATH lies beneath ROOT_REAL (see model.h):
// lexically, then by opening it beneath the root (no symbolic link out).
int ep_path_confined(const char *path, const char *root_real, char **real) {
  int fd, e;
  ep_confined_rc rc = ep_open_confined(root_real, "/", path, real, &fd, &e);
  if (rc == EP_CONFINED_OK) {
    close(fd);
    return 0;
  }
  if (rc != EP_CONFINED_OUTSIDE) { // not found: no path is handed back
    free(*real);
    *real = NULL;
  }
  errno = e;
  return rc == EP_CONFINED_OUTSIDE ? 1 : -1;
}
