/*
 * What ?q= and the sealed personal values take: a query (any bytes from a
 * URL), names and addresses (any bytes that passed validation), and sealed
 * values as they come back from storage (a backup restored, a row changed
 * by hand). search_fold, search_contains and search_trigrams never read
 * out of bounds and agree with each other (a query's trigrams are among
 * those of a text containing it, for UTF-8 as the API takes); vault_open_text and
 * vault_open_segments refuse what they did not seal. The first byte splits the input in two.
 */
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "domain/search.h"
#include "fuzz.h"
#include "store/vault.h"

static const unsigned char key[SEAL_KEY_LEN] = {0xfe, 0xed};

struct grams {
	char **g;
	size_t *len, n;
};

static void
keep(const char *gram, size_t len, void *arg)
{
	struct grams *s = arg;
	s->g = realloc(s->g, (s->n + 1) * sizeof(*s->g));
	s->len = realloc(s->len, (s->n + 1) * sizeof(*s->len));
	s->g[s->n] = malloc(len);
	memcpy(s->g[s->n], gram, len);
	s->len[s->n++] = len;
}

static void
drop(struct grams *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->g[i]);
	free(s->g);
	free(s->len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t cut = data[0] < size - 1 ? data[0] : size - 1;
	char *q = strndup((const char *)data + 1, cut);
	char *text = strndup((const char *)data + 1 + cut, size - 1 - cut);

	char *f = search_fold(text);
	free(f);
	bool contained = search_contains(text, q);
	if (!search_contains(text, "") || (*q && !search_contains(q, q)))
		__builtin_trap();
	struct grams a = {0}, b = {0};
	search_trigrams(q, keep, &a);
	search_trigrams(text, keep, &b);
	/* the index never misses a match (of text the API takes: UTF-8) */
	if (contained && is_utf8(q, strlen(q)) && is_utf8(text, strlen(text)))
		for (size_t i = 0; i < a.n; i++) {
			bool found = false;
			for (size_t j = 0; j < b.n && !found; j++)
				found =
				    a.len[i] == b.len[j] && memcmp(a.g[i], b.g[j], a.len[i]) == 0;
			if (!found)
				__builtin_trap();
		}
	drop(&a);
	drop(&b);

	/* arbitrary text does not open as a sealed value, nor bytes as segments */
	char *opened = vault_open_text(key, "id", "field", text);
	if (opened != NULL)
		__builtin_trap();
	unsigned char *out = malloc(size);
	size_t got;
	if (vault_open_segments(key, "id", "document", size - 1 - cut, cut % 3,
	                        (const unsigned char *)data + 1 + cut, size - 1 - cut, out,
	                        &got) == 0 &&
	    size - 1 - cut > 0)
		__builtin_trap();
	free(out);
	free(q);
	free(text);
	return 0;
}
