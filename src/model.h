// The report model: an in-memory tree for all of report XML v1, with every
// figure the checks compute. The tree itself (nodes, walk, kind names, id
// index, figure text, freeing) is model.c; it is built from XML by
// model_build.c, checked and completed by model_check.c, printed by
// model_dump.c. The model knows nothing about layout. Everything is allocated
// in the report's arena and freed by ep_report_free().
#ifndef EVALPDF_MODEL_H
#define EVALPDF_MODEL_H

#include "decimal.h"
#include "diag.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>

#define EP_MAX_SECTION_DEPTH 32
#define EP_MAX_INDICATOR_DEPTH 4
#define EP_MAX_NESTING 256 /* any element nesting; libxml2's own default limit */

typedef enum ep_kind {
  EP_N_BODY,
  EP_N_SECTION,
  EP_N_APPENDIX,
  EP_N_P,
  EP_N_LIST,
  EP_N_LI,
  EP_N_FIELDS,
  EP_N_FIELD,
  EP_N_TABLE,
  EP_N_CAPTION,
  EP_N_COL,
  EP_N_THEAD,
  EP_N_TBODY,
  EP_N_TR,
  EP_N_TH,
  EP_N_TD,
  EP_N_FUNDS,
  EP_N_ITEM,
  EP_N_FUNDS_TOTAL,
  EP_N_SCORING,
  EP_N_INDICATOR,
  EP_N_SCORING_TOTAL,
  EP_N_FORM,
  EP_N_FORM_BUDGET,
  EP_N_FORM_SOURCE,
  EP_N_FORM_GOAL,
  EP_N_FORM_INDICATOR,
  EP_N_FORM_TOTAL,
  EP_N_ISSUES,
  EP_N_ISSUE,
  EP_N_MEASURES,
  EP_N_MEASURE,
  EP_N_ISSUES_AND_MEASURES,
  EP_N_PAGEBREAK,
  EP_N_TOC,
  EP_N_SIGNATURE,
  /* inlines */
  EP_N_TEXT,
  EP_N_B,
  EP_N_U,
  EP_N_SUP,
  EP_N_SUB,
  EP_N_BR,
  EP_N_VALUE,
  EP_N_AMOUNT,
  EP_N_REF,
  EP_N__COUNT
} ep_kind;

// Figure slots of a funds item / total and of a self-eval-form budget / source.
enum { EP_F_BUDGET = 0, EP_F_EXECUTED, EP_F_INITIAL, EP_F_BALANCE, EP_F__COUNT };
enum { EP_FF_INITIAL = 0, EP_FF_ANNUAL, EP_FF_EXECUTED, EP_FF__COUNT };

// A figure that may be absent.
typedef struct ep_fig {
  bool known; // a value exists (given or computed)
  ep_dec v;
} ep_fig;

typedef enum ep_list_style { EP_LIST_NUMBERED, EP_LIST_YISHI, EP_LIST_BULLET } ep_list_style;
typedef enum ep_align { EP_ALIGN_DEFAULT, EP_ALIGN_LEFT, EP_ALIGN_CENTER, EP_ALIGN_RIGHT } ep_align;
typedef enum ep_grade_scale { EP_SCALE_STANDARD, EP_SCALE_STANDARD_LONG } ep_grade_scale;
typedef enum ep_vformat { EP_VF_PLAIN, EP_VF_2, EP_VF_PERCENT, EP_VF_CHINESE } ep_vformat;

// Properties a <value of="ID.PROPERTY"> may name.
typedef enum ep_prop {
  EP_P_NONE,
  EP_P_BUDGET,
  EP_P_EXECUTED,
  EP_P_INITIAL,
  EP_P_BALANCE,
  EP_P_RATE,
  EP_P_WEIGHT,
  EP_P_SCORE,
  EP_P_GRADE,
  EP_P_ANNUAL,
  EP_P_BUDGET_SCORE
} ep_prop;

typedef struct ep_node ep_node;
struct ep_node {
  ep_kind kind;
  bool bad_fig;       // a figure attribute here (or below) was malformed: already reported,
                      // so sums and checks that depend on it stay silent
  bool bad_score;     // a score attribute here (or below) was malformed
  ep_node *parent, *first, *last, *next, *prev;
  const char *file;   // file the element came from (as the user named it / include path)
  unsigned long line; // line of its start tag
  const char *id;     // id attribute or NULL

  // Text: TEXT content (whitespace-normalized UTF-8); SECTION/APPENDIX title;
  // FIELD label; ISSUE/MEASURE title; SIGNATURE text; TOC title; FUNDS/SCORING/
  // FORM/TABLE/ISSUES_AND_MEASURES caption attribute.
  const char *text;
  const char *name; // ITEM / INDICATOR / SOURCE / FORM_INDICATOR name

  // The small fields of the kinds below come first, so that a light node
  // has no padding between them (a 100,000-section report has 200,000).

  // SECTION / APPENDIX
  int level;            // section depth, 1 = top
  int ordinal;          // 1-based number among numbered siblings (0 = unnumbered)
  bool unnumbered;      // number="none"
  bool runin;           // runin="yes"
  // TABLE / SCORING / FORM
  bool landscape;
  // FUNDS
  bool chart;
  // LIST, ISSUES, MEASURES
  ep_list_style style;
  // TH/TD
  int rowspan, colspan;
  ep_align align;
  // TOC
  int toc_depth;
  // VALUE / AMOUNT / REF
  ep_prop prop;
  ep_vformat format;
  bool page;              // REF page="yes"
  // ISSUE
  bool answered;          // some measure names it

  // SECTION / APPENDIX
  const char *number;   // generated number text, e.g. "（一）" (NULL when unnumbered)

  // COL
  const char *width;

  // FUNDS
  const char *unit;

  // MEASURE
  const char *for_id;     // MEASURE 'for'
  ep_node *issue;         // MEASURE: the resolved issue

  // VALUE / AMOUNT / REF
  const char *ref;        // VALUE 'of' / REF 'to'
  ep_node *target;        // resolved element
  const char *result;     // VALUE / AMOUNT: the printed figure; REF: the printed number
  ep_dec amount;          // AMOUNT value (valid when result is set)

  // ---- The figure part. Only the kinds ep_kind_has_figures() names have
  // it: every other node is allocated without these fields (EP_NODE_LIGHT
  // bytes; a 100,000-section report has 300,000 such nodes), so code reads
  // them only on those kinds. Sanitizer builds poison the missing part.

  // ITEM / FUNDS_TOTAL (declared), ITEM / FUNDS (effective)
  bool has_decl[EP_F__COUNT];
  ep_dec decl[EP_F__COUNT];
  ep_fig eff[EP_F__COUNT];
  bool rate_known;
  ep_ratio rate;

  // SCORING / INDICATOR / SCORING_TOTAL
  ep_grade_scale scale;
  bool has_weight, has_score; // declared (INDICATOR, SCORING_TOTAL; score also
  ep_dec weight, score;       // FORM_INDICATOR and FORM_TOTAL)
  ep_fig eff_weight, eff_score;
  const char *note;       // INDICATOR note; SCORING_TOTAL/FORM_TOTAL declared grade
  const char *grade;      // computed grade (SCORING, FORM)
  int depth;              // INDICATOR level 1..4

  // FORM and its parts
  const char *project, *department, *unit_name;
  bool has_points;
  ep_dec points;          // FORM budget-points; FORM_INDICATOR points
  bool has_fdecl[EP_FF__COUNT];
  ep_dec fdecl[EP_FF__COUNT]; // FORM_BUDGET / FORM_SOURCE figures
  const char *level1, *level2, *target_value, *actual, *deviation; // FORM_INDICATOR
  const char *planned, *achieved;                             // FORM_GOAL
  bool form_ok;           // FORM: the figures below are known
  ep_ratio form_rate, budget_score, form_score;
  bool form_rate_known;
};

// The size of a node of a kind without the figure part.
#define EP_NODE_LIGHT offsetof(ep_node, has_decl)
// The size of a TEXT node: the fields up to text (a 100,000-section report
// has a TEXT node in every paragraph), so code reads name and every field
// after it only on other kinds.
#define EP_NODE_TEXT offsetof(ep_node, name)

// 'ep_kind_has_figures()' - True for the kinds whose nodes have the figure
// part of ep_node (funds, scoring and the self-evaluation form, with their parts).
bool ep_kind_has_figures(ep_kind kind);

// Document metadata.
typedef struct ep_meta {
  bool present;
  const char *title, *subtitle, *issuer, *year, *date, *region;
  const char *title_lines;    // the title with '\n' where the author put <br/> (else as title)
  const char *subtitle_lines; // the subtitle the same way (NULL without a subtitle)
  unsigned long line, title_line, subtitle_line, issuer_line, date_line;
  // Where the title, subtitle, issuer and date came from (the report's path,
  // or an included file's for content that came through XInclude), for the
  // diagnostics about their characters; NULL when absent.
  const char *title_file, *subtitle_file, *issuer_file, *date_file;
  int date_y, date_m, date_d; // parsed date (0 when absent)
  ep_node *fields;            // first EP_N_FIELD (chained by next), may be NULL
} ep_meta;

// A list of strings owned by a report's arena.
typedef struct ep_strlist {
  const char *s;
  struct ep_strlist *next;
} ep_strlist;

// One parsed report.
typedef struct ep_report {
  ep_arena arena;
  ep_diags diags;
  const char *path;       // the input path as given
  const char *layout;     // layout attribute of <report>, or NULL
  unsigned long layout_line;
  ep_meta meta;
  ep_node *body;          // NULL when missing
  bool wellformed;        // false: the file did not parse; nothing else is checked
  bool io_failed;         // the input (or the include root) could not be read at all
  const char *root_real;  // resolved include root
  const char *input_dir_real; // resolved directory of the input
  const char *layout_path;    // resolved layout file (NULL when unresolved)
  size_t section_count, top_section_count;
  // Nodes made of each kind (ep_node_new()) and nodes given an id, anywhere
  // in the report, dropped ones too: a zero means there is none, so the
  // checks and the layout skip a walk of the whole tree looking for one (a
  // walk of a 100,000-section report reads some 70 MB of nodes).
  size_t kind_nodes[EP_N__COUNT];
  size_t id_nodes;
  // Id index (sorted array of nodes after checks)
  ep_node **ids;
  size_t nids;
  int suggest_left;       // "did you mean" id searches left (each is linear in the ids)
  ep_strlist *includes;   // resolved paths of every included file, each once, in order (arena)
  ep_strlist *includes_tail;
  size_t ninclude;
} ep_report;

// Options that change how a report is loaded and checked.
typedef struct ep_load_options {
  const char *root;     // include root; NULL = the input's directory
  const char *data_dir; // data directory (layouts/), for checking layout names when LAYOUTS is NULL
  const char *layout_override; // --layout; when set, the XML's layout attribute is not checked
  const struct ep_catalog *layouts; // the layout names in use (user and shipped); NULL = DATA_DIR's
} ep_load_options;

// 'ep_report_load()' - Parse PATH (safe XML loading, confined XInclude), build
// the model and run every check. Always returns a report (owned by the caller,
// free with ep_report_free); its diags say what went wrong.
ep_report *ep_report_load(const char *path, const ep_load_options *opt);

// 'ep_report_load_memory()' - As ep_report_load for the LEN bytes at DATA
// (borrowed), named NAME in diagnostics; includes resolve against ROOT (NULL =
// OPT's root, else the current directory), which is also the include root.
ep_report *ep_report_load_memory(const char *data, size_t len, const char *name, const ep_load_options *opt);

// 'ep_report_free()' - Free the report and everything in it.
void ep_report_free(ep_report *r);

// 'ep_node_new()' - A new node of KIND owned by R's arena, appended to PARENT (may be NULL).
ep_node *ep_node_new(ep_report *r, ep_kind kind, ep_node *parent, const char *file,
                     unsigned long line);

// 'ep_kind_name()' - The element name of KIND ("section", "self-eval-form", "#text" ...).
const char *ep_kind_name(ep_kind kind);

// 'ep_report_check()' - Compute every figure, resolve ids, number sections and
// run the semantic checks (called by ep_report_load).
void ep_report_check(ep_report *r, const ep_load_options *opt);

// 'ep_next_node()' - The pre-order successor of N inside the subtree at ROOT
// (NULL after the last), without recursion. The node is R's; the cast away
// from const only lets callers that own a mutable tree keep walking it.
ep_node *ep_next_node(const ep_node *n, const ep_node *root);

// 'ep_next_block()' - As ep_next_node(), but entering only the nodes that
// hold blocks (the body, sections, appendices): the blocks of the subtree at
// ROOT, without their contents. Every section, appendix and 目录 is such a
// block, so a walk for them need not read paragraphs' text nodes or tables' cells.
ep_node *ep_next_block(const ep_node *n, const ep_node *root);

// One cell of a <table> where the HTML placement puts it (see ep_table_place()).
typedef struct ep_table_slot {
  const ep_node *cell;      // the <th> or <td>
  size_t row, col;          // 0-based, rows in ep_table_place()'s order
  size_t rowspan, colspan;  // rowspan cut at the last row
  const ep_node *overlap;   // a cell above whose rowspan still takes a column CELL's
                            // colspan runs into (the first such), or NULL
  size_t overlap_col;       // that column (0-based)
} ep_table_slot;

// 'ep_table_place()' - Place the cells of <table> T as a table is laid out:
// the rows of <thead> first (*NHEAD of them), then those of <tbody> and bare
// <tr>s (*ROWS, *NROWS; heap); each cell in the next column that no rowspan
// from above still takes. The cells go into *SLOTS (*NSLOTS; heap), row by
// row in document order. Returns the number of columns (the widest row).
size_t ep_table_place(const ep_node *t, const ep_node ***rows, size_t *nrows, size_t *nhead, ep_table_slot **slots,
                      size_t *nslots);

// A callback told of AGAIN, a later holder of the id that FIRST holds.
typedef void (*ep_dup_id_fn)(ep_report *r, ep_node *again, const ep_node *first);

// 'ep_index_ids()' - Build R's id index (sorted by id; of several holders of one
// id the first in document order is kept) from the tree under R->body, calling
// DUP (may be NULL) for each later holder, in id order.
void ep_index_ids(ep_report *r, ep_dup_id_fn dup);

// 'ep_find_id()' - The element with id ID in the index, or NULL.
ep_node *ep_find_id(const ep_report *r, const char *id);

// 'ep_fig_text()' - The text of figure F printed by FORMAT (a <value format>:
// plain = the exact value, trailing fraction zeros dropped; 2 = two decimals,
// half-up; percent = F x 100 with '%'; chinese = a whole number 0..99 in Chinese
// numerals) into BUF (64 bytes suffice), returned. UNKNOWN when F is not known;
// NULL when FORMAT cannot show F (chinese outside 0..99). Every decimal figure
// the model, its dump and the layout print goes through here; computed ratios
// (rates, the form's scores) are printed by decimal.c's ep_ratio_format_percent
// and ep_ratio_format_trimmed. No other code turns a figure into text.
const char *ep_fig_text(ep_fig f, ep_vformat format, const char *unknown, char *buf, size_t size);

// 'ep_grade_word()' - The grade word for SCORE (0..100 scale) in SCALE.
const char *ep_grade_word(ep_ratio score, ep_grade_scale scale);

// 'ep_section_number()' - Format the number of a section at LEVEL with ORDINAL
// in the default official styles (一、/（一）/1./（1）, deeper levels reuse the last).
// Writes into BUF and returns it.
char *ep_section_number(int level, int ordinal, char *buf, size_t size);


// 'ep_report_dump()' - Print the model with every computed figure (stable text, for golden tests).
void ep_report_dump(const ep_report *r, FILE *out);

// 'ep_report_summary()' - Print the `evalpdf check` summary for R (STRICT affects counts).
void ep_report_summary(const ep_report *r, bool strict, FILE *out);

#endif
