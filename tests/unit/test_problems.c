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
    (void)part;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dimension_errors_at_import),
        cmocka_unit_test(bank_loads_with_dimensions),
        cmocka_unit_test(bank_is_well_posed),
        cmocka_unit_test(capacitor_from_area),
    };
    return cmocka_run_group_tests(tests, load_bank, free_bank);
}
