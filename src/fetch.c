/* SPDX-License-Identifier: MIT */
/*
 * fetch.c - fetcher threads around libcurl easy handles.
 *
 * DESIGN: the engine pushes at most `concurrency` jobs at a time, so the
 * number of requests in flight follows the target at once; the threads
 * only follow it for the dashboard's sake (surplus threads park on
 * park_cv after their current request, new ones start lazily). Each thread
 * owns one easy handle, so connections are reused per thread (the
 * connection cache cannot be shared safely between threads); DNS and TLS
 * sessions are shared through a CURLSH with one mutex per data kind.
 * A worker holds no lock while it talks to the network or parses.
 */
#include "fetch.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "extract.h"
#include "queue.h"
#include "robots.h"
#include "scope.h"
#include "url.h"
#include "util.h"

/* Body buffer a worker keeps between requests; a larger one is freed. */
#define FETCH_KEEP_BUFFER (1024 * 1024)

struct fetch_pool;

struct worker {
    struct fetch_pool *pool;
    unsigned idx;
    pthread_t tid;
    CURL *curl;
    struct extract_ctx *xc;
    struct scope_ctx *sc;
    struct extract_result res;
    /* current transfer; touched by this thread only */
    char *body;
    size_t body_len, body_cap;
    int64_t received;
    bool type_known, is_html, too_large, first_byte;
    bool robots; /* keep any body type, up to ROBOTS_MAX_BYTES */
    unsigned abort_gen; /* pool->abort_gen when the request started */
    char errbuf[CURL_ERROR_SIZE];
};

struct fetch_pool {
    const struct config *cfg;
    const struct extractor *x;
    const struct scope *sc;
    struct queue *jobs, *results;
    CURLSH *share;
    pthread_mutex_t share_lock[CURL_LOCK_DATA_LAST];
    struct curl_slist *resolve;

    pthread_mutex_t lock;
    pthread_cond_t park_cv; /* signalled when target rises or on stop */
    unsigned target;        /* guarded by lock */
    unsigned n_threads;     /* guarded by lock */
    bool stopping;          /* guarded by lock */
    struct worker *w[ENGINE_MAX_THREADS]; /* guarded by lock */

    pthread_mutex_t status_lock;
    struct worker_stats st[ENGINE_MAX_THREADS]; /* guarded by status_lock */
    int64_t start_ms[ENGINE_MAX_THREADS];       /* guarded by status_lock */

    atomic_uint abort_gen; /* bumped by fetch_pool_abort */
};

int
fetch_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void
fetch_global_cleanup(void)
{
    curl_global_cleanup();
}

void
fetch_job_free(struct fetch_job *job)
{
    if (job == NULL)
        return;
    free(job->url);
    free(job->final_url);
    free(job->content_type);
    free(job->title);
    free(job->error);
    free(job->links);
    free(job->arena);
    robots_free(job->robots);
    free(job);
}

/* --- status for the dashboard -------------------------------------------- */

static void
set_state(struct fetch_pool *p, unsigned i, enum worker_state s,
          const struct fetch_job *job)
{
    pthread_mutex_lock(&p->status_lock);
    p->st[i].state = s;
    if (job != NULL) {
        strlcopy(p->st[i].host, job->host_key, sizeof(p->st[i].host));
        strlcopy(p->st[i].url, job->url, sizeof(p->st[i].url));
        p->start_ms[i] = now_ms();
    } else if (s == WORKER_IDLE || s == WORKER_PARKED) {
        p->st[i].host[0] = '\0';
        p->st[i].url[0] = '\0';
        p->start_ms[i] = 0;
    }
    pthread_mutex_unlock(&p->status_lock);
}

static void
count_request(struct fetch_pool *p, unsigned i)
{
    pthread_mutex_lock(&p->status_lock);
    p->st[i].requests++;
    pthread_mutex_unlock(&p->status_lock);
}

void
fetch_pool_status(struct fetch_pool *p, struct worker_stats *out,
                  unsigned max, unsigned *n, unsigned *active)
{
    unsigned i, threads, act = 0;
    int64_t now = now_ms();

    pthread_mutex_lock(&p->lock);
    threads = p->n_threads;
    pthread_mutex_unlock(&p->lock);
    if (threads > max)
        threads = max;
    pthread_mutex_lock(&p->status_lock);
    for (i = 0; i < threads; i++) {
        out[i] = p->st[i];
        out[i].busy_ms = p->start_ms[i] ? now - p->start_ms[i] : 0;
        if (p->st[i].state != WORKER_PARKED &&
            p->st[i].state != WORKER_STOPPED)
            act++;
    }
    pthread_mutex_unlock(&p->status_lock);
    *n = threads;
    *active = act;
}

/* --- libcurl callbacks --------------------------------------------------- */

static void
share_lock(CURL *h, curl_lock_data data, curl_lock_access acc, void *u)
{
    struct fetch_pool *p = u;

    (void)h;
    (void)acc;
    pthread_mutex_lock(&p->share_lock[data]);
}

static void
share_unlock(CURL *h, curl_lock_data data, void *u)
{
    struct fetch_pool *p = u;

    (void)h;
    pthread_mutex_unlock(&p->share_lock[data]);
}

static bool
type_is_html(const char *ct)
{
    if (ct == NULL)
        return false;
    while (*ct == ' ')
        ct++;
    return strncasecmp(ct, "text/html", 9) == 0 ||
           strncasecmp(ct, "application/xhtml+xml", 21) == 0;
}

static size_t
on_write(char *data, size_t size, size_t nmemb, void *u)
{
    struct worker *w = u;
    size_t n = size * nmemb;
    int64_t max = w->pool->cfg->max_size;

    if (!w->first_byte) {
        w->first_byte = true;
        set_state(w->pool, w->idx, WORKER_TRANSFERRING, NULL);
    }
    if (!w->type_known) {
        char *ct = NULL;

        curl_easy_getinfo(w->curl, CURLINFO_CONTENT_TYPE, &ct);
        w->is_html = w->robots || type_is_html(ct);
        w->type_known = true;
    }
    if (w->robots && w->body_len + n > ROBOTS_MAX_BYTES) {
        /* RFC 9309: parse at least 500 KiB; the rest is ignored */
        n = ROBOTS_MAX_BYTES - w->body_len;
        w->too_large = true;
        if (n == 0)
            return 0;
    }
    if (w->received + (int64_t)n > max) {
        w->too_large = true;
        return 0; /* abort: CURLE_WRITE_ERROR */
    }
    w->received += (int64_t)n;
    if (!w->is_html)
        return n; /* counted, not kept */
    if (w->body_len + n > w->body_cap) {
        size_t cap = w->body_cap ? w->body_cap : 65536;

        while (cap < w->body_len + n)
            cap *= 2;
        w->body = xrealloc(w->body, cap);
        w->body_cap = cap;
    }
    memcpy(w->body + w->body_len, data, n);
    w->body_len += n;
    return n;
}

static int
on_progress(void *u, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
            curl_off_t ulnow)
{
    struct worker *w = u;

    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return atomic_load_explicit(&w->pool->abort_gen, memory_order_relaxed) !=
           w->abort_gen;
}

/* --- one request ----------------------------------------------------------- */

static CURL *
easy_new(struct worker *w)
{
    const struct config *cfg = w->pool->cfg;
    CURL *c = curl_easy_init();

    if (c == NULL)
        return NULL;
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_SHARE, w->pool->share);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)cfg->timeout_s);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)cfg->connect_timeout_s);
    if (cfg->low_speed_time_s > 0) { /* a trickling body is abandoned */
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 100L);
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)cfg->low_speed_time_s);
    }
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cfg->max_size);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* all curl knows */
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(c, CURLOPT_USERAGENT, cfg->user_agent);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, w->errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, w);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, w);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    if (w->pool->resolve != NULL)
        curl_easy_setopt(c, CURLOPT_RESOLVE, w->pool->resolve);
    return c;
}

/* The stable first word of pages.error for a curl failure. */
static const char *
error_word(CURLcode rc, const struct worker *w)
{
    if (w->too_large)
        return "too-large";
    switch (rc) {
    case CURLE_FILESIZE_EXCEEDED:
        return "too-large";
    case CURLE_OPERATION_TIMEDOUT:
        /* the low-speed limit reports the same code */
        return strstr(w->errbuf, "too slow") != NULL ? "slow" : "timeout";
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return "dns";
    case CURLE_COULDNT_CONNECT:
        return "connect";
    case CURLE_TOO_MANY_REDIRECTS:
        return "redirects";
    case CURLE_UNSUPPORTED_PROTOCOL:
        return "scheme";
    case CURLE_ABORTED_BY_CALLBACK:
        return "aborted";
    case CURLE_URL_MALFORMAT:
        return "url";
    case CURLE_BAD_CONTENT_ENCODING:
        return "encoding";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return "tls";
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
        return "network";
    default:
        return "fetch";
    }
}

static char *
dup_clean(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

static size_t
arena_add(struct fetch_job *job, size_t *cap, const char *s)
{
    size_t n = strlen(s) + 1, off = job->arena_len;

    if (off + n > *cap) {
        while (off + n > *cap)
            *cap = *cap ? *cap * 2 : 4096;
        job->arena = xrealloc(job->arena, *cap);
    }
    memcpy(job->arena + off, s, n);
    job->arena_len += n;
    return off;
}

/* Links we crawl: <a>, <area>, frames, and the <link> relations that
 * point at other pages; stylesheets, icons and other resources are
 * recorded in the links table but not fetched. */
static bool
is_followed(const struct extract_link *l)
{
    static const char *const page_rels[] = {"alternate", "canonical", "next",
                                            "prev", "previous"};
    size_t i;

    if (l->kind != LINK_LINK)
        return true;
    if (l->rel == NULL)
        return false;
    for (i = 0; i < sizeof(page_rels) / sizeof(page_rels[0]); i++) {
        const char *p = strstr(l->rel, page_rels[i]);
        size_t n = strlen(page_rels[i]);

        /* whole word of a space-separated list */
        if (p != NULL && (p == l->rel || p[-1] == ' ') &&
            (p[n] == '\0' || p[n] == ' '))
            return true;
    }
    return false;
}

static void
parse_links(struct worker *w, struct fetch_job *job)
{
    struct extract_result *r = &w->res;
    size_t i, cap = 0;

    if (extract_page(w->xc, w->body, w->body_len, job->final_url, r) != 0)
        return;
    if (r->title[0] != '\0')
        job->title = xstrdup(r->title);
    job->links_dropped = r->dropped;
    if (r->n == 0)
        return;
    job->links = xmalloc(r->n * sizeof(*job->links));
    for (i = 0; i < r->n; i++) {
        struct fetch_link *l = &job->links[i];
        const char *u = r->links[i].url;

        l->hash = url_hash(u, strlen(u));
        l->follow = is_followed(&r->links[i]) &&
                    scope_allows(w->pool->sc, w->sc, u);
        l->url_off = arena_add(job, &cap, u);
        l->rel_off = r->links[i].rel != NULL
                         ? arena_add(job, &cap, r->links[i].rel)
                         : SIZE_MAX;
    }
    job->n_links = r->n;
}

static void
fetch_one(struct worker *w, struct fetch_job *job)
{
    CURL *c = w->curl;
    CURLcode rc;
    long status = 0;
    char *eff = NULL, *ct = NULL;
    int64_t t0 = now_ms();

    w->body_len = 0;
    w->received = 0;
    w->type_known = w->is_html = w->too_large = w->first_byte = false;
    w->robots = job->is_robots;
    /* RFC 9309: follow at most five redirects for robots.txt */
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, job->is_robots ? 5L : 10L);
    w->errbuf[0] = '\0';
    w->abort_gen =
        atomic_load_explicit(&w->pool->abort_gen, memory_order_relaxed);
    iso8601_now(job->fetched_at, sizeof(job->fetched_at));

    curl_easy_setopt(c, CURLOPT_URL, job->url);
    rc = curl_easy_perform(c);
    job->elapsed_ms = now_ms() - t0;
    {
        curl_off_t us = 0; /* of the last hop: the server's answer time */

        job->ttfb_ms = curl_easy_getinfo(c, CURLINFO_STARTTRANSFER_TIME_T,
                                         &us) == CURLE_OK && us > 0
                           ? (int64_t)(us / 1000)
                           : -1;
    }
    job->bytes = w->received;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    job->status = (int)status;
    {
        char *ip = NULL;

        if (curl_easy_getinfo(c, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK &&
            ip != NULL)
            strlcopy(job->ip, ip, sizeof(job->ip));
    }
    if (status > 0) {
        char norm[URL_MAX];

        curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff);
        if (eff != NULL && url_normalize(eff, norm, sizeof(norm)) == URL_OK)
            job->final_url = xstrdup(norm);
        else
            job->final_url = dup_clean(eff);
        curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
        job->content_type = dup_clean(ct);
        if (status == 429 || status == 503) {
            curl_off_t ra = 0; /* seconds or an HTTP date, made relative */

            if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK &&
                ra > 0)
                job->retry_after_s = (int64_t)ra;
        }
    }
    if (w->robots) {
        /* a truncated robots.txt is parsed as far as it goes */
        if ((rc == CURLE_OK || w->too_large) && status >= 200 && status < 300)
            job->robots = robots_parse(w->body, w->body_len,
                                       w->pool->cfg->user_agent);
        if (w->too_large)
            rc = CURLE_OK;
        w->too_large = false;
    }
    if (rc != CURLE_OK) {
        const char *detail = w->errbuf[0] ? w->errbuf : curl_easy_strerror(rc);

        if (w->too_large)
            job->error = xasprintf("too-large: body over %lld bytes",
                                   (long long)w->pool->cfg->max_size);
        else
            job->error = xasprintf("%s: %s", error_word(rc, w), detail);
        return;
    }
    if (w->is_html && !w->robots && job->final_url != NULL) {
        set_state(w->pool, w->idx, WORKER_PARSING, NULL);
        parse_links(w, job);
    }
}

/* --- threads ------------------------------------------------------------- */

/* Park while this worker is surplus. False when the pool stops. */
static bool
wait_until_needed(struct worker *w)
{
    struct fetch_pool *p = w->pool;
    bool parked = false, run;

    pthread_mutex_lock(&p->lock);
    while (w->idx >= p->target && !p->stopping) {
        if (!parked) {
            parked = true;
            pthread_mutex_unlock(&p->lock);
            set_state(p, w->idx, WORKER_PARKED, NULL);
            pthread_mutex_lock(&p->lock);
            continue;
        }
        pthread_cond_wait(&p->park_cv, &p->lock);
    }
    run = !p->stopping;
    pthread_mutex_unlock(&p->lock);
    return run;
}

static void *
worker_main(void *arg)
{
    struct worker *w = arg;
    struct fetch_pool *p = w->pool;
    struct fetch_job *job;

    for (;;) {
        if (!wait_until_needed(w))
            break;
        set_state(p, w->idx, WORKER_IDLE, NULL);
        job = queue_pop(p->jobs);
        if (job == NULL)
            break; /* queue closed */
        set_state(p, w->idx, WORKER_CONNECTING, job);
        fetch_one(w, job);
        if (w->body_cap > FETCH_KEEP_BUFFER) {
            /* one huge page must not pin its buffer for the whole crawl */
            free(w->body);
            w->body = NULL;
            w->body_cap = 0;
        }
        count_request(p, w->idx);
        set_state(p, w->idx, WORKER_IDLE, NULL);
        if (!queue_push(p->results, job))
            fetch_job_free(job); /* engine has stopped */
    }
    set_state(p, w->idx, WORKER_STOPPED, NULL);
    return NULL;
}

struct fetch_pool *
fetch_pool_new(const struct config *cfg, const struct extractor *x,
               const struct scope *sc, struct queue *jobs,
               struct queue *results, char **cause)
{
    struct fetch_pool *p = xcalloc(1, sizeof(*p));
    size_t i;

    p->cfg = cfg;
    p->x = x;
    p->sc = sc;
    p->jobs = jobs;
    p->results = results;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->park_cv, NULL);
    pthread_mutex_init(&p->status_lock, NULL);
    atomic_init(&p->abort_gen, 0);
    for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&p->share_lock[i], NULL);
    for (i = 0; i < ENGINE_MAX_THREADS; i++)
        p->st[i].state = WORKER_STOPPED;
    p->share = curl_share_init();
    if (p->share == NULL) {
        *cause = xstrdup("cannot create a libcurl share handle");
        fetch_pool_free(p);
        return NULL;
    }
    curl_share_setopt(p->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(p->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(p->share, CURLSHOPT_USERDATA, p);
    curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    for (i = 0; i < cfg->resolve.n; i++) {
        struct curl_slist *l = curl_slist_append(p->resolve, cfg->resolve.v[i]);

        if (l == NULL)
            fatal("out of memory (resolve list)");
        p->resolve = l;
    }
    return p;
}

static struct worker *
worker_new(struct fetch_pool *p, unsigned idx)
{
    struct worker *w = xcalloc(1, sizeof(*w));

    w->pool = p;
    w->idx = idx;
    w->curl = easy_new(w);
    w->xc = extract_ctx_new(p->x);
    w->sc = scope_ctx_new();
    extract_result_init(&w->res);
    if (w->curl == NULL)
        fatal("cannot create a libcurl handle");
    return w;
}

static void
worker_free(struct worker *w)
{
    curl_easy_cleanup(w->curl);
    extract_ctx_free(w->xc);
    scope_ctx_free(w->sc);
    extract_result_fini(&w->res);
    free(w->body);
    free(w);
}

void
fetch_pool_set_target(struct fetch_pool *p, unsigned n)
{
    if (n < 1)
        n = 1;
    if (n > ENGINE_MAX_THREADS)
        n = ENGINE_MAX_THREADS;
    pthread_mutex_lock(&p->lock);
    p->target = n;
    while (p->n_threads < n && !p->stopping) {
        struct worker *w = worker_new(p, p->n_threads);

        if (pthread_create(&w->tid, NULL, worker_main, w) != 0) {
            worker_free(w);
            break; /* run with what we have */
        }
        p->w[p->n_threads++] = w;
    }
    pthread_cond_broadcast(&p->park_cv);
    pthread_mutex_unlock(&p->lock);
}

void
fetch_pool_abort(struct fetch_pool *p)
{
    atomic_fetch_add(&p->abort_gen, 1);
}

void
fetch_pool_stop(struct fetch_pool *p)
{
    unsigned i, n;

    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->park_cv);
    n = p->n_threads;
    pthread_mutex_unlock(&p->lock);
    for (i = 0; i < n; i++)
        pthread_join(p->w[i]->tid, NULL);
}

void
fetch_pool_free(struct fetch_pool *p)
{
    unsigned i;

    if (p == NULL)
        return;
    for (i = 0; i < p->n_threads; i++)
        worker_free(p->w[i]);
    if (p->share != NULL)
        curl_share_cleanup(p->share);
    curl_slist_free_all(p->resolve);
    for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&p->share_lock[i]);
    pthread_mutex_destroy(&p->status_lock);
    pthread_cond_destroy(&p->park_cv);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
