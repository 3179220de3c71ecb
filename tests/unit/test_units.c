/* Units and the quantity parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "text.h"
#include "units.h"

static void table_lookup(void **state)
{
    (void)state;
    const ion_unit *u = ion_unit_find("mV");
    assert_non_null(u);
    assert_int_equal(u->dim, ION_DIM_VOLTAGE);
    assert_true(ion_to_si(u, -70) == -0.07);
    /* u, µ (U+00B5) and μ (U+03BC) are the same micro. */
    const ion_unit *a = ion_unit_find("uM"), *b = ion_unit_find("\xc2\xb5M"),
                   *c = ion_unit_find("\xce\xbcM");
    assert_non_null(a);
    assert_ptr_equal(a, b);
    assert_ptr_equal(a, c);
    assert_ptr_equal(ion_unit_find("degC"), ion_unit_find("C"));
    assert_ptr_equal(ion_unit_find("\xc2\xb0""C"), ion_unit_find("C"));
    assert_true(fabs(ion_to_si(ion_unit_find("C"), 37) - 310.15) < 1e-12);
    assert_true(fabs(ion_from_si(ion_unit_find("C"), 310.15) - 37) < 1e-12);
    assert_int_equal(ion_unit_find("")->dim, ION_DIM_NONE);
    assert_int_equal(ion_unit_find("1")->dim, ION_DIM_NONE);
    assert_true(ion_to_si(ion_unit_find("cm/s"), 1) == 0.01);
    assert_true(ion_to_si(ion_unit_find("kPa"), 1) == 1000);
    assert_true(fabs(ion_to_si(ion_unit_find("mmHg"), 760) - 101325) < 0.02);
    /* Case matters and unknown units are refused. */
    assert_null(ion_unit_find("MM"));
    assert_null(ion_unit_find("mv")); /* (answers may: ion_parse_quantity) */
    assert_null(ion_unit_find("furlong"));
    assert_string_equal(ion_dim_si_name(ION_DIM_CONC), "mol/m^3");
    assert_string_equal(ion_dim_name(ION_DIM_VOLTAGE), "voltage");
}

/* Every input unit SPEC.md "calc" names, with its dimension and SI value. */
static void spec_calc_units(void **state)
{
    (void)state;
    static const struct { const char *name; ion_dim dim; double one_in_si; } spec[] = {
        {"M", ION_DIM_CONC, 1000}, {"mM", ION_DIM_CONC, 1}, {"uM", ION_DIM_CONC, 1e-3},
        {"\xc2\xb5M", ION_DIM_CONC, 1e-3}, {"\xce\xbcM", ION_DIM_CONC, 1e-3},
        {"nM", ION_DIM_CONC, 1e-6}, {"V", ION_DIM_VOLTAGE, 1}, {"mV", ION_DIM_VOLTAGE, 1e-3},
        {"uV", ION_DIM_VOLTAGE, 1e-6}, {"A", ION_DIM_CURRENT, 1}, {"nA", ION_DIM_CURRENT, 1e-9},
        {"pA", ION_DIM_CURRENT, 1e-12}, {"S", ION_DIM_CONDUCT, 1}, {"nS", ION_DIM_CONDUCT, 1e-9},
        {"pS", ION_DIM_CONDUCT, 1e-12}, {"uS", ION_DIM_CONDUCT, 1e-6}, {"F", ION_DIM_CAPACIT, 1},
        {"pF", ION_DIM_CAPACIT, 1e-12}, {"nF", ION_DIM_CAPACIT, 1e-9}, {"uF", ION_DIM_CAPACIT, 1e-6},
        {"K", ION_DIM_TEMP, 1}, {"C", ION_DIM_TEMP, 274.15}, {"degC", ION_DIM_TEMP, 274.15},
        {"s", ION_DIM_TIME, 1}, {"ms", ION_DIM_TIME, 1e-3}, {"cm/s", ION_DIM_VELOCITY, 0.01},
        {"Pa", ION_DIM_PRESSURE, 1}, {"kPa", ION_DIM_PRESSURE, 1000},
        {"mmHg", ION_DIM_PRESSURE, 133.322387415}, {"1", ION_DIM_NONE, 1}, {"", ION_DIM_NONE, 1},
    };
    for (size_t i = 0; i < sizeof spec / sizeof spec[0]; i++) {
        const ion_unit *u = ion_unit_find(spec[i].name);
        if (!u)
            fail_msg("'%s' unknown", spec[i].name);
        if (u->dim != spec[i].dim || fabs(ion_to_si(u, 1) - spec[i].one_in_si) > 1e-12 * spec[i].one_in_si)
            fail_msg("'%s': dim %d, 1 unit = %.15g SI", spec[i].name, (int)u->dim, ion_to_si(u, 1));
    }
}

static void parse_ok(const char *text, double want, const char *unit)
{
    double v = 12345;
    const ion_unit *u = (const ion_unit *)1;
    ion_reason why;
    char said[256];
    if (ion_parse_quantity(text, &v, &u, &why))
        fail_msg("'%s' refused: %s", text, ion_text_reason("en", &why, said, sizeof said));
    if (fabs(v - want) > 1e-12 * fabs(want))
        fail_msg("'%s' gave %.15g, want %.15g", text, v, want);
    if (unit) { /* the same unit: "mmol/L" is "mM" */
        const ion_unit *want_u = ion_unit_find(unit);
        if (!u || u->dim != want_u->dim || u->scale != want_u->scale || u->offset != want_u->offset)
            fail_msg("'%s' gave unit %s, want %s", text, u ? u->name : "none", unit);
    } else
        assert_null(u);
}

static void parse_bad(const char *text, const char *why_part)
{
    double v;
    const ion_unit *u;
    ion_reason r;
    char why[256];
    if (!ion_parse_quantity(text, &v, &u, &r))
        fail_msg("'%s' accepted as %g", text, v);
    ion_text_reason("en", &r, why, sizeof why); /* the words the grader writes */
    if (!strstr(why, why_part))
        fail_msg("'%s': message '%s' lacks '%s'", text, why, why_part);
}

static void quantities_as_people_write_them(void **state)
{
    (void)state;
    parse_ok("-94.1 mV", -94.1, "mV");
    parse_ok("-94.1mV", -94.1, "mV");
    parse_ok("  -94.1  ", -94.1, NULL);
    parse_ok("\xe2\x88\x92""94,1 mV", -94.1, "mV");        /* Unicode minus, comma */
    parse_ok("+5", 5, NULL);
    parse_ok("-0.0941 V", -0.0941, "V");
    parse_ok("-9.41e-2 V", -0.0941, "V");
    parse_ok("-9.41E+1 mV", -94.1, "mV");
    parse_ok("1e3", 1000, NULL);
    parse_ok("-70[mV]", -70, "mV");
    parse_ok("37 [C]", 37, "C");
    parse_ok("5\xe2\x80\x89pA", 5, "pA");                     /* thin space */
    parse_ok("5\xc2\xa0nS", 5, "nS");                         /* no-break space */
    parse_ok("2 \xc2\xb5M", 2, "uM");
    parse_ok("2 \xce\xbcM", 2, "uM");
    parse_ok(".5 mM", 0.5, "mM");
    parse_ok("5. mM", 5, "mM");
    parse_ok("-94.1 mV\r\n", -94.1, "mV");
    /* Digit groups of three, split by a space, thin or narrow no-break space. */
    parse_ok("112\xe2\x80\x89" "268 uM", 112268, "uM");
    parse_ok("1\xe2\x80\xaf" "234\xe2\x80\xaf" "567,5", 1234567.5, NULL);
    parse_ok("-95 022 uV", -95022, "uV");
    parse_ok("0.072\xe2\x80\x89" "18 V", 0.07218, "V");
    parse_ok("2 500e-3 nA", 2.5, "nA");
    parse_ok("3 mA", 3, "mA");
}

/* Issue 14: notations students use that have one reading. */
static void notations_with_one_reading(void **state)
{
    (void)state;
    parse_ok("-95 mv", -95, "mV");                      /* case, when only one unit is meant */
    parse_ok("4.2 MM", 4.2, "mM");
    parse_ok("83.8 mmol/l", 83.8, "mM");
    parse_ok("0.14 mol/L", 0.14, "M");
    parse_ok("0.14 MOL/L", 0.14, "M");
    parse_ok("-65 \xe6\xaf\xab\xe4\xbc\x8f", -65, "mV");              /* 毫伏 */
    parse_ok("140 \xe6\xaf\xab\xe6\x91\xa9\xe5\xb0\x94/\xe5\x8d\x87", 140, "mM"); /* 毫摩尔/升 */
    parse_ok("37 \xe2\x84\x83", 37, "C");                                  /* ℃ */
    parse_ok("83.8 mM.", 83.8, "mM");                   /* a full stop after it */
    parse_ok("83.8.", 83.8, NULL);
    parse_ok("-70 mV\xe3\x80\x82", -70, "mV");                             /* 。 */
    parse_ok("approx 122", 122, NULL);
    parse_ok("approx. 122 mV", 122, "mV");
    parse_ok("Approximately -70 mV", -70, "mV");
    parse_ok("ca. 5 mM", 5, "mM");
    parse_ok("\xe2\x89\x88 -164.9 mV", -164.9, "mV");                      /* ≈ */
    parse_ok("\xe2\x89\x88-164.9", -164.9, NULL);
    parse_ok("~130", 130, NULL);
    parse_ok("~ 130 mM", 130, "mM");
    parse_ok("\xe7\xba\xa6 -70 mV", -70, "mV");                            /* 约 */
    parse_ok("- 11.3 mV", -11.3, "mV");                 /* a blank after the sign */
    parse_ok("+ 5", 5, NULL);
    parse_ok("\xe2\x80\x93" "70 mV", -70, "mV");                           /* en dash as minus */
    parse_ok("6.512\xc3\x97" "10^1 mV", 65.12, "mV");                       /* × */
    parse_ok("6.512 x 10^1 mV", 65.12, "mV");
    parse_ok("6.512*10**1", 65.12, NULL);
    parse_ok("6.512\xc2\xb7" "10\xc2\xb9", 65.12, NULL);                  /* ·10¹ */
    parse_ok("1.5\xc3\x97" "10\xe2\x81\xbb\xc2\xb3 V", 1.5e-3, "V");   /* ×10⁻³ */
    parse_ok("-6.512\xe2\x8b\x85" "10^+1 mV", -65.12, "mV");               /* ⋅ */
    parse_ok("\xef\xbc\x91\xef\xbc\x91\xef\xbc\x93\xef\xbc\x8e\xef\xbc\x99", 113.9, NULL); /* １１３．９ */
    parse_ok("\xef\xbc\x8d" "188.9", -188.9, NULL);                        /* －188.9 */
    parse_ok("\xef\xbc\x8b\xef\xbc\x95 \xef\xbd\x8d\xef\xbc\xb6", 5, "mV"); /* ＋５ ｍＶ */
    parse_ok("\xef\xbc\x97\xef\xbc\x90\xe3\x80\x80mV", 70, "mV");    /* ideographic space */
    /* A middle dot or a superscript inside a unit stays the unit's. */
    parse_ok("2 cm\xc2\xb2", 2, "cm\xc2\xb2");                               /* cm² */
    parse_ok("40000 \xc2\xb5m\xc2\xb3", 40000, "\xc2\xb5m\xc2\xb3");                /* µm³, a name with µ */
    parse_ok("-7 \xce\xa9\xc2\xb7" "cm", -7, "\xce\xa9\xc2\xb7" "cm");           /* Ω·cm */
    parse_ok("3\xc2\xb7" "10\xc2\xb2 cm\xc2\xb2", 300, "cm\xc2\xb2");            /* 3·10² cm² */
    /* The same answer twice is that answer. */
    parse_ok("130.9 mV = 130.9 mV", 130.9, "mV");
    parse_ok("130.9 = 130.9 mV", 130.9, "mV");
    parse_ok("-70 mV (-0.07 V)", -70, "mV");
    parse_ok("-70, -70", -70, NULL);
    /* ... decided exactly on the decimals as typed, in any unit */
    parse_ok("-65 mV (-0.065 V)", -65, "mV");
    parse_ok("-0.065 V (-65000 uV)", -0.065, "V");
    parse_ok("37 C (310.15 K)", 37, "C");
    parse_ok("0.1 (0.10)", 0.1, NULL);
    parse_ok("3 mM (0.003 M)", 3, "mM"); /* 3 * 0.001 is 0.003 exactly, not 0.0030000000000000001 */
}

static void ambiguous_readings(void **state)
{
    (void)state;
    parse_bad("130.9 or 131", "two different answers");
    parse_bad("-70, -57", "two different answers");
    parse_bad("-70 mV = -57 mV", "two different answers");
    parse_bad("5 mV (5 mM)", "two different answers");
    /* numbers that differ are two answers however little: the 1e-9 of
     * slack there was took the first three as one */
    parse_bad("-65 mV (-0.06500000001 V)", "two different answers");
    parse_bad("37 C (310.15000000001 K)", "two different answers");
    parse_bad("1 (1.0000000001)", "two different answers");
    parse_bad("-65 mV (-0.0650000001 V)", "two different answers");
    parse_bad("5 MS", "ambiguous unit 'MS': mS or ms?");
    parse_bad("5 PA", "ambiguous unit");
    parse_bad("130.9 mV (rounded)", "not one answer");
    parse_bad("~", "not a number");
    parse_bad("approx", "not a number");
    parse_bad("6.5*10", "unknown unit");
}

static void refusals(void **state)
{
    (void)state;
    parse_bad("", "not a number");
    parse_bad("outward", "not a number");
    parse_bad("-", "not a number");
    parse_bad("1,234.5", "more than one decimal separator");
    parse_bad("1.2.3", "more than one decimal separator");
    parse_bad("5 mVV", "unknown unit 'mVV'");
    parse_bad("5 furlongs", "unknown unit");
    parse_bad("-70[mV", "malformed unit");
    parse_bad("-70[mV] x", "malformed unit");
    parse_bad("1e999", "out of range");
    parse_bad("nan", "not a number");
    parse_bad("inf", "not a number");
    parse_bad("0x10", "unknown unit");
    parse_bad("3 e", "unknown unit");
    /* Groups that are not groups of three stay a number and a unit. */
    parse_bad("1234 567", "unknown unit '567'");
    parse_bad("1 2345", "unknown unit");
    parse_bad("12 34", "unknown unit");
    parse_bad("1 234 56", "unknown unit");
    parse_bad("0.07 218", "unknown unit");
    parse_bad("0.072 1834", "unknown unit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_lookup),
        cmocka_unit_test(spec_calc_units),
        cmocka_unit_test(quantities_as_people_write_them),
        cmocka_unit_test(refusals),
        cmocka_unit_test(notations_with_one_reading),
        cmocka_unit_test(ambiguous_readings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
