/* SPDX-License-Identifier: MIT */
/*
 * frontier.c - per-host priority queues and the ready heap of hosts.
 *
 * DESIGN: every host with queued URLs sits in one indexed min-heap keyed by
 * throttle_ready_at() (INT64_MAX while at its limit or paused), so taking
 * the next URL is O(log hosts) and a host that must wait never hides a
 * host that is ready. Hosts with equal keys come out least recently served
 * first (a take counter breaks ties), so with no delay the hosts are
 * served round-robin even when many are taken at the same instant. Within a host a binary heap
 * orders URLs by (depth, discovery) for BFS or (-depth, -discovery) for
 * DFS. Which URLs are known is the engine's business (the url table).
 */
#include "frontier.h"

#include <stdlib.h>
#include <string.h>

#include "robots.h"
#include "url.h"
#include "util.h"

/* The hosts of one IP address and their shared politeness budget. */
struct frontier_ip {
    char *addr;
    struct throttle_bucket b;
    struct frontier_host **hosts;
    size_t n, cap;
};

struct frontier {
    struct throttle *t;
    struct frontier_ip **ips; /* few: a linear search is fine */
    size_t n_ips, cap_ips;
    enum frontier_order order;
    uint64_t seq;

    struct frontier_host **hosts; /* in creation order */
    size_t n_hosts, hosts_cap;
    struct frontier_host **hmap;  /* open addressing by key */
    size_t hmap_cap;

    struct frontier_host **ready; /* min-heap on ready key */
    size_t n_ready, ready_cap;
    size_t queued;
    uint64_t takes; /* counts frontier_take() hand-outs, for tie-breaks */
};

struct frontier *
frontier_new(struct throttle *t, enum frontier_order order)
{
    struct frontier *f = xcalloc(1, sizeof(*f));

    f->t = t;
    f->order = order;
    f->hmap_cap = 64;
    f->hmap = xcalloc(f->hmap_cap, sizeof(*f->hmap));
    return f;
}

void
frontier_entry_free(struct frontier_entry *e)
{
    if (e == NULL)
        return;
    free(e->url);
    free(e);
}

void
frontier_free(struct frontier *f)
{
    size_t i, j;

    if (f == NULL)
        return;
    for (i = 0; i < f->n_hosts; i++) {
        struct frontier_host *h = f->hosts[i];

        for (j = 0; j < h->queued; j++)
            frontier_entry_free(h->heap[j]);
        free(h->heap);
        free(h->key);
        robots_free(h->robots);
        free(h);
    }
    for (i = 0; i < f->n_ips; i++) {
        free(f->ips[i]->addr);
        free(f->ips[i]->hosts);
        free(f->ips[i]);
    }
    free(f->ips);
    free(f->hosts);
    free(f->hmap);
    free(f->ready);
    free(f);
}

/* --- per-host URL heap -------------------------------------------------- */

/* True if a comes out before b. */
static bool
entry_before(enum frontier_order order, const struct frontier_entry *a,
             const struct frontier_entry *b)
{
    if ((a->attempt > 1) != (b->attempt > 1))
        return a->attempt > 1; /* retries first: they were due already */
    if (order == FRONTIER_BFS) {
        if (a->depth != b->depth)
            return a->depth < b->depth;
        return a->seq < b->seq;
    }
    if (a->depth != b->depth)
        return a->depth > b->depth;
    return a->seq > b->seq;
}

static void
host_heap_push(struct frontier *f, struct frontier_host *h,
               struct frontier_entry *e)
{
    size_t i;

    if (h->queued == h->heap_cap) {
        h->heap_cap = h->heap_cap ? h->heap_cap * 2 : 16;
        h->heap = xrealloc(h->heap, h->heap_cap * sizeof(*h->heap));
    }
    i = h->queued++;
    while (i > 0) {
        size_t p = (i - 1) / 2;

        if (!entry_before(f->order, e, h->heap[p]))
            break;
        h->heap[i] = h->heap[p];
        i = p;
    }
    h->heap[i] = e;
}

static struct frontier_entry *
host_heap_pop(struct frontier *f, struct frontier_host *h)
{
    struct frontier_entry *top = h->heap[0], *last;
    size_t i = 0, n;

    n = --h->queued;
    if (n == 0)
        return top;
    last = h->heap[n];
    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= n)
            break;
        if (c + 1 < n && entry_before(f->order, h->heap[c + 1], h->heap[c]))
            c++;
        if (!entry_before(f->order, h->heap[c], last))
            break;
        h->heap[i] = h->heap[c];
        i = c;
    }
    h->heap[i] = last;
    return top;
}

/* --- ready heap of hosts ------------------------------------------------ */

static int64_t
ready_key(const struct frontier *f, const struct frontier_host *h)
{
    return throttle_ready_at(f->t, &h->pol);
}

/* True if host a comes out before b: earlier ready time, then the one
 * served least recently (round-robin among hosts ready at once). */
static bool
host_before(const struct frontier *f, const struct frontier_host *a,
            const struct frontier_host *b)
{
    int64_t ka = ready_key(f, a), kb = ready_key(f, b);

    if (ka != kb)
        return ka < kb;
    return a->last_take < b->last_take;
}

static void
ready_set(struct frontier *f, size_t i, struct frontier_host *h)
{
    f->ready[i] = h;
    h->ready_pos = i;
}

static void
ready_up(struct frontier *f, size_t i)
{
    struct frontier_host *h = f->ready[i];

    while (i > 0) {
        size_t p = (i - 1) / 2;

        if (!host_before(f, h, f->ready[p]))
            break;
        ready_set(f, i, f->ready[p]);
        i = p;
    }
    ready_set(f, i, h);
}

static void
ready_down(struct frontier *f, size_t i)
{
    struct frontier_host *h = f->ready[i];

    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= f->n_ready)
            break;
        if (c + 1 < f->n_ready && host_before(f, f->ready[c + 1], f->ready[c]))
            c++;
        if (!host_before(f, f->ready[c], h))
            break;
        ready_set(f, i, f->ready[c]);
        i = c;
    }
    ready_set(f, i, h);
}

static void
ready_insert(struct frontier *f, struct frontier_host *h)
{
    if (f->n_ready == f->ready_cap) {
        f->ready_cap = f->ready_cap ? f->ready_cap * 2 : 16;
        f->ready = xrealloc(f->ready, f->ready_cap * sizeof(*f->ready));
    }
    ready_set(f, f->n_ready++, h);
    ready_up(f, h->ready_pos);
}

static void
ready_remove(struct frontier *f, struct frontier_host *h)
{
    struct frontier_host *moved;
    size_t i = h->ready_pos;

    h->ready_pos = SIZE_MAX;
    if (--f->n_ready == i)
        return;
    moved = f->ready[f->n_ready];
    ready_set(f, i, moved);
    ready_down(f, i);
    ready_up(f, moved->ready_pos);
}

/* Restore h's place after its key changed. */
static void
ready_fix(struct frontier *f, struct frontier_host *h)
{
    if (h->ready_pos == SIZE_MAX)
        return;
    ready_up(f, h->ready_pos);
    ready_down(f, h->ready_pos);
}

/* After h's politeness changed: restore its place, and its IP siblings'
 * (their readiness depends on the shared bucket). */
static void
fix_host(struct frontier *f, struct frontier_host *h)
{
    size_t i;

    if (h->ip == NULL || f->t->per_ip == 0) {
        ready_fix(f, h);
        return;
    }
    for (i = 0; i < h->ip->n; i++)
        ready_fix(f, h->ip->hosts[i]);
}

/* --- hosts -------------------------------------------------------------- */

static size_t
hmap_slot(const struct frontier *f, const char *key)
{
    size_t i = (size_t)url_hash(key, strlen(key)) & (f->hmap_cap - 1);

    while (f->hmap[i] != NULL && strcmp(f->hmap[i]->key, key) != 0)
        i = (i + 1) & (f->hmap_cap - 1);
    return i;
}

struct frontier_host *
frontier_host_find(struct frontier *f, const char *key)
{
    return f->hmap[hmap_slot(f, key)];
}

struct frontier_host *
frontier_host_get(struct frontier *f, const char *key)
{
    size_t slot = hmap_slot(f, key);
    struct frontier_host *h = f->hmap[slot];

    if (h != NULL)
        return h;
    h = xcalloc(1, sizeof(*h));
    h->key = xstrdup(key);
    h->ready_pos = SIZE_MAX;
    throttle_host_init(&h->pol);
    if (f->t->autothrottle)
        h->pol.auto_ms = f->t->at_start_ms;
    if (f->n_hosts == f->hosts_cap) {
        f->hosts_cap = f->hosts_cap ? f->hosts_cap * 2 : 16;
        f->hosts = xrealloc(f->hosts, f->hosts_cap * sizeof(*f->hosts));
    }
    f->hosts[f->n_hosts++] = h;
    if (f->n_hosts * 2 > f->hmap_cap) {
        size_t i;

        free(f->hmap);
        f->hmap_cap *= 2;
        f->hmap = xcalloc(f->hmap_cap, sizeof(*f->hmap));
        for (i = 0; i < f->n_hosts; i++)
            f->hmap[hmap_slot(f, f->hosts[i]->key)] = f->hosts[i];
    } else {
        f->hmap[slot] = h;
    }
    return h;
}

void
frontier_host_set_ip(struct frontier *f, struct frontier_host *h,
                     const char *ip)
{
    struct frontier_ip *b = NULL;
    size_t i;

    /* addresses matter only to --per-ip: without it, no bookkeeping
     * (a linear search of the addresses per new host) */
    if (f->t->per_ip == 0 || h->ip != NULL || ip == NULL || *ip == '\0')
        return;
    for (i = 0; i < f->n_ips && b == NULL; i++)
        if (strcmp(f->ips[i]->addr, ip) == 0)
            b = f->ips[i];
    if (b == NULL) {
        b = xcalloc(1, sizeof(*b));
        b->addr = xstrdup(ip);
        if (f->n_ips == f->cap_ips) {
            f->cap_ips = f->cap_ips ? f->cap_ips * 2 : 8;
            f->ips = xrealloc(f->ips, f->cap_ips * sizeof(*f->ips));
        }
        f->ips[f->n_ips++] = b;
    }
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 4;
        b->hosts = xrealloc(b->hosts, b->cap * sizeof(*b->hosts));
    }
    b->hosts[b->n++] = h;
    h->ip = b;
    throttle_join_bucket(&h->pol, &b->b);
    fix_host(f, h);
}

const char *
frontier_host_ip(const struct frontier_host *h)
{
    return h->ip != NULL ? h->ip->addr : NULL;
}

size_t
frontier_host_count(const struct frontier *f)
{
    return f->n_hosts;
}

struct frontier_host *
frontier_host_at(struct frontier *f, size_t i)
{
    return i < f->n_hosts ? f->hosts[i] : NULL;
}

void
frontier_host_changed(struct frontier *f, struct frontier_host *h)
{
    size_t i;

    if (h != NULL) {
        fix_host(f, h);
        return;
    }
    /* every key may have moved: heapify bottom-up */
    for (i = f->n_ready / 2; i-- > 0;)
        ready_down(f, i);
}

/* --- queue -------------------------------------------------------------- */

void
frontier_push(struct frontier *f, const char *host_key, const char *url,
              int64_t id, int64_t referrer, unsigned depth)
{
    struct frontier_host *h = frontier_host_get(f, host_key);
    struct frontier_entry *e = xmalloc(sizeof(*e));

    e->url = xstrdup(url);
    e->id = id;
    e->referrer = referrer;
    e->depth = depth;
    e->attempt = 1;
    e->seq = f->seq++;
    e->host = h;
    host_heap_push(f, h, e);
    f->queued++;
    if (h->ready_pos == SIZE_MAX)
        ready_insert(f, h);
}

void
frontier_drain_host(struct frontier *f, struct frontier_host *h,
                    void (*fn)(void *arg, struct frontier_entry *e), void *arg)
{
    while (h->queued > 0) {
        struct frontier_entry *e = host_heap_pop(f, h);

        f->queued--;
        fn(arg, e);
    }
    if (h->ready_pos != SIZE_MAX)
        ready_remove(f, h);
}

void
frontier_requeue(struct frontier *f, struct frontier_entry *e)
{
    struct frontier_host *h = e->host;

    host_heap_push(f, h, e);
    f->queued++;
    if (h->ready_pos == SIZE_MAX)
        ready_insert(f, h);
}

/* Hand out h's next URL at now_ms, counted as started. */
static struct frontier_entry *
take_from(struct frontier *f, struct frontier_host *h, int64_t now_ms)
{
    struct frontier_entry *e = host_heap_pop(f, h);

    f->queued--;
    throttle_started(f->t, &h->pol, now_ms);
    h->last_take = ++f->takes;
    if (h->queued == 0)
        ready_remove(f, h);
    fix_host(f, h);
    return e;
}

struct frontier_entry *
frontier_take(struct frontier *f, int64_t now_ms, int64_t *wait_ms)
{
    struct frontier_host *h;
    int64_t k;

    if (f->n_ready == 0) {
        *wait_ms = -1;
        return NULL;
    }
    h = f->ready[0];
    k = ready_key(f, h);
    if (k > now_ms) {
        *wait_ms = k == INT64_MAX ? -1 : k - now_ms;
        return NULL;
    }
    *wait_ms = 0;
    return take_from(f, h, now_ms);
}

struct frontier_entry *
frontier_take_retry(struct frontier *f, int64_t now_ms)
{
    size_t i;

    /* linear, but only used once the page budget is spent */
    for (i = 0; i < f->n_ready; i++) {
        struct frontier_host *h = f->ready[i];

        if (h->heap[0]->attempt <= 1 || ready_key(f, h) > now_ms)
            continue;
        return take_from(f, h, now_ms);
    }
    return NULL;
}

void
frontier_finished(struct frontier *f, struct frontier_host *h)
{
    throttle_finished(&h->pol);
    fix_host(f, h);
}

size_t
frontier_queued(const struct frontier *f)
{
    return f->queued;
}
