#!/usr/bin/env python3
"""Score newsarchive's article-body extraction against expected texts.

Metric (as the article-extraction benchmarks define it): lower-case both
texts, tokenise with \\w+ (Unicode), build 4-gram shingles (a text of fewer
than 4 tokens is one shingle of all its tokens), count true positives as the
multiset overlap of the shingles, false positives / negatives as the rest;
precision, recall and F1 per document, each averaged over documents.
Edge cases: both texts empty -> P = R = F1 = 1; only one empty -> 0.

Usage:
  score.py --driver BUILD/extract_driver [--data DIR] [--holdout]
           [--worst N] [--dump DIR]
DIR defaults to ../../../../shared/eval/extraction relative to this file
(html/*.html.gz + ground-truth.json). --holdout scores the pages in
holdout/ beside this file instead (NAME.html + NAME.txt, url in the first
line "<!-- url: ... -->" of the html).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter

TOKEN = re.compile(r"\w+", re.UNICODE)
HERE = os.path.dirname(os.path.abspath(__file__))


def shingles(text, n=4):
    toks = TOKEN.findall((text or "").lower())
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def prf(expected, got):
    e, g = shingles(expected), shingles(got)
    if not e and not g:
        return 1.0, 1.0, 1.0
    tp = sum((e & g).values())
    fp = sum(g.values()) - tp
    fn = sum(e.values()) - tp
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def load_cases(args):
    cases = []  # (id, path, url, expected)
    if args.holdout:
        d = os.path.join(HERE, "holdout")
        for name in sorted(os.listdir(d)):
            if not name.endswith(".html"):
                continue
            path = os.path.join(d, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                first = f.readline()
            m = re.search(r"url:\s*(\S+)", first)
            with open(path[:-5] + ".txt", encoding="utf-8") as f:
                expected = f.read()
            cases.append((name, path, m.group(1) if m else "", expected))
        return cases
    with open(os.path.join(args.data, "ground-truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    for sha, v in sorted(truth.items()):
        path = os.path.join(args.data, "html", sha + ".html.gz")
        if os.path.exists(path):
            cases.append((sha, path, v.get("url") or "", v.get("articleBody") or ""))
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--driver", required=True)
    ap.add_argument("--data", default=os.path.normpath(
        os.path.join(HERE, "../../../../shared/eval/extraction")))
    ap.add_argument("--holdout", action="store_true")
    ap.add_argument("--worst", type=int, default=0, help="list the N worst documents")
    ap.add_argument("--dump", help="write each extracted body to DIR/ID.txt")
    args = ap.parse_args()

    cases = load_cases(args)
    if not cases:
        sys.exit("no cases found")
    feed = "".join(f"{path}\t{url}\n" for _, path, url, _ in cases)
    t0 = time.monotonic()
    res = subprocess.run([args.driver], input=feed, capture_output=True,
                         text=True, check=True)
    wall = time.monotonic() - t0
    outs = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    if len(outs) != len(cases):
        sys.exit(f"driver returned {len(outs)} results for {len(cases)} pages")

    rows = []
    for (cid, _, url, expected), o in zip(cases, outs):
        body = o.get("body") or ""
        p, r, f = prf(expected, body)
        rows.append((cid, url, p, r, f, o.get("ms", 0.0)))
        if args.dump:
            os.makedirs(args.dump, exist_ok=True)
            with open(os.path.join(args.dump, cid + ".txt"), "w", encoding="utf-8") as fh:
                fh.write(body)

    mp = statistics.mean(r[2] for r in rows)
    mr = statistics.mean(r[3] for r in rows)
    mf = statistics.mean(r[4] for r in rows)
    ms = sum(r[5] for r in rows)
    if args.worst:
        for cid, url, p, r, f, _ in sorted(rows, key=lambda x: x[4])[:args.worst]:
            print(f"  F1 {f:.3f}  P {p:.3f}  R {r:.3f}  {cid[:12]}  {url}")
    print(f"documents {len(rows)}  precision {mp:.4f}  recall {mr:.4f}  F1 {mf:.4f}")
    print(f"extraction time {ms / 1000:.2f} s total ({ms / len(rows):.1f} ms/page), "
          f"driver wall time {wall:.2f} s")


if __name__ == "__main__":
    main()
