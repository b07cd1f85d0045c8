/* SPDX-License-Identifier: MIT */
/*
 * test_url.c - url_resolve() and friends against cases written in the style
 * of the WHATWG URL Standard's examples and WPT urltestdata.json, one test
 * per category. Every successful result is also checked to be idempotent
 * and to split.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "url.h"

/* One resolution: base (NULL for none), href, and the expected result, or
 * NULL and the expected error. */
struct rcase {
    const char *base;
    const char *href;
    const char *want;
    int err;
};

#define PAGE "http://site.test/dir/page.html?q=1"
/* RFC 3986 section 5.4's base, with a real host name. */
#define RFC "http://a.test/b/c/d;p?q"

static size_t cases_run;

/* Run a table, print every mismatch, fail if there was one. */
static void
run_cases(const struct rcase *c, size_t n)
{
    static char out[URL_MAX], again[URL_MAX];
    struct url_parts parts;
    size_t i, failed = 0;

    for (i = 0; i < n; i++) {
        int want_rc = c[i].want != NULL ? URL_OK : c[i].err;
        int rc = url_resolve(c[i].base, c[i].href, out, sizeof(out));

        cases_run++;
        if (rc != want_rc || strcmp(out, c[i].want ? c[i].want : "") != 0) {
            print_error("case %zu: base \"%s\" href \"%s\"\n"
                        "  want \"%s\" (%d)\n  got  \"%s\" (%d)\n",
                        i, c[i].base ? c[i].base : "(none)", c[i].href,
                        c[i].want ? c[i].want : "", want_rc, out, rc);
            failed++;
            continue;
        }
        if (rc != URL_OK)
            continue;
        /* Idempotence, and every result is a URL url_split() accepts. */
        rc = url_normalize(out, again, sizeof(again));
        if (rc != URL_OK || strcmp(again, out) != 0) {
            print_error("case %zu: \"%s\" normalises again to \"%s\" (%d)\n", i,
                        out, again, rc);
            failed++;
        }
        if (url_split(out, &parts) != 0) {
            print_error("case %zu: \"%s\" does not split\n", i, out);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

#define RUN(table) run_cases(table, sizeof(table) / sizeof(table[0]))

static void
resolve_empty_href_is_base_without_fragment(void **state)
{
    static const struct rcase t[] = {
        {PAGE, "", PAGE, 0},
        {PAGE, "#x", PAGE, 0},
        {PAGE, "#", PAGE, 0},
        {PAGE, " \t\n ", PAGE, 0},
        {PAGE, "\t#x\n", PAGE, 0},
        {PAGE, "?q=2", "http://site.test/dir/page.html?q=2", 0},
        {PAGE, "?", "http://site.test/dir/page.html?", 0},
        {PAGE, "?#f", "http://site.test/dir/page.html?", 0},
        {PAGE, "?a#b?c", "http://site.test/dir/page.html?a", 0},
        {"http://site.test/dir/page.html#frag", "",
         "http://site.test/dir/page.html", 0},
        {"http://site.test/dir/", "#top", "http://site.test/dir/", 0},
        {"HTTP://SITE.test:80/p", "", "http://site.test/p", 0},
    };

    (void)state;
    RUN(t);
}

static void
resolve_strips_c0_space_and_removes_tab_newline(void **state)
{
    static const struct rcase t[] = {
        {NULL, "  http://site.test/  ", "http://site.test/", 0},
        {NULL, "\x01\x1f http://site.test/a \x02", "http://site.test/a", 0},
        {NULL, "\n\thttp://site.test/\x01x\x02 ", "http://site.test/%01x", 0},
        {NULL, "http://site.test/\x01x\x02z", "http://site.test/%01x%02z", 0},
        {NULL, "http://site.test/a\x7f", "http://site.test/a%7F", 0},
        {NULL, "ht\ttp://si\nte.test/a\rb", "http://site.test/ab", 0},
        {NULL, "http://site.test/a b", "http://site.test/a%20b", 0},
        {NULL, "http://site.te\tst:8\n0/", "http://site.test/", 0},
        {NULL, "http://site.test/%\t41", "http://site.test/%41", 0},
        {NULL, "http://site.test/?a\tb\nc", "http://site.test/?abc", 0},
        {NULL, "http\t:\n//site.test/", "http://site.test/", 0},
        {PAGE, " \t x", "http://site.test/dir/x", 0},
        {PAGE, "\r\n/a\t/\tb\r\n", "http://site.test/a/b", 0},
    };

    (void)state;
    RUN(t);
}

static void
resolve_backslash_is_path_separator(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://site.test\\a\\b", "http://site.test/a/b", 0},
        {NULL, "http:\\\\site.test\\", "http://site.test/", 0},
        {NULL, "https:\\/\\site.test/x", "https://site.test/x", 0},
        {PAGE, "\\x", "http://site.test/x", 0},
        {PAGE, "\\\\other.test\\p", "http://other.test/p", 0},
        {PAGE, "/\\other.test/p", "http://other.test/p", 0},
        {PAGE, "\\/other.test/p", "http://other.test/p", 0},
        {PAGE, "a\\..\\b", "http://site.test/dir/b", 0},
        {PAGE, "a\\b\\", "http://site.test/dir/a/b/", 0},
        /* but not in the query */
        {PAGE, "?a\\b", "http://site.test/dir/page.html?a\\b", 0},
    };

    (void)state;
    RUN(t);
}

/* RFC 3986 section 5.4 examples, as the URL Standard resolves them. */
static void
resolve_relative_reference_forms(void **state)
{
    static const struct rcase t[] = {
        {RFC, "g", "http://a.test/b/c/g", 0},
        {RFC, "./g", "http://a.test/b/c/g", 0},
        {RFC, "g/", "http://a.test/b/c/g/", 0},
        {RFC, "/g", "http://a.test/g", 0},
        {RFC, "//g", "http://g/", 0},
        {RFC, "?y", "http://a.test/b/c/d;p?y", 0},
        {RFC, "g?y", "http://a.test/b/c/g?y", 0},
        {RFC, "#s", "http://a.test/b/c/d;p?q", 0},
        {RFC, "g#s", "http://a.test/b/c/g", 0},
        {RFC, "g?y#s", "http://a.test/b/c/g?y", 0},
        {RFC, ";x", "http://a.test/b/c/;x", 0},
        {RFC, "g;x", "http://a.test/b/c/g;x", 0},
        {RFC, "", "http://a.test/b/c/d;p?q", 0},
        {RFC, ".", "http://a.test/b/c/", 0},
        {RFC, "./", "http://a.test/b/c/", 0},
        {RFC, "..", "http://a.test/b/", 0},
        {RFC, "../", "http://a.test/b/", 0},
        {RFC, "../g", "http://a.test/b/g", 0},
        {RFC, "../..", "http://a.test/", 0},
        {RFC, "../../", "http://a.test/", 0},
        {RFC, "../../g", "http://a.test/g", 0},
        /* abnormal: ".." beyond the root clamps there */
        {RFC, "../../../g", "http://a.test/g", 0},
        {RFC, "../../../../g", "http://a.test/g", 0},
        {RFC, "/./g", "http://a.test/g", 0},
        {RFC, "/../g", "http://a.test/g", 0},
        {RFC, "g.", "http://a.test/b/c/g.", 0},
        {RFC, ".g", "http://a.test/b/c/.g", 0},
        {RFC, "g..", "http://a.test/b/c/g..", 0},
        {RFC, "..g", "http://a.test/b/c/..g", 0},
        {RFC, "./../g", "http://a.test/b/g", 0},
        {RFC, "./g/.", "http://a.test/b/c/g/", 0},
        {RFC, "g/./h", "http://a.test/b/c/g/h", 0},
        {RFC, "g/../h", "http://a.test/b/c/h", 0},
        {RFC, "g;x=1/./y", "http://a.test/b/c/g;x=1/y", 0},
        {RFC, "g;x=1/../y", "http://a.test/b/c/y", 0},
        {RFC, "g?y/./x", "http://a.test/b/c/g?y/./x", 0},
        {RFC, "g?y/../x", "http://a.test/b/c/g?y/../x", 0},
        {RFC, "g#s/./x", "http://a.test/b/c/g", 0},
        {RFC, "g#s/../x", "http://a.test/b/c/g", 0},
        {"https://h.test/x", "//g.test/y", "https://g.test/y", 0},
        {"http://h.test", "a", "http://h.test/a", 0},
        {PAGE, "1http://x", "http://site.test/dir/1http://x", 0},
        {PAGE, "a:b/c", NULL, URL_ERR_SCHEME},
    };

    (void)state;
    RUN(t);
}

static void
resolve_dot_segments_and_percent_2e_forms(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://site.test/a/%2e/b", "http://site.test/a/b", 0},
        {NULL, "http://site.test/a/%2E/b", "http://site.test/a/b", 0},
        {NULL, "http://site.test/a/b/%2e%2e/c", "http://site.test/a/c", 0},
        {NULL, "http://site.test/a/b/.%2e/c", "http://site.test/a/c", 0},
        {NULL, "http://site.test/a/b/%2E./c", "http://site.test/a/c", 0},
        {NULL, "http://site.test/a/b/%2e%2E", "http://site.test/a/", 0},
        {NULL, "http://site.test/a/b/..", "http://site.test/a/", 0},
        {NULL, "http://site.test/a/b/.", "http://site.test/a/b/", 0},
        {NULL, "http://site.test/a/b/%2e", "http://site.test/a/b/", 0},
        {NULL, "http://site.test/..", "http://site.test/", 0},
        {NULL, "http://site.test/../../..", "http://site.test/", 0},
        {NULL, "http://site.test/../../../x", "http://site.test/x", 0},
        {NULL, "http://site.test/a/..b/c", "http://site.test/a/..b/c", 0},
        {NULL, "http://site.test/a/.../c", "http://site.test/a/.../c", 0},
        {NULL, "http://site.test/a/%2e%2e%2e/c",
         "http://site.test/a/%2e%2e%2e/c", 0},
        {NULL, "http://site.test/a/%252e/c", "http://site.test/a/%252e/c", 0},
        {NULL, "http://site.test/a/b/..?x", "http://site.test/a/?x", 0},
        {NULL, "http://site.test/a/b/..#x", "http://site.test/a/", 0},
        {NULL, "http://site.test/a/b/.?x", "http://site.test/a/b/?x", 0},
        {NULL, "http://site.test/a/./././b", "http://site.test/a/b", 0},
        {NULL, "http://site.test/a//../b", "http://site.test/a/b", 0},
        {NULL, "http://site.test/a/.\t./b", "http://site.test/b", 0},
        {NULL, "http://site.test/a/b/c/../../d", "http://site.test/a/d", 0},
        {NULL, "http://site.test/.a/b.", "http://site.test/.a/b.", 0},
        {PAGE, "%2e%2e/x", "http://site.test/x", 0},
        {PAGE, ".%2E/..", "http://site.test/", 0},
    };

    (void)state;
    RUN(t);
}

static void
resolve_same_scheme_without_slashes_is_relative(void **state)
{
    static const struct rcase t[] = {
        {RFC, "http:g", "http://a.test/b/c/g", 0},
        {RFC, "HTTP:g", "http://a.test/b/c/g", 0},
        {RFC, "http:", "http://a.test/b/c/d;p?q", 0},
        {RFC, "http:?x", "http://a.test/b/c/d;p?x", 0},
        {RFC, "http:#f", "http://a.test/b/c/d;p?q", 0},
        {RFC, "http:/g", "http://a.test/g", 0},
        {RFC, "http://g.test", "http://g.test/", 0},
        {RFC, "http:////g.test", "http://g.test/", 0},
        {RFC, "http:\\\\g.test\\x", "http://g.test/x", 0},
        {RFC, "https:g", "https://g/", 0},
        {NULL, "http:g", "http://g/", 0},
        {"https://h.test/x", "http:foo.test/p", "http://foo.test/p", 0},
        {NULL, "https:////site.test/p", "https://site.test/p", 0},
        {NULL, "http:/site.test", "http://site.test/", 0},
        {NULL, "HtTpS://Site.Test/", "https://site.test/", 0},
        {NULL, "http:", NULL, URL_ERR_SYNTAX},
    };

    (void)state;
    RUN(t);
}

static void
reject_schemes_other_than_http_and_https(void **state)
{
    static const struct rcase t[] = {
        {PAGE, "javascript:alert(1)", NULL, URL_ERR_SCHEME},
        {PAGE, "JavaScript:void(0)", NULL, URL_ERR_SCHEME},
        {PAGE, " java\tscript:x", NULL, URL_ERR_SCHEME},
        {PAGE, "mailto:a@site.test", NULL, URL_ERR_SCHEME},
        {PAGE, "tel:+1234", NULL, URL_ERR_SCHEME},
        {PAGE, "data:text/html,x", NULL, URL_ERR_SCHEME},
        {PAGE, "ftp://site.test/", NULL, URL_ERR_SCHEME},
        {PAGE, "file:///etc/passwd", NULL, URL_ERR_SCHEME},
        {PAGE, "ws://site.test/", NULL, URL_ERR_SCHEME},
        {PAGE, "httpx://site.test/", NULL, URL_ERR_SCHEME},
        {PAGE, "foo:bar", NULL, URL_ERR_SCHEME},
        {NULL, "mailto:x", NULL, URL_ERR_SCHEME},
        {"ftp://x.test/", "a", NULL, URL_ERR_SCHEME},
        {"mailto:x@y.test", "http://site.test/", NULL, URL_ERR_SCHEME},
        /* no scheme and no base */
        {NULL, "site.test/a", NULL, URL_ERR_SYNTAX},
        {NULL, "/a", NULL, URL_ERR_SYNTAX},
        {NULL, "//site.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "", NULL, URL_ERR_SYNTAX},
        {NULL, " \x01 ", NULL, URL_ERR_SYNTAX},
    };

    (void)state;
    RUN(t);
}

static void
encode_path_percent_encode_set(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://site.test/a b\"c<d>e`f{g}h",
         "http://site.test/a%20b%22c%3Cd%3Ee%60f%7Bg%7Dh", 0},
        /* '^' joined the path set in the 2024 standard */
        {NULL, "http://site.test/^", "http://site.test/%5E", 0},
        {NULL, "http://site.test/\x01\x1fz", "http://site.test/%01%1Fz", 0},
        {NULL, "http://site.test/\x7f", "http://site.test/%7F", 0},
        {NULL, "http://site.test/\xc3\xa9", "http://site.test/%C3%A9", 0},
        {NULL, "http://site.test/\xe4\xb8\xad", "http://site.test/%E4%B8%AD",
         0},
        /* invalid UTF-8: encoded byte by byte (no U+FFFD) */
        {NULL, "http://site.test/\xff\xfe", "http://site.test/%FF%FE", 0},
        {NULL, "http://site.test/!$&'()*+,;=:@~_-.|[]",
         "http://site.test/!$&'()*+,;=:@~_-.|[]", 0},
        {NULL, "http://site.test/a?b/c", "http://site.test/a?b/c", 0},
        {PAGE, "a b", "http://site.test/dir/a%20b", 0},
        {PAGE, "/{x}", "http://site.test/%7Bx%7D", 0},
    };

    (void)state;
    RUN(t);
}

static void
encode_query_percent_encode_set(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://site.test/?a b\"c<d>e'f",
         "http://site.test/?a%20b%22c%3Cd%3Ee%27f", 0},
        {NULL, "http://site.test/?`{}|^\\[]", "http://site.test/?`{}|^\\[]", 0},
        {NULL, "http://site.test/?\xc3\xa9", "http://site.test/?%C3%A9", 0},
        {NULL, "http://site.test/?a=1&b=2/3?4", "http://site.test/?a=1&b=2/3?4",
         0},
        {NULL, "http://site.test/?\x01\x7fz", "http://site.test/?%01%7Fz", 0},
        {NULL, "http://site.test/?a#b", "http://site.test/?a", 0},
        {NULL, "http://site.test/??", "http://site.test/??", 0},
        {PAGE, "?x='y'", "http://site.test/dir/page.html?x=%27y%27", 0},
    };

    (void)state;
    RUN(t);
}

static void
keep_existing_percent_escapes_as_written(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://site.test/%7e%7E%41%zz%",
         "http://site.test/%7e%7E%41%zz%", 0},
        {NULL, "http://site.test/a%2fb", "http://site.test/a%2fb", 0},
        {NULL, "http://site.test/%", "http://site.test/%", 0},
        {NULL, "http://site.test/%25", "http://site.test/%25", 0},
        {NULL, "http://site.test/%%41", "http://site.test/%%41", 0},
        {NULL, "http://site.test/?%7e%", "http://site.test/?%7e%", 0},
        {NULL, "http://site.test/?q=%e4%B8%ad", "http://site.test/?q=%e4%B8%ad",
         0},
    };

    (void)state;
    RUN(t);
}

static void
host_is_lowercased_and_percent_decoded(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://SITE.Test/", "http://site.test/", 0},
        {NULL, "http://s%69te.test/", "http://site.test/", 0},
        {NULL, "http://%53ITE.test/", "http://site.test/", 0},
        {NULL, "http://site%2etest/", "http://site.test/", 0},
        {NULL, "http://%31%32%37.0.0.1/", "http://127.0.0.1/", 0},
        {NULL, "http://a_b-c.test/", "http://a_b-c.test/", 0},
        {NULL, "http://*.test/", "http://*.test/", 0},
        {NULL, "http://a..b/", "http://a..b/", 0},
        {NULL, "http://1.2.3.a/", "http://1.2.3.a/", 0},
        /* punycode labels are kept as written, not validated */
        {NULL, "http://XN--nxasmq6b.test/", "http://xn--nxasmq6b.test/", 0},
    };

    (void)state;
    RUN(t);
}

static void
host_with_forbidden_code_point_or_empty_is_rejected(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://a b.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a<b.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a>b.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a^b.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a|b.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a%b.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a%25b.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a%00b.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a%20b.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a%2Fb.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a%3Ab.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a%40b.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a[b.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a]b.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a\x7fz.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a%7Fb.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a\x01z.test/", NULL, URL_ERR_SYNTAX},
        /* empty hosts */
        {NULL, "http://", NULL, URL_ERR_SYNTAX},
        {NULL, "http:///", NULL, URL_ERR_SYNTAX},
        {NULL, "http://:80/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://user@/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://u:p@:80/", NULL, URL_ERR_SYNTAX},
        {NULL, "https://?x", NULL, URL_ERR_SYNTAX},
        {NULL, "http://#x", NULL, URL_ERR_SYNTAX},
        {PAGE, "//", NULL, URL_ERR_SYNTAX},
    };

    (void)state;
    RUN(t);
}

/* The standard maps these through IDNA to punycode; without an IDNA library
 * we refuse them. */
static void
host_not_ascii_is_rejected_without_idna(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://ex\xc3\xa4mple.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://ex%C3%A4mple.test/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://\xe4\xb8\xad\xe5\x9b\xbd/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://%ff/", NULL, URL_ERR_SYNTAX},
        {PAGE, "//b\xc3\xbcro.test/", NULL, URL_ERR_SYNTAX},
        /* non-ASCII elsewhere is fine */
        {NULL, "http://site.test/b\xc3\xbcro", "http://site.test/b%C3%BCro", 0},
    };

    (void)state;
    RUN(t);
}

static void
host_ipv4_forms_are_canonicalised(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://0x7f.1/", "http://127.0.0.1/", 0},
        {NULL, "http://2130706433/", "http://127.0.0.1/", 0},
        {NULL, "http://127.1/", "http://127.0.0.1/", 0},
        {NULL, "http://0177.0.0.1/", "http://127.0.0.1/", 0},
        {NULL, "http://0x7F.0X0.00.01/", "http://127.0.0.1/", 0},
        {NULL, "http://192.168.257/", "http://192.168.1.1/", 0},
        {NULL, "http://1.2.3.4./", "http://1.2.3.4/", 0},
        {NULL, "http://0/", "http://0.0.0.0/", 0},
        {NULL, "http://0x/", "http://0.0.0.0/", 0},
        {NULL, "http://1.0x/", "http://1.0.0.0/", 0},
        {NULL, "http://4294967295/", "http://255.255.255.255/", 0},
        {NULL, "http://0xffffffff/", "http://255.255.255.255/", 0},
        {NULL, "http://00000000000000000001/", "http://0.0.0.1/", 0},
        {NULL, "http://1.2.3.4:8080/x", "http://1.2.3.4:8080/x", 0},
        {NULL, "http://%30x7f.1/", "http://127.0.0.1/", 0},
    };

    (void)state;
    RUN(t);
}

static void
host_ipv4_out_of_range_or_malformed_is_rejected(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://4294967296/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://0x100000000/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://99999999999999999999999/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://256.0.0.1/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://1.2.3.256/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://1.16777216/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://1.2.3.4.5/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://1.2.3.09/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://foo.09/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://a.1/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://1..2/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://foo.0x1g/", "http://foo.0x1g/", 0}, /* not a number */
    };

    (void)state;
    RUN(t);
}

static void
host_ipv6_literals_are_canonicalised(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://[0:0::1]/", "http://[::1]/", 0},
        {NULL, "http://[::1]:8080/", "http://[::1]:8080/", 0},
        {NULL, "https://[::1]:443/", "https://[::1]/", 0},
        {NULL, "http://[2001:DB8::1]/", "http://[2001:db8::1]/", 0},
        {NULL, "http://[2001:0db8:0000:0000:0000:0000:0000:0001]/",
         "http://[2001:db8::1]/", 0},
        {NULL, "http://[1:0:0:2:0:0:0:3]/", "http://[1:0:0:2::3]/", 0},
        {NULL, "http://[1:0:0:2:0:0:3:4]/", "http://[1::2:0:0:3:4]/", 0},
        {NULL, "http://[1:0:3:4:5:6:7:8]/", "http://[1:0:3:4:5:6:7:8]/", 0},
        {NULL, "http://[::]/", "http://[::]/", 0},
        {NULL, "http://[0::0:0]/", "http://[::]/", 0},
        {NULL, "http://[1::]/", "http://[1::]/", 0},
        {NULL, "http://[::ffff:192.168.0.1]/", "http://[::ffff:c0a8:1]/", 0},
        {NULL, "http://[1:2:3:4:5:6:7:8]/", "http://[1:2:3:4:5:6:7:8]/", 0},
        {NULL, "http://[0:1:0:1:0:1:0:1]/", "http://[0:1:0:1:0:1:0:1]/", 0},
        {NULL, "http://u@[::1]/", "http://u@[::1]/", 0},
    };

    (void)state;
    RUN(t);
}

static void
host_ipv6_malformed_is_rejected(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://[::1/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[::1]x/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[1:2:3]/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[1::2::3]/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[12345::]/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[g::]/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[1:2:3:4:5:6:7:8:9]/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[:1]/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[1:]/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[::1.2.3]/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[::1.2.3.04]/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[::256.0.0.1]/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[1:1:1:1:1:1:1:127.0.0.1]/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[%3A%3A1]/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[]/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://[::1]:x/", NULL, URL_ERR_SYNTAX},
    };

    (void)state;
    RUN(t);
}

static void
host_trailing_dot_is_kept(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://site.test./", "http://site.test./", 0},
        {NULL, "http://SITE.test.:80/a", "http://site.test./a", 0},
        {NULL, "http://site.test../", "http://site.test../", 0},
        {NULL, "http://./", "http://./", 0},
    };

    (void)state;
    RUN(t);
}

static void
userinfo_is_kept_and_encoded(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://user:pass@site.test/", "http://user:pass@site.test/", 0},
        {NULL, "http://user@site.test/", "http://user@site.test/", 0},
        {NULL, "http://user:@site.test/", "http://user@site.test/", 0},
        {NULL, "http://:pass@site.test/", "http://:pass@site.test/", 0},
        {NULL, "http://@site.test/", "http://site.test/", 0},
        {NULL, "http://:@site.test/", "http://site.test/", 0},
        {NULL, "http://a b:c d@site.test/", "http://a%20b:c%20d@site.test/", 0},
        {NULL, "http://a@b@site.test/", "http://a%40b@site.test/", 0},
        {NULL, "http://a:b:c@site.test/", "http://a:b%3Ac@site.test/", 0},
        {NULL, "http://us%65r@site.test/", "http://us%65r@site.test/", 0},
        {NULL, "http://user;x=1@site.test/", "http://user%3Bx%3D1@site.test/",
         0},
        {NULL, "http://\xc3\xa9@site.test/", "http://%C3%A9@site.test/", 0},
        {PAGE, "//u:p@other.test/", "http://u:p@other.test/", 0},
        {"http://u:p@h.test/a/b", "c", "http://u:p@h.test/a/c", 0},
        {"http://u:p@h.test/a/b", "//h.test/", "http://h.test/", 0},
    };

    (void)state;
    RUN(t);
}

static void
port_is_checked_and_default_removed(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://site.test:80/", "http://site.test/", 0},
        {NULL, "https://site.test:443/", "https://site.test/", 0},
        {NULL, "http://site.test:443/", "http://site.test:443/", 0},
        {NULL, "https://site.test:80/", "https://site.test:80/", 0},
        {NULL, "http://site.test:/", "http://site.test/", 0},
        {NULL, "http://site.test:0080/", "http://site.test/", 0},
        {NULL, "http://site.test:08080/", "http://site.test:8080/", 0},
        {NULL, "http://site.test:0/", "http://site.test:0/", 0},
        {NULL, "http://site.test:65535/", "http://site.test:65535/", 0},
        {NULL, "http://site.test:80?x", "http://site.test/?x", 0},
        {NULL, "http://site.test:8\t0/", "http://site.test/", 0},
        {NULL, "http://site.test:65536/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://site.test:99999999999999999999/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://site.test:8a/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://site.test:-1/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://site.test: 80/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://site.test::80/", NULL, URL_ERR_SYNTAX},
        {NULL, "http://site.test:80:80/", NULL, URL_ERR_SYNTAX},
    };

    (void)state;
    RUN(t);
}

static void
empty_path_becomes_slash(void **state)
{
    static const struct rcase t[] = {
        {NULL, "http://site.test", "http://site.test/", 0},
        {NULL, "http://site.test?x", "http://site.test/?x", 0},
        {NULL, "http://site.test#f", "http://site.test/", 0},
        {NULL, "https://site.test:8443", "https://site.test:8443/", 0},
        {NULL, "http://site.test/", "http://site.test/", 0},
        {"http://site.test", "", "http://site.test/", 0},
    };

    (void)state;
    RUN(t);
}

static void
normalize_example_from_issue(void **state)
{
    char out[URL_MAX];

    (void)state;
    assert_int_equal(
        url_normalize("http://Site.test:80/a/./b#x", out, sizeof(out)), URL_OK);
    assert_string_equal(out, "http://site.test/a/b");
    cases_run++;
}

/* A string of n copies of unit after prefix and before suffix. */
static char *
repeat(const char *prefix, const char *unit, size_t n, const char *suffix)
{
    size_t lp = strlen(prefix), lu = strlen(unit), ls = strlen(suffix), i;
    char *s = malloc(lp + lu * n + ls + 1);

    assert_non_null(s);
    memcpy(s, prefix, lp);
    for (i = 0; i < n; i++)
        memcpy(s + lp + i * lu, unit, lu);
    memcpy(s + lp + n * lu, suffix, ls + 1);
    return s;
}

struct bigcase {
    const char *prefix, *unit;
    size_t n;
    const char *suffix;
    const char *want; /* NULL: URL_ERR_TOOLONG */
};

static void
result_too_long_is_refused_and_huge_input_is_safe(void **state)
{
    static const struct bigcase t[] = {
        /* 4 MB that normalise to something short */
        {"http://site.test/", "./", 2000000, "x", "http://site.test/x"},
        {"http://site.test/a/", "../", 1400000, "", "http://site.test/"},
        {"http://site.test/", "\t", 4000000, "x", "http://site.test/x"},
        {"", " ", 4000000, "http://site.test/", "http://site.test/"},
        {"http://site.test:", "0", 4000000, "80/", "http://site.test/"},
        {"https:", "/", 4000000, "site.test", "https://site.test/"},
        /* a segment too long to write, then removed by ".." */
        {"http://site.test/", "a", 9000, "/../b", "http://site.test/b"},
        {"http://site.test/", "abcdefg/", 5000, "", NULL},
        {"http://site.test/x/", "abcdefg/", 5000, "", NULL},
        /* 4 MB that stay long */
        {"http://site.test/", "a", 4000000, "", NULL},
        {"http://site.test/?", "a", 4000000, "", NULL},
        {"http://site.test/", "\x01", 3000, "z", NULL}, /* 9000 encoded */
        {"http://", "a", 4000000, ".test/", NULL},
        {"http://", "u", 4000000, "@site.test/", NULL},
        {"http://site.test/#", "a", 4000000, "", "http://site.test/"},
    };
    static char out[URL_MAX];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        char *in = repeat(t[i].prefix, t[i].unit, t[i].n, t[i].suffix);
        int rc = url_normalize(in, out, sizeof(out));

        if (t[i].want != NULL) {
            assert_int_equal(rc, URL_OK);
            assert_string_equal(out, t[i].want);
        } else {
            assert_int_equal(rc, URL_ERR_TOOLONG);
            assert_string_equal(out, "");
        }
        free(in);
        cases_run++;
    }
}

static void
result_too_long_at_exact_buffer_limits(void **state)
{
    static char out[2 * URL_MAX];
    const char *u = "http://site.test/abc";
    size_t len = strlen(u);
    char *s, *deep;

    (void)state;
    /* exact fit, one short, tiny buffers */
    assert_int_equal(url_normalize(u, out, len + 1), URL_OK);
    assert_string_equal(out, u);
    assert_int_equal(url_normalize(u, out, len), URL_ERR_TOOLONG);
    assert_string_equal(out, "");
    assert_int_equal(url_normalize(u, out, 1), URL_ERR_TOOLONG);
    assert_string_equal(out, "");
    out[0] = 'x';
    assert_int_equal(url_normalize(u, out, 0), URL_ERR_TOOLONG);
    assert_int_equal(out[0], 'x');
    /* a short buffer with a relative href */
    assert_int_equal(url_resolve(PAGE, "a", out, 10), URL_ERR_TOOLONG);
    assert_string_equal(out, "");
    /* the base path does not fit, but ".." makes the result fit */
    assert_int_equal(url_resolve("http://s.test/aaaaaaaaaaaaaaaaaaaaaaaaa/b",
                                 "../x", out, 16),
                     URL_OK);
    assert_string_equal(out, "http://s.test/x");

    /* URL_MAX - 1 characters fit, URL_MAX do not, whatever outsz says */
    s = repeat("http://site.test/", "a", URL_MAX - 1 - 17, "");
    assert_int_equal(url_normalize(s, out, sizeof(out)), URL_OK);
    assert_int_equal(strlen(out), URL_MAX - 1);
    free(s);
    s = repeat("http://site.test/", "a", URL_MAX - 17, "");
    assert_int_equal(url_normalize(s, out, sizeof(out)), URL_ERR_TOOLONG);
    /* ... and a long page still serves as base for a short link */
    free(s);
    s = repeat("http://site.test/", "a", URL_MAX - 1 - 17, "");
    assert_int_equal(url_resolve(s, "/b", out, sizeof(out)), URL_OK);
    assert_string_equal(out, "http://site.test/b");
    deep = repeat("http://site.test/", "a/", (URL_MAX - 18) / 2, "");
    assert_int_equal(url_resolve(deep, "../../x?y", out, sizeof(out)), URL_OK);
    assert_int_equal(strlen(out), strlen(deep) - 4 + 3);
    free(deep);
    free(s);
    cases_run += 13;
}

static void
normalize_twice_changes_nothing(void **state)
{
    static const char *const in[] = {
        "HTTP://Site.Test:80/a/./b/../c?x y#z",
        "http://site.test/%7e/%2e%2E/ä?é'",
        "https://[0:0:0:0:0:0:0:1]:443/\\a\\b",
        "http://u s:p@w@0x7f.1:0080/^{}`",
        "http:////site.test/a b/%/%%41",
        "http://site.test./a/..",
        "http://site.test/?a=1&b=\"2\"#f",
        "http://site.test/\x01\x7fz",
        "https://SITE.test/%2e",
        "http://192.168.257/",
    };
    char a[URL_MAX], b[URL_MAX];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        assert_int_equal(url_normalize(in[i], a, sizeof(a)), URL_OK);
        assert_int_equal(url_normalize(a, b, sizeof(b)), URL_OK);
        assert_string_equal(a, b);
        /* in place, too */
        assert_int_equal(url_normalize(b, b, sizeof(b)), URL_OK);
        assert_string_equal(a, b);
        cases_run++;
    }
}

static void
split_gives_parts_of_normalised_url(void **state)
{
    static const char *const bad[] = {
        "",
        "ftp://site.test/",
        "http://",
        "http://site.test",
        "http://Site.test/",
        "http://site.test:99999/",
        "http://site.test:/",
        "http://site.test:8x/",
        "http://site.test/#f",
        "http://site.test/a b",
        "http://:80/",
        "http://[::1/",
        "http://site.test?x/",
    };
    struct url_parts p;
    const char *u;
    size_t i;

    (void)state;
    u = "http://site.test/a/b?c=d";
    assert_int_equal(url_split(u, &p), 0);
    assert_false(p.https);
    assert_string_equal(p.host, "site.test");
    assert_int_equal(p.port, 80);
    assert_ptr_equal(p.path, u + 16);
    assert_ptr_equal(p.query, u + 20);

    u = "https://u:p@[::1]:8443/";
    assert_int_equal(url_split(u, &p), 0);
    assert_true(p.https);
    assert_string_equal(p.host, "[::1]");
    assert_int_equal(p.port, 8443);
    assert_string_equal(p.path, "/");
    assert_null(p.query);

    assert_int_equal(url_split("https://site.test/", &p), 0);
    assert_int_equal(p.port, 443);
    assert_int_equal(url_split("http://1.2.3.4:8080/?", &p), 0);
    assert_string_equal(p.host, "1.2.3.4");
    assert_int_equal(p.port, 8080);
    assert_string_equal(p.query, "?");

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (url_split(bad[i], &p) != -1)
            fail_msg("url_split accepted \"%s\"", bad[i]);
    }
    cases_run += 4 + sizeof(bad) / sizeof(bad[0]);
}

static void
host_key_always_has_port(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(url_host_key("http://site.test/a", out, sizeof(out)), 0);
    assert_string_equal(out, "http://site.test:80");
    assert_int_equal(
        url_host_key("https://site.test:8443/x?y", out, sizeof(out)), 0);
    assert_string_equal(out, "https://site.test:8443");
    assert_int_equal(url_host_key("https://u@[::1]/", out, sizeof(out)), 0);
    assert_string_equal(out, "https://[::1]:443");
    assert_int_equal(url_host_key("https://site.test/", out, sizeof(out)), 0);
    assert_string_equal(out, "https://site.test:443");
    /* exact fit and one short */
    assert_int_equal(url_host_key("http://site.test/", out, 20), 0);
    assert_int_equal(url_host_key("http://site.test/", out, 19), -1);
    assert_string_equal(out, "");
    assert_int_equal(url_host_key("mailto:x", out, sizeof(out)), -1);
    assert_string_equal(out, "");
    cases_run += 7;
}

static void
hash_is_stable_positive_and_avalanches(void **state)
{
    static const char url[] = "http://site.test/";
    char buf[64];
    unsigned char in[32];
    uint64_t rng = 0x853c49e6748fea9bULL;
    long long flips = 0, trials = 0;
    int64_t h, h2;
    size_t i, j;
    int bit;

    (void)state;
    /* Ids live in the database: this value must never change. */
    h = url_hash(url, strlen(url));
    assert_int_equal(h, INT64_C(1445147027797205523));
    assert_true(url_hash("", 0) > 0);
    assert_true(url_hash("a", 1) != url_hash("a\0", 2));
    assert_true(url_hash("ab", 2) != url_hash("ba", 2));

    /* positive, never 0, no collisions in a small family */
    for (i = 0; i < 20000; i++) {
        snprintf(buf, sizeof(buf), "http://site.test/p/%zu", i);
        h = url_hash(buf, strlen(buf));
        assert_true(h > 0);
        snprintf(buf, sizeof(buf), "http://site.test/p/%zu", i + 1);
        h2 = url_hash(buf, strlen(buf));
        assert_true(h != h2);
    }

    /* one input bit flips about half of the 63 output bits */
    for (i = 0; i < 200; i++) {
        for (j = 0; j < sizeof(in); j++) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            in[j] = (unsigned char)(rng >> 56);
        }
        h = url_hash((const char *)in, 1 + i % sizeof(in));
        for (bit = 0; bit < 8 * (int)(1 + i % sizeof(in)); bit++) {
            in[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            h2 = url_hash((const char *)in, 1 + i % sizeof(in));
            in[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            flips += __builtin_popcountll((unsigned long long)(h ^ h2));
            trials++;
        }
    }
    assert_true(flips > trials * 30 && flips < trials * 33);
    cases_run += 6;
}

/* Not asserted: how fast resolution runs (the crawler needs ~200k/s). */
static void
resolve_speed_is_reported(void **state)
{
    static const char *const links[] = {
        "../img/logo.png",          "/about/",
        "page2.html?sort=desc#top", "https://Other.Test/x/./y",
        "//cdn.test/a.js",          "#section",
    };
    char out[URL_MAX];
    struct timespec t0, t1;
    const int n = 200000;
    double s;
    int i;

    (void)state;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < n; i++)
        url_resolve("https://site.test/blog/2024/post.html?id=7", links[i % 6],
                    out, sizeof(out));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("url_resolve: %d calls in %.3f s, %.0f ns each\n", n, s,
                  s * 1e9 / n);
    print_message("%zu cases checked\n", cases_run);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resolve_empty_href_is_base_without_fragment),
        cmocka_unit_test(resolve_strips_c0_space_and_removes_tab_newline),
        cmocka_unit_test(resolve_backslash_is_path_separator),
        cmocka_unit_test(resolve_relative_reference_forms),
        cmocka_unit_test(resolve_dot_segments_and_percent_2e_forms),
        cmocka_unit_test(resolve_same_scheme_without_slashes_is_relative),
        cmocka_unit_test(reject_schemes_other_than_http_and_https),
        cmocka_unit_test(encode_path_percent_encode_set),
        cmocka_unit_test(encode_query_percent_encode_set),
        cmocka_unit_test(keep_existing_percent_escapes_as_written),
        cmocka_unit_test(host_is_lowercased_and_percent_decoded),
        cmocka_unit_test(host_with_forbidden_code_point_or_empty_is_rejected),
        cmocka_unit_test(host_not_ascii_is_rejected_without_idna),
        cmocka_unit_test(host_ipv4_forms_are_canonicalised),
        cmocka_unit_test(host_ipv4_out_of_range_or_malformed_is_rejected),
        cmocka_unit_test(host_ipv6_literals_are_canonicalised),
        cmocka_unit_test(host_ipv6_malformed_is_rejected),
        cmocka_unit_test(host_trailing_dot_is_kept),
        cmocka_unit_test(userinfo_is_kept_and_encoded),
        cmocka_unit_test(port_is_checked_and_default_removed),
        cmocka_unit_test(empty_path_becomes_slash),
        cmocka_unit_test(normalize_example_from_issue),
        cmocka_unit_test(result_too_long_is_refused_and_huge_input_is_safe),
        cmocka_unit_test(result_too_long_at_exact_buffer_limits),
        cmocka_unit_test(normalize_twice_changes_nothing),
        cmocka_unit_test(split_gives_parts_of_normalised_url),
        cmocka_unit_test(host_key_always_has_port),
        cmocka_unit_test(hash_is_stable_positive_and_avalanches),
        cmocka_unit_test(resolve_speed_is_reported),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
