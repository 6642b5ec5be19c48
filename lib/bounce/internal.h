/* Inside lib/bounce. */
#ifndef MC_BOUNCE_INTERNAL_H
#define MC_BOUNCE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "mailcheck/bounce.h"

/* Is s[0..n) an enhanced status code: class 2, 4 or 5, subject 0-7, a
 * detail of 1-3 digits (RFC 3463 2)? */
bool bounce_is_status(const char *s, size_t n);
/* The first enhanced status code in s[0..n) standing alone (not part of an
 * address, an IP address, a version or a longer number), malloc'd; NULL when
 * none. _in: the first that starts in s[from..to), judged with the text
 * around it. */
char *bounce_find_status(const char *s, size_t n);
char *bounce_find_status_in(const char *s, size_t n, size_t from, size_t to);
/* A non-standard bounce: recipients and their replies from its text;
 * failed: the X-Failed-Recipients field, or NULL. */
/* Case-insensitive memmem of a NUL-terminated needle in s[0..n). */
const char *bounce_strcasestr_n(const char *s, size_t n, const char *needle);
void bounce_read_text(const char *s, size_t n, const char *failed, mc_bounce_result *out);
/* A DSN recipient without the server's reply (no Diagnostic-Code, or a
 * generic X.0.0 Status): the reply the text part gives after its address. */
void bounce_reply_for(const char *s, size_t n, mc_bounce_rcpt *r);
/* The provider, category and cause of a recipient's failure (classify.c). */
void bounce_classify(mc_bounce_rcpt *r);
/* A reply that names a blocklist (blocklist.c): category "blocklist", the
 * list and address it names, the cause; false when it names none. */
bool bounce_blocklist_reply(mc_bounce_rcpt *r, const char *who);
/* r->cause (and cause_text): who (NULL: the receiving server) refused or
 * deferred the recipient for meaning (English; shown: the same in the
 * locale's language), from the page source (NULL: none); without a meaning,
 * what it answered. */
void bounce_cause(mc_bounce_rcpt *r, const char *who, const char *meaning, const char *shown,
                  const char *source);
/* The reporting MTA's address (check.c), malloc'd; NULL when not known. */
char *bounce_client_ip(mc_resolver *r, const mc_bounce_result *res);
void bounce_rcpt_clear(mc_bounce_rcpt *r);
/* The provider whose servers' marks (gsmtp, outlook.com, ...) text shows,
 * or NULL. */
const char *bounce_provider_in(const char *text);
void bounce_domain_check_clear(mc_bounce_domain_check *d);
/* Where the bounce went and why: findings (classify.c). */
void bounce_where(mc_bounce_result *out);

#endif
