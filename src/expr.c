/* The expression engine: a recursive-descent parser builds a small tree,
 * type-checking and folding constants as each node is made; the tree is
 * then flattened into bytecode for a stack machine with two stacks (numbers
 * and bools on one, strings on the other; types are known at compile time,
 * so values carry no tags). Folding runs the very same machine on the
 * node's constant operands, so folded and evaluated results cannot differ. */
#include "expr.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "text.h"
#include "units.h"

#define NS_MAX 256 /* number stack cells: the machine's fixed frame */
#define SS_MAX 64  /* string stack cells */
#define NUM_MAX 255 /* bytes of one number literal */

/* ------------------------------------------------------------------ */
/* Bytecode                                                             */

enum op {
    OP_NUM,   /* push k.num */
    OP_STR,   /* push k.str; a = offset in the constant pool, or -1 */
    OP_LOADN, /* push slots[a].num */
    OP_LOADS, /* push slots[a].str */
    OP_NEG, OP_NOT, OP_BOOL,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW,
    OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
    OP_SEQ, OP_SNE, /* string equality: pops two strings, pushes a bool */
    OP_JMP,   /* go to a */
    OP_JZ,    /* pop; go to a when zero */
    OP_ANDJ,  /* top zero: leave 0, go to a; else pop (the && shortcut) */
    OP_ORJ,   /* top non-zero: leave 1, go to a; else pop (the || one) */
    OP_CALL,  /* pop n numbers, call function row a, push its result */
};

/* Where a binary operator finds its right operand: on the stack, or fused
 * into the instruction (a constant in k.num, or slot a), which saves a
 * dispatch on the commonest shapes (10*Ko, x > 0). */
enum mode { M_STACK, M_CONST, M_SLOT };

typedef struct {
    uint8_t op;
    uint8_t n; /* OP_CALL: argument count (<= ION_EXPR_MAX_ARGS) */
    uint8_t m; /* binary operators: enum mode */
    int32_t a;
    union {
        double num;
        const char *str;
    } k;
} instr;

/* One allocation: the header, the code, the refs, the string pool. */
struct ion_expr {
    ion_type type;
    ion_dimension dim;
    int dim_known;
    size_t ncode, nrefs;
    int *refs;
    char *pool;
    instr code[];
};

/* ------------------------------------------------------------------ */
/* Functions: one row each. Every argument is a number (SI).            */

typedef int (*fn_handler)(const double *a, size_t n, ion_val *r);

typedef struct {
    const char *name;
    uint8_t min, max, step; /* valid counts: min, min+step, ..., <= max */
    ion_type result;
    fn_handler fn;
    const char *shape;      /* how to say the valid counts, or NULL */
    const char *domain_msg; /* what ION_EDOMAIN means here, or NULL */
    /* Dimensions: one code per argument (see dim_code), a '*' before the
     * group that repeats; res the result's code. 'a' and 'b' stand for
     * one dimension each, whatever it is, the same in every place. */
    const char *sig;
    char res;
} fn_row;

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
#define POW_MSG "err.expr.pow_domain"

static const fn_row fn_table[] = {
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
#define FN_COUNT (sizeof fn_table / sizeof fn_table[0])

static const struct {
    const char *name;
    double value;
    ion_dimension dim; /* m kg s A K mol */
} constants[] = {
    {"R", ION_R, {{2, 1, -2, 0, -1, -1}}},  /* J/(mol K) */
    {"F", ION_F, {{0, 0, 1, 1, 0, -1}}},    /* C/mol */
    {"N_A", ION_N_A, {{0, 0, 0, 0, 0, -1}}}, /* 1/mol */
    {"pi", 3.14159265358979323846, {{0}}},
    {"e", 2.71828182845904523536, {{0}}},
};
#define CONST_COUNT (sizeof constants / sizeof constants[0])

static int name_is(const char *s, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(s, name, n) == 0;
}

static int find_fn(const char *s, size_t n)
{
    for (size_t i = 0; i < FN_COUNT; i++)
        if (name_is(s, n, fn_table[i].name))
            return (int)i;
    return -1;
}

static int find_const(const char *s, size_t n)
{
    for (size_t i = 0; i < CONST_COUNT; i++)
        if (name_is(s, n, constants[i].name))
            return (int)i;
    return -1;
}

int ion_expr_reserved(const char *name, size_t len)
{
    return name_is(name, len, "if") || find_const(name, len) >= 0;
}

/* ------------------------------------------------------------------ */
/* The machine                                                          */

/* A number slot, or -1 when the slot holds something else or NaN/inf. */
static inline int load_num(const ion_val *v, double *x)
{
    if ((v->type != ION_T_NUM && v->type != ION_T_BOOL) || !isfinite(v->num))
        return -1;
    *x = v->num;
    return 0;
}

/* Runs code; on success *num is the bottom number and *str the bottom
 * string (the result is the only value left). Every number it makes is
 * checked, so NaN and infinity never escape and never steer a comparison. */
static int run(const instr *code, size_t n, const ion_val *slots, double *num,
               const char **str)
{
    double ns[NS_MAX];
    const char *ss[SS_MAX];
    size_t sp = 0, sq = 0;
    const instr *ip = code, *end = code + n;
    while (ip < end) {
        double x;
        switch ((enum op)ip->op) {
        case OP_NUM:
            ns[sp++] = ip->k.num;
            break;
        case OP_STR:
            ss[sq++] = ip->k.str;
            break;
        case OP_LOADN:
            if (load_num(&slots[ip->a], &ns[sp]) < 0)
                return ION_EDOMAIN;
            sp++;
            break;
        case OP_LOADS: {
            const ion_val *v = &slots[ip->a];
            if (v->type != ION_T_STR || !v->str)
                return ION_EDOMAIN;
            ss[sq++] = v->str;
            break;
        }
        case OP_NEG:
            ns[sp - 1] = -ns[sp - 1];
            break;
        case OP_NOT:
            ns[sp - 1] = ns[sp - 1] == 0;
            break;
        case OP_BOOL:
            ns[sp - 1] = ns[sp - 1] != 0;
            break;
        case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_POW:
        case OP_LT: case OP_LE: case OP_GT: case OP_GE: case OP_EQ: case OP_NE: {
            double b, a;
            if (ip->m == M_STACK)
                b = ns[--sp];
            else if (ip->m == M_CONST)
                b = ip->k.num;
            else if (load_num(&slots[ip->a], &b) < 0)
                return ION_EDOMAIN;
            a = ns[sp - 1];
            switch ((enum op)ip->op) {
            case OP_ADD: x = a + b; break;
            case OP_SUB: x = a - b; break;
            case OP_MUL: x = a * b; break;
            case OP_DIV:
                if (b == 0)
                    return ION_EDOMAIN;
                x = a / b;
                break;
            case OP_POW: x = b == 2 ? a * a : pow(a, b); break; /* z^2 is common */
            case OP_LT: x = a < b; break;
            case OP_LE: x = a <= b; break;
            case OP_GT: x = a > b; break;
            case OP_GE: x = a >= b; break;
            case OP_EQ: x = a == b; break;
            default: x = a != b; break;
            }
            if (!isfinite(x))
                return ION_EDOMAIN;
            ns[sp - 1] = x;
            break;
        }
        case OP_SEQ:
        case OP_SNE: {
            int eq = strcmp(ss[sq - 2], ss[sq - 1]) == 0;
            sq -= 2;
            ns[sp++] = ip->op == OP_SEQ ? eq : !eq;
            break;
        }
        case OP_JMP:
            ip = code + ip->a;
            continue;
        case OP_JZ:
            if (ns[--sp] == 0) {
                ip = code + ip->a;
                continue;
            }
            break;
        case OP_ANDJ:
        case OP_ORJ:
            if ((ns[sp - 1] != 0) == (ip->op == OP_ORJ)) {
                ns[sp - 1] = ip->op == OP_ORJ;
                ip = code + ip->a;
                continue;
            }
            sp--;
            break;
        case OP_CALL: {
            const fn_row *f = &fn_table[ip->a];
            ion_val r;
            sp -= ip->n;
            int rc = f->fn(&ns[sp], ip->n, &r);
            if (rc != ION_OK)
                return rc < 0 ? rc : ION_EDOMAIN;
            if (f->result == ION_T_STR) {
                ss[sq++] = r.str;
            } else {
                if (!isfinite(r.num))
                    return ION_EDOMAIN;
                ns[sp++] = r.num;
            }
            break;
        }
        }
        ip++;
    }
    *num = sp ? ns[0] : 0;
    *str = sq ? ss[0] : NULL;
    return ION_OK;
}

/* ------------------------------------------------------------------ */
/* The compiler                                                         */

typedef enum {
    T_END, T_NUM, T_STR, T_NAME, T_LP, T_RP, T_COMMA,
    T_PLUS, T_MINUS, T_STAR, T_SLASH, T_CARET,
    T_LT, T_LE, T_GT, T_GE, T_EQ, T_NE, T_AND, T_OR, T_NOT,
    T_NONE, /* never made by the lexer: pads operator lists */
} tok_kind;

typedef struct {
    tok_kind kind;
    int pos, len;            /* source span */
    double num;              /* T_NUM, in SI */
    double raw;              /* T_NUM as written, before its unit */
    const ion_unit *unit;    /* T_NUM's unit, or NULL */
    int soff;                /* T_STR: offset in the pool */
} token;

typedef enum { N_CONST, N_SLOT, N_UNARY, N_BINARY, N_AND, N_OR, N_IF, N_CALL } node_kind;

/* What a node is, for messages; kept when the node is folded. */
typedef enum { W_EXPR, W_LITERAL, W_NAME, W_CALL } node_what;

typedef struct {
    uint8_t kind, type, what, paren;
    uint8_t op;       /* N_UNARY, N_BINARY: the enum op */
    int pos, len;     /* its own token (a name, a literal, an operator):
                         the line of its messages, what describe() quotes */
    int from, to;     /* all of it in the source, operands and parentheses
                         too: what a message about the operation quotes */
    int a, b, c;      /* children; N_SLOT: a = slot; N_CALL: a = first
                         argument, b = count, c = function row */
    int next;         /* next argument of a call, or -1 */
    int soff;         /* N_CONST string: offset in the pool, or -1 */
    double raw;       /* a unit literal as written, so -37[C] is -37 C */
    const ion_unit *unit;
    double num;       /* N_CONST values */
    const char *str;
    ion_dimension dim; /* of a number; none for a bool */
    uint8_t free;      /* dimension unknown (a slot with none given, a
                          literal 0): fits any */
} node;

typedef struct {
    instr *code;
    int n, cap;
    int ns, ss, max_ns, max_ss; /* stack depths while emitting */
    int overflow;
} emitter;

typedef struct {
    const char *src;
    int len, pos; /* the lexer's position */
    int last_end; /* where the token consumed last ends */
    token tok;
    ion_resolve_fn resolve;
    ion_slot_dim_fn slot_dim;
    void *ctx;
    node *nodes;
    int nnodes, cap;
    char *pool;
    int npool;
    int depth;
    int failed;
    ion_error *err;
} compiler;

static int line_of(const char *src, int pos)
{
    int line = 1;
    for (int i = 0; i < pos; i++)
        line += src[i] == '\n';
    return line;
}

/* fail(c, pos, KEY, SIG, ...): the catalogue's message KEY (ion_fail_key,
 * text.h) at the line of pos; only the first failure is kept. */
#define fail(c, pos, ...)                                                                          \
    ((c)->failed ? -1                                                                              \
                 : ((c)->failed = 1, ion_fail_key((c)->err, "", line_of((c)->src, (pos)), __VA_ARGS__)))

/* -------- lexer -------- */

static int is_digit(int ch) { return ch >= '0' && ch <= '9'; }
static int is_name_start(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}
static int is_space(int ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

/* strtod in the C locale's spelling whatever the program's locale is. */
static double parse_decimal(const char *s, int n)
{
    char buf[NUM_MAX + 8];
    const char *dp = localeconv()->decimal_point;
    size_t dl = strlen(dp), o = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] == '.' && dl <= 4) {
            memcpy(buf + o, dp, dl);
            o += dl;
        } else {
            buf[o++] = s[i];
        }
    }
    buf[o] = '\0';
    return strtod(buf, NULL);
}

/* An optional unit after a number: spaces, then [unit]. */
static int lex_unit(compiler *c, token *t)
{
    int p = c->pos;
    while (p < c->len && is_space((unsigned char)c->src[p]))
        p++;
    if (p >= c->len || c->src[p] != '[')
        return 0;
    int start = p + 1, stop = start;
    while (stop < c->len && c->src[stop] != ']' && c->src[stop] != '\n')
        stop++;
    if (stop >= c->len || c->src[stop] != ']')
        return fail(c, p, "err.expr.unit_bracket", "-");
    int a = start, b = stop; /* trim the spaces inside the brackets */
    while (a < b && is_space((unsigned char)c->src[a]))
        a++;
    while (b > a && is_space((unsigned char)c->src[b - 1]))
        b--;
    const ion_unit *u = ion_unit_findn(c->src + a, b - a);
    if (!u)
        return fail(c, p, "err.expr.unknown_unit", "%.*s", b - a > 40 ? 40 : b - a, c->src + a);
    t->unit = u;
    t->raw = t->num;
    t->num = ion_to_si(u, t->raw);
    c->pos = stop + 1;
    return 0;
}

static int lex_number(compiler *c, token *t)
{
    const char *s = c->src;
    int p = c->pos, digits = 0;
    while (p < c->len && is_digit((unsigned char)s[p]))
        p++, digits++;
    if (p < c->len && s[p] == '.')
        for (p++; p < c->len && is_digit((unsigned char)s[p]); p++)
            digits++;
    if (digits && p < c->len && (s[p] == 'e' || s[p] == 'E')) {
        int q = p + 1;
        if (q < c->len && (s[q] == '+' || s[q] == '-'))
            q++;
        if (q >= c->len || !is_digit((unsigned char)s[q]))
            return fail(c, t->pos, "err.expr.malformed_number", "%.*s", q - t->pos, s + t->pos);
        for (p = q; p < c->len && is_digit((unsigned char)s[p]); p++)
            ;
    }
    if (!digits)
        return fail(c, t->pos, "err.expr.syntax_dot", "-");
    if (p - t->pos > NUM_MAX)
        return fail(c, t->pos, "err.expr.number_long", "-");
    t->kind = T_NUM;
    t->num = parse_decimal(s + t->pos, p - t->pos);
    c->pos = p;
    if (lex_unit(c, t) < 0)
        return -1;
    if (!isfinite(t->num)) /* too large as written, or once in SI */
        return fail(c, t->pos, "err.expr.number_range", "%.*s",
                    c->pos - t->pos > 40 ? 40 : c->pos - t->pos, s + t->pos);
    return 0;
}

static int lex_string(compiler *c, token *t)
{
    int p = c->pos + 1;
    while (p < c->len && c->src[p] != '"' && c->src[p] != '\n')
        p++;
    if (p >= c->len || c->src[p] != '"')
        return fail(c, t->pos, "err.expr.unterminated", "-");
    int n = p - (c->pos + 1);
    t->kind = T_STR;
    t->soff = c->npool;
    memcpy(c->pool + c->npool, c->src + c->pos + 1, (size_t)n);
    c->npool += n;
    c->pool[c->npool++] = '\0';
    c->pos = p + 1;
    return 0;
}

/* Operators, longest first. */
static const struct {
    const char *text;
    tok_kind kind;
} ops[] = {
    {"<=", T_LE}, {">=", T_GE}, {"==", T_EQ}, {"!=", T_NE}, {"&&", T_AND},
    {"||", T_OR}, {"\xe2\x88\x92", T_MINUS} /* U+2212 minus, as pasted from PDFs */,
    {"(", T_LP}, {")", T_RP}, {",", T_COMMA}, {"+", T_PLUS}, {"-", T_MINUS},
    {"*", T_STAR}, {"/", T_SLASH}, {"^", T_CARET}, {"<", T_LT}, {">", T_GT},
    {"!", T_NOT},
};

/* Moves c->tok to the next token; -1 on a lexical error. */
static int next(compiler *c)
{
    const char *s = c->src;
    c->last_end = c->tok.pos + c->tok.len;
    while (c->pos < c->len && is_space((unsigned char)s[c->pos]))
        c->pos++;
    token *t = &c->tok;
    *t = (token){.kind = T_END, .pos = c->pos, .soff = -1};
    if (c->pos >= c->len)
        return 0;
    unsigned char ch = (unsigned char)s[c->pos];
    int rc = 0;
    if (is_digit(ch) || ch == '.') {
        rc = lex_number(c, t);
    } else if (ch == '"') {
        rc = lex_string(c, t);
    } else if (is_name_start(ch)) {
        int p = c->pos;
        while (p < c->len && (is_name_start((unsigned char)s[p]) || is_digit((unsigned char)s[p])))
            p++;
        t->kind = T_NAME;
        c->pos = p;
    } else {
        size_t i;
        for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
            size_t n = strlen(ops[i].text);
            if ((size_t)(c->len - c->pos) >= n && memcmp(s + c->pos, ops[i].text, n) == 0) {
                t->kind = ops[i].kind;
                c->pos += (int)n;
                break;
            }
        }
        if (i == sizeof ops / sizeof ops[0]) {
            if (ch == '=')
                return fail(c, t->pos, "err.expr.syntax_eq", "-");
            if (ch == '[')
                return fail(c, t->pos, "err.expr.unit_after", "-");
            if (ch == '&' || ch == '|')
                return fail(c, t->pos, "err.expr.syntax_double", "%c%c%c", ch, ch, ch);
            if (ch > ' ' && ch < 127)
                return fail(c, t->pos, "err.expr.unexpected_char", "%c", ch);
            return fail(c, t->pos, "err.expr.unexpected_byte", "%x", ch);
        }
    }
    t->len = c->pos - t->pos;
    return rc;
}

static int syntax_error(compiler *c)
{
    const token *t = &c->tok;
    if (t->kind == T_END)
        return fail(c, t->pos, "err.expr.syntax_end", "-");
    return fail(c, t->pos, "err.expr.syntax_near", "%.*s", t->len > 40 ? 40 : t->len,
                c->src + t->pos);
}

/* -------- nodes, type checks and folding -------- */

static int new_node(compiler *c, node_kind kind, int type, int pos, int len)
{
    if (c->nnodes >= c->cap)
        return fail(c, pos, "err.expr.complex", "-");
    int i = c->nnodes++;
    c->nodes[i] = (node){.kind = (uint8_t)kind, .type = (uint8_t)type, .pos = pos, .len = len,
                         .from = pos, .to = pos + len, .next = -1, .soff = -1, .a = -1, .b = -1,
                         .c = -1};
    return i;
}

/* Node i (when there is one) spans the source from `from` to the end of
 * the token consumed last. */
static int span_to_here(compiler *c, int i, int from)
{
    if (i >= 0) {
        c->nodes[i].from = from;
        c->nodes[i].to = c->last_end;
    }
    return i;
}

/* How much of node nd a message quotes: all of it, up to cap bytes. */
static int quoted(const node *nd, int cap)
{
    return nd->to - nd->from > cap ? cap : nd->to - nd->from;
}

/* "direction gives a choice id", "'dir' is a choice id", ... */
static void describe(const compiler *c, int i, char *buf, size_t size)
{
    const node *nd = &c->nodes[i];
    int len = nd->len > 40 ? 40 : nd->len;
    const char *text = c->src + nd->pos;
    switch ((node_what)nd->what) {
    case W_CALL: ion_text_say(buf, size, "err.expr.choice_call", "%.*s", len, text); break;
    case W_NAME: ion_text_say(buf, size, "err.expr.choice_name", "%.*s", len, text); break;
    case W_LITERAL: ion_text_say(buf, size, "err.expr.choice_literal", "%.*s", len, text); break;
    case W_EXPR: ion_text_say(buf, size, "err.expr.choice_expr", "-"); break;
    }
}

/* Numbers and bools stand for each other; strings stand for nothing else. */
static int need(compiler *c, int i, const char *key)
{
    if (i < 0)
        return -1;
    if (c->nodes[i].type != ION_T_STR)
        return 0;
    char d[128];
    describe(c, i, d, sizeof d);
    return fail(c, c->nodes[i].pos, key, "%s", d);
}

static int need_num(compiler *c, int i) { return need(c, i, "err.expr.need_number"); }
static int need_cond(compiler *c, int i) { return need(c, i, "err.expr.need_condition"); }

static int is_const(const compiler *c, int i) { return c->nodes[i].kind == N_CONST; }

/* -------- dimensions -------- */

/* The dimension a signature code stands for; 0 when the code is no
 * fixed dimension ('a', 'b', '.'). */
static int dim_code(char code, ion_dimension *d)
{
    static const struct {
        char code;
        ion_dim dim;
    } codes[] = {
        {'1', ION_DIM_NONE}, {'V', ION_DIM_VOLTAGE}, {'c', ION_DIM_CONC}, {'T', ION_DIM_TEMP},
        {'I', ION_DIM_CURRENT}, {'g', ION_DIM_CONDUCT}, {'C', ION_DIM_CAPACIT},
        {'t', ION_DIM_TIME}, {'P', ION_DIM_PRESSURE}, {'r', ION_DIM_RATE},
        {'L', ION_DIM_LENGTH}, {'A', ION_DIM_AREA}, {'v', ION_DIM_VOLUME},
        {'Q', ION_DIM_CHARGE}, {'R', ION_DIM_RESIST}, {'E', ION_DIM_MOLAR_EN},
        {'N', ION_DIM_AMOUNT}, {'p', ION_DIM_VELOCITY}, {'J', ION_DIM_CURR_DENS},
        {'M', ION_DIM_SPEC_RES}, {'i', ION_DIM_RESISTIVITY},
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i].code == code) {
            *d = ion_dim_vector(codes[i].dim);
            return 1;
        }
    return 0;
}

static void say_dim(const node *nd, char *buf, int n)
{
    ion_text_dimension(nd->dim, buf, (size_t)n);
}

static int is_none(ion_dimension d)
{
    return ion_dimension_eq(d, (ion_dimension){{0}});
}

/* Exponents a + k b, refused beyond what a formula of ours could need. */
static int dim_combine(compiler *c, const node *nd, ion_dimension a, ion_dimension b, int k,
                       ion_dimension *out)
{
    for (int i = 0; i < ION_BASE_COUNT; i++) {
        int e = a.e[i] + k * b.e[i];
        if (e > 24 || e < -24)
            return fail(c, nd->pos, "err.expr.dim_exponent", "%.*s", quoted(nd, 60), c->src + nd->from);
        out->e[i] = (signed char)e;
    }
    return 0;
}

/* Operands that must share one dimension (+, -, comparisons, if's
 * branches): nd gets it. key is the message saying what the operation
 * does (its arguments: the operation quoted, the two dimensions). */
static int same_dim(compiler *c, node *nd, const node *l, const node *r, const char *key)
{
    if (l->free || r->free || ion_dimension_eq(l->dim, r->dim)) {
        nd->free = l->free && r->free;
        nd->dim = l->free ? r->dim : l->dim;
        return 0;
    }
    char a[80], b[80];
    say_dim(l, a, sizeof a);
    say_dim(r, b, sizeof b);
    return fail(c, nd->pos, key, "%.*s%s%s", quoted(nd, 60), c->src + nd->from, a, b);
}

/* Base ^ exponent: a dimensioned base needs a constant exponent that
 * leaves whole exponents (Ko^2, A^0.5 for an area). */
static int pow_dim(compiler *c, node *nd, const node *base, const node *ex)
{
    int len = quoted(nd, 60);
    const char *text = c->src + nd->from;
    if (!ex->free && !is_none(ex->dim)) {
        char d[80];
        say_dim(ex, d, sizeof d);
        return fail(c, nd->pos, "err.expr.pow_dim", "%.*s%s", len, text, d);
    }
    nd->free = base->free;
    nd->dim = (ion_dimension){{0}};
    if (base->free || is_none(base->dim))
        return 0;
    if (ex->kind != N_CONST)
        return fail(c, nd->pos, "err.expr.pow_unit", "%.*s", len, text);
    for (int i = 0; i < ION_BASE_COUNT; i++) {
        double e = base->dim.e[i] * ex->num;
        if (e != floor(e))
            return fail(c, nd->pos, "err.expr.pow_fraction", "%.*s", len, text);
        if (fabs(e) > 24)
            return fail(c, nd->pos, "err.expr.dim_exponent", "%.*s", len, text);
        nd->dim.e[i] = (signed char)e;
    }
    return 0;
}

/* A call's arguments against its row's signature; sets the result's. */
static int call_dim(compiler *c, node *nd, const fn_row *f, int args)
{
    ion_dimension var[2] = {{{0}}, {{0}}};
    int bound[2] = {0, 0}, which[2] = {0, 0};
    const char *sig = f->sig, *group = strchr(sig, '*');
    const char *p = sig;
    int k = 0;
    for (int a = args; a >= 0; a = c->nodes[a].next, k++) {
        if (*p == '*')
            p++;
        if (!*p)
            p = group ? group + 1 : p;
        char code = *p ? *p++ : '.';
        const node *an = &c->nodes[a];
        if (an->free || code == '.')
            continue;
        ion_dimension want;
        char got[80], need[80];
        if (dim_code(code, &want)) {
            if (ion_dimension_eq(an->dim, want))
                continue;
            say_dim(an, got, sizeof got);
            if (code == '1' && (!strcmp(f->name, "ln") || !strcmp(f->name, "log10") || !strcmp(f->name, "exp")))
                return fail(c, an->pos, "err.expr.log_dim", "%s%s",
                            f->name, got);
            ion_text_dimension(want, need, sizeof need);
            return fail(c, an->pos, "err.expr.arg_dim", "%d%s%.*s%s%s", k + 1, f->name,
                        quoted(an, 40), c->src + an->from, got, need);
        }
        int v = code == 'b';
        if (!bound[v]) {
            bound[v] = 1;
            which[v] = k;
            var[v] = an->dim;
        } else if (!ion_dimension_eq(var[v], an->dim)) {
            say_dim(an, got, sizeof got);
            ion_text_dimension(var[v], need, sizeof need);
            return fail(c, an->pos, "err.expr.arg_unlike", "%d%s%.*s%s%d%s", k + 1, f->name,
                        quoted(an, 40), c->src + an->from, got, which[v] + 1, need);
        }
    }
    nd->dim = (ion_dimension){{0}};
    nd->free = 0;
    switch (f->res) {
    case 'a':
        nd->free = !bound[0];
        nd->dim = var[0];
        return 0;
    case 'j': { /* ghk_current: P z F c, in A/m^2 when P is in m/s */
        static const ion_dimension flux_f = {{-3, 0, 1, 1, 0, 0}}; /* mol/m^3 C/mol */
        nd->free = !bound[0];
        return nd->free ? 0 : dim_combine(c, nd, var[0], flux_f, 1, &nd->dim);
    }
    case '~': { /* sqrt and pow: as ^ does */
        const node *base = &c->nodes[args];
        if (!strcmp(f->name, "pow"))
            return pow_dim(c, nd, base, &c->nodes[base->next]);
        node half = {.kind = N_CONST, .num = 0.5};
        return pow_dim(c, nd, base, &half);
    }
    case '-':
        return 0;
    default:
        dim_code(f->res, &nd->dim);
        return 0;
    }
}

static void emit_node(const compiler *c, emitter *m, int i);

/* The message for a constant operation that failed. */
static int fail_fold(compiler *c, int i, int rc)
{
    const node *nd = &c->nodes[i];
    if (nd->kind == N_CALL) {
        const fn_row *f = &fn_table[nd->c];
        if (rc == ION_EZ)
            return fail(c, nd->pos, "err.expr.z_zero", "%s", f->name);
        if (rc == ION_EDOMAIN && f->domain_msg)
            return fail(c, nd->pos, f->domain_msg, "-");
        char why[160];
        return fail(c, nd->pos, "err.expr.fn_failed", "%s%s", f->name, ion_text_core_error(rc, why, sizeof why));
    }
    if (nd->op == OP_DIV && c->nodes[nd->b].num == 0)
        return fail(c, nd->pos, "err.expr.div_zero", "-");
    if (nd->op == OP_POW)
        return fail(c, nd->pos, POW_MSG, "-");
    return fail(c, nd->pos, "err.expr.not_finite", "-");
}

/* Replaces node i, whose operands are all constants, by its value. */
static int fold(compiler *c, int i)
{
    instr buf[ION_EXPR_MAX_ARGS + 4];
    emitter m = {.code = buf, .cap = (int)(sizeof buf / sizeof buf[0])};
    emit_node(c, &m, i);
    node *nd = &c->nodes[i];
    int rc = run(buf, (size_t)m.n, NULL, &nd->num, &nd->str);
    if (rc != ION_OK)
        return fail_fold(c, i, rc);
    nd->kind = N_CONST;
    nd->soff = -1; /* a folded string comes from the core: static */
    return i;
}

static int const_node(compiler *c, int type, double num, int pos, int len)
{
    int i = new_node(c, N_CONST, type, pos, len);
    if (i >= 0)
        c->nodes[i].num = num;
    return i;
}

static int mk_unary(compiler *c, enum op op, int pos, int len, int o)
{
    if ((op == OP_NOT ? need_cond(c, o) : need_num(c, o)) < 0)
        return -1;
    int i = new_node(c, N_UNARY, op == OP_NEG ? ION_T_NUM : ION_T_BOOL, pos, len);
    if (i < 0)
        return -1;
    c->nodes[i].op = (uint8_t)op;
    c->nodes[i].a = o;
    if (op == OP_NEG) {
        c->nodes[i].dim = c->nodes[o].dim;
        c->nodes[i].free = c->nodes[o].free;
    }
    return is_const(c, o) ? fold(c, i) : i;
}

/* Unary minus; on a unit literal it negates the value as written, so that
 * -37[C] is 236.15 K and not -310.15 K. */
static int mk_neg(compiler *c, int pos, int len, int o)
{
    if (o < 0)
        return -1;
    node *nd = &c->nodes[o];
    if (nd->unit && !nd->paren) {
        nd->raw = -nd->raw;
        nd->num = ion_to_si(nd->unit, nd->raw);
        nd->len += nd->pos - pos;
        nd->pos = pos;
        return o;
    }
    return mk_unary(c, OP_NEG, pos, len, o);
}

static int binary_dim(compiler *c, int i);

static int mk_binary(compiler *c, tok_kind tk, int pos, int len, int l, int r)
{
    static const enum op op_of[] = {
        [T_PLUS] = OP_ADD, [T_MINUS] = OP_SUB, [T_STAR] = OP_MUL, [T_SLASH] = OP_DIV,
        [T_CARET] = OP_POW, [T_LT] = OP_LT, [T_LE] = OP_LE, [T_GT] = OP_GT,
        [T_GE] = OP_GE, [T_EQ] = OP_EQ, [T_NE] = OP_NE,
    };
    if (l < 0 || r < 0)
        return -1;
    enum op op = op_of[tk];
    int ls = c->nodes[l].type == ION_T_STR, rs = c->nodes[r].type == ION_T_STR;
    if (op == OP_EQ || op == OP_NE) {
        if (ls != rs)
            return fail(c, pos, "err.expr.compare_choice", "%.*s", len, c->src + pos);
        if (ls)
            op = op == OP_EQ ? OP_SEQ : OP_SNE;
    } else if (need_num(c, l) < 0 || need_num(c, r) < 0) {
        return -1;
    }
    int type = op >= OP_LT ? ION_T_BOOL : ION_T_NUM;
    int i = new_node(c, N_BINARY, type, pos, len);
    if (i < 0)
        return -1;
    c->nodes[i].from = c->nodes[l].from;
    c->nodes[i].to = c->nodes[r].to;
    c->nodes[i].op = (uint8_t)op;
    c->nodes[i].a = l;
    c->nodes[i].b = r;
    if (binary_dim(c, i) < 0)
        return -1;
    return is_const(c, l) && is_const(c, r) ? fold(c, i) : i;
}

/* The dimension of binary node i from its operands'. */
static int binary_dim(compiler *c, int i)
{
    node *nd = &c->nodes[i];
    const node *l = &c->nodes[nd->a], *r = &c->nodes[nd->b];
    switch ((enum op)nd->op) {
    case OP_ADD: return same_dim(c, nd, l, r, "err.expr.dim_adds");
    case OP_SUB: return same_dim(c, nd, l, r, "err.expr.dim_subtracts");
    case OP_MUL:
    case OP_DIV:
        nd->free = l->free || r->free;
        if (nd->free)
            return 0;
        return dim_combine(c, nd, l->dim, r->dim, nd->op == OP_MUL ? 1 : -1, &nd->dim);
    case OP_POW:
        return pow_dim(c, nd, l, r);
    case OP_SEQ:
    case OP_SNE: return 0;
    default: /* comparisons give a bool */
        if (same_dim(c, nd, l, r, "err.expr.dim_compares") < 0)
            return -1;
        nd->dim = (ion_dimension){{0}};
        nd->free = 0;
        return 0;
    }
}

/* a && b, a || b; a constant left side decides or drops out. */
static int mk_logic(compiler *c, node_kind kind, int pos, int len, int l, int r)
{
    if (need_cond(c, l) < 0 || need_cond(c, r) < 0)
        return -1;
    if (is_const(c, l)) {
        int lt = c->nodes[l].num != 0;
        if (lt == (kind == N_OR))
            return const_node(c, ION_T_BOOL, lt, pos, len);
        return mk_unary(c, OP_BOOL, pos, len, r);
    }
    int i = new_node(c, kind, ION_T_BOOL, pos, len);
    if (i < 0)
        return -1;
    c->nodes[i].a = l;
    c->nodes[i].b = r;
    return i;
}

static int arg(const compiler *c, int first, int k)
{
    while (k-- > 0)
        first = c->nodes[first].next;
    return first;
}

/* if(cond, a, b): both branches of one type; a constant condition picks. */
static int mk_if(compiler *c, int pos, int len, int args, int n)
{
    if (n != 3)
        return fail(c, pos, "err.expr.if_arity", "%d", n);
    int cond = arg(c, args, 0), a = arg(c, args, 1), b = arg(c, args, 2);
    if (need_cond(c, cond) < 0)
        return -1;
    int ta = c->nodes[a].type, tb = c->nodes[b].type;
    if ((ta == ION_T_STR) != (tb == ION_T_STR))
        return fail(c, pos, "err.expr.if_branches", "-");
    int type = ta == tb ? ta : ION_T_NUM;
    if (type != ION_T_STR) {
        node both = {.pos = pos, .from = pos, .to = c->last_end};
        if (same_dim(c, &both, &c->nodes[a], &c->nodes[b], "err.expr.dim_branches") < 0)
            return -1;
        c->nodes[a].dim = c->nodes[b].dim = both.dim; /* a free 0 takes the other's */
        c->nodes[a].free = c->nodes[b].free = both.free;
    }
    if (is_const(c, cond)) {
        node *pick = &c->nodes[c->nodes[cond].num != 0 ? a : b];
        pick->type = (uint8_t)type; /* a bool is a 0/1 number */
        pick->unit = NULL;          /* no longer a bare literal for mk_neg */
        return (int)(pick - c->nodes);
    }
    int i = new_node(c, N_IF, type, pos, len);
    if (i < 0)
        return -1;
    c->nodes[i].what = W_CALL;
    c->nodes[i].a = cond;
    c->nodes[i].b = a;
    c->nodes[i].c = b;
    c->nodes[i].dim = c->nodes[a].dim;
    c->nodes[i].free = c->nodes[a].free;
    return i;
}

static int arity_error(compiler *c, int pos, const fn_row *f, int n)
{
    if (f->shape)
        return fail(c, pos, f->shape, "%s%d", f->name, n);
    if (f->min == f->max)
        return fail(c, pos, f->min == 1 ? "err.expr.arity_one" : "err.expr.arity_n", "%s%d%d", f->name,
                    f->min, n);
    if (f->max == f->min + 1)
        return fail(c, pos, "err.expr.arity_or", "%s%d%d%d", f->name, f->min, f->max, n);
    if (n < f->min)
        return fail(c, pos, "err.expr.arity_min", "%s%d%d", f->name, f->min, n);
    return fail(c, pos, "err.expr.arity_max", "%s%d%d", f->name, f->max, n);
}

static int mk_call(compiler *c, int fn, int pos, int len, int args, int n)
{
    const fn_row *f = &fn_table[fn];
    if (n < f->min || n > f->max || (n - f->min) % f->step != 0)
        return arity_error(c, pos, f, n);
    int all_const = 1;
    for (int a = args; a >= 0; a = c->nodes[a].next) {
        if (need_num(c, a) < 0)
            return -1;
        all_const &= is_const(c, a);
    }
    int i = new_node(c, N_CALL, f->result, pos, len);
    if (i < 0)
        return -1;
    c->nodes[i].what = W_CALL;
    c->nodes[i].a = args;
    c->nodes[i].b = n;
    c->nodes[i].c = fn;
    span_to_here(c, i, pos); /* messages about the call quote it up to its ')' */
    if (call_dim(c, &c->nodes[i], f, args) < 0)
        return -1;
    return all_const ? fold(c, i) : i;
}

/* -------- parser -------- */

static int parse_expr(compiler *c);
static int parse_unary(compiler *c);

static int enter(compiler *c, int pos)
{
    if (++c->depth > ION_EXPR_MAX_DEPTH)
        return fail(c, pos, "err.expr.deep", "%d",
                    ION_EXPR_MAX_DEPTH);
    return 0;
}

/* '(' already consumed: arguments up to ')'; *n gets their count. */
static int parse_args(compiler *c, int open, int *n)
{
    int first = -1, last = -1;
    *n = 0;
    if (c->tok.kind == T_RP)
        return next(c) < 0 ? -2 : -1;
    for (;;) {
        int a = parse_expr(c);
        if (a < 0)
            return -2;
        c->nodes[a].next = -1; /* a node picked out of if(...) still links on */
        if (last >= 0)
            c->nodes[last].next = a;
        else
            first = a;
        last = a;
        ++*n;
        if (c->tok.kind == T_COMMA) {
            if (next(c) < 0)
                return -2;
            continue;
        }
        if (c->tok.kind == T_RP)
            return next(c) < 0 ? -2 : first;
        if (c->tok.kind == T_END)
            fail(c, open, "err.expr.paren_missing", "-");
        else
            syntax_error(c);
        return -2;
    }
}

static int parse_name(compiler *c)
{
    token t = c->tok;
    const char *name = c->src + t.pos;
    size_t n = (size_t)t.len;
    if (next(c) < 0)
        return -1;
    if (c->tok.kind == T_LP) {
        int is_if = name_is(name, n, "if"), fn = find_fn(name, n);
        if (!is_if && fn < 0)
            return fail(c, t.pos, "err.expr.unknown_function", "%.*s", t.len, name);
        int open = c->tok.pos, nargs;
        if (enter(c, open) < 0 || next(c) < 0)
            return -1;
        int args = parse_args(c, open, &nargs);
        if (args == -2)
            return -1;
        c->depth--;
        /* a branch picked by a constant condition stands for the whole if */
        return span_to_here(c, is_if ? mk_if(c, t.pos, t.len, args, nargs)
                                     : mk_call(c, fn, t.pos, t.len, args, nargs),
                            t.pos);
    }
    if (name_is(name, n, "if"))
        return fail(c, c->tok.pos, "err.expr.if_paren", "-");
    if (c->resolve) {
        ion_type type = ION_T_NUM;
        int slot = c->resolve(c->ctx, name, n, &type);
        if (slot >= 0) {
            if (type != ION_T_NUM && type != ION_T_STR && type != ION_T_BOOL)
                return fail(c, t.pos, "err.expr.no_type", "%.*s", t.len, name);
            int i = new_node(c, N_SLOT, type, t.pos, t.len);
            if (i >= 0) {
                c->nodes[i].a = slot;
                c->nodes[i].what = W_NAME;
                c->nodes[i].free = type == ION_T_NUM &&
                                   (!c->slot_dim || c->slot_dim(c->ctx, slot, &c->nodes[i].dim) < 0);
            }
            return i;
        }
    }
    int k = find_const(name, n);
    if (k < 0)
        return fail(c, t.pos, "err.expr.unknown_name", "%.*s", t.len > 60 ? 60 : t.len, name);
    int i = const_node(c, ION_T_NUM, constants[k].value, t.pos, t.len);
    if (i >= 0)
        c->nodes[i].dim = constants[k].dim;
    return i;
}

static int parse_primary(compiler *c)
{
    token t = c->tok;
    int i;
    switch (t.kind) {
    case T_NUM:
        i = const_node(c, ION_T_NUM, t.num, t.pos, t.len);
        if (i >= 0) {
            c->nodes[i].unit = t.unit;
            c->nodes[i].raw = t.raw;
            if (t.unit)
                c->nodes[i].dim = ion_dim_vector(t.unit->dim);
            else
                c->nodes[i].free = t.num == 0; /* zero is zero in any unit */
        }
        return next(c) < 0 ? -1 : i;
    case T_STR:
        i = new_node(c, N_CONST, ION_T_STR, t.pos, t.len);
        if (i >= 0) {
            c->nodes[i].what = W_LITERAL;
            c->nodes[i].soff = t.soff;
            c->nodes[i].str = c->pool + t.soff;
        }
        return next(c) < 0 ? -1 : i;
    case T_NAME:
        return parse_name(c);
    case T_LP:
        if (enter(c, t.pos) < 0 || next(c) < 0)
            return -1;
        i = parse_expr(c);
        if (i < 0)
            return -1;
        if (c->tok.kind == T_END)
            return fail(c, t.pos, "err.expr.paren_missing", "-");
        if (c->tok.kind != T_RP)
            return syntax_error(c);
        c->depth--;
        c->nodes[i].paren = 1;
        return next(c) < 0 ? -1 : span_to_here(c, i, t.pos);
    default:
        return syntax_error(c);
    }
}

/* primary ['^' unary]: right-associative, tighter than unary minus. */
static int parse_power(compiler *c)
{
    int l = parse_primary(c);
    if (l < 0 || c->tok.kind != T_CARET)
        return l;
    token t = c->tok;
    if (enter(c, t.pos) < 0 || next(c) < 0)
        return -1;
    int r = parse_unary(c);
    c->depth--;
    return mk_binary(c, T_CARET, t.pos, t.len, l, r);
}

static int parse_unary(compiler *c)
{
    token t = c->tok;
    if (t.kind != T_MINUS && t.kind != T_PLUS && t.kind != T_NOT)
        return parse_power(c);
    if (enter(c, t.pos) < 0 || next(c) < 0)
        return -1;
    int o = parse_unary(c);
    c->depth--;
    if (t.kind == T_MINUS)
        return span_to_here(c, mk_neg(c, t.pos, t.len, o), t.pos);
    if (t.kind == T_NOT)
        return span_to_here(c, mk_unary(c, OP_NOT, t.pos, t.len, o), t.pos);
    return need_num(c, o) < 0 ? -1 : span_to_here(c, o, t.pos);
}

/* One left-associative level of binary operators. */
typedef int (*parse_fn)(compiler *c);

static int parse_level(compiler *c, parse_fn sub, tok_kind k1, tok_kind k2, tok_kind k3,
                       tok_kind k4)
{
    int l = sub(c);
    while (l >= 0) {
        token t = c->tok;
        if (t.kind != k1 && t.kind != k2 && t.kind != k3 && t.kind != k4)
            break;
        if (next(c) < 0)
            return -1;
        int r = sub(c), from = c->nodes[l].from;
        if (t.kind == T_AND || t.kind == T_OR)
            l = span_to_here(c, mk_logic(c, t.kind == T_AND ? N_AND : N_OR, t.pos, t.len, l, r), from);
        else
            l = mk_binary(c, t.kind, t.pos, t.len, l, r);
    }
    return l;
}

static int parse_mul(compiler *c) { return parse_level(c, parse_unary, T_STAR, T_SLASH, T_NONE, T_NONE); }
static int parse_add(compiler *c) { return parse_level(c, parse_mul, T_PLUS, T_MINUS, T_NONE, T_NONE); }
static int parse_cmp(compiler *c) { return parse_level(c, parse_add, T_LT, T_LE, T_GT, T_GE); }
static int parse_eq(compiler *c) { return parse_level(c, parse_cmp, T_EQ, T_NE, T_NONE, T_NONE); }
static int parse_and(compiler *c) { return parse_level(c, parse_eq, T_AND, T_NONE, T_NONE, T_NONE); }
static int parse_expr(compiler *c) { return parse_level(c, parse_and, T_OR, T_NONE, T_NONE, T_NONE); }

/* -------- code generation -------- */

static int emit(emitter *m, enum op op, int a, int dn, int ds)
{
    if (m->n >= m->cap) {
        m->overflow = 1;
        return 0;
    }
    m->code[m->n] = (instr){.op = (uint8_t)op, .a = a};
    m->ns += dn;
    m->ss += ds;
    m->max_ns = m->ns > m->max_ns ? m->ns : m->max_ns;
    m->max_ss = m->ss > m->max_ss ? m->ss : m->max_ss;
    return m->n++;
}

static void patch(emitter *m, int at)
{
    if (!m->overflow)
        m->code[at].a = m->n;
}

/* Emits node i; every node emits at most two instructions. */
static void emit_node(const compiler *c, emitter *m, int i)
{
    const node *nd = &c->nodes[i], *r;
    int at, jmp, ns, ss;
    switch ((node_kind)nd->kind) {
    case N_CONST:
        if (nd->type == ION_T_STR) {
            at = emit(m, OP_STR, nd->soff, 0, 1);
            m->code[at].k.str = nd->str;
        } else {
            at = emit(m, OP_NUM, 0, 1, 0);
            m->code[at].k.num = nd->num;
        }
        break;
    case N_SLOT:
        if (nd->type == ION_T_STR)
            emit(m, OP_LOADS, nd->a, 0, 1);
        else
            emit(m, OP_LOADN, nd->a, 1, 0);
        break;
    case N_UNARY:
        emit_node(c, m, nd->a);
        emit(m, nd->op, 0, 0, 0);
        break;
    case N_BINARY:
        emit_node(c, m, nd->a);
        r = &c->nodes[nd->b];
        if (nd->op == OP_SEQ || nd->op == OP_SNE) {
            emit_node(c, m, nd->b);
            emit(m, nd->op, 0, 1, -2);
        } else if (r->kind == N_CONST) {
            at = emit(m, nd->op, 0, 0, 0);
            m->code[at].m = M_CONST;
            m->code[at].k.num = r->num;
        } else if (r->kind == N_SLOT) {
            at = emit(m, nd->op, r->a, 0, 0);
            m->code[at].m = M_SLOT;
        } else {
            emit_node(c, m, nd->b);
            emit(m, nd->op, 0, -1, 0);
        }
        break;
    case N_AND:
    case N_OR:
        emit_node(c, m, nd->a);
        at = emit(m, nd->kind == N_AND ? OP_ANDJ : OP_ORJ, 0, -1, 0);
        emit_node(c, m, nd->b);
        emit(m, OP_BOOL, 0, 0, 0);
        patch(m, at);
        break;
    case N_IF:
        emit_node(c, m, nd->a);
        at = emit(m, OP_JZ, 0, -1, 0);
        ns = m->ns;
        ss = m->ss;
        emit_node(c, m, nd->b);
        jmp = emit(m, OP_JMP, 0, 0, 0);
        m->ns = ns; /* the else branch starts from the same stacks */
        m->ss = ss;
        patch(m, at);
        emit_node(c, m, nd->c);
        patch(m, jmp);
        break;
    case N_CALL:
        for (int a = nd->a; a >= 0; a = c->nodes[a].next)
            emit_node(c, m, a);
        at = emit(m, OP_CALL, nd->c, -nd->b + (nd->type != ION_T_STR),
                  nd->type == ION_T_STR);
        m->code[at].n = (uint8_t)nd->b;
        break;
    }
}

/* The slot an instruction reads, or -1. */
static int slot_read(const instr *in)
{
    if (in->op == OP_LOADN || in->op == OP_LOADS)
        return in->a;
    if (in->op >= OP_ADD && in->op <= OP_NE && in->m == M_SLOT)
        return in->a;
    return -1;
}

/* Copies the code into one block with its refs and string pool. */
static ion_expr *finish(const compiler *c, const emitter *m, const node *root)
{
    size_t nloads = 0;
    for (int i = 0; i < m->n; i++)
        nloads += slot_read(&m->code[i]) >= 0;
    size_t size = sizeof(ion_expr) + (size_t)m->n * sizeof(instr) + nloads * sizeof(int) +
                  (size_t)c->npool;
    ion_expr *e = malloc(size);
    if (!e)
        return NULL;
    e->type = (ion_type)root->type;
    e->dim = root->dim;
    e->dim_known = root->type == ION_T_NUM && !root->free;
    e->ncode = (size_t)m->n;
    e->refs = (int *)(e->code + m->n);
    e->pool = (char *)(e->refs + nloads);
    memcpy(e->pool, c->pool, (size_t)c->npool);
    memcpy(e->code, m->code, (size_t)m->n * sizeof(instr));
    e->nrefs = 0;
    for (size_t i = 0; i < e->ncode; i++) {
        instr *in = &e->code[i];
        if (in->op == OP_STR && in->a >= 0)
            in->k.str = e->pool + in->a; /* from the compiler's pool to ours */
        int slot = slot_read(in);
        if (slot < 0)
            continue;
        size_t k = 0;
        while (k < e->nrefs && e->refs[k] != slot)
            k++;
        if (k == e->nrefs)
            e->refs[e->nrefs++] = slot;
    }
    return e;
}

static int generate(compiler *c, int root, ion_expr **out)
{
    emitter m = {.cap = 2 * c->nnodes + 2};
    m.code = malloc((size_t)m.cap * sizeof(instr));
    if (!m.code)
        return fail(c, 0, "err.out_of_memory", "-");
    emit_node(c, &m, root);
    int rc = 0;
    if (m.overflow || m.max_ns > NS_MAX || m.max_ss > SS_MAX)
        rc = fail(c, 0, "err.expr.complex", "-");
    else if (!(*out = finish(c, &m, &c->nodes[root])))
        rc = fail(c, 0, "err.out_of_memory", "-");
    free(m.code);
    return rc;
}

ion_expr *ion_expr_compile(const char *src, ion_resolve_fn resolve, void *ctx, ion_error *err)
{
    return ion_expr_compile_dim(src, resolve, NULL, ctx, err);
}

ion_expr *ion_expr_compile_dim(const char *src, ion_resolve_fn resolve, ion_slot_dim_fn slot_dim,
                               void *ctx, ion_error *err)
{
    if (!src) {
        ion_fail_key(err, "", 1, "err.expr.none", "-");
        return NULL;
    }
    const char *nul = memchr(src, '\0', ION_EXPR_MAX_LEN + 1);
    if (!nul) {
        ion_fail_key(err, "", 1, "err.expr.too_long", "%d", ION_EXPR_MAX_LEN);
        return NULL;
    }
    compiler c = {.src = src, .len = (int)(nul - src), .resolve = resolve, .slot_dim = slot_dim,
                  .ctx = ctx, .err = err};
    /* A token makes at most one node, and a string's text fits in its source. */
    c.cap = c.len + 2;
    c.nodes = malloc((size_t)c.cap * sizeof(node));
    c.pool = malloc((size_t)c.len + 1);
    ion_expr *e = NULL;
    if (!c.nodes || !c.pool) {
        fail(&c, 0, "err.out_of_memory", "-");
        goto cleanup;
    }
    if (next(&c) < 0)
        goto cleanup;
    if (c.tok.kind == T_END) {
        fail(&c, 0, "err.expr.empty", "-");
        goto cleanup;
    }
    int root = parse_expr(&c);
    if (root < 0)
        goto cleanup;
    if (c.tok.kind == T_RP) {
        fail(&c, c.tok.pos, "err.expr.paren_unexpected", "-");
        goto cleanup;
    }
    if (c.tok.kind != T_END) {
        syntax_error(&c);
        goto cleanup;
    }
    generate(&c, root, &e);
cleanup:
    free(c.nodes);
    free(c.pool);
    return e;
}

ion_type ion_expr_type(const ion_expr *e)
{
    return e->type;
}

int ion_expr_dimension(const ion_expr *e, ion_dimension *dim)
{
    if (!e->dim_known)
        return -1;
    *dim = e->dim;
    return 0;
}

int ion_expr_eval(const ion_expr *e, const ion_val *slots, ion_val *out)
{
    double num;
    const char *str;
    int rc = run(e->code, e->ncode, slots, &num, &str);
    if (rc != ION_OK)
        return rc;
    out->type = e->type;
    out->num = num;
    out->str = str;
    return ION_OK;
}

size_t ion_expr_refs(const ion_expr *e, int *slots, size_t max)
{
    for (size_t i = 0; i < e->nrefs && i < max; i++)
        slots[i] = e->refs[i];
    return e->nrefs;
}

void ion_expr_free(ion_expr *e)
{
    free(e);
}
