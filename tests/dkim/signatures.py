"""The DKIM-Signature fields of a message, read by the tests themselves (not
from mailcheck's output), for the side-by-side suites."""
import re


def message_signatures(msg):
    """The DKIM-Signature fields of the message itself, in order (dkimpy's
    idx): their d=, s= and bh= tags."""
    head = re.split(rb"\r\n\r\n", msg, 1)[0]
    fields = re.findall(rb"(?im)^DKIM-Signature:([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head)
    out = []
    for f in fields:
        tags = {}
        for t in re.sub(rb"\s+", b"", f).split(b";"):
            k, _, v = t.partition(b"=")
            if k:
                tags.setdefault(k.decode("ascii", "replace"), v.decode("ascii", "replace"))
        out.append((tags.get("d", "").lower(), tags.get("s", ""), tags.get("bh", "")))
    return out
