/* GMime, started once per process (g_mime_init is not thread-safe). */
#include <iconv.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/mime.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *const kept[] = {"ISO-2022-JP", "SHIFT_JIS", "CP932", "EUC-JP"};
static iconv_t open_for_good[sizeof(kept) / sizeof(kept[0])]; /* see start() */

/* At exit: the converters kept open for good, closed (nothing left behind for
 * valgrind to report). */
static void close_kept(void)
{
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (open_for_good[i] != (iconv_t)-1)
			iconv_close(open_for_good[i]);
}

static void start(void)
{
	/* GLib makes a type's class on its first use, under its own locks
	 * (futexes, which ThreadSanitizer cannot follow): the classes a parse
	 * uses are made here, once, before the threads of a batch parse */
	const GType types[] = {
		GMIME_TYPE_PARSER, GMIME_TYPE_STREAM_MEM, GMIME_TYPE_STREAM_FILTER,
		GMIME_TYPE_MESSAGE, GMIME_TYPE_PART, GMIME_TYPE_TEXT_PART, GMIME_TYPE_MULTIPART,
		GMIME_TYPE_MESSAGE_PART, GMIME_TYPE_MESSAGE_PARTIAL, GMIME_TYPE_MULTIPART_SIGNED,
		GMIME_TYPE_MULTIPART_ENCRYPTED, GMIME_TYPE_APPLICATION_PKCS7_MIME,
		GMIME_TYPE_DATA_WRAPPER, GMIME_TYPE_CONTENT_TYPE, GMIME_TYPE_CONTENT_DISPOSITION,
		GMIME_TYPE_HEADER_LIST, GMIME_TYPE_PARAM_LIST, GMIME_TYPE_HEADER, GMIME_TYPE_PARAM,
		INTERNET_ADDRESS_LIST_TYPE, INTERNET_ADDRESS_TYPE_MAILBOX, INTERNET_ADDRESS_TYPE_GROUP,
		GMIME_TYPE_FILTER_BASIC, GMIME_TYPE_FILTER_DOS2UNIX, GMIME_TYPE_FILTER_CHARSET,
	};

	/* the converters of the charsets Japanese mail comes in, opened once and
	 * never closed: glibc loads a charset's gconv module with dlopen when the
	 * first converter needs it and unloads it after the last, so without
	 * these the worker threads of a batch load and unload modules all the
	 * time -- correct, but ThreadSanitizer deadlocks reporting what it cannot
	 * see the loader's lock order (tests/tsan.supp), and it costs each
	 * message a dlopen */
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		open_for_good[i] = iconv_open("UTF-8", kept[i]);
	atexit(close_kept);
	g_mime_init();
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (G_TYPE_IS_CLASSED(types[i]))
			g_type_class_unref(g_type_class_ref(types[i]));
}

/* How many "multipart/" the bytes hold (any case), counting up to stop. */
static size_t multiparts(const char *data, size_t len, size_t stop)
{
	size_t n = 0;

	for (const char *p = data, *end = data + len; n < stop && p < end;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));

		if (!slash)
			break;
		if (slash - data >= 9 && !strncasecmp(slash - 9, "multipart", 9))
			n++;
		p = slash + 1;
	}
	return n;
}

GMimeMessage *mc_mime_message(const char *data, size_t len, const char **why)
{
	GMimeStream *s;
	GMimeParser *parser;
	GMimeMessage *m;

	if (multiparts(data, len, MC_MIME_MAX_MULTIPARTS + 1) > MC_MIME_MAX_MULTIPARTS) {
		*why = "more than 256 multipart parts: refused as a MIME bomb (real mail has a few)";
		return NULL;
	}
	*why = "no header field before the first blank line: this is not an email message";
	pthread_once(&once, start);
	s = g_mime_stream_mem_new_with_buffer(data, len);
	parser = g_mime_parser_new_with_stream(s);
	g_object_unref(s);
	m = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (m && !g_mime_message_get_mime_part(m)) {
		g_object_unref(m);
		m = NULL;
	}
	return m;
}

GByteArray *mc_mime_content(GMimePart *part, size_t max)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *out;
	GByteArray *arr;

	if (!w)
		return NULL;
	arr = g_byte_array_new();
	out = g_mime_stream_mem_new_with_byte_array(arr);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(out), FALSE);
	g_mime_data_wrapper_write_to_stream(w, out);
	g_object_unref(out);
	if (arr->len > max)
		g_byte_array_set_size(arr, (guint)max);
	return arr;
}

/* ISO-2022-JP's shifts to JIS X 0208 (ESC $ B, ESC $ @): Japanese text
 * mailers and Lotus Domino send without a charset parameter. */
static bool iso_2022_jp(const GByteArray *a)
{
	for (guint i = 0; i + 2 < a->len; i++)
		if (a->data[i] == 0x1b && a->data[i + 1] == '$' &&
		    (a->data[i + 2] == 'B' || a->data[i + 2] == '@'))
			return true;
	return false;
}

GByteArray *mc_mime_text(GMimePart *part, size_t max)
{
	GByteArray *raw = mc_mime_content(part, max), *utf8;
	const char *charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part),
	                                                                "charset");
	GMimeStream *out, *filtered;
	GMimeFilter *conv;

	if (!raw)
		return NULL;
	if (!charset && iso_2022_jp(raw))
		charset = "iso-2022-jp";
	if (!charset || !g_ascii_strcasecmp(charset, "utf-8") ||
	    !g_ascii_strcasecmp(charset, "us-ascii") ||
	    !(conv = g_mime_filter_charset_new(charset, "UTF-8")))
		return raw; /* as it is: UTF-8 or ASCII, or a charset iconv does not know */
	/* iconv through GMime's filter, which steps over a byte the charset does
	 * not allow instead of failing the whole text */
	utf8 = g_byte_array_new();
	out = g_mime_stream_mem_new_with_byte_array(utf8);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(out), FALSE);
	filtered = g_mime_stream_filter_new(out);
	g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), conv);
	g_mime_stream_write(filtered, (const char *)raw->data, raw->len);
	g_mime_stream_flush(filtered);
	g_object_unref(conv);
	g_object_unref(filtered);
	g_object_unref(out);
	g_byte_array_unref(raw);
	if (utf8->len > max)
		g_byte_array_set_size(utf8, (guint)max);
	return utf8;
}

GByteArray *mc_mime_bytes(GMimeMessage *m)
{
	GByteArray *arr = g_byte_array_new();
	GMimeStream *s = g_mime_stream_mem_new_with_byte_array(arr);

	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(s), FALSE);
	g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL, s);
	g_object_unref(s);
	return arr;
}
