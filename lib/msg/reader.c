/*
 * The message reader: a push parser with two states (header block, body).
 * Headers are collected raw and unfolded; the body is passed on as CRLF
 * text in chunks and never kept. Limits bound every buffer.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "mailcheck/msg.h"

#define OUT_CHUNK 65536

struct mc_msg_reader {
	mc_msg_limits lim;
	mc_msg_headers_fn on_headers;
	mc_msg_body_fn on_body;
	void *arg;
	mc_message msg;
	size_t cap_headers;
	bool in_body, headers_done, prev_cr, failed;
	size_t lineno, header_bytes;
	mc_buf line;          /* the header line being read */
	mc_buf raw, value;    /* the header field being assembled */
	bool pending;         /* raw/value hold a field */
	char out[OUT_CHUNK];  /* body bytes on their way out */
	size_t n_out;
};

mc_status mc_msg_reader_new(mc_msg_reader **out, const mc_msg_limits *limits,
                            mc_msg_headers_fn on_headers, mc_msg_body_fn on_body, void *arg)
{
	mc_msg_reader *r = malloc(sizeof(*r));

	if (!r)
		return mc_error_set(MC_ENOMEM, "out of memory");
	/* all but the body buffer, which is written before it is read: clearing
	 * it too cost a batch more than reading its messages */
	memset(r, 0, offsetof(mc_msg_reader, out));
	r->n_out = 0;
	r->lim.max_line = limits && limits->max_line ? limits->max_line : 64 * 1024;
	r->lim.max_headers = limits && limits->max_headers ? limits->max_headers : 10000;
	r->lim.max_header_bytes = limits && limits->max_header_bytes ? limits->max_header_bytes
	                                                              : 4 * 1024 * 1024;
	r->on_headers = on_headers;
	r->on_body = on_body;
	r->arg = arg;
	*out = r;
	return MC_OK;
}

void mc_msg_reader_free(mc_msg_reader *r)
{
	if (!r)
		return;
	mc_message_clear(&r->msg);
	mc_buf_free(&r->line);
	mc_buf_free(&r->raw);
	mc_buf_free(&r->value);
	free(r);
}

static mc_status fail(mc_msg_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static mc_status fail(mc_msg_reader *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->failed = true;
	return mc_error_set(MC_EPARSE, "%s", msg);
}

/* Move the assembled field into the header list. */
static mc_status flush_field(mc_msg_reader *r)
{
	mc_header h = {0};
	const char *colon;

	if (!r->pending)
		return MC_OK;
	r->pending = false;
	if (r->msg.n_headers >= r->lim.max_headers)
		return fail(r, "more than %zu header fields (the limit)", r->lim.max_headers);
	colon = memchr(r->raw.s, ':', r->raw.len);
	h.name = mc_strndup(r->raw.s, (size_t)(colon - r->raw.s));
	h.raw_len = r->raw.len;
	h.raw = mc_buf_take(&r->raw);
	h.value_len = r->value.len;
	h.value = mc_buf_take(&r->value);
	if (!h.name || !h.raw || !h.value ||
	    mc_grow(&r->msg.headers, &r->cap_headers, r->msg.n_headers + 1, sizeof(h)) < 0) {
		free(h.name);
		free(h.raw);
		free(h.value);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	/* the unfolded value without the whitespace around it */
	size_t start = 0;

	while (start < h.value_len && (h.value[start] == ' ' || h.value[start] == '\t'))
		start++;
	while (h.value_len > start &&
	       (h.value[h.value_len - 1] == ' ' || h.value[h.value_len - 1] == '\t'))
		h.value_len--;
	memmove(h.value, h.value + start, h.value_len - start);
	h.value_len -= start;
	h.value[h.value_len] = '\0';
	r->msg.headers[r->msg.n_headers++] = h;
	return MC_OK;
}

/* RFC 5322 2.2: field-name = 1*(%d33-57 / %d59-126) */
static bool is_field_start(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] != ':' && (unsigned char)s[i] > 32 && (unsigned char)s[i] < 127)
		i++;
	return i > 0 && i < n && s[i] == ':';
}

static mc_status header_line(mc_msg_reader *r, const char *s, size_t n)
{
	mc_status st;

	r->header_bytes += n + 2;
	if (r->header_bytes > r->lim.max_header_bytes)
		return fail(r, "header block larger than %zu bytes (the limit)", r->lim.max_header_bytes);
	if (n > 0 && (s[0] == ' ' || s[0] == '\t')) { /* folded continuation */
		if (!r->pending) {
			r->msg.skipped_lines++;
			return MC_OK;
		}
		if (mc_buf_add(&r->raw, "\r\n", 2) < 0 || mc_buf_add(&r->raw, s, n) < 0 ||
		    mc_buf_add(&r->value, s, n) < 0)
			return mc_error_set(MC_ENOMEM, "out of memory");
		return MC_OK;
	}
	if ((st = flush_field(r)) != MC_OK)
		return st;
	if (!is_field_start(s, n)) {
		if (r->lineno == 1 && n >= 5 && memcmp(s, "From ", 5) == 0 && !r->msg.mbox_from)
			r->msg.mbox_from = mc_strndup(s + 5, n - 5);
		else
			r->msg.skipped_lines++;
		return MC_OK;
	}
	const char *colon = memchr(s, ':', n);

	r->pending = true;
	if (mc_buf_add(&r->raw, s, n) < 0 ||
	    mc_buf_add(&r->value, colon + 1, n - (size_t)(colon + 1 - s)) < 0)
		return mc_error_set(MC_ENOMEM, "out of memory");
	return MC_OK;
}

static mc_status end_of_headers(mc_msg_reader *r, bool has_body)
{
	mc_status st = flush_field(r);

	if (st != MC_OK)
		return st;
	/* RFC 5322 3.6: a message has at least Date and From; with no field at
	 * all this is not a message, and every verdict on it would be noise */
	if (r->msg.n_headers == 0) {
		if (r->header_bytes == 0 && !has_body)
			return fail(r, "the message is empty");
		return fail(r, "no header field ('Name: value') before the first blank line: "
		               "this is not an email message");
	}
	r->headers_done = true;
	r->msg.has_body = has_body;
	return r->on_headers ? r->on_headers(r->arg, &r->msg) : MC_OK;
}

static mc_status flush_body(mc_msg_reader *r)
{
	mc_status st = MC_OK;

	if (r->n_out && r->on_body)
		st = r->on_body(r->arg, r->out, r->n_out);
	r->msg.body_bytes += r->n_out;
	r->n_out = 0;
	return st;
}

static mc_status body_byte(mc_msg_reader *r, char c)
{
	mc_status st;

	if (r->n_out + 2 > sizeof(r->out) && (st = flush_body(r)) != MC_OK)
		return st;
	if (c == '\n' && !r->prev_cr) { /* bare LF: read as CRLF */
		r->out[r->n_out++] = '\r';
		r->msg.lf_only = true;
	}
	r->out[r->n_out++] = c;
	r->prev_cr = c == '\r';
	return MC_OK;
}

/* One byte of the header block. */
static mc_status header_byte(mc_msg_reader *r, char c)
{
	size_t n;

	if (c != '\n') {
		if (r->line.len >= r->lim.max_line)
			return fail(r, "header line %zu is longer than %zu bytes (the limit)",
			            r->lineno + 1, r->lim.max_line);
		return mc_buf_add(&r->line, &c, 1) < 0 ? mc_error_set(MC_ENOMEM, "out of memory")
		                                        : MC_OK;
	}
	r->lineno++;
	n = r->line.len;
	if (n && r->line.s[n - 1] == '\r')
		n--;
	else
		r->msg.lf_only = true;
	mc_status st = n == 0 ? end_of_headers(r, true) : header_line(r, r->line.s, n);

	r->line.len = 0;
	if (n == 0)
		r->in_body = true;
	return st;
}

/* Body bytes up to the end of buf, copied in runs between newlines. */
static mc_status body_run(mc_msg_reader *r, const char *p, size_t n)
{
	mc_status st;

	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t run = nl ? (size_t)(nl - p) : n;

		while (run) {
			size_t room = sizeof(r->out) - 2 - r->n_out, k = run < room ? run : room;

			if (room == 0) {
				if ((st = flush_body(r)) != MC_OK)
					return st;
				continue;
			}
			memcpy(r->out + r->n_out, p, k);
			r->n_out += k;
			r->prev_cr = p[k - 1] == '\r';
			p += k;
			n -= k;
			run -= k;
		}
		if (nl) {
			if ((st = body_byte(r, '\n')) != MC_OK)
				return st;
			p++;
			n--;
		}
	}
	return MC_OK;
}

/* Header bytes: the line so far grows by runs up to each newline. */
static mc_status header_run(mc_msg_reader *r, const char *p, size_t n, size_t *used)
{
	const char *nl = memchr(p, '\n', n);
	size_t run = nl ? (size_t)(nl - p) : n;

	*used = run;
	if (r->line.len + run > r->lim.max_line)
		return fail(r, "header line %zu is longer than %zu bytes (the limit)", r->lineno + 1,
		            r->lim.max_line);
	if (run && mc_buf_add(&r->line, p, run) < 0)
		return mc_error_set(MC_ENOMEM, "out of memory");
	if (!nl)
		return MC_OK;
	*used = run + 1;
	return header_byte(r, '\n');
}

mc_status mc_msg_push(mc_msg_reader *r, const char *buf, size_t len)
{
	mc_status st = MC_OK;

	if (r->failed)
		return MC_EPARSE;
	for (size_t i = 0; i < len && st == MC_OK;) {
		size_t used;

		if (r->in_body) {
			st = body_run(r, buf + i, len - i);
			break;
		}
		st = header_run(r, buf + i, len - i, &used);
		i += used;
	}
	if (st == MC_OK && r->in_body)
		st = flush_body(r);
	return st;
}

mc_status mc_msg_finish(mc_msg_reader *r, mc_message *out)
{
	mc_status st = MC_OK;

	memset(out, 0, sizeof(*out));
	if (r->failed)
		return MC_EPARSE;
	if (!r->in_body) {
		/* no blank line: a last line without newline, then no body */
		if (r->line.len && r->line.s[r->line.len - 1] == '\r')
			r->line.len--;
		if (r->line.len)
			st = header_line(r, r->line.s, r->line.len);
		if (st == MC_OK)
			st = end_of_headers(r, false);
	} else {
		st = flush_body(r);
	}
	if (st != MC_OK)
		return st;
	*out = r->msg;
	memset(&r->msg, 0, sizeof(r->msg));
	return MC_OK;
}

mc_status mc_msg_read_stream(FILE *fp, const char *what, const mc_msg_limits *limits,
                             mc_msg_headers_fn on_headers, mc_msg_body_fn on_body,
                             void *arg, mc_message *out)
{
	mc_msg_reader *r;
	char buf[65536];
	size_t n;
	mc_status st = mc_msg_reader_new(&r, limits, on_headers, on_body, arg);

	memset(out, 0, sizeof(*out));
	if (st != MC_OK)
		return st;
	while (st == MC_OK && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
		st = mc_msg_push(r, buf, n);
	if (st == MC_OK && ferror(fp))
		st = mc_error_set(MC_EIO, "cannot read %s: %s", what, mc_strerror(errno));
	if (st == MC_OK)
		st = mc_msg_finish(r, out);
	if (st == MC_EPARSE) {
		char msg[600];

		snprintf(msg, sizeof(msg), "%s", mc_error_last());
		mc_error_set(MC_EPARSE, "cannot read the message in %s: %s", what, msg);
	}
	mc_msg_reader_free(r);
	return st;
}

void mc_message_clear(mc_message *msg)
{
	for (size_t i = 0; i < msg->n_headers; i++) {
		free(msg->headers[i].name);
		free(msg->headers[i].raw);
		free(msg->headers[i].value);
	}
	free(msg->headers);
	free(msg->mbox_from);
	memset(msg, 0, sizeof(*msg));
}

const mc_header *mc_message_find(const mc_message *msg, const char *name, size_t *i)
{
	for (; *i < msg->n_headers; (*i)++)
		/* the first letters compared first: most names differ there */
		if ((msg->headers[*i].name[0] | 0x20) == (name[0] | 0x20) &&
		    strcasecmp(msg->headers[*i].name, name) == 0)
			return &msg->headers[(*i)++];
	return NULL;
}

size_t mc_message_count(const mc_message *msg, const char *name)
{
	size_t n = 0, i = 0;

	while (mc_message_find(msg, name, &i))
		n++;
	return n;
}
