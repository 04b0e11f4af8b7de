/*
 * problem: RFC 9457 problem details. One table maps each status to its type
 * slug and title; a handler may name a more precise slug.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/problem.h"

static const struct {
	unsigned status;
	const char *slug;
	const char *title;
} kinds[] = {
    {400, "bad-request", "Bad Request"},
    {401, "unauthorized", "Unauthorized"},
    {403, "forbidden", "Forbidden"},
    {404, "not-found", "Not Found"},
    {405, "method-not-allowed", "Method Not Allowed"},
    {408, "request-timeout", "Request Timeout"},
    {409, "conflict", "Conflict"},
    {410, "gone", "Gone"},
    {411, "length-required", "Length Required"},
    {412, "precondition-failed", "Precondition Failed"},
    {413, "payload-too-large", "Payload Too Large"},
    {415, "unsupported-media-type", "Unsupported Media Type"},
    {422, "validation-error", "Validation Error"},
    {428, "precondition-required", "Precondition Required"},
    {429, "too-many-requests", "Too Many Requests"},
    {431, "request-header-fields-too-large", "Request Header Fields Too Large"},
    {500, "internal-error", "Internal Server Error"},
    {503, "service-unavailable", "Service Unavailable"},
};

static int
kind_index(unsigned status)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].status == status)
			return (int)i;
	return -1;
}

const char *
problem_slug(unsigned status)
{
	int i = kind_index(status);
	return i < 0 ? "error" : kinds[i].slug;
}

const char *
problem_title(unsigned status)
{
	int i = kind_index(status);
	return i < 0 ? "Error" : kinds[i].title;
}

void
problem_init(struct problem *p)
{
	memset(p, 0, sizeof(*p));
}

void
problem_fini(struct problem *p)
{
	json_decref(p->errors);
	json_decref(p->extra);
	problem_init(p);
}

int
problem_set(struct problem *p, unsigned status, const char *fmt, ...)
{
	va_list ap;

	p->status = status;
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	va_end(ap);
	return -1;
}

void
problem_field(struct problem *p, const char *field, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->errors == NULL)
		p->errors = json_array();
	json_array_append_new(p->errors, json_pack("{s:s, s:s}", "field", field, "message", msg));
}

bool
problem_has_fields(const struct problem *p)
{
	return p->errors != NULL && json_array_size(p->errors) > 0;
}

void
problem_extra(struct problem *p, const char *key, json_t *value)
{
	if (p->extra == NULL)
		p->extra = json_object();
	json_object_set_new(p->extra, key, value);
}

json_t *
problem_to_json(const struct problem *p)
{
	char type[96];
	json_t *doc;

	snprintf(type, sizeof(type), "/problems/%s", p->slug ? p->slug : problem_slug(p->status));
	doc = json_pack("{s:s, s:s, s:i, s:s}", "type", type, "title", problem_title(p->status),
	                "status", (int)p->status, "detail", p->detail);
	json_object_set_new(doc, "errors", p->errors ? json_incref(p->errors) : json_array());
	if (p->extra != NULL)
		json_object_update(doc, p->extra);
	return doc;
}
