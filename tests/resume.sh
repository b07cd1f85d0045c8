#!/bin/sh
# Crash-safe resume: a crawl killed with SIGKILL at random moments and
# resumed each time ends with the same pages as an uninterrupted crawl,
# never requests a URL again once its page was committed, and leaves an
# intact database. Also a graceful stop (SIGINT) followed by --resume, and
# a frontier window small enough that most of the frontier lives on disk.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 99
command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed"; exit 77; }

start_server --hosts a.test,b.test --pages 400 --latency-ms 20 --error-rate 0.03 \
    --broken-rate 0.1
R="--resolve a.test:$PORT:127.0.0.1 --resolve b.test:$PORT:127.0.0.1"
OPTS="--headless --quiet -c 8 --retries 0 --frontier-window 64"
SEEDS="http://a.test:$PORT/ http://b.test:$PORT/"

# The reference: one uninterrupted crawl.
"$CRAWLTOP" $OPTS --db ref.db $R $SEEDS >ref.json 2>ref.err
check "reference crawl exits 0" 0 $?
sqlite3 ref.db "SELECT url || ' ' || coalesce(status, error) FROM pages ORDER BY url" >ref.txt
nref=$(wc -l <ref.txt)
[ "$nref" -gt 1500 ] && ok "reference crawl has $nref pages" || not_ok "reference has $nref pages"

# Counts so far, from the server (SIGUSR1 writes them atomically).
snapshot_counts() {
    rm -f counts.txt
    kill -USR1 "$SRV_PID"
    for _ in $(seq 1 100); do [ -s counts.txt ] && break; sleep 0.02; done
    cp counts.txt "$1"
}

# The same crawl, killed with SIGKILL at random moments, resumed each time.
DB=$T/kill.db
runs=0 kills=0 rc=1
first="$OPTS --db $DB $R $SEEDS"
args=$first
while [ $runs -lt 20 ]; do
    runs=$((runs + 1))
    "$CRAWLTOP" $args >run$runs.json 2>run$runs.err &
    cpid=$!
    if [ $kills -lt 4 ]; then
        # 0.2 .. 1.0 s into the run
        sleep "0.$(( (($(od -An -N2 -tu2 /dev/urandom) % 9) + 2) ))"
        if kill -KILL "$cpid" 2>/dev/null; then
            wait "$cpid" 2>/dev/null
            kills=$((kills + 1))
            # what the file holds now must never be requested again
            sqlite3 "$DB" "SELECT url FROM pages WHERE attempts > 0" >committed$kills.txt
            snapshot_counts counts$kills.txt
            check "integrity after kill $kills" ok "$(q "PRAGMA integrity_check")"
            # the seen-set index is derived data: lost, it is rebuilt
            [ $kills -eq 2 ] && rm -f "$DB-seen" "$DB-seen".*
            args="--resume --db $DB $OPTS $R"
            continue
        fi
    fi
    wait "$cpid"
    rc=$?
    break
done
check "resumed crawl finishes with exit 0 (after $kills kills)" 0 "$rc"
[ "$kills" -ge 3 ] && ok "killed $kills times" || not_ok "only $kills kills happened (crawl too fast?)"
sqlite3 "$DB" "SELECT url || ' ' || coalesce(status, error) FROM pages ORDER BY url" >got.txt
if cmp -s ref.txt got.txt; then
    ok "pages after kills and resumes equal the uninterrupted crawl"
else
    not_ok "pages differ from the uninterrupted crawl:"; diff ref.txt got.txt | head -10
fi
check "final integrity" ok "$(q "PRAGMA integrity_check")"
check "nothing left queued" 0 "$(q "SELECT count(*) FROM url WHERE state = 1")"
check "no URL recorded twice across the kills" 0 \
    "$(q "SELECT count(*) - count(DISTINCT url) FROM url")"
# its manifest: "merged ID HASH", then "run GEN PAIRS SUM" lines
check "the seen-set index holds every URL after the last run" \
    "$(q "SELECT count(*) || ' ' || max(id) FROM url")" \
    "$(awk '$1 == "run" { n += $3 } $1 == "merged" { id = $2 }
            END { print n " " id }' "$DB-seen")"
runs=$(awk '$1 == "run"' "$DB-seen" | wc -l)
files=$(ls "$DB-seen".* | grep -c '\.[0-9][0-9]*$')
check "every run file is listed in the manifest, and no other" "$runs" "$files"

snapshot_counts final.txt
again=0
for k in $(seq 1 "$kills"); do
    # requests counted for a URL after kill k: final - at kill k
    n=$(awk -F'\t' 'FNR == NR { at[$2] = $1; next }
                    ($2 in at) && $1 > at[$2] { print $2 }' \
            "counts$k.txt" final.txt | grep -F -x -f "committed$k.txt" | wc -l)
    again=$((again + n))
done
check "no committed URL requested again after a kill" 0 "$again"

# A graceful stop (SIGINT), then --resume.
DB=$T/int.db
"$CRAWLTOP" $OPTS --db "$DB" $R $SEEDS >int1.json 2>&1 &
cpid=$!
sleep 0.5
# a second crawl on the same file is refused while the first runs
"$CRAWLTOP" --resume --db "$DB" --quiet >/dev/null 2>second.err
check "a second crawltop on a database in use exits 2" 2 $?
grep -q "in use by another crawltop" second.err &&
    ok "and says the database is in use" ||
    not_ok "second crawl said: $(cat second.err)"
kill -INT "$cpid"
wait "$cpid"
check "SIGINT stop exits 130" 130 $?
check "the stopped run is recorded" stopped "$(q "SELECT outcome FROM crawl ORDER BY id LIMIT 1")"
"$CRAWLTOP" --resume --db "$DB" --quiet >int2.json 2>int2.err
check "--resume needs no seed and finishes" 0 $?
sqlite3 "$DB" "SELECT url || ' ' || coalesce(status, error) FROM pages ORDER BY url" >got2.txt
cmp -s ref.txt got2.txt && ok "pages after stop and resume equal the reference" ||
    not_ok "pages after SIGINT + resume differ"
check "the resumed run kept the stored settings" 64 \
    "$(q "SELECT json_extract(settings, '$.frontier_window') FROM crawl ORDER BY id DESC LIMIT 1")"

# --resume of something that is not a crawl database
: >empty.db
"$CRAWLTOP" --resume --db empty.db >/dev/null 2>err.txt
check "--resume of a non-crawl file is a usage error" 2 $?
finish
