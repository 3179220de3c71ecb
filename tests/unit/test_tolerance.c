/* Tolerances propagated from the inputs (tolerance.h, issue 14 item 4):
 * the shipped templates whose later parts build on earlier ones accept
 * what follows from earlier answers accepted anywhere in their intervals,
 * where their old fixed tolerances did not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "text.h"
#include "instance.h"
#include "judge.h"
#include "template.h"
#include "tolerance.h"

#define XSD "schema/problem.xsd"
#define SEEDS 300

static const ion_template *find(const ion_template_list *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i]->id, id))
            return l->items[i];
    fail_msg("no template %s", id);
    return NULL;
}

static double val(const ion_instance *in, const char *name)
{
    int s = ion_template_slot(in->t, name, strlen(name));
    assert_true(s >= 0);
    return in->vals[s].num;
}

/* The verdict on answer (in the part's unit) against part i's key, and
 * against the same key with the template's own fixed tolerance (the floor:
 * what the part had before tol="auto"). */
static void judge_both(const ion_instance *in, size_t i, double answer, int *auto_ok, int *fixed_ok)
{
    char text[64];
    snprintf(text, sizeof text, "%.9g", answer);
    ion_judgement j;
    ion_judge_part(&in->keys[i], text, &j);
    *auto_ok = j.verdict == ION_VERDICT_RIGHT;
    ion_part_key fixed = in->keys[i];
    fixed.tol_abs = in->t->parts[i].tol_abs;
    fixed.tol_rel = in->t->parts[i].tol_rel;
    ion_judge_part(&fixed, text, &j);
    *fixed_ok = j.verdict == ION_VERDICT_RIGHT;
}

static double key_of(const ion_instance *in, size_t i)
{
    return in->keys[i].value;
}

/* The case: (a) and (b) accepted but rounded to whole mV, (c) their
 * difference: the fixed +-0.3 mV failed it in 170 of 300 seeds. */
static void test_hyperkalemia(void **state)
{
    (void)state;
    ion_template_list l = {0};
    ion_error err = {0};
    assert_int_equal(ion_templates_load("problems/ghk.xml", XSD, &l, &err), 0);
    const ion_template *t = find(&l, "ghk-hyperkalemia");
    ion_instance in;
    assert_int_equal(ion_instance_init(&in, t), 0);
    int auto_fail = 0, fixed_fail = 0;
    for (int s = 1; s <= SEEDS; s++) {
        assert_int_equal(ion_instance_generate(&in, (uint64_t)s, &err), 0);
        double a = round(key_of(&in, 0)), b = round(key_of(&in, 1));
        /* the two rounded answers are accepted... */
        assert_true(ion_judge_within(a, key_of(&in, 0), 0.5, 0) && ion_judge_within(b, key_of(&in, 1), 0.5, 0));
        /* ... and (c)'s tolerance is theirs added: 1 mV (floor 0.3) */
        assert_true(fabs(in.keys[2].tol_abs - 1.0) < 1e-6);
        int ok_auto, ok_fixed;
        judge_both(&in, 2, b - a, &ok_auto, &ok_fixed);
        auto_fail += !ok_auto;
        fixed_fail += !ok_fixed;
    }
    print_message("ghk-hyperkalemia (c) from rounded (a), (b): %d of %d seeds failed with tol-abs 0.3, %d with tol=auto\n",
                  fixed_fail, SEEDS, auto_fail);
    assert_int_equal(auto_fail, 0);
    assert_true(fixed_fail > 100); /* the test can tell the two apart */
    ion_instance_release(&in);
    ion_template_list_release(&l);
}

/* Earlier answers at the far edges of their intervals, in opposite
 * directions: the worst case the propagation adds up. */
static double temperature_c(const ion_instance *in, int seed)
{
    double side = seed % 2 ? 1 : -1;
    return (key_of(in, 1) + side * 0.2999) - (key_of(in, 0) - side * 0.2999); /* (b) - (a) */
}

/* ghk-chord: (b) = gK (V - EK) from an (a) 0.5 mV off. */
static double chord_b(const ion_instance *in, int seed)
{
    double v = key_of(in, 0) + (seed % 2 ? 0.4999 : -0.4999);  /* mV */
    return val(in, "gK") * (v * 1e-3 - val(in, "EK")) * 1e12; /* pA */
}

/* Over SEEDS seeds of template id in file, part `part` answered with what
 * answer() computes from the earlier answers: none fails with tol="auto",
 * some with the old fixed tolerance. */
static void edges(const char *file, const char *id, size_t part, double (*answer)(const ion_instance *, int))
{
    ion_template_list l = {0};
    ion_error err = {0};
    ion_instance in;
    int auto_fail = 0, fixed_fail = 0, ok_auto, ok_fixed;
    assert_int_equal(ion_templates_load(file, XSD, &l, &err), 0);
    assert_int_equal(ion_instance_init(&in, find(&l, id)), 0);
    for (int s = 1; s <= SEEDS; s++) {
        assert_int_equal(ion_instance_generate(&in, (uint64_t)s, &err), 0);
        judge_both(&in, part, answer(&in, s), &ok_auto, &ok_fixed);
        auto_fail += !ok_auto;
        fixed_fail += !ok_fixed;
    }
    assert_int_equal(auto_fail, 0);
    assert_true(fixed_fail > 0);
    ion_instance_release(&in);
    ion_template_list_release(&l);
}

static void test_edges(void **state)
{
    (void)state;
    edges("problems/nernst.xml", "nernst-temperature", 2, temperature_c);
    edges("problems/ghk.xml", "ghk-chord", 1, chord_b);
}

/* tol="auto" on a part that builds on nothing is an authoring error. */
static void test_auto_needs_inputs(void **state)
{
    (void)state;
    const char *src =
        "<problems xmlns='urn:ionsheet:problem:1'><problem id='lone' topic='nernst' difficulty='1'>"
        "<title xml:lang='en'>x</title><param name='a' min='1' max='2' step='1'/>"
        "<part id='a' kind='numeric' unit='1' tol='auto' points='1'><text xml:lang='en'>a?</text>"
        "<answer>a</answer></part></problem></problems>";
    ion_template_list l = {0};
    ion_error err = {0};
    assert_int_equal(ion_templates_parse(src, strlen(src), "inline", XSD, &l, &err), -1);
    assert_non_null(strstr(err.msg, "tol=\"auto\" needs a numeric part that builds on an earlier part"));
    /* Without tol-abs, tol-rel or tol="auto": the message names all three. */
    const char *none =
        "<problems xmlns='urn:ionsheet:problem:1'><problem id='none' topic='nernst' difficulty='1'>"
        "<title xml:lang='en'>x</title><param name='a' min='1' max='2' step='1'/>"
        "<part id='a' kind='numeric' unit='1' points='1'><text xml:lang='en'>a?</text>"
        "<answer>a</answer></part></problem></problems>";
    assert_int_equal(ion_templates_parse(none, strlen(none), "inline", XSD, &l, &err), -1);
    assert_non_null(strstr(err.msg, "tol=\"auto\""));
}

static void on_failure(const ion_check_failure *f, void *ctx)
{
    snprintf(ctx, 512, "%s", f->what);
}

/* bank check: a part tighter than what its inputs propagate to fails. */
static void test_check_rule(void **state)
{
    (void)state;
    const char *fmt =
        "<problems xmlns='urn:ionsheet:problem:1'><problem id='chain' topic='nernst' difficulty='1'>"
        "<title xml:lang='en'>x</title><param name='x' unit='mV' min='10' max='20' step='1'/>"
        "<let name='A' unit='mV'>x + 50[mV]</let><let name='B' unit='mV'>2*A</let>"
        "<part id='a' kind='numeric' unit='mV' tol-abs='0.5' points='1'><text xml:lang='en'>A?</text>"
        "<answer>A</answer></part>"
        "<part id='b' kind='numeric' unit='mV' %s points='1'><text xml:lang='en'>B?</text>"
        "<answer>B</answer></part></problem></problems>";
    static const struct {
        const char *tol;
        int failures;
        double tol_abs; /* of (b), as keyed */
    } cases[] = {
        {"tol-abs='0.3'", 1, 0.3},          /* 2 x 0.5 = 1 mV needed */
        {"tol-abs='1'", 0, 1},
        {"tol='auto'", 0, 1},
        {"tol='auto' tol-abs='1.5'", 0, 1.5}, /* a floor above */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char src[2048], what[512] = "";
        snprintf(src, sizeof src, fmt, cases[i].tol);
        ion_template_list l = {0};
        ion_error err = {0};
        assert_int_equal(ion_templates_parse(src, strlen(src), "inline", XSD, &l, &err), 0);
        int n = ion_check_template(l.items[0], 50, on_failure, what);
        if (n != cases[i].failures)
            fail_msg("%s: %d rules broken (%s)", cases[i].tol, n, what);
        if (n) {
            assert_non_null(strstr(what, "part b: its tolerance \xc2\xb1" "0.30 mV is tighter than the \xc2\xb1" "1.0 mV"));
            /* the report in the errors' language (err.check.tight) */
            ion_text_set_lang("zh");
            assert_int_equal(ion_check_template(l.items[0], 50, on_failure, what), 1);
            ion_text_set_lang("en");
            assert_string_equal(what, "小题 b：其容差 \xc2\xb1" "0.30 mV 比它所依据的小题传递来的 \xc2\xb1" "1.0 mV "
                                      "更严：请写 tol=\"auto\"（或放宽容差）");
        }
        ion_instance in;
        assert_int_equal(ion_instance_init(&in, l.items[0]), 0);
        assert_int_equal(ion_instance_generate(&in, 7, &err), 0);
        assert_true(fabs(in.keys[1].tol_abs - cases[i].tol_abs) < 1e-9);
        ion_instance_release(&in);
        ion_template_list_release(&l);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hyperkalemia),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_auto_needs_inputs),
        cmocka_unit_test(test_check_rule),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ion_text_release();
    return failed;
}
