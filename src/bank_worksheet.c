/* The bank's worksheets (bank.h): their problems, pinned versions,
 * points, feedback policy and use. */
#include "bank_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- worksheets ---- */

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM", a real date and time. */
static int due_ok(const char *s)
{
    static const int days[] = {31, 29, 31, 30, 31, 30,
                               31, 31, 30, 31, 30, 31};
    size_t n = strlen(s);
    if ((n != 10 && n != 16) || s[4] != '-' || s[7] != '-')
        return 0;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return 0;
    if (n == 10)
        return 1;
    int h = digits(s + 11, 2), mi = digits(s + 14, 2);
    return s[10] == 'T' && s[13] == ':' && h >= 0 && h < 24 && mi >= 0 &&
           mi < 60;
}

/* The fields create and edit share: title, due date and points. */
static int fields_check(const char *title, const char *due, size_t n,
                        const double *points, ion_error *err)
{
    const char *why;
    if (title && (why = ion_bank_text_problem(title, ION_BANK_TEXT_MAX)))
        return refuse(err, "err.bank.title", "%s", ion_text_phrase(why));
    if (due && !due_ok(due))
        return refuse(err, "err.bank.due", "%s", due);
    for (size_t i = 0; points && i < n; i++)
        if (!isfinite(points[i]) || points[i] > ION_POINTS_MAX)
            return refuse(err, "err.bank.points", "%zu%d", i + 1, ION_POINTS_MAX);
    return 0;
}

static int worksheet_check(const char *name, const char *course,
                           const char *title, const char *due, size_t n,
                           const double *points, ion_error *err)
{
    const char *why = ion_bank_id_problem(name);
    if (why)
        return refuse(err, "err.bank.ws_name", "%s%s", name ? name : "", ion_text_phrase(why));
    if (!course)
        return refuse(err, "err.bank.ws_no_course", "%s", name);
    if (n == 0)
        return refuse(err, "err.bank.ws_no_problems", "%s", name);
    return fields_check(title, due, n, points, err);
}

/* Puts problems 1..n, pinned to their templates' current versions. */
static int problems_store(ion_bank *b, const char *course, const char *name,
                          size_t n, const char *const *ids,
                          const double *points, ion_error *err)
{
    int ret, version = 0;
    for (size_t i = 0; i < n; i++) {
        if ((ret = bank_template_version(b, ids[i], &version, err)) <= 0)
            return ret < 0 ? ret
                           : refuse(err, "err.bank.unknown_template", "%s", ids[i]);
        sqlite3_stmt *st = bank_prepare(b, ST_WS_PROBLEM_PUT, err, "ttitid",
                                        course, name, (int)i + 1, ids[i], version,
                                        points ? points[i] : -1.0);
        if (!st || bank_run(b, st, err, "err.db.store_worksheet"))
            return ION_BANK_EDB;
    }
    return 0;
}

/* Inserts the worksheet and its problems; the caller holds the
 * savepoint. */
static int worksheet_store(ion_bank *b, const char *name, const char *course,
                           const char *title, const char *due, size_t n,
                           const char *const *ids, const double *points,
                           ion_error *err)
{
    int ret;
    sqlite3_stmt *st = bank_prepare(b, ST_WS_GET, err, "tt", course, name);
    if (!st || (ret = bank_first_row(b, st, err)) < 0)
        return ION_BANK_EDB;
    if (ret) {
        sqlite3_reset(st);
        return refuse(err, "err.bank.ws_exists", "%s%s",
                      name, course);
    }
    if ((ret = ion_bank_course_exists(b, course, err)) <= 0)
        return ret < 0 ? ret : refuse(err, "err.bank.unknown_course", "%s", course);
    st = bank_prepare(b, ST_WS_PUT, err, "tttt", name, course,
                      title ? title : name, due);
    if (!st || bank_run(b, st, err, "err.db.store_worksheet"))
        return ION_BANK_EDB;
    return problems_store(b, course, name, n, ids, points, err);
}

int ion_bank_worksheet_create(ion_bank *b, const char *name,
                              const char *course, const char *title,
                              const char *due, size_t n,
                              const char *const *template_ids,
                              const double *points, ion_error *err)
{
    int own, ret = worksheet_check(name, course, title, due, n, points, err);
    if (ret < 0 || (ret = bank_sp_begin(b, &own, err)) < 0)
        return ret;
    ret = worksheet_store(b, name, course, title, due, n, template_ids,
                          points, err);
    return bank_sp_end(b, own, ret, err);
}

void ion_bank_worksheet_release(ion_bank_worksheet *w)
{
    if (!w)
        return;
    free(w->name);
    free(w->course);
    free(w->title);
    free(w->due);
    free(w->created);
    free(w->feedback);
    for (size_t i = 0; i < w->n; i++)
        free(w->problems[i].template_id);
    free(w->problems);
    memset(w, 0, sizeof *w);
}

/* The course of worksheet name into *found (malloc'd): course itself when
 * it has such a worksheet, else (course NULL) the one course that has.
 * 1 when found, 0 when not, ION_BANK_EINVAL when several courses have it
 * and course is NULL. */
int bank_worksheet_course(ion_bank *b, const char *name, const char *course,
                          char **found, ion_error *err)
{
    char list[3 * (ION_BANK_ID_MAX + 2) + 8] = "";
    size_t rows = 0;
    int rc;
    *found = NULL;
    sqlite3_stmt *st = bank_prepare(b, course ? ST_WS_FIND_IN : ST_WS_FIND, err, "tt", name, course);
    if (!st)
        return ION_BANK_EDB;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = bank_column_text(st, 0);
        if (rows++ == 0 && !(*found = strdup(c)))
            break;
        size_t at = strlen(list);
        snprintf(list + at, sizeof list - at, "%s%s", rows > 1 ? ", " : "",
                 rows < 3 ? c : "...");
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    if (rc != SQLITE_DONE)
        return bank_db_fail(b, err, "err.db.read_bank");
    if (rows > 1) {
        free(*found);
        *found = NULL;
        return refuse(err, "err.bank.ws_courses", "%s%s",
                      name, list);
    }
    return rows == 1;
}

/* Appends the worksheet's problems to w. */
int bank_worksheet_problems(ion_bank *b, ion_bank_worksheet *w,
                            ion_error *err)
{
    int rc;
    size_t cap = 0;
    sqlite3_stmt *st = bank_prepare(b, ST_WS_PROBLEMS, err, "tt", w->course,
                                    w->name);
    if (!st)
        return ION_BANK_EDB;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (w->n == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            ion_bank_ws_problem *p =
                realloc(w->problems, ncap * sizeof *p);
            if (!p)
                break;
            w->problems = p;
            cap = ncap;
        }
        ion_bank_ws_problem *p = &w->problems[w->n];
        if (bank_column_dup(st, 0, &p->template_id))
            break;
        w->n++;
        p->version = sqlite3_column_int(st, 1);
        p->points = sqlite3_column_type(st, 2) == SQLITE_NULL
                        ? -1
                        : sqlite3_column_double(st, 2);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    if (rc != SQLITE_DONE)
        return bank_db_fail(b, err, "err.db.read_worksheet");
    return 0;
}

int ion_bank_worksheet_get(ion_bank *b, const char *name, const char *course,
                           ion_bank_worksheet *out, ion_error *err)
{
    char *found;
    memset(out, 0, sizeof *out);
    int ret = bank_worksheet_course(b, name, course, &found, err);
    if (ret <= 0)
        return ret;
    sqlite3_stmt *st = bank_prepare(b, ST_WS_GET, err, "tt", found, name);
    ret = st ? bank_first_row(b, st, err) : ION_BANK_EDB;
    free(found);
    if (ret <= 0)
        return ret;
    if (bank_column_dup(st, 0, &out->name) || bank_column_dup(st, 1, &out->course) ||
        bank_column_dup(st, 2, &out->title) || bank_column_dup(st, 3, &out->due) ||
        bank_column_dup(st, 4, &out->created) || bank_column_dup(st, 5, &out->feedback))
        ret = ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    sqlite3_reset(st);
    if (ret > 0 && bank_worksheet_problems(b, out, err) < 0)
        ret = ION_BANK_EDB;
    if (ret < 0)
        ion_bank_worksheet_release(out);
    return ret;
}

/* The refusal of a worksheet the bank does not have. */
int bank_refuse_worksheet(const char *name, const char *course, ion_error *err)
{
    return course ? refuse(err, "err.bank.no_worksheet", "%s%s", name, course)
                  : refuse(err, "err.bank.unknown_worksheet", "%s", name);
}

/* The worksheet, or the refusal "unknown worksheet". */
static int worksheet_need(ion_bank *b, const char *name, const char *course,
                          ion_bank_worksheet *w, ion_error *err)
{
    int ret = ion_bank_worksheet_get(b, name, course, w, err);
    if (ret == 0)
        return bank_refuse_worksheet(name, course, err);
    return ret < 0 ? ret : 0;
}

static int usage_of(ion_bank *b, const ion_bank_worksheet *w,
                    ion_bank_ws_usage *out, ion_error *err)
{
    sqlite3_stmt *st = bank_prepare(b, ST_WS_USAGE, err, "tt", w->course,
                                    w->name);
    int ret = bank_first_row(b, st, err);
    if (ret < 0)
        return ret;
    size_t *v[] = {&out->generated, &out->submissions, &out->submitters,
                   &out->grades};
    for (int i = 0; i < 4; i++)
        *v[i] = ret ? (size_t)sqlite3_column_int64(st, i) : 0;
    if (ret)
        sqlite3_reset(st);
    return 0;
}

int ion_bank_worksheet_usage(ion_bank *b, const char *name,
                             const char *course, ion_bank_ws_usage *out,
                             ion_error *err)
{
    ion_bank_worksheet w;
    memset(out, 0, sizeof *out);
    int ret = worksheet_need(b, name, course, &w, err);
    if (ret < 0)
        return ret;
    ret = usage_of(b, &w, out, err);
    ion_bank_worksheet_release(&w);
    return ret;
}

static int worksheet_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    return fn->worksheet(bank_column_text(st, 0), bank_column_text(st, 1),
                                    ctx);
}

int ion_bank_worksheet_list(ion_bank *b, const char *course,
                            ion_bank_worksheet_fn fn, void *ctx,
                            ion_error *err)
{
    list_fn cb = {.worksheet = fn};
    sqlite3_stmt *st = bank_prepare(b, ST_WS_LIST, err, "t", course);
    return bank_walk(b, st, worksheet_row, cb, ctx, err);
}

/* Runs statement id with (course, name) of w to its end. */
static int run_for(ion_bank *b, enum stmt_id id, const ion_bank_worksheet *w,
                   ion_error *err, const char *key)
{
    sqlite3_stmt *st = bank_prepare(b, id, err, "tt", w->course, w->name);
    return st && !bank_run(b, st, err, key) ? 0 : ION_BANK_EDB;
}

/* New points for w's problems, each keeping its pinned version. */
static int points_edit(ion_bank *b, const ion_bank_worksheet *w,
                       const double *points, ion_error *err)
{
    for (size_t i = 0; i < w->n; i++) {
        sqlite3_stmt *st = bank_prepare(b, ST_WS_POINTS, err, "ttid", w->course,
                                        w->name, (int)i + 1, points[i]);
        if (!st || bank_run(b, st, err, "err.db.store_points"))
            return ION_BANK_EDB;
    }
    return 0;
}

/* New problems for w, or new points for its problems. */
static int problems_edit(ion_bank *b, const ion_bank_worksheet *w,
                         const ion_bank_ws_edit *e, ion_error *err)
{
    ion_bank_ws_usage used;
    char given[64], problems[64];
    int ret;
    if (!e->template_ids)
        return e->n == w->n ? points_edit(b, w, e->points, err)
                            : refuse(err, "err.bank.points_count", "%s%s",
                                     ion_text_count(ion_text_lang(), "count.points", e->n, given, sizeof given),
                                     ion_text_count(ion_text_lang(), "count.problems", w->n, problems, sizeof problems));
    if ((ret = usage_of(b, w, &used, err)) < 0)
        return ret;
    if (used.generated)
        return refuse(err, ion_text_plural(ion_text_lang(), "err.bank.ws_generated", (double)used.generated),
                      "%s%zu", w->name, used.generated);
    if ((ret = run_for(b, ST_WS_PROBLEMS_DELETE, w, err,
                       "err.db.change_problems")) < 0)
        return ret;
    return problems_store(b, w->course, w->name, e->n, e->template_ids,
                          e->points, err);
}

int ion_bank_worksheet_edit(ion_bank *b, const char *name, const char *course,
                            const ion_bank_ws_edit *e, ion_error *err)
{
    ion_bank_worksheet w;
    int own, ret;
    if (e->template_ids && e->n == 0)
        return refuse(err, "err.bank.ws_would_be_empty", "%s", name);
    if (e->feedback && !ion_feedback_policy_ok(e->feedback))
        return refuse(err, "err.bank.feedback", "%s", e->feedback);
    if ((ret = fields_check(e->title, e->due && *e->due ? e->due : NULL,
                            e->n, e->points, err)) < 0 ||
        (ret = bank_sp_begin(b, &own, err)) < 0)
        return ret;
    if ((ret = worksheet_need(b, name, course, &w, err)) < 0)
        return bank_sp_end(b, own, ret, err);
    if (e->title || e->due) {
        sqlite3_stmt *st = bank_prepare(b, ST_WS_UPDATE, err, "tttt", w.course,
                                        w.name, e->title, e->due);
        if (!st || bank_run(b, st, err, "err.db.change_worksheet"))
            ret = ION_BANK_EDB;
    }
    if (ret >= 0 && (e->template_ids || e->points))
        ret = problems_edit(b, &w, e, err);
    if (ret >= 0 && e->feedback) {
        sqlite3_stmt *st = bank_prepare(b, ST_WS_FEEDBACK, err, "ttt", w.course, w.name, e->feedback);
        if (!st || bank_run(b, st, err, "err.db.change_worksheet"))
            ret = ION_BANK_EDB;
    }
    ion_bank_worksheet_release(&w);
    return bank_sp_end(b, own, ret, err);
}

int ion_bank_worksheet_delete(ion_bank *b, const char *name,
                              const char *course, int force,
                              ion_bank_ws_usage *gone, ion_error *err)
{
    static const enum stmt_id order[] = {
        ST_WS_GRADES_DELETE, ST_WS_SUBMISSIONS_DELETE,
        ST_WS_INSTANCES_DELETE, ST_WS_PROBLEMS_DELETE, ST_WS_DELETE};
    ion_bank_worksheet w;
    ion_bank_ws_usage used = {0};
    char subs[64], from[64], parts[64];
    int own, ret = bank_sp_begin(b, &own, err);
    if (ret < 0)
        return ret;
    if ((ret = worksheet_need(b, name, course, &w, err)) < 0)
        return bank_sp_end(b, own, ret, err);
    ret = usage_of(b, &w, &used, err);
    if (ret >= 0 && used.submissions && !force)
        ret = refuse(err, "err.bank.ws_submissions", "%s%s%s%s%s", w.name, w.course,
                     ion_text_count(ion_text_lang(), "count.submissions", used.submissions, subs, sizeof subs),
                     ion_text_count(ion_text_lang(), "count.students", used.submitters, from, sizeof from),
                     ion_text_count(ion_text_lang(), "count.graded_parts", used.grades, parts, sizeof parts));
    for (size_t i = 0; ret >= 0 && i < sizeof order / sizeof *order; i++)
        ret = run_for(b, order[i], &w, err, "err.db.delete_worksheet");
    ion_bank_worksheet_release(&w);
    ret = bank_sp_end(b, own, ret, err);
    if (ret >= 0 && gone)
        *gone = used;
    return ret < 0 ? ret : 0;
}

int ion_feedback_policy_ok(const char *policy)
{
    return !strcmp(policy, "immediate") || !strcmp(policy, "after-due") || !strcmp(policy, "never");
}
