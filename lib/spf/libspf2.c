/*
 * libspf2 as a second opinion (DESIGN.md, "SPF: why mailcheck evaluates it
 * itself"). The only file that includes libspf2.
 *
 * libspf2 runs in a child process: its SPF_error_handler is noreturn and
 * ends the process on an internal assertion, and hostile records must not
 * be able to take the report down. Its DNS layer is a custom
 * SPF_dns_server_t on lib/dns, so offline zones and fault directives apply
 * to it too. The child writes back its verdict and every query it asked;
 * the parent asks those queries again through its own resolver (answered
 * from the per-run cache when mailcheck asked them too) so that the DNS log
 * shows them.
 */
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <spf2/spf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "mailcheck/spf.h"

#define CHILD_SECONDS 60 /* every query has its own timeout; this is a backstop */
#define MAX_REPORT (1 << 20)

static int report_fd = -1;
static mc_resolver *child_resolver;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[1200];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0 && write(report_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) < 0)
		_exit(2);
}

__attribute__((noreturn)) static void on_error(const char *file, int line, const char *msg)
{
	(void)file;
	(void)line;
	say("ERROR %s\n", msg ? msg : "internal error");
	_exit(1);
}

static void quiet(const char *file, int line, const char *msg)
{
	(void)file;
	(void)line;
	(void)msg;
}

static uint16_t our_type(ns_type t)
{
	switch (t) {
	case ns_t_a: return MC_RR_A;
	case ns_t_aaaa: return MC_RR_AAAA;
	case ns_t_mx: return MC_RR_MX;
	case ns_t_txt: return MC_RR_TXT;
	case ns_t_ptr: return MC_RR_PTR;
	default: return 0;
	}
}

static SPF_dns_stat_t herrno_of(const mc_dns_answer *a)
{
	switch (a->status) {
	case MC_DNS_OK: return NETDB_SUCCESS;
	case MC_DNS_NODATA: return NO_DATA;
	case MC_DNS_NXDOMAIN: return HOST_NOT_FOUND;
	default: return TRY_AGAIN;
	}
}

/* Copy one record of ours into libspf2's rr->rr[i]. */
static int fill_rr(SPF_dns_rr_t *rr, int i, const mc_dns_rr *x)
{
	size_t len = x->type == MC_RR_A ? 4 : x->type == MC_RR_AAAA ? 16 : strlen(x->data) + 1;

	if (SPF_dns_rr_buf_realloc(rr, i, len) != SPF_E_SUCCESS)
		return -1;
	if (x->type == MC_RR_A || x->type == MC_RR_AAAA)
		memcpy(rr->rr[i], x->addr, len);
	else
		memcpy(rr->rr[i], x->data, len); /* TXT with a NUL is cut there, as libspf2 would */
	return 0;
}

static SPF_dns_rr_t *lookup(SPF_dns_server_t *server, const char *domain, ns_type type,
                            int should_cache)
{
	uint16_t t = our_type(type);
	const mc_dns_answer *a;
	SPF_dns_rr_t *rr;
	int n = 0;

	(void)should_cache;
	say("Q %u %s\n", t, domain);
	a = t ? mc_dns_lookup(child_resolver, domain, t) : NULL;
	rr = SPF_dns_rr_new_init(server, domain, type, 0, a ? herrno_of(a) : NO_DATA);
	for (size_t i = 0; rr && a && a->status == MC_DNS_OK && i < a->n_rrs; i++) {
		if (a->rrs[i].type != t)
			continue;
		if (fill_rr(rr, n, &a->rrs[i]) < 0)
			break;
		rr->num_rr = ++n;
	}
	return rr;
}

static const char *words(SPF_result_t r)
{
	switch (r) {
	case SPF_RESULT_PASS: return "pass";
	case SPF_RESULT_FAIL: return "fail";
	case SPF_RESULT_SOFTFAIL: return "softfail";
	case SPF_RESULT_NEUTRAL: return "neutral";
	case SPF_RESULT_NONE: return "none";
	case SPF_RESULT_TEMPERROR: return "temperror";
	default: return "permerror"; /* PERMERROR, and INVALID for broken records */
	}
}

/* In the child: evaluate and report "R <words> <libspf2 name>". */
static void child(const mc_spf_request *req, const mc_spf_result *res)
{
	SPF_dns_server_t layer = {.lookup = lookup, .name = "mailcheck"};
	SPF_server_t *server;
	SPF_request_t *rq;
	SPF_response_t *resp = NULL;
	const char *at = strrchr(res->sender, '@');
	char *from;

	SPF_error_handler = on_error;
	SPF_warning_handler = quiet;
	SPF_info_handler = quiet;
	SPF_debug_handler = quiet;
	server = SPF_server_new_dns(&layer, 0);
	rq = server ? SPF_request_new(server) : NULL;
	if (!rq)
		on_error(NULL, 0, "cannot create a libspf2 request");
	/* the same identity as ours: the local part at the domain checked */
	from = mc_asprintf("%.*s@%s", at ? (int)(at - res->sender) : 10,
	                   at ? res->sender : "postmaster", res->domain);
	if (strchr(res->ip, ':') ? SPF_request_set_ipv6_str(rq, res->ip)
	                         : SPF_request_set_ipv4_str(rq, res->ip))
		on_error(NULL, 0, "libspf2 rejected the client address");
	SPF_request_set_helo_dom(rq, req->helo ? req->helo : res->domain);
	SPF_request_set_env_from(rq, from);
	SPF_request_query_mailfrom(rq, &resp);
	SPF_result_t r = resp ? SPF_response_result(resp) : SPF_RESULT_INVALID;

	say("R %s %s\n", words(r), SPF_strresult(r));
	_exit(0);
}

/* Read the child's report until EOF or the deadline. */
static char *read_report(int fd, pid_t pid)
{
	mc_buf b = {0};
	double deadline = mc_now_ms() + CHILD_SECONDS * 1000.0;
	char chunk[4096];

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		double left = deadline - mc_now_ms();
		ssize_t n;

		if (left <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = read(fd, chunk, sizeof(chunk));
		if (n <= 0 || b.len > MAX_REPORT)
			break;
		mc_buf_add(&b, chunk, (size_t)n);
	}
	return mc_buf_take(&b);
}

/* Ask the queries libspf2 asked, for the log. */
static void replay(mc_resolver *r, const char *report)
{
	for (const char *line = report; line && *line;) {
		const char *end = strchr(line, '\n');
		unsigned type;
		char name[300];

		if (sscanf(line, "Q %u %299s", &type, name) == 2 && type)
			mc_dns_lookup(r, name, (uint16_t)type);
		line = end ? end + 1 : NULL;
	}
}

/* What RFC rule the two verdicts part on, when our findings tell. */
static const char *why_they_differ(const mc_spf_result *res)
{
	static const struct { const char *code, *why; } rules[] = {
		{"spf.too_many_void_lookups", N_("libspf2 does not enforce the limit of 2 void "
		 "lookups (RFC 7208 4.6.4)")},
		{"spf.too_many_lookups", N_("libspf2 does not count DNS lookups across include: "
		 "records as RFC 7208 4.6.4 requires")},
		{"spf.temperror", N_("libspf2 reports some DNS failures as none or permerror, not "
		 "temperror (RFC 7208 4.4)")},
		{"spf.syntax_error", N_("libspf2 accepts or rejects some records differently from "
		 "the RFC 7208 grammar")},
		{"spf.invalid_target", N_("libspf2 treats names that are invalid after macro "
		 "expansion differently (RFC 7208 4.8)")},
	};
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		for (size_t k = 0; k < res->findings.n; k++)
			if (strcmp(res->findings.items[k].code, rules[i].code) == 0)
				return rules[i].why;
	return NULL;
}

static void conclude(mc_spf_result *res, const char *report, int status)
{
	const char *r = strstr(report, "\nR ") ? strstr(report, "\nR ") + 1
	              : strncmp(report, "R ", 2) == 0 ? report : NULL;
	const char *e = strstr(report, "ERROR ");
	char word[32] = "", detail[64] = "";

	res->compared = true;
	if (r && sscanf(r, "R %31s %63[^\n]", word, detail) >= 1) {
		res->libspf2_result = mc_strdup(word);
		res->libspf2_detail = mc_strdup(detail);
		res->libspf2_agrees = strcmp(word, mc_verdict_name(res->verdict)) == 0;
	} else {
		const char *nl = e ? strchr(e, '\n') : NULL;

		res->libspf2_detail = e ? mc_asprintf("libspf2 aborted: %.*s",
		                                      (int)(nl ? nl - e - 6 : 200), e + 6)
		                        : mc_asprintf("libspf2 ended abnormally (status %d)", status);
		mc_finding_add(&res->findings, "spf.libspf2_aborted", MC_SEV_WARNING,
			"%s on this record: receivers built on libspf2 (Exim's SPF support, "
			"among others) may fail the same way", res->libspf2_detail);
		return;
	}
	if (!res->libspf2_agrees) {
		const char *why = why_they_differ(res);

		if (why)
			mc_finding_both(&res->findings, "spf.receivers_disagree", MC_SEV_WARNING,
				"libspf2 1.2 decides %s where RFC 7208 gives %s: receivers built on "
				"libspf2 (Exim's SPF support, among others) will decide %s; %s",
				(word, mc_verdict_name(res->verdict), word, why),
				(word, mc_verdict_name(res->verdict), word, _(why)));
		else
			mc_finding_add(&res->findings, "spf.receivers_disagree", MC_SEV_WARNING,
				"libspf2 1.2 decides %s where RFC 7208 gives %s: receivers built on "
				"libspf2 (Exim's SPF support, among others) will decide %s",
				word, mc_verdict_name(res->verdict), word);
	}
}

mc_status mc_spf_compare_libspf2(mc_resolver *r, const mc_spf_request *req, mc_spf_result *res)
{
	size_t log_start = mc_dns_log_size(r);
	int fds[2], status = 0;
	char *report;
	pid_t pid;

	if (pipe(fds) < 0)
		return mc_error_set(MC_EIO, "cannot run libspf2: %s", mc_strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return mc_error_set(MC_EIO, "cannot run libspf2: %s", mc_strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		report_fd = fds[1];
		child_resolver = r;
		child(req, res);
	}
	close(fds[1]);
	report = read_report(fds[0], pid);
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (!report)
		return mc_error_set(MC_ENOMEM, "out of memory");
	replay(r, report);
	conclude(res, report, status);
	free(report);
	return mc_dns_log_append(r, log_start, &res->dns);
}
