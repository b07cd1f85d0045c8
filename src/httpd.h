/* SPDX-License-Identifier: MIT */
/*
 * httpd.h - a small bounded HTTP/1.1 server on 127.0.0.1 for the tests and
 * `crawltop --demo`: GET and HEAD, keep-alive, one thread per connection,
 * plus hostile response modes (trickle, endless, reset, hang).
 *
 * Thread: httpd_start/httpd_stop from one owner thread; the handler runs on
 * the connection threads, concurrently, and must be thread-safe.
 */
#ifndef CRAWLTOP_HTTPD_H
#define CRAWLTOP_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Request line plus headers, in bytes; more is answered with 431. */
#define HTTPD_MAX_HEAD 32768
/* Longest request-target; a longer one is answered with 414. */
#define HTTPD_MAX_TARGET 16384
/* Default cap on open connections; extra ones are closed at once. */
#define HTTPD_MAX_CONNS 512
/* Default idle keep-alive timeout, and the time allowed to send a head. */
#define HTTPD_IDLE_MS 5000
#define HTTPD_HEAD_MS 10000
/* Room for extra response header lines. */
#define HTTPD_HEADERS_MAX 2048

struct httpd;

/* One parsed request; every pointer is valid during the handler call only. */
struct httpd_request {
    const char *method; /* "GET" or "HEAD" (others never reach a handler) */
    const char *target; /* request-target as sent: path and query */
    const char *path;   /* target up to '?', not percent-decoded */
    const char *query;  /* after the '?', or NULL if none */
    const char *host;   /* Host header, lower-cased, port stripped; "" */
    bool head;          /* HEAD: the server drops the body itself */
    int minor;          /* HTTP/1.<minor>, 0 or 1 */
    const char *const *hdr_names;  /* raw header lines as name/value pairs */
    const char *const *hdr_values; /* (values trimmed), nhdr of them */
    size_t nhdr;
};

enum httpd_mode {
    HTTPD_NORMAL = 0, /* status, headers, body */
    HTTPD_TRICKLE,    /* headers, then the body one byte per trickle_ms */
    HTTPD_ENDLESS,    /* chunked body that repeats forever (until the client
                         goes or the server stops) */
    HTTPD_RESET,      /* headers and half the body, then close with RST */
    HTTPD_HANG,       /* never answer; wait for the client or httpd_stop */
};

/* Produces body bytes [off, off + return) of a body of length total
 * (UINT64_MAX when endless) into buf (cap > 0 bytes). Returns > 0. Must be
 * pure: it is called on connection threads. */
typedef size_t httpd_gen_fn(uint64_t off, uint64_t total, char *buf,
                            size_t cap);

/* What a handler fills in. The server zeroes it first (status 200, mode
 * HTTPD_NORMAL) and frees body_owned after sending. The body is either
 * body/body_len (owned when body == body_owned, else borrowed data that
 * outlives the server), or gen with gen_len bytes. */
struct httpd_response {
    int status;               /* 100..999; 0 means 500 */
    const char *content_type; /* static string or NULL for none */
    const void *body;
    size_t body_len;
    void *body_owned;  /* freed with free() after the response */
    httpd_gen_fn *gen; /* used instead of body when set */
    uint64_t gen_len;
    unsigned delay_ms; /* wait this long before answering */
    enum httpd_mode mode;
    unsigned trickle_ms;             /* HTTPD_TRICKLE gap; 0 means 1000 */
    bool close;                      /* close the connection afterwards */
    char headers[HTTPD_HEADERS_MAX]; /* extra "Name: value\r\n" lines */
    size_t headers_len;
};

typedef void httpd_handler_fn(void *arg, const struct httpd_request *req,
                              struct httpd_response *resp);

struct httpd_options {
    unsigned port;      /* 0: any free port (see httpd_port) */
    unsigned max_conns; /* 0: HTTPD_MAX_CONNS */
    unsigned idle_ms;   /* 0: HTTPD_IDLE_MS */
    httpd_handler_fn *handler;
    void *arg; /* passed to handler; must outlive the server */
};

/* Listen on 127.0.0.1 and start the accept thread. Returns 0, or -1 with a
 * message in *cause for the caller to free. */
int httpd_start(struct httpd **out, const struct httpd_options *opt,
                char **cause);

/* The port actually listened on. */
unsigned httpd_port(const struct httpd *h);

/* Close the listener, shut down every connection, join every thread and
 * free h. Waiting responses (delays, trickles, hangs) end at once. NULL does
 * nothing. */
void httpd_stop(struct httpd *h);

/* Append "name: value\r\n" to resp->headers. False (nothing added) if it
 * does not fit or contains CR, LF or NUL. */
bool httpd_add_header(struct httpd_response *resp, const char *name,
                      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Value of the first header called name (case-insensitive), or NULL. */
const char *httpd_header(const struct httpd_request *req, const char *name);

/* Reason phrase of a status code ("OK", "Not Found", ...; "Unknown"). */
const char *httpd_reason(int status);

#endif
