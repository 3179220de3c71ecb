/* The command-line front end: one cmd_X.c per command, each parsing its
 * options, calling the library and printing. Only the CLI prints. */
#ifndef ION_CLI_H
#define ION_CLI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"

/* Exit codes of SPEC.md. */
enum {
    EXIT_OK = 0,
    EXIT_FAILURES = 1, /* the command ran but found failures */
    EXIT_USAGE = 2,
    EXIT_INPUT = 3,    /* invalid input file or value */
    EXIT_IO = 4,       /* database or I/O error */
};

/* Global options, parsed by main before the command. */
typedef struct {
    const char *db_path; /* --db, else $IONSHEET_DB, else ./ionsheet.db */
    const char *lang;    /* "en" or "zh" */
    int quiet;
} ion_cli;

/* Every command: argv[0] is the command name; returns an exit code. */
typedef int (*ion_cmd_fn)(int argc, char **argv, ion_cli *cli);

int cmd_calc(int argc, char **argv, ion_cli *cli);
int cmd_init(int argc, char **argv, ion_cli *cli);
int cmd_bank(int argc, char **argv, ion_cli *cli);
int cmd_course(int argc, char **argv, ion_cli *cli);
int cmd_roster(int argc, char **argv, ion_cli *cli);
int cmd_worksheet(int argc, char **argv, ion_cli *cli);
int cmd_generate(int argc, char **argv, ion_cli *cli);
int cmd_grade(int argc, char **argv, ion_cli *cli);
int cmd_drill(int argc, char **argv, ion_cli *cli);
int cmd_gradebook(int argc, char **argv, ion_cli *cli);
int cmd_serve(int argc, char **argv, ion_cli *cli);

/* The command line's messages come from the catalogue (text.h): key is a
 * `cli.` key of templates/LANG.conf in the language of --lang, a printf
 * format; sig is a format of its conversions alone ("%s%d", "-" for
 * none), the same in every language, so that the compiler checks the arguments against it
 * and text.c the catalogue's formats. A key the catalogue lacks is printed
 * as itself. */

/* Prints "ionsheet: FILE:LINE: message" (the location parts only when
 * given: file NULL or "" and line 0 leave them out) to stderr. */
void cli_msg(const char *file, int line, const char *key, const char *sig, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Prints the message to stdout, as it is (no line break added). */
void cli_say(const char *key, const char *sig, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The same to stderr (a progress line). */
void cli_err(const char *key, const char *sig, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Fills err with the message (no file, no line) and returns -1, as
 * ion_fail does. */
int cli_fail(ion_error *err, const char *key, const char *sig, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The key of the plural form of key that count n takes in --lang
 * (text.h: ion_text_plural): cli_say(cli_plural("cli.bank.listed", n),
 * "%zu", n). */
const char *cli_plural(const char *key, double n);
/* The counted phrase of count. key for n in --lang ("3 templates"), into
 * out (text.h: ion_text_count): the %s of a message with two counts.
 * Returns out. */
const char *cli_count(char *out, size_t cap, const char *key, size_t n);
/* A message without arguments or '%' (a word to pass as an argument), or
 * the key. */
const char *cli_word(const char *key);
/* The message into out (cap bytes, cut like vsnprintf). */
void cli_vformat(char *out, size_t cap, const char *key, const char *sig, va_list ap);
/* Prints a message without arguments (a usage text) to f. */
void cli_usage(FILE *f, const char *key);
/* The same for a library error. */
void cli_report(const ion_error *err);

/* The path of a file shipped with ionsheet ("schema/problem.xsd",
 * "problems", "templates"): under $IONSHEET_HOME when set, else beside the
 * executable, else in PREFIX/share/ionsheet when the executable is
 * PREFIX/bin/ionsheet, else in the current directory. Returns a static
 * buffer. */
const char *cli_resource(const char *rel);

/* Loads the message catalogue of lang (text.h) up front: 0, or EXIT_IO
 * after saying which file and line is wrong, so that a broken
 * templates/LANG.conf stops a command before it prints keys. */
int cli_catalogue(const char *lang);

/* Opens the database of --db in mode ION_BANK_WRITE, _CREATE (makes it
 * when missing) or _READ (a command that only reads). Prints the error
 * and returns NULL on failure. */
struct ion_bank *cli_open_bank(const ion_cli *cli, int mode);

/* Option parsing shared by the commands: when argv[*i] is `name` and a value
 * follows, stores it in *value, advances *i and returns 1. */
int cli_option(int argc, char **argv, int *i, const char *name, const char **value);

/* Prints table t to stdout and frees it, for a list command whose walk
 * returned walk (0, or negative with err filled; -1 with err empty: out of
 * memory). Returns the exit code. */
struct ion_table;
int cli_print_table(struct ion_table *t, int walk, const ion_error *err);

/* True when argv holds --help or -h; then prints usage (a message key)
 * to stdout. */
int cli_wants_help(int argc, char **argv, const char *usage);

/* A command's subcommands: runs the one argv[1] names, or says what is
 * missing or unknown (listing names) with usage (a message key) on stderr
 * and EXIT_USAGE. */
typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv, ion_cli *cli);
} cli_sub;
int cli_dispatch(const char *command, const cli_sub *subs, size_t n, int argc,
                 char **argv, ion_cli *cli, const char *usage);

#endif
