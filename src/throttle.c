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

void
throttle_init(struct throttle *t, unsigned delay_ms, unsigned per_host,
              bool randomize, uint64_t seed)
{
    t->delay_ms = delay_ms;
    t->per_host = per_host ? per_host : 1;
    t->randomize = randomize;
    t->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
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
    h->floor_ms = 0;
}

unsigned
throttle_delay(const struct throttle *t, const struct throttle_host *h)
{
    unsigned d = h->delay_ms >= 0 ? (unsigned)h->delay_ms : t->delay_ms;

    return d > h->floor_ms ? d : h->floor_ms;
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
}

void
throttle_finished(struct throttle_host *h)
{
    if (h->in_flight > 0)
        h->in_flight--;
}
