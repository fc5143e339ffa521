// hb-subset loaded on first use (see hbsubset.h). The HarfBuzz headers give
// the types; the functions come from dlsym() on libharfbuzz-subset.so.0,
// which brings libharfbuzz.so.0 with it.
#include "hbsubset.h"

#include "util.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb-subset.h>
#include <hb.h>

#define HB_SONAME "libharfbuzz-subset.so.0"

// The HarfBuzz functions used, resolved from one dlopen() handle.
typedef struct hb_api {
  void *handle;
  hb_blob_t *(*blob_create)(const char *, unsigned, hb_memory_mode_t, void *, hb_destroy_func_t);
  void (*blob_destroy)(hb_blob_t *);
  const char *(*blob_get_data)(hb_blob_t *, unsigned *);
  hb_face_t *(*face_create)(hb_blob_t *, unsigned);
  void (*face_destroy)(hb_face_t *);
  unsigned (*face_get_glyph_count)(const hb_face_t *);
  void (*face_make_immutable)(hb_face_t *);
  unsigned (*face_get_table_tags)(const hb_face_t *, unsigned, unsigned *, hb_tag_t *);
  hb_blob_t *(*face_reference_blob)(hb_face_t *);
  void (*set_add)(hb_set_t *, hb_codepoint_t);
  hb_subset_input_t *(*input_create_or_fail)(void);
  void (*input_destroy)(hb_subset_input_t *);
  hb_set_t *(*input_unicode_set)(hb_subset_input_t *);
  hb_set_t *(*input_set)(hb_subset_input_t *, hb_subset_sets_t);
  void (*input_set_flags)(hb_subset_input_t *, unsigned);
  hb_face_t *(*subset_or_fail)(hb_face_t *, const hb_subset_input_t *);
  const char *(*version_string)(void);
} hb_api;

struct ep_hb_face {
  hb_api api;
  hb_face_t *face;
};

// 'api_open()' - Load HarfBuzz into API; false (API->handle NULL) when the
// library or one of its functions is missing.
static bool api_open(hb_api *api) {
  memset(api, 0, sizeof *api);
  api->handle = dlopen(HB_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!api->handle)
    return false;
  const ep_dl_fn fns[] = {
      {"hb_blob_create", (void **)&api->blob_create},
      {"hb_blob_destroy", (void **)&api->blob_destroy},
      {"hb_blob_get_data", (void **)&api->blob_get_data},
      {"hb_face_create", (void **)&api->face_create},
      {"hb_face_destroy", (void **)&api->face_destroy},
      {"hb_face_get_glyph_count", (void **)&api->face_get_glyph_count},
      {"hb_face_make_immutable", (void **)&api->face_make_immutable},
      {"hb_face_get_table_tags", (void **)&api->face_get_table_tags},
      {"hb_face_reference_blob", (void **)&api->face_reference_blob},
      {"hb_set_add", (void **)&api->set_add},
      {"hb_subset_input_create_or_fail", (void **)&api->input_create_or_fail},
      {"hb_subset_input_destroy", (void **)&api->input_destroy},
      {"hb_subset_input_unicode_set", (void **)&api->input_unicode_set},
      {"hb_subset_input_set", (void **)&api->input_set},
      {"hb_subset_input_set_flags", (void **)&api->input_set_flags},
      {"hb_subset_or_fail", (void **)&api->subset_or_fail},
      {"hb_version_string", (void **)&api->version_string},
  };
  if (ep_dl_resolve(api->handle, fns, sizeof fns / sizeof fns[0])) { // a function is missing
    dlclose(api->handle);
    api->handle = NULL;
    return false;
  }
  return true;
}

// 'ep_hb_face_new()' - A HarfBuzz face over DATA (see hbsubset.h).
ep_hb_face *ep_hb_face_new(const unsigned char *data, size_t len, unsigned index) {
  if (!data || len == 0 || len > 0xFFFFFFFFu)
    return NULL;
  ep_hb_face *f = ep_xcalloc(1, sizeof *f);
  if (!api_open(&f->api)) {
    free(f);
    return NULL;
  }
  hb_blob_t *blob = f->api.blob_create((const char *)data, (unsigned)len, HB_MEMORY_MODE_READONLY, NULL, NULL);
  f->face = f->api.face_create(blob, index);
  f->api.blob_destroy(blob); // the face keeps its own reference
  if (f->api.face_get_glyph_count(f->face) == 0) {
    ep_hb_face_free(f);
    return NULL;
  }
  f->api.face_make_immutable(f->face);
  return f;
}

// 'ep_hb_face_free()' - Free a HarfBuzz face and drop its library reference.
void ep_hb_face_free(ep_hb_face *f) {
  if (!f)
    return;
  if (f->face)
    f->api.face_destroy(f->face);
  dlclose(f->api.handle);
  free(f);
}

// 'tag_of()' - The OpenType tag of the four letters S.
static hb_tag_t tag_of(const char *s) {
  return (hb_tag_t)((uint32_t)(unsigned char)s[0] << 24 | (uint32_t)(unsigned char)s[1] << 16 |
                    (uint32_t)(unsigned char)s[2] << 8 | (uint32_t)(unsigned char)s[3]);
}

// 'drop_other_tables()' - Put every table tag of F that KEEP does not name into DROP.
static void drop_other_tables(const ep_hb_face *f, const char (*keep)[5], size_t nkeep, hb_set_t *drop) {
  hb_tag_t tags[32];
  unsigned start = 0, total;
  do {
    unsigned count = 32;
    total = f->api.face_get_table_tags(f->face, start, &count, tags);
    for (unsigned i = 0; i < count; i++) {
      bool kept = false;
      for (size_t k = 0; k < nkeep && !kept; k++)
        kept = tags[i] == tag_of(keep[k]);
      if (!kept)
        f->api.set_add(drop, tags[i]);
    }
    start += count;
    if (!count)
      break;
  } while (start < total);
}

// 'ep_hb_face_subset()' - hb-subset FACE to CPS (see hbsubset.h).
bool ep_hb_face_subset(ep_hb_face *f, const uint32_t *cps, size_t n, const char (*keep)[5], size_t nkeep,
                       unsigned max_glyphs, unsigned char **out, size_t *out_len) {
  *out = NULL;
  *out_len = 0;
  if (!f || (n && !cps))
    return false;
  const hb_api *a = &f->api;
  hb_subset_input_t *in = a->input_create_or_fail();
  if (!in)
    return false;
  hb_set_t *uni = a->input_unicode_set(in);
  for (size_t i = 0; i < n; i++)
    if (cps[i] < 0x110000u)
      a->set_add(uni, cps[i]);
  drop_other_tables(f, keep, nkeep, a->input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG));
  // Defaults kept as they are: no glyph names (post format 3), gids renumbered.
  a->input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
  hb_face_t *sub = a->subset_or_fail(f->face, in);
  a->input_destroy(in);
  if (!sub)
    return false;
  hb_blob_t *blob = a->face_reference_blob(sub);
  unsigned glyphs = a->face_get_glyph_count(sub);
  a->face_destroy(sub);
  unsigned len = 0;
  const char *data = a->blob_get_data(blob, &len);
  bool ok = data && len && glyphs > 0 && glyphs <= max_glyphs;
  if (ok) {
    *out = ep_xmalloc(len);
    memcpy(*out, data, len);
    *out_len = len;
  }
  a->blob_destroy(blob);
  return ok;
}

// 'ep_hb_version()' - HarfBuzz's version string, or "not available".
const char *ep_hb_version(char *buf, size_t size) {
  hb_api api;
  if (!api_open(&api)) {
    snprintf(buf, size, "not available");
    return buf;
  }
  snprintf(buf, size, "%s", api.version_string());
  dlclose(api.handle);
  return buf;
}
