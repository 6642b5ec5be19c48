/*
 * mailcheck verify [FILE|DIR|-]... [--ip IP] [--helo NAME] [--mail-from ADDR]
 *                  [--trust HOST]...
 * Several messages: several files, mbox files (RFC 4155, recognised by
 * their first "From " line) and Maildir directories (cur/ and new/); one
 * DNS cache for all. JSON is then one object per line (NDJSON); text ends
 * with a summary.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "mailcheck/verify.h"

#define MAX_TRUST 32

static const char usage[] =
	"usage: mailcheck verify [FILE|DIR|-]... [--ip IP] [--helo NAME] [--mail-from ADDR] "
	"[--trust HOST]... [--compare]";

struct tally {
	size_t messages, pass, fail, temperror, unreadable;
};

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
	char bad[600];       /* why the current message cannot be read, "" if it can */
};

static mc_status begin(void *arg)
{
	struct one *o = arg;
	mc_status st = mc_verifier_new(&o->v, o->r, o->req);

	o->in_file++;
	o->mbox = false;
	o->bad[0] = '\0';
	if (st == MC_OK)
		st = mc_msg_reader_new(&o->rd, NULL, mc_verify_headers, mc_verify_body, o->v);
	return st;
}

/* A message that breaks a reader limit or is not a message is skipped to
 * its end (the next mbox separator), so that the others are still checked. */
static mc_status push(void *arg, const char *buf, size_t len)
{
	struct one *o = arg;
	mc_status st;

	if (o->bad[0])
		return MC_OK;
	st = mc_msg_push(o->rd, buf, len);
	if (st == MC_EPARSE) {
		snprintf(o->bad, sizeof(o->bad), "%s", mc_error_last());
		return MC_OK;
	}
	return st;
}

static void unreadable(struct one *o)
{
	const char *why = o->bad[0] ? o->bad : mc_error_last();

	o->tally->unreadable++;
	if (o->in_file > 1 || o->several || o->mbox)
		cli_fail("input", "%s, message %zu: %s", o->what, o->in_file, why);
	else
		cli_fail("input", "cannot read the message in %s: %s", o->what, why);
}

/* The end of one message: verify, print, count. A message that cannot be
 * read is reported and counted; the next one is still checked. */
static mc_status end(void *arg, bool more)
{
	struct one *o = arg;
	mc_verify_result res = {0};
	mc_message msg = {0};
	mc_status st = o->bad[0] ? MC_EPARSE : mc_msg_finish(o->rd, &msg);

	o->mbox = o->in_file > 1 || more;

	if (st == MC_OK)
		st = mc_verify_finish(o->v, &msg, &res);
	mc_message_clear(&msg);
	mc_msg_reader_free(o->rd);
	mc_verifier_free(o->v);
	o->rd = NULL;
	o->v = NULL;
	o->tally->messages++;
	if (st == MC_ENOMEM)
		return st;
	if (st != MC_OK) {
		unreadable(o);
	} else {
		bool text = o->ctx->render.format == MC_FORMAT_TEXT, quiet = o->ctx->render.quiet;

		/* several messages: a label line, or with --quiet the label before
		 * the verdict, one line per message */
		if ((o->several || o->mbox) && text)
			printf(quiet ? "%s%s%.0zu: " : "== %s%s%.0zu\n", o->what,
			       o->mbox ? ", message " : "", o->mbox ? o->in_file : 0);
		int rc = cli_output(MC_RESULT_VERIFY, &res, res.verdict, o->ctx);

		if (rc == EXIT_PASS)
			o->tally->pass++;
		else if (rc == EXIT_TEMP)
			o->tally->temperror++;
		else
			o->tally->fail++;
		if ((o->several || o->mbox) && text && !quiet)
			putchar('\n');
	}
	mc_verify_result_clear(&res);
	/* the message's queries are in its result: the shared resolver need not
	 * keep them (its cache stays), so a long batch runs in flat memory */
	mc_dns_log_rewind(o->r, 0);
	return MC_OK;
}

/* One stream: an mbox when it starts with "From ", else one message. */
static void read_stream(struct one *o, FILE *fp)
{
	const mc_mbox_sink sink = {begin, push, end, o};
	char *buf;
	size_t n;
	mc_status st;
	int c = getc(fp);

	o->in_file = 0;
	if (c != EOF)
		ungetc(c, fp);
	if (c == 'F') { /* an mbox, or a message whose first header starts with F */
		if (mc_mbox_read(fp, o->what, &sink) != MC_OK && o->rd)
			unreadable(o);
		return;
	}
	if (!(buf = malloc(65536)) || (st = begin(o)) != MC_OK) {
		free(buf);
		return;
	}
	while (st == MC_OK && (n = fread(buf, 1, 65536, fp)) > 0)
		st = push(o, buf, n);
	if (st == MC_OK) {
		end(o, false);
	} else {
		mc_msg_reader_free(o->rd);
		mc_verifier_free(o->v);
		o->rd = NULL;
		o->v = NULL;
		o->tally->messages++;
		unreadable(o);
	}
	free(buf);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_path(struct one *o, const char *path);

/* A Maildir: every file of cur/ and new/, in name order. */
static void read_maildir(struct one *o, const char *dir)
{
	static const char *const subs[] = {"cur", "new"};

	for (int k = 0; k < 2; k++) {
		char *sub = NULL, **names = NULL;
		size_t n = 0, cap = 0;
		DIR *d;
		struct dirent *e;

		if (asprintf(&sub, "%s/%s", dir, subs[k]) < 0 || !(d = opendir(sub))) {
			free(sub);
			continue;
		}
		while ((e = readdir(d)))
			if (e->d_name[0] != '.' && n < 100000) {
				if (n == cap) {
					cap = cap ? cap * 2 : 64;
					names = realloc(names, cap * sizeof(*names));
				}
				if (names && asprintf(&names[n], "%s/%s", sub, e->d_name) >= 0)
					n++;
			}
		closedir(d);
		if (names)
			qsort(names, n, sizeof(*names), by_name);
		for (size_t i = 0; i < n; i++) {
			read_path(o, names[i]);
			free(names[i]);
		}
		free(names);
		free(sub);
	}
}

static void read_path(struct one *o, const char *path)
{
	struct stat sb;
	FILE *fp;

	if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		read_maildir(o, path);
		return;
	}
	if (!(fp = cli_open_input(path, &o->what))) {
		o->tally->unreadable++;
		return;
	}
	read_stream(o, fp);
	if (fp != stdin)
		fclose(fp);
}

static int exit_status(const struct tally *t)
{
	if (t->unreadable)
		return EXIT_USAGE;
	if (t->temperror)
		return EXIT_TEMP;
	return t->fail || t->messages == 0 ? EXIT_NOT_PASSED : EXIT_PASS;
}

int cmd_verify(int argc, char **argv, struct mc_ctx *ctx)
{
	const char *trust[MAX_TRUST + 1] = {0};
	size_t n_trust = 0;
	mc_verify_request req = {.trusted = trust};
	const struct cli_opt opts[] = {
		{.name = "--ip", .value = &req.ip}, {.name = "--helo", .value = &req.helo},
		{.name = "--mail-from", .value = &req.mail_from},
		{.name = "--trust", .list = trust, .n_list = &n_trust, .max_list = MAX_TRUST},
		{.name = "--compare", .flag = &req.compare},
		{0},
	};
	int n = cli_args(argc, argv, opts, 0, 100000, usage);
	struct tally tally = {0};
	struct one o = {.ctx = ctx, .req = &req, .tally = &tally};
	struct stat sb;

	if (n < 0 || !(o.r = cli_resolver(ctx)))
		return EXIT_USAGE;
	req.authserv_id = cli_authserv_id(ctx);
	req.now = ctx->has_now ? (time_t)ctx->now : 0;
	o.several = n > 1 || (n == 1 && stat(argv[1], &sb) == 0 && S_ISDIR(sb.st_mode));
	if (n == 0)
		read_path(&o, "-");
	for (int i = 1; i <= n; i++)
		read_path(&o, argv[i]);
	if (tally.messages > 1 && ctx->render.format == MC_FORMAT_TEXT)
		printf("%zu messages: %zu pass, %zu fail, %zu temperror, %zu unreadable\n",
		       tally.messages, tally.pass, tally.fail, tally.temperror, tally.unreadable);
	return exit_status(&tally);
}
