// Public-API test, written only against include/evalpdf.h: a report loaded
// from memory takes its name and its include root from the call. Its
// diagnostics name it as given; an XInclude inside the root is read (and
// listed as an input); one that leaves the root by "..", by an absolute path,
// through a symbolic link or as a URL is an error that reads nothing; a root
// that is no directory is an error too. Usage: test_load_memory SCRATCH_DIR
#include "evalpdf.h"
#include "api_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

// 'write_file()' - Write TEXT to PATH (abort on failure: a broken scratch folder).
static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
    perror(path);
    exit(2);
  }
}

// 'has_code()' - True when DOC has an error diagnostic with CODE naming file NAME at LINE.
static int has_code(const evalpdf_document *doc, const char *code, const char *name, unsigned long line) {
  for (size_t i = 0; i < evalpdf_diag_count(doc); i++) {
    evalpdf_diag d;
    if (evalpdf_diag_get(doc, i, &d) == 0 && d.severity == EVALPDF_ERROR && !strcmp(d.code, code) &&
        !strcmp(d.file, name) && d.line == line)
      return 1;
  }
  return 0;
}

// 'load_with()' - Load a report that includes HREF (on line 3) from memory
// as NAME with include root ROOT; the document (caller frees) and status in *ST.
static evalpdf_document *load_with(evalpdf_context *ctx, const char *href, const char *name, const char *root,
                                   evalpdf_status *st) {
  char xml[2048];
  snprintf(xml, sizeof xml,
           "<report xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n<meta><title>内存</title></meta>\n"
           "<body><p>正文。</p><xi:include href=\"%s\"/></body>\n</report>\n",
           href);
  evalpdf_document *doc = NULL;
  *st = evalpdf_document_load_memory(ctx, xml, strlen(xml), name, root, &doc);
  return doc;
}

// 'main()' - Usage: test_load_memory SCRATCH_DIR
int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  char base[1024], root[1100], inc[1200], p[1300], outside[1200];
  snprintf(base, sizeof base, "%s/load-memory-%ld", argv[1], (long)getpid());
  snprintf(root, sizeof root, "%s/root", base);
  snprintf(inc, sizeof inc, "%s/inc", root);
  mkdir(base, 0700);
  mkdir(root, 0700);
  mkdir(inc, 0700);
  const char *section = "<section title=\"包含的节\"><p>包含的段落。</p></section>\n";
  snprintf(p, sizeof p, "%s/part.xml", inc);
  write_file(p, section);
  snprintf(outside, sizeof outside, "%s/outside.xml", base);
  write_file(outside, section);
  snprintf(p, sizeof p, "%s/link.xml", root);
  unlink(p);
  if (symlink("../outside.xml", p) != 0) {
    perror(p);
    return 2;
  }

  evalpdf_context *ctx = NULL;
  char err[512];
  check(evalpdf_context_new(NULL, &ctx, err, sizeof err) == EVALPDF_OK, "context: %s", err);
  if (!ctx)
    return 1;
  evalpdf_status st;

  // Inside the root: read, listed after the report's own name.
  evalpdf_document *doc = load_with(ctx, "inc/part.xml", "名字.xml", root, &st);
  check(st == EVALPDF_OK, "include inside the root: status %d (%s)", st, evalpdf_status_string(st));
  check(evalpdf_document_status(doc) == st, "document status equals the load's");
  check(!strcmp(evalpdf_document_path(doc), "名字.xml"), "the document has the given name (%s)",
        evalpdf_document_path(doc));
  check(evalpdf_document_input_count(doc) == 2, "two inputs (%zu)", evalpdf_document_input_count(doc));
  if (evalpdf_document_input_count(doc) == 2) {
    check(!strcmp(evalpdf_document_input(doc, 0), "名字.xml"), "input 0 is the name");
    check(strstr(evalpdf_document_input(doc, 1), "/root/inc/part.xml") != NULL, "input 1 is the part (%s)",
          evalpdf_document_input(doc, 1));
  }
  unsigned char *pdf = NULL;
  size_t len = 0;
  check(evalpdf_document_render_memory(doc, NULL, &pdf, &len) == EVALPDF_OK && len > 1000, "renders");
  evalpdf_free(pdf);
  evalpdf_document_free(doc);

  // Leaving the root, each way: an error at the include's line, nothing read.
  char abs_out[1300];
  snprintf(abs_out, sizeof abs_out, "%s", outside);
  const char *escapes[] = {"../outside.xml", "inc/../../outside.xml", abs_out, "link.xml"};
  for (size_t i = 0; i < sizeof escapes / sizeof *escapes; i++) {
    doc = load_with(ctx, escapes[i], "mem.xml", root, &st);
    check(st == EVALPDF_ERR_INPUT, "href %s: status %d", escapes[i], st);
    check(has_code(doc, "include-outside-root", "mem.xml", 3), "href %s: include-outside-root at mem.xml:3",
          escapes[i]);
    check(evalpdf_document_input_count(doc) == 1, "href %s: nothing else read (%zu inputs)", escapes[i],
          evalpdf_document_input_count(doc));
    evalpdf_document_free(doc);
  }
  char url[1300];
  snprintf(url, sizeof url, "file://%s", outside);
  doc = load_with(ctx, url, "mem.xml", root, &st);
  check(st == EVALPDF_ERR_INPUT && has_code(doc, "include-network", "mem.xml", 3), "a file:// URL is refused");
  check(evalpdf_document_input_count(doc) == 1, "the URL read nothing");
  evalpdf_document_free(doc);

  // The same report with the wider root BASE: the outside file is now inside.
  doc = load_with(ctx, "../outside.xml", "mem.xml", base, &st);
  check(st == EVALPDF_ERR_INPUT, "relative hrefs resolve against the root, not above it (status %d)", st);
  evalpdf_document_free(doc);
  doc = load_with(ctx, "outside.xml", "mem.xml", base, &st);
  check(st == EVALPDF_OK, "with root BASE, outside.xml is inside (status %d)", st);
  evalpdf_document_free(doc);

  // A root that is not a directory.
  doc = load_with(ctx, "inc/part.xml", "mem.xml", outside, &st);
  check(st != EVALPDF_OK && evalpdf_diag_count(doc) >= 1, "a file as the root is refused (status %d)", st);
  evalpdf_document_free(doc);

  // Missing pointers are usage errors, not crashes; an empty buffer may be NULL.
  doc = (evalpdf_document *)1;
  check(evalpdf_document_load(NULL, "x.xml", &doc) == EVALPDF_ERR_USAGE && !doc, "a NULL context is refused");
  check(evalpdf_document_load(ctx, "x.xml", NULL) == EVALPDF_ERR_USAGE, "a NULL output is refused");
  check(evalpdf_document_load_memory(ctx, NULL, 10, "m.xml", NULL, &doc) == EVALPDF_ERR_USAGE && !doc,
        "NULL data of 10 bytes is refused");
  st = evalpdf_document_load_memory(ctx, NULL, 0, "empty.xml", NULL, &doc);
  check(st == EVALPDF_ERR_INPUT && doc && evalpdf_diag_count(doc) >= 1, "NULL data of 0 bytes is an empty report (status %d)", st);
  unsigned char *data = (unsigned char *)1;
  size_t dlen = 7;
  check(evalpdf_document_render_memory(doc, NULL, &data, NULL) == EVALPDF_ERR_USAGE && !data,
        "render_memory without a length pointer is refused");
  check(evalpdf_document_render_memory(NULL, NULL, &data, &dlen) == EVALPDF_ERR_USAGE && !data && !dlen,
        "render_memory without a document is refused");
  check(evalpdf_document_render(doc, NULL, NULL) == EVALPDF_ERR_USAGE, "render without a path is refused");
  check(evalpdf_document_render_inputs(doc, NULL, NULL, NULL) == EVALPDF_ERR_USAGE, "render_inputs without a callback");
  check(evalpdf_diag_get(doc, 0, NULL) == -1, "diag_get without an output");
  // A diagnostic as a line of text: its parts, an invalid byte of the name as \xHH.
  evalpdf_diag dd = {"bad\xE9.xml", 7, EVALPDF_WARNING, "x", "标题缺失"};
  char *dl = evalpdf_diag_line(&dd);
  check(dl && !strcmp(dl, "bad\\xE9.xml:7: warning: 标题缺失"), "diag_line: %s", dl ? dl : "(null)");
  evalpdf_free(dl);
  dd = (evalpdf_diag){"", 0, EVALPDF_ERROR, "y", "no file"};
  dl = evalpdf_diag_line(&dd);
  check(dl && !strcmp(dl, "evalpdf: error: no file"), "diag_line without a file: %s", dl ? dl : "(null)");
  evalpdf_free(dl);
  check(evalpdf_diag_line(NULL) == NULL, "diag_line of NULL");
  evalpdf_document_free(doc);
  check(evalpdf_document_status(NULL) == EVALPDF_ERR_USAGE && evalpdf_diag_count(NULL) == 0 &&
            evalpdf_document_path(NULL) == NULL && evalpdf_document_input_count(NULL) == 0 &&
            evalpdf_context_layout_count(NULL) == 0 && evalpdf_file_is_report(NULL) == -1,
        "queries on NULL answer without crashing");
  evalpdf_options o;
  evalpdf_options_init(&o);
  check(evalpdf_context_new(&o, NULL, NULL, 0) == EVALPDF_ERR_USAGE, "context_new without an output");
  // A creation date outside -1 and 0..9999-12-31 is refused, with a diagnostic.
  doc = load_with(ctx, "outside.xml", "mem.xml", base, &st);
  evalpdf_render_options ro;
  evalpdf_render_options_init(&ro);
  const long long bad_dates[] = {-2, 253402300800LL};
  for (size_t i = 0; i < 2; i++) {
    ro.creation_date = bad_dates[i];
    st = evalpdf_document_render_memory(doc, &ro, &data, &dlen);
    char *t = diags_text(doc);
    check(st == EVALPDF_ERR_USAGE && !data && strstr(t, "creation_date"), "creation_date %lld refused (status %d): %s",
          bad_dates[i], st, t);
    free(t);
  }
  evalpdf_document_free(doc);

  evalpdf_context_free(ctx);
  snprintf(p, sizeof p, "%s/link.xml", root);
  unlink(p);
  if (failures)
    fprintf(stderr, "%d failure(s)\n", failures);
  else
    printf("load from memory: name, include root and confinement as documented\n");
  return failures ? 1 : 0;
}
