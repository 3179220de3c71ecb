/* One answer against one part, by the grader's rules: see judge.h. */
#include "judge.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

const char *ion_verdict_name(ion_verdict v)
{
    static const char *const names[] = {"missing", "blank", "invalid", "wrong", "partial", "carried", "right"};
    return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "?";
}

/* ---- numbers -------------------------------------------------------------- */

double ion_judge_tolerance(double k, double tol_abs, double tol_rel)
{
    return fmax(tol_abs, tol_rel * fabs(k));
}

/* No slack for the key (it holds exact values): only the few units in the
 * last place that reading a decimal answer and converting its unit cost,
 * so that an answer on the edge of the tolerance ("3.5 mV" for 4 +- 0.5,
 * "-0.0051 V" for -5 mV +- 2 %) is in, as the rule says. */
#define ULPS (4 * DBL_EPSILON)

/* a lies within tol of v. */
static int near(double a, double v, double tol)
{
    return fabs(a - v) <= tol + ULPS * fmax(fabs(a), fabs(v));
}

int ion_judge_within(double a, double k, double tol_abs, double tol_rel)
{
    return near(a, k, ion_judge_tolerance(k, tol_abs, tol_rel));
}

double ion_judge_mistake_tolerance(double m, double k, double tol_abs, double tol_rel)
{
    double tol = ion_judge_tolerance(k, tol_abs, tol_rel);
    if (k == 0)
        return fmin(tol, fabs(m) / 2);
    return fmin(tol / fabs(k), 0.5) * fabs(m);
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
            match = near(j->value, m->value, ion_judge_mistake_tolerance(m->value, p->value, p->tol_abs, p->tol_rel));
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
        double m = p->value * factors[i];
        if (m == 0 || !near(j->value, m, ion_judge_mistake_tolerance(m, p->value, p->tol_abs, p->tol_rel)))
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
    if (!settle(p, ion_judge_within(j->value, p->value, p->tol_abs, p->tol_rel), j))
        slip(p, j);
}

static int one_reading(const ion_part_key *p, const ion_judgement *a, const ion_judgement *b);

/* A number, or the same written twice ("-95 (-0.095 V)"): one reading of
 * the two (one_reading), judged by the more precise; else ambiguous. */
static void judge_numeric(const ion_part_key *p, const char *text, ion_judgement *j)
{
    ion_reading r[2];
    int n = ion_parse_readings(text, r, j->detail, (int)sizeof j->detail);
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
        snprintf(j->detail, sizeof j->detail, "ambiguous: '%.80s' gives two different answers", text);
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
        snprintf(out->detail, sizeof out->detail, "the answer is too long");
        return;
    }
    if (p->kind == ION_ANSWER_NUMERIC)
        judge_numeric(p, text, out);
    else
        judge_choice(p, text, out);
}

/* a and b (judgements of two answers to one part) are one reading: the
 * same choice; or numbers of the part's dimension, each within the
 * rounding of the other's last digit ("-95" and "-95.0 mV", "-0.095 V";
 * "-99.0" and "-0.09898 V"), with the same verdict. */
static int one_reading(const ion_part_key *p, const ion_judgement *a, const ion_judgement *b)
{
    if (p->kind != ION_ANSWER_NUMERIC)
        return a->chosen >= 0 && a->chosen == b->chosen;
    double apart = fabs(a->value_si - b->value_si), digit = fmax(a->rounding_si, b->rounding_si);
    return a->usable && b->usable && apart <= digit * (1 + 1e-9) && a->verdict == b->verdict &&
           a->mistake == b->mistake && a->credit == b->credit;
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

int ion_judge_carried(const ion_part_key *p, const ion_val *carried, ion_judgement *j)
{
    if (j->verdict == ION_VERDICT_RIGHT || j->verdict == ION_VERDICT_INVALID)
        return 0;
    int hit;
    if (p->kind == ION_ANSWER_NUMERIC)
        hit = j->usable && carried->type == ION_T_NUM &&
              ion_judge_within(j->value, ion_from_si(p->unit, carried->num), p->tol_abs, p->tol_rel);
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
    ion_judge_part(&in->parts[part].key, answer, out);
}
