/* The sending services mailcheck recognises (providers.c). */
#ifndef MC_COMMON_PROVIDERS_H
#define MC_COMMON_PROVIDERS_H

#include <stddef.h>

typedef struct mc_provider {
	const char *name;     /* English, as JSON says it; the msgid of its local name */
	const char *marks[4]; /* suffixes of its servers' names and of the domains it signs as */
	const char *include;  /* the SPF include its customers add (the name after
	                       * "include:"), NULL if it documents none */
} mc_provider;

/* The table (at most MC_PROVIDERS_MAX rows); returns its length. */
#define MC_PROVIDERS_MAX 64
size_t mc_providers(const mc_provider **list);
/* The provider whose mark a host or domain name is at or under, or NULL. */
const mc_provider *mc_provider_of(const char *name);
/* The provider by its (English) name, or NULL. */
const mc_provider *mc_provider_named(const char *name);
/* Its name as people read it in the locale's language. */
const char *mc_provider_display(const mc_provider *p);

#endif
