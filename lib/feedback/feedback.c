/*
 * What an input is, and where its reports go: a report file (XML, JSON,
 * gzip or zip of them, told by its first bytes, not its name), or a
 * message -- a report mailed as an attachment (GMime gives the parts and
 * undoes the transfer encodings), or a DMARC failure report (ARF, RFC 6591:
 * message/feedback-report with the message or its headers), whose returned
 * message is verified as the reporting receiver saw it.
 */
#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/mime.h"
#include "common/util.h"
#include "feedback/internal.h"

#define MAX_PARTS 64     /* per multipart */
#define MAX_NESTING 16   /* message in message, multipart in multipart */

/* ---- report files ---- */

static bool zip_magic(const unsigned char *s, size_t n)
{
	return n >= 4 && s[0] == 'P' && s[1] == 'K' && s[2] == 3 && s[3] == 4;
}

static const unsigned char *skip_space(const unsigned char *s, size_t *n)
{
	if (*n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) { /* UTF-8 BOM */
		s += 3;
		*n -= 3;
	}
	while (*n && isspace(*s)) {
		s++;
		(*n)--;
	}
	return s;
}

bool mc_feedback_is_report_file(const unsigned char *s, size_t n)
{
	if ((n >= 2 && s[0] == 0x1f && s[1] == 0x8b) || zip_magic(s, n))
		return true;
	s = skip_space(s, &n);
	return n && (*s == '<' || *s == '{');
}

/* Content after any gzip: XML (aggregate) or JSON (TLS). */
static void read_content(mc_feedback *f, fb_in *in, const char *what)
{
	const unsigned char *start;
	size_t n;
	char why[300] = "";
	bool ok;

	fb_gunzip_if(in);
	n = fb_peek(in, &start, 512);
	start = skip_space(start, &n);
	if (!n) {
		fb_unreadable(f, what, in->err[0] ? in->err : in->gz ? "the gzip data is empty"
		                                                     : "the file is empty");
		return;
	}
	if (*start == '<')
		ok = fb_read_aggregate(f, in, what, why, sizeof(why));
	else if (*start == '{')
		ok = fb_read_tls(f, in, what, why, sizeof(why));
	else {
		ok = false;
		snprintf(why, sizeof(why), "neither XML (an aggregate report) nor JSON (a TLS report)%s",
		         in->gz ? " inside the gzip data" : "");
	}
	if (!ok)
		fb_unreadable(f, what, why);
}

static void read_zip(mc_feedback *f, zip_t *z, const char *what)
{
	zip_int64_t n = zip_get_num_entries(z, 0);
	uint64_t total = 0;
	size_t read = 0, bad = 0;  /* members read; unreadable ones in a row */

	for (zip_int64_t i = 0; i < n && read < MC_FEEDBACK_MAX_ZIP_ENTRIES; i++) {
		zip_stat_t st;
		fb_in in = {0};
		char *name;

		if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME))
			continue;
		size_t len = strlen(st.name);

		if (!len || st.name[len - 1] == '/' || !strncmp(st.name, "__MACOSX/", 9))
			continue; /* directories, macOS resource forks */
		read++;
		name = mc_asprintf("%s: %s", what, st.name);
		uint64_t before = fb_result(f)->unreadable_total;

		if (!(in.zf = zip_fopen_index(z, (zip_uint64_t)i, 0))) {
			fb_unreadable(f, name ? name : what, zip_error_strerror(zip_get_error(z)));
		} else {
			read_content(f, &in, name ? name : what);
			total += in.out;
		}
		bad = fb_result(f)->unreadable_total > before ? bad + 1 : 0;
		fb_in_close(&in);
		free(name);
		if (total > MC_FEEDBACK_MAX_UNPACKED) {
			fb_unreadable(f, what, "more than 1 GiB unpacked from the zip: the rest is not read");
			break;
		}
		if (bad == 3 && i + 1 < n) {
			fb_unreadable(f, what, "three members in a row are no report: the rest of the "
			              "zip is not read");
			break;
		}
	}
	if (read == MC_FEEDBACK_MAX_ZIP_ENTRIES && n > (zip_int64_t)read)
		fb_unreadable(f, what, "more than 64 members: the first 64 were read");
	if (n <= 0)
		fb_unreadable(f, what, "the zip archive is empty");
}

static void read_zip_bytes(mc_feedback *f, const void *data, size_t len, const char *what)
{
	zip_error_t err;
	zip_source_t *src;
	zip_t *z;

	zip_error_init(&err);
	if (!(src = zip_source_buffer_create(data, len, 0, &err))) {
		fb_unreadable(f, what, zip_error_strerror(&err));
		zip_error_fini(&err);
		return;
	}
	if (!(z = zip_open_from_source(src, ZIP_RDONLY, &err))) {
		fb_unreadable(f, what, zip_error_strerror(&err));
		zip_source_free(src);
		zip_error_fini(&err);
		return;
	}
	read_zip(f, z, what);
	zip_discard(z);
	zip_error_fini(&err);
}

static void read_file_bytes(mc_feedback *f, const char *data, size_t len, const char *what)
{
	if (zip_magic((const unsigned char *)data, len)) {
		read_zip_bytes(f, data, len, what);
	} else {
		fb_in in = {.mem = (const unsigned char *)data, .mem_len = len};

		read_content(f, &in, what);
		fb_in_close(&in);
	}
}

/* The head already read, then the rest of the stream: a FILE for the
 * mbox reader, which must see the file from its first byte. */
struct rewound {
	const unsigned char *head;
	size_t n, pos;
	FILE *fp;
};

static ssize_t rewound_read(void *cookie, char *buf, size_t size)
{
	struct rewound *r = cookie;

	if (r->pos < r->n) {
		size_t k = r->n - r->pos < size ? r->n - r->pos : size;

		memcpy(buf, r->head + r->pos, k);
		r->pos += k;
		return (ssize_t)k;
	}
	size_t got = fread(buf, 1, size, r->fp);

	return got || !ferror(r->fp) ? (ssize_t)got : -1;
}

static mc_status add_bytes(mc_feedback *f, const char *data, size_t len, const char *what);

/* A message of an mbox or stream, whole. */
struct mail {
	mc_feedback *f;
	const char *what;
};

static mc_status on_message(void *arg, const char *data, size_t len, size_t number, bool more,
                            bool too_big)
{
	struct mail *m = arg;
	char *name = more || number > 1 ? mc_asprintf("%s, message %zu", m->what, number)
	                                : mc_strdup(m->what);
	mc_status st = MC_OK;

	if (too_big)
		fb_unreadable(m->f, name ? name : m->what, "a message larger than 64 MiB");
	else
		st = add_bytes(m->f, data, len, name ? name : m->what);
	free(name);
	if (st == MC_OK)
		st = fb_sink_status(m->f); /* a sink that failed stops the mbox */
	return st;
}

/* A zip: libzip needs to seek -- a file directly, a pipe through memory
 * (at most MC_FEEDBACK_MAX_MESSAGE). head[n] was read already. */
static mc_status add_zip(mc_feedback *f, FILE *fp, const unsigned char *head, size_t n,
                         const char *what)
{
	int fd = fileno(fp), copy, err = 0;
	zip_t *z;
	char *buf;
	size_t len = n;

	if (lseek(fd, 0, SEEK_SET) == 0 && (copy = dup(fd)) >= 0) {
		if (!(z = zip_fdopen(copy, ZIP_RDONLY, &err))) {
			zip_error_t ze;

			close(copy);
			zip_error_init_with_code(&ze, err);
			fb_unreadable(f, what, zip_error_strerror(&ze));
			zip_error_fini(&ze);
			return MC_OK;
		}
		read_zip(f, z, what);
		zip_discard(z);
		return MC_OK;
	}
	if (!(buf = malloc(MC_FEEDBACK_MAX_MESSAGE)))
		return mc_error_set(MC_ENOMEM, "out of memory");
	memcpy(buf, head, n);
	while (len < MC_FEEDBACK_MAX_MESSAGE &&
	       (n = fread(buf + len, 1, MC_FEEDBACK_MAX_MESSAGE - len, fp)) > 0)
		len += n;
	if (len == MC_FEEDBACK_MAX_MESSAGE && getc(fp) != EOF)
		fb_unreadable(f, what, "a zip larger than 64 MiB on standard input: give it as a file");
	else
		read_zip_bytes(f, buf, len, what);
	free(buf);
	return MC_OK;
}

/* Mail: an mbox of messages, or one message; head[n] was read already. */
static mc_status add_mail(mc_feedback *f, FILE *fp, const unsigned char *head, size_t n,
                          const char *what)
{
	struct rewound rw = {head, n, 0, fp};
	cookie_io_functions_t io = {.read = rewound_read};
	FILE *all = fopencookie(&rw, "r", io);
	struct mail m = {f, what};
	mc_msg_collector col = {.max = MC_FEEDBACK_MAX_MESSAGE, .message = on_message, .arg = &m};
	const mc_mbox_sink sink = mc_msg_collector_sink(&col);
	mc_status st = MC_OK;

	if (!all)
		return mc_error_set(MC_ENOMEM, "out of memory");
	if (n == 5 && !memcmp(head, "From ", 5)) {
		if ((st = mc_mbox_read(all, what, &sink)) != MC_OK && st != MC_ENOMEM) {
			fb_unreadable(f, what, mc_error_last());
			st = MC_OK;
		}
	} else if ((st = sink.begin(sink.arg)) == MC_OK) { /* one message */
		char chunk[65536];
		size_t got;

		while (st == MC_OK && (got = fread(chunk, 1, sizeof(chunk), all)) > 0)
			st = sink.push(sink.arg, chunk, got);
		if (st == MC_OK)
			st = sink.end(sink.arg, false);
	}
	fclose(all);
	mc_msg_collector_free(&col);
	return st;
}

static mc_status add_stream(mc_feedback *f, FILE *fp, const char *what)
{
	unsigned char head[5];
	size_t n = fread(head, 1, sizeof(head), fp);

	if (zip_magic(head, n))
		return add_zip(f, fp, head, n, what);
	if (mc_feedback_is_report_file(head, n)) {
		fb_in in = {.fp = fp};

		memcpy(in.raw_back, head, n);
		in.n_raw_back = n;
		read_content(f, &in, what);
		fb_in_close(&in);
		return MC_OK;
	}
	return add_mail(f, fp, head, n, what);
}

/* ---- messages ---- */

static char *field(const char *text, size_t len, const char *name)
{
	size_t k = strlen(name);

	if (!text) /* an empty part */
		return NULL;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t line = eol ? (size_t)(eol - p) : (size_t)(end - p);

		if (line > k && !strncasecmp(p, name, k) && p[k] == ':') {
			const char *v = p + k + 1;
			mc_buf b = {0};

			/* unfold: continuation lines start with white space */
			for (;;) {
				size_t n = (size_t)((eol ? eol : end) - v);

				while (n && (v[n - 1] == '\r'))
					n--;
				mc_buf_add(&b, v, n);
				if (!eol || eol + 1 >= end || (eol[1] != ' ' && eol[1] != '\t'))
					break;
				v = eol + 1;
				eol = memchr(v, '\n', (size_t)(end - v));
			}
			char *s = mc_buf_take(&b);

			if (s) { /* trimmed */
				size_t lead = strspn(s, " \t"), n = strlen(s);

				while (n > lead && isspace((unsigned char)s[n - 1]))
					n--;
				memmove(s, s + lead, n - lead);
				s[n - lead] = '\0';
			}
			return s;
		}
		p += line + 1;
	}
	return NULL;
}

struct walk {
	mc_feedback *f;
	const char *what;
	int depth;
	GByteArray *arf;          /* message/feedback-report */
	GByteArray *returned;     /* the message or headers it returns */
	const char *returned_kind;
	size_t found;             /* reports found in attachments */
};

static bool report_part(GMimeContentType *ct, const char *filename)
{
	static const char *const suffixes[] = {".xml", ".gz", ".zip", ".json", ".gzip"};

	if (g_mime_content_type_is_type(ct, "application", "*") ||
	    g_mime_content_type_is_type(ct, "text", "xml"))
		return true;
	for (size_t i = 0; filename && i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		size_t n = strlen(filename), k = strlen(suffixes[i]);

		if (n >= k && !strcasecmp(filename + n - k, suffixes[i]))
			return true;
	}
	return false;
}

static void walk(GMimeObject *obj, struct walk *w);

static void walk_message(GMimeMessage *m, struct walk *w)
{
	GMimeObject *body = m ? g_mime_message_get_mime_part(m) : NULL;

	if (body)
		walk(body, w);
}

static void walk(GMimeObject *obj, struct walk *w)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	if (++w->depth > MAX_NESTING) {
		w->depth--;
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n && i < MAX_PARTS; i++)
			walk(g_mime_multipart_get_part(mp, i), w);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));

		if (w->arf && !w->returned && m) { /* the message a failure report returns */
			w->returned = mc_mime_bytes(m);
			w->returned_kind = "message";
		} else {                           /* a forwarded report mail */
			walk_message(m, w);
		}
	} else if (GMIME_IS_PART(obj) && ct) {
		const char *filename = g_mime_part_get_filename(GMIME_PART(obj));

		if (g_mime_content_type_is_type(ct, "message", "feedback-report")) {
			if (!w->arf)
				w->arf = mc_mime_content(GMIME_PART(obj), 65536);
		} else if (g_mime_content_type_is_type(ct, "text", "rfc822-headers") ||
		           g_mime_content_type_is_type(ct, "message", "global-headers")) {
			if (!w->returned && (w->returned = mc_mime_content(GMIME_PART(obj), 1 << 20))) {
				w->returned_kind = "headers";
				g_byte_array_append(w->returned, (const guint8 *)"\r\n\r\n", 4);
			}
		} else if (report_part(ct, filename)) {
			GByteArray *a = mc_mime_content(GMIME_PART(obj), MC_FEEDBACK_MAX_MESSAGE);

			if (a && mc_feedback_is_report_file(a->data, a->len)) {
				char *name = mc_asprintf("%s: %s", w->what, filename ? filename : "attachment");

				w->found++;
				read_file_bytes(w->f, (const char *)a->data, a->len, name ? name : w->what);
				free(name);
			}
			if (a)
				g_byte_array_free(a, TRUE);
		}
	}
	w->depth--;
}

/* A failure report: its fields, and verify on what it returned with the
 * client and envelope sender it names. */
/* "<addr>" to "addr"; the null sender "<>" to NULL. */
static char *bare_address(char *a)
{
	char *lt = a ? strchr(a, '<') : NULL, *gt = lt ? strchr(lt, '>') : NULL;

	if (lt && gt) {
		memmove(a, lt + 1, (size_t)(gt - lt - 1));
		a[gt - lt - 1] = '\0';
	}
	if (a && !*a) {
		free(a);
		return NULL;
	}
	return a;
}

/* The returned message verified as the reporter's receiver would have,
 * from the report's Source-IP and Original-Mail-From. */
static mc_status check_returned(mc_feedback *f, mc_fb_failure *x, const GByteArray *returned,
                                const char *what)
{
	mc_verify_request req = {.ip = x->source_ip, .mail_from = x->original_mail_from,
	                         .now = fb_opts(f)->now, .authserv_id = fb_opts(f)->authserv_id};
	mc_verifier *v = NULL;
	mc_msg_reader *rd = NULL;
	mc_message msg = {0};
	mc_status st;
	char rev[80];

	if (req.ip && !mc_ip_reverse_name(req.ip, rev, sizeof(rev)))
		req.ip = NULL; /* not an address: the trace's client instead */
	if (!(x->check = calloc(1, sizeof(*x->check))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	if ((st = mc_verifier_new(&v, fb_resolver(f), &req)) == MC_OK &&
	    (st = mc_msg_reader_new(&rd, NULL, mc_verify_headers, mc_verify_body, v)) == MC_OK &&
	    (st = mc_msg_push(rd, (const char *)returned->data, returned->len)) == MC_OK &&
	    (st = mc_msg_finish(rd, &msg)) == MC_OK)
		st = mc_verify_finish(v, &msg, x->check);
	mc_message_clear(&msg);
	mc_msg_reader_free(rd);
	mc_verifier_free(v);
	if (st != MC_OK) {
		mc_verify_result_clear(x->check);
		free(x->check);
		x->check = NULL;
		if (st == MC_ENOMEM)
			return st;
		fb_unreadable(f, what, "the message the failure report returns cannot be read");
	}
	return MC_OK;
}

/* The fields of the report (the ARF part: RFC 5965 section 3.1, RFC 6591
 * section 3) into x. */
static void failure_fields(mc_fb_failure *x, GMimeMessage *m, const struct walk *w)
{
	const char *arf = (const char *)w->arf->data;
	size_t len = w->arf->len;

	x->what = mc_strdup(w->what);
	x->reporter = mc_strdup(g_mime_object_get_header(GMIME_OBJECT(m), "From"));
	x->feedback_type = field(arf, len, "Feedback-Type");
	x->auth_failure = field(arf, len, "Auth-Failure");
	x->reported_domain = field(arf, len, "Reported-Domain");
	x->source_ip = field(arf, len, "Source-IP");
	x->original_mail_from = bare_address(field(arf, len, "Original-Mail-From"));
	x->arrival_date = field(arf, len, "Arrival-Date");
	x->authentication_results = field(arf, len, "Authentication-Results");
	x->dkim_domain = field(arf, len, "DKIM-Domain");
	x->dkim_selector = field(arf, len, "DKIM-Selector");
	x->returned = w->returned ? w->returned_kind : NULL;
}

static void failure_fields_free(mc_fb_failure *x)
{
	char **s[] = {&x->what, &x->reporter, &x->feedback_type, &x->auth_failure,
	              &x->reported_domain, &x->source_ip, &x->original_mail_from,
	              &x->arrival_date, &x->authentication_results, &x->dkim_domain,
	              &x->dkim_selector};

	for (size_t i = 0; i < sizeof(s) / sizeof(*s); i++)
		free(*s[i]);
}

static mc_status failure(mc_feedback *f, GMimeMessage *m, struct walk *w, const char *data,
                         size_t len)
{
	const mc_feedback_sink *k = fb_sink(f);
	mc_fb_failure tmp = {0}, *x;

	failure_fields(&tmp, m, w);
	if (k && fb_sink_result(f, k->failure_report(k->arg, &tmp, data, len)) != MC_OK) {
		failure_fields_free(&tmp);
		return MC_OK; /* the error comes back from fb_sink_status */
	}
	if (!(x = fb_new_failure(f))) {
		failure_fields_free(&tmp);
		return MC_OK; /* counted, not kept */
	}
	*x = tmp;
	if (!w->returned || !fb_resolver(f)) {
		x->returned = NULL;
		return MC_OK;
	}
	return check_returned(f, x, w->returned, w->what);
}

static mc_status add_bytes(mc_feedback *f, const char *data, size_t len, const char *what)
{
	GMimeMessage *m;
	const char *why;
	struct walk w = {.f = f, .what = what};
	mc_status st = MC_OK;

	if (mc_feedback_is_report_file((const unsigned char *)data, len)) {
		read_file_bytes(f, data, len, what);
		return MC_OK;
	}
	if (len > MC_FEEDBACK_MAX_MESSAGE) {
		fb_unreadable(f, what, "a message larger than 64 MiB");
		return MC_OK;
	}
	if (!len) {
		fb_unreadable(f, what, "empty");
		return MC_OK;
	}
	if (!(m = mc_mime_message(data, len, &why))) {
		fb_unreadable(f, what, strncmp(why, "no header", 9) ? why
		              : "neither a report file (XML, JSON, gzip, zip) nor a message");
		return MC_OK;
	}
	walk_message(m, &w);
	if (w.arf)
		st = failure(f, m, &w, data, len);
	else if (!w.found)
		fb_skipped(f, what, "a message without a report: no aggregate report (XML, gzip or "
		              "zip) attached, no TLS report, no failure report (message/feedback-report)");
	if (w.arf)
		g_byte_array_free(w.arf, TRUE);
	if (w.returned)
		g_byte_array_free(w.returned, TRUE);
	g_object_unref(m);
	return st;
}

/* A sink that failed stops the reading: its error is returned. */
mc_status mc_feedback_add_stream(mc_feedback *f, FILE *fp, const char *what)
{
	mc_status st = fb_sink_status(f);

	if (st == MC_OK && (st = add_stream(f, fp, what)) == MC_OK)
		st = fb_sink_status(f);
	return st;
}

mc_status mc_feedback_add_bytes(mc_feedback *f, const char *data, size_t len, const char *what)
{
	mc_status st = fb_sink_status(f);

	if (st == MC_OK && (st = add_bytes(f, data, len, what)) == MC_OK)
		st = fb_sink_status(f);
	return st;
}
