/* letters: the words of every e-mail. See letters.h. */
#include <stdlib.h>
#include <string.h>

#include "domain/letters.h"

void
letter_confirm_application(struct letter *l, const char *company, const char *position,
                           const char *link)
{
	l->subject = xasprintf("Confirm your application to %s: %s", company, position);
	l->body =
	    xasprintf("Hello,\n"
	              "\n"
	              "an application for the position \"%s\" at %s was sent with this\n"
	              "e-mail address. To confirm it, open this link within 24 hours (it works\n"
	              "once):\n"
	              "\n"
	              "%s\n"
	              "\n"
	              "The application is not on record until it is confirmed. If you did not\n"
	              "apply, ignore this message: the application and its resume are deleted\n"
	              "after 24 hours, and nothing of them is kept.\n"
	              "\n"
	              "-- \n"
	              "%s\n",
	              position, company, link, company);
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
letter_staff_sign_in(struct letter *l, const char *company, const char *link)
{
	l->subject = xasprintf("Your sign-in link to the %s staff console", company);
	l->body = xasprintf("Hello,\n"
	                    "\n"
	                    "to sign in to the staff console, open this link within 15 minutes\n"
	                    "and press the button (the link works once):\n"
	                    "\n"
	                    "%s\n"
	                    "\n"
	                    "If you did not ask to sign in, ignore this message: nobody can sign\n"
	                    "in without the link.\n"
	                    "\n"
	                    "-- \n"
	                    "%s\n",
	                    link, company);
}

void
letter_email_confirm(struct letter *l, const char *company, const char *link)
{
	l->subject = xasprintf("Confirm your new e-mail address for %s", company);
	l->body =
	    xasprintf("Hello,\n"
	              "\n"
	              "someone asked %s to use this e-mail address on their applicant\n"
	              "record. If it was you, open this link within 24 hours (it works once):\n"
	              "\n"
	              "%s\n"
	              "\n"
	              "Until then the record keeps its old address. If you did not ask for\n"
	              "this, ignore this message: nothing changes without the link.\n"
	              "\n"
	              "-- \n"
	              "%s\n",
	              company, link, company);
}

void
letter_email_changed(struct letter *l, const char *company)
{
	l->subject = xasprintf("Your e-mail address at %s has changed", company);
	l->body = xasprintf("Hello,\n"
	                    "\n"
	                    "the e-mail address on your applicant record at %s has been\n"
	                    "changed to another address, confirmed by a link sent to it. From now\n"
	                    "on we write to the new address only. If you did not ask for this,\n"
	                    "tell us at once.\n"
	                    "\n"
	                    "-- \n"
	                    "%s\n",
	                    company, company);
}

const char *
letter_privacy_type_label(const char *type)
{
	static const char *const labels[][2] = {
	    {"know_categories", "to know what categories of data we hold about you"},
	    {"know_specific", "for a copy of your data"},
	    {"delete", "to delete your data"},
	    {"correct", "to correct your data"},
	    {"opt_out", "to opt out of marketing and of sharing"},
	};
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i][0], type) == 0)
			return labels[i][1];
	return "about your data";
}

void
letter_privacy_receipt(struct letter *l, const char *company, const char *type_label,
                       const char *due, const char *link)
{
	l->subject = xasprintf("We received your privacy request (%s)", company);
	if (link != NULL)
		l->body = xasprintf(
		    "Hello,\n"
		    "\n"
		    "%s received a request %s, made with this e-mail address.\n"
		    "We answer it by %s.\n"
		    "\n"
		    "First we need to know the request is yours: open this link within 72\n"
		    "hours (it works once):\n"
		    "\n"
		    "%s\n"
		    "\n"
		    "If you did not make this request, ignore this message: nothing happens\n"
		    "without the link.\n"
		    "\n"
		    "-- \n"
		    "%s\n",
		    company, type_label, due, link, company);
	else
		l->body = xasprintf("Hello,\n"
		                    "\n"
		                    "%s received a request %s, made with this e-mail\n"
		                    "address. It needs nothing more from you; we answer it by %s.\n"
		                    "\n"
		                    "-- \n"
		                    "%s\n",
		                    company, type_label, due, company);
}

void
letter_privacy_extension(struct letter *l, const char *company, const char *type_label,
                         const char *reason, const char *due)
{
	l->subject = xasprintf("Your privacy request: more time needed (%s)", company);
	l->body = xasprintf("Hello,\n"
	                    "\n"
	                    "we need more time to answer your request %s, and will\n"
	                    "answer it by %s. The reason:\n"
	                    "\n"
	                    "%s\n"
	                    "\n"
	                    "-- \n"
	                    "%s\n",
	                    type_label, due, reason, company);
}

void
letter_privacy_outcome(struct letter *l, const char *company, const char *type_label,
                       const char *outcome_text, const char *detail)
{
	l->subject = xasprintf("Your privacy request is answered (%s)", company);
	l->body = xasprintf("Hello,\n"
	                    "\n"
	                    "your request %s is answered: %s\n"
	                    "%s%s%s"
	                    "\n"
	                    "-- \n"
	                    "%s\n",
	                    type_label, outcome_text, detail ? "\n" : "", detail ? detail : "",
	                    detail ? "\n" : "", company);
}

void
letter_fini(struct letter *l)
{
	free(l->subject);
	free(l->body);
	l->subject = l->body = NULL;
}
