/* Runs tests/spec/answers.txt (its format is at its top) against the one
 * judge, ion_judge_answers (ion_judge_part for one answer): every case,
 * each failure with its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "judge.h"
#include "submission.h"

#define SPEC "tests/spec/answers.txt"
#define MAX_ITEMS 32

typedef struct {
    ion_part_key key;
    char text[1024];                 /* the part line, cut into tokens */
    const char *ids[MAX_ITEMS];
    char letters[MAX_ITEMS];
    ion_judge_mistake mistakes[MAX_ITEMS];
    int has_carried;                 /* carried=: what the student's earlier answers give */
    const char *carried;             /* as written: a number in the part's unit, or a choice id */
} spec_part;

/* Splits list (a,b,c) into out; the count. */
static size_t split(char *list, const char **out)
{
    size_t n = 0;
    for (char *t = strtok(list, ","); t && n < MAX_ITEMS; t = strtok(NULL, ","))
        out[n++] = t;
    return n;
}

static int read_part(spec_part *sp, const char *line, int lineno)
{
    memset(sp, 0, sizeof *sp);
    snprintf(sp->text, sizeof sp->text, "%s", line);
    ion_part_key *k = &sp->key;
    k->points = 1;
    k->sigfigs = 4;
    k->slip_credit = ION_SLIP_CREDIT;
    k->sign_credit = ION_SIGN_CREDIT;
    k->unit = ion_unit_find("1");
    k->mistakes = sp->mistakes;
    char *save = NULL, *tok = strtok_r(sp->text, " \t", &save);
    tok = strtok_r(NULL, " \t", &save);
    if (!tok)
        return -1;
    k->kind = !strcmp(tok, "numeric") ? ION_ANSWER_NUMERIC : !strcmp(tok, "choice") ? ION_ANSWER_CHOICE : ION_ANSWER_MCQ;
    if (strcmp(tok, "numeric") && strcmp(tok, "choice") && strcmp(tok, "mcq"))
        return -1;
    while ((tok = strtok_r(NULL, " \t", &save))) {
        char *eq = strchr(tok, '=');
        if (!eq)
            return -1;
        *eq = '\0';
        char *v = eq + 1;
        if (!strcmp(tok, "value"))
            k->value = strtod(v, NULL);
        else if (!strcmp(tok, "unit") && !(k->unit = ion_unit_find(v)))
            return -1;
        else if (!strcmp(tok, "tol-abs"))
            k->tol_abs = strtod(v, NULL);
        else if (!strcmp(tok, "tol-rel"))
            k->tol_rel = strtod(v, NULL);
        else if (!strcmp(tok, "slip-credit"))
            k->slip_credit = strtod(v, NULL);
        else if (!strcmp(tok, "sign-credit"))
            k->sign_credit = strtod(v, NULL);
        else if (!strcmp(tok, "answer"))
            k->answer = v;
        else if (!strcmp(tok, "choices") || !strcmp(tok, "options")) {
            k->nids = split(v, sp->ids);
            k->ids = sp->ids;
            for (size_t i = 0; tok[0] == 'o' && i < k->nids; i++)
                sp->letters[i] = (char)('A' + i);
            k->letters = tok[0] == 'o' ? sp->letters : NULL;
        } else if (!strcmp(tok, "mistake") && k->nmistakes < MAX_ITEMS) {
            char *colon = strrchr(v, ':');
            if (!colon)
                return -1;
            *colon = '\0';
            ion_judge_mistake *m = &sp->mistakes[k->nmistakes];
            m->source = (int)k->nmistakes++;
            m->credit = strtod(colon + 1, NULL);
            if (k->kind == ION_ANSWER_NUMERIC)
                m->value = strtod(v, NULL);
            else
                m->str = v;
        } else if (!strcmp(tok, "carried")) {
            sp->has_carried = 1;
            sp->carried = v;
        } else if (strcmp(tok, "unit")) {
            return -1;
        }
    }
    (void)lineno;
    return 0;
}

static const char *note_name(const ion_judgement *j, char *buf, size_t n)
{
    static const char *const names[] = {"none",       "sign",       "scale",     "dimension", "not-number",
                                        "not-choice", "ambiguous",  "not-letter", "movement", "twice"};
    if (j->mistake >= 0)
        snprintf(buf, n, "mistake-%d", j->mistake + 1);
    else
        snprintf(buf, n, "%s", names[j->note]);
    return buf;
}

/* The answers of a "line: ..." or "file: ... | ..." case: the lines read
 * as lines of an answer file (part labels, encodings are the reader's);
 * their count, 0 when the reader finds no answer there. */
typedef struct {
    char text[8][256];
    const char *answers[8];
    size_t n;
} filed;

/* The answers to the part the first one answers, as the grader groups them. */
static int take_answers(const ion_submission *s, void *ctx)
{
    filed *f = ctx;
    for (size_t i = 0; i < s->n && f->n < 8; i++) {
        if (strcasecmp(s->answers[i].part, s->answers[0].part))
            continue;
        snprintf(f->text[f->n], sizeof f->text[0], "%s", s->answers[i].text);
        f->answers[f->n] = f->text[f->n];
        f->n++;
    }
    return 0;
}

static size_t as_filed(ion_sub_parser *p, const char *lines, filed *out)
{
    char file[1100];
    int n = snprintf(file, sizeof file, "student: x\n");
    for (const char *l = lines, *bar; l; l = bar ? bar + 3 : NULL) {
        bar = strstr(l, " | ");
        n += snprintf(file + n, sizeof file - (size_t)n, "%.*s\n", bar ? (int)(bar - l) : (int)strlen(l), l);
    }
    ion_error err;
    memset(out, 0, sizeof *out);
    if (ion_sub_parse(p, file, (size_t)n, SPEC, take_answers, out, &err) < 0)
        return 0;
    return out->n;
}

static void test_spec(void **state)
{
    (void)state;
    FILE *f = fopen(SPEC, "r");
    assert_non_null(f);
    static spec_part part;
    ion_sub_parser *parser = ion_sub_parser_new(NULL);
    assert_non_null(parser);
    int have_part = 0, lineno = 0, cases = 0, failures = 0;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        const char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        if (!strncmp(s, "part ", 5)) {
            if (read_part(&part, s, lineno) < 0)
                fail_msg("%s:%d: cannot read this part line", SPEC, lineno);
            have_part = 1;
            continue;
        }
        char *arrow = NULL;
        for (char *a = strstr(line, " => "); a; a = strstr(a + 1, " => "))
            arrow = a;
        if (!arrow || !have_part)
            fail_msg("%s:%d: neither a part nor a case (ANSWER => VERDICT SCORE [NOTE])", SPEC, lineno);
        *arrow = '\0';
        char verdict[32] = "", note[32] = "";
        double score = -1;
        if (sscanf(arrow + 4, "%31s %lf %31s", verdict, &score, note) < 2)
            fail_msg("%s:%d: a case needs a verdict and a score", SPEC, lineno);
        ion_judgement j;
        char got_note[32];
        static filed fl;
        int in_file = !strncmp(line, "line: ", 6) || !strncmp(line, "file: ", 6);
        const char *answer = line;
        size_t n = in_file ? as_filed(parser, line + 6, &fl) : 1;
        if (n) {
            ion_judge_answers(&part.key, in_file ? fl.answers : &answer, n, &j);
            if (part.has_carried) {
                ion_val c = {ION_T_STR, 0, part.carried};
                if (part.key.kind == ION_ANSWER_NUMERIC)
                    c = (ion_val){ION_T_NUM, ion_to_si(part.key.unit, strtod(part.carried, NULL)), NULL};
                ion_judge_carried(&part.key, &c, &j);
            }
            note_name(&j, got_note, sizeof got_note);
        } else {
            memset(&j, 0, sizeof j);
            j.verdict = ION_VERDICT_BLANK;
            snprintf(got_note, sizeof got_note, "none");
        }
        cases++;
        if (strcmp(verdict, ion_verdict_name(j.verdict)) || fabs(score - j.credit) > 1e-12 ||
            (*note && strcmp(note, got_note))) {
            print_error("%s:%d: '%s': expected %s %g %s, the judge says %s %g %s\n", SPEC, lineno, line, verdict,
                        score, note, ion_verdict_name(j.verdict), j.credit, got_note);
            failures++;
        }
    }
    fclose(f);
    ion_sub_parser_free(parser);
    if (failures)
        fail_msg("%d of %d cases failed", failures, cases);
    assert_true(cases > 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_spec)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
