/* ionsheet generate NAME [--student ID]... [--out DIR] */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "generate.h"
#include "render.h"

static const char usage[] =
    "usage: ionsheet generate NAME [--student ID]... [--out DIR] [--lang en|zh]\n"
    "\n"
    "Generates worksheet NAME for every student of its course (or those named):\n"
    "stores the instances in the database and writes, under DIR (default out/NAME/):\n"
    "  key.xml          the answer key (for `ionsheet grade`)\n"
    "  answers/ID.txt   a blank answer file per student\n";

typedef struct {
    const ion_cli *cli;
    char dir[1024];
    FILE *key;
    int progress;  /* draw a progress bar: stderr is a terminal */
} gen_ctx;

static int make_dir(const char *path)
{
    return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char buf[1200];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (make_dir(buf))
                return -1;
            *p = '/';
        }
    return make_dir(buf);
}

static void progress(const ion_student_sheet *s)
{
    size_t done = s->index + 1, width = 40;
    if (done != s->count && done % 64)
        return;
    size_t filled = s->count ? width * done / s->count : width;
    fprintf(stderr, "\r[%-*.*s] %zu/%zu", (int)width, (int)filled,
            "========================================", done, s->count);
    if (done == s->count)
        fputc('\n', stderr);
}

static int write_student(const ion_student_sheet *s, void *ctx, ion_error *err)
{
    gen_ctx *g = ctx;
    char path[1200];
    if (ion_key_student(g->key, s))
        return ion_fail(err, "key.xml", 0, "could not write the key");
    /* Ids are checked by the bank: [A-Za-z0-9._-], no leading dot. */
    snprintf(path, sizeof path, "%s/answers/%s.txt", g->dir, s->id);
    FILE *f = fopen(path, "w");
    if (!f)
        return ion_fail(err, path, 0, "cannot create the file");
    int bad = ion_answers_render(f, s);
    bad |= fclose(f) != 0;
    if (bad)
        return ion_fail(err, path, 0, "could not write the file");
    if (g->progress)
        progress(s);
    return 0;
}

int cmd_generate(int argc, char **argv, ion_cli *cli)
{
    if (cli_wants_help(argc, argv, usage))
        return EXIT_OK;
    const char *name = NULL, *out = NULL, *value;
    const char **students = calloc((size_t)argc, sizeof *students);
    size_t nstudents = 0;
    int rc = EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        int got;
        if ((got = cli_option(argc, argv, &i, "--student", &value)) > 0)
            students[nstudents++] = value;
        else if (!got && (got = cli_option(argc, argv, &i, "--out", &out)) == 0 &&
                 (got = cli_option(argc, argv, &i, "--lang", &cli->lang)) == 0) {
            if (name || argv[i][0] == '-') {
                cli_msg(NULL, 0, "generate: unexpected argument '%s'", argv[i]);
                goto done;
            }
            name = argv[i];
        }
        if (got < 0)
            goto done;
    }
    if (!name) {
        cli_msg(NULL, 0, "generate: give the worksheet name");
        goto done;
    }
    if (strcmp(cli->lang, "en") && strcmp(cli->lang, "zh")) {
        cli_msg(NULL, 0, "generate: unknown language '%s' (en or zh)", cli->lang);
        goto done;
    }
    gen_ctx g = {cli, "", NULL, !cli->quiet && isatty(2)};
    if (out)
        snprintf(g.dir, sizeof g.dir, "%s", out);
    else
        snprintf(g.dir, sizeof g.dir, "out/%s", name);

    ion_bank *b = cli_open_bank(cli, 0);
    if (!b) {
        rc = EXIT_IO;
        goto done;
    }
    ion_error err = {0};
    ion_worksheet w;
    int found = ion_worksheet_load(b, name, &w, &err);
    if (found <= 0) {
        if (found == 0)
            cli_msg(NULL, 0, "generate: no worksheet '%s' (make it with 'ionsheet worksheet create')", name);
        else
            cli_report(&err);
        rc = found == 0 ? EXIT_USAGE : EXIT_INPUT;
        ion_bank_close(b);
        goto done;
    }
    char answers[1100], key_tmp[1100], key_path[1100];
    snprintf(answers, sizeof answers, "%s/answers", g.dir);
    snprintf(key_path, sizeof key_path, "%s/key.xml", g.dir);
    snprintf(key_tmp, sizeof key_tmp, "%s/.key.xml.tmp", g.dir);
    rc = EXIT_IO;
    if (make_dirs(answers)) {
        cli_msg(g.dir, 0, "cannot create the output directory");
    } else if (!(g.key = fopen(key_tmp, "w"))) {
        cli_msg(key_tmp, 0, "cannot create the file");
    } else {
        /* The key appears under its name only once it is whole and the
         * database holds the same instances. */
        int bad = ion_key_begin(g.key, &w) ||
                  ion_generate(b, &w, students, nstudents, write_student, &g, &err) ||
                  ion_key_end(g.key);
        bad |= fclose(g.key) != 0;
        if (bad) {
            if (err.msg[0])
                cli_report(&err);
            else
                cli_msg(key_path, 0, "could not write the key");
            unlink(key_tmp);
            rc = strstr(err.msg, "no student") ? EXIT_USAGE : err.msg[0] ? EXIT_INPUT : EXIT_IO;
        } else if (rename(key_tmp, key_path)) {
            cli_msg(key_path, 0, "cannot write the file");
        } else {
            if (!cli->quiet)
                printf("generated %s for %s: %s/key.xml, %s/answers/\n", name,
                       nstudents ? "the named students" : "the whole course", g.dir, g.dir);
            rc = EXIT_OK;
        }
    }
    ion_worksheet_release(&w);
    ion_bank_close(b);
done:
    free(students);
    return rc;
}
