/* One answer against one part, by the grader's rules: see judge.h. */
#include "judge.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- numbers -------------------------------------------------------------- */

double ion_judge_tolerance(double k, double tol_abs, double tol_rel)
{
    return fmax(tol_abs, tol_rel * fabs(k));
}

int ion_judge_within(double a, double k, double tol_abs, double tol_rel)
{
    double tol = ion_judge_tolerance(k, tol_abs, tol_rel);
    return fabs(a - k) <= tol + 1e-9 * fmax(fabs(k), tol);
}

int ion_judge_sign_flipped(double a, double k, double tol_abs, double tol_rel)
{
    return k != 0 && ion_judge_within(-a, k, tol_abs, tol_rel);
}

ion_judge_note ion_judge_read_number(const char *text, const ion_unit *unit, double *value, double *si,
                                     const ion_unit **written, char *why, size_t n)
{
    double v;
    const ion_unit *u = NULL;
    *written = NULL;
    if (ion_parse_quantity(text, &v, &u, why, (int)n) < 0)
        return ION_JUDGE_NOTE_NOT_NUMBER;
    *written = u;
    if (u && u->dim != unit->dim)
        return ION_JUDGE_NOTE_DIMENSION;
    *si = ion_to_si(u ? u : unit, v);
    *value = u ? ion_from_si(unit, *si) : v;
    return ION_JUDGE_NOTE_NONE;
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

/* ---- one answer to a part of an instance ----------------------------------- */

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

/* Among the mistakes that match the choice id (when not NULL) or the value
 * a (in the part's unit), the one with the highest credit: fills out and
 * returns 1, or 0 when none matches. */
static int best_mistake(const ion_part *p, const ion_part_inst *pi, const char *id, double a,
                        ion_judgement *out)
{
    int best = -1;
    for (size_t k = 0; k < p->nmistakes; k++) {
        if (!pi->mistake_ok[k])
            continue;
        const ion_val *m = &pi->mistakes[k];
        int match = id ? (m->type == ION_T_STR && m->str && !strcmp(id, m->str))
                       : (m->type == ION_T_NUM &&
                          ion_judge_within(a, ion_from_si(p->unit, m->num), p->tol_abs, p->tol_rel));
        if (match && (best < 0 || p->mistakes[k].credit > p->mistakes[best].credit))
            best = (int)k;
    }
    if (best < 0)
        return 0;
    out->mistake = best;
    out->credit = p->mistakes[best].credit;
    out->verdict = out->credit > 0 ? ION_JUDGE_PARTIAL : ION_JUDGE_WRONG;
    return 1;
}

static void judge_numeric(const ion_part *p, const ion_part_inst *pi, const char *text, ion_judgement *out)
{
    double a;
    out->note = ion_judge_read_number(text, p->unit, &a, &out->value_si, &out->unit, out->detail,
                                      sizeof out->detail);
    if (out->note == ION_JUDGE_NOTE_NOT_NUMBER) {
        out->verdict = ION_JUDGE_UNREADABLE;
        return;
    }
    out->detail[0] = '\0';
    if (out->note == ION_JUDGE_NOTE_DIMENSION)
        return;
    double key = ion_from_si(p->unit, pi->answer.num);
    if (ion_judge_within(a, key, p->tol_abs, p->tol_rel)) {
        out->verdict = ION_JUDGE_RIGHT;
        out->credit = 1;
        return;
    }
    if (!best_mistake(p, pi, NULL, a, out) && ion_judge_sign_flipped(a, key, p->tol_abs, p->tol_rel))
        out->note = ION_JUDGE_NOTE_SIGN;
}

static void judge_choice(const ion_part *p, const ion_part_inst *pi, const char *text, ion_judgement *out)
{
    long k = ion_judge_choice(text, (const char *const *)p->choices, p->nchoices);
    if (k < 0) {
        out->verdict = ION_JUDGE_UNREADABLE;
        out->note = ION_JUDGE_NOTE_NOT_CHOICE;
        return;
    }
    const char *id = p->choices[k];
    if (pi->answer.str && !strcmp(id, pi->answer.str)) {
        out->verdict = ION_JUDGE_RIGHT;
        out->credit = 1;
        return;
    }
    best_mistake(p, pi, id, 0, out);
}

static void judge_mcq(const ion_part *p, const ion_part_inst *pi, const char *text, ion_judgement *out)
{
    /* The options in the order shown: letter A is option order[0]. */
    char letters[ION_MAX_OPTIONS];
    const char *ids[ION_MAX_OPTIONS];
    size_t n = p->noptions < ION_MAX_OPTIONS ? p->noptions : ION_MAX_OPTIONS;
    for (size_t i = 0; i < n; i++) {
        letters[i] = (char)('A' + i);
        ids[i] = p->options[pi->order[i]].id;
    }
    long k = ion_judge_mcq(text, letters, ids, n);
    if (k < 0) {
        out->verdict = ION_JUDGE_UNREADABLE;
        out->note = ION_JUDGE_NOTE_NOT_LETTER;
        return;
    }
    if (letters[k] == pi->letter) {
        out->verdict = ION_JUDGE_RIGHT;
        out->credit = 1;
    }
}

void ion_judge_answer(const ion_instance *in, size_t part, const char *answer, ion_judgement *out)
{
    const ion_part *p = &in->t->parts[part];
    const ion_part_inst *pi = &in->parts[part];
    memset(out, 0, sizeof *out);
    out->verdict = ION_JUDGE_WRONG;
    out->mistake = -1;
    char text[256];
    if (trimmed(answer, text, sizeof text)) {
        out->verdict = ION_JUDGE_UNREADABLE;
        out->note = p->kind == ION_ANSWER_NUMERIC ? ION_JUDGE_NOTE_NOT_NUMBER
                  : p->kind == ION_ANSWER_CHOICE  ? ION_JUDGE_NOTE_NOT_CHOICE
                                                  : ION_JUDGE_NOTE_NOT_LETTER;
        snprintf(out->detail, sizeof out->detail, "the answer is too long");
        return;
    }
    switch (p->kind) {
    case ION_ANSWER_NUMERIC:
        judge_numeric(p, pi, text, out);
        break;
    case ION_ANSWER_CHOICE:
        judge_choice(p, pi, text, out);
        break;
    case ION_ANSWER_MCQ:
        judge_mcq(p, pi, text, out);
        break;
    }
}
