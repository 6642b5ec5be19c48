#!/usr/bin/env python3
"""mailcheck report on the real report samples (../shared/suites/reports,
parsedmarc's samples/, read in place): what mailcheck reads is checked
against what the files say, as Python's own parsers read them --
xml.etree for aggregate reports (gzip, zip and mail unpacked by gzip,
zipfile and email), json for TLS reports, email for failure reports.

  run_suite.py MAILCHECK SAMPLES_DIR

Per aggregate report: its report ID, the rows, the messages, the messages
per source IP and those passing DMARC. Per TLS report: the sessions per policy. Per
failure report: the reported domain, source IP and envelope sender
(Original-Mail-From). Any sanitizer report on stderr, a crash or an exit
status other than 0, 1 or 2 fails the sample whatever its output. A
sample no parser here can read (broken XML) must be named by mailcheck as
not read, with exit status 2. Skipped (exit 77) when the samples are absent.
"""
import base64
import email
import email.policy
import io
import json
import os
import re
import zlib
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile


def local(tag):
    return tag.rsplit('}', 1)[-1]


def child(el, name):
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def text(el, *path):
    for name in path:
        el = child(el, name) if el is not None else None
    return (el.text or '').strip() if el is not None else ''


def parse_xml(data):
    """The <feedback> element, leniently as real reports need: bad UTF-8
    replaced, one wrapper around <feedback> dropped."""
    s = data.decode('utf-8', errors='replace')
    try:
        root = ET.fromstring(s.encode('utf-8'))
    except ET.ParseError:
        m = re.search(r'<feedback[\s>].*</feedback>', s, re.S)
        if not m:
            return None
        try:
            root = ET.fromstring(m.group(0).encode('utf-8'))
        except ET.ParseError:
            return None
    if local(root.tag) != 'feedback':
        inner = child(root, 'feedback')
        return inner
    return root


def aggregate_expect(root):
    rows, messages, passing, per_ip = 0, 0, 0, {}
    for rec in root:
        if local(rec.tag) != 'record':
            continue
        ip = text(rec, 'row', 'source_ip')
        count = text(rec, 'row', 'count')
        if not count.isdigit() or not ip:
            continue
        n = int(count)
        rows += 1
        messages += n
        per_ip[ip] = per_ip.get(ip, 0) + n
        if 'pass' in (text(rec, 'row', 'policy_evaluated', 'dkim').lower(),
                      text(rec, 'row', 'policy_evaluated', 'spf').lower()):
            passing += n
    return {'rows': rows, 'messages': messages, 'dmarc_pass': passing, 'per_ip': per_ip}


def unpack(data):
    """The report files in some bytes: a list of (kind, bytes)."""
    if data[:2] == b'\x1f\x8b':
        # bytes after the gzip member are ignored, as gzip(1) does
        return unpack(zlib.decompressobj(16 + 15).decompress(data))
    if data[:4] == b'PK\x03\x04':
        out = []
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                if not name.endswith('/'):
                    out += unpack(z.read(name))
        return out
    head = data.lstrip(b'\xef\xbb\xbf \t\r\n')[:1]
    if head == b'<':
        return [('xml', data)]
    if head == b'{':
        return [('json', data)]
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    out = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype == 'message/feedback-report':
            continue
        payload = part.get_payload(decode=True)
        if not payload:
            continue
        name = part.get_filename() or ''
        if ctype.startswith('application/') or ctype == 'text/xml' or \
                re.search(r'\.(xml|gz|zip|json)$', name, re.I):
            if payload[:2] == b'\x1f\x8b' or payload[:4] == b'PK\x03\x04' or \
                    payload.lstrip(b'\xef\xbb\xbf \t\r\n')[:1] in (b'<', b'{'):
                out += unpack(payload)
    # a failure report's fields are in the message/feedback-report part
    for part in msg.walk():
        if part.get_content_type() == 'message/feedback-report':
            raw = part.get_payload(decode=True)
            if raw is None:  # parsed as a message/* part: the fields as its headers
                inner = part.get_payload()[0]
                if 'base64' in part.get('Content-Transfer-Encoding', '').lower():
                    raw = base64.b64decode(inner.get_payload())
                else:
                    raw = str(inner).encode()
            out.append(('arf', raw))
            break
    return out


def arf_fields(raw):
    fields = {}
    for line in raw.decode('utf-8', 'replace').splitlines():
        m = re.match(r'([A-Za-z-]+):\s*(.*)', line)
        if m:
            fields.setdefault(m.group(1).lower(), m.group(2).strip())
    return fields


SANITIZER = re.compile(r'Sanitizer|runtime error:|LeakSanitizer|==\d+==ERROR')


def run(mailcheck, path):
    """(exit status, JSON, stderr)"""
    p = subprocess.run([mailcheck, '--json', 'report', '--no-lookups', path],
                       capture_output=True, timeout=120)
    try:
        out = json.loads(p.stdout.decode('utf-8', 'replace') or '{}')
    except ValueError:
        out = {'stdout_not_json': True}
    return p.returncode, out, p.stderr.decode('utf-8', 'replace')


def main():
    mailcheck, samples = sys.argv[1], sys.argv[2]
    if not os.path.isdir(samples):
        print('report-samples: skipped (no %s)' % samples)
        sys.exit(77)
    passed = failed = 0
    files = []
    for sub in sorted(os.listdir(samples)):
        d = os.path.join(samples, sub)
        if os.path.isdir(d):
            files += [os.path.join(d, f) for f in sorted(os.listdir(d))]
        else:
            files.append(d)
    for path in files:
        name = os.path.relpath(path, samples)
        with open(path, 'rb') as f:
            data = f.read()
        problems = []
        try:
            parts = unpack(data) if data.strip() else []
        except Exception as e:  # a broken archive: mailcheck must say so
            parts = []
            problems_expected = str(e)
        exp_agg = {'rows': 0, 'messages': 0, 'dmarc_pass': 0, 'per_ip': {}}
        exp_ids = []
        exp_tls, exp_arf, unreadable = {}, [], 0
        for kind, blob in parts:
            if kind == 'xml':
                root = parse_xml(blob)
                if root is None:
                    unreadable += 1
                    continue
                e = aggregate_expect(root)
                exp_ids.append(text(root, 'report_metadata', 'report_id') or None)
                for k in ('rows', 'messages', 'dmarc_pass'):
                    exp_agg[k] += e[k]
                for ip, n in e['per_ip'].items():
                    exp_agg['per_ip'][ip] = exp_agg['per_ip'].get(ip, 0) + n
            elif kind == 'json':
                try:
                    rep = json.loads(blob)
                except ValueError:
                    unreadable += 1
                    continue
                for pol in rep.get('policies', []):
                    key = (pol['policy']['policy-domain'], pol['policy']['policy-type'])
                    s = exp_tls.setdefault(key, [0, 0])
                    s[0] += pol.get('summary', {}).get('total-successful-session-count', 0)
                    s[1] += pol.get('summary', {}).get('total-failure-session-count', 0)
            elif kind == 'arf':
                exp_arf.append(arf_fields(blob))
        if not parts:
            unreadable += 1
        rc, out, err = run(mailcheck, path)
        agg = out.get('aggregate', {})
        # a sanitizer's report, a crash or an exit status the contract does not
        # have fails whatever the output says (exit 23 is LeakSanitizer's)
        if SANITIZER.search(err):
            problems.append('sanitizer report: %s' % err.strip()[-300:])
        if rc not in (0, 1, 2):
            problems.append('exit status %d (0, 1 or 2 expected)' % rc)
        if out.get('stdout_not_json'):
            problems.append('stdout is not one JSON object')
        if unreadable:  # named as not read, or (no report in a message) an input error
            if rc != 2 or not (out.get('unreadable') or out.get('error')):
                problems.append('expected to be named as not read, exit 2 (got %d)' % rc)
        elif rc == 2:
            problems.append('not read: %s' % out.get('unreadable'))
        for k in ('rows', 'messages', 'dmarc_pass'):
            if agg.get(k, 0) != exp_agg[k]:
                problems.append('%s: expected %d, got %s' % (k, exp_agg[k], agg.get(k)))
        got_ids = [r['report_id'] for r in agg.get('list', [])]
        if sorted(map(str, got_ids)) != sorted(map(str, exp_ids)):
            problems.append('reports listed: expected %s, got %s' % (exp_ids, got_ids))
        got_ip = {s['ip']: s['messages'] for s in out.get('sources', [])}
        if got_ip != exp_agg['per_ip']:
            diff = {ip for ip in set(got_ip) | set(exp_agg['per_ip'])
                    if got_ip.get(ip) != exp_agg['per_ip'].get(ip)}
            problems.append('messages per source differ for %d IPs (e.g. %s)' %
                            (len(diff), sorted(diff)[:3]))
        got_tls = {(p['domain'], p['type']): [p['successful_sessions'], p['failed_sessions']]
                   for p in out.get('tls', {}).get('policies', [])}
        if got_tls != {k: v for k, v in exp_tls.items()}:
            problems.append('TLS sessions: expected %s, got %s' % (exp_tls, got_tls))
        kept = out.get('failure_reports', {}).get('kept', [])
        if len(kept) != len(exp_arf):
            problems.append('failure reports: expected %d, got %d' % (len(exp_arf), len(kept)))
        for e, g in zip(exp_arf, kept):
            for field, key in (('reported-domain', 'reported_domain'),
                               ('source-ip', 'source_ip'),
                               ('original-mail-from', 'original_mail_from')):
                want = e.get(field)
                if field == 'original-mail-from' and want is not None:
                    # RFC 5965 3.2: an address, written with or without <>;
                    # an empty value names none
                    want = want.strip().strip('<>').strip() or None
                if want != g.get(key):
                    problems.append('%s: expected %r, got %r' % (field, want, g.get(key)))
        if problems:
            failed += 1
            print('FAIL %s: %s' % (name, '; '.join(problems)))
        else:
            passed += 1
            print('ok   %s' % name)
    if passed + failed < 30:  # parsedmarc's samples: 34 files
        print('FAIL only %d samples read' % (passed + failed))
        failed += 1
    print('report-samples: %d passed, %d failed' % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
