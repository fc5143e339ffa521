// Unit tests: confined opening (openat2 and the O_NOFOLLOW walk), lexical
// path normalisation, reading from a descriptor, output files, and code
// point sets (util.c).
#define _GNU_SOURCE
#include "thread.h"
#include "util.h"

#include <check.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char base[PATH_MAX]; // TMP/t: root/ and outside/ inside it

// 'put()' - Write TEXT to file BASE/REL.
static void put(const char *rel, const char *text) {
  char p[PATH_MAX + 64];
  snprintf(p, sizeof p, "%s/%s", base, rel);
  FILE *f = fopen(p, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

// 'at()' - BASE/REL in a static buffer (one at a time).
static const char *at(const char *rel) {
  static char p[PATH_MAX + 64];
  snprintf(p, sizeof p, "%s/%s", base, rel);
  return p;
}

// 'setup()' - root/{a/f.xml, in -> a, out -> ../outside, abs -> /etc, absin -> BASE/root/a,
// loop -> loop, fifo} and outside/secret.xml.
static void setup(void) {
  const char *t = getenv("TMPDIR");
  snprintf(base, sizeof base, "%s/evalpdf-confine.XXXXXX", t && *t ? t : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(base));
  char *r = realpath(base, NULL);
  snprintf(base, sizeof base, "%s", r);
  free(r);
  mkdir(at("root"), 0700);
  mkdir(at("root/a"), 0700);
  mkdir(at("outside"), 0700);
  put("root/a/f.xml", "inside");
  put("outside/secret.xml", "secret");
  ck_assert_int_eq(symlink("a", at("root/in")), 0);
  ck_assert_int_eq(symlink("../outside", at("root/out")), 0);
  ck_assert_int_eq(symlink("/etc", at("root/abs")), 0);
  char target[PATH_MAX + 64];
  snprintf(target, sizeof target, "%s/root/a", base);
  ck_assert_int_eq(symlink(target, at("root/absin")), 0);
  ck_assert_int_eq(symlink("loop", at("root/loop")), 0);
  ck_assert_int_eq(mkfifo(at("root/fifo"), 0600), 0);
}

// 'teardown()' - Remove the tree.
static void teardown(void) {
  char cmd[PATH_MAX + 32];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
  ck_assert_int_eq(system(cmd), 0);
}

// 'try_open()' - Open REL beneath root with the walk (WALK) or ep_open_beneath;
// the file's text, or "E<errno>" on failure.
static const char *try_open(const char *rel, bool walk) {
  static char out[64];
  int root = open(at("root"), O_PATH | O_DIRECTORY | O_CLOEXEC);
  ck_assert_int_ge(root, 0);
  int fd = walk ? ep_open_beneath_walk(root, rel) : ep_open_beneath(root, rel);
  int e = errno;
  close(root);
  if (fd < 0) {
    snprintf(out, sizeof out, "E%d", e);
    return out;
  }
  size_t len = 0;
  unsigned char *buf = ep_read_fd(fd, 1000, &len);
  e = errno;
  close(fd);
  if (!buf) {
    snprintf(out, sizeof out, "R%d", e);
    return out;
  }
  snprintf(out, sizeof out, "%s", (char *)buf);
  free(buf);
  return out;
}

// 'expect_both()' - Both the kernel path and the walk give WANT for REL.
static void expect_both(const char *rel, const char *want) {
  ck_assert_msg(!strcmp(try_open(rel, false), want), "openat2 %s: %s, expected %s", rel, try_open(rel, false), want);
  ck_assert_msg(!strcmp(try_open(rel, true), want), "walk %s: %s, expected %s", rel, try_open(rel, true), want);
}

START_TEST(test_beneath_inside) {
  expect_both("a/f.xml", "inside");
  expect_both("./a//f.xml", "inside");
  expect_both("in/f.xml", "inside");       // a relative link that stays inside
  expect_both("a/../a/f.xml", "inside");
}
END_TEST

START_TEST(test_beneath_escapes) {
  char exdev[16];
  snprintf(exdev, sizeof exdev, "E%d", EXDEV);
  expect_both("../outside/secret.xml", exdev);
  expect_both("a/../../outside/secret.xml", exdev);
  expect_both("out/secret.xml", exdev);     // relative link out
  expect_both("out/no-such.xml", exdev);    // the same answer when the target does not exist
  expect_both("abs/passwd", exdev);         // absolute link
  expect_both("absin/f.xml", exdev);        // absolute links are refused even when they point inside
}
END_TEST

START_TEST(test_beneath_other_failures) {
  char enoent[16], eloop[16], rinval[16], risdir[16];
  snprintf(enoent, sizeof enoent, "E%d", ENOENT);
  snprintf(eloop, sizeof eloop, "E%d", ELOOP);
  snprintf(rinval, sizeof rinval, "R%d", EINVAL);
  snprintf(risdir, sizeof risdir, "R%d", EISDIR);
  expect_both("a/no-such.xml", enoent);
  expect_both("loop/x", eloop);
  expect_both("fifo", rinval); // opened without blocking, refused by fstat
  ck_assert_str_eq(try_open("a", false), risdir);
}
END_TEST

START_TEST(test_normalize) {
  char *p = ep_path_normalize("/r/d", "x/../y/./z.xml");
  ck_assert_str_eq(p, "/r/d/y/z.xml");
  free(p);
  p = ep_path_normalize("/r/d", "../../../../etc/passwd");
  ck_assert_str_eq(p, "/etc/passwd");
  free(p);
  p = ep_path_normalize("/ignored", "/a//b/");
  ck_assert_str_eq(p, "/a/b");
  free(p);
  ck_assert_str_eq(ep_path_under("/r/d/x.xml", "/r/d"), "x.xml");
  ck_assert_ptr_null(ep_path_under("/r/dd/x.xml", "/r/d"));
  ck_assert_str_eq(ep_path_under("/r/x", "/"), "r/x");
}
END_TEST

START_TEST(test_confined) {
  char *abs = NULL;
  int fd, e;
  char root[PATH_MAX + 64];
  snprintf(root, sizeof root, "%s/root", base);
  ck_assert_int_eq(ep_open_confined(root, root, "a/f.xml", &abs, &fd, &e), EP_CONFINED_OK);
  close(fd);
  free(abs);
  ck_assert_int_eq(ep_open_confined(root, root, "../outside/secret.xml", &abs, &fd, &e), EP_CONFINED_OUTSIDE);
  free(abs);
  ck_assert_int_eq(ep_open_confined(root, root, "/etc/passwd", &abs, &fd, &e), EP_CONFINED_OUTSIDE);
  free(abs);
  ck_assert_int_eq(ep_open_confined(root, root, "out/secret.xml", &abs, &fd, &e), EP_CONFINED_OUTSIDE);
  free(abs);
  ck_assert_int_eq(ep_open_confined(root, root, "a/none.xml", &abs, &fd, &e), EP_CONFINED_FAILED);
  ck_assert_int_eq(e, ENOENT);
  free(abs);
}
END_TEST

START_TEST(test_read_limit) {
  int fd = open(at("root/a/f.xml"), O_RDONLY);
  size_t len;
  ck_assert_ptr_null(ep_read_fd(fd, 3, &len));
  ck_assert_int_eq(errno, EFBIG);
  close(fd);
}
END_TEST

// 'count_entries()' - Entries of folder REL (without . and ..).
static int count_entries(const char *rel) {
  for (int n = 0; n < 10; n++) {
    char c[PATH_MAX + 200];
    snprintf(c, sizeof c, "test $(ls -A '%s' | wc -l) -eq %d", at(rel), n);
    if (system(c) == 0)
      return n;
  }
  return -1;
}

// 'assert_content()' - PATH holds the text WANT.
static void assert_content(const char *path, const char *want) {
  int fd = open(path, O_RDONLY);
  size_t len;
  unsigned char *b = ep_read_fd(fd, 100, &len);
  close(fd);
  ck_assert_str_eq((char *)b, want);
  free(b);
}

START_TEST(test_outfile) {
  mkdir(at("o"), 0700);
  put("o/out.pdf", "old");
  char target[PATH_MAX + 64];
  snprintf(target, sizeof target, "%s/o/out.pdf", base);
  ep_outfile o;
  ck_assert_int_eq(ep_outfile_open(&o, target, NULL), 0);
  ck_assert_int_eq(ep_write_all(o.fd, "half", 4), 0);
  ep_outfile_abandon(&o); // the old file stays, nothing else
  ck_assert_int_eq(count_entries("o"), 1);
  ck_assert_int_eq(ep_outfile_open(&o, target, NULL), 0);
  ck_assert_int_eq(ep_write_all(o.fd, "new", 3), 0);
  ck_assert_int_eq(ep_outfile_commit(&o), 0);
  ck_assert_int_eq(count_entries("o"), 1);
  assert_content(target, "new");
  // a named temporary of a process that is gone is removed by the next open
  put("o/.out.pdf.evalpdf-999999999-123456", "stale");
  put("o/.other.evalpdf-notapid-123456", "kept");
  ck_assert_int_eq(ep_outfile_open(&o, target, NULL), 0);
  // not before the first bytes are written (an empty temporary of a killed
  // writer is kept a minute): the folder is read after that write
  ck_assert_int_eq(access(at("o/.out.pdf.evalpdf-999999999-123456"), F_OK), 0);
  ck_assert_int_eq(ep_write_all(o.fd, "x", 1), 0);
  ep_outfile_sweep(&o);
  ep_outfile_abandon(&o);
  ck_assert_int_eq(access(at("o/.out.pdf.evalpdf-999999999-123456"), F_OK), -1);
  ck_assert_int_eq(access(at("o/.other.evalpdf-notapid-123456"), F_OK), 0);
}
END_TEST

// With a set of swept folders, a folder's stale temporaries are removed by
// the first output there and not read again by the next ones until
// EP_SWEEP_SECONDS have passed; another folder is swept on its own first
// output, and a folder the set has forgotten (more than EP_SWEEP_SLOTS newer
// ones) is swept again.
START_TEST(test_outfile_sweeps) {
  mkdir(at("s"), 0700);
  mkdir(at("t"), 0700);
  char target[PATH_MAX + 64], other[PATH_MAX + 64];
  snprintf(target, sizeof target, "%s/s/out.pdf", base);
  snprintf(other, sizeof other, "%s/t/out.pdf", base);
  const char *stale = "s/.out.pdf.evalpdf-999999999-abcdef", *stale_t = "t/.out.pdf.evalpdf-999999998-abcdef";
  ep_sweeps sw;
  ep_sweeps_init(&sw);
  ep_outfile o;
  put(stale, "stale");
  ck_assert_int_eq(ep_outfile_open(&o, target, &sw), 0);
  ep_outfile_sweep(&o);
  ep_outfile_abandon(&o);
  ck_assert_int_eq(access(at(stale), F_OK), -1); // the first output sweeps
  put(stale, "stale");
  put(stale_t, "stale");
  ck_assert_int_eq(ep_outfile_open(&o, target, &sw), 0);
  ep_outfile_sweep(&o);
  ep_outfile_abandon(&o);
  ck_assert_int_eq(access(at(stale), F_OK), 0); // swept lately: not read again
  ck_assert_int_eq(ep_outfile_open(&o, other, &sw), 0);
  ep_outfile_sweep(&o);
  ep_outfile_abandon(&o);
  ck_assert_int_eq(access(at(stale_t), F_OK), -1); // another folder: swept
  for (unsigned i = 0; i < EP_SWEEP_SLOTS; i++) // a minute later
    sw.at[i] -= EP_SWEEP_SECONDS;
  ck_assert_int_eq(ep_outfile_open(&o, target, &sw), 0);
  ep_outfile_sweep(&o);
  ck_assert_int_eq(ep_write_all(o.fd, "new", 3), 0);
  ck_assert_int_eq(ep_outfile_commit(&o), 0);
  ck_assert_int_eq(access(at(stale), F_OK), -1);
  // EP_SWEEP_SLOTS other folders push "s" out of the set: it is swept again
  put(stale, "stale");
  for (unsigned i = 0; i < EP_SWEEP_SLOTS; i++) {
    char rel[32], path[PATH_MAX + 64];
    snprintf(rel, sizeof rel, "s%u", i);
    mkdir(at(rel), 0700);
    snprintf(path, sizeof path, "%s/%s/x.pdf", base, rel);
    ck_assert_int_eq(ep_outfile_open(&o, path, &sw), 0);
    ep_outfile_sweep(&o);
    ep_outfile_abandon(&o);
  }
  ck_assert_int_eq(access(at(stale), F_OK), 0);
  ck_assert_int_eq(ep_outfile_open(&o, target, &sw), 0);
  ep_outfile_sweep(&o);
  ep_outfile_abandon(&o);
  ck_assert_int_eq(access(at(stale), F_OK), -1);
  ep_sweeps_free(&sw);
}
END_TEST

// 'bump_later()' - Thread body: add 1 to the atomic_uint ARG after 2 ms.
static void *bump_later(void *arg) {
  struct timespec d = {0, 2000000};
  nanosleep(&d, NULL);
  atomic_fetch_add((atomic_uint *)arg, 1);
  return NULL;
}

// 'now_ns()' - CLOCK_MONOTONIC in nanoseconds.
static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

// An awake wait: false only after its time limit, true as soon as the value
// differs (at once when it already does), and it sees another thread's change.
START_TEST(test_spin_while) {
  atomic_uint v = 7;
  long long t0 = now_ns();
  ck_assert(!ep_spin_while(&v, 7, 3000000));
  ck_assert_int_ge(now_ns() - t0, 3000000);
  ck_assert(ep_spin_while(&v, 6, 3000000));
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, bump_later, &v), 0);
  ck_assert(ep_spin_while(&v, 7, 60000000000L)); // a minute: the change comes first
  ck_assert_uint_eq(atomic_load(&v), 8);         // and it returned because of it
  pthread_join(t, NULL);
}
END_TEST

// The release of a replaced file: counted and optionally refused thread starts.
static int starts, last_fd, refuse_start;

// 'counting_start()' - ep_sweeps' START: count, remember ARG (a descriptor,
// for a thread started with one), maybe refuse.
static int counting_start(pthread_t *t, void *(*fn)(void *), void *arg) {
  starts++;
  last_fd = (int)(intptr_t)arg;
  return refuse_start ? EAGAIN : pthread_create(t, NULL, fn, arg);
}

// 'open_fds()' - How many descriptors this process has open (its listing's own included).
static int open_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  ck_assert_ptr_nonnull(d);
  int n = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

// Replacing an existing output starts the sweeps' releasing thread when the
// new version is opened (ep_outfile_open() calls ep_sweeps_ready()), and
// hands it the old file's last reference when the new one is put in place;
// it has closed it once the set is freed. A new output has nothing to
// release; a thread that cannot start means the reference is closed at
// once; a thread started ahead that gets no file ends when the set is
// freed. The new content is in place each time.
START_TEST(test_outfile_release) {
  mkdir(at("r"), 0700);
  char target[PATH_MAX + 64];
  snprintf(target, sizeof target, "%s/r/out.pdf", base);
  ep_sweeps sw;
  ep_sweeps_init(&sw);
  sw.start = counting_start;
  starts = 0;
  refuse_start = 0;
  ep_outfile o;
  ck_assert_int_eq(ep_outfile_open(&o, target, &sw), 0); // a new file
  ck_assert_int_eq(ep_write_all(o.fd, "one", 3), 0);
  ck_assert_int_eq(ep_outfile_commit(&o), 0);
  ck_assert_int_eq(starts, 0);
  int fds = open_fds();
  ck_assert_int_eq(ep_outfile_open(&o, target, &sw), 0); // replaces it
  ck_assert_int_eq(starts, 1);                           // the releaser waits already
  ck_assert_int_eq(ep_write_all(o.fd, "two", 3), 0);
  ck_assert_int_eq(ep_outfile_commit(&o), 0);
  ck_assert_int_eq(starts, 1); // and took the old file
  ep_sweeps_free(&sw);
  ck_assert_int_eq(open_fds(), fds); // closed by the thread
  assert_content(target, "two");
  ep_sweeps_init(&sw); // started ahead, no file: freeing the set ends it
  sw.start = counting_start;
  ep_sweeps_ready(&sw);
  ep_sweeps_ready(&sw); // one waits already: nothing more
  ck_assert_int_eq(starts, 2);
  ep_sweeps_free(&sw);
  ep_sweeps_init(&sw);
  sw.start = counting_start;
  refuse_start = 1;
  ck_assert_int_eq(ep_outfile_open(&o, target, &sw), 0); // refused ahead
  ck_assert_int_eq(starts, 3);
  ck_assert_int_eq(ep_write_all(o.fd, "three", 5), 0);
  ck_assert_int_eq(ep_outfile_commit(&o), 0);
  ck_assert_int_eq(starts, 4); // refused again with the descriptor
  ck_assert_int_eq(fcntl(last_fd, F_GETFD), -1); // closed at once
  ck_assert_int_eq(count_entries("r"), 1);
  ep_sweeps_free(&sw);
  refuse_start = 0;
}
END_TEST

// A code point set against a plain bitmap: members at the edges of its
// blocks and of Unicode, values beyond U+10FFFF ignored, repeats reported as
// not new, and the members kept in the order they were first added.
START_TEST(test_cpset) {
  static unsigned char ref[0x110000 / 8];
  memset(ref, 0, sizeof ref);
  ep_cpset s = {0};
  uint32_t order[5000];
  size_t n = 0;
  const uint32_t edges[] = {0, 1, 0xFFF, 0x1000, 0x1FFF, 0x4E00, 0x9FFF, 0xFFFF, 0x10000, 0x20000, 0x10FFFF, 0x1000};
  uint32_t x = 12345;
  for (size_t i = 0; i < 4000; i++) {
    uint32_t cp;
    if (i < sizeof edges / sizeof *edges)
      cp = edges[i];
    else {
      x = x * 1103515245u + 12345u;
      cp = (x >> 8) % 3 == 0 ? 0x4E00 + (x >> 12) % 3000 : (x >> 4) % 0x110000; // many repeats in one block
    }
    bool fresh = !(ref[cp / 8] & (1u << (cp % 8)));
    ck_assert_int_eq(ep_cpset_add(&s, cp), fresh);
    if (fresh) {
      ref[cp / 8] |= (unsigned char)(1u << (cp % 8));
      order[n++] = cp;
    }
  }
  ck_assert(!ep_cpset_add(&s, 0x110000));
  ck_assert(!ep_cpset_add(&s, UINT32_MAX));
  ck_assert_uint_eq(s.n, n);
  for (size_t i = 0; i < n; i++)
    ck_assert_uint_eq(s.cps[i], order[i]);
  // Sorted in place (read from the bitmap): still the same set, a later member appended.
  qsort(order, n, sizeof *order, ep_cmp_u32);
  ep_cpset_sort(&s);
  ck_assert_uint_eq(s.n, n);
  for (size_t i = 0; i < n; i++)
    ck_assert_uint_eq(s.cps[i], order[i]);
  ck_assert(!ep_cpset_add(&s, order[n / 2]));
  uint32_t late = 0x2FFFF; // not among the random members above (their own check proves it)
  bool late_new = !(ref[late / 8] & (1u << (late % 8)));
  ck_assert_int_eq(ep_cpset_add(&s, late), late_new);
  if (late_new) {
    ck_assert_uint_eq(s.cps[n], late);
    order[n++] = late;
    qsort(order, n, sizeof *order, ep_cmp_u32);
  }
  // Taken sorted: every member once, ascending, the set emptied.
  size_t taken_n = 0;
  uint32_t *taken = ep_cpset_take_sorted(&s, &taken_n);
  ck_assert_uint_eq(taken_n, n);
  for (size_t i = 0; i < n; i++)
    ck_assert_uint_eq(taken[i], order[i]);
  free(taken);
  ck_assert_uint_eq(s.n, 0);
  ck_assert_ptr_null(ep_cpset_take_sorted(&s, &taken_n)); // an empty set: nothing
  ck_assert_uint_eq(taken_n, 0);
  ck_assert(ep_cpset_add(&s, 0x4E00)); // usable again after free
  ck_assert(ep_cpset_add(&s, 0x10FFFF));
  ck_assert(ep_cpset_add(&s, 0));
  taken = ep_cpset_take_sorted(&s, &taken_n);
  ck_assert_uint_eq(taken_n, 3);
  ck_assert_uint_eq(taken[0], 0);
  ck_assert_uint_eq(taken[1], 0x4E00);
  ck_assert_uint_eq(taken[2], 0x10FFFF);
  free(taken);
  ep_cpset_free(&s);
}
END_TEST

// ep_dl_resolve(): every slot of a table filled from a dlopen() handle, or
// the first missing name returned with the slots after it untouched.
START_TEST(test_dl_resolve) {
  void *self = dlopen(NULL, RTLD_NOW); // the program and its libraries (libc)
  ck_assert_ptr_nonnull(self);
  size_t (*len_fn)(const char *) = NULL;
  int (*cmp_fn)(const char *, const char *) = NULL;
  void (*none_fn)(void) = NULL;
  const ep_dl_fn all[] = {{"strlen", (void **)&len_fn}, {"strcmp", (void **)&cmp_fn}};
  ck_assert_ptr_null(ep_dl_resolve(self, all, 2));
  ck_assert_uint_eq(len_fn("evalpdf"), 7);
  ck_assert_int_eq(cmp_fn("a", "a"), 0);
  len_fn = NULL;
  cmp_fn = NULL;
  const ep_dl_fn some[] = {{"strlen", (void **)&len_fn},
                           {"ep_no_such_function_anywhere", (void **)&none_fn},
                           {"strcmp", (void **)&cmp_fn}};
  ck_assert_str_eq(ep_dl_resolve(self, some, 3), "ep_no_such_function_anywhere");
  ck_assert(len_fn != NULL);
  ck_assert(none_fn == NULL);
  ck_assert(cmp_fn == NULL);
  dlclose(self);
}
END_TEST

// 'confine_suite()' - The suite.
static Suite *confine_suite(void) {
  Suite *s = suite_create("confine");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_beneath_inside);
  tcase_add_test(tc, test_beneath_escapes);
  tcase_add_test(tc, test_beneath_other_failures);
  tcase_add_test(tc, test_normalize);
  tcase_add_test(tc, test_confined);
  tcase_add_test(tc, test_read_limit);
  tcase_add_test(tc, test_outfile);
  tcase_add_test(tc, test_outfile_sweeps);
  tcase_add_test(tc, test_outfile_release);
  tcase_add_test(tc, test_spin_while);
  tcase_add_test(tc, test_cpset);
  tcase_add_test(tc, test_dl_resolve);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(confine_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
