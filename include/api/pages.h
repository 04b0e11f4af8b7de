/*
 * pages: what a browser is shown. The careers site (GET /jobs, /apply,
 * /jobs/{id}, /jobs.xml: api/pages_jobs.c) is rendered with the open
 * openings so that its forms work without JavaScript; the confirmation
 * page, the applicant's page, the request page and their scripts are files
 * with the footer every page has (api/pages.c); the privacy notice is
 * RECRUITD_PRIVACY_NOTICE_FILE or the shipped example.
 * Every page carries a strict Content-Security-Policy (no inline script)
 * and Referrer-Policy: no-referrer.
 */
#ifndef RECRUITD_API_PAGES_H
#define RECRUITD_API_PAGES_H

struct req;

/*
 * Answer a browser's form post (Accept: text/html) with a page: the answer
 * the handler gave (rc, its reply or problem) becomes the "check your inbox"
 * page, the careers page with each field's error beside it, or a page
 * saying what went wrong. Returns the handler's result for the edge.
 */
int pages_answer(struct req *r, int rc, unsigned ok_status);

/*
 * The same for the form on a job's own page (POST /jobs/{id}): its errors
 * beside their fields on that page again (the 410 page once the position
 * has closed).
 */
int pages_job_answer(struct req *r, int rc, unsigned ok_status);

#endif
