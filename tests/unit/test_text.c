/* The message catalogue (text.h): lookups, glosses, placeholders, the
 * number reader's reasons in Chinese, and a catalogue that cannot load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

static int reset(void **state)
{
    (void)state;
    ion_text_release();
    ion_text_set_dir("templates");
    return 0;
}

static void test_lookup_and_fill(void **state)
{
    (void)state;
    ion_error err = {0};
    assert_non_null(ion_text_catalogue("en", &err));
    assert_non_null(ion_text_catalogue("zh", &err));
    assert_string_equal(ion_text_get("en", "feedback.no_answer"), "(none)");
    assert_string_equal(ion_text_get("zh", "feedback.no_answer"), "（无）");
    assert_string_equal(ion_text_get(NULL, "label.name"), "Name");
    /* An unknown key is shown as itself, never NULL. */
    assert_string_equal(ion_text_get("zh", "no.such.key"), "no.such.key");

    char out[128];
    size_t n = ion_text_fill(out, sizeof out, "zh", "feedback.answer", "answer", "-58 mV", (const char *)NULL);
    assert_string_equal(out, "你的答案：-58 mV");
    assert_int_equal(n, strlen(out));
    /* Cut like snprintf, the whole length still told. */
    n = ion_text_fill(out, 6, "en", "feedback.key", "key", "-58.32 mV", (const char *)NULL);
    assert_string_equal(out, "key: ");
    assert_int_equal(n, strlen("key: -58.32 mV"));
    char *s = ion_text_format("en", "drill.summary", "done", "3", "right", "2", (const char *)NULL);
    assert_string_equal(s, "Summary: 3 problems done, 2 right the first time.");
    free(s);
}

static void test_glosses(void **state)
{
    (void)state;
    assert_string_equal(ion_text_gloss("zh", "topic", "nernst"), "能斯特电位");
    assert_string_equal(ion_text_gloss("en", "topic", "nernst"), "Nernst potentials");
    assert_string_equal(ion_text_gloss("zh", "dim", "voltage"), "电压");
    assert_string_equal(ion_text_gloss("zh", "verdict", "carried"), "沿用正确");
    /* No gloss: the id itself (English verdicts are their names). */
    assert_string_equal(ion_text_gloss("en", "verdict", "right"), "right");
    assert_string_equal(ion_text_gloss("zh", "topic", "new-topic"), "new-topic");
}

static void test_reasons(void **state)
{
    (void)state;
    char out[256];
    assert_string_equal(ion_text_reason("zh", "'abc' is not a number", out, sizeof out), "“abc”不是数值");
    assert_string_equal(ion_text_reason("zh", "unknown unit 'mX'", out, sizeof out), "不认识的单位“mX”");
    assert_string_equal(ion_text_reason("zh", "ambiguous unit 'MS': mS or ms?", out, sizeof out),
                        "单位“MS”有歧义：是 mS 还是 ms？");
    assert_string_equal(ion_text_reason("zh", "the answer is too long", out, sizeof out), "答案太长");
    /* The quoted text may hold the pattern's own words. */
    assert_string_equal(ion_text_reason("zh", "'x' is not a number' is not a number", out, sizeof out),
                        "“x' is not a number”不是数值");
    /* Why a whole file was refused, as the feedback says it. */
    assert_string_equal(ion_text_reason("zh", "not valid UTF-8 text", out, sizeof out), "不是有效的 UTF-8 文本");
    assert_string_equal(ion_text_reason("zh", "this submission is for worksheet 'w2', the key is for 'w3'", out,
                                        sizeof out),
                        "这份提交属于作业“w2”，而参考答案属于“w3”");
    /* English as it is; an unknown reason copied. */
    assert_string_equal(ion_text_reason("en", "'abc' is not a number", out, sizeof out), "'abc' is not a number");
    assert_string_equal(ion_text_reason("zh", "something new", out, sizeof out), "something new");
}

static void test_broken_catalogue(void **state)
{
    (void)state;
    char dir[] = "/tmp/ion-text-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/en.conf", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("label.name = Name\nnot a line\n", f);
    fclose(f);
    ion_text_release();
    ion_text_set_dir(dir);
    ion_error err = {0};
    assert_null(ion_text_catalogue("en", &err));
    assert_non_null(strstr(err.file, "en.conf"));
    assert_int_equal(err.line, 2);
    /* Said again to the next caller; lookups show keys. */
    memset(&err, 0, sizeof err);
    assert_null(ion_text_catalogue("en", &err));
    assert_int_equal(err.line, 2);
    assert_string_equal(ion_text_get("en", "label.name"), "label.name");
    assert_null(ion_text_catalogue("xx", &err));
    assert_non_null(strstr(err.msg, "cannot open"));
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_lookup_and_fill, reset),
        cmocka_unit_test_setup(test_glosses, reset),
        cmocka_unit_test_setup(test_reasons, reset),
        cmocka_unit_test_setup_teardown(test_broken_catalogue, reset, reset),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ion_text_release();
    return failed;
}
