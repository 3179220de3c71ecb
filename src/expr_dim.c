/* The expression engine's dimension checks (expr_int.h): every number
 * node carries its SI dimension, and an operation or a call whose
 * operands do not fit is a compile error quoting it. */
#include <math.h>
#include <string.h>

#include "expr_int.h"

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
            return fail(c, nd->pos, "err.expr.dim_exponent", "%.*s", expr_quoted(nd, 60), c->src + nd->from);
        out->e[i] = (signed char)e;
    }
    return 0;
}

/* Operands that must share one dimension (+, -, comparisons, if's
 * branches): nd gets it. key is the message saying what the operation
 * does (its arguments: the operation quoted, the two dimensions). */
int expr_same_dim(compiler *c, node *nd, const node *l, const node *r, const char *key)
{
    if (l->free || r->free || ion_dimension_eq(l->dim, r->dim)) {
        nd->free = l->free && r->free;
        nd->dim = l->free ? r->dim : l->dim;
        return 0;
    }
    char a[80], b[80];
    say_dim(l, a, sizeof a);
    say_dim(r, b, sizeof b);
    return fail(c, nd->pos, key, "%.*s%s%s", expr_quoted(nd, 60), c->src + nd->from, a, b);
}

/* Base ^ exponent: a dimensioned base needs a constant exponent that
 * leaves whole exponents (Ko^2, A^0.5 for an area). */
static int pow_dim(compiler *c, node *nd, const node *base, const node *ex)
{
    int len = expr_quoted(nd, 60);
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
int expr_call_dim(compiler *c, node *nd, const fn_row *f, int args)
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
                        expr_quoted(an, 40), c->src + an->from, got, need);
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
                        expr_quoted(an, 40), c->src + an->from, got, which[v] + 1, need);
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

/* The dimension of binary node i from its operands'. */
int expr_binary_dim(compiler *c, int i)
{
    node *nd = &c->nodes[i];
    const node *l = &c->nodes[nd->a], *r = &c->nodes[nd->b];
    switch ((enum op)nd->op) {
    case OP_ADD: return expr_same_dim(c, nd, l, r, "err.expr.dim_adds");
    case OP_SUB: return expr_same_dim(c, nd, l, r, "err.expr.dim_subtracts");
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
        if (expr_same_dim(c, nd, l, r, "err.expr.dim_compares") < 0)
            return -1;
        nd->dim = (ion_dimension){{0}};
        nd->free = 0;
        return 0;
    }
}
