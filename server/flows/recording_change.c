/*
 * recording_change: a record changed by a JSON merge patch, by staff
 * (recording_change) or by the applicant themselves
 * (recording_self_change). See recording.h. A patch is merged over the
 * editable members as they stand, validated whole (domain/profile.c), and
 * written over the version it was merged on: a record changed meanwhile is
 * 412 when a version was expected, and merged again when not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fold.h"
#include "core/jsonx.h"
#include "core/problem.h"
#include "core/token.h"
#include "core/validate.h"
#include "domain/profile.h"
#include "flows/flow.h"
#include "flows/limits.h"
#include "flows/recording.h"
#include "recording_rules.h"
#include "store/applicants.h"

#define CHANGE_ATTEMPTS 5

/* The editable members of a record (borrowed values), in the order clients see them. */
static json_t *
editable_of(const json_t *record)
{
	json_t *doc = json_object();

	for (int i = 0; profile_editable[i]; i++)
		json_object_set(doc, profile_editable[i],
		                json_object_get(record, profile_editable[i]));
	return doc;
}

/* "applicant:email,phone": which members a patch changed (names only, never values). */
static char *
changed_members(const json_t *before, const json_t *after)
{
	char out[256] = "applicant:";

	for (int i = 0; profile_editable[i]; i++)
		if (!json_equal(json_object_get(before, profile_editable[i]),
		                json_object_get(after, profile_editable[i]))) {
			if (out[10] != '\0')
				strcat(out, ",");
			strcat(out, profile_editable[i]);
		}
	if (json_object_get(after, "sharing_opt_out") != NULL)
		strcat(out, out[10] ? ",sharing_opt_out" : "sharing_opt_out");
	return xstrdup(out);
}

/* The address rules a changed record must pass: 0 go on, -1 with the problem set. */
static int
judge_address(const struct flow *f, const char *id, const json_t *before, const json_t *after)
{
	const char *email = json_string_value(json_object_get(after, "email"));
	char other[37];
	int rc;

	/* Another's address: found first, so no statement fails quoting it in the server's log. */
	if (email != NULL && (rc = applicants_find_email(f->db, email, other)) <= 0) {
		if (rc < 0)
			return flow_fail_db(f);
		if (strcmp(other, id) != 0)
			return recording_rules_duplicate(f, email);
	}
	if (!json_is_true(json_object_get(before, "marketing_opt_in")) &&
	    recording_rules_opted_out(f, after) != 0)
		return -1;
	/* staff cannot bring back an erased address by a patch any more than by a create */
	if (f->who->role != ROLE_APPLICANT &&
	    !json_equal(json_object_get(before, "email"), json_object_get(after, "email")) &&
	    recording_rules_erased(f, after) != 0)
		return -1;
	return 0;
}

/* Write the merged record over version `have`: 0 done, 1 lost a race (retry), -1 problem. */
static int
write_patch(const struct flow *f, const char *id, long have, long expect, const json_t *before,
            json_t *after, json_t **record, long *version)
{
	if (judge_address(f, id, before, after) != 0)
		return -1;
	char *target = changed_members(before, after);
	profile_normalize(after);
	int rc = applicants_update(f->db, id, have, after, f->who->name, f->request_id, target,
	                           record, version);
	free(target);
	if (rc < 0 && recording_rules_is_duplicate(f))
		return recording_rules_duplicate(
		    f, json_string_value(json_object_get(after, "email")));
	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return expect != 0 ? flow_fail(f, 412, NULL, "the record changed meanwhile") : 1;
	*record = recording_rules_view(f, *record);
	return 0;
}

/*
 * The patch merged over cur's editable members, and the sharing opt-out
 * (the person's own: not a profile member, written beside them) when it
 * changes: *after (new). Whether the result is valid (field errors set).
 */
static bool
merged(const struct flow *f, const json_t *cur, const json_t *patch, const json_t *before,
       json_t **after)
{
	json_t *sharing = json_object_get(patch, "sharing_opt_out");
	json_t *edits = json_copy(jsonx_mut(patch));

	json_object_del(edits, "sharing_opt_out");
	*after = jsonx_merge_patch(json_deep_copy(before), edits);
	json_decref(edits);
	bool valid = profile_validate(*after, false, f->problem);
	if (sharing != NULL && !json_is_boolean(sharing)) {
		problem_field(f->problem, "sharing_opt_out", "must be true or false");
		valid = false;
	}
	if (sharing != NULL &&
	    json_is_true(sharing) != json_is_true(json_object_get(cur, "sharing_opt_out")))
		json_object_set(*after, "sharing_opt_out", sharing);
	return valid;
}

/* One attempt: 0 done, 1 lost a race without an expected version (try again), -1 problem. */
static int
change_once(const struct flow *f, const char *id, const json_t *patch, long expect, json_t **record,
            long *version)
{
	json_t *cur = NULL, *before, *after;
	long have;
	int rc = applicants_current_for(f->db, id, flow_is_hr(f), &cur, &have);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail_absent(f, id);
	if (expect != 0 && expect != have) {
		json_decref(cur);
		return flow_fail(f, 412, NULL,
		                 "the record changed since version %ld; it is at version %ld",
		                 expect, have);
	}
	before = editable_of(cur);
	if (!merged(f, cur, patch, before, &after)) {
		rc = flow_fail_fields(f);
	} else if (json_equal(before, after)) { /* nothing to change: no new version, no entry */
		*record = recording_rules_view(f, json_incref(cur));
		*version = have;
		rc = 0;
	} else {
		rc = write_patch(f, id, have, expect, before, after, record, version);
	}
	json_decref(before);
	json_decref(after);
	json_decref(cur);
	return rc;
}

int
recording_change(const struct flow *f, const char *id, const json_t *patch, long expect,
                 json_t **record, long *version)
{
	int rc = 1;

	for (int attempt = 0; rc == 1 && attempt < CHANGE_ATTEMPTS; attempt++)
		rc = change_once(f, id, patch, expect, record, version);
	return rc == 1 ? flow_fail(f, 503, NULL, "the record is changing too fast; retry") : rc;
}

/*
 * Whether email is the record's address already, spelt otherwise: 0 with
 * *same, or -1 with the problem set.
 */
static int
same_address(const struct flow *f, const char *id, const char *email, bool *same)
{
	json_t *cur = NULL;
	long have;
	int rc = applicants_current_for(f->db, id, flow_is_hr(f), &cur, &have);

	if (rc != 0)
		return rc < 0 ? flow_fail_db(f) : flow_fail_absent(f, id);
	char *a = fold_email(email),
	     *b = fold_email(json_string_value(json_object_get(cur, "email")));
	*same = strcmp(a, b) == 0;
	free(a);
	free(b);
	json_decref(cur);
	return 0;
}

/* The rest of the patch now and the new address by its link, in one transaction. */
static int
change_with_address(const struct flow *f, const char *id, const json_t *patch, long expect,
                    const char *email, json_t **record, long *version)
{
	char other[37];
	int rc;

	if ((rc = applicants_find_email(f->db, email, other)) < 0)
		return flow_fail_db(f);
	if (rc == 0 && strcmp(other, id) != 0)
		return recording_rules_duplicate(f, email);
	json_t *rest = json_copy(jsonx_mut(patch));
	json_object_del(rest, "email");
	if (flow_begin(f) != 0) {
		json_decref(rest);
		return -1;
	}
	rc = change_once(f, id, rest, expect, record, version);
	json_decref(rest);
	if (rc == 0 && recording_email_start(f, id, email, NULL, false) != 0) {
		json_decref(*record);
		rc = -1;
	}
	if (rc != 0) {
		flow_rollback(f);
		return rc;
	}
	if (flow_commit(f) != 0) {
		json_decref(*record);
		return -1;
	}
	return 0;
}

/* One attempt of the applicant's own patch: as change_once. */
static int
self_change_once(const struct flow *f, const json_t *patch, long expect, json_t **record,
                 long *version, unsigned *retry_after)
{
	const char *id = f->who->applicant_id;
	const char *email = json_string_value(json_object_get(patch, "email"));
	bool same = false;

	if (email == NULL || !is_email(email))
		return change_once(f, id, patch, expect, record, version); /* refused there */
	if (same_address(f, id, email, &same) != 0)
		return -1;
	if (same) /* the same address, spelt otherwise: nothing to confirm */
		return change_once(f, id, patch, expect, record, version);
	if (limits_applicant(f, "email-change", id, retry_after) != 0)
		return -1;
	return change_with_address(f, id, patch, expect, email, record, version);
}

int
recording_self_change(const struct flow *f, const json_t *patch, long expect, json_t **record,
                      long *version, unsigned *retry_after)
{
	int rc = 1;

	*retry_after = 0;
	for (int attempt = 0; rc == 1 && attempt < CHANGE_ATTEMPTS; attempt++)
		rc = self_change_once(f, patch, expect, record, version, retry_after);
	return rc == 1 ? flow_fail(f, 503, NULL, "the record is changing too fast; retry") : rc;
}
