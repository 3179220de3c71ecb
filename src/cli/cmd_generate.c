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
#include "render_pdf.h"
#include "sheet_build.h"

static const char usage[] =
    "usage: ionsheet generate NAME [--student ID]... [--out DIR] [--lang en|zh] [--no-pdf]\n"
    "\n"
    "Generates worksheet NAME for every student of its course (or those named):\n"
    "stores the instances in the database and writes, under DIR (default out/NAME/):\n"
    "  key.xml          the answer key (for `ionsheet grade`)\n"
    "  students/ID.pdf  each student's worksheet\n"
    "  class.pdf        every student's worksheet in one file\n"
    "  solutions.pdf    worked solutions for every student (instructor only)\n"
    "  answers/ID.txt   a blank answer file per student\n"
    "--lang zh typesets the Chinese texts; --no-pdf writes only the key and the answer files.\n";

typedef struct {
    const ion_cli *cli;
    char dir[1024];
    FILE *key;
    ion_key_writer *key_writer;
    int progress;  /* draw a progress bar: stderr is a terminal */
    int pdf;       /* write the PDFs (not with --no-pdf) */
    const ion_tmpl *tmpl;
    ion_pdf *class_pdf, *solutions_pdf; /* streamed to their files */
    ion_sheet_buf *sheet;
    int io_failed; /* a file could not be written: exit 4, not 3 */
    int bar_open;  /* a progress bar line is drawn and not yet ended */
} gen_ctx;

/* Writes len bytes to path; 0 or -1 with err filled. */
static int write_file(const char *path, const void *data, size_t len, ion_error *err)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return ion_fail(err, path, 0, "cannot create the file");
    int bad = fwrite(data, 1, len, f) != len;
    bad |= fclose(f) != 0;
    return bad ? ion_fail(err, path, 0, "could not write the file") : 0;
}

/* class.pdf and solutions.pdf: written as the students come, under a
 * temporary name until whole, like the key. */
typedef struct {
    char tmp[1100], path[1100];
    FILE *f;
} class_doc;

static ion_pdf *class_doc_open(class_doc *c, const char *dir, const char *name,
                               const ion_tmpl *t, ion_error *err)
{
    snprintf(c->tmp, sizeof c->tmp, "%s/.%s.tmp", dir, name);
    snprintf(c->path, sizeof c->path, "%s/%s", dir, name);
    if (!(c->f = fopen(c->tmp, "wb"))) {
        ion_fail(err, c->tmp, 0, "cannot create the file");
        return NULL;
    }
    return ion_pdf_new_streamed(t, c->f, err);
}

/* Ends the document and gives it its name (ok), or removes it. */
static int class_doc_close(class_doc *c, ion_pdf *p, int ok, ion_error *err)
{
    if (!c->f)
        return 0;
    if (ok && ion_pdf_finish(p, err))
        ok = 0;
    int closed = fclose(c->f) == 0;
    c->f = NULL;
    if (ok && !closed) {
        ion_fail(err, c->tmp, 0, "could not write the file");
        ok = 0;
    } else if (ok && rename(c->tmp, c->path)) {
        ion_fail(err, c->path, 0, "cannot write the file");
        ok = 0;
    }
    if (!ok)
        unlink(c->tmp);
    return ok ? 0 : -1;
}

static int save_pdf(ion_pdf *p, const char *path, ion_error *err)
{
    const unsigned char *data;
    size_t len;
    if (ion_pdf_bytes(p, &data, &len, err))
        return -1;
    return write_file(path, data, len, err);
}

/* students/ID.pdf, and the student's pages in class.pdf and solutions.pdf. */
static int write_pdfs(gen_ctx *g, const ion_student_sheet *s, ion_error *err)
{
    char path[1200];
    const ion_sheet *sheet = ion_sheet_build(g->sheet, s, ion_tmpl_lang(g->tmpl), 0);
    ion_pdf *one = ion_pdf_new(g->tmpl, err);
    if (!one)
        return -1;
    snprintf(path, sizeof path, "%s/students/%s.pdf", g->dir, s->id);
    ion_pdf *both[] = {g->class_pdf, one}; /* laid out once, drawn twice */
    int rc = ion_pdf_add_worksheet_to(both, 2, sheet, err) || save_pdf(one, path, err);
    ion_pdf_free(one);
    if (rc)
        return -1;
    sheet = ion_sheet_build(g->sheet, s, ion_tmpl_lang(g->tmpl), 1);
    return ion_pdf_add_solutions(g->solutions_pdf, sheet, err);
}

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

static void progress(gen_ctx *g, const ion_student_sheet *s)
{
    size_t done = s->index + 1, width = 40;
    if (done != s->count && done % 64)
        return;
    size_t filled = s->count ? width * done / s->count : width;
    fprintf(stderr, "\r[%-*.*s] %zu/%zu", (int)width, (int)filled,
            "========================================", done, s->count);
    g->bar_open = done != s->count;
    if (!g->bar_open)
        fputc('\n', stderr);
}

static int write_student(const ion_student_sheet *s, void *ctx, ion_error *err)
{
    gen_ctx *g = ctx;
    char path[1200];
    const char *why = ion_bank_id_problem(s->id);
    /* The bank checks ids on import; one put there by other means is not
     * used as a file name either. */
    if (why)
        return ion_fail(err, NULL, 0, "student id '%.64s' %s: not used as a file name", s->id, why);
    g->io_failed = 1; /* until this student's files are written */
    if (ion_key_student(g->key_writer, s))
        return ion_fail(err, "key.xml", 0, "could not write the key");
    if (g->pdf && write_pdfs(g, s, err))
        return -1;
    snprintf(path, sizeof path, "%s/answers/%s.txt", g->dir, s->id);
    FILE *f = fopen(path, "w");
    if (!f)
        return ion_fail(err, path, 0, "cannot create the file");
    int bad = ion_answers_render(f, s);
    bad |= fclose(f) != 0;
    if (bad)
        return ion_fail(err, path, 0, "could not write the file");
    g->io_failed = 0;
    if (g->progress)
        progress(g, s);
    return 0;
}

int cmd_generate(int argc, char **argv, ion_cli *cli)
{
    if (cli_wants_help(argc, argv, usage))
        return EXIT_OK;
    const char *name = NULL, *out = NULL, *value;
    const char **students = calloc((size_t)argc, sizeof *students);
    size_t nstudents = 0;
    int rc = EXIT_USAGE, no_pdf = 0;
    for (int i = 1; i < argc; i++) {
        int got = 0;
        if (!strcmp(argv[i], "--no-pdf"))
            no_pdf = 1;
        else if ((got = cli_option(argc, argv, &i, "--student", &value)) > 0)
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
    gen_ctx g = {cli, "", NULL, NULL, !cli->quiet && isatty(2), !no_pdf, NULL, NULL, NULL, NULL, 0, 0};
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
    char answers[1100], students_dir[1100], key_tmp[1100], key_path[1100];
    snprintf(answers, sizeof answers, "%s/answers", g.dir);
    snprintf(students_dir, sizeof students_dir, "%s/students", g.dir);
    snprintf(key_path, sizeof key_path, "%s/key.xml", g.dir);
    snprintf(key_tmp, sizeof key_tmp, "%s/.key.xml.tmp", g.dir);
    rc = EXIT_IO;
    ion_tmpl *tmpl = ion_tmpl_load(cli_resource("templates"), cli->lang, &err);
    g.tmpl = tmpl;
    g.sheet = ion_sheet_buf_new();
    class_doc docs[2];
    memset(docs, 0, sizeof docs);
    if (!tmpl) {
        cli_report(&err);
    } else if (make_dirs(answers) || (g.pdf && make_dirs(students_dir))) {
        cli_msg(g.dir, 0, "cannot create the output directory");
    } else if (g.pdf && (!(g.class_pdf = class_doc_open(&docs[0], g.dir, "class.pdf", tmpl, &err)) ||
                         !(g.solutions_pdf = class_doc_open(&docs[1], g.dir, "solutions.pdf", tmpl, &err)))) {
        cli_report(&err);
    } else if (!(g.key = fopen(key_tmp, "w"))) {
        cli_msg(key_tmp, 0, "cannot create the file");
    } else {
        /* The key appears under its name only once it is whole and the
         * database holds the same instances. */
        g.key_writer = ion_key_begin(g.key, &w);
        int gen = g.key_writer ? ion_generate(b, &w, students, nstudents, write_student, &g, &err) : ION_GEN_EDB;
        int bad = gen != 0;
        bad |= ion_key_end(g.key_writer) != 0;
        if (g.pdf) {
            int ok = !bad;
            bad |= class_doc_close(&docs[0], g.class_pdf, !bad, &err) != 0;
            bad |= class_doc_close(&docs[1], g.solutions_pdf, !bad, &err) != 0;
            g.io_failed |= ok && bad;
        }
        if (fclose(g.key) != 0)
            bad = g.io_failed = 1;
        if (bad) {
            if (g.bar_open)
                fputc('\n', stderr); /* the message on a line of its own */
            if (err.msg[0])
                cli_report(&err);
            else
                cli_msg(key_path, 0, "could not write the key");
            unlink(key_tmp);
            rc = g.io_failed || !err.msg[0] || gen == ION_GEN_EDB ? EXIT_IO
                 : gen == ION_GEN_ENOSTUDENT                     ? EXIT_USAGE
                                                                 : EXIT_INPUT;
        } else if (rename(key_tmp, key_path)) {
            cli_msg(key_path, 0, "cannot write the file");
        } else {
            if (!cli->quiet)
                printf("generated %s for %s in %s/: key.xml, %sanswers/\n", name,
                       nstudents ? "the named students" : "the whole course", g.dir,
                       g.pdf ? "class.pdf, solutions.pdf, students/, " : "");
            rc = EXIT_OK;
        }
    }
    for (int i = 0; i < 2; i++) /* left open by an error: removed */
        class_doc_close(&docs[i], NULL, 0, NULL);
    ion_pdf_free(g.class_pdf);
    ion_pdf_free(g.solutions_pdf);
    ion_sheet_buf_free(g.sheet);
    ion_tmpl_free(tmpl);
    ion_worksheet_release(&w);
    ion_bank_close(b);
done:
    free(students);
    return rc;
}
