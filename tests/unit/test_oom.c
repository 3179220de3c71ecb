/* Out of memory in the library: an error, never an abort. This test is
 * linked with the allocator wrapped (the Makefile's -Wl,--wrap=malloc and
 * the like, for the library's own calls; SQLite's, libxml2's and libc's
 * inner allocations are theirs): each operation runs once to count its
 * allocations, then again with the first, the second, ... failing, and
 * must fail cleanly each time (ASan and valgrind watch for leaks and bad
 * reads), or give what it gives with memory to spare. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "instance.h"
#include "render_pdf.h"
#include "render_text.h"
#include "serve_html.h"
#include "strbuf.h"
#include "template.h"
#include "text.h"
#include "tmpl.h"
#include "worksheet.h"

/* ---- the failing allocator ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static long calls;        /* allocations since counting began */
static long fail_at = -1; /* the one that fails (0-based); -1: none */

static int failing(void)
{
    return calls++ == fail_at;
}

void *__wrap_malloc(size_t n) { return failing() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return failing() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return failing() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return failing() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return failing() ? NULL : __real_strndup(s, n); }

/* Whether the allocation meant to fail did (op made that many). */
static int failed(void)
{
    return fail_at >= 0 && calls > fail_at;
}

/* op once with none of its allocations failing (counting them), then once
 * with each failing in turn; op checks that it failed cleanly. Returns how
 * many allocations it makes. */
static long fail_each(void (*op)(void *ctx), void *ctx)
{
    calls = 0;
    fail_at = -1;
    op(ctx);
    long n = calls;
    assert_true(n > 0);
    for (long i = 0; i < n; i++) {
        calls = 0;
        fail_at = i;
        op(ctx);
        fail_at = -1;
    }
    return n;
}

/* err says out of memory (its message, or the message it is part of). */
static void assert_oom(const ion_error *err)
{
    const char *oom = ion_text_phrase("err.out_of_memory");
    if (!strstr(err->msg, oom))
        fail_msg("allocation %ld failed: expected \"%s\", got \"%s\"", fail_at, oom, err->msg);
}

/* ---- problem files (problem.c) ---- */

typedef struct {
    char *xml;
    size_t templates; /* in the file */
    char *sources;    /* their ids and stored sources, read with memory to spare */
} problems;

/* The ids and sources of l's templates, one string (the caller frees). */
static char *sources_of(const ion_template_list *l)
{
    ion_strbuf b = {0};
    for (size_t i = 0; i < l->n; i++)
        ion_strbuf_printf(&b, "%s\n%s\n", l->items[i]->id, l->items[i]->source);
    return ion_strbuf_detach(&b, NULL);
}

/* Reads the file: out of memory fails the whole file, or (an allocation
 * whose failure costs nothing, such as a shrinking realloc) it is read as
 * with memory to spare. */
static void parse_op(void *ctx)
{
    problems *p = ctx;
    ion_template_list l = {0};
    ion_error err = {0};
    int rc = ion_templates_parse(p->xml, strlen(p->xml), "p.xml", NULL, &l, &err);
    long made = calls, failing_one = fail_at;
    fail_at = -1;
    if (rc == 0) {
        assert_int_equal(l.n, p->templates);
        char *got = sources_of(&l);
        assert_string_equal(got, p->sources);
        free(got);
    } else {
        assert_true(made > failing_one && failing_one >= 0);
        assert_int_equal(rc, -1);
        assert_int_equal(l.n, 0);
        assert_oom(&err);
    }
    ion_template_list_release(&l);
}

/* The template id of file, as its stored source (a <problem> document)
 * without its XML declaration, appended to b. */
static void add_problem(ion_strbuf *b, const char *file, const char *id)
{
    ion_template_list l = {0};
    ion_error err = {0};
    if (ion_templates_load(file, NULL, &l, &err))
        fail_msg("%s: %s", file, err.msg);
    size_t i = 0;
    while (i < l.n && strcmp(l.items[i]->id, id))
        i++;
    assert_true(i < l.n);
    const char *src = l.items[i]->source, *root = strstr(src, "<problem");
    assert_non_null(root);
    ion_strbuf_puts(b, root);
    ion_template_list_release(&l);
}

/* Two templates with every kind of element between them (params of both
 * forms, lets, requires, mistakes with feedback, choice and mcq parts,
 * texts in en and zh), in a <problems> file. */
static void test_problem_files(void **state)
{
    (void)state;
    ion_strbuf b = {0};
    ion_strbuf_puts(&b, "<problems xmlns=\"urn:ionsheet:problem:1\">\n");
    add_problem(&b, "problems/nernst.xml", "nernst-k");
    add_problem(&b, "problems/concept.xml", "concept-ko-clo");
    ion_strbuf_puts(&b, "</problems>\n");
    assert_false(b.oom);
    problems p = {b.s, 0, NULL};
    ion_template_list l = {0};
    ion_error err = {0};
    if (ion_templates_parse(p.xml, b.len, "p.xml", NULL, &l, &err))
        fail_msg("%d: %s", err.line, err.msg);
    assert_int_equal(l.n, 2);
    p.templates = l.n;
    p.sources = sources_of(&l);
    ion_template_list_release(&l);
    long n = fail_each(parse_op, &p);
    printf("  a problems file of 2 templates: each of %ld allocations failed in turn\n", n);
    free(p.sources);
    ion_strbuf_release(&b);
}

/* ---- a student's sheet as the views print it (printed.c) ---- */

#define PROBLEMS 6
typedef struct {
    ion_template_list list;
    ion_bank_ws_problem problems[PROBLEMS];
    ion_template *templates[PROBLEMS];
    double scale[PROBLEMS];
    ion_worksheet w;
    ion_instance inst[PROBLEMS];
    ion_student_sheet s;
    const ion_tmpl *t;
    char *expected; /* the view with memory to spare */
    size_t expected_len;
} sheet;

/* Problems with numeric, choice and mcq parts and ladders in their
 * solutions: templates of problems/nernst.xml and concept.xml. */
static void sheet_make(sheet *f)
{
    ion_error err = {0};
    memset(f, 0, sizeof *f);
    const char *files[] = {"problems/nernst.xml", "problems/concept.xml"};
    for (size_t i = 0; i < 2; i++)
        if (ion_templates_load(files[i], NULL, &f->list, &err))
            fail_msg("%s: %s", files[i], err.msg);
    assert_true(f->list.n >= PROBLEMS);
    size_t n = 0;
    for (size_t i = 0; n < PROBLEMS; i += f->list.n / PROBLEMS, n++) {
        ion_template *t = f->list.items[i];
        f->problems[n] = (ion_bank_ws_problem){t->id, 1, -1};
        f->templates[n] = t;
        f->scale[n] = 1;
        assert_int_equal(ion_instance_init(&f->inst[n], t), 0);
        if (ion_instance_generate(&f->inst[n], 11, &err))
            fail_msg("%s: %s", t->id, err.msg);
    }
    f->w.ws = (ion_bank_worksheet){"w", "PHYS 2210", "Week 5", "2024-10-03", "", n, f->problems, NULL};
    f->w.templates = f->templates;
    f->w.scale = f->scale;
    f->s = (ion_student_sheet){.w = &f->w, .id = "s001", .name = "Ada", .inst = f->inst, .n = n, .count = 1, .own = 1};
    f->t = ion_tmpl_load("templates", "en", &err);
    assert_non_null(f->t);
}

static void sheet_free(sheet *f)
{
    for (size_t i = 0; i < f->s.n; i++)
        ion_instance_release(&f->inst[i]);
    ion_template_list_release(&f->list);
    ion_tmpl_free((ion_tmpl *)f->t);
    free(f->expected);
}

/* The first result is the one with memory to spare (fail_each runs op so
 * first); each later one that did not fail must be the same. */
static void same_or_keep(sheet *f, char *got, size_t len)
{
    assert_non_null(got);
    if (!f->expected) {
        f->expected = got;
        f->expected_len = len;
        return;
    }
    assert_int_equal(len, f->expected_len);
    assert_memory_equal(got, f->expected, len);
    free(got);
}

/* The web page of the sheet with its solutions: out of memory marks the
 * page so (the server then answers 500), never a page short of a text. */
static void html_op(void *ctx)
{
    sheet *f = ctx;
    ion_html_answer answers[64];
    memset(answers, 0, sizeof answers);
    ion_html_sheet_page page = {"en", &f->s, answers, 1, NULL, "/s/x", "csrf", 1, NULL, 1};
    ion_strbuf b = {0};
    ion_html_sheet(&b, &page);
    size_t len = 0;
    char *html = ion_strbuf_detach(&b, &len);
    if (!failed())
        same_or_keep(f, html, len);
    else
        assert_null(html);
}

static void test_web_page(void **state)
{
    (void)state;
    sheet f;
    sheet_make(&f);
    long n = fail_each(html_op, &f);
    assert_non_null(strstr(f.expected, "<svg class=\"ladder\""));
    assert_non_null(strstr(f.expected, "type=\"radio\""));
    printf("  web page of %zu problems: each of %ld allocations failed in turn\n", f.s.n, n);
    sheet_free(&f);
}

/* The sheet as terminal text: NULL, never a sheet without a text. */
static void text_op(void *ctx)
{
    sheet *f = ctx;
    char *text = ion_sheet_text(&f->s, f->t, 1);
    if (!failed())
        same_or_keep(f, text, strlen(text ? text : ""));
    else
        assert_null(text);
}

static void test_sheet_text(void **state)
{
    (void)state;
    sheet f;
    sheet_make(&f);
    long n = fail_each(text_op, &f);
    printf("  text sheet: each of %ld allocations failed in turn\n", n);
    sheet_free(&f);
}

/* The sheet's solutions as a PDF: an error, never a page without a text. */
static void pdf_op(void *ctx)
{
    sheet *f = ctx;
    ion_error err = {0};
    ion_pdf *p = ion_pdf_new(f->t, &err);
    int rc = p ? ion_pdf_add_solutions(p, &f->s, &err) : -1;
    if (!failed()) {
        assert_int_equal(rc, 0);
    } else {
        assert_int_equal(rc, -1);
        assert_oom(&err);
    }
    ion_pdf_free(p);
}

static void test_pdf(void **state)
{
    (void)state;
    sheet f;
    sheet_make(&f);
    long n = fail_each(pdf_op, &f);
    printf("  PDF solutions: each of %ld allocations failed in turn\n", n);
    sheet_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_problem_files),
        cmocka_unit_test(test_web_page),
        cmocka_unit_test(test_sheet_text),
        cmocka_unit_test(test_pdf),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ion_text_release();
    return rc;
}
