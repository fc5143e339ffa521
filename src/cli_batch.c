// cli_batch.c - `evalpdf batch`: many reports in one process with worker
// threads sharing one context (fonts and layouts parsed once), output names
// from a pattern, incremental re-rendering through a content-hash manifest,
// shards, a progress line and a summary. CLI only (see cli.h).
#define _GNU_SOURCE // open_memstream, sched_getaffinity
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

// ---- Options ------------------------------------------------------------

// The help of batch and watch after the synopsis (also `evalpdf help batch`).
const char cli_batch_help[] =
    "batch renders many reports in one process; watch renders them, then again\n"
    "whenever a report, a file it includes or its layout changes (Ctrl-C ends it).\n"
    "An INPUT is a report, a folder (its *.xml; with -r also those of its folders)\n"
    "or @LIST (a file naming one input per line). Files whose root element is not\n"
    "<report> (shared includes) are skipped with a note. A report whose PDF is up\n"
    "to date (same report, included files, layout, fonts, options and evalpdf\n"
    "version, by content hash, recorded in " CLI_MANIFEST_NAME " beside the PDFs) is skipped.\n"
    "\n"
    "Options:\n"
    "  -j, --jobs N         worker threads (default: the number of cores)\n"
    "  -o, --output DIR     write the PDFs under DIR, mirroring the inputs' folders\n"
    "                       (default: each PDF beside its report)\n"
    "  --name PATTERN       output name (default {stem}.pdf); placeholders {stem},\n"
    "                       {title}, {subtitle}, {issuer}, {year}, {date}, {region};\n"
    "                       {{ and }} are braces; a / makes folders\n"
    "  --root DIR           include root, and the folder inputs' relative paths start\n"
    "                       from (default: the deepest folder holding every input)\n"
    "  --layout NAME|PATH   layout instead of each report's layout attribute\n"
    "  --font-dir DIR       an extra folder of fonts\n"
    "  -r, --recursive      look for reports in folders of folders\n"
    "  --force              render every report, up to date or not\n"
    "  --fail-fast          start no new report after the first failure\n"
    "  --shard I/N          render only the I-th of N parts (1 <= I <= N), chosen by\n"
    "                       a hash of each report's path relative to the root\n"
    "  --strict             treat warnings as errors\n"
    "  -q, --quiet          no line per report, no progress line and no notes; errors and warnings only\n"
    "                       and the summary\n"
    "  -h, --help           show this help\n"
    "\n"
    "stderr gets each failing report's diagnostics, one line per report (a progress\n"
    "line on a terminal) and the summary line\n"
    "  rendered N, skipped N, failed N, warnings N in S.Ss\n"
    "SOURCE_DATE_EPOCH sets the PDFs' creation date.\n"
    "Exit status: 0 every report rendered or was up to date, 1 a report has errors,\n"
    "2 a usage error or an I/O failure (130 when interrupted).";

// 'default_jobs()' - The number of cores this process may run on.
static int default_jobs(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

// 'parse_shard()' - Parse "I/N" into O; false when malformed.
static bool parse_shard(const char *s, cli_batch_opts *o) {
  char *end;
  errno = 0;
  unsigned long i = strtoul(s, &end, 10);
  if (end == s || *end != '/' || errno)
    return false;
  const char *t = end + 1;
  unsigned long n = strtoul(t, &end, 10);
  if (end == t || *end || errno || n < 1 || n > 1000000 || i < 1 || i > n || s[0] == '-' || t[0] == '-')
    return false;
  o->shard_i = (unsigned)i;
  o->shard_n = (unsigned)n;
  return true;
}

// 'parse_epoch()' - SOURCE_DATE_EPOCH into O; false when malformed.
static bool parse_epoch(cli_batch_opts *o) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  o->creation_date = -1;
  if (!sde || !*sde)
    return true;
  char *end;
  errno = 0;
  long long v = strtoll(sde, &end, 10);
  if (*end || v < 0 || errno) {
    fprintf(stderr, "evalpdf: error: SOURCE_DATE_EPOCH=\"%s\" is not a number of seconds since 1970-01-01.\n", sde);
    return false;
  }
  o->creation_date = v;
  return true;
}

static bool check_pattern(const char *pattern, bool *needs_meta);

enum { OPT_NAME = 256, OPT_ROOT, OPT_LAYOUT, OPT_FONT_DIR, OPT_FORCE, OPT_FAIL_FAST, OPT_SHARD, OPT_STRICT };

// 'cli_batch_parse()' - Options of batch and watch.
int cli_batch_parse(int argc, char **argv, cli_batch_opts *o) {
  memset(o, 0, sizeof *o);
  o->jobs = default_jobs();
  o->pattern = "{stem}.pdf";
  static const struct option longopts[] = {
      {"jobs", required_argument, NULL, 'j'},         {"output", required_argument, NULL, 'o'},
      {"name", required_argument, NULL, OPT_NAME},     {"root", required_argument, NULL, OPT_ROOT},
      {"layout", required_argument, NULL, OPT_LAYOUT}, {"font-dir", required_argument, NULL, OPT_FONT_DIR},
      {"recursive", no_argument, NULL, 'r'},           {"force", no_argument, NULL, OPT_FORCE},
      {"fail-fast", no_argument, NULL, OPT_FAIL_FAST}, {"shard", required_argument, NULL, OPT_SHARD},
      {"strict", no_argument, NULL, OPT_STRICT},       {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},                {NULL, 0, NULL, 0}};
  optind = 0; // a full restart (glibc, musl): main may have run getopt in its "-" mode
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":j:o:rqh", longopts, NULL)) != -1) {
    char *end;
    switch (c) {
    case 'j':
      errno = 0;
      long j = strtol(optarg, &end, 10);
      if (*end || end == optarg || errno || j < 1 || j > 1024) {
        fprintf(stderr, "evalpdf: error: -j %s: give a number of threads from 1 to 1024.\n", optarg);
        return 2;
      }
      o->jobs = (int)j;
      break;
    case 'o': o->out_dir = optarg; break;
    case OPT_NAME: o->pattern = optarg; break;
    case OPT_ROOT: o->root = optarg; break;
    case OPT_LAYOUT: o->layout = optarg; break;
    case OPT_FONT_DIR: o->font_dir = optarg; break;
    case 'r': o->recursive = true; break;
    case OPT_FORCE: o->force = true; break;
    case OPT_FAIL_FAST: o->fail_fast = true; break;
    case OPT_STRICT: o->strict = true; break;
    case 'q': o->quiet = true; break;
    case OPT_SHARD:
      if (!parse_shard(optarg, o)) {
        fprintf(stderr, "evalpdf: error: --shard %s: give I/N with 1 <= I <= N, e.g. --shard 3/8.\n", optarg);
        return 2;
      }
      break;
    case 'h': printf("Usage: evalpdf %s [OPTIONS] INPUT...\n\n%s\n", argv[0], cli_batch_help); return 0;
    case ':': fprintf(stderr, "evalpdf: error: option %s needs a value.\n", argv[optind - 1]); return 2;
    default:
      fprintf(stderr, "evalpdf: error: unknown option \"%s\"; run 'evalpdf help %s'.\n", argv[optind - 1], argv[0]);
      return 2;
    }
  }
  o->inputs = argv + optind;
  o->ninputs = argc - optind;
  if (o->ninputs == 0) {
    fprintf(stderr, "evalpdf: error: %s needs an INPUT (a report, a folder or @LIST); run 'evalpdf help %s'.\n",
            argv[0], argv[0]);
    return 2;
  }
  if (!check_pattern(o->pattern, &o->name_needs_meta))
    return 2;
  return parse_epoch(o) ? -1 : 2;
}

// 'cli_context_new()' - The shared context (SERIAL: renders use no helper
// thread, as batch's workers already keep every core busy with documents).
// Without KEEP_PROGRAMS its font programs come from the program cache when
// `render` left them there, but are not added to it (a batch's reports are
// many and different).
evalpdf_context *cli_context_new(const cli_batch_opts *o, bool serial, bool keep_programs) {
  evalpdf_options eo;
  evalpdf_options_init(&eo);
  if (!keep_programs)
    eo.flags |= EVALPDF_OPT_PROGRAM_CACHE_READ_ONLY;
  if (serial)
    eo.flags |= EVALPDF_OPT_SERIAL;
  eo.root = o->root;
  eo.layout = o->layout;
  eo.font_dir = o->font_dir;
  if (o->strict)
    eo.flags |= EVALPDF_OPT_STRICT;
  cli_env env;
  cli_env_options(&eo, &env);
  char err[1024] = "";
  evalpdf_context *ctx = NULL;
  if (evalpdf_context_new(&eo, &ctx, err, sizeof err) != EVALPDF_OK) {
    fprintf(stderr, "evalpdf: error: %s\n", err);
    return NULL;
  }
  return ctx;
}

// ---- Name patterns --------------------------------------------------------

static const char *const meta_keys[] = {"title", "subtitle", "issuer", "year", "date", "region"};

// 'sanitize()' - A meta value made safe as part of a file name (heap):
// slashes and control characters become _, a leading dot too, blanks at
// either end go; NULL when nothing is left.
static char *sanitize(const char *v) {
  while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
    v++;
  size_t n = strlen(v);
  while (n > 0 && strchr(" \t\r\n", v[n - 1]))
    n--;
  if (n == 0)
    return NULL;
  char *s = cli_xasprintf("%.*s", (int)n, v);
  for (unsigned char *p = (unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
      *p = '_';
  if (s[0] == '.')
    s[0] = '_';
  return s;
}

// 'stem_of()' - The file name of PATH without a final ".xml" (heap).
static char *stem_of(const char *path) {
  const char *b = cli_path_base(path);
  size_t n = strlen(b);
  if (n > 4 && !strcasecmp(b + n - 4, ".xml"))
    n -= 4;
  return cli_xasprintf("%.*s", (int)n, b);
}

// 'check_name()' - Whether NAME is a usable relative output path: no empty,
// "." or ".." component, none over 255 bytes, not absolute. On failure a
// reason goes into WHY.
static bool check_name(const char *name, const char **why) {
  if (name[0] == '/') {
    *why = "is absolute";
    return false;
  }
  for (const char *p = name;;) {
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) {
      *why = "has an empty, \".\" or \"..\" part";
      return false;
    }
    if (n > 255) {
      *why = "has a part longer than 255 bytes";
      return false;
    }
    if (n == strlen(CLI_MANIFEST_NAME) && !strncmp(p, CLI_MANIFEST_NAME, n)) {
      *why = "is the name of the manifest file";
      return false;
    }
    if (!e)
      return true;
    p = e + 1;
  }
}

// 'expand_name()' - PATTERN with {stem} from INPUT and the meta placeholders
// from DOC (NULL when the pattern needs none). Heap string, or NULL with the
// reason in *ERR (heap).
static char *expand_name(const char *pattern, const char *input, evalpdf_document *doc, char **err) {
  cli_buf b = {0};
  cli_buf_printf(&b, "%s", "");
  for (const char *p = pattern; *p; p++) {
    if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
      cli_buf_printf(&b, "%c", *p++);
      continue;
    }
    if (*p != '{') {
      cli_buf_printf(&b, "%c", *p);
      continue;
    }
    const char *close = strchr(p, '}');
    size_t n = (size_t)(close - p - 1);
    char *v = NULL;
    if (n == 4 && !strncmp(p + 1, "stem", 4))
      v = stem_of(input);
    else {
      char key[16];
      snprintf(key, sizeof key, "%.*s", (int)n, p + 1);
      const char *m = doc ? evalpdf_document_meta(doc, key) : NULL;
      v = m ? sanitize(m) : NULL;
      if (!v) {
        *err = cli_xasprintf("the name pattern \"%s\" uses {%s}, but the report has no <%s> in its <meta>", pattern,
                             key, key);
        cli_buf_free(&b);
        return NULL;
      }
    }
    cli_buf_printf(&b, "%s", v);
    free(v);
    p = close;
  }
  const char *why;
  if (!check_name(b.s, &why)) {
    *err = cli_xasprintf("the output name \"%s\" from the pattern \"%s\" %s", b.s, pattern, why);
    cli_buf_free(&b);
    return NULL;
  }
  return b.s;
}

// 'check_pattern()' - Validate PATTERN once: balanced braces, known
// placeholders, a usable name. Sets *NEEDS_META; false after a message on stderr.
static bool check_pattern(const char *pattern, bool *needs_meta) {
  *needs_meta = false;
  cli_buf dummy = {0};
  cli_buf_printf(&dummy, "%s", "");
  for (const char *p = pattern; *p; p++) {
    if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
      cli_buf_printf(&dummy, "%c", *p++);
      continue;
    }
    if (*p == '}') {
      fprintf(stderr, "evalpdf: error: --name \"%s\": a } without its {; write }} for a brace.\n", pattern);
      cli_buf_free(&dummy);
      return false;
    }
    if (*p != '{') {
      cli_buf_printf(&dummy, "%c", *p);
      continue;
    }
    const char *close = strchr(p, '}');
    size_t n = close ? (size_t)(close - p - 1) : 0;
    bool known = close && n == 4 && !strncmp(p + 1, "stem", 4);
    for (size_t k = 0; close && !known && k < sizeof meta_keys / sizeof *meta_keys; k++)
      if (strlen(meta_keys[k]) == n && !strncmp(p + 1, meta_keys[k], n))
        known = *needs_meta = true;
    if (!known) {
      fprintf(stderr,
              "evalpdf: error: --name \"%s\": unknown placeholder \"%.*s\"; use {stem}, {title}, {subtitle}, "
              "{issuer}, {year}, {date} or {region} ({{ and }} for braces).\n",
              pattern, close ? (int)(close - p + 1) : (int)strlen(p), p);
      cli_buf_free(&dummy);
      return false;
    }
    cli_buf_printf(&dummy, "x");
    p = close;
  }
  const char *why;
  bool ok = check_name(dummy.s, &why);
  if (!ok)
    fprintf(stderr, "evalpdf: error: --name \"%s\": the output name %s.\n", pattern, why);
  cli_buf_free(&dummy);
  return ok;
}

// ---- The run ------------------------------------------------------------

typedef enum job_state { J_PENDING, J_SKIPPED, J_RENDERED, J_FAILED, J_NOT_RUN } job_state;

// One printed diagnostic of a report.
typedef struct job_line {
  evalpdf_severity sev;
  char *text;
} job_line;

// One report of the run.
typedef struct job {
  const cli_input *in;
  cli_manifest *man;
  const cli_entry *old; // its manifest entry from the last run, or NULL
  char *name;           // the expanded pattern
  char *out_path;       // the PDF as printed
  char *out_abs;
  char *out_rel; // relative to the manifest's folder
  evalpdf_document *doc;
  char in_hash[CLI_HEX_LEN]; // of the report before it was loaded
  bool have_in_hash;
  cli_dep *pre; // included files hashed before loading (from the old entry)
  size_t npre;
  job_line *lines;
  size_t nlines;
  size_t errors, warnings;
  int code; // its share of the exit status
  job_state state;
  bool final;
  char **paths; // files it read (for watch)
  size_t npaths;
} job;

// The state shared by the workers of one run.
typedef struct batch {
  evalpdf_context *ctx;
  const cli_batch_opts *o;
  cli_hash_cache *cache;
  evalpdf_render_options ropts;
  bool needs_meta, want_paths;
  char run_key[CLI_HEX_LEN];
  job *jobs;
  size_t njobs;
  cli_manifest *mans;
  size_t nmans;
  atomic_bool stop;   // --fail-fast after a failure
  atomic_size_t kept; // documents step 1 loaded and keeps for step 2 (see KEEP_MAX)
  // Reporting (under LOCK): jobs print in input order, as soon as every earlier one is final.
  pthread_mutex_t lock;
  size_t cursor, done;
  const char *current;
  bool tty, progress_shown;
  double t0, last_draw;
  char **notes; // notes printed so far (each once per run)
  size_t nnotes, capnotes;
  size_t rendered, skipped, failed, warnings, not_run;
  int status;
  double saved_at; // when the manifests were last written (under LOCK)
  bool saving;     // a thread is writing them now (under LOCK)
} batch;

// Seconds between the manifests' saves while a batch runs (save_now_and_then()).
#define MANIFEST_EVERY 2.0

// Documents loaded for their names stay loaded for rendering up to this
// many (about 0.4 MB each); the others are loaded again.
#define KEEP_MAX 256

// 'now()' - Seconds on the monotonic clock.
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// 'job_add_line()' - Add a printed line to J.
static void job_add_line(job *j, evalpdf_severity sev, char *text) {
  j->lines = cli_xrealloc(j->lines, (j->nlines + 1) * sizeof *j->lines);
  j->lines[j->nlines++] = (job_line){sev, text};
}

// 'job_add_path()' - Remember that J read PATH (for watch).
static void job_add_path(batch *b, job *j, const char *path) {
  if (!b->want_paths || !path)
    return;
  j->paths = cli_xrealloc(j->paths, (j->npaths + 1) * sizeof *j->paths);
  j->paths[j->npaths++] = cli_path_absolute(path);
  if (!j->paths[j->npaths - 1])
    j->npaths--;
}

// 'take_diagnostics()' - Add DOC's diagnostics to J's lines; its counts.
static void take_diagnostics(job *j, evalpdf_document *doc) {
  size_t n = evalpdf_diag_count(doc);
  for (size_t i = 0; i < n; i++) {
    evalpdf_diag d;
    if (evalpdf_diag_get(doc, i, &d) != 0)
      continue;
    job_add_line(j, d.severity, cli_diag_line(&d));
  }
  evalpdf_document_counts(doc, &j->errors, &j->warnings);
}

// 'fail()' - J failed with STATUS: its diagnostics (and a line saying so when
// they hold no error), and its exit status share.
static void fail(job *j, evalpdf_status st, evalpdf_document *doc) {
  if (doc)
    take_diagnostics(j, doc);
  bool has_error = false;
  for (size_t i = 0; i < j->nlines; i++)
    has_error |= j->lines[i].sev == EVALPDF_ERROR;
  if (!has_error)
    job_add_line(j, EVALPDF_ERROR, cli_xasprintf("%s: error: %s.", j->in->path, evalpdf_status_string(st)));
  j->state = J_FAILED;
  j->code = st == EVALPDF_ERR_INPUT ? 1 : 2;
}

// 'job_root()' - The include root job J's report was loaded under (as the
// library confines it): --root, else the report's folder. Heap string, or NULL.
static char *job_root(const batch *b, const job *j) {
  return b->o->root ? cli_path_absolute(b->o->root) : cli_path_dir(j->in->abs);
}

// 'hash_shared_file()' - cli_hash_cache callback: the hash of the file KEY
// names: "file:PATH" (a layout) by content, "font:PATH" (a font file, several
// megabytes) by identity (cli_file_identity(): path, inode, size, times).
// USER is the include root (or NULL): a file beneath it (a layout, or a
// font file, that a report named) is opened beneath it only, as the library
// read it; installed layouts and fonts by path.
static int hash_shared_file(const char *key, char *hex, void *user) {
  const char *root = user, *path = key + 5;
  char *rel = root ? cli_path_relative(path, root) : NULL; // NULL: an installed file
  int rc = !strncmp(key, "font:", 5) ? cli_file_identity(rel ? root : NULL, path, hex)
           : rel                     ? cli_hash_file_beneath(root, path, hex)
                                     : cli_hash_file(path, hex);
  free(rel);
  return rc;
}

// 'shared_file_hash()' - The hash of the layout (KIND 'l') or font file
// (KIND 'f') PATH that job J used, computed once per run.
static int shared_file_hash(batch *b, const job *j, const char *path, char kind, char hex[CLI_HEX_LEN]) {
  char *key = cli_xasprintf("%s:%s", kind == 'f' ? "font" : "file", path);
  char *root = job_root(b, j);
  int rc = cli_hash_cache_get(b->cache, key, hash_shared_file, root, hex);
  free(root);
  free(key);
  return rc;
}

// 'hash_fonts()' - cli_hash_cache callback: the hash of how the font roles of
// the layout KEY names ("fonts:PATH") resolve (`evalpdf fonts` for it), so
// that a newly installed font which takes over a role makes every PDF out of date.
static int hash_fonts(const char *key, char *hex, void *user) {
  batch *b = user;
  evalpdf_render_options ro = b->ropts;
  ro.layout = key + 6;
  char *text = NULL, *etext = NULL;
  size_t len = 0, elen = 0;
  FILE *out = open_memstream(&text, &len), *err = open_memstream(&etext, &elen);
  if (!out || !err)
    return -1;
  evalpdf_status st = evalpdf_print_fonts(b->ctx, NULL, &ro, out, err);
  fclose(out);
  fclose(err);
  cli_hash_string(text, hex);
  free(text);
  free(etext);
  return st == EVALPDF_OK ? 0 : -1;
}

// 'entry_key()' - The key of a PDF made with the layout at LAYOUT: the run's
// options and version, the layout path and how its fonts resolve. False when
// the fonts cannot be resolved.
static bool entry_key(batch *b, const char *layout, char key[CLI_HEX_LEN]) {
  char fonts[CLI_HEX_LEN];
  char *ck = cli_xasprintf("fonts:%s", layout);
  int rc = cli_hash_cache_get(b->cache, ck, hash_fonts, b, fonts);
  free(ck);
  if (rc != 0)
    return false;
  char *s = cli_xasprintf("%s\n%s\n%s\n", b->run_key, layout, fonts);
  cli_hash_string(s, key);
  free(s);
  return true;
}

// 'dep_hash()' - The current hash of dependency D: the report itself from
// J's pre-load hash, other inputs fresh (beneath the include root), layouts
// and fonts from the shared cache.
static int dep_hash(batch *b, job *j, const cli_dep *d, char hex[CLI_HEX_LEN]) {
  if (d->kind != 'i')
    return shared_file_hash(b, j, d->path, d->kind, hex);
  if (!strcmp(d->path, j->in->abs)) {
    memcpy(hex, j->in_hash, CLI_HEX_LEN);
    return j->have_in_hash ? 0 : -1;
  }
  // An included file: opened beneath the include root only (see make_entry()).
  char *root = job_root(b, j);
  int rc = root ? cli_hash_file_beneath(root, d->path, hex) : -1;
  free(root);
  if (rc != 0)
    return -1;
  j->pre = cli_xrealloc(j->pre, (j->npre + 1) * sizeof *j->pre);
  j->pre[j->npre] = (cli_dep){'i', "", cli_xstrdup(d->path)};
  memcpy(j->pre[j->npre++].hash, hex, CLI_HEX_LEN);
  return 0;
}

// 'up_to_date()' - Whether J's PDF from the last run still stands: same
// report, included files, layout, fonts (content hashes), same options and
// version, and the PDF at the output path is the very file that run wrote.
static bool up_to_date(batch *b, job *j) {
  const cli_entry *e = j->old;
  if (b->o->force || !e || (j->out_rel && strcmp(e->output, j->out_rel)))
    return false;
  const char *layout = NULL;
  char hex[CLI_HEX_LEN];
  // Inputs first (what changes most), then fonts and the layout.
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < e->ndeps; i++) {
      const cli_dep *d = &e->deps[i];
      if ((d->kind == 'i') != (pass == 0))
        continue;
      if (d->kind == 'l')
        layout = d->path;
      if (dep_hash(b, j, d, hex) != 0 || strcmp(hex, d->hash))
        return false;
    }
  if (!layout || !entry_key(b, layout, hex) || strcmp(hex, e->key))
    return false;
  char *pdf = cli_path_join(j->man->dir, e->output);
  bool same = cli_hash_file(pdf, hex) == 0 && !strcmp(hex, e->pdf);
  free(pdf);
  return same;
}

// 'set_output()' - J's output paths for the expanded name NAME (taken over).
static void set_output(batch *b, job *j, char *name) {
  const char *o = b->o->out_dir;
  char *reldir = cli_path_dir(j->in->rel);
  char *indir = cli_path_dir(j->in->path);
  bool here = !strcmp(reldir, ".");
  char *base = !o ? cli_xstrdup(indir) : here ? cli_xstrdup(o) : cli_path_join(o, reldir);
  j->name = name;
  j->out_path = cli_path_join(base, name);
  j->out_rel = o && !here ? cli_path_join(reldir, name) : cli_xstrdup(name);
  j->out_abs = cli_path_absolute(j->out_path);
  if (!j->out_abs)
    j->out_abs = cli_xstrdup(j->out_path);
  free(reldir);
  free(indir);
  free(base);
}

// 'phase_check()' - Worker step 1 for job I: hash the report, decide whether
// it is up to date, and when the name needs <meta>, load it for the name.
static void phase_check(batch *b, size_t i) {
  job *j = &b->jobs[i];
  j->have_in_hash = cli_hash_file(j->in->abs, j->in_hash) == 0;
  // What the last good PDF came from matters to watch even while the report is broken.
  for (size_t k = 0; j->old && k < j->old->ndeps; k++)
    if (j->old->deps[k].kind != 'f')
      job_add_path(b, j, j->old->deps[k].path);
  char *err = NULL;
  if (!b->needs_meta) {
    char *name = expand_name(b->o->pattern, j->in->path, NULL, &err);
    if (name)
      set_output(b, j, name);
  }
  if (!err && up_to_date(b, j)) {
    j->state = J_SKIPPED;
    if (!j->out_path) {
      j->out_path = cli_path_join(j->man->dir, j->old->output);
      j->out_rel = cli_xstrdup(j->old->output);
      j->out_abs = cli_path_absolute(j->out_path);
      if (!j->out_abs)
        j->out_abs = cli_xstrdup(j->out_path);
    }
    return;
  }
  if (!err && b->needs_meta) {
    evalpdf_status st = evalpdf_document_load(b->ctx, j->in->path, &j->doc);
    for (size_t k = 0; k < evalpdf_document_input_count(j->doc); k++)
      job_add_path(b, j, evalpdf_document_input(j->doc, k));
    if (st != EVALPDF_OK) {
      fail(j, st, j->doc);
      evalpdf_document_free(j->doc);
      j->doc = NULL;
      return;
    }
    char *name = expand_name(b->o->pattern, j->in->path, j->doc, &err);
    if (name)
      set_output(b, j, name);
    if (name && atomic_fetch_add(&b->kept, 1) >= KEEP_MAX) {
      evalpdf_document_free(j->doc);
      j->doc = NULL;
    }
  }
  if (err) {
    job_add_line(j, EVALPDF_ERROR, cli_xasprintf("%s: error: %s.", j->in->path, err));
    free(err);
    j->state = J_FAILED;
    j->code = 1;
    evalpdf_document_free(j->doc);
    j->doc = NULL;
  }
}

// 'record_path()' - Callback of evalpdf_document_render_inputs: collect PATH.
static void record_path(const char *path, void *user) {
  cli_entry *e = user;
  char kind = e->ndeps == 0 ? 'l' : 'f'; // the layout comes first
  char *abs = cli_path_absolute(path);
  e->deps = cli_xrealloc(e->deps, (e->ndeps + 1) * sizeof *e->deps);
  e->deps[e->ndeps] = (cli_dep){kind, "", abs ? abs : cli_xstrdup(path)};
  e->ndeps++;
}

// 'pre_hash()' - The hash J's report or include PATH had before loading, or NULL.
static const char *pre_hash(const job *j, const char *path) {
  if (!strcmp(path, j->in->abs))
    return j->have_in_hash ? j->in_hash : NULL;
  for (size_t i = 0; i < j->npre; i++)
    if (!strcmp(j->pre[i].path, path))
      return j->pre[i].hash;
  return NULL;
}

// 'save_now_and_then()' - Write the manifests when MANIFEST_EVERY seconds
// have passed since the run started or they were last written (one thread
// at a time; the others go on), so that a batch killed outright (SIGKILL, a
// crash, a power cut) keeps what it rendered until then: the next run skips
// those reports. SIGINT and SIGTERM end the run with a save anyway.
static void save_now_and_then(batch *b) {
  pthread_mutex_lock(&b->lock);
  bool due = !b->saving && now() - b->saved_at >= MANIFEST_EVERY;
  if (due)
    b->saving = true;
  pthread_mutex_unlock(&b->lock);
  if (!due)
    return;
  for (size_t i = 0; i < b->nmans; i++)
    (void)cli_manifest_save(&b->mans[i], NULL); // a failure is reported by the save at the end
  pthread_mutex_lock(&b->lock);
  b->saved_at = now();
  b->saving = false;
  pthread_mutex_unlock(&b->lock);
}

// 'make_entry()' - Record J's freshly written PDF in its manifest: the hash of
// every file it came from, the key and the PDF's own hash. A file that changed
// while the report was rendered (it differs from its hash before loading)
// leaves no entry, so the next run renders again.
static void make_entry(batch *b, job *j) {
  cli_entry e;
  memset(&e, 0, sizeof e);
  bool ok = true;
  size_t n = evalpdf_document_input_count(j->doc);
  char *root = job_root(b, j);
  for (size_t k = 0; k < n && ok; k++) {
    char *abs = cli_path_absolute(evalpdf_document_input(j->doc, k));
    ok = abs != NULL;
    if (!ok)
      break;
    e.deps = cli_xrealloc(e.deps, (e.ndeps + 1) * sizeof *e.deps);
    cli_dep *d = &e.deps[e.ndeps++];
    *d = (cli_dep){'i', "", abs};
    const char *before = pre_hash(j, abs);
    // The report itself by path (the user named it); what it includes only
    // beneath the include root, as the library read it.
    ok = (k == 0 ? cli_hash_file(abs, d->hash) : root ? cli_hash_file_beneath(root, abs, d->hash) : -1) == 0 &&
         (!before || !strcmp(before, d->hash)) && (k > 0 || before);
  }
  free(root);
  size_t first = e.ndeps;
  cli_entry shared = {0};
  if (ok)
    ok = evalpdf_document_render_inputs(j->doc, &b->ropts, record_path, &shared) == EVALPDF_OK && shared.ndeps > 0;
  for (size_t k = 0; k < shared.ndeps; k++) {
    e.deps = cli_xrealloc(e.deps, (e.ndeps + 1) * sizeof *e.deps);
    e.deps[e.ndeps] = shared.deps[k];
    if (ok && shared_file_hash(b, j, shared.deps[k].path, shared.deps[k].kind, e.deps[e.ndeps].hash) != 0)
      ok = false;
    e.ndeps++;
  }
  free(shared.deps);
  ok = ok && entry_key(b, e.deps[first].path, e.key) && cli_hash_file(j->out_path, e.pdf) == 0;
  for (size_t k = 0; k < e.ndeps; k++)
    if (e.deps[k].kind != 'f')
      job_add_path(b, j, e.deps[k].path);
  if (!ok) {
    job_add_line(j, EVALPDF_NOTE,
                 cli_xasprintf("%s: note: a file it depends on changed or could not be read while it was rendered; "
                               "it renders again next time.",
                               j->in->path));
    cli_entry_free(&e);
    return;
  }
  e.input = cli_xstrdup(j->in->abs);
  e.output = cli_xstrdup(j->out_rel);
  cli_manifest_put(j->man, &e);
  save_now_and_then(b);
}

// 'phase_render()' - Worker step 2 for job I: load (unless step 1 did),
// write the PDF, record it.
static void phase_render(batch *b, size_t i) {
  job *j = &b->jobs[i];
  evalpdf_status st = EVALPDF_OK;
  if (!j->doc) {
    st = evalpdf_document_load(b->ctx, j->in->path, &j->doc);
    for (size_t k = 0; k < evalpdf_document_input_count(j->doc); k++)
      job_add_path(b, j, evalpdf_document_input(j->doc, k));
    char *err = NULL, *name = NULL;
    if (st == EVALPDF_OK && b->needs_meta)
      name = expand_name(b->o->pattern, j->in->path, j->doc, &err);
    if (st == EVALPDF_OK && b->needs_meta && (!name || strcmp(name, j->name))) {
      // Named in step 1 from what the report said then; it changed since.
      job_add_line(j, EVALPDF_ERROR,
                   cli_xasprintf("%s: error: the report changed while the batch ran (its output name is no longer "
                                 "%s); run the batch again.",
                                 j->in->path, j->out_path));
      st = EVALPDF_ERR_IO;
    }
    free(name);
    free(err);
  }
  if (st == EVALPDF_OK) {
    char *dir = cli_path_dir(j->out_path);
    if (cli_mkdirs(dir) != 0) {
      job_add_line(j, EVALPDF_ERROR,
                   cli_xasprintf("evalpdf: error: cannot create the folder %s for %s: %s.", dir, j->in->path,
                                 strerror(errno)));
      st = EVALPDF_ERR_IO;
    }
    free(dir);
  }
  if (st == EVALPDF_OK)
    st = evalpdf_document_render(j->doc, &b->ropts, j->out_path);
  if (st != EVALPDF_OK)
    fail(j, st, j->doc);
  else {
    take_diagnostics(j, j->doc);
    j->state = J_RENDERED;
    make_entry(b, j);
  }
  evalpdf_document_free(j->doc);
  j->doc = NULL;
}

// ---- Reporting ------------------------------------------------------------

// 'clear_progress()' - Erase the progress line (under the lock).
static void clear_progress(batch *b) {
  if (b->progress_shown)
    fputs("\r\033[K", stderr);
  b->progress_shown = false;
}

// 'draw_progress()' - The progress line on a terminal: done/total, documents
// per second, time left, the current file (cut to the terminal's width).
static void draw_progress(batch *b, bool force) {
  double t = now();
  if (!b->tty || b->o->quiet || (!force && t - b->last_draw < 0.1))
    return;
  b->last_draw = t;
  double el = t - b->t0, rate = el > 0 ? (double)b->done / el : 0;
  size_t left = b->njobs - b->done;
  char line[512];
  int n = snprintf(line, sizeof line, "[%zu/%zu] %.1f docs/s, ", b->done, b->njobs, rate);
  if (rate > 0)
    n += snprintf(line + n, sizeof line - (size_t)n, "%.0fs left", (double)left / rate);
  else
    n += snprintf(line + n, sizeof line - (size_t)n, "-");
  if (b->current && left)
    snprintf(line + n, sizeof line - (size_t)n, ", %s", b->current);
  struct winsize ws;
  size_t width = ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? ws.ws_col - 1 : 79;
  size_t len = strlen(line);
  if (len > width) { // cut at a UTF-8 character boundary
    len = width;
    while (len > 0 && ((unsigned char)line[len] & 0xc0) == 0x80)
      len--;
  }
  fprintf(stderr, "\r\033[K%.*s", (int)len, line);
  b->progress_shown = true;
}

// 'note_seen()' - Whether note TEXT was printed before in this run (then the
// same font-role note of every report prints once); remembers it.
static bool note_seen(batch *b, const char *text) {
  for (size_t i = 0; i < b->nnotes; i++)
    if (!strcmp(b->notes[i], text))
      return true;
  if (b->nnotes == b->capnotes) {
    b->capnotes = b->capnotes ? 2 * b->capnotes : 16;
    b->notes = cli_xrealloc(b->notes, b->capnotes * sizeof *b->notes);
  }
  b->notes[b->nnotes++] = cli_xstrdup(text);
  return false;
}

// 'print_job()' - J's diagnostics and its line (under the lock).
static void print_job(batch *b, job *j) {
  clear_progress(b);
  for (size_t i = 0; i < j->nlines; i++)
    if (j->lines[i].sev != EVALPDF_NOTE || (!b->o->quiet && !note_seen(b, j->lines[i].text)))
      fprintf(stderr, "%s\n", j->lines[i].text);
  bool line = !b->o->quiet && (!b->tty || j->state == J_FAILED);
  if (line && j->state == J_RENDERED)
  {
    if (j->warnings > 1)
      fprintf(stderr, "rendered %s -> %s (%zu warnings)\n", j->in->path, j->out_path, j->warnings);
    else
      fprintf(stderr, "rendered %s -> %s%s\n", j->in->path, j->out_path, j->warnings ? " (1 warning)" : "");
  }
  else if (line && j->state == J_SKIPPED)
    fprintf(stderr, "skipped %s (%s is up to date)\n", j->in->path, j->out_path);
  else if (line && j->state == J_FAILED)
    fprintf(stderr, "failed %s\n", j->in->path);
}

// 'finish()' - Job I is final: count it, print every job up to the first
// one still running, in input order, and redraw the progress line.
static void finish(batch *b, size_t i) {
  pthread_mutex_lock(&b->lock);
  job *j = &b->jobs[i];
  j->final = true;
  b->done++;
  b->rendered += j->state == J_RENDERED;
  b->skipped += j->state == J_SKIPPED;
  b->failed += j->state == J_FAILED;
  b->not_run += j->state == J_NOT_RUN;
  b->warnings += j->warnings;
  if (j->code > b->status)
    b->status = j->code;
  if (j->state == J_FAILED && b->o->fail_fast)
    atomic_store(&b->stop, true);
  while (b->cursor < b->njobs && b->jobs[b->cursor].final)
    print_job(b, &b->jobs[b->cursor++]);
  draw_progress(b, b->done == b->njobs);
  pthread_mutex_unlock(&b->lock);
}

// ---- Worker threads -------------------------------------------------------

typedef struct pool {
  batch *b;
  const size_t *idx; // the jobs of this phase
  size_t n, next;
  void (*step)(batch *b, size_t i);
  pthread_mutex_t lock;
  pthread_t caller; // the thread running the phase (it works too)
} pool;

// 'stopping()' - Whether to start no new job (--fail-fast after a failure, Ctrl-C).
static bool stopping(batch *b) { return atomic_load(&b->stop) || cli_interrupted(); }

// 'arena_huge_pages()' - Let this thread's malloc arena grow in transparent
// huge pages, as the main heap does (main.c tune_memory()). glibc gives a
// second thread an arena of its own: one mapping of ARENA_SPAN bytes,
// aligned to that size, in small pages. On the 2026-12-04 test VM a first
// touch of a small page cost ~14 us, and the second worker of `batch -j2`
// took ~1,900 such faults over 100 county reports. The advice is given
// only when /proc/self/maps shows an anonymous mapping starting at the
// aligned address below a block just allocated, and nothing but anonymous
// mappings up to the span's end (the main heap is named [heap] and is left
// alone). The arena's first 2 MiB, whose page
// table the arena's own header made, is collapsed into one huge page
// (MADV_COLLAPSE): ~430 small-page faults fewer. Together with the main
// heap's part past its head (main.c run()): -10 ms of 475 for -j2, 95%
// interval -15 to -9 (40 pairs), -11 ms of 811 for -j1 (-26 to 0). A hint:
// where the maps cannot be read or checked, nothing happens. No output
// changes.
#define ARENA_SPAN ((uintptr_t)64 << 20) // glibc's HEAP_MAX_SIZE on 64-bit systems
#ifdef MADV_COLLAPSE
#define ARENA_COLLAPSE MADV_COLLAPSE
#else
#define ARENA_COLLAPSE 25 // Linux's MADV_COLLAPSE (6.1), not yet in glibc 2.36's <sys/mman.h>
#endif
static void arena_huge_pages(void) {
#if defined(MADV_HUGEPAGE) && UINTPTR_MAX > 0xFFFFFFFFu
  void *probe = malloc(64);
  FILE *f = probe ? fopen("/proc/self/maps", "re") : NULL;
  uintptr_t from = (uintptr_t)probe & ~(ARENA_SPAN - 1), to = from + ARENA_SPAN;
  bool starts = false, clean = f != NULL;
  char line[512];
  while (clean && fgets(line, sizeof line, f)) {
    unsigned long lo, hi, inode;
    int name = 0;
    if (sscanf(line, "%lx-%lx %*s %*s %*s %lu %n", &lo, &hi, &inode, &name) < 3)
      continue;
    if (hi <= from || lo >= to)
      continue;
    starts |= lo == from;
    clean = inode == 0 && (!name || line[name] == '\n' || line[name] == '\0');
  }
  if (f)
    fclose(f);
  free(probe);
  if (starts && clean)
    if (madvise((void *)from, ARENA_SPAN, MADV_HUGEPAGE) == 0) // a hint: failure is harmless
      (void)madvise((void *)from, (uintptr_t)2 << 20, ARENA_COLLAPSE); // the same (EINVAL before Linux 6.1)
#endif
}

// 'worker()' - Take jobs until none are left; each ends in finish() unless
// the phase leaves it pending for the next. A started thread first lets its
// malloc arena use huge pages.
static void *worker(void *arg) {
  pool *p = arg;
  batch *b = p->b;
  if (!pthread_equal(pthread_self(), p->caller))
    arena_huge_pages();
  for (;;) {
    pthread_mutex_lock(&p->lock);
    if (p->next >= p->n || stopping(b)) {
      pthread_mutex_unlock(&p->lock);
      return NULL;
    }
    size_t i = p->idx[p->next++];
    pthread_mutex_unlock(&p->lock);
    pthread_mutex_lock(&b->lock);
    b->current = b->jobs[i].in->path;
    pthread_mutex_unlock(&b->lock);
    p->step(b, i);
    if (b->jobs[i].state != J_PENDING)
      finish(b, i);
  }
}

// 'run_phase()' - Run STEP over the N jobs IDX on the run's threads (this
// one among them); jobs never started become "not run".
static void run_phase(batch *b, const size_t *idx, size_t n, void (*step)(batch *, size_t)) {
  pool p = {b, idx, n, 0, step, PTHREAD_MUTEX_INITIALIZER, pthread_self()};
  size_t nthreads = (size_t)b->o->jobs < n ? (size_t)b->o->jobs : n;
  pthread_t *t = cli_xmalloc((nthreads ? nthreads : 1) * sizeof *t);
  size_t started = 0;
  for (size_t k = 1; k < nthreads; k++)
    if (pthread_create(&t[started], NULL, worker, &p) == 0)
      started++;
  worker(&p);
  for (size_t k = 0; k < started; k++)
    pthread_join(t[k], NULL);
  free(t);
  for (size_t k = p.next; k < n; k++) {
    b->jobs[idx[k]].state = J_NOT_RUN;
    finish(b, idx[k]);
  }
}

// ---- Setting up and running -----------------------------------------------

// 'make_run_key()' - The part of every PDF's key that the run decides: the
// evalpdf version, the options that change a PDF, and the layouts that
// names resolve to.
static void make_run_key(batch *b) {
  const cli_batch_opts *o = b->o;
  char *layout_abs = o->layout ? cli_path_absolute(o->layout) : NULL;
  char *root_abs = o->root ? cli_path_absolute(o->root) : NULL;
  cli_buf t = {0};
  cli_buf_printf(&t, "evalpdf-batch 1\nversion %s\nlayout %s %s\nroot %s\nfont-dir %s\nstrict %d\ndate %lld\nname %s\n",
                 evalpdf_version(), o->layout ? o->layout : "-", layout_abs ? layout_abs : "-",
                 root_abs ? root_abs : "-", o->font_dir ? o->font_dir : "-", o->strict, o->creation_date,
                 o->pattern);
  const char *source = NULL;
  cli_buf_printf(&t, "data %s\n", evalpdf_context_data_dir(b->ctx, &source));
  for (size_t i = 0; i < evalpdf_context_layout_count(b->ctx); i++) {
    const char *name = NULL, *path = NULL;
    evalpdf_context_layout(b->ctx, i, &name, &path, &source);
    cli_buf_printf(&t, "catalog %s %s %s\n", name, path, source);
  }
  cli_hash_string(t.s, b->run_key);
  cli_buf_free(&t);
  free(layout_abs);
  free(root_abs);
}

// 'manifest_for()' - The manifest of folder DIR, opened once per run.
static cli_manifest *manifest_for(batch *b, const char *dir) {
  char *abs = cli_path_absolute(dir);
  for (size_t i = 0; i < b->nmans; i++) {
    char *other = cli_path_absolute(b->mans[i].dir);
    bool same = abs && other && !strcmp(abs, other);
    free(other);
    if (same) {
      free(abs);
      return &b->mans[i];
    }
  }
  free(abs);
  cli_manifest *m = &b->mans[b->nmans++];
  cli_manifest_open(m, dir);
  if (m->damaged)
    fprintf(stderr, "%s: note: damaged or from another evalpdf; the reports it lists render again.\n", m->file);
  return m;
}

// 'setup_jobs()' - One job per input of this shard, with its manifest and last entry.
static void setup_jobs(batch *b, const cli_inputs *in) {
  const cli_batch_opts *o = b->o;
  b->jobs = cli_xmalloc((in->count ? in->count : 1) * sizeof *b->jobs);
  b->mans = cli_xmalloc((in->count ? in->count : 1) * sizeof *b->mans);
  for (size_t k = 0; k < in->count; k++) {
    const cli_input *it = &in->items[k];
    if (o->shard_n && cli_fnv1a64(it->rel) % o->shard_n != o->shard_i - 1)
      continue;
    job *j = &b->jobs[b->njobs++];
    memset(j, 0, sizeof *j);
    j->in = it;
    char *dir = o->out_dir ? cli_xstrdup(o->out_dir) : cli_path_dir(it->path);
    j->man = manifest_for(b, dir);
    free(dir);
    j->old = cli_manifest_find(j->man, it->abs);
  }
}

typedef struct out_ref {
  const char *abs;
  size_t job; // SIZE_MAX: an input file
} out_ref;

// 'out_cmp()' - qsort order of output references: by path, inputs first.
static int out_cmp(const void *a, const void *b) {
  const out_ref *x = a, *y = b;
  int c = strcmp(x->abs, y->abs);
  if (c || x->job == y->job)
    return c;
  return x->job == SIZE_MAX ? -1 : y->job == SIZE_MAX ? 1 : (x->job > y->job) - (x->job < y->job);
}

// 'check_collisions()' - Whether two reports would write one path, or a PDF
// would overwrite an input: each such report not yet final fails with a line
// naming another. Returns the number of failed jobs.
static size_t check_collisions(batch *b, const cli_inputs *in) {
  out_ref *refs = cli_xmalloc((b->njobs + in->count + 1) * sizeof *refs);
  size_t n = 0, bad = 0;
  for (size_t i = 0; i < b->njobs; i++)
    if (b->jobs[i].out_abs && (b->jobs[i].state == J_PENDING || b->jobs[i].state == J_SKIPPED))
      refs[n++] = (out_ref){b->jobs[i].out_abs, i};
  for (size_t i = 0; i < in->count; i++)
    refs[n++] = (out_ref){in->items[i].abs, SIZE_MAX};
  qsort(refs, n, sizeof *refs, out_cmp);
  for (size_t s = 0, e; s < n; s = e) {
    for (e = s + 1; e < n && !strcmp(refs[e].abs, refs[s].abs);)
      e++;
    for (size_t k = s; k < e && e - s > 1; k++) {
      job *j = refs[k].job == SIZE_MAX ? NULL : &b->jobs[refs[k].job];
      if (!j || j->final)
        continue;
      if (refs[s].job == SIZE_MAX)
        job_add_line(j, EVALPDF_ERROR,
                     cli_xasprintf("%s: error: its PDF %s would overwrite an input report; change --name.",
                                   j->in->path, j->out_path));
      else {
        const job *other = &b->jobs[refs[k == s ? s + 1 : s].job];
        job_add_line(j, EVALPDF_ERROR,
                     cli_xasprintf("%s: error: its PDF %s would also be written by %s%s; put a placeholder in "
                                   "--name that tells them apart (e.g. {stem}).",
                                   j->in->path, j->out_path, other->in->path, e - s > 2 ? " and others" : ""));
      }
      j->state = J_FAILED;
      j->code = 2;
      bad++;
    }
  }
  free(refs);
  return bad;
}

// 'end_pending()' - Every job still pending is not run (its loaded document freed).
static void end_pending(batch *b) {
  for (size_t i = 0; i < b->njobs; i++) {
    job *j = &b->jobs[i];
    if (j->final)
      continue;
    evalpdf_document_free(j->doc);
    j->doc = NULL;
    if (j->state == J_PENDING)
      j->state = J_NOT_RUN;
    finish(b, i);
  }
}

// 'run_jobs()' - The two phases: check every job (and name it), then, unless
// names collide, render the ones not up to date.
static void run_jobs(batch *b, const cli_inputs *in) {
  size_t *idx = cli_xmalloc((b->njobs ? b->njobs : 1) * sizeof *idx);
  for (size_t i = 0; i < b->njobs; i++)
    idx[i] = i;
  run_phase(b, idx, b->njobs, phase_check);
  size_t n = 0;
  bool collide = !stopping(b) && check_collisions(b, in) > 0;
  if (!collide)
    for (size_t i = 0; i < b->njobs; i++)
      if (b->jobs[i].state == J_PENDING && !b->jobs[i].final)
        idx[n++] = i;
  if (!stopping(b))
    run_phase(b, idx, n, phase_render);
  end_pending(b);
  if (collide) {
    clear_progress(b);
    fprintf(stderr, "evalpdf: error: output names collide; no PDF was written.\n");
  }
  free(idx);
}

// 'str_cmp()' - qsort order of strings (bytes).
static int str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

// 'collect_paths()' - Every file the run's jobs read, sorted, each once, into R.
static void collect_paths(batch *b, cli_batch_result *r) {
  for (size_t i = 0; i < b->njobs; i++) {
    job *j = &b->jobs[i];
    r->watch_paths = cli_xrealloc(r->watch_paths, (r->nwatch + j->npaths + 1) * sizeof *r->watch_paths);
    r->watch_paths[r->nwatch++] = cli_xstrdup(j->in->abs);
    for (size_t k = 0; k < j->npaths; k++) {
      r->watch_paths[r->nwatch++] = j->paths[k];
      j->paths[k] = NULL;
    }
  }
  qsort(r->watch_paths, r->nwatch, sizeof *r->watch_paths, str_cmp);
  size_t keep = 0;
  for (size_t i = 0; i < r->nwatch; i++)
    if (keep && !strcmp(r->watch_paths[keep - 1], r->watch_paths[i]))
      free(r->watch_paths[i]);
    else
      r->watch_paths[keep++] = r->watch_paths[i];
  r->nwatch = keep;
}

// 'free_jobs()' - Free the jobs and manifests of a run.
static void free_jobs(batch *b) {
  for (size_t i = 0; i < b->njobs; i++) {
    job *j = &b->jobs[i];
    free(j->name);
    free(j->out_path);
    free(j->out_abs);
    free(j->out_rel);
    for (size_t k = 0; k < j->npre; k++)
      free(j->pre[k].path);
    free(j->pre);
    for (size_t k = 0; k < j->nlines; k++)
      free(j->lines[k].text);
    free(j->lines);
    for (size_t k = 0; k < j->npaths; k++)
      free(j->paths[k]);
    free(j->paths);
  }
  for (size_t i = 0; i < b->nmans; i++)
    cli_manifest_close(&b->mans[i]);
  free(b->jobs);
  free(b->mans);
  for (size_t i = 0; i < b->nnotes; i++)
    free(b->notes[i]);
  free(b->notes);
}

// 'cli_batch_run()' - One batch run.
void cli_batch_run(evalpdf_context *ctx, const cli_batch_opts *o, cli_hash_cache *cache, bool want_paths,
                   cli_batch_result *r) {
  memset(r, 0, sizeof *r);
  batch b;
  memset(&b, 0, sizeof b);
  b.ctx = ctx;
  b.o = o;
  b.cache = cache;
  b.needs_meta = o->name_needs_meta;
  b.want_paths = want_paths;
  b.tty = isatty(2);
  b.t0 = now();
  b.saved_at = b.t0;
  atomic_init(&b.stop, false);
  atomic_init(&b.kept, 0);
  pthread_mutex_init(&b.lock, NULL);
  evalpdf_render_options_init(&b.ropts);
  b.ropts.creation_date = o->creation_date;
  cli_inputs in;
  cli_inputs_collect(o->inputs, o->ninputs, o->recursive, o->root, &in, stderr);
  b.status = in.status;
  make_run_key(&b);
  setup_jobs(&b, &in);
  run_jobs(&b, &in);
  for (size_t i = 0; i < b.nmans; i++)
    if (cli_manifest_save(&b.mans[i], stderr) != 0)
      b.status = 2;
  clear_progress(&b);
  if (b.not_run && cli_interrupted())
    fprintf(stderr, "evalpdf: interrupted; %zu report(s) were not rendered.\n", b.not_run);
  else if (b.not_run && atomic_load(&b.stop))
    fprintf(stderr, "evalpdf: stopped after the first failure (--fail-fast); %zu report(s) were not rendered.\n",
            b.not_run);
  fprintf(stderr, "rendered %zu, skipped %zu, failed %zu, warnings %zu in %.1fs\n", b.rendered, b.skipped, b.failed,
          b.warnings, now() - b.t0);
  if (cli_interrupted())
    b.status = 130;
  *r = (cli_batch_result){b.rendered, b.skipped, b.failed, b.warnings, b.status, NULL, 0};
  if (want_paths)
    collect_paths(&b, r);
  free_jobs(&b);
  cli_inputs_free(&in);
  pthread_mutex_destroy(&b.lock);
}

// 'cli_batch_result_free()' - Free R's paths.
void cli_batch_result_free(cli_batch_result *r) {
  for (size_t i = 0; i < r->nwatch; i++)
    free(r->watch_paths[i]);
  free(r->watch_paths);
  r->watch_paths = NULL;
  r->nwatch = 0;
}

// 'evalpdf_cli_batch()' - `evalpdf batch`.
int evalpdf_cli_batch(int argc, char **argv) {
  cli_batch_opts o;
  int rc = cli_batch_parse(argc, argv, &o);
  if (rc >= 0)
    return rc;
  evalpdf_context *ctx = cli_context_new(&o, true, false);
  if (!ctx)
    return 2;
  cli_signals_install();
  cli_hash_cache *cache = cli_hash_cache_new();
  cli_batch_result r;
  cli_batch_run(ctx, &o, cache, false, &r);
  cli_batch_result_free(&r);
  cli_hash_cache_free(cache);
  evalpdf_context_free(ctx);
  return r.status;
}
