#!/usr/bin/env python3
"""Score our feed parser against the feedparser test suite.

Each test file in FEEDS_DIR (wellformed/, illformed/, encoding/, entities/)
starts with a comment holding `Expect: <python expression>` over
feedparser's result. We run the inspect driver over every file, map its
JSON to feedparser's key names and evaluate each expression.

An expectation counts only when every key it touches is one we store:
  bozo, feed.title/title_detail.value/link/language,
  entries[i].title/title_detail.value/link/id/guid/author/summary/
  summary_detail.value/description/content[i].value/published/
  published_parsed
Expressions touching anything else (tags, links, enclosures, *_detail.type,
updated_parsed, version, encoding...) are reported as "not counted".

Two scores are printed:
  strict  - values compared exactly as feedparser would;
  text    - our fields are plain text while feedparser keeps (sanitised)
            HTML, so a string comparison also holds when the expected HTML,
            turned to text the same way, equals our text (whitespace runs
            compared as one space); a summary we left out as empty counts
            as "".

Usage: score_feeds.py [--driver PATH] [--feeds DIR] [--verbose]
       [--failures N] [--dates]
"""
import argparse
import calendar
import html
import html.parser
import json
import os
import re
import subprocess
import sys
import time

STORED = {
    "top": {"bozo", "feed", "entries"},
    "feed": {"title", "title_detail", "link", "language"},
    "entry": {"title", "title_detail", "link", "id", "guid", "author",
              "summary", "summary_detail", "description", "content",
              "published", "published_parsed"},
    "detail": {"value"},
}

DROP = {"script", "style", "iframe", "noscript", "template", "svg", "object",
        "embed", "form", "nav", "aside", "footer", "head", "math", "select",
        "textarea", "button"}


class _TextParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROP:
            self.skip += 1
        self.out.append(" ")

    def handle_endtag(self, tag):
        if tag in DROP and self.skip:
            self.skip -= 1
        self.out.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_to_text(s):
    p = _TextParser()
    try:
        p.feed(s)
        p.close()
    except Exception:
        return s
    return "".join(p.out)


def squash(s):
    return re.sub(r"[ \t\r\n\f]+", " ", s).strip()


class Untracked(Exception):
    """The expression touched a field we do not store."""


class Tracker:
    def __init__(self):
        self.unstored = set()


class TextValue(str):
    """One of our text fields; equality optionally tolerant of HTML."""
    lenient = False

    def __eq__(self, other):
        if str.__eq__(self, other):
            return True
        if TextValue.lenient and isinstance(other, str):
            mine = squash(str(self))
            return mine == squash(other) or mine == squash(html_to_text(other))
        return False

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


class FPDict(dict):
    """feedparser-style dict: item and attribute access, tracks keys."""

    def __init__(self, level, tracker, data):
        super().__init__(data)
        self._level = level
        self._tracker = tracker

    def _touch(self, key):
        if key not in STORED[self._level]:
            self._tracker.unstored.add("%s.%s" % (self._level, key))
            raise Untracked(key)

    def __getitem__(self, key):
        self._touch(key)
        return dict.__getitem__(self, key)

    def __getattr__(self, key):
        if key.startswith("_"):
            raise AttributeError(key)
        self._touch(key)
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            raise AttributeError(key)

    def __contains__(self, key):
        self._touch(key)
        return dict.__contains__(self, key)

    def get(self, key, default=None):
        self._touch(key)
        return dict.get(self, key, default)

    def has_key(self, key):
        return self.__contains__(key)


def text(v):
    return TextValue(v) if isinstance(v, str) else v


def detail(tracker, v):
    return FPDict("detail", tracker, {"value": text(v)})


def to_feedparser(obj, tracker, lenient):
    feed = {}
    f = obj.get("feed") or {}
    if f.get("title") is not None:
        feed["title"] = text(f["title"])
        feed["title_detail"] = detail(tracker, f["title"])
    if f.get("link") is not None:
        feed["link"] = text(f["link"])
    if f.get("lang") is not None:
        feed["language"] = text(f["lang"])
    entries = []
    for e in obj.get("entries") or []:
        d = {}
        if e.get("title") is not None:
            d["title"] = text(e["title"])
            d["title_detail"] = detail(tracker, e["title"])
        if e.get("link") is not None:
            d["link"] = text(e["link"])
        if e.get("id") is not None:
            d["id"] = text(e["id"])
            d["guid"] = text(e["id"])
        if e.get("author") is not None:
            d["author"] = text(e["author"])
        if lenient and e.get("summary") is None:
            # we store no summary when its text is empty
            e = dict(e, summary="")
        if lenient and e.get("content") is None:
            e = dict(e, content="")
        if e.get("summary") is None and e.get("content") is not None:
            # feedparser's summary falls back to the content
            e = dict(e, summary=e["content"])
        if e.get("summary") is not None:
            d["summary"] = text(e["summary"])
            d["description"] = text(e["summary"])
            d["summary_detail"] = detail(tracker, e["summary"])
        if e.get("content") is not None:
            d["content"] = [detail(tracker, e["content"])]
        if e.get("published_raw") is not None:
            d["published"] = text(e["published_raw"])
        if e.get("published") is not None:
            ts = time.strptime(e["published"], "%Y-%m-%dT%H:%M:%SZ")
            d["published_parsed"] = time.gmtime(calendar.timegm(ts))
        entries.append(FPDict("entry", tracker, d))
    return FPDict("top", tracker, {
        "bozo": bool(obj.get("bozo")),
        "feed": FPDict("feed", tracker, feed),
        "entries": entries,
    })


def read_expect(path):
    raw = open(path, "rb").read()
    for enc in ("utf-8", "utf-32", "utf-16", "utf-32-le", "utf-32-be",
                "utf-16-le", "utf-16-be", "latin-1"):
        try:
            s = raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        m = re.search(r"^\s*Expect:\s*(.*?)\s*$", s, re.M)
        if m:
            return m.group(1)
    return None


def evaluate(expr, obj, lenient):
    tracker = Tracker()
    TextValue.lenient = lenient
    env = {"__builtins__": __builtins__, "time": time,
           "datetime": __import__("datetime")}
    try:
        fp = to_feedparser(obj, tracker, lenient)
        env.update({"bozo": fp["bozo"], "feed": fp["feed"],
                    "entries": fp["entries"]})
        ok = bool(eval(expr, env))
    except (Untracked, NameError):
        # a field we do not store, or feedparser internals (encoding,
        # bozo_exception, version, feedparser.*)
        return None, tracker
    except Exception:
        ok = False
    if tracker.unstored:
        return None, tracker
    return ok, tracker


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", default=os.environ.get("FEEDINSPECT",
                    os.path.join(here, "feedinspect")))
    ap.add_argument("--feeds", default="/work/shared/eval/feeds")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--failures", type=int, default=0,
                    help="print up to N failing files with our output")
    ap.add_argument("--dates", action="store_true",
                    help="also score date_cases.jsonl")
    args = ap.parse_args()

    files = []
    for top in ("wellformed", "illformed", "encoding", "entities"):
        for root, _, names in os.walk(os.path.join(args.feeds, top)):
            files += [os.path.join(root, n) for n in sorted(names)
                      if n.endswith(".xml")]
    files.sort()
    outputs = {}
    for i in range(0, len(files), 200):
        chunk = files[i:i + 200]
        res = subprocess.run([args.driver] + chunk, capture_output=True,
                             text=True, errors="replace")
        for line in res.stdout.splitlines():
            o = json.loads(line)
            outputs[o["file"]] = o

    stats = {}
    failures = []
    skipped_keys = {}
    for path in files:
        folder = os.path.relpath(os.path.dirname(path), args.feeds)
        top = folder.split(os.sep)[0]
        expr = read_expect(path)
        obj = outputs.get(path, {"bozo": True, "entries": []})
        for key in (folder, top + "/*", "ALL"):
            stats.setdefault(key, [0, 0, 0, 0])  # strict, text, counted, total
            stats[key][3] += 1
        if expr is None:
            continue
        strict, tracker = evaluate(expr, obj, False)
        lenient, _ = evaluate(expr, obj, True)
        if lenient is None:  # short-circuited into an unstored field
            lenient = strict
        if strict is None:
            for k in tracker.unstored:
                skipped_keys[k] = skipped_keys.get(k, 0) + 1
            continue
        for key in (folder, top + "/*", "ALL"):
            stats[key][0] += strict
            stats[key][1] += lenient
            stats[key][2] += 1
        if not lenient:
            failures.append((path, expr, obj))

    print("%-28s %7s %7s %7s %7s" % ("folder", "files", "counted",
                                     "strict", "text"))
    for key in sorted(stats, key=lambda k: (k == "ALL", k.endswith("*"), k)):
        s, t, c, n = stats[key]
        if c == 0 and not args.verbose:
            continue
        print("%-28s %7d %7d %6.1f%% %6.1f%%" % (
            key, n, c, 100.0 * s / c if c else 0, 100.0 * t / c if c else 0))
    if args.verbose:
        print("\nnot counted (key: expectations):")
        for k, v in sorted(skipped_keys.items(), key=lambda kv: -kv[1]):
            print("  %-30s %d" % (k, v))
    for path, expr, obj in failures[:args.failures]:
        print("\nFAIL %s\n  Expect: %s\n  ours: %s" % (
            path, expr, json.dumps(obj, ensure_ascii=False)[:600]))

    if args.dates:
        score_dates(args)


def score_dates(args):
    cases = [json.loads(l) for l in open(os.path.join(args.feeds,
                                                      "date_cases.jsonl"))]
    inputs = "".join(c["input"].replace("\n", " ") + "\n" for c in cases)
    res = subprocess.run([args.driver, "--dates"], input=inputs,
                         capture_output=True, text=True)
    got = res.stdout.splitlines()
    good = 0
    by_parser = {}
    for c, g in zip(cases, got):
        exp = c["expected_utc_struct_time"]
        ours = None if g == "null" else list(time.gmtime(int(g)))[:6]
        ok = (exp is None and ours is None) or (
            exp is not None and ours == exp[:6])
        good += ok
        p = by_parser.setdefault(c["parser"], [0, 0])
        p[0] += ok
        p[1] += 1
        if args.verbose and not ok:
            print("date FAIL %-22s %-45r expected %s got %s" % (
                c["parser"], c["input"], exp and exp[:6], ours))
    print("\ndates: %d/%d (%.1f%%)" % (good, len(cases),
                                      100.0 * good / len(cases)))
    for p, (g, n) in sorted(by_parser.items()):
        print("  %-24s %d/%d" % (p, g, n))


if __name__ == "__main__":
    main()
