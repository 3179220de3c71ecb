/* Numbers and units as people write them (ion_parse_quantity), and the
 * unit table lookup. Promises checked (units.h, instance.h): a refusal
 * says why in a terminated message; an accepted number is finite and its
 * unit is one of the table's; and what ionsheet prints (ion_format_sig and
 * the unit's name) is read back as the same quantity, to its figures. */
#include <math.h>

#include "fuzz.h"
#include "instance.h"
#include "units.h"

static void check_round_trip(double v, const ion_unit *u)
{
    for (int sig = 1; sig <= 17; sig += 4) {
        char shown[64], text[128];
        ion_reason why;
        ion_format_sig(v, sig, shown, sizeof shown);
        /* A unit named by a digit ("1") in brackets: "22.000 1" reads as
         * the digit groups 22.000 1, as "0.072 18" does. */
        int bracket = u && u->name[0] >= '0' && u->name[0] <= '9';
        snprintf(text, sizeof text, "%s %s%s%s", shown, bracket ? "[" : "", u ? u->name : "", bracket ? "]" : "");
        double back;
        const ion_unit *bu;
        if (ion_parse_quantity(text, &back, &bu, &why) != 0) {
            fprintf(stderr, "printed '%s' is not read back: reason %d\n", text, (int)why.code);
            abort();
        }
        FUZZ_CHECK(bu == u);
        FUZZ_CHECK(fabs(back - v) <= fabs(v) * pow(10, 1 - sig));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    double v = 12345;
    const ion_unit *u = (const ion_unit *)&v; /* must be overwritten */
    ion_reason why;
    memset(&why, 'x', sizeof why);
    if (ion_parse_quantity(text, &v, &u, &why) == 0) {
        FUZZ_CHECK(isfinite(v));
        FUZZ_CHECK(!u || ion_unit_find(u->name) == u);
        FUZZ_CHECK(!u || u->dim < ION_DIM_COUNT);
        if (fabs(v) < 1e300) /* rounding up may pass DBL_MAX */
            check_round_trip(v, u);
    } else {
        FUZZ_CHECK(why.code > ION_REASON_NONE && why.code <= ION_REASON_TWO_ANSWERS);
        FUZZ_CHECK(memchr(why.text, '\0', sizeof why.text) && memchr(why.a, '\0', sizeof why.a));
        /* Without a place for the reason it refuses all the same. */
        FUZZ_CHECK(ion_parse_quantity(text, &v, &u, NULL) == -1);
    }

    const ion_unit *f = ion_unit_findn(text, size > 64 ? 64 : (int)size);
    FUZZ_CHECK(!f || f->dim < ION_DIM_COUNT);
    free(text);
    return 0;
}
