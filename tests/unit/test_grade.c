/* The grader: the answer key reader, scoring (numbers, tolerances, units,
 * choices, mcq, mistakes, carried forward), re-grading, and the outputs.
 * tests/data/grade/key.xml is a small hand-written key: three students,
 * problem 1 (Nernst: 1a E_K, 1b current direction, 1c driving force, 1d
 * ion movement; 1b-1d carry from 1a) and problem 2 (2a pump offset with a
 * relative tolerance, 2b an mcq). s001: Ko 4, Ki 140, 37 C, Vm -70 mV, so
 * E_K = -95.02 mV, DF = +25.02 mV; I 10 pA, gL 2 nS, dV = -5 mV; mcq C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"
#include "gradekey.h" /* ion_answer_key_load_kept */
#include "submission.h"

#define KEY "tests/data/grade/key.xml"
#define KEY_XSD "schema/answer-key-1.xsd" /* the v1 test keys */
#define SUB_XSD "schema/submission.xsd"

/* ---- a grading session ------------------------------------------------------ */

typedef struct {
    ion_answer_key *key;
    ion_gradebook *gb;
    ion_sub_parser *p;
    const ion_result *r; /* the last graded */
    int graded, refused, notes;
    ion_error err;       /* the last refusal */
    char note[1024];     /* the last note */
    int zh;
} session;

static void on_note(const ion_error *e, void *ctx)
{
    session *s = ctx;
    s->notes++;
    snprintf(s->note, sizeof s->note, "%s:%d: %s", e->file, e->line, e->msg);
}

static int on_sub(const ion_submission *sub, void *ctx)
{
    session *s = ctx;
    ion_error e = {0};
    if (ion_gradebook_grade(s->gb, sub, &s->r, on_note, s, &e) < 0) {
        s->refused++;
        s->err = e;
    } else {
        s->graded++;
    }
    return 0;
}

static void grade_summary_in_both_languages(void);
static char *slurp(const char *path, size_t *len);

static session *open_session(const char *lang)
{
    session *s = calloc(1, sizeof *s);
    ion_error err = {0};
    assert_non_null(s);
    s->key = ion_answer_key_load(KEY, KEY_XSD, &err);
    if (!s->key)
        fail_msg("%s:%d: %s", err.file, err.line, err.msg);
    s->gb = ion_gradebook_new(s->key, lang);
    s->zh = !strcmp(lang, "zh");
    s->p = ion_sub_parser_new(SUB_XSD);
    assert_non_null(s->gb);
    assert_non_null(s->p);
    return s;
}

static void close_session(session *s)
{
    ion_sub_parser_free(s->p);
    ion_gradebook_free(s->gb);
    ion_answer_key_free(s->key);
    free(s);
}

/* Parses and grades text as the file "t.txt"; returns ion_sub_parse's value. */
static int grade_file(session *s, const char *file, const char *text)
{
    s->r = NULL;
    s->graded = s->refused = s->notes = 0;
    s->note[0] = '\0';
    memset(&s->err, 0, sizeof s->err);
    ion_error e = {0};
    int ret = ion_sub_parse(s->p, text, strlen(text), file, on_sub, s, &e);
    if (ret < 0) {
        s->err = e;
        ion_gradebook_refuse(s->gb, file, NULL, ion_sub_parser_refusal(s->p)); /* as grade_files.c does */
    }
    return ret;
}

static int grade_text(session *s, const char *text)
{
    s->r = NULL;
    s->graded = s->refused = s->notes = 0;
    s->note[0] = '\0';
    memset(&s->err, 0, sizeof s->err);
    ion_error e = {0};
    int ret = ion_sub_parse(s->p, text, strlen(text), "t.txt", on_sub, s, &e);
    if (ret < 0)
        s->err = e;
    return ret;
}

static const ion_part_result *part_of(const ion_result *r, const char *id)
{
    assert_non_null(r);
    for (size_t i = 0; i < r->nparts; i++)
        if (!strcmp(r->parts[i].part_id, id))
            return &r->parts[i];
    fail_msg("no part %s", id);
    return NULL;
}

/* Grades one answer of s001 (after optional earlier lines) into a fresh
 * gradebook and returns that part. */
static const ion_part_result *answer(session *s, const char *before, const char *part, const char *text)
{
    char buf[1024];
    ion_gradebook_free(s->gb);
    s->gb = ion_gradebook_new(s->key, s->zh ? "zh" : "en");
    assert_non_null(s->gb);
    snprintf(buf, sizeof buf, "worksheet: week5\nstudent: s001\n%s%s: %s\n", before, part, text);
    assert_int_equal(grade_text(s, buf), 0);
    assert_int_equal(s->graded, 1);
    return part_of(s->r, part);
}

/* ---- the key -------------------------------------------------------------------- */

static void test_key_load(void **state)
{
    (void)state;
    session *s = open_session("en");
    ion_answer_key *k = s->key;
    assert_string_equal(ion_answer_key_worksheet(k), "week5");
    assert_string_equal(ion_answer_key_course(k), "PHYS2");
    assert_string_equal(ion_answer_key_title(k), "Week 5: potentials");
    assert_int_equal(ion_answer_key_students(k), 3);
    assert_int_equal(ion_answer_key_parts(k), 6);
    const char *cols[] = {"1a", "1b", "1c", "1d", "2a", "2b"};
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(ion_answer_key_part_id(k, i), cols[i]);
    assert_int_equal(ion_answer_key_find(k, "s003"), 2);
    assert_int_equal(ion_answer_key_find(k, "nobody"), -1);
    assert_string_equal(ion_answer_key_student_name(k, 2), "李静");
    assert_true(fabs(ion_answer_key_student_max(k, 0) - 11) < 1e-12);
    /* Three students, two templates: two compiled shapes. */
    assert_int_equal(ion_answer_key_shapes(k), 2);
    close_session(s);
}

/* ---- key v2 ---- */

/* A v2 key: one template (param x in mV, let y = 2x, a numeric part with a
 * mistake and a carry, a choice part, an mcq part), two students; the
 * replacements (from, to) applied to it make the refused variants. */
static char *v2_key(const char *from, const char *to)
{
    static const char key[] =
        "<answer-key xmlns=\"urn:ionsheet:answer-key:2\" worksheet=\"w\" course=\"c\" max=\"4\">\n"
        "<template id=\"t\" version=\"1\">\n"
        "<param name=\"x\" unit=\"mV\"/>\n"
        "<let name=\"y\" unit=\"mV\" digits=\"3\" expr=\"2*x\"/>\n"
        "<part id=\"a\" kind=\"numeric\" sigfigs=\"4\" expr=\"y\">\n"
        "<mistake credit=\"0.5\" expr=\"y/1000\"><feedback xml:lang=\"en\">{y} in volts: x = {x}.</feedback>"
        "<feedback xml:lang=\"zh\">{y}，伏特。</feedback></mistake>\n</part>\n"
        "<part id=\"b\" kind=\"numeric\" sigfigs=\"4\" slip-credit=\"0.25\" expr=\"y + 1[mV]\">\n"
        "<carry from=\"a\" let=\"y\"/>\n</part>\n"
        "<part id=\"c\" kind=\"choice\" expr=\"direction(y, 0[mV])\"><choice id=\"outward\"/><choice id=\"inward\"/>"
        "<choice id=\"none\"/><mistake credit=\"0\" expr=\"direction(0[mV], y)\"><feedback xml:lang=\"en\">Other way.</feedback>"
        "</mistake></part>\n"
        "<part id=\"d\" kind=\"mcq\"/>\n"
        "</template>\n"
        "<student id=\"s1\" name=\"A &amp; B\">\n"
        "<problem n=\"1\" template=\"t\" version=\"1\" seed=\"1\" lets=\"4\">\n"
        "<param name=\"x\" value=\"2.0\"/>\n"
        "<part id=\"1a\" kind=\"numeric\" value=\"4\" unit=\"mV\" tol-abs=\"0.5\" tol-rel=\"0\" points=\"1\" mistakes=\"0.004\"/>\n"
        "<part id=\"1b\" kind=\"numeric\" value=\"5\" unit=\"mV\" tol-abs=\"0.5\" tol-rel=\"0\" points=\"1\"/>\n"
        "<part id=\"1c\" kind=\"choice\" value=\"outward\" points=\"1\" mistakes=\"inward\"/>\n"
        "<part id=\"1d\" kind=\"mcq\" value=\"B\" points=\"1\" options=\"k na\"/>\n"
        "</problem>\n</student>\n"
        "<student id=\"s2\" name=\"C\">\n"
        "<problem n=\"1\" template=\"t\" version=\"1\" seed=\"2\" lets=\"-6\">\n"
        "<param name=\"x\" value=\"-3.0\"/>\n"
        "<part id=\"1a\" kind=\"numeric\" value=\"-6\" unit=\"mV\" tol-abs=\"0.5\" tol-rel=\"0\" points=\"1\" mistakes=\"-\"/>\n"
        "<part id=\"1b\" kind=\"numeric\" value=\"-5\" unit=\"mV\" tol-abs=\"0.5\" tol-rel=\"0\" points=\"1\"/>\n"
        "<part id=\"1c\" kind=\"choice\" value=\"inward\" points=\"1\" mistakes=\"outward\"/>\n"
        "<part id=\"1d\" kind=\"mcq\" value=\"A\" points=\"1\" options=\"na k\"/>\n"
        "</problem>\n</student>\n</answer-key>\n";
    const char *at = from ? strstr(key, from) : NULL;
    if (from && !at)
        fail_msg("'%s' is not in the v2 test key", from);
    size_t cut = at ? (size_t)(at - key) : strlen(key), skip = from ? strlen(from) : 0;
    char *buf = malloc(sizeof key + (to ? strlen(to) : 0));
    assert_non_null(buf);
    snprintf(buf, sizeof key + (to ? strlen(to) : 0), "%.*s%s%s", (int)cut, key, to ? to : "", key + cut + skip);
    return buf;
}

static void test_key_v2(void **state)
{
    (void)state;
    char *xml = v2_key(NULL, NULL);
    ion_error err = {0};
    ion_answer_key *k = ion_answer_key_parse(xml, strlen(xml), "k2.xml", "schema/answer-key.xsd", &err);
    if (!k)
        fail_msg("%s:%d: %s", err.file, err.line, err.msg);
    assert_int_equal(ion_answer_key_students(k), 2);
    assert_int_equal(ion_answer_key_parts(k), 4);
    assert_string_equal(ion_answer_key_student_name(k, 0), "A & B");
    assert_true(ion_answer_key_student_max(k, 1) == 4);
    ion_sub_parser *sp = ion_sub_parser_new(SUB_XSD);
    for (int zh = 0; zh < 2; zh++) {
        ion_gradebook *gb = ion_gradebook_new(k, zh ? "zh" : "en");
        session s = {0};
        s.key = k;
        s.gb = gb;
        s.p = sp;
        /* s1: the volts mistake with its feedback filled from s1's values;
         * 1b carried from 1a; the mcq by s1's own order (B is na) */
        assert_int_equal(grade_text(&s, "student: s1\n1a: 0.004\n1b: 1.004\n1c: inward\n1d: na\n"), 0);
        const ion_part_result *p = part_of(s.r, "1a");
        assert_int_equal(p->verdict, ION_VERDICT_PARTIAL);
        assert_string_equal(p->feedback, zh ? "4.00 mV，伏特。" : "4.00 mV in volts: x = 2.0 mV.");
        assert_int_equal(part_of(s.r, "1b")->verdict, ION_VERDICT_CARRIED);
        assert_int_equal(part_of(s.r, "1c")->verdict, ION_VERDICT_WRONG);
        assert_string_equal(part_of(s.r, "1c")->feedback, "Other way.");
        assert_int_equal(part_of(s.r, "1d")->verdict, ION_VERDICT_RIGHT);
        /* s2 (loaded after s1): no volts mistake here, so the generic slip
         * with the template's credit for 1b; 1d's A is na for s2 */
        assert_int_equal(grade_text(&s, "student: s2\n1a: -0.006\n1b: -0.005\n1c: inward\n1d: A\n"), 0);
        assert_int_equal(part_of(s.r, "1a")->verdict, ION_VERDICT_PARTIAL);
        assert_null(part_of(s.r, "1a")->feedback);
        assert_true(part_of(s.r, "1b")->score == 0.25);
        assert_int_equal(part_of(s.r, "1c")->verdict, ION_VERDICT_RIGHT);
        assert_int_equal(part_of(s.r, "1d")->verdict, ION_VERDICT_RIGHT);
        /* s1 again, after s2: the same as the first time */
        assert_int_equal(grade_text(&s, "student: s1\n1a: 4\n"), 0);
        assert_int_equal(part_of(s.r, "1a")->verdict, ION_VERDICT_RIGHT);
        ion_gradebook_free(gb);
    }
    ion_sub_parser_free(sp);
    ion_answer_key_free(k);
    free(xml);
    /* A name that says "&#38;" in so many characters keeps them. */
    xml = v2_key("name=\"C\"", "name=\"C &amp;#38; D\"");
    k = ion_answer_key_parse(xml, strlen(xml), "k2.xml", NULL, &err);
    assert_non_null(k);
    assert_string_equal(ion_answer_key_student_name(k, 1), "C &#38; D");
    ion_answer_key_free(k);
    free(xml);
    /* Refused, each with its reason and line. */
    static const struct {
        const char *from, *to, *msg;
        int line;
    } bad[] = {
        {"template=\"t\" version=\"1\" seed=\"1\"", "template=\"u\" version=\"1\" seed=\"1\"",
         "template u version 1 is not in the key", 15},
        {"lets=\"4\"", "lets=\"4 5\"", "more lets than template t has", 0},
        {"lets=\"-6\"", "", "fewer lets than template t has", 0},
        {"mistakes=\"0.004\"", "mistakes=\"0.004 1\"", "more mistake values than the 1 mistakes", 17},
        {"mistakes=\"inward\"", "", "0 mistake values for the 1 mistakes", 19},
        {"<param name=\"x\" value=\"2.0\"/>", "<param name=\"z\" value=\"2.0\"/>", "not the next param of template t", 16},
        {"<part id=\"1b\" kind=\"numeric\"", "<part id=\"1b\" kind=\"choice\"", "is not part b (numeric) of template t", 18},
        {"options=\"k na\"", "", "needs the attribute options", 20},
        /* A template's carries are read into its parts (ion_part.carries):
         * from an earlier numeric part, through a let, said at the carry. */
        {"<carry from=\"a\"", "<carry from=\"c\"", "part b: carry from 'c', which is not an earlier numeric part", 9},
        {"let=\"y\"/>\n</part>", "let=\"x\"/>\n</part>", "part b: carry of 'x', which is not a let", 9},
        {"<student id=\"s2\"", "<template id=\"v\" version=\"1\"/><student id=\"s2\"", "belongs before the students", 0},
        {"urn:ionsheet:answer-key:2", "urn:ionsheet:answer-key:1", "", 0},
        /* The first error stands: course, checked after it, is there. */
        {" worksheet=\"w\"", "", "<answer-key> needs the attribute worksheet", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        xml = v2_key(bad[i].from, bad[i].to);
        memset(&err, 0, sizeof err);
        k = ion_answer_key_parse(xml, strlen(xml), "k2.xml", NULL, &err);
        if (k)
            fail_msg("case %zu: accepted", i);
        if (!strstr(err.msg, bad[i].msg) || (bad[i].line && err.line != bad[i].line))
            fail_msg("case %zu: %d: %s", i, err.line, err.msg);
        free(xml);
    }
}

/* A one-student key around the given parts: params x = 2 mV, let y = 2x. */
static char *mini_key(const char *lets, const char *parts)
{
    char *buf = malloc(8192);
    assert_non_null(buf);
    snprintf(buf, 8192,
             "<?xml version=\"1.0\"?>\n"
             "<answer-key xmlns=\"urn:ionsheet:answer-key:1\" worksheet=\"w\" course=\"c\" max=\"9\">\n"
             "<student id=\"a\" name=\"A\"><problem n=\"1\" template=\"t\" version=\"1\" seed=\"1\">\n"
             "<param name=\"x\" value=\"2\" unit=\"mV\"/>\n%s\n%s\n</problem></student></answer-key>\n",
             lets ? lets : "<let name=\"y\" value=\"4\" unit=\"mV\" expr=\"2*x\"/>", parts);
    return buf;
}

static ion_answer_key *parse_key(const char *xml, const char *xsd, ion_error *err)
{
    return ion_answer_key_parse(xml, strlen(xml), "k.xml", xsd, err);
}

static void test_key_refused(void **state)
{
    (void)state;
    static const struct {
        const char *xml, *msg;
    } cases[] = {
        {"", "empty"},
        {"<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"y\">]>\n<answer-key/>", "DOCTYPE"},
        {"<answer-key xmlns=\"urn:other\" worksheet=\"w\" course=\"c\" max=\"1\"/>", "not an answer key"},
        {"<answer-key xmlns=\"urn:ionsheet:answer-key:1\" worksheet=\"w\" course=\"c\" max=\"1\"><student",
         ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ion_error err = {0};
        assert_null(parse_key(cases[i].xml, NULL, &err));
        assert_string_equal(err.file, "k.xml");
        if (!strstr(err.msg, cases[i].msg))
            fail_msg("case %zu: %s", i, err.msg);
    }
    /* A DOCTYPE names its line. */
    ion_error err = {0};
    assert_null(parse_key("<?xml version=\"1.0\"?>\n\n<!DOCTYPE answer-key SYSTEM \"file:///etc/passwd\">\n<answer-key/>",
                          KEY_XSD, &err));
    assert_int_equal(err.line, 3);
    /* Schema errors, expression errors and bad carries name the problem. */
    char *k = mini_key(NULL, "<part id=\"1a\" kind=\"numeric\" value=\"4\" unit=\"mV\" points=\"1\" expr=\"nosuch\"/>");
    assert_null(parse_key(k, KEY_XSD, &err));
    assert_non_null(strstr(err.msg, "unknown name"));
    assert_int_equal(err.line, 3);
    free(k);
    k = mini_key(NULL, "<part id=\"1a\" kind=\"numeric\" value=\"4\" unit=\"mV\" points=\"1\" expr=\"y\">"
                       "<carry from=\"1z\" let=\"y\"/></part>");
    assert_null(parse_key(k, KEY_XSD, &err));
    assert_non_null(strstr(err.msg, "not an earlier numeric part"));
    free(k);
    /* A carry is within its problem (SPEC "Grading": the let an earlier
     * part asked for): a v1 carry from another problem's part is refused. */
    k = mini_key(NULL, "<part id=\"1a\" kind=\"numeric\" value=\"4\" unit=\"mV\" points=\"1\" expr=\"y\"/>"
                       "</problem><problem n=\"2\" template=\"t\" version=\"1\" seed=\"1\">"
                       "<param name=\"x\" value=\"2\" unit=\"mV\"/><let name=\"y\" value=\"4\" unit=\"mV\" expr=\"2*x\"/>"
                       "<part id=\"2a\" kind=\"numeric\" value=\"4\" unit=\"mV\" points=\"1\" expr=\"y\">"
                       "<carry from=\"1a\" let=\"y\"/></part>");
    assert_null(parse_key(k, KEY_XSD, &err));
    assert_non_null(strstr(err.msg, "part 2a: carry from '1a', which is not an earlier numeric part"));
    free(k);
    k = mini_key(NULL, "<part id=\"1a\" kind=\"numeric\" value=\"four\" unit=\"mV\" points=\"1\"/>");
    assert_null(parse_key(k, NULL, &err)); /* caught without the schema too */
    assert_non_null(strstr(err.msg, "not a number"));
    free(k);
    k = mini_key(NULL, "<part id=\"1a\" kind=\"numeric\" value=\"4\" unit=\"mV\" points=\"1\"/><bogus/>");
    assert_null(parse_key(k, NULL, &err));
    assert_string_equal(err.msg, "unexpected element <bogus>");
    free(k);
    /* A misspelt attribute would silently change the grading: refused. */
    k = mini_key(NULL, "<part id=\"1a\" kind=\"numeric\" value=\"4\" unit=\"mV\" tolabs=\"0.5\" points=\"1\"/>");
    assert_null(parse_key(k, NULL, &err));
    assert_string_equal(err.msg, "<part> has the unknown attribute tolabs");
    assert_int_equal(err.line, 6);
    free(k);
    k = mini_key(NULL, "<part id=\"1a\" kind=\"mcq\" value=\"A\" points=\"1\"><option letter=\"A\" id=\"x\"/>"
                       "<option letter=\"A\" id=\"y\"/></part>");
    assert_null(parse_key(k, NULL, &err));
    assert_non_null(strstr(err.msg, "option 'A' appears twice"));
    free(k);
    /* Ids become file names. */
    assert_null(parse_key("<answer-key xmlns=\"urn:ionsheet:answer-key:1\" worksheet=\"w\" course=\"c\" max=\"1\">"
                          "<student id=\"../x\" name=\"A\"/></answer-key>", NULL, &err));
    assert_non_null(strstr(err.msg, "student id '../x'"));
    /* The schema, when asked for, is checked too. */
    k = mini_key(NULL, "<part id=\"1a\" kind=\"numeric\" value=\"4\" unit=\"mV\" points=\"1\" sigfigs=\"0\"/>");
    ion_answer_key *loose = parse_key(k, NULL, &err);
    assert_non_null(loose);
    ion_answer_key_free(loose);
    assert_null(parse_key(k, KEY_XSD, &err));
    assert_non_null(strstr(err.msg, "sigfigs"));
    free(k);
    assert_null(ion_answer_key_load("tests/data/grade/no-such-key.xml", NULL, &err));
    assert_non_null(strstr(err.msg, "cannot open"));
}

/* Students sharing a template share its compiled expressions unless the
 * expressions differ; a let may be a string (a choice id). */
static void test_key_shapes(void **state)
{
    (void)state;
    const char *xml =
        "<answer-key xmlns=\"urn:ionsheet:answer-key:1\" worksheet=\"w\" course=\"c\" max=\"1\">"
        "<student id=\"a\" name=\"A\"><problem n=\"1\" template=\"t\" version=\"1\" seed=\"1\">"
        "<param name=\"x\" value=\"2\" unit=\"mV\"/><let name=\"d\" value=\"out\" unit=\"1\" expr=\"if(x &gt; 0, &quot;out&quot;, &quot;in&quot;)\"/>"
        "<part id=\"1a\" kind=\"choice\" value=\"out\" points=\"1\" expr=\"d\"><choice id=\"out\"/><choice id=\"in\"/></part>"
        "</problem></student>"
        "<student id=\"b\" name=\"B\"><problem n=\"1\" template=\"t\" version=\"1\" seed=\"2\">"
        "<param name=\"x\" value=\"-2\" unit=\"mV\"/><let name=\"d\" value=\"in\" unit=\"1\" expr=\"if(x &gt; 0, &quot;out&quot;, &quot;in&quot;)\"/>"
        "<part id=\"1a\" kind=\"choice\" value=\"in\" points=\"1\" expr=\"d\"><choice id=\"out\"/><choice id=\"in\"/></part>"
        "</problem></student>"
        "<student id=\"c\" name=\"C\"><problem n=\"1\" template=\"t\" version=\"2\" seed=\"3\">"
        "<param name=\"x\" value=\"-2\" unit=\"mV\"/><let name=\"d\" value=\"in\" unit=\"1\" expr=\"if(x &lt; 0, &quot;in&quot;, &quot;out&quot;)\"/>"
        "<part id=\"1a\" kind=\"choice\" value=\"in\" points=\"1\" expr=\"d\"><choice id=\"out\"/><choice id=\"in\"/></part>"
        "</problem></student></answer-key>";
    ion_error err = {0};
    ion_answer_key *k = parse_key(xml, KEY_XSD, &err);
    if (!k)
        fail_msg("%d: %s", err.line, err.msg);
    assert_int_equal(ion_answer_key_shapes(k), 2);
    assert_int_equal(ion_answer_key_students(k), 3);
    ion_answer_key_free(k);
}

/* ---- numbers: the verdict table ------------------------------------------------------ */

static void test_number_table(void **state)
{
    (void)state;
    /* s001 1a: E_K = -95.02257567 mV, tol-abs 0.5; mistakes +95.02 (credit
     * 0) and -0.09502 (the value in volts, credit 0.5). */
    static const struct {
        const char *answer;
        ion_verdict v;
        double score;
        const char *says; /* in the note or feedback, or NULL */
    } table[] = {
        {"-95.02 mV", ION_VERDICT_RIGHT, 2, NULL},
        {"-95.02", ION_VERDICT_RIGHT, 2, NULL},
        {"-95", ION_VERDICT_RIGHT, 2, NULL},
        {"\xe2\x88\x92" "95.0 mV", ION_VERDICT_RIGHT, 2, NULL},     /* U+2212 minus */
        {"-95,02", ION_VERDICT_RIGHT, 2, NULL},                     /* decimal comma */
        {"-9.502e1", ION_VERDICT_RIGHT, 2, NULL},
        {"-9.502E+1 mV", ION_VERDICT_RIGHT, 2, NULL},
        {"-0.09502 V", ION_VERDICT_RIGHT, 2, NULL},
        {"-95022 uV", ION_VERDICT_RIGHT, 2, NULL},
        {"-95022 \xc2\xb5V", ION_VERDICT_RIGHT, 2, NULL},            /* micro sign */
        {"-95022 \xce\xbcV", ION_VERDICT_RIGHT, 2, NULL},            /* Greek mu */
        {"-95.0[mV]", ION_VERDICT_RIGHT, 2, NULL},
        {"-95.0\xe2\x80\x89mV", ION_VERDICT_RIGHT, 2, NULL},         /* thin space */
        {"\xc2\xa0-95.0 mV\xc2\xa0", ION_VERDICT_RIGHT, 2, NULL},     /* no-break spaces */
        {"-95.0mV", ION_VERDICT_RIGHT, 2, NULL},
        {"-.0950 V", ION_VERDICT_RIGHT, 2, NULL},
        {"-95\xe2\x80\x89" "022 uV", ION_VERDICT_RIGHT, 2, NULL},  /* thin space between digit groups */
        {"-95 022 \xc2\xb5V", ION_VERDICT_RIGHT, 2, NULL},
        {"-0.095 02 V", ION_VERDICT_RIGHT, 2, NULL},
        {"-0.095 mA", ION_VERDICT_WRONG, 0, "current"},
        {"+95.02", ION_VERDICT_WRONG, 0, "inverted"},                /* a mistake, credit 0 */
        {"95.02 mV", ION_VERDICT_WRONG, 0, "inverted"},
        {"-0.09502", ION_VERDICT_PARTIAL, 1, "volts"},               /* volts written as mV */
        {"-96", ION_VERDICT_WRONG, 0, NULL},
        {"-95 pA", ION_VERDICT_WRONG, 0, "current"},                 /* another dimension */
        {"-95 mM", ION_VERDICT_WRONG, 0, "concentration"},
        {"abc", ION_VERDICT_INVALID, 0, "not a number"},
        {"-95 mVV", ION_VERDICT_INVALID, 0, "unknown unit"},
        {"-95 mv", ION_VERDICT_RIGHT, 2, NULL},                      /* only one unit is spelled so */
        {"1,234.5", ION_VERDICT_INVALID, 0, "decimal separator"},
        {"--95", ION_VERDICT_INVALID, 0, NULL},
        {"- 95", ION_VERDICT_RIGHT, 2, NULL},                        /* a blank after the sign */
        {"e5", ION_VERDICT_INVALID, 0, NULL},
        {"-95 [mV", ION_VERDICT_INVALID, 0, NULL},
        {"1e999", ION_VERDICT_INVALID, 0, "out of range"},
        {"?", ION_VERDICT_INVALID, 0, NULL},
    };
    session *s = open_session("en");
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const ion_part_result *p = answer(s, "", "1a", table[i].answer);
        if (p->verdict != table[i].v || fabs(p->score - table[i].score) > 1e-12)
            fail_msg("'%s': %s %g, expected %s %g (%s)", table[i].answer, ion_verdict_name(p->verdict), p->score,
                     ion_verdict_name(table[i].v), table[i].score, p->note ? p->note : "");
        assert_string_equal(p->answer, table[i].answer[0] == '\xc2' ? "-95.0 mV" : table[i].answer);
        assert_string_equal(p->key, "-95.02 mV");
        if (table[i].says) {
            const char *text = p->feedback ? p->feedback : p->note;
            if (!text || !strstr(text, table[i].says))
                fail_msg("'%s': expected '%s' in '%s'", table[i].answer, table[i].says, text ? text : "(nothing)");
        }
        /* Unreadable answers are reported with the file and line. */
        if (s->notes != (table[i].v == ION_VERDICT_INVALID))
            fail_msg("'%s': %d notes (%s)", table[i].answer, s->notes, s->note);
        if (s->notes)
            assert_non_null(strstr(s->note, "t.txt:3: student s001, part 1a: "));
    }
    close_session(s);
}

/* Tolerance edges: just inside and just outside, absolute and relative,
 * and near zero. */
static void test_tolerance(void **state)
{
    (void)state;
    session *s = open_session("en");
    static const struct {
        const char *part, *answer;
        ion_verdict v;
    } edges[] = {
        {"1a", "-94.52257567", ION_VERDICT_RIGHT}, /* exactly 0.5 away */
        {"1a", "-95.52257567", ION_VERDICT_RIGHT},
        {"1a", "-94.5225", ION_VERDICT_WRONG},     /* 0.50007 away */
        {"1a", "-95.5226", ION_VERDICT_WRONG},
        {"2a", "-5.1", ION_VERDICT_RIGHT},         /* 2 % of 5 mV */
        {"2a", "-4.9", ION_VERDICT_RIGHT},
        {"2a", "-5.1001", ION_VERDICT_WRONG},
        {"2a", "-4.8999", ION_VERDICT_WRONG},
        {"2a", "-0.0051 V", ION_VERDICT_RIGHT},
        {"2a", "-0.00511 V", ION_VERDICT_WRONG},
    };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        const ion_part_result *p = answer(s, "", edges[i].part, edges[i].answer);
        if (p->verdict != edges[i].v)
            fail_msg("%s '%s': %s", edges[i].part, edges[i].answer, ion_verdict_name(p->verdict));
    }
    close_session(s);

    /* Near zero: a key of 0.2 mV with tol-abs 0.5 takes either sign; a
     * key of 0 with tol-rel only takes 0 alone. */
    char *xml = mini_key(NULL, "<part id=\"1a\" kind=\"numeric\" value=\"0.2\" unit=\"mV\" tol-abs=\"0.5\" points=\"1\"/>"
                               "<part id=\"1b\" kind=\"numeric\" value=\"0\" unit=\"mV\" tol-rel=\"0.1\" points=\"1\"/>"
                               "<part id=\"1c\" kind=\"numeric\" value=\"10\" unit=\"mV\" tol-abs=\"0.5\" points=\"1\"/>");
    ion_error err = {0};
    ion_answer_key *k = parse_key(xml, KEY_XSD, &err);
    if (!k)
        fail_msg("%s", err.msg);
    ion_gradebook *gb = ion_gradebook_new(k, "en");
    ion_answer answers[] = {{"1a", "-0.2", 1}, {"1b", "0", 2}, {"1c", "-10", 3}};
    ion_submission sub = {.format = ION_SUB_TEXT, .file = "z.txt", .line = 1, .student = "a", .n = 3,
                          .answers = answers};
    const ion_result *r;
    assert_int_equal(ion_gradebook_grade(gb, &sub, &r, NULL, NULL, &err), 0);
    assert_int_equal(part_of(r, "1a")->verdict, ION_VERDICT_RIGHT);
    assert_int_equal(part_of(r, "1b")->verdict, ION_VERDICT_RIGHT);
    /* A right size with the wrong sign is wrong, and the note says why. */
    assert_int_equal(part_of(r, "1c")->verdict, ION_VERDICT_WRONG);
    assert_non_null(strstr(part_of(r, "1c")->note, "sign"));
    answers[1].text = "0.0001";
    assert_int_equal(ion_gradebook_grade(gb, &sub, &r, NULL, NULL, &err), 0);
    assert_int_equal(part_of(r, "1b")->verdict, ION_VERDICT_WRONG);
    ion_gradebook_free(gb);
    ion_answer_key_free(k);
    free(xml);
}

/* Units as students write them, converted to the part's unit. */
static void test_unit_conversions(void **state)
{
    (void)state;
    char *xml = mini_key(NULL,
                         "<part id=\"1a\" kind=\"numeric\" value=\"50\" unit=\"mM\" tol-rel=\"0.01\" points=\"1\"/>"
                         "<part id=\"1b\" kind=\"numeric\" value=\"120\" unit=\"pA\" tol-rel=\"0.01\" points=\"1\"/>"
                         "<part id=\"1c\" kind=\"numeric\" value=\"2.5\" unit=\"nS\" tol-rel=\"0.01\" points=\"1\"/>"
                         "<part id=\"1d\" kind=\"numeric\" value=\"310.15\" unit=\"K\" tol-abs=\"0.1\" points=\"1\"/>"
                         "<part id=\"1e\" kind=\"numeric\" value=\"12.5\" unit=\"kPa\" tol-rel=\"0.01\" points=\"1\"/>"
                         "<part id=\"1f\" kind=\"numeric\" value=\"0.25\" unit=\"1\" tol-abs=\"0.001\" points=\"1\"/>");
    ion_error err = {0};
    ion_answer_key *k = parse_key(xml, KEY_XSD, &err);
    if (!k)
        fail_msg("%s", err.msg);
    ion_gradebook *gb = ion_gradebook_new(k, "en");
    static const struct {
        const char *part, *answer;
        ion_verdict v;
    } table[] = {
        {"1a", "50", ION_VERDICT_RIGHT},        {"1a", "0.05 M", ION_VERDICT_RIGHT},
        {"1a", "50000 uM", ION_VERDICT_RIGHT},  {"1a", "5,0e4 \xc2\xb5M", ION_VERDICT_RIGHT},
        {"1a", "5e7 nM", ION_VERDICT_RIGHT},    {"1a", "50 mmol/L", ION_VERDICT_RIGHT},
        {"1a", "50 M", ION_VERDICT_PARTIAL},    {"1a", "50 mV", ION_VERDICT_WRONG}, /* x1000: a slip */
        {"1b", "0.12 nA", ION_VERDICT_RIGHT},   {"1b", "1.2e-10 A", ION_VERDICT_RIGHT},
        {"1b", "120 pS", ION_VERDICT_WRONG},    {"1c", "2500 pS", ION_VERDICT_RIGHT},
        {"1c", "0.0025 uS", ION_VERDICT_RIGHT}, {"1d", "37 C", ION_VERDICT_RIGHT},
        {"1d", "37 \xc2\xb0" "C", ION_VERDICT_RIGHT}, {"1d", "37", ION_VERDICT_WRONG},
        {"1e", "12500 Pa", ION_VERDICT_RIGHT},  {"1e", "93.76 mmHg", ION_VERDICT_RIGHT},
        {"1f", "25 %", ION_VERDICT_RIGHT},      {"1f", "0.25", ION_VERDICT_RIGHT},
        {"1f", "0.25 mV", ION_VERDICT_WRONG},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        ion_answer a = {table[i].part, table[i].answer, 1};
        ion_submission sub = {.file = "u.txt", .line = 1, .student = "a", .n = 1, .answers = &a};
        const ion_result *r;
        assert_int_equal(ion_gradebook_grade(gb, &sub, &r, NULL, NULL, &err), 0);
        const ion_part_result *p = part_of(r, table[i].part);
        if (p->verdict != table[i].v)
            fail_msg("%s '%s': %s (%s)", table[i].part, table[i].answer, ion_verdict_name(p->verdict),
                     p->note ? p->note : "");
    }
    ion_gradebook_free(gb);
    ion_answer_key_free(k);
    free(xml);
}

/* ---- mistakes --------------------------------------------------------------------- */

static void test_mistakes(void **state)
{
    (void)state;
    session *s = open_session("en");
    /* A choice mistake: its feedback, no credit. */
    const ion_part_result *p = answer(s, "", "1b", "inward");
    assert_int_equal(p->verdict, ION_VERDICT_WRONG);
    assert_non_null(strstr(p->feedback, "Vm - E"));
    /* A wrong choice without a mistake: no feedback. */
    p = answer(s, "", "1b", "none");
    assert_int_equal(p->verdict, ION_VERDICT_WRONG);
    assert_null(p->feedback);
    /* A numeric mistake with credit 0.25 of 3 points. */
    p = answer(s, "", "2a", "5 mV");
    assert_int_equal(p->verdict, ION_VERDICT_PARTIAL);
    assert_true(fabs(p->score - 0.75) < 1e-12);
    assert_non_null(strstr(p->feedback, "hyperpolarises"));
    /* The unit mistake: -5000 written in mV. */
    p = answer(s, "", "2a", "-5000");
    assert_int_equal(p->verdict, ION_VERDICT_WRONG);
    assert_non_null(strstr(p->feedback, "1 pA / 1 nS"));
    close_session(s);

    /* Chinese feedback when there is some, English otherwise. */
    s = open_session("zh");
    p = answer(s, "", "1a", "95.02");
    assert_string_equal(p->feedback, "浓度比写反了。");
    p = answer(s, "", "1a", "-0.09502");
    assert_non_null(strstr(p->feedback, "volts"));
    close_session(s);

    /* Two mistakes matching: the higher credit counts; mcq and choice
     * mistakes too. */
    char *xml = mini_key(NULL,
                         "<part id=\"1a\" kind=\"numeric\" value=\"4\" unit=\"mV\" tol-abs=\"0.5\" points=\"2\" expr=\"y\">"
                         "<mistake value=\"8\" credit=\"0.25\"><feedback xml:lang=\"en\">low</feedback></mistake>"
                         "<mistake value=\"8.2\" credit=\"0.5\"><feedback xml:lang=\"en\">high</feedback></mistake></part>"
                         "<part id=\"1b\" kind=\"mcq\" value=\"A\" points=\"1\"><option letter=\"A\" id=\"p\"/>"
                         "<option letter=\"B\" id=\"q\"/><mistake value=\"q\" credit=\"0.5\"><feedback xml:lang=\"en\">close</feedback></mistake></part>");
    ion_error err = {0};
    ion_answer_key *k = parse_key(xml, KEY_XSD, &err);
    if (!k)
        fail_msg("%s", err.msg);
    ion_gradebook *gb = ion_gradebook_new(k, "en");
    ion_answer answers[] = {{"1a", "8.1", 1}, {"1b", "b", 2}};
    ion_submission sub = {.file = "z.txt", .line = 1, .student = "a", .n = 2, .answers = answers};
    const ion_result *r;
    assert_int_equal(ion_gradebook_grade(gb, &sub, &r, NULL, NULL, &err), 0);
    assert_string_equal(part_of(r, "1a")->feedback, "high");
    assert_true(fabs(part_of(r, "1a")->score - 1) < 1e-12);
    assert_int_equal(part_of(r, "1b")->verdict, ION_VERDICT_PARTIAL);
    assert_string_equal(part_of(r, "1b")->feedback, "close");
    ion_gradebook_free(gb);
    ion_answer_key_free(k);
    free(xml);
}

/* A mistake's feedback in the reader's language, any the key holds (fr
 * here), English where the key has none in it: v2 and v1 keys. */
static void test_feedback_languages(void **state)
{
    (void)state;
    char *xml = v2_key("<feedback xml:lang=\"zh\">", "<feedback xml:lang=\"fr\">{y} en volts.</feedback><feedback xml:lang=\"zh\">");
    ion_error err = {0};
    ion_answer_key *k = ion_answer_key_parse(xml, strlen(xml), "k2.xml", "schema/answer-key.xsd", &err);
    if (!k)
        fail_msg("%s:%d: %s", err.file, err.line, err.msg);
    ion_sub_parser *sp = ion_sub_parser_new(SUB_XSD);
    static const struct {
        const char *lang, *volts;
    } cases[] = {{"fr", "4.00 mV en volts."}, {"zh", "4.00 mV，伏特。"}, {"en", "4.00 mV in volts: x = 2.0 mV."},
                 {"de", "4.00 mV in volts: x = 2.0 mV."}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        session s = {.key = k, .p = sp, .gb = ion_gradebook_new(k, cases[i].lang)};
        assert_int_equal(grade_text(&s, "student: s1\n1a: 0.004\n1c: inward\n"), 0);
        assert_string_equal(part_of(s.r, "1a")->feedback, cases[i].volts);
        assert_string_equal(part_of(s.r, "1c")->feedback, "Other way.");
        ion_gradebook_free(s.gb);
    }
    ion_sub_parser_free(sp);
    ion_answer_key_free(k);
    free(xml);

    xml = mini_key(NULL, "<part id=\"1a\" kind=\"numeric\" value=\"4\" unit=\"mV\" tol-abs=\"0.5\" points=\"2\" expr=\"y\">"
                         "<mistake value=\"8\" credit=\"0\"><feedback xml:lang=\"en\">doubled</feedback>"
                         "<feedback xml:lang=\"fr\">doublé</feedback></mistake>"
                         "<mistake value=\"2\" credit=\"0\"><feedback xml:lang=\"en\">halved</feedback></mistake></part>");
    k = parse_key(xml, NULL, &err);
    if (!k)
        fail_msg("%s", err.msg);
    ion_gradebook *gb = ion_gradebook_new(k, "fr");
    ion_answer answers[] = {{"1a", "8", 1}};
    ion_submission sub = {.file = "z.txt", .line = 1, .student = "a", .n = 1, .answers = answers};
    const ion_result *r;
    assert_int_equal(ion_gradebook_grade(gb, &sub, &r, NULL, NULL, &err), 0);
    assert_string_equal(part_of(r, "1a")->feedback, "doublé");
    answers[0].text = "2";
    assert_int_equal(ion_gradebook_grade(gb, &sub, &r, NULL, NULL, &err), 0);
    assert_string_equal(part_of(r, "1a")->feedback, "halved");
    ion_gradebook_free(gb);
    ion_answer_key_free(k);
    free(xml);
}

/* ---- choices and mcq ------------------------------------------------------------------ */

static void test_choices(void **state)
{
    (void)state;
    static const struct {
        const char *part, *answer;
        ion_verdict v;
    } table[] = {
        {"1b", "outward", ION_VERDICT_RIGHT},
        {"1b", "Outward", ION_VERDICT_RIGHT},
        {"1b", "OUTWARD", ION_VERDICT_RIGHT},
        {"1b", "outwards", ION_VERDICT_RIGHT},
        {"1b", "outward current", ION_VERDICT_RIGHT},
        {"1b", "\"outward\"", ION_VERDICT_RIGHT},
        {"1b", "外向", ION_VERDICT_RIGHT},
        {"1b", "out", ION_VERDICT_INVALID},       /* never "outward": ions are not current */
        {"1b", "in", ION_VERDICT_INVALID},
        {"1b", "sideways", ION_VERDICT_INVALID},
        {"1b", "inward", ION_VERDICT_WRONG},
        {"1d", "out", ION_VERDICT_RIGHT},
        {"1d", "OUT", ION_VERDICT_RIGHT},
        {"1d", "out of the cell", ION_VERDICT_RIGHT},
        {"1d", "efflux", ION_VERDICT_RIGHT},
        {"1d", "outward", ION_VERDICT_INVALID},   /* current, not ion movement */
        {"1d", "outwards", ION_VERDICT_INVALID},
        {"1d", "in", ION_VERDICT_WRONG},
        {"1d", "no net flow", ION_VERDICT_WRONG}, /* none */
        {"2b", "C", ION_VERDICT_RIGHT},
        {"2b", "c", ION_VERDICT_RIGHT},
        {"2b", "(c)", ION_VERDICT_RIGHT},
        {"2b", "C.", ION_VERDICT_RIGHT},
        {"2b", "kv", ION_VERDICT_RIGHT},          /* the option's id */
        {"2b", "B", ION_VERDICT_WRONG},
        {"2b", "E", ION_VERDICT_INVALID},
        {"2b", "CD", ION_VERDICT_INVALID},
        {"2b", "3", ION_VERDICT_INVALID},
    };
    session *s = open_session("en");
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const ion_part_result *p = answer(s, "", table[i].part, table[i].answer);
        if (p->verdict != table[i].v)
            fail_msg("%s '%s': %s, expected %s", table[i].part, table[i].answer, ion_verdict_name(p->verdict),
                     ion_verdict_name(table[i].v));
        /* A current direction for an ion movement (or the other way round)
         * has a note of its own (issue 14 item 9). */
        if (p->verdict == ION_VERDICT_INVALID && !strstr(s->note, "not one of") &&
            !strstr(s->note, "an inward current is cations moving in or anions moving out"))
            fail_msg("%s '%s': note '%s'", table[i].part, table[i].answer, s->note);
    }
    close_session(s);
}

/* ---- carried forward ------------------------------------------------------------------ */

static void test_carried(void **state)
{
    (void)state;
    session *s = open_session("en");
    /* 1a wrong at -80 mV: DF = -70 - (-80) = +10 mV carries; 1b outward is right anyway. */
    char buf[512];
    snprintf(buf, sizeof buf, "student: s001\n1a: -80\n1b: outward\n1c: 10.2 mV\n1d: out\n");
    assert_int_equal(grade_text(s, buf), 0);
    assert_int_equal(part_of(s->r, "1a")->verdict, ION_VERDICT_WRONG);
    assert_int_equal(part_of(s->r, "1b")->verdict, ION_VERDICT_RIGHT);
    const ion_part_result *p = part_of(s->r, "1c");
    assert_int_equal(p->verdict, ION_VERDICT_CARRIED);
    assert_true(fabs(p->score - 2) < 1e-12);
    assert_non_null(strstr(p->note, "carried forward from 1a"));
    assert_non_null(strstr(p->note, "10.00 mV"));
    assert_true(fabs(s->r->total - 4) < 1e-12);

    /* 1a at -60 mV turns the current inward: the carried choice wins over the mistake. */
    assert_int_equal(grade_text(s, "student: s001\n1a: -0.060 V\n1b: inward\n1c: -10\n1d: in\n"), 0);
    assert_int_equal(part_of(s->r, "1b")->verdict, ION_VERDICT_CARRIED);
    assert_null(part_of(s->r, "1b")->feedback);
    assert_int_equal(part_of(s->r, "1c")->verdict, ION_VERDICT_CARRIED);
    assert_int_equal(part_of(s->r, "1d")->verdict, ION_VERDICT_CARRIED);

    /* Follow-through from a right but rounded 1a (issue 14): -94.55 is
     * within 0.5 of -95.02; 1c from it is 24.55, from the key 25.02. */
    assert_int_equal(grade_text(s, "student: s001\n1a: -94.55\n1c: 24.1\n"), 0);
    assert_int_equal(part_of(s->r, "1a")->verdict, ION_VERDICT_RIGHT);
    assert_int_equal(part_of(s->r, "1c")->verdict, ION_VERDICT_CARRIED);
    assert_non_null(strstr(part_of(s->r, "1c")->note, "carried forward from 1a"));
    assert_int_equal(grade_text(s, "student: s001\n1a: -94.55\n1c: 25.4\n"), 0);
    assert_int_equal(part_of(s->r, "1c")->verdict, ION_VERDICT_RIGHT); /* the key still counts */

    /* A mistake in 1a (the inverted ratio) carries too. */
    assert_int_equal(grade_text(s, "student: s001\n1a: 95.02\n1c: -165.02\n"), 0);
    assert_int_equal(part_of(s->r, "1a")->verdict, ION_VERDICT_WRONG);
    assert_int_equal(part_of(s->r, "1c")->verdict, ION_VERDICT_CARRIED);

    /* Nothing carries from a blank 1a, an unreadable one or one in another
     * dimension; a right one carries what the key gives anyway. */
    static const char *const no_carry[] = {
        "student: s001\n1a: -95\n1c: 10\n",
        "student: s001\n1c: 10\n",
        "student: s001\n1a: minus eighty\n1c: 10\n",
        "student: s001\n1a: -80 mM\n1c: 10\n",
        "student: s001\n1a: -80\n1a: -81\n1c: 10\n",
    };
    for (size_t i = 0; i < sizeof no_carry / sizeof no_carry[0]; i++) {
        assert_int_equal(grade_text(s, no_carry[i]), 0);
        if (part_of(s->r, "1c")->verdict != ION_VERDICT_WRONG)
            fail_msg("case %zu: %s", i, ion_verdict_name(part_of(s->r, "1c")->verdict));
    }
    /* Carried forward still needs the tolerance. */
    assert_int_equal(grade_text(s, "student: s001\n1a: -80\n1c: 11\n"), 0);
    assert_int_equal(part_of(s->r, "1c")->verdict, ION_VERDICT_WRONG);
    close_session(s);
}

/* A chain: 1b asks for a let computed from 1a's; 1c uses both. The lets
 * after a carried one are evaluated again, the carried ones stay pinned. */
static void test_carried_chain(void **state)
{
    (void)state;
    char *xml = mini_key("<let name=\"y\" value=\"4\" unit=\"mV\" expr=\"2*x\"/>"
                         "<let name=\"z\" value=\"7\" unit=\"mV\" expr=\"y + 3[mV]\"/>"
                         "<let name=\"w\" value=\"70\" unit=\"mV\" expr=\"10*z\"/>",
                         "<part id=\"1a\" kind=\"numeric\" value=\"4\" unit=\"mV\" tol-abs=\"0.01\" points=\"1\" expr=\"y\"/>"
                         "<part id=\"1b\" kind=\"numeric\" value=\"7\" unit=\"mV\" tol-abs=\"0.01\" points=\"1\" expr=\"z\">"
                         "<carry from=\"1a\" let=\"y\"/></part>"
                         "<part id=\"1c\" kind=\"numeric\" value=\"70\" unit=\"mV\" tol-abs=\"0.01\" points=\"1\" expr=\"w\">"
                         "<carry from=\"1a\" let=\"y\"/><carry from=\"1b\" let=\"z\"/></part>");
    ion_error err = {0};
    ion_answer_key *k = parse_key(xml, KEY_XSD, &err);
    if (!k)
        fail_msg("%s", err.msg);
    ion_gradebook *gb = ion_gradebook_new(k, "en");
    /* 1a wrong (5), 1b follows from it (8), 1c follows from 1b (80). */
    ion_answer answers[] = {{"1a", "5", 1}, {"1b", "8", 2}, {"1c", "80", 3}};
    ion_submission sub = {.file = "z.txt", .line = 1, .student = "a", .n = 3, .answers = answers};
    const ion_result *r;
    assert_int_equal(ion_gradebook_grade(gb, &sub, &r, NULL, NULL, &err), 0);
    assert_int_equal(part_of(r, "1b")->verdict, ION_VERDICT_CARRIED);
    assert_int_equal(part_of(r, "1c")->verdict, ION_VERDICT_CARRIED);
    assert_non_null(strstr(part_of(r, "1c")->note, "1a, 1b"));
    /* 1b right after a wrong 1a: 1c is graded from the pinned 1b (70). */
    answers[1].text = "7";
    answers[2].text = "70";
    assert_int_equal(ion_gradebook_grade(gb, &sub, &r, NULL, NULL, &err), 0);
    assert_int_equal(part_of(r, "1c")->verdict, ION_VERDICT_RIGHT);
    /* 1b off on its own (9, not from 1a's 5): 1c from 9 is 90. */
    answers[1].text = "9";
    answers[2].text = "90";
    assert_int_equal(ion_gradebook_grade(gb, &sub, &r, NULL, NULL, &err), 0);
    assert_int_equal(part_of(r, "1b")->verdict, ION_VERDICT_WRONG);
    assert_int_equal(part_of(r, "1c")->verdict, ION_VERDICT_CARRIED);
    ion_gradebook_free(gb);
    ion_answer_key_free(k);
    free(xml);
}

/* ---- submissions as a whole ------------------------------------------------------------- */

static void test_duplicates_and_unknown_parts(void **state)
{
    (void)state;
    session *s = open_session("en");
    assert_int_equal(grade_text(s, "student: s001\n1a: -95\n2a: -5\n1A: -96\n9z: 1\n"), 0);
    const ion_part_result *p = part_of(s->r, "1a");
    assert_int_equal(p->verdict, ION_VERDICT_INVALID);
    assert_non_null(strstr(p->note, "lines 2 and 4"));
    assert_int_equal(part_of(s->r, "2a")->verdict, ION_VERDICT_RIGHT);
    assert_int_equal(part_of(s->r, "1b")->verdict, ION_VERDICT_BLANK);
    assert_int_equal(s->notes, 2); /* the duplicate and the unknown part */
    /* A blank duplicate is no duplicate: the filled-in line counts. */
    assert_int_equal(grade_text(s, "student: s001\n1a:\n1a: -95\n"), 0);
    assert_int_equal(part_of(s->r, "1a")->verdict, ION_VERDICT_RIGHT);
    /* The same in a class CSV with a column twice. */
    assert_int_equal(grade_text(s, "student,1a,2a,1A\ns001,-95,-5,-96\ns002,,,-89.06\n"), 0);
    assert_int_equal(s->graded, 2);
    assert_int_equal(part_of(ion_gradebook_result(s->gb, 0), "1a")->verdict, ION_VERDICT_INVALID);
    assert_int_equal(part_of(ion_gradebook_result(s->gb, 0), "2a")->verdict, ION_VERDICT_RIGHT);
    assert_int_equal(part_of(s->r, "1a")->verdict, ION_VERDICT_RIGHT);
    /* The same answer twice is that answer (issue 14), in any notation:
     * a number without a unit is in the part's (mV). */
    assert_int_equal(grade_text(s, "student: s001\n1a: -95\n1A: -95.0\n"), 0);
    assert_int_equal(part_of(s->r, "1a")->verdict, ION_VERDICT_RIGHT);
    assert_int_equal(grade_text(s, "student: s001\n1a: -95\n1a: -95.0 mV\n1a = -0.095 V\n"), 0);
    p = part_of(s->r, "1a");
    assert_int_equal(p->verdict, ION_VERDICT_RIGHT);
    assert_string_equal(p->answer, "-95\n-95.0 mV\n-0.095 V"); /* recorded one a line */
    assert_int_equal(grade_text(s, "student: s001\n1a: -95\n1a: -95.0 V\n"), 0);
    p = part_of(s->r, "1a");
    assert_int_equal(p->verdict, ION_VERDICT_INVALID);
    assert_string_equal(p->note, "ambiguous: answered twice, and the answers differ (lines 2 and 3): scored 0");
    close_session(s);
}

static void test_refused_submissions(void **state)
{
    (void)state;
    session *s = open_session("en");
    assert_int_equal(grade_text(s, "worksheet: week6\nstudent: s001\n1a: -95\n"), 0);
    assert_int_equal(s->refused, 1);
    assert_int_equal(s->err.line, 1);
    assert_non_null(strstr(s->err.msg, "worksheet 'week6'"));
    assert_int_equal(grade_text(s, "# x\nstudent: s999\n1a: -95\n"), 0);
    assert_int_equal(s->refused, 1);
    assert_int_equal(s->err.line, 2);
    assert_non_null(strstr(s->err.msg, "unknown student 's999'"));
    assert_null(ion_gradebook_result(s->gb, 0));
    close_session(s);
}

/* Grading again replaces, never adds; the note says which file came first. */
static void test_regrade(void **state)
{
    (void)state;
    session *s = open_session("en");
    assert_int_equal(grade_text(s, "student: s002\n1a: 1\n"), 0);
    assert_int_equal(s->notes, 0);
    assert_int_equal(grade_text(s, "student: s002\n2b: B\n"), 0);
    assert_int_equal(s->notes, 1);
    assert_non_null(strstr(s->note, "graded before, from t.txt:1"));
    const ion_result *r = ion_gradebook_result(s->gb, 1);
    assert_ptr_equal(r, s->r);
    assert_int_equal(part_of(r, "1a")->verdict, ION_VERDICT_BLANK);
    assert_int_equal(part_of(r, "2b")->verdict, ION_VERDICT_RIGHT);
    assert_true(fabs(r->total - 2) < 1e-12);
    close_session(s);
}

/* Issue 14: two files claiming one student, a file named after another
 * student, refused files: statuses, not silent replacement or "missing". */
static void test_statuses(void **state)
{
    (void)state;
    session *s = open_session("en");
    const char *why;
    /* s002's own file, then another claiming s002: neither counts. */
    assert_int_equal(grade_file(s, "dir/a.txt", "student: s002\n1a: 1\n"), 0);
    assert_int_equal(ion_gradebook_status(s->gb, 1, NULL), ION_STATUS_GRADED);
    assert_int_equal(grade_file(s, "dir/b.txt", "student: s002\n2b: B\n"), 0);
    assert_non_null(strstr(s->note, "conflict: student s002 is claimed by a.txt:1, b.txt:1"));
    assert_int_equal(ion_gradebook_status(s->gb, 1, &why), ION_STATUS_CONFLICT);
    assert_string_equal(why, "a.txt:1, b.txt:1");
    assert_null(ion_gradebook_result(s->gb, 1));
    /* A third file is listed too. */
    assert_int_equal(grade_file(s, "c.xml", "student: s002\n"), 0);
    ion_gradebook_status(s->gb, 1, &why);
    assert_string_equal(why, "a.txt:1, b.txt:1, c.xml:1");
    /* s001.txt saying s003: both in conflict, though each file is alone. */
    assert_int_equal(grade_file(s, "s001.txt", "student: s003\n1a: -95\n"), 0);
    assert_int_equal(ion_gradebook_status(s->gb, 0, &why), ION_STATUS_CONFLICT);
    assert_string_equal(why, "s001.txt:1");
    assert_int_equal(ion_gradebook_status(s->gb, 2, NULL), ION_STATUS_CONFLICT);
    assert_non_null(strstr(s->note, "named after student s001 but says student s003"));
    /* The gradebook says so in every part's cell. */
    size_t len;
    char *csv = ion_gradebook_csv(s->gb, &len);
    assert_non_null(strstr(csv, "\r\ns001,"));
    assert_non_null(strstr(csv, ",conflict,conflict"));
    free(csv);
    char *fb = ion_gradebook_feedback(s->gb, 1, &len);
    assert_non_null(strstr(fb, "More than one file claims to be your submission"));
    assert_non_null(strstr(fb, "b.txt:1"));
    free(fb);
    close_session(s);

    /* A refused file is put on the student it is named after. */
    s = open_session("en");
    assert_int_equal(grade_file(s, "in/s002.txt", "PK\x03\x04 a docx"), -1);
    assert_int_equal(ion_gradebook_status(s->gb, 1, &why), ION_STATUS_REFUSED);
    assert_string_equal(why, "s002.txt: docx"); /* a code, in no language */
    fb = ion_gradebook_feedback(s->gb, 1, &len);
    assert_non_null(strstr(fb, "Your submission was refused"));
    assert_non_null(strstr(fb, "a Word, OpenDocument or zip file"));
    assert_null(strstr(fb, "No submission was received"));
    free(fb);
    /* ... and for another worksheet, on the student it names. */
    assert_int_equal(grade_file(s, "x.txt", "worksheet: other\nstudent: s003\n1a: 1\n"), 0);
    assert_int_equal(ion_gradebook_status(s->gb, 2, &why), ION_STATUS_REFUSED);
    assert_string_equal(why, "x.txt: other-worksheet\tother\tweek5");
    /* A readable file of theirs afterwards is graded. */
    assert_int_equal(grade_file(s, "s002.txt", "student: s002\n1a: 1\n"), 0);
    assert_int_equal(ion_gradebook_status(s->gb, 1, NULL), ION_STATUS_GRADED);
    csv = ion_gradebook_csv(s->gb, &len);
    assert_non_null(strstr(csv, ",refused,refused"));
    free(csv);
    char *sum = ion_gradebook_summary(s->gb);
    assert_non_null(strstr(sum, "1 graded, 1 missing, 1 refused"));
    free(sum);
    close_session(s);
}

/* ---- outputs ------------------------------------------------------------------------ */

static void test_outputs(void **state)
{
    (void)state;
    session *s = open_session("en");
    assert_int_equal(grade_text(s, "student: s001\n1a: -95\n1b: outward\n1c: 25\n1d: out\n2a: -5\n2b: C\n"), 0);
    assert_int_equal(grade_text(s, "student: s002\n1a: 89.06\n2a: 4 mV\n2b: b\n"), 0);
    size_t len;
    char *csv = ion_gradebook_csv(s->gb, &len);
    assert_non_null(csv);
    assert_int_equal(strlen(csv), len);
    const char *expect =
        "student,name,total,max,percent,1a,1b,1c,1d,2a,2b\r\n"
        "s001,Ada Li,11,11,100.0,2,1,2,1,3,2\r\n"
        "s002,\"Zoë \"\"Z\"\" Ångström, Jr\",2.75,11,25.0,0,0,0,0,0.75,2\r\n"
        "s003,李静,0,11,0.0,missing,missing,missing,missing,missing,missing\r\n";
    assert_string_equal(csv, expect);
    free(csv);

    char *fb = ion_gradebook_feedback(s->gb, 1, &len);
    assert_non_null(fb);
    assert_non_null(strstr(fb, "Student: Zoë \"Z\" Ångström, Jr (s002)"));
    assert_non_null(strstr(fb, "Total: 2.75 / 11 points (25.0%)"));
    assert_non_null(strstr(fb, "1a   wrong    0 / 2\n     your answer: 89.06\n     key: -89.06 mV\n"));
    assert_non_null(strstr(fb, "inverted"));
    assert_non_null(strstr(fb, "1b   blank    0 / 1\n     your answer: (none)\n     key: outward\n"));
    free(fb);
    fb = ion_gradebook_feedback(s->gb, 2, NULL);
    assert_non_null(strstr(fb, "No submission"));
    assert_null(strstr(fb, "key:")); /* no answers for who did not hand in */
    free(fb);

    ion_grade_stats st;
    ion_gradebook_stats(s->gb, &st);
    assert_int_equal(st.students, 3);
    assert_int_equal(st.graded, 2);
    assert_true(fabs(st.mean - 6.875) < 1e-12);
    assert_true(fabs(st.median - 6.875) < 1e-12);
    assert_int_equal(st.bins[9], 1);
    assert_int_equal(st.bins[2], 1);
    assert_int_equal(st.nhardest, 3);
    assert_string_equal(ion_answer_key_part_id(s->key, st.hardest[0]), "1a"); /* 2 of 4 points */
    char *summary = ion_gradebook_summary(s->gb);
    assert_non_null(summary);
    assert_non_null(strstr(summary, "3 students, 2 graded, 1 missing"));
    assert_non_null(strstr(summary, "mean 6.88 / 11 (62.5%), median 6.88"));
    assert_non_null(strstr(summary, "hardest parts: 1a"));
    assert_non_null(strstr(summary, "90-100% |#"));
    free(summary);
    close_session(s);
    grade_summary_in_both_languages();

    /* Parts everybody got full points for are never the hardest. */
    s = open_session("en");
    assert_int_equal(grade_text(s, "student: s001\n1a: -95\n1b: outward\n1c: 25\n1d: out\n2a: -5\n2b: B\n"), 0);
    ion_gradebook_stats(s->gb, &st);
    assert_int_equal(st.nhardest, 1);
    assert_string_equal(ion_answer_key_part_id(s->key, st.hardest[0]), "2b");
    summary = ion_gradebook_summary(s->gb);
    assert_non_null(strstr(summary, "hardest parts: 2b (0% of points)\n"));
    free(summary);
    assert_int_equal(grade_text(s, "student: s001\n1a: -95\n1b: outward\n1c: 25\n1d: out\n2a: -5\n2b: C\n"), 0);
    ion_gradebook_stats(s->gb, &st);
    assert_int_equal(st.nhardest, 0);
    summary = ion_gradebook_summary(s->gb);
    assert_null(strstr(summary, "hardest"));
    free(summary);
    close_session(s);
}

/* grade's summary in the gradebook's language (issue 16: it was English
 * under --lang zh), English as before but for "1 student". */
static void grade_summary_in_both_languages(void)
{
    static const char *const head[2] = {
        "worksheet week5 (PHYS2): 3 students, 2 graded, 1 missing\n"
        "mean 5.5 / 11 (50.0%), median 5.5\n"
        "hardest parts: 1a (0% of points), 1b (50% of points), 1c (50% of points)\n"
        "totals (percent of the maximum):\n"
        "  90-100% |                                         0\n",
        "作业 week5（PHYS2）：学生 3 名，已评分 2，缺交 1\n"
        "平均分 5.5 / 11（50.0%），中位数 5.5\n"
        "最难的小题：1a（得分率 0%）、1b（得分率 50%）、1c（得分率 50%）\n"
        "总分分布（占满分的百分比）：\n"
        "  90-100% |                                         0\n",
    };
    for (int zh = 0; zh < 2; zh++) {
        session *s = open_session(zh ? "zh" : "en");
        assert_int_equal(grade_text(s, "student: s001\n1a: -89.06\n1b: outward\n1c: 25\n1d: out\n2a: -5\n2b: C\n"), 0);
        assert_int_equal(grade_text(s, "student: s002\n1a: 89.06\n2b: B\n"), 0);
        char *summary = ion_gradebook_summary(s->gb);
        assert_non_null(summary);
        if (strncmp(summary, head[zh], strlen(head[zh])))
            fail_msg("the summary in %s:\n%s", zh ? "zh" : "en", summary);
        free(summary);
        close_session(s);
    }
    /* One student is "1 student" (it said "1 students"). */
    size_t len;
    char *xml = slurp(KEY, &len), *from = strstr(xml, "  <student id=\"s002\""), *to = strstr(xml, "</answer-key>");
    assert_non_null(from);
    assert_non_null(to);
    memmove(from, to, strlen(to) + 1);
    ion_error err = {0};
    ion_answer_key *k = ion_answer_key_parse(xml, strlen(xml), "one.xml", KEY_XSD, &err);
    if (!k)
        fail_msg("one.xml:%d: %s", err.line, err.msg);
    for (int zh = 0; zh < 2; zh++) {
        ion_gradebook *gb = ion_gradebook_new(k, zh ? "zh" : "en");
        char *summary = ion_gradebook_summary(gb);
        const char *want = zh ? "作业 week5（PHYS2）：学生 1 名，已评分 0，缺交 1\n"
                              : "worksheet week5 (PHYS2): 1 student, 0 graded, 1 missing\n";
        assert_string_equal(summary, want);
        free(summary);
        ion_gradebook_free(gb);
    }
    ion_answer_key_free(k);
    free(xml);
}

/* A key parsed from memory holds every student (and may be shared by
 * threads); a key file is read again one student at a time. Both grade
 * alike: the same CSV and the same feedback, byte for byte, v1 and v2, in
 * English and Chinese, the submissions taken in an order that jumps
 * between students. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n + 4096 > cap)
            assert_non_null(buf = realloc(buf, cap = 2 * cap + 4096));
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static char *graded_all(ion_answer_key *k, const char *lang, const char *dir, int nsubs)
{
    ion_gradebook *gb = ion_gradebook_new(k, lang);
    ion_sub_parser *p = ion_sub_parser_new(NULL);
    assert_non_null(gb);
    assert_non_null(p);
    session s = {0};
    s.key = k;
    s.gb = gb;
    for (int pass = 0; pass < 2; pass++) /* a regrade replaces: the key is read again */
        for (int i = 0; i < nsubs; i++) {
            int j = (i * 5 + pass) % nsubs + 1; /* 1, 6, 11, 4, ... */
            char path[256], file[32];
            size_t len;
            snprintf(path, sizeof path, "%s/s%02d.txt", dir, j);
            snprintf(file, sizeof file, "s%02d.txt", j);
            char *text = slurp(path, &len);
            ion_error e = {0};
            if (ion_sub_parse(p, text, len, file, on_sub, &s, &e) < 0)
                ion_gradebook_refuse(gb, file, NULL, e.msg);
            free(text);
        }
    size_t len;
    char *out = ion_gradebook_csv(gb, &len);
    assert_non_null(out);
    for (size_t i = 0; i < ion_answer_key_students(k); i++) {
        char *fb = ion_gradebook_feedback(gb, i, &len);
        assert_non_null(fb);
        size_t had = strlen(out);
        assert_non_null(out = realloc(out, had + len + 1));
        memcpy(out + had, fb, len + 1);
        free(fb);
    }
    ion_sub_parser_free(p);
    ion_gradebook_free(gb);
    return out;
}

/* TMPDIR back as it was (saved: its copy, or NULL when unset). */
static void restore_tmpdir(const char *saved)
{
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
}

/* No temporary file to be had: the key is refused, saying why. */
static void test_key_spill_fails(void **state)
{
    (void)state;
    char *saved = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
    setenv("TMPDIR", KEY, 1); /* a file, not a directory */
    ion_error err = {0};
    ion_answer_key *k = ion_answer_key_load_kept(KEY, NULL, 0, &err);
    assert_null(k);
    assert_string_equal(err.file, KEY);
    assert_non_null(strstr(err.msg, "temporary file in " KEY));
    /* within memory, no file is needed */
    k = ion_answer_key_load(KEY, NULL, &err);
    restore_tmpdir(saved);
    free(saved);
    assert_non_null(k);
    ion_answer_key_free(k);
}

static void test_key_whole(void **state)
{
    (void)state;
    const char *keys[] = {"tests/data/grade/v2/key-v2.xml", "tests/data/grade/v2/key-v1.xml"};
    const char *langs[] = {"en", "zh"};
    for (size_t i = 0; i < 2; i++)
        for (size_t l = 0; l < 2; l++) {
            ion_error err = {0};
            size_t len;
            char *xml = slurp(keys[i], &len);
            ion_answer_key *file = ion_answer_key_load(keys[i], NULL, &err);
            ion_answer_key *whole = ion_answer_key_parse(xml, len, keys[i], NULL, &err);
            /* The students' records all in the temporary file, and past
             * the first few students' */
            ion_answer_key *spilled = ion_answer_key_load_kept(keys[i], NULL, 0, &err);
            ion_answer_key *split = ion_answer_key_load_kept(keys[i], NULL, 20000, &err);
            free(xml);
            assert_non_null(file);
            assert_non_null(whole);
            assert_non_null(spilled);
            assert_non_null(split);
            assert_null(file->store.file); /* a small key's records stay in memory */
            assert_non_null(spilled->store.file);
            assert_int_equal(spilled->store.mem_len, 0);
            assert_true(split->store.file && split->store.mem_len > 0);
            char *a = graded_all(file, langs[l], "tests/data/grade/v2/submissions", 12);
            char *b = graded_all(whole, langs[l], "tests/data/grade/v2/submissions", 12);
            char *c = graded_all(spilled, langs[l], "tests/data/grade/v2/submissions", 12);
            char *d = graded_all(split, langs[l], "tests/data/grade/v2/submissions", 12);
            if (l == 0) /* the corpus reaches carried forward and the mistakes' feedback */
                assert_true(strstr(a, "carried forward from 2a") && strstr(a, "kelvin"));
            assert_string_equal(a, b);
            assert_string_equal(a, c);
            assert_string_equal(a, d);
            free(a);
            free(b);
            free(c);
            free(d);
            ion_answer_key_free(file);
            ion_answer_key_free(whole);
            ion_answer_key_free(spilled);
            ion_answer_key_free(split);
        }

    /* A later student with a part the first had not (1b after 2a): the
     * columns are sorted after every student was read. */
    const char *xml =
        "<answer-key xmlns=\"urn:ionsheet:answer-key:1\" worksheet=\"w\" course=\"c\" max=\"3\">"
        "<student id=\"a\" name=\"A\"><problem n=\"1\" template=\"t\" version=\"1\" seed=\"1\">"
        "<part id=\"1a\" kind=\"choice\" value=\"in\" points=\"1\"><choice id=\"in\"/></part></problem>"
        "<problem n=\"2\" template=\"u\" version=\"1\" seed=\"1\">"
        "<part id=\"2a\" kind=\"choice\" value=\"out\" points=\"2\"><choice id=\"out\"/></part></problem></student>"
        "<student id=\"b\" name=\"B\"><problem n=\"1\" template=\"t\" version=\"1\" seed=\"2\">"
        "<part id=\"1a\" kind=\"choice\" value=\"in\" points=\"1\"><choice id=\"in\"/></part>"
        "<part id=\"1b\" kind=\"choice\" value=\"in\" points=\"1\"><choice id=\"in\"/></part></problem>"
        "<problem n=\"2\" template=\"u\" version=\"1\" seed=\"2\">"
        "<part id=\"2a\" kind=\"choice\" value=\"out\" points=\"2\"><choice id=\"out\"/></part></problem></student>"
        "</answer-key>";
    ion_error err = {0};
    ion_answer_key *k = parse_key(xml, KEY_XSD, &err);
    assert_non_null(k);
    session s = {0};
    s.key = k;
    assert_non_null(s.gb = ion_gradebook_new(k, "en"));
    assert_non_null(s.p = ion_sub_parser_new(NULL));
    assert_int_equal(grade_text(&s, "student: b\n1a: in\n1b: out\n2a: out\n"), 0);
    size_t len;
    char *csv = ion_gradebook_csv(s.gb, &len);
    assert_string_equal(csv, "student,name,total,max,percent,1a,1b,2a\r\n"
                             "a,A,0,3,0.0,missing,missing,missing\r\n"
                             "b,B,3,4,75.0,1,invalid,2\r\n");
    free(csv);
    ion_sub_parser_free(s.p);
    ion_gradebook_free(s.gb);
    ion_answer_key_free(k);
}

/* Names a spreadsheet would run as formulas are defused. */
static void test_csv_formula(void **state)
{
    (void)state;
    const char *xml =
        "<answer-key xmlns=\"urn:ionsheet:answer-key:1\" worksheet=\"w\" course=\"c\" max=\"1\">"
        "<student id=\"a\" name=\"=HYPERLINK(&quot;x&quot;)\"><problem n=\"1\" template=\"t\" version=\"1\" seed=\"1\">"
        "<part id=\"1a\" kind=\"choice\" value=\"in\" points=\"1\"><choice id=\"in\"/></part>"
        "</problem></student></answer-key>";
    ion_error err = {0};
    ion_answer_key *k = parse_key(xml, KEY_XSD, &err);
    assert_non_null(k);
    ion_gradebook *gb = ion_gradebook_new(k, "en");
    char *csv = ion_gradebook_csv(gb, NULL);
    assert_non_null(strstr(csv, "a,\"'=HYPERLINK(\"\"x\"\")\",0,1,0.0,missing\r\n"));
    free(csv);
    ion_gradebook_free(gb);
    ion_answer_key_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_load),
        cmocka_unit_test(test_key_refused),
        cmocka_unit_test(test_key_v2),
        cmocka_unit_test(test_feedback_languages),
        cmocka_unit_test(test_key_shapes),
        cmocka_unit_test(test_key_whole),
        cmocka_unit_test(test_key_spill_fails),
        cmocka_unit_test(test_number_table),
        cmocka_unit_test(test_tolerance),
        cmocka_unit_test(test_unit_conversions),
        cmocka_unit_test(test_mistakes),
        cmocka_unit_test(test_choices),
        cmocka_unit_test(test_carried),
        cmocka_unit_test(test_carried_chain),
        cmocka_unit_test(test_duplicates_and_unknown_parts),
        cmocka_unit_test(test_refused_submissions),
        cmocka_unit_test(test_regrade),
        cmocka_unit_test(test_statuses),
        cmocka_unit_test(test_outputs),
        cmocka_unit_test(test_csv_formula),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
