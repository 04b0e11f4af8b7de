/*
 * documents: resumes, cover letters and other files of an applicant.
 * Handlers are in handlers.h; these are shared with the applicant's own
 * endpoints and the public application.
 */
#ifndef RECRUITD_DOCUMENTS_H
#define RECRUITD_DOCUMENTS_H

#include <jansson.h>

#include "domain/upload.h"

struct req;
struct db;
struct form_file;

/*
 * Check an uploaded file: present and not empty (422 on the field), of an
 * accepted type (415). Returns the type, or DOC_UNKNOWN after setting the
 * problem. field names the form part in errors.
 */
enum doc_type documents_check(struct req *r, const struct form_file *file, const char *field);

/*
 * Store the request's multipart upload (parts "file" and optional "kind")
 * for applicant_id and reply 201 with its metadata and a Location the same
 * caller can follow: where (e.g. "/v1/documents/") followed by the new id.
 * Returns 0 or -1.
 */
int documents_upload(struct req *r, const char *applicant_id, const char *where);

/*
 * Send document doc_id's bytes (audited as document.read), when it belongs
 * to applicant_id (NULL: any applicant). 404 otherwise. Returns 0 or -1.
 */
int documents_send(struct req *r, const char *doc_id, const char *applicant_id);

#endif
