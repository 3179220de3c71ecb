/* The shipped problem bank (the XML files in problems/) and the import rules that
 * guard it: dimensions checked at import, and one test per fix of issue 17
 * that is not a bank check rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "instance.h"
#include "template.h"

#define XSD "schema/problem.xsd"

static ion_template_list bank;

static int load_bank(void **state)
{
    (void)state;
    glob_t g;
    if (glob("problems/*.xml", 0, NULL, &g))
        return -1;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        ion_error err = {0};
        if (ion_templates_load(g.gl_pathv[i], XSD, &bank, &err)) {
            fprintf(stderr, "%s:%d: %s\n", err.file, err.line, err.msg);
            globfree(&g);
            return -1;
        }
    }
    globfree(&g);
    return 0;
}

static int free_bank(void **state)
{
    (void)state;
    ion_template_list_release(&bank);
    return 0;
}

static const ion_template *find(const char *id)
{
    for (size_t i = 0; i < bank.n; i++)
        if (!strcmp(bank.items[i]->id, id))
            return bank.items[i];
    fail_msg("no template %s", id);
    return NULL;
}

static const ion_part *part(const ion_template *t, const char *id)
{
    for (size_t i = 0; i < t->nparts; i++)
        if (!strcmp(t->parts[i].id, id))
            return &t->parts[i];
    fail_msg("%s has no part %s", t->id, id);
    return NULL;
}

/* An import error names the file, the line of the element and the
 * expression. */
static void dimension_errors_at_import(void **state)
{
    (void)state;
    static const struct {
        const char *file, *msg;
    } cases[] = {
        {"dim-volt-plus-number", "template t-dim: part a answer: 'E_Ca + 1' adds a voltage (V) and a dimensionless number"},
        {"dim-ln-ratio", "template t-dim: part a answer: ln of a concentration (mol/m^3)"},
        {"dim-answer-unit", "template t-dim: part a answer 'E_Ca' gives a voltage (V), but its unit mM is a concentration (mol/m^3)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "tests/data/problems-bad/%s.xml", cases[i].file);
        ion_template_list l = {0};
        ion_error err = {0};
        if (ion_templates_load(path, XSD, &l, &err) == 0)
            fail_msg("%s was accepted", path);
        assert_int_equal(l.n, 0);
        assert_string_equal(err.file, path);
        assert_int_equal(err.line, 10);
        if (!strstr(err.msg, cases[i].msg))
            fail_msg("%s: message '%s' lacks '%s'", path, err.msg, cases[i].msg);
    }
}

/* Every let is shown in its unit: its expression has that unit's
 * dimension (else import fails); here the shipped bank has loaded. */
static void bank_loads_with_dimensions(void **state)
{
    (void)state;
    assert_true(bank.n >= 52);
    for (size_t i = 0; i < bank.n; i++) {
        const ion_template *t = bank.items[i];
        for (size_t k = 0; k < t->nparts; k++) {
            const ion_part *p = &t->parts[k];
            ion_dimension d;
            if (p->kind != ION_ANSWER_NUMERIC || ion_expr_dimension(p->answer, &d) < 0)
                continue;
            if (!ion_dimension_eq(d, ion_dim_vector(p->unit->dim)))
                fail_msg("%s part %s: the answer's dimension is not its unit's", t->id, p->id);
        }
    }
}

static void on_failure(const ion_check_failure *f, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "%s:%d: %s: seed %llu: %s (%s)\n", f->t->file, f->line, f->t->id, f->seed, f->what,
            f->values);
}

/* A quick pass of bank check over the shipped bank (the e2e test runs it
 * with 5000 samples). */
static void bank_is_well_posed(void **state)
{
    (void)state;
    int broken = 0;
    for (size_t i = 0; i < bank.n; i++)
        broken += ion_check_template(bank.items[i], 300, on_failure, NULL);
    assert_int_equal(broken, 0);
}

/* Fix 7: concept-capacitor derives C from the radius at 1 µF/cm². */
static void capacitor_from_area(void **state)
{
    (void)state;
    const ion_template *t = find("concept-capacitor");
    ion_instance in;
    assert_int_equal(ion_instance_init(&in, t), 0);
    int r = ion_template_slot(t, "r", 1), C = ion_template_slot(t, "C", 1);
    for (unsigned long long s = 1; s <= 50; s++) {
        ion_error err = {0};
        assert_int_equal(ion_instance_generate(&in, s, &err), 0);
        double radius = in.vals[r].num, cap = in.vals[C].num;
        double want = 1e-2 * 4 * 3.14159265358979323846 * radius * radius; /* 1 µF/cm² = 0.01 F/m² */
        if (fabs(cap - want) > 1e-9 * want)
            fail_msg("seed %llu: C = %g F for r = %g m", s, cap, radius);
    }
    ion_instance_release(&in);
}

/* Texts of a template and its parts in one language, for the wording
 * rules below. */
static int any_text(const ion_template *t, const char *lang, const char *needle)
{
    if (strstr(ion_i18n_get(&t->text, lang), needle) || strstr(ion_i18n_get(&t->solution, lang), needle) ||
        strstr(ion_i18n_get(&t->hint, lang), needle))
        return 1;
    for (size_t i = 0; i < t->nparts; i++) {
        const ion_part *p = &t->parts[i];
        if (strstr(ion_i18n_get(&p->text, lang), needle))
            return 1;
        for (size_t k = 0; k < p->nmistakes; k++)
            if (strstr(ion_i18n_get(&p->mistakes[k].feedback, lang), needle))
                return 1;
        for (size_t k = 0; k < p->noptions; k++)
            if (strstr(ion_i18n_get(&p->options[k].text, lang), needle))
                return 1;
    }
    return 0;
}

/* Fixes 1, 3, 6, 8, 9 of issue 17, each as the rule that would have
 * caught it, over the whole bank. */
static void wording(void **state)
{
    (void)state;
    for (size_t i = 0; i < bank.n; i++) {
        const ion_template *t = bank.items[i];
        /* 9: a line break inside Chinese text is no space */
        /* (a full stop before the next step of a solution may have one) */
        static const char *const stray[] = {"\xef\xbc\x8c ", "\xef\xbc\x9b ", "\xe3\x80\x81 "};
        for (size_t k = 0; k < 3; k++)
            if (any_text(t, "zh", stray[k]))
                fail_msg("%s: a stray space after Chinese punctuation", t->id);
        /* 9: an equilibrium potential shifts, it does not depolarise */
        if (any_text(t, "zh", "\xe4\xbd\xbf E<sub>K</sub> \xe5\x8e\xbb\xe6\x9e\x81\xe5\x8c\x96")) /* 使 E_K 去极化 */
            fail_msg("%s: 'E_K 去极化'", t->id);
        if (any_text(t, "zh", "\xe8\xbf\x98\xe6\x98\xaf\xe9\x83\xbd\xe4\xb8\x8d")) /* 还是都不 */
            fail_msg("%s: '还是都不'", t->id);
        /* 8: the evidence of dynamic equilibrium is tracer flux, a pump
         * block is no current step, the end of a run-down is no 0 mV */
        if (any_text(t, "en", "measurable as channel noise"))
            fail_msg("%s: channel noise as evidence", t->id);
        if (any_text(t, "en", "relaxes after the block"))
            fail_msg("%s: tau_m sets the speed of a pump block", t->id);
        if (any_text(t, "en", "drifts toward 0 mV"))
            fail_msg("%s: run-down toward 0 mV", t->id);
        /* 8: osmolarity is mOsm/L */
        for (size_t k = 0; k < t->nparts; k++)
            if (t->parts[k].kind == ION_ANSWER_NUMERIC && !strcmp(t->parts[k].unit->name, "mOsm"))
                fail_msg("%s part %s: mOsm where mOsm/L is meant", t->id, t->parts[k].id);
        /* 6: a part that asks for a driving force says which difference */
        for (size_t k = 0; k < t->nparts; k++) {
            const char *en = ion_i18n_get(&t->parts[k].text, "en");
            if (strstr(en, "driving force") && !strstr(en, "V<sub>m</sub> \xe2\x88\x92 E"))
                fail_msg("%s part %s asks for a driving force without saying V_m - E_X", t->id, t->parts[k].id);
        }
        /* 1: no "how much more negative" that a positive size answers */
        if (any_text(t, "en", "How much more negative"))
            fail_msg("%s: 'How much more negative' invites a positive size", t->id);
    }
    /* 3: the collapse-to-0 mistake is 0 - V, the change that collapse makes */
    const ion_part *b = part(find("pump-ouabain"), "b");
    int found = 0;
    for (size_t k = 0; k < b->nmistakes; k++)
        found |= !strcmp(b->mistakes[k].src, "0 - V");
    assert_true(found);
    /* 7: plausible inputs. A resting P_Ca/P_K is far below 1; high-voltage
     * Ca2+ channels are shut at -70 mV; tau_m and the pump offset are
     * bounded by plausible="" on their parts (bank check's rule) */
    const ion_template *gc = find("ghk-calcium");
    assert_true(gc->vars[ion_template_slot(gc, "pCa", 3)].max < 1);
    const ion_template *dc = find("drive-ca");
    assert_true(dc->vars[ion_template_slot(dc, "Vm", 2)].min >= -30);
    assert_true(part(find("pump-inverse-gl"), "b")->has_plausible);
    assert_true(part(find("pump-offset"), "a")->has_plausible);
    assert_true(part(find("pump-ouabain"), "a")->has_plausible);
    /* 8: the keyed options say what is right and only that */
    const ion_part *ko = part(find("concept-pump-osmotic"), "b");
    for (size_t k = 0; k < ko->noptions; k++)
        if (ko->options[k].correct)
            assert_non_null(strstr(ion_i18n_only(&ko->options[k].text, "en"), "effectively impermeant"));
    const ion_part *kr = part(find("concept-reversal-nonselective"), "a");
    for (size_t k = 0; k < kr->noptions; k++)
        if (kr->options[k].correct)
            assert_null(strstr(ion_i18n_only(&kr->options[k].text, "en"), "\xe2\x88\x92" "20 mV"));
    assert_false(any_text(find("donnan-concentrations"), "en", "the larger root"));
    assert_false(any_text(find("donnan-concentrations"), "en", "}<sup>2</sup> + 4"));
    /* 5: z = 2 has a quadratic, not no closed form */
    assert_false(any_text(find("ghk-calcium"), "en", "there is no closed form"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dimension_errors_at_import),
        cmocka_unit_test(bank_loads_with_dimensions),
        cmocka_unit_test(bank_is_well_posed),
        cmocka_unit_test(capacitor_from_area),
        cmocka_unit_test(wording),
    };
    return cmocka_run_group_tests(tests, load_bank, free_bank);
}
