// evalpdf command-line tool: state and helpers shared by main.c and the
// command files (cli_*.c). The CLI includes only the public header.
#ifndef EVALPDF_CLI_H
#define EVALPDF_CLI_H

#include "evalpdf.h"

#include <stdbool.h>
#include <stddef.h>

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

// 'cli_error()' - Print "evalpdf: error: " and the formatted sentence on stderr.
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
