/* Regression tests for the answer key reader (ion_answer_key_parse), one
 * per bug found by tests/fuzz/fuzz_answer_key.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ucs4_looking_bytes_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
