// cli_util.c - Helpers of the batch and watch commands: SHA-256 (FIPS 180-4)
// and a shared hash table, strings, paths, the input list, the incremental
// manifest and Ctrl-C handling. CLI only (see cli.h).
#define _GNU_SOURCE // strdup, vasprintf, flock, pipe2
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__linux__) && __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif

// ---- Memory and strings -------------------------------------------------

// 'cli_xmalloc()' - malloc that ends the process when memory runs out.
void *cli_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fputs("evalpdf: error: out of memory.\n", stderr);
    exit(2);
  }
  return p;
}

// 'cli_xrealloc()' - realloc that ends the process when memory runs out.
void *cli_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fputs("evalpdf: error: out of memory.\n", stderr);
    exit(2);
  }
  return q;
}

// 'cli_xstrdup()' - strdup that ends the process when memory runs out.
char *cli_xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(cli_xmalloc(n), s, n);
}

// 'cli_xasprintf()' - A new formatted heap string.
char *cli_xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  int n = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (n < 0) {
    fputs("evalpdf: error: out of memory.\n", stderr);
    exit(2);
  }
  return s;
}

// 'cli_diag_line()' - D as a line of text, as the library writes it (see cli.h).
char *cli_diag_line(const evalpdf_diag *d) {
  char *lib = evalpdf_diag_line(d);
  if (!lib) {
    fputs("evalpdf: error: out of memory.\n", stderr);
    exit(2);
  }
  char *line = cli_xstrdup(lib); // the CLI's lines are freed with free()
  evalpdf_free(lib);
  return line;
}

// 'cli_buf_printf()' - Append formatted text to B.
void cli_buf_printf(cli_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if (b->len + (size_t)n + 1 > b->cap) {
    b->cap = (b->len + (size_t)n + 1) * 2;
    b->s = cli_xrealloc(b->s, b->cap);
  }
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

// 'cli_buf_free()' - Free B's text.
void cli_buf_free(cli_buf *b) {
  free(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}

// ---- SHA-256 ------------------------------------------------------------

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

// 'sha_block()' - Run the compression function over one 64-byte block.
static void sha_block(uint32_t h[8], const unsigned char *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
    uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

// 'sha_blocks_ni()' - The compression function over N blocks with the x86
// SHA extensions: the state lives as ABEF/CDGH in two registers, each
// sha256rnds2 does two rounds, msg1/msg2 extend the schedule four words at a time.
__attribute__((target("sha,sse4.1"))) static void sha_blocks_ni(uint32_t h[8], const unsigned char *p, size_t n) {
  const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  __m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1); // B A D C
  __m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B); // H G F E
  __m128i s0 = _mm_alignr_epi8(t, s1, 8);                                        // ABEF
  s1 = _mm_blend_epi16(s1, t, 0xF0);                                             // CDGH
  for (; n > 0; n--, p += 64) {
    __m128i save0 = s0, save1 = s1, w[4];
    for (int g = 0; g < 16; g++) {
      if (g < 4)
        w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), swap);
      else {
        __m128i x = _mm_add_epi32(_mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]),
                                  _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
        w[g & 3] = _mm_sha256msg2_epu32(x, w[(g + 3) & 3]);
      }
      __m128i m = _mm_add_epi32(w[g & 3], _mm_loadu_si128((const __m128i *)&sha_k[4 * g]));
      s1 = _mm_sha256rnds2_epu32(s1, s0, m);
      s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0E));
    }
    s0 = _mm_add_epi32(s0, save0);
    s1 = _mm_add_epi32(s1, save1);
  }
  t = _mm_shuffle_epi32(s0, 0x1B);  // F E B A
  s1 = _mm_shuffle_epi32(s1, 0xB1); // D C H G
  _mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, s1, 0xF0)); // D C B A
  _mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(s1, t, 8));    // H G F E
}

// 'have_sha_ni()' - Whether the CPU has the SHA extensions (and SSE4.1).
static bool have_sha_ni(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & (1u << 29)))
    return false;
  return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 19));
}
#endif

// 'sha_blocks()' - The compression function over N 64-byte blocks at P.
static void sha_blocks(uint32_t h[8], const unsigned char *p, size_t n) {
#if defined(__x86_64__) && defined(__GNUC__)
  static _Atomic int ni = -1; // CPU feature, the same for every thread: set once
  if (ni < 0)
    ni = have_sha_ni();
  if (ni) {
    sha_blocks_ni(h, p, n);
    return;
  }
#endif
  for (; n > 0; n--, p += 64)
    sha_block(h, p);
}

// 'cli_sha256_init()' - Start a hash.
void cli_sha256_init(cli_sha256 *s) {
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, iv, sizeof iv);
  s->total = 0;
  s->n = 0;
}

// 'cli_sha256_update()' - Hash LEN more bytes at DATA.
void cli_sha256_update(cli_sha256 *s, const void *data, size_t len) {
  const unsigned char *p = data;
  s->total += len;
  if (s->n) {
    size_t take = 64 - s->n < len ? 64 - s->n : len;
    memcpy(s->buf + s->n, p, take);
    s->n += take;
    p += take;
    len -= take;
    if (s->n < 64)
      return;
    sha_blocks(s->h, s->buf, 1);
    s->n = 0;
  }
  sha_blocks(s->h, p, len / 64);
  p += len / 64 * 64;
  len %= 64;
  memcpy(s->buf, p, len);
  s->n = len;
}

// 'cli_sha256_hex()' - Finish the hash and write it as hex into HEX.
void cli_sha256_hex(cli_sha256 *s, char hex[CLI_HEX_LEN]) {
  uint64_t bits = s->total * 8;
  unsigned char pad[72] = {0x80};
  size_t padlen = (s->n < 56 ? 56 : 120) - s->n;
  for (int i = 0; i < 8; i++)
    pad[padlen + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
  uint64_t keep = s->total;
  cli_sha256_update(s, pad, padlen + 8);
  s->total = keep;
  for (int i = 0; i < 8; i++)
    snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
}

static int hash_fd(int fd, char hex[CLI_HEX_LEN]);

// 'cli_hash_file()' - SHA-256 of a file's content. Only a regular file: a
// FIFO or device swapped in under the name (after the library read it,
// confined) fails at once instead of blocking or reading forever.
int cli_hash_file(const char *path, char hex[CLI_HEX_LEN]) {
  return hash_fd(open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), hex);
}

// 'open_beneath()' - PATH (absolute), a file beneath folder ROOT, opened for
// reading relative to ROOT and never by path; -1 with errno set.
static int open_beneath(const char *root, const char *path) {
  char *rel = cli_path_relative(path, root);
  if (!rel) {
    errno = EXDEV;
    return -1;
  }
#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
  int dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  long fd = -1;
  if (dir >= 0) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    fd = syscall(SYS_openat2, dir, rel, &how, sizeof how);
    int e = errno;
    close(dir);
    errno = e;
  }
  free(rel);
  return fd < 0 ? -1 : (int)fd;
#else
  free(rel);
  errno = ENOSYS; // no confined open here: no hash, so the report renders again next time
  return -1;
#endif
}

// 'cli_hash_file_beneath()' - SHA-256 of PATH, a file beneath folder ROOT,
// opened relative to ROOT and never by path (see cli.h).
int cli_hash_file_beneath(const char *root, const char *path, char hex[CLI_HEX_LEN]) {
  return hash_fd(open_beneath(root, path), hex);
}

// 'cli_file_identity()' - The identity of the regular file at PATH (beneath
// ROOT when ROOT is not NULL) in HEX (see cli.h).
int cli_file_identity(const char *root, const char *path, char hex[CLI_HEX_LEN]) {
  int fd = root ? open_beneath(root, path) : open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return -1;
  struct stat sb;
  int rc = fstat(fd, &sb);
  close(fd);
  if (rc != 0 || !S_ISREG(sb.st_mode)) {
    errno = rc != 0 ? errno : EINVAL;
    return -1;
  }
  char *id = cli_xasprintf("identity 1\n%s\n%llu %llu %lld\n%lld.%09ld %lld.%09ld\n", path,
                           (unsigned long long)sb.st_dev, (unsigned long long)sb.st_ino, (long long)sb.st_size,
                           (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec, (long long)sb.st_ctim.tv_sec,
                           sb.st_ctim.tv_nsec);
  cli_hash_string(id, hex);
  free(id);
  return 0;
}

// 'hash_fd()' - SHA-256 of the regular file open on FD (closed here; -1: fail).
static int hash_fd(int fd, char hex[CLI_HEX_LEN]) {
  if (fd < 0)
    return -1;
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    close(fd);
    errno = EINVAL;
    return -1;
  }
  cli_sha256 s;
  cli_sha256_init(&s);
  unsigned char buf[1 << 16];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int e = errno;
      close(fd);
      errno = e;
      return -1;
    }
    if (n == 0)
      break;
    cli_sha256_update(&s, buf, (size_t)n);
  }
  close(fd);
  cli_sha256_hex(&s, hex);
  return 0;
}

// 'cli_hash_string()' - SHA-256 of a string.
void cli_hash_string(const char *str, char hex[CLI_HEX_LEN]) {
  cli_sha256 s;
  cli_sha256_init(&s);
  cli_sha256_update(&s, str, strlen(str));
  cli_sha256_hex(&s, hex);
}

// 'cli_fnv1a64()' - FNV-1a, 64 bits.
uint64_t cli_fnv1a64(const char *str) {
  uint64_t h = 0xcbf29ce484222325u;
  for (const unsigned char *p = (const unsigned char *)str; *p; p++)
    h = (h ^ *p) * 0x100000001b3u;
  return h;
}

// ---- The shared hash table ----------------------------------------------

typedef struct cache_item {
  char *key;
  char hex[CLI_HEX_LEN];
  int rc;
  bool ready;
} cache_item;

struct cli_hash_cache {
  pthread_mutex_t lock;
  pthread_cond_t done;
  cache_item *items;
  size_t count, cap;
};

// 'cli_hash_cache_new()' - An empty table.
cli_hash_cache *cli_hash_cache_new(void) {
  cli_hash_cache *c = cli_xmalloc(sizeof *c);
  memset(c, 0, sizeof *c);
  pthread_mutex_init(&c->lock, NULL);
  pthread_cond_init(&c->done, NULL);
  return c;
}

// 'cli_hash_cache_free()' - Free the table (NULL is allowed).
void cli_hash_cache_free(cli_hash_cache *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->count; i++)
    free(c->items[i].key);
  free(c->items);
  pthread_mutex_destroy(&c->lock);
  pthread_cond_destroy(&c->done);
  free(c);
}

// 'cache_find()' - The index of KEY, or COUNT. Called with the lock held.
static size_t cache_find(const cli_hash_cache *c, const char *key) {
  size_t i = 0;
  while (i < c->count && strcmp(c->items[i].key, key))
    i++;
  return i;
}

// 'cli_hash_cache_get()' - Look up or compute one hash (outside the lock, so
// distinct keys are computed in parallel).
int cli_hash_cache_get(cli_hash_cache *c, const char *key, int (*fn)(const char *key, char *hex, void *user),
                       void *user, char hex[CLI_HEX_LEN]) {
  pthread_mutex_lock(&c->lock);
  size_t i = cache_find(c, key);
  if (i < c->count) {
    while (!c->items[i].ready) {
      pthread_cond_wait(&c->done, &c->lock);
      i = cache_find(c, key); // the array may have moved
    }
    memcpy(hex, c->items[i].hex, CLI_HEX_LEN);
    int rc = c->items[i].rc;
    pthread_mutex_unlock(&c->lock);
    return rc;
  }
  if (c->count == c->cap) {
    c->cap = c->cap ? 2 * c->cap : 16;
    c->items = cli_xrealloc(c->items, c->cap * sizeof *c->items);
  }
  c->items[c->count++] = (cache_item){cli_xstrdup(key), "", 0, false};
  pthread_mutex_unlock(&c->lock);
  char h[CLI_HEX_LEN] = "";
  int rc = fn(key, h, user);
  pthread_mutex_lock(&c->lock);
  i = cache_find(c, key);
  memcpy(c->items[i].hex, h, CLI_HEX_LEN);
  c->items[i].rc = rc;
  c->items[i].ready = true;
  pthread_cond_broadcast(&c->done);
  pthread_mutex_unlock(&c->lock);
  memcpy(hex, h, CLI_HEX_LEN);
  return rc;
}

// 'cli_hash_cache_forget()' - Drop one key (only between runs, when no one waits on it).
void cli_hash_cache_forget(cli_hash_cache *c, const char *key) {
  pthread_mutex_lock(&c->lock);
  size_t i = cache_find(c, key);
  if (i < c->count && c->items[i].ready) {
    free(c->items[i].key);
    c->items[i] = c->items[--c->count];
  }
  pthread_mutex_unlock(&c->lock);
}

// ---- Paths --------------------------------------------------------------

// 'cli_path_absolute()' - Absolute and normalized by name.
char *cli_path_absolute(const char *p) {
  char *full;
  if (p[0] == '/')
    full = cli_xstrdup(p);
  else {
    char *cwd = getcwd(NULL, 0);
    if (!cwd)
      return NULL;
    full = cli_xasprintf("%s/%s", cwd, p);
    free(cwd);
  }
  // Rewrite in place component by component; OUT never runs ahead of IN.
  size_t out = 0;
  const char *in = full;
  while (*in) {
    while (*in == '/')
      in++;
    const char *end = strchr(in, '/');
    size_t n = end ? (size_t)(end - in) : strlen(in);
    if (n == 0 || (n == 1 && in[0] == '.')) {
      // skip
    } else if (n == 2 && in[0] == '.' && in[1] == '.') {
      while (out > 0 && full[out - 1] != '/')
        out--;
      if (out > 0)
        out--;
    } else {
      full[out++] = '/';
      memmove(full + out, in, n);
      out += n;
    }
    in += n;
  }
  if (out == 0)
    full[out++] = '/';
  full[out] = 0;
  return full;
}

// 'cli_path_relative()' - ABS relative to ROOT, or NULL outside it.
char *cli_path_relative(const char *abs, const char *root) {
  size_t n = strlen(root);
  if (!strcmp(root, "/"))
    return abs[1] ? cli_xstrdup(abs + 1) : NULL;
  if (strncmp(abs, root, n) || abs[n] != '/' || !abs[n + 1])
    return NULL;
  return cli_xstrdup(abs + n + 1);
}

// 'cli_path_join()' - Join two path parts.
char *cli_path_join(const char *a, const char *b) {
  if (!a || !*a || !strcmp(a, "."))
    return cli_xstrdup(b);
  size_t n = strlen(a);
  return cli_xasprintf("%s%s%s", a, a[n - 1] == '/' ? "" : "/", b);
}

// 'cli_path_dir()' - The folder part of a path.
char *cli_path_dir(const char *p) {
  const char *s = strrchr(p, '/');
  if (!s)
    return cli_xstrdup(".");
  if (s == p)
    return cli_xstrdup("/");
  return cli_xasprintf("%.*s", (int)(s - p), p);
}

// 'cli_path_base()' - The last component of a path.
const char *cli_path_base(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

// 'cli_mkdirs()' - mkdir -p.
int cli_mkdirs(const char *dir) {
  struct stat st;
  if (stat(dir, &st) == 0)
    return S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
  char *parent = cli_path_dir(dir);
  int rc = strcmp(parent, dir) && strcmp(parent, ".") ? cli_mkdirs(parent) : 0;
  free(parent);
  if (rc == 0 && mkdir(dir, 0777) != 0 && errno != EEXIST)
    rc = -1;
  return rc;
}

// ---- Inputs -------------------------------------------------------------

// Files found so far, before sorting (device and inode tell duplicates).
typedef struct found {
  char *path;
  char *abs;
  dev_t dev;
  ino_t ino;
} found;

typedef struct collector {
  found *items;
  size_t count, cap;
  char **dirs; // the folders that make up the common root
  size_t ndirs, capdirs;
  bool recursive;
  int status;
  size_t skipped;
  FILE *err;
} collector;

// 'add_root_dir()' - Count folder ABS_DIR (absolute) towards the common root.
static void add_root_dir(collector *c, char *abs_dir) {
  if (c->ndirs == c->capdirs) {
    c->capdirs = c->capdirs ? 2 * c->capdirs : 8;
    c->dirs = cli_xrealloc(c->dirs, c->capdirs * sizeof *c->dirs);
  }
  c->dirs[c->ndirs++] = abs_dir;
}

// 'root_name()' - For a file that is not XML to libxml2's reader, the name of
// its first element found by a plain scan of the first 64 KB past the
// prolog (comments, processing instructions, DOCTYPE), into NAME; 0 when
// found, -1 when the file has no recognisable start tag.
static int root_name(const char *path, char *name, size_t size) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  char buf[65536];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  const char *p = buf;
  while (*p) {
    p = strchr(p, '<');
    if (!p)
      return -1;
    if (p[1] == '?' || p[1] == '!') {
      const char *close = !strncmp(p, "<!--", 4) ? strstr(p, "-->") : strchr(p, '>');
      if (!close)
        return -1;
      p = close + 1;
      continue;
    }
    size_t k = 0;
    p++;
    while (p[k] && !strchr(" \t\r\n/>", p[k]))
      k++;
    if (k == 0 || k >= size)
      return -1;
    memcpy(name, p, k);
    name[k] = 0;
    return 0;
  }
  return -1;
}

// 'add_file()' - Add the file at PATH if it is a report (a note when its root
// element is another one; an error when it cannot be read).
static void add_file(collector *c, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(c->err, "evalpdf: error: cannot read %s: %s.\n", path, strerror(errno));
    c->status = 2;
    return;
  }
  errno = 0;
  int is = evalpdf_file_is_report(path);
  char name[256];
  if (is < 0) {
    fprintf(c->err, "evalpdf: error: cannot read %s: %s.\n", path, errno ? strerror(errno) : "not a regular file");
    c->status = 2;
    return;
  }
  if (is == 0 && root_name(path, name, sizeof name) == 0 && strcmp(name, "report")) {
    fprintf(c->err, "%s: note: skipped: its root element is <%s>, not <report> (a shared include?).\n", path, name);
    c->skipped++;
    return;
  }
  // A file that is not XML at all stays an input: loading it reports why.
  for (size_t i = 0; i < c->count; i++)
    if (c->items[i].dev == st.st_dev && c->items[i].ino == st.st_ino)
      return;
  char *abs = cli_path_absolute(path);
  if (!abs) {
    fprintf(c->err, "evalpdf: error: cannot tell the current folder: %s.\n", strerror(errno));
    c->status = 2;
    return;
  }
  if (c->count == c->cap) {
    c->cap = c->cap ? 2 * c->cap : 64;
    c->items = cli_xrealloc(c->items, c->cap * sizeof *c->items);
  }
  c->items[c->count++] = (found){cli_xstrdup(path), abs, st.st_dev, st.st_ino};
}

// 'has_xml_suffix()' - Whether NAME ends in ".xml" (any case).
static bool has_xml_suffix(const char *name) {
  size_t n = strlen(name);
  return n > 4 && !strcasecmp(name + n - 4, ".xml");
}

// 'name_cmp()' - qsort order of file names (bytes).
static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

// 'add_dir()' - Add the *.xml files of DIR (and of its folders when
// recursive; names starting with "." and symbolic links to folders are left out).
static void add_dir(collector *c, const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(c->err, "evalpdf: error: cannot read the folder %s: %s.\n", dir, strerror(errno));
    c->status = 2;
    return;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 64;
      names = cli_xrealloc(names, cap * sizeof *names);
    }
    names[n++] = cli_xstrdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, name_cmp);
  for (size_t i = 0; i < n; i++) {
    char *p = cli_path_join(dir, names[i]);
    struct stat lst, st;
    if (lstat(p, &lst) == 0 && S_ISDIR(lst.st_mode)) {
      if (c->recursive)
        add_dir(c, p);
    } else if (has_xml_suffix(names[i]) && stat(p, &st) == 0 && S_ISREG(st.st_mode))
      add_file(c, p);
    free(p);
    free(names[i]);
  }
  free(names);
}

// 'add_arg()' - Add one argument: a folder or a file.
static void add_arg(collector *c, const char *arg) {
  struct stat st;
  if (stat(arg, &st) != 0) {
    fprintf(c->err, "evalpdf: error: cannot read %s: %s.\n", arg, strerror(errno));
    c->status = 2;
    return;
  }
  char *abs = cli_path_absolute(arg);
  if (!abs) {
    fprintf(c->err, "evalpdf: error: cannot tell the current folder: %s.\n", strerror(errno));
    c->status = 2;
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    add_root_dir(c, abs);
    add_dir(c, arg);
  } else {
    add_root_dir(c, cli_path_dir(abs));
    free(abs);
    add_file(c, arg);
  }
}

// 'add_list()' - Add the inputs listed in the file LIST, one per line (blank
// lines and lines starting with # are skipped; paths are relative to the
// current folder).
static void add_list(collector *c, const char *list) {
  FILE *f = fopen(list, "r");
  if (!f) {
    fprintf(c->err, "evalpdf: error: cannot read the list %s: %s.\n", list, strerror(errno));
    c->status = 2;
    return;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, f)) >= 0) {
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
      line[--len] = 0;
    if (len == 0 || line[0] == '#')
      continue;
    add_arg(c, line);
  }
  free(line);
  fclose(f);
}

// 'common_dir()' - The deepest folder holding every one of DIRS (absolute). Heap string.
static char *common_dir(char **dirs, size_t n) {
  if (n == 0)
    return cli_path_absolute(".");
  char *root = cli_xstrdup(dirs[0]);
  for (size_t i = 1; i < n; i++) {
    size_t len = strlen(root);
    while (strcmp(root, "/") &&
           !(strncmp(root, dirs[i], len) == 0 && (dirs[i][len] == '/' || dirs[i][len] == 0))) {
      char *s = strrchr(root, '/');
      if (s == root)
        s[1] = 0;
      else
        *s = 0;
      len = strlen(root);
    }
  }
  return root;
}

// 'input_cmp()' - qsort order of inputs: by relative path.
static int input_cmp(const void *a, const void *b) {
  return strcmp(((const cli_input *)a)->rel, ((const cli_input *)b)->rel);
}

// 'cli_inputs_collect()' - Expand the command line's inputs.
void cli_inputs_collect(char *const *args, int nargs, bool recursive, const char *root, cli_inputs *out,
                        FILE *err) {
  memset(out, 0, sizeof *out);
  collector c;
  memset(&c, 0, sizeof c);
  c.recursive = recursive;
  c.err = err;
  for (int i = 0; i < nargs; i++) {
    if (args[i][0] == '@')
      add_list(&c, args[i] + 1);
    else
      add_arg(&c, args[i]);
  }
  out->root = root ? cli_path_absolute(root) : common_dir(c.dirs, c.ndirs);
  for (size_t i = 0; i < c.ndirs; i++)
    free(c.dirs[i]);
  free(c.dirs);
  out->items = cli_xmalloc((c.count ? c.count : 1) * sizeof *out->items);
  for (size_t i = 0; i < c.count; i++) {
    char *rel = out->root ? cli_path_relative(c.items[i].abs, out->root) : NULL;
    if (!rel) {
      fprintf(err, "evalpdf: error: %s is outside the root folder %s; give --root a folder that holds every input.\n",
              c.items[i].path, root ? root : "");
      c.status = 2;
      free(c.items[i].path);
      free(c.items[i].abs);
      continue;
    }
    out->items[out->count++] = (cli_input){c.items[i].path, c.items[i].abs, rel};
  }
  free(c.items);
  qsort(out->items, out->count, sizeof *out->items, input_cmp);
  out->status = c.status;
  out->skipped = c.skipped;
}

// 'cli_inputs_free()' - Free the list.
void cli_inputs_free(cli_inputs *in) {
  for (size_t i = 0; i < in->count; i++) {
    free(in->items[i].path);
    free(in->items[i].abs);
    free(in->items[i].rel);
  }
  free(in->items);
  free(in->root);
  memset(in, 0, sizeof *in);
}

// ---- The manifest -------------------------------------------------------
//
// A text file in the output folder:
//   evalpdf-manifest 1
//   entry KEY PDFHASH NDEPS OUTPUT INPUT
//   dep KIND HASH PATH            (NDEPS lines)
//   end SHA256-OF-ALL-LINES-ABOVE
// Paths are %-escaped (bytes up to space, %, DEL). A file whose last line does
// not match is ignored as a whole: a damaged manifest costs a re-render, never
// a stale PDF.

// 'put_escaped()' - Append S %-escaped to B.
static void put_escaped(cli_buf *b, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p <= ' ' || *p == '%' || *p == 0x7f)
      cli_buf_printf(b, "%%%02X", *p);
    else
      cli_buf_printf(b, "%c", *p);
}

// 'unescape()' - Undo put_escaped in place; false on a bad escape.
static bool unescape(char *s) {
  char *o = s;
  for (char *p = s; *p; p++) {
    if (*p != '%') {
      *o++ = *p;
      continue;
    }
    unsigned v;
    if (!p[1] || !p[2] || sscanf(p + 1, "%2x", &v) != 1 || v == 0)
      return false;
    *o++ = (char)v;
    p += 2;
  }
  *o = 0;
  return true;
}

// 'is_hex()' - Whether S is 64 lowercase hex digits.
static bool is_hex(const char *s) {
  size_t n = strspn(s, "0123456789abcdef");
  return n == CLI_HEX_LEN - 1 && !s[n];
}

// 'cli_entry_free()' - Free an entry's strings.
void cli_entry_free(cli_entry *e) {
  free(e->input);
  free(e->output);
  for (size_t i = 0; i < e->ndeps; i++)
    free(e->deps[i].path);
  free(e->deps);
  memset(e, 0, sizeof *e);
}

// 'parse_entry()' - Parse an "entry" line's fields into E and its number of
// dependencies into *WANT; false when malformed.
static bool parse_entry(char *line, cli_entry *e, size_t *want) {
  char *f[6];
  int n = 0;
  for (char *save = NULL, *t = strtok_r(line, " ", &save); t && n < 6; t = strtok_r(NULL, " ", &save))
    f[n++] = t;
  char *end;
  if (n != 6 || strcmp(f[0], "entry") || !is_hex(f[1]) || !is_hex(f[2]) || !unescape(f[4]) || !unescape(f[5]))
    return false;
  unsigned long nd = strtoul(f[3], &end, 10);
  if (*end || nd > 100000)
    return false;
  memcpy(e->key, f[1], CLI_HEX_LEN);
  memcpy(e->pdf, f[2], CLI_HEX_LEN);
  e->output = cli_xstrdup(f[4]);
  e->input = cli_xstrdup(f[5]);
  e->ndeps = 0;
  e->deps = cli_xmalloc((nd ? nd : 1) * sizeof *e->deps);
  *want = nd;
  return true;
}

// 'parse_dep()' - Parse a "dep" line into the next dependency of E.
static bool parse_dep(char *line, cli_entry *e) {
  char *f[4];
  int n = 0;
  for (char *save = NULL, *t = strtok_r(line, " ", &save); t && n < 4; t = strtok_r(NULL, " ", &save))
    f[n++] = t;
  if (n != 4 || strcmp(f[0], "dep") || strlen(f[1]) != 1 || !strchr("ilf", f[1][0]) || !is_hex(f[2]) ||
      !unescape(f[3]) || f[3][0] != '/')
    return false;
  cli_dep *d = &e->deps[e->ndeps++];
  d->kind = f[1][0];
  memcpy(d->hash, f[2], CLI_HEX_LEN);
  d->path = cli_xstrdup(f[3]);
  return true;
}

// 'manifest_add()' - Append E (taken over) to the list (ITEMS, COUNT, CAP).
static void manifest_add(cli_entry **items, size_t *count, size_t *cap, cli_entry *e) {
  if (*count == *cap) {
    *cap = *cap ? 2 * *cap : 64;
    *items = cli_xrealloc(*items, *cap * sizeof **items);
  }
  (*items)[(*count)++] = *e;
  memset(e, 0, sizeof *e);
}

// 'manifest_parse()' - Parse TEXT (modified) into M's entries; false when damaged.
static bool manifest_parse(cli_manifest *m, char *text) {
  char *last = strstr(text, "\nend ");
  if (strncmp(text, "evalpdf-manifest 1\n", 19) || !last)
    return false;
  char sum[CLI_HEX_LEN];
  cli_sha256 s;
  cli_sha256_init(&s);
  cli_sha256_update(&s, text, (size_t)(last - text) + 1);
  cli_sha256_hex(&s, sum);
  if (strncmp(last + 5, sum, CLI_HEX_LEN - 1) || strcmp(last + 5 + CLI_HEX_LEN - 1, "\n"))
    return false;
  last[1] = 0;
  cli_entry e;
  memset(&e, 0, sizeof e);
  size_t want = 0;
  bool ok = true;
  char *save = NULL;
  strtok_r(text, "\n", &save); // the header line
  for (char *line = strtok_r(NULL, "\n", &save); line && ok; line = strtok_r(NULL, "\n", &save)) {
    if (e.input && e.ndeps < want)
      ok = parse_dep(line, &e);
    else {
      if (e.input)
        manifest_add(&m->items, &m->count, &m->cap, &e);
      ok = parse_entry(line, &e, &want);
    }
  }
  if (ok && e.input && e.ndeps == want)
    manifest_add(&m->items, &m->count, &m->cap, &e);
  else if (e.input || !ok) {
    cli_entry_free(&e);
    ok = false;
  }
  return ok;
}

// 'read_all()' - The whole file at PATH as a heap string, or NULL.
static char *read_all(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  cli_buf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    cli_buf_printf(&b, "%.*s", (int)n, chunk);
  fclose(f);
  return b.s ? b.s : cli_xstrdup("");
}

// 'manifest_load()' - (Re)read M's file into its entries.
static void manifest_load(cli_manifest *m) {
  for (size_t i = 0; i < m->count; i++)
    cli_entry_free(&m->items[i]);
  m->count = 0;
  m->damaged = false;
  char *text = read_all(m->file);
  if (text && !manifest_parse(m, text)) {
    for (size_t i = 0; i < m->count; i++)
      cli_entry_free(&m->items[i]);
    m->count = 0;
    m->damaged = true;
  }
  free(text);
}

// 'entry_input_cmp()' - qsort order of entries: by report path.
static int entry_input_cmp(const void *a, const void *b) {
  return strcmp(((const cli_entry *)a)->input, ((const cli_entry *)b)->input);
}

// 'cli_manifest_open()' - Read a folder's manifest, its entries sorted by
// report (cli_manifest_find() looks them up by bisection: a batch of
// thousands looks up each of its reports).
void cli_manifest_open(cli_manifest *m, const char *dir) {
  memset(m, 0, sizeof *m);
  m->dir = cli_xstrdup(dir);
  m->file = cli_path_join(dir, CLI_MANIFEST_NAME);
  pthread_mutex_init(&m->lock, NULL);
  manifest_load(m);
  if (m->count > 1) // qsort() may not be given the NULL list of an empty manifest
    qsort(m->items, m->count, sizeof *m->items, entry_input_cmp);
}

// 'cli_manifest_find()' - The entry of a report (one of them, should a file
// edited by hand name a report twice: the manifest's own saves never do).
const cli_entry *cli_manifest_find(const cli_manifest *m, const char *input) {
  size_t lo = 0, hi = m->count;
  while (lo < hi) { // the first entry not before INPUT
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(m->items[mid].input, input) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < m->count && !strcmp(m->items[lo].input, input) ? &m->items[lo] : NULL;
}

// 'cli_manifest_put()' - Record a new entry.
void cli_manifest_put(cli_manifest *m, cli_entry *e) {
  pthread_mutex_lock(&m->lock);
  manifest_add(&m->puts, &m->nputs, &m->capputs, e);
  pthread_mutex_unlock(&m->lock);
}

// 'entry_cmp()' - qsort order of entries: by output path.
static int entry_cmp(const void *a, const void *b) {
  return strcmp(((const cli_entry *)a)->output, ((const cli_entry *)b)->output);
}

// 'manifest_text()' - M's entries as the file's text (sorted by output). Heap string.
static char *manifest_text(cli_manifest *m) {
  if (m->count > 1) // may be empty (NULL): every report gone
    qsort(m->items, m->count, sizeof *m->items, entry_cmp);
  cli_buf b = {0};
  cli_buf_printf(&b, "evalpdf-manifest 1\n");
  for (size_t i = 0; i < m->count; i++) {
    const cli_entry *e = &m->items[i];
    cli_buf_printf(&b, "entry %s %s %zu ", e->key, e->pdf, e->ndeps);
    put_escaped(&b, e->output);
    cli_buf_printf(&b, " ");
    put_escaped(&b, e->input);
    cli_buf_printf(&b, "\n");
    for (size_t k = 0; k < e->ndeps; k++) {
      cli_buf_printf(&b, "dep %c %s ", e->deps[k].kind, e->deps[k].hash);
      put_escaped(&b, e->deps[k].path);
      cli_buf_printf(&b, "\n");
    }
  }
  char sum[CLI_HEX_LEN];
  cli_hash_string(b.s, sum);
  cli_buf_printf(&b, "end %s\n", sum);
  return b.s;
}

// 'write_file_atomic()' - Write TEXT to PATH through a temporary file and a
// rename; 0, or -1 with errno.
static int write_file_atomic(const char *path, const char *text) {
  char *tmp = cli_xasprintf("%s.XXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    free(tmp);
    return -1;
  }
  size_t len = strlen(text), off = 0;
  int rc = 0;
  while (off < len && rc == 0) {
    ssize_t n = write(fd, text + off, len - off);
    if (n < 0 && errno != EINTR)
      rc = -1;
    else if (n > 0)
      off += (size_t)n;
  }
  int e = errno;
  if (close(fd) != 0 && rc == 0)
    rc = -1, e = errno;
  if (rc == 0 && rename(tmp, path) != 0)
    rc = -1, e = errno;
  if (rc != 0)
    unlink(tmp);
  free(tmp);
  errno = e;
  return rc;
}

// 'entry_copy()' - A deep copy of E.
static cli_entry entry_copy(const cli_entry *e) {
  cli_entry c = *e;
  c.input = cli_xstrdup(e->input);
  c.output = cli_xstrdup(e->output);
  c.deps = cli_xmalloc((e->ndeps ? e->ndeps : 1) * sizeof *c.deps);
  for (size_t k = 0; k < e->ndeps; k++) {
    c.deps[k] = e->deps[k];
    c.deps[k].path = cli_xstrdup(e->deps[k].path);
  }
  return c;
}

// 'str_ptr_cmp()' - qsort/bsearch order of string pointers (bytes).
static int str_ptr_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

// 'cli_manifest_save()' - Merge and write the manifest under a folder lock.
int cli_manifest_save(cli_manifest *m, FILE *err) {
  pthread_mutex_lock(&m->lock); // workers record entries meanwhile (cli_manifest_put)
  if (m->nputs == 0) {
    pthread_mutex_unlock(&m->lock);
    return 0;
  }
  int dfd = open(m->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    while (flock(dfd, LOCK_EX) != 0 && errno == EINTR)
      ;
  // The file as it is now (other runs may have written it), read into a
  // list of its own: M's entries are the run's view from its start, which
  // the jobs point into, so they stay as they are.
  cli_manifest cur;
  memset(&cur, 0, sizeof cur);
  cur.file = m->file;
  manifest_load(&cur);
  // A recorded entry replaces the old one of its report and any other that
  // wrote the same PDF (looked up in sorted lists: a batch of thousands
  // saves often); entries of reports that are gone go too.
  const char **ins = cli_xmalloc(m->nputs * sizeof *ins), **outs = cli_xmalloc(m->nputs * sizeof *outs);
  for (size_t k = 0; k < m->nputs; k++) {
    ins[k] = m->puts[k].input;
    outs[k] = m->puts[k].output;
  }
  qsort(ins, m->nputs, sizeof *ins, str_ptr_cmp);
  qsort(outs, m->nputs, sizeof *outs, str_ptr_cmp);
  size_t keep = 0;
  for (size_t i = 0; i < cur.count; i++) {
    const cli_entry *e = &cur.items[i];
    if (bsearch(&e->input, ins, m->nputs, sizeof *ins, str_ptr_cmp) ||
        bsearch(&e->output, outs, m->nputs, sizeof *outs, str_ptr_cmp) || access(e->input, F_OK) != 0)
      cli_entry_free(&cur.items[i]);
    else
      cur.items[keep++] = cur.items[i];
  }
  cur.count = keep;
  free(ins);
  free(outs);
  for (size_t k = 0; k < m->nputs; k++)
    if (access(m->puts[k].input, F_OK) == 0) {
      cli_entry c = entry_copy(&m->puts[k]);
      manifest_add(&cur.items, &cur.count, &cur.cap, &c);
    }
  char *text = manifest_text(&cur);
  int rc = write_file_atomic(m->file, text);
  if (rc == 0) { // written: a later save reads them from the file
    for (size_t k = 0; k < m->nputs; k++)
      cli_entry_free(&m->puts[k]);
    m->nputs = 0;
  } else if (err) {
    fprintf(err, "evalpdf: error: cannot write %s: %s.\n", m->file, strerror(errno));
  }
  free(text);
  for (size_t i = 0; i < cur.count; i++)
    cli_entry_free(&cur.items[i]);
  free(cur.items);
  if (dfd >= 0)
    close(dfd); // releases the lock
  pthread_mutex_unlock(&m->lock);
  return rc;
}

// 'cli_manifest_close()' - Free M.
void cli_manifest_close(cli_manifest *m) {
  for (size_t i = 0; i < m->count; i++)
    cli_entry_free(&m->items[i]);
  for (size_t i = 0; i < m->nputs; i++)
    cli_entry_free(&m->puts[i]);
  free(m->items);
  free(m->puts);
  free(m->dir);
  free(m->file);
  pthread_mutex_destroy(&m->lock);
  memset(m, 0, sizeof *m);
}

// ---- Ctrl-C -------------------------------------------------------------
//
// The one piece of process-wide state in the CLI: a signal handler can only
// reach a static. The library has none.

static volatile sig_atomic_t interrupted;
static int signal_pipe[2] = {-1, -1};

// 'on_signal()' - First SIGINT/SIGTERM: note it and wake poll; second: die.
static void on_signal(int sig) {
  if (interrupted) {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  interrupted = 1;
  if (signal_pipe[1] >= 0) {
    int e = errno;
    ssize_t n = write(signal_pipe[1], "x", 1);
    (void)n;
    errno = e;
  }
}

// 'cli_signals_install()' - Install the handler.
void cli_signals_install(void) {
  if (signal_pipe[0] < 0 && pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    signal_pipe[0] = signal_pipe[1] = -1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

// 'cli_interrupted()' - Whether a signal arrived.
bool cli_interrupted(void) { return interrupted != 0; }

// 'cli_signal_fd()' - The read end of the signal pipe.
int cli_signal_fd(void) { return signal_pipe[0]; }

// 'env_abs()' - The value of environment variable NAME when it is an
// absolute path, else NULL.
static const char *env_abs(const char *name) {
  const char *v = getenv(name);
  return v && v[0] == '/' ? v : NULL;
}

// 'cli_env_options()' - The options the environment gives (see cli.h).
void cli_env_options(evalpdf_options *o, cli_env *env) {
  const char *data = getenv("EVALPDF_DATA");
  if (!o->data_dir && data && data[0]) {
    o->data_dir = data;
    o->data_dir_origin = "EVALPDF_DATA";
  }
  const char *home = env_abs("HOME"), *xdg_data = env_abs("XDG_DATA_HOME");
  const char *xdg_cache = env_abs("XDG_CACHE_HOME"), *xdg_config = env_abs("XDG_CONFIG_HOME");
  if (!o->user_layout_dir && (xdg_data || home)) {
    snprintf(env->user_layouts, sizeof env->user_layouts, "%s%s/evalpdf/layouts", xdg_data ? xdg_data : home,
             xdg_data ? "" : "/.local/share");
    o->user_layout_dir = env->user_layouts;
  }
  // fontconfig pointed elsewhere by its own variables: the cache, which
  // follows /etc/fonts, is not used.
  bool fc_moved = getenv("FONTCONFIG_FILE") || getenv("FONTCONFIG_PATH") || getenv("FONTCONFIG_SYSROOT");
  if (!o->font_cache_dir && !fc_moved && (xdg_cache || home)) {
    snprintf(env->cache, sizeof env->cache, "%s%s/evalpdf", xdg_cache ? xdg_cache : home, xdg_cache ? "" : "/.cache");
    o->font_cache_dir = env->cache;
  }
  if (!o->fontconfig_user_dir && (xdg_config || home)) {
    snprintf(env->fc_user, sizeof env->fc_user, "%s%s/fontconfig", xdg_config ? xdg_config : home,
             xdg_config ? "" : "/.config");
    o->fontconfig_user_dir = env->fc_user;
  }
  if (!o->home_dir)
    o->home_dir = home;
  // Font programs kept between runs, next to that cache (also while
  // fontconfig is pointed elsewhere: an entry follows its font file itself).
  const char *pc = getenv("EVALPDF_PROGRAM_CACHE");
  if (!o->program_cache_dir && !(pc && !strcmp(pc, "0")) && (xdg_cache || home)) {
    snprintf(env->programs, sizeof env->programs, "%s%s/evalpdf/programs", xdg_cache ? xdg_cache : home,
             xdg_cache ? "" : "/.cache");
    o->program_cache_dir = env->programs;
  }
}
