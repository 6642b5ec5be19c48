/*
 * mailcheck: parse the global options (before or after the command), pick
 * the command from the table, run it, and make sure stdout was written.
 * Adding a command is adding a file and a row (git's git.c model).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "common/util.h"

#ifndef MC_VERSION
#define MC_VERSION "unknown"
#endif

/*
 * The commands that need libcurl, GMime, libxml2 or libzip -- domain, bounce
 * and report -- run in a helper program, mailcheck-helper (git's model:
 * git-remote-http holds libcurl, not git): mailcheck itself loads only the
 * libraries mx, spf, dkim, dmarc, trace and verify use, and starts as fast as
 * they need; for the three it executes the helper with the same arguments.
 * The helper is this file built with MC_HELPER, every command in it.
 */
#ifdef MC_HELPER
#define IN_HELPER(fn) fn
#else
#define IN_HELPER(fn) NULL
#endif

static const struct command commands[] = {
	{"mx", cmd_mx, "",
	 N_("mail exchangers, their addresses, implicit and null MX"),
	 N_("usage: mailcheck mx DOMAIN [OPTIONS]\n"
	 "\n"
	 "Where mail for DOMAIN goes: its MX hosts by preference with their A and\n"
	 "AAAA addresses; with no MX record, the domain's own addresses (implicit\n"
	 "MX, RFC 5321 5.1); a null MX \"0 .\" (RFC 7505) means it accepts no mail.\n"
	 "Exit status: 0 mail can be delivered, 1 it cannot, 2 usage error,\n"
	 "3 DNS failure (timeout, SERVFAIL).\n"), NULL},
	{"spf", cmd_spf, "--sender= --helo= --compare",
	 N_("SPF: evaluate for a client IP, or check the record"),
	 N_("usage: mailcheck spf DOMAIN [IP [--sender ADDR] [--helo NAME] [--compare]]\n"
	 "\n"
	 "With IP: evaluates the SPF record of DOMAIN for that client (RFC 7208\n"
	 "check_host()) and says which term decided, the path through include: and\n"
	 "redirect=, the lookups counted against the limits, and what to add to the\n"
	 "record when IP is not authorized.\n"
	 "Without IP: walks the include/redirect tree, counts DNS and void lookups\n"
	 "against the limits, lists the authorized networks, and reports syntax\n"
	 "errors (with position), +all/?all, missing all, ptr, loops, includes of\n"
	 "domains without SPF, and records too long for one UDP answer.\n"
	 "  --sender ADDR  the envelope sender (MAIL FROM); its local part feeds\n"
	 "                 macros. Empty or absent: the HELO identity,\n"
	 "                 postmaster@HELO (RFC 7208 2.3)\n"
	 "  --helo NAME    the HELO/EHLO name (macros use \"unknown\" without it)\n"
	 "  --compare      also run libspf2 (as in Exim and other receivers) on the\n"
	 "                 same query and DNS, and say where it decides otherwise\n"
	 "Exit status: 0 pass (lint: no error found), 1 fail, softfail, neutral,\n"
	 "none or permerror (lint: errors), 2 usage error, 3 temperror.\n"), NULL},
	{"dkim", cmd_dkim, "--selector= --compare",
	 N_("DKIM: verify a message's signatures, or check a published key"),
	 N_("usage: mailcheck dkim [FILE|-] [--compare]\n"
	 "       mailcheck dkim DOMAIN --selector SEL\n"
	 "\n"
	 "With a message (FILE, or standard input): verifies every DKIM-Signature\n"
	 "and says for each why it passed or failed: body changed, signed header\n"
	 "changed, key missing, revoked or malformed, expired, weak key or rsa-sha1\n"
	 "(RFC 8301), From not signed, and what was signed (headers, body length).\n"
	 "Use --now TIME to verify as of the time the message arrived; a signature\n"
	 "that expired after it arrived is said to have passed then. The ARC chain\n"
	 "(RFC 8617) is validated too: each set, who sealed it, what it recorded.\n"
	 "  --compare      also verify with libopendkim (as OpenDKIM-based receivers\n"
	 "                 do) and name the rule where it decides otherwise\n"
	 "With DOMAIN --selector SEL: checks the key record SEL._domainkey.DOMAIN.\n"
	 "Exit status: 0 a signature verifies (or the key is usable), 1 none does,\n"
	 "2 usage error or unreadable message, 3 key lookup failed.\n"), NULL},
	{"dmarc", cmd_dmarc, "",
	 N_("DMARC record, organizational domain, policy (RFC 9989 and 7489)"),
	 N_("usage: mailcheck dmarc DOMAIN\n"
	 "\n"
	 "Finds the DMARC record that applies to mail From DOMAIN by the RFC 9989\n"
	 "DNS tree walk, and says what the policy asks receivers to do with mail\n"
	 "that fails, for the domain, its subdomains and non-existent subdomains;\n"
	 "where reports go and whether outside destinations accept them; and what\n"
	 "RFC 7489 receivers (public suffix list, pct) and OpenDMARC 1.4 decide\n"
	 "where that differs.\n"
	 "Exit status: 0 a valid record applies (any p), 1 no record or an invalid\n"
	 "one, 2 usage error, 3 DNS failure.\n"), NULL},
	{"trace", cmd_trace, "--trust=",
	 N_("Received chain: hops, delays, trust boundary, local delivery"),
	 N_("usage: mailcheck trace [FILE|-] [--trust HOST]...\n"
	 "\n"
	 "Reads the Received headers of a message (oldest hop first) with the delay\n"
	 "of each hop, finds the trust boundary -- the hop where the receiving side\n"
	 "accepted the message from a foreign host, whose address and HELO are what\n"
	 "SPF is evaluated for -- and says when the message was delivered locally,\n"
	 "so that no server ever ran SPF, DKIM or DMARC. Lists what each server\n"
	 "recorded (Authentication-Results, Received-SPF, ARC) and where bounces go.\n"
	 "  --trust HOST   a relay of the receiving side (name or address) to look\n"
	 "                 past when finding the boundary (repeatable)\n"
	 "Exit status: 0 the message was read, 2 it could not be.\n"), NULL},
	{"verify", cmd_verify, "--ip= --helo= --mail-from= --trust= --compare --jobs= --order= --requirements= "
	 "--no-blocklists --links",
	 N_("full check of a message: SPF + DKIM + DMARC, explained"),
	 N_("usage: mailcheck verify [FILE|DIR|-]... [--ip IP] [--helo NAME]\n"
	 "                        [--mail-from ADDR] [--trust HOST]... [--compare]\n"
	 "                        [--jobs N] [--order input|completed]\n"
	 "                        [--requirements gmail|yahoo|microsoft|all] [--no-blocklists]\n"
	 "                        [--links]\n"
	 "\n"
	 "Checks a message as a receiver does: SPF for the client, every DKIM\n"
	 "signature, DMARC with alignment, the ARC chain, iprev (forward-confirmed\n"
	 "reverse DNS of the client); writes an RFC 8601 Authentication-Results\n"
	 "header (authserv-id: --authserv-id, default the host name) and explains\n"
	 "the result, most important first. Without --ip/--helo/--mail-from the\n"
	 "client, HELO and envelope sender come from the trust boundary of the\n"
	 "Received chain and the Return-Path (see trace), and the output says so.\n"
	 "Use --now TIME to verify as of when the message arrived.\n"
	 "Mail through a mailing list or forwarder: says which (List-Id, SRS, ...),\n"
	 "what it changed (Subject tag, footer, body), whether From was rewritten,\n"
	 "and which ARC sealer recorded a pass a receiver could trust.\n"
	 "The client at the trust boundary and the From and envelope domains are\n"
	 "looked up in the DNS blocklists (as 'blocklist'); a listing is explained.\n"
	 "  --compare      also verify DKIM with libopendkim (OpenDKIM's view)\n"
	 "  --no-blocklists   do not ask the DNS blocklists\n"
	 "  --links        also read the links in the text and HTML parts and look\n"
	 "                 their domains up in the domain lists (DBL, SURBL, URIBL)\n"
	 "Several messages: several files, mbox files (first line \"From \") and\n"
	 "Maildir directories (cur/, new/); one DNS cache for all; --json prints one\n"
	 "object per line (NDJSON), text ends with a summary and the messages that\n"
	 "did not pass grouped by From domain and cause.\n"
	 "  --jobs N       verify N messages at a time (threads); reports stay in\n"
	 "                 input order\n"
	 "  --order completed   write each report as it is finished instead\n"
	 "  --requirements PROVIDERS   judge the bulk-sender rules of gmail, yahoo,\n"
	 "                 microsoft or all (comma-separated): SPF/DKIM, reverse DNS,\n"
	 "                 TLS, RFC 5322 fields, DMARC, one-click unsubscribe; a failing\n"
	 "                 rule makes the exit status 1\n"
	 "Exit status: 0 DMARC passes (without a DMARC record: SPF or DKIM passes\n"
	 "aligned with From) for every message, 1 one did not, 2 usage error or an\n"
	 "unreadable message, 3 DNS failure.\n"),
	 "--links"},
	{"domain", IN_HELPER(cmd_domain), "--selector= --jobs= --order= --no-common-selectors --allow-private --smtp --ca-file= "
	 "--https-port= --smtp-port= --net-timeout= --trust-anchor= --requirements= --no-blocklists",
	 N_("the whole mail setup of a domain (or of a list of domains)"),
	 N_("usage: mailcheck domain DOMAIN...|- [--selector SEL]... [--jobs N]\n"
	 "                        [--order input|completed] [--no-common-selectors]\n"
	 "                        [--smtp] [--allow-private] [--ca-file PEM] [--net-timeout S]\n"
	 "                        [--trust-anchor FILE]\n"
	 "                        [--requirements gmail|yahoo|microsoft|all] [--no-blocklists]\n"
	 "\n"
	 "Checks the mail setup of each DOMAIN: MX (and forward-confirmed reverse DNS\n"
	 "of every MX address), SPF (as 'spf DOMAIN'), DMARC (as 'dmarc DOMAIN'), DKIM\n"
	 "keys at commonly used selectors and at every --selector, the MTA-STS,\n"
	 "TLS-RPT and BIMI records, TLSA records of the MX hosts (DANE) and whether\n"
	 "the answers were DNSSEC-authenticated, and its MX and SPF addresses and its\n"
	 "name on the DNS blocklists (as 'blocklist DOMAIN'); a table with one row\n"
	 "per part, then the findings with their fixes.\n"
	 "With '-': domains from standard input, one a line ('#' comments and blank\n"
	 "lines ignored, bad names reported by line and skipped); --jobs domains are\n"
	 "checked at once (default 8); reports come in input order (--order\n"
	 "completed: as they finish); --json prints one object per line (NDJSON);\n"
	 "text ends with counts per part and per finding.\n"
	 "With network DNS (not --zone) the MTA-STS policy is fetched over HTTPS\n"
	 "and matched against the MX hosts, the BIMI logo and certificate are\n"
	 "fetched and checked, and the answers are validated with DNSSEC from the\n"
	 "trust anchor.\n"
	 "  --selector SEL          also check this DKIM selector (repeatable)\n"
	 "  --no-common-selectors   ask only the --selector ones\n"
	 "  --smtp                  probe every MX address on port 25: greeting, EHLO,\n"
	 "                          STARTTLS, TLS, certificate, DANE (no mail sent)\n"
	 "  --allow-private         connect to loopback/private addresses from DNS too\n"
	 "  --ca-file PEM           trust these roots instead of the system's\n"
	 "  --net-timeout SECONDS   per HTTPS fetch and SMTP step (default 10)\n"
	 "  --trust-anchor FILE     DS/DNSKEY records to validate from (default:\n"
	 "                          /usr/share/dns/root.key); repeatable, at any\n"
	 "                          name: each domain from the closest anchor above\n"
	 "  --https-port N, --smtp-port N   other ports than 443 and 25 (for tests)\n"
	 "  --requirements PROVIDERS   list the bulk-sender rules of these providers\n"
	 "                          as far as DNS shows them (the Bulk row: all)\n"
	 "  --no-blocklists         do not ask the DNS blocklists (the DNSBL row)\n"
	 "Exit status: 0 no errors, 1 errors in a domain's setup, 2 usage error or\n"
	 "a line that is not a domain, 3 DNS failure.\n"), NULL},
	{"bounce", IN_HELPER(cmd_bounce), "--jobs= --order=",
	 N_("read a bounce: who failed, with which status, and why"),
	 N_("usage: mailcheck bounce [FILE|DIR|-]... [--jobs N] [--order input|completed]\n"
	 "\n"
	 "Reads a bounce (non-delivery report): RFC 3464 delivery status reports\n"
	 "(and RFC 6533's global ones) through GMime, and the non-standard reports\n"
	 "MTAs write (qmail, Exim, Sendmail, Exchange ...) from their text, also in\n"
	 "ISO-2022-JP, Shift_JIS and EUC-JP. For each recipient: the address, the\n"
	 "action, the enhanced status code (RFC 3463), the server that answered and\n"
	 "its reply, and the cause in words -- read with who said it (Gmail's\n"
	 "5.7.27 is not IANA's). When authentication refused it: the returned\n"
	 "original checked as the receiver would, or, when nothing came back, the\n"
	 "sender's domain checked as far as DNS allows.\n"
	 "Automatic replies (RFC 3834) and feedback reports (ARF) are recognised as\n"
	 "no bounce. Several files, mbox files and Maildir directories: a report per\n"
	 "message (JSON: one per line), then failed recipients counted by cause.\n"
	 "  --jobs N       read N bounces at a time (threads; default 1)\n"
	 "  --order completed   write each report as it is finished, not in input\n"
	 "                 order\n"
	 "Exit status: 0 no recipient failed (delays only), 1 one failed, 2 usage\n"
	 "error, an unreadable message, or no bounce at all.\n"), NULL},
	{"report", IN_HELPER(cmd_report), "--no-lookups --db= --since= --until= --domain= --move-to= "
	 "--allow-private --ca-file= --net-timeout=",
	 N_("read DMARC aggregate/failure and SMTP TLS reports, keep them in a database"),
	 /* xgettext:no-c-format */
	 N_("usage: mailcheck report FILE...|DIR|-|imaps://USER@HOST/MAILBOX... [--no-lookups]\n"
	 "                        [--db URL] [--move-to FOLDER] [--allow-private]\n"
	 "                        [--ca-file PEM] [--net-timeout S]\n"
	 "       mailcheck report --db URL [--since 30d|12w|DATE] [--until ...] [--domain D]\n"
	 "\n"
	 "Reads the reports a domain receives: DMARC aggregate reports (RFC 7489\n"
	 "appendix C, RFC 9990: .xml, .xml.gz, .zip, or mailed as attachments),\n"
	 "DMARC failure reports (ARF: the returned message is verified as the\n"
	 "reporter saw it) and SMTP TLS reports (RFC 8460 JSON, plain or gzip);\n"
	 "files, mbox files, directories (Maildir too), mailboxes over IMAP. Sums them\n"
	 "per sending source (IP, PTR name, provider) with SPF/DKIM results, alignment,\n"
	 "dispositions and overrides, then explains each of the main sources, most\n"
	 "messages first: passes, not aligned (set up a custom DKIM domain), forwarded,\n"
	 "not in SPF, likely spoofing -- and what p=quarantine/reject would do. TLS\n"
	 "reports: per policy and MX host, failures by result type with the fix.\n"
	 "  --no-lookups       no PTR and SPF lookups for the sources\n"
	 "  --db URL           sqlite:PATH or postgresql://USER@HOST/DB: store each\n"
	 "                     report read (once); without inputs, summarise a period\n"
	 "                     from it with the trends over the weeks\n"
	 "  --since, --until   the period: 30d, 12w (before now) or a date\n"
	 "  --domain D         the reports of this policy domain only\n"
	 "  --move-to FOLDER   move each mailbox message read there (else read only)\n"
	 "  --allow-private    connect to a loopback/private IMAP host too\n"
	 "  --ca-file PEM      trust these roots for the IMAP server\n"
	 "  --net-timeout S    seconds of silence before an IMAP step fails (10)\n"
	 "The IMAP password: MAILCHECK_IMAP_PASSWORD or ~/.netrc, never in the URL.\n"
	 "Exit status: 0 every source with 1% of the messages or more passes DMARC\n"
	 "(and no TLS failure), or a mailbox had nothing new; 1 otherwise; 2 an\n"
	 "input that could not be read (the others are still read and reported), no\n"
	 "report at all, or a database error. Messages without a report (other mail\n"
	 "in a report mailbox) are named, not errors.\n"), NULL},
	{"smtp", IN_HELPER(cmd_smtp), "--submission= --rpki= --allow-private --ca-file= --net-timeout= --smtp-port=",
	 N_("the TLS of a domain's mail servers graded: versions, ciphers, keys"),
	 N_("usage: mailcheck smtp HOST|DOMAIN... [--submission HOST] [--rpki FILE]\n"
	 "                      [--allow-private] [--ca-file PEM] [--net-timeout S]\n"
	 "\n"
	 "Grades the TLS of the servers that receive a domain's mail -- every address\n"
	 "(IPv4 and IPv6) of its MX hosts, or of the name itself when it has no MX --\n"
	 "and of its submission servers (SRV _submission._tcp: STARTTLS, and\n"
	 "_submissions._tcp: implicit TLS; RFC 6186, RFC 8314),\n"
	 "as the NCSC-NL guidelines for TLS grade it (good, sufficient, phase out,\n"
	 "insufficient), as internet.nl's mail test does: each protocol version with\n"
	 "its own handshake after STARTTLS, every cipher suite the server accepts\n"
	 "(handshakes offering shrinking sets) and whether it keeps its own order, the\n"
	 "key exchange groups and finite-field DH size, the hash of the key exchange,\n"
	 "the certificate's key and signature, secure renegotiation. No mail is sent;\n"
	 "one handshake at a time per address, each step bounded by --net-timeout; a\n"
	 "server that resets or stalls in a handshake is a finding, not a hang.\n"
	 "  --submission HOST  scan HOST on 587 (STARTTLS) and 465 (implicit TLS) too\n"
	 "  --rpki FILE        validate each address's route and origin AS (RFC 6811;\n"
	 "                     Team Cymru's answers in DNS) against these VRPs\n"
	 "                     (rpki-client's or Routinator's JSON output)\n"
	 "  --allow-private    probe loopback/private addresses from DNS too\n"
	 "  --ca-file PEM      trust these roots instead of the system's\n"
	 "  --net-timeout S    seconds per SMTP or TLS step (default 10)\n"
	 "  --smtp-port N      another port than 25 (for tests)\n"
	 "Exit status: 0 nothing insufficient, 1 something insufficient, a server\n"
	 "without TLS or one that broke a handshake, 2 usage error, 3 DNS failure.\n"),
	 NULL},
	{"blocklist", cmd_blocklist, "--list= --only= --dqs-key= --jobs= --order=",
	 N_("DNS blocklists (RFC 5782): listings, their meaning and removal"),
	 N_("usage: mailcheck blocklist IP|DOMAIN...|- [--list ZONE[:ip|:domain]]...\n"
	 "                           [--only ID]... [--dqs-key KEY] [--jobs N]\n"
	 "                           [--order input|completed]\n"
	 "\n"
	 "Looks an address up in the address blocklists, and a domain in the domain\n"
	 "lists together with the addresses that receive and send its mail (its MX\n"
	 "hosts' addresses and those its SPF record names directly: ip4/ip6 of one\n"
	 "host or a short prefix, a, mx; at most 32, the rest named). For each list:\n"
	 "listed or not, each return code in the list's own words, its TXT reason,\n"
	 "whether receivers that use it refuse mail, and where to ask for removal.\n"
	 "Every list's test entries (RFC 5782 section 5) are asked first: a list\n"
	 "that lists everything, lists nothing or refuses this resolver (Spamhaus\n"
	 "127.255.255.254, URIBL 127.0.0.1, DNSWL 127.0.0.255) is set aside and said\n"
	 "so, never read as a listing.\n"
	 "Lists (ID): zen (Spamhaus ZEN), dbl (Spamhaus DBL), spamcop, barracuda,\n"
	 "psbl, uceprotect1, mailspike, surbl, uribl (domains), dnswl (an allowlist).\n"
	 "With '-': inputs from standard input, one a line; --jobs at a time.\n"
	 "  --list ZONE[:ip|:domain]   ask this list too (repeatable; ip by default)\n"
	 "  --only ID      ask only these lists (an ID above or a --list zone; repeatable)\n"
	 "  --dqs-key KEY  ask Spamhaus through its Data Query Service with this key\n"
	 "                 (KEY.zen.dq.spamhaus.net): for resolvers it refuses\n"
	 "  --jobs N       check N inputs at a time (default 8)\n"
	 "  --order completed   write each report as it is finished\n"
	 "Exit status: 0 on no list that blocks, 1 listed on a list that blocks,\n"
	 "2 usage error or a line that is neither address nor domain, 3 a list\n"
	 "could not be asked (DNS failure, a refusal).\n"), NULL},
	{"diff", cmd_diff, "",
	 N_("two runs of --json compared: what got worse, what got better"),
	 N_("usage: mailcheck diff OLD NEW\n"
	 "\n"
	 "Compares two outputs of 'mailcheck --json' (one object, or NDJSON of a\n"
	 "batch) of domain, blocklist, mx, spf, dmarc or dkim with a selector, matched\n"
	 "by command and domain (or address; dkim by domain and selector). For each:\n"
	 "the result and parts whose status changed (better or worse), findings that\n"
	 "appeared or went away, and the records that changed, old beside new (SPF\n"
	 "record and lookups, DMARC policy, MX set, DKIM keys, MTA-STS, TLS-RPT,\n"
	 "TLSA, DNSSEC, STARTTLS certificates, blocklist listings). Reports found on\n"
	 "one side only are named. One of OLD and NEW may be '-' (standard input).\n"
	 "Exit status: 0 nothing got worse (improvements are listed), 1 something\n"
	 "got worse, 2 an input cannot be read or is not mailcheck's JSON of a\n"
	 "command diff compares (or of another schema version).\n"), NULL},
};

static const char *const global_usage = N_(
	"usage: mailcheck [OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"Diagnoses mail authentication and delivery: says what passed, what failed,\n"
	"why, and what to change.\n"
	"\n"
	"Commands:\n"
	"%s"
	"\n"
	"Options (before or after the command):\n"
	"  --json             one JSON object on stdout\n"
	"  --csv              a table (domain, blocklist: a row each; report: a row\n"
	"                     per source), spreadsheet formulas neutralised\n"
	"  --prometheus FILE  also write the results of domain or blocklist to FILE\n"
	"                     in the Prometheus text format (replaced whole)\n"
	"  --html FILE        also write the results of domain, verify, diff or report as one\n"
	"                     self-contained page (no script, no request)\n"
	"  --record FILE      write the DNS answers used to FILE as a zone file, for\n"
	"                     --zone FILE to replay (bug reports, pinned tests)\n"
	"  --dns ADDR[:PORT]  nameserver to ask (repeatable; default: /etc/resolv.conf)\n"
	"  --zone FILE|DIR    answer DNS from this zone file (or every *.zone file in\n"
	"                     DIR) instead of the network (repeatable); names in no\n"
	"                     zone are NXDOMAIN\n"
	"  --timeout SECS     per-query timeout, all tries included (default 5)\n"
	"  --now TIME         evaluate as of this time (DKIM t=/x=, delays): seconds\n"
	"                     since the epoch, an RFC 3339 date (2026-11-23T10:00:00Z)\n"
	"                     or an RFC 5322 date (\"Mon, 23 Nov 2026 10:00:00 +0000\")\n"
	"  --authserv-id NAME this verifier's name in the headers it writes\n"
	"                     (Received-SPF receiver=; default: the host name)\n"
	"  -v, --verbose      also list the DNS queries made\n"
	"  -q, --quiet        print only the verdict line\n"
	"  --no-color         no colours (also when NO_COLOR is set)\n"
	"  -h, --help         this help, or a command's help\n"
	"  -V, --version      print the version\n"
	"\n"
	"Exit status: 0 passed, 1 did not pass, 2 usage error or unreadable input,\n"
	"3 temporary failure (DNS timeout or SERVFAIL).\n"
	"Run 'mailcheck COMMAND --help' for a command's arguments.\n");

static void usage(FILE *fp)
{
	char list[2048] = "";
	size_t len = 0;

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "  %-9s %s\n",
		                        commands[i].name, _(commands[i].summary));
	fprintf(fp, _(global_usage), list);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* One line: the closest command (git's "did you mean"), or the list. */
static void unknown_command(const char *name)
{
	const struct command *best = NULL;
	size_t best_d = 99;
	char list[256] = "";
	size_t len = 0;

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		size_t d = cli_distance(name, commands[i].name);

		if (d < best_d) {
			best_d = d;
			best = &commands[i];
		}
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
		                        commands[i].name);
	}
	/* close: one or two edits, and fewer than the name's own length */
	if (best && best_d <= 2 && best_d < strlen(best->name))
		cli_error("unknown command '%s'; did you mean '%s'? ('mailcheck --help' lists "
		          "the commands)", name, best->name);
	else
		cli_error("unknown command '%s' (the commands are %s; 'mailcheck --help' says "
		          "more)", name, list);
}

/* The options of a command's row one at a time: the name (without '=') in
 * name, whether it takes a value in *value; false after the last. */
static bool next_option(const char **p, char *name, size_t size, bool *value)
{
	size_t len;

	*p += strspn(*p, " ");
	if (!**p)
		return false;
	len = strcspn(*p, " ");
	*value = (*p)[len - 1] == '=';
	snprintf(name, size, "%.*s", (int)(len - *value), *p);
	*p += len;
	return true;
}

/* 1: cmd takes the option in arg ("--ip", "--ip=192.0.2.1") as a flag, 2:
 * with a value, 0: not at all. */
static int takes_option(const struct command *cmd, const char *arg)
{
	size_t n = strcspn(arg, "=");
	const char *p = cmd->options;
	char name[32];
	bool value;

	while (next_option(&p, name, sizeof(name), &value))
		if (strlen(name) == n && strncmp(name, arg, n) == 0)
			return value ? 2 : 1;
	return 0;
}

/* The commands that take the option in arg, as "'verify' and 'trace'";
 * returns whether it takes a value there (the same wherever it is). */
static bool commands_taking(const char *arg, char *list, size_t size, size_t *count)
{
	size_t n = sizeof(commands) / sizeof(commands[0]), len = 0;
	bool value = false;

	*count = 0;
	list[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int k = takes_option(&commands[i], arg);

		if (!k)
			continue;
		value = k == 2;
		len += (size_t)snprintf(list + len, len < size ? size - len : 0, "%s'%s'",
		                        *count ? ", " : "", commands[i].name);
		(*count)++;
	}
	return value;
}

/* An option no command takes, before any command: the closest of all
 * commands' options ("did you mean '--ip'?"), else the global ones'. */
static void unknown_option(const char *arg)
{
	size_t n = strcspn(arg, "="), best_d = 99, d;
	char best[32] = "", name[32], given[64];
	bool value;

	snprintf(given, sizeof(given), "%.*s", (int)n, arg); /* the name, not its "=value" */
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		for (const char *p = commands[i].options; next_option(&p, name, sizeof(name), &value);)
			if ((d = cli_distance(name, given)) < best_d && d + 2 < strlen(name))
				best_d = d, snprintf(best, sizeof(best), "%s", name);
	if (best_d <= 2 && *best) {
		char list[256];
		size_t count;

		commands_taking(best, list, sizeof(list), &count);
		cli_error("unknown option '%.*s'; did you mean '%s' (an option of %s)?", (int)n, arg,
		          best, list);
	} else {
		cli_unknown_option(NULL, arg, NULL, NULL);
	}
}

/* "mailcheck --ip 192.0.2.1 verify msg.eml": a command's own options before
 * its name are taken as if they followed it -- unambiguous, because every
 * option takes a value or not alike in every command. An option of no
 * command, or not of this one, is said to be so. Returns the command with
 * argv rearranged to COMMAND OPTIONS..., or NULL after the error. */
static const struct command *command_after_options(int argc, char **argv)
{
	const struct command *cmd;
	char list[256];
	size_t count;
	int i = 1;

	while (i < argc && argv[i][0] == '-' && argv[i][1]) {
		bool value = commands_taking(argv[i], list, sizeof(list), &count);

		if (!count) {
			unknown_option(argv[i]);
			return NULL;
		}
		i += value && !strchr(argv[i], '=') ? 2 : 1;
	}
	if (i >= argc) { /* options alone */
		commands_taking(argv[1], list, sizeof(list), &count);
		cli_error("'%.*s' is an option of %s: put it after the command (mailcheck "
		          "COMMAND %s ...)", (int)strcspn(argv[1], "="), argv[1], list, argv[1]);
		return NULL;
	}
	if (!(cmd = find_command(argv[i]))) {
		unknown_command(argv[i]);
		return NULL;
	}
	for (int j = 1, k; j < i; j += k == 2 && !strchr(argv[j], '=') ? 2 : 1) {
		if ((k = takes_option(cmd, argv[j])))
			continue;
		commands_taking(argv[j], list, sizeof(list), &count);
		cli_error("'%.*s' is not an option of '%s' (it is of %s)", (int)strcspn(argv[j], "="),
		          argv[j], cmd->name, list);
		return NULL;
	}
	/* COMMAND first, its options after it in their order */
	char *name = argv[i];

	memmove(argv + 2, argv + 1, (size_t)(i - 1) * sizeof(*argv));
	argv[1] = name;
	return cmd;
}

#ifndef MC_LIBEXECDIR
#define MC_LIBEXECDIR "/usr/local/libexec/mailcheck"
#endif

/* Whether the arguments (before or after the command, up to "--") hold option;
 * never in the helper, which runs the command itself. */
static bool given_option(int argc, char **argv, const char *option)
{
#ifdef MC_HELPER
	(void)argc, (void)argv, (void)option;
	return false;
#else
	for (int i = 1; option && i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], option) == 0)
			return true;
	return false;
#endif
}

/* --csv and --prometheus only where there is a table or metrics. */
static int output_options(const char *command, const struct mc_ctx *ctx)
{
	static const char *const csv[] = {"domain", "blocklist", "report"};
	static const char *const metrics[] = {"domain", "blocklist"};
	bool ok = false;

	for (size_t i = 0; ctx->render.format == MC_FORMAT_CSV && i < sizeof(csv) / sizeof(*csv); i++)
		ok |= strcmp(command, csv[i]) == 0;
	if (ctx->render.format == MC_FORMAT_CSV && !ok) {
		cli_error("--csv is for domain, blocklist and report (a table of many); "
		          "'%s' has --json", command);
		return -1;
	}
	ok = false;
	for (size_t i = 0; ctx->prometheus && i < sizeof(metrics) / sizeof(*metrics); i++)
		ok |= strcmp(command, metrics[i]) == 0;
	if (ctx->prometheus && !ok) {
		cli_error("--prometheus is for domain and blocklist, not %s", command);
		return -1;
	}
	if (ctx->html && strcmp(command, "domain") && strcmp(command, "verify") &&
	    strcmp(command, "diff") && strcmp(command, "report")) {
		cli_error("--html is for domain, verify, diff and report, not %s", command);
		return -1;
	}
	if (ctx->record && strcmp(command, "diff") == 0) {
		cli_error("--record is for the commands that ask DNS; diff asks none");
		return -1;
	}
	return 0;
}

/* Run the helper with the arguments mailcheck was given: beside this
 * program (a build tree), in ../libexec/mailcheck from it (an installed tree
 * wherever it was moved), or where it was installed. Returns only on error. */
static int run_helper(const char *command, char **argv)
{
	char self[4096], path[4200], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *const rel[] = {"/mailcheck-helper", "/../libexec/mailcheck/mailcheck-helper"};

	if (n > 0 && (self[n] = '\0', slash = strrchr(self, '/'))) {
		*slash = '\0';
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(path, sizeof(path), "%s%s", self, rel[i]);
			if (access(path, X_OK) == 0) {
				argv[0] = path;
				execv(path, argv);
			}
		}
	}
	snprintf(path, sizeof(path), "%s/mailcheck-helper", MC_LIBEXECDIR);
	argv[0] = path;
	execv(path, argv);
	cli_fail("internal", "cannot run 'mailcheck %s': its program %s cannot be started: %s",
	         command, path, mc_strerror(errno));
	return EXIT_USAGE;
}

/* git's main(): a failed write to stdout is an error, not a silent success. */
static int close_stdout(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		cli_error("cannot write to standard output");
		return EXIT_USAGE;
	}
	return rc;
}

/* The command itself, then the metrics of what it checked (--prometheus),
 * when it checked anything. */
static int run_command(const struct command *cmd, int argc, char **argv, struct mc_ctx *ctx)
{
	int rc;

	char title[128];

	snprintf(title, sizeof(title), "mailcheck %s", cmd->name);
	if ((ctx->prometheus && !(ctx->metrics = mc_metrics_new())) ||
	    (ctx->record && !(ctx->render.record = mc_dns_recording_new())) ||
	    (ctx->html && !(ctx->page = mc_page_new(title)))) {
		cli_fail("internal", "out of memory");
		return EXIT_USAGE;
	}
	cli_set_recording(ctx->render.record);
	rc = cmd->fn(argc - 1, argv + 1, ctx);
	mc_resolver_free(ctx->resolver);
	if (ctx->render.record) {
		char what[256];

		snprintf(what, sizeof(what), "mailcheck %s", cmd->name);
		if (mc_dns_recording_write(ctx->render.record, ctx->record, what) != MC_OK) {
			cli_fail_last(stdout, stderr, "output");
			rc = EXIT_USAGE;
		}
		mc_dns_recording_free(ctx->render.record);
	}
	if (ctx->metrics && mc_metrics_count(ctx->metrics) &&
	    mc_metrics_write(ctx->metrics, ctx->prometheus) != MC_OK) {
		cli_fail_last(stdout, stderr, "output");
		rc = EXIT_USAGE;
	}
	mc_metrics_free(ctx->metrics);
	if (ctx->page && mc_page_sections(ctx->page) && mc_page_write(ctx->page, ctx->html) != MC_OK) {
		cli_fail_last(stdout, stderr, "output");
		rc = EXIT_USAGE;
	}
	mc_page_free(ctx->page);
	return rc;
}

int main(int argc, char **argv)
{
	struct mc_ctx ctx = {0};
	const struct command *cmd;
	bool help = false, version = false;
	char *given[argc + 1]; /* the arguments as given, for the helper */

	memcpy(given, argv, sizeof(given));
	mc_i18n_init();

	/* errors in the global options themselves are JSON too with --json */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0)
			cli_json_errors(true, NULL);
	if (cli_parse_globals(&argc, argv, &ctx, &help, &version) < 0)
		return close_stdout(EXIT_USAGE);
	cli_json_errors(ctx.render.format == MC_FORMAT_JSON, NULL);
	if (version) {
		printf("mailcheck %s\n", MC_VERSION);
		return close_stdout(EXIT_PASS);
	}
	if (argc < 2 && help) {
		usage(stdout);
		return close_stdout(EXIT_PASS);
	}
	if (argc < 2) {
		if (ctx.render.format == MC_FORMAT_JSON)
			cli_error("no command given (mailcheck --help lists the commands)");
		else
			usage(stderr);
		return close_stdout(EXIT_USAGE);
	}
	cmd = argv[1][0] == '-' && argv[1][1] ? command_after_options(argc, argv)
	                                      : find_command(argv[1]);
	if (!cmd) {
		if (argv[1][0] != '-' || !argv[1][1])
			unknown_command(argv[1]);
		return close_stdout(EXIT_USAGE);
	}
	cli_json_errors(ctx.render.format == MC_FORMAT_JSON, cmd->name);
	if (help) {
		fputs(_(cmd->usage), stdout);
		return close_stdout(EXIT_PASS);
	}
	if (output_options(cmd->name, &ctx) < 0)
		return close_stdout(EXIT_USAGE);
	if (!cmd->fn || given_option(argc, argv, cmd->helper_option)) {
		fflush(stdout);
		return run_helper(cmd->name, given);
	}
	return close_stdout(run_command(cmd, argc, argv, &ctx));
}
