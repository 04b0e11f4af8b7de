/*
 * Multipart parts as libmicrohttpd's post processor hands them to form_add:
 * the input is read as a script of events (a byte picks the event, then
 * lengths and bytes), so names, file names, offsets and chunk sizes vary.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "edge/form.h"
#include "fuzz.h"

struct reader {
	const uint8_t *d;
	size_t n, at;
};

static size_t
take(struct reader *r, size_t want, const uint8_t **out)
{
	size_t left = r->n - r->at, n = want < left ? want : left;
	*out = r->d + r->at;
	r->at += n;
	return n;
}

static char *
string(struct reader *r)
{
	const uint8_t *p, *lenp;
	size_t n = take(r, 1, &lenp) ? *lenp % 40 : 0;
	n = take(r, n, &p);
	char *s = xmalloc(n + 1);
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const allowed[] = {"full_name", "email", "resume", "file", "kind", NULL};
	struct reader r = {data, size, 0};
	struct form *f = form_create(4096);
	uint64_t off = 0;
	const uint8_t *op;

	while (take(&r, 1, &op) == 1) {
		char *name = NULL, *filename = NULL;
		const uint8_t *bytes;
		if (*op & 1) { /* a new part */
			name = string(&r);
			filename = *op & 2 ? string(&r) : NULL;
			off = 0;
		}
		size_t n = take(&r, (size_t)(*op >> 2) * 7, &bytes);
		if (form_add(f, name, filename, (const char *)bytes, off, n) != 0) {
			free(name);
			free(filename);
			break;
		}
		off += n;
		free(name);
		free(filename);
	}
	unsigned char digest[32];
	json_t *text = form_text_json(f);
	json_decref(text);
	form_digest(f, digest);
	(void)form_unknown(f, allowed);
	(void)form_count(f, "file");
	const struct form_file *file = form_file(f, "file");
	if (file != NULL && file->len > 4096)
		__builtin_trap();
	form_free(f);
	return 0;
}
