/*
 * The message inputs of the commands that read mail (verify, bounce): a
 * file or standard input -- one message, or an mbox (RFC 4155) when it
 * starts with "From " -- and Maildir directories (cur/ and new/, each in
 * name order). The messages are handed to a sink as they stream.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "common/util.h"

#define CHUNK 65536
#define MAX_DIR_FILES 100000 /* listed of one directory */

/* Open FILE, or standard input for "-" or no argument. */
FILE *cli_open_input(const char *path, const char **what)
{
	FILE *fp;

	if (!path || strcmp(path, "-") == 0) {
		*what = "standard input";
		return stdin;
	}
	*what = path;
	fp = fopen(path, "rb");
	if (!fp)
		cli_fail("input", "cannot read '%s': %s", path, mc_strerror(errno));
	return fp;
}

/* One stream: an mbox when it starts with "From ", else one message. */
static void read_stream(struct cli_messages *m, FILE *fp, const char *what)
{
	const mc_mbox_sink *sink = &m->sink;
	char *buf;
	size_t n;
	mc_status st;
	int c = getc(fp);

	if (c != EOF)
		ungetc(c, fp);
	if (c == 'F') { /* an mbox, or a message whose first header starts with F */
		if (mc_mbox_read(fp, what, sink) != MC_OK)
			m->abandon(sink->arg);
		return;
	}
	if (!(buf = malloc(CHUNK)) || (st = sink->begin(sink->arg)) != MC_OK) {
		free(buf);
		return;
	}
	while (st == MC_OK && (n = fread(buf, 1, CHUNK, fp)) > 0)
		st = sink->push(sink->arg, buf, n);
	if (st == MC_OK)
		sink->end(sink->arg, false);
	else
		m->abandon(sink->arg);
	free(buf);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

long cli_dir_list(const char *dir, char ***out)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	*out = NULL;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && n < MAX_DIR_FILES) {
			if (n == cap) {
				char **nn;

				cap = cap ? cap * 2 : 64;
				if (!(nn = realloc(names, cap * sizeof(*names))))
					break;
				names = nn;
			}
			if (asprintf(&names[n], "%s/%s", dir, e->d_name) >= 0)
				n++;
		}
	closedir(d);
	if (names)
		qsort(names, n, sizeof(*names), by_name);
	*out = names;
	return (long)n;
}

void cli_dir_free(char **names, long n)
{
	for (long i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* A Maildir: every file of cur/ and new/, in name order. */
static void read_maildir(struct cli_messages *m, const char *dir)
{
	static const char *const subs[] = {"cur", "new"};
	int opened = 0;

	for (int k = 0; k < 2; k++) {
		char *sub = NULL, **names;
		long n;

		if (asprintf(&sub, "%s/%s", dir, subs[k]) < 0)
			continue;
		if ((n = cli_dir_list(sub, &names)) >= 0) {
			opened++;
			for (long i = 0; i < n; i++)
				cli_read_messages(m, names[i]);
			cli_dir_free(names, n);
		}
		free(sub);
	}
	if (!opened) {
		cli_fail("input", "%s is a directory but not a Maildir (no cur/ or new/ in it)", dir);
		m->unreadable++;
	}
}

void cli_read_messages(struct cli_messages *m, const char *path)
{
	struct stat sb;
	const char *what;
	FILE *fp;

	if (path && strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		read_maildir(m, path);
		return;
	}
	if (!(fp = cli_open_input(path, &what))) {
		m->unreadable++;
		return;
	}
	if (m->file)
		m->file(m->sink.arg, what);
	read_stream(m, fp, what);
	if (fp != stdin)
		fclose(fp);
}

bool cli_inputs_several(int n, char **argv)
{
	struct stat sb;

	return n > 1 || (n == 1 && stat(argv[1], &sb) == 0 && S_ISDIR(sb.st_mode));
}

/* The next line of the stream without its newline, or NULL at the end; a
 * line too long to be a name is skipped to its end and marked. */
static char *read_line(FILE *in, char *buf, bool *too_long)
{
	size_t n;

	*too_long = false;
	if (!fgets(buf, CLI_NAME_LINE, in))
		return NULL;
	n = strlen(buf);
	if (n == CLI_NAME_LINE - 1 && buf[n - 1] != '\n') { /* longer: skip the rest */
		char rest[4096];

		*too_long = true;
		while (fgets(rest, sizeof(rest), in) && rest[strlen(rest) - 1] != '\n')
			;
	}
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}

/* A line without its comment and surrounding blanks; "" when nothing is left. */
static char *trim_line(char *s)
{
	char *e;

	if ((e = strchr(s, '#')))
		*e = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	return s;
}

bool cli_names_next(struct cli_names *li, char **item, struct cli_said **bad)
{
	char buf[CLI_NAME_LINE];

	*item = NULL;
	*bad = NULL;
	for (;;) {
		char *s;
		bool too_long;

		if (li->args) {
			if (li->next == li->n_args)
				return false;
			*item = mc_strdup(li->args[li->next++]);
			return true;
		}
		if (!(s = read_line(li->in, buf, &too_long)))
			return false;
		li->line++;
		if (too_long) {
			if ((*bad = malloc(sizeof(**bad)))) {
				const char *fmt = N_("standard input, line %zu: longer than %d bytes, not "
				                     "a domain name");

				snprintf((*bad)->en, sizeof((*bad)->en), fmt, li->line, CLI_NAME_LINE - 1);
				snprintf((*bad)->text, sizeof((*bad)->text), _(fmt), li->line,
				         CLI_NAME_LINE - 1);
			}
			return true;
		}
		if (*(s = trim_line(s))) {
			*item = mc_strdup(s);
			return true;
		}
	}
}

struct cli_said *cli_names_bad_last(const struct cli_names *li)
{
	struct cli_said *s = malloc(sizeof(*s));

	if (!s)
		return NULL;
	cli_said_last(s);
	if (!li->args) {
		const char *fmt = N_("standard input, line %zu: %s");
		char *en = mc_asprintf(fmt, li->line, s->en);
		char *text = mc_asprintf(_(fmt), li->line, s->text);

		snprintf(s->en, sizeof(s->en), "%s", en ? en : "out of memory");
		snprintf(s->text, sizeof(s->text), "%s", text ? text : s->en);
		free(en);
		free(text);
	}
	return s;
}

bool cli_names_from(struct cli_names *li, char **argv, int n, size_t *jobs)
{
	if (n == 1 && strcmp(argv[1], "-") == 0) {
		li->in = stdin;
		return true;
	}
	li->args = argv + 1;
	li->n_args = (size_t)n;
	if (*jobs > li->n_args)
		*jobs = li->n_args;
	return n > 1;
}
