/* SPDX-License-Identifier: MIT */
/*
 * test_site.c - the synthetic site (pure parts through site_get and
 * site_expected) and the httpd it runs on, spoken to with plain sockets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "httpd.h"
#include "site.h"
#include "util.h"

#define PORT 8080

static struct site *
new_site(uint64_t pages, double error_rate, double broken_rate, unsigned port)
{
    struct site_host hosts[2] = {
        {.name = "a.test",
         .pages = pages,
         .error_rate = error_rate,
         .broken_rate = broken_rate},
        {.name = "b.test",
         .pages = pages,
         .error_rate = error_rate,
         .broken_rate = broken_rate},
    };
    char *cause = NULL;
    struct site *s = site_new(hosts, 2, port, &cause);

    assert_non_null(s);
    return s;
}

static char *
get(struct site *s, const char *url, int *status, size_t *len)
{
    char *body = site_get(s, url, status, len);

    assert_non_null(body);
    return body;
}

static void
site_page_is_deterministic(void **state)
{
    struct site *s1 = new_site(1000, 0, 0, PORT);
    struct site *s2 = new_site(1000, 0, 0, PORT);
    int st1, st2;
    size_t n1, n2;
    char *b1 = get(s1, "http://a.test:8080/p/12.html", &st1, &n1);
    char *b2 = get(s2, "http://a.test:8080/p/12.html#x", &st2, &n2);

    (void)state;
    assert_int_equal(st1, 200);
    assert_int_equal(st2, 200);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    assert_non_null(strstr(b1, "<title>Page 12 \xe2\x80\x94 a.test</title>"));
    assert_true(n1 >= 5000 && n1 <= 16000);
    free(b2);
    /* Another host's page 12 differs. */
    b2 = get(s1, "http://b.test:8080/p/12.html", &st2, &n2);
    assert_non_null(strstr(b2, "b.test"));
    assert_false(n1 == n2 && memcmp(b1, b2, n1) == 0);
    free(b1);
    free(b2);
    site_free(s1);
    site_free(s2);
}

static void
site_huge_site_serves_any_page(void **state)
{
    struct site_host h = {.name = "huge.test", .pages = 10000000};
    char *cause = NULL;
    struct site *s = site_new(&h, 1, PORT, &cause);
    int st;
    size_t n;
    char *b;

    (void)state;
    assert_non_null(s);
    b = get(s, "http://huge.test:8080/p/9999999.html", &st, &n);
    assert_int_equal(st, 200);
    assert_non_null(strstr(b, "Page 9999999 "));
    free(b);
    b = get(s, "http://huge.test:8080/p/10000000.html", &st, &n);
    assert_int_equal(st, 404);
    free(b);
    b = get(s, "http://huge.test:8080/p/007.html", &st, &n);
    assert_int_equal(st, 404);
    free(b);
    site_free(s);
}

static void
site_error_rate_is_deterministic(void **state)
{
    struct site *s1 = new_site(2000, 0.3, 0, PORT);
    struct site *s2 = new_site(2000, 0.3, 0, PORT);
    unsigned errors = 0;
    char url[128];
    int st1, st2;
    size_t n;

    (void)state;
    for (int i = 1; i < 2000; i++) {
        snprintf(url, sizeof(url), "http://a.test:8080/p/%d.html", i);
        free(get(s1, url, &st1, &n));
        free(get(s2, url, &st2, &n));
        assert_int_equal(st1, st2);
        assert_true(st1 == 200 || st1 == 500 || st1 == 503);
        errors += st1 != 200;
        /* The query does not change the outcome. */
        snprintf(url, sizeof(url), "http://a.test:8080/p/%d.html?q=2", i);
        free(get(s1, url, &st2, &n));
        assert_int_equal(st1, st2);
    }
    assert_true(errors > 450 && errors < 750);
    free(get(s1, "http://a.test:8080/", &st1, &n));
    assert_int_equal(st1, 200);
    site_free(s1);
    site_free(s2);
}

static bool
has_url(const struct site_url *v, size_t n, const char *url, int status)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].url, url) == 0)
            return v[i].status == status;
    return false;
}

static void
site_expected_covers_small_site(void **state)
{
    struct site *s = new_site(21, 0, 0.5, PORT);
    const char *seeds[] = {"http://a.test:8080/"};
    const char *only_a[] = {"a.test"};
    struct site_url *v;
    size_t n, pages = 0, gone = 0;
    char url[64];

    (void)state;
    assert_int_equal(site_expected(s, seeds, 1, only_a, 1, 0, &v, &n), 0);
    for (int i = 1; i < 21; i++) {
        snprintf(url, sizeof(url), "http://a.test:8080/p/%d.html", i);
        assert_true(has_url(v, n, url, 200));
    }
    assert_true(has_url(v, n, "http://a.test:8080/", 200));
    assert_true(has_url(v, n, "http://a.test:8080/static/app.css", 200));
    assert_true(has_url(v, n, "http://a.test:8080/static/logo.png", 200));
    for (size_t i = 0; i < n; i++) {
        int st;
        size_t len;
        if (i > 0)
            assert_true(strcmp(v[i - 1].url, v[i].url) < 0);
        assert_null(strchr(v[i].url, '#'));
        assert_null(strstr(v[i].url, "b.test"));
        pages += strncmp(v[i].url, "http://a.test:8080/p/", 21) == 0;
        gone += strstr(v[i].url, "/gone/") != NULL;
        /* The expected status is what the server answers. */
        free(get(s, v[i].url, &st, &len));
        assert_int_equal(st, v[i].status);
    }
    assert_true(pages > 20); /* query variants too */
    assert_true(gone > 3);
    site_urls_free(v, n);

    /* Both hosts: b.test is linked from a.test's home page. */
    assert_int_equal(site_expected(s, seeds, 1, NULL, 0, 0, &v, &n), 0);
    assert_true(has_url(v, n, "http://b.test:8080/p/20.html", 200));
    site_urls_free(v, n);
    site_free(s);
}

static void
site_expected_applies_robots_on_request(void **state)
{
    struct site *s = new_site(2000, 0, 0, PORT);
    const char *seeds[] = {"http://a.test:8080/"};
    struct site_url *v;
    size_t n, priv = 0;

    (void)state;
    assert_int_equal(site_expected(s, seeds, 1, NULL, 0, 0, &v, &n), 0);
    for (size_t i = 0; i < n; i++)
        priv += strstr(v[i].url, "/private/") != NULL;
    assert_true(priv > 0);
    site_urls_free(v, n);
    assert_int_equal(
        site_expected(s, seeds, 1, NULL, 0, SITE_EXPECT_ROBOTS, &v, &n), 0);
    for (size_t i = 0; i < n; i++)
        assert_null(strstr(v[i].url, "/private/"));
    site_urls_free(v, n);
    site_free(s);
}

static void
site_expected_rejects_foreign_seed(void **state)
{
    struct site *s = new_site(10, 0, 0, PORT);
    const char *bad[] = {"http://c.test:8080/", "http://a.test:9999/",
                         "https://a.test:8080/"};
    struct site_url *v;
    size_t n;

    (void)state;
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(site_expected(s, &bad[i], 1, NULL, 0, 0, &v, &n), -1);
    site_free(s);
}

static void
site_links_use_every_form(void **state)
{
    struct site *s = new_site(100, 0, 0, PORT);
    bool rel = false, parent = false, root = false, abs = false, upper = false,
         frag = false, query = false, cross = false, up_root = false;
    char url[64];

    (void)state;
    for (int i = 1; i < 100; i++) {
        int st;
        size_t n;
        snprintf(url, sizeof(url), "http://a.test:8080/p/%d.html", i);
        char *b = get(s, url, &st, &n);
        for (char *p = strstr(b, "href=\""); p != NULL;
             p = strstr(p + 1, "href=\"")) {
            const char *h = p + 6;
            rel |= h[0] >= '1' && h[0] <= '9';
            parent |= strncmp(h, "../p/", 5) == 0;
            up_root |= strncmp(h, "../../\"", 7) == 0;
            root |= strncmp(h, "/p/", 3) == 0;
            abs |= strncmp(h, "http://a.test:8080/", 19) == 0;
            upper |= strncmp(h, "http://A.TEST:8080/", 19) == 0;
            cross |= strncmp(h, "http://b.test:8080/", 19) == 0;
            frag |= h[strcspn(h, "#\"")] == '#' && h[0] != '#';
            query |= h[strcspn(h, "?\"")] == '?';
        }
        free(b);
    }
    assert_true(rel && parent && root && abs && upper && frag && query &&
                cross && up_root);
    site_free(s);
}

static void
site_test_endpoints_answer(void **state)
{
    struct site *s = new_site(10, 0, 0, PORT);
    int st;
    size_t n;
    char *b;

    (void)state;
    b = get(s, "http://a.test:8080/t/big/123456", &st, &n);
    assert_int_equal(st, 200);
    assert_int_equal(n, 123456);
    assert_memory_equal(b + n - 15, "</body></html>\n", 15);
    free(b);
    b = get(s, "http://a.test:8080/t/gzip-bomb", &st, &n);
    assert_true(n > 1000 && n < 1000000);
    assert_memory_equal(b, "\x1f\x8b\x08", 3);
    /* ISIZE, the inflated length, ends the stream: 50 MiB. */
    assert_int_equal((unsigned char)b[n - 1], 0x03);
    assert_int_equal((unsigned char)b[n - 2], 0x20);
    free(b);
    b = get(s, "http://a.test:8080/t/status/418", &st, &n);
    assert_int_equal(st, 418);
    free(b);
    b = get(s, "http://a.test:8080/t/escape", &st, &n);
    assert_non_null(memchr(b, '\x1b', n));
    assert_non_null(memchr(b, '\0', n));
    free(b);
    b = get(s, "http://a.test:8080/t/links/1000", &st, &n);
    assert_non_null(strstr(b, "?link=999\""));
    free(b);
    b = get(s, "http://a.test:8080/robots.txt", &st, &n);
    assert_non_null(strstr(b, "Disallow: /private/"));
    free(b);
    site_free(s);
}

/* ---- over sockets ------------------------------------------------------- */

struct client {
    int fd;
    char buf[65536];
    size_t len;
};

static void
client_open(struct client *c, unsigned port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port)};

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c->len = 0;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(c->fd >= 0);
    assert_int_equal(connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
}

static void client_send(struct client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
client_send(struct client *c, const char *fmt, ...)
{
    char *req;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&req, fmt, ap);
    va_end(ap);
    assert_true(n > 0);
    assert_int_equal(send(c->fd, req, (size_t)n, MSG_NOSIGNAL), n);
    free(req);
}

/* Read more into c->buf; false on EOF, error or 5 s of silence. */
static bool
client_fill(struct client *c)
{
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    ssize_t n;

    if (c->len == sizeof(c->buf) || poll(&p, 1, 5000) != 1)
        return false;
    n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
    if (n <= 0)
        return false;
    c->len += (size_t)n;
    return true;
}

/* One response: its status, head (copied to head) and body length. */
static int
client_read(struct client *c, bool head_req, char *head, size_t headsz,
            size_t *body_len)
{
    char *end;
    size_t hlen, blen = 0;
    const char *cl;
    int status;

    while ((end = memmem(c->buf, c->len, "\r\n\r\n", 4)) == NULL)
        if (!client_fill(c))
            return -1;
    hlen = (size_t)(end - c->buf) + 4;
    snprintf(head, headsz, "%.*s", (int)hlen, c->buf);
    if (sscanf(head, "HTTP/1.1 %d", &status) != 1)
        return -1;
    cl = strcasestr(head, "\r\nContent-Length: ");
    if (cl != NULL && !head_req)
        blen = strtoul(cl + 18, NULL, 10);
    while (c->len < hlen + blen)
        if (!client_fill(c))
            return -1;
    memmove(c->buf, c->buf + hlen + blen, c->len - hlen - blen);
    c->len -= hlen + blen;
    *body_len = blen;
    return status;
}

static bool
client_closed(struct client *c)
{
    return c->len == 0 && !client_fill(c);
}

struct server {
    struct site *site;
    struct httpd *httpd;
    unsigned port;
};

static int
server_setup(void **state)
{
    struct server *sv = xcalloc(1, sizeof(*sv));
    char *cause = NULL;

    sv->site = new_site(50, 0, 0, 0);
    struct httpd_options opt = {.handler = site_handle, .arg = sv->site};
    if (httpd_start(&sv->httpd, &opt, &cause) != 0) {
        fprintf(stderr, "%s\n", cause);
        free(cause);
        return -1;
    }
    sv->port = httpd_port(sv->httpd);
    site_set_port(sv->site, sv->port);
    *state = sv;
    return 0;
}

static int
server_teardown(void **state)
{
    struct server *sv = *state;

    httpd_stop(sv->httpd);
    site_free(sv->site);
    free(sv);
    return 0;
}

static void
httpd_keeps_alive_and_routes_hosts(void **state)
{
    struct server *sv = *state;
    struct client c;
    char head[4096], url[128];
    size_t blen;

    client_open(&c, sv->port);
    /* Two requests, pipelined, one connection. */
    client_send(&c,
                "GET / HTTP/1.1\r\nHost: a.test:%u\r\n\r\n"
                "GET /p/1.html HTTP/1.1\r\nHost: A.TEST\r\n\r\n",
                sv->port);
    assert_int_equal(client_read(&c, false, head, sizeof(head), &blen), 200);
    assert_true(blen > 4000);
    assert_int_equal(client_read(&c, false, head, sizeof(head), &blen), 200);
    assert_non_null(strstr(head, "text/html"));
    /* HEAD: a length but no body, and the connection still works. */
    client_send(&c, "HEAD /p/2.html HTTP/1.1\r\nHost: a.test\r\n\r\n");
    assert_int_equal(client_read(&c, true, head, sizeof(head), &blen), 200);
    assert_non_null(strstr(head, "Content-Length: "));
    client_send(&c, "GET /nope HTTP/1.1\r\nHost: a.test\r\n\r\n");
    assert_int_equal(client_read(&c, false, head, sizeof(head), &blen), 404);
    /* Host routing: b.test's page names b.test; unknown hosts get 404. */
    client_send(&c, "GET /p/3.html HTTP/1.1\r\nHost: b.test:1\r\n\r\n");
    assert_int_equal(client_read(&c, false, head, sizeof(head), &blen), 200);
    client_send(&c, "GET /p/3.html HTTP/1.1\r\nHost: zz.test\r\n\r\n");
    assert_int_equal(client_read(&c, false, head, sizeof(head), &blen), 404);
    /* "Connection: close" is honoured. */
    client_send(&c, "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close"
                    "\r\n\r\n");
    assert_int_equal(client_read(&c, false, head, sizeof(head), &blen), 200);
    assert_true(client_closed(&c));
    close(c.fd);

    snprintf(url, sizeof(url), "http://a.test:%u/", sv->port);
    assert_int_equal(site_request_count(sv->site, url), 2);
    snprintf(url, sizeof(url), "http://b.test:%u/p/3.html#x", sv->port);
    assert_int_equal(site_request_count(sv->site, url), 1);
}

static void
httpd_body_of_b_names_b(void **state)
{
    struct server *sv = *state;
    struct client c;
    char head[4096];
    size_t blen;

    client_open(&c, sv->port);
    client_send(&c, "GET /p/3.html HTTP/1.0\r\nHost: b.test\r\n\r\n");
    assert_int_equal(client_read(&c, false, head, sizeof(head), &blen), 200);
    assert_non_null(strstr(head, "Connection: close"));
    /* client_read left nothing: the body was consumed; re-read it. */
    close(c.fd);
    client_open(&c, sv->port);
    client_send(&c, "GET /p/3.html HTTP/1.0\r\nHost: b.test\r\n\r\n");
    while (client_fill(&c))
        ;
    assert_non_null(memmem(c.buf, c.len, "Page 3 \xe2\x80\x94 b.test", 14));
    close(c.fd);
}

static void
httpd_limits_heads(void **state)
{
    struct server *sv = *state;
    struct client c;
    char head[4096];
    size_t blen;
    char *big = xmalloc(40000);

    /* A 9 KiB target is fine (404 from the site, not 414). */
    memset(big, 'x', 9000);
    big[9000] = '\0';
    client_open(&c, sv->port);
    client_send(&c, "GET /%s HTTP/1.1\r\nHost: a.test\r\n\r\n", big);
    assert_int_equal(client_read(&c, false, head, sizeof(head), &blen), 404);
    close(c.fd);
    /* 20 KiB: 414. */
    memset(big, 'x', 20000);
    big[20000] = '\0';
    client_open(&c, sv->port);
    client_send(&c, "GET /%s HTTP/1.1\r\nHost: a.test\r\n\r\n", big);
    assert_int_equal(client_read(&c, false, head, sizeof(head), &blen), 414);
    close(c.fd);
    /* 35 KiB of headers: 431, then close. */
    memset(big, 'y', 35000);
    big[35000] = '\0';
    client_open(&c, sv->port);
    client_send(&c, "GET / HTTP/1.1\r\nHost: a.test\r\nX-Big: %s\r\n\r\n", big);
    assert_int_equal(client_read(&c, false, head, sizeof(head), &blen), 431);
    assert_true(client_closed(&c));
    close(c.fd);
    /* Garbage and other methods. */
    client_open(&c, sv->port);
    client_send(&c, "BREW /pot HTTP/1.1\r\nHost: a.test\r\n\r\n");
    assert_int_equal(client_read(&c, false, head, sizeof(head), &blen), 501);
    close(c.fd);
    client_open(&c, sv->port);
    client_send(&c, "GET / HTTP/1.1\r\n\r\n"); /* no Host */
    assert_int_equal(client_read(&c, false, head, sizeof(head), &blen), 400);
    close(c.fd);
    free(big);
}

static void
httpd_stops_with_busy_connections(void **state)
{
    void *st = NULL;
    struct server *sv;
    struct client c[3];
    char head[4096];
    size_t blen;
    int64_t t0;

    (void)state;
    assert_int_equal(server_setup(&st), 0);
    sv = st;
    client_open(&c[0], sv->port);
    client_send(&c[0], "GET /t/hang HTTP/1.1\r\nHost: a.test\r\n\r\n");
    client_open(&c[1], sv->port);
    client_send(&c[1], "GET /t/sleep/60000 HTTP/1.1\r\nHost: a.test\r\n\r\n");
    client_open(&c[2], sv->port);
    client_send(&c[2], "GET /t/endless HTTP/1.1\r\nHost: a.test\r\n\r\n");
    assert_int_equal(client_read(&c[2], false, head, sizeof(head), &blen), 200);
    assert_non_null(strstr(head, "chunked"));
    usleep(100 * 1000); /* let the endless body fill the socket buffers */
    t0 = now_ms();
    server_teardown(&st);
    assert_true(now_ms() - t0 < 2000);
    for (int i = 0; i < 3; i++)
        close(c[i].fd);
}

int
main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(site_page_is_deterministic),
        cmocka_unit_test(site_huge_site_serves_any_page),
        cmocka_unit_test(site_error_rate_is_deterministic),
        cmocka_unit_test(site_expected_covers_small_site),
        cmocka_unit_test(site_expected_applies_robots_on_request),
        cmocka_unit_test(site_expected_rejects_foreign_seed),
        cmocka_unit_test(site_links_use_every_form),
        cmocka_unit_test(site_test_endpoints_answer),
    };
    const struct CMUnitTest net[] = {
        cmocka_unit_test(httpd_keeps_alive_and_routes_hosts),
        cmocka_unit_test(httpd_body_of_b_names_b),
        cmocka_unit_test(httpd_limits_heads),
    };
    const struct CMUnitTest stop[] = {
        cmocka_unit_test(httpd_stops_with_busy_connections),
    };
    int rc = cmocka_run_group_tests_name("site", pure, NULL, NULL);

    rc += cmocka_run_group_tests_name("httpd", net, server_setup,
                                      server_teardown);
    rc += cmocka_run_group_tests_name("httpd_stop", stop, NULL, NULL);
    return rc;
}
