/* SPDX-License-Identifier: MIT */
/*
 * demo.c - the built-in demo crawl: about a minute of work spread over
 * hosts that behave differently, so every panel has something to show.
 */
#include "demo.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "httpd.h"
#include "site.h"
#include "url.h"
#include "util.h"

struct demo {
    struct site *site;
    struct httpd *httpd;
};

static const struct site_host demo_hosts[] = {
    {.name = "fast.test", .pages = 2000, .latency_ms = 5, .jitter_ms = 5,
     .broken_rate = 0.02},
    {.name = "slow.test", .pages = 220, .latency_ms = 500, .jitter_ms = 250,
     .broken_rate = 0.02},
    {.name = "flaky.test", .pages = 500, .latency_ms = 80, .jitter_ms = 60,
     .error_rate = 0.15, .broken_rate = 0.02},
    {.name = "broken.test", .pages = 500, .latency_ms = 40, .jitter_ms = 20,
     .error_rate = 0.02, .broken_rate = 0.40, .robots_status = 404},
    {.name = "steady.test", .pages = 200, .latency_ms = 150, .jitter_ms = 20,
     .crawl_delay_ms = 50},
};
#define DEMO_NHOSTS (sizeof(demo_hosts) / sizeof(demo_hosts[0]))

int
demo_start(struct demo **out, struct config *cfg, char **cause)
{
    struct demo *d = xcalloc(1, sizeof(*d));
    struct httpd_options opt;
    unsigned port;
    size_t i;

    *out = NULL;
    d->site = site_new(demo_hosts, DEMO_NHOSTS, 0, cause);
    if (d->site == NULL)
        goto fail;
    memset(&opt, 0, sizeof(opt));
    opt.port = 0; /* any free port */
    opt.handler = site_handle;
    opt.arg = d->site;
    if (httpd_start(&d->httpd, &opt, cause) != 0)
        goto fail;
    port = httpd_port(d->httpd);
    site_set_port(d->site, port);
    for (i = 0; i < DEMO_NHOSTS; i++) {
        char norm[URL_MAX];
        char *seed = xasprintf("http://%s:%u/", demo_hosts[i].name, port);
        char *res = xasprintf("%s:%u:127.0.0.1", demo_hosts[i].name, port);

        if (url_normalize(seed, norm, sizeof(norm)) != URL_OK)
            fatal("demo: bad seed %s", seed);
        config_list_add(&cfg->seeds, norm);
        config_list_add(&cfg->resolve, res);
        free(seed);
        free(res);
    }
    *out = d;
    return 0;

fail:
    demo_stop(d);
    return -1;
}

void
demo_stop(struct demo *d)
{
    if (d == NULL)
        return;
    httpd_stop(d->httpd);
    site_free(d->site);
    free(d);
}
