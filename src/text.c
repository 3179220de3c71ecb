#include "text.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
} cat = {.lock = PTHREAD_MUTEX_INITIALIZER};

void ion_text_set_dir(const char *dir)
{
    pthread_mutex_lock(&cat.lock);
    free(cat.dir);
    cat.dir = dir ? strdup(dir) : NULL;
    pthread_mutex_unlock(&cat.lock);
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

/* A file's messages against English's: the same keys, each with the same
 * argument types. 0, or -1 with err naming the file and line. */
static int check_messages(const ion_tmpl *en, const ion_tmpl *t, const char *path, const char *en_path,
                          ion_error *err)
{
    const char *key, *fmt;
    int line;
    char a[64], b[64];
    for (int i = 0; (fmt = ion_tmpl_msg_at(t, i, &key, &line)); i++) {
        const char *ref = en == t ? fmt : ion_tmpl_msg(en, key);
        if (!ref)
            return ion_fail(err, path, line, "'%s' is not a message of %s", key, en_path);
        if (ion_text_signature(fmt, a, sizeof a))
            return ion_fail(err, path, line, "'%s' is not a format ionsheet can print (%%s, %%d, %%zu, ...)", key);
        if (ion_text_signature(ref, b, sizeof b) == 0 && strcmp(a, b))
            return ion_fail(err, path, line, "'%s' takes other arguments (conversions) than in %s", key, en_path);
    }
    for (int i = 0; (fmt = ion_tmpl_msg_at(en, i, &key, &line)); i++)
        if (!ion_tmpl_msg(t, key))
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
    for (int k = 0; k < 2; k++) {
        const ion_tmpl *t = ion_text_catalogue(langs[k], NULL);
        const char *fmt = t ? ion_tmpl_msg(t, key) : NULL;
        if (fmt && ion_text_signature(fmt, got, sizeof got) == 0 && !strcmp(got, want))
            return fmt;
    }
    return NULL;
}

const char *ion_text_get(const char *lang, const char *key)
{
    const ion_tmpl *t = ion_text_catalogue(lang, NULL);
    const char *s = t ? ion_tmpl_str(t, key) : NULL;
    return s ? s : key;
}

const char *ion_text_gloss(const char *lang, const char *prefix, const char *id)
{
    char key[64];
    if ((size_t)snprintf(key, sizeof key, "%s.%s", prefix, id) >= sizeof key)
        return id;
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
    size_t len = vfill(NULL, 0, lang, key, ap);
    char *text = malloc(len + 1);
    if (text)
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

/* Matches text against pattern, whose {name}s stand for any text (each up
 * to the first place the literal after it follows, the last one up to the
 * end): 1 with the names and values (copied into store) filled, else 0. */
static int match(const char *pattern, const char *text, const char **names, const char **values, int *n,
                 char *store, size_t cap)
{
    *n = 0;
    size_t used = 0;
    const char *p = pattern, *t = text;
    while (*p) {
        if (*p != '{') {
            if (*p++ != *t++)
                return 0;
            continue;
        }
        const char *close = strchr(p, '}');
        if (!close || *n == MAX_ARGS)
            return 0;
        /* The literal after the placeholder, up to the next one. */
        const char *lit = close + 1;
        size_t litlen = strcspn(lit, "{");
        const char *end;
        if (!lit[litlen]) { /* the last literal: it ends the text */
            size_t tl = strlen(t);
            if (tl < litlen || strcmp(t + tl - litlen, lit))
                return 0;
            end = t + tl - litlen;
        } else {
            char literal[128];
            if (!litlen || litlen >= sizeof literal)
                return 0;
            memcpy(literal, lit, litlen);
            literal[litlen] = '\0';
            if (!(end = strstr(t, literal)))
                return 0;
        }
        size_t vl = (size_t)(end - t), kl = (size_t)(close - p - 1);
        if (used + vl + kl + 2 > cap)
            return 0;
        names[*n] = memcpy(store + used, p + 1, kl);
        store[used + kl] = '\0';
        used += kl + 1;
        values[(*n)++] = memcpy(store + used, t, vl);
        store[used + vl] = '\0';
        used += vl + 1;
        p = close + 1;
        t = end;
    }
    return !*t;
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

const char *ion_text_refusal(const char *lang, const char *why, char *out, size_t cap)
{
    static const char *const reasons[] = {
        "reason.not_utf8", "reason.binary", "reason.no_student", "reason.no_student_attr", "reason.empty",
        "reason.too_large", "reason.bad_encoding", "reason.convert", "reason.gradebook", "reason.no_columns",
        "reason.doctype", "reason.other_worksheet", "reason.unknown_student",
        "reason.file_word", "reason.file_office", "reason.file_pdf", "reason.file_rtf", "reason.file_image",
        "reason.file_utf16",
    };
    snprintf(out, cap, "%s", why);
    const ion_tmpl *en = ion_text_catalogue("en", NULL);
    if (!lang || !strcmp(lang, "en") || !en)
        return out;
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
        const char *names[MAX_ARGS], *values[MAX_ARGS];
        char store[1024];
        int n;
        const char *pattern = ion_tmpl_str(en, reasons[i]);
        if (pattern && match(pattern, why, names, values, &n, store, sizeof store)) {
            ion_tmpl_expand(out, cap, ion_text_get(lang, reasons[i]), names, values, n);
            break;
        }
    }
    return out;
}

/* The language of the library's messages; a copy, so that whoever set
 * it may free theirs. Set before threads start (text.h). */
static char errors_lang[16] = "en";

void ion_text_set_lang(const char *lang)
{
    snprintf(errors_lang, sizeof errors_lang, "%s", lang && *lang ? lang : "en");
}

int ion_fail_key(ion_error *err, const char *file, int line, const char *key, const char *sig, ...)
{
    if (!err)
        return -1;
    ion_fail(err, file, line, "%s", key);
    const char *fmt = ion_text_msg(errors_lang, key, sig);
    if (fmt) {
        va_list ap;
        va_start(ap, sig);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
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

static void put_unescaped(const char *s, size_t n, ion_strbuf *b)
{
    static const struct { const char *ent, *ch; } ents[] = {{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
    while (n) {
        const char *amp = memchr(s, '&', n);
        size_t run = amp ? (size_t)(amp - s) : n;
        ion_strbuf_add(b, s, run);
        s += run;
        n -= run;
        if (!n)
            break;
        size_t k = 0, elen = 1;
        for (; k < 3; k++) {
            elen = strlen(ents[k].ent);
            if (elen <= n && !memcmp(s, ents[k].ent, elen))
                break;
        }
        ion_strbuf_add(b, k < 3 ? ents[k].ch : s, 1);
        if (k == 3)
            elen = 1;
        s += elen;
        n -= elen;
    }
}

int ion_markup_plain(const char *markup, ion_strbuf *b)
{
    const char *s = markup ? markup : "";
    ion_strbuf_add(b, "", 0);
    while (*s) {
        const char *lt = strchr(s, '<');
        if (!lt) {
            put_unescaped(s, strlen(s), b);
            break;
        }
        put_unescaped(s, (size_t)(lt - s), b);
        int super = !strncmp(lt, "<sup>", 5), sub = !strncmp(lt, "<sub>", 5);
        if (super || sub) {
            /* Scripts hold plain text (nested tags are dropped). */
            const char *end = strstr(lt, super ? "</sup>" : "</sub>");
            if (!end)
                end = lt + strlen(lt);
            char tmp[128];
            size_t n = 0;
            for (const char *p = lt + 5; p < end && n < sizeof tmp - 1; p++) {
                if (*p == '<') {
                    p = strchr(p, '>');
                    if (!p)
                        break;
                    continue;
                }
                if (!strncmp(p, "\xe2\x88\x92", 3)) { /* U+2212 minus */
                    tmp[n++] = '-';
                    p += 2;
                    continue;
                }
                tmp[n++] = *p;
            }
            put_script(tmp, n, super, b);
            s = *end ? end + 6 : end;
        } else {
            const char *gt = strchr(lt, '>');
            s = gt ? gt + 1 : lt + strlen(lt);
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
