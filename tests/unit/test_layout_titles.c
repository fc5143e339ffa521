// Unit tests of titles and headings: a report title breaks only where its
// words stay whole (GB/T 9704 7.3.1) in both shipped layouts, and a heading
// longer than a page wraps like a paragraph.
#include "layout_env.h"
#include "layout.h"
#include "util.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(long_heading_wraps_like_a_paragraph) {
  env e;
  env_open(&e);
  static char xml[1 << 16];
  strcpy(xml, "<report><meta><title>T</title></meta><body><section title=\"");
  for (int i = 0; i < 60; i++) // 960 characters: about 35 lines of 28
    strcat(xml, "社会救助资金管理规范执行进度良好");
  strcat(xml, "\"><p>正文。</p></section></body></report>");
  ep_report *r = load_text(xml);
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  ck_assert_msg(dl->npages <= 3, "a 35-line heading took %zu pages", dl->npages);
  done(&e, r, &d, dl);
}
END_TEST

// 'title_rows()' - The report title's lines on the first page of DL (the
// largest type there), joined into ROWS (each at most 512 bytes); returns how many.
static size_t title_rows(const ep_dlist *dl, char rows[][512], size_t max) {
  double big = 0;
  const ep_page *pg = &dl->pages[0];
  for (size_t k = 0; k < pg->n; k++)
    if (pg->boxes[k].kind == EP_BOX_TEXT && pg->boxes[k].size > big)
      big = pg->boxes[k].size;
  double ys[16];
  size_t n = 0;
  for (size_t k = 0; k < pg->n; k++) {
    const ep_box *b = &pg->boxes[k];
    if (b->kind != EP_BOX_TEXT || b->size != big)
      continue;
    size_t i = 0;
    while (i < n && fabs(ys[i] - b->y) > 0.01)
      i++;
    if (i == n && n < max && n < 16) {
      ys[n] = b->y;
      rows[n++][0] = 0;
    }
    if (i < n)
      strncat(rows[i], b->text, 511 - strlen(rows[i]));
  }
  return n;
}

// Titles as the generated county reports have them, each with the words no
// line may end inside (GB/T 9704 7.3.1: 回行时词意完整), in both layouts: ICU
// leaves 元/阳/县 and 两/项 as single characters and 福利/彩票 as two words.
START_TEST(title_breaks_keep_words_whole) {
  static const struct {
    const char *title;
    const char *words[4];
  } cases[] = {
      {"凤凰县民政局2022年福利彩票公益金使用情况公开", {"福利彩票", "公益金", "民政局"}},
      {"昭觉县2021年度残疾人两项补贴资金绩效评价报告", {"昭觉县", "残疾人", "两项", "绩效评价"}},
      {"关于红河哈尼族彝族自治州元阳县2022年度养老服务体系建设专项资金（含中央、省级补助资金）项目支出绩效自评报告",
       {"元阳县", "专项资金", "2022年度", "自评"}},
      {"关于韶关市乳源瑶族自治县2021年度社会事务和殡葬改革专项资金（含中央、省级补助资金）项目支出绩效评价报告",
       {"乳源", "专项资金", "自治县", "2021年度"}},
      {"乐昌市2022年度养老服务体系建设资金绩效评价报告", {"服务体系", "乐昌市", "绩效评价"}},
      {"某市2023年度“雪亮工程”二期建设项目（第二批）专项资金绩效评价报告", {"建设项目", "专项资金", "雪亮工程"}},
  };
  for (int layout = 0; layout < 2; layout++)
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
      env e;
      env_open_layout(&e, layout ? EVALPDF_TEST_SOURCE_DIR "/layouts/compact.xml"
                                 : EVALPDF_TEST_SOURCE_DIR "/layouts/official.xml");
      char xml[2048];
      snprintf(xml, sizeof xml, "<report><meta><title>%s</title></meta><body><p>正文。</p></body></report>",
               cases[c].title);
      ep_report *r = load_text(xml);
      ep_diags d;
      ep_dlist *dl = lay_out(&e, r, &d);
      char rows[16][512];
      size_t n = title_rows(dl, rows, 16);
      char joined[2048] = "";
      for (size_t i = 0; i < n; i++)
        strcat(joined, rows[i]);
      ck_assert_str_eq(joined, cases[c].title);
      ck_assert_msg(n >= 2 || layout == 0, "%s: %zu line(s) in the compact layout", cases[c].title, n);
      size_t at = 0;
      for (size_t i = 0; i + 1 < n; i++) { // each line end against each word's places in the title
        at += strlen(rows[i]);
        for (size_t w = 0; w < 4 && cases[c].words[w]; w++)
          for (const char *p = strstr(cases[c].title, cases[c].words[w]); p; p = strstr(p + 1, cases[c].words[w])) {
            size_t s = (size_t)(p - cases[c].title), end = s + strlen(cases[c].words[w]);
            ck_assert_msg(at <= s || at >= end, "%s layout: a line ends inside %s: %s|%s",
                          layout ? "compact" : "official", cases[c].words[w], rows[i], rows[i + 1]);
          }
      }
      done(&e, r, &d, dl);
    }
}
END_TEST

// 'titles_suite()' - The suite.
static Suite *titles_suite(void) {
  Suite *s = suite_create("layout_titles");
  TCase *tc = tcase_create("titles");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, long_heading_wraps_like_a_paragraph);
  tcase_add_test(tc, title_breaks_keep_words_whole);
  suite_add_tcase(s, tc);
  return s;
}

// 'main()' - Run the suite.
int main(void) {
  SRunner *sr = srunner_create(titles_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
