"""What an English sentence left in Japanese output looks like (tests/i18n/
cases.py for the text of every CLI case, tests/html/run.py for the pages).

What mailcheck shows as it is found is taken out first: quoted values
(「...」, "...", '...'), finding codes [a.b], URLs, a receiver's reply quoted
from a bounce (応答:), header fields shown as they are
(Authentication-Results:, the Received hops' "with ESMTP", the signed
header names), a record's own exp= text (説明:), and the words of the system
or a library after "を読めません: " or "を開けません: " (strerror, ldns). An
English sentence is then three Latin words or more in a row, one of them a
word no name or record carries (the, is, not, of, ...).
"""
import re

FUNCTION = set("the an is are was were not and of to from with for has have had this that "
               "it its be by on in at as or no which what when does did do should would can "
               "cannot there their they you your".split())
VERBATIM_LINES = re.compile(
    r"^\s*(?:応答:|受信サーバーの応答:|Authentication-Results:|説明:|署名対象:)|"
    r"^\s*\d+\s+.*->.*\s{2}with\s")
VERBATIM_SPANS = re.compile(
    r"「[^」]*」|\"[^\"]*\"|'[^']*'|\[[a-z0-9_.]+\]|https?://\S+|を(?:読め|開け)ません: .*$")
SENTENCE = re.compile(r"[A-Za-z][A-Za-z'-]*(?:[ ,]+[A-Za-z][A-Za-z'-]*){2,}")


def english(text):
    """The lines of text that hold an English sentence."""
    found = []
    for line in text.splitlines():
        if VERBATIM_LINES.search(line):
            continue
        rest = VERBATIM_SPANS.sub(" ", line)
        for run in SENTENCE.findall(rest):
            if any(w.lower() in FUNCTION for w in re.split(r"[ ,]+", run)):
                found.append(line.strip())
                break
    return found
