/* SPDX-License-Identifier: MIT */
/*
 * robots.c - robots.txt parser and matcher (RFC 9309).
 *
 * Thread: any; a struct robots is read-only after robots_parse().
 */

/*
 * DESIGN
 *
 * The engine fetches /robots.txt once per host, calls robots_parse() with
 * our product token, then robots_allowed() for every URL of that host.
 *
 * Parsing is one pass over at most ROBOTS_MAX_BYTES, line by line (CR, LF
 * or CRLF; a line longer than ROBOTS_MAX_LINE is cut there). A group is a
 * run of User-agent lines and the rules after it; the next User-agent line
 * after a rule starts a new group. Crawl-delay counts as a rule for that
 * purpose, Sitemap and unknown lines do not. Since the product is known up
 * front, only the rules of groups naming it ("mine") or '*' ("star") are
 * kept; at the end mine wins if any group named us, even an empty one.
 *
 * Patterns and targets are put in one canonical percent-encoding before
 * comparison (norm()): escapes of unreserved characters are decoded, other
 * escapes get upper-case hex, and bytes that may not appear raw in a URI
 * (controls, space, non-ASCII, "<>\^`{|}, a stray '%') are escaped. '*' and
 * '$' are escaped too when they stand for themselves (always in a target;
 * in a pattern when written as %2A / %24, or a '$' not at the end), so a
 * raw '*' in a pattern is always a wildcard (RFC 9309 2.2.3).
 *
 * Matching: a pattern is literal segments split by '*'. The first segment
 * must be a prefix of the target; each later one is found at its leftmost
 * place after the previous (leftmost is never worse for '*'-only globs);
 * with a trailing '$' the last segment must end the target. Segments are
 * searched with KMP (tables built at parse time), so one rule costs
 * O(target + pattern) whatever the pattern, with no backtracking. Rules are
 * sorted by priority (longer first, Allow first on a tie), so the first
 * match decides.
 *
 * Linear per rule is still 50,000 rules x 8 KiB per call for a hostile
 * file (34,000 rules of '/', '*', "ab" take half a second), so one call
 * may scan at most ROBOTS_MATCH_BUDGET bytes and then disallows. A real file
 * comes nowhere near: most rules fail within a few bytes of their literal head.
 */
#include "robots.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct rule {
    char *pat;     /* normalised pattern, trailing '$' removed */
    uint32_t *kmp; /* KMP failure table per byte of pat, per segment;
                      NULL if pat has no '*' */
    size_t len;    /* bytes in pat */
    size_t prio;   /* normalised length with the '$': longest match wins */
    bool allow;
    bool anchored; /* pattern ended in '$' */
};

/* Rules and crawl-delay collected for one audience (us or '*'). */
struct ruleset {
    struct rule *v;
    size_t n, cap;
    unsigned delay_ms;
    bool has_delay;
};

struct robots {
    struct ruleset rs; /* sorted by priority */
};

struct parser {
    char product[64]; /* our token, as given (compared case-insensitively) */
    size_t plen;
    bool any_agent; /* a User-agent line has been seen */
    bool in_rules;  /* a rule line since the last User-agent line */
    bool cur_mine;  /* the current group names our product */
    bool cur_star;  /* the current group names '*' */
    bool named_us;  /* some group names our product */
    size_t kept;    /* rules kept in mine and star together */
    struct ruleset mine, star;
};

static inline bool
is_ws(int c)
{
    return c == ' ' || c == '\t';
}

static inline int
to_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline bool
is_token_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == '-';
}

static inline int
hex_val(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = to_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static inline bool
is_unreserved(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

/* Characters kept raw: unreserved and reserved (RFC 3986 2.2), minus '*'
 * and '$', which the caller decides on. */
static inline bool
is_raw_ok(int c)
{
    return is_unreserved(c) ||
           (c != 0 && strchr(":/?#[]@!&'()+,;=", c) != NULL);
}

static inline void
put_pct(char *out, size_t *o, int c)
{
    static const char hex[] = "0123456789ABCDEF";

    out[(*o)++] = '%';
    out[(*o)++] = hex[(c >> 4) & 15];
    out[(*o)++] = hex[c & 15];
}

/* Canonical percent-encoding of in[0..n) into out (room for 3n bytes).
 * With pattern set, '*' is kept raw as the wildcard. Returns the length. */
static size_t
norm(const char *in, size_t n, char *out, bool pattern)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)in[i];

        if (c == '%' && i + 2 < n && hex_val(in[i + 1]) >= 0 &&
            hex_val(in[i + 2]) >= 0) {
            int v = hex_val(in[i + 1]) * 16 + hex_val(in[i + 2]);

            if (is_unreserved(v))
                out[o++] = (char)v;
            else
                put_pct(out, &o, v);
            i += 2;
        } else if (c == '*' && pattern) {
            out[o++] = '*';
        } else if (is_raw_ok(c)) {
            out[o++] = (char)c;
        } else {
            put_pct(out, &o, c); /* includes '*', '$' and a stray '%' */
        }
    }
    return o;
}

/* KMP failure table of each '*'-separated segment after the first. */
static uint32_t *
kmp_build(const char *p, size_t n)
{
    uint32_t *f;
    const char *star = memchr(p, '*', n);
    size_t i;

    if (star == NULL)
        return NULL;
    f = xcalloc(n, sizeof(*f));
    for (i = (size_t)(star - p) + 1; i < n;) {
        const char *next = memchr(p + i, '*', n - i);
        size_t end = next ? (size_t)(next - p) : n;
        const char *s = p + i;
        uint32_t *t = f + i;
        size_t k = 0;

        for (size_t j = 1; j < end - i; j++) {
            while (k > 0 && s[j] != s[k])
                k = t[k - 1];
            if (s[j] == s[k])
                k++;
            t[j] = (uint32_t)k;
        }
        i = end + 1;
    }
    return f;
}

/* Take cost from *budget; false if it is spent. */
static inline bool
charge(size_t *budget, size_t cost)
{
    if (cost >= *budget) {
        *budget = 0;
        return false;
    }
    *budget -= cost;
    return true;
}

/* Index just past the leftmost seg (m > 0 bytes, table f) in t[from..n),
 * or SIZE_MAX. Charges the bytes scanned. */
static size_t
kmp_find(const char *seg, const uint32_t *f, size_t m, const char *t,
         size_t from, size_t n, size_t *budget)
{
    size_t k = 0, i;

    for (i = from; i < n; i++) {
        if (k == 0) {
            const char *c = memchr(t + i, seg[0], n - i);

            if (c == NULL)
                break;
            i = (size_t)(c - t);
        }
        while (k > 0 && t[i] != seg[k])
            k = f[k - 1];
        if (t[i] == seg[k])
            k++;
        if (k == m)
            return charge(budget, i + 1 - from) ? i + 1 : SIZE_MAX;
    }
    charge(budget, n - from);
    return SIZE_MAX;
}

static bool
rule_matches(const struct rule *ru, const char *t, size_t n, size_t *budget)
{
    const char *p = ru->pat;
    size_t m = ru->len;
    const char *star = memchr(p, '*', m);
    size_t head = star ? (size_t)(star - p) : m;
    size_t pos, i;

    if (n < head || !charge(budget, 1 + head / 8) || memcmp(t, p, head) != 0)
        return false;
    if (star == NULL)
        return !ru->anchored || n == m;
    for (pos = head, i = head + 1;;) {
        const char *next = memchr(p + i, '*', m - i);
        size_t end = next ? (size_t)(next - p) : m;
        size_t sl = end - i;

        if (next == NULL && ru->anchored)
            return n - pos >= sl && memcmp(t + n - sl, p + i, sl) == 0;
        if (sl > 0) {
            pos = kmp_find(p + i, ru->kmp + i, sl, t, pos, n, budget);
            if (pos == SIZE_MAX)
                return false;
        }
        if (next == NULL)
            return true;
        i = end + 1;
    }
}

static void
ruleset_fini(struct ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        free(rs->v[i].pat);
        free(rs->v[i].kmp);
    }
    free(rs->v);
    memset(rs, 0, sizeof(*rs));
}

static void
ruleset_add(struct ruleset *rs, const char *val, size_t n, bool allow)
{
    struct rule *ru;
    char *pat = xmalloc(3 * n + 1);
    size_t len = norm(val, n, pat, true);
    /* norm() wrote a raw '$' as "%24"; the last one is the end anchor. */
    bool anchored = val[n - 1] == '$';

    if (anchored)
        len -= 3;
    pat[len] = '\0';
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 16;
        rs->v = xrealloc(rs->v, rs->cap * sizeof(*rs->v));
    }
    ru = &rs->v[rs->n++];
    ru->pat = pat;
    ru->kmp = kmp_build(pat, len);
    ru->len = len;
    ru->prio = len + (anchored ? 1 : 0);
    ru->allow = allow;
    ru->anchored = anchored;
}

/* Higher priority first: longer pattern, then Allow. */
static int
rule_cmp(const void *a, const void *b)
{
    const struct rule *x = a, *y = b;

    if (x->prio != y->prio)
        return x->prio > y->prio ? -1 : 1;
    return (int)y->allow - (int)x->allow;
}

/* Seconds as "2", "0.5" or ".5"; false on anything else. */
static bool
parse_delay(const char *s, size_t n, unsigned *ms)
{
    uint64_t sec = 0, frac = 0, scale = 100;
    bool digits = false;
    size_t i = 0;

    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits = true)
        if (sec < ROBOTS_MAX_DELAY_MS / 1000)
            sec = sec * 10 + (uint64_t)(s[i] - '0');
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits = true) {
            frac += (uint64_t)(s[i] - '0') * scale;
            scale /= 10;
        }
    if (!digits || i != n)
        return false;
    sec = sec * 1000 + frac;
    *ms = sec > ROBOTS_MAX_DELAY_MS ? ROBOTS_MAX_DELAY_MS : (unsigned)sec;
    return true;
}

static bool
key_is(const char *k, size_t n, const char *const *names)
{
    for (; *names != NULL; names++) {
        size_t i = 0;

        if (strlen(*names) != n)
            continue;
        while (i < n && to_lower((unsigned char)k[i]) == (*names)[i])
            i++;
        if (i == n)
            return true;
    }
    return false;
}

static void
on_agent(struct parser *ps, const char *v, size_t n)
{
    size_t tl = 0;

    if (ps->in_rules || !ps->any_agent) {
        ps->cur_mine = ps->cur_star = false;
        ps->in_rules = false;
    }
    ps->any_agent = true;
    while (tl < n && is_token_char((unsigned char)v[tl]))
        tl++;
    if (tl == 0 && n > 0 && v[0] == '*' && (n == 1 || is_ws(v[1])))
        ps->cur_star = true;
    if (tl > 0 && tl == ps->plen) {
        size_t i = 0;

        while (i < tl && to_lower((unsigned char)v[i]) ==
                             to_lower((unsigned char)ps->product[i]))
            i++;
        if (i == tl)
            ps->cur_mine = ps->named_us = true;
    }
}

static void
on_rule(struct parser *ps, const char *v, size_t n, bool allow)
{
    if (!ps->any_agent)
        return; /* rules before any User-agent belong to nobody */
    ps->in_rules = true;
    /* An empty value means nothing; a value not starting with '/' or '*'
     * is not a path pattern (RFC 9309 2.2). */
    if (n == 0 || (v[0] != '/' && v[0] != '*'))
        return;
    if (ps->cur_mine && ps->kept < ROBOTS_MAX_RULES) {
        ruleset_add(&ps->mine, v, n, allow);
        ps->kept++;
    }
    if (ps->cur_star && ps->kept < ROBOTS_MAX_RULES) {
        ruleset_add(&ps->star, v, n, allow);
        ps->kept++;
    }
}

static void
on_delay(struct parser *ps, const char *v, size_t n)
{
    unsigned ms;

    if (!ps->any_agent)
        return;
    ps->in_rules = true;
    if (!parse_delay(v, n, &ms))
        return;
    if (ps->cur_mine && !ps->mine.has_delay) {
        ps->mine.delay_ms = ms;
        ps->mine.has_delay = true;
    }
    if (ps->cur_star && !ps->star.has_delay) {
        ps->star.delay_ms = ms;
        ps->star.has_delay = true;
    }
}

static void
parse_line(struct parser *ps, const char *s, size_t n)
{
    static const char *const agent[] = {"user-agent", "useragent", "user agent",
                                        NULL};
    static const char *const allow[] = {"allow", NULL};
    static const char *const disallow[] = {"disallow", "dissallow", "dissalow",
                                           "disalow", NULL};
    static const char *const delay[] = {"crawl-delay", "crawldelay",
                                        "crawl delay", NULL};
    const char *hash = memchr(s, '#', n);
    const char *colon, *k, *v;
    size_t kn, vn;

    if (hash != NULL)
        n = (size_t)(hash - s);
    colon = memchr(s, ':', n);
    if (colon == NULL)
        return;
    k = s;
    kn = (size_t)(colon - s);
    v = colon + 1;
    vn = n - kn - 1;
    while (kn > 0 && is_ws(k[0]))
        k++, kn--;
    while (kn > 0 && is_ws(k[kn - 1]))
        kn--;
    while (vn > 0 && is_ws(v[0]))
        v++, vn--;
    while (vn > 0 && is_ws(v[vn - 1]))
        vn--;
    if (key_is(k, kn, agent))
        on_agent(ps, v, vn);
    else if (key_is(k, kn, allow))
        on_rule(ps, v, vn, true);
    else if (key_is(k, kn, disallow))
        on_rule(ps, v, vn, false);
    else if (key_is(k, kn, delay))
        on_delay(ps, v, vn);
    /* Sitemap and anything else: ignored, the group goes on. */
}

static struct robots *
robots_take(struct ruleset *rs)
{
    struct robots *r = xcalloc(1, sizeof(*r));

    r->rs = *rs;
    memset(rs, 0, sizeof(*rs));
    if (r->rs.n > 1)
        qsort(r->rs.v, r->rs.n, sizeof(*r->rs.v), rule_cmp);
    return r;
}

struct robots *
robots_parse(const char *body, size_t len, const char *product)
{
    struct parser ps;
    const char *p = body, *end;
    struct robots *r;

    memset(&ps, 0, sizeof(ps));
    if (product == NULL)
        product = "";
    while (ps.plen < sizeof(ps.product) - 1 &&
           is_token_char((unsigned char)product[ps.plen])) {
        ps.product[ps.plen] = product[ps.plen];
        ps.plen++;
    }
    if (body == NULL)
        len = 0;
    end = body + (len > ROBOTS_MAX_BYTES ? ROBOTS_MAX_BYTES : len);
    /* A UTF-8 byte order mark, or a cut-off start of one, is skipped. */
    if (p < end && (unsigned char)*p == 0xEF)
        p++;
    if (p < end && (unsigned char)*p == 0xBB)
        p++;
    if (p < end && (unsigned char)*p == 0xBF)
        p++;
    while (p < end) {
        const char *eol = p;

        while (eol < end && *eol != '\n' && *eol != '\r')
            eol++;
        parse_line(&ps, p,
                   (size_t)(eol - p) > ROBOTS_MAX_LINE ? ROBOTS_MAX_LINE
                                                       : (size_t)(eol - p));
        if (eol < end && *eol == '\r' && eol + 1 < end && eol[1] == '\n')
            eol++;
        p = eol < end ? eol + 1 : end;
    }
    if (ps.named_us) {
        r = robots_take(&ps.mine);
        ruleset_fini(&ps.star);
    } else {
        r = robots_take(&ps.star);
        ruleset_fini(&ps.mine);
    }
    return r;
}

struct robots *
robots_allow_all(void)
{
    return xcalloc(1, sizeof(struct robots));
}

struct robots *
robots_disallow_all(void)
{
    struct robots *r = xcalloc(1, sizeof(*r));

    ruleset_add(&r->rs, "/", 1, false);
    return r;
}

void
robots_free(struct robots *r)
{
    if (r == NULL)
        return;
    ruleset_fini(&r->rs);
    free(r);
}

bool
robots_allowed(const struct robots *r, const char *target)
{
    char stack[2048];
    char *t = stack;
    size_t n = strlen(target), budget = ROBOTS_MATCH_BUDGET;
    bool allowed = true;

    if (r->rs.n == 0)
        return true;
    if (3 * n > sizeof(stack))
        t = xmalloc(3 * n);
    n = norm(target, n, t, false);
    if (n == 11 && memcmp(t, "/robots.txt", 11) == 0)
        goto out;
    for (size_t i = 0; i < r->rs.n; i++) {
        if (rule_matches(&r->rs.v[i], t, n, &budget)) {
            allowed = r->rs.v[i].allow;
            break;
        }
        if (budget == 0) {
            allowed = false; /* only a hostile file gets here */
            break;
        }
    }
out:
    if (t != stack)
        free(t);
    return allowed;
}

unsigned
robots_crawl_delay_ms(const struct robots *r)
{
    return r->rs.has_delay ? r->rs.delay_ms : 0;
}

size_t
robots_rule_count(const struct robots *r)
{
    return r->rs.n;
}
