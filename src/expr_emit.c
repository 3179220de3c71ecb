/* The expression engine's code generation (expr_int.h): the tree
 * flattened into bytecode, then copied into one block with its refs and
 * string pool. */
#include <stdlib.h>
#include <string.h>

#include "expr_int.h"

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
void expr_emit_node(const compiler *c, emitter *m, int i)
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
        expr_emit_node(c, m, nd->a);
        emit(m, nd->op, 0, 0, 0);
        break;
    case N_BINARY:
        expr_emit_node(c, m, nd->a);
        r = &c->nodes[nd->b];
        if (nd->op == OP_SEQ || nd->op == OP_SNE) {
            expr_emit_node(c, m, nd->b);
            emit(m, nd->op, 0, 1, -2);
        } else if (r->kind == N_CONST) {
            at = emit(m, nd->op, 0, 0, 0);
            m->code[at].m = M_CONST;
            m->code[at].k.num = r->num;
        } else if (r->kind == N_SLOT) {
            at = emit(m, nd->op, r->a, 0, 0);
            m->code[at].m = M_SLOT;
        } else {
            expr_emit_node(c, m, nd->b);
            emit(m, nd->op, 0, -1, 0);
        }
        break;
    case N_AND:
    case N_OR:
        expr_emit_node(c, m, nd->a);
        at = emit(m, nd->kind == N_AND ? OP_ANDJ : OP_ORJ, 0, -1, 0);
        expr_emit_node(c, m, nd->b);
        emit(m, OP_BOOL, 0, 0, 0);
        patch(m, at);
        break;
    case N_IF:
        expr_emit_node(c, m, nd->a);
        at = emit(m, OP_JZ, 0, -1, 0);
        ns = m->ns;
        ss = m->ss;
        expr_emit_node(c, m, nd->b);
        jmp = emit(m, OP_JMP, 0, 0, 0);
        m->ns = ns; /* the else branch starts from the same stacks */
        m->ss = ss;
        patch(m, at);
        expr_emit_node(c, m, nd->c);
        patch(m, jmp);
        break;
    case N_CALL:
        for (int a = nd->a; a >= 0; a = c->nodes[a].next)
            expr_emit_node(c, m, a);
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

int expr_generate(compiler *c, int root, ion_expr **out)
{
    emitter m = {.cap = 2 * c->nnodes + 2};
    m.code = malloc((size_t)m.cap * sizeof(instr));
    if (!m.code)
        return fail(c, 0, "err.out_of_memory", "-");
    expr_emit_node(c, &m, root);
    int rc = 0;
    if (m.overflow || m.max_ns > NS_MAX || m.max_ss > SS_MAX)
        rc = fail(c, 0, "err.expr.complex", "-");
    else if (!(*out = finish(c, &m, &c->nodes[root])))
        rc = fail(c, 0, "err.out_of_memory", "-");
    free(m.code);
    return rc;
}
