/*
 * config: the process configuration, read from the environment once at
 * start and read-only afterwards (so shared by all threads without locks).
 * Both binaries read the same variables; see docs/operating.md, "Configuration".
 */
#ifndef RECRUITD_CONFIG_H
#define RECRUITD_CONFIG_H

#include <stddef.h>

#include "core/xalloc.h"

struct zone;

struct config {
	char *listen_host;       /* RECRUITD_LISTEN host part, default 127.0.0.1 */
	unsigned listen_port;    /* RECRUITD_LISTEN port part, default 8080 */
	char *database_url;      /* RECRUITD_DATABASE_URL, default: the private cluster */
	char *keys_database_url; /* RECRUITD_KEYS_DATABASE_URL, default: recruitd_keys there */
	char *master_key_file;   /* RECRUITD_MASTER_KEY_FILE: the single master key of old, migrated
	                            into the keyring when there is none yet; default
	                            HOME/var/master.key */
	char *keyring_file;      /* RECRUITD_KEYRING_FILE, default HOME/var/keyring */
	unsigned key_epoch_hours; /* RECRUITD_KEY_EPOCH_HOURS: between rotations, default 24 */
	int allow_core_dumps;     /* RECRUITD_ALLOW_CORE_DUMPS=1: core dumps stay possible */
	unsigned
	    key_shred_interval_ms; /* RECRUITD_KEY_SHRED_INTERVAL_MS: queued keys' retry, 60000 */
	size_t
	    key_cache; /* RECRUITD_KEY_CACHE: unwrapped data keys kept, default 524288 (28 MiB) */
	char *home;    /* RECRUITD_HOME: the checkout holding db/ and server/ */
	size_t max_upload_bytes; /* RECRUITD_MAX_UPLOAD_BYTES, default 10 MiB, at most 256 MiB */
	size_t max_json_bytes;   /* RECRUITD_MAX_JSON_BYTES, default 1 MiB */
	unsigned threads; /* RECRUITD_THREADS, default: 4 per core (handlers wait on PostgreSQL) */
	unsigned pool_size;              /* RECRUITD_DB_POOL_SIZE, default: threads + 2 */
	unsigned max_connections;        /* RECRUITD_MAX_CONNECTIONS, default 1024 */
	unsigned max_connections_per_ip; /* RECRUITD_MAX_CONNECTIONS_PER_IP, default 64 */
	unsigned idle_timeout_s;         /* RECRUITD_IDLE_TIMEOUT, default 30 seconds */
	unsigned
	    head_timeout_ms; /* RECRUITD_HEAD_TIMEOUT_MS: a request head's deadline, default 10 s */
	unsigned body_timeout_s; /* RECRUITD_BODY_TIMEOUT: a body's deadline, default 300 s */
	unsigned
	    document_quota_count;    /* RECRUITD_DOCUMENT_QUOTA_COUNT: per applicant, default 20 */
	size_t document_quota_bytes; /* RECRUITD_DOCUMENT_QUOTA_BYTES: per applicant, default 100
	                                MiB */
	size_t body_budget_bytes;    /* RECRUITD_BODY_BUDGET_BYTES: bodies held at once, default 512
	                                MiB */
	unsigned db_wait_ms;  /* RECRUITD_DB_WAIT_MS: longest wait for a pooled connection, default
	                         5000 */
	int log_level;        /* RECRUITD_LOG_LEVEL, default info */
	char *notice_version; /* RECRUITD_PRIVACY_NOTICE_VERSION, recorded with each consent */
	char *company_name; /* RECRUITD_COMPANY_NAME: signs every e-mail, default Example Company */
	char *notice_url;   /* RECRUITD_PRIVACY_NOTICE_URL, default /privacy-notice */
	char *notice_file;  /* RECRUITD_PRIVACY_NOTICE_FILE; NULL: the shipped example */
	/* The applicant's side */
	unsigned applicant_token_hours;   /* RECRUITD_APPLICANT_TOKEN_HOURS, default 168 (7 days) */
	unsigned rate_per_address_minute; /* RECRUITD_RATE_PER_ADDRESS_MINUTE, default 30 */
	unsigned rate_per_email_hour;     /* RECRUITD_RATE_PER_EMAIL_HOUR, default 5 */
	/* RECRUITD_TRUSTED_PROXIES: addresses (comma-separated) whose X-Forwarded-For names the
	   client; each as inet_ntop writes it. None by default. */
	char **trusted_proxies;
	size_t ntrusted_proxies;
	long *holidays; /* RECRUITD_HOLIDAYS: days since 1970-01-01, sorted; not business days */
	size_t nholidays;
	/* RECRUITD_TIMEZONE: the company's zone (business days, holidays, deadlines), default
	   UTC; loaded at start (core/zone.h), read-only after */
	struct zone *zone;
	/* E-mail (jobs/mail.c) */
	char *public_url; /* RECRUITD_PUBLIC_URL: the base of every link, default http://LISTEN */
	char
	    *smtp_url; /* RECRUITD_SMTP_URL: smtp://host:port (STARTTLS) or smtps://; NULL: files */
	char *smtp_user;     /* RECRUITD_SMTP_USER */
	char *smtp_password; /* read from RECRUITD_SMTP_PASSWORD_FILE */
	char *mail_from;     /* RECRUITD_MAIL_FROM, default recruitd@localhost */
	char *mail_dir;      /* RECRUITD_MAIL_DIR: where .eml files go without SMTP, default
	                        HOME/var/mail */
	unsigned
	    mail_interval_ms; /* RECRUITD_MAIL_INTERVAL_MS: between delivery passes, default 1000 */
	unsigned mail_dir_days; /* RECRUITD_MAIL_DIR_DAYS: .eml files kept, default 7 */
	/* Staff sign-in through OpenID Connect (flows/oidc.c): all three of issuer, client id
	   and secret file, or none (then staff sign in by e-mailed link only) */
	char *oidc_issuer;           /* RECRUITD_OIDC_ISSUER: https://... (http:// on loopback) */
	char *oidc_client_id;        /* RECRUITD_OIDC_CLIENT_ID */
	char *oidc_client_secret;    /* read from RECRUITD_OIDC_CLIENT_SECRET_FILE */
	char *oidc_role_claim;       /* RECRUITD_OIDC_ROLE_CLAIM, default groups */
	char *oidc_hr_values;        /* RECRUITD_OIDC_HR_VALUES: comma-separated, default hr */
	char *oidc_recruiter_values; /* RECRUITD_OIDC_RECRUITER_VALUES, default recruiter */
	/* The scheduler (jobs/scheduler.c): times of day are seconds into the local day of
	   RECRUITD_TIMEZONE, -1 for off */
	long purge_at;  /* RECRUITD_PURGE_AT: the daily purge, default 02:30; off: cron runs it */
	long digest_at; /* RECRUITD_DIGEST_AT: the business-morning digests, default 08:00 */
	unsigned sweep_minutes;     /* RECRUITD_SWEEP_MINUTES: between sweeps, default 15 */
	unsigned scheduler_tick_ms; /* RECRUITD_SCHEDULER_TICK_MS: between looks, default 10000 */
	/* RECRUITD_TEST_CLOCK, for tests only: a file holding the scheduler's time (RFC 3339);
	   the scheduler then looks only when sent SIGUSR1, and not while the file is missing.
	   Refused unless RECRUITD_PUBLIC_URL is on loopback or under .test */
	char *test_clock;
};

/* Looks a variable up; getenv in production, a table in tests. */
typedef const char *(*config_getenv_fn)(const char *name);

/*
 * Fill cfg from the variables get() returns. Every value is validated; on a
 * bad one, returns -1 with a message naming the variable in err (errlen
 * bytes). Returns 0 on success; cfg then owns strings released by config_fini.
 * Not thread-safe (it loads the zone, see zone_load): call it before any
 * thread starts.
 */
int config_parse(struct config *cfg, config_getenv_fn get, char *err, size_t errlen) WARN_UNUSED;

/* Release what config_parse allocated. Safe on a zeroed struct. */
void config_fini(struct config *cfg);

/* s, the whole string, a decimal number from min to max, into out: 0, or -1. */
int config_parse_uint(const char *s, unsigned long long min, unsigned long long max,
                      unsigned long long *out);

/* An IPv4 or IPv6 address as inet_ntop writes it, into out: 0, or -1 when s is none. */
int config_canonical_address(const char *s, char out[46]);

/*
 * The checkout recruitd runs from: RECRUITD_HOME if set, else the nearest
 * directory above the running executable that holds db/migrations. Returns a
 * new string, or NULL when none is found.
 */
char *config_find_home(config_getenv_fn get);

#endif
