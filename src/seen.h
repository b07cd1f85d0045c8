/* SPDX-License-Identifier: MIT */
/*
 * seen.h - the seen-set: for the 63-bit hash of a URL, is it known, and
 * under which url id (the rowid of its row in the crawl database)?
 *
 * Exact, in bounded memory, at any number of URLs. A fixed-size Bloom
 * filter and a direct-mapped cache of recent hashes answer nearly every
 * question without a disk read; the full set lives in an index file beside
 * the database (path + "-seen", a SQLite table keyed by hash) that a merge
 * thread extends in sorted batches, so the crawl never pays for random
 * inserts into a large B-tree. Hashes not merged yet wait in memory (at
 * most 2 x SEEN_MAX_PENDING of them).
 *
 * The index file holds nothing of its own: it is derived from the url
 * table, records which url id it has merged up to (and that row's hash, to
 * recognise its database), and is rebuilt by seen_open() when it is
 * missing, damaged, ahead of the database (a power cut lost the last
 * commits) or belongs to another file.
 *
 * Thread: the engine thread calls everything; seen.c runs its own merge
 * thread, which touches only the index file and the batch handed to it.
 */
#ifndef CRAWLTOP_SEEN_H
#define CRAWLTOP_SEEN_H

#include <stddef.h>
#include <stdint.h>

struct seen;
struct store;

struct seen_opts {
    size_t bloom_bytes;  /* Bloom filter size, a power of two */
    size_t cache_slots;  /* direct-mapped cache entries, a power of two */
    size_t min_batch;    /* hand hashes to the merge thread from this many */
    size_t max_pending;  /* wait for the merge thread beyond this many */
};

/* The defaults: 16 MiB of Bloom filter (0.3 % false positives at ten
 * million URLs, then slowly more disk reads, never a wrong answer), 512 Ki
 * cache entries, batches of an eighth of the index, 64 Ki to 768 Ki
 * hashes, and at most 1 Mi waiting while one is merged. */
void seen_opts_default(struct seen_opts *o);

/* Open the index of the database at db_path (which exists and has the
 * url table), bring it up to date with every url row and fill the
 * filter. -1 with a one-line message in *cause (caller frees). */
int seen_open(struct seen **out, const char *db_path, struct store *store,
              const struct seen_opts *o, char **cause);

/* Start loading what seen_find(hash) reads first (a few finds ahead). */
void seen_prefetch(const struct seen *s, int64_t hash);

/* 1 and *id if hash is known, 0 if not, -1 on a read error. */
int seen_find(struct seen *s, int64_t hash, int64_t *id);

/* Remember a new URL: its url row (id) was just written, in the open
 * transaction of the database. */
void seen_add(struct seen *s, int64_t hash, int64_t id);

/* The database has committed every row added so far: hand them to the
 * merge thread when enough wait (waiting for it when too many do).
 * -1 if the merge thread failed (seen_errmsg()). */
int seen_committed(struct seen *s);

/* Message of the last failure. */
const char *seen_errmsg(struct seen *s);

/* Hashes waiting in memory, and merged into the index file. */
size_t seen_pending(struct seen *s);
int64_t seen_merged(struct seen *s);

/* Stop the merge thread and close. With merge_rest, the hashes still
 * pending are merged first (everything added must be committed); without,
 * the next seen_open() merges them from the database. NULL does nothing. */
void seen_free(struct seen *s, int merge_rest);

#endif
