/* The one reader of the inline markup (markup.h): tokens, entities decoded
 * and checked, tags, and what is text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markup.h"
#include "strbuf.h"
#include "text.h"

/* The tokens of s written one a line: "c U+XXXX", "e U+XXXX" (an entity),
 * "<sub", ">sub", "br", "bad<", "bad&", "badutf8". */
static void tokens(const char *s, int markup, char *out, size_t cap)
{
    size_t n = strlen(s), used = 0;
    out[0] = '\0';
    while (n > 0) {
        ion_mk_token t;
        ion_markup_next(s, n, markup, &t);
        assert_true(t.len >= 1 && t.len <= n);
        char one[32];
        switch (t.kind) {
        case ION_MK_CHAR: snprintf(one, sizeof one, "%c U+%04X\n", t.entity ? 'e' : 'c', (unsigned)t.cp); break;
        case ION_MK_OPEN: snprintf(one, sizeof one, "<%s\n", ion_markup_tag_name(t.tag)); break;
        case ION_MK_CLOSE: snprintf(one, sizeof one, ">%s\n", ion_markup_tag_name(t.tag)); break;
        case ION_MK_BR: snprintf(one, sizeof one, "br\n"); break;
        case ION_MK_BAD_TAG: assert_int_equal(t.cp, '<'); snprintf(one, sizeof one, "bad<\n"); break;
        case ION_MK_BAD_ENT: assert_int_equal(t.cp, '&'); snprintf(one, sizeof one, "bad&\n"); break;
        case ION_MK_BAD_UTF8: assert_int_equal(t.cp, 0xFFFD); snprintf(one, sizeof one, "badutf8\n"); break;
        }
        size_t l = strlen(one);
        assert_true(used + l < cap);
        memcpy(out + used, one, l + 1);
        used += l;
        s += t.len;
        n -= t.len;
    }
}

static void expect(const char *s, int markup, const char *want)
{
    char got[1024];
    tokens(s, markup, got, sizeof got);
    assert_string_equal(got, want);
}

static void test_tags(void **state)
{
    (void)state;
    expect("E<sub>K</sub>", 1, "c U+0045\n<sub\nc U+004B\n>sub\n");
    expect("<sup></sup><i></i><b></b>", 1, "<sup\n>sup\n<i\n>i\n<b\n>b\n");
    expect("<br/><br /><br>", 1, "br\nbr\nbr\n");
    /* not a tag: the '<' is text, the rest read again */
    expect("<sub x>", 1, "bad<\nc U+0073\nc U+0075\nc U+0062\nc U+0020\nc U+0078\nc U+003E\n");
    expect("<su", 1, "bad<\nc U+0073\nc U+0075\n");
    /* plain text: no tags, no entities */
    expect("<b>&lt;", 0, "c U+003C\nc U+0062\nc U+003E\nc U+0026\nc U+006C\nc U+0074\nc U+003B\n");
}

static void test_entities(void **state)
{
    (void)state;
    expect("&lt;&gt;&amp;&quot;&apos;", 1, "e U+003C\ne U+003E\ne U+0026\ne U+0022\ne U+0027\n");
    expect("&#8722;&#x2212;&#X2212;&#x10FFFD;&#9;", 1,
           "e U+2212\ne U+2212\ne U+2212\ne U+10FFFD\ne U+0009\n");
    expect("\xe2\x88\x92", 1, "c U+2212\n");
    /* no character a document may hold: the '&' is text */
    const char *bad[] = {"&#0;", "&#x0;", "&#xD800;", "&#57343;", "&#x110000;", "&#1114112;",
                         "&#99999999999;", "&#1;", "&#x1F;", "&#x7F;", "&#x80;", "&#x9F;",
                         "&#xFFFE;", "&#xFFFF;", "&#xFDD0;", "&#x10FFFF;", "&#;", "&#x;",
                         "&#12", "&foo;", "&", "&#x12G;"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ion_mk_token t;
        ion_markup_next(bad[i], strlen(bad[i]), 1, &t);
        assert_int_equal(t.kind, ION_MK_BAD_ENT);
        assert_int_equal(t.len, 1);
    }
}

static void test_utf8(void **state)
{
    (void)state;
    expect("a\xff" "b\xc3", 1, "c U+0061\nbadutf8\nc U+0062\nbadutf8\n");
    expect("\xed\xa0\x80", 1, "badutf8\nbadutf8\nbadutf8\n"); /* a surrogate */
    expect("\xe4\xb8\xad", 1, "c U+4E2D\n");
}

/* ion_markup_plain (text.h) reads markup with the same reader. */
static void plain(const char *markup, const char *want)
{
    ion_strbuf b = {0};
    assert_int_equal(ion_markup_plain(markup, &b), 0);
    assert_string_equal(b.s, want);
    free(b.s);
}

static void test_plain(void **state)
{
    (void)state;
    plain("", "");
    plain("[K<sup>+</sup>]<sub>o</sub> &lt; 10<sup>\xe2\x88\x92" "3</sup> M", "[K⁺]ₒ < 10⁻³ M");
    plain("E<sub>Cl</sub>", "E_Cl"); /* no subscript C: the run as it is */
    plain("<i>a</i> &amp; <b>b</b><br/>c", "a & bc");
    plain("x<sup>2<i>n</i></sup>", "x²ⁿ");
    /* entities are decoded inside a script run and outside */
    plain("<sub>&lt;1</sub>&#8722;&quot;", "_<1−\"");
    plain("<sup>12", "¹²"); /* an unclosed run ends with the text */
    /* what is no tag or entity stays text */
    plain("a < b &c; &#0;", "a < b &c; &#0;");
    plain("a\xff" "b", "a\xef\xbf\xbd" "b");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_plain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
