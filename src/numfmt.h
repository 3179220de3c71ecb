/* printf's %.*g, %.*e and %.*f for one double, byte for byte, without
 * printf's multi-precision arithmetic: the digits come from exact 128-bit
 * integer arithmetic on the double's mantissa, and the rare cases that
 * need more (an exact tie, which glibc breaks by the rounding mode; very
 * large or very small magnitudes; NaN and infinities) go to snprintf.
 * Generating a class's key formats hundreds of numbers per student; this
 * was most of the time. */
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

#endif
