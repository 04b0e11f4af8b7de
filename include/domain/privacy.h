/*
 * privacy: the rules of privacy requests that need no database. Their types
 * and channels, business-day deadlines (weekends and RECRUITD_HOLIDAYS
 * excluded), the masked address the log keeps, what a request of each type
 * needs, and the categories of data recruitd holds, as a person is told them.
 * Pure; thread-safe.
 */
#ifndef RECRUITD_DOMAIN_PRIVACY_H
#define RECRUITD_DOMAIN_PRIVACY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/xalloc.h"
#include "core/zone.h"

extern const char *const privacy_types[];    /* know_categories, know_specific, ... */
extern const char *const privacy_channels[]; /* web, email, phone, mail, in_person, agent */
extern const char *const privacy_outcomes[]; /* fulfilled, partially_fulfilled, denied, no_record */

/* Receipt is confirmed within this many business days; a response is due in DUE days. */
#define PRIVACY_CONFIRM_BUSINESS_DAYS 10
#define PRIVACY_DUE_DAYS 45
#define PRIVACY_EXTENDED_DAYS 90
#define PRIVACY_VERIFY_HOURS 72
#define PRIVACY_MAX_TRIES 3
/* know_specific and delete from the applicant's page need a sign-in this recent. */
#define PRIVACY_FRESH_SIGN_IN_S (15 * 60)

/*
 * The end (the last second) of the nth business day after `from`, in the
 * company's zone (NULL: UTC): days that are neither Saturday, Sunday nor
 * one of holidays (sorted local dates as day numbers, see
 * clock_day_of_date), counted from the local day after the one `from`
 * falls on. confirm_by is this for PRIVACY_CONFIRM_BUSINESS_DAYS.
 */
time_t privacy_add_business_days(time_t from, int n, const struct zone *zone, const long *holidays,
                                 size_t nholidays);

/*
 * `from` plus `days` calendar days in the company's zone (NULL: UTC), at
 * the same local time of day, whatever summer time does in between: due_at
 * (PRIVACY_DUE_DAYS) and extended_due_at (PRIVACY_EXTENDED_DAYS).
 */
time_t privacy_add_days(time_t from, int days, const struct zone *zone);

/*
 * "a***@example.com": the first character (a whole UTF-8 character:
 * "é***@example.com") and the domain (out holds at least strlen+4).
 */
void privacy_mask_email(const char *email, char *out, size_t outlen);

/* Whether a request of this type needs the e-mailed link (opt_out does not). */
bool privacy_needs_link(const char *type);

/* Whether it also needs two matching data points and the signed declaration. */
bool privacy_needs_data_points(const char *type);

/* Whether, from the applicant's page, it needs a sign-in within PRIVACY_FRESH_SIGN_IN_S. */
bool privacy_needs_fresh_sign_in(const char *type);

/* The contact fields a correction may change at once (the rest go to HR). */
bool privacy_is_contact_field(const char *field);

/*
 * The categories held about a person, each {category, sources, purposes,
 * recipients, retention}, for a record with documents, applications and
 * evaluations as given (new reference).
 */
json_t *privacy_categories(bool documents, bool applications, bool evaluations);

/*
 * The categories the employee archive holds about someone hired (their
 * recruitment record moved into it at hire): what a request about a person
 * who is now an employee is answered with. New reference.
 */
json_t *privacy_employee_categories(void);

/*
 * Whether two phone numbers are the same number: their national significant
 * digits (domain/phone.h), a number without an international prefix read in
 * country (ISO alpha-2, or NULL when unknown).
 */
bool privacy_same_phone(const char *a, const char *b, const char *country);

/*
 * Whether two names are the same, ignoring case (Unicode: "Zoë" is "ZOË"),
 * spaces at the ends and runs of spaces (core/fold.h).
 */
bool privacy_same_name(const char *a, const char *b);

#endif
