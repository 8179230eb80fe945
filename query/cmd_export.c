/*
 * cmd_export.c - newsquery export QUERY: the complete result set, streamed.
 *
 * Rows come one at a time from the search cursor and leave through the
 * printer, so memory does not grow with the result size; nothing caps the
 * number of rows except a --limit the user gives. Relevance order would
 * need every match scored before the first row, so export writes in id
 * (= publication) order: oldest first, or newest first with --sort newest.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* The columns export can write, in the documented order. */
enum {
    F_ID, F_PUBLISHED, F_SOURCE, F_TITLE, F_URL, F_STORY, F_LANG, F_SUMMARY,
    F_BODY, F_PERSONS, F_PLACES, F_ORGS, F_COUNT
};

static const char *const field_names[F_COUNT] = {
    "id", "published", "source", "title", "url", "story", "lang", "summary",
    "body", "persons", "places", "orgs"
};

#define MAX_FIELDS 32

typedef struct export_fields {
    int f[MAX_FIELDS];
    const char *names[MAX_FIELDS + 1];   /* NULL-terminated, for CSV */
    size_t n;
} export_fields_t;

static int
field_add(export_fields_t *ef, int f)
{
    for (size_t i = 0; i < ef->n; i++)
        if (ef->f[i] == f)
            return 0;
    if (ef->n >= MAX_FIELDS)
        return -1;
    ef->f[ef->n] = f;
    ef->names[ef->n] = field_names[f];
    ef->n++;
    ef->names[ef->n] = NULL;
    return 0;
}

/* Parse --fields (NULL: the default columns); exits 2 on an unknown one. */
static void
fields_parse(const char *arg, int with_body, export_fields_t *ef)
{
    memset(ef, 0, sizeof *ef);
    if (!arg) {
        static const int def[] = { F_ID, F_PUBLISHED, F_SOURCE, F_TITLE, F_URL, F_STORY };
        for (size_t i = 0; i < sizeof def / sizeof def[0]; i++)
            field_add(ef, def[i]);
    } else {
        const char *p = arg;
        while (*p) {
            size_t len = strcspn(p, ",");
            int f = -1;
            for (int k = 0; k < F_COUNT; k++)
                if (strlen(field_names[k]) == len && strncmp(field_names[k], p, len) == 0)
                    f = k;
            if (f < 0) {
                fprintf(stderr, "newsquery: --fields: unknown field '%.*s' (known: id, published,"
                        " source, title, url, story, lang, summary, body, persons, places, orgs)\n",
                        (int)(len > 40 ? 40 : len), p);
                exit(EXIT_USAGE);
            }
            if (field_add(ef, f)) {
                fprintf(stderr, "newsquery: --fields: too many fields\n");
                exit(EXIT_USAGE);
            }
            p += len;
            if (*p == ',')
                p++;
        }
        if (ef->n == 0) {
            fprintf(stderr, "newsquery: --fields needs at least one field\n");
            exit(EXIT_USAGE);
        }
    }
    if (with_body) {
        field_add(ef, F_SUMMARY);
        field_add(ef, F_BODY);
    }
}

static int
fields_want(const export_fields_t *ef, int lo, int hi)
{
    for (size_t i = 0; i < ef->n; i++)
        if (ef->f[i] >= lo && ef->f[i] <= hi)
            return 1;
    return 0;
}

static cJSON *
hit_record(const arc_hit_t *h, const export_fields_t *ef)
{
    cJSON *o = cJSON_CreateObject();

    for (size_t i = 0; i < ef->n; i++) {
        const char *k = field_names[ef->f[i]];
        switch (ef->f[i]) {
        case F_ID: qry_json_int(o, k, h->id); break;
        case F_PUBLISHED: qry_json_time(o, k, h->published); break;
        case F_SOURCE: qry_json_str(o, k, h->source); break;
        case F_TITLE: qry_json_str(o, k, h->title); break;
        case F_URL: qry_json_str(o, k, h->url); break;
        case F_STORY:
            if (h->story)
                qry_json_int(o, k, h->story);
            else
                cJSON_AddNullToObject(o, k);
            break;
        case F_LANG: qry_json_str(o, k, h->lang); break;
        case F_SUMMARY: qry_json_str(o, k, h->summary); break;
        case F_BODY: qry_json_str(o, k, h->body); break;
        case F_PERSONS: cJSON_AddItemToObject(o, k, qry_json_strings(h->persons, h->n_persons)); break;
        case F_PLACES: cJSON_AddItemToObject(o, k, qry_json_strings(h->places, h->n_places)); break;
        case F_ORGS: cJSON_AddItemToObject(o, k, qry_json_strings(h->orgs, h->n_orgs)); break;
        default: break;
        }
    }
    return o;
}

static void
export_text(FILE *out, const cJSON *o, int index, void *ctx)
{
    char *t = cJSON_PrintUnformatted(o);
    (void)index;
    (void)ctx;
    if (t)
        fprintf(out, "%s\n", t);
    cJSON_free(t);
}

int
qry_cmd_export(const qry_opts_t *o)
{
    static char outbuf[1 << 16];
    arc_db_t *db = qry_open_flags(o, ARC_OPEN_SCAN); /* each page read about once */
    arc_query_t *q = qry_parse(o);
    arc_search_opts_t so;
    arc_cursor_t *cur = NULL;
    export_fields_t ef;
    qry_printer_t *pr;
    const arc_hit_t *h;
    arc_status_t st;
    qry_format_t fmt = o->format == QRY_FORMAT_TEXT ? QRY_FORMAT_JSONL : o->format;
    long n;
    int rc = 0;

    fields_parse(o->fields_arg, o->with_body, &ef);
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    qry_search_opts(o, &so);
    so.limit = o->limit_set ? o->limit : 0;
    so.sort = o->sort == ARC_SORT_NEWEST ? ARC_SORT_NEWEST : ARC_SORT_OLDEST;
    so.want_entities = fields_want(&ef, F_PERSONS, F_ORGS);
    so.want_body = fields_want(&ef, F_LANG, F_BODY);
    st = arc_search(db, q, &so, &cur);
    if (st) {
        rc = qry_fail(db, st);
        goto done;
    }
    pr = qry_printer_create(fmt, stdout, ef.names, export_text, NULL);
    qry_printer_set_flush(pr, 0);
    while ((st = arc_cursor_next(cur, &h)) == ARC_OK && h)
        qry_printer_record(pr, hit_record(h, &ef));
    n = qry_printer_finish(pr);
    if (st)
        rc = qry_fail(db, st);
    if (!rc && o->fail_empty && n == 0)
        rc = EXIT_EMPTY;
done:
    arc_cursor_destroy(cur);
    arc_query_destroy(q);
    arc_db_close(db);
    fflush(stdout);
    return rc;
}
