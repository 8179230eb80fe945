/*
 * cli_json.c - the JSON field helpers the newsindex commands share.
 */
#include <cjson/cJSON.h>

#include "cli.h"

void
idx_json_time(cJSON *o, const char *key, int64_t t)
{
    char buf[32];

    if (t == ARC_TIME_NONE)
        cJSON_AddNullToObject(o, key);
    else
        cJSON_AddStringToObject(o, key, arc_time_format(t, buf, sizeof buf));
}

void
idx_json_str(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}
