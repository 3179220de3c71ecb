#include "generate.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "rng.h"

int ion_worksheet_load(ion_bank *b, const char *name, const char *course, ion_worksheet *w, ion_error *err)
{
    memset(w, 0, sizeof *w);
    int found = ion_bank_worksheet_get(b, name, course, &w->ws, err);
    if (found <= 0)
        return found;
    w->templates = calloc(w->ws.n + 1, sizeof *w->templates);
    w->scale = calloc(w->ws.n + 1, sizeof *w->scale);
    if (!w->templates || !w->scale) {
        ion_worksheet_release(w);
        return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    }
    for (size_t i = 0; i < w->ws.n; i++) {
        const ion_bank_ws_problem *p = &w->ws.problems[i];
        w->templates[i] = ion_catalog_load(b, p->template_id, p->version, err);
        if (!w->templates[i]) {
            ion_worksheet_release(w);
            return -1;
        }
        double total = 0;
        for (size_t k = 0; k < w->templates[i]->nparts; k++)
            total += w->templates[i]->parts[k].points;
        w->scale[i] = p->points >= 0 && total > 0 ? p->points / total : 1;
        w->max_points += total * w->scale[i];
    }
    return 1;
}

void ion_worksheet_release(ion_worksheet *w)
{
    if (w->templates)
        for (size_t i = 0; i < w->ws.n; i++)
            ion_template_free(w->templates[i]);
    free(w->templates);
    free(w->scale);
    ion_bank_worksheet_release(&w->ws);
    memset(w, 0, sizeof *w);
}

double ion_worksheet_part_points(const ion_worksheet *w, size_t i, size_t k)
{
    return w->templates[i]->parts[k].points * w->scale[i];
}

int ion_worksheet_instance(const ion_worksheet *w, size_t i, ion_instance *in, uint64_t seed, ion_error *err)
{
    if (ion_instance_generate(in, seed, err))
        return -1;
    for (size_t k = 0; k < in->t->nparts; k++)
        in->keys[k].points = ion_worksheet_part_points(w, i, k);
    return 0;
}

typedef struct {
    ion_bank *bank;
    const ion_worksheet *w;
    unsigned char secret[ION_BANK_SECRET_LEN];
    ion_instance *inst;
    const ion_generate_sink *sink;
    ion_error *err;
    char **named;       /* the named ids, sorted, each once (owned) */
    size_t nnamed, next;  /* next: the first named id not yet reached */
    size_t index, count;
    int counting;         /* a first pass that only counts the students */
    int code; /* why the run failed: an ION_GEN_E* code, 0 so far */
} run;

/* Fails with r->code set: ION_GEN_EVARIANT or ION_GEN_EDB. */
static int one_student(run *r, const char *id, const char *name, int own)
{
    const ion_worksheet *w = r->w;
    if (r->counting) {
        r->count++;
        return 0;
    }
    r->code = ION_GEN_EVARIANT;
    for (size_t i = 0; i < w->ws.n; i++) {
        uint64_t seed = ion_seed_derive(r->secret, w->ws.name, id, (int)i + 1);
        if (ion_worksheet_instance(w, i, &r->inst[i], seed, r->err))
            return -1;
        if (!own)
            continue; /* generated before: the same instance is stored */
        r->code = ION_GEN_EDB;
        const ion_bank_ws_problem *p = &w->ws.problems[i];
        if (ion_bank_instance_put(r->bank, w->ws.name, w->ws.course, id, (int)i + 1, p->template_id, p->version, seed,
                                  r->err))
            return -1;
        r->code = ION_GEN_EVARIANT;
    }
    ion_student_sheet s = {.w = w, .id = id, .name = name, .inst = r->inst, .n = w->ws.n, .index = r->index++, .count = r->count, .own = own};
    if (r->sink->student(&s, r->sink->ctx, r->err))
        return -1;
    r->code = 0;
    return 0;
}

static int course_student(const ion_bank_student *s, void *ctx)
{
    return one_student(ctx, s->id, s->name, 1) ? -1 : 0;
}

/* The named students whose ids sort before limit (NULL: all that are
 * left), in order. */
static int named_before(run *r, const char *limit)
{
    for (; r->next < r->nnamed && (!limit || strcmp(r->named[r->next], limit) < 0); r->next++) {
        const char *id = r->named[r->next];
        ion_bank_student_row s = {0};
        int found = ion_bank_student_get(r->bank, r->w->ws.course, id, &s, r->err);
        if (found == 0) {
            ion_fail_key(r->err, NULL, 0, "err.generate.no_student", "%s%s", id, r->w->ws.course);
            r->code = ION_GEN_ENOSTUDENT;
        } else if (found < 0) {
            r->code = found == ION_BANK_EINVAL ? ION_GEN_ENOSTUDENT : ION_GEN_EDB; /* ambiguous case */
        }
        int bad = found <= 0 || one_student(r, s.id, s.name, 1);
        ion_bank_student_release(&s);
        if (bad)
            return -1;
    }
    return 0;
}

/* A student generated before, in the merge with the named ones. */
static int generated_student(const ion_bank_student *s, void *ctx)
{
    run *r = ctx;
    if (named_before(r, s->id))
        return -1;
    int own = r->next < r->nnamed && !strcmp(r->named[r->next], s->id);
    r->next += (size_t)own;
    if (!own && s->withdrawn)
        return 0; /* off the roster: not in a whole class's key either */
    return one_student(r, s->id, s->name, own) ? -1 : 0;
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* r->named: ids sorted, each once (n log n: a class named one by one),
 * each as the roster has it ("S06" named is s06, found whatever its case,
 * so that the merge with the students generated before meets it); an id
 * not found stays as given, for named_before to report. Copies, owned. */
static int sort_named(run *r, const char *const *ids, size_t n)
{
    if (!n)
        return 0;
    if (!(r->named = calloc(n, sizeof *r->named)))
        return -1;
    for (size_t i = 0; i < n; i++) {
        ion_bank_student_row s = {0};
        int found = ion_bank_student_get(r->bank, r->w->ws.course, ids[i], &s, NULL);
        r->named[i] = strdup(found > 0 ? s.id : ids[i]);
        ion_bank_student_release(&s);
        if (!r->named[i])
            return -1;
        r->nnamed = i + 1;
    }
    qsort(r->named, n, sizeof *r->named, cmp_id);
    r->nnamed = 1;
    for (size_t i = 1; i < n; i++)
        if (strcmp(r->named[i], r->named[r->nnamed - 1]))
            r->named[r->nnamed++] = r->named[i];
        else
            free(r->named[i]);
    return 0;
}

/* One pass over the students of the run: the course, or the named ones
 * merged with those generated before. */
static int each_student(run *r)
{
    r->next = 0;
    if (!r->nnamed)
        return ion_bank_student_list(r->bank, r->w->ws.course, 0, course_student, r, r->err);
    if (ion_bank_generated_students(r->bank, r->w->ws.name, r->w->ws.course, generated_student, r, r->err))
        return -1;
    return named_before(r, NULL);
}

int ion_generate(ion_bank *b, const ion_worksheet *w, const char *const *ids,
                 size_t n, const ion_generate_sink *sink, ion_error *err)
{
    run r = {.bank = b, .w = w, .sink = sink, .err = err, .counting = 1};
    int rc = ION_GEN_EDB;
    if (ion_bank_secret(b, r.secret, err))
        return ION_GEN_EDB;
    r.inst = calloc(w->ws.n, sizeof *r.inst);
    for (size_t i = 0; r.inst && i < w->ws.n; i++)
        if (ion_instance_init(&r.inst[i], w->templates[i]))
            goto oom;
    if (!r.inst || sort_named(&r, ids, n))
        goto oom;
    if (ion_bank_begin(b, err))
        goto cleanup;
    /* Twice: first counting (for progress) and checking the named ids. */
    for (int pass = 0; pass < 2; pass++, r.counting = 0)
        if (each_student(&r)) {
            r.code = r.code ? r.code : ION_GEN_EDB;
            goto rollback;
        }
    if (sink->finish && sink->finish(sink->ctx, err)) {
        r.code = ION_GEN_EVARIANT;
        goto rollback;
    }
    if (ion_bank_commit(b, err))
        goto rollback;
    rc = 0;
    goto cleanup;
oom:
    ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    goto cleanup;
rollback:
    ion_bank_rollback(b, NULL);
    if (r.code)
        rc = r.code;
cleanup:
    for (size_t i = 0; r.inst && i < w->ws.n; i++)
        ion_instance_release(&r.inst[i]);
    free(r.inst);
    for (size_t i = 0; i < r.nnamed; i++)
        free(r.named[i]);
    free(r.named);
    return rc;
}
