/*
 * Outside bytes shown safely. Everything a text renderer writes passes
 * through one stream (mc_escaped_open) that shows each byte a terminal
 * would act on as \DDD, the way dig and kdig print names and TXT strings
 * (RFC 1035 5.1 presentation format): the C0 controls but tab and newline,
 * DEL, bytes that are not UTF-8, and the UTF-8 forms of the C1 controls
 * (some terminals take U+009B as CSI) and of the bidirectional overrides
 * (which reorder what follows on the line). A DNS record, a message or a
 * bounce can then neither clear the screen, colour the text, retitle the
 * window nor hide the lines after it. mailcheck's own colours are written
 * past the stream (mc_escaped_raw), never through it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"

struct escaped {
	FILE *under;
	unsigned char held[4]; /* the start of a UTF-8 sequence cut by a write */
	size_t n_held;
};

static void put_escaped_byte(FILE *fp, unsigned char c)
{
	fprintf(fp, "\\%03u", c);
}

static bool plain_ascii(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n';
}

/* The length of the UTF-8 sequence that starts with c (0: no lead byte). */
static size_t utf8_length(unsigned char c)
{
	return c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
}

/* The code point of a whole sequence s[0..n), or UINT32_MAX when it is no
 * well-formed UTF-8 (Unicode 15 table 3-7: no overlong forms, surrogates or
 * values past U+10FFFF). */
static uint32_t utf8_decode(const unsigned char *s, size_t n)
{
	uint32_t cp = s[0] & (0x7f >> n);

	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return UINT32_MAX;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return UINT32_MAX;
	return cp;
}

static bool acts_on_terminal(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Write s[0..n) escaped; returns how many bytes at the end are the start of
 * a sequence that may go on in the next write (only when more may come). */
static size_t write_escaped(FILE *fp, const unsigned char *s, size_t n, bool more)
{
	size_t i = 0;

	while (i < n) {
		size_t run = i, len;
		uint32_t cp;

		while (run < n && plain_ascii(s[run]))
			run++;
		if (run > i)
			fwrite(s + i, 1, run - i, fp);
		if ((i = run) == n)
			break;
		len = utf8_length(s[i]);
		if (len && i + len > n) {
			/* cut: keep it for the next write if what there is may continue */
			bool prefix = true;

			for (size_t k = i + 1; k < n; k++)
				prefix = prefix && (s[k] & 0xc0) == 0x80;
			if (more && prefix)
				return n - i;
			len = 0;
		}
		cp = len ? utf8_decode(s + i, len) : UINT32_MAX;
		if (cp == UINT32_MAX || acts_on_terminal(cp)) {
			for (size_t k = 0; k < (cp == UINT32_MAX ? 1 : len); k++)
				put_escaped_byte(fp, s[i + k]);
			i += cp == UINT32_MAX ? 1 : len;
		} else {
			fwrite(s + i, 1, len, fp);
			i += len;
		}
	}
	return 0;
}

static ssize_t escaped_write(void *cookie, const char *buf, size_t size)
{
	struct escaped *e = cookie;
	size_t used = 0;

	if (e->n_held) { /* finish the sequence the last write cut */
		unsigned char joined[4];
		size_t need = utf8_length(e->held[0]), have = e->n_held;

		memcpy(joined, e->held, have);
		while (have < need && used < size && ((unsigned char)buf[used] & 0xc0) == 0x80)
			joined[have++] = (unsigned char)buf[used++];
		if (have < need && used == size) {
			memcpy(e->held, joined, have);
			e->n_held = have;
			return (ssize_t)size;
		}
		e->n_held = 0;
		write_escaped(e->under, joined, have, false);
	}
	e->n_held = write_escaped(e->under, (const unsigned char *)buf + used, size - used, true);
	memcpy(e->held, buf + size - e->n_held, e->n_held);
	return ferror(e->under) ? -1 : (ssize_t)size;
}

static int escaped_close(void *cookie)
{
	struct escaped *e = cookie;

	write_escaped(e->under, e->held, e->n_held, false); /* a sequence never finished */
	free(e);
	return 0;
}

FILE *mc_escaped_open(FILE *under)
{
	struct escaped *e = calloc(1, sizeof(*e));
	FILE *fp;

	if (!e)
		return NULL;
	e->under = under;
	fp = fopencookie(e, "w",
	                 (cookie_io_functions_t){.write = escaped_write, .close = escaped_close});
	if (!fp)
		free(e);
	return fp;
}

void mc_escaped_raw(FILE *escaped, FILE *under, const char *s)
{
	fflush(escaped);
	fputs(s, under);
}

void mc_print_escaped(FILE *fp, const char *fmt, ...)
{
	FILE *safe = mc_escaped_open(fp);
	va_list ap;

	va_start(ap, fmt);
	vfprintf(safe ? safe : fp, fmt, ap);
	va_end(ap);
	if (safe)
		fclose(safe);
}
