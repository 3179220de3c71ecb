/* ionsheet course list */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "bank.h"
#include "table.h"


static int course_row(const ion_bank_course *c, void *ctx)
{
    char n[3][24];
    snprintf(n[0], sizeof n[0], "%zu", c->students);
    snprintf(n[1], sizeof n[1], "%zu", c->withdrawn);
    snprintf(n[2], sizeof n[2], "%zu", c->worksheets);
    return ion_table_row(ctx, (const char *[]){c->id, n[0], n[1], n[2], c->created});
}

int cmd_course(int argc, char **argv, ion_cli *cli)
{
    if (cli_wants_help(argc, argv, "cli.course.usage"))
        return EXIT_OK;
    if (argc != 2 || strcmp(argv[1], "list")) {
        if (argc < 2)
            cli_msg(NULL, 0, "cli.course.missing", "-");
        else
            cli_msg(NULL, 0, "cli.course.unexpected", "%s", argv[argc == 2 ? 1 : 2]);
        cli_usage(stderr, "cli.course.usage");
        return EXIT_USAGE;
    }
    ion_bank *b = cli_open_bank(cli, ION_BANK_READ);
    if (!b)
        return EXIT_IO;
    ion_error err = {0};
    ion_table *t = ion_table_new("lrrrl");
    int rc = t ? ion_table_row(t, (const char *[]){"course", "students", "withdrawn", "worksheets", "created"}) : -1;
    if (rc == 0)
        rc = ion_bank_course_list(b, course_row, t, &err);
    ion_bank_close(b);
    return cli_print_table(t, rc, &err);
}
