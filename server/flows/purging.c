/*
 * purging: retention runs in bounded batches. See purging.h for the
 * guarantees. The flow judges (domain/retention.c); store/purge_subjects.c
 * reads the subjects, store/erasure.c deletes them and store/purge_runs.c
 * keeps the run's row. store/db.h only for the array literal erasure_purge
 * takes and for telling an unreachable database from other failures.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/digest.h"
#include "core/log.h"
#include "core/token.h"
#include "domain/retention.h"
#include "flows/erasing.h"
#include "flows/flow.h"
#include "flows/purging.h"
#include "store/applicants.h"
#include "store/auth.h"
#include "store/db.h"
#include "store/email_changes.h"
#include "store/erasure.h"
#include "store/exports.h"
#include "store/leases.h"
#include "store/pending.h"
#include "store/privacy.h"
#include "store/purge_runs.h"
#include "store/purge_subjects.h"
#include "store/rate.h"
#include "store/staff_sessions.h"
#include "store/staff_sso.h"

#define LABEL_LEN 160

struct run {
	const struct flow *f;
	char id[37];
	bool dry;
	struct policies policies;
	double now;
	struct purge_counts c;
	json_t *by_rule, *ids, *swept;
};

/* Judge one subject; true when it should be purged now (expired, not held). Fills the rule's label.
 */
static bool
judge(struct run *run, const struct purge_subject *s, bool count, char label[LABEL_LEN])
{
	struct verdict v;

	if ((s->restricted
	         ? retention_judge_restricted(&run->policies, s->created_at, s->held, s->apps, &v)
	         : retention_judge_json(&run->policies, s->created_at, s->country, s->region,
	                                s->held, s->apps, &v)) != 0 ||
	    !retention_is_past(&v, run->now))
		return false;
	retention_rule_label(v.rule, label, LABEL_LEN);
	if (count) {
		run->c.expired++;
		json_object_set_new(
		    run->by_rule, label,
		    json_integer(json_integer_value(json_object_get(run->by_rule, label)) + 1));
		if (v.held)
			run->c.held++;
	}
	return !v.held;
}

/* Delete the locked subjects still due, with the rule each is purged by. 0, or -1 (db failed). */
static int
delete_due(struct run *run, const struct purge_subjects *locked)
{
	const char **due = xcalloc(locked->n + 1, sizeof(*due));
	char(*labels)[LABEL_LEN] = xcalloc(locked->n + 1, sizeof(*labels));
	const char **rules = xcalloc(locked->n + 1, sizeof(*rules));
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; i < locked->n; i++)
		if (judge(run, &locked->s[i], false, labels[n])) { /* judged again under the lock */
			due[n] = locked->s[i].id;
			rules[n] = labels[n];
			n++;
		}
	if (n > 0) {
		char *a = db_array(due, n), *b = db_array(rules, n);
		long purged = 0;
		/* through the one erasure path (flows/erasing.c): an expired record, and a
		 * restricted one whose floor has ended */
		rc = erasing_purge(run->f, a, b, run->id, &purged);
		run->c.purged += purged;
		free(a);
		free(b);
		for (size_t i = 0; rc == 0 && i < n; i++)
			json_array_append_new(run->ids, json_string(due[i]));
	}
	free(due);
	free(labels);
	free(rules);
	return rc;
}

/* Lock the candidates and delete those still due, in one short transaction. 0, or -1. */
static int
erase(struct run *run, const json_t *candidates)
{
	const struct flow *f = run->f;
	size_t n = json_array_size(candidates);
	const char **ids = xcalloc(n + 1, sizeof(*ids));
	struct purge_subjects locked = {0};
	int rc;

	for (size_t i = 0; i < n; i++)
		ids[i] = json_string_value(json_array_get(candidates, i));
	if ((rc = flow_begin(f)) == 0 &&
	    (purge_subjects_lock(f->db, ids, n, &locked) != 0 || delete_due(run, &locked) != 0))
		rc = flow_fail_db(f);
	if (rc == 0)
		rc = flow_commit(f);
	if (rc != 0)
		flow_rollback(f);
	purge_subjects_fini(&locked);
	free(ids);
	return rc;
}

/* One batch of the walk judged (and, in a real run, erased): 0, or -1. */
static int
judge_batch(struct run *run, const struct purge_subjects *batch)
{
	char label[LABEL_LEN];
	json_t *candidates = json_array();
	int rc = 0;

	for (size_t i = 0; i < batch->n; i++)
		if (judge(run, &batch->s[i], true, label))
			json_array_append_new(candidates, json_string(batch->s[i].id));
	if (run->dry)
		json_array_extend(run->ids, candidates);
	else if (json_array_size(candidates) > 0)
		rc = erase(run, candidates);
	json_decref(candidates);
	return rc;
}

/* Walk every applicant that may be due once, a batch at a time. 0, or -1 with the problem set. */
static int
walk(struct run *run)
{
	struct db *db = run->f->db;
	int rc = 0;

	/* every applicant is examined: those with an open application by the walk's statement */
	if (applicants_count(db, &run->c.examined) != 0 || applicants_walk_begin(db) != 0)
		return flow_fail_db(run->f);
	while (rc == 0) {
		struct purge_subjects batch;
		size_t walked;
		if (purge_subjects_next(db, PURGING_BATCH, &walked, &batch) != 0) {
			rc = flow_fail_db(run->f);
			break;
		}
		if (walked > 0)
			rc = judge_batch(run, &batch);
		purge_subjects_fini(&batch);
		if (walked < PURGING_BATCH)
			break;
	}
	applicants_walk_end(db);
	return rc;
}

/*
 * The development sink's e-mails (RECRUITD_MAIL_DIR, var/mail, .eml files: links,
 * codes, addresses, HR's words) older than RECRUITD_MAIL_DIR_DAYS: how many
 * there are, deleted unless dry. Not for production (SMTP is), but never
 * kept for ever either.
 */
static long
sweep_mail_dir(const struct config *cfg, bool dry)
{
	DIR *d = cfg->mail_dir ? opendir(cfg->mail_dir) : NULL;
	time_t before = time(NULL) - (time_t)cfg->mail_dir_days * 86400;
	struct dirent *e;
	long n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		struct stat st;
		if (len < 5 || strcmp(e->d_name + len - 4, ".eml") != 0 ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || st.st_mtime >= before)
			continue;
		if (dry || unlinkat(dirfd(d), e->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/*
 * What else expires goes in the same run: idempotency keys older than 24
 * hours, submissions never confirmed (with their resume), sign-in codes and
 * applicant tokens past their time, rate-limit windows a day old, privacy
 * requests ended over 24 months ago, privacy requests whose verification
 * link expired unused (denied as unverifiable, their address deleted),
 * changes of address whose link expired, staff sign-in codes past their
 * time and staff sessions past their idle or absolute limit, and single
 * sign-on states begun and never finished. 0, or -1 with the problem set.
 */
static int
sweep(struct run *run)
{
	struct db *db = run->f->db;
	bool dry = run->dry;
	long keys, pending, sessions, rates, requests, exports, unverified, changes, staff, sso;

	if (purge_runs_sweep_keys(db, dry, &keys) != 0 || pending_sweep(db, dry, &pending) != 0 ||
	    auth_sweep(db, dry, &sessions) != 0 || rate_sweep(db, dry, &rates) != 0 ||
	    privacy_sweep(db, dry, &requests) != 0 || exports_sweep(db, dry, &exports) != 0 ||
	    privacy_deny_unverified(db, dry, NULL, &unverified) != 0 ||
	    email_changes_sweep(db, dry, &changes) != 0 ||
	    staff_sessions_sweep(db, dry, &staff) != 0 || staff_sso_sweep(db, dry, &sso) != 0)
		return flow_fail_db(run->f);
	json_object_set_new(run->swept, "idempotency_keys", json_integer(keys));
	json_object_set_new(run->swept, "pending_submissions", json_integer(pending));
	json_object_set_new(run->swept, "sign_in_codes_and_tokens", json_integer(sessions));
	json_object_set_new(run->swept, "rate_windows", json_integer(rates));
	json_object_set_new(run->swept, "privacy_requests", json_integer(requests));
	json_object_set_new(run->swept, "exports", json_integer(exports));
	json_object_set_new(run->swept, "privacy_requests_unverified", json_integer(unverified));
	json_object_set_new(run->swept, "email_changes", json_integer(changes));
	json_object_set_new(run->swept, "staff_sign_in_codes_and_sessions", json_integer(staff));
	json_object_set_new(run->swept, "sso_states", json_integer(sso));
	json_object_set_new(run->swept, "mail_files",
	                    json_integer(sweep_mail_dir(run->f->cfg, dry)));
	return 0;
}

/* The claimed run's work, from its rules to its report: 0, or -1 with the problem set. */
static int
work(struct run *run, json_t **report)
{
	const struct flow *f = run->f;
	json_t *rules;
	int rc;

	/* runs whose process died hold no lock: they failed, and say so */
	if (purge_runs_bury_dead(f->db, run->id) != 0 ||
	    purge_runs_rules(f->db, &rules, &run->now) != 0)
		return flow_fail_db(f);
	if (retention_policies_parse(rules, &run->policies) != 0)
		rc = flow_fail(f, 500, NULL, "the retention rules could not be read (run %s)",
		               run->id);
	else if ((rc = walk(run)) == 0 && (rc = sweep(run)) == 0 &&
	         (rc = purge_runs_finish(f->db, run->id, "finished", &run->c, run->by_rule,
	                                 run->ids, run->swept)) != 0)
		rc = flow_fail_db(f);
	json_decref(rules);
	if (rc != 0) {
		/* a run that cannot reach the database cannot say it failed; the next run will */
		if (db_failure(f->db) != DB_UNAVAILABLE)
			(void)!purge_runs_finish(f->db, run->id, "failed", &run->c, run->by_rule,
			                         run->ids, run->swept);
		return -1;
	}
	if (!run->dry && run->c.purged > 0)
		purge_runs_reclaim(f->db);
	return purging_report(f, run->id, report);
}

int
purging_run(const struct flow *f, bool dry_run, json_t **report)
{
	struct run run = {.f = f, .dry = dry_run};
	long shredded;
	int rc;

	if (uuid_v4(run.id) != 0)
		return flow_fail(f, 503, NULL, "no randomness available; retry");
	if (purge_runs_start(f->db, run.id, dry_run, f->who->name) != 0 ||
	    purge_runs_claim(f->db, run.id) != 0)
		return flow_fail_db(f);
	/* keys of erasures a crash left queued go first (store/erasure.h) */
	if (!dry_run && erasure_shred(f->db, &shredded) != 0)
		log_msg(LOG_WARN, "data keys", "queued keys could not be destroyed yet");
	run.by_rule = json_object();
	run.ids = json_array();
	run.swept = json_object();
	rc = work(&run, report);
	(void)!purge_runs_release(f->db, run.id);
	json_decref(run.by_rule);
	json_decref(run.ids);
	json_decref(run.swept);
	retention_policies_free(&run.policies);
	return rc;
}

int
purging_sweep(const struct flow *f, json_t **counts)
{
	struct run run = {.f = f, .dry = false, .swept = json_object()};

	if (sweep(&run) != 0) {
		json_decref(run.swept);
		return -1;
	}
	*counts = run.swept;
	return 0;
}

int
purging_schedule(const struct flow *f, json_t **jobs)
{
	if (leases_list(f->db, jobs) != 0)
		return flow_fail_db(f);
	return 0;
}

int
purging_holds(const struct flow *f, json_t **holds)
{
	return applicants_holds_list(f->db, holds) == 0 ? 0 : flow_fail_db(f);
}

int
purging_report(const struct flow *f, const char *id, json_t **report)
{
	int rc = purge_runs_report(f->db, id, report);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, "no purge run with this id") : 0;
}

int
purging_list(const struct flow *f, const struct page_want *want, struct page_of *out)
{
	return purge_runs_page(f->db, want, out) == 0 ? 0 : flow_fail_db(f);
}
