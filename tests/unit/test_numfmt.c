/* The number formatter against snprintf, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
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

/* ---- reading: ion_read_double against strtod, bit for bit ---- */

static long read_checked;

static void read_same(const char *s)
{
    char *end;
    errno = 0;
    double want = strtod(s, &end), got = 12345;
    int ok = end != s && !*end && !errno && isfinite(want);
    int rc = ion_read_double(s, &got);
    read_checked++;
    if (rc != (ok ? 0 : -1) || (ok && memcmp(&got, &want, sizeof got))) {
        print_error("'%s': read %d %.17g (%a), strtod %d %.17g (%a)\n", s, rc, got, got, ok ? 0 : -1, want, want);
        fail();
    }
}

/* Every way a key or a hand writes a number, and what strtod refuses:
 * the round trip of %.17g over random doubles of every exponent
 * (subnormals and negatives included) and of the keys' magnitudes,
 * shorter forms, random decimal strings of 1 to 21 digits with and
 * without exponents, and integers past 2^53 on and beside a midpoint of
 * two doubles (2^53 + 1 is one: strtod breaks the tie to even). */
static void reading(void **state)
{
    (void)state;
    static const char *const hand[] = {
        "0", "-0", "0.0", "5.", ".5", "-.5e-3", "1e", "1e+", "e5", "  5", "+5", "0x10", "inf", "-inf", "nan",
        "1e400", "1e-400", "4.9406564584124654e-324", "2.2250738585072014e-308", "2.2250738585072009e-308",
        "1.7976931348623157e+308", "1.7976931348623159e+308", "9007199254740992", "9007199254740993",
        "9007199254740995", "18446744073709551615", "18446744073709551616", "-", "", ".", " ", "1.5 ", "1,5",
        "123456789012345678901234", "1234567890123456789", "12345678901234567890", "1.5e27", "1.5e28",
        "0.000000000000000000000000000001", "00000000000000000000000001", "99999999999999999999e-20",
        "1E5", "1e+0005", "1e0000000000000000000000000005", "5e5e5", "1..5", "-71.96059608451381",
        "25.692579121493726", "-0.07196059608451381", "298.15"};
    for (size_t i = 0; i < sizeof hand / sizeof hand[0]; i++)
        read_same(hand[i]);
    static const char *const forms[] = {"%.17g", "%.16g", "%.15g", "%.6g", "%g", "%.3e", "%.17e", "%.20g", "%.1f"};
    char b[400];
    for (int i = 0, n = 4 * rounds(); i < n; i++) {
        uint64_t bits = next();
        double v;
        memcpy(&v, &bits, sizeof v);
        for (size_t f = 0; isfinite(v) && f < sizeof forms / sizeof forms[0]; f++) {
            snprintf(b, sizeof b, forms[f], v);
            read_same(b);
        }
        double k = (uniform() - 0.5) * pow(10, (double)(next() % 30) - 12);
        for (size_t f = 0; f < 3; f++) {
            snprintf(b, sizeof b, forms[f], k);
            read_same(b);
        }
        size_t len = 1 + next() % 21, at = 0, dot = next() % (len + 2);
        if (next() & 1)
            b[at++] = '-';
        for (size_t d = 0; d < len; d++) {
            if (d == dot)
                b[at++] = '.';
            b[at++] = (char)('0' + next() % 10);
        }
        if (next() % 3 == 0)
            at += (size_t)snprintf(b + at, sizeof b - at, "e%d", (int)(next() % 80) - 40);
        b[at] = '\0';
        read_same(b);
        uint64_t m = ((uint64_t)1 << 53) + next() % ((uint64_t)1 << 53);
        snprintf(b, sizeof b, "%llu", (unsigned long long)(m | 1)); /* an odd one: a midpoint or beside one */
        read_same(b);
        snprintf(b, sizeof b, "%llue-%d", (unsigned long long)(next() % 10000000000000000000ull), (int)(next() % 28));
        read_same(b);
    }
    print_message("compared %ld readings with strtod\n", read_checked);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(specials),
        cmocka_unit_test(points),
        cmocka_unit_test(random_values),
        cmocka_unit_test(decimals_ties_and_edges),
        cmocka_unit_test(reading),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
