/* Storing graded submissions in the bank: the one place where the grader
 * (grade.h) meets the database (bank.h). Apart from grade.h so that the
 * grader and the key reader do not see the database; the functions live
 * in gradebook.c. */
#ifndef ION_GRADE_RECORD_H
#define ION_GRADE_RECORD_H

#include <stddef.h>

#include "bank.h"
#include "error.h"
#include "grade.h"
#include "submission.h"

/* Records the graded submission s (whose result r just came from
 * ion_gradebook_grade) for the key's worksheet: the submission row (the
 * same content again reuses its row) and one grade per part. The caller
 * wraps a whole run in ion_bank_begin / ion_bank_commit. Returns 0 or a
 * negative ion_bank error code with err filled. */
int ion_gradebook_record(const ion_gradebook *gb, ion_bank *b,
                         const ion_submission *s, const ion_result *r,
                         ion_error *err);

/* The grade row ion_gradebook_record stores for part p (its strings are
 * p's, or text, of cap bytes, when the feedback and a note are joined):
 * what a reader of the bank gets back. */
void ion_gradebook_grade_row(const ion_part_result *p, char *text, size_t cap, ion_bank_grade *g);

/* Records the status of every student of the key whose files this
 * gradebook refused or found in conflict, as that student's latest
 * submission (ion_bank_submission_status), after their graded files: call
 * it once a run has graded everything, inside its transaction. Returns 0
 * or a negative ion_bank error code with err filled. */
int ion_gradebook_record_statuses(const ion_gradebook *gb, ion_bank *b, ion_error *err);

#endif
