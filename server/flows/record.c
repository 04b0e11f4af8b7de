/*
 * record: the one builder of an applicant's whole record, and its views.
 * See record.h. The views take members away from the one shape; none adds
 * anything the record does not hold.
 */
#include <string.h>

#include "flows/flow.h"
#include "flows/record.h"
#include "store/applications.h"
#include "store/documents.h"

int
record_gather(const struct flow *f, const char *applicant_id, json_t *applicant, bool full,
              struct record *out)
{
	int rc;

	*out = (struct record){.applicant = applicant};
	if (applications_of(f->db, applicant_id, full, &out->applications) != 0)
		return flow_fail_db(f);
	/* the person's own record, or HR's archive: a restricted record is seen whole */
	if ((rc = documents_of(f->db, applicant_id, true, false, &out->documents)) < 0)
		return flow_fail_db(f);
	if (rc > 0) /* the applicant's row went meanwhile */
		return flow_retry(f);
	return 0;
}

void
record_fini(struct record *r)
{
	json_decref(r->applicant);
	json_decref(r->applications);
	json_decref(r->documents);
	*r = (struct record){0};
}

/* A copy of o with only the members named (NULL-terminated), in that order. */
static json_t *
only(const json_t *o, const char *const *keys)
{
	json_t *out = json_object();

	for (const char *const *k = keys; *k; k++) {
		json_t *v = json_object_get(o, *k);
		if (v != NULL)
			json_object_set(out, *k, v);
	}
	return out;
}

/* Each element of list through only(). */
static json_t *
each_only(const json_t *list, const char *const *keys)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach(list, i, e) json_array_append_new(out, only(e, keys));
	return out;
}

json_t *
record_own_applications(const struct record *r)
{
	json_t *out = json_array(), *a;
	size_t i;

	json_array_foreach(r->applications, i, a)
	{
		json_t *o = json_object_get(a, "opening");
		json_array_append_new(out, json_pack("{s:O, s:O, s:O, s:O}", "id",
		                                     json_object_get(a, "id"), "opening_id",
		                                     json_object_get(a, "opening_id"),
		                                     "opening_title", json_object_get(o, "title"),
		                                     "stage", json_object_get(a, "stage")));
	}
	return out;
}

json_t *
record_own_documents(const struct record *r)
{
	static const char *const keys[] = {"id",   "kind",       "filename", "content_type",
	                                   "size", "created_at", NULL};
	return each_only(r->documents, keys);
}

json_t *
record_for_export(const struct record *r)
{
	static const char *const history[] = {"from", "to", "at", NULL};
	static const char *const docs[] = {"id",   "kind",   "filename",   "content_type",
	                                   "size", "sha256", "created_at", NULL};
	json_t *applicant = json_deep_copy(r->applicant), *apps = json_array(), *a;
	size_t i;

	json_object_del(applicant, "legal_hold");
	json_object_del(json_object_get(applicant, "source"), "detail");
	json_t *expires = json_object_get(json_object_get(applicant, "retention"), "expires_at");
	json_object_set_new(applicant, "retention",
	                    json_pack("{s:O}", "expires_at", expires ? expires : json_null()));
	json_array_foreach(r->applications, i, a)
	{
		json_t *evals = json_array(), *e;
		size_t j;
		json_array_foreach(json_object_get(a, "evaluations"), j, e) json_array_append_new(
		    evals, json_pack("{s:O, s:O, s:O}", "score", json_object_get(e, "score"),
		                     "summary", json_object_get(e, "summary"), "at",
		                     json_object_get(e, "created_at")));
		json_array_append_new(
		    apps,
		    json_pack("{s:O, s:O, s:O, s:O, s:o, s:o}", "id", json_object_get(a, "id"),
		              "opening", json_object_get(json_object_get(a, "opening"), "title"),
		              "stage", json_object_get(a, "stage"), "created_at",
		              json_object_get(a, "created_at"), "history",
		              each_only(json_object_get(a, "history"), history), "evaluations",
		              evals));
	}
	return json_pack("{s:o, s:o, s:o}", "applicant", applicant, "applications", apps,
	                 "documents", each_only(r->documents, docs));
}

char *
record_archive_applicant(const struct record *r)
{
	return json_dumps(r->applicant, JSON_INDENT(2));
}

char *
record_archive_applications(const struct record *r)
{
	static const char *const keys[] = {"id",      "stage",   "created_at",  "closed_at",
	                                   "opening", "history", "evaluations", NULL};
	json_t *apps = each_only(r->applications, keys);
	char *text = json_dumps(apps, JSON_COMPACT);

	json_decref(apps);
	return text;
}
