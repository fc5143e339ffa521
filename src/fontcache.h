// The installed fonts as fontconfig's configuration lists them, cached in a
// small file so that a start-up need not parse fontconfig's XML
// configuration (about 7 ms of a 50 ms render on Debian 12) while nothing
// it depends on changed. Ground level: fontconfig and util only.
//
// The cache is valid while fontconfig's version, its configuration files
// (/etc/fonts/fonts.conf, each file of /etc/fonts/conf.d, the user's
// fonts.conf and conf.d) and every folder fontconfig scanned (by its
// modification time, the test fontconfig's own caches use) are unchanged;
// the caller does not give a cache folder while FONTCONFIG_FILE,
// FONTCONFIG_PATH or FONTCONFIG_SYSROOT is set (this file reads no
// environment). It is written atomically (a temporary file renamed), mode 0600.
#ifndef EVALPDF_FONTCACHE_H
#define EVALPDF_FONTCACHE_H

#include <stdbool.h>
#include <stddef.h>

#include <fontconfig/fontconfig.h>

// One installed face.
typedef struct ep_sysfont {
  char *path;      // absolute file name
  unsigned index;  // face index in the file
  int weight;      // FC_WEIGHT (80 = regular)
  int slant;       // FC_SLANT (0 = roman)
  char **families; // every FC_FAMILY value, at least one
  size_t n_families;
} ep_sysfont;

// 'ep_sysfont_from_pattern()' - Fill *OUT (heap strings) from fontconfig
// pattern P when it describes a scalable, non-variable TrueType or CFF face
// with a family name; false (OUT untouched) otherwise.
bool ep_sysfont_from_pattern(FcPattern *p, ep_sysfont *out);

// Where the cache lives and what besides /etc/fonts invalidates it.
typedef struct ep_sysfont_cache {
  const char *dir;         // the cache folder (created when missing); NULL = no cache
  const char *fc_user_dir; // the user's fontconfig folder (fonts.conf, conf.d); NULL = none
  const char *home_dir;    // the user's home (~/.fonts.conf, ~/.fonts.conf.d); NULL = none
} ep_sysfont_cache;

// 'ep_sysfonts_load()' - The installed faces in *OUT (*N of them; free with
// ep_sysfonts_free()): from the cache file in CACHE->dir when it is valid,
// else from fontconfig, after which the cache is rewritten. CACHE may be
// NULL (no cache). *FROM_CACHE (may be NULL) says which. False when
// fontconfig cannot load its configuration (*OUT empty).
bool ep_sysfonts_load(const ep_sysfont_cache *cache, ep_sysfont **out, size_t *n, bool *from_cache);

// 'ep_sysfonts_load_cached()' - ep_sysfonts_load(), but only from a valid
// cache file: false (nothing returned, fontconfig not asked, nothing
// written) when there is none.
bool ep_sysfonts_load_cached(const ep_sysfont_cache *cache, ep_sysfont **out, size_t *n);

// 'ep_sysfonts_free()' - Free N faces V.
void ep_sysfonts_free(ep_sysfont *v, size_t n);

#endif
