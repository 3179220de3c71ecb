/* The SQLite bank: open and migrations, templates, students, worksheets,
 * instances, submissions, drill progress, transactions and speed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bank.h"
#include "text.h"
#include "test_common.h"

/* ---- fixtures ---- */

typedef temp_bank fixture;

static void remove_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[160];
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

static int setup_dir(void **state)
{
    *state = temp_bank_new(sizeof(fixture), 0);
    return 0;
}

static int setup_bank(void **state)
{
    *state = temp_bank_new(sizeof(fixture), 1);
    return 0;
}

static int teardown(void **state)
{
    temp_bank_free(*state);
    return 0;
}

/* Runs SQL on the file directly, as an older program (or a test) would. */
static void raw_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

static int raw_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static const ion_bank_template nernst_k = {
    "nernst-k", "nernst", 1, "Potassium equilibrium potential",
    "钾离子的平衡电位", "en zh", 0};
static const ion_bank_template ghk_rest = {
    "ghk-rest", "ghk", 2, "Resting potential", NULL, "en", 0};

static void put_template(ion_bank *b, const ion_bank_template *t,
                         const char *src)
{
    ion_error err = {0};
    if (ion_bank_template_upsert(b, t, src, "problems/x.xml", NULL, NULL,
                                 &err))
        fail_msg("template: %s", err.msg);
}

static void put_student(ion_bank *b, const char *course, const char *id,
                        const char *name)
{
    ion_error err = {0};
    ion_bank_student s = {course, id, name, NULL, NULL};
    if (ion_bank_student_upsert(b, &s, NULL, &err))
        fail_msg("student: %s", err.msg);
}

/* A course PHYS2 with students s1 and s2, two templates and a worksheet
 * week1 of nernst-k and ghk-rest. */
static void class_setup(ion_bank *b)
{
    ion_error err = {0};
    const char *ids[] = {"nernst-k", "ghk-rest"};
    put_template(b, &nernst_k, "<problem id='nernst-k'/>");
    put_template(b, &ghk_rest, "<problem id='ghk-rest'/>");
    assert_int_equal(ion_bank_course_ensure(b, "PHYS2", &err), 0);
    put_student(b, "PHYS2", "s1", "Ada Li");
    put_student(b, "PHYS2", "s2", "Bo Chen");
    if (ion_bank_worksheet_create(b, "week1", "PHYS2", NULL, NULL, 2, ids,
                                  NULL, &err))
        fail_msg("worksheet: %s", err.msg);
}

/* ---- open, schema, migration ---- */

static void test_open_missing(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    assert_null(ion_bank_open(f->path, 0, &err));
    char want[256];
    snprintf(want, sizeof want, "no database at %s (run 'ionsheet init')",
             f->path);
    assert_string_equal(err.msg, want);
    assert_int_equal(access(f->path, F_OK), -1); /* and none was made */
}

static void test_create_and_reopen(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    unsigned char s1[ION_BANK_SECRET_LEN], s2[ION_BANK_SECRET_LEN];
    unsigned char zero[ION_BANK_SECRET_LEN] = {0};
    ion_bank *b = ion_bank_open(f->path, 1, &err);
    assert_non_null(b);
    assert_int_equal(ion_bank_secret(b, s1, &err), 0);
    assert_memory_not_equal(s1, zero, sizeof s1);
    put_template(b, &nernst_k, "<problem/>");
    ion_bank_close(b);

    assert_int_equal(raw_int(f->path, "PRAGMA user_version"),
                     ION_BANK_SCHEMA_VERSION);
    assert_int_equal(raw_int(f->path, "PRAGMA application_id"),
                     ION_BANK_APPLICATION_ID);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM settings"), 1);

    b = ion_bank_open(f->path, 0, &err);
    assert_non_null(b);
    assert_int_equal(ion_bank_secret(b, s2, &err), 0);
    assert_memory_equal(s1, s2, sizeof s1); /* kept, not remade */
    assert_int_equal(ion_bank_template_exists(b, "nernst-k", &err), 1);
    ion_bank_close(b);

    /* A second bank has its own secret. */
    char other[160];
    snprintf(other, sizeof other, "%s/other.db", f->dir);
    b = ion_bank_open(other, 1, &err);
    assert_non_null(b);
    assert_int_equal(ion_bank_secret(b, s2, &err), 0);
    assert_memory_not_equal(s1, s2, sizeof s1);
    ion_bank_close(b);
    remove_db(other);
}

static void test_wal_and_foreign_keys(void **state)
{
    fixture *f = *state;
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM "
                                      "pragma_journal_mode WHERE "
                                      "journal_mode = 'wal'"),
                     1);
    /* A student of a course that does not exist is refused by the schema
     * itself, not only by the code. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    assert_int_not_equal(sqlite3_exec(db,
                                      "INSERT INTO students VALUES "
                                      "('nope', 's1', 'A', NULL)",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    sqlite3_close(db);
}

static void test_schema_file_is_embedded(void **state)
{
    (void)state;
    char *file = test_read_file("schema/bank.sql");
    char *embedded = ion_bank_schema_sql();
    assert_non_null(embedded);
    assert_string_equal(embedded, file);
    free(embedded);
    free(file);
}

static void test_migrate_from_v0(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    unsigned char secret[ION_BANK_SECRET_LEN];
    char sql[256];
    /* A bank at version 0, holding something of its own. */
    snprintf(sql, sizeof sql,
             "PRAGMA application_id = %d; PRAGMA user_version = 0;"
             "CREATE TABLE legacy (x TEXT); INSERT INTO legacy VALUES ('kept');",
             ION_BANK_APPLICATION_ID);
    raw_sql(f->path, sql);

    ion_bank *b = ion_bank_open(f->path, 0, &err);
    if (!b)
        fail_msg("open: %s", err.msg);
    assert_int_equal(ion_bank_secret(b, secret, &err), 0);
    assert_int_equal(ion_bank_course_ensure(b, "PHYS2", &err), 0);
    ion_bank_close(b);
    assert_int_equal(raw_int(f->path, "PRAGMA user_version"), ION_BANK_SCHEMA_VERSION);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM legacy "
                                      "WHERE x = 'kept'"),
                     1);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM courses"), 1);
}

static void test_failed_migration_rolls_back(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    char sql[256];
    /* A version-0 bank where a table of version 1 is already taken. */
    snprintf(sql, sizeof sql,
             "PRAGMA application_id = %d; CREATE TABLE courses (odd INT);",
             ION_BANK_APPLICATION_ID);
    raw_sql(f->path, sql);
    assert_null(ion_bank_open(f->path, 0, &err));
    assert_non_null(strstr(err.msg, "courses"));
    assert_int_equal(raw_int(f->path, "PRAGMA user_version"), 0);
    /* Nothing of version 1 was left behind. */
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM sqlite_schema"),
                     1);
}

static void test_refuses_foreign_and_newer(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    raw_sql(f->path, "CREATE TABLE other_app (x)");
    assert_null(ion_bank_open(f->path, 0, &err));
    assert_non_null(strstr(err.msg, "is not an ionsheet database"));
    remove_db(f->path);

    ion_bank *b = ion_bank_open(f->path, 1, &err);
    assert_non_null(b);
    ion_bank_close(b);
    char sql[64], want[96];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", ION_BANK_SCHEMA_VERSION + 1);
    raw_sql(f->path, sql);
    assert_null(ion_bank_open(f->path, 1, &err));
    snprintf(want, sizeof want, "has schema version %d, newer than this ionsheet (%d)", ION_BANK_SCHEMA_VERSION + 1,
             ION_BANK_SCHEMA_VERSION);
    assert_non_null(strstr(err.msg, want));
}

static void test_not_sqlite(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fputs("id,name\ns1,Ada\nthis is no database at all, but long enough to "
          "have a header of one hundred bytes or so.............\n",
          fp);
    fclose(fp);
    assert_null(ion_bank_open(f->path, 0, &err));
    assert_non_null(strstr(err.msg, "not a database"));
}

/* ---- text rules ---- */

static void test_id_and_text_rules(void **state)
{
    (void)state;
    assert_null(ion_bank_id_problem("s001"));
    assert_null(ion_bank_id_problem("a.B_c-9"));
    assert_string_equal(ion_bank_id_problem(""), "err.text.empty");
    assert_string_equal(ion_bank_id_problem(".hidden"), "err.id.dot");
    assert_string_equal(ion_bank_id_problem("-x"), "err.id.dash");
    assert_string_equal(ion_bank_id_problem("com1.txt"), "err.id.windows");
    assert_string_equal(ion_bank_id_problem("a b"), "err.id.chars");
    assert_non_null(ion_bank_id_problem("../etc"));
    assert_non_null(ion_bank_id_problem("a/b"));
    assert_non_null(ion_bank_id_problem("a b"));
    assert_non_null(ion_bank_id_problem("张"));
    char id[66];
    memset(id, 'x', 64);
    id[64] = '\0';
    assert_null(ion_bank_id_problem(id));
    id[64] = 'x', id[65] = '\0';
    assert_string_equal(ion_bank_id_problem(id), "err.id.too_long");

    assert_null(ion_bank_text_problem("Αλέξανδρος Παπαδόπουλος", 100));
    assert_null(ion_bank_text_problem("محمد علي", 100));
    assert_null(ion_bank_text_problem("😀", 100));
    assert_string_equal(ion_bank_text_problem("a\xff", 100),
                        "err.text.utf8");
    assert_string_equal(ion_bank_text_problem("\xc0\xaf", 100),
                        "err.text.utf8"); /* overlong '/' */
    assert_string_equal(ion_bank_text_problem("\xed\xa0\x80", 100),
                        "err.text.utf8"); /* a surrogate */
    assert_string_equal(ion_bank_text_problem("\xe4\xb8", 100),
                        "err.text.utf8"); /* cut short */
    assert_string_equal(ion_bank_text_problem("a\nb", 100),
                        "err.text.control");
    assert_string_equal(ion_bank_text_problem("abcd", 3), "err.text.too_long");
    /* Each reason is a phrase of the catalogue, in the errors' language. */
    assert_string_equal(ion_text_phrase("err.id.too_long"), "is longer than 64 characters");
    ion_text_set_lang("zh");
    assert_string_equal(ion_text_phrase("err.id.too_long"), "超过 64 个字符");
    ion_text_set_lang("en");
}

/* ---- templates ---- */

static void test_template_versions(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_bank_source src;
    int version = -1, changed = -1;
    const char *v1 = "<problem id='nernst-k'>one</problem>";
    const char *v2 = "<problem id='nernst-k'>two</problem>";

    assert_int_equal(ion_bank_template_upsert(f->b, &nernst_k, v1, "a.xml",
                                              &version, &changed, &err),
                     0);
    assert_int_equal(version, 1);
    assert_int_equal(changed, 1);
    /* The same source again changes nothing, not even the file name. */
    assert_int_equal(ion_bank_template_upsert(f->b, &nernst_k, v1, "b.xml",
                                              &version, &changed, &err),
                     0);
    assert_int_equal(version, 1);
    assert_int_equal(changed, 0);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM "
                                      "template_versions"),
                     1);

    ion_bank_template t = nernst_k;
    t.title_en = "Potassium, again";
    assert_int_equal(ion_bank_template_upsert(f->b, &t, v2, "c.xml", &version,
                                              &changed, &err),
                     0);
    assert_int_equal(version, 2);
    assert_int_equal(changed, 1);

    assert_int_equal(ion_bank_template_source(f->b, "nernst-k", 0, &src, &err),
                     1);
    assert_int_equal(src.version, 2);
    assert_string_equal(src.source, v2);
    assert_string_equal(src.source_file, "c.xml");
    assert_int_equal(strlen(src.hash), 64);
    ion_bank_source_release(&src);

    assert_int_equal(ion_bank_template_source(f->b, "nernst-k", 1, &src, &err),
                     1);
    assert_int_equal(src.version, 1);
    assert_string_equal(src.source, v1);
    assert_string_equal(src.source_file, "a.xml");
    ion_bank_source_release(&src);

    assert_int_equal(ion_bank_template_source(f->b, "nernst-k", 3, &src, &err),
                     0);
    assert_int_equal(ion_bank_template_source(f->b, "nope", 0, &src, &err), 0);
    assert_int_equal(ion_bank_template_exists(f->b, "nernst-k", &err), 1);
    assert_int_equal(ion_bank_template_exists(f->b, "nope", &err), 0);

    /* Going back to the first text is a change too: version 3. */
    assert_int_equal(ion_bank_template_upsert(f->b, &nernst_k, v1, "a.xml",
                                              &version, &changed, &err),
                     0);
    assert_int_equal(version, 3);
}

static void test_template_refused(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_bank_template t = nernst_k;
    t.difficulty = 4;
    assert_int_equal(ion_bank_template_upsert(f->b, &t, "<p/>", "a.xml", NULL,
                                              NULL, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg,
                        "template 'nernst-k' has difficulty 4 (1 to 3)");
    assert_int_equal(ion_bank_template_exists(f->b, "nernst-k", &err), 0);
}

typedef struct {
    char seen[8][64];
    int n, stop_after;
} list_ctx;

static int collect_template(const ion_bank_template *t, void *ctx)
{
    list_ctx *c = ctx;
    snprintf(c->seen[c->n++], sizeof c->seen[0], "%s/%d/%s", t->id,
             t->version, t->title_zh ? t->title_zh : "-");
    return c->n == c->stop_after ? 42 : 0;
}

static void test_template_list(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_bank_template t = nernst_k;
    put_template(f->b, &nernst_k, "<a/>");
    put_template(f->b, &nernst_k, "<b/>");
    put_template(f->b, &ghk_rest, "<c/>");
    t.id = "nernst-na";
    put_template(f->b, &t, "<d/>");

    list_ctx c = {0};
    assert_int_equal(ion_bank_template_list(f->b, NULL, collect_template, &c,
                                            &err),
                     0);
    assert_int_equal(c.n, 3); /* ordered by topic, then id */
    assert_string_equal(c.seen[0], "ghk-rest/1/-");
    assert_string_equal(c.seen[1], "nernst-k/2/钾离子的平衡电位");
    assert_string_equal(c.seen[2], "nernst-na/1/钾离子的平衡电位");

    memset(&c, 0, sizeof c);
    assert_int_equal(ion_bank_template_list(f->b, "ghk", collect_template, &c,
                                            &err),
                     0);
    assert_int_equal(c.n, 1);

    memset(&c, 0, sizeof c);
    c.stop_after = 2;
    assert_int_equal(ion_bank_template_list(f->b, NULL, collect_template, &c,
                                            &err),
                     42);
    assert_int_equal(c.n, 2);
    /* The walk was ended cleanly: the statement can be used again. */
    memset(&c, 0, sizeof c);
    assert_int_equal(ion_bank_template_list(f->b, "none", collect_template,
                                            &c, &err),
                     0);
    assert_int_equal(c.n, 0);
}

typedef struct {
    ion_bank *b;
    ion_error err;
} nested_ctx;

static int nested_list(const ion_bank_template *t, void *ctx)
{
    (void)t;
    list_ctx c = {0};
    nested_ctx *n = ctx;
    return ion_bank_template_list(n->b, NULL, collect_template, &c, &n->err);
}

static void test_nested_list_refused(void **state)
{
    fixture *f = *state;
    nested_ctx n = {.b = f->b};
    put_template(f->b, &nernst_k, "<a/>");
    assert_int_equal(ion_bank_template_list(f->b, NULL, nested_list, &n,
                                            NULL),
                     ION_BANK_EDB);
    assert_non_null(strstr(n.err.msg, "nested call"));
}

/* ---- courses and students ---- */

typedef struct {
    char line[16][96];
    int n;
} student_ctx;

static int collect_student(const ion_bank_student *s, void *ctx)
{
    student_ctx *c = ctx;
    snprintf(c->line[c->n++], sizeof c->line[0], "%s %s %s %s", s->course,
             s->id, s->name, s->email ? s->email : "-");
    return 0;
}

static void test_student_upsert(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    int status = -1;
    ion_bank_student s = {"BIO1", "s2", "Zoë Ångström", "zoe@uni.edu", NULL};

    assert_int_equal(ion_bank_student_upsert(f->b, &s, &status, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "unknown course 'BIO1'");
    assert_int_equal(ion_bank_course_ensure(f->b, "BIO1", &err), 0);
    assert_int_equal(ion_bank_course_ensure(f->b, "BIO1", &err), 0);
    assert_int_equal(ion_bank_course_exists(f->b, "BIO1", &err), 1);
    assert_int_equal(ion_bank_course_exists(f->b, "BIO2", &err), 0);

    assert_int_equal(ion_bank_student_upsert(f->b, &s, &status, &err), 0);
    assert_int_equal(status, ION_BANK_ADDED);
    assert_int_equal(ion_bank_student_upsert(f->b, &s, &status, &err), 0);
    assert_int_equal(status, ION_BANK_UNCHANGED);
    s.email = NULL; /* keeps the e-mail */
    assert_int_equal(ion_bank_student_upsert(f->b, &s, &status, &err), 0);
    assert_int_equal(status, ION_BANK_UNCHANGED);
    s.name = "张伟";
    assert_int_equal(ion_bank_student_upsert(f->b, &s, &status, &err), 0);
    assert_int_equal(status, ION_BANK_UPDATED);

    ion_bank_student_row row;
    assert_int_equal(ion_bank_student_get(f->b, "BIO1", "s2", &row, &err), 1);
    assert_string_equal(row.name, "张伟");
    assert_string_equal(row.email, "zoe@uni.edu");
    ion_bank_student_release(&row);

    s.email = ""; /* clears it */
    assert_int_equal(ion_bank_student_upsert(f->b, &s, &status, &err), 0);
    assert_int_equal(status, ION_BANK_UPDATED);
    assert_int_equal(ion_bank_student_get(f->b, "BIO1", "s2", &row, &err), 1);
    assert_null(row.email);
    ion_bank_student_release(&row);
    assert_int_equal(ion_bank_student_get(f->b, "BIO1", "s9", &row, &err), 0);
    assert_int_equal(ion_bank_student_get(f->b, "BIO2", "s2", &row, &err), 0);

    put_student(f->b, "BIO1", "s10", "Олег");
    put_student(f->b, "BIO1", "a1", "محمد");
    assert_int_equal(ion_bank_course_ensure(f->b, "BIO2", &err), 0);
    put_student(f->b, "BIO2", "s2", "Other Course"); /* same id, no clash */

    student_ctx c = {0};
    assert_int_equal(ion_bank_student_list(f->b, "BIO1", 0, collect_student, &c,
                                           &err),
                     0);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.line[0], "BIO1 a1 محمد -");
    assert_string_equal(c.line[1], "BIO1 s10 Олег -");
    assert_string_equal(c.line[2], "BIO1 s2 张伟 -");
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM students"), 4);
}

static void test_student_refused(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    assert_int_equal(ion_bank_course_ensure(f->b, "C", &err), 0);
    ion_bank_student s = {"C", "a/x", "X", NULL, NULL};
    assert_int_equal(ion_bank_student_upsert(f->b, &s, NULL, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "student id may only use letters, digits, "
                                 "'.', '_' and '-'");
    s.id = "ok";
    s.name = "bad \xff";
    assert_int_equal(ion_bank_student_upsert(f->b, &s, NULL, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "name of student 'ok' is not valid UTF-8");
    assert_int_equal(ion_bank_course_ensure(f->b, "", &err), ION_BANK_EINVAL);
    assert_string_equal(err.msg, "course name is empty");
    /* In Chinese, the reasons too (one language in a message). */
    ion_text_set_lang("zh");
    s.id = "a/x";
    assert_int_equal(ion_bank_student_upsert(f->b, &s, NULL, &err), ION_BANK_EINVAL);
    assert_string_equal(err.msg, "学号只能使用字母、数字、“.”、“_”和“-”");
    assert_string_equal(err.key, "err.bank.student_id");
    s.id = "ok";
    assert_int_equal(ion_bank_student_upsert(f->b, &s, NULL, &err), ION_BANK_EINVAL);
    assert_string_equal(err.msg, "学生“ok”的姓名不是有效的 UTF-8");
    assert_int_equal(ion_bank_course_ensure(f->b, "", &err), ION_BANK_EINVAL);
    assert_string_equal(err.msg, "课程名称为空");
    ion_text_set_lang("en");
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM students"), 0);
}

/* ---- worksheets ---- */

static void test_worksheet_create_and_get(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_bank_worksheet w;
    const char *ids[] = {"ghk-rest", "nernst-k", "nernst-k"};
    const double points[] = {5, -1, 2.5};
    class_setup(f->b);

    put_template(f->b, &nernst_k, "<problem id='nernst-k'>v2</problem>");
    assert_int_equal(ion_bank_worksheet_create(f->b, "week2", "PHYS2",
                                               "Week 2: GHK", "2025-03-14",
                                               3, ids, points, &err),
                     0);
    /* A later import does not change the worksheet's pinned versions. */
    put_template(f->b, &nernst_k, "<problem id='nernst-k'>v3</problem>");

    assert_int_equal(ion_bank_worksheet_get(f->b, "week2", NULL, &w, &err), 1);
    assert_string_equal(w.name, "week2");
    assert_string_equal(w.course, "PHYS2");
    assert_string_equal(w.title, "Week 2: GHK");
    assert_string_equal(w.due, "2025-03-14");
    assert_int_equal(strlen(w.created), 20);
    assert_int_equal(w.n, 3);
    assert_string_equal(w.problems[0].template_id, "ghk-rest");
    assert_int_equal(w.problems[0].version, 1);
    assert_true(w.problems[0].points == 5);
    assert_string_equal(w.problems[1].template_id, "nernst-k");
    assert_int_equal(w.problems[1].version, 2);
    assert_true(w.problems[1].points < 0);
    assert_true(w.problems[2].points == 2.5);
    ion_bank_worksheet_release(&w);

    /* week1 (class_setup): title defaults to the name, no due date, and it
     * still has nernst-k version 1. */
    assert_int_equal(ion_bank_worksheet_get(f->b, "week1", NULL, &w, &err), 1);
    assert_string_equal(w.title, "week1");
    assert_null(w.due);
    assert_int_equal(w.problems[0].version, 1);
    ion_bank_worksheet_release(&w);
    assert_int_equal(ion_bank_worksheet_get(f->b, "week9", NULL, &w, &err), 0);
}

static void expect_refused(ion_bank *b, const char *name, const char *course,
                           const char *due, size_t n, const char *const *ids,
                           const double *points, const char *msg)
{
    ion_error err = {0};
    assert_int_equal(ion_bank_worksheet_create(b, name, course, NULL, due, n,
                                               ids, points, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, msg);
}

static void test_worksheet_refused(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_bank_worksheet w;
    const char *ids[] = {"nernst-k", "nope", "ghk-rest"};
    const double nan_points[] = {NAN};
    class_setup(f->b);

    expect_refused(f->b, "week1", "PHYS2", NULL, 1, ids, NULL,
                   "worksheet 'week1' already exists in course 'PHYS2'");
    expect_refused(f->b, "week2", "PHYS9", NULL, 1, ids, NULL,
                   "unknown course 'PHYS9'");
    expect_refused(f->b, "week2", "PHYS2", NULL, 3, ids, NULL,
                   "unknown template 'nope'");
    expect_refused(f->b, "week 2", "PHYS2", NULL, 1, ids, NULL,
                   "worksheet name 'week 2' may only use letters, digits, "
                   "'.', '_' and '-'");
    expect_refused(f->b, "week2", "PHYS2", NULL, 0, ids, NULL,
                   "worksheet 'week2' has no problems");
    expect_refused(f->b, "week2", "PHYS2", "2025-02-29", 1, ids, NULL,
                   "invalid due date '2025-02-29' (use YYYY-MM-DD or "
                   "YYYY-MM-DDTHH:MM)");
    expect_refused(f->b, "week2", "PHYS2", "14/03/2025", 1, ids, NULL,
                   "invalid due date '14/03/2025' (use YYYY-MM-DD or "
                   "YYYY-MM-DDTHH:MM)");
    expect_refused(f->b, "week2", "PHYS2", "2025-03-14T24:00", 1, ids, NULL,
                   "invalid due date '2025-03-14T24:00' (use YYYY-MM-DD or "
                   "YYYY-MM-DDTHH:MM)");
    expect_refused(f->b, "week2", "PHYS2", NULL, 1, ids, nan_points,
                   "invalid points for problem 1 (0 to 1000)");
    static const double big_points[] = {1000.5};
    expect_refused(f->b, "week2", "PHYS2", NULL, 1, ids, big_points,
                   "invalid points for problem 1 (0 to 1000)");
    /* The unknown template came after one good problem: nothing is left. */
    assert_int_equal(ion_bank_worksheet_get(f->b, "week2", NULL, &w, &err), 0);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM "
                                      "worksheet_problems"),
                     2);
    assert_int_equal(ion_bank_worksheet_create(f->b, "week2", "PHYS2", NULL,
                                               "2024-02-29T23:59", 1, ids,
                                               NULL, &err),
                     0);
}

/* ---- transactions ---- */

static void test_transactions(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    ion_bank_student_row row;
    const char *ids[] = {"nope"};
    assert_int_equal(ion_bank_course_ensure(f->b, "C", &err), 0);

    assert_int_equal(ion_bank_begin(f->b, &err), 0);
    put_student(f->b, "C", "s1", "A");
    assert_int_equal(ion_bank_rollback(f->b, &err), 0);
    assert_int_equal(ion_bank_student_get(f->b, "C", "s1", &row, &err), 0);
    assert_int_equal(ion_bank_rollback(f->b, &err), 0); /* none open: fine */

    /* A refused write inside a transaction undoes only itself. */
    assert_int_equal(ion_bank_begin(f->b, &err), 0);
    put_student(f->b, "C", "s1", "A");
    assert_int_equal(ion_bank_worksheet_create(f->b, "w", "C", NULL, NULL, 1,
                                               ids, NULL, &err),
                     ION_BANK_EINVAL);
    put_student(f->b, "C", "s2", "B");
    assert_int_equal(ion_bank_begin(f->b, &err), ION_BANK_EDB); /* nested */
    assert_int_equal(ion_bank_commit(f->b, &err), 0);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM students"), 2);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM worksheets"), 0);
}

/* Another connection must wait for the writer, then see all or nothing. */
static void test_transaction_isolated(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    assert_int_equal(ion_bank_course_ensure(f->b, "C", &err), 0);
    assert_int_equal(ion_bank_begin(f->b, &err), 0);
    put_student(f->b, "C", "s1", "A");
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM students"), 0);
    assert_int_equal(ion_bank_commit(f->b, &err), 0);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM students"), 1);
}

/* ---- instances ---- */

static void test_instances(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    const uint64_t seed = 0xFEDCBA9876543210u; /* the top bit set */
    class_setup(f->b);

    uint64_t got = 0;
    assert_int_equal(ion_bank_instance_seed(f->b, "week1", "PHYS2", "s1", 1, "nernst-k", 1, &got, &err), 0);
    assert_int_equal(ion_bank_instance_put(f->b, "week1", "PHYS2", "s1", 1, "nernst-k", 1, seed, &err), 0);
    /* The seed, only for the template version stored there. */
    assert_int_equal(ion_bank_instance_seed(f->b, "week1", "PHYS2", "s1", 1, "nernst-k", 1, &got, &err), 1);
    assert_true(got == seed);
    assert_int_equal(ion_bank_instance_seed(f->b, "week1", "PHYS2", "s1", 1, "nernst-k", 2, &got, &err), 0);
    assert_int_equal(ion_bank_instance_seed(f->b, "week1", "PHYS2", "s1", 1, "ghk", 1, &got, &err), 0);
    assert_int_equal(ion_bank_instance_seed(f->b, "week1", "PHYS2", "s1", 2, "nernst-k", 1, &got, &err), 0);
    assert_int_equal(ion_bank_instance_seed(f->b, "week1", "PHYS2", "s2", 1, "nernst-k", 1, &got, &err), 0);

    /* Put again: replaced, not duplicated. */
    assert_int_equal(ion_bank_instance_put(f->b, "week1", "PHYS2", "s1", 1, "nernst-k", 1, 7, &err), 0);
    assert_int_equal(ion_bank_instance_seed(f->b, "week1", "PHYS2", "s1", 1, "nernst-k", 1, &got, &err), 1);
    assert_true(got == 7);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM instances"), 1);

    /* Unknown student, a position past the worksheet, an unknown version,
     * an unknown worksheet. */
    assert_int_equal(ion_bank_instance_put(f->b, "week1", "PHYS2", "s9", 1, "nernst-k",
                                           1, 1, &err),
                     ION_BANK_EINVAL);
    assert_non_null(strstr(err.msg, "student 's9'"));
    assert_int_equal(ion_bank_instance_put(f->b, "week1", "PHYS2", "s1", 3, "nernst-k",
                                           1, 1, &err),
                     ION_BANK_EINVAL);
    assert_int_equal(ion_bank_instance_put(f->b, "week1", "PHYS2", "s1", 2, "ghk-rest",
                                           5, 1, &err),
                     ION_BANK_EINVAL);
    assert_int_equal(ion_bank_instance_put(f->b, "week9", "PHYS2", "s1", 1, "nernst-k",
                                           1, 1, &err),
                     ION_BANK_EINVAL);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM instances"), 1);
}

/* ---- submissions and grades ---- */

typedef struct {
    char line[24][96];
    int n;
} grade_ctx;

static int collect_grade(const ion_bank_grade *g, void *ctx)
{
    grade_ctx *c = ctx;
    if (c->n == (int)(sizeof c->line / sizeof c->line[0]))
        return -1;
    snprintf(c->line[c->n++], sizeof c->line[0], "%s %s %g/%g %s %s",
             g->part_id, g->answer ? g->answer : "-", g->score, g->max_score,
             ion_verdict_name(g->verdict), g->feedback ? g->feedback : "-");
    return 0;
}

/* Every verdict and status is read back from its name; no other name is
 * one. */
static void test_verdict_names(void **state)
{
    (void)state;
    for (int v = ION_VERDICT_MISSING; v <= ION_VERDICT_RIGHT; v++) {
        ion_verdict got = (ion_verdict)-1;
        assert_int_equal(ion_verdict_parse(ion_verdict_name((ion_verdict)v), &got), 0);
        assert_int_equal(got, v);
    }
    for (int st = ION_STATUS_MISSING; st <= ION_STATUS_CONFLICT; st++) {
        ion_status got = (ion_status)-1;
        assert_int_equal(ion_status_parse(ion_status_name((ion_status)st), &got), 0);
        assert_int_equal(got, st);
    }
    ion_verdict v = ION_VERDICT_RIGHT;
    ion_status st = ION_STATUS_GRADED;
    assert_int_equal(ion_verdict_parse("Right", &v), -1);
    assert_int_equal(ion_verdict_parse("graded", &v), -1);
    assert_int_equal(ion_verdict_parse(NULL, &v), -1);
    assert_int_equal(ion_status_parse("right", &st), -1);
    assert_int_equal(ion_status_parse("", &st), -1);
    assert_int_equal(v, ION_VERDICT_RIGHT); /* untouched */
    assert_int_equal(st, ION_STATUS_GRADED);
    assert_string_equal(ion_verdict_name((ion_verdict)7), "?");
    assert_string_equal(ion_status_name((ion_status)4), "?");
}

static void test_submissions(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    int64_t id1 = 0, id2 = 0, id3 = 0;
    const char *text = "worksheet: week1\nstudent: s1\n1a: -94.1 mV\n";
    ion_bank_grade a = {"1a", "-94.1 mV", 2, 2, ION_VERDICT_RIGHT, NULL};
    ion_bank_grade b = {"1b", NULL, 0, 1, ION_VERDICT_MISSING, "no answer"};
    class_setup(f->b);

    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", NULL, "s1", "s1.txt",
                                                text, strlen(text), &id1,
                                                &err),
                     0);
    assert_true(id1 > 0);
    assert_int_equal(ion_bank_grade_put(f->b, id1, &a, &err), 0);
    assert_int_equal(ion_bank_grade_put(f->b, id1, &b, &err), 0);
    a.score = 1; /* put again: replaced */
    assert_int_equal(ion_bank_grade_put(f->b, id1, &a, &err), 0);
    grade_ctx c = {0};
    assert_int_equal(ion_bank_grade_list(f->b, id1, collect_grade, &c, &err),
                     0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.line[0], "1a -94.1 mV 1/2 right -");
    assert_string_equal(c.line[1], "1b - 0/1 missing no answer");
    /* Stored as its name, read back as the enum; a name that no verdict
     * has (a bank this program did not write) fails the listing. */
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM grades WHERE part_id = '1a' AND verdict = 'right'"), 1);
    raw_sql(f->path, "UPDATE grades SET verdict = 'slipped' WHERE part_id = '1b'");
    memset(&c, 0, sizeof c);
    assert_int_equal(ion_bank_grade_list(f->b, id1, collect_grade, &c, &err), ION_BANK_EDB);
    assert_non_null(strstr(err.msg, "a verdict or status that this version of ionsheet does not know"));
    raw_sql(f->path, "UPDATE grades SET verdict = 'missing' WHERE part_id = '1b'");

    /* Grading the same file again: the submission made anew, without
     * grades, the old one gone. */
    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", NULL, "s1",
                                                "again/s1.txt", text,
                                                strlen(text), &id2, &err),
                     0);
    memset(&c, 0, sizeof c);
    assert_int_equal(ion_bank_grade_list(f->b, id2, collect_grade, &c, &err),
                     0);
    assert_int_equal(c.n, 0);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM submissions"), 1);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM grades"), 0);

    /* New content is a new submission. */
    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", NULL, "s1", "s1.txt",
                                                "1a: 3", 5, &id3, &err),
                     0);
    assert_true(id3 != id1);

    assert_int_equal(ion_bank_submission_upsert(f->b, "week9", NULL, "s1", "x", "",
                                                0, &id3, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "unknown worksheet 'week9'");
    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", NULL, "s9", "x", "",
                                                0, &id3, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "unknown student 's9' in course 'PHYS2'");
    assert_int_equal(ion_bank_grade_put(f->b, 999, &a, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "unknown submission 999");
}

/* Inside the caller's transaction with the course given (how `grade` and
 * the server record): the ids as given, checked by the row's foreign keys;
 * an id spelt in another case, an unknown student or worksheet, and the
 * same content again take the long way, with the same results and
 * refusals as outside one, and the transaction goes on. */
static void test_submissions_in_transaction(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    int64_t id1 = 0, id2 = 0, id3 = 0, id4 = 0;
    ion_bank_grade a = {"1a", "-94.1 mV", 2, 2, ION_VERDICT_RIGHT, NULL};
    class_setup(f->b);
    assert_int_equal(ion_bank_begin(f->b, &err), 0);
    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", "PHYS2", "s1", "s1.txt", "x", 1, &id1, &err), 0);
    assert_int_equal(ion_bank_grade_put(f->b, id1, &a, &err), 0);
    /* the same content again: made anew, the old row and its grades gone */
    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", "PHYS2", "s1", "again.txt", "x", 1, &id2, &err), 0);
    /* S2 is the roster's s2 */
    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", "PHYS2", "S2", "s2.txt", "y", 1, &id3, &err), 0);
    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", "PHYS2", "s9", "x", "z", 1, &id4, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "unknown student 's9' in course 'PHYS2'");
    assert_int_equal(ion_bank_submission_upsert(f->b, "week9", "PHYS2", "s1", "x", "z", 1, &id4, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "no worksheet 'week9' in course 'PHYS2'");
    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", "PHYS9", "s1", "x", "z", 1, &id4, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "no worksheet 'week1' in course 'PHYS9'");
    assert_int_equal(ion_bank_submission_status(f->b, "week1", "PHYS2", "s2", ION_STATUS_REFUSED, "s2.txt", "s2.txt: empty",
                                                NULL, &err), 0);
    assert_int_equal(ion_bank_commit(f->b, &err), 0);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM submissions"), 3);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM grades"), 0);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM submissions WHERE id = %lld AND student_id = 's2'"
             " AND source_file = 's2.txt' AND status = 'graded'", (long long)id3);
    assert_int_equal(raw_int(f->path, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM submissions WHERE id = %lld AND source_file = 'again.txt'",
             (long long)id2);
    assert_int_equal(raw_int(f->path, sql), 1);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM submissions WHERE status = 'refused'"
                                      " AND student_id = 's2' AND reason = 's2.txt: empty'"), 1);
}

/* A submission's grades at once: in the order given, over more than one
 * statement's batch (16), a part given twice keeps the last; all or none
 * when one is refused or the submission unknown. */
static void test_grades_put_many(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    int64_t id = 0;
    ion_bank_grade g[21];
    char part[21][16], answer[21][16]; /* wide enough for any int: no -Wformat-truncation */
    class_setup(f->b);
    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", "PHYS2", "s1", "s1.txt", "x", 1, &id, &err), 0);
    for (int i = 0; i < 21; i++) {
        snprintf(part[i], sizeof part[i], "%d%c", i / 2 + 1, 'a' + i % 2);
        snprintf(answer[i], sizeof answer[i], "%d mV", -i);
        ion_bank_grade row = {part[i], i % 3 ? answer[i] : NULL, i % 2, 1, i % 2 ? ION_VERDICT_RIGHT : ION_VERDICT_WRONG,
                              i % 4 ? NULL : "look again"};
        g[i] = row;
    }
    g[20].part_id = "1a"; /* again, in the second statement: the last wins */
    ion_bank_grade bad = g[7];
    bad.max_score = -1;
    ion_bank_grade saved = g[18];
    g[18] = bad;
    assert_int_equal(ion_bank_grades_put(f->b, id, g, 21, &err), ION_BANK_EINVAL);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM grades"), 0);
    g[18] = saved;
    assert_int_equal(ion_bank_grades_put(f->b, id + 1, g, 21, &err), ION_BANK_EINVAL);
    assert_string_equal(err.msg, "unknown submission 2");
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM grades"), 0);
    assert_int_equal(ion_bank_grades_put(f->b, id, g, 0, &err), 0);
    assert_int_equal(ion_bank_grades_put(f->b, id, g, 21, &err), 0);
    grade_ctx c = {0};
    assert_int_equal(ion_bank_grade_list(f->b, id, collect_grade, &c, &err), 0);
    assert_int_equal(c.n, 20);
    assert_string_equal(c.line[0], "1a -20 mV 0/1 wrong look again"); /* g[20]'s, in g[0]'s place */
    assert_string_equal(c.line[1], "1b -1 mV 1/1 right -");
    assert_string_equal(c.line[16], "9a -16 mV 0/1 wrong look again");
    assert_string_equal(c.line[19], "10b -19 mV 1/1 right -");
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM grades WHERE part_id = '1a'"), 1);
}

/* The latest submission of s1 in week1: "FILE status reason". */
typedef struct {
    char line[256];
    int n;
} latest_ctx;

static int take_latest(const ion_bank_submission *s, void *ctx)
{
    latest_ctx *l = ctx;
    if (!l->n++)
        snprintf(l->line, sizeof l->line, "%s %s %s", s->source_file, ion_status_name(s->status),
                 s->reason ? s->reason : "-");
    return 0;
}

static const char *latest(ion_bank *b, latest_ctx *l)
{
    ion_error err = {0};
    memset(l, 0, sizeof *l);
    if (ion_bank_submission_list(b, "PHYS2", "week1", "s1", take_latest, l, &err) < 0)
        fail_msg("list: %s", err.msg);
    return l->line;
}

/* What `grade` found instead of a gradable file is the latest submission
 * until a graded one comes, all within one second (the row id orders). */
static void test_submission_status(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    latest_ctx l;
    int64_t id;
    const char *a = "student: s1\n1a: 1\n", *b = "student: s1\n1a: 2\n";
    class_setup(f->b);
    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", NULL, "s1", "a.txt", a, strlen(a), &id, &err), 0);
    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", NULL, "s1", "b.txt", b, strlen(b), &id, &err), 0);
    assert_int_equal(ion_bank_submission_status(f->b, "week1", NULL, "s1", ION_STATUS_CONFLICT, "a.txt:1, b.txt:1",
                                                "a.txt:1, b.txt:1", &id, &err), 0);
    assert_string_equal(latest(f->b, &l), "a.txt:1, b.txt:1 conflict a.txt:1, b.txt:1");
    assert_int_equal(l.n, 3);
    /* The same finding again: the same row, still the latest. */
    assert_int_equal(ion_bank_submission_status(f->b, "week1", NULL, "s1", ION_STATUS_CONFLICT, "a.txt:1, b.txt:1",
                                                "a.txt:1, b.txt:1", &id, &err), 0);
    assert_string_equal(latest(f->b, &l), "a.txt:1, b.txt:1 conflict a.txt:1, b.txt:1");
    assert_int_equal(l.n, 3);
    /* a.txt graded again (b.txt removed) in the same second: it counts. */
    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", NULL, "s1", "a.txt", a, strlen(a), &id, &err), 0);
    assert_string_equal(latest(f->b, &l), "a.txt graded -");
    assert_int_equal(l.n, 3);
    /* A refused file, then a graded one. */
    assert_int_equal(ion_bank_submission_status(f->b, "week1", NULL, "s1", ION_STATUS_REFUSED, "s1.txt",
                                                "s1.txt: a PDF, not plain text", &id, &err), 0);
    assert_string_equal(latest(f->b, &l), "s1.txt refused s1.txt: a PDF, not plain text");
    assert_int_equal(ion_bank_submission_upsert(f->b, "week1", NULL, "s1", "web", b, strlen(b), &id, &err), 0);
    assert_string_equal(latest(f->b, &l), "web graded -");
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM submissions WHERE status = 'refused'"), 1);
    /* Only those two statuses, with a reason; a status row has no grades. */
    assert_int_equal(ion_bank_submission_status(f->b, "week1", NULL, "s1", ION_STATUS_GRADED, "x", "y", &id, &err),
                     ION_BANK_EINVAL);
    assert_int_equal(ion_bank_submission_status(f->b, "week1", NULL, "s1", ION_STATUS_REFUSED, "x", NULL, &id, &err),
                     ION_BANK_EINVAL);
    assert_int_equal(ion_bank_submission_status(f->b, "week1", NULL, "s9", ION_STATUS_REFUSED, "x", "y", &id, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "unknown student 's9' in course 'PHYS2'");
}

/* A bank of schema version 4 (tests/data/bank-v4.sql) with a graded
 * submission: upgraded, its rows kept, graded; its submissions table the
 * same as a new bank's, column for column. */
static void test_migrate_from_v4(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    char *v4 = test_read_file("tests/data/bank-v4.sql");
    raw_sql(f->path, v4);
    free(v4);
    raw_sql(f->path, "PRAGMA application_id = 1229934163; PRAGMA user_version = 4;"
                     "INSERT INTO settings VALUES ('secret', zeroblob(32));"
                     "INSERT INTO courses (id) VALUES ('PHYS2');"
                     "INSERT INTO students (course_id, id, name) VALUES ('PHYS2', 's1', 'Ada');"
                     "INSERT INTO worksheets (course_id, name, title) VALUES ('PHYS2', 'week1', 'Week 1');"
                     "INSERT INTO submissions (id, worksheet, course_id, student_id, source_file, hash, received)"
                     " VALUES (7, 'week1', 'PHYS2', 's1', 's1.txt', 'abc', '2026-01-02T03:04:05Z');"
                     "INSERT INTO grades VALUES (7, '1a', '-94 mV', 2, 2, 'right', NULL);");
    ion_bank *b = ion_bank_open(f->path, 0, &err);
    if (!b)
        fail_msg("open: %s", err.msg);
    latest_ctx l;
    assert_string_equal(latest(b, &l), "s1.txt graded -");
    assert_int_equal(ion_bank_submission_status(b, "week1", NULL, "s1", ION_STATUS_REFUSED, "s1.txt", "s1.txt: empty file",
                                                NULL, &err), 0);
    assert_string_equal(latest(b, &l), "s1.txt refused s1.txt: empty file");
    ion_bank_close(b);
    assert_int_equal(raw_int(f->path, "PRAGMA user_version"), ION_BANK_SCHEMA_VERSION);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM grades WHERE submission_id = 7"), 1);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM submissions WHERE id = 7 AND status = 'graded'"
                                      " AND reason IS NULL AND received = '2026-01-02T03:04:05Z'"), 1);
    /* The upgraded table has a new bank's columns, in its order. */
    char fresh[160];
    snprintf(fresh, sizeof fresh, "%s/fresh.db", f->dir);
    b = ion_bank_open(fresh, 1, &err);
    assert_non_null(b);
    ion_bank_close(b);
    sqlite3 *db;
    sqlite3_stmt *st;
    char sql[256];
    const char *columns = "SELECT group_concat(name || ' ' || type || ' ' || \"notnull\" || ' ' ||"
                          " ifnull(dflt_value, '-'), ', ') FROM pragma_table_info('submissions', ?1)";
    char cols[2][512];
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    snprintf(sql, sizeof sql, "ATTACH '%s' AS fresh", fresh);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(sqlite3_prepare_v2(db, columns, -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_text(st, 1, k ? "fresh" : "main", -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        snprintf(cols[k], sizeof cols[k], "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    assert_string_equal(cols[0], cols[1]);
    assert_non_null(strstr(cols[0], "status TEXT 1 'graded', reason TEXT 0 -"));
    /* The status check holds in the upgraded table too. */
    assert_int_not_equal(sqlite3_exec(db, "UPDATE submissions SET status = 'lost' WHERE id = 7", NULL, NULL, NULL),
                         SQLITE_OK);
    sqlite3_close(db);
    remove_db(fresh);
}

/* A bank of schema version 5 (tests/data/bank-v5.sql) with graded,
 * refused and conflicting submissions: upgraded to 6, every row kept (ids,
 * times, grades), the submissions table as a new bank's and its status
 * checked as before; recording and replacing still work. */
static void test_migrate_from_v5(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    const char *rows = "SELECT (SELECT group_concat(id || '|' || worksheet || '|' || course_id || '|' || student_id"
                       " || '|' || source_file || '|' || hash || '|' || received || '|' || status || '|'"
                       " || ifnull(reason, '-'), ';') FROM (SELECT * FROM submissions ORDER BY id))"
                       " || '#' || (SELECT group_concat(submission_id || '|' || part_id || '|' || ifnull(answer, '-')"
                       " || '|' || score || '|' || max_score || '|' || verdict || '|' || ifnull(feedback, '-'), ';')"
                       " FROM (SELECT * FROM grades ORDER BY rowid))";
    char *v5 = test_read_file("tests/data/bank-v5.sql");
    raw_sql(f->path, v5);
    free(v5);
    raw_sql(f->path, "PRAGMA application_id = 1229934163; PRAGMA user_version = 5;"
                     "INSERT INTO settings VALUES ('secret', zeroblob(32));"
                     "INSERT INTO courses (id) VALUES ('PHYS2');"
                     "INSERT INTO students (course_id, id, name) VALUES ('PHYS2', 's1', 'Ada'), ('PHYS2', 's2', 'Bo');"
                     "INSERT INTO worksheets (course_id, name, title) VALUES ('PHYS2', 'week1', 'Week 1');"
                     "INSERT INTO submissions (id, worksheet, course_id, student_id, source_file, hash, received,"
                     " status, reason) VALUES"
                     " (7, 'week1', 'PHYS2', 's1', 's1.txt', 'abc', '2026-01-02T03:04:05Z', 'graded', NULL),"
                     " (8, 'week1', 'PHYS2', 's2', 's2.txt', 'def', '2026-01-02T03:04:06Z', 'refused', 's2.txt: E1'),"
                     " (9, 'week1', 'PHYS2', 's2', 'b.txt', 'ghi', '2026-01-02T03:04:07Z', 'conflict', 'a.txt:1, b.txt:1');"
                     "INSERT INTO grades VALUES (7, '1b', '-94 mV', 2, 2, 'right', NULL),"
                     " (7, '1a', NULL, 0, 1, 'blank', 'no answer');");
    sqlite3 *db;
    sqlite3_stmt *st;
    char before[1024], after[1024];
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, rows, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(before, sizeof before, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);

    ion_bank *b = ion_bank_open(f->path, 0, &err);
    if (!b)
        fail_msg("open: %s", err.msg);
    ion_bank_close(b);
    assert_int_equal(raw_int(f->path, "PRAGMA user_version"), ION_BANK_SCHEMA_VERSION);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE name = 'submissions'"
                                      " AND sql LIKE '%status = ''graded'' OR status = ''refused''"
                                      " OR status = ''conflict''%' AND sql NOT LIKE '%IN (%'"), 1);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE name = 'submissions_by_time'"), 1);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '%new_%'"), 0);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, rows, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(after, sizeof after, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_string_equal(after, before);
    /* The status check and the foreign keys hold in the new table. */
    assert_int_not_equal(sqlite3_exec(db, "UPDATE submissions SET status = 'lost' WHERE id = 7", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "INSERT INTO grades VALUES (99, '1a', NULL, 0, 1, 'blank', NULL)", NULL,
                                      NULL, NULL),
                         SQLITE_OK);
    sqlite3_close(db);

    /* The upgraded bank records: the same content again replaces row 7. */
    b = ion_bank_open(f->path, 0, &err);
    assert_non_null(b);
    int64_t id = 0;
    latest_ctx l;
    assert_int_equal(ion_bank_begin(b, &err), 0);
    assert_int_equal(ion_bank_submission_upsert(b, "week1", "PHYS2", "s1", "s1.txt", "new", 3, &id, &err), 0);
    assert_true(id > 9);
    assert_int_equal(ion_bank_commit(b, &err), 0);
    assert_string_equal(latest(b, &l), "s1.txt graded -");
    ion_bank_close(b);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM submissions"), 4);
}

/* ---- drill ---- */

typedef struct {
    char line[8][96];
    int n;
} drill_ctx;

static int collect_drill(const ion_bank_drill *d, void *ctx)
{
    drill_ctx *c = ctx;
    snprintf(c->line[c->n++], sizeof c->line[0], "%s %s %d %d %d",
             d->template_id, d->topic, d->attempts, d->right_first,
             d->streak);
    assert_int_equal(strlen(d->last), 20);
    return 0;
}

static void test_drill(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    put_template(f->b, &nernst_k, "<a/>");
    put_template(f->b, &ghk_rest, "<b/>");
    const int results[] = {1, 1, 0, 1, 1};
    for (int i = 0; i < 5; i++)
        assert_int_equal(ion_bank_drill_record(f->b, "ada", "nernst-k",
                                               (uint64_t)i, results[i], &err),
                         0);
    assert_int_equal(ion_bank_drill_record(f->b, "ada", "ghk-rest", 9, 0,
                                           &err),
                     0);
    assert_int_equal(ion_bank_drill_record(f->b, "bo", "ghk-rest", 9, 1, &err),
                     0);
    assert_int_equal(ion_bank_drill_record(f->b, "ada", "nope", 9, 1, &err),
                     ION_BANK_EINVAL);
    assert_string_equal(err.msg, "unknown template 'nope'");

    drill_ctx c = {0};
    assert_int_equal(ion_bank_drill_list(f->b, "ada", NULL, collect_drill, &c,
                                         &err),
                     0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.line[0], "ghk-rest ghk 1 0 0");
    assert_string_equal(c.line[1], "nernst-k nernst 5 4 2");
    memset(&c, 0, sizeof c);
    assert_int_equal(ion_bank_drill_list(f->b, "ada", "ghk", collect_drill, &c,
                                         &err),
                     0);
    assert_int_equal(c.n, 1);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM drill_attempts"),
                     7);
}

/* ---- bulk ---- */

/* A whole class in one transaction: every instance stored once. (Speed is
 * measured by `make bench`, not asserted here.) */
static void test_bulk_instances(void **state)
{
    fixture *f = *state;
    ion_error err = {0};
    const char *ids[] = {"nernst-k", "ghk-rest", "nernst-k", "ghk-rest",
                         "nernst-k"};
    int students = 2000;
    char id[16];
    put_template(f->b, &nernst_k, "<a/>");
    put_template(f->b, &ghk_rest, "<b/>");
    assert_int_equal(ion_bank_course_ensure(f->b, "BIG", &err), 0);
    assert_int_equal(ion_bank_begin(f->b, &err), 0);
    for (int i = 0; i < students; i++) {
        snprintf(id, sizeof id, "s%05d", i);
        put_student(f->b, "BIG", id, "A Student");
    }
    assert_int_equal(ion_bank_commit(f->b, &err), 0);
    assert_int_equal(ion_bank_worksheet_create(f->b, "big", "BIG", NULL, NULL,
                                               5, ids, NULL, &err),
                     0);

    assert_int_equal(ion_bank_begin(f->b, &err), 0);
    for (int i = 0; i < students; i++) {
        snprintf(id, sizeof id, "s%05d", i);
        for (int p = 1; p <= 5; p++)
            if (ion_bank_instance_put(f->b, "big", "BIG", id, p, ids[p - 1], 1,
                                      (uint64_t)i * 5 + (uint64_t)p, &err))
                fail_msg("instance: %s", err.msg);
    }
    assert_int_equal(ion_bank_commit(f->b, &err), 0);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM instances"),
                     students * 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_missing, setup_dir,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_create_and_reopen, setup_dir,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wal_and_foreign_keys, setup_bank,
                                        teardown),
        cmocka_unit_test(test_schema_file_is_embedded),
        cmocka_unit_test(test_verdict_names),
        cmocka_unit_test_setup_teardown(test_migrate_from_v0, setup_dir,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_migrate_from_v4, setup_dir, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_from_v5, setup_dir, teardown),
        cmocka_unit_test_setup_teardown(test_failed_migration_rolls_back,
                                        setup_dir, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_foreign_and_newer,
                                        setup_dir, teardown),
        cmocka_unit_test_setup_teardown(test_not_sqlite, setup_dir, teardown),
        cmocka_unit_test(test_id_and_text_rules),
        cmocka_unit_test_setup_teardown(test_template_versions, setup_bank,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_template_refused, setup_bank,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_template_list, setup_bank,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_nested_list_refused, setup_bank,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_student_upsert, setup_bank,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_student_refused, setup_bank,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_worksheet_create_and_get,
                                        setup_bank, teardown),
        cmocka_unit_test_setup_teardown(test_worksheet_refused, setup_bank,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_transactions, setup_bank,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_transaction_isolated, setup_bank,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_instances, setup_bank, teardown),
        cmocka_unit_test_setup_teardown(test_submission_status, setup_bank, teardown),
        cmocka_unit_test_setup_teardown(test_submissions_in_transaction, setup_bank, teardown),
        cmocka_unit_test_setup_teardown(test_grades_put_many, setup_bank, teardown),
        cmocka_unit_test_setup_teardown(test_submissions, setup_bank,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_drill, setup_bank, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_instances, setup_bank,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
