/* The SQLite bank: templates, courses and students, worksheets, generated
 * instances, submissions and grades, drill progress. All SQL of ionsheet
 * lives in bank.c (the schema and its migrations in bank_schema.c); nothing
 * else talks to SQLite.
 *
 * Return values: every function returns a negative value on error and fills
 * err (when not NULL): ION_BANK_EINVAL when the request is refused (an
 * unknown or duplicate name, an invalid value), ION_BANK_EDB when the
 * database or the file system failed. Otherwise 0, or for lookups 1 when
 * found and 0 when not.
 *
 * Transactions: every write function is atomic on its own. Inside a
 * transaction of the caller it runs in a savepoint, so a failure undoes
 * exactly its own changes and the caller's transaction goes on; outside
 * one it makes its own. To make several writes all or nothing, and fast,
 * wrap them in ion_bank_begin and ion_bank_commit (or ion_bank_rollback).
 *
 * Threads: a handle is used by one thread at a time (it is opened without
 * SQLite's per-connection lock); threads each take their own, or lend one
 * under a lock of theirs, as the server's pool does.
 *
 * Strings passed in are borrowed for the call. Strings handed to callbacks
 * are valid only during the callback. Structs filled by _get functions own
 * their strings; free them with the matching _release. */
#ifndef ION_BANK_H
#define ION_BANK_H

#include <stddef.h>
#include <stdint.h>

#include "bank_limits.h"
#include "error.h"
#include "verdict.h"
#include "worksheet.h"

#define ION_BANK_SCHEMA_VERSION 7
#define ION_BANK_SECRET_LEN 32
/* PRAGMA application_id of an ionsheet bank ("IONS"). */
#define ION_BANK_APPLICATION_ID 0x494F4E53

enum {
    ION_BANK_EDB = -1,    /* database or I/O error */
    ION_BANK_EINVAL = -2, /* refused: unknown, duplicate or invalid */
};

typedef struct ion_bank ion_bank;

/* Opens the bank at path (mode: ION_BANK_*) and brings its schema up to
 * date (migrations run in one transaction each). With create, a missing file is made, with the
 * schema and a fresh random secret; without it a missing file is the error
 * "no database at PATH (run 'ionsheet init')". A SQLite file that is not an
 * ionsheet bank, or one from a newer ionsheet, is refused. Returns NULL on
 * error. Close with ion_bank_close (NULL is fine). */
enum {
    ION_BANK_WRITE = 0,  /* an existing bank, to read and write */
    ION_BANK_CREATE = 1, /* made when missing (0600: it holds the secret) */
    ION_BANK_READ = 2,   /* read only (a read-only file system is fine); a
                            bank whose schema needs upgrading is refused */
};
ion_bank *ion_bank_open(const char *path, int mode, ion_error *err);
void ion_bank_close(ion_bank *b);

/* The schema that ion_bank_open creates (schema/bank.sql); caller frees. */
char *ion_bank_schema_sql(void);

/* Explicit transaction (BEGIN IMMEDIATE: the write lock is taken at once,
 * waiting up to 5 s for another writer). Rollback is harmless when no
 * transaction is open, so cleanup code may always call it. */
int ion_bank_begin(ion_bank *b, ion_error *err);
int ion_bank_commit(ion_bank *b, ion_error *err);
int ion_bank_rollback(ion_bank *b, ion_error *err);

/* The course secret that keys the seeds. */
int ion_bank_secret(ion_bank *b, unsigned char out[ION_BANK_SECRET_LEN],
                    ion_error *err);

/* ion_bank_id_problem, ion_bank_text_problem and the ION_*_MAX limits:
 * bank_limits.h. */

/* ---- templates ---- */

/* A template's description. As input to upsert all fields but title_zh
 * are required; langs is free text such as "en zh". */
typedef struct {
    const char *id;
    const char *topic;
    int difficulty; /* 1..3 */
    const char *title_en;
    const char *title_zh; /* NULL when there is none */
    const char *langs;
    int version; /* the current version; ignored by upsert */
} ion_bank_template;

/* Stores a template's XML source (the text of its <problem> element). When
 * the source is the current version's, nothing changes; otherwise it
 * becomes version current+1 (1 for a new id), the description is updated
 * and older versions stay readable. *version gets the resulting current
 * version, *changed 1 when something was stored (either may be NULL). */
int ion_bank_template_upsert(ion_bank *b, const ion_bank_template *t,
                             const char *source_xml, const char *source_file,
                             int *version, int *changed, ion_error *err);

/* One stored version of a template's source. */
typedef struct {
    char *template_id;
    int version;
    char *source;      /* the XML text */
    char *source_file; /* the file it was imported from */
    char *hash;        /* hex BLAKE2b-256 of source */
    char *imported;    /* UTC time */
} ion_bank_source;
void ion_bank_source_release(ion_bank_source *s);

/* Version `version` of template id, or the current one when version is 0.
 * Returns 1 and fills *out, 0 when there is no such template or version. */
int ion_bank_template_source(ion_bank *b, const char *id, int version,
                             ion_bank_source *out, ion_error *err);

/* 1 when a template id exists, 0 when not. */
int ion_bank_template_exists(ion_bank *b, const char *id, ion_error *err);

/* Calls fn for every template (only those of topic, when not NULL), ordered
 * by topic then id. A nonzero return from fn stops the walk and is
 * returned. */
typedef int (*ion_bank_template_fn)(const ion_bank_template *t, void *ctx);
int ion_bank_template_list(ion_bank *b, const char *topic,
                           ion_bank_template_fn fn, void *ctx,
                           ion_error *err);

/* ---- courses and students ---- */

/* Creates the course when it does not exist. A course id passes
 * ion_bank_text_problem(course, ION_BANK_ID_MAX). */
int ion_bank_course_ensure(ion_bank *b, const char *course, ion_error *err);
/* 1 when the course exists, 0 when not. */
int ion_bank_course_exists(ion_bank *b, const char *course, ion_error *err);

/* A course with its counts, for ion_bank_course_list. */
typedef struct {
    const char *id;
    const char *created;
    size_t students;  /* on the roster */
    size_t withdrawn; /* removed but kept for their submissions */
    size_t worksheets;
} ion_bank_course;

/* Calls fn for every course ordered by id; a nonzero return from fn stops
 * the walk and is returned. */
typedef int (*ion_bank_course_fn)(const ion_bank_course *c, void *ctx);
int ion_bank_course_list(ion_bank *b, ion_bank_course_fn fn, void *ctx,
                         ion_error *err);

typedef struct {
    const char *course;
    const char *id;
    const char *name;
    const char *email;     /* NULL when none */
    const char *withdrawn; /* NULL when on the roster; else since when */
} ion_bank_student;

enum { ION_BANK_UNCHANGED = 0, ION_BANK_ADDED = 1, ION_BANK_UPDATED = 2 };

/* Adds a student to an existing course, or updates the name (and the email,
 * unless s->email is NULL; "" clears it) of one already there, who is then
 * on the roster again if withdrawn (s->withdrawn is ignored). The id must
 * pass ion_bank_id_problem and the name be valid UTF-8. *status (may be
 * NULL) gets ION_BANK_ADDED, ION_BANK_UPDATED or ION_BANK_UNCHANGED. */
int ion_bank_student_upsert(ion_bank *b, const ion_bank_student *s,
                            int *status, ion_error *err);

/* A student read back; the strings are owned (email and withdrawn may be
 * NULL, as in ion_bank_student). */
typedef struct {
    char *course, *id, *name, *email, *withdrawn;
} ion_bank_student_row;
void ion_bank_student_release(ion_bank_student_row *s);

/* The student of course whose id is id, or else the one whose id differs
 * from it only in the case of ASCII letters ("S06" finds s06): returns 1
 * and fills *out (out->id is the stored id), 0 when there is none.
 * Withdrawn students are found too. Two ids equal but for case and none
 * exactly id: ION_BANK_EINVAL, saying so. */
int ion_bank_student_get(ion_bank *b, const char *course, const char *id,
                         ion_bank_student_row *out, ion_error *err);

/* Calls fn for each student of course ordered by id (bytewise), those
 * withdrawn only when withdrawn_too; a nonzero return from fn stops the
 * walk and is returned. */
typedef int (*ion_bank_student_fn)(const ion_bank_student *s, void *ctx);
int ion_bank_student_list(ion_bank *b, const char *course, int withdrawn_too,
                          ion_bank_student_fn fn, void *ctx, ion_error *err);

/* The same for each student of course (not NULL) that has instances of
 * its worksheet (those generated so far, withdrawn or not), ordered by
 * id. */
int ion_bank_generated_students(ion_bank *b, const char *worksheet,
                                const char *course, ion_bank_student_fn fn,
                                void *ctx, ion_error *err);

enum { ION_BANK_DELETED = 1, ION_BANK_WITHDRAWN = 2 };

/* Takes student id (found as ion_bank_student_get does) off the roster of
 * course: one with submissions is kept, marked withdrawn, so that no grade
 * is lost (*outcome ION_BANK_WITHDRAWN); one without is deleted with the
 * problems generated for them (ION_BANK_DELETED). Unknown student:
 * ION_BANK_EINVAL. removed_id (may be NULL) gets the stored id, at most
 * ION_BANK_ID_MAX bytes and a NUL. */
int ion_bank_student_remove(ion_bank *b, const char *course, const char *id,
                            int *outcome, char *removed_id, ion_error *err);

/* ---- worksheets ---- */

/* Creates worksheet name (an id by ion_bank_id_problem) for an existing
 * course, with n >= 1 problems at positions 1..n. Each problem is pinned
 * to its template's current version now. title NULL: the name. due NULL or
 * "YYYY-MM-DD" (optionally followed by "THH:MM"). points NULL, or n values:
 * a problem's total points, or a negative value for the template's own.
 * Refused (ION_BANK_EINVAL): "worksheet 'X' already exists", "unknown
 * course 'C'", "unknown template 'Y'", an invalid name, due or points. */
int ion_bank_worksheet_create(ion_bank *b, const char *name,
                              const char *course, const char *title,
                              const char *due, size_t n,
                              const char *const *template_ids,
                              const double *points, ion_error *err);

/* ion_bank_worksheet and ion_bank_ws_problem are in worksheet.h. */
void ion_bank_worksheet_release(ion_bank_worksheet *w);

/* Worksheet name of course; course NULL: the worksheet of that name in
 * whichever course has it, and when several do, ION_BANK_EINVAL naming
 * them ("worksheet 'week3' is in courses BIO101, PHYS2: give --course").
 * Returns 1 and fills *out, 0 when there is no such worksheet. */
int ion_bank_worksheet_get(ion_bank *b, const char *name, const char *course,
                           ion_bank_worksheet *out, ion_error *err);

/* What hangs on a worksheet. */
typedef struct {
    size_t generated;   /* students with generated problems */
    size_t submissions; /* submissions recorded (resubmissions count) */
    size_t submitters;  /* distinct students among them */
    size_t grades;      /* graded parts */
} ion_bank_ws_usage;

int ion_bank_worksheet_usage(ion_bank *b, const char *name,
                             const char *course, ion_bank_ws_usage *out,
                             ion_error *err);

/* Calls fn with each worksheet's course and name (course NULL: of every
 * course), ordered by course, then creation, then name. */
typedef int (*ion_bank_worksheet_fn)(const char *course, const char *name,
                                     void *ctx);
int ion_bank_worksheet_list(ion_bank *b, const char *course,
                            ion_bank_worksheet_fn fn, void *ctx,
                            ion_error *err);

/* A change to a worksheet: NULL (or, for points and templates, n == 0)
 * keeps a field. due "" removes the due date. points: as for create, one
 * per problem (n of them; a negative value: the template's own). template_ids
 * replace the problems, pinned to their current versions: refused once
 * problems were generated for anyone (their numbers would no longer match
 * what the students have). When template_ids are given, points (if any)
 * count them; otherwise they must count the worksheet's problems. */
typedef struct {
    const char *title, *due;
    size_t n;
    const char *const *template_ids;
    const double *points;
    const char *feedback; /* the web's feedback policy, or NULL */
} ion_bank_ws_edit;

/* 1 when policy is a worksheet feedback policy: "immediate" (verdicts and
 * feedback at once), "after-due" (only "received" until the due date, then
 * everything with the worked solutions) or "never". */
int ion_feedback_policy_ok(const char *policy);

/* Applies edit to worksheet name (course as for ion_bank_worksheet_get). */
int ion_bank_worksheet_edit(ion_bank *b, const char *name, const char *course,
                            const ion_bank_ws_edit *edit, ion_error *err);

/* Deletes worksheet name with its problems. With submissions recorded it
 * is refused (ION_BANK_EINVAL) unless force, which deletes them, their
 * grades and the generated problems too. *gone (may be NULL) gets what was
 * there. Files already written (PDFs, key.xml) are not touched. */
int ion_bank_worksheet_delete(ion_bank *b, const char *name,
                              const char *course, int force,
                              ion_bank_ws_usage *gone, ion_error *err);

/* ---- generated instances ---- */

/* Stores (or replaces) one student's problem at position of a worksheet of
 * course (not NULL): its template version and seed, from which the
 * instance is made again (ion_instance_generate). The student must be in
 * that course and template_id/version must exist (the pinned ones,
 * normally). Cheap: call it inside one transaction for a whole class. */
int ion_bank_instance_put(ion_bank *b, const char *worksheet,
                          const char *course, const char *student,
                          int position,
                          const char *template_id, int version, uint64_t seed,
                          ion_error *err);

/* The seed alone: 1 and *seed when the instance stored there is of
 * template_id at version, 0 when there is none or another. */
int ion_bank_instance_seed(ion_bank *b, const char *worksheet,
                           const char *course, const char *student,
                           int position, const char *template_id,
                           int version, uint64_t *seed, ion_error *err);

/* ---- submissions and grades ---- */

/* Records a graded submission of student for worksheet (of course; NULL
 * as for ion_bank_worksheet_get), identified by the hash of its content.
 * Grading the same content again makes its row anew, the latest, without
 * grades (to be put again); new content is a new submission. Unknown
 * worksheet or student: ION_BANK_EINVAL. *id gets the submission's id. */
int ion_bank_submission_upsert(ion_bank *b, const char *worksheet,
                               const char *course, const char *student, const char *source_file,
                               const void *content, size_t len, int64_t *id,
                               ion_error *err);

/* Records, as the student's latest submission, that what was handed in
 * for them could not be graded: status ION_STATUS_REFUSED (reason: "FILE: CODE", the code as ion_text_refusal reads it) or
 * ION_STATUS_CONFLICT (reason: the files that claim them, "a.txt:1, b.txt:1"),
 * with no grades. source_file names what it is about. The same status and
 * reason again is the same row, made the latest again; a later graded
 * submission supersedes it. Errors as for ion_bank_submission_upsert. */
int ion_bank_submission_status(ion_bank *b, const char *worksheet,
                               const char *course, const char *student,
                               ion_status status, const char *source_file,
                               const char *reason, int64_t *id, ion_error *err);

/* One graded part of a submission (answer and feedback may be NULL). */
typedef struct {
    const char *part_id; /* "1a", "2b", ... */
    const char *answer;
    double score, max_score;
    ion_verdict verdict; /* stored as its name: "right", "wrong", ... */
    const char *feedback;
} ion_bank_grade;

/* Stores (or replaces) the grade of one part of a submission. */
int ion_bank_grade_put(ion_bank *b, int64_t submission,
                       const ion_bank_grade *g, ion_error *err);
/* The same for n parts at once, all or none (in one statement up to 16:
 * a submission's grades; a part given twice keeps the last). */
int ion_bank_grades_put(ion_bank *b, int64_t submission,
                        const ion_bank_grade *g, size_t n, ion_error *err);

/* Calls fn for each grade of a submission, in the order they were put. */
typedef int (*ion_bank_grade_fn)(const ion_bank_grade *g, void *ctx);
int ion_bank_grade_list(ion_bank *b, int64_t submission, ion_bank_grade_fn fn,
                        void *ctx, ion_error *err);

/* A recorded submission (strings valid during the callback). */
typedef struct {
    int64_t id;
    const char *student;
    const char *source_file; /* the file, or "web" for the server's */
    const char *received;    /* UTC time */
    ion_status status;       /* GRADED, REFUSED or CONFLICT (stored as its name) */
    const char *reason;      /* NULL when graded; else why (ion_bank_submission_status) */
} ion_bank_submission;

/* Calls fn for each submission of student recorded for worksheet of
 * course, the latest (the one that counts) first; a nonzero return from fn
 * stops the walk and is returned. */
typedef int (*ion_bank_submission_fn)(const ion_bank_submission *s,
                                      void *ctx);
int ion_bank_submission_list(ion_bank *b, const char *course,
                             const char *worksheet, const char *student,
                             ion_bank_submission_fn fn, void *ctx,
                             ion_error *err);

/* A text that changes whenever generated instances, worksheets or students
 * change (a server reloads them then), at most n bytes. */
int ion_bank_stamp(ion_bank *b, char *out, size_t n, ion_error *err);

/* ---- drill ---- */

typedef struct {
    const char *template_id;
    const char *topic;
    int attempts;    /* problems tried */
    int right_first; /* of them, right at the first try */
    int streak;      /* right at the first try in a row, latest last */
    const char *last; /* UTC time of the latest attempt */
} ion_bank_drill;

/* Records one drilled problem of user: right_first is 1 when every part was
 * right at the first try. Updates the progress row and logs the attempt. */
int ion_bank_drill_record(ion_bank *b, const char *user,
                          const char *template_id, uint64_t seed,
                          int right_first, ion_error *err);

/* Calls fn for each template user has drilled, ordered by topic then
 * template id (topic NULL: every topic). */
typedef int (*ion_bank_drill_fn)(const ion_bank_drill *d, void *ctx);
int ion_bank_drill_list(ion_bank *b, const char *user, const char *topic,
                        ion_bank_drill_fn fn, void *ctx, ion_error *err);

#endif
