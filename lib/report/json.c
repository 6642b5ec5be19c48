/* JSON pieces shared by every command: head, findings, DNS log, strings. */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "report/internal.h"

/* Length of the valid UTF-8 sequence at s (RFC 3629), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
	size_t n;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/* Bytes from outside as a JSON string: valid UTF-8 as it is, every other
 * byte as the four characters \xHH, so that nothing is lost or rejected. */
json_t *mc_json_bytes(const char *s, size_t len)
{
	mc_buf b = {0};
	json_t *j;
	size_t i = 0, run = 0;

	while (i < len) {
		size_t n = utf8_seq((const unsigned char *)s + i, len - i);

		if (n) {
			i += n;
			continue;
		}
		mc_buf_add(&b, s + run, i - run);
		mc_buf_addf(&b, "\\x%02x", (unsigned char)s[i]);
		run = ++i;
	}
	if (run == 0) /* the common case: all valid, no copy */
		return json_stringn(s, len);
	mc_buf_add(&b, s + run, len - run);
	j = json_stringn(b.s ? b.s : "", b.len);
	mc_buf_free(&b);
	return j;
}

json_t *mc_json_str(const char *s)
{
	return s ? mc_json_bytes(s, strlen(s)) : json_null();
}

json_t *mc_json_head(const char *command)
{
	json_t *o = json_object();

	json_object_set_new(o, "schema_version", json_integer(MC_SCHEMA_VERSION));
	json_object_set_new(o, "command", json_string(command));
	return o;
}

char *mc_rr_data_text(const mc_dns_rr *rr)
{
	if (rr->type == MC_RR_MX)
		return mc_asprintf("%u %s", rr->preference, rr->data);
	return mc_strndup(rr->data, rr->data_len);
}

static json_t *findings_json(const mc_findings *f)
{
	json_t *list = json_array();

	for (size_t i = 0; i < f->n; i++) {
		const mc_finding *x = &f->items[i];
		json_t *o = json_object();

		json_object_set_new(o, "code", json_string(x->code));
		json_object_set_new(o, "severity", json_string(mc_severity_name(x->severity)));
		json_object_set_new(o, "message", mc_json_str(x->message));
		if (x->hint)
			json_object_set_new(o, "hint", mc_json_str(x->hint));
		json_array_append_new(list, o);
	}
	return list;
}

static json_t *rr_json(const mc_dns_rr *rr)
{
	json_t *o = json_object();
	char *text = rr->type == MC_RR_MX ? mc_rr_data_text(rr) : NULL;

	json_object_set_new(o, "name", mc_json_str(rr->owner));
	json_object_set_new(o, "type", json_string(mc_dns_type_name(rr->type)));
	json_object_set_new(o, "ttl", json_integer(rr->ttl));
	json_object_set_new(o, "data", text ? mc_json_str(text)
	                                    : mc_json_bytes(rr->data, rr->data_len));
	free(text);
	return o;
}

static json_t *dns_json(const mc_dns_log *log)
{
	json_t *list = json_array();

	for (size_t i = 0; i < log->n; i++) {
		const mc_dns_answer *a = log->entries[i].answer;
		json_t *o = json_object(), *answers = json_array();

		json_object_set_new(o, "name", mc_json_str(a->name));
		json_object_set_new(o, "type", json_string(mc_dns_type_name(a->type)));
		json_object_set_new(o, "status", json_string(mc_dns_status_name(a->status)));
		json_object_set_new(o, "rcode", mc_json_str(mc_dns_rcode_name(a->rcode)));
		for (size_t k = 0; k < a->n_rrs; k++)
			json_array_append_new(answers, rr_json(&a->rrs[k]));
		json_object_set_new(o, "answers", answers);
		json_object_set_new(o, "ad", json_boolean(a->ad));
		json_object_set_new(o, "cached", json_boolean(log->entries[i].cached));
		json_object_set_new(o, "time_ms", json_real(log->entries[i].cached ? 0.0 : a->ms));
		if (a->error)
			json_object_set_new(o, "error", mc_json_str(a->error));
		json_array_append_new(list, o);
	}
	return list;
}

void mc_json_tail(json_t *obj, const mc_findings *f, const mc_dns_log *dns)
{
	json_object_set_new(obj, "findings", findings_json(f));
	json_object_set_new(obj, "dns", dns_json(dns));
}

json_t *mc_json_nested(json_t *o)
{
	json_object_del(o, "schema_version");
	json_object_del(o, "command");
	json_object_del(o, "dns");
	return o;
}
