/*
 * upload: what an uploaded file is, decided by its bytes alone, and what it
 * may safely be called. Names and declared types from clients are never
 * trusted. Thread-safe, no state.
 */
#ifndef RECRUITD_UPLOAD_H
#define RECRUITD_UPLOAD_H

#include <stddef.h>

enum doc_type { DOC_UNKNOWN = 0, DOC_PDF, DOC_DOCX, DOC_ODT, DOC_DOC, DOC_RTF, DOC_TEXT };

/*
 * The document type of len bytes: PDF (header and end marker), DOCX and ODT
 * (ZIP containers with their marker entries, read from the central
 * directory), DOC (an OLE2 compound file with a WordDocument stream), RTF,
 * or plain UTF-8 text. Anything else, and truncated files, DOC_UNKNOWN.
 */
enum doc_type upload_sniff(const unsigned char *data, size_t len);

/* What a ZIP-based document (DOCX, ODT) may declare, judged by its central directory. */
#define UPLOAD_ZIP_MAX_ENTRIES 1000
#define UPLOAD_ZIP_MAX_DECLARED (100ull << 20)
#define UPLOAD_ZIP_MAX_RATIO 100

/*
 * Whether len bytes are a ZIP container that would inflate past the limits
 * above (an archive bomb): judged first by what its central directory
 * declares, then by holding each entry to it (domain/zip.h: its local
 * header and data descriptor must agree, and it must inflate to exactly
 * its declared size, inflating being cut off just past it). A reason (a
 * static string, no file content in it), or NULL when it is within them or
 * not a ZIP container at all.
 */
const char *upload_bomb(const unsigned char *data, size_t len);

/* The media type served for a type ("application/pdf", ...); NULL for DOC_UNKNOWN. */
const char *upload_content_type(enum doc_type type);

/*
 * A safe version of a client's file name (new string), after undoing the
 * %22, %0D and %0A escapes browsers use in multipart names: the last path
 * component only, no control characters, no characters that mean something
 * to shells, file systems or HTTP headers, no leading dots, valid UTF-8
 * (non-ASCII kept), at most 200 bytes. Never empty: "document" instead.
 */
char *upload_safe_name(const char *name);

/*
 * The Content-Disposition value for a safe name (new string):
 * attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>
 */
char *upload_disposition(const char *safe_name);

#endif
