/*
 * request: what a handler reads from its request, and how it fails. What
 * it gets is borrowed and lives until the request completes.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/app.h"
#include "core/config.h"
#include "core/jsonx.h"
#include "core/validate.h"
#include "edge/request.h"
#include "internal.h"
#include "store/pool.h"

#define JSON_MAX_DEPTH 32

const struct app *
req_app(const struct req *r)
{
	return r->srv->app;
}

const struct actor *
req_actor(const struct req *r)
{
	return &r->actor;
}

void
req_set_actor(struct req *r, const struct actor *who)
{
	r->actor = *who;
}

const char *
req_id(const struct req *r)
{
	return r->request_id;
}

const char *
req_param(const struct req *r, int i)
{
	return r->match.params[i];
}

const char *
req_query(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
req_body(const struct req *r, size_t *len)
{
	*len = r->body.len;
	return r->body.data;
}

const char *
req_header(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static const char *forwarded_for(const struct req *r, char out[REQ_CLIENT_LEN]);

const char *
req_client(const struct req *r, char out[REQ_CLIENT_LEN])
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

	strcpy(out, "unknown");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
		          REQ_CLIENT_LEN);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          out, REQ_CLIENT_LEN);
	return forwarded_for(r, out);
}

/*
 * Behind a proxy of RECRUITD_TRUSTED_PROXIES, the client is the last address
 * of X-Forwarded-For: the one that proxy added (those before it are the
 * client's own say). When the peer is not trusted, or the header holds no
 * address there, the peer stays the client.
 */
static const char *
forwarded_for(const struct req *r, char out[REQ_CLIENT_LEN])
{
	const struct config *cfg = r->srv->app->cfg;
	const char *xff, *last;
	char one[64], canonical[INET6_ADDRSTRLEN];
	size_t i, len;

	for (i = 0; i < cfg->ntrusted_proxies && strcmp(cfg->trusted_proxies[i], out) != 0; i++)
		;
	if (i == cfg->ntrusted_proxies || (xff = req_header(r, "X-Forwarded-For")) == NULL)
		return out;
	last = strrchr(xff, ',');
	last = last != NULL ? last + 1 : xff;
	last += strspn(last, " \t");
	len = strcspn(last, " \t");
	if (len == 0 || len >= sizeof(one) || last[len + strspn(last + len, " \t")] != '\0')
		return out;
	memcpy(one, last, len);
	one[len] = '\0';
	if (config_canonical_address(one, canonical) == 0)
		snprintf(out, REQ_CLIENT_LEN, "%s", canonical);
	return out;
}

bool
req_wants_html(const struct req *r)
{
	const char *accept = req_header(r, "Accept");

	/* A browser navigating (a form posted without JavaScript) puts text/html first; a
	 * script asking for JSON does not name text/html at all. */
	return accept != NULL && strncasecmp(accept, "text/html", 9) == 0;
}

bool
req_gpc(const struct req *r)
{
	const char *v = req_header(r, "Sec-GPC");

	return v != NULL && strcmp(v, "1") == 0;
}

const struct form *
req_form(const struct req *r)
{
	return r->form;
}

struct problem *
req_problem(struct req *r)
{
	return &r->problem;
}

struct query_check {
	const char *const *allowed;
	const char *bad_name;
	const char *twice; /* a name given more than once */
	bool bad_utf8;
	int count;
	const char *seen[16];
};

static enum MHD_Result
check_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query_check *qc = cls;
	bool known = false;

	(void)kind;
	for (const char *const *a = qc->allowed; *a; a++)
		if (strcmp(*a, key) == 0)
			known = true;
	if (!known && qc->bad_name == NULL)
		qc->bad_name = key;
	if (!is_utf8(key, strlen(key)) || (value && !is_utf8(value, strlen(value))))
		qc->bad_utf8 = true;
	for (int i = 0; i < qc->count && i < 16; i++)
		if (strcmp(qc->seen[i], key) == 0 && qc->twice == NULL)
			qc->twice = key;
	if (qc->count < 16)
		qc->seen[qc->count] = key;
	qc->count++;
	return MHD_YES;
}

int
req_query_only(struct req *r, const char *const *allowed)
{
	struct query_check qc = {.allowed = allowed};

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_query_arg, &qc);
	if (qc.bad_utf8)
		return req_fail(r, 400, "the query string is not valid UTF-8");
	if (qc.bad_name != NULL) {
		problem_field(&r->problem,
		              is_utf8(qc.bad_name, strlen(qc.bad_name)) &&
		                      !has_control_chars(qc.bad_name)
		                  ? qc.bad_name
		                  : "?",
		              "is not a known query parameter");
		return req_fail(r, 400, "the query has an unknown parameter");
	}
	if (qc.twice != NULL) { /* which one would count? neither: refused */
		problem_field(&r->problem, qc.twice, "is given more than once");
		return req_fail(r, 400, "a query parameter is given more than once");
	}
	if (qc.count > 16)
		return req_fail(r, 400, "the query has too many parameters");
	return 0;
}

static bool
is_json_type(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return false;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; ");
	if (!((n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
	      (n > 17 && strncasecmp(ct, "application/", 12) == 0 &&
	       strncasecmp(ct + n - 5, "+json", 5) == 0)))
		return false;
	/* The only charset JSON has is UTF-8. */
	const char *cs = strcasestr(ct + n, "charset=");
	if (cs != NULL) {
		cs += 8;
		if (*cs == '"')
			cs++;
		if (strncasecmp(cs, "utf-8", 5) != 0)
			return false;
	}
	return true;
}

json_t *
req_json(struct req *r)
{
	json_t *v = req_json_value(r);

	if (v != NULL && !json_is_object(v)) {
		req_fail(r, 400, "the body must be a JSON object");
		return NULL;
	}
	return v;
}

json_t *
req_json_value(struct req *r)
{
	char err[160];

	if (r->json != NULL)
		return r->json;
	if (!is_json_type(req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		req_fail(r, 415, "the body must be application/json");
		return NULL;
	}
	if (r->body.len == 0) {
		req_fail(r, 400, "a JSON body is required");
		return NULL;
	}
	r->json = jsonx_parse(r->body.data, r->body.len, JSON_MAX_DEPTH, err, sizeof(err));
	if (r->json == NULL)
		req_fail(r, 400, "%s", err);
	return r->json;
}

int
req_if_match(struct req *r, long *version)
{
	const char *v = req_header(r, MHD_HTTP_HEADER_IF_MATCH);
	char *end;

	if (v == NULL || strcmp(v, "*") == 0)
		return 1;
	while (*v == ' ')
		v++;
	if (*v == '"')
		v++;
	errno = 0;
	*version = strtol(v, &end, 10);
	/* versions are PostgreSQL ints: a larger number names no version, it is stale (412) */
	if (end == v || *version <= 0 || *version > INT_MAX || errno == ERANGE ||
	    (*end != '"' && *end != '\0' && *end != ' ')) {
		req_fail(r, 412, "If-Match does not name a version of this resource");
		return -1;
	}
	return 0;
}

int
req_expected_version(struct req *r, json_t *body, long *expect)
{
	json_t *v = json_object_get(body, "version");
	long from_body;

	*expect = 0;
	if (req_if_match(r, expect) < 0)
		return -1;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		problem_field(&r->problem, "version",
		              "must be the record's current version, a positive integer");
		return req_fail_fields(r);
	}
	from_body = (long)json_integer_value(v);
	if (*expect != 0 && *expect != from_body)
		return req_fail(r, 412, "If-Match and version disagree");
	*expect = from_body;
	json_object_del(body, "version");
	return 0;
}

struct db *
req_db(struct req *r)
{
	const struct app *app = r->srv->app;

	if (r->db == NULL)
		r->db = pool_acquire(app->pool, app->cfg->db_wait_ms);
	if (r->db == NULL)
		req_fail(r, 503, "the database is unavailable; retry shortly");
	return r->db;
}

int
req_fail(struct req *r, unsigned status, const char *fmt, ...)
{
	va_list ap;

	r->problem.status = status;
	va_start(ap, fmt);
	vsnprintf(r->problem.detail, sizeof(r->problem.detail), fmt, ap);
	va_end(ap);
	return -1;
}

int
req_retry(struct req *r)
{
	r->retry = true;
	return req_fail(r, 503, "the database is busy; retry shortly");
}

int
req_fail_fields(struct req *r)
{
	if (!problem_has_fields(&r->problem))
		return 0;
	return req_fail(r, 422, "the request has invalid fields");
}
