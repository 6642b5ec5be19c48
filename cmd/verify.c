/*
 * mailcheck verify [FILE|DIR|-]... [--ip IP] [--helo NAME] [--mail-from ADDR]
 *                  [--trust HOST]... [--compare] [--jobs N]
 *                  [--requirements gmail|yahoo|microsoft|all]
 * Several messages: several files, mbox files (RFC 4155, recognised by
 * their first "From " line) and Maildir directories (cur/ and new/). JSON is
 * then one object per line (NDJSON); text ends with a summary that groups
 * the failures by From domain and cause, most first.
 * One message at a time (the default) streams each message through the
 * verifier with one DNS cache for all. With --jobs N, the input is split
 * into messages by this thread and handed to the batch runner (batch.h):
 * N worker threads (a resolver each, sharing the zone data) verify them,
 * and the reports are written in input order (or as completed, --order)
 * with a bounded number in flight, so memory stays bounded.
 */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "common/util.h"
#include "mailcheck/verify.h"

#define MAX_TRUST 32
/* with --jobs a message is held whole until a worker takes it */
#define MAX_JOB_BYTES ((size_t)64 << 20)

static const char usage[] =
	"usage: mailcheck verify [FILE|DIR|-]... [--ip IP] [--helo NAME] [--mail-from ADDR] "
	"[--trust HOST]... [--compare] [--jobs N] [--order input|completed] "
	"[--requirements gmail|yahoo|microsoft|all] [--no-blocklists] [--links]";

struct tally {
	mc_page *page;        /* --html: each message's section, in input order */
	size_t messages, pass, fail, temperror, unreadable;
	struct cli_tally causes;  /* "from domain: cause" of those that did not pass */
};

/* What one message came to, for the tally. */
struct outcome {
	int rc;               /* exit code of the message; EXIT_USAGE: unreadable */
	char *from, *cause;   /* when it did not pass */
	char *html;           /* --html: its section */
};

struct job;

struct one {
	struct mc_ctx *ctx;
	mc_resolver *r;
	const mc_verify_request *req;
	mc_verifier *v;
	mc_msg_reader *rd;
	const char *what;
	size_t in_file;      /* message number inside the file */
	bool several;        /* more than one message in all: label text output */
	struct tally *tally;
	bool mbox;           /* the file is an mbox of several messages: label by number */
	struct cli_said bad; /* why the current message cannot be read, "" if it can */
	cli_batch *batch;    /* --jobs: messages go to the workers */
	struct job *job;     /* --jobs: the message being collected */
};

/* ---- the report of one message, wherever it is written ---- */

static void count(struct tally *t, struct outcome *oc)
{
	t->messages++;
	if (oc->rc == EXIT_USAGE)
		t->unreadable++;
	else if (oc->rc == EXIT_PASS)
		t->pass++;
	else if (oc->rc == EXIT_TEMP)
		t->temperror++;
	else
		t->fail++;
	if (oc->rc != EXIT_PASS && oc->rc != EXIT_USAGE && oc->cause) {
		char *key = mc_asprintf("%s: %s", oc->from ? oc->from : _("(no single From)"),
		                        oc->cause);

		if (key)
			cli_tally_add(&t->causes, key);
		free(key);
	}
	if (t->page && oc->html)
		mc_page_add_section(t->page, oc->html);
	free(oc->from);
	free(oc->cause);
	free(oc->html);
	oc->from = oc->cause = oc->html = NULL;
}

/* Write the report of a message -- its result, or why it cannot be read
 * (why != NULL) -- to out, with diagnostics to err. */
static void report(const struct mc_ctx *ctx, const char *what, size_t in_file, bool several,
                   bool mbox, const mc_verify_result *res, const struct cli_said *why,
                   FILE *out, FILE *err, struct outcome *oc)
{
	bool text = ctx->render.format == MC_FORMAT_TEXT, quiet = ctx->render.quiet;

	memset(oc, 0, sizeof(*oc));
	if (why) {
		const char *fmt = in_file > 1 || several || mbox ? N_("%s, message %zu: %s")
		                                                 : N_("cannot read the message in %s: %s");
		char *en = in_file > 1 || several || mbox ? mc_asprintf(fmt, what, in_file, why->en)
		                                          : mc_asprintf(fmt, what, why->en);
		char *tr = in_file > 1 || several || mbox ? mc_asprintf(_(fmt), what, in_file, why->text)
		                                          : mc_asprintf(_(fmt), what, why->text);

		mc_print_escaped(err, "mailcheck: %s %s\n", _("error:"), tr ? tr : why->text);
		if (!text) {
			fflush(out);
			mc_render_error("verify", "input", en ? en : why->en, out);
		}
		free(en);
		free(tr);
		oc->rc = EXIT_USAGE;
		return;
	}
	/* several messages: a label line, or with --quiet the label before the
	 * verdict, one line per message */
	if ((several || mbox) && text)
		mc_print_escaped(out, quiet ? "%s%s%.0zu: " : "== %s%s%.0zu\n", what,
		        mbox ? ", message " : "", mbox ? in_file : 0);
	if (mc_render(MC_RESULT_VERIFY, res, &ctx->render, out) != MC_OK) {
		cli_fail_last(out, err, "output");
		oc->rc = EXIT_USAGE;
		return;
	}
	if (ctx->page) { /* labelled as the text is: the file, and the message in an mbox */
		char *section = mc_render_html(MC_RESULT_VERIFY, res), *name = mc_html_escaped(what);

		oc->html = mc_asprintf("<p class=\"input\">%s%s%.0zu</p>%s", name ? name : "",
		                       mbox ? ", message " : "", mbox ? in_file : 0,
		                       section ? section : "");
		free(section);
		free(name);
	}
	oc->rc = mc_verdict_exit_code(res->verdict);
	if (oc->rc == EXIT_PASS && res->requirements.failed) /* --requirements: a rule fails */
		oc->rc = EXIT_NOT_PASSED;
	if (oc->rc != EXIT_PASS) {
		oc->from = res->from_domain ? strdup(res->from_domain) : NULL;
		oc->cause = res->cause ? strdup(MC_OR(res->cause_text, res->cause))
		          : res->requirements.failed ? strdup(_("bulk-sender requirements not met"))
		          : NULL;
	}
	if ((several || mbox) && text && !quiet)
		fputc('\n', out);
}

/* Verify what rd has read (or say why it cannot be read) and report it. */
static mc_status finish_one(const struct mc_ctx *ctx, mc_resolver *r, mc_verifier *v,
                            mc_msg_reader *rd, const struct cli_said *bad, const char *what,
                            size_t in_file, bool several, bool mbox, FILE *out, FILE *err,
                            struct outcome *oc)
{
	mc_verify_result res = {0};
	mc_message msg = {0};
	mc_status st = bad->en[0] ? MC_EPARSE : mc_msg_finish(rd, &msg);
	struct cli_said last;

	if (st == MC_OK)
		st = mc_verify_finish(v, &msg, &res);
	mc_message_clear(&msg);
	if (st == MC_ENOMEM)
		return st;
	if (st != MC_OK)
		cli_said_last(&last);
	report(ctx, what, in_file, several, mbox, st == MC_OK ? &res : NULL,
	       st == MC_OK ? NULL : bad->en[0] ? bad : &last, out, err, oc);
	mc_verify_result_clear(&res);
	/* the message's queries are in its result: the resolver need not keep
	 * them (its cache stays), so a long batch runs in flat memory */
	mc_dns_log_rewind(r, 0);
	return MC_OK;
}

/* ---- --jobs: each message whole, verified by a worker ---- */

struct job {
	char *what;
	size_t in_file;
	bool mbox;
	char *bytes;
	size_t len, cap;
	struct cli_said bad;
};

static void job_free(struct job *j)
{
	if (!j)
		return;
	free(j->what);
	free(j->bytes);
	free(j);
}

/* Verify one message whole (the runner's run, in a worker). */
static void run_job(void *arg, void *worker, void *input, FILE *out, FILE *err, void **outcome)
{
	struct one *o = arg;
	struct job *j = input;
	struct outcome *oc = calloc(1, sizeof(*oc));
	mc_verifier *v = NULL;
	mc_msg_reader *rd = NULL;
	mc_status st = worker ? MC_OK : mc_error_set(MC_ENOMEM, "cannot make a resolver");

	*outcome = oc;
	if (!oc) {
		mc_print_escaped(err, "mailcheck: error: %s\n", "out of memory");
		job_free(j);
		return;
	}
	if (st == MC_OK)
		st = mc_verifier_new(&v, worker, o->req);
	if (st == MC_OK)
		st = mc_msg_reader_new(&rd, NULL, mc_verify_headers, mc_verify_body, v);
	if (st == MC_OK && !j->bad.en[0] && (st = mc_msg_push(rd, j->bytes, j->len)) == MC_EPARSE) {
		cli_said_last(&j->bad);
		st = MC_OK;
	}
	if (st == MC_OK)
		st = finish_one(o->ctx, worker, v, rd, &j->bad, j->what, j->in_file, o->several, j->mbox,
		                out, err, oc);
	if (st != MC_OK) {
		cli_fail_last(out, err, "internal");
		oc->rc = EXIT_USAGE;
	}
	mc_msg_reader_free(rd);
	mc_verifier_free(v);
	job_free(j);
}

/* Count one message (the runner's count: in output order). */
static void count_job(void *arg, void *outcome)
{
	struct one *o = arg;
	struct outcome none = {.rc = EXIT_USAGE};

	count(o->tally, outcome ? outcome : &none);
	free(outcome);
}

/* ---- reading the input: message by message ---- */

static mc_status begin(void *arg)
{
	struct one *o = arg;
	mc_status st;

	o->in_file++;
	o->mbox = false;
	o->bad.en[0] = o->bad.text[0] = '\0';
	if (o->batch) {
		if (!(o->job = calloc(1, sizeof(*o->job))) || !(o->job->what = strdup(o->what))) {
			job_free(o->job);
			o->job = NULL;
			return mc_error_set(MC_ENOMEM, "out of memory");
		}
		o->job->in_file = o->in_file;
		return MC_OK;
	}
	st = mc_verifier_new(&o->v, o->r, o->req);
	if (st == MC_OK)
		st = mc_msg_reader_new(&o->rd, NULL, mc_verify_headers, mc_verify_body, o->v);
	return st;
}

/* A message that breaks a reader limit or is not a message is skipped to
 * its end (the next mbox separator), so that the others are still checked. */
/* --jobs: the bytes kept for the worker, at most MAX_JOB_BYTES a message. */
static mc_status job_append(struct job *j, const char *buf, size_t len)
{
	if (j->bad.en[0])
		return MC_OK;
	if (j->len + len > MAX_JOB_BYTES) {
		mc_error_set(MC_EPARSE, "the message is larger than %zu MiB, which --jobs holds in "
		             "memory; check it without --jobs", MAX_JOB_BYTES >> 20);
		cli_said_last(&j->bad);
		free(j->bytes);
		j->bytes = NULL;
		j->len = j->cap = 0;
		return MC_OK;
	}
	if (mc_grow(&j->bytes, &j->cap, j->len + len, 1) < 0)
		return mc_error_set(MC_ENOMEM, "out of memory");
	memcpy(j->bytes + j->len, buf, len);
	j->len += len;
	return MC_OK;
}

static mc_status push(void *arg, const char *buf, size_t len)
{
	struct one *o = arg;
	mc_status st;

	if (o->batch)
		return job_append(o->job, buf, len);
	if (o->bad.en[0])
		return MC_OK;
	st = mc_msg_push(o->rd, buf, len);
	if (st == MC_EPARSE) {
		cli_said_last(&o->bad);
		return MC_OK;
	}
	return st;
}

/* The end of one message: verify, print, count (or hand it to the workers). */
static mc_status end(void *arg, bool more)
{
	struct one *o = arg;
	struct outcome oc;
	mc_status st;

	o->mbox = o->in_file > 1 || more;
	if (o->batch) {
		o->job->mbox = o->mbox;
		cli_batch_submit(o->batch, o->job);
		o->job = NULL;
		return MC_OK;
	}
	st = finish_one(o->ctx, o->r, o->v, o->rd, &o->bad, o->what, o->in_file, o->several,
	                o->mbox, stdout, stderr, &oc);
	mc_msg_reader_free(o->rd);
	mc_verifier_free(o->v);
	o->rd = NULL;
	o->v = NULL;
	if (st != MC_OK)
		return st;
	count(o->tally, &oc);
	return MC_OK;
}

/* A stream that could not be read to its end (an I/O error, or the mbox
 * reader's own error): the message begun is reported as unreadable. */
static void abandon(void *arg)
{
	struct one *o = arg;
	struct outcome oc;

	if (o->batch && o->job) {
		if (!o->job->bad.en[0])
			cli_said_last(&o->job->bad);
		o->job->mbox = o->mbox;
		cli_batch_submit(o->batch, o->job);
		o->job = NULL;
		return;
	}
	if (!o->rd)
		return;
	mc_msg_reader_free(o->rd);
	mc_verifier_free(o->v);
	o->rd = NULL;
	o->v = NULL;
	if (!o->bad.en[0])
		cli_said_last(&o->bad);
	report(o->ctx, o->what, o->in_file, o->several, o->mbox, NULL, &o->bad, stdout, stderr,
	       &oc);
	count(o->tally, &oc);
}

static void on_file(void *arg, const char *what)
{
	struct one *o = arg;

	o->what = what;
	o->in_file = 0;
}

static void read_path(struct one *o, const char *path)
{
	struct cli_messages m = {{begin, push, end, o}, on_file, abandon, 0};

	cli_read_messages(&m, path);
	o->tally->unreadable += m.unreadable;
}

/* ---- the whole run ---- */

static int exit_status(const struct tally *t)
{
	if (t->unreadable)
		return EXIT_USAGE;
	if (t->temperror)
		return EXIT_TEMP;
	return t->fail || t->messages == 0 ? EXIT_NOT_PASSED : EXIT_PASS;
}

/* Text, several messages: the counts, then the failures grouped by From
 * domain and cause, biggest first. */
static void summary(struct tally *t)
{
	printf(mc_ntr("%zu message: %zu pass, %zu fail, %zu temperror, %zu unreadable\n",
	              "%zu messages: %zu pass, %zu fail, %zu temperror, %zu unreadable\n",
	              t->messages), t->messages, t->pass, t->fail, t->temperror, t->unreadable);
	cli_tally_print(&t->causes, _("not passed, by From domain and cause:"));
}

static void tally_free(struct tally *t)
{
	cli_tally_free(&t->causes);
}

/* --jobs N: the runner and its workers, the input read here. */
static bool run_batch(struct one *o, size_t n_jobs, bool in_order, char **argv, int n)
{
	const struct cli_batch_ops ops = {.arg = o, .resolver = o->r, .run = run_job,
	                                  .count = count_job, .unit = "messages",
	                                  .progress = o->several, .handover = 8};
	bool written;

	if (!(o->batch = cli_batch_start(&ops, n_jobs, in_order, 0)))
		return false;
	if (n == 0)
		read_path(o, "-");
	for (int i = 1; i <= n; i++)
		read_path(o, argv[i]);
	written = cli_batch_finish(o->batch);
	o->batch = NULL;
	if (!written)
		cli_fail("output", "cannot write to standard output");
	return written;
}

/* The option values that need checking, into req and o; -1 on a usage
 * error (said). */
static int verify_options(const char *jobs_s, const char *order, const char *reqs, bool links,
                          bool no_blocklists, mc_verify_request *req, size_t *jobs,
                          bool *in_order)
{
	if ((jobs_s && cli_jobs("verify", jobs_s, jobs) < 0) ||
	    (order && cli_order("verify", order, in_order) < 0) ||
	    (reqs && cli_requirements("verify", reqs, &req->requirements) < 0))
		return -1;
	if (links && no_blocklists) {
		cli_error("verify: --links looks the links' domains up in the blocklists; "
		          "it cannot go with --no-blocklists");
		return -1;
	}
#ifdef MC_HELPER /* GMime reads the parts: mailcheck runs the helper for --links */
	req->links = links ? mc_verify_links_read : NULL;
#else
	if (links) {
		cli_fail("internal", "verify --links runs in mailcheck-helper");
		return -1;
	}
#endif
	return 0;
}

int cmd_verify(int argc, char **argv, struct mc_ctx *ctx)
{
	const char *trust[MAX_TRUST + 1] = {0}, *jobs_s = NULL, *reqs = NULL, *order = NULL;
	size_t n_trust = 0;
	bool no_blocklists = false, links = false;
	mc_bl_set *lists = NULL;
	mc_verify_request req = {.trusted = trust};
	const struct cli_opt opts[] = {
		{.name = "--ip", .value = &req.ip}, {.name = "--helo", .value = &req.helo},
		{.name = "--mail-from", .value = &req.mail_from},
		{.name = "--trust", .list = trust, .n_list = &n_trust, .max_list = MAX_TRUST},
		{.name = "--compare", .flag = &req.compare},
		{.name = "--jobs", .value = &jobs_s}, {.name = "--order", .value = &order},
		{.name = "--requirements", .value = &reqs},
		{.name = "--no-blocklists", .flag = &no_blocklists},
		{.name = "--links", .flag = &links},
		{0},
	};
	int n = cli_args(argc, argv, opts, 0, 100000, usage), rc;
	size_t jobs = 1;
	bool in_order = true;
	struct tally tally = {.page = ctx->page};
	struct one o = {.ctx = ctx, .req = &req, .tally = &tally};
	if (n < 0 ||
	    verify_options(jobs_s, order, reqs, links, no_blocklists, &req, &jobs, &in_order) < 0 ||
	    !(o.r = cli_resolver(ctx)))
		return EXIT_USAGE;
	req.authserv_id = cli_authserv_id(ctx);
	req.now = ctx->has_now ? (time_t)ctx->now : 0;
	/* the blocklists' test entries, once for the run */
	if (!no_blocklists && mc_bl_set_new(&lists, NULL) == MC_OK &&
	    cli_probe(lists, o.r) == MC_OK) {
		req.blocklists = lists;
		mc_resolver_forget(o.r);
	}
	o.several = cli_inputs_several(n, argv);
	if (jobs > 1) {
		if (!run_batch(&o, jobs, in_order, argv, n)) {
			tally_free(&tally);
			mc_bl_set_free(lists);
			return EXIT_USAGE;
		}
	} else {
		if (n == 0)
			read_path(&o, "-");
		for (int i = 1; i <= n; i++)
			read_path(&o, argv[i]);
	}
	if (tally.messages > 1 && ctx->render.format == MC_FORMAT_TEXT)
		summary(&tally);
	rc = exit_status(&tally);
	tally_free(&tally);
	mc_bl_set_free(lists);
	return rc;
}
