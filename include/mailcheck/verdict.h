/*
 * Verdicts shared by every check. A verdict is data, not an error: a check
 * that ran and found the domain misconfigured returns MC_OK with
 * MC_VERDICT_FAIL.
 */
#ifndef MAILCHECK_VERDICT_H
#define MAILCHECK_VERDICT_H

typedef enum mc_verdict {
	MC_VERDICT_PASS,
	MC_VERDICT_FAIL,
	MC_VERDICT_SOFTFAIL,
	MC_VERDICT_NEUTRAL,
	MC_VERDICT_NONE,
	MC_VERDICT_PERMERROR,
	MC_VERDICT_TEMPERROR,
} mc_verdict;

/* "pass", "fail", ... as used in JSON and Authentication-Results. */
const char *mc_verdict_name(mc_verdict v);

/* Exit status the CLI gives for a verdict: 0 pass, 3 temperror, else 1. */
int mc_verdict_exit_code(mc_verdict v);

#endif
