/*
 * mailcheck bounce [FILE|DIR|-]... [--jobs N] [--order input|completed]
 * One bounce, or many: several files, mbox files and Maildir directories
 * (cmd/input.c). Each message is held whole (GMime reads it), bounded by
 * MC_BOUNCE_MAX_BYTES, and handed to the batch runner (batch.h): --jobs
 * worker threads read them, and the reports are written in input order (or
 * as completed). With several messages JSON is one object per line; text
 * labels each message and ends with the failed recipients counted by
 * status, category and where they failed. A message that is no bounce is
 * an input error on its own, and in a batch (a mailbox holds other mail
 * too) it is reported and counted, not an error.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "common/util.h"
#include "mailcheck/bounce.h"

static const char usage[] =
	"usage: mailcheck bounce [FILE|DIR|-]... [--jobs N] [--order input|completed]";

struct run {
	struct mc_ctx *ctx;
	bool several;
	const char *what;         /* the file being read */
	mc_msg_collector col;     /* each message, whole */
	cli_batch *batch;
	/* the resolver, made when a bounce first needs one (an authentication
	 * failure to check); the workers' are its siblings */
	pthread_mutex_t resolver_lock;
	mc_resolver *r;
	bool no_resolver;
	/* the blocklists, probed when a bounce first names a listing */
	mc_bl_set *lists;
	bool lists_tried;
	/* counts over the run, in output order */
	size_t messages, with_failed, delays_only, no_failure, not_bounce, unreadable;
	struct cli_tally causes;  /* failed recipients by "status category at where" */
};

/* One message, whole. */
struct job {
	char *what;               /* the file */
	size_t in_file;           /* its number there */
	bool mbox, too_big;
	char *data;
	size_t len;
	struct cli_said *bad;     /* the stream broke off in it: why */
};

/* What one message came to, for the summary. */
enum kind { UNREADABLE, NOT_BOUNCE, WITH_FAILED, DELAYS_ONLY, NO_FAILURE };
struct outcome {
	enum kind kind;
	char **causes;            /* of its failed recipients */
	size_t n_causes;
};

/* A worker's resolver, made on first use. */
struct worker {
	mc_resolver *r;
};

static void add_cause(struct outcome *oc, const mc_bounce_rcpt *rc)
{
	const char *at = rc->recipient ? strrchr(rc->recipient, '@') : NULL;
	/* TRANSLATORS: a row of the batch summary: the status, the category
	 * (a word of the JSON) and the receiver */
	char *key = mc_asprintf(_("%s %s at %.255s"), rc->status ? rc->status : _("(no status)"),
	                        rc->category ? rc->category : "unclassified",
	                        rc->provider ? rc->provider : at ? at + 1 : _("(unknown)"));
	char **grown = key ? realloc(oc->causes, (oc->n_causes + 1) * sizeof(*grown)) : NULL;

	if (!grown) {
		free(key);
		return;
	}
	oc->causes = grown;
	oc->causes[oc->n_causes++] = key;
}

/* Why the message read is no bounce; NULL when it is one. */
static const char *no_bounce(const mc_bounce_result *res)
{
	if (!res->kind)
		return N_("no delivery status report and no failed recipient in its text");
	if (!strcmp(res->kind, "auto_reply"))
		return N_("it is an automatic reply (vacation or out of office, RFC 3834)");
	if (!strcmp(res->kind, "feedback_report"))
		return N_("it is a feedback (abuse) report (ARF)");
	if (!strcmp(res->kind, "challenge"))
		return N_("it is a challenge-response request (the receiver holds the message until "
		          "the sender confirms), not a refusal");
	return NULL;
}

static bool batch(const struct run *b, const struct job *j)
{
	return b->several || j->mbox;
}

/* "FILE" or "FILE, message N" */
static char *label(const struct job *j)
{
	return j->mbox ? mc_asprintf("%s, message %zu", j->what, j->in_file) : mc_strdup(j->what);
}

/* The message cannot be read: why (the library's last error when NULL). */
static void unreadable(struct run *b, const struct job *j, const struct cli_said *why, FILE *out,
                       FILE *err)
{
	struct cli_said last;

	if (!why) {
		cli_said_last(&last);
		why = &last;
	}
	static const char *const in_file = N_("cannot read the message in %s: %s"),
	                        *in_mbox = N_("%s, message %zu: %s");
	char *en, *tr;

	if (!batch(b, j)) {
		en = mc_asprintf(in_file, j->what, why->en);
		tr = mc_asprintf(_(in_file), j->what, why->text);
	} else if (j->mbox) {
		en = mc_asprintf(in_mbox, j->what, j->in_file, why->en);
		tr = mc_asprintf(_(in_mbox), j->what, j->in_file, why->text);
	} else {
		en = mc_asprintf("%s: %s", j->what, why->en);
		tr = mc_asprintf("%s: %s", j->what, why->text);
	}
	cli_fail_said(out, err, "input", en ? en : why->en, tr ? tr : why->text);
	free(en);
	free(tr);
}

/* The worker's resolver, a sibling of the run's (made once, by whichever
 * worker needs one first); NULL (the error said) when none can be made. */
static mc_resolver *resolver(struct run *b, struct worker *w)
{
	if (w->r)
		return w->r;
	pthread_mutex_lock(&b->resolver_lock);
	if (!b->r && !b->no_resolver)
		b->no_resolver = !(b->r = cli_resolver(b->ctx));
	if (b->r && mc_resolver_new_sibling(&w->r, b->r) != MC_OK)
		w->r = NULL;
	pthread_mutex_unlock(&b->resolver_lock);
	return w->r;
}

/* The run's blocklists, their test entries asked once (by the first worker
 * that needs them); NULL when none can be made. */
static const mc_bl_set *blocklists(struct run *b)
{
	pthread_mutex_lock(&b->resolver_lock);
	if (!b->lists_tried && b->r) {
		b->lists_tried = true;
		if (mc_bl_set_new(&b->lists, NULL) != MC_OK || cli_probe(b->lists, b->r) != MC_OK) {
			mc_bl_set_free(b->lists);
			b->lists = NULL;
		}
	}
	pthread_mutex_unlock(&b->resolver_lock);
	return b->lists;
}

/* A listing named in a reply, looked up now. */
static bool look_up_listing(struct run *b, struct worker *w, mc_bounce_result *res, FILE *out,
                            FILE *err)
{
	mc_resolver *r = resolver(b, w);

	if (!r)
		return false;
	if (mc_bounce_blocklists(r, res, blocklists(b)) != MC_OK) {
		cli_fail_last(out, err, "internal");
		return false;
	}
	mc_dns_log_rewind(r, 0);
	return true;
}

/* The message parsed: check it when authentication refused it, report it,
 * say what it came to. */
static enum kind bounce_report(struct run *b, struct worker *w, const struct job *j,
                               mc_bounce_result *res, struct outcome *oc, FILE *out, FILE *err)
{
	const char *why = no_bounce(res);
	bool text = b->ctx->render.format == MC_FORMAT_TEXT;
	size_t failed = 0, delayed = 0;

	if (why && !batch(b, j)) {
		static const char *const fmt = N_("%s is no bounce: %s");
		char *en = mc_asprintf(fmt, j->what, why), *tr = mc_asprintf(_(fmt), j->what, _(why));

		cli_fail_said(out, err, "input", en ? en : why, tr);
		free(en);
		free(tr);
		if (res->kind && text)
			mc_render(MC_RESULT_BOUNCE, res, &b->ctx->render, out);
		return NOT_BOUNCE;
	}
	/* authentication refused it: check what came back as the receiver
	 * would, or the sender's domain when nothing came back */
	if (!why && mc_bounce_auth_failure(res)) {
		mc_resolver *r = resolver(b, w);

		if (!r)
			return UNREADABLE;
		if (mc_bounce_check(r, res, b->ctx->has_now ? (time_t)b->ctx->now : 0,
		                    cli_authserv_id(b->ctx)) != MC_OK) {
			cli_fail_last(out, err, "internal");
			return UNREADABLE;
		}
		/* the queries are in the report: keep the cache, not the log */
		mc_dns_log_rewind(r, 0);
	}
	if (!why && mc_bounce_blocklisted(res) && !look_up_listing(b, w, res, out, err))
		return UNREADABLE;
	for (size_t i = 0; i < res->n_rcpts; i++) {
		const char *a = res->rcpts[i].action;

		if (!a || !strcmp(a, "failed")) {
			failed++;
			add_cause(oc, &res->rcpts[i]);
		}
		delayed += a && !strcmp(a, "delayed");
	}
	if (batch(b, j) && text) {
		char *name = label(j);

		mc_print_escaped(out, b->ctx->render.quiet ? "%s: " : "== %s\n", name);
		free(name);
	}
	if (mc_render(MC_RESULT_BOUNCE, res, &b->ctx->render, out) != MC_OK) {
		cli_fail_last(out, err, "output");
		return UNREADABLE;
	}
	if (batch(b, j) && text && !b->ctx->render.quiet)
		fputc('\n', out);
	return why ? NOT_BOUNCE : failed ? WITH_FAILED : delayed ? DELAYS_ONLY : NO_FAILURE;
}

/* One message read whole: parse, check, report (the runner's run, in a
 * worker). */
static void run_job(void *arg, void *worker, void *input, FILE *out, FILE *err, void **outcome)
{
	struct run *b = arg;
	struct job *j = input;
	struct outcome *oc = calloc(1, sizeof(*oc));
	mc_bounce_result res;
	struct worker none = {0};

	*outcome = oc;
	if (!oc) {
		mc_error_set(MC_ENOMEM, "out of memory");
		unreadable(b, j, NULL, out, err);
	} else if (j->bad) {
		unreadable(b, j, j->bad, out, err);
		oc->kind = UNREADABLE;
	} else if (j->too_big) {
		mc_error_set(MC_EPARSE, "the message is larger than %zu MiB", MC_BOUNCE_MAX_BYTES >> 20);
		unreadable(b, j, NULL, out, err);
		oc->kind = UNREADABLE;
	} else if (mc_bounce_parse(j->data, j->len, &res) != MC_OK) {
		unreadable(b, j, NULL, out, err);
		oc->kind = UNREADABLE;
	} else {
		oc->kind = bounce_report(b, worker ? worker : &none, j, &res, oc, out, err);
		mc_bounce_result_clear(&res);
	}
	mc_resolver_free(none.r);
	free(j->what);
	free(j->data);
	free(j->bad);
	free(j);
}

/* Count one message (the runner's count: in output order). */
static void count(void *arg, void *outcome)
{
	struct run *b = arg;
	struct outcome *oc = outcome;

	b->messages++;
	if (!oc) {
		b->unreadable++;
		return;
	}
	b->unreadable += oc->kind == UNREADABLE;
	b->not_bounce += oc->kind == NOT_BOUNCE;
	b->with_failed += oc->kind == WITH_FAILED;
	b->delays_only += oc->kind == DELAYS_ONLY;
	b->no_failure += oc->kind == NO_FAILURE;
	for (size_t i = 0; i < oc->n_causes; i++) {
		cli_tally_add(&b->causes, oc->causes[i]);
		free(oc->causes[i]);
	}
	free(oc->causes);
	free(oc);
}

static void *worker_new(void *arg)
{
	(void)arg;
	return calloc(1, sizeof(struct worker));
}

static void worker_free(void *arg, void *worker)
{
	struct worker *w = worker;

	(void)arg;
	if (w)
		mc_resolver_free(w->r);
	free(w);
}

/* ---- the messages, whole, to the runner ---- */

static void submit(struct run *b, const char *data, size_t len, size_t number, bool mbox,
                   bool too_big, bool bad)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j && (!(j->what = mc_strdup(b->what)) || (bad && !(j->bad = malloc(sizeof(*j->bad)))) ||
	          (len && !too_big && !(j->data = malloc(len))))) {
		free(j->what);
		free(j->bad);
		free(j);
		j = NULL;
	}
	if (!j) {
		cli_fail("internal", "%s, message %zu: out of memory", b->what, number);
		b->messages++;
		b->unreadable++;
		return;
	}
	if (j->bad)
		cli_said_last(j->bad);
	if (j->data)
		memcpy(j->data, data, len);
	j->len = too_big ? 0 : len;
	j->in_file = number;
	j->mbox = mbox;
	j->too_big = too_big;
	cli_batch_submit(b->batch, j);
}

static mc_status on_message(void *arg, const char *data, size_t len, size_t number, bool more,
                            bool too_big)
{
	struct run *b = arg;

	submit(b, data, len, number, number > 1 || more, too_big, false);
	return MC_OK;
}

static void on_file(void *arg, const char *what)
{
	mc_msg_collector *c = arg;
	struct run *b = c->arg;

	b->what = what;
	c->number = 0;
}

static void abandon(void *arg)
{
	mc_msg_collector *c = arg;
	struct run *b = c->arg;

	submit(b, NULL, 0, c->number, c->number > 1, false, true);
}

/* ---- the whole run ---- */

static void summary(struct run *b)
{
	printf(mc_ntr("%zu message: %zu with failed recipients, %zu delayed only, %zu without "
	              "failure, %zu no bounce, %zu unreadable",
	              "%zu messages: %zu with failed recipients, %zu delayed only, %zu without "
	              "failure, %zu no bounce, %zu unreadable", b->messages), b->messages,
	       b->with_failed, b->delays_only, b->no_failure, b->not_bounce, b->unreadable);
	putchar('\n');
	cli_tally_print(&b->causes, _("failed recipients, by status, category and where:"));
}

int cmd_bounce(int argc, char **argv, struct mc_ctx *ctx)
{
	const char *jobs_s = NULL, *order = NULL;
	const struct cli_opt opts[] = {{.name = "--jobs", .value = &jobs_s},
	                               {.name = "--order", .value = &order}, {0}};
	int n = cli_args(argc, argv, opts, 0, 100000, usage), rc;
	struct run b = {.ctx = ctx,
	                .col = {.max = MC_BOUNCE_MAX_BYTES, .message = on_message}};
	struct cli_messages m = {{0}, on_file, abandon, 0};
	struct cli_batch_ops ops = {.arg = &b, .worker_new = worker_new, .worker_free = worker_free,
	                            .run = run_job, .count = count, .unit = "messages",
	                            .handover = 8};
	size_t jobs = 1;
	bool in_order = true, written;

	if (n < 0 || (jobs_s && cli_jobs("bounce", jobs_s, &jobs) < 0) ||
	    (order && cli_order("bounce", order, &in_order) < 0))
		return EXIT_USAGE;
	b.col.arg = &b;
	m.sink = mc_msg_collector_sink(&b.col);
	b.several = ops.progress = cli_inputs_several(n, argv);
	pthread_mutex_init(&b.resolver_lock, NULL);
	if (!(b.batch = cli_batch_start(&ops, jobs, in_order, 0))) {
		pthread_mutex_destroy(&b.resolver_lock);
		return EXIT_USAGE;
	}
	for (int i = n ? 1 : 0; i <= n; i++)
		cli_read_messages(&m, n ? argv[i] : "-");
	written = cli_batch_finish(b.batch);
	if (!written)
		cli_fail("output", "cannot write to standard output");
	b.unreadable += m.unreadable;
	if (b.messages > 1 && ctx->render.format == MC_FORMAT_TEXT)
		summary(&b);
	if (b.messages == b.not_bounce && (b.messages > 1 || !b.messages) && !b.unreadable) {
		if (b.messages)
			cli_fail("input", "none of the messages is a bounce");
		else
			cli_fail("input", "no message in the input");
	}
	if (!written || b.unreadable || b.messages == b.not_bounce)
		rc = EXIT_USAGE;
	else
		rc = b.with_failed ? EXIT_NOT_PASSED : EXIT_PASS;
	cli_tally_free(&b.causes);
	mc_msg_collector_free(&b.col);
	mc_bl_set_free(b.lists);
	pthread_mutex_destroy(&b.resolver_lock);
	return rc;
}
