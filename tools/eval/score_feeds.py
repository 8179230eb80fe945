#!/usr/bin/env python3
"""Score our feed parser against the feedparser test suite.

Each test file in FEEDS_DIR (wellformed/, illformed/, encoding/, entities/)
starts with a comment holding `Expect: <python expression>` over
feedparser's result, and sometimes `Header: Name: value` lines: the HTTP
response headers feedparser's own harness serves the file with. We run the
inspect driver over every file (passing those headers and, for files named
http_* or with headers, the document URL the harness serves them from, exactly as
`newsindex fetch` hands the parser the response's headers and final URL),
map its JSON to feedparser's key names and evaluate each expression.

What is counted ("concerns fields we store") is decided statically, from
the expression alone, before anything runs: every top-level name and every
key it reads on feed / entries[i] / *_detail / content[i] must be one of

  bozo                 the document needed recovery (our feed warnings)
  encoding             the charset the bytes were decoded from: not a
                       column, but every stored string is decoded with it
                       and `newsindex inspect` prints it
  feed.                title, title_detail.value, link, language
  entries[i].          title, title_detail.value, link, id, guid, author,
                       summary, summary_detail.value, description,
                       content[j].value, published, published_parsed

Anything else (tags, enclosures, *_detail.type/base/language, subtitle,
rights, updated_parsed, version, bozo_exception, headers...) makes the
whole expectation "not counted". Expectations that require script text in
the result (feedparser's regex sanitiser leaves the text of a <script> it
cannot recognise; we must never store it) are not counted either; the
sanitize score below covers them.

Two scores are printed:
  strict  - values compared exactly as feedparser would;
  text    - the fair comparison. We store plain text, feedparser keeps
            sanitised HTML, so a string comparison also holds when the
            expected HTML turned into text (tags dropped, entities decoded,
            script/style content dropped, a space where a non-inline
            element starts or ends) equals our text, whitespace runs
            compared as one space; a text field we leave out because its
            text is empty equals an expected value whose text is empty.

Sanitize score (wellformed/sanitize/): for every file whose item or feed
markup holds script or style content (a <script>/<style> element, escaped,
in CDATA, inline XHTML or base64), the share of files we parse in which no
stored text field contains any of that content. Reported separately.

Usage: score_feeds.py [--driver PATH] [--feeds DIR] [--verbose]
       [--failures N] [--dates] [--list PREFIX]
"""
import argparse
import ast
import base64
import builtins
import calendar
import html.parser
import json
import os
import re
import subprocess
import time
import xml.etree.ElementTree as ET

FEED_KEYS = {"title", "title_detail", "link", "language"}
ENTRY_KEYS = {"title", "title_detail", "link", "id", "guid", "author",
              "summary", "summary_detail", "description", "content",
              "published", "published_parsed"}
TOP_NAMES = {"bozo", "feed", "entries", "encoding"}
MODULE_NAMES = {"time", "datetime"}
DICT_METHODS = {"get", "has_key"}
SERVER = "http://127.0.0.1:8097/"

DROP = {"script", "style", "template"}
# Elements that render as words of their own; any other (b, span, a, font,
# MathML's mi/mo...) runs into the text around it, as a browser shows it.
INLINE = {"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "blink", "cite",
          "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd",
          "mark", "q", "s", "samp", "small", "span", "strike", "strong",
          "sub", "sup", "time", "tt", "u", "var", "wbr", "math", "mi", "mo",
          "mn", "ms", "mtext", "mrow", "msup", "msub", "mfrac", "msqrt"}


class _TextParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROP:
            self.skip += 1
        if tag not in INLINE:
            self.out.append(" ")

    def handle_endtag(self, tag):
        if tag in DROP and self.skip:
            self.skip -= 1
        if tag not in INLINE:
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


# ---- which expectations are counted ---------------------------------------

def _chain(node):
    """(root name, [keys]) of a subscript/attribute chain; keys are str,
    int, or None for a computed index."""
    keys = []
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        if isinstance(node, ast.Attribute):
            keys.append(node.attr)
            node = node.value
        else:
            sl = node.slice
            if isinstance(sl, ast.Index):  # Python < 3.9
                sl = sl.value
            keys.append(sl.value if isinstance(sl, ast.Constant) else None)
            node = node.value
    keys.reverse()
    return (node.id if isinstance(node, ast.Name) else None), keys


def _walk_keys(root, keys, unstored):
    """Follow keys from a root through feedparser's structure."""
    level = {"feed": "feed", "entries": "list"}.get(root)
    if level is None:
        return
    for k in keys:
        if level == "leaf":
            return
        if level in ("list", "contents"):
            if isinstance(k, int) or k is None:
                level = "entry" if level == "list" else "detail"
                continue
            if k in ("index", "count"):
                return
            unstored.add("%s.%s" % (level, k))
            return
        if k is None:
            unstored.add("%s.?" % level)
            return
        if level == "feed" or level == "entry":
            allowed = FEED_KEYS if level == "feed" else ENTRY_KEYS
            if k in DICT_METHODS:
                return  # handled through the call's argument
            if k not in allowed:
                unstored.add("%s.%s" % (level, k))
                return
            if k.endswith("_detail"):
                level = "detail"
            elif k == "content":
                level = "contents"
            else:
                level = "leaf"
        elif level == "detail":
            if k in DICT_METHODS:
                return
            if k != "value":
                unstored.add("detail.%s" % k)
                return
            level = "leaf"


def _level_of(root, keys):
    unstored = set()
    _walk_keys(root, keys, unstored)
    if unstored:
        return None
    level = {"feed": "feed", "entries": "list"}.get(root)
    for k in keys:
        if level == "list" and (isinstance(k, int) or k is None):
            level = "entry"
        elif level == "contents" and (isinstance(k, int) or k is None):
            level = "detail"
        elif level in ("feed", "entry") and isinstance(k, str):
            level = ("detail" if k.endswith("_detail") else
                     "contents" if k == "content" else "leaf")
        elif level == "detail" and k == "value":
            level = "leaf"
    return level


def unstored_keys(expr):
    """The keys the expression reads that we do not store (empty: counted)."""
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        return {"<syntax>"}
    unstored = set()
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.comprehension):
            for t in ast.walk(node.target):
                if isinstance(t, ast.Name):
                    bound.add(t.id)
        elif isinstance(node, ast.Lambda):
            bound.update(a.arg for a in node.args.args)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if (node.id not in TOP_NAMES and node.id not in MODULE_NAMES and
                    node.id not in bound and not hasattr(builtins, node.id)):
                unstored.add(node.id)
            elif node.id == "locals":
                unstored.add("locals")
        elif isinstance(node, (ast.Subscript, ast.Attribute)):
            root, keys = _chain(node)
            _walk_keys(root, keys, unstored)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in DICT_METHODS and node.args:
            root, keys = _chain(node.func.value)
            level = _level_of(root, keys)
            arg = node.args[0]
            key = arg.value if isinstance(arg, ast.Constant) else None
            if level in ("feed", "entry", "detail"):
                _walk_keys(root, keys + [key], unstored)
        if isinstance(node, ast.Compare) and any(
                isinstance(op, (ast.In, ast.NotIn)) for op in node.ops) \
                and isinstance(node.left, ast.Constant):
            for comp in node.comparators:
                root, keys = _chain(comp)
                if _level_of(root, keys) in ("feed", "entry", "detail"):
                    _walk_keys(root, keys + [node.left.value], unstored)
    return unstored


# ---- our output as feedparser's structure ----------------------------------

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
    """feedparser-style dict: item and attribute access."""

    def __getattr__(self, key):
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            raise AttributeError(key)

    def has_key(self, key):
        return key in self


def text(v):
    return TextValue(v) if isinstance(v, str) else v


def detail(v):
    return FPDict({"value": text(v)})


def put_text(d, key, v, lenient):
    """Set d[key] (and key_detail); in lenient mode an absent field is the
    empty text it stands for."""
    if v is None and lenient:
        v = ""
    if v is not None:
        d[key] = text(v)
        d[key + "_detail"] = detail(v)


def to_feedparser(obj, lenient):
    feed = FPDict()
    f = obj.get("feed") or {}
    put_text(feed, "title", f.get("title"), lenient)
    if f.get("link") is not None:
        feed["link"] = text(f["link"])
    if f.get("lang") is not None:
        feed["language"] = text(f["lang"])
    entries = []
    for e in obj.get("entries") or []:
        d = FPDict()
        put_text(d, "title", e.get("title"), lenient)
        if e.get("link") is not None:
            d["link"] = text(e["link"])
        if e.get("id") is not None:
            d["id"] = text(e["id"])
            d["guid"] = text(e["id"])
        if e.get("author") is not None:
            d["author"] = text(e["author"])
        summary, content = e.get("summary"), e.get("content")
        if summary is None and content is not None:
            summary = content  # feedparser's summary falls back to content
        put_text(d, "summary", summary, lenient)
        if "summary" in d:
            d["description"] = d["summary"]
        if content is not None or lenient:
            d["content"] = [detail(content if content is not None else "")]
        if e.get("published_raw") is not None:
            d["published"] = text(e["published_raw"])
        if e.get("published") is not None:
            ts = time.strptime(e["published"], "%Y-%m-%dT%H:%M:%SZ")
            d["published_parsed"] = time.gmtime(calendar.timegm(ts))
        entries.append(d)
    return {"bozo": bool(obj.get("bozo")), "feed": feed, "entries": entries,
            "encoding": obj.get("encoding")}


def evaluate(expr, obj, lenient):
    TextValue.lenient = lenient
    env = {"__builtins__": builtins, "time": time,
           "datetime": __import__("datetime")}
    env.update(to_feedparser(obj, lenient))
    try:
        return bool(eval(expr, env))
    except Exception:
        return False


# ---- test files -------------------------------------------------------------

def decode_test_file(raw):
    """The file's text, whatever its encoding (for reading the comment)."""
    boms = [(b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
            (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
            (b"\xef\xbb\xbf", "utf-8")]
    for bom, enc in boms:
        if raw.startswith(bom):
            return raw[len(bom):].decode(enc, "replace")
    patterns = [(b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
                (b"\x00<\x00", "utf-16-be"), (b"<\x00\x3f\x00", "utf-16-le"),
                (b"<\x00!\x00", "utf-16-le")]
    for pat, enc in patterns:
        if raw.startswith(pat):
            return raw.decode(enc, "replace")
    return raw.decode("latin-1")


def read_comment(path):
    """(expect, [(header, value)]) from the file's leading comment."""
    s = decode_test_file(open(path, "rb").read())
    m = re.search(r"<!--(.*?)-->", s, re.S)
    head = m.group(1) if m else ""
    e = re.search(r"^\s*Expect:\s*(.*?)\s*$", head, re.M)
    headers = re.findall(r"^\s*Header:\s*([A-Za-z-]+):\s*(.*?)\s*$", head, re.M)
    return (e.group(1) if e else None), headers


def driver_args(path, feeds, headers):
    args = []
    for name, value in headers:
        opt = {"content-type": "--content-type",
               "content-location": "--content-location",
               "content-language": "--content-language"}.get(name.lower())
        if opt:
            args += [opt, value]
    if headers or os.path.basename(path).startswith("http"):
        args += ["--url", SERVER + "tests/" + os.path.relpath(path, feeds)]
    return args + [path]


# ---- sanitize ---------------------------------------------------------------

class _ScriptCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = 0
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.inside += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.inside:
            self.inside -= 1

    def handle_data(self, data):
        if self.inside:
            self.found.append(data)


def script_content(path):
    """Lines (6 characters or more, whitespace squashed) of the text of the
    script/style elements anywhere in the file's markup."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return []
    found = []
    for el in root.iter():
        local = el.tag.split("}")[-1].lower()
        if local in ("script", "style"):
            found.append("".join(el.itertext()))
            continue
        t = el.text or ""
        if (el.get("mode") == "base64" or
                el.get("type") == "application/octet-stream") and t.strip():
            try:
                t = base64.b64decode(t).decode("utf-8", "replace")
            except Exception:
                pass
        if "<" in t:
            c = _ScriptCollector()
            try:
                c.feed(t)
                c.close()
            except Exception:
                pass
            found += c.found
    lines = []
    for x in found:
        lines += [squash(l) for l in x.splitlines() if len(squash(l)) >= 6]
    return lines


def stored_texts(obj):
    f = obj.get("feed") or {}
    out = [f.get("title") or ""]
    for e in obj.get("entries") or []:
        out += [e.get(k) or "" for k in ("title", "summary", "content",
                                         "author")]
    return [squash(x) for x in out]


# ---- main ------------------------------------------------------------------

def run_driver(driver, jobs):
    outputs = {}
    chunk, size = [], 0
    for args in jobs + [None]:
        if args is not None:
            chunk.append(args)
            size += len(args)
        if chunk and (args is None or size >= 400):
            cmd = [driver] + [a for c in chunk for a in c]
            res = subprocess.run(cmd, capture_output=True, text=True,
                                 errors="replace")
            for line in res.stdout.splitlines():
                o = json.loads(line)
                outputs[o["file"]] = o
            chunk, size = [], 0
    return outputs


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", default=os.environ.get("FEEDINSPECT",
                    os.path.join(here, "feedinspect")))
    ap.add_argument("--feeds", default="/work/shared/eval/feeds")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--failures", type=int, default=0,
                    help="print up to N failing files with our output")
    ap.add_argument("--list", metavar="PREFIX",
                    help="print every counted file under PREFIX with its result")
    ap.add_argument("--dates", action="store_true",
                    help="also score date_cases.jsonl")
    args = ap.parse_args()

    files = []
    for top in ("wellformed", "illformed", "encoding", "entities"):
        for root, _, names in os.walk(os.path.join(args.feeds, top)):
            files += [os.path.join(root, n) for n in sorted(names)
                      if n.endswith(".xml")]
    files.sort()
    comments = {p: read_comment(p) for p in files}
    outputs = run_driver(args.driver, [driver_args(p, args.feeds, comments[p][1])
                                       for p in files])

    stats = {}
    failures = []
    skipped_keys = {}
    no_encoding = [0, 0]
    sanitize = {"files": 0, "clean": 0, "leaks": []}
    for path in files:
        rel = os.path.relpath(path, args.feeds)
        folder = os.path.dirname(rel)
        top = folder.split(os.sep)[0]
        expr = comments[path][0]
        obj = outputs.get(path, {"ok": False, "bozo": True, "entries": []})
        for key in (folder, top + "/*", "ALL"):
            stats.setdefault(key, [0, 0, 0, 0])  # strict, text, counted, total
            stats[key][3] += 1
        bad = []
        if folder == os.path.join("wellformed", "sanitize"):
            bad = script_content(path)
            if bad:
                sanitize["files"] += 1
                texts = stored_texts(obj)
                leaked = [b for b in bad if any(b in t for t in texts)]
                if obj.get("ok") and not leaked:
                    sanitize["clean"] += 1
                else:
                    sanitize["leaks"].append((rel, leaked or ["(not parsed)"]))
        if expr is None:
            continue
        unstored = unstored_keys(expr)
        if not unstored and any(b in squash(expr) for b in bad):
            unstored = {"script-text"}
        if unstored:
            for k in unstored:
                skipped_keys[k] = skipped_keys.get(k, 0) + 1
            continue
        strict = evaluate(expr, obj, False)
        lenient = strict or evaluate(expr, obj, True)
        for key in (folder, top + "/*", "ALL"):
            stats[key][0] += strict
            stats[key][1] += lenient
            stats[key][2] += 1
        if not re.search(r"\bencoding\b", expr):
            no_encoding[0] += lenient
            no_encoding[1] += 1
        if args.list and rel.startswith(args.list):
            print("%s %s | %s" % ("PASS" if lenient else "FAIL", rel, expr))
        if not lenient:
            failures.append((rel, expr, obj))

    print("%-28s %7s %7s %7s %7s" % ("folder", "files", "counted",
                                     "strict", "text"))
    for key in sorted(stats, key=lambda k: (k == "ALL", k.endswith("*"), k)):
        s, t, c, n = stats[key]
        if c == 0 and not args.verbose:
            continue
        print("%-28s %7d %7d %6.1f%% %6.1f%%" % (
            key, n, c, 100.0 * s / c if c else 0, 100.0 * t / c if c else 0))
    s, t, c, n = stats["ALL"]
    print("\nexpectations on stored fields: %d of %d files; text score "
          "%d/%d = %.1f%%" % (c, n, t, c, 100.0 * t / c))
    print("the same without the %d on `encoding`: %d/%d = %.1f%%" % (
        c - no_encoding[1], no_encoding[0], no_encoding[1],
        100.0 * no_encoding[0] / no_encoding[1]))
    print("sanitize: %d/%d files with script/style content store none of it "
          "(%.1f%%)" % (sanitize["clean"], sanitize["files"],
                        100.0 * sanitize["clean"] / max(1, sanitize["files"])))
    if args.verbose:
        print("\nnot counted (key: expectations):")
        for k, v in sorted(skipped_keys.items(), key=lambda kv: -kv[1]):
            print("  %-30s %d" % (k, v))
        for rel, leaked in sanitize["leaks"]:
            print("sanitize LEAK %s: %r" % (rel, leaked[:2]))
    for rel, expr, obj in failures[:args.failures]:
        print("\nFAIL %s\n  Expect: %s\n  ours: %s" % (
            rel, expr, json.dumps(obj, ensure_ascii=False)[:600]))

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
