/* Uploaded bytes: the type sniffer, the archive-bomb check; the input's first line as a file name.
 */
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "domain/upload.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum doc_type t = upload_sniff(data, size);
	const char *bomb = upload_bomb(data, size);
	const char *type = upload_content_type(t);

	if ((t == DOC_UNKNOWN) != (type == NULL))
		__builtin_trap();
	(void)bomb;
	/* the first line, up to 512 bytes, as a client's file name */
	size_t n = 0;
	while (n < size && n < 512 && data[n] != '\n')
		n++;
	char *name = malloc(n + 1);
	memcpy(name, data, n);
	name[n] = '\0';
	char *safe = upload_safe_name(name);
	if (*safe == '\0' || strlen(safe) > 200 || !is_utf8(safe, strlen(safe)) ||
	    has_control_chars(safe))
		__builtin_trap();
	char *disp = upload_disposition(safe);
	free(disp);
	free(safe);
	free(name);
	return 0;
}
