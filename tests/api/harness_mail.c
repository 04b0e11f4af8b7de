/*
 * harness_mail: the e-mails recruitd delivered, read from the suite's mail
 * directory (RECRUITD_MAIL_DIR's .eml files) or the SMTP server's maildir.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "harness.h"

/* The file's bytes (new string), or NULL. */
static char *
slurp_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = xmalloc((size_t)n + 1);
	data[fread(data, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return data;
}

/* Whether text is a message to `to` (its To: header, whatever the line endings). */
static bool
addressed_to(const char *text, const char *to)
{
	size_t n = strlen(to);

	for (const char *p = strstr(text, "To: "); p != NULL; p = strstr(p + 1, "To: "))
		if ((p == text || p[-1] == '\n') && strncmp(p + 4, to, n) == 0 &&
		    (p[4 + n] == '\r' || p[4 + n] == '\n'))
			return true;
	return false;
}

/* The newest file in dir (files ending .eml only, when eml) that is a message to `to` with
 * needle: its path (new string), or NULL. Names start with the time, or are delivery-ordered. */
static char *
newest_in(const char *dir, bool eml, const char *to, const char *needle)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *newest = NULL;
	time_t newest_at = 0;

	while (d != NULL && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		struct stat st;
		if (e->d_name[0] == '.' ||
		    (eml && (n < 5 || strcmp(e->d_name + n - 4, ".eml") != 0)))
			continue;
		char *file = xasprintf("%s/%s", dir, e->d_name);
		char *text = stat(file, &st) == 0 && S_ISREG(st.st_mode) ? slurp_file(file) : NULL;
		if (text != NULL && addressed_to(text, to) && strstr(text, needle) != NULL &&
		    (newest == NULL || st.st_mtime > newest_at ||
		     (st.st_mtime == newest_at && strcmp(file, newest) > 0))) {
			free(newest);
			newest = xstrdup(file);
			newest_at = st.st_mtime;
		}
		free(text);
		free(file);
	}
	if (d != NULL)
		closedir(d);
	return newest;
}

char *
mail_find(const char *to, const char *needle)
{
	char *smtp_new = xasprintf("%s/new", api_smtp_dir());
	char *found = NULL;

	for (int tries = 0; found == NULL && tries < 200; tries++) {
		char *file = newest_in(api_mail_dir(), true, to, needle);
		if (file == NULL)
			file = newest_in(smtp_new, false, to, needle);
		if (file != NULL) {
			found = slurp_file(file);
			unlink(file);
			free(file);
			break;
		}
		usleep(50000);
	}
	free(smtp_new);
	return found;
}

char *
mail_code(const char *to, const char *path)
{
	char *want_link = xasprintf("%s%s?code=", TEST_PUBLIC_URL, path);
	char *text = mail_find(to, want_link), *code = NULL;

	if (text != NULL) {
		const char *at = strstr(text, want_link) + strlen(want_link);
		code = xstrndup(at, strcspn(at, "\r\n \t"));
		free(text);
	}
	free(want_link);
	return code;
}
