#include "numfmt.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

static const uint64_t pow10_u64[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
    100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
    10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
    100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};

/* The most digits the fast paths produce: N < 10^17 fits with room. */
#define MAX_DIGITS 17

/* a = M * 2^e exactly, with the integer M returned (< 2^53). */
static uint64_t mantissa(double a, int *e)
{
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    int biased = (int)(bits >> 52 & 0x7ff);
    uint64_t frac = bits & ((1ull << 52) - 1);
    if (biased == 0) { /* subnormal */
        *e = -1074;
        return frac;
    }
    *e = biased - 1075;
    return frac | 1ull << 52;
}

/* a * 10^s = *q + f with an integer *q and 0 <= f < 1, computed exactly
 * (a is M * 2^e with an integer M < 2^53, so a * 10^s is num / den with
 * both in 128 bits); *half is the sign of f - 1/2. -1 when a number does
 * not fit (then snprintf does it). a > 0, finite. */
static int scaled(double a, int s, uint64_t *q, int *half)
{
    int e;
    uint64_t mant = mantissa(a, &e);
    u128 num = mant, den = 1;
    if (s > 22 || s < -19)
        return -1;
    if (s > 19)
        num *= (u128)pow10_u64[19] * pow10_u64[s - 19]; /* < 2^53 * 2^73.1 */
    else if (s >= 0)
        num *= pow10_u64[s];
    else
        den = pow10_u64[-s];
    int sh = 0; /* a * 10^s = num / (den * 2^sh) */
    if (e >= 0) {
        if (e >= 64 || num >> (127 - e))
            return -1;
        num <<= e;
    } else if (den == 1) {
        if (-e >= 127)
            return -1;
        sh = -e;
    } else {
        if (-e >= 64) /* den < 2^64 */
            return -1;
        den <<= -e;
    }
    u128 quot, r;
    if (den == 1) { /* shifts, no division */
        quot = num >> sh;
        r = num - (quot << sh);
        den = (u128)1 << sh;
    } else {
        quot = num / den;
        r = num % den;
    }
    if (quot >= pow10_u64[19] - 1)
        return -1;
    *q = (uint64_t)quot;
    *half = r > den - r ? 1 : r == den - r ? 0 : -1;
    return 0;
}

/* *q rounded to nearest; -1 on an exact tie, which printf breaks by the
 * rounding mode (left to it). */
static int round_half(uint64_t *q, int half)
{
    if (half == 0)
        return -1;
    *q += half > 0;
    return 0;
}

/* The decimal exponent X and the P significant digits N (10^(P-1) <= N <
 * 10^P) of a rounded to P figures, as %e gives them. X is first found
 * exactly (10^X <= a < 10^(X+1), from the truncated digits), then the
 * rounding may carry into one more digit. */
static int round_sig(double a, int p, int *x, uint64_t *n)
{
    /* From the binary exponent: 2^b <= a < 2^(b+1), so log10(a) is within
     * [b, b+1) * log10(2); the loop corrects an estimate one too low. */
    int b, half;
    uint64_t m = mantissa(a, &b);
    b += 63 - __builtin_clzll(m);
    int e10 = (int)floor(b * 0.30102999566398120);
    for (int tries = 0; tries < 3; tries++) {
        if (scaled(a, p - 1 - e10, n, &half))
            return -1;
        if (*n >= pow10_u64[p]) {
            e10++;
        } else if (*n < pow10_u64[p - 1]) {
            e10--;
        } else {
            if (round_half(n, half))
                return -1;
            if (*n == pow10_u64[p]) {
                *n = pow10_u64[p - 1];
                e10++;
            }
            *x = e10;
            return 0;
        }
    }
    return -1;
}

/* n's decimal digits, exactly width of them (leading zeros). */
static void put_digits(char *d, uint64_t n, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        d[i] = (char)('0' + n % 10);
        n /= 10;
    }
}

static char *put_exponent(char *p, int x)
{
    *p++ = 'e';
    *p++ = x < 0 ? '-' : '+';
    unsigned u = (unsigned)(x < 0 ? -x : x);
    if (u >= 100)
        *p++ = (char)('0' + u / 100);
    *p++ = (char)('0' + u / 10 % 10);
    *p++ = (char)('0' + u % 10);
    return p;
}

/* Copies the text to buf as snprintf would (truncated, terminated). */
static int out(char *buf, size_t n, const char *text, size_t len)
{
    if (n) {
        size_t k = len < n - 1 ? len : n - 1;
        memcpy(buf, text, k);
        buf[k] = '\0';
    }
    return (int)len;
}

int ion_fmt_g(char *buf, size_t n, int prec, double v)
{
    int p = prec == 0 ? 1 : prec, x;
    uint64_t digits;
    char tmp[64], d[MAX_DIGITS], *o = tmp;
    if (!isfinite(v) || prec < 0 || p > MAX_DIGITS)
        return snprintf(buf, n, "%.*g", prec, v);
    if (signbit(v))
        *o++ = '-';
    double a = fabs(v);
    if (a == 0) {
        *o++ = '0';
        return out(buf, n, tmp, (size_t)(o - tmp));
    }
    if (round_sig(a, p, &x, &digits))
        return snprintf(buf, n, "%.*g", prec, v);
    put_digits(d, digits, p);
    int last = p - 1; /* the last digit kept: %g drops trailing zeros */
    while (last > 0 && d[last] == '0')
        last--;
    if (x < -4 || x >= p) {
        *o++ = d[0];
        if (last > 0) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)last);
            o += last;
        }
        o = put_exponent(o, x);
    } else if (x >= 0) {
        memcpy(o, d, (size_t)x + 1);
        o += x + 1;
        if (last > x) {
            *o++ = '.';
            memcpy(o, d + x + 1, (size_t)(last - x));
            o += last - x;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -x - 1; i++)
            *o++ = '0';
        memcpy(o, d, (size_t)last + 1);
        o += last + 1;
    }
    return out(buf, n, tmp, (size_t)(o - tmp));
}

int ion_fmt_e(char *buf, size_t n, int prec, double v)
{
    int p = prec + 1, x = 0;
    uint64_t digits = 0;
    char tmp[64], *o = tmp;
    if (!isfinite(v) || prec < 0 || p > MAX_DIGITS)
        return snprintf(buf, n, "%.*e", prec, v);
    if (signbit(v))
        *o++ = '-';
    double a = fabs(v);
    if (a != 0 && round_sig(a, p, &x, &digits))
        return snprintf(buf, n, "%.*e", prec, v);
    char d[MAX_DIGITS];
    put_digits(d, digits, p); /* zero: all '0', exponent +00 */
    *o++ = d[0];
    if (prec > 0) {
        *o++ = '.';
        memcpy(o, d + 1, (size_t)prec);
        o += prec;
    }
    o = put_exponent(o, x);
    return out(buf, n, tmp, (size_t)(o - tmp));
}

int ion_fmt_f(char *buf, size_t n, int prec, double v)
{
    uint64_t q = 0;
    char tmp[64], *o = tmp;
    if (!isfinite(v) || prec < 0 || prec > MAX_DIGITS)
        return snprintf(buf, n, "%.*f", prec, v);
    double a = fabs(v);
    int half;
    if (a != 0 && (scaled(a, prec, &q, &half) || round_half(&q, half)))
        return snprintf(buf, n, "%.*f", prec, v);
    if (signbit(v))
        *o++ = '-'; /* as printf: -0.001 to two decimals is "-0.00" */
    int width = 1;
    while (width < 20 && q >= pow10_u64[width])
        width++;
    if (width < prec + 1)
        width = prec + 1;
    char d[24];
    put_digits(d, q, width);
    memcpy(o, d, (size_t)(width - prec));
    o += width - prec;
    if (prec > 0) {
        *o++ = '.';
        memcpy(o, d + width - prec, (size_t)prec);
        o += prec;
    }
    return out(buf, n, tmp, (size_t)(o - tmp));
}

const char *ion_fmt_points(char *buf, size_t n, double v)
{
    double h = round(v * 100);
    if (!(fabs(h) < 1e9)) {
        double r = h / 100;
        snprintf(buf, n, "%.10g", r == 0 ? 0 : r); /* no "-0" */
        return buf;
    }
    /* Under 1e9 hundredths (nine digits), %.10g of h / 100 is exactly its
     * decimal, written here by hand: the feedback and the gradebook print
     * twenty points a student, and snprintf's floating-point path cost
     * 5% of grading. */
    char tmp[16], d[20], *o = tmp;
    uint64_t q = (uint64_t)fabs(h), whole = q / 100, frac = q % 100;
    int width = 1;
    while (whole >= pow10_u64[width])
        width++;
    if (h < 0)
        *o++ = '-';
    put_digits(d, whole, width);
    memcpy(o, d, (size_t)width);
    o += width;
    if (frac) {
        *o++ = '.';
        *o++ = (char)('0' + frac / 10);
        if (frac % 10)
            *o++ = (char)('0' + frac % 10);
    }
    out(buf, n, tmp, (size_t)(o - tmp));
    return buf;
}

/* ---- reading ---------------------------------------------------------------- */

#if FLT_EVAL_METHOD == 0
#define READ_FAST 1
/* Powers of ten exact in a double (5^22 < 2^53), and in x87's 64-bit
 * long double (5^27 < 2^64). */
static const double exact10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
#if LDBL_MANT_DIG == 64 && (defined __x86_64__ || defined __i386__)
#define READ_EXTENDED 1
static const long double exact10l[] = {1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
                                       1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
                                       1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
#endif
#endif

#ifdef READ_EXTENDED
/* Whether long double arithmetic really has x87's 64 bits here: valgrind,
 * for one, runs it with a double's 53 (and would misread the key). */
static int extended(void)
{
    static volatile uint64_t odd = ((uint64_t)1 << 63) + 1;
    uint64_t x = odd;
    return (long double)x - (long double)(x - 1) == 1.0L;
}
#endif

static int digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

/* s as a decimal [-]digits[.digits][(e|E)[+|-]digits] of at most 19
 * significant digits, w * 10^scale: 1, or 0 when it is not one. */
static int decimal(const char *p, int *neg, uint64_t *w, int *scale)
{
    *neg = *p == '-';
    p += *neg;
    const char *start = p;
    while (*p == '0')
        p++;
    const char *first = p;
    uint64_t v = 0; /* wraps past 19 digits, which are refused */
    for (; digit(*p); p++)
        v = v * 10 + (uint64_t)(*p - '0');
    size_t digits = (size_t)(p - first);
    int seen = p > start, e = 0;
    if (*p == '.') {
        const char *point = ++p;
        if (!digits)
            while (*p == '0')
                p++;
        first = p;
        for (; digit(*p); p++)
            v = v * 10 + (uint64_t)(*p - '0');
        digits += (size_t)(p - first);
        seen |= p > point;
        if (p - point > 100000)
            return 0;
        e = -(int)(p - point);
    }
    if (!seen || digits > 19)
        return 0;
    if (*p == 'e' || *p == 'E') {
        int eneg = *++p == '-', x = 0;
        p += *p == '-' || *p == '+';
        if (!digit(*p))
            return 0;
        for (; digit(*p); p++)
            if (x < 100000)
                x = x * 10 + (*p - '0');
        e += eneg ? -x : x;
    }
    *w = v;
    *scale = e;
    return !*p;
}

/* w * 10^scale correctly rounded with one operation on exact operands,
 * when that can be done: 1, or 0. */
static int exactly(uint64_t w, int scale, double *out)
{
#ifdef READ_FAST
    if (!w) {
        *out = 0;
        return 1;
    }
    if (w <= (uint64_t)1 << 53 && scale >= -22 && scale <= 22) {
        *out = scale < 0 ? (double)w / exact10[-scale] : (double)w * exact10[scale];
        return 1;
    }
#ifdef READ_EXTENDED
    if (scale >= -27 && scale <= 27 && extended()) {
        /* Rounded once to 64 bits, then to 53: the same as once to 53
         * unless the first rounding landed on a midpoint of two doubles
         * (its 11 last bits 10000000000), where the exact value may lie
         * on either side. */
        long double r = scale < 0 ? (long double)w / exact10l[-scale] : (long double)w * exact10l[scale];
        uint64_t bits; /* x87's significand, its first 8 bytes */
        memcpy(&bits, &r, sizeof bits);
        if ((bits & 0x7ff) == 0x400)
            return 0;
        *out = (double)r;
        return 1;
    }
#endif
#endif
    (void)w;
    (void)scale;
    (void)out;
    return 0;
}

int ion_read_double(const char *s, double *out)
{
    int neg, scale;
    uint64_t w;
    double v;
    if (decimal(s, &neg, &w, &scale) && exactly(w, scale, &v)) {
        *out = neg ? -v : v;
        return 0;
    }
    char *end;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}
