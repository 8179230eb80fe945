#!/usr/bin/env python3
"""Score entity extraction on tools/eval/entities/set.jsonl.

Runs the C driver (ner_driver) or reads a peer's output, then prints
precision, recall and F1 per kind on
  1. canonical: the set of (kind, canonical name) per article, exact;
  2. loose: an entity counts as found when any name returned for that kind
     equals its canonical name or one of its surface forms (the rule used for
     the peer, which has no canonical names);
  3. mentions: the set of (kind, surface form) per article.
Usage:
  python3 tools/eval/entities/score.py --driver /tmp/ner_driver [--split dev|heldout|all]
  python3 tools/eval/entities/score.py --peer-output /tmp/peer.jsonl [--split ...]
  add --errors to list misses and false alarms.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = ("person", "place", "org")
TITLES = {"president", "prime", "minister", "mr", "mrs", "ms", "dr", "secretary", "general",
          "governor", "chancellor", "mayor", "envoy", "special", "u.s.", "us", "the"}


def norm(s):
    # accents folded: "Reykjavík" and "Reykjavik" name the same place
    s = "".join(ch for ch in unicodedata.normalize("NFD", s) if not unicodedata.combining(ch))
    s = s.replace("\u0131", "i").replace("\u2019", "'").strip()
    s = re.sub(r"('s|')$", "", s)
    s = re.sub(r"[.,;:!?\"]+$", "", s)
    s = re.sub(r"\s+", " ", s)
    return s.lower()


def strip_titles(s):
    w = s.split(" ")
    while len(w) > 1 and w[0].lower().strip(".") in TITLES:
        w = w[1:]
    return " ".join(w)


def load_set(split):
    rows = [json.loads(l) for l in open(os.path.join(HERE, "set.jsonl"), encoding="utf-8")]
    if split != "all":
        rows = [r for r in rows if r["split"] == split]
    return rows


def run_driver(driver, rows):
    inp = "".join(json.dumps({"id": r["id"], "title": r["title"], "body": r["body"]}) + "\n" for r in rows)
    out = subprocess.run([driver], input=inp.encode(), stdout=subprocess.PIPE, check=True).stdout
    return {d["id"]: d for d in (json.loads(l) for l in out.decode().splitlines() if l.strip())}


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(rows, found, show_errors):
    res = {m: {k: [0, 0, 0] for k in KINDS} for m in ("canonical", "loose", "mentions")}
    for r in rows:
        sys_ents = found.get(r["id"], {"entities": []})["entities"]
        for k in KINDS:
            gold = [e for e in r["entities"] if e["kind"] == k]
            got = [e for e in sys_ents if e["kind"] == k]
            # canonical
            g = {norm(e["name"]) for e in gold}
            s = {norm(e["name"]) for e in got}
            c = res["canonical"][k]
            c[0] += len(g & s); c[1] += len(s - g); c[2] += len(g - s)
            if show_errors:
                for x in sorted(g - s): print(f"  MISS {r['id']} {k}: {x}")
                for x in sorted(s - g): print(f"  FALSE {r['id']} {k}: {x}")
            # loose: names returned (canonical and surfaces) vs gold forms
            names = set()
            for e in got:
                names.add(norm(e["name"]))
                names.update(norm(strip_titles(m)) for m in e.get("mentions", []))
            forms = [{norm(e["name"])} | {norm(strip_titles(m)) for m in e["mentions"]} for e in gold]
            matched = [any(n in f for n in names) for f in forms]
            allforms = set().union(*forms) if forms else set()
            c = res["loose"][k]
            c[0] += sum(matched); c[2] += len(matched) - sum(matched)
            # a returned entity is a false alarm when none of its names is a gold form
            for e in got:
                en = {norm(e["name"])} | {norm(strip_titles(m)) for m in e.get("mentions", [])}
                if not (en & allforms):
                    c[1] += 1
            # mentions
            gm = {norm(strip_titles(m)) for e in gold for m in e["mentions"]}
            sm = {norm(strip_titles(m)) for e in got for m in e.get("mentions", [])}
            c = res["mentions"][k]
            c[0] += len(gm & sm); c[1] += len(sm - gm); c[2] += len(gm - sm)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver")
    ap.add_argument("--peer-output")
    ap.add_argument("--split", default="all", choices=("dev", "heldout", "all"))
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    rows = load_set(a.split)
    if a.driver:
        found = run_driver(a.driver, rows)
    elif a.peer_output:
        found = {d["id"]: d for d in (json.loads(l) for l in open(a.peer_output) if l.strip())}
    else:
        ap.error("give --driver or --peer-output")
    res = score(rows, found, a.errors)
    print(f"articles: {len(rows)} (split {a.split})")
    for m in ("canonical", "loose", "mentions"):
        print(f"[{m}]")
        tot = [0, 0, 0]
        for k in KINDS:
            tp, fp, fn = res[m][k]
            tot = [tot[0] + tp, tot[1] + fp, tot[2] + fn]
            p, r, f = prf(tp, fp, fn)
            print(f"  {k:7s} P={p:.3f} R={r:.3f} F1={f:.3f}  (tp={tp} fp={fp} fn={fn})")
        p, r, f = prf(*tot)
        print(f"  {'all':7s} P={p:.3f} R={r:.3f} F1={f:.3f}")
    if a.json:
        print(json.dumps(res))


if __name__ == "__main__":
    main()
