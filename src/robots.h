/* SPDX-License-Identifier: MIT */
/*
 * robots.h - parse robots.txt and match paths against it (RFC 9309), for
 * one product token chosen at parse time.
 *
 * Thread: any. A struct robots is read-only once built, so one may be
 * shared between threads; the functions keep no other state.
 */
#ifndef CRAWLTOP_ROBOTS_H
#define CRAWLTOP_ROBOTS_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes of a robots.txt body parsed; the rest is ignored (RFC 9309 asks for
 * at least 500 KiB). */
#define ROBOTS_MAX_BYTES ((size_t)512 * 1024)
/* Longest line parsed; the rest of a longer line is ignored. */
#define ROBOTS_MAX_LINE ((size_t)16 * 1024)
/* Most Allow/Disallow rules kept (for our product and for '*' together);
 * later rules are dropped, so a huge file may allow more than it says. */
#define ROBOTS_MAX_RULES 50000
/* Most target bytes one robots_allowed() call scans, over all rules (a few
 * milliseconds); past it the target is disallowed. */
#define ROBOTS_MATCH_BUDGET ((size_t)4 << 20)
/* Crawl-delay values above this are cut to it. */
#define ROBOTS_MAX_DELAY_MS (24u * 3600 * 1000)

struct robots;

/* Parse body (len bytes, any bytes at all, not NUL-terminated; NULL if len
 * is 0) for product, the crawler's product token such as "crawltop" (its
 * leading run of [A-Za-z_-] is used). Keeps the rules of every group naming
 * product, else of every '*' group, else none. Never NULL; the caller frees
 * the result with robots_free(). */
struct robots *robots_parse(const char *body, size_t len, const char *product);

/* Everything allowed (no robots.txt: 4xx), or everything but /robots.txt
 * disallowed (robots.txt unreachable: 5xx, network error). */
struct robots *robots_allow_all(void);
struct robots *robots_disallow_all(void);

void robots_free(struct robots *r);

/* May target be fetched? target is the path and query of a normalised URL,
 * "/a/b?x=1" (as url.c writes it). Longest matching rule wins, Allow on a
 * tie; no matching rule allows. "/robots.txt" is always allowed. Time is
 * linear in the target and pattern lengths for each rule, and a call that
 * would scan more than ROBOTS_MATCH_BUDGET bytes disallows instead. */
bool robots_allowed(const struct robots *r, const char *target);

/* Crawl-delay of the chosen groups (the first valid one) in milliseconds,
 * at most ROBOTS_MAX_DELAY_MS; 0 if none. */
unsigned robots_crawl_delay_ms(const struct robots *r);

/* Rules kept for the chosen groups (empty values not counted). */
size_t robots_rule_count(const struct robots *r);

#endif
