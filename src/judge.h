/* Judging one answer to one part, by the rules of SPEC.md "Grading". The
 * rules are here once, each as one function, and both the grader (grade.c,
 * against the answer key) and the drill (ion_judge_answer, against an
 * instance) use them:
 *
 *   numeric  read with ion_parse_quantity (decimal comma, Unicode minus,
 *            e notation, a unit or none); no unit means the part's unit; a
 *            unit of another dimension is wrong (ion_judge_read_number).
 *            Right when |a - k| <= max(tol-abs, tol-rel * |k|) in the
 *            part's unit (ion_judge_within). Otherwise the matching mistake
 *            (within the part's tolerance around the mistake's value) with
 *            the highest credit gives its credit; with none, an answer that
 *            is right but for its sign says so (ion_judge_sign_flipped).
 *   choice   one of the part's ids, ignoring case, blanks and punctuation,
 *            or a synonym students write ("outwards", "外向"); "out" is
 *            never "outward" (ion_judge_choice). A mistake whose value is
 *            that id matches.
 *   mcq      the letter shown (A, B, ...: "b", "(B)", "B."), or the
 *            option's id (ion_judge_mcq).
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

/* ---- the rules, for callers that hold parts their own way (the grader) ---- */

/* The tolerance around k: max(tol_abs, tol_rel * |k|), in k's unit. */
double ion_judge_tolerance(double k, double tol_abs, double tol_rel);

/* a is right for k: |a - k| <= ion_judge_tolerance(k, ...), with room for
 * the last digits of a key written with %.10g. Any one unit for all. */
int ion_judge_within(double a, double k, double tol_abs, double tol_rel);

/* a is wrong for k but right with the other sign. */
int ion_judge_sign_flipped(double a, double k, double tol_abs, double tol_rel);

/* Reads a numeric answer to a part in `unit`. Returns ION_JUDGE_NOTE_NONE
 * with *value (in the part's unit) and *si set; ION_JUDGE_NOTE_NOT_NUMBER
 * with why (n bytes) saying what is wrong; or ION_JUDGE_NOTE_DIMENSION.
 * *written is the unit written, or NULL when none was. */
ion_judge_note ion_judge_read_number(const char *text, const ion_unit *unit, double *value, double *si,
                                     const ion_unit **written, char *why, size_t n);

/* The index of the choice among ids[0..n) that the answer names, -1 when
 * none does, -2 when more than one could be meant. */
long ion_judge_choice(const char *answer, const char *const *ids, size_t n);

/* The index of the mcq option an answer names, by its letter (letters[i])
 * or its id (ids[i]); -1 when none. */
long ion_judge_mcq(const char *answer, const char *letters, const char *const *ids, size_t n);

/* The ids joined by sep into buf (n bytes), for messages. */
void ion_judge_list(const char *const *ids, size_t count, const char *sep, char *buf, size_t n);

#endif
