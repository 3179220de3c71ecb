/* Regression tests for problem import (ion_templates_parse), one per bug
 * found by tests/fuzz/fuzz_template.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "template.h"

/* A refused DOCTYPE was reported at line -1 (libxml2 gives a DTD node no
 * line); ion_error promises a 1-based line or 0. */
static void doctype_has_its_line(void **state)
{
    (void)state;
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE problems [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
        "<problems xmlns=\"urn:ionsheet:problem:1\">&x;</problems>\n";
    ion_template_list list = {0};
    ion_error err = {0};
    assert_int_equal(ion_templates_parse(doc, strlen(doc), "d.xml", NULL, &list, &err), -1);
    assert_int_equal(list.n, 0);
    assert_string_equal(err.msg, "a DOCTYPE is not allowed");
    assert_int_equal(err.line, 2);
    ion_template_list_release(&list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(doctype_has_its_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
