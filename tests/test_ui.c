/* SPDX-License-Identifier: MIT */
/*
 * test_ui.c - the dashboard without a terminal or an engine: keys to
 * engine calls (through recording ui_ops), layout, text shortening and
 * sanitising, sparklines, delay steps, sorting; and one pass of drawing
 * into a curses screen that writes to /dev/null.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>
#include <curses.h>

#include "ui_int.h"
#include "util.h"

/* ---- recording engine hooks ---- */

#define REC_MAX 32

struct call {
    char what[16];
    char host[ENGINE_HOST_LEN];
    long long arg;
};

static struct {
    struct call c[REC_MAX];
    int n;
    char log[REC_MAX][ENGINE_LOG_LEN];
    int n_log;
} rec;

static void
record(const char *what, const char *host, long long arg)
{
    struct call *c;

    assert_true(rec.n < REC_MAX);
    c = &rec.c[rec.n++];
    strlcopy(c->what, what, sizeof(c->what));
    strlcopy(c->host, host != NULL ? host : "", sizeof(c->host));
    c->arg = arg;
}

static void
r_conc(void *ctx, unsigned n)
{
    (void)ctx;
    record("concurrency", NULL, n);
}

static void
r_delay(void *ctx, unsigned ms)
{
    (void)ctx;
    record("delay", NULL, ms);
}

static void
r_host_delay(void *ctx, const char *host, unsigned ms)
{
    (void)ctx;
    record("host_delay", host, ms);
}

static void
r_host_limit(void *ctx, const char *host, unsigned n)
{
    (void)ctx;
    record("host_limit", host, n);
}

static void
r_pause_host(void *ctx, const char *host, bool paused)
{
    (void)ctx;
    record("pause_host", host, paused);
}

static void
r_pause(void *ctx, bool paused)
{
    (void)ctx;
    record("pause", NULL, paused);
}

static void
r_stop(void *ctx, int64_t grace)
{
    (void)ctx;
    record("stop", NULL, grace);
}

static void
r_log(void *ctx, const char *msg)
{
    (void)ctx;
    assert_true(rec.n_log < REC_MAX);
    strlcopy(rec.log[rec.n_log++], msg, ENGINE_LOG_LEN);
}

static const struct ui_ops rec_ops = {
    .ctx = NULL,
    .set_concurrency = r_conc,
    .set_delay = r_delay,
    .set_host_delay = r_host_delay,
    .set_host_limit = r_host_limit,
    .pause_host = r_pause_host,
    .pause = r_pause,
    .stop = r_stop,
    .log = r_log,
};

static void
assert_call(int i, const char *what, const char *host, long long arg)
{
    assert_true(i < rec.n);
    assert_string_equal(rec.c[i].what, what);
    assert_string_equal(rec.c[i].host, host);
    assert_int_equal(rec.c[i].arg, arg);
}

/* ---- a snapshot to play with ---- */

struct fixture {
    struct engine_stats st;
    struct ui ui;
};

static void
add_host(struct engine_stats *st, const char *key, uint64_t queued,
         uint64_t done, uint64_t errors, unsigned p95)
{
    struct host_stats *h = &st->hosts[st->n_hosts++];

    memset(h, 0, sizeof(*h));
    strlcopy(h->key, key, sizeof(h->key));
    h->queued = queued;
    h->done = done;
    h->errors = errors;
    h->p95_ms = p95;
    h->avg_ms = p95 / 2;
    h->limit = 2;
    h->delay_ms = 250;
    h->status[1] = done; /* 2xx */
    h->pages_per_min = (double)done;
    st->hosts_total = st->n_hosts;
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->st.phase = PHASE_RUNNING;
    f->st.concurrency = 16;
    f->st.active = 16;
    f->st.delay_ms = 250;
    f->st.per_domain = 2;
    add_host(&f->st, "http://b.test", 30, 5, 1, 80);
    add_host(&f->st, "http://a.test", 10, 50, 0, 200);
    add_host(&f->st, "https://c.test:8443", 20, 20, 7, 40);
    memset(&rec, 0, sizeof(rec));
    ui_init(&f->ui, &rec_ops, true);
    ui_sort_hosts(&f->ui, &f->st);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    free(*state);
    return 0;
}

#define T0 1000000 /* a now_ms, far from 0 */

/* ---- delay and concurrency steps ---- */

static void
delay_steps_go_up_and_down_through_the_table(void **state)
{
    static const unsigned steps[] = {0, 100, 250, 500, 1000, 2000, 5000, 10000};
    unsigned v = 0;
    size_t i;

    (void)state;
    for (i = 1; i < 8; i++) {
        v = ui_delay_step(v, 1);
        assert_int_equal(v, steps[i]);
    }
    assert_int_equal(ui_delay_step(10000, 1), 10000); /* stays at the top */
    for (i = 7; i-- > 0;) {
        v = ui_delay_step(v, -1);
        assert_int_equal(v, steps[i]);
    }
    assert_int_equal(ui_delay_step(0, -1), 0);
    /* values between steps go to the neighbour step */
    assert_int_equal(ui_delay_step(300, 1), 500);
    assert_int_equal(ui_delay_step(300, -1), 250);
    assert_int_equal(ui_delay_step(30000, -1), 10000);
    assert_int_equal(ui_delay_step(30000, 1), 30000);
}

static void
concurrency_steps_clamp(void **state)
{
    (void)state;
    assert_int_equal(ui_conc_step(16, '+'), 17);
    assert_int_equal(ui_conc_step(16, '-'), 15);
    assert_int_equal(ui_conc_step(1, '-'), 1);
    assert_int_equal(ui_conc_step(16, '*'), 32);
    assert_int_equal(ui_conc_step(16, '/'), 8);
    assert_int_equal(ui_conc_step(1, '/'), 1);
    assert_int_equal(ui_conc_step(ENGINE_MAX_THREADS, '+'), ENGINE_MAX_THREADS);
    assert_int_equal(ui_conc_step(800, '*'), ENGINE_MAX_THREADS);
}

/* ---- keys ---- */

static void
plus_raises_concurrency_and_logs_it(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(ui_handle_key(&f->ui, &f->st, '+', T0), UI_REDRAW);
    assert_int_equal(rec.n, 1);
    assert_call(0, "concurrency", "", 17);
    assert_string_equal(rec.log[0], "concurrency 16 -> 17");
    assert_string_equal(f->ui.msg, "concurrency 16 -> 17");
    ui_handle_key(&f->ui, &f->st, '-', T0 + 10);
    assert_call(1, "concurrency", "", 16);
}

static void
held_plus_counts_on_from_its_own_value_while_snapshot_lags(void **state)
{
    struct fixture *f = *state;

    /* the snapshot still says 16 each time */
    ui_handle_key(&f->ui, &f->st, '+', T0);
    ui_handle_key(&f->ui, &f->st, '+', T0 + 30);
    ui_handle_key(&f->ui, &f->st, '=', T0 + 60); /* unshifted '+' */
    assert_call(0, "concurrency", "", 17);
    assert_call(1, "concurrency", "", 18);
    assert_call(2, "concurrency", "", 19);
    assert_string_equal(rec.log[2], "concurrency 18 -> 19");
    /* long after, the snapshot is the truth again */
    f->st.concurrency = 12;
    ui_handle_key(&f->ui, &f->st, '+', T0 + 60 + UI_PENDING_MS);
    assert_call(3, "concurrency", "", 13);
}

static void
star_and_slash_double_and_halve(void **state)
{
    struct fixture *f = *state;

    ui_handle_key(&f->ui, &f->st, '*', T0);
    assert_call(0, "concurrency", "", 32);
    f->st.concurrency = 32;
    ui_handle_key(&f->ui, &f->st, '/', T0 + UI_PENDING_MS);
    assert_call(1, "concurrency", "", 16);
}

static void
brackets_step_global_delay(void **state)
{
    struct fixture *f = *state;

    ui_handle_key(&f->ui, &f->st, ']', T0);
    assert_call(0, "delay", "", 500);
    assert_string_equal(rec.log[0], "delay 0.25s -> 0.5s");
    ui_handle_key(&f->ui, &f->st, ']', T0 + 1);
    assert_call(1, "delay", "", 1000);
    ui_handle_key(&f->ui, &f->st, '[', T0 + 2);
    ui_handle_key(&f->ui, &f->st, '[', T0 + 3);
    ui_handle_key(&f->ui, &f->st, '[', T0 + 4);
    ui_handle_key(&f->ui, &f->st, '[', T0 + 5);
    assert_call(2, "delay", "", 500);
    assert_call(3, "delay", "", 250);
    assert_call(4, "delay", "", 100);
    assert_call(5, "delay", "", 0);
    assert_string_equal(rec.log[5], "delay 0.1s -> 0");
    /* at 0: nothing to do, nothing sent */
    ui_handle_key(&f->ui, &f->st, '[', T0 + 6);
    assert_int_equal(rec.n, 6);
}

static void
space_toggles_pause(void **state)
{
    struct fixture *f = *state;

    ui_handle_key(&f->ui, &f->st, ' ', T0);
    assert_call(0, "pause", "", 1);
    assert_string_equal(f->ui.msg, "crawl paused");
    assert_int_equal(rec.n_log, 0); /* the engine logs phase changes */
    /* pressed again before the snapshot shows PAUSED: resume */
    ui_handle_key(&f->ui, &f->st, ' ', T0 + 50);
    assert_call(1, "pause", "", 0);
    f->st.phase = PHASE_PAUSED;
    ui_handle_key(&f->ui, &f->st, ' ', T0 + 50 + UI_PENDING_MS);
    assert_call(2, "pause", "", 0);
    assert_string_equal(f->ui.msg, "crawl resumed");
}

static void
selection_moves_and_host_keys_act_on_it(void **state)
{
    struct fixture *f = *state;

    /* sorted by queued: b(30) c(20) a(10) */
    assert_string_equal(ui_selected(&f->ui)->key, "http://b.test");
    ui_handle_key(&f->ui, &f->st, KEY_DOWN, T0);
    assert_string_equal(ui_selected(&f->ui)->key, "https://c.test:8443");
    ui_handle_key(&f->ui, &f->st, 'j', T0);
    ui_handle_key(&f->ui, &f->st, 'j', T0); /* stops at the end */
    assert_string_equal(ui_selected(&f->ui)->key, "http://a.test");
    ui_handle_key(&f->ui, &f->st, 'k', T0);
    ui_handle_key(&f->ui, &f->st, KEY_UP, T0);
    ui_handle_key(&f->ui, &f->st, KEY_UP, T0);
    assert_string_equal(ui_selected(&f->ui)->key, "http://b.test");
    ui_handle_key(&f->ui, &f->st, KEY_END, T0);
    assert_string_equal(f->ui.sel_host, "http://a.test");

    ui_handle_key(&f->ui, &f->st, '>', T0);
    assert_call(0, "host_delay", "http://a.test", 500);
    assert_string_equal(rec.log[0], "a.test: delay 0.25s -> 0.5s");
    ui_handle_key(&f->ui, &f->st, '<', T0 + 1);
    assert_call(1, "host_delay", "http://a.test", 250);
    ui_handle_key(&f->ui, &f->st, ')', T0);
    assert_call(2, "host_limit", "http://a.test", 3);
    assert_string_equal(rec.log[2], "a.test: limit 2 -> 3");
    ui_handle_key(&f->ui, &f->st, '(', T0 + 1);
    ui_handle_key(&f->ui, &f->st, '(', T0 + 2);
    assert_call(3, "host_limit", "http://a.test", 2);
    assert_call(4, "host_limit", "http://a.test", 1);
    ui_handle_key(&f->ui, &f->st, '(', T0 + 3); /* 1 is the floor */
    assert_int_equal(rec.n, 5);
    ui_handle_key(&f->ui, &f->st, 'p', T0);
    assert_call(5, "pause_host", "http://a.test", 1);
    assert_string_equal(rec.log[5], "a.test paused");
    f->st.hosts[1].paused = true; /* a.test */
    ui_handle_key(&f->ui, &f->st, 'p', T0 + UI_PENDING_MS);
    assert_call(6, "pause_host", "http://a.test", 0);
}

static void
pending_value_of_one_host_does_not_leak_to_another(void **state)
{
    struct fixture *f = *state;

    ui_handle_key(&f->ui, &f->st, ')', T0); /* b.test 2 -> 3 */
    ui_handle_key(&f->ui, &f->st, 'j', T0);
    ui_handle_key(&f->ui, &f->st, ')', T0 + 1); /* c.test 2 -> 3 */
    assert_call(0, "host_limit", "http://b.test", 3);
    assert_call(1, "host_limit", "https://c.test:8443", 3);
}

static void
s_cycles_sort_and_selection_follows_host(void **state)
{
    struct fixture *f = *state;
    static const char *const order[UI_SORT_N][3] = {
        {"http://b.test", "https://c.test:8443", "http://a.test"}, /* q */
        {"http://a.test", "https://c.test:8443", "http://b.test"}, /* done */
        {"https://c.test:8443", "http://b.test", "http://a.test"}, /* err */
        {"http://a.test", "http://b.test", "https://c.test:8443"}, /* lat */
        {"http://a.test", "http://b.test", "https://c.test:8443"}, /* name */
    };
    int s, i;

    assert_int_equal(f->ui.sort, UI_SORT_QUEUED);
    for (s = 0; s < UI_SORT_N + 1; s++) {
        int k = s % UI_SORT_N;
        assert_int_equal(f->ui.sort, k);
        for (i = 0; i < 3; i++)
            assert_string_equal(f->ui.order[i]->key, order[k][i]);
        /* b.test stays selected wherever it sorts to */
        assert_string_equal(ui_selected(&f->ui)->key, "http://b.test");
        ui_handle_key(&f->ui, &f->st, 's', T0);
    }
    assert_string_equal(ui_sort_name(UI_SORT_LATENCY), "latency");
    assert_int_equal(rec.n, 0); /* sorting is the ui's business */
}

static void
selection_keeps_row_when_host_vanishes(void **state)
{
    struct fixture *f = *state;

    ui_handle_key(&f->ui, &f->st, 'j', T0); /* c.test, row 1 */
    f->st.hosts[2] = f->st.hosts[1];        /* c.test replaced by a.test */
    f->st.n_hosts = 2;
    ui_sort_hosts(&f->ui, &f->st);
    assert_int_equal(f->ui.sel, 1);
    assert_string_equal(f->ui.sel_host, "http://a.test");
    f->st.n_hosts = 0;
    ui_sort_hosts(&f->ui, &f->st);
    assert_null(ui_selected(&f->ui));
    ui_handle_key(&f->ui, &f->st, 'p', T0);
    assert_int_equal(rec.n, 0);
}

static void
ties_sort_by_name(void **state)
{
    struct fixture *f = *state;

    f->st.n_hosts = 0;
    add_host(&f->st, "http://z.test", 5, 0, 0, 0);
    add_host(&f->st, "http://m.test", 5, 0, 0, 0);
    add_host(&f->st, "http://d.test", 5, 0, 0, 0);
    ui_sort_hosts(&f->ui, &f->st);
    assert_string_equal(f->ui.order[0]->key, "http://d.test");
    assert_string_equal(f->ui.order[2]->key, "http://z.test");
}

static void
tab_log_and_help_keys(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(f->ui.focus, UI_FOCUS_HOSTS);
    ui_handle_key(&f->ui, &f->st, '\t', T0);
    assert_int_equal(f->ui.focus, UI_FOCUS_THREADS);
    ui_handle_key(&f->ui, &f->st, '\t', T0);
    assert_int_equal(f->ui.focus, UI_FOCUS_HOSTS);
    assert_true(f->ui.show_log);
    ui_handle_key(&f->ui, &f->st, 'l', T0);
    assert_false(f->ui.show_log);
    ui_handle_key(&f->ui, &f->st, '?', T0);
    assert_true(f->ui.show_help);
    /* any key closes the help, and does nothing else */
    assert_int_equal(ui_handle_key(&f->ui, &f->st, '+', T0), UI_REDRAW);
    assert_false(f->ui.show_help);
    assert_int_equal(rec.n, 0);
    ui_handle_key(&f->ui, &f->st, KEY_F(1), T0);
    assert_true(f->ui.show_help);
    assert_int_equal(ui_handle_key(&f->ui, &f->st, 'x', T0), UI_REDRAW);
    assert_int_equal(ui_handle_key(&f->ui, &f->st, 'x', T0), 0);
}

static void
thread_table_scrolls_when_focused(void **state)
{
    struct fixture *f = *state;

    f->st.n_threads = 20;
    f->ui.layout.threads.h = 6; /* title + 4 rows + "+N more" */
    ui_handle_key(&f->ui, &f->st, '\t', T0);
    ui_handle_key(&f->ui, &f->st, KEY_DOWN, T0);
    assert_int_equal(f->ui.thread_top, 1);
    assert_string_equal(f->ui.sel_host, "http://b.test"); /* untouched */
    ui_handle_key(&f->ui, &f->st, KEY_END, T0);
    assert_int_equal(f->ui.thread_top, 16);
    ui_handle_key(&f->ui, &f->st, KEY_PPAGE, T0);
    assert_int_equal(f->ui.thread_top, 12);
    ui_handle_key(&f->ui, &f->st, KEY_HOME, T0);
    assert_int_equal(f->ui.thread_top, 0);
}

static void
q_stops_gracefully_and_quits_only_when_done(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(ui_handle_key(&f->ui, &f->st, 'q', T0), UI_REDRAW);
    assert_true(f->ui.stopping);
    assert_int_equal(rec.n, 1);
    assert_call(0, "stop", "", UI_STOP_GRACE_MS);
    assert_string_equal(rec.log[0], "stop requested");
    /* a second q does not stop again; knobs are off while stopping */
    assert_int_equal(ui_handle_key(&f->ui, &f->st, KEY_F(10), T0), UI_REDRAW);
    ui_handle_key(&f->ui, &f->st, '+', T0);
    ui_handle_key(&f->ui, &f->st, ' ', T0);
    assert_int_equal(rec.n, 1);
    f->st.phase = PHASE_DONE;
    assert_int_equal(ui_handle_key(&f->ui, &f->st, 'q', T0), UI_QUIT);
}

static void
done_crawl_quits_at_once_and_ignores_knobs(void **state)
{
    struct fixture *f = *state;

    f->st.phase = PHASE_DONE;
    ui_handle_key(&f->ui, &f->st, '+', T0);
    ui_handle_key(&f->ui, &f->st, ']', T0);
    ui_handle_key(&f->ui, &f->st, 'p', T0);
    assert_int_equal(rec.n, 0);
    assert_string_equal(f->ui.msg, "crawl is done; q quits");
    assert_int_equal(ui_handle_key(&f->ui, &f->st, KEY_F(10), T0), UI_QUIT);
    assert_int_equal(ui_request_stop(&f->ui, &f->st, T0), UI_QUIT);
    assert_int_equal(rec.n, 0);
}

/* ---- layout ---- */

static void
check_layout(int rows, int cols, unsigned nt, unsigned nh, bool log)
{
    struct ui_layout l;
    int sum;

    ui_layout_compute(&l, rows, cols, nt, nh, log);
    assert_false(l.too_small);
    assert_int_equal(l.header.y, 0);
    assert_int_equal(l.header.h, ui_header_lines(rows, cols));
    assert_int_equal(l.threads.y, l.header.y + l.header.h);
    assert_int_equal(l.hosts.y, l.threads.y + l.threads.h);
    assert_true(l.threads.h >= 1 && l.hosts.h >= 1);
    if (l.log.h > 0)
        assert_int_equal(l.log.y, l.hosts.y + l.hosts.h);
    assert_int_equal(l.status.y, rows - 1);
    sum = l.header.h + l.threads.h + l.hosts.h + l.log.h + l.status.h;
    assert_int_equal(sum, rows);
    assert_int_equal(l.threads.w, cols);
    /* a table never gets more rows than it has items while the other
     * one overflows */
    if ((unsigned)(l.threads.h - 1) > (nt ? nt : 1))
        assert_true((unsigned)(l.hosts.h - 1) >= nh);
}

static void
layout_80x24_splits_tables_and_keeps_log(void **state)
{
    struct ui_layout l;

    (void)state;
    ui_layout_compute(&l, 24, 80, 64, 100, true);
    /* the fourth header line comes out of the log, not the tables */
    assert_int_equal(l.header.h, 4);
    assert_int_equal(l.log.h, 4); /* title + 3 lines */
    assert_int_equal(l.threads.y, 4);
    assert_int_equal(l.threads.h, 1 + 6);
    assert_int_equal(l.hosts.h, 1 + 7);
    assert_int_equal(l.status.y, 23);
    /* 6 body rows for 64 items: 5 rows and a "+59 more" line */
    assert_int_equal(ui_table_shown(l.threads.h - 1, 64), 5);
    ui_layout_compute(&l, 24, 80, 64, 100, false);
    assert_int_equal(l.log.h, 0);
    assert_int_equal(l.threads.h, 1 + 8);
    assert_int_equal(l.hosts.h, 1 + 9);
    /* few threads: the domains get the rest */
    ui_layout_compute(&l, 24, 80, 2, 100, true);
    assert_int_equal(l.threads.h, 1 + 2);
    assert_int_equal(l.hosts.h, 1 + 11);
    /* everything fits: the log takes the spare rows */
    ui_layout_compute(&l, 24, 80, 2, 3, true);
    assert_int_equal(l.threads.h, 3);
    assert_int_equal(l.hosts.h, 4);
    assert_int_equal(l.log.h, 24 - 5 - 3 - 4);
    /* wide: three header lines, and the log gets 4 lines again */
    ui_layout_compute(&l, 24, 160, 64, 100, true);
    assert_int_equal(l.header.h, 3);
    assert_int_equal(l.log.h, 5);
    assert_int_equal(l.hosts.h, 1 + 7);
}

static void
header_takes_a_fourth_line_when_narrow_and_tall(void **state)
{
    (void)state;
    assert_int_equal(ui_header_lines(24, 80), 4);
    assert_int_equal(ui_header_lines(50, UI_HEADER_WIDE_COLS - 1), 4);
    assert_int_equal(ui_header_lines(UI_HEADER_TALL_ROWS, 80), 4);
    /* wide enough for outcomes and knobs on one line */
    assert_int_equal(ui_header_lines(24, UI_HEADER_WIDE_COLS), 3);
    assert_int_equal(ui_header_lines(50, 160), 3);
    /* too short to spare a row: segments drop instead */
    assert_int_equal(ui_header_lines(UI_HEADER_TALL_ROWS - 1, 80), 3);
    assert_int_equal(ui_header_lines(UI_MIN_ROWS, UI_MIN_COLS), 3);
}

static void
header_segments_drop_lowest_priority_first(void **state)
{
    /* "2xx 12"(6) "3xx 0"(5) "retries 3 (1 pending)"(21) "delay 0"(7) */
    static const int cols[] = {6, 5, 21, 7};
    static const int prio[] = {9, 6, 7, 10};
    bool show[4];

    (void)state;
    assert_int_equal(ui_segs_fit(cols, prio, 4, 80, show), 6 + 5 + 21 + 7 + 6);
    assert_true(show[0] && show[1] && show[2] && show[3]);
    assert_int_equal(ui_segs_fit(cols, prio, 4, 45, show), 6 + 5 + 21 + 7 + 6);
    assert_int_equal(ui_segs_fit(cols, prio, 4, 44, show), 6 + 21 + 7 + 4);
    assert_false(show[1]); /* 3xx, the lowest, goes first */
    assert_true(show[0] && show[2] && show[3]);
    assert_int_equal(ui_segs_fit(cols, prio, 4, 37, show), 6 + 7 + 2);
    assert_false(show[2]);
    assert_int_equal(ui_segs_fit(cols, prio, 4, 7, show), 7);
    assert_true(show[3] && !show[0]);
    assert_int_equal(ui_segs_fit(cols, prio, 4, 3, show), 0);
    assert_false(show[0] || show[1] || show[2] || show[3]);
    /* equal priorities: the rightmost goes first */
    {
        static const int same[] = {5, 5, 5};
        assert_int_equal(ui_segs_fit(cols, same, 3, 20, show), 6 + 5 + 2);
        assert_true(show[0] && show[1] && !show[2]);
    }
}

static void
layout_fills_any_size(void **state)
{
    static const int sizes[][2] = {{8, 40},   {10, 40},  {24, 80},  {25, 81},
                                   {50, 132}, {60, 250}, {200, 400}};
    static const unsigned counts[][2] = {{0, 0},   {1, 1},    {64, 100},
                                         {4, 500}, {1024, 2}, {1024, 512}};
    size_t i, j;

    (void)state;
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        for (j = 0; j < sizeof(counts) / sizeof(counts[0]); j++) {
            check_layout(sizes[i][0], sizes[i][1], counts[j][0], counts[j][1],
                         true);
            check_layout(sizes[i][0], sizes[i][1], counts[j][0], counts[j][1],
                         false);
        }
}

static void
layout_too_small(void **state)
{
    struct ui_layout l;

    (void)state;
    ui_layout_compute(&l, UI_MIN_ROWS - 1, 80, 4, 4, true);
    assert_true(l.too_small);
    ui_layout_compute(&l, 24, UI_MIN_COLS - 1, 4, 4, true);
    assert_true(l.too_small);
    /* a short terminal drops the log before the tables */
    ui_layout_compute(&l, 12, 80, 64, 100, true);
    assert_false(l.too_small);
    assert_int_equal(l.log.h, 0);
}

static void
large_terminal_gives_log_the_spare_rows(void **state)
{
    struct ui_layout l;

    (void)state;
    ui_layout_compute(&l, 60, 200, 8, 4, true);
    assert_int_equal(l.threads.h, 9);
    assert_int_equal(l.hosts.h, 5);
    assert_int_equal(l.log.h, 60 - 4 - 9 - 5);
    /* but never more than the log can hold */
    ui_layout_compute(&l, 200, 200, 8, 4, true);
    assert_int_equal(l.log.h, ENGINE_LOG_LINES + 1);
    assert_int_equal(l.hosts.h, 200 - 4 - 9 - (ENGINE_LOG_LINES + 1));
}

static void
table_rows_and_scrolling(void **state)
{
    (void)state;
    assert_int_equal(ui_table_shown(10, 5), 5);
    assert_int_equal(ui_table_shown(10, 10), 10);
    assert_int_equal(ui_table_shown(10, 11), 9);
    assert_int_equal(ui_table_shown(1, 11), 0);
    assert_int_equal(ui_table_shown(0, 3), 0);
    assert_int_equal(ui_scroll(0, 0, 5, 3), 0);
    assert_int_equal(ui_scroll(0, 7, 5, 20), 3);
    assert_int_equal(ui_scroll(3, 2, 5, 20), 2);
    assert_int_equal(ui_scroll(3, 5, 5, 20), 3);
    assert_int_equal(ui_scroll(18, 19, 5, 20), 15);
}

static void
columns_fit_80_and_grow_or_drop(void **state)
{
    static const struct ui_col c[] = {
        {"NAME", 10, 0, 2, 9, false}, {"A", 5, 8, 1, 8, true},
        {"B", 5, 0, 0, 2, true},      {"C", 5, 0, 0, 1, true},
        {"D", 1, 0, 0, 5, false},
    };
    int w[5], sum, i;

    (void)state;
    ui_columns(c, 5, 30, w);
    for (sum = 4, i = 0; i < 5; i++)
        sum += w[i];
    assert_int_equal(sum, 30);
    assert_int_equal(w[1], 5 + (30 - 30)); /* exactly the minimum */
    ui_columns(c, 5, 100, w);
    assert_int_equal(w[1], 8); /* capped at max */
    assert_int_equal(w[2], 5); /* weight 0 does not grow */
    assert_int_equal(w[0], 100 - 4 - 8 - 5 - 5 - 1);
    ui_columns(c, 5, 24, w);
    assert_int_equal(w[3], 0); /* lowest priority goes first */
    assert_int_equal(w[2], 5);
    ui_columns(c, 5, 18, w);
    assert_int_equal(w[3], 0);
    assert_int_equal(w[2], 0);
    assert_true(w[0] + w[1] + w[4] + 2 <= 18);
}

/* Domain table columns at width cols of the terminal (the table starts
 * at x = 1); checks they fit and returns how many are shown. */
static int
host_columns(int cols, int *w)
{
    int i, sum = 0, shown = 0;

    ui_columns(ui_host_cols, UI_HC_N, cols - 1, w);
    for (i = 0; i < UI_HC_N; i++) {
        if (w[i] == 0)
            continue;
        assert_true(w[i] >= ui_host_cols[i].min);
        if (ui_host_cols[i].max > 0)
            assert_true(w[i] <= ui_host_cols[i].max);
        sum += w[i];
        shown++;
    }
    assert_true(sum + shown - 1 <= cols - 1);
    return shown;
}

static void
domain_columns_keep_politeness_and_drop_latency_when_narrow(void **state)
{
    static const int keep[] = {UI_HC_NAME,   UI_HC_FLY,   UI_HC_DONE,
                               UI_HC_QUEUED, UI_HC_ERR,   UI_HC_DELAY,
                               UI_HC_WAIT,   UI_HC_ROBOTS};
    int w[UI_HC_N], i, cols;

    (void)state;
    /* 80: the essentials, retries, paused, average latency; no P95,
     * PG/M or status mix, and the name gets the rest */
    assert_int_equal(host_columns(80, w), 11);
    for (i = 0; i < (int)(sizeof(keep) / sizeof(keep[0])); i++)
        assert_true(w[keep[i]] > 0);
    assert_true(w[UI_HC_RTRY] > 0 && w[UI_HC_PAUSED] > 0 && w[UI_HC_AVG] > 0);
    assert_int_equal(w[UI_HC_P95], 0);
    assert_int_equal(w[UI_HC_PPM], 0);
    assert_int_equal(w[UI_HC_MIX], 0);
    assert_true(w[UI_HC_NAME] >= 20);
    /* essentials stay down to 62 columns, and DOMAIN, FLY, DONE, QUEUE
     * to the smallest terminal */
    for (cols = 62; cols <= 300; cols++) {
        host_columns(cols, w);
        for (i = 0; i < (int)(sizeof(keep) / sizeof(keep[0])); i++)
            assert_true(w[keep[i]] > 0);
    }
    host_columns(61, w);
    assert_int_equal(w[UI_HC_DELAY], 0); /* the first essential to go */
    assert_true(w[UI_HC_WAIT] > 0 && w[UI_HC_ROBOTS] > 0);
    host_columns(UI_MIN_COLS, w);
    assert_true(w[UI_HC_NAME] > 0 && w[UI_HC_FLY] > 0 && w[UI_HC_DONE] > 0 &&
                w[UI_HC_QUEUED] > 0);
    assert_int_equal(w[UI_HC_ROBOTS], 0);
    /* dropping order as the terminal narrows: mix, PG/M, P95, AVG, RTRY,
     * paused flag, then DELAY; each as soon as the minimum widths of the
     * rest no longer fit */
    assert_int_equal(host_columns(103, w), UI_HC_N);
    host_columns(102, w);
    assert_int_equal(w[UI_HC_MIX], 0);
    assert_true(w[UI_HC_PPM] > 0);
    assert_int_equal(host_columns(87, w), UI_HC_N - 1);
    host_columns(86, w);
    assert_int_equal(w[UI_HC_PPM], 0);
    assert_true(w[UI_HC_P95] > 0);
    assert_int_equal(host_columns(81, w), UI_HC_N - 2);
    assert_int_equal(host_columns(75, w), UI_HC_N - 3);
    host_columns(74, w);
    assert_int_equal(w[UI_HC_AVG], 0);
    assert_true(w[UI_HC_RTRY] > 0 && w[UI_HC_PAUSED] > 0);
    assert_int_equal(host_columns(69, w), UI_HC_N - 4);
    host_columns(68, w);
    assert_int_equal(w[UI_HC_RTRY], 0);
    assert_true(w[UI_HC_PAUSED] > 0);
    assert_int_equal(host_columns(64, w), UI_HC_N - 5);
    host_columns(63, w);
    assert_int_equal(w[UI_HC_PAUSED], 0);
    assert_true(w[UI_HC_DELAY] > 0);
    /* wide: every column, the name capped so rows stay readable */
    assert_int_equal(host_columns(160, w), UI_HC_N);
    assert_int_equal(w[UI_HC_NAME], ui_host_cols[UI_HC_NAME].max);
}

/* ---- text ---- */

static bool
valid_utf8(const char *s)
{
    mbstate_t ps;
    const char *p = s;

    memset(&ps, 0, sizeof(ps));
    return mbsrtowcs(NULL, &p, 0, &ps) != (size_t)-1;
}

static void
text_width_counts_columns(void **state)
{
    const char *s = "h\xc3\xa9llo \xe4\xb8\xad\xe6\x96\x87"; /* héllo 中文 */
    int used;

    (void)state;
    assert_int_equal(ui_text_cols("hello", 5), 5);
    assert_int_equal(ui_text_cols(s, strlen(s)), 10);
    /* 7 columns: "héllo " + not half of a wide char */
    assert_int_equal(ui_fit(s, 7, &used), 7);
    assert_int_equal(used, 6);
    assert_int_equal(ui_fit(s, 8, &used), 10);
    assert_int_equal(used, 8);
    assert_int_equal(ui_fit(s, 0, &used), 0);
}

static void
shorten_keeps_short_text(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(ui_shorten_middle("abc", 10, true, out, sizeof(out)), 3);
    assert_string_equal(out, "abc");
    assert_int_equal(ui_shorten_middle("abcdef", 6, true, out, sizeof(out)), 6);
    assert_string_equal(out, "abcdef");
    ui_shorten_middle("abcdef", 0, true, out, sizeof(out));
    assert_string_equal(out, "");
}

static void
shorten_cuts_the_middle(void **state)
{
    const char *url = "http://example.com/a/very/long/path/to/page.html";
    char out[128];

    (void)state;
    assert_int_equal(ui_shorten_middle(url, 20, true, out, sizeof(out)), 20);
    assert_string_equal(out, "http://exa\xe2\x80\xa6page.html");
    assert_int_equal(ui_shorten_middle(url, 20, false, out, sizeof(out)), 20);
    assert_string_equal(out, "http://exa~page.html");
    assert_int_equal(ui_shorten_middle(url, 2, true, out, sizeof(out)), 2);
    assert_string_equal(out, "h\xe2\x80\xa6");
}

static void
shorten_never_cuts_inside_a_character(void **state)
{
    /* 2-byte, 3-byte wide, 4-byte and combining characters */
    const char *s = "http://\xc3\xa9t\xc3\xa9.test/\xe4\xb8\xad\xe6\x96\x87"
                    "\xe4\xb8\xad\xe6\x96\x87/\xf0\x9f\x98\x80x"
                    "e\xcc\x81\xc3\xa9\xc3\xa9\xc3\xa9/end";
    char out[128];
    int cols, full = ui_text_cols(s, strlen(s));

    (void)state;
    for (cols = 1; cols <= full + 1; cols++) {
        int used = ui_shorten_middle(s, cols, true, out, sizeof(out));
        assert_true(valid_utf8(out));
        assert_true(used <= cols);
        assert_true(used >= cols - 2); /* a wide char may leave a gap */
        assert_int_equal(used, ui_text_cols(out, strlen(out)));
        if (cols >= full)
            assert_string_equal(out, s);
        else if (cols > 1)
            assert_non_null(strstr(out, "\xe2\x80\xa6"));
    }
}

static void
clean_removes_control_characters(void **state)
{
    char out[64];

    (void)state;
    ui_clean("a\x1b[2Jb\r\nc\x07", true, out, sizeof(out));
    assert_null(strchr(out, '\x1b'));
    assert_null(strchr(out, '\r'));
    assert_null(strchr(out, '\n'));
    assert_null(strchr(out, '\a'));
    assert_string_equal(out, "a?[2Jb??c?");
    ui_clean("x\xc2\x9b"
             "31m",
             true, out, sizeof(out)); /* C1 CSI */
    assert_string_equal(out, "x?31m");
    ui_clean("bad\xff\xfe", true, out, sizeof(out));
    assert_string_equal(out, "bad??");
    ui_clean("caf\xc3\xa9 \xe4\xb8\xad", true, out, sizeof(out));
    assert_string_equal(out, "caf\xc3\xa9 \xe4\xb8\xad");
    /* no UTF-8 terminal: one '?' per character */
    ui_clean("caf\xc3\xa9 \xe4\xb8\xad\x1b", false, out, sizeof(out));
    assert_string_equal(out, "caf? ??");
    assert_string_equal(ui_host_label("http://a.test:81"), "a.test:81");
    assert_string_equal(ui_host_label("https://b.test"), "b.test");
    assert_string_equal(ui_host_label("c.test"), "c.test");
}

/* ---- sparkline ---- */

static void
sparkline_scales_to_the_maximum(void **state)
{
    const float v[] = {0, 1, 2, 4, 8, 0.01f};
    char out[64];

    (void)state;
    assert_true(ui_sparkline(v, 6, 10, true, out, sizeof(out)) == 8.0f);
    assert_string_equal(out, " "            /* 0 */
                             "\xe2\x96\x81" /* 1/8 */
                             "\xe2\x96\x82" /* 2/8 */
                             "\xe2\x96\x84" /* 4/8 */
                             "\xe2\x96\x88" /* full */
                             "\xe2\x96\x81" /* tiny but not 0 */);
    ui_sparkline(v, 6, 10, false, out, sizeof(out));
    assert_string_equal(out, " _.:#_");
    /* only the newest width samples, scaled among themselves */
    assert_true(ui_sparkline(v, 6, 3, false, out, sizeof(out)) == 8.0f);
    assert_string_equal(out, ":#_");
    assert_true(ui_sparkline(v, 4, 2, false, out, sizeof(out)) == 4.0f);
    assert_string_equal(out, ":#");
    /* all zero, none, no room */
    assert_true(ui_sparkline(v, 1, 5, true, out, sizeof(out)) == 0.0f);
    assert_string_equal(out, " ");
    ui_sparkline(v, 0, 5, true, out, sizeof(out));
    assert_string_equal(out, "");
    ui_sparkline(v, 6, 0, true, out, sizeof(out));
    assert_string_equal(out, "");
    /* a small buffer is not overrun and holds whole blocks */
    ui_sparkline(v, 6, 6, true, out, 8);
    assert_true(valid_utf8(out));
}

/* ---- numbers ---- */

static void
formats_fit_their_columns(void **state)
{
    char out[32];

    (void)state;
    ui_fmt_count(999, 3, out, sizeof(out));
    assert_string_equal(out, "999");
    ui_fmt_count(1234, 3, out, sizeof(out));
    assert_string_equal(out, "1k");
    ui_fmt_count(1234, 4, out, sizeof(out));
    assert_string_equal(out, "1234");
    ui_fmt_count(12345, 4, out, sizeof(out));
    assert_string_equal(out, "12k");
    ui_fmt_count(1260000, 5, out, sizeof(out));
    assert_string_equal(out, "1.3M");
    ui_fmt_count(999999, 4, out, sizeof(out));
    assert_string_equal(out, "1.0M");
    ui_fmt_count(UINT64_MAX, 5, out, sizeof(out));
    assert_true(strlen(out) <= 5);
    ui_fmt_delay(0, out, sizeof(out));
    assert_string_equal(out, "0");
    ui_fmt_delay(100, out, sizeof(out));
    assert_string_equal(out, "0.1s");
    ui_fmt_delay(250, out, sizeof(out));
    assert_string_equal(out, "0.25s");
    ui_fmt_delay(10000, out, sizeof(out));
    assert_string_equal(out, "10s");
    ui_fmt_delay(1234, out, sizeof(out));
    assert_string_equal(out, "1.234s");
    ui_fmt_ms(85, out, sizeof(out));
    assert_string_equal(out, "85ms");
    ui_fmt_ms(1250, out, sizeof(out));
    assert_string_equal(out, "1.2s");
    ui_fmt_ms(42000, out, sizeof(out));
    assert_string_equal(out, "42s");
    ui_fmt_delay(337, out, sizeof(out)); /* autothrottle: any value */
    assert_string_equal(out, "0.337s");
    ui_fmt_elapsed(3723000, out, sizeof(out));
    assert_string_equal(out, "1:02:03");
    ui_fmt_bytes(512, out, sizeof(out));
    assert_string_equal(out, "512 B");
    ui_fmt_bytes(1234567, out, sizeof(out));
    assert_string_equal(out, "1.23 MB");
    assert_string_equal(ui_worker_state_name(WORKER_TRANSFERRING),
                        "transferring");
}

static void
wait_counts_down_in_five_columns(void **state)
{
    static const struct {
        int64_t ms;
        const char *out;
    } cases[] = {
        {0, ""},           {-20, ""},         {1, "0.1s"},
        {400, "0.4s"},     {401, "0.5s"},     {9900, "9.9s"},
        {9901, "10s"},     {12000, "12s"},    {12001, "13s"},
        {59000, "59s"},    {59001, "1m"},     {65000, "1m5s"},
        {599000, "9m59s"}, {600000, "10m"},   {725000, "12m"},
        {3600000, "1h"},   {3720000, "1h2m"}, {35999000, "9h59m"},
        {36000000, "10h"}, {86399000, "23h"}, {3 * 86400000LL, "3d"},
    };
    char out[32];
    int64_t ms;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ui_fmt_wait(cases[i].ms, out, sizeof(out));
        assert_string_equal(out, cases[i].out);
    }
    /* never wider than the column, never "0" while time is left */
    for (ms = 1; ms < 200LL * 86400000; ms = ms * 5 / 4 + 37) {
        ui_fmt_wait(ms, out, sizeof(out));
        assert_true(strlen(out) >= 2 && strlen(out) <= 5);
        assert_true(out[0] != '0' || out[1] == '.');
        assert_string_not_equal(out, "0.0s");
    }
}

static void
host_held_only_beyond_its_delay(void **state)
{
    struct host_stats h;

    (void)state;
    memset(&h, 0, sizeof(h));
    assert_false(ui_host_held(&h));
    h.delay_ms = 1000;
    h.ready_in_ms = 1500; /* a randomised delay reaches 1.5 x */
    assert_false(ui_host_held(&h));
    h.ready_in_ms = 1501;
    assert_true(ui_host_held(&h));
    h.delay_ms = 0; /* no delay: any wait is a Retry-After or retry */
    h.ready_in_ms = 1;
    assert_true(ui_host_held(&h));
}

/* ---- drawing into a screen that goes to /dev/null ---- */

static FILE *scr_out, *scr_in;
static SCREEN *scr;

static bool
screen_open(int rows, int cols)
{
    if (scr == NULL) {
        scr_out = fopen("/dev/null", "w");
        scr_in = fopen("/dev/null", "r");
        if (scr_out == NULL || scr_in == NULL)
            return false;
        scr = newterm("xterm-256color", scr_out, scr_in);
        if (scr == NULL)
            return false;
    }
    resize_term(rows, cols);
    return true;
}

static int
screen_close(void **state)
{
    (void)state;
    if (scr != NULL) {
        endwin();
        delscreen(scr);
        scr = NULL;
    }
    if (scr_out != NULL)
        fclose(scr_out);
    if (scr_in != NULL)
        fclose(scr_in);
    scr_out = scr_in = NULL;
    return 0;
}

/* Row y of the screen as text (ASCII parts are enough for the checks). */
static const char *
screen_row(int y)
{
    static char line[512];
    int x, cols = getmaxx(stdscr);

    for (x = 0; x < cols && x < (int)sizeof(line) - 1; x++) {
        chtype ch = mvwinch(stdscr, y, x) & A_CHARTEXT;
        line[x] = ch >= 0x20 && ch < 0x7f ? (char)ch : '.';
    }
    line[x] = '\0';
    return line;
}

static bool
screen_has(const char *needle)
{
    int y;

    for (y = 0; y < getmaxy(stdscr); y++)
        if (strstr(screen_row(y), needle) != NULL)
            return true;
    return false;
}

static void
fill_busy(struct engine_stats *st)
{
    unsigned i;
    char key[64];

    st->n_threads = 64;
    for (i = 0; i < st->n_threads; i++) {
        struct worker_stats *t = &st->threads[i];
        t->state = (enum worker_state)(i % 5);
        snprintf(t->host, sizeof(t->host), "h%u.test", i % 100);
        snprintf(t->url, sizeof(t->url),
                 "http://h%u.test/some/really/long/path/\x1b[31mpage-%u.html",
                 i % 100, i);
        t->busy_ms = i * 37;
        t->requests = i * 1000;
    }
    st->n_hosts = 0;
    for (i = 0; i < 100; i++) {
        snprintf(key, sizeof(key), "http://h%u.test", i);
        add_host(st, key, i, 100 - i, i % 3, i * 10);
    }
    st->rate_n = ENGINE_RATE_SAMPLES;
    for (i = 0; i < ENGINE_RATE_SAMPLES; i++)
        st->rate[i] = (float)(i % 20);
    st->retries = 12;
    st->retry_pending = 3;
    st->robots_skipped = 32;
    /* the busiest hosts: a 429 pause, a robots error, a Crawl-delay */
    st->hosts[99].ready_in_ms = 12000;
    st->hosts[99].retries = 4;
    strlcopy(st->hosts[99].robots, "ok", sizeof(st->hosts[99].robots));
    st->hosts[98].ready_in_ms = 400;
    strlcopy(st->hosts[98].robots, "error", sizeof(st->hosts[98].robots));
    st->hosts[97].delay_ms = 5000;
    st->hosts[97].ready_in_ms = 3720000;
    memcpy(st->hosts[97].robots, "nonenone", 8); /* no terminating NUL */
    st->log_n = 2;
    st->log_seq = 2;
    strlcopy(st->log[0], "crawl started", ENGINE_LOG_LEN);
    strlcopy(st->log[1], "bell\a here", ENGINE_LOG_LEN);
}

static void
draw_80x24_shows_everything(void **state)
{
    struct fixture *f = *state;

    if (!screen_open(24, 80))
        skip();
    fill_busy(&f->st);
    ui_sort_hosts(&f->ui, &f->st);
    ui_draw(&f->ui, &f->st, T0);
    assert_non_null(strstr(screen_row(0), "RUNNING"));
    assert_true(screen_has("concurrency 16 (16 active)"));
    assert_true(screen_has("delay 0.25s"));
    assert_true(screen_has("+59 more")); /* threads: 5 of 64 */
    assert_true(screen_has("+94 more")); /* domains: 6 of 100 */
    assert_true(screen_has("transferring"));
    assert_true(screen_has("h99.test")); /* queued 99: on top */
    assert_true(screen_has("crawl started"));
    assert_true(screen_has("bell? here"));
    assert_true(screen_has("qQuit"));
    assert_non_null(strstr(screen_row(23), "Quit"));
    /* the new figures: header line 2 and 3, then the domain columns */
    assert_non_null(strstr(screen_row(2), "retries 12 (3 pending)"));
    assert_non_null(strstr(screen_row(3), "concurrency 16 (16 active)"));
    assert_non_null(strstr(screen_row(3), "robots-skipped 32"));
    assert_true(screen_has(" DOMAIN "));
    assert_true(screen_has("QUEUE* "));
    assert_true(screen_has(" ERR RTRY "));
    assert_true(screen_has(" DELAY  WAIT ROBOTS P"));
    assert_false(screen_has("P95"));
    assert_false(screen_has("2xx/3xx"));
    assert_true(screen_has("    4 ")); /* RTRY of h99 */
    assert_true(screen_has(" 12s ok"));
    assert_true(screen_has(" 0.4s error"));
    assert_true(screen_has("5s  1h2m noneno")); /* cut to its column */
    assert_false(screen_has("nonenone"));
    /* sorted by latency with P95 dropped: AVG carries the mark */
    f->ui.sort = UI_SORT_LATENCY;
    ui_sort_hosts(&f->ui, &f->st);
    ui_draw(&f->ui, &f->st, T0);
    assert_true(screen_has(" AVG* "));
    f->ui.sort = UI_SORT_QUEUED;
    ui_sort_hosts(&f->ui, &f->st);

    /* states and messages */
    f->ui.stopping = true;
    f->ui.show_log = false;
    ui_handle_key(&f->ui, &f->st, '+', T0);
    ui_draw(&f->ui, &f->st, T0);
    assert_non_null(strstr(screen_row(0), "STOPPING"));
    assert_true(screen_has("stopping..."));
    assert_false(screen_has("crawl started"));
    f->st.phase = PHASE_DONE;
    ui_draw(&f->ui, &f->st, T0 + UI_MSG_MS);
    assert_non_null(strstr(screen_row(0), "DONE"));
    assert_false(screen_has("stopping..."));
    f->st.phase = PHASE_PAUSED;
    f->ui.stopping = false;
    f->ui.show_help = true;
    ui_draw(&f->ui, &f->st, T0);
    assert_non_null(strstr(screen_row(0), "PAUSED"));
    assert_true(screen_has("crawltop keys"));
}

static void
draw_survives_any_size(void **state)
{
    struct fixture *f = *state;
    static const int sizes[][2] = {{5, 30},  {8, 40},   {12, 60},
                                   {24, 80}, {50, 132}, {100, 300}};
    size_t i;

    if (!screen_open(24, 80))
        skip();
    fill_busy(&f->st);
    f->st.hosts[0].paused = true;
    strlcopy(f->st.hosts[1].key, "http://\xe4\xb8\xad\xe6\x96\x87.test",
             ENGINE_HOST_LEN);
    ui_sort_hosts(&f->ui, &f->st);
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        screen_open(sizes[i][0], sizes[i][1]);
        f->ui.show_help = i % 2;
        ui_draw(&f->ui, &f->st, T0);
        if (sizes[i][0] < UI_MIN_ROWS || sizes[i][1] < UI_MIN_COLS)
            assert_true(screen_has("too small"));
        else
            assert_true(screen_has("crawltop"));
    }
    screen_open(24, 80);
    /* selection scrolls into view */
    f->ui.show_help = false;
    ui_handle_key(&f->ui, &f->st, KEY_END, T0);
    ui_draw(&f->ui, &f->st, T0);
    assert_true(screen_has(">h0.test"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(delay_steps_go_up_and_down_through_the_table),
        cmocka_unit_test(concurrency_steps_clamp),
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(plus_raises_concurrency_and_logs_it),
        T(held_plus_counts_on_from_its_own_value_while_snapshot_lags),
        T(star_and_slash_double_and_halve),
        T(brackets_step_global_delay),
        T(space_toggles_pause),
        T(selection_moves_and_host_keys_act_on_it),
        T(pending_value_of_one_host_does_not_leak_to_another),
        T(s_cycles_sort_and_selection_follows_host),
        T(selection_keeps_row_when_host_vanishes),
        T(ties_sort_by_name),
        T(tab_log_and_help_keys),
        T(thread_table_scrolls_when_focused),
        T(q_stops_gracefully_and_quits_only_when_done),
        T(done_crawl_quits_at_once_and_ignores_knobs),
        cmocka_unit_test(layout_80x24_splits_tables_and_keeps_log),
        cmocka_unit_test(header_takes_a_fourth_line_when_narrow_and_tall),
        cmocka_unit_test(header_segments_drop_lowest_priority_first),
        cmocka_unit_test(layout_fills_any_size),
        cmocka_unit_test(layout_too_small),
        cmocka_unit_test(large_terminal_gives_log_the_spare_rows),
        cmocka_unit_test(table_rows_and_scrolling),
        cmocka_unit_test(columns_fit_80_and_grow_or_drop),
        cmocka_unit_test(
            domain_columns_keep_politeness_and_drop_latency_when_narrow),
        cmocka_unit_test(text_width_counts_columns),
        cmocka_unit_test(shorten_keeps_short_text),
        cmocka_unit_test(shorten_cuts_the_middle),
        cmocka_unit_test(shorten_never_cuts_inside_a_character),
        cmocka_unit_test(clean_removes_control_characters),
        cmocka_unit_test(sparkline_scales_to_the_maximum),
        cmocka_unit_test(formats_fit_their_columns),
        cmocka_unit_test(wait_counts_down_in_five_columns),
        cmocka_unit_test(host_held_only_beyond_its_delay),
        T(draw_80x24_shows_everything),
        T(draw_survives_any_size),
#undef T
    };

    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        setlocale(LC_ALL, "C.utf8");
    return cmocka_run_group_tests(tests, NULL, screen_close);
}
