/*
 * The registrable domain ("organizational domain" of RFC 7489) from the
 * public suffix list, through libpsl: the newest of its built-in list and
 * Debian's publicsuffix file, loaded once. Common code: it folds the name
 * itself and asks nothing of lib/dns.
 */
#include <ctype.h>
#include <libpsl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

static psl_ctx_t *psl;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	psl = psl_latest(NULL);
	if (!psl)
		psl = (psl_ctx_t *)psl_builtin();
}

/* The last answers of this thread: a message asks about the same few names
 * again and again (From, the DKIM d=, the SPF domain, the HELO name). */
#define RECENT 4
static _Thread_local struct recent {
	char name[256], reg[256];
	bool known, none;
} recent[RECENT];
static _Thread_local unsigned recent_next;

char *mc_registrable_domain(const char *name)
{
	size_t n = strlen(name);
	char *folded;
	const char *reg;

	if (n > 1 && name[n - 1] == '.') /* the name without its root dot, in lower case */
		n--;
	if (!(folded = mc_strndup(name, n)))
		return NULL;
	for (char *p = folded; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (int i = 0; i < RECENT; i++)
		if (recent[i].known && strcmp(recent[i].name, folded) == 0) {
			free(folded);
			return recent[i].none ? NULL : mc_strdup(recent[i].reg);
		}
	pthread_once(&psl_once, load);
	reg = psl ? psl_registrable_domain(psl, folded) : NULL;
	char *out = reg ? mc_strdup(reg) : NULL;

	struct recent *r = &recent[recent_next++ % RECENT];

	r->known = n < sizeof(r->name) && (!reg || strlen(reg) < sizeof(r->reg));
	if (r->known) {
		memcpy(r->name, folded, n + 1);
		r->none = !reg;
		if (reg)
			memcpy(r->reg, reg, strlen(reg) + 1);
	}
	free(folded);
	return out;
}
