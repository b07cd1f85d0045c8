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

/* name, pages, latency, jitter, error rate, broken-link rate */
static const struct site_host demo_hosts[] = {
    {"fast.test", 2000, 5, 5, 0.0, 0.02},
    {"slow.test", 220, 500, 250, 0.0, 0.02},
    {"flaky.test", 500, 80, 60, 0.15, 0.02},
    {"broken.test", 500, 40, 20, 0.02, 0.40},
    {"steady.test", 600, 150, 20, 0.0, 0.0},
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
