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

/* server/audit.c */
int audit_list(struct req *r);

#endif
