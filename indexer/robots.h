/*
 * robots.h - robots.txt (RFC 9309) for --full-text page fetching: which
 * paths of a site a crawler with a given product token may fetch.
 * Pure functions: no network, no archive.
 */
#ifndef IDX_ROBOTS_H
#define IDX_ROBOTS_H

#include <stddef.h>

/* Only the first 512 KiB of a robots.txt are read (RFC 9309 asks for at
 * least 500 KiB). */
#define IDX_ROBOTS_MAX_BYTES ((size_t)512 << 10)

/*
 * May a crawler whose product token is @p agent fetch @p path (the URL's
 * path and query, starting with '/')? The rules of every group naming the
 * agent (case-insensitively, "newsarchive/0.1" names "newsarchive") are
 * used, else those of the '*' groups, else everything is allowed. Among the
 * Allow and Disallow rules that match (patterns with '*' and a final '$'),
 * the longest wins and Allow wins a tie; an empty Disallow allows all.
 * "/robots.txt" itself is always allowed.
 * Returns 1 when allowed, 0 when disallowed.
 */
int idx_robots_allowed(const char *robots, size_t len, const char *agent,
                       const char *path);

/*
 * The same, taking the HTTP status the robots.txt was fetched with:
 * 2xx -> the rules above; 4xx (no robots.txt) -> everything allowed;
 * 5xx or no response (0) -> nothing allowed (the site may be in trouble,
 * RFC 9309 2.3.1.4). Other statuses allow.
 */
int idx_robots_check(int status, const char *robots, size_t len,
                     const char *agent, const char *path);

/* The path and query of an absolute URL (without the fragment), or "/"
 * when it has none, into buf. Returns 0, or -1 when it does not fit. */
int idx_robots_path_of(const char *url, char *buf, size_t n);

#endif
