// Unit tests: font programs kept on disk between runs (progcache.c): a kept
// program (a deflate and its subset's length) reads back whole; any other
// key, a damaged or cut file, a file of the earlier format, or a read-only
// cache is a miss or writes nothing; the folder is pruned oldest first, and
// a program used lately survives. A damaged byte anywhere (the deflate, the
// key, the lengths, the checksum) is a miss.
#define _GNU_SOURCE
#include "progcache.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[PATH_MAX]; // a fresh temporary folder; the cache is BASE/c/programs
static char dir[PATH_MAX + 32];

static const ep_progcache_face face = {1, 2, 3000, 1700000000, 5, 1700000001, 6, 0};

// 'setup()' - A fresh BASE.
static void setup(void) {
  const char *t = getenv("TMPDIR");
  snprintf(base, sizeof base, "%s/evalpdf-progcache.XXXXXX", t && *t ? t : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(base));
  snprintf(dir, sizeof dir, "%s/c/programs", base);
}

// 'teardown()' - Remove BASE and everything in it.
static void teardown(void) {
  char cmd[PATH_MAX + 32];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
  ck_assert_int_eq(system(cmd), 0);
}

// A subset-like blob and its zlib deflate.
typedef struct prog {
  unsigned char raw[3000];
  unsigned char z[4000];
  size_t z_len;
} prog;

// 'make_prog()' - P's bytes from SEED, deflated.
static void make_prog(prog *p, unsigned seed) {
  for (size_t i = 0; i < sizeof p->raw; i++)
    p->raw[i] = (unsigned char)((i * 7 + seed * 13) % 251 + (i % 17 == 0 ? seed : 0));
  struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
  ck_assert_ptr_nonnull(c);
  p->z_len = libdeflate_zlib_compress(c, p->raw, sizeof p->raw, p->z, sizeof p->z);
  libdeflate_free_compressor(c);
  ck_assert_uint_gt(p->z_len, 0);
}

// 'entries()' - The number of kept programs (*.pc1) in DIR; *PATH the last one's.
static int entries(char *path, size_t size) {
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  int n = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    size_t len = strlen(e->d_name);
    if (len > 4 && !strcmp(e->d_name + len - 4, ".pc1")) {
      n++;
      if (path)
        snprintf(path, size, "%s/%s", dir, e->d_name);
    }
  }
  closedir(d);
  return n;
}

// 'hit()' - True when C holds FACE's program for CPS[0..N-1], equal to P.
static bool hit(ep_progcache *c, const ep_progcache_face *f, const uint32_t *cps, size_t n, const prog *p) {
  unsigned char *z;
  size_t raw_len, z_len;
  if (!ep_progcache_get(c, f, cps, n, &raw_len, &z, &z_len)) {
    ck_assert_ptr_null(z);
    ck_assert_uint_eq(raw_len, 0);
    ck_assert_uint_eq(z_len, 0);
    return false;
  }
  ck_assert_uint_eq(raw_len, sizeof p->raw);
  ck_assert_uint_eq(z_len, p->z_len);
  ck_assert_int_eq(memcmp(z, p->z, z_len), 0);
  free(z);
  return true;
}

START_TEST(no_folder_no_cache) {
  ck_assert_ptr_null(ep_progcache_new(NULL, "s", true));
  ck_assert_ptr_null(ep_progcache_new("", "s", true));
  ck_assert_ptr_null(ep_progcache_new("relative/dir", "s", true));
  unsigned char *z;
  size_t rl, zl;
  const uint32_t cps[] = {0x4E00};
  ck_assert(!ep_progcache_get(NULL, &face, cps, 1, &rl, &z, &zl));
  ep_progcache_put(NULL, &face, cps, 1, 1, (const unsigned char *)"x", 1); // ignored
}
END_TEST

START_TEST(kept_program_reads_back) {
  prog p;
  make_prog(&p, 1);
  const uint32_t cps[] = {0x20, 0x4E00, 0x4E2D, 0xFF0C};
  ep_progcache *c = ep_progcache_new(dir, "salt", true);
  ck_assert(!hit(c, &face, cps, 4, &p)); // nothing kept yet (and no folder)
  ep_progcache_put(c, &face, cps, 4, sizeof p.raw, p.z, p.z_len);
  ck_assert_int_eq(entries(NULL, 0), 1);
  ck_assert(hit(c, &face, cps, 4, &p));
  ep_progcache_free(c);
  c = ep_progcache_new(dir, "salt", false); // another run
  ck_assert(hit(c, &face, cps, 4, &p));
  ep_progcache_free(c);
  struct stat st;
  ck_assert_int_eq(stat(dir, &st), 0);
  ck_assert_uint_eq(st.st_mode & 0777, 0700);
  char path[PATH_MAX + 64];
  entries(path, sizeof path);
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_uint_eq(st.st_mode & 0777, 0600);
}
END_TEST

START_TEST(other_keys_miss) {
  prog p;
  make_prog(&p, 2);
  const uint32_t cps[] = {0x4E00, 0x4E2D, 0x6587};
  const uint32_t fewer[] = {0x4E00, 0x4E2D};
  const uint32_t other[] = {0x4E00, 0x4E2D, 0x6588};
  ep_progcache *c = ep_progcache_new(dir, "salt", true);
  ep_progcache_put(c, &face, cps, 3, sizeof p.raw, p.z, p.z_len);
  ck_assert(hit(c, &face, cps, 3, &p));
  ck_assert(!hit(c, &face, fewer, 2, &p));
  ck_assert(!hit(c, &face, other, 3, &p));
  ep_progcache_face f = face;
  f.mtime_ns++; // the font file changed
  ck_assert(!hit(c, &f, cps, 3, &p));
  f = face;
  f.index = 1; // another face of the collection
  ck_assert(!hit(c, &f, cps, 3, &p));
  f = face;
  f.ino++;
  ck_assert(!hit(c, &f, cps, 3, &p));
  ep_progcache *c2 = ep_progcache_new(dir, "another salt", true); // made another way
  ck_assert(!hit(c2, &face, cps, 3, &p));
  ep_progcache_free(c2);
  ep_progcache_free(c);
}
END_TEST

// 'damage()' - Rewrite the one kept file of DIR: byte AT flipped, or cut to
// CUT bytes (CUT >= 0).
static void damage(long at, long cut) {
  char path[PATH_MAX + 64];
  ck_assert_int_eq(entries(path, sizeof path), 1);
  int fd = open(path, O_RDWR);
  ck_assert_int_ge(fd, 0);
  struct stat st;
  ck_assert_int_eq(fstat(fd, &st), 0);
  if (cut >= 0) {
    ck_assert_int_eq(ftruncate(fd, cut), 0);
  } else {
    unsigned char b;
    off_t off = at < 0 ? st.st_size + at : at;
    ck_assert_int_eq(pread(fd, &b, 1, off), 1);
    b ^= 0x20;
    ck_assert_int_eq(pwrite(fd, &b, 1, off), 1);
  }
  close(fd);
}

START_TEST(damaged_files_miss) {
  prog p;
  make_prog(&p, 3);
  const uint32_t cps[] = {0x4E00, 0x4E01};
  // the checksum, the deflate, the subset's length, the deflate's length,
  // the magic, the key's length, a cut file, an empty one
  const long cases[][2] = {{-3, -1}, {-(long)p.z_len / 2, -1}, {-(long)p.z_len - 4 - 12, -1},
                           {-(long)p.z_len - 4 - 3, -1}, {0, -1}, {12, -1}, {-1, 40}, {-1, 0}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ep_progcache *c = ep_progcache_new(dir, "salt", true);
    ep_progcache_put(c, &face, cps, 2, sizeof p.raw, p.z, p.z_len);
    ck_assert(hit(c, &face, cps, 2, &p));
    damage(cases[i][0], cases[i][1]);
    ck_assert_msg(!hit(c, &face, cps, 2, &p), "damage case %zu was read as a hit", i);
    ep_progcache_free(c);
    char path[PATH_MAX + 64];
    entries(path, sizeof path);
    unlink(path);
  }
}
END_TEST

// An entry of the earlier format (EPPROG2: the subset beside the deflate),
// rewritten from a current one: a miss, and the next write replaces it.
START_TEST(earlier_format_misses) {
  prog p;
  make_prog(&p, 6);
  const uint32_t cps[] = {0x4E00, 0x4E8C};
  ep_progcache *c = ep_progcache_new(dir, "salt", true);
  ep_progcache_put(c, &face, cps, 2, sizeof p.raw, p.z, p.z_len);
  ck_assert(hit(c, &face, cps, 2, &p));
  char path[PATH_MAX + 64];
  ck_assert_int_eq(entries(path, sizeof path), 1);
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  unsigned char cur[8192];
  size_t n = fread(cur, 1, sizeof cur, f);
  fclose(f);
  ck_assert_uint_gt(n, 8 + 8 + 16 + p.z_len + 4);
  size_t fixed = n - p.z_len - 4; // magic, key length, key, the two lengths
  unsigned char old[16384];
  memcpy(old, cur, fixed);
  memcpy(old, "EPPROG2\n", 8);
  memcpy(old + fixed, p.raw, sizeof p.raw);
  memcpy(old + fixed + sizeof p.raw, p.z, p.z_len);
  size_t m = fixed + sizeof p.raw + p.z_len;
  uint32_t crc = libdeflate_crc32(0, old, m);
  memcpy(old + m, &crc, 4);
  f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(old, 1, m + 4, f), m + 4);
  fclose(f);
  ck_assert(!hit(c, &face, cps, 2, &p));
  ep_progcache_put(c, &face, cps, 2, sizeof p.raw, p.z, p.z_len);
  ck_assert_int_eq(entries(NULL, 0), 1);
  ck_assert(hit(c, &face, cps, 2, &p));
  ep_progcache_free(c);
}
END_TEST

START_TEST(read_only_writes_nothing) {
  prog p;
  make_prog(&p, 4);
  const uint32_t cps[] = {0x4E00};
  ep_progcache *c = ep_progcache_new(dir, "salt", false);
  ep_progcache_put(c, &face, cps, 1, sizeof p.raw, p.z, p.z_len);
  ck_assert(!hit(c, &face, cps, 1, &p));
  ep_progcache_free(c);
  struct stat st;
  ck_assert_int_ne(stat(dir, &st), 0); // not even the folder
}
END_TEST

// 'age_new_files()' - Give every kept file of DIR not aged yet (last used
// "now") the time of last use T seconds after 2020-09-13.
static void age_new_files(long t) {
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    char path[PATH_MAX + 300];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (e->d_name[0] == '.' || stat(path, &st) != 0 || st.st_mtim.tv_sec < 1650000000)
      continue;
    struct timespec ts[2] = {{0, UTIME_OMIT}, {1600000000 + t, 0}};
    ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
  }
  closedir(d);
}

START_TEST(pruned_oldest_first) {
  prog p;
  make_prog(&p, 5);
  ep_progcache *c = ep_progcache_new(dir, "salt", true);
  const int total = EP_PROGCACHE_MAX_FILES + 10;
  for (int i = 0; i < total; i++) { // entry i last used i seconds after the base
    uint32_t cp = 0x4E00 + (uint32_t)i;
    ep_progcache_put(c, &face, &cp, 1, sizeof p.raw, p.z, p.z_len);
    age_new_files(i);
  }
  ep_progcache_free(c); // one prune per object: at its first write, when the folder was empty
  ck_assert_int_eq(entries(NULL, 0), total);
  char stale[PATH_MAX + 64], fresh[PATH_MAX + 64];
  snprintf(stale, sizeof stale, "%s/.0000000000000000.1.0.tmp", dir);
  snprintf(fresh, sizeof fresh, "%s/.0000000000000001.1.0.tmp", dir);
  fclose(fopen(stale, "w"));
  fclose(fopen(fresh, "w"));
  struct timespec old[2] = {{0, UTIME_OMIT}, {1600000000, 0}};
  ck_assert_int_eq(utimensat(AT_FDCWD, stale, old, 0), 0);
  // A read through a read-only cache leaves entry 1 the oldest; one through a
  // writable cache makes entry 0 the newest.
  uint32_t e0 = 0x4E00, e1 = 0x4E01, e2 = 0x4E02, extra = 0x5000;
  c = ep_progcache_new(dir, "salt", false);
  ck_assert(hit(c, &face, &e1, 1, &p));
  ep_progcache_free(c);
  c = ep_progcache_new(dir, "salt", true);
  ck_assert(hit(c, &face, &e0, 1, &p));
  ep_progcache_put(c, &face, &extra, 1, sizeof p.raw, p.z, p.z_len); // its first write: prunes
  ep_progcache_free(c);
  int left = entries(NULL, 0);
  ck_assert_int_le(left, EP_PROGCACHE_MAX_FILES * 3 / 4);
  ck_assert_int_gt(left, EP_PROGCACHE_MAX_FILES / 2);
  c = ep_progcache_new(dir, "salt", false);
  ck_assert(hit(c, &face, &e0, 1, &p));     // read last: kept
  ck_assert(hit(c, &face, &extra, 1, &p));  // written last: kept
  ck_assert(!hit(c, &face, &e1, 1, &p));    // the oldest: removed
  ck_assert(!hit(c, &face, &e2, 1, &p));
  uint32_t last = 0x4E00 + (uint32_t)total - 1;
  ck_assert(hit(c, &face, &last, 1, &p));   // the newest of the rest: kept
  ep_progcache_free(c);
  ck_assert_int_ne(access(stale, F_OK), 0); // an hour old: removed
  ck_assert_int_eq(access(fresh, F_OK), 0); // perhaps another process's: kept
}
END_TEST

// 'suite()' - All tests.
static Suite *suite(void) {
  Suite *s = suite_create("progcache");
  TCase *t = tcase_create("core");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_set_timeout(t, 60);
  tcase_add_test(t, no_folder_no_cache);
  tcase_add_test(t, kept_program_reads_back);
  tcase_add_test(t, other_keys_miss);
  tcase_add_test(t, damaged_files_miss);
  tcase_add_test(t, earlier_format_misses);
  tcase_add_test(t, read_only_writes_nothing);
  tcase_add_test(t, pruned_oldest_first);
  suite_add_tcase(s, t);
  return s;
}

int main(void) {
  SRunner *r = srunner_create(suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
