/* A generated worksheet read back from the database (classroom.h). */
#include "classroom.h"
#include "text.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "submission.h"

void ion_link_token(const unsigned char secret[ION_BANK_SECRET_LEN], const char *course,
                    const char *worksheet, const char *student, char out[ION_TOKEN_LEN + 1])
{
    /* A context string, so that no other use of the secret gives the same
     * bytes; NULs keep ("ab", "c") apart from ("a", "bc"). */
    static const char context[] = "ionsheet link token v1";
    unsigned char mac[ION_TOKEN_BYTES];
    crypto_generichash_state st;
    crypto_generichash_init(&st, secret, ION_BANK_SECRET_LEN, sizeof mac);
    crypto_generichash_update(&st, (const unsigned char *)context, sizeof context);
    crypto_generichash_update(&st, (const unsigned char *)course, strlen(course) + 1);
    crypto_generichash_update(&st, (const unsigned char *)worksheet, strlen(worksheet) + 1);
    crypto_generichash_update(&st, (const unsigned char *)student, strlen(student) + 1);
    crypto_generichash_final(&st, mac, sizeof mac);
    sodium_bin2base64(out, ION_TOKEN_LEN + 1, mac, sizeof mac,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int ion_token_decode(const char *text, size_t len, unsigned char out[ION_TOKEN_BYTES])
{
    size_t got = 0;
    const char *end = NULL;
    if (len != ION_TOKEN_LEN)
        return -1;
    if (sodium_base642bin(out, ION_TOKEN_BYTES, text, len, NULL, &got, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        got != ION_TOKEN_BYTES || end != text + len)
        return -1;
    return 0;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

typedef struct {
    ion_classroom *c;
    size_t cap;
    int oom;
} list_ctx;

static int add_student(const ion_bank_student *s, void *ctx)
{
    list_ctx *l = ctx;
    ion_classroom *c = l->c;
    if (c->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        ion_class_student *p = realloc(c->students, cap * sizeof *p);
        if (!p)
            return l->oom = 1;
        c->students = p;
        l->cap = cap;
    }
    ion_class_student *st = &c->students[c->n];
    memset(st, 0, sizeof *st);
    st->id = strdup(s->id);
    st->name = strdup(s->name);
    st->email = dup_or_null(s->email);
    st->seeds = calloc(c->w.ws.n ? c->w.ws.n : 1, sizeof *st->seeds);
    c->n++;
    if (!st->id || !st->name || (s->email && !st->email) || !st->seeds)
        return l->oom = 1;
    return 0;
}

static void student_free(ion_class_student *s)
{
    free(s->id);
    free(s->name);
    free(s->email);
    free(s->seeds);
}

/* Keeps the students whose every problem is stored with the worksheet's
 * pinned template version, and takes their seeds (the seed rebuilds the
 * instance). */
static int keep_generated(ion_bank *b, ion_classroom *c, ion_error *err)
{
    size_t kept = 0;
    for (size_t i = 0; i < c->n; i++) {
        ion_class_student *s = &c->students[i];
        int complete = 1;
        for (size_t p = 0; complete && p < c->w.ws.n; p++) {
            const ion_bank_ws_problem *pin = &c->w.ws.problems[p];
            int found = ion_bank_instance_seed(b, c->w.ws.name, c->w.ws.course, s->id, (int)p + 1,
                                               pin->template_id, pin->version, &s->seeds[p], err);
            if (found < 0)
                return -1;
            complete = found;
        }
        if (complete)
            c->students[kept++] = *s;
        else
            student_free(s);
    }
    c->n = kept;
    return 0;
}

int ion_classroom_instances(const ion_classroom *c, size_t i, ion_instance *inst, ion_error *err)
{
    for (size_t p = 0; p < c->w.ws.n; p++)
        if (ion_worksheet_instance(&c->w, p, &inst[p], c->students[i].seeds[p], err))
            return -1;
    return 0;
}

static void instances_free(ion_instance *inst, size_t n)
{
    for (size_t p = 0; inst && p < n; p++)
        ion_instance_release(&inst[p]);
    free(inst);
}

static ion_instance *instances_new(const ion_worksheet *w)
{
    ion_instance *inst = calloc(w->ws.n ? w->ws.n : 1, sizeof *inst);
    for (size_t p = 0; inst && p < w->ws.n; p++)
        if (ion_instance_init(&inst[p], w->templates[p])) {
            instances_free(inst, w->ws.n);
            return NULL;
        }
    return inst;
}

/* Student i's sheet for the key, generated again from their seeds. */
typedef struct {
    const ion_classroom *c;
    ion_instance *inst;
} class_sheets;

static int class_sheet(void *ctx, size_t i, ion_student_sheet *s, ion_error *err)
{
    class_sheets *x = ctx;
    const ion_classroom *c = x->c;
    if (ion_classroom_instances(c, i, x->inst, err))
        return -1;
    *s = (ion_student_sheet){.w = &c->w, .id = c->students[i].id, .name = c->students[i].name, .inst = x->inst,
                             .n = c->w.ws.n, .index = i, .count = c->n, .own = 1};
    return 0;
}

/* The key of the stored variants, built from the sheets (grade.h). */
static int make_key(ion_classroom *c, ion_error *err)
{
    class_sheets x = {c, instances_new(&c->w)};
    if (!x.inst)
        return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    c->key = ion_answer_key_from_sheets(&c->w, c->n, class_sheet, &x, err);
    instances_free(x.inst, c->w.ws.n);
    return c->key ? 0 : -1;
}

int ion_classroom_load(ion_bank *b, const char *name, const char *course, ion_classroom *c,
                       ion_error *err)
{
    unsigned char secret[ION_BANK_SECRET_LEN];
    memset(c, 0, sizeof *c);
    int found = ion_worksheet_load(b, name, course, &c->w, err);
    if (found <= 0)
        return found == ION_BANK_EINVAL ? -1 : found;
    list_ctx l = {c, 0, 0};
    if (ion_bank_generated_students(b, name, c->w.ws.course, add_student, &l, err) < 0 || l.oom) {
        if (l.oom)
            ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        goto fail;
    }
    if (keep_generated(b, c, err) || ion_bank_secret(b, secret, err))
        goto fail;
    for (size_t i = 0; i < c->n; i++)
        ion_link_token(secret, c->w.ws.course, name, c->students[i].id, c->students[i].token);
    sodium_memzero(secret, sizeof secret);
    if (c->n && make_key(c, err))
        goto fail;
    return 1;
fail:
    ion_classroom_release(c);
    return -1;
}

void ion_classroom_release(ion_classroom *c)
{
    for (size_t i = 0; i < c->n; i++)
        student_free(&c->students[i]);
    free(c->students);
    ion_answer_key_free(c->key);
    ion_worksheet_release(&c->w);
    memset(c, 0, sizeof *c);
}

long ion_classroom_find(const ion_classroom *c, const char *id)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) { /* the bank lists students by id, bytewise */
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(c->students[mid].id, id);
        if (!cmp)
            return (long)mid;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* s on one line: line breaks (and other control characters) become spaces. */
static void put_one_line(ion_strbuf *b, const char *s)
{
    for (; *s; s++)
        ion_strbuf_addch(b, (unsigned char)*s < 0x20 ? ' ' : *s);
}

char *ion_classroom_answer_file(const ion_classroom *c, size_t i, size_t n,
                                const char *const *parts, const char *const *answers, size_t *len)
{
    ion_strbuf b = {0};
    ion_strbuf_printf(&b, "worksheet: %s\nstudent: %s\n", c->w.ws.name, c->students[i].id);
    for (size_t k = 0; k < n; k++) {
        put_one_line(&b, parts[k]);
        ion_strbuf_puts(&b, ": ");
        put_one_line(&b, answers[k]);
        ion_strbuf_puts(&b, "\n");
    }
    return ion_strbuf_detach(&b, len);
}

/* ---- the recorded gradebook ---- */

typedef struct {
    const ion_classroom *c;
    ion_bank *b;
    ion_gradebook *gb;
    ion_error *err;
    int64_t latest;     /* the student's latest submission so far */
    char student[ION_BANK_ID_MAX + 1];
    char file[256];
    ion_status status;  /* of the latest: GRADED, REFUSED or CONFLICT */
    char *reason;       /* REFUSED, CONFLICT: why */
    size_t nparts, cap; /* the latest submission's answers */
    char **parts, **answers;
    int failed;
} replay;

static int take_latest(const ion_bank_submission *s, void *ctx)
{
    replay *r = ctx;
    r->latest = s->id;
    snprintf(r->student, sizeof r->student, "%s", s->student);
    snprintf(r->file, sizeof r->file, "%s", s->source_file);
    r->status = s->status;
    free(r->reason);
    r->reason = r->status != ION_STATUS_GRADED ? strdup(s->reason ? s->reason : "") : NULL;
    if (r->status != ION_STATUS_GRADED && !r->reason)
        r->failed = 1;
    return 1; /* the latest comes first */
}

static void answers_clear(replay *r)
{
    for (size_t k = 0; k < r->nparts; k++) {
        free(r->parts[k]);
        free(r->answers[k]);
    }
    r->nparts = 0;
}

/* Adds (part, the answer text[0..n)) to the answers to replay; 0, or 1
 * when out of memory. */
static int add_replayed(replay *r, const char *part, const char *text, size_t n)
{
    if (r->nparts == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        char **p = realloc(r->parts, cap * sizeof *p), **a;
        if (p)
            r->parts = p;
        a = p ? realloc(r->answers, cap * sizeof *a) : NULL;
        if (!a)
            return 1;
        r->answers = a;
        r->cap = cap;
    }
    r->parts[r->nparts] = strdup(part);
    r->answers[r->nparts] = strndup(text, n);
    r->nparts++;
    return !r->parts[r->nparts - 1] || !r->answers[r->nparts - 1];
}

static int take_answer(const ion_bank_grade *g, void *ctx)
{
    replay *r = ctx;
    /* blank: the grader sees it as blank again. A part answered on several
     * lines was recorded one answer a line: given again so. */
    for (const char *a = g->answer, *end; a; a = *end ? end + 1 : NULL) {
        end = a + strcspn(a, "\n");
        if (add_replayed(r, g->part_id, a, (size_t)(end - a)))
            return 1;
    }
    return 0;
}

static int grade_one(const ion_submission *s, void *ctx)
{
    replay *r = ctx;
    return ion_gradebook_grade(r->gb, s, NULL, NULL, NULL, r->err) < 0;
}

/* Grades student i's latest recorded submission, if any. */
static int replay_student(replay *r, size_t i, ion_sub_parser *parser)
{
    const ion_classroom *c = r->c;
    r->latest = 0;
    answers_clear(r);
    if (ion_bank_submission_list(r->b, c->w.ws.course, c->w.ws.name, c->students[i].id, take_latest, r, r->err) < 0)
        return -1;
    if (r->failed)
        return ion_fail_key(r->err, NULL, 0, "err.out_of_memory", "-");
    if (!r->latest)
        return 0;
    /* What `grade` found instead of a file it could grade, as it said it. */
    if (r->status != ION_STATUS_GRADED)
        return ion_gradebook_set_status(r->gb, i, r->status, r->reason) < 0
                   ? ion_fail_key(r->err, NULL, 0, "err.out_of_memory", "-")
                   : 0;
    int rc = ion_bank_grade_list(r->b, r->latest, take_answer, r, r->err);
    if (rc < 0)
        return -1;
    size_t len;
    char *text = rc ? NULL
                    : ion_classroom_answer_file(c, i, r->nparts, (const char *const *)r->parts,
                                                (const char *const *)r->answers, &len);
    if (!text)
        return ion_fail_key(r->err, NULL, 0, "err.out_of_memory", "-");
    rc = ion_sub_parse(parser, text, len, r->file, grade_one, r, r->err);
    free(text);
    return rc ? -1 : 0;
}

ion_gradebook *ion_classroom_gradebook(const ion_classroom *c, ion_bank *b, const char *lang,
                                       ion_error *err)
{
    if (!c->key) {
        ion_fail_key(err, NULL, 0, "err.classroom.not_generated", "%s%s", c->w.ws.name, c->w.ws.name);
        return NULL;
    }
    replay r = {c, b, ion_gradebook_new(c->key, lang), err, 0, "", "", ION_STATUS_GRADED, NULL, 0, 0, NULL, NULL, 0};
    ion_sub_parser *parser = ion_sub_parser_new(NULL);
    if (!r.gb || !parser) {
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        r.failed = 1;
    }
    for (size_t i = 0; !r.failed && i < c->n; i++)
        r.failed = replay_student(&r, i, parser) != 0;
    answers_clear(&r);
    free(r.parts);
    free(r.answers);
    free(r.reason);
    ion_sub_parser_free(parser);
    if (r.failed) {
        ion_gradebook_free(r.gb);
        return NULL;
    }
    return r.gb;
}
