/* The answer key built from generated sheets (ion_answer_key_from_sheets,
 * gradekey_build.c) against the same sheets' key.xml written (v2) and read
 * back (ion_answer_key_parse): for every shipped template, by family, in
 * worksheets with and without points overrides, every field the grader
 * reads must be the same, numbers to the bit, and the same submissions
 * (right, mistaken, slipped, carried forward) must be graded the same, in
 * English and Chinese. Run from the repository root. */
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "generate.h"
#include "grade.h"
#include "gradekey.h"
#include "printed.h"
#include "render.h"
#include "submission.h"
#include "template.h"
#include "test_common.h"
#include "test_partkey.h"

#define STUDENTS 8

static temp_bank *own;

static const char *const ids[STUDENTS] = {"s01", "s02", "s03", "s04", "s05", "s06", "s07", "s08"};
static const char *const names[STUDENTS] = {"Ada Li", "李华", "Zoë \"Z\" <Brown>", "Omar", "O'Neil & Sons",
                                            "王 小明", "Émile", "Nguyễn Văn A"};

/* The sheets of one worksheet: generated for student i on demand, and
 * written into key.xml as they are handed to the builder. */
typedef struct {
    const ion_worksheet *w;
    ion_instance *inst;
    ion_key_writer *writer;
    int fail_at; /* the student whose sheet fails, or -1 */
} sheets;

static int next_sheet(void *ctx, size_t i, ion_student_sheet *s, ion_error *err)
{
    sheets *x = ctx;
    if ((int)i == x->fail_at)
        return ion_fail(err, NULL, 0, "interrupted");
    for (size_t p = 0; p < x->w->ws.n; p++)
        if (ion_worksheet_instance(x->w, p, &x->inst[p], 0x9e3779b97f4a7c15ULL * (i + 1) + 977 * p, err))
            return -1;
    *s = (ion_student_sheet){.w = x->w, .id = ids[i], .name = names[i], .inst = x->inst, .n = x->w->ws.n,
                             .index = i, .count = STUDENTS, .own = 1};
    return x->writer ? ion_key_student(x->writer, s) : 0;
}

/* Student i's sheet, its instances whatever x holds (not generated). */
static int wrong_sheet(void *ctx, size_t i, ion_student_sheet *s, ion_error *err)
{
    sheets *x = ctx;
    (void)err;
    *s = (ion_student_sheet){.w = x->w, .id = ids[i], .name = names[i], .inst = x->inst, .n = x->w->ws.n,
                             .index = i, .count = STUDENTS, .own = 1};
    return 0;
}

/* The slot of the var named name in t. */
static size_t slot_of(const ion_template *t, const char *name)
{
    int s = ion_template_slot(t, name, strlen(name));
    assert_true(s >= 0);
    return (size_t)s;
}

/* Problem p of a student in both keys: the template, its values (by
 * name: a key's template lists params, then lets in evaluation order;
 * the bank's in the author's order), the params as printed, the carries. */
static void same_instance(const ion_instance *a, const ion_instance *b, const char *where)
{
    const ion_template *ta = a->t, *tb = b->t;
    same_str(ta->id, tb->id, "template", where);
    assert_int_equal(ta->nvars, tb->nvars);
    assert_int_equal(ta->nlets, tb->nlets);
    assert_int_equal(ta->nparts, tb->nparts);
    char sa[64], sb[64];
    for (size_t v = 0; v < ta->nvars; v++) {
        size_t w = slot_of(tb, ta->vars[v].name);
        assert_int_equal(ta->vars[v].kind == ION_LET, tb->vars[w].kind == ION_LET);
        assert_int_equal(ta->vars[v].digits, tb->vars[w].kind == ION_LET ? tb->vars[w].digits : 0);
        assert_int_equal(a->vals[v].type, b->vals[w].type);
        same_double(a->vals[v].num, b->vals[w].num, ta->vars[v].name, where);
        same_str(a->vals[v].str, b->vals[w].str, ta->vars[v].name, where);
        same_str(ion_instance_value(a, (int)v, sa, sizeof sa), ion_instance_value(b, (int)w, sb, sizeof sb),
                 ta->vars[v].name, where);
    }
    for (size_t l = 0; l < ta->nlets; l++) /* the same evaluation order */
        same_str(ta->vars[ta->let_order[l]].name, tb->vars[tb->let_order[l]].name, "let order", where);
    for (size_t q = 0; q < ta->nparts; q++) {
        const ion_part *pa = &ta->parts[q], *pb = &tb->parts[q];
        same_str(pa->id, pb->id, "part", where);
        same_str(pa->answer_src, pb->answer_src, "expression", where);
        assert_int_equal(pa->answer != NULL, pb->answer != NULL);
        assert_int_equal(pa->ncarries, pb->ncarries);
        for (size_t c = 0; c < pa->ncarries; c++) {
            assert_int_equal(pa->carries[c].from, pb->carries[c].from);
            same_str(ta->vars[pa->carries[c].slot].name, tb->vars[pb->carries[c].slot].name, "carry", where);
        }
    }
}

/* Every field of the key the grader reads, read (a) against built (b). */
static void same_key(const ion_answer_key *a, const ion_answer_key *b)
{
    same_str(a->worksheet, b->worksheet, "worksheet", "key");
    same_str(a->course, b->course, "course", "key");
    same_str(a->title, b->title, "title", "key");
    assert_int_equal(a->whole, 1);
    assert_int_equal(b->whole, 1);
    assert_int_equal(a->nstudents, b->nstudents);
    assert_int_equal(a->ncolumns, b->ncolumns);
    for (size_t j = 0; j < a->ncolumns; j++)
        same_str(a->columns[j], b->columns[j], "column", "key");
    assert_int_equal(a->max_parts, b->max_parts);
    assert_int_equal(a->ninsts, b->ninsts);
    assert_int_equal(a->nparts, b->nparts);
    assert_true(b->max_vars >= a->max_vars);
    for (size_t i = 0; i < a->nstudents; i++) {
        const key_student *sa = &a->students[i], *sb = &b->students[i];
        char where[160];
        snprintf(where, sizeof where, "%s student %s", a->worksheet, sa->sheet.id);
        same_str(sa->sheet.id, sb->sheet.id, "id", where);
        same_str(sa->sheet.name, sb->sheet.name, "name", where);
        assert_int_equal(ion_answer_key_find(a, sa->sheet.id), (long)i);
        assert_int_equal(ion_answer_key_find(b, sa->sheet.id), (long)i);
        char upper[16];
        snprintf(upper, sizeof upper, "S%s", sa->sheet.id + 1);
        assert_int_equal(ion_answer_key_find(b, upper), ion_answer_key_find(a, upper));
        same_double(sa->max, sb->max, "max", where);
        assert_int_equal(sa->nparts, sb->nparts);
        assert_int_equal(sa->sheet.n, sb->sheet.n);
        assert_int_equal(sa->sheet.count, sb->sheet.count);
        for (size_t p = 0; p < sa->sheet.n; p++)
            same_instance(&sa->sheet.inst[p], &sb->sheet.inst[p], where);
        for (size_t j = 0; j < sa->nparts; j++) {
            const key_part *pa = &a->parts[sa->part0 + j], *pb = &b->parts[sb->part0 + j];
            char at[200];
            snprintf(at, sizeof at, "%s part %s", where, pa->id);
            same_str(pa->id, pb->id, "part", at);
            assert_int_equal(pa->column, pb->column);
            assert_int_equal(pa->index, pb->index);
            assert_ptr_equal(&a->insts[pa->inst], &sa->sheet.inst[pa->inst - sa->inst0]);
            assert_ptr_equal(&b->insts[pb->inst], &sb->sheet.inst[pb->inst - sb->inst0]);
            const ion_part_key *ka = key_part_key(a, pa), *kb = key_part_key(b, pb);
            same_part_key(ka, kb, at);
            ion_strbuf fa = {0}, fb = {0};
            for (size_t m = 0; m < ka->nmistakes; m++)
                for (int zh = 0; zh < 2; zh++) {
                    const char *lang = zh ? "zh" : "en";
                    assert_int_equal(pa->feedback[m].markup, pb->feedback[m].markup);
                    assert_int_equal(pa->feedback[m].text.n, pb->feedback[m].text.n);
                    same_str(ion_i18n_only(&pa->feedback[m].text, lang), ion_i18n_only(&pb->feedback[m].text, lang),
                             "feedback markup", at);
                    const char *ta = ion_key_feedback(a, pa, m, lang, &fa), *tb = ion_key_feedback(b, pb, m, lang, &fb);
                    same_str(ta, tb, "feedback", at);
                }
            ion_strbuf_release(&fa);
            ion_strbuf_release(&fb);
        }
    }
}

/* ---- the same submissions graded against both ---- */

/* Part j's value with the student's own answers to the parts it carries
 * from (numbers in `given`, in their parts' units; NAN: none): what the
 * grader recomputes (grade.c carried_value), done here the plain way, to
 * write answers that are carried forward. 0 when it has none. */
static int carried(const ion_instance *in, size_t q, const double *given, double *out)
{
    const ion_template *t = in->t;
    const ion_part *p = &t->parts[q];
    if (!p->ncarries || !p->answer)
        return 0;
    ion_val vals[64];
    unsigned char pinned[64] = {0};
    assert_true(t->nvars <= 64);
    memcpy(vals, in->vals, t->nvars * sizeof *vals);
    for (size_t c = 0; c < p->ncarries; c++) {
        const ion_carry *kc = &p->carries[c];
        pinned[kc->slot] = 1;
        if (!isnan(given[kc->from]))
            vals[kc->slot] = (ion_val){ION_T_NUM, ion_to_si(in->keys[kc->from].unit, given[kc->from]), NULL};
    }
    for (size_t l = 0; l < t->nlets; l++) {
        size_t v = t->let_order[l];
        if (!pinned[v] && ion_expr_eval(t->vars[v].expr, vals, &vals[v]) != 0)
            return 0;
    }
    ion_val r;
    if (ion_expr_eval(p->answer, vals, &r) != 0 || r.type != ION_T_NUM)
        return 0;
    *out = ion_from_si(in->keys[q].unit, r.num);
    return 1;
}

/* One answer of `how` to part key k: 0 right, 1 a mistake (else a
 * slip for a number, another choice or letter), 2 right (a choice or
 * mcq: submission() writes the numbers). */
static void answer_text(ion_strbuf *b, const ion_part_key *k, int how)
{
    char buf[96];
    if (k->kind != ION_ANSWER_NUMERIC) {
        const char *pick = k->answer;
        if (how == 1 && k->nmistakes && k->mistakes[0].str)
            pick = k->mistakes[0].str;
        else if (how == 1) /* another choice or letter */
            for (size_t i = 0; i < k->nids; i++)
                if (strcmp(k->ids[i], k->answer) && (!k->letters || k->letters[i] != k->answer[0]))
                    pick = k->letters ? (buf[0] = k->letters[i], buf[1] = '\0', buf) : k->ids[i];
        ion_strbuf_puts(b, pick);
        return;
    }
    if (how == 0) {
        ion_strbuf_puts(b, ion_part_key_text(k, buf, sizeof buf));
        return;
    }
    double v = k->nmistakes ? k->mistakes[0].value : k->value * 1000;
    ion_strbuf_printf(b, "%.10g %s", v, ion_unit_label(k->unit));
}

typedef struct {
    ion_gradebook *gb[2][2]; /* [read, built][en, zh] */
    int carried, partial;
} grading;

static int grade_both(const ion_submission *s, void *ctx)
{
    grading *g = ctx;
    const ion_result *r[2][2];
    for (int k = 0; k < 2; k++)
        for (int l = 0; l < 2; l++) {
            ion_error err = {0};
            if (ion_gradebook_grade(g->gb[k][l], s, &r[k][l], NULL, NULL, &err))
                fail_msg("grade: %s", err.msg);
        }
    for (int l = 0; l < 2; l++) {
        const ion_result *a = r[0][l], *b = r[1][l];
        same_double(a->total, b->total, "total", s->student);
        same_double(a->max, b->max, "max", s->student);
        assert_int_equal(a->student, b->student);
        assert_int_equal(a->nparts, b->nparts);
        for (size_t j = 0; j < a->nparts; j++) {
            const ion_part_result *pa = &a->parts[j], *pb = &b->parts[j];
            same_str(pa->part_id, pb->part_id, "part", s->student);
            assert_int_equal(pa->column, pb->column);
            assert_int_equal(pa->verdict, pb->verdict);
            same_double(pa->score, pb->score, "score", pa->part_id);
            same_double(pa->points, pb->points, "points", pa->part_id);
            same_str(pa->answer, pb->answer, "answer", pa->part_id);
            same_str(pa->key, pb->key, "key", pa->part_id);
            same_str(pa->feedback, pb->feedback, "feedback", pa->part_id);
            same_str(pa->note, pb->note, "note", pa->part_id);
            g->carried += l == 0 && pa->verdict == ION_VERDICT_CARRIED;
            g->partial += l == 0 && pa->verdict == ION_VERDICT_PARTIAL && pa->feedback;
        }
        size_t la, lb;
        char *fa = ion_gradebook_feedback(g->gb[0][l], a->student, &la);
        char *fb = ion_gradebook_feedback(g->gb[1][l], b->student, &lb);
        same_str(fa, fb, "feedback file", s->student);
        free(fa);
        free(fb);
    }
    return 0;
}

/* Student i's answers: right (how 0), mistaken (1), or numbers off by a
 * fifth with the parts that carry from them answered with the value
 * carried forward (2), as an answer file. */
static char *submission(const ion_answer_key *k, size_t i, int how, size_t *len)
{
    const key_student *st = &k->students[i];
    ion_strbuf b = {0};
    ion_strbuf_printf(&b, "worksheet: %s\nstudent: %s\n", k->worksheet, st->sheet.id);
    for (size_t p = 0, j = 0; p < st->sheet.n; p++) {
        const ion_instance *in = &st->sheet.inst[p];
        double given[32];
        assert_true(in->t->nparts <= 32);
        for (size_t q = 0; q < in->t->nparts; q++, j++) {
            const ion_part_key *pk = &in->keys[q];
            double c;
            char num[32];
            ion_strbuf_printf(&b, "%s: ", k->parts[st->part0 + j].id);
            given[q] = NAN;
            if (how == 2 && pk->kind == ION_ANSWER_NUMERIC) {
                /* the number as written is the number the grader reads */
                snprintf(num, sizeof num, "%.10g", carried(in, q, given, &c) ? c : pk->value * 1.2);
                ion_strbuf_printf(&b, "%s %s", num, ion_unit_label(pk->unit));
                given[q] = strtod(num, NULL);
            } else {
                answer_text(&b, pk, how);
            }
            ion_strbuf_puts(&b, "\n");
        }
    }
    return ion_strbuf_detach(&b, len);
}

static void grade_same(const ion_answer_key *read, const ion_answer_key *built, grading *g)
{
    const char *langs[] = {"en", "zh"};
    for (int l = 0; l < 2; l++) {
        assert_non_null(g->gb[0][l] = ion_gradebook_new(read, langs[l]));
        assert_non_null(g->gb[1][l] = ion_gradebook_new(built, langs[l]));
    }
    ion_sub_parser *parser = ion_sub_parser_new(NULL);
    assert_non_null(parser);
    for (size_t i = 0; i < built->nstudents; i++)
        for (int how = 0; how < 3; how++) {
            size_t len;
            char *text = submission(built, i, how, &len), file[32];
            snprintf(file, sizeof file, "%s-%d.txt", ids[i], how);
            ion_error err = {0};
            if (ion_sub_parse(parser, text, len, file, grade_both, g, &err))
                fail_msg("%s: %s\n%s", file, err.msg, text);
            free(text);
        }
    ion_sub_parser_free(parser);
    for (int k = 0; k < 2; k++)
        for (int l = 0; l < 2; l++)
            ion_gradebook_free(g->gb[k][l]);
}

/* ---- the worksheets ---- */

/* Worksheet name of templates[0..n) (points: overrides or NULL): its key
 * built, and written and read back (validated by the XSD), compared. */
static void check_worksheet(const char *name, const char *const *templates, size_t n, const double *points,
                            grading *g)
{
    ion_error err = {0};
    if (ion_bank_worksheet_create(own->b, name, "PHYS2", "Week \"5\" <&>", NULL, n, templates, points, &err))
        fail_msg("worksheet %s: %s", name, err.msg);
    ion_worksheet w;
    assert_int_equal(ion_worksheet_load(own->b, name, NULL, &w, &err), 1);
    ion_instance *inst = calloc(w.ws.n, sizeof *inst);
    assert_non_null(inst);
    for (size_t p = 0; p < w.ws.n; p++)
        assert_int_equal(ion_instance_init(&inst[p], w.templates[p]), 0);
    char *xml = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&xml, &len);
    sheets x = {&w, inst, ion_key_begin(f, &w), -1};
    assert_non_null(x.writer);
    ion_answer_key *built = ion_answer_key_from_sheets(&w, STUDENTS, next_sheet, &x, &err);
    if (!built)
        fail_msg("built %s: %s", name, err.msg);
    assert_int_equal(ion_key_end(x.writer), 0);
    fclose(f);
    ion_answer_key *read = ion_answer_key_parse(xml, len, name, "schema/answer-key.xsd", &err);
    if (!read)
        fail_msg("read %s: %s", name, err.msg);
    same_key(read, built);
    grade_same(read, built, g);
    ion_answer_key_free(read);
    ion_answer_key_free(built);
    free(xml);
    for (size_t p = 0; p < w.ws.n; p++)
        ion_instance_release(&inst[p]);
    free(inst);
    ion_worksheet_release(&w);
}

/* An author's order the key does not keep: a let before a param and
 * before the let it reads, so that the template's slots are not in the
 * order its lets are evaluated (in the key's template they are), and a
 * part (b) carried forward through them from part a. */
static const char order_xml[] =
    "<problems xmlns=\"urn:ionsheet:problem:1\">"
    "<problem id=\"t-order\" topic=\"nernst\" difficulty=\"1\">"
    "<title xml:lang=\"en\">Order</title>"
    "<let name=\"DF\" unit=\"mV\" digits=\"3\">Vm - EK</let>"
    "<param name=\"Vm\" unit=\"mV\" min=\"-90\" max=\"-50\" step=\"1\"/>"
    "<let name=\"EK\" unit=\"mV\" digits=\"4\">nernst(1, Ko, Ki, T)</let>"
    "<param name=\"Ko\" unit=\"mM\" min=\"2\" max=\"10\" step=\"0.1\"/>"
    "<param name=\"Ki\" unit=\"mM\" min=\"100\" max=\"160\" step=\"1\"/>"
    "<param name=\"T\" unit=\"C\" values=\"20 25 37\"/>"
    "<text xml:lang=\"en\">Ko = {Ko}, Ki = {Ki} at {T}; Vm = {Vm}.</text>"
    "<part id=\"a\" kind=\"numeric\" unit=\"mV\" tol-abs=\"0.5\" points=\"1\">"
    "<text xml:lang=\"en\">E<sub>K</sub>?</text><answer>EK</answer></part>"
    "<part id=\"b\" kind=\"numeric\" unit=\"mV\" tol-abs=\"0.5\" points=\"1\">"
    "<text xml:lang=\"en\">The driving force?</text><answer>DF</answer>"
    "<mistake credit=\"0.5\">EK - Vm<feedback xml:lang=\"en\">Vm - EK, not EK - Vm ({DF}).</feedback></mistake>"
    "</part></problem></problems>";

static int setup(void **state)
{
    (void)state;
    own = temp_bank_new(sizeof *own, 1);
    char order[128];
    snprintf(order, sizeof order, "%s/order.xml", own->dir);
    FILE *f = fopen(order, "w");
    assert_non_null(f);
    fputs(order_xml, f);
    assert_int_equal(fclose(f), 0);
    glob_t gl;
    assert_int_equal(glob("problems/*.xml", 0, NULL, &gl), 0);
    const char **paths = calloc(gl.gl_pathc + 1, sizeof *paths);
    assert_non_null(paths);
    memcpy(paths, gl.gl_pathv, gl.gl_pathc * sizeof *paths);
    paths[gl.gl_pathc] = order;
    ion_import_stats st;
    ion_error err = {0};
    if (ion_import(own->b, paths, gl.gl_pathc + 1, "schema/problem.xsd", NULL, NULL, &st, &err))
        fail_msg("import: %s", err.msg);
    free(paths);
    globfree(&gl);
    unlink(order);
    assert_int_equal(ion_bank_course_ensure(own->b, "PHYS2", &err), 0);
    for (size_t i = 0; i < STUDENTS; i++) {
        ion_bank_student s = {"PHYS2", ids[i], names[i], NULL, NULL};
        assert_int_equal(ion_bank_student_upsert(own->b, &s, NULL, &err), 0);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    temp_bank_free(own);
    return 0;
}

/* Each family's templates (a shipped problems file), whole, as one
 * worksheet: every shipped template is checked. */
static void test_every_family(void **state)
{
    (void)state;
    glob_t gl;
    assert_int_equal(glob("problems/*.xml", 0, NULL, &gl), 0);
    assert_true(gl.gl_pathc >= 10);
    grading g = {0};
    size_t checked = 0;
    for (size_t fi = 0; fi < gl.gl_pathc; fi++) {
        ion_template_list l = {0};
        ion_error err = {0};
        if (ion_templates_load(gl.gl_pathv[fi], NULL, &l, &err))
            fail_msg("%s: %s", gl.gl_pathv[fi], err.msg);
        const char **t = calloc(l.n + 1, sizeof *t);
        assert_non_null(t);
        for (size_t i = 0; i < l.n; i++)
            t[i] = l.items[i]->id;
        char name[64];
        snprintf(name, sizeof name, "family-%zu", fi);
        check_worksheet(name, t, l.n, NULL, &g);
        checked += l.n;
        free(t);
        ion_template_list_release(&l);
    }
    globfree(&gl);
    assert_true(checked >= 90);
    print_message("partial %d carried %d\n", g.partial, g.carried);
    /* The submissions reached what the model must carry: mistakes' feedback
     * and values carried forward. */
    assert_true(g.partial > 40);
    assert_true(g.carried > 100);
}

/* Points overrides, and one template twice (its key template once). */
static void test_points_and_repeats(void **state)
{
    (void)state;
    const char *t[] = {"nernst-k", "donnan-osmotic", "nernst-k", "synapse-egaba-hco3"};
    const double points[] = {3, 2.5, 7.25, 1.0 / 3};
    grading g = {0};
    check_worksheet("overrides", t, 4, points, &g);
}

/* A template whose slots are not in the order its lets are evaluated:
 * carried forward through them alike. */
static void test_let_order(void **state)
{
    (void)state;
    const char *t[] = {"t-order", "nernst-k"};
    grading g = {0};
    check_worksheet("let-order", t, 2, NULL, &g);
    assert_true(g.carried >= STUDENTS);
}

/* A sheet that fails: no key, the error said, nothing leaked. */
static void test_sheet_fails(void **state)
{
    (void)state;
    const char *t[] = {"nernst-k"};
    ion_error err = {0};
    assert_int_equal(ion_bank_worksheet_create(own->b, "fails", "PHYS2", "F", NULL, 1, t, NULL, &err), 0);
    ion_worksheet w;
    assert_int_equal(ion_worksheet_load(own->b, "fails", NULL, &w, &err), 1);
    ion_instance inst;
    assert_int_equal(ion_instance_init(&inst, w.templates[0]), 0);
    sheets x = {&w, &inst, NULL, 3};
    assert_null(ion_answer_key_from_sheets(&w, STUDENTS, next_sheet, &x, &err));
    assert_string_equal(err.msg, "interrupted");
    x.fail_at = -1;
    /* A sheet of another worksheet's template: refused, not read past the
     * key's arrays, which are sized for w's parts. */
    const char *o[] = {"donnan-osmotic"};
    assert_int_equal(ion_bank_worksheet_create(own->b, "other", "PHYS2", "O", NULL, 1, o, NULL, &err), 0);
    ion_worksheet other;
    assert_int_equal(ion_worksheet_load(own->b, "other", NULL, &other, &err), 1);
    ion_instance wrong;
    assert_int_equal(ion_instance_init(&wrong, other.templates[0]), 0);
    sheets y = {&w, &wrong, NULL, -1};
    assert_null(ion_answer_key_from_sheets(&w, STUDENTS, wrong_sheet, &y, &err));
    assert_non_null(strstr(err.msg, "could not make the answer key of 'fails'"));
    ion_instance_release(&wrong);
    ion_worksheet_release(&other);
    ion_answer_key *k = ion_answer_key_from_sheets(&w, 0, next_sheet, &x, &err);
    assert_non_null(k);
    assert_int_equal(ion_answer_key_students(k), 0);
    assert_int_equal(ion_answer_key_parts(k), w.templates[0]->nparts);
    ion_answer_key_free(k);
    ion_instance_release(&inst);
    ion_worksheet_release(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_family),
        cmocka_unit_test(test_points_and_repeats),
        cmocka_unit_test(test_let_order),
        cmocka_unit_test(test_sheet_fails),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
