/* routes: the table of every endpoint recruitd serves, in server/routes.c. */
#ifndef RECRUITD_ROUTES_H
#define RECRUITD_ROUTES_H

#include <stddef.h>

#include "edge/router.h"

extern const struct route routes[];
extern const size_t routes_count;

#endif
