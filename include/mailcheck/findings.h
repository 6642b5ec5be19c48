/*
 * The findings model: what a check found, as a stable dotted code
 * (docs/findings.md), a severity, a sentence for people and what to
 * change. Every check records its findings here (lib/common/findings.c);
 * lib/report only renders them.
 */
#ifndef MAILCHECK_FINDINGS_H
#define MAILCHECK_FINDINGS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum mc_severity {
	MC_SEV_INFO,
	MC_SEV_WARNING,
	MC_SEV_ERROR,
} mc_severity;

/* A finding: a stable dotted code (documented in docs/findings.md), how bad
 * it is, a sentence for people, and what to change (may be NULL). */
typedef struct mc_finding {
	char *code;
	mc_severity severity;
	char *message;         /* English: the JSON's */
	char *hint;
	/* in the locale's language, for people; NULL when it is the English */
	char *message_text, *hint_text;
} mc_finding;

typedef struct mc_findings {
	mc_finding *items;
	size_t n, cap;
} mc_findings;

/* Append a finding; returns it (to add a hint) or NULL when out of memory.
 * fmt is English, looked up in the catalogue for the text too.
 * A NULL list discards the finding unformatted (a check run for its
 * verdict alone) and returns NULL. */
mc_finding *mc_finding_add(mc_findings *f, const char *code, mc_severity sev,
                           const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same, its arguments as a va_list (for a check's own wrapper). */
mc_finding *mc_finding_addv(mc_findings *f, const char *code, mc_severity sev,
                            const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
/* A finding whose sentence the check made itself (from pieces it also
 * translated): english for the JSON, text in the locale's language or
 * NULL; both taken over (freed with the list, or now on failure). */
mc_finding *mc_finding_add_made(mc_findings *f, const char *code, mc_severity sev,
                                char *english, char *text);
/* A copy of a finding of another list, in both languages. */
mc_finding *mc_finding_copy(mc_findings *f, const mc_finding *from);
/* Set the hint of a finding (no-op on NULL). */
void mc_finding_hint(mc_finding *finding, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mc_findings_clear(mc_findings *f);
/* True when some finding has at least this severity. */
bool mc_findings_any(const mc_findings *f, mc_severity at_least);
const char *mc_severity_name(mc_severity s);

#endif
