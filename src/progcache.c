// Font programs kept on disk between runs (see progcache.h).
//
// One file per entry, "<hash>.pc1" (the hash of its key, 16 hex digits):
//   "EPPROG3\n", the key's length (u64) and the key (the program's identity,
//   the face's, the number of characters and the code points), the subset's
//   and the deflate's lengths (u64 each), the zlib-format deflate, and the
//   CRC-32 of everything before it (u32). (An "EPPROG2" file, which held the
//   subset too, is a miss, and is replaced.)
// Numbers are in the machine's byte order: a file written by another kind of
// machine does not match its key.
#define _GNU_SOURCE 1 // dladdr1(), RTLD_DL_LINKMAP
#include "progcache.h"

#include "util.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <libdeflate.h>

#define MAGIC "EPPROG3\n"
#define SUFFIX ".pc1"
#define MAX_FILE ((size_t)256 << 20) // a larger file is not read
#define MAX_RAW ((uint64_t)1 << 30)    // nor one that claims a larger subset
#define STALE_TMP_S 3600               // an unfinished temporary this old is removed

struct ep_progcache {
  char *dir;
  char *salt;
  bool write;
  pthread_mutex_t lock; // guards what follows
  int ident_state;      // 0 not computed, 1 computed, -1 the program cannot be identified (no cache)
  ep_buf ident;         // the program's identity: salt and the files holding its code
  bool pruned;          // this object has looked at the folder's size once
  unsigned long tmp_seq; // temporaries' names
};

// 'ep_progcache_new()' - A cache in DIR (see progcache.h).
ep_progcache *ep_progcache_new(const char *dir, const char *salt, bool write) {
  if (!dir || dir[0] != '/')
    return NULL;
  ep_progcache *c = ep_xcalloc(1, sizeof *c);
  c->dir = ep_xstrdup(dir);
  c->salt = ep_xstrdup(salt ? salt : "");
  c->write = write;
  pthread_mutex_init(&c->lock, NULL);
  ep_buf_init(&c->ident);
  return c;
}

// 'ep_progcache_free()' - Free C.
void ep_progcache_free(ep_progcache *c) {
  if (!c)
    return;
  free(c->dir);
  free(c->salt);
  ep_buf_free(&c->ident);
  pthread_mutex_destroy(&c->lock);
  free(c);
}

// 'put_u64()' - Append V to B in the machine's byte order.
static void put_u64(ep_buf *b, uint64_t v) { ep_buf_put(b, (const char *)&v, sizeof v); }

// 'code_file()' - Append to B the identity of the file holding the code at
// ADDR (device, inode, size, modification time), unless a file already
// named in B's FILES (N of them, by device and inode) holds it too. False
// when the file cannot be told.
static bool code_file(ep_buf *b, const void *addr, dev_t *devs, ino_t *inos, size_t *n) {
  Dl_info info;
  struct link_map *map = NULL;
  if (!dladdr1(addr, &info, (void **)&map, RTLD_DL_LINKMAP) || !map)
    return false;
  // The program itself has no name in its link map: its file is /proc/self/exe.
  const char *path = map->l_name && map->l_name[0] ? map->l_name : "/proc/self/exe";
  struct stat st;
  if (stat(path, &st) != 0)
    return false;
  for (size_t i = 0; i < *n; i++)
    if (devs[i] == st.st_dev && inos[i] == st.st_ino)
      return true;
  devs[*n] = st.st_dev;
  inos[*n] = st.st_ino;
  (*n)++;
  put_u64(b, (uint64_t)st.st_dev);
  put_u64(b, (uint64_t)st.st_ino);
  put_u64(b, (uint64_t)st.st_size);
  put_u64(b, (uint64_t)st.st_mtim.tv_sec);
  put_u64(b, (uint64_t)st.st_mtim.tv_nsec);
  return true;
}

// 'fn_addr()' - The address of function F as dladdr() takes it (POSIX: a
// function pointer converts to void *; copied bytewise so ISO C's rule on
// object and function pointers is not broken).
#define fn_addr(f) fn_addr_of((void (*)(void))(f))
static const void *fn_addr_of(void (*f)(void)) {
  const void *p;
  _Static_assert(sizeof p == sizeof f, "function and object pointers have one size");
  memcpy(&p, &f, sizeof p);
  return p;
}

// 'program_ident()' - C's program identity, computed on first use: false
// when the files holding the code cannot be told (then nothing is cached).
static bool program_ident(ep_progcache *c) {
  pthread_mutex_lock(&c->lock);
  if (c->ident_state == 0) {
    ep_buf_puts(&c->ident, c->salt);
    ep_buf_putc(&c->ident, 0);
    dev_t devs[3];
    ino_t inos[3];
    size_t n = 0;
    bool ok = code_file(&c->ident, fn_addr(ep_progcache_new), devs, inos, &n) &&
              code_file(&c->ident, fn_addr(libdeflate_zlib_compress), devs, inos, &n) &&
              code_file(&c->ident, fn_addr(FT_Get_Char_Index), devs, inos, &n);
    c->ident_state = ok ? 1 : -1;
  }
  bool ok = c->ident_state == 1;
  pthread_mutex_unlock(&c->lock);
  return ok;
}

// 'make_key()' - The key of FACE's program for CPS[0..N-1] into K (C's
// identity known), and its hash.
static uint64_t make_key(const ep_progcache *c, const ep_progcache_face *face, const uint32_t *cps, size_t n,
                         ep_buf *k) {
  ep_buf_put(k, c->ident.data, c->ident.len);
  const uint64_t f[] = {face->dev,      face->ino,               face->size,     (uint64_t)face->mtime_s,
                        (uint64_t)face->mtime_ns, (uint64_t)face->ctime_s, (uint64_t)face->ctime_ns, face->index,
                        (uint64_t)n};
  for (size_t i = 0; i < sizeof f / sizeof *f; i++)
    put_u64(k, f[i]);
  ep_buf_put(k, (const char *)cps, n * sizeof *cps);
  uint64_t h = 0xcbf29ce484222325u; // FNV-1a: a name, not a check (the key is compared whole)
  for (size_t i = 0; i < k->len; i++) {
    h ^= (unsigned char)k->data[i];
    h *= 0x100000001b3u;
  }
  return h;
}

// 'entry_path()' - C's file for hash H into BUF; false when it does not fit.
static bool entry_path(const ep_progcache *c, uint64_t h, char *buf, size_t size) {
  return (size_t)snprintf(buf, size, "%s/%016llx" SUFFIX, c->dir, (unsigned long long)h) < size;
}

// 'ep_progcache_get()' - A kept program (see progcache.h).
bool ep_progcache_get(ep_progcache *c, const ep_progcache_face *face, const uint32_t *cps, size_t n,
                      size_t *raw_len, unsigned char **z, size_t *z_len) {
  *z = NULL;
  *raw_len = *z_len = 0;
  if (!c || !face || (n && !cps) || !program_ident(c))
    return false;
  ep_buf key;
  ep_buf_init(&key);
  char path[4096];
  uint64_t h = make_key(c, face, cps, n, &key);
  int fd = entry_path(c, h, path, sizeof path) ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
  size_t size = 0;
  unsigned char *buf = fd >= 0 ? ep_read_fd(fd, MAX_FILE, &size) : NULL; // a regular file, whole
  const size_t head = sizeof MAGIC - 1 + 8, fixed = head + key.len + 16; // + the two lengths
  bool ok = buf && size > fixed + 4;
  uint64_t klen = 0, rlen = 0, zlen = 0;
  if (ok) {
    memcpy(&klen, buf + sizeof MAGIC - 1, 8);
    uint32_t crc;
    memcpy(&crc, buf + size - 4, 4);
    ok = !memcmp(buf, MAGIC, sizeof MAGIC - 1) && klen == key.len && !memcmp(buf + head, key.data, key.len) &&
         libdeflate_crc32(0, buf, size - 4) == crc;
  }
  if (ok) {
    memcpy(&rlen, buf + head + key.len, 8);
    memcpy(&zlen, buf + head + key.len + 8, 8);
    ok = rlen > 0 && rlen <= MAX_RAW && zlen > 0 && zlen <= size && fixed + zlen + 4 == size;
  }
  if (ok) {
    *raw_len = (size_t)rlen;
    *z_len = (size_t)zlen;
    memmove(buf, buf + fixed, *z_len);
    *z = ep_xrealloc(buf, *z_len); // shrinks in place
    buf = NULL;
    if (c->write)
      (void)futimens(fd, NULL); // used now: the last to be removed
  }
  if (fd >= 0)
    close(fd);
  free(buf);
  ep_buf_free(&key);
  return ok;
}

// One file of the folder, for prune().
typedef struct pc_file {
  struct timespec mtime;
  off_t size;
  char name[64];
} pc_file;

// 'pc_file_cmp()' - qsort() order of pc_file: newest first.
static int pc_file_cmp(const void *a, const void *b) {
  const pc_file *x = a, *y = b;
  if (x->mtime.tv_sec != y->mtime.tv_sec)
    return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
  if (x->mtime.tv_nsec != y->mtime.tv_nsec)
    return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
  return strcmp(x->name, y->name);
}

// 'prune()' - Remove C's oldest entries (by last use) past
// EP_PROGCACHE_MAX_FILES or EP_PROGCACHE_MAX_BYTES, down to three quarters
// of both, and temporaries left unfinished over an hour ago.
static void prune(const ep_progcache *c) {
  int dfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
  if (!d) {
    if (dfd >= 0)
      close(dfd);
    return;
  }
  pc_file *v = NULL;
  size_t n = 0, cap = 0;
  uint64_t total = 0;
  time_t now = time(NULL);
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    size_t len = strlen(e->d_name);
    bool entry = len > strlen(SUFFIX) && len < sizeof v->name && !strcmp(e->d_name + len - strlen(SUFFIX), SUFFIX);
    bool tmp = e->d_name[0] == '.' && len > 4 && !strcmp(e->d_name + len - 4, ".tmp");
    struct stat st;
    if ((!entry && !tmp) || fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
      continue;
    if (tmp) {
      if (now - st.st_mtim.tv_sec > STALE_TMP_S)
        (void)unlinkat(dfd, e->d_name, 0);
      continue;
    }
    if (n == cap)
      v = ep_xrealloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);
    v[n].mtime = st.st_mtim;
    v[n].size = st.st_size;
    memcpy(v[n].name, e->d_name, len + 1);
    total += (uint64_t)st.st_size;
    n++;
  }
  if (n > EP_PROGCACHE_MAX_FILES || total > EP_PROGCACHE_MAX_BYTES) {
    qsort(v, n, sizeof *v, pc_file_cmp);
    while (n > 0 && (n > EP_PROGCACHE_MAX_FILES * 3 / 4 || total > EP_PROGCACHE_MAX_BYTES / 4 * 3)) {
      n--;
      total -= (uint64_t)v[n].size;
      (void)unlinkat(dfd, v[n].name, 0);
    }
  }
  free(v);
  closedir(d);
}

// 'ep_progcache_put()' - Keep a program (see progcache.h).
void ep_progcache_put(ep_progcache *c, const ep_progcache_face *face, const uint32_t *cps, size_t n,
                      size_t raw_len, const unsigned char *z, size_t z_len) {
  if (!c || !c->write || !face || (n && !cps) || !raw_len || raw_len > MAX_RAW || !z || !z_len ||
      !program_ident(c))
    return;
  ep_buf key;
  ep_buf_init(&key);
  uint64_t h = make_key(c, face, cps, n, &key);
  pthread_mutex_lock(&c->lock);
  unsigned long seq = c->tmp_seq++;
  bool prune_now = !c->pruned;
  c->pruned = true;
  pthread_mutex_unlock(&c->lock);
  char path[4096], tmp[4096];
  bool ok = entry_path(c, h, path, sizeof path) &&
            (size_t)snprintf(tmp, sizeof tmp, "%s/.%016llx.%ld.%lu.tmp", c->dir, (unsigned long long)h,
                             (long)getpid(), seq) < sizeof tmp &&
            ep_make_dir(c->dir);
  if (ok) {
    uint64_t klen = key.len, rlen = raw_len, zlen = z_len;
    const void *parts[] = {MAGIC, &klen, key.data, &rlen, &zlen, z, NULL};
    size_t lens[] = {sizeof MAGIC - 1, 8, key.len, 8, 8, z_len, 4};
    uint32_t crc = 0;
    for (size_t i = 0; i + 1 < sizeof parts / sizeof *parts; i++)
      crc = libdeflate_crc32(crc, parts[i], lens[i]);
    parts[6] = &crc; // the CRC-32 of everything before it
    (void)ep_write_private(tmp, path, parts, lens, sizeof parts / sizeof *parts);
  }
  ep_buf_free(&key);
  if (prune_now)
    prune(c);
}
