/* Generating worksheets: reproducibility, per-student values, the key, the
 * database. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bank.h"
#include "catalog.h"
#include "core.h"
#include "generate.h"
#include "render.h"
#include "test_common.h"

/* This run's own folder (two runs at once must not share a bank): bank.db
 * and the files the tests write, made in main. */
static temp_bank *own;
#define DB (own->path)

/* The path of NAME in this run's folder. */
static const char *own_file(const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", own->dir, name);
    return buf;
}

/* The course's students. */
static const char *const student_ids[] = {"s001", "s002", "s003", "s004"};
static const char *const student_names[] = {"Ada Li", "李华", "Zoë \"Z\" <Brown>", "Omar"};

static ion_bank *fresh_bank(void)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char p[160];
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++)
        unlink((snprintf(p, sizeof p, "%s%s", DB, suffix[i]), p));
    ion_error err = {0};
    ion_bank *b = ion_bank_open(DB, 1, &err);
    if (!b)
        fail_msg("%s", err.msg);
    const char *paths[] = {"tests/data/problems-test.xml"};
    ion_import_stats st;
    if (ion_import(b, paths, 1, "schema/problem.xsd", NULL, NULL, &st, &err))
        fail_msg("import: %s", err.msg);
    assert_int_equal(ion_bank_course_ensure(b, "PHYS2", &err), 0);
    for (int i = 0; i < 4; i++) {
        ion_bank_student s = {"PHYS2", student_ids[i], student_names[i], NULL, NULL};
        assert_int_equal(ion_bank_student_upsert(b, &s, NULL, &err), 0);
    }
    const char *problems[] = {"t-nernst-k", "t-nernst-k"};
    if (ion_bank_worksheet_create(b, "week5", "PHYS2", "Week 5", "2026-12-01", 2, problems, NULL, &err))
        fail_msg("worksheet: %s", err.msg);
    return b;
}

/* Renders the key of a run into memory. */
typedef struct {
    ion_key_writer *k;
    int fail_at;   /* student index whose callback fails, or -1 */
} sink;

static int to_key(const ion_student_sheet *s, void *ctx, ion_error *err)
{
    sink *k = ctx;
    if ((int)s->index == k->fail_at)
        return ion_fail(err, NULL, 0, "interrupted");
    return ion_key_student(k->k, s);
}

static char *generate_key(ion_bank *b, const char *const *ids, size_t n, int fail_at, int *rc)
{
    ion_worksheet w;
    ion_error err = {0};
    assert_int_equal(ion_worksheet_load(b, "week5", NULL, &w, &err), 1);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    sink k = {ion_key_begin(f, &w), fail_at};
    assert_non_null(k.k);
    ion_generate_sink to = {to_key, NULL, &k};
    *rc = ion_generate(b, &w, ids, n, &to, &err);
    ion_key_end(k.k);
    fclose(f);
    ion_worksheet_release(&w);
    return buf;
}

/* The text of attribute value following pattern in s. */
static double number_after(const char *s, const char *pattern)
{
    const char *p = strstr(s, pattern);
    assert_non_null(p);
    return strtod(p + strlen(pattern), NULL);
}

static int count_rows(const char *table)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "sqlite3 %s 'select count(*) from %s'", DB, table);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (fscanf(p, "%d", &n) != 1)
        n = -1;
    pclose(p);
    return n;
}

static void reproducible_and_per_student(void **state)
{
    (void)state;
    ion_bank *b = fresh_bank();
    int rc;
    char *one = generate_key(b, NULL, 0, -1, &rc);
    assert_int_equal(rc, 0);
    char *two = generate_key(b, NULL, 0, -1, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(one, two);  /* byte for byte */
    assert_int_equal(count_rows("instances"), 8);
    /* Different students (and positions) get different values. */
    char *a = strstr(one, "<student id=\"s001\""), *c = strstr(one, "<student id=\"s002\"");
    assert_non_null(a);
    assert_non_null(c);
    char seed_a[32], seed_c[32];
    sscanf(strstr(a, "seed=\"") + 6, "%31[^\"]", seed_a);
    sscanf(strstr(c, "seed=\"") + 6, "%31[^\"]", seed_c);
    assert_string_not_equal(seed_a, seed_c);
    /* Names are escaped, UTF-8 kept. */
    assert_non_null(strstr(one, "name=\"Zoë &quot;Z&quot; &lt;Brown&gt;\""));
    assert_non_null(strstr(one, "name=\"李华\""));
    /* The key is valid against its schema. */
    char key[160], cmd[300];
    FILE *f = fopen(own_file("key.xml", key, sizeof key), "w");
    fputs(one, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "xmllint --nonet --noout --schema schema/answer-key.xsd %s 2>/dev/null", key);
    assert_int_equal(system(cmd), 0);
    unlink(key);
    free(one);
    free(two);
    ion_bank_close(b);
}

/* Every key value is the compute core's value for the printed params. */
static void key_values_match_core(void **state)
{
    (void)state;
    ion_bank *b = fresh_bank();
    int rc;
    char *key = generate_key(b, NULL, 0, -1, &rc);
    int checked = 0;
    for (char *p = strstr(key, "<problem "); p; p = strstr(p + 1, "<problem ")) {
        double Ko = number_after(p, "name=\"Ko\" value=\""), Ki = number_after(p, "name=\"Ki\" value=\""),
               T = number_after(p, "name=\"T\" value=\""), got = number_after(p, "kind=\"numeric\" value=\""), want;
        ion_nernst(1, Ko, Ki, T + ION_ZERO_C, &want);
        if (fabs(got - want * 1e3) > 1e-9 * fabs(want * 1e3))
            fail_msg("key %.10g mV, core %.10g mV", got, want * 1e3);
        checked++;
    }
    assert_int_equal(checked, 8);
    /* The second part carries forward from the first: said once, in the
     * template's section of the key (v2). */
    char *carry = strstr(key, "<carry from=\"a\" let=\"");
    assert_non_null(carry);
    assert_true(carry < strstr(key, "<student "));
    free(key);
    ion_bank_close(b);
}

static void student_subsets(void **state)
{
    (void)state;
    ion_bank *b = fresh_bank();
    int rc;
    const char *ids[] = {"s003"};
    char *some = generate_key(b, ids, 1, -1, &rc);
    assert_int_equal(rc, 0);
    assert_null(strstr(some, "s001"));
    assert_int_equal(count_rows("instances"), 2);
    /* A late student joins the students generated before: s001 named
     * after s003 gives a key of both, s001 first as in the class key. */
    const char *late[] = {"s001"};
    char *two = generate_key(b, late, 1, -1, &rc);
    assert_int_equal(rc, 0);
    char *first = strstr(two, "<student id=\"s001\"");
    assert_non_null(first);
    assert_non_null(strstr(first, "<student id=\"s003\""));
    assert_null(strstr(two, "s002"));
    assert_int_equal(count_rows("instances"), 4);
    char *all = generate_key(b, NULL, 0, -1, &rc);
    /* Each block is the same as in the whole-class key. */
    char *block = strstr(some, "<student "), *end = strstr(block, "</student>");
    *end = '\0';
    assert_non_null(strstr(all, block));
    /* After the whole class, naming one keeps every student in the key,
     * byte for byte. */
    char *again = generate_key(b, late, 1, -1, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(all, again);
    free(again);
    free(two);
    /* A student named twice is in the key once, as in the class key. */
    const char *twice[] = {"s003", "s003"};
    char *dup = generate_key(b, twice, 2, -1, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(all, dup);
    free(dup);
    const char *unknown[] = {"nobody"};
    free(generate_key(b, unknown, 1, -1, &rc));
    assert_int_equal(rc, ION_GEN_ENOSTUDENT);
    free(all);
    free(some);
    ion_bank_close(b);
}

/* A run that fails half way leaves the database as it was. */
static void interrupted_run_changes_nothing(void **state)
{
    (void)state;
    ion_bank *b = fresh_bank();
    int rc;
    free(generate_key(b, NULL, 0, 2, &rc));
    assert_int_equal(rc, ION_GEN_EVARIANT);
    assert_int_equal(count_rows("instances"), 0);
    ion_bank_close(b);
}

/* After the template changes, the worksheet (pinned to version 1) makes
 * the same values, and a new worksheet uses version 2. */
static void template_change_keeps_old_worksheets(void **state)
{
    (void)state;
    ion_bank *b = fresh_bank();
    int rc;
    char *before = generate_key(b, NULL, 0, -1, &rc);
    char changed[160], cmd[300];
    own_file("changed.xml", changed, sizeof changed);
    snprintf(cmd, sizeof cmd, "sed 's/min=\"2\" max=\"10\"/min=\"5\" max=\"9\"/' tests/data/problems-test.xml > %s",
             changed);
    assert_int_equal(system(cmd), 0);
    const char *paths[] = {changed};
    ion_import_stats st;
    ion_error err = {0};
    assert_int_equal(ion_import(b, paths, 1, "schema/problem.xsd", NULL, NULL, &st, &err), 0);
    unlink(changed);
    assert_int_equal(st.updated, 1);
    char *after = generate_key(b, NULL, 0, -1, &rc);
    assert_string_equal(before, after);
    assert_non_null(strstr(after, "version=\"1\""));
    free(before);
    free(after);
    ion_bank_close(b);
}

/* The database keeps each problem's template version and seed, not its
 * values: the stored seeds make every student's instances again, whose key
 * is the generated key's, byte for byte. */
static void stored_seeds_make_the_key_again(void **state)
{
    (void)state;
    ion_bank *b = fresh_bank();
    int rc;
    char *key = generate_key(b, NULL, 0, -1, &rc);
    assert_int_equal(rc, 0);
    ion_worksheet w;
    ion_error err = {0};
    assert_int_equal(ion_worksheet_load(b, "week5", NULL, &w, &err), 1);
    ion_instance inst[2];
    for (size_t i = 0; i < w.ws.n; i++)
        assert_int_equal(ion_instance_init(&inst[i], w.templates[i]), 0);
    for (size_t s = 0; s < 4; s++) {
        for (size_t i = 0; i < w.ws.n; i++) {
            const ion_bank_ws_problem *p = &w.ws.problems[i];
            uint64_t seed;
            assert_int_equal(ion_bank_instance_seed(b, "week5", "PHYS2", student_ids[s], (int)i + 1, p->template_id,
                                                    p->version, &seed, &err), 1);
            assert_int_equal(ion_worksheet_instance(&w, i, &inst[i], seed, &err), 0);
        }
        char *one = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&one, &len);
        ion_key_writer *k = ion_key_begin(f, &w);
        ion_student_sheet sheet = {.w = &w, .id = student_ids[s], .name = student_names[s], .inst = inst, .n = w.ws.n, .count = 1, .own = 1};
        assert_int_equal(ion_key_student(k, &sheet), 0);
        ion_key_end(k);
        fclose(f);
        /* This student's element, as the run wrote it. */
        char *from = strstr(one, "<student "), *to = strstr(one, "</student>");
        assert_non_null(from);
        assert_non_null(to);
        to[strlen("</student>")] = '\0';
        char *mine = strstr(key, from);
        assert_non_null(mine);
        assert_int_equal(strncmp(mine, "<student id=\"", 13), 0);
        assert_int_equal(strncmp(mine + 13, student_ids[s], strlen(student_ids[s])), 0);
        free(one);
    }
    for (size_t i = 0; i < w.ws.n; i++)
        ion_instance_release(&inst[i]);
    ion_worksheet_release(&w);
    free(key);
    ion_bank_close(b);
}

static int make_own(void **state)
{
    (void)state;
    own = temp_bank_new(sizeof *own, 0);
    return 0;
}

static int remove_own(void **state)
{
    (void)state;
    temp_bank_free(own);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reproducible_and_per_student),
        cmocka_unit_test(stored_seeds_make_the_key_again),
        cmocka_unit_test(key_values_match_core),
        cmocka_unit_test(student_subsets),
        cmocka_unit_test(interrupted_run_changes_nothing),
        cmocka_unit_test(template_change_keeps_old_worksheets),
    };
    return cmocka_run_group_tests(tests, make_own, remove_own);
}
