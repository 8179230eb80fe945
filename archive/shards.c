/*
 * shards.c - Xapian shards (issue 8): the stub file, opening shards for
 * searching, and what a shards handle refuses. The Xapian calls are in
 * xapian.cc, the sync in shards_sync.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shards.h"

/* ---- the stub file ---- */

void
Arc_shard_specs_free(arc_shard_spec_t *specs, size_t n)
{
    for (size_t i = 0; specs && i < n; i++) {
        free(specs[i].name);
        free(specs[i].host);
        free(specs[i].path);
    }
    free(specs);
}

static char *
trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        *--e = '\0';
    return s;
}

/* Parse "HOST:PORT" (a leading ':' allowed, as Xapian's stubs write it). */
static int
parse_hostport(const char *s, char **host, unsigned *port)
{
    const char *colon;
    char *end;
    unsigned long p;

    if (*s == ':')
        s++;
    colon = strrchr(s, ':');
    if (!colon || colon == s)
        return 0;
    errno = 0;
    p = strtoul(colon + 1, &end, 10);
    if (errno || *end || end == colon + 1 || p == 0 || p > 65535)
        return 0;
    if (!(*host = strndup(s, (size_t)(colon - s))))
        return 0;
    *port = (unsigned)p;
    return 1;
}

static int
parse_port(const char *s, unsigned *port)
{
    char *end;
    unsigned long p;

    errno = 0;
    p = strtoul(s, &end, 10);
    if (errno || *end || end == s || p == 0 || p > 65535)
        return 0;
    *port = (unsigned)p;
    return 1;
}

/* A local path, relative ones taken from the stub's directory. */
static char *
local_path(const char *stub, const char *p)
{
    const char *slash = strrchr(stub, '/');
    size_t dl, pl = strlen(p);
    char *out;

    if (p[0] == '/' || !slash)
        return strdup(p);
    dl = (size_t)(slash - stub);
    if (!(out = malloc(dl + pl + 2)))
        return NULL;
    memcpy(out, stub, dl);
    out[dl] = '/';
    memcpy(out + dl + 1, p, pl + 1);
    return out;
}

arc_status_t
Arc_shard_specs_read(const char *stub, arc_shard_spec_t **specs, size_t *n,
                     char *msg, size_t msglen)
{
    FILE *f;
    char line[4096];
    arc_shard_spec_t *v = NULL;
    size_t cnt = 0;
    int lineno = 0;
    arc_status_t st = ARC_OK;

    *specs = NULL;
    *n = 0;
    if (!stub || !*stub) {
        snprintf(msg, msglen, "no shard stub file given");
        return ARC_E_BAD_ARG;
    }
    if (!(f = fopen(stub, "r"))) {
        snprintf(msg, msglen, "%s: %s", stub, strerror(errno));
        return ARC_E_IO;
    }
    while (fgets(line, sizeof line, f)) {
        char *s = trim(line), *word, *rest;
        arc_shard_spec_t sp;
        char name[512];

        lineno++;
        if (!*s || *s == '#')
            continue;
        memset(&sp, 0, sizeof sp);
        word = s;
        rest = s + strcspn(s, " \t");
        if (*rest) {
            *rest++ = '\0';
            rest = trim(rest);
        }
        if (strcmp(word, "remote") == 0) {
            char *a = rest, *b = rest + strcspn(rest, " \t");
            if (*b) {
                *b++ = '\0';
                b = trim(b);
            }
            if (strcmp(a, "tcp") == 0) {
                /* remote tcp HOST PORT */
                char *h = b, *p = b + strcspn(b, " \t");
                if (*p) {
                    *p++ = '\0';
                    p = trim(p);
                }
                if (!*h || !parse_port(p, &sp.port) || !(sp.host = strdup(h)))
                    goto bad;
            } else if (*b || !parse_hostport(a, &sp.host, &sp.port)) {
                goto bad;
            }
            snprintf(name, sizeof name, "%s:%u", sp.host, sp.port);
        } else if (strcmp(word, "auto") == 0 || strcmp(word, "glass") == 0) {
            if (!*rest || !(sp.path = local_path(stub, rest)))
                goto bad;
            snprintf(name, sizeof name, "%s", sp.path);
        } else if (!*rest) {
            if (!(sp.path = local_path(stub, word)))
                goto bad;
            snprintf(name, sizeof name, "%s", sp.path);
        } else {
            goto bad;
        }
        if (!(sp.name = strdup(name))) {
            free(sp.host);
            free(sp.path);
            st = ARC_E_NOMEM;
            break;
        }
        {
            arc_shard_spec_t *nv = realloc(v, (cnt + 1) * sizeof *nv);
            if (!nv) {
                free(sp.name);
                free(sp.host);
                free(sp.path);
                st = ARC_E_NOMEM;
                break;
            }
            v = nv;
            v[cnt++] = sp;
        }
        continue;
bad:
        free(sp.host);
        free(sp.path);
        snprintf(msg, msglen, "%s:%d: not a shard line (use 'remote :HOST:PORT',"
                 " 'remote tcp HOST PORT', 'auto PATH' or a path)", stub, lineno);
        st = ARC_E_PARSE;
        break;
    }
    fclose(f);
    if (st == ARC_OK && cnt == 0) {
        snprintf(msg, msglen, "%s: lists no shard", stub);
        st = ARC_E_PARSE;
    }
    if (st == ARC_E_NOMEM)
        snprintf(msg, msglen, "out of memory");
    if (st) {
        Arc_shard_specs_free(v, cnt);
        return st;
    }
    *specs = v;
    *n = cnt;
    return ARC_OK;
}

/* ---- opening ---- */

/* Contract in newsarc.h. */
arc_status_t
arc_shards_open(const char *stub, int flags, arc_db_t **out, char **errmsg)
{
    arc_shard_spec_t *specs = NULL;
    size_t n = 0;
    char msg[1024];
    arc_db_t *db;
    arc_status_t st;

    if (out)
        *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (!out)
        return ARC_E_BAD_ARG;
    msg[0] = '\0';
    if ((st = Arc_shard_specs_read(stub, &specs, &n, msg, sizeof msg))) {
        if (errmsg)
            *errmsg = strdup(msg);
        return st;
    }
    db = calloc(1, sizeof *db);
    if (!db || !(db->dir = strdup(stub))) {
        free(db);
        Arc_shard_specs_free(specs, n);
        if (errmsg)
            *errmsg = strdup("out of memory");
        return ARC_E_NOMEM;
    }
    db->readonly = 1;
    if ((st = Arc_xap_open(db, specs, n, flags))) {
        if (errmsg)
            *errmsg = strdup(db->errmsg);
        arc_db_close(db);
        return st;
    }
    *out = db;
    return ARC_OK;
}

int
arc_db_is_shards(const arc_db_t *db)
{
    return db && db->xap;
}

size_t
arc_db_unreachable(const arc_db_t *db, const char *const **names)
{
    if (names)
        *names = NULL;
    if (!db || !db->xap)
        return 0;
    return Arc_xap_unreachable(db, names);
}

arc_status_t
Arc_shards_unsupported(arc_db_t *db, const char *what)
{
    return Arc_db_error(db, ARC_E_UNSUPPORTED,
                        "%s is not available on Xapian shards (%s); use the"
                        " SQLite archive", what, db && db->dir ? db->dir : "");
}

void
arc_shard_sync_report_clear(arc_shard_sync_report_t *rep)
{
    if (!rep)
        return;
    for (size_t i = 0; i < rep->n_shards; i++) {
        free(rep->shards[i].name);
        free(rep->shards[i].message);
    }
    free(rep->shards);
    memset(rep, 0, sizeof *rep);
}
