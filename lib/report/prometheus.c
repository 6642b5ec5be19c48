/*
 * The Prometheus text exposition format (--prometheus FILE): each family's
 * HELP and TYPE, then all its samples together (the format wants a
 * family's lines in one group), label values escaped (backslash, double
 * quote, newline), written to a temporary file beside FILE and renamed over
 * it, so that node_exporter's textfile collector never reads half a file.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "report/internal.h"

static const struct {
	const char *name, *help;
} families[] = {
	{"mailcheck_result", "Overall result of a check: 0 pass, 2 fail, 3 not checked (DNS failure)."},
	{"mailcheck_part_status", "Status of each part of a domain's mail setup: 0 pass, 1 warning "
	                          "or not published, 2 error, 3 not checked (offline, DNS failure)."},
	{"mailcheck_findings", "Findings of a check, by severity."},
	{"mailcheck_certificate_days_left", "Days until the STARTTLS certificate of an MX address expires."},
	{"mailcheck_blocklist_listed", "1 when a name or address is listed on a blocklist."},
	{"mailcheck_blocklist_listings", "Listings on lists that block or score, per checked name or address."},
	{"mailcheck_check_timestamp_seconds", "When the check ran, seconds since the epoch."},
};
#define N_FAMILIES (sizeof(families) / sizeof(families[0]))
#define MAX_SUBJECTS 1000000

struct mc_metrics {
	pthread_mutex_t lock;
	mc_buf samples[N_FAMILIES];
	char **subjects;       /* added already: a second report of one is skipped */
	size_t n_subjects, cap_subjects;
};

bool mc_metrics_supported(mc_result_kind kind)
{
	return kind == MC_RESULT_DOMAIN || kind == MC_RESULT_BLOCKLIST;
}

mc_metrics *mc_metrics_new(void)
{
	mc_metrics *m = calloc(1, sizeof(*m));

	if (m)
		pthread_mutex_init(&m->lock, NULL);
	return m;
}

void mc_metrics_free(mc_metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < N_FAMILIES; i++)
		mc_buf_free(&m->samples[i]);
	for (size_t i = 0; i < m->n_subjects; i++)
		free(m->subjects[i]);
	free(m->subjects);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

/* A label value as the format escapes it. */
static void label_value(mc_buf *b, const char *v)
{
	for (const char *p = v ? v : ""; *p; p++) {
		if (*p == '\\')
			mc_buf_add(b, "\\\\", 2);
		else if (*p == '"')
			mc_buf_add(b, "\\\"", 2);
		else if (*p == '\n')
			mc_buf_add(b, "\\n", 2);
		else
			mc_buf_add(b, p, 1);
	}
}

void mc_metric(mc_metrics *m, const char *family, double value, ...)
{
	size_t f;
	va_list ap;
	const char *name;
	mc_buf *b;
	bool any = false;

	for (f = 0; f < N_FAMILIES && strcmp(families[f].name, family); f++)
		;
	if (f == N_FAMILIES)
		return;
	b = &m->samples[f];
	mc_buf_add(b, family, strlen(family));
	va_start(ap, value);
	while ((name = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);

		mc_buf_addf(b, "%s%s=\"", any ? "," : "{", name);
		label_value(b, v);
		mc_buf_add(b, "\"", 1);
		any = true;
	}
	va_end(ap);
	if (any)
		mc_buf_add(b, "}", 1);
	mc_buf_addf(b, " %.17g\n", value);
}

/* Whether the subject was added before (then it is not again). */
static bool seen(mc_metrics *m, const char *subject)
{
	for (size_t i = 0; i < m->n_subjects; i++)
		if (strcmp(m->subjects[i], subject) == 0)
			return true;
	if (m->n_subjects < MAX_SUBJECTS &&
	    mc_grow(&m->subjects, &m->cap_subjects, m->n_subjects + 1, sizeof(char *)) == 0 &&
	    (m->subjects[m->n_subjects] = mc_strdup(subject)))
		m->n_subjects++;
	return false;
}

mc_status mc_metrics_add(mc_metrics *m, mc_result_kind kind, const void *result, long long when)
{
	const char *subject = kind == MC_RESULT_DOMAIN && mc_domain_metrics
	                      ? mc_domain_metrics_subject(result)
	                      : kind == MC_RESULT_BLOCKLIST ? mc_blocklist_metrics_subject(result) : NULL;

	if (!subject)
		return mc_error_set(MC_EINVAL, "no metrics for this result");
	pthread_mutex_lock(&m->lock);
	if (!seen(m, subject)) {
		if (kind == MC_RESULT_DOMAIN)
			mc_domain_metrics(m, result);
		else
			mc_blocklist_metrics(m, result);
		mc_metric(m, "mailcheck_check_timestamp_seconds", (double)when,
		          kind == MC_RESULT_DOMAIN ? "domain" : "input", subject,
		          "command", kind == MC_RESULT_DOMAIN ? "domain" : "blocklist", NULL);
	}
	pthread_mutex_unlock(&m->lock);
	return MC_OK;
}

size_t mc_metrics_count(mc_metrics *m)
{
	size_t n;

	pthread_mutex_lock(&m->lock);
	n = m->n_subjects;
	pthread_mutex_unlock(&m->lock);
	return n;
}

mc_status mc_metrics_write(mc_metrics *m, const char *path)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 8);
	FILE *fp;
	int fd;
	bool ok;

	if (!tmp)
		return mc_error_set(MC_ENOMEM, "out of memory");
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".XXXXXX", 8); /* not *.prom: the collector skips it */
	if ((fd = mkstemp(tmp)) < 0 || !(fp = fdopen(fd, "w"))) {
		mc_status st = mc_error_set(MC_EIO, "cannot write %s: %s", path, mc_strerror(errno));

		if (fd >= 0)
			close(fd), unlink(tmp);
		free(tmp);
		return st;
	}
	for (size_t f = 0; f < N_FAMILIES; f++)
		if (m->samples[f].len)
			fprintf(fp, "# HELP %s %s\n# TYPE %s gauge\n%s", families[f].name, families[f].help,
			        families[f].name, m->samples[f].s);
	ok = fflush(fp) == 0 && !ferror(fp) && fsync(fileno(fp)) == 0;
	ok = fclose(fp) == 0 && ok;
	/* mkstemp makes it 0600: a collector run as another user reads 0644 */
	if (ok)
		ok = chmod(tmp, 0644) == 0 && rename(tmp, path) == 0;
	if (!ok) {
		mc_status st = mc_error_set(MC_EIO, "cannot write %s: %s", path, mc_strerror(errno));

		unlink(tmp);
		free(tmp);
		return st;
	}
	free(tmp);
	return MC_OK;
}
