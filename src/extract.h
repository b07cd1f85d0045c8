/* SPDX-License-Identifier: MIT */
/*
 * extract.h - links and title from an HTML page body, with pcre2 (JIT).
 *
 * Thread: struct extractor is built once and then read-only (share it
 * between threads); each thread owns its struct extract_ctx (match data and
 * scratch buffers). The only pcre2 user besides scope.c.
 */
#ifndef CRAWLTOP_EXTRACT_H
#define CRAWLTOP_EXTRACT_H

#include <stddef.h>

#include "url.h"

/* Most links kept from one page; the rest are counted in dropped. */
#define EXTRACT_MAX_LINKS 100000
/* Longest title kept, in bytes, NUL included (cut on a UTF-8 boundary). */
#define EXTRACT_TITLE_MAX 1024

enum link_kind {
    LINK_A = 0,     /* <a href>, <area href> */
    LINK_LINK = 1,  /* <link href>, rel recorded */
    LINK_FRAME = 2, /* <iframe src>, <frame src> */
};

struct extract_link {
    char *url;      /* absolute, normalised, no fragment (owned by list) */
    char *rel;      /* <link rel> value, lower-cased, or NULL */
    enum link_kind kind;
};

/* Links of one page, distinct by url (first occurrence kept, in page
 * order; its kind is upgraded from LINK_LINK when the same URL also appears
 * in an <a>, <area> or frame). */
struct extract_result {
    struct extract_link *links; /* n of them */
    size_t n, cap;
    size_t dropped;             /* links over EXTRACT_MAX_LINKS or invalid */
    char title[EXTRACT_TITLE_MAX]; /* entity-decoded, whitespace-collapsed;
                                      "" if none */
};

struct extractor;
struct extract_ctx;

/* Compile the patterns (JIT where available). NULL on failure, with a
 * message for the caller to free in *cause. */
struct extractor *extract_new(char **cause);
void extract_free(struct extractor *x);

/* Per-thread context over a shared extractor. */
struct extract_ctx *extract_ctx_new(const struct extractor *x);
void extract_ctx_free(struct extract_ctx *c);

/* Parse body (len bytes, not NUL-terminated, any bytes at all) fetched from
 * page_url (absolute, normalised). Honours the first <base href>. Resets r
 * first and fills it; r's memory is reused between calls. Returns 0, or -1
 * if page_url is not a valid URL. */
int extract_page(struct extract_ctx *c, const char *body, size_t len,
                 const char *page_url, struct extract_result *r);

void extract_result_init(struct extract_result *r);
void extract_result_fini(struct extract_result *r);

/* Decode HTML character references (&amp; &#39; &#x27; and the common named
 * ones) from in[0..len) into out (size outsz, always NUL-terminated).
 * Returns the length written. */
size_t extract_decode_entities(const char *in, size_t len, char *out,
                               size_t outsz);

#endif
