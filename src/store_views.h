/* SPDX-License-Identifier: MIT */
/*
 * store_views.h - ready-made views over the crawl database for the
 * questions users ask most; doc/queries.md shows each with an example.
 * store.c executes store_views_sql right after schema_sql, inside the
 * same transaction. Views only: no tables, no indexes, SQLite 3.30 or
 * newer (aggregate FILTER clauses).
 *
 * "host" is the scheme://host[:port] prefix of a URL. Stored URLs are
 * normalised, so they always have a path and the first '/' after the
 * "http://" or "https://" is where the host ends: searching from
 * character 9 skips both schemes' "//".
 *
 * CREATE VIEW IF NOT EXISTS never replaces a view: a changed definition
 * needs a DROP VIEW (and a schema version bump) for existing files.
 */
#ifndef CRAWLTOP_STORE_VIEWS_H
#define CRAWLTOP_STORE_VIEWS_H

static const char store_views_sql[] =
    /* status counts per host; a page that failed after its status line
     * (e.g. reset mid-body) counts in its status column and in errors */
    "CREATE VIEW IF NOT EXISTS host_status AS"
    "  SELECT substr(u.url, 1, instr(substr(u.url, 9), '/') + 7) AS host,"
    "         count(*) AS pages,"
    "         count(*) FILTER (WHERE status BETWEEN 200 AND 299) AS ok_2xx,"
    "         count(*) FILTER (WHERE status BETWEEN 300 AND 399)"
    "           AS redirect_3xx,"
    "         count(*) FILTER (WHERE status BETWEEN 400 AND 499)"
    "           AS client_4xx,"
    "         count(*) FILTER (WHERE status BETWEEN 500 AND 599)"
    "           AS server_5xx,"
    "         count(*) FILTER (WHERE error IS NOT NULL"
    "                          AND error NOT LIKE 'robots:%') AS errors,"
    "         count(*) FILTER (WHERE error LIKE 'robots:%')"
    "           AS robots_skipped"
    "  FROM fetch f JOIN url u ON u.id = f.url_id"
    "  GROUP BY host ORDER BY pages DESC, host;"
    /* links to a page that answered >= 400 or failed (robots skips are
     * not broken: they were never requested) */
    "CREATE VIEW IF NOT EXISTS broken_links AS"
    "  SELECT s.url AS src, d.url AS dst, f.status, f.error"
    "  FROM link l JOIN fetch f ON f.url_id = l.dst"
    "  JOIN url s ON s.id = l.src JOIN url d ON d.id = l.dst"
    "  WHERE f.status >= 400"
    "     OR (f.error IS NOT NULL AND f.error NOT LIKE 'robots:%');"
    "CREATE VIEW IF NOT EXISTS redirects AS"
    "  SELECT url, final_url, status, elapsed_ms"
    "  FROM pages WHERE final_url <> url;"
    /* requested pages only: robots skips have elapsed_ms 0 */
    "CREATE VIEW IF NOT EXISTS slowest_pages AS"
    "  SELECT url, elapsed_ms, bytes, status"
    "  FROM pages WHERE attempts > 0 ORDER BY elapsed_ms DESC, url;"
    /* ok: 2xx without error; errors: >= 400 or failed, as broken_links */
    "CREATE VIEW IF NOT EXISTS depth_stats AS"
    "  SELECT u.depth, count(*) AS pages,"
    "         count(*) FILTER (WHERE status BETWEEN 200 AND 299"
    "                          AND error IS NULL) AS ok,"
    "         count(*) FILTER (WHERE status >= 400 OR (error IS NOT NULL"
    "                          AND error NOT LIKE 'robots:%')) AS errors,"
    "         CAST(round(avg(elapsed_ms) FILTER (WHERE attempts > 0))"
    "              AS INTEGER) AS avg_ms"
    "  FROM fetch f JOIN url u ON u.id = f.url_id"
    "  GROUP BY u.depth ORDER BY u.depth;"
    /* per minute of fetched_at (UTC; the minute a request started) */
    "CREATE VIEW IF NOT EXISTS progress AS"
    "  SELECT substr(fetched_at, 1, 16) AS minute, count(*) AS pages,"
    "         count(*) FILTER (WHERE status >= 400 OR (error IS NOT NULL"
    "                          AND error NOT LIKE 'robots:%')) AS errors,"
    "         coalesce(sum(bytes), 0) AS bytes"
    "  FROM fetch GROUP BY minute ORDER BY minute;"
    /* state 1: queued, in flight or waiting for a retry */
    "CREATE VIEW IF NOT EXISTS frontier AS"
    "  SELECT substr(url, 1, instr(substr(url, 9), '/') + 7) AS host,"
    "         count(*) AS queued, min(depth) AS min_depth"
    "  FROM url WHERE state = 1 GROUP BY host ORDER BY queued DESC, host;"
    /* duration_s and pages are NULL while a run goes on or after a crash */
    "CREATE VIEW IF NOT EXISTS runs AS"
    "  SELECT id, started_at, ended_at, outcome,"
    "         round((julianday(ended_at) - julianday(started_at)) * 86400,"
    "               3) AS duration_s,"
    "         CASE WHEN json_valid(summary)"
    "              THEN json_extract(summary, '$.pages') END AS pages"
    "  FROM crawl ORDER BY id;";

#endif
