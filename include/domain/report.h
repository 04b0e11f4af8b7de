/*
 * report: the index.html of a copy of one's data (DESIGN "The careers site
 * and the applicant's pages (additions)"), a report a person with no
 * technical knowledge can read: a section per category in plain words
 * (labels, never field names), dates written out in the company's zone,
 * every document linked to its file in the package, "who looked at your
 * record and when" by role (never a staff member's name: data.json holds
 * none), what kinds of data are held and why. Styled for a phone and for
 * print in the page itself: it loads nothing from anywhere (no script, no
 * font, no image, no link outside the package). Every value is escaped.
 * Pure; thread-safe.
 */
#ifndef RECRUITD_DOMAIN_REPORT_H
#define RECRUITD_DOMAIN_REPORT_H

#include <jansson.h>
#include <time.h>

struct zone;

/* What the report is made of (borrowed). */
struct report_in {
	const json_t *data;       /* data.json: applicant, applications, documents, audit, ... */
	const json_t *categories; /* categories.json: [{category, sources, ...}] */
	const json_t *paths;      /* {document id: its path in the package} */
	const char *company;      /* RECRUITD_COMPANY_NAME */
	const struct zone *zone;  /* the company's zone, for dates (NULL: UTC) */
	time_t made;              /* when the package was made */
};

/* index.html (a new string). */
char *report_html(const struct report_in *in);

#endif
