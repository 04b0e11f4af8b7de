/* Type sniffing by bytes, safe file names, Content-Disposition, multipart parts under caps. */
#include <stdlib.h>
#include <string.h>

#include "../unit/cm.h"
#include "core/digest.h"
#include "core/validate.h"
#include "core/xalloc.h"
#include "domain/upload.h"
#include "edge/form.h"
#include "fixtures.h"

static enum doc_type
sniff_str(const char *s)
{
	return upload_sniff((const unsigned char *)s, strlen(s));
}

static struct blob
fixture_docx_deflated(const char *document, size_t len)
{
	return fixture_docx_with(document, len, true);
}

/* A container that would inflate far past a document's size is refused by its directory alone. */
static void
test_zip_bombs(void **state)
{
	(void)state;
	struct blob ok = fixture_docx(), odt = fixture_odt(), many = fixture_docx_many(1001),
	            fine = fixture_docx_many(1000), declared = fixture_docx();
	size_t zlen = 2u << 20;
	char *zeros = xcalloc(1, zlen);
	memset(zeros, ' ', zlen);
	struct blob ratio = fixture_docx_with(zeros, zlen, true);
	struct blob stored = fixture_docx_with(zeros, zlen, false);

	assert_null(upload_bomb(ok.data, ok.len));
	assert_null(upload_bomb(odt.data, odt.len));
	assert_null(upload_bomb(fine.data, fine.len));
	assert_null(upload_bomb(stored.data, stored.len)); /* 2 MiB stored: ratio 1 */
	assert_int_equal(upload_sniff(many.data, many.len), DOC_DOCX);
	assert_non_null(strstr(upload_bomb(many.data, many.len), "1000 entries"));
	assert_int_equal(upload_sniff(ratio.data, ratio.len), DOC_DOCX);
	assert_true(ratio.len * 100 < zlen); /* deflate made it a bomb */
	assert_non_null(strstr(upload_bomb(ratio.data, ratio.len), "100 times"));
	fixture_zip_declare(&declared, 200u << 20);
	assert_non_null(strstr(upload_bomb(declared.data, declared.len), "100 MiB"));
	fixture_zip_declare(&declared, 0xFFFFFFFFu); /* sizes left to ZIP64 */
	assert_non_null(strstr(upload_bomb(declared.data, declared.len), "100 MiB"));
	const char *plain = "Jane Doe\n";
	assert_null(upload_bomb((const unsigned char *)plain, strlen(plain)));
	free(zeros);
	free(ok.data);
	free(odt.data);
	free(many.data);
	free(fine.data);
	free(declared.data);
	free(ratio.data);
	free(stored.data);
}

/*
 * A directory that understates an entry is not believed: 1 MiB of spaces
 * deflates to about 1 KiB, and declared as 1,000 bytes it passed the
 * directory's checks. Its local header and data descriptor give it away;
 * when they lie as well, inflating it does, capped at the declared size.
 * The same for an ODT's content.xml.
 */
static void
test_zip_bomb_understated(void **state)
{
	(void)state;
	size_t zlen = 1u << 20;
	char *spaces = xmalloc(zlen);
	memset(spaces, ' ', zlen);
	struct {
		struct blob (*make)(const char *, size_t);
		const char *entry;
		enum doc_type type;
	} kinds[] = {{fixture_docx_deflated, "word/document.xml", DOC_DOCX},
	             {fixture_odt_with, "content.xml", DOC_ODT}};

	for (size_t k = 0; k < 2; k++) {
		struct blob honest = kinds[k].make(spaces, zlen);
		assert_true(honest.len * 500 < zlen); /* a 1,000-fold entry */
		/* declared honestly, the directory's own ratio check refuses it */
		assert_non_null(strstr(upload_bomb(honest.data, honest.len), "100 times"));
		for (int everywhere = 0; everywhere < 2; everywhere++) {
			struct blob b = kinds[k].make(spaces, zlen);
			fixture_zip_understate(&b, kinds[k].entry, 1000, everywhere);
			assert_int_equal(upload_sniff(b.data, b.len), kinds[k].type);
			const char *why = upload_bomb(b.data, b.len);
			assert_non_null(why);
			assert_non_null(strstr(why, everywhere ? "inflates past" : "disagrees"));
			free(b.data);
		}
		free(honest.data);
	}
	/* an entry that inflates short of what it declares, or is cut off, is refused too */
	struct blob b = fixture_docx_deflated(spaces, 2000);
	assert_null(upload_bomb(b.data, b.len));
	fixture_zip_understate(&b, "word/document.xml", 2001, true);
	assert_non_null(strstr(upload_bomb(b.data, b.len), "does not match"));
	free(b.data);
	/* local headers that give their sizes in ZIP64 extra fields, and 64-bit descriptors */
	b = fixture_docx_options(spaces, 2000, "zip:compression=deflate,zip:zip64");
	assert_int_equal(upload_sniff(b.data, b.len), DOC_DOCX);
	assert_null(upload_bomb(b.data, b.len));
	fixture_zip_understate(&b, "word/document.xml", 1000, false);
	assert_non_null(strstr(upload_bomb(b.data, b.len), "disagrees"));
	free(b.data);
	b = fixture_docx();
	fixture_zip_understate(&b, "word/document.xml", 3, true); /* stored: sizes disagree */
	assert_non_null(strstr(upload_bomb(b.data, b.len), "does not match"));
	free(b.data);
	free(spaces);
}

/* The OLE sector shift is the file's word: a shift of 65535, 64 or 31 is refused, not performed. */
static void
test_ole_hostile_shift(void **state)
{
	(void)state;
	static const unsigned shifts[] = {0xFFFF, 64, 63, 31, 8, 13, 0};
	for (size_t i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
		struct blob doc = fixture_ole("WordDocument");
		doc.data[0x1E] = (unsigned char)shifts[i];
		doc.data[0x1F] = (unsigned char)(shifts[i] >> 8);
		assert_int_equal(upload_sniff(doc.data, doc.len), DOC_UNKNOWN);
		free(doc.data);
	}
	struct blob doc = fixture_ole("WordDocument");
	doc.data[0x30] = doc.data[0x31] = doc.data[0x32] = doc.data[0x33] =
	    0xFF; /* directory far away */
	assert_int_equal(upload_sniff(doc.data, doc.len), DOC_UNKNOWN);
	free(doc.data);
}

static void
test_accepted_types(void **state)
{
	(void)state;
	struct blob pdf = fixture_pdf(4096), docx = fixture_docx(), odt = fixture_odt(),
	            doc = fixture_ole("WordDocument");
	assert_int_equal(upload_sniff(pdf.data, pdf.len), DOC_PDF);
	assert_int_equal(upload_sniff(docx.data, docx.len), DOC_DOCX);
	assert_int_equal(upload_sniff(odt.data, odt.len), DOC_ODT);
	assert_int_equal(upload_sniff(doc.data, doc.len), DOC_DOC);
	assert_int_equal(sniff_str("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), DOC_PDF);
	assert_int_equal(
	    sniff_str("{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} Jane Doe\\par }\n"), DOC_RTF);
	assert_int_equal(sniff_str("Jane Doe\nSoftware engineer\n\tRust, C, SQL\r\n"), DOC_TEXT);
	assert_int_equal(sniff_str("Zoë Ñandú — 日本語の履歴書\n"), DOC_TEXT);
	assert_string_equal(upload_content_type(DOC_PDF), "application/pdf");
	assert_string_equal(
	    upload_content_type(DOC_DOCX),
	    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	assert_string_equal(upload_content_type(DOC_ODT),
	                    "application/vnd.oasis.opendocument.text");
	assert_string_equal(upload_content_type(DOC_DOC), "application/msword");
	assert_string_equal(upload_content_type(DOC_RTF), "application/rtf");
	assert_string_equal(upload_content_type(DOC_TEXT), "text/plain; charset=utf-8");
	assert_null(upload_content_type(DOC_UNKNOWN));
	free(pdf.data);
	free(docx.data);
	free(odt.data);
	free(doc.data);
}

static void
test_refused_types(void **state)
{
	static const unsigned char elf[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0,    0,
	                                    0,    0,   0,   0,   0, 0, 2, 0, 0x3e, 0};
	static const unsigned char pe[] = {'M', 'Z', 0x90, 0,    3,    0, 0, 0,    4,
	                                   0,   0,   0,    0xff, 0xff, 0, 0, 0xb8, 0};
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	                                    0,    0,   0,   13,  'I',  'H',  'D',  'R'};
	static const unsigned char latin1[] = {'J', 'o', 's', 0xe9, '\n'};
	static const struct zip_entry plain_zip[] = {{"hello.txt", "hi"}, {"data.bin", "x"}};
	static const struct zip_entry fake_odt[] = {{"mimetype", "application/zip"},
	                                            {"content.xml", "<x/>"}};
	(void)state;
	assert_int_equal(upload_sniff(elf, sizeof(elf)), DOC_UNKNOWN);
	assert_int_equal(upload_sniff(pe, sizeof(pe)), DOC_UNKNOWN);
	assert_int_equal(upload_sniff(png, sizeof(png)), DOC_UNKNOWN);
	assert_int_equal(upload_sniff(latin1, sizeof(latin1)), DOC_UNKNOWN);
	assert_int_equal(upload_sniff((const unsigned char *)"a\0b", 3), DOC_UNKNOWN);
	assert_int_equal(upload_sniff((const unsigned char *)"", 0), DOC_UNKNOWN);
	assert_int_equal(sniff_str("text with a bell \a inside"), DOC_UNKNOWN);
	struct blob z = fixture_zip(plain_zip, 2), f = fixture_zip(fake_odt, 2),
	            xls = fixture_ole("Workbook");
	assert_int_equal(upload_sniff(z.data, z.len), DOC_UNKNOWN);
	assert_int_equal(upload_sniff(f.data, f.len), DOC_UNKNOWN);
	assert_int_equal(upload_sniff(xls.data, xls.len), DOC_UNKNOWN);
	free(z.data);
	free(f.data);
	free(xls.data);
}

static void
test_truncated(void **state)
{
	(void)state;
	struct blob pdf = fixture_pdf(4096), docx = fixture_docx(), odt = fixture_odt(),
	            doc = fixture_ole("WordDocument");
	assert_int_equal(upload_sniff(pdf.data, pdf.len - 40), DOC_UNKNOWN); /* no %%EOF */
	assert_int_equal(upload_sniff(docx.data, docx.len - 30),
	                 DOC_UNKNOWN); /* no end of central directory */
	assert_int_equal(upload_sniff(docx.data, docx.len / 2), DOC_UNKNOWN);
	assert_int_equal(upload_sniff(odt.data, odt.len - 10), DOC_UNKNOWN);
	assert_int_equal(upload_sniff(doc.data, 700), DOC_UNKNOWN); /* directory sector cut */
	assert_int_equal(upload_sniff(doc.data, 100), DOC_UNKNOWN);
	/* an ASCII-only PDF without its end is not passed off as text */
	assert_int_equal(sniff_str("%PDF-1.4\n1 0 obj<<>>endobj\n"), DOC_UNKNOWN);
	assert_int_equal(sniff_str("{\\rtf1\\ansi truncated here"), DOC_UNKNOWN);
	/* every prefix of a real container is refused or recognised, never read past its end */
	for (size_t n = 0; n < docx.len; n += 7)
		assert_true(upload_sniff(docx.data, n) == DOC_UNKNOWN || n == docx.len);
	free(pdf.data);
	free(docx.data);
	free(odt.data);
	free(doc.data);
}

static void
check_name(const char *in, const char *want)
{
	char *got = upload_safe_name(in);
	if (strcmp(got, want) != 0)
		fail_msg("safe name of '%s' is '%s', want '%s'", in, got, want);
	free(got);
}

static void
test_safe_names(void **state)
{
	(void)state;
	check_name("cv.pdf", "cv.pdf");
	check_name("../../etc/passwd", "passwd");
	check_name("C:\\Users\\jane\\Lebenslauf.docx", "Lebenslauf.docx");
	check_name("Lebenslauf Zoë Ñandú.pdf", "Lebenslauf Zoë Ñandú.pdf");
	check_name("履歴書.pdf", "履歴書.pdf");
	check_name("a\r\nb\t.pdf", "a  b .pdf");
	check_name("my\"cv\";rm -rf.pdf", "my_cv__rm -rf.pdf");
	check_name(".bashrc", "bashrc");
	check_name("...", "document");
	check_name("", "document");
	check_name(NULL, "document");
	check_name("dir/", "document");
	check_name("cv.pdf. . ", "cv.pdf");
	check_name("\xff\xfe.pdf", "__.pdf");
	check_name("Zo%22e%22%0D%0A.pdf",
	           "Zo_e_  .pdf"); /* the browser's escapes, undone, then made safe */
	check_name("100%25.pdf", "100_25.pdf");
	char longname[600];
	memset(longname, 0, sizeof(longname));
	for (int i = 0; i < 150; i++)
		strcat(longname, "ë");
	strcat(longname, ".pdf");
	char *got = upload_safe_name(longname);
	assert_true(strlen(got) <= 200);
	assert_true(is_utf8(got, strlen(got)));
	free(got);
}

static void
test_disposition(void **state)
{
	(void)state;
	char *d = upload_disposition("Lebenslauf Zoë.pdf");
	assert_non_null(strstr(d, "attachment; filename=\"Lebenslauf Zo_.pdf\"; "));
	assert_non_null(strstr(d, "filename*=UTF-8''Lebenslauf%20Zo%C3%AB.pdf"));
	free(d);
	d = upload_disposition("plain.txt");
	assert_string_equal(d, "attachment; filename=\"plain.txt\"; filename*=UTF-8''plain.txt");
	free(d);
}

static void
test_form_parts(void **state)
{
	struct form *f = form_create(10);
	unsigned char d1[32], d2[32];

	(void)state;
	assert_int_equal(form_add(f, "full_name", NULL, "Zo", 0, 2), 0);
	assert_int_equal(form_add(f, "full_name", NULL, "ë", 2, 2),
	                 0); /* a second chunk of the same part */
	assert_int_equal(form_add(f, "file", "cv.pdf", "0123456789", 0, 10), 0);
	assert_int_equal(form_count(f, "full_name"), 1);
	const struct form_file *file = form_file(f, "file");
	assert_non_null(file);
	assert_int_equal(file->len, 10);
	assert_string_equal(file->filename, "cv.pdf");
	assert_null(form_file(f, "full_name"));
	json_t *text = form_text_json(f);
	assert_string_equal(json_string_value(json_object_get(text, "full_name")), "Zoë");
	assert_null(json_object_get(text, "file"));
	json_decref(text);
	static const char *const allowed[] = {"full_name", "file", NULL};
	assert_null(form_unknown(f, allowed));
	form_digest(f, d1);
	form_digest(f, d2);
	assert_memory_equal(d1, d2, 32);
	/* past the file cap */
	assert_int_equal(form_add(f, "file", NULL, "x", 10, 1), -1);
	assert_true(form_too_large(f));
	form_free(f);

	f = form_create(10);
	assert_int_equal(form_add(f, "x", NULL, "\xff", 0, 1), 0);
	assert_null(form_text_json(f)); /* not UTF-8 */
	static const char *const none[] = {NULL};
	assert_string_equal(form_unknown(f, none), "x");
	form_free(f);

	f = form_create(10);
	for (int i = 0; i < FORM_MAX_PARTS; i++)
		assert_int_equal(form_add(f, "p", NULL, "v", 0, 1), 0);
	assert_int_equal(form_add(f, "p", NULL, "v", 0, 1), -1);
	form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted_types),       cmocka_unit_test(test_zip_bombs),
	    cmocka_unit_test(test_zip_bomb_understated), cmocka_unit_test(test_ole_hostile_shift),
	    cmocka_unit_test(test_refused_types),        cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_safe_names),           cmocka_unit_test(test_disposition),
	    cmocka_unit_test(test_form_parts),
	};
	return cmocka_run_group_tests_name("upload", tests, NULL, NULL);
}
