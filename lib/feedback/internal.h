/* Inside lib/feedback. */
#ifndef MC_FEEDBACK_INTERNAL_H
#define MC_FEEDBACK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <zip.h>
#include <zlib.h>

#include "mailcheck/feedback.h"

/* ---- bytes in (input.c): a FILE, memory or a zip member, inflated when
 * gzip, with what was peeked given back first ---- */
typedef struct fb_in {
	FILE *fp;
	const unsigned char *mem;
	size_t mem_len, mem_pos;
	zip_file_t *zf;
	/* gzip */
	bool gz, gz_end;
	z_stream z;
	unsigned char *zbuf;
	/* given back: raw (before inflating) and content (after) */
	unsigned char raw_back[16], back[512];
	size_t n_raw_back, raw_pos, n_back, back_pos;
	uint64_t out;          /* content bytes delivered */
	char err[200];         /* why reading stopped, "" at a clean end */
} fb_in;

/* Read up to n content bytes: > 0, 0 at the end, -1 on error (err). */
long fb_read(fb_in *in, void *buf, size_t n);
/* The first up to n content bytes (at most 512), given back to the next
 * reads; returns how many there are (<= n). */
size_t fb_peek(fb_in *in, const unsigned char **start, size_t n);
/* Start inflating when the raw bytes are gzip. */
bool fb_gunzip_if(fb_in *in);
void fb_in_close(fb_in *in);

/* ---- one aggregate report row, as read (aggregate.c) ---- */
#define FB_MAX_AUTH MC_FB_MAX_AUTH
#define FB_MAX_REASONS MC_FB_MAX_REASONS
typedef mc_fb_auth fb_auth;
typedef mc_fb_row fb_row;
typedef mc_fb_meta fb_meta;

/* Read an aggregate report from in (XML): each row to fb_add_row, then
 * the report to fb_add_report. false (with why) when it is no readable
 * report; rows already added stay counted. */
bool fb_read_aggregate(mc_feedback *f, fb_in *in, const char *what, char *why, size_t why_size);
/* Read a TLS report (RFC 8460 JSON). */
bool fb_read_tls(mc_feedback *f, fb_in *in, const char *what, char *why, size_t why_size);
/* A failure report (ARF) message, whole. */
mc_status fb_read_failure(mc_feedback *f, const char *data, size_t len, const char *what);

/* ---- the hash index (index.c) ---- */
typedef struct fb_slot {
	uint64_t hash;
	size_t item;             /* number + 1 of the item; 0: an empty slot */
} fb_slot;
typedef struct fb_index {
	fb_slot *slot;
	size_t size, n;
} fb_index;

/* FNV-1a of s, going on from h (0: start afresh). */
uint64_t fb_hash(const char *s, uint64_t h);
/* The item (number + 1) whose key has hash h and for which same(arg, item)
 * holds (same NULL: the hash alone is the key); else 0, with *at the slot to
 * put it in (fb_index_put, before the next find). SIZE_MAX when the index
 * cannot grow (out of memory). */
size_t fb_index_find(fb_index *x, uint64_t h, bool (*same)(const void *arg, size_t item),
                     const void *arg, size_t *at);
void fb_index_put(fb_index *x, size_t at, uint64_t h, size_t item);
void fb_index_free(fb_index *x);

/* ---- each source's messages per day or week (days.c) ---- */
typedef struct fb_days {
	fb_index index;          /* res.days by (source, day) */
	size_t cap;
	int64_t first, last;     /* the reports' begin seen */
} fb_days;

fb_days *fb_days_of(mc_feedback *f);
/* n messages of a source (its index; pass of them passing DMARC) in a
 * report that begins at begin (0: not known -- the days are then not
 * whole); nothing unless the options ask for the days. */
mc_status fb_add_day(mc_feedback *f, size_t source, int64_t begin, uint64_t n, uint64_t pass);
void fb_days_free(fb_days *d);

/* ---- the totals (summary.c) ---- */
/* Add n messages to name (and detail) in c. */
void fb_count(mc_feedback_result *res, mc_fb_counts *c, const char *name, const char *detail,
              uint64_t n);
/* A row of a report that begins at begin (0: not known). */
mc_status fb_add_row(mc_feedback *f, const fb_row *row, const char *org, int64_t begin);
/* Has a report of this reporter with this ID been read already? (It is
 * remembered now.) */
bool fb_seen_report(mc_feedback *f, const char *org, const char *id);
void fb_unreadable(mc_feedback *f, const char *what, const char *why);
/* A message that holds no report: named, not an error. */
void fb_skipped(mc_feedback *f, const char *what, const char *why);
/* The totals of one TLS policy (NULL past MC_FEEDBACK_MAX_TLS); a new
 * failure report's slot (NULL past MC_FEEDBACK_MAX_FAILURES: counted only). */
mc_fb_tls_policy *fb_tls_policy(mc_feedback *f, const char *domain, const char *type);
mc_fb_failure *fb_new_failure(mc_feedback *f);
mc_resolver *fb_resolver(mc_feedback *f);
/* The sink (NULL when none, or when it failed once); what it returned
 * (its first error is kept: fb_sink_status gives it back, for the
 * mc_feedback_add_* functions to return). */
const mc_feedback_sink *fb_sink(mc_feedback *f);
mc_status fb_sink_result(mc_feedback *f, mc_status st);
mc_status fb_sink_status(mc_feedback *f);
const mc_feedback_opts *fb_opts(mc_feedback *f);
mc_feedback_result *fb_result(mc_feedback *f);


/* The conclusion (explain.c): the PTR names, SPF checks and provider
 * networks of the first n sources looked up; a source explained (in
 * sentences when words). */
mc_status fb_look_up(mc_feedback *f, size_t n, const char *domain);
void fb_explain(mc_fb_source *s, const char *policy_domain, bool words);

#endif
