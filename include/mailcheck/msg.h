/*
 * lib/msg: the RFC 5322 message reader and the address parser.
 *
 * The reader is a push parser (OpenSMTPD's rfc5322.c is the model): it is
 * fed chunks of any size, keeps each header twice -- raw, the exact bytes
 * with folding, for DKIM; and unfolded, for parsing -- and streams the body
 * to a callback without keeping it. LF-only input is read as CRLF. Every
 * buffer has a limit; going past it is an MC_EPARSE error naming the limit.
 */
#ifndef MAILCHECK_MSG_H
#define MAILCHECK_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mailcheck/status.h"

typedef struct mc_msg_limits {
	size_t max_line;         /* one physical header line; default 64 KiB */
	size_t max_headers;      /* header fields; default 10,000 */
	size_t max_header_bytes; /* the whole header block; default 4 MiB */
} mc_msg_limits;

typedef struct mc_header {
	char *name;      /* as written */
	char *raw;       /* "Name: value" with folding, CRLF line ends, no final CRLF */
	size_t raw_len;
	char *value;     /* after the colon, unfolded (CRLF removed), NUL-terminated */
	size_t value_len;
} mc_header;

typedef struct mc_message {
	mc_header *headers;
	size_t n_headers;
	uint64_t body_bytes;  /* body length as CRLF text */
	bool has_body;        /* a blank line ended the header block */
	bool lf_only;         /* lines ended in bare LF (read as CRLF) */
	size_t skipped_lines; /* header-block lines that were not header fields */
	char *mbox_from;      /* a leading "From " line (mbox separator), without it */
} mc_message;

/* Called once the header block is complete (before any body). */
typedef mc_status (*mc_msg_headers_fn)(void *arg, const mc_message *msg);
/* Body bytes, CRLF line ends, in chunks. */
typedef mc_status (*mc_msg_body_fn)(void *arg, const char *chunk, size_t len);

typedef struct mc_msg_reader mc_msg_reader;

mc_status mc_msg_reader_new(mc_msg_reader **out, const mc_msg_limits *limits,
                            mc_msg_headers_fn on_headers, mc_msg_body_fn on_body, void *arg);
mc_status mc_msg_push(mc_msg_reader *r, const char *buf, size_t len);
/* End of input: hands the headers over to *out (free with mc_message_clear). */
mc_status mc_msg_finish(mc_msg_reader *r, mc_message *out);
void mc_msg_reader_free(mc_msg_reader *r);

/* Read a whole message from a stream through a reader. `what` names the
 * input in error messages ("standard input", a file name). */
mc_status mc_msg_read_stream(FILE *fp, const char *what, const mc_msg_limits *limits,
                             mc_msg_headers_fn on_headers, mc_msg_body_fn on_body,
                             void *arg, mc_message *out);

void mc_message_clear(mc_message *msg);

/* The From domain DMARC uses: exactly one From header with exactly one
 * address that has a domain. NULL otherwise, with *why saying what is wrong. */
char *mc_message_from_domain(const mc_message *msg, const char **why);

/* The first / next header with this name (case-insensitive), from index *i. */
const mc_header *mc_message_find(const mc_message *msg, const char *name, size_t *i);
size_t mc_message_count(const mc_message *msg, const char *name);

/*
 * mbox (RFC 4155): messages separated by lines that start with "From " at
 * the start of the file or after an empty line. The stream is split
 * without holding a message: begin, the bytes of each message (its "From "
 * line left out), end; end's `more` says whether another message follows.
 */
typedef struct mc_mbox_sink {
	mc_status (*begin)(void *arg);
	mc_status (*push)(void *arg, const char *buf, size_t len);
	mc_status (*end)(void *arg, bool more); /* more: another message follows */
	void *arg;
} mc_mbox_sink;

mc_status mc_mbox_read(FILE *fp, const char *what, const mc_mbox_sink *sink);

/* A sink that holds each message whole (for readers that need it whole,
 * as GMime does), at most max bytes, and hands it to `message`: its bytes,
 * its number in the stream (1, 2, ...), whether another follows, and
 * whether it was larger than max (then len is 0). */
typedef struct mc_msg_collector {
	size_t max;
	mc_status (*message)(void *arg, const char *data, size_t len, size_t number, bool more,
	                     bool too_big);
	void *arg;
	/* the message being collected */
	char *buf;
	size_t len, cap, number;
	bool too_big;
} mc_msg_collector;

/* The sink feeding c (which lives as long as the sink is used). Set
 * c->number to 0 at the start of each stream. */
mc_mbox_sink mc_msg_collector_sink(mc_msg_collector *c);
void mc_msg_collector_free(mc_msg_collector *c);

/* RFC 5322 addresses (3.4): display names, quoted strings, comments,
 * groups, encoded words in display names (RFC 2047, decoded to UTF-8). */
typedef struct mc_address {
	char *display;  /* decoded, NULL when none */
	char *local;    /* local part as written (quotes kept), NULL for an empty group */
	char *domain;   /* lower case; NULL when there is no @domain */
	char *group;    /* the group it belongs to, or NULL */
} mc_address;

typedef struct mc_address_list {
	mc_address *items;
	size_t n;
} mc_address_list;

/* MC_EPARSE with a message naming the problem and its offset. */
mc_status mc_address_list_parse(const char *value, size_t len, mc_address_list *out);
void mc_address_list_clear(mc_address_list *list);

/* An RFC 5322 date-time ("Tue, 24 Nov 2026 10:00:00 +0000 (UTC)") to
 * seconds since the epoch; -1 when it cannot be read. */
long long mc_date_parse(const char *s);

/* A time a user gives (--now): seconds since the epoch, an RFC 3339 date
 * ("2026-11-23T10:00:00Z", "2026-11-23T11:00:00+01:00", or "2026-11-23" for
 * midnight UTC) or an RFC 5322 date ("Mon, 23 Nov 2026 10:00:00 +0000").
 * -1 when it is none of these. */
long long mc_time_parse(const char *s);

#endif
