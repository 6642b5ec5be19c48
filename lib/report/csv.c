/* CSV cells (RFC 4180 section 2): a cell with a comma, a quote, CR or LF
 * is quoted, its quotes doubled; one that a spreadsheet would run as a
 * formula (OWASP "CSV injection": a leading =, +, -, @, tab or CR) gets a
 * leading ' -- the data comes from DNS and reports anyone can write. */
#include <stdio.h>
#include <string.h>

#include "report/internal.h"

void mc_csv_cell(mc_buf *b, const char *s, bool last)
{
	bool formula, quote;

	if (!s)
		s = "";
	formula = *s && strchr("=+-@\t\r", *s) != NULL;
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		mc_buf_add(b, "\"", 1);
	if (formula)
		mc_buf_add(b, "'", 1);
	for (const char *p = s; *p; p++)
		mc_buf_add(b, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
	if (quote)
		mc_buf_add(b, "\"", 1);
	mc_buf_add(b, last ? "\n" : ",", 1);
}

void mc_csv_number(mc_buf *b, long long n, bool last)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", n);
	mc_csv_cell(b, num, last);
}

/* A row of cells, NULL-terminated: the header of a table. */
void mc_csv_row(mc_buf *b, const char *const *cells)
{
	for (size_t i = 0; cells[i]; i++)
		mc_csv_cell(b, cells[i], cells[i + 1] == NULL);
}
