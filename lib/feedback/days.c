/*
 * Each source's messages per day its report begins (mc_fb_day), kept while
 * the reports are read when the options ask (the --html page charts the
 * days by kind of source, and a source's kind is known only at the end).
 * Once the reports span more than 62 days the page charts weeks, so the
 * days are folded into weeks from Monday, and later rows go to their week:
 * a year of a large domain is some 53 entries per source, not 365.
 */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "feedback/internal.h"

#define DAY 86400
#define SPAN_OF_DAYS (62 * DAY) /* longer: weeks (as feedback_render.c charts them) */

/* 00:00 UTC of the day of t, or of the Monday before it (1970-01-01 was a
 * Thursday). */
static int64_t period_of(int64_t t, bool weekly)
{
	int64_t day = t - t % DAY;

	return weekly ? day - ((day / DAY + 3) % 7) * DAY : day;
}

static uint64_t key_hash(size_t source, int64_t day)
{
	uint64_t x = (uint64_t)source << 32 ^ (uint64_t)(day / DAY);

	/* splitmix64's finaliser: the bits of both spread over the slots */
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

struct wanted {
	const mc_fb_day *days;
	size_t source;
	int64_t day;
};

static bool same(const void *arg, size_t item)
{
	const struct wanted *w = arg;

	return w->days[item].source == w->source && w->days[item].day == w->day;
}

/* The entry of (source, day), made when new; NULL when out of memory or
 * past MC_FEEDBACK_MAX_DAYS (*full then). */
static mc_fb_day *entry(fb_days *d, mc_feedback_result *res, size_t source, int64_t day,
                        bool *full)
{
	uint64_t h = key_hash(source, day);
	size_t at, found = fb_index_find(&d->index, h, same,
	                                 &(struct wanted){res->days, source, day}, &at);

	if (found == SIZE_MAX)
		return NULL;
	if (found)
		return &res->days[found - 1];
	if (res->n_days == MC_FEEDBACK_MAX_DAYS) {
		*full = true;
		return NULL;
	}
	if (mc_grow(&res->days, &d->cap, res->n_days + 1, sizeof(*res->days)) < 0)
		return NULL;
	res->days[res->n_days] = (mc_fb_day){.day = day, .source = source};
	fb_index_put(&d->index, at, h, res->n_days);
	return &res->days[res->n_days++];
}

/* The days so far into their weeks, in place (an entry is written at or
 * before the one being read). */
static void fold_weeks(fb_days *d, mc_feedback_result *res)
{
	size_t n = res->n_days;
	bool full = false;

	fb_index_free(&d->index);
	res->n_days = 0;
	for (size_t i = 0; i < n; i++) {
		mc_fb_day e = res->days[i];
		mc_fb_day *w = entry(d, res, e.source, period_of(e.day, true), &full);

		if (!w) { /* cannot happen: fewer entries, and no more room than before */
			res->days_incomplete = true;
			return;
		}
		w->messages += e.messages;
		w->dmarc_pass += e.dmarc_pass;
	}
	res->days_weekly = true;
}

mc_status fb_add_day(mc_feedback *f, size_t source, int64_t begin, uint64_t n, uint64_t pass)
{
	fb_days *d = fb_days_of(f);
	mc_feedback_result *res = fb_result(f);
	bool full = false;
	mc_fb_day *e;

	if (!fb_opts(f)->days || res->days_incomplete)
		return MC_OK;
	if (begin <= 0) { /* a report without its date before its rows */
		res->days_incomplete = true;
		return MC_OK;
	}
	if (!d->first || begin < d->first)
		d->first = begin;
	if (begin > d->last)
		d->last = begin;
	if (!res->days_weekly && d->last - d->first > SPAN_OF_DAYS)
		fold_weeks(d, res);
	if (!(e = entry(d, res, source, period_of(begin, res->days_weekly), &full))) {
		if (!full)
			return mc_error_set(MC_ENOMEM, "out of memory");
		res->days_incomplete = true;
		return MC_OK;
	}
	e->messages += n;
	e->dmarc_pass += pass;
	return MC_OK;
}

void fb_days_free(fb_days *d)
{
	fb_index_free(&d->index);
	memset(d, 0, sizeof(*d));
}
