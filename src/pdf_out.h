// Where a written PDF goes (no libharu; the PDF writer, pdf.c, feeds it as
// libharu saves the document). A regular file, or one that does not exist
// yet, is written through a buffer into an unnamed temporary in its folder
// (util.h, ep_outfile) that is put in its place only when complete; the
// temporary is made when the buffer first fills, when the writer flushes it
// before a wait (ep_pdf_out_flush()) or at the end, so its first bytes
// follow at once, as they did when the whole PDF was written in
// one go: a render killed while it saves leaves a temporary with bytes in it,
// which the next render removes (an empty one is kept a minute, its owner
// may not have locked it yet). Standard output ("-"), other existing files
// (devices, pipes: they cannot be replaced) and memory get the PDF from one
// growing buffer once it is whole.
#ifndef EVALPDF_PDF_OUT_H
#define EVALPDF_PDF_OUT_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct ep_pdf_out {
  const char *path;    // borrowed; NULL: memory
  ep_sweeps *sweeps;   // borrowed (may be NULL): handed to ep_outfile_open()
  bool to_file;        // written through FILE as it comes
  bool opened;         // FILE is made (at the first full buffer, or at the end)
  bool open_failed;    // err is the errno of making FILE (EISDIR: the path is a folder)
  ep_outfile file;
  unsigned char *data; // the buffer: a file's pending bytes, or the whole PDF
  size_t len, cap;
  int err;             // errno of the first failed write (nothing more is written)
} ep_pdf_out;

// 'ep_pdf_out_open()' - Start output to PATH (borrowed until the output is
// finished or abandoned; NULL: memory) in *O; SWEEPS (borrowed likewise, may
// be NULL) tells whether the folder's stale temporaries were removed lately
// (util.h). Returns 0, or EISDIR when PATH
// is a folder (*O is then safe to abandon). A temporary that cannot be made
// later shows as a failed put or finish with o->open_failed set.
int ep_pdf_out_open(ep_pdf_out *o, const char *path, ep_sweeps *sweeps);

// 'ep_pdf_out_put()' - Append the N bytes at P; false once making or
// writing the file has failed (o->err holds its errno).
bool ep_pdf_out_put(ep_pdf_out *o, const void *p, size_t n);

// 'ep_pdf_out_flush()' - Write a file's pending bytes now, making the file
// when it is not made yet (and sweeping its folder, util.h), so that the
// work is done while the caller would wait anyway; nothing for other outputs
// or with nothing pending. False once making or writing the file has failed
// (o->err holds its errno, as after a failed put).
bool ep_pdf_out_flush(ep_pdf_out *o);

// 'ep_pdf_out_finish()' - Complete the output: a file's last bytes are
// written and it replaces PATH; standard output or a device gets the whole
// PDF. Memory output keeps its buffer in o->data (o->len bytes; the caller
// takes it, or ep_pdf_out_abandon() frees it). Returns 0 or an errno value;
// on failure PATH is untouched (a file) and nothing is left behind.
int ep_pdf_out_finish(ep_pdf_out *o);

// 'ep_pdf_out_abandon()' - Discard the output (a file's temporary is
// removed, PATH untouched) and free the buffer. Safe after a finish and on
// an output whose open failed.
void ep_pdf_out_abandon(ep_pdf_out *o);

#endif
