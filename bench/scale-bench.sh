#!/usr/bin/env bash
# scale-bench.sh - does the crawl slow down or grow as it knows more URLs?
#
# Crawls a synthetic host whose pages each carry LINKS random links into a
# 100 M-page site, so nearly every link is a new URL: 200 links a page
# means 10 k known URLs after 50 pages, 1 M after 5,000, 10 M after 50,000.
# Every run starts from an empty database. The pace at each size:
#
#   10 k:  crawls to 50 and to 1,050 pages; pace = 1,000 pages divided by
#          the difference of their median durations (of three each; known
#          10 k -> 210 k; start-up cancels out)
#   1 M:   pages 5,000 -> 10,000 of a crawl to 50,000 (known 1 M -> 2 M)
#   10 M:  pages 40,000 -> 50,000 of the same crawl (known 8 M -> 10 M)
#
# from the crawl's own per-second progress lines (interpolated). Peak RSS
# of the crawls to 1,050, 5,000 and 50,000 pages. Each figure is the median
# of RUNS rounds; the ratios are to the 10 k pace of the same rounds.
#
#   bench/scale-bench.sh [--runs 3] [--links 200] [-c 16]
#
# About 30 s a round on a 2-core machine, 1 GB of database in /tmp.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
crawltop=$top/src/crawltop testsrv=$top/tests/testsrv
links=200 conc=16 runs=3
while [ $# -gt 0 ]; do
    case "$1" in
    --links) links=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -c) conc=$2; shift 2 ;;
    *) echo "scale-bench: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -x /usr/bin/time ] || { echo "scale-bench: needs GNU time (/usr/bin/time)" >&2; exit 2; }
w=$(mktemp -d /tmp/scale-bench.XXXXXX)
srv=
cleanup() { [ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null; rm -rf "$w"; }
trap cleanup EXIT
"$testsrv" --port-file "$w/port" --no-counts --max-conns 4096 \
    --host "big.test:pages=100000000:links=$links" >/dev/null 2>&1 &
srv=$!
for _ in $(seq 100); do [ -s "$w/port" ] && break; sleep 0.05; done
port=$(cat "$w/port")

# crawl N: fresh database, N pages; leaves out.json, err.txt, rss (KB)
crawl() {
    rm -f "$w"/s.db*
    /usr/bin/time -f %M -o "$w/rss" "$crawltop" --headless --db "$w/s.db" \
        -c "$conc" --per-domain "$conc" --no-robots --max-pages "$1" \
        --resolve "big.test:$port:127.0.0.1" "http://big.test:$port/" \
        >"$w/out.json" 2>"$w/err.txt"
}
field() { sed -n "s/.*\"$1\":\\([0-9.]*\\).*/\\1/p" "$w/out.json"; }
# pages/s between page counts $1 and $2, from the progress lines
# "[   12.3s] running: pages 1234 ..." (linear interpolation)
window() {
    grep '^\[' "$w/err.txt" | awk -v a="$1" -v b="$2" '
        { t = $2; sub(/s\]/, "", t); p = $5 + 0; t += 0
          if (n > 0) {
              if (pp < a && p >= a) ta = pt + (t - pt) * (a - pp) / (p - pp)
              if (pp < b && p >= b) tb = pt + (t - pt) * (b - pp) / (p - pp)
          }
          pt = t; pp = p; n++ }
        END { if (ta == "" || tb == "" || tb <= ta) print "nan"
              else printf "%.0f", (b - a) / (tb - ta) }'
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2];
          else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

p10k="" p1m="" p10m="" r10k="" r1m="" r10m="" rss10k="" rss1m="" rss10m="" known=""
for r in $(seq "$runs"); do
    # the small crawls take a fraction of a second: three of each
    t50="" t1050=""
    for _ in 1 2 3; do
        crawl 50; t50="$t50 $(field elapsed_s)"
        crawl 1050; t1050="$t1050 $(field elapsed_s)"
    done
    rss10k="$rss10k $(cat "$w/rss")"
    t50=$(echo $t50 | median) t1050=$(echo $t1050 | median)
    crawl 5000; rss1m="$rss1m $(cat "$w/rss")"
    crawl 50000; rss10m="$rss10m $(cat "$w/rss")"; known=$(field known_urls)
    a=$(awk -v x="$t50" -v y="$t1050" 'BEGIN { printf "%.0f", 1000 / (y - x) }')
    b=$(window 5000 10000) c=$(window 40000 50000)
    printf 'round %d: pace 10k %s, 1M %s, 10M %s pages/s (known at the end %s)\n' \
        "$r" "$a" "$b" "$c" "$known" >&2
    p10k="$p10k $a" p1m="$p1m $b" p10m="$p10m $c"
    r1m="$r1m $(awk -v x="$b" -v y="$a" 'BEGIN { printf "%.3f", x / y }')"
    r10m="$r10m $(awk -v x="$c" -v y="$a" 'BEGIN { printf "%.3f", x / y }')"
done
printf '%-22s %12s %14s %12s\n' "known URLs" "pages/s" "ratio to 10k" "peak RSS MB"
printf '%-22s %12s %14s %12s\n' "10 k (-> 210 k)" "$(echo $p10k | median)" 1 \
    "$(( $(echo $rss10k | median | cut -d. -f1) / 1024 ))"
printf '%-22s %12s %14s %12s\n' "1 M (1 -> 2 M)" "$(echo $p1m | median)" \
    "$(echo $r1m | median)" "$(( $(echo $rss1m | median | cut -d. -f1) / 1024 ))"
printf '%-22s %12s %14s %12s\n' "10 M (8 -> $((known / 1000000)) M)" \
    "$(echo $p10m | median)" "$(echo $r10m | median)" \
    "$(( $(echo $rss10m | median | cut -d. -f1) / 1024 ))"
