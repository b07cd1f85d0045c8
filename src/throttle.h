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

/* Politeness shared by the hosts of one IP address (--per-ip). */
struct throttle_bucket {
    unsigned in_flight;  /* requests to any of its hosts */
    int64_t next_ok_ms;  /* earliest next start to any of its hosts */
};

/* Global defaults, changed live by the engine. */
struct throttle {
    unsigned delay_ms;  /* gap between two starts to one host */
    unsigned per_host;  /* in flight per host */
    bool randomize;     /* actual gap uniform in [0.5, 1.5] x delay */
    uint64_t rng;       /* xorshift state for the randomisation */
    unsigned per_ip;    /* in flight per IP address; 0: no such limit */
    /* adaptive throttle (off unless autothrottle) */
    bool autothrottle;
    double at_target;      /* requests in flight wanted per host */
    unsigned at_start_ms;  /* delay of a host before any response */
    unsigned at_max_ms;    /* never slower than this */
};

/* Politeness state of one host (embedded in the frontier's host). */
struct throttle_host {
    int64_t next_ok_ms; /* earliest start of the next request */
    unsigned in_flight;
    int delay_ms;       /* override, or -1 for the global delay */
    int limit;          /* override, or -1 for the global per_host */
    unsigned floor_ms;  /* the site's own minimum (robots Crawl-delay) */
    unsigned auto_ms;   /* adaptive delay, when autothrottle is on */
    int64_t backoff_ms; /* time of the last 429/503 (adaptive throttle) */
    double learned_ms;  /* adaptive floor learnt from 429/503s; decays */
    int64_t ok_sec;     /* second of ok_now (now_ms / 1000) */
    unsigned ok_now, ok_prev; /* 200s in that second and the one before */
    struct throttle_bucket *bucket; /* its IP's (per_ip), NULL unknown */
    bool paused;        /* by the user */
    bool hold;          /* by the engine: waiting for robots.txt */
};

void throttle_init(struct throttle *t, unsigned delay_ms, unsigned per_host,
                   bool randomize, uint64_t seed);
void throttle_host_init(struct throttle_host *h);

/* Effective delay (never below floor_ms) and in-flight limit of h. */
unsigned throttle_delay(const struct throttle *t, const struct throttle_host *h);
unsigned throttle_limit(const struct throttle *t, const struct throttle_host *h);

/* Earliest time a request to h may start; INT64_MAX while h is paused, held,
 * while its IP is at the per-IP limit (or, with per_ip on, while its IP is
 * unknown and one request is already out to learn it), or
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

/* Make h share b's budget from now on (its requests in flight move to b).
 * Does nothing if h has a bucket already. */
void throttle_join_bucket(struct throttle_host *h, struct throttle_bucket *b);

/* Enable the adaptive throttle: per-host delay steered towards
 * latency / target, starting at start_ms, at most max_ms. */
void throttle_set_auto(struct throttle *t, double target, unsigned start_ms,
                       unsigned max_ms);

/* Adaptive throttle: a response with status (0: none) took latency_ms.
 * AutoThrottle's rule (delay moves halfway to latency / target, never
 * below that, never below the configured delay, never above the maximum;
 * only a 200 may lower it), plus: a 429 or 503 doubles the delay at once
 * (once per cool-down: the answers to requests already sent, or in the
 * same limiter window, do not count),
 * remembers as a floor the pace the server was seen to accept, 1.1x the
 * gap between the 200s of the last whole second, which decays by
 * 0.3 % per good response, to probe again slowly), and after one the delay
 * comes down by at most 2 % per response and not at all for the next 5
 * delays' time (1 s at least, 5 s at most), so a recovering host speeds up
 * gradually
 * without oscillating. No effect when autothrottle is off. */
void throttle_observe(const struct throttle *t, struct throttle_host *h,
                      int64_t latency_ms, int status, int64_t now_ms);

#endif
