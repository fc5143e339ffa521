// Layout catalog: which layout names exist and which file each names. User
// layouts (a folder of NAME.xml) come first and hide shipped layouts of the
// same name; the shipped ones live in DATA_DIR/layouts. The one place that
// tells a layout name from a layout path. Ground level: no model, no style.
#ifndef EVALPDF_CATALOG_H
#define EVALPDF_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ep_catalog_entry {
  char *name;         // "official"
  char *path;         // DIR/official.xml
  const char *source; // "user" or "shipped" (static)
} ep_catalog_entry;

typedef struct ep_catalog {
  ep_catalog_entry *items; // owned; user layouts first, each group sorted by name
  size_t count;
} ep_catalog;

// 'ep_catalog_init()' - Fill CAT from USER_DIR (may be NULL or missing) and
// DATA_DIR/layouts (may be NULL). Free with ep_catalog_free().
void ep_catalog_init(ep_catalog *cat, const char *user_dir, const char *data_dir);

// 'ep_catalog_free()' - Free CAT's entries; CAT is empty afterwards.
void ep_catalog_free(ep_catalog *cat);

// 'ep_catalog_find()' - The file of the layout NAME, or NULL (borrowed).
const char *ep_catalog_find(const ep_catalog *cat, const char *name);

// 'ep_catalog_names()' - "compact, official" (each name once, in catalog
// order), or "(none found)"; a heap string the caller frees.
char *ep_catalog_names(const ep_catalog *cat);

// 'ep_layout_is_path()' - True when S is meant as a file path rather than a
// layout name: it contains '/' or ends in ".xml".
bool ep_layout_is_path(const char *s);

#endif
