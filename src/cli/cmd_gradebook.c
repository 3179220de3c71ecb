/* ionsheet gradebook NAME [--course C] [--csv PATH] [--format F] [--excel] */
#include "cli.h"

#include "outfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classroom.h"
#include "roster.h"

/* Says on stderr who is refused or in conflict, and why, as `grade` did:
 * how many. */
static size_t not_graded(const ion_gradebook *gb)
{
    size_t n = 0;
    for (size_t i = 0; i < ion_answer_key_students(ion_gradebook_key(gb)); i++) {
        char *line = ion_gradebook_status_line(gb, i);
        if (line) {
            cli_msg(NULL, 0, "cli.as_is", "%s", line);
            n++;
        }
        free(line);
    }
    return n;
}

typedef struct {
    const char *name, *csv, *course, *format;
    int excel;
} gradebook_args;

/* The arguments into a: 0, or EXIT_USAGE after saying what is wrong. */
static int parse(int argc, char **argv, gradebook_args *a)
{
    for (int i = 1; i < argc; i++) {
        int got = cli_option(argc, argv, &i, "--csv", &a->csv);
        if (!got)
            got = cli_option(argc, argv, &i, "--course", &a->course);
        if (!got)
            got = cli_option(argc, argv, &i, "--format", &a->format);
        if (!got && !strcmp(argv[i], "--excel"))
            got = a->excel = 1;
        if (got < 0)
            return EXIT_USAGE;
        if (got)
            continue;
        if (a->name || argv[i][0] == '-') {
            cli_msg(NULL, 0, "cli.gradebook.unexpected", "%s", argv[i]);
            return EXIT_USAGE;
        }
        a->name = argv[i];
    }
    if (!a->name) {
        cli_msg(NULL, 0, "cli.gradebook.name", "-");
        return EXIT_USAGE;
    }
    if (ion_csv_format_parse(a->format) < 0) {
        cli_msg(NULL, 0, "cli.gradebook.format", "%s", a->format);
        return EXIT_USAGE;
    }
    return 0;
}

int cmd_gradebook(int argc, char **argv, ion_cli *cli)
{
    if (cli_wants_help(argc, argv, "cli.gradebook.usage"))
        return EXIT_OK;
    gradebook_args a = {NULL, NULL, NULL, "plain", 0};
    if (parse(argc, argv, &a))
        return EXIT_USAGE;
    const char *name = a.name, *csv = a.csv, *course = a.course, *format = a.format;
    int excel = a.excel;
    ion_bank *b = cli_open_bank(cli, ION_BANK_READ);
    if (!b)
        return EXIT_IO;
    ion_error err = {0};
    ion_classroom c;
    int rc = EXIT_IO, found = ion_classroom_load(b, name, course, &c, &err);
    if (found <= 0) {
        if (found == 0)
            cli_msg(NULL, 0, "cli.gradebook.no_worksheet", "%s", name);
        else
            cli_report(&err);
        ion_bank_close(b);
        return found == 0 ? EXIT_USAGE : EXIT_IO;
    }
    ion_gradebook *gb = ion_classroom_gradebook(&c, b, cli->lang, &err);
    size_t len = 0;
    ion_roster_emails emails = {b, c.w.ws.course, {0}};
    ion_csv_style style = {(ion_csv_format)ion_csv_format_parse(format), excel, ion_roster_email, &emails};
    char *text = gb ? ion_gradebook_csv_styled(gb, &style, &len) : NULL;
    if (!gb) {
        cli_report(&err);
        rc = c.n ? EXIT_IO : EXIT_USAGE;
    } else if (!text) {
        cli_msg(NULL, 0, "cli.out_of_memory", "-");
    } else {
        /* A file: private (grades), whole or not at all (outfile.h). */
        int bad = csv ? ion_write_file(csv, ION_OUT_PRIVATE, text, len, &err) != 0
                      : fwrite(text, 1, len, stdout) != len;
        if (bad && csv)
            cli_report(&err);
        else if (bad)
            cli_msg("stdout", 0, "cli.gradebook.write", "-");
        else
            rc = not_graded(gb) ? EXIT_FAILURES : EXIT_OK;
    }
    free(text);
    ion_gradebook_free(gb);
    ion_classroom_release(&c);
    ion_bank_close(b);
    return rc;
}
