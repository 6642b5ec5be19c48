/*
 * DMARC record syntax and validation (RFC 9989; RFC 7489 6.3 for the tags it
 * removed). The record uses the DKIM tag-list syntax. v=DMARC1 comes first;
 * p, sp, np take none/quarantine/reject; psd y/n/u; t y/n; adkim/aspf r/s;
 * rua/ruf are comma-separated URIs. pct, rf and ri are removed by RFC 9989
 * but still read for the RFC 7489 view. Unknown tags are ignored.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/tags.h"
#include "common/util.h"
#include "dmarc/internal.h"

bool dmarc_is_record(const char *txt, size_t len)
{
	size_t i = 0;

	while (i < len && (txt[i] == ' ' || txt[i] == '\t'))
		i++;
	if (len - i < 8 || strncmp(txt + i, "v=DMARC1", 8) != 0)
		return false;
	i += 8;
	while (i < len && (txt[i] == ' ' || txt[i] == '\t'))
		i++;
	return i == len || txt[i] == ';';
}

const char *mc_dmarc_policy_name(mc_dmarc_policy p)
{
	switch (p) {
	case MC_DMARC_POLICY_NONE: return "none";
	case MC_DMARC_POLICY_QUARANTINE: return "quarantine";
	case MC_DMARC_POLICY_REJECT: return "reject";
	default: return NULL;
	}
}

static mc_dmarc_policy parse_policy(const char *v)
{
	if (!v)
		return MC_DMARC_POLICY_UNSET;
	if (strcasecmp(v, "none") == 0)
		return MC_DMARC_POLICY_NONE;
	if (strcasecmp(v, "quarantine") == 0)
		return MC_DMARC_POLICY_QUARANTINE;
	if (strcasecmp(v, "reject") == 0)
		return MC_DMARC_POLICY_REJECT;
	return MC_DMARC_POLICY_UNSET;
}

static const mc_tag *find_tag(const mc_tags *tags, const char *name, size_t *pos,
                              const char *txt)
{
	for (size_t i = 0; i < tags->n; i++) {
		if (strcmp(tags->t[i].name, name) == 0) {
			*pos = (size_t)(tags->t[i].value - txt);
			return &tags->t[i];
		}
	}
	return NULL;
}

/* allowed as the JSON has it; shown, the same for people (N_) */
static void bad_tag(mc_findings *f, const mc_dmarc_record *rec, size_t pos, const char *name,
                    const char *value, const char *allowed, const char *shown)
{
	mc_finding *item = mc_finding_both(f, "dmarc.invalid_tag", MC_SEV_ERROR,
		"the DMARC record of %s has %s=%s at position %zu; allowed: %s",
		(rec->domain, name, value ? value : "", pos, allowed),
		(rec->domain, name, value ? value : "", pos, _(shown)));

	if (item) {
		item->hint = mc_both(&item->hint_text, N_("write %s=%s"), (name, allowed),
		                     (name, _(shown)));
	}
}

/* A policy tag: p, sp or np. */
static mc_dmarc_policy policy_tag(mc_dmarc_record *rec, const mc_tags *tags, const char *name,
                                  const char *txt, mc_findings *f)
{
	size_t pos;
	char *v;
	mc_dmarc_policy p;

	if (!find_tag(tags, name, &pos, txt))
		return MC_DMARC_POLICY_UNSET;
	v = mc_tag_value(tags, name);
	p = parse_policy(v);
	if (p == MC_DMARC_POLICY_UNSET)
		bad_tag(f, rec, pos, name, v, "none, quarantine or reject",
		        N_("none, quarantine or reject"));
	free(v);
	return p;
}

static char flag_tag(mc_dmarc_record *rec, const mc_tags *tags, const char *name,
                     const char *txt, const char *allowed, const char *shown, char dflt,
                     mc_findings *f)
{
	size_t pos;
	char *v;
	char c = dflt;

	if (!find_tag(tags, name, &pos, txt))
		return dflt;
	v = mc_tag_value(tags, name);
	if (v && strlen(v) == 1 && strchr(allowed, tolower((unsigned char)v[0])))
		c = (char)tolower((unsigned char)v[0]);
	else
		bad_tag(f, rec, pos, name, v, allowed, shown);
	free(v);
	return c;
}

/* rua=/ruf=: comma-separated URIs; mailto: ones may carry an obsolete
 * "!size" suffix (RFC 7489 6.2), noted. */
static void uri_list(mc_dmarc_record *rec, const mc_tags *tags, const char *name,
                     const char *txt, char **out, size_t *n, mc_findings *f)
{
	size_t pos;
	char *v, *save = NULL;

	if (!find_tag(tags, name, &pos, txt))
		return;
	v = mc_tag_value(tags, name);
	for (char *u = v ? strtok_r(v, ",", &save) : NULL; u; u = strtok_r(NULL, ",", &save)) {
		char *bang = strchr(u, '!');

		if (strncasecmp(u, "mailto:", 7) != 0 || !strchr(u + 7, '@')) {
			mc_finding_hint(mc_finding_add(f, "dmarc.invalid_uri", MC_SEV_WARNING,
				"%s=%s in the DMARC record of %s (position %zu) is not a mailto: "
				"address: no reports will be sent there", name, u, rec->domain, pos),
				"write %s=mailto:dmarc-reports@%s", name, rec->domain);
			continue;
		}
		if (bang) {
			mc_finding_add(f, "dmarc.uri_size_limit", MC_SEV_INFO,
				"%s=%s uses the '!size' suffix, which RFC 9989 no longer defines; it is "
				"ignored", name, u);
			*bang = '\0';
		}
		if (*n < MC_DMARC_MAX_URIS)
			out[(*n)++] = mc_strdup(u);
	}
	free(v);
}

static void removed_tags(mc_dmarc_record *rec, const mc_tags *tags, const char *txt,
                         mc_findings *f)
{
	static const char *const removed[] = {"pct", "rf", "ri"};
	size_t pos;

	for (size_t i = 0; i < 3; i++)
		if (find_tag(tags, removed[i], &pos, txt))
			mc_finding_add(f, "dmarc.removed_tag", MC_SEV_INFO,
				strcmp(removed[i], "pct") == 0
				? N_("the DMARC record of %s has %s= (position %zu), which RFC 9989 "
				     "removed: RFC 9989 receivers ignore it; RFC 7489 receivers still "
				     "sample with it")
				: N_("the DMARC record of %s has %s= (position %zu), which RFC 9989 "
				     "removed: RFC 9989 receivers ignore it"), rec->domain, removed[i], pos);
	char *pct = mc_tag_value(tags, "pct");

	rec->pct = 100;
	if (pct) {
		char *end;
		long v = strtol(pct, &end, 10);

		if (*end || end == pct || v < 0 || v > 100)
			bad_tag(f, rec, 0, "pct", pct, "an integer from 0 to 100",
			        N_("an integer from 0 to 100"));
		else
			rec->pct = (int)v;
	}
	free(pct);
}

void dmarc_record_parse(mc_dmarc_record *rec, const char *txt, size_t len, mc_findings *f)
{
	mc_tags tags;
	size_t pos = 0;
	const char *why = mc_tags_parse(txt, len, &tags, &pos);

	rec->text = mc_strndup(txt, len);
	rec->valid = false;
	if (why) {
		mc_finding_hint(mc_finding_both(f, "dmarc.syntax_error", MC_SEV_ERROR,
			"the DMARC record of %s is malformed at position %zu: %s", (rec->domain, pos, why),
			(rec->domain, pos, _(why))),
			"write tag=value pairs separated by ';', starting with v=DMARC1");
		return;
	}
	if (tags.n == 0 || strcmp(tags.t[0].name, "v") != 0) {
		mc_finding_hint(mc_finding_add(f, "dmarc.syntax_error", MC_SEV_ERROR,
			"the DMARC record of %s does not start with v=DMARC1", rec->domain),
			"put v=DMARC1 first");
		return;
	}
	rec->p = policy_tag(rec, &tags, "p", txt, f);
	rec->sp = policy_tag(rec, &tags, "sp", txt, f);
	rec->np = policy_tag(rec, &tags, "np", txt, f);
	rec->psd = flag_tag(rec, &tags, "psd", txt, "ynu", N_("y, n or u"), 'u', f);
	rec->testing = flag_tag(rec, &tags, "t", txt, "yn", N_("y or n"), 'n', f) == 'y';
	rec->strict_dkim = flag_tag(rec, &tags, "adkim", txt, "rs",
	                            N_("r (relaxed) or s (strict)"), 'r', f) == 's';
	rec->strict_spf = flag_tag(rec, &tags, "aspf", txt, "rs",
	                           N_("r (relaxed) or s (strict)"), 'r', f) == 's';
	rec->fo = mc_tag_value(&tags, "fo");
	uri_list(rec, &tags, "rua", txt, rec->rua, &rec->n_rua, f);
	uri_list(rec, &tags, "ruf", txt, rec->ruf, &rec->n_ruf, f);
	removed_tags(rec, &tags, txt, f);
	/* RFC 9989: an absent or invalid p is treated as p=none */
	if (!find_tag(&tags, "p", &pos, txt))
		mc_finding_hint(mc_finding_add(f, "dmarc.no_policy", MC_SEV_WARNING,
			"the DMARC record of %s has no p= tag: it is treated as p=none", rec->domain),
			"add p=none (monitoring), p=quarantine or p=reject");
	if (rec->p == MC_DMARC_POLICY_UNSET)
		rec->p = MC_DMARC_POLICY_NONE;
	rec->valid = true;
}

void dmarc_record_clear(mc_dmarc_record *rec)
{
	free(rec->domain);
	free(rec->text);
	free(rec->fo);
	for (size_t i = 0; i < rec->n_rua; i++)
		free(rec->rua[i]);
	for (size_t i = 0; i < rec->n_ruf; i++)
		free(rec->ruf[i]);
	memset(rec, 0, sizeof(*rec));
}
