/* SPDX-License-Identifier: MIT */
/*
 * engine.c - the crawl loop.
 *
 * DESIGN: one engine thread owns the frontier, the throttle and the store;
 * nobody else touches them, so they need no locks. The loop: apply the
 * control changes the ui asked for, hand ready URLs to the fetchers (never
 * more than `concurrency` in flight, never a host over its limit or before
 * its delay), then wait on the inbox for finished jobs, at most until the
 * earliest host becomes ready. Finished jobs are written to SQLite in
 * batched transactions (committed every ENGINE_COMMIT_MS), their new links
 * are queued, and the stats block is published for engine_snapshot().
 *
 * Locks: ctl_lock guards the control requests from other threads;
 * stats_lock guards the published stats and the event log. Neither is held
 * across I/O.
 */
#include "engine.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "extract.h"
#include "fetch.h"
#include "frontier.h"
#include "seen.h"
#include "queue.h"
#include "robots.h"
#include "scope.h"
#include "store.h"
#include "throttle.h"
#include "url.h"
#include "util.h"

#define ENGINE_COMMIT_MS 250     /* longest a finished page waits for disk */
#define ENGINE_COMMIT_PAGES 4000 /* or this many pages, whichever first */
#define ENGINE_PREFETCH 4        /* links looked ahead in the seen-set */
#define ENGINE_PUBLISH_MS 100    /* stats refresh for the ui */
#define ROBOTS_TTL_MS (24 * 3600 * 1000LL) /* RFC 9309: cache up to 24 h */
#define ROBOTS_RETRY_MAX_MS (3600 * 1000LL) /* unreachable: retry at most hourly */

/* Robots.txt state of a host (frontier_host.robots_state). */
enum host_robots {
    HR_UNKNOWN = 0, /* not fetched yet (or expired, or to retry) */
    HR_FETCHING,    /* request in flight; the host is held */
    HR_OK,          /* rules from a 2xx robots.txt */
    HR_NONE,        /* 4xx or too many redirects: everything allowed */
    HR_ERROR,       /* 5xx or unreachable: nothing allowed, retry later */
    HR_GAVE_UP,     /* unreachable past --retries: nothing fetched */
};

static const char *const host_robots_word[] = {
    [HR_UNKNOWN] = "wait", [HR_FETCHING] = "fetch", [HR_OK] = "ok",
    [HR_NONE] = "none",    [HR_ERROR] = "error", [HR_GAVE_UP] = "gone",
};

enum host_op_kind { HOST_DELAY, HOST_LIMIT, HOST_PAUSE };

struct host_op {
    enum host_op_kind kind;
    char key[ENGINE_HOST_LEN];
    unsigned value;
};

/* Requests from other threads, applied by the engine thread. */
struct ctl {
    bool set_concurrency, set_delay, set_per_domain, set_paused;
    unsigned concurrency, delay_ms, per_domain;
    bool paused;
    bool stop;
    int64_t stop_grace_ms;
    struct host_op *ops;
    size_t n_ops, cap_ops;
};

struct engine {
    const struct config *cfg;
    struct store *store;
    struct frontier *fr;
    struct throttle thr;
    struct scope *scope;
    struct extractor *x;
    struct queue *jobs;  /* engine -> fetchers */
    struct queue *inbox; /* fetchers -> engine; also wake-ups */
    struct fetch_pool *pool;
    pthread_t tid;
    bool started;

    pthread_mutex_t ctl_lock;
    struct ctl ctl; /* guarded by ctl_lock */

    pthread_mutex_t stats_lock;
    struct engine_stats *pub; /* guarded by stats_lock */

    /* engine thread only */
    enum engine_phase phase;
    unsigned concurrency;
    bool paused, stopping, aborted;
    int64_t t0, t_end, stop_deadline;
    unsigned in_flight;
    uint64_t dispatched, pages_done, errors, links, bytes;
    uint64_t status[5];
    uint64_t pending_pages; /* written since the last commit */
    int64_t last_commit, last_publish, last_sample;
    uint64_t sample_pages, sample_bytes;
    float rate[ENGINE_RATE_SAMPLES];
    unsigned rate_n;
    double pages_per_s, bytes_per_s;
    const char *outcome;
    char *store_error;
    struct seen *seen;   /* url hash -> url id */
    int64_t max_id;      /* last url id (discovery number) given */
    int64_t mem_id;      /* queued URLs up to here are (were) in memory */
    bool spilled;        /* queued URLs past mem_id wait in the db only */
    bool uncommitted;    /* url rows written since the last commit */
    uint64_t disk_queued; /* how many (exact while spilled) */
    uint64_t known;      /* url rows */
    struct retry *retry; /* min-heap on due time */
    size_t n_retry, cap_retry;
    uint64_t retries;    /* retries scheduled */
    uint64_t robots_skipped;
    size_t retry_queued; /* retries back in the frontier, not yet sent */
    uint64_t rng;        /* backoff jitter */
};

/* A URL waiting to be tried again. */
struct retry {
    int64_t due_ms;
    struct frontier_entry *e;
};

static char wake_token; /* pushed on the inbox to wake the engine */

/* --- event log ------------------------------------------------------------ */

static void
log_locked(struct engine *e, const char *msg)
{
    struct engine_stats *p = e->pub;
    unsigned i;

    if (p->log_n == ENGINE_LOG_LINES) {
        for (i = 1; i < ENGINE_LOG_LINES; i++)
            memcpy(p->log[i - 1], p->log[i], ENGINE_LOG_LEN);
        p->log_n--;
    }
    sanitize_text(msg, strlen(msg), p->log[p->log_n], ENGINE_LOG_LEN);
    p->log_n++;
    p->log_seq++;
}

void
engine_log(struct engine *e, const char *fmt, ...)
{
    char msg[ENGINE_LOG_LEN * 2];
    int64_t ms = now_ms() - e->t0;
    int n;
    va_list ap;

    n = snprintf(msg, sizeof(msg), "%02lld:%02lld ",
                 (long long)(ms / 60000 % 10000), (long long)(ms / 1000 % 60));
    if (n < 0 || (size_t)n >= sizeof(msg))
        n = 0;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&e->stats_lock);
    log_locked(e, msg);
    pthread_mutex_unlock(&e->stats_lock);
}

/* --- hosts and their addresses ----------------------------------------- */

/* The address --resolve gives for host_key ("scheme://host:port"), copied
 * to out; false if none. */
static bool
resolve_addr(const struct config *cfg, const char *host_key, char *out,
             size_t outsz)
{
    const char *hp = strstr(host_key, "://");
    size_t i, hlen;

    if (hp == NULL)
        return false;
    hp += 3; /* "host:port" */
    hlen = strlen(hp);
    for (i = 0; i < cfg->resolve.n; i++) {
        const char *r = cfg->resolve.v[i], *addr;
        size_t alen;

        if (*r == '+')
            r++;
        if (strncasecmp(r, hp, hlen) != 0 || r[hlen] != ':')
            continue;
        addr = r + hlen + 1;
        alen = strcspn(addr, ",");
        if (alen >= 2 && addr[0] == '[') { /* [v6] */
            addr++;
            alen = strcspn(addr, "]");
        }
        if (alen == 0 || alen >= outsz)
            return false;
        memcpy(out, addr, alen);
        out[alen] = '\0';
        return true;
    }
    return false;
}

/* Queue url under host_key; a host seen for the first time gets its
 * address from --resolve when that names it (otherwise from its first
 * response). */
static void
push_url(struct engine *e, const char *host_key, const char *url, int64_t id,
         int64_t referrer, unsigned depth)
{
    size_t hosts = frontier_host_count(e->fr);
    char addr[64];

    frontier_push(e->fr, host_key, url, id, referrer, depth);
    if (e->thr.per_ip > 0 && frontier_host_count(e->fr) != hosts &&
        resolve_addr(e->cfg, host_key, addr, sizeof(addr)))
        frontier_host_set_ip(e->fr, frontier_host_find(e->fr, host_key),
                             addr);
}

/* --- construction ------------------------------------------------------- */

static void store_failed(struct engine *e);

/* --- the seen-set and the frontier window --------------------------------- */

/* Record a new URL (seen_find() said it is not known) under the next
 * url id. 0, or -1 on a database error. */
static int
discover(struct engine *e, int64_t hash, const char *url, unsigned depth,
         int64_t referrer, enum url_state state, int64_t *id)
{
    *id = e->max_id + 1;
    if (store_add_url(e->store, *id, hash, url, depth, referrer, state) != 0)
        return -1;
    seen_add(e->seen, hash, *id);
    e->uncommitted = true;
    e->max_id = *id;
    e->known++;
    return 0;
}

/* Commit the database; then the seen-set may merge what it committed. */
static int
commit(struct engine *e)
{
    if (store_commit(e->store) != 0)
        return -1;
    e->uncommitted = false;
    if (seen_committed(e->seen) != 0) {
        if (e->store_error == NULL) {
            e->store_error = xstrdup(seen_errmsg(e->seen));
            engine_log(e, "database error: %s; stopping", e->store_error);
        }
        return -1;
    }
    return 0;
}

/* Queue a new URL: in memory while the window has room and nothing older
 * waits in the database, else in the database only (it is already there,
 * with state 1). */
static void
enqueue(struct engine *e, const char *key, const char *url, int64_t id,
        int64_t referrer, unsigned depth)
{
    /* --frontier-window: queued URLs kept in memory; the rest wait in the
     * database (url rows with state 1), loaded in discovery order */
    if (!e->spilled && frontier_queued(e->fr) < e->cfg->window) {
        push_url(e, key, url, id, referrer, depth);
        e->mem_id = id;
    } else {
        e->spilled = true;
        e->disk_queued++;
    }
}

static void
load_cb(void *arg, int64_t id, const char *url, unsigned depth,
        int64_t referrer)
{
    struct engine *e = arg;
    char key[ENGINE_HOST_LEN];

    e->mem_id = id;
    if (e->disk_queued > 0)
        e->disk_queued--;
    if (url_host_key(url, key, sizeof(key)) == 0)
        push_url(e, key, url, id, referrer, depth);
}

/* Move queued URLs from the database into the window once it is half
 * empty, oldest first. */
static void
refill(struct engine *e)
{
    size_t have = frontier_queued(e->fr), want;
    int n;

    if (!e->spilled || have >= e->cfg->window / 2)
        return;
    want = e->cfg->window - have;
    n = store_load_queued(e->store, e->mem_id, want, load_cb, e);
    if (n < 0) {
        store_failed(e);
        return;
    }
    if ((size_t)n < want) { /* the database has no more */
        e->spilled = false;
        e->disk_queued = 0;
    }
}

static int
add_seed(struct engine *e, const char *url)
{
    char key[ENGINE_HOST_LEN];
    int64_t hash = url_hash(url, strlen(url)), id;
    int rc;

    if (url_host_key(url, key, sizeof(key)) != 0)
        return 0; /* config checked it; cannot happen */
    rc = seen_find(e->seen, hash, &id);
    if (rc == 0) {
        if (discover(e, hash, url, 0, 0, URL_STATE_QUEUED, &id) != 0)
            return -1;
        enqueue(e, key, url, id, 0, 0);
    }
    return rc < 0 ? -1 : 0;
}

struct engine *
engine_new(const struct config *cfg, char **cause)
{
    struct engine *e = xcalloc(1, sizeof(*e));
    size_t i;

    e->cfg = cfg;
    e->t0 = now_ms();
    pthread_mutex_init(&e->ctl_lock, NULL);
    pthread_mutex_init(&e->stats_lock, NULL);
    e->pub = xcalloc(1, sizeof(*e->pub));
    e->concurrency = cfg->concurrency;
    e->rng = (uint64_t)e->t0 * 0x9e3779b97f4a7c15ULL | 1;
    throttle_init(&e->thr, cfg->delay_ms, cfg->per_domain,
                  cfg->randomize_delay, (uint64_t)e->t0 ^ 0x5bd1e995ULL);
    e->thr.per_ip = cfg->per_ip;
    if (cfg->autothrottle)
        throttle_set_auto(&e->thr, cfg->at_target, cfg->at_start_ms,
                          cfg->at_max_ms);
    e->fr = frontier_new(&e->thr, cfg->order == ORDER_DFS ? FRONTIER_DFS
                                                          : FRONTIER_BFS);
    e->x = extract_new(cause);
    if (e->x == NULL)
        goto fail;
    e->scope = scope_new(cfg, cause);
    if (e->scope == NULL)
        goto fail;
    if (store_open(&e->store, cfg->db_path, cause) != 0)
        goto fail;
    e->jobs = queue_new(ENGINE_MAX_THREADS);
    e->inbox = queue_new(ENGINE_MAX_THREADS + 64);
    e->pool = fetch_pool_new(cfg, e->x, e->scope, e->jobs, e->inbox, cause);
    if (e->pool == NULL)
        goto fail;
    {
        struct seen_opts so;

        seen_opts_default(&so);
        if (seen_open(&e->seen, cfg->db_path, e->store, &so, cause) != 0)
            goto fail;
    }
    {
        /* A database that holds a crawl already (--resume, or a second
         * run into the same file): go on from what it has. Its queued
         * URLs, those in flight when it stopped included, wait in the
         * database and come into the window in discovery order. */
        struct store_resume r;

        if (store_resume_info(e->store, &r) != 0) {
            *cause = xasprintf("%s: %s", cfg->db_path,
                               store_errmsg(e->store));
            goto fail;
        }
        e->max_id = r.max_id;
        e->known = (uint64_t)r.known;
        e->dispatched = (uint64_t)r.fetched;
        e->pages_done = (uint64_t)r.recorded;
        e->links = (uint64_t)r.links;
        e->errors = (uint64_t)r.errors;
        for (i = 0; i < 5; i++)
            e->status[i] = (uint64_t)(r.status[i] > 0 ? r.status[i] : 0);
        if (r.queued > 0) {
            e->spilled = true;
            e->disk_queued = (uint64_t)r.queued;
        }
    }
    for (i = 0; i < cfg->seeds.n; i++)
        if (add_seed(e, cfg->seeds.v[i]) != 0) {
            *cause = xasprintf("%s: %s", cfg->db_path,
                               e->store_error ? e->store_error
                                              : store_errmsg(e->store));
            goto fail;
        }
    if (commit(e) != 0) {
        *cause = xasprintf("%s: %s", cfg->db_path,
                           e->store_error ? e->store_error
                                          : store_errmsg(e->store));
        goto fail;
    }
    e->phase = PHASE_STARTING;
    e->pub->phase = PHASE_STARTING;
    e->pub->concurrency = cfg->concurrency;
    e->pub->per_domain = cfg->per_domain;
    e->pub->delay_ms = cfg->delay_ms;
    e->pub->queued = frontier_queued(e->fr) + e->disk_queued;
    return e;

fail:
    engine_free(e);
    return NULL;
}

void
engine_free(struct engine *e)
{
    if (e == NULL)
        return;
    fetch_pool_free(e->pool);
    queue_free(e->jobs);
    queue_free(e->inbox);
    /* with everything committed, merge the last hashes now: the next
     * start need not */
    seen_free(e->seen, e->store_error == NULL && !e->uncommitted);
    store_free(e->store);
    scope_free(e->scope);
    extract_free(e->x);
    frontier_free(e->fr);
    while (e->n_retry > 0)
        frontier_entry_free(e->retry[--e->n_retry].e);
    free(e->retry);
    free(e->ctl.ops);
    free(e->store_error);
    free(e->pub);
    pthread_mutex_destroy(&e->ctl_lock);
    pthread_mutex_destroy(&e->stats_lock);
    free(e);
}

/* --- control requests (any thread) ------------------------------------- */

static void
wake(struct engine *e)
{
    queue_try_push(e->inbox, &wake_token); /* full inbox: awake anyway */
}

static unsigned
clampu(unsigned v, unsigned lo, unsigned hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void
engine_set_concurrency(struct engine *e, unsigned n)
{
    pthread_mutex_lock(&e->ctl_lock);
    e->ctl.set_concurrency = true;
    e->ctl.concurrency = clampu(n, 1, CONFIG_MAX_CONCURRENCY);
    pthread_mutex_unlock(&e->ctl_lock);
    wake(e);
}

void
engine_set_delay(struct engine *e, unsigned delay_ms)
{
    pthread_mutex_lock(&e->ctl_lock);
    e->ctl.set_delay = true;
    e->ctl.delay_ms = clampu(delay_ms, 0, CONFIG_MAX_DELAY_MS);
    pthread_mutex_unlock(&e->ctl_lock);
    wake(e);
}

void
engine_set_per_domain(struct engine *e, unsigned n)
{
    pthread_mutex_lock(&e->ctl_lock);
    e->ctl.set_per_domain = true;
    e->ctl.per_domain = clampu(n, 1, CONFIG_MAX_CONCURRENCY);
    pthread_mutex_unlock(&e->ctl_lock);
    wake(e);
}

static void
host_op(struct engine *e, enum host_op_kind kind, const char *host,
        unsigned value)
{
    struct host_op *op;

    pthread_mutex_lock(&e->ctl_lock);
    if (e->ctl.n_ops == e->ctl.cap_ops) {
        e->ctl.cap_ops = e->ctl.cap_ops ? e->ctl.cap_ops * 2 : 8;
        e->ctl.ops = xrealloc(e->ctl.ops, e->ctl.cap_ops * sizeof(*op));
    }
    op = &e->ctl.ops[e->ctl.n_ops++];
    op->kind = kind;
    strlcopy(op->key, host, sizeof(op->key));
    op->value = value;
    pthread_mutex_unlock(&e->ctl_lock);
    wake(e);
}

void
engine_set_host_delay(struct engine *e, const char *host, unsigned delay_ms)
{
    host_op(e, HOST_DELAY, host, clampu(delay_ms, 0, CONFIG_MAX_DELAY_MS));
}

void
engine_set_host_limit(struct engine *e, const char *host, unsigned n)
{
    host_op(e, HOST_LIMIT, host, clampu(n, 1, CONFIG_MAX_CONCURRENCY));
}

void
engine_pause_host(struct engine *e, const char *host, bool paused)
{
    host_op(e, HOST_PAUSE, host, paused);
}

void
engine_pause(struct engine *e, bool paused)
{
    pthread_mutex_lock(&e->ctl_lock);
    e->ctl.set_paused = true;
    e->ctl.paused = paused;
    pthread_mutex_unlock(&e->ctl_lock);
    wake(e);
}

void
engine_stop(struct engine *e, int64_t grace_ms)
{
    pthread_mutex_lock(&e->ctl_lock);
    if (!e->ctl.stop || grace_ms < e->ctl.stop_grace_ms)
        e->ctl.stop_grace_ms = grace_ms < 0 ? 0 : grace_ms;
    e->ctl.stop = true;
    pthread_mutex_unlock(&e->ctl_lock);
    wake(e);
}

/* Engine thread: take the pending requests and apply them. */
static void
apply_controls(struct engine *e, int64_t now)
{
    struct ctl c;
    size_t i;

    pthread_mutex_lock(&e->ctl_lock);
    c = e->ctl;
    e->ctl.set_concurrency = e->ctl.set_delay = false;
    e->ctl.set_per_domain = e->ctl.set_paused = false;
    e->ctl.ops = NULL;
    e->ctl.n_ops = e->ctl.cap_ops = 0;
    pthread_mutex_unlock(&e->ctl_lock);

    if (c.set_concurrency && c.concurrency != e->concurrency) {
        e->concurrency = c.concurrency;
        fetch_pool_set_target(e->pool, e->concurrency);
    }
    if (c.set_delay && c.delay_ms != e->thr.delay_ms) {
        e->thr.delay_ms = c.delay_ms;
        frontier_host_changed(e->fr, NULL);
    }
    if (c.set_per_domain && c.per_domain != e->thr.per_host) {
        e->thr.per_host = c.per_domain;
        frontier_host_changed(e->fr, NULL);
    }
    if (c.set_paused)
        e->paused = c.paused;
    for (i = 0; i < c.n_ops; i++) {
        struct frontier_host *h = frontier_host_find(e->fr, c.ops[i].key);

        if (h == NULL)
            continue;
        switch (c.ops[i].kind) {
        case HOST_DELAY:
            h->pol.delay_ms = (int)c.ops[i].value;
            /* a shorter delay applies now, not after the old one */
            if (h->pol.next_ok_ms > now + (int64_t)c.ops[i].value)
                h->pol.next_ok_ms = now + (int64_t)c.ops[i].value;
            break;
        case HOST_LIMIT:
            h->pol.limit = (int)c.ops[i].value;
            break;
        case HOST_PAUSE:
            h->pol.paused = c.ops[i].value != 0;
            break;
        }
        frontier_host_changed(e->fr, h);
    }
    free(c.ops);
    if (c.stop && !e->stopping) {
        e->stopping = true;
        e->stop_deadline = now + c.stop_grace_ms;
        e->outcome = "stopped";
    }
}

/* --- crawling -------------------------------------------------------------- */

static bool
page_budget_left(const struct engine *e)
{
    return e->cfg->max_pages < 0 ||
           e->dispatched < (uint64_t)e->cfg->max_pages;
}

/* --- robots.txt ----------------------------------------------------------- */

static bool
robots_due(const struct frontier_host *h, int64_t now)
{
    return h->robots_state == HR_UNKNOWN || h->robots_state == HR_ERROR ||
           ((h->robots_state == HR_OK || h->robots_state == HR_NONE) &&
            now >= h->robots_expires_ms);
}

/* May url (normalised) be fetched under its host's rules? */
static bool
robots_permit(const struct frontier_host *h, const char *url)
{
    struct url_parts p;

    if (h->robots == NULL || url_split(url, &p) != 0)
        return true;
    return robots_allowed(h->robots, p.path);
}

/* Hold host h and fetch its robots.txt in the slot the caller took. */
static void
send_robots_job(struct engine *e, struct frontier_host *h)
{
    struct fetch_job *job = xcalloc(1, sizeof(*job));
    char *raw = xasprintf("%s/robots.txt", h->key);
    char url[URL_MAX];

    if (url_normalize(raw, url, sizeof(url)) != URL_OK)
        strlcopy(url, raw, sizeof(url));
    free(raw);
    job->url = xstrdup(url);
    job->is_robots = true;
    job->attempt = 1;
    job->host = h;
    strlcopy(job->host_key, h->key, sizeof(job->host_key));
    h->robots_state = HR_FETCHING;
    h->pol.hold = true;
    frontier_host_changed(e->fr, h);
    if (!queue_try_push(e->jobs, job))
        fatal("internal: jobs queue full");
    e->in_flight++;
}

/* Record url as skipped because of robots.txt (disallowed, or the host's
 * robots.txt could not be had). */
static void
record_skip(struct engine *e, struct frontier_host *h, int64_t id,
            const char *why)
{
    struct store_page pg;
    char stamp[32];

    memset(&pg, 0, sizeof(pg));
    iso8601_now(stamp, sizeof(stamp));
    pg.id = id;
    pg.fetched_at = stamp;
    pg.error = why;
    pg.attempts = 0;
    if (store_add_page(e->store, &pg) != 0)
        store_failed(e);
    e->pages_done++;
    e->pending_pages++;
    e->robots_skipped++;
    h->c.done++;
}

static void
record_robots_skip(struct engine *e, struct frontier_host *h, int64_t id)
{
    record_skip(e, h, id,
                h->robots_state == HR_GAVE_UP
                    ? "robots: robots.txt unreachable"
                    : "robots: disallowed by robots.txt");
}

static void
skip_by_robots(struct engine *e, struct frontier_entry *fe)
{
    record_robots_skip(e, fe->host, fe->id);
    frontier_entry_free(fe);
}

static void
skip_unreachable(void *arg, struct frontier_entry *fe)
{
    struct engine *e = arg;

    record_robots_skip(e, fe->host, fe->id); /* the host is given up */
    frontier_entry_free(fe);
}

/* A robots.txt request came back: install its rules and release the host. */
static void
robots_done(struct engine *e, struct fetch_job *job, int64_t now)
{
    struct frontier_host *h = job->host;
    struct robots *old = h->robots;
    unsigned floor = 0;

    h->pol.hold = false;
    if (job->robots != NULL) {
        h->robots = job->robots;
        job->robots = NULL;
        h->robots_state = HR_OK;
        h->robots_expires_ms = now + ROBOTS_TTL_MS;
        h->robots_failures = 0;
        floor = robots_crawl_delay_ms(h->robots);
        if (floor > e->cfg->max_crawl_delay_ms)
            floor = e->cfg->max_crawl_delay_ms;
        engine_log(e, "%s: robots.txt, %zu rules%s", h->key,
                   robots_rule_count(h->robots),
                   floor ? ", crawl-delay applied" : "");
    } else if ((job->status >= 400 && job->status < 500) ||
               (job->error != NULL &&
                strncmp(job->error, "redirects:", 10) == 0)) {
        /* no robots.txt (or a redirect maze): everything is allowed */
        h->robots = robots_allow_all();
        h->robots_state = HR_NONE;
        h->robots_expires_ms = now + ROBOTS_TTL_MS;
        h->robots_failures = 0;
    } else if (h->robots_failures >= e->cfg->retries) {
        /* unreachable again and again: give the host up; its URLs are
         * recorded as skipped, never requested */
        h->robots = robots_disallow_all();
        h->robots_state = HR_GAVE_UP;
        engine_log(e, "%s: robots.txt unreachable (%s); host given up",
                   h->key, job->error ? job->error : "server error");
        frontier_drain_host(e->fr, h, skip_unreachable, e);
    } else {
        /* 5xx or unreachable: nothing may be fetched; ask again later */
        int64_t wait = (int64_t)e->cfg->retry_delay_ms
                       << (h->robots_failures < 12 ? h->robots_failures : 12);

        if (wait > ROBOTS_RETRY_MAX_MS)
            wait = ROBOTS_RETRY_MAX_MS;
        if (wait < 1000)
            wait = 1000;
        h->robots = robots_disallow_all();
        h->robots_state = HR_ERROR;
        h->robots_failures++;
        if (now + wait > h->pol.next_ok_ms)
            h->pol.next_ok_ms = now + wait;
        engine_log(e, "%s: robots.txt unreachable (%s); host waits %llds",
                   h->key, job->error ? job->error : "server error",
                   (long long)(wait / 1000));
    }
    robots_free(old);
    h->pol.floor_ms = floor;
    frontier_host_changed(e->fr, h);
    fetch_job_free(job);
}

/* Hand ready URLs to the fetchers. Returns the time until the next host is
 * ready, or -1 if that depends on a request finishing. */
static int64_t
dispatch(struct engine *e, int64_t now)
{
    int64_t wait = -1;

    while (e->in_flight < e->concurrency) {
        struct frontier_entry *fe;
        struct fetch_job *job;

        if (page_budget_left(e))
            fe = frontier_take(e->fr, now, &wait);
        else /* only retries of pages already started may go */
            fe = frontier_take_retry(e->fr, now);
        if (fe == NULL)
            return page_budget_left(e) ? wait : -1;
        if (e->cfg->robots && robots_due(fe->host, now)) {
            /* the slot just taken goes to the host's robots.txt */
            struct frontier_host *h = fe->host;

            frontier_requeue(e->fr, fe);
            send_robots_job(e, h);
            continue;
        }
        if (e->cfg->robots && !robots_permit(fe->host, fe->url)) {
            frontier_finished(e->fr, fe->host); /* nothing was sent */
            skip_by_robots(e, fe);
            continue;
        }
        job = xcalloc(1, sizeof(*job));
        job->url = fe->url; /* ownership moves to the job */
        fe->url = NULL;
        job->id = fe->id;
        job->referrer = fe->referrer;
        job->depth = fe->depth;
        job->attempt = fe->attempt;
        job->host = fe->host;
        strlcopy(job->host_key, fe->host->key, sizeof(job->host_key));
        frontier_entry_free(fe);
        if (!queue_try_push(e->jobs, job)) {
            /* cannot happen: the queue holds ENGINE_MAX_THREADS jobs */
            fatal("internal: jobs queue full");
        }
        e->in_flight++;
        if (job->attempt == 1)
            e->dispatched++; /* --max-pages counts pages, not retries */
        else
            e->retry_queued--;
    }
    return -1;
}

static void
store_failed(struct engine *e)
{
    if (e->store_error == NULL) {
        e->store_error = xstrdup(store_errmsg(e->store));
        engine_log(e, "database error: %s; stopping", e->store_error);
    }
    if (!e->stopping) {
        e->stopping = true;
        e->stop_deadline = now_ms();
        e->outcome = "store-error";
    }
}

static void
count_latency(struct host_counters *c, int64_t ms)
{
    c->lat_ms[c->lat_n % FRONTIER_LAT_SAMPLES] =
        ms < 0 ? 0 : ms > 3600000 ? 3600000 : (unsigned)ms;
    c->lat_n++;
}

/* --- retries -------------------------------------------------------------- */

static void
retry_push(struct engine *e, int64_t due, struct frontier_entry *fe)
{
    size_t i;

    if (e->n_retry == e->cap_retry) {
        e->cap_retry = e->cap_retry ? e->cap_retry * 2 : 16;
        e->retry = xrealloc(e->retry, e->cap_retry * sizeof(*e->retry));
    }
    i = e->n_retry++;
    while (i > 0 && e->retry[(i - 1) / 2].due_ms > due) {
        e->retry[i] = e->retry[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    e->retry[i].due_ms = due;
    e->retry[i].e = fe;
}

static struct frontier_entry *
retry_pop(struct engine *e)
{
    struct frontier_entry *top = e->retry[0].e;
    struct retry last = e->retry[--e->n_retry];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;

        if (c >= e->n_retry)
            break;
        if (c + 1 < e->n_retry && e->retry[c + 1].due_ms < e->retry[c].due_ms)
            c++;
        if (e->retry[c].due_ms >= last.due_ms)
            break;
        e->retry[i] = e->retry[c];
        i = c;
    }
    if (e->n_retry > 0)
        e->retry[i] = last;
    return top;
}

/* Put retries that are due back in the frontier. Returns the time until
 * the next one is due, or -1 if none is pending. */
static int64_t
retries_due(struct engine *e, int64_t now)
{
    while (e->n_retry > 0 && e->retry[0].due_ms <= now) {
        frontier_requeue(e->fr, retry_pop(e));
        e->retry_queued++;
    }
    return e->n_retry > 0 ? e->retry[0].due_ms - now : -1;
}

/* Transient failures worth another try: no answer in time, connection
 * trouble, or a status that says "later". */
static bool
is_transient(const struct fetch_job *job)
{
    static const char *const words[] = {"timeout:", "connect:", "network:"};
    size_t i;

    if (job->error != NULL) {
        for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
            if (strncmp(job->error, words[i], strlen(words[i])) == 0)
                return true;
        return false;
    }
    switch (job->status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
        return true;
    default:
        return false;
    }
}

/* Schedule another attempt of job if it failed transiently and has
 * attempts left: exponential backoff with jitter, or the server's
 * Retry-After (which also pauses the whole host) if that is later. True
 * if a retry was scheduled; the job is then consumed. */
static bool
maybe_retry(struct engine *e, struct fetch_job *job, int64_t now)
{
    struct frontier_host *h = job->host;
    struct frontier_entry *fe;
    int64_t backoff, due, ra_ms = 0;
    unsigned shift;

    if (e->stopping || job->attempt > e->cfg->retries || !is_transient(job))
        return false;
    shift = job->attempt - 1 < 16 ? job->attempt - 1 : 16;
    backoff = (int64_t)e->cfg->retry_delay_ms << shift;
    if (backoff > 300000)
        backoff = 300000;
    e->rng ^= e->rng << 13;
    e->rng ^= e->rng >> 7;
    e->rng ^= e->rng << 17;
    backoff = backoff / 2 + (int64_t)(e->rng % (uint64_t)(backoff + 1));
    due = now + backoff;
    if (job->retry_after_s > 0) {
        int64_t cap = (int64_t)e->cfg->max_retry_after_s;

        ra_ms = (job->retry_after_s < cap ? job->retry_after_s : cap) * 1000;
        if (now + ra_ms > h->pol.next_ok_ms) {
            h->pol.next_ok_ms = now + ra_ms; /* the host waits as asked */
            frontier_host_changed(e->fr, h);
        }
        if (now + ra_ms > due)
            due = now + ra_ms;
        engine_log(e, "%s: Retry-After %llds, host paused", h->key,
                   (long long)(ra_ms / 1000));
    }
    fe = xcalloc(1, sizeof(*fe));
    fe->url = job->url;
    job->url = NULL;
    fe->id = job->id;
    fe->referrer = job->referrer;
    fe->depth = job->depth;
    fe->attempt = job->attempt + 1;
    fe->seq = 0; /* before everything else of its depth */
    fe->host = h;
    retry_push(e, due, fe);
    e->retries++;
    h->c.retries++;
    if (job->error != NULL)
        engine_log(e, "retry %u/%u in %.1fs: %s (%s)", job->attempt,
                   e->cfg->retries, (double)(due - now) / 1000.0, fe->url,
                   job->error);
    else
        engine_log(e, "retry %u/%u in %.1fs: %s (HTTP %d)", job->attempt,
                   e->cfg->retries, (double)(due - now) / 1000.0, fe->url,
                   job->status);
    fetch_job_free(job);
    return true;
}

/* A job came back from a fetcher: record it and queue its new links. */
static void
finish_job(struct engine *e, struct fetch_job *job)
{
    struct frontier_host *h = job->host;
    struct store_page pg;
    unsigned depth = job->depth + 1;
    bool depth_ok = e->cfg->max_depth < 0 || depth <= (unsigned)e->cfg->max_depth;
    int64_t now = now_ms(); /* once: this runs for every page */
    size_t i;
    int rc = 0;

    frontier_finished(e->fr, h);
    e->in_flight--;
    if (frontier_host_ip(h) == NULL && job->ip[0] != '\0')
        frontier_host_set_ip(e->fr, h, job->ip);
    count_latency(&h->c, job->elapsed_ms);
    if (job->is_robots) {
        robots_done(e, job, now);
        return;
    }
    throttle_observe(&e->thr, &h->pol, job->ttfb_ms, job->status, now);
    if (maybe_retry(e, job, now))
        return;
    if (job->error != NULL && strncmp(job->error, "aborted:", 8) == 0) {
        /* cut short by a stop: not an outcome; it stays queued (url state
         * 1) and --resume fetches it again */
        engine_log(e, "%s abandoned by the stop; queued for --resume",
                   job->url);
        fetch_job_free(job);
        return;
    }
    e->pages_done++;
    e->pending_pages++;
    h->c.done++;
    h->c.minute_done++;
    e->bytes += (uint64_t)job->bytes;
    if (job->status >= 100 && job->status < 600) {
        e->status[job->status / 100 - 1]++;
        h->c.status[job->status / 100 - 1]++;
    }
    if (job->error != NULL) {
        e->errors++;
        h->c.errors++;
        engine_log(e, "%s %s", job->url, job->error);
    }

    pg.id = job->id;
    pg.final_url = job->final_url;
    pg.status = job->status;
    pg.content_type = job->content_type;
    pg.bytes = job->bytes;
    pg.title = job->title;
    pg.elapsed_ms = job->elapsed_ms;
    pg.fetched_at = job->fetched_at;
    pg.error = job->error;
    pg.attempts = job->attempt;
    rc |= store_add_page(e->store, &pg);

    for (i = 0; i < job->n_links && rc == 0; i++) {
        const struct fetch_link *l = &job->links[i];
        const char *url = job->arena + l->url_off;
        int64_t dst;
        int known;

        /* the seen-set's tables are large: load a later link's entries
         * while this one is handled */
        if (i + ENGINE_PREFETCH < job->n_links)
            seen_prefetch(e->seen, job->links[i + ENGINE_PREFETCH].hash);
        known = seen_find(e->seen, l->hash, &dst);

        if (known < 0) {
            if (e->store_error == NULL) {
                e->store_error = xstrdup(seen_errmsg(e->seen));
                engine_log(e, "database error: %s; stopping",
                           e->store_error);
            }
            rc = -1;
            break;
        }
        if (known == 0) {
            char key[ENGINE_HOST_LEN];
            /* even while stopping: queued in the database for --resume */
            bool queue = l->follow && depth_ok &&
                         url_host_key(url, key, sizeof(key)) == 0;
            struct frontier_host *dh = NULL;

            if (queue && e->cfg->robots) {
                dh = frontier_host_find(e->fr, key);
                if (dh != NULL && !robots_due(dh, now) &&
                    dh->robots_state != HR_FETCHING &&
                    !robots_permit(dh, url))
                    queue = false; /* recorded as skipped below */
                else
                    dh = NULL;
            }
            if (discover(e, l->hash, url, depth, job->id,
                         queue || dh ? URL_STATE_QUEUED : URL_STATE_OUT,
                         &dst) != 0) {
                rc = -1;
                break; /* no row: no link to it */
            }
            if (dh != NULL)
                record_robots_skip(e, dh, dst);
            else if (queue)
                enqueue(e, key, url, dst, job->id, depth);
        }
        rc |= store_add_link(e->store, job->id, dst,
                             l->rel_off == SIZE_MAX ? NULL
                                                    : job->arena + l->rel_off);
        e->links++;
    }
    if (rc != 0)
        store_failed(e);
    fetch_job_free(job);
}

/* --- stats ---------------------------------------------------------------- */

static int
cmp_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

    return x < y ? -1 : x > y;
}

static void
host_stats_fill(struct engine *e, struct frontier_host *h, int64_t now,
                struct host_stats *out)
{
    unsigned lat[FRONTIER_LAT_SAMPLES], n, i;
    uint64_t sum = 0;
    int64_t ready, window;

    strlcopy(out->key, h->key, sizeof(out->key));
    out->in_flight = h->pol.in_flight;
    out->limit = throttle_limit(&e->thr, &h->pol);
    out->done = h->c.done;
    out->queued = h->queued;
    out->errors = h->c.errors;
    out->retries = h->c.retries;
    memcpy(out->status, h->c.status, sizeof(out->status));
    n = h->c.lat_n < FRONTIER_LAT_SAMPLES ? h->c.lat_n : FRONTIER_LAT_SAMPLES;
    memcpy(lat, h->c.lat_ms, n * sizeof(*lat));
    qsort(lat, n, sizeof(*lat), cmp_unsigned);
    for (i = 0; i < n; i++)
        sum += lat[i];
    out->avg_ms = n ? (unsigned)(sum / n) : 0;
    out->p95_ms = n ? lat[(n * 95 - 1) / 100] : 0;
    out->delay_ms = throttle_delay(&e->thr, &h->pol);
    if (h->c.minute_start_ms == 0)
        h->c.minute_start_ms = now;
    window = now - h->c.minute_start_ms;
    if (window >= 60000) {
        h->c.last_minute_done = h->c.minute_done;
        h->c.minute_done = 0;
        h->c.minute_start_ms = now;
        window = 0;
    }
    if (h->c.last_minute_done > 0 || window >= 60000)
        out->pages_per_min = (double)h->c.last_minute_done;
    else
        out->pages_per_min =
            window > 1000 ? (double)h->c.minute_done * 60000.0 / window : 0;
    out->paused = h->pol.paused;
    strlcopy(out->robots,
             e->cfg->robots ? host_robots_word[h->robots_state] : "off",
             sizeof(out->robots));
    ready = h->pol.next_ok_ms - now;
    out->ready_in_ms = h->queued > 0 && ready > 0 ? ready : 0;
}

static int
cmp_host_busy(const void *a, const void *b)
{
    const struct frontier_host *x = *(struct frontier_host *const *)a;
    const struct frontier_host *y = *(struct frontier_host *const *)b;
    uint64_t bx = (uint64_t)x->pol.in_flight * 1000000 + x->queued;
    uint64_t by = (uint64_t)y->pol.in_flight * 1000000 + y->queued;

    if (bx != by)
        return bx > by ? -1 : 1;
    return x->c.done > y->c.done ? -1 : x->c.done < y->c.done;
}

static void
publish(struct engine *e, int64_t now)
{
    size_t nh = frontier_host_count(e->fr), i;
    struct frontier_host **hs = xmalloc((nh ? nh : 1) * sizeof(*hs));
    struct engine_stats *p = e->pub;
    unsigned shown;

    /* one rate sample per second */
    if (e->last_sample == 0)
        e->last_sample = now;
    if (now - e->last_sample >= 1000) {
        double secs = (double)(now - e->last_sample) / 1000.0;

        e->pages_per_s = (double)(e->pages_done - e->sample_pages) / secs;
        e->bytes_per_s = (double)(e->bytes - e->sample_bytes) / secs;
        if (e->rate_n == ENGINE_RATE_SAMPLES) {
            memmove(e->rate, e->rate + 1, (ENGINE_RATE_SAMPLES - 1) *
                                              sizeof(*e->rate));
            e->rate_n--;
        }
        e->rate[e->rate_n++] = (float)e->pages_per_s;
        e->sample_pages = e->pages_done;
        e->sample_bytes = e->bytes;
        e->last_sample = now;
    }
    for (i = 0; i < nh; i++)
        hs[i] = frontier_host_at(e->fr, i);
    if (nh > ENGINE_MAX_HOSTS)
        qsort(hs, nh, sizeof(*hs), cmp_host_busy);
    shown = nh > ENGINE_MAX_HOSTS ? ENGINE_MAX_HOSTS : (unsigned)nh;

    pthread_mutex_lock(&e->stats_lock);
    p->phase = e->phase;
    p->elapsed_ms = now - e->t0;
    p->pages_done = e->pages_done;
    p->queued = frontier_queued(e->fr) + e->disk_queued;
    p->known = e->known;
    p->in_flight = e->in_flight;
    p->errors = e->errors;
    p->retries = e->retries;
    p->retry_pending = e->n_retry;
    p->robots_skipped = e->robots_skipped;
    memcpy(p->status, e->status, sizeof(p->status));
    p->bytes = e->bytes;
    p->links = e->links;
    p->pages_per_s = e->pages_per_s;
    p->bytes_per_s = e->bytes_per_s;
    p->rate_n = e->rate_n;
    memcpy(p->rate, e->rate, sizeof(p->rate));
    p->concurrency = e->concurrency;
    p->per_domain = e->thr.per_host;
    p->delay_ms = e->thr.delay_ms;
    p->hosts_total = nh;
    for (i = 0; i < shown; i++)
        host_stats_fill(e, hs[i], now, &p->hosts[i]);
    p->n_hosts = shown;
    pthread_mutex_unlock(&e->stats_lock);
    free(hs);
    e->last_publish = now;
}

void
engine_snapshot(struct engine *e, struct engine_stats *out)
{
    unsigned n, active;

    pthread_mutex_lock(&e->stats_lock);
    /* everything but the thread table, which the pool fills below */
    memcpy(out, e->pub, offsetof(struct engine_stats, threads));
    out->n_hosts = e->pub->n_hosts;
    out->hosts_total = e->pub->hosts_total;
    memcpy(out->hosts, e->pub->hosts, e->pub->n_hosts * sizeof(*out->hosts));
    out->log_n = e->pub->log_n;
    out->log_seq = e->pub->log_seq;
    memcpy(out->log, e->pub->log, sizeof(out->log));
    pthread_mutex_unlock(&e->stats_lock);
    if (e->pool != NULL) {
        fetch_pool_status(e->pool, out->threads, ENGINE_MAX_THREADS, &n,
                          &active);
        out->n_threads = n;
        out->active = active;
    } else {
        out->n_threads = out->active = 0;
    }
    out->elapsed_ms = out->phase == PHASE_DONE ? out->elapsed_ms
                                               : now_ms() - e->t0;
}

/* --- the loop -------------------------------------------------------------- */

static void
set_phase(struct engine *e)
{
    enum engine_phase ph = e->stopping ? PHASE_STOPPING
                           : e->paused ? PHASE_PAUSED
                                       : PHASE_RUNNING;

    if (ph != e->phase) {
        if (ph == PHASE_PAUSED)
            engine_log(e, "crawl paused");
        else if (e->phase == PHASE_PAUSED && ph == PHASE_RUNNING)
            engine_log(e, "crawl resumed");
        else if (ph == PHASE_STOPPING)
            engine_log(e, "stopping: %u requests in flight", e->in_flight);
        e->phase = ph;
    }
}

static bool
crawl_finished(struct engine *e)
{
    if (e->in_flight > 0)
        return false;
    if (e->stopping)
        return true;
    if (frontier_queued(e->fr) == 0 && e->n_retry == 0 && !e->spilled) {
        e->outcome = "done";
        return true;
    }
    if (!page_budget_left(e) && e->retry_queued == 0 && e->n_retry == 0) {
        e->outcome = "max-pages";
        return true;
    }
    return false;
}

static void *
engine_main(void *arg)
{
    struct engine *e = arg;
    char *settings = config_to_json(e->cfg);
    char *conf = config_to_conf(e->cfg);
    char stamp[32], summary[1024];
    void *item;

    iso8601_now(stamp, sizeof(stamp));
    if (store_run_begin(e->store, stamp, settings, conf) != 0)
        store_failed(e);
    free(settings);
    free(conf);
    fetch_pool_set_target(e->pool, e->concurrency);
    e->phase = PHASE_RUNNING;
    e->last_commit = now_ms();
    publish(e, e->last_commit);

    for (;;) {
        int64_t now = now_ms(), wait = -1, timeout, retry_wait;
        unsigned drained;

        apply_controls(e, now);
        set_phase(e);
        refill(e);
        retry_wait = retries_due(e, now);
        if (!e->stopping && !e->paused)
            wait = dispatch(e, now);
        if (retry_wait >= 0 && (wait < 0 || retry_wait < wait))
            wait = retry_wait;
        if (crawl_finished(e))
            break;
        if (e->stopping && !e->aborted && now >= e->stop_deadline) {
            fetch_pool_abort(e->pool);
            e->aborted = true;
        }
        /* publish after dispatching: what the wait below looks like */
        if (now - e->last_publish >= ENGINE_PUBLISH_MS)
            publish(e, now);
        timeout = ENGINE_PUBLISH_MS;
        if (wait >= 0 && wait < timeout)
            timeout = wait;
        if (e->stopping && !e->aborted && e->stop_deadline - now < timeout)
            timeout = e->stop_deadline - now;
        item = queue_pop_timed(e->inbox, timeout);
        /* at most a round of finished jobs, then the loop's other work
         * (refill, publish, commit) comes around again */
        for (drained = 0; item != NULL; drained++) {
            if (item == &wake_token) {
                apply_controls(e, now_ms()); /* a pause is seen here */
            } else {
                finish_job(e, item);
                /* hand the freed slot out at once: a fetcher waiting
                 * while the engine drains the rest of the inbox is a
                 * request not made */
                if (!e->stopping && !e->paused)
                    dispatch(e, now_ms());
            }
            if (drained + 1 >= e->concurrency)
                break;
            item = queue_pop_timed(e->inbox, 0);
        }
        now = now_ms();
        if (e->pending_pages > 0 &&
            (now - e->last_commit >= ENGINE_COMMIT_MS ||
             e->pending_pages >= ENGINE_COMMIT_PAGES)) {
            if (commit(e) != 0)
                store_failed(e);
            e->pending_pages = 0;
            e->last_commit = now;
        }
    }

    queue_close(e->jobs);
    fetch_pool_stop(e->pool);
    while ((item = queue_pop_timed(e->inbox, 0)) != NULL)
        if (item != &wake_token)
            finish_job(e, item); /* cannot happen: nothing in flight */
    if (commit(e) != 0)
        store_failed(e);
    if (e->outcome == NULL)
        e->outcome = "done";
    e->phase = PHASE_DONE;
    e->t_end = now_ms();
    publish(e, e->t_end);
    engine_summary_json(e, summary, sizeof(summary));
    iso8601_now(stamp, sizeof(stamp));
    if (store_run_end(e->store, stamp, e->outcome, summary) != 0)
        store_failed(e);
    engine_log(e, "crawl %s: %llu pages", e->outcome,
               (unsigned long long)e->pages_done);
    return NULL;
}

int
engine_start(struct engine *e)
{
    if (pthread_create(&e->tid, NULL, engine_main, e) != 0)
        return -1;
    e->started = true;
    return 0;
}

void
engine_join(struct engine *e)
{
    if (e->started) {
        pthread_join(e->tid, NULL);
        e->started = false;
    }
}

/* Only after engine_join, or from the engine thread. */
void
engine_summary_json(struct engine *e, char *out, size_t outsz)
{
    double secs = (double)((e->t_end ? e->t_end : now_ms()) - e->t0) / 1000.0;
    char *outcome = json_quote(e->outcome ? e->outcome : "running");
    char *dberr = e->store_error ? json_quote(e->store_error) : NULL;

    snprintf(out, outsz,
             "{\"outcome\":%s,\"pages\":%llu,\"errors\":%llu,"
             "\"status\":{\"1xx\":%llu,\"2xx\":%llu,\"3xx\":%llu,"
             "\"4xx\":%llu,\"5xx\":%llu},\"links\":%llu,\"bytes\":%llu,"
             "\"retries\":%llu,\"robots_skipped\":%llu,\"queued\":%zu,\"known_urls\":%zu,"
             "\"hosts\":%zu,"
             "\"elapsed_s\":%.3f,\"pages_per_s\":%.1f,\"db\":%s%s%s}",
             outcome, (unsigned long long)e->pages_done,
             (unsigned long long)e->errors,
             (unsigned long long)e->status[0],
             (unsigned long long)e->status[1],
             (unsigned long long)e->status[2],
             (unsigned long long)e->status[3],
             (unsigned long long)e->status[4], (unsigned long long)e->links,
             (unsigned long long)e->bytes, (unsigned long long)e->retries,
             (unsigned long long)e->robots_skipped,
             frontier_queued(e->fr) + e->n_retry + (size_t)e->disk_queued,
             (size_t)e->known, frontier_host_count(e->fr), secs,
             secs > 0 ? (double)e->pages_done / secs : 0.0,
             dberr ? "false,\"db_error\":" : "true", dberr ? dberr : "", "");
    free(outcome);
    free(dberr);
}
