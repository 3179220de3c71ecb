/* The message catalogue (text.h): lookups, glosses, placeholders, the
 * number reader's reasons in Chinese, and a catalogue that cannot load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"
#include "text.h"

static int reset(void **state)
{
    (void)state;
    ion_text_release();
    ion_text_set_dir("templates");
    return 0;
}

static void test_lookup_and_fill(void **state)
{
    (void)state;
    ion_error err = {0};
    assert_non_null(ion_text_catalogue("en", &err));
    assert_non_null(ion_text_catalogue("zh", &err));
    assert_string_equal(ion_text_get("en", "feedback.no_answer"), "(none)");
    assert_string_equal(ion_text_get("zh", "feedback.no_answer"), "（无）");
    assert_string_equal(ion_text_get(NULL, "label.name"), "Name");

    char out[128];
    size_t n = ion_text_fill(out, sizeof out, "zh", "feedback.answer", "answer", "-58 mV", (const char *)NULL);
    assert_string_equal(out, "你的答案：-58 mV");
    assert_int_equal(n, strlen(out));
    /* Cut like snprintf, the whole length still told. */
    n = ion_text_fill(out, 6, "en", "feedback.key", "key", "-58.32 mV", (const char *)NULL);
    assert_string_equal(out, "key: ");
    assert_int_equal(n, strlen("key: -58.32 mV"));
    char *s = ion_text_format("en", ion_text_plural("en", "drill.summary", 3), "done", "3", "right", "2",
                              (const char *)NULL);
    assert_string_equal(s, "Summary: 3 problems done, 2 right the first time.");
    free(s);
}

/* A key the catalogue does not have, looked up (tmpl.h: ion_tmpl_missing):
 * without IONSHEET_TEXT_STRICT "[[KEY]]" where the text should be, for
 * strings and messages alike (no '%' left for printf); with it an abort
 * naming the key. An absent gloss is no such key: the id, as ever. */
static void test_unknown_key(void **state)
{
    (void)state;
    const char *strict = getenv("IONSHEET_TEXT_STRICT");
    char *saved = strict ? strdup(strict) : NULL;
    unsetenv("IONSHEET_TEXT_STRICT");
    assert_string_equal(ion_text_get("zh", "no.such.key"), "[[no.such.key]]");
    assert_string_equal(ion_text_get("en", "label.no_such"), "[[label.no_such]]");
    char out[128];
    ion_text_say(out, sizeof out, "err.no_such", "%d", 3);
    assert_string_equal(out, "[[err.no_such]]");
    ion_error err = {0};
    ion_fail_key(&err, "f", 1, "err.no_such_either", "-");
    assert_string_equal(err.msg, "[[err.no_such_either]]");
    /* a message asked for with other arguments than it takes */
    assert_string_equal(ion_text_msg("en", "cli.init.ready", "%d"), "[[cli.init.ready]]");
    assert_string_equal(ion_text_msg("en", "bad%nkey", "-"), "[[bad?nkey]]");
    assert_string_equal(ion_text_gloss("en", "topic", "no-such-topic"), "no-such-topic");
    assert_string_equal(ion_text_get("en", "label.name"), "Name");

    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    fflush(stderr);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        setenv("IONSHEET_TEXT_STRICT", "1", 1);
        ion_text_get("en", "label.missing_in_test");
        _exit(0); /* not reached when the lookup aborts */
    }
    close(pipefd[1]);
    char said[4096] = "";
    size_t got = 0;
    for (ssize_t n; got + 1 < sizeof said && (n = read(pipefd[0], said + got, sizeof said - 1 - got)) > 0;)
        got += (size_t)n;
    said[got] = '\0';
    close(pipefd[0]);
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    assert_non_null(strstr(said, "ionsheet: no catalogue text for key 'label.missing_in_test'"));
    if (saved)
        setenv("IONSHEET_TEXT_STRICT", saved, 1);
    free(saved);
}

static void test_glosses(void **state)
{
    (void)state;
    assert_string_equal(ion_text_gloss("zh", "topic", "nernst"), "能斯特电位");
    assert_string_equal(ion_text_gloss("en", "topic", "nernst"), "Nernst potentials");
    assert_string_equal(ion_text_gloss("zh", "dim", "voltage"), "电压");
    /* every dimension has a Chinese name, those of two words too */
    for (int d = 0; d < ION_DIM_COUNT; d++)
        if (!strcmp(ion_text_gloss("zh", "dim", ion_dim_name((ion_dim)d)), ion_dim_name((ion_dim)d)))
            fail_msg("dimension '%s' has no zh gloss", ion_dim_name((ion_dim)d));
    assert_string_equal(ion_text_gloss("zh", "dim", "current density"), "电流密度");
    assert_string_equal(ion_text_gloss("en", "dim", "current density"), "current density");
    assert_string_equal(ion_text_gloss("zh", "verdict", "carried"), "沿用正确");
    /* No gloss: the id itself (English verdicts are their names). */
    assert_string_equal(ion_text_gloss("en", "verdict", "right"), "right");
    assert_string_equal(ion_text_gloss("zh", "topic", "new-topic"), "new-topic");
}

static void test_reasons(void **state)
{
    (void)state;
    char out[256];
    /* The number reader's reasons, codes put in words in each language. */
    static const struct { const char *text, *en, *zh; } cases[] = {
        {"abc", "'abc' is not a number", "“abc”不是数值"},
        {"4 mX", "unknown unit 'mX'", "不认识的单位“mX”"},
        {"4 MS", "ambiguous unit 'MS': mS or ms?", "单位“MS”有歧义：是 mS 还是 ms？"},
        {"1,2.3", "'1,2.3' has more than one decimal separator", NULL},
        {"-70 or -57", "ambiguous: '-70 or -57' gives two different answers", NULL},
        /* The quoted text may hold the pattern's own words: no matching. */
        {"x' is not a number", "'x' is not a number' is not a number", "“x' is not a number”不是数值"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v;
        const ion_unit *u;
        ion_reason why;
        assert_int_equal(ion_parse_quantity(cases[i].text, &v, &u, &why), -1);
        assert_string_equal(ion_text_reason("en", &why, out, sizeof out), cases[i].en);
        if (cases[i].zh)
            assert_string_equal(ion_text_reason("zh", &why, out, sizeof out), cases[i].zh);
    }
    ion_reason too_long = {ION_REASON_TOO_LONG, "", "", ""};
    assert_string_equal(ion_text_reason("zh", &too_long, out, sizeof out), "答案太长");
    ion_reason none = {ION_REASON_NONE, "x", "", ""};
    assert_string_equal(ion_text_reason("zh", &none, out, sizeof out), "");
    /* Why a whole file was refused, as the database keeps it (a code and
     * its arguments), in each language. */
    assert_string_equal(ion_text_refusal("zh", "not-utf8", out, sizeof out), "不是有效的 UTF-8 文本");
    assert_string_equal(ion_text_refusal("en", "not-utf8", out, sizeof out), "not valid UTF-8 text");
    assert_string_equal(ion_text_refusal("zh", "other-worksheet\tw2\tw3", out, sizeof out),
                        "这份提交属于作业“w2”，而参考答案属于“w3”");
    assert_string_equal(ion_text_refusal("en", "other-worksheet\tw2\tw3", out, sizeof out),
                        "this submission is for worksheet 'w2', the key is for 'w3'");
    assert_string_equal(ion_text_refusal("en", "too-large\t1048576", out, sizeof out),
                        "the file is larger than 1048576 bytes");
    /* A missing argument is empty; an unknown code copied as it is. */
    assert_string_equal(ion_text_refusal("en", "convert", out, sizeof out), "cannot convert  text");
    assert_string_equal(ion_text_refusal("zh", "something new", out, sizeof out), "something new");
    /* Made and read back: a tab in an argument cannot split it. */
    char coded[64];
    ion_error e;
    assert_int_equal(ion_fail_refusal(&e, "f.txt", 3, coded, sizeof coded, ION_REFUSAL_HEADER_EMPTY,
                                      "stu\tdent", (const char *)NULL), -1);
    assert_string_equal(coded, "header-empty\tstu dent");
    assert_string_equal(e.msg, "the stu dent line is empty");
    assert_string_equal(ion_text_refused_file("zh", "s1.pdf: pdf", out, sizeof out),
                        "s1.pdf：这是 PDF，不是纯文本：请把答案写在答题文件中");
}

/* Every refusal is stored as the code the database has always held (a
 * bank written before the enum reads the same) and has words in both
 * languages (but "said": the words that came, as they came). */
static void test_refusal_codes(void **state)
{
    (void)state;
    static const char *const stored[ION_REFUSAL_COUNT] = {
        [ION_REFUSAL_NOT_UTF8] = "not-utf8", [ION_REFUSAL_BINARY] = "binary",
        [ION_REFUSAL_NO_STUDENT] = "no-student", [ION_REFUSAL_NO_STUDENT_ATTR] = "no-student-attr",
        [ION_REFUSAL_EMPTY] = "empty", [ION_REFUSAL_TOO_LARGE] = "too-large",
        [ION_REFUSAL_BAD_ENCODING] = "bad-encoding", [ION_REFUSAL_CONVERT] = "convert",
        [ION_REFUSAL_GRADEBOOK] = "gradebook", [ION_REFUSAL_NO_COLUMNS] = "no-columns",
        [ION_REFUSAL_DOCTYPE] = "doctype", [ION_REFUSAL_OTHER_WORKSHEET] = "other-worksheet",
        [ION_REFUSAL_UNKNOWN_STUDENT] = "unknown-student", [ION_REFUSAL_DOCX] = "docx",
        [ION_REFUSAL_OFFICE] = "office", [ION_REFUSAL_PDF] = "pdf", [ION_REFUSAL_RTF] = "rtf",
        [ION_REFUSAL_IMAGE] = "image", [ION_REFUSAL_UTF16_NO_BOM] = "utf16-no-bom",
        [ION_REFUSAL_HEADER_EMPTY] = "header-empty", [ION_REFUSAL_HEADER_TWICE] = "header-twice",
        [ION_REFUSAL_NO_STUDENT_COLUMN] = "no-student-column", [ION_REFUSAL_NO_ROWS] = "no-rows",
        [ION_REFUSAL_NO_STUDENT_ID] = "no-student-id", [ION_REFUSAL_NOT_REGULAR] = "not-regular",
        [ION_REFUSAL_CANNOT_OPEN] = "cannot-open", [ION_REFUSAL_CANNOT_READ] = "cannot-read",
        [ION_REFUSAL_NOT_SUBMISSION] = "not-submission", [ION_REFUSAL_SAID] = "said",
    };
    char coded[64], en[256], zh[256];
    ion_error e;
    for (int r = ION_REFUSAL_NONE + 1; r < ION_REFUSAL_COUNT; r++) {
        if (!stored[r])
            fail_msg("refusal %d: no stored code in this test", r);
        assert_int_equal(ion_fail_refusal(&e, "f.txt", 1, coded, sizeof coded, (ion_refusal)r, (const char *)NULL),
                         -1);
        if (strcmp(coded, stored[r]))
            fail_msg("refusal %d is stored as '%s', not '%s'", r, coded, stored[r]);
        ion_text_refusal("en", coded, en, sizeof en);
        ion_text_refusal("zh", coded, zh, sizeof zh);
        if (strcmp(e.msg, en))
            fail_msg("refusal '%s': the error says '%s', the catalogue '%s'", coded, e.msg, en);
        if (r != ION_REFUSAL_SAID && (!strcmp(en, coded) || !strcmp(zh, coded) || !strcmp(en, zh)))
            fail_msg("refusal '%s' has no words of its own: en '%s', zh '%s'", coded, en, zh);
    }
}

static void test_broken_catalogue(void **state)
{
    (void)state;
    char dir[] = "/tmp/ion-text-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/en.conf", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("label.name = Name\nnot a line\n", f);
    fclose(f);
    ion_text_release();
    ion_text_set_dir(dir);
    ion_error err = {0};
    assert_null(ion_text_catalogue("en", &err));
    assert_non_null(strstr(err.file, "en.conf"));
    assert_int_equal(err.line, 2);
    /* Said again to the next caller; lookups show keys. */
    memset(&err, 0, sizeof err);
    assert_null(ion_text_catalogue("en", &err));
    assert_int_equal(err.line, 2);
    assert_string_equal(ion_text_get("en", "label.name"), "label.name");
    assert_null(ion_text_catalogue("xx", &err));
    assert_non_null(strstr(err.msg, "cannot open"));
    unlink(path);
    rmdir(dir);
}

/* The languages are the catalogue's files: the shipped en and zh, named
 * as their files are; a name from the network matched case aside, by its
 * length; a language added by a file in another directory. */
static void test_languages(void **state)
{
    (void)state;
    char list[64];
    assert_string_equal(ion_text_languages(list, sizeof list), "en, zh");
    assert_string_equal(ion_text_language_at(0), "en");
    assert_null(ion_text_language_at(2));
    assert_true(ion_text_language_ok("zh"));
    assert_false(ion_text_language_ok("ZH"));
    assert_false(ion_text_language_ok("fr"));
    assert_false(ion_text_language_ok(""));
    assert_string_equal(ion_text_language("ZH-cn", 2), "zh");
    assert_null(ion_text_language("zh-CN", 5));
    assert_null(ion_text_language("z", 1));
    char dir[] = "/tmp/ion-lang-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *files[] = {"en.conf", "pt-BR.conf", "bad name.conf", ".conf", "notes.txt"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fclose(f);
    }
    ion_text_set_dir(dir);
    assert_string_equal(ion_text_languages(list, sizeof list), "en, pt-BR");
    assert_true(ion_text_language_ok("pt-BR"));
    assert_false(ion_text_language_ok("zh"));
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* The command line's messages: every key of en.conf in zh.conf and the
 * reverse, each taking the same arguments. (Loading zh checks this too;
 * this says which key when the shipped files disagree.) */
static void test_messages_agree(void **state)
{
    (void)state;
    ion_error err = {0};
    const ion_tmpl *en = ion_text_catalogue("en", &err), *zh = ion_text_catalogue("zh", &err);
    if (!en || !zh)
        fail_msg("%s:%d: %s", err.file, err.line, err.msg);
    const ion_tmpl *pair[2][2] = {{en, zh}, {zh, en}};
    int count = 0;
    for (int k = 0; k < 2; k++) {
        const char *key, *fmt;
        int line;
        for (int i = 0; (fmt = ion_tmpl_msg_at(pair[k][0], i, &key, &line)); i++, count++) {
            /* a message with a count has its own forms in each: other in both */
            char a[64], b[64], form[80];
            size_t stem = ion_tmpl_form_stem(key);
            snprintf(form, sizeof form, "%.*s.other", (int)stem, key);
            const char *other = ion_tmpl_msg(pair[k][1], stem ? form : key);
            if (!other)
                fail_msg("%s.conf:%d: %s is missing from the other language", k ? "zh" : "en", line, key);
            if (ion_text_signature(fmt, a, sizeof a) || ion_text_signature(other, b, sizeof b) || strcmp(a, b))
                fail_msg("%s.conf:%d: %s takes other arguments in the other language", k ? "zh" : "en", line, key);
        }
    }
    assert_true(count > 200); /* the command line's messages are there */
    /* Usage texts and messages come out with their escapes decoded. */
    assert_non_null(strstr(ion_text_msg("en", "cli.usage", "-"), "\ncommands:\n"));
    assert_string_equal(ion_text_msg("en", "cli.show.hint", "%s"), "hint: %s\n");
    assert_string_equal(ion_text_msg("zh", "cli.unknown_command", "%s"), "未知命令“%s”");
}

static void test_signatures(void **state)
{
    (void)state;
    static const struct { const char *fmt, *sig; } good[] = {
        {"plain text, 100%% sure", ""},
        {"%d %s", "is"},
        {"%-10s = %-16s %s", "sss"},
        {"%zu file%s, %lld, %llu, %g, %c, %5.2f", "zsqQfif"},
        {"%2$s: %1$d", "is"},
        {"%1$d %2$.0s", "is"}, /* an English plural ending, swallowed */
        {"%*d", "ii"},
        {"%lu %ld %x %p", "Llup"},
    };
    char sig[64];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (ion_text_signature(good[i].fmt, sig, sizeof sig))
            fail_msg("'%s' refused", good[i].fmt);
        assert_string_equal(sig, good[i].sig);
    }
    static const char *const bad[] = {
        "%n", "%ls", "%1$s %s", "%2$s", "%1$d %1$s", "%q", "trailing %", "%hhhd", "%Lf",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (ion_text_signature(bad[i], sig, sizeof sig) == 0)
            fail_msg("'%s' accepted", bad[i]);
}

/* Writes text to DIR/NAME. */
static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The shipped en.conf followed by extra lines, as DIR/NAME. */
static void copy_with(const char *dir, const char *from, const char *name, const char *extra)
{
    FILE *f = fopen(from, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *text = malloc(n + strlen(extra) + 1);
    assert_non_null(text);
    strcpy(text, buf);
    strcat(text, extra);
    write_file(dir, name, text);
    free(text);
}

/* The shipped file from, its line `key = ...` replaced by line (dropped
 * when line is ""), as DIR/NAME. */
static void copy_edit(const char *dir, const char *from, const char *name, const char *key, const char *line)
{
    FILE *f = fopen(from, "rb");
    assert_non_null(f);
    static char buf[1 << 20], out[(1 << 20) + 256];
    size_t n = fread(buf, 1, sizeof buf - 1, f), used = 0, kn = strlen(key);
    fclose(f);
    buf[n] = '\0';
    int found = 0;
    for (char *p = buf, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        assert_non_null(nl);
        int hit = !strncmp(p, key, kn) && (p[kn] == ' ' || p[kn] == '=');
        found |= hit;
        const char *put = hit ? line : p;
        size_t len = hit ? strlen(line) : (size_t)(nl - p + 1);
        memcpy(out + used, put, len);
        used += len;
    }
    out[used] = '\0';
    assert_true(found);
    write_file(dir, name, out);
}

static void remove_files(const char *dir)
{
    char path[256];
    for (const char *const *n = (const char *const[]){"en.conf", "zh.conf", "fr.conf", NULL}; *n; n++) {
        snprintf(path, sizeof path, "%s/%s", dir, *n);
        unlink(path);
    }
    rmdir(dir);
}

/* A translation whose message takes other arguments than English's does
 * not load (file and line said); nor one that lacks a message or has one
 * English lacks. A caller never gets a format for other arguments. */
static void test_mismatched_translation(void **state)
{
    (void)state;
    static const struct { const char *en_extra, *zh_extra, *says; int line_from_end; } cases[] = {
        {"cli.test = %d files\n", "cli.test = %s 个文件\n", "other arguments", 1},
        {"cli.test = %d files\n", "cli.test = %d 个文件 %s\n", "other arguments", 1},
        {"cli.test = %d files\n", "", "missing message 'cli.test'", 0},
        {"", "cli.test = %d 个文件\n", "not a message of", 1},
        {"cli.test = %d files\n", "cli.test = %n\n", "not a format", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char dir[] = "/tmp/ion-text-XXXXXX";
        assert_non_null(mkdtemp(dir));
        copy_with(dir, "templates/en.conf", "en.conf", cases[i].en_extra);
        copy_with(dir, "templates/zh.conf", "zh.conf", cases[i].zh_extra);
        ion_text_release();
        ion_text_set_dir(dir);
        ion_error err = {0};
        assert_non_null(ion_text_catalogue("en", &err));
        assert_null(ion_text_catalogue("zh", &err));
        if (!strstr(err.msg, cases[i].says))
            fail_msg("case %zu: %s", i, err.msg);
        assert_non_null(strstr(err.file, "zh.conf"));
        assert_true(cases[i].line_from_end ? err.line > 200 : err.line == 0);
        /* Messages of a language that did not load come in English. */
        if (*cases[i].en_extra)
            assert_string_equal(ion_text_msg("zh", "cli.test", "%d"), "%d files");
        remove_files(dir);
    }
    /* English itself, asked with other arguments: none (test_unknown_key:
     * a marker, or an abort in the tests). */
    ion_text_release();
    ion_text_set_dir("templates");
    assert_non_null(ion_text_msg("en", "cli.unknown_command", "%s"));
}

/* Plural forms: the form a count takes in each language's rule, the
 * counted phrases, and the strings of the PDFs (label.points). */
static void test_plurals(void **state)
{
    (void)state;
    assert_string_equal(ion_text_plural("en", "cli.bank.listed", 1), "cli.bank.listed.one");
    assert_string_equal(ion_text_plural("en", "cli.bank.listed", 0), "cli.bank.listed.other");
    assert_string_equal(ion_text_plural("en", "cli.bank.listed", 2), "cli.bank.listed.other");
    assert_string_equal(ion_text_plural("en", "cli.bank.listed", 1.5), "cli.bank.listed.other");
    assert_string_equal(ion_text_plural("zh", "cli.bank.listed", 1), "cli.bank.listed.other");
    assert_string_equal(ion_text_plural("en", "no.such", 1), "no.such"); /* shown as itself */
    assert_string_equal(ion_text_get("en", ion_text_plural("en", "label.points", 1)), "{n} point");
    assert_string_equal(ion_text_get("en", ion_text_plural("en", "label.points", 2.5)), "{n} points");
    assert_string_equal(ion_text_get("zh", ion_text_plural("zh", "label.points", 1)), "{n} 分");
    char out[64];
    assert_string_equal(ion_text_count("en", "count.templates", 1, out, sizeof out), "1 template");
    assert_string_equal(ion_text_count("en", "count.templates", 0, out, sizeof out), "0 templates");
    assert_string_equal(ion_text_count("zh", "count.templates", 1, out, sizeof out), "1 个模板");
    assert_string_equal(ion_text_msg("en", ion_text_plural("en", "err.expr.arity", 1), "%s%d%d"),
                        "%s takes %d argument, not %d");
    /* A third language whose rule gives 0, 1 and 1.5 the one form. */
    char dir[] = "/tmp/ion-plural-XXXXXX";
    assert_non_null(mkdtemp(dir));
    copy_with(dir, "templates/en.conf", "en.conf", "");
    copy_with(dir, "templates/zh.conf", "zh.conf", "");
    copy_edit(dir, "templates/en.conf", "fr.conf", "plural.rule", "plural.rule = one-below-2\n");
    ion_text_release();
    ion_text_set_dir(dir);
    ion_error err = {0};
    if (!ion_text_catalogue("fr", &err))
        fail_msg("%s:%d: %s", err.file, err.line, err.msg);
    assert_string_equal(ion_text_plural("fr", "cli.bank.listed", 0), "cli.bank.listed.one");
    assert_string_equal(ion_text_plural("fr", "cli.bank.listed", 1.5), "cli.bank.listed.one");
    assert_string_equal(ion_text_plural("fr", "cli.bank.listed", 2), "cli.bank.listed.other");
    assert_string_equal(ion_text_count("fr", "count.files", 0, out, sizeof out), "0 file");
    remove_files(dir);
}

/* A catalogue's plural forms are those its rule needs, no more, no fewer;
 * the forms of a message take English's arguments. */
static void test_plural_forms_checked(void **state)
{
    (void)state;
    static const struct { const char *file, *key, *line, *says; } cases[] = {
        {"zh.conf", "cli.bank.listed.other", "cli.bank.listed.other = 共 %zu 个模板\ncli.bank.listed.one = %zu 个\n",
         "'cli.bank.listed.one': plural.rule other-only has no form 'one' (its forms: other)"},
        {"en.conf", "cli.bank.listed.one", "",
         "missing key 'cli.bank.listed.one' (plural.rule one-is-1 has the forms one, other)"},
        {"zh.conf", "plural.rule", "plural.rule = one-is-1\n", "missing key 'label.points.one' (plural.rule one-is-1"},
        {"zh.conf", "plural.rule", "", "missing key 'plural.rule' (rules: other-only, one-is-1, one-below-2)"},
        {"zh.conf", "plural.rule", "plural.rule = dual\n", "unknown plural.rule 'dual'"},
        {"zh.conf", "cli.bank.listed.other", "cli.bank.listed.other = 共 %s 个模板\n", "other arguments"},
        {"zh.conf", "cli.bank.listed.other", "cli.bank.listed = 共 %zu 个模板\n", "not a message of"},
        {"en.conf", "label.points.one", "label.points = {n} points\n", "'label.points' holds a count"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char dir[] = "/tmp/ion-plural-XXXXXX";
        assert_non_null(mkdtemp(dir));
        copy_with(dir, "templates/en.conf", "en.conf", "");
        copy_with(dir, "templates/zh.conf", "zh.conf", "");
        char from[64];
        snprintf(from, sizeof from, "templates/%s", cases[i].file);
        copy_edit(dir, from, cases[i].file, cases[i].key, cases[i].line);
        ion_text_release();
        ion_text_set_dir(dir);
        ion_error err = {0};
        int en_bad = !strcmp(cases[i].file, "en.conf");
        const ion_tmpl *t = ion_text_catalogue(en_bad ? "en" : "zh", &err);
        if (t || !strstr(err.msg, cases[i].says) || !strstr(err.file, cases[i].file))
            fail_msg("case %zu: %s: %s", i, err.file, t ? "loaded" : err.msg);
        remove_files(dir);
    }
    ion_text_release();
    ion_text_set_dir("templates");
}

/* The compute core's codes in words (err.core.*): each code, and one that
 * is none of them, is a sentence in both languages, never a key. */
static void test_core_errors(void **state)
{
    (void)state;
    char out[160];
    static const char *const langs[] = {"en", "zh"};
    for (int l = 0; l < 2; l++) {
        ion_text_set_lang(langs[l]);
        for (int code = ION_ENUM - 1; code <= ION_OK; code++) {
            ion_text_core_error(code, out, sizeof out);
            if (!*out || !strncmp(out, "err.", 4))
                fail_msg("%s: code %d (%s) has no words: '%s'", langs[l], code, ion_err_name(code), out);
        }
    }
    ion_text_set_lang("zh");
    assert_string_equal(ion_text_core_error(ION_ECONC, out, sizeof out), "浓度必须为正数");
    assert_string_equal(ion_text_core_error(-99, out, sizeof out), "未知错误");
    ion_text_set_lang("en");
    assert_string_equal(ion_text_core_error(ION_ECONC, out, sizeof out), "a concentration must be positive");
    assert_string_equal(ion_text_core_error(ION_ENUM, out, 9), "the nume");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_lookup_and_fill, reset),
        cmocka_unit_test_setup(test_unknown_key, reset),
        cmocka_unit_test_setup(test_glosses, reset),
        cmocka_unit_test_setup(test_reasons, reset),
        cmocka_unit_test_setup(test_refusal_codes, reset),
        cmocka_unit_test_setup_teardown(test_broken_catalogue, reset, reset),
        cmocka_unit_test_setup_teardown(test_languages, reset, reset),
        cmocka_unit_test_setup(test_messages_agree, reset),
        cmocka_unit_test_setup(test_signatures, reset),
        cmocka_unit_test_setup_teardown(test_mismatched_translation, reset, reset),
        cmocka_unit_test_setup(test_core_errors, reset),
        cmocka_unit_test_setup_teardown(test_plurals, reset, reset),
        cmocka_unit_test_setup_teardown(test_plural_forms_checked, reset, reset),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    ion_text_release();
    return failed;
}
