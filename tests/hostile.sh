#!/bin/sh
# Hostile servers and content: every case is recorded as an error (or as
# a page) and the crawl goes on, memory stays bounded, nothing stored is
# lost, and bytes from the network never reach the terminal raw.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 99
command -v sqlite3 >/dev/null || { echo "sqlite3 shell not installed"; exit 77; }

start_server --hosts a.test --pages 20 --blackhole-port-file "$T/bh"
for _ in $(seq 1 50); do [ -s "$T/bh" ] && break; sleep 0.05; done
BH=$(cat "$T/bh")
DB=$T/hostile.db
u="http://a.test:$PORT"
cat >seeds.txt <<SEEDS
http://bh.test:$BH/
$u/t/hang
$u/t/trickle
$u/t/endless
$u/t/big/20000000
$u/t/gzip-bomb
$u/t/redirect-loop
$u/t/redirect-ftp
$u/t/reset
$u/t/binary
$u/t/escape
$u/t/links/100000
$u/t/long-url
$u/t/status/200
SEEDS
nseeds=$(wc -l <seeds.txt)

"$CRAWLTOP" --headless --db "$DB" --seeds seeds.txt --depth 0 --no-robots \
    --retries 0 --timeout 4 --connect-timeout 1 --low-speed-time 2 \
    --max-size 8000000 -c 16 --resolve "a.test:$PORT:127.0.0.1" \
    --resolve "bh.test:$BH:127.0.0.1" >out.txt 2>err.txt &
cpid=$!
peak=0
while kill -0 "$cpid" 2>/dev/null; do
    kb=$(awk '/^VmHWM/ {print $2}' "/proc/$cpid/status" 2>/dev/null)
    [ -n "$kb" ] && peak=$kb
    sleep 0.1
done
wait "$cpid"
check "crawl of hostile servers exits 0" 0 $?
grep -q '"outcome":"done"' out.txt && ok "crawl went on to the end" || not_ok "summary: $(cat out.txt)"
# sanitizers keep freed memory in quarantine and add shadow memory
limit=200
[ -n "${CRAWLTOP_SAN:-}" ] && limit=2000
if [ "$peak" -gt 0 ] && [ "$peak" -lt $((limit * 1024)) ]; then
    ok "peak memory bounded ($((peak / 1024)) MB < $limit MB)"
else
    not_ok "peak memory $((peak / 1024)) MB (limit $limit MB)"
fi

err() { q "SELECT substr(error, 1, instr(error, ':') - 1) FROM pages WHERE url = '$1'"; }
check "connect time-out" timeout "$(err "http://bh.test:$BH/")"
# the low-speed limit (2 s) fires before the time-out (4 s)
check "server that never answers" slow "$(err "$u/t/hang")"
check "trickling body (low-speed limit)" slow "$(err "$u/t/trickle")"
check "endless body" too-large "$(err "$u/t/endless")"
check "body over --max-size" too-large "$(err "$u/t/big/20000000")"
check "gzip bomb (size after decoding)" too-large "$(err "$u/t/gzip-bomb")"
check "redirect loop" redirects "$(err "$u/t/redirect-loop")"
check "redirect to a non-http scheme" scheme "$(err "$u/t/redirect-ftp")"
check "reset mid-transfer" network "$(err "$u/t/reset")"
check "binary labelled text/html is a page" "200|" \
    "$(q "SELECT status, error FROM pages WHERE url = '$u/t/binary'")"
check "100,000-link page: every link recorded" 100000 \
    "$(q "SELECT count(*) FROM links WHERE src = '$u/t/links/100000'")"
check "a link over 8 KiB is dropped, the page's other link kept" 1 \
    "$(q "SELECT count(*) FROM links WHERE src = '$u/t/long-url'")"
check "no stored URL over 8 KiB" 0 "$(q "SELECT count(*) FROM url WHERE length(url) >= 8192")"
check "escape sequences in the title are stored as they are" 1 \
    "$(q "SELECT instr(title, char(27)) > 0 FROM pages WHERE url = '$u/t/escape'")"
check "links with escapes and invalid UTF-8 stored percent-encoded" 0 \
    "$(q "SELECT count(*) FROM url WHERE url GLOB '*[^ -~]*'")"
check "every seed has its row" "$nseeds" "$(q "SELECT count(*) FROM pages")"
check "database intact" ok "$(q "PRAGMA integrity_check")"
esc=$(printf '\033')
if grep -q "$esc" out.txt err.txt; then not_ok "raw ESC printed"; else ok "no raw ESC byte printed"; fi
finish
