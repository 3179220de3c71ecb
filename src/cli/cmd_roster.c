/* ionsheet roster import|list|remove */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "csv.h"
#include "roster.h"
#include "table.h"

static const char usage[] =
    "usage: ionsheet roster import FILE.csv --course C [--id-column NAME] [--quiet]\n"
    "       ionsheet roster list --course C\n"
    "       ionsheet roster remove ID... --course C\n"
    "\n"
    "Imports the students of course C (created when new) from a CSV file with\n"
    "the header id,name[,email] (any case, any order). A student already in the\n"
    "course gets the file's name, and e-mail when there is an email column;\n"
    "nobody is added twice. A student id is 1 to 64 letters, digits, '.', '_'\n"
    "or '-', not starting with a dot; names are UTF-8 in any script.\n"
    "Each row that cannot be imported is reported with its line; the other\n"
    "rows are imported.\n"
    "\n"
    "LMS exports are recognised from their headers: a Moodle participants\n"
    "download (ids from its ID number column, else Username; rows of other\n"
    "roles than Student skipped), a Canvas gradebook export (ids from SIS User\n"
    "ID; \"Last, First\" names turned round; the Points Possible row and the\n"
    "test student skipped) and a Canvas SIS users file (ids from user_id).\n"
    "--id-column NAME takes the ids from the column of that header instead;\n"
    "the summary says which column the ids came from.\n"
    "\n"
    "list prints the course's students (id, name, e-mail, and since when a\n"
    "student is withdrawn). remove takes students off the roster: one with\n"
    "submissions is kept, marked withdrawn, with every grade; one without is\n"
    "deleted with the problems generated for them. A withdrawn student gets no\n"
    "new worksheets; importing them again puts them back. An id matches\n"
    "whatever its case when only one student has it (S06 finds s06).\n"
    "\n"
    "exit status: 0 done, 3 a row, a file or a student refused,\n"
    "2 usage error, 4 database or I/O error\n";

static void report_row(const ion_error *problem, void *ctx)
{
    (void)ctx;
    cli_report(problem);
}

static void print_summary(const char *course, const ion_roster_stats *st)
{
    size_t n = st->added + st->updated + st->unchanged;
    printf("imported %zu student%s into course %s", n, n == 1 ? "" : "s", course);
    if (*st->source)
        printf(" from %s, ids from its '%s' column", st->source, st->id_column);
    printf(" (%zu new, %zu updated", st->added, st->updated);
    if (st->unchanged)
        printf(", %zu unchanged", st->unchanged);
    putchar(')');
    if (st->refused)
        printf("; %zu row%s refused", st->refused,
               st->refused == 1 ? "" : "s");
    if (st->skipped)
        printf("; %zu row%s skipped (not a student)", st->skipped,
               st->skipped == 1 ? "" : "s");
    putchar('\n');
}

static int roster_import(int argc, char **argv, ion_cli *cli)
{
    const char *file = NULL, *course = NULL, *id_column = NULL, *why;
    int quiet = cli->quiet;
    for (int i = 2; i < argc; i++) {
        int got = cli_option(argc, argv, &i, "--course", &course);
        if (!got)
            got = cli_option(argc, argv, &i, "--id-column", &id_column);
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
    int ret = csv ? ion_roster_import(b, course, csv, id_column, report_row, NULL, &st,
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

/* The --course value and the other arguments of list and remove (into
 * args, *nargs of them, at most max); -1 after a message. */
static int course_args(int argc, char **argv, const char **course, const char **args, int max, int *nargs)
{
    *nargs = 0;
    for (int i = 2; i < argc; i++) {
        int got = cli_option(argc, argv, &i, "--course", course);
        if (got < 0)
            return -1;
        if (got)
            continue;
        if (argv[i][0] == '-' && argv[i][1]) {
            cli_msg(NULL, 0, "roster %s: unknown option '%s'", argv[1], argv[i]);
            return -1;
        }
        if (*nargs == max) {
            cli_msg(NULL, 0, "roster %s: unexpected argument '%s'", argv[1], argv[i]);
            return -1;
        }
        args[(*nargs)++] = argv[i];
    }
    if (!*course) {
        cli_msg(NULL, 0, "roster %s: missing --course C", argv[1]);
        return -1;
    }
    return 0;
}

static int student_row(const ion_bank_student *s, void *ctx)
{
    char since[64] = "";
    if (s->withdrawn)
        snprintf(since, sizeof since, "withdrawn %s", s->withdrawn);
    return ion_table_row(ctx, (const char *[]){s->id, s->name, s->email, since});
}

static int roster_list(int argc, char **argv, ion_cli *cli)
{
    const char *course = NULL;
    int nargs;
    if (course_args(argc, argv, &course, NULL, 0, &nargs))
        return EXIT_USAGE;
    ion_bank *b = cli_open_bank(cli, ION_BANK_READ);
    if (!b)
        return EXIT_IO;
    ion_error err = {0};
    int ret = ion_bank_course_exists(b, course, &err);
    if (ret == 0) {
        ion_bank_close(b);
        cli_msg(NULL, 0, "roster list: unknown course '%s'", course);
        return EXIT_INPUT;
    }
    ion_table *t = ion_table_new("llll");
    ret = ret < 0 ? ret : t ? ion_table_row(t, (const char *[]){"id", "name", "email", "status"}) : -1;
    if (ret == 0)
        ret = ion_bank_student_list(b, course, 1, student_row, t, &err);
    ion_bank_close(b);
    return cli_print_table(t, ret, &err);
}

static int roster_remove(int argc, char **argv, ion_cli *cli)
{
    const char *course = NULL, **ids = calloc((size_t)argc, sizeof *ids);
    int n, rc = EXIT_USAGE;
    if (!ids || course_args(argc, argv, &course, ids, argc, &n))
        goto done;
    if (!n) {
        cli_msg(NULL, 0, "roster remove: give the id of a student");
        goto done;
    }
    ion_bank *b = cli_open_bank(cli, 0);
    rc = b ? EXIT_OK : EXIT_IO;
    for (int i = 0; b && i < n; i++) {
        ion_error err = {0};
        char id[ION_BANK_ID_MAX + 1];
        int outcome, ret = ion_bank_student_remove(b, course, ids[i], &outcome, id, &err);
        if (ret < 0) {
            cli_report(&err);
            rc = rc == EXIT_IO || ret != ION_BANK_EINVAL ? EXIT_IO : EXIT_INPUT;
        } else if (!cli->quiet && outcome == ION_BANK_WITHDRAWN) {
            printf("withdrew %s from course %s: kept, with their submissions and grades\n", id, course);
        } else if (!cli->quiet) {
            printf("removed %s from course %s\n", id, course);
        }
    }
    ion_bank_close(b);
done:
    free(ids);
    return rc;
}

int cmd_roster(int argc, char **argv, ion_cli *cli)
{
    static const cli_sub subs[] = {
        {"import", roster_import}, {"list", roster_list}, {"remove", roster_remove}};
    return cli_dispatch("roster", subs, sizeof subs / sizeof subs[0], argc, argv, cli, usage);
}
