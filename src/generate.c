#include "generate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "numfmt.h"
#include "rng.h"

int ion_worksheet_load(ion_bank *b, const char *name, ion_worksheet *w, ion_error *err)
{
    memset(w, 0, sizeof *w);
    int found = ion_bank_worksheet_get(b, name, &w->ws, err);
    if (found <= 0)
        return found;
    w->templates = calloc(w->ws.n, sizeof *w->templates);
    w->scale = calloc(w->ws.n, sizeof *w->scale);
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

/* `,"name":` (no comma before the first member). */
static void json_name(ion_strbuf *b, int first, const char *name)
{
    ion_strbuf_puts(b, first ? "\"" : ",\"");
    ion_strbuf_puts(b, name);
    ion_strbuf_puts(b, "\":");
}

static void json_string(ion_strbuf *b, const char *s)
{
    ion_strbuf_addch(b, '"');
    ion_strbuf_puts(b, s);
    ion_strbuf_addch(b, '"');
}

static void json_number(ion_strbuf *b, double v)
{
    char num[48];
    ion_strbuf_add(b, num, (size_t)ion_fmt_g(num, sizeof num, 17, v));
}

/* Names, ids and shown values are plain tokens (the loader and the bank
 * restrict them), so only quotes and backslashes could need escaping, and
 * they cannot occur; numbers are %.17g (ion_fmt_g: the same bytes, faster)
 * so the SI value round-trips. */
int ion_instance_json(const ion_instance *in, ion_strbuf *b)
{
    const ion_template *t = in->t;
    ion_strbuf_puts(b, "{\"params\":{");
    for (size_t i = 0, first = 1; i < t->nvars; i++) {
        if (t->vars[i].kind == ION_LET)
            continue;
        char v[64];
        json_name(b, (int)first, t->vars[i].name);
        json_string(b, ion_instance_value(in, (int)i, v, sizeof v));
        first = 0;
    }
    ion_strbuf_puts(b, "},\"lets\":{");
    for (size_t i = 0, first = 1; i < t->nvars; i++) {
        if (t->vars[i].kind != ION_LET)
            continue;
        const ion_val *x = &in->vals[i];
        json_name(b, (int)first, t->vars[i].name);
        if (x->type == ION_T_STR)
            json_string(b, x->str);
        else
            json_number(b, x->num);
        first = 0;
    }
    ion_strbuf_puts(b, "},\"answers\":{");
    for (size_t i = 0; i < t->nparts; i++) {
        const ion_part *p = &t->parts[i];
        const ion_part_inst *pi = &in->parts[i];
        json_name(b, i == 0, p->id);
        if (p->kind == ION_ANSWER_NUMERIC) {
            json_number(b, pi->answer.num);
        } else if (p->kind == ION_ANSWER_CHOICE) {
            json_string(b, pi->answer.str);
        } else {
            char letter[2] = {pi->letter, '\0'};
            json_string(b, letter);
        }
    }
    ion_strbuf_puts(b, "}}");
    return b->oom ? -1 : 0;
}

typedef struct {
    ion_bank *bank;
    const ion_worksheet *w;
    unsigned char secret[ION_BANK_SECRET_LEN];
    ion_instance *inst;
    ion_student_fn fn;
    void *ctx;
    ion_error *err;
    size_t index, count;
    ion_strbuf json;
    int code; /* why the run failed: an ION_GEN_E* code, 0 so far */
} run;

/* Fails with r->code set: ION_GEN_EVARIANT or ION_GEN_EDB. */
static int one_student(run *r, const char *id, const char *name)
{
    const ion_worksheet *w = r->w;
    r->code = ION_GEN_EVARIANT;
    for (size_t i = 0; i < w->ws.n; i++) {
        uint64_t seed = ion_seed_derive(r->secret, w->ws.name, id, (int)i + 1);
        if (ion_instance_generate(&r->inst[i], seed, r->err))
            return -1;
        ion_strbuf_reset(&r->json);
        r->code = ION_GEN_EDB;
        if (ion_instance_json(&r->inst[i], &r->json))
            return ion_fail(r->err, NULL, 0, "out of memory");
        const ion_bank_ws_problem *p = &w->ws.problems[i];
        if (ion_bank_instance_put(r->bank, w->ws.name, id, (int)i + 1, p->template_id, p->version, seed,
                                  r->json.s, r->err))
            return -1;
        r->code = ION_GEN_EVARIANT;
    }
    ion_student_sheet s = {w, id, name, r->inst, r->index++, r->count};
    if (r->fn(&s, r->ctx, r->err))
        return -1;
    r->code = 0;
    return 0;
}

static int count_student(const ion_bank_student *s, void *ctx)
{
    (void)s;
    ++*(size_t *)ctx;
    return 0;
}

static int course_student(const ion_bank_student *s, void *ctx)
{
    return one_student(ctx, s->id, s->name) ? -1 : 0;
}

/* Whether ids[i] is one of ids[0..i). */
static int named_before(const char *const *ids, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (!strcmp(ids[j], ids[i]))
            return 1;
    return 0;
}

int ion_generate(ion_bank *b, const ion_worksheet *w, const char *const *ids,
                 size_t n, ion_student_fn fn, void *ctx, ion_error *err)
{
    run r = {b, w, {0}, NULL, fn, ctx, err, 0, n, {0}, 0};
    int rc = ION_GEN_EDB;
    if (ion_bank_secret(b, r.secret, err))
        return ION_GEN_EDB;
    r.inst = calloc(w->ws.n, sizeof *r.inst);
    for (size_t i = 0; i < w->ws.n; i++)
        if (ion_instance_init(&r.inst[i], w->templates[i])) {
            ion_fail(err, NULL, 0, "out of memory");
            goto cleanup;
        }
    if (!n && ion_bank_student_list(b, w->ws.course, count_student, &r.count, err) < 0)
        goto cleanup;
    /* A student named twice is generated once: the key holds each student
     * one time (grade refuses a key that has one twice). */
    for (size_t i = 0; i < n; i++)
        if (named_before(ids, i))
            r.count--;
    if (ion_bank_begin(b, err))
        goto cleanup;
    if (n) {
        for (size_t i = 0; i < n; i++) {
            if (named_before(ids, i))
                continue;
            ion_bank_student_row s = {0};
            int found = ion_bank_student_get(b, w->ws.course, ids[i], &s, err);
            if (found == 0) {
                ion_fail(err, NULL, 0, "no student '%s' in course '%s'", ids[i], w->ws.course);
                r.code = ION_GEN_ENOSTUDENT;
            }
            int bad = found <= 0 || one_student(&r, s.id, s.name);
            ion_bank_student_release(&s);
            if (bad)
                goto rollback;
        }
    } else if (ion_bank_student_list(b, w->ws.course, course_student, &r, err) != 0) {
        goto rollback;
    }
    if (ion_bank_commit(b, err))
        goto rollback;
    rc = 0;
    goto cleanup;
rollback:
    ion_bank_rollback(b, NULL);
    if (r.code)
        rc = r.code;
cleanup:
    for (size_t i = 0; i < w->ws.n; i++)
        ion_instance_release(&r.inst[i]);
    free(r.inst);
    ion_strbuf_release(&r.json);
    return rc;
}
