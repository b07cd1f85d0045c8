/* SPDX-License-Identifier: MIT */
/*
 * site.h - a deterministic synthetic multi-host web site, served through
 * httpd (site_handle), plus the crawl it should produce (site_expected) and
 * per-URL request counts. Pages are generated per request from the host
 * name and page number alone, so a site of millions of pages costs no
 * memory. Layout and endpoints: doc/testsrv.md.
 *
 * Thread: site_new/site_free from the owner; site_handle, site_get,
 * site_expected and the count functions are thread-safe.
 */
#ifndef CRAWLTOP_SITE_H
#define CRAWLTOP_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct httpd_request;
struct httpd_response;

/* Distinct host+target pairs counted; later new ones are only summed. */
#define SITE_MAX_COUNTED (1u << 20)
/* site_expected refuses to enumerate more URLs than this. */
#define SITE_EXPECT_MAX (4u << 20)
/* Private pages /private/0.html .. /private/15.html exist. */
#define SITE_PRIVATE_PAGES 16

/* One virtual host. Page 0 is "/", page i >= 1 is "/p/<i>.html". */
struct site_host {
    const char *name;    /* lower-case host name, e.g. "a.test" */
    uint64_t pages;      /* number of pages, >= 1 */
    unsigned latency_ms; /* added before every non-/t/ response */
    unsigned jitter_ms;  /* latency varies by +-jitter_ms, randomly */
    double error_rate;   /* fraction of pages (never "/") giving 500/503 */
    double broken_rate;  /* fraction of pages linking to a 404 page */
    int robots_status;   /* status of /robots.txt; 0 means 200 */
    unsigned crawl_delay_ms; /* > 0: robots.txt carries this Crawl-delay */
    unsigned max_rps;    /* > 0: requests past this many per second (per
                            host, whole-second windows) get 429 */
    unsigned links;      /* random same-host links per page; 0: 8 (a large
                            value makes a site whose URLs outgrow memory) */
};

struct site;

/* Copies hosts (names too). port is what absolute links carry; it may be
 * set later with site_set_port (before the first request). Returns NULL
 * with a message in *cause (caller frees) on a bad host list. */
struct site *site_new(const struct site_host *hosts, size_t nhosts,
                      unsigned port, char **cause);
void site_free(struct site *s);

void site_set_port(struct site *s, unsigned port);
unsigned site_port(const struct site *s);

/* The httpd request handler; arg is the struct site. Counts the request. */
void site_handle(void *arg, const struct httpd_request *req,
                 struct httpd_response *resp);

/* What site_handle would answer for an absolute URL "http://host:port/..."
 * (fragment ignored), without network, delay or counting. Returns the body
 * (the caller frees; NUL-terminated, but may contain NULs) with *len and
 * *status set, or NULL for a URL not on this server's port. */
char *site_get(struct site *s, const char *url, int *status, size_t *len);

/* One URL of the expected crawl. */
struct site_url {
    char *url;  /* absolute, normalised ("http://a.test:8080/p/3.html") */
    int status; /* HTTP status the server gives it */
};

/* Apply robots.txt: leave out URLs under /private/. */
#define SITE_EXPECT_ROBOTS 1u

/* Every URL reachable from the seeds (absolute normalised URLs on this
 * site) by following <a href> links of 200 HTML pages, staying on hosts
 * (names; NULL or nhosts 0 means every configured host), fragments
 * removed, queries kept. Sorted by url into *out (*n of them; free with
 * site_urls_free). Returns 0, or -1 if a seed is not on an allowed host
 * of this site or the result would pass SITE_EXPECT_MAX. */
int site_expected(struct site *s, const char *const *seeds, size_t nseeds,
                  const char *const *hosts, size_t nhosts, unsigned flags,
                  struct site_url **out, size_t *n);
void site_urls_free(struct site_url *v, size_t n);

/* Track at most max distinct URLs from now on (default SITE_MAX_COUNTED;
 * 0 stops tracking new ones, e.g. for huge sites). */
void site_set_count_limit(struct site *s, size_t max);

/* Requests seen for url (host and target; scheme, port and fragment are
 * ignored), or 0. */
uint64_t site_request_count(struct site *s, const char *url);
/* All requests handled so far. */
uint64_t site_request_total(struct site *s);
/* Write "count<TAB>url" lines, sorted by url. Returns 0 or -1 on a write
 * error. */
int site_dump_counts(struct site *s, FILE *out);

#endif
