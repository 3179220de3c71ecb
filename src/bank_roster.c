/* The bank's courses and students (bank.h): the roster. */
#include "bank_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- courses and students ---- */

/* 1 when the one-row query id with one text parameter finds a row. */
static int has_row(ion_bank *b, enum stmt_id id, const char *key,
                   ion_error *err)
{
    sqlite3_stmt *st = bank_prepare(b, id, err, "t", key);
    int ret = bank_first_row(b, st, err);
    if (ret == 1)
        sqlite3_reset(st);
    return ret;
}

int ion_bank_course_exists(ion_bank *b, const char *course, ion_error *err)
{
    return has_row(b, ST_COURSE_GET, course, err);
}

int ion_bank_course_ensure(ion_bank *b, const char *course, ion_error *err)
{
    const char *why = ion_bank_text_problem(course, ION_BANK_ID_MAX);
    if (why)
        return refuse(err, "err.roster.course_name", "%s", ion_text_phrase(why));
    sqlite3_stmt *st = bank_prepare(b, ST_COURSE_PUT, err, "t", course);
    if (!st || bank_run(b, st, err, "err.db.store_course"))
        return ION_BANK_EDB;
    return 0;
}

static int student_check(const ion_bank_student *s, ion_error *err)
{
    const char *why = ion_bank_id_problem(s->id);
    if (why)
        return refuse(err, "err.bank.student_id", "%s", ion_text_phrase(why));
    if ((why = ion_bank_text_problem(s->name, ION_BANK_TEXT_MAX)))
        return refuse(err, "err.bank.student_name", "%s%s", s->id, ion_text_phrase(why));
    if (s->email && *s->email &&
        (why = ion_bank_text_problem(s->email, ION_BANK_TEXT_MAX)))
        return refuse(err, "err.bank.student_email", "%s%s", s->id, ion_text_phrase(why));
    return 0;
}

static int same_text(const char *a, const char *b)
{
    return a && b ? !strcmp(a, b) : a == b;
}

/* Adds s, or updates it when it differs from the stored row, which st is
 * on (NULL when there is none); *status says which. */
static int student_store(ion_bank *b, const ion_bank_student *s,
                         sqlite3_stmt *st, int *status, ion_error *err)
{
    int ret;
    if (!st) {
        if ((ret = ion_bank_course_exists(b, s->course, err)) <= 0)
            return ret < 0 ? ret
                           : refuse(err, "err.bank.unknown_course", "%s", s->course);
        *status = ION_BANK_ADDED;
        st = bank_prepare(b, ST_STUDENT_ADD, err, "tttt", s->course, s->id,
                          s->name, s->email);
    } else {
        const char *email = s->email && *s->email ? s->email : NULL;
        int same = !strcmp(bank_column_text(st, 2), s->name) &&
                   (!s->email || same_text(bank_column_text(st, 3), email)) &&
                   sqlite3_column_type(st, 4) == SQLITE_NULL;
        sqlite3_reset(st);
        if (same) {
            *status = ION_BANK_UNCHANGED;
            return 0;
        }
        *status = ION_BANK_UPDATED;
        st = bank_prepare(b, ST_STUDENT_UPDATE, err, "tttt", s->course, s->id,
                          s->name, s->email);
    }
    if (!st || bank_run(b, st, err, "err.db.store_student"))
        return ION_BANK_EDB;
    return 0;
}

int ion_bank_student_upsert(ion_bank *b, const ion_bank_student *s,
                            int *status, ion_error *err)
{
    int ret, own, st_status = ION_BANK_UNCHANGED;
    sqlite3_stmt *st;
    if ((ret = student_check(s, err)) < 0)
        return ret;
    if ((ret = bank_sp_begin(b, &own, err)) < 0)
        return ret;
    if (!(st = bank_prepare(b, ST_STUDENT_GET, err, "tt", s->course, s->id)))
        ret = ION_BANK_EDB;
    else if ((ret = bank_first_row(b, st, err)) >= 0)
        ret = student_store(b, s, ret ? st : NULL, &st_status, err);
    ret = bank_sp_end(b, own, ret, err);
    if (ret >= 0 && status)
        *status = st_status;
    return ret < 0 ? ret : 0;
}

void ion_bank_student_release(ion_bank_student_row *s)
{
    if (!s)
        return;
    free(s->course);
    free(s->id);
    free(s->name);
    free(s->email);
    free(s->withdrawn);
    memset(s, 0, sizeof *s);
}

/* Fills *out from the row st is on. */
static int student_row_dup(sqlite3_stmt *st, ion_bank_student_row *out,
                           ion_error *err)
{
    if (bank_column_dup(st, 0, &out->course) || bank_column_dup(st, 1, &out->id) ||
        bank_column_dup(st, 2, &out->name) || bank_column_dup(st, 3, &out->email) ||
        bank_column_dup(st, 4, &out->withdrawn)) {
        ion_bank_student_release(out);
        return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    }
    return 1;
}

int ion_bank_student_get(ion_bank *b, const char *course, const char *id,
                         ion_bank_student_row *out, ion_error *err)
{
    memset(out, 0, sizeof *out);
    /* The exact id by the primary key first: the case-blind search reads
     * every student of the course, which for each student of a class
     * made generating and grading grow with the square of its size. */
    sqlite3_stmt *st = bank_prepare(b, ST_STUDENT_GET, err, "tt", course, id);
    int ret = bank_first_row(b, st, err);
    if (ret > 0) {
        ret = student_row_dup(st, out, err);
        sqlite3_reset(st);
        return ret;
    }
    if (ret < 0 || !(st = bank_prepare(b, ST_STUDENT_FIND, err, "tt", course, id)))
        return ION_BANK_EDB;
    ret = bank_first_row(b, st, err);
    if (ret <= 0)
        return ret;
    ret = student_row_dup(st, out, err);
    if (ret > 0 && strcmp(out->id, id) && sqlite3_step(st) == SQLITE_ROW) {
        ret = refuse(err, "err.bank.student_ambiguous", "%s%s%s%s",
                     id, course, out->id, bank_column_text(st, 1));
        ion_bank_student_release(out);
    }
    sqlite3_reset(st);
    return ret;
}

static int student_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    ion_bank_student s = {bank_column_text(st, 0), bank_column_text(st, 1),
                          bank_column_text(st, 2), bank_column_text(st, 3),
                          bank_column_text(st, 4)};
    return fn->student(&s, ctx);
}

int ion_bank_student_list(ion_bank *b, const char *course, int withdrawn_too,
                          ion_bank_student_fn fn, void *ctx, ion_error *err)
{
    list_fn cb = {.student = fn};
    sqlite3_stmt *st = bank_prepare(b, ST_STUDENT_LIST, err, "ti", course,
                                    withdrawn_too != 0);
    return bank_walk(b, st, student_row, cb, ctx, err);
}

int ion_bank_generated_students(ion_bank *b, const char *worksheet,
                                const char *course, ion_bank_student_fn fn,
                                void *ctx, ion_error *err)
{
    list_fn cb = {.student = fn};
    sqlite3_stmt *st = bank_prepare(b, ST_INST_STUDENTS, err, "tt", worksheet,
                                    course);
    return bank_walk(b, st, student_row, cb, ctx, err);
}

/* The one integer a query gives. */
static int count_of(ion_bank *b, sqlite3_stmt *st, int64_t *n,
                    ion_error *err)
{
    int ret = bank_first_row(b, st, err);
    if (ret < 0)
        return ret;
    *n = ret ? sqlite3_column_int64(st, 0) : 0;
    if (ret)
        sqlite3_reset(st);
    return 0;
}

/* Withdraws or deletes the student row; the caller holds the savepoint. */
static int student_take_off(ion_bank *b, const char *course, const char *id,
                            int *outcome, ion_error *err)
{
    int64_t submissions;
    sqlite3_stmt *st = bank_prepare(b, ST_STUDENT_SUBMISSIONS, err, "tt", course,
                                    id);
    if (!st || count_of(b, st, &submissions, err) < 0)
        return ION_BANK_EDB;
    if (submissions) {
        *outcome = ION_BANK_WITHDRAWN;
        st = bank_prepare(b, ST_STUDENT_WITHDRAW, err, "tt", course, id);
        return st && !bank_run(b, st, err, "err.db.withdraw")
                   ? 0
                   : ION_BANK_EDB;
    }
    *outcome = ION_BANK_DELETED;
    st = bank_prepare(b, ST_STUDENT_INSTANCES_DELETE, err, "tt", course, id);
    if (!st || bank_run(b, st, err, "err.db.delete_problems"))
        return ION_BANK_EDB;
    st = bank_prepare(b, ST_STUDENT_DELETE, err, "tt", course, id);
    if (!st || bank_run(b, st, err, "err.db.delete_student"))
        return ION_BANK_EDB;
    return 0;
}

int ion_bank_student_remove(ion_bank *b, const char *course, const char *id,
                            int *outcome, char *removed_id, ion_error *err)
{
    ion_bank_student_row s;
    int own, ret = bank_sp_begin(b, &own, err);
    if (ret < 0)
        return ret;
    ret = ion_bank_student_get(b, course, id, &s, err);
    if (ret == 0)
        ret = refuse(err, "err.bank.no_student", "%s%s", id, course);
    if (ret > 0) {
        ret = student_take_off(b, course, s.id, outcome, err);
        if (removed_id)
            snprintf(removed_id, ION_BANK_ID_MAX + 1, "%s", s.id);
        ion_bank_student_release(&s);
    }
    ret = bank_sp_end(b, own, ret, err);
    return ret < 0 ? ret : 0;
}

static int course_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    ion_bank_course c = {bank_column_text(st, 0), bank_column_text(st, 1),
                         (size_t)sqlite3_column_int64(st, 2),
                         (size_t)sqlite3_column_int64(st, 3),
                         (size_t)sqlite3_column_int64(st, 4)};
    return fn->course(&c, ctx);
}

int ion_bank_course_list(ion_bank *b, ion_bank_course_fn fn, void *ctx,
                         ion_error *err)
{
    list_fn cb = {.course = fn};
    sqlite3_stmt *st = bank_prepare(b, ST_COURSE_LIST, err, "");
    return bank_walk(b, st, course_row, cb, ctx, err);
}
