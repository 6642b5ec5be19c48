/*
 * Reading a bounce. GMime gives the MIME structure and the decoded parts;
 * the delivery-status fields (RFC 3464 2.2-2.3: per-message fields, then a
 * group per recipient, blank-line separated, folded like header fields) and
 * the non-standard reports (the text part: "Remote host said:", "SMTP error
 * from remote mail server", "<<< 550 ...", X-Failed-Recipients) are read
 * here, each bounded. The cause of each recipient's failure is in
 * classify.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounce/internal.h"
#include "common/mime.h"
#include "common/util.h"

/* ---- the parts ---- */

struct parts {
	GByteArray *dsn;          /* message/delivery-status or global-delivery-status */
	GByteArray *orig;         /* the returned original, as bytes */
	bool feedback;            /* message/feedback-report (ARF) */
	const char *original;     /* "message" or "headers" */
	GByteArray *text;         /* the first text/plain part, decoded */
	int depth;
};

/* A leaf part's content, transfer encoding undone (bounded). */
static GByteArray *content(GMimePart *part)
{
	return mc_mime_content(part, MC_BOUNCE_MAX_BYTES);
}

static void walk(GMimeObject *obj, struct parts *p)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	if (++p->depth > 32) /* nesting bound */
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n && i < 64; i++)
			walk(g_mime_multipart_get_part(mp, i), p);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));

		if (!p->original && m) { /* the returned original: kept as bytes, not read into */
			p->original = "message";
			p->orig = mc_mime_bytes(m);
		}
	} else if (GMIME_IS_PART(obj) && ct) {
		if (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
		    g_mime_content_type_is_type(ct, "message", "global-delivery-status")) {
			if (!p->dsn)
				p->dsn = mc_mime_text(GMIME_PART(obj), MC_BOUNCE_MAX_BYTES);
		} else if (g_mime_content_type_is_type(ct, "message", "feedback-report")) {
			p->feedback = true;
		} else if (g_mime_content_type_is_type(ct, "text", "rfc822-headers") ||
		           g_mime_content_type_is_type(ct, "message", "global-headers")) {
			if (!p->original && (p->orig = content(GMIME_PART(obj)))) {
				p->original = "headers";
				g_byte_array_append(p->orig, (const guint8 *)"\r\n\r\n", 4);
			}
		} else if (g_mime_content_type_is_type(ct, "text", "plain") && !p->text) {
			p->text = mc_mime_text(GMIME_PART(obj), MC_BOUNCE_MAX_BYTES);
		}
	}
	p->depth--;
}

/* ---- RFC 3464 fields ---- */

/* One field group (per-message or per-recipient): name/value pairs,
 * unfolded, comments kept. */
struct field {
	char name[40];
	char *value;
};

struct group {
	struct field f[32];
	size_t n;
};

static void group_clear(struct group *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->f[i].value);
	g->n = 0;
}

static const char *get(const struct group *g, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcasecmp(g->f[i].name, name))
			return g->f[i].value;
	return NULL;
}

/* The lines of the delivery-status text into groups; returns how many. */
/* A folded line (l bytes at s, leading WSP) joins the field before it with
 * one space, up to 8 KiB a value. */
static void unfold_into(struct field *last, const char *s, size_t l)
{
	size_t w = 0;
	char *v;

	while (w < l && (s[w] == ' ' || s[w] == '\t'))
		w++;
	v = mc_asprintf("%s %.*s", last->value, (int)(l - w), s + w);
	if (v && strlen(v) < 8192) {
		free(last->value);
		last->value = v;
	} else {
		free(v);
	}
}

/* A "Name: value" line (l bytes at s) into group g; the field, or NULL
 * when it is none or there is no room. */
static struct field *add_field(struct group *g, const char *s, size_t l)
{
	const char *colon = memchr(s, ':', l), *v;
	struct field *f;

	if (!g || !colon || (size_t)(colon - s) >= sizeof(g->f[0].name) ||
	    g->n >= sizeof(g->f) / sizeof(g->f[0]))
		return NULL;
	f = &g->f[g->n];
	memcpy(f->name, s, (size_t)(colon - s));
	f->name[colon - s] = '\0';
	for (v = colon + 1; v < s + l && (*v == ' ' || *v == '\t'); v++)
		;
	if (!(f->value = mc_strndup(v, (size_t)(s + l - v))))
		return NULL;
	g->n++;
	return f;
}

static size_t dsn_groups(const char *s, size_t len, struct group *groups, size_t max)
{
	size_t n = 0, i = 0;
	struct group *g = NULL;
	struct field *last = NULL;

	while (i < len && n <= max) {
		size_t e = i, l;

		while (e < len && s[e] != '\n')
			e++;
		l = e - i;
		if (l && s[i + l - 1] == '\r')
			l--;
		if (l == 0) { /* a blank line ends a group */
			g = NULL;
			last = NULL;
		} else if ((s[i] == ' ' || s[i] == '\t') && last) { /* folded: one space */
			unfold_into(last, s + i, l);
		} else {
			if (!g && n < max) {
				g = &groups[n++];
				g->n = 0;
			}
			last = add_field(g, s + i, l);
		}
		i = e + 1;
	}
	return n;
}

/* "rfc822; user@example.com" -> "user@example.com" */
static char *typed_value(const char *v)
{
	const char *semi = v ? strchr(v, ';') : NULL;
	const char *s = semi ? semi + 1 : v;
	size_t n;

	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
		s++, n -= 2;
	return n ? mc_strndup(s, n) : NULL;
}

/* "5.1.1 (comment)" -> "5.1.1" when it is a status code (RFC 3463). */
static char *status_value(const char *v)
{
	const char *p = v;
	size_t n;

	if (!p)
		return NULL;
	while (*p == ' ')
		p++;
	n = strspn(p, "0123456789.");
	return bounce_is_status(p, n) ? mc_strndup(p, n) : NULL;
}

static void add_rcpt(mc_bounce_result *out, mc_bounce_rcpt *r)
{
	size_t cap = out->n_rcpts;

	if (out->n_rcpts < MC_BOUNCE_MAX_RECIPIENTS &&
	    mc_grow(&out->rcpts, &cap, out->n_rcpts + 1, sizeof(*r)) == 0)
		out->rcpts[out->n_rcpts++] = *r;
	else
		bounce_rcpt_clear(r);
}

static void read_dsn(const char *text, size_t len, mc_bounce_result *out)
{
	struct group *g = calloc(MC_BOUNCE_MAX_RECIPIENTS + 1, sizeof(*g));
	size_t n;

	if (!g)
		return;
	n = dsn_groups(text, len, g, MC_BOUNCE_MAX_RECIPIENTS + 1);
	for (size_t i = 0; i < n && !out->reporting_mta; i++)
		out->reporting_mta = typed_value(get(&g[i], "Reporting-MTA"));
	for (size_t i = 0; i < n && !out->received_from_mta; i++)
		out->received_from_mta = typed_value(get(&g[i], "Received-From-MTA"));
	for (size_t i = 0; i < n; i++) {
		const char *fr = get(&g[i], "Final-Recipient");
		mc_bounce_rcpt r = {0};

		if (!fr)
			continue; /* the per-message group, or no recipient */
		r.recipient = typed_value(fr);
		r.original_recipient = typed_value(get(&g[i], "Original-Recipient"));
		r.action = get(&g[i], "Action") ? mc_strdup(get(&g[i], "Action")) : NULL;
		for (char *c = r.action; c && *c; c++)
			*c = (char)tolower((unsigned char)*c);
		r.status = status_value(get(&g[i], "Status"));
		r.remote_mta = typed_value(get(&g[i], "Remote-MTA"));
		r.diagnostic = typed_value(get(&g[i], "Diagnostic-Code"));
		r.will_retry_until = get(&g[i], "Will-Retry-Until")
		                   ? mc_strdup(get(&g[i], "Will-Retry-Until")) : NULL;
		/* the remote server's own code in its reply says more than the
		 * reporting MTA's summary in Status (often 5.0.0, 4.4.7 "expired" or
		 * its own guess) when both are of the same class */
		char *better = r.diagnostic ? bounce_find_status(r.diagnostic, strlen(r.diagnostic))
		                            : NULL;

		if (better && (!r.status || better[0] == r.status[0])) {
			free(r.status);
			r.status = better;
		} else {
			free(better);
		}
		add_rcpt(out, &r);
	}
	for (size_t i = 0; i < n; i++)
		group_clear(&g[i]);
	free(g);
}

static const char *header(GMimeMessage *m, const char *name)
{
	return g_mime_object_get_header(GMIME_OBJECT(m), name);
}

static bool auto_reply(GMimeMessage *m)
{
	const char *as = header(m, "Auto-Submitted"), *subject = g_mime_message_get_subject(m);

	/* RFC 3834 5.1; and the usual fields of vacation programs */
	if (as && !strncasecmp(as, "auto-replied", 12))
		return true;
	if (header(m, "X-Autoreply") || header(m, "X-Autorespond"))
		return true;
	return subject && (strcasestr(subject, "out of office") || strcasestr(subject, "autoreply") ||
	                   strcasestr(subject, "auto-reply") || strcasestr(subject, "automatic reply"));
}

/* Any of the phrases in s[0..n), case-insensitive. */
static bool says(const char *s, size_t n, const char *const *phrases)
{
	for (; *phrases; phrases++)
		if (s && bounce_strcasestr_n(s, n, *phrases))
			return true;
	return false;
}

/* A vacation or out-of-office reply by its subject, without the RFC 3834
 * fields (many vacation programs and webmailers write none); never a subject
 * a bounce carries. */
static bool vacation_subject(const char *subject)
{
	static const char *const away[] = {
		"out of office", "out of the office", "autoreply", "auto-reply", "auto reply",
		"automatic reply", "auto response", "autoresponse", "automatic response",
		"vacation", "away from my", "abwesenheit", "absence", "r\xc3\xa9ponse automatique",
		"\xe8\x87\xaa\xe5\x8b\x95\xe5\xbf\x9c\xe7\xad\x94", /* 自動応答 */
		"\xe4\xb8\x8d\xe5\x9c\xa8", /* 不在 */
		NULL};
	static const char *const bounce[] = {
		"undeliver", "undelivered", "delivery", "failure", "failed", "returned", "rejected",
		"non remis", "unzustellbar", NULL};

	return subject && says(subject, strlen(subject), away) &&
	       !says(subject, strlen(subject), bounce);
}

/* A challenge-response request (Boxbe, Bluebottle, SpamArrest, a
 * whitelist service): "please confirm you are a person" -- the message is
 * held, not refused, until the sender answers. */
static bool challenge(GMimeMessage *m, const char *subject, const char *text, size_t n)
{
	static const char *const asks[] = {
		"confirm that you are a", "confirm you are a", "verify that you are a",
		"prove that you are a", "prove you are a", "are a real person", "not a robot",
		"add you to my approved", "approved senders list", "challenge/response",
		"challenge-response", "challenge response", "is awaiting your verification", NULL};
	char *status;

	if (header(m, "X-Boxbe-Challenge") || header(m, "X-Bluebottle-Request") ||
	    header(m, "X-Spamarrest-Noauth"))
		return true;
	if (!says(text, n, asks) && !(subject && says(subject, strlen(subject), asks)))
		return false;
	/* a refusal that mentions such words ("550 5.7.1 prove you are ...") is a bounce */
	status = bounce_find_status(text, n);
	free(status);
	return status == NULL;
}

/* A warning that delivery is late, not that it failed: the text of
 * Sendmail's, Exim's, Postfix's and Exchange's delay notices. */
static bool delay_warning(const char *subject, const char *text, size_t n)
{
	static const char *const late[] = {
		"warning message only", "do not need to resend", "delivery delayed",
		"delivery has been delayed", "has been delayed", "delayed delivery",
		"message delayed", "will retry", "still trying", "not yet been delivered",
		"is delayed", "temporary failure report", "will be retried",
		"delivery status notification (delay)", NULL};

	return (subject && says(subject, strlen(subject), late)) || says(text, n, late);
}

/* The body of a one-part message: after its header block. */
static const char *body_of(const char *data, size_t len, size_t *n)
{
	const char *b = memmem(data, len, "\n\r\n", 3), *b2 = memmem(data, len, "\n\n", 2);

	if (!b || (b2 && b2 < b))
		b = b2;
	if (!b) {
		*n = 0;
		return data + len;
	}
	b += b[1] == '\r' ? 3 : 2;
	*n = len - (size_t)(b - data);
	return b;
}

/* The first To address: where the bounce went, the original's sender. */
static char *first_to(GMimeMessage *m)
{
	InternetAddressList *to = g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_TO);
	InternetAddress *a;

	if (!to || internet_address_list_length(to) == 0)
		return NULL;
	a = internet_address_list_get_address(to, 0);
	return INTERNET_ADDRESS_IS_MAILBOX(a)
	       ? mc_strdup(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a))) : NULL;
}

/* A delivery status report pasted into the text (a forwarded DSN, or a
 * report whose MIME structure is broken): its fields read; NULL when the
 * message holds no Final-Recipient field. */
static const char *pasted_dsn(const char *data, size_t len, mc_bounce_result *out)
{
	const char *fr = bounce_strcasestr_n(data, len, "\nFinal-Recipient:");
	const char *rm = fr ? bounce_strcasestr_n(data, (size_t)(fr - data), "\nReporting-MTA:")
	                    : NULL;
	const char *from = rm ? rm + 1 : fr ? fr + 1 : NULL;

	if (!fr)
		return NULL;
	read_dsn(from, len - (size_t)(from - data), out);
	for (size_t i = 0; i < out->n_rcpts; i++)
		if (!out->rcpts[i].diagnostic || !out->rcpts[i].status)
			bounce_reply_for(data, (size_t)(from - data), &out->rcpts[i]);
	return fr;
}

/* A delay warning's recipients are delayed, not failed (but a 5.x.x). */
static void mark_delayed(mc_bounce_result *out)
{
	for (size_t i = 0; i < out->n_rcpts; i++)
		if (!out->rcpts[i].status || out->rcpts[i].status[0] != '5') {
			free(out->rcpts[i].action);
			out->rcpts[i].action = mc_strdup("delayed");
		}
}

/* Non-standard: the text part, or the whole body of a one-part message;
 * an automatic reply only when no report is found (Exim marks its bounces
 * Auto-Submitted: auto-replied too). */
static void non_standard(GMimeMessage *m, const char *data, size_t len, const struct parts *p,
                         mc_bounce_result *out)
{
	const char *failed = header(m, "X-Failed-Recipients");
	const char *fr = pasted_dsn(data, len, out);
	size_t body_len;
	const char *body = body_of(data, len, &body_len);
	const char *text = p->text ? (const char *)p->text->data : body;
	size_t text_len = p->text ? p->text->len : body_len;
	const char *subject = g_mime_message_get_subject(m);

	if (!out->n_rcpts && !failed && vacation_subject(subject)) {
		out->kind = "auto_reply";
		return;
	}
	if (!out->n_rcpts && !failed && challenge(m, subject, text, text_len)) {
		out->kind = "challenge";
		return;
	}
	if (!out->n_rcpts && p->text)
		bounce_read_text(text, text_len, failed, out);
	if (!out->n_rcpts) /* the body of a one-part message, not its headers */
		bounce_read_text(body, body_len, failed, out);
	if (!fr && delay_warning(subject, text, text_len))
		mark_delayed(out);
	out->kind = out->n_rcpts ? (fr ? "dsn" : "text") : auto_reply(m) ? "auto_reply" : NULL;
}

/* The original that came back: its From, and its bytes for the check. */
static void keep_original(GByteArray *orig, mc_bounce_result *out)
{
	GMimeStream *os = g_mime_stream_mem_new_with_buffer((const char *)orig->data, orig->len);
	GMimeParser *op = g_mime_parser_new_with_stream(os);
	GMimeMessage *om = g_mime_parser_construct_message(op, NULL);
	InternetAddressList *from = om ? g_mime_message_get_from(om) : NULL;

	if (from && internet_address_list_length(from) > 0 &&
	    INTERNET_ADDRESS_IS_MAILBOX(internet_address_list_get_address(from, 0)))
		out->original_from = mc_strdup(internet_address_mailbox_get_addr(
			INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(from, 0))));
	if (om)
		g_object_unref(om);
	g_object_unref(op);
	g_object_unref(os);
	if (orig->len && orig->len <= MC_BOUNCE_MAX_BYTES &&
	    (out->original_data = malloc(orig->len))) {
		memcpy(out->original_data, orig->data, orig->len);
		out->original_len = orig->len;
	}
}

mc_status mc_bounce_parse(const char *data, size_t len, mc_bounce_result *out)
{
	GMimeMessage *m;
	const char *why;
	struct parts p = {0};

	memset(out, 0, sizeof(*out));
	if (len > MC_BOUNCE_MAX_BYTES)
		return mc_error_set(MC_EPARSE, "the message is larger than %zu MiB (the limit)",
		                    MC_BOUNCE_MAX_BYTES >> 20);
	if (!len)
		return mc_error_set(MC_EPARSE, "the message is empty");
	if (!(m = mc_mime_message(data, len, &why)))
		return mc_error_set(MC_EPARSE, "%s", why);
	walk(g_mime_message_get_mime_part(m), &p);
	out->original = p.original;
	out->sender = first_to(m);
	if (p.dsn) {
		out->kind = "dsn";
		read_dsn((const char *)p.dsn->data, p.dsn->len, out);
		for (size_t i = 0; p.text && i < out->n_rcpts; i++)
			if (!out->rcpts[i].diagnostic || !out->rcpts[i].status ||
			    !strcmp(out->rcpts[i].status + 1, ".0.0"))
				bounce_reply_for((const char *)p.text->data, p.text->len, &out->rcpts[i]);
	}
	if (!out->n_rcpts && p.feedback)
		out->kind = "feedback_report";
	else if (!out->n_rcpts)
		non_standard(m, data, len, &p, out);
	if (p.orig) {
		keep_original(p.orig, out);
		g_byte_array_unref(p.orig);
	}
	if (p.dsn)
		g_byte_array_unref(p.dsn);
	if (p.text)
		g_byte_array_unref(p.text);
	g_object_unref(m);
	for (size_t i = 0; i < out->n_rcpts; i++)
		bounce_classify(&out->rcpts[i]);
	bounce_where(out);
	return MC_OK;
}

void bounce_rcpt_clear(mc_bounce_rcpt *r)
{
	free(r->recipient);
	free(r->original_recipient);
	free(r->action);
	free(r->status);
	free(r->remote_mta);
	free(r->diagnostic);
	free(r->will_retry_until);
	free(r->cause);
	free(r->cause_text);
	free(r->listed_ip);
	memset(r, 0, sizeof(*r));
}

void mc_bounce_result_clear(mc_bounce_result *res)
{
	for (size_t i = 0; i < res->n_rcpts; i++)
		bounce_rcpt_clear(&res->rcpts[i]);
	free(res->rcpts);
	free(res->reporting_mta);
	free(res->received_from_mta);
	free(res->sender);
	free(res->original_from);
	free(res->original_data);
	free(res->check_ip);
	free(res->blocklist_ip);
	mc_bl_result_clear(&res->blocklists);
	if (res->check) {
		mc_verify_result_clear(res->check);
		free(res->check);
	}
	bounce_domain_check_clear(res->domain_check);
	mc_dns_log_clear(&res->dns);
	mc_findings_clear(&res->findings);
	memset(res, 0, sizeof(*res));
}
