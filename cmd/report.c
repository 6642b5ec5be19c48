/*
 * mailcheck report FILE...|DIR|-  [--no-lookups]
 * DMARC aggregate reports (XML, .xml.gz, .zip, or mailed), DMARC failure
 * reports (ARF) and SMTP TLS reports (JSON, plain or gzip). A directory is
 * read whole (its files in name order, subdirectories too -- a Maildir's
 * cur/ and new/ among them, not its tmp/). Every input is read as it
 * streams into one summary; one that cannot be read is named, and the rest
 * are still read.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "common/util.h"
#include "mailcheck/feedback.h"
#include "mailcheck/msg.h"
#include "mailcheck/net.h"
#include "mailcheck/store.h"

#define MAX_DEPTH 8 /* directories inside directories */

static const char usage[] =
	"usage: mailcheck report FILE...|DIR|-|imaps://USER@HOST/MAILBOX [--no-lookups] "
	"[--db URL] [--move-to FOLDER] [--allow-private] [--ca-file PEM] [--net-timeout S]\n"
	"       mailcheck report --db URL [--since 30d|DATE] [--until 30d|DATE] [--domain D]";

static mc_status read_path(mc_feedback *f, const char *path, int depth, size_t *unopened);

static mc_status read_dir(mc_feedback *f, const char *dir, int depth, size_t *unopened)
{
	char **names;
	long n = cli_dir_list(dir, &names);
	mc_status st = MC_OK;

	if (n < 0) {
		cli_fail("input", "cannot read the directory '%s': %s", dir, mc_strerror(errno));
		(*unopened)++;
		return MC_OK;
	}
	for (long i = 0; i < n && st == MC_OK; i++) {
		const char *base = strrchr(names[i], '/') + 1;
		struct stat sb;

		/* a Maildir's tmp/ holds mail still being written */
		if (!strcmp(base, "tmp") && stat(names[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			continue;
		st = read_path(f, names[i], depth + 1, unopened);
	}
	cli_dir_free(names, n);
	return st;
}

static mc_status read_path(mc_feedback *f, const char *path, int depth, size_t *unopened)
{
	struct stat sb;
	const char *what;
	FILE *fp;
	mc_status st;

	if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if (depth >= MAX_DEPTH) {
			cli_fail("input", "%s: directories nest more than %d deep; not read", path,
			         MAX_DEPTH);
			(*unopened)++;
			return MC_OK;
		}
		return read_dir(f, path, depth, unopened);
	}
	if (!(fp = cli_open_input(path, &what))) {
		(*unopened)++;
		return MC_OK;
	}
	st = mc_feedback_add_stream(f, fp, what);
	if (fp != stdin)
		fclose(fp);
	return st;
}

struct report_opts {
	bool no_lookups;
	const char *db, *since, *until, *domain, *move_to, *net_timeout;
	mc_net_opts net;
	mc_store_period period;
	size_t inputs, mailboxes, mailbox_messages; /* read: all, mailboxes, their messages */
	char *domain_lower;
};

/* The summary, and the exit status: 2 when an input was not read, or
 * nothing was. */
static int report_output(mc_feedback_result *res, const struct report_opts *o, size_t unopened,
                         struct mc_ctx *ctx)
{
	int rc;

	/* mailboxes only, and nothing new in them: a run from cron that found
	 * nothing to do */
	if (!unopened && o->inputs && o->mailboxes == o->inputs && !o->mailbox_messages) {
		if (ctx->render.format == MC_FORMAT_TEXT)
			printf("no new message in the mailbox%s\n", o->mailboxes == 1 ? "" : "es");
		else
			cli_output(MC_RESULT_FEEDBACK, res, res->verdict, ctx);
		return EXIT_PASS;
	}

	/* each input not read is named on standard error too */
	for (size_t i = 0; i < res->n_unreadable; i++)
		mc_print_escaped(stderr, "mailcheck: warning: %s: %s\n", res->unreadable[i].what,
		                 res->unreadable[i].why);
	/* nothing read at all, but messages without a report: an input error
	 * (with --json the error object alone, as bounce does) */
	if (res->verdict == MC_VERDICT_NONE && res->skipped_total && !res->unreadable_total) {
		if (ctx->render.format == MC_FORMAT_TEXT)
			cli_output(MC_RESULT_FEEDBACK, res, res->verdict, ctx);
		if (res->skipped_total == 1)
			cli_fail("input", "no report in the %llu message read", 1ULL);
		else
			cli_fail("input", "no report in the %llu messages read",
			         (unsigned long long)res->skipped_total);
		return EXIT_USAGE;
	}
	if (res->verdict == MC_VERDICT_NONE && res->history) {
		cli_fail("database", "no report in the database for this period");
		return EXIT_USAGE;
	}
	if (ctx->render.format == MC_FORMAT_CSV)
		mc_render_csv_header(MC_RESULT_FEEDBACK, stdout);
	rc = cli_output(MC_RESULT_FEEDBACK, res, res->verdict, ctx);
	if (rc != EXIT_USAGE && (unopened || res->unreadable_total || res->verdict == MC_VERDICT_NONE))
		rc = EXIT_USAGE;
	return rc;
}

/* --since / --until: "30d", "12w" (before now) or a date (RFC 3339 or
 * RFC 5322, as --now takes). 0 when not given; -1 after the error. */
static long long when(const char *opt, const char *v, const struct mc_ctx *ctx)
{
	char *end;
	long long n, t;

	if (!v)
		return 0;
	n = strtoll(v, &end, 10);
	if (end != v && n >= 0 && n <= 36500 && (!strcmp(end, "d") || !strcmp(end, "w")))
		return cli_now(ctx) - n * 86400 * (*end == 'w' ? 7 : 1);
	if ((t = mc_time_parse(v)) > 0)
		return t;
	cli_error("report: invalid value '%s' for %s: give days (30d), weeks (12w) or a date "
	          "(2026-11-01)", v, opt);
	return -1;
}


/* The options that only mean something with --db, or with a mailbox. */
static int check_options(struct report_opts *o, int n, char **argv, const struct mc_ctx *ctx)
{
	if ((o->period.since = when("--since", o->since, ctx)) < 0 ||
	    (o->period.until = when("--until", o->until, ctx)) < 0)
		return -1;
	if (!o->db && (o->since || o->until || o->domain)) {
		cli_error("report: --since, --until and --domain choose reports from a database: "
		          "give --db too");
		return -1;
	}
	if (!o->db && n == 0) {
		cli_error("%s", usage);
		return -1;
	}
	if (n && (o->since || o->until || o->domain)) {
		cli_error("report: --since, --until and --domain summarise the database; give "
		          "them without inputs (the inputs given are summarised whole)");
		return -1;
	}
	/* domains are kept in lower case, as the reports' reader gives them */
	if (o->domain && !(o->period.domain = o->domain_lower = mc_strdup(o->domain)))
		return -1;
	for (char *p = o->domain_lower; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	(void)argv;
	return cli_net_options("report", NULL, NULL, o->net_timeout, &o->net);
}

/* The messages of a mailbox not read before (with a database: past the
 * last UID it stored, while the UIDVALIDITY is the same), each read as a
 * message; moved after when --move-to says so. One message in memory at a
 * time. */
static mc_status report_mailbox(mc_feedback *f, const char *url, struct report_opts *o,
                                mc_store *db, mc_resolver *r, size_t *unopened)
{
	uint64_t validity = 0, stored_validity = 0, last = 0, *uids = NULL;
	size_t n = 0;
	mc_imap *m = NULL;
	mc_status st = mc_imap_open(&m, r, url, &o->net, o->move_to != NULL, &validity);

	if (st == MC_OK && db && (st = mc_store_mailbox_get(db, mc_imap_key(m), &stored_validity,
	                                                    &last)) == MC_OK &&
	    stored_validity != validity)
		last = 0; /* the UIDs were renumbered (RFC 9051 2.3.1.1): read it all again */
	if (st == MC_OK)
		st = mc_imap_uids(m, last, &uids, &n);
	o->mailboxes++;
	o->mailbox_messages += n;
	for (size_t i = 0; i < n && st == MC_OK; i++) {
		char *data, *what;
		size_t len;

		if ((st = mc_imap_fetch(m, uids[i], &data, &len)) != MC_OK)
			break;
		what = mc_asprintf("%s, UID %llu", mc_imap_key(m), (unsigned long long)uids[i]);
		st = mc_feedback_add_bytes(f, data, len, what ? what : url);
		free(data);
		free(what);
		if (st == MC_OK && o->move_to)
			st = mc_imap_move(m, uids[i], o->move_to);
		if (st == MC_OK && db)
			st = mc_store_mailbox_set(db, mc_imap_key(m), validity, uids[i]);
	}
	free(uids);
	mc_imap_close(m);
	/* a mailbox that cannot be read is named, as a file would be */
	if (st == MC_EINVAL || (st == MC_EIO && !db) || st == MC_EPARSE) {
		cli_fail_last(stdout, stderr, "input");
		(*unopened)++;
		st = MC_OK;
	}
	return st;
}

/* One input: a file, directory or "-", or a mailbox (imap:// or imaps://). */
static mc_status report_input(mc_feedback *f, const char *input, struct report_opts *o,
                              mc_store *db, mc_resolver *r, size_t *unopened)
{
	if (!strncmp(input, "imaps://", 8) || !strncmp(input, "imap://", 7))
		return report_mailbox(f, input, o, db, r, unopened);
	if (o->move_to) {
		cli_fail("input", "--move-to moves messages in a mailbox; '%s' is none", input);
		(*unopened)++;
		return MC_OK;
	}
	return read_path(f, input, 0, unopened);
}

/* Read the inputs (storing them when there is a database), or the period
 * from the database; conclude. */
static mc_status gather(struct report_opts *o, int n, char **argv, mc_store *db,
                        mc_resolver *r, struct mc_ctx *ctx, mc_feedback_result *res,
                        size_t *unopened)
{
	mc_feedback_opts fo = {.now = ctx->has_now ? (time_t)ctx->now : 0,
	                       .authserv_id = cli_authserv_id(ctx), .no_lookups = o->no_lookups,
	                       .days = ctx->html != NULL,
	                       .sink = db && n ? mc_store_sink(db) : NULL};
	mc_feedback *f;
	mc_status st;

	if ((st = mc_feedback_new(&f, r, &fo)) != MC_OK)
		return st;
	if (n == 0)
		st = mc_store_replay(db, &o->period, f);
	o->inputs = (size_t)n;
	for (int i = 1; i <= n && st == MC_OK; i++)
		st = report_input(f, argv[i], o, db, r, unopened);
	if (st == MC_OK)
		st = mc_feedback_finish(f, res);
	mc_feedback_free(f);
	if (st == MC_OK && db && n == 0)
		st = mc_store_history(db, &o->period, res);
	if (db)
		res->stored = *mc_store_counts_of(db);
	return st;
}

int cmd_report(int argc, char **argv, struct mc_ctx *ctx)
{
	struct report_opts o = {0};
	const struct cli_opt opts[] = {
		{.name = "--no-lookups", .flag = &o.no_lookups}, {.name = "--db", .value = &o.db},
		{.name = "--since", .value = &o.since}, {.name = "--until", .value = &o.until},
		{.name = "--domain", .value = &o.domain}, {.name = "--move-to", .value = &o.move_to},
		{.name = "--allow-private", .flag = &o.net.allow_private},
		{.name = "--ca-file", .value = &o.net.ca_file},
		{.name = "--net-timeout", .value = &o.net_timeout}, {0}};
	int n = cli_args(argc, argv, opts, 0, 1000000, usage), rc = EXIT_USAGE;
	mc_feedback_result res = {0};
	mc_store *db = NULL;
	mc_resolver *r;
	size_t unopened = 0;
	mc_status st;

	if (n < 0 || check_options(&o, n, argv, ctx) < 0 || !(r = cli_resolver(ctx)))
		goto out;
	if (o.db && mc_store_open(&db, o.db, ctx->has_now ? ctx->now : 0) != MC_OK) {
		cli_fail_last(stdout, stderr, "database");
		goto out;
	}
	st = gather(&o, n, argv, db, r, ctx, &res, &unopened);
	mc_store_close(db);
	if (st == MC_EIO || st == MC_EINVAL)
		cli_fail_last(stdout, stderr, "database");
	else if (st != MC_OK)
		cli_lib_error(st);
	else
		rc = report_output(&res, &o, unopened, ctx);
	mc_feedback_result_clear(&res);
out:
	free(o.domain_lower);
	return rc;
}
