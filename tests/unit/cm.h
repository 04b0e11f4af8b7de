/* cm.h: what every cmocka test file includes, in the order cmocka needs. */
#ifndef RECRUITD_TEST_CM_H
#define RECRUITD_TEST_CM_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the headers it needs */

#endif
