/* Exact decimals as GMP rationals: see exact.h. */
#include "exact.h"

#include <stdio.h>
#include <stdlib.h>

/* A decimal's digits (sign and point left out), and the power of ten
 * they are scaled by: "-94.52" is 9452 and -2. Exponents are held within
 * +-1100: a smaller number is still smaller than any difference of the
 * doubles it meets (1e-1100 is below 4.9e-324 ^ 3), a larger one is not
 * finite and was refused when it was read. */
static long digits_of(const char *s, char digits[ION_DECIMAL_MAX], int *negative)
{
    size_t n = 0;
    long scale = 0;
    int point = 0;
    *negative = *s == '-';
    s += *s == '-' || *s == '+';
    for (; *s && *s != 'e' && *s != 'E'; s++) {
        if (*s == '.')
            point = 1;
        else if (n + 1 < ION_DECIMAL_MAX)
            digits[n++] = *s, scale -= point;
    }
    if (!n)
        digits[n++] = '0';
    digits[n] = '\0';
    long e = *s ? strtol(s + 1, NULL, 10) : 0;
    return scale + (e < -1100 ? -1100 : e > 1100 ? 1100 : e);
}

/* q = z * 10^scale. */
static void scaled(mpq_t q, const mpz_t z, long scale)
{
    mpz_t ten;
    mpz_init(ten);
    mpz_ui_pow_ui(ten, 10, (unsigned long)labs(scale));
    if (scale >= 0) {
        mpz_mul(mpq_numref(q), z, ten);
        mpz_set_ui(mpq_denref(q), 1);
    } else {
        mpz_set(mpq_numref(q), z);
        mpz_set(mpq_denref(q), ten);
    }
    mpz_clear(ten);
    mpq_canonicalize(q);
}

void ion_exact_decimal(mpq_t q, const char *s)
{
    char digits[ION_DECIMAL_MAX];
    int negative;
    long scale = digits_of(s, digits, &negative);
    mpz_t z;
    mpz_init_set_str(z, digits, 10);
    scaled(q, z, scale);
    mpz_clear(z);
    if (negative)
        mpq_neg(q, q);
}

void ion_exact_double(mpq_t q, double x)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.*e", ION_EXACT_DIGITS - 1, x);
    ion_exact_decimal(q, buf);
}

/* q, a number in unit from, in unit to (NULL: SI): a value, or with
 * offsets 0 a difference of two; from NULL or to itself: q as it is. */
static void convert(mpq_t q, const ion_unit *from, const ion_unit *to, int offsets)
{
    if (!from || from == to)
        return;
    mpq_t t;
    mpq_init(t);
    ion_exact_double(t, from->scale);
    mpq_mul(q, q, t);
    if (offsets) {
        ion_exact_double(t, from->offset);
        mpq_add(q, q, t);
    }
    if (to) {
        if (offsets) {
            ion_exact_double(t, to->offset);
            mpq_sub(q, q, t);
        }
        ion_exact_double(t, to->scale);
        mpq_div(q, q, t);
    }
    mpq_clear(t);
}

void ion_exact_value(mpq_t q, const char *s, const ion_unit *from, const ion_unit *to)
{
    ion_exact_decimal(q, s);
    convert(q, from, to, 1);
}

void ion_exact_half_digit(mpq_t q, const char *s, const ion_unit *from, const ion_unit *to)
{
    char digits[ION_DECIMAL_MAX];
    int negative;
    mpz_t five;
    mpz_init_set_ui(five, 5);
    scaled(q, five, digits_of(s, digits, &negative) - 1);
    mpz_clear(five);
    convert(q, from, to, 0);
}
