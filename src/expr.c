/* The expression engine: a recursive-descent parser builds a small tree,
 * type-checking and folding constants as each node is made; the tree is
 * then flattened into bytecode for a stack machine with two stacks (numbers
 * and bools on one, strings on the other; types are known at compile time,
 * so values carry no tags). Folding runs the very same machine on the
 * node's constant operands, so folded and evaluated results cannot differ. */
#include "expr_int.h"

#include <stdlib.h>
#include <string.h>

#include "core.h"

int expr_line_of(const char *src, int pos)
{
    int line = 1;
    for (int i = 0; i < pos; i++)
        line += src[i] == '\n';
    return line;
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
int expr_quoted(const node *nd, int cap)
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

/* The message for a constant operation that failed. */
static int fail_fold(compiler *c, int i, int rc)
{
    const node *nd = &c->nodes[i];
    if (nd->kind == N_CALL) {
        const fn_row *f = &expr_fn_table[nd->c];
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
    expr_emit_node(c, &m, i);
    node *nd = &c->nodes[i];
    int rc = expr_run(buf, (size_t)m.n, NULL, &nd->num, &nd->str);
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
    if (expr_binary_dim(c, i) < 0)
        return -1;
    return is_const(c, l) && is_const(c, r) ? fold(c, i) : i;
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
        if (expr_same_dim(c, &both, &c->nodes[a], &c->nodes[b], "err.expr.dim_branches") < 0)
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
        return fail(c, pos, ion_text_plural(ion_text_lang(), "err.expr.arity", f->min), "%s%d%d", f->name, f->min, n);
    if (f->max == f->min + 1)
        return fail(c, pos, "err.expr.arity_or", "%s%d%d%d", f->name, f->min, f->max, n);
    if (n < f->min)
        return fail(c, pos, "err.expr.arity_min", "%s%d%d", f->name, f->min, n);
    return fail(c, pos, "err.expr.arity_max", "%s%d%d", f->name, f->max, n);
}

static int mk_call(compiler *c, int fn, int pos, int len, int args, int n)
{
    const fn_row *f = &expr_fn_table[fn];
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
    if (expr_call_dim(c, &c->nodes[i], f, args) < 0)
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
        return expr_next(c) < 0 ? -2 : -1;
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
            if (expr_next(c) < 0)
                return -2;
            continue;
        }
        if (c->tok.kind == T_RP)
            return expr_next(c) < 0 ? -2 : first;
        if (c->tok.kind == T_END)
            fail(c, open, "err.expr.paren_missing", "-");
        else
            expr_syntax_error(c);
        return -2;
    }
}

static int parse_name(compiler *c)
{
    token t = c->tok;
    const char *name = c->src + t.pos;
    size_t n = (size_t)t.len;
    if (expr_next(c) < 0)
        return -1;
    if (c->tok.kind == T_LP) {
        int is_if = expr_name_is(name, n, "if"), fn = expr_find_fn(name, n);
        if (!is_if && fn < 0)
            return fail(c, t.pos, "err.expr.unknown_function", "%.*s", t.len, name);
        int open = c->tok.pos, nargs;
        if (enter(c, open) < 0 || expr_next(c) < 0)
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
    if (expr_name_is(name, n, "if"))
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
    int k = expr_find_const(name, n);
    if (k < 0)
        return fail(c, t.pos, "err.expr.unknown_name", "%.*s", t.len > 60 ? 60 : t.len, name);
    int i = const_node(c, ION_T_NUM, expr_constants[k].value, t.pos, t.len);
    if (i >= 0)
        c->nodes[i].dim = expr_constants[k].dim;
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
        return expr_next(c) < 0 ? -1 : i;
    case T_STR:
        i = new_node(c, N_CONST, ION_T_STR, t.pos, t.len);
        if (i >= 0) {
            c->nodes[i].what = W_LITERAL;
            c->nodes[i].soff = t.soff;
            c->nodes[i].str = c->pool + t.soff;
        }
        return expr_next(c) < 0 ? -1 : i;
    case T_NAME:
        return parse_name(c);
    case T_LP:
        if (enter(c, t.pos) < 0 || expr_next(c) < 0)
            return -1;
        i = parse_expr(c);
        if (i < 0)
            return -1;
        if (c->tok.kind == T_END)
            return fail(c, t.pos, "err.expr.paren_missing", "-");
        if (c->tok.kind != T_RP)
            return expr_syntax_error(c);
        c->depth--;
        c->nodes[i].paren = 1;
        return expr_next(c) < 0 ? -1 : span_to_here(c, i, t.pos);
    default:
        return expr_syntax_error(c);
    }
}

/* primary ['^' unary]: right-associative, tighter than unary minus. */
static int parse_power(compiler *c)
{
    int l = parse_primary(c);
    if (l < 0 || c->tok.kind != T_CARET)
        return l;
    token t = c->tok;
    if (enter(c, t.pos) < 0 || expr_next(c) < 0)
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
    if (enter(c, t.pos) < 0 || expr_next(c) < 0)
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
        if (expr_next(c) < 0)
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
    if (expr_next(&c) < 0)
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
        expr_syntax_error(&c);
        goto cleanup;
    }
    expr_generate(&c, root, &e);
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
