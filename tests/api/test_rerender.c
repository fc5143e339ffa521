// Public-API contract test, written only against include/evalpdf.h: one
// document rendered three times in a row gives identical PDFs and identical
// diagnostics, the load status never changes, a failed write does not stop
// the next render, a render's diagnostics replace the previous render's,
// loading from memory equals loading from the file, and the creation date
// comes from the render options only, and a layout file edited while the
// context lives is read again by the next render (as a new context reads it).
#include "evalpdf.h"
#include "api_check.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

// 'read_file()' - The whole file PATH (heap), length in *LEN; NULL when unreadable.
static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  *len = fread(buf, 1, (size_t)n, f);
  fclose(f);
  return buf;
}

// 'write_file()' - Write LEN bytes of DATA to PATH, through a temporary
// renamed over it when RENAME (as editors save), else in place. False on failure.
static bool write_file(const char *path, const char *data, size_t len, bool rename_over) {
  char tmp[1200];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  const char *to = rename_over ? tmp : path;
  FILE *f = fopen(to, "wb");
  if (!f)
    return false;
  bool ok = fwrite(data, 1, len, f) == len;
  ok = fclose(f) == 0 && ok;
  return ok && (!rename_over || rename(tmp, path) == 0);
}

// 'replace_once()' - A heap copy of the LEN bytes of S with the first FROM
// replaced by TO (*OUT_LEN bytes); NULL when FROM does not occur.
static char *replace_once(const char *s, size_t len, const char *from, const char *to, size_t *out_len) {
  const char *at = memmem(s, len, from, strlen(from));
  if (!at)
    return NULL;
  size_t head = (size_t)(at - s), fl = strlen(from), tl = strlen(to);
  char *r = malloc(len - fl + tl + 1);
  memcpy(r, s, head);
  memcpy(r + head, to, tl);
  memcpy(r + head + tl, at + fl, len - head - fl);
  *out_len = len - fl + tl;
  r[*out_len] = 0;
  return r;
}

// 'fresh_render()' - DOC_PATH rendered with layout LAYOUT in a new context
// (the reference for a layout edited under a living one), or NULL.
static unsigned char *fresh_render(const char *doc_path, const char *layout, size_t *len) {
  evalpdf_context *c = NULL;
  evalpdf_document *d = NULL;
  unsigned char *out = NULL;
  *len = 0;
  evalpdf_render_options ro;
  evalpdf_render_options_init(&ro);
  ro.creation_date = 1700000000;
  ro.layout = layout;
  if (evalpdf_context_new(NULL, &c, NULL, 0) == EVALPDF_OK && evalpdf_document_load(c, doc_path, &d) == EVALPDF_OK &&
      evalpdf_document_render_memory(d, &ro, &out, len) != EVALPDF_OK)
    out = NULL;
  evalpdf_document_free(d);
  evalpdf_context_free(c);
  return out;
}

// 'early_context()' - A new context made with EVALPDF_OPT_PREPARE (its font
// list starts at once), checked as WHAT number MODE; NULL when it failed.
static evalpdf_context *early_context(const char *what, int mode) {
  evalpdf_options eo;
  evalpdf_options_init(&eo);
  eo.flags = EVALPDF_OPT_PREPARE;
  evalpdf_context *c = NULL;
  char err[1024] = "";
  check(evalpdf_context_new(&eo, &c, err, sizeof err) == EVALPDF_OK, "%s %d: %s", what, mode, err);
  return c;
}

// 'check_layout_edits()' - A layout file edited between renders of one
// document in one context: each render uses the file as it is then (the
// same bytes as a new context gives), a broken edit is reported at the next
// render and a repaired one renders again. SCRATCH: a writable folder.
static void check_layout_edits(evalpdf_context *ctx, evalpdf_document *doc, const char *scratch) {
  const char *official = NULL;
  for (size_t i = 0; i < evalpdf_context_layout_count(ctx); i++) {
    const char *name, *path, *source;
    if (evalpdf_context_layout(ctx, i, &name, &path, &source) == 0 && !strcmp(name, "official"))
      official = path;
  }
  check(official != NULL, "the official layout is listed");
  size_t olen = 0;
  char *orig = official ? read_file(official, &olen) : NULL;
  check(orig != NULL, "the official layout can be read");
  if (!orig)
    return;
  size_t elen = 0, blen = 0;
  char *edited = replace_once(orig, olen, "lines=\"22\"", "lines=\"18\"   ", &elen); // another size
  char *broken = replace_once(orig, olen, "<roles>", "<roles", &blen);
  check(edited && broken, "the official layout has a 22-line grid and roles");
  char layout[1024];
  snprintf(layout, sizeof layout, "%s/edited-layout.xml", scratch);
  evalpdf_render_options ro;
  evalpdf_render_options_init(&ro);
  ro.creation_date = 1700000000;
  ro.layout = layout;
  unsigned char *a = NULL, *b = NULL, *ref = NULL;
  size_t alen = 0, blen2 = 0, rlen = 0;
  check(write_file(layout, orig, olen, false), "write %s", layout);
  check(evalpdf_document_render_memory(doc, &ro, &a, &alen) == EVALPDF_OK, "render with the copied layout");
  // An edit saved by renaming a new file over the old one.
  check(edited && write_file(layout, edited, elen, true), "edit %s (rename)", layout);
  check(evalpdf_document_render_memory(doc, &ro, &b, &blen2) == EVALPDF_OK, "render after the edit");
  check(a && b && (alen != blen2 || memcmp(a, b, alen)), "the edited layout changes the PDF");
  ref = fresh_render(evalpdf_document_path(doc), layout, &rlen);
  check(ref && b && rlen == blen2 && !memcmp(ref, b, rlen), "the render after the edit equals a new context's");
  evalpdf_free(ref);
  // A broken edit in place: an error now, not the cached layout.
  check(broken && write_file(layout, broken, blen, false), "break %s (in place)", layout);
  unsigned char *none = NULL;
  size_t nlen = 0;
  evalpdf_status bs = evalpdf_document_render_memory(doc, &ro, &none, &nlen);
  check(bs == EVALPDF_ERR_USAGE && none == NULL, "a broken layout edit is reported at the next render (status %d)", bs);
  char *bd = diags_text(doc);
  check(strstr(bd, "edited-layout.xml") != NULL, "the diagnostics name the broken layout:\n%s", bd);
  free(bd);
  // Repaired: the first version again, the first bytes again.
  check(write_file(layout, orig, olen, true), "repair %s", layout);
  unsigned char *c = NULL;
  size_t clen = 0;
  check(evalpdf_document_render_memory(doc, &ro, &c, &clen) == EVALPDF_OK, "render after the repair");
  check(a && c && clen == alen && !memcmp(a, c, alen), "the repaired layout renders the first PDF again");
  evalpdf_free(a);
  evalpdf_free(b);
  evalpdf_free(c);
  free(edited);
  free(broken);
  free(orig);
  remove(layout);
}

// 'main()' - Usage: test_rerender REPORT.xml SCRATCH_DIR
int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s REPORT.xml SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  // The library never reads $SOURCE_DATE_EPOCH (the date is a render option):
  // set here, before any thread exists, it must change nothing below.
  setenv("SOURCE_DATE_EPOCH", "1600000000", 1);
  evalpdf_context *ctx = NULL;
  char err[512];
  check(evalpdf_context_new(NULL, &ctx, err, sizeof err) == EVALPDF_OK, "context: %s", err);
  if (!ctx)
    return 1;
  evalpdf_document *doc = NULL;
  evalpdf_status ls = evalpdf_document_load(ctx, argv[1], &doc);
  check(ls == EVALPDF_OK, "load status %d (%s)", ls, evalpdf_status_string(ls));
  check(evalpdf_document_meta(doc, "title") != NULL, "the report has a title");
  size_t load_count = evalpdf_diag_count(doc);

  evalpdf_render_options ro;
  evalpdf_render_options_init(&ro);
  check(ro.creation_date == -1 && ro.layout == NULL, "render options defaults");
  ro.creation_date = 1700000000;

  unsigned char *pdf[3] = {0};
  size_t len[3] = {0};
  char *diag[3] = {0};
  for (int i = 0; i < 3; i++) {
    evalpdf_status rs = evalpdf_document_render_memory(doc, &ro, &pdf[i], &len[i]);
    check(rs == EVALPDF_OK, "render %d: status %d", i, rs);
    check(evalpdf_document_status(doc) == ls, "load status unchanged after render %d", i);
    diag[i] = diags_text(doc);
    check(len[i] > 1000 && pdf[i] && !memcmp(pdf[i], "%PDF-", 5), "render %d gives a PDF", i);
  }
  for (int i = 1; i < 3; i++) {
    check(len[i] == len[0] && !memcmp(pdf[i], pdf[0], len[0]), "render %d is byte-identical to render 0", i);
    check(!strcmp(diag[i], diag[0]), "render %d diagnostics equal render 0's:\n%s---\n%s", i, diag[i], diag[0]);
  }
  check(evalpdf_diag_count(doc) >= load_count, "render keeps the load diagnostics");

  // The date comes from the options: a different date gives different bytes, no date no CreationDate.
  ro.creation_date = -1;
  unsigned char *nodate = NULL;
  size_t nodate_len = 0;
  check(evalpdf_document_render_memory(doc, &ro, &nodate, &nodate_len) == EVALPDF_OK, "render without date");
  check(nodate && !memmem(nodate, nodate_len, "CreationDate", 12), "no CreationDate without a date");
  check(memmem(pdf[0], len[0], "CreationDate", 12) != NULL, "CreationDate with a date");
  // 1700000000 is 2023-11-14T22:13:20Z (D:20231114221320), 1600000000 2020-09-13
  check(memmem(pdf[0], len[0], "D:2023111422132", 15) != NULL && !memmem(pdf[0], len[0], "D:20200913", 10),
        "the date of the render options, not of $SOURCE_DATE_EPOCH");
  evalpdf_free(nodate);
  ro.creation_date = 1700000000;

  // Failed writes (a missing folder; a path through a file, which no one,
  // not even root, can write): each adds one io-error to the first render's
  // diagnostics (not to the previous one's), the status stays the load's,
  // and the document renders again afterwards with the first render's diagnostics.
  size_t render_count = evalpdf_diag_count(doc);
  char bad[1024];
  snprintf(bad, sizeof bad, "%s/no-such-folder/x.pdf", argv[2]);
  const char *unwritable[] = {bad, "/dev/null/x.pdf", bad};
  for (size_t k = 0; k < sizeof unwritable / sizeof *unwritable; k++) {
    evalpdf_status ws = evalpdf_document_render(doc, &ro, unwritable[k]);
    check(ws == EVALPDF_ERR_IO, "write to %s: status %d", unwritable[k], ws);
    char *after_fail = diags_text(doc);
    check(strstr(after_fail, "io-error") != NULL, "the failed write to %s is diagnosed", unwritable[k]);
    free(after_fail);
    check(evalpdf_diag_count(doc) == render_count + 1, "after failed write %zu: %zu diagnostics, not %zu + 1", k,
          evalpdf_diag_count(doc), render_count);
    check(evalpdf_document_status(doc) == ls, "load status unchanged after a failed write");
  }
  char good[1024];
  snprintf(good, sizeof good, "%s/rerender.pdf", argv[2]);
  check(evalpdf_document_render(doc, &ro, good) == EVALPDF_OK, "renders again after a failed write");
  char *after_ok = diags_text(doc);
  check(!strcmp(after_ok, diag[0]), "diagnostics after the good write equal the first render's");
  check(evalpdf_diag_count(doc) == render_count, "as many diagnostics after the good write as after the first render");
  free(after_ok);
  size_t flen = 0;
  char *file = read_file(good, &flen);
  check(file && flen == len[0] && !memcmp(file, pdf[0], flen), "the file equals the memory render");
  free(file);

  // An unknown layout in the options is a usage error with a diagnostic; nothing changes otherwise.
  evalpdf_render_options bad_layout = ro;
  bad_layout.layout = "no-such-layout";
  unsigned char *none = NULL;
  size_t none_len = 1;
  check(evalpdf_document_render_memory(doc, &bad_layout, &none, &none_len) == EVALPDF_ERR_USAGE,
        "unknown layout is a usage error");
  check(none == NULL && none_len == 0, "no buffer on failure");
  char *unk = diags_text(doc);
  check(strstr(unk, "unknown-layout") != NULL, "unknown layout diagnosed");
  free(unk);

  // Memory load equals file load.
  size_t xlen = 0;
  char *xml = read_file(argv[1], &xlen);
  char root[1024];
  snprintf(root, sizeof root, "%s", argv[1]);
  char *slash = strrchr(root, '/');
  if (slash)
    *slash = 0;
  else
    snprintf(root, sizeof root, ".");
  evalpdf_document *mdoc = NULL;
  check(evalpdf_document_load_memory(ctx, xml, xlen, evalpdf_document_path(doc), root, &mdoc) == ls,
        "memory load status");
  unsigned char *mpdf = NULL;
  size_t mlen = 0;
  check(evalpdf_document_render_memory(mdoc, &ro, &mpdf, &mlen) == EVALPDF_OK, "memory doc renders");
  check(mlen == len[0] && mpdf && !memcmp(mpdf, pdf[0], mlen), "memory load renders the same PDF");
  evalpdf_free(mpdf);
  evalpdf_document_free(mdoc);
  free(xml);

  // A broken report: load status INPUT, render refuses with the same status and writes nothing.
  const char broken[] = "<report><meta><title>x</title></meta><body><p>unclosed</body></report>";
  evalpdf_document *bdoc = NULL;
  check(evalpdf_document_load_memory(ctx, broken, sizeof broken - 1, "broken.xml", root, &bdoc) ==
            EVALPDF_ERR_INPUT,
        "broken report is an input error");
  size_t e = 0;
  evalpdf_document_counts(bdoc, &e, NULL);
  check(e >= 1 && evalpdf_diag_count(bdoc) >= 1, "broken report has an error diagnostic");
  evalpdf_diag d;
  check(evalpdf_diag_get(bdoc, 0, &d) == 0 && !strcmp(d.file, "broken.xml") && d.line == 1 &&
            d.severity == EVALPDF_ERROR,
        "error names broken.xml:1");
  check(evalpdf_diag_get(bdoc, evalpdf_diag_count(bdoc), &d) == -1, "out of range get");
  check(evalpdf_document_render_memory(bdoc, &ro, &none, &none_len) == EVALPDF_ERR_INPUT, "no render of a broken report");
  evalpdf_document_free(bdoc);

  check(strcmp(evalpdf_status_string(EVALPDF_ERR_PDF), "unknown status") != 0, "status strings");
  check(!strcmp(evalpdf_status_string((evalpdf_status)99), "unknown status"), "unknown status string");
  check(evalpdf_context_layout_count(ctx) >= 2, "at least the two shipped layouts");
  check_layout_edits(ctx, doc, argv[2]);

  // A prepared context (layout and fonts loaded on a background thread while
  // the document loads) renders the same bytes and diagnostics; a bad layout
  // name starts nothing; a context freed while preparing waits for it.
  evalpdf_context *pctx = NULL;
  check(evalpdf_context_new(NULL, &pctx, err, sizeof err) == EVALPDF_OK, "second context: %s", err);
  check(evalpdf_context_prepare(pctx, "no-such-layout-name") == EVALPDF_ERR_USAGE, "prepare: unknown layout");
  check(evalpdf_context_prepare(pctx, NULL) == EVALPDF_OK, "prepare the default layout");
  check(evalpdf_context_prepare(pctx, NULL) == EVALPDF_OK, "a second prepare does nothing");
  evalpdf_document *pdoc = NULL;
  check(evalpdf_document_load(pctx, argv[1], &pdoc) == ls, "load in a preparing context");
  unsigned char *ppdf = NULL;
  size_t plen = 0;
  check(pdoc && evalpdf_document_render_memory(pdoc, &ro, &ppdf, &plen) == EVALPDF_OK, "prepared render");
  check(plen == len[0] && ppdf && !memcmp(ppdf, pdf[0], plen), "prepared render gives the same PDF");
  char *pdiag = pdoc ? diags_text(pdoc) : NULL;
  check(pdiag && !strcmp(pdiag, diag[0]), "prepared render gives the same diagnostics");
  free(pdiag);
  evalpdf_free(ppdf);
  evalpdf_document_free(pdoc);
  evalpdf_context_free(pctx);
  evalpdf_options so;
  evalpdf_options_init(&so);
  so.flags = EVALPDF_OPT_SERIAL;
  evalpdf_context *sctx = NULL;
  check(evalpdf_context_new(&so, &sctx, err, sizeof err) == EVALPDF_OK, "serial context: %s", err);
  evalpdf_document *sdoc = NULL;
  check(evalpdf_document_load(sctx, argv[1], &sdoc) == ls, "load in a serial context");
  unsigned char *spdf = NULL;
  size_t slen = 0;
  check(sdoc && evalpdf_document_render_memory(sdoc, &ro, &spdf, &slen) == EVALPDF_OK, "serial render");
  check(slen == len[0] && spdf && !memcmp(spdf, pdf[0], slen), "a render without helper thread gives the same PDF");
  evalpdf_free(spdf);
  evalpdf_document_free(sdoc);
  evalpdf_context_free(sctx);
  evalpdf_context *qctx = NULL;
  check(evalpdf_context_new(NULL, &qctx, err, sizeof err) == EVALPDF_OK, "third context: %s", err);
  check(evalpdf_context_prepare(qctx, "compact") == EVALPDF_OK, "prepare compact");
  evalpdf_context_free(qctx); // at once: joins the thread
  // EVALPDF_OPT_PREPARE: the font list starts with the context. Prepared
  // next (after a bad name, which starts nothing), it renders the same bytes
  // and diagnostics; never prepared, it renders the same too (the waiting
  // thread is ended by evalpdf_context_free(), not joined forever); freed
  // at once, it ends as well.
  for (int mode = 0; mode < 3; mode++) {
    evalpdf_context *ectx = early_context("early context", mode);
    if (mode == 2) {
      evalpdf_context_free(ectx);
      continue;
    }
    if (mode == 0) {
      check(evalpdf_context_prepare(ectx, "no-such-layout-name") == EVALPDF_ERR_USAGE, "early: unknown layout");
      check(evalpdf_context_prepare(ectx, NULL) == EVALPDF_OK, "early: prepare the default layout");
      check(evalpdf_context_prepare(ectx, "compact") == EVALPDF_OK, "early: a second prepare does nothing");
    }
    evalpdf_document *edoc = NULL;
    check(evalpdf_document_load(ectx, argv[1], &edoc) == ls, "load in an early context %d", mode);
    unsigned char *epdf = NULL;
    size_t elen = 0;
    check(edoc && evalpdf_document_render_memory(edoc, &ro, &epdf, &elen) == EVALPDF_OK, "early render %d", mode);
    check(elen == len[0] && epdf && !memcmp(epdf, pdf[0], elen), "early render %d gives the same PDF", mode);
    char *ediag = edoc ? diags_text(edoc) : NULL;
    check(ediag && !strcmp(ediag, diag[0]), "early render %d gives the same diagnostics", mode);
    free(ediag);
    evalpdf_free(epdf);
    evalpdf_document_free(edoc);
    evalpdf_context_free(ectx);
  }

  // evalpdf_context_end(): a prepared context renders twice to one file (the
  // second replaces the first, whose release runs on a thread of the
  // context's); ended, the file holds the whole second PDF, and the context
  // can still be freed (which waits for that thread). Ended before it was
  // prepared, the waiting prepare thread ends too.
  for (int mode = 0; mode < 2; mode++) {
    evalpdf_context *ectx = early_context("context to end", mode);
    if (mode == 1) {
      evalpdf_context_end(ectx);
      evalpdf_context_free(ectx);
      continue;
    }
    check(evalpdf_context_prepare(ectx, NULL) == EVALPDF_OK, "context to end: prepare");
    evalpdf_document *edoc = NULL;
    check(evalpdf_document_load(ectx, argv[1], &edoc) == ls, "load in a context to end");
    char out[4096];
    snprintf(out, sizeof out, "%s/ended.pdf", argv[2]);
    for (int k = 0; k < 2; k++)
      check(edoc && evalpdf_document_render(edoc, &ro, out) == EVALPDF_OK, "render %d to %s", k, out);
    evalpdf_document_free(edoc);
    evalpdf_context_end(ectx);
    size_t elen = 0;
    char *epdf = read_file(out, &elen);
    check(epdf && elen == len[0] && !memcmp(epdf, pdf[0], elen), "the file rendered before the end is whole");
    free(epdf);
    evalpdf_context_end(NULL);
    evalpdf_context_free(ectx);
  }

  for (int i = 0; i < 3; i++) {
    evalpdf_free(pdf[i]);
    free(diag[i]);
  }
  evalpdf_document_free(doc);
  evalpdf_context_free(ctx);
  if (failures)
    fprintf(stderr, "%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
