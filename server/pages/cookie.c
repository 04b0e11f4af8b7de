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

bool
cookie_token(struct req *r, char token[TOKEN_MAX_LEN])
{
	const char *h = req_header(r, "Cookie"), *name = name_of(r);
	size_t n = strlen(name);

	for (const char *p = h; p != NULL && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		size_t len = strcspn(p, ";");
		if (len > n && strncmp(p, name, n) == 0 && p[n] == '=') {
			size_t v = len - n - 1;
			while (v > 0 && p[n + 1 + v - 1] == ' ')
				v--;
			if (v == 0 || v >= TOKEN_MAX_LEN)
				return false;
			memcpy(token, p + n + 1, v);
			token[v] = '\0';
			return true;
		}
		p += len;
	}
	return false;
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
