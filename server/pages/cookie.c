/* cookie: the console's session cookie. See cookie.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/config.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "pages/cookie.h"

static bool
secure(struct req *r)
{
	return strncmp(req_app(r)->cfg->public_url, "https://", 8) == 0;
}

static const char *
name_of(struct req *r)
{
	return secure(r) ? "__Host-recruitd" : "recruitd";
}

static const char *
sso_name_of(struct req *r)
{
	return secure(r) ? "__Host-recruitd-sso" : "recruitd-sso";
}

/* The value of cookie name into out (max bytes): true when there is one that fits. */
static bool
find(struct req *r, const char *name, char *out, size_t max)
{
	const char *h = req_header(r, "Cookie");
	size_t n = strlen(name);

	for (const char *p = h; p != NULL && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		size_t len = strcspn(p, ";");
		if (len > n && strncmp(p, name, n) == 0 && p[n] == '=') {
			size_t v = len - n - 1;
			while (v > 0 && p[n + 1 + v - 1] == ' ')
				v--;
			if (v == 0 || v >= max)
				return false;
			memcpy(out, p + n + 1, v);
			out[v] = '\0';
			return true;
		}
		p += len;
	}
	return false;
}

bool
cookie_token(struct req *r, char token[TOKEN_MAX_LEN])
{
	return find(r, name_of(r), token, TOKEN_MAX_LEN);
}

bool
cookie_sso_state(struct req *r, char state[CODE_LEN + 1])
{
	return find(r, sso_name_of(r), state, CODE_LEN + 1);
}

void
cookie_sso_set(struct req *r, const char *state)
{
	char *v = xasprintf("%s=%s; Path=/; Max-Age=600; HttpOnly; SameSite=Lax%s", sso_name_of(r),
	                    state, secure(r) ? "; Secure" : "");

	reply_header(r, "Set-Cookie", v);
	free(v);
}

void
cookie_sso_clear(struct req *r)
{
	char *v = xasprintf("%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s", sso_name_of(r),
	                    secure(r) ? "; Secure" : "");

	reply_header(r, "Set-Cookie", v);
	free(v);
}

void
cookie_set(struct req *r, const char *token)
{
	char *v = xasprintf("%s=%s; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax%s", name_of(r),
	                    token, secure(r) ? "; Secure" : "");

	reply_header(r, "Set-Cookie", v);
	explicit_bzero(v, strlen(v));
	free(v);
}

void
cookie_clear(struct req *r)
{
	char *v = xasprintf("%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s", name_of(r),
	                    secure(r) ? "; Secure" : "");

	reply_header(r, "Set-Cookie", v);
	free(v);
}
