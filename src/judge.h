/* The one judge: one answer to one part, by the rules of SPEC.md
 * "Grading", for the drill, the grader and the web alike. It takes the
 * part's key (partkey.h: the per-student model, filled from an instance or
 * read back from key.xml) and gives one verdict.
 *
 *   numeric  read with ion_parse_readings (decimal comma, Unicode minus,
 *            e notation, a unit or none); no unit means the part's unit; a
 *            unit of another dimension is wrong. Right when
 *            |a - k| <= max(tol-abs, tol-rel * |k|) in the part's unit,
 *            exactly: the answer is the decimal typed, converted
 *            exactly; the key's numbers are decimals of 12 significant
 *            digits (the compute core's doubles hold rounding past that);
 *            decided in rationals at the edge. Otherwise the
 *            matching author mistake with the highest credit; then the
 *            generic slips (the value x1000 or /1000, the other sign) with
 *            the part's slip and sign credits. A mistake or slip m is
 *            matched within the key's relative precision carried to m
 *            (ion_judge_mistake_tolerance), so a slip to a small value
 *            never takes an answer of 0.
 *   choice   one of the part's ids, ignoring case, blanks and punctuation,
 *            or a synonym students write ("outwards", "外向"); "out" is
 *            never "outward". A mistake whose value is that id matches.
 *   mcq      the letter shown (A, B, ...: "b", "(B)", "B."), or the
 *            option's id; a mistake naming that letter or id matches.
 *
 * Carried forward (grader): ion_judge_carried upgrades a judgement when the
 * answer is what the student's own earlier answers give.
 *
 * Nothing here allocates or prints. */
#ifndef ION_JUDGE_H
#define ION_JUDGE_H

#include <stddef.h>

#include "expr.h"
#include "instance.h"
#include "partkey.h"
#include "units.h"
#include "verdict.h"

/* The verdict on one part (ion_verdict, ion_verdict_name): verdict.h. */

/* Why, besides the verdict. */
typedef enum {
    ION_JUDGE_NOTE_NONE = 0,
    ION_JUDGE_NOTE_SIGN,       /* the value with the other sign (a generic slip) */
    ION_JUDGE_NOTE_SCALE,      /* the value x1000 or /1000 (a generic slip; factor says which) */
    ION_JUDGE_NOTE_DIMENSION,  /* wrong: a unit of another dimension (unit says which) */
    ION_JUDGE_NOTE_NOT_NUMBER, /* invalid: why has the parser's reason */
    ION_JUDGE_NOTE_NOT_CHOICE, /* invalid: not one of the part's choice ids */
    ION_JUDGE_NOTE_AMBIGUOUS,  /* invalid: could be more than one of the choice ids */
    ION_JUDGE_NOTE_NOT_LETTER, /* invalid: not one of the mcq letters */
    ION_JUDGE_NOTE_MOVEMENT,   /* invalid: a current direction (inward) for ion movement
                                  (out, in, none), or the other way round */
    ION_JUDGE_NOTE_TWICE,      /* invalid: answered more than once, and the answers
                                  read differently (twice says which one first) */
} ion_judge_note;

typedef struct {
    ion_verdict verdict;   /* INVALID, WRONG, PARTIAL, CARRIED or RIGHT */
    double credit;         /* 1 right or carried, a mistake's or slip's credit, or 0 */
    int mistake;           /* index in the part key's mistakes, or -1 */
    ion_judge_note note;
    double factor;         /* NOTE_SCALE: 1000 or 0.001 */
    const ion_unit *unit;  /* numeric: the unit written, or NULL when none */
    int usable;            /* numeric: a number of the part's dimension */
    double value;          /* ... in the part's unit */
    double value_si;       /* ... in SI */
    double rounding_si;    /* ... half a unit in its last digit written, in SI */
    char decimal[ION_DECIMAL_MAX]; /* numeric: the number as written ("-94.52") */
    long chosen;           /* choice, mcq: the index in ids, or -1 */
    ion_reason why;        /* NOT_NUMBER: the reader's reason (units.h), else none */
    size_t twice;          /* NOTE_TWICE: the index of the first answer that differs */
} ion_judgement;

/* Judges answer (UTF-8, surrounding blanks ignored) against the part key. */
void ion_judge_part(const ion_part_key *p, const char *answer, ion_judgement *out);

/* Judges the n answers (n >= 1) a student gave to one part (an answer
 * file with the part on several lines). When they have one reading, that
 * is the answer: the same text, the same choice or letter, or the same
 * number of the part's dimension (a number without a unit in the part's
 * unit) as far as the coarser is written (within half a unit in its last
 * digit, exactly on the decimals typed), with the same verdict ("-95" and
 * "-95.0 mV" or "-0.095 V"; "-99.0" and "-0.09898 V"), judged by the most
 * precise. Otherwise the part is ambiguous: INVALID, NOTE_TWICE. The same
 * rule joins an answer written twice in one ("-95 (-0.095 V)"); two
 * different ones there are INVALID, NOTE_NOT_NUMBER, why TWO_ANSWERS. */
void ion_judge_answers(const ion_part_key *p, const char *const *answers, size_t n, ion_judgement *out);

/* The carried-forward rule: when j is neither right nor invalid and the
 * answer is what the student's own earlier answers give (carried: a
 * number in SI, or a choice id), j becomes CARRIED with credit 1 and 1 is
 * returned; else 0 and j is unchanged. */
int ion_judge_carried(const ion_part_key *p, const ion_val *carried, ion_judgement *j);

/* Whether the carried-forward rule can change j (neither right nor
 * invalid): the grader asks before it works out what carries. */
int ion_judge_may_carry(const ion_judgement *j);

/* Judges answer against part `part` of a generated instance (the drill). */
void ion_judge_answer(const ion_instance *in, size_t part, const char *answer, ion_judgement *out);

/* ---- the rules, one function each (the bank check uses them) ---- */

/* The tolerance around k: max(tol_abs, tol_rel * |k|), in k's unit. */
double ion_judge_tolerance(double k, double tol_abs, double tol_rel);

/* a is right for k: |a - k| <= ion_judge_tolerance(k, ...). */
int ion_judge_within(double a, double k, double tol_abs, double tol_rel);

/* The tolerance around a mistake or slip value m of a part whose key is
 * k: the key's relative precision carried to m (at most half of |m|), so
 * that the interval never holds 0 unless m is 0. */
double ion_judge_mistake_tolerance(double m, double k, double tol_abs, double tol_rel);

/* The index of the choice among ids[0..n) that the answer names, -1 when
 * none does, -2 when more than one could be meant. */
long ion_judge_choice(const char *answer, const char *const *ids, size_t n);

/* The index of the mcq option an answer names, by its letter (letters[i])
 * or its id (ids[i]); -1 when none. */
long ion_judge_mcq(const char *answer, const char *letters, const char *const *ids, size_t n);

/* The ids joined by sep into buf (n bytes), for messages. */
void ion_judge_list(const char *const *ids, size_t count, const char *sep, char *buf, size_t n);

#endif
