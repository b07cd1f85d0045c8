/* SPDX-License-Identifier: MIT */
/*
 * scope.h - which URLs the crawl may fetch: the seeds' hosts plus
 * --allow-host ones, then --allow / --deny regular expressions (pcre2).
 *
 * Thread: struct scope is read-only once built and shared by the fetch
 * workers; each worker owns a struct scope_ctx (pcre2 match data).
 */
#ifndef CRAWLTOP_SCOPE_H
#define CRAWLTOP_SCOPE_H

#include <stdbool.h>

struct config;
struct scope;
struct scope_ctx;

/* Build the scope of cfg. NULL with a message in *cause (caller frees). */
struct scope *scope_new(const struct config *cfg, char **cause);
void scope_free(struct scope *s);

struct scope_ctx *scope_ctx_new(void);
void scope_ctx_free(struct scope_ctx *c);

/* True if url (normalised) is in scope: its host name is allowed (any
 * scheme or port), it matches at least one --allow pattern (when any is
 * given) and no --deny pattern. */
bool scope_allows(const struct scope *s, struct scope_ctx *c,
                  const char *url);

/* Check that pattern compiles; -1 with "bad regex ...: reason at offset N"
 * in *cause otherwise. */
int scope_check_regex(const char *pattern, char **cause);

#endif
