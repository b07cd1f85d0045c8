/* SPDX-License-Identifier: MIT */
/*
 * ui.c - the dashboard loop: start curses, then every tick (250 ms, or
 * sooner on a key) copy the engine's stats, draw them and handle keys.
 *
 * Thread: ui (main) only.
 *
 * DESIGN: the loop owns one struct engine_stats, allocated once, that
 * engine_snapshot() fills; nothing is drawn from engine memory and no
 * engine lock is held while drawing. Keys go through ui_keys.c, which
 * reaches the engine only through the ui_ops below. Signals only set a
 * flag the loop reads, because curses may not be called from a handler.
 * Every way out (return, fatal() through the exit hook, a second Ctrl-C)
 * calls endwin() first.
 */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui.h"
#include "engine.h"
#include "ui_int.h"
#include "util.h"

#define UI_TICK_MS 250

static volatile sig_atomic_t interrupts; /* SIGINT/SIGTERM seen */

static void
on_interrupt(int sig)
{
    (void)sig;
    interrupts = interrupts + 1;
}

static void
restore_terminal(void)
{
    if (!isendwin())
        endwin();
}

static void
op_set_concurrency(void *ctx, unsigned n)
{
    engine_set_concurrency(ctx, n);
}

static void
op_set_delay(void *ctx, unsigned delay_ms)
{
    engine_set_delay(ctx, delay_ms);
}

static void
op_set_host_delay(void *ctx, const char *host, unsigned delay_ms)
{
    engine_set_host_delay(ctx, host, delay_ms);
}

static void
op_set_host_limit(void *ctx, const char *host, unsigned n)
{
    engine_set_host_limit(ctx, host, n);
}

static void
op_pause_host(void *ctx, const char *host, bool paused)
{
    engine_pause_host(ctx, host, paused);
}

static void
op_pause(void *ctx, bool paused)
{
    engine_pause(ctx, paused);
}

static void
op_stop(void *ctx, int64_t grace_ms)
{
    engine_stop(ctx, grace_ms);
}

static void
op_log(void *ctx, const char *msg)
{
    engine_log(ctx, "%s", msg);
}

int
ui_run(struct engine *e, bool exit_when_done)
{
    struct ui_ops ops = {
        .ctx = e,
        .set_concurrency = op_set_concurrency,
        .set_delay = op_set_delay,
        .set_host_delay = op_set_host_delay,
        .set_host_limit = op_set_host_limit,
        .pause_host = op_pause_host,
        .pause = op_pause,
        .stop = op_stop,
        .log = op_log,
    };
    struct sigaction sa, old_int, old_term;
    struct engine_stats *st;
    struct ui *ui;
    SCREEN *scr;
    bool utf8;
    int key;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return -1;
    setlocale(LC_ALL, "");
    utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    scr = newterm(NULL, stdout, stdin); /* unlike initscr, fails softly */
    if (scr == NULL)
        return -1;
    util_set_exit_hook(restore_terminal);
    cbreak(); /* Ctrl-C still raises SIGINT */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    timeout(UI_TICK_MS);

    st = xmalloc(sizeof(*st));
    ui = xmalloc(sizeof(*ui));
    ui_init(ui, &ops, utf8);
    ui_colors_init(ui);

    /* after newterm(), which installs its own handlers for these */
    interrupts = 0;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    for (;;) {
        int64_t now = now_ms();

        engine_snapshot(e, st);
        ui_sort_hosts(ui, st);
        if (interrupts >= 2) {
            restore_terminal();
            fputs("crawltop: interrupted\n", stderr);
            _exit(130);
        }
        if (interrupts > 0 && !ui->stopping &&
            (ui_request_stop(ui, st, now) & UI_QUIT))
            break;
        if (st->phase == PHASE_DONE && (ui->stopping || exit_when_done))
            break;
        ui_draw(ui, st, now);

        key = getch();
        if (key == ERR)
            continue;
        /* take every key already typed, then draw once */
        nodelay(stdscr, TRUE);
        for (; key != ERR; key = getch()) {
            if (key == KEY_RESIZE || key == ('l' & 0x1f))
                clearok(curscr, TRUE);
            if (ui_handle_key(ui, st, key, now_ms()) & UI_QUIT)
                goto out;
        }
        timeout(UI_TICK_MS);
    }
out:
    restore_terminal();
    delscreen(scr);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    util_set_exit_hook(NULL);
    free(ui);
    free(st);
    return 0;
}
