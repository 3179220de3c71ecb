/* The expression language: compile any text (with a few variables of each
 * type), then evaluate it over several sets of slot values, including
 * zeros, extremes, NaN and slots of the wrong type. Promises checked
 * (expr.h): a compile error has a message; evaluation gives the compiled
 * type and never NaN or infinity, or an error code; ion_expr_refs lists
 * only slots the resolver gave. */
#include <math.h>

#include "expr.h"
#include "fuzz.h"

enum { V_X, V_Y, V_T, V_DIR, V_FLAG, NVARS };

static const struct {
    const char *name;
    ion_type type;
} vars[NVARS] = {
    [V_X] = {"x", ION_T_NUM},     [V_Y] = {"y", ION_T_NUM},
    [V_T] = {"T", ION_T_NUM},     [V_DIR] = {"dir", ION_T_STR},
    [V_FLAG] = {"flag", ION_T_BOOL},
};

static int resolve(void *ctx, const char *name, size_t len, ion_type *type)
{
    (void)ctx;
    for (int i = 0; i < NVARS; i++)
        if (strlen(vars[i].name) == len && !memcmp(vars[i].name, name, len)) {
            *type = vars[i].type;
            return i;
        }
    return -1;
}

#define NUM(v) {ION_T_NUM, (v), NULL}
#define STR(s) {ION_T_STR, 0, (s)}
#define BOOL(b) {ION_T_BOOL, (b), NULL}

static const ion_val slot_sets[][NVARS] = {
    {NUM(2), NUM(0.5), NUM(310.15), STR("inward"), BOOL(1)},
    {NUM(0), NUM(-1), NUM(0), STR("outward"), BOOL(0)},
    {NUM(1e300), NUM(-1e-300), NUM(1e308), STR(""), BOOL(1)},
    {NUM(-0.0), NUM(5e-324), NUM(-273.15), STR("none"), BOOL(0)},
    /* values that do not fit: NaN, infinity, types swapped */
    {NUM(NAN), NUM(INFINITY), STR("x"), NUM(1), STR("y")},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = fuzz_cstr(data, size);
    ion_error err = {0};
    ion_expr *e = ion_expr_compile(src, resolve, NULL, &err);
    if (!e) {
        fuzz_check_error(&err);
        FUZZ_CHECK(err.line >= 1);
        free(src);
        return 0;
    }
    ion_type type = ion_expr_type(e);
    FUZZ_CHECK(type == ION_T_NUM || type == ION_T_STR || type == ION_T_BOOL);

    int refs[NVARS];
    size_t nrefs = ion_expr_refs(e, refs, NVARS);
    FUZZ_CHECK(nrefs <= NVARS);
    for (size_t i = 0; i < nrefs; i++)
        FUZZ_CHECK(refs[i] >= 0 && refs[i] < NVARS);
    FUZZ_CHECK(ion_expr_refs(e, NULL, 0) == nrefs);

    for (size_t k = 0; k < sizeof slot_sets / sizeof slot_sets[0]; k++) {
        ion_val out = {0, 0, NULL};
        int rc = ion_expr_eval(e, slot_sets[k], &out);
        if (rc < 0) {
            FUZZ_CHECK(out.type == 0); /* left alone */
            continue;
        }
        FUZZ_CHECK(rc == 0);
        FUZZ_CHECK(out.type == type);
        if (type == ION_T_STR)
            FUZZ_CHECK(out.str && strlen(out.str) < ION_EXPR_MAX_LEN);
        else
            FUZZ_CHECK(isfinite(out.num));
        if (type == ION_T_BOOL)
            FUZZ_CHECK(out.num == 0 || out.num == 1);
    }
    ion_expr_free(e);
    free(src);
    return 0;
}
