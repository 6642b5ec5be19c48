/*
 * Network backend: a stub resolver on ldns's wire functions, not on
 * ldns_resolver (which marks a nameserver dead for good after one timeout,
 * see shared/LIBRARIES.md).
 *
 * A batch is sent all at once: up to WINDOW queries in flight over a pool
 * of up to POOL UDP sockets per address family (one for each PER_SOCKET
 * queries of the window; each with its own random port, every query a random
 * id unique within its socket), and one poll() waits for them all. A
 * thread keeps its sockets from one batch to the next (a socket and its
 * close cost more than the queries of a small batch) and replaces each, for
 * a new random port, once it has carried SOCKET_USES queries. A query is sent `tries` times, spread evenly over its
 * timeout, to the nameservers in turn; an answer to any of its tries counts.
 * A truncated answer is asked again over TCP (RFC 1035 4.2.1, RFC 7766), in
 * the same poll() loop, so that one slow TCP retry holds up no other query.
 * Answers are checked against the id, the question and the server's address
 * before they are believed. Queries are written by hand (RFC 1035 4.1 with
 * an EDNS OPT record, RFC 6891): ldns's packet builder and its random ids
 * cost more than the rest of a query.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "dns/internal.h"
#include "dns/net.h"

#define WINDOW 64         /* queries in flight at once */
#define POOL 8            /* UDP sockets per address family and window, at most */
#define PER_SOCKET 8      /* queries of a window per socket */
#define SOCKET_USES 128   /* queries a socket carries before a new port replaces it */
#define EDNS_SIZE 1232    /* the DNS flag day 2020 default */
#define QUERY_MAX 300     /* header, a name of at most 255 bytes, question, OPT */

struct flight {
	mc_dns_answer *a;
	uint8_t q[QUERY_MAX];    /* the query in wire form */
	size_t qlen, qend;       /* its length; the end of its question section */
	uint16_t id;
	int slot;                /* its socket in the pool: index % the window's sockets */
	size_t server[MAX_TRIES];/* the server of each try */
	int sent;
	double start;
	bool done;
	/* the TCP retry after a truncated answer, driven by fly() with the rest */
	struct tcp {
		enum { TCP_NONE, TCP_CONNECT, TCP_SEND, TCP_READ } phase;
		int fd;
		size_t server;
		double deadline;
		int rcode;           /* of the truncated answer */
		uint8_t *buf;        /* the length prefix and the message read so far */
		size_t have, need;   /* bytes in buf; bytes wanted (2, then 2 + length) */
		size_t sent;         /* bytes of the query (with its length) written */
	} tcp;
};

/* The sockets of a thread: one pool per address family, opened on first use. */
struct pool {
	int fd[2][POOL];         /* [0] IPv4, [1] IPv6; -1: not open */
	unsigned uses[2][POOL];  /* queries sent through each */
	int n;                   /* the sockets of this window: slots 0 to n - 1 */
};

static void pool_init(struct pool *p)
{
	memset(p, 0, sizeof(*p));
	for (int k = 0; k < 2; k++)
		for (int slot = 0; slot < POOL; slot++)
			p->fd[k][slot] = -1;
}

static void pool_close(struct pool *p)
{
	for (int k = 0; k < 2; k++)
		for (int slot = 0; slot < POOL; slot++)
			if (p->fd[k][slot] >= 0)
				close(p->fd[k][slot]);
}

/* A thread's pool, at the thread's end. */
static void pool_free(void *arg)
{
	pool_close(arg);
	free(arg);
}

static pthread_key_t pool_key;
static bool pool_key_made;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void pool_key_make(void)
{
	pool_key_made = pthread_key_create(&pool_key, pool_free) == 0;
}

/* This thread's pool (closed when the thread ends), or NULL: then a batch
 * opens and closes its own. */
static struct pool *thread_pool(void)
{
	struct pool *p;

	pthread_once(&pool_once, pool_key_make);
	if (!pool_key_made)
		return NULL;
	if ((p = pthread_getspecific(pool_key)))
		return p;
	if (!(p = malloc(sizeof(*p))))
		return NULL;
	pool_init(p);
	if (pthread_setspecific(pool_key, p) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

/* Before a window: a socket that has carried SOCKET_USES queries is closed,
 * so that the next use opens one on a new random port. */
static void pool_renew(struct pool *p)
{
	for (int k = 0; k < 2; k++)
		for (int slot = 0; slot < POOL; slot++)
			if (p->fd[k][slot] >= 0 && p->uses[k][slot] >= SOCKET_USES) {
				close(p->fd[k][slot]);
				p->fd[k][slot] = -1;
				p->uses[k][slot] = 0;
			}
}

/* The query in wire form (RFC 1035 4.1): RD, AD (RFC 6840 5.7: ask for
 * the AD bit), one question, an EDNS OPT record (RFC 6891 6.1.2). -1 when
 * the name cannot be put in a query. */
static int build_query(struct flight *f, bool dnssec)
{
	const char *name = f->a->name;
	size_t at = 12;
	uint8_t *q = f->q;

	memset(q, 0, 12);
	q[2] = 0x01;               /* RD */
	q[3] = 0x20;               /* AD */
	q[5] = 1;                  /* QDCOUNT */
	q[11] = 1;                 /* ARCOUNT: the OPT record */
	if (strcmp(name, ".") != 0) {
		for (const char *l = name; *l;) {
			size_t len = strcspn(l, ".");

			if (len == 0 || len > 63 || at + 1 + len > 12 + 254)
				return -1;
			q[at++] = (uint8_t)len;
			memcpy(q + at, l, len);
			at += len;
			l += len + (l[len] == '.');
		}
	}
	q[at++] = 0;
	q[at++] = (uint8_t)(f->a->type >> 8);
	q[at++] = (uint8_t)f->a->type;
	q[at++] = 0;
	q[at++] = 1;               /* class IN */
	f->qend = at;
	q[at++] = 0;               /* OPT: the root name, type 41, class = UDP size */
	q[at++] = 0;
	q[at++] = 41;
	q[at++] = EDNS_SIZE >> 8;
	q[at++] = EDNS_SIZE & 0xff;
	memset(q + at, 0, 6);      /* extended rcode, version, flags; no options */
	if (dnssec)
		q[at + 2] = 0x80;      /* DO (RFC 3225): send the RRSIG, NSEC, NSEC3 records */
	at += 6;
	f->qlen = at;
	return 0;
}

static void set_id(struct flight *f, uint16_t id)
{
	f->id = id;
	f->q[0] = (uint8_t)(id >> 8);
	f->q[1] = (uint8_t)id;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

	return x->sin6_port == y->sin6_port &&
	       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
}

/* Is this message the answer to our question: our id, QR set, and our
 * question echoed (names compared without regard to ASCII case)? */
static bool wire_matches(const struct flight *f, const uint8_t *m, size_t len)
{
	size_t qlen = f->qend - 12;

	if (len < 12 + qlen || m[0] != f->q[0] || m[1] != f->q[1] || !(m[2] & 0x80) ||
	    m[4] != 0 || m[5] != 1)
		return false;
	for (size_t i = 0; i < qlen; i++) {
		uint8_t x = m[12 + i], y = f->q[12 + i];

		if (x >= 'A' && x <= 'Z')
			x = (uint8_t)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (uint8_t)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

static void finish(struct flight *f)
{
	f->a->ms = mc_now_ms() - f->start;
	f->done = true;
	if (f->tcp.fd >= 0)
		close(f->tcp.fd);
	f->tcp.fd = -1;
	free(f->tcp.buf);
	f->tcp.buf = NULL;
	f->tcp.phase = TCP_NONE;
}

/*
 * The TCP retry failed: the query is a DNS failure, not "no record" -- the
 * records a truncated answer carried are never the whole answer. A firewall
 * that drops or refuses TCP port 53 is the usual cause.
 */
static void tcp_failed(struct flight *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tcp_failed(struct flight *f, const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = mc_vasprintf(fmt, ap);
	va_end(ap);
	f->a->status = MC_DNS_TCP_FAILED;
	f->a->rcode = f->tcp.rcode;
	f->a->error = mc_asprintf_both(&f->a->error_text, "the UDP answer was truncated and asking again over TCP "
	                          "failed: %s", why ? why : "out of memory");
	free(why);
	finish(f);
}

/*
 * Ask again over TCP after a truncated UDP answer (RFC 1035 4.2.2, RFC 7766:
 * a two-octet length before each message), without holding up the other
 * queries: a nonblocking connect here, then tcp_step() as poll() says. The
 * retry gets what is left of the query's timeout, and at least one try's
 * share of it.
 */
static void tcp_start(const struct net *n, struct flight *f, size_t server, int rcode)
{
	const struct server *s = &n->servers[server];
	double now = mc_now_ms(), budget = f->start + n->timeout_ms - now;

	if (budget < n->timeout_ms / n->tries)
		budget = n->timeout_ms / n->tries;
	f->tcp = (struct tcp){.phase = TCP_CONNECT, .server = server, .deadline = now + budget,
	                      .rcode = rcode, .need = 2};
	f->tcp.fd = socket(s->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (f->tcp.fd < 0) {
		tcp_failed(f, "cannot open a TCP socket: %s", mc_strerror(errno));
		return;
	}
	if (connect(f->tcp.fd, (const struct sockaddr *)&s->addr, s->len) < 0 &&
	    errno != EINPROGRESS)
		tcp_failed(f, "cannot connect to %s over TCP: %s", s->text, mc_strerror(errno));
}

static short tcp_events(const struct flight *f)
{
	return f->tcp.phase == TCP_READ ? POLLIN : POLLOUT;
}

/* The response as received, for the DNSSEC validation. */
static mc_status keep_wire(mc_dns_answer *a, const uint8_t *wire, size_t len)
{
	if (!(a->wire = malloc(len)))
		return MC_ENOMEM;
	memcpy(a->wire, wire, len);
	a->wire_len = len;
	return MC_OK;
}

/* Fill f's answer from a response: through wire.c, or ldns's packet where
 * wire.c declines. MC_EPARSE when ldns cannot read it either; a truncated
 * response (when truncated is not NULL) sets *truncated to its rcode and
 * fills nothing. Else MC_ENOMEM or MC_OK, the response kept for DNSSEC. */
static mc_status read_answer(const struct net *n, struct flight *f, const uint8_t *wire,
                             size_t size, int *truncated)
{
	mc_status st = mc_dns_answer_from_wire(f->a, wire, size);

	if (st == MC_EPARSE) {
		ldns_pkt *pkt = NULL;

		if (ldns_wire2pkt(&pkt, wire, size) != LDNS_STATUS_OK) {
			ldns_pkt_free(pkt);
			return MC_EPARSE;
		}
		if (truncated && ldns_pkt_tc(pkt)) {
			*truncated = ldns_pkt_get_rcode(pkt);
			ldns_pkt_free(pkt);
			return MC_OK;
		}
		st = mc_dns_answer_from_pkt(f->a, pkt);
		ldns_pkt_free(pkt);
	}
	if (st == MC_OK && n->dnssec)
		st = keep_wire(f->a, wire, size);
	return st;
}

/* The TCP retry's socket is ready (or in error): take the next step.
 * Returns MC_ENOMEM or MC_OK. */
/* TCP_SEND: the query with its two-byte length (RFC 1035 4.2.2), as much
 * as the socket takes. */
static void tcp_send(const char *who, struct flight *f)
{
	uint8_t out[QUERY_MAX + 2];
	ssize_t w;

	out[0] = (uint8_t)(f->qlen >> 8);
	out[1] = (uint8_t)f->qlen;
	memcpy(out + 2, f->q, f->qlen);
	w = send(f->tcp.fd, out + f->tcp.sent, f->qlen + 2 - f->tcp.sent, MSG_NOSIGNAL);
	if (w < 0 && errno != EAGAIN && errno != EINTR) {
		tcp_failed(f, "cannot send the query to %s over TCP: %s", who, mc_strerror(errno));
		return;
	}
	if (w > 0)
		f->tcp.sent += (size_t)w;
	if (f->tcp.sent == f->qlen + 2)
		f->tcp.phase = TCP_READ;
}

/* TCP_READ: the bytes the socket has. true when what is needed so far is
 * in; false when not yet, or the retry failed (said). */
static bool tcp_read(const char *who, struct flight *f)
{
	ssize_t r = read(f->tcp.fd, f->tcp.buf + f->tcp.have, f->tcp.need - f->tcp.have);

	if (r == 0) {
		tcp_failed(f, "%s closed the TCP connection without answering", who);
		return false;
	}
	if (r < 0 && errno == ECONNRESET) {
		tcp_failed(f, "%s reset the TCP connection without answering", who);
		return false;
	}
	if (r < 0) {
		if (errno != EAGAIN && errno != EINTR)
			tcp_failed(f, "reading the answer of %s over TCP failed: %s", who, mc_strerror(errno));
		return false;
	}
	f->tcp.have += (size_t)r;
	return f->tcp.have == f->tcp.need;
}

static mc_status tcp_step(const struct net *n, struct flight *f)
{
	const char *who = n->servers[f->tcp.server].text;
	mc_status st;

	if (f->tcp.phase == TCP_CONNECT) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (getsockopt(f->tcp.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
			tcp_failed(f, "cannot connect to %s over TCP: %s", who, mc_strerror(err ? err : errno));
			return MC_OK;
		}
		f->tcp.phase = TCP_SEND;
	}
	if (f->tcp.phase == TCP_SEND) {
		tcp_send(who, f);
		return MC_OK;
	}
	/* TCP_READ: the length, then the message */
	if (!f->tcp.buf && !(f->tcp.buf = malloc(2 + 65535)))
		return mc_error_set(MC_ENOMEM, "out of memory");
	if (!tcp_read(who, f))
		return MC_OK;
	if (f->tcp.need == 2) {
		f->tcp.need = 2 + ((size_t)f->tcp.buf[0] << 8 | f->tcp.buf[1]);
		if (f->tcp.need == 2)
			tcp_failed(f, "%s sent an empty answer over TCP", who);
		return MC_OK;
	}
	if (!wire_matches(f, f->tcp.buf + 2, f->tcp.need - 2) ||
	    (st = read_answer(n, f, f->tcp.buf + 2, f->tcp.need - 2, NULL)) == MC_EPARSE) {
		tcp_failed(f, "the answer of %s over TCP is malformed or is not the answer to the "
		           "question", who);
		return MC_OK;
	}
	finish(f);
	return st;
}

/* A datagram that is the answer of flight f: finish it, or start the TCP
 * retry when it is truncated. Returns MC_ENOMEM or MC_OK. */
static mc_status take_answer(const struct net *n, struct flight *f, size_t server,
                             const uint8_t *wire, size_t size)
{
	int truncated = -1;
	mc_status st = read_answer(n, f, wire, size, &truncated);

	if (st == MC_EPARSE)
		return MC_OK; /* malformed: keep waiting for a good one */
	if (truncated >= 0) {
		tcp_start(n, f, server, truncated);
		return MC_OK;
	}
	finish(f);
	return st;
}

/* Read every datagram waiting on a socket of the pool, RECV_BATCH at a time
 * (recvmmsg); each is matched to a flight of that socket by id, question
 * and server. Answers are at most EDNS_SIZE bytes (RFC 6891 6.2.5: a
 * responder does not send more than the requester can take): a datagram
 * that does not fit RECV_SIZE is dropped. */
#define RECV_BATCH 16
#define RECV_SIZE 4096

static mc_status read_socket(const struct net *n, struct flight *fl, size_t count, int slot,
                             int fd)
{
	uint8_t buf[RECV_BATCH][RECV_SIZE];
	struct sockaddr_storage from[RECV_BATCH];
	struct iovec iov[RECV_BATCH];
	struct mmsghdr msgs[RECV_BATCH];

	for (;;) {
		int got;

		for (int m = 0; m < RECV_BATCH; m++) {
			iov[m] = (struct iovec){.iov_base = buf[m], .iov_len = RECV_SIZE};
			msgs[m] = (struct mmsghdr){.msg_hdr = {.msg_name = &from[m],
			                                       .msg_namelen = sizeof(from[m]),
			                                       .msg_iov = &iov[m], .msg_iovlen = 1}};
		}
		got = recvmmsg(fd, msgs, RECV_BATCH, MSG_DONTWAIT, NULL);
		if (got <= 0)
			return MC_OK; /* EAGAIN, or an ICMP error: the deadlines decide */
		for (int m = 0; m < got; m++) {
			size_t len = msgs[m].msg_len;

			if (len < 12 || (msgs[m].msg_hdr.msg_flags & MSG_TRUNC))
				continue;
			for (size_t i = 0; i < count; i++) {
				struct flight *f = &fl[i];
				bool from_ours = false;
				size_t server = 0;

				if (f->slot != slot || f->done || f->tcp.phase != TCP_NONE || !wire_matches(f, buf[m], len))
					continue;
				for (int t = 0; t < f->sent && !from_ours; t++) {
					from_ours = same_addr(&from[m], &n->servers[f->server[t]].addr);
					server = f->server[t];
				}
				if (!from_ours)
					break; /* a spoofed or stray answer: ignored */
				if (take_answer(n, f, server, buf[m], len) != MC_OK)
					return MC_ENOMEM;
				break;
			}
		}
		if (got < RECV_BATCH)
			return MC_OK;
	}
}

static int pool_fd(struct pool *p, int family, int slot)
{
	int k = family == AF_INET6;

	if (p->fd[k][slot] < 0) {
		p->fd[k][slot] = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		p->uses[k][slot] = 0;
	}
	if (p->fd[k][slot] >= 0)
		p->uses[k][slot]++;
	return p->fd[k][slot];
}

/* The tries due in one turn of fly(), sent together: one sendmmsg a
 * socket instead of a sendto a query. Room for every try of the window. */
struct sends {
	int *fd;
	struct mmsghdr *msg, *group;
	struct iovec *iov;
	size_t n, cap;
};

static void send_try(const struct net *n, struct pool *p, struct flight *f, struct sends *out)
{
	size_t server = (size_t)f->sent % n->n_servers;
	const struct server *s = &n->servers[server];
	int fd = pool_fd(p, s->addr.ss_family, f->slot);

	f->server[f->sent++] = server;
	if (fd < 0 || out->n == out->cap)
		return; /* no socket: this try is lost, the next or the deadline decides */
	out->fd[out->n] = fd;
	out->iov[out->n] = (struct iovec){.iov_base = f->q, .iov_len = f->qlen};
	out->msg[out->n] = (struct mmsghdr){.msg_hdr = {.msg_name = (void *)&s->addr,
	                                                .msg_namelen = s->len,
	                                                .msg_iov = &out->iov[out->n],
	                                                .msg_iovlen = 1}};
	out->n++;
}

static void flush_sends(struct sends *out)
{
	for (size_t i = 0; i < out->n; i++) {
		int fd = out->fd[i];
		unsigned k = 0;

		if (fd < 0)
			continue;
		for (size_t j = i; j < out->n; j++) /* this socket's tries, in order */
			if (out->fd[j] == fd) {
				out->group[k++] = out->msg[j];
				out->fd[j] = -1;
			}
		for (unsigned sent = 0; sent < k;) {
			int r = sendmmsg(fd, out->group + sent, k - sent, 0);

			if (r <= 0)
				break; /* lost tries: the next or the deadline decides */
			sent += (unsigned)r;
		}
	}
	out->n = 0;
}

static void time_out(const struct net *n, struct flight *f)
{
	mc_buf b = {0};

	for (size_t i = 0; i < n->n_servers; i++)
		mc_buf_addf(&b, "%s%s", i ? ", " : "", n->servers[i].text);
	f->a->status = MC_DNS_TIMEOUT;
	f->a->error = mc_asprintf_both(&f->a->error_text, "no answer from %s within %.1f s", b.s ? b.s : "?",
	                          n->timeout_ms / 1000.0);
	mc_buf_free(&b);
	finish(f);
}

/* Drive a window of flights until each has an answer or timed out. */
/* What one round of poll() waits on: TCP retries and the pool's sockets. */
struct polls {
	struct pollfd pfd[2 * POOL + WINDOW];
	int slot_of[2 * POOL + WINDOW];  /* a pool slot, or -1 - the flight of a TCP retry */
	nfds_t n;
	double wake;                     /* when the next try or deadline is due */
};

/* One flight's due work now: a TCP retry watched or timed out, UDP tries
 * sent, the deadline kept. true while it is in the air. */
static bool advance(const struct net *n, struct pool *p, struct flight *f, size_t i,
                    struct sends *sends, double now, struct polls *w)
{
	double interval = n->timeout_ms / n->tries, next;

	if (f->tcp.phase != TCP_NONE) { /* no more UDP: the TCP retry decides */
		if (now >= f->tcp.deadline) {
			tcp_failed(f, "no answer from %s over TCP within %.1f s",
			           n->servers[f->tcp.server].text, (f->tcp.deadline - f->start) / 1000.0);
			return false;
		}
		if (f->tcp.deadline < w->wake)
			w->wake = f->tcp.deadline;
		w->pfd[w->n] = (struct pollfd){.fd = f->tcp.fd, .events = tcp_events(f)};
		w->slot_of[w->n++] = -1 - (int)i;
		return true;
	}
	while (f->sent < n->tries && now >= f->start + f->sent * interval)
		send_try(n, p, f, sends);
	if (now >= f->start + n->timeout_ms) {
		time_out(n, f);
		return false;
	}
	/* the next try, or the deadline once every try is out */
	next = f->sent < n->tries ? f->start + f->sent * interval : f->start + n->timeout_ms;
	if (next < w->wake)
		w->wake = next;
	return true;
}

/* What poll() found ready: a TCP retry's step, or a pool socket read. */
static mc_status dispatch(const struct net *n, struct flight *fl, size_t count,
                          const struct polls *w, int ready)
{
	for (nfds_t k = 0; ready > 0 && k < w->n; k++) {
		mc_status st = MC_OK;

		if (!w->pfd[k].revents)
			continue;
		if (w->slot_of[k] < 0) {
			struct flight *f = &fl[-1 - w->slot_of[k]];

			if (!f->done)
				st = tcp_step(n, f);
		} else if (w->pfd[k].revents & (POLLIN | POLLERR)) {
			st = read_socket(n, fl, count, w->slot_of[k], w->pfd[k].fd);
		}
		if (st != MC_OK)
			return MC_ENOMEM;
	}
	return MC_OK;
}

static mc_status fly(const struct net *n, struct pool *p, struct flight *fl, size_t count,
                     struct sends *sends)
{
	struct polls w;

	for (;;) {
		double now = mc_now_ms();
		bool pending = false;
		int ready;

		w.n = 0;
		w.wake = now + n->timeout_ms;
		for (size_t i = 0; i < count; i++)
			if (!fl[i].done)
				pending |= advance(n, p, &fl[i], i, sends, now, &w);
		flush_sends(sends);
		if (!pending)
			return MC_OK;
		for (int k = 0; k < 2; k++)
			for (int slot = 0; slot < p->n; slot++)
				if (p->fd[k][slot] >= 0) {
					w.pfd[w.n] = (struct pollfd){.fd = p->fd[k][slot], .events = POLLIN};
					w.slot_of[w.n++] = slot;
				}
		ready = poll(w.pfd, w.n, (int)(w.wake - now) + 1);
		if (ready < 0 && errno != EINTR)
			return MC_OK; /* the deadlines above end every flight */
		if (dispatch(n, fl, count, &w, ready) != MC_OK)
			return MC_ENOMEM;
	}
}

/* Random query ids from a block this thread draws from OpenSSL's DRBG
 * when it runs out (no system call per id, as glibc's arc4random makes;
 * OpenSSL itself asks getpid() once per draw). */
#define ID_BLOCK 1024
static _Thread_local struct {
	uint16_t ids[ID_BLOCK];
	size_t left;
} random_ids;

static bool random_id(uint16_t *id)
{
	if (!random_ids.left) {
		if (RAND_bytes((unsigned char *)random_ids.ids, sizeof(random_ids.ids)) != 1)
			return false;
		random_ids.left = ID_BLOCK;
	}
	*id = random_ids.ids[--random_ids.left];
	return true;
}

/* A random id that no other flight of the same socket has. */
static bool pick_id(struct flight *fl, size_t i)
{
	for (;;) {
		uint16_t id;
		bool taken = false;

		if (!random_id(&id))
			return false;
		for (size_t k = 0; k < i && !taken; k++)
			taken = fl[k].slot == fl[i].slot && fl[k].id == id;
		if (!taken) {
			set_id(&fl[i], id);
			return true;
		}
	}
}

/* Flight i of a window: its answer, its query built, its socket slot and a
 * fresh id; a name no query can be built for is answered at once. */
static mc_status prepare(const struct net *net, struct flight *fl, size_t i, mc_dns_answer *a,
                         int slots)
{
	fl[i].a = a;
	fl[i].start = mc_now_ms();
	fl[i].tcp.fd = -1;
	fl[i].slot = (int)(i % (size_t)slots);
	if (build_query(&fl[i], net->dnssec) < 0) {
		a->status = MC_DNS_ERROR;
		a->error = mc_asprintf_both(&a->error_text, "cannot build a query for '%s'", a->name);
		fl[i].done = true;
		return MC_OK;
	}
	if (!pick_id(fl, i))
		return mc_error_set(MC_EIO, "no random numbers for DNS query ids");
	return MC_OK;
}

static mc_status net_resolve(void *state, mc_dns_answer **answers, size_t n)
{
	const struct net *net = state;
	size_t cap = n < WINDOW ? n : WINDOW;
	struct flight *fl = calloc(cap ? cap : 1, sizeof(*fl));
	size_t slots = (cap ? cap : 1) * MAX_TRIES;
	struct sends sends = {.cap = slots, .fd = malloc(slots * sizeof(int)),
	                        .msg = malloc(slots * sizeof(struct mmsghdr)),
	                        .group = malloc(slots * sizeof(struct mmsghdr)),
	                        .iov = malloc(slots * sizeof(struct iovec))};
	struct pool local, *pool = thread_pool();
	mc_status st = MC_OK;

	if (!fl || !sends.fd || !sends.msg || !sends.group || !sends.iov) {
		st = mc_error_set(MC_ENOMEM, "out of memory");
		goto out;
	}
	if (!pool) {
		pool = &local;
		pool_init(pool);
	}
	for (size_t base = 0; st == MC_OK && base < n; base += WINDOW) {
		size_t count = n - base < WINDOW ? n - base : WINDOW;

		memset(fl, 0, count * sizeof(*fl));
		pool_renew(pool);
		pool->n = (int)((count + PER_SOCKET - 1) / PER_SOCKET);
		if (pool->n > POOL)
			pool->n = POOL;
		for (size_t i = 0; st == MC_OK && i < count; i++)
			st = prepare(net, fl, i, answers[base + i], pool->n);
		if (st != MC_OK)
			break;
		st = fly(net, pool, fl, count, &sends);
		for (size_t i = 0; i < count; i++)
			if (!fl[i].done)
				finish(&fl[i]);
	}
	if (pool == &local)
		pool_close(&local);
out:
	free(fl);
	free(sends.fd);
	free(sends.msg);
	free(sends.group);
	free(sends.iov);
	return st;
}

const mc_dns_backend mc_dns_backend_net = {
	.name = "network",
	.resolve = net_resolve,
	.free = mc_dns_net_free,
};
