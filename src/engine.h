/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the crawl: owns frontier, throttle, store and the fetch pool,
 * runs in its own thread, and publishes a stats snapshot.
 *
 * Thread: engine_new/engine_start/engine_join/engine_free from main only;
 * engine_snapshot and every engine_set_* / engine_pause* / engine_stop are
 * thread-safe (the ui calls them) and take effect in the engine within a
 * few milliseconds.
 */
#ifndef CRAWLTOP_ENGINE_H
#define CRAWLTOP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct engine;

/* Sizes of the fixed arrays in a snapshot. */
#define ENGINE_MAX_THREADS 1024 /* = CONFIG_MAX_CONCURRENCY */
#define ENGINE_MAX_HOSTS 512    /* hosts shown; the busiest first */
#define ENGINE_HOST_LEN 128
#define ENGINE_URL_LEN 256      /* URLs in a snapshot are cut to this */
#define ENGINE_RATE_SAMPLES 120 /* pages per second, one per second */
#define ENGINE_LOG_LINES 64
#define ENGINE_LOG_LEN 200

enum worker_state {
    WORKER_IDLE = 0,   /* waiting for a job */
    WORKER_CONNECTING, /* request sent, no byte received yet */
    WORKER_TRANSFERRING,
    WORKER_PARSING,
    WORKER_PARKED,     /* surplus after concurrency was lowered */
    WORKER_STOPPED,    /* not started yet, or exited */
};

enum engine_phase {
    PHASE_STARTING = 0,
    PHASE_RUNNING,
    PHASE_PAUSED,
    PHASE_STOPPING, /* stop asked; in-flight requests finishing */
    PHASE_DONE,
};

struct worker_stats {
    enum worker_state state;
    char host[ENGINE_HOST_LEN];
    char url[ENGINE_URL_LEN];
    int64_t busy_ms;     /* time on the current request, 0 when idle */
    uint64_t requests;   /* completed by this worker */
};

struct host_stats {
    char key[ENGINE_HOST_LEN]; /* scheme://host:port */
    unsigned in_flight;
    unsigned limit;            /* per-host concurrency */
    uint64_t done;             /* pages completed */
    uint64_t queued;
    uint64_t errors;           /* no response, or error recorded */
    uint64_t retries;          /* retries scheduled */
    uint64_t status[5];        /* 1xx..5xx counts; [0] holds 1xx */
    unsigned avg_ms, p95_ms;   /* latency of recent requests */
    unsigned delay_ms;         /* effective delay */
    double pages_per_min;      /* over the last minute */
    bool paused;
    int64_t ready_in_ms;       /* >0: waiting (delay, Retry-After, robots) */
    char robots[8];            /* robots.txt: off, wait, fetch, ok, none,
                                  error, gone (given up) */
};

struct engine_stats {
    enum engine_phase phase;
    int64_t elapsed_ms;
    uint64_t pages_done;    /* pages recorded (any outcome) */
    uint64_t queued;        /* in the frontier (memory and database) */
    uint64_t known;         /* URLs known (url rows) */
    unsigned in_flight;
    uint64_t errors;        /* pages with error set */
    uint64_t retries;       /* retries scheduled */
    uint64_t retry_pending; /* URLs waiting for their retry */
    uint64_t robots_skipped; /* URLs not fetched because of robots.txt */
    uint64_t status[5];     /* responses by class 1xx..5xx */
    uint64_t bytes;         /* body bytes received */
    uint64_t links;         /* link rows recorded */
    double pages_per_s;     /* over the last second or so */
    double bytes_per_s;
    unsigned rate_n;                     /* samples in rate[] */
    float rate[ENGINE_RATE_SAMPLES];     /* pages/s, oldest first */
    unsigned concurrency;   /* target fetchers */
    unsigned active;        /* fetchers not parked */
    unsigned per_domain;    /* default per-host concurrency */
    unsigned delay_ms;      /* global per-host delay */
    unsigned n_threads;     /* entries in threads[] */
    struct worker_stats threads[ENGINE_MAX_THREADS];
    unsigned n_hosts;       /* entries in hosts[] */
    uint64_t hosts_total;   /* hosts known (may exceed n_hosts) */
    struct host_stats hosts[ENGINE_MAX_HOSTS];
    unsigned log_n;         /* entries in log[], oldest first */
    uint64_t log_seq;       /* total events ever logged */
    char log[ENGINE_LOG_LINES][ENGINE_LOG_LEN]; /* control chars removed */
};

/* Build an engine for cfg (borrowed; must outlive the engine): opens the
 * store, compiles patterns, queues the seeds. NULL on failure with a
 * one-line message in *cause for the caller to free. */
struct engine *engine_new(const struct config *cfg, char **cause);
void engine_free(struct engine *e);

/* Start the engine thread (and the fetchers). 0 or -1. */
int engine_start(struct engine *e);
/* Wait until the crawl ends (frontier empty, max pages, or stopped). */
void engine_join(struct engine *e);

/* Copy the current stats into out (plain data; nothing stays shared). */
void engine_snapshot(struct engine *e, struct engine_stats *out);

/* Live limits. Values are clamped to their valid range. */
void engine_set_concurrency(struct engine *e, unsigned n);
void engine_set_delay(struct engine *e, unsigned delay_ms);
void engine_set_per_domain(struct engine *e, unsigned n);
/* Per-host overrides; host is a key as in host_stats.key. */
void engine_set_host_delay(struct engine *e, const char *host,
                           unsigned delay_ms);
void engine_set_host_limit(struct engine *e, const char *host, unsigned n);
void engine_pause_host(struct engine *e, const char *host, bool paused);
/* Pause: in-flight requests finish, nothing new starts. */
void engine_pause(struct engine *e, bool paused);
/* Graceful stop: nothing new starts; in-flight requests get grace_ms to
 * finish, then are aborted; everything is committed. Idempotent. */
void engine_stop(struct engine *e, int64_t grace_ms);

/* Final figures as one line of JSON (no newline) into out. */
void engine_summary_json(struct engine *e, char *out, size_t outsz);

/* Append a line to the event log shown by the dashboard (thread-safe;
 * control characters are removed). */
void engine_log(struct engine *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
