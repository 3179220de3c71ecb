/* The web server's pure parts: link tokens, HTML escaping and the bank's
 * inline markup as HTML, the answer file a web form becomes. (The server
 * itself is tested end to end: tests/e2e/serve*.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "classroom.h"
#include "serve_html.h"

static const unsigned char secret_a[ION_BANK_SECRET_LEN] = {1, 2, 3};
static const unsigned char secret_b[ION_BANK_SECRET_LEN] = {1, 2, 4};

static void test_tokens(void **state)
{
    (void)state;
    char t1[ION_TOKEN_LEN + 1], t2[ION_TOKEN_LEN + 1];
    unsigned char bytes[ION_TOKEN_BYTES];
    ion_link_token(secret_a, "PHYS2", "week5", "s001", t1);
    assert_int_equal(strlen(t1), ION_TOKEN_LEN);
    assert_int_equal(strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                     ION_TOKEN_LEN);
    ion_link_token(secret_a, "PHYS2", "week5", "s001", t2);
    assert_string_equal(t1, t2); /* the same every time */
    ion_link_token(secret_b, "PHYS2", "week5", "s001", t2);
    assert_string_not_equal(t1, t2); /* another secret */
    ion_link_token(secret_a, "PHYS2", "week5", "s002", t2);
    assert_string_not_equal(t1, t2);
    ion_link_token(secret_a, "PHYS2", "week6", "s001", t2);
    assert_string_not_equal(t1, t2);
    ion_link_token(secret_a, "BIO1", "week5", "s001", t2);
    assert_string_not_equal(t1, t2);
    /* ("week5", "s001") and ("week5s", "001") are different inputs */
    ion_link_token(secret_a, "PHYS2", "week5s", "001", t2);
    assert_string_not_equal(t1, t2);

    assert_int_equal(ion_token_decode(t1, strlen(t1), bytes), 0);
    assert_int_equal(ion_token_decode(t1, strlen(t1) - 1, bytes), -1);
    assert_int_equal(ion_token_decode("AAAAAAAAAAAAAAAAAAAAA=", 22, bytes), -1);
    assert_int_equal(ion_token_decode("AAAAAAAAAAAAAAAAAAAA/A", 22, bytes), -1);
    assert_int_equal(ion_token_decode("AAAAAAAAAAAAAAAAAAAA A", 22, bytes), -1);
}

static char *html(void (*fn)(ion_strbuf *, const char *), const char *in)
{
    ion_strbuf b = {0};
    fn(&b, in);
    return ion_strbuf_detach(&b, NULL);
}

static void expect(void (*fn)(ion_strbuf *, const char *), const char *in, const char *want)
{
    char *got = html(fn, in);
    assert_string_equal(got, want);
    free(got);
}

static void test_text(void **state)
{
    (void)state;
    expect(ion_html_text, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(ion_html_text, "a \"b\" & 'c'", "a &quot;b&quot; &amp; &#39;c&#39;");
    expect(ion_html_text, "张伟", "张伟");
    expect(ion_html_text, "", "");
}

static void test_markup(void **state)
{
    (void)state;
    expect(ion_html_markup, "[K<sup>+</sup>]<sub>o</sub>", "[K<sup>+</sup>]<sub>o</sub>");
    expect(ion_html_markup, "a<br/>b", "a<br>b");
    expect(ion_html_markup, "x &lt; y &amp;&#8722;&#x2212;", "x &lt; y &amp;&#8722;&#x2212;");
    /* anything else is text */
    expect(ion_html_markup, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(ion_html_markup, "<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;");
    expect(ion_html_markup, "<sub onclick=x>", "&lt;sub onclick=x&gt;");
    expect(ion_html_markup, "a & b &foo; &#; &#x;", "a &amp; b &amp;foo; &amp;#; &amp;#x;");
    expect(ion_html_markup, "\"quoted\"", "&quot;quoted&quot;");
    /* references to no character a page may hold stay text, as the
     * typesetter reads them (markup.h): NUL, surrogates, past U+10FFFF,
     * controls and noncharacters */
    expect(ion_html_markup, "&#0;&#x0;&#xD800;&#56320;&#x110000;&#1114112;",
           "&amp;#0;&amp;#x0;&amp;#xD800;&amp;#56320;&amp;#x110000;&amp;#1114112;");
    expect(ion_html_markup, "&#1;&#x7F;&#x80;&#159;&#xFFFE;&#xFDD0;&#x10FFFF;",
           "&amp;#1;&amp;#x7F;&amp;#x80;&amp;#159;&amp;#xFFFE;&amp;#xFDD0;&amp;#x10FFFF;");
    expect(ion_html_markup, "&#9;&#xA0;&#x10FFFD;", "&#9;&#xA0;&#x10FFFD;");
    /* invalid UTF-8 in the bank reaches no page: U+FFFD */
    expect(ion_html_markup, "a\xff\xc3" "b", "a\xef\xbf\xbd\xef\xbf\xbd" "b");
    /* tags balanced: unmatched ends dropped, open ones closed */
    expect(ion_html_markup, "</b>x<i>y", "x<i>y</i>");
    expect(ion_html_markup, "<b><i>x</b></i>", "<b><i>x</i></b>");
}

static void test_verdict_words(void **state)
{
    (void)state;
    assert_string_equal(ion_verdict_word(ION_VERDICT_RIGHT, "en"), "right");
    assert_string_equal(ion_verdict_word(ION_VERDICT_RIGHT, "zh"), "正确");
    assert_string_equal(ion_status_word(ION_STATUS_CONFLICT, "zh"), "冲突");
    assert_string_equal(ion_verdict_word((ion_verdict)99, "zh"), "?");
    assert_string_equal(ion_word_get(W_SUBMIT, "zh"), "提交答案");
    for (int w = 0; w < W_COUNT; w++) { /* every word in both languages */
        assert_non_null(ion_word_get((ion_word)w, "en"));
        assert_non_null(ion_word_get((ion_word)w, "zh"));
    }
}

static void test_answer_file(void **state)
{
    (void)state;
    ion_class_student st = {.id = "s001", .name = "Ada"};
    ion_classroom c;
    memset(&c, 0, sizeof c);
    c.w.ws.name = "week5";
    c.n = 1;
    c.students = &st;
    const char *parts[] = {"1a", "1b"}, *answers[] = {"-94 mV\nstudent: s002", "out\rward"};
    size_t len;
    char *text = ion_classroom_answer_file(&c, 0, 2, parts, answers, &len);
    /* a line break in an answer cannot add a line of its own */
    assert_string_equal(text, "worksheet: week5\nstudent: s001\n1a: -94 mV student: s002\n1b: out ward\n");
    assert_int_equal(len, strlen(text));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens),       cmocka_unit_test(test_text),
        cmocka_unit_test(test_markup),       cmocka_unit_test(test_verdict_words),
        cmocka_unit_test(test_answer_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
