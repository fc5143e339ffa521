// Layout catalog: layout names in the user's and the shipped layout folders.
#include "catalog.h"
#include "util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

// 'cmp_entry()' - qsort order of catalog entries by name.
static int cmp_entry(const void *a, const void *b) {
  return strcmp(((const ep_catalog_entry *)a)->name, ((const ep_catalog_entry *)b)->name);
}

// 'add_dir()' - Append every regular NAME.xml file of DIR to CAT as SOURCE,
// skipping names already present, and sort the new group by name.
static void add_dir(ep_catalog *cat, const char *dir, const char *source) {
  DIR *d = dir ? opendir(dir) : NULL;
  if (!d)
    return;
  size_t first = cat->count, cap = cat->count;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l <= 4 || strcmp(e->d_name + l - 4, ".xml") || e->d_name[0] == '.')
      continue;
    char *name = ep_xmalloc(l - 3);
    memcpy(name, e->d_name, l - 4);
    name[l - 4] = 0;
    size_t pl = strlen(dir) + l + 2;
    char *path = ep_xmalloc(pl);
    snprintf(path, pl, "%s/%s", dir, e->d_name);
    struct stat st;
    if (ep_catalog_find(cat, name) || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
      free(name);
      free(path);
      continue;
    }
    if (cat->count == cap) {
      cap = cap ? cap * 2 : 8;
      cat->items = ep_xrealloc(cat->items, cap * sizeof *cat->items);
    }
    cat->items[cat->count++] = (ep_catalog_entry){name, path, source};
  }
  closedir(d);
  qsort(cat->items + first, cat->count - first, sizeof *cat->items, cmp_entry);
}

// 'ep_catalog_init()' - User layouts, then shipped ones.
void ep_catalog_init(ep_catalog *cat, const char *user_dir, const char *data_dir) {
  cat->items = NULL;
  cat->count = 0;
  add_dir(cat, user_dir, "user");
  if (data_dir) {
    size_t l = strlen(data_dir) + 10;
    char *dir = ep_xmalloc(l);
    snprintf(dir, l, "%s/layouts", data_dir);
    add_dir(cat, dir, "shipped");
    free(dir);
  }
}

// 'ep_catalog_free()' - Free the entries.
void ep_catalog_free(ep_catalog *cat) {
  for (size_t i = 0; i < cat->count; i++) {
    free(cat->items[i].name);
    free(cat->items[i].path);
  }
  free(cat->items);
  cat->items = NULL;
  cat->count = 0;
}

// 'ep_catalog_find()' - Linear lookup (a handful of layouts).
const char *ep_catalog_find(const ep_catalog *cat, const char *name) {
  for (size_t i = 0; cat && i < cat->count; i++)
    if (!strcmp(cat->items[i].name, name))
      return cat->items[i].path;
  return NULL;
}

// 'ep_catalog_names()' - Comma-separated names.
char *ep_catalog_names(const ep_catalog *cat) {
  ep_buf b;
  ep_buf_init(&b);
  for (size_t i = 0; cat && i < cat->count; i++)
    ep_buf_printf(&b, "%s%s", i ? ", " : "", cat->items[i].name);
  char *r = ep_xstrdup(b.len ? ep_buf_str(&b) : "(none found)");
  ep_buf_free(&b);
  return r;
}

// 'ep_layout_is_path()' - A slash or an .xml suffix means a path.
bool ep_layout_is_path(const char *s) {
  size_t l = strlen(s);
  return strchr(s, '/') != NULL || (l > 4 && !strcmp(s + l - 4, ".xml"));
}
