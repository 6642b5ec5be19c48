/*
 * The language of what people read (GNU gettext, the "mailcheck" domain):
 * the locale's messages category, as GNU programs follow LANGUAGE,
 * LC_ALL, LC_MESSAGES and LANG; translations always given out as UTF-8.
 * Only LC_MESSAGES is taken from the environment: numbers, dates and
 * character classes stay those of the C locale, so that LANG=C output is
 * byte for byte what it was and no output depends on another category.
 */
#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#ifndef MC_LOCALEDIR
#define MC_LOCALEDIR "/usr/local/share/locale"
#endif

static bool translated;

void mc_i18n_init(void)
{
	/* the catalogues of an uninstalled build (the tests) */
	const char *dir = getenv("MAILCHECK_LOCALEDIR");
	const char *lang = setlocale(LC_MESSAGES, "");

	bindtextdomain(MC_TEXTDOMAIN, dir && *dir ? dir : MC_LOCALEDIR);
	bind_textdomain_codeset(MC_TEXTDOMAIN, "UTF-8");
	/* a locale whose language has a catalogue: one that says which language
	 * it is (the msgid "en", HTML's lang of a page: lib/report/html.c).
	 * C.UTF-8 or en_US.UTF-8 have none, and read the English as C does. */
	translated = lang && strcmp(lang, "C") && strcmp(lang, "POSIX") &&
	             strcmp(dgettext(MC_TEXTDOMAIN, "en"), "en") != 0;
}

bool mc_i18n_active(void)
{
	return translated;
}

const char *mc_tr(const char *msgid)
{
	return translated ? dgettext(MC_TEXTDOMAIN, msgid) : msgid;
}

const char *mc_ntr(const char *one, const char *many, unsigned long n)
{
	return translated ? dngettext(MC_TEXTDOMAIN, one, many, n) : n == 1 ? one : many;
}

char *mc_vasprintf_both(const char *fmt, va_list ap, char **text)
{
	const char *tr = mc_tr(fmt);
	va_list copy;
	char *english;

	*text = NULL;
	va_copy(copy, ap);
	english = mc_vasprintf(fmt, ap);
	if (tr != fmt && strcmp(tr, fmt))
		*text = mc_vasprintf(tr, copy);
	va_end(copy);
	return english;
}

char *mc_asprintf_both(char **text, const char *fmt, ...)
{
	va_list ap;
	char *english;

	va_start(ap, fmt);
	english = mc_vasprintf_both(fmt, ap, text);
	va_end(ap);
	return english;
}
