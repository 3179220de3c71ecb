/* One answer against one part of an instance, by the grader's rules. */
#include "judge.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

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

static int same_id(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* Among the mistakes that match the choice id (when not NULL) or the SI
 * value si, the one with the highest credit: fills out and returns 1, or 0
 * when none matches. */
static int best_mistake(const ion_part *p, const ion_part_inst *pi, const char *id, double si,
                        ion_judgement *out)
{
    int best = -1;
    for (size_t k = 0; k < p->nmistakes; k++) {
        if (!pi->mistake_ok[k])
            continue;
        const ion_val *m = &pi->mistakes[k];
        int match = id ? (m->type == ION_T_STR && m->str && same_id(id, m->str))
                       : (m->type == ION_T_NUM && fabs(si - m->num) <= ion_part_tolerance(p, m->num));
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
    double v;
    const ion_unit *u;
    if (ion_parse_quantity(text, &v, &u, out->detail, (int)sizeof out->detail)) {
        out->verdict = ION_JUDGE_UNREADABLE;
        out->note = ION_JUDGE_NOTE_NOT_NUMBER;
        return;
    }
    out->detail[0] = '\0';
    out->unit = u;
    if (u && u->dim != p->unit->dim) {
        out->note = ION_JUDGE_NOTE_DIMENSION;
        return;
    }
    double si = ion_to_si(u ? u : p->unit, v), key = pi->answer.num;
    out->value_si = si;
    if (fabs(si - key) <= ion_part_tolerance(p, key)) {
        out->verdict = ION_JUDGE_RIGHT;
        out->credit = 1;
        return;
    }
    if (!best_mistake(p, pi, NULL, si, out) && fabs(-si - key) <= ion_part_tolerance(p, key))
        out->note = ION_JUDGE_NOTE_SIGN;
}

static void judge_choice(const ion_part *p, const ion_part_inst *pi, const char *text, ion_judgement *out)
{
    size_t k = 0;
    while (k < p->nchoices && !same_id(text, p->choices[k]))
        k++;
    if (k == p->nchoices) {
        out->verdict = ION_JUDGE_UNREADABLE;
        out->note = ION_JUDGE_NOTE_NOT_CHOICE;
        return;
    }
    if (pi->answer.str && same_id(text, pi->answer.str)) {
        out->verdict = ION_JUDGE_RIGHT;
        out->credit = 1;
        return;
    }
    best_mistake(p, pi, text, 0, out);
}

static void judge_mcq(const ion_part *p, const ion_part_inst *pi, const char *text, ion_judgement *out)
{
    int c = toupper((unsigned char)text[0]);
    if (!text[0] || text[1] || c < 'A' || c >= 'A' + (int)p->noptions) {
        out->verdict = ION_JUDGE_UNREADABLE;
        out->note = ION_JUDGE_NOTE_NOT_LETTER;
        return;
    }
    if (c == pi->letter) {
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
