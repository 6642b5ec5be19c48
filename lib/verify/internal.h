/* Inside lib/verify. */
#ifndef MC_VERIFY_INTERNAL_H
#define MC_VERIFY_INTERNAL_H

#include "mailcheck/verify.h"

/* One sentence more of the explanation (conclude.c). */
void verify_say(mc_verify_result *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A sentence the caller made in both languages (text NULL: the English);
 * both taken over. */
void verify_say_made(mc_verify_result *out, char *english, char *text);
/* The list or forwarder the message came through (via_text.c): its
 * sentences, and its findings. */
void verify_explain_via(mc_verify_result *out);
void verify_via_findings(mc_verify_result *out);

/* The client and the From and envelope domains on the blocklists
 * (blocklists.c); nothing when set is NULL or has no usable list. */
mc_status verify_blocklists(mc_resolver *r, const mc_bl_set *set, mc_verify_result *out);

/* Verdict, Authentication-Results, explanation and findings (conclude.c). */
void verify_conclude(mc_verify_result *out, const char *authserv_id);

/* The bulk-sender rules of these providers (MC_REQ_*), on the concluded
 * result (requirements.c). */
void verify_requirements(const mc_message *msg, unsigned providers, mc_verify_result *out);

/* The list or forwarder the headers show, and what it changed
 * (intermediary.c); after DKIM and ARC are known. */
void verify_intermediary(const mc_message *msg, mc_verify_result *out);
void verify_intermediary_clear(mc_intermediary *via);

#endif
