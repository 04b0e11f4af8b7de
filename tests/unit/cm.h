/* cm.h: what every cmocka test file includes, in the order cmocka needs. */
#ifndef RECRUITD_TEST_CM_H
#define RECRUITD_TEST_CM_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the headers it needs */
#include <stdlib.h>

/* CMOCKA_FILTER=test_name (a pattern with * and ?) runs only the matching cases of a suite. */
__attribute__((constructor)) static void
cm_filter(void)
{
	const char *f = getenv("CMOCKA_FILTER");

	if (f != NULL && *f != '\0')
		cmocka_set_test_filter(f);
}

#endif
