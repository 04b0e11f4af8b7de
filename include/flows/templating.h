/*
 * templating: the e-mail templates as HR reads and replaces them (GET/PUT
 * /v1/templates), one set with one version. Each function follows
 * flows/flow.h: 0 with its outputs (new references), or -1 with the
 * problem set.
 */
#ifndef RECRUITD_FLOWS_TEMPLATING_H
#define RECRUITD_FLOWS_TEMPLATING_H

#include <jansson.h>

#include "core/xalloc.h"

struct flow;

/* Every template and the set's version. */
int templating_list(const struct flow *f, json_t **list, long *version) WARN_UNUSED;

/*
 * Replace the set with a valid list (domain/templates.h) at version expect
 * (0: any; otherwise 412 when it is not current): *out and the new version.
 */
int templating_put(const struct flow *f, const json_t *list, long expect, json_t **out,
                   long *version) WARN_UNUSED;

#endif
