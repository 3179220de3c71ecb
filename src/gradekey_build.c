/* The answer key (gradekey.h) built straight from sheets just generated:
 * the server has every student's instances already, so it needs neither
 * key.xml nor its reader. The key is the one a v2 key of those sheets
 * (render_key.c) reads back into (gradekey_student.c), to the bit, so
 * that a web submission is graded as `grade` grades the same answers
 * with key.xml; tests/unit/test_keybuild.c compares the two field by
 * field and grade by grade.
 *
 * The instances point at the worksheet's own templates (the bank's,
 * compiled already: no shapes to compile), and each value is copied as
 * the key gives it (as_key_gives): a key v2 writes a param as printed and
 * a let in its own unit, which the reader brings back to SI, and writes
 * no unit, tolerance or number for a choice or mcq part. Everything else
 * of a part key is exact in the key, and copied as it is. */
#include "gradekey.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "printed.h"
#include "text.h"

typedef struct {
    ion_answer_key *k;
    const char *name; /* the worksheet's, for messages */
    ion_error *err;
} builder;

static int oom(builder *b)
{
    return ion_fail_key(b->err, b->name, 0, "err.out_of_memory", "-");
}

/* The instance's values as the key gives them back: a param read from its
 * printed text (kept as printed, the instance's shown), a let from its
 * exact value in its unit, both in SI again; a string interned. */
static int as_key_gives(builder *b, const ion_instance *src, ion_val *vals, const char **shown)
{
    const ion_template *t = src->t;
    char printed[64];
    for (size_t v = 0; v < t->nvars; v++) {
        const ion_var *var = &t->vars[v];
        const ion_val *x = &src->vals[v];
        vals[v] = (ion_val){x->type, 0, NULL};
        shown[v] = NULL;
        if (x->type == ION_T_STR) {
            if (!(vals[v].str = ion_arena_intern(b->k->mem, x->str)))
                return oom(b);
        } else if (var->kind == ION_LET) {
            vals[v].num = ion_to_si(var->unit, ion_from_si(var->unit, x->num));
        } else { /* interned: a class shares a few values of each param */
            ion_instance_value(src, (int)v, printed, sizeof printed);
            if (!(shown[v] = ion_arena_intern(b->k->mem, printed)))
                return oom(b);
            vals[v].num = ion_to_si(var->unit, strtod(printed, NULL));
        }
    }
    return 0;
}

/* Where the next part's arrays go in its instance's block. */
typedef struct {
    ion_judge_mistake *mistakes;
    key_feedback *feedback;
    const char **ids;
} carve;

/* A part key as the key gives it back, its arrays carved from at, and
 * the grader's view of it (kp) its mistakes' feedback: the template
 * part's, filled in when graded. */
static int part_key(builder *b, const ion_part *tp, const ion_part_key *src, ion_part_key *pk, key_part *kp,
                    carve *at)
{
    ion_arena *mem = b->k->mem;
    *pk = *src;
    if (pk->kind == ION_ANSWER_NUMERIC) {
        pk->answer = NULL;
        pk->ids = NULL;
        pk->letters = NULL;
        pk->nids = 0;
    } else {
        pk->unit = NULL;
        pk->value = pk->tol_abs = pk->tol_rel = 0;
        if (!(pk->answer = ion_arena_intern(mem, src->answer)))
            return oom(b);
        if (pk->kind == ION_ANSWER_MCQ) { /* the order shown is the student's own */
            memcpy(at->ids, src->ids, pk->nids * sizeof *at->ids);
            pk->ids = at->ids;
            at->ids += pk->nids;
        }
    }
    pk->mistakes = pk->nmistakes ? at->mistakes : NULL;
    kp->feedback = pk->nmistakes ? at->feedback : NULL;
    for (size_t i = 0; i < pk->nmistakes; i++) {
        ion_judge_mistake *m = at->mistakes++;
        *m = src->mistakes[i];
        if (m->str && !(m->str = ion_arena_intern(mem, m->str)))
            return oom(b);
        const ion_i18n *text = &tp->mistakes[m->source].feedback;
        *at->feedback++ = (key_feedback){*text, 1};
    }
    return 0;
}

/* Student i's problem p (src) as the key's instance in, its arrays in one
 * block of the arena, and the grader's view of its parts from *col on. */
static int add_instance(builder *b, key_student *st, size_t p, const ion_instance *src, size_t *col)
{
    ion_answer_key *k = b->k;
    const ion_template *t = src->t;
    size_t nv = t->nvars, np = t->nparts, nm = 0, na = 0;
    for (size_t q = 0; q < np; q++) {
        nm += src->keys[q].nmistakes;
        na += src->keys[q].kind == ION_ANSWER_MCQ ? src->keys[q].nids : 0;
    }
    /* Every array's elements are aligned as pointers are: one after another. */
    char *block = ion_arena_alloc(k->mem, nv * sizeof(ion_val) + np * sizeof(ion_part_key) +
                                              nm * (sizeof(ion_judge_mistake) + sizeof(key_feedback)) +
                                              (nv + na) * sizeof(char *) + 1);
    if (!block)
        return oom(b);
    ion_val *vals = (ion_val *)block;
    ion_part_key *keys = (ion_part_key *)(vals + nv);
    carve at = {(ion_judge_mistake *)(keys + np), NULL, NULL};
    at.feedback = (key_feedback *)(at.mistakes + nm);
    const char **shown = (const char **)(at.feedback + nm);
    at.ids = shown + nv;
    ion_instance *in = &k->insts[st->inst0 + p];
    *in = (ion_instance){.t = t, .seed = src->seed, .draws = src->draws, .vals = vals, .keys = keys, .shown = shown};
    if (as_key_gives(b, src, vals, shown) < 0)
        return -1;
    for (size_t q = 0; q < np; q++, (*col)++) {
        key_part *kp = &k->parts[st->part0 + *col];
        *kp = (key_part){.id = k->columns[*col], .column = *col, .inst = st->inst0 + p, .index = q};
        if (part_key(b, &t->parts[q], &src->keys[q], &keys[q], kp, &at) < 0)
            return -1;
        st->max += keys[q].points;
    }
    return 0;
}

/* Student i, their sheet s: their instances and the grader's view of
 * their parts, at their own place in the key's arrays. */
static int add_student(builder *b, size_t i, const ion_student_sheet *s, size_t nparts)
{
    ion_answer_key *k = b->k;
    key_student *st = &k->students[i];
    st->sheet = (ion_student_sheet){.w = s->w, .id = ion_arena_strdup(k->mem, s->id),
                                    .name = ion_arena_strdup(k->mem, s->name), .n = s->n, .index = i, .own = 1};
    st->inst0 = i * s->n;
    st->part0 = i * nparts;
    st->nparts = nparts;
    if (!st->sheet.id || !st->sheet.name)
        return oom(b);
    size_t col = 0;
    for (size_t p = 0; p < s->n; p++)
        if (add_instance(b, st, p, &s->inst[p], &col) < 0)
            return -1;
    return 0;
}

/* The key's own strings and arrays, sized for n students of w: every
 * student has w's problems, so nothing grows. */
static int key_arrays(builder *b, const ion_worksheet *w, size_t n, size_t nparts)
{
    ion_answer_key *k = b->k;
    k->worksheet = ion_arena_strdup(k->mem, w->ws.name);
    k->course = ion_arena_strdup(k->mem, w->ws.course);
    k->title = ion_arena_strdup(k->mem, w->ws.title ? w->ws.title : "");
    if (!k->worksheet || !k->course || !k->title)
        return oom(b);
    if (n > (SIZE_MAX - 1) / (nparts + w->ws.n + 1))
        return oom(b);
    k->students = calloc(n + 1, sizeof *k->students);
    k->insts = calloc(n * w->ws.n + 1, sizeof *k->insts);
    k->parts = calloc(n * nparts + 1, sizeof *k->parts);
    k->columns = calloc(nparts + 1, sizeof *k->columns);
    if (!k->students || !k->insts || !k->parts || !k->columns)
        return oom(b);
    for (size_t p = 0; p < w->ws.n; p++) {
        const ion_template *t = w->templates[p];
        char id[32];
        for (size_t q = 0; q < t->nparts; q++)
            if (!(k->columns[k->ncolumns++] = ion_arena_strdup(k->mem, ion_printed_part_id(p, &t->parts[q], id, sizeof id))))
                return oom(b);
        if (t->nvars > k->max_vars)
            k->max_vars = t->nvars;
    }
    k->max_parts = nparts;
    return 0;
}

/* Whether sheet s is one of w's: the key's arrays were sized for w's
 * problems and parts. */
static int of_worksheet(const ion_student_sheet *s, const ion_worksheet *w)
{
    if (s->w != w || s->n != w->ws.n || !s->id || !s->name)
        return 0;
    for (size_t p = 0; p < s->n; p++)
        if (s->inst[p].t != w->templates[p])
            return 0;
    return 1;
}

ion_answer_key *ion_answer_key_from_sheets(const ion_worksheet *w, size_t n, ion_sheet_fn sheet, void *ctx,
                                           ion_error *err)
{
    ion_answer_key *k = calloc(1, sizeof *k);
    builder b = {k, w->ws.name, err};
    if (!k || !(k->mem = ion_arena_new())) {
        free(k);
        ion_fail_key(err, w->ws.name, 0, "err.out_of_memory", "-");
        return NULL;
    }
    k->loaded_mem = k->mem;
    k->fd = -1;
    k->whole = 1;
    k->version = 2;
    size_t nparts = 0;
    for (size_t p = 0; p < w->ws.n; p++)
        nparts += w->templates[p]->nparts;
    int bad = key_arrays(&b, w, n, nparts) < 0;
    k->name = k->worksheet;
    for (size_t i = 0; !bad && i < n; i++) {
        ion_student_sheet s = {0};
        bad = sheet(ctx, i, &s, err) < 0;
        if (!bad && !of_worksheet(&s, w))
            bad = ion_fail_key(err, w->ws.name, 0, "err.classroom.key", "%s", w->ws.name) < 0;
        bad = bad || add_student(&b, i, &s, nparts) < 0;
        k->nstudents += !bad;
    }
    k->ninsts = k->nstudents * w->ws.n;
    k->nparts = k->nstudents * nparts;
    if (bad || key_finish(k, w->ws.name, err) < 0) {
        ion_answer_key_free(k);
        return NULL;
    }
    return k;
}
