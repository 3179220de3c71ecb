/* ionsheet worksheet create|list|show|edit|delete */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "generate.h"
#include "table.h"
#include "text.h"


/* Splits a comma-separated list into *items (malloc'd copies, spaces
 * trimmed; empty items stay, as ""). */
static int split(const char *list, char ***items, size_t *n)
{
    size_t k = 1;
    for (const char *p = list; *p; p++)
        k += *p == ',';
    char **v = calloc(k, sizeof *v);
    if (!v)
        return -1;
    *items = v;
    *n = 0;
    for (const char *p = list;; p++) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && *p == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (!(v[*n] = malloc(len + 1)))
            return -1;
        memcpy(v[*n], p, len);
        v[(*n)++][len] = '\0';
        if (!end)
            return 0;
        p = end;
    }
}

static void free_items(char **items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        free(items[i]);
    free(items);
}

/* --points: n numbers >= 0, or empty for the template's own (-1); n 0:
 * any count, stored in *n. */
static int parse_points(const char *list, size_t *n, double **out)
{
    char **items = NULL;
    size_t k = 0;
    int ret = -1;
    if (split(list, &items, &k) || !(*out = malloc(k * sizeof **out))) {
        cli_msg(NULL, 0, "cli.out_of_memory", "-");
        goto done;
    }
    if (*n && k != *n) {
        char given[64], problems[64];
        cli_msg(NULL, 0, "cli.worksheet.points_count", "%s%s", cli_count(given, sizeof given, "count.values", k),
                cli_count(problems, sizeof problems, "count.problems", *n));
        goto done;
    }
    *n = k;
    for (size_t i = 0; i < k; i++) {
        char *end;
        (*out)[i] = *items[i] ? strtod(items[i], &end) : -1;
        if (*items[i] && (*end || !isfinite((*out)[i]) || (*out)[i] < 0)) {
            cli_msg(NULL, 0, "cli.worksheet.points", "%s", items[i]);
            goto done;
        }
    }
    ret = 0;
done:
    free_items(items, k);
    return ret;
}

typedef struct {
    const char *name, *course, *problems, *title, *due, *points, *feedback;
    int quiet, force;
} ws_args;

/* The options a subcommand takes. */
enum {
    OPT_COURSE = 1,
    OPT_PROBLEMS = 2,
    OPT_TITLE = 4,
    OPT_DUE = 8,
    OPT_POINTS = 16,
    OPT_FEEDBACK = 32,
    OPT_FORCE = 64,
    OPT_NAME = 128, /* the worksheet NAME, required */
};

/* Parses the arguments of subcommand argv[1], which takes the options in
 * the mask allowed. */
static int parse_args(int argc, char **argv, int allowed, ws_args *a)
{
    static const char *const names[] = {"--course", "--problems", "--title",
                                        "--due", "--points", "--feedback"};
    const char **values[] = {&a->course, &a->problems, &a->title, &a->due,
                             &a->points, &a->feedback};
    for (int i = 2; i < argc; i++) {
        int got = 0;
        for (size_t k = 0; !got && k < sizeof names / sizeof names[0]; k++)
            if ((allowed & 1 << k) &&
                (got = cli_option(argc, argv, &i, names[k], values[k])) < 0)
                return -1;
        if (got)
            continue;
        if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            a->quiet = 1;
        } else if ((allowed & OPT_FORCE) && !strcmp(argv[i], "--force")) {
            a->force = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_msg(NULL, 0, "cli.worksheet.unknown_option", "%s%s", argv[1], argv[i]);
            return -1;
        } else if (a->name || !(allowed & OPT_NAME)) {
            cli_msg(NULL, 0, "cli.worksheet.unexpected", "%s%s", argv[1], argv[i]);
            return -1;
        } else {
            a->name = argv[i];
        }
    }
    if ((allowed & OPT_NAME) && !a->name) {
        cli_msg(NULL, 0, "cli.worksheet.missing_name", "%s", argv[1]);
        return -1;
    }
    return 0;
}

/* --problems as template ids, none empty. */
static int parse_problems(const char *list, char ***ids, size_t *n)
{
    if (split(list, ids, n)) {
        cli_msg(NULL, 0, "cli.out_of_memory", "-");
        return -1;
    }
    for (size_t i = 0; i < *n; i++)
        if (!*(*ids)[i]) {
            cli_msg(NULL, 0, "cli.worksheet.empty_id", "%s", list);
            return -1;
        }
    return 0;
}

/* The exit code of a failed library call, after its message. */
static int failed(int ret, const ion_error *err)
{
    cli_report(err);
    return ret == ION_BANK_EINVAL ? EXIT_INPUT : EXIT_IO;
}

/* A worksheet's definition, from the arguments of create or edit. */
typedef struct {
    ws_args a;
    char **ids;     /* --problems, n of them */
    size_t n;
    double *points; /* --points, npoints of them */
    size_t npoints;
} ws_definition;

/* Parses create's or edit's (argv[1]) arguments into d: create needs
 * --course and --problems, and as many points as problems; edit needs
 * something to change. 0, or -1 after saying why (release d either way). */
static int parse_definition(int argc, char **argv, const ion_cli *cli, ws_definition *d)
{
    int create = !strcmp(argv[1], "create");
    ws_args *a = &d->a;
    memset(d, 0, sizeof *d);
    a->quiet = cli->quiet;
    if (parse_args(argc, argv, OPT_NAME | OPT_COURSE | OPT_PROBLEMS | OPT_TITLE | OPT_DUE | OPT_POINTS | OPT_FEEDBACK,
                   a))
        return -1;
    if (create && (!a->course || !a->problems)) {
        cli_msg(NULL, 0, !a->course ? "cli.worksheet.missing_course" : "cli.worksheet.missing_problems", "-");
        return -1;
    }
    if (!create && !a->title && !a->due && !a->points && !a->problems && !a->feedback) {
        cli_msg(NULL, 0, "cli.worksheet.nothing", "-");
        return -1;
    }
    if (a->problems && parse_problems(a->problems, &d->ids, &d->n))
        return -1;
    d->npoints = create ? d->n : 0;
    if (a->points && parse_points(a->points, &d->npoints, &d->points))
        return -1;
    if (a->problems && a->points && d->npoints != d->n) {
        char given[64], problems[64];
        cli_msg(NULL, 0, "cli.worksheet.edit_points_count", "%s%s",
                cli_count(given, sizeof given, "count.values", d->npoints),
                cli_count(problems, sizeof problems, "count.problems", d->n));
        return -1;
    }
    return 0;
}

static void definition_release(ws_definition *d)
{
    free_items(d->ids, d->n);
    free(d->points);
}

static int worksheet_create(int argc, char **argv, ion_cli *cli)
{
    ws_definition d;
    int rc = parse_definition(argc, argv, cli, &d) ? EXIT_USAGE : EXIT_IO;
    const ws_args *a = &d.a;
    ion_error err = {0};
    ion_bank *b = rc == EXIT_USAGE ? NULL : cli_open_bank(cli, 0);
    if (!b) {
        definition_release(&d);
        return rc;
    }
    /* The policy is set by an edit in the same transaction. */
    ion_bank_ws_edit policy = {0};
    policy.feedback = a->feedback;
    int ret = ion_bank_begin(b, &err);
    if (ret >= 0)
        ret = ion_bank_worksheet_create(b, a->name, a->course, a->title, a->due, d.n, (const char *const *)d.ids,
                                        d.points, &err);
    if (ret >= 0 && a->feedback)
        ret = ion_bank_worksheet_edit(b, a->name, a->course, &policy, &err);
    if (ret >= 0)
        ret = ion_bank_commit(b, &err);
    if (ret < 0)
        ion_bank_rollback(b, NULL);
    ion_bank_close(b);
    if (ret < 0)
        rc = failed(ret, &err);
    else if (!a->quiet)
        cli_say(cli_plural("cli.worksheet.created", (double)d.n), "%s%s%zu", a->name, a->course, d.n);
    definition_release(&d);
    return ret < 0 ? rc : EXIT_OK;
}

typedef struct {
    ion_bank *bank;
    ion_table *table;
    ion_error *err;
} list_ctx;

static int list_row(const char *course, const char *name, void *ctx)
{
    list_ctx *l = ctx;
    ion_bank_worksheet w;
    ion_bank_ws_usage u;
    char n[3][24];
    int ret = ion_bank_worksheet_get(l->bank, name, course, &w, l->err);
    if (ret <= 0)
        return ret < 0 ? ret : cli_fail(l->err, "cli.worksheet.vanished", "-");
    ret = ion_bank_worksheet_usage(l->bank, name, course, &u, l->err);
    snprintf(n[0], sizeof n[0], "%zu", w.n);
    snprintf(n[1], sizeof n[1], "%zu", u.generated);
    snprintf(n[2], sizeof n[2], "%zu", u.submitters);
    if (ret == 0)
        ret = ion_table_row(l->table, (const char *[]){course, name, w.due,
                                                       n[0], n[1], n[2],
                                                       w.title});
    ion_bank_worksheet_release(&w);
    return ret;
}

static int worksheet_list(int argc, char **argv, ion_cli *cli)
{
    ws_args a = {0};
    if (parse_args(argc, argv, OPT_COURSE, &a))
        return EXIT_USAGE;
    ion_error err = {0};
    list_ctx l = {cli_open_bank(cli, ION_BANK_READ), ion_table_new("lllrrrl"), &err};
    if (!l.bank) {
        ion_table_free(l.table);
        return EXIT_IO;
    }
    int ret = a.course ? ion_bank_course_exists(l.bank, a.course, &err) : 1;
    if (ret == 0)
        ret = cli_fail(&err, "cli.worksheet.unknown_course", "%s", a.course);
    if (ret > 0)
        ret = l.table ? ion_table_row(l.table,
                                      (const char *[]){"course", "name", "due",
                                                       "problems", "generated",
                                                       "submitted", "title"})
                      : -1;
    if (ret == 0)
        ret = ion_bank_worksheet_list(l.bank, a.course, list_row, &l, &err);
    ion_bank_close(l.bank);
    return cli_print_table(l.table, ret, &err);
}

/* "3" or "2.5": points as a person writes them. */
static const char *points_text(double p, char *buf, size_t n)
{
    snprintf(buf, n, "%.2f", p);
    char *end = buf + strlen(buf);
    while (end[-1] == '0')
        *--end = '\0';
    if (end[-1] == '.')
        end[-1] = '\0';
    return buf;
}

/* One line per problem: position, template, version, points, title. */
static int print_problems(const ion_worksheet *w, const char *lang)
{
    ion_table *t = ion_table_new("rllrl");
    int ret = t ? 0 : -1;
    for (size_t i = 0; ret == 0 && i < w->ws.n; i++) {
        const ion_bank_ws_problem *p = &w->ws.problems[i];
        char pos[24], version[24], points[32];
        double total = 0;
        for (size_t k = 0; k < w->templates[i]->nparts; k++)
            total += ion_worksheet_part_points(w, i, k);
        ion_strbuf title = {0};
        ion_markup_plain(ion_i18n_get(&w->templates[i]->title, lang), &title);
        snprintf(pos, sizeof pos, "%zu", i + 1);
        snprintf(version, sizeof version, "v%d", p->version);
        ret = title.oom ? -1
                        : ion_table_row(t, (const char *[]){
                                               pos, p->template_id, version,
                                               points_text(total, points,
                                                           sizeof points),
                                               title.s});
        ion_strbuf_release(&title);
    }
    return cli_print_table(t, ret, NULL);
}

static int worksheet_show(int argc, char **argv, ion_cli *cli)
{
    ws_args a = {0};
    if (parse_args(argc, argv, OPT_NAME | OPT_COURSE, &a))
        return EXIT_USAGE;
    ion_bank *b = cli_open_bank(cli, ION_BANK_READ);
    if (!b)
        return EXIT_IO;
    ion_error err = {0};
    ion_worksheet w;
    ion_bank_ws_usage u;
    char total[32];
    int ret = ion_worksheet_load(b, a.name, a.course, &w, &err);
    if (ret > 0 && ion_bank_worksheet_usage(b, a.name, w.ws.course, &u, &err)) {
        ion_worksheet_release(&w);
        ret = ION_BANK_EDB;
    }
    ion_bank_close(b);
    if (ret == 0) {
        cli_msg(NULL, 0, "cli.worksheet.unknown", "%s", a.name);
        return EXIT_INPUT;
    }
    if (ret < 0)
        return failed(ret, &err);
    cli_say("cli.worksheet.show", "%s%s%s%s%s%s%s", w.ws.name, w.ws.course, w.ws.title,
            w.ws.due ? w.ws.due : cli_word("cli.worksheet.no_due"), w.ws.created,
            points_text(w.max_points, total, sizeof total), w.ws.feedback ? w.ws.feedback : "immediate");
    char gen[64], subs[64], from[64], parts[64];
    cli_say("cli.worksheet.usage_counts", "%s%s%s%s", cli_count(gen, sizeof gen, "count.students", u.generated),
            cli_count(subs, sizeof subs, "count.submissions", u.submissions),
            cli_count(from, sizeof from, "count.students", u.submitters),
            cli_count(parts, sizeof parts, "count.graded_parts", u.grades));
    ret = print_problems(&w, cli->lang);
    ion_worksheet_release(&w);
    return ret;
}

/* Prints what edit changed, and what to do when files exist already. */
static void edited(ion_bank *b, const ws_args *a, ion_cli *cli)
{
    ion_bank_worksheet w;
    ion_bank_ws_usage u = {0};
    ion_error err = {0};
    if (cli->quiet || ion_bank_worksheet_get(b, a->name, a->course, &w,
                                             &err) <= 0)
        return;
    ion_bank_worksheet_usage(b, a->name, w.course, &u, &err);
    cli_say("cli.worksheet.changed", "%s%s%s%s%s%s", w.name, w.course, a->title ? " title" : "",
            a->due ? " due" : "", a->points ? " points" : "", a->problems ? " problems" : "");
    if (u.generated)
        cli_say(cli_plural("cli.worksheet.generate_again", (double)u.generated), "%zu%s%s", u.generated, w.name,
                w.course);
    ion_bank_worksheet_release(&w);
}

static int worksheet_edit(int argc, char **argv, ion_cli *cli)
{
    ws_definition d;
    int rc = parse_definition(argc, argv, cli, &d) ? EXIT_USAGE : EXIT_IO;
    const ws_args *a = &d.a;
    ion_bank_ws_edit e = {a->title, a->due, a->problems ? d.n : d.npoints, (const char *const *)d.ids, d.points,
                          a->feedback};
    ion_error err = {0};
    ion_bank *b = rc == EXIT_USAGE ? NULL : cli_open_bank(cli, 0);
    if (b) {
        int ret = ion_bank_worksheet_edit(b, a->name, a->course, &e, &err);
        if (ret < 0)
            rc = failed(ret, &err);
        else
            edited(b, a, cli), rc = EXIT_OK;
        ion_bank_close(b);
    }
    definition_release(&d);
    return rc;
}

static int worksheet_delete(int argc, char **argv, ion_cli *cli)
{
    ws_args a = {0};
    ion_bank_ws_usage gone;
    if (parse_args(argc, argv, OPT_NAME | OPT_COURSE | OPT_FORCE, &a))
        return EXIT_USAGE;
    ion_bank *b = cli_open_bank(cli, 0);
    if (!b)
        return EXIT_IO;
    ion_error err = {0};
    int ret = ion_bank_worksheet_delete(b, a.name, a.course, a.force, &gone,
                                        &err);
    ion_bank_close(b);
    if (ret < 0)
        return failed(ret, &err);
    if (!cli->quiet && !a.quiet) {
        cli_say("cli.worksheet.deleted", "%s", a.name);
        char subs[64], from[64], parts[64];
        if (gone.submissions)
            cli_say("cli.worksheet.deleted_submissions", "%s%s%s",
                    cli_count(subs, sizeof subs, "count.submissions", gone.submissions),
                    cli_count(from, sizeof from, "count.students", gone.submitters),
                    cli_count(parts, sizeof parts, "count.graded_parts", gone.grades));
        if (gone.generated)
            cli_say(cli_plural(gone.submissions ? "cli.worksheet.deleted_and_problems" : "cli.worksheet.deleted_problems",
                               (double)gone.generated),
                    "%zu", gone.generated);
        cli_say("cli.worksheet.deleted_end", "-");
    }
    return EXIT_OK;
}

int cmd_worksheet(int argc, char **argv, ion_cli *cli)
{
    static const cli_sub subs[] = {{"create", worksheet_create}, {"list", worksheet_list},
                                   {"show", worksheet_show},     {"edit", worksheet_edit},
                                   {"delete", worksheet_delete}};
    return cli_dispatch("worksheet", subs, sizeof subs / sizeof subs[0], argc, argv, cli,
                        "cli.worksheet.usage");
}
