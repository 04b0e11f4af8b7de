/* API: connection limits per client address and the idle-connection timeout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"

static const char ping[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

/* Send a request on s and read one reply; the bytes read (0: closed without a word). */
static ssize_t
ask(int s, char *buf, size_t size)
{
	if (send(s, ping, sizeof(ping) - 1, MSG_NOSIGNAL) < 0)
		return 0;
	ssize_t n = recv(s, buf, size - 1, 0);
	if (n > 0)
		buf[n] = '\0';
	return n < 0 ? 0 : n;
}

/*
 * Wait until the server holds no connection from us: a connection it has
 * not yet seen closed still counts against the limit. Probe with the limit's
 * worth of connections until all are served.
 */
static void
wait_until_released(int limit)
{
	char buf[1024];

	for (int attempt = 0; attempt < 50; attempt++) {
		int s[8], served = 0;
		for (int i = 0; i < limit; i++) {
			s[i] = raw_connect();
			served += ask(s[i], buf, sizeof(buf)) > 0;
		}
		for (int i = 0; i < limit; i++)
			close(s[i]);
		if (served == limit) {
			usleep(300000); /* and let it see these closed too */
			return;
		}
		usleep(100000);
	}
	fail_msg("the server kept counting closed connections");
}

static void
test_per_ip_limit(void **state)
{
	int s[4];
	char buf[1024];

	(void)state;
	http_disconnect(); /* the harness's own connection would count */
	wait_until_released(3);
	for (int i = 0; i < 3; i++) {
		s[i] = raw_connect();
		if (ask(s[i], buf, sizeof(buf)) <= 0)
			fail_msg("connection %d of 3 was refused", i + 1);
		assert_int_equal(strncmp(buf, "HTTP/1.1 200", 12), 0);
	}
	/* the fourth connection from this address is refused */
	s[3] = raw_connect();
	assert_int_equal(ask(s[3], buf, sizeof(buf)), 0);
	close(s[3]);
	/* one closes; a new one is served again, once the server has seen the close */
	close(s[0]);
	for (int attempt = 0; attempt < 50; attempt++) {
		s[0] = raw_connect();
		if (ask(s[0], buf, sizeof(buf)) > 0)
			break;
		close(s[0]);
		usleep(100000);
	}
	assert_true(ask(s[0], buf, sizeof(buf)) > 0);
	assert_int_equal(strncmp(buf, "HTTP/1.1 200", 12), 0);
	for (int i = 0; i < 3; i++)
		close(s[i]);
	wait_until_released(3);
}

static void
test_idle_timeout(void **state)
{
	char buf[1024];

	(void)state;
	int s = raw_connect();
	if (ask(s, buf, sizeof(buf)) <= 0)
		fail_msg("the first request was not answered");
	sleep(3); /* the server runs with a 1 s idle timeout */
	assert_int_equal(ask(s, buf, sizeof(buf)), 0);
	close(s);
}

static int
setup(void **state)
{
	static const char *const settings[] = {"RECRUITD_MAX_CONNECTIONS_PER_IP=3",
	                                       "RECRUITD_IDLE_TIMEOUT=1", NULL};
	(void)state;
	return api_start_with(settings);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_per_ip_limit),
	    cmocka_unit_test(test_idle_timeout),
	};
	return cmocka_run_group_tests_name("api limits", tests, setup, api_stop);
}
