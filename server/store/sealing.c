/*
 * sealing: values sealed under a data key (vault.h's vault_seal,
 * vault_unseal, vault_seal_text, vault_open_text), large ones in segments
 * (vault_seal_segments, vault_open_segments), and the text form of bytea
 * they travel in (sealing.h). Every sealed value is bound to "id/field" (a
 * segment also to its place, the last one marked), so one cannot be moved
 * to another record, field or place unnoticed. No key is held here: the
 * caller brings it (store/data_keys.c's, or one derived from an e-mailed
 * code). Thread-safe: no state.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "store/vault.h"

#include "sealing.h"

int
sealing_bytea_parse(const char *text, unsigned char *out, size_t cap, size_t *len)
{
	size_t n;

	if (text[0] != '\\' || text[1] != 'x' || (n = strlen(text + 2)) % 2 != 0 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v = 0;
		for (int j = 0; j < 2; j++) {
			char c = text[2 + 2 * i + (size_t)j];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	*len = n / 2;
	return 0;
}

char *
sealing_bytea_format(const unsigned char *in, size_t len)
{
	char *out = xmalloc(2 * len + 3);

	out[0] = '\\';
	out[1] = 'x';
	hex_encode(in, len, out + 2);
	return out;
}

/* ------------------------------------------------------------------ */
/* values                                                               */

/* "id/field", the associated data of a sealed value. */
static char *
ad_of(const char *id, const char *field, size_t *len)
{
	char *ad = xasprintf("%s/%s", id, field);
	*len = strlen(ad);
	return ad;
}

unsigned char *
vault_seal(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
           const void *plain, size_t len, size_t *out_len)
{
	size_t adlen;
	char *ad = ad_of(id, field, &adlen);
	unsigned char *out = seal_value(key, ad, adlen, plain, len, out_len);

	free(ad);
	return out;
}

unsigned char *
vault_unseal(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
             const void *in, size_t len, size_t *out_len)
{
	size_t adlen;
	char *ad = ad_of(id, field, &adlen);
	unsigned char *out = seal_open(key, ad, adlen, in, len, out_len);

	free(ad);
	return out;
}

char *
vault_seal_text(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
                const char *plain, bool *failed)
{
	size_t n;
	unsigned char *sealed;
	char *out;

	if (plain == NULL)
		return NULL;
	if ((sealed = vault_seal(key, id, field, plain, strlen(plain), &n)) == NULL) {
		*failed = true;
		return NULL;
	}
	out = sealing_bytea_format(sealed, n);
	free(sealed);
	return out;
}

char *
vault_open_text(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
                const char *hex)
{
	size_t cap = strlen(hex) / 2, n, len;
	unsigned char *bytes = xmalloc(cap + 1);
	char *out = NULL;

	if (sealing_bytea_parse(hex, bytes, cap, &n) == 0)
		out = (char *)vault_unseal(key, id, field, bytes, n, &len);
	free(bytes);
	if (out != NULL && strlen(out) != len) { /* a NUL inside is not text we sealed */
		free(out);
		out = NULL;
	}
	return out;
}

/* ------------------------------------------------------------------ */
/* segmented values: documents and export packages                      */

size_t
vault_segments_len(size_t len)
{
	size_t n = len == 0 ? 1 : (len + VAULT_SEGMENT - 1) / VAULT_SEGMENT;
	return len + n * SEAL_OVERHEAD;
}

/*
 * "id/field#i", with "$" after the last segment's number: none can be
 * dropped or moved. Its length, or 0 when it does not fit in cap bytes (a
 * cut one would bind the segment to less than its place; and snprintf's
 * length is then past the buffer).
 */
static size_t
segment_ad(char *ad, size_t cap, const char *id, const char *field, size_t i, bool last)
{
	int n = snprintf(ad, cap, "%s/%s#%zu%s", id, field, i, last ? "$" : "");

	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

unsigned char *
vault_seal_segments(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
                    const void *plain, size_t len, size_t *out_len)
{
	size_t total = vault_segments_len(len), nseg = (total - len) / SEAL_OVERHEAD, at = 0;
	unsigned char *out = xmalloc(total);
	char ad[160];

	for (size_t i = 0; i < nseg; i++) {
		size_t n = i + 1 < nseg ? VAULT_SEGMENT : len - i * VAULT_SEGMENT, sn;
		size_t adlen = segment_ad(ad, sizeof(ad), id, field, i, i + 1 == nseg);
		unsigned char *s =
		    adlen == 0
		        ? NULL
		        : seal_value(key, ad, adlen,
		                     (const unsigned char *)plain + i * VAULT_SEGMENT, n, &sn);
		if (s == NULL) {
			free(out);
			return NULL;
		}
		memcpy(out + at, s, sn);
		at += sn;
		free(s);
	}
	*out_len = total;
	return out;
}

int
vault_open_segments(const unsigned char key[SEAL_KEY_LEN], const char *id, const char *field,
                    size_t plain_len, size_t first, const unsigned char *in, size_t in_len,
                    unsigned char *out, size_t *out_len)
{
	size_t nseg = (vault_segments_len(plain_len) - plain_len) / SEAL_OVERHEAD, at = 0, got = 0;
	char ad[160];

	for (size_t i = first; at < in_len; i++) {
		if (i >= nseg)
			return -1;
		size_t n = (i + 1 < nseg ? VAULT_SEGMENT : plain_len - i * VAULT_SEGMENT) +
		           SEAL_OVERHEAD,
		       pn;
		if (at + n > in_len)
			return -1;
		size_t adlen = segment_ad(ad, sizeof(ad), id, field, i, i + 1 == nseg);
		unsigned char *p = adlen == 0 ? NULL : seal_open(key, ad, adlen, in + at, n, &pn);
		if (p == NULL)
			return -1;
		memcpy(out + got, p, pn);
		OPENSSL_cleanse(p, pn);
		free(p);
		got += pn;
		at += n;
	}
	*out_len = got;
	return 0;
}
