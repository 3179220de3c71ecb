/* Submission files: format detection, the text, XML and class CSV forms,
 * and hostile or broken files (each refused with one clear error). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "submission.h"
#include "text.h"

#define SUB_XSD "schema/submission.xsd"

/* What the parser handed over, rendered as text per submission:
 * "ws=W st=S@L [part=text@line ...] notes=N content=C;". */
typedef struct {
    char out[8192];
    size_t len;
    int calls;
    ion_error notes[ION_SUBMISSION_MAX_NOTES];
    size_t nnotes;
} seen;

static int collect(const ion_submission *s, void *ctx)
{
    seen *v = ctx;
    v->calls++;
    v->len += (size_t)snprintf(v->out + v->len, sizeof v->out - v->len, "ws=%s st=%s@%d",
                               s->worksheet ? s->worksheet : "-", s->student ? s->student : "-", s->student_line);
    for (size_t i = 0; i < s->n; i++)
        v->len += (size_t)snprintf(v->out + v->len, sizeof v->out - v->len, " %s=%s@%d", s->answers[i].part,
                                   s->answers[i].text, s->answers[i].line);
    v->len += (size_t)snprintf(v->out + v->len, sizeof v->out - v->len, " notes=%zu;", s->nnotes);
    v->nnotes = s->nnotes;
    memcpy(v->notes, s->notes, s->nnotes * sizeof *s->notes);
    assert_true(s->content != NULL && s->content_len > 0);
    return 0;
}

static int parse(const char *data, size_t len, const char *xsd, seen *v, ion_error *err)
{
    ion_sub_parser *p = ion_sub_parser_new(xsd);
    assert_non_null(p);
    memset(v, 0, sizeof *v);
    memset(err, 0, sizeof *err);
    int ret = ion_sub_parse(p, data, len, "f", collect, v, err);
    ion_sub_parser_free(p);
    return ret;
}

static int parse_str(const char *data, seen *v, ion_error *err)
{
    return parse(data, strlen(data), SUB_XSD, v, err);
}

static void test_detect(void **state)
{
    (void)state;
    static const struct {
        const char *data;
        ion_sub_format f;
    } cases[] = {
        {"worksheet: w\nstudent: s\n", ION_SUB_TEXT},
        {"# week5, Ada Li\nstudent: s\n", ION_SUB_TEXT},
        {"1a: 1,5\n", ION_SUB_TEXT},
        {"\xef\xbb\xbf  \n<?xml version=\"1.0\"?><submission/>", ION_SUB_XML},
        {"student,1a,1b\ns1,1,2\n", ION_SUB_CSV},
        {"\xef\xbb\xbf\"Student ID\",Name,1a\r\n", ION_SUB_CSV},
        {"Name,Username,1a\n", ION_SUB_CSV},
        {"name,email\n", ION_SUB_TEXT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (ion_sub_detect(cases[i].data, strlen(cases[i].data)) != cases[i].f)
            fail_msg("case %zu", i);
}

static void test_text(void **state)
{
    (void)state;
    seen v;
    ion_error err;
    const char *text = "\xef\xbb\xbf# week5, Ada Li\r\n"
                       "# Write each answer after its colon.\r\n"
                       "worksheet: week5\r\n"
                       "student: s001\r\n"
                       "name: Ada Li\r\n"
                       "\r\n"
                       "# 1a: a number in mV\r\n"
                       "1a: -94.1 mV   # my answer\r\n"
                       "1b:\r\n"
                       "1C\xef\xbc\x9a outward\r\n"       /* full-width colon */
                       "  2a :  7,5  \r\n"
                       "favourite colour: blue\r\n"
                       "just words\r\n"
                       "2b: C#minor\r\n";                /* '#' inside a word is kept */
    assert_int_equal(parse_str(text, &v, &err), 0);
    assert_int_equal(v.calls, 1);
    assert_string_equal(v.out, "ws=week5 st=s001@4 1a=-94.1 mV@8 1C=outward@10 2a=7,5@11 2b=C#minor@14 notes=2;");
    assert_int_equal(v.notes[0].line, 12);
    assert_string_equal(v.notes[0].msg, "unknown field 'favourite colour'");
    assert_int_equal(v.notes[1].line, 13);
    assert_string_equal(v.notes[1].file, "f");
    assert_non_null(strstr(v.notes[1].msg, "is not 'PART: ANSWER'"));
    assert_string_equal(v.notes[0].key, "err.sub.unknown_field");
    /* The notes in the errors' language (--lang zh). */
    ion_text_set_lang("zh");
    assert_int_equal(parse_str(text, &v, &err), 0);
    ion_text_set_lang("en");
    assert_string_equal(v.notes[0].msg, "未知字段“favourite colour”");
    assert_string_equal(v.notes[1].msg, "“just words”不是“PART: ANSWER”（小题: 答案）的格式");

    /* "Student ID" works as well as "student". */
    assert_int_equal(parse_str("Student ID: s9\n", &v, &err), 0);
    assert_string_equal(v.out, "ws=- st=s9@1 notes=0;");
    /* The same student twice is fine; two different ones are not. */
    assert_int_equal(parse_str("student: a\nstudent: a\n1a: 1\n", &v, &err), 0);
    assert_int_equal(parse_str("student: a\n1a: 1\nstudent: b\n", &v, &err), -1);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "second student line"));
    assert_int_equal(v.calls, 0);
    /* No student line: not an answer file. */
    assert_int_equal(parse_str("worksheet: w\n1a: 1\n", &v, &err), -1);
    assert_non_null(strstr(err.msg, "no 'student: ID' line"));
    assert_int_equal(parse_str("Dear professor, here are my answers.\n", &v, &err), -1);
    assert_int_equal(parse_str("student:\n", &v, &err), -1);
    assert_non_null(strstr(err.msg, "student line is empty"));

    /* Many unusable lines: a bounded number of notes, the last one counting the rest. */
    char many[4096] = "student: a\n";
    for (int i = 0; i < 30; i++)
        strcat(many, "junk\n");
    assert_int_equal(parse_str(many, &v, &err), 0);
    assert_int_equal(v.nnotes, ION_SUBMISSION_MAX_NOTES);
    assert_string_equal(v.notes[ION_SUBMISSION_MAX_NOTES - 1].msg, "11 more lines could not be used");
}

static void test_xml(void **state)
{
    (void)state;
    seen v;
    ion_error err;
    const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<submission xmlns=\"urn:ionsheet:submission:1\" worksheet=\"week5\" student=\" s001 \">\n"
                      "  <answer part=\"1a\">  -94.1 mV </answer>\n"
                      "  <answer part=\"1b\"></answer>\n"
                      "  <answer part=\"1c\">out&amp;about</answer>\n"
                      "</submission>\n";
    assert_int_equal(parse_str(xml, &v, &err), 0);
    assert_string_equal(v.out, "ws=week5 st=s001@2 1a=-94.1 mV@3 1c=out&about@5 notes=0;");

    static const struct {
        const char *xml, *msg;
        int line;
    } bad[] = {
        {"<?xml version=\"1.0\"?>\n<!DOCTYPE submission [\n<!ENTITY lol \"lol\">\n]>\n<submission/>", "DOCTYPE", 2},
        {"<?xml version=\"1.0\"?>\n<!DOCTYPE submission SYSTEM \"file:///etc/passwd\">\n<submission/>", "DOCTYPE", 2},
        {"<submission xmlns=\"urn:ionsheet:submission:1\" student=\"a\"><answer part=\"1a\">&xxe;</answer></submission>",
         "entity", 1},
        {"<submission xmlns=\"urn:ionsheet:submission:1\" student=\"a\">\n<answer part=\"1a\">1</answr>\n</submission>",
         "mismatch", 2},
        {"<submission student=\"a\"/>", "not a submission", 1},
        {"<submission xmlns=\"urn:ionsheet:submission:1\" student=\"a\"><note>hi</note></submission>", "note", 1},
        {"<submission xmlns=\"urn:ionsheet:submission:1\" worksheet=\"w\"/>", "student", 1},
        {"<submission xmlns=\"urn:ionsheet:submission:1\" student=\"a\"><answer part=\"a1\">1</answer></submission>",
         "a1", 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int ret = parse_str(bad[i].xml, &v, &err);
        if (ret != -1 || !strstr(err.msg, bad[i].msg) || err.line != bad[i].line)
            fail_msg("case %zu: %d %d: %s", i, ret, err.line, err.msg);
        assert_int_equal(v.calls, 0);
        assert_null(strchr(err.msg, '\n'));
    }
    /* Without the schema, unknown elements are notes, not refusals. */
    const char *extra = "<submission xmlns=\"urn:ionsheet:submission:1\" student=\"a\">\n<note>hi</note>\n"
                        "<answer part=\"1a\">1</answer></submission>";
    assert_int_equal(parse(extra, strlen(extra), NULL, &v, &err), 0);
    assert_string_equal(v.out, "ws=- st=a@1 1a=1@3 notes=1;");
    assert_int_equal(v.notes[0].line, 2);
}

static int content_of(const ion_submission *s, void *ctx)
{
    snprintf(ctx, 256, "%s|%.*s", s->worksheet ? s->worksheet : "-", (int)s->content_len, s->content);
    return 0;
}

static void test_csv(void **state)
{
    (void)state;
    seen v;
    ion_error err;
    const char *csv = "\xef\xbb\xbf\"Student ID\",Name,E-mail,1a,1B,2a,Timestamp\r\n"
                      "s001,\"Li, Ada\",ada@x.org,-94.1 mV,outward,\"7,5\",2026-11-01\r\n"
                      ",,,,,,\r\n"
                      "s002,\"He said \"\"hi\"\"\",,,,\r\n"
                      "s003,x,y,\"-1\n2\",in,,\r\n"
                      ",nobody,,1,2,3,\r\n";
    assert_int_equal(parse_str(csv, &v, &err), 0);
    assert_int_equal(v.calls, 4);
    assert_string_equal(v.out, "ws=- st=s001@2 1a=-94.1 mV@2 1B=outward@2 2a=7,5@2 notes=0;"
                               "ws=- st=s002@4 notes=0;"
                               "ws=- st=s003@5 1a=-1 2@5 1B=in@5 notes=0;" /* one line */
                               "ws=- st=-@0 1a=1@7 1B=2@7 2a=3@7 notes=0;");

    /* The worksheet column, and a row's content in its canonical form. */
    char content[256] = "";
    const char *ws = "student,worksheet,1a\ns1,week5,4\n";
    ion_sub_parser *p = ion_sub_parser_new(NULL);
    assert_int_equal(ion_sub_parse(p, ws, strlen(ws), "c.csv", content_of, content, &err), 0);
    assert_string_equal(content, "week5|s1\n1a\t4\n");
    ion_sub_parser_free(p);

    /* Broken CSV files are refused before any row is graded. */
    assert_int_equal(parse_str("student,1a\ns1,1\ns2,\"unterminated\n", &v, &err), -1);
    assert_int_equal(v.calls, 0);
    assert_int_equal(err.line, 3);
    assert_int_equal(parse_str("student,name\ns1,Ada\n", &v, &err), -1);
    assert_non_null(strstr(err.msg, "no answer columns"));
    assert_int_equal(parse_str("student,1a,1b\r\n", &v, &err), -1);
    assert_non_null(strstr(err.msg, "no rows"));
    /* What ionsheet grade wrote is not a submission. */
    assert_int_equal(parse_str("student,name,total,max,percent,1a\r\ns1,A,2,2,100.0,2\r\n", &v, &err), -1);
    assert_string_equal(err.msg, "this is a gradebook, not a submission");
}

/* Issue 14: what real students hand in. */
static void test_messy_files(void **state)
{
    (void)state;
    seen v;
    ion_error err;
    /* Notepad's "Unicode" (UTF-16LE with a BOM), UTF-16BE, UTF-32 both ways. */
    static const char utf16le[] = "\xff\xfes\0t\0u\0d\0e\0n\0t\0:\0 \0s\0001\0\n\0"
                                  "1\0a\0:\0 \0\x12\x22" "7\0000\0\n\0";   /* U+2212 minus */
    assert_int_equal(parse(utf16le, sizeof utf16le - 1, NULL, &v, &err), 0);
    assert_string_equal(v.out, "ws=- st=s1@1 1a=\xe2\x88\x92" "70@2 notes=0;");
    static const char utf16be[] = "\xfe\xff\0s\0t\0u\0d\0e\0n\0t\0:\0s\0001\0\n\0001\0a\0=\0001\0\n";
    assert_int_equal(parse(utf16be, sizeof utf16be - 1, NULL, &v, &err), 0);
    assert_string_equal(v.out, "ws=- st=s1@1 1a=1@2 notes=0;");
    static const char utf32le[] = "\xff\xfe\0\0i\0\0\0d\0\0\0:\0\0\0x\0\0\0\n\0\0\0"
                                  "1\0\0\0b\0\0\0)\0\0\0\x2e\x6c\0\0\n\0\0\0"; /* 1b) U+6C2E */
    assert_int_equal(parse(utf32le, sizeof utf32le - 1, NULL, &v, &err), 0);
    assert_string_equal(v.out, "ws=- st=x@1 1b=\xe6\xb0\xae@2 notes=0;");
    static const char utf32be[] = "\0\0\xfe\xff\0\0\0i\0\0\0d\0\0\0:\0\0\0y\0\0\0\n";
    assert_int_equal(parse(utf32be, sizeof utf32be - 1, NULL, &v, &err), 0);
    assert_string_equal(v.out, "ws=- st=y@1 notes=0;");

    /* Part labels: "1a = ", "1a)", "(1a)", "1a. ", full-width ')' and '='. */
    assert_int_equal(parse_str("student: s\n1a = 130.9\n1b) 130.9 mV\n(1c) inward\n2a. -70\n"
                               "2b\xef\xbc\x89 5\n2c\xef\xbc\x9d 6\n3a.5\n",
                               &v, &err), 0);
    assert_string_equal(v.out, "ws=- st=s@1 1a=130.9@2 1b=130.9 mV@3 1c=inward@4 2a=-70@5 2b=5@6 2c=6@7 notes=1;");
    assert_non_null(strstr(v.notes[0].msg, "'3a.5' is not 'PART: ANSWER'"));

    /* A part on several lines: every answer, in order; whether they are
     * one answer is the judge's to say (ion_judge_answers). */
    assert_int_equal(parse_str("student: s\n1a: -70 mV\n1A: -70.0 mV\n1b: inward\n1b: Inward\n"
                               "1c: 5\n1c: 5 mV\n",
                               &v, &err), 0);
    assert_string_equal(v.out, "ws=- st=s@1 1a=-70 mV@2 1A=-70.0 mV@3 1b=inward@4 1b=Inward@5 1c=5@6 1c=5 mV@7 notes=0;");
    /* An answer is one line: a line break in a quoted CSV field is a blank. */
    assert_int_equal(parse_str("student,1a\ns,\"-70\nmV\"\n", &v, &err), 0);
    assert_string_equal(v.out, "ws=- st=s@2 1a=-70 mV@2 notes=0;");

    /* Class CSVs separated by ';' (with decimal commas) or by tabs. */
    assert_int_equal(parse_str("Student;Name;1a;1b\ns1;Ada;-94,1;outward\ns2;\"Li; Bo\";-70;in\n", &v, &err), 0);
    assert_string_equal(v.out, "ws=- st=s1@2 1a=-94,1@2 1b=outward@2 notes=0;ws=- st=s2@3 1a=-70@3 1b=in@3 notes=0;");
    assert_int_equal(ion_sub_detect("id\t1a\n", 6), ION_SUB_CSV);
    assert_int_equal(parse_str("id\t1a\t1b\ns1\t1,5\t2\n", &v, &err), 0);
    assert_string_equal(v.out, "ws=- st=s1@2 1a=1,5@2 1b=2@2 notes=0;");
}

static void test_hostile(void **state)
{
    (void)state;
    seen v;
    ion_error err;
    static const struct {
        const char *data;
        size_t len;
        const char *msg;
        int line;
    } cases[] = {
        {"", 0, "empty file", 0},
        {" \r\n\t\n", 5, "empty file", 0},
        {"\xef\xbb\xbf", 3, "empty file", 0},
        {"student: a\n1a: 1\0\n", 17, "binary", 2},
        {"\x7f" "ELF\x02\x01", 6, "binary", 1},
        {"\xfe\xff\xd8\x00\x00\x41", 6, "not valid UTF-16BE", 0}, /* a lone surrogate */
        {"s\0t\0u\0d\0", 8, "UTF-16 text without a byte order mark", 1},
        {"PK\x03\x04\x14\0\x06\0", 8, "Word, OpenDocument or zip", 1},         /* a .docx */
        {"%PDF-1.7\n", 9, "a PDF", 1},
        {"student: a\n\n1a: \xe9t\xe9\n", 19, "UTF-8", 3},
        {"student: a\n1a: \xc0\xaf\n", 17, "UTF-8", 2},          /* overlong '/' */
        {"student: a\n1a: \xed\xa0\x80\n", 18, "UTF-8", 2},      /* a surrogate */
        {"student: a\n1a: \x1b[31m1\n", 20, "binary", 2},        /* a terminal escape */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int ret = parse(cases[i].data, cases[i].len, SUB_XSD, &v, &err);
        if (ret != -1 || !strstr(err.msg, cases[i].msg) || err.line != cases[i].line)
            fail_msg("case %zu: %d line %d: %s", i, ret, err.line, err.msg);
        assert_int_equal(v.calls, 0);
        assert_string_equal(err.file, "f");
    }

    /* Oversized: a text file over 1 MB, a class CSV over 16 MB. */
    size_t big = ION_SUBMISSION_MAX_BYTES + 10;
    char *data = malloc(ION_SUBMISSION_MAX_CSV_BYTES + 16);
    assert_non_null(data);
    memset(data, '\n', big);
    memcpy(data, "student: a\n1a: 1\n", 17);
    assert_int_equal(parse(data, big, SUB_XSD, &v, &err), -1);
    assert_non_null(strstr(err.msg, "larger than 1048576 bytes"));
    memcpy(data, "student,1a\na,1\n", 15);
    assert_int_equal(parse(data, big, SUB_XSD, &v, &err), 0); /* a class CSV may be larger */
    memset(data + 15, '\n', ION_SUBMISSION_MAX_CSV_BYTES + 16 - 15);
    assert_int_equal(parse(data, ION_SUBMISSION_MAX_CSV_BYTES + 16, SUB_XSD, &v, &err), -1);
    assert_non_null(strstr(err.msg, "larger than"));
    free(data);

    /* Files: missing, a directory, an oversized one refused before reading. */
    ion_sub_parser *p = ion_sub_parser_new(SUB_XSD);
    assert_int_equal(ion_sub_parse_file(p, "tests/data/submissions/no-such-file.txt", collect, &v, &err), -1);
    assert_non_null(strstr(err.msg, "cannot open"));
    assert_int_equal(ion_sub_parse_file(p, "tests/data", collect, &v, &err), -1);
    assert_non_null(strstr(err.msg, "not a regular file"));
    char path[] = "/tmp/ionsheet-grade-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, ION_SUBMISSION_MAX_CSV_BYTES + 1), 0);
    close(fd);
    assert_int_equal(ion_sub_parse_file(p, path, collect, &v, &err), -1);
    assert_non_null(strstr(err.msg, "larger than"));
    unlink(path);
    memset(&v, 0, sizeof v);
    assert_int_equal(ion_sub_parse_file(p, "tests/data/submissions/s001.txt", collect, &v, &err), 0);
    assert_int_equal(v.calls, 1);
    ion_sub_parser_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_xml),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_messy_files),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
