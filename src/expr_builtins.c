/* The expression engine's functions and constants (expr_int.h): one row
 * a function, whose handler computes it, and the counts, dimensions and
 * messages the compiler checks a call against. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "core.h"
#include "expr_int.h"


static int fn_ln(const double *a, size_t n, ion_val *r)
{
    (void)n;
    if (!(a[0] > 0))
        return ION_EDOMAIN;
    r->num = log(a[0]);
    return ION_OK;
}

static int fn_log10(const double *a, size_t n, ion_val *r)
{
    (void)n;
    if (!(a[0] > 0))
        return ION_EDOMAIN;
    r->num = log10(a[0]);
    return ION_OK;
}

static int fn_exp(const double *a, size_t n, ion_val *r)
{
    (void)n;
    r->num = exp(a[0]); /* overflow is caught as a non-finite result */
    return ION_OK;
}

static int fn_sqrt(const double *a, size_t n, ion_val *r)
{
    (void)n;
    if (a[0] < 0)
        return ION_EDOMAIN;
    r->num = sqrt(a[0]);
    return ION_OK;
}

static int fn_abs(const double *a, size_t n, ion_val *r)
{
    (void)n;
    r->num = fabs(a[0]);
    return ION_OK;
}

static int fn_min(const double *a, size_t n, ion_val *r)
{
    r->num = a[0];
    for (size_t i = 1; i < n; i++)
        r->num = a[i] < r->num ? a[i] : r->num;
    return ION_OK;
}

static int fn_max(const double *a, size_t n, ion_val *r)
{
    r->num = a[0];
    for (size_t i = 1; i < n; i++)
        r->num = a[i] > r->num ? a[i] : r->num;
    return ION_OK;
}

static int fn_pow(const double *a, size_t n, ion_val *r)
{
    (void)n;
    r->num = pow(a[0], a[1]); /* NaN or inf is caught by the machine */
    return ION_OK;
}

/* round(x) half away from zero; round(x, d) to d decimal places (d may be
 * negative: round(1234, -2) = 1200). */
static int fn_round(const double *a, size_t n, ion_val *r)
{
    if (n == 1) {
        r->num = round(a[0]);
        return ION_OK;
    }
    double d = a[1];
    if (d != floor(d) || fabs(d) > 308)
        return ION_EDOMAIN;
    double s = pow(10, fabs(d));
    double t = d >= 0 ? a[0] * s : a[0] / s;
    if (!isfinite(t)) /* already beyond double precision at that digit */
        r->num = a[0];
    else
        r->num = d >= 0 ? round(t) / s : round(t) * s;
    return ION_OK;
}

static int fn_nernst(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_nernst(a[0], a[1], a[2], a[3], &r->num);
}

static int fn_nernst_act(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_nernst_act(a[0], a[1], a[2], a[3], a[4], a[5], &r->num, NULL);
}

/* The activity error does not depend on the concentrations, so any equal
 * pair will do. */
static int fn_activity_error(const double *a, size_t n, ion_val *r)
{
    (void)n;
    double E;
    return ion_nernst_act(a[0], 1.0, 1.0, a[1], a[2], a[3], &E, &r->num);
}

/* ghk(T, P1, z1, out1, in1, ...): one ion_species per group of four. */
static int fn_ghk(const double *a, size_t n, ion_val *r)
{
    ion_species ions[(ION_EXPR_MAX_ARGS - 1) / 4];
    size_t k = (n - 1) / 4;
    for (size_t i = 0; i < k; i++) {
        const double *g = a + 1 + 4 * i;
        ions[i] = (ion_species){.P = g[0], .z = g[1], .c_out = g[2], .c_in = g[3]};
    }
    return ion_ghk(ions, k, a[0], &r->num);
}

static int fn_ghk_current(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_ghk_current(a[0], a[1], a[2], a[3], a[4], a[5], &r->num);
}

static int fn_chord(const double *a, size_t n, ion_val *r)
{
    double g[ION_EXPR_MAX_ARGS / 2], E[ION_EXPR_MAX_ARGS / 2];
    size_t k = n / 2;
    for (size_t i = 0; i < k; i++) {
        g[i] = a[2 * i];
        E[i] = a[2 * i + 1];
    }
    return ion_chord(g, E, k, 0.0, &r->num);
}

static int fn_vm_pump(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_vm_pump(a[0], a[1], a[2], &r->num);
}

static int fn_pump_offset(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_pump_offset(a[0], a[1], &r->num);
}

static int fn_mullins_noda(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_mullins_noda(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
                            &r->num);
}

/* The donnan_* functions each pick one field of ion_donnan's result; the
 * temperature only matters for V, so the others use the default. */
static int donnan_field(const double *a, double T, size_t offset, ion_val *r)
{
    ion_donnan_result d;
    int rc = ion_donnan(a[0], a[1], a[2], T, &d);
    if (rc == ION_OK)
        memcpy(&r->num, (const char *)&d + offset, sizeof r->num);
    return rc;
}

static int fn_donnan_k_in(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return donnan_field(a, ION_DEFAULT_T, offsetof(ion_donnan_result, K_in), r);
}

static int fn_donnan_cl_in(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return donnan_field(a, ION_DEFAULT_T, offsetof(ion_donnan_result, Cl_in), r);
}

static int fn_donnan_v(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return donnan_field(a, a[3], offsetof(ion_donnan_result, V), r);
}

static int fn_donnan_dosm(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return donnan_field(a, ION_DEFAULT_T, offsetof(ion_donnan_result, dosm), r);
}

static int fn_donnan_osm_in(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return donnan_field(a, ION_DEFAULT_T, offsetof(ion_donnan_result, osm_in), r);
}

static int fn_osmotic_pressure(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_osmotic_pressure(a[0], a[1], &r->num);
}

/* drive and direction do not depend on the valence; z = 1 satisfies the
 * core's check. */
static int fn_drive(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_drive(1.0, a[0], a[1], &r->num, NULL, NULL);
}

static int fn_direction(const double *a, size_t n, ion_val *r)
{
    (void)n;
    int current;
    int rc = ion_drive(1.0, a[0], a[1], NULL, &current, NULL);
    if (rc == ION_OK)
        r->str = ion_current_name(current);
    return rc;
}

static int fn_ion_flow(const double *a, size_t n, ion_val *r)
{
    (void)n;
    int ions;
    int rc = ion_drive(a[0], a[1], a[2], NULL, NULL, &ions);
    if (rc == ION_OK)
        r->str = ion_ions_name(ions);
    return rc;
}

static int fn_tau(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_tau(a[0], a[1], &r->num);
}

static int fn_ions_per_s(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_ions_per_s(a[0], a[1], &r->num);
}

static int fn_ljp_correct(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_ljp_correct(a[0], a[1], &r->num);
}

static int fn_ussing_ratio(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_ussing_ratio(a[0], a[1], a[2], a[3], a[4], &r->num);
}

static int fn_conc_change(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_conc_change(a[0], a[1], a[2], &r->num);
}

static int fn_step_response(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_step_response(a[0], a[1], a[2], &r->num);
}

static int fn_length_constant(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_length_constant(a[0], a[1], a[2], &r->num);
}

static int fn_pump_reversal(const double *a, size_t n, ion_val *r)
{
    (void)n;
    return ion_pump_reversal(a[0], a[1], a[2], a[3], a[4], a[5], &r->num);
}

/* henderson(T, u1, z1, c1_1, c1_2, ...): one ion_mobile per group of four. */
static int fn_henderson(const double *a, size_t n, ion_val *r)
{
    ion_mobile ions[(ION_EXPR_MAX_ARGS - 1) / 4];
    size_t k = (n - 1) / 4;
    for (size_t i = 0; i < k; i++) {
        const double *g = a + 1 + 4 * i;
        ions[i] = (ion_mobile){.u = g[0], .z = g[1], .c1 = g[2], .c2 = g[3]};
    }
    return ion_henderson(ions, k, a[0], &r->num);
}

#define LOG_MSG "err.expr.log_domain"

const fn_row expr_fn_table[] = {
    {"ln", 1, 1, 1, ION_T_NUM, fn_ln, NULL, LOG_MSG, "1", '1'},
    {"log10", 1, 1, 1, ION_T_NUM, fn_log10, NULL, LOG_MSG, "1", '1'},
    {"exp", 1, 1, 1, ION_T_NUM, fn_exp, NULL, "err.expr.exp_domain", "1", '1'},
    {"sqrt", 1, 1, 1, ION_T_NUM, fn_sqrt, NULL, "err.expr.sqrt_domain", "a", '~'},
    {"abs", 1, 1, 1, ION_T_NUM, fn_abs, NULL, NULL, "a", 'a'},
    {"min", 2, ION_EXPR_MAX_ARGS, 1, ION_T_NUM, fn_min, NULL, NULL, "*a", 'a'},
    {"max", 2, ION_EXPR_MAX_ARGS, 1, ION_T_NUM, fn_max, NULL, NULL, "*a", 'a'},
    {"pow", 2, 2, 1, ION_T_NUM, fn_pow, NULL, POW_MSG, "a1", '~'},
    {"round", 1, 2, 1, ION_T_NUM, fn_round, NULL,
     "err.expr.round_domain", "a1", 'a'},
    {"nernst", 4, 4, 1, ION_T_NUM, fn_nernst, NULL, NULL, "1ccT", 'V'},
    {"nernst_act", 6, 6, 1, ION_T_NUM, fn_nernst_act, NULL, NULL, "1cc11T", 'V'},
    {"activity_error", 4, 4, 1, ION_T_NUM, fn_activity_error, NULL, NULL, "111T", 'V'},
    {"ghk", 5, ION_EXPR_MAX_ARGS - 3, 4, ION_T_NUM, fn_ghk,
     "err.expr.arity_ghk", NULL, "T*a1cc", 'V'},
    {"ghk_current", 6, 6, 1, ION_T_NUM, fn_ghk_current, NULL, NULL, "a1ccVT", 'j'},
    {"chord", 2, ION_EXPR_MAX_ARGS, 2, ION_T_NUM, fn_chord,
     "err.expr.arity_chord", NULL, "*aV", 'V'},
    {"vm_pump", 3, 3, 1, ION_T_NUM, fn_vm_pump, NULL, NULL, "VgI", 'V'},
    {"pump_offset", 2, 2, 1, ION_T_NUM, fn_pump_offset, NULL, NULL, "Ig", 'V'},
    {"mullins_noda", 8, 8, 1, ION_T_NUM, fn_mullins_noda, NULL, NULL, "1accaccT", 'V'},
    {"donnan_k_in", 3, 3, 1, ION_T_NUM, fn_donnan_k_in, NULL, NULL, "c1c", 'c'},
    {"donnan_cl_in", 3, 3, 1, ION_T_NUM, fn_donnan_cl_in, NULL, NULL, "c1c", 'c'},
    {"donnan_v", 4, 4, 1, ION_T_NUM, fn_donnan_v, NULL, NULL, "c1cT", 'V'},
    {"donnan_dosm", 3, 3, 1, ION_T_NUM, fn_donnan_dosm, NULL, NULL, "c1c", 'c'},
    {"donnan_osm_in", 3, 3, 1, ION_T_NUM, fn_donnan_osm_in, NULL, NULL, "c1c", 'c'},
    {"osmotic_pressure", 2, 2, 1, ION_T_NUM, fn_osmotic_pressure, NULL, NULL, "cT", 'P'},
    {"drive", 2, 2, 1, ION_T_NUM, fn_drive, NULL, NULL, "VV", 'V'},
    {"direction", 2, 2, 1, ION_T_STR, fn_direction, NULL, NULL, "VV", '-'},
    {"ion_flow", 3, 3, 1, ION_T_STR, fn_ion_flow, NULL, NULL, "1VV", '-'},
    {"tau", 2, 2, 1, ION_T_NUM, fn_tau, NULL, NULL, "Cg", 't'},
    {"ions_per_s", 2, 2, 1, ION_T_NUM, fn_ions_per_s, NULL, NULL, "I1", 'r'},
    {"ljp_correct", 2, 2, 1, ION_T_NUM, fn_ljp_correct, NULL, NULL, "VV", 'V'},
    {"ussing_ratio", 5, 5, 1, ION_T_NUM, fn_ussing_ratio, NULL, NULL, "1ccVT", '1'},
    {"conc_change", 3, 3, 1, ION_T_NUM, fn_conc_change, NULL, NULL, "Q1v", 'c'},
    {"step_response", 3, 3, 1, ION_T_NUM, fn_step_response, NULL, NULL, "att", 'a'},
    {"length_constant", 3, 3, 1, ION_T_NUM, fn_length_constant, NULL, NULL, "MiL", 'L'},
    {"pump_reversal", 6, 6, 1, ION_T_NUM, fn_pump_reversal, NULL, NULL, "EccccT", 'V'},
    {"henderson", 5, ION_EXPR_MAX_ARGS - 3, 4, ION_T_NUM, fn_henderson,
     "err.expr.arity_henderson", NULL, "T*a1cc", 'V'},
};
#define FN_COUNT (sizeof expr_fn_table / sizeof expr_fn_table[0])

const expr_const expr_constants[] = {
    {"R", ION_R, {{2, 1, -2, 0, -1, -1}}},  /* J/(mol K) */
    {"F", ION_F, {{0, 0, 1, 1, 0, -1}}},    /* C/mol */
    {"N_A", ION_N_A, {{0, 0, 0, 0, 0, -1}}}, /* 1/mol */
    {"pi", 3.14159265358979323846, {{0}}},
    {"e", 2.71828182845904523536, {{0}}},
};
#define CONST_COUNT (sizeof expr_constants / sizeof expr_constants[0])

int expr_name_is(const char *s, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(s, name, n) == 0;
}

int expr_find_fn(const char *s, size_t n)
{
    for (size_t i = 0; i < FN_COUNT; i++)
        if (expr_name_is(s, n, expr_fn_table[i].name))
            return (int)i;
    return -1;
}

int expr_find_const(const char *s, size_t n)
{
    for (size_t i = 0; i < CONST_COUNT; i++)
        if (expr_name_is(s, n, expr_constants[i].name))
            return (int)i;
    return -1;
}

int ion_expr_reserved(const char *name, size_t len)
{
    return expr_name_is(name, len, "if") || expr_find_const(name, len) >= 0;
}
