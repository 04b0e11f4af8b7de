/* form: multipart parts under caps. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/digest.h"
#include "core/validate.h"
#include "edge/form.h"

struct part {
	char *name;
	char *filename; /* NULL for a text field */
	struct buf value;
	struct form_file file;
};

struct form {
	struct part parts[FORM_MAX_PARTS];
	int n;
	size_t file_cap;
	bool too_large;
};

struct form *
form_create(size_t file_cap)
{
	struct form *f = xcalloc(1, sizeof(*f));

	f->file_cap = file_cap;
	return f;
}

void
form_free(struct form *f)
{
	if (f == NULL)
		return;
	for (int i = 0; i < f->n; i++) {
		free(f->parts[i].name);
		free(f->parts[i].filename);
		buf_fini(&f->parts[i].value);
	}
	free(f);
}

int
form_add(struct form *f, const char *name, const char *filename, const char *data, uint64_t off,
         size_t size)
{
	struct part *p;

	if (off == 0 || f->n == 0) {
		if (f->n == FORM_MAX_PARTS) {
			f->too_large = true;
			return -1;
		}
		p = &f->parts[f->n++];
		p->name = xstrdup(name ? name : "");
		p->filename = filename ? xstrdup(filename) : NULL;
		buf_init(&p->value, filename ? f->file_cap : FORM_TEXT_CAP);
	}
	p = &f->parts[f->n - 1];
	if (size > 0 && buf_append(&p->value, data, size) != 0) {
		f->too_large = true;
		return -1;
	}
	/* What form_file hands out, kept current as the bytes arrive (they may move). */
	p->file.data = (const unsigned char *)p->value.data;
	p->file.len = p->value.len;
	p->file.filename = p->filename;
	return 0;
}

bool
form_too_large(const struct form *f)
{
	return f->too_large;
}

int
form_count(const struct form *f, const char *name)
{
	int n = 0;

	for (int i = 0; i < f->n; i++)
		n += strcmp(f->parts[i].name, name) == 0;
	return n;
}

const struct form_file *
form_file(const struct form *f, const char *name)
{
	for (int i = 0; i < f->n; i++) {
		const struct part *p = &f->parts[i];
		if (strcmp(p->name, name) != 0 || p->filename == NULL)
			continue;
		return &p->file;
	}
	return NULL;
}

json_t *
form_text_json(const struct form *f)
{
	json_t *obj = json_object();

	for (int i = 0; i < f->n; i++) {
		const struct part *p = &f->parts[i];
		const char *v = p->value.data ? p->value.data : "";
		if (p->filename != NULL)
			continue;
		if (!is_utf8(p->name, strlen(p->name)) ||
		    (p->value.len > 0 && !is_utf8(v, p->value.len))) {
			json_decref(obj);
			return NULL;
		}
		json_object_set_new(obj, p->name, json_stringn(v, p->value.len));
	}
	return obj;
}

const char *
form_text_at(const struct form *f, const char *name, int i)
{
	for (int k = 0; k < f->n; k++) {
		const struct part *p = &f->parts[k];
		if (p->filename != NULL || strcmp(p->name, name) != 0 || i-- > 0)
			continue;
		return p->value.data ? p->value.data : "";
	}
	return NULL;
}

const char *
form_unknown(const struct form *f, const char *const *allowed)
{
	for (int i = 0; i < f->n; i++) {
		bool known = false;
		for (const char *const *a = allowed; *a; a++)
			known |= strcmp(*a, f->parts[i].name) == 0;
		if (!known)
			return f->parts[i].name;
	}
	return NULL;
}

void
form_digest(const struct form *f, unsigned char out[32])
{
	struct sha256_stream *s = sha256_begin();

	for (int i = 0; i < f->n; i++) {
		const struct part *p = &f->parts[i];
		uint64_t len = p->value.len;
		sha256_add(s, p->name, strlen(p->name) + 1);
		sha256_add(s, p->filename ? p->filename : "",
		           p->filename ? strlen(p->filename) + 1 : 1);
		sha256_add(s, &len, sizeof(len));
		if (len)
			sha256_add(s, p->value.data, p->value.len);
	}
	sha256_end(s, out);
}
