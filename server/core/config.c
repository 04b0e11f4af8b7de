/*
 * config: environment to struct config, validated in full before the
 * process starts serving; read-only afterwards.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/zone.h"

int
config_parse_uint(const char *s, unsigned long long min, unsigned long long max,
                  unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "host:port" or "[v6]:port". */
static int
parse_listen(const char *s, char **host, unsigned *port)
{
	const char *colon;
	unsigned long long p;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL || close[1] != ':')
			return -1;
		colon = close + 1;
		*host = xstrndup(s + 1, (size_t)(close - s - 1));
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL || colon == s)
			return -1;
		*host = xstrndup(s, (size_t)(colon - s));
	}
	if (config_parse_uint(colon + 1, 1, 65535, &p) != 0) {
		free(*host);
		*host = NULL;
		return -1;
	}
	*port = (unsigned)p;
	return 0;
}

static int
bad(char *err, size_t errlen, const char *name, const char *what)
{
	snprintf(err, errlen, "%s: %s", name, what);
	return -1;
}

struct uint_setting {
	const char *name;
	unsigned long long min, max, def;
	size_t offset;
	size_t width; /* sizeof the field: unsigned or size_t */
};

#define U(name, min, max, def, field)                                                              \
	{                                                                                          \
		name, min, max, def, offsetof(struct config, field),                               \
		    sizeof(((struct config *)0)->field)                                            \
	}

/* RECRUITD_TRUSTED_PROXIES: IPv4 or IPv6 addresses, comma-separated, kept canonical. */
static int
parse_proxies(struct config *cfg, const char *v, char *err, size_t errlen)
{
	char *list = xstrdup(v != NULL ? v : ""), *save = NULL;

	for (char *t = strtok_r(list, ", ", &save); t != NULL; t = strtok_r(NULL, ", ", &save)) {
		char out[INET6_ADDRSTRLEN];
		if (config_canonical_address(t, out) != 0) {
			free(list);
			return bad(err, errlen, "RECRUITD_TRUSTED_PROXIES",
			           "must be IP addresses separated by commas");
		}
		cfg->trusted_proxies =
		    xrealloc(cfg->trusted_proxies, (cfg->ntrusted_proxies + 1) * sizeof(char *));
		cfg->trusted_proxies[cfg->ntrusted_proxies++] = xstrdup(out);
	}
	free(list);
	return 0;
}

int
config_canonical_address(const char *s, char out[INET6_ADDRSTRLEN])
{
	unsigned char a[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, s, a) == 1)
		return inet_ntop(AF_INET, a, out, INET6_ADDRSTRLEN) != NULL ? 0 : -1;
	if (inet_pton(AF_INET6, s, a) == 1)
		return inet_ntop(AF_INET6, a, out, INET6_ADDRSTRLEN) != NULL ? 0 : -1;
	return -1;
}

static int
parse_numbers(struct config *cfg, config_getenv_fn get, char *err, size_t errlen)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	const struct uint_setting settings[] = {
	    U("RECRUITD_MAX_UPLOAD_BYTES", 1, 256ULL << 20, 10ULL << 20, max_upload_bytes),
	    U("RECRUITD_MAX_JSON_BYTES", 64, 64ULL << 20, 1ULL << 20, max_json_bytes),
	    /* Handlers wait on PostgreSQL; 4 per core keeps enough transactions in flight for
	       group commit (make bench: 0.45 -> 0.8 of pgbench on commit-bound writes). */
	    U("RECRUITD_THREADS", 1, 256, 4 * (cores > 0 ? (unsigned long long)cores : 2), threads),
	    U("RECRUITD_DB_POOL_SIZE", 1, 512, 0, pool_size),
	    U("RECRUITD_MAX_CONNECTIONS", 4, 65536, 1024, max_connections),
	    /* Well under the limit in all, so a few flooding addresses leave room for everyone
	       else. */
	    U("RECRUITD_MAX_CONNECTIONS_PER_IP", 0, 65536, 64, max_connections_per_ip),
	    U("RECRUITD_IDLE_TIMEOUT", 1, 3600, 30, idle_timeout_s),
	    U("RECRUITD_HEAD_TIMEOUT_MS", 100, 600000, 10000, head_timeout_ms),
	    U("RECRUITD_DOCUMENT_QUOTA_COUNT", 1, 100000, 20, document_quota_count),
	    U("RECRUITD_DOCUMENT_QUOTA_BYTES", 1, 1ULL << 40, 100ULL << 20, document_quota_bytes),
	    U("RECRUITD_BODY_TIMEOUT", 1, 86400, 300, body_timeout_s),
	    U("RECRUITD_BODY_BUDGET_BYTES", 1ULL << 20, 1ULL << 40, 512ULL << 20,
	      body_budget_bytes),
	    U("RECRUITD_DB_WAIT_MS", 1, 600000, 5000, db_wait_ms),
	    U("RECRUITD_MAIL_INTERVAL_MS", 50, 3600000, 1000, mail_interval_ms),
	    U("RECRUITD_APPLICANT_TOKEN_HOURS", 1, 24 * 365, 7 * 24, applicant_token_hours),
	    U("RECRUITD_RATE_PER_ADDRESS_MINUTE", 1, 1000000, 30, rate_per_address_minute),
	    U("RECRUITD_RATE_PER_EMAIL_HOUR", 1, 1000000, 5, rate_per_email_hour),
	    U("RECRUITD_KEY_CACHE", 256, 1ULL << 26, 524288, key_cache),
	    U("RECRUITD_SWEEP_MINUTES", 1, 1440, 15, sweep_minutes),
	    U("RECRUITD_SCHEDULER_TICK_MS", 50, 3600000, 10000, scheduler_tick_ms),
	    U("RECRUITD_KEY_EPOCH_HOURS", 1, 24 * 365, 24, key_epoch_hours),
	    U("RECRUITD_MAIL_DIR_DAYS", 1, 3650, 7, mail_dir_days),
	    U("RECRUITD_KEY_SHRED_INTERVAL_MS", 50, 3600000, 60000, key_shred_interval_ms),
	};

	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		const struct uint_setting *s = &settings[i];
		const char *v = get(s->name);
		unsigned long long n = s->def;
		char *field = (char *)cfg + s->offset;

		if (v != NULL && *v != '\0' && config_parse_uint(v, s->min, s->max, &n) != 0) {
			char what[96];
			snprintf(what, sizeof(what), "must be a whole number from %llu to %llu",
			         s->min, s->max);
			return bad(err, errlen, s->name, what);
		}
		if (s->width == sizeof(unsigned))
			*(unsigned *)field = (unsigned)n;
		else
			*(size_t *)field = (size_t)n;
	}
	if (cfg->pool_size == 0)
		cfg->pool_size = cfg->threads + 2;
	return 0;
}

/* The password's file: its first line. 0, or -1 when it cannot be read. */
static int
read_secret(const char *path, char **out)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	if (f == NULL)
		return -1;
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	*out = xstrdup(line);
	explicit_bzero(line, sizeof(line));
	return 0;
}

static int
parse_mail(struct config *cfg, config_getenv_fn get, char *err, size_t errlen)
{
	const char *v = get("RECRUITD_PUBLIC_URL");

	if (v != NULL && *v != '\0') {
		if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
			return bad(err, errlen, "RECRUITD_PUBLIC_URL",
			           "must start with http:// or https://");
		cfg->public_url = xstrdup(v);
		size_t n = strlen(cfg->public_url);
		while (n > 8 && cfg->public_url[n - 1] == '/') /* links add their own slash */
			cfg->public_url[--n] = '\0';
	} else {
		cfg->public_url = xasprintf("http://%s:%u", cfg->listen_host, cfg->listen_port);
	}
	v = get("RECRUITD_SMTP_URL");
	if (v != NULL && *v != '\0') {
		if (strncmp(v, "smtp://", 7) != 0 && strncmp(v, "smtps://", 8) != 0)
			return bad(err, errlen, "RECRUITD_SMTP_URL",
			           "must be smtp://HOST:PORT or smtps://HOST:PORT");
		cfg->smtp_url = xstrdup(v);
	}
	v = get("RECRUITD_SMTP_USER");
	if (v != NULL && *v != '\0')
		cfg->smtp_user = xstrdup(v);
	v = get("RECRUITD_SMTP_PASSWORD_FILE");
	if (v != NULL && *v != '\0' && read_secret(v, &cfg->smtp_password) != 0)
		return bad(err, errlen, "RECRUITD_SMTP_PASSWORD_FILE", "cannot be read");
	v = get("RECRUITD_MAIL_FROM");
	cfg->mail_from = xstrdup(v && *v ? v : "recruitd@localhost");
	if (strchr(cfg->mail_from, '@') == NULL || strpbrk(cfg->mail_from, "\r\n<> ") != NULL)
		return bad(err, errlen, "RECRUITD_MAIL_FROM", "must be an e-mail address");
	v = get("RECRUITD_MAIL_DIR");
	if (v != NULL && *v != '\0')
		cfg->mail_dir = xstrdup(v);
	return 0;
}

/* Whether url is https://, or http:// to a loopback host (a provider under test). */
static bool
is_issuer_url(const char *url)
{
	if (strncmp(url, "https://", 8) == 0)
		return url[8] != '\0';
	return strncmp(url, "http://127.0.0.1:", 17) == 0 ||
	       strncmp(url, "http://localhost:", 17) == 0 || strncmp(url, "http://[::1]:", 13) == 0;
}

static int
parse_oidc(struct config *cfg, config_getenv_fn get, char *err, size_t errlen)
{
	const char *issuer = get("RECRUITD_OIDC_ISSUER"), *id = get("RECRUITD_OIDC_CLIENT_ID"),
	           *secret = get("RECRUITD_OIDC_CLIENT_SECRET_FILE"), *v;
	int given = (issuer && *issuer) + (id && *id) + (secret && *secret);

	if (given == 0)
		return 0;
	if (given != 3)
		return bad(
		    err, errlen, "RECRUITD_OIDC_ISSUER",
		    "needs RECRUITD_OIDC_CLIENT_ID and RECRUITD_OIDC_CLIENT_SECRET_FILE too");
	if (!is_issuer_url(issuer))
		return bad(err, errlen, "RECRUITD_OIDC_ISSUER",
		           "must be an https:// URL (http:// only on loopback)");
	cfg->oidc_issuer = xstrdup(issuer);
	size_t n = strlen(cfg->oidc_issuer);
	while (n > 8 && cfg->oidc_issuer[n - 1] == '/')
		cfg->oidc_issuer[--n] = '\0';
	cfg->oidc_client_id = xstrdup(id);
	if (read_secret(secret, &cfg->oidc_client_secret) != 0 || !*cfg->oidc_client_secret)
		return bad(err, errlen, "RECRUITD_OIDC_CLIENT_SECRET_FILE", "cannot be read");
	v = get("RECRUITD_OIDC_ROLE_CLAIM");
	cfg->oidc_role_claim = xstrdup(v && *v ? v : "groups");
	v = get("RECRUITD_OIDC_HR_VALUES");
	cfg->oidc_hr_values = xstrdup(v && *v ? v : "hr");
	v = get("RECRUITD_OIDC_RECRUITER_VALUES");
	cfg->oidc_recruiter_values = xstrdup(v && *v ? v : "recruiter");
	return 0;
}

static int
cmp_day(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* "2026-12-25,2027-01-01" into cfg->holidays, sorted. 0, or -1 on a bad date. */
static int
parse_holidays(struct config *cfg, const char *v)
{
	char *copy = xstrdup(v), *save = NULL;
	size_t cap = 8;

	cfg->holidays = xmalloc(cap * sizeof(long));
	for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		size_t n = strlen(t);
		while (n > 0 && t[n - 1] == ' ')
			t[--n] = '\0';
		long day = clock_day_of_date(t);
		if (day < 0) {
			free(copy);
			return -1;
		}
		if (cfg->nholidays == cap)
			cfg->holidays = xrealloc(cfg->holidays, (cap *= 2) * sizeof(long));
		cfg->holidays[cfg->nholidays++] = day;
	}
	free(copy);
	qsort(cfg->holidays, cfg->nholidays, sizeof(long), cmp_day);
	return 0;
}

/* A time of day, "HH:MM", as seconds into the day; "off" as -1. 0, or -1 when neither. */
static int
parse_time_of_day(const char *v, long *out)
{
	unsigned h, m;
	char tail;

	if (strcmp(v, "off") == 0) {
		*out = -1;
		return 0;
	}
	if (strlen(v) != 5 || v[2] != ':' || !isdigit((unsigned char)v[0]) ||
	    !isdigit((unsigned char)v[3]) || sscanf(v, "%2u:%2u%c", &h, &m, &tail) != 2 || h > 23 ||
	    m > 59)
		return -1;
	*out = (long)h * 3600 + (long)m * 60;
	return 0;
}

/*
 * Whether the public URL names a machine no one else reaches: a loopback
 * address, or a host under the reserved .test domain (RFC 2606).
 */
static bool
is_test_url(const char *url)
{
	const char *host = strstr(url, "://"), *end;
	size_t n;

	if (host == NULL)
		return false;
	host += 3;
	if (strncmp(host, "127.0.0.1", 9) == 0 || strncmp(host, "[::1]", 5) == 0 ||
	    strncmp(host, "localhost", 9) == 0)
		return true;
	end = host + strcspn(host, ":/");
	n = (size_t)(end - host);
	return n > 5 && strncmp(end - 5, ".test", 5) == 0;
}

/*
 * The scheduler's times of day (each HH:MM in the company's zone, or off) and its test clock,
 * refused unless the public URL is a test's (loopback or .test): a production instance never
 * runs on a clock a file sets.
 */
static int
parse_schedule(struct config *cfg, config_getenv_fn get, char *err, size_t errlen)
{
	static const struct {
		const char *name, *def;
		size_t offset;
	} times[] = {
	    {"RECRUITD_PURGE_AT", "02:30", offsetof(struct config, purge_at)},
	    {"RECRUITD_DIGEST_AT", "08:00", offsetof(struct config, digest_at)},
	};
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		const char *v = get(times[i].name);
		if (parse_time_of_day(v && *v ? v : times[i].def,
		                      (long *)(void *)((char *)cfg + times[i].offset)) != 0)
			return bad(err, errlen, times[i].name,
			           "must be a time of day HH:MM (00:00 to 23:59), or off");
	}
	const char *v = get("RECRUITD_TEST_CLOCK");
	if (v != NULL && *v != '\0') {
		if (cfg->public_url == NULL || !is_test_url(cfg->public_url))
			return bad(
			    err, errlen, "RECRUITD_TEST_CLOCK",
			    "is for tests only: RECRUITD_PUBLIC_URL must then be on a loopback "
			    "address or under .test");
		cfg->test_clock = xstrdup(v);
	}
	return 0;
}

int
config_parse(struct config *cfg, config_getenv_fn get, char *err, size_t errlen)
{
	const char *v;
	char zone_err[200];

	memset(cfg, 0, sizeof(*cfg));
	v = get("RECRUITD_LISTEN");
	if (v == NULL || *v == '\0')
		v = "127.0.0.1:8080";
	if (parse_listen(v, &cfg->listen_host, &cfg->listen_port) != 0)
		return bad(err, errlen, "RECRUITD_LISTEN", "must be HOST:PORT");
	if (parse_numbers(cfg, get, err, errlen) != 0)
		goto err0;

	v = get("RECRUITD_LOG_LEVEL");
	cfg->log_level = LOG_INFO;
	if (v != NULL && *v != '\0' && (cfg->log_level = log_level_parse(v)) < 0) {
		bad(err, errlen, "RECRUITD_LOG_LEVEL", "must be error, warn, info or debug");
		goto err0;
	}

	v = get("RECRUITD_PRIVACY_NOTICE_VERSION");
	cfg->notice_version = xstrdup(v && *v ? v : "2026-11-01");
	if (strlen(cfg->notice_version) > 64) {
		bad(err, errlen, "RECRUITD_PRIVACY_NOTICE_VERSION",
		    "must be at most 64 characters");
		goto err0;
	}

	v = get("RECRUITD_HOLIDAYS");
	if (v != NULL && *v != '\0' && parse_holidays(cfg, v) != 0) {
		bad(err, errlen, "RECRUITD_HOLIDAYS",
		    "must be dates YYYY-MM-DD, separated by commas");
		goto err0;
	}
	v = get("RECRUITD_TIMEZONE");
	if ((cfg->zone = zone_load(v && *v ? v : "UTC", zone_err, sizeof(zone_err))) == NULL) {
		bad(err, errlen, "RECRUITD_TIMEZONE", zone_err);
		goto err0;
	}
	v = get("RECRUITD_COMPANY_NAME");
	cfg->company_name = xstrdup(v && *v ? v : "Example Company");
	if (strlen(cfg->company_name) > 200 || strpbrk(cfg->company_name, "\r\n") != NULL) {
		bad(err, errlen, "RECRUITD_COMPANY_NAME", "must be one line of at most 200 bytes");
		goto err0;
	}
	v = get("RECRUITD_PRIVACY_NOTICE_URL");
	cfg->notice_url = xstrdup(v && *v ? v : "/privacy-notice");
	if (strpbrk(cfg->notice_url, "\"<>'` \r\n\t") != NULL ||
	    (cfg->notice_url[0] != '/' && strncmp(cfg->notice_url, "https://", 8) != 0 &&
	     strncmp(cfg->notice_url, "http://", 7) != 0)) {
		bad(err, errlen, "RECRUITD_PRIVACY_NOTICE_URL",
		    "must be a path starting with / or an http(s):// URL");
		goto err0;
	}
	v = get("RECRUITD_PRIVACY_NOTICE_FILE");
	if (v != NULL && *v != '\0')
		cfg->notice_file = xstrdup(v);

	if (parse_mail(cfg, get, err, errlen) != 0)
		goto err0;
	if (parse_proxies(cfg, get("RECRUITD_TRUSTED_PROXIES"), err, errlen) != 0)
		goto err0;
	if (parse_oidc(cfg, get, err, errlen) != 0)
		goto err0;
	if (parse_schedule(cfg, get, err, errlen) != 0)
		goto err0;

	cfg->home = config_find_home(get);
	v = get("RECRUITD_DATABASE_URL");
	if (v != NULL && *v != '\0')
		cfg->database_url = xstrdup(v);
	else if (cfg->home != NULL)
		cfg->database_url =
		    xasprintf("host=%s/var/pg/run dbname=recruitd user=recruitd", cfg->home);
	else {
		bad(err, errlen, "RECRUITD_DATABASE_URL",
		    "not set, and no checkout found for the private cluster");
		goto err0;
	}
	v = get("RECRUITD_KEYS_DATABASE_URL");
	if (v != NULL && *v != '\0')
		cfg->keys_database_url = xstrdup(v);
	else if (cfg->home != NULL)
		cfg->keys_database_url =
		    xasprintf("host=%s/var/pg/run dbname=recruitd_keys user=recruitd", cfg->home);
	else {
		bad(err, errlen, "RECRUITD_KEYS_DATABASE_URL",
		    "not set, and no checkout found for the private cluster");
		goto err0;
	}
	v = get("RECRUITD_MASTER_KEY_FILE");
	if (v != NULL && *v != '\0')
		cfg->master_key_file = xstrdup(v);
	else
		cfg->master_key_file = cfg->home ? xasprintf("%s/var/master.key", cfg->home)
		                                 : xstrdup("var/master.key");
	v = get("RECRUITD_KEYRING_FILE");
	if (v != NULL && *v != '\0')
		cfg->keyring_file = xstrdup(v);
	else
		cfg->keyring_file =
		    cfg->home ? xasprintf("%s/var/keyring", cfg->home) : xstrdup("var/keyring");
	v = get("RECRUITD_ALLOW_CORE_DUMPS");
	cfg->allow_core_dumps = v != NULL && strcmp(v, "1") == 0;
	if (cfg->mail_dir == NULL)
		cfg->mail_dir =
		    cfg->home ? xasprintf("%s/var/mail", cfg->home) : xstrdup("var/mail");
	return 0;

err0:
	config_fini(cfg);
	return -1;
}

void
config_fini(struct config *cfg)
{
	for (size_t i = 0; i < cfg->ntrusted_proxies; i++)
		free(cfg->trusted_proxies[i]);
	free(cfg->trusted_proxies);
	free(cfg->listen_host);
	free(cfg->database_url);
	free(cfg->keys_database_url);
	free(cfg->master_key_file);
	free(cfg->keyring_file);
	free(cfg->home);
	free(cfg->notice_version);
	free(cfg->notice_url);
	free(cfg->company_name);
	free(cfg->holidays);
	zone_free(cfg->zone);
	free(cfg->notice_file);
	free(cfg->public_url);
	free(cfg->smtp_url);
	free(cfg->smtp_user);
	if (cfg->smtp_password != NULL)
		explicit_bzero(cfg->smtp_password, strlen(cfg->smtp_password));
	free(cfg->smtp_password);
	free(cfg->mail_from);
	free(cfg->mail_dir);
	free(cfg->oidc_issuer);
	free(cfg->oidc_client_id);
	if (cfg->oidc_client_secret != NULL)
		explicit_bzero(cfg->oidc_client_secret, strlen(cfg->oidc_client_secret));
	free(cfg->oidc_client_secret);
	free(cfg->oidc_role_claim);
	free(cfg->oidc_hr_values);
	free(cfg->oidc_recruiter_values);
	free(cfg->test_clock);
	memset(cfg, 0, sizeof(*cfg));
}

static int
is_home(const char *dir)
{
	char *path = xasprintf("%s/db/migrations", dir);
	struct stat st;
	int found = stat(path, &st) == 0 && S_ISDIR(st.st_mode);

	free(path);
	return found;
}

char *
config_find_home(config_getenv_fn get)
{
	const char *v = get("RECRUITD_HOME");
	char exe[PATH_MAX];
	ssize_t n;

	if (v != NULL && *v != '\0')
		return xstrdup(v);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	/* bin/recruitd, build/asan/bin/recruitd, build/tests/...: look a few levels up. */
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(exe, '/');
		if (slash == NULL || slash == exe)
			return NULL;
		*slash = '\0';
		if (is_home(exe))
			return xstrdup(exe);
	}
	return NULL;
}
