// evalpdf command-line tool: a thin layer over the public API in evalpdf.h.
#include "evalpdf.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_STRICT = 256, OPT_DIAG, OPT_ROOT, OPT_LAYOUT, OPT_VERSION, OPT_FONT_DIR, OPT_DUMP_LAYOUT };

typedef struct command {
  const char *name;
  const char *synopsis;
  const char *help;
} command;

static const command commands[] = {
    {"check", "evalpdf check [OPTIONS] FILE...",
     "Validate each report and print a summary per file on stdout (title, sections, and one\n"
     "line per funds, scoring and self-eval-form block). Diagnostics go to stderr."},
    {"render", "evalpdf render [OPTIONS] FILE... [-o OUT.pdf]",
     "Typeset each report and write its PDF (default: FILE with .pdf; -o - writes to stdout;\n"
     "-o works with one FILE). The PDF is written to a temporary file and renamed, so an\n"
     "existing output is untouched when anything fails. --dump-layout prints the laid-out\n"
     "pages (one line per text run, rule and box) on stdout instead and writes no PDF."},
    {"dump", "evalpdf dump [OPTIONS] FILE",
     "Print the report model with every computed figure, in a stable text form."},
    {"layouts", "evalpdf layouts", "List the available layouts, one line each."},
    {"fonts", "evalpdf fonts [OPTIONS] [FILE]",
     "Show how each font role of the layout resolves (file, face, stand-ins), and with\n"
     "FILE, how many of the report's characters each face covers and which none does."},
    {"help", "evalpdf help [COMMAND]", "Show help for COMMAND."},
};

static const char common_options[] =
    "Options:\n"
    "  --strict                 treat warnings as errors\n"
    "  -q, --quiet              no summary; diagnostics only\n"
    "  --diagnostics=text|json  diagnostics format on stderr (default text)\n"
    "  --root DIR               include root for XInclude and layout paths\n"
    "                           (default: each input's directory)\n"
    "  --layout NAME|PATH       layout to use instead of the report's layout attribute\n"
    "  --font-dir DIR           an extra folder of fonts\n"
    "  -o, --output FILE        (render) the PDF to write; - = stdout\n"
    "  --dump-layout            (render) print the display list instead of writing a PDF\n"
    "  -h, --help               show this help\n"
    "  --version                print versions of evalpdf and its libraries\n"
    "\n"
    "Exit status: 0 no errors (warnings allowed), 1 the input has errors,\n"
    "2 usage error or an I/O failure.\n";

// 'usage()' - Print general help to OUT.
static void usage(FILE *out) {
  fputs("Usage: evalpdf COMMAND [OPTIONS] FILE...\n\n"
        "Turns Chinese performance-evaluation report XML into PDF.\n\nCommands:\n",
        out);
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].synopsis);
  fputs("\n", out);
  fputs(common_options, out);
}

// 'find_command()' - The command named NAME, or NULL.
static const command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (!strcmp(commands[i].name, name))
      return &commands[i];
  return NULL;
}

// 'command_help()' - Print help for CMD to OUT.
static void command_help(const command *cmd, FILE *out) {
  fprintf(out, "Usage: %s\n\n%s\n\n", cmd->synopsis, cmd->help);
  if (strcmp(cmd->name, "help") && strcmp(cmd->name, "layouts"))
    fputs(common_options, out);
}

// 'main()' - Parse the command line and run one command.
int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version")) {
    evalpdf_print_versions(NULL, stdout);
    return 0;
  }
  const command *cmd = find_command(argv[1]);
  if (!cmd) {
    fprintf(stderr, "evalpdf: error: unknown command \"%s\"; run 'evalpdf --help' for the list.\n", argv[1]);
    return 2;
  }
  evalpdf_options opts;
  evalpdf_options_init(&opts);
  bool quiet = false, json = false, dump_layout = false;
  const char *output = NULL;
  static const struct option longopts[] = {
      {"strict", no_argument, NULL, OPT_STRICT},   {"quiet", no_argument, NULL, 'q'},
      {"diagnostics", required_argument, NULL, OPT_DIAG}, {"root", required_argument, NULL, OPT_ROOT},
      {"layout", required_argument, NULL, OPT_LAYOUT}, {"font-dir", required_argument, NULL, OPT_FONT_DIR},
      {"help", no_argument, NULL, 'h'},            {"version", no_argument, NULL, OPT_VERSION},
      {"output", required_argument, NULL, 'o'},    {"dump-layout", no_argument, NULL, OPT_DUMP_LAYOUT},
      {NULL, 0, NULL, 0}};
  optind = 2;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":qho:", longopts, NULL)) != -1) {
    switch (c) {
    case OPT_STRICT:
      opts.flags |= EVALPDF_OPT_STRICT;
      break;
    case 'q':
      quiet = true;
      break;
    case OPT_DIAG:
      if (!strcmp(optarg, "json"))
        json = true;
      else if (!strcmp(optarg, "text"))
        json = false;
      else {
        fprintf(stderr, "evalpdf: error: --diagnostics=%s: use text or json.\n", optarg);
        return 2;
      }
      break;
    case OPT_ROOT:
      opts.root = optarg;
      break;
    case OPT_LAYOUT:
      opts.layout = optarg;
      break;
    case OPT_FONT_DIR:
      opts.font_dir = optarg;
      break;
    case 'o':
      output = optarg;
      break;
    case OPT_DUMP_LAYOUT:
      dump_layout = true;
      break;
    case 'h':
      command_help(cmd, stdout);
      return 0;
    case OPT_VERSION:
      evalpdf_print_versions(NULL, stdout);
      return 0;
    case ':':
      fprintf(stderr, "evalpdf: error: option %s needs a value.\n", argv[optind - 1]);
      return 2;
    default:
      fprintf(stderr, "evalpdf: error: unknown option \"%s\"; run 'evalpdf help %s'.\n", argv[optind - 1],
              cmd->name);
      return 2;
    }
  }
  int nfiles = argc - optind;
  char **files = argv + optind;

  if (!strcmp(cmd->name, "help")) {
    if (nfiles == 0) {
      usage(stdout);
      return 0;
    }
    const command *h = find_command(files[0]);
    if (!h) {
      fprintf(stderr, "evalpdf: error: unknown command \"%s\".\n", files[0]);
      return 2;
    }
    command_help(h, stdout);
    return 0;
  }

  evalpdf_render_options ropts;
  evalpdf_render_options_init(&ropts);
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (sde && *sde) {
    char *end;
    errno = 0;
    long long v = strtoll(sde, &end, 10);
    if (*end || v < 0 || errno) {
      fprintf(stderr, "evalpdf: error: SOURCE_DATE_EPOCH=\"%s\" is not a number of seconds since 1970-01-01.\n", sde);
      return 2;
    }
    ropts.creation_date = v;
  }
  char err[1024] = "";
  evalpdf_context *ctx = NULL;
  if (evalpdf_context_new(&opts, &ctx, err, sizeof err) != EVALPDF_OK) {
    fprintf(stderr, "evalpdf: error: %s\n", err);
    return 2;
  }
  int rc = 0;
  if (!strcmp(cmd->name, "layouts")) {
    evalpdf_context_layouts(ctx, stdout);
  } else if (!strcmp(cmd->name, "fonts")) {
    evalpdf_document *doc = NULL;
    if (nfiles > 0) {
      evalpdf_status st = evalpdf_document_load(ctx, files[0], &doc);
      if (st == EVALPDF_ERR_IO) {
        evalpdf_print_diagnostics(&doc, 1, json, stderr);
        rc = 2;
      }
    }
    if (rc == 0) {
      evalpdf_status st = evalpdf_print_fonts(ctx, doc, &ropts, stdout, stderr);
      if (doc)
        evalpdf_print_diagnostics(&doc, 1, json, stderr);
      if (st != EVALPDF_OK)
        rc = 2;
    }
    evalpdf_document_free(doc);
  } else if (nfiles == 0) {
    fprintf(stderr, "evalpdf: error: %s needs a FILE; run 'evalpdf help %s'.\n", cmd->name, cmd->name);
    rc = 2;
  } else if (!strcmp(cmd->name, "render") && output && nfiles > 1) {
    fprintf(stderr, "evalpdf: error: -o names one output, but %d input files were given.\n", nfiles);
    rc = 2;
  } else if (!strcmp(cmd->name, "dump") && nfiles > 1) {
    fprintf(stderr, "evalpdf: error: dump takes one FILE.\n");
    rc = 2;
  } else {
    evalpdf_document **docs = calloc((size_t)nfiles, sizeof *docs);
    if (!docs) {
      fprintf(stderr, "evalpdf: error: out of memory.\n");
      evalpdf_context_free(ctx);
      return 2;
    }
    for (int i = 0; i < nfiles; i++) {
      evalpdf_status st = evalpdf_document_load(ctx, files[i], &docs[i]);
      int code = st == EVALPDF_OK ? 0 : st == EVALPDF_ERR_INPUT ? 1 : 2;
      if (code > rc)
        rc = code;
      if (!json && strcmp(cmd->name, "render"))
        evalpdf_print_diagnostics(&docs[i], 1, 0, stderr);
      if (!strcmp(cmd->name, "check") && !quiet)
        evalpdf_document_print_summary(docs[i], stdout);
      else if (!strcmp(cmd->name, "dump") && st != EVALPDF_ERR_IO)
        evalpdf_document_dump(docs[i], stdout);
      else if (!strcmp(cmd->name, "render") && st == EVALPDF_OK) {
        char *out = NULL;
        if (!dump_layout && !output) {
          size_t n = strlen(files[i]);
          out = malloc(n + 5);
          if (!out) {
            fprintf(stderr, "evalpdf: error: out of memory.\n");
            return 2;
          }
          memcpy(out, files[i], n + 1);
          if (n > 4 && !strcmp(out + n - 4, ".xml"))
            out[n - 4] = 0;
          strcat(out, ".pdf");
        }
        st = dump_layout ? evalpdf_document_dump_layout(docs[i], &ropts, stdout)
                         : evalpdf_document_render(docs[i], &ropts, out ? out : output);
        free(out);
        code = st == EVALPDF_OK ? 0 : st == EVALPDF_ERR_INPUT ? 1 : 2;
        if (code > rc)
          rc = code;
      }
      if (!json && !strcmp(cmd->name, "render"))
        evalpdf_print_diagnostics(&docs[i], 1, 0, stderr);
    }
    if (json)
      evalpdf_print_diagnostics(docs, (size_t)nfiles, 1, stderr);
    for (int i = 0; i < nfiles; i++)
      evalpdf_document_free(docs[i]);
    free(docs);
  }
  evalpdf_context_free(ctx);
  return rc;
}
