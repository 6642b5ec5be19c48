/*
 * The links of a message (--links): its text/plain and text/html parts,
 * found through GMime (nested multiparts and attached messages too),
 * their transfer encoding undone, their charset converted to UTF-8, each
 * read by mc_links_scan. Bounded: the body as kept by the verifier
 * (MC_LINKS_MAX_BODY), MC_LINKS_MAX_TEXT of each part, the multiparts
 * mc_mime_message allows, and a nesting depth.
 */
#include <string.h>
#include <strings.h>

#include "common/mime.h"
#include "common/util.h"
#include "mailcheck/verify.h"

#define MAX_DEPTH 32

/* The part's text as UTF-8 (g_free it), *n its length; NULL: none. */
static char *part_text(GMimePart *part, size_t *n, bool *truncated)
{
	GByteArray *raw = mc_mime_content(part, MC_LINKS_MAX_TEXT + 1);
	const char *charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
	char *text = NULL;
	gsize written = 0;

	if (!raw)
		return NULL;
	if (raw->len == 0) { /* an empty part: no bytes (and no buffer) to read */
		g_byte_array_unref(raw);
		return NULL;
	}
	if (raw->len > MC_LINKS_MAX_TEXT) {
		g_byte_array_set_size(raw, (guint)MC_LINKS_MAX_TEXT);
		*truncated = true;
	}
	if (charset && strcasecmp(charset, "utf-8") && strcasecmp(charset, "us-ascii"))
		text = g_convert((const char *)raw->data, raw->len, "UTF-8", charset, NULL, &written, NULL);
	if (!text) { /* no charset, or one that does not convert: the bytes as they are */
		written = raw->len;
		text = g_malloc(raw->len + 1);
		memcpy(text, raw->data, raw->len);
		text[raw->len] = '\0';
	}
	g_byte_array_unref(raw);
	*n = written;
	return text;
}

static void walk(GMimeObject *o, int depth, mc_links *out)
{
	if (!o || depth > MAX_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(o)) {
		int n = g_mime_multipart_get_count(GMIME_MULTIPART(o));

		for (int i = 0; i < n; i++)
			walk(g_mime_multipart_get_part(GMIME_MULTIPART(o), i), depth + 1, out);
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));

		if (m)
			walk(g_mime_message_get_mime_part(m), depth + 1, out);
	} else if (GMIME_IS_PART(o)) {
		GMimeContentType *ct = g_mime_object_get_content_type(o);
		bool html = ct && g_mime_content_type_is_type(ct, "text", "html");
		size_t n = 0;
		char *text;

		if (!ct || (!html && !g_mime_content_type_is_type(ct, "text", "plain")))
			return;
		if (!(text = part_text(GMIME_PART(o), &n, &out->truncated)))
			return;
		out->parts++;
		mc_links_scan(text, n, html, out);
		g_free(text);
	}
}

mc_status mc_verify_links_read(const mc_message *msg, const char *body, size_t len, mc_links *out)
{
	mc_buf b = {0};
	GMimeMessage *m;
	const char *why;
	int bad = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < msg->n_headers; i++)
		bad |= mc_buf_add(&b, msg->headers[i].raw, msg->headers[i].raw_len) |
		       mc_buf_add(&b, "\r\n", 2);
	bad |= mc_buf_add(&b, "\r\n", 2) | mc_buf_add(&b, body ? body : "", len);
	if (bad) {
		mc_buf_free(&b);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	out->truncated = msg->body_bytes > len;
	if (!(m = mc_mime_message(b.s, b.len, &why))) {
		out->unreadable = why;
		mc_buf_free(&b);
		return MC_OK;
	}
	walk(g_mime_message_get_mime_part(m), 0, out);
	g_object_unref(m);
	mc_buf_free(&b);
	return MC_OK;
}
