/* SPDX-License-Identifier: MIT */
/*
 * httpd.c - bounded HTTP/1.1 server for the tests and the demo.
 *
 * DESIGN: httpd_start() binds 127.0.0.1 and starts one accept thread. Each
 * accepted socket gets a slot (at most max_conns; extra sockets are closed
 * at once) and a joinable thread that reads requests, calls the handler and
 * writes responses until the client goes, the idle timeout passes or the
 * server stops. A finished thread marks its slot done; the accept thread
 * joins done slots before reusing them. Every wait (idle, delay, trickle,
 * hang) polls the stop pipe as well, which httpd_stop() makes readable
 * forever, so sleeping connections cost no CPU and end at once on stop;
 * httpd_stop() also shutdown(2)s every socket to break a blocked send().
 * A slot's socket is closed under the lock, so stop never shuts down a
 * recycled descriptor.
 */
#include "httpd.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <fcntl.h>

#include "util.h"

#define HTTPD_MAX_HDRS 128
#define HTTPD_MAX_REQ_BODY (1 << 20) /* request bodies are read and dropped */
#define HTTPD_STACK (512 * 1024)
#define HTTPD_SNDTIMEO_S 60
#define HTTPD_RESET_WAIT_MS 200 /* let the client read before the RST */
#define HTTPD_LINGER_MS 1000    /* drain input this long before close */
#define HTTPD_LINGER_MAX (1 << 20)

/* One connection. used is the accept thread's (and, after it has been
 * joined, httpd_stop's); fd and done are guarded by httpd.lock. */
struct slot {
    struct httpd *h;
    pthread_t tid;
    bool used; /* thread started and not joined yet */
    bool done; /* guarded by lock: the thread has finished */
    int fd;    /* guarded by lock: -1 once closed */
};

struct httpd {
    int lfd;
    int stop_r, stop_w; /* readable once stopping */
    unsigned port;
    unsigned max_conns, idle_ms;
    httpd_handler_fn *handler;
    void *arg;
    pthread_t accept_tid;
    atomic_bool stopping;
    pthread_mutex_t lock;
    struct slot *slots; /* max_conns of them */
};

/* Per-connection parse state; buf holds the head being read plus any
 * pipelined bytes after it. */
struct conn {
    struct httpd *h;
    int fd;
    char *buf; /* HTTPD_MAX_HEAD + 1 */
    size_t len;
    char *names[HTTPD_MAX_HDRS];
    char *values[HTTPD_MAX_HDRS];
    size_t nhdr;
    char path[HTTPD_MAX_TARGET + 1];
    char host[256];
    bool reset; /* closing with RST: skip the lingering close */
};

static const struct {
    int code;
    const char *text;
} REASONS[] = {
    {100, "Continue"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {204, "No Content"},
    {206, "Partial Content"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {408, "Request Timeout"},
    {410, "Gone"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {418, "I'm a teapot"},
    {421, "Misdirected Request"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
};

const char *
httpd_reason(int status)
{
    for (size_t i = 0; i < sizeof(REASONS) / sizeof(REASONS[0]); i++)
        if (REASONS[i].code == status)
            return REASONS[i].text;
    return "Unknown";
}

bool
httpd_add_header(struct httpd_response *resp, const char *name, const char *fmt,
                 ...)
{
    char val[HTTPD_HEADERS_MAX];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(val) || strpbrk(val, "\r\n") != NULL ||
        strpbrk(name, "\r\n: ") != NULL)
        return false;
    n = snprintf(resp->headers + resp->headers_len,
                 sizeof(resp->headers) - resp->headers_len, "%s: %s\r\n", name,
                 val);
    if (n < 0 || (size_t)n >= sizeof(resp->headers) - resp->headers_len) {
        resp->headers[resp->headers_len] = '\0';
        return false;
    }
    resp->headers_len += (size_t)n;
    return true;
}

const char *
httpd_header(const struct httpd_request *req, const char *name)
{
    for (size_t i = 0; i < req->nhdr; i++)
        if (strcasecmp(req->hdr_names[i], name) == 0)
            return req->hdr_values[i];
    return NULL;
}

static bool
is_stopping(struct httpd *h)
{
    return atomic_load(&h->stopping);
}

/* Sleep ms (or forever if ms < 0) unless the server stops; true if it did. */
static bool
wait_stop(struct httpd *h, int ms)
{
    struct pollfd p = {.fd = h->stop_r, .events = POLLIN};
    int64_t end = now_ms() + ms;

    for (;;) {
        int left = ms < 0 ? -1 : (int)(end - now_ms());
        if (ms >= 0 && left <= 0)
            return is_stopping(h);
        int r = poll(&p, 1, left);
        if (r > 0 || is_stopping(h))
            return true;
        if (r < 0 && errno != EINTR)
            return is_stopping(h);
    }
}

/* Wait until fd is readable. 1: readable, 0: timeout, -1: stopping. */
static int
wait_readable(struct httpd *h, int fd, int ms)
{
    struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
                          {.fd = h->stop_r, .events = POLLIN}};
    int64_t end = now_ms() + ms;

    for (;;) {
        int left = (int)(end - now_ms());
        if (left <= 0)
            return 0;
        int r = poll(p, 2, left);
        if (is_stopping(h) || (r > 0 && p[1].revents))
            return -1;
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

static int
send_all(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Body bytes [off, off + cap) of resp into buf; returns the count. */
static size_t
body_chunk(const struct httpd_response *resp, uint64_t total, uint64_t off,
           char *buf, size_t cap)
{
    if (resp->gen != NULL)
        return resp->gen(off, total, buf, cap);
    if (resp->body_len == 0)
        return 0;
    /* A memory body repeats when asked for more (the endless mode). */
    size_t at = (size_t)(off % resp->body_len);
    size_t n = resp->body_len - at;
    if (n > cap)
        n = cap;
    memcpy(buf, (const char *)resp->body + at, n);
    return n;
}

/* Send body bytes [from, to) of a body of length total; 0 or -1. */
static int
send_body_range(struct conn *c, const struct httpd_response *resp,
                uint64_t total, uint64_t from, uint64_t to)
{
    char buf[16384];

    if (resp->gen == NULL && to <= resp->body_len)
        return send_all(c->fd, (const char *)resp->body + from,
                        (size_t)(to - from));
    while (from < to) {
        size_t want =
            to - from < sizeof(buf) ? (size_t)(to - from) : sizeof(buf);
        size_t n = body_chunk(resp, total, from, buf, want);
        if (n == 0 || n > want || is_stopping(c->h))
            return -1;
        if (send_all(c->fd, buf, n) != 0)
            return -1;
        from += n;
    }
    return 0;
}

static int
send_endless(struct conn *c, const struct httpd_response *resp, bool chunked)
{
    char buf[16384 + 32];
    uint64_t off = 0;

    if (resp->gen == NULL && resp->body_len == 0)
        return -1;
    while (!is_stopping(c->h)) {
        size_t n = body_chunk(resp, UINT64_MAX, off, buf + 16, 16384);
        if (n == 0 || n > 16384)
            return -1;
        off += n;
        if (!chunked) {
            if (send_all(c->fd, buf + 16, n) != 0)
                return -1;
            continue;
        }
        char pre[16];
        int plen = snprintf(pre, sizeof(pre), "%zx\r\n", n);
        memcpy(buf + 16 - plen, pre, (size_t)plen);
        memcpy(buf + 16 + n, "\r\n", 2);
        if (send_all(c->fd, buf + 16 - plen, (size_t)plen + n + 2) != 0)
            return -1;
    }
    return -1;
}

/* Write the response; returns 0 to keep the connection, -1 to close it. */
static int
respond(struct conn *c, const struct httpd_request *req,
        struct httpd_response *resp, bool keep)
{
    char head[1024 + HTTPD_HEADERS_MAX];
    char date[64];
    struct tm tm;
    time_t t = time(NULL);
    int status = resp->status;
    bool head_only = req == NULL ? false : req->head;
    bool no_body = status == 204 || status == 304 || status < 200;
    uint64_t total = resp->gen != NULL ? resp->gen_len : resp->body_len;
    bool chunked = false;
    size_t len;

    if (resp->status < 100 || resp->status > 999)
        status = 500;
    if (resp->close || resp->mode == HTTPD_RESET || resp->mode == HTTPD_ENDLESS)
        keep = false;
    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    len = (size_t)snprintf(head, sizeof(head),
                           "HTTP/1.1 %d %s\r\nDate: %s\r\n"
                           "Server: crawltop-httpd\r\n",
                           status, httpd_reason(status), date);
    if (resp->content_type != NULL)
        len += (size_t)snprintf(head + len, sizeof(head) - len,
                                "Content-Type: %s\r\n", resp->content_type);
    if (resp->mode == HTTPD_ENDLESS) {
        chunked = req != NULL && req->minor >= 1;
        if (chunked)
            len += (size_t)snprintf(head + len, sizeof(head) - len,
                                    "Transfer-Encoding: chunked\r\n");
    } else if (!no_body) {
        len += (size_t)snprintf(head + len, sizeof(head) - len,
                                "Content-Length: %llu\r\n",
                                (unsigned long long)total);
    }
    if (!keep)
        len += (size_t)snprintf(head + len, sizeof(head) - len,
                                "Connection: close\r\n");
    else if (req != NULL && req->minor == 0)
        len += (size_t)snprintf(head + len, sizeof(head) - len,
                                "Connection: keep-alive\r\n");
    if (len + resp->headers_len + 3 > sizeof(head))
        return -1; /* cannot happen: headers is HTTPD_HEADERS_MAX */
    memcpy(head + len, resp->headers, resp->headers_len);
    len += resp->headers_len;
    memcpy(head + len, "\r\n", 2);
    len += 2;

    if (send_all(c->fd, head, len) != 0)
        return -1;
    if (head_only || no_body) {
        if (resp->mode == HTTPD_RESET) {
            wait_stop(c->h, HTTPD_RESET_WAIT_MS);
            struct linger lg = {.l_onoff = 1, .l_linger = 0};
            setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
            c->reset = true;
        }
        return keep ? 0 : -1;
    }

    switch (resp->mode) {
    case HTTPD_NORMAL:
    case HTTPD_HANG: /* not reached: handled by the caller */
        if (send_body_range(c, resp, total, 0, total) != 0)
            return -1;
        break;
    case HTTPD_TRICKLE: {
        unsigned gap = resp->trickle_ms > 0 ? resp->trickle_ms : 1000;
        for (uint64_t off = 0; off < total; off++) {
            if (off > 0 && wait_stop(c->h, (int)gap))
                return -1;
            if (send_body_range(c, resp, total, off, off + 1) != 0)
                return -1;
        }
        break;
    }
    case HTTPD_ENDLESS:
        return send_endless(c, resp, chunked);
    case HTTPD_RESET: {
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        send_body_range(c, resp, total, 0, total / 2);
        wait_stop(c->h, HTTPD_RESET_WAIT_MS);
        /* Closing with a zero linger sends RST instead of FIN. */
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        c->reset = true;
        return -1;
    }
    }
    return keep ? 0 : -1;
}

/* A short error page from the server itself; the connection is closed. */
static int
respond_error(struct conn *c, int status)
{
    struct httpd_response resp;
    char body[256];
    int n =
        snprintf(body, sizeof(body),
                 "<!DOCTYPE html>\n<html><head><title>%d %s</title></head>"
                 "<body><h1>%d %s</h1></body></html>\n",
                 status, httpd_reason(status), status, httpd_reason(status));

    memset(&resp, 0, sizeof(resp));
    resp.status = status;
    resp.content_type = "text/html; charset=utf-8";
    resp.body = body;
    resp.body_len = (size_t)n;
    resp.close = true;
    respond(c, NULL, &resp, false);
    return -1;
}

/* Never answer: wait until the client closes or the server stops. */
static void
hang(struct conn *c)
{
    char scratch[4096];

    for (;;) {
        int r = wait_readable(c->h, c->fd, 3600 * 1000);
        if (r < 0)
            return;
        if (r == 0)
            continue;
        ssize_t n = recv(c->fd, scratch, sizeof(scratch), 0);
        if (n == 0 || (n < 0 && errno != EINTR))
            return;
    }
}

/* Offset just past the blank line ending the head in buf[0..len), or 0. */
static size_t
head_end(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (i + 1 < len && buf[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

static bool
is_token_char(unsigned char ch)
{
    return ch > 32 && ch < 127 && strchr("()<>@,;:\\\"/[]?={}", ch) == NULL;
}

/* Lower-case the Host value into out without its port. False if bad. */
static bool
parse_host(const char *v, char *out, size_t outsz)
{
    size_t n = strlen(v);
    const char *colon;

    if (v[0] == '[') {
        const char *end = strchr(v, ']');
        if (end == NULL)
            return false;
        n = (size_t)(end - v) + 1;
        colon = end[1] == ':' ? end + 1 : NULL;
        if (end[1] != '\0' && colon == NULL)
            return false;
    } else {
        colon = strchr(v, ':');
        if (colon != NULL)
            n = (size_t)(colon - v);
    }
    if (colon != NULL) {
        long long port;
        if (colon[1] != '\0' && !parse_int(colon + 1, 0, 65535, &port))
            return false;
    }
    if (n >= outsz)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];
        if (ch <= 32 || ch == 127 || ch == '/' || ch == '@')
            return false;
        out[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    out[n] = '\0';
    return true;
}

/* Read and drop n request body bytes (already-buffered ones first). */
static int
drop_body(struct conn *c, size_t used, unsigned long long n)
{
    size_t have = c->len - used;
    size_t take = have < n ? have : (size_t)n;
    char scratch[8192];

    memmove(c->buf, c->buf + used + take, have - take);
    c->len = have - take;
    n -= take;
    while (n > 0) {
        if (wait_readable(c->h, c->fd, HTTPD_HEAD_MS) <= 0)
            return -1;
        ssize_t r = recv(c->fd, scratch,
                         n < sizeof(scratch) ? (size_t)n : sizeof(scratch), 0);
        if (r <= 0)
            return -1;
        n -= (unsigned long long)r;
    }
    return 0;
}

/* Parse the head in buf[0..end) in place and serve it. 0 to keep going. */
static int
serve_one(struct conn *c, size_t end)
{
    struct httpd_request req;
    struct httpd_response resp;
    char *p = c->buf, *line_end, *sp1, *sp2;
    unsigned long long clen = 0;
    bool keep, have_host = false, conn_close = false, conn_keep = false;

    memset(&req, 0, sizeof(req));
    if (memchr(c->buf, '\0', end) != NULL)
        return respond_error(c, 400);
    for (size_t i = 0; i + 1 < end; i++)
        if (c->buf[i] == '\r' && c->buf[i + 1] != '\n')
            return respond_error(c, 400); /* bare CR */
    c->buf[end - 1] = '\0';

    /* Request line: METHOD SP target SP HTTP/1.x */
    line_end = strchr(p, '\n');
    *line_end = '\0';
    if (line_end > p && line_end[-1] == '\r')
        line_end[-1] = '\0';
    sp1 = strchr(p, ' ');
    sp2 = sp1 != NULL ? strchr(sp1 + 1, ' ') : NULL;
    if (sp1 == NULL || sp2 == NULL || strchr(sp2 + 1, ' ') != NULL)
        return respond_error(c, 400);
    *sp1 = '\0';
    *sp2 = '\0';
    for (const char *m = p; *m != '\0'; m++)
        if (!is_token_char((unsigned char)*m))
            return respond_error(c, 400);
    req.method = p;
    req.target = sp1 + 1;
    if (strlen(req.target) > HTTPD_MAX_TARGET)
        return respond_error(c, 414);
    if (strncmp(sp2 + 1, "HTTP/1.", 7) != 0 || sp2[8] < '0' || sp2[8] > '9' ||
        sp2[9] != '\0') {
        if (strncmp(sp2 + 1, "HTTP/", 5) == 0)
            return respond_error(c, 505);
        return respond_error(c, 400);
    }
    req.minor = sp2[8] == '0' ? 0 : 1;
    if (req.target[0] != '/') /* origin-form only */
        return respond_error(c, 400);
    for (const char *t = req.target; *t != '\0'; t++)
        if ((unsigned char)*t <= 32 || *t == 127)
            return respond_error(c, 400);

    /* Header lines, up to the blank line (now "" or "\r"). */
    c->nhdr = 0;
    p = line_end + 1;
    while (*p != '\0' && *p != '\r') {
        char *colon, *v, *ve;
        bool last;

        line_end = strchr(p, '\n');
        last = line_end == NULL;
        if (last)
            line_end = p + strlen(p);
        else
            *line_end = '\0';
        ve = line_end;
        if (ve > p && ve[-1] == '\r')
            *--ve = '\0';
        if (*p == ' ' || *p == '\t') /* obsolete line folding */
            return respond_error(c, 400);
        colon = strchr(p, ':');
        if (colon == NULL || colon == p)
            return respond_error(c, 400);
        for (char *q = p; q < colon; q++)
            if (!is_token_char((unsigned char)*q))
                return respond_error(c, 400);
        *colon = '\0';
        v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            *--ve = '\0';
        if (c->nhdr == HTTPD_MAX_HDRS)
            return respond_error(c, 431);
        c->names[c->nhdr] = p;
        c->values[c->nhdr] = v;
        c->nhdr++;
        p = last ? line_end : line_end + 1;
    }
    req.hdr_names = (const char *const *)c->names;
    req.hdr_values = (const char *const *)c->values;
    req.nhdr = c->nhdr;

    c->host[0] = '\0';
    for (size_t i = 0; i < c->nhdr; i++) {
        const char *n = c->names[i], *v = c->values[i];
        if (strcasecmp(n, "Host") == 0) {
            if (have_host || !parse_host(v, c->host, sizeof(c->host)))
                return respond_error(c, 400);
            have_host = true;
        } else if (strcasecmp(n, "Content-Length") == 0) {
            long long l;
            if (!parse_int(v, 0, INT64_MAX, &l))
                return respond_error(c, 400);
            if (l > HTTPD_MAX_REQ_BODY)
                return respond_error(c, 413);
            clen = (unsigned long long)l;
        } else if (strcasecmp(n, "Transfer-Encoding") == 0) {
            return respond_error(c, 501);
        } else if (strcasecmp(n, "Connection") == 0) {
            if (strcasestr(v, "close") != NULL)
                conn_close = true;
            if (strcasestr(v, "keep-alive") != NULL)
                conn_keep = true;
        }
    }
    if (req.minor >= 1 && !have_host)
        return respond_error(c, 400);
    req.host = c->host;
    if (strcmp(req.method, "HEAD") == 0)
        req.head = true;
    else if (strcmp(req.method, "GET") != 0)
        return respond_error(c, 501);

    /* Path and query; the path copy fits since the target did. */
    {
        const char *q = strchr(req.target, '?');
        size_t plen = q != NULL ? (size_t)(q - req.target) : strlen(req.target);
        memcpy(c->path, req.target, plen);
        c->path[plen] = '\0';
        req.path = c->path;
        req.query = q != NULL ? q + 1 : NULL;
    }
    keep = req.minor >= 1 ? !conn_close : (conn_keep && !conn_close);

    memset(&resp, 0, sizeof(resp));
    resp.status = 200;
    c->h->handler(c->h->arg, &req, &resp);

    int rc = 0;
    if (resp.delay_ms > 0 && wait_stop(c->h, (int)resp.delay_ms))
        rc = -1;
    else if (resp.mode == HTTPD_HANG) {
        hang(c);
        rc = -1;
    } else {
        rc = respond(c, &req, &resp, keep);
    }
    free(resp.body_owned);
    if (rc != 0)
        return -1;
    /* The request (and its body) leave the buffer; pipelined bytes stay. */
    return drop_body(c, end, clen);
}

/* Serve requests on one connection until it should close. */
static void
conn_run(struct conn *c)
{
    for (;;) {
        size_t end = 0;
        int64_t deadline = 0;

        /* Skip empty lines between requests (RFC 9112, 2.2). */
        while (c->len > 0 && (c->buf[0] == '\r' || c->buf[0] == '\n')) {
            memmove(c->buf, c->buf + 1, c->len - 1);
            c->len--;
        }
        while ((end = head_end(c->buf, c->len)) == 0) {
            int ms;
            if (c->len > 0 && deadline == 0)
                deadline = now_ms() + HTTPD_HEAD_MS;
            if (memchr(c->buf, '\n', c->len) == NULL &&
                c->len > HTTPD_MAX_TARGET + 64) {
                respond_error(c, 414);
                return;
            }
            if (c->len >= HTTPD_MAX_HEAD) {
                respond_error(c, 431);
                return;
            }
            ms =
                deadline == 0 ? (int)c->h->idle_ms : (int)(deadline - now_ms());
            if (ms <= 0 || wait_readable(c->h, c->fd, ms) <= 0) {
                if (c->len > 0 && !is_stopping(c->h))
                    respond_error(c, 408);
                return;
            }
            ssize_t n =
                recv(c->fd, c->buf + c->len, HTTPD_MAX_HEAD - c->len, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return;
            c->len += (size_t)n;
        }
        if (serve_one(c, end) != 0 || is_stopping(c->h))
            return;
    }
}

/* Closing a socket with unread input sends RST, which can destroy the
 * response still in flight (a 431 sent while the client is still writing
 * its huge head). So send FIN first and drain input for a while. */
static void
linger_close(struct conn *c)
{
    char scratch[8192];
    int64_t end = now_ms() + HTTPD_LINGER_MS;
    size_t total = 0;

    if (c->reset || is_stopping(c->h) || shutdown(c->fd, SHUT_WR) != 0)
        return;
    while (total < HTTPD_LINGER_MAX) {
        int left = (int)(end - now_ms());
        if (left <= 0 || wait_readable(c->h, c->fd, left) <= 0)
            return;
        ssize_t n = recv(c->fd, scratch, sizeof(scratch), 0);
        if (n == 0 || (n < 0 && errno != EINTR))
            return;
        if (n > 0)
            total += (size_t)n;
    }
}

static void *
conn_main(void *arg)
{
    struct slot *s = arg;
    struct httpd *h = s->h;
    struct conn *c = xcalloc(1, sizeof(*c));

    c->h = h;
    c->fd = s->fd; /* set before this thread was created */
    c->buf = xmalloc(HTTPD_MAX_HEAD + 1);
    conn_run(c);
    linger_close(c);
    free(c->buf);
    free(c);

    pthread_mutex_lock(&h->lock);
    close(s->fd);
    s->fd = -1;
    s->done = true;
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

/* Join finished connection threads. Accept thread (or stop) only. */
static void
reap(struct httpd *h, bool all)
{
    for (unsigned i = 0; i < h->max_conns; i++) {
        struct slot *s = &h->slots[i];
        bool done;
        if (!s->used)
            continue;
        pthread_mutex_lock(&h->lock);
        done = s->done;
        pthread_mutex_unlock(&h->lock);
        if (done || all) {
            pthread_join(s->tid, NULL);
            s->used = false;
        }
    }
}

static void
setup_socket(int fd)
{
    struct timeval tv = {.tv_sec = HTTPD_SNDTIMEO_S};
    int one = 1;

    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void *
accept_main(void *arg)
{
    struct httpd *h = arg;
    pthread_attr_t attr;
    unsigned next = 0;

    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, HTTPD_STACK);
    while (!is_stopping(h)) {
        struct pollfd p[2] = {{.fd = h->lfd, .events = POLLIN},
                              {.fd = h->stop_r, .events = POLLIN}};
        int r = poll(p, 2, 1000);

        if (is_stopping(h))
            break;
        reap(h, false);
        if (r <= 0 || !(p[0].revents & POLLIN))
            continue;
        int fd = accept4(h->lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                errno == ENOMEM)
                wait_stop(h, 100);
            continue;
        }
        struct slot *s = NULL;
        for (unsigned i = 0; i < h->max_conns && s == NULL; i++) {
            unsigned k = (next + i) % h->max_conns;
            if (!h->slots[k].used) {
                s = &h->slots[k];
                next = k + 1;
            }
        }
        if (s == NULL) { /* over the limit */
            close(fd);
            continue;
        }
        setup_socket(fd);
        pthread_mutex_lock(&h->lock);
        s->fd = fd;
        s->done = false;
        pthread_mutex_unlock(&h->lock);
        if (pthread_create(&s->tid, &attr, conn_main, s) != 0) {
            pthread_mutex_lock(&h->lock);
            close(fd);
            s->fd = -1;
            pthread_mutex_unlock(&h->lock);
            continue;
        }
        s->used = true;
    }
    pthread_attr_destroy(&attr);
    return NULL;
}

int
httpd_start(struct httpd **out, const struct httpd_options *opt, char **cause)
{
    struct httpd *h = xcalloc(1, sizeof(*h));
    struct sockaddr_in sa;
    socklen_t salen = sizeof(sa);
    int one = 1, pipefd[2];

    *out = NULL;
    h->lfd = -1;
    h->stop_r = h->stop_w = -1;
    h->max_conns = opt->max_conns > 0 ? opt->max_conns : HTTPD_MAX_CONNS;
    h->idle_ms = opt->idle_ms > 0 ? opt->idle_ms : HTTPD_IDLE_MS;
    h->handler = opt->handler;
    h->arg = opt->arg;
    atomic_init(&h->stopping, false);
    pthread_mutex_init(&h->lock, NULL);
    h->slots = xcalloc(h->max_conns, sizeof(*h->slots));
    for (unsigned i = 0; i < h->max_conns; i++) {
        h->slots[i].h = h;
        h->slots[i].fd = -1;
    }
    if (opt->port > 65535 || opt->handler == NULL) {
        *cause = xasprintf("httpd: bad port %u or no handler", opt->port);
        goto fail;
    }
    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        *cause = xasprintf("httpd: pipe: %s", strerror(errno));
        goto fail;
    }
    h->stop_r = pipefd[0];
    h->stop_w = pipefd[1];

    h->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (h->lfd < 0) {
        *cause = xasprintf("httpd: socket: %s", strerror(errno));
        goto fail;
    }
    setsockopt(h->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)opt->port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(h->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(h->lfd, 1024) != 0 ||
        getsockname(h->lfd, (struct sockaddr *)&sa, &salen) != 0) {
        *cause =
            xasprintf("httpd: 127.0.0.1:%u: %s", opt->port, strerror(errno));
        goto fail;
    }
    h->port = ntohs(sa.sin_port);
    if (pthread_create(&h->accept_tid, NULL, accept_main, h) != 0) {
        *cause = xasprintf("httpd: cannot start the accept thread");
        goto fail;
    }
    *out = h;
    return 0;

fail:
    if (h->lfd >= 0)
        close(h->lfd);
    if (h->stop_r >= 0) {
        close(h->stop_r);
        close(h->stop_w);
    }
    pthread_mutex_destroy(&h->lock);
    free(h->slots);
    free(h);
    return -1;
}

unsigned
httpd_port(const struct httpd *h)
{
    return h->port;
}

void
httpd_stop(struct httpd *h)
{
    if (h == NULL)
        return;
    atomic_store(&h->stopping, true);
    while (write(h->stop_w, "x", 1) < 0 && errno == EINTR)
        ;
    pthread_join(h->accept_tid, NULL);
    close(h->lfd);
    pthread_mutex_lock(&h->lock);
    for (unsigned i = 0; i < h->max_conns; i++)
        if (h->slots[i].fd >= 0)
            shutdown(h->slots[i].fd, SHUT_RDWR);
    pthread_mutex_unlock(&h->lock);
    reap(h, true);
    close(h->stop_r);
    close(h->stop_w);
    pthread_mutex_destroy(&h->lock);
    free(h->slots);
    free(h);
}
