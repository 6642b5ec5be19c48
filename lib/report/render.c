/* mc_render: the one place where the output format is chosen. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "common/util.h"
#include "report/internal.h"
#include "mailcheck/bounce.h"
#include "mailcheck/feedback.h"
#include "mailcheck/domain.h"
#include "mailcheck/verify.h"
#include "mailcheck/dmarc.h"
#include "mailcheck/dkim.h"
#include "mailcheck/spf.h"
#include "mailcheck/mx.h"
#include "mailcheck/blocklist.h"
#include "mailcheck/diff.h"
#include "mailcheck/net.h"

struct renderer {
	json_t *(*json)(const void *result);
	/* optional: members written after the object's, one at a time (a
	 * result of a hundred thousand parts is not built as one tree) */
	void (*json_more)(mc_buf *b, const void *result);
	void (*text)(mc_text *t, const void *result);
	size_t dns_offset;       /* where the result keeps its DNS log; SIZE_MAX: none */
	const char *const *csv_header; /* --csv: the table's columns, NULL-terminated */
	void (*csv)(mc_buf *b, const void *result); /* its rows */
	void (*html)(mc_buf *b, const void *result); /* --html: its section */
};

#define DNS(type) offsetof(type, dns)

static const struct renderer renderers[] = {
	[MC_RESULT_MX] = {mc_mx_json, NULL, mc_mx_text, DNS(mc_mx_result)},
	[MC_RESULT_SPF] = {mc_spf_json, NULL, mc_spf_text, DNS(mc_spf_result)},
	[MC_RESULT_SPF_LINT] = {mc_spf_lint_json, NULL, mc_spf_lint_text, DNS(mc_spf_lint)},
	[MC_RESULT_DKIM] = {mc_dkim_json, NULL, mc_dkim_text, DNS(mc_dkim_result)},
	[MC_RESULT_DKIM_KEY] = {mc_dkim_key_json, NULL, mc_dkim_key_text, DNS(mc_dkim_key)},
	[MC_RESULT_DMARC] = {mc_dmarc_json, NULL, mc_dmarc_text, DNS(mc_dmarc_result)},
	[MC_RESULT_TRACE] = {mc_trace_json, NULL, mc_trace_text, SIZE_MAX},
	[MC_RESULT_VERIFY] = {mc_verify_json, NULL, mc_verify_text, DNS(mc_verify_result),
	                      NULL, NULL, mc_verify_html},
	[MC_RESULT_DOMAIN] = {mc_domain_json, NULL, mc_domain_text, DNS(mc_domain_result),
	                      mc_domain_csv_header, mc_domain_csv, mc_domain_html},
	[MC_RESULT_BOUNCE] = {mc_bounce_json, NULL, mc_bounce_text, DNS(mc_bounce_result)},
	[MC_RESULT_FEEDBACK] = {mc_feedback_json, mc_feedback_json_sources, mc_feedback_text,
	                        DNS(mc_feedback_result), mc_feedback_csv_header, mc_feedback_csv,
	                        mc_feedback_html},
	[MC_RESULT_BLOCKLIST] = {mc_blocklist_json, NULL, mc_blocklist_text, DNS(mc_bl_result),
	                         mc_blocklist_csv_header, mc_blocklist_csv},
	[MC_RESULT_DIFF] = {mc_diff_json, NULL, mc_diff_text, SIZE_MAX, NULL, NULL, mc_diff_html},
	[MC_RESULT_SMTP] = {mc_smtp_json, NULL, mc_smtp_text, DNS(mc_smtp_result)},
};
_Static_assert(sizeof(renderers) / sizeof(renderers[0]) == MC_RESULT_KINDS,
               "a renderer for every kind of result");

/* A result's tree, built, written as text and let go in the render arena.
 * Returns the text (NULL: out of memory) with room to go on. */
static mc_buf tree_text(json_t *(*build)(const void *), const void *result)
{
	mc_buf b = {0};
	json_t *obj;

	mc_grow(&b.s, &b.cap, 16384, 1); /* most reports fit: few reallocations */
	mc_json_arena_begin();
	if ((obj = build(result))) {
		mc_json_write(&b, obj);
		json_decref(obj);
	}
	mc_json_arena_end();
	if (!obj)
		mc_buf_free(&b);
	return b;
}

/* One object on one line (NDJSON when there are several), its DNS log
 * (NULL: an empty one) appended as its last member "dns", written with one
 * fwrite: json_dumpf writes token by token, which costs a batch verify as
 * much as building the object. b holds the object's text; freed here. */
static mc_status json_line(mc_buf b, void (*more)(mc_buf *, const void *),
                           const void *result, const mc_dns_log *dns, FILE *fp)
{
	char *log = NULL;
	mc_status st = MC_OK;
	bool full;

	if (!b.s)
		return mc_error_set(MC_ENOMEM, "out of memory");
	if (more) { /* {...} -> {...,"more":...} */
		b.len--;
		more(&b, result);
		mc_buf_add(&b, "}", 1);
	}
	full = b.s != NULL;
	if (full && dns && !(log = mc_json_dns_text(dns)))
		full = false;
	/* {...} -> {...,"dns":[...]} and a newline */
	if (full && dns) {
		b.len--;
		full = mc_buf_add(&b, ",\"dns\":", 7) == 0 && mc_buf_add(&b, log, strlen(log)) == 0 &&
		       mc_buf_add(&b, "}", 1) == 0;
	}
	if (!full || mc_buf_add(&b, "\n", 1) < 0)
		st = mc_error_set(MC_ENOMEM, "out of memory");
	else if (fwrite(b.s, 1, b.len, fp) != b.len)
		st = mc_error_set(MC_EIO, "cannot write output");
	mc_buf_free(&b);
	free(log);
	return st;
}

mc_status mc_render_error(const char *command, const char *code, const char *message,
                          FILE *fp)
{
	json_t *o = json_object(), *e = json_object();
	size_t len = message ? strcspn(message, "\n") : 0; /* the message, not a usage text after it */
	mc_status st;

	json_object_set_new(o, "schema_version", json_integer(MC_SCHEMA_VERSION));
	json_object_set_new(o, "command", command ? mc_json_bytes(command, strlen(command))
	                                          : json_null());
	json_object_set_new(e, "code", json_string(code));
	json_object_set_new(e, "message", mc_json_bytes(message ? message : "", len));
	json_object_set_new(o, "error", e);
	mc_buf b = {0};

	mc_json_write(&b, o);
	json_decref(o);
	st = json_line(b, NULL, NULL, NULL, fp);
	if (st == MC_OK && ferror(fp))
		st = mc_error_set(MC_EIO, "cannot write output");
	return st;
}

bool mc_render_has_html(mc_result_kind kind)
{
	return kind < MC_RESULT_KINDS && renderers[kind].html;
}

char *mc_render_html(mc_result_kind kind, const void *result)
{
	mc_buf b = {0};

	if (!mc_render_has_html(kind))
		return NULL;
	renderers[kind].html(&b, result);
	return mc_buf_take(&b);
}

char *mc_render_html_row(mc_result_kind kind, const void *result)
{
	mc_buf b = {0};

	if (kind != MC_RESULT_DOMAIN || !mc_domain_html_row)
		return NULL;
	mc_domain_html_row(&b, result);
	return mc_buf_take(&b);
}

char *mc_render_html_overview(mc_result_kind kind, const char *rows, const size_t *counts,
                              size_t results, const char *const *codes, const size_t *n,
                              size_t n_codes)
{
	mc_buf b = {0};

	if (kind != MC_RESULT_DOMAIN || !mc_domain_html_overview)
		return NULL;
	mc_domain_html_overview(&b, rows, counts, results, codes, n, n_codes);
	return mc_buf_take(&b);
}

bool mc_render_has_csv(mc_result_kind kind)
{
	return kind < MC_RESULT_KINDS && renderers[kind].csv && renderers[kind].csv_header;
}

/* CSV text through the escaping stream: a byte a terminal acts on is shown
 * as \DDD, as in text (no comma, quote or line end comes of it). */
static mc_status csv_write(mc_buf *b, FILE *fp)
{
	FILE *safe;

	if (!b->s)
		return mc_error_set(MC_ENOMEM, "out of memory");
	if (!(safe = mc_escaped_open(fp))) {
		mc_buf_free(b);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	fwrite(b->s, 1, b->len, safe);
	fclose(safe);
	mc_buf_free(b);
	return ferror(fp) ? mc_error_set(MC_EIO, "cannot write output") : MC_OK;
}

mc_status mc_render_csv_header(mc_result_kind kind, FILE *fp)
{
	mc_buf b = {0};

	if (!mc_render_has_csv(kind))
		return mc_error_set(MC_EINVAL, "no CSV for this result");
	mc_csv_row(&b, renderers[kind].csv_header);
	return csv_write(&b, fp);
}

static mc_status csv_rows(const struct renderer *r, const void *result, FILE *fp)
{
	mc_buf b = {0};

	if (!r->csv || !r->csv_header)
		return mc_error_set(MC_EINVAL, "no CSV for this result");
	r->csv(&b, result);
	if (!b.s)
		return MC_OK; /* no rows (a report without sources) */
	return csv_write(&b, fp);
}

mc_status mc_render(mc_result_kind kind, const void *result,
                    const mc_render_opts *opts, FILE *fp)
{
	const struct renderer *r = &renderers[kind];

	if (!r->json || !r->text) /* a weak renderer this program did not link */
		return mc_error_set(MC_EINVAL, "this program has no renderer for that result");
	if (opts->record && r->dns_offset != SIZE_MAX)
		mc_dns_recording_add(opts->record,
		                     (const mc_dns_log *)((const char *)result + r->dns_offset));
	if (opts->format == MC_FORMAT_CSV) {
		mc_status st = csv_rows(r, result, fp);

		if (st != MC_OK)
			return st;
	} else if (opts->format == MC_FORMAT_JSON) {
		mc_status st = json_line(tree_text(r->json, result), r->json_more, result,
		                         r->dns_offset == SIZE_MAX ? &(mc_dns_log){0}
		                         : (const mc_dns_log *)((const char *)result + r->dns_offset), fp);

		if (st != MC_OK)
			return st;
	} else {
		/* every byte the renderers write passes the escaping stream */
		FILE *safe = mc_escaped_open(fp);
		mc_text t = {.fp = safe, .raw = fp, .opts = opts};

		if (!safe)
			return mc_error_set(MC_ENOMEM, "out of memory");
		r->text(&t, result);
		fclose(safe);
	}
	if (ferror(fp))
		return mc_error_set(MC_EIO, "cannot write output");
	return MC_OK;
}
