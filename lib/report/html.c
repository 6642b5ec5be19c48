/*
 * --html FILE: one self-contained page -- styles inline, charts as SVG
 * written here, no script, font, image or request (a Content-Security-
 * Policy in the page forbids them) -- that opens from disk or as a mail
 * attachment and prints well. Everything shown comes from DNS, messages and
 * reports that anyone can write: each string passes the terminal escaping
 * first (controls and bytes that are not UTF-8 as \DDD), then has & < > "
 * and ' replaced by references, so that it is text in an element and in a
 * quoted attribute alike; nothing from outside goes into a script, style or
 * URL. A status is a word as well as a colour.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "report/internal.h"

void mc_html_text(mc_buf *b, const char *s)
{
	char *safe = NULL;
	size_t len = 0;
	FILE *mem, *esc;

	if (!s)
		return;
	if (!(mem = open_memstream(&safe, &len)))
		return;
	if ((esc = mc_escaped_open(mem))) {
		fputs(s, esc);
		fclose(esc);
	}
	fclose(mem);
	for (size_t i = 0; safe && i < len; i++) {
		switch (safe[i]) {
		case '&': mc_buf_lit(b, "&amp;"); break;
		case '<': mc_buf_lit(b, "&lt;"); break;
		case '>': mc_buf_lit(b, "&gt;"); break;
		case '"': mc_buf_lit(b, "&quot;"); break;
		case '\'': mc_buf_lit(b, "&#39;"); break;
		default: mc_buf_add(b, safe + i, 1);
		}
	}
	free(safe);
}

char *mc_html_escaped(const char *s)
{
	mc_buf b = {0};

	mc_html_text(&b, s ? s : "");
	mc_buf_lit(&b, "");
	return mc_buf_take(&b);
}

/* <tag class="cls">text</tag>, the text escaped. */
void mc_html_elem(mc_buf *b, const char *tag, const char *cls, const char *text)
{
	mc_buf_addf(b, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	mc_html_text(b, text);
	mc_buf_addf(b, "</%s>", tag);
}

/* "<table><tr><th>..." with each heading escaped, the row closed. */
void mc_html_table_head(mc_buf *b, const char *const *heads, size_t n)
{
	mc_buf_lit(b, "<table><tr>");
	for (size_t i = 0; i < n; i++)
		mc_html_elem(b, "th", NULL, heads[i]);
	mc_buf_lit(b, "</tr>");
}

/* A status word in its colour: the class is the status, which is also
 * shown, in the locale's words. */
void mc_html_status(mc_buf *b, const char *status)
{
	const char *said = mc_status_word(status);
	char word[64];
	size_t i;

	for (i = 0; status && status[i] && i + 1 < sizeof(word); i++)
		word[i] = status[i] == '_' ? ' ' : status[i];
	word[i] = '\0';
	mc_buf_lit(b, "<span class=\"st st-");
	mc_html_text(b, status);
	mc_buf_lit(b, "\">");
	mc_html_text(b, said ? said : word);
	mc_buf_lit(b, "</span>");
}

/* Findings at or above min, errors first, each with its fix and code. */
void mc_html_findings(mc_buf *b, const mc_findings *const *lists, size_t n, mc_severity min)
{
	bool any = false;

	for (int sev = MC_SEV_ERROR; sev >= (int)min; sev--)
		for (size_t l = 0; l < n; l++)
			for (size_t i = 0; i < lists[l]->n; i++) {
				const mc_finding *f = &lists[l]->items[i];

				if ((int)f->severity != sev)
					continue;
				if (!any)
					mc_buf_lit(b, "<ul class=\"findings\">");
				any = true;
				mc_buf_lit(b, "<li>");
				mc_html_status(b, mc_severity_name(f->severity));
				mc_buf_lit(b, " ");
				mc_html_text(b, f->message_text ? f->message_text : f->message);
				mc_buf_lit(b, " <code>");
				mc_html_text(b, f->code);
				mc_buf_lit(b, "</code>");
				if (f->hint) {
					mc_buf_lit(b, "<br><span class=\"fix\">");
					mc_html_text(b, _("fix:"));
					mc_buf_lit(b, " ");
					mc_html_text(b, f->hint_text ? f->hint_text : f->hint);
					mc_buf_lit(b, "</span>");
				}
				mc_buf_lit(b, "</li>");
			}
	if (any)
		mc_buf_lit(b, "</ul>");
	else
		mc_html_elem(b, "p", NULL, _("No findings."));
}

/* A label cut to what fits beside a bar (at a UTF-8 boundary). */
static void short_label(mc_buf *b, const char *s)
{
	size_t n = strlen(s ? s : "");
	char cut[40];

	if (n < sizeof(cut) - 4) {
		mc_html_text(b, s);
		return;
	}
	n = sizeof(cut) - 4;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(cut, s, n);
	memcpy(cut + n, "\xe2\x80\xa6", 4); /* an ellipsis */
	mc_html_text(b, cut);
}

/* The chart's geometry (px). */
enum { LABEL_W = 210, BAR_W = 480, ROW_H = 22, TOP = 28, WIDTH = LABEL_W + BAR_W + 20 };

/* The legend from y: a box and the words of each series, on as many lines
 * as they need (7 px a column; a wide character takes two); the lines it
 * takes. Drawn only with b. */
static int legend(mc_buf *b, const char *const *series, const char *const *classes, size_t n,
                  size_t y)
{
	int lines = 1;

	for (size_t s = 0, x = LABEL_W; s < n; s++) {
		size_t w = 24 + 7 * mc_text_width(series[s]); /* a wide character: two */

		if (x + w > WIDTH && x > LABEL_W)
			x = LABEL_W, y += 16, lines++;
		if (b) {
			mc_buf_addf(b, "<rect class=\"%s\" x=\"%zu\" y=\"%zu\" width=\"10\" "
			            "height=\"10\"></rect><text x=\"%zu\" y=\"%zu\">", classes[s], x, y,
			            x + 14, y + 9);
			mc_html_text(b, series[s]);
			mc_buf_lit(b, "</text>");
		}
		x += w;
	}
	return lines;
}

/* The scale under the bars at y: a line, and 0, half and the largest sum. */
static void axis(mc_buf *b, int y, size_t max)
{
	mc_buf_addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"></line>",
	            LABEL_W, y, LABEL_W + BAR_W, y);
	for (int k = 0; k <= 2; k++) {
		int x = LABEL_W + BAR_W * k / 2;

		mc_buf_addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"></line>"
		            "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">%zu</text>", x, y, x, y + 4,
		            x, y + 15, k == 0 ? "start" : k == 1 ? "middle" : "end", max * (size_t)k / 2);
	}
}

/*
 * A horizontal bar chart in SVG: one bar per row, stacked by series, with a
 * title, a scale, a text alternative (the numbers themselves, also in
 * <desc>) and a legend. values[row * n_series + s].
 */
void mc_html_bars(mc_buf *b, const char *title, const char *const *rows, size_t n_rows,
                  const char *const *series, const char *const *classes, size_t n_series,
                  const size_t *values)
{
	int base = TOP + (int)n_rows * ROW_H, height;
	size_t max = 1;

	height = base + 26 + 16 * legend(NULL, series, classes, n_series, 0);
	for (size_t r = 0; r < n_rows; r++) {
		size_t sum = 0;

		for (size_t s = 0; s < n_series; s++)
			sum += values[r * n_series + s];
		if (sum > max)
			max = sum;
	}
	mc_buf_addf(b, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
	            "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"><title>",
	            WIDTH, height, WIDTH, height);
	mc_html_text(b, title);
	mc_buf_lit(b, "</title><desc>");
	for (size_t r = 0; r < n_rows; r++) {
		mc_html_text(b, rows[r]);
		for (size_t s = 0; s < n_series; s++) {
			mc_buf_addf(b, "%s %zu ", s ? "," : ":", values[r * n_series + s]);
			mc_html_text(b, series[s]); /* an MX host's name: from a report */
		}
		mc_buf_lit(b, "; ");
	}
	mc_buf_lit(b, "</desc><text x=\"0\" y=\"16\" class=\"ct\">");
	mc_html_text(b, title);
	mc_buf_lit(b, "</text>");
	for (size_t r = 0; r < n_rows; r++) {
		int y = TOP + (int)r * ROW_H, x = LABEL_W;

		mc_buf_addf(b, "<text x=\"0\" y=\"%d\">", y + 14);
		short_label(b, rows[r]); /* in full in the <desc> and the page's tables */
		mc_buf_lit(b, "</text>");
		for (size_t s = 0; s < n_series; s++) {
			size_t v = values[r * n_series + s];
			int w = (int)((double)v * BAR_W / (double)max + 0.5);

			if (!v)
				continue;
			mc_buf_addf(b, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\">"
			            "<title>%zu ", classes[s], x, y, w < 1 ? 1 : w, ROW_H - 6, v);
			mc_html_text(b, series[s]);
			mc_buf_lit(b, "</title></rect>");
			x += w < 1 ? 1 : w;
		}
	}
	axis(b, base - 2, max);
	legend(b, series, classes, n_series, (size_t)base + 22);
	mc_buf_lit(b, "</svg></figure>");
}

static const char style[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:70em;color:#222}"
	"h1{font-size:1.4em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;"
	"text-align:left;vertical-align:top}code{font-size:.9em;color:#555}"
	".st{font-weight:600;padding:0 .3em;border-radius:3px}"
	".st-pass,.st-info{background:#d9f2d9}.st-warning,.st-softfail,.st-not_published,.st-none,"
	".st-neutral,.st-changed{background:#fff1c2}.st-error,.st-fail,.st-permerror,.st-worse"
	"{background:#f8d0d0}.st-temperror,.st-not_checked,.st-same{background:#e4e4e4}"
	".st-better,.st-passes,.st-spf_only{background:#d9f2d9}.st-forwarded{background:#dbe9f6}"
	".st-not_aligned,.st-not_in_spf{background:#fff1c2}.st-spoofing,.st-fails"
	"{background:#f8d0d0}"
	".fix{color:#333}ul.findings li{margin:.3em 0}svg text{font-size:12px;fill:#222}"
	"svg .ct{font-weight:600;font-size:13px}rect.pass{fill:#5cb85c}rect.warning{fill:#e6b400}"
	"rect.error{fill:#d9534f}rect.not_published{fill:#9ecae1}rect.not_checked{fill:#bbb}"
	"rect.delay{fill:#4a7ab5}rect.spoofing{fill:#7b3294}figure{margin:1em 0}"
	".overview table{font-size:.85em}"
	"@media print{body{margin:0}h2{break-after:avoid}table,figure{break-inside:avoid}}";

struct mc_page {
	pthread_mutex_t lock;
	char *title;
	mc_buf overview;     /* before the sections: a batch's table and chart */
	mc_buf sections;
	size_t n_sections;
};

mc_page *mc_page_new(const char *title)
{
	mc_page *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	p->title = mc_strdup(title ? title : "mailcheck");
	return p;
}

void mc_page_free(mc_page *p)
{
	if (!p)
		return;
	mc_buf_free(&p->overview);
	mc_buf_free(&p->sections);
	pthread_mutex_destroy(&p->lock);
	free(p->title);
	free(p);
}

void mc_page_add_section(mc_page *p, const char *html)
{
	if (!html)
		return;
	pthread_mutex_lock(&p->lock);
	mc_buf_add(&p->sections, html, strlen(html));
	p->n_sections++;
	pthread_mutex_unlock(&p->lock);
}

void mc_page_set_overview(mc_page *p, const char *html)
{
	pthread_mutex_lock(&p->lock);
	p->overview.len = 0;
	if (html)
		mc_buf_add(&p->overview, html, strlen(html));
	pthread_mutex_unlock(&p->lock);
}

size_t mc_page_sections(mc_page *p)
{
	size_t n;

	pthread_mutex_lock(&p->lock);
	n = p->n_sections;
	pthread_mutex_unlock(&p->lock);
	return n;
}

mc_status mc_page_write(mc_page *p, const char *path)
{
	FILE *fp = fopen(path, "w");
	mc_buf title = {0};
	bool ok;

	if (!fp)
		return mc_error_set(MC_EIO, "cannot write %s: %s", path, mc_strerror(errno));
	mc_html_text(&title, p->title);
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	            "style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'\">"
	            "<meta name=\"viewport\" content=\"width=device-width\">"
	            "<title>%s</title><style>%s</style></head><body><h1>%s</h1>\n",
	        /* TRANSLATORS: the language of an --html page, as HTML's lang
	         * attribute names it (BCP 47: en, ja) */
	        _("en"), title.s ? title.s : "", style, title.s ? title.s : "");
	if (p->overview.len)
		fwrite(p->overview.s, 1, p->overview.len, fp);
	if (p->sections.len)
		fwrite(p->sections.s, 1, p->sections.len, fp);
	fprintf(fp, "<footer><p>%s</p></footer></body></html>\n", _("Written by mailcheck."));
	mc_buf_free(&title);
	ok = !ferror(fp);
	ok = fclose(fp) == 0 && ok;
	return ok ? MC_OK : mc_error_set(MC_EIO, "cannot write %s: %s", path, mc_strerror(errno));
}
