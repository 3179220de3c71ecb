/* Tolerances that follow from the inputs (issue 14, SPEC.md "Grading").
 *
 * A part whose answer builds on earlier parts (it reads the let an earlier
 * part asked for: what carried-forward grading recomputes) inherits their
 * uncertainty: a student whose (a) and (b) were accepted anywhere within
 * their tolerances must not fail (c) = (b) - (a) for rounding. The
 * tolerance that follows is computed through the expressions on each
 * variant's own values, as an interval: each input moved to both ends of
 * its accepted interval (its tolerance, or half a unit in the last digit
 * it is printed with, whichever is larger), the lets after it evaluated
 * again with the other inputs held, the answer's largest move taken; the
 * moves of the inputs add up (the worst case). A template asks for it with
 * tol="auto" on the part (tol-abs, tol-rel then being a floor); bank check
 * reports a part whose own tolerance is tighter than this. */
#ifndef ION_TOLERANCE_H
#define ION_TOLERANCE_H

#include <stddef.h>

#include "instance.h"

/* The number of earlier parts part i of t builds on. */
size_t ion_tolerance_inputs(const ion_template *t, size_t i);

/* The absolute tolerance, in part i's unit, that follows from the parts it
 * builds on, on the generated instance in (whose earlier parts' keys hold
 * their tolerances, tol="auto" ones included). 0 when it builds on none;
 * -1 when an answer has no value within the inputs' intervals or out of
 * memory. */
double ion_tolerance_propagated(const ion_instance *in, size_t i);

#endif
