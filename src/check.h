/* Well-posed variants (SPEC.md): a template is sampled with many seeds and
 * fails for each rule that some variant breaks. */
#ifndef ION_CHECK_H
#define ION_CHECK_H

#include "template.h"

/* One broken rule, reported for the first seed that breaks it. The strings
 * are valid during the call only. */
typedef struct {
    const ion_template *t;
    unsigned long long seed;
    int line;              /* where in the file the rule's element is */
    const char *what;      /* "part a: mistake 1 (credit 0) is within the tolerance ..." */
    const char *values;    /* the params of that variant: "Ko = 4.2 mM, ..." */
} ion_check_failure;

typedef void (*ion_check_fn)(const ion_check_failure *f, void *ctx);

/* Samples seeds 1..samples and calls fn once per broken rule (the rules
 * about all seeds, a constant choice key or two mistakes that are one, need
 * 200 samples or more). Returns the
 * number of rules broken (0 when the template is well posed). */
int ion_check_template(const ion_template *t, int samples, ion_check_fn fn,
                       void *ctx);

#endif
