/* SPDX-License-Identifier: MIT */
/*
 * throttle.c - per-host politeness arithmetic (Scrapy's DOWNLOAD_DELAY,
 * RANDOMIZE_DOWNLOAD_DELAY and CONCURRENT_REQUESTS_PER_DOMAIN).
 *
 * DESIGN: the delay is measured between request starts, as Scrapy does, and
 * a changed delay applies from the next start on; a limit change applies at
 * once because readiness is computed from in_flight every time.
 */
#include "throttle.h"

#include <stddef.h>

void
throttle_init(struct throttle *t, unsigned delay_ms, unsigned per_host,
              bool randomize, uint64_t seed)
{
    t->delay_ms = delay_ms;
    t->per_host = per_host ? per_host : 1;
    t->randomize = randomize;
    t->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
    t->per_ip = 0;
    t->autothrottle = false;
    t->at_target = 1.0;
    t->at_start_ms = t->at_max_ms = 0;
}

void
throttle_host_init(struct throttle_host *h)
{
    h->next_ok_ms = 0;
    h->in_flight = 0;
    h->delay_ms = -1;
    h->limit = -1;
    h->paused = false;
    h->hold = false;
    h->bucket = NULL;
    h->floor_ms = 0;
    h->auto_ms = 0;
    h->backoff_ms = INT64_MIN / 2;
    h->learned_ms = 0;
    h->ok_sec = -1;
    h->ok_now = h->ok_prev = 0;
}

void
throttle_set_auto(struct throttle *t, double target, unsigned start_ms,
                  unsigned max_ms)
{
    t->autothrottle = true;
    t->at_target = target > 0.01 ? target : 0.01;
    t->at_start_ms = start_ms;
    t->at_max_ms = max_ms > start_ms ? max_ms : start_ms;
}

/* The configured delay of h: its own, else the global one; never below the
 * site's Crawl-delay. */
static unsigned
base_delay(const struct throttle *t, const struct throttle_host *h)
{
    unsigned d = h->delay_ms >= 0 ? (unsigned)h->delay_ms : t->delay_ms;

    return d > h->floor_ms ? d : h->floor_ms;
}

unsigned
throttle_delay(const struct throttle *t, const struct throttle_host *h)
{
    unsigned d = base_delay(t, h);

    if (t->autothrottle && h->auto_ms > d)
        d = h->auto_ms;
    return d;
}

/* Count a 200 in its second. */
static void
count_ok(struct throttle_host *h, int64_t now_ms)
{
    int64_t sec = now_ms / 1000;

    if (sec != h->ok_sec) {
        h->ok_prev = sec == h->ok_sec + 1 ? h->ok_now : 0;
        h->ok_now = 0;
        h->ok_sec = sec;
    }
    h->ok_now++;
}

/* 200s seen over the last whole second: what the server accepts. */
static unsigned
ok_last_second(const struct throttle_host *h, int64_t now_ms)
{
    int64_t sec = now_ms / 1000;

    if (sec == h->ok_sec)
        return h->ok_prev > h->ok_now ? h->ok_prev : h->ok_now;
    if (sec == h->ok_sec + 1)
        return h->ok_now;
    return 0;
}

/* Within five delays (at least 1 s: a fixed-window limiter refuses until
 * its window ends; at most 5 s) of the last 429/503. */
static bool
cooling(const struct throttle_host *h, double cur, int64_t now_ms)
{
    int64_t since = now_ms - h->backoff_ms;

    return since < 1000 || (since < 5 * (int64_t)cur && since < 5000);
}

void
throttle_observe(const struct throttle *t, struct throttle_host *h,
                 int64_t latency_ms, int status, int64_t now_ms)
{
    double cur, target, next;
    unsigned lo = base_delay(t, h);

    if (!t->autothrottle)
        return;
    if (status == 200)
        count_ok(h, now_ms);
    cur = h->auto_ms;
    if (status == 429 || status == 503) {
        /* the server says slow down: believe it now, not on average; but
         * once per cool-down, since the requests sent before the first 429
         * (or in the same limiter window) answer with 429s too */
        if (cooling(h, cur, now_ms))
            return;
        next = cur * 2 > t->at_start_ms ? cur * 2 : t->at_start_ms;
        if (next < 1)
            next = 1;
        {
            /* remember the pace the server did accept */
            unsigned ok = ok_last_second(h, now_ms);
            double pace = ok >= 2 ? 1100.0 / ok : cur * 1.25;

            if (pace > h->learned_ms)
                h->learned_ms = pace;
        }
        h->backoff_ms = now_ms;
    } else {
        if (status <= 0 || latency_ms < 0)
            return; /* no response: latency says nothing */
        target = (double)latency_ms / t->at_target;
        next = (cur + target) / 2;
        if (next < target)
            next = target;
        if (next < cur) {
            /* error pages are small and fast: they must not speed us up */
            if (status != 200)
                return;
            if (cooling(h, cur, now_ms))
                return; /* cooling down after a 429/503 */
            if (next < cur * 0.98)
                next = cur * 0.98;
        }
        if (status == 200)
            h->learned_ms *= 0.998; /* probe a faster pace, slowly */
        if (next < h->learned_ms)
            next = h->learned_ms;
    }
    if (next > t->at_max_ms)
        next = t->at_max_ms;
    if (next < lo)
        next = lo;
    h->auto_ms = (unsigned)(next + 0.5);
}

unsigned
throttle_limit(const struct throttle *t, const struct throttle_host *h)
{
    return h->limit > 0 ? (unsigned)h->limit : t->per_host;
}

int64_t
throttle_ready_at(const struct throttle *t, const struct throttle_host *h)
{
    if (h->paused || h->hold || h->in_flight >= throttle_limit(t, h))
        return INT64_MAX;
    if (t->per_ip > 0) {
        const struct throttle_bucket *b = h->bucket;

        if (b == NULL)
            return h->in_flight > 0 ? INT64_MAX : h->next_ok_ms;
        if (b->in_flight >= t->per_ip)
            return INT64_MAX;
        return h->next_ok_ms > b->next_ok_ms ? h->next_ok_ms : b->next_ok_ms;
    }
    return h->next_ok_ms;
}

bool
throttle_ready(const struct throttle *t, const struct throttle_host *h,
               int64_t now_ms)
{
    return throttle_ready_at(t, h) <= now_ms;
}

static uint64_t
next_rand(struct throttle *t)
{
    uint64_t x = t->rng;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    t->rng = x;
    return x;
}

void
throttle_started(struct throttle *t, struct throttle_host *h, int64_t now_ms)
{
    int64_t gap = throttle_delay(t, h);

    if (t->randomize && gap > 0) {
        /* uniform in [0.5, 1.5] x delay, to the millisecond */
        gap = gap / 2 + (int64_t)(next_rand(t) % (uint64_t)(gap + 1));
    }
    h->in_flight++;
    h->next_ok_ms = now_ms + gap;
    if (h->bucket != NULL) {
        h->bucket->in_flight++;
        h->bucket->next_ok_ms = now_ms + gap;
    }
}

void
throttle_finished(struct throttle_host *h)
{
    if (h->in_flight > 0)
        h->in_flight--;
    if (h->bucket != NULL && h->bucket->in_flight > 0)
        h->bucket->in_flight--;
}

void
throttle_join_bucket(struct throttle_host *h, struct throttle_bucket *b)
{
    if (h->bucket != NULL)
        return; /* the first address learnt stays */
    h->bucket = b;
    b->in_flight += h->in_flight; /* they finish through the bucket now */
    if (h->next_ok_ms > b->next_ok_ms)
        b->next_ok_ms = h->next_ok_ms;
}
