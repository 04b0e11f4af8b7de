/*
 * recruitd: the server process. Reads the configuration, opens the
 * database pool, serves until SIGINT or SIGTERM, then stops accepting,
 * lets the requests in flight finish and exits 0.
 */
#include <curl/curl.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/rest.h"
#include "api/routes.h"
#include "core/app.h"
#include "core/config.h"
#include "core/hygiene.h"
#include "core/log.h"
#include "edge/assets.h"
#include "edge/http.h"
#include "edge/metrics.h"
#include "jobs/duties.h"
#include "jobs/mail.h"
#include "jobs/scheduler.h"
#include "jobs/shredder.h"
#include "pages/console.h"
#include "store/auth.h"
#include "store/db.h"
#include "store/erasure.h"
#include "store/pool.h"
#include "store/vault.h"

#define DRAIN_TIMEOUT_MS 10000

static const char *
env(const char *name)
{
	return getenv(name);
}

/*
 * Block the stop signals, and SIGUSR1 (the scheduler: look now), in every
 * thread to come; only sigwait sees them.
 */
static void
block_signals(sigset_t *stop)
{
	sigemptyset(stop);
	sigaddset(stop, SIGINT);
	sigaddset(stop, SIGTERM);
	sigaddset(stop, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, stop, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* The keys of the newest applicants, into the cache, while the server starts serving. */
static void *
warm(void *arg)
{
	const struct config *cfg = arg;
	/* half: the sets keep room for the rest; 5,000 keys a page */
	long n = vault_warm(cfg->key_cache / 2, 5000);

	if (n >= 0)
		log_msg(LOG_INFO, "data keys", "cached=%ld", n);
	return NULL;
}

/* Keys of erased applicants a crash left queued: destroyed before serving. */
static void
shred_leftovers(struct pool *pool)
{
	struct db *db = pool_acquire(pool, 1000);
	long n = 0;

	if (db != NULL && erasure_shred(db, &n) == 0 && n > 0)
		log_msg(LOG_INFO, "data keys", "destroyed=%ld (left queued by a crash)", n);
	pool_release(pool, db);
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
	curl_global_init(
	    CURL_GLOBAL_DEFAULT); /* before any thread: libcurl's setup is not thread-safe */
	/* File names travel as UTF-8 (libarchive converts through the locale); before any thread.
	 */
	setlocale(LC_CTYPE, "C.UTF-8");
	if (config_parse(&cfg, env, err, sizeof(err)) != 0) {
		fprintf(stderr, "recruitd: %s\n", err);
		return 2;
	}
	log_set_level((enum log_level)cfg.log_level);
	hygiene_no_core_dumps(cfg.allow_core_dumps); /* before any key is read */
	app.cfg = &cfg;
	if (assets_load(cfg.home, cfg.notice_file ? "privacy-notice" : NULL, cfg.notice_file) != 0)
		return 2;
	if (vault_open(cfg.keyring_file, cfg.master_key_file, cfg.keys_database_url,
	               cfg.pool_size / 2 + 2, cfg.key_cache, err, sizeof(err)) != 0) {
		fprintf(stderr, "recruitd: %s\n", err);
		return 2;
	}
	block_signals(&stop);
	/* the API's routes, then the staff console's pages */
	size_t nall = routes_count + console_routes_count;
	struct route *all = xcalloc(nall, sizeof(*all));
	memcpy(all, routes, routes_count * sizeof(*all));
	memcpy(all + routes_count, console_routes, console_routes_count * sizeof(*all));
	metrics_init(all, nall);
	app.pool = pool_create(cfg.database_url, cfg.pool_size);
	shred_leftovers(app.pool);
	/* each logs when it cannot: keys are then read each time, or stay until evicted */
	(void)auth_watch_start(cfg.database_url);
	vault_watch_start(cfg.keys_database_url);
	pthread_t warmer;
	bool warming = pthread_create(&warmer, NULL, warm, &cfg) == 0;
	struct http_routes table = {.table = all, .n = nall, .authenticate = rest_authenticate};
	if ((srv = http_start(&app, &table)) == NULL)
		return 1;
	struct mail_worker *mail = mail_worker_start(app.pool, &cfg);
	size_t njobs;
	struct job *jobs = duties_create(&cfg, &njobs);
	struct scheduler *sched = scheduler_start(app.pool, &cfg, jobs, njobs);
	if (sched == NULL)
		log_msg(LOG_ERROR, "scheduler", "could not start: no job runs on its own");
	else
		metrics_set_source(scheduler_metrics, sched);
	struct shredder *shredder = shredder_start(app.pool, cfg.key_shred_interval_ms);
	log_msg(LOG_INFO, "listening", "listen=%s:%u threads=%u pool=%u", cfg.listen_host,
	        cfg.listen_port, cfg.threads, cfg.pool_size);

	while (sigwait(&stop, &sig) == 0 && sig == SIGUSR1)
		scheduler_kick(sched);
	log_msg(LOG_INFO, "stopping", "signal=%s", sig == SIGINT ? "SIGINT" : "SIGTERM");
	http_stop(srv, DRAIN_TIMEOUT_MS);
	metrics_set_source(NULL, NULL);
	if (!scheduler_stop(sched, DRAIN_TIMEOUT_MS)) {
		/* a long job (a purge) still runs: its batches are transactions, and its lease runs
		 * out for another instance, or this one's next start, to take it up */
		log_msg(LOG_WARN, "stopped", "status=0 (a scheduled job was left unfinished)");
		_exit(0);
	}
	free(jobs);
	mail_worker_stop(mail);
	shredder_stop(shredder);
	auth_watch_stop();
	vault_watch_stop();
	pool_free(app.pool);
	if (warming)
		pthread_join(warmer, NULL);
	vault_close();
	metrics_fini();
	free(all);
	assets_free();
	config_fini(&cfg);
	curl_global_cleanup();
	log_msg(LOG_INFO, "stopped", "status=0");
	return 0;
}
