/* auditing: reading the audit log. See auditing.h. A list is not audited entry by entry. */
#include "flows/auditing.h"
#include "flows/flow.h"
#include "store/audit.h"

int
auditing_list(const struct flow *f, const char *applicant_id, const char *actor, const char *since,
              const struct page_want *want, struct page_of *out)
{
	struct audit_filter by = {applicant_id, actor, since};

	return audit_page(f->db, &by, want, out) == 0 ? 0 : flow_fail_db(f);
}
