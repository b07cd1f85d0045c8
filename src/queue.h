/* SPDX-License-Identifier: MIT */
/*
 * queue.h - bounded blocking FIFO of pointers (mutex + condition
 * variables): where the engine and the fetch workers meet.
 *
 * Thread-safe. The queue never owns its items: whoever pops one owns it.
 */
#ifndef CRAWLTOP_QUEUE_H
#define CRAWLTOP_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct queue;

/* A queue holding at most cap items (cap >= 1). */
struct queue *queue_new(size_t cap);
/* Frees the queue, not the items; the queue must have no waiters. */
void queue_free(struct queue *q);

/* Append item, waiting while the queue is full. False if the queue is (or
 * becomes) closed; the caller keeps item then. */
bool queue_push(struct queue *q, void *item);
/* Append without waiting. False if full or closed. */
bool queue_try_push(struct queue *q, void *item);

/* Take the oldest item, waiting while the queue is empty. NULL once the
 * queue is closed and drained. */
void *queue_pop(struct queue *q);
/* As queue_pop, but wait at most timeout_ms (0: do not wait). NULL on
 * time-out, or when closed and drained. */
void *queue_pop_timed(struct queue *q, int64_t timeout_ms);

/* Wake every waiter; later pushes fail, pops drain what is left. */
void queue_close(struct queue *q);
bool queue_is_closed(struct queue *q);
size_t queue_len(struct queue *q);

#endif
