/* The RFC 4180 CSV reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "text.h"

/* Reads all of buf (of length len) and renders it as "line:field|field;"
 * per record, with "!line:message" for an error. The caller frees it. */
static char *render_n(const char *buf, size_t len)
{
    ion_csv *r = ion_csv_new(buf, len, "t.csv");
    ion_csv_record rec;
    ion_error err = {0};
    size_t cap = len * 2 + 256, n = 0;
    char *out = malloc(cap);
    int ret;
    assert_non_null(r);
    assert_non_null(out);
    out[0] = '\0';
    while ((ret = ion_csv_next(r, &rec, &err)) == 1) {
        n += (size_t)snprintf(out + n, cap - n, "%d:", rec.line);
        for (size_t i = 0; i < rec.n; i++) {
            assert_int_equal(strlen(rec.field[i]), rec.len[i]);
            n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "|" : "",
                                  rec.field[i]);
        }
        n += (size_t)snprintf(out + n, cap - n, ";");
    }
    if (ret < 0) {
        assert_string_equal(err.file, "t.csv");
        snprintf(out + n, cap - n, "!%d:%s", err.line, err.msg);
        /* Once failed, it stays failed. */
        assert_int_equal(ion_csv_next(r, &rec, &err), -1);
    }
    ion_csv_free(r);
    return out;
}

static void expect(const char *csv, const char *want)
{
    char *got = render_n(csv, strlen(csv));
    assert_string_equal(got, want);
    free(got);
}

static void test_plain(void **state)
{
    (void)state;
    expect("id,name\ns1,Ada\n", "1:id|name;2:s1|Ada;");
    expect("a,b", "1:a|b;"); /* no final line break */
    expect("", "");
    expect("x", "1:x;");
}

static void test_quotes(void **state)
{
    (void)state;
    expect("\"a,b\",\"say \"\"hi\"\"\",c\n", "1:a,b|say \"hi\"|c;");
    expect("\"\"\n", "1:;"); /* one empty field */
    expect("\"\"\"\"\n", "1:\";");
    /* A quote inside an unquoted field is kept. */
    expect("s1,O\"Brien\n", "1:s1|O\"Brien;");
}

static void test_embedded_line_breaks(void **state)
{
    (void)state;
    /* The record after a field with line breaks starts on the right line. */
    expect("s1,\"one\ntwo\nthree\",x\ns2,y,z\n",
           "1:s1|one\ntwo\nthree|x;4:s2|y|z;");
    expect("s1,\"a\r\nb\"\r\ns2,c\r\n", "1:s1|a\r\nb;3:s2|c;");
}

static void test_bom_and_line_ends(void **state)
{
    (void)state;
    expect("\xEF\xBB\xBFid,name\r\ns1,Ada\r\n", "1:id|name;2:s1|Ada;");
    expect("\xEF\xBB\xBF", "");
    expect("a\rb\r", "1:a;2:b;"); /* old Mac line ends */
    expect("a\r\n\r\nb", "1:a;3:b;");
    /* A BOM further in is data. */
    expect("a\n\xEF\xBB\xBF" "b\n", "1:a;2:\xEF\xBB\xBF" "b;");
}

static void test_empty_lines_and_fields(void **state)
{
    (void)state;
    expect("a\n\n\nb\n\n", "1:a;4:b;");
    expect(",,\n", "1:||;");
    expect("a,\n", "1:a|;");
    expect("a,", "1:a|;");
    expect(" a , b \n", "1: a | b ;"); /* spaces are data */
}

static void test_utf8_names(void **state)
{
    (void)state;
    expect("s1,张伟\ns2,محمد علي\ns3,Дмитрий Иванов\ns4,\"Zoë, Ångström\"\n",
           "1:s1|张伟;2:s2|محمد علي;3:s3|Дмитрий Иванов;"
           "4:s4|Zoë, Ångström;");
}

static void test_errors(void **state)
{
    (void)state;
    /* The error names the line where the open quote began. */
    expect("a\n\"b,c\nd\n", "1:a;!2:unterminated quoted field");
    expect("a\n\"b\"x,c\n", "1:a;!2:unexpected text after a closing quote");
    expect("a\nb\n\"c\n\"d\n",
           "1:a;2:b;!4:unexpected text after a closing quote");
    char nul[] = "a,b\nc\0d\n";
    char *got = render_n(nul, sizeof nul - 1);
    assert_string_equal(got, "1:a|b;!2:NUL byte in the file");
    free(got);
}

/* A record spoiled (a roster's row) gives the key of why, a catalogue
 * message (issue 16: an English sentence given as a key was printed as
 * itself in every language); the file's error says it in the errors'
 * language, with that key. */
static void test_problem_keys(void **state)
{
    (void)state;
    char nul[] = "a,b\nc\0d\ne,f\n";
    ion_csv *r = ion_csv_new(nul, sizeof nul - 1, "t.csv");
    ion_csv_record rec;
    ion_error err = {0};
    ion_csv_spoil_records(r);
    assert_int_equal(ion_csv_next(r, &rec, &err), 1);
    assert_null(rec.problem);
    assert_int_equal(ion_csv_next(r, &rec, &err), 1);
    assert_string_equal(rec.problem, "err.csv.nul_row");
    assert_int_equal(ion_csv_next(r, &rec, &err), 1);
    assert_null(rec.problem);
    ion_csv_free(r);
    char said[128];
    ion_text_say(said, sizeof said, "err.csv.nul_row", "-");
    assert_string_equal(said, "NUL byte in the row");

    ion_text_set_lang("zh");
    r = ion_csv_new(nul, sizeof nul - 1, "t.csv");
    assert_int_equal(ion_csv_next(r, &rec, &err), 1);
    assert_int_equal(ion_csv_next(r, &rec, &err), -1);
    assert_string_equal(err.key, "err.csv.nul_file");
    assert_string_equal(err.msg, "文件含有 NUL 字节");
    ion_csv_free(r);
    ion_text_say(said, sizeof said, "err.csv.nul_row", "-");
    assert_string_equal(said, "该行含有 NUL 字节");
    ion_text_set_lang("en");
}

static void test_limits(void **state)
{
    (void)state;
    size_t n = ION_CSV_MAX_FIELDS;
    char *s = malloc(n + 2);
    assert_non_null(s);
    memset(s, ',', n - 1); /* n fields: fine */
    s[n - 1] = '\0';
    char *got = render_n(s, strlen(s));
    assert_int_equal(strlen(got), 2 + (n - 1) + 1);
    free(got);
    memset(s, ',', n); /* n + 1 fields */
    s[n] = '\0';
    got = render_n(s, strlen(s));
    assert_string_equal(got, "!1:more than 4096 fields in a record");
    free(got);
    free(s);

    n = ION_CSV_MAX_FIELD;
    s = malloc(n + 4);
    assert_non_null(s);
    memset(s, 'x', n); /* exactly the limit: fine */
    s[n] = '\0';
    got = render_n(s, n);
    assert_int_equal(strlen(got), n + 3);
    free(got);
    s[n] = 'x';
    got = render_n(s, n + 1);
    assert_string_equal(got, "!1:field longer than 65536 bytes");
    free(got);
    free(s);
}

/* The reader never looks past len: valgrind checks these exact-size
 * buffers. */
static void test_borrowed_slice(void **state)
{
    (void)state;
    static const char *const cases[] = {"a,", "\"ab\"", "a\r", "\"a"};
    static const char *const want[] = {"1:a|;", "1:ab;", "1:a;",
                                       "!1:unterminated quoted field"};
    for (size_t i = 0; i < 4; i++) {
        size_t n = strlen(cases[i]);
        char *buf = malloc(n);
        assert_non_null(buf);
        memcpy(buf, cases[i], n);
        char *got = render_n(buf, n);
        assert_string_equal(got, want[i]);
        free(got);
        free(buf);
    }
}

static void test_open_file(void **state)
{
    (void)state;
    ion_error err = {0};
    ion_csv_record rec;
    char path[] = "/tmp/ion-csv-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "\xEF\xBB\xBFid,name\r\ns1,\"Ada, Li\"\r\n";
    assert_int_equal(write(fd, text, sizeof text - 1), sizeof text - 1);
    close(fd);

    ion_csv *r = ion_csv_open(path, &err);
    assert_non_null(r);
    assert_int_equal(ion_csv_next(r, &rec, &err), 1);
    assert_string_equal(rec.field[0], "id");
    assert_int_equal(ion_csv_next(r, &rec, &err), 1);
    assert_int_equal(rec.line, 2);
    assert_string_equal(rec.field[1], "Ada, Li");
    assert_int_equal(ion_csv_next(r, &rec, &err), 0);
    ion_csv_free(r);
    unlink(path);

    assert_null(ion_csv_open(path, &err));
    assert_string_equal(err.file, path);
    assert_string_equal(err.msg, "could not open: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_embedded_line_breaks),
        cmocka_unit_test(test_bom_and_line_ends),
        cmocka_unit_test(test_empty_lines_and_fields),
        cmocka_unit_test(test_utf8_names),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_problem_keys),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_borrowed_slice),
        cmocka_unit_test(test_open_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
