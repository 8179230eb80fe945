#!/usr/bin/env python3
"""Compose the labelled story set from the hand-written facts in facts.py.

usage: gen_set.py OUTDIR

Writes OUTDIR/articles.jsonl (the articles, in publication order with a
few late arrivals), OUTDIR/truth.tsv (URL <TAB> story) and
OUTDIR/timelines.json ({story: [expected event dates]}). Deterministic.

Each article of a story reports its newest fact in the lead (in one of two
wordings), then one to three earlier facts and some background; dates are
written the way news writes them relative to the article's day ("on
Tuesday", "on March 4"). Outlets vary the wording and the order; about one
wire story in six is republished by another outlet with a new headline and
a retouched first sentence (a syndicated copy, which must stay in the same
story and count once).
"""
import datetime as dt
import json
import os
import random
import re
import sys

from facts import OUTLETS, STORIES, TIMELINE_STORIES

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def when(event, pub):
    """How an article published on `pub` names the day `event`."""
    gap = (pub - event).days
    if 0 <= gap <= 5:
        return "on " + WEEKDAYS[event.weekday()]
    return "on %s %d" % (MONTHS[event.month - 1], event.day)


def slug(text):
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:70].rstrip("-")


def render(sentence, event, pub):
    return sentence.replace("{when}", when(event, pub))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20251201)
    articles, truth, timelines = [], [], {}
    for st in STORIES:
        start = dt.date.fromisoformat(st["start"])
        facts = st["facts"]
        n = st["articles"]
        # which fact each article leads with: every fact once, then extra
        # coverage of the facts in order, weighted to the early ones
        leads = list(range(len(facts)))
        while len(leads) < n:
            leads.append(rng.choice(range(len(facts))))
        leads.sort()
        reported = set()
        used_urls = set()
        for k, fi in enumerate(leads):
            day, headline, variants = facts[fi]
            event = start + dt.timedelta(days=day)
            pub = event + dt.timedelta(days=rng.choice([0, 0, 0, 1]))
            outlet = OUTLETS[(k + len(st["id"])) % len(OUTLETS)]
            lead = render(variants[k % 2], event, pub)
            paras = [lead]
            earlier = list(range(fi))[::-1][:rng.choice([1, 2, 3])]
            for ej in earlier:
                eday, _, evars = facts[ej]
                edate = start + dt.timedelta(days=eday)
                paras.append(render(evars[(k + ej) % 2], edate, pub))
                reported.add(edate.isoformat())
            bg = st["background"][:]
            rng.shuffle(bg)
            paras.extend(bg[:rng.choice([1, 2])])
            if len(paras) > 3 and rng.random() < 0.4:
                paras[1], paras[2] = paras[2], paras[1]
            reported.add(event.isoformat())
            title = headline
            if k > 0 and leads[k - 1] == fi:
                title = rng.choice([headline, headline.split(",")[0],
                                    headline + ", officials say"])
            hour = 6 + (k * 3) % 12
            published = "%sT%02d:%02d:00Z" % (pub.isoformat(), hour, (k * 7) % 60)
            url = "https://%s/%04d/%02d/%02d/%s" % (outlet[1], pub.year, pub.month,
                                                      pub.day, slug(title))
            while url in used_urls:
                url += "-2"
            used_urls.add(url)
            body = "\n\n".join(paras)
            art = {"url": url, "source": outlet[0], "title": title,
                   "published": published, "summary": lead, "body": body}
            articles.append(art)
            truth.append((url, st["id"]))
            # a syndicated copy of wire copy
            if outlet[2] == "wire" and rng.random() < 0.5:
                other = OUTLETS[(k + 2) % len(OUTLETS)]
                if other == outlet:
                    other = OUTLETS[1]
                ctitle = rng.choice(["%s" % headline.split(",")[0],
                                     "%s (wire report)" % headline])
                cbody = body.replace(lead, lead.replace(" said", " told reporters", 1)
                                     if " said" in lead else "UPDATED: " + lead, 1)
                curl = "https://%s/%04d/%02d/%02d/%s-wire" % (other[1], pub.year,
                                                              pub.month, pub.day, slug(ctitle))
                articles.append({"url": curl, "source": other[0], "title": ctitle,
                                 "published": "%sT%02d:30:00Z" % (pub.isoformat(), hour + 1),
                                 "summary": cbody.split("\n\n")[0], "body": cbody})
                truth.append((curl, st["id"]))
        if st["id"] in TIMELINE_STORIES:
            timelines[st["id"]] = sorted(reported)
    # publication order, with every tenth article arriving late (a dozen
    # articles after its time)
    articles.sort(key=lambda a: (a["published"], a["url"]))
    order = list(articles)
    for i in range(9, len(articles), 10):
        a = articles[i]
        order.remove(a)
        order.insert(min(len(order), order.index(articles[i - 1]) + 13), a)
    with open(os.path.join(out, "articles.jsonl"), "w", encoding="utf-8") as f:
        for a in order:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")
    with open(os.path.join(out, "truth.tsv"), "w", encoding="utf-8") as f:
        f.write("# url\tstory (labelled set of tools/eval/stories, see README)\n")
        for url, sid in truth:
            f.write("%s\t%s\n" % (url, sid))
    with open(os.path.join(out, "timelines.json"), "w", encoding="utf-8") as f:
        json.dump(timelines, f, indent=1, sort_keys=True)
        f.write("\n")
    print("%d articles in %d stories; expected timelines for %d stories"
          % (len(articles), len(STORIES), len(timelines)))


if __name__ == "__main__":
    main()
