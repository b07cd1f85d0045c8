/* SPDX-License-Identifier: MIT */
/*
 * ui_util.c - the dashboard's pure helpers: delay steps, text width and
 * middle-shortening, sparklines, number formats, layout, host sorting.
 * No curses and no engine calls, so tests/test_ui.c runs them directly.
 *
 * Thread: ui only (ui_text_cols uses the locale set by the ui).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui_int.h"
#include "util.h"

static const unsigned delay_steps[] = {0,    100,  250,  500,
                                       1000, 2000, 5000, 10000};
#define N_STEPS (sizeof(delay_steps) / sizeof(delay_steps[0]))

/* Next delay step above (dir > 0) or below cur; a value between steps goes
 * to the neighbouring step, and the ends stay where they are. */
unsigned
ui_delay_step(unsigned cur_ms, int dir)
{
    size_t i;

    if (dir > 0) {
        for (i = 0; i < N_STEPS; i++)
            if (delay_steps[i] > cur_ms)
                return delay_steps[i];
        return cur_ms;
    }
    for (i = N_STEPS; i-- > 0;)
        if (delay_steps[i] < cur_ms)
            return delay_steps[i];
    return cur_ms;
}

unsigned
ui_conc_step(unsigned cur, int key)
{
    unsigned long n = cur;

    switch (key) {
    case '+':
        n++;
        break;
    case '-':
        n = n > 1 ? n - 1 : 1;
        break;
    case '*':
        n *= 2;
        break;
    case '/':
        n /= 2;
        break;
    }
    if (n < 1)
        n = 1;
    if (n > ENGINE_MAX_THREADS)
        n = ENGINE_MAX_THREADS;
    return (unsigned)n;
}

unsigned
ui_knob_base(struct ui *ui, enum ui_knob k, const char *host, unsigned snap,
             int64_t now)
{
    struct ui_pending *p = &ui->pending[k];

    if (p->at == 0 || now - p->at >= UI_PENDING_MS)
        return snap;
    if (host != NULL && strcmp(host, p->host) != 0)
        return snap;
    return p->value;
}

void
ui_knob_set(struct ui *ui, enum ui_knob k, const char *host, unsigned value,
            int64_t now)
{
    struct ui_pending *p = &ui->pending[k];

    p->at = now != 0 ? now : 1;
    p->value = value;
    strlcopy(p->host, host != NULL ? host : "", sizeof(p->host));
}

/* One character at s (at most len bytes): its length in bytes and its
 * width in columns. Bytes that do not decode count as one column each. */
static size_t
char_at(const char *s, size_t len, int *cols)
{
    mbstate_t ps;
    wchar_t wc;
    size_t n;
    int w;

    memset(&ps, 0, sizeof(ps));
    n = mbrtowc(&wc, s, len, &ps);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *cols = 1;
        return 1;
    }
    w = wcwidth(wc);
    *cols = w < 0 ? 1 : w;
    return n;
}

int
ui_text_cols(const char *s, size_t len)
{
    size_t i = 0;
    int cols = 0, w;

    while (i < len && s[i] != '\0') {
        i += char_at(s + i, len - i, &w);
        cols += w;
    }
    return cols;
}

size_t
ui_fit(const char *s, int cols, int *used)
{
    size_t len = strlen(s), i = 0, n;
    int u = 0, w;

    while (i < len) {
        n = char_at(s + i, len - i, &w);
        if (u + w > cols)
            break;
        u += w;
        i += n;
    }
    if (used != NULL)
        *used = u;
    return i;
}

/* Byte offset of the shortest suffix of s taking at most cols columns,
 * starting on a character boundary; *used gets its columns. */
static size_t
fit_tail(const char *s, int cols, int *used)
{
    size_t len = strlen(s), i = 0, n;
    int total = ui_text_cols(s, len), w;

    /* drop characters from the front until the rest fits */
    while (i < len && total > cols) {
        n = char_at(s + i, len - i, &w);
        total -= w;
        i += n;
    }
    *used = total;
    return i;
}

int
ui_shorten_middle(const char *s, int cols, bool utf8, char *out, size_t outsz)
{
    const char *mark = utf8 ? "\xe2\x80\xa6" : "~"; /* U+2026 ... */
    size_t len = strlen(s), head, tail, mlen = strlen(mark);
    int total = ui_text_cols(s, len), hcols, tcols;

    if (outsz == 0)
        return 0;
    if (cols <= 0) {
        out[0] = '\0';
        return 0;
    }
    if (total <= cols || cols == 1) {
        head = ui_fit(s, cols, NULL);
        if (head >= outsz) { /* not with our buffers; still cut safely */
            head = outsz - 1;
            while (head > 0 && (s[head] & 0xc0) == 0x80)
                head--;
        }
        memcpy(out, s, head);
        out[head] = '\0';
        return ui_text_cols(out, head);
    }
    /* head gets the larger half: the scheme and host matter most */
    hcols = cols / 2;
    head = ui_fit(s, hcols, &hcols);
    tail = head + fit_tail(s + head, cols - 1 - hcols, &tcols);
    if (head + mlen + (len - tail) + 1 > outsz) {
        out[0] = '\0';
        return 0;
    }
    memcpy(out, s, head);
    memcpy(out + head, mark, mlen);
    memcpy(out + head + mlen, s + tail, len - tail);
    out[head + mlen + len - tail] = '\0';
    return hcols + 1 + tcols;
}

size_t
ui_clean(const char *s, bool utf8, char *out, size_t outsz)
{
    size_t n = sanitize_text(s, strlen(s), out, outsz), i, j;

    if (utf8)
        return n;
    /* one '?' per character: skip continuation bytes */
    for (i = j = 0; i < n; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c < 0x80)
            out[j++] = (char)c;
        else if ((c & 0xc0) != 0x80)
            out[j++] = '?';
    }
    out[j] = '\0';
    return j;
}

const char *
ui_host_label(const char *key)
{
    if (strncmp(key, "http://", 7) == 0)
        return key + 7;
    if (strncmp(key, "https://", 8) == 0)
        return key + 8;
    return key;
}

float
ui_sparkline(const float *v, unsigned n, int width, bool utf8, char *out,
             size_t outsz)
{
    static const char *const blocks[8] = {
        "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
        "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"};
    static const char ascii[] = "_.-:=+*#"; /* eight levels */
    unsigned first, i;
    size_t o = 0;
    float max = 0;

    if (outsz == 0)
        return 0;
    out[0] = '\0';
    if (width <= 0)
        return 0;
    first = n > (unsigned)width ? n - (unsigned)width : 0;
    for (i = first; i < n; i++)
        if (v[i] > max)
            max = v[i];
    for (i = first; i < n; i++) {
        const char *cell = " ";
        if (v[i] > 0 && max > 0) {
            /* 1..8; any activity shows at least the lowest block */
            int level = (int)(v[i] / max * 8.0f + 0.5f);
            if (level < 1)
                level = 1;
            if (level > 8)
                level = 8;
            if (utf8) {
                cell = blocks[level - 1];
            } else {
                static char one[2];
                one[0] = ascii[level - 1];
                cell = one;
            }
        }
        size_t clen = strlen(cell);
        if (o + clen + 1 > outsz)
            break;
        memcpy(out + o, cell, clen);
        o += clen;
    }
    out[o] = '\0';
    return max;
}

void
ui_fmt_count(uint64_t v, int width, char *out, size_t outsz)
{
    static const char suffix[] = "kMGTPE";
    double d = (double)v;
    int i, n;

    n = snprintf(out, outsz, "%llu", (unsigned long long)v);
    if (n <= width)
        return;
    for (i = 0; suffix[i] != '\0'; i++) {
        d /= 1000.0;
        if (d < 9.95) {
            n = snprintf(out, outsz, "%.1f%c", d, suffix[i]);
            if (n <= width)
                return;
        }
        if (d < 999.5) {
            n = snprintf(out, outsz, "%.0f%c", d, suffix[i]);
            if (n <= width)
                return;
        }
    }
    snprintf(out, outsz, "%s", width >= 1 ? "+" : "");
}

void
ui_fmt_bytes(double v, char *out, size_t outsz)
{
    static const char *const unit[] = {"B", "kB", "MB", "GB", "TB"};
    int i = 0;

    while (v >= 999.5 && i < 4) {
        v /= 1000.0;
        i++;
    }
    if (i == 0)
        snprintf(out, outsz, "%.0f B", v);
    else
        snprintf(out, outsz,
                 v < 9.95   ? "%.2f %s"
                 : v < 99.5 ? "%.1f %s"
                            : "%.0f %s",
                 v, unit[i]);
}

void
ui_fmt_delay(unsigned ms, char *out, size_t outsz)
{
    if (ms == 0)
        snprintf(out, outsz, "0");
    else if (ms % 1000 == 0)
        snprintf(out, outsz, "%us", ms / 1000);
    else if (ms % 100 == 0)
        snprintf(out, outsz, "%u.%us", ms / 1000, ms % 1000 / 100);
    else if (ms % 10 == 0)
        snprintf(out, outsz, "%u.%02us", ms / 1000, ms % 1000 / 10);
    else
        snprintf(out, outsz, "%u.%03us", ms / 1000, ms % 1000);
}

void
ui_fmt_ms(int64_t ms, char *out, size_t outsz)
{
    if (ms < 0)
        ms = 0;
    if (ms < 1000)
        snprintf(out, outsz, "%lldms", (long long)ms);
    else if (ms < 10000)
        snprintf(out, outsz, "%.1fs", (double)ms / 1000.0);
    else if (ms < 600000)
        snprintf(out, outsz, "%llds", (long long)(ms / 1000));
    else
        snprintf(out, outsz, "%lldm", (long long)(ms / 60000));
}

void
ui_fmt_elapsed(int64_t ms, char *out, size_t outsz)
{
    long long s = ms > 0 ? (long long)(ms / 1000) : 0;

    snprintf(out, outsz, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
}

void
ui_fmt_wait(int64_t ms, char *out, size_t outsz)
{
    long long s, tenths;

    if (ms <= 0) {
        snprintf(out, outsz, "%s", "");
        return;
    }
    tenths = (long long)((ms + 99) / 100);
    if (tenths < 100) {
        snprintf(out, outsz, "%lld.%llds", tenths / 10, tenths % 10);
        return;
    }
    s = (long long)((ms + 999) / 1000);
    if (s < 60)
        snprintf(out, outsz, "%llds", s);
    else if (s < 3600 && s / 60 < 10 && s % 60 != 0)
        snprintf(out, outsz, "%lldm%llds", s / 60, s % 60);
    else if (s < 3600)
        snprintf(out, outsz, "%lldm", s / 60);
    else if (s < 86400 && s / 3600 < 10 && s % 3600 / 60 != 0)
        snprintf(out, outsz, "%lldh%lldm", s / 3600, s % 3600 / 60);
    else if (s < 86400)
        snprintf(out, outsz, "%lldh", s / 3600);
    else
        snprintf(out, outsz, "%lldd", s / 86400);
}

bool
ui_host_held(const struct host_stats *h)
{
    return h->ready_in_ms > (int64_t)h->delay_ms * 3 / 2;
}

int
ui_header_lines(int rows, int cols)
{
    if (cols < UI_HEADER_WIDE_COLS && rows >= UI_HEADER_TALL_ROWS)
        return UI_HEADER_LINES + 1;
    return UI_HEADER_LINES;
}

int
ui_segs_fit(const int *cols, const int *prio, int n, int width, bool *show)
{
    int i, need, shown;

    for (i = 0; i < n; i++)
        show[i] = true;
    for (;;) {
        int lowest = -1;
        need = 0;
        shown = 0;
        for (i = 0; i < n; i++) {
            if (!show[i])
                continue;
            need += cols[i];
            shown++;
            if (lowest < 0 || prio[i] <= prio[lowest])
                lowest = i;
        }
        need += shown > 1 ? 2 * (shown - 1) : 0;
        if (need <= width || lowest < 0)
            return need;
        show[lowest] = false;
    }
}

/*
 * Top to bottom: header, thread table, domain table, log, status bar. The
 * two tables share what is left (each at least half when both overflow);
 * space neither table needs goes to the log when it is shown.
 */
void
ui_layout_compute(struct ui_layout *l, int rows, int cols, unsigned n_threads,
                  unsigned n_hosts, bool show_log)
{
    int avail, log_h = 0, body, t, h, half, head;
    unsigned need_t = n_threads > 0 ? n_threads : 1;
    unsigned need_h = n_hosts > 0 ? n_hosts : 1;

    memset(l, 0, sizeof(*l));
    if (rows < UI_MIN_ROWS || cols < UI_MIN_COLS) {
        l->too_small = true;
        return;
    }
    head = ui_header_lines(rows, cols);
    l->header = (struct ui_rect){0, 0, head, cols};
    l->status = (struct ui_rect){rows - 1, 0, 1, cols};
    avail = rows - head - 1;
    if (show_log && avail >= 10) {
        int lines = avail / 5; /* a taller header takes from the log */
        if (lines < 3)
            lines = 3;
        if (lines > 10)
            lines = 10;
        log_h = 1 + lines;
    }
    body = avail - log_h - 2; /* two title rows */
    if (need_t + need_h <= (unsigned)body) {
        t = (int)need_t;
        h = (int)need_h;
        if (log_h > 0) {
            int spare = body - t - h;
            int room = ENGINE_LOG_LINES + 1 - log_h;
            log_h += spare < room ? spare : room;
        }
        h = avail - log_h - 2 - t; /* the rest, if any, stays empty */
    } else {
        half = body / 2;
        t = body - (int)need_h;
        if (t < half)
            t = half;
        if (t > (int)need_t)
            t = (int)need_t;
        h = body - t;
    }
    l->threads = (struct ui_rect){head, 0, 1 + t, cols};
    l->hosts = (struct ui_rect){l->threads.y + l->threads.h, 0, 1 + h, cols};
    if (log_h > 0)
        l->log = (struct ui_rect){l->hosts.y + l->hosts.h, 0, log_h, cols};
}

unsigned
ui_table_shown(int avail, unsigned n)
{
    if (avail <= 0)
        return 0;
    if (n <= (unsigned)avail)
        return n;
    return (unsigned)avail - 1;
}

unsigned
ui_scroll(unsigned top, unsigned sel, unsigned shown, unsigned n)
{
    if (shown == 0 || n <= shown)
        return 0;
    if (sel < top)
        top = sel;
    else if (sel >= top + shown)
        top = sel - shown + 1;
    if (top > n - shown)
        top = n - shown;
    return top;
}

void
ui_columns(const struct ui_col *c, int ncol, int width, int *out)
{
    int i, need, spare, weights, given;

    for (i = 0; i < ncol; i++)
        out[i] = c[i].min;
    /* drop the lowest priority columns until the rest fit (a space
     * between columns) */
    for (;;) {
        int lowest = -1, shown = 0;
        need = 0;
        for (i = 0; i < ncol; i++) {
            if (out[i] == 0)
                continue;
            need += out[i];
            shown++;
            if (lowest < 0 || c[i].prio < c[lowest].prio)
                lowest = i;
        }
        need += shown > 0 ? shown - 1 : 0;
        if (need <= width || lowest < 0)
            break;
        if (shown == 1) {
            out[lowest] = width > 0 ? width : 0;
            return;
        }
        out[lowest] = 0;
    }
    /* share the spare width by weight, up to each max */
    spare = width - need;
    while (spare > 0) {
        weights = 0;
        for (i = 0; i < ncol; i++)
            if (out[i] > 0 && c[i].weight > 0 &&
                (c[i].max == 0 || out[i] < c[i].max))
                weights += c[i].weight;
        if (weights == 0)
            break;
        given = 0;
        for (i = 0; i < ncol && spare > 0; i++) {
            int add;
            if (out[i] == 0 || c[i].weight == 0 ||
                (c[i].max != 0 && out[i] >= c[i].max))
                continue;
            add = (int)((long)(spare - given) * c[i].weight / weights);
            if (add < 1)
                add = 1;
            if (c[i].max != 0 && out[i] + add > c[i].max)
                add = c[i].max - out[i];
            if (add > spare - given)
                add = spare - given;
            out[i] += add;
            given += add;
            weights -= c[i].weight;
        }
        if (given == 0)
            break;
        spare -= given;
    }
}

/*
 * Domain table, left to right: what the domain did, how fast it answers,
 * then its politeness (delay, time until its next request, robots.txt,
 * paused). Narrow, the status mix and the latency columns go first; DOMAIN,
 * FLY, DONE, QUEUE, ERR, DELAY, WAIT and ROBOTS stay down to 62 columns.
 */
const struct ui_col ui_host_cols[UI_HC_N] = {
    [UI_HC_NAME] = {"DOMAIN", 18, 40, 10, 20, false},
    [UI_HC_FLY] = {"FLY", 5, 7, 1, 17, true},
    [UI_HC_DONE] = {"DONE", 5, 7, 1, 18, true},
    [UI_HC_QUEUED] = {"QUEUE", 6, 7, 1, 19, true},
    [UI_HC_ERR] = {"ERR", 4, 6, 1, 16, true},
    [UI_HC_RTRY] = {"RTRY", 4, 6, 1, 10, true},
    [UI_HC_MIX] = {"2xx/3xx/4xx/5xx", 15, 23, 1, 4, true},
    [UI_HC_AVG] = {"AVG", 5, 6, 1, 9, true},
    [UI_HC_P95] = {"P95", 5, 6, 1, 6, true},
    [UI_HC_PPM] = {"PG/M", 5, 6, 1, 5, true},
    [UI_HC_DELAY] = {"DELAY", 5, 6, 1, 13, true},
    [UI_HC_WAIT] = {"WAIT", 5, 6, 1, 15, true},
    [UI_HC_ROBOTS] = {"ROBOTS", 6, 0, 0, 14, false},
    [UI_HC_PAUSED] = {"P", 1, 0, 0, 12, false},
};

const char *
ui_sort_name(enum ui_sort s)
{
    static const char *const names[UI_SORT_N] = {"queued", "done", "errors",
                                                 "latency", "name"};
    return (unsigned)s < UI_SORT_N ? names[s] : "?";
}

const char *
ui_worker_state_name(enum worker_state s)
{
    switch (s) {
    case WORKER_IDLE:
        return "idle";
    case WORKER_CONNECTING:
        return "connecting";
    case WORKER_TRANSFERRING:
        return "transferring";
    case WORKER_PARSING:
        return "parsing";
    case WORKER_PARKED:
        return "parked";
    case WORKER_STOPPED:
        return "stopped";
    }
    return "?";
}

static int
cmp_u64_desc(uint64_t a, uint64_t b)
{
    return a > b ? -1 : a < b ? 1 : 0;
}

#define SORT_CMP(name, expr)                                                   \
    static int name(const void *pa, const void *pb)                            \
    {                                                                          \
        const struct host_stats *a = *(const struct host_stats *const *)pa;    \
        const struct host_stats *b = *(const struct host_stats *const *)pb;    \
        int r = (expr);                                                        \
        return r != 0 ? r : strcmp(a->key, b->key);                            \
    }

SORT_CMP(cmp_queued, cmp_u64_desc(a->queued, b->queued))
SORT_CMP(cmp_done, cmp_u64_desc(a->done, b->done))
SORT_CMP(cmp_errors, cmp_u64_desc(a->errors, b->errors))
SORT_CMP(cmp_latency, a->p95_ms != b->p95_ms
                          ? cmp_u64_desc(a->p95_ms, b->p95_ms)
                          : cmp_u64_desc(a->avg_ms, b->avg_ms))
SORT_CMP(cmp_name, 0)

void
ui_sort_hosts(struct ui *ui, const struct engine_stats *st)
{
    static int (*const cmp[UI_SORT_N])(const void *, const void *) = {
        cmp_queued, cmp_done, cmp_errors, cmp_latency, cmp_name};
    unsigned i,
        n = st->n_hosts < ENGINE_MAX_HOSTS ? st->n_hosts : ENGINE_MAX_HOSTS;

    for (i = 0; i < n; i++)
        ui->order[i] = &st->hosts[i];
    ui->n_order = n;
    qsort(ui->order, n, sizeof(ui->order[0]), cmp[ui->sort % UI_SORT_N]);
    if (n == 0) {
        ui->sel = 0;
        return;
    }
    if (ui->sel_host[0] != '\0')
        for (i = 0; i < n; i++)
            if (strcmp(ui->order[i]->key, ui->sel_host) == 0) {
                ui->sel = i;
                return;
            }
    /* gone (or none yet): keep the row, take whatever host is there */
    if (ui->sel >= n)
        ui->sel = n - 1;
    strlcopy(ui->sel_host, ui->order[ui->sel]->key, sizeof(ui->sel_host));
}

const struct host_stats *
ui_selected(const struct ui *ui)
{
    return ui->n_order > 0 && ui->sel < ui->n_order ? ui->order[ui->sel] : NULL;
}
