/*
 * fts_floor.c - the lower bound that newsindex's ingest is compared with.
 *
 *   fts_floor DB.sqlite < corpus.jsonl
 *
 * Reads JSON Lines of articles (as written by gencorpus), and bulk-inserts
 * each title, summary and body into one bare, contentful FTS5 table:
 *
 *   CREATE VIRTUAL TABLE a USING fts5(title, summary, body,
 *       tokenize='porter unicode61 remove_diacritics 2');
 *
 * in transactions of 1,000 rows, journal_mode=WAL, synchronous=NORMAL, one
 * thread. Nothing else is stored, so no real ingest can be faster on the same
 * machine. Reading and JSON extraction are timed apart from the SQLite work:
 * the input is read a batch of 1,000 lines at a time, then the batch is
 * inserted in one transaction, and only the transactions are "insert time".
 *
 * Output (stdout):
 *   floor: N articles in S s = R articles/s, MB/s X, db size Y MB, text size Z MB
 *   insert cpu: U s, parse: P s, close (final checkpoint): C s, bad lines: K, sqlite 3.x.y
 *   FLOOR_JSON {"articles":N,"seconds":S,"rate":R,"db_bytes":B,"text_bytes":T,
 *               "cpu_seconds":U,"parse_seconds":P,"close_seconds":C,"bad_lines":K}
 * S is the wall time of the insert transactions only, U their CPU time (the
 * difference is waiting for the disk or for a busy CPU); MB are 10^6 bytes;
 * text size counts the UTF-8 bytes of the three fields as inserted; db size
 * is the database file (plus any WAL left) after closing.
 *
 * Exit status: 0 success; 2 usage error or DB.sqlite already exists;
 * 3 the database cannot be created or written; 4 some lines were skipped
 * (not JSON objects); 1 cannot read the input.
 *
 * Only libc and SQLite are used; the JSON field extractor is our own.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#define BATCH_ROWS 1000

enum { F_TITLE, F_SUMMARY, F_BODY, N_FIELDS };

static const char *const field_names[N_FIELDS] = {"title", "summary", "body"};

/* One batch of parsed rows. All strings live in `text`; rows keep offsets
 * because `text` may move when it grows. */
typedef struct {
    char *text;
    size_t len, cap;
    size_t off[BATCH_ROWS][N_FIELDS];
    size_t flen[BATCH_ROWS][N_FIELDS];
    int present[BATCH_ROWS][N_FIELDS];
    int nrows;
} batch_t;

static int batch_reserve(batch_t *b, size_t extra)
{
    size_t cap;
    char *p;

    if (b->len + extra <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 1 << 20;
    while (cap < b->len + extra)
        cap *= 2;
    p = realloc(b->text, cap);
    if (p == NULL)
        return -1;
    b->text = p;
    b->cap = cap;
    return 0;
}

/* ------------------------------------------------------------------ */
/* A minimal JSON reader: enough to pull string fields out of one     */
/* object per line and to skip every other value correctly.           */

typedef struct {
    const char *p, *end;
    const char *err; /* static text, set on the first error */
} cursor_t;

static void skip_ws(cursor_t *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int hex4(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        char ch = p[i];
        v <<= 4;
        if (ch >= '0' && ch <= '9')
            v |= (uint32_t)(ch - '0');
        else if (ch >= 'a' && ch <= 'f')
            v |= (uint32_t)(ch - 'a' + 10);
        else if (ch >= 'A' && ch <= 'F')
            v |= (uint32_t)(ch - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Reads a JSON string at c->p (which points at the opening quote). When
 * `dst` is not NULL the unescaped UTF-8 is appended to it; the unescaped
 * text is never longer than the escaped one, so the caller reserves the
 * input length. Returns 0, or -1 with c->err set. A lone surrogate becomes
 * U+FFFD. */
static int read_string(cursor_t *c, char *dst, size_t *dlen)
{
    const char *p = c->p + 1;
    size_t n = 0;

    for (;;) {
        const char *run = p;
        while (p < c->end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
            p++;
        if (dst != NULL) {
            memcpy(dst + n, run, (size_t)(p - run));
            n += (size_t)(p - run);
        }
        if (p >= c->end) {
            c->err = "unterminated string";
            return -1;
        }
        if (*p == '"')
            break;
        if ((unsigned char)*p < 0x20) {
            c->err = "control character in string";
            return -1;
        }
        /* a backslash escape */
        if (p + 1 >= c->end) {
            c->err = "unterminated escape";
            return -1;
        }
        p++;
        {
            char out[4];
            size_t olen = 1;
            switch (*p) {
            case '"': out[0] = '"'; break;
            case '\\': out[0] = '\\'; break;
            case '/': out[0] = '/'; break;
            case 'b': out[0] = '\b'; break;
            case 'f': out[0] = '\f'; break;
            case 'n': out[0] = '\n'; break;
            case 'r': out[0] = '\r'; break;
            case 't': out[0] = '\t'; break;
            case 'u': {
                uint32_t cp, lo;
                if (c->end - p < 5 || hex4(p + 1, &cp) != 0) {
                    c->err = "bad \\u escape";
                    return -1;
                }
                p += 4;
                if (cp >= 0xd800 && cp <= 0xdbff && c->end - p >= 7 && p[1] == '\\' &&
                    p[2] == 'u' && hex4(p + 3, &lo) == 0 && lo >= 0xdc00 && lo <= 0xdfff) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    p += 6;
                } else if (cp >= 0xd800 && cp <= 0xdfff) {
                    cp = 0xfffd;
                }
                olen = utf8_encode(cp, out);
                break;
            }
            default:
                c->err = "bad escape";
                return -1;
            }
            if (dst != NULL) {
                memcpy(dst + n, out, olen);
                n += olen;
            }
            p++;
        }
    }
    c->p = p + 1;
    if (dlen != NULL)
        *dlen = n;
    return 0;
}

/* Skips any JSON value (objects and arrays by depth, strings properly).
 * Numbers and literals are accepted loosely: we only need to find their end. */
static int skip_value(cursor_t *c)
{
    int depth = 0;

    do {
        skip_ws(c);
        if (c->p >= c->end) {
            c->err = "unexpected end of line";
            return -1;
        }
        switch (*c->p) {
        case '"':
            if (read_string(c, NULL, NULL) != 0)
                return -1;
            break;
        case '{':
        case '[':
            depth++;
            c->p++;
            break;
        case '}':
        case ']':
            if (depth == 0) {
                c->err = "unexpected closing bracket";
                return -1;
            }
            depth--;
            c->p++;
            break;
        case ',':
        case ':':
            if (depth == 0) {
                c->err = "unexpected separator";
                return -1;
            }
            c->p++;
            break;
        default:
            if (!((*c->p >= '0' && *c->p <= '9') || *c->p == '-' || *c->p == 't' ||
                  *c->p == 'f' || *c->p == 'n')) {
                c->err = "unexpected character";
                return -1;
            }
            while (c->p < c->end && strchr(",:]} \t\r\n", *c->p) == NULL)
                c->p++;
        }
    } while (depth > 0);
    return 0;
}

/* Parses one line as a JSON object and appends its title, summary and body
 * strings to the batch as row b->nrows (the caller then increments nrows).
 * Returns 0, or -1 with *why set to a static reason. */
static int parse_line(batch_t *b, const char *line, size_t n, const char **why)
{
    cursor_t c = {line, line + n, NULL};
    int row = b->nrows, f;
    size_t saved_len = b->len;

    for (f = 0; f < N_FIELDS; f++)
        b->present[row][f] = 0;
    skip_ws(&c);
    if (c.p >= c.end || *c.p != '{') {
        *why = "not a JSON object";
        return -1;
    }
    c.p++;
    skip_ws(&c);
    if (c.p < c.end && *c.p == '}') {
        c.p++;
    } else {
        for (;;) {
            const char *key;
            size_t klen;
            int which = -1;

            skip_ws(&c);
            if (c.p >= c.end || *c.p != '"') {
                *why = "expected a key";
                goto fail;
            }
            key = c.p + 1;
            if (read_string(&c, NULL, NULL) != 0)
                goto bad;
            klen = (size_t)(c.p - 1 - key); /* raw key: our keys need no escapes */
            for (f = 0; f < N_FIELDS; f++)
                if (strlen(field_names[f]) == klen && memcmp(key, field_names[f], klen) == 0)
                    which = f;
            skip_ws(&c);
            if (c.p >= c.end || *c.p != ':') {
                *why = "expected ':'";
                goto fail;
            }
            c.p++;
            skip_ws(&c);
            if (which >= 0 && c.p < c.end && *c.p == '"') {
                size_t dlen;
                if (batch_reserve(b, (size_t)(c.end - c.p)) != 0) {
                    *why = "out of memory";
                    goto fail;
                }
                if (read_string(&c, b->text + b->len, &dlen) != 0)
                    goto bad;
                b->off[row][which] = b->len;
                b->flen[row][which] = dlen;
                b->present[row][which] = 1;
                b->len += dlen;
            } else if (skip_value(&c) != 0) {
                goto bad;
            }
            skip_ws(&c);
            if (c.p < c.end && *c.p == ',') {
                c.p++;
                continue;
            }
            if (c.p < c.end && *c.p == '}') {
                c.p++;
                break;
            }
            *why = "expected ',' or '}'";
            goto fail;
        }
    }
    skip_ws(&c);
    if (c.p != c.end) {
        *why = "text after the object";
        goto fail;
    }
    return 0;
bad:
    *why = c.err;
fail:
    b->len = saved_len; /* drop the fields of the rejected line */
    return -1;
}

/* ------------------------------------------------------------------ */

static double clock_seconds(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_seconds(void)
{
    return clock_seconds(CLOCK_MONOTONIC);
}

/* CPU time of this (single-threaded) process: with the wall time it shows
 * how much of the insert loop was spent waiting for the disk or the CPU. */
static double cpu_seconds(void)
{
    return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static long long file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static int exec_sql(sqlite3 *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "fts_floor: %s: %s\n", sql, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* Inserts the batch in one transaction; returns 0 or -1 (message printed). */
static int insert_batch(sqlite3 *db, sqlite3_stmt *ins, const batch_t *b,
                        long long *text_bytes)
{
    int i, f;

    if (exec_sql(db, "BEGIN") != 0)
        return -1;
    for (i = 0; i < b->nrows; i++) {
        for (f = 0; f < N_FIELDS; f++) {
            if (b->present[i][f]) {
                sqlite3_bind_text(ins, f + 1, b->text + b->off[i][f], (int)b->flen[i][f],
                                  SQLITE_STATIC);
                *text_bytes += (long long)b->flen[i][f];
            } else {
                sqlite3_bind_null(ins, f + 1);
            }
        }
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fprintf(stderr, "fts_floor: insert: %s\n", sqlite3_errmsg(db));
            sqlite3_reset(ins);
            exec_sql(db, "ROLLBACK");
            return -1;
        }
        sqlite3_reset(ins);
    }
    return exec_sql(db, "COMMIT");
}

int main(int argc, char **argv)
{
    const char *path;
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    batch_t *b;
    char *line = NULL, wal[4096];
    size_t line_cap = 0;
    ssize_t n;
    long line_no = 0, bad_lines = 0;
    long long articles = 0, text_bytes = 0, db_bytes;
    double parse_s = 0, insert_s = 0, insert_cpu_s = 0, close_s, t0, c0, secs, rate, mb_s;
    int eof = 0, status = 0;
    struct stat st;

    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: fts_floor DB.sqlite < corpus.jsonl\n"
                        "Bulk-inserts title, summary, body into a bare FTS5 table and\n"
                        "prints the insert rate. DB.sqlite must not exist.\n");
        return 2;
    }
    path = argv[1];
    if (stat(path, &st) == 0) {
        fprintf(stderr, "fts_floor: %s already exists; remove it first\n", path);
        return 2;
    }
    b = calloc(1, sizeof *b);
    if (b == NULL) {
        fputs("fts_floor: out of memory\n", stderr);
        return 1;
    }

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts_floor: cannot create %s: %s\n", path, db ? sqlite3_errmsg(db) : "out of memory");
        status = 3;
        goto done;
    }
    if (exec_sql(db, "PRAGMA journal_mode=WAL") != 0 ||
        exec_sql(db, "PRAGMA synchronous=NORMAL") != 0 ||
        exec_sql(db, "CREATE VIRTUAL TABLE a USING fts5(title, summary, body, "
                     "tokenize='porter unicode61 remove_diacritics 2')") != 0) {
        status = 3;
        goto done;
    }
    if (sqlite3_prepare_v2(db, "INSERT INTO a(title, summary, body) VALUES (?, ?, ?)", -1,
                           &ins, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts_floor: prepare: %s\n", sqlite3_errmsg(db));
        status = 3;
        goto done;
    }

    while (!eof) {
        /* Read and parse one batch (timed as parse). */
        t0 = now_seconds();
        b->nrows = 0;
        b->len = 0;
        while (b->nrows < BATCH_ROWS) {
            const char *why = NULL;
            n = getline(&line, &line_cap, stdin);
            if (n < 0) {
                if (ferror(stdin)) {
                    fprintf(stderr, "fts_floor: cannot read input: %s\n", strerror(errno));
                    status = 1;
                    goto done;
                }
                eof = 1;
                break;
            }
            line_no++;
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                n--;
            if (n == 0)
                continue;
            if (parse_line(b, line, (size_t)n, &why) != 0) {
                if (bad_lines < 10)
                    fprintf(stderr, "fts_floor: stdin:%ld: skipped: %s\n", line_no, why);
                bad_lines++;
                continue;
            }
            b->nrows++;
        }
        parse_s += now_seconds() - t0;
        if (b->nrows == 0)
            continue;

        /* Insert it in one transaction (timed as insert). */
        t0 = now_seconds();
        c0 = cpu_seconds();
        if (insert_batch(db, ins, b, &text_bytes) != 0) {
            status = 3;
            goto done;
        }
        insert_cpu_s += cpu_seconds() - c0;
        insert_s += now_seconds() - t0;
        articles += b->nrows;
    }

    t0 = now_seconds();
    sqlite3_finalize(ins);
    ins = NULL;
    if (sqlite3_close(db) != SQLITE_OK) {
        fprintf(stderr, "fts_floor: close: %s\n", sqlite3_errmsg(db));
        status = 3;
    }
    db = NULL;
    close_s = now_seconds() - t0;

    snprintf(wal, sizeof wal, "%s-wal", path);
    db_bytes = file_size(path) + file_size(wal);
    secs = insert_s;
    rate = secs > 0 ? (double)articles / secs : 0.0;
    mb_s = secs > 0 ? (double)text_bytes / 1e6 / secs : 0.0;
    printf("floor: %lld articles in %.2f s = %.0f articles/s, MB/s %.2f, db size %.1f MB, "
           "text size %.1f MB\n",
           articles, secs, rate, mb_s, (double)db_bytes / 1e6, (double)text_bytes / 1e6);
    printf("insert cpu: %.2f s, parse: %.2f s, close (final checkpoint): %.2f s, "
           "bad lines: %ld, sqlite %s\n",
           insert_cpu_s, parse_s, close_s, bad_lines, sqlite3_libversion());
    printf("FLOOR_JSON {\"articles\":%lld,\"seconds\":%.3f,\"rate\":%.1f,\"db_bytes\":%lld,"
           "\"text_bytes\":%lld,\"cpu_seconds\":%.3f,\"parse_seconds\":%.3f,"
           "\"close_seconds\":%.3f,\"bad_lines\":%ld}\n",
           articles, secs, rate, db_bytes, text_bytes, insert_cpu_s, parse_s, close_s,
           bad_lines);
    if (status == 0 && bad_lines > 0)
        status = 4;

done:
    if (ins != NULL)
        sqlite3_finalize(ins);
    if (db != NULL)
        sqlite3_close(db);
    free(line);
    free(b->text);
    free(b);
    return status;
}
