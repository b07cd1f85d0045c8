#!/usr/bin/env bash
# scale-bench.sh - memory and speed as the number of known URLs grows.
# Crawls a synthetic host whose pages each carry LINKS random links into a
# huge site (so nearly every link is a new URL) up to PAGES fetched pages,
# for each PAGES given, and prints known URLs, peak RSS, overall pages/s
# and the pages/s of the last 10 seconds (the pace at that size).
#
#   bench/scale-bench.sh [--links 200] [--pages 50,5000,50000] [-c 16]
#
# With 200 links a page: 50 pages ~ 10 k known URLs, 5000 ~ 1 M,
# 50000 ~ 10 M (about 3 minutes and 1.2 GB of database on a 2-core machine).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
crawltop=$top/src/crawltop testsrv=$top/tests/testsrv
links=200 pages_list=50,5000,50000 conc=16
while [ $# -gt 0 ]; do
    case "$1" in
    --links) links=$2; shift 2 ;;
    --pages) pages_list=$2; shift 2 ;;
    -c) conc=$2; shift 2 ;;
    *) echo "scale-bench: unknown option $1" >&2; exit 2 ;;
    esac
done
w=$(mktemp -d /tmp/scale-bench.XXXXXX)
srv=
cleanup() { [ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null; rm -rf "$w"; }
trap cleanup EXIT
"$testsrv" --port-file "$w/port" --no-counts --max-conns 4096 \
    --host "big.test:pages=100000000:links=$links" >/dev/null 2>&1 &
srv=$!
for _ in $(seq 100); do [ -s "$w/port" ] && break; sleep 0.05; done
port=$(cat "$w/port")
printf '%8s %12s %10s %12s %14s\n' pages known_urls rss_MB pages/s last10s_pages/s
for n in ${pages_list//,/ }; do
    rm -f "$w"/s.db*
    # peak RSS from GNU time when installed, else sampled from /proc
    timer=()
    [ -x /usr/bin/time ] && timer=(/usr/bin/time -f %M -o "$w/rss")
    "${timer[@]}" "$crawltop" --headless --db "$w/s.db" -c "$conc" \
        --per-domain "$conc" --no-robots --max-pages "$n" \
        --resolve "big.test:$port:127.0.0.1" "http://big.test:$port/" \
        >"$w/out.json" 2>"$w/err.txt" &
    pid=$!
    peak=0
    while kill -0 "$pid" 2>/dev/null; do
        kb=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
        sleep 0.2
    done
    wait "$pid"
    [ -s "$w/rss" ] && peak=$(tail -1 "$w/rss")
    known=$(sed -n 's/.*"known_urls":\([0-9]*\).*/\1/p' "$w/out.json")
    pps=$(sed -n 's/.*"pages_per_s":\([0-9.]*\).*/\1/p' "$w/out.json")
    # pages done 10 s before the end and at the end, from the progress lines
    last=$(grep '^\[' "$w/err.txt" | awk '{ t = $2; sub(/s\]/, "", t); p = $5;
        ts[NR] = t + 0; ps[NR] = p + 0 }
        END { if (NR < 2) { print "-"; exit }
              i = NR; while (i > 1 && ts[NR] - ts[i] < 10) i--;
              if (ts[NR] > ts[i]) printf "%.0f", (ps[NR] - ps[i]) / (ts[NR] - ts[i]);
              else print "-" }')
    printf '%8s %12s %10s %12s %14s\n' "$n" "$known" "$((peak / 1024))" "$pps" "$last"
done
