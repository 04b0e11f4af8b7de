/*
 * record: the one builder of an applicant's whole record (STYLE.md: "One
 * record builder serves /v1/me, the export and the archive"). It gathers the
 * record as staff see it, every application with its opening (and, when
 * asked, its history and evaluations) and every document's metadata, in one
 * shape; each door then takes its view of it: the applicant's own page
 * (never evaluations, never HR's notes), the copy of one's data (no staff
 * member's name), the employee archive (everything). Reading the record
 * itself (audited or not) is the caller's: the builder is handed it.
 */
#ifndef RECRUITD_FLOWS_RECORD_H
#define RECRUITD_FLOWS_RECORD_H

#include <jansson.h>
#include <stdbool.h>

#include "core/xalloc.h"

struct flow;

struct record {
	json_t *applicant;    /* the record as staff see it (the caller's, stolen) */
	json_t *applications; /* [{id, opening_id, stage, created_at, closed_at, opening {...},
	                         history?, evaluations?}] */
	json_t *documents;    /* [{id, applicant_id, kind, filename, content_type, size, sha256,
	                         created_at}] */
};

/*
 * Gather the rest of applicant's record around *applicant (stolen: it is
 * the record's from now on, freed by record_fini whatever happens; NULL
 * when the caller needs only the rest); full:
 * with each application's history and evaluations. 0 with *out, or -1 with
 * the problem set.
 */
int record_gather(const struct flow *f, const char *applicant_id, json_t *applicant, bool full,
                  struct record *out) WARN_UNUSED;
void record_fini(struct record *r);

/* /v1/me's applications [{id, opening_id, opening_title, stage}] and documents (new). */
json_t *record_own_applications(const struct record *r);
json_t *record_own_documents(const struct record *r);

/*
 * The copy of one's data (data.json): {applicant, applications, documents}
 * without HR's notes (legal hold, source detail), retention as
 * {expires_at}, history without who moved it or why, evaluations without
 * their authors (new). Needs a full record.
 */
json_t *record_for_export(const struct record *r);

/*
 * The employee archive's applicant.json (indented) and applications.json
 * (every application with its opening, full history and evaluations;
 * compact): new strings. Needs a full record.
 */
char *record_archive_applicant(const struct record *r);
char *record_archive_applications(const struct record *r);

#endif
