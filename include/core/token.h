/*
 * token: bearer tokens and the actors they stand for. A token is PREFIX
 * KEYID "_" SECRET: the prefix tells staff ("rks_") from applicant ("rka_")
 * tokens, the key id finds the row, and only SHA-256(SECRET) is stored.
 * Secrets are 32 random bytes, so a fast hash is enough. Thread-safe.
 */
#ifndef RECRUITD_CORE_TOKEN_H
#define RECRUITD_CORE_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/digest.h"
#include "core/xalloc.h"

#define TOKEN_STAFF_PREFIX "rks_"
#define TOKEN_APPLICANT_PREFIX "rka_"
#define TOKEN_KEY_ID_LEN 16 /* hex digits */
#define TOKEN_MAX_LEN 128

enum role { ROLE_NONE = 0, ROLE_APPLICANT, ROLE_RECRUITER, ROLE_HR };

/* Who made a request: a staff key (role, its name) or an applicant (their id). */
struct actor {
	enum role role;
	char name[65];                         /* staff key name; "applicant" for applicants */
	char applicant_id[37];                 /* applicant tokens only */
	char key_id[TOKEN_KEY_ID_LEN + 1];     /* applicant tokens: the token in use */
	char signed_in_at[32], expires_at[32]; /* applicant tokens: RFC 3339 */
};

/*
 * Make a new token with prefix. Writes the token (NUL-terminated, at most
 * TOKEN_MAX_LEN bytes) to token, its key id to key_id and the hash to store
 * to hash. Returns 0 or -1 (no randomness).
 */
int token_new(const char *prefix, char *token, char key_id[TOKEN_KEY_ID_LEN + 1],
              unsigned char hash[SHA256_LEN]) WARN_UNUSED;

/*
 * Split a token presented with prefix into its key id and the hash of its
 * secret. Returns 0, or -1 when it is not a well-formed token of that kind.
 */
int token_parse(const char *token, const char *prefix, char key_id[TOKEN_KEY_ID_LEN + 1],
                unsigned char hash[SHA256_LEN]) WARN_UNUSED;

/*
 * One-time codes of e-mailed links (confirmation, sign-in): 32 random bytes
 * in base64url, CODE_LEN characters; only SHA-256 of the code, in hex, is
 * stored. code_new: 0, or -1 when no randomness. code_hash: 0, or -1 when
 * code is not of that shape (then it can be no code).
 */
#define CODE_LEN 43
int code_new(char code[CODE_LEN + 1], char hash_hex[2 * SHA256_LEN + 1]) WARN_UNUSED;
int code_hash(const char *code, char hash_hex[2 * SHA256_LEN + 1]) WARN_UNUSED;

/* "recruiter" / "hr" to a role; ROLE_NONE if neither. */
enum role role_parse(const char *s);
const char *role_name(enum role role);

#endif
