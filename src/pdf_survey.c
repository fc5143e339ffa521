// What a PDF of a display list needs from it (see pdf_survey.h).
#include "pdf_survey.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

// 'reserve()' - Room for N glyphs in G.
static void reserve(ep_glyphs *g, size_t n) {
  if (n <= g->cap)
    return;
  g->cap = n < 256 ? 256 : n * 2;
  g->cp = ep_xrealloc(g->cp, g->cap * sizeof *g->cp);
  g->adv = ep_xrealloc(g->adv, g->cap * sizeof *g->adv);
  g->x = ep_xrealloc(g->x, g->cap * sizeof *g->x);
}

// 'ep_glyphs_load()' - B's drawn glyphs into G (see pdf_survey.h).
size_t ep_glyphs_load(ep_glyphs *g, const ep_box *b, ep_face *face) {
  size_t n = 0;
  if (b->text) {
    size_t len = strlen(b->text);
    reserve(g, len);
    for (size_t i = 0; i < len;) // a byte that is not UTF-8: U+FFFD
      g->cp[n++] = ep_drawn_cp(ep_utf8_next(b->text, len, &i));
  }
  bool offsets = b->dx && n == b->n; // dx has one offset per glyph of the text
  if (face) {
    double pen = 0;
    for (size_t i = 0; i < n; i++) {
      g->adv[i] = ep_natural_advance(face, g->cp[i], b->size);
      g->x[i] = offsets && isfinite(b->dx[i]) ? b->dx[i] : pen;
      pen += g->adv[i];
    }
  }
  return n;
}

// 'ep_glyphs_free()' - Free G.
void ep_glyphs_free(ep_glyphs *g) {
  free(g->cp);
  free(g->adv);
  free(g->x);
  memset(g, 0, sizeof *g);
}

// 'ep_pdf_box_finite()' - True when B's numbers are finite.
bool ep_pdf_box_finite(const ep_box *b) {
  bool graphic = b->kind == EP_BOX_RULE || b->kind == EP_BOX_RECT;
  return isfinite(b->x) && isfinite(b->y) && isfinite(b->w) && isfinite(b->h) &&
         (!graphic || (isfinite(b->line_width) && isfinite(b->fill))) && (b->kind != EP_BOX_TEXT || isfinite(b->size));
}

// 'ep_pdf_text_box_problem()' - Why B cannot be drawn, or NULL.
const char *ep_pdf_text_box_problem(const ep_box *b) {
  if (!ep_pdf_box_finite(b))
    return "has a position that is not a number";
  if (!b->face)
    return "has no font";
  if (!(b->size > 0 && b->size <= EP_PDF_MAX_FONT_SIZE))
    return "has a font size outside 0..600 pt";
  if (!b->text)
    return "has no characters";
  if (!ep_face_is_truetype(b->face))
    return "uses a face without TrueType outlines";
  return NULL;
}

// 'ep_pdf_warn_box()' - A warning about box B into DIAGS (see pdf_survey.h).
void ep_pdf_warn_box(ep_diags *diags, const ep_box *b, const char *fmt, ...) {
  if (!diags)
    return;
  va_list ap;
  va_start(ap, fmt);
  ep_diag_addv(diags, EP_WARNING, b ? b->src_file : NULL, b ? b->src_line : 0, "pdf-error", fmt, ap);
  va_end(ap);
}

// 'cmp_dest()' - qsort order of destinations: id, then list order.
static int cmp_dest(const void *a, const void *b) {
  const ep_survey_dest *x = a, *y = b;
  int c = strcmp(x->id, y->id);
  if (c)
    return c;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

// 'font_for()' - S's font of FACE, added (first used on page PI) when new.
static ep_survey_font *font_for(ep_survey *s, ep_face *face, size_t pi) {
  for (size_t i = 0; i < s->nfonts; i++)
    if (s->fonts[i].face == face)
      return &s->fonts[i];
  if (s->nfonts == s->fonts_cap) {
    s->fonts_cap = s->fonts_cap ? s->fonts_cap * 2 : 8;
    s->fonts = ep_xrealloc(s->fonts, s->fonts_cap * sizeof *s->fonts);
  }
  ep_survey_font *f = &s->fonts[s->nfonts++];
  memset(f, 0, sizeof *f);
  f->face = face;
  f->first_page = pi;
  return f;
}

// 'ep_survey_make()' - Read what DL's PDF needs (see pdf_survey.h).
void ep_survey_make(ep_survey *s, const ep_dlist *dl, ep_diags *diags) {
  memset(s, 0, sizeof *s);
  for (size_t pi = 0; pi < dl->npages; pi++) {
    const ep_page *p = &dl->pages[pi];
    for (size_t bi = 0; bi < p->n; bi++) {
      const ep_box *b = &p->boxes[bi];
      if (b->kind != EP_BOX_TEXT && !ep_pdf_box_finite(b)) {
        ep_pdf_warn_box(diags, b, "A %s on page %zu has a position that is not a number and was left out.",
                 b->kind == EP_BOX_RULE   ? "rule"
                 : b->kind == EP_BOX_RECT ? "rectangle"
                 : b->kind == EP_BOX_LINK ? "link"
                                          : "destination",
                 pi + 1);
        continue;
      }
      if (b->kind == EP_BOX_DEST) {
        if (!b->dest_id) {
          ep_pdf_warn_box(diags, b, "A destination on page %zu has no name and was left out.", pi + 1);
          continue;
        }
        if (s->ndests == s->dests_cap) {
          s->dests_cap = s->dests_cap ? s->dests_cap * 2 : 32;
          s->dests = ep_xrealloc(s->dests, s->dests_cap * sizeof *s->dests);
        }
        s->dests[s->ndests] = (ep_survey_dest){b->dest_id, pi, b->y, s->ndests};
        s->ndests++;
        continue;
      }
      if (b->kind == EP_BOX_LINK) {
        if (s->nlinks == s->links_cap) {
          s->links_cap = s->links_cap ? s->links_cap * 2 : 32;
          s->links = ep_xrealloc(s->links, s->links_cap * sizeof *s->links);
          s->link_pages = ep_xrealloc(s->link_pages, s->links_cap * sizeof *s->link_pages);
        }
        s->links[s->nlinks] = *b;
        s->link_pages[s->nlinks++] = pi;
        continue;
      }
      if (b->kind != EP_BOX_TEXT)
        continue;
      const char *why = ep_pdf_text_box_problem(b);
      if (why) {
        ep_pdf_warn_box(diags, b, "A text run on page %zu %s and was left out of the PDF.", pi + 1, why);
        continue;
      }
      size_t n = ep_glyphs_load(&s->g, b, NULL);
      if (n == 0)
        continue;
      ep_survey_font *f = font_for(s, b->face, pi);
      for (size_t i = 0; i < n; i++)
        ep_cpset_add(&f->chars, s->g.cp[i]);
    }
  }
  for (size_t i = 0; i < s->nfonts; i++) {
    if (dl->hint_face && s->fonts[i].face == dl->hint_face) // the characters promised ahead (display.h)
      for (size_t k = 0; k < dl->hint_n; k++)
        ep_cpset_add(&s->fonts[i].chars, dl->hint_cps[k]);
    ep_cpset_sort(&s->fonts[i].chars);
  }
  if (s->ndests > 1)
    qsort(s->dests, s->ndests, sizeof *s->dests, cmp_dest);
  size_t k = 0;
  for (size_t j = 0; j < s->ndests; j++)
    if (k == 0 || strcmp(s->dests[k - 1].id, s->dests[j].id) != 0)
      s->dests[k++] = s->dests[j];
  s->ndests = k;
}

// 'ep_survey_find_dest()' - The destination named ID (binary search), or NULL.
const ep_survey_dest *ep_survey_find_dest(const ep_survey *s, const char *id) {
  size_t lo = 0, hi = s->ndests;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(s->dests[mid].id, id);
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < s->ndests && strcmp(s->dests[lo].id, id) == 0 ? &s->dests[lo] : NULL;
}

// 'ep_survey_free()' - Free S.
void ep_survey_free(ep_survey *s) {
  for (size_t i = 0; i < s->nfonts; i++)
    ep_cpset_free(&s->fonts[i].chars);
  free(s->fonts);
  free(s->dests);
  free(s->links);
  free(s->link_pages);
  ep_glyphs_free(&s->g);
  memset(s, 0, sizeof *s);
}

// 'ep_pdf_font_sets()' - The faces and characters a write of DL embeds (see pdf_survey.h).
size_t ep_pdf_font_sets(const ep_dlist *dl, ep_face ***faces, uint32_t ***cps, size_t **ns) {
  ep_survey s;
  ep_survey_make(&s, dl, NULL);
  size_t n = s.nfonts;
  *faces = ep_xcalloc(n ? n : 1, sizeof **faces);
  *cps = ep_xcalloc(n ? n : 1, sizeof **cps);
  *ns = ep_xcalloc(n ? n : 1, sizeof **ns);
  for (size_t i = 0; i < n; i++) { // each set's array moves to the caller
    (*faces)[i] = s.fonts[i].face;
    (*ns)[i] = s.fonts[i].chars.n;
    (*cps)[i] = s.fonts[i].chars.cps ? s.fonts[i].chars.cps : ep_xmalloc(sizeof ***cps);
    s.fonts[i].chars.cps = NULL;
    s.fonts[i].chars.n = 0;
  }
  ep_survey_free(&s);
  return n;
}
