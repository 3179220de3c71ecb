/* ionsheet generate NAME [--student ID]... [--out DIR] */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "generate.h"
#include "outfile.h"

static const char usage[] =
    "usage: ionsheet generate NAME [--course C] [--student ID]... [--out DIR] [--lang en|zh] [--paper a4|letter] [--no-pdf]\n"
    "                         [--base-url URL]\n"
    "\n"
    "Generates worksheet NAME for every student of its course (or those named):\n"
    "stores the instances in the database and writes, under DIR (default out/NAME/):\n"
    "  key.xml          the answer key (for `ionsheet grade`)\n"
    "  students/ID.pdf  each student's worksheet\n"
    "  class.pdf        every student's worksheet in one file\n"
    "  solutions.pdf    worked solutions for every student (instructor only)\n"
    "  answers/ID.txt   a blank answer file per student\n"
    "  links.csv        each student's private web link for `ionsheet serve`\n"
    "                   (student,name,email,url): URL/s/TOKEN, URL from --base-url\n"
    "                   (default http://127.0.0.1:8080/)\n"
    "Naming students writes their own files; key.xml, class.pdf and solutions.pdf\n"
    "always hold every student generated so far for NAME.\n"
    "--lang zh typesets the Chinese texts; --paper letter prints on US Letter (default A4);\n"
    "--no-pdf writes only the key and the answer files.\n"
    "--course C says which course's NAME when several courses have one.\n";

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
                cli_msg(NULL, 0, "generate: unexpected argument '%s'", argv[i]);
                return EXIT_USAGE;
            }
            o->worksheet = argv[i];
        }
        if (got < 0)
            return EXIT_USAGE;
    }
    if (!o->worksheet) {
        cli_msg(NULL, 0, "generate: give the worksheet name");
        return EXIT_USAGE;
    }
    if (strcmp(cli->lang, "en") && strcmp(cli->lang, "zh")) {
        cli_msg(NULL, 0, "generate: unknown language '%s' (en or zh)", cli->lang);
        return EXIT_USAGE;
    }
    if (o->paper && strcmp(o->paper, "a4") && strcmp(o->paper, "letter")) {
        cli_msg(NULL, 0, "generate: unknown paper '%s' (a4 or letter)", o->paper);
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
    if (cli_wants_help(argc, argv, usage))
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
            cli_msg(NULL, 0, "generate: no worksheet '%s' (make it with 'ionsheet worksheet create')", o.worksheet);
            rc = EXIT_USAGE;
        } else if (gen) {
            cli_report(&err);
            rc = exit_code(gen);
        } else if (!cli->quiet) {
            printf("generated %s for %s in %s/: key.xml, links.csv, %sanswers/\n", o.worksheet,
                   o.nstudents ? "the named students" : "the whole course", o.dir,
                   o.pdf ? "class.pdf, solutions.pdf, students/, " : "");
        }
    }
    ion_bank_close(b);
    free(dir);
    free(students);
    return rc;
}
