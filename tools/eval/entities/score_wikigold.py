#!/usr/bin/env python3
"""Score the entity finder on wikigold (CoNLL, IOB1 tags I-PER/I-LOC/I-ORG/I-MISC).

Each document (between -DOCSTART- lines) is rebuilt as text: tokens joined by
spaces, sentences by newlines; the driver finds entities in it as a body; a
hit counts when its byte span is exactly a gold entity's span with the same
kind (person=PER, place=LOC, org=ORG). MISC is not scored and our hits on
MISC spans count as false alarms like any other. Entity-level exact-span
precision, recall and F1 per kind.
Usage: python3 tools/eval/entities/score_wikigold.py --driver /tmp/ner_driver
       [--data /work/shared/eval/ner/wikigold/CONLL-format/data/wikigold.conll.txt]
"""
import argparse
import json
import subprocess

KIND = {"person": "PER", "place": "LOC", "org": "ORG"}


def read_docs(path):
    docs, cur, sent = [], [], []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("-DOCSTART-"):
            if sent: cur.append(sent)
            if cur: docs.append(cur)
            cur, sent = [], []
            continue
        if not line.strip():
            if sent: cur.append(sent); sent = []
            continue
        tok, tag = line.rsplit(" ", 1)
        sent.append((tok, tag))
    if sent: cur.append(sent)
    if cur: docs.append(cur)
    return docs


def build(doc):
    """Text plus gold spans {(start, end, kind)} in bytes."""
    parts, gold, pos = [], set(), 0
    for si, sent in enumerate(doc):
        if si:
            parts.append("\n"); pos += 1
        ent = None  # [start, end, kind]
        for ti, (tok, tag) in enumerate(sent):
            if ti:
                parts.append(" "); pos += 1
            b = tok.encode("utf-8")
            start, end = pos, pos + len(b)
            parts.append(tok); pos = end
            kind = tag[2:] if tag != "O" else None
            if kind and ent and ent[2] == kind and tag.startswith("I-"):
                ent[1] = end
            else:
                if ent: gold.add(tuple(ent))
                ent = [start, end, kind] if kind else None
        if ent: gold.add(tuple(ent))
    return "".join(parts), {g for g in gold if g[2] in ("PER", "LOC", "ORG")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--data", default="/work/shared/eval/ner/wikigold/CONLL-format/data/wikigold.conll.txt")
    a = ap.parse_args()
    docs = [build(d) for d in read_docs(a.data)]
    inp = "".join(json.dumps({"id": str(i), "title": "", "body": t}) + "\n" for i, (t, _) in enumerate(docs))
    out = subprocess.run([a.driver], input=inp.encode(), stdout=subprocess.PIPE, check=True).stdout.decode()
    res = {k: [0, 0, 0] for k in ("PER", "LOC", "ORG")}
    for line in out.splitlines():
        d = json.loads(line)
        text, gold = docs[int(d["id"])]
        found = {(h["start"], h["end"], KIND[h["kind"]]) for h in d["hits"] if not h["title"]}
        for k in res:
            g = {x for x in gold if x[2] == k}
            f = {x for x in found if x[2] == k}
            res[k][0] += len(g & f); res[k][1] += len(f - g); res[k][2] += len(g - f)
    tot = [0, 0, 0]
    print(f"wikigold: {len(docs)} documents, exact-span entity match")
    for k, (tp, fp, fn) in res.items():
        tot = [tot[0] + tp, tot[1] + fp, tot[2] + fn]
        p = tp / (tp + fp) if tp + fp else 0; r = tp / (tp + fn) if tp + fn else 0
        f1 = 2 * p * r / (p + r) if p + r else 0
        print(f"  {k} P={p:.3f} R={r:.3f} F1={f1:.3f} (tp={tp} fp={fp} fn={fn})")
    tp, fp, fn = tot
    p = tp / (tp + fp); r = tp / (tp + fn); print(f"  all P={p:.3f} R={r:.3f} F1={2*p*r/(p+r):.3f}")


if __name__ == "__main__":
    main()
