/*
 * assets: the files recruitd serves as they are (the OpenAPI description,
 * the careers page), read once at start from the checkout and read-only
 * after, so every thread may use them without locks.
 */
#ifndef RECRUITD_ASSETS_H
#define RECRUITD_ASSETS_H

#include <stddef.h>

#include "core/xalloc.h"

/*
 * Read every asset below home; the asset called name (may be NULL) from
 * path_for_name instead (the company's privacy notice). 0, or -1 with the
 * missing file named on stderr.
 */
int assets_load(const char *home, const char *name, const char *path_for_name) WARN_UNUSED;
void assets_free(void);

/* An asset by name ("openapi.yaml", "apply.html", ...): its bytes (borrowed) and length, or NULL.
 */
const char *assets_get(const char *name, size_t *len);

#endif
