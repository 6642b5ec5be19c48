/*
 * Mail after the first hop: a mailing list (RFC 2369 / RFC 2919 List-*
 * fields, the list managers' own fields) or a forwarder (SRS in the
 * envelope sender, Resent-* fields, X-Forwarded-*) between the author and
 * the receiver; what it changed that broke the author's DKIM signature (a
 * Subject tag, a footer, a rewritten body, a list field the author had
 * signed); whether it rewrote From; and the ARC sealer whose recorded
 * results a receiver could trust instead (RFC 8617).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "verify/internal.h"

/* Fields that name the software of a list: the field, a text its value
 * contains ("" any), the software. */
static const struct {
	const char *field, *contains, *software;
} managers[] = {
	{"X-Mailman-Version", "", "Mailman"},
	{"X-BeenThere", "", "Mailman"},
	{"X-Google-Group-Id", "", "Google Groups"},
	{"X-Google-Groups", "", "Google Groups"},
	{"List-Id", ".googlegroups.com", "Google Groups"},
	{"List-Id", ".groups.io", "Groups.io"},
	{"X-Sympa-To", "", "Sympa"},
	{"X-Loop", "sympa", "Sympa"},
	{"Mailing-List", "ezmlm", "ezmlm"},
	{"X-Mailinglist", "", "mlmmj"},
	{"X-Listprocessor-Version", "", "ListProc"},
	{"X-LISTSERV-ID", "", "LISTSERV"},
	{"X-Ml-Name", "", "fml"},
	{"X-Discourse-Post-Id", "", "Discourse"},
};

static const char *value(const mc_message *msg, const char *name)
{
	size_t i = 0;
	const mc_header *h = mc_message_find(msg, name, &i);

	return h ? h->value : NULL;
}

/* The text between < and > (List-Id: "Dev list <dev.lists.example.net>"). */
static char *bracketed(const char *v)
{
	const char *lt = v ? strchr(v, '<') : NULL, *gt = lt ? strchr(lt, '>') : NULL;

	return gt ? mc_strndup(lt + 1, (size_t)(gt - lt - 1)) : NULL;
}

/* The first mailto: address of a List-Post value. */
static char *mailto(const char *v)
{
	const char *m = v ? strcasestr(v, "mailto:") : NULL;

	return m ? mc_strndup(m + 7, strcspn(m + 7, ">?, \t")) : NULL;
}

static char *domain_of(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;

	return at && at[1] ? mc_dns_name_fold(at + 1) : NULL;
}

static const char *software(const mc_message *msg)
{
	for (size_t k = 0; k < sizeof(managers) / sizeof(managers[0]); k++) {
		const char *v = value(msg, managers[k].field);

		if (v && (!*managers[k].contains || strcasestr(v, managers[k].contains)))
			return managers[k].software;
	}
	return NULL;
}

/* The single address of a header (From, X-Original-From, Reply-To). */
static char *address_of(const char *v)
{
	mc_address_list l;
	char *out = NULL;

	if (!v || mc_address_list_parse(v, strlen(v), &l) != MC_OK)
		return NULL;
	if (l.n >= 1 && l.items[0].local && l.items[0].domain)
		out = mc_asprintf("%s@%s", l.items[0].local, l.items[0].domain);
	mc_address_list_clear(&l);
	return out;
}

/* "[tag]" at the start of the Subject, after any Re:/Fwd: */
static char *subject_tag(const char *subject)
{
	const char *s = subject, *end;

	if (!s)
		return NULL;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!strncasecmp(s, "re:", 3) || !strncasecmp(s, "aw:", 3))
			s += 3;
		else if (!strncasecmp(s, "fwd:", 4))
			s += 4;
		else
			break;
	}
	if (*s != '[' || !(end = strchr(s, ']')) || end - s > 64 || end == s + 1)
		return NULL;
	return mc_strndup(s, (size_t)(end - s + 1));
}

/* The envelope domain an SRS address carries (SRS0=HHH=TT=domain=local,
 * SRS1=HHH=forwarder==HHH=TT=domain=local), NULL when not SRS. */
static char *srs_domain(const char *addr)
{
	const char *p, *dd;
	char *d = NULL;

	if (!addr || (strncasecmp(addr, "SRS0", 4) && strncasecmp(addr, "SRS1", 4)) ||
	    (addr[4] != '=' && addr[4] != '-' && addr[4] != '+'))
		return NULL;
	p = addr + 5;
	if ((addr[3] == '1') && (dd = strstr(p, "==")))
		p = dd + 2;
	/* HHH=TT=domain=local@forwarder */
	for (int field = 0; field < 2 && p; field++)
		if ((p = strchr(p, '=')))
			p++;
	if (p && *p)
		d = mc_strndup(p, strcspn(p, "=@"));
	return d;
}

/* Did an author's signature over Subject break on its headers? */
static bool subject_broke(const mc_dkim_sig *s)
{
	if (!s->reason || (strcmp(s->reason, "signature_mismatch") &&
	                   strcmp(s->reason, "body_hash_mismatch")) || s->headers_intact)
		return false;
	for (size_t i = 0; i < s->n_signed_headers; i++)
		if (!strcmp(s->signed_headers[i], "subject"))
			return true;
	return false;
}

/* A list field the signature covers that the message now has (a signer
 * that over-signs List-Id & co. breaks on any list that adds them). */
static const char *signed_list_field(const mc_message *msg, const mc_dkim_sig *s)
{
	static const char *const fields[] = {"list-id", "list-post", "list-unsubscribe",
	                                     "list-help", "list-subscribe", "list-archive",
	                                     "list-owner", "sender", "precedence"};

	if (!s->reason || s->headers_intact)
		return NULL;
	for (size_t i = 0; i < s->n_signed_headers; i++)
		for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
			if (!strcmp(s->signed_headers[i], fields[k]) && mc_message_count(msg, fields[k]))
				return fields[k];
	return NULL;
}

/* What the list changed, from the author's failing signatures. */
static void changes(const mc_message *msg, mc_verify_result *out)
{
	mc_intermediary *via = &out->via;

	for (size_t i = 0; i < out->dkim.n_sigs; i++) {
		const mc_dkim_sig *s = &out->dkim.sigs[i];
		const char *f;

		if (!s->reason || (strcmp(s->reason, "body_hash_mismatch") &&
		                   strcmp(s->reason, "signature_mismatch")))
			continue;
		if (!via->broken_domain)
			via->broken_domain = mc_strdup(s->domain);
		if (via->subject_tag && subject_broke(s))
			via->subject_changed = true;
		if (!strcmp(s->reason, "body_hash_mismatch") && s->body_signed_prefix >= 0 &&
		    s->body_hashed >= s->body_signed_prefix)
			via->footer_bytes = s->body_hashed - s->body_signed_prefix;
		else if (!strcmp(s->reason, "body_hash_mismatch"))
			via->body_rewritten = true;
		if (!via->added_signed && (f = signed_list_field(msg, s)))
			via->added_signed = mc_strdup(f);
	}
}

/* The sealer whose recorded results could stand in for the checks that
 * fail here: the oldest set (nearest the author) that recorded a pass. */
static void arc_sealer(mc_verify_result *out)
{
	const mc_arc_result *arc = &out->dkim.arc;
	static const char *const what[] = {"dmarc=pass", "dkim=pass", "spf=pass"};

	if (arc->verdict != MC_VERDICT_PASS)
		return;
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < arc->n_sets; i++) {
			const mc_arc_set *s = &arc->sets[i];
			const char *r = k == 0 ? s->dmarc : k == 1 ? s->dkim : s->spf;

			if (r && !strcasecmp(r, "pass")) {
				out->via.arc_sealer = mc_strdup(s->seal_domain);
				out->via.arc_sealer_instance = s->instance;
				out->via.arc_sealer_saw = what[k];
				return;
			}
		}
}

void verify_intermediary(const mc_message *msg, mc_verify_result *out)
{
	mc_intermediary *via = &out->via;
	const char *list_id = value(msg, "List-Id"), *post = value(msg, "List-Post");

	via->footer_bytes = -1;
	via->software = software(msg);
	/* a discussion list: List-Post (RFC 2369; "NO" on announcement lists) or
	 * a list manager's own fields. List-Id and List-Unsubscribe alone do not
	 * make one: email service providers set them on newsletters they send
	 * for the author */
	if ((post && strncasecmp(post, "NO", 2)) || via->software) {
		via->kind = "list";
		via->list_id = bracketed(list_id);
		via->list_address = mailto(post);
		via->list_domain = domain_of(via->list_address);
		if (!via->list_domain && via->list_id && strchr(via->list_id, '.'))
			via->list_domain = mc_dns_name_fold(strchr(via->list_id, '.') + 1);
		via->subject_tag = subject_tag(value(msg, "Subject"));
		/* From rewritten to the list (Mailman's DMARC mitigation and others) */
		char *from = address_of(value(msg, "From"));
		char *orig = address_of(value(msg, "X-Original-From"));
		char *from_domain = domain_of(from);
		bool list_from = from && ((via->list_address && !strcasecmp(from, via->list_address)) ||
		                          (from_domain && via->list_domain &&
		                           !strcmp(from_domain, via->list_domain)));

		if (orig || list_from) {
			via->from_rewritten = true;
			via->original_from = orig ? orig : address_of(value(msg, "Reply-To"));
		}
		free(from_domain);
		free(from);
		changes(msg, out);
	}
	/* forwarding: SRS in the envelope sender, Resent-*, X-Forwarded-* */
	char *srs = srs_domain(out->mail_from);

	if (srs) {
		via->srs_domain = srs;
		via->forwarder = domain_of(out->mail_from);
	} else if (value(msg, "Resent-From")) {
		char *a = address_of(value(msg, "Resent-From"));

		via->forwarder = domain_of(a);
		free(a);
	} else if (value(msg, "X-Forwarded-For") || value(msg, "X-Forwarded-To")) {
		const char *v = value(msg, "X-Forwarded-For");
		char *a = v ? mc_strndup(v + strspn(v, " "), strcspn(v + strspn(v, " "), " ,")) : NULL;

		via->forwarder = domain_of(a ? a : value(msg, "X-Forwarded-To"));
		free(a);
	}
	if (!via->kind && (via->forwarder || via->srs_domain)) {
		via->kind = "forwarder";
		changes(msg, out);
	}
	arc_sealer(out);
}

void verify_intermediary_clear(mc_intermediary *via)
{
	free(via->list_id);
	free(via->list_address);
	free(via->list_domain);
	free(via->forwarder);
	free(via->srs_domain);
	free(via->original_from);
	free(via->subject_tag);
	free(via->added_signed);
	free(via->broken_domain);
	free(via->arc_sealer);
	memset(via, 0, sizeof(*via));
}
