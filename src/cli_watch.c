// cli_watch.c - `evalpdf watch`: a batch run, then another whenever a
// report, a file it includes, its layout or a watched folder's reports
// change (inotify), until Ctrl-C. A broken edit prints its diagnostics and
// leaves the last good PDF in place (renders are atomic, and an entry of the
// manifest only ever describes the PDF on disk). CLI only (see cli.h).
#define _GNU_SOURCE
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define WATCH_MASK                                                                                               \
  (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)
#define QUIET_MS 150 // events closer than this make one re-render

// A sorted set of strings.
typedef struct strset {
  char **s;
  size_t n, cap;
} strset;

// One inotify watch.
typedef struct watch {
  int wd;
  char *dir;
} watch;

typedef struct watcher {
  int fd;
  watch *w;
  size_t nw, capw;
  strset files;      // every file whose change matters (absolute)
  strset input_dirs; // folders given as inputs (and, with -r, their folders): a new *.xml matters
  strset dirs;       // the folders to watch
} watcher;

// 'str_cmp()' - qsort/bsearch order of strings.
static int str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

// 'set_add()' - Add S (taken over) to SET (sorted later by set_sort).
static void set_add(strset *set, char *s) {
  if (!s)
    return;
  if (set->n == set->cap) {
    set->cap = set->cap ? 2 * set->cap : 32;
    set->s = cli_xrealloc(set->s, set->cap * sizeof *set->s);
  }
  set->s[set->n++] = s;
}

// 'set_sort()' - Sort SET and drop duplicates.
static void set_sort(strset *set) {
  qsort(set->s, set->n, sizeof *set->s, str_cmp);
  size_t keep = 0;
  for (size_t i = 0; i < set->n; i++)
    if (keep && !strcmp(set->s[keep - 1], set->s[i]))
      free(set->s[i]);
    else
      set->s[keep++] = set->s[i];
  set->n = keep;
}

// 'set_has()' - Whether sorted SET holds S.
static bool set_has(const strset *set, const char *s) {
  return set->n && bsearch(&s, set->s, set->n, sizeof *set->s, str_cmp);
}

// 'set_clear()' - Empty SET.
static void set_clear(strset *set) {
  for (size_t i = 0; i < set->n; i++)
    free(set->s[i]);
  set->n = 0;
}

// 'add_input_dir()' - Watch folder DIR for new reports (and its folders with RECURSIVE).
static void add_input_dir(watcher *w, const char *dir, bool recursive) {
  char *abs = cli_path_absolute(dir);
  if (!abs)
    return;
  set_add(&w->input_dirs, cli_xstrdup(abs));
  set_add(&w->dirs, abs);
  DIR *d = recursive ? opendir(dir) : NULL;
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    char *p = cli_path_join(dir, e->d_name);
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
      add_input_dir(w, p, recursive);
    free(p);
  }
  if (d)
    closedir(d);
}

// 'add_arg()' - The files and folders one command-line input makes matter.
static void add_arg(watcher *w, const char *arg, bool recursive, int depth) {
  struct stat st;
  if (arg[0] == '@' && depth == 0) {
    char *abs = cli_path_absolute(arg + 1);
    set_add(&w->dirs, abs ? cli_path_dir(abs) : NULL);
    set_add(&w->files, abs);
    FILE *f = fopen(arg + 1, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while (f && (len = getline(&line, &cap, f)) >= 0) {
      while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = 0;
      if (len > 0 && line[0] != '#')
        add_arg(w, line, recursive, depth + 1);
    }
    free(line);
    if (f)
      fclose(f);
  } else if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
    add_input_dir(w, arg, recursive);
  else {
    char *abs = cli_path_absolute(arg);
    set_add(&w->dirs, abs ? cli_path_dir(abs) : NULL);
    set_add(&w->files, abs);
  }
}

// 'collect()' - What matters after a run: the inputs and every file R read.
static void collect(watcher *w, const cli_batch_opts *o, const cli_batch_result *r) {
  set_clear(&w->files);
  set_clear(&w->input_dirs);
  set_clear(&w->dirs);
  for (int i = 0; i < o->ninputs; i++)
    add_arg(w, o->inputs[i], o->recursive, 0);
  for (size_t i = 0; i < r->nwatch; i++) {
    set_add(&w->files, cli_xstrdup(r->watch_paths[i]));
    set_add(&w->dirs, cli_path_dir(r->watch_paths[i]));
  }
  set_sort(&w->files);
  set_sort(&w->input_dirs);
  set_sort(&w->dirs);
}

// 'sync_watches()' - Watch exactly the folders in W->dirs.
static void sync_watches(watcher *w) {
  size_t keep = 0;
  for (size_t i = 0; i < w->nw; i++) {
    if (set_has(&w->dirs, w->w[i].dir))
      w->w[keep++] = w->w[i];
    else {
      inotify_rm_watch(w->fd, w->w[i].wd);
      free(w->w[i].dir);
    }
  }
  w->nw = keep;
  for (size_t i = 0; i < w->dirs.n; i++) {
    bool have = false;
    for (size_t k = 0; k < w->nw && !have; k++)
      have = !strcmp(w->w[k].dir, w->dirs.s[i]);
    if (have)
      continue;
    int wd = inotify_add_watch(w->fd, w->dirs.s[i], WATCH_MASK | IN_ONLYDIR);
    if (wd < 0)
      continue; // a folder that is gone or unreadable: the run said what matters
    if (w->nw == w->capw) {
      w->capw = w->capw ? 2 * w->capw : 16;
      w->w = cli_xrealloc(w->w, w->capw * sizeof *w->w);
    }
    w->w[w->nw++] = (watch){wd, cli_xstrdup(w->dirs.s[i])};
  }
}

// 'watch_dir()' - The folder of watch descriptor WD, or NULL.
static const char *watch_dir(const watcher *w, int wd) {
  for (size_t i = 0; i < w->nw; i++)
    if (w->w[i].wd == wd)
      return w->w[i].dir;
  return NULL;
}

// 'has_xml_suffix()' - Whether NAME ends in ".xml" (any case).
static bool has_xml_suffix(const char *name) {
  size_t n = strlen(name);
  return n > 4 && !strcasecmp(name + n - 4, ".xml");
}

// 'read_events()' - Read the pending events; true when one matters. The
// hashes of changed files are dropped from CACHE.
static bool read_events(watcher *w, cli_hash_cache *cache) {
  char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
  bool matters = false;
  for (;;) {
    ssize_t len = read(w->fd, buf, sizeof buf);
    if (len <= 0)
      return matters;
    for (char *p = buf; p < buf + len;) {
      const struct inotify_event *ev = (const struct inotify_event *)p;
      p += sizeof *ev + ev->len;
      const char *dir = watch_dir(w, ev->wd);
      if ((ev->mask & (IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) || !dir) {
        matters |= (ev->mask & (IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF)) != 0;
        continue;
      }
      if (!ev->len || ((ev->mask & IN_CREATE) && !(ev->mask & IN_ISDIR)))
        continue; // a new file matters once it is written (IN_CLOSE_WRITE)
      char *path = cli_path_join(dir, ev->name);
      bool m = set_has(&w->files, path) ||
               (set_has(&w->input_dirs, dir) && ((ev->mask & IN_ISDIR) || has_xml_suffix(ev->name)));
      if (m) {
        char *k1 = cli_xasprintf("file:%s", path), *k2 = cli_xasprintf("fonts:%s", path),
             *k3 = cli_xasprintf("font:%s", path);
        cli_hash_cache_forget(cache, k1);
        cli_hash_cache_forget(cache, k2);
        cli_hash_cache_forget(cache, k3);
        free(k1);
        free(k2);
        free(k3);
      }
      matters |= m;
      free(path);
    }
  }
}

// 'wait_change()' - Block until a change that matters has settled (no
// further event for QUIET_MS) or a signal came; true for a change.
static bool wait_change(watcher *w, cli_hash_cache *cache) {
  bool changed = false;
  for (;;) {
    struct pollfd fds[2] = {{w->fd, POLLIN, 0}, {cli_signal_fd(), POLLIN, 0}};
    if (cli_interrupted())
      return false;
    int n = poll(fds, cli_signal_fd() >= 0 ? 2 : 1, changed ? QUIET_MS : -1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 || cli_interrupted())
      return false;
    if (n == 0)
      return true; // quiet long enough
    if (fds[0].revents & POLLIN)
      changed |= read_events(w, cache);
  }
}

// 'watcher_free()' - Free W.
static void watcher_free(watcher *w) {
  for (size_t i = 0; i < w->nw; i++)
    free(w->w[i].dir);
  free(w->w);
  set_clear(&w->files);
  set_clear(&w->input_dirs);
  set_clear(&w->dirs);
  free(w->files.s);
  free(w->input_dirs.s);
  free(w->dirs.s);
  if (w->fd >= 0)
    close(w->fd);
}

// 'evalpdf_cli_watch()' - `evalpdf watch`: each cycle makes a new context
// (so an edited layout is parsed again), runs the batch, and waits.
int evalpdf_cli_watch(int argc, char **argv) {
  cli_batch_opts o;
  int rc = cli_batch_parse(argc, argv, &o);
  if (rc >= 0)
    return rc;
  watcher w;
  memset(&w, 0, sizeof w);
  w.fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (w.fd < 0) {
    fprintf(stderr, "evalpdf: error: cannot watch files (inotify): %s.\n", strerror(errno));
    return 2;
  }
  cli_signals_install();
  cli_hash_cache *cache = cli_hash_cache_new();
  rc = 0;
  size_t last_files = SIZE_MAX, last_dirs = SIZE_MAX;
  while (!cli_interrupted()) {
    evalpdf_context *ctx = cli_context_new(&o, false, true);
    if (!ctx) {
      rc = 2;
      break;
    }
    cli_batch_result r;
    cli_batch_run(ctx, &o, cache, true, &r);
    evalpdf_context_free(ctx);
    collect(&w, &o, &r);
    cli_batch_result_free(&r);
    sync_watches(&w);
    if (w.files.n != last_files || w.nw != last_dirs)
      fprintf(stderr, "evalpdf: watching %zu file(s) in %zu folder(s); Ctrl-C ends.\n", w.files.n, w.nw);
    last_files = w.files.n;
    last_dirs = w.nw;
    if (!wait_change(&w, cache))
      break;
  }
  if (cli_interrupted())
    fprintf(stderr, "evalpdf: watch ended.\n");
  watcher_free(&w);
  cli_hash_cache_free(cache);
  return rc;
}
