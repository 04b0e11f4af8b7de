/* fold: case-insensitive keys and comparisons, through libunistring. See fold.h. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

#include "core/fold.h"

/* s with ASCII letters lower-cased, everything else kept: the fallback for bytes not UTF-8. */
static char *
ascii_lower(const char *s)
{
	char *out = xstrdup(s);

	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* s case-folded and normalised (nf), as a new NUL-terminated string; NULL when not UTF-8. */
static char *
casefold(const char *s, uninorm_t nf)
{
	size_t len = 0;

	/* libunistring would take invalid bytes for U+FFFD: they are kept as they are instead */
	if (u8_check((const uint8_t *)s, strlen(s)) != NULL)
		return NULL;
	uint8_t *r = u8_casefold((const uint8_t *)s, strlen(s), NULL, nf, NULL, &len);

	if (r == NULL)
		return NULL;
	char *out = xmalloc(len + 1);
	memcpy(out, r, len);
	out[len] = '\0';
	free(r);
	/* a NUL inside would cut the key short: refuse it like bytes that are not UTF-8 */
	if (strlen(out) != len) {
		free(out);
		return NULL;
	}
	return out;
}

char *
fold_email(const char *s)
{
	char *out = casefold(s, UNINORM_NFC);

	return out != NULL ? out : ascii_lower(s);
}

char *
fold_text(const char *s)
{
	char *f = casefold(s, UNINORM_NFKC), *o, *w;
	bool space = false;

	if (f == NULL)
		f = ascii_lower(s);
	/* NFKC has made the odd spaces (no-break, ideographic) plain ones already */
	for (o = w = f; *o; o++) {
		if (isspace((unsigned char)*o)) {
			space = w != f;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = false;
		*w++ = *o;
	}
	*w = '\0';
	return f;
}

bool
fold_text_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return false;
	char *fa = fold_text(a), *fb = fold_text(b);
	bool same = fa[0] != '\0' && strcmp(fa, fb) == 0;

	free(fa);
	free(fb);
	return same;
}

/*
 * s in NFC with each code point lower-cased by its simple mapping (one code
 * point for one, no context): "É" is "é" and "ẞ" "ß", but "ß" stays "ß" and
 * "ﬀ" "ﬀ", which full case folding would make "ss" and "ff". NULL when s is
 * not UTF-8.
 */
static char *
simple_lower(const char *s)
{
	size_t n = 0, o = 0;

	if (u8_check((const uint8_t *)s, strlen(s)) != NULL)
		return NULL;
	uint8_t *nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)s, strlen(s), NULL, &n);
	if (nfc == NULL)
		return NULL;
	uint8_t *out = xmalloc(2 * n + 1); /* a lower-case letter takes at most 3 bytes for 2 */
	for (const uint8_t *p = nfc, *end = nfc + n; p < end;) {
		ucs4_t c;
		p += u8_mbtouc(&c, p, (size_t)(end - p));
		o += (size_t)u8_uctomb(out + o, uc_tolower(c), 6);
	}
	out[o] = '\0';
	free(nfc);
	return (char *)out;
}

bool
fold_same_mailbox(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return false;
	char *fa = fold_email(a), *fb = fold_email(b);
	bool same = strcmp(fa, fb) == 0;

	free(fa);
	free(fb);
	if (!same)
		return false;
	/* simple lower case keeps apart what full case folding merges */
	char *la = simple_lower(a), *lb = simple_lower(b);
	if (la == NULL)
		la = ascii_lower(a);
	if (lb == NULL)
		lb = ascii_lower(b);
	same = strcmp(la, lb) == 0;
	free(la);
	free(lb);
	return same;
}
