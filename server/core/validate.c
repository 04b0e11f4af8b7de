/*
 * validate: field checks shared by every resource. Checks report through
 * problem_field with the member's full path and never echo the value (it
 * may be personal data).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/problem.h"
#include "core/validate.h"

/* ISO 3166-1 alpha-2, the 249 officially assigned codes, sorted. */
static const char countries[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
    "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
    "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW";

static void
path_of(char *out, size_t n, const char *prefix, const char *key)
{
	if (prefix && *prefix)
		snprintf(out, n, "%s.%s", prefix, key);
	else
		snprintf(out, n, "%s", key);
}

bool
is_one_of(const char *s, const char *const *list)
{
	for (; s && list && *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

bool
check_known_keys(const json_t *obj, const char *const *allowed, const char *const *readonly,
                 const char *prefix, struct problem *p)
{
	const char *key;
	json_t *value;
	bool ok = true;
	char path[160];

	json_object_foreach(jsonx_mut(obj), key, value)
	{
		if (is_one_of(key, allowed))
			continue;
		path_of(path, sizeof(path), prefix, has_control_chars(key) ? "?" : key);
		if (is_one_of(key, readonly))
			problem_field(p, path, "is read-only");
		else
			problem_field(p, path, "is not a known field");
		ok = false;
	}
	return ok;
}

bool
check_text(const json_t *obj, const char *key, const char *prefix, bool required, size_t max,
           struct problem *p)
{
	json_t *v = json_object_get(obj, key);
	char path[160];
	const char *s;

	path_of(path, sizeof(path), prefix, key);
	if (v == NULL || json_is_null(v)) {
		if (required)
			problem_field(p, path, "is required");
		return !required;
	}
	if (!json_is_string(v)) {
		problem_field(p, path, "must be a string");
		return false;
	}
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v) || has_control_chars(s)) {
		problem_field(p, path, "must not contain control characters");
		return false;
	}
	if (is_blank(s)) {
		problem_field(p, path, "must not be empty");
		return false;
	}
	if (utf8_chars(s) > max) {
		problem_field(p, path, "must be at most %zu characters", max);
		return false;
	}
	return true;
}

bool
check_enum(const json_t *obj, const char *key, const char *prefix, bool required,
           const char *const *values, struct problem *p)
{
	json_t *v = json_object_get(obj, key);
	char path[160], list[256] = "";

	path_of(path, sizeof(path), prefix, key);
	if (v == NULL || json_is_null(v)) {
		if (required)
			problem_field(p, path, "is required");
		return !required;
	}
	if (json_is_string(v) && is_one_of(json_string_value(v), values))
		return true;
	for (const char *const *e = values; *e; e++) {
		strncat(list, *e, sizeof(list) - strlen(list) - 1);
		if (e[1])
			strncat(list, ", ", sizeof(list) - strlen(list) - 1);
	}
	problem_field(p, path, "must be one of: %s", list);
	return false;
}

bool
check_bool(const json_t *obj, const char *key, const char *prefix, struct problem *p)
{
	json_t *v = json_object_get(obj, key);
	char path[160];

	if (v == NULL || json_is_boolean(v))
		return true;
	path_of(path, sizeof(path), prefix, key);
	problem_field(p, path, "must be true or false");
	return false;
}

static bool
is_atext(unsigned char c)
{
	if (c >= 0x80)
		return true; /* internationalised local parts (RFC 6531) */
	return isalnum(c) || strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL;
}

static bool
is_domain(const char *d)
{
	size_t label = 0, labels = 0;

	if (*d == '\0' || strlen(d) > 253)
		return false;
	for (const unsigned char *c = (const unsigned char *)d;; c++) {
		if (*c == '.' || *c == '\0') {
			if (label == 0 || label > 63 || c[-1] == '-')
				return false;
			labels++;
			label = 0;
			if (*c == '\0')
				break;
			continue;
		}
		if (!(isalnum(*c) || *c == '-' || *c >= 0x80) || (label == 0 && *c == '-'))
			return false;
		label++;
	}
	return labels >= 2;
}

bool
is_email(const char *s)
{
	const char *at = strchr(s, '@');
	size_t local;

	if (at == NULL || strchr(at + 1, '@') != NULL || strlen(s) > 254)
		return false;
	local = (size_t)(at - s);
	if (local == 0 || local > 64 || s[0] == '.' || at[-1] == '.')
		return false;
	for (const char *c = s; c < at; c++)
		if (!is_atext((unsigned char)*c) || (c[0] == '.' && c[1] == '.'))
			return false;
	return is_domain(at + 1);
}

bool
is_country_code(const char *s)
{
	if (strlen(s) != 2 || !isupper((unsigned char)s[0]) || !isupper((unsigned char)s[1]))
		return false;
	for (const char *c = countries; *c; c += c[2] ? 3 : 2)
		if (c[0] == s[0] && c[1] == s[1])
			return true;
	return false;
}

bool
is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return s[36] == '\0';
}

static bool
digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool
is_date(const char *s)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (strlen(s) != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2))
		return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

bool
is_rfc3339(const char *s)
{
	/* 2026-11-24T21:03:00[.frac](Z|+hh:mm|-hh:mm) */
	if (strlen(s) < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) ||
	    s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return false;
	char date[11];
	memcpy(date, s, 10);
	date[10] = '\0';
	int hour = (s[11] - '0') * 10 + (s[12] - '0'), min = (s[14] - '0') * 10 + (s[15] - '0');
	int sec = (s[17] - '0') * 10 + (s[18] - '0');
	/* a real calendar day (no 2024-02-31: PostgreSQL would refuse it, as a 422) */
	if (!is_date(date) || hour > 23 || min > 59 || sec > 60)
		return false;
	s += 19;
	if (*s == '.') {
		int n = 0;
		for (s++; isdigit((unsigned char)*s); s++)
			n++;
		if (n == 0 || n > 9)
			return false;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		return true;
	return (*s == '+' || *s == '-') && digits(s + 1, 2) && s[3] == ':' && digits(s + 4, 2) &&
	       s[6] == '\0' && (s[1] - '0') * 10 + (s[2] - '0') <= 23 &&
	       (s[4] - '0') * 10 + (s[5] - '0') <= 59;
}

size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

bool
has_control_chars(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

bool
is_blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

bool
is_utf8(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;

	while (s < end) {
		unsigned c = *s;
		int n;
		unsigned min;

		if (c == 0)
			return false;
		if (c < 0x80) {
			s++;
			continue;
		}
		if ((c & 0xE0) == 0xC0)
			n = 1, min = 0x80, c &= 0x1F;
		else if ((c & 0xF0) == 0xE0)
			n = 2, min = 0x800, c &= 0x0F;
		else if ((c & 0xF8) == 0xF0)
			n = 3, min = 0x10000, c &= 0x07;
		else
			return false;
		if (end - s <= n)
			return false;
		for (int i = 1; i <= n; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return false;
			c = (c << 6) | (s[i] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return false;
		s += n + 1;
	}
	return true;
}
