// Unit tests of the report model: building, whitespace, numbering, figures,
// references, line numbers, confinement. Each test writes a small report to a
// private temp directory and loads it with ep_report_load().
#include "model.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[256];

// 'write_file()' - Write TEXT to tmpdir/NAME (creating subfolders one level deep).
static void write_file(const char *name, const char *text) {
  char p[512];
  const char *slash = strchr(name, '/');
  if (slash) {
    snprintf(p, sizeof p, "%s/%.*s", tmpdir, (int)(slash - name), name);
    mkdir(p, 0700);
  }
  snprintf(p, sizeof p, "%s/%s", tmpdir, name);
  FILE *f = fopen(p, "wb");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

// 'load()' - Write a report wrapping BODY (with META) and load it.
static ep_report *load_doc(const char *xml) {
  write_file("r.xml", xml);
  char p[512];
  snprintf(p, sizeof p, "%s/r.xml", tmpdir);
  ep_load_options o = {NULL, EVALPDF_TEST_SOURCE_DIR, NULL, NULL};
  return ep_report_load(p, &o);
}

static ep_report *load_body(const char *body) {
  char *buf = malloc(strlen(body) + 256);
  sprintf(buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report><meta><title>T</title></meta>\n<body>\n%s\n</body></report>\n", body);
  ep_report *r = load_doc(buf);
  free(buf);
  return r;
}

// 'has_diag()' - True when R has a diagnostic with CODE at LINE (0 = any line).
static bool has_diag(const ep_report *r, const char *code, unsigned long line) {
  for (size_t i = 0; i < r->diags.count; i++)
    if (!strcmp(r->diags.items[i].code, code) && (!line || r->diags.items[i].line == line))
      return true;
  return false;
}

// 'count_code()' - Number of diagnostics with CODE.
static size_t count_code(const ep_report *r, const char *code) {
  size_t n = 0;
  for (size_t i = 0; i < r->diags.count; i++)
    n += !strcmp(r->diags.items[i].code, code);
  return n;
}

// 'first_kind()' - First node of KIND in pre-order.
static ep_node *first_kind(ep_node *n, ep_kind k) {
  for (; n; n = n->next) {
    if (n->kind == k)
      return n;
    ep_node *c = first_kind(n->first, k);
    if (c)
      return c;
  }
  return NULL;
}

// 'text_of()' - Concatenated TEXT children of N.
static const char *text_of(ep_node *n) {
  static char buf[4096];
  buf[0] = 0;
  for (ep_node *c = n->first; c; c = c->next)
    if (c->kind == EP_N_TEXT)
      strncat(buf, c->text, sizeof buf - strlen(buf) - 1);
  return buf;
}

static void setup(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/evalpdf-test-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) {
  }
}

START_TEST(example_figures) {
  ep_load_options o = {NULL, EVALPDF_TEST_SOURCE_DIR, NULL, NULL};
  ep_report *r = ep_report_load(EVALPDF_TEST_SOURCE_DIR "/examples/guangdong-2022-jiuzhu.xml", &o);
  ck_assert_uint_eq(r->diags.errors, 0);
  ck_assert_uint_eq(r->diags.warnings, 0);
  ep_node *f = ep_find_id(r, "main");
  ck_assert_ptr_nonnull(f);
  char b[64];
  ck_assert_str_eq(ep_dec_format_plain(f->eff[EP_F_BUDGET].v, b, sizeof b), "1000");
  ck_assert_str_eq(ep_dec_format_plain(f->eff[EP_F_EXECUTED].v, b, sizeof b), "987.91");
  ck_assert_str_eq(ep_ratio_format_percent(f->rate, b, sizeof b), "98.79%");
  ep_node *s = ep_find_id(r, "self");
  ck_assert_str_eq(ep_dec_format_plain(s->eff_score.v, b, sizeof b), "93");
  ck_assert_str_eq(s->grade, "优");
  ck_assert_uint_eq(r->section_count, 27);
  ck_assert_uint_eq(r->top_section_count, 6);
  ep_report_free(r);
}
END_TEST

START_TEST(cjk_line_break_disappears) {
  ep_report *r = load_body("<p>第一行\n    第二行 and\n   Latin words\n  2022 年</p>");
  ep_node *p = first_kind(r->body, EP_N_P);
  ck_assert_str_eq(text_of(p), "第一行第二行 and Latin words 2022 年");
  ck_assert_uint_eq(r->diags.errors, 0);
  ep_report_free(r);
}
END_TEST

START_TEST(text_nodes_keep_source_lines) {
  ep_report *r = load_body("<p>甲\n乙\n丙</p>");
  ep_node *p = first_kind(r->body, EP_N_P);
  ck_assert_uint_eq(p->line, 4);
  ep_node *t = p->first;
  ck_assert_uint_eq(t->line, 4);
  ck_assert_uint_eq(t->next->line, 5);
  ck_assert_uint_eq(t->next->next->line, 6);
  ep_report_free(r);
}
END_TEST

START_TEST(space_around_inline_elements) {
  ep_report *r = load_body("<p>共 <value of=\"f.budget\"/> 万元，<b>重点</b> 工作</p>"
                           "<funds id=\"f\"><item name=\"a\" budget=\"5\" executed=\"5\"/></funds>");
  ep_node *p = first_kind(r->body, EP_N_P);
  // CJK – digit keeps one space on each side; CJK – CJK across <b> loses it.
  ep_node *c = p->first;
  ck_assert_str_eq(c->text, "共");
  ck_assert_int_eq(c->next->kind, EP_N_TEXT);
  ck_assert_str_eq(c->next->text, " ");
  ck_assert_int_eq(c->next->next->kind, EP_N_VALUE);
  ck_assert_str_eq(c->next->next->result, "5");
  ck_assert_str_eq(c->next->next->next->text, " 万元，");
  ep_node *bold = first_kind(p->first, EP_N_B);
  ck_assert_str_eq(bold->next->text, "工作");
  ep_report_free(r);
}
END_TEST

START_TEST(section_numbers_by_level) {
  ep_report *r = load_body("<section title=\"a\"><section title=\"b\"><section title=\"c\"><section title=\"d\">"
                           "<section title=\"e\"/><section title=\"e2\"/></section></section></section>"
                           "<section title=\"x\" number=\"none\"/><section id=\"b2\" title=\"b2\"/></section>"
                           "<section title=\"s2\"/><section title=\"s3\"/><section title=\"s4\"/><section title=\"s5\"/>"
                           "<section title=\"s6\"/><section title=\"s7\"/><section title=\"s8\"/><section title=\"s9\"/>"
                           "<section title=\"s10\"/><section id=\"s11\" title=\"s11\"/>"
                           "<p><ref to=\"b2\"/> <ref to=\"s11\"/></p>");
  ck_assert_uint_eq(r->diags.errors, 0);
  ep_node *s = first_kind(r->body, EP_N_SECTION);
  ck_assert_str_eq(s->number, "一、");
  ck_assert_str_eq(s->first->number, "（一）");
  ck_assert_str_eq(s->first->first->number, "1.");
  ck_assert_str_eq(s->first->first->first->number, "（1）");
  ck_assert_str_eq(s->first->first->first->first->number, "（1）");
  ck_assert_str_eq(s->first->first->first->first->next->number, "（2）");
  ck_assert_ptr_null(s->first->next->number);
  ck_assert_str_eq(s->first->next->next->number, "（二）");
  ck_assert_str_eq(ep_find_id(r, "s11")->number, "十一、");
  ep_node *ref = first_kind(r->body, EP_N_REF);
  ck_assert_str_eq(ref->result, "（二）");
  ep_report_free(r);
}
END_TEST

START_TEST(section_depth_33_is_error) {
  char body[8192] = "";
  for (int i = 0; i < 33; i++)
    strcat(body, "<section title=\"s\">\n");
  for (int i = 0; i < 33; i++)
    strcat(body, "</section>");
  ep_report *r = load_body(body);
  ck_assert_uint_eq(count_code(r, "section-too-deep"), 1);
  ck_assert(has_diag(r, "section-too-deep", 4 + 32));
  ep_report_free(r);
}
END_TEST

START_TEST(funds_missing_executed_propagates) {
  ep_report *r = load_body("<funds id=\"f\"><item id=\"p\" name=\"p\"><item name=\"a\" budget=\"1\" executed=\"1\"/>"
                           "<item name=\"b\" budget=\"2\"/></item><item name=\"c\" budget=\"3\" executed=\"2.5\"/></funds>"
                           "<p><value of=\"f.budget\"/><value of=\"f.executed\"/></p>");
  ep_node *f = ep_find_id(r, "f");
  ck_assert(f->eff[EP_F_BUDGET].known);
  ck_assert(!f->eff[EP_F_EXECUTED].known);
  ck_assert(!f->rate_known);
  ck_assert_uint_eq(count_code(r, "value-missing"), 1);
  ep_report_free(r);
}
END_TEST

START_TEST(funds_declared_parent_mismatch_warns) {
  ep_report *r = load_body("<funds><item name=\"p\" budget=\"1292\"><item name=\"a\" budget=\"750\" executed=\"1\"/>"
                           "<item name=\"b\" budget=\"70.815\" executed=\"1\"/></item><total budget=\"1292\" executed=\"3\"/></funds>");
  ck_assert_uint_eq(r->diags.errors, 0);
  ck_assert(has_diag(r, "funds-sum-mismatch", 4));
  ck_assert(has_diag(r, "funds-total-mismatch", 4));
  ep_report_free(r);
}
END_TEST

START_TEST(zero_budget_warns_without_rate) {
  ep_report *r = load_body("<funds id=\"f\"><item name=\"a\" budget=\"0\" executed=\"0\"/></funds>");
  ck_assert_uint_eq(r->diags.errors, 0);
  ck_assert_uint_ge(count_code(r, "zero-budget"), 1);
  ck_assert(!ep_find_id(r, "f")->rate_known);
  ep_report_free(r);
}
END_TEST

START_TEST(scoring_bounds_and_grades) {
  ep_report *r = load_body("<scoring id=\"s\" grade-scale=\"standard-long\">"
                           "<indicator name=\"a\" weight=\"60\"><indicator name=\"a1\" weight=\"30\" score=\"31\"/>"
                           "<indicator name=\"a2\" weight=\"20\" score=\"20\"/></indicator>"
                           "<indicator name=\"b\" weight=\"-1\" score=\"0\"/><total grade=\"优\"/></scoring>");
  ck_assert(has_diag(r, "score-exceeds-weight", 0));
  ck_assert(has_diag(r, "weight-sum-mismatch", 0));
  ck_assert(has_diag(r, "negative-value", 0));
  ck_assert(has_diag(r, "grade-mismatch", 0));
  ep_report_free(r);
}
END_TEST

START_TEST(grade_boundaries) {
  ep_ratio s = {90, 1};
  ck_assert_str_eq(ep_grade_word(s, EP_SCALE_STANDARD), "优");
  s.num = 8999;
  s.den = 100;
  ck_assert_str_eq(ep_grade_word(s, EP_SCALE_STANDARD), "良");
  s.num = 80;
  s.den = 1;
  ck_assert_str_eq(ep_grade_word(s, EP_SCALE_STANDARD_LONG), "良好");
  s.num = 60;
  ck_assert_str_eq(ep_grade_word(s, EP_SCALE_STANDARD), "中");
  s.num = 5999999;
  s.den = 100000;
  ck_assert_str_eq(ep_grade_word(s, EP_SCALE_STANDARD_LONG), "差");
}
END_TEST

START_TEST(form_budget_score_and_total) {
  ep_report *r = load_body("<self-eval-form id=\"f\" budget-points=\"10\"><budget initial=\"1000\" annual=\"1000\" executed=\"987.91\">"
                           "<source name=\"本年\" annual=\"900\" executed=\"987.91\"/></budget>"
                           "<indicator name=\"x\" points=\"90\" score=\"82\"/></self-eval-form>"
                           "<p><value of=\"f.budget-score\"/>/<value of=\"f.score\"/>/<value of=\"f.rate\"/>/<value of=\"f.grade\"/>/<value of=\"f.score\" format=\"2\"/></p>");
  ep_node *p = first_kind(r->body, EP_N_P);
  ep_node *v = first_kind(p->first, EP_N_VALUE);
  ck_assert_str_eq(v->result, "9.88");
  ck_assert_str_eq(v->next->next->result, "91.88");
  ck_assert_str_eq(v->next->next->next->next->result, "98.79%");
  ck_assert_str_eq(v->next->next->next->next->next->next->result, "优");
  ck_assert(has_diag(r, "source-sum-mismatch", 0));
  ck_assert_uint_eq(r->diags.errors, 0);
  ep_report_free(r);
}
END_TEST

START_TEST(form_rate_over_100_caps_budget_score) {
  ep_report *r = load_body("<self-eval-form id=\"f\"><budget annual=\"100\" executed=\"120\"/>"
                           "<indicator name=\"x\" points=\"90\" score=\"95\"/></self-eval-form>");
  ep_node *f = ep_find_id(r, "f");
  char b[64];
  ck_assert_str_eq(ep_ratio_format_trimmed(f->budget_score, 2, b, sizeof b), "10");
  ck_assert(has_diag(r, "score-exceeds-points", 0));
  ep_report_free(r);
}
END_TEST

START_TEST(value_errors_suggest) {
  ep_report *r = load_body("<funds id=\"main\"><item name=\"a\" budget=\"1\" executed=\"1\"/></funds>"
                           "<p><value of=\"mian.budget\"/><value of=\"main.budgte\"/><value of=\"main\"/>"
                           "<value of=\"main.budget\" format=\"chinese\"/><ref to=\"nowhere\"/></p>");
  ck_assert(has_diag(r, "unknown-value-id", 0));
  ck_assert(has_diag(r, "unknown-value-property", 0));
  ck_assert(has_diag(r, "bad-value-ref", 0));
  ck_assert(has_diag(r, "unknown-ref", 0));
  ck_assert_uint_eq(r->diags.errors, 4);
  bool suggested = false;
  for (size_t i = 0; i < r->diags.count; i++)
    suggested |= strstr(r->diags.items[i].message, "did you mean \"main\"") != NULL;
  ck_assert(suggested);
  ep_report_free(r);
}
END_TEST

START_TEST(unknown_element_suggests_p) {
  ep_report *r = load_body("<paragraph>x</paragraph><section titel=\"a\"/>");
  ck_assert(has_diag(r, "unknown-element", 4));
  ck_assert(has_diag(r, "unknown-attribute", 4));
  ck_assert(has_diag(r, "missing-attribute", 4));
  bool p = false, title = false;
  for (size_t i = 0; i < r->diags.count; i++) {
    p |= strstr(r->diags.items[i].message, "did you mean <p>?") != NULL;
    title |= strstr(r->diags.items[i].message, "did you mean \"title\"?") != NULL;
  }
  ck_assert(p && title);
  ep_report_free(r);
}
END_TEST

START_TEST(measures_and_issues) {
  ep_report *r = load_body("<issues><issue id=\"p1\">a</issue><issue id=\"p2\">b</issue></issues>"
                           "<measures><measure for=\"p1\">x</measure><measure for=\"p3\">y</measure></measures>");
  ck_assert(has_diag(r, "unknown-issue", 0));
  ck_assert(has_diag(r, "issue-without-measure", 0));
  ep_report_free(r);
}
END_TEST

// The checks walk the tree for a kind only when the report has one
// (kind_nodes); nodes of those kinds deep inside the tree are still found,
// and a report without them keeps its counts at zero.
START_TEST(kind_counts_and_block_walk) {
  ep_report *r = load_body("<toc/><section title=\"a\"><section title=\"b\"><list><li>w</li></list>"
                           "<issues><issue id=\"q\">x</issue></issues><table><tr><td><value of=\"f.budget\"/> "
                           "<ref to=\"c\" page=\"yes\"/></td></tr></table><funds id=\"f\"><item name=\"i\" "
                           "budget=\"2.5\" executed=\"1\"/></funds></section><section title=\"d\"><section "
                           "title=\"e\"><measures><measure for=\"q\">y</measure></measures></section></section>"
                           "</section><appendix id=\"c\" title=\"c\"><p>z</p></appendix>");
  ck_assert_uint_eq(r->diags.errors, 0);
  ck_assert_uint_eq(r->kind_nodes[EP_N_SECTION], 4);
  ck_assert_uint_eq(r->kind_nodes[EP_N_MEASURE], 1);
  ck_assert_uint_eq(r->kind_nodes[EP_N_VALUE], 1);
  ck_assert_uint_eq(r->kind_nodes[EP_N_SIGNATURE], 0);
  ck_assert_uint_eq(r->id_nodes, 3);
  ck_assert_ptr_nonnull(ep_find_id(r, "q"));
  ck_assert(ep_find_id(r, "q")->answered);
  ck_assert(!has_diag(r, "issue-without-measure", 0));
  ck_assert_str_eq(first_kind(r->body, EP_N_VALUE)->result, "2.5");
  ck_assert_str_eq(first_kind(r->body, EP_N_REF)->result, "附件1");
  // The block walk meets the sections, the appendix, the list, the table,
  // the funds and the 目录, and nothing inside a list, table or paragraph.
  char seen[256] = "";
  for (const ep_node *x = r->body; x; x = ep_next_block(x, r->body)) {
    ck_assert(x->kind != EP_N_TEXT && x->kind != EP_N_LI && x->kind != EP_N_TR && x->kind != EP_N_ISSUE);
    strcat(seen, ep_kind_name(x->kind));
    strcat(seen, " ");
  }
  ck_assert_str_eq(seen, "body toc section section list issues table funds section section measures appendix p ");
  ep_report_free(r);
  r = load_body("<section title=\"a\"><p>x</p></section>");
  ck_assert_uint_eq(r->kind_nodes[EP_N_MEASURE] + r->kind_nodes[EP_N_VALUE] + r->kind_nodes[EP_N_REF], 0);
  ck_assert_uint_eq(r->id_nodes, 0);
  ck_assert_uint_eq(r->nids, 0);
  ck_assert_uint_eq(r->section_count, 1);
  ep_report_free(r);
}
END_TEST

START_TEST(duplicate_id_names_first) {
  ep_report *r = load_body("<section id=\"a\" title=\"x\"/>\n<section id=\"a\" title=\"y\"/>");
  ck_assert(has_diag(r, "duplicate-id", 5));
  ck_assert_ptr_nonnull(strstr(r->diags.items[0].message, "line 4"));
  ep_report_free(r);
}
END_TEST

START_TEST(multiline_start_tag_reports_first_line) {
  ep_report *r = load_body("<section\n  title=\"a\"\n  bogus=\"1\"/>");
  ck_assert(has_diag(r, "unknown-attribute", 4));
  ep_report_free(r);
}
END_TEST

START_TEST(line_numbers_past_65535) {
  size_t n = 70000;
  char *body = malloc(n + 64);
  memset(body, '\n', n);
  strcpy(body + n, "<bogus/>");
  ep_report *r = load_body(body);
  free(body);
  ck_assert(has_diag(r, "unknown-element", 4 + 70000));
  ep_report_free(r);
}
END_TEST

START_TEST(not_wellformed_is_one_error) {
  ep_report *r = load_doc("<report><meta><title>x</title></meta>\n<body><p>a</b></body>\n<oops></report>");
  ck_assert_uint_eq(r->diags.count, 1);
  ck_assert(has_diag(r, "xml-not-well-formed", 2));
  ep_report_free(r);
}
END_TEST

START_TEST(entities_refused) {
  ep_report *r = load_doc("<?xml version=\"1.0\"?>\n<!DOCTYPE report [\n<!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n"
                          "<report><meta><title>&x;</title></meta><body/></report>");
  ck_assert_uint_eq(r->diags.count, 1);
  ck_assert(has_diag(r, "entity-declared", 3));
  ep_report_free(r);
}
END_TEST

START_TEST(gbk_declaration_refused) {
  ep_report *r = load_doc("<?xml version=\"1.0\" encoding=\"GBK\"?>\n<report/>");
  ck_assert_uint_eq(r->diags.count, 1);
  ck_assert(has_diag(r, "encoding-not-utf8", 1));
  ep_report_free(r);
}
END_TEST

START_TEST(invalid_utf8_line) {
  ep_report *r = load_doc("<report>\n<meta><title>\xe4\xb8</title></meta></report>");
  ck_assert_uint_eq(r->diags.count, 1);
  ck_assert(has_diag(r, "invalid-utf8", 2));
  ep_report_free(r);
}
END_TEST

START_TEST(include_confined) {
  write_file("inc/ok.xml", "<section title=\"共享\"><p>ok</p></section>");
  ep_report *r = load_body("<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"inc/ok.xml\"/>\n"
                           "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"../../../../etc/passwd\"/>\n"
                           "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"/etc/passwd\"/>\n"
                           "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"http://example.com/x.xml\"/>\n"
                           "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"r.xml\"/>");
  ep_node *s = first_kind(r->body, EP_N_SECTION);
  ck_assert_ptr_nonnull(s);
  ck_assert_str_eq(s->text, "共享");
  ck_assert_ptr_nonnull(strstr(s->file, "inc/ok.xml"));
  ck_assert_uint_eq(s->line, 1);
  ck_assert(has_diag(r, "include-outside-root", 5));
  ck_assert(has_diag(r, "include-outside-root", 6));
  ck_assert(has_diag(r, "include-network", 7));
  ck_assert(has_diag(r, "include-cycle", 8));
  ep_report_free(r);
}
END_TEST

START_TEST(include_symlink_out_of_root) {
  char link[512];
  snprintf(link, sizeof link, "%s/evil.xml", tmpdir);
  ck_assert_int_eq(symlink("/etc/hostname", link), 0);
  ep_report *r = load_body("<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"evil.xml\"/>");
  ck_assert(has_diag(r, "include-outside-root", 4));
  ep_report_free(r);
}
END_TEST

START_TEST(layout_checks) {
  ep_report *r = load_doc("<report layout=\"official\"><meta><title>x</title></meta><body/></report>");
  ck_assert_uint_eq(r->diags.errors, 0);
  ep_report_free(r);
  r = load_doc("<report layout=\"offical\"><meta><title>x</title></meta><body/></report>");
  ck_assert(has_diag(r, "unknown-layout", 1));
  ck_assert_ptr_nonnull(strstr(r->diags.items[0].message, "official"));
  ep_report_free(r);
  r = load_doc("<report layout=\"../../x.xml\"><meta><title>x</title></meta><body/></report>");
  ck_assert_uint_eq(r->diags.errors, 1);
  ep_report_free(r);
}
END_TEST

START_TEST(value_formats) {
  ep_report *r = load_body("<funds id=\"f\"><item id=\"i\" name=\"a\" budget=\"3\" executed=\"2\"/></funds>"
                           "<scoring id=\"s\"><indicator name=\"a\" weight=\"100\" score=\"87.5\"/></scoring>"
                           "<p><value of=\"i.rate\"/>|<value of=\"i.rate\" format=\"2\"/>|<value of=\"f.budget\" format=\"2\"/>"
                           "|<value of=\"f.executed\" format=\"chinese\"/>|<value of=\"s.score\"/>|<value of=\"s.grade\"/>"
                           "|<amount value=\"11416.760\" unit=\"万元\"/></p>");
  ck_assert_uint_eq(r->diags.errors, 0);
  ep_node *v = first_kind(first_kind(r->body, EP_N_P)->first, EP_N_VALUE);
  const char *want[] = {"66.67%", "66.67%", "3.00", "二", "87.5", "良"};
  for (int i = 0; i < 6; i++) {
    while (v->kind != EP_N_VALUE)
      v = v->next;
    ck_assert_str_eq(v->result, want[i]);
    v = v->next;
  }
  ep_report_free(r);
}
END_TEST

// The one figure printer: every <value format>, unknown figures, refusals.
START_TEST(fig_text_formats) {
  char buf[64];
  ep_dec d;
  ck_assert_int_eq(ep_dec_parse("11416.760", &d), EP_PARSE_OK);
  ep_fig f = {true, d};
  ck_assert_str_eq(ep_fig_text(f, EP_VF_PLAIN, "-", buf, sizeof buf), "11416.76");
  ck_assert_str_eq(ep_fig_text(f, EP_VF_2, "-", buf, sizeof buf), "11416.76");
  ck_assert_str_eq(ep_fig_text(f, EP_VF_PERCENT, "-", buf, sizeof buf), "1141676%");
  ck_assert_ptr_null(ep_fig_text(f, EP_VF_CHINESE, "-", buf, sizeof buf));
  ck_assert_int_eq(ep_dec_parse("-0.125", &d), EP_PARSE_OK);
  ck_assert_str_eq(ep_fig_text((ep_fig){true, d}, EP_VF_2, "-", buf, sizeof buf), "-0.13");
  ck_assert_int_eq(ep_dec_parse("99.0", &d), EP_PARSE_OK);
  ck_assert_str_eq(ep_fig_text((ep_fig){true, d}, EP_VF_CHINESE, "-", buf, sizeof buf), "九十九");
  ck_assert_int_eq(ep_dec_parse("100", &d), EP_PARSE_OK);
  ck_assert_ptr_null(ep_fig_text((ep_fig){true, d}, EP_VF_CHINESE, "-", buf, sizeof buf));
  ck_assert_str_eq(ep_fig_text((ep_fig){false, d}, EP_VF_PLAIN, "-", buf, sizeof buf), "-");
  ck_assert_ptr_null(ep_fig_text((ep_fig){false, d}, EP_VF_PLAIN, NULL, buf, sizeof buf));
}
END_TEST

// <amount> carries its printed text; a malformed amount has none.
START_TEST(amount_result) {
  ep_report *r = load_body("<p><amount value=\"1.500\" unit=\"万元\"/>|<amount value=\"1,5\"/></p>");
  ep_node *a = first_kind(first_kind(r->body, EP_N_P)->first, EP_N_AMOUNT);
  ck_assert_str_eq(a->result, "1.5");
  a = first_kind(a->next, EP_N_AMOUNT);
  ck_assert_ptr_null(a->result);
  ck_assert(has_diag(r, "bad-number", 0));
  ep_report_free(r);
}
END_TEST

// The lenient decoding step: valid sequences, and one U+FFFD per bad byte.
START_TEST(utf8_next_replaces_bad_bytes) {
  const char *s = "a\xE4\xB8\x80\xFF\xC3";
  size_t len = strlen(s), i = 0;
  uint32_t want[] = {'a', 0x4E00, 0xFFFD, 0xFFFD};
  size_t at[] = {1, 4, 5, 6};
  for (int k = 0; k < 4; k++) {
    ck_assert_uint_eq(ep_utf8_next(s, len, &i), want[k]);
    ck_assert_uint_eq(i, at[k]);
  }
}
END_TEST

// The inline decoder agrees with the general one on every sequence of one
// to three bytes, each also cut short, and on four-byte ones around the
// limits: the same length, and the same code point when valid.
START_TEST(utf8_inline_decode_equals_the_general_one) {
  unsigned char b[4];
  uint32_t c1 = 0, c2 = 0;
  unsigned long checked = 0;
  for (uint32_t x = 0; x < (1u << 24); x++) {
    b[0] = (unsigned char)(x >> 16), b[1] = (unsigned char)(x >> 8), b[2] = (unsigned char)x, b[3] = 0x80;
    for (size_t n = x < 256 ? 1 : 3; n <= 3; n++) {
      size_t l1 = ep_utf8_decode(b, n, &c1), l2 = ep_utf8_decode_any(b, n, &c2);
      if (l1 != l2 || (l1 && c1 != c2)) // (ck_assert costs a system call each)
        ck_abort_msg("%02X %02X %02X (n=%zu): %zu U+%04X against %zu U+%04X", b[0], b[1], b[2], n, l1, c1, l2, c2);
      checked++;
    }
  }
  static const unsigned char four[][4] = {{0xF0, 0x90, 0x80, 0x80}, {0xF0, 0x8F, 0xBF, 0xBF}, {0xF4, 0x8F, 0xBF, 0xBF},
                                          {0xF4, 0x90, 0x80, 0x80}, {0xF0, 0xA0, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}};
  for (size_t k = 0; k < sizeof four / sizeof *four; k++)
    for (size_t n = 0; n <= 4; n++) {
      size_t l1 = ep_utf8_decode(four[k], n, &c1), l2 = ep_utf8_decode_any(four[k], n, &c2);
      ck_assert(l1 == l2 && (!l1 || c1 == c2));
    }
  ck_assert_uint_eq(ep_utf8_decode((const unsigned char *)"\xE4\xB8\x80", 3, &c1), 3);
  ck_assert_uint_eq(c1, 0x4E00);
  ck_assert_uint_eq(ep_utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &c1), 0); // a surrogate
  ck_assert_uint_eq(ep_utf8_decode((const unsigned char *)"\xE0\x9F\xBF", 3, &c1), 0); // overlong
  ck_assert_uint_gt(checked, 1u << 24);
}
END_TEST

// The element rules: once-only children, required children, rows of table
// sections counted for the table, the column limit reported once per row, and
// levels taken from the enclosing node.
START_TEST(element_rules) {
  ep_buf body;
  ep_buf_init(&body);
  ep_buf_puts(&body, "<table><thead><tr><th>a</th></tr></thead></table>\n"
                     "<funds><total budget=\"1\"/><total/></funds>\n<table><tr>");
  for (int i = 0; i < 120; i++)
    ep_buf_puts(&body, "<td>x</td>");
  ep_buf_puts(&body, "</tr><tr><td colspan=\"101\">y</td></tr></table>\n"
                     "<section title=\"s\"><section title=\"t\"/></section>\n"
                     "<scoring><indicator name=\"a\"><indicator name=\"b\"/></indicator></scoring>");
  ep_report *r = load_body(ep_buf_str(&body));
  ep_buf_free(&body);
  ck_assert(!has_diag(r, "empty-table", 4));        // rows inside <thead> count
  ck_assert(has_diag(r, "duplicate-element", 5));   // a second <total>
  ck_assert(has_diag(r, "empty-element", 5));       // <funds> without <item>
  ck_assert_uint_eq(count_code(r, "limit"), 2);     // once per row
  ep_node *s = first_kind(r->body->first, EP_N_SECTION);
  ck_assert_int_eq(s->level, 1);
  ck_assert_int_eq(first_kind(s->first, EP_N_SECTION)->level, 2);
  ep_node *in = first_kind(first_kind(r->body->first, EP_N_SCORING)->first, EP_N_INDICATOR);
  ck_assert_int_eq(in->depth, 1);
  ck_assert_int_eq(first_kind(in->first, EP_N_INDICATOR)->depth, 2);
  ep_report_free(r);
}
END_TEST

// Only funds, scoring and the self-evaluation form (with their parts) carry
// the figure part of a node; every other kind is allocated without it, which
// is most of a node (sanitizer builds poison the missing part, so a read of
// it on such a node fails every test that reaches it).
START_TEST(only_figure_kinds_have_the_figure_part) {
  static const ep_kind with[] = {EP_N_FUNDS, EP_N_ITEM, EP_N_FUNDS_TOTAL, EP_N_SCORING, EP_N_INDICATOR,
                                 EP_N_SCORING_TOTAL, EP_N_FORM, EP_N_FORM_BUDGET, EP_N_FORM_SOURCE,
                                 EP_N_FORM_GOAL, EP_N_FORM_INDICATOR, EP_N_FORM_TOTAL};
  size_t n = 0;
  for (int k = 0; k < EP_N__COUNT; k++) {
    bool want = false;
    for (size_t i = 0; i < sizeof with / sizeof *with; i++)
      want |= with[i] == (ep_kind)k;
    ck_assert_msg(ep_kind_has_figures((ep_kind)k) == want, "kind %s", ep_kind_name((ep_kind)k));
    n += want;
  }
  ck_assert_uint_eq(n, sizeof with / sizeof *with);
  ck_assert_uint_lt(EP_NODE_LIGHT * 2, sizeof(ep_node)); // a light node is less than half
}
END_TEST

// Text diagnostics write a byte that is not valid UTF-8 (a Latin-1 or GBK
// file name) as the four characters \xHH, as the JSON form does; valid UTF-8
// and a file without a line pass as they are.
START_TEST(text_diagnostics_escape_bytes_that_are_not_utf8) {
  ep_diags d;
  ep_diags_init(&d);
  ep_diag_add(&d, EP_ERROR, "bad\xE9.xml", 3, "x", "标题\xFF缺失, %s", "\xF0\x9F\x98\x80 \xED\xA0\x80");
  ep_diag_add(&d, EP_WARNING, "好.xml", 0, "y", "完");
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  ck_assert_ptr_nonnull(f);
  ep_diags_print_text(&d, false, f);
  fclose(f);
  ck_assert_str_eq(text, "bad\\xE9.xml:3: error: 标题\\xFF缺失, \xF0\x9F\x98\x80 \\xED\\xA0\\x80\n"
                         "好.xml: warning: 完\n");
  free(text);
  ep_diags_free(&d);
}
END_TEST

// A caption given both as an attribute and as an element: a note at the
// element (the element is printed), never a warning (--strict keeps passing).
START_TEST(table_caption_twice_is_a_note) {
  ep_report *r = load_body("<table caption=\"甲\">\n<caption>乙</caption><tr><td>1</td></tr></table>");
  ck_assert(has_diag(r, "caption-twice", 5));
  ck_assert_uint_eq(r->diags.warnings, 0);
  ck_assert_uint_eq(r->diags.errors, 0);
  ep_report_free(r);
  r = load_body("<table caption=\"甲\"><tr><td>1</td></tr></table><table><caption>乙</caption><tr><td>1</td></tr></table>");
  ck_assert_uint_eq(count_code(r, "caption-twice"), 0);
  ep_report_free(r);
}
END_TEST

// 'model_suite()' - All model tests.
static Suite *model_suite(void) {
  Suite *s = suite_create("model");
  TCase *tc = tcase_create("model");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, example_figures);
  tcase_add_test(tc, cjk_line_break_disappears);
  tcase_add_test(tc, text_nodes_keep_source_lines);
  tcase_add_test(tc, space_around_inline_elements);
  tcase_add_test(tc, section_numbers_by_level);
  tcase_add_test(tc, section_depth_33_is_error);
  tcase_add_test(tc, funds_missing_executed_propagates);
  tcase_add_test(tc, funds_declared_parent_mismatch_warns);
  tcase_add_test(tc, zero_budget_warns_without_rate);
  tcase_add_test(tc, scoring_bounds_and_grades);
  tcase_add_test(tc, grade_boundaries);
  tcase_add_test(tc, form_budget_score_and_total);
  tcase_add_test(tc, form_rate_over_100_caps_budget_score);
  tcase_add_test(tc, value_errors_suggest);
  tcase_add_test(tc, unknown_element_suggests_p);
  tcase_add_test(tc, measures_and_issues);
  tcase_add_test(tc, kind_counts_and_block_walk);
  tcase_add_test(tc, duplicate_id_names_first);
  tcase_add_test(tc, multiline_start_tag_reports_first_line);
  tcase_add_test(tc, line_numbers_past_65535);
  tcase_add_test(tc, not_wellformed_is_one_error);
  tcase_add_test(tc, entities_refused);
  tcase_add_test(tc, gbk_declaration_refused);
  tcase_add_test(tc, invalid_utf8_line);
  tcase_add_test(tc, include_confined);
  tcase_add_test(tc, include_symlink_out_of_root);
  tcase_add_test(tc, layout_checks);
  tcase_add_test(tc, value_formats);
  tcase_add_test(tc, fig_text_formats);
  tcase_add_test(tc, amount_result);
  tcase_add_test(tc, element_rules);
  tcase_add_test(tc, utf8_next_replaces_bad_bytes);
  tcase_add_test(tc, utf8_inline_decode_equals_the_general_one);
  tcase_add_test(tc, only_figure_kinds_have_the_figure_part);
  tcase_add_test(tc, text_diagnostics_escape_bytes_that_are_not_utf8);
  tcase_add_test(tc, table_caption_twice_is_a_note);
  suite_add_tcase(s, tc);
  return s;
}

// 'main()' - Run the suite; non-zero exit on any failure.
int main(void) {
  SRunner *sr = srunner_create(model_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
