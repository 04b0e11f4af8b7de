/* JSON bodies: parsed with duplicate keys refused and nesting bounded, then judged as a record. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/problem.h"
#include "core/xalloc.h"
#include "domain/profile.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char err[160];
	struct problem p;

	if (!ready) {
		xalloc_install_jansson();
		ready = 1;
	}
	json_t *doc = jsonx_parse((const char *)data, size, 32, err, sizeof(err));
	if (doc == NULL) {
		/* the message says where and what, never the text: bounded and terminated */
		if (strlen(err) >= sizeof(err))
			__builtin_trap();
		return 0;
	}
	problem_init(&p);
	if (json_is_object(doc)) {
		json_t *copy = json_deep_copy(doc);
		if (profile_validate(copy, true, &p))
			profile_normalize(copy);
		json_decref(copy);
		json_t *merged = jsonx_merge_patch(json_object(), doc);
		json_decref(merged);
	}
	char *text = jsonx_dump(doc);
	free(text);
	problem_fini(&p);
	json_decref(doc);
	return 0;
}
