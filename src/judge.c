/* One answer against one part, by the grader's rules: see judge.h. */
#include "judge.h"

#include <ctype.h>
#include <gmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exact.h"

/* ---- numbers -------------------------------------------------------------- */

double ion_judge_tolerance(double k, double tol_abs, double tol_rel)
{
    return fmax(tol_abs, tol_rel * fabs(k));
}

double ion_judge_mistake_tolerance(double m, double k, double tol_abs, double tol_rel)
{
    double tol = ion_judge_tolerance(k, tol_abs, tol_rel);
    if (k == 0)
        return fmin(tol, fabs(m) / 2);
    return fmin(tol / fabs(k), 0.5) * fabs(m);
}

/* ---- the edge, decided exactly ----------------------------------------------
 * The answer is the decimal the student typed, read and converted to the
 * part's unit exactly. The key's numbers (value, tolerances, mistakes) and
 * the units' scales and offsets are decimals of ION_EXACT_DIGITS
 * significant digits (exact.h): what an author writes ("0.02", "273.15")
 * exactly, and what the compute core gives to the precision it has. The
 * core works in doubles in SI: -86 mV - -90 mV gives 4.0000000000000036
 * mV, and a difference of close values loses digits (each double is off
 * by up to 1.1e-16 of itself), so past the 12th digit a key holds
 * rounding, not physics. The rules above are decided in doubles when the
 * answer is clearly in or out; near the edge exactly, in rationals (GMP). */

/* Doubles decide when the answer is this far from the edge, relative to
 * the sizes involved: above the key's rounding to ION_EXACT_DIGITS (5e-12
 * at most) and the few units in the last place (2.2e-16 each) that
 * reading, converting and the tolerance cost in doubles. */
#define CLEAR_OF_EDGE 1e-10

/* tol = max(tol_abs, tol_rel * |k|). */
static void q_tolerance(mpq_t tol, const mpq_t k, double tol_abs, double tol_rel)
{
    mpq_t t;
    mpq_init(t);
    ion_exact_double(tol, tol_abs);
    ion_exact_double(t, tol_rel);
    mpq_mul(t, t, k);
    mpq_abs(t, t);
    if (mpq_cmp(t, tol) > 0)
        mpq_set(tol, t);
    mpq_clear(t);
}

/* What an answer is held against: the key k within its tolerance, or a
 * mistake or slip (mistake 1) at value * factor within the key's
 * precision carried to it (ion_judge_mistake_tolerance). */
typedef struct {
    double k, tol_abs, tol_rel;
    int mistake;
    double value, factor;
} target;

/* The answer's value in unit (the part's), exactly: its decimal as
 * written, converted from the unit it was written in. */
static void q_answer(mpq_t a, const ion_judgement *j, const ion_unit *unit)
{
    if (j->decimal[0])
        ion_exact_value(a, j->decimal, j->unit, unit);
    else
        ion_exact_double(a, j->value); /* ion_judge_within: a number in the unit */
}

static int near_exactly(const ion_judgement *j, const ion_unit *unit, const target *g)
{
    mpq_t a, k, c, tol, t;
    mpq_inits(a, k, c, tol, t, (mpq_ptr)NULL);
    q_answer(a, j, unit);
    ion_exact_double(k, g->k);
    ion_exact_double(c, g->value);
    ion_exact_double(t, g->factor);
    mpq_mul(c, c, t);
    q_tolerance(tol, k, g->tol_abs, g->tol_rel);
    if (g->mistake) { /* ion_judge_mistake_tolerance, exactly */
        mpq_abs(t, c);
        if (mpq_sgn(k) == 0) {
            mpq_div_2exp(t, t, 1); /* |c| / 2 */
            if (mpq_cmp(t, tol) < 0)
                mpq_set(tol, t);
        } else {
            mpq_div(tol, tol, k); /* tol / |k|, at most 1/2, times |c| */
            mpq_abs(tol, tol);
            mpq_set_ui(k, 1, 2);
            if (mpq_cmp(tol, k) > 0)
                mpq_set(tol, k);
            mpq_mul(tol, tol, t);
        }
    }
    mpq_sub(a, a, c);
    mpq_abs(a, a);
    int in = mpq_cmp(a, tol) <= 0;
    mpq_clears(a, k, c, tol, t, (mpq_ptr)NULL);
    return in;
}

/* The answer of j (its value in unit, the part's) lies within g's
 * tolerance of g's value: in doubles when clear of the edge, else exactly. */
static int near(const ion_judgement *j, const ion_unit *unit, const target *g)
{
    double c = g->value * g->factor;
    double tol = g->mistake ? ion_judge_mistake_tolerance(c, g->k, g->tol_abs, g->tol_rel)
                            : ion_judge_tolerance(g->k, g->tol_abs, g->tol_rel);
    double off = fabs(j->value - c) - tol;
    double size = fabs(j->value) + fabs(c) + fabs(g->k) + tol;
    if (j->unit && j->unit != unit) /* offsets (Celsius) cancel in the conversion */
        size += fabs(j->value_si / unit->scale);
    if (!isfinite(off) || !isfinite(size) || off > CLEAR_OF_EDGE * size)
        return 0;
    if (off < -CLEAR_OF_EDGE * size)
        return 1;
    return near_exactly(j, unit, g);
}

int ion_judge_within(double a, double k, double tol_abs, double tol_rel)
{
    ion_judgement j = {.value = a};
    target g = {k, tol_abs, tol_rel, 0, k, 1};
    return near(&j, NULL, &g);
}

/* Takes reading r of a numeric answer into j (value, value_si, unit,
 * rounding, usable); 0, or -1 with j's note set when it is not a number
 * of the part's dimension. */
static int take_number(const ion_part_key *p, const ion_reading *r, ion_judgement *j)
{
    const ion_unit *u = r->unit;
    j->unit = u;
    if (u && u->dim != p->unit->dim) {
        j->note = ION_JUDGE_NOTE_DIMENSION;
        return -1;
    }
    j->value_si = ion_to_si(u ? u : p->unit, r->value);
    j->value = u && u != p->unit ? ion_from_si(p->unit, j->value_si) : r->value;
    memcpy(j->decimal, r->decimal, sizeof j->decimal);
    j->rounding_si = fabs(ion_to_si(u ? u : p->unit, r->half_digit) - ion_to_si(u ? u : p->unit, 0));
    j->usable = 1;
    return 0;
}

/* ---- choices --------------------------------------------------------------- */

/* s folded for comparison: ASCII letters in lower case, blanks and
 * punctuation dropped, "towards" read as "toward", "-ize" as "-ise". */
static void fold(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    for (; *s && k + 1 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\t' || c == '-' || c == '_' || c == '.' || c == '"' || c == '\'' ||
            c == '(' || c == ')' || c == ',' || c == '!')
            continue;
        out[k++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    out[k] = '\0';
    for (char *t; (t = strstr(out, "towards"));)
        memmove(t + 6, t + 7, strlen(t + 7) + 1);
    for (char *t = out; (t = strstr(t, "iz"));)
        t[1] = 's';
}

/* What students write for a choice id, folded. Only where unambiguous:
 * current direction (outward, inward) and ion movement (out, in) are kept
 * apart, so "out" never means "outward". */
static const struct {
    const char *said, *id;
} synonyms[] = {
    {"outwards", "outward"}, {"outwardcurrent", "outward"}, {"外向", "outward"}, {"外向电流", "outward"},
    {"inwards", "inward"}, {"inwardcurrent", "inward"}, {"内向", "inward"}, {"内向电流", "inward"},
    {"outofthecell", "out"}, {"leavesthecell", "out"}, {"leaves", "out"}, {"efflux", "out"},
    {"向外", "out"}, {"外流", "out"},
    {"intothecell", "in"}, {"entersthecell", "in"}, {"enters", "in"}, {"influx", "in"},
    {"向内", "in"}, {"内流", "in"},
    {"nonet", "none"}, {"nocurrent", "none"}, {"nonetcurrent", "none"}, {"noflow", "none"},
    {"nonetflow", "none"}, {"nonetmovement", "none"}, {"neither", "none"}, {"无", "none"},
    {"depolarise", "depolarising"}, {"depolarises", "depolarising"}, {"depolarisation", "depolarising"},
    {"depolarised", "depolarising"}, {"去极化", "depolarising"},
    {"hyperpolarise", "hyperpolarising"}, {"hyperpolarises", "hyperpolarising"},
    {"hyperpolarisation", "hyperpolarising"}, {"hyperpolarised", "hyperpolarising"},
    {"超极化", "hyperpolarising"},
    {"nochange", "unchanged"}, {"staysthesame", "unchanged"}, {"same", "unchanged"}, {"不变", "unchanged"},
    {"increases", "increase"}, {"increased", "increase"}, {"decreases", "decrease"},
    {"decreased", "decrease"}, {"towardzero", "toward0"}, {"toward0mv", "toward0"},
};

long ion_judge_choice(const char *answer, const char *const *ids, size_t n)
{
    char said[128], id[128];
    fold(answer, said, sizeof said);
    if (!*said)
        return -1;
    /* The ids themselves first: a synonym is only looked up without a hit. */
    for (int pass = 0; pass < 2; pass++) {
        long found = -1;
        for (size_t i = 0; i < n; i++) {
            fold(ids[i], id, sizeof id);
            int hit = !strcmp(said, id);
            for (size_t s = 0; pass && !hit && s < sizeof synonyms / sizeof synonyms[0]; s++)
                hit = !strcmp(said, synonyms[s].said) && !strcmp(id, synonyms[s].id);
            if (hit)
                found = found == -1 ? (long)i : -2;
        }
        if (found != -1)
            return found;
    }
    return -1;
}

long ion_judge_mcq(const char *answer, const char *letters, const char *const *ids, size_t n)
{
    char said[128];
    fold(answer, said, sizeof said);
    if (said[0] && !said[1] && said[0] >= 'a' && said[0] <= 'z') {
        char letter = (char)(said[0] - 'a' + 'A');
        for (size_t i = 0; i < n; i++)
            if (letters[i] == letter)
                return (long)i;
        return -1;
    }
    char id[128];
    for (size_t i = 0; i < n; i++) {
        fold(ids[i], id, sizeof id);
        if (!strcmp(said, id))
            return (long)i;
    }
    return -1;
}

void ion_judge_list(const char *const *ids, size_t count, const char *sep, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? sep : "", ids[i]);
}

/* ---- one answer to one part -------------------------------------------------- */

/* Copies answer without surrounding blanks into buf; 0, or -1 when it does
 * not fit (no answer anybody types is that long). */
static int trimmed(const char *answer, char *buf, size_t n)
{
    while (*answer && isspace((unsigned char)*answer))
        answer++;
    size_t len = strlen(answer);
    while (len && isspace((unsigned char)answer[len - 1]))
        len--;
    if (len >= n)
        return -1;
    memcpy(buf, answer, len);
    buf[len] = '\0';
    return 0;
}

/* j earns credit (0..1) for what it matched. */
static void credit(ion_judgement *j, double c)
{
    j->credit = c;
    j->verdict = c > 0 ? ION_VERDICT_PARTIAL : ION_VERDICT_WRONG;
}

/* Among the author's mistakes that match, the one with the highest credit
 * (the first of equals): its index, or -1. */
static int best_mistake(const ion_part_key *p, const ion_judgement *j)
{
    int best = -1;
    for (size_t k = 0; k < p->nmistakes; k++) {
        const ion_judge_mistake *m = &p->mistakes[k];
        int match;
        if (p->kind == ION_ANSWER_NUMERIC)
            match = near(j, p->unit, &(target){p->value, p->tol_abs, p->tol_rel, 1, m->value, 1});
        else if (p->kind == ION_ANSWER_CHOICE)
            match = m->str && !strcmp(m->str, p->ids[j->chosen]);
        else
            match = m->str && ((m->str[0] == p->letters[j->chosen] && !m->str[1]) || !strcmp(m->str, p->ids[j->chosen]));
        if (match && (best < 0 || m->credit > p->mistakes[best].credit))
            best = (int)k;
    }
    return best;
}

/* The generic slips of a numeric part: the value x1000, /1000, or with the
 * other sign. 1 with j filled when one matches. */
static int slip(const ion_part_key *p, ion_judgement *j)
{
    static const double factors[] = {1000, 0.001, -1};
    for (size_t i = 0; i < sizeof factors / sizeof factors[0]; i++) {
        if (p->value == 0 || !near(j, p->unit, &(target){p->value, p->tol_abs, p->tol_rel, 1, p->value, factors[i]}))
            continue;
        j->note = factors[i] < 0 ? ION_JUDGE_NOTE_SIGN : ION_JUDGE_NOTE_SCALE;
        j->factor = factors[i];
        credit(j, factors[i] < 0 ? p->sign_credit : p->slip_credit);
        return 1;
    }
    return 0;
}

/* A right answer, else the author's mistake it matches: 1 when either
 * decided the verdict, 0 when the answer is still plainly wrong. */
static int settle(const ion_part_key *p, int right, ion_judgement *j)
{
    if (right) {
        j->verdict = ION_VERDICT_RIGHT;
        j->credit = 1;
        return 1;
    }
    int m = best_mistake(p, j);
    if (m < 0)
        return 0;
    j->mistake = m;
    credit(j, p->mistakes[m].credit);
    return 1;
}

static void judgement_init(ion_judgement *j)
{
    memset(j, 0, sizeof *j);
    j->verdict = ION_VERDICT_WRONG;
    j->mistake = -1;
    j->chosen = -1;
}

static void judge_number(const ion_part_key *p, const ion_reading *r, ion_judgement *j)
{
    if (take_number(p, r, j) < 0)
        return;
    if (!settle(p, near(j, p->unit, &(target){p->value, p->tol_abs, p->tol_rel, 0, p->value, 1}), j))
        slip(p, j);
}

static int one_reading(const ion_part_key *p, const ion_judgement *a, const ion_judgement *b);

/* A number, or the same written twice ("-95 (-0.095 V)"): one reading of
 * the two (one_reading), judged by the more precise; else ambiguous. */
static void judge_numeric(const ion_part_key *p, const char *text, ion_judgement *j)
{
    ion_reading r[2];
    int n = ion_parse_readings(text, r, &j->why);
    if (n < 0) {
        j->verdict = ION_VERDICT_INVALID;
        j->note = ION_JUDGE_NOTE_NOT_NUMBER;
        return;
    }
    judge_number(p, &r[0], j);
    if (n < 2)
        return;
    ion_judgement other;
    judgement_init(&other);
    judge_number(p, &r[1], &other);
    if (!one_reading(p, j, &other)) {
        judgement_init(j);
        j->verdict = ION_VERDICT_INVALID;
        j->note = ION_JUDGE_NOTE_NOT_NUMBER;
        ion_reason_set(&j->why, ION_REASON_TWO_ANSWERS, text, NULL, NULL);
    } else if (other.rounding_si < j->rounding_si) {
        *j = other;
    }
}

/* The answer names a current direction where the part's choices are ion
 * movements (out, in), or a movement where they are current directions
 * (outward, inward): the classic mix-up, worth its own note. */
static int current_for_movement(const ion_part_key *p, const char *text)
{
    static const char *const current[] = {"outward", "inward"}, *const movement[] = {"out", "in"};
    int has_current = 0, has_movement = 0;
    for (size_t i = 0; i < p->nids; i++) {
        has_current |= !strcmp(p->ids[i], "outward") || !strcmp(p->ids[i], "inward");
        has_movement |= !strcmp(p->ids[i], "out") || !strcmp(p->ids[i], "in");
    }
    if (has_movement && !has_current)
        return ion_judge_choice(text, current, 2) >= 0;
    if (has_current && !has_movement)
        return ion_judge_choice(text, movement, 2) >= 0;
    return 0;
}

static void judge_choice(const ion_part_key *p, const char *text, ion_judgement *j)
{
    j->chosen = p->kind == ION_ANSWER_CHOICE ? ion_judge_choice(text, p->ids, p->nids)
                                             : ion_judge_mcq(text, p->letters, p->ids, p->nids);
    if (j->chosen < 0) {
        j->verdict = ION_VERDICT_INVALID;
        j->note = p->kind == ION_ANSWER_MCQ ? ION_JUDGE_NOTE_NOT_LETTER
                  : j->chosen == -2         ? ION_JUDGE_NOTE_AMBIGUOUS
                  : current_for_movement(p, text) ? ION_JUDGE_NOTE_MOVEMENT
                                            : ION_JUDGE_NOTE_NOT_CHOICE;
        j->chosen = -1;
        return;
    }
    int right = p->kind == ION_ANSWER_CHOICE ? !strcmp(p->ids[j->chosen], p->answer)
                                             : p->letters[j->chosen] == p->answer[0];
    settle(p, right, j);
}

void ion_judge_part(const ion_part_key *p, const char *answer, ion_judgement *out)
{
    judgement_init(out);
    char text[256];
    if (trimmed(answer, text, sizeof text)) {
        out->verdict = ION_VERDICT_INVALID;
        out->note = p->kind == ION_ANSWER_NUMERIC ? ION_JUDGE_NOTE_NOT_NUMBER
                  : p->kind == ION_ANSWER_CHOICE  ? ION_JUDGE_NOTE_NOT_CHOICE
                                                  : ION_JUDGE_NOTE_NOT_LETTER;
        out->why.code = ION_REASON_TOO_LONG;
        return;
    }
    if (p->kind == ION_ANSWER_NUMERIC)
        judge_numeric(p, text, out);
    else
        judge_choice(p, text, out);
}

/* Numbers a and b (usable judgements) as typed are within half a unit in
 * the coarser one's last digit of each other, exactly. */
static int within_last_digit(const ion_part_key *p, const ion_judgement *a, const ion_judgement *b)
{
    mpq_t x, y, hx, hy;
    mpq_inits(x, y, hx, hy, (mpq_ptr)NULL);
    ion_exact_value(x, a->decimal, a->unit, p->unit);
    ion_exact_value(y, b->decimal, b->unit, p->unit);
    ion_exact_half_digit(hx, a->decimal, a->unit, p->unit);
    ion_exact_half_digit(hy, b->decimal, b->unit, p->unit);
    mpq_sub(x, x, y);
    mpq_abs(x, x);
    int in = mpq_cmp(x, hx) <= 0 || mpq_cmp(x, hy) <= 0;
    mpq_clears(x, y, hx, hy, (mpq_ptr)NULL);
    return in;
}

/* a and b (judgements of two answers to one part) are one reading: the
 * same choice; or numbers of the part's dimension, each within the
 * rounding of the other's last digit ("-95" and "-95.0 mV", "-0.095 V";
 * "-99.0" and "-0.09898 V"), with the same verdict. */
static int one_reading(const ion_part_key *p, const ion_judgement *a, const ion_judgement *b)
{
    if (p->kind != ION_ANSWER_NUMERIC)
        return a->chosen >= 0 && a->chosen == b->chosen;
    return a->usable && b->usable && a->verdict == b->verdict && a->mistake == b->mistake &&
           a->credit == b->credit && within_last_digit(p, a, b);
}

/* The same text but for the case of ASCII letters and surrounding blanks. */
static int same_text(const char *a, const char *b)
{
    char fa[256], fb[256];
    if (trimmed(a, fa, sizeof fa) || trimmed(b, fb, sizeof fb))
        return 0;
    for (char *c = fa; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    for (char *c = fb; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return !strcmp(fa, fb);
}

void ion_judge_answers(const ion_part_key *p, const char *const *answers, size_t n, ion_judgement *out)
{
    ion_judge_part(p, n ? answers[0] : "", out);
    for (size_t i = 1; i < n; i++) {
        ion_judgement other;
        ion_judge_part(p, answers[i], &other);
        if (same_text(answers[0], answers[i]) || one_reading(p, out, &other)) {
            if (other.usable && other.rounding_si < out->rounding_si)
                *out = other; /* the more precise */
            continue;
        }
        judgement_init(out);
        out->verdict = ION_VERDICT_INVALID;
        out->note = ION_JUDGE_NOTE_TWICE;
        out->twice = i;
        return;
    }
}

int ion_judge_may_carry(const ion_judgement *j)
{
    return j->verdict != ION_VERDICT_RIGHT && j->verdict != ION_VERDICT_INVALID;
}

int ion_judge_carried(const ion_part_key *p, const ion_val *carried, ion_judgement *j)
{
    if (!ion_judge_may_carry(j))
        return 0;
    int hit;
    if (p->kind == ION_ANSWER_NUMERIC)
        hit = j->usable && carried->type == ION_T_NUM &&
              near(j, p->unit, &(target){ion_from_si(p->unit, carried->num), p->tol_abs, p->tol_rel, 0,
                                         ion_from_si(p->unit, carried->num), 1});
    else
        hit = p->kind == ION_ANSWER_CHOICE && j->chosen >= 0 && carried->type == ION_T_STR && carried->str &&
              !strcmp(carried->str, p->ids[j->chosen]);
    if (!hit)
        return 0;
    j->verdict = ION_VERDICT_CARRIED;
    j->credit = 1;
    j->mistake = -1;
    j->note = ION_JUDGE_NOTE_NONE;
    return 1;
}

void ion_judge_answer(const ion_instance *in, size_t part, const char *answer, ion_judgement *out)
{
    ion_judge_part(&in->keys[part], answer, out);
}
