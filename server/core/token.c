/*
 * token: making and reading bearer tokens, and the roles they carry. Pure:
 * the database check of a token is store/auth.c's.
 */
#include <stdio.h>
#include <string.h>

#include "core/token.h"

#define SECRET_LEN 32
#define SECRET_B64_LEN 43

int
token_new(const char *prefix, char *token, char key_id[TOKEN_KEY_ID_LEN + 1],
          unsigned char hash[SHA256_LEN])
{
	unsigned char id[TOKEN_KEY_ID_LEN / 2], secret[SECRET_LEN];
	char secret_b64[SECRET_B64_LEN + 1];

	if (random_bytes(id, sizeof(id)) != 0 || random_bytes(secret, sizeof(secret)) != 0)
		return -1;
	hex_encode(id, sizeof(id), key_id);
	b64url_encode(secret, sizeof(secret), secret_b64);
	snprintf(token, TOKEN_MAX_LEN, "%s%s_%s", prefix, key_id, secret_b64);
	sha256(secret_b64, SECRET_B64_LEN, hash);
	return 0;
}

int
token_parse(const char *token, const char *prefix, char key_id[TOKEN_KEY_ID_LEN + 1],
            unsigned char hash[SHA256_LEN])
{
	size_t plen = strlen(prefix);
	const char *id, *secret;
	unsigned char raw[SECRET_LEN + 2];

	if (strncmp(token, prefix, plen) != 0)
		return -1;
	id = token + plen;
	for (int i = 0; i < TOKEN_KEY_ID_LEN; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return -1;
	if (id[TOKEN_KEY_ID_LEN] != '_')
		return -1;
	secret = id + TOKEN_KEY_ID_LEN + 1;
	if (strlen(secret) != SECRET_B64_LEN ||
	    b64url_decode(secret, raw, sizeof(raw)) != SECRET_LEN)
		return -1;
	memcpy(key_id, id, TOKEN_KEY_ID_LEN);
	key_id[TOKEN_KEY_ID_LEN] = '\0';
	sha256(secret, SECRET_B64_LEN, hash);
	return 0;
}

int
code_new(char code[CODE_LEN + 1], char hash_hex[2 * SHA256_LEN + 1])
{
	unsigned char raw[SECRET_LEN], hash[SHA256_LEN];

	if (random_bytes(raw, sizeof(raw)) != 0)
		return -1;
	b64url_encode(raw, sizeof(raw), code);
	code[CODE_LEN] = '\0';
	sha256(code, CODE_LEN, hash);
	hex_encode(hash, SHA256_LEN, hash_hex);
	return 0;
}

int
code_hash(const char *code, char hash_hex[2 * SHA256_LEN + 1])
{
	unsigned char raw[SECRET_LEN + 2], hash[SHA256_LEN];

	if (code == NULL || strlen(code) != CODE_LEN ||
	    b64url_decode(code, raw, sizeof(raw)) != SECRET_LEN)
		return -1;
	sha256(code, CODE_LEN, hash);
	hex_encode(hash, SHA256_LEN, hash_hex);
	return 0;
}

enum role
role_parse(const char *s)
{
	if (strcmp(s, "recruiter") == 0)
		return ROLE_RECRUITER;
	if (strcmp(s, "hr") == 0)
		return ROLE_HR;
	return ROLE_NONE;
}

const char *
role_name(enum role role)
{
	switch (role) {
	case ROLE_RECRUITER:
		return "recruiter";
	case ROLE_HR:
		return "hr";
	case ROLE_APPLICANT:
		return "applicant";
	default:
		return "none";
	}
}
