/* SPDX-License-Identifier: MIT */
/*
 * util.c - allocation, fatal(), clocks and terminal-safe text.
 */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void (*exit_hook)(void);

static void
oom(size_t n)
{
    fatal("out of memory (%zu bytes)", n);
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        oom(n);
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        oom(n * size);
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL)
        oom(n);
    return q;
}

char *
xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p = NULL;

    va_start(ap, fmt);
    if (vasprintf(&p, fmt, ap) < 0)
        oom(0);
    va_end(ap);
    return p;
}

void
util_set_exit_hook(void (*hook)(void))
{
    exit_hook = hook;
}

void
fatal(const char *fmt, ...)
{
    va_list ap;

    if (exit_hook != NULL)
        exit_hook();
    fputs("crawltop: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
iso8601_now(char *out, size_t outsz)
{
    struct timespec ts;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t
utf8_seq_len(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n, i;
    unsigned cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (avail < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0; /* overlong or out of range */
    if (cp >= 0xd800 && cp <= 0xdfff)
        return 0; /* surrogate */
    return n;
}

size_t
sanitize_text(const char *src, size_t srclen, char *out, size_t outsz)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0, o = 0;

    if (outsz == 0)
        return 0;
    while (i < srclen) {
        size_t n = utf8_seq_len(s + i, srclen - i);
        bool bad = n == 0 || (n == 1 && (s[i] < 0x20 || s[i] == 0x7f)) ||
                   (n == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0);

        if (bad) {
            if (o + 1 >= outsz)
                break;
            out[o++] = '?';
            i += n ? n : 1;
            continue;
        }
        if (o + n >= outsz)
            break;
        memcpy(out + o, s + i, n);
        o += n;
        i += n;
    }
    out[o] = '\0';
    return o;
}

size_t
strlcopy(char *out, const char *src, size_t outsz)
{
    size_t n;

    if (outsz == 0)
        return 0;
    n = strnlen(src, outsz - 1);
    memcpy(out, src, n);
    out[n] = '\0';
    return n;
}

bool
parse_int(const char *s, long long min, long long max, long long *out)
{
    char *end;
    long long v;

    if (s == NULL || !((*s >= '0' && *s <= '9') ||
                       (*s == '-' && s[1] >= '0' && s[1] <= '9')))
        return false; /* strtoll would skip spaces and take '+' */
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

char *
json_quote(const char *s)
{
    size_t len = strlen(s), o = 0, i = 0;
    char *out = xmalloc(len * 6 + 3);
    const unsigned char *u = (const unsigned char *)s;

    out[o++] = '"';
    while (i < len) {
        size_t n = utf8_seq_len(u + i, len - i);

        if (n == 0 || (n == 1 && (u[i] < 0x20 || u[i] == 0x7f))) {
            o += (size_t)snprintf(out + o, 7, "\\u%04x", u[i]);
            i++;
        } else if (u[i] == '"' || u[i] == '\\') {
            out[o++] = '\\';
            out[o++] = (char)u[i++];
        } else {
            memcpy(out + o, u + i, n);
            o += n;
            i += n;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}
