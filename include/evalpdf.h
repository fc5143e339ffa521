// evalpdf: Chinese performance-evaluation reports (绩效评价报告, 绩效自评报告,
// 彩票公益金使用情况公开) from report XML to PDF.
//
// The one public header. All types are opaque; every function says who owns
// what. The library has no global state: a context holds options, data paths
// and (later) parsed fonts and layouts and may be shared by many documents;
// distinct documents may be loaded from different threads.
//
// Memory: internal allocations abort the process on out-of-memory (as cmark
// does); functions never return NULL for lack of memory.
#ifndef EVALPDF_H
#define EVALPDF_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

// Result of a public call.
typedef enum evalpdf_status {
  EVALPDF_OK = 0,        // success (warnings and notes allowed)
  EVALPDF_ERR_INPUT = 1, // the input has errors (see the document's diagnostics)
  EVALPDF_ERR_IO = 2,    // a file could not be read or written
  EVALPDF_ERR_USAGE = 3, // bad options (e.g. an unknown --layout)
  EVALPDF_ERR_FONT = 4,  // no usable font for a role
  EVALPDF_ERR_PDF = 5    // the PDF writer failed
} evalpdf_status;

// Option flags.
#define EVALPDF_OPT_STRICT (1u << 0) // warnings count as errors

// Options for a context. Initialize with evalpdf_options_init(), then set fields.
// Strings are borrowed: they must outlive the evalpdf_context_new() call only.
typedef struct evalpdf_options {
  unsigned abi_version; // set by evalpdf_options_init
  unsigned flags;       // EVALPDF_OPT_* bits
  const char *root;     // include root; NULL = each input's own directory
  const char *layout;   // layout name or path overriding the XML's layout attribute; NULL = none
  const char *data_dir; // data directory (layouts/, fonts/); NULL = $EVALPDF_DATA, install prefix, source tree
  const char *font_dir; // extra font directory; NULL = none
} evalpdf_options;

typedef struct evalpdf_context evalpdf_context;
typedef struct evalpdf_document evalpdf_document;

// 'evalpdf_version()' - The library version, e.g. "0.1.0" (static string).
const char *evalpdf_version(void);

// 'evalpdf_print_versions()' - Print evalpdf's version, the versions of
// libharu, libxml2, FreeType and HarfBuzz it runs with, and where data files
// come from (given CTX, or NULL for the default lookup), to OUT.
void evalpdf_print_versions(const evalpdf_context *ctx, FILE *out);

// 'evalpdf_options_init()' - Fill OPTS with defaults.
void evalpdf_options_init(evalpdf_options *opts);

// 'evalpdf_context_new()' - Create a context from OPTS (NULL = defaults).
// On success stores a new context in *OUT (free with evalpdf_context_free).
// On failure stores NULL, writes a one-sentence reason into ERR (ERR_SIZE
// bytes, may be NULL) and returns EVALPDF_ERR_USAGE (bad option) or EVALPDF_ERR_IO.
evalpdf_status evalpdf_context_new(const evalpdf_options *opts, evalpdf_context **out, char *err,
                                   size_t err_size);

// 'evalpdf_context_free()' - Free CTX (NULL is allowed). Documents loaded with
// it must be freed first.
void evalpdf_context_free(evalpdf_context *ctx);

// 'evalpdf_context_data_dir()' - The data directory in use, and in *SOURCE (if
// not NULL) where it came from: "EVALPDF_DATA", "install prefix", "source tree"
// or "option". Borrowed strings, valid while CTX lives.
const char *evalpdf_context_data_dir(const evalpdf_context *ctx, const char **source);

// 'evalpdf_context_layouts()' - Write one line per available layout ("NAME  PATH") to OUT.
void evalpdf_context_layouts(const evalpdf_context *ctx, FILE *out);

// 'evalpdf_document_load()' - Read, validate and compute the report at PATH.
// Always stores a document in *OUT (free with evalpdf_document_free), even when
// the input is broken: its diagnostics say why. Returns EVALPDF_OK,
// EVALPDF_ERR_INPUT (errors; under EVALPDF_OPT_STRICT also warnings) or
// EVALPDF_ERR_IO (the input itself could not be read).
evalpdf_status evalpdf_document_load(evalpdf_context *ctx, const char *path, evalpdf_document **out);

// 'evalpdf_document_free()' - Free DOC (NULL is allowed).
void evalpdf_document_free(evalpdf_document *doc);

// 'evalpdf_document_status()' - The status evalpdf_document_load returned.
evalpdf_status evalpdf_document_status(const evalpdf_document *doc);

// 'evalpdf_document_counts()' - Errors and warnings as printed (after --strict), into *ERRORS/*WARNINGS (either may be NULL).
void evalpdf_document_counts(const evalpdf_document *doc, size_t *errors, size_t *warnings);

// 'evalpdf_print_diagnostics()' - Print the diagnostics of N documents, each
// sorted by file and line, to OUT: as text lines "FILE:LINE: error: …", or with
// JSON non-zero as one JSON array of {file, line, severity, code, message}.
void evalpdf_print_diagnostics(evalpdf_document *const *docs, size_t n, int json, FILE *out);

// 'evalpdf_document_print_summary()' - Print the `check` summary of DOC to OUT.
void evalpdf_document_print_summary(const evalpdf_document *doc, FILE *out);

// 'evalpdf_document_dump()' - Print the model with every computed figure (stable text) to OUT.
void evalpdf_document_dump(const evalpdf_document *doc, FILE *out);

// 'evalpdf_document_render()' - Lay out DOC (which must have loaded without
// errors) with its layout and write the PDF to OUT_PATH atomically (a
// temporary file in the same folder, then rename; "-" = stdout). With DUMP not
// NULL, print the layout's display list to DUMP instead and write no PDF.
// Layout diagnostics (missing glyphs, font stand-in notes, blocks not rendered)
// are added to DOC's list; print them with evalpdf_print_diagnostics().
// Returns EVALPDF_OK; EVALPDF_ERR_INPUT when DOC has errors (nothing written);
// EVALPDF_ERR_FONT when a font role has no usable face; EVALPDF_ERR_USAGE for a
// broken layout file; EVALPDF_ERR_IO or EVALPDF_ERR_PDF when writing fails (an
// existing OUT_PATH is then left untouched).
evalpdf_status evalpdf_document_render(evalpdf_document *doc, const char *out_path, FILE *dump);

// 'evalpdf_print_fonts()' - Print to OUT how each font role of the layout
// resolves (which file, which face; stand-ins and skipped faces), and, with DOC
// not NULL (a loaded document; its layout is used), how many of the report's
// characters each face covers and which characters no face covers. Returns
// EVALPDF_OK, or EVALPDF_ERR_FONT / EVALPDF_ERR_USAGE as evalpdf_document_render.
evalpdf_status evalpdf_print_fonts(evalpdf_context *ctx, evalpdf_document *doc, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
