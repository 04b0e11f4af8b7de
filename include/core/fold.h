/*
 * fold: the one way recruitd compares e-mail addresses and names without
 * regard to case. Unicode case folding and normalisation come from GNU
 * libunistring (u8_casefold), never from hand-written tables or the
 * process's locale. For ASCII the result is plain lower case, so every key
 * made of an ASCII address before this module existed is unchanged.
 * Thread-safe; every result is a new string the caller frees.
 */
#ifndef RECRUITD_CORE_FOLD_H
#define RECRUITD_CORE_FOLD_H

#include <stdbool.h>

#include "core/xalloc.h"

/*
 * An e-mail address folded for keys and lookups (the record's lookup hash,
 * the suppression list, the rate limits): Unicode full case folding, then
 * NFC. "Élodie@Example.COM" and "élodie@example.com" (composed or not)
 * fold alike. Bytes that are not UTF-8 are lower-cased as ASCII and kept.
 */
char *fold_email(const char *s) WARN_UNUSED;

/*
 * Whether a and b (either may be NULL: no) are one mailbox, not merely one
 * key: they fold alike (fold_email) and are alike in lower case (NFC).
 * Full case folding merges characters that are not case variants ("ß" and
 * "ss", "ﬀ" and "ff": straße.de and strasse.de are different domains), so
 * a record found by its folded key belongs to an address only when this
 * holds; "Élodie@X" and "élodie@x", composed or not, are one mailbox.
 */
bool fold_same_mailbox(const char *a, const char *b);

/*
 * A name or other text folded for comparison: Unicode full case folding
 * with NFKC, white space at the ends dropped and every run of white space
 * one space. "  ZOË   Smith " and "Zoë Smith" fold alike.
 */
char *fold_text(const char *s) WARN_UNUSED;

/* Whether a and b (either may be NULL: no) fold to the same non-empty text. */
bool fold_text_equal(const char *a, const char *b);

#endif
