/*
 * HTTPS GET of a policy or an asset named by DNS, with libcurl. The host's
 * addresses come from lib/dns and are handed to libcurl with
 * CURLOPT_RESOLVE, so that libcurl never resolves a name itself (one DNS
 * path, --zone and --dns included); addresses mailcheck does not connect to
 * are left out before. RFC 8461 3.3 sets the rules for MTA-STS, and the
 * BIMI fetches follow them: PKIX validation for the host name, no redirect
 * followed, status 200 only, a size limit and a time limit.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <libxml/parser.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <strings.h>

#include "common/util.h"
#include "mailcheck/net.h"
#include "net/internal.h"

#define DEFAULT_TIMEOUT 10.0

const char *mc_fetch_error_name(mc_fetch_error e)
{
	static const char *const names[] = {
		"ok", "no_address", "refused", "connect", "timeout", "tls", "certificate",
		"redirect", "status", "too_large", "protocol",
	};
	return (size_t)e < sizeof(names) / sizeof(*names) ? names[e] : "protocol";
}

void mc_net_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser(); /* the BIMI logo check parses SVG in worker threads */
}

double mc_net_timeout(const mc_net_opts *o)
{
	return o && o->timeout > 0 ? o->timeout : DEFAULT_TIMEOUT;
}

/*
 * RFC 6890 and its IPv6 twin: the special-purpose blocks that are not
 * globally reachable, plus multicast. IPv4-mapped IPv6 addresses are judged
 * by their IPv4 address.
 */
static const char *refused_v4(const unsigned char *b)
{
	if (b[0] == 127)
		return N_("loopback");
	if (b[0] == 0)
		return N_("unspecified");
	if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168))
		return N_("private");
	if (b[0] == 100 && (b[1] & 0xc0) == 64)
		return N_("shared (carrier-grade NAT)");
	if (b[0] == 169 && b[1] == 254)
		return N_("link-local");
	if ((b[0] & 0xf0) == 224)
		return N_("multicast");
	if ((b[0] & 0xf0) == 240)
		return N_("reserved");
	if (b[0] == 192 && b[1] == 0 && b[2] == 0)
		return N_("IETF protocol assignments");
	if ((b[0] == 192 && b[1] == 0 && b[2] == 2) || (b[0] == 198 && b[1] == 51 && b[2] == 100) ||
	    (b[0] == 203 && b[1] == 0 && b[2] == 113))
		return N_("documentation");
	if (b[0] == 198 && (b[1] & 0xfe) == 18)
		return N_("benchmarking");
	return NULL;
}

const char *mc_net_refused_address(const char *address)
{
	static const unsigned char mapped[12] = {[10] = 0xff, [11] = 0xff};
	unsigned char b[16];

	if (!address)
		return N_("invalid");
	if (inet_pton(AF_INET, address, b) == 1)
		return refused_v4(b);
	if (inet_pton(AF_INET6, address, b) != 1)
		return N_("invalid");
	if (memcmp(b, mapped, 12) == 0)
		return refused_v4(b + 12);
	static const unsigned char zero[15] = {0};
	if (memcmp(b, zero, 15) == 0)
		return b[15] == 1 ? N_("loopback") : b[15] == 0 ? N_("unspecified") : N_("reserved");
	if ((b[0] & 0xfe) == 0xfc)
		return N_("private (unique local)");
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return N_("link-local");
	if (b[0] == 0xff)
		return N_("multicast");
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
		return N_("documentation");
	return NULL;
}

void mc_net_addresses_clear(mc_net_addresses *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->list[i]);
	free(a->list);
	free(a->refused);
	*a = (mc_net_addresses){0};
}

mc_status mc_net_lookup(mc_resolver *r, const char *host, const mc_net_opts *o,
                           mc_net_addresses *out)
{
	mc_dns_query q[2] = {{.name = host, .type = MC_RR_A}, {.name = host, .type = MC_RR_AAAA}};
	size_t cap = 0, found = 0;
	mc_status st;

	*out = (mc_net_addresses){0};
	if ((st = mc_dns_resolve(r, q, 2)) != MC_OK)
		return st;
	for (int k = 0; k < 2; k++) {
		const mc_dns_answer *a = q[k].answer;

		if (mc_dns_status_is_temporary(a->status))
			out->temporary = true;
		for (size_t i = 0; a->status == MC_DNS_OK && i < a->n_rrs; i++) {
			const char *why;

			if (a->rrs[i].type != q[k].type || found >= MC_NET_MAX_ADDRESSES)
				continue;
			found++;
			if ((why = mc_net_refused_address(a->rrs[i].data)) && !(o && o->allow_private)) {
				if (!out->refused)
					out->refused = mc_asprintf("%s is %s", a->rrs[i].data, why);
				continue;
			}
			if (mc_grow(&out->list, &cap, out->n + 1, sizeof(*out->list)) < 0 ||
			    !(out->list[out->n] = mc_strdup(a->rrs[i].data))) {
				mc_net_addresses_clear(out);
				return MC_ENOMEM;
			}
			out->n++;
		}
	}
	out->found = found;
	return MC_OK;
}

struct sink {
	mc_buf body;
	size_t max;
	bool too_large;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n;

	if (s->body.len + len > s->max) {
		s->too_large = true;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (mc_buf_add(&s->body, data, len) < 0)
		return 0;
	return len;
}

static void fail(mc_fetch *f, mc_fetch_error e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(mc_fetch *f, mc_fetch_error e, const char *fmt, ...)
{
	va_list ap;

	f->error = e;
	free(f->message);
	va_start(ap, fmt);
	f->message = mc_vasprintf(fmt, ap);
	va_end(ap);
}

/* What curl said, in the classes a report explains. */
static void classify(CURL *c, CURLcode rc, const char *errbuf, const struct sink *s,
                     double timeout, mc_fetch *f)
{
	const char *detail = *errbuf ? errbuf : curl_easy_strerror(rc);
	long verify = 0;

	switch (rc) {
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (s->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
			fail(f, MC_FETCH_TOO_LARGE, "the body is larger than %zu bytes", s->max);
			return;
		}
		break;
	case CURLE_COULDNT_CONNECT:
		fail(f, MC_FETCH_CONNECT, "no connection: %s", detail);
		return;
	case CURLE_OPERATION_TIMEDOUT:
		fail(f, MC_FETCH_TIMEOUT, "no complete answer within %g s", timeout);
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
		curl_easy_getinfo(c, CURLINFO_SSL_VERIFYRESULT, &verify);
		if (verify != X509_V_OK)
			fail(f, MC_FETCH_CERTIFICATE, "the certificate is not valid: %s",
			     X509_verify_cert_error_string(verify));
		else
			fail(f, MC_FETCH_CERTIFICATE, "the certificate is not valid for the host: %s",
			     detail);
		return;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CIPHER:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		curl_easy_getinfo(c, CURLINFO_SSL_VERIFYRESULT, &verify);
		if (rc == CURLE_SSL_CONNECT_ERROR || verify != X509_V_OK) {
			fail(f, MC_FETCH_TLS, "the TLS handshake failed: %s", detail);
			return;
		}
		break;
	default:
		break;
	}
	fail(f, MC_FETCH_PROTOCOL, "%s", detail);
}

static bool media_type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);

	return ct && strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' ||
	                                               ct[n] == ' ');
}

bool mc_fetch_media_type(const mc_fetch *f, const char *type)
{
	return media_type_is(f->content_type, type);
}

char *mc_net_resolve_entry(const char *host, const char *port, const mc_net_addresses *a)
{
	mc_buf b = {0};

	mc_buf_addf(&b, "%s:%s:", host, port);
	for (size_t i = 0; i < a->n; i++)
		mc_buf_addf(&b, strchr(a->list[i], ':') ? "%s[%s]" : "%s%s", i ? "," : "",
		            a->list[i]);
	return mc_buf_take(&b);
}

/* Why there is no address to connect to. */
static void no_address(mc_fetch *f, const char *host, const mc_net_addresses *addr)
{
	if (addr->refused)
		fail(f, MC_FETCH_REFUSED, "%s resolves only to addresses mailcheck "
		     "does not connect to (%s%s); --allow-private allows them", host,
		     addr->refused, addr->found > 1 ? ", ..." : "");
	else if (addr->temporary)
		fail(f, MC_FETCH_NO_ADDRESS, "the address lookup of %s failed (DNS)", host);
	else
		fail(f, MC_FETCH_NO_ADDRESS, "%s has no address (A or AAAA)", host);
}

/* One GET, HTTPS only, to the addresses lib/dns gave, no redirect followed,
 * no proxy, the certificate verified, bounded in time and size. */
static void set_options(CURL *c, const char *url, struct curl_slist *resolve,
                        const mc_net_opts *o, double timeout, size_t max, struct sink *sink,
                        char *errbuf)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, ""); /* never a proxy from the environment */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o && o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mailcheck/" MC_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, sink);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
}

/* The status, the address connected to, the content type and a redirect's
 * target. */
static void transfer_info(CURL *c, mc_fetch *f)
{
	char *primary = NULL, *ct = NULL, *location = NULL;

	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f->status);
	if (curl_easy_getinfo(c, CURLINFO_PRIMARY_IP, &primary) == CURLE_OK && primary && *primary)
		f->address = mc_strdup(primary);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		f->content_type = mc_strdup(ct);
	if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
		f->location = mc_strdup(location);
}

mc_status mc_https_get(mc_resolver *r, const char *host, const char *path, size_t max,
                       const mc_net_opts *o, mc_fetch *f)
{
	unsigned port = o && o->https_port ? o->https_port : 443;
	double timeout = mc_net_timeout(o);
	char errbuf[CURL_ERROR_SIZE] = "", *entry = NULL;
	struct curl_slist *resolve = NULL;
	struct sink sink = {.max = max};
	mc_net_addresses addr;
	CURL *c = NULL;
	CURLcode rc;
	mc_status st;

	*f = (mc_fetch){0};
	f->url = port == 443 ? mc_asprintf("https://%s%s", host, path)
	                     : mc_asprintf("https://%s:%u%s", host, port, path);
	if (!f->url)
		return MC_ENOMEM;
	if ((st = mc_net_lookup(r, host, o, &addr)) != MC_OK)
		return st;
	if (addr.n == 0) {
		no_address(f, host, &addr);
		mc_net_addresses_clear(&addr);
		return MC_OK;
	}
	char port_text[16];

	snprintf(port_text, sizeof(port_text), "%u", port);
	if (!(entry = mc_net_resolve_entry(host, port_text, &addr)) ||
	    !(resolve = curl_slist_append(NULL, entry)) || !(c = curl_easy_init())) {
		st = MC_ENOMEM;
		goto out;
	}
	set_options(c, f->url, resolve, o, timeout, max, &sink, errbuf);
	f->ms = mc_now_ms();
	rc = curl_easy_perform(c);
	f->ms = mc_now_ms() - f->ms;
	transfer_info(c, f);
	if (rc != CURLE_OK) {
		classify(c, rc, errbuf, &sink, timeout, f);
	} else if (f->status >= 300 && f->status < 400) {
		fail(f, MC_FETCH_REDIRECT, "HTTP %ld, a redirect%s%s, which is not followed",
		     f->status, f->location ? " to " : "", f->location ? f->location : "");
	} else if (f->status != 200) {
		fail(f, MC_FETCH_STATUS, "HTTP %ld instead of 200", f->status);
	} else {
		f->len = sink.body.len;
		if (!(f->body = mc_buf_take(&sink.body)))
			st = MC_ENOMEM;
	}
out:
	mc_buf_free(&sink.body);
	curl_easy_cleanup(c);
	curl_slist_free_all(resolve);
	free(entry);
	mc_net_addresses_clear(&addr);
	return st;
}

void mc_fetch_clear(mc_fetch *f)
{
	free(f->url);
	free(f->message);
	free(f->content_type);
	free(f->location);
	free(f->address);
	free(f->body);
	*f = (mc_fetch){0};
}
