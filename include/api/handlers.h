/*
 * handlers: every endpoint's handler, one group per resource file. Each
 * follows http.h's contract: 0 after a reply, -1 after a problem.
 */
#ifndef RECRUITD_HANDLERS_H
#define RECRUITD_HANDLERS_H

struct req;

/* server/ops.c */
int ops_healthz(struct req *r);
int ops_readyz(struct req *r);
int ops_metrics(struct req *r);
int ops_openapi(struct req *r);

/* server/applicants.c */
int applicants_create(struct req *r);
int applicants_list(struct req *r);
int applicants_get(struct req *r);
int applicants_patch(struct req *r);
int applicants_delete(struct req *r);
int applicants_hold_set(struct req *r);
int applicants_hold_lift(struct req *r);

/* server/staff.c */
int staff_create(struct req *r);
int staff_list(struct req *r);
int staff_get(struct req *r);
int staff_patch(struct req *r);

/* server/templates.c */
int templates_get(struct req *r);
int templates_put(struct req *r);

/* server/openings.c */
int openings_create(struct req *r);
int openings_list(struct req *r);
int openings_get(struct req *r);
int openings_patch(struct req *r);

/* server/documents.c */
int documents_create(struct req *r);
int documents_list(struct req *r);
int documents_get(struct req *r);
int documents_delete(struct req *r);

/* server/apply.c */
int apply_submit(struct req *r);
int apply_submit_job(struct req *r);
int apply_confirm(struct req *r);

/* server/api/pages_jobs.c */
int pages_apply(struct req *r);
int pages_jobs(struct req *r);
int pages_job(struct req *r);
int pages_jobs_feed(struct req *r);

/* server/api/pages.c */
int pages_confirm(struct req *r);
int pages_me(struct req *r);
int pages_notice(struct req *r);
int pages_privacy(struct req *r);
int pages_asset(struct req *r);

/* server/api/privacy.c */
int privacy_create(struct req *r);
int privacy_verify(struct req *r);
int privacy_verify_preview(struct req *r);
int privacy_list(struct req *r);
int privacy_get_one(struct req *r);
int privacy_extension(struct req *r);
int privacy_completion(struct req *r);
int privacy_metrics_get(struct req *r);
int me_privacy_create(struct req *r);
int me_privacy_list(struct req *r);
int me_privacy_get(struct req *r);

/* server/api/email_confirm.c */
int me_email_confirm(struct req *r);

/* server/api/exports.c */
int exports_get_by_link(struct req *r);
int me_export_get(struct req *r);

/* server/api/session.c */
int me_sign_in(struct req *r);
int me_sessions(struct req *r);
int me_session_delete(struct req *r);

/* server/me.c */
int me_get(struct req *r);
int me_patch(struct req *r);
int me_upload(struct req *r);
int me_document(struct req *r);
int me_document_delete(struct req *r);
int me_apply(struct req *r);
int me_withdraw(struct req *r);

/* server/applications.c */
int applications_create(struct req *r);
int applications_list(struct req *r);
int applications_get(struct req *r);
int applications_transition(struct req *r);
int applications_history(struct req *r);

/* server/evaluations.c */
int evaluations_create(struct req *r);
int evaluations_list(struct req *r);
int evaluations_get(struct req *r);

/* server/bgcheck.c */
int bgcheck_list(struct req *r);
int bgcheck_get(struct req *r);
int bgcheck_put(struct req *r);
int bgcheck_delete(struct req *r);

/* server/analytics.c */
int analytics_funnel(struct req *r);

/* server/hire.c */
int hire_create(struct req *r);
int employees_get(struct req *r);
int employees_archive(struct req *r);

/* server/purges.c */
int retention_policies_get(struct req *r);
int retention_policies_put(struct req *r);
int retention_floors_get(struct req *r);
int retention_floors_put(struct req *r);
int purges_create(struct req *r);
int purges_list(struct req *r);
int purges_get(struct req *r);

/* server/audit.c */
int audit_list(struct req *r);

#endif
