/* SPDX-License-Identifier: MIT */
/*
 * store.h - crawl results in SQLite: every known URL, the outcome of every
 * fetched or skipped one, and every link, as documented in doc/schema.md.
 *
 * Thread: engine only (one connection, one writer). The only sqlite3.h
 * user. Writes are batched: the first write opens a transaction and
 * store_commit() ends it.
 */
#ifndef CRAWLTOP_STORE_H
#define CRAWLTOP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* States of a row in the url table. */
enum url_state {
    URL_STATE_OUT = 0,    /* known (linked) but out of scope: never fetched */
    URL_STATE_QUEUED = 1, /* in the frontier */
    URL_STATE_DONE = 2,   /* fetched or skipped: has a fetch row */
};

/* Outcome of one URL (a row of the pages view). Strings are borrowed. */
struct store_page {
    int64_t id;               /* url id */
    const char *final_url;    /* NULL if no response */
    int status;               /* HTTP status, 0 if no response */
    const char *content_type; /* NULL if none */
    int64_t bytes;            /* body bytes received (decoded) */
    const char *title;        /* NULL if none */
    int64_t elapsed_ms;
    const char *fetched_at;   /* ISO 8601 UTC */
    const char *error;        /* NULL on success */
    unsigned attempts;
};

/* Open or create the database at path (WAL mode, schema created or
 * checked). -1 with a one-line message in *cause for the caller to free. */
int store_open(struct store **out, const char *path, char **cause);
/* Commits what is pending and closes. NULL does nothing. */
void store_free(struct store *s);

/* Record the start of a run with its settings (JSON text, and as config
 * file text for --resume). */
int store_run_begin(struct store *s, const char *started_at,
                    const char *settings_json, const char *config_text);
/* Record the end of the current run and its outcome ("done", "stopped"). */
int store_run_end(struct store *s, const char *ended_at, const char *outcome,
                  const char *summary_json);

/* Add a new URL: id is its discovery number (one more than the last),
 * hash its url_hash(); the caller knows it is new (seen.h). referrer is
 * the id of the page that linked it, 0 for a seed. 0, or -1 on error. */
int store_add_url(struct store *s, int64_t id, int64_t hash,
                  const char *url, unsigned depth, int64_t referrer,
                  enum url_state state);

typedef void store_url_fn(void *arg, int64_t id, const char *url,
                          unsigned depth, int64_t referrer);

/* Call fn for at most limit queued URLs (state 1) with id > after_id, in
 * discovery order (url valid during the call). Returns how many, or -1. */
int store_load_queued(struct store *s, int64_t after_id, size_t limit,
                      store_url_fn *fn, void *arg);

typedef int store_hash_fn(void *arg, int64_t id, int64_t hash);

/* Call fn for every url row with id > after_id, in id order, until fn
 * returns non-zero. 0, or -1 on a read error or if fn stopped it. */
int store_scan_hashes(struct store *s, int64_t after_id, store_hash_fn *fn,
                      void *arg);
/* The hash of url row id: 1 (and *hash), 0 if there is none, -1. */
int store_url_hash(struct store *s, int64_t id, int64_t *hash);

/* What a database already holds, for --resume. */
struct store_resume {
    int64_t max_id;   /* highest url id (discovery number) */
    int64_t fetched;  /* URLs requested (fetch rows with attempts > 0) */
    int64_t recorded; /* fetch rows (skipped ones included) */
    int64_t queued;   /* URLs waiting (state 1) */
    int64_t known;    /* url rows */
    int64_t links;    /* link rows (approximately: the last rowid) */
    int64_t errors;   /* fetch rows with an error */
    int64_t status[5]; /* fetch rows by status class 1xx..5xx */
};
int store_resume_info(struct store *s, struct store_resume *out);

/* The settings (config file text) of the first run recorded in the
 * database at path, for --resume; the caller frees *text. -1 with a
 * message in *cause if there is none. Opens the file read-only. */
int store_read_config(const char *path, char **text, char **cause);
/* Record the outcome of a URL and mark it done. */
int store_add_page(struct store *s, const struct store_page *p);
/* Record a link from page src to dst (ids of url rows). */
int store_add_link(struct store *s, int64_t src, int64_t dst,
                   const char *rel);

/* End the open transaction, if any. */
int store_commit(struct store *s);

/* Last error message of the connection (valid until the next call). */
const char *store_errmsg(struct store *s);

#endif
