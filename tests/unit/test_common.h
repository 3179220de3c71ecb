/* What several unit tests share: a bank in a private temporary folder
 * (test_bank, test_course, test_roster: their cmocka fixtures start with a
 * temp_bank, made by temp_bank_new and removed by temp_bank_free), and a
 * file of the tree read whole. */
#ifndef ION_TEST_COMMON_H
#define ION_TEST_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bank.h"
#include "strbuf.h"

typedef struct {
    char dir[64], path[128]; /* the folder, and bank.db in it */
    ion_bank *b;             /* opened by temp_bank_new(..., 1) or the test */
} temp_bank;

/* A zeroed fixture of size bytes that starts with a temp_bank: its folder
 * made, its bank opened when open. */
static inline void *temp_bank_new(size_t size, int open)
{
    temp_bank *t = calloc(1, size);
    assert_non_null(t);
    strcpy(t->dir, "/tmp/ion-test-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/bank.db", t->dir);
    ion_error err = {0};
    if (open && !(t->b = ion_bank_open(t->path, 1, &err)))
        fail_msg("open: %s", err.msg);
    return t;
}

/* The bank closed, its files and folder removed, the fixture freed. */
static inline void temp_bank_free(void *fixture)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    temp_bank *t = fixture;
    char p[160];
    ion_bank_close(t->b);
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", t->path, suffix[i]);
        unlink(p);
    }
    rmdir(t->dir);
    free(t);
}

/* The file at path (from the top of the tree) as a string; the caller
 * frees it. */
static inline char *test_read_file(const char *path)
{
    ion_strbuf b = {0};
    if (ion_strbuf_read_file(&b, path, (size_t)1 << 30) != ION_READ_OK)
        fail_msg("%s not found: run the tests from the top of the tree", path);
    char *s = ion_strbuf_detach(&b, NULL);
    assert_non_null(s);
    return s;
}

#endif
