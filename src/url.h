/* SPDX-License-Identifier: MIT */
/*
 * url.h - parse, resolve and normalise http(s) URLs the way browsers do
 * (WHATWG URL Standard, special schemes http and https only).
 *
 * Thread-safe: pure functions, no global state.
 */
#ifndef CRAWLTOP_URL_H
#define CRAWLTOP_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest URL crawltop handles, terminating NUL included. Longer results are
 * refused (URL_ERR_TOOLONG), so every URL buffer can be this size. */
#define URL_MAX 8192

enum url_err {
    URL_OK = 0,
    URL_ERR_SYNTAX = -1,  /* not parseable as a URL (bad host, bad port, ...) */
    URL_ERR_SCHEME = -2,  /* parsed, but the scheme is not http or https */
    URL_ERR_TOOLONG = -3, /* result would not fit in the output buffer */
};

/* Resolve href against base (an absolute, already normalised http(s) URL)
 * and write the normalised absolute URL, without fragment, to out (size
 * outsz, at most URL_MAX useful). base may be NULL, then href must be
 * absolute. href may contain anything (it comes from a page): leading and
 * trailing C0 controls and spaces are stripped, tab/CR/LF removed, '\' is a
 * path separator, '.'/'..' (and %2e forms) resolved, path and query
 * percent-encoded as the standard says (existing escapes kept), host
 * lower-cased (and IPv4 forms canonicalised), default port removed.
 * An empty href, "#frag" or "?q" resolve against base itself.
 * Returns URL_OK or a negative enum url_err; out is then an empty string. */
int url_resolve(const char *base, const char *href, char *out, size_t outsz);

/* Normalise an absolute URL (same rules as url_resolve with no base). */
int url_normalize(const char *in, char *out, size_t outsz);

/* Parts of a normalised URL, as written by url_resolve. */
struct url_parts {
    bool https;
    char host[256];       /* lower-case host name or IP literal ([..] for v6) */
    unsigned port;        /* explicit port, or 80 / 443 */
    const char *path;     /* points into the URL: "/..." up to '?' or end */
    const char *query;    /* points at '?' or NULL */
};

/* Split a normalised URL (as produced above). Returns 0 or -1 if it is not
 * one. The pointers in parts point into url. */
int url_split(const char *url, struct url_parts *parts);

/* Write the politeness key of a normalised URL, "scheme://host:port" with
 * the port always present, to out. Returns 0, or -1 on a bad URL or a short
 * buffer. */
int url_host_key(const char *url, char *out, size_t outsz);

/* 63-bit hash of a string, never 0 and never negative as int64_t: the id of
 * a URL in the store and the seen-set. */
int64_t url_hash(const char *s, size_t len);

#endif
