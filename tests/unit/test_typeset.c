/* Inline typesetting: the markup parser, font selection per character and
 * line breaking, with a fake font whose every glyph is 500/1000 em wide
 * (CJK 1000), so widths are easy to reason about. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "typeset.h"

static double fake_measure(void *ctx, ion_font f, const unsigned char *b,
                           size_t n)
{
    (void)ctx;
    (void)f;
    (void)b;
    return 500.0 * (double)n;
}

static ion_ts *ts;
static ion_ts_text t;
static ion_fontset *fs;

/* The characters the tests set in embedded fonts, for the fontset (the real
 * fonts: WenQuanYi Micro Hei, DejaVu Sans and Sans Bold). */
static const char *const test_chars =
    "Nguyen Van e\u0302\u0303 中文钾离子通道开放，离子外流\u201c\u201d\uff0c김민"
    "\u1ec5\u05d0\u0639\u0645\u062d\u062f\u0644\u064a\u0633\u0627\u0628\u064e\u062a"
    "\u05d3\u05d5\u05db\u05d4\u05df\u03ac\u0390\u03ce\u00e9\U0001F9E0";

static int setup(void **state)
{
    (void)state;
    ion_error err = {0};
    fs = ion_fontset_new(&err);
    if (!fs || ion_ts_collect(fs, test_chars, 0) || ion_fontset_seal(fs, &err))
        return -1;
    ts = ion_ts_new(fake_measure, NULL, fs, &err);
    ion_ts_text_init(&t);
    return ts ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ion_ts_free(ts);
    ion_fontset_free(fs);
    ion_ts_text_release(&t);
    return 0;
}

/* Typesets s (markup) at 10 pt into t, replacing what was there. */
static void set(const char *s, int flags)
{
    ion_error err = {0};
    ion_ts_text_clear(&t);
    assert_int_equal(ion_ts_append(ts, &t, s, 10, flags, &err), 0);
}

/* The encoded bytes of glyphs [a, b) as a string. */
static const char *codes(int a, int b)
{
    static char buf[1024];
    size_t n = 0;
    for (int i = a; i < b && n + 3 < sizeof buf; i++)
        for (int k = 0; k < t.g[i].len; k++)
            buf[n++] = (char)t.g[i].code[k];
    buf[n] = '\0';
    return buf;
}

static const char *all(void) { return codes(0, t.n); }

static const char *line(int i)
{
    return codes(t.lines[i].start, t.lines[i].end);
}

static void test_plain_and_whitespace(void **state)
{
    (void)state;
    set("  a \n\t b  ", ION_TS_MARKUP);
    assert_string_equal(all(), "a b ");
    assert_int_equal(t.g[0].font, ION_FONT_REGULAR);
    assert_true(t.g[0].size == 10);
    assert_true(t.g[0].width == 5);
    /* plain text never parses tags or entities */
    set("x<b>&lt;", 0);
    assert_string_equal(all(), "x<b>&lt;");
    set(NULL, ION_TS_MARKUP);
    assert_int_equal(t.n, 0);
}

static void test_sub_sup_nesting(void **state)
{
    (void)state;
    set("E<sub>K</sub>x<sup>2+</sup>", ION_TS_MARKUP);
    assert_string_equal(all(), "EKx2+");
    assert_true(t.g[0].size == 10 && t.g[0].rise == 0);
    assert_float_equal(t.g[1].size, 7, 1e-5);
    assert_float_equal(t.g[1].rise, -1.8, 1e-5);
    assert_float_equal(t.g[3].size, 7, 1e-5);
    assert_float_equal(t.g[3].rise, 3.6, 1e-5);
    assert_float_equal(t.g[1].width, 3.5, 1e-5);

    set("a<sup>b<sub>c</sub></sup>", ION_TS_MARKUP);
    assert_float_equal(t.g[2].size, 4.9, 1e-5);
    assert_float_equal(t.g[2].rise, 3.6 - 0.18 * 7, 1e-5);

    set("<b>b<i>bi</i></b><i>i</i>", ION_TS_MARKUP);
    assert_int_equal(t.g[0].font, ION_FONT_BOLD);
    assert_int_equal(t.g[1].font, ION_FONT_BOLD_ITALIC);
    assert_int_equal(t.g[3].font, ION_FONT_ITALIC);

    /* a call's base style applies under the markup */
    set("x<i>y</i>", ION_TS_MARKUP | ION_TS_BOLD);
    assert_int_equal(t.g[0].font, ION_FONT_BOLD);
    assert_int_equal(t.g[1].font, ION_FONT_BOLD_ITALIC);
}

static void test_unknown_tags_literal(void **state)
{
    (void)state;
    set("a<foo>b</foo>", ION_TS_MARKUP);
    assert_string_equal(all(), "a<foo>b</foo>");
    set("<b>x</i></b>y", ION_TS_MARKUP);
    assert_string_equal(all(), "x</i>y");
    assert_int_equal(t.g[0].font, ION_FONT_BOLD);
    assert_int_equal(t.g[5].font, ION_FONT_REGULAR);
    set("5 < 6 & 7", ION_TS_MARKUP);
    assert_string_equal(all(), "5 < 6 & 7");
    set("<sub>open", ION_TS_MARKUP); /* closed silently at the end */
    assert_string_equal(all(), "open");
    /* deeper than 8 levels: the extra tags show */
    set("<b><b><b><b><b><b><b><b><b>x", ION_TS_MARKUP);
    assert_string_equal(all(), "<b>x");
}

static void test_entities(void **state)
{
    (void)state;
    set("&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x3b3;&bogus;&#;&#0;",
        ION_TS_MARKUP);
    assert_string_equal(codes(0, 8), "<>&\"'ABg");
    assert_int_equal(t.g[7].font, ION_FONT_SYMBOL);
    assert_string_equal(codes(8, t.n), "&bogus;&#;&#0;");
}

/* The characters of glyphs [a, b): an embedded font's glyph as the first
 * character of its cluster (0 for the cluster's other glyphs), others as
 * their byte, written "%X " each. */
static const char *cps(int a, int b)
{
    static char buf[1024];
    size_t n = 0;
    for (int i = a; i < b && n + 8 < sizeof buf; i++) {
        unsigned cp = t.g[i].font > ION_FONT_SYMBOL ? t.g[i].cp : t.g[i].code[0];
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%X ", cp);
    }
    if (n)
        buf[n - 1] = '\0';
    else
        buf[0] = '\0';
    return buf;
}

/* The glyph id of glyph i. */
static unsigned gid(int i) { return (unsigned)t.g[i].code[0] << 8 | t.g[i].code[1]; }

static void test_font_selection(void **state)
{
    (void)state;
    /* Latin-1 and WinAnsi extras stay in Helvetica */
    set("\u00e9\u00b0\u00b5\u2013\u201c\u20ac", ION_TS_MARKUP);
    assert_string_equal(all(), "\xe9\xb0\xb5\x96\x93\x80");
    for (int i = 0; i < t.n; i++)
        assert_int_equal(t.g[i].font, ION_FONT_REGULAR);
    /* Greek, the true minus, relations and arrows come from Symbol */
    set("\u0394\u03b3\u03c4\u03bc\u2212\u2264\u2192\u2248", ION_TS_MARKUP);
    assert_string_equal(all(), "Dgtm-\xa3\xae\xbb");
    for (int i = 0; i < t.n; i++)
        assert_int_equal(t.g[i].font, ION_FONT_SYMBOL);
    /* Chinese: the CJK font's glyphs (1000/1000 em), bold stroked */
    set("中<b>文</b>", ION_TS_MARKUP);
    assert_string_equal(cps(0, t.n), "4E2D 6587");
    assert_int_equal(t.g[0].font, ION_FONT_CJK);
    assert_int_equal(t.g[1].font, ION_FONT_CJK_BOLD);
    assert_int_equal(t.g[0].len, 2);
    assert_true(t.g[0].code[0] << 8 | t.g[0].code[1]); /* not .notdef */
    assert_float_equal(t.g[0].width, 10, 1e-3);
    /* Hangul from the same font, breaking at spaces only */
    set("\uae40<b>\ubbfc</b>", ION_TS_MARKUP);
    assert_string_equal(cps(0, t.n), "AE40 BBFC");
    assert_int_equal(t.g[0].font, ION_FONT_CJK);
    assert_int_equal(t.g[1].font, ION_FONT_CJK_BOLD);
    assert_int_equal(t.g[0].flags & ION_TS_G_BREAK, 0);
    /* DejaVu Sans for the rest, bold from DejaVu Sans Bold */
    set("\u1ec5<b>\u05d0\u1ec5</b>", ION_TS_MARKUP);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.g[0].font, ION_FONT_SANS);
    assert_int_equal(t.g[1].font, ION_FONT_SANS_BOLD);
    assert_int_equal(t.g[2].font, ION_FONT_SANS_BOLD);
    assert_string_equal(cps(0, t.n), "1EC5 5D0 1EC5");
    assert_true(t.g[0].width > 4 && t.g[0].width < 8);
    /* a word with such a character is DejaVu as a whole: "Nguyễn" */
    set("Nguy\u1ec5n Van", 0);
    for (int i = 0; i < 6; i++)
        assert_int_equal(t.g[i].font, ION_FONT_SANS);
    assert_int_equal(t.g[7].font, ION_FONT_REGULAR);
    /* combining marks go with their letter, one cluster: drawn over it
     * (no advance of their own) */
    set("e\u0302\u0303", 0);
    assert_int_equal(t.n, 3);
    assert_string_equal(cps(0, t.n), "65 0 0");
    for (int i = 0; i < t.n; i++)
        assert_int_equal(t.g[i].font, ION_FONT_SANS);
    assert_float_equal(t.g[1].width, 0, 1e-6);
    assert_float_equal(t.g[2].width, 0, 1e-6);
    /* no font has the emoji (U+1F9E0): '?' and the rest survives */
    set("a \u0639 \U0001F9E0 b", ION_TS_MARKUP);
    assert_int_equal(t.g[0].font, ION_FONT_REGULAR);
    assert_int_equal(t.g[2].font, ION_FONT_SANS);
    assert_int_equal(t.g[4].font, ION_FONT_REGULAR);
    assert_int_equal(t.g[4].code[0], '?');
    /* invalid UTF-8, controls and invisible characters */
    set("a\xff\xc3(b\x01\u200b\u00adc", 0);
    assert_string_equal(all(), "a?" "?(bc");
}

static void test_arabic_and_hebrew(void **state)
{
    (void)state;
    ion_error err = {0};
    /* meem alone, then محمد علي: letters join (HarfBuzz picks the initial
     * form, another glyph), in reading order ... */
    set("\u0645", 0);
    unsigned isolated = gid(0);
    set("\u0645\u062d\u0645\u062f \u0639\u0644\u064a", 0);
    assert_string_equal(cps(0, t.n), "645 62D 645 62F 20 639 644 64A");
    assert_int_equal(t.g[0].font, ION_FONT_SANS);
    assert_true(gid(0) != isolated);
    assert_int_equal(t.g[0].level, 1);
    assert_int_equal(t.g[4].level, 1); /* the space between two Arabic words */
    /* ... and, once broken into lines, right to left */
    assert_int_equal(ion_ts_break(ts, &t, 500, 0, &err), 0);
    assert_string_equal(cps(0, t.n), "64A 644 639 20 62F 645 62D 645");
    /* breaking again starts from the reading order */
    assert_int_equal(ion_ts_break(ts, &t, 500, 0, &err), 0);
    assert_string_equal(cps(0, t.n), "64A 644 639 20 62F 645 62D 645");
    /* each line is reversed on its own */
    assert_int_equal(ion_ts_break(ts, &t, ion_ts_width(&t) - 1, 0, &err), 0);
    assert_int_equal(t.nlines, 2);
    assert_string_equal(cps(t.lines[0].start, t.lines[0].end), "62F 645 62D 645");
    assert_string_equal(cps(t.lines[1].start, t.lines[1].end), "64A 644 639");

    /* سلام: lam-alef is one ligature glyph */
    set("\u0633\u0644\u0627\u0645", 0);
    assert_string_equal(cps(0, t.n), "633 644 645");
    /* a mark is a glyph of its letter's cluster; digits after Arabic read
     * left to right but stand before it (the bidi algorithm, rule N1) */
    set("Ali \u0628\u064e\u062a 12", 0);
    assert_int_equal(ion_ts_break(ts, &t, 500, 0, &err), 0);
    assert_string_equal(cps(0, t.n), "41 6C 69 20 31 32 20 62A 0 628");
    /* Hebrew has no forms, only the order: דוד כהן */
    set("\u05d3\u05d5\u05d3 \u05db\u05d4\u05df.", 0);
    assert_int_equal(ion_ts_break(ts, &t, 500, 0, &err), 0);
    assert_string_equal(cps(0, t.n), "5DF 5D4 5DB 20 5D3 5D5 5D3 2E");

    /* without a fontset, Arabic is '?' */
    ion_ts *plain = ion_ts_new(fake_measure, NULL, NULL, &err);
    assert_non_null(plain);
    ion_ts_text_clear(&t);
    assert_int_equal(ion_ts_append(plain, &t, "a\u0639\u05d0", 10, 0, &err),
                     0);
    assert_string_equal(cps(0, t.n), "61 3F 3F");
    for (int i = 0; i < t.n; i++)
        assert_int_equal(t.g[i].font, ION_FONT_REGULAR);
    ion_ts_free(plain);
}

static void test_thin_space(void **state)
{
    (void)state;
    set("94.1\u2009mV", ION_TS_MARKUP);
    assert_string_equal(all(), "94.1 mV");
    assert_float_equal(t.g[4].size, 6, 1e-5);
    assert_int_equal(t.g[4].flags & ION_TS_G_BREAK, 0);
    /* never broken between a number and its unit */
    assert_int_equal(ion_ts_break(ts, &t, 20, 0, NULL), 0);
    assert_int_equal(t.nlines, 2);
    assert_string_equal(line(0), "94.1");
    assert_string_equal(line(1), " mV");
}

static void test_break_words(void **state)
{
    (void)state;
    set("aa bb cc dd", ION_TS_MARKUP); /* 5 pt per letter */
    assert_int_equal(ion_ts_break(ts, &t, 26, 0, NULL), 0);
    assert_int_equal(t.nlines, 2);
    assert_string_equal(line(0), "aa bb");
    assert_string_equal(line(1), "cc dd");
    assert_float_equal(t.lines[0].width, 25, 1e-5);
    assert_float_equal(ion_ts_width(&t), 55, 1e-5);

    /* a word wider than the line breaks between characters */
    set("abcdefghij", ION_TS_MARKUP);
    assert_int_equal(ion_ts_break(ts, &t, 21, 0, NULL), 0);
    assert_int_equal(t.nlines, 3);
    assert_string_equal(line(0), "abcd");
    assert_string_equal(line(2), "ij");

    /* hyphen between letters and slash are break points, a minus is not */
    set("Na-K ATPase -70 a/b", ION_TS_MARKUP);
    assert_true(t.g[2].flags & ION_TS_G_BREAK);
    assert_false(t.g[12].flags & ION_TS_G_BREAK);
    assert_true(t.g[17].flags & ION_TS_G_BREAK);

    /* <br/> forces a break; a narrow line still takes one glyph */
    set("a<br/>b<br>c", ION_TS_MARKUP);
    assert_int_equal(ion_ts_break(ts, &t, 100, 0, NULL), 0);
    assert_int_equal(t.nlines, 3);
    assert_string_equal(line(2), "c");
    set("abc", ION_TS_MARKUP);
    assert_int_equal(ion_ts_break(ts, &t, 1, 0, NULL), 0);
    assert_int_equal(t.nlines, 3);
}

static void test_break_cjk(void **state)
{
    (void)state;
    /* 10 pt per character; the comma may not start a line */
    set("钾离子通道开放，离子外流", ION_TS_MARKUP);
    assert_int_equal(ion_ts_break(ts, &t, 75, 0, NULL), 0);
    assert_int_equal(t.nlines, 2);
    assert_int_equal(t.lines[0].end - t.lines[0].start, 6);
    assert_string_equal(cps(t.lines[1].start, t.lines[1].end),
                        "653E FF0C 79BB 5B50 5916 6D41"); /* 放，离子外流 */
    /* Latin then Chinese may break between them */
    set("K+离子", ION_TS_MARKUP);
    assert_int_equal(ion_ts_break(ts, &t, 15, 0, NULL), 0);
    assert_string_equal(line(0), "K+");
}

static void test_break_classes(void **state)
{
    (void)state;
    /* closing punctuation, ASCII or wide, never starts a line */
    set("a, b. c) d% e\u201d f\uff0c", 0);
    const int closing[] = {1, 4, 7, 10, 13, 16};
    for (int i = 0, k = 0; i < t.n; i++) {
        int want = k < 6 && closing[k] == i;
        k += want;
        assert_int_equal((t.g[i].flags & ION_TS_G_NOBREAK) != 0, want);
    }
    /* no break after opening punctuation, even before Chinese; Latin
     * followed by Chinese may break */
    set("\u201c\u4e2d(\u4e2d[x{a\u4e2d", 0);
    assert_int_equal(t.n, 9);
    assert_false(t.g[0].flags & ION_TS_G_BREAK);
    assert_false(t.g[2].flags & ION_TS_G_BREAK);
    assert_false(t.g[4].flags & ION_TS_G_BREAK);
    assert_false(t.g[6].flags & ION_TS_G_BREAK);
    assert_true(t.g[7].flags & ION_TS_G_BREAK);
    /* accented Greek is DejaVu's, with the rest of its word */
    set("\u03ac\u0390\u03ce\u00e9", 0);
    assert_string_equal(cps(0, t.n), "3AC 390 3CE E9");
    for (int i = 0; i < t.n; i++)
        assert_int_equal(t.g[i].font, ION_FONT_SANS);
    /* the style follows every tag, also after a literal one */
    set("a<sub>b<b>c</b><x>d</sub>e", ION_TS_MARKUP);
    assert_string_equal(all(), "abc<x>de");
    assert_float_equal(t.g[0].size, 10, 1e-5);
    assert_float_equal(t.g[1].size, 7, 1e-5);
    assert_int_equal(t.g[2].font, ION_FONT_BOLD);
    assert_float_equal(t.g[2].size, 7, 1e-5);
    assert_int_equal(t.g[3].font, ION_FONT_REGULAR);
    assert_float_equal(t.g[6].size, 7, 1e-5);
    assert_float_equal(t.g[6].rise, -1.8, 1e-5);
    assert_float_equal(t.g[7].size, 10, 1e-5);
    assert_float_equal(t.g[7].rise, 0, 1e-5);
}

static void test_max_lines_ellipsis(void **state)
{
    (void)state;
    set("aa bb cc dd ee", ION_TS_MARKUP);
    assert_int_equal(ion_ts_break(ts, &t, 26, 2, NULL), 0);
    assert_int_equal(t.nlines, 2);
    assert_string_equal(line(0), "aa bb");
    assert_string_equal(line(1), "cc d\x85"); /* WinAnsi ellipsis */
    assert_true(t.lines[1].width <= 26);
    set("abcdefghijklmnop", ION_TS_MARKUP);
    assert_int_equal(ion_ts_break(ts, &t, 21, 1, NULL), 0);
    assert_int_equal(t.nlines, 1);
    assert_string_equal(line(0), "abc\x85");
}

static void test_runs(void **state)
{
    (void)state;
    set("ab<sub>cd</sub>\u03b3e", ION_TS_MARKUP);
    assert_int_equal(ion_ts_break(ts, &t, 1000, 0, NULL), 0);
    ion_ts_run r;
    ion_ts_runs_begin(&r, &t.lines[0]);
    double want_x[] = {0, 10, 17, 22};
    int want_len[] = {2, 2, 1, 1};
    int n = 0;
    while (ion_ts_next_run(&t, &t.lines[0], &r)) {
        assert_true(n < 4);
        assert_float_equal(r.x, want_x[n], 1e-5);
        assert_int_equal(r.end - r.start, want_len[n]);
        n++;
    }
    assert_int_equal(n, 4);
}

static void check_markup(const char *markup, const char *msg)
{
    ion_error err = {0};
    int rc = ion_ts_markup_check(markup, &err);
    if (!msg) {
        if (rc != 0)
            fail_msg("'%s': %s", markup, err.msg);
        return;
    }
    assert_int_equal(rc, -1);
    if (!strstr(err.msg, msg))
        fail_msg("'%s' gave '%s', not '%s'", markup, err.msg, msg);
}

static void test_markup_check(void **state)
{
    (void)state;
    check_markup("[K<sup>+</sup>]<sub>o</sub> = <b><i>4.2</i></b>&lt;<br/>",
                 NULL);
    check_markup("a<foo>b", "unknown tag '<foo>'");
    check_markup("a < b", "unknown tag");
    check_markup("<b>x</i>", "unexpected </i>");
    check_markup("<sub>x", "<sub> is never closed");
    check_markup("&nbsp;", "unknown entity");
    check_markup("\xc3(", "invalid UTF-8");
}

/* Random soup of tags, entities, scripts and broken bytes: never crashes,
 * and every line fits its width unless it is a single glyph. */
static void test_random_markup(void **state)
{
    (void)state;
    static const char *const atoms[] = {
        "<sub>", "</sub>", "<sup>", "</sup>", "<b>", "</b>", "<i>", "</i>",
        "<br/>", "<", "&", "&amp;", "&#x3b3;", " ", "  ", "\u2009", "中",
        "，", "(", "\xff", "\xe4\xb8", "abc", "-", "/", "\u2212", "x"};
    uint32_t seed = 12345;
    char buf[512];
    for (int round = 0; round < 2000; round++) {
        size_t n = 0;
        int k = 1 + round % 40;
        for (int i = 0; i < k; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *a = atoms[(seed >> 16) % (sizeof atoms / sizeof *atoms)];
            if (n + strlen(a) + 1 >= sizeof buf)
                break;
            memcpy(buf + n, a, strlen(a));
            n += strlen(a);
        }
        buf[n] = '\0';
        set(buf, ION_TS_MARKUP);
        double width = 1 + (seed >> 8) % 60;
        int max_lines = (int)((seed >> 4) % 3);
        assert_int_equal(ion_ts_break(ts, &t, width, max_lines, NULL), 0);
        if (max_lines)
            assert_true(t.nlines <= max_lines);
        for (int i = 0; i < t.nlines; i++) {
            const ion_ts_line *l = &t.lines[i];
            assert_true(l->start >= 0 && l->end <= t.n && l->start <= l->end);
            assert_true(l->width <= width + 1e-6 || l->end - l->start <= 1);
            if (i > 0)
                assert_true(l->start >= t.lines[i - 1].end);
        }
        ion_error err = {0};
        (void)ion_ts_markup_check(buf, &err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_whitespace),
        cmocka_unit_test(test_sub_sup_nesting),
        cmocka_unit_test(test_unknown_tags_literal),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_font_selection),
        cmocka_unit_test(test_arabic_and_hebrew),
        cmocka_unit_test(test_thin_space),
        cmocka_unit_test(test_break_words),
        cmocka_unit_test(test_break_cjk),
        cmocka_unit_test(test_break_classes),
        cmocka_unit_test(test_max_lines_ellipsis),
        cmocka_unit_test(test_runs),
        cmocka_unit_test(test_markup_check),
        cmocka_unit_test(test_random_markup),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
