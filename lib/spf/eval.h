/* The state of one SPF evaluation, shared by eval.c and check.c. */
#ifndef MC_SPF_EVAL_H
#define MC_SPF_EVAL_H

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "spf/internal.h"

struct spf_eval {
	mc_resolver *r;
	mc_spf_result *res;
	unsigned char ip[16];
	int family;
	const char *sender, *local, *sender_domain, *helo, *receiver;
	long long now;
	int lookups, voids;
	bool problem_reported;
	char *validated;      /* %{p}, computed on first use */
	bool validated_done;
	mc_spf_step *path;
	size_t n_path, cap_path;
};

struct spf_outcome {
	mc_verdict verdict;
	char *explanation;   /* exp= text on fail */
};

/* check_host(): top is true for the domain asked, false for include/redirect. */
struct spf_outcome spf_check_host(struct spf_eval *ev, const char *domain, int depth, bool top);

spf_macro_env spf_env(struct spf_eval *ev, const char *domain);
bool spf_ip_in(const struct spf_eval *ev, const unsigned char *net, int family, int prefix);
void spf_reverse_name(const struct spf_eval *ev, char *buf, size_t size);
/* Fill res->suggestion: the term that would authorize the client. */
void spf_suggest(struct spf_eval *ev, mc_spf_result *res);
size_t spf_validated_names(struct spf_eval *ev, const char **names, bool count, bool *void_over);


#endif
