/* SPDX-License-Identifier: MIT */
/*
 * queue.c - bounded blocking FIFO; a ring buffer under one mutex.
 *
 * DESIGN: every wait is in a loop (a wakeup is a hint), timed waits use
 * CLOCK_MONOTONIC so a wall-clock jump never stretches them, and close()
 * broadcasts both conditions so no thread sleeps through shutdown.
 */
#include "queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

struct queue {
    pthread_mutex_t lock;
    pthread_cond_t not_empty; /* signalled after a push or close */
    pthread_cond_t not_full;  /* signalled after a pop or close */
    void **items;             /* guarded by lock */
    size_t cap;               /* constant */
    size_t head, len;         /* guarded by lock */
    bool closed;              /* guarded by lock */
};

struct queue *
queue_new(size_t cap)
{
    struct queue *q = xcalloc(1, sizeof(*q));
    pthread_condattr_t ca;

    q->cap = cap ? cap : 1;
    q->items = xcalloc(q->cap, sizeof(*q->items));
    pthread_mutex_init(&q->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->not_empty, &ca);
    pthread_cond_init(&q->not_full, &ca);
    pthread_condattr_destroy(&ca);
    return q;
}

void
queue_free(struct queue *q)
{
    if (q == NULL)
        return;
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
    pthread_mutex_destroy(&q->lock);
    free(q->items);
    free(q);
}

static void
put_locked(struct queue *q, void *item)
{
    q->items[(q->head + q->len) % q->cap] = item;
    q->len++;
    pthread_cond_signal(&q->not_empty);
}

static void *
take_locked(struct queue *q)
{
    void *item = q->items[q->head];

    q->head = (q->head + 1) % q->cap;
    q->len--;
    pthread_cond_signal(&q->not_full);
    return item;
}

bool
queue_push(struct queue *q, void *item)
{
    bool ok = false;

    pthread_mutex_lock(&q->lock);
    while (q->len == q->cap && !q->closed)
        pthread_cond_wait(&q->not_full, &q->lock);
    if (!q->closed) {
        put_locked(q, item);
        ok = true;
    }
    pthread_mutex_unlock(&q->lock);
    return ok;
}

bool
queue_try_push(struct queue *q, void *item)
{
    bool ok = false;

    pthread_mutex_lock(&q->lock);
    if (!q->closed && q->len < q->cap) {
        put_locked(q, item);
        ok = true;
    }
    pthread_mutex_unlock(&q->lock);
    return ok;
}

void *
queue_pop(struct queue *q)
{
    void *item = NULL;

    pthread_mutex_lock(&q->lock);
    while (q->len == 0 && !q->closed)
        pthread_cond_wait(&q->not_empty, &q->lock);
    if (q->len > 0)
        item = take_locked(q);
    pthread_mutex_unlock(&q->lock);
    return item;
}

void *
queue_pop_timed(struct queue *q, int64_t timeout_ms)
{
    struct timespec deadline;
    void *item = NULL;

    if (timeout_ms < 0)
        timeout_ms = 0;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&q->lock);
    while (q->len == 0 && !q->closed && timeout_ms > 0) {
        if (pthread_cond_timedwait(&q->not_empty, &q->lock, &deadline) ==
            ETIMEDOUT)
            break;
    }
    if (q->len > 0)
        item = take_locked(q);
    pthread_mutex_unlock(&q->lock);
    return item;
}

void
queue_close(struct queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->lock);
}

bool
queue_is_closed(struct queue *q)
{
    bool closed;

    pthread_mutex_lock(&q->lock);
    closed = q->closed;
    pthread_mutex_unlock(&q->lock);
    return closed;
}

size_t
queue_len(struct queue *q)
{
    size_t len;

    pthread_mutex_lock(&q->lock);
    len = q->len;
    pthread_mutex_unlock(&q->lock);
    return len;
}
