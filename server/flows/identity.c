/*
 * identity: bearer tokens checked. See identity.h. A token is checked
 * before the request has an actor, so nothing here is audited.
 */
#include "flows/identity.h"
#include "core/token.h"
#include "flows/flow.h"
#include "store/auth.h"

int
identity_check(const struct flow *f, const char *token, bool applicant, struct actor *who)
{
	int rc = applicant ? auth_applicant(f->db, token, who) : auth_staff(f->db, token, who);

	return rc < 0 ? flow_fail_db(f) : rc;
}
