/* SPDX-License-Identifier: MIT */
/*
 * testsrv.c - the synthetic site (site.c) on 127.0.0.1 for integration
 * tests and benchmarks, or its expected crawl with --expected.
 * Options and endpoints: doc/testsrv.md.
 *
 * Thread: main waits in sigwait(); SIGTERM/SIGINT are blocked everywhere.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "httpd.h"
#include "site.h"
#include "util.h"

#define TESTSRV_MAX_HOSTS 256
#define TESTSRV_MAX_SEEDS 256

static void
usage(FILE *out)
{
    fputs("usage: testsrv [--port P] [--port-file FILE] [--pid-file FILE]\n"
          "               [--hosts a.test,b.test] [--host NAME[:key=val]...]\n"
          "               [--pages N] [--latency-ms MS] [--jitter-ms MS]\n"
          "               [--error-rate F] [--broken-rate F]\n"
          "               [--max-conns N] [--counts FILE] [--no-counts]\n"
          "               [--blackhole-port-file FILE]\n"
          "               [--expected FILE [--seed URL]... [--robots]\n"
          "                [--scope a.test,b.test]]\n"
          "--host keys: pages, latency, jitter, errors, broken, robots (status\n"
          "  of /robots.txt), crawl-delay (ms), max-rps (429 past it), links\n"
          "  (random links per page, 8); e.g.\n"
          "  --host slow.test:pages=500:latency=300:errors=0.1\n"
          "See doc/testsrv.md.\n",
          out);
}

static void die_usage(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void
die_usage(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "testsrv: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    usage(stderr);
    exit(2);
}

static long long
num(const char *s, long long max, const char *what)
{
    long long v;

    if (!parse_int(s, 0, max, &v))
        die_usage("bad %s", what);
    return v;
}

static double
rate(const char *s, const char *what)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= 0 && v <= 1))
        die_usage("bad %s (need 0..1)", what);
    return v;
}

/* Write text to path through a temporary file, so a reader never sees a
 * half-written file. */
static int
write_file(const char *path, const char *text)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    int rc = -1;

    if (f != NULL) {
        bool ok = fputs(text, f) >= 0;
        if (fclose(f) == 0 && ok && rename(tmp, path) == 0)
            rc = 0;
    }
    if (rc != 0) {
        fprintf(stderr, "testsrv: %s: %s\n", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

struct opts {
    struct site_host hosts[TESTSRV_MAX_HOSTS];
    char *names[TESTSRV_MAX_HOSTS]; /* owned copies */
    size_t nhosts;
    struct site_host def; /* the profile --hosts entries get */
    const char *seeds[TESTSRV_MAX_SEEDS];
    size_t nseeds;
    char *scope[TESTSRV_MAX_HOSTS];
    size_t nscope;
    unsigned port, max_conns;
    const char *port_file, *pid_file, *counts, *expected;
    const char *blackhole_file;
    bool robots, no_counts;
};

/* "name[:key=val]...": one host with overrides of the default profile.
 * Host profiles are completed in finish_hosts once all flags are read. */
static void
add_host(struct opts *o, const char *spec)
{
    char *copy = xstrdup(spec), *save = NULL, *tok;
    struct site_host *h;

    if (o->nhosts == TESTSRV_MAX_HOSTS)
        die_usage("too many hosts (%s)", spec);
    h = &o->hosts[o->nhosts];
    memset(h, 0, sizeof(*h));
    tok = strtok_r(copy, ":", &save);
    if (tok == NULL || *tok == '\0')
        die_usage("bad host \"%s\"", spec);
    for (char *p = tok; *p != '\0'; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    o->names[o->nhosts] = xstrdup(tok);
    h->name = o->names[o->nhosts];
    /* Negative values mark "not overridden". */
    h->latency_ms = h->jitter_ms = (unsigned)-1;
    h->error_rate = h->broken_rate = -1;
    h->pages = 0; /* 0: take --pages */
    while ((tok = strtok_r(NULL, ":", &save)) != NULL) {
        char *eq = strchr(tok, '=');
        if (eq == NULL)
            die_usage("bad host option \"%s\"", tok);
        *eq = '\0';
        if (strcmp(tok, "pages") == 0)
            h->pages = (uint64_t)num(eq + 1, 1ll << 60, "pages");
        else if (strcmp(tok, "latency") == 0)
            h->latency_ms = (unsigned)num(eq + 1, 3600000, "latency");
        else if (strcmp(tok, "jitter") == 0)
            h->jitter_ms = (unsigned)num(eq + 1, 3600000, "jitter");
        else if (strcmp(tok, "errors") == 0)
            h->error_rate = rate(eq + 1, "errors");
        else if (strcmp(tok, "broken") == 0)
            h->broken_rate = rate(eq + 1, "broken");
        else if (strcmp(tok, "robots") == 0)
            h->robots_status = (int)num(eq + 1, 999, "robots");
        else if (strcmp(tok, "crawl-delay") == 0)
            h->crawl_delay_ms = (unsigned)num(eq + 1, 86400000, "crawl-delay");
        else if (strcmp(tok, "max-rps") == 0)
            h->max_rps = (unsigned)num(eq + 1, 1000000, "max-rps");
        else if (strcmp(tok, "links") == 0)
            h->links = (unsigned)num(eq + 1, 10000, "links");
        else
            die_usage("unknown host option \"%s\"", tok);
    }
    o->nhosts++;
    free(copy);
}

static void
finish_hosts(struct opts *o)
{
    if (o->nhosts == 0)
        add_host(o, "a.test");
    for (size_t i = 0; i < o->nhosts; i++) {
        struct site_host *h = &o->hosts[i];
        if (h->pages == 0)
            h->pages = o->def.pages;
        if (h->latency_ms == (unsigned)-1)
            h->latency_ms = o->def.latency_ms;
        if (h->jitter_ms == (unsigned)-1)
            h->jitter_ms = o->def.jitter_ms;
        if (h->error_rate < 0)
            h->error_rate = o->def.error_rate;
        if (h->broken_rate < 0)
            h->broken_rate = o->def.broken_rate;
    }
}

static void
add_list(const char *list, char **out, size_t *n, size_t max)
{
    char *copy = xstrdup(list), *save = NULL;

    for (char *tok = strtok_r(copy, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        if (*n == max)
            die_usage("too many entries in \"%s\"", list);
        out[(*n)++] = xstrdup(tok);
    }
    free(copy);
}

static void
parse_args(struct opts *o, int argc, char **argv)
{
    enum {
        O_PORT = 256,
        O_PORT_FILE,
        O_PID_FILE,
        O_HOSTS,
        O_HOST,
        O_PAGES,
        O_LATENCY,
        O_JITTER,
        O_ERROR,
        O_BROKEN,
        O_COUNTS,
        O_NO_COUNTS,
        O_EXPECTED,
        O_SEED,
        O_ROBOTS,
        O_SCOPE,
        O_MAX_CONNS,
        O_BLACKHOLE,
        O_HELP,
    };
    static const struct option longopts[] = {
        {"port", required_argument, NULL, O_PORT},
        {"port-file", required_argument, NULL, O_PORT_FILE},
        {"pid-file", required_argument, NULL, O_PID_FILE},
        {"hosts", required_argument, NULL, O_HOSTS},
        {"host", required_argument, NULL, O_HOST},
        {"pages", required_argument, NULL, O_PAGES},
        {"latency-ms", required_argument, NULL, O_LATENCY},
        {"jitter-ms", required_argument, NULL, O_JITTER},
        {"error-rate", required_argument, NULL, O_ERROR},
        {"broken-rate", required_argument, NULL, O_BROKEN},
        {"counts", required_argument, NULL, O_COUNTS},
        {"no-counts", no_argument, NULL, O_NO_COUNTS},
        {"expected", required_argument, NULL, O_EXPECTED},
        {"seed", required_argument, NULL, O_SEED},
        {"robots", no_argument, NULL, O_ROBOTS},
        {"scope", required_argument, NULL, O_SCOPE},
        {"max-conns", required_argument, NULL, O_MAX_CONNS},
        {"blackhole-port-file", required_argument, NULL, O_BLACKHOLE},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    char *list[TESTSRV_MAX_HOSTS];
    size_t nlist;
    int c;

    memset(o, 0, sizeof(*o));
    o->def.pages = 100;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_PORT:
            o->port = (unsigned)num(optarg, 65535, "port");
            break;
        case O_PORT_FILE:
            o->port_file = optarg;
            break;
        case O_PID_FILE:
            o->pid_file = optarg;
            break;
        case O_BLACKHOLE:
            o->blackhole_file = optarg;
            break;
        case O_HOSTS:
            nlist = 0;
            add_list(optarg, list, &nlist, TESTSRV_MAX_HOSTS);
            for (size_t i = 0; i < nlist; i++) {
                add_host(o, list[i]);
                free(list[i]);
            }
            break;
        case O_HOST:
            add_host(o, optarg);
            break;
        case O_PAGES:
            o->def.pages = (uint64_t)num(optarg, 1ll << 60, "pages");
            if (o->def.pages == 0)
                die_usage("bad %s", "pages");
            break;
        case O_LATENCY:
            o->def.latency_ms = (unsigned)num(optarg, 3600000, "latency");
            break;
        case O_JITTER:
            o->def.jitter_ms = (unsigned)num(optarg, 3600000, "jitter");
            break;
        case O_ERROR:
            o->def.error_rate = rate(optarg, "error rate");
            break;
        case O_BROKEN:
            o->def.broken_rate = rate(optarg, "broken rate");
            break;
        case O_COUNTS:
            o->counts = optarg;
            break;
        case O_NO_COUNTS:
            o->no_counts = true;
            break;
        case O_EXPECTED:
            o->expected = optarg;
            break;
        case O_SEED:
            if (o->nseeds == TESTSRV_MAX_SEEDS)
                die_usage("too many seeds (%s)", optarg);
            o->seeds[o->nseeds++] = optarg;
            break;
        case O_ROBOTS:
            o->robots = true;
            break;
        case O_SCOPE:
            add_list(optarg, o->scope, &o->nscope, TESTSRV_MAX_HOSTS);
            break;
        case O_MAX_CONNS:
            o->max_conns = (unsigned)num(optarg, 100000, "max-conns");
            break;
        case O_HELP:
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            exit(2);
        }
    }
    /* Extra arguments are seeds too: --expected F --seed A B C. */
    for (; optind < argc; optind++) {
        if (o->expected == NULL || o->nseeds == TESTSRV_MAX_SEEDS)
            die_usage("unexpected argument \"%s\"", argv[optind]);
        o->seeds[o->nseeds++] = argv[optind];
    }
    finish_hosts(o);
}

static int
write_expected(struct site *s, const struct opts *o)
{
    struct site_url *v;
    size_t n;
    char *first = NULL;
    const char *const *seeds = o->seeds;
    size_t nseeds = o->nseeds;
    FILE *f;
    int rc = 0;

    if (nseeds == 0) {
        first = xasprintf(o->port == 80 ? "http://%s/" : "http://%s:%u/",
                          o->hosts[0].name, o->port);
        seeds = (const char *const *)&first;
        nseeds = 1;
    }
    if (site_expected(s, seeds, nseeds, (const char *const *)o->scope,
                      o->nscope, o->robots ? SITE_EXPECT_ROBOTS : 0, &v,
                      &n) != 0) {
        fprintf(stderr, "testsrv: a seed is not on a site host (or the "
                        "site is too big to enumerate)\n");
        free(first);
        return -1;
    }
    free(first);
    f = strcmp(o->expected, "-") == 0 ? stdout : fopen(o->expected, "w");
    if (f == NULL) {
        fprintf(stderr, "testsrv: %s: %s\n", o->expected, strerror(errno));
        site_urls_free(v, n);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (fprintf(f, "%d\t%s\n", v[i].status, v[i].url) < 0)
            rc = -1;
    if ((f == stdout ? fflush(f) : fclose(f)) != 0)
        rc = -1;
    site_urls_free(v, n);
    return rc;
}

/* A port on 127.0.0.1 where connecting never completes: a listener with
 * the smallest backlog that never accepts, its queue filled by our own
 * connections, so the kernel drops further SYNs (a connect time-out without
 * leaving loopback). Returns the port, or 0; the sockets stay open in fds. */
static unsigned
blackhole_open(int fds[4])
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    int i;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fds[0] = socket(AF_INET, SOCK_STREAM, 0);
    if (fds[0] < 0 || bind(fds[0], (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(fds[0], 0) != 0 ||
        getsockname(fds[0], (struct sockaddr *)&a, &alen) != 0)
        return 0;
    for (i = 1; i < 4; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (fds[i] < 0)
            return 0;
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
        if (connect(fds[i], (struct sockaddr *)&a, sizeof(a)) != 0 &&
            errno != EINPROGRESS)
            return 0;
    }
    usleep(100000); /* let the handshakes fill the accept queue */
    return ntohs(a.sin_port);
}

/* Write the request counts to path, atomically (a temporary file renamed
 * into place), so a reader never sees half a dump. */
static int
dump_counts(struct site *s, const char *path)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int rc = 0;

    if (f == NULL || site_dump_counts(s, f) != 0) {
        fprintf(stderr, "testsrv: %s: %s\n", path, strerror(errno));
        rc = -1;
    }
    if (f != NULL && fclose(f) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    free(tmp);
    return rc;
}

static int
serve(struct site *s, const struct opts *o)
{
    struct httpd_options hopt = {.port = o->port,
                                 .max_conns = o->max_conns,
                                 .handler = site_handle,
                                 .arg = s};
    struct httpd *h;
    sigset_t set;
    char *cause = NULL, *text;
    int sig, rc = 0, bh[4] = {-1, -1, -1, -1};

    /* Block the stop signals before any thread exists, so every thread
     * inherits the mask and only sigwait() below sees them. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (httpd_start(&h, &hopt, &cause) != 0) {
        fprintf(stderr, "testsrv: %s\n", cause);
        free(cause);
        return -1;
    }
    site_set_port(s, httpd_port(h));
    if (o->pid_file != NULL) {
        text = xasprintf("%ld\n", (long)getpid());
        if (write_file(o->pid_file, text) != 0)
            rc = -1;
        free(text);
    }
    if (o->port_file != NULL) {
        text = xasprintf("%u\n", httpd_port(h));
        if (write_file(o->port_file, text) != 0)
            rc = -1;
        free(text);
    }
    if (o->blackhole_file != NULL) {
        unsigned bport = blackhole_open(bh);

        text = xasprintf("%u\n", bport);
        if (bport == 0 || write_file(o->blackhole_file, text) != 0)
            rc = -1;
        free(text);
    }
    printf("port %u\n", httpd_port(h));
    fflush(stdout);

    /* SIGUSR1 writes the counts so far; SIGTERM/SIGINT stop */
    while (rc == 0) {
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig != SIGUSR1)
            break;
        if (o->counts != NULL && dump_counts(s, o->counts) != 0)
            rc = -1;
    }
    httpd_stop(h);
    if (o->counts != NULL && dump_counts(s, o->counts) != 0)
        rc = -1;
    if (o->pid_file != NULL)
        unlink(o->pid_file);
    for (int i = 0; i < 4; i++)
        if (bh[i] >= 0)
            close(bh[i]);
    return rc;
}

int
main(int argc, char **argv)
{
    struct opts o;
    struct site *s;
    char *cause = NULL;
    int rc;

    parse_args(&o, argc, argv);
    if (o.expected != NULL && o.port == 0)
        die_usage("%s needs --port (absolute links carry it)", "--expected");
    s = site_new(o.hosts, o.nhosts, o.port, &cause);
    if (s == NULL) {
        fprintf(stderr, "testsrv: %s\n", cause);
        free(cause);
        return 2;
    }
    if (o.no_counts)
        site_set_count_limit(s, 0);
    rc = o.expected != NULL ? write_expected(s, &o) : serve(s, &o);
    site_free(s);
    for (size_t i = 0; i < o.nhosts; i++)
        free(o.names[i]);
    for (size_t i = 0; i < o.nscope; i++)
        free(o.scope[i]);
    return rc == 0 ? 0 : 1;
}
