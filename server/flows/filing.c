/*
 * filing: an applicant's documents. See filing.h. The store seals the bytes
 * under the applicant's data key and writes each audit entry in the same
 * statement as what it records.
 */
#include <stdlib.h>

#include "core/config.h"
#include "core/digest.h"
#include "core/token.h"
#include "flows/filing.h"
#include "flows/flow.h"
#include "store/documents.h"

int
filing_upload(const struct flow *f, const struct filing_new *d, json_t **meta)
{
	unsigned char hash[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	char *name = upload_safe_name(d->filename);

	sha256(d->data, d->len, hash);
	hex_encode(hash, SHA256_LEN, hex);
	struct document_new n = {.applicant_id = d->applicant_id,
	                         .kind = d->kind ? d->kind : "resume",
	                         .filename = name,
	                         .content_type = upload_content_type(d->type),
	                         .sha256 = hex,
	                         .data = d->data,
	                         .len = d->len,
	                         .max_count = (long)f->cfg->document_quota_count,
	                         .max_bytes = f->cfg->document_quota_bytes,
	                         .sees_restricted = flow_sees_restricted(f)};
	int rc = documents_insert(f->db, &n, f->who->name, f->request_id, meta);
	free(name);
	if (rc < 0)
		return flow_fail_db(f);
	if (rc == 2)
		return flow_fail(f, 409, "document-quota",
		                 "an applicant holds at most %ld documents and %llu MiB in all",
		                 n.max_count, n.max_bytes >> 20);
	return rc > 0 ? flow_fail_absent(f, d->applicant_id) : 0;
}

int
filing_list(const struct flow *f, const char *applicant_id, bool self_view, json_t **items)
{
	int rc = documents_of(f->db, applicant_id, flow_sees_restricted(f), self_view, items);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail_absent(f, applicant_id) : 0;
}

int
filing_download(const struct flow *f, const char *doc_id, const char *applicant_id,
                struct filing_bytes *out)
{
	struct document_bytes d;
	int rc = documents_fetch(f->db, doc_id, applicant_id, flow_sees_restricted(f), f->who->name,
	                         f->request_id, &d);

	if (rc < 0)
		return flow_fail_db(f);
	if (rc > 0)
		return flow_fail(f, 404, NULL, "no document with this id");
	*out = (struct filing_bytes){.owner = d.owner,
	                             .filename = d.filename,
	                             .content_type = d.content_type,
	                             .sha256 = d.sha256,
	                             .data = d.data,
	                             .len = d.len};
	return 0;
}

void
filing_bytes_release(void *owner)
{
	documents_bytes_release(owner);
}

int
filing_delete(const struct flow *f, const char *doc_id)
{
	int rc =
	    documents_remove(f->db, doc_id, flow_sees_restricted(f), f->who->name, f->request_id);

	if (rc < 0)
		return flow_fail_db(f);
	return rc > 0 ? flow_fail(f, 404, NULL, "no document with this id") : 0;
}

int
filing_delete_own(const struct flow *f, const char *doc_id, const char *applicant_id)
{
	int rc;

	if (flow_begin(f) != 0)
		return -1;
	rc = documents_may_remove_own(f->db, doc_id, applicant_id);
	if (rc == 0)
		rc = documents_remove(f->db, doc_id, true, f->who->name, f->request_id);
	if (rc < 0)
		flow_fail_db(f);
	else if (rc == 1)
		flow_fail(f, 404, NULL, "no document with this id");
	else if (rc == 2)
		flow_fail(f, 409, "last-resume",
		          "this is your only resume, and an application of yours is open: upload a "
		          "newer one first, or withdraw the application");
	else if (rc == 3)
		flow_fail(
		    f, 409, "restricted",
		    "your record is kept, restricted, for as long as the law requires: nothing "
		    "in it can be changed or removed until then");
	if (rc != 0)
		return flow_rollback(f);
	return flow_commit(f);
}
