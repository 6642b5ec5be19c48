/* Internal helpers shared by every module of lib/: errors, strings, time. */
#ifndef MC_COMMON_UTIL_H
#define MC_COMMON_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailcheck/status.h"

/* strerror in English, whatever the locale (messages that reach JSON). */
const char *mc_strerror(int errnum);

/* Set the thread's last error message and return `code`. */
mc_status mc_error_set(mc_status code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The same from a message made by the caller in English and in the
 * locale's language (NULL: the English). */
mc_status mc_error_set_made(mc_status code, const char *english, const char *text);

/* What people read, in the locale's language (lib/common/i18n.c): set up
 * once by the program (mc_i18n_init), then each sentence looked up by its
 * English text -- _() marks and translates one, N_() marks one for later,
 * mc_ntr() chooses the plural form for n. JSON never goes through them. */
#define MC_TEXTDOMAIN "mailcheck"
void mc_i18n_init(void);
bool mc_i18n_active(void); /* a language other than English, with its catalogue */
const char *mc_tr(const char *msgid) __attribute__((format_arg(1)));
const char *mc_ntr(const char *one, const char *many, unsigned long n)
	__attribute__((format_arg(1), format_arg(2)));
#define _(s) mc_tr(s)
#define N_(s) (s)
/* fmt (English) formatted, for the JSON; into *text the same in the
 * locale's language, or NULL when it is the English (or out of memory). */
char *mc_vasprintf_both(const char *fmt, va_list ap, char **text)
	__attribute__((format(printf, 1, 0)));
/* The same with its arguments given here. */
char *mc_asprintf_both(char **text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same when an argument differs between the languages (a reason that
 * has its own translation): EN and TX are the argument lists, each in
 * parentheses -- mc_both(&text, N_("%s: %s"), (a, why), (a, why_text)).
 * *text is NULL under the C locale. */
#define MC_UNPACK(...) __VA_ARGS__
#define mc_both(text, fmt, EN, TX) \
	(*(text) = mc_i18n_active() ? mc_asprintf(mc_tr(fmt), MC_UNPACK TX) : NULL, \
	 mc_asprintf(fmt, MC_UNPACK EN))
/* A finding made so (mc_finding_add_made, mailcheck/findings.h). */
#define mc_finding_both(list, code, sev, fmt, EN, TX) \
	mc_finding_add_made((list), (code), (sev), mc_asprintf(fmt, MC_UNPACK EN), \
	                    mc_i18n_active() ? mc_asprintf(mc_tr(fmt), MC_UNPACK TX) : NULL)
/* s, or fallback when s is NULL (a translated text that is the English) */
/* The same with a plural: the English by n, the locale's form by its rule
 * (po/meson.build: a keyword like mc_ntr). */
#define mc_both_n(text, one, many, n, ...) \
	(*(text) = mc_i18n_active() ? mc_asprintf(mc_ntr(one, many, n), __VA_ARGS__) : NULL, \
	 mc_asprintf((n) == 1 ? (one) : (many), __VA_ARGS__))
#define MC_OR(s, fallback) ((s) ? (s) : (fallback))

/* NULL-safe strdup / strndup. */
char *mc_strdup(const char *s);
char *mc_strndup(const char *s, size_t n);
/* malloc'd printf; NULL when out of memory. */
char *mc_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *mc_vasprintf(const char *fmt, va_list ap);

/* Grow *items (of `size` bytes each) so that it holds at least `need`. */
int mc_grow(void *items, size_t *cap, size_t need, size_t size);

/* The registrable domain of a name (public suffix list), lower case;
 * NULL when the name is itself a public suffix or not under one. */
char *mc_registrable_domain(const char *name);

/* Loopback, private (RFC 1918, fc00::/7), link-local or unspecified: an
 * address not reachable from the Internet. False for non-addresses. */
bool mc_ip_is_internal(const char *text);

/* The reverse DNS name of an address (4.3.2.1.in-addr.arpa, nibbles.ip6.arpa;
 * 73 bytes for IPv6): from bytes, or from text (false when not an address). */
void mc_ip_reverse(int family, const unsigned char *ip, char *buf, size_t size);
bool mc_ip_reverse_name(const char *text, char *buf, size_t size);
/* The same address, whatever the spelling ("2001:db8::1", "2001:DB8:0::1"). */
bool mc_ip_equal(const char *a, const char *b);
/* A time (seconds since the epoch) as "2026-11-24 10:00:00 UTC" into buf
 * (at least 32 bytes); returns buf. */
char *mc_time_text(long long t, char *buf, size_t size);
/* n with thousands separated by commas ("1,234,567") in buf; returns buf. */
char *mc_thousands(unsigned long long n, char *buf, size_t size);
/* FNV-1a (64 bits) of n bytes, going on from h (MC_FNV_INIT to start); one
 * byte more with mc_fnv1a_byte. For the hash tables (DNS cache, DKIM keys
 * and header names, report indexes) and the diff's and recording's keys. */
#define MC_FNV_INIT 14695981039346656037ULL
#define MC_FNV_PRIME 1099511628211ULL
uint64_t mc_fnv1a(const void *data, size_t n, uint64_t h);
static inline uint64_t mc_fnv1a_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * MC_FNV_PRIME;
}

/* Monotonic clock in milliseconds. */
double mc_now_ms(void);

/* A growing string. */
typedef struct mc_buf {
	char *s;
	size_t len, cap;
} mc_buf;

int mc_buf_add(mc_buf *b, const char *s, size_t n);
int mc_buf_addf(mc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand over the string (never NULL unless out of memory) and reset b. */
char *mc_buf_take(mc_buf *b);
void mc_buf_free(mc_buf *b);

#endif
