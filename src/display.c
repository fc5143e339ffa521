// Display list: pages of positioned boxes, and their stable text dump.
#include "display.h"

#include <stdlib.h>
#include <string.h>

#define PAGE_SPARE 8 // boxes a finished page keeps room for (see ep_dlist_add_page)

// 'ep_dlist_new()' - An empty list.
ep_dlist *ep_dlist_new(void) {
  ep_dlist *dl = ep_xcalloc(1, sizeof *dl);
  ep_arena_init(&dl->arena);
  dl->epoch = -1;
  return dl;
}

// 'ep_dlist_free()' - Free the list.
void ep_dlist_free(ep_dlist *dl) {
  if (!dl)
    return;
  for (size_t i = 0; i < dl->npages; i++)
    free(dl->pages[i].boxes);
  free(dl->pages);
  free(dl->outline);
  free(dl->hint_cps);
  ep_arena_free(&dl->arena);
  free(dl);
}

// 'page_trim()' - Shrink P's box array to its boxes plus SPARE (an array
// already that small, or one that would become empty, is left as it is).
static void page_trim(ep_page *p, size_t spare) {
  if (p->n + spare > 0 && p->cap > p->n + spare) {
    p->cap = p->n + spare;
    p->boxes = ep_xrealloc(p->boxes, p->cap * sizeof *p->boxes);
  }
}

// 'ep_dlist_add_page()' - Append a page.
ep_page *ep_dlist_add_page(ep_dlist *dl, double w, double h) {
  // The page before is (nearly) complete: give back its box array's spare
  // room now, keeping a few for what layout adds to every page at the end
  // (page number, running header). Trimming only at the end left each array
  // up to half empty while the layout went on: 71 MB of a 100,000-section
  // report's 177 MB of boxes, and the holes were not reused.
  if (dl->npages)
    page_trim(&dl->pages[dl->npages - 1], PAGE_SPARE);
  if (dl->npages == dl->cap) {
    dl->cap = dl->cap ? dl->cap * 2 : 16;
    dl->pages = ep_xrealloc(dl->pages, dl->cap * sizeof *dl->pages);
  }
  ep_page *p = &dl->pages[dl->npages++];
  memset(p, 0, sizeof *p);
  p->width = w;
  p->height = h;
  return p;
}

// 'ep_page_add()' - Append a zeroed box to page P.
ep_box *ep_page_add(ep_dlist *dl, ep_page *p, ep_box_kind kind) {
  (void)dl;
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 64;
    p->boxes = ep_xrealloc(p->boxes, p->cap * sizeof *p->boxes);
  }
  ep_box *b = &p->boxes[p->n++];
  ep_box_start(b, kind);
  return b;
}

// 'ep_dlist_trim()' - Give back the unused room of every page's box array.
void ep_dlist_trim(ep_dlist *dl) {
  for (size_t i = 0; dl && i < dl->npages; i++)
    page_trim(&dl->pages[i], 0);
}

// 'ep_dlist_add_outline()' - Append an outline entry.
void ep_dlist_add_outline(ep_dlist *dl, int level, const char *title, int page, double y) {
  if (dl->noutline == dl->outline_cap) {
    dl->outline_cap = dl->outline_cap ? dl->outline_cap * 2 : 32;
    dl->outline = ep_xrealloc(dl->outline, dl->outline_cap * sizeof *dl->outline);
  }
  ep_outline *o = &dl->outline[dl->noutline++];
  o->level = level;
  o->title = ep_arena_strdup(&dl->arena, title);
  o->page = page;
  o->y = y;
}

// 'ep_dlist_dump()' - Stable text form of the whole list.
void ep_dlist_dump(const ep_dlist *dl, FILE *out) {
  for (size_t i = 0; i < dl->npages; i++) {
    const ep_page *p = &dl->pages[i];
    fprintf(out, "page %zu %.2fx%.2f number=%d%s\n", i + 1, p->width, p->height, p->number,
            p->rotated ? " rotated" : "");
    for (size_t k = 0; k < p->n; k++) {
      const ep_box *b = &p->boxes[k];
      switch (b->kind) {
      case EP_BOX_TEXT:
        fprintf(out, "  text x=%.2f y=%.2f w=%.2f font=\"%s\" size=%.2f%s%s \"%s\"", b->x, b->y, b->w,
                b->face ? ep_face_family(b->face) : "?", b->size, b->bold ? " bold" : "",
                b->underline ? " underline" : "", b->text ? b->text : "");
        break;
      case EP_BOX_RULE:
        fprintf(out, "  rule x=%.2f y=%.2f w=%.2f h=%.2f lw=%.2f", b->x, b->y, b->w, b->h, b->line_width);
        break;
      case EP_BOX_RECT:
        fprintf(out, "  rect x=%.2f y=%.2f w=%.2f h=%.2f lw=%.2f fill=%.2f", b->x, b->y, b->w, b->h,
                b->line_width, b->fill);
        break;
      case EP_BOX_LINK:
        fprintf(out, "  link x=%.2f y=%.2f w=%.2f h=%.2f to=%s", b->x, b->y, b->w, b->h,
                b->dest_id ? b->dest_id : "?");
        break;
      case EP_BOX_DEST:
        fprintf(out, "  dest x=%.2f y=%.2f id=%s", b->x, b->y, b->dest_id ? b->dest_id : "?");
        break;
      }
      if (b->src_line)
        fprintf(out, " @%lu", (unsigned long)b->src_line);
      fputc('\n', out);
    }
  }
  for (size_t i = 0; i < dl->noutline; i++)
    fprintf(out, "outline level=%d page=%d y=%.2f \"%s\"\n", dl->outline[i].level, dl->outline[i].page + 1,
            dl->outline[i].y, dl->outline[i].title);
}

// 'ep_page_span_end()' - Where BI's /ActualText span ends (see display.h).
size_t ep_page_span_end(const ep_page *p, size_t bi) {
  size_t end = bi;
  while (p->boxes[end].actual_join) {
    size_t k = end + 1;
    while (k < p->n && p->boxes[k].kind != EP_BOX_TEXT)
      k++;
    if (k == p->n || p->boxes[k].upright != p->boxes[bi].upright)
      break;
    end = k;
  }
  return end;
}
