/*
 * BIMI assets, checked as a mailbox provider checks them before it shows a
 * logo (draft-brand-indicators-for-message-identification; the SVG profile
 * is draft-svg-tiny-ps-abrotman; the certificate's logo is RFC 3709's
 * logotype extension):
 *   - the l= logo, parsed with libxml2 (no network, no entity substitution,
 *     libxml2's depth and size limits) and held to SVG Tiny PS;
 *   - the a= Verified Mark Certificate, a PEM chain read with OpenSSL:
 *     dates, the BIMI extended key usage, the names, the SVG embedded in it
 *     against the l= one, and the chain against --ca-file when given (the
 *     Mark Verifying Authorities' roots are not in the system store).
 * Every input is bounded: the fetches at 64 KiB, a gzip body at 256 KiB
 * uncompressed, the DER walk at 16 levels, the chain at 10 certificates.
 */
#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#include "common/util.h"
#include "domain/internal.h"

#define ASSET_MAX (64 * 1024)
#define SVG_SIZE_ADVISED (32 * 1024)
#define INFLATED_MAX (256 * 1024)
#define MAX_CERTS 10
#define DER_DEPTH 16
#define MAX_PROBLEMS 16


/* gzip (RFC 1952) into at most INFLATED_MAX bytes; NULL when not gzip, broken
 * or larger. */
unsigned char *domain_gunzip(const unsigned char *in, size_t len, size_t *out_len)
{
	z_stream z = {0};
	unsigned char *out = malloc(INFLATED_MAX);
	int r;

	if (!out || len < 2 || in[0] != 0x1f || in[1] != 0x8b ||
	    inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = INFLATED_MAX;
	r = inflate(&z, Z_FINISH);
	*out_len = z.total_out;
	inflateEnd(&z);
	if (r != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

/* ---- SVG Tiny PS ---- */

static void logo_problem(mc_bimi_logo *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void logo_problem(mc_bimi_logo *l, const char *fmt, ...)
{
	char **grown, *text;
	va_list ap;

	if (l->n_problems >= MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	text = mc_vasprintf(fmt, ap);
	va_end(ap);
	for (size_t i = 0; text && i < l->n_problems; i++) /* each one once */
		if (strcmp(l->problems[i], text) == 0) {
			free(text);
			return;
		}
	if (!text || !(grown = realloc(l->problems, (l->n_problems + 1) * sizeof(*grown)))) {
		free(text);
		return;
	}
	l->problems = grown;
	l->problems[l->n_problems++] = text;
}

static bool named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

/* Elements SVG Tiny PS leaves out: scripts, animation, raster and foreign content. */
static const char *const forbidden[] = {
	"script", "animate", "animateColor", "animateMotion", "animateTransform", "set",
	"image", "foreignObject", "video", "audio", "iframe", "canvas", "handler", "listener",
};

static bool external_url(const char *s)
{
	for (const char *u = s; (u = strstr(u, "url(")); u += 4) {
		const char *v = u + 4;

		while (*v == ' ' || *v == '\'' || *v == '"')
			v++;
		if (*v != '#')
			return true;
	}
	return strstr(s, "@import") != NULL;
}

static void check_node(const xmlNode *n, mc_bimi_logo *l, size_t *count)
{
	for (; n && *count < 100000; n = n->next) {
		(*count)++;
		if (n->type == XML_ELEMENT_NODE) {
			for (size_t i = 0; i < sizeof(forbidden) / sizeof(*forbidden); i++)
				if (named(n, forbidden[i]))
					logo_problem(l, "a <%s> element (not allowed in SVG Tiny PS)", forbidden[i]);
			for (const xmlAttr *a = n->properties; a; a = a->next) {
				xmlChar *v = xmlNodeGetContent((const xmlNode *)a);
				const char *an = (const char *)a->name, *vs = v ? (const char *)v : "";

				if (strncasecmp(an, "on", 2) == 0)
					logo_problem(l, "an event attribute %s= (scripting)", an);
				else if (strcmp(an, "href") == 0 && vs[0] != '#')
					logo_problem(l, "a reference to outside the document (href=\"%.60s\")", vs);
				else if (strcmp(an, "style") == 0 && external_url(vs))
					logo_problem(l, "a style that loads from outside the document");
				xmlFree(v);
			}
			if (named(n, "style")) {
				xmlChar *v = xmlNodeGetContent(n);

				if (v && external_url((const char *)v))
					logo_problem(l, "a <style> that loads from outside the document");
				xmlFree(v);
			}
		}
		check_node(n->children, l, count);
	}
}

static bool square_viewbox(const char *vb)
{
	double v[4];
	char *end;

	for (int i = 0; i < 4; i++) {
		while (*vb == ' ' || *vb == ',' || *vb == '\t' || *vb == '\n')
			vb++;
		v[i] = strtod(vb, &end);
		if (end == vb)
			return false;
		vb = end;
	}
	return v[2] > 0 && v[2] == v[3];
}

/* An attribute of the root that must have one value (baseProfile, version). */
static void must_be(const xmlNode *root, const char *name, const char *want, mc_bimi_logo *l)
{
	xmlChar *attr = xmlGetProp(root, (const xmlChar *)name);

	if (!attr || xmlStrcmp(attr, (const xmlChar *)want))
		logo_problem(l, "%s is \"%s\", not \"%s\"", name, attr ? (const char *)attr : "(none)", want);
	xmlFree(attr);
}

/* The viewBox: present and square. */
static void check_viewbox(const xmlNode *root, mc_bimi_logo *l)
{
	xmlChar *attr = xmlGetProp(root, (const xmlChar *)"viewBox");

	l->square = attr && square_viewbox((const char *)attr);
	if (!attr)
		logo_problem(l, "no viewBox");
	else if (!l->square)
		logo_problem(l, "the viewBox \"%.40s\" is not square", (const char *)attr);
	xmlFree(attr);
}

/* The <title> under <svg>: the brand name. */
static void find_title(const xmlNode *root, mc_bimi_logo *l)
{
	for (const xmlNode *c = root->children; c && !l->title; c = c->next)
		if (named(c, "title")) {
			xmlChar *t = xmlNodeGetContent(c);

			if (t && *t)
				l->title = mc_strdup((const char *)t);
			xmlFree(t);
		}
	if (!l->title)
		logo_problem(l, "no <title> (the brand name) under <svg>");
}

/* The SVG Tiny PS rules of the root element and what lies under it. */
static void check_root(const xmlDoc *doc, const xmlNode *root, size_t len, mc_bimi_logo *l)
{
	size_t count = 0;

	if (!root->ns || xmlStrcmp(root->ns->href, (const xmlChar *)"http://www.w3.org/2000/svg"))
		logo_problem(l, "the <svg> element is not in the SVG namespace (xmlns=\"http://www.w3.org/2000/svg\")");
	if (doc->intSubset || doc->extSubset)
		logo_problem(l, "a DOCTYPE (entity or DTD declarations are not allowed)");
	must_be(root, "baseProfile", "tiny-ps", l);
	must_be(root, "version", "1.2", l);
	if (xmlHasProp(root, (const xmlChar *)"x") || xmlHasProp(root, (const xmlChar *)"y"))
		logo_problem(l, "x= or y= on the <svg> element");
	check_viewbox(root, l);
	find_title(root, l);
	check_node(root->children, l, &count);
	if (len > SVG_SIZE_ADVISED)
		logo_problem(l, "%zu bytes: logos over 32 KiB are refused by some mailbox providers", len);
}

const char *domain_svg_check(const unsigned char *svg, size_t len, mc_bimi_logo *l)
{
	xmlParserCtxtPtr ctx = xmlNewParserCtxt();
	xmlDocPtr doc;
	const xmlNode *root;
	const char *why = NULL;

	if (!ctx)
		return "out of memory";
	doc = xmlCtxtReadMemory(ctx, (const char *)svg, (int)len, "logo.svg", NULL,
	                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctx);

		l->error = e && e->message ? mc_asprintf("not well-formed XML, line %d: %.*s", e->line,
		                                         (int)strcspn(e->message, "\n"), e->message)
		                           : mc_strdup("not well-formed XML");
		xmlFreeParserCtxt(ctx);
		return l->error;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !named(root, "svg")) {
		l->error = mc_asprintf("the root element is <%s>, not <svg>",
		                       root ? (const char *)root->name : "nothing");
		why = l->error;
	} else {
		check_root(doc, root, len, l);
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctx);
	return why;
}

/* ---- the Verified Mark Certificate ---- */

static bool has_oid(const ASN1_OBJECT *o, const char *dotted)
{
	char buf[80];

	return OBJ_obj2txt(buf, sizeof(buf), o, 1) > 0 && strcmp(buf, dotted) == 0;
}

/* The first IA5String beginning "data:" in DER (a bounded walk). */
static bool find_data_uri(const unsigned char *p, long len, int depth, const unsigned char **uri,
                          long *ulen)
{
	const unsigned char *end = p + len;

	while (p < end) {
		const unsigned char *start = p;
		long l;
		int tag, cls, r = ASN1_get_object(&p, &l, &tag, &cls, end - start);

		if (r & 0x80 || l > end - p)
			return false;
		if (r & V_ASN1_CONSTRUCTED) {
			if (depth < DER_DEPTH && find_data_uri(p, l, depth + 1, uri, ulen))
				return true;
		} else if (cls == V_ASN1_UNIVERSAL && tag == V_ASN1_IA5STRING && l > 5 &&
		           memcmp(p, "data:", 5) == 0) {
			*uri = p;
			*ulen = l;
			return true;
		}
		p += l;
	}
	return false;
}

/* The SVG of a "data:image/svg+xml[;base64],..." URI, gunzipped when needed. */
static unsigned char *logo_of_uri(const unsigned char *uri, long len, size_t *out_len)
{
	const unsigned char *comma = memchr(uri, ',', (size_t)len);
	unsigned char *raw, *svg;
	int n;

	if (!comma || !memmem(uri, (size_t)(comma - uri), ";base64", 7))
		return NULL;
	len -= comma + 1 - uri;
	if (len <= 0 || len > 4 * INFLATED_MAX || !(raw = malloc((size_t)len / 4 * 3 + 4)))
		return NULL;
	n = EVP_DecodeBlock(raw, comma + 1, (int)len);
	if (n < 0) {
		free(raw);
		return NULL;
	}
	while (n > 0 && len > 0 && comma[len] == '=') { /* EVP_DecodeBlock counts the padding */
		n--;
		len--;
	}
	if ((svg = domain_gunzip(raw, (size_t)n, out_len))) {
		free(raw);
		return svg;
	}
	*out_len = (size_t)n;
	return raw;
}

static int64_t asn1_epoch(const ASN1_TIME *t)
{
	struct tm tm;

	return ASN1_TIME_to_tm(t, &tm) ? (int64_t)timegm(&tm) : 0;
}

/* The leaf's subject, validity and BIMI extended key usage. */
static void vmc_leaf(X509 *leaf, mc_bimi_vmc *v)
{
	EXTENDED_KEY_USAGE *eku;
	char *subject;

	if ((subject = X509_NAME_oneline(X509_get_subject_name(leaf), NULL, 0))) {
		v->subject = mc_strdup(subject);
		OPENSSL_free(subject);
	}
	v->not_before = asn1_epoch(X509_get0_notBefore(leaf));
	v->not_after = asn1_epoch(X509_get0_notAfter(leaf));
	v->valid_now = X509_cmp_current_time(X509_get0_notBefore(leaf)) < 0 &&
	               X509_cmp_current_time(X509_get0_notAfter(leaf)) > 0;
	if ((eku = X509_get_ext_d2i(leaf, NID_ext_key_usage, NULL, NULL))) {
		for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++)
			v->eku_bimi |= has_oid(sk_ASN1_OBJECT_value(eku, i), "1.3.6.1.5.5.7.3.31");
		EXTENDED_KEY_USAGE_free(eku);
	}
}

/* The leaf's DNS names (at most 32), and whether one is the record's name
 * or aligned with the domain. */
static void vmc_names(X509 *leaf, const char *domain, const char *record_name, mc_bimi_vmc *v)
{
	GENERAL_NAMES *san = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);

	for (int i = 0; san && i < sk_GENERAL_NAME_num(san) && v->n_names < 32; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(san, i);
		char *name, **grown;

		if (g->type != GEN_DNS || !(grown = realloc(v->names, (v->n_names + 1) * sizeof(*grown))))
			continue;
		v->names = grown;
		name = mc_strndup((const char *)ASN1_STRING_get0_data(g->d.dNSName),
		                  (size_t)ASN1_STRING_length(g->d.dNSName));
		if (!name)
			continue;
		v->names[v->n_names++] = name;
		v->name_ok |= strcasecmp(name, record_name) == 0 ||
		              mc_dns_name_within(domain, name) || mc_dns_name_within(name, domain);
	}
	GENERAL_NAMES_free(san);
}

/* The logo the leaf embeds (RFC 3709 logotype extension, a data: URI),
 * compared with the one fetched. */
static void vmc_logo(X509 *leaf, const unsigned char *logo, size_t logo_len, mc_bimi_vmc *v)
{
	for (int i = 0; i < X509_get_ext_count(leaf); i++) {
		X509_EXTENSION *e = X509_get_ext(leaf, i);
		const ASN1_OCTET_STRING *d = X509_EXTENSION_get_data(e);
		const unsigned char *uri;
		long ulen;
		unsigned char *embedded;
		size_t elen;

		if (!has_oid(X509_EXTENSION_get_object(e), "1.3.6.1.5.5.7.1.12") ||
		    !find_data_uri(ASN1_STRING_get0_data(d), ASN1_STRING_length(d), 0, &uri, &ulen))
			continue;
		if ((embedded = logo_of_uri(uri, ulen, &elen))) {
			v->logo_embedded = true;
			v->logo_matches = logo && elen == logo_len && memcmp(embedded, logo, elen) == 0;
			free(embedded);
		}
		return;
	}
}

/* The chain verified against the roots of ca_file. */
static void vmc_chain(X509 *leaf, STACK_OF(X509) *chain, const char *ca_file, mc_bimi_vmc *v)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();

	v->chain_checked = true;
	if (store && ctx && X509_STORE_load_file(store, ca_file) &&
	    X509_STORE_CTX_init(ctx, store, leaf, chain) && X509_verify_cert(ctx) == 1)
		v->chain_ok = true;
	else
		v->chain_error = mc_strdup(ctx ? X509_verify_cert_error_string(
			X509_STORE_CTX_get_error(ctx)) : "out of memory");
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
}

void domain_vmc_check(const unsigned char *pem, size_t len, const char *domain,
                      const char *record_name, const char *ca_file,
                      const unsigned char *logo, size_t logo_len, mc_bimi_vmc *v)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509 *leaf = NULL, *x;

	while (bio && chain && v->n_certs < MAX_CERTS && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		if (!leaf)
			leaf = x;
		else
			sk_X509_push(chain, x);
		v->n_certs++;
	}
	ERR_clear_error();
	if (!leaf) {
		v->error = mc_strdup("no PEM certificate in it");
	} else {
		vmc_leaf(leaf, v);
		vmc_names(leaf, domain, record_name, v);
		vmc_logo(leaf, logo, logo_len, v);
		if (ca_file)
			vmc_chain(leaf, chain, ca_file, v);
	}
	X509_free(leaf);
	sk_X509_pop_free(chain, X509_free);
	BIO_free(bio);
}

/* ---- fetching them ---- */

/* "https://HOST/PATH" -> host and path; NULL when not such a URL. */
static char *split_url(const char *url, const char **path)
{
	const char *h = url + 8, *slash;

	if (strncasecmp(url, "https://", 8) != 0)
		return NULL;
	slash = strchr(h, '/');
	*path = slash ? slash : "/";
	if (slash == h || strcspn(h, ":@?#") < (size_t)((slash ? slash : h + strlen(h)) - h))
		return NULL; /* a port, user info or query before the path: not a plain URL */
	return mc_strndup(h, slash ? (size_t)(slash - h) : strlen(h));
}

static bool fetch(mc_resolver *r, const char *url, const mc_net_opts *o, mc_fetch *f,
                  mc_status *st)
{
	const char *path;
	char *host = split_url(url, &path);

	*st = MC_OK;
	if (!host) {
		*f = (mc_fetch){.url = mc_strdup(url), .error = MC_FETCH_PROTOCOL,
		                .message = mc_strdup("not a plain https://HOST/PATH URL")};
		return false;
	}
	*st = mc_https_get(r, host, path, ASSET_MAX, o, f);
	free(host);
	return *st == MC_OK && f->error == MC_FETCH_OK;
}

/* A fetch not made because the host has only addresses mailcheck does not
 * connect to: a warning, as for the MTA-STS policy. */
static bool refused(mc_domain_result *res, const mc_fetch *f, int *refusals)
{
	if (f->error != MC_FETCH_REFUSED)
		return false;
	(*refusals)++;
	mc_finding_hint(domain_finding(res, "bimi.asset_refused", MC_SEV_WARNING, "%s was not fetched: %s",
		f->url, f->message), "give the host a public address; when checking a test or "
		"internal network on purpose, add --allow-private");
	return true;
}

/* How the assets went: problems found, fetches refused (no public address). */
struct tally {
	int errors, refusals;
};

/* The logo's findings once it is fetched: not SVG, or not SVG Tiny PS. */
static void logo_findings(mc_domain_result *res, struct tally *t)
{
	const mc_bimi *b = &res->bimi;
	const mc_bimi_logo *l = &b->logo;

	if (l->svg && domain_svg_check(l->svg, l->svg_len, &res->bimi.logo)) {
		t->errors++;
		mc_finding_hint(domain_finding(res, "bimi.logo_not_svg", MC_SEV_ERROR, "the BIMI logo %s "
			"is not an SVG document: %s", b->location, l->error),
			"serve the logo as an SVG Tiny PS file (image/svg+xml)");
	} else if (l->n_problems) {
		mc_buf list = {0};

		for (size_t i = 0; i < l->n_problems; i++)
			mc_buf_addf(&list, "%s%s", i ? "; " : "", l->problems[i]);
		t->errors++;
		mc_finding_hint(domain_finding(res, "bimi.svg_profile", MC_SEV_ERROR, "the BIMI logo %s "
			"is not SVG Tiny PS, so mailbox providers do not show it: %s",
			b->location, list.s ? list.s : ""),
			"export the logo as SVG Tiny PS (root <svg version=\"1.2\" "
			"baseProfile=\"tiny-ps\"> with a <title>, a square viewBox, no scripts, "
			"raster images or outside references)");
		mc_buf_free(&list);
	}
}

/* The logo (l=): fetched, gunzipped when it is, checked against the profile. */
static mc_status logo(mc_resolver *r, mc_domain_result *res, const mc_net_opts *o,
                      struct tally *t)
{
	mc_bimi *b = &res->bimi;
	mc_bimi_logo *l = &b->logo;
	mc_status st;

	b->logo_tried = true;
	if (fetch(r, b->location, o, &l->fetch, &st)) {
		unsigned char *plain = domain_gunzip((unsigned char *)l->fetch.body, l->fetch.len,
		                                     &l->svg_len);

		l->gzip = plain != NULL;
		l->svg = plain ? plain : (unsigned char *)mc_strndup(l->fetch.body, l->fetch.len);
		if (!plain)
			l->svg_len = l->fetch.len;
		logo_findings(res, t);
	} else if (st != MC_OK) {
		return mc_error_set(st, "out of memory");
	} else if (!refused(res, &l->fetch, &t->refusals)) {
		t->errors++;
		mc_finding_hint(domain_finding(res, "bimi.logo_unreachable", MC_SEV_ERROR, "the BIMI logo "
			"%s cannot be fetched: %s", b->location, l->fetch.message),
			"serve the logo at that https URL with a valid certificate and status 200");
	}
	return MC_OK;
}

/* Why a certificate that parses does not hold, "" when it does. */
static void vmc_faults(const mc_domain_result *res, mc_buf *why)
{
	const mc_bimi *b = &res->bimi;
	const mc_bimi_vmc *v = &b->vmc;

	if (!v->valid_now)
		mc_buf_addf(why, "%sit is not valid now", why->len ? "; " : "");
	if (!v->eku_bimi)
		mc_buf_addf(why, "%sit lacks the BIMI extended key usage 1.3.6.1.5.5.7.3.31",
		            why->len ? "; " : "");
	if (!v->name_ok)
		mc_buf_addf(why, "%snone of its names is %s or aligned with %s", why->len ? "; " : "",
		            b->found_at ? b->found_at : res->domain, res->domain);
	if (!v->logo_embedded)
		mc_buf_addf(why, "%sit embeds no SVG logo (logotype extension)", why->len ? "; " : "");
	else if (b->logo.svg && !v->logo_matches)
		mc_buf_addf(why, "%sthe logo it embeds differs from %s", why->len ? "; " : "",
		            b->location);
	if (v->chain_checked && !v->chain_ok)
		mc_buf_addf(why, "%sits chain does not verify against --ca-file: %s",
		            why->len ? "; " : "", v->chain_error ? v->chain_error : "?");
}

/* The certificate's findings once it is fetched and read. */
static void vmc_findings(mc_domain_result *res, struct tally *t)
{
	const mc_bimi *b = &res->bimi;
	const mc_bimi_vmc *v = &b->vmc;
	mc_buf why = {0};

	if (v->error) {
		t->errors++;
		mc_finding_hint(domain_finding(res, "bimi.vmc_invalid", MC_SEV_ERROR, "the BIMI "
			"certificate %s: %s", b->authority, v->error),
			"publish the PEM chain your Mark Verifying Authority issued");
		return;
	}
	vmc_faults(res, &why);
	if (why.len) {
		t->errors++;
		mc_finding_hint(domain_finding(res, "bimi.vmc_invalid", MC_SEV_ERROR, "the BIMI "
			"certificate %s does not hold: %s", b->authority, why.s),
			"renew the VMC, or publish the logo it certifies");
	}
	mc_buf_free(&why);
	if (!v->chain_checked)
		mc_finding_hint(domain_finding(res, "bimi.vmc_root_not_checked", MC_SEV_INFO, "the "
			"chain of the BIMI certificate %s was not verified: the Mark "
			"Verifying Authorities' roots are not in the system store",
			b->authority), "give their root certificates with --ca-file to "
			"verify it");
}

/* The certificate (a=): fetched and checked against the domain and logo. */
static mc_status vmc(mc_resolver *r, mc_domain_result *res, const mc_net_opts *o,
                     struct tally *t)
{
	mc_bimi *b = &res->bimi;
	mc_bimi_vmc *v = &b->vmc;
	mc_status st;

	b->vmc_tried = true;
	if (fetch(r, b->authority, o, &v->fetch, &st)) {
		domain_vmc_check((const unsigned char *)v->fetch.body, v->fetch.len, res->domain,
		                 b->found_at ? b->found_at : res->domain, o ? o->ca_file : NULL,
		                 b->logo.svg, b->logo.svg ? b->logo.svg_len : 0, v);
		vmc_findings(res, t);
	} else if (st != MC_OK) {
		return mc_error_set(st, "out of memory");
	} else if (!refused(res, &v->fetch, &t->refusals)) {
		t->errors++;
		mc_finding_hint(domain_finding(res, "bimi.vmc_unreachable", MC_SEV_ERROR, "the BIMI "
			"certificate %s cannot be fetched: %s", b->authority, v->fetch.message),
			"serve the PEM at that https URL with status 200");
	}
	return MC_OK;
}

mc_status domain_bimi_assets(mc_resolver *r, mc_domain_result *res, const mc_net_opts *o)
{
	mc_bimi *b = &res->bimi;
	struct tally t = {0};
	mc_status st;

	if (b->location && *b->location && (st = logo(r, res, o, &t)) != MC_OK)
		return st;
	if (b->authority && *b->authority && (st = vmc(r, res, o, &t)) != MC_OK)
		return st;
	if (t.refusals && !t.errors && res->rows[MC_PART_BIMI].status == MC_PART_PASS)
		domain_row(res, MC_PART_BIMI, MC_PART_WARNING, "logo or certificate not fetched: "
		           "the host has no public address");
	if (t.errors)
		domain_row(res, MC_PART_BIMI, MC_PART_ERROR, t.errors > 1
		           ? N_("%d problems with the logo or its certificate")
		           : N_("%d problem with the logo or its certificate"), t.errors);
	else if (res->rows[MC_PART_BIMI].status == MC_PART_PASS && b->logo_tried && b->vmc_tried)
		domain_row(res, MC_PART_BIMI, MC_PART_PASS, b->vmc.chain_checked
		           ? N_("logo \"%s\" is SVG Tiny PS, certificate valid")
		           : N_("logo \"%s\" is SVG Tiny PS, certificate valid (its root not checked)"),
		           b->logo.title ? b->logo.title : "");
	return MC_OK;
}

void domain_bimi_clear(mc_bimi *b)
{
	free(b->record);
	free(b->location);
	free(b->authority);
	free(b->found_at);
	mc_fetch_clear(&b->logo.fetch);
	free(b->logo.error);
	for (size_t i = 0; i < b->logo.n_problems; i++)
		free(b->logo.problems[i]);
	free(b->logo.problems);
	free(b->logo.title);
	free(b->logo.svg);
	mc_fetch_clear(&b->vmc.fetch);
	free(b->vmc.error);
	free(b->vmc.subject);
	for (size_t i = 0; i < b->vmc.n_names; i++)
		free(b->vmc.names[i]);
	free(b->vmc.names);
	free(b->vmc.chain_error);
	memset(b, 0, sizeof(*b));
}
