/* The fuzz assertion on text output: no byte a terminal acts on (a control
 * but tab and newline, DEL, a byte that is not UTF-8, a C1 or bidirectional
 * control). Decoded by the C library's UTF-8 locale, not by mailcheck's own
 * escaper, so the two are checked against each other. */
#ifndef FUZZ_TERMINAL_SAFE_H
#define FUZZ_TERMINAL_SAFE_H

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static void assert_terminal_safe(const char *s, size_t n)
{
	static locale_t utf8;
	mbstate_t st;
	locale_t old;

	if (!utf8 && !(utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0)))
		abort();
	old = uselocale(utf8);
	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < n;) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + i, n - i, &st);

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0 ||
		    (wc < 0x20 && wc != '\t' && wc != '\n') || (wc >= 0x7f && wc <= 0x9f) ||
		    (wc >= 0x202a && wc <= 0x202e) || (wc >= 0x2066 && wc <= 0x2069))
			abort(); /* outside bytes reached the terminal raw */
		i += k;
	}
	uselocale(old);
}

#endif
