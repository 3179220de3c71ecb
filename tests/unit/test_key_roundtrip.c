/* The answer key's XML round trip over every shipped template: what the
 * generator made for each student (the instances' part keys, which the
 * PDFs, the answer files and the drill use) is what the grader reads back
 * from the key.xml written of them, field for field, numbers to the bit,
 * and the one judge gives every answer around each part's tolerance
 * limits (and its mistakes') the same verdict and credit with either.
 * Run from the repository root. */
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "generate.h"
#include "grade.h"
#include "gradekey.h"
#include "judge.h"
#include "render.h"
#include "template.h"
#include "test_common.h"
#include "test_partkey.h"

/* Each of 90 templates for this many students: fast enough under
 * valgrind (about 25 s there); 100 were run by hand. */
#ifndef STUDENTS
#define STUDENTS 6
#endif

static temp_bank *own;

/* Student i's id and name (names that the XML must escape). */
static void student(size_t i, char *id, size_t n, const char **name)
{
    static const char *const names[] = {"Ada Li", "李华", "Zoë \"Z\" <Brown>", "O'Neil & Sons", "Nguyễn Văn A"};
    snprintf(id, n, "s%03zu", i + 1);
    *name = names[i % (sizeof names / sizeof *names)];
}

/* The sheet of student i in the key read back. */
static const ion_student_sheet *read_sheet(const ion_answer_key *k, size_t i)
{
    return &k->students[i].sheet;
}

typedef struct {
    size_t lets, lets_moved;  /* numeric lets, and those not the generator's SI value to the bit */
    int64_t ulps;             /* the most they moved, in units in the last place */
    size_t cases, verdicts[ION_VERDICT_RIGHT + 1];
} tally;

/* Problem `where` as generated (a) and as read back (b): the same
 * template, the params as printed, the lets as their units hold them (by
 * name: the key's template lists params, then lets in evaluation order),
 * each part key to the bit. */
static void same_instance(const ion_instance *a, const ion_instance *b, const char *where, tally *tl)
{
    const ion_template *ta = a->t, *tb = b->t;
    same_str(ta->id, tb->id, "template", where);
    assert_int_equal(ta->nvars, tb->nvars);
    assert_int_equal(ta->nparts, tb->nparts);
    char sa[64], sb[64];
    for (size_t v = 0; v < ta->nvars; v++) {
        int w = ion_template_slot(tb, ta->vars[v].name, strlen(ta->vars[v].name));
        assert_true(w >= 0);
        same_str(ion_instance_value(a, (int)v, sa, sizeof sa), ion_instance_value(b, w, sb, sizeof sb),
                 ta->vars[v].name, where);
        if (ta->vars[v].kind != ION_LET)
            continue;
        assert_int_equal(a->vals[v].type, b->vals[w].type);
        same_str(a->vals[v].str, b->vals[w].str, ta->vars[v].name, where);
        /* A let is in the key exactly in its own unit (%.17g), and read
         * back into SI: to the bit what that conversion gives, which may be
         * an ulp or two from the generator's SI value (and -0 is +0). */
        const ion_unit *u = ta->vars[v].unit;
        if (a->vals[v].type != ION_T_NUM)
            continue;
        same_double(ion_to_si(u, ion_from_si(u, a->vals[v].num)), b->vals[w].num, ta->vars[v].name, where);
        tl->lets++;
        int64_t x, y;
        memcpy(&x, &a->vals[v].num, sizeof x);
        memcpy(&y, &b->vals[w].num, sizeof y);
        if ((x ^ y) >= 0) { /* the same sign: adjacent doubles are adjacent integers */
            int64_t d = x > y ? x - y : y - x;
            tl->ulps = d > tl->ulps ? d : tl->ulps;
        }
        tl->lets_moved += x != y;
    }
    for (size_t q = 0; q < ta->nparts; q++) {
        char at[240];
        snprintf(at, sizeof at, "%s part %s", where, ta->parts[q].id);
        same_part_key(&a->keys[q], &b->keys[q], at);
    }
}

/* answer judged against the generated part key and the one read back. */
static void same_judgement(const ion_part_key *a, const ion_part_key *b, const char *answer, const char *where,
                           tally *t)
{
    ion_judgement ja, jb;
    ion_judge_part(a, answer, &ja);
    ion_judge_part(b, answer, &jb);
    if (ja.verdict != jb.verdict)
        fail_msg("%s answer '%s': %s (generated) != %s (read back)", where, answer, ion_verdict_name(ja.verdict),
                 ion_verdict_name(jb.verdict));
    same_double(ja.credit, jb.credit, "credit", where);
    assert_int_equal(ja.mistake, jb.mistake);
    assert_int_equal(ja.note, jb.note);
    assert_int_equal(ja.chosen, jb.chosen);
    t->cases++;
    t->verdicts[ja.verdict]++;
}

/* A number written exactly (%.17g) and, with the part's unit, as a student
 * would (%.6g). */
static void number_both_ways(const ion_part_key *a, const ion_part_key *b, double x, const char *where, tally *t)
{
    char text[96];
    snprintf(text, sizeof text, "%.17g", x);
    same_judgement(a, b, text, where, t);
    snprintf(text, sizeof text, "%.6g %s", x, ion_unit_label(a->unit));
    same_judgement(a, b, text, where, t);
}

/* x, x ± tol, and the doubles just past x ± tol. */
static void around(const ion_part_key *a, const ion_part_key *b, double x, double tol, const char *where, tally *t)
{
    const double at[] = {x, x + tol, x - tol, nextafter(x + tol, INFINITY), nextafter(x - tol, -INFINITY),
                         x + tol * 1.0000001, x - tol * 1.0000001};
    for (size_t i = 0; i < sizeof at / sizeof *at; i++)
        number_both_ways(a, b, at[i], where, t);
}

/* Answers around the part's limits: the value and its tolerance, the
 * generic slips (x1000, /1000, the other sign), each mistake and its
 * tolerance; for a choice or mcq every id and letter and a stranger. */
static void judge_alike(const ion_part_key *a, const ion_part_key *b, const char *where, tally *t)
{
    if (a->kind == ION_ANSWER_NUMERIC) {
        around(a, b, a->value, ion_judge_tolerance(a->value, a->tol_abs, a->tol_rel), where, t);
        const double slips[] = {a->value * 1000, a->value / 1000, -a->value};
        for (size_t i = 0; i < 3; i++)
            around(a, b, slips[i], ion_judge_mistake_tolerance(slips[i], a->value, a->tol_abs, a->tol_rel), where, t);
        for (size_t m = 0; m < a->nmistakes; m++) {
            double x = a->mistakes[m].value;
            around(a, b, x, ion_judge_mistake_tolerance(x, a->value, a->tol_abs, a->tol_rel), where, t);
        }
        return;
    }
    for (size_t i = 0; i < a->nids; i++) {
        same_judgement(a, b, a->ids[i], where, t);
        if (a->letters) {
            char letter[2] = {a->letters[i], '\0'};
            same_judgement(a, b, letter, where, t);
        }
    }
    same_judgement(a, b, "nothing of the kind", where, t);
}

static int setup(void **state)
{
    (void)state;
    own = temp_bank_new(sizeof *own, 1);
    glob_t gl;
    assert_int_equal(glob("problems/*.xml", 0, NULL, &gl), 0);
    ion_import_stats st;
    ion_error err = {0};
    if (ion_import(own->b, (const char *const *)gl.gl_pathv, gl.gl_pathc, "schema/problem.xsd", NULL, NULL, &st, &err))
        fail_msg("import: %s", err.msg);
    globfree(&gl);
    assert_true(st.added >= 90);
    assert_int_equal(ion_bank_course_ensure(own->b, "PHYS2", &err), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    temp_bank_free(own);
    return 0;
}

/* Every shipped template in one worksheet, STUDENTS students: the key
 * written (ion_key_student, as generate does), read back whole
 * (ion_answer_key_parse, validated by the XSD) and compared with the
 * instances it was written from. */
static void test_every_template(void **state)
{
    (void)state;
    ion_error err = {0};
    ion_template_list l = {0};
    glob_t gl;
    assert_int_equal(glob("problems/*.xml", 0, NULL, &gl), 0);
    for (size_t i = 0; i < gl.gl_pathc; i++)
        if (ion_templates_load(gl.gl_pathv[i], NULL, &l, &err))
            fail_msg("%s: %s", gl.gl_pathv[i], err.msg);
    globfree(&gl);
    const char **ids = calloc(l.n, sizeof *ids);
    assert_non_null(ids);
    for (size_t i = 0; i < l.n; i++)
        ids[i] = l.items[i]->id;
    if (ion_bank_worksheet_create(own->b, "all", "PHYS2", "Every \"template\" <&>", NULL, l.n, ids, NULL, &err))
        fail_msg("worksheet: %s", err.msg);
    free(ids);
    ion_worksheet w;
    assert_int_equal(ion_worksheet_load(own->b, "all", NULL, &w, &err), 1);
    assert_true(w.ws.n >= 90);

    /* Generate: every student's instances kept for the comparison. */
    ion_instance *inst = calloc(STUDENTS * w.ws.n, sizeof *inst);
    assert_non_null(inst);
    char *xml = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&xml, &len);
    ion_key_writer *k = ion_key_begin(f, &w);
    assert_non_null(k);
    for (size_t s = 0; s < STUDENTS; s++) {
        ion_instance *mine = &inst[s * w.ws.n];
        for (size_t p = 0; p < w.ws.n; p++) {
            assert_int_equal(ion_instance_init(&mine[p], w.templates[p]), 0);
            if (ion_worksheet_instance(&w, p, &mine[p], 0x9e3779b97f4a7c15ULL * (s + 1) + 7919 * p, &err))
                fail_msg("%s: %s", w.templates[p]->id, err.msg);
        }
        char id[16];
        const char *name;
        student(s, id, sizeof id, &name);
        ion_student_sheet sheet = {.w = &w, .id = id, .name = name, .inst = mine, .n = w.ws.n, .index = s,
                                   .count = STUDENTS, .own = 1};
        assert_int_equal(ion_key_student(k, &sheet), 0);
    }
    assert_int_equal(ion_key_end(k), 0);
    assert_int_equal(fclose(f), 0);

    /* Read back and compare. */
    ion_answer_key *key = ion_answer_key_parse(xml, len, "key.xml", "schema/answer-key.xsd", &err);
    if (!key)
        fail_msg("%s:%d: %s", err.file, err.line, err.msg);
    assert_int_equal(ion_answer_key_students(key), STUDENTS);
    tally t = {0};
    size_t parts = 0;
    for (size_t s = 0; s < STUDENTS; s++) {
        char id[16], where[200];
        const char *name;
        student(s, id, sizeof id, &name);
        assert_string_equal(ion_answer_key_student_id(key, s), id);
        assert_string_equal(ion_answer_key_student_name(key, s), name);
        const ion_student_sheet *back = read_sheet(key, s);
        assert_int_equal(back->n, w.ws.n);
        for (size_t p = 0; p < w.ws.n; p++) {
            const ion_instance *a = &inst[s * w.ws.n + p], *b = &back->inst[p];
            snprintf(where, sizeof where, "%s problem %zu (%s)", id, p + 1, a->t->id);
            same_instance(a, b, where, &t);
            for (size_t q = 0; q < a->t->nparts; q++, parts++)
                judge_alike(&a->keys[q], &b->keys[q], where, &t);
        }
    }
    print_message("%zu students, %zu problems, %zu parts, %zu answers judged alike (right %zu, partial %zu, "
                  "wrong %zu, invalid %zu), key %zu bytes; %zu of %zu lets read back off the generator's SI value, by at most %lld ulp\n",
                  (size_t)STUDENTS, STUDENTS * w.ws.n, parts, t.cases, t.verdicts[ION_VERDICT_RIGHT],
                  t.verdicts[ION_VERDICT_PARTIAL], t.verdicts[ION_VERDICT_WRONG], t.verdicts[ION_VERDICT_INVALID],
                  len, t.lets_moved, t.lets, (long long)t.ulps);
    /* The answers reached each side of the limits. */
    assert_true(t.verdicts[ION_VERDICT_RIGHT] >= parts);
    assert_true(t.verdicts[ION_VERDICT_PARTIAL] > parts / 4);
    assert_true(t.verdicts[ION_VERDICT_WRONG] > parts / 4);
    assert_true(t.verdicts[ION_VERDICT_INVALID] > 0);

    ion_answer_key_free(key);
    free(xml);
    for (size_t i = 0; i < STUDENTS * w.ws.n; i++)
        ion_instance_release(&inst[i]);
    free(inst);
    ion_worksheet_release(&w);
    ion_template_list_release(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_template),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
