/*
 * rest: what the handlers of every resource share beyond the edge: a GET by
 * id, a merge patch's body, database failures as problems, list pages
 * from rows, a request's flow, and the check of a bearer token that main
 * hands the edge (through flows/identity.c).
 */
#ifndef RECRUITD_API_REST_H
#define RECRUITD_API_REST_H

#include <jansson.h>
#include <stdbool.h>

#include "core/digest.h"

struct actor;
struct db;
struct req;

/*
 * A JSON merge patch's body: its members checked (only `patchable`; the
 * `readonly` ones get their own message: 422), its "version" and If-Match
 * reconciled into *expect (0: none). 0 with *patch (borrowed from the
 * request), or -1 with the problem set.
 */
int rest_patch_body(struct req *r, const char *const *patchable, const char *const *readonly,
                    const json_t **patch, long *expect) WARN_UNUSED;

/*
 * {items, next_cursor} of a page the store read (its items stolen; the
 * cursor from its last key when more follow). New reference.
 */
struct page_of;
json_t *rest_page_reply(struct page_of *p);

/*
 * The flow a handler runs for its request (flows/flow.h): the request's
 * leased connection, the configuration, the actor, the request id and the
 * request's problem. 0, or -1 after a 503 when no connection is to be had.
 */
struct flow;
int rest_flow(struct req *r, struct flow *f) WARN_UNUSED;

/* The opening_id and stage query filters, validated: 0 (each NULL when absent), or -1 after a 400.
 */
int rest_stage_filters(struct req *r, const char **opening, const char **stage);

/*
 * A page of a short list held whole (items stolen, sorted ascending by the
 * string members k1 then k2, e.g. created_at and id): ?limit= and ?cursor=
 * as every list takes them, and no other query parameter. 0 with *page
 * {items, next_cursor}, or -1 after a 400.
 */
int rest_page_ascending(struct req *r, json_t *items, const char *k1, const char *k2,
                        json_t **page);

/* The token check main hands the edge (edge/http.h's http_auth_fn). */
int rest_authenticate(struct req *r, struct db *db, const char *token, bool applicant,
                      struct actor *who);

/*
 * The body {"code": CODE} of an e-mailed link's exchange: 0 with the code's
 * hash (and the code itself into *code when code is not NULL, valid for the
 * request); 1 when the code cannot be one (answer as for an unknown code);
 * -1 with the problem set (not JSON, unknown fields, no code).
 */
int rest_code_body(struct req *r, char hash_hex[2 * SHA256_LEN + 1], const char **code) WARN_UNUSED;

/*
 * The applicant signed in within the last `seconds` (a copy of their data, a
 * deletion): 0, or -1 with 403 reauthentication-required.
 */
int rest_fresh_sign_in(struct req *r, long seconds) WARN_UNUSED;

/*
 * The flow of request r on connection db, a lease the caller already holds
 * (the token check's, or one handed down by a caller that has one): as
 * rest_flow, without leasing.
 */
void rest_flow_on(struct req *r, struct db *db, struct flow *f);

#endif
