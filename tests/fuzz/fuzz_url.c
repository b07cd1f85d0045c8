/* SPDX-License-Identifier: MIT */
/*
 * fuzz_url.c - libFuzzer target: the input is "base\0href" (or just href).
 * Resolving and normalising must not crash, and whatever comes out must be
 * a fixed point of url_normalize() that url_split() accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A successful result must normalise to itself and split. */
static void
check(const char *url)
{
    char again[URL_MAX];
    struct url_parts parts;
    char key[URL_MAX];

    if (url_normalize(url, again, sizeof(again)) != URL_OK ||
        strcmp(url, again) != 0 || url_split(url, &parts) != 0 ||
        url_host_key(url, key, sizeof(key)) != 0)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char out[URL_MAX];
    const char *href;
    char *in;

    if (size > 4 * URL_MAX || (in = malloc(size + 1)) == NULL)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    href = memchr(in, '\0', size) ? in + strlen(in) + 1 : in;
    if (url_normalize(in, out, sizeof(out)) == URL_OK)
        check(out);
    if (url_resolve(href == in ? NULL : in, href, out, sizeof(out)) == URL_OK)
        check(out);
    free(in);
    return 0;
}
