/* The bank's generated instances, and the submissions with their grades
 * (bank.h). */
#include "bank_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* ---- instances ---- */

int ion_bank_instance_put(ion_bank *b, const char *worksheet,
                          const char *course, const char *student,
                          int position, const char *template_id, int version,
                          uint64_t seed, ion_error *err)
{
    sqlite3_stmt *st = bank_prepare(b, ST_INST_PUT, err, "tttitiu", worksheet,
                                    course, student, position, template_id,
                                    version, seed);
    if (!st)
        return ION_BANK_EDB;
    int rc = bank_step_write(st);
    /* The foreign keys (or a NULL course) refused it; any other refusal (a
     * trigger, say) is the database's own error. */
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY || rc == SQLITE_CONSTRAINT_NOTNULL) {
        ion_fail_key(err, "", 0, "err.bank.no_problem", "%d%s%s%s%d",
                 position, student, worksheet, template_id, version);
        return ION_BANK_EINVAL;
    }
    return rc ? bank_db_fail(b, err, "err.db.store_instance") : 0;
}

int ion_bank_instance_seed(ion_bank *b, const char *worksheet,
                           const char *course, const char *student,
                           int position, const char *template_id,
                           int version, uint64_t *seed, ion_error *err)
{
    sqlite3_stmt *st = bank_prepare(b, ST_INST_SEED, err, "tttiti", worksheet,
                                    course, student, position, template_id, version);
    int ret = bank_first_row(b, st, err);
    if (ret > 0) {
        *seed = bank_column_seed(st, 0);
        sqlite3_reset(st);
    }
    return ret;
}

/* ---- submissions and grades ---- */

/* The worksheet's course and the stored id of student (found as
 * ion_bank_student_get does), each malloc'd; the caller holds the
 * savepoint. */
static int submission_check(ion_bank *b, const char *worksheet,
                            const char *course, const char *student,
                            char **ws_course, char **student_id,
                            ion_error *err)
{
    /* The worksheet's course only: not its problems (every web
     * submission passes here). */
    char *found;
    ion_bank_student_row s;
    int ret = bank_worksheet_course(b, worksheet, course, &found, err);
    if (ret == 0)
        return bank_refuse_worksheet(worksheet, course, err);
    if (ret < 0)
        return ret;
    ret = ion_bank_student_get(b, found, student, &s, err);
    if (ret == 0)
        ret = refuse(err, "err.bank.unknown_student", "%s%s", student,
                     found);
    if (ret > 0) {
        *ws_course = found;
        *student_id = s.id;
        found = s.id = NULL;
        ion_bank_student_release(&s);
    }
    free(found);
    return ret < 0 ? ret : 0;
}

/* The id of the row of (worksheet, course, student, hash) into *old: 1,
 * 0 when there is none, or an error. */
static int submission_find(ion_bank *b, const char *worksheet,
                           const char *course, const char *student,
                           const char *hash, int64_t *old, ion_error *err)
{
    sqlite3_stmt *st = bank_prepare(b, ST_SUB_FIND, err, "tttt", worksheet, course,
                                    student, hash);
    int ret = st ? bank_first_row(b, st, err) : ION_BANK_EDB;
    if (ret > 0) {
        *old = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    return ret;
}

/* A new row of (worksheet, course, student, hash) into *id: 0, or, with
 * nothing changed, SUB_REFUSED when its foreign keys refused it (the
 * worksheet is not the course's, or the student not on its roster),
 * SUB_THERE when that content has a row already; or an error. The old row
 * of that content (old, or 0) goes first with its grades, so that what
 * was just graded again is the latest (the row id orders two of one
 * second). */
enum { SUB_REFUSED = 1, SUB_THERE = 2 };
static int submission_write(ion_bank *b, int64_t old, const char *worksheet,
                            const char *course, const char *student,
                            const char *file, const char *hash,
                            const char *status, const char *reason,
                            int64_t *id, ion_error *err)
{
    sqlite3_stmt *st;
    if (old) {
        st = bank_prepare(b, ST_GRADES_CLEAR, err, "I", old);
        if (!st || bank_run(b, st, err, "err.db.clear_grades"))
            return ION_BANK_EDB;
        st = bank_prepare(b, ST_SUB_DELETE, err, "I", old);
        if (!st || bank_run(b, st, err, "err.db.replace_submission"))
            return ION_BANK_EDB;
    }
    st = bank_prepare(b, ST_SUB_PUT, err, "tttttttt", worksheet, course, student,
                      file, hash, status, reason, bank_now_text(b));
    if (!st)
        return ION_BANK_EDB;
    int rc = bank_step_write(st);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return SUB_REFUSED;
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return SUB_THERE;
    if (rc)
        return bank_db_fail(b, err, "err.db.store_submission");
    /* Its id from the connection: RETURNING would first copy the row into a
     * temporary table, for every submission recorded. */
    *id = sqlite3_last_insert_rowid(b->db);
    return 0;
}

/* The same with the ids as the bank has them (submission_check's), the
 * old row found first. A refusal is then the database's failure. */
static int submission_store(ion_bank *b, const char *worksheet,
                            const char *course, const char *student,
                            const char *file, const char *hash,
                            const char *status, const char *reason,
                            int64_t *id, ion_error *err)
{
    int64_t old = 0;
    int ret = submission_find(b, worksheet, course, student, hash, &old, err);
    if (ret >= 0)
        ret = submission_write(b, old, worksheet, course, student, file, hash,
                               status, reason, id, err);
    return ret > 0 ? bank_db_fail(b, err, "err.db.store_submission") : ret;
}

/* Records a row of status for student; content is what its hash is of. */
static int submission_put(ion_bank *b, const char *worksheet,
                          const char *course, const char *student,
                          const char *source_file, const void *content,
                          size_t len, const char *status, const char *reason,
                          int64_t *id, ion_error *err)
{
    char hash[HASH_HEX_LEN], *ws_course = NULL, *student_id = NULL;
    int64_t sub = 0, old = 0;
    int ret, own;
    if (!worksheet || !student || !source_file || (!content && len))
        return refuse(err, "err.bank.submission_incomplete", "-");
    bank_hash_hex(content ? content : "", len, hash);
    /* In the caller's transaction with the course known (a class's run
     * records thousands), the ids as given: the row's foreign keys check
     * that the worksheet is the course's and the student on its roster,
     * and a content not seen before is one INSERT, atomic alone. The same
     * content again replaces its row, in a savepoint. Only when the keys
     * refuse (an id to find in another case, or none) does the long way
     * below look the ids up. */
    if (course && !sqlite3_get_autocommit(b->db)) {
        ret = submission_write(b, 0, worksheet, course, student, source_file,
                               hash, status, reason, &sub, err);
        if (ret == SUB_THERE && (ret = bank_sp_begin(b, &own, err)) >= 0) {
            ret = submission_find(b, worksheet, course, student, hash, &old, err);
            if (ret >= 0)
                ret = submission_write(b, old, worksheet, course, student,
                                       source_file, hash, status, reason, &sub, err);
            if (ret > 0)
                ret = bank_db_fail(b, err, "err.db.store_submission");
            ret = bank_sp_end(b, own, ret, err);
        }
        if (ret != SUB_REFUSED) {
            if (ret >= 0 && id)
                *id = sub;
            return ret < 0 ? ret : 0;
        }
    }
    if ((ret = bank_sp_begin(b, &own, err)) < 0)
        return ret;
    ret = submission_check(b, worksheet, course, student, &ws_course,
                           &student_id, err);
    if (ret >= 0)
        ret = submission_store(b, worksheet, ws_course, student_id,
                               source_file, hash, status, reason, &sub, err);
    free(ws_course);
    free(student_id);
    ret = bank_sp_end(b, own, ret, err);
    if (ret >= 0 && id)
        *id = sub;
    return ret < 0 ? ret : 0;
}

int ion_bank_submission_upsert(ion_bank *b, const char *worksheet,
                               const char *course, const char *student,
                               const char *source_file, const void *content,
                               size_t len, int64_t *id, ion_error *err)
{
    return submission_put(b, worksheet, course, student, source_file, content,
                          len, ion_status_name(ION_STATUS_GRADED), NULL, id, err);
}

int ion_bank_submission_status(ion_bank *b, const char *worksheet,
                               const char *course, const char *student,
                               ion_status status, const char *source_file,
                               const char *reason, int64_t *id, ion_error *err)
{
    if (status != ION_STATUS_REFUSED && status != ION_STATUS_CONFLICT)
        return refuse(err, "err.bank.submission_status", "-");
    if (!reason)
        return refuse(err, "err.bank.submission_incomplete", "-");
    /* Known by what it says: the same finding again is the same row. A NUL
     * keeps it apart from any file's content (text has none). */
    const char *name = ion_status_name(status);
    ion_strbuf said = {0};
    ion_strbuf_add(&said, "\0", 1);
    ion_strbuf_puts(&said, name);
    ion_strbuf_add(&said, "\0", 1);
    ion_strbuf_puts(&said, reason);
    if (said.oom) {
        ion_strbuf_release(&said);
        return ion_fail_key(err, "", 0, "err.out_of_memory", "-");
    }
    int ret = submission_put(b, worksheet, course, student, source_file,
                             said.s, said.len, name, reason, id, err);
    ion_strbuf_release(&said);
    return ret;
}

static int bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Inserts n grades (at most GRADES_BATCH) in one statement; every
 * parameter is bound. */
static int grades_insert(ion_bank *b, int64_t submission, const ion_bank_grade *g,
                         size_t n, ion_error *err)
{
    sqlite3_stmt *st = bank_grades_stmt(b, n, err);
    if (!st)
        return ION_BANK_EDB;
    int rc = sqlite3_bind_int64(st, 1, submission);
    for (size_t i = 0; !rc && i < n; i++) {
        int at = 1 + 6 * (int)i; /* the row's parameters follow */
        rc = sqlite3_bind_text(st, at + 1, g[i].part_id, -1, SQLITE_STATIC) ||
             bind_text_or_null(st, at + 2, g[i].answer) ||
             sqlite3_bind_double(st, at + 3, g[i].score) ||
             sqlite3_bind_double(st, at + 4, g[i].max_score) ||
             sqlite3_bind_text(st, at + 5, ion_verdict_name(g[i].verdict), -1, SQLITE_STATIC) ||
             bind_text_or_null(st, at + 6, g[i].feedback);
    }
    if (rc) {
        bank_db_fail(b, err, "err.db.bind");
        sqlite3_clear_bindings(st);
        return ION_BANK_EDB;
    }
    rc = bank_step_write(st);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return refuse(err, "err.bank.unknown_submission", "%lld", (long long)submission);
    return rc ? bank_db_fail(b, err, "err.db.store_grade") : 0;
}

int ion_bank_grades_put(ion_bank *b, int64_t submission,
                        const ion_bank_grade *g, size_t n, ion_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!g[i].part_id || !*g[i].part_id || (unsigned)g[i].verdict > ION_VERDICT_RIGHT || !isfinite(g[i].score) ||
            !isfinite(g[i].max_score) || g[i].max_score < 0)
            return refuse(err, "err.bank.grade", "%lld", (long long)submission);
    /* One statement is atomic alone; several are made so together. */
    int own = 0, ret = 0, several = n > GRADES_BATCH;
    if (several && (ret = bank_sp_begin(b, &own, err)) < 0)
        return ret;
    for (size_t at = 0; ret >= 0 && at < n; at += GRADES_BATCH)
        ret = grades_insert(b, submission, g + at, n - at < GRADES_BATCH ? n - at : GRADES_BATCH, err);
    return several ? bank_sp_end(b, own, ret, err) : ret;
}

int ion_bank_grade_put(ion_bank *b, int64_t submission,
                       const ion_bank_grade *g, ion_error *err)
{
    return ion_bank_grades_put(b, submission, g, 1, err);
}

static int grade_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    ion_bank_grade g = {bank_column_text(st, 0),        bank_column_text(st, 1),
                        sqlite3_column_double(st, 2),
                        sqlite3_column_double(st, 3), ION_VERDICT_MISSING,
                        bank_column_text(st, 5)};
    if (ion_verdict_parse(bank_column_text(st, 4), &g.verdict))
        return ROW_UNKNOWN_NAME;
    return fn->grade(&g, ctx);
}

int ion_bank_grade_list(ion_bank *b, int64_t submission, ion_bank_grade_fn fn,
                        void *ctx, ion_error *err)
{
    list_fn cb = {.grade = fn};
    sqlite3_stmt *st = bank_prepare(b, ST_GRADE_LIST, err, "I", submission);
    return bank_walk(b, st, grade_row, cb, ctx, err);
}

/* ---- listings for the web server and the gradebook ---- */

static int submission_row(sqlite3_stmt *st, const list_fn *fn, void *ctx)
{
    ion_bank_submission s = {sqlite3_column_int64(st, 0), bank_column_text(st, 1),
                             bank_column_text(st, 2), bank_column_text(st, 3),
                             ION_STATUS_MISSING, bank_column_text(st, 5)};
    if (ion_status_parse(bank_column_text(st, 4), &s.status))
        return ROW_UNKNOWN_NAME;
    return fn->submission(&s, ctx);
}

int ion_bank_submission_list(ion_bank *b, const char *course,
                             const char *worksheet, const char *student,
                             ion_bank_submission_fn fn, void *ctx,
                             ion_error *err)
{
    list_fn cb = {.submission = fn};
    sqlite3_stmt *st = bank_prepare(b, ST_SUB_LIST, err, "ttt", course, worksheet,
                                    student);
    return bank_walk(b, st, submission_row, cb, ctx, err);
}
