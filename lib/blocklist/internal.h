/* Inside lib/blocklist: the catalogue's code tables and the set. */
#ifndef MC_BLOCKLIST_INTERNAL_H
#define MC_BLOCKLIST_INTERNAL_H

#include <stdint.h>

#include "mailcheck/blocklist.h"

/* How a list's return codes are read. */
typedef enum bl_decoder {
	BL_TABLE,   /* address ranges, each with its meaning */
	BL_BITS,    /* 127.0.0.X where each bit of X is a sub-list (SURBL, URIBL) */
	BL_DNSWL,   /* 127.0.C.T: category C, trust level T */
	BL_ANY,     /* a list of the user's own: any code of 127.0.0.0/8 lists */
} bl_decoder;

/* A range of codes (host order, inclusive) or, for BL_BITS, one bit. */
typedef struct bl_code_row {
	uint32_t lo, hi;    /* BL_BITS: lo is the bit's value, hi unused */
	bool error;         /* an error code of the list: the query was refused */
	const char *meaning;
} bl_code_row;

typedef struct bl_entry {
	mc_bl_list list;          /* id, name, zone, kind, role, ipv6, removal, source, terms */
	const char *dqs_zone;     /* its zone under Spamhaus DQS ("zen.dq.spamhaus.net"), or NULL */
	bl_decoder decoder;
	const bl_code_row *rows;
	size_t n_rows;
	const char *test_listed;   /* RFC 5782 section 5, or the list's own test point */
	const char *test_unlisted;
} bl_entry;

extern const bl_entry bl_catalogue[];
extern const size_t bl_catalogue_n;

/* The decoding rules of a list of the set (the catalogue's row, or the
 * rules of a list of the user's own). */
const bl_entry *bl_entry_of(const mc_bl_list *list);

/* The name under a list's zone for an address or a domain: "2.0.0.127.zone";
 * NULL when it cannot be one (too long). */
char *bl_query_name(const mc_bl_list *list, const char *target, bool ip);

struct mc_bl_set {
	mc_bl_list lists[MC_BL_MAX_LISTS];
	size_t n;
	char *owned[MC_BL_MAX_LISTS * 2]; /* zones and names made for this set */
	size_t n_owned;
};

/* The targets of a domain (targets.c) */
#define BL_MAX_NAMES 10
#define BL_MAX_HOSTS 10
struct bl_names {
	const char *domain;
	struct {
		char *name;   /* the name of an a or mx term */
		bool mx;
		char *term;   /* the term as written */
	} item[BL_MAX_NAMES];
	size_t n;
};
void bl_left_out(mc_bl_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool bl_add_target(mc_bl_result *res, const char *name, bool ip, const char *via);
bool bl_add_target_text(mc_bl_result *res, const char *name, bool ip, const char *via,
                        const char *via_text);
void bl_spf_terms(mc_bl_result *res, const mc_dns_answer *txt, struct bl_names *names);
void bl_name(struct bl_names *names, const char *target, bool mx, const char *term);
void bl_names_clear(struct bl_names *names);
size_t bl_mx_hosts(const mc_dns_answer *mx, const char **hosts);
void bl_host_addresses(mc_resolver *r, mc_bl_result *res, const char *const *hosts,
                       char *const *vias, size_t n);
void bl_implicit_mx(mc_bl_result *res, const mc_dns_answer *a, const mc_dns_answer *aaaa);

/* Findings of a result (findings.c) */
void bl_findings(mc_bl_result *res);

#endif
