/* SPDX-License-Identifier: MIT */
/*
 * url.c - the WHATWG URL parser cut down to the special schemes http and
 * https, writing the serialised URL (without fragment) straight into the
 * caller's buffer.
 *
 * Thread-safe: pure functions, no global state, no allocation.
 */

/*
 * DESIGN
 *
 * url_resolve() parses the base first (into a stack buffer, so a base that
 * was not normalised still works; a base that fails makes the call fail
 * with the same error), then runs one pass over href. The input is never
 * copied: a reader (struct rd) walks the trimmed input and steps over tab,
 * LF and CR, which the standard removes before parsing. Output goes
 * straight into the caller's buffer, capped at URL_MAX - 1 characters (or
 * into a stack buffer first when out overlaps href, so in-place works).
 *
 * The path is written as it is parsed, one "/segment" at a time; a ".."
 * cuts the buffer back to the previous '/', so the work stays linear. A
 * segment that does not fit (from href or from the base path) is not
 * written but counted in `hidden`; a later ".." pops a hidden segment
 * first. Only if segments are still hidden at the end is the result too
 * long, so "aaaa...(9000)/../b" still resolves.
 *
 * Known deviations from the standard, all on purpose:
 * - Hosts that are not ASCII after percent-decoding are refused
 *   (URL_ERR_SYNTAX): the standard maps them through IDNA (UTS #46) to
 *   punycode, and we link no IDNA library. For the same reason "xn--"
 *   labels are kept as written, not checked as punycode.
 * - Input bytes >= 0x80 are percent-encoded byte by byte; invalid UTF-8
 *   is not replaced by U+FFFD first.
 * - Hosts longer than 255 bytes (after percent-decoding) are refused with
 *   URL_ERR_TOOLONG: they fit no DNS name nor struct url_parts.
 * - The fragment is parsed over and dropped.
 */

#include "url.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define HOST_MAX 255 /* longest host we accept, in bytes */
#define C_EOF (-1)   /* what rd_peek() returns at the end of input */

/* Reader over the trimmed input. p never rests on tab, LF or CR, so
 * rd_peek() sees the input as if those had been removed. */
struct rd {
    const char *p;
    const char *end;
};

/* Output buffer: len never exceeds cap; a write past cap sets over. */
struct ob {
    char *p;
    size_t len;
    size_t cap; /* characters, NUL not included */
    bool over;
};

/* A parsed URL held in some buffer: offsets of its parts. */
struct parsed {
    bool https;
    size_t path_off;  /* the path's leading '/' */
    size_t query_off; /* the '?', or len if there is no query */
    size_t len;
};

enum { ENC_QUERY = 1, ENC_PATH = 2, ENC_USERINFO = 4 };

/*
 * Percent-encode sets, per byte: the special-query set (ENC_QUERY), the path
 * set (ENC_PATH) and the userinfo set (ENC_USERINFO). All include C0
 * controls, space, '"', '#', '<', '>' and every byte >= 0x7F. The query set
 * adds '\''; the path set adds '?', '^', '`', '{', '}' ('^' joined it in
 * 2024; older browsers leave it alone); the userinfo set adds to the path
 * set '/', ':', ';', '=', '@', '[', '\\', ']', '|'. '%' is in none of them,
 * so existing escapes (and a lone '%') pass through unchanged.
 */
static const unsigned char enc_tab[256] = {
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, /* 0x00 */
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, /* 0x10 */
    7, 0, 7, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4, /*  !"#$%&'()*+,-./ */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 7, 4, 7, 6, /* 0-9 :;<=>? */
    4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* @A-O */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 6, 0, /* P-Z [\]^_ */
    6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* `a-o */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 4, 6, 0, 7, /* p-z {|}~ DEL */
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, /* 0x80 */
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, /* 0x90 */
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, /* 0xa0 */
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, /* 0xb0 */
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, /* 0xc0 */
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, /* 0xd0 */
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, /* 0xe0 */
    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, /* 0xf0 */
};

static const char hex_upper[] = "0123456789ABCDEF";

static inline bool
is_tln(int c)
{
    return c == '\t' || c == '\n' || c == '\r';
}

static inline bool
is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline int
hex_val(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static inline int
to_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline void
rd_skip(struct rd *r)
{
    while (r->p < r->end && is_tln((unsigned char)*r->p))
        r->p++;
}

static inline void
rd_init(struct rd *r, const char *p, const char *end)
{
    r->p = p;
    r->end = end;
    rd_skip(r);
}

static inline int
rd_peek(const struct rd *r)
{
    return r->p < r->end ? (unsigned char)*r->p : C_EOF;
}

static inline void
rd_next(struct rd *r)
{
    r->p++;
    rd_skip(r);
}

/* The code point after the current one ("remaining" starts with it). */
static inline int
rd_peek2(const struct rd *r)
{
    struct rd t = *r;

    if (t.p >= t.end)
        return C_EOF;
    rd_next(&t);
    return rd_peek(&t);
}

static inline void
ob_putc(struct ob *o, int c)
{
    if (o->len < o->cap)
        o->p[o->len++] = (char)c;
    else
        o->over = true;
}

static inline void
ob_put(struct ob *o, const char *s, size_t n)
{
    if (n > o->cap - o->len) {
        o->over = true;
        return;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

static inline void
ob_pct(struct ob *o, int c)
{
    ob_putc(o, '%');
    ob_putc(o, hex_upper[(c >> 4) & 15]);
    ob_putc(o, hex_upper[c & 15]);
}

static void
ob_uint(struct ob *o, unsigned v)
{
    char tmp[12];
    size_t n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n > 0)
        ob_putc(o, tmp[--n]);
}

/* Write the input from r to end, percent-encoding bytes of the given set. */
static void
put_encoded(struct ob *o, struct rd *r, unsigned set)
{
    int c;

    while ((c = rd_peek(r)) != C_EOF && !o->over) {
        if (enc_tab[c] & set)
            ob_pct(o, c);
        else
            ob_putc(o, c);
        rd_next(r);
    }
}

/*
 * Scheme: ASCII alpha, then alphanumerics, '+', '-', '.', then ':'.
 * Returns 0 if there is none (r untouched), 1 for http, 2 for https, -1 for
 * any other scheme.
 */
static int
parse_scheme(struct rd *r)
{
    struct rd t = *r;
    char s[6];
    size_t n = 0;
    int c = rd_peek(&t);

    if (!is_alpha(c))
        return 0;
    while (is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.') {
        if (n < sizeof(s))
            s[n] = (char)to_lower(c);
        n++;
        rd_next(&t);
        c = rd_peek(&t);
    }
    if (c != ':')
        return 0;
    rd_next(&t);
    *r = t;
    if (n == 4 && memcmp(s, "http", 4) == 0)
        return 1;
    if (n == 5 && memcmp(s, "https", 5) == 0)
        return 2;
    return -1;
}

/* One IPv4 part: decimal, 0x hex or 0 octal. Values above 2^32 saturate
 * (they fail later anyway). Returns -1 if not a number. */
static int
ipv4_number(const char *s, size_t n, uint64_t *out)
{
    unsigned radix = 10;
    uint64_t v = 0;
    size_t i;

    if (n == 0)
        return -1;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        n -= 2;
        radix = 16;
    } else if (n >= 2 && s[0] == '0') {
        s++;
        n--;
        radix = 8;
    }
    for (i = 0; i < n; i++) {
        int d = hex_val((unsigned char)s[i]);

        if (d < 0 || (unsigned)d >= radix)
            return -1;
        v = v * radix + (unsigned)d;
        if (v > UINT32_MAX)
            v = (uint64_t)UINT32_MAX + 1;
    }
    *out = v;
    return 0;
}

/* The standard's "ends in a number checker" on a lower-cased host. */
static bool
ends_in_number(const char *h, size_t n)
{
    size_t st, i;
    uint64_t v;

    if (n > 0 && h[n - 1] == '.') {
        if (n == 1)
            return false;
        n--;
    }
    st = n;
    while (st > 0 && h[st - 1] != '.')
        st--;
    if (st == n)
        return false;
    for (i = st; i < n && is_digit((unsigned char)h[i]); i++)
        ;
    if (i == n)
        return true;
    return ipv4_number(h + st, n - st, &v) == 0;
}

/* IPv4 parser: up to four parts, the last one filling the remaining bytes.
 * Returns -1 on failure. */
static int
ipv4_parse(const char *h, size_t n, uint32_t *addr)
{
    uint64_t nums[4], last;
    size_t cnt = 0, i = 0, j;

    if (n > 0 && h[n - 1] == '.')
        n--; /* a trailing dot is allowed once */
    for (;;) {
        size_t st = i;

        while (i < n && h[i] != '.')
            i++;
        if (cnt == 4 || ipv4_number(h + st, i - st, &nums[cnt]) != 0)
            return -1;
        cnt++;
        if (i >= n)
            break;
        i++;
    }
    for (j = 0; j + 1 < cnt; j++)
        if (nums[j] > 255)
            return -1;
    last = nums[cnt - 1];
    if (last >= (uint64_t)1 << (8 * (5 - cnt)))
        return -1;
    for (j = 0; j + 1 < cnt; j++)
        last += nums[j] << (8 * (3 - j));
    *addr = (uint32_t)last;
    return 0;
}

static inline int
at(const char *s, size_t n, size_t i)
{
    return i < n ? (unsigned char)s[i] : C_EOF;
}

/* The standard's IPv6 parser, on the text between the brackets. */
static int
ipv6_parse(const char *s, size_t n, uint16_t a[8])
{
    size_t i = 0;
    int piece = 0, compress = -1;

    memset(a, 0, 8 * sizeof(a[0]));
    if (at(s, n, i) == ':') {
        if (at(s, n, i + 1) != ':')
            return -1;
        i += 2;
        compress = ++piece;
    }
    while (at(s, n, i) != C_EOF) {
        unsigned value = 0, len = 0;

        if (piece == 8)
            return -1;
        if (at(s, n, i) == ':') {
            if (compress >= 0)
                return -1;
            i++;
            compress = ++piece;
            continue;
        }
        while (len < 4 && hex_val(at(s, n, i)) >= 0) {
            value = value * 16 + (unsigned)hex_val(at(s, n, i));
            i++;
            len++;
        }
        if (at(s, n, i) == '.') {
            int seen = 0;

            if (len == 0)
                return -1;
            i -= len;
            if (piece > 6)
                return -1;
            while (at(s, n, i) != C_EOF) {
                int v4 = -1;

                if (seen > 0) {
                    if (at(s, n, i) == '.' && seen < 4)
                        i++;
                    else
                        return -1;
                }
                if (!is_digit(at(s, n, i)))
                    return -1;
                while (is_digit(at(s, n, i))) {
                    int d = at(s, n, i) - '0';

                    if (v4 < 0)
                        v4 = d;
                    else if (v4 == 0)
                        return -1; /* no leading zeros */
                    else
                        v4 = v4 * 10 + d;
                    if (v4 > 255)
                        return -1;
                    i++;
                }
                a[piece] = (uint16_t)(a[piece] * 0x100 + v4);
                seen++;
                if (seen == 2 || seen == 4)
                    piece++;
            }
            if (seen != 4)
                return -1;
            break;
        } else if (at(s, n, i) == ':') {
            i++;
            if (at(s, n, i) == C_EOF)
                return -1;
        } else if (at(s, n, i) != C_EOF) {
            return -1;
        }
        a[piece++] = (uint16_t)value;
    }
    if (compress >= 0) {
        int swaps = piece - compress;

        piece = 7;
        while (piece != 0 && swaps > 0) {
            uint16_t t = a[piece];

            a[piece] = a[compress + swaps - 1];
            a[compress + swaps - 1] = t;
            piece--;
            swaps--;
        }
    } else if (piece != 8) {
        return -1;
    }
    return 0;
}

/* IPv6 serialiser: lower-case hex, the first longest run of two or more
 * zero pieces written as "::". */
static void
ipv6_write(struct ob *o, const uint16_t a[8])
{
    int best = -1, bestlen = 1, i, j;
    bool ignore0 = false;

    for (i = 0; i < 8; i = j + 1) {
        for (j = i; j < 8 && a[j] == 0; j++)
            ;
        if (j - i > bestlen) {
            best = i;
            bestlen = j - i;
        }
    }
    ob_putc(o, '[');
    for (i = 0; i < 8; i++) {
        if (ignore0 && a[i] == 0)
            continue;
        ignore0 = false;
        if (i == best) {
            ob_put(o, i == 0 ? "::" : ":", i == 0 ? 2 : 1);
            ignore0 = true;
            continue;
        }
        if (a[i] >= 0x1000)
            ob_putc(o, "0123456789abcdef"[a[i] >> 12]);
        if (a[i] >= 0x100)
            ob_putc(o, "0123456789abcdef"[(a[i] >> 8) & 15]);
        if (a[i] >= 0x10)
            ob_putc(o, "0123456789abcdef"[(a[i] >> 4) & 15]);
        ob_putc(o, "0123456789abcdef"[a[i] & 15]);
        if (i != 7)
            ob_putc(o, ':');
    }
    ob_putc(o, ']');
}

static inline bool
is_forbidden_domain(int c)
{
    if (c <= 0x20 || c == 0x7f)
        return true;
    switch (c) {
    case '#':
    case '%':
    case '/':
    case ':':
    case '<':
    case '>':
    case '?':
    case '@':
    case '[':
    case '\\':
    case ']':
    case '^':
    case '|':
        return true;
    default:
        return false;
    }
}

/* Host parser for special schemes; r covers exactly the host text (not
 * empty). Writes the serialised host. */
static int
parse_host(struct rd *r, struct ob *o)
{
    char h[HOST_MAX + 1];
    size_t n = 0, i;
    uint32_t v4;
    int c = rd_peek(r);

    if (c == '[') {
        uint16_t a[8];

        /* The longest valid form, all pieces plus IPv4, is 45 bytes. */
        while ((c = rd_peek(r)) != C_EOF) {
            if (n == 64)
                return URL_ERR_SYNTAX;
            h[n++] = (char)c;
            rd_next(r);
        }
        if (n < 2 || h[n - 1] != ']' || ipv6_parse(h + 1, n - 2, a) != 0)
            return URL_ERR_SYNTAX;
        ipv6_write(o, a);
        return URL_OK;
    }
    /* Percent-decode, then ASCII-lowercase (the whole of UTS #46 for
     * ASCII input), then refuse forbidden domain code points. */
    while ((c = rd_peek(r)) != C_EOF) {
        rd_next(r);
        if (c == '%') {
            int h1 = hex_val(rd_peek(r)), h2 = hex_val(rd_peek2(r));

            if (h1 >= 0 && h2 >= 0) {
                c = h1 * 16 + h2;
                rd_next(r);
                rd_next(r);
            }
        }
        if (n == HOST_MAX)
            return URL_ERR_TOOLONG;
        if (c >= 0x80)
            return URL_ERR_SYNTAX; /* needs IDNA, which we do not have */
        c = to_lower(c);
        if (is_forbidden_domain(c))
            return URL_ERR_SYNTAX;
        h[n++] = (char)c;
    }
    if (n == 0)
        return URL_ERR_SYNTAX;
    if (ends_in_number(h, n)) {
        if (ipv4_parse(h, n, &v4) != 0)
            return URL_ERR_SYNTAX;
        for (i = 0; i < 4; i++) {
            ob_uint(o, (v4 >> (24 - 8 * i)) & 255);
            if (i < 3)
                ob_putc(o, '.');
        }
        return URL_OK;
    }
    ob_put(o, h, n);
    return URL_OK;
}

/* Authority: [userinfo@]host[:port], up to the first '/', '\', '?', '#'.
 * Writes "scheme://" and the authority; leaves r at its end. */
static int
parse_authority(struct rd *r, bool https, struct ob *o)
{
    struct rd a = *r, u, hr;
    const char *at_sign = NULL, *colon = NULL, *hs = r->p, *aend;
    bool in_br = false;
    int c, err;

    while ((c = rd_peek(&a)) != C_EOF && c != '/' && c != '\\' && c != '?' &&
           c != '#') {
        if (c == '@')
            at_sign = a.p;
        rd_next(&a);
    }
    aend = a.p;
    if (https)
        ob_put(o, "https://", 8);
    else
        ob_put(o, "http://", 7);

    if (at_sign != NULL) {
        /* Everything before the last '@'; earlier ones become %40. The
         * first ':' splits user from password. */
        const char *pw = NULL, *q;
        struct rd pr;
        bool user, pass;

        for (q = r->p; q < at_sign; q++) {
            if (*q == ':') {
                pw = q;
                break;
            }
        }
        rd_init(&u, r->p, pw != NULL ? pw : at_sign);
        rd_init(&pr, pw != NULL ? pw + 1 : at_sign, at_sign);
        user = rd_peek(&u) != C_EOF;
        pass = rd_peek(&pr) != C_EOF;
        put_encoded(o, &u, ENC_USERINFO);
        if (pass) {
            ob_putc(o, ':');
            put_encoded(o, &pr, ENC_USERINFO);
        }
        if (user || pass)
            ob_putc(o, '@');
        hs = at_sign + 1;
    }
    if (o->over)
        return URL_ERR_TOOLONG;

    /* Host ends at a ':' outside brackets; an empty host is an error. */
    rd_init(&hr, hs, aend);
    while ((c = rd_peek(&hr)) != C_EOF) {
        if (c == '[') {
            in_br = true;
        } else if (c == ']') {
            in_br = false;
        } else if (c == ':' && !in_br) {
            colon = hr.p;
            break;
        }
        rd_next(&hr);
    }
    rd_init(&hr, hs, colon != NULL ? colon : aend);
    if (rd_peek(&hr) == C_EOF)
        return URL_ERR_SYNTAX;
    err = parse_host(&hr, o);
    if (err != URL_OK)
        return err;

    if (colon != NULL) {
        struct rd pr;
        unsigned port = 0;
        bool any = false;

        rd_init(&pr, colon + 1, aend);
        while ((c = rd_peek(&pr)) != C_EOF) {
            if (!is_digit(c))
                return URL_ERR_SYNTAX;
            port = port * 10 + (unsigned)(c - '0');
            if (port > 65535)
                return URL_ERR_SYNTAX;
            any = true;
            rd_next(&pr);
        }
        if (any && port != (https ? 443u : 80u)) {
            ob_putc(o, ':');
            ob_uint(o, port);
        }
    }
    r->p = aend;
    return o->over ? URL_ERR_TOOLONG : URL_OK;
}

static inline bool
is_seg_end(int c)
{
    return c == C_EOF || c == '/' || c == '\\' || c == '?' || c == '#';
}

/* 1 for a single-dot segment ("." or "%2e"), 2 for a double-dot one ("..",
 * ".%2e", "%2e.", "%2e%2e", any case), 0 otherwise. Does not move r. */
static int
dot_segment(const struct rd *r)
{
    struct rd t = *r;
    char b[6];
    size_t n = 0;
    int c;

    while (!is_seg_end(c = rd_peek(&t))) {
        if (n == sizeof(b))
            return 0;
        b[n++] = (char)to_lower(c);
        rd_next(&t);
    }
    switch (n) {
    case 1:
        return b[0] == '.';
    case 2:
        return memcmp(b, "..", 2) == 0 ? 2 : 0;
    case 3:
        return memcmp(b, "%2e", 3) == 0;
    case 4:
        return memcmp(b, ".%2e", 4) == 0 || memcmp(b, "%2e.", 4) == 0 ? 2 : 0;
    case 6:
        return memcmp(b, "%2e%2e", 6) == 0 ? 2 : 0;
    default:
        return 0;
    }
}

/* Append "/segment", or count it as hidden if it does not fit. */
static void
path_push(struct rd *r, struct ob *o, size_t *hidden)
{
    size_t start = o->len;
    int c;

    if (*hidden == 0 && o->len < o->cap) {
        o->p[o->len++] = '/';
        while (!is_seg_end(c = rd_peek(r))) {
            if (enc_tab[c] & ENC_PATH) {
                if (o->cap - o->len < 3)
                    goto hide;
                o->p[o->len++] = '%';
                o->p[o->len++] = hex_upper[c >> 4];
                o->p[o->len++] = hex_upper[c & 15];
            } else {
                if (o->len == o->cap)
                    goto hide;
                o->p[o->len++] = (char)c;
            }
            rd_next(r);
        }
        return;
    }
hide:
    o->len = start;
    (*hidden)++;
    while (!is_seg_end(rd_peek(r)))
        rd_next(r);
}

static void
path_push_empty(struct ob *o, size_t *hidden)
{
    if (*hidden == 0 && o->len < o->cap)
        o->p[o->len++] = '/';
    else
        (*hidden)++;
}

/* Append the segments of an already normalised path p[0..n) (each starting
 * with '/'), counting those that do not fit as hidden. */
static void
path_copy(struct ob *o, const char *p, size_t n, size_t *hidden)
{
    size_t i = 0, j;

    while (i < n) {
        for (j = i + 1; j < n && p[j] != '/'; j++)
            ;
        if (*hidden == 0 && j - i <= o->cap - o->len) {
            memcpy(o->p + o->len, p + i, j - i);
            o->len += j - i;
        } else {
            (*hidden)++;
        }
        i = j;
    }
}

/* Remove the last segment; an empty path stays empty. */
static void
path_pop(struct ob *o, size_t path_off, size_t *hidden)
{
    size_t k = o->len;

    if (*hidden > 0) {
        (*hidden)--;
        return;
    }
    while (k > path_off && o->p[k - 1] != '/')
        k--;
    if (k > path_off)
        o->len = k - 1;
}

/* Path state: segments up to '?', '#' or the end. r is at the start of a
 * segment (its leading separator already consumed). */
static int
parse_path(struct rd *r, struct ob *o, size_t path_off, size_t *hidden)
{
    int c;

    for (;;) {
        int dot = dot_segment(r);

        if (dot != 0) {
            while (!is_seg_end(rd_peek(r)))
                rd_next(r);
            c = rd_peek(r);
            if (dot == 2)
                path_pop(o, path_off, hidden);
            if (c != '/' && c != '\\')
                path_push_empty(o, hidden); /* "a/.." is "/", not "" */
        } else {
            path_push(r, o, hidden);
        }
        c = rd_peek(r);
        if (c != '/' && c != '\\')
            break;
        rd_next(r);
    }
    return *hidden > 0 ? URL_ERR_TOOLONG : URL_OK;
}

/*
 * Parse in[0..n) against the base bs (parsed as bp; both NULL for none)
 * into o, filling res. The standard's state machine with the states that
 * http(s) never reaches left out.
 */
static int
parse(const char *in, size_t n, const char *bs, const struct parsed *bp,
      struct ob *o, struct parsed *res)
{
    const char *s = in, *e = in + n;
    struct rd r;
    bool https, authority;
    size_t path_off, hidden = 0;
    int scheme, c, err;

    /* Leading and trailing C0 controls and spaces go. */
    while (s < e && (unsigned char)*s <= 0x20)
        s++;
    while (e > s && (unsigned char)e[-1] <= 0x20)
        e--;
    rd_init(&r, s, e);

    scheme = parse_scheme(&r);
    if (scheme < 0)
        return URL_ERR_SCHEME;
    if (scheme > 0) {
        https = scheme == 2;
        /* "http:foo" is relative to an http base, "http://" never is. */
        authority = bp == NULL || bp->https != https ||
                    (rd_peek(&r) == '/' && rd_peek2(&r) == '/');
    } else {
        if (bp == NULL)
            return URL_ERR_SYNTAX;
        https = bp->https;
        authority = false;
    }
    res->https = https;

    if (!authority) {
        /* Relative state. */
        c = rd_peek(&r);
        if (c == '/' || c == '\\') {
            rd_next(&r);
            c = rd_peek(&r);
            if (c == '/' || c == '\\') {
                authority = true;
            } else {
                ob_put(o, bs, bp->path_off); /* path-absolute */
                path_off = bp->path_off;
            }
        } else if (c == C_EOF || c == '#') {
            ob_put(o, bs, bp->len); /* the base itself */
            res->path_off = bp->path_off;
            res->query_off = bp->query_off;
            res->len = o->len;
            return o->over ? URL_ERR_TOOLONG : URL_OK;
        } else if (c == '?') {
            ob_put(o, bs, bp->query_off);
            res->path_off = bp->path_off;
            goto query;
        } else {
            /* The base path without its last segment, copied one segment
             * at a time: a ".." in href may make room again. */
            size_t k = bp->query_off;

            while (k > bp->path_off && bs[k - 1] != '/')
                k--;
            ob_put(o, bs, bp->path_off);
            path_copy(o, bs + bp->path_off, k - 1 - bp->path_off, &hidden);
            path_off = bp->path_off;
        }
    }
    if (authority) {
        while ((c = rd_peek(&r)) == '/' || c == '\\')
            rd_next(&r);
        err = parse_authority(&r, https, o);
        if (err != URL_OK)
            return err;
        path_off = o->len;
        c = rd_peek(&r);
        if (c == '/' || c == '\\')
            rd_next(&r);
    }
    if (o->over)
        return URL_ERR_TOOLONG;
    err = parse_path(&r, o, path_off, &hidden);
    if (err != URL_OK)
        return err;
    res->path_off = path_off;

query:
    res->query_off = o->len;
    if (rd_peek(&r) == '?') {
        ob_putc(o, '?');
        rd_next(&r);
        while ((c = rd_peek(&r)) != C_EOF && c != '#' && !o->over) {
            if (enc_tab[c] & ENC_QUERY)
                ob_pct(o, c);
            else
                ob_putc(o, c);
            rd_next(&r);
        }
    }
    res->len = o->len;
    return o->over ? URL_ERR_TOOLONG : URL_OK;
}

static inline bool
overlaps(const char *a, size_t an, const char *b, size_t bn)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

    return x < y + bn && y < x + an;
}

int
url_resolve(const char *base, const char *href, char *out, size_t outsz)
{
    char bbuf[URL_MAX], tmp[URL_MAX];
    struct parsed bp, res;
    struct ob o;
    size_t n;
    int err = URL_OK;

    assert(href != NULL && out != NULL);
    if (outsz == 0)
        return URL_ERR_TOOLONG;
    if (base != NULL) {
        o = (struct ob){bbuf, 0, URL_MAX - 1, false};
        err = parse(base, strlen(base), NULL, NULL, &o, &bp);
        if (err != URL_OK)
            goto fail;
    }

    n = strlen(href);
    o = (struct ob){out, 0, (outsz < URL_MAX ? outsz : URL_MAX) - 1, false};
    if (overlaps(out, outsz, href, n + 1))
        o.p = tmp; /* url_normalize(s, s, ...) works too */
    err = parse(href, n, base != NULL ? bbuf : NULL, base != NULL ? &bp : NULL,
                &o, &res);
    if (err != URL_OK)
        goto fail;
    if (o.p != out)
        memcpy(out, o.p, o.len);
    out[o.len] = '\0';
    return URL_OK;

fail:
    out[0] = '\0';
    return err;
}

int
url_normalize(const char *in, char *out, size_t outsz)
{
    return url_resolve(NULL, in, out, outsz);
}

int
url_split(const char *url, struct url_parts *parts)
{
    const char *p, *aend, *h, *he, *q;
    size_t hl;
    unsigned port = 0;

    if (strncmp(url, "http://", 7) == 0) {
        parts->https = false;
        p = url + 7;
    } else if (strncmp(url, "https://", 8) == 0) {
        parts->https = true;
        p = url + 8;
    } else {
        return -1;
    }
    /* A normalised URL is printable ASCII without '#'. */
    for (q = p; *q != '\0'; q++)
        if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7f || *q == '#')
            return -1;
    aend = p + strcspn(p, "/?");
    if (*aend != '/')
        return -1; /* the path is never empty */
    h = p;
    for (q = p; q < aend; q++)
        if (*q == '@')
            h = q + 1;
    if (*h == '[') {
        he = memchr(h, ']', (size_t)(aend - h));
        if (he == NULL)
            return -1;
        he++;
    } else {
        for (he = h; he < aend && *he != ':'; he++)
            if (is_forbidden_domain((unsigned char)*he) ||
                (*he >= 'A' && *he <= 'Z'))
                return -1;
    }
    hl = (size_t)(he - h);
    if (hl == 0 || hl >= sizeof(parts->host))
        return -1;
    if (he < aend) {
        if (*he != ':' || he + 1 == aend || he + 6 < aend)
            return -1;
        for (q = he + 1; q < aend; q++) {
            if (!is_digit((unsigned char)*q))
                return -1;
            port = port * 10 + (unsigned)(*q - '0');
        }
        if (port > 65535)
            return -1;
    } else {
        port = parts->https ? 443 : 80;
    }
    memcpy(parts->host, h, hl);
    parts->host[hl] = '\0';
    parts->port = port;
    parts->path = aend;
    parts->query = strchr(aend, '?');
    return 0;
}

int
url_host_key(const char *url, char *out, size_t outsz)
{
    struct url_parts up;
    int n;

    if (url_split(url, &up) != 0)
        goto fail;
    n = snprintf(out, outsz, "%s://%s:%u", up.https ? "https" : "http", up.host,
                 up.port);
    if (n < 0 || (size_t)n >= outsz)
        goto fail;
    return 0;

fail:
    if (outsz > 0)
        out[0] = '\0';
    return -1;
}

static inline uint64_t
load64le(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
           (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline uint64_t
rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

/* MurmurHash3's 64-bit finaliser: every input bit flips each output bit
 * with probability close to one half. */
static inline uint64_t
fmix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

/*
 * One lane of MurmurHash3 x64: 8 bytes a round, read little-endian so ids
 * stored in the database are the same on every host.
 */
int64_t
url_hash(const char *s, size_t len)
{
    const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;
    const unsigned char *p = (const unsigned char *)s;
    uint64_t h = 0x9e3779b97f4a7c15ULL, k;
    size_t i, rest = len;

    for (; rest >= 8; rest -= 8, p += 8) {
        k = load64le(p) * c1;
        k = rotl64(k, 31) * c2;
        h ^= k;
        h = rotl64(h, 27) * 5 + 0x52dce729;
    }
    if (rest > 0) {
        k = 0;
        for (i = 0; i < rest; i++)
            k |= (uint64_t)p[i] << (8 * i);
        k *= c1;
        k = rotl64(k, 31) * c2;
        h ^= k;
    }
    h = fmix64(h ^ len) >> 1;
    return h == 0 ? 1 : (int64_t)h;
}
