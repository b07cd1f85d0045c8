#!/bin/sh
# End to end, as a user runs it: crawltop --headless crawls the test server
# on 127.0.0.1; the JSON summary, the exit status, the progress lines and
# the database (queried with the sqlite3 shell) must match the site's own
# expected crawl, with no URL requested twice.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 99
command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed"; exit 77; }

HOSTS=a.test,b.test,c.test
start_server --hosts "$HOSTS" --pages 150 --latency-ms 2 --error-rate 0.05 --broken-rate 0.1
R="--resolve a.test:$PORT:127.0.0.1 --resolve b.test:$PORT:127.0.0.1 --resolve c.test:$PORT:127.0.0.1"
DB=$T/crawl.db

# The crawl: a.test and b.test (c.test is linked to, but out of scope).
# Seeds in odd forms normalise to the same pages.
"$CRAWLTOP" --headless --db "$DB" -c 8 --retries 0 $R "http://A.TEST:$PORT/./#top" \
    "http://b.test:$PORT" >summary.json 2>progress.txt
rc=$?
check "headless crawl exits 0" 0 "$rc"
check "summary is one line" 1 "$(wc -l <summary.json)"
grep -q '"outcome":"done"' summary.json && ok "summary says done" || not_ok "summary: $(cat summary.json)"
grep -q '^\[ *[0-9.]*s\] .*pages [0-9]* (.*/s) queued [0-9]* in-flight [0-9]* errors [0-9]*' progress.txt &&
    ok "progress lines on stderr" || not_ok "progress lines: $(head -3 progress.txt)"
stop_server

"$TESTSRV" --port "$PORT" --hosts "$HOSTS" --pages 150 --error-rate 0.05 --broken-rate 0.1 \
    --expected expected.txt --scope a.test,b.test --robots \
    --seed "http://a.test:$PORT/" --seed "http://b.test:$PORT/" || exit 99
q "SELECT status || '	' || url FROM pages WHERE error IS NULL OR error NOT LIKE 'robots:%'" >got.txt
sort expected.txt >exp.sorted
sort got.txt >got.sorted
if cmp -s exp.sorted got.sorted; then
    ok "pages equal the expected crawl ($(wc -l <got.sorted) URLs with their statuses)"
else
    not_ok "pages differ from the expected crawl:"; diff exp.sorted got.sorted | head -20
fi
check "robots.txt disallowed URLs recorded, not fetched" 0 \
    "$(q "SELECT count(*) FROM pages WHERE url LIKE '%/private/%' AND (error NOT LIKE 'robots:%' OR status IS NOT NULL)")"
[ "$(q "SELECT count(*) FROM pages WHERE error LIKE 'robots:%'")" -gt 0 ] &&
    ok "some URLs skipped by robots.txt" || not_ok "no URL skipped by robots.txt"
check "robots.txt never requested twice" 0 "$(grep -c '^[2-9][0-9]*	.*robots.txt' counts.txt)"
check "no disallowed URL requested" 0 "$(grep -c '/private/' counts.txt)"
pages=$(q "SELECT count(*) FROM pages")
grep -q "\"pages\":$pages," summary.json && ok "summary counts the pages" || not_ok "summary pages != $pages"
twice=$(awk -F'\t' '$1 > 1' counts.txt | wc -l)
check "no URL requested twice" 0 "$twice"
check "out-of-scope host never requested" 0 "$(grep -c 'c\.test' counts.txt)"
check "out-of-scope links recorded" 1 "$(q "SELECT count(*) > 0 FROM links WHERE dst LIKE 'http://c.test:%'")"
check "seed normalised" 1 "$(q "SELECT count(*) FROM pages WHERE url = 'http://a.test:$PORT/'")"
check "no fragments stored" 0 "$(q "SELECT count(*) FROM url WHERE url LIKE '%#%'")"
check "5xx pages recorded with status, no error" 0 \
    "$(q "SELECT count(*) FROM pages WHERE status >= 500 AND error IS NOT NULL")"
check "fetched_at is ISO 8601 UTC" 0 \
    "$(q "SELECT count(*) FROM pages WHERE fetched_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'")"
check "journal is WAL" wal "$(q "PRAGMA journal_mode")"
check "crawl row records the run" "done" "$(q "SELECT outcome FROM crawl")"

# --deny and --allow-host: c.test joins, /p/1 pages are never fetched.
start_server --hosts "$HOSTS" --pages 60
R="--resolve a.test:$PORT:127.0.0.1 --resolve b.test:$PORT:127.0.0.1 --resolve c.test:$PORT:127.0.0.1"
DB=$T/scope.db
"$CRAWLTOP" --headless --quiet --db "$DB" $R --allow-host c.test --deny '/p/1[0-9]*\.html' \
    "http://a.test:$PORT/" >/dev/null 2>&1
check "scope crawl exits 0" 0 $?
check "--allow-host adds a host" 1 "$(q "SELECT count(*) > 0 FROM pages WHERE url LIKE 'http://c.test:%'")"
check "--deny keeps URLs out" 0 "$(q "SELECT count(*) FROM pages WHERE url GLOB '*/p/1*.html*'")"
check "denied links still recorded" 1 "$(q "SELECT count(*) > 0 FROM links WHERE dst GLOB '*/p/1*.html'")"

# Reading while the crawl writes never reports a locked database.
DB=$T/live.db
"$CRAWLTOP" --headless --quiet --db "$DB" $R --delay 0.01 --per-domain 1 -c 2 \
    "http://a.test:$PORT/" "http://b.test:$PORT/" >/dev/null 2>&1 &
cpid=$!
locked=0 reads=0
while kill -0 "$cpid" 2>/dev/null; do
    if [ -f "$DB" ]; then
        out=$(sqlite3 -batch "$DB" "SELECT count(*) FROM pages" 2>&1) || true
        case "$out" in *locked*|*busy*) locked=$((locked + 1)) ;; [0-9]*) reads=$((reads + 1)) ;; esac
    fi
    sleep 0.02
done
wait "$cpid"
check "concurrent sqlite3 reads never locked" 0 "$locked"
[ "$reads" -gt 3 ] && ok "read the database $reads times during the crawl" || not_ok "only $reads reads"

# A host whose robots.txt cannot be had is retried (--retries), then given
# up: its URLs are recorded as skipped, never requested, and the crawl ends.
DB=$T/gone.db
"$CRAWLTOP" --headless --quiet --db "$DB" --retry-delay 0.05 \
    --resolve "gone.test:1:127.0.0.1" "http://gone.test:1/" "http://gone.test:1/x" \
    >gone.json 2>&1
check "crawl of a host without reachable robots.txt ends" 0 $?
check "its URLs are skipped as robots-unreachable" 2 \
    "$(q "SELECT count(*) FROM pages WHERE error = 'robots: robots.txt unreachable' AND attempts = 0")"

# SIGINT stops gracefully: exit 130, summary printed, pages committed.
stop_server
start_server --hosts a.test --pages 3000 --latency-ms 50
DB=$T/int.db
"$CRAWLTOP" --headless --quiet --db "$DB" --resolve "a.test:$PORT:127.0.0.1" \
    "http://a.test:$PORT/" >int.json 2>int.err &
cpid=$!
sleep 1.5
kill -INT "$cpid"
wait "$cpid"
check "SIGINT exits 130" 130 $?
grep -q '"outcome":"stopped"' int.json && ok "summary after SIGINT says stopped" || not_ok "summary: $(cat int.json)"
n=$(q "SELECT count(*) FROM pages")
grep -q "\"pages\":$n," int.json && ok "every page counted is committed ($n)" || not_ok "db has $n pages; $(cat int.json)"
check "integrity after stop" ok "$(q "PRAGMA integrity_check")"
finish
