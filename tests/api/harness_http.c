/*
 * harness_http: requests to the server over one keep-alive libcurl handle
 * (each recorded for the contract test), raw bytes on a connection of
 * their own, and the assertions on what comes back.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"
#include "harness_parts.h"

static CURL *curl;

void
harness_http_open(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
}

void
harness_http_close(void)
{
	curl_easy_cleanup(curl);
	curl = NULL;
}

void
harness_string_equal(const char *a, const char *b, const char *file, int line)
{
	if (a == NULL || b == NULL) {
		print_error("%s is missing (NULL), want \"%s\"\n", a ? "the second" : "the value",
		            a ? a : (b ? b : "(null)"));
		_fail(file, line);
	}
	_assert_string_equal(a, b, file, line);
}

void
harness_string_not_equal(const char *a, const char *b, const char *file, int line)
{
	if (a == NULL || b == NULL) {
		print_error("a value is missing (NULL)\n");
		_fail(file, line);
	}
	_assert_string_not_equal(a, b, file, line);
}

struct sink {
	char *data;
	size_t len;
};

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t add = size * n;

	s->data = xrealloc(s->data, s->len + add + 1);
	memcpy(s->data + s->len, p, add);
	s->len += add;
	s->data[s->len] = '\0';
	return add;
}

/*
 * Keep every exchange for the contract test (tests/contract), which checks
 * each against server/openapi.yaml: one JSON line per response in
 * $RECRUITD_TEST_CONTRACT/<pid>.jsonl, when that is set.
 */
static void
record_exchange(const char *method, const char *path, const char *token, const struct resp *r)
{
	const char *dir = getenv("RECRUITD_TEST_CONTRACT");
	char file[512];

	if (dir == NULL || r->status == 0)
		return;
	snprintf(file, sizeof(file), "%s/%d.jsonl", dir, (int)getpid());
	FILE *f = fopen(file, "a");
	if (f == NULL)
		return;
	const char *who = token == NULL                    ? "none"
	                  : strncmp(token, "rka_", 4) == 0 ? "applicant"
	                                                   : "staff";
	json_t *line = json_pack("{s:s, s:s, s:s, s:I, s:s, s:I}", "method", method, "path", path,
	                         "token", who, "status", (json_int_t)r->status, "headers",
	                         r->headers, "length", (json_int_t)r->len);
	json_object_set(line, "body", r->json ? r->json : json_null());
	char *text = json_dumps(line, JSON_COMPACT);
	fprintf(f, "%s\n", text);
	free(text);
	json_decref(line);
	fclose(f);
}

static struct resp *
perform(const char *method, const char *path, const char *token, const char *content_type,
        const char *body, curl_mime *mime, const char *const *headers)
{
	struct resp *r = xcalloc(1, sizeof(*r));
	struct sink b = {0}, h = {0};
	struct curl_slist *list = NULL;
	char url[2048], line[4200];

	snprintf(url, sizeof(url), "%s%s", api_base(), path);
	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
	if (mime != NULL)
		curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
	if (body != NULL) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	list = curl_slist_append(list, "Expect:");
	if (token != NULL) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", token);
		list = curl_slist_append(list, line);
	}
	if (content_type != NULL) {
		snprintf(line, sizeof(line), "Content-Type: %s", content_type);
		list = curl_slist_append(list, line);
	}
	for (; headers && *headers; headers++)
		list = curl_slist_append(list, *headers);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	if (curl_easy_perform(curl) == CURLE_OK) {
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
		curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &r->connects);
	}
	curl_slist_free_all(list);
	r->body = b.data ? b.data : xcalloc(1, 1);
	r->len = b.len;
	r->headers = h.data ? h.data : xcalloc(1, 1);
	if (r->len > 0)
		r->json = json_loadb(r->body, r->len, 0, NULL);
	record_exchange(method, path, token, r);
	return r;
}

struct resp *
http(const char *method, const char *path, const char *token, const char *content_type,
     const char *body, const char *const *headers)
{
	return perform(method, path, token, content_type, body, NULL, headers);
}

struct resp *
http_form(const char *method, const char *path, const char *token, const struct part *parts,
          const char *const *headers)
{
	curl_mime *mime = curl_mime_init(curl);
	struct resp *r;

	for (const struct part *p = parts; p->name; p++) {
		curl_mimepart *m = curl_mime_addpart(mime);
		curl_mime_name(m, p->name);
		if (p->value != NULL) {
			curl_mime_data(m, p->value, CURL_ZERO_TERMINATED);
		} else {
			curl_mime_data(m, p->data, p->len);
			curl_mime_filename(m, p->filename ? p->filename : "file");
			curl_mime_type(m, "application/octet-stream");
		}
	}
	r = perform(method, path, token, NULL, NULL, mime, headers);
	curl_mime_free(mime);
	return r;
}

void
http_disconnect(void)
{
	curl_easy_cleanup(curl);
	curl = curl_easy_init();
}

struct resp *
http_json(const char *method, const char *path, const char *token, const char *body)
{
	return http(method, path, token, body ? "application/json" : NULL, body, NULL);
}

void
resp_free(struct resp *r)
{
	if (r == NULL)
		return;
	free(r->body);
	free(r->headers);
	json_decref(r->json);
	free(r);
}

char *
resp_header(const struct resp *r, const char *name)
{
	size_t n = strlen(name);
	const char *p = r->headers;

	/* Only the last response's headers count (after a 100 Continue, say). */
	for (const char *q = p; (q = strstr(q, "\r\nHTTP/")) != NULL; q += 2)
		p = q + 2;
	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			return xstrndup(v, strcspn(v, "\r\n"));
		}
	}
	return NULL;
}

int
raw_connect(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval tv = {60, 0}; /* a deadline for broken servers, not a latency check */
	int s = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_port = htons((uint16_t)atoi(strrchr(api_base(), ':') + 1));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) != 0)
		abort();
	return s;
}

char *
raw_request(const char *bytes, size_t len)
{
	char buf[65536];
	struct sink out = {0};
	int s = raw_connect();
	ssize_t n;
	for (size_t off = 0; off < len; off += (size_t)n)
		if ((n = send(s, bytes + off, len - off, MSG_NOSIGNAL)) <= 0)
			break;
	while ((n = recv(s, buf, sizeof(buf), 0)) > 0)
		collect(buf, 1, (size_t)n, &out);
	close(s);
	return out.data ? out.data : xcalloc(1, 1);
}

void
assert_problem(const struct resp *r, long status, const char *slug)
{
	char *ct = resp_header(r, "Content-Type");
	char type[128];

	if (r->status != status)
		fail_msg("status %ld, want %ld: %s", r->status, status, r->body);
	assert_non_null(ct);
	assert_string_equal(ct, "application/problem+json");
	free(ct);
	assert_non_null(r->json);
	assert_int_equal(json_integer_value(json_object_get(r->json, "status")), status);
	assert_non_null(json_string_value(json_object_get(r->json, "title")));
	assert_true(json_is_string(json_object_get(r->json, "detail")));
	assert_true(json_is_array(json_object_get(r->json, "errors")));
	if (slug != NULL) {
		snprintf(type, sizeof(type), "/problems/%s", slug);
		assert_string_equal(json_string_value(json_object_get(r->json, "type")), type);
	}
	char *rid = resp_header(r, "X-Request-Id");
	assert_non_null(rid);
	free(rid);
}

void
assert_field_error(const struct resp *r, const char *field)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(r->json, "errors"), i,
	                   e) if (strcmp(json_string_value(json_object_get(e, "field")), field) ==
	                          0) return;
	fail_msg("no error for field %s in %s", field, r->body);
}

bool
is_rfc3339_utc(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 20 && s[4] == '-' && s[10] == 'T' && s[n - 1] == 'Z';
}

const char *
sget(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}
