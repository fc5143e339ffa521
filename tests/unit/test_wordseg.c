// Check suite for src/wordseg.c: the dictionary path against ICU's word
// break iterator (the reference), on the reports' own texts, on texts built
// from jieba's word list, on random Han strings, and the texts that must
// go to the iterator (kana, compatibility and supplementary ideographs).
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "wordseg.h"

#define MAXN 4096

// 'decode()' - The code points of the LEN bytes of UTF-8 at S into CP (room
// for CAP); returns the count.
static size_t decode(const char *s, size_t len, uint32_t *cp, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < len && n < cap;)
    cp[n++] = ep_utf8_next(s, len, &i);
  return n;
}

// 'is_fast()' - A Han character the dictionary path handles.
static bool is_fast(uint32_t c) { return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF); }

// 'same()' - Segment CPS[0..N-1] with FAST (the public path) and with REF's
// iterator and fail, showing the text, where they differ. Returns how many
// Han pairs the text has.
static size_t same(ep_wordseg *fast, ep_wordseg *ref, const uint32_t *cps, size_t n) {
  static bool a[MAXN], b[MAXN];
  ck_assert(n <= MAXN);
  bool ra = ep_wordseg_inside(fast, cps, n, a);
  bool rb = ep_wordseg_icu_inside(ref, cps, n, b);
  ck_assert(ra == rb);
  size_t pairs = 0;
  for (size_t i = 1; i < n; i++) {
    pairs += is_fast(cps[i - 1]) && is_fast(cps[i]);
    if (a[i] != b[i]) {
      fprintf(stderr, "differ at %zu of:", i);
      for (size_t k = 0; k < n; k++)
        fprintf(stderr, " %04X%s", (unsigned)cps[k], k + 1 == i ? " |" : "");
      fprintf(stderr, "\n");
      ck_abort_msg("dictionary path says %s, ICU says %s at %zu", a[i] ? "inside" : "boundary",
                   b[i] ? "inside" : "boundary", i);
    }
  }
  return pairs;
}

// 'read_all()' - The bytes of PATH (NULL when it cannot be read), length in *LEN.
static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  char *s = malloc(cap);
  for (size_t got; (got = fread(s + n, 1, cap - n, f)) > 0;) {
    n += got;
    if (n == cap)
      s = realloc(s, cap *= 2);
  }
  fclose(f);
  *len = n;
  return s;
}

// The reports' own texts: every line of character data (tags removed) of
// the bundled example and the golden reports, fast and reference alike.
START_TEST(test_report_texts) {
  static const char *const files[] = {"examples/guangdong-2022-jiuzhu.xml", "tests/golden/full.xml",
                                      "tests/golden/county-008.xml", "tests/golden/tables.xml"};
  ep_wordseg *fast = ep_wordseg_new(), *ref = ep_wordseg_new();
  size_t texts = 0, pairs = 0;
  static uint32_t cps[MAXN];
  for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", EVALPDF_TEST_SOURCE_DIR, files[f]);
    size_t len;
    char *s = read_all(path, &len);
    ck_assert_msg(s != NULL, "cannot read %s", path);
    // Text between tags, cut at line ends.
    size_t start = 0;
    bool in_tag = false;
    for (size_t i = 0; i <= len; i++) {
      char c = i < len ? s[i] : '\n';
      if (in_tag) {
        in_tag = c != '>';
        start = i + 1;
        continue;
      }
      if (c == '<' || c == '\n') {
        size_t n = decode(s + start, i - start, cps, MAXN);
        if (n >= 2) {
          pairs += same(fast, ref, cps, n);
          texts++;
        }
        in_tag = c == '<';
        start = i + 1;
      }
    }
    free(s);
  }
  ck_assert_msg(texts > 500 && pairs > 5000, "only %zu texts with %zu Han pairs", texts, pairs);
  ck_assert_msg(!ep_wordseg_used_icu(fast), "the reports' texts should all take the dictionary path");
  ep_wordseg_free(fast);
  ep_wordseg_free(ref);
}
END_TEST

// 'rnd()' - A small deterministic generator (xorshift).
static uint32_t rnd(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return (uint32_t)(*s >> 16);
}

// Texts of 1-8 words of jieba's dictionary (python3-jieba; words of other
// characters left out), sometimes with a digit, a Latin letter or a
// punctuation mark between them. Without the list, the same from a fixed
// set of common words.
START_TEST(test_jieba_words) {
  size_t len = 0;
  char *s = read_all("/usr/lib/python3/dist-packages/jieba/dict.txt", &len);
  static const char fallback[] = "绩效 评价 报告 困难 群众 救助 补助 工作 经费 项目 资金 预算 执行 率 社会 "
                                 "民政 厅 省级 本级 未成年人 保护 信息化 核对 系统 指标 得分 合计 年度 目标";
  if (!s) {
    s = strdup(fallback);
    len = strlen(s);
  }
  // Words: the first field of each line (or each space-separated field).
  size_t nw = 0, cap = 1024;
  uint32_t **words = malloc(cap * sizeof *words);
  size_t *wl = malloc(cap * sizeof *wl);
  static uint32_t cps[MAXN];
  for (size_t i = 0; i < len;) {
    size_t j = i;
    while (j < len && s[j] != ' ' && s[j] != '\n')
      j++;
    size_t n = decode(s + i, j - i, cps, 64);
    bool ok = n > 0 && n < 64;
    for (size_t k = 0; k < n && ok; k++)
      ok = is_fast(cps[k]);
    if (ok) {
      if (nw == cap) {
        words = realloc(words, (cap *= 2) * sizeof *words);
        wl = realloc(wl, cap * sizeof *wl);
      }
      words[nw] = malloc(n * sizeof *cps);
      memcpy(words[nw], cps, n * sizeof *cps);
      wl[nw++] = n;
    }
    while (j < len && s[j] != '\n')
      j++;
    i = j + 1;
    if (s == NULL)
      break;
  }
  ck_assert_msg(nw >= 30, "only %zu words", nw);
  static const uint32_t between[] = {'1', '2', 'A', 0xFF0C, 0x3001, 0x3002, 0xFF08, 0xFF09, 0x201C, 0x201D,
                                     0x2014, ' ', '-', '%'};
  ep_wordseg *fast = ep_wordseg_new(), *ref = ep_wordseg_new();
  uint64_t seed = 0x9E3779B97F4A7C15u;
  size_t pairs = 0;
  for (int t = 0; t < 20000; t++) {
    size_t n = 0, k = 1 + rnd(&seed) % 8;
    for (size_t w = 0; w < k; w++) {
      size_t i = rnd(&seed) % nw;
      for (size_t c = 0; c < wl[i] && n < MAXN; c++)
        cps[n++] = words[i][c];
      if (rnd(&seed) % 6 == 0 && n < MAXN)
        cps[n++] = between[rnd(&seed) % (sizeof between / sizeof *between)];
    }
    pairs += same(fast, ref, cps, n);
  }
  ck_assert_msg(pairs > 20000, "only %zu Han pairs", pairs);
  ck_assert(!ep_wordseg_used_icu(fast));
  ep_wordseg_free(fast);
  ep_wordseg_free(ref);
  for (size_t i = 0; i < nw; i++)
    free(words[i]);
  free(words);
  free(wl);
  free(s);
}
END_TEST

// Random strings of Han characters (common and rare, both blocks), up to 60 long.
START_TEST(test_random_han) {
  ep_wordseg *fast = ep_wordseg_new(), *ref = ep_wordseg_new();
  uint64_t seed = 12345;
  uint32_t cps[64];
  for (int t = 0; t < 5000; t++) {
    size_t n = 2 + rnd(&seed) % 59;
    for (size_t i = 0; i < n; i++) {
      uint32_t r = rnd(&seed) % 10;
      cps[i] = r < 7 ? 0x4E00 + rnd(&seed) % 0x1000 /* common */ : r < 9 ? 0x4E00 + rnd(&seed) % 0x5200 : 0x3400 + rnd(&seed) % 0x19C0;
    }
    same(fast, ref, cps, n);
  }
  ck_assert(!ep_wordseg_used_icu(fast));
  ep_wordseg_free(fast);
  ep_wordseg_free(ref);
}
END_TEST

// Texts the dictionary path leaves to the iterator still agree with it,
// and a Latin word is never marked.
START_TEST(test_iterator_texts) {
  static const char *const texts[] = {
    "二〇二二年度绩效评价报告",     // 〇 (Han, outside the unified block)
    "人々の生活保障について",       // 々 and hiragana
    "カタカナのプロジェクト管理",   // katakana run
    "﨑山村救助资金使用情况",       // a compatibility ideograph (NFKC changes it)
    "𠀀𠀁项目资金拨付",             // supplementary Han
    "ｶﾀｶﾅﾞ半角片假名", // half-width katakana
  };
  ep_wordseg *fast = ep_wordseg_new(), *ref = ep_wordseg_new();
  uint32_t cps[256];
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    size_t n = decode(texts[i], strlen(texts[i]), cps, 256);
    same(fast, ref, cps, n);
  }
  ck_assert(ep_wordseg_used_icu(fast));
  static const char latin[] = "performance evaluation report 2022";
  size_t n = decode(latin, strlen(latin), cps, 256);
  bool inside[256];
  ck_assert(ep_wordseg_inside(fast, cps, n, inside));
  for (size_t i = 0; i < n; i++)
    ck_assert(!inside[i]);
  ep_wordseg_free(fast);
  ep_wordseg_free(ref);
}
END_TEST

// Known words stay whole and the memo gives the same answer twice.
START_TEST(test_known_words) {
  static const char text[] = "困难群众救助补助工作经费项目";
  uint32_t cps[64];
  size_t n = decode(text, strlen(text), cps, 64);
  bool a[64], b[64];
  ep_wordseg *w = ep_wordseg_new();
  ck_assert(ep_wordseg_inside(w, cps, n, a));
  ck_assert(a[1] && a[3] && a[5] && a[7] && a[9] && a[11] && a[13]); // 困难 群众 救助 补助 工作 经费 项目
  ck_assert(!a[2] && !a[4] && !a[6] && !a[8] && !a[10] && !a[12]);
  ck_assert(ep_wordseg_inside(w, cps, n, b));
  ck_assert(!memcmp(a, b, n * sizeof *a));
  ep_wordseg_free(w);
}
END_TEST

// 'suite()' - The word segmentation suite.
static Suite *suite(void) {
  Suite *s = suite_create("wordseg");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_report_texts);
  tcase_add_test(tc, test_jieba_words);
  tcase_add_test(tc, test_random_han);
  tcase_add_test(tc, test_iterator_texts);
  tcase_add_test(tc, test_known_words);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
