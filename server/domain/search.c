/* search: folding and trigrams for ?q=. See search.h. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "domain/search.h"

/* The UTF-8 sequence at s: its code point into *cp and its length, or 0 when it is none. */
static size_t
decode(const unsigned char *s, unsigned *cp)
{
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		*cp = s[0] & 0x1Fu;
		n = 2;
	} else if ((s[0] & 0xF0) == 0xE0) {
		*cp = s[0] & 0x0Fu;
		n = 3;
	} else if ((s[0] & 0xF8) == 0xF0) {
		*cp = s[0] & 0x07u;
		n = 4;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3Fu);
	}
	if (*cp < 0x80 || (n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) || *cp > 0x10FFFF)
		return 0;
	return n;
}

static size_t
encode(unsigned cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static locale_t
utf8_locale(void)
{
	static locale_t loc;
	static int tried;

	/* Made once; a race makes it twice, and both are the same locale. */
	if (!__atomic_load_n(&tried, __ATOMIC_ACQUIRE)) {
		locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		__atomic_store_n(&loc, l, __ATOMIC_RELEASE);
		__atomic_store_n(&tried, 1, __ATOMIC_RELEASE);
	}
	return __atomic_load_n(&loc, __ATOMIC_ACQUIRE);
}

char *
search_fold(const char *s)
{
	locale_t loc = utf8_locale();
	size_t len = strlen(s);
	/* A lower-case letter can take more bytes than its capital: 4 per character at most. */
	char *out = xmalloc(4 * len + 1), *o = out;
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned cp;
		size_t n = decode(p, &cp);
		if (n == 0) {
			*o++ = (char)*p++;
			continue;
		}
		if (cp < 0x80)
			cp = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
		else if (loc != (locale_t)0)
			cp = (unsigned)towlower_l((wint_t)cp, loc);
		o += encode(cp, o);
		p += n;
	}
	*o = '\0';
	return out;
}

bool
search_contains(const char *haystack, const char *needle)
{
	char *h = search_fold(haystack), *n = search_fold(needle);
	bool found = strstr(h, n) != NULL;

	free(h);
	free(n);
	return found;
}

/* The byte length of the character at s (1 for a byte that starts none). */
static size_t
char_len(const char *s)
{
	unsigned cp;
	size_t n = decode((const unsigned char *)s, &cp);
	return n ? n : 1;
}

size_t
search_trigrams(const char *s, void (*fn)(const char *gram, size_t len, void *arg), void *arg)
{
	char *f = search_fold(s);
	size_t count = 0;

	for (const char *a = f; *a; a += char_len(a)) {
		const char *b = a + char_len(a);
		if (!*b)
			break;
		const char *c = b + char_len(b);
		if (!*c)
			break;
		const char *end = c + char_len(c);
		size_t len = (size_t)(end - a);
		bool seen = false; /* each distinct trigram once */
		for (const char *x = f; x < a && !seen; x += char_len(x)) {
			const char *y = x;
			size_t l = 0;
			for (int k = 0; k < 3 && *y; k++)
				y += char_len(y);
			l = (size_t)(y - x);
			seen = l == len && memcmp(x, a, len) == 0;
		}
		if (!seen) {
			fn(a, len, arg);
			count++;
		}
	}
	free(f);
	return count;
}
