/*
 * harness_parts: what the harness's parts (harness*.c) tell each other; a
 * suite includes harness.h alone. harness.c starts and stops the server and
 * opens and closes the others' connections with it.
 */
#ifndef RECRUITD_TEST_HARNESS_PARTS_H
#define RECRUITD_TEST_HARNESS_PARTS_H

/* harness_http.c: libcurl and the keep-alive handle http() sends on. */
void harness_http_open(void);
void harness_http_close(void);

/* harness_db.c: the suite's connection to the main database (test_db); exits when it fails. */
void harness_db_open(const char *url);
void harness_db_close(void);

#endif
