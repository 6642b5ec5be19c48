/*
 * mailcheck bounce [FILE|DIR|-]...
 * One bounce, or many: several files, mbox files and Maildir directories
 * (cmd/input.c). Each message is held whole (GMime reads it), bounded by
 * MC_BOUNCE_MAX_BYTES. With several messages JSON is one object per line;
 * text labels each message and ends with the failed recipients counted by
 * status, category and where they failed. A message that is no bounce is
 * an input error on its own, and in a batch (a mailbox holds other mail
 * too) it is reported and counted, not an error.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/util.h"
#include "mailcheck/bounce.h"

static const char usage[] = "usage: mailcheck bounce [FILE|DIR|-]...";


struct run {
	struct mc_ctx *ctx;
	mc_resolver *r;
	bool several, mbox;
	const char *what;
	size_t in_file;
	mc_msg_collector col;     /* each message, whole */
	/* counts over the run */
	size_t messages, with_failed, delays_only, no_failure, not_bounce, unreadable;
	struct cli_tally causes;  /* failed recipients by "status category at where" */
};

static void add_cause(struct run *b, const mc_bounce_rcpt *rc)
{
	const char *at = rc->recipient ? strrchr(rc->recipient, '@') : NULL;
	char *key = mc_asprintf("%s %s at %.255s", rc->status ? rc->status : "(no status)",
	                        rc->category ? rc->category : "unclassified",
	                        rc->provider ? rc->provider : at ? at + 1 : "(unknown)");

	if (key)
		cli_tally_add(&b->causes, key);
	free(key);
}

/* Why the message read is no bounce; NULL when it is one. */
static const char *no_bounce(const mc_bounce_result *res)
{
	if (!res->kind)
		return "no delivery status report and no failed recipient in its text";
	if (!strcmp(res->kind, "auto_reply"))
		return "it is an automatic reply (vacation or out of office, RFC 3834)";
	if (!strcmp(res->kind, "feedback_report"))
		return "it is a feedback (abuse) report (ARF)";
	if (!strcmp(res->kind, "challenge"))
		return "it is a challenge-response request (the receiver holds the message until "
		       "the sender confirms), not a refusal";
	return NULL;
}

static bool batch(const struct run *b)
{
	return b->several || b->mbox;
}

/* "FILE" or "FILE, message N" */
static char *label(const struct run *b)
{
	return b->mbox ? mc_asprintf("%s, message %zu", b->what, b->in_file) : mc_strdup(b->what);
}

static void unreadable(struct run *b, const char *why)
{
	char *name = label(b);
	char *msg = batch(b) ? mc_asprintf("%s: %s", name, why)
	                     : mc_asprintf("cannot read the message in %s: %s", b->what, why);

	cli_fail("input", "%s", msg ? msg : why);
	free(msg);
	free(name);
	b->unreadable++;
}

/* One message read whole: parse, check, report, count. */
static mc_status one(struct run *b, const char *data, size_t len, bool too_big)
{
	mc_bounce_result res;
	const char *why;
	bool text = b->ctx->render.format == MC_FORMAT_TEXT;

	b->messages++;
	if (too_big) {
		char why_big[80];

		snprintf(why_big, sizeof(why_big), "the message is larger than %zu MiB",
		         MC_BOUNCE_MAX_BYTES >> 20);
		unreadable(b, why_big);
		return MC_OK;
	}
	if (mc_bounce_parse(data, len, &res) != MC_OK) {
		unreadable(b, mc_error_last());
		return MC_OK;
	}
	if ((why = no_bounce(&res)) && !batch(b)) {
		cli_fail("input", "%s is no bounce: %s", b->what, why);
		if (res.kind && text)
			mc_render(MC_RESULT_BOUNCE, &res, &b->ctx->render, stdout);
		mc_bounce_result_clear(&res);
		b->not_bounce++;
		return MC_OK;
	}
	/* authentication refused it: check what came back as the receiver
	 * would, or the sender's domain when nothing came back */
	if (!why && mc_bounce_auth_failure(&res)) {
		mc_status st;

		if (!b->r && !(b->r = cli_resolver(b->ctx))) { /* the error is said */
			mc_bounce_result_clear(&res);
			b->unreadable++;
			return MC_OK;
		}
		st = mc_bounce_check(b->r, &res, b->ctx->has_now ? (time_t)b->ctx->now : 0,
		                     cli_authserv_id(b->ctx));
		if (st != MC_OK) {
			mc_bounce_result_clear(&res);
			return st;
		}
	}
	size_t failed = 0, delayed = 0;

	for (size_t i = 0; i < res.n_rcpts; i++) {
		const char *a = res.rcpts[i].action;

		if (!a || !strcmp(a, "failed")) {
			failed++;
			add_cause(b, &res.rcpts[i]);
		}
		delayed += a && !strcmp(a, "delayed");
	}
	if (why)
		b->not_bounce++;
	else if (failed)
		b->with_failed++;
	else if (delayed)
		b->delays_only++;
	else
		b->no_failure++;
	if (batch(b) && text) {
		char *name = label(b);

		mc_print_escaped(stdout, b->ctx->render.quiet ? "%s: " : "== %s\n", name);
		free(name);
	}
	if (mc_render(MC_RESULT_BOUNCE, &res, &b->ctx->render, stdout) != MC_OK) {
		cli_fail("output", "%s", mc_error_last());
		b->unreadable++;
	}
	if (batch(b) && text && !b->ctx->render.quiet)
		putchar('\n');
	if (b->r) /* the queries are in the report: keep the cache, not the log */
		mc_dns_log_rewind(b->r, 0);
	mc_bounce_result_clear(&res);
	return MC_OK;
}

/* ---- the messages, whole ---- */

static mc_status on_message(void *arg, const char *data, size_t len, size_t number, bool more,
                            bool too_big)
{
	struct run *b = arg;

	b->in_file = number;
	b->mbox = number > 1 || more;
	return one(b, data, len, too_big);
}

static void on_file(void *arg, const char *what)
{
	mc_msg_collector *c = arg;
	struct run *b = c->arg;

	b->what = what;
	b->in_file = c->number = 0;
	b->mbox = false;
}

static void abandon(void *arg)
{
	struct run *b = ((mc_msg_collector *)arg)->arg;

	b->messages++;
	unreadable(b, mc_error_last());
}

/* ---- the whole run ---- */

static void summary(struct run *b)
{
	printf("%zu messages: %zu with failed recipients, %zu delayed only, %zu without failure, "
	       "%zu no bounce, %zu unreadable\n", b->messages, b->with_failed, b->delays_only,
	       b->no_failure, b->not_bounce, b->unreadable);
	cli_tally_print(&b->causes, "failed recipients, by status, category and where:");
}

int cmd_bounce(int argc, char **argv, struct mc_ctx *ctx)
{
	const struct cli_opt opts[] = {{0}};
	int n = cli_args(argc, argv, opts, 0, 100000, usage), rc;
	struct run b = {.ctx = ctx,
	                .col = {.max = MC_BOUNCE_MAX_BYTES, .message = on_message}};
	struct cli_messages m = {{0}, on_file, abandon, 0};

	if (n < 0)
		return EXIT_USAGE;
	b.col.arg = &b;
	m.sink = mc_msg_collector_sink(&b.col);
	b.several = cli_inputs_several(n, argv);
	for (int i = n ? 1 : 0; i <= n; i++)
		cli_read_messages(&m, n ? argv[i] : "-");
	b.unreadable += m.unreadable;
	if (b.messages > 1 && ctx->render.format == MC_FORMAT_TEXT)
		summary(&b);
	if (b.messages == b.not_bounce && (b.messages > 1 || !b.messages) && !b.unreadable)
		cli_fail("input", "%s", b.messages ? "none of the messages is a bounce"
		                        : "no message in the input");
	if (b.unreadable || b.messages == b.not_bounce)
		rc = EXIT_USAGE;
	else
		rc = b.with_failed ? EXIT_NOT_PASSED : EXIT_PASS;
	cli_tally_free(&b.causes);
	mc_msg_collector_free(&b.col);
	return rc;
}
