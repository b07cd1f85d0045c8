/* SPDX-License-Identifier: MIT */
/*
 * test_util.c - terminal-safe text, JSON quoting, integer parsing, string
 * copies and the clocks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cmocka.h>

#include "util.h"

/* sanitize_text over a NUL-terminated literal into a roomy buffer. */
static char san_buf[256];

static const char *
san(const char *s)
{
    size_t n = sanitize_text(s, strlen(s), san_buf, sizeof(san_buf));

    assert_int_equal(n, strlen(san_buf));
    return san_buf;
}

/* True if s[0..len) is well-formed UTF-8 with no C0, DEL or C1 control. */
static bool
terminal_safe(const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned c = s[i], cp, n, k;

        if (c < 0x20 || c == 0x7f)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            n = 2, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            n = 3, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            n = 4, cp = c & 0x07;
        else
            return false;
        if (i + n > len)
            return false;
        for (k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0xa0) || (n == 3 && cp < 0x800) ||
            (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n;
    }
    return true;
}

/* --- sanitize_text ------------------------------------------------------ */

static void
sanitize_text_keeps_plain_ascii(void **state)
{
    (void)state;
    assert_string_equal(san("Hello, world! ~"), "Hello, world! ~");
    assert_string_equal(san(""), "");
}

static void
sanitize_text_replaces_c0_controls_and_del(void **state)
{
    (void)state;
    assert_string_equal(san("a\x01"
                            "b\x1f"
                            "c"),
                        "a?b?c");
    assert_string_equal(san("tab\there\nnl\rcr"), "tab?here?nl?cr");
    assert_string_equal(san("x\x7fy"), "x?y");
    assert_string_equal(san("\a\b\f\v"), "????");
}

static void
sanitize_text_replaces_embedded_nul(void **state)
{
    char out[16];
    size_t n;

    (void)state;
    n = sanitize_text("a\0b", 3, out, sizeof(out));
    assert_int_equal(n, 3);
    assert_string_equal(out, "a?b");
}

static void
sanitize_text_replaces_c1_controls_as_one_char(void **state)
{
    (void)state;
    /* U+0080 .. U+009F encoded in UTF-8 are two bytes but one '?' */
    assert_string_equal(san("a\xc2\x80"
                            "b"),
                        "a?b");
    assert_string_equal(san("a\xc2\x9f"
                            "b"),
                        "a?b");
    /* 8-bit CSI, the C1 form of ESC [ */
    assert_string_equal(san("\xc2\x9b"
                            "31m"),
                        "?31m");
    /* U+00A0 (no-break space) is the first printable one: kept */
    assert_string_equal(san("a\xc2\xa0"
                            "b"),
                        "a\xc2\xa0"
                        "b");
}

static void
sanitize_text_defuses_escape_sequences(void **state)
{
    const char *s;

    (void)state;
    s = san("\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b"
            "c");
    assert_string_equal(s, "?[31mred?[0m ?]0;title? ?c");
    assert_null(strchr(s, 0x1b));
    assert_null(strchr(s, 0x07));
}

static void
sanitize_text_replaces_invalid_utf8_bytes(void **state)
{
    (void)state;
    assert_string_equal(san("a\xff"
                            "b"),
                        "a?b");
    assert_string_equal(san("a\xfe\xfd"
                            "b"),
                        "a??b");
    /* lone continuation byte */
    assert_string_equal(san("a\x80"
                            "b"),
                        "a?b");
    /* lead byte followed by a non-continuation byte */
    assert_string_equal(san("\xc3"
                            "A"),
                        "?A");
    /* sequence cut by the end of the input */
    assert_string_equal(san("ab\xe2\x82"), "ab??");
    assert_string_equal(san("\xf0\x9f\x98"), "???");
}

static void
sanitize_text_replaces_overlong_forms(void **state)
{
    (void)state;
    assert_string_equal(san("\xc0\xaf"), "??"); /* '/' in 2 bytes */
    assert_string_equal(san("\xc1\xbf"), "??");
    assert_string_equal(san("\xe0\x80\xaf"), "???");      /* '/' in 3 bytes */
    assert_string_equal(san("\xe0\x9f\xbf"), "???");      /* U+07FF in 3 */
    assert_string_equal(san("\xf0\x82\x82\xac"), "????"); /* '€' in 4 */
}

static void
sanitize_text_replaces_surrogates_and_out_of_range(void **state)
{
    (void)state;
    assert_string_equal(san("\xed\xa0\x80"), "???");      /* U+D800 */
    assert_string_equal(san("\xed\xbf\xbf"), "???");      /* U+DFFF */
    assert_string_equal(san("\xf4\x90\x80\x80"), "????"); /* U+110000 */
    assert_string_equal(san("\xf5\x80\x80\x80"), "????");
}

static void
sanitize_text_keeps_valid_multibyte(void **state)
{
    const char *s = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
                    "\xed\x9f\xbf \xee\x80\x80 \xf4\x8f\xbf\xbf \xdf\xbf";

    (void)state;
    /* é, €, U+1F600, U+D7FF, U+E000, U+10FFFF, U+07FF */
    assert_string_equal(san(s), s);
}

static void
sanitize_text_cuts_on_a_character_boundary(void **state)
{
    const char *s = "ab\xe2\x82\xac"
                    "cd"; /* "ab€cd", € is 3 bytes */
    char out[8];
    size_t n;

    (void)state;
    n = sanitize_text(s, strlen(s), out, 4); /* room for 3 bytes */
    assert_int_equal(n, 2);
    assert_string_equal(out, "ab");
    n = sanitize_text(s, strlen(s), out, 5); /* room for 4 bytes */
    assert_int_equal(n, 2);
    assert_string_equal(out, "ab");
    n = sanitize_text(s, strlen(s), out, 6); /* room for 5 bytes */
    assert_int_equal(n, 5);
    assert_string_equal(out, "ab\xe2\x82\xac");
    n = sanitize_text(s, strlen(s), out, 1);
    assert_int_equal(n, 0);
    assert_string_equal(out, "");
}

static void
sanitize_text_with_zero_size_writes_nothing(void **state)
{
    char out[2] = {'X', 'Y'};

    (void)state;
    assert_int_equal(sanitize_text("abc", 3, out, 0), 0);
    assert_int_equal(out[0], 'X');
    assert_int_equal(out[1], 'Y');
}

static void
sanitize_text_reads_only_srclen_bytes(void **state)
{
    /* exactly 3 bytes on the heap, no terminator: ASan catches overreads */
    char *src = malloc(3);
    char out[16];

    (void)state;
    assert_non_null(src);
    memcpy(src, "x\xe2\x82", 3); /* ends in a truncated sequence */
    assert_int_equal(sanitize_text(src, 3, out, sizeof(out)), 3);
    assert_string_equal(out, "x??");
    assert_int_equal(sanitize_text(src, 1, out, sizeof(out)), 1);
    assert_string_equal(out, "x");
    free(src);
}

static void
sanitize_text_output_is_always_terminal_safe(void **state)
{
    unsigned char src[64];
    char out[48];
    uint32_t x = 12345;
    int iter;
    size_t i, n;

    (void)state;
    for (iter = 0; iter < 20000; iter++) {
        size_t len = (size_t)(iter % 64);

        for (i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            /* bias towards interesting bytes */
            src[i] = (unsigned char)((x >> 16) & 0xff);
            if ((x & 7) == 0)
                src[i] = (unsigned char)(0x80 | ((x >> 8) & 0x3f));
        }
        n = sanitize_text((const char *)src, len, out, sizeof(out));
        assert_true(n < sizeof(out));
        assert_int_equal(n, strlen(out));
        assert_true(terminal_safe((const unsigned char *)out, n));
    }
}

/* --- json_quote --------------------------------------------------------- */

static void
json_quote_wraps_in_quotes_and_escapes_quote_and_backslash(void **state)
{
    char *q;

    (void)state;
    q = json_quote("");
    assert_string_equal(q, "\"\"");
    free(q);
    q = json_quote("say \"hi\" C:\\dir");
    assert_string_equal(q, "\"say \\\"hi\\\" C:\\\\dir\"");
    free(q);
}

static void
json_quote_escapes_controls_as_u00xx(void **state)
{
    char *q = json_quote("a\nb\t\x01\x1f\x7f"
                         "z");

    (void)state;
    assert_non_null(q);
    /* hex digits may be either case; compare case-insensitively */
    assert_int_equal(strcasecmp(q, "\"a\\u000ab\\u0009\\u0001\\u001f"
                                   "\\u007fz\""),
                     0);
    free(q);
}

static void
json_quote_keeps_utf8_and_escapes_invalid_bytes(void **state)
{
    char *q;

    (void)state;
    q = json_quote("caf\xc3\xa9 \xe2\x82\xac");
    assert_string_equal(q, "\"caf\xc3\xa9 \xe2\x82\xac\"");
    free(q);
    q = json_quote("a\xff"
                   "b\xc0\xaf");
    assert_int_equal(strcasecmp(q, "\"a\\u00ffb\\u00c0\\u00af\""), 0);
    free(q);
}

static void
json_quote_worst_case_fits(void **state)
{
    char src[1001], *q;
    size_t i;

    (void)state;
    memset(src, 0x01, 1000);
    src[1000] = '\0';
    q = json_quote(src);
    assert_int_equal(strlen(q), 1000 * 6 + 2);
    for (i = 0; i < 1000; i++)
        assert_memory_equal(q + 1 + i * 6, "\\u0001", 6);
    free(q);
}

/* --- parse_int ---------------------------------------------------------- */

static void
parse_int_accepts_numbers_in_range_inclusive(void **state)
{
    long long v = 0;

    (void)state;
    assert_true(parse_int("42", 0, 100, &v));
    assert_int_equal(v, 42);
    assert_true(parse_int("0", 0, 100, &v));
    assert_int_equal(v, 0);
    assert_true(parse_int("100", 0, 100, &v));
    assert_int_equal(v, 100);
    assert_true(parse_int("-7", -10, 10, &v));
    assert_true(v == -7);
    assert_true(parse_int("9223372036854775807", 0, INT64_MAX, &v));
    assert_true(v == INT64_MAX);
}

static void
parse_int_rejects_out_of_range_and_keeps_out(void **state)
{
    long long v = 1234;

    (void)state;
    assert_false(parse_int("101", 0, 100, &v));
    assert_false(parse_int("-1", 0, 100, &v));
    assert_false(parse_int("99999999999999999999", 0, INT64_MAX, &v));
    assert_false(parse_int("-99999999999999999999", INT64_MIN, 0, &v));
    assert_int_equal(v, 1234);
}

static void
parse_int_rejects_junk_and_empty(void **state)
{
    long long v = 1234;

    (void)state;
    assert_false(parse_int("", 0, 100, &v));
    assert_false(parse_int(NULL, 0, 100, &v));
    assert_false(parse_int("abc", 0, 100, &v));
    assert_false(parse_int("12abc", 0, 100, &v));
    assert_false(parse_int("1.5", 0, 100, &v));
    assert_false(parse_int("5 ", 0, 100, &v));
    assert_false(parse_int("0x10", 0, 100, &v));
    assert_false(parse_int("-", 0, 100, &v));
    assert_int_equal(v, 1234);
}

/* "a whole decimal integer ... false on anything else": strtoll skips
 * leading white space, so " 5" must be refused explicitly, as "5 " is. */
static void
parse_int_rejects_leading_space(void **state)
{
    long long v = 1234;

    (void)state;
    assert_false(parse_int(" 5", 0, 100, &v));
    assert_false(parse_int("\t5", 0, 100, &v));
    assert_int_equal(v, 1234);
}

/* --- strlcopy, xasprintf, xstrndup -------------------------------------- */

static void
strlcopy_copies_and_truncates(void **state)
{
    char out[8];

    (void)state;
    assert_int_equal(strlcopy(out, "abc", sizeof(out)), 3);
    assert_string_equal(out, "abc");
    assert_int_equal(strlcopy(out, "1234567", sizeof(out)), 7); /* fits */
    assert_string_equal(out, "1234567");
    assert_int_equal(strlcopy(out, "123456789", sizeof(out)), 7);
    assert_string_equal(out, "1234567");
    assert_int_equal(strlcopy(out, "", sizeof(out)), 0);
    assert_string_equal(out, "");
    assert_int_equal(strlcopy(out, "xyz", 1), 0);
    assert_string_equal(out, "");
}

static void
strlcopy_with_zero_size_writes_nothing(void **state)
{
    char out[1] = {'Q'};

    (void)state;
    assert_int_equal(strlcopy(out, "abc", 0), 0);
    assert_int_equal(out[0], 'Q');
}

static void
xasprintf_formats_into_a_fresh_string(void **state)
{
    char big[5001], *s;

    (void)state;
    s = xasprintf("%s-%d-%05.1f", "ab", 42, 3.5);
    assert_string_equal(s, "ab-42-003.5");
    free(s);
    memset(big, 'x', 5000);
    big[5000] = '\0';
    s = xasprintf("[%s]", big);
    assert_int_equal(strlen(s), 5002);
    assert_int_equal(s[0], '[');
    assert_int_equal(s[5001], ']');
    free(s);
}

static void
xstrndup_stops_at_n_or_nul(void **state)
{
    char *s;

    (void)state;
    s = xstrndup("abcdef", 3);
    assert_string_equal(s, "abc");
    free(s);
    s = xstrndup("ab", 10);
    assert_string_equal(s, "ab");
    free(s);
}

/* --- clocks ------------------------------------------------------------- */

static void
iso8601_now_is_utc_with_milliseconds(void **state)
{
    char buf[64];
    struct tm tm;
    time_t before, after, t;
    int i;

    (void)state;
    before = time(NULL);
    iso8601_now(buf, sizeof(buf));
    after = time(NULL);
    assert_int_equal(strlen(buf), 24); /* 2026-11-27T10:20:27.123Z */
    for (i = 0; i < 24; i++) {
        switch (i) {
        case 4:
        case 7:
            assert_int_equal(buf[i], '-');
            break;
        case 10:
            assert_int_equal(buf[i], 'T');
            break;
        case 13:
        case 16:
            assert_int_equal(buf[i], ':');
            break;
        case 19:
            assert_int_equal(buf[i], '.');
            break;
        case 23:
            assert_int_equal(buf[i], 'Z');
            break;
        default:
            assert_true(buf[i] >= '0' && buf[i] <= '9');
        }
    }
    memset(&tm, 0, sizeof(tm));
    assert_non_null(strptime(buf, "%Y-%m-%dT%H:%M:%S", &tm));
    t = timegm(&tm);
    assert_true(t >= before && t <= after);
}

static void
iso8601_now_truncates_to_the_buffer(void **state)
{
    char buf[11];

    (void)state;
    memset(buf, 'X', sizeof(buf));
    iso8601_now(buf, 8);
    assert_int_equal(strlen(buf), 7);
    assert_int_equal(buf[4], '-');
    assert_int_equal(buf[8], 'X');
}

static void
now_ms_is_monotonic_and_counts_milliseconds(void **state)
{
    struct timespec ts = {0, 20 * 1000000L};
    int64_t a, b;

    (void)state;
    a = now_ms();
    nanosleep(&ts, NULL);
    b = now_ms();
    assert_true(b - a >= 19);
    assert_true(b - a < 2000);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sanitize_text_keeps_plain_ascii),
        cmocka_unit_test(sanitize_text_replaces_c0_controls_and_del),
        cmocka_unit_test(sanitize_text_replaces_embedded_nul),
        cmocka_unit_test(sanitize_text_replaces_c1_controls_as_one_char),
        cmocka_unit_test(sanitize_text_defuses_escape_sequences),
        cmocka_unit_test(sanitize_text_replaces_invalid_utf8_bytes),
        cmocka_unit_test(sanitize_text_replaces_overlong_forms),
        cmocka_unit_test(sanitize_text_replaces_surrogates_and_out_of_range),
        cmocka_unit_test(sanitize_text_keeps_valid_multibyte),
        cmocka_unit_test(sanitize_text_cuts_on_a_character_boundary),
        cmocka_unit_test(sanitize_text_with_zero_size_writes_nothing),
        cmocka_unit_test(sanitize_text_reads_only_srclen_bytes),
        cmocka_unit_test(sanitize_text_output_is_always_terminal_safe),
        cmocka_unit_test(
            json_quote_wraps_in_quotes_and_escapes_quote_and_backslash),
        cmocka_unit_test(json_quote_escapes_controls_as_u00xx),
        cmocka_unit_test(json_quote_keeps_utf8_and_escapes_invalid_bytes),
        cmocka_unit_test(json_quote_worst_case_fits),
        cmocka_unit_test(parse_int_accepts_numbers_in_range_inclusive),
        cmocka_unit_test(parse_int_rejects_out_of_range_and_keeps_out),
        cmocka_unit_test(parse_int_rejects_junk_and_empty),
        cmocka_unit_test(parse_int_rejects_leading_space),
        cmocka_unit_test(strlcopy_copies_and_truncates),
        cmocka_unit_test(strlcopy_with_zero_size_writes_nothing),
        cmocka_unit_test(xasprintf_formats_into_a_fresh_string),
        cmocka_unit_test(xstrndup_stops_at_n_or_nul),
        cmocka_unit_test(iso8601_now_is_utc_with_milliseconds),
        cmocka_unit_test(iso8601_now_truncates_to_the_buffer),
        cmocka_unit_test(now_ms_is_monotonic_and_counts_milliseconds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
