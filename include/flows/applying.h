/*
 * applying: the public way in (DESIGN "Applying"). A submission from the
 * careers page or POST /v1/apply is held, sealed, as a pending submission
 * with an e-mail carrying its confirmation link, in one transaction; the
 * answer is the same whether or not the address is on record. Confirming
 * it makes the application: of the record on file with that address
 * (nothing else of it changes) or of a new applicant, with the resume as a
 * document, and opens a session. Each function follows flows/flow.h: 0
 * with its outputs, or -1 with the problem set.
 */
#ifndef RECRUITD_FLOWS_APPLYING_H
#define RECRUITD_FLOWS_APPLYING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/token.h"
#include "core/xalloc.h"

struct flow;
struct idem;

/* A submission, every field already valid (the handler checked the form and the file). */
struct applying_form {
	const char *full_name, *email, *phone; /* phone may be NULL */
	bool marketing_opt_in;
	bool sharing_opt_out; /* Sec-GPC: 1 on the submission */
	const char *opening_id;
	const char *filename;     /* as uploaded: the flow keeps a safe form of it */
	const char *content_type; /* the resume's, as sniffed */
	const unsigned char *data;
	size_t len;
};

/*
 * Hold the submission for 24 hours and queue its confirmation e-mail, keyed
 * by k (NULL: none): 0 (*replayed when a retry of a keyed submission was
 * answered again, and nothing more was held or sent); 422 on opening_id when
 * the opening is not open.
 */
int applying_hold(const struct flow *f, const struct idem *k, const struct applying_form *in,
                  bool *replayed) WARN_UNUSED;

/* What a confirmation made: the applicant, the application and a session for them. */
struct applying_confirmed {
	char applicant_id[37], application_id[37];
	char token[TOKEN_MAX_LEN]; /* the session's bearer token: wipe it once answered */
	char expires_at[32], signed_in_at[32];
};

/*
 * Confirm the submission whose code is code (code_sha256 its hash): the
 * application made and a session opened (gpc: the browser's Sec-GPC, a
 * sharing opt-out). 404 for an unknown, used or expired code, 409 when the
 * opening closed meanwhile, 409 already-applied (application_id in the
 * problem) when the person applied to it before.
 */
int applying_confirm(const struct flow *f, const char *code, const char *code_sha256, bool gpc,
                     struct applying_confirmed *out) WARN_UNUSED;

#endif
