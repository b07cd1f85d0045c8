/* SPDX-License-Identifier: MIT */
/*
 * test_frontier.c - per-host ordering and politeness-aware
 * hand-out of URLs, all with injected time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frontier.h"
#include "throttle.h"
#include "url.h"

#define HA "http://a.test:80"
#define HB "http://b.test:80"
#define HC "http://c.test:80"

struct fx {
    struct throttle t;
    struct frontier *f;
    int64_t next_id;
};

/* The fixture of the running test, freed by teardown if an assertion
 * ends the test early, so a failure does not also report leaks. */
static struct fx *current;

static struct fx *
fx_new(unsigned delay_ms, unsigned per_host, enum frontier_order order)
{
    struct fx *x = calloc(1, sizeof(*x));

    assert_non_null(x);
    throttle_init(&x->t, delay_ms, per_host, false, 1);
    x->f = frontier_new(&x->t, order);
    x->next_id = 1;
    current = x;
    return x;
}

static void
fx_free(struct fx *x)
{
    frontier_free(x->f);
    free(x);
    current = NULL;
}

static int
teardown(void **state)
{
    (void)state;
    if (current != NULL)
        fx_free(current);
    return 0;
}

/* Queue "<host>/<name>" at depth. */
static void
push(struct fx *x, const char *host, const char *name, unsigned depth)
{
    char url[256];

    snprintf(url, sizeof(url), "%s/%s", host, name);
    frontier_push(x->f, host, url, x->next_id++, 0, depth);
}

/* Take at now; return the URL's last path segment in buf ("" if none),
 * and wait_ms in *wait. */
static const char *
take(struct fx *x, int64_t now, int64_t *wait, char *buf, size_t bufsz)
{
    int64_t w = -12345;
    struct frontier_entry *e = frontier_take(x->f, now, &w);

    *wait = w;
    buf[0] = '\0';
    if (e != NULL) {
        const char *slash = strrchr(e->url, '/');

        assert_true(w == 0);
        snprintf(buf, bufsz, "%s", slash ? slash + 1 : e->url);
        frontier_entry_free(e);
    } else {
        assert_true(w == -1 || w > 0);
    }
    return buf;
}

/* Take at now and expect the named URL. */
#define TAKE(x, now, expect)                                                   \
    do {                                                                       \
        char b_[256];                                                          \
        int64_t w_;                                                            \
        assert_string_equal(take((x), (now), &w_, b_, sizeof(b_)), expect);    \
    } while (0)

/* Take at now and expect nothing, with wait_ms expect_wait. */
#define TAKE_NONE(x, now, expect_wait)                                         \
    do {                                                                       \
        char b_[256];                                                          \
        int64_t w_;                                                            \
        assert_string_equal(take((x), (now), &w_, b_, sizeof(b_)), "");        \
        assert_int_equal(w_, (expect_wait));                                   \
    } while (0)

/* --- order within a host ------------------------------------------------ */

static void
frontier_bfs_takes_by_depth_then_discovery(void **state)
{
    struct fx *x = fx_new(0, 100, FRONTIER_BFS);

    (void)state;
    push(x, HA, "d2", 2);
    push(x, HA, "a0", 0);
    push(x, HA, "b1", 1);
    push(x, HA, "c1", 1);
    push(x, HA, "e0", 0);
    TAKE(x, 0, "a0");
    TAKE(x, 0, "e0");
    TAKE(x, 0, "b1");
    /* a shallower URL found later still comes before deeper ones */
    push(x, HA, "f0", 0);
    TAKE(x, 0, "f0");
    TAKE(x, 0, "c1");
    TAKE(x, 0, "d2");
    TAKE_NONE(x, 0, -1);
    fx_free(x);
}

static void
frontier_dfs_takes_deepest_and_newest_first(void **state)
{
    struct fx *x = fx_new(0, 100, FRONTIER_DFS);

    (void)state;
    push(x, HA, "d2", 2);
    push(x, HA, "a0", 0);
    push(x, HA, "b1", 1);
    push(x, HA, "c1", 1);
    push(x, HA, "e0", 0);
    TAKE(x, 0, "d2");
    TAKE(x, 0, "c1");
    TAKE(x, 0, "b1");
    push(x, HA, "g3", 3);
    TAKE(x, 0, "g3");
    TAKE(x, 0, "e0");
    TAKE(x, 0, "a0");
    TAKE_NONE(x, 0, -1);
    fx_free(x);
}

/* Many random depths through one host's heap: out in (depth, seq) order. */
static void
check_heap_order(enum frontier_order order)
{
    struct fx *x = fx_new(0, 1000000, order);
    uint32_t r = 2463534242u;
    unsigned prev_depth = 0;
    int64_t prev_id = 0, w;
    int i, n = 3000;

    for (i = 0; i < n; i++) {
        char name[32];

        r ^= r << 13;
        r ^= r >> 17;
        r ^= r << 5;
        snprintf(name, sizeof(name), "u%d", i);
        push(x, HA, name, r % 7); /* ids are 1, 2, ... in push order */
    }
    assert_int_equal(frontier_queued(x->f), (size_t)n);
    for (i = 0; i < n; i++) {
        struct frontier_entry *e = frontier_take(x->f, 0, &w);

        assert_non_null(e);
        if (i > 0) {
            if (order == FRONTIER_BFS)
                assert_true(e->depth > prev_depth ||
                            (e->depth == prev_depth && e->id > prev_id));
            else
                assert_true(e->depth < prev_depth ||
                            (e->depth == prev_depth && e->id < prev_id));
        }
        prev_depth = e->depth;
        prev_id = e->id;
        frontier_entry_free(e);
    }
    assert_null(frontier_take(x->f, 0, &w));
    fx_free(x);
}

static void
frontier_bfs_order_holds_for_thousands_of_urls(void **state)
{
    (void)state;
    check_heap_order(FRONTIER_BFS);
}

static void
frontier_dfs_order_holds_for_thousands_of_urls(void **state)
{
    (void)state;
    check_heap_order(FRONTIER_DFS);
}

/* --- politeness --------------------------------------------------------- */

static void
frontier_take_on_empty_returns_null_and_minus_one(void **state)
{
    struct fx *x = fx_new(0, 8, FRONTIER_BFS);

    (void)state;
    TAKE_NONE(x, 0, -1);
    TAKE_NONE(x, 999999, -1);
    fx_free(x);
}

static void
frontier_take_returns_entry_with_its_fields(void **state)
{
    struct fx *x = fx_new(0, 8, FRONTIER_BFS);
    char url[64] = HA "/page";
    struct frontier_entry *e;
    int64_t w = -5;

    (void)state;
    frontier_push(x->f, HA, url, 1234, 99, 3);
    memset(url, 'Z', sizeof(url) - 1); /* the frontier keeps its own copy */
    e = frontier_take(x->f, 10, &w);
    assert_non_null(e);
    assert_int_equal(w, 0);
    assert_string_equal(e->url, HA "/page");
    assert_int_equal(e->id, 1234);
    assert_int_equal(e->referrer, 99);
    assert_int_equal(e->depth, 3);
    assert_non_null(e->host);
    assert_string_equal(e->host->key, HA);
    assert_ptr_equal(e->host, frontier_host_find(x->f, HA));
    assert_int_equal(e->host->pol.in_flight, 1); /* counted as started */
    frontier_entry_free(e);
    frontier_entry_free(NULL);
    fx_free(x);
}

static void
frontier_take_respects_per_host_limit(void **state)
{
    struct fx *x = fx_new(0, 2, FRONTIER_BFS);

    (void)state;
    push(x, HA, "1", 0);
    push(x, HA, "2", 0);
    push(x, HA, "3", 0);
    TAKE(x, 0, "1");
    TAKE(x, 1, "2");
    /* at its limit: nothing until a request finishes, so wait -1 */
    TAKE_NONE(x, 2, -1);
    TAKE_NONE(x, 100000, -1);
    fx_free(x);
}

static void
frontier_finished_makes_a_host_ready_again(void **state)
{
    struct fx *x = fx_new(0, 1, FRONTIER_BFS);
    struct frontier_host *h;

    (void)state;
    push(x, HA, "1", 0);
    push(x, HA, "2", 0);
    TAKE(x, 0, "1");
    TAKE_NONE(x, 0, -1);
    h = frontier_host_find(x->f, HA);
    assert_non_null(h);
    frontier_finished(x->f, h);
    assert_int_equal(h->pol.in_flight, 0);
    TAKE(x, 0, "2");
    fx_free(x);
}

static void
frontier_take_waits_for_host_delay(void **state)
{
    struct fx *x = fx_new(1000, 8, FRONTIER_BFS);

    (void)state;
    push(x, HA, "1", 0);
    push(x, HA, "2", 0);
    push(x, HA, "3", 0);
    TAKE(x, 5000, "1");
    TAKE_NONE(x, 5000, 1000);
    TAKE_NONE(x, 5400, 600);
    TAKE_NONE(x, 5999, 1);
    TAKE(x, 6000, "2");
    /* late: the next gap counts from the actual start */
    TAKE_NONE(x, 6999, 1);
    TAKE(x, 7500, "3");
    fx_free(x);
}

static void
frontier_take_reports_wait_until_earliest_host(void **state)
{
    struct fx *x = fx_new(1000, 8, FRONTIER_BFS);
    struct frontier_host *hc;

    (void)state;
    /* hosts arrive one by one, so each take has one candidate */
    push(x, HA, "a1", 0);
    push(x, HA, "a2", 0);
    TAKE(x, 0, "a1"); /* a ready at 1000 */
    push(x, HB, "b1", 0);
    push(x, HB, "b2", 0);
    TAKE(x, 300, "b1"); /* b ready at 1300 */
    push(x, HC, "c1", 0);
    push(x, HC, "c2", 0);
    hc = frontier_host_find(x->f, HC);
    hc->pol.delay_ms = 500;
    frontier_host_changed(x->f, hc);
    TAKE(x, 400, "c1"); /* c ready at 900 */
    TAKE_NONE(x, 500, 400);
    TAKE(x, 900, "c2");
    TAKE_NONE(x, 900, 100);
    TAKE(x, 1000, "a2");
    TAKE_NONE(x, 1000, 300);
    TAKE_NONE(x, 1299, 1);
    TAKE(x, 1300, "b2");
    TAKE_NONE(x, 1300, -1);
    fx_free(x);
}

static void
frontier_waiting_host_does_not_block_a_ready_one(void **state)
{
    struct fx *x = fx_new(1000, 8, FRONTIER_BFS);

    (void)state;
    push(x, HA, "a1", 0);
    push(x, HA, "a2", 0);
    push(x, HA, "a3", 0);
    TAKE(x, 0, "a1");
    push(x, HB, "b1", 0);
    TAKE(x, 1, "b1"); /* a waits, b is ready */
    TAKE_NONE(x, 2, 998);
    TAKE(x, 1000, "a2");
    fx_free(x);
}

static void
frontier_host_at_limit_does_not_block_a_ready_one(void **state)
{
    struct fx *x = fx_new(0, 1, FRONTIER_BFS);

    (void)state;
    push(x, HA, "a1", 0);
    push(x, HA, "a2", 0);
    TAKE(x, 0, "a1");
    push(x, HB, "b1", 0);
    push(x, HB, "b2", 0);
    TAKE(x, 0, "b1");
    TAKE_NONE(x, 0, -1);
    frontier_finished(x->f, frontier_host_find(x->f, HB));
    TAKE(x, 0, "b2");
    frontier_finished(x->f, frontier_host_find(x->f, HA));
    TAKE(x, 0, "a2");
    fx_free(x);
}

/* The engine fills all free slots in one pass with the same now_ms: hosts
 * must still take turns (frontier.c DESIGN: "with no delay the hosts are
 * served round-robin"), not drain one host up to its limit first. */
static void
frontier_take_round_robins_hosts_with_no_delay(void **state)
{
    struct fx *x = fx_new(0, 100, FRONTIER_BFS);
    const char *hosts[3] = {HA, HB, HC};
    char b[64], name[16], seen[3][64];
    int64_t w;
    int round, i, j;

    (void)state;
    for (round = 0; round < 4; round++)
        for (i = 0; i < 3; i++) {
            snprintf(name, sizeof(name), "%c%d", 'a' + i, round);
            push(x, hosts[i], name, 0);
        }
    for (round = 0; round < 4; round++) {
        for (i = 0; i < 3; i++) {
            take(x, 1000, &w, b, sizeof(b));
            assert_int_equal(strlen(b), 2);
            assert_int_equal(b[1], '0' + round);
            snprintf(seen[i], sizeof(seen[i]), "%s", b);
            for (j = 0; j < i; j++)
                assert_int_not_equal(seen[j][0], b[0]);
        }
    }
    TAKE_NONE(x, 1000, -1);
    fx_free(x);
}

static void
frontier_take_round_robins_hosts_as_time_advances(void **state)
{
    struct fx *x = fx_new(0, 100, FRONTIER_BFS);
    const char *hosts[3] = {HA, HB, HC};
    char b[64], name[16], seen[3][64];
    int64_t w, now = 1000;
    int round, i, j;

    (void)state;
    for (round = 0; round < 4; round++)
        for (i = 0; i < 3; i++) {
            snprintf(name, sizeof(name), "%c%d", 'a' + i, round);
            push(x, hosts[i], name, 0);
        }
    for (round = 0; round < 4; round++) {
        for (i = 0; i < 3; i++) {
            take(x, now++, &w, b, sizeof(b));
            assert_int_equal(strlen(b), 2);
            assert_int_equal(b[1], '0' + round);
            snprintf(seen[i], sizeof(seen[i]), "%s", b);
            for (j = 0; j < i; j++)
                assert_int_not_equal(seen[j][0], b[0]);
        }
    }
    fx_free(x);
}

static void
frontier_global_limit_change_applies_after_host_changed(void **state)
{
    struct fx *x = fx_new(0, 1, FRONTIER_BFS);
    struct frontier_host *hb;

    (void)state;
    push(x, HA, "a1", 0);
    push(x, HA, "a2", 0);
    TAKE(x, 0, "a1"); /* a at its limit of 1 */
    push(x, HB, "b1", 0);
    push(x, HB, "b2", 0);
    hb = frontier_host_find(x->f, HB);
    hb->pol.delay_ms = 500;
    frontier_host_changed(x->f, hb);
    TAKE(x, 0, "b1"); /* b at its limit, next start >= 500 */
    frontier_finished(x->f, hb);
    TAKE_NONE(x, 0, 500);
    /* raise the global limit: a (key was "never") is ready now */
    x->t.per_host = 2;
    frontier_host_changed(x->f, NULL);
    TAKE(x, 0, "a2");
    fx_free(x);
}

static void
frontier_global_limit_cut_applies_after_host_changed(void **state)
{
    struct fx *x = fx_new(0, 2, FRONTIER_BFS);

    (void)state;
    push(x, HA, "a1", 0);
    push(x, HA, "a2", 0);
    TAKE(x, 0, "a1");
    push(x, HB, "b1", 0);
    x->t.per_host = 1;
    frontier_host_changed(x->f, NULL);
    TAKE(x, 0, "b1");
    TAKE_NONE(x, 0, -1); /* a has 1 in flight, the new limit */
    fx_free(x);
}

static void
frontier_global_delay_change_applies_from_next_start(void **state)
{
    struct fx *x = fx_new(1000, 8, FRONTIER_BFS);

    (void)state;
    push(x, HA, "a1", 0);
    push(x, HA, "a2", 0);
    push(x, HA, "a3", 0);
    TAKE(x, 0, "a1");
    x->t.delay_ms = 100;
    frontier_host_changed(x->f, NULL);
    TAKE_NONE(x, 500, 500);
    TAKE(x, 1000, "a2");
    TAKE_NONE(x, 1000, 100); /* the new delay */
    TAKE(x, 1100, "a3");
    fx_free(x);
}

static void
frontier_paused_host_is_skipped_until_resumed(void **state)
{
    struct fx *x = fx_new(0, 8, FRONTIER_BFS);
    struct frontier_host *ha;

    (void)state;
    push(x, HA, "a1", 0);
    push(x, HA, "a2", 0);
    push(x, HB, "b1", 0);
    ha = frontier_host_find(x->f, HA);
    assert_non_null(ha);
    ha->pol.paused = true;
    frontier_host_changed(x->f, ha);
    TAKE(x, 0, "b1");
    TAKE_NONE(x, 0, -1);
    assert_int_equal(frontier_queued(x->f), 2);
    ha->pol.paused = false;
    frontier_host_changed(x->f, ha);
    TAKE(x, 0, "a1");
    TAKE(x, 0, "a2");
    fx_free(x);
}

static void
frontier_host_delay_override_applies_to_that_host_only(void **state)
{
    struct fx *x = fx_new(100, 8, FRONTIER_BFS);
    struct frontier_host *ha;

    (void)state;
    push(x, HA, "a1", 0);
    push(x, HA, "a2", 0);
    ha = frontier_host_find(x->f, HA);
    ha->pol.delay_ms = 5000;
    frontier_host_changed(x->f, ha);
    TAKE(x, 0, "a1");
    push(x, HB, "b1", 0);
    push(x, HB, "b2", 0);
    TAKE(x, 0, "b1");
    TAKE_NONE(x, 0, 100);
    TAKE(x, 100, "b2");
    TAKE_NONE(x, 100, 4900);
    TAKE(x, 5000, "a2");
    fx_free(x);
}

/* --- hosts and counts --------------------------------------------------- */

static void
frontier_host_lookup_finds_created_hosts(void **state)
{
    struct fx *x = fx_new(0, 8, FRONTIER_BFS);
    struct frontier_host *h, *g;
    char key[64];
    int i;

    (void)state;
    assert_int_equal(frontier_host_count(x->f), 0);
    assert_null(frontier_host_find(x->f, HA));
    assert_null(frontier_host_at(x->f, 0));
    h = frontier_host_get(x->f, HA);
    assert_non_null(h);
    assert_string_equal(h->key, HA);
    assert_int_equal(h->queued, 0);
    assert_int_equal(h->pol.limit, -1);
    assert_ptr_equal(frontier_host_get(x->f, HA), h);
    assert_ptr_equal(frontier_host_find(x->f, HA), h);
    assert_int_equal(frontier_host_count(x->f), 1);
    /* enough hosts to grow the host table several times */
    for (i = 0; i < 500; i++) {
        snprintf(key, sizeof(key), "http://h%d.test:80", i);
        push(x, key, "x", 0);
    }
    assert_int_equal(frontier_host_count(x->f), 501);
    assert_ptr_equal(frontier_host_at(x->f, 0), h);
    for (i = 0; i < 500; i++) {
        snprintf(key, sizeof(key), "http://h%d.test:80", i);
        g = frontier_host_find(x->f, key);
        assert_non_null(g);
        assert_string_equal(g->key, key);
        assert_ptr_equal(frontier_host_at(x->f, (size_t)i + 1), g);
        assert_int_equal(g->queued, 1);
    }
    assert_null(frontier_host_at(x->f, 501));
    assert_null(frontier_host_find(x->f, "http://nope.test:80"));
    assert_null(frontier_host_find(x->f, "http://a.test:8080"));
    fx_free(x);
}

static void
frontier_counts_queued_urls_per_host_and_in_all(void **state)
{
    struct fx *x = fx_new(0, 8, FRONTIER_BFS);
    struct frontier_host *ha, *hb;
    char b[64];
    int64_t w;

    (void)state;
    assert_int_equal(frontier_queued(x->f), 0);
    push(x, HA, "a1", 0);
    push(x, HA, "a2", 0);
    push(x, HB, "b1", 0);
    ha = frontier_host_find(x->f, HA);
    hb = frontier_host_find(x->f, HB);
    assert_int_equal(frontier_queued(x->f), 3);
    assert_int_equal(ha->queued, 2);
    assert_int_equal(hb->queued, 1);
    take(x, 0, &w, b, sizeof(b));
    assert_int_equal(frontier_queued(x->f), 2);
    if (b[0] == 'a')
        assert_int_equal(ha->queued + hb->queued * 10, 1 + 10);
    else
        assert_int_equal(ha->queued + hb->queued * 10, 2);
    take(x, 0, &w, b, sizeof(b));
    assert_int_equal(frontier_queued(x->f), 1);
    assert_int_equal(ha->queued + hb->queued, 1);
    take(x, 0, &w, b, sizeof(b));
    assert_true(b[0] != '\0');
    assert_int_equal(frontier_queued(x->f), 0);
    assert_int_equal(ha->queued, 0);
    assert_int_equal(hb->queued, 0);
    /* an emptied host comes back when new URLs arrive */
    push(x, HB, "b2", 0);
    assert_int_equal(frontier_queued(x->f), 1);
    TAKE(x, 0, "b2");
    fx_free(x);
}

static void
frontier_free_releases_queued_entries(void **state)
{
    struct fx *x = fx_new(0, 2, FRONTIER_BFS);
    char key[64], name[16];
    int i, j;

    (void)state;
    for (i = 0; i < 20; i++) {
        snprintf(key, sizeof(key), "http://h%d.test:80", i);
        for (j = 0; j < 40; j++) {
            snprintf(name, sizeof(name), "p%d", j);
            push(x, key, name, (unsigned)j % 3);
        }
    }
    for (i = 0; i < 10; i++) {
        char b[64];
        int64_t w;

        take(x, 0, &w, b, sizeof(b));
        assert_true(b[0] != '\0');
    }
    assert_int_equal(frontier_queued(x->f), 790);
    fx_free(x); /* ASan's leak check proves the rest were freed */
    frontier_free(NULL);
}

/* --- model check -------------------------------------------------------- */

/* Random pushes, takes and finishes over many hosts with random limits and
 * delays, checked against a brute-force model: a take returns an entry
 * exactly when some host is ready, never breaks a limit or a delay, and
 * reports the exact wait otherwise. Every URL comes out once. */
static void
frontier_take_agrees_with_brute_force_model(void **state)
{
    enum { NH = 23, NURL = 4000 };
    struct fx *x = fx_new(37, 3, FRONTIER_BFS);
    struct frontier_host *hosts[NH];
    int64_t last_start[NH];
    static unsigned char taken[NURL + 1];
    int in_flight[NH];
    int64_t now = 0, w;
    uint32_t r = 88172645u;
    int pushed = 0, got = 0, i, steps;

    (void)state;
    memset(taken, 0, sizeof(taken));
    for (i = 0; i < NH; i++) {
        char key[64];

        snprintf(key, sizeof(key), "http://m%d.test:80", i);
        hosts[i] = frontier_host_get(x->f, key);
        if (i % 3 == 1)
            hosts[i]->pol.delay_ms = i * 11;
        if (i % 4 == 2)
            hosts[i]->pol.limit = 1 + i % 5;
        last_start[i] = INT64_MIN / 2;
        in_flight[i] = 0;
    }
    for (steps = 0; got < NURL && steps < 200000; steps++) {
        unsigned op;

        r ^= r << 13;
        r ^= r >> 17;
        r ^= r << 5;
        op = r % 10;
        if (op < 3 && pushed < NURL) {
            int hi = (int)((r >> 8) % NH);
            char url[96];

            pushed++;
            snprintf(url, sizeof(url), "%s/%d", hosts[hi]->key, pushed);
            frontier_push(x->f, hosts[hi]->key, url, pushed, 0, (r >> 16) % 4);
        } else if (op < 6) {
            int hi = (int)((r >> 8) % NH);

            if (in_flight[hi] > 0) {
                in_flight[hi]--;
                frontier_finished(x->f, hosts[hi]);
            }
        } else if (op < 8) {
            now += (r >> 8) % 20;
        } else {
            struct frontier_entry *e = frontier_take(x->f, now, &w);
            int64_t best = INT64_MAX;

            for (i = 0; i < NH; i++) {
                int64_t at;

                if (hosts[i]->queued == 0)
                    continue;
                at = throttle_ready_at(&x->t, &hosts[i]->pol);
                if (e != NULL && e->host == hosts[i])
                    continue;
                if (at < best)
                    best = at;
            }
            if (e == NULL) {
                /* nobody was ready, and wait is exact */
                assert_true(best > now);
                assert_int_equal(w, best == INT64_MAX ? -1 : best - now);
            } else {
                int hi = -1;
                unsigned lim;

                for (i = 0; i < NH; i++)
                    if (hosts[i] == e->host)
                        hi = i;
                assert_true(hi >= 0);
                lim = throttle_limit(&x->t, &hosts[hi]->pol);
                assert_true((unsigned)in_flight[hi] < lim);
                assert_true(now - last_start[hi] >=
                            (int64_t)throttle_delay(&x->t, &hosts[hi]->pol));
                assert_true(e->id >= 1 && e->id <= pushed);
                assert_int_equal(taken[e->id], 0);
                taken[e->id] = 1;
                in_flight[hi]++;
                last_start[hi] = now;
                got++;
                frontier_entry_free(e);
            }
        }
        if (pushed == NURL && got < NURL && steps % 50 == 0) {
            /* make progress once everything is pushed */
            for (i = 0; i < NH; i++)
                while (in_flight[i] > 0) {
                    in_flight[i]--;
                    frontier_finished(x->f, hosts[i]);
                }
        }
    }
    assert_int_equal(got, NURL);
    assert_int_equal(frontier_queued(x->f), 0);
    fx_free(x);
}

static void
frontier_hosts_of_one_ip_share_its_budget(void **state)
{
    struct fx *x = fx_new(0, 8, FRONTIER_BFS);

    (void)state;
    x->t.per_ip = 1;
    push(x, HA, "a1", 0);
    push(x, HA, "a2", 0);
    push(x, HB, "b1", 0);
    push(x, HC, "c1", 0);
    frontier_host_set_ip(x->f, frontier_host_find(x->f, HA), "10.0.0.1");
    frontier_host_set_ip(x->f, frontier_host_find(x->f, HB), "10.0.0.1");
    frontier_host_set_ip(x->f, frontier_host_find(x->f, HC), "10.0.0.2");
    TAKE(x, 0, "a1");
    TAKE(x, 0, "c1");  /* another address: its own budget */
    TAKE_NONE(x, 0, -1); /* b.test and a.test wait for 10.0.0.1 */
    frontier_finished(x->f, frontier_host_find(x->f, HA));
    TAKE(x, 0, "b1");  /* round-robin within the address */
    TAKE_NONE(x, 0, -1);
    frontier_finished(x->f, frontier_host_find(x->f, HB));
    TAKE(x, 0, "a2");
    assert_string_equal(frontier_host_ip(frontier_host_find(x->f, HA)),
                        "10.0.0.1");
    fx_free(x);
}

static void
frontier_host_of_unknown_ip_sends_one_request_to_learn_it(void **state)
{
    struct fx *x = fx_new(0, 8, FRONTIER_BFS);

    (void)state;
    x->t.per_ip = 4;
    push(x, HA, "a1", 0);
    push(x, HA, "a2", 0);
    TAKE(x, 0, "a1");
    TAKE_NONE(x, 0, -1); /* address unknown: one request at a time */
    frontier_host_set_ip(x->f, frontier_host_find(x->f, HA), "10.0.0.1");
    TAKE(x, 0, "a2"); /* known now: the address's budget applies */
    fx_free(x);
}

static void
frontier_ip_shares_the_delay_between_its_hosts(void **state)
{
    struct fx *x = fx_new(100, 8, FRONTIER_BFS);

    (void)state;
    x->t.per_ip = 8;
    push(x, HA, "a1", 0);
    push(x, HB, "b1", 0);
    frontier_host_set_ip(x->f, frontier_host_find(x->f, HA), "10.0.0.1");
    frontier_host_set_ip(x->f, frontier_host_find(x->f, HB), "10.0.0.1");
    TAKE(x, 1000, "a1");
    TAKE_NONE(x, 1000, 100); /* b.test waits for the address's delay */
    TAKE(x, 1100, "b1");
    fx_free(x);
}

#define T(name) cmocka_unit_test_teardown(name, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(frontier_bfs_takes_by_depth_then_discovery),
        T(frontier_dfs_takes_deepest_and_newest_first),
        T(frontier_bfs_order_holds_for_thousands_of_urls),
        T(frontier_dfs_order_holds_for_thousands_of_urls),
        T(frontier_take_on_empty_returns_null_and_minus_one),
        T(frontier_take_returns_entry_with_its_fields),
        T(frontier_take_respects_per_host_limit),
        T(frontier_finished_makes_a_host_ready_again),
        T(frontier_take_waits_for_host_delay),
        T(frontier_take_reports_wait_until_earliest_host),
        T(frontier_waiting_host_does_not_block_a_ready_one),
        T(frontier_host_at_limit_does_not_block_a_ready_one),
        T(frontier_take_round_robins_hosts_with_no_delay),
        T(frontier_take_round_robins_hosts_as_time_advances),
        T(frontier_global_limit_change_applies_after_host_changed),
        T(frontier_global_limit_cut_applies_after_host_changed),
        T(frontier_global_delay_change_applies_from_next_start),
        T(frontier_paused_host_is_skipped_until_resumed),
        T(frontier_host_delay_override_applies_to_that_host_only),
        T(frontier_host_lookup_finds_created_hosts),
        T(frontier_counts_queued_urls_per_host_and_in_all),
        T(frontier_free_releases_queued_entries),
        T(frontier_take_agrees_with_brute_force_model),
        T(frontier_hosts_of_one_ip_share_its_budget),
        T(frontier_host_of_unknown_ip_sends_one_request_to_learn_it),
        T(frontier_ip_shares_the_delay_between_its_hosts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
