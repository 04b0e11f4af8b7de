/*
 * recruitd: the server process. Reads the configuration, opens the
 * database pool, serves until SIGINT or SIGTERM, then stops accepting,
 * lets the requests in flight finish and exits 0.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "routes.h"

#define DRAIN_TIMEOUT_MS 10000

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		data = xmalloc((size_t)n + 1);
		if (fread(data, 1, (size_t)n, f) != (size_t)n) {
			free(data);
			data = NULL;
		} else {
			data[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return data;
}

static const char *
env(const char *name)
{
	return getenv(name);
}

/* Read the API description served at /openapi.yaml. 0 or -1. */
static int
load_openapi(struct app *app, const struct config *cfg)
{
	char *spec = xasprintf("%s/server/openapi.yaml", cfg->home ? cfg->home : ".");

	app->openapi = read_file(spec, &app->openapi_len);
	free(spec);
	if (app->openapi == NULL)
		fprintf(stderr, "recruitd: cannot read server/openapi.yaml (set RECRUITD_HOME)\n");
	return app->openapi ? 0 : -1;
}

/* Block the stop signals in every thread to come; only sigwait sees them. */
static void
block_signals(sigset_t *stop)
{
	sigemptyset(stop);
	sigaddset(stop, SIGINT);
	sigaddset(stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, stop, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
main(void)
{
	struct config cfg;
	struct app app = {0};
	struct http_server *srv;
	char err[256];
	sigset_t stop;
	int sig;

	xalloc_install_jansson();
	if (config_parse(&cfg, env, err, sizeof(err)) != 0) {
		fprintf(stderr, "recruitd: %s\n", err);
		return 2;
	}
	log_set_level((enum log_level)cfg.log_level);
	app.cfg = &cfg;
	if (load_openapi(&app, &cfg) != 0)
		return 2;
	block_signals(&stop);
	metrics_init(routes_count);
	app.pool = pool_create(cfg.database_url, cfg.pool_size);
	if ((srv = http_start(&app)) == NULL)
		return 1;
	log_msg(LOG_INFO, "listening", "listen=%s:%u threads=%u pool=%u", cfg.listen_host, cfg.listen_port,
		cfg.threads, cfg.pool_size);

	sigwait(&stop, &sig);
	log_msg(LOG_INFO, "stopping", "signal=%s", sig == SIGINT ? "SIGINT" : "SIGTERM");
	http_stop(srv, DRAIN_TIMEOUT_MS);
	pool_free(app.pool);
	metrics_fini();
	free(app.openapi);
	config_fini(&cfg);
	log_msg(LOG_INFO, "stopped", "status=0");
	return 0;
}
