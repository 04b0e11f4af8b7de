/*
 * search: what ?q= means, without the database. A query matches a record
 * when its lower-cased text is part of the lower-cased name or e-mail
 * address. The store indexes each record by its trigrams (three characters
 * in a row of the lower-cased name or address, each hashed under a key the
 * store holds) and asks for the records that have every trigram of the
 * query; the candidates are then confirmed with search_contains. Pure and
 * thread-safe.
 */
#ifndef RECRUITD_DOMAIN_SEARCH_H
#define RECRUITD_DOMAIN_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/xalloc.h"

/*
 * s lower-cased (Unicode, through the C.UTF-8 locale; bytes that are not
 * UTF-8 are kept as they are): a new string.
 */
char *search_fold(const char *s) WARN_UNUSED;

/* Whether the lower-cased needle is part of the lower-cased haystack. */
bool search_contains(const char *haystack, const char *needle);

/*
 * Call fn(gram, len, arg) for each trigram of the lower-cased s (three
 * characters in a row, as their UTF-8 bytes), each distinct one once.
 * Returns how many there were.
 */
size_t search_trigrams(const char *s, void (*fn)(const char *gram, size_t len, void *arg),
                       void *arg);

#endif
