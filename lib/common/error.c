/* The per-thread last error message (libgit2's git_error_last model). */
#include <stdio.h>

#include "common/util.h"

static _Thread_local char last_error[1024];

mc_status mc_error_set(mc_status code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return code;
}

const char *mc_error_last(void)
{
	return last_error;
}

void mc_error_clear(void)
{
	last_error[0] = '\0';
}
