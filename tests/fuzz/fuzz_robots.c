/* SPDX-License-Identifier: MIT */
/*
 * fuzz_robots.c - libFuzzer target: parse any bytes as robots.txt, match a
 * few targets (one taken from the input's tail), check the invariants.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const targets[] = {"/", "/a/b?c=d", "/%2A$*",
                                          "/\xE3\x83\x84/x.gif"};
    const char *products[] = {"crawltop", "*", ""};
    size_t tail = size < 255 ? size : 255;
    char target[257];
    struct robots *r;

    r = robots_parse((const char *)data, size, products[size % 3]);
    if (!robots_allowed(r, "/robots.txt"))
        abort();
    if (robots_crawl_delay_ms(r) > ROBOTS_MAX_DELAY_MS ||
        robots_rule_count(r) > ROBOTS_MAX_RULES)
        abort();
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
        (void)robots_allowed(r, targets[i]);
    target[0] = '/';
    memcpy(target + 1, data + size - tail, tail);
    target[1 + tail] = '\0'; /* cut at the first NUL, if any */
    (void)robots_allowed(r, target);
    robots_free(r);
    return 0;
}
