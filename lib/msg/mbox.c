/*
 * Splitting an mbox stream (RFC 4155) into messages: the stream is read in
 * blocks, its lines are found with memchr, and the lines between two "From "
 * separators (a line starting with "From " after an empty line, or at the
 * start) are handed on in as few pushes as the blocks allow. Only the
 * incomplete last line of a block is carried over; a line longer than the
 * block is handed on in pieces (only the start of a line is looked at).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mailcheck/msg.h"

#define BLOCK 65536

struct split {
	const mc_mbox_sink *s;
	bool in_message, line_start, prev_empty;
};

/* Hand on bytes of the current message (a message begins if none has). */
static mc_status give(struct split *sp, const char *p, size_t n)
{
	mc_status st;

	if (!n)
		return MC_OK;
	if (!sp->in_message) { /* no separator first: one message */
		if ((st = sp->s->begin(sp->s->arg)) != MC_OK)
			return st;
		sp->in_message = true;
	}
	return sp->s->push(sp->s->arg, p, n);
}

/* The complete lines in p[0..n) (n ends a line, or the block is one piece
 * of a longer line when !complete_last). */
static mc_status lines(struct split *sp, const char *p, size_t n)
{
	size_t span = 0, i = 0;
	mc_status st;

	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - p) + 1 : n, len = end - i;
		bool start = sp->line_start;

		if (start && sp->prev_empty && len >= 5 && memcmp(p + i, "From ", 5) == 0) {
			if ((st = give(sp, p + span, i - span)) != MC_OK)
				return st;
			if (sp->in_message && (st = sp->s->end(sp->s->arg, true)) != MC_OK)
				return st;
			if ((st = sp->s->begin(sp->s->arg)) != MC_OK)
				return st;
			sp->in_message = true;
			span = end; /* the separator line is not part of the message */
		}
		if (start)
			sp->prev_empty = (len == 1 && p[i] == '\n') ||
			                 (len == 2 && p[i] == '\r' && p[i + 1] == '\n');
		sp->line_start = nl != NULL;
		i = end;
	}
	return give(sp, p + span, n - span);
}

mc_status mc_mbox_read(FILE *fp, const char *what, const mc_mbox_sink *s)
{
	struct split sp = {.s = s, .line_start = true, .prev_empty = true};
	char *buf = malloc(BLOCK);
	size_t have = 0;
	mc_status st = MC_OK;

	if (!buf)
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (;;) {
		size_t got = fread(buf + have, 1, BLOCK - have, fp), n = have + got, cut;
		char *last;

		if (got == 0)
			break;
		/* up to the last line end; the rest waits for the next block,
		 * unless the block holds no line end at all */
		last = memrchr(buf, '\n', n);
		cut = last ? (size_t)(last - buf) + 1 : n;
		if ((st = lines(&sp, buf, cut)) != MC_OK)
			break;
		memmove(buf, buf + cut, n - cut);
		have = n - cut;
	}
	if (st == MC_OK && have)
		st = lines(&sp, buf, have);
	free(buf);
	if (st == MC_OK && ferror(fp))
		st = mc_error_set(MC_EIO, "cannot read %s: %s", what, mc_strerror(errno));
	if (st == MC_OK && sp.in_message)
		st = s->end(s->arg, false);
	return st;
}

/* ---- whole messages ---- */

static mc_status collect_begin(void *arg)
{
	mc_msg_collector *c = arg;

	c->number++;
	c->len = 0;
	c->too_big = false;
	return MC_OK;
}

static mc_status collect_push(void *arg, const char *buf, size_t len)
{
	mc_msg_collector *c = arg;

	if (c->too_big)
		return MC_OK;
	if (len > c->max - c->len) {
		c->too_big = true;
		return MC_OK;
	}
	if (mc_grow(&c->buf, &c->cap, c->len + len, 1) < 0)
		return mc_error_set(MC_ENOMEM, "out of memory");
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	return MC_OK;
}

static mc_status collect_end(void *arg, bool more)
{
	mc_msg_collector *c = arg;

	return c->message(c->arg, c->buf && !c->too_big ? c->buf : "", c->too_big ? 0 : c->len,
	                  c->number, more, c->too_big);
}

mc_mbox_sink mc_msg_collector_sink(mc_msg_collector *c)
{
	return (mc_mbox_sink){collect_begin, collect_push, collect_end, c};
}

void mc_msg_collector_free(mc_msg_collector *c)
{
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}
