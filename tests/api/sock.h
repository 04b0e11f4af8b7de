/*
 * sock: raw sockets for the suites that speak bytes to the edge rather than
 * HTTP through libcurl (test_edge, test_keepalive): a connection from a
 * chosen loopback address, sending all of a buffer, reading until the
 * server closes. Loopback only; every wait bounded.
 */
#ifndef RECRUITD_TEST_SOCK_H
#define RECRUITD_TEST_SOCK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"

static inline int
server_port(void)
{
	return atoi(strrchr(api_base(), ':') + 1);
}

/* Milliseconds on the monotonic clock. */
static inline long long
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A connection from source address 127.0.0.<host>; -1 when refused. */
static inline int
connect_from(int host)
{
	struct sockaddr_in src = {.sin_family = AF_INET}, dst = {.sin_family = AF_INET};
	int s = socket(AF_INET, SOCK_STREAM, 0);
	char ip[32];

	snprintf(ip, sizeof(ip), "127.0.0.%d", host);
	inet_pton(AF_INET, ip, &src.sin_addr);
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	dst.sin_port = htons((uint16_t)server_port());
	if (bind(s, (struct sockaddr *)&src, sizeof(src)) != 0 ||
	    connect(s, (struct sockaddr *)&dst, sizeof(dst)) != 0) {
		close(s);
		return -1;
	}
	return s;
}

static inline void
send_all(int s, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = send(s, p, len, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/*
 * Read what the server sends until it closes or ms pass. *closed tells
 * whether it closed. The bytes (new string).
 */
static inline char *
read_until_close(int s, int ms, bool *closed)
{
	size_t cap = 1 << 16, len = 0;
	char *out = xmalloc(cap);
	struct pollfd p = {.fd = s, .events = POLLIN};
	long long end = now_ms() + ms;

	*closed = false;
	for (;;) {
		long long left = end - now_ms();
		if (left <= 0 || poll(&p, 1, (int)(left > 1000 ? 1000 : left)) < 0)
			break;
		if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (len + 4096 > cap)
			out = xrealloc(out, cap *= 2);
		ssize_t n = recv(s, out + len, cap - len - 1, 0);
		if (n <= 0) {
			*closed = true;
			break;
		}
		len += (size_t)n;
	}
	out[len] = '\0';
	return out;
}

#endif
