/*
 * The registrable domain ("organizational domain" of RFC 7489) from the
 * public suffix list, through libpsl: the newest of its built-in list and
 * Debian's publicsuffix file, loaded once.
 */
#include <libpsl.h>
#include <stdlib.h>
#include <pthread.h>

#include "common/util.h"
#include "mailcheck/dns.h"

static psl_ctx_t *psl;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	psl = psl_latest(NULL);
	if (!psl)
		psl = (psl_ctx_t *)psl_builtin();
}

char *mc_registrable_domain(const char *name)
{
	char *folded = mc_dns_name_fold(name), *out = NULL;
	const char *reg;

	if (!folded)
		return NULL;
	pthread_once(&psl_once, load);
	reg = psl ? psl_registrable_domain(psl, folded) : NULL;
	if (reg)
		out = mc_strdup(reg);
	free(folded);
	return out;
}
