/* SPDX-License-Identifier: MIT */
/*
 * test_seen.c - the seen-set: exact answers through the cache, the Bloom
 * filter, pending batches and the run files; the files brought up to date
 * or rebuilt whenever they do not match their database.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "seen.h"
#include "store.h"
#include "tmpdir.h"
#include "util.h"

struct fx {
    char dir[64];
    char path[128];
    char index[140];
    struct store *st;
    struct seen *s;
    struct seen_opts o;
    int64_t max_id;
};

static int
setup(void **state)
{
    struct fx *x = calloc(1, sizeof(*x));
    char *cause = NULL;

    assert_non_null(x);
    snprintf(x->dir, sizeof(x->dir), "/tmp/crawltop-test-seen-XXXXXX");
    assert_non_null(mkdtemp(x->dir));
    snprintf(x->path, sizeof(x->path), "%s/crawl.db", x->dir);
    snprintf(x->index, sizeof(x->index), "%s-seen", x->path);
    assert_int_equal(store_open(&x->st, x->path, &cause), 0);
    /* small batches, so that a few thousand URLs make many merges */
    seen_opts_default(&x->o);
    x->o.min_batch = 100;
    x->o.max_pending = 400;
    *state = x;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *x = *state;

    seen_free(x->s, 0);
    store_free(x->st);
    tmpdir_remove(x->dir);
    free(x);
    return 0;
}

/* The hash of the i-th URL of a test (spread over 63 bits, never 0). */
static int64_t
hash_of(int64_t i)
{
    uint64_t k = (uint64_t)i * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;

    k ^= k >> 31;
    k *= 0xbf58476d1ce4e5b9ULL;
    k ^= k >> 29;
    return (int64_t)(k >> 1) | 1;
}

static void
open_seen(struct fx *x)
{
    char *cause = NULL;

    assert_int_equal(seen_open(&x->s, x->path, x->st, &x->o, &cause), 0);
    assert_null(cause);
}

static void
close_seen(struct fx *x, int merge_rest)
{
    seen_free(x->s, merge_rest);
    x->s = NULL;
}

/* Add n new URLs as the engine does: row, then seen_add, a commit every
 * 37 of them. */
static void
add_urls(struct fx *x, int64_t n)
{
    int64_t i, id;
    char url[64];

    for (i = 0; i < n; i++) {
        id = ++x->max_id;
        assert_int_equal(seen_find(x->s, hash_of(id), &id), 0);
        id = x->max_id;
        snprintf(url, sizeof(url), "http://a.test/%lld", (long long)id);
        assert_int_equal(store_add_url(x->st, id, hash_of(id), url, 1, 0,
                                       URL_STATE_QUEUED),
                         0);
        seen_add(x->s, hash_of(id), id);
        if (id % 37 == 0) {
            assert_int_equal(store_commit(x->st), 0);
            assert_int_equal(seen_committed(x->s), 0);
        }
    }
    assert_int_equal(store_commit(x->st), 0);
    assert_int_equal(seen_committed(x->s), 0);
}

/* Every added hash is known under its id; as many others are not. */
static void
check_exact(struct fx *x)
{
    int64_t i, id;

    for (i = 1; i <= x->max_id; i++) {
        id = -1;
        assert_int_equal(seen_find(x->s, hash_of(i), &id), 1);
        assert_true(id == i);
    }
    for (i = x->max_id + 1; i <= 2 * x->max_id; i++)
        assert_int_equal(seen_find(x->s, hash_of(i), &id), 0);
}

/* What the manifest says: merged id and hash, runs, pairs in them. */
struct manifest {
    int64_t merged_id, merged_hash;
    int runs;
    long long pairs;
    unsigned long long gen[32];
};

static void
read_manifest(struct fx *x, struct manifest *m)
{
    FILE *f = fopen(x->index, "r");
    char line[200];

    memset(m, 0, sizeof(*m));
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f));
    assert_string_equal(line, "crawltop-seen 2\n");
    assert_non_null(fgets(line, sizeof(line), f));
    assert_int_equal(sscanf(line, "merged %" SCNd64 " %" SCNd64,
                            &m->merged_id, &m->merged_hash),
                     2);
    assert_non_null(fgets(line, sizeof(line), f));
    while (fgets(line, sizeof(line), f) != NULL) {
        unsigned long long n, sum;

        if (strncmp(line, "end ", 4) == 0)
            break;
        assert_true(m->runs < 32);
        assert_int_equal(sscanf(line, "run %llu %llu %llu", &m->gen[m->runs],
                                &n, &sum),
                         3);
        m->runs++;
        m->pairs += (long long)n;
    }
    fclose(f);
}

/* Replace the manifest's "merged" line. */
static void
set_merged(struct fx *x, int64_t id, int64_t hash)
{
    FILE *f = fopen(x->index, "r");
    char buf[4096], *nl1, *nl2;
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    nl1 = strchr(buf, '\n');
    assert_non_null(nl1);
    nl2 = strchr(nl1 + 1, '\n');
    assert_non_null(nl2);
    f = fopen(x->index, "w");
    assert_non_null(f);
    fprintf(f, "%.*s\nmerged %lld %lld%s", (int)(nl1 - buf), buf,
            (long long)id, (long long)hash, nl2);
    fclose(f);
}

static bool
exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void
run_file(struct fx *x, unsigned long long gen, char *buf, size_t len)
{
    snprintf(buf, len, "%s.%llu", x->index, gen);
}

/* --- answers -------------------------------------------------------------- */

static void
seen_knows_what_was_added_and_nothing_else(void **state)
{
    struct fx *x = *state;
    int64_t id;

    open_seen(x);
    assert_int_equal(seen_find(x->s, hash_of(1), &id), 0);
    add_urls(x, 5000);
    check_exact(x);
    /* batches went to the index file while the crawl went on */
    assert_true(seen_merged(x->s) > 0);
    assert_true(seen_pending(x->s) <= 2 * x->o.max_pending);
}

/* Runs are merged as they come: a run is more than twice the next newer
 * one, so 5000 URLs in batches of 100 or more make few runs, and every
 * run file the manifest lists exists (and no other). */
static void
seen_keeps_few_runs(void **state)
{
    struct fx *x = *state;
    struct manifest m;
    char p[200];
    int i;

    open_seen(x);
    add_urls(x, 5000);
    close_seen(x, 1);
    read_manifest(x, &m);
    assert_true(m.merged_id == 5000);
    assert_true(m.pairs == 5000);
    assert_true(m.runs >= 1 && m.runs <= 7); /* log2(5000 / 100) + 1 */
    for (i = 0; i < m.runs; i++) {
        run_file(x, m.gen[i], p, sizeof(p));
        assert_true(exists(p));
    }
    run_file(x, m.gen[m.runs - 1] + 1, p, sizeof(p));
    assert_false(exists(p));
    /* a run written but not listed when the process died: removed */
    run_file(x, 999, p, sizeof(p));
    fclose(fopen(p, "w"));
    open_seen(x);
    assert_false(exists(p));
    check_exact(x);
    /* the runs were sound (sorted, checksums right): not rebuilt */
    {
        struct manifest m2;

        close_seen(x, 1);
        read_manifest(x, &m2);
        assert_int_equal(m2.runs, m.runs);
        for (i = 0; i < m.runs; i++)
            assert_true(m2.gen[i] == m.gen[i]);
    }
}

/* With a filter of one 64-byte block every question passes it: the
 * answers then come from the pending batches and the file alone. */
static void
seen_is_exact_when_the_filter_says_maybe_to_everything(void **state)
{
    struct fx *x = *state;

    x->o.bloom_bytes = 64;
    x->o.cache_slots = 1;
    open_seen(x);
    add_urls(x, 3000);
    check_exact(x);
}

/* The merge thread is slower than the adds: the engine waits for it and
 * nothing is lost, nor memory held beyond the limit. */
static void
seen_bounds_pending_hashes(void **state)
{
    struct fx *x = *state;
    size_t most = 0;
    int64_t i;

    x->o.min_batch = 10;
    x->o.max_pending = 50;
    open_seen(x);
    for (i = 0; i < 40; i++) {
        add_urls(x, 100);
        if (seen_pending(x->s) > most)
            most = seen_pending(x->s);
    }
    /* at most a full batch being merged plus a full one waiting, and the
     * last commit's (add_urls commits every 37) */
    assert_true(most <= 2 * (50 + 37));
    check_exact(x);
}

/* The filter grows (from 256 KiB, at 24 bits a hash) several times while
 * batches are being written: every hash stays known. */
static void
seen_stays_exact_while_the_filter_grows(void **state)
{
    struct fx *x = *state;

    x->o = (struct seen_opts){0};
    seen_opts_default(&x->o);
    x->o.min_batch = 5000;
    x->o.max_pending = 20000;
    open_seen(x);
    add_urls(x, 300000);
    check_exact(x);
}

/* The merge thread cannot write (a directory where its next run file
 * goes): the engine is told, and the batch it failed to write still
 * answers, so nothing added is ever "not known". */
static void
seen_keeps_answering_when_a_run_cannot_be_written(void **state)
{
    struct fx *x = *state;
    char p[200];
    int64_t i, id;
    int failed = 0;
    char url[64];

    open_seen(x);
    add_urls(x, 300); /* some runs */
    /* reopen, so that no batch is being written while the next run
     * files' names are taken by directories */
    close_seen(x, 1);
    open_seen(x);
    for (i = 1; i < 100; i++) {
        snprintf(p, sizeof(p), "%s.%lld", x->index, (long long)i);
        if (!exists(p))
            assert_int_equal(mkdir(p, 0700), 0);
    }
    for (i = 0; i < 2000 && !failed; i++) {
        id = ++x->max_id;
        snprintf(url, sizeof(url), "http://a.test/%lld", (long long)id);
        assert_int_equal(store_add_url(x->st, id, hash_of(id), url, 1, 0,
                                       URL_STATE_QUEUED),
                         0);
        seen_add(x->s, hash_of(id), id);
        assert_int_equal(store_commit(x->st), 0);
        failed = seen_committed(x->s) != 0;
    }
    /* wait for the thread's verdict on the batch in hand */
    while (!failed) {
        usleep(10000);
        failed = seen_committed(x->s) != 0;
    }
    assert_non_null(strstr(seen_errmsg(x->s), x->index));
    for (i = 1; i <= x->max_id; i++) {
        id = -1;
        assert_int_equal(seen_find(x->s, hash_of(i), &id), 1);
        assert_true(id == i);
    }
    close_seen(x, 0);
    for (i = 1; i < 100; i++) {
        snprintf(p, sizeof(p), "%s.%lld", x->index, (long long)i);
        rmdir(p);
    }
    /* the next start adds what was not written */
    open_seen(x);
    check_exact(x);
}

/* --- the file ------------------------------------------------------------- */

static void
seen_free_merges_the_rest_into_the_file(void **state)
{
    struct fx *x = *state;

    struct manifest m;

    open_seen(x);
    add_urls(x, 1234);
    close_seen(x, 1);
    read_manifest(x, &m);
    assert_true(m.pairs == 1234);
    assert_true(m.merged_id == 1234);
    assert_true(m.merged_hash == hash_of(1234));
    open_seen(x);
    assert_true(seen_merged(x->s) == 1234);
    assert_int_equal(seen_pending(x->s), 0);
    check_exact(x);
}

/* Killed with hashes still pending: the database has their rows, and
 * seen_open() merges them from it. */
static void
seen_open_catches_up_with_the_database(void **state)
{
    struct fx *x = *state;
    struct manifest m;
    int64_t merged;

    x->o.min_batch = 1000000; /* nothing merged while running */
    open_seen(x);
    add_urls(x, 2000);
    merged = seen_merged(x->s);
    close_seen(x, 0);
    assert_true(merged == 0);
    read_manifest(x, &m);
    assert_true(m.pairs == 0);
    x->o.min_batch = 300;
    open_seen(x);
    assert_true(seen_merged(x->s) == 2000);
    check_exact(x);
}

static void
seen_open_rebuilds_a_missing_file(void **state)
{
    struct fx *x = *state;

    open_seen(x);
    add_urls(x, 1500);
    close_seen(x, 1);
    assert_int_equal(unlink(x->index), 0);
    open_seen(x);
    check_exact(x);
    assert_true(seen_merged(x->s) == 1500);
}

static void
seen_open_rebuilds_a_damaged_manifest(void **state)
{
    struct fx *x = *state;
    FILE *f;

    open_seen(x);
    add_urls(x, 1500);
    close_seen(x, 1);
    f = fopen(x->index, "w");
    assert_non_null(f);
    fputs("not a manifest at all, just some text\n", f);
    fclose(f);
    open_seen(x);
    check_exact(x);
}

/* One pair of a run changed (a torn write): its checksum says so. */
static void
seen_open_rebuilds_after_a_damaged_run(void **state)
{
    struct fx *x = *state;
    struct manifest m;
    char p[200];
    FILE *f;

    open_seen(x);
    add_urls(x, 1500);
    close_seen(x, 1);
    read_manifest(x, &m);
    run_file(x, m.gen[0], p, sizeof(p));
    f = fopen(p, "r+");
    assert_non_null(f);
    assert_int_equal(fseek(f, 16 * 10 + 8, SEEK_SET), 0); /* an id */
    fputc(0x55, f);
    fclose(f);
    open_seen(x);
    check_exact(x);
    /* the damaged file is gone with the rest */
    assert_false(exists(p));
}

/* The file says it merged more than the database holds: a power cut lost
 * the database's last commits. Rows it names may not exist: rebuild. */
static void
seen_open_rebuilds_a_file_ahead_of_its_database(void **state)
{
    struct fx *x = *state;

    open_seen(x);
    add_urls(x, 800);
    close_seen(x, 1);
    set_merged(x, 801, 12345);
    open_seen(x);
    check_exact(x);
    {
        struct manifest m;

        close_seen(x, 1);
        read_manifest(x, &m);
        assert_true(m.merged_id == 800);
    }
}

/* An index left by another crawl at the same path (its database was
 * replaced by a copy of a different one): its newest row does not match. */
static void
seen_open_rebuilds_another_databases_file(void **state)
{
    struct fx *x = *state;

    open_seen(x);
    add_urls(x, 600);
    close_seen(x, 1);
    {
        struct manifest m;

        read_manifest(x, &m);
        set_merged(x, m.merged_id, m.merged_hash + 1);
    }
    open_seen(x);
    check_exact(x);
}

/* Rows missing from the middle of the url table (ids with gaps): the
 * rebuild takes the rows as they are. */
static void
seen_open_rebuilds_from_ids_with_gaps(void **state)
{
    struct fx *x = *state;
    sqlite3 *db;
    int64_t i, id;

    open_seen(x);
    add_urls(x, 1000);
    close_seen(x, 1);
    assert_int_equal(unlink(x->index), 0);
    assert_int_equal(sqlite3_open(x->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM url WHERE id % 7 = 3",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    open_seen(x);
    for (i = 1; i <= x->max_id; i++) {
        id = -1;
        assert_int_equal(seen_find(x->s, hash_of(i), &id), i % 7 != 3);
        if (i % 7 != 3)
            assert_true(id == i);
    }
}

/* A manifest cut short at a line boundary lacks its "end" line: without
 * that check it would load, with its newest run missing. */
static void
seen_open_rebuilds_a_manifest_cut_short(void **state)
{
    struct fx *x = *state;
    struct manifest m;
    char head[4][200];
    FILE *f;
    int i;

    x->o.min_batch = 1000000; /* one run a session, written at close */
    open_seen(x);
    add_urls(x, 1000);
    close_seen(x, 1);
    open_seen(x);
    add_urls(x, 10); /* a run too small to merge with the first */
    close_seen(x, 1);
    read_manifest(x, &m);
    assert_int_equal(m.runs, 2);
    /* keep format, merged, next and the first run's line */
    f = fopen(x->index, "r");
    assert_non_null(f);
    for (i = 0; i < 4; i++)
        assert_non_null(fgets(head[i], sizeof(head[i]), f));
    fclose(f);
    assert_int_equal(strncmp(head[3], "run ", 4), 0);
    f = fopen(x->index, "w");
    assert_non_null(f);
    for (i = 0; i < 4; i++)
        fputs(head[i], f);
    fclose(f);
    open_seen(x);
    check_exact(x);
}

static void
seen_open_fails_naming_the_file_when_it_cannot_be_made(void **state)
{
    struct fx *x = *state;
    struct seen *s = NULL;
    char *cause = NULL;

    /* a directory where the index file should be */
    assert_int_equal(mkdir(x->index, 0700), 0);
    assert_int_equal(seen_open(&s, x->path, x->st, &x->o, &cause), -1);
    assert_null(s);
    assert_non_null(cause);
    assert_non_null(strstr(cause, x->index));
    free(cause);
    rmdir(x->index);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(seen_knows_what_was_added_and_nothing_else),
        T(seen_is_exact_when_the_filter_says_maybe_to_everything),
        T(seen_bounds_pending_hashes),
        T(seen_free_merges_the_rest_into_the_file),
        T(seen_open_catches_up_with_the_database),
        T(seen_open_rebuilds_a_missing_file),
        T(seen_open_rebuilds_a_damaged_manifest),
        T(seen_open_rebuilds_after_a_damaged_run),
        T(seen_keeps_few_runs),
        T(seen_open_rebuilds_a_file_ahead_of_its_database),
        T(seen_open_rebuilds_another_databases_file),
        T(seen_open_fails_naming_the_file_when_it_cannot_be_made),
        T(seen_stays_exact_while_the_filter_grows),
        T(seen_keeps_answering_when_a_run_cannot_be_written),
        T(seen_open_rebuilds_from_ids_with_gaps),
        T(seen_open_rebuilds_a_manifest_cut_short),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
