/*
 * Splitting an mbox stream (RFC 4155) into messages, line by line with a
 * fixed buffer: a line longer than the buffer is passed on in pieces, and
 * only the start of a line is looked at for the "From " separator.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "common/util.h"
#include "mailcheck/msg.h"

#define LINE_BUF 65536

mc_status mc_mbox_read(FILE *fp, const char *what, const mc_mbox_sink *s)
{
	static char line[LINE_BUF];
	bool in_message = false, line_start = true, prev_empty = true;
	mc_status st = MC_OK;

	while (st == MC_OK && fgets(line, sizeof(line), fp)) {
		size_t n = strlen(line);
		bool separator = line_start && prev_empty && n >= 5 && memcmp(line, "From ", 5) == 0;
		bool complete = n && line[n - 1] == '\n';

		if (separator) {
			if (in_message)
				st = s->end(s->arg, true);
			if (st == MC_OK)
				st = s->begin(s->arg);
			in_message = st == MC_OK;
		} else {
			if (!in_message && st == MC_OK) { /* no separator first: one message */
				st = s->begin(s->arg);
				in_message = st == MC_OK;
			}
			if (st == MC_OK)
				st = s->push(s->arg, line, n);
		}
		if (line_start)
			prev_empty = strcmp(line, "\n") == 0 || strcmp(line, "\r\n") == 0;
		line_start = complete;
	}
	if (st == MC_OK && ferror(fp))
		st = mc_error_set(MC_EIO, "cannot read %s: %s", what, strerror(errno));
	if (st == MC_OK && in_message)
		st = s->end(s->arg, false);
	return st;
}
