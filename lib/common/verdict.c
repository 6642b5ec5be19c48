/* Verdict names and the exit status each one gives (DESIGN.md, exit status). */
#include "mailcheck/verdict.h"

const char *mc_verdict_name(mc_verdict v)
{
	switch (v) {
	case MC_VERDICT_PASS: return "pass";
	case MC_VERDICT_FAIL: return "fail";
	case MC_VERDICT_SOFTFAIL: return "softfail";
	case MC_VERDICT_NEUTRAL: return "neutral";
	case MC_VERDICT_NONE: return "none";
	case MC_VERDICT_PERMERROR: return "permerror";
	case MC_VERDICT_TEMPERROR: return "temperror";
	}
	return "permerror";
}

int mc_verdict_exit_code(mc_verdict v)
{
	if (v == MC_VERDICT_PASS)
		return 0;
	if (v == MC_VERDICT_TEMPERROR)
		return 3;
	return 1;
}
