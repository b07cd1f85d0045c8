/* SPDX-License-Identifier: MIT */
/*
 * test_store.c - the SQLite store: schema, writes, views, batching in
 * transactions, WAL readers, and refusing files it must not touch.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store.h"
#include "tmpdir.h"
#include "util.h"

struct fx {
    char dir[64];
    char path[128];
    struct store *s;
    sqlite3 *rd; /* a second, read-only connection */
};

static int
setup(void **state)
{
    struct fx *x = calloc(1, sizeof(*x));

    assert_non_null(x);
    snprintf(x->dir, sizeof(x->dir), "/tmp/crawltop-test-store-XXXXXX");
    assert_non_null(mkdtemp(x->dir));
    snprintf(x->path, sizeof(x->path), "%s/crawl.db", x->dir);
    *state = x;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *x = *state;

    if (x->rd != NULL)
        sqlite3_close(x->rd);
    store_free(x->s);
    tmpdir_remove(x->dir);
    free(x);
    return 0;
}

static void
open_store(struct fx *x)
{
    char *cause = NULL;

    assert_int_equal(store_open(&x->s, x->path, &cause), 0);
    assert_null(cause);
    assert_non_null(x->s);
}

static sqlite3 *
open_reader(struct fx *x)
{
    if (x->rd == NULL)
        assert_int_equal(
            sqlite3_open_v2(x->path, &x->rd, SQLITE_OPEN_READONLY, NULL),
            SQLITE_OK);
    return x->rd;
}

/* One integer from sql on db; fails the test on any error (SQLITE_BUSY
 * included: WAL readers must never be blocked). */
static int64_t
q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v;
    int rc;

    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        fail_msg("%s: step %d %s", sql, rc, sqlite3_errmsg(db));
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* One text value (NULL for SQL NULL) into buf. */
static const char *
q_text(sqlite3 *db, const char *sql, char *buf, size_t bufsz)
{
    sqlite3_stmt *st;
    const char *r = NULL;
    int rc;

    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        fail_msg("%s: step %d %s", sql, rc, sqlite3_errmsg(db));
    if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
        snprintf(buf, bufsz, "%s", (const char *)sqlite3_column_text(st, 0));
        r = buf;
    }
    sqlite3_finalize(st);
    return r;
}

static void
write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

/* --- schema ------------------------------------------------------------- */

static void
store_open_creates_tables_and_views(void **state)
{
    struct fx *x = *state;
    sqlite3 *rd;
    static const char *const tables[] = {"url", "fetch", "link", "crawl"};
    static const char *const views[] = {"pages", "links"};
    char sql[128];
    size_t i;

    open_store(x);
    rd = open_reader(x);
    for (i = 0; i < 4; i++) {
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                 "AND name = '%s'",
                 tables[i]);
        assert_int_equal(q_int(rd, sql), 1);
    }
    for (i = 0; i < 2; i++) {
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM sqlite_master WHERE type = 'view' "
                 "AND name = '%s'",
                 views[i]);
        assert_int_equal(q_int(rd, sql), 1);
    }
    assert_int_equal(q_int(rd, "PRAGMA user_version"), 2);
    assert_int_equal(q_int(rd, "SELECT count(*) FROM pages"), 0);
    assert_int_equal(q_int(rd, "SELECT count(*) FROM links"), 0);
}

static void
store_uses_wal_journal(void **state)
{
    struct fx *x = *state;
    char buf[32];

    open_store(x);
    assert_string_equal(
        q_text(open_reader(x), "PRAGMA journal_mode", buf, sizeof(buf)), "wal");
}

/* --- writes ------------------------------------------------------------- */

static void
store_add_url_stores_rows_and_refuses_a_used_id(void **state)
{
    struct fx *x = *state;
    sqlite3 *rd;
    char buf[64];

    open_store(x);
    assert_int_equal(store_add_url(x->s, 11, 1011, "http://a.test/", 0, 0,
                                   URL_STATE_QUEUED),
                     0);
    /* an id is a discovery number: giving one twice is a bug, and an
     * error, never a silent overwrite */
    assert_int_equal(store_add_url(x->s, 11, 1012, "http://other.test/", 5,
                                   0, URL_STATE_OUT),
                     -1);
    assert_int_equal(store_add_url(x->s, 13, 1013, "http://a.test/x", 1, 11,
                                   URL_STATE_OUT),
                     0);
    assert_int_equal(store_commit(x->s), 0);
    rd = open_reader(x);
    assert_int_equal(q_int(rd, "SELECT count(*) FROM url"), 2);
    assert_int_equal(q_int(rd, "SELECT hash FROM url WHERE id = 13"), 1013);
    assert_string_equal(
        q_text(rd, "SELECT url FROM url WHERE id = 11", buf, sizeof(buf)),
        "http://a.test/");
    assert_int_equal(q_int(rd, "SELECT depth FROM url WHERE id = 11"), 0);
    assert_int_equal(q_int(rd, "SELECT state FROM url WHERE id = 11"),
                     URL_STATE_QUEUED);
    assert_int_equal(q_int(rd, "SELECT state FROM url WHERE id = 13"),
                     URL_STATE_OUT);
    assert_int_equal(q_int(rd, "SELECT referrer FROM url WHERE id = 13"), 11);
    /* referrer 0 is stored as NULL */
    assert_int_equal(
        q_int(rd, "SELECT referrer IS NULL FROM url WHERE id = 11"), 1);
}

static void
store_add_url_keeps_full_64bit_hashes(void **state)
{
    struct fx *x = *state;

    open_store(x);
    assert_int_equal(store_add_url(x->s, 1, INT64_MAX, "http://big.test/", 0,
                                   0, URL_STATE_QUEUED),
                     0);
    assert_int_equal(store_commit(x->s), 0);
    assert_true(q_int(open_reader(x), "SELECT max(hash) FROM url") ==
                INT64_MAX);
}

static void
store_add_page_shows_in_pages_view_with_referrer(void **state)
{
    struct fx *x = *state;
    struct store_page p = {
        .id = 2,
        .final_url = "http://a.test/b/",
        .status = 200,
        .content_type = "text/html",
        .bytes = 1234,
        .title = "B \"page\"",
        .elapsed_ms = 56,
        .fetched_at = "2026-01-02T03:04:05.678Z",
        .error = NULL,
        .attempts = 0,
    };
    sqlite3 *rd;
    sqlite3_stmt *st;

    open_store(x);
    assert_int_equal(
        store_add_url(x->s, 1, 1001, "http://a.test/", 0, 0, URL_STATE_QUEUED), 0);
    assert_int_equal(
        store_add_url(x->s, 2, 2002, "http://a.test/b", 1, 1, URL_STATE_QUEUED), 0);
    assert_int_equal(store_add_page(x->s, &p), 0);
    assert_int_equal(store_commit(x->s), 0);
    rd = open_reader(x);
    assert_int_equal(
        sqlite3_prepare_v2(rd,
                           "SELECT url, final_url, status, content_type, "
                           "bytes, depth, referrer, title, elapsed_ms, "
                           "fetched_at, error, attempts FROM pages",
                           -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal(sqlite3_column_text(st, 0), "http://a.test/b");
    assert_string_equal(sqlite3_column_text(st, 1), "http://a.test/b/");
    assert_int_equal(sqlite3_column_int(st, 2), 200);
    assert_string_equal(sqlite3_column_text(st, 3), "text/html");
    assert_int_equal(sqlite3_column_int64(st, 4), 1234);
    assert_int_equal(sqlite3_column_int(st, 5), 1);
    assert_string_equal(sqlite3_column_text(st, 6), "http://a.test/");
    assert_string_equal(sqlite3_column_text(st, 7), "B \"page\"");
    assert_int_equal(sqlite3_column_int64(st, 8), 56);
    assert_string_equal(sqlite3_column_text(st, 9), "2026-01-02T03:04:05.678Z");
    assert_int_equal(sqlite3_column_type(st, 10), SQLITE_NULL);
    assert_int_equal(sqlite3_column_int(st, 11), 0); /* 0: never requested */
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    /* the page's URL is now done; its referrer is untouched */
    assert_int_equal(q_int(rd, "SELECT state FROM url WHERE id = 2"),
                     URL_STATE_DONE);
    assert_int_equal(q_int(rd, "SELECT state FROM url WHERE id = 1"),
                     URL_STATE_QUEUED);
}

static void
store_add_page_records_failures_with_nulls(void **state)
{
    struct fx *x = *state;
    struct store_page p = {
        .id = 7,
        .fetched_at = "2026-01-02T03:04:05.678Z",
        .error = "connection refused",
        .attempts = 3,
    };
    sqlite3 *rd;
    char buf[64];

    open_store(x);
    assert_int_equal(
        store_add_url(x->s, 7, 7007, "http://down.test/", 0, 0, URL_STATE_QUEUED), 0);
    assert_int_equal(store_add_page(x->s, &p), 0);
    assert_int_equal(store_commit(x->s), 0);
    rd = open_reader(x);
    assert_string_equal(q_text(rd, "SELECT error FROM pages", buf, sizeof(buf)),
                        "connection refused");
    assert_int_equal(q_int(rd, "SELECT status IS NULL AND final_url IS NULL"
                               " AND title IS NULL AND content_type IS NULL"
                               " AND referrer IS NULL FROM pages"),
                     1);
    assert_int_equal(q_int(rd, "SELECT attempts FROM pages"), 3);
}

static void
store_add_page_twice_keeps_the_last_outcome(void **state)
{
    struct fx *x = *state;
    struct store_page p = {
        .id = 7,
        .fetched_at = "2026-01-02T03:04:05.678Z",
        .error = "timed out",
        .attempts = 1,
    };
    sqlite3 *rd;

    open_store(x);
    assert_int_equal(
        store_add_url(x->s, 7, 7007, "http://slow.test/", 0, 0, URL_STATE_QUEUED), 0);
    assert_int_equal(store_add_page(x->s, &p), 0);
    p.error = NULL;
    p.status = 200;
    p.attempts = 2;
    assert_int_equal(store_add_page(x->s, &p), 0);
    assert_int_equal(store_commit(x->s), 0);
    rd = open_reader(x);
    assert_int_equal(q_int(rd, "SELECT count(*) FROM pages"), 1);
    assert_int_equal(q_int(rd, "SELECT status FROM pages"), 200);
    assert_int_equal(q_int(rd, "SELECT attempts FROM pages"), 2);
    assert_int_equal(q_int(rd, "SELECT error IS NULL FROM pages"), 1);
}

static void
store_links_view_names_both_ends(void **state)
{
    struct fx *x = *state;
    sqlite3 *rd;
    char buf[64];

    open_store(x);
    assert_int_equal(
        store_add_url(x->s, 1, 1001, "http://a.test/", 0, 0, URL_STATE_DONE), 0);
    assert_int_equal(
        store_add_url(x->s, 2, 2002, "http://a.test/b", 1, 1, URL_STATE_QUEUED), 0);
    assert_int_equal(
        store_add_url(x->s, 3, 3003, "http://elsewhere.test/", 1, 1,
        URL_STATE_OUT), 0);
    assert_int_equal(store_add_link(x->s, 1, 2, "a"), 0);
    assert_int_equal(store_add_link(x->s, 1, 3, NULL), 0);
    assert_int_equal(store_commit(x->s), 0);
    rd = open_reader(x);
    assert_int_equal(q_int(rd, "SELECT count(*) FROM links"), 2);
    assert_string_equal(q_text(rd,
                               "SELECT src FROM links WHERE dst = "
                               "'http://a.test/b'",
                               buf, sizeof(buf)),
                        "http://a.test/");
    assert_string_equal(q_text(rd,
                               "SELECT rel FROM links WHERE dst = "
                               "'http://a.test/b'",
                               buf, sizeof(buf)),
                        "a");
    assert_null(q_text(rd,
                       "SELECT rel FROM links WHERE dst = "
                       "'http://elsewhere.test/'",
                       buf, sizeof(buf)));
}

static void
store_run_begin_and_end_fill_a_crawl_row(void **state)
{
    struct fx *x = *state;
    sqlite3 *rd;
    char buf[64];

    open_store(x);
    assert_int_equal(store_run_begin(x->s, "2026-01-01T00:00:00.000Z",
                                     "{\"concurrency\":4}", "concurrency = 4\n"),
                     0);
    rd = open_reader(x);
    /* the run row is committed at once */
    assert_int_equal(q_int(rd, "SELECT count(*) FROM crawl"), 1);
    assert_int_equal(q_int(rd, "SELECT ended_at IS NULL FROM crawl"), 1);
    assert_string_equal(
        q_text(rd, "SELECT version FROM crawl", buf, sizeof(buf)),
        CRAWLTOP_VERSION);
    assert_string_equal(
        q_text(rd, "SELECT settings FROM crawl", buf, sizeof(buf)),
        "{\"concurrency\":4}");
    assert_int_equal(store_run_end(x->s, "2026-01-01T00:01:00.000Z", "done",
                                   "{\"pages\":1}"),
                     0);
    assert_string_equal(
        q_text(rd, "SELECT outcome FROM crawl", buf, sizeof(buf)), "done");
    assert_string_equal(
        q_text(rd, "SELECT ended_at FROM crawl", buf, sizeof(buf)),
        "2026-01-01T00:01:00.000Z");
    assert_string_equal(
        q_text(rd, "SELECT summary FROM crawl", buf, sizeof(buf)),
        "{\"pages\":1}");
}

/* --- transactions and readers ------------------------------------------ */

static void
store_commit_makes_rows_visible_to_other_connections(void **state)
{
    struct fx *x = *state;
    sqlite3 *rd;

    open_store(x);
    rd = open_reader(x);
    assert_int_equal(
        store_add_url(x->s, 1, 1001, "http://a.test/1", 0, 0, URL_STATE_QUEUED), 0);
    assert_int_equal(store_commit(x->s), 0);
    assert_int_equal(q_int(rd, "SELECT count(*) FROM url"), 1);
    /* the writer's transaction stays open: the reader neither sees the new
     * rows nor waits for them (q_int fails on SQLITE_BUSY) */
    assert_int_equal(
        store_add_url(x->s, 2, 2002, "http://a.test/2", 0, 0, URL_STATE_QUEUED), 0);
    assert_int_equal(
        store_add_url(x->s, 3, 3003, "http://a.test/3", 0, 0, URL_STATE_QUEUED), 0);
    assert_int_equal(q_int(rd, "SELECT count(*) FROM url"), 1);
    assert_int_equal(store_commit(x->s), 0);
    assert_int_equal(q_int(rd, "SELECT count(*) FROM url"), 3);
    /* a commit with nothing pending is fine */
    assert_int_equal(store_commit(x->s), 0);
}

static void
store_commit_is_not_blocked_by_a_reader_transaction(void **state)
{
    struct fx *x = *state;
    sqlite3 *rd;

    open_store(x);
    rd = open_reader(x);
    assert_int_equal(sqlite3_exec(rd, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(q_int(rd, "SELECT count(*) FROM url"), 0);
    assert_int_equal(
        store_add_url(x->s, 1, 1001, "http://a.test/1", 0, 0, URL_STATE_QUEUED), 0);
    assert_int_equal(store_commit(x->s), 0);
    /* snapshot isolation: the open read transaction still sees 0 */
    assert_int_equal(q_int(rd, "SELECT count(*) FROM url"), 0);
    assert_int_equal(sqlite3_exec(rd, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(q_int(rd, "SELECT count(*) FROM url"), 1);
}

static void
store_free_commits_pending_writes(void **state)
{
    struct fx *x = *state;

    open_store(x);
    assert_int_equal(
        store_add_url(x->s, 1, 1001, "http://a.test/1", 0, 0, URL_STATE_QUEUED), 0);
    store_free(x->s);
    x->s = NULL;
    assert_int_equal(q_int(open_reader(x), "SELECT count(*) FROM url"), 1);
    store_free(NULL);
}

static void
store_reopens_an_existing_database(void **state)
{
    struct fx *x = *state;
    char buf[64];

    open_store(x);
    assert_int_equal(
        store_add_url(x->s, 1, 1001, "http://a.test/1", 0, 0, URL_STATE_QUEUED), 0);
    store_free(x->s);
    x->s = NULL;
    open_store(x);
    assert_int_equal(
        store_add_url(x->s, 2, 2002, "http://a.test/2", 0, 0, URL_STATE_QUEUED), 0);
    assert_int_equal(store_commit(x->s), 0);
    assert_int_equal(q_int(open_reader(x), "SELECT count(*) FROM url"), 2);
    assert_int_equal(q_int(x->rd, "PRAGMA user_version"), 2);
    assert_string_equal(q_text(x->rd, "PRAGMA journal_mode", buf, sizeof(buf)),
                        "wal");
}

static void
store_opens_an_empty_file_as_a_new_database(void **state)
{
    struct fx *x = *state;

    write_file(x->path, "");
    open_store(x);
    assert_int_equal(q_int(open_reader(x), "SELECT count(*) FROM "
                                           "sqlite_master WHERE name = 'url'"),
                     1);
}

/* --- refusals ----------------------------------------------------------- */

static void
store_open_fails_in_a_missing_directory_naming_the_path(void **state)
{
    struct fx *x = *state;
    struct store *s = (struct store *)&s; /* must be reset to NULL */
    char path[256], *cause = NULL;

    snprintf(path, sizeof(path), "%s/no/such/dir/crawl.db", x->dir);
    assert_int_equal(store_open(&s, path, &cause), -1);
    assert_null(s);
    assert_non_null(cause);
    assert_non_null(strstr(cause, path));
    assert_null(strchr(cause, '\n'));
    free(cause);
}

static void
store_open_refuses_a_file_that_is_not_a_database(void **state)
{
    struct fx *x = *state;
    struct store *s = NULL;
    char *cause = NULL, junk[4096 + 1];
    FILE *f;
    size_t n;

    memset(junk, 'J', 4096);
    memcpy(junk, "this is not a database", 22);
    junk[4096] = '\0';
    write_file(x->path, junk);
    assert_int_equal(store_open(&s, x->path, &cause), -1);
    assert_null(s);
    assert_non_null(cause);
    assert_non_null(strstr(cause, x->path));
    assert_null(strchr(cause, '\n'));
    free(cause);
    /* and the file is left as it was */
    f = fopen(x->path, "r");
    assert_non_null(f);
    n = fread(junk, 1, sizeof(junk), f);
    fclose(f);
    assert_int_equal(n, 4096);
    assert_memory_equal(junk, "this is not a database", 22);
}

/* A file of schema `version` is refused, naming the file and `word`, and
 * left as it was. */
static void
refuses_schema_version(struct fx *x, int version, const char *word)
{
    struct store *s = NULL;
    sqlite3 *db;
    char sql[80], *cause = NULL;

    snprintf(sql, sizeof(sql), "CREATE TABLE t(x); PRAGMA user_version = %d",
             version);
    assert_int_equal(sqlite3_open(x->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_open(&s, x->path, &cause), -1);
    assert_null(s);
    assert_non_null(cause);
    assert_non_null(strstr(cause, x->path));
    assert_non_null(strstr(cause, word));
    free(cause);
    /* nothing was created in it */
    open_reader(x);
    assert_int_equal(q_int(x->rd, "PRAGMA user_version"), version);
    assert_int_equal(q_int(x->rd, "SELECT count(*) FROM sqlite_master "
                                  "WHERE name IN ('url', 'pages')"),
                     0);
}

static void
store_open_refuses_a_newer_schema_version(void **state)
{
    refuses_schema_version(*state, 99, "99");
}

/* Two crawls writing one file would wait on each other's SQLite lock and
 * rewrite each other's seen-set files: the second is refused at once,
 * and may open it once the first has closed it. */
static void
store_open_refuses_a_database_in_use(void **state)
{
    struct fx *x = *state;
    struct store *s2 = NULL;
    char *cause = NULL;

    open_store(x);
    assert_int_equal(store_open(&s2, x->path, &cause), -1);
    assert_null(s2);
    assert_non_null(cause);
    assert_non_null(strstr(cause, x->path));
    assert_non_null(strstr(cause, "in use by another crawltop"));
    free(cause);
    store_free(x->s);
    x->s = NULL;
    cause = NULL;
    assert_int_equal(store_open(&s2, x->path, &cause), 0);
    store_free(s2);
}

/* version 1 (crawltop 0.1 before the seen-set index) keyed url rows by
 * hash: not read as version 2 */
static void
store_open_refuses_an_older_schema_version(void **state)
{
    refuses_schema_version(*state, 1, "older");
}

static void
store_errmsg_is_a_string(void **state)
{
    struct fx *x = *state;

    open_store(x);
    assert_non_null(store_errmsg(x->s));
}

struct loaded {
    int64_t id[8];
    int n;
};

static void
collect(void *arg, int64_t id, const char *url, unsigned depth,
        int64_t referrer)
{
    struct loaded *l = arg;
    char want[32];

    (void)depth;
    (void)referrer;
    snprintf(want, sizeof(want), "http://a.test/%lld", (long long)id);
    assert_string_equal(url, want);
    l->id[l->n++] = id;
}

static void
store_load_queued_returns_waiting_urls_in_discovery_order(void **state)
{
    struct fx *x = *state;
    struct loaded l = {{0}, 0};
    struct store_resume r;
    char url[32];
    int64_t i;

    open_store(x);
    for (i = 1; i <= 6; i++) {
        snprintf(url, sizeof(url), "http://a.test/%lld", (long long)i);
        assert_int_equal(store_add_url(x->s, i, i * 10, url, 1, 0,
                                       i == 4 ? URL_STATE_OUT
                                              : URL_STATE_QUEUED),
                         0);
    }
    /* after 2, at most 3: 3, 5, 6 (4 is not queued) */
    assert_int_equal(store_load_queued(x->s, 2, 3, collect, &l), 3);
    assert_int_equal(l.id[0], 3);
    assert_int_equal(l.id[1], 5);
    assert_int_equal(l.id[2], 6);
    assert_int_equal(store_resume_info(x->s, &r), 0);
    assert_int_equal(r.max_id, 6);
    assert_int_equal(r.queued, 5);
    assert_int_equal(r.known, 6);
    assert_int_equal(r.fetched, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(store_open_creates_tables_and_views),
        T(store_uses_wal_journal),
        T(store_add_url_stores_rows_and_refuses_a_used_id),
        T(store_add_url_keeps_full_64bit_hashes),
        T(store_add_page_shows_in_pages_view_with_referrer),
        T(store_add_page_records_failures_with_nulls),
        T(store_add_page_twice_keeps_the_last_outcome),
        T(store_links_view_names_both_ends),
        T(store_run_begin_and_end_fill_a_crawl_row),
        T(store_commit_makes_rows_visible_to_other_connections),
        T(store_commit_is_not_blocked_by_a_reader_transaction),
        T(store_free_commits_pending_writes),
        T(store_reopens_an_existing_database),
        T(store_load_queued_returns_waiting_urls_in_discovery_order),
        T(store_opens_an_empty_file_as_a_new_database),
        T(store_open_fails_in_a_missing_directory_naming_the_path),
        T(store_open_refuses_a_file_that_is_not_a_database),
        T(store_open_refuses_a_newer_schema_version),
        T(store_open_refuses_an_older_schema_version),
        T(store_open_refuses_a_database_in_use),
        T(store_errmsg_is_a_string),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
