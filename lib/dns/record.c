/*
 * --record FILE: the DNS answers a run used, written as a zone file that
 * --zone FILE answers from (zone.c) the same way:
 *   - every record of every answer (CNAMEs followed included), at its TTL;
 *   - NODATA: the name kept existing by an HINFO record (a type no check
 *     asks), so that the replay says NODATA and not NXDOMAIN;
 *   - NXDOMAIN: nothing (a name in no zone is NXDOMAIN), a comment;
 *   - a timeout as ";! timeout NAME TYPE", any other failure (SERVFAIL,
 *     REFUSED, a malformed answer, a failed TCP retry) as ";! servfail".
 * Names are written in presentation format through ldns (a dot, a space, a
 * quote or a byte over 127 inside a label as \. or \DDD), so that a hostile
 * name reads back as the same name; TXT data as quoted strings of at most
 * 255 bytes with every other byte escaped (RFC 1035 5.1). Lines are kept
 * once each: answers repeat across a batch's reports.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "dns/internal.h"

#define MAX_LINES 4000000 /* a recording of more is cut (said in the file) */

struct mc_dns_recording {
	pthread_mutex_t lock;
	char **slots;        /* open addressing: every line written once */
	size_t n, cap;       /* lines, slots (a power of two) */
	mc_buf out;
	size_t dropped;      /* lines past MAX_LINES */
};

mc_dns_recording *mc_dns_recording_new(void)
{
	mc_dns_recording *rec = calloc(1, sizeof(*rec));

	if (rec)
		pthread_mutex_init(&rec->lock, NULL);
	return rec;
}

void mc_dns_recording_free(mc_dns_recording *rec)
{
	if (!rec)
		return;
	for (size_t i = 0; i < rec->cap; i++)
		free(rec->slots[i]);
	free(rec->slots);
	mc_buf_free(&rec->out);
	pthread_mutex_destroy(&rec->lock);
	free(rec);
}

static size_t hash(const char *s)
{
	return (size_t)mc_fnv1a(s, strlen(s), MC_FNV_INIT);
}

static bool grow(mc_dns_recording *rec)
{
	size_t cap = rec->cap ? rec->cap * 2 : 1024;
	char **slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return false;
	for (size_t i = 0; i < rec->cap; i++) {
		size_t j;

		if (!rec->slots[i])
			continue;
		for (j = hash(rec->slots[i]) & (cap - 1); slots[j]; j = (j + 1) & (cap - 1))
			;
		slots[j] = rec->slots[i];
	}
	free(rec->slots);
	rec->slots = slots;
	rec->cap = cap;
	return true;
}

/* Write the line unless it was written before. */
static void line(mc_dns_recording *rec, const char *text)
{
	size_t j;

	if (rec->n >= MAX_LINES) {
		rec->dropped++;
		return;
	}
	if ((rec->n + 1) * 2 > rec->cap && !grow(rec))
		return;
	for (j = hash(text) & (rec->cap - 1); rec->slots[j]; j = (j + 1) & (rec->cap - 1))
		if (strcmp(rec->slots[j], text) == 0)
			return;
	if (!(rec->slots[j] = mc_strdup(text)))
		return;
	rec->n++;
	mc_buf_add(&rec->out, text, strlen(text));
	mc_buf_add(&rec->out, "\n", 1);
}

/* A name in presentation format with its final dot: ldns escapes a dot, a
 * backslash and the bytes that are not printable (\DDD); the characters a
 * zone file reads specially ('"', '(', ')', ';') are escaped here too
 * (RFC 1035 5.1), leaving ldns's escapes as they are. */
static char *presentation(const char *name)
{
	ldns_rdf *d = NULL;
	mc_buf b = {0};
	char *s;

	if (ldns_str2rdf_dname(&d, *name ? name : ".") != LDNS_STATUS_OK)
		return NULL;
	s = ldns_rdf2str(d);
	ldns_rdf_deep_free(d);
	for (const char *p = s; p && *p; p++) {
		if (*p == '\\' && p[1]) { /* a backslash escape of ldns: kept */
			size_t n = isdigit((unsigned char)p[1]) ? 4 : 2;

			mc_buf_add(&b, p, strnlen(p, n));
			p += strnlen(p, n) - 1;
		} else if (strchr("\"();", *p)) {
			mc_buf_addf(&b, "\\%03u", (unsigned char)*p);
		} else {
			mc_buf_add(&b, p, 1);
		}
	}
	free(s);
	return mc_buf_take(&b);
}

/* TXT data as quoted character-strings of at most 255 bytes. */
static void txt_strings(mc_buf *b, const char *data, size_t len)
{
	for (size_t at = 0; at < len || at == 0; at += 255) {
		size_t n = len - at < 255 ? len - at : 255;

		mc_buf_add(b, at ? " \"" : "\"", at ? 2 : 1);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)data[at + i];

			if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
				mc_buf_addf(b, "\\%03u", c);
			else
				mc_buf_add(b, (const char *)&c, 1);
		}
		mc_buf_add(b, "\"", 1);
		if (len == 0)
			break;
	}
}

static void record_rr(mc_dns_recording *rec, const mc_dns_rr *rr)
{
	char *owner = presentation(rr->owner), type[32];
	mc_buf b = {0};

	if (!owner)
		return;
	{
		char *t = ldns_rr_type2str((ldns_rr_type)rr->type);

		snprintf(type, sizeof(type), "%s", t ? t : "TYPE0");
		free(t);
	}
	mc_buf_addf(&b, "%s %u IN %s ", owner, (unsigned)rr->ttl, type);
	switch (rr->type) {
	case MC_RR_TXT:
	case MC_RR_SPF:
		txt_strings(&b, rr->data, rr->data_len);
		break;
	case MC_RR_MX:
	case MC_RR_CNAME:
	case MC_RR_PTR:
	case MC_RR_NS: {
		char *target = presentation(rr->data);

		if (!target)
			break;
		if (rr->type == MC_RR_MX)
			mc_buf_addf(&b, "%u ", rr->preference);
		mc_buf_add(&b, target, strlen(target));
		free(target);
		break;
	}
	default: /* A, AAAA and the rest: presentation format already */
		mc_buf_add(&b, rr->data, rr->data_len ? rr->data_len : strlen(rr->data));
	}
	if (b.s)
		line(rec, b.s);
	mc_buf_free(&b);
	free(owner);
}

static void record_answer(mc_dns_recording *rec, const mc_dns_answer *a)
{
	char *name = presentation(a->name), *type = ldns_rr_type2str((ldns_rr_type)a->type);
	mc_buf b = {0};

	if (name && type) {
		switch (a->status) {
		case MC_DNS_OK:
			for (size_t i = 0; i < a->n_rrs; i++)
				record_rr(rec, &a->rrs[i]);
			break;
		case MC_DNS_NODATA:
			mc_buf_addf(&b, "%s 300 IN HINFO \"mailcheck\" \"recorded: the name exists\"", name);
			break;
		case MC_DNS_NXDOMAIN:
			mc_buf_addf(&b, "; NXDOMAIN %s %s", name, type);
			break;
		case MC_DNS_TIMEOUT:
			mc_buf_addf(&b, ";! timeout %s %s", name, type);
			break;
		default:
			mc_buf_addf(&b, ";! servfail %s %s", name, type);
		}
		if (b.s)
			line(rec, b.s);
	}
	mc_buf_free(&b);
	free(name);
	free(type);
}

void mc_dns_recording_add(mc_dns_recording *rec, const mc_dns_log *log)
{
	if (!rec || !log)
		return;
	pthread_mutex_lock(&rec->lock);
	for (size_t i = 0; i < log->n; i++)
		if (log->entries[i].answer)
			record_answer(rec, log->entries[i].answer);
	pthread_mutex_unlock(&rec->lock);
}

mc_status mc_dns_recording_write(mc_dns_recording *rec, const char *path, const char *what)
{
	FILE *fp = fopen(path, "w");
	bool ok;

	if (!fp)
		return mc_error_set(MC_EIO, "cannot write %s: %s", path, mc_strerror(errno));
	fprintf(fp, "; mailcheck --record: the DNS answers of %s, %zu lines.\n"
	            "; Replay: mailcheck --zone %s ... (DNSSEC is not checked offline).\n",
	        what, rec->n, path);
	if (rec->dropped)
		fprintf(fp, "; %zu further lines were not recorded (at most %d)\n", rec->dropped,
		        MAX_LINES);
	if (rec->out.len)
		fwrite(rec->out.s, 1, rec->out.len, fp);
	ok = !ferror(fp);
	ok = fclose(fp) == 0 && ok;
	return ok ? MC_OK : mc_error_set(MC_EIO, "cannot write %s: %s", path, mc_strerror(errno));
}
