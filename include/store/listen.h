/*
 * listen: a thread holding LISTEN on a channel of its own connection, for
 * what other processes announce with NOTIFY (a staff key revoked, a data
 * key destroyed). It reconnects by itself; whoever keeps a copy of what
 * the notices are about must drop it whenever the thread was not listening,
 * since notices sent meanwhile are lost: state(false) says so, and
 * state(true) that listening has (re)started.
 */
#ifndef RECRUITD_STORE_LISTEN_H
#define RECRUITD_STORE_LISTEN_H

#include <stdbool.h>

struct listener;

/*
 * Listen on channel (an identifier) over a connection to conninfo: heard()
 * for each notice's payload, state() when listening starts or stops; both
 * on the listener's thread, with arg. NULL when no thread could start.
 */
struct listener *listener_start(const char *conninfo, const char *channel,
                                void (*heard)(const char *payload, void *arg),
                                void (*state)(bool listening, void *arg), void *arg);

/*
 * Whether a notice may have arrived that heard() has not been given yet: the
 * socket holds unread bytes, the thread is handling what it read, or it is
 * not listening. A poll of the socket, no wait; thread-safe. Whoever keeps a
 * copy checks it before trusting the copy, so a notice that reached this
 * process is heeded even before the listener thread runs.
 */
bool listener_behind(struct listener *l);

/* Stop listening (state(false) is called) and free l. NULL is a no-op. */
void listener_stop(struct listener *l);

#endif
