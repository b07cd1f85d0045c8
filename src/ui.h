/* SPDX-License-Identifier: MIT */
/*
 * ui.h - the live dashboard ("htop for web crawls"): draws the engine's
 * stats about four times a second and turns keys into engine_set_*() calls.
 *
 * Thread: main (the ui thread) only; the only caller of curses.
 */
#ifndef CRAWLTOP_UI_H
#define CRAWLTOP_UI_H

#include <stdbool.h>

struct engine;

/* Run the dashboard for the started engine e until the user quits. q, F10,
 * SIGINT or SIGTERM ask engine_stop() and keep showing STOPPING until the
 * engine is done; a crawl that ends by itself shows DONE until q, or
 * returns at once when exit_when_done. The terminal is restored before
 * returning (and by fatal(), through util_set_exit_hook()); a second SIGINT
 * restores it and _exit(130)s. Returns 0, or -1 without drawing anything
 * when stdin or stdout is not a terminal or curses cannot start (the caller
 * may then run headless). The caller joins and frees the engine. */
int ui_run(struct engine *e, bool exit_when_done);

#endif
