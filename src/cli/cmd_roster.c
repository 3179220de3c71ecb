/* ionsheet roster import FILE.csv --course C */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "bank.h"
#include "csv.h"
#include "roster.h"

static const char usage[] =
    "usage: ionsheet roster import FILE.csv --course C [--quiet]\n"
    "\n"
    "Imports the students of course C (created when new) from a CSV file with\n"
    "the header id,name[,email] (any case, any order). A student already in the\n"
    "course gets the file's name, and e-mail when there is an email column;\n"
    "nobody is added twice. A student id is 1 to 64 letters, digits, '.', '_'\n"
    "or '-', not starting with a dot; names are UTF-8 in any script.\n"
    "Each row that cannot be imported is reported with its line; the other\n"
    "rows are imported.\n"
    "\n"
    "exit status: 0 every row imported, 3 a row or the file refused,\n"
    "2 usage error, 4 database or I/O error\n";

static void report_row(const ion_error *problem, void *ctx)
{
    (void)ctx;
    cli_report(problem);
}

static void print_summary(const char *course, const ion_roster_stats *st)
{
    size_t n = st->added + st->updated + st->unchanged;
    printf("imported %zu student%s into course %s (%zu new, %zu updated", n,
           n == 1 ? "" : "s", course, st->added, st->updated);
    if (st->unchanged)
        printf(", %zu unchanged", st->unchanged);
    putchar(')');
    if (st->refused)
        printf("; %zu row%s refused", st->refused,
               st->refused == 1 ? "" : "s");
    putchar('\n');
}

static int roster_import(int argc, char **argv, ion_cli *cli)
{
    const char *file = NULL, *course = NULL, *why;
    int quiet = cli->quiet;
    for (int i = 2; i < argc; i++) {
        int got = cli_option(argc, argv, &i, "--course", &course);
        if (got < 0)
            return EXIT_USAGE;
        if (got)
            continue;
        if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            quiet = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_msg(NULL, 0, "roster import: unknown option '%s'", argv[i]);
            return EXIT_USAGE;
        } else if (file) {
            cli_msg(NULL, 0, "roster import: unexpected argument '%s'",
                    argv[i]);
            return EXIT_USAGE;
        } else {
            file = argv[i];
        }
    }
    if (!file || !course) {
        cli_msg(NULL, 0, "roster import: %s", !file ? "missing FILE.csv"
                                                    : "missing --course C");
        return EXIT_USAGE;
    }
    if ((why = ion_bank_text_problem(course, ION_BANK_ID_MAX))) {
        cli_msg(NULL, 0, "roster import: course name %s", why);
        return EXIT_USAGE;
    }

    ion_error err = {0};
    ion_roster_stats st;
    ion_bank *b = cli_open_bank(cli, 0);
    if (!b)
        return EXIT_IO;
    ion_csv *csv = ion_csv_open(file, &err);
    int ret = csv ? ion_roster_import(b, course, csv, report_row, NULL, &st,
                                      &err)
                  : ION_BANK_EDB;
    ion_csv_free(csv);
    ion_bank_close(b);
    if (ret < 0) {
        cli_report(&err);
        return ret == ION_BANK_EINVAL ? EXIT_INPUT : EXIT_IO;
    }
    if (!quiet)
        print_summary(course, &st);
    return st.refused ? EXIT_INPUT : EXIT_OK;
}

int cmd_roster(int argc, char **argv, ion_cli *cli)
{
    if (cli_wants_help(argc, argv, usage))
        return EXIT_OK;
    if (argc < 2 || strcmp(argv[1], "import")) {
        if (argc < 2)
            cli_msg(NULL, 0, "roster: missing subcommand (import)");
        else
            cli_msg(NULL, 0, "roster: unknown subcommand '%s'", argv[1]);
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    return roster_import(argc, argv, cli);
}
