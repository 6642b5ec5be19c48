/* Inside lib/verify. */
#ifndef MC_VERIFY_INTERNAL_H
#define MC_VERIFY_INTERNAL_H

#include "mailcheck/verify.h"

/* Verdict, Authentication-Results, explanation and findings (conclude.c). */
void verify_conclude(mc_verify_result *out, const char *authserv_id);

#endif
