/* ionsheet: global options, then one row per command (git's shape). */
#include "cli.h"

#include "bank.h"
#include "table.h"
#include "text.h"

#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ION_VERSION /* set by the Makefile */
#define ION_VERSION "unknown"
#endif

static const char usage[] =
    "usage: ionsheet [--db PATH] [--lang en|zh] [--quiet] COMMAND ...\n"
    "       ionsheet --version\n"
    "\n"
    "commands:\n"
    "  init                         create the database and import problems/\n"
    "  bank import|list|show|check  the problem bank\n"
    "  course list                  the courses, their students and worksheets\n"
    "  roster import|list|remove    students: import FILE.csv, list, remove ID --course C\n"
    "  worksheet create|list|show|edit|delete\n"
    "                               create NAME --course C --problems ID,ID,...\n"
    "  generate NAME [--course C] [--student ID]... [--out DIR]\n"
    "  grade KEY.xml FILE_OR_DIR... [--csv PATH] [--feedback DIR]\n"
    "  drill [--topic T] [--difficulty N]\n"
    "  gradebook NAME [--csv PATH]\n"
    "  serve [--listen HOST:PORT] [--base-url URL]\n"
    "  calc KIND NAME=VALUE[UNIT]... [--si]\n"
    "\n"
    "every command has --help\n";

static const struct {
    const char *name;
    ion_cmd_fn fn;
} commands[] = {
    {"calc", cmd_calc},
    {"init", cmd_init},
    {"bank", cmd_bank},
    {"course", cmd_course},
    {"roster", cmd_roster},
    {"worksheet", cmd_worksheet},
    {"generate", cmd_generate},
    {"grade", cmd_grade},
    {"drill", cmd_drill},
    {"gradebook", cmd_gradebook},
    {"serve", cmd_serve},
};

void cli_msg(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fputs("ionsheet: ", stderr);
    if (file && *file) {
        if (line > 0)
            fprintf(stderr, "%s:%d: ", file, line);
        else
            fprintf(stderr, "%s: ", file);
    }
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_report(const ion_error *err)
{
    cli_msg(err->file, err->line, "%s", err->msg);
}

int cli_wants_help(int argc, char **argv, const char *text)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(text, stdout);
            return 1;
        }
    return 0;
}

int cli_dispatch(const char *command, const cli_sub *subs, size_t n, int argc,
                 char **argv, ion_cli *cli, const char *usage)
{
    if (cli_wants_help(argc, argv, usage))
        return EXIT_OK;
    for (size_t i = 0; argc >= 2 && i < n; i++)
        if (!strcmp(argv[1], subs[i].name))
            return subs[i].fn(argc, argv, cli);
    if (argc < 2) {
        char names[256] = "";
        for (size_t i = 0; i < n; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                     i ? ", " : "", subs[i].name);
        cli_msg(NULL, 0, "%s: missing subcommand (%s)", command, names);
    } else {
        cli_msg(NULL, 0, "%s: unknown subcommand '%s'", command, argv[1]);
    }
    fputs(usage, stderr);
    return EXIT_USAGE;
}

const char *cli_resource(const char *rel)
{
    static char path[2 * PATH_MAX];
    const char *home = getenv("IONSHEET_HOME");
    if (home && *home) {
        snprintf(path, sizeof path, "%s/%s", home, rel);
        return path;
    }
    /* Beside the program (a build tree), then PREFIX/share/ionsheet for
     * PREFIX/bin/ionsheet (installed, wherever PREFIX is), then the
     * current directory (another build of the tree run from its top). */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash = n > 0 ? (exe[n] = '\0', strrchr(exe, '/')) : NULL;
    if (slash) {
        *slash = '\0';
        snprintf(path, sizeof path, "%s/%s", exe, rel);
        if (access(path, F_OK) == 0)
            return path;
        snprintf(path, sizeof path, "%s/../share/ionsheet/%s", exe, rel);
        if (access(path, F_OK) == 0)
            return path;
    }
    return rel;
}

int cli_catalogue(const char *lang)
{
    ion_error err = {0};
    if (ion_text_catalogue(lang, &err))
        return 0;
    cli_report(&err);
    return EXIT_IO;
}

ion_bank *cli_open_bank(const ion_cli *cli, int mode)
{
    ion_error err = {0};
    ion_bank *b = ion_bank_open(cli->db_path, mode, &err);
    if (!b)
        cli_report(&err);
    return b;
}

int cli_option(int argc, char **argv, int *i, const char *name, const char **value)
{
    if (strcmp(argv[*i], name))
        return 0;
    if (*i + 1 >= argc) {
        cli_msg(NULL, 0, "option %s needs a value", name);
        *value = NULL;
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

int cli_print_table(ion_table *t, int walk, const ion_error *err)
{
    char *text = walk == 0 && t ? ion_table_render(t) : NULL;
    ion_table_free(t);
    if (walk < 0 && err && err->msg[0]) {
        cli_report(err);
        return walk == ION_BANK_EINVAL ? EXIT_INPUT : EXIT_IO;
    }
    if (!text) {
        cli_msg(NULL, 0, "out of memory");
        return EXIT_IO;
    }
    fputs(text, stdout);
    free(text);
    return EXIT_OK;
}

/* stdout is checked at exit so that a full disk is an error, not silence. */
static int finish(int code)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_msg(NULL, 0, "could not write the output");
        return code ? code : EXIT_IO;
    }
    return code;
}

int main(int argc, char **argv)
{
    /* Past `ulimit -f` a write fails with EFBIG, which is reported with
     * the file's name, instead of the signal killing us without a word. */
    signal(SIGXFSZ, SIG_IGN);
    ion_cli cli = {getenv("IONSHEET_DB"), "en", 0};
    if (!cli.db_path || !*cli.db_path)
        cli.db_path = "ionsheet.db";
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            return finish(EXIT_OK);
        } else if (!strcmp(a, "--version")) {
            printf("ionsheet %s (database schema %d)\n", ION_VERSION, ION_BANK_SCHEMA_VERSION);
            return finish(EXIT_OK);
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            cli.quiet = 1;
        } else if ((!strcmp(a, "--db") || !strcmp(a, "--lang")) && i + 1 < argc) {
            if (!strcmp(a, "--db"))
                cli.db_path = argv[++i];
            else
                cli.lang = argv[++i];
        } else {
            cli_msg(NULL, 0, "unknown option '%s'", a);
            return EXIT_USAGE;
        }
    }
    if (strcmp(cli.lang, "en") && strcmp(cli.lang, "zh")) {
        cli_msg(NULL, 0, "unknown language '%s' (en or zh)", cli.lang);
        return EXIT_USAGE;
    }
    if (i >= argc) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    ion_text_set_dir(cli_resource("templates"));
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (!strcmp(argv[i], commands[k].name)) {
            int code = commands[k].fn(argc - i, argv + i, &cli);
            ion_text_release();
            return finish(code);
        }
    cli_msg(NULL, 0, "unknown command '%s'", argv[i]);
    return EXIT_USAGE;
}
