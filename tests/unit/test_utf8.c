/* The UTF-8 layer (utf8.h): decoding, validation, cutting, blanks, widths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "utf8.h"

static void test_next_and_put(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
        uint32_t cp;
    } good[] = {
        {"A", 1, 'A'}, {"\xc2\xb5", 2, 0xB5}, {"\xe2\x88\x92", 3, 0x2212},
        {"\xe9\x92\xbe", 3, 0x94BE}, {"\xf0\x9f\x98\x80", 4, 0x1F600},
        {"\xef\xbf\xbd", 3, 0xFFFD}, {"\xf4\x8f\xbf\xbf", 4, 0x10FFFF},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        uint32_t cp = 0;
        char out[4];
        assert_int_equal(ion_utf8_next(good[i].s, strlen(good[i].s), &cp), good[i].len);
        assert_int_equal(cp, good[i].cp);
        assert_int_equal(ion_utf8_put(cp, out), good[i].len);
        assert_memory_equal(out, good[i].s, good[i].len);
    }
    /* Overlong forms, surrogates, past U+10FFFF, stray continuation bytes,
     * five-byte forms and characters cut short are all refused. */
    static const char *const bad[] = {
        "\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80",
        "\xf8\x88\x80\x80\x80", "\xe9\x92", "\xff",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t cp = 0;
        assert_int_equal(ion_utf8_next(bad[i], strlen(bad[i]), &cp), 0);
        assert_int_equal(cp, 0xFFFD);
    }
    uint32_t cp;
    assert_int_equal(ion_utf8_next("\xe9\x92\xbe", 2, &cp), 0); /* n cuts it */
    char out[4];
    assert_int_equal(ion_utf8_put(0xD800, out), 0);
    assert_int_equal(ion_utf8_put(0x110000, out), 0);
}

/* UTF-16 for PDF strings: one unit below U+10000, a surrogate pair
 * above (U+1F600 is D83D DE00), U+FFFD past U+10FFFF. */
static void test_utf16(void **state)
{
    (void)state;
    uint16_t u[2] = {0, 0};
    assert_int_equal(ion_utf16_put('A', u), 1);
    assert_int_equal(u[0], 'A');
    assert_int_equal(ion_utf16_put(0x94BE, u), 1);
    assert_int_equal(u[0], 0x94BE);
    assert_int_equal(ion_utf16_put(0x1F600, u), 2);
    assert_int_equal(u[0], 0xD83D);
    assert_int_equal(u[1], 0xDE00);
    assert_int_equal(ion_utf16_put(0x10FFFF, u), 2);
    assert_int_equal(u[0], 0xDBFF);
    assert_int_equal(u[1], 0xDFFF);
    assert_int_equal(ion_utf16_put(0x110000, u), 1);
    assert_int_equal(u[0], 0xFFFD);
}

static void test_invalid_at(void **state)
{
    (void)state;
    const char ok[] = "E_K = \xe2\x88\x92" "74 mV \xe9\x92\xbe";
    assert_int_equal(ion_utf8_invalid_at(ok, strlen(ok)), strlen(ok));
    const char bad[] = "ab\xe9\x92" "cd";
    assert_int_equal(ion_utf8_invalid_at(bad, strlen(bad)), 2);
    assert_int_equal(ion_utf8_invalid_at("x\xed\xa0\x80", 4), 1);
    assert_int_equal(ion_utf8_invalid_at("", 0), 0);
}

static void test_cut_and_clip(void **state)
{
    (void)state;
    const char s[] = "ab\xe9\x92\xbe" "c"; /* a b 钾 c */
    assert_int_equal(ion_utf8_cut(s, 2), 2);
    assert_int_equal(ion_utf8_cut(s, 3), 2);
    assert_int_equal(ion_utf8_cut(s, 4), 2);
    assert_int_equal(ion_utf8_cut(s, 5), 5);
    char out[8];
    /* Room for 4 bytes: "ab" and the dots, never half a character. */
    assert_string_equal(ion_utf8_clip(s, strlen(s), out, sizeof out), "ab...");
    assert_string_equal(ion_utf8_clip("a\tb\n", 4, out, sizeof out), "a b ");
    assert_string_equal(ion_utf8_clip("abcd", 4, out, sizeof out), "abcd");
}

static void test_space(void **state)
{
    (void)state;
    assert_int_equal(ion_utf8_space(" x", 2), 1);
    assert_int_equal(ion_utf8_space("\tx", 2), 1);
    assert_int_equal(ion_utf8_space("\xc2\xa0", 2), 2);     /* no-break */
    assert_int_equal(ion_utf8_space("\xe2\x80\x89", 3), 3); /* thin */
    assert_int_equal(ion_utf8_space("\xe2\x80\xaf", 3), 3); /* narrow no-break */
    assert_int_equal(ion_utf8_space("\xe3\x80\x80", 3), 3); /* ideographic */
    assert_int_equal(ion_utf8_space("\xe3\x80\x80", 2), 0); /* cut short */
    assert_int_equal(ion_utf8_space("x", 1), 0);
    assert_int_equal(ion_utf8_space("\xe2\x88\x92", 3), 0); /* minus sign */
    assert_int_equal(ion_utf8_space("\r", 1), 0);
    assert_int_equal(ion_utf8_space("", 0), 0);
}

static void test_width_and_count(void **state)
{
    (void)state;
    assert_int_equal(ion_utf8_width("mV"), 2);
    assert_int_equal(ion_utf8_width("[K\xe2\x81\xba]\xe2\x82\x92"), 5); /* [K⁺]ₒ */
    assert_int_equal(ion_utf8_width("\xe8\x83\xbd\xe6\x96\xaf\xe7\x89\xb9"), 6); /* 能斯特 */
    assert_int_equal(ion_utf8_width("\xef\xbc\x91"), 2);  /* full-width 1 */
    assert_int_equal(ion_utf8_width("e\xcc\x81"), 1);     /* e + combining acute */
    assert_int_equal(ion_utf8_width("a\xff" "b"), 3);     /* a bad byte counts 1 */
    assert_int_equal(ion_utf8_count("a\xe9\x92\xbe\xff", 5), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_next_and_put),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_invalid_at),
        cmocka_unit_test(test_cut_and_clip),
        cmocka_unit_test(test_space),
        cmocka_unit_test(test_width_and_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
