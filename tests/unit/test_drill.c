/* The self-check drill: judging one answer, scripted sessions (right,
 * wrong, hint, solution, skip, quit, end of input), the adaptive picker and
 * the progress table. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bank.h"
#include "catalog.h"
#include "drill.h"
#include "instance.h"
#include "judge.h"
#include "test_common.h"

static temp_bank *own; /* the bank in a folder of this run's own */
static ion_bank *bank;
static ion_template_list shipped;

static int setup_all(void **state)
{
    (void)state;
    ion_error err = {0};
    own = temp_bank_new(sizeof *own, 1);
    bank = own->b;
    const char *paths[] = {"problems"};
    ion_import_stats st;
    if (ion_import(bank, paths, 1, "schema/problem.xsd", NULL, NULL, &st, &err)) {
        fprintf(stderr, "import: %s\n", err.msg);
        return -1;
    }
    static const char *const files[] = {"problems/drive.xml", "problems/pump.xml", "problems/concept.xml",
                                        "problems/ghk.xml"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (ion_templates_load(files[i], "schema/problem.xsd", &shipped, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return -1;
        }
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    ion_template_list_release(&shipped);
    temp_bank_free(own);
    return 0;
}

static const ion_template *shipped_template(const char *id)
{
    for (size_t i = 0; i < shipped.n; i++)
        if (!strcmp(shipped.items[i]->id, id))
            return shipped.items[i];
    fail_msg("no template %s", id);
    return NULL;
}

/* ---- judging ---- */

static ion_judgement judge(const ion_instance *in, size_t part, const char *answer)
{
    ion_judgement j;
    ion_judge_answer(in, part, answer, &j);
    return j;
}

static void make_instance(ion_instance *in, const char *id, uint64_t seed)
{
    ion_error err = {0};
    assert_int_equal(ion_instance_init(in, shipped_template(id)), 0);
    if (ion_instance_generate(in, seed, &err))
        fail_msg("%s", err.msg);
}

static void test_judge_numeric(void **state)
{
    (void)state;
    ion_instance in;
    make_instance(&in, "drive-k", 1); /* DF = 4.000 mV, tolerance 0.5 mV */
    assert_true(fabs(in.drawn[0].answer.num - 0.004) < 1e-9);
    assert_int_equal(judge(&in, 0, "4").verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 0, " 4.4 mV ").verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 0, "3,6").verdict, ION_VERDICT_RIGHT);       /* decimal comma */
    assert_int_equal(judge(&in, 0, "0.004 V").verdict, ION_VERDICT_RIGHT);   /* converted */
    assert_int_equal(judge(&in, 0, "4000 uV").verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 0, "4e0mV").verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 0, "4.6").verdict, ION_VERDICT_WRONG);       /* outside the tolerance */
    /* The tolerance's edges are in, as for the grader (the rule of judge.h). */
    assert_int_equal(judge(&in, 0, "4.5").verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 0, "3.5 mV").verdict, ION_VERDICT_RIGHT);

    /* The other sign: wrong, the matching mistake (credit 0) says why. */
    ion_judgement j = judge(&in, 0, "\xe2\x88\x92" "4 mV");  /* Unicode minus */
    assert_int_equal(j.verdict, ION_VERDICT_WRONG);
    assert_int_equal(j.mistake, 0);
    assert_int_equal(j.note, ION_JUDGE_NOTE_NONE);

    /* Volts written as millivolts: the mistake with credit 0.5. */
    j = judge(&in, 0, "0.004");
    assert_int_equal(j.verdict, ION_VERDICT_PARTIAL);
    assert_int_equal(j.mistake, 1);
    assert_true(j.credit == 0.5);

    /* A unit of another dimension is wrong, and says so. */
    j = judge(&in, 0, "4 mM");
    assert_int_equal(j.verdict, ION_VERDICT_WRONG);
    assert_int_equal(j.note, ION_JUDGE_NOTE_DIMENSION);
    assert_string_equal(j.unit->name, "mM");

    /* Not a number: unreadable, with the parser's reason. */
    j = judge(&in, 0, "four");
    assert_int_equal(j.verdict, ION_VERDICT_INVALID);
    assert_int_equal(j.note, ION_JUDGE_NOTE_NOT_NUMBER);
    assert_int_equal(j.why.code, ION_REASON_NOT_NUMBER);
    j = judge(&in, 0, "4 mVV");
    assert_int_equal(j.verdict, ION_VERDICT_INVALID);
    assert_int_equal(j.why.code, ION_REASON_UNKNOWN_UNIT);
    assert_string_equal(j.why.text, "mVV");
    assert_int_equal(judge(&in, 0, "").verdict, ION_VERDICT_INVALID);
    char longer[400];
    memset(longer, '1', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    assert_int_equal(judge(&in, 0, longer).verdict, ION_VERDICT_INVALID);
    ion_instance_release(&in);

    /* A dimensionless part, and one in ms. */
    make_instance(&in, "pump-tau", 1); /* 37.50 ms; 0.7693 */
    assert_int_equal(judge(&in, 0, "0.0375 s").verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 0, "37500").verdict, ION_VERDICT_WRONG);
    j = judge(&in, 0, "-37.5");  /* no mistake for the sign here: the note says it */
    assert_int_equal(j.verdict, ION_VERDICT_WRONG);
    assert_int_equal(j.mistake, -1);
    assert_int_equal(j.note, ION_JUDGE_NOTE_SIGN);
    assert_int_equal(judge(&in, 1, "0.77").verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 1, "0.23").verdict, ION_VERDICT_WRONG);
    assert_int_equal(judge(&in, 1, "0.77 mV").note, ION_JUDGE_NOTE_DIMENSION);
    ion_instance_release(&in);
}

static void test_judge_choice_and_mcq(void **state)
{
    (void)state;
    ion_instance in;
    make_instance(&in, "drive-k", 1); /* b: outward (of outward inward none); c: out */
    assert_string_equal(in.drawn[1].answer.str, "outward");
    assert_int_equal(judge(&in, 1, "outward").verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 1, " OutWard ").verdict, ION_VERDICT_RIGHT);
    ion_judgement j = judge(&in, 1, "inward");
    assert_int_equal(j.verdict, ION_VERDICT_WRONG);
    assert_int_equal(j.mistake, 0);
    assert_int_equal(judge(&in, 1, "none").verdict, ION_VERDICT_WRONG);
    assert_int_equal(judge(&in, 1, "none").mistake, -1);
    /* Never "out" for "outward", nor the other way round. */
    j = judge(&in, 1, "out");
    assert_int_equal(j.verdict, ION_VERDICT_INVALID);
    assert_int_equal(j.note, ION_JUDGE_NOTE_MOVEMENT); /* with a note on current vs movement */
    assert_int_equal(judge(&in, 2, "outward").verdict, ION_VERDICT_INVALID);
    assert_int_equal(judge(&in, 2, "OUT").verdict, ION_VERDICT_RIGHT);
    /* What students write, as the grader reads it: synonyms, any case,
     * blanks and punctuation; "outwards" is still not "out". */
    assert_int_equal(judge(&in, 1, "outwards").verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 1, "Outward current.").verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 1, "\xe5\xa4\x96\xe5\x90\x91").verdict, ION_VERDICT_RIGHT); /* 外向 */
    j = judge(&in, 1, "inwards");
    assert_int_equal(j.verdict, ION_VERDICT_WRONG);
    assert_int_equal(j.mistake, 0);
    assert_int_equal(judge(&in, 2, "efflux").verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 2, "outwards").verdict, ION_VERDICT_INVALID);
    ion_instance_release(&in);

    make_instance(&in, "concept-refractory", 3);
    char right[2] = {in.keys[0].answer[0], '\0'}, lower[2] = {(char)(in.keys[0].answer[0] - 'A' + 'a'), '\0'};
    char other[2] = {in.keys[0].answer[0] == 'A' ? 'B' : 'A', '\0'};
    assert_int_equal(judge(&in, 0, right).verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 0, lower).verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 0, other).verdict, ION_VERDICT_WRONG);
    j = judge(&in, 0, "Z");
    assert_int_equal(j.verdict, ION_VERDICT_INVALID);
    assert_int_equal(j.note, ION_JUDGE_NOTE_NOT_LETTER);
    assert_int_equal(judge(&in, 0, "AB").verdict, ION_VERDICT_INVALID);
    /* The letter as the grader reads it, or the option's id. */
    char paren[8], dotted[8];
    snprintf(paren, sizeof paren, "(%s)", lower);
    snprintf(dotted, sizeof dotted, "%s.", right);
    assert_int_equal(judge(&in, 0, paren).verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 0, dotted).verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 0, ion_instance_option(&in, 0, (size_t)(right[0] - 'A'))->id).verdict, ION_VERDICT_RIGHT);
    assert_int_equal(judge(&in, 0, ion_instance_option(&in, 0, (size_t)(other[0] - 'A'))->id).verdict, ION_VERDICT_WRONG);
    ion_instance_release(&in);
}

/* ---- scripted sessions ---- */

/* Answers from a script: "R" a right answer, "W" a wrong one (not a known
 * mistake, so that the feedback is the plain one), anything else as it
 * is. After the script, `rest` (when not NULL) is used until max_problems
 * problems have been started; then the input ends. */
typedef struct {
    const char *const *script;
    size_t n, pos;
    const char *rest;
    int max_problems;
    int problems;
    const ion_instance *last;
    uint64_t last_seed;
    char line[256];
    char templates[64][64]; /* the templates shown, in order */
} reader;

static void answer_for(const ion_drill_ask *ask, int right, char *buf, size_t n)
{
    const ion_part *p = &ask->in->t->parts[ask->part];
    const ion_part_draw *pi = &ask->in->drawn[ask->part];
    if (p->kind == ION_ANSWER_MCQ) {
        char letter = ask->in->keys[ask->part].answer[0];
        char c = right ? letter : letter == 'A' ? 'B' : 'A';
        snprintf(buf, n, "%c", c);
    } else if (p->kind == ION_ANSWER_CHOICE) {
        size_t k = 0;
        if (!right)
            while (k < p->nchoices && !strcmp(p->choices[k], pi->answer.str))
                k++;
        snprintf(buf, n, "%s", right ? pi->answer.str : p->choices[k]);
    } else if (right) {
        snprintf(buf, n, "%.10g %s", ion_from_si(p->unit, pi->answer.num), p->unit->name);
    } else {
        /* Far off, and checked to be no mistake. */
        for (double f = 7.77;; f *= 3.1) {
            double key = ion_from_si(p->unit, pi->answer.num);
            snprintf(buf, n, "%.10g", key + f * (fabs(key) + 1));
            ion_judgement j;
            ion_judge_answer(ask->in, ask->part, buf, &j);
            if (j.verdict == ION_VERDICT_WRONG && j.mistake < 0 && j.note == ION_JUDGE_NOTE_NONE)
                break;
        }
    }
}

static const char *scripted(void *ctx, const ion_drill_ask *ask)
{
    reader *r = ctx;
    if (ask->in != r->last || ask->in->seed != r->last_seed) {
        if (r->problems < 64)
            snprintf(r->templates[r->problems], sizeof r->templates[0], "%s", ask->in->t->id);
        r->problems++;
        r->last = ask->in;
        r->last_seed = ask->in->seed;
    }
    const char *tok;
    if (r->pos < r->n)
        tok = r->script[r->pos++];
    else if (r->rest && r->problems <= r->max_problems)
        tok = r->rest;
    else
        return NULL;
    if (!strcmp(tok, "R") || !strcmp(tok, "W"))
        answer_for(ask, tok[0] == 'R', r->line, sizeof r->line);
    else if (!strcmp(tok, "x1000") || !strcmp(tok, "/1000")) /* the right number in the part's unit, scaled */
        snprintf(r->line, sizeof r->line, "%.10g",
                 ion_from_si(ask->in->t->parts[ask->part].unit, ask->in->drawn[ask->part].answer.num) *
                     (tok[0] == 'x' ? 1000 : 0.001));
    else
        snprintf(r->line, sizeof r->line, "%s", tok);
    return r->line;
}

typedef struct {
    int rows, attempts, right_first;
} progress;

static int add_progress(const ion_bank_drill *d, void *ctx)
{
    progress *p = ctx;
    p->rows++;
    p->attempts += d->attempts;
    p->right_first += d->right_first;
    return 0;
}

static progress stored(const char *user, const char *topic)
{
    progress p = {0};
    ion_error err = {0};
    assert_int_equal(ion_bank_drill_list(bank, user, topic, add_progress, &p, &err), 0);
    return p;
}

/* Runs a session and returns its output (caller frees). */
static char *session(const ion_drill_opts *o, reader *r, ion_drill_tally *tally, int expect)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ion_error err = {0};
    int rc = ion_drill_run(bank, o, scripted, r, out, tally, &err);
    fclose(out);
    if (rc != expect)
        fail_msg("ion_drill_run returned %d (%s)\n%s", rc, err.msg, buf);
    return buf;
}

static ion_drill_opts opts(const char *user, const char *topic, uint64_t seed)
{
    ion_drill_opts o = {user, topic, 0, "en", seed, 0, 0, 1};
    return o;
}

static void test_session_all_right(void **state)
{
    (void)state;
    reader r = {.rest = "R", .max_problems = 6};
    ion_drill_opts o = opts("right", NULL, 11);
    ion_drill_tally t;
    char *out = session(&o, &r, &t, 0);
    assert_int_equal(t.done, 6);
    assert_int_equal(t.right_first, 6);
    assert_int_equal(t.skipped, 0);
    assert_int_equal(t.quit, 0);
    assert_non_null(strstr(out, "Self-check drill for right."));
    assert_non_null(strstr(out, "Problem 6 · "));
    assert_non_null(strstr(out, "✓ Right! The answer is "));
    assert_non_null(strstr(out, "Every part right at the first try. Well done!"));
    assert_non_null(strstr(out, "Summary: 6 problems done, 6 right the first time."));
    assert_non_null(strstr(out, "Practise next: "));
    assert_null(strstr(out, "Not right"));
    assert_null(strchr(out, '\033'));
    /* The seventh problem was left at the end of input, unseen: not recorded. */
    progress p = stored("right", NULL);
    assert_int_equal(p.attempts, 6);
    assert_int_equal(p.right_first, 6);
    free(out);

    /* The same seed and history give the same session. */
    reader r2 = {.rest = "R", .max_problems = 6};
    o.user = "right2";
    char *again = session(&o, &r2, &t, 0);
    for (int i = 0; i < 6; i++)
        assert_string_equal(r.templates[i], r2.templates[i]);
    free(again);
}

static void test_session_wrong_then_right(void **state)
{
    (void)state;
    const char *script[] = {"W", "R"};
    reader r = {.script = script, .n = 2, .max_problems = 1};
    ion_drill_opts o = opts("wrongright", "nernst", 5);
    ion_drill_tally t;
    char *out = session(&o, &r, &t, 0);
    assert_non_null(strstr(out, "✗ Not right."));
    assert_non_null(strstr(out, "  Hint: "));
    assert_non_null(strstr(out, "✓ Right this time."));
    assert_null(strstr(out, "Well done"));
    assert_null(strstr(out, "Worked solution"));
    /* The script ended within the problem: known missed, so recorded. */
    progress p = stored("wrongright", NULL);
    assert_int_equal(p.attempts, 1);
    assert_int_equal(p.right_first, 0);
    assert_int_equal(t.right_first, 0);
    free(out);
}

static void test_session_wrong_twice(void **state)
{
    (void)state;
    const char *script[] = {"W", "W"};
    reader r = {.script = script, .n = 2, .rest = "R", .max_problems = 1};
    ion_drill_opts o = opts("twice", "ghk", 5);
    ion_drill_tally t;
    char *out = session(&o, &r, &t, 0);
    const char *hint = strstr(out, "Hint: "), *answer = strstr(out, "The answer is "),
               *solution = strstr(out, "Worked solution: ");
    assert_non_null(hint);
    assert_non_null(answer);
    assert_non_null(solution);
    assert_true(hint < answer && answer < solution);
    assert_int_equal(t.done, 1);
    assert_int_equal(t.right_first, 0);
    assert_non_null(strstr(out, "Summary: 1 problem done, 0 right the first time."));
    assert_non_null(strstr(out, "GHK voltage: 1 done, 0 right the first time"));
    assert_non_null(strstr(out, "Practise next: GHK voltage (0 of 1 right the first time so far)"));
    free(out);
}

/* A scale slip says which way: the grader's words (judge_text.h), in
 * both languages. */
static void test_session_scale_slip(void **state)
{
    (void)state;
    static const struct {
        const char *tok, *lang, *note;
    } slips[] = {
        {"x1000", "en", "\n  the digits are right but the number is 1000 times too large: check the unit\n"},
        {"/1000", "en", "\n  the digits are right but the number is 1000 times too small: check the unit\n"},
        {"x1000", "zh", "\n  数字对了，但数值大了 1000 倍：请检查单位\n"},
        {"/1000", "zh", "\n  数字对了，但数值小了 1000 倍：请检查单位\n"},
    };
    for (size_t k = 0; k < sizeof slips / sizeof *slips; k++) {
        const char *script[] = {slips[k].tok, "R"};
        reader r = {.script = script, .n = 2, .rest = "R", .max_problems = 1};
        char user[32];
        snprintf(user, sizeof user, "scale%zu", k);
        ion_drill_opts o = opts(user, "donnan", 5);
        o.lang = slips[k].lang;
        ion_drill_tally t;
        char *out = session(&o, &r, &t, 0);
        if (!strstr(out, slips[k].note))
            fail_msg("%s (%s): no note %s in\n%s", slips[k].tok, slips[k].lang, slips[k].note, out);
        free(out);
    }
}

static void test_session_unreadable_is_no_try(void **state)
{
    (void)state;
    const char *script[] = {"", "abc", "h", "R"};
    reader r = {.script = script, .n = 4, .rest = "R", .max_problems = 1};
    ion_drill_opts o = opts("typo", "pump", 2);
    ion_drill_tally t;
    char *out = session(&o, &r, &t, 0);
    /* the grader's reason, then what to type, in the part's unit */
    assert_non_null(strstr(out, "\n  I could not read that: 'abc' is not a number. Type a number, with its unit if "
                                "you like: 12.5 or 12.5 ms.\n"));
    assert_non_null(strstr(out, "? shows a hint"));
    assert_int_equal(t.right_first, 1);
    free(out);

    /* In Chinese the parser's reasons are in Chinese too. */
    const char *zh_script[] = {"abc", "1.2.3", "5 mVV", "R"};
    reader r2 = {.script = zh_script, .n = 4, .rest = "R", .max_problems = 1};
    o = opts("typo-zh", "pump", 2);
    o.lang = "zh";
    out = session(&o, &r2, &t, 0);
    assert_non_null(strstr(out, "\n  无法识别：“abc”不是数值。请输入一个数，可带单位，例如 12.5 或 12.5 ms。\n"));
    assert_non_null(strstr(out, "\n  无法识别：“1.2.3”有不止一个小数点。"));
    assert_non_null(strstr(out, "\n  无法识别：不认识的单位“mVV”。"));
    assert_null(strstr(out, "not a number"));
    assert_int_equal(t.right_first, 1);
    free(out);
}

static void test_session_hint_and_solution(void **state)
{
    (void)state;
    /* A hint asked for: right then is not right first time. */
    const char *script[] = {"?", "R"};
    reader r = {.script = script, .n = 2, .rest = "R", .max_problems = 1};
    ion_drill_opts o = opts("helped", "donnan", 3);
    ion_drill_tally t;
    char *out = session(&o, &r, &t, 0);
    assert_non_null(strstr(out, "Hint: "));
    assert_int_equal(t.done, 1);
    assert_int_equal(t.right_first, 0);
    free(out);

    /* s at (a) of a problem of several parts: the worked solution and
     * (a)'s answer, then (b) is still asked (issue 18); the problem ends
     * when its last part does, as missed. */
    const char *script2[] = {"s"};
    reader r2 = {.script = script2, .n = 1, .rest = "R", .max_problems = 1};
    o.user = "solution";
    out = session(&o, &r2, &t, 0);
    assert_non_null(strstr(out, "Worked solution: "));
    assert_non_null(strstr(out, "  (a) "));
    assert_null(strstr(out, "  (b) "));
    assert_non_null(strstr(out, "\nb ["));
    assert_non_null(strstr(out, "✓ Right! "));
    assert_int_equal(t.done, 1);
    assert_int_equal(t.right_first, 0);
    assert_int_equal(t.helped, 0);
    assert_int_equal(stored("solution", NULL).attempts, 1);
    free(out);

    /* Only the hint seen, then q: no wrong try is claimed, but the miss is
     * recorded and said (issue 18). */
    const char *script3[] = {"?", "q"};
    reader r3 = {.script = script3, .n = 2};
    o.user = "peeker";
    out = session(&o, &r3, &t, 0);
    assert_int_equal(t.unfinished, 0);
    assert_int_equal(t.helped, 1);
    assert_null(strstr(out, "after a wrong try"));
    assert_non_null(strstr(out, "Left after seeing the hint or the solution: 1 (counted as missed)."));
    assert_int_equal(stored("peeker", NULL).attempts, 1);
    free(out);
}

/* The commands as words, in any case, are commands, not answers judged
 * (issue 18): hint, solution, skip, quit, exit. */
static void test_session_command_words(void **state)
{
    (void)state;
    const char *script[] = {"hint", " Skip ", "QUIT"};
    reader r = {.script = script, .n = 3};
    ion_drill_opts o = opts("words", "nernst", 5);
    ion_drill_tally t;
    char *out = session(&o, &r, &t, 0);
    assert_non_null(strstr(out, "Hint: "));
    assert_non_null(strstr(out, "Skipped."));
    assert_null(strstr(out, "could not read"));
    assert_null(strstr(out, "Answer with"));
    assert_int_equal(t.skipped, 1);
    assert_int_equal(t.quit, 1);
    free(out);

    const char *script2[] = {"solution", "exit"};
    reader r2 = {.script = script2, .n = 2};
    o.user = "words2";
    out = session(&o, &r2, &t, 0);
    assert_non_null(strstr(out, "Worked solution: "));
    assert_null(strstr(out, "could not read"));
    assert_int_equal(t.quit, 1);
    free(out);

    /* In Chinese: the summary's counts in Chinese. */
    const char *script3[] = {"？", "q"};
    reader r3 = {.script = script3, .n = 2};
    o.user = "words3";
    o.lang = "zh";
    out = session(&o, &r3, &t, 0);
    assert_non_null(strstr(out, "提示："));
    assert_non_null(strstr(out, "看过提示或解答后未完成：1 题（记为答错）。"));
    free(out);
}

static void test_session_skip_and_quit(void **state)
{
    (void)state;
    /* Skipping an untried problem costs nothing; q ends the session. */
    const char *script[] = {"n", "n", "q"};
    reader r = {.script = script, .n = 3};
    ion_drill_opts o = opts("skipper", NULL, 9);
    ion_drill_tally t;
    char *out = session(&o, &r, &t, 0);
    assert_int_equal(t.skipped, 2);
    assert_int_equal(t.done, 0);
    assert_int_equal(t.quit, 1);
    assert_non_null(strstr(out, "Skipped."));
    assert_non_null(strstr(out, "Summary: no problems done this time."));
    assert_non_null(strstr(out, "Skipped: 2."));
    assert_non_null(strstr(out, "Problem 3 · "));
    assert_null(strstr(out, "Problem 4 · "));
    assert_int_equal(stored("skipper", NULL).rows, 0);
    free(out);

    /* Skipping after a wrong try records the miss. */
    const char *script2[] = {"W", "n"};
    reader r2 = {.script = script2, .n = 2};
    o.user = "skipper2";
    out = session(&o, &r2, &t, 0);
    assert_int_equal(t.skipped, 1);
    assert_int_equal(t.quit, 0);
    progress p = stored("skipper2", NULL);
    assert_int_equal(p.attempts, 1);
    assert_int_equal(p.right_first, 0);
    assert_int_equal(t.unfinished, 0);
    free(out);

    /* The end of input after a wrong try: recorded as missed, and the
     * summary says so rather than "no problems done" alone. */
    const char *script3[] = {"W"};
    reader r3 = {.script = script3, .n = 1};
    o.user = "leaver";
    out = session(&o, &r3, &t, 0);
    assert_int_equal(t.done, 0);
    assert_int_equal(t.unfinished, 1);
    assert_non_null(strstr(out, "Left unfinished after a wrong try: 1 (counted as missed)."));
    assert_int_equal(stored("leaver", NULL).attempts, 1);
    free(out);
}

static void test_session_color_and_chinese(void **state)
{
    (void)state;
    reader r = {.rest = "R", .max_problems = 1};
    ion_drill_opts o = opts("colour", "nernst", 4);
    o.color = 1;
    ion_drill_tally t;
    char *out = session(&o, &r, &t, 0);
    assert_non_null(strstr(out, "\033[32m✓ Right!"));
    free(out);

    reader r2 = {.rest = "W", .max_problems = 1};
    o = opts("zh", "nernst", 4);
    o.lang = "zh";
    out = session(&o, &r2, &t, 0);
    assert_non_null(strstr(out, "第 1 题 · 能斯特电位 · 难度 "));
    assert_non_null(strstr(out, "✗ 不对。"));
    assert_non_null(strstr(out, "详细解答："));
    assert_non_null(strstr(out, "小结：完成 1 题，其中 0 题一次答对。"));
    free(out);
}

static void test_session_refusals(void **state)
{
    (void)state;
    reader r = {0};
    ion_drill_opts o = opts("x", "no-such-topic", 1);
    ion_drill_tally t;
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    ion_error err = {0};
    assert_int_equal(ion_drill_run(bank, &o, scripted, &r, f, &t, &err), ION_BANK_EINVAL);
    assert_string_equal(err.msg, "no templates in topic 'no-such-topic' (see ionsheet bank list)");
    o = opts("x", "concept", 1);
    o.difficulty = 3;
    assert_int_equal(ion_drill_run(bank, &o, scripted, &r, f, &t, &err), ION_BANK_EINVAL);
    assert_string_equal(err.msg, "no templates of difficulty 3 in topic concept");
    o.difficulty = 4;
    assert_int_equal(ion_drill_run(bank, &o, scripted, &r, f, &t, &err), ION_BANK_EINVAL);
    o = opts("bad\nname", NULL, 1);
    assert_int_equal(ion_drill_run(bank, &o, scripted, &r, f, &t, &err), ION_BANK_EINVAL);
    assert_non_null(strstr(err.msg, "user name"));
    fclose(f);
    assert_int_equal(len, 0);  /* nothing written before a refusal */
    free(out);
}

static void test_session_fixed_difficulty(void **state)
{
    (void)state;
    reader r = {.rest = "R", .max_problems = 8};
    ion_drill_opts o = opts("fixed", "nernst", 8);
    o.difficulty = 2;
    ion_drill_tally t;
    char *out = session(&o, &r, &t, 0);
    assert_int_equal(t.done, 8);
    assert_null(strstr(out, "difficulty 1 ["));
    assert_null(strstr(out, "difficulty 3 ["));
    assert_null(strstr(out, "step up"));
    free(out);
}

static void test_session_wrapping_and_mcq(void **state)
{
    (void)state;
    reader r = {.rest = "R", .max_problems = 4};
    ion_drill_opts o = opts("narrow", "concept", 2);
    o.width = 50;
    ion_drill_tally t;
    char *out = session(&o, &r, &t, 0);
    assert_int_equal(t.right_first, 4);
    assert_non_null(strstr(out, "\n    A) "));
    assert_non_null(strstr(out, "\na [A-"));
    /* Every line fits in 50 columns (these texts are all narrow characters). */
    int col = 0, widest = 0;
    for (const unsigned char *p = (const unsigned char *)out; *p; p++) {
        if (*p == '\n')
            col = 0;
        else if ((*p & 0xC0) != 0x80 && ++col > widest)
            widest = col;
    }
    assert_true(widest <= 50);
    assert_true(widest > 40);
    free(out);
}

/* ---- the picker ---- */

static int topic_of(const char *id, char *topic, size_t n)
{
    const char *dash = strchr(id, '-');
    snprintf(topic, n, "%.*s", (int)(dash - id), id);
    return 0;
}

typedef struct {
    const char *user;
    int right; /* 1: right first time, 0: not, -1: by topic (ghk wrong) */
} recorder;

static int record_template(const ion_bank_template *t, void *ctx)
{
    const recorder *rc = ctx;
    ion_error err = {0};
    int right = rc->right >= 0 ? rc->right : strcmp(t->topic, "ghk") != 0;
    for (int k = 0; k < 3; k++)
        assert_int_equal(ion_bank_drill_record(bank, rc->user, t->id, (uint64_t)k, right, &err), 0);
    return 0;
}

/* Share of picks per topic over n picks. */
/* Shares of the picks by topic (the id's prefix): GHK's and the largest
 * other one's; returns the number of topics seen, which grows with the
 * shipped bank. */
static int pick_shares(ion_drill_picker *p, int n, double *ghk, double *max_other)
{
    char names[64][32];
    int count[64] = {0}, nt = 0;
    for (int i = 0; i < n; i++) {
        uint64_t seed;
        char topic[32];
        topic_of(ion_drill_pick(p, &seed), topic, sizeof topic);
        int k = 0;
        while (k < nt && strcmp(names[k], topic))
            k++;
        if (k == nt && nt < 64)
            snprintf(names[nt++], sizeof names[0], "%s", topic);
        if (k < 64)
            count[k]++;
    }
    *ghk = 0;
    *max_other = 0;
    for (int k = 0; k < nt; k++) {
        double share = (double)count[k] / n;
        if (!strcmp(names[k], "ghk"))
            *ghk = share;
        else if (share > *max_other)
            *max_other = share;
    }
    return nt;
}

static void test_picker_weak_topic_more_often(void **state)
{
    (void)state;
    ion_error err = {0};
    /* A new student: every topic about as often. */
    ion_drill_picker *p = ion_drill_picker_new(bank, "newcomer", NULL, 0, 42, &err);
    assert_non_null(p);
    double ghk, other;
    int topics = pick_shares(p, 3000, &ghk, &other);
    assert_true(topics >= 6);
    assert_true(ghk > 0.7 / topics && ghk < 1.3 / topics);
    assert_true(other < 1.3 / topics);
    ion_drill_picker_free(p);

    /* One who keeps failing GHK and gets the rest right: far more GHK. */
    recorder rc = {"ghk-failer", -1};
    assert_int_equal(ion_bank_template_list(bank, NULL, record_template, &rc, &err), 0);
    p = ion_drill_picker_new(bank, "ghk-failer", NULL, 0, 42, &err);
    assert_non_null(p);
    topics = pick_shares(p, 3000, &ghk, &other);
    assert_true(ghk > 3.0 / topics); /* three times a fair share */
    assert_true(ghk > 3 * other);
    ion_drill_picker_free(p);

    /* The same within a session: results fed back move the picks. */
    p = ion_drill_picker_new(bank, "in-session", NULL, 0, 7, &err);
    assert_non_null(p);
    int ghk_late = 0;
    for (int i = 0; i < 400; i++) {
        uint64_t seed;
        const char *id = ion_drill_pick(p, &seed);
        int is_ghk = !strncmp(id, "ghk-", 4);
        if (i >= 300)
            ghk_late += is_ghk;
        ion_drill_picker_result(p, id, !is_ghk);
    }
    assert_true(ghk_late > 240 / topics); /* of 100 picks: 2.4 fair shares */
    ion_drill_picker_free(p);
}

static void test_picker_weak_template_more_often(void **state)
{
    (void)state;
    ion_error err = {0};
    /* Within GHK at difficulty 2: failing ghk-chord, right on the rest. */
    for (int k = 0; k < 6; k++) {
        assert_int_equal(ion_bank_drill_record(bank, "chord", "ghk-chord", 1, 0, &err), 0);
        assert_int_equal(ion_bank_drill_record(bank, "chord", "ghk-hyperkalemia", 1, 1, &err), 0);
        assert_int_equal(ion_bank_drill_record(bank, "chord", "ghk-kna-cl", 1, 1, &err), 0);
        assert_int_equal(ion_bank_drill_record(bank, "chord", "ghk-nonselective", 1, 1, &err), 0);
    }
    ion_drill_picker *p = ion_drill_picker_new(bank, "chord", "ghk", 2, 3, &err);
    assert_non_null(p);
    int chord = 0;
    for (int i = 0; i < 2000; i++) {
        uint64_t seed;
        const char *id = ion_drill_pick(p, &seed);
        assert_true(!strcmp(id, "ghk-chord") || !strcmp(id, "ghk-hyperkalemia") || !strcmp(id, "ghk-kna-cl") ||
                    !strcmp(id, "ghk-nonselective"));
        chord += !strcmp(id, "ghk-chord");
    }
    assert_true(chord > 2000 * 0.4); /* uniform would be 0.25 */
    ion_drill_picker_free(p);
}

static int level_of(const ion_drill_picker *p, const char *topic)
{
    ion_drill_topic t;
    for (size_t i = 0; ion_drill_picker_topic(p, i, &t); i++)
        if (!strcmp(t.topic, topic))
            return t.level;
    fail_msg("no topic %s", topic);
    return 0;
}

static void test_picker_levels(void **state)
{
    (void)state;
    ion_error err = {0};
    ion_drill_picker *p = ion_drill_picker_new(bank, "climber", NULL, 0, 1, &err);
    assert_non_null(p);
    assert_int_equal(level_of(p, "nernst"), 1);
    ion_drill_picker_result(p, "nernst-k", 1);   /* difficulty 1, right: up */
    assert_int_equal(level_of(p, "nernst"), 2);
    ion_drill_picker_result(p, "nernst-k", 1);   /* below the level: stays */
    assert_int_equal(level_of(p, "nernst"), 2);
    ion_drill_picker_result(p, "nernst-ca", 1);  /* difficulty 2: up */
    assert_int_equal(level_of(p, "nernst"), 3);
    ion_drill_picker_result(p, "nernst-activity", 1);
    assert_int_equal(level_of(p, "nernst"), 3);  /* the topic's highest */
    ion_drill_picker_result(p, "nernst-activity", 0);
    assert_int_equal(level_of(p, "nernst"), 3);  /* one miss: stays */
    ion_drill_picker_result(p, "nernst-activity", 0);
    assert_int_equal(level_of(p, "nernst"), 2);  /* two in a row: down */
    ion_drill_picker_result(p, "nernst-ca", 0);
    ion_drill_picker_result(p, "nernst-ca", 0);
    assert_int_equal(level_of(p, "nernst"), 1);
    ion_drill_picker_result(p, "nernst-k", 0);
    ion_drill_picker_result(p, "nernst-k", 0);
    assert_int_equal(level_of(p, "nernst"), 1);  /* the topic's lowest */
    ion_drill_picker_result(p, "no-such-template", 1);
    ion_drill_picker_free(p);

    /* Picks aim at the level: at level 1 mostly difficulty 1. */
    p = ion_drill_picker_new(bank, "climber", "nernst", 0, 1, &err);
    int easy = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t seed;
        const char *id = ion_drill_pick(p, &seed);
        easy += !strcmp(id, "nernst-k") || !strcmp(id, "nernst-na") || !strcmp(id, "nernst-seed-check");
    }
    assert_true(easy > 550); /* 3 of the 9 templates */
    ion_drill_picker_free(p);

    /* However few templates the level's difficulty has: GHK has one of
     * difficulty 1 (ghk-kna) beside five of 2, and at level 1 it still
     * comes most often (it used to come 38% of the time, difficulty 2
     * 53%). */
    p = ion_drill_picker_new(bank, "ghk-beginner", "ghk", 0, 1, &err);
    assert_non_null(p);
    assert_int_equal(level_of(p, "ghk"), 1);
    int kna = 0;
    for (int i = 0; i < 2000; i++) {
        uint64_t seed;
        kna += !strcmp(ion_drill_pick(p, &seed), "ghk-kna");
    }
    assert_true(kna > 2000 / 2);
    ion_drill_picker_free(p);

    /* Levels come back from the bank: right at difficulty 1, then (a
     * second later, so the order is known) two misses at difficulty 2. */
    assert_int_equal(ion_bank_drill_record(bank, "stored", "nernst-k", 1, 1, &err), 0);
    p = ion_drill_picker_new(bank, "stored", NULL, 0, 1, &err);
    assert_int_equal(level_of(p, "nernst"), 2);
    ion_drill_picker_free(p);
    sleep(1);
    assert_int_equal(ion_bank_drill_record(bank, "stored", "nernst-ca", 1, 0, &err), 0);
    assert_int_equal(ion_bank_drill_record(bank, "stored", "nernst-ca", 2, 0, &err), 0);
    p = ion_drill_picker_new(bank, "stored", NULL, 0, 1, &err);
    assert_int_equal(level_of(p, "nernst"), 1);
    ion_drill_picker_free(p);
}

static void test_session_level_messages(void **state)
{
    (void)state;
    reader r = {.rest = "R", .max_problems = 3};
    ion_drill_opts o = opts("stepper", "pump", 6);
    ion_drill_tally t;
    char *out = session(&o, &r, &t, 0);
    assert_non_null(strstr(out, "Next Na⁺/K⁺ pump problems step up to difficulty 2."));
    free(out);
    reader r2 = {.rest = "W", .max_problems = 2};
    out = session(&o, &r2, &t, 0);
    assert_non_null(strstr(out, "step back to difficulty"));
    free(out);
}

/* ---- the progress table ---- */

/* A view that keeps what the session says, a line each: "TONE text". */
static void keep_text(void *ctx, int indent, int hang, ion_drill_tone tone, const char *text)
{
    (void)indent, (void)hang;
    ion_strbuf_printf(ctx, "%d %s\n", (int)tone, text);
}

static void keep_nothing(void *ctx)
{
    (void)ctx;
}

static const ion_drill_view keeper = {keep_text, NULL, keep_nothing, NULL, NULL};

/* Says line to part i of pb and what came of it: the returned end, the
 * tries after it, and whether tone was said. */
static int take(ion_drill_problem *pb, size_t i, int *tries, const char *line, ion_drill_tone tone)
{
    ion_strbuf said = {0};
    ion_drill_out out = {&keeper, &said, "en"};
    int end = ion_drill_problem_take(pb, i, tries, line, &out);
    char mark[8];
    snprintf(mark, sizeof mark, "\n%d ", (int)tone);
    int found = said.s && (!strncmp(said.s, mark + 1, strlen(mark + 1)) || strstr(said.s, mark));
    if (!found)
        fail_msg("'%s' said no tone %d: %s", line, (int)tone, said.s ? said.s : "(nothing)");
    ion_strbuf_release(&said);
    return end;
}

/* One problem's rules as the web drill calls them (ion_drill_problem_*):
 * an unreadable answer is no try, the first wrong try brings the hint,
 * the second the answer and solution and ends the part, s reveals a part;
 * the problem ended is recorded once for its user. */
static void test_problem_rules(void **state)
{
    (void)state;
    ion_error err = {0};
    ion_drill_problem pb;
    assert_int_equal(ion_drill_problem_open(&pb, bank, "drive-k", 1, &err), 0);
    int tries = 0;
    assert_int_equal(take(&pb, 0, &tries, "abc", ION_DRILL_NOTE), ION_DRILL_PART_OPEN);
    assert_int_equal(tries, 0);
    assert_false(pb.missed);
    assert_int_equal(take(&pb, 0, &tries, "123456789", ION_DRILL_HINT), ION_DRILL_PART_OPEN);
    assert_int_equal(tries, 1);
    assert_true(pb.hint_shown && pb.missed && pb.tried_wrong);
    assert_int_equal(take(&pb, 0, &tries, "123456789", ION_DRILL_SOLUTION), ION_DRILL_PART_MISSED);
    assert_int_equal(tries, 2);
    assert_true(pb.solution_shown);
    tries = 0;
    assert_int_equal(take(&pb, 1, &tries, "s", ION_DRILL_STRONG), ION_DRILL_PART_REVEALED);

    ion_drill_picker *picker = ion_drill_picker_new(bank, "web-rules", NULL, 0, 7, &err);
    assert_non_null(picker);
    ion_strbuf said = {0};
    ion_drill_out out = {&keeper, &said, "en"};
    assert_int_equal(ion_drill_problem_end(&pb, 1, bank, picker, "web-rules", 0, 1, &out, &err), 0);
    progress p = stored("web-rules", NULL);
    assert_int_equal(p.attempts, 1);
    assert_int_equal(p.right_first, 0);
    ion_drill_problem_close(&pb);

    /* Right at the first try: well done; no user, nothing stored. */
    assert_int_equal(ion_drill_problem_open(&pb, bank, "drive-k", 1, &err), 0);
    char key[64];
    ion_drill_key_text(&pb.in, 1, "en", key, sizeof key);
    tries = 0;
    assert_int_equal(take(&pb, 0, &tries, "4 mV", ION_DRILL_RIGHT), ION_DRILL_PART_RIGHT);
    assert_int_equal(take(&pb, 1, &tries, key, ION_DRILL_RIGHT), ION_DRILL_PART_RIGHT);
    ion_strbuf_reset(&said);
    assert_int_equal(ion_drill_problem_end(&pb, 1, bank, picker, NULL, 0, 1, &out, &err), 0);
    assert_non_null(strstr(said.s, "Well done"));
    p = stored("web-rules", NULL);
    assert_int_equal(p.attempts, 1);
    ion_drill_problem_close(&pb);
    ion_strbuf_release(&said);
    ion_drill_picker_free(picker);
}

static char *stats(const ion_drill_opts *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ion_error err = {0};
    if (ion_drill_stats(bank, o, out, &err))
        fail_msg("%s", err.msg);
    fclose(out);
    return buf;
}

static void test_stats(void **state)
{
    (void)state;
    ion_drill_opts o = opts("nobody", NULL, 0);
    char *out = stats(&o);
    assert_non_null(strstr(out, "Drill progress of nobody"));
    assert_non_null(strstr(out, "nernst   Nernst potentials        0     -      ....................     1      -"));
    assert_non_null(strstr(out, "Nothing drilled yet"));
    free(out);

    /* After a session: 2 GHK problems, one right first time. */
    const char *script[] = {"R", "R", "R", "W", "W", "W", "W", "W", "W", "W", "W"};
    reader r = {.script = script, .n = 11, .rest = "W", .max_problems = 2};
    o = opts("tabled", "ghk", 1);
    ion_drill_tally t;
    char *s = session(&o, &r, &t, 0);
    free(s);
    progress p = stored("tabled", "ghk");
    o.topic = NULL;
    out = stats(&o);
    char row[128];
    snprintf(row, sizeof row, "ghk      GHK voltage              %d", p.attempts);
    assert_non_null(strstr(out, row));
    assert_non_null(strstr(out, "concept  Concepts                 0     -"));
    assert_non_null(strstr(out, "Practise next: "));
    assert_null(strchr(out, '\033'));
    free(out);

    o.color = 1;
    o.lang = "zh";
    out = stats(&o);
    assert_non_null(strstr(out, "tabled 的练习进度"));
    assert_non_null(strstr(out, "█") || strstr(out, "░"));
    assert_non_null(strchr(out, '\033'));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_judge_numeric),
        cmocka_unit_test(test_judge_choice_and_mcq),
        cmocka_unit_test(test_session_all_right),
        cmocka_unit_test(test_session_wrong_then_right),
        cmocka_unit_test(test_session_wrong_twice),
        cmocka_unit_test(test_session_scale_slip),
        cmocka_unit_test(test_session_unreadable_is_no_try),
        cmocka_unit_test(test_session_hint_and_solution),
        cmocka_unit_test(test_session_command_words),
        cmocka_unit_test(test_session_skip_and_quit),
        cmocka_unit_test(test_session_color_and_chinese),
        cmocka_unit_test(test_session_refusals),
        cmocka_unit_test(test_session_fixed_difficulty),
        cmocka_unit_test(test_session_wrapping_and_mcq),
        cmocka_unit_test(test_picker_weak_topic_more_often),
        cmocka_unit_test(test_picker_weak_template_more_often),
        cmocka_unit_test(test_picker_levels),
        cmocka_unit_test(test_session_level_messages),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_problem_rules),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
