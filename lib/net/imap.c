/*
 * A mailbox read over IMAP with libcurl. libcurl logs in (once: the
 * connection is kept for every request of the handle), SELECTs the
 * mailbox when a request names it, and fetches a message by UID reading
 * its literal exactly; mailcheck adds, as custom requests on the selected
 * mailbox, EXAMINE (RFC 9051 6.3.3: read only, so that fetching sets no
 * \Seen flag), UID SEARCH and UID MOVE (RFC 6851). Their untagged answers
 * come back as lines, which the two small parsers below read, bounded.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mailcheck/net.h"
#include "net/internal.h"

struct mc_imap {
	CURL *c;
	struct curl_slist *resolve;
	char *base;            /* scheme://host:port/ */
	char *mailbox;         /* decoded */
	char *mailbox_url;     /* base + the mailbox, encoded */
	char *key;             /* scheme://user@host:port/mailbox */
	char errbuf[CURL_ERROR_SIZE];
	mc_buf got;
	size_t max;
	bool too_large;
};

/* ---- the parsers of untagged lines ---- */

static const char *find(const char *s, size_t len, const char *what)
{
	size_t n = strlen(what);

	for (size_t i = 0; i + n <= len; i++)
		if (!strncasecmp(s + i, what, n))
			return s + i;
	return NULL;
}

static uint64_t number(const char **p, const char *end)
{
	uint64_t v = 0;

	while (*p < end && isdigit((unsigned char)**p) && v < UINT64_MAX / 10)
		v = v * 10 + (uint64_t)(*(*p)++ - '0');
	return v;
}

uint64_t mc_imap_parse_uidvalidity(const char *text, size_t len)
{
	const char *p = find(text, len, "[UIDVALIDITY ");

	if (!p)
		return 0;
	p += 13;
	return number(&p, text + len);
}

/* RFC 9051 7.3.4 (RFC 3501 7.2.5): "* SEARCH 2 84 882" -- uniqid values
 * are 32-bit, non-zero. */
size_t mc_imap_parse_search(const char *text, size_t len, uint64_t after, uint64_t *uids,
                            size_t max)
{
	const char *end = text + len, *line = text;
	size_t n = 0;

	while (line < end && n < max) {
		const char *nl = memchr(line, '\n', (size_t)(end - line)), *p = line + 9;
		const char *stop = nl ? nl : end;

		if (stop - line >= 8 && !strncasecmp(line, "* SEARCH", 8))
			while (p < stop && n < max) {
				const char *at = p;
				uint64_t v = number(&p, stop);

				if (p == at) {
					p++;
					continue;
				}
				if (v > after && v <= UINT32_MAX)
					uids[n++] = v;
			}
		line = stop + 1;
	}
	return n;
}

/* RFC 4731 3.1: "* ESEARCH (TAG "A3") UID COUNT 5 ALL 4:7,12"; a
 * sequence-set of number or number:number (either order). */
bool mc_imap_parse_esearch(const char *text, size_t len, uint64_t after, uint64_t *uids,
                           size_t max, size_t *n, uint64_t *count, uint64_t *total)
{
	const char *line = find(text, len, "* ESEARCH"), *end, *p;

	*n = 0;
	*count = *total = 0;
	if (!line)
		return false;
	end = memchr(line, '\n', (size_t)(text + len - line));
	end = end ? end : text + len;
	if ((p = find(line, (size_t)(end - line), " COUNT "))) {
		p += 7;
		*count = number(&p, end);
	}
	if (!(p = find(line, (size_t)(end - line), " ALL ")))
		return true; /* nothing found */
	for (p += 5; p < end && isdigit((unsigned char)*p);) {
		uint64_t lo = number(&p, end), hi = lo;

		if (p < end && *p == ':') {
			p++;
			hi = number(&p, end);
		}
		if (lo > hi) {
			uint64_t t = lo;

			lo = hi, hi = t;
		}
		if (hi > UINT32_MAX || !lo)
			return true; /* not UIDs: taken as cut */
		*total += hi - lo + 1;
		for (uint64_t u = lo > after ? lo : after + 1; u <= hi && *n < max; u++)
			uids[(*n)++] = u;
		if (p < end && *p == ',')
			p++;
	}
	return true;
}

/* ---- the connection ---- */

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	mc_imap *m = arg;
	size_t len = size * n;

	if (m->got.len + len > m->max) {
		m->too_large = true;
		return 0;
	}
	return mc_buf_add(&m->got, data, len) < 0 ? 0 : len;
}

/* One request: custom (NULL: a fetch) on url. */
static mc_status request(mc_imap *m, const char *url, const char *custom, size_t max,
                         const char *what)
{
	CURLcode rc;

	mc_buf_free(&m->got);
	m->max = max;
	m->too_large = false;
	m->errbuf[0] = '\0';
	curl_easy_setopt(m->c, CURLOPT_URL, url);
	curl_easy_setopt(m->c, CURLOPT_CUSTOMREQUEST, custom);
	rc = curl_easy_perform(m->c);
	if (rc == CURLE_OK)
		return MC_OK;
	if (m->too_large)
		return mc_error_set(MC_EPARSE, "IMAP %s: the answer is larger than %zu MiB", what,
		                    max >> 20);
	if (rc == CURLE_LOGIN_DENIED)
		return mc_error_set(MC_EIO, "IMAP login to %s refused: give the password in "
		                    "MAILCHECK_IMAP_PASSWORD or ~/.netrc", m->key);
	return mc_error_set(MC_EIO, "IMAP %s on %s: %s", what, m->key,
	                    m->errbuf[0] ? m->errbuf : curl_easy_strerror(rc));
}

/* The mailbox name as an IMAP quoted string (RFC 9051 4.3): ASCII only
 * (other names need modified UTF-7), no CR, LF or NUL. */
static char *quoted(const char *name)
{
	mc_buf b = {0};

	mc_buf_add(&b, "\"", 1);
	for (const char *p = name; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) {
			mc_buf_free(&b);
			return NULL;
		}
		if (*p == '"' || *p == '\\')
			mc_buf_add(&b, "\\", 1);
		mc_buf_add(&b, p, 1);
	}
	mc_buf_add(&b, "\"", 1);
	return mc_buf_take(&b);
}

/* The parts of the URL: scheme, user, host, port, mailbox; a password in
 * it is refused (others see the command line). */
struct parts {
	char *scheme, *user, *password, *host, *port, *path;
};

static void parts_free(struct parts *p)
{
	curl_free(p->scheme), curl_free(p->user), curl_free(p->password);
	curl_free(p->host), curl_free(p->port), curl_free(p->path);
}

static mc_status split_url(const char *url, struct parts *p)
{
	CURLU *u = curl_url();
	bool ok;

	*p = (struct parts){0};
	if (!u)
		return mc_error_set(MC_ENOMEM, "out of memory");
	ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	     curl_url_get(u, CURLUPART_SCHEME, &p->scheme, 0) == CURLUE_OK &&
	     curl_url_get(u, CURLUPART_HOST, &p->host, 0) == CURLUE_OK;
	if (ok) {
		curl_url_get(u, CURLUPART_USER, &p->user, CURLU_URLDECODE);
		curl_url_get(u, CURLUPART_PASSWORD, &p->password, 0);
		curl_url_get(u, CURLUPART_PORT, &p->port, CURLU_DEFAULT_PORT);
		curl_url_get(u, CURLUPART_PATH, &p->path, CURLU_URLDECODE);
	}
	curl_url_cleanup(u);
	if (!ok)
		return mc_error_set(MC_EINVAL, "'%.200s' is no IMAP URL "
		                    "(imaps://USER@HOST/MAILBOX)", url);
	if (p->password)
		return mc_error_set(MC_EINVAL, "the IMAP URL holds a password, which every user of "
		                    "this machine can read in the process list: give it in "
		                    "MAILCHECK_IMAP_PASSWORD or ~/.netrc instead");
	if (!p->user)
		return mc_error_set(MC_EINVAL, "the IMAP URL names no user (imaps://USER@HOST/MAILBOX)");
	return MC_OK;
}

/* An address given in the URL: no lookup, the same refusals. */
static mc_status literal_address(const char *host, const mc_net_opts *o, mc_net_addresses *a)
{
	char bare[64];
	const char *why;
	size_t n = strlen(host);

	*a = (mc_net_addresses){.found = 1};
	snprintf(bare, sizeof(bare), "%.*s", host[0] == '[' && n > 2 ? (int)n - 2 : (int)n,
	         host + (host[0] == '['));
	if ((why = mc_net_refused_address(bare)) && !(o && o->allow_private)) {
		a->refused = mc_asprintf("%s is %s", bare, why);
		return MC_OK;
	}
	if (!(a->list = malloc(sizeof(*a->list))) || !(a->list[0] = mc_strdup(bare))) {
		mc_net_addresses_clear(a);
		return mc_error_set(MC_ENOMEM, "out of memory");
	}
	a->n = 1;
	return MC_OK;
}

static bool is_address(const char *host)
{
	unsigned char b[16];
	char bare[64];
	size_t n = strlen(host);

	if (host[0] == '[' && n > 2 && n < sizeof(bare)) {
		snprintf(bare, sizeof(bare), "%.*s", (int)n - 2, host + 1);
		return inet_pton(AF_INET6, bare, b) == 1;
	}
	return inet_pton(AF_INET, host, b) == 1;
}

/* The addresses of the host, from lib/dns (or the URL), refused ones left
 * out. */
static mc_status pin_host(mc_imap *m, mc_resolver *r, const struct parts *p,
                          const mc_net_opts *o)
{
	mc_net_addresses a;
	mc_status st = is_address(p->host) ? literal_address(p->host, o, &a)
	                                   : mc_net_lookup(r, p->host, o, &a);

	if (st != MC_OK)
		return st;
	if (is_address(p->host) && a.n) {
		mc_net_addresses_clear(&a);
		return MC_OK; /* libcurl resolves no address */
	}
	if (!a.n) {
		st = a.refused ? mc_error_set(MC_EIO, "%s resolves only to addresses mailcheck does not "
		                              "connect to (%s); --allow-private allows them", p->host,
		                              a.refused)
		     : a.temporary ? mc_error_set(MC_EIO, "%s has no address (A or AAAA): the lookup "
		                                  "failed", p->host)
		     : mc_error_set(MC_EIO, "%s has no address (A or AAAA)", p->host);
		mc_net_addresses_clear(&a);
		return st;
	}
	char *entry = mc_net_resolve_entry(p->host, p->port, &a);

	mc_net_addresses_clear(&a);
	if (!entry || !(m->resolve = curl_slist_append(NULL, entry)))
		st = mc_error_set(MC_ENOMEM, "out of memory");
	free(entry);
	return st;
}

static void set_options(mc_imap *m, const struct parts *p, const mc_net_opts *o)
{
	const char *password = getenv("MAILCHECK_IMAP_PASSWORD");
	long seconds = (long)(mc_net_timeout(o) + 0.999);

	curl_easy_setopt(m->c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(m->c, CURLOPT_RESOLVE, m->resolve);
	curl_easy_setopt(m->c, CURLOPT_PROXY, "");
	curl_easy_setopt(m->c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(m->c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL); /* STARTTLS for imap:// */
	curl_easy_setopt(m->c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(m->c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o && o->ca_file)
		curl_easy_setopt(m->c, CURLOPT_CAINFO, o->ca_file);
	curl_easy_setopt(m->c, CURLOPT_USERNAME, p->user);
	if (password)
		curl_easy_setopt(m->c, CURLOPT_PASSWORD, password);
	else
		curl_easy_setopt(m->c, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
	/* bounded: the connection; the wait for each answer (libcurl reads an
	 * EXAMINE's or SEARCH's answer outside its transfer, where the speed
	 * limit does not look: its own default wait was 120 s); a message
	 * coming slower than 1 KiB/s for seconds; and each request whole (a
	 * server sending a byte now and then would keep it alive forever) */
	curl_easy_setopt(m->c, CURLOPT_CONNECTTIMEOUT, seconds);
	curl_easy_setopt(m->c, CURLOPT_SERVER_RESPONSE_TIMEOUT, seconds);
	curl_easy_setopt(m->c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(m->c, CURLOPT_LOW_SPEED_TIME, seconds);
	curl_easy_setopt(m->c, CURLOPT_TIMEOUT, seconds * 30);
	curl_easy_setopt(m->c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(m->c, CURLOPT_WRITEDATA, m);
	curl_easy_setopt(m->c, CURLOPT_ERRORBUFFER, m->errbuf);
}

/* The mailbox as the path of a URL: each byte but unreserved ones escaped. */
static char *mailbox_url(const char *base, const char *mailbox)
{
	mc_buf b = {0};

	mc_buf_add(&b, base, strlen(base));
	for (const unsigned char *p = (const unsigned char *)mailbox; *p; p++) {
		if (isalnum(*p) || strchr("-._~", *p))
			mc_buf_add(&b, (const char *)p, 1);
		else
			mc_buf_addf(&b, "%%%02X", *p);
	}
	return mc_buf_take(&b);
}

static mc_status setup(mc_imap *m, mc_resolver *r, const char *url, const mc_net_opts *o)
{
	struct parts p;
	mc_status st = split_url(url, &p);

	if (st == MC_OK && strcmp(p.scheme, "imap") && strcmp(p.scheme, "imaps"))
		st = mc_error_set(MC_EINVAL, "'%.200s' is no IMAP URL: imaps:// or imap://", url);
	if (st == MC_OK) {
		const char *box = p.path && p.path[0] == '/' && p.path[1] ? p.path + 1 : "INBOX";

		m->mailbox = mc_strdup(box);
		m->base = mc_asprintf("%s://%s:%s/", p.scheme, p.host, p.port);
		m->key = mc_asprintf("%s://%s@%s:%s/%s", p.scheme, p.user, p.host, p.port, box);
		if (!m->mailbox || !m->base || !m->key || !(m->c = curl_easy_init()) ||
		    !(m->mailbox_url = mailbox_url(m->base, box)))
			st = mc_error_set(MC_ENOMEM, "out of memory");
	}
	if (st == MC_OK && (st = pin_host(m, r, &p, o)) == MC_OK)
		set_options(m, &p, o);
	parts_free(&p);
	return st;
}

mc_status mc_imap_open(mc_imap **out, mc_resolver *r, const char *url, const mc_net_opts *o,
                       bool for_moving, uint64_t *uidvalidity)
{
	mc_imap *m = calloc(1, sizeof(*m));
	char *q = NULL, *cmd = NULL;
	mc_status st;

	*out = NULL;
	if (!m)
		return mc_error_set(MC_ENOMEM, "out of memory");
	if ((st = setup(m, r, url, o)) == MC_OK && !(q = quoted(m->mailbox)))
		st = mc_error_set(MC_EINVAL, "the mailbox name '%.100s' is not plain ASCII", m->mailbox);
	if (st == MC_OK && !(cmd = mc_asprintf("%s %s", for_moving ? "SELECT" : "EXAMINE", q)))
		st = mc_error_set(MC_ENOMEM, "out of memory");
	/* libcurl SELECTs the mailbox, then this EXAMINE makes it read only */
	if (st == MC_OK)
		st = request(m, m->mailbox_url, cmd, MC_IMAP_MAX_RESPONSE, "EXAMINE");
	if (st == MC_OK && !(*uidvalidity = mc_imap_parse_uidvalidity(m->got.s, m->got.len)))
		st = mc_error_set(MC_EIO, "IMAP: %s gave no UIDVALIDITY for the mailbox", m->key);
	free(q);
	free(cmd);
	if (st != MC_OK) {
		mc_imap_close(m);
		return st;
	}
	*out = m;
	return MC_OK;
}

const char *mc_imap_key(const mc_imap *m) { return m->key; }

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Dedupe sorted UIDs in place. */
static size_t ascending_once(uint64_t *u, size_t n)
{
	size_t k = 0;

	qsort(u, n, sizeof(*u), by_value);
	for (size_t i = 0; i < n; i++)
		if (!k || u[k - 1] != u[i])
			u[k++] = u[i];
	return k;
}

/* UID SEARCH RETURN (COUNT ALL) (RFC 4731 ESEARCH): the UIDs as a compact
 * set, and their count to check them against -- libcurl can hand on a long
 * response line cut short, and a cut set does not add up to its count.
 * -1: no ESEARCH answer (the server lacks it); 0: cut (ask again); 1: read. */
static int esearch(mc_imap *m, uint64_t after, uint64_t *uids, size_t max, size_t *n)
{
	uint64_t count = 0, total = 0;
	char cmd[80];

	snprintf(cmd, sizeof(cmd), "UID SEARCH RETURN (COUNT ALL) UID %" PRIu64 ":*", after + 1);
	if (request(m, m->mailbox_url, cmd, MC_IMAP_MAX_RESPONSE, "UID SEARCH") != MC_OK)
		return -1;
	if (!mc_imap_parse_esearch(m->got.s ? m->got.s : "", m->got.len, after, uids, max, n,
	                           &count, &total))
		return -1;
	return total == count || *n == max ? 1 : 0;
}

mc_status mc_imap_uids(mc_imap *m, uint64_t after, uint64_t **uids, size_t *n)
{
	mc_status st;
	int got = 0;

	*n = 0;
	if (!(*uids = malloc(MC_IMAP_MAX_UIDS * sizeof(**uids))))
		return mc_error_set(MC_ENOMEM, "out of memory");
	for (int try = 0; try < 3 && got == 0; try++)
		got = esearch(m, after, *uids, MC_IMAP_MAX_UIDS, n);
	if (got == 0)
		return mc_error_set(MC_EIO, "IMAP UID SEARCH on %s: the answer came cut short three "
		                    "times", m->key);
	if (got < 0) { /* no ESEARCH: the plain answer (RFC 3501 7.2.5) */
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "UID SEARCH UID %" PRIu64 ":*", after + 1);
		if ((st = request(m, m->mailbox_url, cmd, MC_IMAP_MAX_RESPONSE, "UID SEARCH")) != MC_OK)
			return st;
		*n = mc_imap_parse_search(m->got.s ? m->got.s : "", m->got.len, after, *uids,
		                          MC_IMAP_MAX_UIDS);
	}
	*n = ascending_once(*uids, *n);
	return MC_OK;
}

mc_status mc_imap_fetch(mc_imap *m, uint64_t uid, char **data, size_t *len)
{
	char *url = mc_asprintf("%s;UID=%" PRIu64, m->mailbox_url, uid);
	mc_status st;

	*data = NULL;
	*len = 0;
	if (!url)
		return mc_error_set(MC_ENOMEM, "out of memory");
	st = request(m, url, NULL, MC_IMAP_MAX_MESSAGE, "UID FETCH");
	free(url);
	if (st != MC_OK)
		return st;
	*len = m->got.len;
	if (!(*data = mc_buf_take(&m->got)))
		*data = mc_strdup("");
	return *data ? MC_OK : mc_error_set(MC_ENOMEM, "out of memory");
}

mc_status mc_imap_move(mc_imap *m, uint64_t uid, const char *folder)
{
	char *q = quoted(folder), *cmd = q ? mc_asprintf("UID MOVE %" PRIu64 " %s", uid, q) : NULL;
	mc_status st = !q ? mc_error_set(MC_EINVAL, "--move-to: the folder name '%.100s' is not "
	                                 "plain ASCII", folder)
	               : !cmd ? mc_error_set(MC_ENOMEM, "out of memory")
	               : request(m, m->mailbox_url, cmd, MC_IMAP_MAX_RESPONSE, "UID MOVE");

	free(q);
	free(cmd);
	return st;
}

void mc_imap_close(mc_imap *m)
{
	if (!m)
		return;
	curl_easy_cleanup(m->c);
	curl_slist_free_all(m->resolve);
	mc_buf_free(&m->got);
	free(m->base);
	free(m->mailbox);
	free(m->mailbox_url);
	free(m->key);
	free(m);
}
