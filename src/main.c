/* SPDX-License-Identifier: MIT */
/*
 * main.c - parse the settings, build the engine, run the dashboard or the
 * headless progress loop, and tear everything down in reverse.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "demo.h"
#include "engine.h"
#include "fetch.h"
#include "store.h"
#include "ui.h"
#include "util.h"

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
    if (got_signal != 0)
        _exit(128 + sig); /* second signal: leave at once; WAL keeps the db */
    got_signal = sig;
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static const char *const phase_name[] = {
    [PHASE_STARTING] = "starting", [PHASE_RUNNING] = "running",
    [PHASE_PAUSED] = "paused",     [PHASE_STOPPING] = "stopping",
    [PHASE_DONE] = "done",
};

/* Headless: a progress line per second on stderr until the crawl ends. */
static int
run_headless(struct engine *e, const struct config *cfg)
{
    struct engine_stats *st = xmalloc(sizeof(*st));
    struct sigaction sa;
    int64_t last = now_ms();
    bool asked = false;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    for (;;) {
        bool done;

        engine_snapshot(e, st);
        done = st->phase == PHASE_DONE;
        if (got_signal != 0 && !asked && !done) {
            fprintf(stderr, "crawltop: stopping (signal %d); again to quit "
                            "at once\n", (int)got_signal);
            engine_stop(e, 3000);
            asked = true;
        }
        /* one line a second, and a last one when the crawl ends */
        if (!cfg->quiet && (done || now_ms() - last >= 1000)) {
            last = now_ms();
            fprintf(stderr,
                    "[%7.1fs] %s: pages %llu (%.1f/s) queued %llu "
                    "in-flight %u errors %llu known %llu\n",
                    st->elapsed_ms / 1000.0, phase_name[st->phase],
                    (unsigned long long)st->pages_done, st->pages_per_s,
                    (unsigned long long)st->queued, st->in_flight,
                    (unsigned long long)st->errors,
                    (unsigned long long)st->known);
        }
        if (done)
            break;
        sleep_ms(50);
    }
    free(st);
    return got_signal != 0 ? 128 + got_signal : 0;
}

static bool
wants_resume(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--resume") == 0)
            return true;
    return false;
}

/* --resume: the stored crawl's settings first; the command line, parsed
 * after, overrides them. */
static int
load_resume(struct config *cfg, int argc, char **argv)
{
    const char *db = "crawl.db";
    char *text = NULL, *cause = NULL;
    int i;

    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db = argv[++i];
        else if (strncmp(argv[i], "--db=", 5) == 0)
            db = argv[i] + 5;
    }
    if (store_read_config(db, &text, &cause) != 0 ||
        config_apply_text(cfg, text, db, &cause) != CONFIG_OK) {
        fprintf(stderr, "crawltop: %s\n", cause);
        free(cause);
        free(text);
        return -1;
    }
    free(text);
    return 0;
}

int
main(int argc, char **argv)
{
    struct config cfg;
    struct engine *e;
    struct demo *demo = NULL;
    char *cause = NULL, summary[2048];
    int rc = 0;

    signal(SIGPIPE, SIG_IGN);
    config_init(&cfg);
    if (wants_resume(argc, argv) && load_resume(&cfg, argc, argv) != 0) {
        config_fini(&cfg);
        return CONFIG_EXIT_USAGE;
    }
    switch (config_parse(&cfg, argc, argv, &cause)) {
    case CONFIG_OK:
        break;
    case CONFIG_EXIT:
        config_fini(&cfg);
        return 0;
    case CONFIG_ERROR:
        fprintf(stderr, "crawltop: %s\n", cause);
        free(cause);
        config_fini(&cfg);
        return CONFIG_EXIT_USAGE;
    }
    if (fetch_global_init() != 0) {
        fprintf(stderr, "crawltop: cannot initialise libcurl\n");
        config_fini(&cfg);
        return 1;
    }
    if (cfg.demo && demo_start(&demo, &cfg, &cause) != 0) {
        fprintf(stderr, "crawltop: demo: %s\n", cause);
        free(cause);
        fetch_global_cleanup();
        config_fini(&cfg);
        return 1;
    }
    e = engine_new(&cfg, &cause);
    if (e == NULL) {
        fprintf(stderr, "crawltop: %s\n", cause);
        free(cause);
        demo_stop(demo);
        fetch_global_cleanup();
        config_fini(&cfg);
        return CONFIG_EXIT_USAGE;
    }
    if (engine_start(e) != 0)
        fatal("cannot start the engine thread");
    if (cfg.headless || !isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO) ||
        ui_run(e, cfg.demo) != 0)
        rc = run_headless(e, &cfg);
    engine_join(e);
    engine_summary_json(e, summary, sizeof(summary));
    printf("%s\n", summary);
    if (strstr(summary, "\"db\":false") != NULL)
        rc = 1;
    engine_free(e);
    demo_stop(demo);
    fetch_global_cleanup();
    config_fini(&cfg);
    return rc;
}
