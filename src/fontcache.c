// The installed fonts, cached (see fontcache.h).
//
// File format (UTF-8 text, one record per line, fields separated by tabs):
//   evalpdf-fontcache 1
//   fontconfig VERSION
//   stamp PATH MTIME SIZE | stamp PATH none      (the configuration files)
//   dir PATH MTIME                               (every folder fontconfig scanned)
//   font INDEX WEIGHT SLANT PATH FAMILY...       (one installed face)
//   end
// The header and stamp lines must equal the ones computed now, byte for
// byte; every dir line must still match its folder; anything else makes
// the file invalid, and fontconfig is asked instead.
#include "fontcache.h"

#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_NAME "system-fonts.v1"
#define CACHE_LIMIT (16u << 20) // bytes; a larger file is not read
#define HEADER "evalpdf-fontcache 1\n"
#define CONF_FILE "/etc/fonts/fonts.conf" // fontconfig's default (FONTCONFIG_PATH unset)

// 'sysfont_free()' - Free one face's strings.
static void sysfont_free(ep_sysfont *f) {
  free(f->path);
  for (size_t i = 0; i < f->n_families; i++)
    free(f->families[i]);
  free(f->families);
}

// 'ep_sysfonts_free()' - Free N faces V.
void ep_sysfonts_free(ep_sysfont *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    sysfont_free(&v[i]);
  free(v);
}

// 'push_family()' - Append a copy of NAME to F's families.
static void push_family(ep_sysfont *f, const char *name, size_t len) {
  f->families = ep_xrealloc(f->families, (f->n_families + 1) * sizeof *f->families);
  char *s = ep_xmalloc(len + 1);
  memcpy(s, name, len);
  s[len] = 0;
  f->families[f->n_families++] = s;
}

// 'pattern_int()' - Integer (or truncated double) OBJECT of P, else DFLT.
static int pattern_int(FcPattern *p, const char *object, int dflt) {
  FcValue v;
  if (FcPatternGet(p, object, 0, &v) != FcResultMatch)
    return dflt;
  if (v.type == FcTypeInteger)
    return v.u.i;
  if (v.type == FcTypeDouble && v.u.d > -1e6 && v.u.d < 1e6)
    return (int)v.u.d;
  return dflt;
}

// 'ep_sysfont_from_pattern()' - A usable face from a fontconfig pattern.
bool ep_sysfont_from_pattern(FcPattern *p, ep_sysfont *out) {
  FcChar8 *file, *format, *fam;
  FcBool flag;
  int index = 0;
  if (FcPatternGetString(p, FC_FILE, 0, &file) != FcResultMatch)
    return false;
  if (FcPatternGetInteger(p, FC_INDEX, 0, &index) != FcResultMatch)
    index = 0;
  if (index < 0 || index > 0xFFFF) // a named instance of a variable font
    return false;
  if (FcPatternGetBool(p, FC_VARIABLE, 0, &flag) == FcResultMatch && flag)
    return false;
  if (FcPatternGetBool(p, FC_OUTLINE, 0, &flag) == FcResultMatch && !flag)
    return false;
  if (FcPatternGetString(p, FC_FONTFORMAT, 0, &format) == FcResultMatch &&
      strcmp((const char *)format, "TrueType") != 0 && strcmp((const char *)format, "CFF") != 0)
    return false;
  ep_sysfont f = {0};
  for (int i = 0; FcPatternGetString(p, FC_FAMILY, i, &fam) == FcResultMatch; i++)
    push_family(&f, (const char *)fam, strlen((const char *)fam));
  if (!f.n_families)
    return false;
  f.path = ep_xstrdup((const char *)file);
  f.index = (unsigned)index;
  f.weight = pattern_int(p, FC_WEIGHT, FC_WEIGHT_REGULAR);
  f.slant = pattern_int(p, FC_SLANT, FC_SLANT_ROMAN);
  *out = f;
  return true;
}

// 'has_ctl()' - True when S contains a tab or a line break (it cannot be a field).
static bool has_ctl(const char *s) { return strpbrk(s, "\t\n\r") != NULL; }

// 'fmt_uint()' - V in decimal, at least WIDTH (at most 20) digits, zero-padded,
// into OUT (at least 21 bytes, not terminated); returns the length.
static size_t fmt_uint(char *out, unsigned long long v, int width) {
  char d[21];
  int k = 0;
  do
    d[k++] = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  while (k < width && k < 20)
    d[k++] = '0';
  for (int i = 0; i < k; i++)
    out[i] = d[k - 1 - i];
  return (size_t)k;
}

// 'fmt_int()' - V in decimal into OUT (at least 22 bytes, not terminated);
// returns the length.
static size_t fmt_int(char *out, long long v) {
  if (v >= 0)
    return fmt_uint(out, (unsigned long long)v, 1);
  out[0] = '-';
  return 1 + fmt_uint(out + 1, 0ull - (unsigned long long)v, 1);
}

// 'fmt_mtime()' - ST's modification time as printf's "%lld.%09ld" writes it,
// into OUT (at least 32 bytes), terminated.
static void fmt_mtime(char *out, const struct stat *st) {
  size_t k = fmt_int(out, (long long)st->st_mtim.tv_sec);
  out[k++] = '.';
  k += fmt_uint(out + k, (unsigned long long)st->st_mtim.tv_nsec, 9);
  out[k] = 0;
}

// 'stamp_line()' - Append PATH's stamp line from ST (its modification time
// and size), or with "none" when ST is NULL: as printf's
// "stamp\t%s\t%lld.%09ld\t%lld\n" writes it, with fewer instructions (a
// cache check writes some 60 of them).
static void stamp_line(ep_buf *b, const char *path, const struct stat *st) {
  ep_buf_puts(b, "stamp\t");
  ep_buf_puts(b, path);
  if (!st) {
    ep_buf_puts(b, "\tnone\n");
    return;
  }
  char num[32];
  fmt_mtime(num, st);
  ep_buf_putc(b, '\t');
  ep_buf_puts(b, num);
  ep_buf_putc(b, '\t');
  ep_buf_put(b, num, fmt_int(num, (long long)st->st_size));
  ep_buf_putc(b, '\n');
}

// 'stamp()' - Append PATH's stamp line (modification time and size, or "none").
static void stamp(ep_buf *b, const char *path) {
  struct stat st;
  stamp_line(b, path, stat(path, &st) == 0 ? &st : NULL);
}

// 'cmp_name()' - qsort comparator for char *.
static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

// 'stamp_dir()' - Stamp folder DIR and each of its entries, in name order.
static void stamp_dir(ep_buf *b, const char *dir) {
  stamp(b, dir);
  DIR *d = opendir(dir);
  if (!d)
    return;
  char **names = NULL;
  size_t n = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL && n < 4096;) {
    if (e->d_name[0] == '.')
      continue;
    names = ep_xrealloc(names, (n + 1) * sizeof *names);
    names[n++] = ep_xstrdup(e->d_name);
  }
  if (n)
    qsort(names, n, sizeof *names, cmp_name);
  // Each entry is looked up in the open folder (fstatat(): one name, not
  // the whole path again), following symbolic links as stat() does.
  int fd = dirfd(d);
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    struct stat st;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) < sizeof path && !has_ctl(path))
      stamp_line(b, path, fstatat(fd, names[i], &st, 0) == 0 ? &st : NULL);
    free(names[i]);
  }
  free(names);
  closedir(d);
}

// 'config_stamps()' - The header and stamp lines of fontconfig's
// configuration now (its main files, and those of FC_USER_DIR and HOME when
// given), in B; false when the cache must not be used (no main file).
static bool config_stamps(ep_buf *b, const char *fc_user_dir, const char *home) {
  // fontconfig's main file where Debian's fontconfig looks for it. Asking
  // fontconfig (FcConfigFilename) would load its whole configuration, the
  // very cost this cache avoids; elsewhere (no such file) nothing is cached.
  const char *conf = CONF_FILE;
  struct stat st;
  char dir[4096];
  bool ok = stat(conf, &st) == 0 && S_ISREG(st.st_mode);
  if (ok) {
    ep_buf_puts(b, HEADER);
    ep_buf_printf(b, "fontconfig\t%d\n", FcGetVersion());
    stamp(b, conf);
    snprintf(dir, sizeof dir, "%s", conf);
    char *slash = strrchr(dir, '/');
    if (slash) {
      strcpy(slash, "/conf.d");
      stamp_dir(b, dir);
      strcpy(slash, "/local.conf");
      stamp(b, dir);
    }
    if (fc_user_dir && fc_user_dir[0] == '/' && !has_ctl(fc_user_dir)) {
      snprintf(dir, sizeof dir, "%.4000s/fonts.conf", fc_user_dir);
      stamp(b, dir);
      snprintf(dir, sizeof dir, "%.4000s/conf.d", fc_user_dir);
      stamp_dir(b, dir);
    }
    if (home && home[0] == '/' && !has_ctl(home)) {
      snprintf(dir, sizeof dir, "%.4000s/.fonts.conf", home);
      stamp(b, dir);
      snprintf(dir, sizeof dir, "%.4000s/.fonts.conf.d", home);
      stamp_dir(b, dir);
    }
  }
  return ok;
}

// 'mtime_text()' - PATH's modification time as text in BUF (SIZE bytes, at
// least 32), or "none": as printf's "%lld.%09ld" writes it (the cache check
// reads some 20 folders' times).
static const char *mtime_text(const char *path, char *buf, size_t size) {
  struct stat st;
  if (stat(path, &st) != 0 || size < 32)
    return "none";
  fmt_mtime(buf, &st);
  return buf;
}

// 'next_field()' - The tab- or line-ended field at *P (not terminated);
// its length in *LEN; *P moves past the tab. NULL at a line end.
static const char *next_field(const char **p, const char *end, size_t *len) {
  const char *s = *p;
  if (s >= end || *s == '\n')
    return NULL;
  const char *e = s;
  while (e < end && *e != '\t' && *e != '\n')
    e++;
  *len = (size_t)(e - s);
  *p = e < end && *e == '\t' ? e + 1 : e;
  return s;
}

// 'parse_uint()' - The decimal number of LEN bytes at S (at most MAX), or -1.
static long parse_uint(const char *s, size_t len, long max) {
  if (len == 0 || len > 9)
    return -1;
  long v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v <= max ? v : -1;
}

// 'parse_body()' - The dir, font and end lines from P to END: true when
// every folder is unchanged and the file ends with "end"; faces in *OUT.
static bool parse_body(const char *p, const char *end, ep_sysfont **out, size_t *n) {
  size_t cap = 0;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
      return false;
    size_t len;
    const char *kind = next_field(&p, eol, &len);
    if (kind && len == 3 && !memcmp(kind, "end", 3))
      return eol + 1 == end;
    if (kind && len == 3 && !memcmp(kind, "dir", 3)) {
      size_t plen, mlen;
      const char *path = next_field(&p, eol, &plen), *mt = path ? next_field(&p, eol, &mlen) : NULL;
      char pbuf[4096], tbuf[64];
      if (!mt || plen >= sizeof pbuf)
        return false;
      memcpy(pbuf, path, plen);
      pbuf[plen] = 0;
      const char *now = mtime_text(pbuf, tbuf, sizeof tbuf);
      if (strlen(now) != mlen || memcmp(now, mt, mlen) != 0)
        return false; // a folder changed: fonts were added or removed
    } else if (kind && len == 4 && !memcmp(kind, "font", 4)) {
      size_t l[4];
      const char *f[4];
      for (int i = 0; i < 4; i++)
        if (!(f[i] = next_field(&p, eol, &l[i])))
          return false;
      long index = parse_uint(f[0], l[0], 0xFFFF), weight = parse_uint(f[1], l[1], 1000),
           slant = parse_uint(f[2], l[2], 1000);
      if (index < 0 || weight < 0 || slant < 0 || l[3] == 0 || f[3][0] != '/')
        return false;
      ep_sysfont s = {0};
      s.index = (unsigned)index;
      s.weight = (int)weight;
      s.slant = (int)slant;
      s.path = ep_xmalloc(l[3] + 1);
      memcpy(s.path, f[3], l[3]);
      s.path[l[3]] = 0;
      for (size_t fl; (f[0] = next_field(&p, eol, &fl)) != NULL;)
        push_family(&s, f[0], fl);
      if (!s.n_families) {
        sysfont_free(&s);
        return false;
      }
      if (*n == cap) {
        cap = cap ? 2 * cap : 256;
        *out = ep_xrealloc(*out, cap * sizeof **out);
      }
      (*out)[(*n)++] = s;
    } else {
      return false;
    }
    p = eol + 1;
  }
  return false; // no end line: cut short
}

// 'cache_read()' - The faces of the cache file PATH when it starts with
// STAMPS and is valid; false otherwise (nothing returned).
static bool cache_read(const char *path, const ep_buf *stamps, ep_sysfont **out, size_t *n) {
  *out = NULL;
  *n = 0;
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return false;
  size_t len = 0;
  unsigned char *data = ep_read_fd(fd, CACHE_LIMIT, &len);
  close(fd);
  const char *s = (const char *)data, *want = ep_buf_str(stamps);
  size_t wlen = strlen(want);
  bool ok = data && len > wlen && !memcmp(s, want, wlen) && parse_body(s + wlen, s + len, out, n);
  free(data);
  if (!ok) {
    ep_sysfonts_free(*out, *n);
    *out = NULL;
    *n = 0;
  }
  return ok;
}

// 'cache_write()' - Write STAMPS, the folders of FC and the N faces V to
// CACHE_DIR atomically; nothing when a name cannot be written as a field.
static void cache_write(const char *cache_dir, const ep_buf *stamps, FcConfig *fc, const ep_sysfont *v, size_t n) {
  ep_buf b;
  ep_buf_init(&b);
  ep_buf_puts(&b, ep_buf_str(stamps));
  bool ok = true;
  FcStrList *dirs = FcConfigGetFontDirs(fc);
  for (FcChar8 *d; ok && dirs && (d = FcStrListNext(dirs)) != NULL;) {
    char t[64];
    ok = !has_ctl((const char *)d);
    if (ok)
      ep_buf_printf(&b, "dir\t%s\t%s\n", (const char *)d, mtime_text((const char *)d, t, sizeof t));
  }
  if (dirs)
    FcStrListDone(dirs);
  for (size_t i = 0; ok && i < n; i++) {
    ok = !has_ctl(v[i].path);
    ep_buf_printf(&b, "font\t%u\t%d\t%d\t%s", v[i].index, v[i].weight < 0 ? 0 : v[i].weight,
                  v[i].slant < 0 ? 0 : v[i].slant, v[i].path);
    for (size_t k = 0; k < v[i].n_families; k++) {
      ok = ok && !has_ctl(v[i].families[k]);
      ep_buf_printf(&b, "\t%s", v[i].families[k]);
    }
    ep_buf_puts(&b, "\n");
  }
  ep_buf_puts(&b, "end\n");
  char tmp[4200], final[4200];
  if (ok && ep_make_dir(cache_dir) &&
      (size_t)snprintf(final, sizeof final, "%s/" CACHE_NAME, cache_dir) < sizeof final &&
      (size_t)snprintf(tmp, sizeof tmp, "%s/." CACHE_NAME ".%ld.tmp", cache_dir, (long)getpid()) < sizeof tmp) {
    const void *part = ep_buf_str(&b);
    size_t len = b.len;
    (void)ep_write_private(tmp, final, &part, &len, 1);
  }
  ep_buf_free(&b);
}

// 'cache_path()' - The cache file of CACHE in PATH (SIZE bytes) and its
// stamp lines in STAMPS; false when nothing can be cached.
static bool cache_path(const ep_sysfont_cache *cache, char *path, size_t size, ep_buf *stamps) {
  const char *cache_dir = cache ? cache->dir : NULL;
  return cache_dir && cache_dir[0] == '/' && !has_ctl(cache_dir) &&
         (size_t)snprintf(path, size, "%s/" CACHE_NAME, cache_dir) < size &&
         config_stamps(stamps, cache->fc_user_dir, cache->home_dir);
}

// 'ep_sysfonts_load_cached()' - The installed faces from a valid cache only.
bool ep_sysfonts_load_cached(const ep_sysfont_cache *cache, ep_sysfont **out, size_t *n) {
  *out = NULL;
  *n = 0;
  ep_buf stamps;
  ep_buf_init(&stamps);
  char path[4200];
  bool ok = cache_path(cache, path, sizeof path, &stamps) && cache_read(path, &stamps, out, n);
  ep_buf_free(&stamps);
  return ok;
}

// 'ep_sysfonts_load()' - The installed faces, cached.
bool ep_sysfonts_load(const ep_sysfont_cache *cache, ep_sysfont **out, size_t *n, bool *from_cache) {
  const char *cache_dir = cache ? cache->dir : NULL;
  *out = NULL;
  *n = 0;
  if (from_cache)
    *from_cache = false;
  ep_buf stamps;
  ep_buf_init(&stamps);
  char path[4200];
  bool cacheable = cache_path(cache, path, sizeof path, &stamps);
  if (cacheable && cache_read(path, &stamps, out, n)) {
    if (from_cache)
      *from_cache = true;
    ep_buf_free(&stamps);
    return true;
  }
  FcConfig *fc = FcInitLoadConfigAndFonts();
  FcFontSet *sys = fc ? FcConfigGetFonts(fc, FcSetSystem) : NULL;
  size_t cap = 0;
  for (int i = 0; sys && i < sys->nfont; i++) {
    ep_sysfont f;
    if (!ep_sysfont_from_pattern(sys->fonts[i], &f))
      continue;
    if (*n == cap) {
      cap = cap ? 2 * cap : 256;
      *out = ep_xrealloc(*out, cap * sizeof **out);
    }
    (*out)[(*n)++] = f;
  }
  if (fc && cacheable)
    cache_write(cache_dir, &stamps, fc, *out, *n);
  if (fc)
    FcConfigDestroy(fc);
  ep_buf_free(&stamps);
  return fc != NULL;
}
