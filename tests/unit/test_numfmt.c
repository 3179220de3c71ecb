/* The number formatter against snprintf, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}
static double uniform(void) { return (double)(next() >> 11) / 9007199254740992.0; }

static long checked;

/* NUMFMT_ROUNDS=1000000 for a long run. */
static int rounds(void)
{
    const char *r = getenv("NUMFMT_ROUNDS");
    return r && atoi(r) > 0 ? atoi(r) : 5000;
}

static void same(char conv, int prec, double v)
{
    char want[128], got[128];
    int wn, gn;
    switch (conv) {
    case 'g':
        wn = snprintf(want, sizeof want, "%.*g", prec, v);
        gn = ion_fmt_g(got, sizeof got, prec, v);
        break;
    case 'e':
        wn = snprintf(want, sizeof want, "%.*e", prec, v);
        gn = ion_fmt_e(got, sizeof got, prec, v);
        break;
    default:
        wn = snprintf(want, sizeof want, "%.*f", prec, v);
        gn = ion_fmt_f(got, sizeof got, prec, v);
        break;
    }
    checked++;
    if (wn != gn || strcmp(want, got))
        fail_msg("%%.%d%c of %a: snprintf '%s' (%d), ion_fmt '%s' (%d)", prec, conv, v, want, wn, got, gn);
}

/* Every conversion at the precisions the program uses and around them. */
static void all(double v)
{
    for (int p = 0; p <= 18; p++) {
        same('g', p, v);
        same('e', p, v);
        if (fabs(v) < 1e15)
            same('f', p, v);
    }
    same('g', -1, v);
}

static void specials(void **state)
{
    (void)state;
    const double vals[] = {0.0, -0.0, 1, -1, 0.5, 2.5, 0.125, 1e-4, 9.99995e-5, 1e10, 9999999999.5, 1e15,
                           123456789012345678.0, DBL_MIN, DBL_MAX, DBL_TRUE_MIN, 1e-300, 5e-324, INFINITY,
                           -INFINITY, NAN, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 310.15, 26.72665911, -84.80205181};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        all(vals[i]);
        all(-vals[i]);
    }
    /* Truncation and the returned length, as snprintf. */
    char small[4];
    assert_int_equal(ion_fmt_g(small, sizeof small, 10, -84.80205181), 12);
    assert_string_equal(small, "-84");
    assert_int_equal(ion_fmt_f(NULL, 0, 2, 3.14159), 4);
}

static void random_values(void **state)
{
    (void)state;
    for (int i = 0, n = rounds(); i < n; i++) {
        /* log-uniform magnitudes over 1e-30..1e30, both signs */
        double v = pow(10, -30 + 60 * uniform()) * (next() & 1 ? -1 : 1);
        all(v);
        /* what a worksheet holds: 1e-6..1e6 */
        all(pow(10, -6 + 12 * uniform()));
        /* any bit pattern */
        uint64_t bits = next();
        double w;
        memcpy(&w, &bits, sizeof w);
        same('g', 10, w);
        same('g', 17, w);
        same('e', 9, w);
    }
}

/* Short decimals (the grid's values, tolerances, credits), exact binary
 * ties (printf breaks them by the rounding mode) and the neighbours of
 * powers of ten, where the exponent changes on rounding. */
static void decimals_ties_and_edges(void **state)
{
    (void)state;
    for (int i = 0, n = rounds(); i < n; i++) {
        double k = (double)(next() % 1000000000000ull);
        double v = k / pow(10, (double)(next() % 13));
        all(v);
        all(-v / 7);
        double tie = (double)(2 * (next() % 100000) + 1) / (double)(1ull << (next() % 20));
        all(tie);
    }
    for (int e = -12; e <= 16; e++) {
        double p = pow(10, e);
        double up = p, down = p;
        for (int k = 0; k < 8; k++) {
            all(up);
            all(down);
            up = nextafter(up, INFINITY);
            down = nextafter(down, 0);
        }
        for (int sig = 1; sig <= 17; sig++) { /* 9.99..95 * 10^e, the rounding edge */
            double edge = p * (10 - 5 * pow(10, -sig));
            all(edge);
            all(nextafter(edge, 0));
            all(nextafter(edge, INFINITY));
        }
    }
    print_message("compared %ld conversions with snprintf\n", checked);
}

/* Issue 14 item 8: points with at most two decimals, everywhere. */
static void points(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(ion_fmt_points(b, sizeof b, 8.0 / 3), "2.67");
    assert_string_equal(ion_fmt_points(b, sizeof b, 2), "2");
    assert_string_equal(ion_fmt_points(b, sizeof b, 0.5), "0.5");
    assert_string_equal(ion_fmt_points(b, sizeof b, 0.125), "0.13");
    assert_string_equal(ion_fmt_points(b, sizeof b, 1.0 / 3 * 3), "1");
    assert_string_equal(ion_fmt_points(b, sizeof b, -0.001), "0");
    assert_string_equal(ion_fmt_points(b, sizeof b, 123456.789), "123456.79");
    /* Written by hand under 1e9 hundredths: what %.10g of the rounded
     * value says, around every hundredth to 2,000 and at random far out,
     * and past it (snprintf itself). */
    char want[64];
    uint64_t x = 88172645463325252u;
    for (int i = -400000; i <= 400000 + 200000; i++) {
        double v;
        if (i <= 400000) {
            v = i / 200.0;
        } else { /* xorshift: magnitudes to 1e12 */
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            v = (double)(x % 2000000000000000u) / 1000 * (x & 1 ? -1 : 1) / pow(10, (double)(x % 12));
        }
        double r = round(v * 100) / 100;
        snprintf(want, sizeof want, "%.10g", r == 0 ? 0 : r);
        assert_string_equal(ion_fmt_points(b, sizeof b, v), want);
    }
    assert_string_equal(ion_fmt_points(b, sizeof b, 1e12), "1e+12");
    assert_string_equal(ion_fmt_points(b, sizeof b, -0.004), "0");
    assert_string_equal(ion_fmt_points(b, sizeof b, NAN), "nan");
    char small[4];
    assert_string_equal(ion_fmt_points(small, sizeof small, 12.34), "12.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(specials),
        cmocka_unit_test(points),
        cmocka_unit_test(random_values),
        cmocka_unit_test(decimals_ties_and_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
