/*
 * relay: the bytes of a connection between the client and libmicrohttpd,
 * through the gate's thread, so that every request head on a connection,
 * not only the first, is judged by its raw bytes (edge/head.c) and has the
 * head deadline before libmicrohttpd sees a byte of it.
 *
 * Client bytes are judged in order: a head is held until it has arrived
 * whole, then judged; a good one is handed on with its body, whose end is
 * found by its Content-Length or its chunks (edge/chunked.h), and the byte
 * after the body starts the next head. A refused head is answered here
 * (400, 408, 431) once the request before it has been answered, and the
 * connection closes; nothing after it is read. libmicrohttpd's bytes go to
 * the client as they come. Each way, a side that cannot take more stops
 * the reading of the other (the bytes wait in c->in or c->out), so memory
 * per connection is bounded by one head or one read.
 *
 * A head's deadline runs from its first byte (a connection's first head:
 * from the accept); the wait for it, between requests, is
 * libmicrohttpd's idle timeout. Nothing here frees a connection: it is
 * marked done and its lane closes it once the event is handled. All of it
 * runs on the connection's lane (edge/lane.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/digest.h"
#include "core/jsonx.h"
#include "core/log.h"
#include "core/problem.h"
#include "core/xalloc.h"
#include "edge/head.h"
#include "edge/metrics.h"
#include "gate.h"
#include "internal.h"

#define LINGER_MS 1000     /* how long a closing client has to read its answer */
#define LINGER_BYTES 65536 /* what it may still send meanwhile (a body nobody reads) */
/* A client still sending a body that was refused (413 before it was read): the rest of
 * what its head declared is read and dropped, for this long at most, so that the client
 * reads the answer rather than a reset. */
#define LINGER_BODY_MS 5000
#define LINGER_BODY_MAX (1u << 20) /* past this, a body nobody wants is cut off, not drained */

static bool
in_flight(const struct conn *c)
{
	return c->inner >= 0 && census_answered_of(c) != c->forwarded;
}

bool
relay_idle(const struct conn *c)
{
	return c->state == CONN_HEAD && c->ready == 0 && c->out_len == 0 && !in_flight(c);
}

void
relay_publish(struct conn *c)
{
	long long v = 0;

	if (c->state == CONN_LINGER)
		v = 1; /* closing anyway: the first to go */
	else if (!c->done && relay_idle(c))
		v = c->since_ms > 1 ? c->since_ms : 2;
	atomic_store_explicit(&c->idle_since, v, memory_order_relaxed);
}

/* Ask for EPOLLOUT on one side, or stop asking: only while bytes wait for it. */
static void
want_out(struct conn *c, bool inner, bool on)
{
	bool *armed = inner ? &c->inner_out : &c->client_out;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (on ? EPOLLOUT : 0),
	                         .data.ptr = inner ? &c->inner_end : &c->client_end};

	if (*armed == on)
		return;
	*armed = on;
	if (epoll_ctl(c->lane->epfd, EPOLL_CTL_MOD, inner ? c->inner : c->fd, &ev) != 0)
		c->done = true;
}

static bool
would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK;
}

/* Send n bytes to the client; what it cannot take now waits in c->out. */
static void
to_client(struct conn *c, const char *p, size_t n)
{
	ssize_t sent = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (sent < 0 && !would_block()) {
		c->done = true; /* the client is gone */
		return;
	}
	if (sent < 0)
		sent = 0;
	if ((size_t)sent < n) {
		c->out = xmalloc(n - (size_t)sent);
		memcpy(c->out, p + sent, n - (size_t)sent);
		c->out_len = n - (size_t)sent;
		c->out_off = 0;
		want_out(c, false, true);
	}
}

static void
flush_out(struct conn *c)
{
	ssize_t sent = send(c->fd, c->out + c->out_off, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (sent < 0) {
		c->done = !would_block();
		return;
	}
	c->out_off += (size_t)sent;
	c->out_len -= (size_t)sent;
	if (c->out_len == 0) {
		free(c->out);
		c->out = NULL;
		want_out(c, false, false);
	}
}

/*
 * libmicrohttpd's bytes to the client, until it has no more or the client
 * takes no more. A read shorter than asked for was all there was, and a
 * new arrival raises a new event, unless the end has come with it (to_end:
 * the event said so, or the caller cannot tell): then read to the end.
 */
static void
from_inner(struct conn *c, bool to_end)
{
	char *answer = c->lane->answer;

	while (!c->done && c->inner >= 0 && !c->inner_eof && c->out_len == 0) {
		ssize_t n = recv(c->inner, answer, sizeof(c->lane->answer), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && would_block())
			break;
		if (n <= 0) {
			c->inner_eof = true; /* libmicrohttpd closed the connection */
			break;
		}
		c->since_ms = clock_ms();
		to_client(c, answer, (size_t)n);
		if ((size_t)n < sizeof(c->lane->answer) && !to_end)
			break;
	}
}

void
relay_drain(struct conn *c)
{
	if (c->out_len > 0)
		flush_out(c);
	from_inner(c, true);
}

/* Hand the judged bytes to libmicrohttpd, as many as it takes now. */
static void
to_inner(struct conn *c)
{
	ssize_t n;

	if (c->ready == 0 || c->inner < 0)
		return;
	if (c->inner_deaf) { /* it takes nothing more: what was judged goes nowhere */
		memmove(c->in, c->in + c->ready, c->in_len - c->ready);
		c->in_len -= c->ready;
		c->ready = 0;
		return;
	}
	n = send(c->inner, c->in, c->ready, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0) {
		if (would_block()) {
			want_out(c, true, true);
			return;
		}
		/*
		 * libmicrohttpd closed its end, having answered before it read the body (a 413):
		 * the answer is still to be read from the pair, to its end, before anything is
		 * closed; nothing more is handed on.
		 */
		c->inner_deaf = true;
		to_inner(c);
		from_inner(c, true);
		return;
	}
	c->lane->handed = true; /* the lane runs its daemon before it waits again */
	memmove(c->in, c->in + n, c->in_len - (size_t)n);
	c->in_len -= (size_t)n;
	c->ready -= (size_t)n;
	want_out(c, true, c->ready > 0);
}

/*
 * Client bytes are read into the lane's buffer; those not yet passed on
 * stay with the connection, in a buffer of its own, and none: none held.
 */
static void
in_settle(struct conn *c)
{
	bool borrowed = c->in == c->lane->arrival;

	if (c->in_len == 0) {
		if (!borrowed)
			free(c->in);
		c->in = NULL;
	} else if (borrowed) {
		c->in = xmalloc(RELAY_IN_CAP);
		memcpy(c->in, c->lane->arrival, c->in_len);
	}
}

/* Shut the client's side for writing and read what it still sends, for LINGER_MS at most. */
static void
start_linger(struct conn *c)
{
	/* the rest of a body declared by length is the client's to send: it is let in */
	unsigned long long body = c->state != CONN_LENGTH     ? 0
	                          : c->left < LINGER_BODY_MAX ? c->left
	                                                      : LINGER_BODY_MAX;
	bool chunked = c->state == CONN_CHUNKED;

	shutdown(c->fd, SHUT_WR);
	if (c->inner >= 0)
		close(c->inner); /* libmicrohttpd sees the end and closes its side */
	c->inner = -1;
	c->in_len = c->ready = 0;
	in_settle(c);
	c->state = CONN_LINGER;
	c->left = LINGER_BYTES + body;
	c->deadline_ms = clock_ms() + (body > 0 || chunked ? LINGER_BODY_MS : LINGER_MS);
}

/* Read and drop what a closing client still sends: closed at its end, or past LINGER_BYTES. */
static void
linger(struct conn *c)
{
	char *buf = c->lane->arrival;
	ssize_t n;

	while ((n = recv(c->fd, buf, RELAY_IN_CAP, 0)) > 0)
		if ((unsigned long long)n >= c->left) {
			c->done = true;
			return;
		} else {
			c->left -= (unsigned long long)n;
		}
	if (n == 0 || !would_block())
		c->done = true;
}

/* Answer a refused head here, then linger so the client can read it before the close. */
static void
send_refusal(struct conn *c)
{
	struct problem pr;
	char rid[37], *head;
	long long start = c->head_ms ? c->head_ms : c->since_ms;

	if (uuid_v4(rid) != 0) /* no randomness: the refusal goes out all the same */
		snprintf(rid, sizeof(rid), "-");
	problem_init(&pr);
	problem_set(&pr, c->refusal, "%s", c->refusal_why);
	json_t *doc = problem_to_json(&pr);
	char *body = jsonx_dump(doc);
	json_decref(doc);
	problem_fini(&pr);
	head = xasprintf("HTTP/1.1 %u %s\r\nContent-Type: application/problem+json\r\n"
	                 "Content-Length: %zu\r\nConnection: close\r\nCache-Control: no-store\r\n"
	                 "X-Content-Type-Options: nosniff\r\nX-Request-Id: %s\r\n\r\n",
	                 c->refusal, problem_title(c->refusal), strlen(body), rid);
	(void)!send(c->fd, head, strlen(head), MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)!send(c->fd, body, strlen(body), MSG_NOSIGNAL | MSG_DONTWAIT);
	free(head);
	free(body);
	metrics_observe(-1, c->refusal, (uint64_t)(clock_ms() - start) * 1000);
	log_request(rid, "-", "unmatched", c->refusal, (double)(clock_ms() - start), "-");
	start_linger(c);
}

/* Refuse the head under way; answered at once, or once the request before it is. */
static void
refuse(struct conn *c, unsigned status, const char *why)
{
	c->refusal = status;
	c->refusal_why = why;
	c->deadline_ms = 0;
}

/* Hand c to its lane's daemon on a socket pair; false when it cannot be (c->done set). */
static bool
hand_over(struct conn *c)
{
	struct lane *l = c->lane;
	struct gate *g = l->g;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET,
	                         .data.ptr = &c->inner_end};
	int pair[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) != 0) {
		log_msg(LOG_WARN, "cannot pass a connection on", "errno=%d", errno);
		c->done = true;
		return false;
	}
	/* the daemon's socket's number is new: nothing of an earlier one's count remains */
	if ((size_t)pair[1] < g->nanswered)
		atomic_store(&g->answered[pair[1]], 0);
	c->inner = pair[0];
	c->mhd_fd = pair[1];
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, c->inner, &ev) != 0 ||
	    MHD_add_connection(l->daemon, pair[1], (const struct sockaddr *)&c->addr, c->addrlen) !=
	        MHD_YES) {
		/* libmicrohttpd closes its end itself when it cannot take it */
		c->done = true;
		return false;
	}
	return true;
}

/* Whether the head under way may have ended (an empty line, or too many bytes): worth judging. */
static bool
head_may_end(struct conn *c, const char *p, size_t n)
{
	size_t i = c->scanned > 2 ? c->scanned - 2 : 0;
	const char *lf;

	c->scanned = n;
	if (n >= HEAD_MAX_BYTES)
		return true;
	while (i < n && (lf = memchr(p + i, '\n', n - i)) != NULL) {
		i = (size_t)(lf - p) + 1;
		if (i < n && (p[i] == '\n' || (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')))
			return true;
	}
	return false;
}

/* Judge the head at p (n bytes so far). False when judging stops here. */
static bool
judge_head(struct conn *c, const char *p, size_t n)
{
	struct head_frame f;
	const char *why;

	if (c->head_ms == 0) { /* its first byte: the deadline starts */
		c->head_ms = clock_ms();
		c->deadline_ms = c->head_ms + c->lane->g->head_timeout_ms;
	}
	if (!head_may_end(c, p, n))
		return false;
	switch (head_check(p, n, &why, &f)) {
	case HEAD_INCOMPLETE:
		return false;
	case HEAD_BAD:
		refuse(c, 400, why);
		return false;
	case HEAD_TOO_LARGE:
		refuse(c, 431, why);
		return false;
	case HEAD_OK:
		break;
	}
	/* stopping, a head that came whole is still answered (with Connection: close) */
	if (c->inner < 0 && !hand_over(c))
		return false;
	c->ready += f.len;
	c->forwarded++;
	c->since_ms = clock_ms();
	c->head_ms = c->deadline_ms = 0;
	c->scanned = 0;
	c->left = f.length;
	c->state = f.chunked ? CONN_CHUNKED : f.length > 0 ? CONN_LENGTH : CONN_HEAD;
	if (f.chunked)
		chunked_init(&c->chunks);
	return true;
}

/* Judge what arrived, in[ready, in_len): heads, and the bodies they announce. */
static void
judge(struct conn *c)
{
	while (c->ready < c->in_len && c->refusal == 0 && !c->done) {
		const char *p = c->in + c->ready;
		size_t n = c->in_len - c->ready, used;

		switch (c->state) {
		case CONN_HEAD:
			if (!judge_head(c, p, n))
				return;
			break;
		case CONN_LENGTH:
			used = n < c->left ? n : (size_t)c->left;
			c->ready += used;
			if ((c->left -= used) == 0)
				c->state = CONN_HEAD;
			break;
		case CONN_CHUNKED:
			switch (chunked_scan(&c->chunks, p, n, &used)) {
			case CHUNKED_MORE:
				break;
			case CHUNKED_END:
				c->state = CONN_HEAD;
				break;
			case CHUNKED_BAD:
				/* never handed on: libmicrohttpd might read it otherwise */
				c->done = true;
				return;
			}
			c->ready += used;
			break;
		case CONN_LINGER:
			return;
		}
	}
}

/*
 * Read the client while libmicrohttpd takes what was judged, and a refusal
 * waits for nothing. to_end as for from_inner.
 */
static void
from_client(struct conn *c, bool to_end)
{
	while (!c->done && !c->client_eof && c->refusal == 0 && c->ready == 0) {
		if (c->in == NULL)
			c->in = c->lane->arrival;
		size_t room = RELAY_IN_CAP - c->in_len;
		ssize_t n = recv(c->fd, c->in + c->in_len, room, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && would_block())
			break;
		if (n <= 0) {
			c->client_eof = true;
			/* in a body, or with no request to answer, nothing is left to do */
			c->done = n < 0 || c->state != CONN_HEAD || !in_flight(c);
			break;
		}
		c->in_len += (size_t)n;
		judge(c);
		to_inner(c);
		if ((size_t)n < room && !to_end)
			break;
	}
	in_settle(c);
}

/* After any event: what the connection's state now calls for. */
static void
settle(struct conn *c)
{
	if (c->done || c->state == CONN_LINGER)
		return;
	if (c->refusal != 0 && c->ready == 0 && !in_flight(c)) {
		from_inner(c, true); /* the answer before it goes first */
		if (c->out_len == 0 && !c->done)
			send_refusal(c);
		return;
	}
	if (c->inner_eof && c->out_len == 0) {
		start_linger(c); /* the daemon closed: its answer is read, what follows dropped */
		return;
	}
	if (!c->client_eof && !atomic_load(&c->lane->g->quiesce))
		return;
	/*
	 * Closing: a request counts as answered once libmicrohttpd has written its answer
	 * into the pair, which may be before the relay has read it: read it first, so an
	 * answer in flight when the server stops still reaches its client.
	 */
	if (c->out_len == 0 && !in_flight(c))
		from_inner(c, true);
	if (relay_idle(c))
		c->done = true;
}

void
relay_client(struct conn *c, uint32_t events)
{
	bool end = events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR);

	if (c->state == CONN_LINGER) {
		linger(c);
	} else {
		if ((events & EPOLLOUT) && c->out_len > 0) {
			flush_out(c);
			if (c->out_len == 0)
				from_inner(c, true); /* it may have stopped short */
		}
		if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			from_client(c, end);
	}
	settle(c);
}

void
relay_inner(struct conn *c, uint32_t events)
{
	bool end = events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR);

	if ((events & EPOLLOUT) && c->ready > 0) {
		to_inner(c);
		in_settle(c);
		if (c->ready == 0)
			from_client(c, true); /* it may have stopped short */
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		from_inner(c, end);
	settle(c);
}

void
relay_tick(struct conn *c, long long now)
{
	if (c->state == CONN_LINGER) {
		if (now >= c->deadline_ms)
			c->done = true;
		return;
	}
	if (c->deadline_ms != 0 && now >= c->deadline_ms && c->refusal == 0)
		refuse(c, 408, "the request head did not arrive in time");
	settle(c);
}
