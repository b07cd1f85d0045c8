/* SPDX-License-Identifier: MIT */
/*
 * ui_draw.c - the dashboard's panels: header, thread table, domain table,
 * event log, status bar and the help overlay, drawn into stdscr from the
 * ui's own copy of the stats.
 *
 * Thread: ui only. Every string from the snapshot goes through ui_clean()
 * before it reaches curses; lengths given to curses are in bytes, computed
 * from column widths so that no character is cut.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_int.h"
#include "util.h"

enum {
    PAIR_OK = 1,
    PAIR_WARN,
    PAIR_BAD,
    PAIR_TITLE,
    PAIR_DIM,
    PAIR_HEAD,
};

/* A table row is at most this many bytes of cleaned text per cell. */
#define CELL_LEN (ENGINE_URL_LEN * 2)

void
ui_colors_init(struct ui *ui)
{
    const char *no = getenv("NO_COLOR");

    ui->color = false;
    if ((no != NULL && no[0] != '\0') || !has_colors())
        return;
    if (start_color() == ERR)
        return;
    use_default_colors(); /* -1: the terminal's own colours */
    init_pair(PAIR_OK, COLOR_GREEN, -1);
    init_pair(PAIR_WARN, COLOR_YELLOW, -1);
    init_pair(PAIR_BAD, COLOR_RED, -1);
    init_pair(PAIR_TITLE, COLOR_CYAN, -1);
    init_pair(PAIR_DIM, COLOR_BLUE, -1);
    init_pair(PAIR_HEAD, COLOR_BLACK, COLOR_CYAN);
    ui->color = true;
}

static attr_t
pair(const struct ui *ui, int p)
{
    return ui->color ? (attr_t)COLOR_PAIR(p) : A_NORMAL;
}

/* Draw clean text s at y,x in at most maxcols columns; returns the columns
 * used. */
static int
put(WINDOW *w, int y, int x, int maxcols, const char *s, attr_t a)
{
    int used;
    size_t n;

    if (maxcols <= 0)
        return 0;
    n = ui_fit(s, maxcols, &used);
    wattrset(w, a);
    mvwaddnstr(w, y, x, s, (int)n);
    wattrset(w, A_NORMAL);
    return used;
}

/* A cell width columns wide, left- or right-aligned; s is clean. */
static void
cell(WINDOW *w, int y, int x, int width, const char *s, bool right, attr_t a)
{
    int cols;

    if (width <= 0)
        return;
    if (right) {
        cols = ui_text_cols(s, strlen(s));
        if (cols < width)
            x += width - cols;
    }
    put(w, y, x, width, s, a);
}

/* Network text into a cell, shortened in the middle when too long. */
static void
cell_text(const struct ui *ui, WINDOW *w, int y, int x, int width,
          const char *raw, attr_t a)
{
    char clean[CELL_LEN], shown[CELL_LEN];

    if (width <= 0)
        return;
    ui_clean(raw, ui->utf8, clean, sizeof(clean));
    ui_shorten_middle(clean, width, ui->utf8, shown, sizeof(shown));
    put(w, y, x, width, shown, a);
}

/* "label value" at *x on row y if it fits before maxx; false if not. */
static bool
seg(const struct ui *ui, WINDOW *w, int y, int *x, int maxx, const char *label,
    const char *value, attr_t va)
{
    int need = ui_text_cols(label, strlen(label)) +
               ui_text_cols(value, strlen(value)) + (label[0] ? 1 : 0);

    (void)ui;
    if (*x + need > maxx)
        return false;
    if (label[0] != '\0') {
        *x += put(w, y, *x, maxx - *x, label, A_NORMAL);
        *x += 1;
    }
    *x += put(w, y, *x, maxx - *x, value, va | A_BOLD);
    *x += 2;
    return true;
}

/* One "label value" of a header line; the lowest prio goes first when the
 * line is too narrow. */
struct hseg {
    const char *label;
    char value[48];
    attr_t attr;
    int prio;
};

#define HSEG_MAX 12

/* Add a segment to segs[*n]; value is printf-formatted. */
static void __attribute__((format(printf, 6, 7)))
hseg_add(struct hseg *segs, int *n, int prio, attr_t a, const char *label,
         const char *fmt, ...)
{
    struct hseg *g;
    va_list ap;

    if (*n >= HSEG_MAX)
        return;
    g = &segs[(*n)++];
    g->label = label;
    g->attr = a;
    g->prio = prio;
    va_start(ap, fmt);
    vsnprintf(g->value, sizeof(g->value), fmt, ap);
    va_end(ap);
}

/* Draw the segments that fit between x and maxx on row y, in order. */
static void
hseg_draw(const struct ui *ui, WINDOW *w, int y, int x, int maxx,
          const struct hseg *segs, int n)
{
    int cols[HSEG_MAX] = {0}, prio[HSEG_MAX] = {0}, i;
    bool show[HSEG_MAX];

    for (i = 0; i < n; i++) {
        cols[i] = ui_text_cols(segs[i].label, strlen(segs[i].label)) +
                  ui_text_cols(segs[i].value, strlen(segs[i].value)) +
                  (segs[i].label[0] ? 1 : 0);
        prio[i] = segs[i].prio;
    }
    ui_segs_fit(cols, prio, n, maxx - x, show);
    for (i = 0; i < n; i++)
        if (show[i])
            seg(ui, w, y, &x, maxx, segs[i].label, segs[i].value, segs[i].attr);
}

static const char *
phase_name(const struct ui *ui, const struct engine_stats *st, attr_t *a)
{
    enum engine_phase ph = st->phase;

    if (ui->stopping && ph < PHASE_STOPPING)
        ph = PHASE_STOPPING;
    switch (ph) {
    case PHASE_STARTING:
        *a = pair(ui, PAIR_TITLE);
        return "STARTING";
    case PHASE_RUNNING:
        *a = pair(ui, PAIR_OK);
        return "RUNNING";
    case PHASE_PAUSED:
        *a = pair(ui, PAIR_WARN);
        return "PAUSED";
    case PHASE_STOPPING:
        *a = pair(ui, PAIR_BAD);
        return "STOPPING";
    case PHASE_DONE:
        *a = pair(ui, PAIR_TITLE);
        return "DONE";
    }
    *a = A_NORMAL;
    return "?";
}

/*
 * Header: what is happening (line 0), rates (1), outcomes (2) and the
 * knobs; on a 4-line header the knobs get line 3 to themselves, else they
 * share line 2 and segments drop by priority when it is too narrow.
 */
static void
draw_header(struct ui *ui, WINDOW *w, const struct engine_stats *st,
            const struct ui_rect *r)
{
    static const char *const cls[] = {"2xx", "3xx", "4xx", "5xx"};
    static const int cls_pair[] = {PAIR_OK, PAIR_TITLE, PAIR_WARN, PAIR_BAD};
    static const int cls_prio[] = {9, 6, 8, 9};
    char v[64], spark[ENGINE_RATE_SAMPLES * 3 + 1], badge[16];
    char c[4][16];
    int x, maxx = r->x + r->w, right, n, i, y2;
    attr_t a;
    const char *ph = phase_name(ui, st, &a);
    struct hseg segs[HSEG_MAX];
    float peak;

    /* line 0: what is happening */
    x = r->x;
    x += put(w, r->y, x, r->w, "crawltop", A_BOLD | pair(ui, PAIR_TITLE));
    x += 1;
    snprintf(badge, sizeof(badge), " %s ", ph);
    x += put(w, r->y, x, maxx - x, badge, A_BOLD | A_REVERSE | a);
    x += 2;
    n = 0;
    ui_fmt_elapsed(st->elapsed_ms, v, sizeof(v));
    hseg_add(segs, &n, 9, A_NORMAL, "elapsed", "%s", v);
    ui_fmt_count(st->pages_done, 7, v, sizeof(v));
    hseg_add(segs, &n, 10, A_NORMAL, "done", "%s", v);
    ui_fmt_count(st->queued, 7, v, sizeof(v));
    hseg_add(segs, &n, 10, A_NORMAL, "queued", "%s", v);
    hseg_add(segs, &n, 8, A_NORMAL, "in flight", "%u", st->in_flight);
    ui_fmt_count(st->hosts_total, 6, v, sizeof(v));
    hseg_add(segs, &n, 5, A_NORMAL, "hosts", "%s", v);
    hseg_draw(ui, w, r->y, x, maxx, segs, n);

    /* line 1: rates, with the sparkline taking what is left */
    x = r->x;
    snprintf(v, sizeof(v), "%.1f", st->pages_per_s);
    seg(ui, w, r->y + 1, &x, maxx, "pages/s", v, pair(ui, PAIR_OK));
    ui_fmt_bytes(st->bytes_per_s, v, sizeof(v));
    strlcopy(v + strlen(v), "/s", sizeof(v) - strlen(v));
    right = maxx - (ui_text_cols(v, strlen(v)) + 12);
    peak = ui_sparkline(st->rate,
                        st->rate_n < ENGINE_RATE_SAMPLES ? st->rate_n
                                                         : ENGINE_RATE_SAMPLES,
                        right - x - 1, ui->utf8, spark, sizeof(spark));
    x += put(w, r->y + 1, x, right - x - 1, spark, pair(ui, PAIR_OK));
    x = x + 1 > right ? x + 1 : right;
    snprintf(badge, sizeof(badge), "%.0f", peak);
    seg(ui, w, r->y + 1, &x, maxx, "peak", badge, A_NORMAL);
    seg(ui, w, r->y + 1, &x, maxx, "", v, A_NORMAL);

    /* line 2: outcomes; then the knobs, here or on line 3 */
    n = 0;
    for (i = 0; i < 4; i++) {
        ui_fmt_count(st->status[i + 1], 6, c[i], sizeof(c[i]));
        hseg_add(segs, &n, cls_prio[i],
                 st->status[i + 1] ? pair(ui, cls_pair[i]) : A_NORMAL, cls[i],
                 "%s", c[i]);
    }
    ui_fmt_count(st->errors, 6, v, sizeof(v));
    hseg_add(segs, &n, 9, st->errors ? pair(ui, PAIR_BAD) : A_NORMAL, "err",
             "%s", v);
    ui_fmt_count(st->retries, 6, v, sizeof(v));
    ui_fmt_count(st->retry_pending, 6, c[0], sizeof(c[0]));
    hseg_add(segs, &n, 7, st->retry_pending ? pair(ui, PAIR_WARN) : A_NORMAL,
             "retries", "%s (%s pending)", v, c[0]);
    y2 = r->y + 2;
    if (r->h > 3) {
        hseg_draw(ui, w, y2, r->x, maxx, segs, n);
        n = 0;
        y2 = r->y + 3;
    }
    hseg_add(segs, &n, 10, A_NORMAL, "concurrency", "%u (%u active)",
             st->concurrency, st->active);
    ui_fmt_delay(st->delay_ms, v, sizeof(v));
    hseg_add(segs, &n, 10, A_NORMAL, "delay", "%s", v);
    hseg_add(segs, &n, 4, A_NORMAL, "per host", "%u", st->per_domain);
    ui_fmt_count(st->robots_skipped, 7, v, sizeof(v));
    hseg_add(segs, &n, 5, A_NORMAL, "robots-skipped", "%s", v);
    hseg_draw(ui, w, y2, r->x, maxx, segs, n);
}

/* The title bar of a table: a focus mark, then the column titles. */
static void
draw_titles(struct ui *ui, WINDOW *w, int y, int cols, bool focused,
            const struct ui_col *c, const int *width, int ncol, int sorted)
{
    attr_t a = A_REVERSE | (focused ? A_BOLD : A_NORMAL);
    int i, x = 1;
    char t[32];

    if (ui->color)
        a = focused ? (attr_t)(COLOR_PAIR(PAIR_HEAD) | A_BOLD) : A_REVERSE;
    wattrset(w, a);
    mvwhline(w, y, 0, ' ', cols);
    for (i = 0; i < ncol; i++) {
        if (width[i] == 0)
            continue;
        snprintf(t, sizeof(t), "%s%s", c[i].title, i == sorted ? "*" : "");
        cell(w, y, x, width[i], t, c[i].right, a);
        x += width[i] + 1;
    }
}

/* "+N more" under a table that does not show every row. */
static void
draw_more(struct ui *ui, WINDOW *w, int y, int cols, unsigned top,
          unsigned shown, unsigned n, const char *how)
{
    char t[128];

    snprintf(t, sizeof(t), " +%u more (rows %u-%u of %u; %s)", n - shown,
             top + 1, top + shown, n, how);
    put(w, y, 0, cols, t, pair(ui, PAIR_DIM) | A_BOLD);
}

enum { TC_ID, TC_STATE, TC_HOST, TC_URL, TC_TIME, TC_REQS, TC_N };

static const struct ui_col thread_cols[TC_N] = {
    [TC_ID] = {"ID", 3, 4, 0, 6, true},
    [TC_STATE] = {"STATE", 12, 0, 0, 5, false},
    [TC_HOST] = {"HOST", 10, 40, 1, 3, false},
    [TC_URL] = {"URL", 12, 0, 3, 4, false},
    [TC_TIME] = {"TIME", 6, 0, 0, 2, true},
    [TC_REQS] = {"REQS", 6, 0, 0, 1, true},
};

/* The part of a URL after scheme://authority (the host has a column of
 * its own); the whole string when it does not look like a URL. */
static const char *
url_path(const char *url)
{
    const char *p = strstr(url, "://");

    if (p == NULL || p - url > 10)
        return url;
    p = strchr(p + 3, '/');
    return p != NULL ? p : "/";
}

static attr_t
state_attr(const struct ui *ui, enum worker_state s)
{
    switch (s) {
    case WORKER_TRANSFERRING:
        return pair(ui, PAIR_OK);
    case WORKER_CONNECTING:
        return pair(ui, PAIR_WARN);
    case WORKER_PARSING:
        return pair(ui, PAIR_TITLE);
    case WORKER_PARKED:
    case WORKER_STOPPED:
        return pair(ui, PAIR_DIM);
    case WORKER_IDLE:
        break;
    }
    return A_NORMAL;
}

static void
draw_threads(struct ui *ui, WINDOW *w, const struct engine_stats *st,
             const struct ui_rect *r)
{
    int width[TC_N], x, k, y;
    unsigned n =
        st->n_threads < ENGINE_MAX_THREADS ? st->n_threads : ENGINE_MAX_THREADS;
    unsigned shown = ui_table_shown(r->h - 1, n), i;
    char v[32];

    ui_columns(thread_cols, TC_N, r->w - 1, width);
    draw_titles(ui, w, r->y, r->w, ui->focus == UI_FOCUS_THREADS, thread_cols,
                width, TC_N, -1);
    if (n > shown && ui->thread_top > n - shown)
        ui->thread_top = n - shown;
    if (n <= shown)
        ui->thread_top = 0;
    if (n == 0 && r->h > 1)
        put(w, r->y + 1, 1, r->w - 1, "(no fetchers yet)", pair(ui, PAIR_DIM));
    for (i = 0; i < shown; i++) {
        const struct worker_stats *t = &st->threads[ui->thread_top + i];
        y = r->y + 1 + (int)i;
        x = 1;
        for (k = 0; k < TC_N; k++) {
            if (width[k] == 0)
                continue;
            switch (k) {
            case TC_ID:
                snprintf(v, sizeof(v), "%u", ui->thread_top + i);
                cell(w, y, x, width[k], v, true, A_NORMAL);
                break;
            case TC_STATE:
                cell(w, y, x, width[k], ui_worker_state_name(t->state), false,
                     state_attr(ui, t->state));
                break;
            case TC_HOST:
                cell_text(ui, w, y, x, width[k], ui_host_label(t->host),
                          A_NORMAL);
                break;
            case TC_URL:
                cell_text(ui, w, y, x, width[k], url_path(t->url), A_NORMAL);
                break;
            case TC_TIME:
                v[0] = '\0';
                if (t->state != WORKER_IDLE && t->state != WORKER_PARKED &&
                    t->state != WORKER_STOPPED)
                    ui_fmt_ms(t->busy_ms, v, sizeof(v));
                cell(w, y, x, width[k], v, true,
                     t->busy_ms >= 5000 ? pair(ui, PAIR_WARN) : A_NORMAL);
                break;
            case TC_REQS:
                ui_fmt_count(t->requests, width[k], v, sizeof(v));
                cell(w, y, x, width[k], v, true, A_NORMAL);
                break;
            }
            x += width[k] + 1;
        }
    }
    if (shown < n)
        draw_more(ui, w, r->y + r->h - 1, r->w, ui->thread_top, shown, n,
                  "Tab, then Up/Down scrolls");
}

/* The column that shows the sort key; latency falls back to AVG when P95
 * is dropped. */
static int
sort_column(enum ui_sort s, const int *width)
{
    switch (s) {
    case UI_SORT_QUEUED:
        return UI_HC_QUEUED;
    case UI_SORT_DONE:
        return UI_HC_DONE;
    case UI_SORT_ERRORS:
        return UI_HC_ERR;
    case UI_SORT_LATENCY:
        return width[UI_HC_P95] > 0 ? UI_HC_P95 : UI_HC_AVG;
    case UI_SORT_NAME:
    case UI_SORT_N:
        break;
    }
    return UI_HC_NAME;
}

/* The robots.txt word of h, cleaned, and its colour: trouble (error) in
 * red, not known yet (wait, fetch) dimmed. */
static attr_t
robots_cell(const struct ui *ui, const struct host_stats *h, char *out,
            size_t outsz)
{
    char word[sizeof(h->robots) + 1];

    memcpy(word, h->robots, sizeof(h->robots));
    word[sizeof(h->robots)] = '\0'; /* the snapshot is not trusted */
    ui_clean(word, ui->utf8, out, outsz);
    if (strcmp(out, "error") == 0)
        return pair(ui, PAIR_BAD) | A_BOLD;
    if (strcmp(out, "wait") == 0 || strcmp(out, "fetch") == 0 ||
        strcmp(out, "off") == 0)
        return pair(ui, PAIR_DIM);
    return A_NORMAL;
}

/* 2xx/3xx/4xx/5xx counts, right-aligned into width columns. */
static void
draw_mix(const struct ui *ui, WINDOW *w, int y, int x, int width,
         const struct host_stats *h, attr_t base)
{
    static const int pairs[] = {PAIR_OK, PAIR_TITLE, PAIR_WARN, PAIR_BAD};
    int part = (width - 3) / 4, i;
    char v[32];

    x += width - (part * 4 + 3);
    for (i = 0; i < 4; i++) {
        ui_fmt_count(h->status[i + 1], part, v, sizeof(v));
        cell(w, y, x, part, v, true,
             base |
                 (h->status[i + 1] && i >= 2 ? pair(ui, pairs[i]) : A_NORMAL));
        x += part;
        if (i < 3)
            put(w, y, x++, 1, "/", base | pair(ui, PAIR_DIM));
    }
}

static void
draw_hosts(struct ui *ui, WINDOW *w, const struct engine_stats *st,
           const struct ui_rect *r)
{
    int width[UI_HC_N], x, k, y;
    unsigned n = ui->n_order, shown = ui_table_shown(r->h - 1, n), i;
    bool focused = ui->focus == UI_FOCUS_HOSTS;
    char v[32];
    attr_t a;

    (void)st;
    ui_columns(ui_host_cols, UI_HC_N, r->w - 1, width);
    draw_titles(ui, w, r->y, r->w, focused, ui_host_cols, width, UI_HC_N,
                sort_column(ui->sort, width));
    ui->host_top = ui_scroll(ui->host_top, ui->sel, shown, n);
    if (n == 0 && r->h > 1)
        put(w, r->y + 1, 1, r->w - 1, "(no domains yet)", pair(ui, PAIR_DIM));
    for (i = 0; i < shown; i++) {
        unsigned idx = ui->host_top + i;
        const struct host_stats *h = ui->order[idx];
        bool sel = idx == ui->sel;
        attr_t base = sel && focused ? A_REVERSE : A_NORMAL;

        y = r->y + 1 + (int)i;
        if (sel) {
            wattrset(w, base);
            mvwhline(w, y, 0, ' ', r->w);
            put(w, y, 0, 1, ">", base | A_BOLD);
        }
        x = 1;
        for (k = 0; k < UI_HC_N; k++) {
            if (width[k] == 0)
                continue;
            switch (k) {
            case UI_HC_NAME:
                cell_text(ui, w, y, x, width[k], ui_host_label(h->key),
                          base | (sel ? A_BOLD : A_NORMAL));
                break;
            case UI_HC_FLY:
                snprintf(v, sizeof(v), "%u/%u", h->in_flight, h->limit);
                cell(w, y, x, width[k], v, true, base);
                break;
            case UI_HC_DONE:
                ui_fmt_count(h->done, width[k], v, sizeof(v));
                cell(w, y, x, width[k], v, true, base);
                break;
            case UI_HC_QUEUED:
                ui_fmt_count(h->queued, width[k], v, sizeof(v));
                cell(w, y, x, width[k], v, true, base);
                break;
            case UI_HC_ERR:
                ui_fmt_count(h->errors, width[k], v, sizeof(v));
                cell(w, y, x, width[k], v, true,
                     base | (h->errors ? pair(ui, PAIR_BAD) : A_NORMAL));
                break;
            case UI_HC_RTRY:
                ui_fmt_count(h->retries, width[k], v, sizeof(v));
                cell(w, y, x, width[k], v, true,
                     base | (h->retries ? pair(ui, PAIR_WARN) : A_NORMAL));
                break;
            case UI_HC_MIX:
                draw_mix(ui, w, y, x, width[k], h, base);
                break;
            case UI_HC_AVG:
                ui_fmt_ms(h->avg_ms, v, sizeof(v));
                cell(w, y, x, width[k], v, true, base);
                break;
            case UI_HC_P95:
                ui_fmt_ms(h->p95_ms, v, sizeof(v));
                cell(w, y, x, width[k], v, true, base);
                break;
            case UI_HC_DELAY:
                /* an odd delay (autothrottle) may not fit: round it */
                ui_fmt_delay(h->delay_ms, v, sizeof(v));
                if ((int)strlen(v) > width[k])
                    ui_fmt_wait(h->delay_ms, v, sizeof(v));
                cell(w, y, x, width[k], v, true, base);
                break;
            case UI_HC_WAIT:
                ui_fmt_wait(h->ready_in_ms, v, sizeof(v));
                cell(w, y, x, width[k], v, true,
                     base | (ui_host_held(h) ? pair(ui, PAIR_WARN) | A_BOLD
                                             : A_NORMAL));
                break;
            case UI_HC_ROBOTS:
                a = robots_cell(ui, h, v, sizeof(v));
                cell(w, y, x, width[k], v, false, base | a);
                break;
            case UI_HC_PPM:
                ui_fmt_count((uint64_t)(h->pages_per_min + 0.5), width[k], v,
                             sizeof(v));
                cell(w, y, x, width[k], v, true, base);
                break;
            case UI_HC_PAUSED:
                cell(w, y, x, width[k], h->paused ? "P" : "", false,
                     base | A_BOLD | pair(ui, PAIR_WARN));
                break;
            }
            x += width[k] + 1;
        }
    }
    if (shown < n)
        draw_more(ui, w, r->y + r->h - 1, r->w, ui->host_top, shown, n,
                  "Up/Down scrolls");
}

static void
draw_log(struct ui *ui, WINDOW *w, const struct engine_stats *st,
         const struct ui_rect *r)
{
    unsigned n = st->log_n < ENGINE_LOG_LINES ? st->log_n : ENGINE_LOG_LINES;
    unsigned lines = (unsigned)(r->h - 1), first, i;
    char clean[ENGINE_LOG_LEN + 1], t[64];

    snprintf(t, sizeof(t), " log: %llu events ",
             (unsigned long long)st->log_seq);
    wattrset(w, pair(ui, PAIR_DIM));
    mvwhline(w, r->y, 0, ui->utf8 ? ACS_HLINE : '-', r->w);
    put(w, r->y, 2, r->w - 2, t, A_BOLD);
    first = n > lines ? n - lines : 0;
    for (i = first; i < n; i++) {
        char line[ENGINE_LOG_LEN + 1];
        memcpy(line, st->log[i], ENGINE_LOG_LEN);
        line[ENGINE_LOG_LEN] = '\0'; /* the snapshot is not trusted */
        ui_clean(line, ui->utf8, clean, sizeof(clean));
        put(w, r->y + 1 + (int)(i - first), 1, r->w - 1, clean, A_NORMAL);
    }
}

static void
draw_status(struct ui *ui, WINDOW *w, const struct ui_rect *r, int64_t now)
{
    static const char *const hint[][2] = {
        {"q", "Quit"},    {"Spc", "Pause"}, {"+-", "Conc"}, {"[]", "Delay"},
        {"<>", "HDelay"}, {"p", "HPause"},  {"s", "Sort"},  {"Tab", "Focus"},
        {"l", "Log"},     {"?", "Help"},
    };
    attr_t lab = ui->color ? (attr_t)COLOR_PAIR(PAIR_HEAD) : A_REVERSE;
    int x = r->x, maxx = r->x + r->w;
    size_t i;

    if (ui->msg[0] != '\0' && now - ui->msg_at < UI_MSG_MS) {
        x += put(w, r->y, x, maxx - x, ui->msg, A_BOLD | pair(ui, PAIR_WARN));
        x += 2;
    }
    for (i = 0; i < sizeof(hint) / sizeof(hint[0]); i++) {
        int need = (int)(strlen(hint[i][0]) + strlen(hint[i][1]));
        if (x + need > maxx)
            break;
        x += put(w, r->y, x, maxx - x, hint[i][0], A_BOLD);
        x += put(w, r->y, x, maxx - x, hint[i][1], lab);
        if (x < maxx)
            x += put(w, r->y, x, 1, " ", A_NORMAL);
    }
}

static void
draw_help(struct ui *ui, WINDOW *w, int rows, int cols)
{
    int n = 0, i, bw, bh, y0, x0, kw = 0;

    for (i = 0; ui_help_lines[i].keys != NULL; i++, n++)
        if ((int)strlen(ui_help_lines[i].keys) > kw)
            kw = (int)strlen(ui_help_lines[i].keys);
    bw = cols - 4 < 76 ? cols - 4 : 76;
    bh = n + 4 < rows ? n + 4 : rows;
    y0 = (rows - bh) / 2;
    x0 = (cols - bw) / 2;
    wattrset(w, A_NORMAL);
    for (i = 0; i < bh; i++)
        mvwhline(w, y0 + i, x0, ' ', bw);
    wattrset(w, pair(ui, PAIR_TITLE));
    mvwhline(w, y0, x0, ACS_HLINE, bw);
    mvwhline(w, y0 + bh - 1, x0, ACS_HLINE, bw);
    mvwvline(w, y0, x0, ACS_VLINE, bh);
    mvwvline(w, y0, x0 + bw - 1, ACS_VLINE, bh);
    mvwaddch(w, y0, x0, ACS_ULCORNER);
    mvwaddch(w, y0, x0 + bw - 1, ACS_URCORNER);
    mvwaddch(w, y0 + bh - 1, x0, ACS_LLCORNER);
    mvwaddch(w, y0 + bh - 1, x0 + bw - 1, ACS_LRCORNER);
    put(w, y0, x0 + 2, bw - 4, " crawltop keys and columns (any key closes) ",
        A_BOLD | pair(ui, PAIR_TITLE));
    for (i = 0; i < n && 2 + i < bh - 1; i++) {
        put(w, y0 + 2 + i, x0 + 2, kw, ui_help_lines[i].keys, A_BOLD);
        put(w, y0 + 2 + i, x0 + 3 + kw, bw - kw - 5, ui_help_lines[i].what,
            A_NORMAL);
    }
}

void
ui_draw(struct ui *ui, const struct engine_stats *st, int64_t now)
{
    WINDOW *w = stdscr;
    int rows, cols;
    struct ui_layout *l = &ui->layout;

    getmaxyx(w, rows, cols);
    werase(w);
    ui_layout_compute(l, rows, cols, st->n_threads, ui->n_order, ui->show_log);
    if (l->too_small) {
        char t[64];
        snprintf(t, sizeof(t), "terminal too small (need %dx%d)", UI_MIN_COLS,
                 UI_MIN_ROWS);
        put(w, 0, 0, cols, t, A_BOLD);
    } else {
        draw_header(ui, w, st, &l->header);
        draw_threads(ui, w, st, &l->threads);
        draw_hosts(ui, w, st, &l->hosts);
        if (l->log.h > 0)
            draw_log(ui, w, st, &l->log);
        draw_status(ui, w, &l->status, now);
        if (ui->show_help)
            draw_help(ui, w, rows, cols);
    }
    wnoutrefresh(w);
    doupdate();
}
