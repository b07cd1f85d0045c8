/* SPDX-License-Identifier: MIT */
/*
 * fuzz_extract.c - libFuzzer target: extract links from any bytes as an
 * HTML page at a fixed URL; every link must be a normalised URL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE "https://example.com/dir/page.html?q=1"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct extractor *x;
    static struct extract_ctx *c;
    static struct extract_result r;
    char again[URL_MAX];

    if (x == NULL) {
        char *cause = NULL;

        if ((x = extract_new(&cause)) == NULL)
            abort();
        c = extract_ctx_new(x);
        extract_result_init(&r);
    }
    if (extract_page(c, (const char *)data, size, PAGE, &r) != 0)
        abort();
    for (size_t i = 0; i < r.n; i++) {
        if (url_normalize(r.links[i].url, again, sizeof(again)) != URL_OK ||
            strcmp(again, r.links[i].url) != 0)
            abort();
    }
    if (strlen(r.title) >= sizeof(r.title))
        abort();
    return 0;
}
