/* SPDX-License-Identifier: MIT */
/*
 * seen.h - the seen-set: for the 63-bit hash of a URL, is it known, and
 * under which url id (the rowid of its row in the crawl database)?
 *
 * Exact, in bounded memory, at any number of URLs. A Bloom filter (at
 * most o.bloom_bytes) and a direct-mapped cache of recent hashes answer
 * nearly every question without a disk read; the full set lives in sorted
 * run files beside the database (path + "-seen.N", listed in the manifest
 * path + "-seen") that a merge thread writes and merges sequentially, so
 * the crawl never pays for random inserts into a large B-tree. Hashes not
 * written yet wait in memory (a batch being written, and up to
 * o.max_pending more).
 *
 * The files hold nothing of their own: they are derived from the url
 * table, the manifest records which url id they hold up to (and that
 * row's hash, to recognise its database), and seen_open() rebuilds them
 * when they are missing, damaged, ahead of the database (a power cut lost
 * the last commits) or belong to another file.
 *
 * Thread: the engine thread calls everything; seen.c runs its own merge
 * thread, which touches only the run files, the manifest and the batch
 * handed to it.
 */
#ifndef CRAWLTOP_SEEN_H
#define CRAWLTOP_SEEN_H

#include <stddef.h>
#include <stdint.h>

struct seen;
struct store;

struct seen_opts {
    size_t bloom_bytes;  /* largest Bloom filter, a power of two */
    size_t cache_slots;  /* most direct-mapped cache entries, ditto */
    size_t min_batch;    /* hand hashes to the merge thread from this many */
    size_t max_pending;  /* wait for the merge thread beyond this many */
};

/* The defaults: a Bloom filter growing to 32 MiB (24 bits a hash up to
 * eleven million URLs; past that more false positives, so more disk reads,
 * never a wrong answer), a cache growing to 512 Ki entries, batches of
 * 256 Ki hashes, and at most 1 Mi waiting while one is written. */
void seen_opts_default(struct seen_opts *o);

/* Open the seen-set of the database at db_path (which exists and has the
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
