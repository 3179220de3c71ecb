/* What every libFuzzer target of ionsheet shares (tests/fuzz/README.md):
 * where the schemas and test data are, a NUL-terminated copy of the input,
 * and checks of the library's documented promises that abort (so libFuzzer
 * keeps the input) when broken. Header-only: each target is one file. */
#ifndef ION_FUZZ_H
#define ION_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* The repository, so that a target finds schema/ and tests/data/ from any
 * working directory; the Makefile passes it. */
#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, \
                    #cond);                                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* data[0..size) as a NUL-terminated string the caller frees. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* An error the library filled: a terminated message that says something. */
static inline void fuzz_check_error(const ion_error *err)
{
    FUZZ_CHECK(memchr(err->file, '\0', sizeof err->file));
    FUZZ_CHECK(memchr(err->msg, '\0', sizeof err->msg));
    FUZZ_CHECK(err->msg[0] != '\0');
    FUZZ_CHECK(err->line >= 0);
}

/* A setup step that must work (a test data file, the schema). */
static inline void *fuzz_need(void *p, const ion_error *err, const char *what)
{
    if (!p) {
        fprintf(stderr, "fuzz setup: %s: %s:%d: %s\n", what, err ? err->file : "",
                err ? err->line : 0, err ? err->msg : "failed");
        exit(2);
    }
    return p;
}

#endif
