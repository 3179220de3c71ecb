/* The answer key reader's shapes (gradekey_reader.h): a template version
 * compiled (its lets' expressions, its parts' answers) for the value
 * types a student's key gives (ion_var.type), what carried-forward
 * grading evaluates again. A key v2's <template> is itself the shape of
 * its students (another only for lets of other types); a v1 key's shape
 * is made of a student's problem. Students share them. */
#include "gradekey_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int shape_resolve(void *ctx, const char *name, size_t len, ion_type *type)
{
    const ion_template *sh = ctx;
    int slot = ion_template_slot(sh, name, len);
    if (slot >= 0)
        *type = sh->vars[slot].type;
    return slot;
}

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static int shape_fits(const ion_template *t, const key_reader *kr)
{
    if (t->version != kr->prob_version || strcmp(t->id, kr->prob_template) || t->nvars != kr->nvars ||
        t->nparts != kr->npsrc)
        return 0;
    for (size_t i = 0; i < t->nvars; i++)
        if (!same_str(t->vars[i].name, kr->vars[i].name) || !same_str(t->vars[i].src, kr->vars[i].expr) ||
            t->vars[i].type != kr->vars[i].type)
            return 0;
    for (size_t i = 0; i < t->nparts; i++)
        if (!same_str(t->parts[i].answer_src, kr->psrc[i]))
            return 0;
    /* the carries, which the reader holds in the order of their parts */
    size_t c = 0;
    for (size_t i = 0; i < t->nparts; i++)
        for (size_t j = 0; j < t->parts[i].ncarries; j++, c++)
            if (c == kr->ncarries || kr->carries[c].part != i || kr->carries[c].c.from != t->parts[i].carries[j].from ||
                kr->carries[c].c.slot != t->parts[i].carries[j].slot)
                return 0;
    return c == kr->ncarries;
}

/* key: err.key.let_expr or err.key.part_expr, about the let or part name. */
static int compile(key_reader *kr, ion_template *sh, const char *src, const char *key, const char *name,
                   ion_expr **out)
{
    ion_error e = {0};
    *out = ion_expr_compile(src, shape_resolve, sh, &e);
    if (*out)
        return 0;
    return kr_stop(kr, ion_fail_key(kr->err, kr->name, kr->prob_line, key, "%s%s%s", sh->id, name, e.msg));
}

static int compile_shape(key_reader *kr, ion_template *t);

/* The problem just read as a compiled template: its vars' names, units and
 * lets' expressions (the lets in evaluation order after the params), its
 * parts' answer expressions and carries. */
static int shape_of_problem(key_reader *kr, ion_template *t)
{
    for (size_t i = 0; i < kr->nvars; i++) {
        const tmp_var *kv = &kr->vars[i];
        ion_var *v = &t->vars[t->nvars++];
        v->kind = kv->expr ? ION_LET : ION_PARAM_FIXED;
        v->unit = ion_unit_find(kv->unit);
        v->digits = kr->prob_t ? kr->prob_t->vars[i].digits : 0; /* how feedback shows a let */
        v->type = kv->type;
        if (!(v->name = strdup(kv->name)) || (kv->expr && !(v->src = strdup(kv->expr))))
            return kr_oom(kr);
        if (kv->expr)
            t->let_order[t->nlets++] = i;
    }
    for (size_t i = 0; i < kr->npsrc; i++) {
        ion_part *p = &t->parts[t->nparts++];
        const char *id = kr->k->parts[kr->prob_part0 + i].id;
        snprintf(p->id, sizeof p->id, "%s", id + strspn(id, "0123456789"));
        if (kr->psrc[i] && !(p->answer_src = strdup(kr->psrc[i])))
            return kr_oom(kr);
    }
    for (size_t c = 0; c < kr->ncarries; c++) {
        ion_part *p = &t->parts[kr->carries[c].part];
        ion_carry *grown = realloc(p->carries, (p->ncarries + 1) * sizeof *grown);
        if (!grown)
            return kr_oom(kr);
        p->carries = grown;
        p->carries[p->ncarries++] = kr->carries[c].c;
    }
    return compile_shape(kr, t);
}

/* Compiles a shape's lets and part answers for its vars' types. */
static int compile_shape(key_reader *kr, ion_template *t)
{
    for (size_t i = kr_params(t); i < t->nvars; i++) {
        if (compile(kr, t, t->vars[i].src, "err.key.let_expr", t->vars[i].name, &t->vars[i].expr) < 0)
            return -1;
    }
    for (size_t i = 0; i < t->nparts; i++) {
        if (!t->parts[i].answer_src)
            continue;
        if (compile(kr, t, t->parts[i].answer_src, "err.key.part_expr", kr->k->parts[kr->prob_part0 + i].id,
                    &t->parts[i].answer) < 0)
            return -1;
    }
    return 0;
}

static const ion_template *make_shape(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    if (kr_grow(&k->shapes, &kr->cap_shapes, k->nshapes, sizeof *k->shapes) < 0) {
        kr_oom(kr);
        return NULL;
    }
    ion_template *t = calloc(1, sizeof *t);
    if (!t || !(t->vars = calloc(kr->nvars + 1, sizeof *t->vars)) ||
        !(t->let_order = calloc(kr->nvars + 1, sizeof *t->let_order)) || !(t->parts = calloc(kr->npsrc + 1, sizeof *t->parts)) || !(t->id = strdup(kr->prob_template))) {
        if (t)
            ion_template_free(t);
        kr_oom(kr);
        return NULL;
    }
    k->shapes[k->nshapes++] = t; /* owned by the key from here on */
    t->version = kr->prob_version;
    if (shape_of_problem(kr, t) < 0)
        return NULL;
    if (t->nvars > k->max_vars)
        k->max_vars = t->nvars;
    return t;
}

/* A key v2 template compiled itself for the value types of the problem
 * just read, its first: the shape of the students who have it, not a copy
 * of it (another shape only for students whose lets give other types). */
static const ion_template *template_as_shape(key_reader *kr, ion_template *t)
{
    ion_answer_key *k = kr->k;
    if (kr_grow(&k->shapes, &kr->cap_shapes, k->nshapes, sizeof *k->shapes) < 0) {
        kr_oom(kr);
        return NULL;
    }
    k->shapes[k->nshapes++] = t; /* still freed as the key's template */
    for (size_t i = 0; i < t->nvars; i++)
        t->vars[i].type = kr->vars[i].type;
    if (compile_shape(kr, t) < 0)
        return NULL;
    if (t->nvars > k->max_vars)
        k->max_vars = t->nvars;
    return t;
}

const ion_template *kr_shape(key_reader *kr)
{
    ion_answer_key *k = kr->k;
    /* A v2 template's last shape first: its strings are the same pointers. */
    const ion_template **last = kr->prob_t ? &kr->tshape[kr->prob_tindex] : NULL;
    const ion_template *sh = last && *last && shape_fits(*last, kr) ? *last : NULL;
    for (size_t i = k->nshapes; i-- > 0 && !sh;)
        if (shape_fits(k->shapes[i], kr))
            sh = k->shapes[i];
    if (!sh && last && !*last && kr->prob_t->nparts == kr->npsrc)
        sh = template_as_shape(kr, k->templates[kr->prob_tindex]);
    else if (!sh)
        sh = make_shape(kr);
    if (sh && last)
        *last = sh;
    return sh;
}
