#!/usr/bin/env python3
"""Measure a word inside a 30-day window two ways on a newsarchive database:
as a rowid range on the FTS5 table (what newsarchive does: ids follow
publication day, see docs/internals/ids.md) and as a join to the dated
column. Usage: rowid_vs_join.py ARCHIVE.db WORD..."""
import datetime
import sqlite3
import statistics
import sys
import time

SEQ_BITS = 22
EPOCH = datetime.date(1900, 1, 1)


def first_id(d):
    return (d - EPOCH).days << SEQ_BITS


def ts(d):
    return int(datetime.datetime(d.year, d.month, d.day,
                                 tzinfo=datetime.timezone.utc).timestamp())


def main():
    db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    lo, hi = db.execute("SELECT min(published), max(published) FROM article").fetchone()
    start = datetime.datetime.fromtimestamp(lo, datetime.timezone.utc).date()
    span = max(1, (hi - lo) // 86400 - 30)
    windows = [start + datetime.timedelta(days=(i * span) // 30) for i in range(30)]
    print("| word | rowid range | join to published | gain |")
    print("|---|---|---|---|")
    for w in sys.argv[2:]:
        q = '"' + w.replace('"', '""') + '"'
        res = {}
        for label, sql, args in (
            ("rowid", "SELECT count(*) FROM article_fts WHERE article_fts MATCH ?"
                      " AND rowid >= ? AND rowid < ?",
             lambda d: (q, first_id(d), first_id(d + datetime.timedelta(days=30)))),
            ("join", "SELECT count(*) FROM article_fts JOIN article a"
                     " ON a.id = article_fts.rowid WHERE article_fts MATCH ?"
                     " AND a.published >= ? AND a.published < ?",
             lambda d: (q, ts(d), ts(d + datetime.timedelta(days=30))))):
            times = []
            for d in windows:
                t = time.perf_counter()
                db.execute(sql, args(d)).fetchone()
                times.append((time.perf_counter() - t) * 1000)
            res[label] = statistics.median(times)
        print(f"| {w} | {res['rowid']:.2f} ms | {res['join']:.2f} ms |"
              f" {res['join'] / max(res['rowid'], 1e-6):.0f}x |")


if __name__ == "__main__":
    main()
