/* auditing: reading the audit log. See auditing.h. A list is not audited entry by entry. */
#include "flows/auditing.h"
#include "core/page.h"
#include "core/token.h"
#include "flows/flow.h"
#include "store/audit.h"

int
auditing_list(const struct flow *f, const char *applicant_id, const char *actor, const char *since,
              const struct page_want *want, struct page_of *out)
{
	struct audit_filter by = {applicant_id, actor, since};

	return audit_page(f->db, &by, want, out) == 0 ? 0 : flow_fail_db(f);
}

int
auditing_read(const struct flow *f, const char *applicant_id, const char *actor, const char *since,
              bool export, const struct page_want *want, struct page_of *out)
{
	struct audit_entry e = {.actor = f->who->name,
	                        .action = export ? "audit.export" : "audit.read",
	                        .target = "audit",
	                        .request_id = f->request_id};

	if (auditing_list(f, applicant_id, actor, since, want, out) != 0)
		return -1;
	if (audit_commit_read(f->db, &e) != 0) {
		page_fini(out);
		return flow_fail_db(f);
	}
	return 0;
}
