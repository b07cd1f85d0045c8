/* SPDX-License-Identifier: MIT */
/*
 * ui_int.h - what ui.c, ui_draw.c, ui_keys.c and ui_util.c share: the
 * dashboard state, the engine hooks it calls through, layout and the pure
 * text helpers (tested in tests/test_ui.c without a terminal or an engine).
 *
 * Thread: ui only. Only ui*.c include this header.
 */
#ifndef CRAWLTOP_UI_INT_H
#define CRAWLTOP_UI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* What a key action asks the loop to do. */
#define UI_REDRAW 0x1
#define UI_QUIT 0x2

#define UI_HEADER_LINES 3       /* the header's height, or one more */
#define UI_HEADER_WIDE_COLS 140 /* when narrower than this */
#define UI_HEADER_TALL_ROWS 20  /* and at least this tall */
#define UI_MIN_ROWS 8
#define UI_MIN_COLS 40
#define UI_MSG_MS 3000     /* how long a key's message stays in view */
#define UI_PENDING_MS 1000 /* trust our own last setting this long */
#define UI_STOP_GRACE_MS 3000
#define UI_MAX_HOST_LIMIT 1024

/* The engine calls the keys make. ui.c fills these with engine_set_*();
 * tests fill them with recorders. ctx is the engine. */
struct ui_ops {
    void *ctx;
    void (*set_concurrency)(void *ctx, unsigned n);
    void (*set_delay)(void *ctx, unsigned delay_ms);
    void (*set_host_delay)(void *ctx, const char *host, unsigned delay_ms);
    void (*set_host_limit)(void *ctx, const char *host, unsigned n);
    void (*pause_host)(void *ctx, const char *host, bool paused);
    void (*pause)(void *ctx, bool paused);
    void (*stop)(void *ctx, int64_t grace_ms);
    void (*log)(void *ctx, const char *msg); /* one event-log line */
};

enum ui_sort {
    UI_SORT_QUEUED = 0,
    UI_SORT_DONE,
    UI_SORT_ERRORS,
    UI_SORT_LATENCY,
    UI_SORT_NAME,
    UI_SORT_N,
};

enum ui_focus { UI_FOCUS_THREADS = 0, UI_FOCUS_HOSTS };

/* Knobs a key changes. Snapshots lag behind a key by up to a tick, so for
 * UI_PENDING_MS after a change the next step starts from the value we set,
 * not from the snapshot: holding '+' counts 16, 17, 18, never 17, 17. */
enum ui_knob {
    UI_KNOB_CONC = 0,
    UI_KNOB_DELAY,
    UI_KNOB_PAUSE,
    UI_KNOB_HOST_DELAY,
    UI_KNOB_HOST_LIMIT,
    UI_KNOB_HOST_PAUSE,
    UI_KNOB_N,
};

struct ui_pending {
    int64_t at; /* now_ms of the change; 0: none */
    unsigned value;
    char host[ENGINE_HOST_LEN]; /* for the per-host knobs */
};

struct ui_rect {
    int y, x, h, w;
};

/* Screen split. Each table rect holds its title row plus body rows; the
 * log rect its title row plus log lines; h == 0 means not shown. */
struct ui_layout {
    bool too_small;
    struct ui_rect header, threads, hosts, log, status;
};

/* Dashboard state. order[] points into the snapshot the last
 * ui_sort_hosts() was given; it is rebuilt after every snapshot. */
struct ui {
    const struct ui_ops *ops;
    bool utf8;  /* the terminal takes UTF-8 */
    bool color; /* colour pairs are set up */
    enum ui_focus focus;
    enum ui_sort sort;
    bool show_log, show_help;
    bool stopping;                  /* stop asked by q, F10 or a signal */
    char sel_host[ENGINE_HOST_LEN]; /* selected domain, by key */
    unsigned sel;                   /* its index in order[] */
    unsigned host_top, thread_top;  /* first row shown */
    unsigned n_order;
    const struct host_stats *order[ENGINE_MAX_HOSTS];
    struct ui_pending pending[UI_KNOB_N];
    char msg[ENGINE_LOG_LEN];
    int64_t msg_at;
    struct ui_layout layout;
};

/* ui_keys.c */
void ui_init(struct ui *ui, const struct ui_ops *ops, bool utf8);
/* Apply key (a getch() value) against snapshot st at now_ms; returns
 * UI_REDRAW and/or UI_QUIT. */
int ui_handle_key(struct ui *ui, const struct engine_stats *st, int key,
                  int64_t now);
/* A stop asked from outside (SIGINT): as if q was pressed. */
int ui_request_stop(struct ui *ui, const struct engine_stats *st, int64_t now);
/* Key list for the help overlay and status bar; NULL-terminated. */
struct ui_help {
    const char *keys, *what;
};
extern const struct ui_help ui_help_lines[];

/* ui_draw.c */
/* Draw everything into stdscr and update the terminal. */
void ui_draw(struct ui *ui, const struct engine_stats *st, int64_t now);
/* Set up colour pairs (no-op without colours or with NO_COLOR). */
void ui_colors_init(struct ui *ui);

/* ui_util.c: pure helpers, no curses */
unsigned ui_delay_step(unsigned cur_ms, int dir);
unsigned ui_conc_step(unsigned cur, int key);
unsigned ui_knob_base(struct ui *ui, enum ui_knob k, const char *host,
                      unsigned snap, int64_t now);
void ui_knob_set(struct ui *ui, enum ui_knob k, const char *host,
                 unsigned value, int64_t now);

/* Columns that text (len bytes) takes on the terminal. */
int ui_text_cols(const char *s, size_t len);
/* Bytes of the longest prefix of s that fits in cols columns, never cutting
 * a character; *used gets the columns taken (may be NULL). */
size_t ui_fit(const char *s, int cols, int *used);
/* s shortened in the middle to at most cols columns ("…" or "~" marks the
 * cut) into out; returns the columns used. */
int ui_shorten_middle(const char *s, int cols, bool utf8, char *out,
                      size_t outsz);
/* Text from the network made safe to draw: sanitize_text(), and without a
 * UTF-8 terminal every non-ASCII character becomes '?'. */
size_t ui_clean(const char *s, bool utf8, char *out, size_t outsz);
/* Host key for display: "http://" and "https://" dropped. */
const char *ui_host_label(const char *key);

/* Sparkline of the newest up to width samples of v[0..n), scaled to their
 * maximum, into out (UTF-8 blocks or ASCII); returns that maximum. */
float ui_sparkline(const float *v, unsigned n, int width, bool utf8, char *out,
                   size_t outsz);

/* Numbers into at most width columns: 999, 12.3k, 456k, 7.8M ... */
void ui_fmt_count(uint64_t v, int width, char *out, size_t outsz);
void ui_fmt_bytes(double v, char *out, size_t outsz);     /* "1.2 MB" */
void ui_fmt_delay(unsigned ms, char *out, size_t outsz);  /* "0.25s" */
void ui_fmt_ms(int64_t ms, char *out, size_t outsz);      /* "85ms" "1.2s" */
void ui_fmt_elapsed(int64_t ms, char *out, size_t outsz); /* "1:02:03" */
/* A countdown in at most 5 columns, rounded up so it never reads 0 while
 * time is left: "0.4s" "12s" "9m59s" "12m" "1h2m" "3d"; "" for ms <= 0. */
void ui_fmt_wait(int64_t ms, char *out, size_t outsz);
/* The domain waits longer than its delay explains (a Retry-After pause, a
 * robots.txt retry): at most 1.5 x delay_ms comes from the delay itself. */
bool ui_host_held(const struct host_stats *h);

/* Header rows: 3, or 4 on a terminal too narrow for the outcomes and the
 * knobs on one line but tall enough to spare the row. */
int ui_header_lines(int rows, int cols);
/* Segments of a line, cols[i] columns each plus a gap of 2 between
 * them: show[i] is false for those dropped, lowest prio first (of equal
 * prio, the rightmost), until the rest fit in width; returns the columns
 * the shown ones take. */
int ui_segs_fit(const int *cols, const int *prio, int n, int width, bool *show);

void ui_layout_compute(struct ui_layout *l, int rows, int cols,
                       unsigned n_threads, unsigned n_hosts, bool show_log);
/* Body rows of a table with avail rows for n items: how many items fit,
 * leaving one row for a "+N more" hint when they do not all fit. */
unsigned ui_table_shown(int avail, unsigned n);
/* First row to show so that sel is visible in shown rows. */
unsigned ui_scroll(unsigned top, unsigned sel, unsigned shown, unsigned n);

/* Column widths: fit ncol columns (min widths, flex weights, drop
 * priorities) into width; width[i] = 0 for a dropped column. */
struct ui_col {
    const char *title;
    int min, max; /* max 0: no limit */
    int weight;   /* share of the spare width */
    int prio;     /* the lowest is dropped first when narrow */
    bool right;   /* right-aligned */
};
void ui_columns(const struct ui_col *c, int ncol, int width, int *out);

/* The domain table's columns, in screen order. */
enum ui_host_col {
    UI_HC_NAME,
    UI_HC_FLY, /* in flight / limit */
    UI_HC_DONE,
    UI_HC_QUEUED,
    UI_HC_ERR,
    UI_HC_RTRY, /* retries scheduled */
    UI_HC_MIX,  /* 2xx/3xx/4xx/5xx */
    UI_HC_AVG,
    UI_HC_P95,
    UI_HC_PPM,    /* pages per minute */
    UI_HC_DELAY,  /* effective delay */
    UI_HC_WAIT,   /* until the next request may start */
    UI_HC_ROBOTS, /* robots.txt state */
    UI_HC_PAUSED,
    UI_HC_N
};
extern const struct ui_col ui_host_cols[UI_HC_N];

const char *ui_sort_name(enum ui_sort s);
const char *ui_worker_state_name(enum worker_state s);
/* Rebuild ui->order from st in ui->sort order; the selection follows
 * ui->sel_host. */
void ui_sort_hosts(struct ui *ui, const struct engine_stats *st);
/* The selected domain, or NULL. */
const struct host_stats *ui_selected(const struct ui *ui);

#endif
