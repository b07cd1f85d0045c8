/* SPDX-License-Identifier: MIT */
/*
 * test_extract.c - links and title from HTML bodies, hostile ones included.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "extract.h"
#include "util.h"

#define PAGE "http://example.com/dir/page.html"

struct fixture {
    struct extractor *x;
    struct extract_ctx *c;
    struct extract_result r;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char *cause = NULL;

    assert_non_null(f);
    f->x = extract_new(&cause);
    assert_non_null(f->x);
    assert_null(cause);
    f->c = extract_ctx_new(f->x);
    extract_result_init(&f->r);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    extract_result_fini(&f->r);
    extract_ctx_free(f->c);
    extract_free(f->x);
    free(f);
    return 0;
}

/* Extract from a copy of body[0..len) in a buffer of exactly len bytes, so
 * ASan catches any read past the end. */
static struct extract_result *
run_len(void **state, const char *body, size_t len)
{
    struct fixture *f = *state;
    char *copy = malloc(len ? len : 1);

    assert_non_null(copy);
    memcpy(copy, body, len);
    assert_int_equal(extract_page(f->c, copy, len, PAGE, &f->r), 0);
    free(copy);
    return &f->r;
}

static struct extract_result *
run(void **state, const char *body)
{
    return run_len(state, body, strlen(body));
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
assert_links(const struct extract_result *r, const char *const *want, size_t n)
{
    for (size_t i = 0; i < r->n && i < n; i++)
        assert_string_equal(r->links[i].url, want[i]);
    assert_int_equal(r->n, n);
}

#define ASSERT_LINKS(r, ...)                                                   \
    do {                                                                       \
        const char *const want_[] = {__VA_ARGS__};                             \
        assert_links((r), want_, sizeof(want_) / sizeof(want_[0]));            \
    } while (0)

static void
extracts_a_area_link_iframe_frame(void **state)
{
    struct extract_result *r = run(
        state, "<p><a href=\"http://a.example/\">a</a>"
               "<map><area href=\"http://area.example/\"></map>"
               "<link rel=\"StyleSheet\" href=\"http://link.example/s.css\">"
               "<iframe src=\"http://iframe.example/\"></iframe>"
               "<frameset><frame src=\"http://frame.example/\"></frameset>"
               "<img src=\"http://img.example/x.png\">"
               "<script src=\"http://script.example/x.js\"></script>");

    ASSERT_LINKS(r, "http://a.example/", "http://area.example/",
                 "http://link.example/s.css", "http://iframe.example/",
                 "http://frame.example/");
    assert_int_equal(r->links[0].kind, LINK_A);
    assert_int_equal(r->links[1].kind, LINK_A);
    assert_int_equal(r->links[2].kind, LINK_LINK);
    assert_int_equal(r->links[3].kind, LINK_FRAME);
    assert_int_equal(r->links[4].kind, LINK_FRAME);
    assert_null(r->links[0].rel);
    assert_string_equal(r->links[2].rel, "stylesheet");
    assert_int_equal(r->dropped, 0);
}

static void
page_link_to_a_link_element_url_upgrades_its_kind(void **state)
{
    struct extract_result *r =
        run(state, "<link rel=stylesheet href=/s.css><a href=/s.css>css</a>"
                   "<a href=/p><link rel=next href=/p>");

    ASSERT_LINKS(r, "http://example.com/s.css", "http://example.com/p");
    assert_int_equal(r->links[0].kind, LINK_A);
    assert_string_equal(r->links[0].rel, "stylesheet");
    assert_int_equal(r->links[1].kind, LINK_A);
}

static void
link_rel_is_lower_cased_and_decoded_or_null(void **state)
{
    struct extract_result *r =
        run(state, "<link REL='Alternate&#32;HOME' href=/feed>"
                   "<link href=/norel>");

    ASSERT_LINKS(r, "http://example.com/feed", "http://example.com/norel");
    assert_string_equal(r->links[0].rel, "alternate home");
    assert_null(r->links[1].rel);
}

static void
uppercase_tag_and_attribute_names_match(void **state)
{
    struct extract_result *r =
        run(state, "<A HREF=\"/one\">x</A><Area hReF=/two>"
                   "<LINK REL=ICON HREF=/three><IFRAME SRC=/four></IFRAME>"
                   "<FrAmE Src=/five>");

    ASSERT_LINKS(r, "http://example.com/one", "http://example.com/two",
                 "http://example.com/three", "http://example.com/four",
                 "http://example.com/five");
    assert_string_equal(r->links[2].rel, "icon");
}

static void
attributes_in_any_order_among_others(void **state)
{
    struct extract_result *r =
        run(state, "<a class=\"x\" id=y data-href=\"/no\" href=\"/yes\" "
                   "title='t' hidden>x</a>"
                   "<a hrefx=/no2 xhref=/no3 target=_blank href=/yes2>"
                   "<link href=/css title=x rel=\"stylesheet\">"
                   "<a href=/first href=/second>");

    ASSERT_LINKS(r, "http://example.com/yes", "http://example.com/yes2",
                 "http://example.com/css", "http://example.com/first");
    assert_string_equal(r->links[2].rel, "stylesheet");
}

static void
double_single_and_unquoted_values(void **state)
{
    struct extract_result *r = run(state, "<a href=\"/double quoted\">"
                                          "<a href='/single \"quoted\"'>"
                                          "<a href=/unquoted?x=1 class=c>"
                                          "<a href=/unquoted-end>"
                                          "<a href=/self-closing/>");

    ASSERT_LINKS(r, "http://example.com/double%20quoted",
                 "http://example.com/single%20%22quoted%22",
                 "http://example.com/unquoted?x=1",
                 "http://example.com/unquoted-end",
                 "http://example.com/self-closing/");
}

static void
whitespace_and_newlines_around_equals_and_value(void **state)
{
    struct extract_result *r = run(state, "<a href = \"/a\">"
                                          "<a\n  href\n=\n'/b'\n>"
                                          "<a\thref\t=\t/c\t>"
                                          "<a\r\nclass=x\r\nhref=\"/d\"\r\n>");

    ASSERT_LINKS(r, "http://example.com/a", "http://example.com/b",
                 "http://example.com/c", "http://example.com/d");
}

static void
newline_inside_tag_and_value(void **state)
{
    struct extract_result *r =
        run(state, "<a\nhref=\"/multi\nline\"\n>x</a><link\n"
                   "rel=next\nhref=/next\n/>");

    /* url_resolve removes tab/CR/LF from the URL, as browsers do. */
    ASSERT_LINKS(r, "http://example.com/multiline", "http://example.com/next");
}

static void
relative_links_resolve_against_page(void **state)
{
    struct extract_result *r =
        run(state, "<a href=other.html><a href=../up><a href=/root>"
                   "<a href=//cdn.example/x><a href=?q=1>"
                   "<a href=\"sub/x#frag\">");

    ASSERT_LINKS(r, "http://example.com/dir/other.html",
                 "http://example.com/up", "http://example.com/root",
                 "http://cdn.example/x", "http://example.com/dir/page.html?q=1",
                 "http://example.com/dir/sub/x");
}

static void
base_href_applies_to_later_links(void **state)
{
    struct extract_result *r =
        run(state, "<a href=before><base href=\"/other/\">"
                   "<a href=after><base href=\"http://ignored.example/\">"
                   "<a href=after2>");

    ASSERT_LINKS(r, "http://example.com/dir/before",
                 "http://example.com/other/after",
                 "http://example.com/other/after2");
}

static void
absolute_base_href_is_honoured(void **state)
{
    struct extract_result *r =
        run(state, "<head><BASE target=_top HREF='https://b.example/x/y'>"
                   "</head><a href=z><a href=/abs>");

    ASSERT_LINKS(r, "https://b.example/x/z", "https://b.example/abs");
}

static void
entities_in_href_are_decoded(void **state)
{
    struct extract_result *r = run(state, "<a href=\"/p?a=1&amp;b=2\">"
                                          "<a href=\"/q?a=1&#38;b=2&#x26;c=3\">"
                                          "<a href=\"/r?x=1&copy=2&lang=en\">"
                                          "<a href=\"&#x2F;s\">");

    ASSERT_LINKS(
        r, "http://example.com/p?a=1&b=2", "http://example.com/q?a=1&b=2&c=3",
        "http://example.com/r?x=1&copy=2&lang=en", "http://example.com/s");
}

static void
decode_entities_handles_named_and_numeric(void **state)
{
    char out[64];
    size_t n;

    (void)state;
    n = extract_decode_entities("&amp;&lt;&gt;&quot;&apos;", 25, out,
                                sizeof(out));
    assert_string_equal(out, "&<>\"'");
    assert_int_equal(n, 5);
    extract_decode_entities("a&nbsp;b&copy;&eacute;&hellip;&euro;", 36, out,
                            sizeof(out));
    assert_string_equal(out, "a\xc2\xa0"
                             "b\xc2\xa9\xc3\xa9\xe2\x80\xa6\xe2\x82\xac");
    extract_decode_entities("&#65;&#x42;&#X43;&#x1F600;&#228", 31, out,
                            sizeof(out));
    assert_string_equal(out, "ABC\xf0\x9f\x98\x80\xc3\xa4");
    /* windows-1252 meaning of &#150; as in browsers */
    extract_decode_entities("&#150;", 6, out, sizeof(out));
    assert_string_equal(out, "\xe2\x80\x93");
}

static void
decode_entities_replaces_invalid_code_points(void **state)
{
    char out[64];

    (void)state;
    extract_decode_entities("&#0;", 4, out, sizeof(out));
    assert_string_equal(out, "\xef\xbf\xbd");
    extract_decode_entities("&#xD800;", 8, out, sizeof(out));
    assert_string_equal(out, "\xef\xbf\xbd");
    extract_decode_entities("&#x110000;", 10, out, sizeof(out));
    assert_string_equal(out, "\xef\xbf\xbd");
    extract_decode_entities("&#99999999999999999999;", 23, out, sizeof(out));
    assert_string_equal(out, "\xef\xbf\xbd");
    /* raw NUL bytes too, so out never ends early */
    assert_int_equal(extract_decode_entities("a\0b", 3, out, sizeof(out)), 5);
    assert_string_equal(out, "a\xef\xbf\xbd"
                             "b");
}

static void
decode_entities_leaves_unknown_and_malformed_as_is(void **state)
{
    char out[64];

    (void)state;
    extract_decode_entities("&bogus; & &; &# &#x; &#xZ; &", 28, out,
                            sizeof(out));
    assert_string_equal(out, "&bogus; & &; &# &#x; &#xZ; &");
    /* legacy names without ';' only where a browser decodes them */
    extract_decode_entities("&amp x&ampy &lt=", 16, out, sizeof(out));
    assert_string_equal(out, "& x&ampy &lt=");
}

static void
decode_entities_stays_inside_out(void **state)
{
    char out[4];

    (void)state;
    assert_int_equal(extract_decode_entities("abcdef", 6, out, sizeof(out)), 3);
    assert_string_equal(out, "abc");
    /* a character that does not fit is left out whole */
    assert_int_equal(extract_decode_entities("a&euro;", 7, out, sizeof(out)),
                     1);
    assert_string_equal(out, "a");
    assert_int_equal(extract_decode_entities("abc", 3, out, 0), 0);
}

static void
links_inside_comments_are_ignored(void **state)
{
    struct extract_result *r =
        run(state, "<a href=/1><!-- <a href=/no1> --><a href=/2>"
                   "<!--><a href=/3><!---><a href=/4>"
                   "<!-- x -- <a href=/no2> --!><a href=/5>"
                   "<!DOCTYPE html><? <a href=/no3 ?><a href=/6>"
                   "<!-- unterminated <a href=/no4>");

    ASSERT_LINKS(r, "http://example.com/1", "http://example.com/2",
                 "http://example.com/3", "http://example.com/4",
                 "http://example.com/5", "http://example.com/6");
}

static void
links_inside_script_style_textarea_are_ignored(void **state)
{
    struct extract_result *r = run(
        state, "<script>var s = '<a href=/no1>';</script><a href=/1>"
               "<style>a::after{content:'<a href=/no2>'}</STYLE ><a href=/2>"
               "<textarea><a href=/no3></textarea/><a href=/3>"
               "<script type=module>x = '</scriptx><a href=/no4>'"
               "</Script\n><a href=/4>"
               "<noscript><a href=/5></noscript>");

    ASSERT_LINKS(r, "http://example.com/1", "http://example.com/2",
                 "http://example.com/3", "http://example.com/4",
                 "http://example.com/5");
}

static void
links_inside_other_raw_text_elements_are_ignored(void **state)
{
    struct extract_result *r =
        run(state, "<iframe src=/frame><a href=/no1></iframe><a href=/1>"
                   "<xmp><a href=/no2></xmp><noembed><a href=/no3></noembed>"
                   "<noframes><a href=/no4></noframes><a href=/2>"
                   "<plaintext></plaintext><a href=/no5>");

    ASSERT_LINKS(r, "http://example.com/frame", "http://example.com/1",
                 "http://example.com/2");
}

static void
unterminated_script_runs_to_end(void **state)
{
    struct extract_result *r =
        run(state, "<a href=/1><script>document.write('<a href=/no>')"
                   "</scrip");

    ASSERT_LINKS(r, "http://example.com/1");
}

static void
title_content_is_raw_text(void **state)
{
    struct extract_result *r =
        run(state, "<title>See <a href=/no>here</a></title><a href=/yes>");

    ASSERT_LINKS(r, "http://example.com/yes");
    assert_string_equal(r->title, "See <a href=/no>here</a>");
}

static void
tag_like_text_inside_attribute_values_is_not_a_tag(void **state)
{
    struct extract_result *r =
        run(state, "<img alt=\"<a href=/no1>\" src=x.png>"
                   "<div title='x > <a href=/no2>'>y</div><a href=/yes>");

    ASSERT_LINKS(r, "http://example.com/yes");
}

static void
non_http_links_are_dropped_and_counted(void **state)
{
    struct extract_result *r =
        run(state, "<a href=\"javascript:alert(1)\">"
                   "<a href=\" JavaScript:void(0)\">"
                   "<a href=\"javascript&colon;alert(1)\">"
                   "<a href=mailto:me@example.com><a href=tel:+123>"
                   "<a href=\"data:text/html,<b>x</b>\">"
                   "<a href=ftp://ftp.example/><a href=\"http://[bad\">"
                   "<a href=https://ok.example/>");

    ASSERT_LINKS(r, "https://ok.example/");
    assert_int_equal(r->dropped, 8);
}

static void
title_is_decoded_and_whitespace_collapsed(void **state)
{
    struct extract_result *r =
        run(state, "<html><head><TITLE lang=en>\n  Fish &amp; Chips\t\t"
                   "&ndash;\r\n the&#32;&#32;best&nbsp;ones  </title>"
                   "<title>second</title>");

    assert_string_equal(r->title,
                        "Fish & Chips \xe2\x80\x93 the best\xc2\xa0ones");
}

static void
missing_title_gives_empty_string(void **state)
{
    struct extract_result *r = run(state, "<p>no title <a href=/x></p>");

    assert_string_equal(r->title, "");
    r = run(state, "<title>   </title>");
    assert_string_equal(r->title, "");
}

static void
long_title_is_cut_on_utf8_boundary(void **state)
{
    size_t n = 3 * EXTRACT_TITLE_MAX;
    char *body = malloc(n + 16);
    size_t len = 0;
    struct extract_result *r;

    assert_non_null(body);
    memcpy(body, "<title>x", 8); /* 'x' puts a char across the cut */
    len = 8;
    while (len + 3 <= n) { /* U+20AC, 3 bytes each */
        memcpy(body + len, "\xe2\x82\xac", 3);
        len += 3;
    }
    r = run_len(state, body, len);
    free(body);

    len = strlen(r->title);
    assert_true(len < EXTRACT_TITLE_MAX);
    assert_true(len > EXTRACT_TITLE_MAX - 4);
    assert_int_equal((len - 1) % 3, 0);
    assert_memory_equal(r->title + len - 3, "\xe2\x82\xac", 3);
}

static void
nul_bytes_and_invalid_utf8_are_survived(void **state)
{
    static const char body[] =
        "<title>a\0b\xff\xfe\xc3</title>\0<a href=\"/x\0y\">\0<a\0 href=/z>"
        "<a href=/\xff\xfe>\x80\x81<a href=/w>";
    struct extract_result *r = run_len(state, body, sizeof(body) - 1);

    /* NUL becomes U+FFFD, other bytes stay as they are */
    assert_string_equal(r->title, "a\xef\xbf\xbd"
                                  "b\xff\xfe\xc3");
    ASSERT_LINKS(r, "http://example.com/x%EF%BF%BDy",
                 "http://example.com/%FF%FE", "http://example.com/w");
}

static void
binary_garbage_is_survived(void **state)
{
    size_t len = 1 << 20;
    char *body = malloc(len);
    uint32_t s = 12345;
    struct extract_result *r;

    assert_non_null(body);
    for (size_t i = 0; i < len; i++) {
        s = s * 1103515245u + 12345u;
        body[i] = (char)(s >> 16);
        if ((s >> 8 & 63) == 0) /* sprinkle markup characters */
            body[i] = "<>=\"'&/ a!-"[(s >> 24) % 11];
    }
    r = run_len(state, body, len);
    assert_true(r->n <= EXTRACT_MAX_LINKS);
    free(body);
}

static void
truncated_bodies_never_read_past_len(void **state)
{
    static const char body[] =
        "<title>t&amp</title><a href='/a'><a href=\"/b\" ><!-- x --><a "
        "href=/c>&#x41<script></script><base href=/d/><link rel=x href=/e>";

    /* every prefix, each in an exact-size buffer */
    for (size_t len = 0; len < sizeof(body); len++)
        run_len(state, body, len);
}

static void
duplicate_links_are_kept_once_in_page_order(void **state)
{
    struct extract_result *r =
        run(state, "<a href=/b><a href=/a><a href=\"http://EXAMPLE.com/b\">"
                   "<a href=/a#top><link rel=x href=/c><a href=/c>"
                   "<a href=/b>");

    ASSERT_LINKS(r, "http://example.com/b", "http://example.com/a",
                 "http://example.com/c");
    assert_int_equal(r->links[2].kind, LINK_A); /* upgraded by the later <a> */
    assert_string_equal(r->links[2].rel, "x");
    assert_int_equal(r->dropped, 0);
}

static void
overlong_attribute_values_are_dropped(void **state)
{
    size_t n = URL_MAX + 100;
    char *body = malloc(n + 64);
    size_t len = 0;
    struct extract_result *r;

    assert_non_null(body);
    len += (size_t)snprintf(body, 16, "<a href=\"/");
    memset(body + len, 'x', n);
    len += n;
    len += (size_t)snprintf(body + len, 32, "\"><a href=/ok>");
    r = run_len(state, body, len);
    free(body);

    ASSERT_LINKS(r, "http://example.com/ok");
    assert_int_equal(r->dropped, 1);
}

static char *
many_links(size_t count, size_t *len)
{
    size_t cap = count * 24 + 1, n = 0;
    char *body = malloc(cap);

    assert_non_null(body);
    for (size_t i = 0; i < count; i++)
        n += (size_t)snprintf(body + n, cap - n, "<a href=/%zu>", i);
    *len = n;
    return body;
}

static void
link_count_is_capped(void **state)
{
    size_t len, extra = 1000;
    char *body = many_links(EXTRACT_MAX_LINKS + extra, &len);
    struct extract_result *r = run_len(state, body, len);

    free(body);
    assert_int_equal(r->n, EXTRACT_MAX_LINKS);
    assert_int_equal(r->dropped, extra);
    assert_string_equal(r->links[0].url, "http://example.com/0");
    assert_string_equal(r->links[EXTRACT_MAX_LINKS - 1].url,
                        "http://example.com/99999");
}

static void
url_bytes_per_page_are_capped(void **state)
{
    /* a long base times many short links would cost base * links bytes */
    size_t count = 5000, cap = 8192 + count * 24, len = 0;
    char *body = malloc(cap);
    struct extract_result *r;
    size_t total = 0;

    assert_non_null(body);
    len += (size_t)snprintf(body, cap, "<base href=\"/");
    memset(body + len, 'b', 8000);
    len += 8000;
    len += (size_t)snprintf(body + len, cap - len, "/\">");
    for (size_t i = 0; i < count; i++)
        len += (size_t)snprintf(body + len, cap - len, "<a href=%zu>", i);
    r = run_len(state, body, len);
    free(body);

    for (size_t i = 0; i < r->n; i++)
        total += strlen(r->links[i].url);
    assert_true(r->n > 1000);
    assert_true(r->n < count);
    assert_int_equal(r->n + r->dropped, count);
    assert_true(total <= (size_t)16 << 20);
}

static void
result_is_reset_between_pages(void **state)
{
    struct extract_result *r =
        run(state, "<title>one</title><a href=/1><a href=mailto:x@y>");

    assert_int_equal(r->n, 1);
    assert_int_equal(r->dropped, 1);
    r = run(state, "<a href=/2><a href=/1>");
    ASSERT_LINKS(r, "http://example.com/2", "http://example.com/1");
    assert_int_equal(r->dropped, 0);
    assert_string_equal(r->title, "");
}

static void
invalid_page_url_is_an_error(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(extract_page(f->c, "<a href=/x>", 11, "not a url", &f->r),
                     -1);
    assert_int_equal(f->r.n, 0);
    assert_int_equal(extract_page(f->c, "<a href=/x>", 11, "mailto:a@b", &f->r),
                     -1);
    assert_int_equal(extract_page(f->c, NULL, 0, PAGE, &f->r), 0);
    assert_int_equal(f->r.n, 0);
}

/* A body of len bytes made of unit repeated. */
static char *
repeated(const char *unit, size_t len)
{
    size_t ul = strlen(unit);
    char *b = malloc(len);

    assert_non_null(b);
    for (size_t i = 0; i < len; i++)
        b[i] = unit[i % ul];
    return b;
}

static void
adversarial_5mb_bodies_finish_quickly(void **state)
{
    static const char *const units[] = {
        "<a href=",
        "<",
        "<<<<a",
        "<a href=\"",
        "<a href='x' ",
        "<!--",
        "<!",
        "</",
        "<a ",
        "<a href=&#",
        "&",
        "<a href=x>",
        "<script>",
        "<title>&#x",
        "<a href=\"&amp;&amp;&#1",
        "<base href=/b/><a href=a>",
        "<area href=\"/",
        "a=b ",
        "-->",
        "<!---",
        "</a",
        "<a/",
    };
    size_t len = 5 << 20;

    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        char *body = repeated(units[i], len);
        double t0 = now_s(), dt;

        run_len(state, body, len);
        dt = now_s() - t0;
        free(body);
        print_message("adversarial \"%s\" x 5 MB: %.3f s\n", units[i], dt);
        assert_true(dt < 2.0);
    }
}

/* A plausible 20 KB page: head with metadata, scripts and styles, a body of
 * nested divs and paragraphs with 25 links, a couple of comments. */
static char *
typical_page(size_t *len)
{
    size_t cap = 64 << 10, n = 0, links = 0;
    char *b = malloc(cap);

    assert_non_null(b);
#define ADD(...) (n += (size_t)snprintf(b + n, cap - n, __VA_ARGS__))
    ADD("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
        "\n<title>A typical page &ndash; Example News</title>\n"
        "<meta name=\"viewport\" content=\"width=device-width\">\n"
        "<link rel=\"stylesheet\" href=\"/static/site.css?v=123\">\n"
        "<link rel=\"icon\" href=\"/favicon.ico\">\n");
    links += 2;
    ADD("<style>\nbody{font-family:sans-serif;margin:0}\n.nav a{color:#333}"
        "\n.article p{line-height:1.5}\n</style>\n"
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){"
        "dataLayer.push(arguments)}gtag('js',new Date());</script>\n"
        "</head>\n<body class=\"page article\">\n<!-- header -->\n"
        "<nav class=\"nav\"><ul>\n");
    for (int i = 0; i < 8; i++, links++)
        ADD("<li class=\"nav-item\"><a href=\"/section/%d\" "
            "class=\"nav-link\">Section %d</a></li>\n",
            i, i);
    ADD("</ul></nav>\n<main><article class=\"article\">\n");
    while (n < 19500) {
        ADD("<div class=\"para-wrap\"><p class=\"text\">Lorem ipsum dolor "
            "sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
            "incididunt ut labore et dolore magna aliqua. Ut enim ad minim "
            "veniam, quis nostrud <em>exercitation</em> ullamco laboris "
            "nisi ut aliquip ex ea commodo consequat.");
        if (links < 24) {
            ADD(" See <a href=\"../related/story-%zu.html?ref=body&amp;x=1\""
                " title=\"Story %zu\">story %zu</a>.",
                links, links, links);
            links++;
        }
        ADD("</p>\n<img src=\"/img/%zu.jpg\" alt=\"picture\" width=640 "
            "height=480></div>\n",
            n);
    }
    ADD("</article></main>\n<!-- footer <a href=\"/old\">old</a> -->\n"
        "<footer><a href=\"https://other.example/\">elsewhere</a>"
        "</footer>\n</body>\n</html>\n");
#undef ADD
    *len = n;
    return b;
}

static void
typical_page_speed_is_printed(void **state)
{
    struct fixture *f = *state;
    size_t len;
    char *body = typical_page(&len);
    int iters = 2000;
    double t0, dt;

    assert_int_equal(extract_page(f->c, body, len, PAGE, &f->r), 0);
    assert_int_equal(f->r.n, 25);
    assert_string_equal(f->r.title, "A typical page \xe2\x80\x93 Example News");
    t0 = now_s();
    for (int i = 0; i < iters; i++)
        extract_page(f->c, body, len, PAGE, &f->r);
    dt = now_s() - t0;
    print_message("typical page: %zu bytes, %zu links, %.1f us/page\n", len,
                  f->r.n, dt / iters * 1e6);
    free(body);
}

struct thread_arg {
    const struct extractor *x;
    const char *body;
    size_t len;
    size_t n; /* links found on every round, or 0 on a mismatch */
};

static void *
thread_main(void *p)
{
    struct thread_arg *a = p;
    struct extract_ctx *c = extract_ctx_new(a->x);
    struct extract_result r;

    extract_result_init(&r);
    for (int i = 0; i < 200; i++) {
        extract_page(c, a->body, a->len, PAGE, &r);
        if (i == 0)
            a->n = r.n;
        else if (r.n != a->n)
            a->n = 0;
    }
    extract_result_fini(&r);
    extract_ctx_free(c);
    return NULL;
}

static void
threads_share_one_extractor(void **state)
{
    struct fixture *f = *state;
    struct thread_arg args[4];
    pthread_t t[4];
    size_t len;
    char *body = typical_page(&len);

    for (int i = 0; i < 4; i++) {
        args[i] = (struct thread_arg){f->x, body, len, 0};
        assert_int_equal(pthread_create(&t[i], NULL, thread_main, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(args[i].n, 25);
    }
    free(body);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(extracts_a_area_link_iframe_frame),
        T(page_link_to_a_link_element_url_upgrades_its_kind),
        T(link_rel_is_lower_cased_and_decoded_or_null),
        T(uppercase_tag_and_attribute_names_match),
        T(attributes_in_any_order_among_others),
        T(double_single_and_unquoted_values),
        T(whitespace_and_newlines_around_equals_and_value),
        T(newline_inside_tag_and_value),
        T(relative_links_resolve_against_page),
        T(base_href_applies_to_later_links),
        T(absolute_base_href_is_honoured),
        T(entities_in_href_are_decoded),
        T(decode_entities_handles_named_and_numeric),
        T(decode_entities_replaces_invalid_code_points),
        T(decode_entities_leaves_unknown_and_malformed_as_is),
        T(decode_entities_stays_inside_out),
        T(links_inside_comments_are_ignored),
        T(links_inside_script_style_textarea_are_ignored),
        T(links_inside_other_raw_text_elements_are_ignored),
        T(unterminated_script_runs_to_end),
        T(title_content_is_raw_text),
        T(tag_like_text_inside_attribute_values_is_not_a_tag),
        T(non_http_links_are_dropped_and_counted),
        T(title_is_decoded_and_whitespace_collapsed),
        T(missing_title_gives_empty_string),
        T(long_title_is_cut_on_utf8_boundary),
        T(nul_bytes_and_invalid_utf8_are_survived),
        T(binary_garbage_is_survived),
        T(truncated_bodies_never_read_past_len),
        T(duplicate_links_are_kept_once_in_page_order),
        T(overlong_attribute_values_are_dropped),
        T(link_count_is_capped),
        T(url_bytes_per_page_are_capped),
        T(result_is_reset_between_pages),
        T(invalid_page_url_is_an_error),
        T(adversarial_5mb_bodies_finish_quickly),
        T(typical_page_speed_is_printed),
        T(threads_share_one_extractor),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
