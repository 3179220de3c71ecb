/* ionsheet init, and ionsheet bank import|list|show|check. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "catalog.h"
#include "check.h"
#include "instance.h"
#include "outfile.h"
#include "preview.h"
#include "render_text.h"
#include "table.h"
#include "text.h"

static void print_import_error(const ion_error *err, void *ctx)
{
    (void)ctx;
    cli_report(err);
}

/* Imports paths and prints the summary; returns an exit code. */
static int import(const ion_cli *cli, ion_bank *b, const char *const *paths, size_t n)
{
    ion_import_stats st;
    ion_error err = {0};
    int rc = ion_import(b, paths, n, cli_resource("schema/problem.xsd"), print_import_error, NULL, &st, &err);
    if (rc == ION_BANK_EINVAL && !err.msg[0])
        return EXIT_INPUT;  /* each bad file had its message; nothing was stored */
    if (rc) {
        cli_report(&err);
        return rc == ION_BANK_EINVAL ? EXIT_INPUT : EXIT_IO;
    }
    char templates[64], files[64];
    if (!cli->quiet)
        cli_say("cli.bank.imported", "%s%s%d%d%d",
                cli_count(templates, sizeof templates, "count.templates", (size_t)st.templates),
                cli_count(files, sizeof files, "count.files", (size_t)st.files), st.added, st.updated, st.unchanged);
    return EXIT_OK;
}

int cmd_init(int argc, char **argv, ion_cli *cli)
{
    if (cli_wants_help(argc, argv, "cli.init.usage"))
        return EXIT_OK;
    const char *problems = NULL;
    for (int i = 1; i < argc; i++) {
        int got = cli_option(argc, argv, &i, "--problems", &problems);
        if (got < 0)
            return EXIT_USAGE;
        if (!got) {
            cli_msg(NULL, 0, "cli.unexpected_argument", "%s%s", "init", argv[i]);
            return EXIT_USAGE;
        }
    }
    char shipped[4096];
    if (!problems) {
        /* cli_resource's buffer is reused by import() for the schema. */
        snprintf(shipped, sizeof shipped, "%s", cli_resource("problems"));
        problems = shipped;
    }
    ion_bank *b = cli_open_bank(cli, 1);
    if (!b)
        return EXIT_IO;
    if (!cli->quiet)
        cli_say("cli.init.ready", "%s%d", cli->db_path, ION_BANK_SCHEMA_VERSION);
    int rc = import(cli, b, &problems, 1);
    ion_bank_close(b);
    return rc;
}

static int bank_import(int argc, char **argv, ion_cli *cli)
{
    if (argc < 3) {
        cli_msg(NULL, 0, "cli.bank.import_what", "-");
        return EXIT_USAGE;
    }
    ion_bank *b = cli_open_bank(cli, 0);
    if (!b)
        return EXIT_IO;
    int rc = import(cli, b, (const char *const *)argv + 2, (size_t)argc - 2);
    ion_bank_close(b);
    return rc;
}

typedef struct {
    ion_table *table;
    size_t count;
} template_rows;

static int template_row(const ion_bank_template *t, void *ctx)
{
    template_rows *r = ctx;
    char d[16];
    snprintf(d, sizeof d, "%d", t->difficulty);
    r->count++;
    return ion_table_row(r->table, (const char *[]){t->id, t->topic, d, t->title_en, t->langs});
}

static int bank_list(int argc, char **argv, ion_cli *cli)
{
    const char *topic = NULL;
    for (int i = 2; i < argc; i++) {
        int got = cli_option(argc, argv, &i, "--topic", &topic);
        if (got <= 0) {
            if (!got)
                cli_msg(NULL, 0, "cli.unexpected_argument", "%s%s", "bank list", argv[i]);
            return EXIT_USAGE;
        }
    }
    ion_bank *b = cli_open_bank(cli, ION_BANK_READ);
    if (!b)
        return EXIT_IO;
    ion_error err = {0};
    template_rows r = {ion_table_new("llrll"), 0};
    int rc = r.table ? ion_table_row(r.table, (const char *[]){"id", "topic", "d", "title", "languages"}) : -1;
    if (rc == 0)
        rc = ion_bank_template_list(b, topic, template_row, &r, &err);
    ion_bank_close(b);
    rc = cli_print_table(r.table, rc, &err);
    if (rc == EXIT_OK && !cli->quiet)
        cli_say(cli_plural("cli.bank.listed", (double)r.count), "%zu", r.count);
    return rc;
}

/* The options of bank show and bank preview: ID and --seed, and for
 * preview (pdf not NULL) --pdf and --lang. 0, or EXIT_USAGE after saying
 * why. */
static int template_options(int argc, char **argv, ion_cli *cli, const char **id, const char **seed_text,
                            const char **pdf)
{
    for (int i = 2; i < argc; i++) {
        int got = cli_option(argc, argv, &i, "--seed", seed_text);
        if (!got && pdf)
            got = cli_option(argc, argv, &i, "--pdf", pdf);
        if (!got && pdf)
            got = cli_option(argc, argv, &i, "--lang", &cli->lang);
        if (got < 0)
            return EXIT_USAGE;
        if (!got && !*id && argv[i][0] != '-') {
            *id = argv[i];
        } else if (!got) {
            cli_msg(NULL, 0, "cli.bank.unexpected_argument", "%s%s", argv[1], argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!ion_text_language_ok(cli->lang)) {
        const char *lang = cli->lang;
        char langs[200];
        cli->lang = "en";
        cli_msg(NULL, 0, "cli.bank.unknown_language", "%s%s%s", argv[1], lang, ion_text_languages(langs, sizeof langs));
        return EXIT_USAGE;
    }
    ion_text_set_lang(cli->lang);
    return 0;
}

/* The template bank show or bank preview (argv[1]) names, and *seed;
 * NULL with the exit code in *rc. The database is only read. */
static ion_template *load_template(int argc, char **argv, ion_cli *cli, const char **pdf, unsigned long long *seed,
                                   int *rc)
{
    const char *id = NULL, *seed_text = "1";
    char *end;
    if ((*rc = template_options(argc, argv, cli, &id, &seed_text, pdf)))
        return NULL;
    *rc = EXIT_USAGE;
    *seed = strtoull(seed_text, &end, 10);
    if (!id || *end || end == seed_text || *seed_text == '-') {
        if (id)
            cli_msg(NULL, 0, "cli.bank.seed", "%s", argv[1]);
        else
            cli_msg(NULL, 0, "cli.bank.give_id", "%s", argv[1]);
        return NULL;
    }
    ion_bank *b = cli_open_bank(cli, ION_BANK_READ);
    if (!b) {
        *rc = EXIT_IO;
        return NULL;
    }
    ion_error err = {0};
    ion_template *t = ion_catalog_load(b, id, 0, &err);
    ion_bank_close(b);
    if (!t)
        cli_report(&err);
    *rc = t ? EXIT_OK : err.io ? EXIT_IO : err.key && !strcmp(err.key, "err.catalog.unknown") ? EXIT_USAGE : EXIT_INPUT;
    return t;
}

static int bank_show(int argc, char **argv, ion_cli *cli)
{
    unsigned long long seed;
    int rc;
    ion_template *t = load_template(argc, argv, cli, NULL, &seed, &rc);
    if (!t)
        return rc;
    ion_instance in;
    ion_error err = {0};
    if (ion_instance_init(&in, t) || ion_instance_generate(&in, seed, &err)) {
        cli_report(&err);
        rc = EXIT_INPUT;
    } else {
        char *text = ion_instance_text(&in, cli->lang);
        if (text) {
            fputs(text, stdout);
        } else {
            cli_msg(NULL, 0, "cli.out_of_memory", "-");
            rc = EXIT_IO;
        }
        free(text);
    }
    ion_instance_release(&in);
    ion_template_free(t);
    return rc;
}

/* Writes the preview PDF to path (private: it holds the solutions). */
static int write_pdf(ion_pdf *pdf, const char *path, ion_error *err)
{
    const unsigned char *data;
    size_t len;
    if (ion_pdf_bytes(pdf, &data, &len, err))
        return -1;
    return ion_write_file(path, ION_OUT_PRIVATE, data, len, err);
}

/* The preview in the terminal: the student's page, then the solutions. */
static int print_preview(ion_preview *p, const ion_cli *cli)
{
    ion_error err = {0};
    ion_tmpl *tmpl = ion_tmpl_load(cli_resource("templates"), cli->lang, &err);
    char *page = tmpl ? ion_sheet_text(ion_preview_sheet(p), tmpl, 0) : NULL;
    char *solutions = page ? ion_sheet_text(ion_preview_sheet(p), tmpl, 1) : NULL;
    if (solutions)
        printf("%s\n%s", page, solutions);
    else if (tmpl)
        cli_msg(NULL, 0, "cli.out_of_memory", "-");
    else
        cli_report(&err);
    ion_tmpl_free(tmpl);
    free(page);
    free(solutions);
    return solutions ? EXIT_OK : tmpl ? EXIT_IO : EXIT_INPUT;
}

static int bank_preview(int argc, char **argv, ion_cli *cli)
{
    const char *pdf_path = NULL;
    unsigned long long seed;
    int rc;
    ion_template *t = load_template(argc, argv, cli, &pdf_path, &seed, &rc);
    if (!t)
        return rc;
    ion_error err = {0};
    ion_preview *p = ion_preview_new(t, seed, cli->lang, &err);
    rc = EXIT_OK;
    if (!p) {
        cli_report(&err);
        rc = EXIT_INPUT;
    } else if (!pdf_path) {
        rc = print_preview(p, cli);
    } else {
        ion_tmpl *tmpl = ion_tmpl_load(cli_resource("templates"), cli->lang, &err);
        ion_pdf *pdf = tmpl ? ion_preview_pdf(p, tmpl, &err) : NULL;
        if (!pdf || write_pdf(pdf, pdf_path, &err)) {
            cli_report(&err);
            rc = !tmpl ? EXIT_INPUT : EXIT_IO;
        } else if (!cli->quiet) {
            cli_say("cli.bank.preview_wrote", "%s%s%llu", pdf_path, t->id, seed);
        }
        ion_pdf_free(pdf);
        ion_tmpl_free(tmpl);
    }
    ion_preview_free(p);
    ion_template_free(t);
    return rc;
}

static void print_check_failure(const ion_check_failure *f, void *ctx)
{
    (void)ctx;
    if (*f->values)
        cli_msg(f->t->file, f->line, "cli.check.failure_seed", "%s%llu%s%s", f->t->id, f->seed, f->what, f->values);
    else
        cli_msg(f->t->file, f->line, "cli.check.failure", "%s%s", f->t->id, f->what);
}

typedef struct {
    ion_bank *bank;
    ion_template_list list;
    ion_error err;
    int failed;
} bank_templates;

static int collect(const ion_bank_template *d, void *ctx)
{
    bank_templates *c = ctx;
    ion_template *t = ion_catalog_load(c->bank, d->id, 0, &c->err);
    if (!t) {
        cli_report(&c->err);
        c->failed = c->err.io ? 2 : 1;
        return 0;
    }
    c->list.items = realloc(c->list.items, (c->list.n + 1) * sizeof *c->list.items);
    c->list.items[c->list.n++] = t;
    return 0;
}

/* Files are checked as they are, without a database: how authors test
 * their work before importing it. Returns an exit code. */
static int load_files(const char *const *paths, size_t npaths, ion_template_list *list)
{
    char **files = NULL;
    size_t nfiles = 0;
    int rc = EXIT_OK;
    for (size_t i = 0; i < npaths; i++) {
        ion_error err = {0};
        if (ion_catalog_expand(paths[i], &files, &nfiles, &err)) {
            cli_report(&err);
            rc = EXIT_INPUT;
        }
    }
    for (size_t i = 0; i < nfiles; i++) {
        ion_error err = {0};
        if (ion_templates_load(files[i], cli_resource("schema/problem.xsd"), list, &err)) {
            cli_report(&err);
            rc = EXIT_INPUT;
        }
        free(files[i]);
    }
    free(files);
    return rc;
}

/* Every template of the bank into c->list; returns an exit code. */
static int load_bank(ion_cli *cli, bank_templates *c)
{
    int rc = EXIT_OK;
    if (!(c->bank = cli_open_bank(cli, ION_BANK_READ)))
        return EXIT_IO;
    if (ion_bank_template_list(c->bank, NULL, collect, c, &c->err) < 0) {
        cli_report(&c->err);
        rc = EXIT_IO;
    }
    if (c->failed && rc != EXIT_IO)
        rc = c->failed == 2 ? EXIT_IO : EXIT_INPUT;
    ion_bank_close(c->bank);
    return rc;
}

static int bank_check(int argc, char **argv, ion_cli *cli)
{
    const char *samples_text = "2000";
    const char **paths = calloc((size_t)argc, sizeof *paths);
    size_t npaths = 0;
    for (int i = 2; i < argc; i++) {
        int got = cli_option(argc, argv, &i, "--samples", &samples_text);
        if (got < 0) {
            free(paths);
            return EXIT_USAGE;
        }
        if (!got)
            paths[npaths++] = argv[i];
    }
    char *end;
    long samples_l = strtol(samples_text, &end, 10);
    int samples = *end || end == samples_text || samples_l > 100000000 ? 0 : (int)samples_l;
    if (samples < 1) {
        free(paths);
        cli_msg(NULL, 0, "cli.check.samples", "-");
        return EXIT_USAGE;
    }
    bank_templates c = {0};
    int rc = npaths ? load_files(paths, npaths, &c.list) : load_bank(cli, &c);
    int failures = 0, bad_templates = 0;
    for (size_t i = 0; i < c.list.n; i++) {
        int f = ion_check_template(c.list.items[i], samples, print_check_failure, NULL);
        failures += f;
        bad_templates += f > 0;
    }
    /* With nothing checked because the files were refused (each said why),
     * no "checked 0 templates" beside exit 3. */
    char checked[64], each[64], broken[64];
    if (!cli->quiet && rc != EXIT_IO && (c.list.n || rc == EXIT_OK))
        cli_say(rc ? "cli.check.summary_unread" : "cli.check.summary", "%s%s%d%d%s",
                cli_count(checked, sizeof checked, "count.templates", c.list.n),
                cli_count(each, sizeof each, "count.samples", (size_t)samples), (int)c.list.n - bad_templates,
                bad_templates, cli_count(broken, sizeof broken, "count.rules", (size_t)failures));
    ion_template_list_release(&c.list);
    free(paths);
    if (rc)
        return rc;
    return failures ? EXIT_FAILURES : EXIT_OK;
}

int cmd_bank(int argc, char **argv, ion_cli *cli)
{
    if (argc < 2 || cli_wants_help(argc, argv, "cli.bank.usage")) {
        if (argc < 2)
            cli_usage(stderr, "cli.bank.usage");
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    static const cli_sub subs[] = {
        {"import", bank_import}, {"list", bank_list},   {"show", bank_show},
        {"check", bank_check},   {"preview", bank_preview},
    };
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (!strcmp(argv[1], subs[i].name))
            return subs[i].fn(argc, argv, cli);
    cli_msg(NULL, 0, "cli.bank.unknown_subcommand", "%s", argv[1]);
    return EXIT_USAGE;
}
