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

/* The global options, for the language of messages. */
static const ion_cli *current;

/* key's format for the arguments of sig in --lang's catalogue; NULL when
 * it has no such message. */
static const char *message(const char *key, const char *sig)
{
    return ion_text_msg(current ? current->lang : "en", key, sig);
}

static void vsay(FILE *f, const char *key, const char *sig, va_list ap)
{
    const char *fmt = message(key, sig);
    if (fmt)
        vfprintf(f, fmt, ap);
    else
        fputs(key, f);
}

void cli_msg(const char *file, int line, const char *key, const char *sig, ...)
{
    va_list ap;
    fputs("ionsheet: ", stderr);
    if (file && *file) {
        if (line > 0)
            fprintf(stderr, "%s:%d: ", file, line);
        else
            fprintf(stderr, "%s: ", file);
    }
    va_start(ap, sig);
    vsay(stderr, key, sig, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_say(const char *key, const char *sig, ...)
{
    va_list ap;
    va_start(ap, sig);
    vsay(stdout, key, sig, ap);
    va_end(ap);
}

void cli_vformat(char *out, size_t cap, const char *key, const char *sig, va_list ap)
{
    const char *fmt = message(key, sig);
    if (fmt)
        vsnprintf(out, cap, fmt, ap);
    else
        snprintf(out, cap, "%s", key);
}

void cli_err(const char *key, const char *sig, ...)
{
    va_list ap;
    va_start(ap, sig);
    vsay(stderr, key, sig, ap);
    va_end(ap);
}

int cli_fail(ion_error *err, const char *key, const char *sig, ...)
{
    va_list ap;
    va_start(ap, sig);
    ion_fail(err, NULL, 0, "%s", "");
    cli_vformat(err->msg, sizeof err->msg, key, sig, ap);
    va_end(ap);
    return -1;
}

const char *cli_plural(const char *key, double n)
{
    return ion_text_plural(current ? current->lang : "en", key, n);
}

const char *cli_count(char *out, size_t cap, const char *key, size_t n)
{
    return ion_text_count(current ? current->lang : "en", key, n, out, cap);
}

const char *cli_word(const char *key)
{
    const char *text = message(key, "-");
    return text && !strchr(text, '%') ? text : key;
}

static void say(FILE *f, const char *key, const char *sig, ...)
{
    va_list ap;
    va_start(ap, sig);
    vsay(f, key, sig, ap);
    va_end(ap);
}

void cli_usage(FILE *f, const char *key)
{
    say(f, key, "-");
}

void cli_report(const ion_error *err)
{
    fputs("ionsheet: ", stderr);
    if (err->file[0] && err->line > 0)
        fprintf(stderr, "%s:%d: ", err->file, err->line);
    else if (err->file[0])
        fprintf(stderr, "%s: ", err->file);
    fprintf(stderr, "%s\n", err->msg);
}

int cli_wants_help(int argc, char **argv, const char *usage)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            cli_usage(stdout, usage);
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
        cli_msg(NULL, 0, "cli.missing_subcommand", "%s%s", command, names);
    } else {
        cli_msg(NULL, 0, "cli.unknown_subcommand", "%s%s", command, argv[1]);
    }
    cli_usage(stderr, usage);
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
        cli_msg(NULL, 0, "cli.option_needs_value", "%s", name);
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
        cli_msg(NULL, 0, "cli.out_of_memory", "-");
        return EXIT_IO;
    }
    fputs(text, stdout);
    free(text);
    return EXIT_OK;
}

/* stdout is checked at exit so that a full disk is an error, not silence;
 * then the catalogue is freed (for leak checkers). */
static int finish(int code)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_msg(NULL, 0, "cli.write_failed", "-");
        code = code ? code : EXIT_IO;
    }
    ion_text_release();
    return code;
}

int main(int argc, char **argv)
{
    /* Past `ulimit -f` a write fails with EFBIG, which is reported with
     * the file's name, instead of the signal killing us without a word. */
    signal(SIGXFSZ, SIG_IGN);
    ion_cli cli = {getenv("IONSHEET_DB"), "en", 0};
    current = &cli;
    ion_text_set_dir(cli_resource("templates"));
    if (!cli.db_path || !*cli.db_path)
        cli.db_path = "ionsheet.db";
    int i = 1, help = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            help = 1;
        } else if (!strcmp(a, "--version")) {
            /* machine-readable: never translated */
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
            cli_msg(NULL, 0, "cli.unknown_option", "%s", a);
            return finish(EXIT_USAGE);
        }
    }
    if (!ion_text_language_ok(cli.lang)) {
        const char *lang = cli.lang;
        char langs[200];
        cli.lang = "en";
        cli_msg(NULL, 0, "cli.unknown_language", "%s%s", lang, ion_text_languages(langs, sizeof langs));
        return finish(EXIT_USAGE);
    }
    ion_text_set_lang(cli.lang); /* the library's messages too */
    /* Every message comes from the catalogue: a broken one stops here. */
    int code = cli_catalogue(cli.lang);
    if (code)
        return finish(code);
    if (help || i >= argc) {
        cli_usage(help ? stdout : stderr, "cli.usage");
        return finish(help ? EXIT_OK : EXIT_USAGE);
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (!strcmp(argv[i], commands[k].name))
            return finish(commands[k].fn(argc - i, argv + i, &cli));
    cli_msg(NULL, 0, "cli.unknown_command", "%s", argv[i]);
    return finish(EXIT_USAGE);
}
