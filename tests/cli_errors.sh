#!/bin/sh
# Every bad command-line input gets one line on stderr naming the problem
# and exit status 2, before any thread starts (no database is created).
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 99

# expect_usage_error DESCRIPTION PATTERN ARGS...
expect_usage_error() {
    desc=$1 pat=$2
    shift 2
    "$CRAWLTOP" --headless "$@" >out.txt 2>err.txt
    rc=$?
    lines=$(wc -l <err.txt)
    if [ "$rc" -ne 2 ]; then
        not_ok "$desc: exit $rc, expected 2 ($(cat err.txt))"
    elif [ "$lines" -ne 1 ]; then
        not_ok "$desc: $lines lines on stderr, expected 1"
    elif ! grep -q -- "$pat" err.txt; then
        not_ok "$desc: stderr '$(cat err.txt)' does not mention '$pat'"
    else
        ok "$desc"
    fi
}

expect_usage_error "unknown option" "--bogus" --bogus http://a.test/
expect_usage_error "missing value" "--depth" http://a.test/ --depth
expect_usage_error "bad number" "concurrency" --concurrency 12x http://a.test/
expect_usage_error "zero concurrency" "concurrency" -c 0 http://a.test/
expect_usage_error "negative depth" "depth" --depth -1 http://a.test/
expect_usage_error "bad delay" "delay" --delay fast http://a.test/
expect_usage_error "bad order" "order" --order random http://a.test/
expect_usage_error "bad regex" "bad regex '(unclosed'" --deny '(unclosed' http://a.test/
expect_usage_error "non-http seed" "ftp://a.test/" ftp://a.test/
expect_usage_error "malformed seed" "http://\[zz/" 'http://[zz/'
expect_usage_error "seed without host" "malformed" 'http://'
expect_usage_error "no seed" "no seed URL"
expect_usage_error "malformed --resolve" "--resolve" --resolve a.test:80 http://a.test/
expect_usage_error "--resolve bad port" "--resolve" --resolve a.test:99999:127.0.0.1 http://a.test/
expect_usage_error "--resolve bad address" "--resolve" --resolve a.test:80:not-an-ip http://a.test/
expect_usage_error "unwritable --db" "$T/no/such/dir/x.db" --db "$T/no/such/dir/x.db" http://a.test/
expect_usage_error "missing --seeds file" "nope.txt" --seeds nope.txt
printf 'http://ok.test/\nmailto:x@y.test\n' >seeds.txt
expect_usage_error "bad line in --seeds" "seeds.txt:2" --seeds seeds.txt
printf 'concurrency = 4\nbogus = 1\n' >bad.conf
expect_usage_error "unknown setting in --config" "bad.conf:2" --config bad.conf http://a.test/

if [ -e crawl.db ]; then not_ok "no database created on usage errors"; else ok "no database created on usage errors"; fi

"$CRAWLTOP" --help >help.txt 2>&1
rc=$?
check "--help exits 0" 0 "$rc"
n=$(wc -l <help.txt)
if [ "$n" -le 40 ]; then ok "--help fits one screen ($n lines)"; else not_ok "--help is $n lines"; fi
for opt in headless db concurrency per-domain delay no-randomize-delay depth max-pages \
    order seeds allow-host allow deny timeout max-size user-agent resolve config demo; do
    grep -q -- "--$opt" help.txt || not_ok "--help lists --$opt"
done
ok "--help lists every option"
"$CRAWLTOP" --version >ver.txt
check "--version prints the name" "crawltop" "$(cut -d' ' -f1 ver.txt)"
finish
