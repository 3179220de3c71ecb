/* Problem files, templates and instances. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "instance.h"
#include "judge.h"
#include "render_text.h"
#include "template.h"
#include "text.h"

#define XSD "schema/problem.xsd"
#define GOOD "tests/data/problems-test.xml"

static ion_template *load_one(void)
{
    static ion_template_list l;
    ion_template_list_release(&l);
    ion_error err = {0};
    if (ion_templates_load(GOOD, XSD, &l, &err))
        fail_msg("%s:%d: %s", err.file, err.line, err.msg);
    assert_int_equal(l.n, 1);
    return l.items[0];
}

static void structure(void **state)
{
    (void)state;
    ion_template *t = load_one();
    assert_string_equal(t->id, "t-nernst-k");
    assert_string_equal(t->topic, "nernst");
    assert_int_equal(t->difficulty, 1);
    assert_string_equal(ion_i18n_only(&t->title, "zh"), "钾离子的平衡电位");
    assert_string_equal(ion_i18n_only(&t->text, "en"), "A neuron has [K<sup>+</sup>]<sub>o</sub> = {Ko} and "
                                    "[K<sup>+</sup>]<sub>i</sub> = {Ki} at {T}.");
    assert_string_equal(ion_i18n_get(&t->hint, "zh"), "Use the Nernst equation.");
    assert_int_equal(t->nvars, 4);
    assert_int_equal(t->nlets, 1);
    assert_int_equal(t->nparts, 3);
    assert_int_equal(t->parts[0].nmistakes, 2);
    assert_true(t->parts[0].mistakes[1].credit == 0.5);
    assert_int_equal(t->parts[1].nchoices, 3);
    assert_int_equal(t->parts[2].noptions, 3);
    assert_non_null(strstr(t->source, "urn:ionsheet:problem:1"));
    /* The stored source parses back to the same template. */
    ion_template_list again = {0};
    ion_error err = {0};
    assert_int_equal(ion_templates_parse(t->source, strlen(t->source), "stored", NULL, &again, &err), 0);
    assert_string_equal(ion_i18n_only(&again.items[0]->text, "en"), ion_i18n_only(&t->text, "en"));
    ion_template_list_release(&again);
}

static void instances_are_reproducible_and_correct(void **state)
{
    (void)state;
    ion_template *t = load_one();
    ion_instance a, b;
    ion_error err = {0};
    assert_int_equal(ion_instance_init(&a, t), 0);
    assert_int_equal(ion_instance_init(&b, t), 0);
    int differ = 0;
    for (uint64_t seed = 1; seed <= 500; seed++) {
        assert_int_equal(ion_instance_generate(&a, seed, &err), 0);
        assert_int_equal(ion_instance_generate(&b, seed, &err), 0);
        double Ko = a.vals[1].num, Ki = a.vals[2].num, T = a.vals[3].num, E;
        assert_true(Ko == b.vals[1].num && Ki == b.vals[2].num && T == b.vals[3].num);
        assert_true(Ki > 10 * Ko);
        assert_true(Ko >= 2 - 1e-12 && Ko <= 10 + 1e-12 && Ki >= 100 && Ki <= 160);
        assert_true(T == 293.15 || T == 298.15 || T == 310.15);
        ion_nernst(1, Ko, Ki, T, &E);
        assert_true(a.drawn[0].answer.num == E);
        assert_string_equal(a.drawn[1].answer.str, ion_current_name(-0.070 - E > 0 ? 1 : -1));
        assert_true(a.drawn[0].mistake_ok[0] && fabs(a.drawn[0].mistakes[0].num + E) < 1e-15);
        /* The value shown is the value used: printing and reading back
         * gives the same SI value. */
        char shown[64];
        ion_instance_value(&a, 1, shown, sizeof shown);
        assert_true(strtod(shown, NULL) == Ko);
        assert_true(a.keys[2].answer[0] >= 'A' && a.keys[2].answer[0] <= 'C');
        assert_int_equal(ion_instance_option(&a, 2, (size_t)(a.keys[2].answer[0] - 'A'))->correct, 1);
        differ |= a.keys[2].answer[0] != 'A';
        if (seed > 1)
            differ |= 2 * (a.vals[1].num != b.vals[1].num);
    }
    assert_true(differ & 1);  /* the options really are shuffled */
    ion_instance_release(&a);
    ion_instance_release(&b);
}

static void formatting(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(ion_format_sig(-95.0225756674, 3, b, sizeof b), "-95.0");
    assert_string_equal(ion_format_sig(-95.0225756674, 4, b, sizeof b), "-95.02");
    assert_string_equal(ion_format_sig(9.996, 3, b, sizeof b), "10.0");
    assert_string_equal(ion_format_sig(161.803, 3, b, sizeof b), "162");
    assert_string_equal(ion_format_sig(0.0038246, 3, b, sizeof b), "0.00382");
    assert_string_equal(ion_format_sig(-0.0001, 2, b, sizeof b), "-0.00010");
    assert_string_equal(ion_format_sig(-0.00004, 2, b, sizeof b), "-4.0e-05");
    assert_string_equal(ion_format_sig(0, 3, b, sizeof b), "0");
    assert_string_equal(ion_format_sig(6.2415e6, 3, b, sizeof b), "6240000");
    assert_string_equal(ion_format_sig(1.5e7, 3, b, sizeof b), "1.50e+07");
    assert_string_equal(ion_format_sig(-1e-9, 3, b, sizeof b), "-1.00e-09");

    /* For print: a true minus, a thin space before the unit, and an
     * exponent as a power of ten, never "e+07" on a page. */
    char ty[192];
    assert_string_equal(ion_typographic("-94.07 mV", ty, sizeof ty), "\xe2\x88\x92" "94.07\xe2\x80\x89mV");
    assert_string_equal(ion_typographic("8.114e+07", ty, sizeof ty),
                        "8.114\xe2\x80\x89\xc3\x97\xe2\x80\x89" "10<sup>7</sup>");
    assert_string_equal(ion_typographic("-1.00e-09 M", ty, sizeof ty),
                        "\xe2\x88\x92" "1.00\xe2\x80\x89\xc3\x97\xe2\x80\x89" "10<sup>\xe2\x88\x92" "9</sup>\xe2\x80\x89M");
    assert_string_equal(ion_typographic("1.2e+100 1/s", ty, sizeof ty),
                        "1.2\xe2\x80\x89\xc3\x97\xe2\x80\x89" "10<sup>100</sup>\xe2\x80\x89" "1/s");
    assert_string_equal(ion_typographic("5 mEq", ty, sizeof ty), "5\xe2\x80\x89mEq");

    ion_template *t = load_one();
    ion_instance in;
    ion_error err = {0};
    ion_instance_init(&in, t);
    assert_int_equal(ion_instance_generate(&in, 7, &err), 0);
    ion_strbuf text = {0};
    assert_int_equal(ion_instance_subst(&in, ion_i18n_only(&t->solution, "en"), 0, &text), 0);
    char *s = text.s;
    assert_null(strchr(s, '{'));
    assert_non_null(strstr(s, " mV"));
    char q[64];
    ion_instance_quantity(&in, 3, q, sizeof q);
    assert_non_null(strstr(q, "\xc2\xb0""C"));
    free(s);
    ion_instance_release(&in);
}

/* Every broken file gives its own message with file and line, and adds
 * nothing to the list. */
static void broken_files(void **state)
{
    (void)state;
    static const struct {
        const char *file, *msg;
    } cases[] = {
        {"unknown-name", "template t-nernst-k: part a answer: unknown name 'EKx'"},
        {"arg-count", "template t-nernst-k: let EK: nernst"},
        {"type-error", "template t-nernst-k: part a answer"},
        {"unit-literal", "unknown unit 'mVx'"},
        {"circular-let", "depends on itself"},
        {"schema", "template t-nernst-k: Element '{urn:ionsheet:problem:1}part', attribute 'kind'"},
        {"placeholder", "unknown placeholder {Temp}"},
        {"param-unit", "param T: unknown unit 'Celsius'"},
        {"z-zero", "template t-nernst-k: part a mistake"},
        {"choice-number", "part b answer gives a number where a choice id is needed"},
        {"doctype", "DOCTYPE"},
        {"not-well-formed", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "tests/data/problems-bad/%s.xml", cases[i].file);
        ion_template_list l = {0};
        ion_error err = {0};
        if (ion_templates_load(path, XSD, &l, &err) == 0)
            fail_msg("%s was accepted", path);
        assert_int_equal(l.n, 0);
        assert_string_equal(err.file, path);
        if (!strstr(err.msg, cases[i].msg))
            fail_msg("%s: message '%s' lacks '%s'", path, err.msg, cases[i].msg);
        if (strcmp(cases[i].file, "doctype") && err.line <= 0)
            fail_msg("%s: no line in '%s'", path, err.msg);
    }
}

/* A template's errors in the errors' language (issue 16: problem.c's
 * tfail printed English under --lang zh): the whole message in Chinese,
 * the key of what is wrong kept in err.key, and the same file in English
 * as before. */
static void broken_files_in_both_languages(void **state)
{
    (void)state;
    static const struct {
        const char *file, *key, *zh, *en;
    } cases[] = {
        {"circular-let", "err.problem.let_cycle", "模板 t-nernst-k：let“EK”依赖于它自己",
         "template t-nernst-k: let 'EK' depends on itself"},
        {"placeholder", "err.problem.placeholder", "模板 t-nernst-k：未知的占位符 {Temp}",
         "template t-nernst-k: unknown placeholder {Temp}"},
        {"param-unit", "err.problem.param_unit", "模板 t-nernst-k：param T：未知单位“Celsius”",
         "template t-nernst-k: param T: unknown unit 'Celsius'"},
        {"choice-number", "err.problem.type", "模板 t-nernst-k：小题 b 的 answer 得出的是数值，而此处需要选项 id",
         "template t-nernst-k: part b answer gives a number where a choice id is needed"},
        {"dim-answer-unit", "err.problem.unit_dim",
         "模板 t-dim：小题 a 的 answer“E_Ca”得出的是电压（V），但其单位 mM 是浓度（mol/m^3）",
         "template t-dim: part a answer 'E_Ca' gives a voltage (V), but its unit mM is a concentration (mol/m^3)"},
        {"load-param-spec", "err.problem.param_forms", "模板 bad-nernst-k：param T 需要且只能有 min+max+step、values 或 value 之一",
         "template bad-nernst-k: param T needs exactly one of min+max+step, values or value"},
        {"load-mcq-with-answer", "err.problem.mcq_options", "模板 bad-nernst-k：小题 c：单选题需要两个或更多选项，且恰有一个正确",
         "template bad-nernst-k: part c: an mcq needs two or more options, exactly one correct"},
        {"load-no-english", "err.problem.no_title", "模板 bad-nernst-k：没有英文标题", "template bad-nernst-k: no English title"},
    };
    for (int zh = 1; zh >= 0; zh--) {
        ion_text_set_lang(zh ? "zh" : "en");
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            char path[128];
            snprintf(path, sizeof path, "tests/data/problems-bad/%s.xml", cases[i].file);
            ion_template_list l = {0};
            ion_error err = {0};
            assert_int_equal(ion_templates_load(path, XSD, &l, &err), -1);
            assert_string_equal(err.msg, zh ? cases[i].zh : cases[i].en);
            assert_non_null(err.key);
            assert_string_equal(err.key, cases[i].key);
        }
    }
}

/* A template whose requires can never hold is reported, not looped on. */
static void unsatisfiable_requires(void **state)
{
    (void)state;
    ion_text_set_lang("en");
    const char *src =
        "<problems xmlns='urn:ionsheet:problem:1'><problem id='never' topic='nernst' difficulty='1'>"
        "<title xml:lang='en'>x</title><param name='a' min='1' max='2' step='1'/>"
        "<require>a &gt; 5</require>"
        "<part id='a' kind='numeric' unit='1' tol-abs='0.1' points='1'><text xml:lang='en'>a?</text>"
        "<answer>a</answer></part></problem></problems>";
    ion_template_list l = {0};
    ion_error err = {0};
    assert_int_equal(ion_templates_parse(src, strlen(src), "inline", XSD, &l, &err), 0);
    ion_instance in;
    ion_instance_init(&in, l.items[0]);
    assert_int_equal(ion_instance_generate(&in, 1, &err), -1);
    assert_non_null(strstr(err.msg, "template never: cannot meet its requires"));
    ion_instance_release(&in);
    ion_template_list_release(&l);
}

static int teardown(void **state)
{
    (void)state;
    return 0;
}

/* A template sets the credit of the generic slips (partkey.h) of a part;
 * the schema takes the attributes, the instance's part key and the judge
 * use them, and a part without them has the defaults. */
static void slip_credits(void **state)
{
    (void)state;
    static const char xml[] =
        "<problems xmlns=\"urn:ionsheet:problem:1\"><problem id=\"t-slip\" topic=\"drive\" difficulty=\"1\">"
        "<title xml:lang=\"en\">Slips</title>"
        "<param name=\"Vm\" unit=\"mV\" value=\"-65\"/>"
        "<text xml:lang=\"en\">V is {Vm}.</text>"
        "<part id=\"a\" kind=\"numeric\" unit=\"mV\" tol-abs=\"0.5\" points=\"1\" slip-credit=\"0.25\" sign-credit=\"0.5\">"
        "<text xml:lang=\"en\">V?</text><answer>Vm</answer></part>"
        "<part id=\"b\" kind=\"numeric\" unit=\"mV\" tol-abs=\"0.5\" points=\"1\">"
        "<text xml:lang=\"en\">V again?</text><answer>Vm</answer></part>"
        "</problem></problems>";
    ion_template_list l = {0};
    ion_error err = {0};
    if (ion_templates_parse(xml, sizeof xml - 1, "slip.xml", XSD, &l, &err))
        fail_msg("%s:%d: %s", err.file, err.line, err.msg);
    ion_instance in;
    assert_int_equal(ion_instance_init(&in, l.items[0]), 0);
    assert_int_equal(ion_instance_generate(&in, 1, &err), 0);
    ion_judgement j;
    ion_judge_answer(&in, 0, "-0.065", &j);
    assert_int_equal(j.verdict, ION_VERDICT_PARTIAL);
    assert_true(j.credit == 0.25);
    assert_int_equal(j.note, ION_JUDGE_NOTE_SCALE);
    ion_judge_answer(&in, 0, "65", &j);
    assert_true(j.credit == 0.5);
    assert_int_equal(j.note, ION_JUDGE_NOTE_SIGN);
    ion_judge_answer(&in, 1, "-65000", &j);
    assert_true(j.credit == ION_SLIP_CREDIT);
    ion_judge_answer(&in, 1, "65", &j);
    assert_int_equal(j.verdict, ION_VERDICT_WRONG);
    assert_int_equal(j.note, ION_JUDGE_NOTE_SIGN);
    ion_instance_release(&in);
    ion_template_list_release(&l);
}

/* bank show's text reads the instance's part keys: the answer and the
 * mistakes as the key has them, every option, in either language. */
static void author_text(void **state)
{
    (void)state;
    ion_text_set_dir("templates");
    ion_template *t = load_one();
    ion_instance in;
    ion_error err = {0};
    assert_int_equal(ion_instance_init(&in, t), 0);
    assert_int_equal(ion_instance_generate(&in, 7, &err), 0);
    ion_part_key *a = &in.keys[0];
    a->value = -12.345678; /* as a key read back could hold it */
    char want[128], v[64];
    char *text = ion_instance_text(&in, "en");
    assert_non_null(text);
    assert_true(!strncmp(text, "t-nernst-k [nernst, difficulty 1]: ", 35));
    snprintf(want, sizeof want, "\n  answer: %s mV (tolerance ", ion_format_sig(a->value, a->sigfigs, v, sizeof v));
    assert_non_null(strstr(text, want));
    for (size_t k = 0; k < a->nmistakes; k++) {
        snprintf(want, sizeof want, "%s -> %s mV (credit %g)\n", t->parts[0].mistakes[a->mistakes[k].source].src,
                 ion_format_sig(a->mistakes[k].value, a->sigfigs, v, sizeof v), a->mistakes[k].credit);
        assert_non_null(strstr(text, want));
    }
    snprintf(want, sizeof want, "  answer: %s (choices: outward inward none)\n", in.keys[1].answer);
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "\n  A) "));
    assert_non_null(strstr(text, "\n  C) "));
    snprintf(want, sizeof want, "  answer: %s\n\nhint: ", in.keys[2].answer);
    assert_non_null(strstr(text, want));
    free(text);
    text = ion_instance_text(&in, "zh");
    assert_non_null(text);
    snprintf(want, sizeof want, "  答案：%s mV（容差 ", ion_format_sig(a->value, a->sigfigs, v, sizeof v));
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "钾离子的平衡电位"));
    free(text);
    ion_instance_release(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(structure),
        cmocka_unit_test(instances_are_reproducible_and_correct),
        cmocka_unit_test(formatting),
        cmocka_unit_test(broken_files),
        cmocka_unit_test(broken_files_in_both_languages),
        cmocka_unit_test(unsatisfiable_requires),
        cmocka_unit_test(slip_credits),
        cmocka_unit_test(author_text),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
