/* SPDX-License-Identifier: MIT */
/*
 * ui_keys.c - keys of the dashboard: a table from key to a small action
 * that returns what the loop must redo (UI_REDRAW, UI_QUIT). Actions reach
 * the engine only through struct ui_ops, so tests record the calls.
 *
 * Thread: ui only.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui_int.h"
#include "util.h"

#define CTRL_KEY(c) ((c)&0x1f)

typedef int ui_action_fn(struct ui *ui, const struct engine_stats *st, int key,
                         int64_t now);

struct ui_key {
    int key;
    ui_action_fn *fn;
};

const struct ui_help ui_help_lines[] = {
    {"+ -", "concurrency +1 / -1 (hold to repeat)"},
    {"* /", "concurrency x2 / half"},
    {"] [", "global delay up / down (0 .1 .25 .5 1 2 5 10 s)"},
    {"Space", "pause / resume the crawl"},
    {"Up Down j k", "select a domain (or scroll threads)"},
    {"PgUp PgDn Home End", "move by a page / to the ends"},
    {"Tab", "focus thread table / domain table"},
    {"> <", "selected domain: delay up / down"},
    {") (", "selected domain: concurrency limit +1 / -1"},
    {"p", "selected domain: pause / resume"},
    {"s", "cycle domain sort: queued done errors latency name"},
    {"l", "show / hide the event log"},
    {"? F1", "this help"},
    {"q F10 Ctrl-C", "stop gracefully and quit (Ctrl-C twice: at once)"},
    {"", ""},
    {"FLY ERR RTRY", "in flight/limit, failed pages, retries scheduled"},
    {"DELAY WAIT", "request gap (>= Crawl-delay), time to the next one"},
    {"ROBOTS", "robots.txt: wait fetch ok none(4xx) error(5xx: held) gone"},
    {NULL, NULL},
};

void
ui_init(struct ui *ui, const struct ui_ops *ops, bool utf8)
{
    memset(ui, 0, sizeof(*ui));
    ui->ops = ops;
    ui->utf8 = utf8;
    ui->focus = UI_FOCUS_HOSTS;
    ui->sort = UI_SORT_QUEUED;
    ui->show_log = true;
}

/* Show msg in the status bar and add it to the engine's event log. */
static void __attribute__((format(printf, 3, 4)))
say(struct ui *ui, int64_t now, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ui->msg, sizeof(ui->msg), fmt, ap);
    va_end(ap);
    ui->msg_at = now != 0 ? now : 1;
    if (ui->ops->log != NULL)
        ui->ops->log(ui->ops->ctx, ui->msg);
}

/* Status-bar note that does not go to the event log. */
static int
note(struct ui *ui, int64_t now, const char *msg)
{
    strlcopy(ui->msg, msg, sizeof(ui->msg));
    ui->msg_at = now != 0 ? now : 1;
    return UI_REDRAW;
}

static bool
is_settled(struct ui *ui, const struct engine_stats *st, int64_t now)
{
    if (st->phase == PHASE_DONE) {
        note(ui, now, "crawl is done; q quits");
        return true;
    }
    if (ui->stopping || st->phase == PHASE_STOPPING) {
        note(ui, now, "stopping...");
        return true;
    }
    return false;
}

static int
act_conc(struct ui *ui, const struct engine_stats *st, int key, int64_t now)
{
    unsigned cur, next;

    if (is_settled(ui, st, now))
        return UI_REDRAW;
    cur = ui_knob_base(ui, UI_KNOB_CONC, NULL, st->concurrency, now);
    next = ui_conc_step(cur, key);
    if (next == cur)
        return note(ui, now, "concurrency at its limit");
    ui_knob_set(ui, UI_KNOB_CONC, NULL, next, now);
    ui->ops->set_concurrency(ui->ops->ctx, next);
    say(ui, now, "concurrency %u -> %u", cur, next);
    return UI_REDRAW;
}

static int
act_delay(struct ui *ui, const struct engine_stats *st, int key, int64_t now)
{
    unsigned cur, next;
    char a[16], b[16];

    if (is_settled(ui, st, now))
        return UI_REDRAW;
    cur = ui_knob_base(ui, UI_KNOB_DELAY, NULL, st->delay_ms, now);
    next = ui_delay_step(cur, key == ']' ? 1 : -1);
    if (next == cur)
        return note(ui, now, "delay at its limit");
    ui_knob_set(ui, UI_KNOB_DELAY, NULL, next, now);
    ui->ops->set_delay(ui->ops->ctx, next);
    ui_fmt_delay(cur, a, sizeof(a));
    ui_fmt_delay(next, b, sizeof(b));
    say(ui, now, "delay %s -> %s", a, b);
    return UI_REDRAW;
}

static int
act_pause(struct ui *ui, const struct engine_stats *st, int key, int64_t now)
{
    unsigned paused;

    (void)key;
    if (is_settled(ui, st, now))
        return UI_REDRAW;
    paused =
        ui_knob_base(ui, UI_KNOB_PAUSE, NULL, st->phase == PHASE_PAUSED, now);
    ui_knob_set(ui, UI_KNOB_PAUSE, NULL, !paused, now);
    ui->ops->pause(ui->ops->ctx, !paused);
    /* the engine logs the phase change itself */
    return note(ui, now, paused ? "crawl resumed" : "crawl paused");
}

/* The selected domain, or NULL after a note saying there is none. */
static const struct host_stats *
selected_host(struct ui *ui, const struct engine_stats *st, int64_t now)
{
    const struct host_stats *h;

    if (is_settled(ui, st, now))
        return NULL;
    h = ui_selected(ui);
    if (h == NULL)
        note(ui, now, "no domain selected");
    return h;
}

static int
act_host_delay(struct ui *ui, const struct engine_stats *st, int key,
               int64_t now)
{
    const struct host_stats *h = selected_host(ui, st, now);
    unsigned cur, next;
    char a[16], b[16], name[ENGINE_HOST_LEN];

    if (h == NULL)
        return UI_REDRAW;
    cur = ui_knob_base(ui, UI_KNOB_HOST_DELAY, h->key, h->delay_ms, now);
    next = ui_delay_step(cur, key == '>' ? 1 : -1);
    if (next == cur)
        return note(ui, now, "delay at its limit");
    ui_knob_set(ui, UI_KNOB_HOST_DELAY, h->key, next, now);
    ui->ops->set_host_delay(ui->ops->ctx, h->key, next);
    ui_fmt_delay(cur, a, sizeof(a));
    ui_fmt_delay(next, b, sizeof(b));
    ui_clean(ui_host_label(h->key), true, name, sizeof(name));
    say(ui, now, "%s: delay %s -> %s", name, a, b);
    return UI_REDRAW;
}

static int
act_host_limit(struct ui *ui, const struct engine_stats *st, int key,
               int64_t now)
{
    const struct host_stats *h = selected_host(ui, st, now);
    unsigned cur, next;
    char name[ENGINE_HOST_LEN];

    if (h == NULL)
        return UI_REDRAW;
    cur = ui_knob_base(ui, UI_KNOB_HOST_LIMIT, h->key, h->limit, now);
    next = cur;
    if (key == ')' && cur < UI_MAX_HOST_LIMIT)
        next = cur + 1;
    else if (key == '(' && cur > 1)
        next = cur - 1;
    if (next == cur)
        return note(ui, now, "limit at its end");
    ui_knob_set(ui, UI_KNOB_HOST_LIMIT, h->key, next, now);
    ui->ops->set_host_limit(ui->ops->ctx, h->key, next);
    ui_clean(ui_host_label(h->key), true, name, sizeof(name));
    say(ui, now, "%s: limit %u -> %u", name, cur, next);
    return UI_REDRAW;
}

static int
act_host_pause(struct ui *ui, const struct engine_stats *st, int key,
               int64_t now)
{
    const struct host_stats *h = selected_host(ui, st, now);
    unsigned paused;
    char name[ENGINE_HOST_LEN];

    (void)key;
    if (h == NULL)
        return UI_REDRAW;
    paused = ui_knob_base(ui, UI_KNOB_HOST_PAUSE, h->key, h->paused, now);
    ui_knob_set(ui, UI_KNOB_HOST_PAUSE, h->key, !paused, now);
    ui->ops->pause_host(ui->ops->ctx, h->key, !paused);
    ui_clean(ui_host_label(h->key), true, name, sizeof(name));
    say(ui, now, "%s %s", name, paused ? "resumed" : "paused");
    return UI_REDRAW;
}

/* Body rows of the focused table as last drawn (at least 1). */
static unsigned
page_rows(const struct ui *ui)
{
    const struct ui_rect *r =
        ui->focus == UI_FOCUS_HOSTS ? &ui->layout.hosts : &ui->layout.threads;
    return r->h > 2 ? (unsigned)(r->h - 2) : 1;
}

static int
act_move(struct ui *ui, const struct engine_stats *st, int key, int64_t now)
{
    long delta, pos, max;

    (void)now;
    switch (key) {
    case KEY_UP:
    case 'k':
        delta = -1;
        break;
    case KEY_DOWN:
    case 'j':
        delta = 1;
        break;
    case KEY_PPAGE:
        delta = -(long)page_rows(ui);
        break;
    case KEY_NPAGE:
        delta = (long)page_rows(ui);
        break;
    case KEY_HOME:
        delta = -(long)ENGINE_MAX_THREADS - 1;
        break;
    default: /* KEY_END */
        delta = (long)ENGINE_MAX_THREADS + 1;
        break;
    }
    if (ui->focus == UI_FOCUS_HOSTS) {
        pos = (long)ui->sel + delta;
        max = (long)ui->n_order - 1;
    } else {
        /* scroll: the last page stays full */
        pos = (long)ui->thread_top + delta;
        max = (long)st->n_threads - (long)page_rows(ui);
    }
    if (pos > max)
        pos = max;
    if (pos < 0)
        pos = 0;
    if (ui->focus == UI_FOCUS_HOSTS) {
        ui->sel = (unsigned)pos;
        if (ui->sel < ui->n_order)
            strlcopy(ui->sel_host, ui->order[ui->sel]->key,
                     sizeof(ui->sel_host));
    } else {
        ui->thread_top = (unsigned)pos;
    }
    return UI_REDRAW;
}

static int
act_sort(struct ui *ui, const struct engine_stats *st, int key, int64_t now)
{
    (void)key;
    ui->sort = (enum ui_sort)((ui->sort + 1) % UI_SORT_N);
    ui_sort_hosts(ui, st);
    snprintf(ui->msg, sizeof(ui->msg), "domains sorted by %s",
             ui_sort_name(ui->sort));
    ui->msg_at = now != 0 ? now : 1;
    return UI_REDRAW;
}

static int
act_focus(struct ui *ui, const struct engine_stats *st, int key, int64_t now)
{
    (void)st;
    (void)key;
    (void)now;
    ui->focus = ui->focus == UI_FOCUS_HOSTS ? UI_FOCUS_THREADS : UI_FOCUS_HOSTS;
    return UI_REDRAW;
}

static int
act_log(struct ui *ui, const struct engine_stats *st, int key, int64_t now)
{
    (void)st;
    (void)key;
    (void)now;
    ui->show_log = !ui->show_log;
    return UI_REDRAW;
}

static int
act_help(struct ui *ui, const struct engine_stats *st, int key, int64_t now)
{
    (void)st;
    (void)key;
    (void)now;
    ui->show_help = true;
    return UI_REDRAW;
}

static int
act_quit(struct ui *ui, const struct engine_stats *st, int key, int64_t now)
{
    (void)key;
    return ui_request_stop(ui, st, now);
}

static int
act_redraw(struct ui *ui, const struct engine_stats *st, int key, int64_t now)
{
    (void)ui;
    (void)st;
    (void)key;
    (void)now;
    return UI_REDRAW;
}

static const struct ui_key keys[] = {
    {'+', act_conc},          {'=', act_conc}, /* '+' without shift */
    {'-', act_conc},          {'*', act_conc},
    {'/', act_conc},          {']', act_delay},
    {'[', act_delay},         {' ', act_pause},
    {KEY_UP, act_move},       {KEY_DOWN, act_move},
    {'k', act_move},          {'j', act_move},
    {KEY_PPAGE, act_move},    {KEY_NPAGE, act_move},
    {KEY_HOME, act_move},     {KEY_END, act_move},
    {'>', act_host_delay},    {'<', act_host_delay},
    {')', act_host_limit},    {'(', act_host_limit},
    {'p', act_host_pause},    {'s', act_sort},
    {'\t', act_focus},        {'l', act_log},
    {'?', act_help},          {'h', act_help},
    {KEY_F(1), act_help},     {'q', act_quit},
    {'Q', act_quit},          {KEY_F(10), act_quit},
    {KEY_RESIZE, act_redraw}, {CTRL_KEY('l'), act_redraw},
};

int
ui_request_stop(struct ui *ui, const struct engine_stats *st, int64_t now)
{
    if (st->phase == PHASE_DONE)
        return UI_QUIT;
    if (ui->stopping)
        return note(ui, now, "stopping... (Ctrl-C again quits at once)");
    ui->stopping = true;
    ui->ops->stop(ui->ops->ctx, UI_STOP_GRACE_MS);
    say(ui, now, "stop requested");
    return UI_REDRAW;
}

int
ui_handle_key(struct ui *ui, const struct engine_stats *st, int key,
              int64_t now)
{
    size_t i;

    if (key == '=')
        key = '+';
    if (ui->show_help && key != KEY_RESIZE) {
        ui->show_help = false; /* any key closes the help */
        return UI_REDRAW;
    }
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (keys[i].key == key)
            return keys[i].fn(ui, st, key, now);
    return 0;
}
