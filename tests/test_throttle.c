/* SPDX-License-Identifier: MIT */
/*
 * test_throttle.c - politeness arithmetic with injected time: in-flight
 * limits, the delay between starts, its randomisation, overrides, pause.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "throttle.h"

static void
throttle_new_host_is_ready_at_once(void **state)
{
    struct throttle t;
    struct throttle_host h;

    (void)state;
    throttle_init(&t, 500, 2, false, 1);
    throttle_host_init(&h);
    assert_int_equal(h.in_flight, 0);
    assert_int_equal(h.delay_ms, -1);
    assert_int_equal(h.limit, -1);
    assert_false(h.paused);
    assert_true(throttle_ready_at(&t, &h) <= 0);
    assert_true(throttle_ready(&t, &h, 0));
    assert_true(throttle_ready(&t, &h, 123456));
}

static void
throttle_init_keeps_settings_and_floors_limit_at_one(void **state)
{
    struct throttle t;

    (void)state;
    throttle_init(&t, 250, 3, true, 7);
    assert_int_equal(t.delay_ms, 250);
    assert_int_equal(t.per_host, 3);
    assert_true(t.randomize);
    throttle_init(&t, 0, 0, false, 0);
    assert_int_equal(t.per_host, 1);
    assert_int_not_equal(t.rng, 0); /* xorshift must not start at 0 */
}

static void
throttle_limits_requests_in_flight_per_host(void **state)
{
    struct throttle t;
    struct throttle_host h;

    (void)state;
    throttle_init(&t, 0, 3, false, 1);
    throttle_host_init(&h);
    throttle_started(&t, &h, 1000);
    throttle_started(&t, &h, 1000);
    assert_int_equal(h.in_flight, 2);
    assert_true(throttle_ready(&t, &h, 1000));
    throttle_started(&t, &h, 1000);
    assert_int_equal(h.in_flight, 3);
    assert_false(throttle_ready(&t, &h, 1000));
    assert_false(throttle_ready(&t, &h, INT64_MAX - 1));
    assert_true(throttle_ready_at(&t, &h) == INT64_MAX);
}

static void
throttle_finished_frees_a_slot(void **state)
{
    struct throttle t;
    struct throttle_host h;

    (void)state;
    throttle_init(&t, 0, 1, false, 1);
    throttle_host_init(&h);
    throttle_started(&t, &h, 10);
    assert_false(throttle_ready(&t, &h, 10));
    throttle_finished(&h);
    assert_int_equal(h.in_flight, 0);
    assert_true(throttle_ready(&t, &h, 10));
    /* an extra finish never wraps the counter */
    throttle_finished(&h);
    assert_int_equal(h.in_flight, 0);
    assert_true(throttle_ready(&t, &h, 10));
}

static void
throttle_waits_delay_between_starts(void **state)
{
    struct throttle t;
    struct throttle_host h;

    (void)state;
    throttle_init(&t, 500, 8, false, 1);
    throttle_host_init(&h);
    throttle_started(&t, &h, 1000);
    assert_true(throttle_ready_at(&t, &h) == 1500);
    assert_false(throttle_ready(&t, &h, 1499));
    assert_true(throttle_ready(&t, &h, 1500));
    /* the gap runs from the start, not from the end of the request */
    throttle_finished(&h);
    assert_false(throttle_ready(&t, &h, 1499));
    throttle_started(&t, &h, 1700);
    assert_true(throttle_ready_at(&t, &h) == 2200);
}

static void
throttle_without_randomisation_uses_exact_delay(void **state)
{
    struct throttle t;
    struct throttle_host h;
    int64_t now = 0;
    int i;

    (void)state;
    throttle_init(&t, 300, 1000, false, 42);
    throttle_host_init(&h);
    for (i = 0; i < 1000; i++) {
        throttle_started(&t, &h, now);
        assert_true(h.next_ok_ms - now == 300);
        now = h.next_ok_ms;
    }
}

static void
throttle_randomised_delay_stays_within_half_and_one_and_a_half(void **state)
{
    struct throttle t;
    struct throttle_host h;
    int64_t gap, lo = INT64_MAX, hi = 0, sum = 0;
    int i, below = 0, above = 0;
    const int n = 10000;

    (void)state;
    throttle_init(&t, 1000, 1000000, true, 12345);
    throttle_host_init(&h);
    for (i = 0; i < n; i++) {
        throttle_started(&t, &h, 5000);
        gap = h.next_ok_ms - 5000;
        assert_true(gap >= 500 && gap <= 1500);
        if (gap < lo)
            lo = gap;
        if (gap > hi)
            hi = gap;
        if (gap < 1000)
            below++;
        else if (gap > 1000)
            above++;
        sum += gap;
    }
    /* both halves hit, the whole range nearly covered, mean near 1000 */
    assert_true(below > n / 3);
    assert_true(above > n / 3);
    assert_true(lo < 520);
    assert_true(hi > 1480);
    assert_true(sum / n > 950 && sum / n < 1050);
}

static void
throttle_randomised_odd_delay_stays_within_bounds(void **state)
{
    struct throttle t;
    struct throttle_host h;
    int64_t gap;
    int i;

    (void)state;
    /* 0.5 x 3 = 1.5 and 1.5 x 3 = 4.5: whole ms in [1, 5] at worst */
    throttle_init(&t, 3, 1000000, true, 99);
    throttle_host_init(&h);
    for (i = 0; i < 2000; i++) {
        throttle_started(&t, &h, 0);
        gap = h.next_ok_ms;
        assert_true(gap >= 1 && gap <= 5);
    }
}

static void
throttle_randomisation_of_zero_delay_is_zero(void **state)
{
    struct throttle t;
    struct throttle_host h;
    int i;

    (void)state;
    throttle_init(&t, 0, 1000000, true, 5);
    throttle_host_init(&h);
    for (i = 0; i < 100; i++) {
        throttle_started(&t, &h, 77);
        assert_true(h.next_ok_ms == 77);
    }
}

static void
throttle_same_seed_gives_same_delays(void **state)
{
    struct throttle a, b;
    struct throttle_host ha, hb;
    int i, differ = 0;

    (void)state;
    throttle_init(&a, 1000, 1000000, true, 777);
    throttle_init(&b, 1000, 1000000, true, 777);
    throttle_host_init(&ha);
    throttle_host_init(&hb);
    for (i = 0; i < 100; i++) {
        throttle_started(&a, &ha, 0);
        throttle_started(&b, &hb, 0);
        assert_true(ha.next_ok_ms == hb.next_ok_ms);
    }
    /* and a different seed gives a different sequence */
    throttle_init(&b, 1000, 1000000, true, 778);
    for (i = 0; i < 100; i++) {
        throttle_started(&a, &ha, 0);
        throttle_started(&b, &hb, 0);
        differ += ha.next_ok_ms != hb.next_ok_ms;
    }
    assert_true(differ > 50);
}

static void
throttle_host_overrides_replace_global_values(void **state)
{
    struct throttle t;
    struct throttle_host h;

    (void)state;
    throttle_init(&t, 500, 4, false, 1);
    throttle_host_init(&h);
    assert_int_equal(throttle_delay(&t, &h), 500);
    assert_int_equal(throttle_limit(&t, &h), 4);
    h.delay_ms = 2000;
    h.limit = 1;
    assert_int_equal(throttle_delay(&t, &h), 2000);
    assert_int_equal(throttle_limit(&t, &h), 1);
    throttle_started(&t, &h, 0);
    assert_true(h.next_ok_ms == 2000);
    assert_true(throttle_ready_at(&t, &h) == INT64_MAX); /* at limit 1 */
    /* an override of 0 ms delay is a real override, not "global" */
    h.delay_ms = 0;
    assert_int_equal(throttle_delay(&t, &h), 0);
    /* back to the global values with -1 */
    h.delay_ms = -1;
    h.limit = -1;
    assert_int_equal(throttle_delay(&t, &h), 500);
    assert_int_equal(throttle_limit(&t, &h), 4);
    assert_true(throttle_ready(&t, &h, 2000)); /* 1 of 4 in flight */
}

static void
throttle_global_change_applies_to_hosts_without_override(void **state)
{
    struct throttle t;
    struct throttle_host h;

    (void)state;
    throttle_init(&t, 100, 1, false, 1);
    throttle_host_init(&h);
    throttle_started(&t, &h, 0);
    assert_false(throttle_ready(&t, &h, 100)); /* at its limit */
    t.per_host = 2; /* a limit change applies at once */
    assert_true(throttle_ready(&t, &h, 100));
    t.delay_ms = 1000; /* a delay change applies from the next start */
    assert_true(throttle_ready_at(&t, &h) == 100);
    throttle_started(&t, &h, 100);
    throttle_finished(&h);
    assert_true(throttle_ready_at(&t, &h) == 1100);
}

static void
throttle_paused_host_is_never_ready(void **state)
{
    struct throttle t;
    struct throttle_host h;

    (void)state;
    throttle_init(&t, 0, 8, false, 1);
    throttle_host_init(&h);
    h.paused = true;
    assert_true(throttle_ready_at(&t, &h) == INT64_MAX);
    assert_false(throttle_ready(&t, &h, 0));
    assert_false(throttle_ready(&t, &h, INT64_MAX - 1));
    h.paused = false;
    assert_true(throttle_ready(&t, &h, 0));
}

static void
auto_setup(struct throttle *t, struct throttle_host *h)
{
    throttle_init(t, 0, 8, false, 1);
    throttle_set_auto(t, 1.0, 1000, 60000);
    throttle_host_init(h);
    h->auto_ms = 1000;
}

static void
throttle_observe_does_nothing_when_autothrottle_is_off(void **state)
{
    struct throttle t;
    struct throttle_host h;

    (void)state;
    throttle_init(&t, 100, 8, false, 1);
    throttle_host_init(&h);
    throttle_observe(&t, &h, 5000, 200, 0);
    throttle_observe(&t, &h, 5000, 429, 0);
    assert_int_equal(h.auto_ms, 0);
    assert_int_equal(throttle_delay(&t, &h), 100);
}

static void
throttle_auto_delay_moves_halfway_to_latency_over_target(void **state)
{
    struct throttle t;
    struct throttle_host h;

    (void)state;
    auto_setup(&t, &h);
    throttle_observe(&t, &h, 3000, 200, 0); /* target 3000: up to 2000 */
    assert_int_equal(h.auto_ms, 3000);      /* never below the target */
    t.at_target = 2.0;
    throttle_observe(&t, &h, 1000, 200, 100000); /* target 500 */
    assert_int_equal(h.auto_ms, 2940);           /* at most -2 % a step */
    assert_int_equal(throttle_delay(&t, &h), 2940);
}

static void
throttle_auto_delay_stays_within_configured_and_maximum(void **state)
{
    struct throttle t;
    struct throttle_host h;
    int i;

    (void)state;
    auto_setup(&t, &h);
    t.delay_ms = 400; /* the configured delay is the floor */
    for (i = 0; i < 100; i++)
        throttle_observe(&t, &h, 1, 200, 100000 + i);
    assert_int_equal(h.auto_ms, 400);
    for (i = 0; i < 100; i++)
        throttle_observe(&t, &h, 10000000, 200, 200000 + i);
    assert_int_equal(h.auto_ms, 60000);
    for (i = 0; i < 10; i++)
        throttle_observe(&t, &h, 1, 429, 300000 + i);
    assert_int_equal(h.auto_ms, 60000);
}

static void
throttle_auto_429_and_503_double_the_delay_at_once(void **state)
{
    struct throttle t;
    struct throttle_host h;

    (void)state;
    auto_setup(&t, &h);
    h.auto_ms = 300;
    throttle_observe(&t, &h, 5, 429, 0);
    assert_int_equal(h.auto_ms, 1000); /* at least the start delay */
    /* answers to requests sent before it count once per cool-down */
    throttle_observe(&t, &h, 5, 429, 900);
    assert_int_equal(h.auto_ms, 1000);
    throttle_observe(&t, &h, 5, 503, 5000);
    assert_int_equal(h.auto_ms, 2000);
    throttle_observe(&t, &h, 5, 429, 10000);
    assert_int_equal(h.auto_ms, 4000);
}

static void
throttle_auto_error_responses_never_lower_the_delay(void **state)
{
    struct throttle t;
    struct throttle_host h;

    (void)state;
    auto_setup(&t, &h);
    throttle_observe(&t, &h, 1, 404, 100000);
    throttle_observe(&t, &h, 1, 500, 100001);
    throttle_observe(&t, &h, -1, 0, 100002); /* no response at all */
    assert_int_equal(h.auto_ms, 1000);
    throttle_observe(&t, &h, 4000, 500, 100003); /* but may raise it */
    assert_int_equal(h.auto_ms, 4000);
}

static void
throttle_auto_recovers_gradually_after_a_429(void **state)
{
    struct throttle t;
    struct throttle_host h;
    int64_t now = 0;
    unsigned prev;
    int i;

    (void)state;
    auto_setup(&t, &h);
    throttle_observe(&t, &h, 10, 429, now); /* 2000 ms */
    prev = h.auto_ms;
    /* fast answers right after the 429 do not speed the host up */
    for (i = 0; i < 4; i++) {
        now += prev / 2;
        throttle_observe(&t, &h, 10, 200, now);
        assert_int_equal(h.auto_ms, prev);
    }
    now = 5000; /* cooled down */
    for (i = 0; i < 20; i++) {
        throttle_observe(&t, &h, 10, 200, now);
        assert_true(h.auto_ms < prev);
        assert_true(h.auto_ms >= prev * 98 / 100);
        prev = h.auto_ms;
        now += prev;
    }
}

/* A server allowing 20 requests a second: the delay settles near 50 ms,
 * with few 429s and no wild swings. */
static void
throttle_auto_settles_under_a_rate_limit_without_oscillating(void **state)
{
    struct throttle t;
    struct throttle_host h;
    int64_t now = 0, sec = -1;
    unsigned in_sec = 0, lo = UINT32_MAX, hi = 0, n429 = 0;
    int i;

    (void)state;
    throttle_init(&t, 0, 8, false, 1);
    throttle_set_auto(&t, 1.0, 10, 60000);
    throttle_host_init(&h);
    h.auto_ms = 10;
    for (i = 0; i < 4000; i++) {
        int status;

        if (now / 1000 != sec) {
            sec = now / 1000;
            in_sec = 0;
        }
        status = ++in_sec > 20 ? 429 : 200;
        throttle_observe(&t, &h, 20, status, now);
        if (i >= 2000) {
            n429 += status == 429;
            lo = h.auto_ms < lo ? h.auto_ms : lo;
            hi = h.auto_ms > hi ? h.auto_ms : hi;
        }
        now += h.auto_ms;
    }
    assert_true(n429 * 100 < 2000 * 2); /* under 2 % */
    assert_true(lo >= 40);
    assert_true(hi <= 150);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(throttle_new_host_is_ready_at_once),
        cmocka_unit_test(throttle_init_keeps_settings_and_floors_limit_at_one),
        cmocka_unit_test(throttle_limits_requests_in_flight_per_host),
        cmocka_unit_test(throttle_finished_frees_a_slot),
        cmocka_unit_test(throttle_waits_delay_between_starts),
        cmocka_unit_test(throttle_without_randomisation_uses_exact_delay),
        cmocka_unit_test(
            throttle_randomised_delay_stays_within_half_and_one_and_a_half),
        cmocka_unit_test(throttle_randomised_odd_delay_stays_within_bounds),
        cmocka_unit_test(throttle_randomisation_of_zero_delay_is_zero),
        cmocka_unit_test(throttle_same_seed_gives_same_delays),
        cmocka_unit_test(throttle_host_overrides_replace_global_values),
        cmocka_unit_test(
            throttle_global_change_applies_to_hosts_without_override),
        cmocka_unit_test(throttle_paused_host_is_never_ready),
        cmocka_unit_test(throttle_observe_does_nothing_when_autothrottle_is_off),
        cmocka_unit_test(
            throttle_auto_delay_moves_halfway_to_latency_over_target),
        cmocka_unit_test(
            throttle_auto_delay_stays_within_configured_and_maximum),
        cmocka_unit_test(throttle_auto_429_and_503_double_the_delay_at_once),
        cmocka_unit_test(throttle_auto_error_responses_never_lower_the_delay),
        cmocka_unit_test(throttle_auto_recovers_gradually_after_a_429),
        cmocka_unit_test(
            throttle_auto_settles_under_a_rate_limit_without_oscillating),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
