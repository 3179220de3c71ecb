/* Regression tests for the answer key reader (ion_answer_key_parse), one
 * per bug found by tests/fuzz/fuzz_answer_key.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "grade.h"

/* "<\0\0\0" looks like UCS-4 to libxml2, whose conversion error reached
 * the reader's error handler inside xmlParserInputGrow; the handler's
 * xmlStopParser freed the input buffer that function was still using
 * (a NULL dereference in libxml2). */
static void ucs4_looking_bytes_are_refused(void **state)
{
    (void)state;
    static const char data[] = {'<', 0, 0, 0};
    ion_error err = {0};
    ion_answer_key *k = ion_answer_key_parse(data, sizeof data, "key.xml", NULL, &err);
    assert_null(k);
    assert_string_equal(err.file, "key.xml");
    assert_true(err.msg[0] != '\0');
}

/* A key without students (the schema allows it) has no part columns; the
 * reader copied its NULL column array with memcpy, which is undefined even
 * for 0 bytes (UBSan under make asan). */
static void key_without_students(void **state)
{
    (void)state;
    static const char data[] =
        "<answer-key xmlns=\"urn:ionsheet:answer-key:1\" worksheet=\"week5\" course=\"PHYS2\"/>";
    ion_error err = {0};
    ion_answer_key *k = ion_answer_key_parse(data, sizeof data - 1, "key.xml", NULL, &err);
    assert_non_null(k);
    assert_int_equal(ion_answer_key_students(k), 0);
    assert_int_equal(ion_answer_key_parts(k), 0);
    ion_gradebook *gb = ion_gradebook_new(k, "en");
    assert_non_null(gb);
    size_t len;
    char *csv = ion_gradebook_csv(gb, &len);
    assert_non_null(csv);
    free(csv);
    ion_gradebook_free(gb);
    ion_answer_key_free(k);
}

/* A choice part without <choice> children (which the schema allows) was
 * accepted, and grading it took an address inside the key's NULL array of
 * alternatives (UBSan: zero offset applied to a null pointer). Such a part
 * can never be answered right: the reader refuses it. */
static void choice_part_without_choices(void **state)
{
    (void)state;
    static const char data[] =
        "<answer-key xmlns=\"urn:ionsheet:answer-key:1\" worksheet=\"week5\" course=\"PHYS2\">\n"
        "  <student id=\"s001\" name=\"Ada\">\n"
        "    <problem n=\"1\" template=\"t\" version=\"1\" seed=\"1\">\n"
        "      <part id=\"1a\" kind=\"choice\" value=\"outward\" points=\"1\"/>\n"
        "    </problem>\n"
        "  </student>\n"
        "</answer-key>\n";
    ion_error err = {0};
    ion_answer_key *k = ion_answer_key_parse(data, sizeof data - 1, "key.xml", NULL, &err);
    assert_null(k);
    assert_string_equal(err.msg, "part 1a has no choices");
    assert_int_equal(err.line, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ucs4_looking_bytes_are_refused),
        cmocka_unit_test(key_without_students),
        cmocka_unit_test(choice_part_without_choices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
