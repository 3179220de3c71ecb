/* printf's %.*g, %.*e and %.*f for one double, byte for byte, without
 * printf's multi-precision arithmetic: the digits come from exact 128-bit
 * integer arithmetic on the double's mantissa, and the rare cases that
 * need more (an exact tie, which glibc breaks by the rounding mode; very
 * large or very small magnitudes; NaN and infinities) go to snprintf.
 * Generating a class's key formats hundreds of numbers per student; this
 * was most of the time. And back: strtod's double for the decimals a key
 * holds, without its multi-precision arithmetic (ion_read_double), for
 * the grader reading the key. */
#ifndef ION_NUMFMT_H
#define ION_NUMFMT_H

#include <stddef.h>

/* Each writes what snprintf(buf, n, "%.*X", prec, v) writes and returns
 * what it returns (the length of the whole text). */
int ion_fmt_g(char *buf, size_t n, int prec, double v);
int ion_fmt_e(char *buf, size_t n, int prec, double v);
int ion_fmt_f(char *buf, size_t n, int prec, double v);

/* Points (and totals, means) as people write them, the same on the PDF,
 * in the gradebook and the feedback: at most two decimals, no trailing
 * zeros ("2", "0.5", "2.67"). Returns buf. */
const char *ion_fmt_points(char *buf, size_t n, double v);

/* Reads a whole string as strtod reads it, the same double bit for bit
 * (in the C locale, the program's), and returns 0; -1 when s is not
 * wholly a finite number (strtod's ERANGE included). The decimals keys
 * hold (%.17g and shorter: at most 19 significant digits, powers of ten
 * to 27) are read with one correctly rounded operation on exact operands
 * (a double's, or x87's 64-bit long double's, the rare result on a
 * midpoint of two doubles excepted), 4 times fewer instructions than
 * strtod's multi-precision arithmetic; anything else goes to strtod. */
int ion_read_double(const char *s, double *out);

#endif
