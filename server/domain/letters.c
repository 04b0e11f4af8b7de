/* letters: the words of every e-mail. See letters.h. */
#include <stdlib.h>

#include "domain/letters.h"

void
letter_confirm_application(struct letter *l, const char *company, const char *link)
{
	l->subject = xasprintf("Confirm your application to %s", company);
	l->body =
	    xasprintf("Hello,\n"
	              "\n"
	              "an application to %s was sent with this e-mail address. To confirm it,\n"
	              "open this link within 24 hours (it works once):\n"
	              "\n"
	              "%s\n"
	              "\n"
	              "The application is not on record until it is confirmed. If you did not\n"
	              "apply, ignore this message: the application and its resume are deleted\n"
	              "after 24 hours, and nothing of them is kept.\n"
	              "\n"
	              "-- \n"
	              "%s\n",
	              company, link, company);
}

void
letter_sign_in(struct letter *l, const char *company, const char *link)
{
	l->subject = xasprintf("Your sign-in link for %s", company);
	l->body = xasprintf("Hello,\n"
	                    "\n"
	                    "to see and correct what %s holds about you, open this link\n"
	                    "within 15 minutes (it works once):\n"
	                    "\n"
	                    "%s\n"
	                    "\n"
	                    "If you did not ask to sign in, ignore this message: nobody can sign\n"
	                    "in without the link.\n"
	                    "\n"
	                    "-- \n"
	                    "%s\n",
	                    company, link, company);
}

void
letter_fini(struct letter *l)
{
	free(l->subject);
	free(l->body);
	l->subject = l->body = NULL;
}
