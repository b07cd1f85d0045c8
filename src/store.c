/* SPDX-License-Identifier: MIT */
/*
 * store.c - the SQLite schema and the engine's batched writes.
 *
 * DESIGN: a URL's id is its discovery number (the rowid: rows are
 * appended, and the views join on it); its url_hash() is stored for the
 * seen-set (seen.c), which maps hashes to ids; `url` holds every URL seen,
 * `fetch` one row per URL attempted or skipped, `link` integer pairs. The
 * views `pages` and `links` give the names users query. WAL mode lets the
 * sqlite3 shell read while we write; synchronous=NORMAL is durable to the
 * last commit across a process crash (only a power cut may lose the last
 * transactions, never corrupt the file).
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store_views.h"
#include "util.h"

#define STORE_SCHEMA_VERSION 2
#define STR_(x) #x
#define STR(x) STR_(x)

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS crawl ("
    "  id INTEGER PRIMARY KEY,"
    "  started_at TEXT NOT NULL,"
    "  ended_at TEXT,"
    "  outcome TEXT,"
    "  version TEXT NOT NULL,"
    "  settings TEXT NOT NULL,"
    "  summary TEXT,"
    "  config TEXT);"
    "CREATE TABLE IF NOT EXISTS url ("
    "  id INTEGER PRIMARY KEY,"
    "  hash INTEGER NOT NULL,"
    "  url TEXT NOT NULL,"
    "  depth INTEGER NOT NULL,"
    "  referrer INTEGER,"
    "  state INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS fetch ("
    "  url_id INTEGER PRIMARY KEY REFERENCES url(id),"
    "  final_url TEXT,"
    "  status INTEGER,"
    "  content_type TEXT,"
    "  bytes INTEGER,"
    "  title TEXT,"
    "  elapsed_ms INTEGER,"
    "  fetched_at TEXT NOT NULL,"
    "  error TEXT,"
    "  attempts INTEGER NOT NULL DEFAULT 1);"
    "CREATE TABLE IF NOT EXISTS link ("
    "  src INTEGER NOT NULL,"
    "  dst INTEGER NOT NULL,"
    "  rel TEXT);"
    "CREATE VIEW IF NOT EXISTS pages AS"
    "  SELECT u.url AS url, f.final_url, f.status, f.content_type, f.bytes,"
    "         u.depth, r.url AS referrer, f.title, f.elapsed_ms,"
    "         f.fetched_at, f.error, f.attempts"
    "  FROM fetch f JOIN url u ON u.id = f.url_id"
    "  LEFT JOIN url r ON r.id = u.referrer;"
    "CREATE VIEW IF NOT EXISTS links AS"
    "  SELECT s.url AS src, d.url AS dst, l.rel"
    "  FROM link l JOIN url s ON s.id = l.src JOIN url d ON d.id = l.dst;";

enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ADD_URL,
    ST_ADD_FETCH,
    ST_URL_DONE,
    ST_ADD_LINK,
    ST_RUN_BEGIN,
    ST_RUN_END,
    ST_LOAD_QUEUED,
    ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN",
    [ST_COMMIT] = "COMMIT",
    [ST_ADD_URL] = "INSERT INTO url(id, hash, url, depth, referrer, state)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_ADD_FETCH] =
        "INSERT OR REPLACE INTO fetch(url_id, final_url, status,"
        " content_type, bytes, title, elapsed_ms, fetched_at, error,"
        " attempts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [ST_URL_DONE] = "UPDATE url SET state = 2 WHERE id = ?1",
    [ST_ADD_LINK] = "INSERT INTO link(src, dst, rel) VALUES (?1, ?2, ?3)",
    [ST_RUN_BEGIN] = "INSERT INTO crawl(started_at, version, settings, config)"
                     " VALUES (?1, ?2, ?3, ?4)",
    [ST_RUN_END] = "UPDATE crawl SET ended_at = ?1, outcome = ?2,"
                   " summary = ?3 WHERE id = ?4",
    [ST_LOAD_QUEUED] = "SELECT id, url, depth, referrer FROM url"
                       " WHERE state = 1 AND id > ?1 ORDER BY id LIMIT ?2",
};

struct store {
    int lock_fd; /* <path>-lock, flock()ed: one crawltop writes a file */
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    bool in_tx;
    int64_t run_id;
};

const char *
store_errmsg(struct store *s)
{
    return s->db ? sqlite3_errmsg(s->db) : "out of memory";
}

static int
exec(struct store *s, const char *sql)
{
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Run a one-row query of n integer columns into v; -1 on error. */
static int
query_row(struct store *s, const char *sql, int64_t *v, int n)
{
    sqlite3_stmt *st;
    int i, rc = -1;

    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_count(st) == n) {
        for (i = 0; i < n; i++)
            v[i] = sqlite3_column_int64(st, i);
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

static int
user_version(struct store *s)
{
    int64_t v;

    return query_row(s, "PRAGMA user_version", &v, 1) == 0 ? (int)v : -1;
}

/* Create the database at path complete or not at all: build it under a
 * temporary name, then link it into place. A reader can never open a
 * half-made file, nor one still switching to WAL (which would need an
 * exclusive lock and give it "database is locked"). 0 or -1. */
static int
create_new(const char *path, char **cause)
{
    char *tmp = xasprintf("%s.new-%ld", path, (long)getpid());
    sqlite3 *db = NULL;
    int rc = -1;

    unlink(tmp);
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK ||
        sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; BEGIN;", NULL, NULL,
                     NULL) != SQLITE_OK ||
        sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, store_views_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA user_version=" STR(STORE_SCHEMA_VERSION) "; COMMIT;", NULL, NULL,
                     NULL) != SQLITE_OK) {
        *cause = xasprintf("%s: cannot create database: %s", path,
                           db ? sqlite3_errmsg(db) : "out of memory");
        goto done;
    }
    sqlite3_close(db); /* checkpoints: the file alone holds the schema */
    db = NULL;
    {
        /* a -wal or -shm without its database is an orphan of a deleted
         * crawl: SQLite would replay its frames into the new file (the
         * seen-set finds its own files not matching, and rebuilds them) */
        static const char *const sfx[] = {"-wal", "-shm"};
        size_t i;

        for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
            char *p = xasprintf("%s%s", path, sfx[i]);

            unlink(p);
            free(p);
        }
    }
    if (link(tmp, path) != 0 && errno != EEXIST) {
        *cause = xasprintf("%s: cannot create database: %s", path,
                           strerror(errno));
        goto done;
    }
    rc = 0; /* EEXIST: someone made it meanwhile; open theirs */
done:
    sqlite3_close(db);
    unlink(tmp);
    free(tmp);
    return rc;
}

/* Before SQLite's first use: no memory statistics. They take one global
 * mutex around every allocation, which the engine thread then takes a
 * few hundred thousand times a second. */
static void
sqlite_setup(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int
store_open(struct store **out, const char *path, char **cause)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    struct store *s = xcalloc(1, sizeof(*s));
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                SQLITE_OPEN_NOMUTEX;
    int i, v;

    *out = NULL;
    pthread_once(&once, sqlite_setup);
    s->lock_fd = -1;
    {
        /* A second crawltop on the same file would wait for SQLite's
         * write lock, then fail; and it would rewrite the seen-set's
         * files under the first. Readers (sqlite3) take no such lock. */
        char *lp = xasprintf("%s-lock", path);
        int err = 0;

        s->lock_fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (s->lock_fd < 0 || flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0)
            err = errno;
        if (err != 0) {
            *cause = s->lock_fd >= 0 && err == EWOULDBLOCK
                         ? xasprintf("%s: in use by another crawltop", path)
                         : xasprintf("%s: cannot lock %s: %s", path, lp,
                                     strerror(err));
            free(lp);
            store_free(s);
            return -1;
        }
        free(lp);
    }
    if (access(path, F_OK) != 0 && create_new(path, cause) != 0) {
        store_free(s);
        return -1;
    }
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 1);
    v = user_version(s);
    if (v < 0)
        goto fail;
    if (v > STORE_SCHEMA_VERSION || (v > 0 && v < STORE_SCHEMA_VERSION)) {
        *cause = xasprintf("%s: database schema version %d is %s than "
                           "this crawltop's (%d)",
                           path, v, v > STORE_SCHEMA_VERSION ? "newer"
                                                             : "older",
                           STORE_SCHEMA_VERSION);
        store_free(s);
        return -1;
    }
    /* WAL: readers (the sqlite3 shell) never block us, nor we them. */
    if (exec(s, "PRAGMA journal_mode=WAL") != 0 ||
        exec(s, "PRAGMA synchronous=NORMAL") != 0 ||
        exec(s, "PRAGMA cache_size=-16384") != 0 ||
        exec(s, "PRAGMA temp_store=MEMORY") != 0 ||
        /* checkpoint every 16 MB of WAL: rows are appended, so a page
         * is rarely changed twice between checkpoints, and each one
         * stalls the engine briefly rather than for a second */
        exec(s, "PRAGMA wal_autocheckpoint=4096") != 0)
        goto fail;
    if (exec(s, "BEGIN") != 0 || exec(s, schema_sql) != 0 ||
        exec(s, store_views_sql) != 0 ||
        exec(s, "PRAGMA user_version=" STR(STORE_SCHEMA_VERSION)) != 0 || exec(s, "COMMIT") != 0)
        goto fail;
    for (i = 0; i < ST_COUNT; i++)
        if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &s->st[i],
                               NULL) != SQLITE_OK)
            goto fail;
    *out = s;
    return 0;

fail:
    *cause = xasprintf("%s: cannot open database: %s", path,
                       s->db ? sqlite3_errmsg(s->db) : "out of memory");
    store_free(s);
    return -1;
}

void
store_free(struct store *s)
{
    int i;

    if (s == NULL)
        return;
    if (s->in_tx)
        store_commit(s);
    for (i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    if (s->db != NULL) {
        /* Copy the WAL into the file without blocking readers, and skip
         * the checkpoint-on-close, which takes an exclusive lock that a
         * reader opening just then would see as "database is locked". */
        /* TRUNCATE empties the WAL file when no reader holds it; with a
         * reader it does what it can, like PASSIVE */
        sqlite3_busy_timeout(s->db, 0);
        if (sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
                         NULL) != SQLITE_OK)
            sqlite3_exec(s->db, "PRAGMA wal_checkpoint(PASSIVE)", NULL, NULL,
                         NULL);
        sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    }
    sqlite3_close(s->db);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* releases the lock, after the last write */
    free(s);
}

/* Run a prepared statement that returns no rows, then reset it. */
static int
run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int
tx(struct store *s)
{
    if (s->in_tx)
        return 0;
    if (run(s->st[ST_BEGIN]) != 0)
        return -1;
    s->in_tx = true;
    return 0;
}

int
store_commit(struct store *s)
{
    if (!s->in_tx)
        return 0;
    if (run(s->st[ST_COMMIT]) != 0)
        return -1;
    s->in_tx = false;
    return 0;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v == NULL)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

int
store_run_begin(struct store *s, const char *started_at,
                const char *settings_json, const char *config_text)
{
    sqlite3_stmt *st = s->st[ST_RUN_BEGIN];

    if (tx(s) != 0)
        return -1;
    bind_text(st, 1, started_at);
    bind_text(st, 2, CRAWLTOP_VERSION);
    bind_text(st, 3, settings_json);
    bind_text(st, 4, config_text);
    if (run(st) != 0)
        return -1;
    s->run_id = sqlite3_last_insert_rowid(s->db);
    return store_commit(s);
}

int
store_run_end(struct store *s, const char *ended_at, const char *outcome,
              const char *summary_json)
{
    sqlite3_stmt *st = s->st[ST_RUN_END];

    if (tx(s) != 0)
        return -1;
    bind_text(st, 1, ended_at);
    bind_text(st, 2, outcome);
    bind_text(st, 3, summary_json);
    sqlite3_bind_int64(st, 4, s->run_id);
    if (run(st) != 0)
        return -1;
    return store_commit(s);
}

int
store_add_url(struct store *s, int64_t id, int64_t hash, const char *url,
              unsigned depth, int64_t referrer, enum url_state state)
{
    sqlite3_stmt *st = s->st[ST_ADD_URL];

    if (tx(s) != 0)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, hash);
    bind_text(st, 3, url);
    sqlite3_bind_int(st, 4, (int)depth);
    if (referrer != 0)
        sqlite3_bind_int64(st, 5, referrer);
    sqlite3_bind_int(st, 6, (int)state);
    return run(st);
}

int
store_load_queued(struct store *s, int64_t after_id, size_t limit,
                  store_url_fn *fn, void *arg)
{
    sqlite3_stmt *st = s->st[ST_LOAD_QUEUED];
    int rc, n = 0;

    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *url = (const char *)sqlite3_column_text(st, 1);

        if (url != NULL)
            fn(arg, sqlite3_column_int64(st, 0), url,
               (unsigned)sqlite3_column_int(st, 2),
               sqlite3_column_int64(st, 3));
        n++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? n : -1;
}

int
store_scan_hashes(struct store *s, int64_t after_id, store_hash_fn *fn,
                  void *arg)
{
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, hash FROM url WHERE id > ?1"
                           " ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, after_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(arg, sqlite3_column_int64(st, 0),
               sqlite3_column_int64(st, 1)) != 0)
            break;
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int
store_url_hash(struct store *s, int64_t id, int64_t *hash)
{
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(s->db, "SELECT hash FROM url WHERE id = ?1", -1,
                           &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *hash = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_resume_info(struct store *s, struct store_resume *out)
{
    int64_t u[3], f[8];

    /* one scan of each table: this runs at every start */
    if (query_row(s,
                  "SELECT coalesce(max(id), 0), count(*),"
                  " coalesce(sum(state = 1), 0) FROM url",
                  u, 3) != 0 ||
        query_row(s,
                  "SELECT count(*), coalesce(sum(attempts > 0), 0),"
                  " coalesce(sum(error IS NOT NULL), 0),"
                  " coalesce(sum(status BETWEEN 100 AND 199), 0),"
                  " coalesce(sum(status BETWEEN 200 AND 299), 0),"
                  " coalesce(sum(status BETWEEN 300 AND 399), 0),"
                  " coalesce(sum(status BETWEEN 400 AND 499), 0),"
                  " coalesce(sum(status BETWEEN 500 AND 599), 0) FROM fetch",
                  f, 8) != 0)
        return -1;
    out->max_id = u[0];
    out->known = u[1];
    out->queued = u[2];
    out->recorded = f[0];
    out->fetched = f[1];
    out->errors = f[2];
    memcpy(out->status, f + 3, sizeof(out->status));
    return query_row(s, "SELECT coalesce(max(rowid), 0) FROM link",
                     &out->links, 1);
}

int
store_read_config(const char *path, char **text, char **cause)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = -1;

    *text = NULL;
    if (access(path, F_OK) != 0) {
        *cause = xasprintf("--resume: %s: %s", path, strerror(errno));
        return -1;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT config FROM crawl WHERE config IS NOT NULL"
                           " ORDER BY id LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK) {
        *cause = xasprintf("--resume: %s: not a crawltop database (%s)", path,
                           db ? sqlite3_errmsg(db) : "out of memory");
        goto done;
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        *cause = xasprintf("--resume: %s: no crawl recorded in it", path);
        goto done;
    }
    *text = xstrdup((const char *)sqlite3_column_text(st, 0));
    rc = 0;
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

int
store_add_page(struct store *s, const struct store_page *p)
{
    sqlite3_stmt *st = s->st[ST_ADD_FETCH];

    if (tx(s) != 0)
        return -1;
    sqlite3_bind_int64(st, 1, p->id);
    bind_text(st, 2, p->final_url);
    if (p->status > 0)
        sqlite3_bind_int(st, 3, p->status);
    bind_text(st, 4, p->content_type);
    sqlite3_bind_int64(st, 5, p->bytes);
    bind_text(st, 6, p->title);
    sqlite3_bind_int64(st, 7, p->elapsed_ms);
    bind_text(st, 8, p->fetched_at);
    bind_text(st, 9, p->error);
    sqlite3_bind_int(st, 10, (int)p->attempts);
    if (run(st) != 0)
        return -1;
    st = s->st[ST_URL_DONE];
    sqlite3_bind_int64(st, 1, p->id);
    return run(st);
}

int
store_add_link(struct store *s, int64_t src, int64_t dst, const char *rel)
{
    sqlite3_stmt *st = s->st[ST_ADD_LINK];

    if (tx(s) != 0)
        return -1;
    sqlite3_bind_int64(st, 1, src);
    sqlite3_bind_int64(st, 2, dst);
    bind_text(st, 3, rel);
    return run(st);
}
