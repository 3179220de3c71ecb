/* PDF renderer and template loader tests: build sheets in code, render them,
 * and read them back with pdftotext/pdfinfo (poppler-utils). Output goes to
 * /tmp/ionsheet-test-pdf-*.pdf, kept for a look with pdftoppm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "pdf_stream.h"
#include "instance.h"
#include "render_pdf.h"
#include "tmpl.h"

/* ---- fixtures -------------------------------------------------------- */

/* The renderer takes the per-student model (worksheet.h): the fixtures are
 * templates, generated for a fixed seed into a worksheet of their own. Their
 * params are fixed, so every value printed is known. */
#define PROBLEMS_XML(body) "<problems xmlns=\"urn:ionsheet:problem:1\">" body "</problems>"
#define DIRECTIONS "<choice id=\"outward\"/><choice id=\"inward\"/><choice id=\"none\"/>"

static const char sample_xml[] = PROBLEMS_XML(
    "<problem id=\"p-k\" topic=\"nernst\" difficulty=\"1\">"
    "<title xml:lang=\"en\">Potassium equilibrium potential</title>"
    "<param name=\"Ko\" unit=\"mM\" value=\"4.2\"/><param name=\"Ki\" unit=\"mM\" value=\"140\"/>"
    "<param name=\"T\" unit=\"C\" value=\"37\"/>"
    "<let name=\"E_K\" unit=\"mV\" digits=\"3\">nernst(1, Ko, Ki, T)</let>"
    "<param name=\"E_Na\" unit=\"mV\" value=\"66.6\"/><param name=\"E_Cl\" unit=\"mV\" value=\"-64.0\" digits=\"3\"/>"
    "<param name=\"E_Ca\" unit=\"mV\" value=\"128.3\"/><param name=\"Vm\" unit=\"mV\" value=\"-65.2\"/>"
    "<text xml:lang=\"en\">A neuron has [K<sup>+</sup>]<sub>o</sub> = {Ko} and "
    "[K<sup>+</sup>]<sub>i</sub> = {Ki} at {T}.</text>"
    "<part id=\"a\" kind=\"numeric\" unit=\"mV\" sigfigs=\"3\" tol-abs=\"0.5\" points=\"2\">"
    "<text xml:lang=\"en\">Calculate E<sub>K</sub>.</text><answer>E_K</answer></part>"
    "<part id=\"b\" kind=\"choice\" points=\"1\">"
    "<text xml:lang=\"en\">At V<sub>m</sub> = \u221270\u2009mV, which way does the K<sup>+</sup> "
    "current flow?</text>" DIRECTIONS "<answer>direction(-70[mV], E_K)</answer></part>"
    "<solution xml:lang=\"en\">E<sub>K</sub> = (RT/zF) ln([K<sup>+</sup>]<sub>o</sub>/"
    "[K<sup>+</sup>]<sub>i</sub>) = 26.71\u2009mV \u00d7 ln(4.2/140) = "
    "<b>{E_K}</b>. V<sub>m</sub> &gt; E<sub>K</sub>, so K<sup>+"
    "</sup> leaves the cell: an outward current.</solution>"
    "</problem>"
    "<problem id=\"p-squid\" topic=\"ghk\" difficulty=\"1\">"
    "<title xml:lang=\"en\">Resting potential of the squid axon</title>"
    "<param name=\"Vrest\" unit=\"mV\" value=\"-60.3\"/>"
    "<text xml:lang=\"en\">At 18.5\u2009\u00b0C the axon has [K<sup>+</sup>] 20/400\u2009mM, "
    "[Na<sup>+</sup>] 440/50\u2009mM and [Cl<sup>\u2212</sup>] "
    "560/52\u2009mM (outside/inside).</text>"
    "<part id=\"a\" kind=\"numeric\" unit=\"mV\" sigfigs=\"3\" tol-abs=\"0.5\" points=\"3\">"
    "<text xml:lang=\"en\">Use the GHK voltage equation to find V<sub>m</sub> (take "
    "P<sub>K</sub> : P<sub>Na</sub> : P<sub>Cl</sub> = 1 : 0.04 : 0.45).</text>"
    "<answer>Vrest</answer></part>"
    "<solution xml:lang=\"en\">V<sub>m</sub> = (RT/F) ln((P<sub>K</sub>[K]<sub>o</sub> + "
    "P<sub>Na</sub>[Na]<sub>o</sub> + P<sub>Cl</sub>[Cl]<sub>i</sub>) / "
    "(P<sub>K</sub>[K]<sub>i</sub> + P<sub>Na</sub>[Na]<sub>i</sub> + "
    "P<sub>Cl</sub>[Cl]<sub>o</sub>)) = {Vrest}</solution>"
    "</problem>"
    "<problem id=\"p-glc\" topic=\"concept\" difficulty=\"1\">"
    "<title xml:lang=\"en\">Uncharged solutes</title>"
    "<part id=\"a\" kind=\"mcq\" points=\"1\">"
    "<text xml:lang=\"en\">Why does glucose have no Nernst potential?</text>"
    "<option id=\"same\" correct=\"0\"><text xml:lang=\"en\">Its concentration is the same on both "
    "sides.</text></option>"
    "<option id=\"charge\" correct=\"1\"><text xml:lang=\"en\">It carries no charge (z = 0), so the "
    "Nernst equation has no solution.</text></option>"
    "<option id=\"imperm\" correct=\"0\"><text xml:lang=\"en\">The membrane is impermeable to "
    "it.</text></option>"
    "<option id=\"small\" correct=\"0\"><text xml:lang=\"en\">Its permeability P<sub>glc</sub> is too "
    "small to measure.</text></option></part>"
    "<solution xml:lang=\"en\">z = 0 makes RT/zF undefined.</solution>"
    "</problem>"
    "<problem id=\"p-act\" topic=\"donnan\" difficulty=\"1\">"
    "<title xml:lang=\"en\">Activities and the Donnan equilibrium</title>"
    "<param name=\"dE\" unit=\"mV\" value=\"6.0\" digits=\"2\"/><param name=\"r\" value=\"1.84\"/>"
    "<text xml:lang=\"en\">A cell holds impermeant anions A<sup>\u2212</sup> at 120\u2009mM and "
    "bathes in 150\u2009mM KCl; \u03c4 = RC = 10\u2009ms; I<sub>pump</sub> "
    "= 25\u2009pA and 5\u2009\u03bcM Ca<sup>2+</sup>.</text>"
    "<part id=\"a\" kind=\"numeric\" unit=\"mV\" sigfigs=\"2\" tol-abs=\"0.5\" points=\"1.5\">"
    "<text xml:lang=\"en\">Compute the activity correction \u0394E = (RT/zF) ln(\u03b3<sub>o</sub>"
    "/\u03b3<sub>i</sub>) for \u03b3<sub>o</sub> = 0.75 and "
    "\u03b3<sub>i</sub> = 0.60.</text><answer>dE</answer></part>"
    "<part id=\"b\" kind=\"numeric\" sigfigs=\"3\" tol-rel=\"0.01\" points=\"1\">"
    "<text xml:lang=\"en\">Find the Donnan ratio r = [K<sup>+</sup>]<sub>i</sub>/"
    "[K<sup>+</sup>]<sub>o</sub>.</text><answer>r</answer></part>"
    "<solution xml:lang=\"en\">\u0394E = 26.71\u2009mV \u00d7 ln(1.25) = {dE}</solution>"
    "</problem>");

/* One student's worksheet made of templates: the model the renderers take. */
enum { MAX_PROBLEMS = 16 };
typedef struct {
    ion_template_list list;
    ion_bank_ws_problem problems[MAX_PROBLEMS];
    ion_template *templates[MAX_PROBLEMS];
    double scale[MAX_PROBLEMS];
    ion_worksheet w;
    ion_instance inst[MAX_PROBLEMS];
    ion_student_sheet s;
} fixture;

/* Problems 1..n are the templates of xml in turn (cycling), for the
 * student name and id, seed 7. */
static void fixture_make(fixture *f, const char *xml, int n, const char *course, const char *title,
                         const char *due, const char *name, const char *id)
{
    ion_error err = {0};
    memset(f, 0, sizeof *f);
    assert_true(n > 0 && n <= MAX_PROBLEMS);
    if (ion_templates_parse(xml, strlen(xml), "fixture", NULL, &f->list, &err))
        fail_msg("fixture: %d: %s", err.line, err.msg);
    for (int i = 0; i < n; i++) {
        ion_template *t = f->list.items[(size_t)i % f->list.n];
        f->problems[i] = (ion_bank_ws_problem){t->id, 1, -1};
        f->templates[i] = t;
        f->scale[i] = 1;
        assert_int_equal(ion_instance_init(&f->inst[i], t), 0);
        if (ion_instance_generate(&f->inst[i], 7, &err))
            fail_msg("fixture %s: %s", t->id, err.msg);
    }
    f->w.ws = (ion_bank_worksheet){"w", (char *)course, (char *)title, (char *)due, "", (size_t)n,
                                   f->problems, NULL};
    f->w.templates = f->templates;
    f->w.scale = f->scale;
    f->s = (ion_student_sheet){.w = &f->w, .id = id, .name = name, .inst = f->inst, .n = (size_t)n, .count = 1, .own = 1};
}

static void fixture_free(fixture *f)
{
    for (size_t i = 0; i < f->w.ws.n; i++)
        ion_instance_release(&f->inst[i]);
    ion_template_list_release(&f->list);
}

/* The four sample problems (n of them, cycling). */
static void sample(fixture *f, int n, const char *name, const char *id)
{
    fixture_make(f, sample_xml, n, "PHYS 2210 Cellular Physiology", "Week 5: Membrane potentials",
                 "2024-10-03 17:00", name, id);
}

static const ion_tmpl *en, *zh;

static int setup(void **state)
{
    (void)state;
    ion_error err = {0};
    en = ion_tmpl_load("templates", "en", &err);
    if (!en)
        fprintf(stderr, "%s:%d: %s\n", err.file, err.line, err.msg);
    zh = ion_tmpl_load("templates", "zh", &err);
    if (!zh)
        fprintf(stderr, "%s:%d: %s\n", err.file, err.line, err.msg);
    return en && zh ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ion_tmpl_free((ion_tmpl *)en);
    ion_tmpl_free((ion_tmpl *)zh);
    return 0;
}

/* ---- helpers --------------------------------------------------------- */

/* Finishes p, writes it to /tmp/ionsheet-test-pdf-NAME.pdf, frees p. */
static void save(ion_pdf *p, const char *name, char *path, size_t cap)
{
    ion_error err = {0};
    const unsigned char *data;
    size_t len;
    assert_int_equal(ion_pdf_bytes(p, &data, &len, &err), 0);
    assert_true(len > 100);
    assert_memory_equal(data, "%PDF-", 5);
    snprintf(path, cap, "/tmp/ionsheet-test-pdf-%s.pdf", name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    ion_pdf_free(p);
}

/* The output of a shell command (malloc'd, NUL-terminated). */
static char *run(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t cap = 1 << 16, len = 0, n;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[len] = '\0';
    assert_int_equal(pclose(f), 0);
    return buf;
}

static char *pdftext(const char *path, int page)
{
    if (page > 0)
        return run("pdftotext -enc UTF-8 -f %d -l %d %s - 2>/dev/null", page,
                   page, path);
    /* 2>/dev/null: libharu's ToUnicode CMap for DejaVu makes poppler warn
     * (its CIDs are the code points, so the text still comes out right) */
    return run("pdftotext -enc UTF-8 %s - 2>/dev/null", path);
}

static int page_count(const char *path)
{
    char *info = run("pdfinfo %s", path);
    const char *p = strstr(info, "Pages:");
    assert_non_null(p);
    int n = atoi(p + 6);
    free(info);
    return n;
}

static void assert_has(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("'%s' not found in:\n%s", needle, text);
}

/* pdffonts' table: every font but the standard 14 is embedded ("emb yes"). */
static void assert_all_embedded(const char *fonts)
{
    static const char *const base14[] = {"Helvetica", "Symbol", "Times-", "Courier", "ZapfDingbats"};
    const char *line = strstr(fonts, "------");
    line = line ? strchr(line, '\n') : NULL;
    for (; line && line[1]; line = strchr(line + 1, '\n')) {
        const char *l = line + 1;
        int std = 0;
        for (size_t i = 0; i < sizeof base14 / sizeof *base14; i++)
            std |= strncmp(l, base14[i], strlen(base14[i])) == 0;
        const char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l) : strlen(l);
        char row[256];
        snprintf(row, sizeof row, "%.*s", (int)(n < 255 ? n : 255), l);
        if (!std && !strstr(row, " yes yes "))
            fail_msg("a font is not embedded: %s", row);
    }
}

static ion_pdf *new_pdf(const ion_tmpl *t)
{
    ion_error err = {0};
    ion_pdf *p = ion_pdf_new(t, &err);
    assert_non_null(p);
    return p;
}

static void add_ws(ion_pdf *p, const ion_student_sheet *s)
{
    ion_error err = {0};
    if (ion_pdf_add_worksheet(p, s, &err) != 0)
        fail_msg("add_worksheet: %s", err.msg);
}

/* One sealed fontset for sheets[0..n) in template t (their worksheets and
 * solutions), given to each of the documents docs[0..nd) (documents of
 * several sheets need one). */
static void share_fonts(const ion_tmpl *t, const fixture *sheets, int n,
                        ion_pdf *const *docs, int nd)
{
    ion_error err = {0};
    ion_fontset *fs = ion_fontset_new(&err);
    assert_non_null(fs);
    for (int i = 0; i < n; i++)
        for (int solutions = 0; solutions <= 1; solutions++)
            assert_int_equal(ion_pdf_collect_sheet(fs, t, &sheets[i].s, solutions), 0);
    assert_int_equal(ion_fontset_seal(fs, &err), 0);
    for (int i = 0; i < nd; i++)
        assert_int_equal(ion_pdf_use_fonts(docs[i], fs, &err), 0);
    ion_fontset_free(fs); /* the documents hold it */
}

/* ---- worksheets ------------------------------------------------------ */

static void test_worksheet_en(void **state)
{
    (void)state;
    fixture f;
    sample(&f, 4, "Ada Li", "s001");
    ion_pdf *p = new_pdf(en);
    add_ws(p, &f.s);
    fixture_free(&f);
    char path[256];
    save(p, "worksheet-en", path, sizeof path);

    char *text = pdftext(path, 0);
    assert_has(text, "PHYS 2210");
    assert_has(text, "Week 5: Membrane potentials");
    assert_has(text, "2024-10-03");
    assert_has(text, "Ada Li");
    assert_has(text, "s001");
    assert_has(text, "Problem 1");
    assert_has(text, "Potassium equilibrium potential");
    assert_has(text, "1a");
    assert_has(text, "1b");
    assert_has(text, "4b");
    assert_has(text, "outward");
    assert_has(text, "inward");
    assert_has(text, "Total: 9.5 points");
    assert_has(text, "1.5 points");
    assert_has(text, "1 point");
    /* Symbol font: true minus and Greek letters extract as such */
    assert_has(text, "\u221270");
    assert_has(text, "\u03b3");
    assert_has(text, "\u2206E"); /* poppler maps Symbol's Delta to U+2206 */
    /* Worksheets carry no answers or solutions */
    assert_null(strstr(text, "\u221293.7"));
    assert_null(strstr(text, "Worked solutions"));
    assert_has(text, "Page 1 of");
    free(text);
}

static void test_long_sheet_flows(void **state)
{
    (void)state;
    fixture f;
    sample(&f, 12, "Ada Li", "s001");
    ion_pdf *p = new_pdf(en);
    add_ws(p, &f.s);
    fixture_free(&f);
    int pages = ion_pdf_page_count(p);
    char path[256];
    save(p, "long", path, sizeof path);
    assert_true(pages > 1);
    assert_int_equal(page_count(path), pages);
    char want[64];
    snprintf(want, sizeof want, "Page 1 of %d", pages);
    char *t1 = pdftext(path, 1);
    assert_has(t1, want);
    free(t1);
    snprintf(want, sizeof want, "Page %d of %d", pages, pages);
    char *tn = pdftext(path, pages);
    assert_has(tn, want);
    assert_has(tn, "Ada Li"); /* the running head */
    free(tn);
    char *all = pdftext(path, 0);
    assert_has(all, "Problem 12");
    free(all);
}

static void test_class_pages_per_student(void **state)
{
    (void)state;
    const char *names[] = {"Ada Li", "Ben Okafor", "Chen Wei"};
    const char *ids[] = {"s001", "s002", "s003"};
    ion_pdf *p = new_pdf(en);
    int start[4] = {0};
    for (int i = 0; i < 3; i++) {
        fixture f;
        sample(&f, 5 + i, names[i], ids[i]);
        add_ws(p, &f.s);
        fixture_free(&f);
        start[i + 1] = ion_pdf_page_count(p);
    }
    char path[256];
    save(p, "class", path, sizeof path);
    assert_int_equal(page_count(path), start[3]);
    for (int i = 0; i < 3; i++) {
        /* each student starts on a new page, numbered from 1 */
        char *first = pdftext(path, start[i] + 1);
        assert_has(first, names[i]);
        assert_has(first, ids[i]);
        assert_has(first, "Page 1 of");
        for (int j = 0; j < 3; j++)
            if (j != i)
                assert_null(strstr(first, names[j]));
        free(first);
        int n = start[i + 1] - start[i];
        char want[64];
        snprintf(want, sizeof want, "Page %d of %d", n, n);
        char *last = pdftext(path, start[i + 1]);
        assert_has(last, want);
        free(last);
    }
}

/* A sheet added to the class file and a student's own file at once (laid
 * out once, drawn into both) reads the same as the sheet added to a file
 * alone, and the class file is byte for byte the one added to in turn. */
static void test_add_to_several(void **state)
{
    (void)state;
    ion_error err = {0};
    fixture sheets[2];
    sample(&sheets[0], 4, "Ada Li", "s001");
    sample(&sheets[1], 7, "张伟 (Zhang Wei)", "s002");
    ion_pdf *cls = new_pdf(en), *in_turn = new_pdf(en);
    ion_pdf *several[] = {cls, in_turn};
    share_fonts(en, sheets, 2, several, 2);
    for (int i = 0; i < 2; i++) {
        ion_pdf *one = new_pdf(en), *ref = new_pdf(en);
        ion_pdf *both[] = {cls, one};
        ion_pdf *alone[] = {ref};
        share_fonts(en, sheets, 2, alone, 1);
        assert_int_equal(ion_pdf_add_worksheet_to(both, 2, &sheets[i].s, &err),
                         0);
        add_ws(ref, &sheets[i].s);
        add_ws(in_turn, &sheets[i].s);
        assert_int_equal(ion_pdf_page_count(one), ion_pdf_page_count(ref));
        assert_int_equal(ion_pdf_page_count(cls),
                         ion_pdf_page_count(in_turn));
        char p1[256], p2[256];
        save(one, i ? "to-one-2" : "to-one-1", p1, sizeof p1);
        save(ref, i ? "to-ref-2" : "to-ref-1", p2, sizeof p2);
        char *t1 = run("pdftotext -raw -enc UTF-8 %s -", p1);
        char *t2 = run("pdftotext -raw -enc UTF-8 %s -", p2);
        assert_string_equal(t1, t2);
        assert_has(t1, i ? "Zhang Wei" : "Ada Li");
        free(t1);
        free(t2);
    }
    const unsigned char *d1, *d2;
    size_t l1, l2;
    assert_int_equal(ion_pdf_bytes(cls, &d1, &l1, &err), 0);
    assert_int_equal(ion_pdf_bytes(in_turn, &d2, &l2, &err), 0);
    assert_int_equal(l1, l2);
    assert_memory_equal(d1, d2, l1);
    /* documents from different templates cannot share a layout */
    ion_pdf *a = new_pdf(en), *b = new_pdf(zh);
    ion_pdf *mixed[] = {a, b};
    assert_int_equal(ion_pdf_add_worksheet_to(mixed, 2, &sheets[0].s, &err),
                     -1);
    assert_non_null(strstr(err.msg, "template"));
    /* nor can a finished one take more */
    ion_pdf *done[] = {a, cls};
    assert_int_equal(ion_pdf_add_worksheet_to(done, 2, &sheets[0].s, &err), -1);
    assert_non_null(strstr(err.msg, "finished"));
    assert_int_equal(ion_pdf_page_count(a), 0);
    fixture_free(&sheets[0]);
    fixture_free(&sheets[1]);
    ion_pdf_free(a);
    ion_pdf_free(b);
    ion_pdf_free(cls);
    ion_pdf_free(in_turn);
}

static void test_worksheet_zh(void **state)
{
    (void)state;
    static const char xml[] = PROBLEMS_XML(
        "<problem id=\"z-k\" topic=\"nernst\" difficulty=\"1\">"
        "<title xml:lang=\"en\">K</title><title xml:lang=\"zh\">钾离子的平衡电位</title>"
        "<param name=\"Ko\" unit=\"mM\" value=\"4.2\"/><param name=\"Ki\" unit=\"mM\" value=\"140\"/>"
        "<param name=\"T\" unit=\"C\" value=\"37\"/>"
        "<let name=\"E_K\" unit=\"mV\">nernst(1, Ko, Ki, T)</let>"
        "<text xml:lang=\"en\">K</text>"
        "<text xml:lang=\"zh\">某神经元细胞外 [K<sup>+</sup>]<sub>o</sub> = {Ko}，细胞内 "
        "[K<sup>+</sup>]<sub>i</sub> = {Ki}，温度为 {T}。"
        "请根据能斯特方程（Nernst equation）计算平衡电位，并判断在静息状态下"
        "钾离子通道开放时离子流动的方向。</text>"
        "<part id=\"a\" kind=\"numeric\" unit=\"mV\" tol-abs=\"0.5\" points=\"2\">"
        "<text xml:lang=\"en\">E</text><text xml:lang=\"zh\">计算钾离子的平衡电位 E<sub>K</sub>。</text>"
        "<answer>E_K</answer></part>"
        "<part id=\"b\" kind=\"choice\" points=\"1\"><text xml:lang=\"en\">I</text>"
        "<text xml:lang=\"zh\">在 V<sub>m</sub> = \u221270\u2009mV 时，K<sup>+</sup> 电流的方向是？</text>"
        DIRECTIONS "<answer>direction(-70[mV], E_K)</answer></part>"
        "</problem>");
    fixture f;
    fixture_make(&f, xml, 1, "生理学 2210", "第五周：膜电位", "2024-10-03", "李雅", "s001");
    ion_pdf *p = new_pdf(zh);
    add_ws(p, &f.s);
    fixture_free(&f);
    char path[256];
    save(p, "worksheet-zh", path, sizeof path);
    char *text = pdftext(path, 0);
    assert_has(text, "第五周：膜电位");
    assert_has(text, "李雅");
    assert_has(text, "第 1 题");
    assert_has(text, "钾离子的平衡电位");
    assert_has(text, "总分：3 分");
    assert_has(text, "第 1 页，共 1 页");
    assert_has(text, "outward");
    assert_has(text, "外向");
    free(text);
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static void test_names_any_script(void **state)
{
    (void)state;
    /* Chinese, Cyrillic, Arabic and Hebrew names on an English sheet;
     * U+1F9E0 has no font and degrades to '?' without losing the rest of
     * the line. */
    fixture f;
    fixture_make(&f, sample_xml, 1, "PHYS \u05e9\u05dc\u05d5\u05dd", /* regular, the name bold */
                 "Week 5: Membrane potentials", "2024-10-03 17:00",
                 "张伟 (Zhang Wei) Ивано\u0432 \u0639\u0644\u064a "
                 "\u05d3\u05d5\u05d3 Nguy\u1ec5n \uae40\ubbfc\uc900 "
                 "\U0001F9E0",
                 "s-<&>-7");
    ion_pdf *p = new_pdf(en);
    add_ws(p, &f.s);
    fixture_free(&f);
    char path[256];
    save(p, "scripts", path, sizeof path);
    char *text = pdftext(path, 0);
    assert_has(text, "张伟");
    assert_has(text, "(Zhang Wei)");
    assert_has(text, "Иванов");
    /* علي: its joined glyphs stand for its letters (ToUnicode); poppler
     * gives right-to-left text back in reading order */
    assert_has(text, "\u0639\u0644\u064a");
    assert_has(text, "\u05d3\u05d5\u05d3");
    assert_has(text, "Nguy\u1ec5n");
    assert_has(text, "\uae40\ubbfc\uc900"); /* Korean: WenQuanYi */
    assert_has(text, "\n?\n"); /* the name's last word, wrapped */
    assert_has(text, "\u05e9\u05dc\u05d5\u05dd");
    assert_has(text, "s-<&>-7");
    free(text);
    char *fonts = run("pdffonts %s", path);
    assert_has(fonts, "+DejaVuSans ");
    assert_has(fonts, "+DejaVuSans-Bold ");
    assert_has(fonts, "+WenQuanYiMicroHei ");
    assert_all_embedded(fonts);
    free(fonts);
}

/* DejaVu Sans goes only into documents that draw one of its glyphs. */
static void test_unicode_font_lazy(void **state)
{
    (void)state;
    fixture f;
    sample(&f, 1, "Ada Li", "s001");
    ion_pdf *p = new_pdf(en);
    add_ws(p, &f.s);
    fixture_free(&f);
    char path[256];
    save(p, "latin-only", path, sizeof path);
    char *fonts = run("pdffonts %s", path);
    if (strstr(fonts, "DejaVu"))
        fail_msg("a Latin-only sheet embeds DejaVu:\n%s", fonts);
    free(fonts);
    long latin = file_size(path);
    assert_true(latin < 10000);

    sample(&f, 1, "\u0645\u062d\u0645\u062f", "s004");
    p = new_pdf(en);
    add_ws(p, &f.s);
    fixture_free(&f);
    save(p, "arabic", path, sizeof path);
    fonts = run("pdffonts %s", path);
    assert_has(fonts, "DejaVuSans");
    assert_all_embedded(fonts);
    free(fonts);
    /* the font is embedded, as a subset (DejaVu Sans itself is 740 KB) */
    assert_true(file_size(path) > latin + 2000);
    assert_true(file_size(path) < latin + 40000);
}

static void test_very_long_name(void **state)
{
    (void)state;
    char name[4096];
    size_t n = 0;
    const char *word = "Wolfeschlegelsteinhausenbergerdorff ";
    while (n + strlen(word) < 2000) {
        memcpy(name + n, word, strlen(word));
        n += strlen(word);
    }
    name[n] = '\0';
    char id[600];
    memset(id, '9', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    fixture f;
    sample(&f, 2, name, id);
    ion_pdf *p = new_pdf(en);
    add_ws(p, &f.s);
    fixture_free(&f);
    assert_int_equal(ion_pdf_page_count(p), 1);
    char path[256];
    save(p, "long-name", path, sizeof path);
    char *text = pdftext(path, 0);
    assert_has(text, "Wolfeschlegelsteinhausenbergerdorff");
    assert_has(text, "\u2026"); /* cut with an ellipsis */
    assert_has(text, "Problem 2");
    free(text);
}

/* ---- solutions ------------------------------------------------------- */

static void test_solutions(void **state)
{
    (void)state;
    ion_pdf *p = new_pdf(en);
    ion_error err = {0};
    fixture a, b;
    sample(&a, 4, "Ada Li", "s001");
    sample(&b, 4, "Ben Okafor", "s002");
    assert_int_equal(ion_pdf_add_solutions(p, &a.s, &err), 0);
    int first = ion_pdf_page_count(p);
    assert_int_equal(ion_pdf_add_solutions(p, &b.s, &err), 0);
    fixture_free(&a);
    fixture_free(&b);
    char path[256];
    save(p, "solutions", path, sizeof path);
    char *text = pdftext(path, 1);
    assert_has(text, "Worked solutions");
    assert_has(text, "Instructor copy");
    assert_has(text, "Ada Li");
    assert_has(text, "\u221293.7 mV"); /* the answer, thin space extracted */
    assert_has(text, "outward");
    assert_has(text, "Potentials (mV)"); /* the ladder */
    assert_has(text, "128.3 mV"); /* a mark: a param as written */
    free(text);
    char *t2 = pdftext(path, first + 1);
    assert_has(t2, "Ben Okafor");
    assert_has(t2, "Page 1 of");
    free(t2);
}

static void test_ladder_close_values(void **state)
{
    (void)state;
    /* Marks 0.3 mV apart must still get separate labels. */
    static const char xml[] = PROBLEMS_XML(
        "<problem id=\"close\" topic=\"drive\" difficulty=\"1\">"
        "<title xml:lang=\"en\">Close potentials</title>"
        "<param name=\"E_Cl\" unit=\"mV\" value=\"-70.1\"/><param name=\"E_K\" unit=\"mV\" value=\"-70.4\"/>"
        "<param name=\"E_X\" unit=\"mV\" value=\"-69.9\"/><param name=\"Vm\" unit=\"mV\" value=\"-70.0\" digits=\"3\"/>"
        "<text xml:lang=\"en\">Three potentials within half a millivolt.</text>"
        "<part id=\"a\" kind=\"numeric\" unit=\"mV\" tol-abs=\"0.5\" points=\"1\">"
        "<text xml:lang=\"en\">Give E<sub>K</sub>.</text><answer>E_K</answer></part>"
        "</problem>");
    fixture f;
    fixture_make(&f, xml, 1, "PHYS 2210", "Week 5", NULL, "Ada Li", "s001");
    ion_pdf *p = new_pdf(en);
    ion_error err = {0};
    assert_int_equal(ion_pdf_add_solutions(p, &f.s, &err), 0);
    fixture_free(&f);
    char path[256];
    save(p, "ladder-close", path, sizeof path);
    char *text = run("pdftotext -raw -enc UTF-8 %s -", path);
    assert_has(text, "\u221270.1 mV");
    assert_has(text, "\u221270.4 mV");
    assert_has(text, "\u221269.9 mV");
    assert_has(text, "\u221270.0 mV");
    free(text);
}

static void test_solutions_zh(void **state)
{
    (void)state;
    static const char xml[] = PROBLEMS_XML(
        "<problem id=\"z-sol\" topic=\"drive\" difficulty=\"1\">"
        "<title xml:lang=\"en\">K</title>"
        "<title xml:lang=\"zh\">钾离子的平衡电位与驱动力（一个很长的标题，用来检查标题在页面宽度内"
        "换行时背景色块是否随之增高）</title>"
        "<param name=\"E_K\" unit=\"mV\" value=\"-89.0\" digits=\"3\"/><param name=\"E_Na\" unit=\"mV\" value=\"60.6\"/>"
        "<param name=\"Vm\" unit=\"mV\" value=\"-70.0\" digits=\"3\"/>"
        "<text xml:lang=\"en\">K</text>"
        "<text xml:lang=\"zh\">细胞外 [K<sup>+</sup>]<sub>o</sub> = 5\u2009mM，细胞内 140\u2009mM。</text>"
        "<part id=\"a\" kind=\"numeric\" unit=\"mV\" sigfigs=\"3\" tol-abs=\"0.5\" points=\"2\">"
        "<text xml:lang=\"en\">E</text><text xml:lang=\"zh\">计算 E<sub>K</sub>。</text>"
        "<answer>E_K</answer></part>"
        "<part id=\"b\" kind=\"choice\" points=\"1\"><text xml:lang=\"en\">I</text>"
        "<text xml:lang=\"zh\">K<sup>+</sup> 电流的方向？</text>"
        DIRECTIONS "<answer>direction(Vm, E_K)</answer></part>"
        "<solution xml:lang=\"en\">S</solution>"
        "<solution xml:lang=\"zh\">E<sub>K</sub> = (RT/F) ln(5/140) = {E_K}。因为 "
        "V<sub>m</sub> &gt; E<sub>K</sub>，驱动力为正，K<sup>+</sup> 外流。</solution>"
        "</problem>");
    fixture f;
    fixture_make(&f, xml, 1, "生理学 2210", "第五周：膜电位", NULL, "王小明", "s002");
    ion_pdf *p = new_pdf(zh);
    ion_error err = {0};
    assert_int_equal(ion_pdf_add_solutions(p, &f.s, &err), 0);
    fixture_free(&f);
    char path[256];
    save(p, "solutions-zh", path, sizeof path);
    char *text = pdftext(path, 0);
    assert_has(text, "详细解答");
    assert_has(text, "教师用卷");
    assert_has(text, "解答");
    assert_has(text, "电位 (mV)");
    assert_has(text, "王小明");
    assert_has(text, "外向");
    assert_has(text, "\u221289.0 mV");
    free(text);
}

/* A problem taller than a page breaks between rows instead of being lost. */
static void test_problem_longer_than_page(void **state)
{
    (void)state;
    static char xml[16384];
    size_t n = (size_t)snprintf(xml, sizeof xml,
                                "<problems xmlns=\"urn:ionsheet:problem:1\">"
                                "<problem id=\"tall\" topic=\"ghk\" difficulty=\"1\">"
                                "<title xml:lang=\"en\">Resting potential of the squid axon</title>"
                                "<param name=\"Vrest\" unit=\"mV\" value=\"-60.3\"/><text xml:lang=\"en\">");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(xml + n, sizeof xml - n, "The membrane potential depends on every permeant ion, "
                                                       "weighted by its permeability. ");
    n += (size_t)snprintf(xml + n, sizeof xml - n, "</text>");
    for (int i = 0; i < 12; i++)
        n += (size_t)snprintf(xml + n, sizeof xml - n,
                              "<part id=\"%c\" kind=\"numeric\" unit=\"mV\" tol-abs=\"0.5\" points=\"3\">"
                              "<text xml:lang=\"en\">Use the GHK voltage equation to find V<sub>m</sub> (take "
                              "P<sub>K</sub> : P<sub>Na</sub> : P<sub>Cl</sub> = 1 : 0.04 : 0.45).</text>"
                              "<answer>Vrest</answer></part>",
                              'a' + i);
    snprintf(xml + n, sizeof xml - n, "</problem></problems>");
    fixture f;
    fixture_make(&f, xml, 1, "PHYS 2210 Cellular Physiology", "Week 5: Membrane potentials",
                 "2024-10-03 17:00", "Ada Li", "s001");
    ion_pdf *p = new_pdf(en);
    add_ws(p, &f.s);
    fixture_free(&f);
    int pages = ion_pdf_page_count(p);
    char path[256];
    save(p, "tall-problem", path, sizeof path);
    assert_true(pages >= 2);
    char *text = pdftext(path, 0);
    assert_has(text, "1a");
    assert_has(text, "1l");
    free(text);
    char *first = pdftext(path, 1);
    assert_has(first, "Problem 1"); /* starts right under the header */
    free(first);
}

/* ---- documents ------------------------------------------------------- */

static void test_empty_and_finished(void **state)
{
    (void)state;
    ion_error err = {0};
    ion_pdf *p = new_pdf(en);
    const unsigned char *data;
    size_t len;
    assert_int_equal(ion_pdf_bytes(p, &data, &len, &err), -1);
    assert_non_null(strstr(err.msg, "no pages"));
    fixture f;
    sample(&f, 4, "Ada Li", "s001");
    add_ws(p, &f.s);
    assert_int_equal(ion_pdf_bytes(p, &data, &len, &err), 0);
    const unsigned char *again;
    size_t len2;
    assert_int_equal(ion_pdf_bytes(p, &again, &len2, &err), 0);
    assert_ptr_equal(data, again);
    assert_int_equal(ion_pdf_add_worksheet(p, &f.s, &err), -1);
    assert_non_null(strstr(err.msg, "finished"));
    fixture_free(&f);
    ion_pdf_free(p);
}

/* A streamed document (class.pdf, solutions.pdf) reads and looks exactly
 * like one libharu builds in memory: every page's text and pixels, with
 * every kind of font (Type1, the CJK CID fonts, embedded DejaVu Sans). */
static void test_streamed_same_pages(void **state)
{
    (void)state;
    ion_error err = {0};
    const ion_tmpl *tmpls[] = {en, zh};
    for (int t = 0; t < 2; t++) {
        fixture sheets[3];
        sample(&sheets[0], 4, "Ada Li", "s001");
        sample(&sheets[1], 7, "张伟 (Zhang Wei)", "s002");
        sample(&sheets[2], 4, "\u0639\u0644\u064a Nguy\u1ec5n \uae40\ubbfc\uc900", "s003");
        char spath[256], mpath[256];
        snprintf(spath, sizeof spath, "/tmp/ionsheet-test-pdf-streamed-%d.pdf", t);
        FILE *f = fopen(spath, "wb");
        assert_non_null(f);
        ion_pdf *str = ion_pdf_new_streamed(tmpls[t], f, &err);
        assert_non_null(str);
        ion_pdf *mem = new_pdf(tmpls[t]);
        ion_pdf *docs[] = {str, mem};
        share_fonts(tmpls[t], sheets, 3, docs, 2);
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 2; k++) {
                ion_pdf *p = k ? mem : str;
                int rc = i == 1 ? ion_pdf_add_solutions(p, &sheets[i].s, &err)
                                : ion_pdf_add_worksheet(p, &sheets[i].s, &err);
                if (rc)
                    fail_msg("add: %s", err.msg);
            }
        const unsigned char *data;
        size_t len;
        assert_int_equal(ion_pdf_bytes(str, &data, &len, &err), -1);
        assert_int_equal(ion_pdf_finish(str, &err), 0);
        assert_int_equal(ion_pdf_add_worksheet(str, &sheets[0].s, &err), -1);
        assert_non_null(strstr(err.msg, "finished"));
        for (int i = 0; i < 3; i++)
            fixture_free(&sheets[i]);
        assert_int_equal(fclose(f), 0);
        int pages = ion_pdf_page_count(mem);
        ion_pdf_free(str);
        save(mem, t ? "in-memory-1" : "in-memory-0", mpath, sizeof mpath);
        assert_int_equal(page_count(spath), pages);
        char *t1 = run("pdftotext -raw -enc UTF-8 %s - 2>&1", spath);
        char *t2 = run("pdftotext -raw -enc UTF-8 %s - 2>&1", mpath);
        assert_string_equal(t1, t2);
        assert_has(t1, "Zhang Wei");
        assert_has(t1, "\u0639\u0644\u064a"); /* the Arabic */
        assert_has(t1, "\uae40\ubbfc\uc900");
        free(t1);
        free(t2);
        t1 = run("pdftoppm -r 40 %s 2>&1 | md5sum", spath);
        t2 = run("pdftoppm -r 40 %s 2>&1 | md5sum", mpath);
        assert_string_equal(t1, t2);
        free(t1);
        free(t2);
        t1 = run("pdffonts %s 2>&1", spath);
        assert_has(t1, "DejaVuSans");
        assert_has(t1, "WenQuanYiMicroHei");
        assert_has(t1, "Helvetica");
        assert_all_embedded(t1);
        free(t1);
    }
}

static void test_streamed_errors(void **state)
{
    (void)state;
    ion_error err = {0};
    FILE *f = tmpfile();
    assert_non_null(f);
    ion_pdf *p = ion_pdf_new_streamed(en, f, &err);
    assert_non_null(p);
    assert_int_equal(ion_pdf_finish(p, &err), -1);
    assert_non_null(strstr(err.msg, "no pages"));
    ion_pdf_free(p);
    fclose(f);
    /* a full disk is an error, not a short file */
    f = fopen("/dev/full", "wb");
    assert_non_null(f);
    p = ion_pdf_new_streamed(en, f, &err);
    assert_non_null(p);
    fixture fx;
    sample(&fx, 4, "Ada Li", "s001");
    err.msg[0] = '\0';
    int rc = ion_pdf_add_worksheet(p, &fx.s, &err);
    fixture_free(&fx);
    rc = rc ? rc : ion_pdf_finish(p, &err);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err.msg, "written"));
    ion_pdf_free(p);
    fclose(f);
    /* fonts from something that is not libharu's PDF */
    f = tmpfile();
    ion_pdfw *w = ion_pdfw_begin(f, &err);
    const unsigned char font = 0;
    assert_int_equal(ion_pdfw_page(w, 100, 100, &font, 1, "x", 1, &err), 0);
    static const char junk[] = "%PDF-1.3\012%\267\276\255\252\012 1 0 obj << /A 9 0 R >> "
                               "endobj xref 0 2 startxref 3";
    unsigned objs[ION_PDFW_FONTS] = {1};
    assert_int_equal(ion_pdfw_finish(w, (const unsigned char *)junk, sizeof junk - 1, objs, 1, "en", &err), -1);
    assert_non_null(strstr(err.msg, "fonts"));
    ion_pdfw_free(w);
    fclose(f);
}

static void test_deterministic(void **state)
{
    (void)state;
    ion_error err = {0};
    const unsigned char *d1, *d2;
    size_t l1, l2;
    fixture f;
    sample(&f, 4, "Ada Li", "s001");
    ion_pdf *a = new_pdf(en), *b = new_pdf(en);
    add_ws(a, &f.s);
    add_ws(b, &f.s);
    fixture_free(&f);
    assert_int_equal(ion_pdf_bytes(a, &d1, &l1, &err), 0);
    assert_int_equal(ion_pdf_bytes(b, &d2, &l2, &err), 0);
    assert_int_equal(l1, l2);
    assert_memory_equal(d1, d2, l1);
    ion_pdf_free(a);
    ion_pdf_free(b);
}

static double cpu_ms(void)
{
    return 1000.0 * (double)clock() / CLOCKS_PER_SEC;
}

static void test_size_and_speed(void **state)
{
    (void)state;
    ion_error err = {0};
    const unsigned char *data;
    size_t len;
    fixture f;
    sample(&f, 4, "Ada Li", "s001");
    ion_pdf *one = new_pdf(en);
    add_ws(one, &f.s);
    assert_int_equal(ion_pdf_bytes(one, &data, &len, &err), 0);
    print_message("one-student PDF: %zu bytes, %d page(s)\n", len,
                  ion_pdf_page_count(one));
    assert_true(len < 12000);
    ion_pdf_free(one);

    enum { N = 200 };
    double t0 = cpu_ms();
    ion_pdf *cls = new_pdf(en);
    for (int i = 0; i < N; i++)
        add_ws(cls, &f.s);
    fixture_free(&f);
    assert_int_equal(ion_pdf_bytes(cls, &data, &len, &err), 0);
    double ms = cpu_ms() - t0;
    int pages = ion_pdf_page_count(cls);
    print_message("class of %d: %d pages, %zu bytes (%.0f per student), "
                  "%.3f ms CPU per page\n",
                  N, pages, len, (double)len / N, ms / pages);
    ion_pdf_free(cls);
}

/* ---- templates ------------------------------------------------------- */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 16) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* en.conf with `edit` appended (or with the line starting `drop` removed). */
static ion_tmpl *parse_variant(const char *drop, const char *edit,
                               ion_error *err)
{
    size_t len;
    char *base = read_all("templates/en.conf", &len);
    char *buf = malloc(len + 1024);
    assert_non_null(buf);
    size_t n = 0;
    for (char *line = base; *line;) {
        char *nl = strchr(line, '\n');
        size_t ll = nl ? (size_t)(nl - line + 1) : strlen(line);
        if (!drop || strncmp(line, drop, strlen(drop)) != 0) {
            memcpy(buf + n, line, ll);
            n += ll;
        }
        line += ll;
    }
    if (edit) {
        memcpy(buf + n, edit, strlen(edit));
        n += strlen(edit);
    }
    ion_tmpl *t = ion_tmpl_parse(buf, n, "x.conf", "en", err);
    free(buf);
    free(base);
    return t;
}

static void test_tmpl_values(void **state)
{
    (void)state;
    assert_string_equal(ion_tmpl_lang(en), "en");
    assert_string_equal(ion_tmpl_str(en, "label.name"), "Name");
    assert_true(ion_tmpl_num(en, "page.width_mm") == 210);
    assert_null(ion_tmpl_str(en, "page.width_mm"));
    /* a key the catalogue lacks: test_text.c, test_unknown_key */
    assert_true(ion_tmpl_num(en, "label.name") == 0);
    assert_string_equal(ion_tmpl_str(zh, "choice.outward"), "外向");
    assert_null(ion_tmpl_str(en, "choice.outward"));
    /* Every key found by lookup (a sorted index) as listed in file order,
     * and each kind only by its own lookup. */
    const ion_tmpl *both[] = {en, zh};
    const char *key, *v;
    for (int k = 0; k < 2; k++) {
        int i = 0;
        for (; (v = ion_tmpl_str_at(both[k], i, &key)); i++) {
            assert_ptr_equal(ion_tmpl_str(both[k], key), v);
            assert_null(ion_tmpl_msg(both[k], key));
        }
        assert_true(i > 100);
        for (i = 0; (v = ion_tmpl_msg_at(both[k], i, &key, NULL)); i++) {
            assert_ptr_equal(ion_tmpl_msg(both[k], key), v);
            assert_null(ion_tmpl_str(both[k], key));
            assert_true(ion_tmpl_num(both[k], key) == 0);
        }
        assert_true(i > 100);
    }
    assert_null(ion_tmpl_msg(en, "err.nope"));
    assert_null(ion_tmpl_msg(en, ""));

    char out[64];
    const char *names[] = {"page", "pages"}, *values[] = {"2", "10"};
    assert_int_equal(ion_tmpl_expand(out, sizeof out, "Page {page} of {pages}"
                                     " {x} {page",
                                     names, values, 2),
                     strlen("Page 2 of 10 {x} {page"));
    assert_string_equal(out, "Page 2 of 10 {x} {page");
    assert_int_equal(ion_tmpl_expand(out, 5, "{page}{pages}", names, values,
                                     2),
                     3);
    assert_string_equal(out, "210");
    assert_int_equal(ion_tmpl_expand(out, 3, "{pages}{pages}", names, values,
                                     2),
                     4);
    assert_string_equal(out, "10");
}

static void expect_error(const char *drop, const char *edit, int line,
                         const char *msg)
{
    ion_error err = {0};
    ion_tmpl *t = parse_variant(drop, edit, &err);
    if (t)
        fail_msg("expected '%s'", msg);
    assert_string_equal(err.file, "x.conf");
    if (line >= 0)
        assert_int_equal(err.line, line);
    if (!strstr(err.msg, msg))
        fail_msg("'%s' does not say '%s'", err.msg, msg);
}

static void test_tmpl_errors(void **state)
{
    (void)state;
    size_t len;
    char *base = read_all("templates/en.conf", &len);
    int lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += base[i] == '\n';
    free(base);
    int next = lines + 1; /* the appended line */
    expect_error(NULL, "label.colour = red\n", next, "unknown key 'label.colour'");
    expect_error(NULL, "label.name = Nom\n", next, "duplicate key 'label.name'");
    expect_error(NULL, "just words\n", next, "expected 'key = value'");
    expect_error(NULL, "= value\n", next, "invalid key");
    expect_error(NULL, "font.body_pt = 10\n", next, "duplicate");
    expect_error("font.body_pt", "font.body_pt = ten\n", -1,
                 "needs a positive number");
    expect_error("font.body_pt", "font.body_pt = -3\n", -1,
                 "needs a positive number");
    expect_error("label.page", NULL, 0, "missing key 'label.page'");
    expect_error(NULL, "choice.none = x\nchoice.none = y\n", next + 1,
                 "duplicate key 'choice.none'");

    ion_error err = {0};
    assert_null(ion_tmpl_load("templates", "../etc/passwd", &err));
    assert_non_null(strstr(err.msg, "invalid language"));
    assert_null(ion_tmpl_load("templates", "xx", &err));
    assert_non_null(strstr(err.file, "templates/xx.conf"));
    assert_non_null(strstr(err.msg, "cannot open"));
}

static void test_tmpl_comments_and_blanks(void **state)
{
    (void)state;
    ion_error err = {0};
    ion_tmpl *t = parse_variant("label.instructions",
                                "  # indented comment\n\r\n"
                                "label.instructions =\n",
                                &err);
    assert_non_null(t);
    assert_string_equal(ion_tmpl_str(t, "label.instructions"), "");
    ion_tmpl_free(t);
}

/* ---- golden files ---------------------------------------------------- */

/* The text of tests/pdf/NAME.pdf as `pdftotext -raw` gives it must equal
 * tests/pdf/NAME.txt. With IONSHEET_UPDATE_GOLDEN=1 both files are
 * rewritten instead (look at the PDF before committing it). */
static void golden(const char *name, int solutions, const ion_tmpl *t,
                   const ion_student_sheet *s)
{
    ion_pdf *p = new_pdf(t);
    ion_error err = {0};
    int rc = solutions ? ion_pdf_add_solutions(p, s, &err)
                       : ion_pdf_add_worksheet(p, s, &err);
    assert_int_equal(rc, 0);
    char path[256];
    save(p, name, path, sizeof path);
    char *text = run("pdftotext -raw -enc UTF-8 %s -", path);
    char gold[256];
    snprintf(gold, sizeof gold, "tests/pdf/%s.txt", name);
    const char *update = getenv("IONSHEET_UPDATE_GOLDEN");
    if (update && *update == '1') {
        FILE *f = fopen(gold, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        free(run("cp %s tests/pdf/%s.pdf", path, name));
    } else {
        size_t len;
        char *want = read_all(gold, &len);
        if (strcmp(want, text) != 0)
            fail_msg("%s differs from %s (IONSHEET_UPDATE_GOLDEN=1 "
                     "rewrites it)",
                     path, gold);
        free(want);
    }
    free(text);
}

static void test_golden(void **state)
{
    (void)state;
    fixture f;
    sample(&f, 4, "Ada Li", "s001");
    golden("worksheet-en", 0, en, &f.s);
    golden("solutions-en", 1, en, &f.s);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tmpl_values),
        cmocka_unit_test(test_tmpl_errors),
        cmocka_unit_test(test_tmpl_comments_and_blanks),
        cmocka_unit_test(test_worksheet_en),
        cmocka_unit_test(test_long_sheet_flows),
        cmocka_unit_test(test_class_pages_per_student),
        cmocka_unit_test(test_add_to_several),
        cmocka_unit_test(test_worksheet_zh),
        cmocka_unit_test(test_names_any_script),
        cmocka_unit_test(test_unicode_font_lazy),
        cmocka_unit_test(test_very_long_name),
        cmocka_unit_test(test_solutions),
        cmocka_unit_test(test_ladder_close_values),
        cmocka_unit_test(test_solutions_zh),
        cmocka_unit_test(test_problem_longer_than_page),
        cmocka_unit_test(test_empty_and_finished),
        cmocka_unit_test(test_streamed_same_pages),
        cmocka_unit_test(test_streamed_errors),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_size_and_speed),
        cmocka_unit_test(test_golden),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
