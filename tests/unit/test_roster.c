/* Roster import: CSV rows into a course's students. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "roster.h"
#include "test_common.h"

typedef struct {
    temp_bank t;
    char problems[16][600]; /* "LINE: message" of each refused row */
    int n;
} fixture;

static int setup(void **state)
{
    *state = temp_bank_new(sizeof(fixture), 1);
    return 0;
}

static int teardown(void **state)
{
    temp_bank_free(*state);
    return 0;
}

static void collect(const ion_error *problem, void *ctx)
{
    fixture *f = ctx;
    assert_true(f->n < 16);
    assert_string_equal(problem->file, "r.csv");
    snprintf(f->problems[f->n++], sizeof f->problems[0], "%d: %s",
             problem->line, problem->msg);
}

/* Imports text as r.csv into course; returns what ion_roster_import did. */
static int import(fixture *f, const char *course, const char *text,
                  ion_roster_stats *st, ion_error *err)
{
    ion_csv *csv = ion_csv_new(text, strlen(text), "r.csv");
    assert_non_null(csv);
    f->n = 0;
    int ret = ion_roster_import(f->t.b, course, csv, NULL, collect, f, st, err);
    ion_csv_free(csv);
    return ret;
}

static void expect_stats(const ion_roster_stats *st, size_t added,
                         size_t updated, size_t unchanged, size_t refused)
{
    assert_int_equal(st->added, added);
    assert_int_equal(st->updated, updated);
    assert_int_equal(st->unchanged, unchanged);
    assert_int_equal(st->refused, refused);
}

static int count(const ion_bank_student *s, void *ctx)
{
    (void)s;
    ++*(int *)ctx;
    return 0;
}

static int students(fixture *f, const char *course)
{
    ion_error err = {0};
    int n = 0;
    assert_int_equal(ion_bank_student_list(f->t.b, course, 0, count, &n, &err), 0);
    return n;
}

static void expect_name(fixture *f, const char *course, const char *id,
                        const char *name, const char *email)
{
    ion_error err = {0};
    ion_bank_student_row s;
    assert_int_equal(ion_bank_student_get(f->t.b, course, id, &s, &err), 1);
    assert_string_equal(s.name, name);
    if (email)
        assert_string_equal(s.email, email);
    else
        assert_null(s.email);
    ion_bank_student_release(&s);
}

static void test_sample_file(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_roster_stats st;
    for (int round = 0; round < 2; round++) {
        ion_csv *csv = ion_csv_open("tests/data/roster-sample.csv", &err);
        if (!csv)
            fail_msg("%s: %s (run from the top of the tree)", err.file,
                     err.msg);
        assert_int_equal(ion_roster_import(f->t.b, "PHYS2", csv, NULL, NULL, NULL,
                                           &st, &err),
                         0);
        ion_csv_free(csv);
        /* The second import finds everybody and changes nothing. */
        if (round == 0)
            expect_stats(&st, 14, 0, 0, 0);
        else
            expect_stats(&st, 0, 0, 14, 0);
    }
    assert_int_equal(students(f, "PHYS2"), 14);
    expect_name(f, "PHYS2", "s002", "张伟", "zhang.wei@example.org");
    expect_name(f, "PHYS2", "s004", "محمد علي", "mohammed.ali@example.org");
    expect_name(f, "PHYS2", "s006", "Αλέξανδρος Παπαδόπουλος",
                "alexandros.p@example.org");
    expect_name(f, "PHYS2", "s011", "O'Brien, Siobhán \"Shiv\"",
                "siobhan.obrien@example.org");
    expect_name(f, "PHYS2", "s014", "Søren Kierkegaard", NULL);
}

static void test_reimport_updates(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_roster_stats st;
    assert_int_equal(import(f, "BIO", "id,name,email\n"
                                      "s1,Ada,ada@x.org\n"
                                      "s2,Bo,bo@x.org\n",
                            &st, &err),
                     0);
    expect_stats(&st, 2, 0, 0, 0);
    /* Without an email column the e-mails stay; names change; a new one is
     * added; nobody is doubled. Header names are case-insensitive and in
     * any order, and values are trimmed. */
    assert_int_equal(import(f, "BIO", "\xEF\xBB\xBFName , ID\r\n"
                                      "Ada Lovelace,s1\r\n"
                                      " Bo , s2 \r\n"
                                      "Cy,s3\r\n",
                            &st, &err),
                     0);
    expect_stats(&st, 1, 1, 1, 0);
    assert_int_equal(students(f, "BIO"), 3);
    expect_name(f, "BIO", "s1", "Ada Lovelace", "ada@x.org");
    expect_name(f, "BIO", "s2", "Bo", "bo@x.org");
    /* An empty e-mail in an email column clears it. */
    assert_int_equal(import(f, "BIO", "EMAIL,id,name\n,s1,Ada Lovelace\n",
                            &st, &err),
                     0);
    expect_stats(&st, 0, 1, 0, 0);
    expect_name(f, "BIO", "s1", "Ada Lovelace", NULL);
    /* Another course is another list. */
    assert_int_equal(import(f, "CHEM", "id,name\ns1,Someone Else\n", &st,
                            &err),
                     0);
    expect_stats(&st, 1, 0, 0, 0);
    expect_name(f, "BIO", "s1", "Ada Lovelace", NULL);
}

static void test_bad_rows(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_roster_stats st;
    /* tests/data/roster-bad.csv, read into a buffer to name it r.csv. */
    char text[2048];
    FILE *fp = fopen("tests/data/roster-bad.csv", "rb");
    assert_non_null(fp);
    size_t n = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[n] = '\0';

    assert_int_equal(import(f, "PHYS2", text, &st, &err), 0);
    expect_stats(&st, 2, 0, 0, 8);
    assert_int_equal(f->n, 8);
    assert_string_equal(f->problems[0], "3: empty student id");
    assert_string_equal(f->problems[1],
                        "4: student id 'evil/../x' may only use letters, "
                        "digits, '.', '_' and '-'");
    assert_string_equal(f->problems[2],
                        "5: student id '../up' must not start with a dot");
    assert_string_equal(f->problems[3],
                        "6: duplicate student id 's001' (first on line 2)");
    assert_string_equal(f->problems[4],
                        "7: name of student 's002' is not valid UTF-8");
    assert_string_equal(f->problems[5], "8: invalid e-mail 'not-an-address' "
                                        "for student 's003'");
    assert_string_equal(f->problems[6], "9: expected 3 fields, found 4");
    assert_string_equal(f->problems[7], "10: name of student 's005' "
                                        "contains a control character");
    /* The good rows are in: the first s001, and s006 after the two-line
     * record (whose line numbers were counted right). */
    assert_int_equal(students(f, "PHYS2"), 2);
    expect_name(f, "PHYS2", "s001", "Ada Li", "ada.li@example.org");
    expect_name(f, "PHYS2", "s006", "Fine Person", "fine@example.org");
}

static void test_unsafe_ids_shown_safely(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_roster_stats st;
    char id[100];
    memset(id, 'a', 70);
    id[70] = '\0';
    char text[256];
    snprintf(text, sizeof text, "id,name\n\"x\x01y\",A\n张三,B\n%s,C\n", id);
    assert_int_equal(import(f, "C", text, &st, &err), 0);
    expect_stats(&st, 0, 0, 0, 3);
    assert_string_equal(f->problems[0],
                        "2: student id 'x\\x01y' may only use letters, "
                        "digits, '.', '_' and '-'");
    assert_string_equal(f->problems[1],
                        "3: student id '张三' may only use letters, "
                        "digits, '.', '_' and '-'");
    assert_string_equal(f->problems[2],
                        "4: student id 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                        "aaaaaaaaaaaaaaaaaaaaaaaaaaa...' is longer than 64 "
                        "characters");
}

static void expect_file_refused(fixture *f, const char *text, int line,
                                const char *msg)
{
    ion_error err = {0};
    ion_roster_stats st;
    assert_int_equal(import(f, "PHYS2", text, &st, &err), ION_BANK_EINVAL);
    assert_int_equal(err.line, line);
    assert_string_equal(err.msg, msg);
    assert_int_equal(f->n, 0);
    expect_stats(&st, 0, 0, 0, 0);
    assert_int_equal(students(f, "PHYS2"), 0);
}

static void test_whole_file_refused(void **state)
{
    fixture *f = *state;
    expect_file_refused(f, "", 0,
                        "empty file (expected the header id,name[,email])");
    expect_file_refused(f, "s1,Ada\n", 1,
                        "unknown column 's1' in the header (expected "
                        "id,name[,email], or a Moodle or Canvas export)");
    expect_file_refused(f, "id,email\n", 1,
                        "the header has no 'name' column (expected "
                        "id,name[,email])");
    expect_file_refused(f, "id,name,Id\n", 1,
                        "column 'id' appears twice in the header");
    /* A syntax error anywhere: not even the rows before it go in. */
    expect_file_refused(f, "id,name\ns1,Ada\ns2,Bo\n\"s3,Cy\n", 4,
                        "unterminated quoted field");
    ion_error err = {0};
    assert_int_equal(import(f, "", "id,name\ns1,A\n", NULL, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "course name is empty");
}

static void test_database_error(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_roster_stats st;
    sqlite3 *db;
    /* Another program breaks the bank under our feet. */
    assert_int_equal(sqlite3_open(f->t.path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE students", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(import(f, "PHYS2", "id,name\ns1,Ada\n,Nobody\n", &st,
                            &err),
                     ION_BANK_EDB);
    assert_non_null(strstr(err.msg, "students"));
    expect_stats(&st, 0, 0, 0, 1); /* the bad row is still reported */
    assert_int_equal(f->n, 1);
    assert_int_equal(ion_bank_course_exists(f->t.b, "PHYS2", &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sample_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reimport_updates, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsafe_ids_shown_safely, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_whole_file_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_database_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
