// libFuzzer harness: arbitrary bytes as a layout file; a layout that loads
// (every value validated) is bound to fonts and used to lay out a fixed report,
// so that hostile geometry reaches the layout code.
#include "display.h"
#include "font.h"
#include "layout.h"
#include "model.h"
#include "style.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static ep_fontset *fonts;
static ep_report *report;

// 'release()' - Free the shared font set and report at exit.
static void release(void) {
  ep_report_free(report);
  ep_fontset_free(fonts);
}

// 'setup()' - Load the fonts and the fixed report once.
static void setup(void) {
  ep_diags d;
  ep_diags_init(&d);
  ep_fontset_options fo;
  ep_fontset_options_init(&fo);
  if (!ep_fontset_new(&fo, &d, &fonts))
    abort();
  ep_diags_free(&d);
  const char *rep = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report><meta><title>测试报告标题比较长的一行文字</title>"
                    "<issuer>单位</issuer><year>2022</year></meta><body><toc/><section title=\"基本情况\"><p>正文段落，"
                    "包括 Latin words and 123 数字。</p><table><tr><th>项目</th><th>金额</th></tr><tr><td>甲</td>"
                    "<td>1.5</td></tr></table><section title=\"二级\"><p>二级正文。</p></section></section></body></report>\n";
  ep_load_options lo;
  memset(&lo, 0, sizeof lo);
  report = ep_report_load_memory(rep, strlen(rep), "fixed.xml", &lo);
  atexit(release);
}

// 'LLVMFuzzerTestOneInput()' - Load DATA as a layout and lay out the fixed report with it.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fonts)
    setup();
  ep_diags d;
  ep_diags_init(&d);
  ep_style *st = ep_style_load_memory(data, size, "fuzz-layout.xml", &d);
  if (st && ep_style_bind_fonts(st, fonts, &d)) {
    ep_dlist *dl = ep_layout_report(report, st, &d);
    ep_dlist_free(dl);
  }
  ep_style_free(st);
  ep_diags_free(&d);
  return 0;
}
