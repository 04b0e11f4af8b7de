/*
 * sso: staff sign-in through OpenID Connect. See sso.h.
 *
 * The provider is reached with libcurl (http and https only, no redirects
 * followed, 5 seconds, answers of at most 256 KiB). What is cached: the
 * discovery document (an hour) and the JWKS (until a token names a kid it
 * lacks: then fetched again, once, for that token).
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/fold.h"
#include "core/log.h"
#include "core/token.h"
#include "domain/idtoken.h"
#include "flows/flow.h"
#include "flows/signing.h"
#include "flows/sso.h"
#include "flows/staffing.h"
#include "store/staff.h"
#include "store/staff_sso.h"

#define FETCH_MAX (256u << 10)
#define DISCOVERY_TTL_S 3600
#define LEEWAY_S 60

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static json_t *discovery; /* {issuer, authorization_endpoint, token_endpoint, jwks_uri} */
static time_t discovered_at;
static json_t *jwks;

bool
sso_is_configured(const struct config *cfg)
{
	return cfg->oidc_issuer != NULL;
}

void
sso_forget(void)
{
	pthread_mutex_lock(&cache_mu);
	json_decref(discovery);
	json_decref(jwks);
	discovery = jwks = NULL;
	pthread_mutex_unlock(&cache_mu);
}

static size_t
take(char *data, size_t size, size_t n, void *arg)
{
	return buf_append(arg, data, size * n) == 0 ? size * n : 0;
}

/*
 * GET url (form NULL) or POST form to it with basic authentication
 * (user:password, NULL: none): the answer's JSON object, or NULL.
 */
static json_t *
fetch(const char *url, const char *form, const char *user, const char *password)
{
	CURL *c = curl_easy_init();
	struct buf b;
	long status = 0;
	json_t *out = NULL;

	if (c == NULL)
		return NULL;
	buf_init(&b, FETCH_MAX);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (form != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, password);
	}
	if (curl_easy_perform(c) == CURLE_OK &&
	    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200 &&
	    b.data != NULL)
		out = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, NULL);
	if (out != NULL && !json_is_object(out)) {
		json_decref(out);
		out = NULL;
	}
	if (b.data != NULL)
		explicit_bzero(b.data, b.len); /* a token's answer */
	buf_fini(&b);
	curl_easy_cleanup(c);
	return out;
}

/* A copy of the discovery document (fetched when none is kept, or it is old), or NULL. */
static json_t *
discovered(const struct config *cfg)
{
	json_t *d = NULL;

	pthread_mutex_lock(&cache_mu);
	if (discovery != NULL && time(NULL) - discovered_at < DISCOVERY_TTL_S)
		d = json_deep_copy(discovery);
	pthread_mutex_unlock(&cache_mu);
	if (d != NULL)
		return d;
	char *url = xasprintf("%s/.well-known/openid-configuration", cfg->oidc_issuer);
	d = fetch(url, NULL, NULL, NULL);
	free(url);
	const char *iss = json_string_value(json_object_get(d, "issuer"));
	if (d == NULL || iss == NULL || strcmp(iss, cfg->oidc_issuer) != 0 ||
	    !json_is_string(json_object_get(d, "authorization_endpoint")) ||
	    !json_is_string(json_object_get(d, "token_endpoint")) ||
	    !json_is_string(json_object_get(d, "jwks_uri"))) {
		json_decref(d);
		log_msg(LOG_WARN, "sso", "why=\"no usable discovery document at the issuer\"");
		return NULL;
	}
	pthread_mutex_lock(&cache_mu);
	json_decref(discovery);
	discovery = json_deep_copy(d);
	discovered_at = time(NULL);
	pthread_mutex_unlock(&cache_mu);
	return d;
}

/* A copy of the JWKS (fetched when none is kept, or again when fresh), or NULL. */
static json_t *
keys_of(const json_t *d, bool fresh)
{
	json_t *k = NULL;

	pthread_mutex_lock(&cache_mu);
	if (jwks != NULL && !fresh)
		k = json_deep_copy(jwks);
	pthread_mutex_unlock(&cache_mu);
	if (k != NULL)
		return k;
	k = fetch(json_string_value(json_object_get(d, "jwks_uri")), NULL, NULL, NULL);
	if (k == NULL || !json_is_array(json_object_get(k, "keys"))) {
		json_decref(k);
		return NULL;
	}
	pthread_mutex_lock(&cache_mu);
	json_decref(jwks);
	jwks = json_deep_copy(k);
	pthread_mutex_unlock(&cache_mu);
	return k;
}

/* s percent-encoded for a URL's query (new string). */
static char *
escaped(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0), *out = xstrdup(e ? e : "");

	curl_free(e);
	return out;
}

int
sso_start(const struct flow *f, char **location, char *state)
{
	char state_sha[2 * SHA256_LEN + 1], verifier[65], nonce[65], challenge[64];
	unsigned char d[SHA256_LEN];
	json_t *disc = discovered(f->cfg);

	if (disc == NULL)
		return flow_fail(f, 503, NULL,
		                 "the identity provider cannot be reached; retry shortly");
	if (code_new(state, state_sha) != 0) {
		json_decref(disc);
		return flow_fail(f, 503, NULL, "no randomness available; retry");
	}
	int rc = staff_sso_derive(f->db, state, verifier, nonce);
	if (rc != 0 || staff_sso_begin(f->db, state_sha) != 0) {
		json_decref(disc);
		return rc > 0 ? flow_fail(f, 503, NULL, "the database is not migrated")
		              : flow_fail_db(f);
	}
	sha256(verifier, strlen(verifier), d);
	b64url_encode(d, SHA256_LEN, challenge);
	char *redirect = xasprintf("%s" SSO_CALLBACK_PATH, f->cfg->public_url);
	char *r = escaped(redirect), *id = escaped(f->cfg->oidc_client_id);
	const char *auth = json_string_value(json_object_get(disc, "authorization_endpoint"));
	*location = xasprintf("%s%cresponse_type=code&client_id=%s&redirect_uri=%s&scope=openid%%20"
	                      "email%%20profile%%20groups&state=%s&nonce=%s&code_challenge=%s&"
	                      "code_challenge_method=S256",
	                      auth, strchr(auth, '?') ? '&' : '?', id, r, state, nonce, challenge);
	free(r);
	free(id);
	free(redirect);
	json_decref(disc);
	explicit_bzero(verifier, sizeof(verifier));
	return 0;
}

static int
refuse(const struct flow *f, const char *why)
{
	log_msg(LOG_INFO, "sso refused", "why=\"%s\" request_id=%s", why, f->request_id);
	return flow_fail(f, 403, "sign-in-refused",
	                 "the sign-in was refused; sign in again, or ask HR for access");
}

/* Whether value (a string) is one of the comma-separated values of list. */
static bool
listed(const char *list, const char *value)
{
	size_t n = strlen(value);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, value, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* The role one value of the claim maps to. */
static enum role
role_of_value(const struct config *cfg, const char *s)
{
	if (s != NULL && listed(cfg->oidc_hr_values, s))
		return ROLE_HR;
	if (s != NULL && listed(cfg->oidc_recruiter_values, s))
		return ROLE_RECRUITER;
	return ROLE_NONE;
}

/* The role the provider's claim (a string, or an array of them) maps to, hr first. */
static enum role
mapped_role(const struct config *cfg, const json_t *claims)
{
	json_t *c = json_object_get(claims, cfg->oidc_role_claim), *v;
	enum role role = ROLE_NONE, r;
	size_t i;

	if (json_is_string(c))
		return role_of_value(cfg, json_string_value(c));
	json_array_foreach(c, i, v) if ((r = role_of_value(cfg, json_string_value(v))) > role)
	    role = r;
	return role;
}

/* The ID token of a code (the token endpoint's answer), or NULL. New string. */
static char *
exchange(const struct flow *f, const json_t *disc, const char *code, const char *verifier)
{
	char *redirect = xasprintf("%s" SSO_CALLBACK_PATH, f->cfg->public_url);
	char *r = escaped(redirect), *c = escaped(code);
	char *form =
	    xasprintf("grant_type=authorization_code&code=%s&redirect_uri=%s&code_verifier=%s", c,
	              r, verifier);
	json_t *answer = fetch(json_string_value(json_object_get(disc, "token_endpoint")), form,
	                       f->cfg->oidc_client_id, f->cfg->oidc_client_secret);
	const char *t = json_string_value(json_object_get(answer, "id_token"));
	char *token = t ? xstrdup(t) : NULL;

	json_decref(answer);
	explicit_bzero(form, strlen(form));
	free(form);
	free(c);
	free(r);
	free(redirect);
	return token;
}

/* The claims of a token judged against the JWKS (fetched again once for an unknown kid). */
static json_t *
judged(const struct flow *f, const json_t *disc, const char *id_token, const char *nonce)
{
	struct idtoken_expect e = {.issuer = json_string_value(json_object_get(disc, "issuer")),
	                           .audience = f->cfg->oidc_client_id,
	                           .nonce = nonce,
	                           .now = time(NULL),
	                           .leeway_s = LEEWAY_S};
	json_t *claims = NULL;
	const char *why = "no keys";

	for (int attempt = 0; attempt < 2; attempt++) {
		json_t *k = keys_of(disc, attempt > 0);
		if (k == NULL)
			break;
		enum idtoken_verdict v = idtoken_verify(id_token, k, &e, &claims, &why);
		json_decref(k);
		if (v == IDTOKEN_OK)
			return claims;
		if (v != IDTOKEN_UNKNOWN_KID)
			break;
	}
	log_msg(LOG_INFO, "sso refused", "why=\"the ID token: %s\" request_id=%s", why,
	        f->request_id);
	return NULL;
}

/* The member of the claims (made when there is none and a role maps): 0 with member_id. */
static int
member_of(const struct flow *f, const json_t *claims, char member_id[37])
{
	const char *email = json_string_value(json_object_get(claims, "email"));
	struct staff_who who;

	if (email == NULL || !json_is_true(json_object_get(claims, "email_verified")))
		return refuse(f, "no verified e-mail address in the token");
	char *folded = fold_email(email);
	int rc = staff_find_email(f->db, folded, &who);
	free(folded);
	if (rc < 0)
		return flow_fail_db(f);
	if (rc == 0) {
		if (!who.active)
			return refuse(f, "the member is not active");
		/* the member's own mailbox, not one that only folds like it ("ß" for "ss") */
		json_t *member = NULL;
		long version;
		if ((rc = staff_current(f->db, who.id, &member, &version)) < 0)
			return flow_fail_db(f);
		bool same =
		    rc == 0 &&
		    fold_same_mailbox(email, json_string_value(json_object_get(member, "email")));
		json_decref(member);
		if (!same)
			return refuse(f, "the address only folds like a member's");
		snprintf(member_id, 37, "%s", who.id);
		return 0;
	}
	enum role role = mapped_role(f->cfg, claims);
	if (role == ROLE_NONE)
		return refuse(f, "no member at the address, and no role mapped from the claim");
	const char *name = json_string_value(json_object_get(claims, "name"));
	json_t *doc = json_pack("{s:s, s:s, s:s}", "email", email, "name",
	                        name && *name ? name : email, "role", role_name(role)),
	       *member;
	bool replayed;
	rc = staffing_create(f, doc, NULL, &member, &replayed);
	json_decref(doc);
	if (rc != 0)
		return -1;
	snprintf(member_id, 37, "%s", json_string_value(json_object_get(member, "id")));
	json_decref(member);
	return 0;
}

int
sso_finish(const struct flow *f, const char *state, const char *code, const char *cookie_state,
           char *token)
{
	char state_sha[2 * SHA256_LEN + 1], verifier[65], nonce[65], member[37];
	json_t *disc, *claims;

	if (state == NULL || code == NULL || cookie_state == NULL ||
	    strlen(state) != strlen(cookie_state) ||
	    !digest_equal(state, cookie_state, strlen(state)) || code_hash(state, state_sha) != 0)
		return refuse(f, "the state is not this browser's sign-in");
	int rc = staff_sso_use(f->db, state_sha);
	if (rc != 0)
		return rc < 0 ? flow_fail_db(f)
		              : refuse(f, "the state is unknown, used or expired");
	if (staff_sso_derive(f->db, state, verifier, nonce) != 0)
		return flow_fail_db(f);
	if ((disc = discovered(f->cfg)) == NULL)
		return flow_fail(f, 503, NULL,
		                 "the identity provider cannot be reached; retry shortly");
	char *id_token = exchange(f, disc, code, verifier);
	explicit_bzero(verifier, sizeof(verifier));
	if (id_token == NULL) {
		json_decref(disc);
		return refuse(f, "the token endpoint gave no ID token for the code");
	}
	claims = judged(f, disc, id_token, nonce);
	explicit_bzero(id_token, strlen(id_token));
	free(id_token);
	json_decref(disc);
	if (claims == NULL)
		return refuse(f, "the ID token was refused");
	rc = member_of(f, claims, member);
	json_decref(claims);
	if (rc != 0)
		return -1;
	if (signing_open(f, member, "oidc", token) != 0)
		return -1;
	return 0;
}
