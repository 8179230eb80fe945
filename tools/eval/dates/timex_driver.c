/*
 * timex_driver - run idx_timex_find over JSON lines, for the date scorers.
 *
 * Reads one JSON object per line on stdin: {"id": any, "published":
 * "YYYY-MM-DDTHH:MM:SSZ", "text": "..."} and prints one per line:
 * {"id": same, "found": [{"start", "end", "text", "value": "YYYY-MM-DD",
 * "granularity": "day"|"month"|"year"}]}. Offsets are byte offsets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dates.h"

static int64_t parse_published(const char *s)
{
    int y, mo, d, h = 0, mi = 0, se = 0;

    if (s == NULL || sscanf(s, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &se) < 3)
        return ARC_TIME_NONE;
    return arc_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
}

static const char *gran_name(arc_granularity_t g)
{
    return g == ARC_GRAN_YEAR ? "year" : g == ARC_GRAN_MONTH ? "month" : "day";
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    while ((n = getline(&line, &cap, stdin)) > 0) {
        cJSON *in = cJSON_Parse(line), *res, *found;
        const cJSON *text, *pub, *id;
        idx_timex_t *tx = NULL;
        size_t count, i;
        char *s;

        if (in == NULL)
            continue;
        text = cJSON_GetObjectItemCaseSensitive(in, "text");
        pub = cJSON_GetObjectItemCaseSensitive(in, "published");
        id = cJSON_GetObjectItemCaseSensitive(in, "id");
        if (!cJSON_IsString(text)) {
            cJSON_Delete(in);
            continue;
        }
        count = idx_timex_find(text->valuestring, strlen(text->valuestring),
                               parse_published(cJSON_IsString(pub) ? pub->valuestring : NULL),
                               &tx);
        res = cJSON_CreateObject();
        if (id != NULL)
            cJSON_AddItemToObject(res, "id", cJSON_Duplicate(id, 1));
        found = cJSON_AddArrayToObject(res, "found");
        for (i = 0; i < count; i++) {
            cJSON *f = cJSON_CreateObject();
            char buf[32], *piece;
            int y, m, d;
            size_t len = (size_t)(tx[i].end - tx[i].start);

            arc_civil_from_days(tx[i].value / 86400, &y, &m, &d);
            snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
            piece = malloc(len + 1);
            if (piece == NULL)
                return 1;
            memcpy(piece, text->valuestring + tx[i].start, len);
            piece[len] = '\0';
            cJSON_AddNumberToObject(f, "start", tx[i].start);
            cJSON_AddNumberToObject(f, "end", tx[i].end);
            cJSON_AddStringToObject(f, "text", piece);
            cJSON_AddStringToObject(f, "value", buf);
            cJSON_AddStringToObject(f, "granularity", gran_name(tx[i].granularity));
            cJSON_AddItemToArray(found, f);
            free(piece);
        }
        s = cJSON_PrintUnformatted(res);
        if (s != NULL) {
            puts(s);
            free(s);
        }
        free(tx);
        cJSON_Delete(res);
        cJSON_Delete(in);
    }
    free(line);
    return 0;
}
