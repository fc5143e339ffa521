// Layout files (layouts/NAME.xml): page geometry, the body grid, font roles,
// the look of each text element and the page numbers. Parsed once per context
// and shared read-only by every document that uses the layout. The format is
// documented in layouts/README.md.
#ifndef EVALPDF_STYLE_H
#define EVALPDF_STYLE_H

#include "diag.h"
#include "font.h"

#include <stdbool.h>

typedef enum ep_halign { EP_H_LEFT, EP_H_CENTER, EP_H_RIGHT, EP_H_JUSTIFY } ep_halign;

// The look of one kind of text.
typedef struct ep_text_style {
  const char *role_name; // font role
  ep_role *role;         // resolved role (owned by the fontset)
  const char *latin_name; // role for Latin letters, digits and the ASCII marks among them
                          // (<text latin="…">; unset: the body's; "none" or NULL: none)
  ep_role *latin;         // resolved Latin role, NULL when none of its faces is installed
                          // (Latin is then set in the CJK role's faces)
  unsigned long latin_line; // the layout line that wrote latin="…" (0: inherited)
  unsigned long role_line;  // the layout line of the <text> that set this style (0: inherited)
  double size;           // pt
  ep_halign align;
  double indent;         // first-line indent in em
  bool bold;             // synthetic bold
  const char *number;    // heading number pattern ("一、", "（一）", "1.", "（1）", "1、" ...) or NULL
  int space_before;      // blank grid lines before
  int space_after;       // blank grid lines after
} ep_text_style;

enum { EP_TS_TITLE, EP_TS_SUBTITLE, EP_TS_BODY, EP_TS_H1, EP_TS_H2, EP_TS_H3, EP_TS_H4, EP_TS_TABLE,
       EP_TS_TOC, EP_TS_APPENDIX, EP_TS__COUNT };

typedef struct ep_style_role {
  char *name;          // role name in the layout ("fangsong")
  char *packages;      // hint
  char **candidates;   // candidate strings for the font module
  size_t ncand;
  unsigned long line;
} ep_style_role;

typedef struct ep_style {
  char *name, *description, *path;
  char *root;              // the include root when a report named this layout (its <face file> names are opened beneath it), else NULL
  unsigned long line;      // the line of <layout> (where the layout's missing parts are reported)
  double page_w, page_h;   // pt
  double top, left;        // 天头, 订口 in pt
  double body_w, body_h;   // 版心 in pt
  int chars;               // characters per body line (0 = no grid)
  int lines;               // lines per page
  double pitch;            // line pitch in pt
  ep_style_role *roles;
  size_t nroles;
  ep_text_style ts[EP_TS__COUNT];
  bool ts_set[EP_TS__COUNT];
  // page numbers
  const char *pn_role_name;
  unsigned long pn_role_line; // the line of <page-number role="…"> (0: none written)
  ep_role *pn_role;
  double pn_size;
  char *pn_format;         // with N for the number, e.g. "— N —"
  double pn_below;         // distance of the number's top below the 版心, pt
  ep_halign pn_odd, pn_even;
  double pn_inset;         // in em of the body size
  int pn_start;            // numbering starts after: 0 nothing, 1 the cover, 2 the 目录
  bool cover;              // a cover page (title, subtitle, fields, issuer and date) instead of a title block
  int toc_depth;           // default 目录 depth (2)
  bool toc_own_page;       // <toc own-page="yes">: the 目录 on page(s) of its own, the body after it
  // running header: the report title above the 版心 on numbered pages
  bool header;
  const char *hd_role_name;
  unsigned long hd_role_line; // the line of <header role="…"> (0: none written)
  ep_role *hd_role;
  double hd_size;
  ep_halign hd_odd, hd_even;
  bool hd_rule;            // a thin rule under the header
  bool list_hang;          // <list continuation="hang">: list items hang under their text
                           // (default "margin": 回行顶格, continuation lines at the margin)
  double form_cols[9];     // relative widths of the self-evaluation form's columns; all 0 = built in
  int orphans;             // lines a paragraph keeps together at a page's foot (2)
  int widows;              // and at a page's top (2)
} ep_style;

// 'ep_style_load()' - Parse the layout file PATH. Diagnostics (with the file's
// name and lines) go to DIAGS. Returns NULL on any error. Free with ep_style_free().
ep_style *ep_style_load(const char *path, ep_diags *diags);

// 'ep_style_load_confined()' - ep_style_load(), and when ROOT is not NULL (a
// layout named by the report) PATH is opened beneath the include root ROOT
// without following a symbolic link out of it, and <face file> names may not
// be absolute or contain "..". Every length, size, count and ratio is checked
// against the ranges of layouts/README.md ("Accepted values").
ep_style *ep_style_load_confined(const char *path, const char *root, ep_diags *diags);

// 'ep_style_load_memory()' - ep_style_load() of LEN bytes at DATA (borrowed),
// named NAME in diagnostics.
ep_style *ep_style_load_memory(const unsigned char *data, size_t len, const char *name, ep_diags *diags);

// 'ep_style_check()' - Load and validate the layout PATH exactly as rendering
// does (ROOT as above), without binding fonts; true when it has no error.
bool ep_style_check(const char *path, const char *root, ep_diags *diags);

// 'ep_style_free()' - Free a style (NULL is allowed).
void ep_style_free(ep_style *st);

// 'ep_style_names_latin()' - Whether a text style's latin attribute NAME
// names a Latin role: not absent, and not "none" (Latin set in the CJK faces).
bool ep_style_names_latin(const char *name);

// 'ep_style_bind_fonts()' - Resolve every role of ST in FS (registering them
// under "LAYOUTNAME/ROLE"), and point each text style at its role. Notes and
// errors go to DIAGS. Returns false when a role used by a text style has no face.
// A Latin role (<text latin>) with no installed face is no error: a note says
// so, and Latin is set in the CJK faces.
bool ep_style_bind_fonts(ep_style *st, ep_fontset *fs, ep_diags *diags);

// 'ep_style_bind_fonts_ex()' - ep_style_bind_fonts() that binds the body
// text's role first and calls ON_BODY(ST, FACE, USER) (when not NULL) with
// its primary face as soon as that is known (with FS locked: it must not
// call into FS), so that another thread may use the face while the rest is
// bound. Until this returns, that thread may read ST's parsed fields only
// (its names, formats and sizes), not the roles being bound.
bool ep_style_bind_fonts_ex(ep_style *st, ep_fontset *fs, ep_diags *diags,
                            void (*on_body)(const ep_style *st, ep_face *face, void *user), void *user);

#endif
