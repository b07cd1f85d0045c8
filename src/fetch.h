/* SPDX-License-Identifier: MIT */
/*
 * fetch.h - the pool of fetcher threads: each owns one libcurl easy handle
 * (keep-alive across requests), takes jobs from the jobs queue, fetches,
 * extracts links from HTML, and pushes the job to the results queue.
 *
 * Thread: fetch_pool_new/stop/free from the engine thread; status and
 * target functions are thread-safe. The only <curl/curl.h> user.
 */
#ifndef CRAWLTOP_FETCH_H
#define CRAWLTOP_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

struct config;
struct extractor;
struct robots;
struct scope;
struct queue;
struct fetch_pool;

/* A link found on a fetched page. */
struct fetch_link {
    int64_t hash;    /* url_hash(url) */
    size_t url_off;  /* offset of the URL in the job's arena */
    size_t rel_off;  /* offset of the rel value, or SIZE_MAX */
    bool follow;     /* in scope, and a link we crawl (see fetch.c) */
};

/* One request: filled in by the engine, completed by a worker. */
struct fetch_job {
    /* in: set by the engine */
    char *url;                /* normalised; owned */
    int64_t id;
    int64_t referrer;
    unsigned depth;
    unsigned attempt;         /* 1 for the first try */
    bool is_robots;           /* a host's /robots.txt, not a page */
    void *host;               /* engine's handle for the host (opaque) */
    char host_key[ENGINE_HOST_LEN];
    /* out: set by the worker */
    int status;               /* HTTP status, 0 if no response */
    char *final_url;          /* owned; NULL if no response */
    char *content_type;       /* owned; NULL if none */
    char *title;              /* owned; NULL if none or not HTML */
    char *error;              /* owned; NULL on success: "word: detail" */
    int64_t bytes;            /* body bytes received (decoded) */
    int64_t retry_after_s;    /* Retry-After of the response, 0 if none */
    char ip[48];              /* server address of the last hop, or "" */
    int64_t elapsed_ms;
    int64_t ttfb_ms;          /* until the first response byte, -1 if none */
    char fetched_at[32];      /* ISO 8601 UTC of the start */
    struct fetch_link *links; /* n_links of them, distinct urls */
    size_t n_links;
    size_t links_dropped;
    char *arena;              /* strings of links[] */
    size_t arena_len;
    struct robots *robots;    /* parsed rules of a 2xx robots.txt; owned */
};

void fetch_job_free(struct fetch_job *job);

/* Start no thread yet; threads start as fetch_pool_set_target asks.
 * Everything borrowed must outlive the pool. NULL with *cause on error. */
struct fetch_pool *fetch_pool_new(const struct config *cfg,
                                  const struct extractor *x,
                                  const struct scope *sc, struct queue *jobs,
                                  struct queue *results, char **cause);

/* Run n fetchers (1..ENGINE_MAX_THREADS): start threads or wake parked
 * ones; surplus ones park after their current request. Thread-safe. */
void fetch_pool_set_target(struct fetch_pool *p, unsigned n);

/* Make every transfer in progress fail now (with error "aborted").
 * Thread-safe. */
void fetch_pool_abort(struct fetch_pool *p);

/* Copy the workers' states into out (at most max), *n set to the number of
 * threads, *active to those not parked. Thread-safe. */
void fetch_pool_status(struct fetch_pool *p, struct worker_stats *out,
                       unsigned max, unsigned *n, unsigned *active);

/* Join every thread. The caller must have closed the jobs queue. */
void fetch_pool_stop(struct fetch_pool *p);
void fetch_pool_free(struct fetch_pool *p);

/* curl_global_init; call from main before any thread. 0 or -1. */
int fetch_global_init(void);
void fetch_global_cleanup(void);

#endif
