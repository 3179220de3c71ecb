/* A libFuzzer target run without libFuzzer (and without clang): `make
 * asan-fuzz`, part of `make test`, links a target with this file under
 * gcc's ASan and UBSan and runs it for a bounded time, as
 * tests/unit/test_grade_fuzz.c runs the grader's parsers.
 *
 *     TARGET CORPUS_DIR DICT SECONDS [SEED]
 *
 * Each file of the corpus first, then inputs made from them by random
 * mutations (bytes changed, inserted, deleted; the dictionary's tokens
 * inserted; two inputs crossed over) until SECONDS have passed. A fixed
 * seed (default 1, or SEED) makes a run repeatable. Should a run die (a
 * sanitizer's report or a broken FUZZ_CHECK), the input is written to
 * TARGET-crash beside the program: run it again alone with SECONDS 0 and
 * a directory holding only that file as the corpus, or give it to the
 * libFuzzer build (`make fuzz`). */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

#include "rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT 4096
#define MAX_ITEMS 256

typedef struct {
    uint8_t *data;
    size_t len;
} item;

static item corpus[MAX_ITEMS], dict[MAX_ITEMS];
static size_t ncorpus, ndict;
static ion_rng rng; /* the library's generator: one fewer to keep */

/* the input being run and where it goes should the run die */
static uint8_t current[MAX_INPUT];
static size_t current_len;
static char crash_path[4096];

static uint64_t next(void)
{
    return ion_rng_next(&rng);
}

static size_t below(size_t n)
{
    return n ? (size_t)ion_rng_below(&rng, n) : 0;
}

/* Writes the input being run to crash_path: async-signal-safe calls only. */
static void save_current(void)
{
    int fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return;
    for (size_t done = 0; done < current_len;) {
        ssize_t n = write(fd, current + done, current_len - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    close(fd);
}

static void on_abort(int sig)
{
    save_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void add(item *list, size_t *n, const uint8_t *data, size_t len)
{
    if (*n >= MAX_ITEMS || len > MAX_INPUT)
        return;
    list[*n].data = malloc(len + 1);
    if (!list[*n].data)
        abort();
    memcpy(list[*n].data, data, len);
    list[*n].len = len;
    (*n)++;
}

static void read_corpus(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "fuzz: cannot open corpus %s\n", dir);
        exit(2);
    }
    char path[4096];
    uint8_t buf[MAX_INPUT];
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        add(corpus, &ncorpus, buf, n);
    }
    closedir(d);
}

/* libFuzzer's dictionary: one "token" a line (\\, \" and \xNN escapes);
 * other lines are comments. */
static void read_dict(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "fuzz: cannot open dictionary %s\n", path);
        exit(2);
    }
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char *s = strchr(line, '"'), *e = strrchr(line, '"');
        if (!s || e <= s)
            continue;
        uint8_t tok[512];
        size_t n = 0;
        for (char *c = s + 1; c < e && n < sizeof tok; c++) {
            if (*c == '\\' && c + 1 < e && c[1] == 'x' && c + 3 < e) {
                char hex[3] = {c[2], c[3], '\0'};
                tok[n++] = (uint8_t)strtoul(hex, NULL, 16);
                c += 3;
            } else if (*c == '\\' && c + 1 < e) {
                tok[n++] = (uint8_t)*++c;
            } else {
                tok[n++] = (uint8_t)*c;
            }
        }
        add(dict, &ndict, tok, n);
    }
    fclose(f);
}

/* Inserts len bytes at pos of current, as many as fit. */
static void insert(size_t pos, const uint8_t *data, size_t len)
{
    if (len > MAX_INPUT - current_len)
        len = MAX_INPUT - current_len;
    memmove(current + pos + len, current + pos, current_len - pos);
    memcpy(current + pos, data, len);
    current_len += len;
}

/* current: a corpus input with 1 to 8 random mutations. */
static void mutate(void)
{
    const item *from = &corpus[below(ncorpus)];
    memcpy(current, from->data, from->len);
    current_len = from->len;
    for (size_t k = 1 + below(8); k > 0; k--) {
        size_t pos = below(current_len + 1);
        switch (below(6)) {
        case 0: /* a byte changed */
            if (current_len)
                current[below(current_len)] = (uint8_t)next();
            break;
        case 1: { /* a random byte inserted */
            uint8_t c = (uint8_t)next();
            insert(pos, &c, 1);
            break;
        }
        case 2: { /* a run deleted */
            size_t n = below(current_len - pos + 1);
            memmove(current + pos, current + pos + n, current_len - pos - n);
            current_len -= n;
            break;
        }
        case 3: /* a token of the format */
        case 4:
            if (ndict) {
                const item *t = &dict[below(ndict)];
                insert(pos, t->data, t->len);
            }
            break;
        default: { /* a piece of another input */
            const item *o = &corpus[below(ncorpus)];
            size_t at = below(o->len + 1);
            insert(pos, o->data + at, below(o->len - at + 1));
            break;
        }
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s CORPUS_DIR DICT SECONDS [SEED]\n", argv[0]);
        return 2;
    }
    snprintf(crash_path, sizeof crash_path, "%s-crash", argv[0]);
    read_corpus(argv[1]);
    read_dict(argv[2]);
    double seconds = atof(argv[3]);
    unsigned long long seed = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
    ion_rng_seed(&rng, seed);
    signal(SIGABRT, on_abort);
    __sanitizer_set_death_callback(save_current);
    if (!ncorpus) {
        fprintf(stderr, "fuzz: no input in %s\n", argv[1]);
        return 2;
    }
    for (size_t i = 0; i < ncorpus; i++) {
        memcpy(current, corpus[i].data, corpus[i].len);
        current_len = corpus[i].len;
        LLVMFuzzerTestOneInput(current, current_len);
    }
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned long runs = ncorpus;
    for (;;) {
        if ((runs - ncorpus) % 256 == 0) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            if ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 >= seconds)
                break;
        }
        mutate();
        /* a copy of exactly its length, so that ASan sees a read past it */
        uint8_t *copy = malloc(current_len ? current_len : 1);
        if (!copy)
            abort();
        memcpy(copy, current, current_len);
        LLVMFuzzerTestOneInput(copy, current_len);
        free(copy);
        runs++;
    }
    printf("%s: %lu runs in %.0f s (seed %llu), nothing found\n", argv[0], runs, seconds, seed);
    for (size_t i = 0; i < ncorpus; i++)
        free(corpus[i].data);
    for (size_t i = 0; i < ndict; i++)
        free(dict[i].data);
    return 0;
}
