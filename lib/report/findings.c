/* The findings list: stable code, severity, message, hint. */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mailcheck/report.h"

mc_finding *mc_finding_add(mc_findings *f, const char *code, mc_severity sev,
                           const char *fmt, ...)
{
	mc_finding *item;
	va_list ap;

	if (!f)
		return NULL;
	if (mc_grow(&f->items, &f->cap, f->n + 1, sizeof(*f->items)) < 0)
		return NULL;
	item = &f->items[f->n];
	item->code = mc_strdup(code);
	item->severity = sev;
	item->hint = NULL;
	va_start(ap, fmt);
	item->message = mc_vasprintf(fmt, ap);
	va_end(ap);
	if (!item->code || !item->message) {
		free(item->code);
		free(item->message);
		return NULL;
	}
	f->n++;
	return item;
}

void mc_finding_hint(mc_finding *finding, const char *fmt, ...)
{
	va_list ap;

	if (!finding)
		return;
	free(finding->hint);
	va_start(ap, fmt);
	finding->hint = mc_vasprintf(fmt, ap);
	va_end(ap);
}

void mc_findings_clear(mc_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->items[i].code);
		free(f->items[i].message);
		free(f->items[i].hint);
	}
	free(f->items);
	f->items = NULL;
	f->n = f->cap = 0;
}

bool mc_findings_any(const mc_findings *f, mc_severity at_least)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->items[i].severity >= at_least)
			return true;
	return false;
}

const char *mc_severity_name(mc_severity s)
{
	switch (s) {
	case MC_SEV_INFO: return "info";
	case MC_SEV_WARNING: return "warning";
	case MC_SEV_ERROR: return "error";
	}
	return "error";
}

void mc_findings_dns(mc_findings *f, const mc_dns_log *log)
{
	for (size_t i = 0; i < log->n; i++) {
		const mc_dns_answer *a = log->entries[i].answer;
		bool seen = false;

		if (a->status != MC_DNS_TCP_FAILED)
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = log->entries[k].answer == a;
		if (seen)
			continue;
		/* the reason alone, without the net backend's "... over TCP failed: " */
		const char *why = a->error ? strstr(a->error, "TCP failed: ") : NULL;

		why = why ? why + strlen("TCP failed: ") : a->error ? a->error : "no reason given";
		/* RFC 7766 5: TCP is required of every DNS implementation */
		mc_finding_hint(mc_finding_add(f, "dns.tcp_failed", MC_SEV_ERROR,
			"the answer to %s %s was truncated (too large for UDP) and asking again over "
			"TCP failed: %s; the partial answer was not used, so this lookup counts as a "
			"DNS failure, not as a missing record", a->name, mc_dns_type_name(a->type), why),
			"make sure that firewalls between this machine and the nameserver let DNS "
			"over TCP port 53 through (RFC 7766 requires it); if the nameserver itself "
			"does not answer over TCP, fix it -- large records (long SPF records, "
			"2048-bit DKIM keys) are only ever fetched that way");
	}
}
