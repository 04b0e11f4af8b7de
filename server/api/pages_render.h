/*
 * pages_render: what every page of the applicant's side shares (private to
 * server/api/pages*.c). A page is a template from server/static filled in:
 * every {{name}} is replaced by what the page's fill writes for it, except
 * the names every page knows, filled here from the configuration:
 * {{footer}} (the links to the privacy notice, /privacy, /me and the open
 * positions), {{notice_url}} and {{company}}. Everything written is
 * escaped for HTML unless a fill writes markup of its own. Every page goes
 * out with the strict Content-Security-Policy (no inline script) and
 * Referrer-Policy: no-referrer.
 */
#ifndef RECRUITD_API_PAGES_RENDER_H
#define RECRUITD_API_PAGES_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct buf;
struct config;
struct req;

/* A page's cap: far above any page (200 openings), far below an attack's worth of memory. */
#define PAGE_MAX (4u << 20)

/* What a page writes for {{name}} (name is not NUL-terminated: len bytes). */
typedef void (*pages_fill_fn)(struct buf *out, const char *name, size_t len, const void *ctx);

/*
 * Fill template tpl into out: the shared names from cfg, the others by fill
 * (NULL: none; an unknown name writes nothing). A fill may render another
 * template into out (a fragment).
 */
void pages_render(struct buf *out, const char *tpl, const struct config *cfg, pages_fill_fn fill,
                  const void *ctx);

/* Whether the placeholder name (len bytes) is want. */
bool pages_is(const char *name, size_t len, const char *want);

/* Bytes, a literal, and text escaped for HTML, appended (a page is far below its cap). */
void pages_put(struct buf *b, const char *s, size_t n);
/* s must be a string literal: "" s "" refuses anything else at compile time */
#define pages_put_lit(b, s) pages_put((b), "" s "", sizeof(s) - 1)
void pages_put_escaped(struct buf *b, const char *s);

/* Text as paragraphs: a blank line starts a new one, a line break stays one; escaped. */
void pages_put_paragraphs(struct buf *b, const char *text);

/* The months' names, January first. */
extern const char *const pages_months[];

/* An RFC 3339 time as an instant: 0, or -1 when it is not one. */
int pages_instant(const char *rfc3339, time_t *t);

/* The day of an RFC 3339 time in the company's zone, in words: "6 December 2026". */
void pages_put_day(struct buf *b, const struct config *cfg, const char *rfc3339);

/* The page's headers: the strict policy, no referrer, nosniff. */
void pages_headers(struct req *r);

/* Send b (taken) as the answer with status and type (NULL: text/html). */
int pages_send(struct req *r, unsigned status, struct buf *b, const char *type);

/* A page that says one thing and links one way on (message.html). */
struct pages_message {
	const char *title, *text, *back, *back_label;
};

/* Answer with the message page. */
int pages_message(struct req *r, unsigned status, const struct pages_message *m);

/* Render template `name` (an asset) with the shared names only and answer 200. */
int pages_static(struct req *r, const char *name);

#endif
