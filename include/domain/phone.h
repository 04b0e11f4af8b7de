/*
 * phone: whether two phone numbers, written as people write them, are the
 * same number. Numbers are compared by their national significant digits:
 * an international prefix ("+", "00") and the country calling code are
 * taken off, and so is a national trunk prefix ("0" in the UK, "1" in the
 * US), so "07700 900123" on a British record is "+44 7700 900123" and
 * "+44 (0)7700 900123". A number written without an international prefix
 * is read in the given country (the record's address, or its opening's).
 * A small table of calling codes and trunk prefixes is the data; a number
 * of an unknown country is compared by all its digits. Pure; thread-safe.
 */
#ifndef RECRUITD_DOMAIN_PHONE_H
#define RECRUITD_DOMAIN_PHONE_H

#include <stdbool.h>

/*
 * Whether a and b are the same number (each needs at least 6 national
 * digits; NULL is no number). country: ISO 3166-1 alpha-2 of the place a
 * number without an international prefix belongs to, or NULL/"" unknown.
 */
bool phone_same(const char *a, const char *b, const char *country);

#endif
