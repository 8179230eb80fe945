#!/usr/bin/env python3
"""Score temporal expression finding and resolution on set.jsonl.

Usage:
  score.py [--set set.jsonl] --driver PATH     run our timex_driver
  score.py [--set set.jsonl] --peer chrono     run ../peers/chrono_dates.mjs
  score.py ... --both                          ours and chrono side by side
  score.py ... -v                              list misses per article

Detection: an expected expression (located by its text, in order, in the
article) is found when a found span overlaps it, one to one. Precision,
recall and F1 over spans. Resolution accuracy: the share of expected
expressions found AND resolved to the right value at the right granularity.
Week expressions ("last week") count as right when a day of that week is
given; weekends ("this weekend") when its Saturday or Sunday is given.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def run(cmd, rows, env=None):
    feed = "".join(json.dumps({"id": r["id"], "published": r["published"],
                               "text": r["text"]}) + "\n" for r in rows)
    out = subprocess.run(cmd, input=feed, capture_output=True, text=True,
                         env=env, check=True)
    pred = {}
    for line in out.stdout.splitlines():
        o = json.loads(line)
        pred[o["id"]] = o["found"]
    return pred


def expected_spans(row):
    """Byte spans of the expected expressions, located in order."""
    text = row["text"]
    spans, pos = [], 0
    for e in row["expect"]:
        i = text.find(e["text"], pos)
        if i < 0:
            i = text.find(e["text"])
        if i < 0:
            raise SystemExit("%s: %r not in text" % (row["id"], e["text"]))
        b = len(text[:i].encode())
        spans.append((b, b + len(e["text"].encode())))
        pos = i + len(e["text"])
    return spans


def correct(e, f):
    g = e["granularity"]
    if g in ("week", "weekend"):
        if f["granularity"] != "day":
            return False
        want = datetime.date.fromisoformat(e["value"])
        got = datetime.date.fromisoformat(f["value"])
        delta = (got - want).days
        return 0 <= delta <= 6 if g == "week" else 0 <= delta <= 1
    return f["granularity"] == g and f["value"] == e["value"]


def score(rows, pred, verbose=False, name=""):
    tp = fp = fn = right = total = 0
    for row in rows:
        found = list(pred.get(row["id"], []))
        used = [False] * len(found)
        for e, (s, t) in zip(row["expect"], expected_spans(row)):
            total += 1
            hit = None
            for k, f in enumerate(found):
                if not used[k] and f["start"] < t and s < f["end"]:
                    hit = k
                    break
            if hit is None:
                fn += 1
                if verbose:
                    print("%s %s MISS %r (want %s %s)" % (name, row["id"], e["text"],
                          e["value"], e["granularity"]))
                continue
            used[hit] = True
            tp += 1
            if correct(e, found[hit]):
                right += 1
            elif verbose:
                print("%s %s WRONG %r -> %r %s %s (want %s %s)" % (
                    name, row["id"], e["text"], found[hit]["text"],
                    found[hit]["value"], found[hit]["granularity"],
                    e["value"], e["granularity"]))
        for k, f in enumerate(found):
            if not used[k]:
                fp += 1
                if verbose:
                    print("%s %s EXTRA %r -> %s %s" % (name, row["id"], f["text"],
                          f["value"], f["granularity"]))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"articles": len(rows), "expected": total, "found": tp + fp,
            "precision": p, "recall": r, "f1": f1,
            "resolution_accuracy": right / total if total else 0.0}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default=os.path.join(HERE, "set.jsonl"))
    ap.add_argument("--driver", help="path of the built timex_driver")
    ap.add_argument("--peer", choices=["chrono"])
    ap.add_argument("--both", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    rows = load(a.set)
    systems = []
    if a.driver:
        systems.append(("newsarchive", [a.driver], None))
    if a.peer == "chrono" or a.both:
        env = dict(os.environ, TZ="UTC")
        systems.append(("chrono-node", ["node", os.path.join(
            HERE, "..", "peers", "chrono_dates.mjs")], env))
    if not systems:
        ap.error("give --driver and/or --peer chrono")
    print("%-12s %5s %5s %9s %6s %6s %10s" % ("system", "exp", "found",
          "precision", "recall", "F1", "resolution"))
    for name, cmd, env in systems:
        res = score(rows, run(cmd, rows, env), a.verbose, name)
        print("%-12s %5d %5d %9.3f %6.3f %6.3f %10.3f" % (
            name, res["expected"], res["found"], res["precision"],
            res["recall"], res["f1"], res["resolution_accuracy"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
