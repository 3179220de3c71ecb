/* Running a course in the bank: the schema 1 -> 2 and 6 -> 7 upgrades, worksheet names
 * per course, listing, editing and deleting worksheets, taking students off
 * the roster (withdrawn when they have submissions), ids matched whatever
 * their case. */
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

#include "bank.h"
#include "test_common.h"

typedef temp_bank fixture;

static int setup(void **state)
{
    *state = temp_bank_new(sizeof(fixture), 0);
    return 0;
}

static int teardown(void **state)
{
    temp_bank_free(*state);
    return 0;
}

static void open_bank(fixture *f)
{
    ion_error err = {0};
    f->b = ion_bank_open(f->path, 1, &err);
    if (!f->b)
        fail_msg("open: %s", err.msg);
}

static void raw_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* The rows of a query, "a|b|c" each, one per line. */
static char *raw_rows(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    size_t cap = 1 << 16, len = 0;
    char *out = calloc(cap, 1);
    assert_non_null(out);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "|" : "",
                                    v ? v : "NULL");
        }
        len += (size_t)snprintf(out + len, cap - len, "\n");
        assert_true(len < cap - 1);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

/* What a schema means, without its text: every table's columns, foreign
 * keys and indexes (by their columns, not their names). */
static char *schema_shape(const char *path)
{
    return raw_rows(
        path,
        "SELECT m.name, 'col', c.cid, c.name, c.type, c.\"notnull\","
        " c.dflt_value, c.pk FROM sqlite_schema m,"
        " pragma_table_info(m.name) c WHERE m.type = 'table'"
        " UNION ALL SELECT m.name, 'fk', k.id, k.seq, k.\"table\", k.\"from\","
        " k.\"to\", '' FROM sqlite_schema m, pragma_foreign_key_list(m.name) k"
        " WHERE m.type = 'table'"
        " UNION ALL SELECT m.name, 'index', i.\"unique\", i.origin,"
        " (SELECT group_concat(x.name) FROM pragma_index_info(i.name) x),"
        " i.partial, '', '' FROM sqlite_schema m, pragma_index_list(m.name) i"
        " WHERE m.type = 'table' ORDER BY 1, 2, 3, 4, 5");
}

/* The bank at f->path is at the current version, sound (integrity and
 * foreign keys) and its schema means what a new bank's does. */
static void assert_upgraded(fixture *f)
{
    ion_error err = {0};
    char *rows = raw_rows(f->path, "PRAGMA user_version");
    char version[16];
    snprintf(version, sizeof version, "%d\n", ION_BANK_SCHEMA_VERSION);
    assert_string_equal(rows, version);
    free(rows);
    rows = raw_rows(f->path, "PRAGMA integrity_check");
    assert_string_equal(rows, "ok\n");
    free(rows);
    rows = raw_rows(f->path, "PRAGMA foreign_key_check");
    assert_string_equal(rows, "");
    free(rows);
    char fresh[160];
    snprintf(fresh, sizeof fresh, "%s/fresh.db", f->dir);
    ion_bank *b = ion_bank_open(fresh, 1, &err);
    assert_non_null(b);
    ion_bank_close(b);
    char *want = schema_shape(fresh), *got = schema_shape(f->path);
    assert_string_equal(got, want);
    free(want);
    free(got);
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[200];
        snprintf(p, sizeof p, "%s%s", fresh, suffix[i]);
        unlink(p);
    }
}

static const ion_bank_template nernst = {"nernst-k", "nernst", 1, "EK", NULL,
                                         "en", 0};
static const ion_bank_template ghk = {"ghk-rest", "ghk", 2, "Vm", NULL, "en",
                                      0};

static void put_student(ion_bank *b, const char *course, const char *id)
{
    ion_error err = {0};
    ion_bank_student s = {course, id, "A Student", NULL, NULL};
    if (ion_bank_course_ensure(b, course, &err) ||
        ion_bank_student_upsert(b, &s, NULL, &err))
        fail_msg("student: %s", err.msg);
}

/* Courses BIO101 and PHYS2, each with students s1 and s2 and a worksheet
 * week3 (nernst-k, ghk-rest). */
static void two_courses(ion_bank *b)
{
    ion_error err = {0};
    const char *ids[] = {"nernst-k", "ghk-rest"};
    const char *courses[] = {"BIO101", "PHYS2"};
    assert_int_equal(ion_bank_template_upsert(b, &nernst, "<a/>", "x.xml",
                                              NULL, NULL, &err),
                     0);
    assert_int_equal(ion_bank_template_upsert(b, &ghk, "<b/>", "x.xml", NULL,
                                              NULL, &err),
                     0);
    for (int i = 0; i < 2; i++) {
        put_student(b, courses[i], "s1");
        put_student(b, courses[i], "s2");
        if (ion_bank_worksheet_create(b, "week3", courses[i], NULL, NULL, 2,
                                      ids, NULL, &err))
            fail_msg("worksheet: %s", err.msg);
    }
}

static void test_migrate_from_v1(void **state)
{
    fixture *f = *state;
    char *v1 = test_read_file("tests/data/bank-v1.sql");
    raw_sql(f->path, v1);
    free(v1);
    raw_sql(f->path,
            "PRAGMA application_id = 1229934163; PRAGMA user_version = 1;"
            "INSERT INTO settings VALUES ('secret', zeroblob(32));"
            "INSERT INTO templates VALUES ('nernst-k', 'nernst', 1, 'EK',"
            " NULL, 'en', 1);"
            "INSERT INTO template_versions (template_id, version, hash,"
            " source, source_file) VALUES ('nernst-k', 1, 'h', '<a/>', 'x');"
            "INSERT INTO courses (id) VALUES ('PHYS2');"
            "INSERT INTO students VALUES ('PHYS2', 's1', 'Ada', NULL);"
            "INSERT INTO worksheets (name, course_id, title, due) VALUES"
            " ('week1', 'PHYS2', 'Week 1', '2026-12-01');"
            "INSERT INTO worksheet_problems VALUES ('week1', 1, 'nernst-k',"
            " 1, 3);"
            "INSERT INTO instances (worksheet, course_id, student_id,"
            " position, template_id, version, seed, data) VALUES ('week1',"
            " 'PHYS2', 's1', 1, 'nernst-k', 1, 42, '{}');"
            "INSERT INTO submissions (id, worksheet, course_id, student_id,"
            " source_file, hash) VALUES (7, 'week1', 'PHYS2', 's1', 's1.txt',"
            " 'abc');"
            "INSERT INTO grades VALUES (7, '1a', '-94', 3, 3, 'right', NULL);");
    open_bank(f);
    ion_bank_close(f->b);
    f->b = NULL;

    /* The data came through, the submission keeping its id. */
    char *rows = raw_rows(f->path,
                          "SELECT w.course_id, w.name, w.title, w.due,"
                          " p.position, p.points, i.seed, s.id, g.answer,"
                          " st.withdrawn FROM worksheets w"
                          " JOIN worksheet_problems p USING (course_id)"
                          " JOIN instances i ON i.course_id = w.course_id"
                          " JOIN submissions s ON s.course_id = w.course_id"
                          " JOIN grades g ON g.submission_id = s.id"
                          " JOIN students st ON st.id = s.student_id;"
                          "PRAGMA user_version");
    assert_string_equal(rows, "PHYS2|week1|Week 1|2026-12-01|1|3.0|42|7|-94|"
                              "NULL\n");
    free(rows);
    /* And the upgraded schema means what a new bank's does. */
    assert_upgraded(f);
}

static void test_failed_upgrade_changes_nothing(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    char *v1 = test_read_file("tests/data/bank-v1.sql");
    raw_sql(f->path, v1);
    free(v1);
    /* A problem whose worksheet is gone (a v1 bank written with foreign
     * keys off): the upgrade cannot keep it, so it refuses. */
    raw_sql(f->path,
            "PRAGMA application_id = 1229934163; PRAGMA user_version = 1;"
            "INSERT INTO settings VALUES ('secret', zeroblob(32));"
            "INSERT INTO courses (id) VALUES ('PHYS2');"
            "INSERT INTO students VALUES ('PHYS2', 's1', 'Ada', NULL);"
            "INSERT INTO instances (worksheet, course_id, student_id,"
            " position, template_id, version, seed, data) VALUES ('gone',"
            " 'PHYS2', 's1', 1, 'nernst-k', 1, 42, '{}');");
    assert_null(ion_bank_open(f->path, 0, &err));
    assert_non_null(strstr(err.msg, "schema upgrade would break"));
    char *rows = raw_rows(f->path, "PRAGMA user_version");
    assert_string_equal(rows, "1\n");
    free(rows);
    rows = raw_rows(f->path, "SELECT count(*) FROM sqlite_schema"
                             " WHERE name LIKE 'new_%'");
    assert_string_equal(rows, "0\n");
    free(rows);
}

/* Every row of every table, each value quoted (blobs in hex), in rowid
 * order; instances without the column `data`. */
static char *all_rows(const char *path)
{
    char *tables = raw_rows(path, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    size_t cap = 1 << 17, len = 0;
    char *out = calloc(cap, 1);
    assert_non_null(out);
    for (char *t = strtok(tables, "\n"); t; t = strtok(NULL, "\n")) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT group_concat('quote(' || name || ')', ' || ''|'' || ')"
                 " FROM pragma_table_info('%s') WHERE NOT ('%s' = 'instances' AND name = 'data')", t, t);
        char *cols = raw_rows(path, sql);
        cols[strcspn(cols, "\n")] = '\0';
        char *query = malloc(strlen(cols) + 128);
        assert_non_null(query);
        sprintf(query, "SELECT %s FROM %s ORDER BY rowid", cols, t);
        char *rows = raw_rows(path, query);
        len += (size_t)snprintf(out + len, cap - len, "%s:\n%s", t, rows);
        assert_true(len < cap - 1);
        free(rows);
        free(query);
        free(cols);
    }
    free(tables);
    return out;
}

/* A bank that ionsheet made at schema version 6 (tests/data/bank-v6.sql:
 * generated, graded, a refused file, a drill): version 7 drops
 * instances.data and nothing else; every other value of every row is
 * kept, the database is sound and means what a new bank does. */
static void test_migrate_from_v6(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    char *v6 = test_read_file("tests/data/bank-v6.sql");
    raw_sql(f->path, v6);
    free(v6);
    raw_sql(f->path, "PRAGMA application_id = 1229934163; PRAGMA user_version = 6;");
    char *rows = raw_rows(f->path, "SELECT count(*), sum(json_valid(data)) FROM instances");
    assert_string_equal(rows, "6|6\n");
    free(rows);
    char *before = all_rows(f->path);
    open_bank(f);
    uint64_t seed = 0;
    assert_int_equal(ion_bank_instance_seed(f->b, "week1", "PHYS2", "s001", 1, "t-nernst-k", 1, &seed, &err), 1);
    assert_true(seed == (uint64_t)1193298437829114567LL);
    ion_bank_close(f->b);
    f->b = NULL;

    char *after = all_rows(f->path);
    assert_string_equal(after, before);
    free(before);
    free(after);
    rows = raw_rows(f->path, "SELECT count(*) FROM pragma_table_info('instances') WHERE name = 'data'");
    assert_string_equal(rows, "0\n");
    free(rows);
    assert_upgraded(f);
}

static void test_worksheet_names_per_course(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_bank_worksheet w;
    int64_t id;
    open_bank(f);
    two_courses(f->b);

    assert_int_equal(ion_bank_worksheet_get(f->b, "week3", NULL, &w, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "worksheet 'week3' is in courses BIO101, "
                                 "PHYS2: give --course");
    assert_int_equal(ion_bank_worksheet_get(f->b, "week3", "PHYS2", &w, &err),
                     1);
    assert_string_equal(w.course, "PHYS2");
    assert_int_equal(w.n, 2);
    ion_bank_worksheet_release(&w);
    assert_int_equal(ion_bank_worksheet_get(f->b, "week3", "CHEM", &w, &err),
                     0);

    /* The same student id in both courses, the same worksheet name: two
     * instances, two submissions. */
    assert_int_equal(ion_bank_instance_put(f->b, "week3", "BIO101", "s1", 1,
                                           "nernst-k", 1, 1, &err),
                     0);
    assert_int_equal(ion_bank_instance_put(f->b, "week3", "PHYS2", "s1", 1,
                                           "nernst-k", 1, 2, &err),
                     0);
    uint64_t seed = 0;
    assert_int_equal(ion_bank_instance_seed(f->b, "week3", "PHYS2", "s1", 1, "nernst-k", 1, &seed, &err), 1);
    assert_true(seed == 2);
    assert_int_equal(ion_bank_instance_seed(f->b, "week3", "BIO101", "s1", 1, "nernst-k", 1, &seed, &err), 1);
    assert_true(seed == 1);
    assert_int_equal(ion_bank_submission_upsert(f->b, "week3", NULL, "s1",
                                                "s1.txt", "x", 1, &id, &err),
                     ION_BANK_EINVAL);
    assert_int_equal(ion_bank_submission_upsert(f->b, "week3", "BIO101", "S1",
                                                "s1.txt", "x", 1, &id, &err),
                     0);
    char *rows = raw_rows(f->path, "SELECT course_id, student_id FROM"
                                   " submissions");
    assert_string_equal(rows, "BIO101|s1\n");
    free(rows);

    /* A name of one course alone needs no course. */
    const char *ids[] = {"ghk-rest"};
    assert_int_equal(ion_bank_worksheet_create(f->b, "week4", "BIO101", NULL,
                                               NULL, 1, ids, NULL, &err),
                     0);
    assert_int_equal(ion_bank_worksheet_get(f->b, "week4", NULL, &w, &err), 1);
    assert_string_equal(w.course, "BIO101");
    ion_bank_worksheet_release(&w);
}

typedef struct {
    char text[512];
} listing;

static int list_worksheet(const char *course, const char *name, void *ctx)
{
    listing *l = ctx;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%s/%s ", course, name);
    return 0;
}

static int list_course(const ion_bank_course *c, void *ctx)
{
    listing *l = ctx;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%s:%zu+%zu,%zu ", c->id,
             c->students, c->withdrawn, c->worksheets);
    return 0;
}

static int list_student(const ion_bank_student *s, void *ctx)
{
    listing *l = ctx;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%s%s ", s->id,
             s->withdrawn ? "(w)" : "");
    return 0;
}

static void test_lists(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    listing l = {""};
    open_bank(f);
    two_courses(f->b);
    assert_int_equal(ion_bank_worksheet_list(f->b, NULL, list_worksheet, &l,
                                             &err),
                     0);
    assert_string_equal(l.text, "BIO101/week3 PHYS2/week3 ");
    l.text[0] = '\0';
    assert_int_equal(ion_bank_worksheet_list(f->b, "PHYS2", list_worksheet,
                                             &l, &err),
                     0);
    assert_string_equal(l.text, "PHYS2/week3 ");
    l.text[0] = '\0';
    assert_int_equal(ion_bank_course_list(f->b, list_course, &l, &err), 0);
    assert_string_equal(l.text, "BIO101:2+0,1 PHYS2:2+0,1 ");
}

static void test_student_case_and_remove(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_bank_student_row s;
    int outcome;
    int64_t id;
    char removed[ION_BANK_ID_MAX + 1];
    listing l = {""};
    open_bank(f);
    two_courses(f->b);

    assert_int_equal(ion_bank_student_get(f->b, "PHYS2", "S1", &s, &err), 1);
    assert_string_equal(s.id, "s1");
    assert_null(s.withdrawn);
    ion_bank_student_release(&s);
    put_student(f->b, "PHYS2", "ab");
    put_student(f->b, "PHYS2", "AB");
    assert_int_equal(ion_bank_student_get(f->b, "PHYS2", "Ab", &s, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "student 'Ab' is ambiguous in course "
                                 "'PHYS2': 'AB' and 'ab' differ only in "
                                 "case");
    assert_int_equal(ion_bank_student_get(f->b, "PHYS2", "ab", &s, &err), 1);
    assert_string_equal(s.id, "ab");
    ion_bank_student_release(&s);

    /* s1 has a submission: withdrawn, kept. s2 has only problems: gone with
     * them. */
    assert_int_equal(ion_bank_instance_put(f->b, "week3", "PHYS2", "s2", 1,
                                           "nernst-k", 1, 1, &err),
                     0);
    assert_int_equal(ion_bank_submission_upsert(f->b, "week3", "PHYS2", "s1",
                                                "s1.txt", "x", 1, &id, &err),
                     0);
    assert_int_equal(ion_bank_student_remove(f->b, "PHYS2", "S1", &outcome,
                                             removed, &err),
                     0);
    assert_int_equal(outcome, ION_BANK_WITHDRAWN);
    assert_string_equal(removed, "s1");
    assert_int_equal(ion_bank_student_remove(f->b, "PHYS2", "s2", &outcome,
                                             removed, &err),
                     0);
    assert_int_equal(outcome, ION_BANK_DELETED);
    assert_int_equal(ion_bank_student_remove(f->b, "PHYS2", "s9", &outcome,
                                             NULL, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "no student 's9' in course 'PHYS2'");

    assert_int_equal(ion_bank_student_list(f->b, "PHYS2", 0, list_student,
                                           &l, &err),
                     0);
    assert_string_equal(l.text, "AB ab ");
    l.text[0] = '\0';
    assert_int_equal(ion_bank_student_list(f->b, "PHYS2", 1, list_student,
                                           &l, &err),
                     0);
    assert_string_equal(l.text, "AB ab s1(w) ");
    l.text[0] = '\0';
    assert_int_equal(ion_bank_course_list(f->b, list_course, &l, &err), 0);
    assert_string_equal(l.text, "BIO101:2+0,1 PHYS2:2+1,1 ");
    char *rows = raw_rows(f->path, "SELECT count(*) FROM instances;");
    assert_string_equal(rows, "0\n");
    free(rows);

    /* Imported again: back on the roster. */
    put_student(f->b, "PHYS2", "s1");
    assert_int_equal(ion_bank_student_get(f->b, "PHYS2", "s1", &s, &err), 1);
    assert_null(s.withdrawn);
    ion_bank_student_release(&s);
}

static void test_worksheet_edit(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_bank_worksheet w;
    open_bank(f);
    two_courses(f->b);

    ion_bank_ws_edit e = {"Week 3: GHK", "2026-12-24T09:00", 0, NULL, NULL, NULL};
    assert_int_equal(ion_bank_worksheet_edit(f->b, "week3", "PHYS2", &e, &err),
                     0);
    double points[] = {5, -1};
    ion_bank_ws_edit p = {NULL, "", 2, NULL, points, NULL};
    assert_int_equal(ion_bank_worksheet_edit(f->b, "week3", "PHYS2", &p, &err),
                     0);
    assert_int_equal(ion_bank_worksheet_get(f->b, "week3", "PHYS2", &w, &err),
                     1);
    assert_string_equal(w.title, "Week 3: GHK");
    assert_null(w.due);
    assert_int_equal(w.n, 2);
    assert_true(w.problems[0].points == 5 && w.problems[1].points < 0);
    assert_string_equal(w.problems[1].template_id, "ghk-rest");
    ion_bank_worksheet_release(&w);
    /* The other course's week3 is untouched. */
    assert_int_equal(ion_bank_worksheet_get(f->b, "week3", "BIO101", &w, &err),
                     1);
    assert_string_equal(w.title, "week3");
    ion_bank_worksheet_release(&w);

    /* Points keep the pinned version even after a newer import. */
    ion_bank_template newer = nernst;
    assert_int_equal(ion_bank_template_upsert(f->b, &newer, "<a2/>", "x.xml",
                                              NULL, NULL, &err),
                     0);
    double three[] = {3, 3};
    ion_bank_ws_edit q = {NULL, NULL, 2, NULL, three, NULL};
    assert_int_equal(ion_bank_worksheet_edit(f->b, "week3", "PHYS2", &q, &err),
                     0);
    assert_int_equal(ion_bank_worksheet_get(f->b, "week3", "PHYS2", &w, &err),
                     1);
    assert_int_equal(w.problems[0].version, 1);
    ion_bank_worksheet_release(&w);

    /* New problems: while nothing is generated, pinned to the current
     * version; after, refused. */
    const char *ids[] = {"nernst-k"};
    ion_bank_ws_edit r = {NULL, NULL, 1, ids, NULL, NULL};
    assert_int_equal(ion_bank_worksheet_edit(f->b, "week3", "PHYS2", &r, &err),
                     0);
    assert_int_equal(ion_bank_worksheet_get(f->b, "week3", "PHYS2", &w, &err),
                     1);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.problems[0].version, 2);
    ion_bank_worksheet_release(&w);
    assert_int_equal(ion_bank_instance_put(f->b, "week3", "PHYS2", "s1", 1,
                                           "nernst-k", 2, 1, &err),
                     0);
    /* Points change also after (the problems stay, instances hang on). */
    ion_bank_ws_edit one = {NULL, NULL, 1, NULL, three, NULL};
    assert_int_equal(ion_bank_worksheet_edit(f->b, "week3", "PHYS2", &one,
                                             &err),
                     0);
    const char *two[] = {"nernst-k", "ghk-rest"};
    ion_bank_ws_edit t = {NULL, NULL, 2, two, NULL, NULL};
    assert_int_equal(ion_bank_worksheet_edit(f->b, "week3", "PHYS2", &t, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "worksheet 'week3' was generated for 1 "
                                 "student: its problems can no longer change "
                                 "(create a new worksheet)");
    /* Refusals change nothing. */
    ion_bank_ws_edit bad = {"x", "2026-02-30", 0, NULL, NULL, NULL};
    assert_int_equal(ion_bank_worksheet_edit(f->b, "week3", "PHYS2", &bad,
                                             &err),
                     ION_BANK_EINVAL);
    ion_bank_ws_edit count = {NULL, NULL, 2, NULL, three, NULL};
    assert_int_equal(ion_bank_worksheet_edit(f->b, "week3", "PHYS2", &count,
                                             &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "2 points for 1 problem");
    assert_int_equal(ion_bank_worksheet_edit(f->b, "week3", NULL, &e, &err),
                     ION_BANK_EINVAL);
    assert_int_equal(ion_bank_worksheet_get(f->b, "week3", "PHYS2", &w, &err),
                     1);
    assert_string_equal(w.title, "Week 3: GHK");
    assert_int_equal(w.n, 1);
    ion_bank_worksheet_release(&w);
}

static void test_worksheet_delete(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_bank_ws_usage gone;
    ion_bank_grade g = {"1a", "-94", 2, 2, ION_VERDICT_RIGHT, NULL};
    int64_t id;
    open_bank(f);
    two_courses(f->b);
    assert_int_equal(ion_bank_instance_put(f->b, "week3", "PHYS2", "s1", 1,
                                           "nernst-k", 1, 1, &err),
                     0);
    assert_int_equal(ion_bank_submission_upsert(f->b, "week3", "PHYS2", "s1",
                                                "s1.txt", "x", 1, &id, &err),
                     0);
    assert_int_equal(ion_bank_grade_put(f->b, id, &g, &err), 0);

    assert_int_equal(ion_bank_worksheet_delete(f->b, "week3", "PHYS2", 0,
                                               &gone, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "worksheet 'week3' of course 'PHYS2' has 1 "
                                 "submission from 1 student (1 graded "
                                 "part): --force deletes them too");
    assert_int_equal(ion_bank_worksheet_delete(f->b, "week3", "PHYS2", 1,
                                               &gone, &err),
                     0);
    assert_int_equal(gone.generated, 1);
    assert_int_equal(gone.submissions, 1);
    assert_int_equal(gone.grades, 1);
    char *rows = raw_rows(f->path,
                          "SELECT (SELECT count(*) FROM grades),"
                          " (SELECT count(*) FROM submissions),"
                          " (SELECT count(*) FROM instances),"
                          " (SELECT group_concat(course_id) FROM"
                          "  worksheet_problems),"
                          " (SELECT group_concat(course_id) FROM worksheets)");
    assert_string_equal(rows, "0|0|0|BIO101,BIO101|BIO101\n");
    free(rows);
    /* Now the name is BIO101's alone; without submissions no --force. */
    assert_int_equal(ion_bank_worksheet_delete(f->b, "week3", NULL, 0, &gone,
                                               &err),
                     0);
    assert_int_equal(gone.submissions, 0);
    assert_int_equal(ion_bank_worksheet_delete(f->b, "week3", NULL, 0, &gone,
                                               &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "unknown worksheet 'week3'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrate_from_v1, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_migrate_from_v6, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_upgrade_changes_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_worksheet_names_per_course,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_student_case_and_remove, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_worksheet_edit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_worksheet_delete, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
