// Where a written PDF goes (no libharu; the PDF writer, pdf.c, feeds it as
// libharu saves the document). A regular file, or one that does not exist
// yet, is written while the document is saved, through a buffer, into an
// unnamed temporary in its folder (util.h, ep_outfile) that is put in its
// place only when complete. Standard output ("-"), other existing files
// (devices, pipes: they cannot be replaced) and memory get the PDF from one
// growing buffer once it is whole.
#ifndef EVALPDF_PDF_OUT_H
#define EVALPDF_PDF_OUT_H

#include "util.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct ep_pdf_out {
  const char *path;    // borrowed; NULL: memory
  bool to_file;        // written through FILE as it comes
  ep_outfile file;
  unsigned char *data; // the buffer: a file's pending bytes, or the whole PDF
  size_t len, cap;
  int err;             // errno of the first failed write (nothing more is written)
} ep_pdf_out;

// 'ep_pdf_out_open()' - Start output to PATH (borrowed until the output is
// finished or abandoned; NULL: memory) in *O. Returns 0, or the errno value
// of the temporary that could not be made (EISDIR: PATH is a folder); *O is
// then safe to abandon.
int ep_pdf_out_open(ep_pdf_out *o, const char *path);

// 'ep_pdf_out_put()' - Append the N bytes at P; false once a write to the
// file has failed (o->err holds its errno).
bool ep_pdf_out_put(ep_pdf_out *o, const void *p, size_t n);

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
