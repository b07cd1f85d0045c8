/* SPDX-License-Identifier: MIT */
/*
 * test_queue.c - the bounded blocking FIFO: order, bounds, time-outs,
 * close, and many producers and consumers at once.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "queue.h"
#include "util.h"

#define ITEM(n) ((void *)(uintptr_t)(n))
#define NUM(p) ((uintptr_t)(p))

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0)
        ;
}

static void
queue_pops_in_fifo_order(void **state)
{
    struct queue *q = queue_new(8);
    uintptr_t i;

    (void)state;
    assert_int_equal(queue_len(q), 0);
    for (i = 1; i <= 5; i++)
        assert_true(queue_push(q, ITEM(i)));
    assert_int_equal(queue_len(q), 5);
    for (i = 1; i <= 5; i++)
        assert_int_equal(NUM(queue_pop(q)), i);
    assert_int_equal(queue_len(q), 0);
    queue_free(q);
}

static void
queue_keeps_order_across_ring_wrap(void **state)
{
    struct queue *q = queue_new(3);
    uintptr_t next_in = 1, next_out = 1;
    int round;

    (void)state;
    /* keep two in the queue while pushing and popping, so head wraps */
    assert_true(queue_push(q, ITEM(next_in++)));
    assert_true(queue_push(q, ITEM(next_in++)));
    for (round = 0; round < 20; round++) {
        assert_true(queue_push(q, ITEM(next_in++)));
        assert_int_equal(NUM(queue_pop(q)), next_out++);
        assert_int_equal(queue_len(q), 2);
    }
    assert_int_equal(NUM(queue_pop(q)), next_out++);
    assert_int_equal(NUM(queue_pop(q)), next_out++);
    assert_int_equal(next_out, next_in);
    queue_free(q);
}

static void
queue_try_push_fails_when_full(void **state)
{
    struct queue *q = queue_new(2);

    (void)state;
    assert_true(queue_try_push(q, ITEM(1)));
    assert_true(queue_try_push(q, ITEM(2)));
    assert_false(queue_try_push(q, ITEM(3)));
    assert_int_equal(queue_len(q), 2);
    assert_int_equal(NUM(queue_pop(q)), 1);
    assert_true(queue_try_push(q, ITEM(4)));
    assert_int_equal(NUM(queue_pop(q)), 2);
    assert_int_equal(NUM(queue_pop(q)), 4); /* 3 was never queued */
    queue_free(q);
}

static void
queue_new_with_zero_cap_holds_one(void **state)
{
    struct queue *q = queue_new(0);

    (void)state;
    assert_true(queue_try_push(q, ITEM(1)));
    assert_false(queue_try_push(q, ITEM(2)));
    assert_int_equal(NUM(queue_pop(q)), 1);
    queue_free(q);
}

static void
queue_pop_timed_times_out_on_empty(void **state)
{
    struct queue *q = queue_new(4);
    int64_t t0, el;

    (void)state;
    t0 = now_ms();
    assert_null(queue_pop_timed(q, 20));
    el = now_ms() - t0;
    /* now_ms truncates to the millisecond, so 20 ms may read as 19 */
    assert_true(el >= 19);
    assert_true(el < 1000);
    queue_free(q);
}

static void
queue_pop_timed_zero_does_not_wait(void **state)
{
    struct queue *q = queue_new(4);
    int64_t t0;

    (void)state;
    t0 = now_ms();
    assert_null(queue_pop_timed(q, 0));
    assert_null(queue_pop_timed(q, -5));
    assert_true(now_ms() - t0 < 1000); /* no 20 ms wait, let alone forever */
    assert_true(queue_push(q, ITEM(7)));
    assert_int_equal(NUM(queue_pop_timed(q, 0)), 7);
    queue_free(q);
}

struct pusher {
    struct queue *q;
    long delay_ms;
    uintptr_t item;
    atomic_bool done;
    bool ok;
};

static void *
push_thread(void *arg)
{
    struct pusher *p = arg;

    if (p->delay_ms > 0)
        sleep_ms(p->delay_ms);
    p->ok = queue_push(p->q, ITEM(p->item));
    atomic_store(&p->done, true);
    return NULL;
}

static void
queue_pop_timed_returns_item_pushed_while_waiting(void **state)
{
    struct pusher p = {.delay_ms = 20, .item = 42};
    pthread_t th;
    int64_t t0, el;

    (void)state;
    p.q = queue_new(4);
    atomic_init(&p.done, false);
    assert_int_equal(pthread_create(&th, NULL, push_thread, &p), 0);
    t0 = now_ms();
    assert_int_equal(NUM(queue_pop_timed(p.q, 3000)), 42);
    el = now_ms() - t0;
    assert_true(el < 2000); /* woken by the push, not the time-out */
    pthread_join(th, NULL);
    assert_true(p.ok);
    queue_free(p.q);
}

struct popper {
    struct queue *q;
    int64_t timeout_ms; /* < 0: queue_pop */
    atomic_bool done;
    void *item;
};

static void *
pop_thread(void *arg)
{
    struct popper *p = arg;

    p->item = p->timeout_ms < 0 ? queue_pop(p->q)
                                : queue_pop_timed(p->q, p->timeout_ms);
    atomic_store(&p->done, true);
    return NULL;
}

static void
queue_close_wakes_a_blocked_popper(void **state)
{
    struct popper p = {.timeout_ms = -1, .item = ITEM(99)};
    pthread_t th;

    (void)state;
    p.q = queue_new(4);
    atomic_init(&p.done, false);
    assert_int_equal(pthread_create(&th, NULL, pop_thread, &p), 0);
    sleep_ms(30);
    assert_false(atomic_load(&p.done)); /* still blocked in queue_pop */
    queue_close(p.q);
    pthread_join(th, NULL);
    assert_true(atomic_load(&p.done));
    assert_null(p.item);
    queue_free(p.q);
}

static void
queue_close_wakes_a_timed_popper_early(void **state)
{
    struct popper p = {.timeout_ms = 5000, .item = ITEM(99)};
    pthread_t th;
    int64_t t0;

    (void)state;
    p.q = queue_new(4);
    atomic_init(&p.done, false);
    t0 = now_ms();
    assert_int_equal(pthread_create(&th, NULL, pop_thread, &p), 0);
    sleep_ms(20);
    queue_close(p.q);
    pthread_join(th, NULL);
    assert_null(p.item);
    assert_true(now_ms() - t0 < 2000);
    queue_free(p.q);
}

static void
queue_close_wakes_a_blocked_pusher(void **state)
{
    struct pusher p = {.item = 2, .ok = true};
    pthread_t th;

    (void)state;
    p.q = queue_new(1);
    atomic_init(&p.done, false);
    assert_true(queue_push(p.q, ITEM(1)));
    assert_int_equal(pthread_create(&th, NULL, push_thread, &p), 0);
    sleep_ms(30);
    assert_false(atomic_load(&p.done)); /* still blocked: queue full */
    queue_close(p.q);
    pthread_join(th, NULL);
    assert_false(p.ok); /* the pusher keeps its item */
    assert_int_equal(queue_len(p.q), 1);
    assert_int_equal(NUM(queue_pop(p.q)), 1);
    queue_free(p.q);
}

static void
queue_blocked_pusher_proceeds_after_a_pop(void **state)
{
    struct pusher p = {.item = 2};
    pthread_t th;

    (void)state;
    p.q = queue_new(1);
    atomic_init(&p.done, false);
    assert_true(queue_push(p.q, ITEM(1)));
    assert_int_equal(pthread_create(&th, NULL, push_thread, &p), 0);
    sleep_ms(20);
    assert_false(atomic_load(&p.done));
    assert_int_equal(NUM(queue_pop(p.q)), 1);
    pthread_join(th, NULL);
    assert_true(p.ok);
    assert_int_equal(NUM(queue_pop(p.q)), 2);
    queue_free(p.q);
}

static void
queue_push_fails_after_close(void **state)
{
    struct queue *q = queue_new(4);

    (void)state;
    assert_false(queue_is_closed(q));
    queue_close(q);
    assert_true(queue_is_closed(q));
    assert_false(queue_push(q, ITEM(1)));
    assert_false(queue_try_push(q, ITEM(1)));
    assert_int_equal(queue_len(q), 0);
    queue_free(q);
}

static void
queue_pop_drains_after_close(void **state)
{
    struct queue *q = queue_new(4);
    int64_t t0;

    (void)state;
    assert_true(queue_push(q, ITEM(1)));
    assert_true(queue_push(q, ITEM(2)));
    assert_true(queue_push(q, ITEM(3)));
    queue_close(q);
    assert_int_equal(NUM(queue_pop(q)), 1);
    assert_int_equal(NUM(queue_pop_timed(q, 1000)), 2);
    assert_int_equal(NUM(queue_pop(q)), 3);
    assert_null(queue_pop(q));
    t0 = now_ms();
    assert_null(queue_pop_timed(q, 3000)); /* closed and empty: no wait */
    assert_true(now_ms() - t0 < 1000);
    queue_free(q);
}

/* --- many producers and consumers --------------------------------------- */

#define PRODUCERS 4
#define CONSUMERS 4
#define PER_PRODUCER 10000

struct stress {
    struct queue *q;
    atomic_int count[PRODUCERS * PER_PRODUCER];
    atomic_int order_errors;
};

struct producer {
    struct stress *s;
    uintptr_t id;
    int failed;
};

static void *
producer_thread(void *arg)
{
    struct producer *p = arg;
    uintptr_t i;

    for (i = 0; i < PER_PRODUCER; i++) {
        /* 1-based so no item is NULL */
        uintptr_t item = p->id * PER_PRODUCER + i + 1;
        bool ok = (i % 3 == 0) ? queue_try_push(p->s->q, ITEM(item)) : false;

        if (!ok && !queue_push(p->s->q, ITEM(item)))
            p->failed++;
    }
    return NULL;
}

static void *
consumer_thread(void *arg)
{
    struct stress *s = arg;
    long last[PRODUCERS];
    unsigned k = 0;
    void *item;
    int i;

    for (i = 0; i < PRODUCERS; i++)
        last[i] = -1;
    for (;;) {
        item = (k++ & 1) ? queue_pop(s->q) : queue_pop_timed(s->q, 5);
        if (item == NULL) {
            if (queue_is_closed(s->q) && queue_len(s->q) == 0)
                break;
            continue;
        }
        {
            long n = (long)NUM(item) - 1;
            int prod = (int)(n / PER_PRODUCER);
            long seq = n % PER_PRODUCER;

            atomic_fetch_add(&s->count[n], 1);
            /* FIFO: one producer's items reach any one consumer in order */
            if (seq <= last[prod])
                atomic_fetch_add(&s->order_errors, 1);
            last[prod] = seq;
        }
    }
    return NULL;
}

static void
queue_delivers_every_item_exactly_once_under_contention(void **state)
{
    struct stress *s = calloc(1, sizeof(*s));
    struct producer prod[PRODUCERS];
    pthread_t pt[PRODUCERS], ct[CONSUMERS];
    int i;

    (void)state;
    assert_non_null(s);
    s->q = queue_new(64);
    for (i = 0; i < PRODUCERS * PER_PRODUCER; i++)
        atomic_init(&s->count[i], 0);
    atomic_init(&s->order_errors, 0);
    for (i = 0; i < CONSUMERS; i++)
        assert_int_equal(pthread_create(&ct[i], NULL, consumer_thread, s), 0);
    for (i = 0; i < PRODUCERS; i++) {
        prod[i].s = s;
        prod[i].id = (uintptr_t)i;
        prod[i].failed = 0;
        assert_int_equal(
            pthread_create(&pt[i], NULL, producer_thread, &prod[i]), 0);
    }
    for (i = 0; i < PRODUCERS; i++) {
        pthread_join(pt[i], NULL);
        assert_int_equal(prod[i].failed, 0);
    }
    queue_close(s->q);
    for (i = 0; i < CONSUMERS; i++)
        pthread_join(ct[i], NULL);
    for (i = 0; i < PRODUCERS * PER_PRODUCER; i++)
        if (atomic_load(&s->count[i]) != 1)
            fail_msg("item %d delivered %d times", i + 1,
                     atomic_load(&s->count[i]));
    assert_int_equal(atomic_load(&s->order_errors), 0);
    assert_int_equal(queue_len(s->q), 0);
    queue_free(s->q);
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queue_pops_in_fifo_order),
        cmocka_unit_test(queue_keeps_order_across_ring_wrap),
        cmocka_unit_test(queue_try_push_fails_when_full),
        cmocka_unit_test(queue_new_with_zero_cap_holds_one),
        cmocka_unit_test(queue_pop_timed_times_out_on_empty),
        cmocka_unit_test(queue_pop_timed_zero_does_not_wait),
        cmocka_unit_test(queue_pop_timed_returns_item_pushed_while_waiting),
        cmocka_unit_test(queue_close_wakes_a_blocked_popper),
        cmocka_unit_test(queue_close_wakes_a_timed_popper_early),
        cmocka_unit_test(queue_close_wakes_a_blocked_pusher),
        cmocka_unit_test(queue_blocked_pusher_proceeds_after_a_pop),
        cmocka_unit_test(queue_push_fails_after_close),
        cmocka_unit_test(queue_pop_drains_after_close),
        cmocka_unit_test(
            queue_delivers_every_item_exactly_once_under_contention),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
