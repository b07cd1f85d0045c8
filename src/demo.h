/* SPDX-License-Identifier: MIT */
/*
 * demo.h - `crawltop --demo`: a generated multi-host site served on
 * 127.0.0.1 by the embedded httpd, with hosts of different temperaments
 * (fast, slow, flaky, broken links), wired into the config as seeds and
 * --resolve entries.
 *
 * Thread: main only.
 */
#ifndef CRAWLTOP_DEMO_H
#define CRAWLTOP_DEMO_H

struct config;
struct demo;

/* Start the demo server and add its seeds and --resolve entries to cfg.
 * 0, or -1 with a message in *cause for the caller to free. */
int demo_start(struct demo **out, struct config *cfg, char **cause);
/* Stop the server (joins its threads). NULL does nothing. */
void demo_stop(struct demo *d);

#endif
