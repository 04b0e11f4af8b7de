/* notifying: the morning digests. See notifying.h. */
#include <stddef.h>

#include "core/config.h"
#include "domain/letters.h"
#include "flows/notifying.h"
#include "store/digests.h"
#include "store/outbox.h"

/* Queue one letter to `to` (a member's work address); the letter is freed. */
static int
queue(const struct flow *f, const char *kind, const char *to, struct letter *l)
{
	struct outbox_mail m = {.kind = kind, .to = to, .subject = l->subject, .body = l->body};
	int rc = outbox_enqueue(f->db, &m, f->request_id);

	letter_fini(l);
	return rc;
}

static int
hr_digest(const struct flow *f, time_t now, long *sent)
{
	json_t *requests = NULL, *emails = NULL, *to;
	size_t i;
	int rc = -1;

	*sent = 0;
	if (digests_hr_requests(f->db, now, &requests) != 0)
		return -1;
	if (json_array_size(requests) == 0) {
		json_decref(requests);
		return 0; /* nothing due: no e-mail */
	}
	if (digests_hr_recipients(f->db, &emails) != 0)
		goto out;
	json_array_foreach(emails, i, to)
	{
		struct letter l;
		letter_hr_digest(&l, f->cfg->company_name, f->cfg->public_url, requests);
		if (queue(f, "hr_digest", json_string_value(to), &l) != 0)
			goto out;
		(*sent)++;
	}
	rc = 0;
out:
	json_decref(requests);
	json_decref(emails);
	return rc;
}

static int
recruiter_digests(const struct flow *f, time_t since, time_t now, long *sent)
{
	json_t *members, *m;
	size_t i;

	*sent = 0;
	if (digests_recruiter_news(f->db, since, now, &members) != 0)
		return -1;
	json_array_foreach(members, i, m)
	{
		struct letter l;
		letter_recruiter_digest(&l, f->cfg->company_name, f->cfg->public_url,
		                        json_object_get(m, "applications"));
		if (queue(f, "recruiter_digest", json_string_value(json_object_get(m, "to")), &l) !=
		    0) {
			json_decref(members);
			return -1;
		}
		(*sent)++;
	}
	json_decref(members);
	return 0;
}

int
notifying_digests(const struct flow *f, time_t now, time_t since, long *hr, long *recruiters)
{
	if (since < 0 || since > now)
		since = now - 24 * 3600;
	if (flow_begin(f) != 0)
		return -1;
	if (hr_digest(f, now, hr) != 0 || recruiter_digests(f, since, now, recruiters) != 0) {
		flow_fail_db(f);
		return flow_rollback(f);
	}
	return flow_commit(f);
}
