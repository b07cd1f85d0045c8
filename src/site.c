/* SPDX-License-Identifier: MIT */
/*
 * site.c - the synthetic web site behind testsrv and `crawltop --demo`.
 *
 * DESIGN: nothing about a page is stored. Page i of a host is rendered per
 * request from a random stream seeded by (host name, i), and page_links()
 * is the one place that decides a page's links: render_page() writes them
 * as <a href> and site_expected() follows them, so the expected crawl
 * matches what is served by construction. Each link carries the target
 * URL it resolves to (host index and normalised path?query), so no URL
 * resolver is needed here; the crawler's own resolver is what the tests
 * check. The only shared mutable state is the request-count table (one
 * mutex) and two atomics.
 */
#include "site.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "httpd.h"
#include "util.h"

#define SITE_MAX_PAGES (1ull << 60) /* keeps 4i+4 from overflowing */
#define SITE_HOST_MAX 200
#define SITE_RANDOM_LINKS 8
#define SITE_LINKS_MAX 200000      /* /t/links/<n> */
#define SITE_BIG_MAX (64ull << 30) /* /t/big/<bytes> */
#define SITE_BOMB_SIZE (50u << 20) /* /t/gzip-bomb inflates to this */
#define SITE_SLEEP_MAX (3600 * 1000)
#define SITE_REDIRECT_MAX 1000

/* Link targets that are not a page of a configured host. */
#define LINK_SELF (-1)    /* "#top": the page itself */
#define LINK_OFFSITE (-2) /* another site or scheme: never followed */

static const char HTML_TYPE[] = "text/html; charset=utf-8";

/* ---- hashing and random streams ---------------------------------------- */

static uint64_t
mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint64_t
fnv64(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* A fraction in [0, 1) from a hash. */
static double
unit(uint64_t h)
{
    return (double)(h >> 11) * 0x1p-53;
}

struct rng {
    uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
    r->s += 0x9e3779b97f4a7c15ull;
    return mix64(r->s);
}

/* ---- growable byte buffer ---------------------------------------------- */

struct buf {
    char *p;
    size_t len, cap;
};

static void
buf_add(struct buf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap > 0 ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void
buf_str(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(tmp)) {
        buf_add(b, tmp, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf_add(b, big, (size_t)n);
    free(big);
}

/* ---- string -> counter map (open addressing) ---------------------------- */

struct strmap_ent {
    char *key; /* NULL: empty slot */
    uint64_t hash;
    uint64_t val;
};

struct strmap {
    struct strmap_ent *v;
    size_t cap, len; /* cap is 0 or a power of two; len <= cap / 2 */
};

static void
strmap_fini(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->v[i].key);
    free(m->v);
    memset(m, 0, sizeof(*m));
}

static void
strmap_grow(struct strmap *m)
{
    size_t cap = m->cap > 0 ? m->cap * 2 : 1024;
    struct strmap_ent *v = xcalloc(cap, sizeof(*v));

    for (size_t i = 0; i < m->cap; i++) {
        if (m->v[i].key == NULL)
            continue;
        size_t j = m->v[i].hash & (cap - 1);
        while (v[j].key != NULL)
            j = (j + 1) & (cap - 1);
        v[j] = m->v[i];
    }
    free(m->v);
    m->v = v;
    m->cap = cap;
}

/* The entry for key (len bytes); created (val 0) if create and absent,
 * else NULL when absent. */
static struct strmap_ent *
strmap_get(struct strmap *m, const char *key, size_t len, bool create)
{
    uint64_t h = fnv64(key, len);

    if (m->cap > 0) {
        for (size_t j = h & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
            struct strmap_ent *e = &m->v[j];
            if (e->key == NULL)
                break;
            if (e->hash == h && strncmp(e->key, key, len) == 0 &&
                e->key[len] == '\0')
                return e;
        }
    }
    if (!create)
        return NULL;
    if ((m->len + 1) * 2 > m->cap)
        strmap_grow(m);
    size_t j = h & (m->cap - 1);
    while (m->v[j].key != NULL)
        j = (j + 1) & (m->cap - 1);
    m->v[j].key = xstrndup(key, len);
    m->v[j].hash = h;
    m->v[j].val = 0;
    m->len++;
    return &m->v[j];
}

/* ---- the site ----------------------------------------------------------- */

struct host {
    char *name;
    uint64_t hash; /* of name: seeds every page's random stream */
    struct site_host prof;
    pthread_mutex_t rl_lock; /* guards the rate-limit window below */
    int64_t rl_second;       /* guarded by rl_lock */
    unsigned rl_count;       /* guarded by rl_lock */
};

struct site {
    struct host *hosts;
    size_t nhosts;
    _Atomic unsigned port;
    atomic_uint_fast64_t seq;   /* requests so far: drives latency jitter */
    atomic_uint_fast64_t total; /* requests handled */
    pthread_mutex_t count_lock;
    struct strmap counts; /* guarded by count_lock: "host/target" -> n */
    size_t count_limit;   /* guarded by count_lock */
};

struct site *
site_new(const struct site_host *hosts, size_t nhosts, unsigned port,
         char **cause)
{
    struct site *s;

    if (nhosts == 0 || port > 65535) {
        *cause = xasprintf("site: no hosts or bad port %u", port);
        return NULL;
    }
    for (size_t i = 0; i < nhosts; i++) {
        const struct site_host *h = &hosts[i];
        size_t n = h->name != NULL ? strlen(h->name) : 0;
        bool ok = n > 0 && n <= SITE_HOST_MAX && h->pages >= 1 &&
                  h->pages <= SITE_MAX_PAGES && h->error_rate >= 0 &&
                  h->error_rate <= 1 && h->broken_rate >= 0 &&
                  h->broken_rate <= 1;
        for (size_t k = 0; ok && k < n; k++) {
            char ch = h->name[k];
            ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                 ch == '.' || ch == '-';
        }
        for (size_t k = 0; ok && k < i; k++)
            ok = strcmp(hosts[k].name, h->name) != 0;
        if (!ok) {
            *cause = xasprintf("site: bad host %zu (\"%s\"): need a distinct "
                               "lower-case name, 1..2^60 pages, rates in "
                               "[0,1]",
                               i, h->name != NULL ? h->name : "");
            return NULL;
        }
    }
    s = xcalloc(1, sizeof(*s));
    s->hosts = xcalloc(nhosts, sizeof(*s->hosts));
    s->nhosts = nhosts;
    for (size_t i = 0; i < nhosts; i++) {
        s->hosts[i].name = xstrdup(hosts[i].name);
        s->hosts[i].hash = mix64(fnv64(hosts[i].name, strlen(hosts[i].name)));
        s->hosts[i].prof = hosts[i];
        s->hosts[i].prof.name = s->hosts[i].name;
        pthread_mutex_init(&s->hosts[i].rl_lock, NULL);
    }
    atomic_init(&s->port, port);
    atomic_init(&s->seq, 0);
    atomic_init(&s->total, 0);
    pthread_mutex_init(&s->count_lock, NULL);
    s->count_limit = SITE_MAX_COUNTED;
    return s;
}

void
site_free(struct site *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nhosts; i++) {
        free(s->hosts[i].name);
        pthread_mutex_destroy(&s->hosts[i].rl_lock);
    }
    free(s->hosts);
    strmap_fini(&s->counts);
    pthread_mutex_destroy(&s->count_lock);
    free(s);
}

void
site_set_port(struct site *s, unsigned port)
{
    atomic_store(&s->port, port);
}

unsigned
site_port(const struct site *s)
{
    return atomic_load(&((struct site *)s)->port);
}

void
site_set_count_limit(struct site *s, size_t max)
{
    pthread_mutex_lock(&s->count_lock);
    s->count_limit = max;
    pthread_mutex_unlock(&s->count_lock);
}

static int
host_index(const struct site *s, const char *name, size_t len)
{
    for (size_t i = 0; i < s->nhosts; i++)
        if (strncmp(s->hosts[i].name, name, len) == 0 &&
            s->hosts[i].name[len] == '\0')
            return (int)i;
    return -1;
}

/* "http://host" or "http://host:port" (port 80 is left out, as a
 * normalised URL does). */
static void
origin(const struct site *s, const char *host, char *out, size_t outsz)
{
    unsigned port = site_port(s);

    if (port == 80)
        snprintf(out, outsz, "http://%s", host);
    else
        snprintf(out, outsz, "http://%s:%u", host, port);
}

static void
page_path(uint64_t i, char *out, size_t outsz)
{
    if (i == 0)
        snprintf(out, outsz, "/");
    else
        snprintf(out, outsz, "/p/%llu.html", (unsigned long long)i);
}

/* Whole decimal number without sign or leading zeros in s[0..n). */
static bool
parse_num(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* Path of the form prefix<number>suffix; *num gets the number. */
static bool
match_num(const char *path, const char *prefix, const char *suffix,
          uint64_t max, uint64_t *num)
{
    size_t pl = strlen(prefix), sl = strlen(suffix), n = strlen(path);

    if (n < pl + sl + 1 || strncmp(path, prefix, pl) != 0 ||
        strcmp(path + n - sl, suffix) != 0)
        return false;
    return parse_num(path + pl, n - pl - sl, max, num);
}

/* 200, or 500/503 for a deterministic error_rate share of pages i >= 1. */
static int
page_status(const struct host *h, uint64_t i)
{
    char path[64];
    uint64_t x;

    if (i == 0 || h->prof.error_rate <= 0)
        return 200;
    page_path(i, path, sizeof(path));
    x = mix64(h->hash ^ fnv64(path, strlen(path)));
    if (unit(x) >= h->prof.error_rate)
        return 200;
    return (mix64(x) & 1) ? 503 : 500;
}

static bool
page_is_broken(const struct host *h, uint64_t i)
{
    return h->prof.broken_rate > 0 &&
           unit(mix64(h->hash ^ mix64(i ^ 0xb0c3ull))) < h->prof.broken_rate;
}

enum route_kind {
    ROUTE_NOT_FOUND = 0,
    ROUTE_PAGE,
    ROUTE_PRIVATE,
    ROUTE_CSS,
    ROUTE_PNG,
    ROUTE_ROBOTS,
};

struct route {
    enum route_kind kind;
    uint64_t num; /* page or private page number */
    int status;
};

/* What path (no query) is on host hi (-1: unknown host: all 404). */
static void
route(const struct site *s, int hi, const char *path, struct route *r)
{
    uint64_t n;

    memset(r, 0, sizeof(*r));
    r->status = 404;
    if (hi < 0)
        return;
    const struct host *h = &s->hosts[hi];
    if (strcmp(path, "/") == 0) {
        r->kind = ROUTE_PAGE;
        r->num = 0;
    } else if (match_num(path, "/p/", ".html", h->prof.pages - 1, &n) &&
               n >= 1) {
        r->kind = ROUTE_PAGE;
        r->num = n;
    } else if (match_num(path, "/private/", ".html", SITE_PRIVATE_PAGES - 1,
                         &n)) {
        r->kind = ROUTE_PRIVATE;
        r->num = n;
    } else if (strcmp(path, "/static/app.css") == 0) {
        r->kind = ROUTE_CSS;
    } else if (strcmp(path, "/static/logo.png") == 0) {
        r->kind = ROUTE_PNG;
    } else if (strcmp(path, "/robots.txt") == 0) {
        r->kind = ROUTE_ROBOTS;
    } else {
        return;
    }
    r->status = r->kind == ROUTE_PAGE ? page_status(h, r->num)
                : r->kind == ROUTE_ROBOTS && h->prof.robots_status > 0
                    ? h->prof.robots_status
                    : 200;
}

/* ---- links -------------------------------------------------------------- */

struct link {
    const char *href; /* as written in the page */
    const char *label;
    int host;           /* host index, LINK_SELF or LINK_OFFSITE */
    const char *target; /* normalised "path?query" on host */
};

typedef void link_fn(void *arg, const struct link *l);

static void
emit(link_fn *fn, void *arg, const char *href, const char *label, int host,
     const char *target)
{
    struct link l = {href, label, host, target};
    fn(arg, &l);
}

/* The four ways a page links to page t of its own host, from page i. */
enum link_form { FORM_REL, FORM_PARENT_REL, FORM_ROOT_REL, FORM_ABS };

static void
same_host_href(const struct site *s, int hi, uint64_t i, uint64_t t,
               enum link_form form, bool upper, char *out, size_t outsz)
{
    unsigned long long tt = (unsigned long long)t;
    char org[SITE_HOST_MAX + 32];

    switch (form) {
    case FORM_REL:
        if (i == 0)
            snprintf(out, outsz, t == 0 ? "./" : "p/%llu.html", tt);
        else
            snprintf(out, outsz, t == 0 ? "../" : "%llu.html", tt);
        break;
    case FORM_PARENT_REL:
        if (t == 0) /* ".." never climbs above "/" */
            snprintf(out, outsz, i == 0 ? "../" : "../../");
        else
            snprintf(out, outsz, "../p/%llu.html", tt);
        break;
    case FORM_ROOT_REL:
        page_path(t, out, outsz);
        break;
    case FORM_ABS:
        origin(s, s->hosts[hi].name, org, sizeof(org));
        if (upper) /* "http://A.TEST:8080": the host part only */
            for (char *p = org + 7; *p != '\0' && *p != ':'; p++)
                if (*p >= 'a' && *p <= 'z')
                    *p = (char)(*p - 32);
        snprintf(out, outsz, "%s", org);
        page_path(t, out + strlen(out), outsz - strlen(out));
        break;
    }
}

/* Every link of page i of host hi, in page order. */
static void
page_links(const struct site *s, int hi, uint64_t i, link_fn *fn, void *arg)
{
    const struct host *h = &s->hosts[hi];
    uint64_t pages = h->prof.pages;
    struct rng r = {mix64(h->hash ^ mix64(i))};
    char href[512], target[128], label[64], org[SITE_HOST_MAX + 32];

    emit(fn, arg, "/", "Home", hi, "/");
    emit(fn, arg, "/static/app.css", "Style sheet", hi, "/static/app.css");
    emit(fn, arg, "/static/logo.png", "Logo", hi, "/static/logo.png");
    emit(fn, arg, "#top", "Top", LINK_SELF, NULL);
    if (i > 0) {
        uint64_t p = (i - 1) / 4;
        same_host_href(s, hi, i, p, FORM_REL, false, href, sizeof(href));
        page_path(p, target, sizeof(target));
        emit(fn, arg, href, "Up", hi, target);
    }
    for (uint64_t c = 4 * i + 1; c <= 4 * i + 4 && c < pages; c++) {
        same_host_href(s, hi, i, c, FORM_REL, false, href, sizeof(href));
        page_path(c, target, sizeof(target));
        snprintf(label, sizeof(label), "Page %llu", (unsigned long long)c);
        emit(fn, arg, href, label, hi, target);
    }
    unsigned nrand = h->prof.links > 0 ? h->prof.links : SITE_RANDOM_LINKS;

    for (unsigned k = 0; k < nrand; k++) {
        uint64_t t = rng_next(&r) % pages;
        uint64_t x = rng_next(&r);
        enum link_form form = (enum link_form)(x % 4);
        unsigned var = (unsigned)((x >> 8) % 8),
                 q = 1 + (unsigned)((x >> 16) % 3);
        bool upper = ((x >> 24) % 8) == 0;
        size_t n;

        same_host_href(s, hi, i, t, form, upper, href, sizeof(href));
        page_path(t, target, sizeof(target));
        n = strlen(href);
        if (var == 0) {
            snprintf(href + n, sizeof(href) - n, "#s%u", q);
        } else if (var == 1 || var == 2) {
            snprintf(href + n, sizeof(href) - n,
                     var == 1 ? "?q=%u" : "?q=%u#s%u", q, q);
            n = strlen(target);
            snprintf(target + n, sizeof(target) - n, "?q=%u", q);
        }
        snprintf(label, sizeof(label), "See page %llu", (unsigned long long)t);
        emit(fn, arg, href, label, hi, target);
    }
    uint64_t x = rng_next(&r);
    if (x % 4 == 0) { /* query-only: resolves against this page's path */
        unsigned q = 1 + (unsigned)((x >> 8) % 3);
        snprintf(href, sizeof(href), "?q=%u", q);
        page_path(i, target, sizeof(target));
        snprintf(target + strlen(target), sizeof(target) - strlen(target),
                 "?q=%u", q);
        emit(fn, arg, href, "Variant", hi, target);
    }
    x = rng_next(&r);
    if (x % 10 == 0) {
        snprintf(href, sizeof(href), "/private/%u.html",
                 (unsigned)((x >> 8) % SITE_PRIVATE_PAGES));
        emit(fn, arg, href, "Members only", hi, href);
    }
    if (page_is_broken(h, i)) {
        snprintf(href, sizeof(href), "/gone/%llu.html", (unsigned long long)i);
        emit(fn, arg, href, "Old page", hi, href);
    }
    x = rng_next(&r);
    if (s->nhosts > 1 && i == 0) {
        for (size_t k = 0; k < s->nhosts; k++) {
            if ((int)k == hi)
                continue;
            origin(s, s->hosts[k].name, org, sizeof(org));
            snprintf(href, sizeof(href), "%s/", org);
            snprintf(label, sizeof(label), "Visit %.40s", s->hosts[k].name);
            emit(fn, arg, href, label, (int)k, "/");
        }
    } else if (s->nhosts > 1 && x % 4 == 0) {
        size_t k =
            (size_t)(hi + 1 + (int)((x >> 8) % (s->nhosts - 1))) % s->nhosts;
        uint64_t t = rng_next(&r) % s->hosts[k].prof.pages;
        origin(s, s->hosts[k].name, org, sizeof(org));
        page_path(t, target, sizeof(target));
        snprintf(href, sizeof(href), "%s%s", org, target);
        emit(fn, arg, href, "Elsewhere", (int)k, target);
    }
    if (i == 0) {
        emit(fn, arg, "http://offsite.invalid/", "Off site", LINK_OFFSITE,
             NULL);
        emit(fn, arg, "mailto:nobody@example.invalid", "Mail", LINK_OFFSITE,
             NULL);
        emit(fn, arg, "javascript:void(0)", "Script", LINK_OFFSITE, NULL);
    }
}

static void
private_links(const struct site *s, int hi, uint64_t k, link_fn *fn, void *arg)
{
    char href[64];

    (void)s;
    emit(fn, arg, "/", "Home", hi, "/");
    snprintf(href, sizeof(href), "/private/%u.html",
             (unsigned)((k + 1) % SITE_PRIVATE_PAGES));
    emit(fn, arg, href, "Next secret", hi, href);
}

/* ---- page rendering ----------------------------------------------------- */

static const char *const WORDS[] = {
    "crawler", "frontier", "politeness", "latency", "café",     "naïve",
    "Zürich",  "日本語",   "spider",     "index",   "robots",   "queue",
    "host",    "page",     "link",       "anchor",  "&amp;",    "résumé",
    "lorem",   "ipsum",    "dolor",      "sit",     "amet",     "fetch",
    "status",  "header",   "body",       "title",   "graph",    "tree",
    "breadth", "depth",    "throttle",   "delay",   "Ωmega",    "über",
    "network", "socket",   "thread",     "worker",  "terminal", "dashboard",
};

static void
filler(struct buf *b, struct rng *r, size_t words)
{
    buf_str(b, "<p>");
    for (size_t k = 0; k < words; k++) {
        if (k > 0)
            buf_str(b, (rng_next(r) % 12) == 0 ? ". " : " ");
        buf_str(b, WORDS[rng_next(r) % (sizeof(WORDS) / sizeof(WORDS[0]))]);
    }
    buf_str(b, ".</p>\n");
}

struct render {
    struct buf *b;
    struct rng *r;
    unsigned n;
};

static void
render_link(void *arg, const struct link *l)
{
    struct render *rd = arg;

    buf_printf(rd->b, "<li><a href=\"%s\">%s</a></li>\n", l->href, l->label);
    if (++rd->n % 6 == 0) {
        buf_str(rd->b, "</ul>\n");
        filler(rd->b, rd->r, 30 + rng_next(rd->r) % 40);
        buf_str(rd->b, "<ul>\n");
    }
}

static void
render_head(struct buf *b, const char *title)
{
    buf_printf(b,
               "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
               "<meta charset=\"utf-8\">\n<title>%s</title>\n"
               "<link rel=\"stylesheet\" href=\"/static/app.css\">\n"
               "</head>\n<body id=\"top\">\n"
               "<header><img src=\"/static/logo.png\" alt=\"\"></header>\n"
               "<h1>%s</h1>\n",
               title, title);
}

/* Page i of host hi (status 200): 5-15 KB, links from page_links(). */
static void
render_page(const struct site *s, int hi, uint64_t i, struct buf *b)
{
    const struct host *h = &s->hosts[hi];
    struct rng r = {mix64(h->hash ^ mix64(i) ^ 0x7e57ull)};
    size_t size = 5000 + rng_next(&r) % 10000;
    struct render rd = {b, &r, 0};
    char title[SITE_HOST_MAX + 64];

    snprintf(title, sizeof(title), "Page %llu \xe2\x80\x94 %s",
             (unsigned long long)i, h->name);
    render_head(b, title);
    filler(b, &r, 40 + rng_next(&r) % 40);
    buf_str(b, "<ul>\n");
    page_links(s, hi, i, render_link, &rd);
    buf_str(b, "</ul>\n");
    while (b->len + 120 < size)
        filler(b, &r, 20 + rng_next(&r) % 60);
    buf_printf(b,
               "<footer>Generated page %llu of %llu on %s. "
               "&copy; crawltop</footer>\n</body>\n</html>\n",
               (unsigned long long)i, (unsigned long long)h->prof.pages,
               h->name);
}

static void
render_private(const struct site *s, int hi, uint64_t k, struct buf *b)
{
    struct rng r = {mix64(k)};
    struct render rd = {b, &r, 0};
    char title[64];

    snprintf(title, sizeof(title), "Private %llu", (unsigned long long)k);
    render_head(b, title);
    filler(b, &r, 50);
    buf_str(b, "<ul>\n");
    private_links(s, hi, k, render_link, &rd);
    buf_str(b, "</ul>\n</body>\n</html>\n");
}

static void
render_status(struct buf *b, int status, const char *detail)
{
    buf_printf(b,
               "<!DOCTYPE html>\n<html><head><title>%d %s</title></head>\n"
               "<body><h1>%d %s</h1>\n<p>%s</p></body></html>\n",
               status, httpd_reason(status), status, httpd_reason(status),
               detail);
}

static const char APP_CSS[] =
    "/* crawltop synthetic site */\n"
    "body { font-family: sans-serif; margin: 2em auto; max-width: 48em; }\n"
    "h1 { font-size: 1.6em; border-bottom: 1px solid #ccc; }\n"
    "a { color: #0645ad; text-decoration: none; }\n"
    "a:hover { text-decoration: underline; }\n"
    "ul { columns: 2; }\n"
    "footer { color: #777; font-size: small; margin-top: 3em; }\n"
    "header img { width: 16px; height: 16px; }\n";

static const unsigned char LOGO_PNG[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
    0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f,
    0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47, 0xba, 0x92, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static const char ROBOTS_TXT[] = "User-agent: *\nDisallow: /private/\n";

/* Hostile page: terminal escapes, invalid UTF-8, C1 controls and NULs in
 * the title, text and links. */
static const char ESCAPE_HTML[] =
    "<!DOCTYPE html>\n<html><head><title>\x1b[31mred\x1b]0;pwned\x07 "
    "\xff\xfe bad \xc0\xaf nul[\0] c1[\xc2\x9b"
    "2J] \x1b[2J\x1b[H</title></head>\n<body>\n"
    "<h1>\x1b[5mblink\x1b[0m \r overwrite</h1>\n<ul>\n"
    "<li><a href=\"/t/status/200?e=\x1b[31m\">\x1b[31mred "
    "link\x1b[0m</a></li>\n"
    "<li><a href=\"/t/status/200?o=\x1b]0;pwned\x07\">osc \x1b]0;pwned\x07"
    "</a></li>\n"
    "<li><a href=\"/t/status/200?n=a\0b\">nul \0 inside</a></li>\n"
    "<li><a href=\"/t/status/200?u=\xff\xfe\">bad utf-8 \xff\xfe</a></li>\n"
    "<li><a href=\"/t/status/200?c=\xc2\x9b"
    "31m\">c1 csi</a></li>\n"
    "</ul>\n</body></html>\n";

/* ---- generated bodies (pure, for httpd_gen_fn) --------------------------- */

static const char BIG_PREFIX[] =
    "<!DOCTYPE html>\n<html><head><title>Big page</title></head><body>\n";
static const char BIG_SUFFIX[] = "</body></html>\n";
static const char BIG_FILL[] =
    "<p>All work and no play makes a crawler a dull crawler.</p>\n";

/* HTML of exactly total bytes (or endless when total is UINT64_MAX). */
static size_t
gen_html(uint64_t off, uint64_t total, char *buf, size_t cap)
{
    const uint64_t pl = sizeof(BIG_PREFIX) - 1, sl = sizeof(BIG_SUFFIX) - 1,
                   fl = sizeof(BIG_FILL) - 1;
    bool framed = total >= pl + sl;
    size_t n = 0;

    while (n < cap && off < total) {
        const char *src;
        uint64_t avail;
        if (framed && off < pl) {
            src = BIG_PREFIX + off;
            avail = pl - off;
        } else if (framed && total != UINT64_MAX && off >= total - sl) {
            src = BIG_SUFFIX + (off - (total - sl));
            avail = total - off;
        } else {
            uint64_t at = (off - (framed ? pl : 0)) % fl;
            src = BIG_FILL + at;
            avail = fl - at;
            if (framed && total != UINT64_MAX && avail > total - sl - off)
                avail = total - sl - off;
        }
        if (avail > cap - n)
            avail = cap - n;
        memcpy(buf + n, src, (size_t)avail);
        n += (size_t)avail;
        off += avail;
    }
    return n;
}

/* Random bytes (the same for every request). */
static size_t
gen_binary(uint64_t off, uint64_t total, char *buf, size_t cap)
{
    size_t n = 0;

    while (n < cap && off < total) {
        uint64_t w = mix64(off / 8 ^ 0xb1a7ull);
        buf[n++] = (char)(w >> (8 * (off % 8)));
        off++;
    }
    return n;
}

/* ---- gzip bomb: SITE_BOMB_SIZE zeros, fixed-Huffman deflate -------------- */

static unsigned char *bomb;
static size_t bomb_len;
static pthread_once_t bomb_once = PTHREAD_ONCE_INIT;

struct bits {
    struct buf b;
    uint32_t acc;
    unsigned n;
};

/* Append the low n bits of v, least significant first. */
static void
bits_put(struct bits *w, uint32_t v, unsigned n)
{
    w->acc |= v << w->n;
    w->n += n;
    while (w->n >= 8) {
        unsigned char byte = (unsigned char)w->acc;
        buf_add(&w->b, &byte, 1);
        w->acc >>= 8;
        w->n -= 8;
    }
}

/* Huffman codes go most significant bit first. */
static void
bits_code(struct bits *w, uint32_t code, unsigned n)
{
    uint32_t rev = 0;

    for (unsigned i = 0; i < n; i++)
        rev |= ((code >> i) & 1u) << (n - 1 - i);
    bits_put(w, rev, n);
}

static uint32_t
crc32_zeros(size_t n)
{
    uint32_t table[256], crc = 0xffffffffu;

    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ 0) & 0xff] ^ (crc >> 8);
    return crc ^ 0xffffffffu;
}

static void
put_le32(struct buf *b, uint32_t v)
{
    unsigned char le[4] = {(unsigned char)v, (unsigned char)(v >> 8),
                           (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    buf_add(b, le, 4);
}

static void
bomb_build(void)
{
    static const unsigned char hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    struct bits w = {{NULL, 0, 0}, 0, 0};
    size_t left = SITE_BOMB_SIZE;

    buf_add(&w.b, hdr, sizeof(hdr));
    bits_put(&w, 1, 1);     /* BFINAL */
    bits_put(&w, 1, 2);     /* BTYPE 01: fixed Huffman */
    bits_code(&w, 0x30, 8); /* literal 0 */
    left--;
    while (left >= 258) {
        bits_code(&w, 0xc5, 8); /* length code 285: 258 bytes */
        bits_code(&w, 0, 5);    /* distance code 0: distance 1 */
        left -= 258;
    }
    for (; left > 0; left--)
        bits_code(&w, 0x30, 8);
    bits_code(&w, 0, 7); /* end of block */
    if (w.n > 0)
        bits_put(&w, 0, 8 - w.n);
    put_le32(&w.b, crc32_zeros(SITE_BOMB_SIZE));
    put_le32(&w.b, SITE_BOMB_SIZE);
    bomb = (unsigned char *)w.b.p;
    bomb_len = w.b.len;
}

/* ---- request counts ----------------------------------------------------- */

/* Count one request for key; returns the new count (0 if not tracked). */
static uint64_t
count_add(struct site *s, const char *key)
{
    uint64_t n = 0;

    atomic_fetch_add(&s->total, 1);
    pthread_mutex_lock(&s->count_lock);
    struct strmap_ent *e = strmap_get(&s->counts, key, strlen(key), false);
    if (e == NULL && s->counts.len < s->count_limit)
        e = strmap_get(&s->counts, key, strlen(key), true);
    if (e != NULL)
        n = ++e->val;
    pthread_mutex_unlock(&s->count_lock);
    return n;
}

/* Split "http://host[:port]/target#frag": host lower-cased into host, and
 * target (without fragment) into target. False if not such a URL. */
static bool
split_url(const char *url, char *host, size_t hostsz, unsigned *port,
          char *target, size_t targetsz)
{
    const char *p, *hend, *t, *frag;
    size_t n;

    if (strncasecmp(url, "http://", 7) != 0)
        return false;
    p = url + 7;
    t = p + strcspn(p, "/?#");
    hend = memchr(p, ':', (size_t)(t - p));
    *port = 80;
    if (hend != NULL) {
        uint64_t v;
        if (!parse_num(hend + 1, (size_t)(t - hend - 1), 65535, &v))
            return false;
        *port = (unsigned)v;
    } else {
        hend = t;
    }
    n = (size_t)(hend - p);
    if (n == 0 || n >= hostsz)
        return false;
    for (size_t i = 0; i < n; i++)
        host[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
    host[n] = '\0';
    frag = strchr(t, '#');
    n = frag != NULL ? (size_t)(frag - t) : strlen(t);
    if (n + 2 > targetsz)
        return false;
    if (*t != '/') { /* "http://h" or "http://h?q" */
        target[0] = '/';
        memcpy(target + 1, t, n);
        target[n + 1] = '\0';
    } else {
        memcpy(target, t, n);
        target[n] = '\0';
    }
    return true;
}

uint64_t
site_request_count(struct site *s, const char *url)
{
    char host[SITE_HOST_MAX + 1], target[HTTPD_MAX_TARGET + 2];
    char *key;
    unsigned port;
    uint64_t n = 0;

    if (!split_url(url, host, sizeof(host), &port, target, sizeof(target)))
        return 0;
    key = xasprintf("%s%s", host, target);
    pthread_mutex_lock(&s->count_lock);
    struct strmap_ent *e = strmap_get(&s->counts, key, strlen(key), false);
    if (e != NULL)
        n = e->val;
    pthread_mutex_unlock(&s->count_lock);
    free(key);
    return n;
}

uint64_t
site_request_total(struct site *s)
{
    return atomic_load(&s->total);
}

struct dump_ent {
    char *url;
    uint64_t n;
};

static int
cmp_dump(const void *a, const void *b)
{
    return strcmp(((const struct dump_ent *)a)->url,
                  ((const struct dump_ent *)b)->url);
}

int
site_dump_counts(struct site *s, FILE *out)
{
    struct dump_ent *v;
    size_t n = 0;
    char org[SITE_HOST_MAX + 32];
    int rc = 0;

    /* Copy under the lock, sort and write without it. */
    pthread_mutex_lock(&s->count_lock);
    v = xcalloc(s->counts.len + 1, sizeof(*v));
    for (size_t i = 0; i < s->counts.cap; i++) {
        const struct strmap_ent *e = &s->counts.v[i];
        if (e->key == NULL)
            continue;
        size_t hl = strcspn(e->key, "/");
        char host[SITE_HOST_MAX + 1];
        snprintf(host, sizeof(host), "%.*s", (int)hl, e->key);
        origin(s, host, org, sizeof(org));
        v[n].url = xasprintf("%s%s", org, e->key + hl);
        v[n].n = e->val;
        n++;
    }
    pthread_mutex_unlock(&s->count_lock);
    qsort(v, n, sizeof(*v), cmp_dump);
    for (size_t i = 0; i < n; i++) {
        if (fprintf(out, "%llu\t%s\n", (unsigned long long)v[i].n, v[i].url) <
            0)
            rc = -1;
        free(v[i].url);
    }
    free(v);
    if (fflush(out) != 0)
        rc = -1;
    return rc;
}

/* ---- serving ------------------------------------------------------------ */

static void
set_buf_body(struct httpd_response *resp, struct buf *b, const char *type)
{
    if (b->p == NULL)
        buf_add(b, "", 0);
    resp->body = resp->body_owned = b->p;
    resp->body_len = b->len;
    resp->content_type = type;
}

static void
set_status_page(struct httpd_response *resp, int status, const char *detail)
{
    struct buf b = {0};

    render_status(&b, status, detail);
    resp->status = status;
    set_buf_body(resp, &b, HTML_TYPE);
}

/* Percent-decode s into out; false on a bad escape or overflow. */
static bool
pct_decode(const char *s, char *out, size_t outsz)
{
    size_t n = 0;

    for (; *s != '\0'; s++) {
        char ch = *s;
        if (ch == '%') {
            char hex[3] = {s[1], s[1] != '\0' ? s[2] : '\0', '\0'};
            char *end;
            long v = strtol(hex, &end, 16);
            if (hex[0] == '\0' || hex[1] == '\0' || *end != '\0' ||
                hex[0] == '-' || hex[0] == '+' || hex[0] == ' ')
                return false;
            ch = (char)v;
            s += 2;
        }
        if (n + 1 >= outsz)
            return false;
        out[n++] = ch;
    }
    out[n] = '\0';
    return true;
}

/* The /t/ endpoints. rawhost is the Host header as sent (for absolute
 * Location headers); count is this request's count for its URL. */
static void
serve_test(const char *rawhost, const char *path, uint64_t count,
           struct httpd_response *resp)
{
    const char *rest = path + 3; /* after "/t/" */
    struct buf b = {0};
    uint64_t n = 0, m;
    const char *slash;
    char detail[256];

    if (match_num(path, "/t/status/", "", 999, &n) && n >= 200) {
        snprintf(detail, sizeof(detail), "You asked for status %llu.",
                 (unsigned long long)n);
        set_status_page(resp, (int)n, detail);
    } else if (match_num(path, "/t/sleep/", "", SITE_SLEEP_MAX, &n)) {
        snprintf(detail, sizeof(detail), "Slept %llu ms.",
                 (unsigned long long)n);
        set_status_page(resp, 200, detail);
        resp->delay_ms = (unsigned)n;
    } else if (match_num(path, "/t/redirect/", "", SITE_REDIRECT_MAX, &n)) {
        if (n == 0) {
            set_status_page(resp, 200, "End of the redirect chain.");
        } else {
            set_status_page(resp, 302, "Redirecting.");
            /* Odd steps use an absolute Location, even ones a path. */
            if (n % 2 == 1)
                httpd_add_header(resp, "Location", "http://%s/t/redirect/%llu",
                                 rawhost, (unsigned long long)(n - 1));
            else
                httpd_add_header(resp, "Location", "/t/redirect/%llu",
                                 (unsigned long long)(n - 1));
        }
    } else if (strcmp(rest, "redirect-loop") == 0) {
        set_status_page(resp, 302, "Round and round.");
        httpd_add_header(resp, "Location", "/t/redirect-loop");
    } else if (strcmp(rest, "redirect-ftp") == 0) {
        set_status_page(resp, 302, "Off to FTP.");
        httpd_add_header(resp, "Location", "ftp://ftp.invalid/pub/file.txt");
    } else if (match_num(path, "/t/retry-after/", "", 86400, &n)) {
        set_status_page(resp, 429, "Slow down.");
        httpd_add_header(resp, "Retry-After", "%llu", (unsigned long long)n);
    } else if (match_num(path, "/t/big/", "", SITE_BIG_MAX, &n)) {
        resp->content_type = HTML_TYPE;
        resp->gen = gen_html;
        resp->gen_len = n;
    } else if (strcmp(rest, "endless") == 0) {
        resp->content_type = HTML_TYPE;
        resp->gen = gen_html;
        resp->gen_len = UINT64_MAX;
        resp->mode = HTTPD_ENDLESS;
    } else if (strcmp(rest, "trickle") == 0 ||
               match_num(path, "/t/trickle/", "", SITE_BIG_MAX, &n)) {
        resp->content_type = HTML_TYPE;
        resp->gen = gen_html;
        resp->gen_len = strcmp(rest, "trickle") == 0 ? 1024 : n;
        resp->mode = HTTPD_TRICKLE;
        resp->trickle_ms = 1000;
    } else if (strcmp(rest, "hang") == 0) {
        resp->mode = HTTPD_HANG;
    } else if (strcmp(rest, "reset") == 0) {
        resp->content_type = HTML_TYPE;
        resp->gen = gen_html;
        resp->gen_len = 8192;
        resp->mode = HTTPD_RESET;
    } else if (strcmp(rest, "gzip-bomb") == 0) {
        pthread_once(&bomb_once, bomb_build);
        resp->content_type = HTML_TYPE;
        resp->body = bomb;
        resp->body_len = bomb_len;
        httpd_add_header(resp, "Content-Encoding", "gzip");
    } else if (strcmp(rest, "binary") == 0 ||
               match_num(path, "/t/binary/", "", SITE_BIG_MAX, &n)) {
        resp->content_type = HTML_TYPE;
        resp->gen = gen_binary;
        resp->gen_len = strcmp(rest, "binary") == 0 ? 65536 : n;
    } else if (match_num(path, "/t/links/", "", SITE_LINKS_MAX, &n)) {
        render_head(&b, "Many links");
        buf_str(&b, "<ul>\n");
        for (m = 0; m < n; m++)
            buf_printf(&b,
                       "<li><a href=\"/t/status/200?link=%llu\">link %llu"
                       "</a></li>\n",
                       (unsigned long long)m, (unsigned long long)m);
        buf_str(&b, "</ul>\n</body>\n</html>\n");
        set_buf_body(resp, &b, HTML_TYPE);
    } else if (strcmp(rest, "long-url") == 0) {
        /* a link to a URL of over 9 KiB, and a normal one */
        char *q = xmalloc(9001);

        memset(q, 'x', 9000);
        q[9000] = '\0';
        buf_str(&b, "<!DOCTYPE html>\n<html><head><title>Long URL</title>"
                    "</head><body><a href=\"/t/status/200?q=");
        buf_str(&b, q);
        buf_str(&b, "\">too long</a> <a href=\"/t/status/200?short\">"
                    "short</a></body></html>\n");
        set_buf_body(resp, &b, HTML_TYPE);
        free(q);
    } else if (strcmp(rest, "escape") == 0) {
        resp->content_type = HTML_TYPE;
        resp->body = ESCAPE_HTML;
        resp->body_len = sizeof(ESCAPE_HTML) - 1;
    } else if (strncmp(rest, "type/", 5) == 0) {
        char *type = xmalloc(strlen(rest));
        bool ok = pct_decode(rest + 5, type, strlen(rest)) && type[0] != '\0' &&
                  strlen(type) < 200;
        for (char *p = type; ok && *p != '\0'; p++)
            ok = *p >= 0x20 && *p < 0x7f;
        if (!ok) {
            set_status_page(resp, 400, "Bad content type.");
            free(type);
            return;
        }
        render_head(&b, "Typed");
        buf_str(&b, "<p><a href=\"/t/status/200?from=type\">a link</a></p>\n"
                    "</body>\n</html>\n");
        set_buf_body(resp, &b, NULL);
        httpd_add_header(resp, "Content-Type", "%s", type);
        free(type);
    } else if (strncmp(rest, "flaky/", 6) == 0 &&
               (slash = strchr(rest + 6, '/')) != NULL &&
               parse_num(rest + 6, (size_t)(slash - rest - 6), 1000000, &n) &&
               slash[1] != '\0') {
        if (count > 0 && count <= n) {
            snprintf(detail, sizeof(detail), "Failure %llu of %llu.",
                     (unsigned long long)count, (unsigned long long)n);
            set_status_page(resp, 503, detail);
        } else {
            set_status_page(resp, 200, "Recovered.");
        }
    } else {
        set_status_page(resp, 404, "No such test endpoint.");
    }
}

/* Count a request against h's per-second budget; true if over it. */
static bool
over_rate(struct host *h)
{
    int64_t sec = now_ms() / 1000;
    bool over;

    pthread_mutex_lock(&h->rl_lock);
    if (sec != h->rl_second) {
        h->rl_second = sec;
        h->rl_count = 0;
    }
    over = ++h->rl_count > h->prof.max_rps;
    pthread_mutex_unlock(&h->rl_lock);
    return over;
}

/* Serve target on host (lower-case, no port; may be unknown). counted is
 * this request's count (0 when not counting). */
static void
serve(struct site *s, const char *host, const char *rawhost, const char *target,
      uint64_t count, bool with_delay, struct httpd_response *resp)
{
    char path[HTTPD_MAX_TARGET + 1];
    size_t plen = strcspn(target, "?#");
    int hi = host_index(s, host, strlen(host));
    struct route r;
    struct buf b = {0};

    snprintf(path, sizeof(path), "%.*s", (int)plen, target);
    if (strncmp(path, "/t/", 3) == 0) {
        serve_test(rawhost, path, count, resp);
        return;
    }
    route(s, hi, path, &r);
    if (hi >= 0 && with_delay && s->hosts[hi].prof.max_rps > 0 &&
        over_rate(&s->hosts[hi])) {
        set_status_page(resp, 429, "Too many requests this second.");
        return;
    }
    if (hi >= 0 && with_delay) {
        const struct site_host *p = &s->hosts[hi].prof;
        int64_t d = p->latency_ms;
        if (p->jitter_ms > 0) {
            uint64_t x = mix64(atomic_fetch_add(&s->seq, 1) ^ 0x5eedull);
            d += (int64_t)(x % (2 * (uint64_t)p->jitter_ms + 1)) -
                 (int64_t)p->jitter_ms;
        }
        resp->delay_ms = d > 0 ? (unsigned)d : 0;
    }
    resp->status = r.status;
    switch (r.kind) {
    case ROUTE_PAGE:
        if (r.status != 200) {
            set_status_page(resp, r.status, "The page failed, as planned.");
            return;
        }
        render_page(s, hi, r.num, &b);
        set_buf_body(resp, &b, HTML_TYPE);
        break;
    case ROUTE_PRIVATE:
        render_private(s, hi, r.num, &b);
        set_buf_body(resp, &b, HTML_TYPE);
        break;
    case ROUTE_CSS:
        resp->content_type = "text/css";
        resp->body = APP_CSS;
        resp->body_len = sizeof(APP_CSS) - 1;
        break;
    case ROUTE_PNG:
        resp->content_type = "image/png";
        resp->body = LOGO_PNG;
        resp->body_len = sizeof(LOGO_PNG);
        break;
    case ROUTE_ROBOTS:
        resp->content_type = "text/plain";
        if (s->hosts[hi].prof.crawl_delay_ms > 0) {
            char *txt = xasprintf("%sCrawl-delay: %u.%03u\n", ROBOTS_TXT,
                                  s->hosts[hi].prof.crawl_delay_ms / 1000,
                                  s->hosts[hi].prof.crawl_delay_ms % 1000);

            resp->body = resp->body_owned = txt;
            resp->body_len = strlen(txt);
        } else {
            resp->body = ROBOTS_TXT;
            resp->body_len = sizeof(ROBOTS_TXT) - 1;
        }
        break;
    case ROUTE_NOT_FOUND:
        set_status_page(resp, 404, hi < 0 ? "Unknown host." : "No such page.");
        break;
    }
}

void
site_handle(void *arg, const struct httpd_request *req,
            struct httpd_response *resp)
{
    struct site *s = arg;
    const char *raw = httpd_header(req, "Host");
    char fallback[64];
    char *key = xasprintf("%s%s", req->host, req->target);
    uint64_t count = count_add(s, key);

    free(key);
    if (raw == NULL || raw[0] == '\0') {
        snprintf(fallback, sizeof(fallback), "127.0.0.1:%u", site_port(s));
        raw = fallback;
    }
    serve(s, req->host, raw, req->target, count, true, resp);
}

char *
site_get(struct site *s, const char *url, int *status, size_t *len)
{
    char host[SITE_HOST_MAX + 1], target[HTTPD_MAX_TARGET + 2];
    char rawhost[SITE_HOST_MAX + 16];
    unsigned port;
    struct httpd_response resp;
    char *body;

    if (!split_url(url, host, sizeof(host), &port, target, sizeof(target)) ||
        port != site_port(s))
        return NULL;
    snprintf(rawhost, sizeof(rawhost), "%s:%u", host, port);
    memset(&resp, 0, sizeof(resp));
    resp.status = 200;
    serve(s, host, rawhost, target, 0, false, &resp);
    *status = resp.status;
    if (resp.gen != NULL) {
        /* Endless and huge bodies: the first 1 MiB. */
        uint64_t total = resp.gen_len < (1u << 20) ? resp.gen_len : 1u << 20;
        body = xmalloc((size_t)total + 1);
        *len = 0;
        while (*len < total)
            *len +=
                resp.gen(*len, resp.gen_len, body + *len, (size_t)total - *len);
    } else {
        body = xmalloc(resp.body_len + 1);
        if (resp.body_len > 0)
            memcpy(body, resp.body, resp.body_len);
        *len = resp.body_len;
    }
    body[*len] = '\0';
    free(resp.body_owned);
    return body;
}

/* ---- expected crawl ----------------------------------------------------- */

struct expect {
    const struct site *s;
    const bool *allowed; /* per host index */
    unsigned flags;
    struct strmap seen; /* "host/target" */
    struct site_url *v; /* found so far, in BFS order */
    int *vhost;         /* host index of v[i] */
    size_t n, cap;
    bool overflow;
};

static void
expect_add(struct expect *x, int hi, const char *target)
{
    const char *host = x->s->hosts[hi].name;
    char org[SITE_HOST_MAX + 32];
    char *key;

    if ((x->flags & SITE_EXPECT_ROBOTS) && strncmp(target, "/private/", 9) == 0)
        return;
    key = xasprintf("%s%s", host, target);
    struct strmap_ent *e = strmap_get(&x->seen, key, strlen(key), false);
    if (e != NULL || x->overflow) {
        free(key);
        return;
    }
    if (x->n == SITE_EXPECT_MAX) {
        x->overflow = true;
        free(key);
        return;
    }
    strmap_get(&x->seen, key, strlen(key), true);
    free(key);
    if (x->n == x->cap) {
        x->cap = x->cap > 0 ? x->cap * 2 : 256;
        x->v = xrealloc(x->v, x->cap * sizeof(*x->v));
        x->vhost = xrealloc(x->vhost, x->cap * sizeof(*x->vhost));
    }
    origin(x->s, host, org, sizeof(org));
    x->v[x->n].url = xasprintf("%s%s", org, target);
    x->v[x->n].status = 0;
    x->vhost[x->n] = hi;
    x->n++;
}

static void
expect_link(void *arg, const struct link *l)
{
    struct expect *x = arg;

    if (l->host < 0 || !x->allowed[l->host])
        return; /* the page itself, or not a followed host */
    expect_add(x, l->host, l->target);
}

static int
cmp_url(const void *a, const void *b)
{
    return strcmp(((const struct site_url *)a)->url,
                  ((const struct site_url *)b)->url);
}

int
site_expected(struct site *s, const char *const *seeds, size_t nseeds,
              const char *const *hosts, size_t nhosts, unsigned flags,
              struct site_url **out, size_t *n)
{
    struct expect x;
    bool *allowed = xcalloc(s->nhosts, sizeof(*allowed));
    char host[SITE_HOST_MAX + 1], target[HTTPD_MAX_TARGET + 2];
    unsigned port;
    int rc = -1;

    memset(&x, 0, sizeof(x));
    x.s = s;
    x.allowed = allowed;
    x.flags = flags;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < s->nhosts; i++)
        allowed[i] = hosts == NULL || nhosts == 0;
    for (size_t i = 0; hosts != NULL && i < nhosts; i++) {
        int hi = host_index(s, hosts[i], strlen(hosts[i]));
        if (hi >= 0)
            allowed[hi] = true;
    }
    for (size_t i = 0; i < nseeds; i++) {
        int hi;
        if (!split_url(seeds[i], host, sizeof(host), &port, target,
                       sizeof(target)) ||
            port != site_port(s))
            goto out;
        hi = host_index(s, host, strlen(host));
        if (hi < 0 || !allowed[hi])
            goto out;
        expect_add(&x, hi, target);
    }
    /* Breadth first: x.v doubles as the queue. */
    for (size_t i = 0; i < x.n && !x.overflow; i++) {
        int hi = x.vhost[i];
        const char *t = x.v[i].url + strcspn(x.v[i].url + 7, "/?") + 7;
        char path[HTTPD_MAX_TARGET + 1];
        struct route r;

        snprintf(path, sizeof(path), "%.*s", (int)strcspn(t, "?"), t);
        if (strncmp(path, "/t/", 3) == 0) {
            x.v[i].status = 0; /* seeded test endpoint: not modelled */
            continue;
        }
        route(s, hi, path, &r);
        x.v[i].status = r.status;
        if (r.status != 200)
            continue;
        if (r.kind == ROUTE_PAGE)
            page_links(s, hi, r.num, expect_link, &x);
        else if (r.kind == ROUTE_PRIVATE)
            private_links(s, hi, r.num, expect_link, &x);
    }
    if (x.overflow)
        goto out;
    qsort(x.v, x.n, sizeof(*x.v), cmp_url);
    *out = x.v;
    *n = x.n;
    x.v = NULL;
    x.n = 0;
    rc = 0;
out:
    site_urls_free(x.v, x.n);
    free(x.vhost);
    strmap_fini(&x.seen);
    free(allowed);
    return rc;
}

void
site_urls_free(struct site_url *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].url);
    free(v);
}
