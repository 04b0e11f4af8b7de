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

/* The application confirmation: link is {PUBLIC_URL}/apply/confirm?code=CODE. */
void letter_confirm_application(struct letter *l, const char *company, const char *link);

/* The sign-in link: link is {PUBLIC_URL}/me?code=CODE. */
void letter_sign_in(struct letter *l, const char *company, const char *link);

void letter_fini(struct letter *l);

#endif
