/* Two models' part keys (partkey.h) compared field by field, numbers to
 * the bit, strings byte for byte: the answer key built from sheets against
 * the one read back (test_keybuild), the generator's against the one read
 * back from key.xml (test_key_roundtrip). */
#ifndef ION_TEST_PARTKEY_H
#define ION_TEST_PARTKEY_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "partkey.h"

static inline void same_double(double a, double b, const char *what, const char *where)
{
    if (memcmp(&a, &b, sizeof a))
        fail_msg("%s: %s %.17g != %.17g", where, what, a, b);
}

static inline void same_str(const char *a, const char *b, const char *what, const char *where)
{
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b)))
        fail_msg("%s: %s '%s' != '%s'", where, what, a ? a : "(null)", b ? b : "(null)");
}

static inline void same_part_key(const ion_part_key *a, const ion_part_key *b, const char *where)
{
    assert_int_equal(a->kind, b->kind);
    same_double(a->points, b->points, "points", where);
    assert_ptr_equal(a->unit, b->unit);
    same_double(a->value, b->value, "value", where);
    same_double(a->tol_abs, b->tol_abs, "tol-abs", where);
    same_double(a->tol_rel, b->tol_rel, "tol-rel", where);
    assert_int_equal(a->sigfigs, b->sigfigs);
    same_double(a->slip_credit, b->slip_credit, "slip-credit", where);
    same_double(a->sign_credit, b->sign_credit, "sign-credit", where);
    same_str(a->answer, b->answer, "answer", where);
    assert_int_equal(a->nids, b->nids);
    for (size_t i = 0; i < a->nids; i++) {
        same_str(a->ids[i], b->ids[i], "choice or option", where);
        assert_int_equal(a->letters ? a->letters[i] : 0, b->letters ? b->letters[i] : 0);
    }
    assert_int_equal(a->nmistakes, b->nmistakes);
    for (size_t i = 0; i < a->nmistakes; i++) {
        same_double(a->mistakes[i].value, b->mistakes[i].value, "mistake value", where);
        same_str(a->mistakes[i].str, b->mistakes[i].str, "mistake", where);
        same_double(a->mistakes[i].credit, b->mistakes[i].credit, "mistake credit", where);
        assert_int_equal(a->mistakes[i].source, b->mistakes[i].source);
    }
}

#endif
