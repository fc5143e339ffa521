// PDF writer: turns a display list (display.h) into a PDF file with libharu
// 2.3.0. pdf.c is the only file of evalpdf that includes hpdf.h.
//
// What the PDF holds:
//  * every face used by TEXT boxes, cut down to the characters drawn
//    (subset.c, or hb-subset for faces it refuses; Identity-H, CIDs numbered
//    after the sorted characters), with a ToUnicode CMap, so text can be
//    selected, searched and extracted;
//  * text placed glyph by glyph at x + dx[i], written as runs of glyphs that
//    share one extra spacing (Tc), synthetic bold as fill-then-stroke text,
//    underlines, rules and gray rectangles;
//  * link annotations without a border, an outline (bookmarks) with UTF-8
//    titles, page labels (arabic or roman, no prefix), document information.
//
// Output is reproducible: the same display list gives the same bytes (no
// time, process id, temporary file name or address reaches the file; dates
// come only from dl->epoch).
//
// Thread safety: each call builds its own libharu document; several threads
// may write different (or the same, read-only) display lists at once. The
// font faces are shared through the font set, which is thread-safe.
#ifndef EVALPDF_PDF_H
#define EVALPDF_PDF_H

#include "diag.h"
#include "display.h"

// Return values of ep_pdf_write().
enum {
  EP_PDF_OK = 0,       // written
  EP_PDF_IO_ERROR = 1, // reading or writing a file failed ("io-error")
  EP_PDF_LIB_ERROR = 2 // libharu or font subsetting failed ("pdf-error")
};

// 'ep_pdf_write()' - Write DL as a PDF to PATH atomically: a temporary file in
// PATH's directory, then rename(); on any failure no file is left and an
// existing PATH is untouched. PATH "-" writes to stdout. Problems go into
// DIAGS (full sentences, code "pdf-error" / "io-error"). Returns 0 on success,
// 1 on an I/O failure, 2 on a libharu failure.
//
// Details:
//  * A new file gets mode 0666 minus the process umask; a replaced file keeps
//    its mode. The new file is renamed into place (not fsync()ed). When PATH is a
//    symbolic link, the file it points to is replaced and the link kept. An
//    existing PATH that is not a regular file (/dev/null, a pipe) is written
//    into directly: it cannot be replaced, so that write is not atomic.
//  * Inconsistencies in DL that the writer can step over (a LINK to an unknown
//    destination, an outline entry for a missing page, a TEXT box without a
//    face, an unknown page label style) are left out with a warning
//    ("pdf-error") and the PDF is still written.
//  * A list without pages is refused (2): a PDF needs at least one page.
//  * Characters above U+FFFF are drawn from the face when it has them
//    (the font dictionaries are written by evalpdf, not libharu); invalid
//    code points are drawn as U+FFFD (the face's glyph or .notdef).
int ep_pdf_write(const ep_dlist *dl, const char *path, ep_diags *diags);

// 'ep_pdf_write_memory()' - As ep_pdf_write, but the PDF goes into a new heap
// buffer *DATA (free with free()) of *LEN bytes; on failure *DATA is NULL.
int ep_pdf_write_memory(const ep_dlist *dl, unsigned char **data, size_t *len, ep_diags *diags);

// 'ep_pdf_write_release()' / 'ep_pdf_write_memory_release()' - As
// ep_pdf_write() and ep_pdf_write_memory(), but each page's boxes are freed
// as soon as the page is drawn (DL's pages are left with no boxes; the rest
// of DL stays valid until ep_dlist_free()). For a caller that frees DL right
// after: a long document's peak memory drops by its boxes, which libharu's
// page objects then reuse. DL must not be read by another thread meanwhile.
int ep_pdf_write_release(ep_dlist *dl, const char *path, ep_diags *diags);
int ep_pdf_write_memory_release(ep_dlist *dl, unsigned char **data, size_t *len, ep_diags *diags);

// 'ep_pdf_warm()' - Pay libharu's first-use costs now: the library is
// loaded (the writer loads it with dlopen() when it first needs it: with
// libpng and zlib, some 0.2 ms) and a document is made (as a write starts
// one) and freed, so the library's code pages are mapped and its symbols
// bound before a write needs them (1-1.6 ms of the example's render). For
// an idle thread; safe beside writes. Does nothing when libharu cannot be
// loaded (the write reports it).
void ep_pdf_warm(void);

// 'ep_pdf_library_version()' - The version of the libharu the writer runs with
// (libharu's static string; loads the library), or "not available".
const char *ep_pdf_library_version(void);

#endif
