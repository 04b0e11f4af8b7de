/*
 * API: the HTTP edge under hostile clients, on loopback only, every loop
 * bounded in count and time. Framing tricks and oversized heads get 400 or
 * 431 and a closed connection; slow heads from several addresses neither
 * starve another address nor leave sockets behind; chunked bodies are
 * counted against their cap and get a real 413; bodies in flight have a
 * budget and a deadline; documents have a quota; deferred work runs on a
 * bounded pool and SIGTERM stops the server with a purge in flight.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"
#include "sock.h"

#define PER_IP 16
#define BUDGET (4u << 20)

/* Send bytes on a new connection: the server must answer status and close. */
static void
expect_refused(const char *bytes, size_t len, const char *status)
{
	int s = connect_from(1);
	bool closed;
	assert_true(s >= 0);
	send_all(s, bytes, len);
	char *out = read_until_close(s, 10000, &closed);
	if (strncmp(out, status, strlen(status)) != 0 || !closed)
		fail_msg("want %s and a close for %.60s...; got %.40s (%s)", status, bytes, out,
		         closed ? "closed" : "left open");
	assert_non_null(strstr(out, "application/problem+json"));
	assert_non_null(strstr(out, "X-Request-Id: "));
	free(out);
	close(s);
}

static void
test_framing(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, "
	    "identity\r\n\r\n",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n"
	    "Content-Length: 3\r\n\r\nabc",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: "
	    "3\r\n\r\n"
	    "abc",
	    "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
	    "GET /healthz HTTP/1.1\r\n\r\n",
	    "GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
	    "GET /healthz HTTP/1.1\nHost: x\n\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(bad[i], strlen(bad[i]), "HTTP/1.1 400");
	static const char nul[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n";
	expect_refused(nul, sizeof(nul) - 1, "HTTP/1.1 400");

	/* 16 KiB of head in all: 40 KiB of one header is 431 */
	size_t big = 40 << 10;
	char *h = xmalloc(big + 64);
	int n = snprintf(h, 64, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
	memset(h + n, 'a', big);
	memcpy(h + n + big, "\r\n\r\n", 4);
	expect_refused(h, (size_t)n + big + 4, "HTTP/1.1 431");
	free(h);
	/* a head just under the cap is served */
	char ok[16000];
	n = snprintf(ok, 64, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
	memset(ok + n, 'a', sizeof(ok) - (size_t)n - 4);
	memcpy(ok + sizeof(ok) - 4, "\r\n\r\n", 4);
	int s = connect_from(1);
	bool closed;
	send_all(s, ok, sizeof(ok));
	char *out = read_until_close(s, 1500, &closed);
	assert_int_equal(strncmp(out, "HTTP/1.1 200", 12), 0);
	free(out);
	close(s);
}

/* The same rules for a later request on a kept-alive connection. */
static void
test_framing_on_keep_alive(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n",
	    "GET /healthz HTTP/1.1\r\n\r\n",
	};
	static const char first[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int s = connect_from(1);
		char buf[4096];
		bool closed;
		send_all(s, first, sizeof(first) - 1);
		ssize_t n = recv(s, buf, sizeof(buf) - 1, 0);
		assert_true(n > 12 && strncmp(buf, "HTTP/1.1 200", 12) == 0);
		send_all(s, bad[i], strlen(bad[i]));
		char *out = read_until_close(s, 10000, &closed);
		if (strstr(out, "HTTP/1.1 400") == NULL || !closed)
			fail_msg("case %zu: %.40s (%s)", i, out, closed ? "closed" : "open");
		free(out);
		close(s);
	}
}

/* A head that does not arrive whole within the deadline gets 408 and a close. */
static void
test_head_deadline(void **state)
{
	(void)state;
	int s = connect_from(1);
	bool closed;
	send_all(s, "GET /healthz HTTP/1.1\r\nHost: x\r\n", 32);
	char *out = read_until_close(s, 15000, &closed); /* the deadline is 1.5 s here */
	assert_int_equal(strncmp(out, "HTTP/1.1 408", 12), 0);
	assert_true(closed);
	free(out);
	close(s);
}

/* Sockets of the server's port that the server has not closed after its peer did. */
static int
close_wait_count(void)
{
	const char *files[] = {"/proc/net/tcp", "/proc/net/tcp6"};
	int n = 0;
	for (int f = 0; f < 2; f++) {
		FILE *fp = fopen(files[f], "r");
		char line[512];
		if (fp == NULL)
			continue;
		while (fgets(line, sizeof(line), fp)) {
			char local[64];
			unsigned state;
			if (sscanf(line, " %*d: %63s %*s %x", local, &state) != 2)
				continue;
			char *colon = strrchr(local, ':');
			if (colon && (int)strtol(colon + 1, NULL, 16) == server_port() &&
			    state == 0x08)
				n++;
		}
		fclose(fp);
	}
	return n;
}

/*
 * Five addresses open 24 connections each (the limit is 16 a address) and
 * drip a header line every 300 ms. Another address is answered throughout;
 * the dripping ones get 408 at their deadline; nothing is left in
 * CLOSE-WAIT; each address is served again afterwards.
 */
static void
test_slow_flood(void **state)
{
	(void)state;
	enum { HOSTS = 5, EACH = 24, ROUNDS = 12 };
	int fds[HOSTS][EACH], refused = 0, answered = 0;

	http_disconnect();
	for (int h = 0; h < HOSTS; h++)
		for (int i = 0; i < EACH; i++) {
			fds[h][i] = connect_from(3 + h);
			if (fds[h][i] >= 0)
				send_all(fds[h][i], "GET /healthz HTTP/1.1\r\n", 23);
		}
	for (int round = 0; round < ROUNDS; round++) {
		for (int h = 0; h < HOSTS; h++)
			for (int i = 0; i < EACH; i++)
				if (fds[h][i] >= 0)
					send_all(fds[h][i], "X-Drip: a\r\n", 11);
		int s = connect_from(2);
		bool closed;
		send_all(s, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 53);
		char *out = read_until_close(s, 5000, &closed);
		answered += strncmp(out, "HTTP/1.1 200", 12) == 0;
		free(out);
		close(s);
		usleep(300000);
	}
	assert_int_equal(answered, ROUNDS);
	/* past the limit, connections were closed where they were accepted */
	for (int h = 0; h < HOSTS; h++)
		for (int i = 0; i < EACH; i++) {
			char buf[256];
			struct pollfd p = {.fd = fds[h][i], .events = POLLIN};
			if (fds[h][i] < 0 || poll(&p, 1, 2000) <= 0)
				continue;
			ssize_t n = recv(fds[h][i], buf, sizeof(buf) - 1, 0);
			if (n <= 0)
				refused++;
			else
				assert_int_equal(strncmp(buf, "HTTP/1.1 408", 12), 0);
		}
	assert_true(refused >= HOSTS * (EACH - PER_IP));
	for (int h = 0; h < HOSTS; h++)
		for (int i = 0; i < EACH; i++)
			if (fds[h][i] >= 0)
				close(fds[h][i]);
	int left = -1;
	for (int i = 0; i < 50 && (left = close_wait_count()) != 0; i++)
		usleep(100000);
	assert_int_equal(left, 0);
	/* the counts were given back: each address has its 16 again */
	for (int h = 0; h < HOSTS; h++) {
		int s[PER_IP];
		for (int i = 0; i < PER_IP; i++) {
			bool closed;
			s[i] = connect_from(3 + h);
			assert_true(s[i] >= 0);
			send_all(s[i], "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 34);
			char buf[64];
			struct pollfd p = {.fd = s[i], .events = POLLIN};
			if (poll(&p, 1, 5000) <= 0 || recv(s[i], buf, sizeof(buf), 0) < 12 ||
			    strncmp(buf, "HTTP/1.1 200", 12) != 0)
				fail_msg("address 127.0.0.%d, connection %d not served", 3 + h,
				         i + 1);
			(void)closed;
		}
		for (int i = 0; i < PER_IP; i++)
			close(s[i]);
	}
}

/*
 * A multipart body of n file parts of size bytes each (each under the
 * per-file cap), "resume" first: new bytes, length in *len.
 */
static char *
multipart_parts(int n, size_t size, size_t *len)
{
	size_t cap = (size_t)n * (size + 256) + 64, off = 0;
	char *b = xmalloc(cap);
	for (int i = 0; i < n; i++) {
		off += (size_t)snprintf(b + off, cap - off,
		                        "--bnd123\r\nContent-Disposition: form-data; name=\"f%d\"; "
		                        "filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n",
		                        i);
		memset(b + off, 'a', size);
		off += size;
		memcpy(b + off, "\r\n", 2);
		off += 2;
	}
	off += (size_t)snprintf(b + off, cap - off, "--bnd123--\r\n");
	*len = off;
	return b;
}

/* A chunked body: every byte counts against the cap, and the answer is a real 413. */
static void
send_chunked(int s, const char *path, const char *type, const char *body, size_t total)
{
	char head[256], size[32];
	int n = snprintf(head, sizeof(head),
	                 "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\n"
	                 "Transfer-Encoding: chunked\r\n\r\n",
	                 path, type);
	send_all(s, head, (size_t)n);
	for (size_t sent = 0; sent < total; sent += 32768) {
		size_t c = total - sent < 32768 ? total - sent : 32768;
		snprintf(size, sizeof(size), "%zx\r\n", c);
		send_all(s, size, strlen(size));
		send_all(s, body + sent, c);
		send_all(s, "\r\n", 2);
	}
	send_all(s, "0\r\n\r\n", 5);
}

static void
test_chunked_over_cap(void **state)
{
	(void)state;
	size_t json_len = 1 << 20, parts_len;
	char *json = xmalloc(json_len);
	memset(json, ' ', json_len);
	/* six files of 240 KiB: each under the file cap, together over 256 KiB + 1 MiB */
	char *parts = multipart_parts(6, 240u << 10, &parts_len);
	struct {
		const char *path, *type, *body;
		size_t total;
	} cases[] = {
	    {"/v1/applicants", "application/json", json, json_len}, /* JSON cap 64 KiB */
	    {"/v1/apply", "multipart/form-data; boundary=bnd123", parts, parts_len},
	};
	char *before = db_value("SELECT count(*) FROM applicants", NULL);
	for (size_t i = 0; i < 2; i++) {
		int s = connect_from(1);
		bool closed;
		send_chunked(s, cases[i].path, cases[i].type, cases[i].body, cases[i].total);
		char *out = read_until_close(s, 15000, &closed);
		if (strncmp(out, "HTTP/1.1 413", 12) != 0 || !closed)
			fail_msg("%s: %.40s (%s)", cases[i].path, out, closed ? "closed" : "open");
		free(out);
		close(s);
	}
	expect_db_value("SELECT count(*) FROM applicants", NULL, before);
	free(before);
	free(json);
	free(parts);
}

/* A multipart upload of five 240 KiB files declared whole, of which send_bytes are sent. */
static int
open_upload(size_t send_bytes)
{
	size_t len;
	char head[256], *body = multipart_parts(5, 240u << 10, &len);
	int s = connect_from(1);
	int n = snprintf(head, sizeof(head),
	                 "POST /v1/apply HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
	                 "boundary=bnd123\r\nContent-Length: %zu\r\n\r\n",
	                 len);
	send_all(s, head, (size_t)n);
	send_all(s, body, send_bytes < len ? send_bytes : len);
	free(body);
	return s;
}

static void
test_body_budget(void **state)
{
	(void)state;
	enum { HELD = 3 };
	size_t each = 1150u << 10;
	int held[HELD];
	bool closed;

	for (int i = 0; i < HELD; i++)
		held[i] = open_upload(each);
	usleep(500000); /* the server has taken what was sent: 3.4 MiB of a 4 MiB budget */
	int s = open_upload(SIZE_MAX); /* a whole body, past the budget */
	char *out = read_until_close(s, 15000, &closed);
	if (strncmp(out, "HTTP/1.1 503", 12) != 0 || strstr(out, "Retry-After: ") == NULL)
		fail_msg("past the budget: %.60s", out);
	free(out);
	close(s);
	for (int i = 0; i < HELD; i++)
		close(held[i]);
	/* the budget is given back: a small request is served again */
	for (int i = 0; i < 50; i++) {
		struct resp *r = http_json("POST", "/v1/applicants", staff.recruiter, "{}");
		long st = r->status;
		resp_free(r);
		if (st == 422)
			return;
		usleep(100000);
	}
	fail_msg("the budget was not given back");
}

/* A body that does not arrive within its deadline is cut off. */
static void
test_body_deadline(void **state)
{
	(void)state;
	static const char head[] =
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\n"
	    "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{";
	int s = connect_from(1);
	bool closed;
	send_all(s, head, sizeof(head) - 1);
	sleep(3); /* the body deadline is 2 s here */
	send_all(s, "\"a\":1", 5);
	char *out = read_until_close(s, 10000, &closed);
	assert_true(closed);
	assert_null(strstr(out, "HTTP/1.1 2"));
	free(out);
	close(s);
}

static char *
new_applicant(void)
{
	return new_staff_applicant("quota", "Quota Test");
}

static long
upload(const char *applicant, size_t len, struct resp **out)
{
	char *path = xasprintf("/v1/applicants/%s/documents", applicant);
	char *data = xmalloc(len);
	memset(data, 'a', len);
	data[len - 1] = '\n';
	struct part parts[] = {{.name = "file", .data = data, .len = len, .filename = "cv.txt"},
	                       {.name = NULL}};
	struct resp *r = http_form("POST", path, staff.recruiter, parts, NULL);
	long st = r->status;
	if (out)
		*out = r;
	else
		resp_free(r);
	free(data);
	free(path);
	return st;
}

static void
test_document_quota(void **state)
{
	(void)state;
	char *a = new_applicant(), *b = new_applicant();
	struct resp *r;

	for (int i = 0; i < 20; i++)
		assert_int_equal(upload(a, 64, NULL), 201);
	upload(a, 64, &r);
	assert_problem(r, 409, "document-quota");
	resp_free(r);
	expect_db_value("SELECT count(*) FROM documents WHERE applicant_id = $1", a, "20");
	/* bytes: 300,000 in all here */
	assert_int_equal(upload(b, 250000, NULL), 201);
	upload(b, 60000, &r);
	assert_problem(r, 409, "document-quota");
	resp_free(r);
	assert_int_equal(upload(b, 50000, NULL), 201);
	expect_db_value("SELECT sum(size) FROM documents WHERE applicant_id = $1", b, "300000");
	free(a);
	free(b);
}

/* POST a purge on a new connection, not waiting for the answer. */
static int
start_purge(void)
{
	char *req = xasprintf("POST /v1/retention/purges HTTP/1.1\r\nHost: x\r\nAuthorization: "
	                      "Bearer %s\r\nContent-Type: application/json\r\nContent-Length: "
	                      "16\r\n\r\n{\"dry_run\":true}",
	                      staff.hr);
	int s = connect_from(1);
	send_all(s, req, strlen(req));
	free(req);
	return s;
}

/* Until n purges wait on the lock the test holds. */
static void
wait_for_blocked(int n)
{
	char want[16];
	snprintf(want, sizeof(want), "%d", n);
	for (int i = 0; i < 100; i++) {
		char *c = db_value("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
		                   "'Lock' AND query LIKE 'INSERT INTO purge_runs%'",
		                   NULL);
		bool ok = strcmp(c, want) == 0;
		free(c);
		if (ok)
			return;
		usleep(100000);
	}
	fail_msg("%d purges never waited on the lock", n);
}

/*
 * Deferred work runs on two threads with eight waiting at most: more get 503
 * at once. The two threads are taken first (both wait on the lock the test
 * holds), so how many wait does not hang on how soon a thread takes one.
 */
static void
test_deferred_pool(void **state)
{
	(void)state;
	enum { N = 12 };
	PGconn *gate = PQconnectdb(getenv("RECRUITD_DATABASE_URL"));
	int s[N], created = 0, busy = 0;
	bool closed;

	PQclear(PQexec(gate, "BEGIN"));
	PQclear(PQexec(gate, "LOCK TABLE purge_runs IN ACCESS EXCLUSIVE MODE"));
	for (int i = 0; i < 2; i++)
		s[i] = start_purge();
	wait_for_blocked(2);
	for (int i = 2; i < N; i++)
		s[i] = start_purge();
	/* the API still answers, and still reaches the database */
	struct resp *r = http("GET", "/v1/openings", staff.recruiter, NULL, NULL, NULL);
	long status = r->status;
	resp_free(r);
	for (int i = 0; i < N; i++) { /* those past the queue were answered already */
		struct pollfd p = {.fd = s[i], .events = POLLIN};
		char buf[64];
		if (poll(&p, 1, 200) > 0 && recv(s[i], buf, sizeof(buf), MSG_PEEK) >= 12 &&
		    strncmp(buf, "HTTP/1.1 503", 12) == 0)
			busy++;
	}
	/* before any assertion: a failure must not leave the lock for the next test */
	PQclear(PQexec(gate, "ROLLBACK"));
	assert_int_equal(status, 200);
	assert_int_equal(busy, N - 10);
	for (int i = 0; i < N; i++) {
		char *out = read_until_close(s[i], 1500, &closed);
		created += strncmp(out, "HTTP/1.1 201", 12) == 0;
		free(out);
		close(s[i]);
	}
	assert_int_equal(created, 10);
	PQfinish(gate);
}

/* SIGTERM with a purge in flight: the purge finishes, its answer is sent, the server exits 0. */
static void
test_sigterm_during_purge(void **state)
{
	(void)state;
	PGconn *gate = PQconnectdb(getenv("RECRUITD_DATABASE_URL"));
	bool closed;

	PQclear(PQexec(gate, "BEGIN"));
	PQclear(PQexec(gate, "LOCK TABLE purge_runs IN ACCESS EXCLUSIVE MODE"));
	int s = start_purge();
	wait_for_blocked(1);
	api_sigterm();
	usleep(300000);
	PQclear(PQexec(gate, "ROLLBACK"));
	PQfinish(gate);
	char *out = read_until_close(s, 15000, &closed);
	assert_int_equal(strncmp(out, "HTTP/1.1 201", 12), 0);
	free(out);
	close(s);
	/* api_stop checks that it exits 0 in time */
}

static int
setup(void **state)
{
	static const char *const settings[] = {"RECRUITD_HEAD_TIMEOUT_MS=1500",
	                                       "RECRUITD_MAX_CONNECTIONS_PER_IP=16",
	                                       "RECRUITD_BODY_BUDGET_BYTES=4194304",
	                                       "RECRUITD_MAX_UPLOAD_BYTES=262144",
	                                       "RECRUITD_BODY_TIMEOUT=2",
	                                       "RECRUITD_DOCUMENT_QUOTA_BYTES=300000",
	                                       NULL};
	(void)state;
	return api_start_with(settings);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_framing),          cmocka_unit_test(test_framing_on_keep_alive),
	    cmocka_unit_test(test_head_deadline),    cmocka_unit_test(test_slow_flood),
	    cmocka_unit_test(test_chunked_over_cap), cmocka_unit_test(test_body_budget),
	    cmocka_unit_test(test_body_deadline),    cmocka_unit_test(test_document_quota),
	    cmocka_unit_test(test_deferred_pool),    cmocka_unit_test(test_sigterm_during_purge),
	};
	return cmocka_run_group_tests_name("api edge", tests, setup, api_stop);
}
