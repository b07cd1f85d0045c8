/* SPDX-License-Identifier: MIT */
/*
 * config.c - command line and --config file.
 *
 * DESIGN: one table describes every option; getopt_long reads argv from it
 * and the config file parser looks names up in it, so both accept exactly
 * the same settings. Config files are read first, then argv, so the
 * command line wins for single values; repeatable options accumulate.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scope.h"
#include "url.h"
#include "util.h"

#ifndef CRAWLTOP_VERSION
#define CRAWLTOP_VERSION "0"
#endif

enum opt_id {
    O_HEADLESS = 256,
    O_DB,
    O_CONCURRENCY,
    O_PER_DOMAIN,
    O_DELAY,
    O_NO_RANDOMIZE,
    O_DEPTH,
    O_MAX_PAGES,
    O_ORDER,
    O_SEEDS,
    O_ALLOW_HOST,
    O_ALLOW,
    O_DENY,
    O_TIMEOUT,
    O_CONNECT_TIMEOUT,
    O_MAX_SIZE,
    O_USER_AGENT,
    O_RESOLVE,
    O_CONFIG,
    O_DEMO,
    O_QUIET,
    O_RETRIES,
    O_RETRY_DELAY,
    O_MAX_RETRY_AFTER,
    O_NO_ROBOTS,
    O_LOW_SPEED_TIME,
    O_AUTOTHROTTLE,
    O_PER_IP,
    O_RESUME,
    O_WINDOW,
    O_SEED,
    O_AT_TARGET,
    O_AT_START,
    O_AT_MAX,
    O_MAX_CRAWL_DELAY,
    O_HELP,
    O_VERSION,
};

static const struct option long_opts[] = {
    {"headless", no_argument, NULL, O_HEADLESS},
    {"db", required_argument, NULL, O_DB},
    {"concurrency", required_argument, NULL, O_CONCURRENCY},
    {"per-domain", required_argument, NULL, O_PER_DOMAIN},
    {"per-ip", required_argument, NULL, O_PER_IP},
    {"delay", required_argument, NULL, O_DELAY},
    {"no-randomize-delay", no_argument, NULL, O_NO_RANDOMIZE},
    {"depth", required_argument, NULL, O_DEPTH},
    {"max-pages", required_argument, NULL, O_MAX_PAGES},
    {"order", required_argument, NULL, O_ORDER},
    {"seeds", required_argument, NULL, O_SEEDS},
    {"allow-host", required_argument, NULL, O_ALLOW_HOST},
    {"allow", required_argument, NULL, O_ALLOW},
    {"deny", required_argument, NULL, O_DENY},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {"connect-timeout", required_argument, NULL, O_CONNECT_TIMEOUT},
    {"max-size", required_argument, NULL, O_MAX_SIZE},
    {"user-agent", required_argument, NULL, O_USER_AGENT},
    {"resolve", required_argument, NULL, O_RESOLVE},
    {"config", required_argument, NULL, O_CONFIG},
    {"resume", no_argument, NULL, O_RESUME},
    {"frontier-window", required_argument, NULL, O_WINDOW},
    {"seed", required_argument, NULL, O_SEED},
    {"demo", no_argument, NULL, O_DEMO},
    {"quiet", no_argument, NULL, O_QUIET},
    {"retries", required_argument, NULL, O_RETRIES},
    {"retry-delay", required_argument, NULL, O_RETRY_DELAY},
    {"max-retry-after", required_argument, NULL, O_MAX_RETRY_AFTER},
    {"no-robots", no_argument, NULL, O_NO_ROBOTS},
    {"low-speed-time", required_argument, NULL, O_LOW_SPEED_TIME},
    {"autothrottle", no_argument, NULL, O_AUTOTHROTTLE},
    {"autothrottle-target", required_argument, NULL, O_AT_TARGET},
    {"autothrottle-start-delay", required_argument, NULL, O_AT_START},
    {"autothrottle-max-delay", required_argument, NULL, O_AT_MAX},
    {"max-crawl-delay", required_argument, NULL, O_MAX_CRAWL_DELAY},
    {"help", no_argument, NULL, O_HELP},
    {"version", no_argument, NULL, O_VERSION},
    {NULL, 0, NULL, 0},
};

void
config_usage(FILE *out)
{
    fputs(
        "usage: crawltop [options] URL...      crawl, with the live dashboard\n"
        "       crawltop --headless [options] URL...   no dashboard\n"
        "       crawltop --demo                 dashboard on a built-in demo site\n"
        "  --db FILE              SQLite results (default crawl.db; demo.db)\n"
        "  --headless [--quiet]   progress on stderr (not with --quiet), JSON\n"
        "                         summary on stdout\n"
        "Throttling (all adjustable live in the dashboard)\n"
        "  -c, --concurrency N    requests in flight in all (16)\n"
        "  --per-domain N         requests in flight per host (8)\n"
        "  --per-ip N             per server address, shared by its hosts (off)\n"
        "  --delay SECONDS        gap between request starts per host (0)\n"
        "  --no-randomize-delay   use the delay as is, not 0.5x..1.5x of it\n"
        "  --autothrottle         adapt each host's delay to its latency and to\n"
        "                         429/503 answers: --autothrottle-target N (1),\n"
        "                         --autothrottle-start-delay S (1), -max-delay S (60)\n"
        "  --no-robots            ignore robots.txt (obeyed by default; its\n"
        "                         Crawl-delay counts up to --max-crawl-delay 60)\n"
        "Scope\n"
        "  --seeds FILE           more start URLs, one per line\n"
        "  --depth N              link depth from the seeds (unlimited)\n"
        "  --max-pages N          stop after N requests (unlimited)\n"
        "  --order bfs|dfs        breadth-first (default) or depth-first\n"
        "  --allow-host HOST      also crawl HOST (repeatable; seeds' hosts always)\n"
        "  --allow REGEX          only URLs matching one of these (repeatable)\n"
        "  --deny REGEX           never URLs matching any of these (repeatable)\n"
        "Requests\n"
        "  --timeout S            request (30); --connect-timeout S (10);\n"
        "                         --low-speed-time S: abort under 100 B/s (15)\n"
        "  --max-size BYTES       largest body, after decoding (10485760)\n"
        "  --user-agent STRING    (crawltop/" CRAWLTOP_VERSION ")\n"
        "  --resolve HOST:PORT:ADDR  as curl --resolve (repeatable)\n"
        "  --retries N            retries of transient failures (2); backoff\n"
        "                         --retry-delay S (1), doubling; Retry-After\n"
        "                         pauses the host, --max-retry-after S (600)\n"
        "  --config FILE          'name = value' lines, long option names\n"
        "  --resume               continue the crawl in --db after any stop\n"
        "  --frontier-window N    queued URLs kept in memory; the rest wait in\n"
        "                         the database (50000)\n"
        "  -h, --help, -V, --version, --seed URL (a start URL, as a setting)\n"
        "Dashboard keys: + - concurrency, ] [ delay, space pause, ? help, q quit\n",
        out);
}

void
config_init(struct config *c)
{
    memset(c, 0, sizeof(*c));
    c->concurrency = 16;
    c->per_domain = 8;
    c->delay_ms = 0;
    c->randomize_delay = true;
    c->max_depth = -1;
    c->max_pages = -1;
    c->order = ORDER_BFS;
    c->timeout_s = 30;
    c->connect_timeout_s = 10;
    c->low_speed_time_s = 15;
    c->max_size = 10 * 1024 * 1024;
    c->retries = 2;
    c->window = 50000;
    c->retry_delay_ms = 1000;
    c->max_retry_after_s = 600;
    c->robots = true;
    c->at_target = 1.0;
    c->at_start_ms = 1000;
    c->at_max_ms = 60000;
    c->max_crawl_delay_ms = 60000;
}

void
config_list_add(struct strlist *l, const char *s)
{
    l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n++] = xstrdup(s);
}

static void
strlist_free(struct strlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void
config_fini(struct config *c)
{
    strlist_free(&c->seeds);
    strlist_free(&c->allow_host);
    strlist_free(&c->allow_re);
    strlist_free(&c->deny_re);
    strlist_free(&c->resolve);
    free(c->db_path);
    free(c->user_agent);
    memset(c, 0, sizeof(*c));
}

static int bad(char **cause, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
bad(char **cause, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(cause, fmt, ap) < 0)
        fatal("out of memory");
    va_end(ap);
    return -1;
}

static int
get_uint(const char *name, const char *v, long long min, long long max,
         long long *out, char **cause)
{
    if (!parse_int(v, min, max, out)) {
        *cause = xasprintf("--%s: '%s' is not a whole number from %lld to "
                           "%lld", name, v, min, max);
        return -1;
    }
    return 0;
}

static int
get_seconds(const char *name, const char *v, double max, unsigned *ms,
            char **cause)
{
    char *end;
    double d;

    errno = 0;
    d = strtod(v, &end);
    if (*v == '\0' || *end != '\0' || errno != 0 || !isfinite(d) || d < 0 ||
        d > max) {
        *cause = xasprintf("--%s: '%s' is not a number of seconds from 0 to "
                           "%.0f", name, v, max);
        return -1;
    }
    *ms = (unsigned)(d * 1000.0 + 0.5);
    return 0;
}

static int
add_seed(struct config *c, const char *raw, const char *where, char **cause)
{
    char norm[URL_MAX];
    int rc = url_normalize(raw, norm, sizeof(norm));

    if (rc == URL_ERR_SCHEME) {
        *cause = xasprintf("%sseed URL '%s' is not http or https", where, raw);
        return -1;
    }
    if (rc != URL_OK) {
        *cause = xasprintf("%sseed URL '%s' is malformed", where, raw);
        return -1;
    }
    config_list_add(&c->seeds, norm);
    return 0;
}

static int
read_seeds(struct config *c, const char *path, char **cause)
{
    FILE *f = fopen(path, "r");
    char *line = NULL, *where;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = 0;

    if (f == NULL) {
        *cause = xasprintf("--seeds: cannot read '%s': %s", path,
                           strerror(errno));
        return -1;
    }
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        char *s = line;

        lineno++;
        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
                         s[n - 1] == ' ' || s[n - 1] == '\t'))
            s[--n] = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0' || *s == '#')
            continue;
        where = xasprintf("%s:%zu: ", path, lineno);
        rc = add_seed(c, s, where, cause);
        free(where);
    }
    free(line);
    fclose(f);
    return rc;
}

/* HOST:PORT:ADDR[,ADDR...], optionally with a leading '+', as curl. */
static int
check_resolve(const char *v, char **cause)
{
    const char *p = v, *colon, *addr;
    long long port;
    char buf[64];

    if (*p == '+')
        p++;
    if (*p == '[') {
        p = strchr(p, ']');
        if (p == NULL)
            goto bad;
        p++;
    } else {
        while (*p && *p != ':')
            p++;
    }
    if (*p != ':' || p == v || (p == v + 1 && *v == '+'))
        goto bad;
    colon = strchr(p + 1, ':');
    if (colon == NULL || colon - (p + 1) >= (ptrdiff_t)sizeof(buf))
        goto bad;
    memcpy(buf, p + 1, (size_t)(colon - (p + 1)));
    buf[colon - (p + 1)] = '\0';
    if (!parse_int(buf, 1, 65535, &port))
        goto bad;
    addr = colon + 1;
    if (*addr == '\0' || strlen(addr) >= 1024)
        goto bad;
    {
        char list[1024], *tok, *save = NULL;

        strlcopy(list, addr, sizeof(list));
        if (list[strlen(list) - 1] == ',')
            goto bad;
        for (tok = strtok_r(list, ",", &save); tok != NULL;
             tok = strtok_r(NULL, ",", &save)) {
            size_t len = strlen(tok);
            unsigned char tmp[16];

            if (len >= 2 && tok[0] == '[' && tok[len - 1] == ']') {
                tok[len - 1] = '\0';
                tok++;
            }
            if (inet_pton(AF_INET, tok, tmp) != 1 &&
                inet_pton(AF_INET6, tok, tmp) != 1)
                goto bad;
        }
    }
    return 0;
bad:
    *cause = xasprintf("--resolve: '%s' is not HOST:PORT:ADDRESS", v);
    return -1;
}

static bool
parse_bool(const char *v, bool *out)
{
    if (strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 ||
        strcmp(v, "1") == 0 || strcasecmp(v, "on") == 0)
        *out = true;
    else if (strcasecmp(v, "false") == 0 || strcasecmp(v, "no") == 0 ||
             strcmp(v, "0") == 0 || strcasecmp(v, "off") == 0)
        *out = false;
    else
        return false;
    return true;
}

/* Apply one option. v is NULL for flags given on the command line. */
static int
apply(struct config *c, int id, const char *name, const char *v,
      char **cause)
{
    long long n;
    bool flag = true;

    switch (id) {
    case O_HEADLESS:
    case O_RESUME:
    case O_AUTOTHROTTLE:
    case O_NO_ROBOTS:
    case O_NO_RANDOMIZE:
    case O_DEMO:
    case O_QUIET:
        if (v != NULL && !parse_bool(v, &flag))
            return bad(cause, "%s: '%s' is not true or false", name, v);
        if (id == O_HEADLESS)
            c->headless = flag;
        else if (id == O_NO_RANDOMIZE)
            c->randomize_delay = !flag;
        else if (id == O_NO_ROBOTS)
            c->robots = !flag;
        else if (id == O_AUTOTHROTTLE)
            c->autothrottle = flag;
        else if (id == O_RESUME)
            c->resume = flag;
        else if (id == O_DEMO)
            c->demo = flag;
        else
            c->quiet = flag;
        return 0;
    case O_DB:
        if (*v == '\0')
            return bad(cause, "--%s: empty file name%s", name, "");
        free(c->db_path);
        c->db_path = xstrdup(v);
        return 0;
    case O_CONCURRENCY:
        if (get_uint(name, v, 1, CONFIG_MAX_CONCURRENCY, &n, cause) != 0)
            return -1;
        c->concurrency = (unsigned)n;
        return 0;
    case O_PER_DOMAIN:
        if (get_uint(name, v, 1, CONFIG_MAX_CONCURRENCY, &n, cause) != 0)
            return -1;
        c->per_domain = (unsigned)n;
        return 0;
    case O_WINDOW:
        if (get_uint(name, v, 16, 100000000, &n, cause) != 0)
            return -1;
        c->window = (unsigned)n;
        return 0;
    case O_PER_IP:
        if (get_uint(name, v, 0, CONFIG_MAX_CONCURRENCY, &n, cause) != 0)
            return -1;
        c->per_ip = (unsigned)n;
        return 0;
    case O_DELAY:
        return get_seconds(name, v, CONFIG_MAX_DELAY_MS / 1000, &c->delay_ms,
                           cause);
    case O_DEPTH:
        if (get_uint(name, v, 0, 1000000, &n, cause) != 0)
            return -1;
        c->max_depth = (int)n;
        return 0;
    case O_MAX_PAGES:
        if (get_uint(name, v, 1, INT64_MAX / 2, &n, cause) != 0)
            return -1;
        c->max_pages = n;
        return 0;
    case O_ORDER:
        if (strcasecmp(v, "bfs") == 0)
            c->order = ORDER_BFS;
        else if (strcasecmp(v, "dfs") == 0)
            c->order = ORDER_DFS;
        else
            return bad(cause, "--%s: '%s' is not bfs or dfs", name, v);
        return 0;
    case O_SEEDS:
        return read_seeds(c, v, cause);
    case O_SEED:
        return add_seed(c, v, "", cause);
    case O_ALLOW_HOST: {
        char norm[URL_MAX];
        char *u = xasprintf("http://%s/", v);
        struct url_parts p;
        int rc = url_normalize(u, norm, sizeof(norm));

        free(u);
        if (rc != URL_OK || url_split(norm, &p) != 0 || strchr(v, '/') ||
            strchr(v, ':'))
            return bad(cause, "--%s: '%s' is not a host name", name, v);
        config_list_add(&c->allow_host, p.host);
        return 0;
    }
    case O_ALLOW:
    case O_DENY: {
        char *why = NULL;

        if (scope_check_regex(v, &why) != 0) {
            *cause = xasprintf("--%s: %s", name, why);
            free(why);
            return -1;
        }
        config_list_add(id == O_ALLOW ? &c->allow_re : &c->deny_re, v);
        return 0;
    }
    case O_TIMEOUT:
        if (get_uint(name, v, 1, 86400, &n, cause) != 0)
            return -1;
        c->timeout_s = (unsigned)n;
        return 0;
    case O_CONNECT_TIMEOUT:
        if (get_uint(name, v, 1, 3600, &n, cause) != 0)
            return -1;
        c->connect_timeout_s = (unsigned)n;
        return 0;
    case O_AT_TARGET: {
        char *end;
        double d;

        errno = 0;
        d = strtod(v, &end);
        if (*v == '\0' || *end != '\0' || errno != 0 || !isfinite(d) ||
            d < 0.1 || d > 1024)
            return bad(cause, "--%s: '%s' is not a number from 0.1 to 1024",
                       name, v);
        c->at_target = d;
        return 0;
    }
    case O_AT_START:
        return get_seconds(name, v, 3600, &c->at_start_ms, cause);
    case O_AT_MAX:
        return get_seconds(name, v, 3600, &c->at_max_ms, cause);
    case O_LOW_SPEED_TIME:
        if (get_uint(name, v, 0, 86400, &n, cause) != 0)
            return -1;
        c->low_speed_time_s = (unsigned)n;
        return 0;
    case O_MAX_SIZE:
        if (get_uint(name, v, 1, INT64_MAX / 4, &n, cause) != 0)
            return -1;
        c->max_size = n;
        return 0;
    case O_USER_AGENT:
        if (*v == '\0' || strpbrk(v, "\r\n") != NULL)
            return bad(cause, "--%s: '%s' is empty or has a line break",
                       name, v);
        free(c->user_agent);
        c->user_agent = xstrdup(v);
        return 0;
    case O_RETRIES:
        if (get_uint(name, v, 0, 100, &n, cause) != 0)
            return -1;
        c->retries = (unsigned)n;
        return 0;
    case O_RETRY_DELAY:
        return get_seconds(name, v, 3600, &c->retry_delay_ms, cause);
    case O_MAX_RETRY_AFTER:
        if (get_uint(name, v, 0, 86400, &n, cause) != 0)
            return -1;
        c->max_retry_after_s = (unsigned)n;
        return 0;
    case O_MAX_CRAWL_DELAY:
        return get_seconds(name, v, 86400, &c->max_crawl_delay_ms, cause);
    case O_RESOLVE:
        if (check_resolve(v, cause) != 0)
            return -1;
        config_list_add(&c->resolve, v);
        return 0;
    default:
        return bad(cause, "internal: unhandled option %s%s", name, "");
    }
}

static const struct option *
find_opt(const char *name)
{
    const struct option *o;

    for (o = long_opts; o->name != NULL; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

static char *
trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
                       end[-1] == '\n' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

/* Apply the 'name = value' lines of text; origin names it in messages. */
static int
apply_lines(struct config *c, const char *text, const char *origin,
            char **cause)
{
    char *copy = xstrdup(text), *line, *save = NULL;
    size_t lineno = 0;
    int rc = 0;

    for (line = copy; rc == 0 && line != NULL; line = save) {
        char *s, *eq, *name, *value, *why = NULL;
        const struct option *o;

        save = strchr(line, '\n');
        if (save != NULL)
            *save++ = '\0';
        lineno++;
        s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        eq = strchr(s, '=');
        if (eq == NULL) {
            *cause = xasprintf("%s:%zu: expected 'name = value'", origin,
                               lineno);
            rc = -1;
            break;
        }
        *eq = '\0';
        name = trim(s);
        value = trim(eq + 1);
        o = find_opt(name);
        if (o == NULL || o->val == O_CONFIG || o->val == O_HELP ||
            o->val == O_VERSION) {
            *cause = xasprintf("%s:%zu: unknown setting '%s'", origin, lineno,
                               name);
            rc = -1;
            break;
        }
        rc = apply(c, o->val, name, value, &why);
        if (rc != 0) {
            *cause = xasprintf("%s:%zu: %s", origin, lineno, why);
            free(why);
        }
    }
    free(copy);
    return rc;
}

enum config_result
config_apply_text(struct config *c, const char *text, const char *origin,
                  char **cause)
{
    return apply_lines(c, text, origin, cause) == 0 ? CONFIG_OK
                                                    : CONFIG_ERROR;
}

static int
read_config_file(struct config *c, const char *path, char **cause)
{
    FILE *f = fopen(path, "r");
    char *text;
    size_t len = 0, cap = 4096, n;
    int rc;

    if (f == NULL) {
        *cause = xasprintf("--config: cannot read '%s': %s", path,
                           strerror(errno));
        return -1;
    }
    text = xmalloc(cap);
    while ((n = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            if (cap >= 16 * 1024 * 1024) {
                free(text);
                fclose(f);
                *cause = xasprintf("--config: '%s' is too large", path);
                return -1;
            }
            cap *= 2;
            text = xrealloc(text, cap);
        }
    }
    text[len] = '\0';
    fclose(f);
    rc = apply_lines(c, text, path, cause);
    free(text);
    return rc;
}

static enum config_result parse(struct config *c, int argc, char **argv,
                                char **cause);

enum config_result
config_parse(struct config *c, int argc, char **argv, char **cause)
{
    enum config_result r = parse(c, argc, argv, cause);

    /* messages quote what the user typed: keep them one printable line */
    if (r == CONFIG_ERROR && *cause != NULL) {
        size_t n = strlen(*cause);
        char *clean = xmalloc(n + 1);

        sanitize_text(*cause, n, clean, n + 1);
        free(*cause);
        *cause = clean;
    }
    return r;
}

static enum config_result
parse(struct config *c, int argc, char **argv, char **cause)
{
    int i, ch;

    *cause = NULL;
    /* config files first, so the command line wins */
    for (i = 1; i < argc; i++) {
        const char *path = NULL;

        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            path = argv[i] + 9;
        if (path != NULL && read_config_file(c, path, cause) != 0)
            return CONFIG_ERROR;
    }
    optind = 0; /* glibc: 0 also resets its position inside grouped flags */
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":c:hV", long_opts, NULL)) != -1) {
        const char *name = NULL;
        const struct option *o;

        switch (ch) {
        case 'c':
            ch = O_CONCURRENCY;
            break;
        case 'h':
            ch = O_HELP;
            break;
        case 'V':
            ch = O_VERSION;
            break;
        case '?':
            if (optopt > 0 && optopt < 256)
                *cause = xasprintf("unknown option '-%c' (see --help)",
                                   optopt);
            else if (optopt >= 256)
                *cause = xasprintf("option '%s' takes no value",
                                   argv[optind - 1]);
            else
                *cause = xasprintf("unknown option '%s' (see --help)",
                                   argv[optind - 1]);
            return CONFIG_ERROR;
        case ':':
            *cause = xasprintf("option '%s' needs a value",
                               argv[optind - 1]);
            return CONFIG_ERROR;
        }
        if (ch == O_HELP) {
            config_usage(stdout);
            return CONFIG_EXIT;
        }
        if (ch == O_VERSION) {
            printf("crawltop %s\n", CRAWLTOP_VERSION);
            return CONFIG_EXIT;
        }
        if (ch == O_CONFIG)
            continue;
        for (o = long_opts; o->name != NULL; o++)
            if (o->val == ch)
                name = o->name;
        if (apply(c, ch, name, optarg, cause) != 0)
            return CONFIG_ERROR;
    }
    for (i = optind; i < argc; i++)
        if (add_seed(c, argv[i], "", cause) != 0)
            return CONFIG_ERROR;
    if (c->seeds.n == 0 && !c->demo && !c->resume) {
        *cause = xstrdup("no seed URL given (see --help, or try --demo)");
        return CONFIG_ERROR;
    }
    if (c->db_path == NULL)
        c->db_path = xstrdup(c->demo ? "demo.db" : "crawl.db");
    if (c->user_agent == NULL)
        c->user_agent = xstrdup("crawltop/" CRAWLTOP_VERSION);
    return CONFIG_OK;
}

static void
json_list(char **buf, const char *name, const struct strlist *l)
{
    char *old = *buf, *q;
    size_t i;

    *buf = xasprintf("%s,\"%s\":[", old, name);
    free(old);
    for (i = 0; i < l->n; i++) {
        old = *buf;
        q = json_quote(l->v[i]);
        *buf = xasprintf("%s%s%s", old, i ? "," : "", q);
        free(q);
        free(old);
    }
    old = *buf;
    *buf = xasprintf("%s]", old);
    free(old);
}

char *
config_to_json(const struct config *c)
{
    char *ua = json_quote(c->user_agent ? c->user_agent : "");
    char *buf = xasprintf(
        "{\"concurrency\":%u,\"per_domain\":%u,\"per_ip\":%u,"
        "\"delay_ms\":%u,"
        "\"randomize_delay\":%s,\"depth\":%d,\"max_pages\":%lld,"
        "\"order\":\"%s\",\"timeout_s\":%u,\"connect_timeout_s\":%u,"
        "\"low_speed_time_s\":%u,"
        "\"max_size\":%lld,\"frontier_window\":%u,\"retries\":%u,"
        "\"retry_delay_ms\":%u,"
        "\"max_retry_after_s\":%u,\"robots\":%s,\"max_crawl_delay_ms\":%u,"
        "\"autothrottle\":%s,\"autothrottle_target\":%g,"
        "\"autothrottle_start_delay_ms\":%u,\"autothrottle_max_delay_ms\":%u,"
        "\"user_agent\":%s",
        c->concurrency, c->per_domain, c->per_ip, c->delay_ms,
        c->randomize_delay ? "true" : "false", c->max_depth,
        (long long)c->max_pages, c->order == ORDER_DFS ? "dfs" : "bfs",
        c->timeout_s, c->connect_timeout_s, c->low_speed_time_s,
        (long long)c->max_size, c->window,
        c->retries, c->retry_delay_ms, c->max_retry_after_s,
        c->robots ? "true" : "false", c->max_crawl_delay_ms,
        c->autothrottle ? "true" : "false", c->at_target, c->at_start_ms,
        c->at_max_ms, ua);
    char *old;

    free(ua);
    json_list(&buf, "seeds", &c->seeds);
    json_list(&buf, "allow_host", &c->allow_host);
    json_list(&buf, "allow", &c->allow_re);
    json_list(&buf, "deny", &c->deny_re);
    json_list(&buf, "resolve", &c->resolve);
    old = buf;
    buf = xasprintf("%s}", old);
    free(old);
    return buf;
}

static void
conf_line(char **buf, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
conf_line(char **buf, const char *name, const char *fmt, ...)
{
    char *old = *buf, *v = NULL;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&v, fmt, ap) < 0)
        fatal("out of memory");
    va_end(ap);
    *buf = xasprintf("%s%s = %s\n", old, name, v);
    free(old);
    free(v);
}

char *
config_to_conf(const struct config *c)
{
    char *buf = xstrdup("# crawltop settings of this crawl (read by --resume)\n");
    size_t i;

    conf_line(&buf, "concurrency", "%u", c->concurrency);
    conf_line(&buf, "per-domain", "%u", c->per_domain);
    conf_line(&buf, "per-ip", "%u", c->per_ip);
    conf_line(&buf, "delay", "%u.%03u", c->delay_ms / 1000, c->delay_ms % 1000);
    conf_line(&buf, "no-randomize-delay", "%s",
              c->randomize_delay ? "false" : "true");
    if (c->max_depth >= 0)
        conf_line(&buf, "depth", "%d", c->max_depth);
    if (c->max_pages >= 0)
        conf_line(&buf, "max-pages", "%lld", (long long)c->max_pages);
    conf_line(&buf, "order", "%s", c->order == ORDER_DFS ? "dfs" : "bfs");
    conf_line(&buf, "timeout", "%u", c->timeout_s);
    conf_line(&buf, "connect-timeout", "%u", c->connect_timeout_s);
    conf_line(&buf, "low-speed-time", "%u", c->low_speed_time_s);
    conf_line(&buf, "max-size", "%lld", (long long)c->max_size);
    conf_line(&buf, "frontier-window", "%u", c->window);
    conf_line(&buf, "retries", "%u", c->retries);
    conf_line(&buf, "retry-delay", "%u.%03u", c->retry_delay_ms / 1000,
              c->retry_delay_ms % 1000);
    conf_line(&buf, "max-retry-after", "%u", c->max_retry_after_s);
    conf_line(&buf, "no-robots", "%s", c->robots ? "false" : "true");
    conf_line(&buf, "max-crawl-delay", "%u.%03u", c->max_crawl_delay_ms / 1000,
              c->max_crawl_delay_ms % 1000);
    conf_line(&buf, "autothrottle", "%s", c->autothrottle ? "true" : "false");
    conf_line(&buf, "autothrottle-target", "%g", c->at_target);
    conf_line(&buf, "autothrottle-start-delay", "%u.%03u",
              c->at_start_ms / 1000, c->at_start_ms % 1000);
    conf_line(&buf, "autothrottle-max-delay", "%u.%03u", c->at_max_ms / 1000,
              c->at_max_ms % 1000);
    if (c->user_agent != NULL)
        conf_line(&buf, "user-agent", "%s", c->user_agent);
    for (i = 0; i < c->seeds.n; i++)
        conf_line(&buf, "seed", "%s", c->seeds.v[i]);
    for (i = 0; i < c->allow_host.n; i++)
        conf_line(&buf, "allow-host", "%s", c->allow_host.v[i]);
    for (i = 0; i < c->allow_re.n; i++)
        conf_line(&buf, "allow", "%s", c->allow_re.v[i]);
    for (i = 0; i < c->deny_re.n; i++)
        conf_line(&buf, "deny", "%s", c->deny_re.v[i]);
    for (i = 0; i < c->resolve.n; i++)
        conf_line(&buf, "resolve", "%s", c->resolve.v[i]);
    return buf;
}
