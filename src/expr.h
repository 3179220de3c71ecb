/* The expression language of problem templates (SPEC.md "Expressions").
 *
 * An expression is compiled once, at import or load, into a flat bytecode
 * for a small stack machine; constant sub-expressions are folded then, so a
 * constant error ("z = 0 in nernst", "log of a non-positive number") is a
 * compile error. Evaluation allocates nothing and never yields NaN or
 * infinity: it returns an error code instead.
 *
 * Every quantity is in SI base units; a unit literal such as -70[mV] or
 * 37[C] is converted to SI at compile time. */
#ifndef ION_EXPR_H
#define ION_EXPR_H

#include <stddef.h>

#include "error.h"
#include "units.h"

#define ION_EXPR_MAX_LEN 4096 /* bytes of source */
#define ION_EXPR_MAX_DEPTH 64 /* nested parentheses, calls and operators */
#define ION_EXPR_MAX_ARGS 64  /* arguments of one function call */

typedef enum { ION_T_NUM = 1, ION_T_STR = 2, ION_T_BOOL = 3 } ion_type;

/* A value. For ION_T_STR, str points into the compiled expression's
 * constant pool, to a static string ("outward", ...) or to a string the
 * caller passed in a slot; it stays valid while both live. A bool has num
 * 0 or 1 (and a number may stand where a bool is needed: non-zero is true). */
typedef struct {
    ion_type type;
    double num;
    const char *str;
} ion_val;

typedef struct ion_expr ion_expr;

/* Resolves the variable `name` (len bytes, not NUL-terminated) to a slot
 * index >= 0 and sets *type (ION_T_NUM when left unset), or returns -1 when
 * the name is unknown. Names the resolver knows shadow the constants
 * R F N_A pi e (see ion_expr_reserved). */
typedef int (*ion_resolve_fn)(void *ctx, const char *name, size_t len,
                              ion_type *type);

/* Compiles the NUL-terminated src; resolve may be NULL (no variables).
 * Returns a new expression the caller frees with ion_expr_free, or NULL with
 * err (when not NULL) filled: err->file is "", err->line is 1 + the number
 * of newlines in src before the error (the caller adds the XML element's
 * line), err->msg says what is wrong, e.g. "unknown name 'Kx'". */
ion_expr *ion_expr_compile(const char *src, ion_resolve_fn resolve, void *ctx,
                           ion_error *err);

/* The dimension of slot `slot` (one the resolver gave) into *dim; -1 when
 * unknown, and then the slot fits any dimension. */
typedef int (*ion_slot_dim_fn)(void *ctx, int slot, ion_dimension *dim);

/* The same, with dimensions checked: every number carries its SI
 * dimension (a unit literal its unit's, a bare number none, a literal 0
 * any, R F N_A theirs, a slot what slot_dim says), and a volt plus a
 * number, a comparison of unlike quantities, a ln of a concentration, a
 * function argument of the wrong dimension are compile errors quoting the
 * sub-expression. ion_expr_compile is this with slot_dim NULL: slots of
 * unknown dimension. */
ion_expr *ion_expr_compile_dim(const char *src, ion_resolve_fn resolve, ion_slot_dim_fn slot_dim,
                               void *ctx, ion_error *err);

/* The dimension of e's number into *dim; -1 when it is unknown (it
 * depends on a slot of unknown dimension) or e gives a choice id. */
int ion_expr_dimension(const ion_expr *e, ion_dimension *dim);

/* The type of the value the expression gives. e, here and below, is an
 * expression ion_expr_compile returned (never NULL). */
ion_type ion_expr_type(const ion_expr *e);

/* Evaluates e with slots[i] the value of slot i (the indexes the resolver
 * gave; slots may be NULL when ion_expr_refs gives 0). Returns ION_OK and
 * fills *out, or a negative ion_err code from core.h and leaves *out alone:
 * the core's codes, or ION_EDOMAIN for ln/log10 of a number <= 0, sqrt of a
 * negative number, division by zero, a power with no real value, any
 * non-finite result, or a slot whose type or value does not fit (a string
 * slot where the expression was compiled for a number, NaN, ...). */
int ion_expr_eval(const ion_expr *e, const ion_val *slots, ion_val *out);

/* The distinct slot indexes e reads, in first-use order, into slots[0..max)
 * (slots may be NULL when max is 0). Returns their count, which may exceed
 * max. Branches removed by constant folding (if(1, a, b)) read nothing. */
size_t ion_expr_refs(const ion_expr *e, int *slots, size_t max);

/* 1 when name (len bytes) is a constant (R F N_A pi e), which a variable
 * of that name would shadow, or "if", which cannot be a variable; else 0.
 * A template loader can refuse such parameter names. Function names are
 * free: nernst(...) is a call, a bare nernst a variable. */
int ion_expr_reserved(const char *name, size_t len);

/* Frees e; NULL is fine. */
void ion_expr_free(ion_expr *e);

#endif
