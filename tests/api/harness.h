/*
 * harness: API tests against the real bin/recruitd and the real
 * PostgreSQL. api_start() runs the server (RECRUITD_TEST_BIN) on a free
 * loopback port against RECRUITD_DATABASE_URL; requests go over one
 * keep-alive libcurl handle; api_stop() sends SIGTERM and checks the exit
 * status and that the log holds no personal data the tests sent.
 */
#ifndef RECRUITD_TEST_HARNESS_H
#define RECRUITD_TEST_HARNESS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "../unit/cm.h"

/*
 * cmocka's string assertions strcmp whatever they get: a missing header
 * (NULL) crashed the client instead of failing the test. These fail it.
 */
void harness_string_equal(const char *a, const char *b, const char *file, int line);
void harness_string_not_equal(const char *a, const char *b, const char *file, int line);
#undef assert_string_equal
#define assert_string_equal(a, b) harness_string_equal((a), (b), __FILE__, __LINE__)
#undef assert_string_not_equal
#define assert_string_not_equal(a, b) harness_string_not_equal((a), (b), __FILE__, __LINE__)

struct resp {
	long status;
	char *body;
	size_t len;
	json_t *json;  /* parsed body when it is JSON, else NULL */
	char *headers; /* raw header block */
	long connects; /* new connections this request opened (0: reused) */
};

/* Staff keys made by api_start for the suite: tokens and key names. */
struct staff {
	char *hr, *recruiter;
	char hr_name[65], recruiter_name[65];
};
extern struct staff staff;

/* Group setup/teardown for cmocka: the server, a database connection, staff keys. */
int api_start(void **state);
/* api_start with extra settings: NULL-terminated "NAME=value" strings. */
int api_start_with(const char *const *settings);
int api_stop(void **state);

/*
 * A second instance of recruitd on the same databases and settings (after
 * api_start*), stopped by api_stop. api_use(i) sends what follows to
 * instance i (0: the first); api_base_of(i) is its base URL.
 */
int api_start_second(void);
void api_use(int instance);
const char *api_base_of(int instance);
/*
 * Wait (up to 10 s, a bound for a broken server, not a latency check) until
 * n of recruitd's connections wait on a lock; fails the test otherwise.
 */
void await_lock_waits(int n);

/* The second instance's pid; api_second_reaped waits for it once killed. */
int api_second_pid(void);
void api_second_reaped(void);

/*
 * api_start_with, and a real SMTP server on loopback (Debian's
 * python3-aiosmtpd) that recruitd delivers to; mail_find and mail_code read
 * the messages it received. api_stop stops it.
 */
int api_start_with_smtp(const char *const *settings);

/* That SMTP server's maildir (messages land in its new/) and its smtp:// URL. */
const char *api_smtp_dir(void);
const char *api_smtp_url(void);

/*
 * The scheduler's clock (RECRUITD_TEST_CLOCK, which every instance the
 * harness starts reads): until a test sets it, no scheduled job runs.
 * api_clock_set writes instant t there; api_scheduler_tick sends instance
 * i (0: the first) SIGUSR1 and returns once it has looked at its jobs (and
 * run the due ones) at that time.
 */
const char *api_clock_path(void);
void api_clock_set(time_t t);
void api_scheduler_tick(int instance);
/* The same in parts: the looks instance i has made, a kick, and the wait for a look past before. */
long api_scheduler_ticks(int instance);
void api_scheduler_kick(int instance);
void api_scheduler_wait(int instance, long before);

/* The server's process id. */
int api_server_pid(void);

/* A line of the server's /proc/PID/status, in kB ("VmRSS", "VmHWM"). */
long api_status_kb(const char *field);

/* Start the server's peak memory (VmHWM) again from now. */
void api_reset_peak(void);

/* Send SIGTERM to the server now; api_stop then only waits for it. */
void api_sigterm(void);

/* A request. headers: NULL-terminated "Name: value" strings, or NULL. */
struct resp *http(const char *method, const char *path, const char *token, const char *content_type,
                  const char *body, const char *const *headers);
/* Shorthands: JSON body (or NULL) with application/json. */
struct resp *http_json(const char *method, const char *path, const char *token, const char *body);
void resp_free(struct resp *r);

/* One part of a multipart/form-data body: text (value) or a file (data, len, filename). */
struct part {
	const char *name;
	const char *value;
	const void *data;
	size_t len;
	const char *filename;
};

/* A multipart/form-data request with the parts (ended by a part with name NULL). */
struct resp *http_form(const char *method, const char *path, const char *token,
                       const struct part *parts, const char *const *headers);

/* A response header's value (new string), or NULL. Case-insensitive name. */
char *resp_header(const struct resp *r, const char *name);

/* Bytes sent as-is on a new connection; the raw response (new string). */
char *raw_request(const char *bytes, size_t len);

/* Close the keep-alive connection http() holds open. */
void http_disconnect(void);

/* A new connection to the server, nothing sent yet; the socket. */
int raw_connect(void);

/* Assert a problem+json response with this status and type slug (NULL: any). */
void assert_problem(const struct resp *r, long status, const char *slug);
/* Assert errors[] names field. */
void assert_field_error(const struct resp *r, const char *field);

/* A new staff token of role "recruiter" or "hr" (name in name_out if not NULL, 65 bytes). */
char *staff_token(const char *role, char *name_out);

/* A direct database connection (shared, do not close). */
PGconn *test_db(void);
/* Run SQL with one text parameter; the first value of the first row (new string) or NULL. */
char *db_value(const char *sql, const char *param);

/* A shell command made from a format: its exit status (0 when it succeeded). */
int shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The hash the store finds an address by (store/vault.h: HMAC-SHA256 under
 * the index key of the lower-cased address), as bytea text for a
 * "$1::bytea" parameter. The string lives until the suite ends.
 */
const char *email_hash_of(const char *email);

/*
 * The store as the server uses it, in the suite's own process: the data
 * keys opened from the suite's environment (master key file, key database)
 * and a connection to the main database. harness_store_forget closes the
 * keys (and forgets every key cached), so the next use reads them afresh.
 */
struct db *harness_store(void);
void harness_store_forget(void);

/* A string member of applicant id's record as hr reads it (GET), or NULL: a new string. */
char *record_field(const char *id, const char *field);

/* The open privacy request whose contact address is email (opened, as the store does): new, or
 * NULL. */
char *request_of_contact(const char *email);

/* Run a statement (an UPDATE, say) with one parameter (or none); fail if it fails. */
void db_exec_sql(const char *sql, const char *param);

/* Whether the key database holds the data key named id. */
bool key_alive(const char *id);

/* Let the key database take connections, or refuse them and end those it has. */
void keys_db_reachable(bool yes);

/* Whether s is a time as the API writes them: YYYY-MM-DDTHH:MM:SSZ. */
bool is_rfc3339_utc(const char *s);

/* Fail unless that first value is `want` (e.g. a count of rows). */
void expect_db_value(const char *sql, const char *param, const char *want);

/* A string member of a JSON object, or NULL. */
const char *sget(const json_t *o, const char *k);

/* What a public application gave back, and the e-mail it used (all owned). */
struct applied {
	char *applicant, *application, *token, *email;
};
void applied_free(struct applied *a);

/*
 * The code of the newest e-mailed link to address `to` whose URL is
 * {PUBLIC_URL}{path}?code=CODE (path "/apply/confirm" or "/me"), read out of
 * the .eml file recruitd delivered to the suite's mail directory (waiting up
 * to 10 s); the file is removed. New string, or NULL when none came.
 */
char *mail_code(const char *to, const char *path);

/* The newest delivered message to `to` containing needle (new string; its file removed), or NULL
 * after 10 s. */
char *mail_find(const char *to, const char *needle);

/* The suite's mail directory (RECRUITD_MAIL_DIR) and public URL (RECRUITD_PUBLIC_URL). */
const char *api_mail_dir(void);
#define TEST_PUBLIC_URL "https://careers.example.test"

/*
 * Apply publicly to opening (parts as in the careers form, resume: data/len,
 * filename "resume.pdf"), read the confirmation e-mail and confirm: the
 * result (201 asserted). filename NULL: "resume.pdf". extra_headers go with both requests (may be
 * NULL).
 */
struct applied apply_confirmed(const char *opening, const char *full_name, const char *tag,
                               const void *resume, size_t resume_len, const char *filename,
                               const char *const *extra_headers);

/* Exchange a code: POST path {"code": code}. */
struct resp *post_code(const char *path, const char *code, const char *const *headers);

/* A new opening in the US made by the suite's recruiter, titled title: its id (new string). */
char *recruiter_opening(const char *title);

/* A new applicant made by the suite's recruiter, with a fresh address: its id (new string). */
char *new_staff_applicant(const char *tag, const char *full_name);

/* A fresh e-mail address no other test uses. */
char *unique_email(const char *tag);

/* Remember a string that must never appear in the server log. */
void forbid_in_log(const char *s);

/* The base URL, e.g. http://127.0.0.1:40123 */
const char *api_base(void);

/* Run a shell command from the environment variable (e.g. stopping PostgreSQL). Returns its status.
 */
int run_env_command(const char *var);

#endif
