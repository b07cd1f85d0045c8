#!/usr/bin/env bash
# ui-bench.sh - does the dashboard slow the crawl? Crawls the same test site
# (HOSTS hosts, LAT ms per response) with --headless and with the dashboard
# (in a detached tmux terminal), RUNS times each, alternating, and prints
# pages/s of both and the CPU time of the dashboard's thread (the main
# thread: it only draws and reads keys) and of tmux, as shares of a core.
# Both runs happen inside tmux (see below).
#
#   bench/ui-bench.sh [--hosts 100] [--pages 200] [--latency-ms 20]
#                     [--concurrency 64] [--runs 3]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
crawltop=$top/src/crawltop testsrv=$top/tests/testsrv
nhosts=100 pages=200 lat=20 conc=64 runs=3
while [ $# -gt 0 ]; do
    case "$1" in
    --hosts) nhosts=$2; shift 2 ;;
    --pages) pages=$2; shift 2 ;;
    --latency-ms) lat=$2; shift 2 ;;
    --concurrency) conc=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "ui-bench: unknown option $1" >&2; exit 2 ;;
    esac
done
command -v tmux >/dev/null || { echo "ui-bench: needs tmux" >&2; exit 2; }
w=$(mktemp -d /tmp/ui-bench.XXXXXX)
sock=ui-bench-$$
srv=
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null || true
    [ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
    rm -rf "$w"
}
trap cleanup EXIT
hosts=$(seq 0 $((nhosts - 1)) | sed 's/^/h/; s/$/.test/' | paste -sd,)
"$testsrv" --port-file "$w/port" --no-counts --hosts "$hosts" --pages "$pages" \
    --latency-ms "$lat" --max-conns 4096 >/dev/null 2>&1 &
srv=$!
for _ in $(seq 100); do [ -s "$w/port" ] && break; sleep 0.05; done
port=$(cat "$w/port")
args=(-c "$conc" --per-domain 4)
for h in ${hosts//,/ }; do
    args+=(--resolve "$h:$port:127.0.0.1" "http://$h:$port/")
done
printf '%s\n' "${args[@]}" >"$w/args"

pps() { sqlite3 "$1" "SELECT json_extract(summary, '$.pages_per_s') FROM crawl"; }
ticks() { awk '{print $14 + $15}' "/proc/$1/task/$1/stat"; }
# the whole tmux server: the terminal that draws the dashboard
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

printf 'run  headless_pps  dashboard_pps  ratio  ui_cpu_%%  tmux_cpu_%%\n'
for r in $(seq "$runs"); do
    rm -f "$w"/h.db* "$w"/d.db*
    # --headless in the same kind of terminal: a process under tmux ran
    # about 7 % slower than one outside it on the 2-core reference machine,
    # dashboard or not, so both are measured inside tmux
    tmux -L "$sock" new-session -d -x 160 -y 50 \
        "xargs -d '\n' -a '$w/args' '$crawltop' --headless --quiet --db '$w/h.db' >/dev/null 2>&1; echo \$? > '$w/rc'"
    for _ in $(seq 6000); do [ -s "$w/rc" ] && break; sleep 0.1; done
    rm -f "$w/rc"
    tmux -L "$sock" kill-server 2>/dev/null || true
    h=$(pps "$w/h.db")
    tmux -L "$sock" new-session -d -x 160 -y 50 \
        "xargs -d '\n' -a '$w/args' '$crawltop' --db '$w/d.db'; echo \$? > '$w/rc'"
    pid=
    for _ in $(seq 100); do
        pid=$(pgrep -n -f -- "--db $w/d.db" || true)
        [ -n "$pid" ] && break; sleep 0.05
    done
    tpid=$(tmux -L "$sock" display -p '#{pid}')
    t0=$(date +%s.%N) c0=$(ticks "$pid") m0=$(proc_ticks "$tpid")
    # the dashboard stays up showing DONE: wait for the crawl row to end
    until [ "$(sqlite3 "$w/d.db" "SELECT outcome IS NOT NULL FROM crawl" 2>/dev/null)" = 1 ]; do
        sleep 0.2
    done
    c1=$(ticks "$pid") m1=$(proc_ticks "$tpid") t1=$(date +%s.%N)
    tmux -L "$sock" send-keys q
    for _ in $(seq 100); do [ -s "$w/rc" ] && break; sleep 0.1; done
    rm -f "$w/rc"
    tmux -L "$sock" kill-server 2>/dev/null || true
    d=$(pps "$w/d.db")
    hz=$(getconf CLK_TCK)
    awk -v r="$r" -v h="$h" -v d="$d" -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$hz" \
        -v m0="$m0" -v m1="$m1" \
        'BEGIN { printf "%3d  %12.1f  %13.1f  %5.3f  %7.2f  %9.2f\n", r, h, d, d / h, (c1 - c0) / hz / (t1 - t0) * 100, (m1 - m0) / hz / (t1 - t0) * 100 }'
done
