/*
 * Zone-file backend: answers from zone files loaded with ldns, as an
 * authoritative server plus a recursive resolver would:
 *   - records of the type asked; CNAMEs followed (bounded: a loop is
 *     SERVFAIL, as resolvers report it);
 *   - a name that exists only through its children (empty non-terminal) is
 *     NODATA, not NXDOMAIN (RFC 8020);
 *   - wildcards (RFC 4592): "*.<closest encloser>" answers for names below
 *     the closest encloser that do not exist;
 *   - names in no zone are NXDOMAIN.
 * Fault directives in comment lines simulate DNS trouble while the file
 * stays valid for a real server:  ;! timeout NAME [TYPE]
 *                                 ;! servfail NAME [TYPE]
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/util.h"
#include "dns/internal.h"

/* Zone files are outside data: bounded like every other input. */
#define MAX_ZONE_BYTES (64L * 1024 * 1024)

struct fault {
	char *name;      /* folded */
	uint16_t type;   /* 0: every type */
	mc_dns_status status;
};

struct zone_db {
	ldns_rr **rrs;   /* every record of every file, in canonical order */
	size_t n, cap;
	struct fault *faults;
	size_t n_faults, cap_faults;
};

static void zone_free(void *state)
{
	struct zone_db *db = state;

	if (!db)
		return;
	for (size_t i = 0; i < db->n; i++)
		ldns_rr_free(db->rrs[i]);
	for (size_t i = 0; i < db->n_faults; i++)
		free(db->faults[i].name);
	free(db->rrs);
	free(db->faults);
	free(db);
}

/* ";! KIND NAME [TYPE]" -- returns MC_OK, or MC_EPARSE with the message set. */
static mc_status parse_directive(struct zone_db *db, char *line, const char *file, int lineno)
{
	char *save = NULL, *kind, *name, *type, *extra;
	struct fault f = {0};

	kind = strtok_r(line, " \t\r\n", &save);
	name = strtok_r(NULL, " \t\r\n", &save);
	type = strtok_r(NULL, " \t\r\n", &save);
	extra = strtok_r(NULL, " \t\r\n", &save);
	if (!kind || !name || extra)
		return mc_error_set(MC_EPARSE, "cannot read zone file '%s': line %d: "
			"expected ';! timeout|servfail NAME [TYPE]'", file, lineno);
	if (strcmp(kind, "timeout") == 0)
		f.status = MC_DNS_TIMEOUT;
	else if (strcmp(kind, "servfail") == 0)
		f.status = MC_DNS_SERVFAIL;
	else
		return mc_error_set(MC_EPARSE, "cannot read zone file '%s': line %d: "
			"unknown directive '%s' (timeout or servfail)", file, lineno, kind);
	if (type) {
		f.type = ldns_get_rr_type_by_name(type);
		if (f.type == 0)
			return mc_error_set(MC_EPARSE, "cannot read zone file '%s': line %d: "
				"unknown record type '%s'", file, lineno, type);
	}
	f.name = mc_dns_name_fold(name);
	if (f.name && mc_dns_name_problem(f.name)) {
		free(f.name);
		return mc_error_set(MC_EPARSE, "cannot read zone file '%s': line %d: "
			"invalid name '%s'", file, lineno, name);
	}
	if (!f.name || mc_grow(&db->faults, &db->cap_faults, db->n_faults + 1,
	                       sizeof(*db->faults)) < 0) {
		free(f.name);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	db->faults[db->n_faults++] = f;
	return MC_OK;
}

static mc_status read_directives(struct zone_db *db, FILE *fp, const char *file)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	mc_status st = MC_OK;

	while (st == MC_OK && getline(&line, &cap, fp) >= 0) {
		char *p = line;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (p[0] == ';' && p[1] == '!')
			st = parse_directive(db, p + 2, file, lineno);
	}
	free(line);
	return st;
}

static mc_status add_rr(struct zone_db *db, const ldns_rr *rr)
{
	ldns_rr *copy = ldns_rr_clone(rr);

	if (!copy || mc_grow(&db->rrs, &db->cap, db->n + 1, sizeof(*db->rrs)) < 0) {
		ldns_rr_free(copy);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	ldns_rr2canonical(copy);
	db->rrs[db->n++] = copy;
	return MC_OK;
}

/*
 * Read the records one by one (ldns_rr_new_frm_fp_l handles $ORIGIN, $TTL
 * and the previous owner) rather than with ldns_zone_new_frm_fp_l, which
 * leaks the records read so far when a later line is bad.
 */
static mc_status read_records(struct zone_db *db, FILE *fp, const char *file)
{
	ldns_rdf *origin = NULL, *prev = NULL;
	uint32_t ttl = 3600;
	int line = 0;
	mc_status st = MC_OK;

	while (st == MC_OK && !feof(fp)) {
		ldns_rr *rr = NULL;
		ldns_status ls = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev, &line);

		switch (ls) {
		case LDNS_STATUS_OK:
			st = add_rr(db, rr);
			ldns_rr_free(rr);
			break;
		case LDNS_STATUS_SYNTAX_EMPTY:
		case LDNS_STATUS_SYNTAX_TTL:
		case LDNS_STATUS_SYNTAX_ORIGIN:
			break;
		case LDNS_STATUS_SYNTAX_INCLUDE:
			st = mc_error_set(MC_EPARSE, "cannot read zone file '%s': line %d: "
			                  "$INCLUDE is not supported (give each file with --zone)",
			                  file, line);
			break;
		default:
			if (feof(fp) && ls == LDNS_STATUS_SYNTAX_ERR)
				break; /* trailing blank lines or comments */
			st = mc_error_set(MC_EPARSE, "cannot read zone file '%s': line %d: %s",
			                  file, line, ldns_get_errorstr_by_id(ls));
			break;
		}
	}
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	return st;
}

static mc_status load_file(struct zone_db *db, const char *file);

static int is_zone_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && d->d_type != DT_DIR && n > 5 &&
	       strcmp(d->d_name + n - 5, ".zone") == 0;
}

/* A directory: every *.zone file in it (not below), in name order. */
static mc_status load_dir(struct zone_db *db, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, is_zone_name, alphasort);
	mc_status st = MC_OK;

	if (n < 0)
		return mc_error_set(MC_EIO, "cannot read zone directory '%s': %s", dir, mc_strerror(errno));
	if (n == 0)
		st = mc_error_set(MC_EPARSE, "zone directory '%s' has no *.zone file", dir);
	for (int i = 0; i < n; i++) {
		if (st == MC_OK) {
			char *path = mc_asprintf("%s/%s", dir, names[i]->d_name);

			st = path ? load_file(db, path) : mc_error_set(MC_ENOMEM, "out of memory");
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return st;
}

static mc_status load_file(struct zone_db *db, const char *file)
{
	FILE *fp;
	struct stat sb;
	mc_status st;

	if (stat(file, &sb) == 0 && S_ISDIR(sb.st_mode))
		return load_dir(db, file);
	if (!(fp = fopen(file, "r")))
		return mc_error_set(MC_EIO, "cannot read zone file '%s': %s", file, mc_strerror(errno));
	if (fstat(fileno(fp), &sb) == 0 && (!S_ISREG(sb.st_mode) || sb.st_size > MAX_ZONE_BYTES)) {
		fclose(fp);
		return mc_error_set(MC_EPARSE, "cannot read zone file '%s': %s", file,
		                    S_ISREG(sb.st_mode) ? "larger than 64 MiB"
		                                        : "neither a file nor a directory");
	}
	st = read_directives(db, fp, file);
	if (st == MC_OK) {
		rewind(fp);
		st = read_records(db, fp, file);
	}
	fclose(fp);
	return st;
}

/* Canonical name order, then type, then file order (records of one name
 * and type are answered in the order the file gives them). */
struct sort_item {
	ldns_rr *rr;
	size_t seq;
};

static int rr_order(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;
	int c = ldns_dname_compare(ldns_rr_owner(x->rr), ldns_rr_owner(y->rr));

	if (c)
		return c;
	if (ldns_rr_get_type(x->rr) != ldns_rr_get_type(y->rr))
		return (int)ldns_rr_get_type(x->rr) - (int)ldns_rr_get_type(y->rr);
	return x->seq < y->seq ? -1 : 1;
}

static mc_status sort_records(struct zone_db *db)
{
	struct sort_item *items = calloc(db->n ? db->n : 1, sizeof(*items));

	if (!items)
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; i < db->n; i++)
		items[i] = (struct sort_item){db->rrs[i], i};
	qsort(items, db->n, sizeof(*items), rr_order);
	for (size_t i = 0; i < db->n; i++)
		db->rrs[i] = items[i].rr;
	free(items);
	return MC_OK;
}

mc_status mc_dns_zone_open(const char *const *files, size_t n, void **state)
{
	struct zone_db *db = calloc(1, sizeof(*db));
	mc_status st = MC_OK;

	if (!db)
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (size_t i = 0; st == MC_OK && i < n; i++)
		st = load_file(db, files[i]);
	if (st == MC_OK)
		st = sort_records(db);
	if (st != MC_OK) {
		zone_free(db);
		return st;
	}
	*state = db;
	return MC_OK;
}

/* First index whose owner is not below `name` in canonical order. */
static size_t lower_bound(const struct zone_db *db, const ldns_rdf *name)
{
	size_t lo = 0, hi = db->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ldns_dname_compare(ldns_rr_owner(db->rrs[mid]), name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Does the name own records, or exist as an empty non-terminal? */
static bool name_exists(const struct zone_db *db, const ldns_rdf *name, size_t *first)
{
	size_t i = lower_bound(db, name);

	*first = i;
	if (i >= db->n)
		return false;
	return ldns_dname_compare(ldns_rr_owner(db->rrs[i]), name) == 0 ||
	       ldns_dname_is_subdomain(ldns_rr_owner(db->rrs[i]), name);
}

static const struct fault *find_fault(const struct zone_db *db, const char *name, uint16_t type)
{
	for (size_t i = 0; i < db->n_faults; i++)
		if ((db->faults[i].type == 0 || db->faults[i].type == type) &&
		    strcmp(db->faults[i].name, name) == 0)
			return &db->faults[i];
	return NULL;
}

/*
 * RFC 4592: for a name that does not exist, find its closest encloser and
 * return the index of "*.<encloser>" records, or n when there are none.
 */
static size_t find_wildcard(const struct zone_db *db, const ldns_rdf *name)
{
	ldns_rdf *p = ldns_dname_left_chop(name), *star = NULL;
	size_t i, result = db->n;

	while (p && ldns_dname_label_count(p) > 0 && !name_exists(db, p, &i)) {
		ldns_rdf *up = ldns_dname_left_chop(p);

		ldns_rdf_deep_free(p);
		p = up;
	}
	if (p && ldns_dname_label_count(p) > 0) {
		ldns_rdf *label = ldns_dname_new_frm_str("*");

		star = label ? ldns_dname_cat_clone(label, p) : NULL;
		ldns_rdf_deep_free(label);
		i = star ? lower_bound(db, star) : db->n;
		if (i < db->n && ldns_dname_compare(ldns_rr_owner(db->rrs[i]), star) == 0)
			result = i;
	}
	ldns_rdf_deep_free(star);
	ldns_rdf_deep_free(p);
	return result;
}

/*
 * Look at the records of one node (starting at index first). Adds the
 * records of the type asked; or the CNAME, returning its target in *next.
 */
static mc_status answer_node(const struct zone_db *db, size_t first, mc_dns_answer *a,
                             const char *owner, ldns_rdf **next, bool *found)
{
	const ldns_rdf *node = ldns_rr_owner(db->rrs[first]);
	const ldns_rr *cname = NULL;
	mc_status st = MC_OK;

	for (size_t i = first; st == MC_OK && i < db->n &&
	     ldns_dname_compare(ldns_rr_owner(db->rrs[i]), node) == 0; i++) {
		if (ldns_rr_get_type(db->rrs[i]) == a->type) {
			st = mc_dns_answer_add_ldns(a, db->rrs[i], owner);
			*found = true;
		} else if (ldns_rr_get_type(db->rrs[i]) == LDNS_RR_TYPE_CNAME) {
			cname = db->rrs[i];
		}
	}
	if (st == MC_OK && !*found && cname) {
		st = mc_dns_answer_add_ldns(a, cname, owner);
		*next = ldns_rdf_clone(ldns_rr_rdf(cname, 0));
		if (st == MC_OK && !*next)
			st = MC_ENOMEM;
	}
	return st;
}

static void set_status(mc_dns_answer *a, mc_dns_status s, int rcode)
{
	a->status = s;
	a->rcode = rcode;
}

/* One step of the lookup: the node for `name`. Returns the CNAME target to
 * follow in *next, or leaves it NULL when the answer is complete. */
static mc_status lookup_step(const struct zone_db *db, const ldns_rdf *name,
                             mc_dns_answer *a, ldns_rdf **next)
{
	char *owner = mc_dns_rdf_name(name);
	const struct fault *f;
	bool found = false;
	size_t first;
	mc_status st = MC_OK;

	if (!owner)
		return MC_ENOMEM;
	if ((f = find_fault(db, owner, a->type)) != NULL) {
		set_status(a, f->status, f->status == MC_DNS_SERVFAIL ? LDNS_RCODE_SERVFAIL : -1);
		if (f->status == MC_DNS_TIMEOUT)
			a->error = mc_asprintf_both(&a->error_text, "timed out (zone directive for %s)", owner);
	} else if (name_exists(db, name, &first)) {
		if (ldns_dname_compare(ldns_rr_owner(db->rrs[first]), name) == 0)
			st = answer_node(db, first, a, NULL, next, &found);
		set_status(a, found ? MC_DNS_OK : MC_DNS_NODATA, LDNS_RCODE_NOERROR);
	} else if ((first = find_wildcard(db, name)) < db->n) {
		st = answer_node(db, first, a, owner, next, &found);
		set_status(a, found ? MC_DNS_OK : MC_DNS_NODATA, LDNS_RCODE_NOERROR);
	} else {
		set_status(a, MC_DNS_NXDOMAIN, LDNS_RCODE_NXDOMAIN);
	}
	free(owner);
	return st;
}

static mc_status zone_answer(const struct zone_db *db, mc_dns_answer *a)
{
	ldns_rdf *name = ldns_dname_new_frm_str(a->name);
	mc_status st = MC_OK;
	int hops;

	if (!name) {
		a->status = MC_DNS_ERROR;
		a->error = mc_asprintf_both(&a->error_text, "invalid name '%s'", a->name);
		return MC_OK;
	}
	ldns_dname2canonical(name);
	for (hops = 0; hops <= MC_DNS_MAX_CNAME; hops++) {
		ldns_rdf *next = NULL;

		st = lookup_step(db, name, a, &next);
		ldns_rdf_deep_free(name);
		name = next;
		if (st != MC_OK || !next)
			break;
		ldns_dname2canonical(name);
	}
	if (name) {
		ldns_rdf_deep_free(name);
		set_status(a, MC_DNS_SERVFAIL, LDNS_RCODE_SERVFAIL);
		free(a->error);
		free(a->error_text);
		a->error = mc_asprintf_both(&a->error_text, "CNAME chain longer than %d (a loop?)", MC_DNS_MAX_CNAME);
	}
	return st;
}

static mc_status zone_resolve(void *state, mc_dns_answer **answers, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double start = mc_now_ms();

		if (zone_answer(state, answers[i]) != MC_OK)
			return MC_ENOMEM;
		answers[i]->ms = mc_now_ms() - start;
	}
	return MC_OK;
}

const mc_dns_backend mc_dns_backend_zone = {
	.name = "zone",
	.resolve = zone_resolve,
	.free = zone_free,
};
