/* Hostile aggregate reports stored and given back (an SQLite database in
 * memory): what comes back from the database is what was read -- the
 * same reports, rows, messages and DMARC passes, the same sources with the
 * same totals -- for every report read whole; the row fields (written by
 * anyone who can mail the rua= address) go through bound parameters and
 * come back as they were. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailcheck/feedback.h"
#include "mailcheck/store.h"

static void same(const mc_feedback_result *a, const mc_feedback_result *b)
{
	if (a->aggregate_reports != b->aggregate_reports || a->rows != b->rows ||
	    a->messages != b->messages || a->dmarc_pass != b->dmarc_pass ||
	    a->n_sources != b->n_sources)
		abort();
	for (size_t i = 0; i < a->n_sources; i++) {
		const mc_fb_source *x = &a->sources[i], *y = &b->sources[i];

		if (strcmp(x->ip, y->ip) || x->messages != y->messages ||
		    x->dmarc_pass != y->dmarc_pass || x->reject != y->reject ||
		    x->quarantine != y->quarantine || x->spf.n != y->spf.n || x->dkim.n != y->dkim.n ||
		    x->header_from.n != y->header_from.n || x->overrides.n != y->overrides.n)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_store *s = NULL;
	mc_feedback *f = NULL, *g = NULL;
	mc_feedback_result read = {0}, back = {0};
	mc_feedback_opts fo = {.no_lookups = true};
	const mc_store_period all = {0};
	char *buf = malloc(size + 16);

	if (!buf || mc_store_open(&s, "sqlite::memory:", 1) != MC_OK)
		goto out;
	memcpy(buf, "<feedback>", 10);
	memcpy(buf + (size && data[0] == '<' ? 0 : 10), data, size);
	fo.sink = mc_store_sink(s);
	if (mc_feedback_new(&f, NULL, &fo) != MC_OK ||
	    mc_feedback_add_bytes(f, buf, size + (size && data[0] == '<' ? 0 : 10), "fuzz") != MC_OK ||
	    mc_feedback_finish(f, &read) != MC_OK)
		goto out;
	fo.sink = NULL;
	if (mc_feedback_new(&g, NULL, &fo) != MC_OK || mc_store_replay(s, &all, g) != MC_OK ||
	    mc_feedback_finish(g, &back) != MC_OK)
		abort(); /* the database in memory does not fail */
	/* a report read whole is stored whole: the same totals come back */
	if (!read.unreadable_total && !mc_store_counts_of(s)->dropped)
		same(&read, &back);
out:
	mc_feedback_result_clear(&read);
	mc_feedback_result_clear(&back);
	mc_feedback_free(f);
	mc_feedback_free(g);
	mc_store_close(s);
	free(buf);
	return 0;
}
