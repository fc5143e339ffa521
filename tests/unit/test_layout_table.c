// test_layout_table.c - Unit tests of tables in the layout: header rows
// repeated under 续表, rows split between their lines, merged cells, the
// self-evaluation form, captions, funds groups, and cell text kept inside
// its rules (split from test_layout.c).
#include "layout_env.h"
#include "layout.h"
#include "util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(scoring_table_across_pages) {
  env e;
  env_open(&e);
  ep_load_options o = {NULL, EVALPDF_TEST_SOURCE_DIR, NULL, NULL};
  ep_report *r = ep_report_load(EVALPDF_TEST_SOURCE_DIR "/tests/golden/tables.xml", &o);
  ck_assert_uint_eq(r->diags.errors, 0);
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  ck_assert_uint_ge(dl->npages, 2);
  static char t1[65536], t2[65536];
  page_text(dl, 0, t1, sizeof t1);
  page_text(dl, 1, t2, sizeof t2);
  // the header repeats, under 续表, and the cut 一级指标 group repeats its label and weight
  ck_assert_ptr_nonnull(strstr(t1, "一级指标"));
  ck_assert_ptr_nonnull(strstr(t2, "续表"));
  ck_assert_ptr_nonnull(strstr(t2, "一级指标"));
  ck_assert_ptr_nonnull(strstr(t1, "投入"));
  ck_assert_ptr_nonnull(strstr(t2, "投入"));
  // totals in the table are the model's
  ck_assert_ptr_nonnull(strstr(t2, "合计100"));
  ck_assert_ptr_nonnull(strstr(t2, "91等级优"));
  check_boxes(&e, dl);
  done(&e, r, &d, dl);
}
END_TEST

START_TEST(example_tables_show_model_figures) {
  env e;
  ep_report *r;
  ep_diags d;
  ep_dlist *dl = lay_out_example(&e, &r, &d);
  static char all[1 << 20];
  doc_text(dl, all, sizeof all);
  ck_assert_ptr_nonnull(strstr(all, "合计1000987.9198.79%"));
  ck_assert_ptr_nonnull(strstr(all, "987.91"));
  ck_assert_ptr_nonnull(strstr(all, "98.79%"));
  ck_assert_ptr_nonnull(strstr(all, "合计100"));
  ck_assert_ptr_nonnull(strstr(all, "93等级优"));
  check_boxes(&e, dl);
  done(&e, r, &d, dl);
}
END_TEST

START_TEST(long_table_repeats_header_on_every_page) {
  env e;
  env_open(&e);
  size_t cap = 1 << 20;
  char *xml = malloc(cap);
  strcpy(xml, "<report><meta><title>T</title></meta><body><table><thead><tr><th>序号</th><th>名称</th></tr></thead>");
  size_t len = strlen(xml);
  for (int i = 0; i < 1500; i++)
    len += (size_t)snprintf(xml + len, cap - len, "<tr><td>%d</td><td>项目%d</td></tr>", i + 1, i + 1);
  strcat(xml, "</table></body></report>");
  ep_report *r = load_text(xml);
  free(xml);
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  ck_assert_uint_ge(dl->npages, 20);
  static char t[65536];
  for (size_t p = 0; p < dl->npages; p++) {
    page_text(dl, p, t, sizeof t);
    ck_assert_msg(strstr(t, "序号名称") != NULL, "page %zu lacks the header", p + 1);
  }
  page_text(dl, dl->npages - 1, t, sizeof t);
  ck_assert_ptr_nonnull(strstr(t, "1500项目1500"));
  check_boxes(&e, dl);
  done(&e, r, &d, dl);
}
END_TEST

START_TEST(row_taller_than_page_is_split) {
  env e;
  env_open(&e);
  size_t cap = 1 << 16;
  char *xml = malloc(cap);
  strcpy(xml, "<report><meta><title>T</title></meta><body><table><thead><tr><th>项目</th><th>说明</th></tr></thead><tr><td>甲</td><td>");
  for (int i = 0; i < 150; i++)
    strcat(xml, "社会救助资金管理规范，执行进度良好。");
  strcat(xml, "</td></tr><tr><td>乙</td><td>末行</td></tr></table></body></report>");
  ep_report *r = load_text(xml);
  free(xml);
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  ck_assert_uint_ge(dl->npages, 2);
  size_t count = 0;
  static char t[65536];
  for (size_t p = 0; p < dl->npages; p++) {
    page_text(dl, p, t, sizeof t);
    ck_assert_msg(strstr(t, "项目说明") != NULL, "page %zu lacks the header", p + 1);
    ck_assert_msg(strstr(strstr(t, "项目说明") + 1, "项目说明") == NULL, "page %zu has the header twice", p + 1);
    for (const char *q = t; (q = strstr(q, "良好")) != NULL; q++)
      count++;
  }
  ck_assert_uint_eq(count, 150); // every line of the cell, none lost at a break
  // The last row follows the split row's end on the same page (it went to a
  // page of its own, under a second header).
  ck_assert_ptr_nonnull(strstr(t, "乙末行"));
  ck_assert_ptr_nonnull(strstr(t, "良好"));
  check_boxes(&e, dl);
  done(&e, r, &d, dl);
}
END_TEST

START_TEST(wide_table_warns_and_stays_inside_its_cells) {
  env e;
  env_open(&e);
  static char xml[1 << 17];
  strcpy(xml, "<report><meta><title>T</title></meta><body><table><thead><tr>");
  for (int c = 0; c < 60; c++)
    sprintf(xml + strlen(xml), "<th>指标%d</th>", c);
  strcat(xml, "</tr></thead>");
  for (int row = 0; row < 3; row++) {
    strcat(xml, "<tr>");
    for (int c = 0; c < 60; c++)
      sprintf(xml + strlen(xml), "<td>%d</td>", c * 1234567);
    strcat(xml, "</tr>");
  }
  strcat(xml, "</table></body></report>");
  ep_report *r = load_text(xml);
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  ck_assert_msg(has_diag(&d, "cell-overfull", 1), "no cell-overfull warning at the table's line");
  check_cell_text_inside(dl);
  check_boxes(&e, dl);
  done(&e, r, &d, dl);
}
END_TEST

// A merged cell with more text than fits in its rows on any page: its lines
// that do not fit are left out with a cell-cut warning at its line, and no
// line is drawn below its box (over the rows under it or the page's foot).
START_TEST(merged_cell_taller_than_a_page_is_cut_inside_its_box) {
  env e;
  env_open(&e);
  static char xml[1 << 18];
  strcpy(xml, "<report><meta><title>T</title></meta><body><table>\n<tr><td rowspan=\"3\">");
  for (int i = 0; i < 3000; i++)
    strcat(xml, "合并单元格文字");
  strcat(xml, "</td><td>a</td></tr><tr><td>b</td></tr><tr><td>c</td></tr></table></body></report>");
  ep_report *r = load_text(xml);
  ck_assert_uint_eq(r->diags.errors, 0);
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  ck_assert_msg(has_diag(&d, "cell-cut", 2), "no cell-cut warning at the merged cell's line");
  check_cell_text_inside(dl);
  check_boxes(&e, dl);
  done(&e, r, &d, dl);
}
END_TEST

// Upright and landscape (where the caption becomes the table's first row
// and the 续表 pages repeated the goal row instead of the indicator header).
START_TEST(form_repeats_indicator_header_and_prints_caption_once) {
  for (int land = 0; land < 2; land++) {
  env e;
  env_open(&e);
  static char xml[1 << 17];
  // (landscape: under a section of another title, so that the form prints its caption)
  snprintf(xml, sizeof xml, "<report><meta><title>T</title></meta><body><section title=\"%s\">"
              "<self-eval-form project=\"甲\" department=\"乙\" unit=\"丙\" budget-points=\"10\"%s>"
              "<budget initial=\"1000\" annual=\"1000\" executed=\"987.91\"/>"
              "<goal planned=\"保障困难群众基本生活\" achieved=\"全年保障1642人\"/>", land ? "绩效自评" : "项目支出绩效自评表", land ? " landscape=\"yes\"" : "");
  for (int i = 0; i < 30; i++)
    sprintf(xml + strlen(xml),
            "<indicator level1=\"产出指标\" level2=\"数量指标%d\" name=\"培训基层工作人员%d\" target=\"≥1500人\" "
            "actual=\"1642人\" points=\"3\" score=\"3\" deviation=\"个别乡镇核查不及时，下一步加强督导，按季度通报进度。\"/>",
            i, i);
  strcat(xml, "</self-eval-form></section></body></report>");
  ep_report *r = load_text(xml);
  ck_assert_uint_eq(r->diags.errors, 0);
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  ck_assert_uint_ge(dl->npages, 2);
  static char t[65536], all[1 << 18];
  all[0] = 0;
  size_t conts = 0;
  for (size_t p = 0; p < dl->npages; p++) {
    page_text(dl, p, t, sizeof t);
    strncat(all, t, sizeof all - strlen(all) - 1);
    if (strstr(t, "续表")) {
      conts++;
      ck_assert_msg(strstr(t, "一级指标") && strstr(t, "偏差原因"), "page %zu: 续表 without the indicator header", p + 1);
    }
  }
  ck_assert_uint_ge(conts, 1);
  const char *first = strstr(all, "项目支出绩效自评表");
  ck_assert_ptr_nonnull(first);
  ck_assert_msg(strstr(first + 1, "项目支出绩效自评表") == NULL, "the form's title is printed twice");
  if (!land) // (check_boxes() knows upright pages only)
    check_boxes(&e, dl);
  done(&e, r, &d, dl);
  }
}
END_TEST

// A table's caption, given as a <caption> element or a caption attribute,
// is printed whether the table is upright or landscape (the element was lost
// on landscape tables).
START_TEST(table_captions_in_every_orientation) {
  static const char *const tables[] = {
      "<table><caption>元素标题甲</caption><tr><th>列</th><td>值</td></tr></table>",
      "<table landscape=\"yes\"><caption>元素标题<b>乙</b></caption><tr><th>列</th><td>值</td></tr></table>",
      "<table caption=\"属性标题丙\"><tr><th>列</th><td>值</td></tr></table>",
      "<table caption=\"属性标题丁\" landscape=\"yes\"><tr><th>列</th><td>值</td></tr></table>",
  };
  static const char *const want[] = {"元素标题甲", "元素标题乙", "属性标题丙", "属性标题丁"};
  for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
    env e;
    env_open(&e);
    char xml[1024];
    snprintf(xml, sizeof xml, "<report><meta><title>T</title></meta><body><section title=\"表\">%s</section></body></report>",
             tables[i]);
    ep_report *r = load_text(xml);
    ck_assert_uint_eq(r->diags.errors, 0);
    ep_diags d;
    ep_dlist *dl = lay_out(&e, r, &d);
    static char all[1 << 17];
    doc_text(dl, all, sizeof all);
    ck_assert_msg(strstr(all, want[i]) != NULL, "table %zu: its caption %s is not printed", i, want[i]);
    if (!strstr(tables[i], "landscape")) // (check_boxes() knows upright pages only)
      check_boxes(&e, dl);
    done(&e, r, &d, dl);
  }
}
END_TEST

// A funds item over sub-items (a group row) never ends a page of its table:
// it goes on with its first sub-item, wherever the page break falls.
START_TEST(funds_group_row_keeps_its_first_item) {
  size_t cap = 1 << 17;
  char *xml = malloc(cap);
  size_t checked = 0;
  for (int filler = 0; filler < 12; filler++) {
    env e;
    env_open(&e);
    strcpy(xml, "<report><meta><title>T</title></meta><body><section title=\"资金\">");
    for (int i = 0; i < filler; i++)
      strcat(xml, "<p>社会救助资金管理规范，执行进度良好，资金拨付及时。</p>");
    strcat(xml, "<funds caption=\"资金表\">");
    // (names all CJK, so that each cell is one run of text)
    static const char *const cn[] = {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"};
    for (int g = 0; g < 30; g++) {
      sprintf(xml + strlen(xml), "<item name=\"组%s%s\" budget=\"30\">", cn[g / 10], cn[g % 10]);
      for (int k = 0; k < 3; k++)
        sprintf(xml + strlen(xml), "<item name=\"组%s%s项%s\" budget=\"10\" executed=\"9\"/>", cn[g / 10],
                cn[g % 10], cn[k]);
      strcat(xml, "</item>");
    }
    strcat(xml, "</funds></section></body></report>");
    ep_report *r = load_text(xml);
    ck_assert_uint_eq(r->diags.errors, 0);
    ep_diags d;
    ep_dlist *dl = lay_out(&e, r, &d);
    for (size_t p = 0; p < dl->npages; p++) {
      const char *last = NULL; // the last row's item name on this page
      for (size_t k = 0; k < dl->pages[p].n; k++) {
        const ep_box *b = &dl->pages[p].boxes[k];
        if (b->kind == EP_BOX_TEXT && b->size < 12 && !strncmp(b->text, "组", strlen("组")))
          last = b->text;
      }
      if (!last || p + 1 == dl->npages)
        continue;
      checked++;
      ck_assert_msg(strstr(last, "项") != NULL, "%d paragraphs before: page %zu ends with the group row %s", filler,
                    p + 1, last);
    }
    done(&e, r, &d, dl);
  }
  ck_assert_uint_ge(checked, 12);
  free(xml);
}
END_TEST

// An appendix whose first block is a landscape table: its heading (附件N and
// the title) is set on the table's first rotated page, above it, instead of
// alone on a page of its own; with a paragraph between them the heading's
// page stays upright and the table gets its own rotated page.
START_TEST(landscape_appendix_starts_under_its_heading) {
  for (int para = 0; para < 2; para++) {
    env e;
    env_open(&e);
    static char xml[1 << 15];
    strcpy(xml, "<report><meta><title>T</title></meta><body><section title=\"一\"><p>正文。</p></section>"
                "<appendix title=\"资金分配明细表\">");
    if (para)
      strcat(xml, "<p>说明文字。</p>");
    strcat(xml, "<table landscape=\"yes\" caption=\"明细\"><thead><tr><th>乡镇</th><th>金额</th></tr></thead>");
    for (int i = 0; i < 8; i++)
      strcat(xml, "<tr><td>乡镇甲</td><td>10</td></tr>");
    strcat(xml, "</table></appendix></body></report>");
    ep_report *r = load_text(xml);
    ck_assert_uint_eq(r->diags.errors, 0);
    ep_diags d;
    ep_dlist *dl = lay_out(&e, r, &d);
    static char t[65536];
    size_t head_page = SIZE_MAX, table_page = SIZE_MAX;
    for (size_t p = 0; p < dl->npages; p++) {
      page_text(dl, p, t, sizeof t);
      if (strstr(t, "资金分配明细表") && head_page == SIZE_MAX)
        head_page = p;
      if (strstr(t, "乡镇甲") && table_page == SIZE_MAX)
        table_page = p;
    }
    ck_assert_uint_ne(head_page, SIZE_MAX);
    ck_assert_uint_ne(table_page, SIZE_MAX);
    ck_assert(dl->pages[table_page].rotated);
    if (para) {
      ck_assert_uint_eq(table_page, head_page + 1);
      ck_assert(!dl->pages[head_page].rotated);
    } else {
      ck_assert_msg(table_page == head_page, "the heading is on page %zu, the table on page %zu", head_page + 1,
                    table_page + 1);
      // the heading above the table: in the turned page's coordinates its baseline is higher
      double head_y = 0, cell_y = 1e9;
      for (size_t k = 0; k < dl->pages[table_page].n; k++) {
        const ep_box *b = &dl->pages[table_page].boxes[k];
        if (b->kind == EP_BOX_TEXT && strstr(b->text, "资金分配明细表"))
          head_y = b->y;
        if (b->kind == EP_BOX_TEXT && strstr(b->text, "乡镇甲"))
          cell_y = fmin(cell_y, b->y);
      }
      ck_assert_double_gt(head_y, cell_y);
    }
    done(&e, r, &d, dl);
  }
}
END_TEST

// The title block is not a heading: a report whose body starts with a
// landscape table keeps its title page upright. A wrapped heading turned
// with the page keeps its lines flush with each other.
START_TEST(turned_pages_keep_title_upright_and_headings_flush) {
  env e;
  env_open(&e);
  ep_report *r = load_text("<report><meta><title>T</title><issuer>某县民政局</issuer><date>2024-03-05</date></meta>"
                           "<body><table landscape=\"yes\"><tr><th>甲</th><td>乙</td></tr></table></body></report>");
  ep_diags d;
  ep_dlist *dl = lay_out(&e, r, &d);
  ck_assert(!dl->pages[0].rotated);
  done(&e, r, &d, dl);
  env_open(&e);
  static char xml[8192];
  strcpy(xml, "<report><meta><title>T</title></meta><body><section title=\"一\"><p>正文。</p></section><pagebreak/>"
              "<section title=\"关于二〇二二年省级财政困难群众救助补助资金项目支出绩效自评工作中发现的主要问题和下一步改进措施的详细说明及附表\">"
              "<table landscape=\"yes\"><tr><th>甲</th><td>乙</td></tr></table></section></body></report>");
  r = load_text(xml);
  dl = lay_out(&e, r, &d);
  size_t turned = SIZE_MAX;
  for (size_t p = 0; p < dl->npages && turned == SIZE_MAX; p++)
    if (dl->pages[p].rotated)
      turned = p;
  ck_assert_uint_ne(turned, SIZE_MAX);
  // the heading's lines (size 16) start at the margin or its indent, never farther apart than the indent
  double x0 = 1e9, x1 = -1e9;
  int lines = 0;
  for (size_t k = 0; k < dl->pages[turned].n; k++) {
    const ep_box *b = &dl->pages[turned].boxes[k];
    if (b->kind == EP_BOX_TEXT && b->size > 12 && !b->upright) {
      bool first_of_line = true;
      for (size_t j = 0; j < dl->pages[turned].n; j++) {
        const ep_box *c = &dl->pages[turned].boxes[j];
        if (c->kind == EP_BOX_TEXT && c->size > 12 && fabs(c->y - b->y) < 0.01 && c->x < b->x)
          first_of_line = false;
      }
      if (first_of_line) {
        lines++;
        x0 = fmin(x0, b->x);
        x1 = fmax(x1, b->x);
      }
    }
  }
  ck_assert_int_ge(lines, 2);
  ck_assert_msg(x1 - x0 <= 2 * 16 + 0.5, "the heading's lines start %.1f pt apart", x1 - x0);
  done(&e, r, &d, dl);
}
END_TEST

// 'table_suite()' - The table tests.
static Suite *table_suite(void) {
  Suite *s = suite_create("layout_table");
  TCase *tc = tcase_create("tables");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, scoring_table_across_pages);
  tcase_add_test(tc, example_tables_show_model_figures);
  tcase_add_test(tc, long_table_repeats_header_on_every_page);
  tcase_add_test(tc, row_taller_than_page_is_split);
  tcase_add_test(tc, wide_table_warns_and_stays_inside_its_cells);
  tcase_add_test(tc, merged_cell_taller_than_a_page_is_cut_inside_its_box);
  tcase_add_test(tc, form_repeats_indicator_header_and_prints_caption_once);
  tcase_add_test(tc, table_captions_in_every_orientation);
  tcase_add_test(tc, funds_group_row_keeps_its_first_item);
  tcase_add_test(tc, landscape_appendix_starts_under_its_heading);
  tcase_add_test(tc, turned_pages_keep_title_upright_and_headings_flush);
  suite_add_tcase(s, tc);
  return s;
}

// 'main()' - Run the suite.
int main(void) {
  SRunner *sr = srunner_create(table_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
