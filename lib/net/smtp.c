/*
 * The SMTP probe of an MX address, as a sending server meets it: connect,
 * the 220 greeting (RFC 5321 4.2), EHLO, STARTTLS (RFC 3207), the TLS
 * handshake with OpenSSL, then QUIT -- no mail is sent. Every step has a
 * deadline (the probe's timeout) and every reply a size bound, so that a
 * server that stalls or floods ends the probe with a finding, not a hang.
 *
 * The certificate is judged three ways, each reported on its own (a
 * certificate problem is not "no STARTTLS"): the chain against the system
 * roots (or --ca-file), the names against the MX host (RFC 6125), and --
 * with DNSSEC-secure TLSA records -- DANE (RFC 7672) through OpenSSL's
 * SSL_dane_enable / SSL_dane_tlsa_add.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/util.h"
#include "mailcheck/net.h"
#include "net/internal.h"

#define REPLY_MAX 4096   /* bytes of one reply (a long EHLO list is ~500) */
#define MAX_NAMES 32     /* subjectAltNames kept */

const char *mc_smtp_stage_name(mc_smtp_stage s)
{
	static const char *const names[] = {"done", "refused", "connect", "banner", "ehlo",
	                                    "no_starttls", "starttls", "tls"};
	return (unsigned)s < sizeof(names) / sizeof(*names) ? names[s] : "?";
}

struct conn {
	int fd;
	double deadline;    /* of the current step, mc_now_ms() */
	double step_ms;
	char buf[REPLY_MAX + 1];
	size_t len;
};

static void stop(mc_smtp_probe *p, mc_smtp_stage st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void stop(mc_smtp_probe *p, mc_smtp_stage st, const char *fmt, ...)
{
	va_list ap;

	p->stage = st;
	free(p->error);
	va_start(ap, fmt);
	p->error = mc_vasprintf(fmt, ap);
	va_end(ap);
}

/* Wait for fd to be ready for events before the deadline: 1, 0 timeout, -1 error. */
static int wait_for(const struct conn *c, short events)
{
	for (;;) {
		double left = c->deadline - mc_now_ms();
		struct pollfd pfd = {.fd = c->fd, .events = events};
		int n;

		if (left <= 0)
			return 0;
		n = poll(&pfd, 1, (int)left + 1);
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -1 : n > 0;
	}
}

static int connect_to(struct conn *c, const char *address, unsigned port, char **why)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int err = 0;
	socklen_t elen = sizeof(err);

	if (strchr(address, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, address, &s6->sin6_addr);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, address, &s4->sin_addr);
		len = sizeof(*s4);
	}
	c->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		*why = mc_asprintf("cannot open a socket: %s", mc_strerror(errno));
		return -1;
	}
	c->deadline = mc_now_ms() + c->step_ms;
	if (connect(c->fd, (struct sockaddr *)&ss, len) == 0)
		return 0;
	if (errno != EINPROGRESS) {
		*why = mc_asprintf("%s port %u: %s", address, port, mc_strerror(errno));
		return -1;
	}
	switch (wait_for(c, POLLOUT)) {
	case 0:
		*why = mc_asprintf("%s port %u: no connection within %g s (a firewall dropping "
		                   "port %u?)", address, port, c->step_ms / 1000, port);
		return -1;
	case -1:
		*why = mc_asprintf("%s port %u: %s", address, port, mc_strerror(errno));
		return -1;
	}
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
		*why = mc_asprintf("%s port %u: %s", address, port, mc_strerror(err ? err : errno));
		return -1;
	}
	return 0;
}

static int send_line(struct conn *c, const char *line, char **why)
{
	size_t len = strlen(line), off = 0;

	c->deadline = mc_now_ms() + c->step_ms;
	while (off < len) {
		ssize_t n = send(c->fd, line + off, len - off, MSG_NOSIGNAL);

		if (n > 0) {
			off += (size_t)n;
		} else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_for(c, POLLOUT) <= 0) {
				*why = mc_strdup("the server does not take what is sent to it");
				return -1;
			}
		} else {
			*why = mc_asprintf("the connection broke: %s", mc_strerror(errno));
			return -1;
		}
	}
	return 0;
}

/*
 * Where the reply in buf ends (RFC 5321 4.2: "ddd-text" lines, then "ddd
 * text" or "ddd"): its code with *end after its last line; 0 when the reply
 * is not complete yet; -1 when a line is not a reply line (*why says so).
 */
int mc_smtp_reply_scan(const char *buf, size_t len, size_t *end, const char **why)
{
	size_t at = 0;

	while (at < len) {
		const char *line = buf + at, *nl = memchr(line, '\n', len - at);
		size_t ll;

		if (!nl)
			return 0;
		ll = (size_t)(nl - line);
		if (ll < 3 || !isdigit((unsigned char)line[0]) || !isdigit((unsigned char)line[1]) ||
		    !isdigit((unsigned char)line[2]) ||
		    (ll > 3 && line[3] != '-' && line[3] != ' ' && line[3] != '\r')) {
			*why = "a reply line is not \"ddd text\"";
			return -1;
		}
		at += ll + 1;
		if (ll == 3 || line[3] != '-') {
			*end = at;
			return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
		}
	}
	return 0;
}

/* One reply: its code, or -1 with why; c->buf holds its lines. Bytes after
 * the last line (pipelined) are dropped. */
static int read_reply(struct conn *c, char **why)
{
	c->len = 0;
	c->deadline = mc_now_ms() + c->step_ms;
	for (;;) {
		size_t end = 0;
		const char *bad = NULL;
		int code = mc_smtp_reply_scan(c->buf, c->len, &end, &bad);
		ssize_t n;

		if (code < 0) {
			*why = mc_asprintf("%s: \"%.60s\"", bad, c->buf);
			return -1;
		}
		if (code > 0) {
			c->len = end;
			c->buf[c->len] = '\0';
			return code;
		}
		if (c->len == REPLY_MAX) {
			*why = mc_asprintf("the reply goes on past %d bytes without ending (a server "
			                   "that floods)", REPLY_MAX);
			return -1;
		}
		n = recv(c->fd, c->buf + c->len, REPLY_MAX - c->len, 0);
		if (n > 0) {
			c->len += (size_t)n;
			c->buf[c->len] = '\0';
			continue;
		}
		if (n == 0) {
			*why = mc_strdup(c->len ? "the server closed the connection in the middle of a "
			                 "reply" : "the server closed the connection without a reply");
			return -1;
		}
		if (errno != EAGAIN && errno != EINTR) {
			*why = mc_asprintf("the connection broke: %s", mc_strerror(errno));
			return -1;
		}
		if (wait_for(c, POLLIN) <= 0) {
			*why = mc_asprintf("no complete reply within %g s%s", c->step_ms / 1000,
			                   c->len ? " (a reply that never ends)" : "");
			return -1;
		}
	}
}

/* The first word after the code of the reply's first line. */
static char *first_word(const char *reply)
{
	const char *s = reply + 4;
	size_t n = 0;

	if (strlen(reply) < 4)
		return NULL;
	while (s[n] && !isspace((unsigned char)s[n]) && n < 255)
		n++;
	return n ? mc_strndup(s, n) : NULL;
}

/* Does a line of the EHLO reply name the keyword (RFC 5321 4.1.1.1)? */
static bool offers(const char *reply, const char *keyword)
{
	size_t kl = strlen(keyword);

	for (const char *l = reply; *l;) {
		const char *nl = strchr(l, '\n');

		if (strlen(l) > 4 && strncasecmp(l + 4, keyword, kl) == 0 &&
		    (l[4 + kl] == '\r' || l[4 + kl] == '\n' || l[4 + kl] == ' ' || !l[4 + kl]))
			return true;
		if (!nl)
			break;
		l = nl + 1;
	}
	return false;
}

/* The first line of a reply, without its line end. */
static char *first_line(const char *reply)
{
	return mc_strndup(reply, strcspn(reply, "\r\n"));
}

/* ---- TLS ---- */

static int handshake(struct conn *c, SSL *ssl, char **why)
{
	c->deadline = mc_now_ms() + c->step_ms;
	for (;;) {
		int r = SSL_connect(ssl), e;
		unsigned long err;

		if (r == 1)
			return 0;
		e = SSL_get_error(ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (wait_for(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT) <= 0) {
				*why = mc_asprintf("no TLS handshake within %g s", c->step_ms / 1000);
				return -1;
			}
			continue;
		}
		err = ERR_get_error();
		*why = mc_asprintf("the TLS handshake failed: %s",
		                   err ? ERR_reason_error_string(err) : "the connection closed");
		ERR_clear_error();
		return -1;
	}
}

/* "3 1 1 HEX" -> SSL_dane_tlsa_add; 1 usable, 0 not, -1 malformed. */
static int add_tlsa(SSL *ssl, const char *rec)
{
	unsigned usage, selector, mtype;
	int used = 0;
	unsigned char data[512];
	size_t n = 0;
	const char *hex;

	if (sscanf(rec, "%u %u %u %n", &usage, &selector, &mtype, &used) != 3 || usage > 255 ||
	    selector > 255 || mtype > 255)
		return -1;
	for (hex = rec + used; *hex && n < sizeof(data);) {
		if (isspace((unsigned char)*hex)) {
			hex++;
			continue;
		}
		if (!isxdigit((unsigned char)hex[0]) || !isxdigit((unsigned char)hex[1]))
			return -1;
		sscanf(hex, "%2hhx", &data[n++]);
		hex += 2;
	}
	if (*hex)
		return -1;
	return SSL_dane_tlsa_add(ssl, (uint8_t)usage, (uint8_t)selector, (uint8_t)mtype, data, n) > 0;
}

/* The chain against the roots, the names, the dates. */
/* The certificate's DNS names (subjectAltName), at most MAX_NAMES. */
static void cert_names(X509 *leaf, mc_smtp_probe *p)
{
	GENERAL_NAMES *san = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);

	for (int i = 0; san && i < sk_GENERAL_NAME_num(san) && p->n_names < MAX_NAMES; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(san, i);
		char **grown;

		if (g->type != GEN_DNS)
			continue;
		if (!(grown = realloc(p->names, (p->n_names + 1) * sizeof(*p->names))))
			break;
		p->names = grown;
		p->names[p->n_names++] = mc_strndup((const char *)ASN1_STRING_get0_data(g->d.dNSName),
		                                    (size_t)ASN1_STRING_length(g->d.dNSName));
	}
	GENERAL_NAMES_free(san);
}

/* When the certificate expires, and in how many days. */
static void cert_expiry(X509 *leaf, mc_smtp_probe *p)
{
	int days = 0, secs = 0;
	struct tm tm;

	if (!ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(leaf)))
		return;
	p->days_left = days + secs / 86400.0;
	if (ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &tm))
		p->not_after = (int64_t)timegm(&tm);
}

/* The chain verified for a TLS server against the system's roots (or
 * --ca-file). */
static void cert_chain(X509 *leaf, STACK_OF(X509) *chain, const mc_net_opts *o,
                       mc_smtp_probe *p)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();

	if (!store || !ctx || !(o && o->ca_file ? X509_STORE_load_file(store, o->ca_file)
	                                        : X509_STORE_set_default_paths(store)) ||
	    !X509_STORE_CTX_init(ctx, store, leaf, chain)) {
		p->chain_error = mc_strdup("cannot load the trusted roots");
	} else {
		X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
		if (X509_verify_cert(ctx) == 1)
			p->chain_ok = true;
		else
			p->chain_error = mc_strdup(X509_verify_cert_error_string(
				X509_STORE_CTX_get_error(ctx)));
	}
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
}

static void judge_certificate(SSL *ssl, const char *host, const mc_net_opts *o, mc_smtp_probe *p)
{
	X509 *leaf = SSL_get1_peer_certificate(ssl);
	char *subject;

	if (!leaf) {
		p->chain_error = mc_strdup("the server presented no certificate");
		ERR_clear_error();
		return;
	}
	if ((subject = X509_NAME_oneline(X509_get_subject_name(leaf), NULL, 0))) {
		p->subject = mc_strdup(subject);
		OPENSSL_free(subject);
	}
	cert_names(leaf, p);
	p->name_ok = X509_check_host(leaf, host, 0, 0, NULL) == 1;
	cert_expiry(leaf, p);
	cert_chain(leaf, SSL_get_peer_cert_chain(ssl), o, p);
	X509_free(leaf);
	ERR_clear_error();
}

static void judge_dane(SSL *ssl, int usable, mc_smtp_probe *p)
{
	uint8_t usage, selector, mtype;
	const unsigned char *data;
	size_t dlen;
	int depth;

	p->dane_tried = true;
	if (usable == 0) {
		p->dane_error = mc_strdup("no TLSA record is usable (unknown usage, selector or "
		                          "matching type, or malformed)");
		return;
	}
	depth = SSL_get0_dane_tlsa(ssl, &usage, &selector, &mtype, &data, &dlen);
	if (depth < 0 || SSL_get_verify_result(ssl) != X509_V_OK) {
		long v = SSL_get_verify_result(ssl);

		p->dane_error = mc_asprintf("no TLSA record matches the certificates presented%s%s",
		                            v != X509_V_OK ? ": " : "",
		                            v != X509_V_OK ? X509_verify_cert_error_string(v) : "");
		return;
	}
	mc_buf b = {0};

	mc_buf_addf(&b, "%u %u %u ", usage, selector, mtype);
	for (size_t i = 0; i < dlen; i++)
		mc_buf_addf(&b, "%02x", data[i]);
	p->dane_ok = true;
	p->dane_depth = depth;
	p->dane_match = mc_buf_take(&b);
}

static void tls(struct conn *c, const char *host, char *const *tlsa, size_t n_tlsa,
                const mc_net_opts *o, mc_smtp_probe *p)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl = NULL;
	int usable = 0;
	char *why = NULL;

	if (!ctx || !(ssl = SSL_new(ctx))) {
		stop(p, MC_SMTP_TLS, "cannot set up TLS");
		goto out;
	}
	SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL); /* judged after, each part on its own */
	SSL_set_tlsext_host_name(ssl, host);
	if (n_tlsa && SSL_CTX_dane_enable(ctx) > 0 && SSL_dane_enable(ssl, host) > 0)
		for (size_t i = 0; i < n_tlsa; i++)
			usable += add_tlsa(ssl, tlsa[i]) > 0;
	SSL_set_fd(ssl, c->fd);
	if (handshake(c, ssl, &why) < 0) {
		stop(p, MC_SMTP_TLS, "%s", why);
		goto out;
	}
	p->protocol = mc_strdup(SSL_get_version(ssl));
	p->cipher = mc_strdup(SSL_get_cipher_name(ssl));
	judge_certificate(ssl, host, o, p);
	if (n_tlsa)
		judge_dane(ssl, usable, p);
	p->stage = MC_SMTP_DONE;
	/* QUIT (RFC 5321 4.1.1.10), not waiting for the reply */
	SSL_write(ssl, "QUIT\r\n", 6);
out:
	free(why);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
}

static const char *ehlo_name(void)
{
	static char name[256];

	if (!name[0] && (gethostname(name, sizeof(name) - 1) != 0 || !name[0]))
		strcpy(name, "localhost");
	return name;
}

/* RFC 5321 3.1: the greeting is 220 (554 refuses the session). */
static bool greeting(struct conn *c, mc_smtp_probe *p, char **why)
{
	int code = read_reply(c, why);

	if (code < 0 || code != 220) {
		if (code >= 0)
			stop(p, MC_SMTP_BANNER, "the server greets with %d instead of 220: %.200s", code,
			     c->buf);
		else
			stop(p, MC_SMTP_BANNER, "no greeting: %s", *why);
		return false;
	}
	p->banner = first_line(c->buf);
	p->banner_name = first_word(c->buf);
	return true;
}

/* EHLO, then STARTTLS when the server offers it; true when TLS may begin. */
static bool ehlo_starttls(struct conn *c, mc_smtp_probe *p, char **why)
{
	char ehlo[300];
	int code;

	snprintf(ehlo, sizeof(ehlo), "EHLO %s\r\n", ehlo_name());
	if (send_line(c, ehlo, why) < 0 || (code = read_reply(c, why)) < 0) {
		stop(p, MC_SMTP_EHLO, "EHLO: %s", *why);
		return false;
	}
	if (code != 250) {
		stop(p, MC_SMTP_EHLO, "EHLO was answered %d: %.200s", code, c->buf);
		return false;
	}
	p->ehlo_name = first_word(c->buf);
	p->starttls = offers(c->buf, "STARTTLS");
	if (!p->starttls) {
		stop(p, MC_SMTP_NO_STARTTLS, "the EHLO reply does not offer STARTTLS");
		send_line(c, "QUIT\r\n", why);
		return false;
	}
	if (send_line(c, "STARTTLS\r\n", why) < 0 || (code = read_reply(c, why)) < 0) {
		stop(p, MC_SMTP_STARTTLS, "STARTTLS: %s", *why);
		return false;
	}
	if (code != 220) {
		stop(p, MC_SMTP_STARTTLS, "STARTTLS was answered %d: %.200s", code, c->buf);
		return false;
	}
	return true;
}

/* ---- sessions for the TLS scan (tls_scan.c) ---- */

void mc_smtp_judge_certificate(SSL *ssl, const char *host, const mc_net_opts *o,
                               mc_smtp_probe *p)
{
	judge_certificate(ssl, host, o, p);
}

int mc_smtp_tls_session(const char *address, unsigned port, bool implicit,
                        const mc_net_opts *o, mc_smtp_stage *stage, char **why)
{
	struct conn c = {.fd = -1, .step_ms = mc_net_timeout(o) * 1000};
	mc_smtp_probe p = {0};

	*why = NULL;
	*stage = MC_SMTP_DONE;
	if (connect_to(&c, address, port, why) < 0) {
		*stage = MC_SMTP_CONNECT;
	} else if (implicit) { /* RFC 8314 3.3: TLS first, the greeting inside it */
	} else if (!greeting(&c, &p, why) || !ehlo_starttls(&c, &p, why)) {
		*stage = p.stage;
		free(*why);
		*why = p.error; /* taken */
		p.error = NULL;
	}
	mc_smtp_probe_clear(&p);
	if (*stage != MC_SMTP_DONE && c.fd >= 0) {
		close(c.fd);
		c.fd = -1;
	}
	return c.fd;
}

int mc_smtp_tls_renegotiate(int fd, SSL *ssl, const mc_net_opts *o)
{
	struct conn c = {.fd = fd, .step_ms = mc_net_timeout(o) * 1000};

	if (SSL_version(ssl) >= TLS1_3_VERSION || !SSL_renegotiate(ssl))
		return -1;
	c.deadline = mc_now_ms() + c.step_ms;
	for (;;) {
		int r = SSL_do_handshake(ssl), e;

		if (r == 1)
			return 1;
		e = SSL_get_error(ssl, r);
		if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) ||
		    wait_for(&c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT) <= 0) {
			ERR_clear_error();
			return 0; /* refused (an alert, a close) or never answered */
		}
	}
}

int mc_smtp_tls_early_data(int fd, SSL *ssl, bool implicit, const mc_net_opts *o)
{
	struct conn c = {.fd = fd, .step_ms = mc_net_timeout(o) * 1000};
	char ehlo[300], buf[REPLY_MAX];
	SSL_SESSION *session;
	size_t got = 0;
	int n, max = -1;

	if (SSL_version(ssl) != TLS1_3_VERSION)
		return -1;
	/* the tickets come before the reply: read up to the end of EHLO's reply
	 * (after implicit TLS, the greeting first, and EHLO only after it: RFC
	 * 5321 4.3.1, servers that drop early talkers) */
	snprintf(ehlo, sizeof(ehlo), "EHLO %s\r\n", ehlo_name());
	if (!implicit && SSL_write(ssl, ehlo, (int)strlen(ehlo)) <= 0)
		return -1;
	c.deadline = mc_now_ms() + c.step_ms;
	for (int replies = implicit ? 2 : 1; replies > 0 && got < sizeof(buf) - 1;) {
		size_t end = 0;
		const char *bad;

		n = SSL_read(ssl, buf + got, (int)(sizeof(buf) - 1 - got));
		if (n > 0) {
			got += (size_t)n;
			while (got && mc_smtp_reply_scan(buf, got, &end, &bad) > 0 && end) {
				memmove(buf, buf + end, got - end);
				got -= end;
				if (--replies == 1 && SSL_write(ssl, ehlo, (int)strlen(ehlo)) <= 0)
					replies = 0; /* the greeting read: now EHLO */
			}
			continue;
		}
		n = SSL_get_error(ssl, n);
		if ((n != SSL_ERROR_WANT_READ && n != SSL_ERROR_WANT_WRITE) ||
		    wait_for(&c, n == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT) <= 0)
			break;
	}
	if ((session = SSL_get1_session(ssl))) {
		max = SSL_SESSION_get_max_early_data(session) > 0;
		SSL_SESSION_free(session);
	}
	ERR_clear_error();
	return max;
}

int mc_smtp_tls_handshake(int fd, SSL *ssl, const mc_net_opts *o, char **why)
{
	struct conn c = {.fd = fd, .step_ms = mc_net_timeout(o) * 1000};

	*why = NULL;
	SSL_set_fd(ssl, fd);
	return handshake(&c, ssl, why);
}

mc_status mc_smtp_probe_run(const char *host, const char *address, char *const *tlsa,
                            size_t n_tlsa, const mc_net_opts *o, mc_smtp_probe *p)
{
	unsigned port = o && o->smtp_port ? o->smtp_port : 25;
	struct conn *c = calloc(1, sizeof(*c));
	const char *refused;
	char *why = NULL;
	double t0 = mc_now_ms();

	memset(p, 0, sizeof(*p));
	p->host = mc_strdup(host);
	p->address = mc_strdup(address);
	if (!c || !p->host || !p->address) {
		free(c);
		return MC_ENOMEM;
	}
	c->fd = -1;
	c->step_ms = mc_net_timeout(o) * 1000;
	if ((refused = mc_net_refused_address(address)) && !(o && o->allow_private))
		stop(p, MC_SMTP_REFUSED, "%s is %s: not probed (--allow-private probes it)", address,
		     refused);
	else if (connect_to(c, address, port, &why) < 0)
		stop(p, MC_SMTP_CONNECT, "%s", why);
	else if (greeting(c, p, &why) && ehlo_starttls(c, p, &why))
		tls(c, host, tlsa, n_tlsa, o, p);
	p->ms = mc_now_ms() - t0;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
	free(why);
	return MC_OK;
}

void mc_smtp_probe_clear(mc_smtp_probe *p)
{
	free(p->host);
	free(p->address);
	free(p->error);
	free(p->banner);
	free(p->banner_name);
	free(p->ehlo_name);
	free(p->protocol);
	free(p->cipher);
	free(p->subject);
	for (size_t i = 0; i < p->n_names; i++)
		free(p->names[i]);
	free(p->names);
	free(p->chain_error);
	free(p->dane_match);
	free(p->dane_error);
	memset(p, 0, sizeof(*p));
}
