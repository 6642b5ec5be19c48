/* JSON pieces shared by every command: head, findings, DNS log, strings. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "report/internal.h"

/*
 * The arena of a render: while a result is built as a jansson tree, written
 * and let go, jansson's allocations come from this thread's blocks (bump
 * allocation, and a free that does nothing), and the blocks are reused by
 * the next render. A domain's tree is a thousand small objects: malloc and
 * free of each cost as much as writing them out. Outside a render (and for
 * what was allocated outside one) jansson gets malloc and free.
 */
struct block {
	struct block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

#define BLOCK_SIZE (64 * 1024)

static _Thread_local struct {
	struct block *blocks; /* the newest first */
	bool on;
} arena;

static void *arena_malloc(size_t n)
{
	struct block *b = arena.blocks;

	if (!arena.on)
		return malloc(n);
	n = (n + 15) & ~(size_t)15;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > BLOCK_SIZE ? n : BLOCK_SIZE;

		if (!(b = malloc(sizeof(*b) + cap)))
			return NULL;
		*b = (struct block){.next = arena.blocks, .cap = cap};
		arena.blocks = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

static void arena_free(void *p)
{
	for (const struct block *b = arena.blocks; p && b; b = b->next)
		if ((unsigned char *)p >= b->data && (unsigned char *)p < b->data + b->cap)
			return; /* the arena's: let go with it */
	free(p);
}

static pthread_once_t arena_once = PTHREAD_ONCE_INIT;
static pthread_key_t arena_key;  /* set in a thread that has blocks: frees them at its end */
static bool arena_key_made;

static void arena_release(void *unused)
{
	(void)unused;
	while (arena.blocks) {
		struct block *next = arena.blocks->next;

		free(arena.blocks);
		arena.blocks = next;
	}
}

static void arena_install(void)
{
	arena_key_made = pthread_key_create(&arena_key, arena_release) == 0;
	json_set_alloc_funcs(arena_malloc, arena_free);
}

void mc_json_arena_begin(void)
{
	pthread_once(&arena_once, arena_install);
	if (arena_key_made && !pthread_getspecific(arena_key))
		pthread_setspecific(arena_key, &arena); /* any non-NULL value: the destructor runs */
	arena.on = true;
}

void mc_json_arena_end(void)
{
	struct block *keep = arena.blocks;

	arena.on = false;
	if (!keep)
		return;
	/* keep the first block made (the last of the list) for the next render */
	while (keep->next) {
		struct block *next = keep->next;

		free(keep);
		keep = next;
	}
	keep->used = 0;
	arena.blocks = keep;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
	size_t n;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/*
 * How many bytes from s on a JSON string may hold as they are: none of '"',
 * '\\' or a control below 0x20 (and, with ascii, nothing from 0x80 up).
 * Eight bytes at a time: a word with no such byte is passed whole.
 */
static size_t plain_run(const char *s, size_t len, bool ascii)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t x, q, bs;

		memcpy(&x, s + i, 8);
		q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
		/* a byte below 0x20, a zero byte of q or of bs (each sets its high bit) */
		if ((((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs) |
		     (ascii ? x : 0)) & highs)
			break;
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"' || c == '\\' || (ascii && c >= 0x80))
			break;
	}
	return i;
}

/* How many bytes from s on are ASCII (below 0x80), eight at a time. */
static size_t ascii_run(const char *s, size_t len)
{
	size_t i = 0;

	for (uint64_t x; i + 8 <= len; i += 8) {
		memcpy(&x, s + i, 8);
		if (x & 0x8080808080808080u)
			break;
	}
	while (i < len && (unsigned char)s[i] < 0x80)
		i++;
	return i;
}

/* Bytes from outside as a JSON string: valid UTF-8 as it is, every other
 * byte as the four characters \xHH, so that nothing is lost or rejected. */
json_t *mc_json_bytes(const char *s, size_t len)
{
	mc_buf b = {0};
	json_t *j;
	size_t i = 0, run = 0;

	while (i < len) {
		size_t n = utf8_seq((const unsigned char *)s + i, len - i);

		if (n == 1) /* ASCII: the run of it at once */
			n = ascii_run(s + i, len - i);
		if (n) {
			i += n;
			continue;
		}
		mc_buf_add(&b, s + run, i - run);
		mc_buf_addf(&b, "\\x%02x", (unsigned char)s[i]);
		run = ++i;
	}
	/* valid UTF-8 now: jansson need not check it again */
	if (run == 0) /* the common case: all valid, no copy */
		return json_stringn_nocheck(s, len);
	mc_buf_add(&b, s + run, len - run);
	j = json_stringn_nocheck(b.s ? b.s : "", b.len);
	mc_buf_free(&b);
	return j;
}

json_t *mc_json_str(const char *s)
{
	return s ? mc_json_bytes(s, strlen(s)) : json_null();
}

json_t *mc_json_head(const char *command)
{
	json_t *o = json_object();

	json_object_set_new(o, "schema_version", json_integer(MC_SCHEMA_VERSION));
	json_object_set_new(o, "command", json_string(command));
	return o;
}

char *mc_rr_data_text(const mc_dns_rr *rr)
{
	if (rr->type == MC_RR_MX)
		return mc_asprintf("%u %s", rr->preference, rr->data);
	return mc_strndup(rr->data, rr->data_len);
}

static json_t *findings_json(const mc_findings *f)
{
	json_t *list = json_array();

	for (size_t i = 0; i < f->n; i++) {
		const mc_finding *x = &f->items[i];
		json_t *o = json_object();

		json_object_set_new(o, "code", json_string(x->code));
		json_object_set_new(o, "severity", json_string(mc_severity_name(x->severity)));
		json_object_set_new(o, "message", mc_json_str(x->message));
		if (x->hint)
			json_object_set_new(o, "hint", mc_json_str(x->hint));
		json_array_append_new(list, o);
	}
	return list;
}

/*
 * The DNS log, written straight to text: it is most of every JSON output (a
 * domain check logs ~50 queries), and building it as jansson objects cost
 * more than all the checks. The same JSON jansson would write: strings as
 * mc_json_bytes gives them (valid UTF-8 as is, other bytes as "\xHH"),
 * escaped as jansson escapes.
 */
static void text_bytes(mc_buf *b, const char *s, size_t len)
{
	/* \xHH as mc_json_bytes writes it; \u00XX with capitals, as jansson */
	static const char hex[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
	size_t run = 0, i = 0;

	mc_buf_add(b, "\"", 1);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c >= 0x20 && c != '"' && c != '\\' ? utf8_seq((const unsigned char *)s + i,
		                                                          len - i) : 0;

		if (n == 1) /* plain ASCII: the run of it at once */
			n = plain_run(s + i, len - i, true);
		char esc[8];
		size_t elen;

		if (n) {
			i += n;
			continue;
		}
		mc_buf_add(b, s + run, i - run);
		if (c == '"' || c == '\\') {
			esc[0] = '\\', esc[1] = (char)c, elen = 2;
		} else if (c < 0x20) {
			static const char shorts[] = {['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n',
			                              ['\r'] = 'r', ['\t'] = 't'};

			if (c < sizeof(shorts) && shorts[c]) {
				esc[0] = '\\', esc[1] = shorts[c], elen = 2;
			} else {
				memcpy(esc, "\\u00", 4);
				esc[4] = upper[c >> 4], esc[5] = upper[c & 15], elen = 6;
			}
		} else { /* not UTF-8: the four characters \xHH, the backslash escaped */
			memcpy(esc, "\\\\x", 3);
			esc[3] = hex[c >> 4], esc[4] = hex[c & 15], elen = 5;
		}
		mc_buf_add(b, esc, elen);
		run = ++i;
	}
	mc_buf_add(b, s + run, len - run);
	mc_buf_add(b, "\"", 1);
}

static void add_str(mc_buf *b, const char *s)
{
	mc_buf_add(b, s, strlen(s));
}

static void add_uint(mc_buf *b, unsigned long v)
{
	char d[24];
	size_t i = sizeof(d);

	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10));
	mc_buf_add(b, d + i, sizeof(d) - i);
}

static void text_str(mc_buf *b, const char *s)
{
	if (s)
		text_bytes(b, s, strlen(s));
	else
		mc_buf_add(b, "null", 4);
}

/* A JSON string jansson holds (valid UTF-8) escaped as jansson escapes it. */
static void text_utf8(mc_buf *b, const char *s, size_t len)
{
	/* jansson writes \u00XX with capitals */
	static const char hex[] = "0123456789ABCDEF";
	size_t run = 0;

	mc_buf_add(b, "\"", 1);
	for (size_t i = plain_run(s, len, false); i < len; i = run + plain_run(s + run, len - run, false)) {
		unsigned char c = (unsigned char)s[i];
		char esc[6];

		mc_buf_add(b, s + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\') {
			esc[0] = '\\', esc[1] = (char)c;
			mc_buf_add(b, esc, 2);
		} else if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
			esc[0] = '\\';
			esc[1] = c == '\b' ? 'b' : c == '\f' ? 'f' : c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
			mc_buf_add(b, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
			mc_buf_add(b, esc, 6);
		}
	}
	mc_buf_add(b, s + run, len - run);
	mc_buf_add(b, "\"", 1);
}

static void write_object(mc_buf *b, const json_t *j)
{
	const char *key;
	json_t *v;
	bool first = true;

	mc_buf_add(b, "{", 1);
	/* jansson 2.14 iterates in insertion order */
	json_object_foreach((json_t *)j, key, v) {
		if (!first)
			mc_buf_add(b, ",", 1);
		first = false;
		text_utf8(b, key, strlen(key));
		mc_buf_add(b, ":", 1);
		mc_json_write(b, v);
	}
	mc_buf_add(b, "}", 1);
}

static void write_array(mc_buf *b, const json_t *j)
{
	mc_buf_add(b, "[", 1);
	for (size_t i = 0; i < json_array_size(j); i++) {
		if (i)
			mc_buf_add(b, ",", 1);
		mc_json_write(b, json_array_get(j, i));
	}
	mc_buf_add(b, "]", 1);
}

static void write_integer(mc_buf *b, json_int_t v)
{
	if (v < 0) {
		mc_buf_add(b, "-", 1);
		add_uint(b, 0 - (unsigned long)v);
	} else {
		add_uint(b, (unsigned long)v);
	}
}

/* As jansson writes a real: %.17g, ".0" when it reads as an integer. */
static void write_real(mc_buf *b, double v)
{
	char d[40];
	int n = snprintf(d, sizeof(d), "%.17g", v);

	mc_buf_add(b, d, (size_t)n);
	if (!strpbrk(d, ".eEni"))
		mc_buf_add(b, ".0", 2);
}

void mc_json_write(mc_buf *b, const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		write_object(b, j);
		break;
	case JSON_ARRAY:
		write_array(b, j);
		break;
	case JSON_STRING:
		text_utf8(b, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		write_integer(b, json_integer_value(j));
		break;
	case JSON_REAL:
		write_real(b, json_real_value(j));
		break;
	case JSON_TRUE:
		mc_buf_add(b, "true", 4);
		break;
	case JSON_FALSE:
		mc_buf_add(b, "false", 5);
		break;
	default:
		mc_buf_add(b, "null", 4);
		break;
	}
}

/* One record of an answer: {"name", "type", "ttl", "data"}. */
static void rr_text(mc_buf *b, const mc_dns_rr *rr, bool first)
{
	mc_buf_add(b, first ? "{\"name\":" : ",{\"name\":", first ? 8 : 9);
	text_str(b, rr->owner);
	add_str(b, ",\"type\":\"");
	add_str(b, mc_dns_type_name(rr->type));
	add_str(b, "\",\"ttl\":");
	add_uint(b, rr->ttl);
	add_str(b, ",\"data\":");
	if (rr->type == MC_RR_MX) {
		char *text = mc_rr_data_text(rr);

		text_str(b, text);
		free(text);
	} else {
		text_bytes(b, rr->data, rr->data_len);
	}
	mc_buf_add(b, "}", 1);
}

/* Milliseconds with three decimals. */
static void ms_text(mc_buf *b, double ms)
{
	unsigned long us = (unsigned long)((ms > 0 ? ms : 0) * 1000 + 0.5);
	char frac[5] = {'.', (char)('0' + us / 100 % 10), (char)('0' + us / 10 % 10),
	                (char)('0' + us % 10), 0};

	add_uint(b, us / 1000);
	add_str(b, frac);
}

/* The error and DNSSEC state of an answer, when it has them. */
static void answer_state_text(mc_buf *b, const mc_dns_answer *a)
{
	if (a->error) {
		mc_buf_add(b, ",\"error\":", 9);
		text_str(b, a->error);
	}
	if (a->dnssec != MC_DNSSEC_UNCHECKED) { /* only what was validated */
		add_str(b, ",\"dnssec\":\"");
		add_str(b, mc_dnssec_state_name(a->dnssec));
		add_str(b, "\"");
		if (a->dnssec_reason) {
			add_str(b, ",\"dnssec_reason\":");
			text_str(b, a->dnssec_reason);
		}
	}
}

char *mc_json_dns_text(const mc_dns_log *log)
{
	mc_buf b = {0};

	mc_buf_add(&b, "[", 1);
	for (size_t i = 0; i < log->n; i++) {
		const mc_dns_answer *a = log->entries[i].answer;

		mc_buf_add(&b, i ? ",{\"name\":" : "{\"name\":", i ? 9 : 8);
		text_str(&b, a->name);
		add_str(&b, ",\"type\":\"");
		add_str(&b, mc_dns_type_name(a->type));
		add_str(&b, "\",\"status\":\"");
		add_str(&b, mc_dns_status_name(a->status));
		add_str(&b, "\",\"rcode\":");
		text_str(&b, mc_dns_rcode_name(a->rcode));
		mc_buf_add(&b, ",\"answers\":[", 12);
		for (size_t k = 0; k < a->n_rrs; k++)
			rr_text(&b, &a->rrs[k], k == 0);
		add_str(&b, a->ad ? "],\"ad\":true" : "],\"ad\":false");
		add_str(&b, log->entries[i].cached ? ",\"cached\":true,\"time_ms\":0.0"
		                                   : ",\"cached\":false,\"time_ms\":");
		if (!log->entries[i].cached)
			ms_text(&b, a->ms);
		answer_state_text(&b, a);
		mc_buf_add(&b, "}", 1);
	}
	mc_buf_add(&b, "]", 1);
	return mc_buf_take(&b);
}

void mc_json_tail(json_t *obj, const mc_findings *f)
{
	json_object_set_new(obj, "findings", findings_json(f));
}

json_t *mc_json_nested(json_t *o)
{
	json_object_del(o, "schema_version");
	json_object_del(o, "command");
	json_object_del(o, "dns");
	return o;
}

void mc_json_idn(json_t *o, const char *key, const char *ascii)
{
	char *u = mc_domain_to_unicode(ascii);

	if (u)
		json_object_set_new(o, key, mc_json_str(u));
	free(u);
}
