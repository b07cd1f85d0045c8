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
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
