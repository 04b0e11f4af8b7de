/* phone: comparing phone numbers by their national significant digits. See phone.h. */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "domain/phone.h"

/* A country's calling code and the trunk prefix dialled before a national number ("": none). */
struct plan {
	char iso[3];
	const char *code, *trunk;
};

/* Data, not logic: extend as the company hires in more places. */
static const struct plan plans[] = {
    {"US", "1", "1"},   {"CA", "1", "1"},   {"GB", "44", "0"},  {"IE", "353", "0"},
    {"DE", "49", "0"},  {"FR", "33", "0"},  {"NL", "31", "0"},  {"BE", "32", "0"},
    {"LU", "352", ""},  {"CH", "41", "0"},  {"AT", "43", "0"},  {"IT", "39", ""},
    {"ES", "34", ""},   {"PT", "351", ""},  {"SE", "46", "0"},  {"NO", "47", ""},
    {"DK", "45", ""},   {"FI", "358", "0"}, {"IS", "354", ""},  {"PL", "48", ""},
    {"CZ", "420", ""},  {"HU", "36", "06"}, {"RO", "40", "0"},  {"GR", "30", ""},
    {"EE", "372", ""},  {"UA", "380", "0"}, {"RU", "7", "8"},   {"TR", "90", "0"},
    {"IL", "972", "0"}, {"AE", "971", "0"}, {"SA", "966", "0"}, {"EG", "20", "0"},
    {"ZA", "27", "0"},  {"NG", "234", "0"}, {"IN", "91", "0"},  {"CN", "86", "0"},
    {"JP", "81", "0"},  {"KR", "82", "0"},  {"SG", "65", ""},   {"HK", "852", ""},
    {"PH", "63", "0"},  {"AU", "61", "0"},  {"NZ", "64", "0"},  {"BR", "55", "0"},
    {"MX", "52", ""},   {"AR", "54", "0"},
};
#define NPLANS (sizeof(plans) / sizeof(plans[0]))

#define DIGITS_MAX 40

/* A number read: its calling code ("" unknown) and national significant digits. */
struct number {
	const char *code;
	char nsn[DIGITS_MAX];
};

static const struct plan *
plan_of_country(const char *iso)
{
	for (size_t i = 0; iso != NULL && i < NPLANS; i++)
		if (strcmp(plans[i].iso, iso) == 0)
			return &plans[i];
	return NULL;
}

/* The plan whose calling code starts digits (codes never prefix one another across plans). */
static const struct plan *
plan_of_code(const char *digits)
{
	for (size_t i = 0; i < NPLANS; i++)
		if (strncmp(digits, plans[i].code, strlen(plans[i].code)) == 0)
			return &plans[i];
	return NULL;
}

static void
take(char *out, const char *from)
{
	size_t n = strlen(from);

	memmove(out, from, n + 1);
}

/* Read s: 0, or -1 when it has too many digits to be a phone number. */
static int
read_number(const char *s, const struct plan *home, struct number *n)
{
	char d[DIGITS_MAX];
	size_t k = 0;
	bool plus = false, seen = false;

	for (; s != NULL && *s; s++) {
		if (*s == '+' && !seen)
			plus = true;
		if (!isdigit((unsigned char)*s))
			continue;
		seen = true;
		if (k + 1 >= sizeof(d))
			return -1;
		d[k++] = *s;
	}
	d[k] = '\0';
	n->code = "";
	if (!plus &&
	    strncmp(d, "00", 2) == 0) { /* the international prefix most of the world dials */
		plus = true;
		take(d, d + 2);
	} else if (!plus && home != NULL && strcmp(home->code, "1") == 0 &&
	           strncmp(d, "011", 3) == 0) {
		plus = true;
		take(d, d + 3);
	}
	if (plus) {
		const struct plan *p = plan_of_code(d);
		if (p != NULL) {
			take(d, d + strlen(p->code));
			n->code = p->code;
			/* "+44 (0)7700 ...": the trunk prefix written after the code */
			if (strcmp(p->trunk, "0") == 0 && d[0] == '0')
				take(d, d + 1);
		}
	} else if (home != NULL) {
		n->code = home->code;
		size_t t = strlen(home->trunk);
		/* a US number written 1 415 ... has 11 digits; 415 ... has 10 */
		if (t > 0 && strncmp(d, home->trunk, t) == 0 &&
		    (strcmp(home->code, "1") != 0 || strlen(d) == 11))
			take(d, d + t);
	}
	memcpy(n->nsn, d, sizeof(d));
	return 0;
}

bool
phone_same(const char *a, const char *b, const char *country)
{
	const struct plan *home = plan_of_country(country);
	struct number x, y;

	if (read_number(a, home, &x) != 0 || read_number(b, home, &y) != 0 || strlen(x.nsn) < 6 ||
	    strlen(y.nsn) < 6)
		return false;
	if (x.code[0] != '\0' && y.code[0] != '\0')
		return strcmp(x.code, y.code) == 0 && strcmp(x.nsn, y.nsn) == 0;
	if (strcmp(x.nsn, y.nsn) == 0)
		return true;
	/* one of an unknown country: a leading 0 is the trunk prefix most countries use */
	const char *u = x.code[0] == '\0' ? x.nsn : y.nsn, *k = u == x.nsn ? y.nsn : x.nsn;
	return u[0] == '0' && strcmp(u + 1, k) == 0;
}
