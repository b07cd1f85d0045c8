/* SPDX-License-Identifier: MIT */
/*
 * util.h - allocation that never returns NULL, fatal(), clocks, and
 * sanitising text for the terminal.
 *
 * Thread-safe.
 */
#ifndef CRAWLTOP_UTIL_H
#define CRAWLTOP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Allocated printf; the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "crawltop: message" to stderr, run the exit hook (the ui restores
 * the terminal there), and exit(1). */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Called by fatal() before exiting; NULL for none. */
void util_set_exit_hook(void (*hook)(void));

/* Milliseconds on the monotonic clock. */
int64_t now_ms(void);
/* Wall clock as ISO 8601 UTC with milliseconds, "2026-11-27T10:20:27.123Z". */
void iso8601_now(char *out, size_t outsz);

/* Copy src to out (size outsz, always NUL-terminated) replacing every C0
 * control, DEL, C1 control (as UTF-8 U+0080..U+009F) and invalid UTF-8 byte
 * with '?', so the result is safe to print on a terminal. Cuts on a UTF-8
 * character boundary. Returns the length written. */
size_t sanitize_text(const char *src, size_t srclen, char *out, size_t outsz);

/* Copy at most outsz-1 bytes and NUL-terminate; returns strlen(out). */
size_t strlcopy(char *out, const char *src, size_t outsz);

/* Parse a whole decimal integer in [min, max]; false on anything else. */
bool parse_int(const char *s, long long min, long long max, long long *out);

/* s as a JSON string literal, quotes included; the caller frees it.
 * Control characters and invalid UTF-8 bytes are escaped as \u00XX. */
char *json_quote(const char *s);

#endif
