/* The answer to one part for one student: the unit of the per-student
 * model (README "Layout"). An instance fills one per part when it is
 * generated (instance.c), the key writer writes it, the answer-key reader
 * fills the same struct back from key.xml (gradekey.c), and the one judge
 * (judge.h) takes nothing else, so the drill, the grader and the web judge
 * an answer alike. */
#ifndef ION_PARTKEY_H
#define ION_PARTKEY_H

#include <stddef.h>

#include "units.h"

/* What the student is asked to give: a number, a choice id, a letter. */
typedef enum { ION_ANSWER_NUMERIC, ION_ANSWER_CHOICE, ION_ANSWER_MCQ } ion_answer_kind;

/* The credit of the generic slips when the template gives none: the right
 * number in a unit 1000 times too large or too small earns half (the
 * physics was right), the other sign nothing (SPEC "Grading": a right
 * size with the wrong sign is wrong; the feedback still says so). */
#define ION_SLIP_CREDIT 0.5
#define ION_SIGN_CREDIT 0.0

/* One author-written mistake, valued for this student. */
typedef struct {
    double value;     /* numeric: in the part's unit */
    const char *str;  /* choice: a choice id; mcq: a letter or an option id */
    double credit;    /* 0..1 */
    int source;       /* its index among the template part's mistakes */
} ion_judge_mistake;

typedef struct {
    ion_answer_kind kind;
    double points;
    /* numeric */
    const ion_unit *unit;
    double value;             /* exact, in unit */
    double tol_abs, tol_rel;  /* in unit */
    int sigfigs;              /* as shown in keys, solutions and feedback */
    double slip_credit;       /* x1000 or /1000 of the value */
    double sign_credit;       /* the value with the other sign */
    /* choice: the id; mcq: the letter shown ("B") */
    const char *answer;
    /* choice: the ids; mcq: the option ids in the order shown, letter
     * letters[i] for ids[i] */
    const char *const *ids;
    const char *letters;
    size_t nids;
    const ion_judge_mistake *mistakes; /* only those with a value here */
    size_t nmistakes;
} ion_part_key;

#endif
