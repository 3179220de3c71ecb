/* Exact decimals, as GMP rationals: the number a student typed (its
 * decimal in C's notation, units.h ion_reading), a key's numbers and the
 * units' scales and offsets. Where an answer's edge lies (the judge's
 * tolerance) and whether two readings of one answer are one (judge.c's
 * one_reading, units.c's same quantity) are decided on these, never on
 * doubles with slack. */
#ifndef ION_EXACT_H
#define ION_EXACT_H

#include <gmp.h>

#include "units.h"

/* The significant digits a double is taken to: a key's number (value,
 * tolerances, mistakes) and a unit's scale and offset are decimals of this
 * many digits. What an author writes ("0.02", "273.15") is exact there, and
 * the compute core's doubles hold rounding past it (-86 mV - -90 mV gives
 * 4.0000000000000036 mV in doubles). */
enum { ION_EXACT_DIGITS = 12 };

/* q = the decimal s in C's notation ("-94.52", "9.502e1", "-.0950"). */
void ion_exact_decimal(mpq_t q, const char *s);

/* q = x as the decimal of ION_EXACT_DIGITS significant digits it stands for. */
void ion_exact_double(mpq_t q, double x);

/* q = the decimal s written in unit `from`, in unit `to` (NULL: SI);
 * from NULL (no unit written) or `to` itself: s as it is. */
void ion_exact_value(mpq_t q, const char *s, const ion_unit *from, const ion_unit *to);

/* q = half a unit in the last digit of the decimal s ("-95" 0.5, "-95.0"
 * 0.05, "6.512e1" 0.005: what it may be the rounding of) written in unit
 * `from`, in unit `to` (NULL: SI), as ion_exact_value takes them; a
 * difference, so offsets (Celsius) do not count. */
void ion_exact_half_digit(mpq_t q, const char *s, const ion_unit *from, const ion_unit *to);

#endif
