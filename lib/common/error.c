/* The per-thread last error message (libgit2's git_error_last model), in
 * English (JSON's "error" objects) and in the locale's language (stderr). */
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"

static _Thread_local char last_error[1024], last_text[1024];

mc_status mc_error_set(mc_status code, const char *fmt, ...)
{
	const char *tr = mc_tr(fmt);
	va_list ap, copy;

	va_start(ap, fmt);
	va_copy(copy, ap);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	if (tr != fmt && strcmp(tr, fmt))
		vsnprintf(last_text, sizeof(last_text), tr, copy);
	else
		last_text[0] = '\0';
	va_end(copy);
	va_end(ap);
	return code;
}

mc_status mc_error_set_made(mc_status code, const char *english, const char *text)
{
	snprintf(last_error, sizeof(last_error), "%s", english ? english : "out of memory");
	snprintf(last_text, sizeof(last_text), "%s", text ? text : "");
	return code;
}

const char *mc_error_last(void)
{
	return last_error;
}

const char *mc_error_last_text(void)
{
	return last_text[0] ? last_text : last_error;
}

void mc_error_clear(void)
{
	last_error[0] = last_text[0] = '\0';
}

static locale_t c_locale;
static pthread_once_t c_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* In English whatever the locale: error messages also go into JSON, and
 * glibc's own translation would come in the locale's charset (LC_CTYPE
 * stays C: "?" for every Japanese character). */
const char *mc_strerror(int errnum)
{
	pthread_once(&c_once, make_c_locale);
	return c_locale ? strerror_l(errnum, c_locale) : "system error";
}
