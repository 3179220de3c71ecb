/* Judging one answer to one part of an instance, by the grader's rules
 * (SPEC.md "Grading"): the drill's checker, and one the grader can adopt.
 *
 *   numeric  read with ion_parse_quantity (decimal comma, Unicode minus,
 *            e notation, a unit or none); no unit means the part's unit; a
 *            unit of another dimension is wrong. Right when
 *            |a - k| <= max(tol-abs, tol-rel * |k|) in SI. Otherwise the
 *            matching mistake (within the part's tolerance around the
 *            mistake's value) with the highest credit gives its credit.
 *   choice   one of the part's ids, case-insensitive and whole ("out" is
 *            never "outward"); a mistake whose value is that id matches.
 *   mcq      the letter shown (A, B, ...), case-insensitive.
 *
 * Nothing here allocates or prints. */
#ifndef ION_JUDGE_H
#define ION_JUDGE_H

#include <stddef.h>

#include "instance.h"
#include "units.h"

typedef enum {
    ION_JUDGE_RIGHT = 0,
    ION_JUDGE_PARTIAL,    /* a mistake with credit > 0 */
    ION_JUDGE_WRONG,      /* 0 points (a mistake with credit 0 included) */
    ION_JUDGE_UNREADABLE, /* not a number, not one of the choices, not a letter */
} ion_judge_verdict;

/* Why, besides the verdict. */
typedef enum {
    ION_JUDGE_NOTE_NONE = 0,
    ION_JUDGE_NOTE_SIGN,       /* wrong, matches no mistake, but is right with the other sign */
    ION_JUDGE_NOTE_DIMENSION,  /* wrong: a unit of another dimension (unit says which) */
    ION_JUDGE_NOTE_NOT_NUMBER, /* unreadable: detail has the parser's reason */
    ION_JUDGE_NOTE_NOT_CHOICE, /* unreadable: not one of the part's choice ids */
    ION_JUDGE_NOTE_NOT_LETTER, /* unreadable: not one of the mcq letters */
} ion_judge_note;

typedef struct {
    ion_judge_verdict verdict;
    double credit;         /* 1 right, a mistake's credit, or 0 */
    int mistake;           /* index of the matched mistake of the part, or -1 */
    ion_judge_note note;
    const ion_unit *unit;  /* numeric: the unit written, or NULL when none */
    double value_si;       /* numeric: the answer in SI (when readable) */
    char detail[128];      /* NOT_NUMBER: "unknown unit 'mVV'", else "" */
} ion_judgement;

/* Judges answer (UTF-8, surrounding blanks ignored) against part `part` of
 * a generated instance and fills *out. */
void ion_judge_answer(const ion_instance *in, size_t part, const char *answer,
                      ion_judgement *out);

#endif
