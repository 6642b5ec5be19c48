/* Strings and growable arrays. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"

char *mc_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *mc_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

char *mc_vasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

char *mc_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = mc_vasprintf(fmt, ap);
	va_end(ap);
	return s;
}

int mc_grow(void *items, size_t *cap, size_t need, size_t size)
{
	void **p = items;
	size_t ncap = *cap ? *cap : size == 1 ? 64 : 8; /* strings: fewer reallocs */
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / size)
			return -1;
		ncap *= 2;
	}
	n = realloc(*p, ncap * size);
	if (!n)
		return -1;
	*p = n;
	*cap = ncap;
	return 0;
}

char *mc_time_text(long long t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, size, "%lld", t);
	return buf;
}

uint64_t mc_fnv1a(const void *data, size_t n, uint64_t h)
{
	for (const unsigned char *p = data, *end = p + n; p < end; p++)
		h = mc_fnv1a_byte(h, *p);
	return h;
}

double mc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

int mc_buf_add(mc_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap && mc_grow(&b->s, &b->cap, b->len + n + 1, 1) < 0)
		return -1;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int mc_buf_addf(mc_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	s = mc_vasprintf(fmt, ap);
	va_end(ap);
	if (!s)
		return -1;
	rc = mc_buf_add(b, s, strlen(s));
	free(s);
	return rc;
}

char *mc_buf_take(mc_buf *b)
{
	char *s = b->s ? b->s : strdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void mc_buf_free(mc_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *mc_thousands(unsigned long long n, char *buf, size_t size)
{
	char raw[32];
	size_t len, o = 0;

	snprintf(raw, sizeof(raw), "%llu", n);
	len = strlen(raw);
	for (size_t i = 0; i < len && o + 2 < size; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = raw[i];
	}
	if (size)
		buf[o < size ? o : size - 1] = '\0';
	return buf;
}
