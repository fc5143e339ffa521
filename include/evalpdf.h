// evalpdf: Chinese performance-evaluation reports (绩效评价报告, 绩效自评报告,
// 彩票公益金使用情况公开) from report XML to PDF.
//
// The one public header. All types are opaque; every function says who owns
// what. The library has no global state and never reads or changes the
// environment: everything a program might take from it (the data folder, the
// user's layouts, where the installed-font list is cached, the PDF's date)
// is an option, and the evalpdf program fills those options from
// $EVALPDF_DATA, $XDG_DATA_HOME, $XDG_CACHE_HOME, $XDG_CONFIG_HOME, $HOME and
// $SOURCE_DATE_EPOCH. The one exception is not the library's own: the first
// use of installed fonts in a context (a render, prepare or
// evalpdf_print_fonts whose layout names a family its own font files lack)
// loads fontconfig, which reads its own variables ($FONTCONFIG_FILE, …).
//
// Thread safety: one context may be shared by any number of threads at once;
// it parses each layout file once per version and reads the fonts once, and
// shares them read-only (guarded internally). A layout file edited while the
// context lives (a new size or modification time, or another file renamed
// over it) is parsed again by the next load or render that uses it; each
// version parsed stays in memory until the context is freed. A document belongs to one thread at a time: distinct
// documents may be loaded, rendered and freed concurrently from different
// threads; one document must not be used by two threads at once. Strings a
// document lends (diagnostics, meta) stay valid until the next render of that
// document or its free.
//
// Memory: internal allocations abort the process on out-of-memory (as cmark
// does); functions never return NULL for lack of memory. Memory the library
// hands over is freed with evalpdf_free().
//
// NULL: a pointer argument may be NULL only where its comment says so. The
// entry points check their context, document, output and callback pointers
// anyway and return EVALPDF_ERR_USAGE (or -1, 0) instead of crashing;
// DATA may be NULL when LEN is 0.
#ifndef EVALPDF_H
#define EVALPDF_H

#include <stddef.h>
#include <stdio.h>

#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#ifdef __cplusplus
extern "C" {
#endif

// Version of this header; evalpdf_version() gives the library's at run time.
#define EVALPDF_VERSION_MAJOR 0
#define EVALPDF_VERSION_MINOR 2
#define EVALPDF_VERSION_PATCH 0
#define EVALPDF_VERSION_STRING "0.2.0"
#define EVALPDF_VERSION_NUMBER (EVALPDF_VERSION_MAJOR * 10000 + EVALPDF_VERSION_MINOR * 100 + EVALPDF_VERSION_PATCH)

// Result of a public call.
typedef enum evalpdf_status {
  EVALPDF_OK = 0,        // success (warnings and notes allowed)
  EVALPDF_ERR_INPUT = 1, // the input has errors (see the document's diagnostics)
  EVALPDF_ERR_IO = 2,    // a file could not be read or written
  EVALPDF_ERR_USAGE = 3, // bad options (e.g. an unknown --layout) or a broken layout file
  EVALPDF_ERR_FONT = 4,  // no usable font for a role
  EVALPDF_ERR_PDF = 5    // the PDF writer failed (a bug: the diagnostics say where)
} evalpdf_status;

// 'evalpdf_status_string()' - A short English phrase for STATUS, e.g. "the
// input has errors" (static string; "unknown status" for other values).
const char *evalpdf_status_string(evalpdf_status status);

// Option flags.
#define EVALPDF_OPT_STRICT (1u << 0) // warnings count as errors
#define EVALPDF_OPT_SERIAL (1u << 1) // a render uses no helper thread (for programs that render
                                     // several documents at once on threads of their own)
#define EVALPDF_OPT_JSON (1u << 2)   // diagnostics the library prints itself (evalpdf_print_fonts
                                     // without a document) are one JSON array, as
                                     // evalpdf_print_diagnostics(…, json = 1, …) prints them
#define EVALPDF_OPT_PREPARE (1u << 3) // evalpdf_context_new() starts building the font list on a
                                     // background thread at once, for a program that calls
                                     // evalpdf_context_prepare() next: the thread's start-up
                                     // overlaps the context's own (the thread then waits for the
                                     // layout; without a prepare it ends at evalpdf_context_free())
#define EVALPDF_OPT_PROGRAM_CACHE_READ_ONLY (1u << 4) // font programs are read from
                                     // program_cache_dir but never added to it (a batch of
                                     // many different reports: each would write one)

// Options for a context. Initialize with evalpdf_options_init(), then set fields.
// Strings are borrowed: they must outlive the evalpdf_context_new() call only.
typedef struct evalpdf_options {
  unsigned abi_version; // set by evalpdf_options_init
  unsigned flags;       // EVALPDF_OPT_* bits
  const char *root;     // include root; NULL = each input's own directory
  const char *layout;   // layout name or path overriding the XML's layout attribute; NULL = none
  const char *data_dir; // data directory (layouts/, fonts/); NULL = beside the installed library
                        // or program, the source tree (uninstalled build)
  const char *font_dir; // extra font directory; NULL = none
  const char *user_layout_dir; // the user's own layouts, found before the shipped ones; NULL = none
                               // (the program: $XDG_DATA_HOME/evalpdf/layouts or ~/.local/share/…)
  // Since abi_version 2 (read only when the caller's evalpdf_options_init set it):
  const char *data_dir_origin; // how data_dir is named where it is shown (evalpdf_print_versions,
                               // e.g. "EVALPDF_DATA"); NULL = "option"
  const char *font_cache_dir;  // folder where the list of installed fonts is cached between runs
                               // (fontconfig's configuration costs milliseconds per start); NULL = no
                               // cache. Leave NULL while $FONTCONFIG_FILE, $FONTCONFIG_PATH or
                               // $FONTCONFIG_SYSROOT is set: the cache follows /etc/fonts only.
  const char *fontconfig_user_dir; // the user's fontconfig folder ($XDG_CONFIG_HOME/fontconfig or
                                   // ~/.config/fontconfig), whose files invalidate that cache; NULL = none
  const char *home_dir;        // the user's home, whose ~/.fonts.conf(.d) invalidate it; NULL = none
  // Since abi_version 3:
  const char *program_cache_dir; // folder where the fonts' embedded subsets (deflated) are kept
                                 // between runs, so that a report rendered again with the same
                                 // characters skips the two longest steps of a render; the PDF's
                                 // bytes are the same either way. NULL = no such cache
} evalpdf_options;

// Options for one render. Initialize with evalpdf_render_options_init().
// Strings are borrowed for the duration of the call.
typedef struct evalpdf_render_options {
  unsigned abi_version;    // set by evalpdf_render_options_init
  const char *layout;      // layout name or path; NULL = the context's layout option, else the
                           // report's layout attribute, else "official"
  long long creation_date; // seconds since 1970-01-01 UTC written as the PDF's creation and
                           // modification date, 0 to 253402300799 (9999-12-31 23:59:59);
                           // -1 (the default) = no date in the PDF; anything else is
                           // EVALPDF_ERR_USAGE
} evalpdf_render_options;

typedef struct evalpdf_context evalpdf_context;
typedef struct evalpdf_document evalpdf_document;

// Severity of a diagnostic, as printed (after EVALPDF_OPT_STRICT).
typedef enum evalpdf_severity {
  EVALPDF_NOTE = 0,
  EVALPDF_WARNING = 1,
  EVALPDF_ERROR = 2
} evalpdf_severity;

// One diagnostic. Strings are borrowed from the document (see the top).
typedef struct evalpdf_diag {
  const char *file;          // "" when no file applies
  unsigned long line;        // 0 when no line applies
  evalpdf_severity severity; // after EVALPDF_OPT_STRICT
  const char *code;          // stable kebab-case code, e.g. "score-exceeds-weight"
  const char *message;       // one full sentence, no trailing newline
} evalpdf_diag;

// 'evalpdf_version()' - The library version, e.g. "0.2.0" (static string).
const char *evalpdf_version(void);

// 'evalpdf_free()' - Free memory the library handed over (NULL is allowed).
void evalpdf_free(void *p);

// 'evalpdf_print_versions()' - Print evalpdf's version, the versions of
// libharu, libxml2, FreeType and HarfBuzz it runs with, and where data files
// come from (given CTX, or NULL for the default lookup), to OUT.
void evalpdf_print_versions(const evalpdf_context *ctx, FILE *out);

// 'evalpdf_options_init()' - Fill OPTS with defaults.
void evalpdf_options_init(evalpdf_options *opts);

// 'evalpdf_render_options_init()' - Fill OPTS with defaults (no layout, no date).
void evalpdf_render_options_init(evalpdf_render_options *opts);

// 'evalpdf_context_new()' - Create a context from OPTS (NULL = defaults).
// On success stores a new context in *OUT (free with evalpdf_context_free).
// On failure stores NULL, writes a one-sentence reason into ERR (ERR_SIZE
// bytes, may be NULL) and returns EVALPDF_ERR_USAGE (bad option) or EVALPDF_ERR_IO.
evalpdf_status evalpdf_context_new(const evalpdf_options *opts, evalpdf_context **out, char *err,
                                   size_t err_size);

// 'evalpdf_context_prepare()' - Start loading the layout LAYOUT (a name or a
// path; NULL = the context's layout option, else "official") and the fonts it
// names: the layout file is parsed on the calling thread (about a
// millisecond) while a background thread builds the font list, then that
// thread binds the fonts while this call returns, so that a program that
// loads a document meanwhile finds them ready at its first render (which
// waits for them if they are not). Optional: renders load what they need
// anyway. At most one prepare per context; a later call does nothing.
// Returns EVALPDF_ERR_USAGE when LAYOUT names no layout (nothing started),
// else EVALPDF_OK; what loading reports is reported by the renders that use
// the layout. evalpdf_context_free() waits for the thread to end.
evalpdf_status evalpdf_context_prepare(evalpdf_context *ctx, const char *layout);

// 'evalpdf_context_free()' - Free CTX (NULL is allowed). Documents loaded with
// it must be freed first.
void evalpdf_context_free(evalpdf_context *ctx);

// 'evalpdf_context_end()' - For a program about to exit without freeing CTX:
// end CTX's prepare thread (joined, as evalpdf_context_free() does), so that
// no thread reads or writes anything of CTX's afterwards, but do not wait
// for the thread that closes the output file a render replaced: dropping
// that file costs 0.2-0.6 ms, which the exit then overlaps with its own
// release of the process's memory and font mappings (with this instead of
// evalpdf_context_free(), a render that replaced its PDF took 0.26 ms less
// on a virtual machine). CTX
// stays the caller's (NULL is allowed) and may afterwards only be passed to
// evalpdf_context_free(), which waits for that thread too.
void evalpdf_context_end(evalpdf_context *ctx);

// 'evalpdf_context_data_dir()' - The data directory in use, and in *SOURCE (if
// not NULL) where it came from: "EVALPDF_DATA", "installed", "source tree"
// or "option". Borrowed strings, valid while CTX lives.
const char *evalpdf_context_data_dir(const evalpdf_context *ctx, const char **source);

// 'evalpdf_context_layout_count()' - How many layouts can be named (user
// layouts first, then the shipped ones; a user layout hides a shipped one of
// the same name).
size_t evalpdf_context_layout_count(const evalpdf_context *ctx);

// 'evalpdf_context_layout()' - Layout I (0-based): its NAME, the file PATH and
// where it comes from in SOURCE ("user" or "shipped"); any out pointer may be
// NULL. Borrowed strings, valid while CTX lives. Returns 0, or -1 when I is out of range.
int evalpdf_context_layout(const evalpdf_context *ctx, size_t i, const char **name, const char **path,
                           const char **source);

// 'evalpdf_context_layouts()' - Convenience: one line per layout ("NAME  PATH (SOURCE)") to OUT.
void evalpdf_context_layouts(const evalpdf_context *ctx, FILE *out);

// 'evalpdf_file_is_report()' - Whether the XML file at PATH has <report> as
// its root element (reads only up to the root element; no entities, no
// network). Returns 1 yes, 0 no (another root element or not XML), -1 when
// PATH cannot be read.
int evalpdf_file_is_report(const char *path);

// 'evalpdf_document_load()' - Read, validate and compute the report at PATH.
// Always stores a document in *OUT (free with evalpdf_document_free), even when
// the input is broken: its diagnostics say why. Returns EVALPDF_OK,
// EVALPDF_ERR_INPUT (errors; under EVALPDF_OPT_STRICT also warnings) or
// EVALPDF_ERR_IO (the input itself could not be read).
evalpdf_status evalpdf_document_load(evalpdf_context *ctx, const char *path, evalpdf_document **out);

// 'evalpdf_document_load_memory()' - As evalpdf_document_load, for the LEN
// bytes at DATA (borrowed for the call). NAME is the file name diagnostics
// use (e.g. "<stdin>"); ROOT is the include root (NULL = the context's root,
// else the current directory).
evalpdf_status evalpdf_document_load_memory(evalpdf_context *ctx, const char *data, size_t len,
                                            const char *name, const char *root,
                                            evalpdf_document **out);

// 'evalpdf_document_free()' - Free DOC (NULL is allowed).
void evalpdf_document_free(evalpdf_document *doc);

// 'evalpdf_document_status()' - The status evalpdf_document_load returned
// (never changed by rendering).
evalpdf_status evalpdf_document_status(const evalpdf_document *doc);

// 'evalpdf_document_path()' - The name DOC was loaded under (borrowed).
const char *evalpdf_document_path(const evalpdf_document *doc);

// 'evalpdf_document_meta()' - The text of <meta>/KEY ("title", "subtitle",
// "issuer", "year", "date", "region"), or NULL when the report has none.
// Borrowed, valid while DOC lives.
const char *evalpdf_document_meta(const evalpdf_document *doc, const char *key);

// 'evalpdf_document_input_count()' / 'evalpdf_document_input()' - The files
// the load read: the report first (its name as loaded), then every included
// file (resolved paths), each once. Borrowed, valid while DOC lives.
size_t evalpdf_document_input_count(const evalpdf_document *doc);
const char *evalpdf_document_input(const evalpdf_document *doc, size_t i);

// 'evalpdf_document_render_inputs()' - Call FN(PATH, USER) for each file a
// render of DOC with OPTS (NULL = defaults) reads besides the report: the
// layout file, then every font file its roles resolve to, each once. Returns
// EVALPDF_OK, EVALPDF_ERR_USAGE or EVALPDF_ERR_FONT as evalpdf_document_render.
evalpdf_status evalpdf_document_render_inputs(evalpdf_document *doc, const evalpdf_render_options *opts,
                                              void (*fn)(const char *path, void *user), void *user);

// 'evalpdf_document_counts()' - Errors and warnings as printed (after
// --strict), of the load and the last render, into *ERRORS/*WARNINGS (either may be NULL).
void evalpdf_document_counts(const evalpdf_document *doc, size_t *errors, size_t *warnings);

// 'evalpdf_diag_count()' - How many diagnostics DOC has: the load's, then the
// last render's (a render replaces the previous render's).
size_t evalpdf_diag_count(const evalpdf_document *doc);

// 'evalpdf_diag_get()' - Diagnostic I (0-based, sorted by file, then line,
// then order of report) into *OUT. Returns 0, or -1 when I is out of range.
int evalpdf_diag_get(const evalpdf_document *doc, size_t i, evalpdf_diag *out);

// 'evalpdf_diag_line()' - D as the line of text evalpdf_print_diagnostics()
// prints for it, without the newline: "FILE:LINE: SEVERITY: MESSAGE"
// ("FILE: …" without a line, "evalpdf: …" without a file), each byte of the
// file name or message that is not valid UTF-8 written as the four
// characters \xHH. A new string the caller frees with evalpdf_free(); NULL
// when D is NULL.
char *evalpdf_diag_line(const evalpdf_diag *d);

// 'evalpdf_print_diagnostics()' - Convenience: print the diagnostics of N
// documents to OUT: as text lines "FILE:LINE: error: …", or with JSON non-zero
// as one JSON array of {file, line, severity, code, message} (valid UTF-8:
// invalid bytes in names and messages are escaped).
void evalpdf_print_diagnostics(evalpdf_document *const *docs, size_t n, int json, FILE *out);

// 'evalpdf_document_print_summary()' - Print the `check` summary of DOC to OUT.
void evalpdf_document_print_summary(const evalpdf_document *doc, FILE *out);

// 'evalpdf_document_dump()' - Print the model with every computed figure (stable text) to OUT.
void evalpdf_document_dump(const evalpdf_document *doc, FILE *out);

// 'evalpdf_document_render()' - Lay out DOC (which must have loaded without
// errors) with OPTS (NULL = defaults) and write the PDF to OUT_PATH atomically
// (a temporary file in the same folder, then rename; "-" = stdout). May be
// called any number of times; each call replaces the previous render's
// diagnostics and never changes evalpdf_document_status(). Returns EVALPDF_OK;
// EVALPDF_ERR_INPUT when DOC has errors (nothing written); EVALPDF_ERR_FONT
// when a font role has no usable face; EVALPDF_ERR_USAGE for an unknown or
// broken layout, or when OUT_PATH is a file the render reads (the report, an
// included file, the layout or a font: nothing written); EVALPDF_ERR_IO or
// EVALPDF_ERR_PDF when writing fails (an existing OUT_PATH is then left untouched).
evalpdf_status evalpdf_document_render(evalpdf_document *doc, const evalpdf_render_options *opts,
                                       const char *out_path);

// 'evalpdf_document_render_memory()' - As evalpdf_document_render, but the
// PDF is stored in a new buffer: *DATA (free with evalpdf_free) and *LEN.
// On failure *DATA is NULL and *LEN 0.
evalpdf_status evalpdf_document_render_memory(evalpdf_document *doc, const evalpdf_render_options *opts,
                                              unsigned char **data, size_t *len);

// 'evalpdf_document_dump_layout()' - As evalpdf_document_render, but print
// the laid-out pages (the display list, stable text) to OUT and write no PDF.
evalpdf_status evalpdf_document_dump_layout(evalpdf_document *doc, const evalpdf_render_options *opts,
                                            FILE *out);

// 'evalpdf_print_fonts()' - Print to OUT how each font role of the layout
// (chosen as evalpdf_document_render would, from OPTS, DOC and CTX) resolves
// (which file, which face; stand-ins and skipped faces), and, with DOC not
// NULL (a loaded document), how many of the report's characters each face
// covers and which characters no face covers. Problems with the layout or
// fonts are added to DOC's render diagnostics when DOC is given, else written
// to ERR (may be NULL) as text lines, or as one JSON array (always, even when
// empty) under EVALPDF_OPT_JSON. Returns EVALPDF_OK, or EVALPDF_ERR_FONT /
// EVALPDF_ERR_USAGE as evalpdf_document_render.
evalpdf_status evalpdf_print_fonts(evalpdf_context *ctx, evalpdf_document *doc,
                                   const evalpdf_render_options *opts, FILE *out, FILE *err);

#ifdef __cplusplus
}
#endif

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#endif
