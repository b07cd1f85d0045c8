#!/usr/bin/env bash
# crawl-bench.sh - crawl a generated site on loopback and report pages/s,
# CPU seconds per 1000 pages and peak RSS, for crawltop and the peers
# (wrk ceiling, wget2, Scrapy, ...) measured in the same run.
#
#   bench/crawl-bench.sh [--pages 20000] [--concurrency 16,64] [--runs 3]
#                        [--peers wrk,wget2,wget2-nosave,scrapy]
#                        [--backend nginx|slow] [--delay-ms 50] [--out DIR]
#
# Needs ../shared/bench beside the checkout (gen-site, serve, peers; see its
# README), nginx, wrk, wget2 and python3-scrapy for the peers, and the host
# names in /etc/hosts for the peers that resolve names themselves (crawltop
# uses --resolve). Builds nothing: run `make` first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bench=${BENCH_DIR:-$(cd "$top/../shared/bench" 2>/dev/null && pwd || true)}
[ -n "$bench" ] && [ -x "$bench/peers" ] || {
    echo "crawl-bench: ../shared/bench not found (set BENCH_DIR)" >&2; exit 2; }
crawltop="$top/src/crawltop"
[ -x "$crawltop" ] || { echo "crawl-bench: build first (make)" >&2; exit 2; }

pages=20000 conc=16,64 runs=3 peers=wrk,wget2,wget2-nosave,scrapy
backend=nginx delay=50 out=""
while [ $# -gt 0 ]; do
    case "$1" in
    --pages) pages=$2; shift 2 ;;
    --concurrency) conc=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --peers) peers=$2; shift 2 ;;
    --backend) backend=$2; shift 2 ;;
    --delay-ms) delay=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "crawl-bench: unknown option $1" >&2; exit 2 ;;
    esac
done
work=${CRAWL_BENCH_WORK:-/tmp/crawltop-bench}
site="$work/site-$pages"
out=${out:-$work/results-$(date +%Y%m%d-%H%M%S)-$backend-$pages}
mkdir -p "$work"
if [ ! -f "$site/site.json" ]; then
    python3 "$bench/gen-site" --pages "$pages" "$site"
fi
hosts=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["hosts"]))' "$site/site.json")
port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$site/site.json")
for h in $hosts; do
    grep -q "[[:space:]]$h\([[:space:]]\|$\)" /etc/hosts 2>/dev/null ||
        echo "crawl-bench: note: $h is not in /etc/hosts; peers other than crawltop will fail" >&2
done
resolve=""
for h in $hosts; do resolve="$resolve --resolve $h:$port:127.0.0.1"; done
cmd="$crawltop --headless --quiet --seeds {seeds} -c {concurrency} --per-domain {concurrency} --db {out}/results.sqlite$resolve"
extra=()
[ "$backend" = slow ] && extra=(--delay-ms "$delay")
"$bench/peers" "$site" --peers "$peers,crawltop" --custom "crawltop=$cmd" \
    --concurrency "$conc" --runs "$runs" --backend "$backend" "${extra[@]}" \
    --out "$out"
echo
cat "$out/summary.md"
