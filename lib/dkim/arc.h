/* ARC chain validation (RFC 8617 5.2), inside lib/dkim. */
#ifndef MC_DKIM_ARC_H
#define MC_DKIM_ARC_H

#include "dkim/internal.h"

mc_status arc_evaluate(mc_resolver *r, const mc_message *msg, const dkim_sigset *ams,
                       const dkim_sigset *seals, mc_arc_result *out, mc_findings *f);
void arc_result_clear(mc_arc_result *res);

#endif
