#!/usr/bin/env python3
"""B-cubed precision, recall and F1 of story clustering.

usage: bcubed.py TRUTH.tsv NEWSQUERY ARCHIVE [--show]

TRUTH.tsv: one line per article, "URL<TAB>story-label". The system's
clusters are read from the archive with
  newsquery --archive ARCHIVE search '' --since 1900 --limit 0 --format jsonl
(the `story` field of each article). B-cubed (Bagga & Baldwin 1998): for
each article, precision = |system cluster ∩ true cluster| / |system cluster|,
recall = |system cluster ∩ true cluster| / |true cluster|, averaged over
the articles of the truth; F1 is the harmonic mean of the two averages.
Articles of the truth missing from the archive count as singletons.
"""
import json
import subprocess
import sys
from collections import defaultdict


def canon(url):
    """Compare URLs the way the archive stores them: tracking parameters
    (utm_*, fbclid, gclid) and fragments removed, case folded."""
    url = url.strip().split("#")[0]
    if "?" in url:
        base, query = url.split("?", 1)
        keep = [p for p in query.split("&")
                if p and not p.lower().startswith(("utm_", "fbclid=", "gclid="))]
        url = base + ("?" + "&".join(keep) if keep else "")
    return url.rstrip("/").lower()


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    truth_path, nq, archive = sys.argv[1:4]
    show = "--show" in sys.argv
    truth = {}
    with open(truth_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            url, label = line.rstrip("\n").split("\t")[:2]
            truth[canon(url)] = label
    out = subprocess.run([nq, "--archive", archive, "search", "", "--since", "1900",
                          "--limit", "0", "--format", "jsonl"],
                         check=True, capture_output=True, text=True).stdout
    system = {}
    for line in out.splitlines():
        o = json.loads(line)
        system[canon(o["url"])] = o["story"]
    # system clusters restricted to the truth's articles
    sys_members = defaultdict(set)
    for i, url in enumerate(sorted(truth)):
        s = system.get(url)
        sys_members[("s", s) if s is not None else ("single", i)].add(url)
    key_of = {}
    for k, members in sys_members.items():
        for u in members:
            key_of[u] = k
    true_members = defaultdict(set)
    for u, lab in truth.items():
        true_members[lab].add(u)
    p_sum = r_sum = 0.0
    for u, lab in truth.items():
        s = sys_members[key_of[u]]
        t = true_members[lab]
        both = len(s & t)
        p_sum += both / len(s)
        r_sum += both / len(t)
    n = len(truth)
    p, r = p_sum / n, r_sum / n
    f = 2 * p * r / (p + r) if p + r else 0.0
    print(f"articles {n}  true stories {len(true_members)}  system stories {len(sys_members)}")
    print(f"B-cubed precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    if show:
        for k, members in sorted(sys_members.items(), key=lambda kv: str(kv[0])):
            labs = defaultdict(int)
            for u in members:
                labs[truth[u]] += 1
            print(k, dict(labs))


if __name__ == "__main__":
    main()
