/* Grading submissions against an answer key (SPEC.md "Submissions" and
 * "Grading").
 *
 * The flow: ion_answer_key_load reads key.xml once (streaming, checked,
 * every expression compiled once per template version); a gradebook holds
 * one result per student of the key; ion_gradebook_grade grades one parsed
 * submission (submission.h) into it; the renderers then give the gradebook
 * CSV, the feedback text of a student and the summary, as strings the
 * caller writes. Nothing here prints or touches the database: storing a
 * graded submission in the bank is grade_record.h's.
 *
 * Scoring (SPEC.md "Grading"): a numeric answer a is right when
 * |a - k| <= max(tol-abs, tol-rel * |k|) in the part's unit, after unit
 * conversion (no unit written: the part's unit; a unit of another
 * dimension: wrong). A right answer scores the part's points. Otherwise, in
 * this order: carried forward (the part's value recomputed from the
 * student's own wrong earlier answers, see ion_verdict) scores full points;
 * the matching mistake with the highest credit scores credit * points with
 * its feedback; else 0. */
#ifndef ION_GRADE_H
#define ION_GRADE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "render_csv.h"
#include "judge.h"
#include "submission.h"
#include "verdict.h"
#include "worksheet.h"

/* ---- the answer key ---- */

typedef struct ion_answer_key ion_answer_key;

/* Reads key.xml (v2, or v1) from memory (or a file): refuses a DOCTYPE,
 * never loads anything from outside, validates against the XSD at
 * xsd_path (NULL: no schema validation; answer-key.xsd for v2,
 * answer-key-1.xsd for v1) and compiles the let and part expressions once
 * per distinct template version. A key file (ion_answer_key_load) is
 * read once, checked and indexed, each student's element kept as a record
 * (in memory up to 8 MiB, past that in an unlinked temporary file in
 * $TMPDIR) that grading makes their instances from when it grades them,
 * so memory does not grow with the class; such a key is not for two
 * threads. A key given in memory
 * (ion_answer_key_parse: it is whole in memory already) is held whole,
 * every student's parts read once: grading only reads it, so several
 * threads may grade against it at once (as against the server's, built
 * from its sheets: ion_answer_key_from_sheets below). `name` is the
 * file name for messages. Returns NULL with err filled (file, line, what)
 * on failure. Free with ion_answer_key_free (NULL is fine). */
ion_answer_key *ion_answer_key_parse(const char *data, size_t len,
                                     const char *name, const char *xsd_path,
                                     ion_error *err);
ion_answer_key *ion_answer_key_load(const char *path, const char *xsd_path,
                                    ion_error *err);
void ion_answer_key_free(ion_answer_key *k);

/* Student i's sheet (worksheet.h), generated: fills *s, whose instances
 * need stay valid only until the next call. 0, or -1 with err filled. */
typedef int (*ion_sheet_fn)(void *ctx, size_t i, ion_student_sheet *s, ion_error *err);

/* The key of n students of worksheet w built from their sheets, for the
 * server, which generates them anyway (src/gradekey_build.c): the same
 * model, to the bit, as ion_answer_key_parse reads from the key.xml
 * ion_key_student writes of those sheets, without writing it and reading
 * it back. Held whole, like a parsed key (only read while grading). The
 * key borrows w's templates: free it before w. NULL with err filled. */
ion_answer_key *ion_answer_key_from_sheets(const ion_worksheet *w, size_t n, ion_sheet_fn sheet, void *ctx,
                                           ion_error *err);

/* Strings owned by the key. */
const char *ion_answer_key_worksheet(const ion_answer_key *k);
const char *ion_answer_key_course(const ion_answer_key *k);
const char *ion_answer_key_title(const ion_answer_key *k); /* "" when none */
size_t ion_answer_key_students(const ion_answer_key *k);
const char *ion_answer_key_student_id(const ion_answer_key *k, size_t i);
const char *ion_answer_key_student_name(const ion_answer_key *k, size_t i);
/* The points student i can score: the sum of their parts' points. */
double ion_answer_key_student_max(const ion_answer_key *k, size_t i);
/* The index of student id, else of the one student whose id differs from
 * it only in the case of ASCII letters ("S06" finds s06); -1 when the key
 * has no such student, or several ids equal but for case. */
long ion_answer_key_find(const ion_answer_key *k, const char *id);
/* Every part id of the key in worksheet order ("1a", "1b", "2a", ...):
 * the gradebook's columns. */
size_t ion_answer_key_parts(const ion_answer_key *k);
const char *ion_answer_key_part_id(const ion_answer_key *k, size_t j);
/* Distinct compiled template versions (for tests of the cache); 0 for a
 * key built from sheets, which compiles nothing (its templates are the
 * worksheet's). */
size_t ion_answer_key_shapes(const ion_answer_key *k);

/* ---- grading ---- */

/* The verdicts (ion_verdict, ion_verdict_name): verdict.h. */

/* One part of a graded submission. Strings are owned by the gradebook (or
 * the key) and valid until that student is graded again or the gradebook
 * is freed. */
typedef struct {
    const char *part_id;  /* "1a" */
    size_t column;        /* its index among ion_answer_key_part_id */
    ion_verdict verdict;
    double score, points;
    const char *answer;   /* as written, or NULL when none */
    const char *key;      /* the right answer as shown: "-65.72 mV", "inward", "B" */
    const char *feedback; /* the matched mistake's feedback, or NULL */
    const char *note;     /* the grader's own words ("carried forward from 1a ..."), or NULL */
    int line;             /* where the answer is in its file, or 0 */
} ion_part_result;

/* One graded submission. */
typedef struct {
    size_t student;       /* index in the key */
    const char *file;     /* the submission's file */
    int line;             /* where the submission starts there */
    double total, max;
    size_t nparts;
    const ion_part_result *parts;
} ion_result;

typedef struct ion_gradebook ion_gradebook;

/* A gradebook over key (borrowed: it must outlive the gradebook); lang
 * ("en", "zh", any LANG.conf's) is that of the notes and picks the
 * mistakes' feedback, English where the key has none in lang. NULL when
 * out of memory. */
ion_gradebook *ion_gradebook_new(const ion_answer_key *key, const char *lang);
void ion_gradebook_free(ion_gradebook *gb);

/* Something the grader has to say about a submission, besides its grades:
 * an invalid or duplicate answer, a part the worksheet does not have, a
 * student graded twice. */
typedef void (*ion_grade_note_fn)(const ion_error *note, void *ctx);

/* Grades submission s into the gradebook, replacing that student's earlier
 * result from the same file when there is one. A second file for the same
 * student, or a file named after another student of the key than the one
 * it says ("s011.txt" saying "student: s010"), puts both students in
 * conflict (ion_gradebook_status): graded, so that the bank can record it,
 * but in no gradebook total; a note says so. Returns 0, with *out (when not NULL) pointing
 * at the result (valid as ion_part_result says), and calls note (when not
 * NULL) once per thing worth telling, located at the file and line. Returns
 * -1 with err filled when the submission is refused as a whole: another
 * worksheet, no student id, a student the key does not have. */
int ion_gradebook_grade(ion_gradebook *gb, const ion_submission *s,
                        const ion_result **out, ion_grade_note_fn note,
                        void *ctx, ion_error *err);

/* The result of student i, or NULL when they have none in the gradebook
 * (missing, refused, conflict: ion_gradebook_status). */
const ion_result *ion_gradebook_result(const ion_gradebook *gb, size_t i);

/* What became of a student's submission as a whole (ion_status,
 * ion_status_name): verdict.h. */

/* Student i's status; *why (when not NULL) gets its reason or files, or "". */
ion_status ion_gradebook_status(const ion_gradebook *gb, size_t i, const char **why);

/* A file refused as a whole (reason: coded, ion_sub_parser_refusal), put on the
 * student it belongs to: the one it names (student, may be NULL) or the one
 * it is named after ("s010.txt"). That student becomes REFUSED unless
 * another file of theirs was graded or they are in conflict. Returns the
 * student's index, or -1 when the file belongs to nobody known. */
long ion_gradebook_refuse(ion_gradebook *gb, const char *file, const char *student, const char *reason);

/* Puts student i in status st (REFUSED or CONFLICT) with why as
 * ion_gradebook_status gives it, as a run of `grade` found and the bank
 * recorded (ion_gradebook_record_status): the gradebook made from the
 * database says what `grade` said. Their result, if any, is dropped. 0, or
 * -1 when i or st is not one of those, or out of memory. */
int ion_gradebook_set_status(ion_gradebook *gb, size_t i, ion_status st, const char *why);

/* The key the gradebook grades against. */
const ion_answer_key *ion_gradebook_key(const ion_gradebook *gb);

/* The language of the notes and feedback ("en", "zh", ...). */
const char *ion_gradebook_lang(const ion_gradebook *gb);

/* ---- outputs (strings the caller frees; NULL when out of memory) ---- */

/* The gradebook CSV (render_csv.h) in the shape of style (NULL: plain):
 * plain is `student,name,total,max,percent,1a,1b,...`, one row per student
 * of the key in key order, a part's cell its score; a student without a
 * submission has total 0 and `missing` in every part's cell (moodle and
 * canvas: an empty grade). The grade column of moodle and canvas is named
 * by the key's title (else the worksheet's name). */
char *ion_gradebook_csv_styled(const ion_gradebook *gb, const ion_csv_style *style, size_t *len);
/* The same, plain. */
char *ion_gradebook_csv(const ion_gradebook *gb, size_t *len);

/* Student i's feedback as text: the total, then for each part the answer
 * given, the verdict, the key, the points and the feedback or note. */
char *ion_gradebook_feedback(const ion_gradebook *gb, size_t i, size_t *len);

/* Student i's status with its reason on one line, in the gradebook's
 * language ("student s002: refused: s002.txt: a PDF, not plain text ..."),
 * or NULL when they were graded or are missing (or out of memory). */
char *ion_gradebook_status_line(const ion_gradebook *gb, size_t i);

/* Statistics over the graded students (missing ones excluded). */
#define ION_GRADE_BINS 10
typedef struct {
    size_t students, graded; /* in the key; with a submission */
    double mean, median;     /* totals, in points */
    double mean_max;         /* the mean of the graded students' maxima */
    size_t bins[ION_GRADE_BINS]; /* totals by percent: [0,10), ..., [90,100] */
    size_t hardest[3];       /* part columns with the lowest mean score ratio */
    double hardest_ratio[3];
    size_t nhardest;
} ion_grade_stats;
/* 0, or -1 when out of memory (then the median and the hardest parts are
 * missing from st: not for showing). */
int ion_gradebook_stats(const ion_gradebook *gb, ion_grade_stats *st);

/* A one-screen summary: count, mean, median, hardest parts, histogram;
 * NULL when out of memory. */
char *ion_gradebook_summary(const ion_gradebook *gb);

#endif
