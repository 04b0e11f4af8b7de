/*
 * API: e-mail through the outbox, against a real SMTP server on loopback
 * (Debian's python3-aiosmtpd, delivering into a maildir). Two more recruitd
 * processes on the same database deliver at once, and every message arrives
 * exactly once; a sent message keeps no address or body; an unreachable
 * server means tries with backoff, then giving up after 24 hours; without
 * SMTP, messages are written as .eml files.
 */
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"

static char maildir[512], smtp_url[96];
static char kind_once[48], kind_fail[48], kind_file[48]; /* this run's own */

static int
free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), port;
	bind(s, (struct sockaddr *)&a, sizeof(a));
	getsockname(s, (struct sockaddr *)&a, &len);
	port = ntohs(a.sin_port);
	close(s);
	return port;
}

/* Messages delivered into the maildir so far. */
static int
delivered(void)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/new", maildir);
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* Every delivered message's text, concatenated (new string). */
static char *
all_messages(void)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/new", maildir);
	DIR *d = opendir(path);
	struct dirent *e;
	size_t cap = 1 << 20, len = 0;
	char *out = xcalloc(1, cap);
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char file[1200];
		snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
		FILE *f = fopen(file, "r");
		size_t n;
		while (f && (n = fread(out + len, 1, cap - len - 1, f)) > 0)
			len += n;
		if (f)
			fclose(f);
		if (cap - len < 65536)
			out = xrealloc(out, cap *= 2);
	}
	if (d)
		closedir(d);
	out[len] = '\0';
	return out;
}

/* Queue n messages of this test's kind, straight into the outbox. */
static void
queue(int n, const char *kind)
{
	for (int i = 0; i < n; i++) {
		char *to = unique_email("mail");
		char id[16];
		snprintf(id, sizeof(id), "%d", i);
		const char *params[3] = {kind, to, id};
		PGresult *res = PQexecParams(
		    test_db(),
		    "INSERT INTO mail_outbox (id, kind, to_address, subject, body, request_id) "
		    "VALUES "
		    "(gen_random_uuid(), $1, $2, 'Bestätigen Sie Ihre Bewerbung ' || $3, "
		    "'Hello,\nfollow this link: http://example.test/apply/confirm?code=c' || $3 || "
		    "'\n.\nA line with a lone dot above.\n', 'test')",
		    3, NULL, params, NULL, NULL, 0);
		assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
		PQclear(res);
		free(to);
	}
}

/* Another recruitd on this database, delivering every 50 ms. */
static pid_t
start_deliverer(void)
{
	pid_t p = fork();
	if (p == 0) {
		char listen[32];
		snprintf(listen, sizeof(listen), "RECRUITD_LISTEN=127.0.0.1:%d", free_port());
		putenv(listen);
		putenv((char[]){"RECRUITD_MAIL_INTERVAL_MS=50"});
		char *u = xasprintf("RECRUITD_SMTP_URL=%s", smtp_url);
		putenv(u);
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, STDERR_FILENO);
		execl(getenv("RECRUITD_TEST_BIN"), "recruitd", (char *)NULL);
		_exit(127);
	}
	return p;
}

static void
test_each_message_once(void **state)
{
	(void)state;
	enum { N = 40 };
	/* messages earlier suites left undelivered would arrive too: settle them first */
	db_exec_sql(
	    "UPDATE mail_outbox SET status = 'failed', to_address = NULL, subject = NULL, "
	    "body = NULL, sealed = NULL, key_id = NULL, outcome = 'test: left by an earlier suite' "
	    "WHERE status = 'pending'",
	    NULL);
	int before = delivered();
	queue(N, kind_once);
	pid_t a = start_deliverer(), b = start_deliverer();
	for (int i = 0; i < 300 && delivered() < before + N; i++)
		usleep(50000);
	usleep(500000); /* a duplicate would arrive now */
	kill(a, SIGTERM);
	kill(b, SIGTERM);
	int sa, sb;
	waitpid(a, &sa, 0);
	waitpid(b, &sb, 0);
	assert_int_equal(delivered(), before + N);
	assert_true(WIFEXITED(sa) && WEXITSTATUS(sa) == 0 && WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
	/* what is left of a sent message: kind, times, request id, outcome */
	expect_db_value("SELECT count(*) FROM mail_outbox WHERE kind = $1 AND status = 'sent' "
	                "AND to_address IS NULL AND subject IS NULL AND body IS NULL "
	                "AND outcome LIKE 'smtp 250%'",
	                kind_once, "40");
	char *text = all_messages();
	assert_non_null(strstr(text, "Subject: =?UTF-8?B?")); /* the umlaut, encoded */
	assert_non_null(strstr(text, "Content-Type: text/plain; charset=utf-8"));
	assert_non_null(strstr(text, "follow this link: http://example.test/apply/confirm?code=c"));
	assert_non_null(strstr(text, "\n.\nA line with a lone dot above.")); /* not the end */
	free(text);
}

/* recruitctl mail deliver with the environment it is given, its exit status. */
static int
ctl_deliver(const char *setting)
{
	char *cmd =
	    xasprintf("%s %s mail deliver 2>/dev/null", setting, getenv("RECRUITD_TEST_CTL"));
	int rc = system(cmd);
	free(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void
test_retry_then_give_up(void **state)
{
	(void)state;
	queue(1, kind_fail);
	/* nothing listens on port 1: kept, tried again later */
	assert_int_equal(ctl_deliver("RECRUITD_SMTP_URL=smtp://127.0.0.1:1"), 0);
	expect_db_value(
	    "SELECT status || attempts || (next_attempt_at > now()) || (body IS NOT NULL) "
	    "FROM mail_outbox WHERE kind = $1",
	    kind_fail, "pending1truetrue");
	/* past 24 hours of trying: given up, and the address and body go */
	const char *params[1] = {kind_fail};
	PGresult *res =
	    PQexecParams(test_db(),
	                 "UPDATE mail_outbox SET created_at = now() - interval '25 hours', "
	                 "next_attempt_at = now() WHERE kind = $1",
	                 1, NULL, params, NULL, NULL, 0);
	PQclear(res);
	assert_int_equal(ctl_deliver("RECRUITD_SMTP_URL=smtp://127.0.0.1:1"), 0);
	expect_db_value("SELECT status || (to_address IS NULL) || (body IS NULL) FROM mail_outbox "
	                "WHERE kind = $1",
	                kind_fail, "failedtruetrue");
}

static void
test_files_without_smtp(void **state)
{
	(void)state;
	char dir[600], *setting;
	snprintf(dir, sizeof(dir), "%s-eml", maildir);
	queue(3, kind_file);
	setting = xasprintf("RECRUITD_SMTP_URL= RECRUITD_MAIL_DIR=%s", dir);
	assert_int_equal(ctl_deliver(setting), 0);
	free(setting);
	DIR *d = opendir(dir);
	struct dirent *e;
	int files = 0;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[1200];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600); /* personal data: the owner's alone */
		assert_non_null(strstr(e->d_name, ".eml"));
		files++;
	}
	if (d)
		closedir(d);
	assert_int_equal(files, 3);
	expect_db_value("SELECT count(*) FROM mail_outbox WHERE kind = $1 AND outcome = 'file'",
	                kind_file, "3");
}

/* The code of the link to {PUBLIC_URL}path in the message delivered to `to` (new string). */
static char *
delivered_code(const char *to, const char *path)
{
	char *want_to = xasprintf("To: %s", to),
	     *link = xasprintf("%s%s?code=", TEST_PUBLIC_URL, path);
	char *code = NULL;

	for (int i = 0; i < 100 && code == NULL; i++) {
		char *text = all_messages(), *at = strstr(text, want_to);
		if (at != NULL && (at = strstr(at, link)) != NULL) {
			at += strlen(link);
			code = xstrndup(at, strcspn(at, "\r\n"));
		}
		free(text);
		if (code == NULL)
			usleep(50000);
	}
	free(want_to);
	free(link);
	return code;
}

/* The applicant's side end to end through SMTP: apply, confirm by the link, sign in by the link. */
static void
test_links_through_smtp(void **state)
{
	(void)state;
	struct resp *r = http_json("POST", "/v1/openings", staff.recruiter,
	                           "{\"title\":\"Mail Room\",\"country\":\"US\"}");
	assert_int_equal(r->status, 201);
	char *opening = xstrdup(sget(r->json, "id"));
	resp_free(r);
	char *email = unique_email("smtp");
	struct part parts[] = {
	    {.name = "full_name", .value = "Em Ailed"},
	    {.name = "email", .value = email},
	    {.name = "opening_id", .value = opening},
	    {.name = "privacy_notice_accepted", .value = "true"},
	    {.name = "age_16_or_over", .value = "true"},
	    {.name = "resume", .data = "Em Ailed\nCV\n", .len = 12, .filename = "cv.txt"},
	    {.name = NULL}};
	forbid_in_log("Em Ailed");
	r = http_form("POST", "/v1/apply", NULL, parts, NULL);
	assert_int_equal(r->status, 202);
	resp_free(r);
	char *setting = xasprintf("RECRUITD_SMTP_URL=%s", smtp_url);
	assert_int_equal(ctl_deliver(setting), 0);
	char *code = delivered_code(email, "/apply/confirm");
	assert_non_null(code);
	char *text = all_messages();
	assert_non_null(strstr(text, "Subject: Confirm your application to Example Company"));
	assert_null(strstr(text, "Em Ailed")); /* the letter carries the link, not the person */
	free(text);
	r = post_code("/v1/apply/confirmations", code, NULL);
	assert_int_equal(r->status, 201);
	char *applicant = xstrdup(sget(r->json, "applicant_id"));
	resp_free(r);
	/* sign in later by a link */
	char *body = xasprintf("{\"email\":\"%s\"}", email);
	r = http_json("POST", "/v1/me/sign-in", NULL, body);
	assert_int_equal(r->status, 202);
	resp_free(r);
	assert_int_equal(ctl_deliver(setting), 0);
	char *sign_in = delivered_code(email, "/me");
	assert_non_null(sign_in);
	r = post_code("/v1/me/sessions", sign_in, NULL);
	assert_int_equal(r->status, 201);
	char *token = xstrdup(sget(r->json, "applicant_token"));
	resp_free(r);
	r = http_json("GET", "/v1/me", token, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(sget(r->json, "id"), applicant);
	resp_free(r);
	free(token);
	free(sign_in);
	free(body);
	free(applicant);
	free(code);
	free(setting);
	free(email);
	free(opening);
}

static int
setup(void **state)
{
	snprintf(kind_once, sizeof(kind_once), "test.once.%d", (int)getpid());
	snprintf(kind_fail, sizeof(kind_fail), "test.fail.%d", (int)getpid());
	snprintf(kind_file, sizeof(kind_file), "test.file.%d", (int)getpid());
	/* this suite's own recruitd stays quiet: the deliverers and recruitctl do the work */
	static const char *settings[] = {"RECRUITD_MAIL_INTERVAL_MS=3600000", NULL};
	(void)state;
	int rc = api_start_with_smtp(settings);
	snprintf(maildir, sizeof(maildir), "%s", api_smtp_dir());
	snprintf(smtp_url, sizeof(smtp_url), "%s", api_smtp_url());
	return rc;
}

static int
teardown(void **state)
{
	return api_stop(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_message_once),
	    cmocka_unit_test(test_retry_then_give_up),
	    cmocka_unit_test(test_files_without_smtp),
	    cmocka_unit_test(test_links_through_smtp),
	};
	return cmocka_run_group_tests_name("api mail", tests, setup, teardown);
}
