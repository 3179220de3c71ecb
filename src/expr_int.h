/* The expression engine's inside, shared by its files (expr.h is the
 * public side; README "Layout"): expr.c the compiler (the tree's nodes with
 * their type checks and folding, the parser, the public calls),
 * expr_lex.c the lexer, expr_dim.c the dimension checks, expr_emit.c the
 * code generator, expr_vm.c the stack machine (and ion_expr_eval),
 * expr_builtins.c the functions and constants. Nothing outside them
 * includes this. */
#ifndef ION_EXPR_INT_H
#define ION_EXPR_INT_H

#include <stdint.h>

#include "expr.h"
#include "text.h"
#include "units.h"

#define NS_MAX 256 /* number stack cells: the machine's fixed frame */
#define SS_MAX 64  /* string stack cells */

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

/* The function rows, in expr_builtins.c. */
extern const fn_row expr_fn_table[];

/* A power with no real value: the pow row's message, and a folded ^'s. */
#define POW_MSG "err.expr.pow_domain"

/* The constants R F N_A pi e. */
typedef struct {
    const char *name;
    double value;
    ion_dimension dim; /* m kg s A K mol */
} expr_const;
extern const expr_const expr_constants[];

/* 1 when s (n bytes) is name. */
int expr_name_is(const char *s, size_t n, const char *name);
/* The row of function s (n bytes) in expr_fn_table, or -1. */
int expr_find_fn(const char *s, size_t n);
/* The index of constant s (n bytes) in expr_constants, or -1. */
int expr_find_const(const char *s, size_t n);

/* ------------------------------------------------------------------ */
/* The machine (expr_vm.c)                                              */

/* Runs code with slots: ION_OK and the result in *num or *str, or an
 * error code. */
int expr_run(const instr *code, size_t n, const ion_val *slots, double *num,
             const char **str);

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

/* The line of byte pos of src: 1 + the newlines before it. */
int expr_line_of(const char *src, int pos);

/* fail(c, pos, KEY, SIG, ...): the catalogue's message KEY (ion_fail_key,
 * text.h) at the line of pos; only the first failure is kept. */
#define fail(c, pos, ...)                                                                          \
    ((c)->failed ? -1                                                                              \
                 : ((c)->failed = 1, ion_fail_key((c)->err, "", expr_line_of((c)->src, (pos)), __VA_ARGS__)))

/* ---- the lexer (expr_lex.c) ---- */

/* The next token into c->tok; -1 on a lexical error. */
int expr_next(compiler *c);
/* The error for an unexpected token c->tok (always -1). */
int expr_syntax_error(compiler *c);

/* ---- nodes (expr.c) ---- */

/* How many bytes of node nd a message quotes. */
int expr_quoted(const node *nd, int cap);

/* ---- dimensions (expr_dim.c) ---- */

/* Operands that must share one dimension: nd gets it, or the error key. */
int expr_same_dim(compiler *c, node *nd, const node *l, const node *r, const char *key);
/* A call's arguments against row f's signature. */
int expr_call_dim(compiler *c, node *nd, const fn_row *f, int args);
/* Binary node i's dimension. */
int expr_binary_dim(compiler *c, int i);

/* ---- code generation (expr_emit.c) ---- */

/* Node i's code into m (also the compiler's folding). */
void expr_emit_node(const compiler *c, emitter *m, int i);
/* The bytecode of the tree under root into a new *out; 0, or -1 failed. */
int expr_generate(compiler *c, int root, ion_expr **out);

#endif
