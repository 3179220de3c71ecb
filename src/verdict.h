/* The words of the model the bank stores: the verdict on one part and the
 * status of a submission as a whole. The bank keeps their names as text
 * (what is in the database is "right", "refused", ...) and gives them back
 * as these enums, read once where the row is read (bank.c); everything
 * above compares enums. No database and no grader here: any layer may
 * include it. */
#ifndef ION_VERDICT_H
#define ION_VERDICT_H

/* The verdict on one part, the same everywhere (drill, gradebook, web). */
typedef enum {
    ION_VERDICT_MISSING = 0, /* no submission from this student */
    ION_VERDICT_BLANK,       /* the part was not answered */
    ION_VERDICT_INVALID,     /* unreadable, not a choice, or answered twice: 0 */
    ION_VERDICT_WRONG,       /* 0 (a mistake with credit 0 included) */
    ION_VERDICT_PARTIAL,     /* a mistake or slip with credit > 0 */
    ION_VERDICT_CARRIED,     /* right from the student's own earlier answer: full */
    ION_VERDICT_RIGHT,
} ion_verdict;

/* "missing", "blank", "invalid", "wrong", "partial", "carried", "right";
 * "?" for a value that is none of them. */
const char *ion_verdict_name(ion_verdict v);

/* The verdict called name (as ion_verdict_name says it) into *v: 0, or -1
 * when no verdict is called so. */
int ion_verdict_parse(const char *name, ion_verdict *v);

/* What became of a student's submission as a whole (SPEC.md "Next"). */
typedef enum {
    ION_STATUS_MISSING = 0, /* no file named after or claiming them */
    ION_STATUS_GRADED,      /* ion_gradebook_result has their result */
    ION_STATUS_REFUSED,     /* their file could not be read (why: "FILE: coded reason", ion_text_refusal) */
    ION_STATUS_CONFLICT,    /* several files claim them, or a file named after
                               them claims another: none graded (why: the files) */
} ion_status;

/* "missing", "graded", "refused", "conflict"; "?" for none of them. */
const char *ion_status_name(ion_status st);

/* The status called name into *st: 0, or -1 when none is called so. */
int ion_status_parse(const char *name, ion_status *st);

#endif
