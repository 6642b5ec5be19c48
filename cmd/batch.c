/*
 * The batch runner (batch.h): inputs handed over by the command's thread
 * to a queue, taken by the workers a share at a time, their reports kept
 * in a window of slots by sequence number and written as soon as all
 * before them are (or at once, --order completed). The submitter waits
 * while `window` inputs are in flight; the workers wait for work. Each
 * condition is signalled only when someone waits on it: a wake-up per
 * input costs a system call each.
 */
#include <pthread.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"

#define MAX_HANDOVER 8

/* One finished input, waiting for those before it. */
struct slot {
	char *out, *err;
	size_t out_len, err_len;
	void *outcome;
	bool ready;
};

struct worker {
	cli_batch *b;
	void *state;
	size_t done;
};

struct cli_batch {
	struct cli_batch_ops ops;
	bool in_order, progress, write_failed;
	size_t window, total;
	pthread_mutex_t lock;
	pthread_cond_t has_work, has_room;
	size_t idle_workers;
	bool submitter_waits, eof;
	/* inputs numbered so far, taken by a worker, written: the queue is
	 * [taken, next_seq), in flight [written, next_seq) */
	size_t next_seq, taken, written;
	void **inputs;                   /* window of them, by sequence number */
	struct slot *slots;              /* and their reports */
	void *pending[MAX_HANDOVER];     /* the submitter's, not yet handed over */
	size_t n_pending;
	double started, last_progress;
	pthread_t threads[CLI_MAX_JOBS];
	struct worker workers[CLI_MAX_JOBS];
	size_t n_threads;
};

int cli_order(const char *command, const char *v, bool *in_order)
{
	if (strcmp(v, "input") && strcmp(v, "completed")) {
		cli_error("%s: invalid value '%s' for --order (input or completed)", command, v);
		return -1;
	}
	*in_order = strcmp(v, "input") == 0;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "N of M done, R domains/s" on a terminal, at most four times a second. */
static void progress(cli_batch *b, bool last)
{
	double t = now_s();

	if (!b->progress || (!last && t - b->last_progress < 0.25))
		return;
	b->last_progress = t;
	fprintf(stderr, "\r%zu", b->written);
	if (b->total)
		fprintf(stderr, " of %zu", b->total);
	fprintf(stderr, " done, %.1f %s/s%s", b->written / (t - b->started > 0 ? t - b->started : 1),
	        b->ops.unit, last ? "\n" : "");
	fflush(stderr);
}

/* Write one finished input and count it (lock held). */
static void emit(cli_batch *b, struct slot *s)
{
	if (s->err_len) {
		fflush(stdout); /* in order with what was written before */
		fwrite(s->err, 1, s->err_len, stderr);
	}
	if (s->out_len && fwrite(s->out, 1, s->out_len, stdout) != s->out_len)
		b->write_failed = true;
	b->ops.count(b->ops.arg, s->outcome);
	free(s->out);
	free(s->err);
	*s = (struct slot){0};
	b->written++;
}

/* A worker's finished input (lock held): written now, or kept until those
 * before it are. */
static void deliver(cli_batch *b, size_t seq, struct slot *done)
{
	if (!b->in_order) {
		emit(b, done);
	} else {
		b->slots[seq % b->window] = *done;
		b->slots[seq % b->window].ready = true;
		while (b->slots[b->written % b->window].ready)
			emit(b, &b->slots[b->written % b->window]);
	}
	progress(b, false);
}

/* Run one input into a slot, without the lock. */
static void run_one(struct worker *w, void *input, struct slot *s)
{
	cli_batch *b = w->b;
	FILE *out = open_memstream(&s->out, &s->out_len);
	FILE *err = open_memstream(&s->err, &s->err_len);

	if (!out || !err) {
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		free(s->out);
		free(s->err);
		s->out = s->err = NULL;
		s->out_len = s->err_len = 0;
		out = err = stderr; /* no memory: say so where it can be said */
	}
	b->ops.run(b->ops.arg, w->state, input, out, err, &s->outcome);
	if (out != stderr) {
		fclose(out);
		fclose(err);
	}
}

/* A worker's state: the command's, or a sibling of its resolver. */
static void *worker_state(const struct cli_batch_ops *ops)
{
	mc_resolver *r = NULL;

	if (ops->worker_new)
		return ops->worker_new(ops->arg);
	if (ops->resolver && mc_resolver_new_sibling(&r, ops->resolver) != MC_OK)
		r = NULL;
	return r;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	cli_batch *b = w->b;

	w->state = worker_state(&b->ops);
	pthread_mutex_lock(&b->lock);
	for (;;) {
		struct slot done[MAX_HANDOVER];
		void *input[MAX_HANDOVER];
		size_t n = 0, first, share;

		while (b->taken == b->next_seq && !b->eof) {
			b->idle_workers++;
			pthread_cond_wait(&b->has_work, &b->lock);
			b->idle_workers--;
		}
		/* a share of what waits, so that the other workers get some too */
		share = (b->next_seq - b->taken) / b->n_threads;
		first = b->taken;
		/* the inputs are the worker's from here: their ring slots may be
		 * filled again before they run (as completed, others are written) */
		while (b->taken < b->next_seq && n < b->ops.handover && (n == 0 || n < share))
			input[n++] = b->inputs[b->taken++ % b->window];
		if (!n)
			break;
		pthread_mutex_unlock(&b->lock);
		for (size_t i = 0; i < n; i++) {
			done[i] = (struct slot){0};
			run_one(w, input[i], &done[i]);
		}
		pthread_mutex_lock(&b->lock);
		for (size_t i = 0; i < n; i++)
			deliver(b, first + i, &done[i]);
		if (b->submitter_waits)
			pthread_cond_signal(&b->has_room);
#ifdef __GLIBC__
		/* glibc keeps what many threads freed in their arenas and RSS creeps
		 * up with the length of the input: give it back now and then */
		if ((w->done += n) >= 256) {
			w->done = 0;
			pthread_mutex_unlock(&b->lock);
			malloc_trim(0);
			pthread_mutex_lock(&b->lock);
		}
#endif
	}
	pthread_mutex_unlock(&b->lock);
	if (b->ops.worker_free)
		b->ops.worker_free(b->ops.arg, w->state);
	else if (!b->ops.worker_new)
		mc_resolver_free(w->state);
	return NULL;
}

static void batch_free(cli_batch *b)
{
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->has_work);
	pthread_cond_destroy(&b->has_room);
	free(b->inputs);
	free(b->slots);
	free(b);
}

cli_batch *cli_batch_start(const struct cli_batch_ops *ops, size_t jobs, bool in_order,
                           size_t total)
{
	cli_batch *b = calloc(1, sizeof(*b));

	if (jobs > CLI_MAX_JOBS)
		jobs = CLI_MAX_JOBS;
	if (!b || !(b->slots = calloc(16 * (jobs ? jobs : 1), sizeof(*b->slots))) ||
	    !(b->inputs = calloc(16 * (jobs ? jobs : 1), sizeof(*b->inputs)))) {
		if (b)
			free(b->slots);
		free(b);
		cli_fail("internal", "out of memory");
		return NULL;
	}
	b->ops = *ops;
	if (b->ops.handover < 1 || b->ops.handover > MAX_HANDOVER)
		b->ops.handover = 1;
	b->in_order = in_order;
	b->window = 16 * (jobs ? jobs : 1);
	b->total = total;
	b->progress = ops->progress && isatty(STDERR_FILENO) && !getenv("MAILCHECK_NO_PROGRESS");
	b->started = now_s();
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->has_work, NULL);
	pthread_cond_init(&b->has_room, NULL);
	/* n_threads is read by the workers: set before they start */
	b->n_threads = jobs ? jobs : 1;
	for (size_t i = 0; i < b->n_threads; i++) {
		b->workers[i] = (struct worker){.b = b};
		if (pthread_create(&b->threads[i], NULL, work, &b->workers[i]) != 0) {
			pthread_mutex_lock(&b->lock);
			b->n_threads = i;
			pthread_mutex_unlock(&b->lock);
			break;
		}
	}
	if (b->n_threads == 0) {
		cli_fail("internal", "cannot start a worker thread");
		batch_free(b);
		return NULL;
	}
	return b;
}

/* Hand the submitter's inputs to the workers, waiting while the window of
 * inputs not yet written is full. */
static void hand_over(cli_batch *b)
{
	if (!b->n_pending)
		return;
	pthread_mutex_lock(&b->lock);
	while (b->next_seq + b->n_pending > b->written + b->window) {
		b->submitter_waits = true;
		pthread_cond_wait(&b->has_room, &b->lock);
		b->submitter_waits = false;
	}
	for (size_t i = 0; i < b->n_pending; i++)
		b->inputs[b->next_seq++ % b->window] = b->pending[i];
	b->n_pending = 0;
	if (b->idle_workers)
		pthread_cond_broadcast(&b->has_work);
	pthread_mutex_unlock(&b->lock);
}

void cli_batch_submit(cli_batch *b, void *input)
{
	b->pending[b->n_pending++] = input;
	if (b->n_pending >= b->ops.handover)
		hand_over(b);
}

bool cli_batch_finish(cli_batch *b)
{
	bool ok;

	hand_over(b);
	pthread_mutex_lock(&b->lock);
	b->eof = true;
	pthread_cond_broadcast(&b->has_work);
	pthread_mutex_unlock(&b->lock);
	for (size_t i = 0; i < b->n_threads; i++)
		pthread_join(b->threads[i], NULL);
	progress(b, true);
	ok = !b->write_failed && fflush(stdout) == 0;
	batch_free(b);
	return ok;
}
