/* Inside lib/spf: the parsed record and the macro expander, shared by
 * evaluation (eval.c) and lint (lint.c). */
#ifndef MC_SPF_INTERNAL_H
#define MC_SPF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "mailcheck/spf.h"

typedef enum spf_kind {
	SPF_ALL, SPF_INCLUDE, SPF_A, SPF_MX, SPF_PTR, SPF_IP4, SPF_IP6, SPF_EXISTS,
	SPF_REDIRECT, SPF_EXP, SPF_UNKNOWN_MODIFIER,
} spf_kind;

typedef struct spf_term {
	spf_kind kind;
	char qualifier;     /* '+', '-', '~', '?' for mechanisms */
	char *text;         /* the term as written */
	size_t pos;         /* offset of the term in the record */
	char *domain_spec;  /* macro-string, NULL when absent */
	int cidr4, cidr6;   /* prefix lengths; 32 / 128 when absent */
	unsigned char net[16]; /* ip4 / ip6 network */
} spf_term;

typedef struct spf_record {
	spf_term *terms;
	size_t n;
	int redirect, exp;  /* index of the modifier, or -1 */
} spf_record;

/* Longest SPF record text accepted for parsing (DNS carries at most 64 KiB). */
#define SPF_MAX_RECORD 65535

/* Is this TXT string an SPF record (RFC 7208 4.5: "v=spf1" then SP or end)? */
bool spf_is_record(const char *txt, size_t len);

/* Parse a record. MC_EPARSE with the message "position N: ..." set. */
mc_status spf_record_parse(const char *txt, size_t len, spf_record *out, size_t *err_pos);
void spf_record_free(spf_record *rec);

/* Does a domain-spec / macro-string obey the ABNF? NULL if so, else why,
 * with *bad the offset. exp: the exp-only letters c, r, t are allowed. */
const char *spf_macro_syntax(const char *s, size_t len, bool exp, size_t *bad);

/* What the macro letters expand to. */
typedef struct spf_macro_env {
	const char *sender;        /* s */
	const char *local;         /* l */
	const char *sender_domain; /* o */
	const char *domain;        /* d */
	const unsigned char *ip;   /* i, c, v */
	int family;                /* AF_INET or AF_INET6 */
	const char *helo;          /* h */
	const char *receiver;      /* r */
	long long now;             /* t */
	/* p: the validated domain name of ip; computed on first use */
	const char *(*validated_name)(void *arg, const char *domain);
	void *arg;
} spf_macro_env;

/*
 * Expand a macro-string (RFC 7208 7). domain: the result is a name for a
 * query, so it is truncated from the left to 253 characters (7.3).
 * Returns MC_OK, MC_EPARSE (syntax), MC_ENOMEM.
 */
mc_status spf_expand(const spf_macro_env *env, const char *s, bool exp, bool domain, char **out);

/* The finding for a domain without SPF record; term: an example to list. */
void spf_add_none(mc_findings *f, const char *domain, const char *term);

#endif
