#include "check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance.h"
#include "judge.h"
#include "text.h"
#include "tolerance.h"

enum { RULE_EVAL, RULE_REQUIRES, RULE_MISTAKE, RULE_ZERO, RULE_CHOICE, RULE_MISTAKE_ZERO, RULE_OVERLAP,
       RULE_PLAUSIBLE, RULE_CONSTANT, RULE_SAME_MISTAKE, RULE_TIGHT, RULE_COUNT };

typedef struct {
    const ion_template *t;
    ion_check_fn fn;
    void *ctx;
    unsigned char broken[RULE_COUNT];
    int failures;
} checker;

/* Reports a rule once per template: the first seed is enough to act on. */
static void report(checker *c, int rule, unsigned long long seed, const ion_instance *in, int line,
                   const char *what)
{
    if (c->broken[rule])
        return;
    c->broken[rule] = 1;
    c->failures++;
    char values[512] = "";
    if (in)
        ion_instance_describe(in, values, sizeof values);
    ion_check_failure f = {c->t, seed, line, what, values};
    c->fn(&f, c->ctx);
}

/* The judge matches a mistake within its own interval (judge.h): one with
 * credit whose interval holds 0 pays for an answer of 0; two of different
 * credits that overlap make the score hang on the values at the edge. */
static void check_mistake_intervals(checker *c, const ion_instance *in, size_t i)
{
    const ion_part *p = &c->t->parts[i];
    const ion_part_key *pk = &in->keys[i];
    const char *unit = ion_unit_label(p->unit);
    char what[400], a[64], b[64];
    for (size_t k = 0; k < pk->nmistakes; k++) {
        const ion_judge_mistake *m = &pk->mistakes[k];
        double tol = ion_judge_mistake_tolerance(m->value, pk->value, pk->tol_abs, pk->tol_rel);
        if (m->credit > 0 && fabs(m->value) <= tol) {
            ion_text_say(what, sizeof what, "err.check.mistake_zero", "%s%d%s%s%s", p->id, m->source + 1,
                         p->mistakes[m->source].src, ion_format_sig(m->value, p->sigfigs, a, sizeof a), unit);
            report(c, RULE_MISTAKE_ZERO, in->seed, in, p->mistakes[m->source].line, what);
        }
        for (size_t l = k + 1; l < pk->nmistakes; l++) {
            const ion_judge_mistake *o = &pk->mistakes[l];
            double tol_o = ion_judge_mistake_tolerance(o->value, pk->value, pk->tol_abs, pk->tol_rel);
            /* Equal credits give equal scores whichever matches. */
            if (m->credit == o->credit || fabs(m->value - o->value) > tol + tol_o)
                continue;
            ion_text_say(what, sizeof what, "err.check.overlap", "%s%d%s%s%d%s%s", p->id, m->source + 1,
                         ion_format_sig(m->value, p->sigfigs, a, sizeof a), unit,
                         o->source + 1, ion_format_sig(o->value, p->sigfigs, b, sizeof b), unit);
            report(c, RULE_OVERLAP, in->seed, in, p->mistakes[o->source].line, what);
        }
    }
}

/* A part tighter than the parts it builds on (tolerance.h): a student
 * whose earlier answers were accepted at the edge of their intervals would
 * fail it for rounding alone. */
static void check_tight(checker *c, const ion_instance *in, size_t i)
{
    const ion_part *p = &c->t->parts[i];
    const ion_part_key *pk = &in->keys[i];
    if (p->tol_auto || !ion_tolerance_inputs(c->t, i))
        return;
    double need = ion_tolerance_propagated(in, i), own = ion_judge_tolerance(pk->value, pk->tol_abs, pk->tol_rel);
    if (need <= own * (1 + 1e-9))
        return;
    char what[400], a[64], b[64];
    ion_text_say(what, sizeof what, "err.check.tight", "%s%s%s%s%s", p->id, ion_format_sig(own, 2, a, sizeof a),
                 ion_unit_label(p->unit), ion_format_sig(need, 2, b, sizeof b), ion_unit_label(p->unit));
    report(c, RULE_TIGHT, in->seed, in, p->line, what);
}

static void check_part(checker *c, const ion_instance *in, size_t i)
{
    const ion_part *p = &c->t->parts[i];
    const ion_part_draw *pi = &in->drawn[i];
    char what[400], a[64], b[64];
    if (p->kind == ION_ANSWER_CHOICE) {
        for (size_t k = 0; k < p->nchoices; k++)
            if (!strcmp(p->choices[k], pi->answer.str))
                return;
        ion_text_say(what, sizeof what, "err.check.not_a_choice", "%s%s", p->id, pi->answer.str);
        report(c, RULE_CHOICE, in->seed, in, p->line, what);
        return;
    }
    if (p->kind != ION_ANSWER_NUMERIC)
        return;
    /* The grader's rule (judge.h), in SI, with the variant's own tolerance
     * (tol="auto" differs by variant): would it take 0, or the mistake? */
    double key = pi->answer.num, tol_abs = in->keys[i].tol_abs * p->unit->scale;
    double shown = ion_from_si(p->unit, key);
    if (p->has_plausible && !(shown >= p->plausible_lo && shown <= p->plausible_hi)) {
        ion_text_say(what, sizeof what, "err.check.plausible", "%s%s%s%g%g", p->id,
                     ion_part_value(p, key, a, sizeof a), ion_unit_label(p->unit), p->plausible_lo,
                     p->plausible_hi);
        report(c, RULE_PLAUSIBLE, in->seed, in, p->line, what);
    }
    check_tight(c, in, i);
    if (ion_judge_within(0, key, tol_abs, p->tol_rel)) {
        ion_text_say(what, sizeof what, "err.check.zero", "%s%s%s", p->id, ion_part_value(p, key, a, sizeof a),
                     ion_unit_label(p->unit));
        report(c, RULE_ZERO, in->seed, in, p->line, what);
    }
    for (size_t k = 0; k < p->nmistakes; k++) {
        if (!pi->mistake_ok[k] || !ion_judge_within(pi->mistakes[k].num, key, tol_abs, p->tol_rel))
            continue;
        ion_text_say(what, sizeof what, "err.check.mistake_within", "%s%zu%s%s%s%s", p->id, k + 1,
                     p->mistakes[k].src, ion_part_value(p, pi->mistakes[k].num, a, sizeof a),
                     ion_unit_label(p->unit), ion_part_value(p, key, b, sizeof b));
        report(c, RULE_MISTAKE, in->seed, in, p->mistakes[k].line, what);
    }
    check_mistake_intervals(c, in, i);
}

/* A choice part whose key is the same for every seed teaches nothing the
 * seed could change: a student learns the answer, not the reasoning. */
typedef struct {
    char first[32];
    int seen, varied;
    /* numeric parts: differ[k][l] once mistakes k and l gave different
     * values; two that never do are one mistake, the second never shown */
    unsigned char differ[16][16];
} choice_spread;

static void note_choice(choice_spread *cs, const char *answer)
{
    if (!cs->seen++)
        snprintf(cs->first, sizeof cs->first, "%s", answer);
    else if (strncmp(cs->first, answer, sizeof cs->first - 1))
        cs->varied = 1;
}

static void note_mistakes(choice_spread *cs, const ion_part *p, const ion_part_draw *pi)
{
    size_t n = p->nmistakes < 16 ? p->nmistakes : 16;
    cs->seen++;
    for (size_t k = 0; k < n; k++)
        for (size_t l = k + 1; l < n; l++) {
            double a = pi->mistakes[k].num, b = pi->mistakes[l].num;
            if (!pi->mistake_ok[k] || !pi->mistake_ok[l] || fabs(a - b) > 1e-9 * fabs(a))
                cs->differ[k][l] = 1;
        }
}

/* Fewer seeds than this say little about "every seed": a key that
 * differs one time in ten would look constant over 20. */
#define SPREAD_MIN_SEEDS 200

static void check_spread(checker *c, const choice_spread *cs, int samples)
{
    char what[400];
    if (samples < SPREAD_MIN_SEEDS)
        return;
    for (size_t i = 0; i < c->t->nparts; i++) {
        const ion_part *p = &c->t->parts[i];
        size_t n = p->nmistakes < 16 ? p->nmistakes : 16;
        for (size_t k = 0; k < n && p->kind == ION_ANSWER_NUMERIC && cs[i].seen >= 2; k++)
            for (size_t l = k + 1; l < n; l++) {
                if (cs[i].differ[k][l])
                    continue;
                ion_text_say(what, sizeof what, "err.check.same_mistake", "%s%zu%s%zu%s%d%zu", p->id, k + 1,
                             p->mistakes[k].src, l + 1, p->mistakes[l].src, samples, l + 1);
                report(c, RULE_SAME_MISTAKE, 1, NULL, p->mistakes[l].line, what);
            }
        if (p->kind != ION_ANSWER_CHOICE || cs[i].seen < 2 || cs[i].varied)
            continue;
        ion_text_say(what, sizeof what, "err.check.constant", "%s%s%d", p->id, cs[i].first, samples);
        report(c, RULE_CONSTANT, 1, NULL, p->line, what);
    }
}

int ion_check_template(const ion_template *t, int samples, ion_check_fn fn, void *ctx)
{
    checker c = {t, fn, ctx, {0}, 0};
    ion_instance in;
    choice_spread *spread = calloc(t->nparts + 1, sizeof *spread);
    if (!spread || ion_instance_init(&in, t)) {
        free(spread);
        char what[64];
        ion_text_say(what, sizeof what, "err.out_of_memory", "-");
        report(&c, RULE_EVAL, 0, NULL, t->line, what);
        return c.failures;
    }
    for (int s = 1; s <= samples; s++) {
        ion_error err = {0};
        if (ion_instance_generate(&in, (unsigned long long)s, &err)) {
            int rule = err.key && !strcmp(err.key, "err.instance.requires") ? RULE_REQUIRES : RULE_EVAL;
            /* The message already names the template, the seed and the
             * values; keep what follows the template's name (": ", or
             * the full-width colon of Chinese). */
            const char *colon = strchr(err.msg, ':'), *wide = strstr(err.msg, "\xef\xbc\x9a");
            const char *what = wide && (!colon || wide < colon) ? wide + 3 : colon ? colon + 2 : err.msg;
            char buf[sizeof err.msg + 32];
            if (rule == RULE_REQUIRES) {
                /* That message names neither the seed nor values. */
                ion_text_say(buf, sizeof buf, "err.check.at_seed", "%s%d", what, s);
                what = buf;
            }
            report(&c, rule, (unsigned long long)s, NULL, err.line, what);
            continue;
        }
        for (size_t i = 0; i < t->nparts; i++) {
            check_part(&c, &in, i);
            if (t->parts[i].kind == ION_ANSWER_CHOICE)
                note_choice(&spread[i], in.drawn[i].answer.str);
            else if (t->parts[i].kind == ION_ANSWER_NUMERIC)
                note_mistakes(&spread[i], &t->parts[i], &in.drawn[i]);
        }
    }
    check_spread(&c, spread, samples);
    free(spread);
    ion_instance_release(&in);
    return c.failures;
}
