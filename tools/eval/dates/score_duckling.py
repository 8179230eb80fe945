#!/usr/bin/env python3
"""Score temporal expressions on the Duckling English corpus.

Usage: score_duckling.py --driver PATH [--peer chrono] [--corpus FILE] [-v]

Corpus: /work/shared/eval/dates/en_time_corpus.jsonl (Duckling, BSD). The
reference time is Tuesday 2013-02-12 04:30 at UTC-2 (06:30 UTC, the same
calendar day). Rows of grain Day, Week, Month and Year are scored by exact
match at that grain against the expected start: Day needs a day-granular
answer on that date; Week a day-granular answer in that Monday-based week;
Month an answer of day or month granularity in that month; Year any answer
in that year. Among the expressions found in a row, the longest is judged.
Rows of section negativeCorpus must yield no expression.
"""
import argparse
import collections
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score import run  # noqa: E402

CORPUS = "/work/shared/eval/dates/en_time_corpus.jsonl"
HERE = os.path.dirname(os.path.abspath(__file__))
PUBLISHED = "2013-02-12T06:30:00Z"
GRAINS = ("Day", "Week", "Month", "Year")


def right(grain, want, f):
    got = datetime.date.fromisoformat(f["value"])
    g = f["granularity"]
    if grain == "Day":
        return g == "day" and got == want
    if grain == "Week":
        monday = want - datetime.timedelta(days=want.weekday())
        return g == "day" and 0 <= (got - monday).days <= 6
    if grain == "Month":
        return g in ("day", "month") and (got.year, got.month) == (want.year, want.month)
    return got.year == want.year


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=CORPUS)
    ap.add_argument("--driver")
    ap.add_argument("--peer", choices=["chrono"])
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    rows, neg = [], []
    with open(a.corpus, encoding="utf-8") as f:
        for i, line in enumerate(f):
            r = json.loads(line)
            r["id"] = i
            r["published"] = PUBLISHED
            if r["section"] == "negativeCorpus":
                neg.append(r)
            elif r.get("grain") in GRAINS and r["expected_start"][0] > 0:
                rows.append(r)
    systems = []
    if a.driver:
        systems.append(("newsarchive", [a.driver], None))
    if a.peer:
        systems.append(("chrono-node", ["node", os.path.join(
            HERE, "..", "peers", "chrono_dates.mjs")], dict(os.environ, TZ="UTC")))
    if not systems:
        ap.error("give --driver and/or --peer chrono")
    print("%-12s %s   %s" % ("system", "  ".join("%-13s" % g for g in GRAINS + ("all",)),
                             "negatives"))
    for name, cmd, env in systems:
        pred = run(cmd, rows + neg, env)
        ok, tot = collections.Counter(), collections.Counter()
        for r in rows:
            y, m, d = r["expected_start"][:3]
            want = datetime.date(y, m, d)
            found = pred.get(r["id"], [])
            best = max(found, key=lambda f: f["end"] - f["start"], default=None)
            good = best is not None and right(r["grain"], want, best)
            tot[r["grain"]] += 1
            ok[r["grain"]] += good
            if a.verbose and not good:
                print("%s %s %r want %s got %s" % (name, r["grain"], r["text"], want,
                      "-" if best is None else "%s %s %s" % (best["text"], best["value"],
                                                             best["granularity"])))
        neg_ok = sum(1 for r in neg if not pred.get(r["id"]))
        if a.verbose:
            for r in neg:
                if pred.get(r["id"]):
                    print("%s NEG %r -> %s" % (name, r["text"], pred[r["id"]]))
        cells = ["%4d/%-4d %.3f" % (ok[g], tot[g], ok[g] / tot[g]) for g in GRAINS]
        n_ok, n_tot = sum(ok.values()), sum(tot.values())
        cells.append("%4d/%-4d %.3f" % (n_ok, n_tot, n_ok / n_tot))
        print("%-12s %s   %d/%d" % (name, " ".join(cells), neg_ok, len(neg)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
