#!/usr/bin/env python3
"""Date-F1 of story timelines against hand-built expected timelines.

usage: datef1.py TIMELINES.json TRUTH.tsv NEWSQUERY ARCHIVE

For each story of TIMELINES.json ({story: [YYYY-MM-DD, ...]}), the system
story is the one holding most of the story's articles (TRUTH.tsv); its
timeline (`newsquery timeline --story ID --format json`) gives the system's
dates (day-granularity entries). Date precision/recall/F1 as reported in
timeline-summarisation research (Martschat & Markert 2017): the dates
chosen against the expected dates, per story, then macro-averaged.
"""
import json
import subprocess
import sys
from collections import Counter

from bcubed import canon


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    tl_path, truth_path, nq, archive = sys.argv[1:]
    expected = json.load(open(tl_path, encoding="utf-8"))
    truth = {}
    for line in open(truth_path, encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            url, label = line.rstrip("\n").split("\t")[:2]
            truth[canon(url)] = label
    out = subprocess.run([nq, "--archive", archive, "search", "", "--since", "1900",
                          "--limit", "0", "--format", "jsonl"],
                         check=True, capture_output=True, text=True).stdout
    story_of = {canon(json.loads(l)["url"]): json.loads(l)["story"] for l in out.splitlines()}
    ps, rs, fs = [], [], []
    for label in sorted(expected):
        votes = Counter(story_of.get(u) for u, lab in truth.items() if lab == label)
        sid = votes.most_common(1)[0][0]
        tl = json.loads(subprocess.run([nq, "--archive", archive, "timeline", "--story",
                                        str(sid), "--format", "json"],
                                       check=True, capture_output=True, text=True).stdout)
        got = {e["date"] for e in tl if e["granularity"] == "day"}
        want = set(expected[label])
        both = len(got & want)
        p = both / len(got) if got else 0.0
        r = both / len(want) if want else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        ps.append(p)
        rs.append(r)
        fs.append(f)
        print(f"{label:28s} story {sid}: dates {len(got)} expected {len(want)}  "
              f"P {p:.2f} R {r:.2f} F1 {f:.2f}")
    n = len(fs)
    print(f"Date-F1 (macro over {n} stories): precision {sum(ps)/n:.3f} "
          f"recall {sum(rs)/n:.3f} F1 {sum(fs)/n:.3f}")


if __name__ == "__main__":
    main()
