/* ionsheet generate NAME [--student ID]... [--out DIR] */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "generate.h"
#include "outfile.h"
#include "text.h"


/* A progress bar on stderr, redrawn every 64 students. */
static void progress(size_t done, size_t count, void *ctx)
{
    int *bar_open = ctx;
    size_t width = 40;
    if (done != count && done % 64)
        return;
    size_t filled = count ? width * done / count : width;
    fprintf(stderr, "\r[%-*.*s] %zu/%zu", (int)width, (int)filled,
            "========================================", done, count);
    *bar_open = done != count;
    if (!*bar_open)
        fputc('\n', stderr);
}

/* Options into o; 0, or an exit code. */
static int parse(int argc, char **argv, ion_cli *cli, ion_generate_opts *o, const char **students)
{
    const char *value;
    for (int i = 1; i < argc; i++) {
        int got = 0;
        if (!strcmp(argv[i], "--no-pdf"))
            o->pdf = 0;
        else if ((got = cli_option(argc, argv, &i, "--student", &value)) > 0)
            students[o->nstudents++] = value;
        else if (!got && (got = cli_option(argc, argv, &i, "--out", &o->dir)) == 0 &&
                 (got = cli_option(argc, argv, &i, "--course", &o->course)) == 0 &&
                 (got = cli_option(argc, argv, &i, "--paper", &o->paper)) == 0 &&
                 (got = cli_option(argc, argv, &i, "--lang", &cli->lang)) == 0 &&
                 (got = cli_option(argc, argv, &i, "--base-url", &o->base_url)) == 0) {
            if (o->worksheet || argv[i][0] == '-') {
                cli_msg(NULL, 0, "cli.generate.unexpected", "%s", argv[i]);
                return EXIT_USAGE;
            }
            o->worksheet = argv[i];
        }
        if (got < 0)
            return EXIT_USAGE;
    }
    if (!o->worksheet) {
        cli_msg(NULL, 0, "cli.generate.name", "-");
        return EXIT_USAGE;
    }
    if (!ion_text_language_ok(cli->lang)) {
        char langs[200];
        cli_msg(NULL, 0, "cli.generate.unknown_language", "%s%s", cli->lang, ion_text_languages(langs, sizeof langs));
        return EXIT_USAGE;
    }
    if (o->paper && strcmp(o->paper, "a4") && strcmp(o->paper, "letter")) {
        cli_msg(NULL, 0, "cli.generate.paper", "%s", o->paper);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int exit_code(int gen)
{
    switch (gen) {
    case ION_GEN_ENOSTUDENT: return EXIT_USAGE;
    case ION_GEN_EVARIANT: return EXIT_INPUT;
    default: return EXIT_IO;
    }
}

int cmd_generate(int argc, char **argv, ion_cli *cli)
{
    if (cli_wants_help(argc, argv, "cli.generate.usage"))
        return EXIT_OK;
    int bar_open = 0;
    const char **students = calloc((size_t)argc, sizeof *students);
    ion_generate_opts o = {NULL, NULL, students, 0, NULL, NULL, 1, NULL, &bar_open, NULL, NULL};
    char *dir = NULL;
    int rc = students ? parse(argc, argv, cli, &o, students) : EXIT_IO;
    ion_bank *b = rc ? NULL : cli_open_bank(cli, 0);
    if (!rc && !b)
        rc = EXIT_IO;
    if (!rc && !o.dir && !(o.dir = dir = ion_path_join("out", o.worksheet)))
        rc = EXIT_IO;
    if (!rc) {
        ion_error err = {0};
        o.lang = cli->lang;
        o.progress = !cli->quiet && isatty(2) ? progress : NULL;
        int gen = ion_generate_files(b, &o, &err);
        if (bar_open)
            fputc('\n', stderr); /* the message on a line of its own */
        if (gen == ION_GEN_ENOWORKSHEET && err.msg[0]) {
            cli_report(&err);
            rc = EXIT_USAGE;
        } else if (gen == ION_GEN_ENOWORKSHEET) {
            cli_msg(NULL, 0, "cli.generate.no_worksheet", "%s", o.worksheet);
            rc = EXIT_USAGE;
        } else if (gen) {
            cli_report(&err);
            rc = exit_code(gen);
        } else if (!cli->quiet) {
            cli_say(o.nstudents ? (o.pdf ? "cli.generate.done_named_pdf" : "cli.generate.done_named")
                                : (o.pdf ? "cli.generate.done_pdf" : "cli.generate.done"),
                    "%s%s", o.worksheet, o.dir);
        }
    }
    ion_bank_close(b);
    free(dir);
    free(students);
    return rc;
}
