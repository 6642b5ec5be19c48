/*
 * RFC 5322 3.3 date-time, with the obsolete forms MTAs still write (4.3):
 * optional day of week, two-digit years, zone names (UT, GMT, EST ...),
 * a missing seconds field, comments after the zone ("(UTC)").
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailcheck/msg.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (civil calendar). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (long long)doe - 719468;
}

static int month_of(const char *s)
{
	static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
	                                      "jul", "aug", "sep", "oct", "nov", "dec"};

	for (int i = 0; i < 12; i++)
		if (strncasecmp(s, months[i], 3) == 0)
			return i + 1;
	return 0;
}

/* Zone offset in seconds; 1 when unknown (not a valid offset). */
static long zone_of(const char *s)
{
	static const struct { const char *name; int hours; } names[] = {
		{"UT", 0}, {"UTC", 0}, {"GMT", 0}, {"Z", 0}, {"EST", -5}, {"EDT", -4},
		{"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7},
	};

	if ((s[0] == '+' || s[0] == '-') && strlen(s) >= 5 && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) &&
	    isdigit((unsigned char)s[4])) {
		long h = (s[1] - '0') * 10 + (s[2] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');

		return (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].hours * 3600L;
	return 1;
}

long long mc_date_parse(const char *s)
{
	char buf[128], *tok[12], *save = NULL;
	int n = 0, i = 0, day, mon, hh, mm, ss = 0;
	long long year;
	long zone = 0;

	if (!s)
		return -1;
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *t = strtok_r(buf, " \t,", &save); t && n < 12; t = strtok_r(NULL, " \t,", &save))
		tok[n++] = t;
	if (i < n && isalpha((unsigned char)tok[i][0]) && !month_of(tok[i]))
		i++; /* day of week */
	if (n - i < 4)
		return -1;
	/* ctime(3)'s order, as some MTAs write it: "Apr 29 23:34:45 2005 +0000" */
	bool ctime_order = isalpha((unsigned char)tok[i][0]) && month_of(tok[i]);
	const char *t_day = tok[i + ctime_order], *t_mon = tok[i + !ctime_order];
	const char *t_year = tok[i + 2 + ctime_order], *t_time = tok[i + 3 - ctime_order];

	day = atoi(t_day);
	mon = month_of(t_mon);
	year = atoll(t_year);
	if (!isdigit((unsigned char)t_day[0]) || day < 1 || day > 31 || !mon ||
	    !isdigit((unsigned char)t_year[0]))
		return -1;
	if (strlen(t_year) <= 2) /* RFC 5322 4.3 */
		year += year < 50 ? 2000 : 1900;
	else if (strlen(t_year) == 3)
		year += 1900;
	if (year < 1900 || year > 9999) /* also keeps the arithmetic below in range */
		return -1;
	if (sscanf(t_time, "%d:%d:%d", &hh, &mm, &ss) < 2 || hh < 0 || hh > 23 || mm < 0 ||
	    mm > 59 || ss < 0 || ss > 60)
		return -1;
	if (n - i >= 5) {
		zone = zone_of(tok[i + 4]);
		if (zone == 1)
			zone = 0; /* unknown zone names count as UT (RFC 5322 4.3) */
	}
	return days_from_civil(year, (unsigned)mon, (unsigned)day) * 86400 + hh * 3600 + mm * 60 +
	       ss - zone;
}

/* RFC 3339 5.6: full-date ["T" / " " partial-time time-offset]; a date
 * alone is midnight UTC. -1 when it is not one. */
static long long rfc3339_parse(const char *s)
{
	int y, mo, d, hh = 0, mm = 0, ss = 0, n = 0;
	long zone = 0;
	const char *p;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10 || mo < 1 || mo > 12 ||
	    d < 1 || d > mdays[mo - 1] || y < 1970 ||
	    (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))))
		return -1;
	p = s + 10;
	if (*p) {
		if ((*p != 'T' && *p != 't' && *p != ' ') ||
		    sscanf(p + 1, "%2d:%2d:%2d%n", &hh, &mm, &ss, &n) != 3 || n != 8 || hh > 23 ||
		    mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0)
			return -1;
		p += 1 + n;
		if (*p == '.') /* fractions of a second: ignored */
			for (p++; isdigit((unsigned char)*p); p++)
				;
		if ((*p == 'Z' || *p == 'z') && !p[1]) {
			zone = 0;
		} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && isdigit((unsigned char)p[1]) &&
		           isdigit((unsigned char)p[2]) && p[3] == ':' && isdigit((unsigned char)p[4]) &&
		           isdigit((unsigned char)p[5])) {
			long h = (p[1] - '0') * 10 + (p[2] - '0'), m = (p[4] - '0') * 10 + (p[5] - '0');

			if (h > 23 || m > 59)
				return -1;
			zone = (*p == '-' ? -1 : 1) * (h * 3600 + m * 60);
		} else {
			return -1; /* RFC 3339 needs the offset */
		}
	}
	return days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + hh * 3600 + mm * 60 + ss -
	       zone;
}

long long mc_time_parse(const char *s)
{
	char *end;
	long long t;

	if (!s || !*s)
		return -1;
	if (isdigit((unsigned char)s[0]) && strspn(s, "0123456789") == strlen(s)) {
		t = strtoll(s, &end, 10);
		return t >= 0 && t <= 253402300799LL ? t : -1;
	}
	if (isdigit((unsigned char)s[0]) && strlen(s) >= 10 && s[4] == '-')
		return rfc3339_parse(s);
	/* mc_date_parse is lenient, as headers need; a user's date must end in
	 * its zone (RFC 5322 3.3), not leave it to be guessed */
	char buf[128];
	char *last;
	size_t n = strlen(s);

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n + 1);
	if (n && buf[n - 1] == ')' && (last = strrchr(buf, '('))) /* "(UTC)" */
		n = (size_t)(last - buf);
	while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	buf[n] = '\0';
	last = buf + n;
	while (last > buf && last[-1] != ' ' && last[-1] != '\t')
		last--;
	if (last == buf || zone_of(last) == 1)
		return -1;
	return mc_date_parse(s);
}
