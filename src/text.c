#include "text.h"

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"
#include "markup.h"
#include "utf8.h"

/* ---- the catalogue -------------------------------------------------------- */

enum { MAX_LANGS = 8, MAX_ARGS = 8 };

static struct {
    pthread_mutex_t lock;
    char *dir;
    struct {
        char lang[16];
        ion_tmpl *t;       /* NULL when it failed to load */
        ion_error err;     /* why, said again to each caller */
    } loaded[MAX_LANGS];
    int n;
    int listed;                       /* the languages below read */
    char langs[MAX_LANGS][16];        /* the LANG.conf files, by name */
    int nlangs;
} cat = {.lock = PTHREAD_MUTEX_INITIALIZER};

void ion_text_set_dir(const char *dir)
{
    pthread_mutex_lock(&cat.lock);
    free(cat.dir);
    cat.dir = dir ? strdup(dir) : NULL;
    cat.listed = 0;
    pthread_mutex_unlock(&cat.lock);
}

/* ---- the languages: the LANG.conf files of the directory ---- */

static int language_name(const char *s, size_t n)
{
    if (!n || n >= sizeof cat.langs[0])
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", s[i]) || !s[i])
            return 0;
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void add_language(const char *name, size_t n)
{
    for (int i = 0; i < cat.nlangs; i++)
        if (strlen(cat.langs[i]) == n && !memcmp(cat.langs[i], name, n))
            return;
    if (cat.nlangs < MAX_LANGS && language_name(name, n)) {
        memcpy(cat.langs[cat.nlangs], name, n);
        cat.langs[cat.nlangs++][n] = '\0';
    }
}

/* Reads the directory's languages once (with the lock held). */
static void list_locked(void)
{
    if (cat.listed)
        return;
    cat.listed = 1;
    cat.nlangs = 0;
    add_language("en", 2);
    DIR *d = opendir(cat.dir ? cat.dir : "templates");
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n > 5 && !strcmp(e->d_name + n - 5, ".conf"))
            add_language(e->d_name, n - 5);
    }
    if (d)
        closedir(d);
    qsort(cat.langs, (size_t)cat.nlangs, sizeof cat.langs[0], by_name);
}

const char *ion_text_language_at(size_t i)
{
    pthread_mutex_lock(&cat.lock);
    list_locked();
    const char *name = i < (size_t)cat.nlangs ? cat.langs[i] : NULL;
    pthread_mutex_unlock(&cat.lock);
    return name;
}

const char *ion_text_language(const char *s, size_t len)
{
    const char *name;
    for (size_t i = 0; (name = ion_text_language_at(i)); i++)
        if (strlen(name) == len && !strncasecmp(name, s, len))
            return name;
    return NULL;
}

int ion_text_language_ok(const char *lang)
{
    const char *name = lang ? ion_text_language(lang, strlen(lang)) : NULL;
    return name && !strcmp(name, lang);
}

const char *ion_text_languages(char *out, size_t cap)
{
    const char *name;
    size_t used = 0;
    if (cap)
        out[0] = '\0';
    for (size_t i = 0; used < cap && (name = ion_text_language_at(i)); i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? ", " : "", name);
    return out;
}

/* ---- the command line's messages: printf formats in every language ---- */

/* The argument type a conversion takes, one letter: 'i' int, 'u' unsigned,
 * 'l'/'L' long/unsigned long, 'q'/'Q' long long/unsigned, 'z' size_t, 'f'
 * double, 's' string, 'p' pointer; 0 for one a message may not use. */
static char conversion_type(const char *len, char conv)
{
    static const struct { const char *len, *convs; char type; } types[] = {
        {"", "dic", 'i'}, {"h", "di", 'i'}, {"hh", "di", 'i'}, {"", "ouxX", 'u'},
        {"h", "ouxX", 'u'}, {"hh", "ouxX", 'u'}, {"l", "di", 'l'}, {"l", "ouxX", 'L'},
        {"ll", "di", 'q'}, {"ll", "ouxX", 'Q'}, {"z", "diouxX", 'z'}, {"", "fFeEgGaA", 'f'},
        {"l", "fFeEgGaA", 'f'}, {"", "s", 's'}, {"", "p", 'p'},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(types[i].len, len) && strchr(types[i].convs, conv))
            return types[i].type;
    return 0;
}

/* Puts type as argument pos (1-based) of sig; -1 when it holds another. */
static int put_type(char *sig, size_t cap, int pos, char type)
{
    if (pos < 1 || (size_t)pos >= cap || (sig[pos - 1] && sig[pos - 1] != type))
        return -1;
    sig[pos - 1] = type;
    return 0;
}

int ion_text_signature(const char *fmt, char *sig, size_t cap)
{
    int next = 0, positional = -1; /* -1 not known yet, 0 in order, 1 with %N$ */
    if (!cap)
        return -1;
    memset(sig, 0, cap);
    for (const char *p = fmt; (p = strchr(p, '%'));) {
        p++;
        if (*p == '%') {
            p++;
            continue;
        }
        char *end;
        long n = strtol(p, &end, 10);
        int pos = *end == '$' && n > 0 && n < 100 ? (int)n : 0;
        if (positional >= 0 && positional != (pos > 0))
            return -1; /* printf does not allow both kinds */
        positional = pos > 0;
        if (pos)
            p = end + 1;
        p += strspn(p, "-+ #0'");
        if (*p == '*' && (pos || put_type(sig, cap, ++next, 'i')))
            return -1;
        p += *p == '*' ? 1 : strspn(p, "0123456789");
        if (*p == '.') {
            p++;
            if (*p == '*' && (pos || put_type(sig, cap, ++next, 'i')))
                return -1;
            p += *p == '*' ? 1 : strspn(p, "0123456789");
        }
        char len[3] = "";
        size_t ln = strspn(p, "hlz");
        if (ln > 2)
            return -1;
        memcpy(len, p, ln);
        p += ln;
        char type = *p ? conversion_type(len, *p) : 0;
        if (!type || put_type(sig, cap, pos ? pos : ++next, type))
            return -1;
        p++;
    }
    size_t used = strlen(sig);
    for (size_t i = used; i < cap; i++)
        if (sig[i])
            return -1; /* %2$ without %1$: a hole in the arguments */
    return 0;
}

/* KEY.other when key is a plural form KEY.FORM (every language has that
 * form; tmpl.c checks it has the others its rule needs), else key. */
static const char *other_form(const char *key, char *out, size_t cap)
{
    size_t stem = ion_tmpl_form_stem(key);
    if (!stem)
        return key;
    snprintf(out, cap, "%.*s.other", (int)stem, key);
    return out;
}

/* A file's messages against English's: the same keys, each with the same
 * argument types; a message with a count has the plural forms of its
 * language (zh's other alone, en's one and other). 0, or -1 with err
 * naming the file and line. */
static int check_messages(const ion_tmpl *en, const ion_tmpl *t, const char *path, const char *en_path,
                          ion_error *err)
{
    const char *key, *fmt;
    int line;
    char a[64], b[64], other[80];
    for (int i = 0; (fmt = ion_tmpl_msg_at(t, i, &key, &line)); i++) {
        const char *ref = en == t ? fmt : ion_tmpl_msg(en, key);
        if (!ref || ion_tmpl_form_stem(key)) /* each plural form takes what English's other does */
            ref = ion_tmpl_msg(en, other_form(key, other, sizeof other));
        if (!ref)
            return ion_fail(err, path, line, "'%s' is not a message of %s", key, en_path);
        if (ion_text_signature(fmt, a, sizeof a))
            return ion_fail(err, path, line, "'%s' is not a format ionsheet can print (%%s, %%d, %%zu, ...)", key);
        if (ion_text_signature(ref, b, sizeof b) == 0 && strcmp(a, b))
            return ion_fail(err, path, line, "'%s' takes other arguments (conversions) than in %s", key, en_path);
    }
    for (int i = 0; (fmt = ion_tmpl_msg_at(en, i, &key, &line)); i++)
        if (!ion_tmpl_msg(t, key) && !ion_tmpl_msg(t, other_form(key, other, sizeof other)))
            return ion_fail(err, path, 0, "missing message '%s' (%s:%d)", key, en_path, line);
    return 0;
}

/* The index of lang in cat.loaded, loading it first (with the lock held):
 * -1 when there is no room or the name is too long. A language other than
 * English is checked against English's messages. */
static int load_locked(const char *lang)
{
    for (int i = 0; i < cat.n; i++)
        if (!strcmp(cat.loaded[i].lang, lang))
            return i;
    int en = -1;
    if (strcmp(lang, "en") && (en = load_locked("en")) < 0)
        return -1;
    if (cat.n == MAX_LANGS || strlen(lang) >= sizeof cat.loaded[0].lang)
        return -1;
    int i = cat.n++;
    strcpy(cat.loaded[i].lang, lang);
    ion_error *err = &cat.loaded[i].err;
    const char *dir = cat.dir ? cat.dir : "templates";
    ion_tmpl *t = ion_tmpl_load(dir, lang, err);
    const ion_tmpl *ref = en < 0 ? t : cat.loaded[en].t;
    char path[4096], en_path[4096];
    snprintf(path, sizeof path, "%s/%s.conf", dir, lang);
    snprintf(en_path, sizeof en_path, "%s/en.conf", dir);
    if (t && !ref)
        *err = cat.loaded[en].err; /* no English to check against */
    if (t && (!ref || check_messages(ref, t, path, en_path, err))) {
        ion_tmpl_free(t);
        t = NULL;
    }
    cat.loaded[i].t = t;
    return i;
}

const ion_tmpl *ion_text_catalogue(const char *lang, ion_error *err)
{
    if (!lang)
        lang = "en";
    pthread_mutex_lock(&cat.lock);
    int i = load_locked(lang);
    const ion_tmpl *t = i >= 0 ? cat.loaded[i].t : NULL;
    if (!t && err) {
        if (i >= 0)
            *err = cat.loaded[i].err;
        else
            ion_fail(err, NULL, 0, "invalid language '%s'", lang);
    }
    pthread_mutex_unlock(&cat.lock);
    return t;
}

const char *ion_text_msg(const char *lang, const char *key, const char *sig)
{
    char want[64], got[64];
    if (ion_text_signature(sig, want, sizeof want))
        return NULL;
    const char *langs[] = {lang ? lang : "en", "en"};
    int loaded = 0;
    for (int k = 0; k < 2; k++) {
        const ion_tmpl *t = ion_text_catalogue(langs[k], NULL);
        const char *fmt = t ? ion_tmpl_msg(t, key) : NULL;
        loaded |= t != NULL;
        if (fmt && ion_text_signature(fmt, got, sizeof got) == 0 && !strcmp(got, want))
            return fmt;
    }
    /* No catalogue at all: the caller says the key as it is. */
    return loaded ? ion_tmpl_missing(key) : NULL;
}

const char *ion_text_plural(const char *lang, const char *key, double n)
{
    const ion_tmpl *t = ion_text_catalogue(lang, NULL);
    return t ? ion_tmpl_plural(t, key, n) : key;
}

const char *ion_text_count(const char *lang, const char *key, size_t n, char *out, size_t cap)
{
    const char *fmt = ion_text_msg(lang, ion_text_plural(lang, key, (double)n), "%zu");
    if (fmt)
        snprintf(out, cap, fmt, n);
    else
        snprintf(out, cap, "%s", key);
    return out;
}

const char *ion_text_get(const char *lang, const char *key)
{
    const ion_tmpl *t = ion_text_catalogue(lang, NULL);
    const char *s = t ? ion_tmpl_str(t, key) : NULL;
    return s ? s : key; /* no catalogue, or a key of no string */
}

const char *ion_text_gloss(const char *lang, const char *prefix, const char *id)
{
    char key[64]; /* "prefix.id" without snprintf: grading asks 9 a student */
    size_t pn = strlen(prefix), in = strlen(id);
    if (pn + 1 + in >= sizeof key)
        return id;
    memcpy(key, prefix, pn);
    key[pn] = '.';
    memcpy(key + pn + 1, id, in + 1);
    for (char *c = key; *c; c++) /* a key has no blanks: "dim.current_density" */
        if (*c == ' ')
            *c = '_';
    const ion_tmpl *t = ion_text_catalogue(lang, NULL);
    const char *s = t ? ion_tmpl_str(t, key) : NULL;
    return s ? s : id;
}

static size_t vfill(char *out, size_t cap, const char *lang, const char *key, va_list ap)
{
    const char *names[MAX_ARGS], *values[MAX_ARGS], *name;
    int n = 0;
    while (n < MAX_ARGS && (name = va_arg(ap, const char *)) != NULL) {
        names[n] = name;
        values[n++] = va_arg(ap, const char *);
    }
    return ion_tmpl_expand(out, cap, ion_text_get(lang, key), names, values, n);
}

size_t ion_text_fill(char *out, size_t cap, const char *lang, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    size_t len = vfill(out, cap, lang, key, ap);
    va_end(ap);
    return len;
}

char *ion_text_vformat(const char *lang, const char *key, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    char small[512]; /* most texts fit: filled once, not measured first */
    size_t len = vfill(small, sizeof small, lang, key, ap);
    char *text = malloc(len + 1);
    if (text && len < sizeof small)
        memcpy(text, small, len + 1);
    else if (text)
        vfill(text, len + 1, lang, key, again);
    va_end(again);
    return text;
}

char *ion_text_format(const char *lang, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    char *text = ion_text_vformat(lang, key, ap);
    va_end(ap);
    return text;
}

const char *ion_text_reason(const char *lang, const ion_reason *why, char *out, size_t cap)
{
    /* In the order of ion_reason_code. */
    static const char *const keys[] = {
        NULL, "reason.not_number", "reason.separators", "reason.range", "reason.unit_syntax",
        "reason.ambiguous_unit", "reason.unknown_unit", "reason.number_too_long", "reason.too_long",
        "reason.not_one", "reason.two_answers",
    };
    if (why->code <= ION_REASON_NONE || (size_t)why->code >= sizeof keys / sizeof keys[0]) {
        if (cap)
            *out = '\0';
        return out;
    }
    ion_text_fill(out, cap, lang, keys[why->code], "text", why->text, "a", why->a, "b", why->b, (const char *)NULL);
    return out;
}

/* The language of the library's messages; a copy, so that whoever set
 * it may free theirs. Set before threads start (text.h). */
static char errors_lang[16] = "en";

/* The refusals of a whole file: the stable code the database keeps
 * ("pdf", "too-large\t1048576"), its catalogue key and the names of its
 * arguments, which follow the code, each after a tab. */
static const struct {
    const char *code, *key, *arg[4];
} refusals[ION_REFUSAL_COUNT] = {
    [ION_REFUSAL_NOT_UTF8] = {"not-utf8", "reason.not_utf8", {NULL}},
    [ION_REFUSAL_BINARY] = {"binary", "reason.binary", {NULL}},
    [ION_REFUSAL_NO_STUDENT] = {"no-student", "reason.no_student", {NULL}},
    [ION_REFUSAL_NO_STUDENT_ATTR] = {"no-student-attr", "reason.no_student_attr", {NULL}},
    [ION_REFUSAL_EMPTY] = {"empty", "reason.empty", {NULL}},
    [ION_REFUSAL_TOO_LARGE] = {"too-large", "reason.too_large", {"max"}},
    [ION_REFUSAL_BAD_ENCODING] = {"bad-encoding", "reason.bad_encoding", {"code"}},
    [ION_REFUSAL_CONVERT] = {"convert", "reason.convert", {"code"}},
    [ION_REFUSAL_GRADEBOOK] = {"gradebook", "reason.gradebook", {NULL}},
    [ION_REFUSAL_NO_COLUMNS] = {"no-columns", "reason.no_columns", {NULL}},
    [ION_REFUSAL_DOCTYPE] = {"doctype", "reason.doctype", {NULL}},
    [ION_REFUSAL_OTHER_WORKSHEET] = {"other-worksheet", "reason.other_worksheet", {"got", "want"}},
    [ION_REFUSAL_UNKNOWN_STUDENT] = {"unknown-student", "reason.unknown_student", {"id", "worksheet"}},
    [ION_REFUSAL_DOCX] = {"docx", "reason.file_word", {NULL}},
    [ION_REFUSAL_OFFICE] = {"office", "reason.file_office", {NULL}},
    [ION_REFUSAL_PDF] = {"pdf", "reason.file_pdf", {NULL}},
    [ION_REFUSAL_RTF] = {"rtf", "reason.file_rtf", {NULL}},
    [ION_REFUSAL_IMAGE] = {"image", "reason.file_image", {NULL}},
    [ION_REFUSAL_UTF16_NO_BOM] = {"utf16-no-bom", "reason.file_utf16", {NULL}},
    [ION_REFUSAL_HEADER_EMPTY] = {"header-empty", "reason.header_empty", {"what"}},
    [ION_REFUSAL_HEADER_TWICE] = {"header-twice", "reason.header_twice", {"what", "got", "line", "had"}},
    [ION_REFUSAL_NO_STUDENT_COLUMN] = {"no-student-column", "reason.no_student_column", {NULL}},
    [ION_REFUSAL_NO_ROWS] = {"no-rows", "reason.no_rows", {NULL}},
    [ION_REFUSAL_NO_STUDENT_ID] = {"no-student-id", "reason.no_student_id", {NULL}},
    [ION_REFUSAL_NOT_REGULAR] = {"not-regular", "reason.not_regular", {NULL}},
    [ION_REFUSAL_CANNOT_OPEN] = {"cannot-open", "reason.cannot_open", {NULL}},
    [ION_REFUSAL_CANNOT_READ] = {"cannot-read", "reason.cannot_read", {NULL}},
    [ION_REFUSAL_NOT_SUBMISSION] = {"not-submission", "reason.not_submission", {"ns"}},
    [ION_REFUSAL_SAID] = {"said", "reason.said", {"text"}}, /* words of libxml2's or the system's, as they came */
};

const char *ion_text_refusal(const char *lang, const char *coded, char *out, size_t cap)
{
    char copy[1024];
    const char *names[8], *values[8];
    int n = 0;
    snprintf(copy, sizeof copy, "%s", coded);
    char *arg = strchr(copy, '\t');
    if (arg)
        *arg++ = '\0';
    for (size_t i = ION_REFUSAL_NONE + 1; i < ION_REFUSAL_COUNT; i++) {
        if (strcmp(copy, refusals[i].code))
            continue;
        for (int a = 0; a < 4 && refusals[i].arg[a]; a++) {
            names[n] = refusals[i].arg[a];
            values[n++] = arg ? arg : "";
            char *tab = arg ? strchr(arg, '\t') : NULL;
            if (tab)
                *tab++ = '\0';
            arg = tab;
        }
        ion_tmpl_expand(out, cap, ion_text_get(lang, refusals[i].key), names, values, n);
        return out;
    }
    snprintf(out, cap, "%s", coded); /* not a code: shown as it is */
    return out;
}

const char *ion_text_refused_file(const char *lang, const char *why, char *out, size_t cap)
{
    const char *sep = strstr(why, ": ");
    char reason[768];
    if (!sep) {
        snprintf(out, cap, "%s", why);
        return out;
    }
    char file[256];
    snprintf(file, sizeof file, "%.*s", (int)(sep - why), why);
    ion_text_fill(out, cap, lang, "text.colon", "label", file, "text", ion_text_refusal(lang, sep + 2, reason, sizeof reason),
                  (const char *)NULL);
    return out;
}

int ion_fail_refusal(ion_error *err, const char *file, int line, char *coded, size_t cap, ion_refusal why, ...)
{
    va_list ap;
    va_start(ap, why);
    size_t used = (size_t)snprintf(coded, cap, "%s", why > ION_REFUSAL_NONE && why < ION_REFUSAL_COUNT ? refusals[why].code : "");
    for (const char *a; (a = va_arg(ap, const char *)) && used + 1 < cap;) {
        coded[used++] = '\t';
        for (; *a && used + 1 < cap; a++)
            coded[used++] = *a == '\t' || *a == '\n' ? ' ' : *a;
        coded[used] = '\0';
    }
    va_end(ap);
    char said[sizeof err->msg];
    return ion_fail(err, file, line, "%s", ion_text_refusal(errors_lang, coded, said, sizeof said));
}


void ion_text_set_lang(const char *lang)
{
    snprintf(errors_lang, sizeof errors_lang, "%s", lang && *lang ? lang : "en");
}

const char *ion_text_lang(void)
{
    return errors_lang;
}

int ion_fail_key(ion_error *err, const char *file, int line, const char *key, const char *sig, ...)
{
    if (!err)
        return -1;
    ion_fail(err, file, line, "%s", key);
    err->key = key;
    const char *fmt = ion_text_msg(errors_lang, key, sig);
    if (fmt) {
        va_list ap;
        va_start(ap, sig);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int ion_text_vsay(char *out, size_t cap, const char *key, const char *sig, va_list ap)
{
    const char *fmt = ion_text_msg(errors_lang, key, sig);
    return fmt ? vsnprintf(out, cap, fmt, ap) : snprintf(out, cap, "%s", key);
}

int ion_text_say(char *out, size_t cap, const char *key, const char *sig, ...)
{
    va_list ap;
    va_start(ap, sig);
    int n = ion_text_vsay(out, cap, key, sig, ap);
    va_end(ap);
    return n;
}

const char *ion_text_phrase(const char *key)
{
    const char *s = ion_text_msg(errors_lang, key, "-");
    return s ? s : key;
}

void ion_text_dimension(ion_dimension d, char *out, size_t cap)
{
    int k = ion_dimension_named(d);
    if (k == ION_DIM_NONE) {
        ion_text_say(out, cap, "err.dim.none", "-");
    } else if (k > 0) { /* English's article goes by the English name's sound */
        const char *name = ion_dim_name((ion_dim)k);
        ion_text_say(out, cap, strchr("aeiou", name[0]) ? "err.dim.an" : "err.dim.a", "%s%s",
                     ion_text_gloss(errors_lang, "dim", name), ion_dim_si_name((ion_dim)k));
    } else {
        char units[96];
        ion_dimension_base_units(d, units, sizeof units);
        ion_text_say(out, cap, "err.dim.base", "%s", units);
    }
}

const char *ion_text_core_error(int code, char *out, size_t cap)
{
    char key[48];
    snprintf(key, sizeof key, "err.core.%s", ion_err_name(code));
    ion_text_say(out, cap, key, "-");
    return out;
}

void ion_text_release(void)
{
    pthread_mutex_lock(&cat.lock);
    for (int i = 0; i < cat.n; i++)
        ion_tmpl_free(cat.loaded[i].t);
    cat.n = 0;
    free(cat.dir);
    cat.dir = NULL;
    pthread_mutex_unlock(&cat.lock);
}

/* ---- inline markup as plain text ------------------------------------------ */

/* The Unicode super- or subscript form of an ASCII character, or NULL. */
static const char *script_of(char c, int super)
{
    static const char *const sup_digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    static const char *const sub_digits[] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
    static const struct { char c; const char *sup, *sub; } other[] = {
        {'+', "⁺", "₊"}, {'-', "⁻", "₋"}, {'=', "⁼", "₌"}, {'(', "⁽", "₍"}, {')', "⁾", "₎"},
        {'a', "ᵃ", "ₐ"}, {'e', "ᵉ", "ₑ"}, {'o', "ᵒ", "ₒ"}, {'x', "ˣ", "ₓ"}, {'i', "ⁱ", "ᵢ"},
        {'n', "ⁿ", "ₙ"}, {'m', "ᵐ", "ₘ"}, {'k', "ᵏ", "ₖ"}, {'l', "ˡ", "ₗ"}, {'p', "ᵖ", "ₚ"},
        {'s', "ˢ", "ₛ"}, {'t', "ᵗ", "ₜ"}, {'h', "ʰ", "ₕ"}, {'r', "ʳ", "ᵣ"}, {'u', "ᵘ", "ᵤ"},
        {'v', "ᵛ", "ᵥ"}, {'j', "ʲ", "ⱼ"},
    };
    if (c >= '0' && c <= '9')
        return super ? sup_digits[c - '0'] : sub_digits[c - '0'];
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        if (other[i].c == c)
            return super ? other[i].sup : other[i].sub;
    return NULL;
}

/* A script run is converted whole or not at all: "Cl" as a subscript has
 * no subscript C, so it is written "_Cl" rather than half converted. */
static void put_script(const char *s, size_t n, int super, ion_strbuf *b)
{
    int all = n > 0;
    for (size_t i = 0; i < n && all; i++)
        all = script_of(s[i], super) != NULL;
    if (!all) {
        ion_strbuf_puts(b, super ? "^" : "_");
        ion_strbuf_add(b, s, n);
        return;
    }
    for (size_t i = 0; i < n; i++)
        ion_strbuf_puts(b, script_of(s[i], super));
}

/* The character of a token as plain text: an entity decoded, invalid UTF-8
 * as U+FFFD, a '<' or '&' that starts no tag or entity as itself. */
static void put_char(const ion_mk_token *t, const char *s, ion_strbuf *b)
{
    char u[4];
    if (t->kind == ION_MK_CHAR && !t->entity)
        ion_strbuf_add(b, s, t->len);
    else
        ion_strbuf_add(b, u, ion_utf8_put(t->cp, u));
}

/* The script run at s, after its <sub> or <sup>, up to the first end tag of
 * the same name (or the end): its plain text (other tags dropped, U+2212 as
 * '-') written as super- or subscript characters. Returns the bytes read. */
static size_t put_script_run(const char *s, ion_mk_tag tag, ion_strbuf *b)
{
    ion_strbuf run = {0};
    size_t n = strlen(s), used = 0;
    ion_mk_token t;
    for (; n > 0; s += t.len, n -= t.len, used += t.len) {
        ion_markup_next(s, n, 1, &t);
        if (t.kind == ION_MK_CLOSE && t.tag == tag) {
            used += t.len;
            break;
        }
        if (t.kind == ION_MK_OPEN || t.kind == ION_MK_CLOSE || t.kind == ION_MK_BR)
            continue;
        if (t.kind == ION_MK_CHAR && t.cp == 0x2212)
            ion_strbuf_addch(&run, '-');
        else
            put_char(&t, s, &run);
    }
    put_script(run.s ? run.s : "", run.len, tag == ION_TAG_SUP, b);
    b->oom |= run.oom;
    free(run.s);
    return used;
}

int ion_markup_plain(const char *markup, ion_strbuf *b)
{
    const char *s = markup ? markup : "";
    size_t n = strlen(s);
    ion_strbuf_add(b, "", 0);
    ion_mk_token t;
    for (; n > 0; s += t.len, n -= t.len) {
        ion_markup_next(s, n, 1, &t);
        if (t.kind == ION_MK_OPEN && (t.tag == ION_TAG_SUB || t.tag == ION_TAG_SUP)) {
            size_t used = put_script_run(s + t.len, t.tag, b);
            s += used;
            n -= used;
        } else if (t.kind != ION_MK_OPEN && t.kind != ION_MK_CLOSE && t.kind != ION_MK_BR) {
            put_char(&t, s, b);
        }
    }
    return b->oom ? -1 : 0;
}

char *ion_squeeze_blanks(char *s)
{
    char *d = s;
    for (const char *c = s; *c; c++) {
        int blank = *c == ' ' || *c == '\n' || *c == '\t' || *c == '\r';
        if (blank && (d == s || d[-1] == ' '))
            continue;
        *d++ = blank ? ' ' : *c;
    }
    while (d > s && d[-1] == ' ')
        d--;
    *d = '\0';
    return s;
}
