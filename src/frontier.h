/* SPDX-License-Identifier: MIT */
/*
 * frontier.h - URLs waiting to be fetched (the engine's in-memory window of
 * them): one priority queue per host (depth first or breadth first, then
 * discovery order), handed out once the host's politeness rules allow.
 *
 * Thread: engine only. No locks inside. Time is always a parameter.
 */
#ifndef CRAWLTOP_FRONTIER_H
#define CRAWLTOP_FRONTIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "throttle.h"

struct frontier;
struct frontier_ip;
struct robots;

/* Per-host counters the engine keeps for the dashboard. */
#define FRONTIER_LAT_SAMPLES 64
struct host_counters {
    uint64_t done, errors, retries;
    uint64_t status[5];                  /* 1xx..5xx */
    unsigned lat_ms[FRONTIER_LAT_SAMPLES]; /* ring of recent latencies */
    unsigned lat_n;                      /* samples ever added */
    int64_t minute_start_ms;             /* pages-per-minute window */
    uint64_t minute_done, last_minute_done;
};

/* A host: politeness state, counters, and its queue (private). */
struct frontier_host {
    char *key;                 /* scheme://host:port */
    struct throttle_host pol;  /* politeness state */
    struct host_counters c;
    size_t queued;             /* URLs waiting */
    /* robots.txt, managed by the engine */
    struct robots *robots;     /* rules in force (owned), NULL before any */
    int robots_state;          /* the engine's enum host_robots */
    int64_t robots_expires_ms; /* fetch again after this */
    unsigned robots_failures;  /* consecutive unreachable fetches */
    struct frontier_ip *ip;    /* its address's bucket, NULL unknown */
    /* private below */
    struct frontier_entry **heap;
    size_t heap_cap;
    size_t ready_pos;          /* index in the ready heap, or SIZE_MAX */
    uint64_t last_take;        /* frontier-wide take counter at its last take */
};

/* One URL waiting (or being fetched, once taken). */
struct frontier_entry {
    char *url;                 /* normalised */
    int64_t id;                /* url id (row of the url table) */
    int64_t referrer;          /* id of the page that linked here, 0 none */
    unsigned depth;
    unsigned attempt;          /* 1 for the first request, then retries */
    uint64_t seq;              /* discovery order */
    struct frontier_host *host;
};

enum frontier_order { FRONTIER_BFS = 0, FRONTIER_DFS = 1 };

/* t is borrowed and must outlive the frontier. */
struct frontier *frontier_new(struct throttle *t, enum frontier_order order);
void frontier_free(struct frontier *f);

/* Queue url (copied) under host_key (copied). The caller has checked that
 * it is new. */
void frontier_push(struct frontier *f, const char *host_key, const char *url,
                   int64_t id, int64_t referrer, unsigned depth);

/* Next entry whose host may be contacted at now_ms, counted as started in
 * its host's politeness state; the caller owns it (frontier_entry_free).
 * NULL if none is ready, with *wait_ms the time until one is, or -1 when no
 * host will be ready before a request finishes or a limit changes. */
struct frontier_entry *frontier_take(struct frontier *f, int64_t now_ms,
                                     int64_t *wait_ms);
/* Take every URL queued under h, whatever its politeness state, handing
 * each to fn (which owns it). */
void frontier_drain_host(struct frontier *f, struct frontier_host *h,
                         void (*fn)(void *arg, struct frontier_entry *e),
                         void *arg);

/* As frontier_take, but only a retry (attempt > 1) whose host is ready at
 * now_ms; NULL if none. For when no new page may start. */
struct frontier_entry *frontier_take_retry(struct frontier *f, int64_t now_ms);
/* The request of an entry taken from h finished. */
void frontier_finished(struct frontier *f, struct frontier_host *h);

void frontier_entry_free(struct frontier_entry *e);

/* Queue e again under its host (a retry, e->attempt > 1): retries come
 * out of a host before its new URLs. Takes ownership of e. */
void frontier_requeue(struct frontier *f, struct frontier_entry *e);

/* URLs waiting in all hosts. */
size_t frontier_queued(const struct frontier *f);

/* Hosts, for stats and live changes. Valid until the next push. */
size_t frontier_host_count(const struct frontier *f);
struct frontier_host *frontier_host_at(struct frontier *f, size_t i);
struct frontier_host *frontier_host_find(struct frontier *f, const char *key);
/* Get or create the host for key. */
struct frontier_host *frontier_host_get(struct frontier *f, const char *key);
/* Record that h's server is at address ip (copied): with a per-IP limit,
 * h then shares that address's budget and delay with its other hosts. The
 * first address recorded for a host stays. */
void frontier_host_set_ip(struct frontier *f, struct frontier_host *h,
                          const char *ip);
/* The address recorded for h, or NULL. */
const char *frontier_host_ip(const struct frontier_host *h);

/* Call after changing a host's politeness state or the global throttle
 * (h NULL: every host). */
void frontier_host_changed(struct frontier *f, struct frontier_host *h);

#endif
