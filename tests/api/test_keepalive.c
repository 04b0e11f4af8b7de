/*
 * API: kept-alive connections at the edge, on loopback only, every loop
 * bounded in count and time. Every request head on a connection, not only
 * the first, is judged by its raw bytes (ambiguous framing 400 and closed,
 * the bytes after it never served) and has the head deadline (408); when
 * connections run short, the ones waiting longest for a head are closed
 * first, so trickling kept-alive connections from several addresses do not
 * starve a normal client.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"
#include "sock.h"

/* The flood: this many addresses, with this many connections each (the server takes 40). */
#define HOSTS 6
#define EACH 40

static const char ping[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

/* Open a connection from 127.0.0.<host> and have one request answered on it: the socket. */
static int
kept_alive(int host)
{
	char buf[4096];
	struct pollfd p;
	int s = connect_from(host);

	assert_true(s >= 0);
	send_all(s, ping, sizeof(ping) - 1);
	p = (struct pollfd){.fd = s, .events = POLLIN};
	ssize_t n = poll(&p, 1, 5000) == 1 ? recv(s, buf, sizeof(buf) - 1, 0) : -1;
	if (n < 12 || strncmp(buf, "HTTP/1.1 200", 12) != 0)
		fail_msg("the first request on a connection was not answered");
	return s;
}

/* How many status lines ("HTTP/1.1 " and three digits) s holds: answers. */
static int
answers(const char *s)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, "HTTP/1.1 ")) != NULL; p += 9)
		n += isdigit((unsigned char)p[9]) && isdigit((unsigned char)p[10]) &&
		     isdigit((unsigned char)p[11]) && p[12] == ' ';
	return n;
}

/*
 * The second request on a kept-alive connection, followed by a request of
 * its own: want is its answer (400 or 431), then the close; the request
 * after it is never served. False (and why, printed with label) otherwise.
 */
static bool
second_refused(int label, const char *bytes, size_t len, const char *want)
{
	static const char smuggled[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
	char *all = xmalloc(len + sizeof(smuggled));
	bool closed, ok;
	int s = kept_alive(1);

	memcpy(all, bytes, len);
	memcpy(all + len, smuggled, sizeof(smuggled) - 1);
	send_all(s, all, len + sizeof(smuggled) - 1);
	char *out = read_until_close(s, 10000, &closed);
	const char *first = strstr(out, "HTTP/1.1 ");
	ok = first != NULL && strncmp(first, want, strlen(want)) == 0 && closed &&
	     answers(out) == 1 && strstr(out, "application/problem+json");
	if (!ok)
		print_message("case %d: want %s and a close; got %.12s (%d answers, %s)\n", label,
		              want, first ? first : "nothing", answers(out),
		              closed ? "closed" : "left open");
	free(out);
	free(all);
	close(s);
	return ok;
}

static void
test_framing_on_later_requests(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    /* a folded Transfer-Encoding beside a Content-Length */
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	    "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n"
	    "Content-Length: 5\r\n\r\n0\r\n\r\n",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: "
	    "5\r\n\r\n0\r\n\r\n",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n"
	    "Content-Length: 5\r\n\r\n0\r\n\r\n",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
	    "0\r\n\r\n",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n"
	    "\r\n0\r\n\r\n",
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	    "GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
	    "GET /healthz HTTP/1.1\r\n\r\n",
	    "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
	    "GET /healthz HTTP/1.1\nHost: x\n\n",
	    "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
	};
	int refused = 0, cases = (int)(sizeof(bad) / sizeof(bad[0])) + 2;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused += second_refused((int)i, bad[i], strlen(bad[i]), "HTTP/1.1 400");
	static const char nul[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n";
	refused += second_refused(cases - 2, nul, sizeof(nul) - 1, "HTTP/1.1 400");

	/* more than 16 KiB of head on a later request is 431 */
	size_t big = 20 << 10;
	char *h = xmalloc(big + 64);
	int n = snprintf(h, 64, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
	memset(h + n, 'a', big);
	memcpy(h + n + big, "\r\n\r\n", 4);
	refused += second_refused(cases - 1, h, (size_t)n + big + 4, "HTTP/1.1 431");
	free(h);
	if (refused != cases)
		fail_msg("%d of %d ambiguous second requests were refused", refused, cases);
}

/* Well-framed later requests are still served, bodies and all, on one connection. */
static void
test_later_requests_served(void **state)
{
	(void)state;
	static const char chunked[] =
	    "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
	static const char sized[] = "POST /v1/applicants HTTP/1.1\r\nHost: x\r\nContent-Type: "
	                            "application/json\r\nContent-Length: 2\r\n\r\n{}";
	char buf[8192];
	int s = kept_alive(1);

	for (int i = 0; i < 3; i++) {
		const char *req = i == 1 ? sized : i == 2 ? ping : chunked;
		struct pollfd p = {.fd = s, .events = POLLIN};
		send_all(s, req, strlen(req));
		ssize_t n = poll(&p, 1, 5000) == 1 ? recv(s, buf, sizeof(buf) - 1, 0) : -1;
		assert_true(n > 12);
		buf[n] = '\0';
		/* no token: 401, answered on the same connection */
		const char *want = i == 2 ? "HTTP/1.1 200" : "HTTP/1.1 401";
		if (strncmp(buf, want, 12) != 0)
			fail_msg("request %d: want %s, got %.20s", i + 2, want, buf);
	}
	close(s);
}

/*
 * A request that asks for the close, first on its connection or later:
 * answered, then closed at once (its answer and the end of the connection
 * come together, and the end must not be missed).
 */
static void
test_close_after_answer(void **state)
{
	(void)state;
	static const char closing[] =
	    "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	for (int i = 0; i < 20; i++) {
		bool closed;
		int s = i % 2 ? kept_alive(1) : connect_from(1);
		long long start = now_ms();
		send_all(s, closing, sizeof(closing) - 1);
		char *out = read_until_close(s, 3000, &closed);
		if (!closed || answers(out) != 1 || strstr(out, "HTTP/1.1 200") == NULL)
			fail_msg("request %d: %.12s, %s after %lld ms", i, out,
			         closed ? "closed" : "still open", now_ms() - start);
		free(out);
		close(s);
	}
}

/* A later head that does not arrive whole within the deadline gets 408 and a close. */
static void
test_later_head_deadline(void **state)
{
	(void)state;
	static const char drip[] =
	    "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Drip: aaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	char buf[4096] = "";
	bool closed = false;
	int s = kept_alive(1);
	long long start = now_ms();

	/* a byte every 100 ms, for at most 6 s (the deadline is 1.5 s) */
	for (size_t i = 0; i < sizeof(drip) - 1 && now_ms() - start < 6000 && !closed; i++) {
		struct pollfd p = {.fd = s, .events = POLLIN};
		send(s, drip + i, 1, MSG_NOSIGNAL);
		if (poll(&p, 1, 100) == 1) {
			ssize_t n = recv(s, buf, sizeof(buf) - 1, 0);
			closed = n <= 0;
			if (n > 0)
				buf[n] = '\0';
			if (n > 0 && strncmp(buf, "HTTP/1.1 408", 12) != 0)
				fail_msg("want 408, got %.20s", buf);
			if (n > 0) {
				char *rest = read_until_close(s, 3000, &closed);
				free(rest);
			}
		}
	}
	if (!closed)
		fail_msg("a later head dripped for %lld ms and the connection is still open",
		         now_ms() - start);
	assert_int_equal(strncmp(buf, "HTTP/1.1 408", 12), 0);
	close(s);
}

/* One trickling client: one request answered, then a second head a byte at a time. */
struct trickler {
	int fd;
	bool served; /* its first request was answered: it trickles now */
	size_t pos;  /* bytes of the second head sent */
};

static void
trickler_close(struct trickler *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

/* Connect and send the first request, without waiting for its answer. */
static void
trickler_open(struct trickler *t, int host)
{
	t->fd = connect_from(host);
	t->served = false;
	t->pos = 0;
	if (t->fd < 0)
		return;
	fcntl(t->fd, F_SETFL, O_NONBLOCK);
	send_all(t->fd, ping, sizeof(ping) - 1);
}

/* One step: read what came (an answer, a 408, a close) and send one more byte once served. */
static void
trickler_step(struct trickler *t)
{
	static const char head[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Drip: ";
	char buf[4096];
	ssize_t n = recv(t->fd, buf, sizeof(buf), 0);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) || (n > 0 && t->served)) {
		trickler_close(t); /* closed, or answered 408 */
		return;
	}
	if (n > 0)
		t->served = strncmp(buf, "HTTP/1.1 200", 12) == 0;
	if (!t->served)
		return;
	char c = t->pos < sizeof(head) - 1 ? head[t->pos] : 'a';
	if (send(t->fd, &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
		t->pos++;
}

/* A normal client's request on a new connection: answered 200 within ms? */
static bool
answered_within(int host, int ms)
{
	char buf[256];
	struct pollfd p;
	long long start = now_ms();
	int s = connect_from(host);
	ssize_t n = -1;

	if (s < 0)
		return false;
	send_all(s, ping, sizeof(ping) - 1);
	p = (struct pollfd){.fd = s, .events = POLLIN};
	if (poll(&p, 1, ms) == 1)
		n = recv(s, buf, sizeof(buf), 0);
	close(s);
	return n >= 12 && strncmp(buf, "HTTP/1.1 200", 12) == 0 && now_ms() - start <= ms;
}

/* Every trickler one step further; the closed ones connect again, CONNECTS in all. */
static void
flood_round(struct trickler t[HOSTS][EACH], int *connects)
{
	enum { CONNECTS = 1500 };

	for (int h = 0; h < HOSTS; h++)
		for (int i = 0; i < EACH; i++) {
			if (t[h][i].fd >= 0) {
				trickler_step(&t[h][i]);
			} else if (*connects < CONNECTS) {
				trickler_open(&t[h][i], 10 + h);
				(*connects)++;
			}
		}
}

/*
 * Six addresses keep 240 kept-alive connections trickling a second head
 * (the server takes 96 in all, 40 an address), connecting again when
 * closed; meanwhile a normal client from another address makes 50
 * requests, each answered within 3 s. Bounded: 1,500 connections, 30 s.
 */
static void
test_keepalive_trickle_flood(void **state)
{
	(void)state;
	enum { REQUESTS = 50 };
	static struct trickler t[HOSTS][EACH];
	int answered = 0, connects = 0;
	long long start = now_ms();

	http_disconnect();
	for (int h = 0; h < HOSTS; h++)
		for (int i = 0; i < EACH; i++)
			t[h][i].fd = -1;
	/* the flood first: the server's connections are all taken before the client comes */
	for (int round = 0; round < 30; round++) {
		flood_round(t, &connects);
		usleep(20000);
	}
	for (int req = 0; req < REQUESTS && now_ms() - start < 30000; req++) {
		answered += answered_within(2, 3000);
		flood_round(t, &connects);
		usleep(50000);
	}
	for (int h = 0; h < HOSTS; h++)
		for (int i = 0; i < EACH; i++)
			trickler_close(&t[h][i]);
	if (answered != REQUESTS)
		fail_msg("%d of %d requests answered among trickling connections (%d opened)",
		         answered, REQUESTS, connects);
}

static int
setup(void **state)
{
	static const char *const settings[] = {"RECRUITD_HEAD_TIMEOUT_MS=1500",
	                                       "RECRUITD_MAX_CONNECTIONS=96",
	                                       "RECRUITD_MAX_CONNECTIONS_PER_IP=40", NULL};
	(void)state;
	return api_start_with(settings);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_framing_on_later_requests),
	    cmocka_unit_test(test_later_requests_served),
	    cmocka_unit_test(test_close_after_answer),
	    cmocka_unit_test(test_later_head_deadline),
	    cmocka_unit_test(test_keepalive_trickle_flood),
	};
	return cmocka_run_group_tests_name("api keepalive", tests, setup, api_stop);
}
