/*
 * hire: the transfer of a hired applicant's recruitment record into the
 * employee archive (hr), and the employee archive's reads. The handlers
 * check the body and call flows/hiring.c, which does the whole hire in one
 * transaction (see flows/hiring.h): a move, not a copy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/idempotency.h"
#include "api/rest.h"
#include "core/digest.h"
#include "core/problem.h"
#include "core/validate.h"
#include "domain/upload.h"
#include "edge/reply.h"
#include "edge/request.h"
#include "flows/flow.h"
#include "flows/hiring.h"

static int
check_body(struct req *r, json_t *body)
{
	static const char *const keys[] = {"start_date", "employee_number", NULL};
	const char *date = json_string_value(json_object_get(body, "start_date"));
	const char *number = json_string_value(json_object_get(body, "employee_number"));

	check_known_keys(body, keys, NULL, NULL, req_problem(r));
	if (date == NULL || !is_date(date))
		problem_field(req_problem(r), "start_date", "is required: a date, YYYY-MM-DD");
	if (number == NULL || strlen(number) == 0 || strlen(number) > 64 ||
	    strspn(number, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./") !=
	        strlen(number))
		problem_field(req_problem(r), "employee_number",
		              "is required: 1 to 64 of A-Z a-z 0-9 - _ . /");
	return req_fail_fields(r);
}

int
hire_create(struct req *r)
{
	const char *id = req_param(r, 0);
	json_t *body, *hire;
	struct idem key;
	struct flow f;
	bool replayed;
	int keyed;

	if (!is_uuid(id))
		return req_fail(r, 404, "no application with this id");
	if ((body = req_json(r)) == NULL || check_body(r, body) != 0 ||
	    (keyed = idem_of(r, "hire", &key)) < 0 || rest_flow(r, &f) != 0 ||
	    hiring_hire(&f, id, json_string_value(json_object_get(body, "start_date")),
	                json_string_value(json_object_get(body, "employee_number")),
	                IDEM_OR_NULL(keyed, &key), &hire, &replayed) != 0)
		return -1;
	if (replayed)
		idem_replayed(r);
	char *location =
	    xasprintf("/v1/employees/%s", json_string_value(json_object_get(hire, "employee_id")));
	reply_header(r, "Location", location);
	free(location);
	return reply_json(r, 201, hire);
}

/* ------------------------------------------------------------------ */
/* the employee archive                                                 */

int
employees_get(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id = req_param(r, 0);
	json_t *employee;
	struct flow f;

	if (req_query_only(r, none) != 0)
		return -1;
	if (!is_uuid(id))
		return req_fail(r, 404, "no employee with this id");
	if (rest_flow(r, &f) != 0 || hiring_employee(&f, id, &employee) != 0)
		return -1;
	return reply_json(r, 200, employee);
}

int
employees_archive(struct req *r)
{
	static const char *const none[] = {NULL};
	const char *id = req_param(r, 0);
	char etag[2 * SHA256_LEN + 3];
	struct hiring_archive a;
	struct flow f;

	if (req_query_only(r, none) != 0)
		return -1;
	if (!is_uuid(id))
		return req_fail(r, 404, "no employee with this id");
	if (rest_flow(r, &f) != 0 || hiring_download(&f, id, &a) != 0)
		return -1;
	char *name = xasprintf("employee-%s.tar.gz", a.employee_number);
	char *disposition = upload_disposition(name);
	reply_header(r, "Content-Disposition", disposition);
	snprintf(etag, sizeof(etag), "\"%s\"", a.sha256);
	reply_header(r, "ETag", etag);
	free(disposition);
	free(name);
	/* sent from the database's own buffer, released once the response is done with it */
	return reply_owned(r, 200, "application/gzip", a.bytes, a.len, a.release, a.owner);
}
