/* hygiene: no core dumps of a process holding keys. See hygiene.h. */
#include <sys/prctl.h>
#include <sys/resource.h>

#include "core/hygiene.h"
#include "core/log.h"

void
hygiene_no_core_dumps(bool allow)
{
	struct rlimit none = {0, 0};

	if (allow) {
		log_msg(LOG_WARN, "core dumps",
		        "RECRUITD_ALLOW_CORE_DUMPS=1: a core dump would hold key material");
		return;
	}
	if (setrlimit(RLIMIT_CORE, &none) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		log_msg(LOG_WARN, "core dumps", "core dumps could not be turned off");
}
