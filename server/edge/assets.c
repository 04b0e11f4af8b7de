/* assets: files served verbatim, loaded at start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edge/assets.h"

static struct asset {
	const char *name;
	const char *path; /* below the checkout */
	char *data;
	size_t len;
} assets[] = {
    {"openapi.yaml", "server/openapi.yaml", NULL, 0},
    {"apply.html", "server/static/apply.html", NULL, 0},
    {"apply-form.html", "server/static/apply-form.html", NULL, 0},
    {"job.html", "server/static/job.html", NULL, 0},
    {"message.html", "server/static/message.html", NULL, 0},
    {"confirm.html", "server/static/confirm.html", NULL, 0},
    {"me.html", "server/static/me.html", NULL, 0},
    {"privacy-notice", "server/static/privacy-notice.html", NULL, 0},
    {"site.css", "server/static/site.css", NULL, 0},
    {"apply.js", "server/static/apply.js", NULL, 0},
    {"confirm.js", "server/static/confirm.js", NULL, 0},
    {"me.js", "server/static/me.js", NULL, 0},
    {"forms.js", "server/static/forms.js", NULL, 0},
    {"privacy.html", "server/static/privacy.html", NULL, 0},
    {"privacy.js", "server/static/privacy.js", NULL, 0},
    /* the staff console's frame (pages/html.c) */
    {"staff.html", "server/static/staff.html", NULL, 0},
};

#define NASSETS (sizeof(assets) / sizeof(assets[0]))

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		data = xmalloc((size_t)n + 1);
		if (fread(data, 1, (size_t)n, f) == (size_t)n) {
			data[n] = '\0';
			*len = (size_t)n;
		} else {
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	return data;
}

int
assets_load(const char *home, const char *name, const char *path_for_name)
{
	for (size_t i = 0; i < NASSETS; i++) {
		char *path = name != NULL && strcmp(assets[i].name, name) == 0
		                 ? xstrdup(path_for_name)
		                 : xasprintf("%s/%s", home ? home : ".", assets[i].path);
		assets[i].data = slurp(path, &assets[i].len);
		if (assets[i].data == NULL) {
			fprintf(stderr,
			        "recruitd: cannot read %s (set RECRUITD_HOME to the checkout)\n",
			        path);
			free(path);
			assets_free();
			return -1;
		}
		free(path);
	}
	return 0;
}

void
assets_free(void)
{
	for (size_t i = 0; i < NASSETS; i++) {
		free(assets[i].data);
		assets[i].data = NULL;
	}
}

const char *
assets_get(const char *name, size_t *len)
{
	for (size_t i = 0; i < NASSETS; i++)
		if (strcmp(assets[i].name, name) == 0) {
			*len = assets[i].len;
			return assets[i].data;
		}
	return NULL;
}
