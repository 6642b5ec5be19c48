/*
 * The batch runner of the commands that take many inputs (verify --jobs,
 * domain, bounce): a bounded, ordered parallel map. The command's own
 * thread reads its inputs and submits them one by one; `jobs` worker
 * threads each turn an input into the report's text for standard output,
 * its diagnostics for standard error, and a small outcome for the
 * summary; the runner writes them in input order (or as completed) and
 * hands each outcome to the command, one at a time. At most `window`
 * inputs are in flight -- submitted and not yet written -- so memory stays
 * flat however long the input: submit waits for room. On a terminal it
 * shows progress on standard error.
 */
#ifndef MC_CLI_BATCH_H
#define MC_CLI_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mailcheck/dns.h"

struct cli_batch_ops {
	void *arg;                 /* the command's state, given to every callback */
	/* A worker's own state, made in the worker's thread; worker_free is
	 * given it at the end. Without worker_new: a resolver of its own, a
	 * sibling of `resolver` (the same zone data or nameservers, a cache of
	 * its own), when that is set; else none. */
	void *(*worker_new)(void *arg);
	void (*worker_free)(void *arg, void *worker);
	mc_resolver *resolver;
	/* In a worker, without any lock: the report of one input to out, its
	 * diagnostics to err; *outcome (may stay NULL) goes to count. The input
	 * is the worker's to free. */
	void (*run)(void *arg, void *worker, void *input, FILE *out, FILE *err, void **outcome);
	/* In output order, one at a time: count what one input came to, and
	 * free the outcome. */
	void (*count)(void *arg, void *outcome);
	const char *unit;          /* "domains", "messages": the progress line */
	bool progress;             /* show it (on a terminal, unless MAILCHECK_NO_PROGRESS) */
	size_t handover;           /* inputs handed to the workers at once (1..8): fewer
	                            * lock round trips for quick inputs; 1 for slow ones */
};

typedef struct cli_batch cli_batch;

/* Start jobs workers (1..CLI_MAX_JOBS). in_order: write reports in input
 * order, else as completed. total: the number of inputs when known (for
 * the progress line), else 0. NULL (the error said) when no worker could
 * start. */
cli_batch *cli_batch_start(const struct cli_batch_ops *ops, size_t jobs, bool in_order,
                           size_t total);
/* Hand over one input; waits while the window is full. */
void cli_batch_submit(cli_batch *b, void *input);
/* Wait for every input to be written, stop the workers, free the runner.
 * false when standard output could not be written. */
bool cli_batch_finish(cli_batch *b);

/* --order input|completed: 0 with *in_order set, or -1 after a usage error
 * naming the command. */
int cli_order(const char *command, const char *v, bool *in_order);

#endif
