// evalpdf command-line tool: state and helpers shared by main.c and the
// command files (cli_*.c). The CLI includes only the public header. The
// second half is the batch and watch commands' (cli_batch.c, cli_watch.c,
// cli_util.c): content hashes, paths, the input list, the incremental
// manifest, Ctrl-C handling and the batch engine watch drives.
#ifndef EVALPDF_CLI_H
#define EVALPDF_CLI_H

#include "evalpdf.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

// Options a command accepts (cli_command.options).
enum {
  CLI_O_STRICT = 1u << 0,      // --strict
  CLI_O_QUIET = 1u << 1,       // -q
  CLI_O_DIAG = 1u << 2,        // --diagnostics
  CLI_O_ROOT = 1u << 3,        // --root
  CLI_O_LAYOUT = 1u << 4,      // --layout
  CLI_O_FONT_DIR = 1u << 5,    // --font-dir
  CLI_O_OUTPUT = 1u << 6,      // -o
  CLI_O_DUMP_LAYOUT = 1u << 7, // --dump-layout
  CLI_O_LOAD = CLI_O_STRICT | CLI_O_QUIET | CLI_O_DIAG | CLI_O_ROOT | CLI_O_LAYOUT | CLI_O_FONT_DIR
};

// Command flags (cli_command.flags).
enum {
  CLI_F_CONTEXT = 1u << 0, // needs a context (made before the command runs)
  CLI_F_DATE = 1u << 1     // renders: reads SOURCE_DATE_EPOCH into render.creation_date
};

// The free part of the heap's reservation (main.c tune_memory(); in huge
// pages where they were chosen), or {NULL, 0}.
typedef struct cli_heap {
  char *start;
  size_t len;
  bool huge;       // backed with huge pages (START is then 2 MiB-aligned)
  char *huge_from; // in small pages: where a part that heap_ahead() may put in huge pages begins
                   // (2 MiB-aligned, CLI_HEAP_HEAD bytes past START), or NULL
} cli_heap;

// How much of a small-page heap comes before its part in huge pages: what
// the render thread allocates before heap_ahead()'s thread has faulted the
// first huge page in (main.c).
#define CLI_HEAP_HEAD ((size_t)512 << 10)

// State of one run: the parsed command line, the context, and what was printed.
typedef struct cli_state {
  evalpdf_options opts;          // context options (borrowed strings from argv)
  evalpdf_render_options render; // render options: layout (--layout), creation date
  evalpdf_context *ctx;          // made before a CLI_F_CONTEXT command runs
  bool quiet, json, dump_layout;
  const char *output; // -o, or NULL
  char **args;        // the arguments after the command (files), borrowed from argv
  size_t nargs;
  bool stdin_used;    // "-" was read already
  bool stdout_failed; // a write to stdout failed and was reported already (render -o -)
  char **notes;       // notes printed so far (text mode), each once per run
  size_t nnotes, notes_cap;
  evalpdf_document **json_docs; // documents whose diagnostics the JSON array prints at exit
  size_t njson, json_cap;
  bool json_printed; // the library already wrote this run's JSON array (fonts without a file)
  cli_heap heap;      // memory a large render may have faulted in ahead on another core
} cli_state;

// One command: add a row to the table in main.c and declare its function here.
typedef struct cli_command {
  const char *name;
  const char *synopsis;
  const char *help;
  int (*run)(cli_state *st); // returns the exit status (0, 1 or 2)
  size_t min_args, max_args; // arguments after the command; max SIZE_MAX = any number
  unsigned options;          // CLI_O_* bits accepted
  unsigned flags;            // CLI_F_* bits
} cli_command;

// 'cli_exit_code()' - The exit status for STATUS: 0 ok, 1 input errors, 2 anything else.
int cli_exit_code(evalpdf_status status);

// 'cli_load()' - Load FILE ("-" = standard input, once per run) into *OUT.
// Always stores a document or, only when standard input cannot be read, NULL
// (after printing why). Returns the load status.
evalpdf_status cli_load(cli_state *st, const char *file, evalpdf_document **out);

// 'cli_finish()' - Report DOC's diagnostics (text now, honouring -q and
// printing each identical note once per run; JSON at exit) and free DOC.
// Takes ownership of DOC (NULL is allowed).
void cli_finish(cli_state *st, evalpdf_document *doc);

// 'cli_output_path()' - The PDF FILE renders to by default (.xml replaced by
// .pdf), newly allocated (free with free()).
char *cli_output_path(const char *file);

// 'cli_wrote()' - Name a written PDF on stderr (not under -q, not in JSON mode).
void cli_wrote(cli_state *st, const char *path);

// 'cli_env_options()' - Fill the options of O that come from the environment
// (the library reads none): data_dir from $EVALPDF_DATA, user_layout_dir from
// $XDG_DATA_HOME or $HOME, the installed-font list's cache from
// $XDG_CACHE_HOME or $HOME (none while a $FONTCONFIG_* variable is set),
// fontconfig_user_dir from $XDG_CONFIG_HOME or $HOME, home_dir from $HOME,
// program_cache_dir from $XDG_CACHE_HOME or $HOME (none while
// $EVALPDF_PROGRAM_CACHE is 0). Fields already set are kept. The strings
// point into the environment or into ENV, which must outlive the context's
// creation.
typedef struct cli_env {
  char user_layouts[4096], cache[4096], fc_user[4096], programs[4096];
} cli_env;
void cli_env_options(evalpdf_options *o, cli_env *env);

// 'cli_error()' - Print "evalpdf: error: " and the formatted sentence on stderr.
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));


// ---- batch and watch ------------------------------------------------------

// 'evalpdf_cli_batch()' - `evalpdf batch`; ARGV[0] is "batch". Returns the exit status.
int evalpdf_cli_batch(int argc, char **argv);

// 'evalpdf_cli_watch()' - `evalpdf watch`; ARGV[0] is "watch". Returns the exit status.
int evalpdf_cli_watch(int argc, char **argv);

// The text `evalpdf help batch` and `evalpdf help watch` print after the synopsis.
extern const char cli_batch_help[];

// ---- Content hashes (cli_util.c) ----------------------------------------

#define CLI_HEX_LEN 65 // SHA-256 as 64 lowercase hex digits and a NUL

typedef struct cli_sha256 {
  uint32_t h[8];
  uint64_t total;
  unsigned char buf[64];
  size_t n;
} cli_sha256;

void cli_sha256_init(cli_sha256 *s);
void cli_sha256_update(cli_sha256 *s, const void *data, size_t len);
void cli_sha256_hex(cli_sha256 *s, char hex[CLI_HEX_LEN]);
// 'cli_hash_file()' - SHA-256 of the file at PATH into HEX; 0, or -1 with errno set.
int cli_hash_file(const char *path, char hex[CLI_HEX_LEN]);

// 'cli_hash_file_beneath()' - As cli_hash_file() for PATH (absolute), which
// must lie beneath the folder ROOT (both absolute and normalized, as
// cli_path_absolute() makes them): opened relative to ROOT with
// openat2(RESOLVE_BENEATH), never by path, so a folder swapped for a link to
// elsewhere after the report was loaded cannot make batch read (and record
// the hash of) a file outside the include root. -1 with errno EXDEV when
// PATH is not beneath ROOT, or as the open failed.
int cli_hash_file_beneath(const char *root, const char *path, char hex[CLI_HEX_LEN]);

// 'cli_file_identity()' - A SHA-256 that names the regular file at PATH as it
// is now, from its path, device, inode, size, modification and change times
// (the file is opened beneath ROOT, as cli_hash_file_beneath() does, when
// ROOT is not NULL), without reading it: for font files, megabytes each,
// where hashing the content took most of a batch's fixed cost. Writing to
// the file or replacing it changes the change time or the inode, so the
// identity changes; 0, or -1 with errno set.
int cli_file_identity(const char *root, const char *path, char hex[CLI_HEX_LEN]);
// 'cli_hash_string()' - SHA-256 of the string S into HEX.
void cli_hash_string(const char *s, char hex[CLI_HEX_LEN]);
// 'cli_fnv1a64()' - 64-bit FNV-1a of the string S (the shard hash).
uint64_t cli_fnv1a64(const char *s);

// A table of hashes shared by worker threads: each key is computed once per
// run (two threads asking for one key wait for the first), e.g. the hash of a
// 20 MB font file every report uses.
typedef struct cli_hash_cache cli_hash_cache;
cli_hash_cache *cli_hash_cache_new(void);
void cli_hash_cache_free(cli_hash_cache *c);
// 'cli_hash_cache_get()' - The hash for KEY into HEX, computing it with
// FN(KEY, HEX, USER) the first time; returns what FN returned then (0 = ok).
int cli_hash_cache_get(cli_hash_cache *c, const char *key, int (*fn)(const char *key, char *hex, void *user),
                       void *user, char hex[CLI_HEX_LEN]);
// 'cli_hash_cache_forget()' - Drop KEY (it is computed again when next asked).
void cli_hash_cache_forget(cli_hash_cache *c, const char *key);

// ---- Memory and strings (cli_util.c) ------------------------------------

void *cli_xmalloc(size_t n);
void *cli_xrealloc(void *p, size_t n);
char *cli_xstrdup(const char *s);
char *cli_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// 'cli_diag_line()' - Diagnostic D as one line of text (evalpdf_diag_line(): invalid UTF-8 as \xHH); free() it.
char *cli_diag_line(const evalpdf_diag *d);

// A growing text buffer.
typedef struct cli_buf {
  char *s;
  size_t len, cap;
} cli_buf;
void cli_buf_printf(cli_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_buf_free(cli_buf *b);

// ---- Paths (cli_util.c) -------------------------------------------------

// 'cli_path_absolute()' - P made absolute against the current directory with
// ".", ".." and repeated slashes resolved by name (symbolic links are not
// followed). Heap string, or NULL when the current directory is unknown.
char *cli_path_absolute(const char *p);
// 'cli_path_relative()' - ABS (absolute, normalized) relative to the folder
// ROOT (same form): "a/b.xml"; NULL when ABS is not inside ROOT.
char *cli_path_relative(const char *abs, const char *root);
// 'cli_path_join()' - A "/" B, where an empty or "." A gives B alone. Heap string.
char *cli_path_join(const char *a, const char *b);
// 'cli_path_dir()' - The folder part of P ("." when P has no slash). Heap string.
char *cli_path_dir(const char *p);
// 'cli_path_base()' - The last component of P (borrowed, points into P).
const char *cli_path_base(const char *p);
// 'cli_mkdirs()' - Create folder DIR and its missing parents; 0 or -1 with errno.
int cli_mkdirs(const char *dir);

// ---- Inputs (cli_util.c) ------------------------------------------------

// One report to render.
typedef struct cli_input {
  char *path; // as loaded and printed: the argument, or folder argument + found name
  char *abs;  // absolute, normalized
  char *rel;  // relative to the common root (shards, -o mirroring)
} cli_input;

// The reports named by the command line, sorted by REL, each once.
typedef struct cli_inputs {
  cli_input *items;
  size_t count, cap;
  char *root;     // the common root (absolute)
  size_t skipped; // files skipped because their root element is not <report>
  int status;     // 0, or 2 when an input could not be read or lies outside --root
} cli_inputs;

// 'cli_inputs_collect()' - Expand ARGS (files, folders with their *.xml,
// recursively when RECURSIVE, @LIST files of one input per line) into OUT:
// files whose root element is another element are skipped with a note on
// ERR; unreadable inputs are errors on ERR (OUT->status 2). The common root
// is ROOT when given, else the deepest folder holding every argument.
void cli_inputs_collect(char *const *args, int nargs, bool recursive, const char *root, cli_inputs *out,
                        FILE *err);
void cli_inputs_free(cli_inputs *in);

// ---- The incremental manifest (cli_util.c) ------------------------------

// One file a PDF depends on.
typedef struct cli_dep {
  char kind; // 'i' the input or an included file, 'l' the layout, 'f' a font file
  char hash[CLI_HEX_LEN];
  char *path; // absolute
} cli_dep;

// One PDF written by a batch.
typedef struct cli_entry {
  char *input;            // absolute path of the report
  char *output;           // the PDF, relative to the manifest's folder
  char key[CLI_HEX_LEN];  // hash of the version, options and font resolution
  char pdf[CLI_HEX_LEN];  // hash of the PDF as written
  cli_dep *deps;
  size_t ndeps;
} cli_entry;

// The manifest file of one output folder.
typedef struct cli_manifest {
  char *dir;  // the folder (as given)
  char *file; // DIR/.evalpdf-manifest
  cli_entry *items;
  size_t count, cap;
  cli_entry *puts; // entries this run wrote, merged in by cli_manifest_save
  size_t nputs, capputs;
  bool damaged;
  pthread_mutex_t lock;
} cli_manifest;

#define CLI_MANIFEST_NAME ".evalpdf-manifest"

// 'cli_manifest_open()' - Read DIR's manifest (missing = empty; a damaged one
// is ignored and reported by its DAMAGED flag).
void cli_manifest_open(cli_manifest *m, const char *dir);
// 'cli_manifest_find()' - The entry for the report at INPUT (absolute), or NULL.
const cli_entry *cli_manifest_find(const cli_manifest *m, const char *input);
// 'cli_manifest_put()' - Record E (taken over) for the next save; thread-safe.
void cli_manifest_put(cli_manifest *m, cli_entry *e);
// 'cli_manifest_save()' - Merge the recorded entries into the manifest on
// disk (under a lock on the folder, so shards sharing -o DIR lose nothing),
// dropping entries whose report no longer exists; the entries written are
// no longer recorded. Thread-safe, and M's entries (the run's view from its
// start) are not changed, so a batch saves while its jobs run. 0, or -1 with
// a message on ERR (may be NULL: none).
int cli_manifest_save(cli_manifest *m, FILE *err);
void cli_manifest_close(cli_manifest *m);
void cli_entry_free(cli_entry *e);

// ---- Ctrl-C (cli_util.c) ------------------------------------------------

// 'cli_signals_install()' - Catch SIGINT and SIGTERM: the first sets the
// interrupted flag (work in progress finishes, nothing new starts), a second
// ends the process at once.
void cli_signals_install(void);
// 'cli_interrupted()' - Whether SIGINT or SIGTERM arrived.
bool cli_interrupted(void);
// 'cli_signal_fd()' - A descriptor that becomes readable when a signal arrives (for poll).
int cli_signal_fd(void);

// ---- The batch engine (cli_batch.c), also driven by watch ---------------

// Options of batch and watch.
typedef struct cli_batch_opts {
  int jobs;
  const char *out_dir;  // -o DIR, or NULL
  const char *pattern;  // --name
  const char *root;     // --root
  const char *layout;   // --layout
  const char *font_dir; // --font-dir
  bool recursive, force, fail_fast, strict, quiet;
  bool name_needs_meta;      // the pattern has a placeholder besides {stem}
  unsigned shard_i, shard_n; // 1-based; 0/0 = no shard
  long long creation_date;   // SOURCE_DATE_EPOCH, or -1
  char **inputs;
  int ninputs;
} cli_batch_opts;

// 'cli_batch_parse()' - Parse the options of batch or watch (ARGV[0] is the
// command) into O. Returns -1 to go on, else the exit status (help printed: 0; bad usage: 2).
int cli_batch_parse(int argc, char **argv, cli_batch_opts *o);

// What one batch run saw.
typedef struct cli_batch_result {
  size_t rendered, skipped, failed, warnings;
  int status; // the exit status
  char **watch_paths; // (when asked) every file the run read: inputs, includes, layouts
  size_t nwatch;
} cli_batch_result;

// 'cli_batch_run()' - Render the inputs of O with CTX once (incremental unless
// --force), printing progress, diagnostics and the summary line on stderr.
// CACHE holds hashes of shared files (kept between runs by watch). With
// WANT_PATHS, fills R->watch_paths (free with cli_batch_result_free).
void cli_batch_run(evalpdf_context *ctx, const cli_batch_opts *o, cli_hash_cache *cache, bool want_paths,
                   cli_batch_result *r);
void cli_batch_result_free(cli_batch_result *r);

// 'cli_context_new()' - A context for O (its --root, --layout, --font-dir,
// --strict; SERIAL: renders use no helper thread; KEEP_PROGRAMS: font programs
// made are added to the program cache, else only read from it); NULL after a
// message on stderr.
evalpdf_context *cli_context_new(const cli_batch_opts *o, bool serial, bool keep_programs);

#endif
