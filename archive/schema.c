/*
 * schema.c - the archive's schema and its forward migrations.
 *
 * The database carries PRAGMA application_id = ARC_APPLICATION_ID so that a
 * foreign SQLite file is recognised and refused, and PRAGMA user_version =
 * the schema version, which only ever moves forward. Each migration runs
 * inside one transaction together with the version bump.
 */
#include <stdio.h>
#include <string.h>

#include "archive-private.h"

#define ARC_APPLICATION_ID 0x4E415243 /* "NARC" */
/* The schema version is the number of migrations (see migrations[]). */
#define ARC_SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

/*
 * Version 1: every record kind of the design.
 *
 * Article ids are not AUTOINCREMENT: ids.c makes them follow publication
 * day ((day since 1900) << 22 | sequence), so a date range is a rowid range
 * both in `article` and in the FTS index, which FTS5 restricts cheaply.
 *
 * The FTS5 index is EXTERNAL-CONTENT (content='article'): the text is stored
 * once, in `article`, and snippet()/highlight() still work because FTS5
 * reads the text back from the content table. A contentless index would
 * save nothing (we must keep the text anyway) and would lose snippets; a
 * contentful one would store every body twice. Triggers keep the index in
 * the same transaction as every insert, update and delete of an article, so
 * no write path can make them disagree. Ranking is BM25 with the title
 * weighted 10, the summary 3 and the body 1.
 */
static const char *const schema_v1[] = {
    "CREATE TABLE source("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    " site TEXT,"
    " feed_url TEXT UNIQUE,"
    " etag TEXT, last_modified TEXT,"
    " last_status INTEGER, last_error TEXT,"
    " next_due INTEGER, error_count INTEGER NOT NULL DEFAULT 0,"
    " added INTEGER NOT NULL)",
    "CREATE INDEX source_site ON source(site)",

    "CREATE TABLE story("
    " id INTEGER PRIMARY KEY,"
    " title TEXT, summary TEXT,"
    " first_date INTEGER, last_date INTEGER,"
    " article_count INTEGER NOT NULL DEFAULT 0,"
    " updated INTEGER)",

    "CREATE TABLE article("
    " id INTEGER PRIMARY KEY,"
    " url TEXT NOT NULL UNIQUE,"
    " source_id INTEGER REFERENCES source(id),"
    " guid TEXT,"
    " title TEXT NOT NULL, byline TEXT,"
    " published INTEGER, published_src TEXT,"
    " first_seen INTEGER NOT NULL, updated INTEGER NOT NULL,"
    " lang TEXT, summary TEXT, body TEXT,"
    " content_hash TEXT,"
    " capture TEXT,"
    " story_id INTEGER REFERENCES story(id) ON DELETE SET NULL,"
    " version INTEGER NOT NULL DEFAULT 1)",
    "CREATE UNIQUE INDEX article_guid ON article(source_id, guid) WHERE guid IS NOT NULL",
    "CREATE INDEX article_hash ON article(content_hash) WHERE content_hash IS NOT NULL",
    "CREATE INDEX article_story ON article(story_id) WHERE story_id IS NOT NULL",
    "CREATE INDEX article_source ON article(source_id, id)",

    /* every URL an article was seen under (canonical and original forms) */
    "CREATE TABLE article_url("
    " url TEXT PRIMARY KEY,"
    " article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE"
    ") WITHOUT ROWID",
    "CREATE INDEX article_url_article ON article_url(article_id)",

    /* earlier versions of an article's text, kept when it changes */
    "CREATE TABLE article_version("
    " article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,"
    " version INTEGER NOT NULL,"
    " seen INTEGER NOT NULL,"
    " title TEXT, summary TEXT, body TEXT, content_hash TEXT, capture TEXT,"
    " PRIMARY KEY(article_id, version)) WITHOUT ROWID",

    "CREATE TABLE entity("
    " id INTEGER PRIMARY KEY,"
    " kind INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " country TEXT, lat REAL, lon REAL,"
    " UNIQUE(kind, name))",
    "CREATE TABLE entity_alias("
    " kind INTEGER NOT NULL,"
    " alias TEXT NOT NULL COLLATE NOCASE,"
    " entity_id INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,"
    " PRIMARY KEY(kind, alias, entity_id)) WITHOUT ROWID",

    /* (entity, article) first, so "articles mentioning X" walks the key in
     * article-id (= date) order */
    "CREATE TABLE mention("
    " entity_id INTEGER NOT NULL REFERENCES entity(id),"
    " article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,"
    " count INTEGER NOT NULL,"
    " first_offset INTEGER,"
    " PRIMARY KEY(entity_id, article_id)) WITHOUT ROWID",
    "CREATE INDEX mention_article ON mention(article_id)",

    "CREATE TABLE event("
    " id INTEGER PRIMARY KEY,"
    " article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,"
    " date INTEGER NOT NULL,"
    " granularity INTEGER NOT NULL,"
    " text TEXT NOT NULL,"
    " start INTEGER, end INTEGER,"
    " from_published INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX event_date ON event(date)",
    "CREATE INDEX event_article ON event(article_id)",

    "CREATE VIRTUAL TABLE article_fts USING fts5("
    " title, summary, body,"
    " content='article', content_rowid='id',"
    " tokenize='porter unicode61 remove_diacritics 2')",
    "INSERT INTO article_fts(article_fts, rank) VALUES('rank', 'bm25(10.0, 3.0, 1.0)')",
    "CREATE TRIGGER article_fts_ai AFTER INSERT ON article BEGIN"
    " INSERT INTO article_fts(rowid, title, summary, body)"
    " VALUES (new.id, new.title, new.summary, new.body); END",
    "CREATE TRIGGER article_fts_ad AFTER DELETE ON article BEGIN"
    " INSERT INTO article_fts(article_fts, rowid, title, summary, body)"
    " VALUES ('delete', old.id, old.title, old.summary, old.body); END",
    "CREATE TRIGGER article_fts_au AFTER UPDATE OF title, summary, body ON article BEGIN"
    " INSERT INTO article_fts(article_fts, rowid, title, summary, body)"
    " VALUES ('delete', old.id, old.title, old.summary, old.body);"
    " INSERT INTO article_fts(rowid, title, summary, body)"
    " VALUES (new.id, new.title, new.summary, new.body); END",
    NULL
};

/*
 * Version 2: what users decide and what the fetcher remembers.
 *  - user_decision: story merges/splits/moves and entity merges/renames as
 *    the user asked for them, in order, so they are re-applied after a
 *    rebuild or re-clustering (they are inputs, not derived data).
 *  - entity_redirect: an entity id merged into another keeps resolving.
 *  - robots: robots.txt per host for --full-text fetching.
 *  - capture: every stored capture (WARC file and offset of the response
 *    record) with its URI and time, so articles can be re-derived.
 */
static const char *const schema_v2[] = {
    "CREATE TABLE user_decision("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL,"            /* 'story-merge', 'story-split', 'story-move',
                                         'entity-merge', 'entity-rename', ... */
    " a INTEGER, b INTEGER,"          /* the ids it names (meaning per kind) */
    " args TEXT,"                     /* JSON with anything else (article lists, names) */
    " created INTEGER NOT NULL)",
    "CREATE TABLE entity_redirect("
    " from_id INTEGER PRIMARY KEY,"
    " to_id INTEGER NOT NULL REFERENCES entity(id))",
    "CREATE TABLE robots("
    " host TEXT PRIMARY KEY,"
    " body TEXT, status INTEGER, fetched INTEGER NOT NULL)",
    "CREATE TABLE capture("
    " id INTEGER PRIMARY KEY,"
    " uri TEXT NOT NULL,"
    " file TEXT NOT NULL,"            /* path relative to the archive directory */
    " offset INTEGER NOT NULL,"
    " fetched INTEGER NOT NULL,"
    " kind TEXT NOT NULL,"            /* 'feed', 'page', 'import' */
    " status INTEGER,"
    " source_id INTEGER REFERENCES source(id))",
    "CREATE INDEX capture_uri ON capture(uri)",
    NULL
};

/*
 * Version 3: what story clustering derives per article (issue 4).
 *  - article_features: the order in which the article was clustered (so a
 *    later run replays the clustering state exactly), its shingle sketch
 *    (bottom-k hashes of its word 4-grams, for near-duplicate detection)
 *    and its sentence spans
 *    ("start-end start-end ..." byte offsets in the body), so a story page
 *    can pick and cite sentences without re-segmenting text.
 *  - near_duplicate: a syndicated or near-identical copy and the original
 *    it was linked to; copies are counted once in a story.
 */
static const char *const schema_v3[] = {
    "CREATE TABLE article_features("
    " article_id INTEGER PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,"
    " seq INTEGER NOT NULL,"          /* clustering order */
    " sketch BLOB,"
    " sentences TEXT)",
    "CREATE INDEX article_features_seq ON article_features(seq)",
    "CREATE TABLE near_duplicate("
    " article_id INTEGER PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,"
    " original_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,"
    " similarity REAL NOT NULL)",
    "CREATE INDEX near_duplicate_original ON near_duplicate(original_id)",
    NULL
};

/*
 * Version 4 (issue 6, ingest speed): the FTS row of a NEW article is written
 * by arc_article_put() itself (article.c), not by an AFTER INSERT trigger.
 * A bulk import (arc_article_defer_index) then writes a whole batch's FTS
 * rows at once, in rowid order, just before its commit: FTS5 flushes its
 * pending terms to a new segment whenever a rowid goes backwards and at
 * every statement savepoint, which the trigger caused once per article.
 * The update and delete triggers stay. arc_article_put() is the only code
 * that inserts articles.
 */
static const char *const schema_v4[] = {
    "DROP TRIGGER IF EXISTS article_fts_ai",
    NULL
};

/*
 * Version 5: the publication date as the source wrote it ("Tue, 02 Dec
 * 2025 09:00:00 EST"), kept beside the UTC value so a better date parser
 * can be checked against it and nothing the source said is lost.
 */
static const char *const schema_v5[] = {
    "ALTER TABLE article ADD COLUMN published_raw TEXT",
    NULL
};

/* A migration statement run only when the table exists (so that a
 * migration can be re-run over a layout that already has its result). */
#define IF_TABLE_MARK "/*if-table:"
#define IF_TABLE(name) IF_TABLE_MARK name "*/"

/*
 * Version 6 (issue 3, E): every entity occurrence, and events that name
 * their entities without copying their sentence.
 *  - article_mentions: one row per enriched article whose `data` packs every
 *    occurrence (entity id, title or body, byte offsets, body sentence) as
 *    varints (format in archive/mention.c). The (entity, article) rows of
 *    `mention` stay for lookups; this adds about 4 bytes per occurrence,
 *    where a row per occurrence would cost about 20.
 *  - event_row replaces the table event: `entities` packs the ids of the
 *    entities named in the event's sentence (varints, ascending deltas), and
 *    `text` is NULL when the sentence is the article body's bytes
 *    [start, end), as it is for every event enrichment stores. `event` is
 *    now a view that rebuilds text from the body, so readers are unchanged.
 */
static const char *const schema_v6[] = {
    "CREATE TABLE IF NOT EXISTS article_mentions("
    " article_id INTEGER PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,"
    " data BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS event_row("
    " id INTEGER PRIMARY KEY,"
    " article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,"
    " date INTEGER NOT NULL,"
    " granularity INTEGER NOT NULL,"
    " start INTEGER, end INTEGER,"
    " from_published INTEGER NOT NULL DEFAULT 0,"
    " entities BLOB,"
    " text TEXT)",
    IF_TABLE("event") "INSERT INTO event_row(id, article_id, date, granularity, start, end, from_published, text)"
    " SELECT id, article_id, date, granularity, start, end, from_published, text FROM event",
    IF_TABLE("event") "DROP TABLE event",
    "CREATE INDEX IF NOT EXISTS event_row_date ON event_row(date)",
    "CREATE INDEX IF NOT EXISTS event_row_article ON event_row(article_id)",
    "CREATE VIEW IF NOT EXISTS event AS SELECT e.id AS id, e.article_id AS article_id, e.date AS date,"
    " e.granularity AS granularity,"
    " coalesce(e.text, CAST(substr(CAST(a.body AS BLOB), e.start + 1, e.end - e.start) AS TEXT))"
    " AS text, e.start AS start, e.end AS end, e.from_published AS from_published,"
    " e.entities AS entities"
    " FROM event_row e JOIN article a ON a.id = e.article_id",
    NULL
};

/*
 * Version 7 (issue 5, docs/ranking.md "Champion lists"): the precomputed
 * relevance order of frequent words, written by `newsindex optimize`
 * (rank.c). One row per indexed token (stemmed, as FTS5 stores it):
 * `top` packs its best articles for that word alone, best first, as
 * (id, BM25 without the IDF) pairs, 8-byte little-endian integer and
 * IEEE double each; `upto` is the largest article id and `n_rows` the
 * number of indexed articles when it was built, so a search can tell
 * whether articles arrived since (newer ids are scored at query time) or
 * whether it must not trust the list (deletions, late imports).
 * Also an index on entity names ignoring case, for resolving person:,
 * place: and org: terms.
 */
static const char *const schema_v7[] = {
    "CREATE TABLE IF NOT EXISTS term_top("
    " term TEXT PRIMARY KEY,"
    " df INTEGER NOT NULL,"
    " upto INTEGER NOT NULL,"
    " n_rows INTEGER NOT NULL,"
    " top BLOB NOT NULL) WITHOUT ROWID",
    /* person:/place:/org: names are matched case-blind against entity
     * names too (search.c); without this every search scanned the table */
    "CREATE INDEX IF NOT EXISTS entity_name_nocase ON entity(name COLLATE NOCASE)",
    NULL
};

/*
 * Version 8 (issue 8, X1): the change log that Xapian shards are synced
 * from (archive/shards_sync.c). Every change to what a shard document
 * holds appends (kind, id): kind 0 an article (its record, its story, its
 * mentions, its events, its source's or an entity's name), 1 a story, 2
 * an entity (name, aliases, merges); 9 is a sync's barrier. `prev` is the
 * publication month index (12 * year + month - 1, first-seen when undated)
 * the article had before the change, so a sync deletes it from the shard
 * it leaves. Each shard stores the last seq it applied, so it catches up
 * with the rows after it. To stay cheap on import, a change is not logged
 * again while the newest row of the log already names the same object
 * (an import logs one row per article, not one per mention or event);
 * a sync first appends a barrier, so the dedup never hides a change from
 * a shard. Rows are never rewritten. (IF NOT EXISTS: safe to run again.)
 */
#define ARC_CL_MONTH(r) \
    "(CAST(strftime('%Y', coalesce(" r ".published, " r ".first_seen), 'unixepoch') AS INTEGER) * 12" \
    " + CAST(strftime('%m', coalesce(" r ".published, " r ".first_seen), 'unixepoch') AS INTEGER) - 1)"
#define ARC_CL_FRESH(k, e) \
    " NOT EXISTS (SELECT 1 FROM change_log WHERE seq = (SELECT max(seq) FROM change_log)" \
    " AND kind = " k " AND id = " e ")"
static const char *const schema_v8[] = {
    "CREATE TABLE IF NOT EXISTS change_log("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " kind INTEGER NOT NULL,"
    " id INTEGER NOT NULL,"
    " prev INTEGER)",
    "CREATE TRIGGER IF NOT EXISTS article_cl_ai AFTER INSERT ON article BEGIN"
    " INSERT INTO change_log(kind, id) VALUES (0, new.id); END",
    "CREATE TRIGGER IF NOT EXISTS article_cl_au AFTER UPDATE ON article WHEN"
    " " ARC_CL_MONTH("old") " IS NOT " ARC_CL_MONTH("new") " OR" ARC_CL_FRESH("0", "new.id")
    " BEGIN INSERT INTO change_log(kind, id, prev) VALUES (0, new.id, " ARC_CL_MONTH("old") "); END",
    "CREATE TRIGGER IF NOT EXISTS article_cl_ad AFTER DELETE ON article BEGIN"
    " INSERT INTO change_log(kind, id, prev) VALUES (0, old.id, " ARC_CL_MONTH("old") "); END",
    "CREATE TRIGGER IF NOT EXISTS mention_cl_ai AFTER INSERT ON mention WHEN" ARC_CL_FRESH("0", "new.article_id")
    " BEGIN INSERT INTO change_log(kind, id) VALUES (0, new.article_id); END",
    "CREATE TRIGGER IF NOT EXISTS mention_cl_au AFTER UPDATE ON mention WHEN" ARC_CL_FRESH("0", "new.article_id")
    " BEGIN INSERT INTO change_log(kind, id) VALUES (0, new.article_id); END",
    "CREATE TRIGGER IF NOT EXISTS mention_cl_ad AFTER DELETE ON mention WHEN" ARC_CL_FRESH("0", "old.article_id")
    " BEGIN INSERT INTO change_log(kind, id) VALUES (0, old.article_id); END",
    "CREATE TRIGGER IF NOT EXISTS event_cl_ai AFTER INSERT ON event_row WHEN" ARC_CL_FRESH("0", "new.article_id")
    " BEGIN INSERT INTO change_log(kind, id) VALUES (0, new.article_id); END",
    "CREATE TRIGGER IF NOT EXISTS event_cl_ad AFTER DELETE ON event_row WHEN" ARC_CL_FRESH("0", "old.article_id")
    " BEGIN INSERT INTO change_log(kind, id) VALUES (0, old.article_id); END",
    "CREATE TRIGGER IF NOT EXISTS story_cl_ai AFTER INSERT ON story WHEN" ARC_CL_FRESH("1", "new.id")
    " BEGIN INSERT INTO change_log(kind, id) VALUES (1, new.id); END",
    "CREATE TRIGGER IF NOT EXISTS story_cl_au AFTER UPDATE ON story WHEN" ARC_CL_FRESH("1", "new.id")
    " BEGIN INSERT INTO change_log(kind, id) VALUES (1, new.id); END",
    "CREATE TRIGGER IF NOT EXISTS story_cl_ad AFTER DELETE ON story BEGIN"
    " INSERT INTO change_log(kind, id) VALUES (1, old.id); END",
    "CREATE TRIGGER IF NOT EXISTS entity_cl_ai AFTER INSERT ON entity BEGIN"
    " INSERT INTO change_log(kind, id) VALUES (2, new.id); END",
    "CREATE TRIGGER IF NOT EXISTS entity_cl_au AFTER UPDATE ON entity BEGIN"
    " INSERT INTO change_log(kind, id) VALUES (2, new.id);"
    " INSERT INTO change_log(kind, id) SELECT 0, article_id FROM mention"
    " WHERE entity_id = new.id AND new.name IS NOT old.name; END",
    "CREATE TRIGGER IF NOT EXISTS entity_cl_ad AFTER DELETE ON entity BEGIN"
    " INSERT INTO change_log(kind, id) VALUES (2, old.id); END",
    "CREATE TRIGGER IF NOT EXISTS alias_cl_ai AFTER INSERT ON entity_alias WHEN" ARC_CL_FRESH("2", "new.entity_id")
    " BEGIN INSERT INTO change_log(kind, id) VALUES (2, new.entity_id); END",
    "CREATE TRIGGER IF NOT EXISTS alias_cl_ad AFTER DELETE ON entity_alias WHEN" ARC_CL_FRESH("2", "old.entity_id")
    " BEGIN INSERT INTO change_log(kind, id) VALUES (2, old.entity_id); END",
    "CREATE TRIGGER IF NOT EXISTS redirect_cl_ai AFTER INSERT ON entity_redirect BEGIN"
    " INSERT INTO change_log(kind, id) VALUES (2, new.from_id), (2, new.to_id); END",
    "CREATE TRIGGER IF NOT EXISTS redirect_cl_au AFTER UPDATE ON entity_redirect BEGIN"
    " INSERT INTO change_log(kind, id) VALUES (2, new.from_id), (2, new.to_id), (2, old.to_id); END",
    "CREATE TRIGGER IF NOT EXISTS source_cl_au AFTER UPDATE OF name, site ON source BEGIN"
    " INSERT INTO change_log(kind, id) SELECT 0, id FROM article WHERE source_id = new.id; END",
    NULL
};
#undef ARC_CL_MONTH
#undef ARC_CL_FRESH

/*
 * Version 9 (issue 5, P; docs/ranking.md "Phrases of frequent words"):
 * lists of word pairs for phrase searches, filled by `newsindex optimize`
 * (archive/rank_phrase.c; an archive opened for writing has been brought
 * to the current version, so the tables are always there).
 *  - phrase_pair: for a pair "a b" of indexed tokens, both among the most
 *    frequent words, the ids of the articles holding b right after a in
 *    one column, ascending, as delta varints; n their number, or -1 (ids
 *    NULL) for a pair in more than a quarter of the articles (not listed).
 *  - phrase_pair_meta: the largest article id the lists cover, the words.
 *  - phrase_pair_stale: articles stored with an id the lists cover (late
 *    imports) or whose title, summary or body changed since the lists
 *    were built (the triggers; since v14 arc_article_put() marks late
 *    imports itself); searches confirm them one by one.
 */
static const char *const schema_v9[] = {
    "CREATE TABLE IF NOT EXISTS phrase_pair("
    " pair TEXT PRIMARY KEY,"
    " n INTEGER NOT NULL,"
    " ids BLOB) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS phrase_pair_meta("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " upto INTEGER NOT NULL,"
    " words TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS phrase_pair_stale(id INTEGER PRIMARY KEY)",
    "CREATE TRIGGER IF NOT EXISTS phrase_pair_ai AFTER INSERT ON article"
    " WHEN new.id <= (SELECT upto FROM phrase_pair_meta WHERE id = 1) BEGIN"
    " INSERT OR IGNORE INTO phrase_pair_stale(id) VALUES (new.id); END",
    "CREATE TRIGGER IF NOT EXISTS phrase_pair_au AFTER UPDATE OF title, summary, body ON article"
    " WHEN old.id <= (SELECT upto FROM phrase_pair_meta WHERE id = 1) BEGIN"
    " INSERT OR IGNORE INTO phrase_pair_stale(id) VALUES (old.id); END",
    NULL
};

/*
 * Version 10: aliases and redirects by the entity they belong to. The shard
 * sync writes each entity's document with its aliases and the ids merged
 * into it, and deleting an entity cascades to its aliases; without these
 * indexes every one of those lookups scanned the whole table (at 1M
 * articles, 166k entities x 185k aliases: the entity documents took longer
 * to sync than a third of the articles).
 */
static const char *const schema_v10[] = {
    "CREATE INDEX IF NOT EXISTS entity_alias_entity ON entity_alias(entity_id)",
    "CREATE INDEX IF NOT EXISTS entity_redirect_to ON entity_redirect(to_id)",
    NULL
};

/*
 * Version 11 (issue 6, Z; archive/body.c, docs/internals/bodies.md):
 * article bodies may be stored compressed (Zstandard), as a BLOB, in article.body
 * (and so in article_version.body, which copies the stored value); a TEXT
 * body (every one stored before, short ones since) is the plain text.
 * Nothing is rewritten. Every reader goes through arc_body(body, id), an
 * SQL function body.c registers on each connection the library opens:
 *  - article_text: the article's indexed columns with the plain body. The
 *    FTS5 table's external content becomes this view (its declaration is
 *    edited in place: changing content= otherwise means dropping the
 *    index and rebuilding it from every article), so whatever FTS5 reads
 *    back - 'rebuild', 'integrity-check', column values - is the text it
 *    indexed. Its shadow tables, its data and its rank setting are kept.
 *  - the delete/update triggers hand FTS5 the plain old and new bodies.
 *  - the event view slices sentences out of the plain body (decoding
 *    only as far as the sentence's end).
 * Consequence: a connection without arc_body() (the sqlite3 shell) can
 * still read the tables, but not the views or the FTS columns, and cannot
 * update or delete articles.
 */
static const char *const schema_v11[] = {
    "DROP VIEW IF EXISTS article_text",
    "CREATE VIEW article_text AS SELECT id, title, summary, arc_body(body, id) AS body"
    " FROM article",
    "DROP TRIGGER IF EXISTS article_fts_ad",
    /* (an archive brought back to an older version number by a test has
     * its index in index.db already: schema 17) */
    IF_TABLE("article_fts") "CREATE TRIGGER article_fts_ad AFTER DELETE ON article BEGIN"
    " INSERT INTO article_fts(article_fts, rowid, title, summary, body)"
    " VALUES ('delete', old.id, old.title, old.summary, arc_body(old.body, old.id)); END",
    "DROP TRIGGER IF EXISTS article_fts_au",
    IF_TABLE("article_fts") "CREATE TRIGGER article_fts_au AFTER UPDATE OF title, summary, body ON article BEGIN"
    " INSERT INTO article_fts(article_fts, rowid, title, summary, body)"
    " VALUES ('delete', old.id, old.title, old.summary, arc_body(old.body, old.id));"
    " INSERT INTO article_fts(rowid, title, summary, body)"
    " VALUES (new.id, new.title, new.summary, arc_body(new.body, new.id)); END",
    "DROP VIEW IF EXISTS event",
    "CREATE VIEW event AS SELECT e.id AS id, e.article_id AS article_id, e.date AS date,"
    " e.granularity AS granularity,"
    " coalesce(e.text, CAST(substr(CAST(arc_body(a.body, a.id, e.end) AS BLOB),"
    " e.start + 1, e.end - e.start) AS TEXT))"
    " AS text, e.start AS start, e.end AS end, e.from_published AS from_published,"
    " e.entities AS entities"
    " FROM event_row e JOIN article a ON a.id = e.article_id",
    "PRAGMA writable_schema = ON",
    "UPDATE sqlite_schema SET sql = replace(sql, 'content=''article''', 'content=''article_text''')"
    " WHERE type = 'table' AND name = 'article_fts'",
    "PRAGMA writable_schema = RESET",
    NULL
};

/*
 * Version 12 (issue 5, T; archive/entity_timeline.c): events by article
 * and date. An entity's timeline walks the entity's articles and wants
 * only their events within the date bounds; with (article_id, date) it
 * seeks those instead of reading every event of every article (at 1M
 * articles the busiest person's year touches 230k of its 690k events).
 * It replaces event_row_article, whose every lookup its prefix serves
 * (about 86 MB instead of 64 MB for 4.5M events).
 */
static const char *const schema_v12[] = {
    "CREATE INDEX IF NOT EXISTS event_row_article_date ON event_row(article_id, date)",
    "DROP INDEX IF EXISTS event_row_article",
    NULL
};

/*
 * Version 13 (issue 6, W): the change log (v8) without a trigger per
 * mention and per event row. Those triggers fired for each of the dozen
 * rows an article's enrichment writes, each one a sub-program and a
 * statement journal; the writers log instead: arc_article_enrich_all()
 * logs the article once after its rows changed, and an entity merge
 * (Arc_entity_redirect) logs the articles whose mentions it moves, both
 * with the same "not again while the newest row names it" rule
 * (Arc_change_log_article). Deleting an article still logs it by its own
 * trigger. The article update trigger tests the two dates the month is
 * computed from instead of computing both months per update (it may log
 * a change of day within a month, which is harmless: a sync re-sends the
 * article). (IF EXISTS: safe to run again.)
 * From this version on, article_url holds only the URLs an article has
 * besides its own article.url (which is UNIQUE, so looked up first);
 * the rows of older archives for their own URLs stay and still resolve.
 */
static const char *const schema_v13[] = {
    "DROP TRIGGER IF EXISTS mention_cl_ai",
    "DROP TRIGGER IF EXISTS mention_cl_au",
    "DROP TRIGGER IF EXISTS mention_cl_ad",
    "DROP TRIGGER IF EXISTS event_cl_ai",
    "DROP TRIGGER IF EXISTS event_cl_ad",
    "DROP TRIGGER IF EXISTS article_cl_au",
    "CREATE TRIGGER article_cl_au AFTER UPDATE ON article WHEN"
    " old.published IS NOT new.published OR old.first_seen IS NOT new.first_seen OR"
    " NOT EXISTS (SELECT 1 FROM change_log WHERE seq = (SELECT max(seq) FROM change_log)"
    " AND kind = 0 AND id = new.id)"
    " BEGIN INSERT INTO change_log(kind, id, prev) VALUES (0, new.id,"
    " CAST(strftime('%Y', coalesce(old.published, old.first_seen), 'unixepoch') AS INTEGER) * 12"
    " + CAST(strftime('%m', coalesce(old.published, old.first_seen), 'unixepoch') AS INTEGER) - 1);"
    " END",
    NULL
};

/*
 * v14: no trigger on inserting an article. A statement that fires a
 * trigger counts in SQLite as writing many rows, and such a statement
 * first copies every page it touches to a statement journal (a temp file
 * once over 64 KiB: a pwrite per page). arc_article_put() now writes what
 * the two triggers wrote: the change-log row of the new article (as
 * article_cl_ai did, always) and, for an id the phrase lists already
 * cover (a late import), its phrase_pair_stale row (as phrase_pair_ai).
 */
static const char *const schema_v14[] = {
    "DROP TRIGGER IF EXISTS article_cl_ai",
    "DROP TRIGGER IF EXISTS phrase_pair_ai",
    NULL
};

/*
 * v15 (issue 5; docs/ranking.md "Phrases of frequent words"): the pair
 * lists also cover each frequent word beside a word in at least 1/200 of
 * the articles, and hold ordinals (an article's place in id order when
 * the lists were built) instead of ids, which takes about half the bytes.
 *  - phrase_pair_word: the listed words, kind 1 frequent, 2 the others.
 *  - phrase_pair_ord: the ids by ordinal, 4,096 a row (delta varints
 *    from 0 in each row).
 *  - phrase_pair_meta gains gen: a random number per build, so that a
 *    reader that keeps ordinals or rows of the map knows when they
 *    changed (none does since d22155f: rows are read per search; the
 *    table is made again: its only row went with the old lists).
 * The old lists hold ids and are dropped: phrases are searched by FTS5
 * alone until the next `newsindex optimize` builds the new ones.
 */
static const char *const schema_v15[] = {
    "DELETE FROM phrase_pair",
    "DELETE FROM phrase_pair_stale",
    "DROP TABLE IF EXISTS phrase_pair_meta",
    "CREATE TABLE phrase_pair_meta("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " upto INTEGER NOT NULL,"
    " words TEXT NOT NULL,"
    " gen INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS phrase_pair_word("
    " term TEXT PRIMARY KEY,"
    " kind INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS phrase_pair_ord("
    " blk INTEGER PRIMARY KEY,"
    " ids BLOB NOT NULL)",
    NULL
};

/*
 * v16 (issue 6, size): the word lists and the pair lists as rowid tables.
 * Both were WITHOUT ROWID tables, which SQLite keeps as index b-trees: a
 * row of more than about 2 KB (8 KB pages) keeps only about 1 KB in its
 * leaf and the rest on overflow pages of its own, each about half empty.
 * At 1M articles that was 104 of term_top's 200 MB and 154 of
 * phrase_pair's 920 MB. A rowid table keeps rows of up to 8 KB whole in
 * its leaves and fills its overflow pages.
 *  - term_top: copied, rows keep their values; a UNIQUE term finds them.
 *  - phrase_pair: keyed by an integer made of its words' places in the
 *    order of spelling (phrase_pair_word.ix) instead of the text "a b".
 *    The lists are dropped (phrases are searched by FTS5 alone until the
 *    next `newsindex optimize`, as after v15).
 */
static const char *const schema_v16[] = {
    "CREATE TABLE term_top_v16("
    " term TEXT NOT NULL UNIQUE,"
    " df INTEGER NOT NULL,"
    " upto INTEGER NOT NULL,"
    " n_rows INTEGER NOT NULL,"
    " top BLOB NOT NULL)",
    "INSERT INTO term_top_v16(term, df, upto, n_rows, top)"
    " SELECT term, df, upto, n_rows, top FROM term_top ORDER BY term",
    "DROP TABLE term_top",
    "ALTER TABLE term_top_v16 RENAME TO term_top",
    "DROP TABLE IF EXISTS phrase_pair",
    "CREATE TABLE phrase_pair("
    " k INTEGER PRIMARY KEY,"
    " n INTEGER NOT NULL,"
    " ids BLOB)",
    "DROP TABLE IF EXISTS phrase_pair_word",
    "CREATE TABLE phrase_pair_word("
    " term TEXT PRIMARY KEY,"
    " kind INTEGER NOT NULL,"
    " ix INTEGER NOT NULL) WITHOUT ROWID",
    "DELETE FROM phrase_pair_meta",
    "DELETE FROM phrase_pair_stale",
    "DELETE FROM phrase_pair_ord",
    /* body dictionaries (body.c): id is the dictionary's own, which the
     * frame of every body compressed with it names */
    "CREATE TABLE IF NOT EXISTS body_dict("
    " seq INTEGER PRIMARY KEY,"
    " id INTEGER NOT NULL UNIQUE,"
    " dict BLOB NOT NULL)",
    NULL
};

/*
 * Version 17 (issue 6; index_file.c, docs/internals/index-file.md): the
 * full-text index moves to a database file of its own, index.db, which
 * every connection attaches as "ix", so that an import writes it on a
 * connection and thread of its own. Here archive.db drops its index and
 * the triggers that fed it (index_file.c builds index.db from the records
 * when the archive is next opened, and creates TEMP triggers in their
 * place), and gains the list of batches an import stored whose index
 * rows are not yet written (AUTOINCREMENT: a batch number is never
 * reused, so ix.index_done never names another batch).
 */
static const char *const schema_v17[] = {
    "DROP TRIGGER IF EXISTS article_fts_ad",
    "DROP TRIGGER IF EXISTS article_fts_au",
    "DROP TABLE IF EXISTS article_fts",
    "CREATE TABLE IF NOT EXISTS fts_owed("
    " batch INTEGER PRIMARY KEY AUTOINCREMENT,"
    " ids BLOB NOT NULL)",
    NULL
};

/* Migrations: migrations[v] brings the schema from version v to v+1. */
static const char *const *const migrations[] = { schema_v1, schema_v2, schema_v3,
                                                 schema_v4, schema_v5, schema_v6,
                                                 schema_v7, schema_v8, schema_v9,
                                                 schema_v10, schema_v11, schema_v12,
                                                 schema_v13, schema_v14, schema_v15,
                                                 schema_v16, schema_v17 };

int
arc_schema_version(void)
{
    return ARC_SCHEMA_VERSION;
}

static arc_status_t
pragma_int(arc_db_t *db, const char *sql, int *out)
{
    sqlite3_stmt *st = Arc_db_prepare(db, sql);

    if (!st)
        return Arc_db_sqlerr(db, "reading the archive header");
    if (sqlite3_step(st) != SQLITE_ROW) {
        arc_status_t s = Arc_db_sqlerr(db, "reading the archive header");
        sqlite3_finalize(st);
        return s;
    }
    *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return ARC_OK;
}

arc_status_t
Arc_schema_check(arc_db_t *db)
{
    int app = 0, ver = 0, tables = 0;
    arc_status_t st;

    if ((st = pragma_int(db, "PRAGMA application_id", &app)))
        return st;
    if ((st = pragma_int(db, "PRAGMA user_version", &ver)))
        return st;
    if ((st = pragma_int(db, "SELECT count(*) FROM sqlite_schema", &tables)))
        return st;
    if (app != ARC_APPLICATION_ID && (tables > 0 || ver != 0))
        return Arc_db_error(db, ARC_E_CORRUPT,
                            "%s/archive.db: not a newsarchive archive "
                            "(a SQLite database of another application)",
                            db->dir);
    if (ver > ARC_SCHEMA_VERSION)
        return Arc_db_error(db, ARC_E_VERSION,
                            "%s/archive.db: schema version %d is newer than "
                            "this program's %d; upgrade newsarchive",
                            db->dir, ver, ARC_SCHEMA_VERSION);
    return ARC_OK;
}

static arc_status_t
exec(arc_db_t *db, const char *sql)
{
    if (sqlite3_exec(db->sql, sql, NULL, NULL, NULL) != SQLITE_OK)
        return Arc_db_sqlerr(db, "migrating the schema");
    return ARC_OK;
}

/* *skip = 1 when sql starts with IF_TABLE(name) and no table has that name. */
static arc_status_t
table_absent(arc_db_t *db, const char *sql, int *skip)
{
    const char *name = sql + strlen(IF_TABLE_MARK), *end;
    sqlite3_stmt *st;
    int rc;

    *skip = 0;
    if (strncmp(sql, IF_TABLE_MARK, strlen(IF_TABLE_MARK)) != 0 ||
        !(end = strstr(name, "*/")))
        return ARC_OK;
    st = Arc_db_prepare(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
    if (!st)
        return ARC_E_DB;
    sqlite3_bind_text(st, 1, name, (int)(end - name), SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return Arc_db_sqlerr(db, "migrating the schema");
    *skip = rc == SQLITE_DONE;
    return ARC_OK;
}

arc_status_t
Arc_schema_migrate(arc_db_t *db)
{
    int ver = 0;
    arc_status_t st;
    char buf[64];

    if ((st = Arc_schema_check(db)))
        return st;
    if ((st = pragma_int(db, "PRAGMA user_version", &ver)))
        return st;
    while (ver < ARC_SCHEMA_VERSION) {
        const char *const *stmts = migrations[ver];

        if ((st = exec(db, "BEGIN IMMEDIATE")))
            return st;
        /* re-read under the write lock: another process may have migrated */
        if ((st = pragma_int(db, "PRAGMA user_version", &ver)))
            goto fail;
        if (ver >= ARC_SCHEMA_VERSION) {
            exec(db, "COMMIT");
            break;
        }
        stmts = migrations[ver];
        for (size_t i = 0; stmts[i]; i++) {
            int skip = 0;
            if ((st = table_absent(db, stmts[i], &skip)))
                goto fail;
            if (!skip && (st = exec(db, stmts[i])))
                goto fail;
        }
        snprintf(buf, sizeof buf, "PRAGMA application_id = %d", ARC_APPLICATION_ID);
        if ((st = exec(db, buf)))
            goto fail;
        snprintf(buf, sizeof buf, "PRAGMA user_version = %d", ver + 1);
        if ((st = exec(db, buf)))
            goto fail;
        if ((st = exec(db, "COMMIT")))
            goto fail;
        ver++;
    }
    return ARC_OK;
fail:
    sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
    return st;
}
