/* SPDX-License-Identifier: MIT */
/*
 * test_config.c - command line and --config / --seeds files: defaults,
 * every option, normalised seeds, and one-line causes for every mistake.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

/* --- harness ------------------------------------------------------------ */

struct fx {
    struct config c;
    char *cause;
    char files[4][64];
    int n_files;
    /* argv copies live until teardown: getopt may keep pointers into
     * them between calls */
    char *keep[512];
    int n_keep;
};

static struct fx *fx; /* of the running test */

static int
setup(void **state)
{
    (void)state;
    fx = calloc(1, sizeof(*fx));
    assert_non_null(fx);
    config_init(&fx->c);
    return 0;
}

static int
teardown(void **state)
{
    int i;

    (void)state;
    for (i = 0; i < fx->n_files; i++)
        unlink(fx->files[i]);
    for (i = 0; i < fx->n_keep; i++)
        free(fx->keep[i]);
    config_fini(&fx->c);
    free(fx->cause);
    free(fx);
    fx = NULL;
    return 0;
}

/* A temporary file holding content; removed by teardown. */
static const char *
temp_file(const char *content)
{
    char *path;
    int fd;
    FILE *f;

    assert_true(fx->n_files < 4);
    path = fx->files[fx->n_files++];
    snprintf(path, 64, "/tmp/crawltop-test-config-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    return path;
}

/* Parse a NULL-terminated argument list (argv[0] added) into a fresh
 * config. getopt_long permutes argv, so it gets its own copy. */
static enum config_result
parse_list(const char *const *args)
{
    char *argv[64];
    int argc = 0, i;
    enum config_result r;

    config_fini(&fx->c);
    config_init(&fx->c);
    free(fx->cause);
    fx->cause = NULL;
    argv[argc++] = strdup("crawltop");
    for (i = 0; args[i] != NULL; i++) {
        assert_true(argc < 63);
        argv[argc++] = strdup(args[i]);
    }
    argv[argc] = NULL;
    r = config_parse(&fx->c, argc, argv, &fx->cause);
    for (i = 0; i < argc; i++) {
        assert_true(fx->n_keep < 512);
        fx->keep[fx->n_keep++] = argv[i];
    }
    if (r == CONFIG_ERROR) {
        assert_non_null(fx->cause);
        assert_true(fx->cause[0] != '\0');
        assert_null(strchr(fx->cause, '\n')); /* one line */
    }
    return r;
}

#define PARSE(...) parse_list((const char *const[]){__VA_ARGS__, NULL})

/* Expect CONFIG_ERROR with a cause containing each of the given strings. */
static void
expect_error_list(enum config_result r, const char *const *needles)
{
    int i;

    if (r != CONFIG_ERROR)
        fail_msg("expected CONFIG_ERROR, got %d", (int)r);
    for (i = 0; needles[i] != NULL; i++)
        if (strstr(fx->cause, needles[i]) == NULL)
            fail_msg("cause \"%s\" does not mention \"%s\"", fx->cause,
                     needles[i]);
}

#define EXPECT_ERROR(r, ...)                                                   \
    expect_error_list((r), (const char *const[]){__VA_ARGS__, NULL})

#define SEED "http://a.test/"

/* --- defaults and options ----------------------------------------------- */

static void
config_defaults_apply_with_only_a_seed(void **state)
{
    struct config *c = &fx->c;

    (void)state;
    assert_int_equal(PARSE(SEED), CONFIG_OK);
    assert_null(fx->cause);
    assert_int_equal(c->seeds.n, 1);
    assert_string_equal(c->seeds.v[0], SEED);
    assert_int_equal(c->concurrency, 16);
    assert_int_equal(c->per_domain, 8);
    assert_int_equal(c->delay_ms, 0);
    assert_true(c->randomize_delay);
    assert_int_equal(c->max_depth, -1);
    assert_true(c->max_pages == -1);
    assert_int_equal(c->order, ORDER_BFS);
    assert_int_equal(c->timeout_s, 30);
    assert_int_equal(c->connect_timeout_s, 10);
    assert_true(c->max_size == 10 * 1024 * 1024);
    assert_string_equal(c->db_path, "crawl.db");
    assert_string_equal(c->user_agent, "crawltop/" CRAWLTOP_VERSION);
    assert_int_equal(strncmp(c->user_agent, "crawltop/", 9), 0);
    assert_false(c->headless);
    assert_false(c->demo);
    assert_false(c->quiet);
    assert_int_equal(c->allow_host.n, 0);
    assert_int_equal(c->allow_re.n, 0);
    assert_int_equal(c->deny_re.n, 0);
    assert_int_equal(c->resolve.n, 0);
}

static void
config_parses_every_option(void **state)
{
    struct config *c = &fx->c;

    (void)state;
    assert_int_equal(
        PARSE("--headless", "--db", "out.db", "--concurrency", "32",
              "--per-domain", "2", "--delay", "1.5", "--no-randomize-delay",
              "--depth", "3", "--max-pages", "100", "--order", "dfs",
              "--allow-host", "Extra.TEST", "--allow", "^https?://a\\.test/",
              "--deny", "\\.pdf$", "--deny", "logout", "--timeout", "5",
              "--connect-timeout", "3", "--max-size", "1000", "--user-agent",
              "bot/2 (+http://x.test)", "--resolve", "a.test:80:127.0.0.1",
              "--quiet", SEED),
        CONFIG_OK);
    assert_true(c->headless);
    assert_string_equal(c->db_path, "out.db");
    assert_int_equal(c->concurrency, 32);
    assert_int_equal(c->per_domain, 2);
    assert_int_equal(c->delay_ms, 1500);
    assert_false(c->randomize_delay);
    assert_int_equal(c->max_depth, 3);
    assert_true(c->max_pages == 100);
    assert_int_equal(c->order, ORDER_DFS);
    assert_int_equal(c->allow_host.n, 1);
    assert_string_equal(c->allow_host.v[0], "extra.test");
    assert_int_equal(c->allow_re.n, 1);
    assert_string_equal(c->allow_re.v[0], "^https?://a\\.test/");
    assert_int_equal(c->deny_re.n, 2);
    assert_string_equal(c->deny_re.v[1], "logout");
    assert_int_equal(c->timeout_s, 5);
    assert_int_equal(c->connect_timeout_s, 3);
    assert_true(c->max_size == 1000);
    assert_string_equal(c->user_agent, "bot/2 (+http://x.test)");
    assert_int_equal(c->resolve.n, 1);
    assert_string_equal(c->resolve.v[0], "a.test:80:127.0.0.1");
    assert_true(c->quiet);
    assert_int_equal(c->seeds.n, 1);
}

static void
config_short_c_sets_concurrency(void **state)
{
    (void)state;
    assert_int_equal(PARSE("-c", "4", SEED), CONFIG_OK);
    assert_int_equal(fx->c.concurrency, 4);
    assert_int_equal(PARSE("-c7", SEED), CONFIG_OK);
    assert_int_equal(fx->c.concurrency, 7);
    assert_int_equal(PARSE("--concurrency=1024", SEED), CONFIG_OK);
    assert_int_equal(fx->c.concurrency, 1024);
}

static void
config_delay_is_seconds_to_milliseconds(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--delay", "0.25", SEED), CONFIG_OK);
    assert_int_equal(fx->c.delay_ms, 250);
    assert_int_equal(PARSE("--delay", "2", SEED), CONFIG_OK);
    assert_int_equal(fx->c.delay_ms, 2000);
    assert_int_equal(PARSE("--delay=0.001", SEED), CONFIG_OK);
    assert_int_equal(fx->c.delay_ms, 1);
    assert_int_equal(PARSE("--delay", "0", SEED), CONFIG_OK);
    assert_int_equal(fx->c.delay_ms, 0);
    assert_int_equal(PARSE("--delay", "3600", SEED), CONFIG_OK);
    assert_int_equal(fx->c.delay_ms, CONFIG_MAX_DELAY_MS);
}

static void
config_order_accepts_bfs_and_dfs_in_any_case(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--order", "DFS", SEED), CONFIG_OK);
    assert_int_equal(fx->c.order, ORDER_DFS);
    assert_int_equal(PARSE("--order", "bfs", SEED), CONFIG_OK);
    assert_int_equal(fx->c.order, ORDER_BFS);
    EXPECT_ERROR(PARSE("--order", "random", SEED), "random");
}

static void
config_demo_needs_no_seed_and_uses_demo_db(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--demo"), CONFIG_OK);
    assert_true(fx->c.demo);
    assert_int_equal(fx->c.seeds.n, 0);
    assert_string_equal(fx->c.db_path, "demo.db");
    assert_int_equal(PARSE("--demo", "--db", "x.db"), CONFIG_OK);
    assert_string_equal(fx->c.db_path, "x.db");
}

/* --- seeds -------------------------------------------------------------- */

static void
config_normalises_seeds_in_order(void **state)
{
    struct config *c = &fx->c;

    (void)state;
    assert_int_equal(PARSE("http://Site.test:80/a/./b#x",
                           "HTTPS://b.test:443/c/../d?q=1", "--headless",
                           "http://c.test:8080"),
                     CONFIG_OK);
    assert_int_equal(c->seeds.n, 3);
    assert_string_equal(c->seeds.v[0], "http://site.test/a/b");
    assert_string_equal(c->seeds.v[1], "https://b.test/d?q=1");
    assert_string_equal(c->seeds.v[2], "http://c.test:8080/");
    assert_true(c->headless);
}

static void
config_rejects_non_http_seed(void **state)
{
    (void)state;
    EXPECT_ERROR(PARSE("ftp://x.test/file"), "ftp://x.test/file", "http");
    EXPECT_ERROR(PARSE(SEED, "mailto:me@x.test"), "mailto:me@x.test");
}

static void
config_rejects_malformed_seed(void **state)
{
    (void)state;
    EXPECT_ERROR(PARSE("http://"), "'http://'", "malformed");
    EXPECT_ERROR(PARSE("http://a.test:99999/"), "a.test:99999", "malformed");
    EXPECT_ERROR(PARSE("not a url"), "not a url");
}

static void
config_requires_a_seed(void **state)
{
    (void)state;
    EXPECT_ERROR(PARSE("--headless"), "no seed");
    EXPECT_ERROR(PARSE("-c", "2"), "no seed");
}

static void
config_everything_after_double_dash_is_a_seed(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--", SEED), CONFIG_OK);
    assert_int_equal(fx->c.seeds.n, 1);
    EXPECT_ERROR(PARSE("--", "--headless"), "--headless");
}

/* --- command line errors ------------------------------------------------ */

static void
config_rejects_unknown_options(void **state)
{
    (void)state;
    EXPECT_ERROR(PARSE("--bogus", SEED), "unknown option", "--bogus");
    EXPECT_ERROR(PARSE("-x", SEED), "unknown option", "-x");
    EXPECT_ERROR(PARSE(SEED, "--bogus=1"), "--bogus");
}

/* getopt_long reports "--flag=value" for a flag as '?' with optopt set to
 * the option's value (256 and up), which "-%c" cannot print. */
static void
config_rejects_value_given_to_a_flag(void **state)
{
    (void)state;
    EXPECT_ERROR(PARSE("--headless=yes", SEED), "headless");
}

static void
config_reports_missing_value(void **state)
{
    (void)state;
    EXPECT_ERROR(PARSE(SEED, "--db"), "--db", "value");
    EXPECT_ERROR(PARSE(SEED, "-c"), "-c", "value");
    EXPECT_ERROR(PARSE(SEED, "--delay"), "--delay", "value");
}

static void
config_rejects_bad_numbers(void **state)
{
    (void)state;
    EXPECT_ERROR(PARSE("-c", "abc", SEED), "concurrency", "'abc'");
    EXPECT_ERROR(PARSE("-c", "4x", SEED), "concurrency", "'4x'");
    EXPECT_ERROR(PARSE("-c", "", SEED), "concurrency");
    EXPECT_ERROR(PARSE("--per-domain", "1.5", SEED), "per-domain");
    EXPECT_ERROR(PARSE("--delay", "soon", SEED), "delay", "'soon'");
    EXPECT_ERROR(PARSE("--delay", "", SEED), "delay");
    EXPECT_ERROR(PARSE("--delay", "nan", SEED), "delay");
    EXPECT_ERROR(PARSE("--delay", "inf", SEED), "delay");
    EXPECT_ERROR(PARSE("--depth", "three", SEED), "depth");
    EXPECT_ERROR(PARSE("--max-size", "10MB", SEED), "max-size");
}

static void
config_rejects_negative_and_too_big_numbers(void **state)
{
    (void)state;
    EXPECT_ERROR(PARSE("-c", "0", SEED), "concurrency", "'0'");
    EXPECT_ERROR(PARSE("-c", "-4", SEED), "concurrency", "'-4'");
    EXPECT_ERROR(PARSE("-c", "1025", SEED), "concurrency", "1024");
    EXPECT_ERROR(PARSE("--per-domain", "0", SEED), "per-domain");
    EXPECT_ERROR(PARSE("--delay", "-1", SEED), "delay", "'-1'");
    EXPECT_ERROR(PARSE("--delay", "3600.5", SEED), "delay", "3600");
    EXPECT_ERROR(PARSE("--delay", "1e400", SEED), "delay");
    EXPECT_ERROR(PARSE("--depth", "-1", SEED), "depth");
    EXPECT_ERROR(PARSE("--max-pages", "0", SEED), "max-pages");
    EXPECT_ERROR(PARSE("--max-pages", "99999999999999999999", SEED),
                 "max-pages");
    EXPECT_ERROR(PARSE("--timeout", "0", SEED), "timeout");
    EXPECT_ERROR(PARSE("--timeout", "86401", SEED), "timeout");
    EXPECT_ERROR(PARSE("--connect-timeout", "3601", SEED), "connect-timeout");
    EXPECT_ERROR(PARSE("--max-size", "-5", SEED), "max-size");
}

static void
config_rejects_bad_regex_naming_it(void **state)
{
    (void)state;
    EXPECT_ERROR(PARSE("--allow", "foo(bar", SEED), "--allow", "foo(bar",
                 "regex");
    EXPECT_ERROR(PARSE("--deny", "[z-a]", SEED), "--deny", "[z-a]", "regex");
}

/* parse_list checks that every cause is one line: a cause must not echo
 * a line break from the value it rejects. */
static void
config_cause_is_one_line_even_when_value_has_line_breaks(void **state)
{
    (void)state;
    EXPECT_ERROR(PARSE("--user-agent", "a\r\nX-Evil: 1", SEED), "user-agent");
}

static void
config_rejects_bad_strings(void **state)
{
    (void)state;
    EXPECT_ERROR(PARSE("--db", "", SEED), "--db");
    EXPECT_ERROR(PARSE("--user-agent", "", SEED), "user-agent");
    EXPECT_ERROR(PARSE("--allow-host", "a.test/path", SEED), "allow-host",
                 "a.test/path");
    EXPECT_ERROR(PARSE("--allow-host", "a.test:80", SEED), "allow-host");
}

/* --- --resolve ---------------------------------------------------------- */

static void
config_rejects_malformed_resolve(void **state)
{
    static const char *const bad[] = {
        "",                       /* empty */
        "a.test",                 /* nothing but a host */
        "a.test:127.0.0.1",       /* missing port */
        "a.test::127.0.0.1",      /* empty port */
        "a.test:0:127.0.0.1",     /* port 0 */
        "a.test:70000:127.0.0.1", /* port too big */
        "a.test:http:127.0.0.1",  /* port not a number */
        "a.test:80:",             /* no address */
        "a.test:80:999.0.0.1",    /* bad IPv4 */
        "a.test:80:localhost",    /* a name, not an address */
        "a.test:80:127.0.0.1,",   /* trailing comma */
        ":80:127.0.0.1",          /* empty host */
        "+:80:127.0.0.1",         /* empty host after + */
        "[::1:80:127.0.0.1",      /* unclosed bracket */
    };
    size_t i;
    enum config_result r;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = PARSE("--resolve", bad[i], SEED);
        if (r != CONFIG_ERROR)
            fail_msg("--resolve '%s' accepted", bad[i]);
        if (strstr(fx->cause, "--resolve") == NULL ||
            strstr(fx->cause, bad[i]) == NULL)
            fail_msg("--resolve '%s': cause \"%s\"", bad[i], fx->cause);
    }
}

static void
config_accepts_curl_style_resolve(void **state)
{
    static const char *const good[] = {
        "a.test:80:127.0.0.1", "+a.test:443:127.0.0.1,::1",
        "a.test:8080:[::1]",   "a.test:65535:10.0.0.1,10.0.0.2",
        "[::1]:80:127.0.0.1", /* bracketed IPv6 host: accepted */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (PARSE("--resolve", good[i], SEED) != CONFIG_OK)
            fail_msg("--resolve '%s' refused: %s", good[i], fx->cause);
        assert_int_equal(fx->c.resolve.n, 1);
        assert_string_equal(fx->c.resolve.v[0], good[i]); /* verbatim */
    }
    assert_int_equal(PARSE("--resolve", good[0], "--resolve", good[1], SEED),
                     CONFIG_OK);
    assert_int_equal(fx->c.resolve.n, 2);
}

/* --- --config files ----------------------------------------------------- */

static void
config_file_sets_values(void **state)
{
    struct config *c = &fx->c;
    const char *path = temp_file("# crawltop settings\n"
                                 "\n"
                                 "   # indented comment\n"
                                 "concurrency = 4\n"
                                 "delay=1.5\n"
                                 "  headless = true  \n"
                                 "no-randomize-delay = yes\n"
                                 "user-agent = bot/1.0 (x; y)\n"
                                 "allow-host = extra.test\r\n"
                                 "order = dfs\n"
                                 "deny = \\.zip$\n");

    (void)state;
    assert_int_equal(PARSE("--config", path, SEED), CONFIG_OK);
    assert_int_equal(c->concurrency, 4);
    assert_int_equal(c->delay_ms, 1500);
    assert_true(c->headless);
    assert_false(c->randomize_delay);
    assert_string_equal(c->user_agent, "bot/1.0 (x; y)");
    assert_int_equal(c->allow_host.n, 1);
    assert_string_equal(c->allow_host.v[0], "extra.test");
    assert_int_equal(c->order, ORDER_DFS);
    assert_int_equal(c->deny_re.n, 1);
    assert_string_equal(c->deny_re.v[0], "\\.zip$");
}

static void
config_file_bool_flags_accept_true_and_false_words(void **state)
{
    const char *on = temp_file("headless = on\nquiet = 1\ndemo = YES\n");
    const char *off = temp_file("headless = false\nquiet = no\n"
                                "no-randomize-delay = off\n");

    (void)state;
    assert_int_equal(PARSE("--config", on), CONFIG_OK);
    assert_true(fx->c.headless);
    assert_true(fx->c.quiet);
    assert_true(fx->c.demo);
    assert_int_equal(PARSE("--config", off, SEED), CONFIG_OK);
    assert_false(fx->c.headless);
    assert_false(fx->c.quiet);
    assert_true(fx->c.randomize_delay);
}

static void
config_command_line_wins_over_file(void **state)
{
    const char *path = temp_file("concurrency = 4\n"
                                 "db = file.db\n"
                                 "allow-host = file.test\n");

    (void)state;
    /* before or after --config on the command line: the command line wins */
    assert_int_equal(PARSE("-c", "9", "--config", path, SEED), CONFIG_OK);
    assert_int_equal(fx->c.concurrency, 9);
    assert_string_equal(fx->c.db_path, "file.db");
    assert_int_equal(PARSE("--config", path, "--db", "cli.db", "--allow-host",
                           "cli.test", SEED),
                     CONFIG_OK);
    assert_int_equal(fx->c.concurrency, 4);
    assert_string_equal(fx->c.db_path, "cli.db");
    /* repeatable settings accumulate */
    assert_int_equal(fx->c.allow_host.n, 2);
}

static void
config_file_equals_form_is_read(void **state)
{
    const char *path = temp_file("per-domain = 3\n");
    char arg[96];

    (void)state;
    snprintf(arg, sizeof(arg), "--config=%s", path);
    assert_int_equal(PARSE(arg, SEED), CONFIG_OK);
    assert_int_equal(fx->c.per_domain, 3);
}

static void
config_file_unknown_setting_names_file_and_line(void **state)
{
    const char *path = temp_file("# x\nconcurrency = 4\nbogus = 1\n");
    char where[96];

    (void)state;
    snprintf(where, sizeof(where), "%s:3", path);
    EXPECT_ERROR(PARSE("--config", path, SEED), where, "bogus");
}

static void
config_file_bad_lines_name_file_and_line(void **state)
{
    const char *p1 = temp_file("\nconcurrency = lots\n");
    const char *p2 = temp_file("headless\n");
    const char *p3 = temp_file("headless = maybe\n");
    const char *p4 = temp_file("\n\n\nconfig = other.conf\n");
    char where[96];

    (void)state;
    snprintf(where, sizeof(where), "%s:2", p1);
    EXPECT_ERROR(PARSE("--config", p1, SEED), where, "lots");
    snprintf(where, sizeof(where), "%s:1", p2);
    EXPECT_ERROR(PARSE("--config", p2, SEED), where);
    snprintf(where, sizeof(where), "%s:1", p3);
    EXPECT_ERROR(PARSE("--config", p3, SEED), where, "maybe");
    snprintf(where, sizeof(where), "%s:4", p4);
    EXPECT_ERROR(PARSE("--config", p4, SEED), where, "config");
}

static void
config_file_missing_is_an_error_naming_it(void **state)
{
    (void)state;
    EXPECT_ERROR(PARSE("--config", "/nonexistent/crawltop.conf", SEED),
                 "/nonexistent/crawltop.conf");
    EXPECT_ERROR(PARSE("--config=", SEED), "--config");
}

/* --- --seeds files ------------------------------------------------------ */

static void
config_seeds_file_adds_normalised_seeds(void **state)
{
    struct config *c = &fx->c;
    const char *path = temp_file("# start here\n"
                                 "\n"
                                 "http://B.test/x/../y\n"
                                 "   https://c.test:443/   \n"
                                 "\t# indented comment\n"
                                 "http://d.test/\r\n");

    (void)state;
    assert_int_equal(PARSE("--seeds", path, SEED), CONFIG_OK);
    assert_int_equal(c->seeds.n, 4);
    assert_string_equal(c->seeds.v[0], "http://b.test/y");
    assert_string_equal(c->seeds.v[1], "https://c.test/");
    assert_string_equal(c->seeds.v[2], "http://d.test/");
    assert_string_equal(c->seeds.v[3], SEED);
    /* a seeds file alone is enough */
    assert_int_equal(PARSE("--seeds", path), CONFIG_OK);
    assert_int_equal(c->seeds.n, 3);
}

static void
config_seeds_file_bad_line_names_file_and_line(void **state)
{
    const char *p1 = temp_file("http://ok.test/\n# c\nftp://bad.test/\n");
    const char *p2 = temp_file("\nhttp://[oops/\n");
    char where[96];

    (void)state;
    snprintf(where, sizeof(where), "%s:3:", p1);
    EXPECT_ERROR(PARSE("--seeds", p1), where, "ftp://bad.test/");
    snprintf(where, sizeof(where), "%s:2:", p2);
    EXPECT_ERROR(PARSE("--seeds", p2), where, "http://[oops/");
    EXPECT_ERROR(PARSE("--seeds", "/nonexistent/seeds.txt"),
                 "/nonexistent/seeds.txt");
}

/* --- help, version, state between calls -------------------------------- */

static void
config_help_and_version_ask_to_exit(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--help"), CONFIG_EXIT);
    assert_int_equal(PARSE("-h"), CONFIG_EXIT);
    assert_int_equal(PARSE("--version"), CONFIG_EXIT);
    assert_int_equal(PARSE("-V", SEED), CONFIG_EXIT);
    assert_null(fx->cause);
}

/* config_parse must not depend on getopt state left by an earlier call,
 * even one that returned in the middle of grouped short options. */
static void
config_parse_is_independent_of_earlier_calls(void **state)
{
    (void)state;
    assert_int_equal(PARSE("-Vh"), CONFIG_EXIT); /* returns at -V */
    assert_int_equal(PARSE(SEED), CONFIG_OK);
    assert_int_equal(fx->c.seeds.n, 1);
    EXPECT_ERROR(PARSE("-x", SEED), "-x");
    assert_int_equal(PARSE("-c", "3", SEED), CONFIG_OK);
    assert_int_equal(fx->c.concurrency, 3);
}

/* --- JSON --------------------------------------------------------------- */

/* A strict JSON syntax check (RFC 8259), enough to trust the output. */
static const char *json_value(const char *p);

static const char *
json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static const char *
json_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    while (*p != '"') {
        if ((unsigned char)*p < 0x20)
            return NULL;
        if (*p == '\\') {
            p++;
            if (*p == 'u') {
                int i;

                for (i = 1; i <= 4; i++)
                    if (strchr("0123456789abcdefABCDEF", p[i]) == NULL ||
                        p[i] == '\0')
                        return NULL;
                p += 4;
            } else if (*p == '\0' || strchr("\"\\/bfnrt", *p) == NULL) {
                return NULL;
            }
        }
        p++;
    }
    return p + 1;
}

static const char *
json_number(const char *p)
{
    const char *start;

    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return NULL;
    if (*p == '.') {
        start = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == start)
            return NULL;
    }
    return p;
}

static const char *
json_value(const char *p)
{
    p = json_ws(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';

        p = json_ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (close == '}') {
                p = json_string(json_ws(p));
                if (p == NULL || *(p = json_ws(p)) != ':')
                    return NULL;
                p++;
            }
            p = json_value(p);
            if (p == NULL)
                return NULL;
            p = json_ws(p);
            if (*p == close)
                return p + 1;
            if (*p++ != ',')
                return NULL;
        }
    }
    if (*p == '"')
        return json_string(p);
    if (strncmp(p, "true", 4) == 0)
        return p + 4;
    if (strncmp(p, "false", 5) == 0)
        return p + 5;
    if (strncmp(p, "null", 4) == 0)
        return p + 4;
    return json_number(p);
}

static bool
json_valid(const char *s)
{
    const char *end = json_value(s);

    return end != NULL && *json_ws(end) == '\0';
}

static void
config_json_check_rejects_broken_json(void **state)
{
    (void)state;
    assert_true(json_valid("{\"a\":[1,\"x\\u00e9\",true,null],\"b\":{}}"));
    assert_false(json_valid("{\"a\":1,}"));
    assert_false(json_valid("{\"a\":\"x\ny\"}"));
    assert_false(json_valid("{\"a\":\"x\\q\"}"));
    assert_false(json_valid("{\"a\":01}"));
    assert_false(json_valid("{\"a\":1"));
}

static void
config_to_json_is_valid_and_lists_settings(void **state)
{
    char *j;

    (void)state;
    assert_int_equal(PARSE("-c", "5", "--delay", "0.5", "--order", "dfs",
                           "--user-agent", "q\"uote\\back\tslash", "--allow",
                           "a\"b", "--resolve", "a.test:80:127.0.0.1", SEED,
                           "http://b.test/x"),
                     CONFIG_OK);
    j = config_to_json(&fx->c);
    assert_non_null(j);
    if (!json_valid(j))
        fail_msg("not JSON: %s", j);
    assert_non_null(strstr(j, "\"seeds\":[\"http://a.test/\","
                              "\"http://b.test/x\"]"));
    assert_non_null(strstr(j, "\"concurrency\":5"));
    assert_non_null(strstr(j, "\"delay_ms\":500"));
    assert_non_null(strstr(j, "\"order\":\"dfs\""));
    assert_non_null(strstr(j, "\"randomize_delay\":true"));
    assert_non_null(strstr(j, "\"depth\":-1"));
    assert_non_null(strstr(j, "\"resolve\":[\"a.test:80:127.0.0.1\"]"));
    free(j);
}

static void
config_to_json_of_demo_config_has_empty_lists(void **state)
{
    char *j;

    (void)state;
    assert_int_equal(PARSE("--demo"), CONFIG_OK);
    j = config_to_json(&fx->c);
    if (!json_valid(j))
        fail_msg("not JSON: %s", j);
    assert_non_null(strstr(j, "\"seeds\":[]"));
    free(j);
}

static void
config_fini_can_run_twice(void **state)
{
    (void)state;
    assert_int_equal(PARSE(SEED, "--allow-host", "x.test"), CONFIG_OK);
    config_fini(&fx->c);
    assert_null(fx->c.seeds.v);
    assert_int_equal(fx->c.seeds.n, 0);
    assert_null(fx->c.db_path);
    config_fini(&fx->c);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(config_defaults_apply_with_only_a_seed),
        T(config_parses_every_option),
        T(config_short_c_sets_concurrency),
        T(config_delay_is_seconds_to_milliseconds),
        T(config_order_accepts_bfs_and_dfs_in_any_case),
        T(config_demo_needs_no_seed_and_uses_demo_db),
        T(config_normalises_seeds_in_order),
        T(config_rejects_non_http_seed),
        T(config_rejects_malformed_seed),
        T(config_requires_a_seed),
        T(config_everything_after_double_dash_is_a_seed),
        T(config_rejects_unknown_options),
        T(config_rejects_value_given_to_a_flag),
        T(config_reports_missing_value),
        T(config_rejects_bad_numbers),
        T(config_rejects_negative_and_too_big_numbers),
        T(config_rejects_bad_regex_naming_it),
        T(config_rejects_bad_strings),
        T(config_cause_is_one_line_even_when_value_has_line_breaks),
        T(config_rejects_malformed_resolve),
        T(config_accepts_curl_style_resolve),
        T(config_file_sets_values),
        T(config_file_bool_flags_accept_true_and_false_words),
        T(config_command_line_wins_over_file),
        T(config_file_equals_form_is_read),
        T(config_file_unknown_setting_names_file_and_line),
        T(config_file_bad_lines_name_file_and_line),
        T(config_file_missing_is_an_error_naming_it),
        T(config_seeds_file_adds_normalised_seeds),
        T(config_seeds_file_bad_line_names_file_and_line),
        T(config_help_and_version_ask_to_exit),
        T(config_parse_is_independent_of_earlier_calls),
        T(config_json_check_rejects_broken_json),
        T(config_to_json_is_valid_and_lists_settings),
        T(config_to_json_of_demo_config_has_empty_lists),
        T(config_fini_can_run_twice),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
