/*
 * robots.c - robots.txt parsing and matching (RFC 9309).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "robots.h"

/* Does the pattern p[0..plen) match a prefix of s? '*' matches any run of
 * characters; a '$' at the end anchors the pattern at the end of s. */
static int
pattern_matches(const char *p, size_t plen, const char *s)
{
    size_t slen = strlen(s), pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;

    for (;;) {
        if (pi == plen)
            return 1;
        if (p[pi] == '$' && pi + 1 == plen) {
            if (si == slen)
                return 1;
        } else if (p[pi] == '*') {
            star_p = ++pi;
            star_s = si;
            continue;
        } else if (si < slen && p[pi] == s[si]) {
            pi++;
            si++;
            continue;
        }
        if (star_p == (size_t)-1 || star_s >= slen)
            return 0;
        pi = star_p;
        si = ++star_s;
    }
}

/* Does a User-agent value name the agent? The value's product token (up to
 * '/', a blank or the end) is compared without case. */
static int
agent_named(const char *v, size_t vlen, const char *agent)
{
    size_t n = 0, alen = strlen(agent);

    while (n < vlen && v[n] != '/' && v[n] != ' ' && v[n] != '\t')
        n++;
    return n == alen && strncasecmp(v, agent, n) == 0;
}

/* One pass over the file; want_star selects the '*' groups instead of the
 * agent's. Sets *best_len and *best_allow from the longest matching rule and
 * returns 1 when at least one group was selected. */
static int
scan(const char *txt, size_t len, const char *agent, const char *path,
     int want_star, long *best_len, int *best_allow)
{
    size_t pos = 0;
    int in_agents = 0;    /* the previous line was a User-agent line */
    int selected = 0;     /* the current group applies to us */
    int any = 0;

    while (pos < len) {
        const char *line = txt + pos, *nl = memchr(line, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - line) : len - pos, kl, vs, ve;
        const char *hash = memchr(line, '#', ll);

        pos += ll + 1;
        if (hash)
            ll = (size_t)(hash - line);
        while (ll && isspace((unsigned char)line[ll - 1]))
            ll--;
        kl = 0;
        while (kl < ll && isspace((unsigned char)line[kl]))
            kl++;
        line += kl;
        ll -= kl;
        if (ll == 0)
            continue;
        kl = 0;
        while (kl < ll && line[kl] != ':')
            kl++;
        if (kl == ll)
            continue; /* not a key: value line */
        vs = kl + 1;
        while (vs < ll && isspace((unsigned char)line[vs]))
            vs++;
        ve = ll;
        while (kl && isspace((unsigned char)line[kl - 1]))
            kl--;

        if ((kl == 10 && strncasecmp(line, "user-agent", 10) == 0) ||
            (kl == 9 && strncasecmp(line, "useragent", 9) == 0) ||
            (kl == 10 && strncasecmp(line, "user agent", 10) == 0)) {
            int match;
            if (!in_agents)
                selected = 0; /* a new group starts */
            in_agents = 1;
            if (want_star)
                match = ve - vs == 1 && line[vs] == '*';
            else
                match = agent_named(line + vs, ve - vs, agent);
            if (match) {
                selected = 1;
                any = 1;
            }
            continue;
        }
        in_agents = 0;
        if (!selected)
            continue;
        if ((kl == 5 && strncasecmp(line, "allow", 5) == 0) ||
            (kl == 8 && strncasecmp(line, "disallow", 8) == 0)) {
            int allow = kl == 5;
            long plen = (long)(ve - vs);
            if (plen == 0)
                continue; /* "Disallow:" with nothing allows everything */
            if (pattern_matches(line + vs, (size_t)plen, path) &&
                (plen > *best_len || (plen == *best_len && allow))) {
                *best_len = plen;
                *best_allow = allow;
            }
        }
        /* other keys (sitemap, crawl-delay, ...) neither end nor start a group */
    }
    return any;
}

int
idx_robots_allowed(const char *robots, size_t len, const char *agent,
                   const char *path)
{
    long best_len = -1;
    int best_allow = 1;

    if (!robots || !path)
        return 1;
    if (strcmp(path, "/robots.txt") == 0)
        return 1;
    if (len > IDX_ROBOTS_MAX_BYTES)
        len = IDX_ROBOTS_MAX_BYTES;
    if (!scan(robots, len, agent, path, 0, &best_len, &best_allow)) {
        best_len = -1;
        best_allow = 1;
        scan(robots, len, agent, path, 1, &best_len, &best_allow);
    }
    return best_len < 0 ? 1 : best_allow;
}

int
idx_robots_check(int status, const char *robots, size_t len, const char *agent,
                 const char *path)
{
    if (status >= 200 && status < 300)
        return idx_robots_allowed(robots, len, agent, path);
    if (status >= 400 && status < 500)
        return 1;
    if (status >= 500 || status == 0)
        return 0;
    return 1;
}

int
idx_robots_path_of(const char *url, char *buf, size_t n)
{
    const char *p = strstr(url ? url : "", "://");
    size_t len;

    if (!p) {
        p = url ? url : "";
    } else {
        p += 3;
        p += strcspn(p, "/?#");
    }
    len = strcspn(p, "#");
    if (len == 0) {
        if (n < 2)
            return -1;
        memcpy(buf, "/", 2);
        return 0;
    }
    if (*p == '?') {
        if (len + 2 > n)
            return -1;
        buf[0] = '/';
        memcpy(buf + 1, p, len);
        buf[len + 1] = '\0';
        return 0;
    }
    if (len + 1 > n)
        return -1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    return 0;
}
