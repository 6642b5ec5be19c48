/*
 * A response read straight from the wire (RFC 1035 4.1) into an answer,
 * without building ldns's packet: ldns allocates every record, name and
 * field of every section, which cost a domain batch more than the checks.
 *
 * This reader is the fast path for the responses a mail check mostly gets:
 * only records of the types it knows (A, AAAA, MX, CNAME, PTR, NS, TXT,
 * SPF, SOA and EDNS's OPT) with names of letters, digits, '-' and '_', every
 * record's data exactly filling its length, compression pointers pointing
 * back. Anything else -- a DNSSEC signature, another type, an odd name, a
 * malformed or trailing byte -- and it declines (MC_EPARSE), and the
 * caller reads the response with ldns as before. What it accepts, ldns
 * accepts too, and both give the same answer: fuzz_dns_wire and
 * tests/unit/test_wire.c hold it to that.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "dns/internal.h"

enum {
	T_A = 1, T_NS = 2, T_CNAME = 5, T_SOA = 6, T_PTR = 12, T_MX = 15, T_TXT = 16,
	T_AAAA = 28, T_OPT = 41, T_SPF = 99,
};

#define MAX_RECORDS 64    /* in the answer section; more: ldns reads it */

struct rec {
	char owner[256];      /* its text; "" for the root (OPT) */
	uint16_t type;
	uint32_t ttl;
	size_t rdata, rdlen;
};

/* A response read once: its flags and the records of its answer section. */
struct msg {
	bool tc, ad;
	int rcode;
	size_t n;
	struct rec answers[MAX_RECORDS];
};

static uint16_t u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool plain_byte(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/*
 * The name at *pos: its text (lower case, labels joined by '.', no trailing
 * dot) into text when not NULL, and *pos moved past it. False when it is
 * not one this reader takes: out of bounds, a label over 63 bytes or of the
 * reserved kinds, a pointer that does not point back, more than 255 bytes,
 * a byte that is not plain, or the root alone (which ldns writes ".").
 */
static bool read_name(const uint8_t *w, size_t len, size_t *pos, char text[256])
{
	size_t at = *pos, out = 0, wire_len = 1, limit = *pos;
	bool jumped = false;

	for (;;) {
		if (at >= len)
			return false;
		uint8_t l = w[at];

		if (l >= 0xc0) { /* RFC 1035 4.1.4: a pointer to an earlier name */
			if (at + 2 > len)
				return false;
			size_t target = (size_t)(l & 0x3f) << 8 | w[at + 1];

			if (target == 0 || target >= limit)
				return false;
			if (!jumped)
				*pos = at + 2;
			jumped = true;
			limit = target;
			at = target;
			continue;
		}
		if (l > 63)
			return false;
		if (l == 0)
			break;
		if (at + 1 + l > len || (wire_len += 1u + l) > 255)
			return false;
		for (size_t i = 0; i < l; i++) {
			uint8_t c = w[at + 1 + i];

			if (!plain_byte(c))
				return false;
			if (text)
				text[out++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		if (text)
			text[out++] = '.';
		at += 1u + l;
	}
	if (text) {
		if (out == 0)
			return false; /* the root */
		text[out - 1] = '\0';
	}
	if (!jumped)
		*pos = at + 1;
	return true;
}

/* A record's data exactly as its type lays it out. */
static bool rdata_ok(const uint8_t *w, size_t len, uint16_t type, size_t at, size_t rdlen)
{
	size_t end = at + rdlen, p = at;
	char text[256];

	switch (type) {
	case T_A:
		return rdlen == 4;
	case T_AAAA:
		return rdlen == 16;
	case T_MX:
		p += 2;
		return rdlen > 2 && read_name(w, len, &p, text) && p == end;
	case T_NS:
	case T_CNAME:
	case T_PTR:
		return rdlen > 0 && read_name(w, len, &p, text) && p == end;
	case T_SOA:
		return rdlen > 0 && read_name(w, len, &p, text) && p < end &&
		       read_name(w, len, &p, text) && p + 20 == end;
	case T_TXT:
	case T_SPF:
		if (rdlen == 0)
			return false;
		while (p < end)
			p += 1u + w[p];
		return p == end;
	default:
		return false;
	}
}

/* One record at *pos: its owner, fixed fields and data checked. */
static bool read_record(const uint8_t *w, size_t len, size_t *pos, int section, struct rec *r)
{
	bool root = *pos < len && w[*pos] == 0;

	if (root) {
		r->owner[0] = '\0';
		++*pos;
	} else if (!read_name(w, len, pos, r->owner)) {
		return false;
	}
	if (*pos + 10 > len)
		return false;
	r->type = u16(w + *pos);
	r->ttl = (uint32_t)u16(w + *pos + 4) << 16 | u16(w + *pos + 6);
	r->rdlen = u16(w + *pos + 8);
	r->rdata = *pos + 10;
	if (r->rdata + r->rdlen > len)
		return false;
	*pos = r->rdata + r->rdlen;
	if (r->type == T_OPT) /* EDNS, in the additional section only, at the root */
		return section == 3 && root;
	if (root)
		return false; /* a record at the root: ldns's text for it is "." */
	return rdata_ok(w, len, r->type, r->rdata, r->rdlen);
}

/* The record, converted as mc_dns_answer_add_ldns converts ldns's. */
static mc_status add_record(mc_dns_answer *a, const uint8_t *w, size_t len, const struct rec *r)
{
	mc_dns_rr out = {.type = r->type, .ttl = r->ttl};
	char text[256];
	size_t p = r->rdata;

	out.owner = mc_strdup(r->owner);
	switch (r->type) {
	case T_A:
	case T_AAAA: {
		char ip[INET6_ADDRSTRLEN];

		memcpy(out.addr, w + p, r->rdlen);
		inet_ntop(r->type == T_A ? AF_INET : AF_INET6, out.addr, ip, sizeof(ip));
		out.data = mc_strdup(ip);
		out.data_len = strlen(ip);
		break;
	}
	case T_MX:
		out.preference = u16(w + p);
		p += 2;
		/* fall through */
	case T_NS:
	case T_CNAME:
	case T_PTR:
		read_name(w, len, &p, text);
		out.data = mc_strdup(text);
		out.data_len = strlen(text);
		break;
	default: { /* TXT, SPF: the strings joined (RFC 7208 3.3) */
		mc_buf b = {0};

		for (size_t end = p + r->rdlen; p < end; p += 1u + w[p])
			if (w[p] && mc_buf_add(&b, (const char *)w + p + 1, w[p]) < 0)
				break;
		out.data_len = b.len;
		out.data = mc_buf_take(&b);
		break;
	}
	}
	return mc_dns_answer_push(a, &out);
}

/* The name asked, as this reader would write it: plain labels only. */
static bool plain_name(const char *name, char folded[256])
{
	size_t n = strlen(name), label = 0;

	if (n > 1 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (!plain_byte((uint8_t)c) || ++label > 63) {
			return false;
		}
		folded[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	folded[n] = '\0';
	return label > 0;
}

/* Follow CNAMEs from the name asked, then take the records of the type
 * asked (as mc_dns_answer_from_pkt does with ldns's packet). */
static mc_status take_records(mc_dns_answer *a, const uint8_t *w, size_t len,
                              const struct rec *recs, size_t n, const char *asked,
                              bool *found, bool *chain_ended)
{
	char name[256];
	mc_status st;

	strcpy(name, asked);
	for (int hops = 0; hops <= MC_DNS_MAX_CNAME; hops++) {
		const struct rec *cname = NULL;

		for (size_t i = 0; i < n; i++) {
			if (strcmp(recs[i].owner, name) != 0)
				continue;
			if (recs[i].type == a->type) {
				if ((st = add_record(a, w, len, &recs[i])) != MC_OK)
					return st;
				*found = true;
			} else if (recs[i].type == T_CNAME && !cname) {
				cname = &recs[i];
			}
		}
		if (*found || !cname) {
			*chain_ended = true;
			return MC_OK;
		}
		if ((st = add_record(a, w, len, cname)) != MC_OK)
			return st;
		size_t p = cname->rdata;

		read_name(w, len, &p, name);
	}
	return MC_OK;
}

/* The whole response read and checked into m; false when this reader does
 * not take it. */
static bool read_msg(const uint8_t *w, size_t len, struct msg *m)
{
	size_t pos = 12;
	struct rec other;

	if (len < 12 || u16(w + 6) > MAX_RECORDS)
		return false;
	m->n = u16(w + 6);
	for (int s = 0; s < 4; s++)
		for (unsigned i = 0; i < u16(w + 4 + 2 * s); i++) {
			if (s == 0) { /* the question: a name, a type and a class */
				if (!read_name(w, len, &pos, NULL) || (pos += 4) > len)
					return false;
			} else if (!read_record(w, len, &pos, s, s == 1 ? &m->answers[i] : &other)) {
				return false;
			}
		}
	m->tc = w[2] & 0x02;
	m->ad = w[3] & 0x20;
	m->rcode = w[3] & 0x0f;
	return pos == len;
}

mc_status mc_dns_answer_from_wire(mc_dns_answer *a, const uint8_t *w, size_t len)
{
	struct msg m;
	char asked[256];
	bool found = false, chain_ended = false;
	mc_status st;

	/* a truncated response is not the answer: ldns reads it for its retry */
	if (!read_msg(w, len, &m) || m.tc || !plain_name(a->name, asked))
		return MC_EPARSE;
	if ((st = take_records(a, w, len, m.answers, m.n, asked, &found, &chain_ended)) != MC_OK)
		return st;
	mc_dns_answer_set_status(a, m.rcode, m.ad, found, chain_ended);
	return MC_OK;
}
