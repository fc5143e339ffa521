// Unit tests for src/font.c: role resolution by family name and by file,
// per-character fallback, the notes/errors a role produces, advances and
// coverage, hb-subset round trips through FreeType, and a cache hammer.
//
// The fonts used are exactly the Debian packages CI installs:
// fonts-arphic-gbsn00lp fonts-arphic-uming fonts-arphic-ukai
// fonts-arphic-gkai00mp fonts-wqy-zenhei. The Noto CJK test is its own ctest
// (`test_font noto`), reported as skipped when fonts-noto-cjk is not installed.
#if !defined(_XOPEN_SOURCE) || _XOPEN_SOURCE < 700
#undef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 // realpath(), symlink(), mkdtemp()
#endif
#include "font.h"
#include "program.h"
#include "subset.h"
#include "util.h"

#include <check.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H

#define GBSN "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
#define UMING "/usr/share/fonts/truetype/arphic/uming.ttc"
#define ZENHEI "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
#define NOTO "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

#define CP_HAN 0x6C49u   // 汉
#define CP_BAN 0x8FA6u   // 辦: missing in gbsn00lp, present in UMing
#define CP_NONE 0x10FFFDu // plane-16 private use: in no font

// 'ends_with()' - True when S ends with SUFFIX.
static bool ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

// 'new_set()' - A font set with system fonts and no extra folders.
static ep_fontset *new_set(ep_diags *d) {
  ep_fontset *fs = NULL;
  ck_assert(ep_fontset_new(NULL, d, &fs));
  ck_assert_ptr_nonnull(fs);
  return fs;
}

// 'add_role()' - Define role NAME from N candidates; the role or NULL.
static ep_role *add_role(ep_fontset *fs, ep_diags *d, const char *name, const char *const *cands,
                         size_t n, const char *packages, const char *usage) {
  ep_role_def def = {name, cands, n, packages, usage, NULL, 0, NULL, NULL, NULL, NULL};
  ep_role *r = NULL;
  bool ok = ep_fontset_add_role(fs, &def, d, &r);
  ck_assert(ok == (r != NULL));
  return r;
}

// 'count_code()' - How many diagnostics carry CODE.
static size_t count_code(const ep_diags *d, const char *code) {
  size_t n = 0;
  for (size_t i = 0; i < d->count; i++)
    if (strcmp(d->items[i].code, code) == 0)
      n++;
  return n;
}

// 'find_code()' - The first diagnostic with CODE, or NULL.
static const ep_diag_item *find_code(const ep_diags *d, const char *code) {
  for (size_t i = 0; i < d->count; i++)
    if (strcmp(d->items[i].code, code) == 0)
      return &d->items[i];
  return NULL;
}

// 'ft_advance()' - Independent reference: coverage and advance (1/1000 em) via FreeType.
static int ft_advance(FT_Face face, uint32_t cp, bool *covered) {
  FT_UInt gid = FT_Get_Char_Index(face, cp);
  FT_Fixed adv = 0;
  ck_assert_int_eq(FT_Get_Advance(face, gid, FT_LOAD_NO_SCALE, &adv), 0);
  *covered = gid != 0;
  return (int)((long)adv * 1000 / face->units_per_EM);
}

START_TEST(family_sungti_resolves_gbsn00lp) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *c[] = {"AR PL SungtiL GB"};
  ep_role *r = add_role(fs, &d, "song", c, 1, NULL, NULL);
  ck_assert_ptr_nonnull(r);
  ck_assert_uint_eq(ep_role_face_count(r), 1);
  ep_face *f = ep_role_face(r, 0);
  ck_assert_str_eq(ep_face_path(f), GBSN);
  ck_assert_uint_eq(ep_face_index(f), 0);
  ck_assert_str_eq(ep_face_family(f), "AR PL SungtiL GB");
  ck_assert(ep_face_is_truetype(f));
  ck_assert_uint_eq(d.count, 0);
  ck_assert_ptr_eq(ep_fontset_role(fs, "song"), r);
  ck_assert_ptr_null(ep_fontset_role(fs, "hei"));
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

START_TEST(family_match_ignores_ascii_case_and_knows_local_names) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *a[] = {"ar pl SUNGTIL gb"};
  const char *b[] = {"文鼎ＰＬ简报宋"};
  const char *c[] = {"文泉驿正黑"};
  ep_role *ra = add_role(fs, &d, "a", a, 1, NULL, NULL);
  ep_role *rb = add_role(fs, &d, "b", b, 1, NULL, NULL);
  ep_role *rc = add_role(fs, &d, "c", c, 1, NULL, NULL);
  ck_assert_ptr_nonnull(ra);
  ck_assert_ptr_nonnull(rb);
  ck_assert_ptr_nonnull(rc);
  ck_assert_ptr_eq(ep_role_face(ra, 0), ep_role_face(rb, 0)); // one face object per file#index
  ck_assert_str_eq(ep_face_path(ep_role_face(rb, 0)), GBSN);
  ck_assert_str_eq(ep_face_path(ep_role_face(rc, 0)), ZENHEI);
  ck_assert_uint_eq(ep_face_index(ep_role_face(rc, 0)), 0);
  ck_assert_uint_eq(d.count, 0);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

START_TEST(family_selects_ttc_face_index_zenhei) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *c0[] = {"WenQuanYi Zen Hei"};
  const char *c1[] = {"WenQuanYi Zen Hei Mono"};
  const char *c2[] = {"文泉驿点阵正黑"}; // WenQuanYi Zen Hei Sharp
  ep_role *r0 = add_role(fs, &d, "zh0", c0, 1, NULL, NULL);
  ep_role *r1 = add_role(fs, &d, "zh1", c1, 1, NULL, NULL);
  ep_role *r2 = add_role(fs, &d, "zh2", c2, 1, NULL, NULL);
  ck_assert_ptr_nonnull(r0);
  ck_assert_ptr_nonnull(r1);
  ck_assert_ptr_nonnull(r2);
  ck_assert_str_eq(ep_face_path(ep_role_face(r0, 0)), ZENHEI);
  ck_assert_uint_eq(ep_face_index(ep_role_face(r0, 0)), 0);
  ck_assert_str_eq(ep_face_path(ep_role_face(r1, 0)), ZENHEI);
  ck_assert_uint_eq(ep_face_index(ep_role_face(r1, 0)), 1);
  ck_assert_str_eq(ep_face_family(ep_role_face(r1, 0)), "WenQuanYi Zen Hei Mono");
  ck_assert_uint_eq(ep_face_index(ep_role_face(r2, 0)), 2);
  ck_assert_uint_eq(d.count, 0);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

START_TEST(family_selects_uming_cn_and_tw_faces) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *cn[] = {"AR PL UMing CN"};
  const char *tw[] = {"AR PL UMing TW"};
  ep_role *rcn = add_role(fs, &d, "cn", cn, 1, NULL, NULL);
  ep_role *rtw = add_role(fs, &d, "tw", tw, 1, NULL, NULL);
  ck_assert_ptr_nonnull(rcn);
  ck_assert_ptr_nonnull(rtw);
  ck_assert_str_eq(ep_face_path(ep_role_face(rcn, 0)), UMING);
  ck_assert_uint_eq(ep_face_index(ep_role_face(rcn, 0)), 0);
  ck_assert_str_eq(ep_face_family(ep_role_face(rcn, 0)), "AR PL UMing CN");
  ck_assert_uint_eq(ep_face_index(ep_role_face(rtw, 0)), 2);
  ck_assert_uint_eq(d.count, 0);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

START_TEST(file_path_with_face_index) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *c[] = {UMING "#1"};
  const char *g[] = {GBSN};
  ep_role *r = add_role(fs, &d, "hk", c, 1, NULL, NULL);
  ep_role *rg = add_role(fs, &d, "g", g, 1, NULL, NULL);
  ck_assert_ptr_nonnull(r);
  ck_assert_ptr_nonnull(rg);
  ck_assert_uint_eq(ep_face_index(ep_role_face(r, 0)), 1);
  ck_assert_str_eq(ep_face_family(ep_role_face(r, 0)), "AR PL UMing HK");
  ck_assert_str_eq(ep_face_path(ep_role_face(rg, 0)), GBSN);
  ck_assert_uint_eq(ep_face_index(ep_role_face(rg, 0)), 0);
  ck_assert_uint_eq(d.count, 0);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

// 'copy_file()' - Copy FROM to TO byte for byte.
static void copy_file(const char *from, const char *to) {
  FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
  ck_assert_ptr_nonnull(in);
  ck_assert_ptr_nonnull(out);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
  fclose(in);
  ck_assert_int_eq(fclose(out), 0);
}

START_TEST(font_dirs_are_scanned_and_take_precedence) {
  char top[] = "/tmp/ep-font-test-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(top));
  char user[64], sub[80], data[64], copy[96], kai[96], um[96], gb[96];
  snprintf(user, sizeof user, "%s/user", top);
  snprintf(sub, sizeof sub, "%s/licensed", user);
  snprintf(data, sizeof data, "%s/data", top);
  ck_assert_int_eq(mkdir(user, 0700), 0);
  ck_assert_int_eq(mkdir(sub, 0700), 0);
  ck_assert_int_eq(mkdir(data, 0700), 0);
  snprintf(copy, sizeof copy, "%s/FangSong_GB2312.ttf", user); // a real copy: its own path
  snprintf(kai, sizeof kai, "%s/gkai.ttf", sub);
  snprintf(um, sizeof um, "%s/uming.ttc", data);
  snprintf(gb, sizeof gb, "%s/gbsn.ttf", data);
  copy_file(GBSN, copy);
  ck_assert_int_eq(symlink("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf", kai), 0);
  ck_assert_int_eq(symlink(UMING, um), 0);
  ck_assert_int_eq(symlink(GBSN, gb), 0);
  char *copy_real = realpath(copy, NULL);

  // With system fonts: the --font-dir copy beats the data folder and the system.
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset_options o;
  ep_fontset_options_init(&o);
  o.font_dir = user;
  o.data_dir = data;
  ep_fontset *fs = NULL;
  ck_assert(ep_fontset_new(&o, &d, &fs));
  const char *fam[] = {"AR PL SungtiL GB"};
  const char *rel[] = {"FangSong_GB2312.ttf"};
  const char *rel2[] = {"gbsn.ttf"};
  ep_role *r1 = add_role(fs, &d, "fam", fam, 1, NULL, NULL);
  ep_role *r2 = add_role(fs, &d, "rel", rel, 1, NULL, NULL);
  ep_role *r3 = add_role(fs, &d, "rel2", rel2, 1, NULL, NULL);
  ck_assert_str_eq(ep_face_path(ep_role_face(r1, 0)), copy_real);
  ck_assert_ptr_eq(ep_role_face(r2, 0), ep_role_face(r1, 0));
  ck_assert_str_eq(ep_face_path(ep_role_face(r3, 0)), gb); // via data_dir, the link's own path
  const char *target[] = {GBSN}; // the file the link names: the same face
  ep_role *r4 = add_role(fs, &d, "target", target, 1, NULL, NULL);
  ck_assert_ptr_eq(ep_role_face(r4, 0), ep_role_face(r3, 0));
  ck_assert_uint_eq(d.count, 0);
  // Every role so far resolved from the folders: fontconfig was not asked.
  ck_assert(!ep_fontset_system_loaded(fs));
  const char *ukai[] = {"AR PL UKai CN"}; // installed only
  ck_assert_ptr_nonnull(add_role(fs, &d, "installed", ukai, 1, NULL, NULL));
  ck_assert(ep_fontset_system_loaded(fs));
  ck_assert_uint_eq(d.count, 0);
  ep_fontset_free(fs);

  // Without system fonts: only what the two folders hold.
  o.no_system_fonts = true;
  ck_assert(ep_fontset_new(&o, &d, &fs));
  const char *k[] = {"AR PL KaitiM GB"};  // found by scanning the subfolder
  const char *u[] = {"AR PL UMing CN"};   // the data folder
  const char *sys[] = {"AR PL UKai CN"};  // a system font: invisible here
  ck_assert_str_eq(ep_face_path(ep_role_face(add_role(fs, &d, "k", k, 1, NULL, NULL), 0)), kai); // the links
  ck_assert_str_eq(ep_face_path(ep_role_face(add_role(fs, &d, "u", u, 1, NULL, NULL), 0)), um);
  ck_assert_uint_eq(d.count, 0);
  ck_assert_ptr_null(add_role(fs, &d, "sys", sys, 1, NULL, NULL));
  ck_assert_uint_eq(count_code(&d, "font-role-missing"), 1);
  ep_fontset_free(fs);
  ep_diags_free(&d);

  // A --font-dir that cannot be read fails the set.
  ep_diags_init(&d);
  o.font_dir = "/nonexistent/evalpdf-fonts";
  ck_assert(!ep_fontset_new(&o, &d, &fs));
  ck_assert_ptr_null(fs);
  ck_assert_uint_eq(count_code(&d, "font-dir-unreadable"), 1);
  ep_diags_free(&d);
  free(copy_real);
  unlink(gb);
  unlink(um);
  unlink(kai);
  unlink(copy);
  rmdir(sub);
  rmdir(user);
  rmdir(data);
  rmdir(top);
}
END_TEST

START_TEST(unknown_family_is_not_substituted) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *c[] = {"Arial|Helvetica|Times New Roman"};
  ck_assert_ptr_null(add_role(fs, &d, "latin", c, 1, "fonts-arphic-uming", NULL));
  ep_role *r = ep_fontset_role(fs, "latin"); // registered without faces
  ck_assert_ptr_nonnull(r);
  ck_assert_uint_eq(ep_role_face_count(r), 0);
  ck_assert_ptr_null(ep_role_face_for(r, 'A'));
  ck_assert_uint_eq(d.errors, 1);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

START_TEST(fallback_follows_role_order_per_character) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *sm[] = {"AR PL SungtiL GB", "AR PL UMing CN"};
  const char *ms[] = {"AR PL UMing CN", "AR PL SungtiL GB"};
  ep_role *r1 = add_role(fs, &d, "sm", sm, 2, NULL, NULL);
  ep_role *r2 = add_role(fs, &d, "ms", ms, 2, NULL, NULL);
  ck_assert_ptr_nonnull(r1);
  ck_assert_ptr_nonnull(r2);
  ep_face *gb = ep_role_face(r1, 0), *um = ep_role_face(r1, 1);
  ck_assert(ends_with(ep_face_path(gb), "/gbsn00lp.ttf"));
  ck_assert(ends_with(ep_face_path(um), "/uming.ttc"));
  ck_assert_ptr_eq(ep_role_face_for(r1, CP_HAN), gb);
  ck_assert_ptr_eq(ep_role_face_for(r1, '7'), gb);
  ck_assert_ptr_eq(ep_role_face_for(r1, CP_BAN), um);
  ck_assert_ptr_null(ep_role_face_for(r1, CP_NONE));
  ck_assert_ptr_eq(ep_role_face_for(r2, CP_HAN), um);
  ck_assert_ptr_eq(ep_role_face_for(r2, CP_BAN), um);
  ck_assert_uint_eq(d.count, 0);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

START_TEST(missing_primary_gives_exactly_one_note) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *c[] = {"EvalPDF Missing FangSong|评估缺失仿宋|EvalPDF Missing FangSong_GB2312",
                     "EvalPDF Missing Second", "/nonexistent/evalpdf/missing.ttf",
                     "AR PL SungtiL GB", "AR PL UMing CN"};
  ep_role *r = add_role(fs, &d, "fangsong", c, 5, "fonts-arphic-gbsn00lp", "body text");
  ck_assert_ptr_nonnull(r);
  ck_assert_uint_eq(d.count, 1);
  ck_assert_int_eq(d.items[0].severity, EP_NOTE);
  ck_assert_str_eq(d.items[0].code, "font-role-substitute");
  const char *m = d.items[0].message;
  ck_assert_msg(strstr(m, "role fangsong: no 评估缺失仿宋 (EvalPDF Missing FangSong) font is "
                          "installed; body text uses AR PL SungtiL GB (" GBSN ") instead") == m,
                "message: %s", m);
  ck_assert_uint_eq(ep_role_face_count(r), 2);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

START_TEST(all_missing_is_an_error_with_package_hint) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *c[] = {"EvalPDF Missing Kai|评估缺失楷体", "/nonexistent/evalpdf/kai.ttf#1"};
  ep_role_def def = {"kai", c, 2, "fonts-arphic-gkai00mp fonts-arphic-ukai", NULL,
                     "layouts/test.xml", 12, NULL, NULL, NULL, NULL};
  ep_role *r = (ep_role *)&d; // must be reset to NULL
  ck_assert(!ep_fontset_add_role(fs, &def, &d, &r));
  ck_assert_ptr_null(r);
  ck_assert_uint_eq(d.count, 1);
  ck_assert_uint_eq(d.errors, 1);
  const ep_diag_item *e = find_code(&d, "font-role-missing");
  ck_assert_ptr_nonnull(e);
  ck_assert_str_eq(e->file, "layouts/test.xml");
  ck_assert_uint_eq(e->line, 12);
  ck_assert_msg(strstr(e->message, "role kai:") == e->message, "%s", e->message);
  ck_assert_ptr_nonnull(strstr(e->message, "评估缺失楷体 (EvalPDF Missing Kai)"));
  ck_assert_ptr_nonnull(strstr(e->message, "/nonexistent/evalpdf/kai.ttf#1"));
  ck_assert_ptr_nonnull(strstr(e->message, "fonts-arphic-gkai00mp fonts-arphic-ukai"));
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

START_TEST(duplicate_role_is_refused) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *a[] = {"AR PL SungtiL GB"};
  const char *b[] = {"AR PL UMing CN"};
  ep_role *r = add_role(fs, &d, "song", a, 1, NULL, NULL);
  ck_assert_ptr_null(add_role(fs, &d, "song", b, 1, NULL, NULL));
  ck_assert_uint_eq(count_code(&d, "font-role-duplicate"), 1);
  ck_assert_ptr_eq(ep_fontset_role(fs, "song"), r);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

START_TEST(bad_face_index_and_non_font_file_warn) {
  char path[] = "/tmp/ep-font-fake-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, "not a font at all", 17), 17);
  close(fd);
  char fake[64];
  snprintf(fake, sizeof fake, "%s.ttf", path);
  ck_assert_int_eq(rename(path, fake), 0);

  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *c[] = {GBSN "#3", fake, "AR PL UMing CN"};
  ep_role *r = add_role(fs, &d, "x", c, 3, NULL, NULL);
  ck_assert_ptr_nonnull(r);
  ck_assert_uint_eq(count_code(&d, "font-file-unreadable"), 2);
  ck_assert_ptr_nonnull(strstr(d.items[0].message, "no face #3 (it has 1 face)"));
  ck_assert_uint_eq(count_code(&d, "font-role-substitute"), 1);
  ck_assert(ends_with(ep_face_path(ep_role_face(r, 0)), "/uming.ttc"));
  char text[2048];
  ep_fontset_describe_text(fs, text, sizeof text);
  ck_assert_ptr_nonnull(strstr(text, "x\t1\t" GBSN "#3\tunreadable\t" GBSN "#3\t"));
  ep_fontset_free(fs);
  ep_diags_free(&d);
  unlink(fake);
}
END_TEST

// Runs as its own ctest (unit_test_font_noto: `test_font noto`), reported as
// skipped when fonts-noto-cjk is not installed.
START_TEST(noto_cff_faces_are_skipped_with_a_note) {
  ck_assert_msg(access(NOTO, R_OK) == 0, "%s is not readable", NOTO);
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *c[] = {"Noto Sans CJK SC", "AR PL UMing CN"};
  ep_role *r = add_role(fs, &d, "hei", c, 2, NULL, NULL);
  ck_assert_ptr_nonnull(r);
  ck_assert_uint_eq(ep_role_face_count(r), 1);
  ck_assert(ends_with(ep_face_path(ep_role_face(r, 0)), "/uming.ttc"));
  const ep_diag_item *n = find_code(&d, "font-not-truetype");
  ck_assert_ptr_nonnull(n);
  ck_assert_int_eq(n->severity, EP_NOTE);
  ck_assert_ptr_nonnull(strstr(n->message, "Noto Sans CJK SC"));
  ck_assert_ptr_nonnull(strstr(n->message, "TrueType (glyf)"));
  ck_assert_uint_eq(count_code(&d, "font-role-substitute"), 1);
  ck_assert_ptr_nonnull(strstr(find_code(&d, "font-role-substitute")->message,
                               "no Noto Sans CJK SC font with TrueType (glyf) outlines"));
  ck_assert_uint_eq(d.errors + d.warnings, 0);

  const char *p[] = {NOTO "#2", GBSN};
  ep_role *rp = add_role(fs, &d, "path", p, 2, NULL, NULL);
  ck_assert_ptr_nonnull(rp);
  ck_assert(ends_with(ep_face_path(ep_role_face(rp, 0)), "/gbsn00lp.ttf"));
  ck_assert_uint_eq(count_code(&d, "font-not-truetype"), 2);
  char text[4096];
  ep_fontset_describe_text(fs, text, sizeof text);
  ck_assert_ptr_nonnull(strstr(text, "path\t1\t" NOTO "#2\tnot-truetype\t"));
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

START_TEST(advances_and_coverage_gbsn00lp) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *c[] = {"AR PL SungtiL GB", "AR PL UMing CN"};
  ep_role *r = add_role(fs, &d, "song", c, 2, NULL, NULL);
  ck_assert_ptr_nonnull(r);
  ep_face *gb = ep_role_face(r, 0), *um = ep_role_face(r, 1);
  ck_assert_int_eq(ep_face_advance(gb, CP_HAN), 1000);
  for (uint32_t cp = '0'; cp <= '9'; cp++)
    ck_assert_int_eq(ep_face_advance(gb, cp), 500);
  ck_assert_int_eq(ep_face_advance(gb, 0xFF0Cu), 1000); // ，
  ck_assert(ep_face_has(gb, CP_HAN));
  ck_assert(!ep_face_has(gb, CP_BAN));
  ck_assert(ep_face_has(um, CP_BAN));
  ck_assert_int_eq(ep_face_advance(um, CP_BAN), 1000);
  ck_assert(!ep_face_has(gb, 0x110000u)); // beyond Unicode
  ck_assert_int_eq(ep_face_advance(gb, CP_BAN), ep_face_advance(gb, 0x110000u)); // .notdef
  const ep_face_metrics *m = ep_face_metrics_get(gb);
  ck_assert_int_gt(m->units_per_em, 0);
  ck_assert_int_gt(m->ascender, 0);
  ck_assert_int_lt(m->descender, 0);
  ck_assert_int_eq(m->ascent, m->ascender * 1000 / m->units_per_em);
  ck_assert_int_eq(m->descent, m->descender * 1000 / m->units_per_em);
  ck_assert_int_le(m->y_min, m->descender);
  ck_assert_str_ne(ep_face_postscript_name(gb), "");
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

START_TEST(advances_match_freetype_for_uming_and_zenhei) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *c[] = {UMING, ZENHEI};
  ep_role *r = add_role(fs, &d, "mix", c, 2, NULL, NULL);
  ck_assert_ptr_nonnull(r);
  FT_Library lib;
  ck_assert_int_eq(FT_Init_FreeType(&lib), 0);
  static const uint32_t extra[] = {0x201C, 0x201D, 0x2018, 0x2019, 0x3001, 0x3002, 0xFF0C,
                                   0x2014, 0x2026, 0x00B7, 0x2116, 0x01D6, 0x3220, 0x2236};
  for (size_t k = 0; k < 2; k++) {
    ep_face *f = ep_role_face(r, k);
    FT_Face ft;
    ck_assert_int_eq(FT_New_Face(lib, k ? ZENHEI : UMING, 0, &ft), 0);
    for (int pass = 0; pass < 2; pass++) { // second pass answers from the cache
      for (uint32_t cp = 0x20; cp < 0x7F + 14; cp++) {
        uint32_t q = cp < 0x7F ? cp : extra[cp - 0x7F];
        bool cov;
        int w = ft_advance(ft, q, &cov);
        ck_assert_int_eq(ep_face_advance(f, q), w);
        ck_assert(ep_face_has(f, q) == cov);
      }
    }
    FT_Done_Face(ft);
  }
  FT_Done_FreeType(lib);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

// 'count_components()' - Add to SEEN (by gid) every component glyph of GID, recursively.
static void count_components(FT_Face ft, FT_UInt gid, unsigned char *seen, size_t *n) {
  ck_assert_int_eq(FT_Load_Glyph(ft, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE), 0);
  if (ft->glyph->format != FT_GLYPH_FORMAT_COMPOSITE)
    return;
  FT_UInt n_sub = ft->glyph->num_subglyphs;
  FT_Int sub[64];
  ck_assert_uint_le(n_sub, 64);
  for (FT_UInt i = 0; i < n_sub; i++) {
    FT_UInt flags;
    FT_Int a1, a2;
    FT_Matrix mx;
    ck_assert_int_eq(FT_Get_SubGlyph_Info(ft->glyph, i, &sub[i], &flags, &a1, &a2, &mx), 0);
  }
  for (FT_UInt i = 0; i < n_sub; i++)
    if (!seen[sub[i]]) {
      seen[sub[i]] = 2;
      (*n)++;
      count_components(ft, (FT_UInt)sub[i], seen, n);
    }
}

// 'memchr_u32()' - Whether V is among CPS[0..N-1] (so CPS[N] repeats it).
static bool memchr_u32(const uint32_t *cps, size_t n, uint32_t v) {
  for (size_t i = 0; i < n; i++)
    if (cps[i] == v)
      return true;
  return false;
}

// 'glyph_advance()' - The advance of glyph GID of FACE, in 1/1000 em.
static int glyph_advance(FT_Face face, FT_UInt gid) {
  FT_Fixed adv = 0;
  ck_assert_int_eq(FT_Get_Advance(face, gid, FT_LOAD_NO_SCALE, &adv), 0);
  return (int)((long)adv * 1000 / face->units_per_EM);
}

// 'check_subset()' - Subset FACE (file PATH#INDEX) to CPS and verify the blob
// through FreeType: one face; each character's glyph with the same advance
// (subset.c's subsets: glyph 1 + k for the k-th of the sorted distinct
// characters, no cmap; hb-subset's: through its cmap, nothing else mapped);
// glyph count bounded; only the kept tables.
static void check_subset(ep_face *face, const char *path, unsigned index, const uint32_t *cps,
                         size_t n) {
  unsigned char *blob = NULL;
  size_t len = 0;
  ck_assert(ep_face_subset(face, cps, n, &blob, &len));
  ck_assert_ptr_nonnull(blob);
  ck_assert_uint_gt(len, 12);

  FT_Library lib;
  ck_assert_int_eq(FT_Init_FreeType(&lib), 0);
  FT_Face orig, sub;
  ck_assert_int_eq(FT_New_Face(lib, path, index, &orig), 0);
  ck_assert_int_eq(FT_New_Memory_Face(lib, blob, (FT_Long)len, 0, &sub), 0);
  ck_assert_int_eq(sub->num_faces, 1);
  ck_assert_int_eq(sub->units_per_EM, orig->units_per_EM);
  bool by_cmap = sub->num_charmaps > 0; // hb-subset's
  unsigned char *seen = calloc((size_t)orig->num_glyphs, 1);
  size_t covered = 0, components = 0, distinct = 0;
  for (size_t i = 0; i < n; i++) {
    size_t rank = 0; // among the distinct characters, ascending
    bool first = true;
    for (size_t j = 0; j < n; j++) {
      rank += cps[j] < cps[i] && !memchr_u32(cps, j, cps[j]);
      first &= !(j < i && cps[j] == cps[i]);
    }
    distinct += first;
    FT_UInt g0 = FT_Get_Char_Index(orig, cps[i]);
    FT_UInt g1 = by_cmap ? FT_Get_Char_Index(sub, cps[i]) : (FT_UInt)(1 + rank);
    if (by_cmap)
      ck_assert_msg((g0 != 0) == (g1 != 0), "U+%04X: coverage differs", (unsigned)cps[i]);
    ck_assert_msg(glyph_advance(orig, g0) == glyph_advance(sub, g1), "U+%04X (glyph %u): advance differs",
                  (unsigned)cps[i], g1);
    if (g0 && !seen[g0]) {
      seen[g0] = 1;
      covered++;
    }
  }
  for (FT_Long g = 1; g < orig->num_glyphs; g++)
    if (seen[g] == 1)
      count_components(orig, (FT_UInt)g, seen, &components);
  size_t slots = by_cmap ? covered : distinct; // subset.c: one glyph per character, covered or not
  ck_assert_int_le(sub->num_glyphs, (FT_Long)(slots + 1 + components));
  ck_assert_int_ge(sub->num_glyphs, (FT_Long)(slots + 1));
  ck_assert_int_le(sub->num_glyphs, 32768);
  free(seen);

  // Table directory: only the tables the PDF writer needs.
  unsigned n_tables = (unsigned)(blob[4] << 8 | blob[5]);
  ck_assert_uint_ge(len, 12 + 16 * (size_t)n_tables);
  bool has_glyf = false;
  for (unsigned i = 0; i < n_tables; i++) {
    char tag[5];
    memcpy(tag, blob + 12 + 16 * i, 4);
    tag[4] = 0;
    ck_assert_msg(strstr("cmap glyf loca hmtx hhea head maxp name OS/2 post", tag) != NULL,
                  "unexpected table '%s'", tag);
    has_glyf |= strcmp(tag, "glyf") == 0;
  }
  ck_assert(has_glyf);
  FT_Done_Face(sub);
  FT_Done_Face(orig);
  FT_Done_FreeType(lib);
  free(blob);
}

START_TEST(subset_round_trips_through_freetype) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *c[] = {GBSN, UMING, ZENHEI "#1"};
  ep_role *r = add_role(fs, &d, "s", c, 3, NULL, NULL);
  ck_assert_ptr_nonnull(r);
  // 汉字报告，。“”0123A, 辦 (not in gbsn00lp), ǖǘ (nested composites in UMing), 汉 twice
  static const uint32_t cps[] = {0x6C49, 0x5B57, 0x62A5, 0x544A, 0xFF0C, 0x3002, 0x201C,
                                 0x201D, '0',    '1',    '2',    '3',    'A',    0x8FA6,
                                 0x01D6, 0x01D8, 0x6C49, 0x3220};
  size_t n = sizeof cps / sizeof cps[0];
  check_subset(ep_role_face(r, 0), GBSN, 0, cps, n);
  check_subset(ep_role_face(r, 1), UMING, 0, cps, n);
  check_subset(ep_role_face(r, 2), ZENHEI, 1, cps, n);

  unsigned char *blob = (unsigned char *)"x";
  size_t len = 7;
  ck_assert(ep_face_subset(ep_role_face(r, 0), NULL, 0, &blob, &len)); // .notdef only
  ck_assert_uint_gt(len, 0);
  free(blob);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

// A face subset.c refuses (a table directory that names 'fvar', as a
// variable font's does) is cut by hb-subset instead, which the library
// loads with dlopen() only then: the result passes the same checks.
START_TEST(refused_face_goes_through_hb_subset) {
  const char *serif = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf";
  FILE *in = fopen(serif, "rb");
  ck_assert_ptr_nonnull(in);
  static unsigned char data[1 << 20];
  size_t len = fread(data, 1, sizeof data, in);
  fclose(in);
  ck_assert(len > 1000 && len < sizeof data);
  // 'gasp' -> 'fvar': the directory stays sorted (fpgm < fvar < glyf).
  unsigned tables = (unsigned)(data[4] << 8 | data[5]);
  bool renamed = false;
  for (unsigned i = 0; i < tables && !renamed; i++)
    if (memcmp(data + 12 + 16 * i, "gasp", 4) == 0) {
      memcpy(data + 12 + 16 * i, "fvar", 4);
      renamed = true;
    }
  ck_assert(renamed);
  char dir[] = "/tmp/test_font-hb-XXXXXX", path[64];
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/var.ttf", dir);
  FILE *out = fopen(path, "wb");
  ck_assert_uint_eq(fwrite(data, 1, len, out), len);
  fclose(out);
  static const uint32_t cps[] = {'0', '9', 'A', 'a', 0xE9, 0xFC, 0x2014};
  uint32_t gids[7];
  for (int i = 0; i < 7; i++)
    gids[i] = (uint32_t)i + 3;
  unsigned char *own = NULL;
  size_t own_len = 0;
  ck_assert(!ep_ttf_subset(data, len, 0, cps, gids, 7, 32768, &own, &own_len)); // subset.c refuses it
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *c[] = {path};
  ep_role *r = add_role(fs, &d, "v", c, 1, NULL, NULL);
  ck_assert_ptr_nonnull(r);
  check_subset(ep_role_face(r, 0), path, 0, cps, 7);
  ep_fontset_free(fs);
  ep_diags_free(&d);
  unlink(path);
  rmdir(dir);
}
END_TEST

// 'gbsn_face()' - The face of a role "s" of FS made of gbsn00lp alone.
static ep_face *gbsn_face(ep_fontset *fs, ep_diags *d) {
  const char *c[] = {GBSN};
  ep_role *r = add_role(fs, d, "s", c, 1, NULL, NULL);
  ck_assert_ptr_nonnull(r);
  return ep_role_face(r, 0);
}

// A font program is the subset and its deflate, the same bytes from the
// cache as made fresh, for several code point sets (more than the cache holds).
START_TEST(font_program_is_cached_subset_and_deflate) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  ep_face *face = gbsn_face(fs, &d);
  struct libdeflate_decompressor *dz = libdeflate_alloc_decompressor();
  ep_blob *first[6] = {0};
  for (int round = 0; round < 2; round++)
    for (uint32_t set = 0; set < 6; set++) {
      uint32_t cps[40];
      for (uint32_t i = 0; i < 40; i++)
        cps[i] = 0x4E00u + set * 100u + 3u * i;
      ep_blob *raw = NULL, *z = NULL;
      unsigned char *sub = NULL;
      size_t sub_len = 0;
      ck_assert(ep_face_program(face, cps, 40, &raw, &z));
      ck_assert(ep_face_subset(face, cps, 40, &sub, &sub_len));
      ck_assert_uint_eq(raw->len, sub_len);
      ck_assert_mem_eq(raw->data, sub, sub_len);
      unsigned char *back = malloc(raw->len);
      size_t back_len = 0;
      ck_assert_int_eq(libdeflate_zlib_decompress(dz, z->data, z->len, back, raw->len, &back_len),
                       LIBDEFLATE_SUCCESS);
      ck_assert_uint_eq(back_len, raw->len);
      ck_assert_mem_eq(back, raw->data, raw->len);
      ep_blob *again_raw = NULL, *again_z = NULL; // just made: the cached bytes, shared rather than copied
      ck_assert(ep_face_program(face, cps, 40, &again_raw, &again_z));
      ck_assert_ptr_eq(again_raw, raw);
      ck_assert_ptr_eq(again_z, z);
      ep_blob_unref(again_raw);
      ep_blob_unref(again_z);
      if (round == 0) {
        first[set] = z;
      } else { // six sets through four cache slots: made again, the same bytes
        ck_assert_uint_eq(z->len, first[set]->len);
        ck_assert_mem_eq(z->data, first[set]->data, z->len);
        ep_blob_unref(first[set]);
        ep_blob_unref(z);
      }
      free(back);
      ep_blob_unref(raw);
      free(sub);
    }
  libdeflate_free_decompressor(dz);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

// 'identity_subset()' - True when the TrueType font DATA (LEN bytes) has no
// cmap and at least N + 1 glyphs: the PDF writer maps its CID 1 + i to glyph
// 1 + i (pdf_text.c's ep_pdf_cid_to_gid() sees it so).
static bool identity_subset(const unsigned char *data, size_t len, size_t n) {
  if (len < 12)
    return false;
  size_t tables = (size_t)(data[4] << 8 | data[5]);
  bool cmap = false;
  size_t glyphs = 0;
  for (size_t i = 0; i < tables && 12 + 16 * (i + 1) <= len; i++) {
    const unsigned char *e = data + 12 + 16 * i;
    size_t off = (size_t)e[8] << 24 | (size_t)e[9] << 16 | (size_t)e[10] << 8 | e[11];
    cmap |= !memcmp(e, "cmap", 4);
    if (!memcmp(e, "maxp", 4) && off + 6 <= len)
      glyphs = (size_t)(data[off + 4] << 8 | data[off + 5]);
  }
  return !cmap && glyphs >= n + 1;
}

// A program kept on disk reads back in another font set as its deflate and
// the subset's length only (no data); a subset.c subset, whose glyph 1 + i
// draws the i-th character. Given that length-only subset once its deflate
// has left the face's cache, ep_face_program_deflate() cuts the subset again:
// the same deflate.
START_TEST(font_program_kept_on_disk_reads_back_as_length_and_deflate) {
  char dir[] = "/tmp/evalpdf-test-programs.XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  ep_fontset_options o;
  ep_fontset_options_init(&o);
  o.no_system_fonts = true;
  o.program_cache_dir = dir;
  uint32_t cps[50];
  for (uint32_t i = 0; i < 50; i++)
    cps[i] = 0x4E00u + 7u * i;
  ep_blob *raw0 = NULL, *z0 = NULL;
  for (int run = 0; run < 2; run++) { // run 0 makes and keeps it, run 1 reads it back
    ep_diags d;
    ep_diags_init(&d);
    ep_fontset *fs = NULL;
    ck_assert(ep_fontset_new(&o, &d, &fs));
    ep_face *face = gbsn_face(fs, &d);
    ep_blob *raw = NULL, *z = NULL;
    ck_assert(ep_face_program(face, cps, 50, &raw, &z));
    if (run == 0) {
      ck_assert_ptr_nonnull(raw->data); // made here
      unsigned char *sub = NULL;
      size_t sub_len = 0;
      ck_assert(identity_subset(raw->data, raw->len, 50));
      ck_assert(ep_face_subset(face, cps, 50, &sub, &sub_len));
      ck_assert_uint_eq(sub_len, raw->len);
      free(sub);
      raw0 = ep_blob_take(memcpy(malloc(raw->len), raw->data, raw->len), raw->len);
      z0 = ep_blob_take(memcpy(malloc(z->len), z->data, z->len), z->len);
    } else {
      ck_assert_ptr_null(raw->data); // read back: the length only
      ck_assert_uint_eq(raw->len, raw0->len);
      ck_assert_uint_eq(z->len, z0->len);
      ck_assert_mem_eq(z->data, z0->data, z->len);
    }
    ep_blob_unref(raw);
    ep_blob_unref(z);
    ep_fontset_free(fs);
    ep_diags_free(&d);
  }
  // A length-only subset whose deflate is in no cache (a font set without
  // the folder): cut again, deflated, the same bytes.
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  ep_face *face = gbsn_face(fs, &d);
  ep_blob *stub = ep_blob_take(NULL, raw0->len), *z = NULL;
  ck_assert(ep_face_program_deflate(face, cps, 50, stub, &z));
  ck_assert_uint_eq(z->len, z0->len);
  ck_assert_mem_eq(z->data, z0->data, z->len);
  ep_blob_unref(z);
  ep_blob_unref(stub);
  stub = ep_blob_take(NULL, raw0->len + 1); // a length that is not the subset's: refused
  cps[0] = 0x4E01u; // (another set: nothing cached for it)
  ck_assert(!ep_face_program_deflate(face, cps, 50, stub, &z));
  ck_assert_ptr_null(z);
  ep_blob_unref(stub);
  ep_fontset_free(fs);
  ep_diags_free(&d);
  ep_blob_unref(raw0);
  ep_blob_unref(z0);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

// 'same_as_serial()' - Item K of P (deflate waited for first) equals the
// program ep_face_program() makes of FACE for CPS[0..N-1] on this thread.
static void same_as_serial(ep_programs *p, size_t k, ep_face *face, const uint32_t *cps, size_t n) {
  const unsigned char *raw, *z;
  size_t raw_len, z_len;
  ck_assert(ep_programs_deflated(p, k, &z, &z_len));
  ck_assert(ep_programs_raw(p, k, &raw, &raw_len));
  ep_blob *sraw, *sz;
  ck_assert(ep_face_program(face, cps, n, &sraw, &sz));
  ck_assert_uint_eq(raw_len, sraw->len);
  ck_assert_mem_eq(raw, sraw->data, raw_len);
  ck_assert_uint_eq(z_len, sz->len);
  ck_assert_mem_eq(z, sz->data, z_len);
  ep_blob_unref(sraw);
  ep_blob_unref(sz);
}

// Programs made with the helper thread equal ep_face_program()'s, whatever
// order the items are asked for in, with a failing item (a NULL face) among
// them, and when the object is freed before every item was asked for.
START_TEST(programs_on_two_threads_equal_serial_programs) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  ep_face *face = gbsn_face(fs, &d);
  enum { N = 5 };
  static uint32_t sets[N][60];
  ep_face *faces[N];
  const uint32_t *cps[N];
  size_t ns[N];
  for (size_t k = 0; k < N; k++) {
    ns[k] = 10 + 12 * k; // different sizes: the helper takes the largest first
    for (size_t i = 0; i < ns[k]; i++)
      sets[k][i] = 0x5000u + (uint32_t)(k * 300 + 5 * i);
    faces[k] = k == 2 ? NULL : face;
    cps[k] = sets[k];
  }
  for (int round = 0; round < 3; round++) {
    ep_programs *p = ep_programs_start(faces, cps, ns, N, round != 1); // round 1: no helper
    for (size_t j = 0; j < N; j++) {
      size_t k = round == 1 ? N - 1 - j : j;
      const unsigned char *raw, *z;
      size_t raw_len, z_len;
      if (round == 2 && k == 3)
        break; // freed with items left
      if (k == 2) {
        ck_assert(!ep_programs_raw(p, k, &raw, &raw_len));
        ck_assert(!ep_programs_deflated(p, k, &z, &z_len));
        continue;
      }
      same_as_serial(p, k, face, sets[k], ns[k]);
    }
    ep_programs_free(p);
  }
  ep_programs *none = ep_programs_start(NULL, NULL, NULL, 0, true);
  const unsigned char *raw;
  size_t raw_len;
  ck_assert(!ep_programs_raw(none, 0, &raw, &raw_len));
  ep_programs_free(none);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

// A parallel job of the test: counts its runs and which thread ran it.
typedef struct par_count {
  _Atomic unsigned runs[1000];
  _Atomic unsigned others; // jobs run off the caller's thread
  pthread_t caller;
} par_count;

// 'par_count_job()' - Job I of the par_count ARG: spin a little, count the run.
static void par_count_job(void *arg, size_t i) {
  par_count *c = arg;
  volatile unsigned x = 0;
  for (unsigned k = 0; k < 20000; k++)
    x += k;
  atomic_fetch_add(&c->runs[i], 1);
  if (!pthread_equal(pthread_self(), c->caller))
    atomic_fetch_add(&c->others, 1);
}

// ep_programs_parallel() runs every job exactly once and returns after the
// last: with a helper (which takes some of them), without one, on a NULL
// object, for one job and for none, several times on one object.
START_TEST(parallel_jobs_run_once_each) {
  unsigned helped = 0;
  for (int round = 0; round < 4; round++) {
    ep_programs *p = round == 3 ? NULL : ep_programs_new(round != 1); // round 1: no helper
    for (int call = 0; call < 3; call++) {
      static par_count c;
      memset(&c, 0, sizeof c);
      c.caller = pthread_self();
      size_t n = call == 0 ? 1000 : call == 1 ? 1 : 0;
      ep_programs_parallel(p, n, par_count_job, &c);
      for (size_t i = 0; i < 1000; i++)
        ck_assert_uint_eq(atomic_load(&c.runs[i]), i < n ? 1u : 0u);
      if (round == 1 || round == 3) // no helper: all on this thread
        ck_assert_uint_eq(atomic_load(&c.others), 0);
      helped += atomic_load(&c.others);
    }
    ep_programs_free(p);
  }
  // The helper takes some when it is free (it waits awake for work); a
  // loaded machine may keep it off its core for a whole call, so a few tries.
  for (int attempt = 0; attempt < 20 && !helped; attempt++) {
    ep_programs *p = ep_programs_new(true);
    static par_count c;
    memset(&c, 0, sizeof c);
    c.caller = pthread_self();
    ep_programs_parallel(p, 1000, par_count_job, &c);
    helped += atomic_load(&c.others);
    ep_programs_free(p);
  }
  ck_assert_uint_gt(helped, 0);
}
END_TEST

// Jobs made one by one (ep_programs_par_open(), _ready(), _close()) run
// exactly once each, the helper taking some before the set is closed; the
// set is refused without a helper, on a NULL object and while another set is
// open; an empty set closes at once; an object runs several sets in turn.
START_TEST(open_job_sets_run_once_each) {
  ck_assert(!ep_programs_par_open(NULL, par_count_job, NULL));
  ep_programs *none = ep_programs_new(false);
  static par_count c;
  ck_assert(!ep_programs_par_open(none, par_count_job, &c));
  ep_programs_free(none);
  unsigned before_close = 0;
  for (int attempt = 0; attempt < 20 && !before_close; attempt++) {
    ep_programs *p = ep_programs_new(true);
    for (int set = 0; set < 3; set++) {
      memset(&c, 0, sizeof c);
      c.caller = pthread_self();
      size_t n = set == 0 ? 1000 : set == 1 ? 7 : 0;
      ck_assert(ep_programs_par_open(p, par_count_job, &c));
      ck_assert(!ep_programs_par_open(p, par_count_job, &c)); // one set at a time
      for (size_t i = 0; i < n; i++) {
        ep_programs_par_ready(p, i + 1);
        volatile unsigned x = 0; // this thread makes the next job meanwhile
        for (unsigned k = 0; k < 20000; k++)
          x += k;
      }
      if (set == 0)
        before_close += atomic_load(&c.others);
      ep_programs_par_close(p, n);
      for (size_t i = 0; i < 1000; i++)
        ck_assert_uint_eq(atomic_load(&c.runs[i]), i < n ? 1u : 0u);
    }
    ep_programs_parallel(p, 10, par_count_job, &c); // the object runs other jobs after
    ep_programs_free(p);
  }
  ck_assert_uint_gt(before_close, 0);
}
END_TEST

// Streams handed to a programs object (ep_programs_add_stream()) come back
// as the bytes libdeflate makes of them on one thread, at their level,
// whether the helper made them or the caller (asked for in any order, some
// while the font items are still being made, with no helper at all), and
// the object may be freed with streams never asked for.
START_TEST(streams_deflate_as_on_one_thread) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  ep_face *face = gbsn_face(fs, &d);
  static uint32_t set[40];
  for (size_t i = 0; i < 40; i++)
    set[i] = 0x5000u + (uint32_t)(7 * i);
  ep_face *faces[1] = {face};
  const uint32_t *cps[1] = {set};
  size_t ns[1] = {40};
  enum { NS = 9 };
  for (int round = 0; round < 3; round++) {
    ep_programs *p = round == 2 ? ep_programs_new(true) : ep_programs_start(faces, cps, ns, 1, round == 0);
    unsigned char *copies[NS];
    size_t lens[NS];
    for (size_t k = 0; k < NS; k++) {
      lens[k] = 1000 + 3000 * k; // text-like bytes, different for each stream
      copies[k] = malloc(lens[k]);
      for (size_t i = 0; i < lens[k]; i++)
        copies[k][i] = (unsigned char)("BT /F1 16 Tf <0a1b> Tj ET\n"[i % 26] + (i / 977 + k) % 3);
      unsigned char *data = malloc(lens[k]);
      memcpy(data, copies[k], lens[k]);
      ck_assert_uint_eq(ep_programs_add_stream(p, data, lens[k], 1 + (int)(k % 3)), k);
    }
    if (round == 2)
      ep_programs_post(p, faces, cps, ns, 1); // items after the streams
    ep_programs_streams_end(p);
    for (size_t j = 0; j < NS; j++) {
      size_t k = round == 1 ? NS - 1 - j : j;
      if (round == 2 && k == NS - 2)
        break; // freed with streams never asked for
      const unsigned char *z;
      size_t z_len;
      ck_assert(ep_programs_stream(p, k, &z, &z_len));
      struct libdeflate_compressor *c = libdeflate_alloc_compressor(1 + (int)(k % 3));
      size_t bound = libdeflate_zlib_compress_bound(c, lens[k]);
      unsigned char *want = malloc(bound);
      size_t want_len = libdeflate_zlib_compress(c, copies[k], lens[k], want, bound);
      ck_assert_uint_gt(want_len, 0);
      ck_assert_uint_eq(z_len, want_len);
      ck_assert_mem_eq(z, want, want_len);
      free(want);
      libdeflate_free_compressor(c);
      if (k == 3)
        same_as_serial(p, 0, face, set, 40); // a font item between the streams
    }
    const unsigned char *z;
    size_t z_len;
    ck_assert(!ep_programs_stream(p, NS, &z, &z_len)); // no such stream
    ck_assert_ptr_null(z);
    ep_programs_free(p);
    for (size_t k = 0; k < NS; k++)
      free(copies[k]);
  }
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

// Programs made ahead (ep_programs_speculate(), called twice as render()
// calls it: the second call adds only the programs not asked for before)
// change nothing in the items: a matching item finds its program (or waits
// for the step being made), a different one is made as usual; calls after
// the items are ignored; and an object freed with programs queued and never
// posted leaks nothing (the ASan build).
START_TEST(speculation_leaves_items_unchanged) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  ep_face *face = gbsn_face(fs, &d);
  static uint32_t a[90], b[70], c[40];
  for (size_t i = 0; i < 90; i++)
    a[i] = 0x5100u + (uint32_t)(11 * i);
  for (size_t i = 0; i < 70; i++)
    b[i] = 0x6100u + (uint32_t)(13 * i);
  for (size_t i = 0; i < 40; i++)
    c[i] = 0x7100u + (uint32_t)(7 * i);
  ep_face *faces[3] = {face, face, face};
  const uint32_t *ahead[2] = {a, b}, *posted[3] = {a, b, c};
  size_t ns[2] = {90, 70}, pns[3] = {90, 69, 40}; // the second item differs from what was made ahead
  for (int round = 0; round < 4; round++) {
    ep_programs *p = ep_programs_new(round != 1); // round 1: no helper, nothing is made ahead
    ep_programs_speculate(p, faces, ahead, ns, 1);
    ep_programs_speculate(p, faces, ahead, ns, 2); // adds b; a was asked for
    ep_programs_speculate(p, NULL, ahead, ns, 0);  // nothing
    if (round == 3) { // never posted
      ep_programs_free(p);
      continue;
    }
    if (round == 2)
      nanosleep(&(struct timespec){0, 20000000}, NULL); // the helper is well into the programs made ahead
    ep_programs_post(p, faces, posted, pns, 3);
    ep_programs_speculate(p, faces, posted, pns, 3); // after the items: ignored
    same_as_serial(p, 0, face, a, 90);
    same_as_serial(p, 1, face, b, 69);
    same_as_serial(p, 2, face, c, 40);
    ep_programs_free(p);
  }
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

// 'cached_set()' - A font set caching the installed fonts in DIR, a family
// role resolved (which loads them); the role's face path, and whether the
// installed fonts came from the cache, in *CACHED.
static char *cached_set(const char *dir, bool *cached) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset_options o;
  ep_fontset_options_init(&o);
  o.cache_dir = dir;
  ep_fontset *fs = NULL;
  ck_assert(ep_fontset_new(&o, &d, &fs));
  const char *c[] = {"WenQuanYi Zen Hei"};
  ep_role *r = add_role(fs, &d, "h", c, 1, NULL, NULL);
  ck_assert_ptr_nonnull(r);
  char *path = strdup(ep_face_path(ep_role_face(r, 0)));
  *cached = ep_fontset_system_cached(fs);
  ep_fontset_free(fs);
  ep_diags_free(&d);
  return path;
}

// 'rewrite()' - Replace the first occurrence of FROM in file PATH by TO.
static void rewrite(const char *path, const char *from, const char *to) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  static char buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *at = strstr(buf, from);
  ck_assert_ptr_nonnull(at);
  f = fopen(path, "wb");
  fwrite(buf, 1, (size_t)(at - buf), f);
  fputs(to, f);
  fputs(at + strlen(from), f);
  fclose(f);
}

// The installed-font list is cached: the second font set reads the cache and
// resolves the same face; a corrupt, cut-short or stale cache (a font folder
// changed) is ignored, fontconfig asked again and the cache rewritten.
START_TEST(installed_font_list_is_cached_and_validated) {
  char dir[] = "/tmp/evalpdf-fontcache-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char file[256];
  snprintf(file, sizeof file, "%s/system-fonts.v1", dir);
  bool cached = true;
  char *first = cached_set(dir, &cached);
  ck_assert(!cached);
  struct stat st;
  ck_assert_int_eq(stat(file, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0600);
  // Each configuration file's stamp line is what printf writes from stat()
  // (the cache writes them without printf): its time, nanoseconds and size.
  FILE *cf = fopen(file, "r");
  ck_assert_ptr_nonnull(cf);
  char line[4400];
  int stamps = 0;
  int dirs = 0;
  while (fgets(line, sizeof line, cf)) {
    if (strncmp(line, "dir\t", 4) == 0) { // a font folder and its time
      char dpath[4200], want[4400];
      size_t dlen = strcspn(line + 4, "\t");
      ck_assert_uint_lt(dlen, sizeof dpath);
      memcpy(dpath, line + 4, dlen);
      dpath[dlen] = 0;
      struct stat ds;
      if (stat(dpath, &ds) == 0)
        snprintf(want, sizeof want, "dir\t%s\t%lld.%09ld\n", dpath, (long long)ds.st_mtim.tv_sec,
                 (long)ds.st_mtim.tv_nsec);
      else
        snprintf(want, sizeof want, "dir\t%s\tnone\n", dpath);
      ck_assert_str_eq(line, want);
      dirs++;
      continue;
    }
    if (strncmp(line, "stamp\t", 6) != 0)
      continue;
    char path[4200];
    size_t plen = strcspn(line + 6, "\t");
    ck_assert_uint_lt(plen, sizeof path);
    memcpy(path, line + 6, plen);
    path[plen] = 0;
    char want[4400];
    struct stat ps;
    if (stat(path, &ps) == 0)
      snprintf(want, sizeof want, "stamp\t%s\t%lld.%09ld\t%lld\n", path, (long long)ps.st_mtim.tv_sec,
               (long)ps.st_mtim.tv_nsec, (long long)ps.st_size);
    else
      snprintf(want, sizeof want, "stamp\t%s\tnone\n", path);
    ck_assert_str_eq(line, want);
    stamps++;
  }
  fclose(cf);
  ck_assert_int_gt(stamps, 10); // fonts.conf, conf.d and its entries, the user's files
  ck_assert_int_gt(dirs, 0);
  char *again = cached_set(dir, &cached);
  ck_assert(cached);
  ck_assert_str_eq(again, first);
  free(again);
  // A folder fontconfig scanned "changed": the cache is stale.
  rewrite(file, "\ndir\t/usr/", "\ndir\t/nonexistent-evalpdf-folder/usr/"); // it existed
  again = cached_set(dir, &cached);
  ck_assert(!cached);
  ck_assert_str_eq(again, first);
  free(again);
  again = cached_set(dir, &cached); // rewritten: valid again
  ck_assert(cached);
  free(again);
  // Cut short (no end line), then garbage in a face line.
  rewrite(file, "\nend\n", "\n");
  again = cached_set(dir, &cached);
  ck_assert(!cached);
  free(again);
  rewrite(file, "\nfont\t", "\nfont\tx");
  again = cached_set(dir, &cached);
  ck_assert(!cached);
  ck_assert_str_eq(again, first);
  free(again);
  // A configuration file stamp that does not match.
  rewrite(file, "\nstamp\t", "\nstamp\t/x");
  again = cached_set(dir, &cached);
  ck_assert(!cached);
  free(again);
  free(first);
  unlink(file);
  ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

typedef struct hammer_job {
  ep_face *face;
  const int *ref_adv;        // reference advances for U+0000..U+FFFF
  const unsigned char *ref_has;
  uint32_t seed;
  size_t lookups;
  size_t mismatches;
  ep_fontset *fs;            // when set, also race role look-ups and subsetting
} hammer_job;

// 'hammer()' - Thread body: LOOKUPS pseudo-random BMP look-ups checked against
// the reference, plus (with FS) a role look-up and a subset of the same face.
static void *hammer(void *arg) {
  hammer_job *j = arg;
  uint32_t x = j->seed;
  if (j->fs) {
    uint32_t cps[64];
    for (uint32_t i = 0; i < 64; i++)
      cps[i] = 0x4E00u + j->seed + 17u * i;
    unsigned char *blob = NULL;
    size_t len = 0;
    if (ep_fontset_role(j->fs, "m") == NULL || !ep_face_subset(j->face, cps, 64, &blob, &len) ||
        len == 0)
      j->mismatches++;
    // The cached program of the same set, made while other threads use the face.
    ep_blob *raw = NULL, *z = NULL;
    if (!ep_face_program(j->face, cps, 64, &raw, &z) || raw->len != len ||
        (blob && memcmp(raw->data, blob, len) != 0) || z->len == 0)
      j->mismatches++;
    ep_blob_unref(raw);
    ep_blob_unref(z);
    free(blob);
  }
  for (size_t i = 0; i < j->lookups; i++) {
    x = x * 1664525u + 1013904223u;
    uint32_t cp = (x >> 8) & 0xFFFFu;
    if (i & 1) // half the look-ups in the CJK block, as in real text
      cp = 0x4E00u + cp % 0x5200u;
    if (ep_face_advance(j->face, cp) != j->ref_adv[cp] ||
        ep_face_has(j->face, cp) != j->ref_has[cp])
      j->mismatches++;
  }
  return NULL;
}

START_TEST(cache_hammer_million_lookups) {
  ep_diags d;
  ep_diags_init(&d);
  FT_Library lib;
  ck_assert_int_eq(FT_Init_FreeType(&lib), 0);
  FT_Face ft;
  ck_assert_int_eq(FT_New_Face(lib, UMING, 0, &ft), 0);
  int *ref_adv = malloc(0x10000 * sizeof *ref_adv);
  unsigned char *ref_has = malloc(0x10000);
  for (uint32_t cp = 0; cp < 0x10000; cp++) {
    bool cov;
    ref_adv[cp] = ft_advance(ft, cp, &cov);
    ref_has[cp] = cov;
  }
  FT_Done_Face(ft);
  FT_Done_FreeType(lib);

  // Single thread: 1e6 look-ups on a cold cache.
  ep_fontset *fs = new_set(&d);
  const char *c[] = {"AR PL UMing CN"};
  ep_role *r = add_role(fs, &d, "m", c, 1, NULL, NULL);
  ck_assert_ptr_nonnull(r);
  hammer_job one = {ep_role_face(r, 0), ref_adv, ref_has, 12345u, 1000000, 0, NULL};
  hammer(&one);
  ck_assert_uint_eq(one.mismatches, 0);
  ep_fontset_free(fs);

  // Four threads racing to fill a fresh cache (4 x 250 000 look-ups) and to
  // create the face's shared HarfBuzz face for subsetting.
  fs = new_set(&d);
  r = add_role(fs, &d, "m", c, 1, NULL, NULL);
  ck_assert_ptr_nonnull(r);
  hammer_job jobs[4];
  pthread_t th[4];
  for (int i = 0; i < 4; i++) {
    jobs[i] = (hammer_job){ep_role_face(r, 0), ref_adv, ref_has, 777u + (uint32_t)i, 250000, 0,
                           fs};
    ck_assert_int_eq(pthread_create(&th[i], NULL, hammer, &jobs[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    ck_assert_uint_eq(jobs[i].mismatches, 0);
  }
  ep_fontset_free(fs);
  free(ref_adv);
  free(ref_has);
  ck_assert_uint_eq(d.count, 0);
  ep_diags_free(&d);
}
END_TEST

// 'collect()' - ep_fontset_describe() callback storing the statuses in order.
static bool collect(const ep_font_cand_info *info, void *user) {
  ep_font_cand_status *out = user;
  out[info->index] = info->status;
  if (info->status == EP_FONT_CAND_MISSING)
    ck_assert(info->file == NULL && info->face_index == -1 && info->family == NULL);
  else
    ck_assert(info->file != NULL && info->face_index >= 0 && info->family != NULL);
  return true;
}

START_TEST(describe_reports_every_candidate) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  const char *c[] = {"EvalPDF Missing|评估缺失", "AR PL SungtiL GB",
                     "AR PL SungtiL GB|文鼎ＰＬ简报宋", "AR PL UMing CN"};
  ck_assert_ptr_nonnull(add_role(fs, &d, "song", c, 4, NULL, NULL));
  ep_font_cand_status st[4];
  ep_fontset_describe(fs, collect, st);
  ck_assert_int_eq(st[0], EP_FONT_CAND_MISSING);
  ck_assert_int_eq(st[1], EP_FONT_CAND_PRIMARY);
  ck_assert_int_eq(st[2], EP_FONT_CAND_REPEAT);
  ck_assert_int_eq(st[3], EP_FONT_CAND_FALLBACK);

  size_t need = ep_fontset_describe_text(fs, NULL, 0);
  char *text = malloc(need + 1);
  ck_assert_uint_eq(ep_fontset_describe_text(fs, text, need + 1), need);
  ck_assert_uint_eq(strlen(text), need);
  ck_assert_ptr_nonnull(strstr(text, "song\t1\tEvalPDF Missing|评估缺失\tmissing\t-\t-\n"));
  ck_assert_ptr_nonnull(
      strstr(text, "song\t2\tAR PL SungtiL GB\tprimary\t" GBSN "#0\tAR PL SungtiL GB\n"));
  ck_assert_ptr_nonnull(strstr(text, "song\t4\tAR PL UMing CN\tfallback\t" UMING "#0\t"));
  char small[8];
  ck_assert_uint_eq(ep_fontset_describe_text(fs, small, sizeof small), need);
  ck_assert_str_eq(small, "song\t1\t");
  free(text);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

START_TEST(default_roles_resolve_on_debian_fonts) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset *fs = new_set(&d);
  size_t n = 0;
  const ep_role_def *defs = ep_font_default_roles(&n);
  ck_assert_uint_eq(n, 5);
  for (size_t i = 0; i < n; i++) {
    size_t before = d.count;
    ep_role *r = NULL;
    ck_assert_msg(ep_fontset_add_role(fs, &defs[i], &d, &r), "role %s", defs[i].name);
    ck_assert_ptr_nonnull(ep_role_face_for(r, CP_HAN));
    ck_assert_ptr_nonnull(ep_role_face_for(r, CP_BAN));
    // One note exactly when the licensed first family is absent, nothing else.
    ep_font_cand_status st[8];
    ep_fontset_describe(fs, collect, st); // later roles overwrite; this role is last
    size_t notes = d.count - before;
    ck_assert_uint_eq(notes, st[0] == EP_FONT_CAND_PRIMARY ? 0 : 1);
  }
  ck_assert_uint_eq(d.errors + d.warnings, 0);
  ep_fontset_free(fs);
  ep_diags_free(&d);
}
END_TEST

// 'font_suite()' - All font tests in one Check suite.
static Suite *font_suite(void) {
  Suite *s = suite_create("font");
  TCase *tc = tcase_create("font");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, family_sungti_resolves_gbsn00lp);
  tcase_add_test(tc, family_match_ignores_ascii_case_and_knows_local_names);
  tcase_add_test(tc, family_selects_ttc_face_index_zenhei);
  tcase_add_test(tc, family_selects_uming_cn_and_tw_faces);
  tcase_add_test(tc, file_path_with_face_index);
  tcase_add_test(tc, font_dirs_are_scanned_and_take_precedence);
  tcase_add_test(tc, font_program_is_cached_subset_and_deflate);
  tcase_add_test(tc, font_program_kept_on_disk_reads_back_as_length_and_deflate);
  tcase_add_test(tc, programs_on_two_threads_equal_serial_programs);
  tcase_add_test(tc, speculation_leaves_items_unchanged);
  tcase_add_test(tc, streams_deflate_as_on_one_thread);
  tcase_add_test(tc, installed_font_list_is_cached_and_validated);
  tcase_add_test(tc, unknown_family_is_not_substituted);
  tcase_add_test(tc, fallback_follows_role_order_per_character);
  tcase_add_test(tc, missing_primary_gives_exactly_one_note);
  tcase_add_test(tc, all_missing_is_an_error_with_package_hint);
  tcase_add_test(tc, duplicate_role_is_refused);
  tcase_add_test(tc, bad_face_index_and_non_font_file_warn);
  tcase_add_test(tc, advances_and_coverage_gbsn00lp);
  tcase_add_test(tc, advances_match_freetype_for_uming_and_zenhei);
  tcase_add_test(tc, subset_round_trips_through_freetype);
  tcase_add_test(tc, refused_face_goes_through_hb_subset);
  tcase_add_test(tc, cache_hammer_million_lookups);
  tcase_add_test(tc, parallel_jobs_run_once_each);
  tcase_add_test(tc, open_job_sets_run_once_each);
  tcase_add_test(tc, describe_reports_every_candidate);
  tcase_add_test(tc, default_roles_resolve_on_debian_fonts);
  suite_add_tcase(s, tc);
  return s;
}

// 'noto_suite()' - The test that needs fonts-noto-cjk (CFF faces), alone.
static Suite *noto_suite(void) {
  Suite *s = suite_create("font-noto");
  TCase *tc = tcase_create("noto");
  tcase_add_test(tc, noto_cff_faces_are_skipped_with_a_note);
  suite_add_tcase(s, tc);
  return s;
}

// 'main()' - Run the suite; the exit status is 1 when a test failed. With the
// argument "noto", run the fonts-noto-cjk test alone, or exit 77 (ctest's
// SKIP_RETURN_CODE) when that package is not installed.
int main(int argc, char **argv) {
  bool noto = argc > 1 && strcmp(argv[1], "noto") == 0;
  if (noto && access(NOTO, R_OK) != 0) {
    printf("test_font noto: skipped: %s not found (apt-get install fonts-noto-cjk)\n", NOTO);
    return 77;
  }
  SRunner *sr = srunner_create(noto ? noto_suite() : font_suite());
  srunner_run_all(sr, CK_ENV); // CK_VERBOSITY=verbose lists every test
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
