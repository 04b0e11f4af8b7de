/*
 * sealing (private to store/): the text form of bytea values, as libpq
 * gives and takes them ("\x" and hex digits), for the vault's files: a
 * sealed value (sealing.c), a wrapped data key (data_keys.c, keyring.c).
 * The sealing functions themselves are vault.h's (vault_seal, vault_seal_text,
 * vault_seal_segments and their opening), whose API their callers keep.
 * Thread-safe: no state.
 */
#ifndef RECRUITD_STORE_SEALING_H
#define RECRUITD_STORE_SEALING_H

#include <stddef.h>

/*
 * The bytes of a bytea in text form ("\x...") into out (room for cap
 * bytes): 0 with *len, or -1 when text is not that form or does not fit.
 */
int sealing_bytea_parse(const char *text, unsigned char *out, size_t cap, size_t *len);

/* len bytes as a bytea's text form ("\x..."): a new string. */
char *sealing_bytea_format(const unsigned char *in, size_t len);

#endif
