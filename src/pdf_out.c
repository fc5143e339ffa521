// Where a written PDF goes (see pdf_out.h).
#if !defined(_XOPEN_SOURCE) || _XOPEN_SOURCE < 700
#undef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include "pdf_out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// Bytes written to an output file at a time. The buffer is fresh memory:
// 64 KiB (16 pages) made the example 0.09 ms faster right after a Typst
// run [0.03, 0.19] than 256 KiB, which held its whole 241-247 KB PDF (64
// page faults, and a copy from memory no longer in the cache); 32 KiB
// gained nothing more (2026-12-03).
#define FILE_BUFFER (64u << 10)

// 'ep_pdf_out_open()' - Start output to PATH (see pdf_out.h).
int ep_pdf_out_open(ep_pdf_out *o, const char *path, ep_sweeps *sweeps) {
  memset(o, 0, sizeof *o);
  o->path = path;
  o->sweeps = sweeps;
  struct stat st;
  bool exists = path && stat(path, &st) == 0;
  if (!path || strcmp(path, "-") == 0 || (exists && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)))
    return 0; // memory, standard output, a device or pipe: the whole PDF from the buffer
  if (exists && S_ISDIR(st.st_mode))
    return EISDIR;
  o->to_file = true;
  o->cap = FILE_BUFFER;
  o->data = ep_xmalloc(o->cap);
  return 0;
}

// 'file_write()' - Write N bytes at P to O's file (made already); once bytes
// are in it, its folder's stale temporaries are swept (ep_outfile_sweep():
// the first call only). 0 or an errno value.
static int file_write(ep_pdf_out *o, const void *p, size_t n) {
  int e = ep_write_all(o->file.fd, p, n);
  if (e == 0)
    ep_outfile_sweep(&o->file);
  return e;
}

// 'flush()' - Write the bytes O holds to its file, making the file first
// when this is the first time; false (the errno kept) when that fails.
static bool flush(ep_pdf_out *o) {
  if (!o->err && !o->opened) {
    o->err = ep_outfile_open(&o->file, o->path, o->sweeps);
    o->open_failed = o->err != 0;
    o->opened = o->err == 0;
  }
  int e = o->err ? o->err : o->len ? file_write(o, o->data, o->len) : 0;
  o->len = 0;
  o->err = e;
  return e == 0;
}

// 'ep_pdf_out_flush()' - Write a file's pending bytes now (see pdf_out.h).
bool ep_pdf_out_flush(ep_pdf_out *o) {
  if (o->err)
    return false;
  return !o->to_file || o->len == 0 || flush(o);
}

// 'ep_pdf_out_put()' - Append N bytes at P (see pdf_out.h): a file's buffer is
// written out whenever full; any other buffer grows.
bool ep_pdf_out_put(ep_pdf_out *o, const void *p, size_t n) {
  if (o->err)
    return false;
  if (o->to_file && o->len + n > o->cap && !flush(o))
    return false;
  if (o->to_file && n >= o->cap) { // larger than the buffer: written as it is
    if (!o->opened && !flush(o))
      return false;
    o->err = file_write(o, p, n);
    return o->err == 0;
  }
  if (o->len + n > o->cap) {
    size_t cap = o->cap ? o->cap : 64 << 10;
    while (cap < o->len + n)
      cap *= 2;
    o->data = ep_xrealloc(o->data, cap);
    o->cap = cap;
  }
  memcpy(o->data + o->len, p, n);
  o->len += n;
  return true;
}

// 'write_whole()' - Write O's buffer to standard output or into its path, an
// existing file that is not a regular file (it must not be replaced by a
// rename); 0 or an errno value.
static int write_whole(const ep_pdf_out *o) {
  if (strcmp(o->path, "-") == 0) {
    if (fwrite(o->data, 1, o->len, stdout) != o->len || fflush(stdout) != 0)
      return errno ? errno : EIO;
    return 0;
  }
  int fd = open(o->path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  int e = fd < 0 ? errno : ep_write_all(fd, o->data, o->len);
  if (fd >= 0 && close(fd) != 0 && e == 0)
    e = errno;
  return e;
}

// 'ep_pdf_out_finish()' - Complete the output (see pdf_out.h).
int ep_pdf_out_finish(ep_pdf_out *o) {
  if (!o->to_file) {
    int e = o->path ? write_whole(o) : 0;
    if (o->path) {
      free(o->data);
      o->data = NULL;
    }
    return e;
  }
  bool written = flush(o);
  o->to_file = false;
  free(o->data);
  o->data = NULL;
  if (!written) {
    if (o->opened)
      ep_outfile_abandon(&o->file);
    o->opened = false;
    return o->err;
  }
  o->opened = false;
  return ep_outfile_commit(&o->file);
}

// 'ep_pdf_out_abandon()' - Discard the output (see pdf_out.h).
void ep_pdf_out_abandon(ep_pdf_out *o) {
  if (o->opened)
    ep_outfile_abandon(&o->file);
  o->opened = o->to_file = false;
  free(o->data);
  o->data = NULL;
}
