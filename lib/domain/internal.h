/* Inside lib/domain. */
#ifndef MC_DOMAIN_INTERNAL_H
#define MC_DOMAIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "mailcheck/domain.h"

/* RFC 8461 3.1: does the TXT record begin "v=STSv1"? Others are ignored. */
bool domain_is_sts(const char *s, size_t len);
/* Parse it: NULL and *id set, or why not with *pos the offset. */
const char *domain_sts_parse(const char *s, size_t len, char **id, size_t *pos);

/* RFC 8460 3: "v=TLSRPTv1" records, and their rua= URIs. */
bool domain_is_tlsrpt(const char *s, size_t len);
const char *domain_tlsrpt_parse(const char *s, size_t len, char ***rua, size_t *n_rua,
                                size_t *pos);

/* BIMI: "v=BIMI1" records; fills location, authority, declined. */
bool domain_is_bimi(const char *s, size_t len);
const char *domain_bimi_parse(const char *s, size_t len, mc_bimi *out, size_t *pos);

#endif
