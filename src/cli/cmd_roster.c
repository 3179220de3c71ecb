/* ionsheet roster import|list|remove */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "csv.h"
#include "roster.h"
#include "table.h"
#include "text.h"


static void report_row(const ion_error *problem, void *ctx)
{
    (void)ctx;
    cli_report(problem);
}

static void print_summary(const char *course, const ion_roster_stats *st)
{
    size_t n = st->added + st->updated + st->unchanged;
    cli_say(cli_plural("cli.roster.imported", (double)n), "%zu%s", n, course);
    if (!strcmp(st->source, "moodle"))
        cli_say("cli.roster.source_moodle", "%s", st->id_column);
    else if (!strcmp(st->source, "canvas-gradebook"))
        cli_say("cli.roster.source_canvas_gradebook", "%s", st->id_column);
    else if (*st->source)
        cli_say("cli.roster.source_canvas_users", "%s", st->id_column);
    cli_say("cli.roster.counts", "%zu%zu", st->added, st->updated);
    if (st->unchanged)
        cli_say("cli.roster.unchanged", "%zu", st->unchanged);
    cli_say("cli.roster.counts_end", "-");
    if (st->refused)
        cli_say(cli_plural("cli.roster.refused", (double)st->refused), "%zu", st->refused);
    if (st->skipped)
        cli_say(cli_plural("cli.roster.skipped", (double)st->skipped), "%zu", st->skipped);
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
            cli_msg(NULL, 0, "cli.roster.import_option", "%s", argv[i]);
            return EXIT_USAGE;
        } else if (file) {
            cli_msg(NULL, 0, "cli.roster.import_unexpected", "%s",
                    argv[i]);
            return EXIT_USAGE;
        } else {
            file = argv[i];
        }
    }
    if (!file || !course) {
        cli_msg(NULL, 0, !file ? "cli.roster.missing_file" : "cli.roster.missing_course", "-");
        return EXIT_USAGE;
    }
    if ((why = ion_bank_text_problem(course, ION_BANK_ID_MAX))) {
        cli_msg(NULL, 0, "cli.roster.course_name", "%s", ion_text_phrase(why));
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
            cli_msg(NULL, 0, "cli.roster.unknown_option", "%s%s", argv[1], argv[i]);
            return -1;
        }
        if (*nargs == max) {
            cli_msg(NULL, 0, "cli.roster.unexpected", "%s%s", argv[1], argv[i]);
            return -1;
        }
        args[(*nargs)++] = argv[i];
    }
    if (!*course) {
        cli_msg(NULL, 0, "cli.roster.needs_course", "%s", argv[1]);
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
        cli_msg(NULL, 0, "cli.roster.unknown_course", "%s", course);
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
        cli_msg(NULL, 0, "cli.roster.give_id", "-");
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
            cli_say("cli.roster.withdrew", "%s%s", id, course);
        } else if (!cli->quiet) {
            cli_say("cli.roster.removed", "%s%s", id, course);
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
    return cli_dispatch("roster", subs, sizeof subs / sizeof subs[0], argc, argv, cli, "cli.roster.usage");
}
