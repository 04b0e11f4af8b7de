/*
 * letters: the words of every e-mail recruitd sends, in plain text, signed
 * with the company's name, without tracking of any kind. A letter carries
 * no personal data beyond the link it exists for: whoever reads the mailbox
 * learns nothing of the record from it. Pure; thread-safe.
 */
#ifndef RECRUITD_DOMAIN_LETTERS_H
#define RECRUITD_DOMAIN_LETTERS_H

#include "core/xalloc.h"

/* A message's subject and body; free both with letter_fini. */
struct letter {
	char *subject;
	char *body;
};

/*
 * The application confirmation, naming the position applied to (the
 * opening's title): link is {PUBLIC_URL}/apply/confirm?code=CODE.
 */
void letter_confirm_application(struct letter *l, const char *company, const char *position,
                                const char *link);

/* The sign-in link: link is {PUBLIC_URL}/me?code=CODE. */
void letter_sign_in(struct letter *l, const char *company, const char *link);

/* A staff member's sign-in link: link is {PUBLIC_URL}/staff/sign-in?code=CODE. */
void letter_staff_sign_in(struct letter *l, const char *company, const char *link);

/*
 * To a new address someone asked to put on their record: link is
 * {PUBLIC_URL}/me?email_code=CODE; the record keeps its old address until
 * the link is followed.
 */
void letter_email_confirm(struct letter *l, const char *company, const char *link);

/* To the old address, once the record's address has changed. */
void letter_email_changed(struct letter *l, const char *company);

/*
 * A privacy request's receipt: what was asked (type_label), when it is due
 * (a date), and the verification link {PUBLIC_URL}/privacy?code=CODE when
 * the request needs one (NULL: none).
 */
void letter_privacy_receipt(struct letter *l, const char *company, const char *type_label,
                            const char *due, const char *link);

/* The response is extended: why, and the new date. */
void letter_privacy_extension(struct letter *l, const char *company, const char *type_label,
                              const char *reason, const char *due);

/* The outcome: outcome_text says what was done (or why not); NULL detail: none. */
void letter_privacy_outcome(struct letter *l, const char *company, const char *type_label,
                            const char *outcome_text, const char *detail);

/* What a request type is called in a letter ("a copy of your data", ...). */
const char *letter_privacy_type_label(const char *type);

void letter_fini(struct letter *l);

#endif
