/* Grading speed: loads a key, then parses and grades every file directly
 * in a directory (read from disk each time), on one core. Prints the key's
 * load time, submissions per second, and the time to render the gradebook
 * CSV and every student's feedback.
 *
 * usage: grade_bench KEY.xml DIR [ROUNDS]   (run from the repository root,
 * which has schema/; bench/grade.sh builds and runs it) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "grade.h"
#include "submission.h"

static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct {
    ion_gradebook *gb;
    size_t graded, refused;
} run;

static int grade(const ion_submission *s, void *ctx)
{
    run *r = ctx;
    ion_error err;
    if (ion_gradebook_grade(r->gb, s, NULL, NULL, NULL, &err) < 0)
        r->refused++;
    else
        r->graded++;
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: grade_bench KEY.xml DIR [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 3;
    ion_error err = {0};
    double c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    /* Without the XSD pass, as ionsheet grade loads it. */
    ion_answer_key *key = ion_answer_key_load(argv[1], NULL, &err);
    if (!key) {
        fprintf(stderr, "grade_bench: %s:%d: %s\n", err.file, err.line, err.msg);
        return 1;
    }
    double c1 = now(CLOCK_PROCESS_CPUTIME_ID);

    DIR *d = opendir(argv[2]);
    if (!d) {
        perror(argv[2]);
        return 1;
    }
    size_t n = 0, cap = 1024;
    char **paths = malloc(cap * sizeof *paths);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap)
            paths = realloc(paths, (cap *= 2) * sizeof *paths);
        size_t len = strlen(argv[2]) + strlen(e->d_name) + 2;
        paths[n] = malloc(len);
        snprintf(paths[n++], len, "%s/%s", argv[2], e->d_name);
    }
    closedir(d);
    qsort(paths, n, sizeof *paths, cmp);

    run r = {ion_gradebook_new(key, "en"), 0, 0};
    ion_sub_parser *p = ion_sub_parser_new("schema/submission.xsd");
    double best = 1e30;
    for (int round = 0; round < rounds; round++) {
        double c = now(CLOCK_PROCESS_CPUTIME_ID);
        r.graded = r.refused = 0;
        for (size_t i = 0; i < n; i++)
            if (ion_sub_parse_file(p, paths[i], grade, &r, &err) < 0)
                r.refused++;
        c = now(CLOCK_PROCESS_CPUTIME_ID) - c;
        if (c < best)
            best = c;
    }
    double c2 = now(CLOCK_PROCESS_CPUTIME_ID);
    free(ion_gradebook_csv(r.gb, NULL));
    for (size_t i = 0; i < ion_answer_key_students(key); i++)
        free(ion_gradebook_feedback(r.gb, i, NULL));
    free(ion_gradebook_summary(r.gb));
    double c3 = now(CLOCK_PROCESS_CPUTIME_ID);

    printf("%-9zu %-6zu %9zu %10.3f %10.3f %12.0f %9.1f %10.3f\n", ion_answer_key_students(key),
           ion_answer_key_shapes(key), r.graded, c1 - c0, best, r.graded / best, 1e6 * best / (double)(r.graded + r.refused),
           c3 - c2);
    ion_sub_parser_free(p);
    ion_gradebook_free(r.gb);
    ion_answer_key_free(key);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    return 0;
}
