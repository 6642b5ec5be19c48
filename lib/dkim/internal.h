/* Inside lib/dkim. */
#ifndef MC_DKIM_INTERNAL_H
#define MC_DKIM_INTERNAL_H

#include <stddef.h>

#include "common/tags.h"
#include "mailcheck/dkim.h"

/* Check a key record's text into k (k->name set by the caller). */
void dkim_key_record_check(mc_dkim_key *k, const char *rec, size_t len);


#endif
