// Ground utilities: arena allocation, growable strings, UTF-8 decoding,
// character classes and "did you mean" suggestions. No globals.
//
// Allocation policy: internal allocations abort the process with a message on
// out-of-memory (as cmark does); nothing returns a NULL that callers forget.
#ifndef EVALPDF_UTIL_H
#define EVALPDF_UTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// 'ep_xmalloc()' / 'ep_xcalloc()' / 'ep_xrealloc()' / 'ep_xstrdup()' - Allocate or abort.
void *ep_xmalloc(size_t n);
void *ep_xcalloc(size_t count, size_t size);
void *ep_xrealloc(void *p, size_t n);

// 'ep_populate()' - Make the whole pages of the N bytes at P resident now,
// as writes would (MADV_POPULATE_WRITE; their contents unchanged), for a
// fresh buffer that is about to be filled: one system call instead of a
// page fault per page (each page is allocated and zeroed either way; what
// is saved is a fault's entry and exit, dear on a virtual machine: on the
// 2026-12-04 test VM a page's first write cost 9-10 us and populating it
// 0.65 us). Nothing below EP_POPULATE_MIN bytes or where the kernel lacks
// it (before Linux 5.14). Never changes any output.
#define EP_POPULATE_MIN ((size_t)64 << 10)
void ep_populate(void *p, size_t n);

// 'ep_populate_read()' - Map now the whole pages of the N bytes at P, a
// read-only mapping of a file (MADV_POPULATE_READ) that the caller is about
// to read here and there: one system call instead of a page fault for every
// 64 KiB the reads reach (the kernel maps 16 pages around each fault). On
// the 2026-12-04 test VM a fault cost 15-20 us and populating 0.12 us a
// page. A hint: nothing where the kernel lacks it (before Linux 5.14).
void ep_populate_read(const void *p, size_t n);
char *ep_xstrdup(const char *s);

// A shared, immutable byte block with a reference count: a font program
// that a face's cache and the documents using it hold at once, never copied.
// Its bytes never change once made; each holder drops its reference with
// ep_blob_unref(), the last one frees it. Thread-safe.
typedef struct ep_blob {
  _Atomic size_t refs;
  size_t len;
  unsigned char *data; // malloc'd, owned by the blob (NULL: a length only, font.h's ep_face_program_raw())
} ep_blob;

// 'ep_blob_take()' - A new blob of LEN bytes at DATA (malloc'd; taken over,
// also when the blob is the only thing that frees it) with one reference.
ep_blob *ep_blob_take(unsigned char *data, size_t len);
// 'ep_blob_ref()' - One more reference to B (NULL: NULL); returns B.
ep_blob *ep_blob_ref(ep_blob *b);
// 'ep_blob_unref()' - Drop one reference to B, freeing it with the last (NULL: nothing).
void ep_blob_unref(ep_blob *b);

// An arena: many small allocations freed together. Owned by whoever created it.
typedef struct ep_arena_block ep_arena_block;
typedef struct ep_arena {
  ep_arena_block *head; // newest block first
} ep_arena;

// 'ep_arena_init()' - Start an empty arena.
void ep_arena_init(ep_arena *a);
// 'ep_arena_free()' - Free every allocation of A at once.
void ep_arena_free(ep_arena *a);
// 'ep_arena_alloc()' - N zeroed bytes, 16-byte aligned, owned by A.
void *ep_arena_alloc(ep_arena *a, size_t n);
// 'ep_arena_alloc_aligned()' - N zeroed bytes aligned to ALIGN (a power of
// two, at most 16), owned by A: small arrays of narrow elements waste no room.
void *ep_arena_alloc_aligned(ep_arena *a, size_t n, size_t align);
// 'ep_arena_strdup()' - A copy of S (NULL → NULL) owned by A.
char *ep_arena_strdup(ep_arena *a, const char *s);
// 'ep_arena_strndup()' - A NUL-terminated copy of N bytes of S owned by A.
char *ep_arena_strndup(ep_arena *a, const char *s, size_t n);

// A growable NUL-terminated byte string (heap-owned by the struct).
typedef struct ep_buf {
  char *data; // always NUL-terminated once anything was appended; NULL when empty
  size_t len;
  size_t cap;
} ep_buf;

void ep_buf_init(ep_buf *b);                                 // 'ep_buf_init()' - Empty buffer.
void ep_buf_free(ep_buf *b);                                 // 'ep_buf_free()' - Release memory.
void ep_buf_grow(ep_buf *b, size_t n);                       // 'ep_buf_grow()' - Room for N more bytes and a NUL.

// 'ep_buf_put()' - Append N bytes (inline: the PDF writer appends a few
// bytes at a time, hundreds of thousands of times per document).
static inline void ep_buf_put(ep_buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap)
    ep_buf_grow(b, n);
  if (n)
    memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = 0;
}

// 'ep_buf_putc()' - Append a byte.
static inline void ep_buf_putc(ep_buf *b, char c) {
  if (b->len + 2 > b->cap)
    ep_buf_grow(b, 1);
  b->data[b->len++] = c;
  b->data[b->len] = 0;
}

void ep_buf_puts(ep_buf *b, const char *s);                  // 'ep_buf_puts()' - Append a C string.
void ep_buf_put_cp(ep_buf *b, uint32_t cp);                  // 'ep_buf_put_cp()' - Append a code point as UTF-8.
void ep_buf_printf(ep_buf *b, const char *fmt, ...)          // 'ep_buf_printf()' - Append formatted text.
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
const char *ep_buf_str(const ep_buf *b); // 'ep_buf_str()' - Contents ("" when empty); borrowed.

// A set of code points (U+0000..U+10FFFF): a bit for each, in 512-byte
// blocks of 4,096 code points allocated when a member first falls in them
// (a document's Chinese text needs a handful; one 136 KiB bitmap per set was
// zeroed and so touched in full), and the members in the order they were
// added. Zero-initialise; release with ep_cpset_free().
typedef struct ep_cpset {
  unsigned char **blocks; // 272 block pointers, allocated on the first add; NULL: empty block
  uint32_t *cps;          // n members, in order of addition (heap; the set owns it)
  size_t n, cap;
} ep_cpset;

// 'ep_cpset_add()' - Add CP to S (ignored above U+10FFFF); true when it was new.
bool ep_cpset_add(ep_cpset *s, uint32_t cp);
// 'ep_cpset_free()' - Release S's memory and zero it.
void ep_cpset_free(ep_cpset *s);
// 'ep_cpset_sort()' - Put S's member list (S->cps) in ascending order; S
// stays a set (its later additions are appended unsorted).
void ep_cpset_sort(ep_cpset *s);
// 'ep_cpset_take_sorted()' - S's members in ascending order (heap: the caller
// frees it; *N of them, NULL for none); S is freed and zeroed.
uint32_t *ep_cpset_take_sorted(ep_cpset *s, size_t *n);
// 'ep_cmp_u32()' - qsort() order of uint32_t values (code points, glyph ids).
int ep_cmp_u32(const void *a, const void *b);

// 'ep_utf8_decode_any()' - ep_utf8_decode() for every kind of sequence, out
// of line (ep_utf8_decode() does ASCII and three-byte sequences itself).
size_t ep_utf8_decode_any(const unsigned char *s, size_t n, uint32_t *cp);

// 'ep_utf8_decode()' - Decode one code point from S (at most N bytes). Stores
// the code point in *CP and returns its byte length (1..4), or 0 when the bytes
// are not valid UTF-8 (overlong, surrogate, above U+10FFFF, truncated).
// Inline for ASCII and the three-byte sequences of Chinese text (most of
// what is decoded; a unit test compares it with ep_utf8_decode_any()).
static inline size_t ep_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) {
  if (n && s[0] < 0x80) {
    *cp = s[0];
    return 1;
  }
  if (n >= 3 && (s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
    uint32_t v = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (uint32_t)(s[2] & 0x3F);
    if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)) // overlong, or a surrogate
      return 0;
    *cp = v;
    return 3;
  }
  return ep_utf8_decode_any(s, n, cp);
}

// 'ep_utf8_next()' - The code point at S[*I] (S has LEN bytes, *I < LEN), moving
// *I past it; a byte that does not start valid UTF-8 reads as U+FFFD and is
// skipped alone. The one decoding loop step for text that is shown, not checked.
static inline uint32_t ep_utf8_next(const char *s, size_t len, size_t *i) {
  uint32_t cp;
  size_t l = ep_utf8_decode((const unsigned char *)s + *i, len - *i, &cp);
  if (!l) {
    cp = 0xFFFD;
    l = 1;
  }
  *i += l;
  return cp;
}

// 'ep_make_dir()' - Create the folder DIR and any missing parent, each
// mode 0700 (a cache's: the user's alone); true when DIR exists after it.
bool ep_make_dir(const char *dir);

// 'ep_write_private()' - Write the N PARTS (LENS[i] bytes each) to a new
// file TMP (mode 0600; not created when it exists or is a link), then
// rename it to FINAL: a cache's file, which readers see whole or not at
// all. True when FINAL holds them; on failure TMP is removed.
bool ep_write_private(const char *tmp, const char *final, const void *const *parts, const size_t *lens, size_t n);

// 'ep_errno_text()' - The message of errno value ERR, as strerror() gives it
// but thread-safe (strerror may share one buffer between threads), written
// into BUF (SIZE bytes; 128 is plenty) or a static string; returned.
const char *ep_errno_text(int err, char *buf, size_t size);

// 'ep_utf8_encode()' - Write CP as UTF-8 into OUT (4 bytes room); returns the length.
size_t ep_utf8_encode(uint32_t cp, char *out);

// 'ep_display_width()' - Terminal columns S takes: East Asian wide and
// fullwidth characters count 2, combining marks and zero-width characters 0,
// invalid bytes 1 each (for aligning tables that hold Chinese names).
size_t ep_display_width(const char *s);

// 'ep_print_padded()' - Print S to OUT and spaces up to WIDTH terminal columns.
void ep_print_padded(const char *s, size_t width, FILE *out);

// 'ep_is_cjk()' - True for characters set on the CJK grid: ideographs, kana,
// hangul, CJK and full-width punctuation, and the Chinese-context marks
// “”‘’—…·. Whitespace between two such characters is dropped.
bool ep_is_cjk(uint32_t cp);

// 'ep_is_xml_space()' - Space, tab, CR or LF.
bool ep_is_xml_space(uint32_t cp);

// 'ep_edit_distance()' - Levenshtein distance between two UTF-8 strings by code
// point, capped at CAP (returns CAP when the true distance is >= CAP).
size_t ep_edit_distance(const char *a, const char *b, size_t cap);

// 'ep_suggest()' - The candidate closest to WORD ("did you mean"), or NULL when
// none is close: an exact alias hit first (ALIASES is a NULL-terminated list of
// "wrong=right" pairs, may be NULL), then the smallest edit distance within
// max(1, len/3) (ties: first in the list), then a candidate that is a prefix of
// WORD or has WORD as a prefix. CANDIDATES is NULL-terminated. Borrowed result.
const char *ep_suggest(const char *word, const char *const *candidates, const char *const *aliases);

// ---- Files named by the input: confined, race-free opening --------------------

// The largest file evalpdf reads as report XML or a layout (64 MiB).
#define EP_MAX_FILE_BYTES (64L * 1024 * 1024)
// The largest font file a layout named by a report may name (256 MiB; read into memory).
#define EP_MAX_FONT_BYTES (256L * 1024 * 1024)

// 'ep_path_normalize()' - PATH made absolute against BASE (an absolute folder;
// ignored when PATH is absolute) and normalised lexically: "." and empty parts
// dropped, ".." removes the part before it (never above "/"). Heap string.
char *ep_path_normalize(const char *base, const char *path);

// 'ep_path_under()' - The part of absolute normalised PATH below ROOT
// ("" for ROOT itself), or NULL when PATH is not ROOT or beneath it. Borrowed.
const char *ep_path_under(const char *path, const char *root);

// 'ep_open_beneath()' - Open REL (relative to the folder DIRFD) for reading
// without ever leaving that folder: openat2(RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS) where the kernel has it, else a component-by-component
// openat(O_NOFOLLOW) walk that resolves symbolic links itself. A symbolic link
// or ".." that leads out gives -1 with errno EXDEV. O_NONBLOCK is added so that
// a FIFO never blocks. Returns the descriptor (O_CLOEXEC) or -1 with errno.
int ep_open_beneath(int dirfd, const char *rel);

// 'ep_open_beneath_walk()' - ep_open_beneath()'s fallback alone (the tests
// run it on kernels that have openat2): never follows an absolute symbolic
// link, resolves relative ones itself, pops its own descriptors for "..".
int ep_open_beneath_walk(int dirfd, const char *rel);

// 'ep_open_beneath_dir()' - ep_open_beneath() of REL beneath the folder DIR
// (absolute, or relative to the working directory); -1 with errno.
int ep_open_beneath_dir(const char *dir, const char *rel);

// Result of ep_open_confined().
typedef enum ep_confined_rc {
  EP_CONFINED_OK,      // *FD is open for reading
  EP_CONFINED_OUTSIDE, // the path or a symbolic link on it leads out of the root
  EP_CONFINED_FAILED   // inside, but cannot be opened (*ERR holds errno)
} ep_confined_rc;

// 'ep_open_confined()' - Open PATH (relative to the absolute folder BASE, or
// absolute) beneath the absolute folder ROOT with ep_open_beneath(). *ABS gets
// the normalised absolute path (heap; also on failure). The answer for a path
// outside the root never depends on whether that path exists.
ep_confined_rc ep_open_confined(const char *root, const char *base, const char *path, char **abs,
                                int *fd, int *err);

// 'ep_read_fd()' - Read the whole regular file open on FD (not closed) into a
// heap buffer of *LEN bytes (NUL-terminated). The descriptor is checked with
// fstat: not a regular file gives errno EISDIR or EINVAL; more than LIMIT
// bytes gives EFBIG. NULL with errno on failure.
unsigned char *ep_read_fd(int fd, size_t limit, size_t *len);

// ---- Output files that a killed process never leaves behind -------------------

// An output being written: an unnamed O_TMPFILE in the target's folder, or
// (where the file system has none) a temporary name ".BASE.evalpdf-PID-XXXXXX".
// The writer holds an exclusive lock on the file (OFD lock, else flock) until
// it closes it; the next ep_outfile_open() in that folder removes a temporary
// of that name pattern only when it can take that lock itself (the owner is
// gone; NFS carries the lock between machines, so PIDs are never trusted for
// a file with bytes), and an empty one only after a minute (its owner may not
// have locked it yet) unless no process of this machine has the PID its name
// gives (a writer killed in its first write).
typedef struct ep_outfile {
  int fd;         // write here
  char *target;   // the file to replace (symbolic links resolved)
  char *tmpname;  // the named temporary, or NULL for an O_TMPFILE
  unsigned mode;  // permissions the result gets
  struct ep_sweeps *sweeps; // borrowed from ep_outfile_open() (may be NULL)
  bool swept;        // ep_outfile_sweep() has run
  bool replaces;     // the target existed when the outfile was opened
} ep_outfile;

// The folders whose stale temporaries an owner (a context, shared by its
// threads) removed lately. Reading a folder costs time in proportion to its
// entries, so a batch writing thousands of files into one folder would read
// it once per file, quadratic in the batch; through this set each folder is
// swept at most once every EP_SWEEP_SECONDS (a long-lived program still sees
// the temporaries of processes killed since). Up to EP_SWEEP_SLOTS folders
// are remembered, the oldest entry replaced first; a forgotten folder is
// just swept again.
#define EP_SWEEP_SLOTS 64
#define EP_SWEEP_SECONDS 60
typedef struct ep_sweeps {
  pthread_mutex_t lock;
  char *dir[EP_SWEEP_SLOTS];  // owned; NULL: a free slot
  int64_t at[EP_SWEEP_SLOTS]; // when it was swept (CLOCK_MONOTONIC seconds)
  unsigned next;              // the slot taken next when the folder is new
  // The thread that releases the last replaced file (ep_sweeps_release()),
  // started with START (set by the owner; NULL: pthread_create()).
  int (*start)(pthread_t *t, void *(*fn)(void *), void *arg);
  pthread_t releaser;
  bool releasing; // RELEASER was started and is not joined yet
  // A releaser started ahead (ep_sweeps_ready()) waits on CV for WAIT_FD,
  // under WAIT_LOCK alone (taken after LOCK, never before): a release may
  // join the previous releaser while it holds LOCK.
  bool waiting; // RELEASER is such a one, not given a descriptor yet (LOCK)
  pthread_mutex_t wait_lock;
  pthread_cond_t cv;
  bool wait_cancel; // ... it is to end without one (ep_sweeps_free()) (WAIT_LOCK)
  int wait_fd;      // the descriptor given to it, or -1 (WAIT_LOCK)
} ep_sweeps;

// 'ep_sweeps_init()' - An empty set in *S (free it with ep_sweeps_free()).
void ep_sweeps_init(ep_sweeps *s);

// 'ep_sweeps_free()' - Free the folder names S holds (S itself is the
// caller's), once the file it is releasing is released.
void ep_sweeps_free(ep_sweeps *s);

// 'ep_sweeps_stop()' - Tell S's releasing thread, when it was started ahead
// (ep_sweeps_ready()) and given no descriptor, that none will come. It then
// ends without touching S again, as one given a descriptor does once it has
// read it: only closing that descriptor may still be under way (a program
// about to exit need not wait for that; ep_sweeps_free() joins the thread).
void ep_sweeps_stop(ep_sweeps *s);

// 'ep_sweeps_release()' - Close FD (taken over), the last reference to a
// file an output replaced, on a thread of S's (S NULL, or no thread: now).
// Dropping a replaced file's inode frees its blocks and page cache, which
// costs some 0.5 ms for a 250 KB PDF here; done beside the caller's own
// work, not in its rename().
void ep_sweeps_release(ep_sweeps *s, int fd);

// 'ep_sweeps_ready()' - Start S's releasing thread now, to wait for the
// next ep_sweeps_release(): a caller that knows it will replace a file
// starts it where it has time to spare (a thread's start took 0.05-0.1 ms
// on the 2-core test VMs), not when the file is put in place. Nothing when
// one waits already or S is NULL.
void ep_sweeps_ready(ep_sweeps *s);

// 'ep_outfile_open()' - Start writing a new version of regular file TARGET
// (it may not exist yet; a symbolic link is kept and its target replaced).
// SWEEPS (borrowed until the outfile is committed or abandoned; may be NULL)
// is for ep_outfile_sweep(). Returns 0 or an errno value.
int ep_outfile_open(ep_outfile *o, const char *target, ep_sweeps *sweeps);

// 'ep_outfile_sweep()' - Remove the folder's stale temporaries, unless the
// outfile's SWEEPS says they were lately; only the first call does anything.
// Call it once the first bytes are written: a named temporary stays empty
// (and, its owner killed, is kept for a minute as one that may not be locked
// yet) only from its creation to that write, not while the folder is read.
void ep_outfile_sweep(ep_outfile *o);

// 'ep_outfile_commit()' - Put the new file in place of the target atomically
// (a reader sees the old file or the whole new one; a killed process leaves
// the old one). No fsync: it cost 5 ms of a 60 ms render here, and like
// compilers and typesetters evalpdf leaves durability across a power loss
// to the file system (batch re-renders an output whose hash does not match
// its manifest). The outfile is closed either way. Returns 0 or an errno
// value (then the target is untouched and nothing is left behind).
int ep_outfile_commit(ep_outfile *o);

// 'ep_outfile_abandon()' - Close and discard an outfile (the target is untouched).
void ep_outfile_abandon(ep_outfile *o);

// 'ep_tmpfile_anon()' - An unnamed temporary file (O_TMPFILE, read-write) in
// folder DIR, reachable as /proc/self/fd/N while open; -1 with errno when the
// system or file system has none (then the caller falls back to mkstemp).
int ep_tmpfile_anon(const char *dir);

// 'ep_write_all()' - Write N bytes of DATA to FD; 0 or an errno value.
int ep_write_all(int fd, const void *data, size_t n);

// A function of a library loaded with dlopen(): its name, and where its
// address goes (a function pointer of the caller's table).
typedef struct ep_dl_fn {
  const char *name;
  void **slot;
} ep_dl_fn;

// 'ep_dl_resolve()' - Look each of the N functions FNS up in the dlopen()
// HANDLE and store its address in its slot; the name of the first one the
// library lacks (the slots after it untouched), or NULL when all are found.
const char *ep_dl_resolve(void *handle, const ep_dl_fn *fns, size_t n);

#endif
