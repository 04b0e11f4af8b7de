/*
 * app: what every handler may reach, built once at start and read-only
 * after (the pool is thread-safe on its own).
 */
#ifndef RECRUITD_APP_H
#define RECRUITD_APP_H

#include <stddef.h>

struct config;
struct pool;

struct app {
	const struct config *cfg;
	struct pool *pool;
};

#endif
