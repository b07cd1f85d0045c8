/* SPDX-License-Identifier: MIT */
/*
 * tmpdir.h - a test's scratch directory: removed with the files in it
 * (no subdirectories) at teardown. Header-only, for the cmocka programs.
 */
#ifndef CRAWLTOP_TESTS_TMPDIR_H
#define CRAWLTOP_TESTS_TMPDIR_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static inline void
tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (d != NULL) {
        while ((de = readdir(d)) != NULL) {
            char p[512];

            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

#endif
