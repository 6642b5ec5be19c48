"""The count of a Python suite's checks: each check prints one line (ok or
FAIL with what was found) and is counted; line() is the suite's last line,
"N passed, N failed[, N skipped]", which scripts/test adds up."""
counts = {"passed": 0, "failed": 0, "skipped": 0}


def check(name, ok, detail=""):
    if ok:
        counts["passed"] += 1
        print("ok   " + name)
    else:
        counts["failed"] += 1
        print("FAIL " + name + ("\n     " + str(detail)[:1500] if detail != "" else ""))
    return ok


def skip(name, why):
    counts["skipped"] += 1
    print("skip %s: %s" % (name, why))


def line(prefix=""):
    s = "%s%d passed, %d failed" % (prefix, counts["passed"], counts["failed"])
    return s + (", %d skipped" % counts["skipped"] if counts["skipped"] else "")


def failed():
    return counts["failed"]
