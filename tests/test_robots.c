/* SPDX-License-Identifier: MIT */
/*
 * test_robots.c - robots.txt parsing and matching: the rules and examples
 * of RFC 9309, well-known edge cases, crawl-delay, and hostile input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "robots.h"
#include "util.h"

static struct robots *
parse_for(const char *txt, const char *product)
{
    return robots_parse(txt, strlen(txt), product);
}

/* Is target allowed for product by robots.txt txt? */
static bool
allowed(const char *txt, const char *product, const char *target)
{
    struct robots *r = parse_for(txt, product);
    bool ok = robots_allowed(r, target);

    robots_free(r);
    return ok;
}

/* RFC 9309 section 5.1. */
static const char rfc_simple[] = "User-Agent: *\n"
                                 "Disallow: *.gif$\n"
                                 "Disallow: /example/\n"
                                 "Allow: /publications/\n"
                                 "\n"
                                 "User-Agent: foobot\n"
                                 "Disallow:/\n"
                                 "Allow:/example/page.html\n"
                                 "Allow:/example/allowed.gif\n"
                                 "\n"
                                 "User-Agent: barbot\n"
                                 "User-Agent: bazbot\n"
                                 "Disallow: /example/page.html\n"
                                 "\n"
                                 "User-Agent: quxbot\n"
                                 "\n"
                                 "EOF\n";

static void
robots_rfc_simple_example_foobot_only_gets_its_allows(void **state)
{
    (void)state;
    assert_true(allowed(rfc_simple, "foobot", "/example/page.html"));
    assert_true(allowed(rfc_simple, "foobot", "/example/allowed.gif"));
    assert_false(allowed(rfc_simple, "foobot", "/example/other.html"));
    assert_false(allowed(rfc_simple, "foobot", "/"));
    assert_false(allowed(rfc_simple, "foobot", "/publications/"));
}

static void
robots_rfc_simple_example_barbot_and_bazbot_share_a_group(void **state)
{
    (void)state;
    assert_false(allowed(rfc_simple, "barbot", "/example/page.html"));
    assert_false(allowed(rfc_simple, "bazbot", "/example/page.html"));
    assert_true(allowed(rfc_simple, "barbot", "/example/other.html"));
    assert_true(allowed(rfc_simple, "bazbot", "/x.gif"));
}

static void
robots_rfc_simple_example_empty_quxbot_group_allows_all(void **state)
{
    struct robots *r;

    (void)state;
    r = parse_for(rfc_simple, "quxbot");
    assert_int_equal(robots_rule_count(r), 0);
    assert_true(robots_allowed(r, "/example/page.html"));
    assert_true(robots_allowed(r, "/a.gif"));
    robots_free(r);
}

static void
robots_rfc_simple_example_others_use_star_group(void **state)
{
    (void)state;
    assert_true(allowed(rfc_simple, "crawltop", "/publications/"));
    assert_true(allowed(rfc_simple, "crawltop", "/publications/x.html"));
    assert_false(allowed(rfc_simple, "crawltop", "/example/"));
    assert_false(allowed(rfc_simple, "crawltop", "/example/page.html"));
    assert_false(allowed(rfc_simple, "crawltop", "/a/b.gif"));
    assert_true(allowed(rfc_simple, "crawltop", "/a/b.gif?x"));
    assert_true(allowed(rfc_simple, "crawltop", "/index.html"));
}

/* RFC 9309 section 5.2. */
static void
robots_rfc_longest_match_example(void **state)
{
    const char *txt = "User-Agent: foobot\n"
                      "Allow: /example/page/\n"
                      "Disallow: /example/page/disallowed.gif\n";

    (void)state;
    assert_true(allowed(txt, "foobot", "/example/page/"));
    assert_true(allowed(txt, "foobot", "/example/page/a.gif"));
    assert_false(allowed(txt, "foobot", "/example/page/disallowed.gif"));
    assert_true(allowed(txt, "foobot", "/example/page/disallowed.gi"));
}

/* RFC 9309 section 2.1: groups for a, b, e and f together, and h. */
static void
robots_rfc_grouping_of_consecutive_agent_lines(void **state)
{
    const char *txt = "user-agent: a\n"
                      "disallow: /c\n"
                      "\n"
                      "user-agent: b\n"
                      "disallow: /d\n"
                      "\n"
                      "user-agent: e\n"
                      "user-agent: f\n"
                      "disallow: /g\n"
                      "\n"
                      "user-agent: h\n";

    (void)state;
    assert_false(allowed(txt, "a", "/c"));
    assert_true(allowed(txt, "a", "/d"));
    assert_false(allowed(txt, "b", "/d"));
    assert_true(allowed(txt, "b", "/c"));
    assert_false(allowed(txt, "e", "/g"));
    assert_false(allowed(txt, "f", "/g"));
    assert_true(allowed(txt, "f", "/c"));
    assert_true(allowed(txt, "h", "/c"));
    assert_true(allowed(txt, "h", "/g"));
}

/* RFC 9309 section 2.2.1: groups naming the same agent are merged. */
static void
robots_groups_naming_product_are_merged(void **state)
{
    const char *txt = "user-agent: crawltop\n"
                      "disallow: /foo\n"
                      "disallow: /bar\n"
                      "\n"
                      "user-agent: other\n"
                      "disallow: /other\n"
                      "\n"
                      "user-agent: CrawlTop\n"
                      "disallow: /baz\n";
    struct robots *r = parse_for(txt, "crawltop");

    (void)state;
    assert_int_equal(robots_rule_count(r), 3);
    assert_false(robots_allowed(r, "/foo"));
    assert_false(robots_allowed(r, "/bar"));
    assert_false(robots_allowed(r, "/baz"));
    assert_true(robots_allowed(r, "/other"));
    robots_free(r);
}

static void
robots_star_groups_merged_when_no_group_names_product(void **state)
{
    const char *txt = "user-agent: *\n"
                      "disallow: /a\n"
                      "user-agent: googlebot\n"
                      "disallow: /g\n"
                      "user-agent: *\n"
                      "disallow: /b\n";

    (void)state;
    assert_false(allowed(txt, "crawltop", "/a"));
    assert_false(allowed(txt, "crawltop", "/b"));
    assert_true(allowed(txt, "crawltop", "/g"));
}

static void
robots_group_naming_product_replaces_star_groups(void **state)
{
    const char *txt = "user-agent: *\n"
                      "disallow: /\n"
                      "\n"
                      "user-agent: crawltop\n"
                      "disallow: /private\n";

    (void)state;
    assert_true(allowed(txt, "crawltop", "/public"));
    assert_false(allowed(txt, "crawltop", "/private/x"));
    assert_false(allowed(txt, "otherbot", "/public"));
}

static void
robots_no_matching_group_allows_everything(void **state)
{
    const char *txt = "user-agent: googlebot\n"
                      "disallow: /\n";
    struct robots *r = parse_for(txt, "crawltop");

    (void)state;
    assert_int_equal(robots_rule_count(r), 0);
    assert_true(robots_allowed(r, "/"));
    assert_true(robots_allowed(r, "/anything?x=1"));
    robots_free(r);
}

static void
robots_agent_match_is_case_insensitive(void **state)
{
    const char *txt = "User-agent: CRAWLTOP\n"
                      "Disallow: /x\n";

    (void)state;
    assert_false(allowed(txt, "crawltop", "/x"));
    assert_false(allowed(txt, "CrawlTop", "/x"));
}

static void
robots_agent_value_leading_token_is_compared(void **state)
{
    (void)state;
    /* "crawltop/1.0" and "crawltop (bot)" name product crawltop. */
    assert_false(
        allowed("user-agent: crawltop/1.0\ndisallow: /\n", "crawltop", "/a"));
    assert_false(
        allowed("user-agent: crawltop (bot)\ndisallow: /\n", "crawltop", "/a"));
    /* The product given with a version is cut to its token too. */
    assert_false(
        allowed("user-agent: crawltop\ndisallow: /\n", "crawltop/2.1", "/a"));
    /* A longer token is another product; not a prefix match. */
    assert_true(
        allowed("user-agent: crawltop-bot\ndisallow: /\n", "crawltop", "/a"));
    assert_true(
        allowed("user-agent: crawltopx\ndisallow: /\n", "crawltop", "/a"));
    assert_true(allowed("user-agent: crawl\ndisallow: /\n", "crawltop", "/a"));
    /* "*x" is no star group. */
    assert_true(allowed("user-agent: *x\ndisallow: /\n", "crawltop", "/a"));
    assert_false(allowed("user-agent: * \ndisallow: /\n", "crawltop", "/a"));
}

static void
robots_allow_wins_a_tie(void **state)
{
    const char *a = "user-agent: *\ndisallow: /page\nallow: /page\n";
    const char *b = "user-agent: *\nallow: /page\ndisallow: /page\n";

    (void)state;
    assert_true(allowed(a, "crawltop", "/page"));
    assert_true(allowed(b, "crawltop", "/page"));
    /* Same length with wildcards: still a tie, Allow wins. */
    assert_true(allowed("user-agent: *\ndisallow: /*.x\nallow: /a*x\n",
                        "crawltop", "/a.x"));
}

static void
robots_longest_match_wins_whatever_the_order(void **state)
{
    const char *a = "user-agent: *\n"
                    "allow: /a/b/c\n"
                    "disallow: /a\n";
    const char *b = "user-agent: *\n"
                    "disallow: /a\n"
                    "allow: /a/b/c\n";

    (void)state;
    assert_true(allowed(a, "crawltop", "/a/b/c/d"));
    assert_true(allowed(b, "crawltop", "/a/b/c/d"));
    assert_false(allowed(a, "crawltop", "/a/b/x"));
    assert_false(allowed(b, "crawltop", "/a/b/x"));
    /* Length counts the pattern's octets, '*' included. */
    assert_false(allowed("user-agent: *\nallow: /a\ndisallow: /*b\n",
                         "crawltop", "/ab"));
}

static void
robots_dollar_anchors_the_end(void **state)
{
    const char *txt = "user-agent: *\n"
                      "disallow: /this/path/exactly$\n"
                      "disallow: /*.php$\n";

    (void)state;
    assert_false(allowed(txt, "crawltop", "/this/path/exactly"));
    assert_true(allowed(txt, "crawltop", "/this/path/exactly/"));
    assert_true(allowed(txt, "crawltop", "/this/path/exactly?x"));
    assert_false(allowed(txt, "crawltop", "/index.php"));
    assert_false(allowed(txt, "crawltop", "/a.php/b.php"));
    assert_true(allowed(txt, "crawltop", "/index.php?x=1"));
    assert_true(allowed(txt, "crawltop", "/index.php5"));
}

static void
robots_dollar_not_at_the_end_is_literal(void **state)
{
    const char *txt = "user-agent: *\ndisallow: /a$b\n";

    (void)state;
    assert_false(allowed(txt, "crawltop", "/a$b"));
    assert_false(allowed(txt, "crawltop", "/a$bc"));
    assert_true(allowed(txt, "crawltop", "/a"));
    assert_true(allowed(txt, "crawltop", "/ab"));
}

static void
robots_star_matches_any_sequence(void **state)
{
    const char *txt = "user-agent: *\n"
                      "disallow: /this/*/exactly\n"
                      "disallow: /fish*\n"
                      "disallow: /*/private/\n";

    (void)state;
    assert_false(allowed(txt, "crawltop", "/this/a/exactly"));
    assert_false(allowed(txt, "crawltop", "/this/a/b/c/exactly/more"));
    assert_false(allowed(txt, "crawltop", "/this//exactly"));
    assert_true(allowed(txt, "crawltop", "/this/exactly"));
    assert_false(allowed(txt, "crawltop", "/fish"));
    assert_false(allowed(txt, "crawltop", "/fish.html"));
    assert_false(allowed(txt, "crawltop", "/fishheads?id=1"));
    assert_true(allowed(txt, "crawltop", "/Fish"));
    assert_false(allowed(txt, "crawltop", "/x/y/private/z"));
    assert_true(allowed(txt, "crawltop", "/private/z"));
}

static void
robots_star_segments_are_found_leftmost(void **state)
{
    const char *txt = "user-agent: *\ndisallow: /*ab*abc$\n";

    (void)state;
    assert_false(allowed(txt, "crawltop", "/abababc"));
    assert_false(allowed(txt, "crawltop", "/ababc"));
    assert_true(allowed(txt, "crawltop", "/abc"));
    assert_true(allowed(txt, "crawltop", "/ababcd"));
    assert_false(
        allowed("user-agent: *\ndisallow: /*aab\n", "crawltop", "/aaaab"));
}

/* RFC 9309 section 2.2.2: the table of paths, their encoded form, and the
 * rule path that matches them. */
static void
robots_rfc_percent_encoding_table(void **state)
{
    (void)state;
    assert_false(allowed("user-agent: *\ndisallow: /foo/bar?baz=quz\n",
                         "crawltop", "/foo/bar?baz=quz"));
    assert_false(
        allowed("user-agent: *\ndisallow: /foo/bar?baz=https%3A%2F%2Ffoo.bar\n",
                "crawltop", "/foo/bar?baz=https%3A%2F%2Ffoo.bar"));
    /* U+30C4 written raw in the URL or in the rule. */
    assert_false(allowed("user-agent: *\ndisallow: /foo/bar/%E3%83%84\n",
                         "crawltop", "/foo/bar/\xE3\x83\x84"));
    assert_false(allowed("user-agent: *\ndisallow: /foo/bar/\xE3\x83\x84\n",
                         "crawltop", "/foo/bar/%E3%83%84"));
    assert_false(allowed("user-agent: *\ndisallow: /foo/bar/%E3%83%84\n",
                         "crawltop", "/foo/bar/%E3%83%84"));
    assert_false(allowed("user-agent: *\ndisallow: /foo/bar/baz\n", "crawltop",
                         "/foo/bar/%62%61%7A"));
}

static void
robots_escapes_compare_in_canonical_form(void **state)
{
    (void)state;
    /* Hex case does not matter. */
    assert_false(
        allowed("user-agent: *\ndisallow: /a%2fb\n", "crawltop", "/a%2Fb"));
    assert_false(allowed("user-agent: *\ndisallow: /a%e3%83%84\n", "crawltop",
                         "/a\xE3\x83\x84"));
    /* Unreserved characters are the same escaped or not, either side. */
    assert_false(
        allowed("user-agent: *\ndisallow: /%7Euser\n", "crawltop", "/~user/x"));
    assert_false(
        allowed("user-agent: *\ndisallow: /~user\n", "crawltop", "/%7euser/x"));
    /* A reserved character and its escape differ (RFC 3986 6.2.2.2). */
    assert_true(
        allowed("user-agent: *\ndisallow: /a%2Fb\n", "crawltop", "/a/b"));
    assert_true(
        allowed("user-agent: *\ndisallow: /a?b\n", "crawltop", "/a%3Fb"));
    /* A stray '%' is a literal percent sign. */
    assert_false(
        allowed("user-agent: *\ndisallow: /100%\n", "crawltop", "/100%25"));
    assert_false(
        allowed("user-agent: *\ndisallow: /100%25\n", "crawltop", "/100%"));
    /* Characters a URL may not carry raw compare as their escapes. */
    assert_false(
        allowed("user-agent: *\ndisallow: /a b|c\n", "crawltop", "/a%20b%7Cc"));
}

/* RFC 9309 section 2.2.3: '*' and '$' to be matched literally are written
 * %2A and %24. */
static void
robots_escaped_star_and_dollar_match_literally(void **state)
{
    const char *txt = "user-agent: *\n"
                      "disallow: /path/file-with-a-%2A.html\n"
                      "disallow: /path/foo-%24\n";

    (void)state;
    assert_false(allowed(txt, "crawltop", "/path/file-with-a-*.html"));
    assert_false(allowed(txt, "crawltop", "/path/file-with-a-%2A.html"));
    assert_true(allowed(txt, "crawltop", "/path/file-with-a-b.html"));
    assert_false(allowed(txt, "crawltop", "/path/foo-$"));
    assert_false(allowed(txt, "crawltop", "/path/foo-%24"));
    assert_true(allowed(txt, "crawltop", "/path/foo-"));
}

static void
robots_empty_rule_values_mean_nothing(void **state)
{
    const char *txt = "user-agent: *\n"
                      "disallow:\n"
                      "allow:\n";
    struct robots *r = parse_for(txt, "crawltop");

    (void)state;
    assert_int_equal(robots_rule_count(r), 0);
    assert_true(robots_allowed(r, "/"));
    robots_free(r);
    /* The empty Disallow still ends the crawltop group's agent lines, so
     * crawltop is allowed everything though '*' is not. */
    txt = "user-agent: crawltop\n"
          "disallow:\n"
          "user-agent: *\n"
          "disallow: /\n";
    assert_true(allowed(txt, "crawltop", "/a"));
    assert_false(allowed(txt, "other", "/a"));
}

static void
robots_pattern_not_starting_with_slash_or_star_is_ignored(void **state)
{
    const char *txt = "user-agent: *\n"
                      "disallow: private\n"
                      "disallow: http://example.com/x\n"
                      "disallow: *.pdf\n";
    struct robots *r = parse_for(txt, "crawltop");

    (void)state;
    assert_int_equal(robots_rule_count(r), 1);
    assert_true(robots_allowed(r, "/private"));
    assert_false(robots_allowed(r, "/a/b.pdf"));
    robots_free(r);
}

static void
robots_byte_order_mark_is_skipped(void **state)
{
    (void)state;
    assert_false(
        allowed("\xEF\xBB\xBFuser-agent: *\ndisallow: /x\n", "crawltop", "/x"));
    /* A cut-off BOM too. */
    assert_false(
        allowed("\xEF\xBBuser-agent: *\ndisallow: /x\n", "crawltop", "/x"));
    /* A BOM anywhere else spoils that line only. */
    assert_true(allowed("user-agent: *\n\xEF\xBB\xBF"
                        "disallow: /x\n",
                        "crawltop", "/x"));
}

static void
robots_lines_without_colon_are_ignored(void **state)
{
    const char *txt = "user-agent: *\n"
                      "disallow /a\n"
                      "just some words\n"
                      "disallow: /b\n";

    (void)state;
    assert_true(allowed(txt, "crawltop", "/a"));
    assert_false(allowed(txt, "crawltop", "/b"));
}

static void
robots_sitemap_and_unknown_lines_keep_the_group(void **state)
{
    const char *txt = "user-agent: crawltop\n"
                      "sitemap: https://example.com/sitemap.xml\n"
                      "user-agent: other\n"
                      "disallow: /a\n"
                      "Sitemap: https://example.com/s2.xml\n"
                      "noindex: /zzz\n"
                      "disallow: /b\n";

    (void)state;
    assert_false(allowed(txt, "crawltop", "/a"));
    assert_false(allowed(txt, "crawltop", "/b"));
    assert_false(allowed(txt, "other", "/b"));
    assert_true(allowed(txt, "crawltop", "/zzz"));
}

static void
robots_rules_before_any_agent_line_are_ignored(void **state)
{
    const char *txt = "disallow: /a\n"
                      "crawl-delay: 5\n"
                      "user-agent: *\n"
                      "disallow: /b\n";
    struct robots *r = parse_for(txt, "crawltop");

    (void)state;
    assert_true(robots_allowed(r, "/a"));
    assert_false(robots_allowed(r, "/b"));
    assert_int_equal(robots_crawl_delay_ms(r), 0);
    robots_free(r);
}

static void
robots_keys_are_case_insensitive_and_spaces_trimmed(void **state)
{
    const char *txt = "  USER-AGENT  :   *   \n"
                      "\tDisAllow\t:\t/a\t\n"
                      "ALLOW : /a/b \n"
                      "useragent: crawltop\n"
                      "dissallow: /c\n";

    (void)state;
    assert_false(allowed(txt, "x", "/a"));
    assert_true(allowed(txt, "x", "/a/b"));
    assert_true(allowed(txt, "crawltop", "/a"));
    assert_false(allowed(txt, "crawltop", "/c"));
}

static void
robots_comments_are_stripped(void **state)
{
    const char *txt = "# comment on its own line\n"
                      "user-agent: * # all\n"
                      "disallow: /a # not /a#\n"
                      "allow: / # comment in line\n"
                      "disallow: #/b\n";

    (void)state;
    assert_false(allowed(txt, "crawltop", "/a"));
    assert_true(allowed(txt, "crawltop", "/b"));
    assert_true(allowed(txt, "crawltop", "/"));
}

static void
robots_lines_end_in_cr_lf_or_crlf(void **state)
{
    const char *txt = "user-agent: *\rdisallow: /a\r\ndisallow: /b\n"
                      "disallow: /c\r\rdisallow: /d";
    struct robots *r = parse_for(txt, "crawltop");

    (void)state;
    assert_int_equal(robots_rule_count(r), 4);
    assert_false(robots_allowed(r, "/a"));
    assert_false(robots_allowed(r, "/b"));
    assert_false(robots_allowed(r, "/c"));
    assert_false(robots_allowed(r, "/d"));
    assert_true(robots_allowed(r, "/e"));
    robots_free(r);
}

static void
robots_robots_txt_is_always_allowed(void **state)
{
    struct robots *r = parse_for("user-agent: *\ndisallow: /\n", "crawltop");
    struct robots *d = robots_disallow_all();

    (void)state;
    assert_true(robots_allowed(r, "/robots.txt"));
    assert_false(robots_allowed(r, "/robots.txt?x"));
    assert_false(robots_allowed(r, "/robots.txt2"));
    assert_true(robots_allowed(d, "/robots.txt"));
    robots_free(r);
    robots_free(d);
}

static void
robots_allow_all_and_disallow_all(void **state)
{
    struct robots *a = robots_allow_all();
    struct robots *d = robots_disallow_all();

    (void)state;
    assert_true(robots_allowed(a, "/"));
    assert_true(robots_allowed(a, "/x?y"));
    assert_int_equal(robots_rule_count(a), 0);
    assert_int_equal(robots_crawl_delay_ms(a), 0);
    assert_false(robots_allowed(d, "/"));
    assert_false(robots_allowed(d, "/x?y"));
    assert_int_equal(robots_rule_count(d), 1);
    assert_int_equal(robots_crawl_delay_ms(d), 0);
    robots_free(a);
    robots_free(d);
    robots_free(NULL);
}

static void
robots_empty_or_null_body_allows_all(void **state)
{
    struct robots *r = robots_parse(NULL, 0, "crawltop");

    (void)state;
    assert_true(robots_allowed(r, "/"));
    robots_free(r);
    r = robots_parse("", 0, NULL);
    assert_true(robots_allowed(r, "/"));
    robots_free(r);
    /* No product: only '*' groups apply. */
    assert_false(allowed("user-agent: *\ndisallow: /\n", "", "/a"));
}

static unsigned
delay_of(const char *txt)
{
    struct robots *r = parse_for(txt, "crawltop");
    unsigned ms = robots_crawl_delay_ms(r);

    robots_free(r);
    return ms;
}

static void
robots_crawl_delay_is_decimal_seconds(void **state)
{
    (void)state;
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 2\n"), 2000);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 0.5\n"), 500);
    assert_int_equal(delay_of("user-agent: *\nCrawl-Delay: .25\n"), 250);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 1.\n"), 1000);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 1.23456\n"), 1234);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 0\n"), 0);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 10 # s\n"), 10000);
    assert_int_equal(delay_of("user-agent: *\n"), 0);
}

static void
robots_crawl_delay_invalid_values_are_ignored(void **state)
{
    (void)state;
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: -1\n"), 0);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 1e3\n"), 0);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 5s\n"), 0);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: .\n"), 0);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay:\n"), 0);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 1 2\n"), 0);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: inf\n"), 0);
    /* The first valid one counts. */
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: x\ncrawl-delay: 3\n"
                              "crawl-delay: 4\n"),
                     3000);
}

static void
robots_crawl_delay_is_capped_at_a_day(void **state)
{
    (void)state;
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 86400\n"),
                     ROBOTS_MAX_DELAY_MS);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: 86401\n"),
                     ROBOTS_MAX_DELAY_MS);
    assert_int_equal(delay_of("user-agent: *\ncrawl-delay: "
                              "99999999999999999999999999999999999999999.5\n"),
                     ROBOTS_MAX_DELAY_MS);
}

static void
robots_crawl_delay_comes_from_the_chosen_group(void **state)
{
    const char *txt = "user-agent: *\n"
                      "crawl-delay: 9\n"
                      "\n"
                      "user-agent: crawltop\n"
                      "crawl-delay: 1\n"
                      "disallow: /x\n";
    struct robots *r = parse_for(txt, "crawltop");

    (void)state;
    assert_int_equal(robots_crawl_delay_ms(r), 1000);
    /* Crawl-delay ends the '*' group's agent lines: /x is crawltop's. */
    assert_int_equal(robots_rule_count(r), 1);
    robots_free(r);
    r = parse_for(txt, "other");
    assert_int_equal(robots_crawl_delay_ms(r), 9000);
    assert_true(robots_allowed(r, "/x"));
    robots_free(r);
    assert_int_equal(delay_of("user-agent: crawltop\ndisallow: /\n"
                              "user-agent: *\ncrawl-delay: 9\n"),
                     0);
}

static void
robots_non_utf8_and_nul_bytes_are_data(void **state)
{
    static const char txt[] = "user-agent: *\n"
                              "disallow: /\xFF\xFE\n"
                              "disallow: /n\0ul\n"
                              "disallow: /\x01\n";
    struct robots *r = robots_parse(txt, sizeof(txt) - 1, "crawltop");

    (void)state;
    assert_int_equal(robots_rule_count(r), 3);
    assert_false(robots_allowed(r, "/%FF%FE"));
    assert_false(robots_allowed(r, "/\xFF\xFEx"));
    assert_false(robots_allowed(r, "/n%00ul"));
    assert_true(robots_allowed(r, "/n"));
    assert_false(robots_allowed(r, "/%01"));
    robots_free(r);
}

/* xorshift64, so the hostile inputs are the same on every run. */
static uint64_t
rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void
robots_random_bytes_never_crash(void **state)
{
    static const char bits[] = "user-agent:*\nallow:disallow:/*$%#\r\n \t"
                               "crawl-delay:.0a%2A%e3";
    static const char *const targets[] = {"/", "/a", "/robots.txt",
                                          "/%2A$*?x=%25", "/\xE3\x83\x84"};
    uint64_t seed = 0x9E3779B97F4A7C15u;
    char *buf = xmalloc(8192);

    (void)state;
    for (int round = 0; round < 500; round++) {
        size_t n = rnd(&seed) % 8192;
        struct robots *r;

        for (size_t i = 0; i < n; i++) {
            uint64_t x = rnd(&seed);

            buf[i] =
                x % 3 ? bits[(x >> 8) % (sizeof(bits) - 1)] : (char)(x >> 16);
        }
        r = robots_parse(buf, n, round % 2 ? "crawltop" : "a");
        for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
            (void)robots_allowed(r, targets[i]);
        assert_true(robots_crawl_delay_ms(r) <= ROBOTS_MAX_DELAY_MS);
        robots_free(r);
    }
    free(buf);
}

/* head, then lines "<line>\n" (or "<line><7-digit number>\n" if
 * numbered) until the text is at least min_len bytes. */
static char *
big_file(size_t min_len, const char *head, const char *line, bool numbered,
         size_t *len)
{
    size_t cap = min_len + 256;
    char *buf = xmalloc(cap);
    size_t n = (size_t)snprintf(buf, cap, "%s", head);

    for (unsigned i = 0; n < min_len; i++) {
        if (numbered)
            n += (size_t)snprintf(buf + n, cap - n, "%s%07u\n", line, i);
        else
            n += (size_t)snprintf(buf + n, cap - n, "%s\n", line);
    }
    *len = n;
    return buf;
}

static void
robots_bytes_past_the_limit_are_ignored(void **state)
{
    size_t len;
    /* A 20-byte head and 20 bytes a rule ("disallow: /d0000000\n"), so the
     * limit falls inside a "disallow" keyword. */
    char *buf = big_file(600 * 1024, "user-agent: *\n#pad.\n", "disallow: /d",
                         true, &len);
    struct robots *r = robots_parse(buf, len, "crawltop");
    size_t kept = (ROBOTS_MAX_BYTES - 20) / 20;
    char target[32];

    (void)state;
    assert_true(len >= 600 * 1024);
    assert_int_equal(robots_rule_count(r), kept);
    snprintf(target, sizeof(target), "/d%07u", 100u);
    assert_false(robots_allowed(r, target));
    snprintf(target, sizeof(target), "/d%07u", (unsigned)kept - 1);
    assert_false(robots_allowed(r, target));
    snprintf(target, sizeof(target), "/d%07u", (unsigned)kept);
    assert_true(robots_allowed(r, target));
    snprintf(target, sizeof(target), "/d%07u", (unsigned)kept + 1000);
    assert_true(robots_allowed(r, target));
    robots_free(r);
    free(buf);
}

static void
robots_rule_count_is_capped(void **state)
{
    size_t len;
    char *buf =
        big_file(ROBOTS_MAX_BYTES, "user-agent: *\n", "allow:/", false, &len);
    struct robots *r = robots_parse(buf, len, "crawltop");

    (void)state;
    assert_true(len / 8 > ROBOTS_MAX_RULES);
    assert_int_equal(robots_rule_count(r), ROBOTS_MAX_RULES);
    assert_true(robots_allowed(r, "/a"));
    robots_free(r);
    free(buf);
}

static void
robots_overlong_line_is_cut(void **state)
{
    size_t n = 40 * 1024;
    char *buf = xmalloc(n + 64);
    size_t len = (size_t)snprintf(buf, 64, "user-agent: *\ndisallow: /");
    size_t pat_at = len - 1;
    struct robots *r;
    char *target;

    (void)state;
    memset(buf + len, 'a', n);
    len += n;
    len += (size_t)snprintf(buf + len, 64, "\ndisallow: /z\n");
    r = robots_parse(buf, len, "crawltop");
    assert_int_equal(robots_rule_count(r), 2);
    assert_false(robots_allowed(r, "/z"));
    /* The long pattern kept its first ROBOTS_MAX_LINE bytes. */
    target = xmalloc(ROBOTS_MAX_LINE + 1);
    memset(target, 'a', ROBOTS_MAX_LINE);
    target[0] = '/';
    target[ROBOTS_MAX_LINE - (pat_at - 14)] = '\0';
    assert_false(robots_allowed(r, target));
    target[ROBOTS_MAX_LINE - (pat_at - 14) - 1] = '\0';
    assert_true(robots_allowed(r, target));
    free(target);
    robots_free(r);
    free(buf);
}

static void
robots_pathological_wildcards_match_in_linear_time(void **state)
{
    const char *txt = "user-agent: *\n"
                      "disallow: /*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n"
                      "disallow: /*aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab$\n";
    struct robots *r = parse_for(txt, "crawltop");
    char *target = xmalloc(8192);
    int64_t t0;

    (void)state;
    memset(target, 'a', 8191);
    target[0] = '/';
    target[8191] = '\0';
    t0 = now_ms();
    for (int i = 0; i < 10; i++)
        assert_true(robots_allowed(r, target));
    target[8190] = 'b';
    assert_false(robots_allowed(r, target));
    assert_true(now_ms() - t0 < 100);
    free(target);
    robots_free(r);
}

static void
robots_many_wildcard_rules_stay_bounded(void **state)
{
    size_t len;
    /* 15 bytes a rule, 34,000 rules that each scan the whole target. */
    char *buf =
        big_file(500 * 1024, "user-agent: *\n", "disallow: /*ab", false, &len);
    struct robots *r = robots_parse(buf, len, "crawltop");
    char *target = xmalloc(8192);
    int64_t t0;

    (void)state;
    memset(target, 'a', 8191);
    target[0] = '/';
    target[8191] = '\0';
    t0 = now_ms();
    /* 34,000 x 8 KiB bytes to scan: the budget runs out, so disallowed. */
    assert_false(robots_allowed(r, target));
    assert_true(now_ms() - t0 < 500);
    assert_true(robots_allowed(r, "/short"));
    free(target);
    free(buf);
    robots_free(r);
}

static void
robots_real_wildcard_files_stay_within_budget(void **state)
{
    size_t cap = 64 * 1024, len;
    char *buf = xmalloc(cap);
    char *target = xmalloc(8192);
    struct robots *r;

    (void)state;
    len = (size_t)snprintf(buf, cap, "user-agent: *\n");
    for (int i = 0; i < 300; i++)
        len += (size_t)snprintf(buf + len, cap - len,
                                "disallow: /*.ext%d$\n"
                                "disallow: /*?session%d=\n"
                                "disallow: /dir%d/\n",
                                i, i, i);
    r = robots_parse(buf, len, "crawltop");
    assert_int_equal(robots_rule_count(r), 900);
    memset(target, 'a', 8191);
    target[0] = '/';
    target[8191] = '\0';
    assert_true(robots_allowed(r, target));
    memcpy(target + 8000, "?session7=1", 11);
    assert_false(robots_allowed(r, target));
    assert_false(robots_allowed(r, "/x/y.ext299"));
    free(target);
    free(buf);
    robots_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(robots_rfc_simple_example_foobot_only_gets_its_allows),
        cmocka_unit_test(
            robots_rfc_simple_example_barbot_and_bazbot_share_a_group),
        cmocka_unit_test(
            robots_rfc_simple_example_empty_quxbot_group_allows_all),
        cmocka_unit_test(robots_rfc_simple_example_others_use_star_group),
        cmocka_unit_test(robots_rfc_longest_match_example),
        cmocka_unit_test(robots_rfc_grouping_of_consecutive_agent_lines),
        cmocka_unit_test(robots_groups_naming_product_are_merged),
        cmocka_unit_test(robots_star_groups_merged_when_no_group_names_product),
        cmocka_unit_test(robots_group_naming_product_replaces_star_groups),
        cmocka_unit_test(robots_no_matching_group_allows_everything),
        cmocka_unit_test(robots_agent_match_is_case_insensitive),
        cmocka_unit_test(robots_agent_value_leading_token_is_compared),
        cmocka_unit_test(robots_allow_wins_a_tie),
        cmocka_unit_test(robots_longest_match_wins_whatever_the_order),
        cmocka_unit_test(robots_dollar_anchors_the_end),
        cmocka_unit_test(robots_dollar_not_at_the_end_is_literal),
        cmocka_unit_test(robots_star_matches_any_sequence),
        cmocka_unit_test(robots_star_segments_are_found_leftmost),
        cmocka_unit_test(robots_rfc_percent_encoding_table),
        cmocka_unit_test(robots_escapes_compare_in_canonical_form),
        cmocka_unit_test(robots_escaped_star_and_dollar_match_literally),
        cmocka_unit_test(robots_empty_rule_values_mean_nothing),
        cmocka_unit_test(
            robots_pattern_not_starting_with_slash_or_star_is_ignored),
        cmocka_unit_test(robots_byte_order_mark_is_skipped),
        cmocka_unit_test(robots_lines_without_colon_are_ignored),
        cmocka_unit_test(robots_sitemap_and_unknown_lines_keep_the_group),
        cmocka_unit_test(robots_rules_before_any_agent_line_are_ignored),
        cmocka_unit_test(robots_keys_are_case_insensitive_and_spaces_trimmed),
        cmocka_unit_test(robots_comments_are_stripped),
        cmocka_unit_test(robots_lines_end_in_cr_lf_or_crlf),
        cmocka_unit_test(robots_robots_txt_is_always_allowed),
        cmocka_unit_test(robots_allow_all_and_disallow_all),
        cmocka_unit_test(robots_empty_or_null_body_allows_all),
        cmocka_unit_test(robots_crawl_delay_is_decimal_seconds),
        cmocka_unit_test(robots_crawl_delay_invalid_values_are_ignored),
        cmocka_unit_test(robots_crawl_delay_is_capped_at_a_day),
        cmocka_unit_test(robots_crawl_delay_comes_from_the_chosen_group),
        cmocka_unit_test(robots_non_utf8_and_nul_bytes_are_data),
        cmocka_unit_test(robots_random_bytes_never_crash),
        cmocka_unit_test(robots_bytes_past_the_limit_are_ignored),
        cmocka_unit_test(robots_rule_count_is_capped),
        cmocka_unit_test(robots_overlong_line_is_cut),
        cmocka_unit_test(robots_pathological_wildcards_match_in_linear_time),
        cmocka_unit_test(robots_many_wildcard_rules_stay_bounded),
        cmocka_unit_test(robots_real_wildcard_files_stay_within_budget),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
