/*
 * DMARC aggregate reports (RFC 7489 appendix C; RFC 9990 with its
 * namespace): libxml2's streaming reader over the bytes as they come, so a
 * report of a million rows is read in flat memory. The parser runs with
 * network access off, no entity substitution, no DTD loading and its
 * default size limits (no XML_PARSE_HUGE); elements nest at most
 * MC_FEEDBACK_MAX_DEPTH deep. Elements are matched by local name along
 * their path, so both schemas (and the old draft's) read the same.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/xmlreader.h>

#include "common/util.h"
#include "feedback/internal.h"

#define MAX_TEXT 1024
#define MAX_WITHOUT_NODE (4 << 20)

/* The element names a report has (local names, any namespace). */
enum {
	E_OTHER,
	E_FEEDBACK,
	E_REPORT_METADATA,
	E_ORG_NAME,
	E_EMAIL,
	E_REPORT_ID,
	E_DATE_RANGE,
	E_BEGIN,
	E_END,
	E_POLICY_PUBLISHED,
	E_DOMAIN,
	E_P,
	E_SP,
	E_ADKIM,
	E_ASPF,
	E_PCT,
	E_RECORD,
	E_ROW,
	E_SOURCE_IP,
	E_COUNT,
	E_POLICY_EVALUATED,
	E_DISPOSITION,
	E_DKIM,
	E_SPF,
	E_REASON,
	E_TYPE,
	E_IDENTIFIERS,
	E_HEADER_FROM,
	E_ENVELOPE_FROM,
	E_AUTH_RESULTS,
	E_SELECTOR,
	E_SCOPE,
	E_RESULT,
};

static const char *const element_names[] = {
	NULL,
	"feedback",
	"report_metadata",
	"org_name",
	"email",
	"report_id",
	"date_range",
	"begin",
	"end",
	"policy_published",
	"domain",
	"p",
	"sp",
	"adkim",
	"aspf",
	"pct",
	"record",
	"row",
	"source_ip",
	"count",
	"policy_evaluated",
	"disposition",
	"dkim",
	"spf",
	"reason",
	"type",
	"identifiers",
	"header_from",
	"envelope_from",
	"auth_results",
	"selector",
	"scope",
	"result",
};

/* Elements are told by a small number, not compared as strings on every
 * text node: a report of a million rows has tens of millions of them. */
static uint8_t element_id(const char *name)
{
	for (size_t i = 1; i < sizeof(element_names) / sizeof(*element_names); i++)
		if (name[0] == element_names[i][0] && !strcmp(name, element_names[i]))
			return (uint8_t)i;
	return E_OTHER;
}

struct reader {
	mc_feedback *f;
	fb_in *in;
	const char *what;
	uint8_t ids[MC_FEEDBACK_MAX_DEPTH + 1]; /* E_* of each open element */
	int depth;             /* elements open */
	char text[MAX_TEXT];
	size_t text_len;
	fb_meta meta;
	fb_row row;
	bool in_record, root_ok;
	uint64_t rows, bad_rows, messages, dmarc_pass;
	char first_bad[200];
	char xml_error[200];
	bool io_error;
	bool sanitize;         /* UTF-8: bad bytes become '?' */
	bool duplicate;        /* read before: its rows are not counted */
	size_t since_node;     /* bytes given to libxml2 since it last gave a node */
	char carry[4];
	size_t n_carry;
	bool wrapped;          /* <feedback> was inside another root (see unwrap) */
	bool closed;           /* </feedback> was read: what follows cannot spoil it */
	bool ended;            /* wrapped: the bytes after </feedback> are held back */
	bool sink_open;        /* the sink has this report (begun, not known before) */
	bool sink_asked;       /* the sink was told of this report */
};

/* The report begins at the sink (once; at its first row, or at its end
 * when it has none). */
static mc_status sink_begin(struct reader *rd, const char *what)
{
	const mc_feedback_sink *k = fb_sink(rd->f);
	bool known = false;
	mc_status st;

	if (rd->sink_asked || !k)
		return MC_OK;
	rd->sink_asked = true;
	st = fb_sink_result(rd->f, k->aggregate_begin(k->arg, &rd->meta, what, &known));
	rd->sink_open = st == MC_OK && !known;
	return st;
}

/* With the wrapper's start tag blanked out, the document ends with
 * </feedback> (or </prefix:feedback>): what follows -- the wrapper's end
 * tag, if any -- is cut off. n is the bytes in buf; returns those kept. */
static size_t until_feedback_end(struct reader *rd, char *buf, size_t n)
{
	const char *p = buf, *end = buf + n;

	while ((p = memmem(p, (size_t)(end - p), "feedback>", 9))) {
		const char *q = p;

		while (q > buf && (isalnum((unsigned char)q[-1]) || q[-1] == '_' || q[-1] == '-' ||
		                   q[-1] == '.' || q[-1] == ':'))
			q--;
		if (q - buf >= 2 && q[-1] == '/' && q[-2] == '<' &&
		    (q == p || p[-1] == ':')) {
			rd->ended = true;
			return (size_t)(p + 9 - buf);
		}
		p += 9;
	}
	return n;
}

/* Bytes for libxml2. Reports that declare no other encoding are UTF-8;
 * a byte that breaks UTF-8 (real reports carry Latin-1 names) becomes '?'
 * rather than ending the report, as parsedmarc reads them too. A sequence
 * cut at the end of a read waits for the next. */
/* The length of the UTF-8 sequence that starts with c; 0 when no valid
 * sequence does. */
static size_t utf8_length(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
	     : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
}

/* Bytes that are not UTF-8 in buf[0, n) turned to '?'; a sequence cut at
 * the end (more is to come: !last) kept for the next read. The bytes that
 * remain. */
static size_t sanitize(struct reader *rd, char *buf, size_t n, bool last)
{
	size_t i = 0;

	while (i < n) {
		size_t need = utf8_length((unsigned char)buf[i]), k;

		if (!need) {
			buf[i++] = '?';
			continue;
		}
		if (i + need > n && !last) { /* cut: the rest comes next time */
			rd->n_carry = n - i;
			memcpy(rd->carry, buf + i, rd->n_carry);
			return i;
		}
		for (k = 1; k < need && i + k < n && ((unsigned char)buf[i + k] & 0xc0) == 0x80; k++)
			;
		if (k < need)
			buf[i++] = '?';
		else
			i += need;
	}
	return n;
}

static int io_read(void *ctx, char *buf, int len)
{
	struct reader *rd = ctx;
	size_t n = rd->n_carry;

	if (rd->ended) /* the wrapper's end and what follows are not read */
		return 0;
	if (len < 4) /* libxml2 asks 4 bytes first, then more */
		return -1;
	memcpy(buf, rd->carry, n);
	rd->n_carry = 0;
	for (;;) {
		long got = fb_read(rd->in, buf + n, (size_t)len - n);

		if (got < 0) {
			rd->io_error = true;
			return -1;
		}
		n += (size_t)got;
		if (!rd->sanitize)
			return (int)n;
		n = sanitize(rd, buf, n, got == 0);
		if (rd->wrapped && n)
			n = until_feedback_end(rd, buf, n);
		/* no field of a report is megabytes long: a text node (or comment)
		 * that is, is a decompression or text bomb, stopped here rather
		 * than at libxml2's 10 MB */
		if ((rd->since_node += n) > MAX_WITHOUT_NODE) {
			snprintf(rd->in->err, sizeof(rd->in->err), "more than %d MiB without an XML "
			         "element: no field of a DMARC report is that long", MAX_WITHOUT_NODE >> 20);
			rd->io_error = true;
			return -1;
		}
		if (n || got == 0 || rd->ended)
			return (int)n;
		/* everything was a cut sequence: read on */
		memcpy(buf, rd->carry, rd->n_carry);
		n = rd->n_carry;
		rd->n_carry = 0;
	}
}

static int io_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static void on_error(void *arg, const char *msg, xmlParserSeverities severity,
                     xmlTextReaderLocatorPtr loc)
{
	struct reader *rd = arg;

	if (severity != XML_PARSER_SEVERITY_ERROR || rd->xml_error[0])
		return;
	snprintf(rd->xml_error, sizeof(rd->xml_error), "line %d: %.*s",
	         xmlTextReaderLocatorLineNumber(loc), (int)strcspn(msg, "\n"), msg);
}

/* Is the open element path, from the root, exactly these elements? */
static bool at(const struct reader *rd, int n, ...)
{
	va_list ap;
	bool same = rd->depth == n;

	va_start(ap, n);
	for (int i = 0; i < n && same; i++)
		same = rd->ids[i] == va_arg(ap, int);
	va_end(ap);
	return same;
}

/* A field's text, cut to its buffer (longer values are no valid ones). */
static void copy(char *dst, size_t size, const char *text)
{
	size_t n = strlen(text);

	if (n >= size)
		n = size - 1;
	memcpy(dst, text, n);
	dst[n] = '\0';
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static bool number(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return false;
	v = strtoull(s, &end, 10);
	if (*end || v > max)
		return false;
	*out = v;
	return true;
}

/* The text of an element ends: put it where its path says. */
/* <policy_published>: the policy the reporter saw. */
static void policy_field(struct reader *rd, int name, char *t)
{
	uint64_t v;

	lower(t);
	if (name == E_DOMAIN)
		copy(rd->meta.domain, sizeof(rd->meta.domain), t);
	else if (name == E_P)
		copy(rd->meta.p, sizeof(rd->meta.p), t);
	else if (name == E_SP)
		copy(rd->meta.sp, sizeof(rd->meta.sp), t);
	else if (name == E_ADKIM)
		copy(rd->meta.adkim, sizeof(rd->meta.adkim), t);
	else if (name == E_ASPF)
		copy(rd->meta.aspf, sizeof(rd->meta.aspf), t);
	else if (name == E_PCT && number(t, 100, &v))
		rd->meta.pct = (int)v;
}

/* <row>: the source, its count, the policy evaluated and its reasons. */
static void row_field(struct reader *rd, int name, char *t)
{
	fb_row *r = &rd->row;
	uint64_t v;

	if (at(rd, 4, E_FEEDBACK, E_RECORD, E_ROW, E_SOURCE_IP)) {
		copy(r->ip, sizeof(r->ip), t);
	} else if (at(rd, 4, E_FEEDBACK, E_RECORD, E_ROW, E_COUNT)) {
		/* past 2^53 the row is marked bad */
		r->count = number(t, (uint64_t)1 << 53, &v) ? v : UINT64_MAX;
	} else if (rd->depth == 5 && rd->ids[3] == E_POLICY_EVALUATED) {
		lower(t);
		if (name == E_DISPOSITION)
			copy(r->disposition, sizeof(r->disposition), t);
		else if (name == E_DKIM)
			copy(r->dkim, sizeof(r->dkim), t);
		else if (name == E_SPF)
			copy(r->spf, sizeof(r->spf), t);
	} else if (rd->depth == 6 && rd->ids[4] == E_REASON && name == E_TYPE &&
	           r->n_reasons < FB_MAX_REASONS) {
		lower(t);
		copy(r->reasons[r->n_reasons++], sizeof(r->reasons[0]), t);
	}
}

/* <auth_results>: the latest <dkim> or <spf> result's domain, result and
 * selector (or scope). */
static void auth_field(struct reader *rd, int name, char *t)
{
	fb_row *r = &rd->row;
	bool dkim = rd->ids[3] == E_DKIM;
	fb_auth *a = dkim ? (r->n_dkim ? &r->dkim_auth[r->n_dkim - 1] : NULL)
	                  : (r->n_spf ? &r->spf_auth[r->n_spf - 1] : NULL);

	if (!a || (!dkim && rd->ids[3] != E_SPF))
		return;
	if (name == E_DOMAIN) {
		lower(t);
		copy(a->domain, sizeof(a->domain), t);
	} else if (name == E_RESULT) {
		lower(t);
		copy(a->result, sizeof(a->result), t);
	} else if (name == (dkim ? E_SELECTOR : E_SCOPE)) {
		copy(a->detail, sizeof(a->detail), t);
	}
}

/* The text of the element just closed, stored where its path says. */
static void field(struct reader *rd)
{
	char *t = rd->text;
	fb_row *r = &rd->row;
	uint64_t v;
	int name;

	if (rd->depth < 2)
		return;
	name = rd->ids[rd->depth - 1];
	if (at(rd, 3, E_FEEDBACK, E_REPORT_METADATA, E_ORG_NAME))
		copy(rd->meta.org, sizeof(rd->meta.org), t);
	else if (at(rd, 3, E_FEEDBACK, E_REPORT_METADATA, E_EMAIL))
		copy(rd->meta.email, sizeof(rd->meta.email), t);
	else if (at(rd, 3, E_FEEDBACK, E_REPORT_METADATA, E_REPORT_ID))
		copy(rd->meta.report_id, sizeof(rd->meta.report_id), t);
	else if (at(rd, 4, E_FEEDBACK, E_REPORT_METADATA, E_DATE_RANGE, E_BEGIN) &&
	         number(t, INT64_MAX, &v))
		rd->meta.begin = (int64_t)v;
	else if (at(rd, 4, E_FEEDBACK, E_REPORT_METADATA, E_DATE_RANGE, E_END) &&
	         number(t, INT64_MAX, &v))
		rd->meta.end = (int64_t)v;
	else if (rd->depth == 3 && rd->ids[1] == E_POLICY_PUBLISHED)
		policy_field(rd, name, t);
	else if (rd->in_record && rd->depth >= 4 && rd->ids[2] == E_ROW)
		row_field(rd, name, t);
	else if (rd->in_record && rd->depth == 4 && rd->ids[2] == E_IDENTIFIERS) {
		lower(t);
		if (name == E_HEADER_FROM)
			copy(r->header_from, sizeof(r->header_from), t);
		else if (name == E_ENVELOPE_FROM)
			copy(r->envelope_from, sizeof(r->envelope_from), t);
	} else if (rd->in_record && rd->depth == 5 && rd->ids[2] == E_AUTH_RESULTS)
		auth_field(rd, name, t);
}

static void trim(struct reader *rd)
{
	char *s = rd->text;
	size_t n = rd->text_len;

	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	s[n] = '\0';
	size_t lead = strspn(s, " \t\r\n");

	memmove(s, s + lead, n - lead + 1);
}

/* A root element around <feedback> (a real reporter wraps its report in
 * an unclosed <xs:schema>): its start tag, in the first bytes, becomes
 * spaces, and the document ends with </feedback>. */
static bool unwrap(fb_in *in)
{
	const unsigned char *start;
	size_t n = fb_peek(in, &start, 512), i = 0;
	unsigned char *b = (unsigned char *)start; /* the peeked bytes are in->back */

	for (;;) { /* past the declaration, comments, processing instructions, space */
		while (i < n && (isspace(b[i]) || b[i] == 0xef || b[i] == 0xbb || b[i] == 0xbf))
			i++;
		if (i + 1 < n && b[i] == '<' && (b[i + 1] == '?' || b[i + 1] == '!')) {
			const unsigned char *gt = memchr(b + i, '>', n - i);

			if (!gt)
				return false;
			i = (size_t)(gt - b) + 1;
			continue;
		}
		break;
	}
	if (i >= n || b[i] != '<')
		return false;
	size_t name = i + 1, name_end = name, colon = name;

	while (name_end < n && !isspace(b[name_end]) && b[name_end] != '>' && b[name_end] != '/') {
		if (b[name_end] == ':')
			colon = name_end + 1;
		name_end++;
	}
	if (name_end - colon == 8 && !memcmp(b + colon, "feedback", 8))
		return false; /* the usual root */
	const unsigned char *gt = memchr(b + name_end, '>', n - name_end);

	if (!gt || gt[-1] == '/')
		return false;
	size_t after = (size_t)(gt - b) + 1, k = after;

	while (k < n && isspace(b[k]))
		k++;
	if (k + 9 > n || b[k] != '<')
		return false;
	size_t c2 = k + 1, e2 = c2;

	while (e2 < n && !isspace(b[e2]) && b[e2] != '>') {
		if (b[e2] == ':')
			c2 = e2 + 1;
		e2++;
	}
	if (e2 - c2 != 8 || memcmp(b + c2, "feedback", 8))
		return false;
	memset(b + i, ' ', after - i);
	return true;
}

/* Does the XML declaration leave the encoding UTF-8 (none named, or
 * UTF-8/US-ASCII)? */
static bool utf8_declared(fb_in *in)
{
	const unsigned char *start;
	size_t n = fb_peek(in, &start, 200);
	char head[201];
	const char *enc, *decl_end;

	memcpy(head, start, n);
	head[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!head[i])
			head[i] = ' ';
	if (strncmp(head + strspn(head, " \t\r\n\xef\xbb\xbf"), "<?xml", 5) != 0)
		return true;
	decl_end = strstr(head, "?>");
	enc = strstr(head, "encoding");
	if (!enc || (decl_end && enc > decl_end))
		return true;
	enc += strcspn(enc, "\"'");
	if (!*enc)
		return true;
	enc++;
	return !strncasecmp(enc, "utf-8", 5) || !strncasecmp(enc, "utf8", 4) ||
	       !strncasecmp(enc, "us-ascii", 8);
}

static bool valid_ip(const char *s)
{
	char rev[80];

	return mc_ip_reverse_name(s, rev, sizeof(rev));
}

static mc_status end_record(struct reader *rd)
{
	fb_row *r = &rd->row;

	rd->in_record = false;
	if (!valid_ip(r->ip) || r->count == UINT64_MAX) {
		if (!rd->bad_rows++)
			snprintf(rd->first_bad, sizeof(rd->first_bad), "%s",
			         !valid_ip(r->ip) ? "a record whose source_ip is no IP address"
			                          : "a record whose count is no number");
		return MC_OK;
	}
	/* the metadata comes first (RFC 7489 C): a report seen before is known
	 * at its first record, and none of its rows count again */
	if (!rd->rows && !rd->bad_rows && rd->meta.report_id[0] &&
	    fb_seen_report(rd->f, rd->meta.org, rd->meta.report_id))
		rd->duplicate = true;
	if (rd->duplicate)
		return MC_OK;
	rd->rows++;
	rd->messages += r->count;
	if (!strcmp(r->dkim, "pass") || !strcmp(r->spf, "pass"))
		rd->dmarc_pass += r->count;
	if (fb_sink(rd->f) && sink_begin(rd, rd->what) == MC_OK && rd->sink_open) {
		const mc_feedback_sink *k = fb_sink(rd->f);
		mc_status st = fb_sink_result(rd->f, k->aggregate_row(k->arg, r));

		if (st != MC_OK)
			return st;
	}
	return fb_add_row(rd->f, r, rd->meta.org, rd->meta.begin);
}

static mc_status element_start(struct reader *rd, xmlTextReaderPtr x)
{
	const char *text = (const char *)xmlTextReaderConstLocalName(x);
	uint8_t name = element_id(text);

	if (rd->depth >= MC_FEEDBACK_MAX_DEPTH)
		return mc_error_set(MC_EPARSE, "elements nest more than %d deep",
		                    MC_FEEDBACK_MAX_DEPTH);
	if (rd->depth == 0) {
		if (name != E_FEEDBACK)
			return mc_error_set(MC_EPARSE, "not a DMARC aggregate report: the root element is "
			                    "<%.40s>, not <feedback>", text);
		if (rd->root_ok)
			return mc_error_set(MC_EPARSE, "a second <feedback> element");
		rd->root_ok = true;
	}
	rd->ids[rd->depth++] = name;
	rd->text_len = 0;
	if (at(rd, 2, E_FEEDBACK, E_RECORD)) {
		memset(&rd->row, 0, sizeof(rd->row));
		rd->in_record = true;
	} else if (rd->in_record && rd->depth == 4 && rd->ids[2] == E_AUTH_RESULTS) {
		fb_row *r = &rd->row;

		if (name == E_DKIM && r->n_dkim < FB_MAX_AUTH)
			memset(&r->dkim_auth[r->n_dkim++], 0, sizeof(fb_auth));
		else if (name == E_SPF && r->n_spf < FB_MAX_AUTH)
			memset(&r->spf_auth[r->n_spf++], 0, sizeof(fb_auth));
	}
	return MC_OK;
}

static mc_status element_end(struct reader *rd)
{
	mc_status st = MC_OK;

	if (rd->depth <= 0)
		return MC_OK;
	trim(rd);
	field(rd);
	rd->text_len = 0;
	if (at(rd, 2, E_FEEDBACK, E_RECORD) && rd->in_record)
		st = end_record(rd);
	rd->closed |= rd->depth == 1;
	rd->depth--;
	return st;
}

/* One node of the stream: elements opened and closed, text gathered; a
 * DTD or an entity reference refused. */
static mc_status node(struct reader *rd, xmlTextReaderPtr x)
{
	int type = xmlTextReaderNodeType(x);
	mc_status st = MC_OK;

	rd->since_node = 0;
	if (type == XML_READER_TYPE_ELEMENT) {
		bool empty = xmlTextReaderIsEmptyElement(x);

		st = element_start(rd, x);
		if (st == MC_OK && empty)
			st = element_end(rd);
	} else if (type == XML_READER_TYPE_END_ELEMENT) {
		st = element_end(rd);
	} else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
	           type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
		const char *v = (const char *)xmlTextReaderConstValue(x);
		size_t n = v ? strlen(v) : 0;

		if (n > MAX_TEXT - 1 - rd->text_len)
			n = MAX_TEXT - 1 - rd->text_len;
		memcpy(rd->text + rd->text_len, v, n);
		rd->text_len += n;
		rd->text[rd->text_len] = '\0';
	} else if (type == XML_READER_TYPE_ENTITY_REFERENCE || type == XML_READER_TYPE_DOCUMENT_TYPE) {
		/* no report needs a DTD or entities: refusing them is refusing
		 * entity bombs */
		st = mc_error_set(MC_EPARSE, "a DOCTYPE or entity reference: DMARC reports have none");
	}
	return st;
}

/* Why the reading stopped short (st, the reader's rc), for people. */
static void say_why(const struct reader *rd, const fb_in *in, mc_status st, int rc, char *why,
                    size_t why_size)
{
	if (st == MC_ENOMEM)
		snprintf(why, why_size, "out of memory");
	else if (st != MC_OK)
		snprintf(why, why_size, "%s", mc_error_last());
	else if (rc != 0)
		snprintf(why, why_size, "%s", rd->io_error && in->err[0] ? in->err
		         : rd->xml_error[0] ? rd->xml_error : "invalid XML");
	else if (!rd->root_ok)
		snprintf(why, why_size, "no XML element in it");
}

/* The sink keeps a report read whole, and drops one that broke off. */
static void sink_end(struct reader *rd, bool ok)
{
	const mc_feedback_sink *k;

	if (!rd->duplicate && ok && fb_sink(rd->f))
		sink_begin(rd, rd->what);
	if (rd->sink_open && (k = fb_sink(rd->f)))
		fb_sink_result(rd->f, k->aggregate_end(k->arg, ok, rd->rows,
		                                       rd->messages, rd->dmarc_pass));
	rd->sink_open = false;
}

/* What was read counts, even from a report that breaks off. */
static void count_report(mc_feedback *f, struct reader *rd, bool ok, const char *what)
{
	sink_end(rd, ok);
	if (rd->duplicate)
		fb_result(f)->duplicates++;
	else if (rd->rows || ok)
		mc_feedback_add_report(f, &rd->meta, rd->rows, rd->messages, rd->dmarc_pass, what);
	if (ok && rd->bad_rows) {
		char *m = mc_asprintf("%llu record%s skipped: %s", (unsigned long long)rd->bad_rows,
		                      rd->bad_rows == 1 ? "" : "s", rd->first_bad);

		fb_unreadable(f, what, m ? m : "records skipped");
		free(m);
	}
}

bool fb_read_aggregate(mc_feedback *f, fb_in *in, const char *what, char *why, size_t why_size)
{
	struct reader *rd = calloc(1, sizeof(*rd));
	xmlTextReaderPtr x;
	mc_status st = MC_OK;
	int rc;
	bool ok;

	if (!rd) {
		snprintf(why, why_size, "out of memory");
		return false;
	}
	rd->f = f;
	rd->in = in;
	rd->what = what;
	rd->meta.pct = -1;
	rd->sanitize = utf8_declared(in);
	rd->wrapped = unwrap(in);
	x = xmlReaderForIO(io_read, io_close, rd, NULL, NULL,
	                   XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!x) {
		snprintf(why, why_size, "out of memory");
		free(rd);
		return false;
	}
	xmlTextReaderSetErrorHandler(x, on_error, rd);
	while (st == MC_OK && (rc = xmlTextReaderRead(x)) == 1)
		st = node(rd, x);
	/* an error after </feedback> (an unclosed wrapper, trailing bytes)
	 * leaves the report whole */
	if (st == MC_OK && rc != 0 && rd->closed && !rd->io_error)
		rc = 0;
	ok = st == MC_OK && rc == 0 && rd->root_ok;
	say_why(rd, in, st, rc, why, why_size);
	count_report(f, rd, ok, what);
	xmlFreeTextReader(x);
	free(rd);
	return ok;
}
