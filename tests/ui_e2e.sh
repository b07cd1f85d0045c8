#!/bin/sh
# The dashboard end to end: tmux runs crawltop on an 80x24 terminal against
# the test server; keys (+ ] Space p q) must show on the screen and take
# effect in the crawl (seen in the database), and q must end the crawl
# cleanly: exit status 0, the summary JSON after the screen closed, the
# terminal restored. Then a 429 with Retry-After must show as a WAIT
# countdown in the domain row and as a pending retry in the header.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 99

for tool in tmux sqlite3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool not found; skipped"
        exit 77
    fi
done

SOCK="crawltop-e2e-$$" # a private tmux server, killed on exit
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
e2e_cleanup() {
    tm kill-server 2>/dev/null
    cleanup
}
trap e2e_cleanup EXIT

SESSION=ui
screen() { tm capture-pane -p -t "$SESSION"; }
row() { screen | sed -n "$(($1 + 1))p"; }
stamp() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }

# wait_for DESCRIPTION PATTERN [SECONDS]: until the screen shows PATTERN.
wait_for() {
    n=$((${3:-10} * 10))
    while [ "$n" -gt 0 ]; do
        if screen | grep -q -- "$2"; then
            ok "$1"
            return 0
        fi
        sleep 0.1
        n=$((n - 1))
    done
    not_ok "$1: '$2' not on screen:"
    screen | sed 's/^/    /'
    return 1
}

# The DONE column of a domain row (name without the selection mark).
host_done() {
    screen | sed 's/^[> ]//' | awk -v h="$1" '$1 == h { print $3; exit }'
}

start_server --hosts a.test,b.test --pages 2000 --latency-ms 20
DB="$T/crawl.db"
cat >run.sh <<EOF
stty -g >"$T/stty.before"
"$CRAWLTOP" --db "$DB" -c 2 --per-domain 2 --no-randomize-delay \\
    --resolve a.test:$PORT:127.0.0.1 --resolve b.test:$PORT:127.0.0.1 \\
    http://a.test:$PORT/ http://b.test:$PORT/ 2>"$T/err.txt"
echo "EXIT=\$?"
stty -g >"$T/stty.after"
exec sleep 600
EOF
tm new-session -d -s ui -x 80 -y 24 "LANG=C.UTF-8 LC_ALL= sh $T/run.sh" ||
    exit 99

wait_for "dashboard is up" "crawltop .*RUNNING" 15 || exit 1
wait_for "both domains listed" "b.test:$PORT" 10
wait_for "robots.txt state in the domain row" "a.test:$PORT .* ok *\$" 10
check "status bar on the last row" yes \
    "$(row 23 | grep -q 'Quit.*Help' && echo yes)"
check "header on the first row" yes \
    "$(row 0 | grep -q '^crawltop' && echo yes)"

# + : one more fetcher, in the engine (active counts real fetchers)
tm send-keys -t ui +
wait_for "+ raises concurrency" "concurrency 3 (3 active)" 5
wait_for "+ is logged" "concurrency 2 -> 3" 2

# ] : global delay 0 -> 0.1 s
tm send-keys -t ui ']'
wait_for "] raises the delay" "delay 0.1s" 5
wait_for "] is logged" "delay 0 -> 0.1s" 2
sleep 0.5
t_delay=$(stamp)
sleep 1.5

# Space: pause; nothing is fetched while paused
tm send-keys -t ui Space
wait_for "Space pauses" "crawltop  PAUSED" 5
sleep 0.5
t_pause=$(stamp)
done1=$(row 0 | sed -n 's/.* done \([0-9]*\) .*/\1/p')
sleep 1.5
done2=$(row 0 | sed -n 's/.* done \([0-9]*\) .*/\1/p')
t_resume=$(stamp)
check "no page done while paused" "$done1" "$done2"
tm send-keys -t ui Space
wait_for "Space resumes" "crawltop  RUNNING" 5

# p: pause the selected domain (the marked row)
sel=$(screen | sed -n 's/^>\([^ ]*\) .*/\1/p' | head -1)
case $sel in
a.test:$PORT) other=b.test:$PORT ;;
*) other=a.test:$PORT ;;
esac
tm send-keys -t ui p
wait_for "p pauses the selected domain" "$sel paused" 5
wait_for "paused flag in the domain row" "^>$sel .* P\$" 3
sleep 0.5
t_hpause=$(stamp)
sel1=$(host_done "$sel")
other1=$(host_done "$other")
sleep 1.5
sel2=$(host_done "$sel")
other2=$(host_done "$other")
check "paused domain does no pages" "$sel1" "$sel2"
check "the other domain goes on" yes \
    "$([ "${other2:-0}" -gt "${other1:-0}" ] && echo yes)"
t_end=$(stamp)

# q: graceful stop; the screen closes when the engine is done
tm send-keys -t ui q
n=150
while [ "$n" -gt 0 ] && ! screen | grep -q '^EXIT='; do
    sleep 0.1
    n=$((n - 1))
done
check "exit status after q" "EXIT=0" "$(screen | grep '^EXIT=')"
summary=$(screen | grep '^{"outcome"' | head -1)
check "summary JSON printed after the screen" '"stopped"' \
    "$(printf '%s' "$summary" | sed -n 's/^{"outcome":\("[a-z-]*"\).*/\1/p')"
check "dashboard gone from the screen" "" \
    "$(screen | grep -e 'qQuit' -e 'RUNNING' -e 'STOPPING')"
check "alternate screen left" 0 "$(tm display -p -t ui '#{alternate_on}')"
check "cursor visible again" 1 "$(tm display -p -t ui '#{cursor_flag}')"
check "keypad mode off" 0 "$(tm display -p -t ui '#{keypad_cursor_flag}')"
check "tty modes restored" "$(cat stty.before 2>/dev/null)" \
    "$(cat stty.after 2>/dev/null)"
check "nothing on stderr" "" "$(cat err.txt)"

# what the engine did, from the database
check "crawl row ended as stopped" "stopped|1" \
    "$(q "SELECT outcome, ended_at IS NOT NULL FROM crawl")"
gap=$(q "SELECT CAST(min(gap) AS INTEGER) FROM (
           SELECT (julianday(fetched_at) - julianday(lag(fetched_at)
                   OVER (ORDER BY fetched_at))) * 86400000 AS gap
           FROM pages WHERE url LIKE 'http://$other/%' AND attempts > 0
           AND fetched_at > '$t_delay' AND fetched_at < '$t_pause')
         WHERE gap IS NOT NULL")
check "0.1 s delay honoured per host (min gap ${gap:-none} ms >= 60)" yes \
    "$([ -n "$gap" ] && [ "$gap" -ge 60 ] && echo yes)"
check "no fetch while the crawl was paused" 0 \
    "$(q "SELECT count(*) FROM pages WHERE attempts > 0 AND fetched_at > '$t_pause'
          AND fetched_at < '$t_resume'")"
check "no fetch of the paused domain" 0 \
    "$(q "SELECT count(*) FROM pages WHERE url LIKE 'http://$sel/%'
          AND attempts > 0 AND fetched_at > '$t_hpause' AND fetched_at < '$t_end'")"
check "the other domain fetched meanwhile" yes \
    "$([ "$(q "SELECT count(*) FROM pages WHERE url LIKE 'http://$other/%'
             AND fetched_at > '$t_hpause'")" -gt 0 ] && echo yes)"
pages=$(printf '%s' "$summary" | sed -n 's/.*"pages":\([0-9]*\).*/\1/p')
check "summary pages match the database" "$pages" \
    "$(q "SELECT count(*) FROM fetch")"

# A 429 with Retry-After 30 holds the host: its second URL waits, and WAIT
# counts down (one request at a time, so the second one is still queued).
cat >ra.sh <<EOF
"$CRAWLTOP" --db "$T/ra.db" -c 1 --per-domain 1 \\
    --resolve b.test:$PORT:127.0.0.1 \\
    http://b.test:$PORT/t/retry-after/30 http://b.test:$PORT/t/retry-after/31
exec sleep 600
EOF
tm new-session -d -s ra -x 80 -y 24 "LANG=C.UTF-8 LC_ALL= sh $T/ra.sh" ||
    exit 99
SESSION=ra
wait_for "Retry-After shows as a countdown" \
    "^>b.test:$PORT .* [23][0-9]s ok *\$" 10
wait_for "the retry is pending in the header" "retries 1 (1 pending)" 2
wait1=$(screen | sed -n "s/^>b.test:$PORT .* \([0-9]*\)s ok *\$/\1/p")
sleep 2.2
wait2=$(screen | sed -n "s/^>b.test:$PORT .* \([0-9]*\)s ok *\$/\1/p")
check "WAIT counts down (${wait1:-?}s, then ${wait2:-?}s)" yes \
    "$([ -n "$wait1" ] && [ -n "$wait2" ] && [ "$wait2" -lt "$wait1" ] &&
        echo yes)"
tm send-keys -t ra q

finish
