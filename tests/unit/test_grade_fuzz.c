/* Fuzz-style tests of the grader's parsers (run under ASan and UBSan by
 * `make asan`): thousands of random answer strings, mutated submission
 * files in all three formats, and mutated answer keys. Nothing may crash,
 * and every result must stay within its points. A fixed seed keeps runs
 * reproducible; IONSHEET_FUZZ_SEED picks another. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"
#include "submission.h"

#define KEY "tests/data/grade/key.xml"
#define KEY_XSD "schema/answer-key-1.xsd" /* the v1 test keys */
#define SUB_XSD "schema/submission.xsd"

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717u;
}

static size_t below(size_t n)
{
    return n ? (size_t)(next() % n) : 0;
}

static const char *const tokens[] = {
    "0", "1", "2", "5", "9", "95", ".", ",", "-", "+", "\xe2\x88\x92", "e", "E", "e-3", " ", "\t",
    "\xe2\x80\x89", "\xe2\x80\xaf", "268", "\xc2\xa0", "mV", "V", "uV", "\xc2\xb5", "\xce\xbc", "[", "]", "pA", "nS", "mM",
    "C", "\xc2\xb0\x43", "%", "K", "out", "outward", "in", "inward", "none", "towards", "A", "b", "(",
    ")", "#", "\xe5\xa4\x96\xe5\x90\x91", "1e999", "nan", "inf", "0x1p3", "\xff", "\xc3", ":", "\"",
    "\xef\xbc\x9a", "1a", "2b", "\n", "\r\n", "<", ">", "&amp;", "&", ";",
};

static void random_answer(char *out, size_t cap)
{
    size_t n = below(12) + (below(50) == 0 ? below(400) : 0), len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *t = tokens[below(sizeof tokens / sizeof tokens[0])];
        size_t tl = strlen(t);
        if (len + tl + 1 > cap)
            break;
        memcpy(out + len, t, tl + 1);
        len += tl;
    }
}

static void check_result(const ion_answer_key *k, const ion_result *r)
{
    assert_true(r->total >= 0 && r->total <= r->max + 1e-9);
    assert_true(r->max == ion_answer_key_student_max(k, r->student));
    for (size_t j = 0; j < r->nparts; j++) {
        const ion_part_result *p = &r->parts[j];
        assert_true(p->score >= 0 && p->score <= p->points + 1e-9);
        assert_true(p->verdict >= ION_VERDICT_BLANK && p->verdict <= ION_VERDICT_RIGHT);
        assert_non_null(p->key);
        assert_true((p->answer == NULL) == (p->verdict == ION_VERDICT_BLANK));
    }
}

static void ignore_note(const ion_error *e, void *ctx)
{
    (void)ctx;
    assert_null(strchr(e->msg, '\n')); /* one line each */
}

static void test_random_answers(void **state)
{
    (void)state;
    ion_error err = {0};
    ion_answer_key *k = ion_answer_key_load(KEY, KEY_XSD, &err);
    assert_non_null(k);
    ion_gradebook *gb = ion_gradebook_new(k, "en");
    static const char *const parts[] = {"1a", "1b", "1c", "1d", "2a", "2b", "1A", "3z", "1a"};
    char texts[9][2048];
    ion_answer answers[9];
    for (int iter = 0; iter < 4000; iter++) {
        size_t n = below(10);
        for (size_t i = 0; i < n; i++) {
            random_answer(texts[i], sizeof texts[i]);
            if (!texts[i][0])
                strcpy(texts[i], "1");
            answers[i].part = parts[below(iter % 2 ? 9 : 6)];
            answers[i].text = texts[i];
            answers[i].line = (int)i + 1;
        }
        const char *students[] = {"s001", "s002", "s003"};
        ion_submission sub = {.format = ION_SUB_TEXT, .file = "fuzz.txt", .line = 1,
                              .student = students[iter % 3], .n = n, .answers = answers};
        const ion_result *r = NULL;
        assert_int_equal(ion_gradebook_grade(gb, &sub, &r, ignore_note, NULL, &err), 0);
        check_result(k, r);
    }
    ion_grade_stats st;
    ion_gradebook_stats(gb, &st);
    assert_int_equal(st.graded, 3);
    char *csv = ion_gradebook_csv(gb, NULL);
    char *summary = ion_gradebook_summary(gb);
    assert_non_null(csv);
    assert_non_null(summary);
    free(csv);
    free(summary);
    for (size_t i = 0; i < 3; i++)
        free(ion_gradebook_feedback(gb, i, NULL));
    ion_gradebook_free(gb);
    ion_answer_key_free(k);
}

/* ---- mutated files ------------------------------------------------------------- */

static const char *const seeds[] = {
    "worksheet: week5\nstudent: s001\n1a: -95 mV\n1b: outward\n1c: 25\n1d: out\n2a: -5\n2b: C\n",
    "\xef\xbb\xbf# c\r\nstudent: s002\r\n1a\xef\xbc\x9a 89.06 # x\r\n1a: 1\r\n9z: 2\r\n",
    "<?xml version=\"1.0\"?>\n<submission xmlns=\"urn:ionsheet:submission:1\" worksheet=\"week5\" "
    "student=\"s003\">\n<answer part=\"1a\">-65.7</answer>\n<answer part=\"2b\">a</answer>\n</submission>\n",
    "\xef\xbb\xbf\"Student ID\",Name,1a,1b,1c,1d,2a,2b\r\ns001,\"Li, Ada\",-95,outward,25,out,-5,C\r\n"
    "s002,x,\"8\n9\",in,,,4 mV,b\r\ns999,y,1,2,3,4,5,6\r\n",
};

static const char *const inserts[] = {
    "<!DOCTYPE x [<!ENTITY a \"b\">]>", "&a;", "&#0;", "\"", ",", "\r\n", "\n", ":", "#", "<answer part=\"1a\">",
    "</submission>", "student: s001\n", "worksheet: week6\n", "1a: ", "\xef\xbb\xbf", "\xff\xfe", "\xed\xa0\x80",
    "<", ">", "]]>", "<![CDATA[", "<?pi x?>", "<!-- c -->", "student,1a\n", "\"\"", "\t",
};

/* Applies 1 to most random mutations. */
static size_t mutate(char *buf, size_t len, size_t cap, size_t most)
{
    int n = 1 + (int)below(most);
    for (int m = 0; m < n; m++) {
        size_t at = below(len + 1);
        switch (below(6)) {
        case 0: /* flip a byte */
            if (len)
                buf[below(len)] ^= (char)(1u << below(8));
            break;
        case 1: { /* insert a token */
            const char *t = inserts[below(sizeof inserts / sizeof inserts[0])];
            size_t tl = strlen(t) + (t[0] == '\0');
            if (len + tl < cap) {
                memmove(buf + at + tl, buf + at, len - at);
                memcpy(buf + at, t, tl);
                len += tl;
            }
            break;
        }
        case 2: { /* delete a range */
            size_t n2 = below(len - at + 1);
            memmove(buf + at, buf + at + n2, len - at - n2);
            len -= n2;
            break;
        }
        case 3: { /* duplicate a range */
            size_t n2 = below(len - at + 1);
            if (len + n2 < cap) {
                memmove(buf + at + n2, buf + at, len - at);
                len += n2;
            }
            break;
        }
        case 4: /* truncate */
            len = at;
            break;
        default: /* a random byte */
            if (len + 1 < cap) {
                memmove(buf + at + 1, buf + at, len - at);
                buf[at] = (char)below(256);
                len++;
            }
        }
    }
    return len;
}

typedef struct {
    ion_gradebook *gb;
    const ion_answer_key *k;
    int graded;
} fuzz_ctx;

static int grade_one(const ion_submission *s, void *ctx)
{
    fuzz_ctx *f = ctx;
    ion_error err = {0};
    const ion_result *r;
    assert_non_null(s->file);
    assert_true(s->content_len == 0 || s->content != NULL);
    if (ion_gradebook_grade(f->gb, s, &r, ignore_note, NULL, &err) == 0) {
        check_result(f->k, r);
        f->graded++;
    } else {
        assert_true(err.msg[0] != '\0');
    }
    return 0;
}

static void test_mutated_files(void **state)
{
    (void)state;
    ion_error err = {0};
    ion_answer_key *k = ion_answer_key_load(KEY, KEY_XSD, &err);
    assert_non_null(k);
    fuzz_ctx f = {ion_gradebook_new(k, "zh"), k, 0};
    ion_sub_parser *p[2] = {ion_sub_parser_new(SUB_XSD), ion_sub_parser_new(NULL)};
    char buf[8192];
    int refused = 0;
    for (int iter = 0; iter < 3000; iter++) {
        const char *seed = seeds[below(sizeof seeds / sizeof seeds[0])];
        size_t len = strlen(seed);
        memcpy(buf, seed, len);
        len = mutate(buf, len, sizeof buf, 6);
        err.msg[0] = '\0';
        if (ion_sub_parse(p[iter % 2], buf, len, "fuzz", grade_one, &f, &err) < 0) {
            refused++;
            assert_true(err.msg[0] != '\0');
            assert_null(strchr(err.msg, '\n'));
        }
    }
    /* Most mutants still hold something gradable; many are refused. */
    assert_true(f.graded > 300);
    assert_true(refused > 300);
    ion_sub_parser_free(p[0]);
    ion_sub_parser_free(p[1]);
    ion_gradebook_free(f.gb);
    ion_answer_key_free(k);
}

static void test_mutated_keys(void **state)
{
    (void)state;
    FILE *fp = fopen(KEY, "rb");
    assert_non_null(fp);
    static char orig[64 * 1024], buf[80 * 1024];
    size_t olen = fread(orig, 1, sizeof orig, fp);
    fclose(fp);
    assert_true(olen > 1000);
    ion_sub_parser *p = ion_sub_parser_new(NULL);
    int loaded = 0;
    for (int iter = 0; iter < 400; iter++) {
        memcpy(buf, orig, olen);
        size_t len = mutate(buf, olen, sizeof buf, 2);
        ion_error err = {0};
        ion_answer_key *k = ion_answer_key_parse(buf, len, "k.xml", iter % 8 ? NULL : KEY_XSD, &err);
        if (!k) {
            assert_true(err.msg[0] != '\0');
            continue;
        }
        loaded++;
        fuzz_ctx f = {ion_gradebook_new(k, "en"), k, 0};
        assert_non_null(f.gb);
        for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++)
            ion_sub_parse(p, seeds[s], strlen(seeds[s]), "seed", grade_one, &f, &err);
        free(ion_gradebook_csv(f.gb, NULL));
        free(ion_gradebook_summary(f.gb));
        ion_gradebook_free(f.gb);
        ion_answer_key_free(k);
    }
    ion_sub_parser_free(p);
    assert_true(loaded > 10);
}

int main(void)
{
    const char *seed = getenv("IONSHEET_FUZZ_SEED");
    if (seed && *seed)
        rng_state = strtoull(seed, NULL, 0) | 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_answers),
        cmocka_unit_test(test_mutated_files),
        cmocka_unit_test(test_mutated_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
