/* Tolerances propagated from the inputs: see tolerance.h. */
#include "tolerance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "judge.h"
#include "template.h"

/* The slot of the let earlier part j asks for when numeric part i reads
 * it (part i carries from j: template.h), else -1. */
static int input_slot(const ion_template *t, size_t j, size_t i)
{
    const ion_part *p = &t->parts[i];
    for (size_t c = 0; p->kind == ION_ANSWER_NUMERIC && c < p->ncarries; c++)
        if (p->carries[c].from == j)
            return (int)p->carries[c].slot;
    return -1;
}

size_t ion_tolerance_inputs(const ion_template *t, size_t i)
{
    size_t n = 0;
    for (size_t j = 0; j < i; j++)
        n += input_slot(t, j, i) >= 0;
    return n;
}

/* Half a unit in the last of sigfigs digits of v: how far the printed
 * value may be from v. */
static double half_last_digit(double v, int sigfigs)
{
    if (v == 0 || !isfinite(v) || sigfigs < 1)
        return 0;
    return 0.5 * pow(10, floor(log10(fabs(v))) - sigfigs + 1);
}

/* Part i's answer (SI) with the let at slot moved to x, the other parts'
 * lets (pinned) held: -1 when it has no value. */
static int moved_answer(const ion_instance *in, size_t i, const unsigned char *pinned, int slot, double x,
                        ion_val *vals, double *out)
{
    const ion_template *t = in->t;
    memcpy(vals, in->vals, t->nvars * sizeof *vals);
    vals[slot].num = x;
    for (size_t k = 0; k < t->nlets; k++) {
        size_t s = t->let_order[k];
        if (!pinned[s] && ion_expr_eval(t->vars[s].expr, vals, &vals[s]) != ION_OK)
            return -1;
    }
    ion_val v;
    if (ion_expr_eval(t->parts[i].answer, vals, &v) != ION_OK || v.type != ION_T_NUM || !isfinite(v.num))
        return -1;
    *out = v.num;
    return 0;
}

double ion_tolerance_propagated(const ion_instance *in, size_t i)
{
    const ion_template *t = in->t;
    if (!ion_tolerance_inputs(t, i))
        return 0;
    ion_val *vals = malloc((t->nvars + 1) * sizeof *vals);
    unsigned char *pinned = calloc(t->nvars + 1, 1);
    double total = vals && pinned ? 0 : -1;
    for (size_t j = 0; j < i; j++) { /* the student's other answers stay */
        int s = ion_part_asked_let(t, &t->parts[j]);
        if (pinned && s >= 0)
            pinned[s] = 1;
    }
    double key = in->drawn[i].answer.num;
    for (size_t j = 0; j < i && total >= 0; j++) {
        int slot = input_slot(t, j, i);
        if (slot < 0)
            continue;
        const ion_part_key *kj = &in->keys[j];
        double tol = fmax(ion_judge_tolerance(kj->value, kj->tol_abs, kj->tol_rel),
                          half_last_digit(kj->value, kj->sigfigs)) *
                     kj->unit->scale;
        double worst = 0;
        for (int side = -1; side <= 1 && total >= 0; side += 2) {
            double moved;
            if (moved_answer(in, i, pinned, slot, in->vals[slot].num + side * tol, vals, &moved) < 0)
                total = -1;
            else
                worst = fmax(worst, fabs(moved - key));
        }
        if (total >= 0)
            total += worst;
    }
    free(vals);
    free(pinned);
    return total < 0 ? -1 : total / t->parts[i].unit->scale;
}
