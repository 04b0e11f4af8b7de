/*
 * bare: a floor for make bench to measure recruitd against. A bare
 * libmicrohttpd + libpq server without recruitd's checks: for
 * GET /v1/applicants/{id} and POST /v1/applicants it looks the staff key
 * up and runs the endpoint's statement, the very SQL recruitd issues (read
 * from the files make bench captured), on a connection of the worker
 * thread's own, and answers with the row as a JSON array of strings. No
 * validation, no key hash compared, no problem+json, no limits, no logs:
 * only what any such server must do. Connections are spread over the
 * workers the way recruitd spreads them, so only the checks differ.
 *   bare PORT THREADS CONNINFO GET_SQL_FILE CREATE_SQL_FILE
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <microhttpd.h>

static const char *conninfo;
static char *get_sql, *create_sql;
static _Thread_local PGconn *pg;

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[65536];
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ';'))
		n--;
	buf[n] = '\0';
	return strdup(buf);
}

/* This thread's connection, with the three statements prepared. */
static PGconn *
conn(void)
{
	if (pg != NULL && PQstatus(pg) == CONNECTION_OK)
		return pg;
	PQfinish(pg);
	pg = PQconnectdb(conninfo);
	if (PQstatus(pg) != CONNECTION_OK)
		return NULL;
	PQclear(PQprepare(pg, "auth",
	                  "SELECT name, role, secret_sha256 FROM staff_keys WHERE key_id = $1 AND "
	                  "revoked_at IS NULL",
	                  0, NULL));
	PQclear(PQprepare(pg, "get", get_sql, 0, NULL));
	PQclear(PQprepare(pg, "create", create_sql, 0, NULL));
	return pg;
}

/* Row 0 of res as a JSON array of strings and nulls (malloc'd). */
static char *
row_json(const PGresult *res)
{
	size_t cap = 256, len = 0;
	char *out = malloc(cap);

	out[len++] = '[';
	for (int c = 0; c < PQnfields(res); c++) {
		const char *v = PQgetvalue(res, 0, c);
		size_t need = 2 * strlen(v) + 16;
		if (len + need >= cap) {
			cap = 2 * (len + need);
			out = realloc(out, cap);
		}
		if (c > 0)
			out[len++] = ',';
		if (PQgetisnull(res, 0, c)) {
			memcpy(out + len, "null", 4);
			len += 4;
			continue;
		}
		out[len++] = '"';
		for (; *v; v++) {
			if (*v == '"' || *v == '\\')
				out[len++] = '\\';
			out[len++] = (unsigned char)*v < 0x20 ? ' ' : *v;
		}
		out[len++] = '"';
	}
	out[len++] = ']';
	out[len] = '\0';
	return out;
}

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, char *body)
{
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	MHD_add_response_header(r, "Content-Type", "application/json");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
fail(struct MHD_Connection *c, unsigned status)
{
	return reply(c, status, strdup("{}"));
}

/* The staff key's row exists (its hash is not compared): 0 or -1. */
static int
auth(PGconn *db, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	char key_id[17];
	PGresult *res;
	int ok;

	if (h == NULL || strlen(h) < 7 + 4 + 16)
		return -1;
	memcpy(key_id, h + 7 + 4, 16); /* "Bearer rk_" then the key id */
	key_id[16] = '\0';
	const char *p[1] = {key_id};
	res = PQexecPrepared(db, "auth", 1, p, NULL, NULL, 0);
	ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
	PQclear(res);
	return ok ? 0 : -1;
}

static const char *
field(json_t *doc, const char *key)
{
	return json_string_value(json_object_get(doc, key));
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
           const char *version, const char *data, size_t *size, void **state)
{
	struct {
		size_t len;
		char buf[16384];
	} *body = *state;
	PGconn *db;
	PGresult *res;
	(void)cls, (void)version;

	if (body == NULL) {
		*state = body = calloc(1, sizeof(*body));
		return MHD_YES;
	}
	if (*size > 0) {
		size_t n = *size < sizeof(body->buf) - 1 - body->len
		               ? *size
		               : sizeof(body->buf) - 1 - body->len;
		memcpy(body->buf + body->len, data, n);
		body->len += n;
		*size = 0;
		return MHD_YES;
	}
	if ((db = conn()) == NULL)
		return fail(c, 503);
	if (auth(db, c) != 0)
		return fail(c, 401);
	if (strcmp(method, "GET") == 0 && strncmp(url, "/v1/applicants/", 15) == 0) {
		const char *p[3] = {url + 15, "bench", "bare"};
		res = PQexecPrepared(db, "get", 3, p, NULL, NULL, 0);
	} else if (strcmp(method, "POST") == 0 && strcmp(url, "/v1/applicants") == 0) {
		json_t *doc = json_loadb(body->buf, body->len, 0, NULL),
		       *src = json_object_get(doc, "source");
		if (doc == NULL)
			return fail(c, 400);
		/* recruitd's statement (store/applicants.c), its values as they come, unsealed:
		 * the floor is the HTTP and SQL work without the cipher's */
		char *address = json_dumps(json_object_get(doc, "address"), JSON_COMPACT);
		unsigned char r[16];
		char id[37], hash[70];
		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return fail(c, 503);
		snprintf(id, sizeof(id),
		         "%02x%02x%02x%02x-%02x%02x-4%x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		         r[0], r[1], r[2], r[3], r[4], r[5], r[6] & 15, r[7], 0x80 | (r[8] & 63),
		         r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
		snprintf(hash, sizeof(hash), "\\x%s", "");
		for (int i = 0; i < 16; i++)
			snprintf(hash + 2 + 2 * i, 3, "%02x", r[i]);
		char hashes[80], keys[37];
		snprintf(hashes, sizeof(hashes), "{\"\\\\x%s\"}", hash + 2);
		snprintf(keys, sizeof(keys), "%.8s-%.4s-4%.3s-8%.3s-%.12s", hash + 2, hash + 10,
		         hash + 15, hash + 19, hash + 22);
		const char *p[22] = {field(doc, "full_name"),
		                     field(doc, "email"),
		                     field(doc, "phone"),
		                     address,
		                     "[]",
		                     NULL,
		                     NULL,
		                     field(src, "type"),
		                     NULL,
		                     "false",
		                     hash,
		                     "{}",
		                     NULL,
		                     NULL,
		                     id,
		                     "bench",
		                     "bare",
		                     field(doc, "email"),
		                     hashes,
		                     id,
		                     keys,
		                     "bench"};
		res = PQexecPrepared(db, "create", 22, p, NULL, NULL, 0);
		free(address);
		json_decref(doc);
	} else {
		return fail(c, 404);
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		PQclear(res);
		return fail(c, 409);
	}
	char *json = row_json(res);
	PQclear(res);
	return reply(c, strcmp(method, "POST") == 0 ? 201 : 200, json);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **state,
             enum MHD_RequestTerminationCode code)
{
	(void)cls, (void)c, (void)code;
	free(*state);
	*state = NULL;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd, on = 1;

	if (argc != 6) {
		fprintf(stderr, "usage: bare PORT THREADS CONNINFO GET_SQL_FILE CREATE_SQL_FILE\n");
		return 2;
	}
	sa.sin_port = htons((uint16_t)atoi(argv[1]));
	conninfo = argv[3];
	if ((get_sql = slurp(argv[4])) == NULL || (create_sql = slurp(argv[5])) == NULL) {
		fprintf(stderr, "bare: cannot read the statements\n");
		return 1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1024) != 0) {
		fprintf(stderr, "bare: cannot listen: %s\n", strerror(errno));
		return 1;
	}
	struct MHD_Daemon *d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
	        MHD_USE_NO_LISTEN_SOCKET,
	    0, NULL, NULL, on_request, NULL, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)atoi(argv[2]),
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	if (d == NULL)
		return 1;
	for (;;) { /* accept here and hand out in turn, as recruitd does */
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		int c = accept4(fd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
		if (c >= 0)
			MHD_add_connection(d, c, (struct sockaddr *)&peer, len);
	}
}
