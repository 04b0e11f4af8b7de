/* harness: start the server, speak HTTP, look into the database. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"
#include "store/applicants.h"
#include "store/db.h"
#include "store/keys.h"
#include "store/vault.h"

static pid_t server;
static pid_t second; /* a second instance on the same databases, when the suite starts one */
static char base[96];
static char bases[2][96]; /* the instances' */
static char log_path[512];
static char second_log[600];
static char mail_dir[512];
static char clock_path[512]; /* RECRUITD_TEST_CLOCK: the scheduler's time, once a test writes it */
static char smtp_dir[512];   /* the SMTP server's maildir, when the suite runs one */
static CURL *curl;
static PGconn *pg;
static char **forbidden;
static size_t nforbidden;

struct staff staff;

const char *
api_base(void)
{
	return base;
}

static int
free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) != 0)
		abort();
	close(s);
	return ntohs(a.sin_port);
}

static const char *
need_env(const char *name)
{
	const char *v = getenv(name);
	if (v == NULL || *v == '\0') {
		fprintf(stderr, "harness: %s is not set (run through scripts/test.sh)\n", name);
		exit(1);
	}
	return v;
}

static void
wait_ready(void)
{
	for (int i = 0; i < 200; i++) {
		struct resp *r = http("GET", "/healthz", NULL, NULL, NULL, NULL);
		long st = r->status;
		resp_free(r);
		if (st == 200)
			return;
		usleep(50000);
	}
	fprintf(stderr, "harness: the server did not come up; see %s\n", log_path);
	exit(1);
}

static const char *const *extra_settings;
static pid_t spawn(const char *bin, const char *listen, const char *log);
static pid_t smtpd;           /* the suite's SMTP server, when it runs one */
static char smtp_setting[96]; /* RECRUITD_SMTP_URL=... for it */
static const char *smtp_settings[16];

int
api_start_with(const char *const *settings)
{
	extra_settings = settings;
	return api_start(NULL);
}

int
api_start(void **state)
{
	const char *bin = need_env("RECRUITD_TEST_BIN");
	const char *url = need_env("RECRUITD_DATABASE_URL");
	const char *logdir = getenv("RECRUITD_TEST_LOGDIR");
	char listen[64];
	int port = free_port();

	(void)state;
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(base, sizeof(base), "http://%s", listen);
	snprintf(log_path, sizeof(log_path), "%s/recruitd-%d.log", logdir ? logdir : "/tmp",
	         (int)getpid());
	snprintf(mail_dir, sizeof(mail_dir), "%s/eml-%d", logdir ? logdir : "/tmp", (int)getpid());
	mkdir(mail_dir, 0700);
	snprintf(clock_path, sizeof(clock_path), "%s/clock-%d", logdir ? logdir : "/tmp",
	         (int)getpid());
	unlink(clock_path); /* no clock: the scheduler does nothing until a test sets one */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	snprintf(bases[0], sizeof(bases[0]), "%s", base);
	server = spawn(bin, listen, log_path);
	pg = PQconnectdb(url);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "harness: cannot connect: %s", PQerrorMessage(pg));
		exit(1);
	}
	wait_ready();
	staff.hr = staff_token("hr", staff.hr_name);
	staff.recruiter = staff_token("recruiter", staff.recruiter_name);
	return 0;
}

int
api_start_second(void)
{
	char listen[64];

	snprintf(listen, sizeof(listen), "127.0.0.1:%d", free_port());
	snprintf(bases[1], sizeof(bases[1]), "http://%s", listen);
	snprintf(second_log, sizeof(second_log), "%s.second", log_path);
	second = spawn(need_env("RECRUITD_TEST_BIN"), listen, second_log);
	api_use(1);
	wait_ready();
	api_use(0);
	return 0;
}

void
await_lock_waits(int n)
{
	char want[16], *waiting = NULL;

	snprintf(want, sizeof(want), "%d", n);
	for (int i = 0; i < 200; i++) {
		free(waiting);
		waiting = db_value(
		    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
		    "AND backend_type = 'client backend' AND application_name = 'recruitd'",
		    NULL);
		if (strcmp(waiting, want) == 0)
			break;
		usleep(50000);
	}
	assert_string_equal(waiting, want);
	free(waiting);
}

int
api_second_pid(void)
{
	return (int)second;
}

void
api_second_reaped(void)
{
	waitpid(second, NULL, 0);
	second = 0;
}

void
api_use(int instance)
{
	snprintf(base, sizeof(base), "%s", bases[instance]);
}

const char *
api_base_of(int instance)
{
	return bases[instance];
}

/* Start bin listening on listen, its log to log: the child's pid. */
static pid_t
spawn(const char *bin, const char *listen, const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* a test that dies takes its server along */
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, STDERR_FILENO);
		setenv("RECRUITD_LISTEN", listen, 1);
		setenv("RECRUITD_MAX_JSON_BYTES", "65536", 1);
		setenv("RECRUITD_DB_WAIT_MS", "2000", 1);
		setenv("RECRUITD_MAIL_DIR", mail_dir, 1);
		setenv("RECRUITD_MAIL_INTERVAL_MS", "50", 1);
		setenv("RECRUITD_PUBLIC_URL", TEST_PUBLIC_URL, 1);
		setenv("RECRUITD_TEST_CLOCK", clock_path, 1);
		/* Every suite applies from 127.0.0.1 many times a minute; test_limits tests the
		 * limits themselves with their defaults. */
		setenv("RECRUITD_RATE_PER_ADDRESS_MINUTE", "1000000", 1);
		for (const char *const *e = extra_settings; e && *e; e++)
			putenv(strdup(*e)); /* the child execs at once */
		execl(bin, bin, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* PostgreSQL's own log (RECRUITD_TEST_PG_LOG) must not hold them either. */
static void
check_pg_log(void)
{
	const char *path = getenv("RECRUITD_TEST_PG_LOG");
	FILE *f = path ? fopen(path, "r") : NULL;
	char line[8192];
	long n = 0;

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f)) {
		n++;
		for (size_t i = 0; i < nforbidden; i++)
			if (strstr(line, forbidden[i]) != NULL)
				fail_msg("PostgreSQL's log holds personal data: line %ld", n);
		if (strstr(line, "there is no transaction in progress") != NULL)
			fail_msg("a stray ROLLBACK in PostgreSQL's log: line %ld", n);
	}
	fclose(f);
}

static void
check_log(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		for (size_t i = 0; i < nforbidden; i++)
			if (strstr(line, forbidden[i]) != NULL)
				fail_msg("the server log holds personal data: line %d", n + 1);
		n++;
	}
	fclose(f);
	assert_true(n > 0);
}

static bool terminated;

void
harness_string_equal(const char *a, const char *b, const char *file, int line)
{
	if (a == NULL || b == NULL) {
		print_error("%s is missing (NULL), want \"%s\"\n", a ? "the second" : "the value",
		            a ? a : (b ? b : "(null)"));
		_fail(file, line);
	}
	_assert_string_equal(a, b, file, line);
}

void
harness_string_not_equal(const char *a, const char *b, const char *file, int line)
{
	if (a == NULL || b == NULL) {
		print_error("a value is missing (NULL)\n");
		_fail(file, line);
	}
	_assert_string_not_equal(a, b, file, line);
}

int
api_server_pid(void)
{
	return (int)server;
}

void
api_sigterm(void)
{
	kill(server, SIGTERM);
	terminated = true;
}

int
api_start_with_smtp(const char *const *settings)
{
	const char *logdir = getenv("RECRUITD_TEST_LOGDIR");
	int port = free_port(), n = 0;

	/* a maildir the server makes (with its tmp/, new/, cur/); mail_find reads its new/ */
	snprintf(smtp_dir, sizeof(smtp_dir), "%s/smtp-%d", logdir ? logdir : "/tmp", (int)getpid());
	smtpd = fork();
	if (smtpd == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		char listen[32];
		snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
		execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen, "-c",
		      "aiosmtpd.handlers.Mailbox", smtp_dir, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100; i++) { /* until it answers */
		struct sockaddr_in a = {.sin_family = AF_INET,
		                        .sin_port = htons((uint16_t)port),
		                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		int s = socket(AF_INET, SOCK_STREAM, 0);
		int ok = connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;
		close(s);
		if (ok)
			break;
		usleep(100000);
	}
	snprintf(smtp_setting, sizeof(smtp_setting), "RECRUITD_SMTP_URL=smtp://127.0.0.1:%d", port);
	smtp_settings[n++] = smtp_setting;
	for (const char *const *e = settings; e && *e && n < 15; e++)
		smtp_settings[n++] = *e;
	smtp_settings[n] = NULL;
	return api_start_with(smtp_settings);
}

const char *
api_smtp_dir(void)
{
	return smtp_dir;
}

const char *
api_smtp_url(void)
{
	return smtp_setting + strlen("RECRUITD_SMTP_URL=");
}

/* SIGTERM must stop a server within its drain timeout (10 s), whatever the clients did. */
static void
stopped(pid_t pid, const char *log)
{
	int status = 0;
	pid_t done = 0;

	for (int i = 0; i < 300 && (done = waitpid(pid, &status, WNOHANG)) == 0; i++)
		usleep(100000);
	if (done == 0) {
		fprintf(stderr, "harness: recruitd did not stop within 30 s of SIGTERM; see %s\n",
		        log);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		exit(1);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "harness: recruitd did not exit 0 on SIGTERM (status %d); see %s\n",
		        status, log);
		exit(1);
	}
}

int
api_stop(void **state)
{
	(void)state;
	if (!terminated)
		kill(server, SIGTERM);
	stopped(server, log_path);
	if (second > 0) {
		kill(second, SIGTERM);
		stopped(second, second_log);
		second = 0;
		check_log(second_log);
	}
	unlink(clock_path);
	api_use(0);
	if (smtpd > 0) {
		kill(smtpd, SIGTERM);
		waitpid(smtpd, NULL, 0);
		smtpd = 0;
	}
	check_log(log_path);
	check_pg_log();
	free(staff.hr);
	free(staff.recruiter);
	staff.hr = staff.recruiter = NULL;
	curl_easy_cleanup(curl);
	curl = NULL;
	PQfinish(pg);
	pg = NULL;
	for (size_t i = 0; i < nforbidden; i++)
		free(forbidden[i]);
	free(forbidden);
	forbidden = NULL;
	nforbidden = 0; /* a suite may start the server again */
	terminated = false;
	return 0;
}

struct sink {
	char *data;
	size_t len;
};

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t add = size * n;

	s->data = xrealloc(s->data, s->len + add + 1);
	memcpy(s->data + s->len, p, add);
	s->len += add;
	s->data[s->len] = '\0';
	return add;
}

/*
 * Keep every exchange for the contract test (tests/contract), which checks
 * each against server/openapi.yaml: one JSON line per response in
 * $RECRUITD_TEST_CONTRACT/<pid>.jsonl, when that is set.
 */
static void
record_exchange(const char *method, const char *path, const char *token, const struct resp *r)
{
	const char *dir = getenv("RECRUITD_TEST_CONTRACT");
	char file[512];

	if (dir == NULL || r->status == 0)
		return;
	snprintf(file, sizeof(file), "%s/%d.jsonl", dir, (int)getpid());
	FILE *f = fopen(file, "a");
	if (f == NULL)
		return;
	const char *who = token == NULL                    ? "none"
	                  : strncmp(token, "rka_", 4) == 0 ? "applicant"
	                                                   : "staff";
	json_t *line = json_pack("{s:s, s:s, s:s, s:I, s:s, s:I}", "method", method, "path", path,
	                         "token", who, "status", (json_int_t)r->status, "headers",
	                         r->headers, "length", (json_int_t)r->len);
	json_object_set(line, "body", r->json ? r->json : json_null());
	char *text = json_dumps(line, JSON_COMPACT);
	fprintf(f, "%s\n", text);
	free(text);
	json_decref(line);
	fclose(f);
}

static struct resp *
perform(const char *method, const char *path, const char *token, const char *content_type,
        const char *body, curl_mime *mime, const char *const *headers)
{
	struct resp *r = xcalloc(1, sizeof(*r));
	struct sink b = {0}, h = {0};
	struct curl_slist *list = NULL;
	char url[2048], line[4200];

	snprintf(url, sizeof(url), "%s%s", base, path);
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
	if (mime != NULL)
		curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
	if (body != NULL) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	list = curl_slist_append(list, "Expect:");
	if (token != NULL) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", token);
		list = curl_slist_append(list, line);
	}
	if (content_type != NULL) {
		snprintf(line, sizeof(line), "Content-Type: %s", content_type);
		list = curl_slist_append(list, line);
	}
	for (; headers && *headers; headers++)
		list = curl_slist_append(list, *headers);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	if (curl_easy_perform(curl) == CURLE_OK) {
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
		curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &r->connects);
	}
	curl_slist_free_all(list);
	r->body = b.data ? b.data : xcalloc(1, 1);
	r->len = b.len;
	r->headers = h.data ? h.data : xcalloc(1, 1);
	if (r->len > 0)
		r->json = json_loadb(r->body, r->len, 0, NULL);
	record_exchange(method, path, token, r);
	return r;
}

struct resp *
http(const char *method, const char *path, const char *token, const char *content_type,
     const char *body, const char *const *headers)
{
	return perform(method, path, token, content_type, body, NULL, headers);
}

struct resp *
http_form(const char *method, const char *path, const char *token, const struct part *parts,
          const char *const *headers)
{
	curl_mime *mime = curl_mime_init(curl);
	struct resp *r;

	for (const struct part *p = parts; p->name; p++) {
		curl_mimepart *m = curl_mime_addpart(mime);
		curl_mime_name(m, p->name);
		if (p->value != NULL) {
			curl_mime_data(m, p->value, CURL_ZERO_TERMINATED);
		} else {
			curl_mime_data(m, p->data, p->len);
			curl_mime_filename(m, p->filename ? p->filename : "file");
			curl_mime_type(m, "application/octet-stream");
		}
	}
	r = perform(method, path, token, NULL, NULL, mime, headers);
	curl_mime_free(mime);
	return r;
}

void
http_disconnect(void)
{
	curl_easy_cleanup(curl);
	curl = curl_easy_init();
}

struct resp *
http_json(const char *method, const char *path, const char *token, const char *body)
{
	return http(method, path, token, body ? "application/json" : NULL, body, NULL);
}

void
resp_free(struct resp *r)
{
	if (r == NULL)
		return;
	free(r->body);
	free(r->headers);
	json_decref(r->json);
	free(r);
}

char *
resp_header(const struct resp *r, const char *name)
{
	size_t n = strlen(name);
	const char *p = r->headers;

	/* Only the last response's headers count (after a 100 Continue, say). */
	for (const char *q = p; (q = strstr(q, "\r\nHTTP/")) != NULL; q += 2)
		p = q + 2;
	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			return xstrndup(v, strcspn(v, "\r\n"));
		}
	}
	return NULL;
}

int
raw_connect(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval tv = {60, 0}; /* a deadline for broken servers, not a latency check */
	int s = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_port = htons((uint16_t)atoi(strrchr(base, ':') + 1));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) != 0)
		abort();
	return s;
}

char *
raw_request(const char *bytes, size_t len)
{
	char buf[65536];
	struct sink out = {0};
	int s = raw_connect();
	ssize_t n;
	for (size_t off = 0; off < len; off += (size_t)n)
		if ((n = send(s, bytes + off, len - off, MSG_NOSIGNAL)) <= 0)
			break;
	while ((n = recv(s, buf, sizeof(buf), 0)) > 0)
		collect(buf, 1, (size_t)n, &out);
	close(s);
	return out.data ? out.data : xcalloc(1, 1);
}

void
assert_problem(const struct resp *r, long status, const char *slug)
{
	char *ct = resp_header(r, "Content-Type");
	char type[128];

	if (r->status != status)
		fail_msg("status %ld, want %ld: %s", r->status, status, r->body);
	assert_non_null(ct);
	assert_string_equal(ct, "application/problem+json");
	free(ct);
	assert_non_null(r->json);
	assert_int_equal(json_integer_value(json_object_get(r->json, "status")), status);
	assert_non_null(json_string_value(json_object_get(r->json, "title")));
	assert_true(json_is_string(json_object_get(r->json, "detail")));
	assert_true(json_is_array(json_object_get(r->json, "errors")));
	if (slug != NULL) {
		snprintf(type, sizeof(type), "/problems/%s", slug);
		assert_string_equal(json_string_value(json_object_get(r->json, "type")), type);
	}
	char *rid = resp_header(r, "X-Request-Id");
	assert_non_null(rid);
	free(rid);
}

void
assert_field_error(const struct resp *r, const char *field)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(r->json, "errors"), i,
	                   e) if (strcmp(json_string_value(json_object_get(e, "field")), field) ==
	                          0) return;
	fail_msg("no error for field %s in %s", field, r->body);
}

char *
staff_token(const char *role, char *name_out)
{
	static int seq;
	char name[65], token[TOKEN_MAX_LEN];
	struct db *db = db_connect(getenv("RECRUITD_DATABASE_URL"));

	assert_non_null(db);
	snprintf(name, sizeof(name), "t%d-%d-%s-%ld", (int)getpid(), ++seq, role,
	         (long)time(NULL) % 100000);
	assert_int_equal(keys_create(db, role_parse(role), name, token), 0);
	db_close(db);
	if (name_out)
		strcpy(name_out, name);
	return xstrdup(token);
}

PGconn *
test_db(void)
{
	return pg;
}

static struct db *vault_db; /* a connection of the suite's own for store calls */
static bool vault_ready;

struct db *
harness_store(void)
{
	char err[256];

	if (!vault_ready) {
		if (vault_open(getenv("RECRUITD_KEYRING_FILE"), getenv("RECRUITD_MASTER_KEY_FILE"),
		               getenv("RECRUITD_KEYS_DATABASE_URL"), 1, 1024, err,
		               sizeof(err)) != 0)
			fail_msg("the key database: %s", err);
		vault_ready = true;
	}
	if (vault_db == NULL && (vault_db = db_connect(getenv("RECRUITD_DATABASE_URL"))) == NULL)
		fail_msg("cannot connect to the database");
	return vault_db;
}

void
harness_store_forget(void)
{
	if (vault_ready)
		vault_close();
	vault_ready = false;
}

const char *
email_hash_of(const char *email)
{
	static char ring[16][2 * 32 + 3];
	static unsigned next;
	char *h, set[17];

	if (applicants_email_hash(harness_store(), email, &h, set) != 0)
		fail_msg("the index key cannot be read");
	char *slot = ring[next++ % 16];
	snprintf(slot, sizeof(ring[0]), "%s", h);
	free(h);
	return slot;
}

char *
request_of_contact(const char *email)
{
	PGresult *res =
	    PQexec(pg, "SELECT c.request_id::text, c.sealed::text, r.key_id::text, "
	               "c.email FROM privacy_request_contacts c JOIN privacy_requests r "
	               "ON r.id = c.request_id");
	char *found = NULL;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("cannot read the contacts: %s", PQresultErrorMessage(res));
	(void)harness_store();
	for (int i = 0; found == NULL && i < PQntuples(res); i++) {
		const char *id = PQgetvalue(res, i, 0);
		if (PQgetisnull(res, i, 1)) { /* from before the keys */
			if (strcmp(PQgetvalue(res, i, 3), email) == 0)
				found = xstrdup(id);
			continue;
		}
		unsigned char key[SEAL_KEY_LEN];
		if (PQgetisnull(res, i, 2) || vault_key(PQgetvalue(res, i, 2), key) != 0)
			continue;
		/* store/privacy_sealed.c binds the address to the request's id and "contact" */
		char *v = vault_open_text(key, id, "contact", PQgetvalue(res, i, 1));
		if (v != NULL && strcmp(v, email) == 0)
			found = xstrdup(id);
		free(v);
	}
	PQclear(res);
	return found;
}

char *
record_field(const char *id, const char *field)
{
	char *path = xasprintf("/v1/applicants/%s", id);
	struct resp *r = http_json("GET", path, staff.hr, NULL);
	const char *v =
	    r->status == 200 ? json_string_value(json_object_get(r->json, field)) : NULL;
	char *out = v ? xstrdup(v) : NULL;

	resp_free(r);
	free(path);
	return out;
}

char *
db_value(const char *sql, const char *param)
{
	const char *params[1] = {param};
	PGresult *res = PQexecParams(pg, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);
	char *v = NULL;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("query failed: %s", PQresultErrorMessage(res));
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		v = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

void
db_exec_sql(const char *sql, const char *param)
{
	const char *params[1] = {param};
	PGresult *res = PQexecParams(pg, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("statement failed: %s", PQresultErrorMessage(res));
	PQclear(res);
}

bool
is_rfc3339_utc(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 20 && s[4] == '-' && s[10] == 'T' && s[n - 1] == 'Z';
}

void
expect_db_value(const char *sql, const char *param, const char *want)
{
	char *v = db_value(sql, param);

	if (v == NULL || strcmp(v, want) != 0)
		fail_msg("%s [%s]: %s, want %s", sql, param ? param : "", v ? v : "nothing", want);
	free(v);
}

const char *
sget(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

void
applied_free(struct applied *a)
{
	free(a->applicant);
	free(a->application);
	free(a->token);
	free(a->email);
}

char *
new_staff_applicant(const char *tag, const char *full_name)
{
	char *email = unique_email(tag);
	char *body = xasprintf("{\"full_name\":\"%s\",\"email\":\"%s\"}", full_name, email);
	struct resp *r = http_json("POST", "/v1/applicants", staff.recruiter, body);
	assert_int_equal(r->status, 201);
	char *id = xstrdup(sget(r->json, "id"));
	resp_free(r);
	free(body);
	free(email);
	return id;
}

char *
unique_email(const char *tag)
{
	static int seq;
	unsigned r;
	char *e;

	if (random_bytes(&r, sizeof(r)) != 0)
		r = (unsigned)time(NULL);
	e = xasprintf("%s.%d.%d.%08x@example.com", tag, (int)getpid(), ++seq, r);
	forbid_in_log(e);
	return e;
}

void
forbid_in_log(const char *s)
{
	forbidden = xrealloc(forbidden, (nforbidden + 1) * sizeof(*forbidden));
	forbidden[nforbidden++] = xstrdup(s);
}

int
run_env_command(const char *var)
{
	return system(need_env(var));
}

const char *
api_mail_dir(void)
{
	return mail_dir;
}

/* The file's bytes (new string), or NULL. */
static char *
slurp_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = xmalloc((size_t)n + 1);
	data[fread(data, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return data;
}

/* Whether text is a message to `to` (its To: header, whatever the line endings). */
static bool
addressed_to(const char *text, const char *to)
{
	size_t n = strlen(to);

	for (const char *p = strstr(text, "To: "); p != NULL; p = strstr(p + 1, "To: "))
		if ((p == text || p[-1] == '\n') && strncmp(p + 4, to, n) == 0 &&
		    (p[4 + n] == '\r' || p[4 + n] == '\n'))
			return true;
	return false;
}

/* The newest file in dir (files ending .eml only, when eml) that is a message to `to` with
 * needle: its path (new string), or NULL. Names start with the time, or are delivery-ordered. */
static char *
newest_in(const char *dir, bool eml, const char *to, const char *needle)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *newest = NULL;
	time_t newest_at = 0;

	while (d != NULL && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		struct stat st;
		if (e->d_name[0] == '.' ||
		    (eml && (n < 5 || strcmp(e->d_name + n - 4, ".eml") != 0)))
			continue;
		char *file = xasprintf("%s/%s", dir, e->d_name);
		char *text = stat(file, &st) == 0 && S_ISREG(st.st_mode) ? slurp_file(file) : NULL;
		if (text != NULL && addressed_to(text, to) && strstr(text, needle) != NULL &&
		    (newest == NULL || st.st_mtime > newest_at ||
		     (st.st_mtime == newest_at && strcmp(file, newest) > 0))) {
			free(newest);
			newest = xstrdup(file);
			newest_at = st.st_mtime;
		}
		free(text);
		free(file);
	}
	if (d != NULL)
		closedir(d);
	return newest;
}

char *
mail_find(const char *to, const char *needle)
{
	char *smtp_new = xasprintf("%s/new", smtp_dir);
	char *found = NULL;

	for (int tries = 0; found == NULL && tries < 200; tries++) {
		char *file = newest_in(mail_dir, true, to, needle);
		if (file == NULL)
			file = newest_in(smtp_new, false, to, needle);
		if (file != NULL) {
			found = slurp_file(file);
			unlink(file);
			free(file);
			break;
		}
		usleep(50000);
	}
	free(smtp_new);
	return found;
}

char *
mail_code(const char *to, const char *path)
{
	char *want_link = xasprintf("%s%s?code=", TEST_PUBLIC_URL, path);
	char *text = mail_find(to, want_link), *code = NULL;

	if (text != NULL) {
		const char *at = strstr(text, want_link) + strlen(want_link);
		code = xstrndup(at, strcspn(at, "\r\n \t"));
		free(text);
	}
	free(want_link);
	return code;
}

struct resp *
post_code(const char *path, const char *code, const char *const *headers)
{
	char *body = xasprintf("{\"code\":\"%s\"}", code);
	struct resp *r = http("POST", path, NULL, "application/json", body, headers);
	free(body);
	return r;
}

struct applied
apply_confirmed(const char *opening, const char *full_name, const char *tag, const void *resume,
                size_t resume_len, const char *filename, const char *const *extra_headers)
{
	struct applied a = {0};
	a.email = unique_email(tag);
	struct part parts[] = {{.name = "full_name", .value = full_name},
	                       {.name = "email", .value = a.email},
	                       {.name = "phone", .value = "+1 415 555 0100"},
	                       {.name = "opening_id", .value = opening},
	                       {.name = "privacy_notice_accepted", .value = "true"},
	                       {.name = "age_16_or_over", .value = "true"},
	                       {.name = "resume",
	                        .data = resume,
	                        .len = resume_len,
	                        .filename = filename ? filename : "resume.pdf"},
	                       {.name = NULL}};
	forbid_in_log(full_name);
	struct resp *r = http_form("POST", "/v1/apply", NULL, parts, extra_headers);
	if (r->status != 202)
		fail_msg("apply: %ld %s", r->status, r->body);
	resp_free(r);
	char *code = mail_code(a.email, "/apply/confirm");
	if (code == NULL)
		fail_msg("apply: no confirmation e-mail came");
	r = post_code("/v1/apply/confirmations", code, extra_headers);
	if (r->status != 201)
		fail_msg("confirm: %ld %s", r->status, r->body);
	a.applicant = xstrdup(sget(r->json, "applicant_id"));
	a.application = xstrdup(sget(r->json, "application_id"));
	a.token = xstrdup(sget(r->json, "applicant_token"));
	resp_free(r);
	free(code);
	return a;
}

void
api_reset_peak(void)
{
	char clear[64];
	snprintf(clear, sizeof(clear), "/proc/%d/clear_refs", api_server_pid());
	FILE *f = fopen(clear, "w"); /* "5": the peak starts again from now */
	assert_non_null(f);
	fputs("5", f);
	fclose(f);
}

long
api_status_kb(const char *field)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", api_server_pid());
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, strlen(field)) == 0 && line[strlen(field)] == ':')
			kb = atol(line + strlen(field) + 1);
	fclose(f);
	return kb;
}

const char *
api_clock_path(void)
{
	return clock_path;
}

void
api_clock_set(time_t t)
{
	char tmp[600], line[32];
	struct tm tm;
	FILE *f;

	gmtime_r(&t, &tm);
	strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(tmp, sizeof(tmp), "%s.new", clock_path);
	assert_non_null(f = fopen(tmp, "w"));
	fprintf(f, "%s\n", line);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, clock_path), 0); /* never half a time */
}

/* recruitd_scheduler_ticks_total of the instance now in use. */
static long
scheduler_ticks(void)
{
	struct resp *r = http("GET", "/metrics", NULL, NULL, NULL, NULL);
	const char *at = r->body ? strstr(r->body, "\nrecruitd_scheduler_ticks_total ") : NULL;
	long n = at ? strtol(at + 32, NULL, 10) : -1;

	assert_int_equal(r->status, 200);
	resp_free(r);
	assert_true(n >= 0);
	return n;
}

long
api_scheduler_ticks(int instance)
{
	api_use(instance);
	long n = scheduler_ticks();
	api_use(0);
	return n;
}

void
api_scheduler_kick(int instance)
{
	assert_int_equal(kill(instance == 0 ? server : second, SIGUSR1), 0);
}

void
api_scheduler_wait(int instance, long before)
{
	/* a bound for a broken server (10 s), not a wait for time to pass */
	for (int i = 0; i < 1000 && api_scheduler_ticks(instance) <= before; i++)
		usleep(10000);
	assert_true(api_scheduler_ticks(instance) > before);
}

void
api_scheduler_tick(int instance)
{
	long before = api_scheduler_ticks(instance);

	api_scheduler_kick(instance);
	api_scheduler_wait(instance, before);
}

/* A shell command made from a format: its exit status (0 when it succeeded). */
int
shell(const char *fmt, ...)
{
	va_list ap;
	char *cmd;

	va_start(ap, fmt);
	assert_true(vasprintf(&cmd, fmt, ap) > 0);
	va_end(ap);
	int rc = system(cmd);
	free(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}
