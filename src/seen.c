/* SPDX-License-Identifier: MIT */
/*
 * seen.c - the seen-set (see seen.h): Bloom filter, direct-mapped cache
 * and pending batches in memory; the full set in sorted run files that a
 * merge thread writes and compacts.
 *
 * DESIGN: a crawl that discovers ten million URLs asks "known?" and adds a
 * hash a few hundred thousand times a second. A unique index in the crawl
 * database answered that with one random B-tree insert per new URL, and
 * past a few million URLs the engine thread spent its time rewriting index
 * pages: 1,400 pages/s at the start, 300 at ten million. A SQLite index
 * merged in sorted batches by a second thread still read and wrote every
 * page of the index per batch, a third of a core at a million URLs.
 *
 * So the set on disk is a log-structured merge of immutable run files:
 * each batch of new hashes becomes a run (sorted (hash, id) pairs, written
 * in one go), and a run at least half as large as the one before it is
 * merged with it, so there are at most about log2(URLs / batch) runs and
 * each pair is rewritten that many times, sequentially. A run is found
 * through fence keys in memory (the first hash of every 1 KiB block: 1/8
 * byte a URL) and read with one pread() of a block.
 *
 * Order of a lookup: cache (recent answers), Bloom filter (a miss means
 * new: no false negatives), the pending batches, then the runs, largest
 * first. A hash leaves the pending batches only after its run is listed in
 * the manifest, and a batch is handed over only after the crawl database
 * committed its rows, so the files never name a URL the database lacks,
 * and whatever they lack is in the database (the rows with ids above the
 * manifest's merged id), which seen_open() adds.
 *
 * Files: the manifest <db>-seen (text: format, merged id and hash, the
 * runs with their sizes and checksums), replaced by rename(), and the runs
 * <db>-seen.<generation>. They are derived data: anything missing, damaged
 * (a checksum), ahead of the database or of another database is rebuilt
 * from the url table. No fsync(): a process crash loses nothing the page
 * cache holds, and what a power cut may tear the checksums catch.
 */
#include "seen.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "util.h"

#define SEEN_FORMAT 2      /* manifest format (1 was a SQLite file) */
#define SEEN_FENCE 64      /* entries a fence block: 1 KiB, one pread */
#define SEEN_IO 4096       /* entries a buffered read or write: 64 KiB */
#define SEEN_MAX_RUNS 24
#define SEEN_BLOOM_K 7     /* bits set per hash */
#define SEEN_BLOOM_LOAD 24 /* bits per hash before the filter doubles */
#define SEEN_BLOOM_MIN (256 << 10) /* bytes at first */
#define SEEN_CACHE_MIN (16 << 10)  /* cache slots at first */
#define SEEN_MAX_PENDING_DEFAULT (1024 * 1024)

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
    unsigned shift;   /* home slot: the top bits of mix(key, hash) */
    uint64_t key;
};

/* A run file: n (hash, id) pairs in hash order. */
struct run {
    uint64_t gen;   /* the file is <path>.<gen> */
    int fd;
    size_t n;
    uint64_t sum;   /* checksum of the pairs */
    int64_t *fence; /* fence[b]: the hash of pair b * SEEN_FENCE */
    int64_t last;   /* the largest hash */
};

struct seen {
    struct seen_opts o;
    char *path; /* the manifest */
    char *err;  /* engine thread */
    char *werr; /* whoever writes runs (see set_err()) */

    /* engine thread only */
    struct store *store;
    uint64_t key; /* random: where a hash lands in the tables below is
                   * not known outside the process, so a hostile site
                   * cannot pick URLs that all collide */
    uint64_t *bloom;
    uint64_t bloom_mask; /* 64-byte blocks - 1 */
    size_t keys;         /* hashes known (all are in the filter) */
    struct slot *cache;
    unsigned cache_shift;
    struct pgen *active; /* being filled */
    struct pgen *handed; /* given to the merge thread, read-only */

    /* The runs, oldest first: changed by the merge thread (by the engine
     * thread before it starts and after it ends) under runs_lock, read by
     * the engine under runs_lock. */
    pthread_mutex_t runs_lock;
    struct run *runs[SEEN_MAX_RUNS];
    size_t n_runs;
    uint64_t next_gen; /* merge thread */

    pthread_t tid;
    bool started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct pgen *job;  /* lock: batch to merge, NULL when idle */
    bool stop;         /* lock: the thread should end */
    char *merge_err;   /* lock: first failure of the merge thread */
    int64_t merged_id; /* lock: ids up to this are in the runs */
};

void
seen_opts_default(struct seen_opts *o)
{
    o->bloom_bytes = (size_t)32 << 20;
    o->cache_slots = (size_t)1 << 19;
    o->min_batch = (size_t)256 << 10;
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

/* Keyed mixing of a URL hash for table positions (use the top bits). */
static uint64_t
mix(uint64_t key, int64_t hash)
{
    uint64_t x = ((uint64_t)hash ^ key) * 0x9e3779b97f4a7c15ULL;

    return x ^ (x >> 31);
}

static struct pgen *
pgen_new(size_t n_cap, uint64_t key)
{
    struct pgen *g = xcalloc(1, sizeof(*g));

    g->n_cap = n_cap;
    g->key = key;
    g->hash = xmalloc(n_cap * sizeof(*g->hash));
    for (g->cap = 1024, g->shift = 64 - 10; g->cap * 3 < n_cap * 4;
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

static size_t
pgen_home(const struct pgen *g, int64_t hash)
{
    return (size_t)(mix(g->key, hash) >> g->shift);
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
    uint64_t x = mix(s->key, hash);

    /* the block from the top 32 bits (scaled, any number of blocks), the
     * bit positions from a second mix */
    *bits = (x ^ (x >> 29)) * 0xbf58476d1ce4e5b9ULL;
    return &s->bloom[((x >> 32) * (s->bloom_mask + 1) >> 32) * 8];
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
    return &s->cache[mix(s->key, hash) >> s->cache_shift];
}

/* --- run files ------------------------------------------------------------- */

struct pair {
    int64_t hash, id;
};

/* Errors: *dst is s->err for the engine thread's, s->werr for those of
 * the code that writes runs (the merge thread's, or the engine's before
 * the thread starts). */
static void
set_err(const struct seen *s, char **dst, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_err(const struct seen *s, char **dst, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    free(*dst);
    *dst = xasprintf("%s: %s", s->path, msg);
}

static uint64_t
sum_pair(uint64_t sum, const struct pair *p)
{
    sum ^= (uint64_t)p->hash + 0x9e3779b97f4a7c15ULL * (uint64_t)p->id;
    return sum * 0x100000001b3ULL;
}

static char *
run_path(const struct seen *s, uint64_t gen)
{
    return xasprintf("%s.%" PRIu64, s->path, gen);
}

static void
run_free(struct run *r)
{
    if (r != NULL) {
        if (r->fd >= 0)
            close(r->fd);
        free(r->fence);
        free(r);
    }
}

static void
run_unlink(const struct seen *s, struct run *r)
{
    char *p = run_path(s, r->gen);

    unlink(p);
    free(p);
}

static int
read_full(int fd, void *buf, size_t len, off_t off)
{
    char *b = buf;

    while (len > 0) {
        ssize_t k = pread(fd, b, len, off);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                errno = EIO; /* shorter than its manifest says */
            return -1;
        }
        b += k;
        len -= (size_t)k;
        off += k;
    }
    return 0;
}

static int
write_full(int fd, const void *buf, size_t len)
{
    const char *b = buf;

    while (len > 0) {
        ssize_t k = write(fd, b, len);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        b += k;
        len -= (size_t)k;
    }
    return 0;
}

/* Writing a run: pairs in hash order through a buffer. */
struct run_writer {
    struct run *r;
    struct pair buf[SEEN_IO];
    size_t nbuf;
    size_t fence_cap;
};

static struct run_writer *
writer_new(struct seen *s, uint64_t gen)
{
    struct run_writer *w = xcalloc(1, sizeof(*w));
    char *p = run_path(s, gen);

    w->r = xcalloc(1, sizeof(*w->r));
    w->r->gen = gen;
    w->r->fd = open(p, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    free(p);
    if (w->r->fd < 0) {
        set_err(s, &s->werr, "cannot create run %" PRIu64 ": %s", gen, strerror(errno));
        run_free(w->r);
        free(w);
        return NULL;
    }
    return w;
}

static int
writer_flush(struct run_writer *w)
{
    int rc = write_full(w->r->fd, w->buf, w->nbuf * sizeof(*w->buf));

    w->nbuf = 0;
    return rc;
}

static int
writer_put(struct run_writer *w, const struct pair *p)
{
    struct run *r = w->r;

    if (r->n % SEEN_FENCE == 0) {
        if (r->n / SEEN_FENCE == w->fence_cap) {
            w->fence_cap = w->fence_cap ? 2 * w->fence_cap : 64;
            r->fence = xrealloc(r->fence, w->fence_cap * sizeof(*r->fence));
        }
        r->fence[r->n / SEEN_FENCE] = p->hash;
    }
    r->sum = sum_pair(r->sum, p);
    r->last = p->hash;
    r->n++;
    w->buf[w->nbuf++] = *p;
    return w->nbuf == SEEN_IO ? writer_flush(w) : 0;
}

/* The finished run, or NULL (the file removed) on a write error. */
static struct run *
writer_end(struct seen *s, struct run_writer *w, bool ok)
{
    struct run *r = w->r;

    if (ok && writer_flush(w) != 0) {
        set_err(s, &s->werr, "cannot write run %" PRIu64 ": %s", r->gen,
                strerror(errno));
        ok = false;
    }
    free(w);
    if (!ok) {
        run_unlink(s, r);
        run_free(r);
        return NULL;
    }
    return r;
}

/* Reading a run from the start, a buffer at a time. */
struct run_reader {
    const struct run *r;
    struct pair buf[SEEN_IO];
    size_t at, nbuf, next; /* position in buf, pairs in buf, next pair */
};

/* The next pair, or NULL at the end; *err set on a read error. */
static const struct pair *
reader_next(struct run_reader *rd, bool *err)
{
    if (rd->at == rd->nbuf) {
        size_t k = rd->r->n - rd->next;

        if (k == 0)
            return NULL;
        if (k > SEEN_IO)
            k = SEEN_IO;
        if (read_full(rd->r->fd, rd->buf, k * sizeof(*rd->buf),
                      (off_t)(rd->next * sizeof(*rd->buf))) != 0) {
            *err = true;
            return NULL;
        }
        rd->next += k;
        rd->nbuf = k;
        rd->at = 0;
    }
    return &rd->buf[rd->at++];
}

/* Look hash up in a run: 1 and *id, 0, or -1 on a read error. */
static int
run_find(const struct run *r, int64_t hash, int64_t *id)
{
    struct pair blk[SEEN_FENCE];
    size_t lo = 0, hi, b, n;

    if (r->n == 0 || hash < r->fence[0] || hash > r->last)
        return 0;
    hi = (r->n + SEEN_FENCE - 1) / SEEN_FENCE; /* fences */
    while (hi - lo > 1) { /* the last fence <= hash */
        size_t mid = lo + (hi - lo) / 2;

        if (r->fence[mid] <= hash)
            lo = mid;
        else
            hi = mid;
    }
    b = lo;
    n = r->n - b * SEEN_FENCE;
    if (n > SEEN_FENCE)
        n = SEEN_FENCE;
    if (read_full(r->fd, blk, n * sizeof(*blk),
                  (off_t)(b * SEEN_FENCE * sizeof(*blk))) != 0)
        return -1;
    lo = 0;
    hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (blk[mid].hash < hash)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n && blk[lo].hash == hash) {
        *id = blk[lo].id;
        return 1;
    }
    return 0;
}

/* Merge runs a (older) and b into one new run. */
static struct run *
run_merge(struct seen *s, const struct run *a, const struct run *b)
{
    struct run_reader *ra = xcalloc(1, sizeof(*ra)),
                      *rb = xcalloc(1, sizeof(*rb));
    struct run_writer *w = writer_new(s, s->next_gen++);
    const struct pair *pa, *pb;
    bool err = false, ok = w != NULL;

    ra->r = a;
    rb->r = b;
    pa = reader_next(ra, &err);
    pb = reader_next(rb, &err);
    while (ok && !err && (pa != NULL || pb != NULL)) {
        if (pb == NULL || (pa != NULL && pa->hash <= pb->hash)) {
            ok = writer_put(w, pa) == 0;
            pa = reader_next(ra, &err);
        } else {
            ok = writer_put(w, pb) == 0;
            pb = reader_next(rb, &err);
        }
    }
    free(ra);
    free(rb);
    if (err)
        set_err(s, &s->werr, "cannot read a run: %s", strerror(errno));
    else if (!ok && w != NULL)
        set_err(s, &s->werr, "cannot write run %" PRIu64 ": %s", w->r->gen,
                strerror(errno));
    return w != NULL ? writer_end(s, w, ok && !err) : NULL;
}

/* Replace the manifest: format, merged id and hash, the runs. */
static int
write_manifest(struct seen *s, struct run *const *runs, size_t n,
               int64_t merged_id, int64_t merged_hash)
{
    char *tmp = xasprintf("%s.tmp", s->path);
    FILE *f = fopen(tmp, "we");
    size_t i;
    int rc = -1;

    if (f != NULL) {
        fprintf(f, "crawltop-seen %d\nmerged %" PRId64 " %" PRId64
                   "\nnext %" PRIu64 "\n",
                SEEN_FORMAT, merged_id, merged_hash, s->next_gen);
        for (i = 0; i < n; i++)
            fprintf(f, "run %" PRIu64 " %zu %" PRIu64 "\n", runs[i]->gen,
                    runs[i]->n, runs[i]->sum);
        fprintf(f, "end %zu\n", n); /* a cut file lacks it */
        rc = ferror(f) ? -1 : 0;
        if (fclose(f) != 0)
            rc = -1;
    }
    if (f == NULL || rc != 0 || rename(tmp, s->path) != 0) {
        set_err(s, &s->werr, "cannot write: %s", strerror(errno));
        unlink(tmp);
        rc = -1;
    }
    free(tmp);
    return rc;
}

static bool
run_listed(const struct seen *s, const struct run *r)
{
    size_t i;

    for (i = 0; i < s->n_runs; i++)
        if (s->runs[i] == r)
            return true;
    return false;
}

/* Add a batch as a run, merge runs while the newer is at least half the
 * older (so sizes at least double towards the oldest), list them in the
 * manifest, then publish the new list and remove the replaced files.
 * Runs on the merge thread, or on the engine's before it starts. */
static int
add_run(struct seen *s, const struct pair *v, size_t n, int64_t merged_id,
        int64_t merged_hash)
{
    struct run *list[SEEN_MAX_RUNS + 1], *gone[2 * SEEN_MAX_RUNS + 2], *r;
    struct run_writer *w = writer_new(s, s->next_gen++);
    size_t i, k, n_gone = 0;
    bool ok = w != NULL;

    if (!ok)
        return -1;
    for (i = 0; i < n && ok; i++)
        ok = writer_put(w, &v[i]) == 0;
    if (!ok)
        set_err(s, &s->werr, "cannot write run %" PRIu64 ": %s", w->r->gen,
                strerror(errno));
    r = writer_end(s, w, ok);
    if (r == NULL)
        return -1;
    k = s->n_runs;
    memcpy(list, s->runs, k * sizeof(*list));
    list[k++] = r;
    while (k >= 2 && (list[k - 1]->n * 2 >= list[k - 2]->n ||
                      k > SEEN_MAX_RUNS)) {
        struct run *m = run_merge(s, list[k - 2], list[k - 1]);

        if (m == NULL)
            goto fail;
        gone[n_gone++] = list[k - 2];
        gone[n_gone++] = list[k - 1];
        list[k - 2] = m;
        k--;
    }
    if (write_manifest(s, list, k, merged_id, merged_hash) != 0)
        goto fail;
    pthread_mutex_lock(&s->runs_lock);
    memcpy(s->runs, list, k * sizeof(*list));
    s->n_runs = k;
    pthread_mutex_unlock(&s->runs_lock);
    for (i = 0; i < n_gone; i++) {
        run_unlink(s, gone[i]);
        run_free(gone[i]);
    }
    return 0;
fail:
    /* the manifest still lists the old runs: drop every new file (the
     * batch's run, merge results, intermediate ones among them) */
    for (i = 0; i < k + n_gone; i++) {
        struct run *x = i < k ? list[i] : gone[i - k];

        if (!run_listed(s, x)) {
            run_unlink(s, x);
            run_free(x);
        }
    }
    return -1;
}

/* Sort pairs by hash: LSD radix sort, six passes of 11 bits over the 63
 * bits, linear whatever the hashes (a comparison sort was most of the
 * merge thread's time). */
static void
sort_pairs(struct pair *v, size_t n)
{
    struct pair *tmp = xmalloc((n ? n : 1) * sizeof(*tmp)), *a = v, *b = tmp;
    size_t count[2048], i, sum, c;
    unsigned shift;

    for (shift = 0; shift < 64; shift += 11) {
        memset(count, 0, sizeof(count));
        for (i = 0; i < n; i++)
            count[((uint64_t)a[i].hash >> shift) & 2047]++;
        for (i = 0, sum = 0; i < 2048; i++) {
            c = count[i];
            count[i] = sum;
            sum += c;
        }
        for (i = 0; i < n; i++)
            b[count[((uint64_t)a[i].hash >> shift) & 2047]++] = a[i];
        a = b;
        b = a == v ? tmp : v;
    }
    /* six passes: the sorted pairs are back in v */
    free(tmp);
}

/* Write a pending batch as a run: its pairs, sorted. */
static int
merge_batch(struct seen *s, const struct pgen *g)
{
    struct pair *v;
    size_t i, n = 0;
    int rc;

    if (g->n == 0)
        return 0;
    v = xmalloc(g->n * sizeof(*v));
    for (i = 0; i < g->n; i++, n++) {
        v[i].hash = g->hash[i];
        v[i].id = g->lo + (int64_t)i;
    }
    sort_pairs(v, n);
    rc = add_run(s, v, n, g->lo + (int64_t)g->n - 1, g->hash[g->n - 1]);
    free(v);
    return rc;
}

/* --- opening: the manifest checked against the database -------------------- */

static bool
gen_listed(const struct seen *s, uint64_t gen)
{
    size_t i;

    for (i = 0; i < s->n_runs; i++)
        if (s->runs[i]->gen == gen)
            return true;
    return false;
}

/* Remove the run files the list does not name (left by a crash between a
 * run and its manifest, or by a rebuild), a manifest's temporary file,
 * and with `all` the manifest too. */
static void
remove_files(struct seen *s, bool all)
{
    static const char *const sfx[] = {"", ".tmp"};
    char *dir = xasprintf("%s", s->path), *base = strrchr(dir, '/');
    const char *name = base ? base + 1 : dir;
    size_t i, len = strlen(name);
    DIR *d;
    struct dirent *de;

    for (i = all ? 0 : 1; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
        char *p = xasprintf("%s%s", s->path, sfx[i]);

        unlink(p);
        free(p);
    }
    if (base != NULL)
        *base = '\0';
    d = opendir(base != NULL ? (*dir ? dir : "/") : ".");
    while (d != NULL && (de = readdir(d)) != NULL) {
        const char *t = de->d_name;

        if (strncmp(t, name, len) == 0 && t[len] == '.' &&
            strspn(t + len + 1, "0123456789") == strlen(t + len + 1) &&
            t[len + 1] != '\0' &&
            !gen_listed(s, strtoull(t + len + 1, NULL, 10))) {
            char *p = base != NULL ? xasprintf("%s/%s", *dir ? dir : "", t)
                                   : xasprintf("%s", t);

            unlink(p);
            free(p);
        }
    }
    if (d != NULL)
        closedir(d);
    free(dir);
}

static void
drop_runs(struct seen *s)
{
    while (s->n_runs > 0)
        run_free(s->runs[--s->n_runs]);
}

/* Open a listed run: read it whole once, checking its size and checksum,
 * building its fences and filling the filter. */
static struct run *
run_load(struct seen *s, uint64_t gen, size_t n, uint64_t sum)
{
    struct run *r = xcalloc(1, sizeof(*r));
    struct run_reader *rd;
    const struct pair *p;
    char *path = run_path(s, gen);
    struct stat st;
    bool err = false;
    size_t i = 0;
    int64_t prev = INT64_MIN;

    r->gen = gen;
    r->n = n;
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (r->fd < 0 || fstat(r->fd, &st) != 0 ||
        (uint64_t)st.st_size != (uint64_t)n * sizeof(struct pair)) {
        run_free(r);
        return NULL;
    }
    r->fence = xmalloc(((n + SEEN_FENCE - 1) / SEEN_FENCE + 1) *
                       sizeof(*r->fence));
    rd = xcalloc(1, sizeof(*rd));
    rd->r = r;
    while ((p = reader_next(rd, &err)) != NULL) {
        if (p->hash < prev) /* out of order: damaged */
            break;
        prev = p->hash;
        if (i % SEEN_FENCE == 0)
            r->fence[i / SEEN_FENCE] = p->hash;
        r->sum = sum_pair(r->sum, p);
        i++;
    }
    free(rd);
    r->last = prev;
    if (err || i != n || r->sum != sum) {
        run_free(r);
        return NULL;
    }
    return r;
}

/* Load the manifest and its runs. 1: usable, *merged_id set; 0: not
 * usable (missing, damaged, another database's, ahead of it); -1. */
static int
load_manifest(struct seen *s, int64_t *merged_id)
{
    FILE *f = fopen(s->path, "re");
    char line[160];
    int64_t id = -1, hash = 0;
    int fmt = 0, ok = 1;
    bool ended = false;

    if (f == NULL)
        return 0;
    if (fgets(line, sizeof(line), f) == NULL ||
        sscanf(line, "crawltop-seen %d", &fmt) != 1 || fmt != SEEN_FORMAT ||
        fgets(line, sizeof(line), f) == NULL ||
        sscanf(line, "merged %" SCNd64 " %" SCNd64, &id, &hash) != 2 ||
        fgets(line, sizeof(line), f) == NULL ||
        sscanf(line, "next %" SCNu64, &s->next_gen) != 1 || id < 0)
        ok = 0;
    while (ok == 1 && !ended && fgets(line, sizeof(line), f) != NULL) {
        uint64_t gen, sum;
        size_t n;
        struct run *r;

        if (sscanf(line, "end %zu", &n) == 1) {
            ended = n == s->n_runs;
            if (!ended)
                ok = 0;
        } else if (sscanf(line, "run %" SCNu64 " %zu %" SCNu64, &gen, &n,
                          &sum) != 3 ||
                   s->n_runs == SEEN_MAX_RUNS || gen >= s->next_gen ||
                   n > ((size_t)1 << 40) || /* a damaged count */
                   (r = run_load(s, gen, n, sum)) == NULL) {
            ok = 0;
        } else {
            s->runs[s->n_runs++] = r;
        }
    }
    if (ok == 1 && (!ended || ferror(f))) /* cut short */
        ok = 0;
    fclose(f);
    if (ok == 1 && id > 0) {
        int64_t h;
        int rc = store_url_hash(s->store, id, &h);

        if (rc < 0)
            ok = -1;
        else if (rc == 0 || h != hash)
            ok = 0;
    }
    if (ok != 1)
        drop_runs(s);
    *merged_id = id;
    return ok;
}

/* Rows of the database the runs lack, written as runs of min_batch
 * pairs (before the merge thread starts). */
struct catch_up {
    struct seen *s;
    struct pair *v;
    size_t n;
    int64_t last_id; /* the newest row seen */
    int rc;
};

static int
catch_up_flush(struct catch_up *c)
{
    struct pair last;

    if (c->n == 0)
        return 0;
    last = c->v[c->n - 1]; /* the newest row: ids come in order */
    sort_pairs(c->v, c->n);
    if (add_run(c->s, c->v, c->n, last.id, last.hash) != 0)
        return -1;
    c->n = 0;
    return 0;
}

static int
catch_up_row(void *arg, int64_t id, int64_t hash)
{
    struct catch_up *c = arg;

    if (c->n == c->s->o.min_batch && catch_up_flush(c) != 0) {
        c->rc = -1;
        return 1;
    }
    c->v[c->n].hash = hash;
    c->v[c->n++].id = id;
    c->last_id = id;
    return 0;
}

/* --- filter and cache sizes ---------------------------------------------- */

static size_t
bloom_blocks(const struct seen *s)
{
    return (size_t)s->bloom_mask + 1;
}

static void
bloom_add_pgen(struct seen *s, const struct pgen *g)
{
    size_t i;

    for (i = 0; g != NULL && i < g->n; i++)
        bloom_set(s, g->hash[i]);
}

/* A filter of `blocks` blocks holding every known hash: the runs (read
 * under runs_lock, so none is replaced meanwhile), the batch being merged
 * and the active one. On a read error the old filter stays (it holds them
 * all too). */
static int
bloom_resize(struct seen *s, size_t blocks)
{
    uint64_t *old = s->bloom;
    size_t old_blocks = s->bloom ? bloom_blocks(s) : 0, i;
    bool err = false;

    s->bloom = table_alloc(blocks * 64);
    s->bloom_mask = blocks - 1;
    pthread_mutex_lock(&s->runs_lock);
    for (i = 0; i < s->n_runs && !err; i++) {
        struct run_reader *rd = xcalloc(1, sizeof(*rd));
        size_t j;

        rd->r = s->runs[i];
        /* a buffer at a time, loading each block a few pairs ahead */
        while (!err && reader_next(rd, &err) != NULL) {
            for (j = rd->at - 1; j < rd->nbuf; j++) {
                uint64_t bits;

                if (j + 8 < rd->nbuf)
                    __builtin_prefetch(
                        bloom_block(s, rd->buf[j + 8].hash, &bits));
                bloom_set(s, rd->buf[j].hash);
            }
            rd->at = rd->nbuf;
        }
        free(rd);
    }
    pthread_mutex_unlock(&s->runs_lock);
    bloom_add_pgen(s, s->handed);
    bloom_add_pgen(s, s->active);
    if (err) {
        table_free(s->bloom, blocks * 64);
        s->bloom = old;
        s->bloom_mask = old_blocks - 1;
        return -1;
    }
    table_free(old, old_blocks * 64);
    return 0;
}

/* Grow the filter and the cache with the number of hashes, so a small
 * crawl keeps small tables: the filter doubles at SEEN_BLOOM_LOAD bits a
 * hash up to o.bloom_bytes (then only its false positives grow), the cache
 * doubles while it has fewer slots than hashes, up to o.cache_slots. */
static int
fit_tables(struct seen *s)
{
    size_t blocks = s->bloom ? bloom_blocks(s) : SEEN_BLOOM_MIN / 64,
           slots = s->cache ? (size_t)1 << (64 - s->cache_shift)
                            : SEEN_CACHE_MIN;
    unsigned bits = 0;

    while (blocks * 512 / SEEN_BLOOM_LOAD < s->keys &&
           blocks * 2 * 64 <= s->o.bloom_bytes)
        blocks *= 2;
    while (blocks * 64 > s->o.bloom_bytes && blocks > 1)
        blocks /= 2;
    if ((s->bloom == NULL || blocks != bloom_blocks(s)) &&
        bloom_resize(s, blocks) != 0) {
        if (s->bloom == NULL)
            return -1;
        s->o.bloom_bytes = bloom_blocks(s) * 64; /* stay at this size */
    }
    if (s->cache != NULL && (slots >= s->keys || slots >= s->o.cache_slots))
        return 0;
    while (slots < s->keys && slots * 2 <= s->o.cache_slots)
        slots *= 2;
    if (slots > s->o.cache_slots)
        slots = s->o.cache_slots;
    while (bits < 1 || ((size_t)1 << bits) < slots)
        bits++;
    if (s->cache != NULL && (size_t)1 << bits ==
                                (size_t)1 << (64 - s->cache_shift))
        return 0;
    if (s->cache != NULL)
        table_free(s->cache,
                   ((size_t)1 << (64 - s->cache_shift)) * sizeof(*s->cache));
    s->cache = table_alloc(((size_t)1 << bits) * sizeof(*s->cache));
    s->cache_shift = 64 - bits;
    return 0;
}

/* --- the merge thread ---------------------------------------------------- */

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
            err = xasprintf("%s", s->werr ? s->werr : "cannot write");
        pthread_mutex_lock(&s->lock);
        s->job = NULL; /* done (or failed): the engine may take it back */
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
seen_open(struct seen **out, const char *db_path, struct store *store,
          const struct seen_opts *o, char **cause)
{
    struct seen *s = xcalloc(1, sizeof(*s));
    int64_t merged = 0;
    size_t i;
    int rc;

    *out = NULL;
    s->o = *o;
    s->path = xasprintf("%s-seen", db_path);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    if (getrandom(&s->key, sizeof(s->key), 0) != (ssize_t)sizeof(s->key))
        s->key = (uint64_t)now_ms() * 0x9e3779b97f4a7c15ULL ^
                 (uint64_t)getpid() ^ (uint64_t)(uintptr_t)s;
    s->active = pgen_new(4096, s->key);

    s->store = store;
    pthread_mutex_init(&s->runs_lock, NULL);
    /* one process at a time: store_open() holds the database's lock */
    rc = load_manifest(s, &merged);
    if (rc >= 0)
        remove_files(s, rc == 0);
    if (rc == 0) { /* rebuild from the database */
        s->next_gen = 1;
        merged = 0;
    }
    if (rc >= 0) {
        struct catch_up c = {s, xmalloc(o->min_batch * sizeof(*c.v)), 0,
                             merged, 0};

        if (store_scan_hashes(store, merged, catch_up_row, &c) != 0 &&
            c.rc == 0) {
            set_err(s, &s->werr, "cannot read the url table");
            c.rc = -1;
        }
        if (c.rc == 0 && catch_up_flush(&c) != 0)
            c.rc = -1;
        if (c.rc == 0 && rc == 0 && s->n_runs == 0 &&
            write_manifest(s, NULL, 0, 0, 0) != 0)
            c.rc = -1;
        free(c.v);
        s->merged_id = c.last_id; /* every url row is in the runs now */
        rc = c.rc;
    } else {
        set_err(s, &s->werr, "cannot read the url table");
    }
    if (rc != 0) {
        free(s->err);
        s->err = s->werr;
        s->werr = NULL;
        goto fail;
    }
    for (i = 0; i < s->n_runs; i++)
        s->keys += s->runs[i]->n;
    if (fit_tables(s) != 0) { /* and fills the filter */
        set_err(s, &s->err, "cannot read a run: %s", strerror(errno));
        goto fail;
    }
    if (pthread_create(&s->tid, NULL, merge_main, s) != 0) {
        set_err(s, &s->err, "cannot start the merge thread");
        goto fail;
    }
    s->started = true;
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

    __builtin_prefetch(&s->cache[mix(s->key, hash) >> s->cache_shift]);
    __builtin_prefetch(bloom_block(s, hash, &bits));
    __builtin_prefetch(&s->active->pos[pgen_home(s->active, hash)]);
}

int
seen_find(struct seen *s, int64_t hash, int64_t *id)
{
    struct slot *c = cache_slot(s, hash);
    size_t i;
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
    rc = 0;
    pthread_mutex_lock(&s->runs_lock);
    /* oldest first: the oldest run is the largest (more than half of
     * what is merged), so a known hash is most often found at once */
    for (i = 0; i < s->n_runs && rc == 0; i++)
        rc = run_find(s->runs[i], hash, id);
    pthread_mutex_unlock(&s->runs_lock);
    if (rc == 0)
        return 0; /* a false positive of the filter */
    if (rc < 0) {
        set_err(s, &s->err, "cannot read a run: %s", strerror(errno));
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
    if (++s->keys > (size_t)(s->bloom_mask + 1) * 512 / SEEN_BLOOM_LOAD)
        fit_tables(s);
}

/* Take back the batch the merge thread finished; wait for it first if
 * asked. -1 if the thread failed. */
static int
collect(struct seen *s, bool wait)
{
    bool done;

    pthread_mutex_lock(&s->lock);
    while (wait && s->job != NULL) /* being written */
        pthread_cond_wait(&s->cond, &s->lock);
    done = s->handed != NULL && s->job == NULL;
    if (s->merge_err != NULL && s->err == NULL)
        s->err = xasprintf("%s", s->merge_err);
    pthread_mutex_unlock(&s->lock);
    /* a batch the thread failed to write stays, for lookups (the crawl
     * stops; the next start adds its rows from the database) */
    if (done && s->err == NULL) {
        pgen_free(s->handed);
        s->handed = NULL;
    }
    return s->err != NULL ? -1 : 0;
}

static void
hand_over(struct seen *s)
{
    s->handed = s->active;
    s->active = pgen_new(s->handed->n_cap, s->key);
    pthread_mutex_lock(&s->lock);
    s->job = s->handed;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

int
seen_committed(struct seen *s)
{
    if (collect(s, s->handed != NULL &&
                       s->active->n >= s->o.max_pending) != 0)
        return -1;
    if (s->handed == NULL && s->active->n >= s->o.min_batch)
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
    drop_runs(s);
    pgen_free(s->active);
    pgen_free(s->handed);
    if (s->bloom != NULL)
        table_free(s->bloom, bloom_blocks(s) * 64);
    if (s->cache != NULL)
        table_free(s->cache, ((size_t)1 << (64 - s->cache_shift)) *
                                 sizeof(*s->cache));
    free(s->merge_err);
    free(s->err);
    free(s->werr);
    free(s->path);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->runs_lock);
    pthread_cond_destroy(&s->cond);
    free(s);
}
