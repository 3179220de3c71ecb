/* ionsheet grade KEY.xml FILE_OR_DIR... [--csv PATH] [--feedback DIR] */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grade_files.h"
#include "outfile.h"


typedef struct {
    int shown;   /* a progress line is on the terminal */
    int enabled; /* stderr is a terminal and --quiet was not given */
} progress_line;

static void clear_progress(progress_line *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        p->shown = 0;
    }
}

static void message(const ion_error *e, void *ctx)
{
    clear_progress(ctx);
    cli_report(e);
}

/* Every hundredth of the files, from 100 files on. */
static void progress(size_t done, size_t count, void *ctx)
{
    progress_line *p = ctx;
    if (!p->enabled || count < 100 || ((done - 1) % (count / 100 + 1) && done != count))
        return;
    cli_err("cli.grade.progress", "%zu%zu", done, count);
    p->shown = 1;
}

static void report(const ion_cli *cli, const ion_grade_opts *o, const ion_grade_report *r)
{
    if (cli->quiet)
        return;
    if (r->summary)
        fputs(r->summary, stdout);
    size_t n = strlen(o->feedback);
    printf("gradebook: %s\nfeedback: %s%s\n", o->csv, o->feedback, n && o->feedback[n - 1] == '/' ? "" : "/");
    if (o->bank)
        cli_say(cli_plural("cli.grade.recorded", (double)r->recorded), "%zu%s", r->recorded, cli->db_path);
    if (r->refused)
        cli_say(cli_plural("cli.grade.refused", (double)r->refused), "%zu", r->refused);
}

/* The gradebook and the feedback beside the key unless given, and the
 * schema: the strings made go to owned[0..3); -1 when out of memory. */
static int defaults(ion_grade_opts *o, char *owned[3])
{
    if (!o->csv && !(o->csv = owned[0] = ion_path_beside(o->key, "gradebook.csv")))
        return -1;
    if (!o->feedback && !(o->feedback = owned[1] = ion_path_beside(o->key, "feedback")))
        return -1;
    return (o->submission_xsd = owned[2] = strdup(cli_resource("schema/submission.xsd"))) ? 0 : -1;
}

/* Options into o, the files to grade into o->inputs; 0, or an exit code. */
static int parse(int argc, char **argv, ion_grade_opts *o, const char **inputs)
{
    const char *format = NULL;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_option(argc, argv, &i, "--csv", &o->csv)) || (r = cli_option(argc, argv, &i, "--feedback", &o->feedback)) ||
            (r = cli_option(argc, argv, &i, "--format", &format))) {
            if (r < 0)
                return EXIT_USAGE;
        } else if (!strcmp(argv[i], "--excel")) {
            o->excel = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_msg(NULL, 0, "cli.grade.unknown_option", "%s", argv[i]);
            return EXIT_USAGE;
        } else if (!o->key) {
            o->key = argv[i];
        } else {
            inputs[o->ninputs++] = argv[i];
        }
    }
    o->inputs = inputs;
    if (!o->key || !o->ninputs) {
        cli_usage(stderr, "cli.grade.usage");
        return EXIT_USAGE;
    }
    if (format && (int)(o->format = ion_csv_format_parse(format)) < 0) {
        cli_msg(NULL, 0, "cli.grade.format", "%s", format);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int cmd_grade(int argc, char **argv, ion_cli *cli)
{
    if (cli_wants_help(argc, argv, "cli.grade.usage"))
        return EXIT_OK;
    progress_line line = {0, !cli->quiet && isatty(STDERR_FILENO)};
    ion_grade_opts o = {NULL, NULL, 0, NULL, NULL, NULL, cli->lang, NULL, message, progress, &line, ION_CSV_PLAIN, 0};
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    int code = inputs ? parse(argc, argv, &o, inputs) : EXIT_IO;
    if (!code && cli_catalogue(cli->lang))
        code = EXIT_IO;
    char *owned[3] = {NULL, NULL, NULL};
    if (!code && defaults(&o, owned))
        code = EXIT_IO;
    /* A database is used when there is one; grading never creates one. */
    if (!code && access(cli->db_path, F_OK) == 0 && !(o.bank = cli_open_bank(cli, 0)))
        code = EXIT_IO;
    if (!code) {
        ion_error err = {0};
        ion_grade_report r;
        int rc = ion_grade_files(&o, &r, &err);
        clear_progress(&line);
        if (rc)
            cli_report(&err);
        else
            report(cli, &o, &r);
        free(r.summary);
        code = rc == ION_GRADE_EKEY ? EXIT_INPUT : rc ? EXIT_IO : r.refused ? EXIT_FAILURES : EXIT_OK;
    }
    ion_bank_close(o.bank);
    for (int i = 0; i < 3; i++)
        free(owned[i]);
    free(inputs);
    return code;
}
