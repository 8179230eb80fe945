/*
 * printer.h - every result of newsquery goes out through one printer.
 *
 * A command builds one cJSON object per record (the documented JSON shape
 * of docs/output-schema.md) and hands it to the printer, which writes it as
 * JSON (a streamed array), JSON Lines (one object a line, written at once),
 * CSV (chosen top-level fields) or text (the command's own renderer of the
 * same record). So text and JSON always report the same results, and memory
 * stays bounded whatever the result size.
 */
#ifndef QRY_PRINTER_H
#define QRY_PRINTER_H

#include <stdio.h>
#include <cjson/cJSON.h>

typedef enum {
    QRY_FORMAT_TEXT = 0,
    QRY_FORMAT_JSON,
    QRY_FORMAT_JSONL,
    QRY_FORMAT_CSV
} qry_format_t;

/* Renders one record as text for a person. */
typedef void (*qry_text_fn)(FILE *out, const cJSON *record, int index, void *ctx);

typedef struct qry_printer qry_printer_t;

/* Parse "text", "json", "jsonl", "csv"; returns -1 when unknown. */
int qry_format_parse(const char *s, qry_format_t *out);

/*
 * Create a printer on @p out. @p csv_fields lists the top-level keys CSV
 * writes (NULL-terminated; used only for CSV). @p text renders a record in
 * text mode. The printer owns nothing passed to it but the records.
 */
qry_printer_t *qry_printer_create(qry_format_t fmt, FILE *out,
                                  const char *const *csv_fields,
                                  qry_text_fn text, void *text_ctx);

/* Write one record and free it (the printer takes ownership). For a
 * single-object result (show, story) call qry_printer_single instead. */
void qry_printer_record(qry_printer_t *p, cJSON *record);

/* Write the only result of a command that returns one object: JSON and
 * JSON Lines write it bare (no array). Takes ownership. */
void qry_printer_single(qry_printer_t *p, cJSON *record);

/* Whether JSON Lines output is flushed after every record (the default,
 * so a reader sees results while the query runs). Export turns it off to
 * write in large blocks. */
void qry_printer_set_flush(qry_printer_t *p, int each_record);

/*
 * The status of the whole answer (newsquery --allow-partial, issue 8): a
 * function returning a new object (the printer deletes it) whose members
 * describe the answer, e.g. {"partial": true, "unreachable_shards": [...]}.
 * Process-wide, for the printers created after the call; NULL (the
 * default) for none. When set: JSON wraps the records as
 * {"results": [records...], <members>}; JSON Lines ends with one line
 * holding the status object; a single object (show, story) gets the
 * members added; text and CSV only call it (it may warn on stderr).
 */
typedef cJSON *(*qry_status_fn)(void);
void qry_printer_set_status_fn(qry_status_fn fn);

/* Finish the output (closing bracket for JSON) and free the printer.
 * Returns the number of records written. */
long qry_printer_finish(qry_printer_t *p);

#endif
