/* ionsheet drill: options, then the drill's terminal view (drill.h) on
 * stdin and stdout. Colour only on a terminal that supports it, never with
 * NO_COLOR; input that is not a terminal is echoed so that the output
 * reads as a transcript. */
#include "cli.h"
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <sodium.h>

#include "bank.h"
#include "drill.h"


/* Reads stdin one line at a time into a buffer it keeps. */
typedef struct {
    char *line;
    size_t cap;
} line_reader;

static const char *read_line(void *ctx, const ion_drill_ask *ask)
{
    (void)ask;
    line_reader *r = ctx;
    ssize_t n = getline(&r->line, &r->cap, stdin);
    if (n < 0)
        return NULL;
    while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
        r->line[--n] = '\0';
    return r->line;
}

/* Colour on a terminal that supports it (https://no-color.org). */
static int want_color(void)
{
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && !(no && *no) && term && *term && strcmp(term, "dumb");
}

/* The terminal's width to wrap text at; 0 (no wrapping) when the output
 * is not a terminal. */
static int terminal_width(void)
{
    if (!isatty(STDOUT_FILENO))
        return 0;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col - 1;
    const char *env = getenv("COLUMNS");
    int cols = env ? atoi(env) : 0;
    return cols >= 20 ? cols - 1 : 79;
}

static int parse_number(const char *text, unsigned long long max, unsigned long long *out)
{
    char *end;
    if (!text || !*text || *text == '-')
        return -1;
    *out = strtoull(text, &end, 10);
    return *end || *out > max ? -1 : 0;
}

/* --difficulty, --seed (a random one when not given) and --lang checked;
 * 0, or an exit code. */
static int check_values(const char *difficulty, const char *seed_text, const char *lang,
                        unsigned long long *d, unsigned long long *seed)
{
    if (difficulty && (parse_number(difficulty, 3, d) || *d < 1)) {
        cli_msg(NULL, 0, "cli.drill.difficulty", "%s", difficulty);
        return EXIT_USAGE;
    }
    if (seed_text && parse_number(seed_text, UINT64_MAX, seed)) {
        cli_msg(NULL, 0, "cli.drill.seed", "%s", seed_text);
        return EXIT_USAGE;
    }
    if (!ion_text_language_ok(lang)) {
        char langs[200];
        cli_msg(NULL, 0, "cli.drill.unknown_language", "%s%s", lang, ion_text_languages(langs, sizeof langs));
        return EXIT_USAGE;
    }
    if (!seed_text) {
        if (sodium_init() < 0) {
            cli_msg(NULL, 0, "cli.drill.no_random", "-");
            return EXIT_IO;
        }
        randombytes_buf(seed, sizeof *seed);
    }
    return EXIT_OK;
}

int cmd_drill(int argc, char **argv, ion_cli *cli)
{
    if (cli_wants_help(argc, argv, "cli.drill.usage"))
        return EXIT_OK;
    const char *topic = NULL, *difficulty = NULL, *lang = cli->lang, *user = NULL, *seed_text = NULL;
    int stats = 0;
    for (int i = 1; i < argc; i++) {
        int got;
        if ((got = cli_option(argc, argv, &i, "--topic", &topic)) ||
            (got = cli_option(argc, argv, &i, "--difficulty", &difficulty)) ||
            (got = cli_option(argc, argv, &i, "--lang", &cli->lang)) ||
            (got = cli_option(argc, argv, &i, "--user", &user)) ||
            (got = cli_option(argc, argv, &i, "--seed", &seed_text))) {
            if (got < 0)
                return EXIT_USAGE;
        } else if (!strcmp(argv[i], "--stats")) {
            stats = 1;
        } else {
            cli_msg(NULL, 0, "cli.drill.unexpected_argument", "%s", argv[i]);
            return EXIT_USAGE;
        }
    }
    unsigned long long d = 0, seed = 0;
    lang = cli->lang; /* --lang here as before the command: messages follow it */
    ion_text_set_lang(lang);
    int bad = check_values(difficulty, seed_text, lang, &d, &seed);
    if (bad)
        return bad;
    if (cli_catalogue(lang))
        return EXIT_IO;
    if (!user || !*user)
        user = getenv("USER");
    if (!user || !*user)
        user = "student";

    ion_bank *b = cli_open_bank(cli, stats ? ION_BANK_READ : ION_BANK_WRITE);
    if (!b)
        return EXIT_IO;
    ion_drill_opts o = {user, topic, (int)d, lang, seed, want_color(), terminal_width(), !isatty(STDIN_FILENO)};
    ion_error err = {0};
    line_reader r = {NULL, 0};
    int rc = stats ? ion_drill_stats(b, &o, stdout, &err) : ion_drill_run(b, &o, read_line, &r, stdout, NULL, &err);
    free(r.line);
    ion_bank_close(b);
    if (rc < 0) {
        cli_report(&err);
        return rc == ION_BANK_EINVAL ? EXIT_USAGE : rc == ION_DRILL_ETEMPLATE && !err.io ? EXIT_INPUT : EXIT_IO;
    }
    return EXIT_OK;
}
