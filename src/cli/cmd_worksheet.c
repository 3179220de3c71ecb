/* ionsheet worksheet create NAME --course C --problems ID,ID,... */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"

static const char usage[] =
    "usage: ionsheet worksheet create NAME --course C --problems ID[,ID...]\n"
    "           [--title T] [--due YYYY-MM-DD[THH:MM]] [--points P[,P...]]\n"
    "\n"
    "Defines worksheet NAME for course C: problem 1, 2, ... is template ID\n"
    "(the same template may come twice, with other numbers). Each problem is\n"
    "pinned to its template's current version, so that later imports never\n"
    "change the worksheet. NAME names the output directory: 1 to 64 letters,\n"
    "digits, '.', '_' or '-', not starting with a dot. The title defaults to\n"
    "NAME. --points gives each problem's total points; an empty entry keeps\n"
    "the template's own (--points 4,,2).\n"
    "\n"
    "exit status: 0 created, 3 refused (unknown template or course, the name\n"
    "taken), 2 usage error, 4 database error\n";

/* Splits a comma-separated list into *items (malloc'd copies, spaces
 * trimmed; empty items stay, as ""). */
static int split(const char *list, char ***items, size_t *n)
{
    size_t k = 1;
    for (const char *p = list; *p; p++)
        k += *p == ',';
    char **v = calloc(k, sizeof *v);
    if (!v)
        return -1;
    *items = v;
    *n = 0;
    for (const char *p = list;; p++) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && *p == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (!(v[*n] = malloc(len + 1)))
            return -1;
        memcpy(v[*n], p, len);
        v[(*n)++][len] = '\0';
        if (!end)
            return 0;
        p = end;
    }
}

static void free_items(char **items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        free(items[i]);
    free(items);
}

/* --points: n numbers >= 0, or empty for the template's own (-1). */
static int parse_points(const char *list, size_t n, double **out)
{
    char **items = NULL;
    size_t k = 0;
    int ret = -1;
    if (split(list, &items, &k) || !(*out = malloc(k * sizeof **out))) {
        cli_msg(NULL, 0, "out of memory");
        goto done;
    }
    if (k != n) {
        cli_msg(NULL, 0, "worksheet create: --points gives %zu value%s for "
                         "%zu problem%s",
                k, k == 1 ? "" : "s", n, n == 1 ? "" : "s");
        goto done;
    }
    for (size_t i = 0; i < k; i++) {
        char *end;
        (*out)[i] = *items[i] ? strtod(items[i], &end) : -1;
        if (*items[i] && (*end || !isfinite((*out)[i]) || (*out)[i] < 0)) {
            cli_msg(NULL, 0, "worksheet create: invalid points '%s'",
                    items[i]);
            goto done;
        }
    }
    ret = 0;
done:
    free_items(items, k);
    return ret;
}

typedef struct {
    const char *name, *course, *problems, *title, *due, *points;
    int quiet;
} create_args;

static int parse_args(int argc, char **argv, create_args *a)
{
    static const char *const names[] = {"--course", "--problems", "--title",
                                        "--due", "--points"};
    const char **values[] = {&a->course, &a->problems, &a->title, &a->due,
                             &a->points};
    for (int i = 2; i < argc; i++) {
        int got = 0;
        for (size_t k = 0; !got && k < sizeof names / sizeof names[0]; k++)
            if ((got = cli_option(argc, argv, &i, names[k], values[k])) < 0)
                return -1;
        if (got)
            continue;
        if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            a->quiet = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_msg(NULL, 0, "worksheet create: unknown option '%s'", argv[i]);
            return -1;
        } else if (a->name) {
            cli_msg(NULL, 0, "worksheet create: unexpected argument '%s'",
                    argv[i]);
            return -1;
        } else {
            a->name = argv[i];
        }
    }
    const char *missing = !a->name       ? "NAME"
                          : !a->course   ? "--course C"
                          : !a->problems ? "--problems ID[,ID...]"
                                         : NULL;
    if (missing) {
        cli_msg(NULL, 0, "worksheet create: missing %s", missing);
        return -1;
    }
    return 0;
}

static int worksheet_create(int argc, char **argv, ion_cli *cli)
{
    create_args a = {0};
    char **ids = NULL;
    double *points = NULL;
    size_t n = 0;
    int rc = EXIT_USAGE;
    a.quiet = cli->quiet;
    if (parse_args(argc, argv, &a))
        return EXIT_USAGE;
    if (split(a.problems, &ids, &n)) {
        cli_msg(NULL, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (!*ids[i]) {
            cli_msg(NULL, 0, "worksheet create: empty template id in "
                             "--problems '%s'",
                    a.problems);
            goto done;
        }
    if (a.points && parse_points(a.points, n, &points))
        goto done;

    ion_error err = {0};
    ion_bank *b = cli_open_bank(cli, 0);
    if (!b) {
        rc = EXIT_IO;
        goto done;
    }
    int ret = ion_bank_worksheet_create(b, a.name, a.course, a.title, a.due,
                                        n, (const char *const *)ids, points,
                                        &err);
    ion_bank_close(b);
    if (ret < 0) {
        cli_report(&err);
        rc = ret == ION_BANK_EINVAL ? EXIT_INPUT : EXIT_IO;
        goto done;
    }
    if (!a.quiet)
        printf("created worksheet %s for course %s with %zu problem%s\n",
               a.name, a.course, n, n == 1 ? "" : "s");
    rc = EXIT_OK;
done:
    free_items(ids, n);
    free(points);
    return rc;
}

int cmd_worksheet(int argc, char **argv, ion_cli *cli)
{
    if (cli_wants_help(argc, argv, usage))
        return EXIT_OK;
    if (argc < 2 || strcmp(argv[1], "create")) {
        if (argc < 2)
            cli_msg(NULL, 0, "worksheet: missing subcommand (create)");
        else
            cli_msg(NULL, 0, "worksheet: unknown subcommand '%s'", argv[1]);
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    return worksheet_create(argc, argv, cli);
}
