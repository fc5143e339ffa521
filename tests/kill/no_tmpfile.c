// A file system without O_TMPFILE, for tests/run-kill.sh: preloaded
// (LD_PRELOAD) into evalpdf, it fails every open() with O_TMPFILE with
// EOPNOTSUPP, as such a file system does, so the named-temporary path of
// ep_outfile_open() runs anywhere; each refusal appends a line to the file
// REFUSED_LOG (a compile-time path) so the test can tell the shim was used.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef REFUSED_LOG
#error "compile with -DREFUSED_LOG=\"path\""
#endif

typedef int (*open_fn)(const char *, int, ...);

static int call_next(const char *name, const char *path, int flags, mode_t mode);

// 'refuse()' - Note one refused open of PATH and fail it as such a file system would.
static int refuse(const char *path) {
  int fd = call_next("open", REFUSED_LOG, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) {
    char line[4200];
    int n = snprintf(line, sizeof line, "%ld %s\n", (long)getpid(), path);
    if (n > 0)
      (void)!write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    close(fd);
  }
  errno = EOPNOTSUPP;
  return -1;
}

// 'call_next()' - The real NAME (the next definition after this library).
static int call_next(const char *name, const char *path, int flags, mode_t mode) {
  open_fn next = (open_fn)dlsym(RTLD_NEXT, name);
  if (!next) {
    errno = ENOSYS;
    return -1;
  }
  return next(path, flags, mode);
}

// 'open()' - open(2), but O_TMPFILE is not supported.
int open(const char *path, int flags, ...) {
  mode_t mode = 0;
  if (flags & (O_CREAT | __O_TMPFILE)) {
    va_list ap;
    va_start(ap, flags);
    mode = (mode_t)va_arg(ap, int);
    va_end(ap);
  }
  if ((flags & O_TMPFILE) == O_TMPFILE)
    return refuse(path);
  return call_next("open", path, flags, mode);
}

// 'open64()' - As open().
int open64(const char *path, int flags, ...) {
  mode_t mode = 0;
  if (flags & (O_CREAT | __O_TMPFILE)) {
    va_list ap;
    va_start(ap, flags);
    mode = (mode_t)va_arg(ap, int);
    va_end(ap);
  }
  if ((flags & O_TMPFILE) == O_TMPFILE)
    return refuse(path);
  return call_next("open64", path, flags, mode);
}
