/* SPDX-License-Identifier: MIT */
/*
 * throttle.h - politeness rules: how many requests a host may have in
 * flight and how long to wait between two request starts to it.
 *
 * Thread: engine only. No locks inside. Time is always a parameter.
 */
#ifndef CRAWLTOP_THROTTLE_H
#define CRAWLTOP_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

/* Global defaults, changed live by the engine. */
struct throttle {
    unsigned delay_ms;  /* gap between two starts to one host */
    unsigned per_host;  /* in flight per host */
    bool randomize;     /* actual gap uniform in [0.5, 1.5] x delay */
    uint64_t rng;       /* xorshift state for the randomisation */
};

/* Politeness state of one host (embedded in the frontier's host). */
struct throttle_host {
    int64_t next_ok_ms; /* earliest start of the next request */
    unsigned in_flight;
    int delay_ms;       /* override, or -1 for the global delay */
    int limit;          /* override, or -1 for the global per_host */
    unsigned floor_ms;  /* the site's own minimum (robots Crawl-delay) */
    bool paused;        /* by the user */
    bool hold;          /* by the engine: waiting for robots.txt */
};

void throttle_init(struct throttle *t, unsigned delay_ms, unsigned per_host,
                   bool randomize, uint64_t seed);
void throttle_host_init(struct throttle_host *h);

/* Effective delay (never below floor_ms) and in-flight limit of h. */
unsigned throttle_delay(const struct throttle *t, const struct throttle_host *h);
unsigned throttle_limit(const struct throttle *t, const struct throttle_host *h);

/* Earliest time a request to h may start; INT64_MAX while h is paused, held or
 * at its in-flight limit (that changes only through throttle_finished or a
 * new limit). */
int64_t throttle_ready_at(const struct throttle *t,
                          const struct throttle_host *h);
bool throttle_ready(const struct throttle *t, const struct throttle_host *h,
                    int64_t now_ms);

/* A request to h starts at now_ms: count it and schedule the next start
 * one (possibly randomised) delay later. */
void throttle_started(struct throttle *t, struct throttle_host *h,
                      int64_t now_ms);
/* A request to h has finished. */
void throttle_finished(struct throttle_host *h);

#endif
