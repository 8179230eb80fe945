/*
 * url.c - canonical form of article URLs, the first key of deduplication.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "archive-private.h"

/* Query parameters that only track the reader, never select content. */
static int
is_tracking_param(const char *name, size_t n)
{
    static const char *const exact[] = {
        "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "mc_cid", "mc_eid",
        "igshid", "yclid", "_ga", "_gl", "ocid", "cmpid", "ncid", "sr_share",
        "spm", "ref_src", "ref_url", "smid", "smtyp", "at_medium", "at_campaign",
        "CMP", "taid", "guccounter", "mbid", "rss", "output", NULL
    };
    if (n > 4 && strncmp(name, "utm_", 4) == 0)
        return 1;
    for (size_t i = 0; exact[i]; i++)
        if (strlen(exact[i]) == n && strncmp(exact[i], name, n) == 0)
            return 1;
    return 0;
}

arc_status_t
arc_url_canonicalize(const char *url, char **out)
{
    const char *p, *scheme_end, *host, *host_end, *path;
    size_t len, cap;
    char *buf, *w;
    int https;

    *out = NULL;
    if (!url)
        return ARC_E_BAD_ARG;
    while (*url && isspace((unsigned char)*url))
        url++;
    len = strlen(url);
    while (len && isspace((unsigned char)url[len - 1]))
        len--;
    scheme_end = memchr(url, ':', len);
    if (!scheme_end)
        return ARC_E_BAD_ARG;
    if ((size_t)(scheme_end - url) == 4 && strncasecmp(url, "http", 4) == 0)
        https = 0;
    else if ((size_t)(scheme_end - url) == 5 && strncasecmp(url, "https", 5) == 0)
        https = 1;
    else
        return ARC_E_BAD_ARG;
    if (len < (size_t)(scheme_end - url) + 3 || strncmp(scheme_end, "://", 3) != 0)
        return ARC_E_BAD_ARG;
    host = scheme_end + 3;
    host_end = host;
    while (host_end < url + len && *host_end != '/' && *host_end != '?' && *host_end != '#')
        host_end++;
    if (host_end == host)
        return ARC_E_BAD_ARG;
    /* drop user-info */
    for (p = host_end; p > host; p--)
        if (p[-1] == '@') {
            host = p;
            break;
        }
    path = host_end;

    cap = len + 16;
    buf = malloc(cap);
    if (!buf)
        return ARC_E_NOMEM;
    w = buf;
    memcpy(w, https ? "https://" : "http://", https ? 8 : 7);
    w += https ? 8 : 7;
    {
        const char *colon = NULL;
        for (p = host; p < host_end; p++)
            if (*p == ':')
                colon = p;
        const char *hend = colon ? colon : host_end;
        for (p = host; p < hend; p++)
            *w++ = (char)tolower((unsigned char)*p);
        if (w > buf && w[-1] == '.')
            w--; /* trailing dot of an FQDN */
        if (colon) {
            const char *port = colon + 1;
            size_t pn = (size_t)(host_end - port);
            int dflt = (pn == 2 && !https && strncmp(port, "80", 2) == 0) ||
                       (pn == 3 && https && strncmp(port, "443", 3) == 0) || pn == 0;
            if (!dflt) {
                memcpy(w, colon, pn + 1);
                w += pn + 1;
            }
        }
    }
    /* path: up to '?' or '#' */
    p = path;
    if (p >= url + len || *p != '/')
        *w++ = '/';
    while (p < url + len && *p != '?' && *p != '#')
        *w++ = *p++;
    if (p < url + len && *p == '?') {
        const char *q = p + 1;
        const char *qend = q;
        int first = 1;
        while (qend < url + len && *qend != '#')
            qend++;
        while (q < qend) {
            const char *amp = memchr(q, '&', (size_t)(qend - q));
            const char *pend = amp ? amp : qend;
            const char *eq = memchr(q, '=', (size_t)(pend - q));
            size_t nlen = (size_t)((eq ? eq : pend) - q);
            if (pend > q && !is_tracking_param(q, nlen)) {
                *w++ = first ? '?' : '&';
                first = 0;
                memcpy(w, q, (size_t)(pend - q));
                w += pend - q;
            }
            q = amp ? amp + 1 : qend;
        }
    }
    *w = '\0';
    *out = buf;
    return ARC_OK;
}
