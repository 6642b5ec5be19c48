/* Inside lib/dmarc. */
#ifndef MC_DMARC_INTERNAL_H
#define MC_DMARC_INTERNAL_H

#include "mailcheck/dmarc.h"

/* Does this TXT string start a DMARC record ("v=DMARC1" then ';', space or end)? */
bool dmarc_is_record(const char *txt, size_t len);

/* Parse into rec (rec->domain set by the caller); findings name problems with
 * their position. Sets rec->valid. */
void dmarc_record_parse(mc_dmarc_record *rec, const char *txt, size_t len, mc_findings *f);
void dmarc_record_clear(mc_dmarc_record *rec);

/* The names of an RFC 9989 tree walk from domain, most specific first. */
size_t dmarc_walk_names(const char *domain, char names[MC_DMARC_MAX_WALK][256]);

/* The organizational domain from the records found by a walk (walk.c). */
char *dmarc_org_from_walk(const char *domain, char names[][256], const char *psd, size_t n);

/* libopendmarc's reading of a record (opendmarc.c). Returns false when it
 * could not run. */
bool dmarc_opendmarc_view(const mc_dmarc_record *rec, const char *from_domain,
                          const char *org_domain, mc_dmarc_policy *policy, int *pct);

#endif
