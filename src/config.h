/* SPDX-License-Identifier: MIT */
/*
 * config.h - crawl settings from the command line and --config files.
 *
 * Thread: built by main before any thread starts, read-only afterwards
 * (live changes go through engine_set_*(), never through this struct).
 */
#ifndef CRAWLTOP_CONFIG_H
#define CRAWLTOP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Upper bounds of the live-adjustable limits. */
#define CONFIG_MAX_CONCURRENCY 1024
#define CONFIG_MAX_DELAY_MS (3600 * 1000)

enum crawl_order { ORDER_BFS = 0, ORDER_DFS = 1 };

struct strlist {
    char **v;
    size_t n;
};

struct config {
    struct strlist seeds;      /* normalised seed URLs */
    struct strlist allow_host; /* extra in-scope host names (lower case) */
    struct strlist allow_re;   /* --allow patterns (pcre2 syntax) */
    struct strlist deny_re;    /* --deny patterns */
    struct strlist resolve;    /* HOST:PORT:ADDR, as curl's --resolve */
    char *db_path;
    char *user_agent;
    unsigned concurrency;      /* global fetchers, 1..CONFIG_MAX_CONCURRENCY */
    unsigned per_domain;       /* in flight per host */
    unsigned per_ip;           /* in flight per IP address, 0: no limit */
    unsigned delay_ms;         /* minimum gap between starts, per host */
    bool randomize_delay;      /* 0.5x..1.5x of delay_ms */
    int max_depth;             /* -1: unlimited */
    int64_t max_pages;         /* -1: unlimited */
    enum crawl_order order;
    unsigned timeout_s;
    unsigned connect_timeout_s;
    unsigned low_speed_time_s; /* abort under 100 bytes/s for this long */
    int64_t max_size;          /* bytes, per response (decoded) */
    unsigned retries;          /* extra attempts for transient failures */
    unsigned retry_delay_ms;   /* first backoff; doubles each attempt */
    unsigned max_retry_after_s; /* cap on a server's Retry-After */
    bool robots;               /* obey robots.txt */
    bool autothrottle;         /* adapt each host's delay to its latency */
    double at_target;          /* requests in flight wanted per host */
    unsigned at_start_ms, at_max_ms;
    unsigned max_crawl_delay_ms; /* cap on a robots.txt Crawl-delay */
    bool resume;               /* continue the crawl in db_path */
    unsigned window;           /* queued URLs kept in memory */
    bool headless;
    bool demo;
    bool quiet;                /* no progress lines in headless mode */
};

/* Usage errors exit with this status. */
#define CONFIG_EXIT_USAGE 2

enum config_result {
    CONFIG_OK = 0,
    CONFIG_EXIT = 1,  /* --help / --version printed; exit 0 */
    CONFIG_ERROR = 2, /* *cause says why; exit CONFIG_EXIT_USAGE */
};

void config_init(struct config *c);
/* Append a copy of s to l. */
void config_list_add(struct strlist *l, const char *s);
void config_fini(struct config *c);

/* Parse argv (and any --config file it names; the command line wins).
 * Validates everything that can be checked before a thread starts: numbers,
 * regexes, seed URLs, --resolve entries. On CONFIG_ERROR *cause holds one
 * line for the caller to free. */
enum config_result config_parse(struct config *c, int argc, char **argv,
                                char **cause);

/* The help text, one screen. */
void config_usage(FILE *out);

/* The settings as a JSON object (recorded in the crawl table); the caller
 * frees it. */
char *config_to_json(const struct config *c);

/* The crawl's settings (seeds, scope, limits; not the run's own: db,
 * headless, demo, resume) as config file text, which config_apply_text
 * reads back for --resume. The caller frees it. */
char *config_to_conf(const struct config *c);

/* Apply 'name = value' lines (a config file's text; origin names it in
 * messages). CONFIG_OK or CONFIG_ERROR with *cause. */
enum config_result config_apply_text(struct config *c, const char *text,
                                     const char *origin, char **cause);

#endif
