/* The expression engine's stack machine (expr_int.h): it runs the
 * bytecode expr_emit.c makes, for ion_expr_eval (here) and for the
 * compiler's folding. */
#include <math.h>
#include <string.h>

#include "core.h"
#include "expr_int.h"

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
int expr_run(const instr *code, size_t n, const ion_val *slots, double *num,
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
            const fn_row *f = &expr_fn_table[ip->a];
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

int ion_expr_eval(const ion_expr *e, const ion_val *slots, ion_val *out)
{
    double num;
    const char *str;
    int rc = expr_run(e->code, e->ncode, slots, &num, &str);
    if (rc != ION_OK)
        return rc;
    out->type = e->type;
    out->num = num;
    out->str = str;
    return ION_OK;
}
