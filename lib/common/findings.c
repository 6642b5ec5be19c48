/* The findings list: stable code, severity, message, hint (mailcheck/findings.h). */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mailcheck/findings.h"

mc_finding *mc_finding_addv(mc_findings *f, const char *code, mc_severity sev,
                            const char *fmt, va_list ap)
{
	mc_finding *item;

	if (!f)
		return NULL;
	if (mc_grow(&f->items, &f->cap, f->n + 1, sizeof(*f->items)) < 0)
		return NULL;
	item = &f->items[f->n];
	*item = (mc_finding){.code = mc_strdup(code), .severity = sev};
	item->message = mc_vasprintf_both(fmt, ap, &item->message_text);
	if (!item->code || !item->message) {
		free(item->code);
		free(item->message);
		free(item->message_text);
		return NULL;
	}
	f->n++;
	return item;
}

mc_finding *mc_finding_add(mc_findings *f, const char *code, mc_severity sev,
                           const char *fmt, ...)
{
	va_list ap;
	mc_finding *item;

	va_start(ap, fmt);
	item = mc_finding_addv(f, code, sev, fmt, ap);
	va_end(ap);
	return item;
}

mc_finding *mc_finding_add_made(mc_findings *f, const char *code, mc_severity sev,
                                char *english, char *text)
{
	mc_finding *item;

	if (!f || !english || mc_grow(&f->items, &f->cap, f->n + 1, sizeof(*f->items)) < 0) {
		free(english);
		free(text);
		return NULL;
	}
	item = &f->items[f->n];
	*item = (mc_finding){.code = mc_strdup(code), .severity = sev, .message = english,
	                     .message_text = text};
	if (!item->code) {
		free(english);
		free(text);
		return NULL;
	}
	f->n++;
	return item;
}

mc_finding *mc_finding_copy(mc_findings *f, const mc_finding *from)
{
	mc_finding *item;

	if (!f || mc_grow(&f->items, &f->cap, f->n + 1, sizeof(*f->items)) < 0)
		return NULL;
	item = &f->items[f->n];
	*item = (mc_finding){.code = mc_strdup(from->code), .severity = from->severity,
	                     .message = mc_strdup(from->message), .hint = mc_strdup(from->hint),
	                     .message_text = mc_strdup(from->message_text),
	                     .hint_text = mc_strdup(from->hint_text)};
	if (!item->code || !item->message) {
		free(item->code), free(item->message), free(item->hint);
		free(item->message_text), free(item->hint_text);
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
	free(finding->hint_text);
	va_start(ap, fmt);
	finding->hint = mc_vasprintf_both(fmt, ap, &finding->hint_text);
	va_end(ap);
}

void mc_findings_clear(mc_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->items[i].code);
		free(f->items[i].message);
		free(f->items[i].hint);
		free(f->items[i].message_text);
		free(f->items[i].hint_text);
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
