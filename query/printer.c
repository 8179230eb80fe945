/*
 * printer.c - the one output path of newsquery (see printer.h).
 */
#include <stdlib.h>
#include <string.h>

#include "printer.h"

struct qry_printer {
    qry_format_t fmt;
    FILE *out;
    const char *const *csv_fields;
    qry_text_fn text;
    void *text_ctx;
    long count;
    int single;
    int no_flush;      /* JSON Lines: do not flush every record */
    qry_status_fn status;  /* status of the answer (issue 8), or NULL */
};

static qry_status_fn status_fn;

void
qry_printer_set_status_fn(qry_status_fn fn)
{
    status_fn = fn;
}

int
qry_format_parse(const char *s, qry_format_t *out)
{
    if (strcmp(s, "text") == 0) *out = QRY_FORMAT_TEXT;
    else if (strcmp(s, "json") == 0) *out = QRY_FORMAT_JSON;
    else if (strcmp(s, "jsonl") == 0) *out = QRY_FORMAT_JSONL;
    else if (strcmp(s, "csv") == 0) *out = QRY_FORMAT_CSV;
    else return -1;
    return 0;
}

qry_printer_t *
qry_printer_create(qry_format_t fmt, FILE *out, const char *const *csv_fields,
                   qry_text_fn text, void *text_ctx)
{
    qry_printer_t *p = calloc(1, sizeof *p);

    if (!p)
        return NULL;
    p->fmt = fmt;
    p->out = out;
    p->csv_fields = csv_fields;
    p->text = text;
    p->text_ctx = text_ctx;
    p->status = status_fn;
    return p;
}

/* RFC 4180 field: quoted when it holds a comma, quote or line break. */
static void
csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void
csv_value(FILE *out, const cJSON *v)
{
    if (!v || cJSON_IsNull(v))
        return;
    if (cJSON_IsString(v)) {
        csv_field(out, v->valuestring);
    } else if (cJSON_IsArray(v)) {
        /* arrays of strings become "a; b; c" */
        size_t cap = 256, n = 0;
        char *buf = malloc(cap);
        const cJSON *e;
        if (!buf)
            return;
        buf[0] = '\0';
        cJSON_ArrayForEach(e, v) {
            const char *s = cJSON_IsString(e) ? e->valuestring : "";
            size_t k = strlen(s);
            if (n + k + 3 > cap) {
                char *q;
                while (n + k + 3 > cap)
                    cap *= 2;
                q = realloc(buf, cap);
                if (!q)
                    break;
                buf = q;
            }
            if (n) {
                memcpy(buf + n, "; ", 2);
                n += 2;
            }
            memcpy(buf + n, s, k);
            n += k;
            buf[n] = '\0';
        }
        csv_field(out, buf);
        free(buf);
    } else {
        char *t = cJSON_PrintUnformatted(v);
        if (t)
            csv_field(out, t);
        cJSON_free(t);
    }
}

void
qry_printer_record(qry_printer_t *p, cJSON *rec)
{
    char *txt;

    if (!rec)
        return;
    switch (p->fmt) {
    case QRY_FORMAT_TEXT:
        if (p->text)
            p->text(p->out, rec, (int)p->count, p->text_ctx);
        break;
    case QRY_FORMAT_JSON:
        txt = cJSON_PrintUnformatted(rec);
        fputs(p->count ? ",\n" : p->status ? "{\"results\":[" : "[", p->out);
        if (txt)
            fputs(txt, p->out);
        cJSON_free(txt);
        break;
    case QRY_FORMAT_JSONL:
        txt = cJSON_PrintUnformatted(rec);
        if (txt) {
            fputs(txt, p->out);
            fputc('\n', p->out);
            if (!p->no_flush)
                fflush(p->out); /* start writing before the query is finished */
        }
        cJSON_free(txt);
        break;
    case QRY_FORMAT_CSV:
        if (p->count == 0 && p->csv_fields) {
            for (size_t i = 0; p->csv_fields[i]; i++) {
                if (i)
                    fputc(',', p->out);
                fputs(p->csv_fields[i], p->out);
            }
            fputs("\r\n", p->out);
        }
        for (size_t i = 0; p->csv_fields && p->csv_fields[i]; i++) {
            if (i)
                fputc(',', p->out);
            csv_value(p->out, cJSON_GetObjectItemCaseSensitive(rec, p->csv_fields[i]));
        }
        fputs("\r\n", p->out);
        break;
    }
    p->count++;
    cJSON_Delete(rec);
}

void
qry_printer_single(qry_printer_t *p, cJSON *rec)
{
    char *txt;

    if (!rec)
        return;
    p->single = 1;
    if (p->status) {
        cJSON *st = p->status(), *e;
        /* the status members join the object (JSON) or are only computed */
        while (st && (e = st->child) != NULL) {
            cJSON_DetachItemViaPointer(st, e);
            if (p->fmt == QRY_FORMAT_JSON || p->fmt == QRY_FORMAT_JSONL)
                cJSON_AddItemToObject(rec, e->string, cJSON_Duplicate(e, 1));
            cJSON_Delete(e);
        }
        cJSON_Delete(st);
        p->status = NULL;
    }
    if (p->fmt == QRY_FORMAT_JSON || p->fmt == QRY_FORMAT_JSONL) {
        txt = p->fmt == QRY_FORMAT_JSON ? cJSON_Print(rec) : cJSON_PrintUnformatted(rec);
        if (txt) {
            fputs(txt, p->out);
            fputc('\n', p->out);
        }
        cJSON_free(txt);
        p->count++;
        cJSON_Delete(rec);
        return;
    }
    qry_printer_record(p, rec);
}

void
qry_printer_set_flush(qry_printer_t *p, int each_record)
{
    if (p)
        p->no_flush = !each_record;
}

long
qry_printer_finish(qry_printer_t *p)
{
    long n;

    if (!p)
        return 0;
    if (p->status && !p->single) {
        /* issue 8: the status of the answer after its records */
        cJSON *st = p->status();
        char *txt = st ? cJSON_PrintUnformatted(st) : NULL;
        if (p->fmt == QRY_FORMAT_JSON) {
            fputs(p->count ? "]" : "{\"results\":[]", p->out);
            if (txt && txt[0] == '{' && txt[1] != '}')
                fprintf(p->out, ",%s\n", txt + 1);
            else
                fputs("}\n", p->out);
        } else if (p->fmt == QRY_FORMAT_JSONL && txt) {
            fprintf(p->out, "%s\n", txt);
        }
        cJSON_free(txt);
        cJSON_Delete(st);
    } else if (p->fmt == QRY_FORMAT_JSON && !p->single)
        fputs(p->count ? "]\n" : "[]\n", p->out);
    fflush(p->out);
    n = p->count;
    free(p);
    return n;
}
