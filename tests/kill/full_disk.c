// A full disk in one folder, for tests/run-kill.sh: preloaded (LD_PRELOAD)
// into evalpdf, it lets a file in the folder FULL_DIR (a compile-time path)
// grow to FULL_BYTES bytes and then fails write() with ENOSPC, after writing
// what still fits, as a full file system does. An unnamed O_TMPFILE file
// there reads as "FULL_DIR/#N (deleted)" in /proc/self/fd, so it counts too.
// Every refusal appends a line to FULL_LOG so the test can tell it happened.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#if !defined(FULL_DIR) || !defined(FULL_BYTES) || !defined(FULL_LOG)
#error "compile with -DFULL_DIR=\"path/\" -DFULL_BYTES=N -DFULL_LOG=\"path\""
#endif

typedef ssize_t (*write_fn)(int, const void *, size_t);

// 'in_full_dir()' - True when FD is a file in FULL_DIR.
static int in_full_dir(int fd) {
  char link[64], path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0)
    return 0;
  path[n] = 0;
  return strncmp(path, FULL_DIR, strlen(FULL_DIR)) == 0;
}

// 'write()' - The real write, cut at FULL_BYTES for files in FULL_DIR.
ssize_t write(int fd, const void *buf, size_t count) {
  write_fn next = (write_fn)dlsym(RTLD_NEXT, "write");
  if (fd > 2 && count > 0 && in_full_dir(fd)) {
    off_t at = lseek(fd, 0, SEEK_CUR);
    if (at >= 0 && (unsigned long long)at + count > (unsigned long long)FULL_BYTES) {
      if ((unsigned long long)at < (unsigned long long)FULL_BYTES)
        return next(fd, buf, (size_t)((unsigned long long)FULL_BYTES - (unsigned long long)at));
      int log = open(FULL_LOG, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
      if (log >= 0) {
        (void)!next(log, "ENOSPC\n", 7);
        close(log);
      }
      errno = ENOSPC;
      return -1;
    }
  }
  return next(fd, buf, count);
}
