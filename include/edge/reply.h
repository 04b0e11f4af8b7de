/*
 * reply: how a handler answers. Exactly one response leaves for a request:
 * the one set last, or the problem when one was set (edge/request.h).
 */
#ifndef RECRUITD_EDGE_REPLY_H
#define RECRUITD_EDGE_REPLY_H

#include <jansson.h>
#include <stddef.h>

struct req;

/* --- how a handler answers --- */

/* Send body (stolen) as JSON with status. Returns 0. */
int reply_json(struct req *r, unsigned status, json_t *body);

/* Send bytes (copied) with a content type. Returns 0. */
int reply_bytes(struct req *r, unsigned status, const char *content_type, const void *data,
                size_t len);

/*
 * Send len bytes at data without copying them; release(arg) is called once
 * the response is done with them (or at once if it cannot be sent); release
 * NULL means the bytes live for the whole process. Returns 0.
 */
int reply_owned(struct req *r, unsigned status, const char *content_type, const void *data,
                size_t len, void (*release)(void *arg), void *arg);

/*
 * Send a body of len bytes that read(arg, pos, buf, max) produces as the
 * client takes them, in order (pos: how many it produced before): it
 * returns how many it put in buf (1 to max), or -1 to cut the connection,
 * so that the client, short of the Content-Length, knows the body is
 * incomplete. release(arg) is called once the response is done (or at once
 * if it cannot be sent). Returns 0.
 */
int reply_stream(struct req *r, unsigned status, const char *content_type, size_t len,
                 long (*read)(void *arg, size_t pos, void *buf, size_t max),
                 void (*release)(void *arg), void *arg);

/* Send no body (204 and the like). Returns 0. */
int reply_empty(struct req *r, unsigned status);

/* Add a response header (name and value copied). */
void reply_header(struct req *r, const char *name, const char *value);

/* Add ETag: "<version>". */
void reply_etag_version(struct req *r, long version);

#endif
