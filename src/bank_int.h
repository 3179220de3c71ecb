/* The bank's inside, shared by its files (bank.c and those it names):
 * the handle, its statements and the plumbing to run them. Only the bank's
 * files include this; everyone else has bank.h. */
#ifndef ION_BANK_INT_H
#define ION_BANK_INT_H

#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "bank.h"
#include "bank_schema.h"
#include "text.h" /* ion_fail_key, which refuse() calls */

#define HASH_HEX_LEN (2 * crypto_generichash_BYTES + 1)

/* The statements, prepared once per handle on first use. */
enum stmt_id {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_SAVEPOINT,
    ST_RELEASE,
    ST_ROLLBACK_TO,
    ST_SECRET_GET,
    ST_SECRET_PUT,
    ST_TPL_CURRENT,
    ST_TPL_PUT,
    ST_TPL_VERSION_PUT,
    ST_TPL_SOURCE,
    ST_TPL_VERSION,
    ST_TPL_LIST,
    ST_COURSE_GET,
    ST_COURSE_PUT,
    ST_STUDENT_GET,
    ST_STUDENT_ADD,
    ST_STUDENT_UPDATE,
    ST_STUDENT_LIST,
    ST_STUDENT_FIND,
    ST_STUDENT_WITHDRAW,
    ST_STUDENT_DELETE,
    ST_STUDENT_INSTANCES_DELETE,
    ST_STUDENT_SUBMISSIONS,
    ST_COURSE_LIST,
    ST_WS_FIND,
    ST_WS_FIND_IN,
    ST_WS_GET,
    ST_WS_PUT,
    ST_WS_PROBLEMS,
    ST_WS_PROBLEM_PUT,
    ST_WS_LIST,
    ST_WS_USAGE,
    ST_WS_UPDATE,
    ST_WS_PROBLEMS_DELETE,
    ST_WS_POINTS,
    ST_WS_GRADES_DELETE,
    ST_WS_SUBMISSIONS_DELETE,
    ST_WS_INSTANCES_DELETE,
    ST_WS_DELETE,
    ST_INST_PUT,
    ST_INST_SEED,
    ST_INST_STUDENTS,
    ST_SUB_FIND,
    ST_SUB_DELETE,
    ST_SUB_PUT,
    ST_GRADES_CLEAR,
    ST_GRADE_LIST,
    ST_DRILL_PUT,
    ST_DRILL_LOG,
    ST_DRILL_LIST,
    ST_SUB_LIST,
    ST_STAMP,
    ST_WS_FEEDBACK,
    ST_COUNT
};

/* Rows in one INSERT of grades at most (bank.c's bank_grades_stmt). */
#define GRADES_BATCH 16

struct ion_bank {
    sqlite3 *db;
    char *path; /* for messages */
    time_t now;         /* the second bank_now_text() last wrote */
    char now_text[24];  /* ... as NOW does */
    sqlite3_stmt *st[ST_COUNT];
    sqlite3_stmt *grades_put[GRADES_BATCH]; /* [n - 1]: n rows */
};

/* The caller's callback of a listing. Function pointers do not convert to
 * void * in ISO C, so they travel in this union. */
typedef union {
    ion_bank_template_fn template;
    ion_bank_student_fn student;
    ion_bank_course_fn course;
    ion_bank_worksheet_fn worksheet;
    ion_bank_grade_fn grade;
    ion_bank_drill_fn drill;
    ion_bank_submission_fn submission;
} list_fn;

/* Gives a row to the caller's callback; nonzero stops the walk.
 * ROW_UNKNOWN_NAME: the row holds a verdict or status that no enum of
 * verdict.h is called (not a bank this program wrote). */
typedef int (*row_fn)(sqlite3_stmt *st, const list_fn *fn, void *ctx);
#define ROW_UNKNOWN_NAME INT_MIN

/* bank.c */
int bank_db_fail(ion_bank *b, ion_error *err, const char *key);
sqlite3_stmt *bank_prepare(ion_bank *b, enum stmt_id id, ion_error *err,
                           const char *types, ...);
uint64_t bank_column_seed(sqlite3_stmt *st, int i);
const char *bank_column_text(sqlite3_stmt *st, int i);
int bank_column_dup(sqlite3_stmt *st, int i, char **out);
int bank_step_write(sqlite3_stmt *st);
int bank_run(ion_bank *b, sqlite3_stmt *st, ion_error *err,
             const char *key);
int bank_first_row(ion_bank *b, sqlite3_stmt *st, ion_error *err);
int bank_sp_begin(ion_bank *b, int *own, ion_error *err);
int bank_sp_end(ion_bank *b, int own, int ret, ion_error *err);
const char *bank_now_text(ion_bank *b);
void bank_hash_hex(const void *data, size_t len, char out[HASH_HEX_LEN]);
int bank_walk(ion_bank *b, sqlite3_stmt *st, row_fn each, list_fn fn,
              void *ctx, ion_error *err);
sqlite3_stmt *bank_grades_stmt(ion_bank *b, size_t n, ion_error *err);

/* bank_template.c */
int bank_template_version(ion_bank *b, const char *id, int *version,
                          ion_error *err);

/* bank_worksheet.c */
int bank_worksheet_course(ion_bank *b, const char *name, const char *course,
                          char **found, ion_error *err);
int bank_worksheet_problems(ion_bank *b, ion_bank_worksheet *w,
                            ion_error *err);
int bank_refuse_worksheet(const char *name, const char *course, ion_error *err);

#endif
