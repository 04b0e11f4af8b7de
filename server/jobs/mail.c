/*
 * mail: delivering the outbox. See mail.h. Messages are plain text in
 * UTF-8, with no tracking of any kind. Nothing about a message but its id
 * and kind is ever logged.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/digest.h"
#include "core/log.h"
#include "jobs/mail.h"
#include "store/db.h"
#include "store/outbox.h"
#include "store/pool.h"

#define BATCH 20
#define MESSAGE_CAP (1u << 20)

struct message {
	const char *id, *kind, *to, *subject, *body;
};

/* Header values come from our own code; still, no line breaks may get into a header. */
static bool
header_safe(const char *s)
{
	return s != NULL && *s != '\0' && strpbrk(s, "\r\n") == NULL;
}

static bool
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* The RFC 5322 text of a message, CRLF line ends; NULL when it cannot be made. */
static char *
compose(const struct config *cfg, const struct message *m)
{
	struct buf b;
	char date[64], *subject;
	time_t now = time(NULL);
	struct tm tm;

	if (!header_safe(m->to) || !header_safe(m->subject) || m->body == NULL)
		return NULL;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if (is_ascii(m->subject)) {
		subject = xstrdup(m->subject);
	} else { /* RFC 2047, in one encoded word per 45 bytes */
		size_t n = strlen(m->subject);
		struct buf s;
		buf_init(&s, 4096);
		for (size_t off = 0, k; off < n; off += k) {
			char enc[64];
			k = n - off < 45 ? n - off : 45;
			while (k > 1 && off + k < n &&
			       ((unsigned char)m->subject[off + k] & 0xC0) == 0x80)
				k--; /* never split a character */
			EVP_EncodeBlock((unsigned char *)enc,
			                (const unsigned char *)m->subject + off, (int)k);
			(void)!buf_printf(&s, "%s=?UTF-8?B?%s?=", off ? "\r\n " : "", enc);
		}
		subject = buf_steal(&s);
	}
	buf_init(&b, MESSAGE_CAP);
	int rc =
	    buf_printf(&b,
	               "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
	               "Message-ID: <%s@recruitd>\r\nMIME-Version: 1.0\r\n"
	               "Content-Type: text/plain; charset=utf-8\r\n"
	               "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n",
	               cfg->mail_from, m->to, subject, date, m->id);
	free(subject);
	for (const char *p = m->body; rc == 0 && *p; p++) /* bare LF to CRLF */
		rc = *p == '\n' && (p == m->body || p[-1] != '\r') ? buf_append(&b, "\r\n", 2)
		                                                   : buf_append(&b, p, 1);
	if (rc != 0) {
		buf_fini(&b);
		return NULL;
	}
	return buf_steal(&b);
}

struct upload {
	const char *data;
	size_t left;
};

static size_t
feed(char *out, size_t size, size_t n, void *cls)
{
	struct upload *u = cls;
	size_t k = size * n < u->left ? size * n : u->left;

	memcpy(out, u->data, k);
	u->data += k;
	u->left -= k;
	return k;
}

/* Whether the SMTP server is on this machine (STARTTLS is then tried, not required). */
static bool
is_loopback(const char *url)
{
	const char *host = strstr(url, "://") + 3;
	return strncmp(host, "127.", 4) == 0 || strncmp(host, "localhost", 9) == 0 ||
	       strncmp(host, "[::1]", 5) == 0;
}

/* Send through SMTP: 0, or -1 with outcome saying why (no personal data). */
static int
send_smtp(const struct config *cfg, const struct message *m, const char *text, char *outcome,
          size_t len)
{
	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	char from[512], to[512];
	struct upload u = {text, strlen(text)};
	CURLcode rc;

	if (c == NULL) {
		snprintf(outcome, len, "smtp: no handle");
		return -1;
	}
	snprintf(from, sizeof(from), "<%s>", cfg->mail_from);
	snprintf(to, sizeof(to), "<%s>", m->to);
	rcpt = curl_slist_append(rcpt, to);
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, feed);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	if (strncmp(cfg->smtp_url, "smtp://", 7) == 0)
		curl_easy_setopt(c, CURLOPT_USE_SSL,
		                 is_loopback(cfg->smtp_url) ? (long)CURLUSESSL_TRY
		                                            : (long)CURLUSESSL_ALL);
	if (cfg->smtp_user != NULL)
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
	if (cfg->smtp_password != NULL)
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->smtp_password);
	rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	snprintf(outcome, len, "smtp %ld (curl %d)", code, (int)rc);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

/* Write an .eml file (mode 0600), atomically. 0 or -1. */
static int
send_file(const struct config *cfg, const struct message *m, const char *text, char *outcome,
          size_t len)
{
	char stamp[32], *path, *tmp;
	time_t now = time(NULL);
	struct tm tm;
	int fd, ok;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (mkdir(cfg->mail_dir, 0700) != 0 && errno != EEXIST) {
		snprintf(outcome, len, "file: cannot make the folder (errno %d)", errno);
		return -1;
	}
	path = xasprintf("%s/%s-%s.eml", cfg->mail_dir, stamp, m->id);
	tmp = xasprintf("%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t n = strlen(text);
	ok = fd >= 0 && write(fd, text, n) == (ssize_t)n;
	ok = fd >= 0 && close(fd) == 0 && ok && rename(tmp, path) == 0;
	if (!ok)
		unlink(tmp);
	snprintf(outcome, len, ok ? "file" : "file: cannot write (errno %d)", errno);
	free(path);
	free(tmp);
	return ok ? 0 : -1;
}

/* Deliver one claimed row; its outcome recorded. 0, or -1 when the database failed. */
static int
deliver_one(struct db *db, const struct config *cfg, const struct outbox_message *c,
            struct mail_counts *n)
{
	struct message m = {c->id, c->kind, c->to, c->subject, c->body};
	char outcome[96];

	if (c->given_up) {
		n->given_up++;
		log_msg(LOG_WARN, "mail given up", "id=%s kind=%s", m.id, m.kind);
		return outbox_retry(db, m.id, 1, "given up after 24 hours");
	}
	if (c->unreadable) { /* its key is gone: it can never be sent */
		n->given_up++;
		return outbox_retry(db, m.id, 1, "its key is gone");
	}
	char *text = compose(cfg, &m);
	int rc = text == NULL    ? -1
	         : cfg->smtp_url ? send_smtp(cfg, &m, text, outcome, sizeof(outcome))
	                         : send_file(cfg, &m, text, outcome, sizeof(outcome));
	if (text != NULL)
		explicit_bzero(text, strlen(text));
	free(text);
	if (text == NULL) { /* it can never be sent: give up now */
		n->given_up++;
		return outbox_retry(db, m.id, 1, "not a valid message");
	}
	if (rc == 0) {
		n->sent++;
		return outbox_sent(db, m.id, outcome);
	}
	n->retried++;
	log_msg(LOG_WARN, "mail not delivered", "id=%s kind=%s outcome=\"%s\"", m.id, m.kind,
	        outcome);
	return outbox_retry(db, m.id, 0, outcome);
}

int
mail_deliver(struct db *db, const struct config *cfg, struct mail_counts *n)
{
	for (;;) {
		struct outbox_message *claimed;
		int rows, i;

		if (db_begin(db) != 0 || outbox_claim(db, BATCH, &claimed, &rows) != 0) {
			db_rollback(db);
			return -1;
		}
		for (i = 0; i < rows; i++)
			if (deliver_one(db, cfg, &claimed[i], n) != 0)
				break;
		outbox_messages_free(claimed, rows);
		if (i < rows || db_exec(db, "COMMIT") != 0) {
			db_rollback(db);
			return -1;
		}
		if (rows < BATCH)
			return 0;
	}
}

struct mail_worker {
	pthread_t thread;
	struct pool *pool;
	const struct config *cfg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stopping;
};

static void *
work(void *arg)
{
	struct mail_worker *w = arg;

	pthread_mutex_lock(&w->mu);
	while (!w->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += w->cfg->mail_interval_ms / 1000;
		until.tv_nsec += (long)(w->cfg->mail_interval_ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&w->cv, &w->mu, &until);
		if (w->stopping)
			break;
		pthread_mutex_unlock(&w->mu);
		struct db *db = pool_acquire(w->pool, 1000);
		struct mail_counts n = {0};
		if (db != NULL && mail_deliver(db, w->cfg, &n) != 0)
			log_msg(LOG_WARN, "mail delivery pass failed", "sqlstate=%s",
			        db_sqlstate(db));
		if (n.sent + n.retried + n.given_up > 0)
			log_msg(LOG_INFO, "mail delivered", "sent=%ld retried=%ld given_up=%ld",
			        n.sent, n.retried, n.given_up);
		pool_release(w->pool, db);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct mail_worker *
mail_worker_start(struct pool *pool, const struct config *cfg)
{
	struct mail_worker *w = xcalloc(1, sizeof(*w));
	pthread_condattr_t attr;

	w->pool = pool;
	w->cfg = cfg;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&w->thread, NULL, work, w) != 0) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		free(w);
		return NULL;
	}
	return w;
}

void
mail_worker_stop(struct mail_worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
