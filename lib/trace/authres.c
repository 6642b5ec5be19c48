/*
 * Recorded authentication results:
 *   Authentication-Results (RFC 8601 2.2):
 *     authserv-id [version] ; method[/version] = result [reason=...] props ; ...
 *     or "authserv-id; none"
 *   ARC-Authentication-Results (RFC 8617 4.1.1): "i=N;" then the same
 *   Received-SPF (RFC 7208 9.1): result (comment) key=value; ...
 * Comments are dropped; values may be quoted. Unreadable parts are skipped.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "mailcheck/trace.h"

#define MAX_RESULTS 64

/* The value without (comments), whitespace collapsed. */
static char *strip_comments(const char *s)
{
	mc_buf b = {0};
	int depth = 0;
	bool quoted = false;

	for (; *s; s++) {
		if (*s == '"' && depth == 0)
			quoted = !quoted;
		if (!quoted && *s == '(') {
			depth++;
			continue;
		}
		if (!quoted && *s == ')' && depth) {
			depth--;
			continue;
		}
		if (depth)
			continue;
		char c = isspace((unsigned char)*s) ? ' ' : *s;

		if (c == ' ' && (b.len == 0 || b.s[b.len - 1] == ' '))
			continue;
		mc_buf_add(&b, &c, 1);
	}
	return mc_buf_take(&b);
}

static char *trim(char *s)
{
	size_t n;

	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
	return s;
}

static void add(mc_auth_results *out, const mc_auth_result *r)
{
	size_t cap = out->n;

	if (out->n < MAX_RESULTS && mc_grow(&out->items, &cap, out->n + 1, sizeof(*r)) == 0)
		out->items[out->n++] = *r;
	else {
		free(r->header); free(r->authserv_id); free(r->method);
		free(r->result); free(r->reason); free(r->properties);
	}
}

/* "method=result reason=x ptype.prop=value ..." */
static void method_spec(const char *header, const char *id, int instance, char *spec,
                        mc_auth_results *out)
{
	char *eq = strchr(spec, '='), *sp, *slash;
	mc_auth_result r = {0};

	if (!eq)
		return;
	*eq = '\0';
	slash = strchr(spec, '/'); /* method/version */
	if (slash)
		*slash = '\0';
	r.method = mc_strdup(trim(spec));
	spec = eq + 1;
	while (*spec == ' ')
		spec++;
	sp = strchr(spec, ' ');
	if (sp)
		*sp = '\0';
	r.result = mc_strdup(spec);
	if (sp) {
		char *rest = trim(sp + 1), *reason = strstr(rest, "reason=");

		if (reason == rest) {
			char *v = reason + 7, *end;

			if (*v == '"') {
				end = strchr(v + 1, '"');
				r.reason = end ? mc_strndup(v + 1, (size_t)(end - v - 1)) : mc_strdup(v + 1);
				rest = end ? end + 1 : v + strlen(v);
			} else {
				end = strchr(v, ' ');
				r.reason = end ? mc_strndup(v, (size_t)(end - v)) : mc_strdup(v);
				rest = end ? end : v + strlen(v);
			}
			rest = trim(rest);
		}
		if (*rest)
			r.properties = mc_strdup(rest);
	}
	for (char *c = r.method; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (char *c = r.result; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	r.header = mc_strdup(header);
	r.authserv_id = mc_strdup(id);
	r.instance = instance;
	add(out, &r);
}

static void parse_ar(const char *header, char *v, mc_auth_results *out)
{
	char *save = NULL, *part = strtok_r(v, ";", &save);
	int instance = 0;

	if (part && strncasecmp(trim(part), "i=", 2) == 0) { /* ARC: i=N first */
		instance = atoi(trim(part) + 2);
		part = strtok_r(NULL, ";", &save);
	}
	if (!part)
		return;
	char *id = trim(part), *space = strchr(id, ' ');

	if (strchr(id, '=')) {
		/* no authserv-id (Microsoft writes none): the first part is a result */
		method_spec(header, NULL, instance, id, out);
		id = NULL;
	} else if (space) {
		*space = '\0'; /* "authserv-id 1": a version follows */
	}
	for (part = strtok_r(NULL, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
		char *spec = trim(part);

		if (*spec && strcasecmp(spec, "none") != 0)
			method_spec(header, id, instance, spec, out);
	}
}

/* Received-SPF: result [comment] key=value; ... */
static void parse_received_spf(const char *header, char *v, mc_auth_results *out)
{
	mc_auth_result r = {0};
	char *s = trim(v), *sp = strchr(s, ' '), *recv;

	if (sp)
		*sp = '\0';
	r.result = mc_strdup(s);
	for (char *c = r.result; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (sp) {
		char *props = trim(sp + 1);

		r.properties = mc_strdup(props);
		recv = strstr(props, "receiver=");
		if (recv) {
			size_t n = strcspn(recv + 9, "; ");

			r.authserv_id = mc_strndup(recv + 9, n);
		}
	}
	r.method = mc_strdup("spf");
	r.header = mc_strdup(header);
	add(out, &r);
}

mc_status mc_auth_results_parse(const char *name, const char *value, mc_auth_results *out)
{
	char *v = strip_comments(value);

	if (!v)
		return mc_error_set(MC_ENOMEM, "out of memory");
	if (strcasecmp(name, "Received-SPF") == 0)
		parse_received_spf(name, v, out);
	else
		parse_ar(name, v, out);
	free(v);
	return MC_OK;
}

void mc_auth_results_clear(mc_auth_results *list)
{
	for (size_t i = 0; i < list->n; i++) {
		mc_auth_result *r = &list->items[i];

		free(r->header); free(r->authserv_id); free(r->method);
		free(r->result); free(r->reason); free(r->properties);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}
