// libFuzzer harness: the line breaker on arbitrary UTF-8. The first bytes
// choose the measure and options; the rest is decoded (invalid bytes become
// U+FFFD) into atoms with advances of one em for CJK, half an em otherwise.
#include "linebreak.h"
#include "util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// 'LLVMFuzzerTestOneInput()' - Break DATA into lines and check the result's shape.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4)
    return 0;
  double width = 1 + data[0] * 2.0; // 1..511 pt
  unsigned opts = data[1];
  double em = 4 + (data[2] & 31);
  data += 3;
  size -= 3;
  ep_lb_atom *atoms = ep_xcalloc(size + 1, sizeof *atoms);
  size_t n = 0;
  for (size_t i = 0; i < size;) {
    uint32_t cp;
    size_t l = ep_utf8_decode(data + i, size - i, &cp);
    if (!l) {
      cp = 0xFFFD;
      l = 1;
    }
    ep_lb_atom *a = &atoms[n++];
    a->cp = cp == 0x01 ? EP_LB_OBJECT : cp;
    a->em = em;
    a->advance = ep_is_cjk(cp) ? em : cp == 0x02 ? 3 * width : em / 2;
    if (cp == '\n')
      a->flags |= EP_LB_BREAK_BEFORE;
    if ((opts & 1) && (i & 7) == 0)
      a->flags |= EP_LB_GLUE_PREV;
    i += l;
  }
  ep_lb_params p;
  ep_lb_params_init(&p, width);
  if (opts & 2)
    p.first_width = width / 2;
  p.min_last_chars = (opts >> 2) & 3;
  p.no_squeeze = opts & 16;
  ep_lb_result r;
  memset(&r, 0, sizeof r);
  if (ep_linebreak(atoms, n, &p, &r) == 0) {
    size_t next = 0;
    for (size_t k = 0; k < r.nlines; k++) { // lines in order, not overlapping, inside the atoms
      if (r.lines[k].start < next || r.lines[k].end < r.lines[k].start || r.lines[k].end > n)
        abort();
      next = r.lines[k].end;
    }
    for (size_t i = 0; i < r.n; i++) // every position finite
      if (!isfinite(r.x[i]) || !isfinite(r.w[i]))
        abort();
    ep_lb_result_free(&r);
  }
  double mn, pref;
  ep_lb_measure(atoms, n, &mn, &pref);
  free(atoms);
  return 0;
}
