/*
 * checkjson - assertions on JSON for the CLI tests (no jq needed).
 *
 *   checkjson FILE                      exit 0 when FILE (or - for stdin) is JSON
 *   checkjson FILE length PATH          print the length of the array at PATH
 *   checkjson FILE get PATH             print the value at PATH (strings raw)
 *   checkjson FILE lines                check every line is a JSON object;
 *                                       print the line count
 * PATH is dot-separated keys and array indexes: "0.title", "sources.2.n";
 * "." is the root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t cap = 65536, n = 0, got;
    char *buf;

    if (!f)
        return NULL;
    buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *p = realloc(buf, (cap *= 2) + 1);
            if (!p) {
                free(buf);
                buf = NULL;
            }
            buf = p;
        }
    }
    if (f != stdin)
        fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static const cJSON *
walk(const cJSON *j, const char *path)
{
    char *copy, *tok, *save = NULL;

    if (strcmp(path, ".") == 0)
        return j;
    copy = strdup(path);
    for (tok = strtok_r(copy, ".", &save); tok && j; tok = strtok_r(NULL, ".", &save)) {
        if (cJSON_IsArray(j)) {
            char *end;
            long i = strtol(tok, &end, 10);
            j = *end ? NULL : cJSON_GetArrayItem(j, (int)i);
        } else {
            j = cJSON_GetObjectItemCaseSensitive(j, tok);
        }
    }
    free(copy);
    return j;
}

int
main(int argc, char **argv)
{
    size_t len;
    char *buf;
    cJSON *j;
    const cJSON *v;

    if (argc < 2) {
        fprintf(stderr, "usage: checkjson FILE [length|get PATH | lines]\n");
        return 2;
    }
    buf = slurp(argv[1], &len);
    if (!buf) {
        fprintf(stderr, "checkjson: cannot read %s\n", argv[1]);
        return 2;
    }
    if (argc >= 3 && strcmp(argv[2], "lines") == 0) {
        long n = 0, lineno = 0;
        char *save = NULL;
        for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            lineno++;
            j = cJSON_Parse(line);
            if (!cJSON_IsObject(j)) {
                fprintf(stderr, "checkjson: line %ld is not a JSON object\n", lineno);
                cJSON_Delete(j);
                free(buf);
                return 1;
            }
            cJSON_Delete(j);
            n++;
        }
        printf("%ld\n", n);
        free(buf);
        return 0;
    }
    j = cJSON_ParseWithLength(buf, len);
    free(buf);
    if (!j) {
        fprintf(stderr, "checkjson: %s is not valid JSON\n", argv[1]);
        return 1;
    }
    if (argc >= 4) {
        v = walk(j, argv[3]);
        if (!v) {
            fprintf(stderr, "checkjson: no value at %s\n", argv[3]);
            cJSON_Delete(j);
            return 1;
        }
        if (strcmp(argv[2], "length") == 0) {
            printf("%d\n", cJSON_GetArraySize(v));
        } else if (cJSON_IsString(v)) {
            printf("%s\n", v->valuestring);
        } else {
            char *t = cJSON_PrintUnformatted(v);
            printf("%s\n", t ? t : "");
            cJSON_free(t);
        }
    }
    cJSON_Delete(j);
    return 0;
}
