/* SPDX-License-Identifier: MIT */
/*
 * scope.c - host allow-list and --allow/--deny patterns.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "scope.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "url.h"
#include "util.h"

struct regex_list {
    pcre2_code **v;
    size_t n;
};

struct scope {
    char **hosts; /* lower-case host names, sorted */
    size_t n_hosts;
    struct regex_list allow, deny;
};

struct scope_ctx {
    pcre2_match_data *md;
};

static pcre2_code *
compile(const char *pattern, char **cause)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err,
                                   &off, NULL);

    if (re == NULL) {
        PCRE2_UCHAR msg[256];

        pcre2_get_error_message(err, msg, sizeof(msg));
        *cause = xasprintf("bad regex '%s': %s at offset %zu", pattern,
                           (const char *)msg, (size_t)off);
        return NULL;
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back if no JIT */
    return re;
}

int
scope_check_regex(const char *pattern, char **cause)
{
    pcre2_code *re = compile(pattern, cause);

    if (re == NULL)
        return -1;
    pcre2_code_free(re);
    return 0;
}

static int
compile_list(struct regex_list *l, const struct strlist *src, char **cause)
{
    size_t i;

    l->v = xcalloc(src->n ? src->n : 1, sizeof(*l->v));
    for (i = 0; i < src->n; i++) {
        l->v[i] = compile(src->v[i], cause);
        if (l->v[i] == NULL)
            return -1;
        l->n++;
    }
    return 0;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
add_host(struct scope *s, const char *name)
{
    size_t i;

    for (i = 0; i < s->n_hosts; i++)
        if (strcasecmp(s->hosts[i], name) == 0)
            return;
    s->hosts[s->n_hosts] = xstrdup(name);
    for (char *p = s->hosts[s->n_hosts]; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    s->n_hosts++;
}

struct scope *
scope_new(const struct config *cfg, char **cause)
{
    struct scope *s = xcalloc(1, sizeof(*s));
    size_t i;

    s->hosts = xcalloc(cfg->seeds.n + cfg->allow_host.n + 1,
                       sizeof(*s->hosts));
    for (i = 0; i < cfg->seeds.n; i++) {
        struct url_parts p;

        if (url_split(cfg->seeds.v[i], &p) == 0)
            add_host(s, p.host);
    }
    for (i = 0; i < cfg->allow_host.n; i++)
        add_host(s, cfg->allow_host.v[i]);
    qsort(s->hosts, s->n_hosts, sizeof(*s->hosts), cmp_str);
    if (compile_list(&s->allow, &cfg->allow_re, cause) != 0 ||
        compile_list(&s->deny, &cfg->deny_re, cause) != 0) {
        scope_free(s);
        return NULL;
    }
    return s;
}

static void
free_list(struct regex_list *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        pcre2_code_free(l->v[i]);
    free(l->v);
}

void
scope_free(struct scope *s)
{
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->n_hosts; i++)
        free(s->hosts[i]);
    free(s->hosts);
    free_list(&s->allow);
    free_list(&s->deny);
    free(s);
}

struct scope_ctx *
scope_ctx_new(void)
{
    struct scope_ctx *c = xcalloc(1, sizeof(*c));

    c->md = pcre2_match_data_create(1, NULL);
    if (c->md == NULL)
        fatal("out of memory (pcre2 match data)");
    return c;
}

void
scope_ctx_free(struct scope_ctx *c)
{
    if (c == NULL)
        return;
    pcre2_match_data_free(c->md);
    free(c);
}

static bool
matches(const pcre2_code *re, struct scope_ctx *c, const char *url)
{
    return pcre2_match(re, (PCRE2_SPTR)url, PCRE2_ZERO_TERMINATED, 0, 0,
                       c->md, NULL) >= 0;
}

bool
scope_allows(const struct scope *s, struct scope_ctx *c, const char *url)
{
    struct url_parts p;
    const char *key;
    size_t i;

    if (url_split(url, &p) != 0)
        return false;
    key = p.host;
    if (bsearch(&key, s->hosts, s->n_hosts, sizeof(*s->hosts), cmp_str) ==
        NULL)
        return false;
    if (s->allow.n > 0) {
        bool any = false;

        for (i = 0; i < s->allow.n && !any; i++)
            any = matches(s->allow.v[i], c, url);
        if (!any)
            return false;
    }
    for (i = 0; i < s->deny.n; i++)
        if (matches(s->deny.v[i], c, url))
            return false;
    return true;
}
