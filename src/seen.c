/* SPDX-License-Identifier: MIT */
/*
 * seen.c - the seen-set (see seen.h): Bloom filter, direct-mapped cache
 * and pending hashes in memory, the full set in an index file that a merge
 * thread extends in sorted batches.
 *
 * DESIGN: a crawl that discovers ten million URLs asks "known?" and adds a
 * hash about a hundred thousand times a second. A unique index in the
 * crawl database answered that with one random B-tree insert per new URL,
 * and past a few million URLs (a 200 MB index against a 48 MB page cache)
 * the engine thread spent its time writing the same index pages to the
 * WAL over and over: 1,400 pages/s at the start, 300 at ten million. Here
 * a new hash costs a few memory writes on the engine thread; the merge
 * thread inserts hundreds of thousands of them at a time in hash order,
 * touching each index page once per batch, on its own connection to its
 * own file, so it never waits for the crawl database's write lock nor
 * makes the engine wait for its own.
 *
 * Order of a lookup: cache (recent answers), Bloom filter (a miss means
 * new: no false negatives), the pending batches, then one indexed read of
 * the file. A hash leaves the pending batches only after the merge thread
 * has committed it, and a batch is handed over only after the crawl
 * database committed its rows, so the file never names a URL the
 * database lacks, and whatever the file lacks is in the database (the rows
 * with ids above the file's merged id), which seen_open() merges.
 */
#include "seen.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

#define SEEN_FORMAT 1      /* user_version of the index file */
#define SEEN_BLOOM_K 6     /* bits per hash */
#define SEEN_MAX_PENDING_DEFAULT (2048 * 1024)

struct slot {
    int64_t hash; /* 0: empty (url_hash() never returns 0) */
    int64_t id;
};

/* A batch of pending hashes. The ids of a batch are consecutive (the
 * engine numbers new URLs one by one), so it is an array of hashes by id
 * and an open-addressing table of positions in it: 12 to 16 bytes a URL. */
struct pgen {
    int64_t lo;       /* id of hash[0] */
    int64_t *hash;    /* hash[i]: the hash of url id lo + i */
    size_t n, n_cap;  /* entries, allocated */
    uint32_t *pos;    /* 1 + index into hash; 0: empty */
    size_t cap;       /* power of two, at least 4/3 of n */
    unsigned shift;   /* home slot = hash >> shift: the table is nearly in
                       * hash order, which the merge thread walks */
};

struct seen {
    struct seen_opts o;
    char *path; /* the index file */
    char *db_path;
    char *err;

    /* engine thread only */
    sqlite3 *rdb; /* read connection for lookups */
    sqlite3_stmt *probe;
    uint64_t *bloom;
    uint64_t bloom_mask; /* 64-byte blocks - 1 */
    struct slot *cache;
    unsigned cache_shift;
    struct pgen *active; /* being filled */
    struct pgen *handed; /* given to the merge thread, read-only */
    int64_t merged;      /* merged_id as of the last collect() */

    /* the merge thread's connection: used by the engine thread only
     * before the thread starts and after it ends */
    sqlite3 *wdb;
    sqlite3_stmt *ins, *upd;

    pthread_t tid;
    bool started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct pgen *job;  /* lock: batch to merge, NULL when idle */
    bool job_done;     /* lock: the last job is committed (or failed) */
    bool stop;         /* lock: the thread should end */
    char *merge_err;   /* lock: first failure of the merge thread */
    int64_t merged_id; /* lock: ids up to this are in the file */
};

void
seen_opts_default(struct seen_opts *o)
{
    o->bloom_bytes = (size_t)16 << 20;
    o->cache_slots = (size_t)1 << 19;
    o->min_batch = (size_t)64 << 10;
    o->max_pending = SEEN_MAX_PENDING_DEFAULT;
}

/* --- memory structures ---------------------------------------------------- */

/* Zeroed memory for the tables read at random (filter, cache, batch
 * positions): in huge pages where the system offers them, so a lookup
 * costs a cache miss and not a TLB miss too. Sizes are kept with them. */
static void *
table_alloc(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        fatal("out of memory (%zu bytes)", n);
#ifdef MADV_HUGEPAGE
    if (n >= ((size_t)2 << 20))
        madvise(p, n, MADV_HUGEPAGE);
#endif
    return p;
}

static void
table_free(void *p, size_t n)
{
    if (p != NULL)
        munmap(p, n);
}

static uint64_t
mix(int64_t hash)
{
    return (uint64_t)hash * 0x9e3779b97f4a7c15ULL;
}

static struct pgen *
pgen_new(size_t n_cap)
{
    struct pgen *g = xcalloc(1, sizeof(*g));

    g->n_cap = n_cap;
    g->hash = xmalloc(n_cap * sizeof(*g->hash));
    for (g->cap = 1024, g->shift = 63 - 10; g->cap * 3 < n_cap * 4;
         g->cap *= 2)
        g->shift--;
    g->pos = table_alloc(g->cap * sizeof(*g->pos));
    return g;
}

static void
pgen_free(struct pgen *g)
{
    if (g != NULL) {
        free(g->hash);
        table_free(g->pos, g->cap * sizeof(*g->pos));
        free(g);
    }
}

/* The top bits of the hash (url_hash() is a 63-bit MurmurHash3 finaliser
 * output, evenly spread): slots follow hash order. */
static size_t
pgen_home(const struct pgen *g, int64_t hash)
{
    return (size_t)((uint64_t)hash >> g->shift) & (g->cap - 1);
}

static bool
pgen_get(const struct pgen *g, int64_t hash, int64_t *id)
{
    size_t mask = g->cap - 1, i;

    for (i = pgen_home(g, hash); g->pos[i] != 0; i = (i + 1) & mask)
        if (g->hash[g->pos[i] - 1] == hash) {
            *id = g->lo + g->pos[i] - 1;
            return true;
        }
    return false;
}

static void
pgen_link(struct pgen *g, size_t k)
{
    size_t mask = g->cap - 1, i;

    for (i = pgen_home(g, g->hash[k]); g->pos[i] != 0; i = (i + 1) & mask)
        ;
    g->pos[i] = (uint32_t)(k + 1);
}

/* Add the next id (lo + n) of the batch. */
static void
pgen_put(struct pgen *g, int64_t hash, int64_t id)
{
    size_t k;

    if (g->n == 0)
        g->lo = id;
    if (g->n == g->n_cap) {
        g->n_cap *= 2;
        g->hash = xrealloc(g->hash, g->n_cap * sizeof(*g->hash));
    }
    g->hash[g->n++] = hash;
    if (g->n * 4 > g->cap * 3) { /* at most 3/4 full */
        table_free(g->pos, g->cap * sizeof(*g->pos));
        g->cap *= 2;
        g->shift--;
        g->pos = table_alloc(g->cap * sizeof(*g->pos));
        for (k = 0; k < g->n; k++)
            pgen_link(g, k);
    } else {
        pgen_link(g, g->n - 1);
    }
}

/* Blocked Bloom filter: the SEEN_BLOOM_K bits of a hash lie in one 64-byte
 * block, so a test or an insert costs one cache miss, not K. */
static uint64_t *
bloom_block(const struct seen *s, int64_t hash, uint64_t *bits)
{
    uint64_t x = (uint64_t)hash;

    *bits = (x >> 20 | x << 44) * 0x9e3779b97f4a7c15ULL;
    return &s->bloom[(x & s->bloom_mask) * 8];
}

static void
bloom_set(struct seen *s, int64_t hash)
{
    uint64_t bits, b;
    uint64_t *w = bloom_block(s, hash, &bits);
    int i;

    for (i = 0; i < SEEN_BLOOM_K; i++, bits >>= 9) {
        b = bits & 511;
        w[b >> 6] |= (uint64_t)1 << (b & 63);
    }
}

static bool
bloom_maybe(const struct seen *s, int64_t hash)
{
    uint64_t bits, b;
    const uint64_t *w = bloom_block(s, hash, &bits);
    int i;

    for (i = 0; i < SEEN_BLOOM_K; i++, bits >>= 9) {
        b = bits & 511;
        if ((w[b >> 6] & ((uint64_t)1 << (b & 63))) == 0)
            return false;
    }
    return true;
}

static struct slot *
cache_slot(struct seen *s, int64_t hash)
{
    return &s->cache[mix(hash) >> s->cache_shift];
}

/* --- the index file ---------------------------------------------------------- */

static void
set_err(struct seen *s, const char *what, sqlite3 *db)
{
    free(s->err);
    s->err = xasprintf("%s: %s: %s", s->path, what,
                       db ? sqlite3_errmsg(db) : "out of memory");
}

static int
exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static void
remove_files(const char *path)
{
    static const char *const sfx[] = {"", "-wal", "-shm"};
    size_t i;

    for (i = 0; i < 3; i++) {
        char *p = xasprintf("%s%s", path, sfx[i]);

        unlink(p);
        free(p);
    }
}

static const char index_sql[] =
    "CREATE TABLE IF NOT EXISTS seen ("
    "  hash INTEGER PRIMARY KEY,"
    "  id INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS state ("
    "  merged_id INTEGER NOT NULL,"
    "  merged_hash INTEGER NOT NULL);"
    "INSERT INTO state SELECT 0, 0 WHERE NOT EXISTS (SELECT 1 FROM state);";

static int
open_index(struct seen *s)
{
    sqlite3_stmt *st = NULL;
    int v = -1;

    if (sqlite3_open_v2(s->path, &s->wdb,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                            SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return -1;
    sqlite3_busy_timeout(s->wdb, 5000);
    if (sqlite3_prepare_v2(s->wdb, "PRAGMA user_version", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (v != 0 && v != SEEN_FORMAT)
        return -1;
    /* The file is derived data, rebuilt after a power cut if need be:
     * NORMAL keeps it consistent, and the batches are few and large. */
    if (exec(s->wdb, "PRAGMA journal_mode=WAL") != 0 ||
        exec(s->wdb, "PRAGMA synchronous=NORMAL") != 0 ||
        /* a sorted pass needs little more than the path to one leaf */
        exec(s->wdb, "PRAGMA cache_size=-4096") != 0 ||
        exec(s->wdb, "PRAGMA temp_store=FILE") != 0 ||
        exec(s->wdb, "PRAGMA wal_autocheckpoint=16384") != 0 ||
        exec(s->wdb, "BEGIN") != 0 || exec(s->wdb, index_sql) != 0 ||
        exec(s->wdb, "PRAGMA user_version=1") != 0 ||
        exec(s->wdb, "COMMIT") != 0)
        return -1;
    return 0;
}

/* Read the file's merged id and hash; 0 on success. */
static int
read_state(struct seen *s, int64_t *id, int64_t *hash)
{
    sqlite3_stmt *st;
    int rc = -1;

    if (sqlite3_prepare_v2(s->wdb,
                           "SELECT merged_id, merged_hash FROM state", -1,
                           &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *hash = sqlite3_column_int64(st, 1);
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Is the file's newest merged URL (id, hash) a row of the database
 * (attached as m)? 1: the file belongs to it and is not ahead of it;
 * 0: it does not; -1: error. */
static int
file_matches(struct seen *s, int64_t id, int64_t hash)
{
    sqlite3_stmt *st;
    int rc;

    if (id == 0)
        return 1;
    if (sqlite3_prepare_v2(s->wdb, "SELECT hash FROM m.url WHERE id = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = sqlite3_column_int64(st, 0) == hash;
    else
        rc = rc == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

/* Merge every url row of the database the file lacks, in hash order (the
 * sort spills to temporary files, so memory stays bounded), and record
 * the newest. */
static int
catch_up(struct seen *s, int64_t merged_id)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;

    if (exec(s->wdb, "BEGIN") != 0 ||
        sqlite3_prepare_v2(s->wdb,
                           "INSERT OR IGNORE INTO seen(hash, id)"
                           " SELECT hash, id FROM m.url WHERE id > ?1"
                           " ORDER BY hash",
                           -1, &st, NULL) != SQLITE_OK)
        goto done;
    sqlite3_bind_int64(st, 1, merged_id);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto done;
    if (exec(s->wdb,
             "UPDATE state SET (merged_id, merged_hash) ="
             " (SELECT id, hash FROM m.url ORDER BY id DESC LIMIT 1)"
             " WHERE EXISTS (SELECT 1 FROM m.url)") != 0 ||
        exec(s->wdb, "COMMIT") != 0)
        goto done;
    rc = 0;
done:
    sqlite3_finalize(st);
    if (rc != 0)
        sqlite3_exec(s->wdb, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Open the file, check it belongs to the database, bring it up to date.
 * 1: done; 0: the file is not usable, start afresh; -1: error. */
static int
sync_index(struct seen *s)
{
    sqlite3_stmt *st = NULL;
    int64_t id = 0, hash = 0;
    int ok;

    if (open_index(s) != 0 || read_state(s, &id, &hash) != 0)
        return 0;
    if (sqlite3_prepare_v2(s->wdb, "ATTACH ?1 AS m", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, s->db_path, -1, SQLITE_STATIC);
    ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok)
        return -1;
    ok = file_matches(s, id, hash);
    if (ok == 1 && catch_up(s, id) != 0)
        ok = -1;
    if (exec(s->wdb, "DETACH m") != 0)
        ok = -1;
    return ok;
}

static int
fill_bloom(struct seen *s)
{
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(s->wdb, "SELECT hash FROM seen", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        bloom_set(s, sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* --- the merge thread ---------------------------------------------------- */

/* Insert a batch in hash order, so each page of the index is read and
 * written once per batch, and record its newest id: one transaction. */
static int
merge_batch(struct seen *s, const struct pgen *g)
{
    size_t i, k, n = g->n;
    int rc = -1;

    /* the table's slots are in hash order but for the few entries of a
     * cluster that moved a slot or two on (or wrapped around): enough for
     * SQLite to find each one next to the last, with no sort and no copy */
    if (exec(s->wdb, "BEGIN") != 0)
        goto done;
    for (i = 0; i < g->cap; i++) {
        if (g->pos[i] == 0)
            continue;
        k = g->pos[i] - 1;
        sqlite3_bind_int64(s->ins, 1, g->hash[k]);
        sqlite3_bind_int64(s->ins, 2, g->lo + (int64_t)k);
        if (sqlite3_step(s->ins) != SQLITE_DONE) {
            sqlite3_reset(s->ins);
            goto done;
        }
        sqlite3_reset(s->ins);
    }
    sqlite3_bind_int64(s->upd, 1, g->lo + (int64_t)n - 1);
    sqlite3_bind_int64(s->upd, 2, g->hash[n - 1]);
    if (sqlite3_step(s->upd) != SQLITE_DONE) {
        sqlite3_reset(s->upd);
        goto done;
    }
    sqlite3_reset(s->upd);
    rc = exec(s->wdb, "COMMIT");
done:
    if (rc != 0)
        sqlite3_exec(s->wdb, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static void *
merge_main(void *arg)
{
    struct seen *s = arg;

    pthread_mutex_lock(&s->lock);
    for (;;) {
        struct pgen *g;
        char *err = NULL;

        while (s->job == NULL && !s->stop)
            pthread_cond_wait(&s->cond, &s->lock);
        if (s->job == NULL)
            break;
        g = s->job;
        pthread_mutex_unlock(&s->lock);
        if (merge_batch(s, g) != 0)
            err = xasprintf("%s: cannot write: %s", s->path,
                            sqlite3_errmsg(s->wdb));
        pthread_mutex_lock(&s->lock);
        s->job = NULL;
        s->job_done = true;
        if (err != NULL && s->merge_err == NULL)
            s->merge_err = err;
        else
            free(err);
        if (err == NULL)
            s->merged_id = g->lo + (int64_t)g->n - 1;
        pthread_cond_broadcast(&s->cond);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* --- the engine's side ---------------------------------------------------- */

int
seen_open(struct seen **out, const char *db_path, const struct seen_opts *o,
          char **cause)
{
    struct seen *s = xcalloc(1, sizeof(*s));
    int64_t hash;
    unsigned bits = 0;
    size_t blocks;
    int rc;

    *out = NULL;
    s->o = *o;
    s->db_path = xasprintf("%s", db_path);
    s->path = xasprintf("%s-seen", db_path);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    /* sizes: powers of two, at least one 64-byte block, two slots */
    for (blocks = 1; blocks * 2 * 64 <= o->bloom_bytes; blocks *= 2)
        ;
    s->bloom = table_alloc(blocks * 64);
    s->bloom_mask = (uint64_t)blocks - 1;
    while (bits < 1 || ((size_t)1 << bits) < o->cache_slots)
        bits++;
    s->cache = table_alloc(((size_t)1 << bits) * sizeof(*s->cache));
    s->cache_shift = 64 - bits;
    s->active = pgen_new(4096);

    rc = sync_index(s);
    if (rc == 0) { /* missing pieces, another crawl's or damaged: rebuild */
        sqlite3_close(s->wdb);
        s->wdb = NULL;
        remove_files(s->path);
        rc = sync_index(s);
    }
    if (rc != 1) {
        set_err(s, "cannot build the seen-set index", s->wdb);
        goto fail;
    }
    if (read_state(s, &s->merged_id, &hash) != 0 || fill_bloom(s) != 0) {
        set_err(s, "cannot read", s->wdb);
        goto fail;
    }
    if (sqlite3_prepare_v3(s->wdb,
                           "INSERT OR IGNORE INTO seen(hash, id)"
                           " VALUES (?1, ?2)",
                           -1, SQLITE_PREPARE_PERSISTENT, &s->ins,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(s->wdb,
                           "UPDATE state SET merged_id = ?1,"
                           " merged_hash = ?2",
                           -1, SQLITE_PREPARE_PERSISTENT, &s->upd,
                           NULL) != SQLITE_OK) {
        set_err(s, "cannot prepare", s->wdb);
        goto fail;
    }
    if (sqlite3_open_v2(s->path, &s->rdb,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK ||
        exec(s->rdb, "PRAGMA cache_size=-2048") != 0 ||
        sqlite3_prepare_v3(s->rdb, "SELECT id FROM seen WHERE hash = ?1",
                           -1, SQLITE_PREPARE_PERSISTENT, &s->probe,
                           NULL) != SQLITE_OK) {
        set_err(s, "cannot open", s->rdb);
        goto fail;
    }
    sqlite3_busy_timeout(s->rdb, 5000);
    if (pthread_create(&s->tid, NULL, merge_main, s) != 0) {
        free(s->err);
        s->err = xasprintf("%s: cannot start the merge thread", s->path);
        goto fail;
    }
    s->started = true;
    s->merged = s->merged_id;
    *out = s;
    return 0;

fail:
    *cause = s->err;
    s->err = NULL;
    seen_free(s, 0);
    return -1;
}

void
seen_prefetch(const struct seen *s, int64_t hash)
{
    uint64_t bits;

    __builtin_prefetch(&s->cache[mix(hash) >> s->cache_shift]);
    __builtin_prefetch(bloom_block(s, hash, &bits));
}

int
seen_find(struct seen *s, int64_t hash, int64_t *id)
{
    struct slot *c = cache_slot(s, hash);
    int rc;

    if (c->hash == hash) {
        *id = c->id;
        return 1;
    }
    if (!bloom_maybe(s, hash))
        return 0;
    if (pgen_get(s->active, hash, id) ||
        (s->handed != NULL && pgen_get(s->handed, hash, id)))
        goto hit;
    sqlite3_bind_int64(s->probe, 1, hash);
    rc = sqlite3_step(s->probe);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(s->probe, 0);
    sqlite3_reset(s->probe);
    if (rc == SQLITE_DONE)
        return 0; /* a false positive of the filter */
    if (rc != SQLITE_ROW) {
        set_err(s, "cannot read", s->rdb);
        return -1;
    }
hit:
    c->hash = hash;
    c->id = *id;
    return 1;
}

void
seen_add(struct seen *s, int64_t hash, int64_t id)
{
    struct slot *c = cache_slot(s, hash);

    bloom_set(s, hash);
    pgen_put(s->active, hash, id);
    c->hash = hash;
    c->id = id;
}

/* Take back the batch the merge thread finished; wait for it first if
 * asked. -1 if the thread failed. */
static int
collect(struct seen *s, bool wait)
{
    bool done;

    pthread_mutex_lock(&s->lock);
    while (wait && s->handed != NULL && !s->job_done)
        pthread_cond_wait(&s->cond, &s->lock);
    done = s->job_done;
    s->job_done = false;
    s->merged = s->merged_id;
    if (s->merge_err != NULL && s->err == NULL)
        s->err = xasprintf("%s", s->merge_err);
    pthread_mutex_unlock(&s->lock);
    if (done) {
        pgen_free(s->handed);
        s->handed = NULL;
    }
    return s->err != NULL ? -1 : 0;
}

static void
hand_over(struct seen *s)
{
    s->handed = s->active;
    s->active = pgen_new(s->handed->n_cap);
    pthread_mutex_lock(&s->lock);
    s->job = s->handed;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

int
seen_committed(struct seen *s)
{
    /* A batch costs a pass over the index, about a read and a write of
     * each of its pages, plus its own inserts: batches of a quarter of
     * the index keep the passes to a few per doubling of the index. */
    size_t batch = (size_t)(s->merged / 4);

    if (batch > s->o.max_pending / 4 * 3)
        batch = s->o.max_pending / 4 * 3;
    if (batch < s->o.min_batch)
        batch = s->o.min_batch;
    if (collect(s, s->handed != NULL &&
                       s->active->n >= s->o.max_pending) != 0)
        return -1;
    if (s->handed == NULL && s->active->n >= batch)
        hand_over(s);
    return 0;
}

const char *
seen_errmsg(struct seen *s)
{
    return s->err != NULL ? s->err : "no error";
}

size_t
seen_pending(struct seen *s)
{
    return s->active->n + (s->handed != NULL ? s->handed->n : 0);
}

int64_t
seen_merged(struct seen *s)
{
    int64_t v;

    pthread_mutex_lock(&s->lock);
    v = s->merged_id;
    pthread_mutex_unlock(&s->lock);
    return v;
}

void
seen_free(struct seen *s, int merge_rest)
{
    if (s == NULL)
        return;
    if (s->started) {
        collect(s, true);
        if (merge_rest && s->err == NULL && s->active->n > 0) {
            hand_over(s);
            collect(s, true);
        }
        pthread_mutex_lock(&s->lock);
        s->stop = true;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->tid, NULL);
    }
    sqlite3_finalize(s->probe);
    sqlite3_close(s->rdb);
    sqlite3_finalize(s->ins);
    sqlite3_finalize(s->upd);
    if (s->wdb != NULL) {
        /* leave no WAL behind: the file alone is the index */
        sqlite3_exec(s->wdb, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
                     NULL);
        sqlite3_close(s->wdb);
    }
    pgen_free(s->active);
    pgen_free(s->handed);
    table_free(s->bloom, (s->bloom_mask + 1) * 64);
    table_free(s->cache, ((size_t)1 << (64 - s->cache_shift)) *
                             sizeof(*s->cache));
    free(s->merge_err);
    free(s->err);
    free(s->path);
    free(s->db_path);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    free(s);
}
