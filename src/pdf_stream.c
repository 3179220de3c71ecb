/* A PDF written page by page (see pdf_stream.h). Objects 1, 2 and 3 are
 * the catalog, the page tree and the Info dictionary, written last; a
 * font's number is taken when a page first uses it, and its objects are
 * copied in at the end. */
#include "pdf_stream.h"
#include "text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { OBJ_CATALOG = 1, OBJ_PAGES, OBJ_INFO, OBJ_FIRST_FREE };

/* libharu's header: the version and four bytes above 127 (binary content). */
static const char header[] = "%PDF-1.3\012%\267\276\255\252\012";

struct ion_pdfw {
    FILE *out;
    uint64_t pos;        /* bytes written */
    uint64_t *off;       /* off[n]: where object n starts, 0 until written */
    unsigned nobj, cap;  /* objects numbered 1..nobj-1 */
    unsigned *pages;     /* the page objects, in order */
    unsigned npages, pages_cap;
    unsigned font[ION_PDFW_FONTS]; /* object numbers, 0: unused */
    int failed;
};

/* key: a message without arguments (err.pdf.*). */
static int failw(ion_pdfw *w, ion_error *err, const char *key)
{
    w->failed = 1;
    return ion_fail_key(err, NULL, 0, key, "-");
}

static void put(ion_pdfw *w, const void *s, size_t n)
{
    if (!w->failed && fwrite(s, 1, n, w->out) != n)
        w->failed = 1;
    w->pos += n;
}

#define PUT_LIT(w, s) put((w), (s), sizeof(s) - 1)

__attribute__((format(printf, 2, 3))) static void putf(ion_pdfw *w,
                                                       const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf)
        w->failed = 1;
    else
        put(w, buf, (size_t)n);
}

/* A new object number; 0 when out of memory. */
static unsigned reserve(ion_pdfw *w)
{
    if (w->nobj == w->cap) {
        unsigned cap = w->cap * 2;
        uint64_t *off = realloc(w->off, cap * sizeof *off);
        if (!off)
            return 0;
        w->off = off;
        w->cap = cap;
    }
    w->off[w->nobj] = 0;
    return w->nobj++;
}

static void begin_obj(ion_pdfw *w, unsigned n)
{
    w->off[n] = w->pos;
    putf(w, "%u 0 obj\012", n);
}

ion_pdfw *ion_pdfw_begin(FILE *out, ion_error *err)
{
    ion_pdfw *w = calloc(1, sizeof *w);
    if (w) {
        w->cap = 1024;
        w->off = calloc(w->cap, sizeof *w->off);
    }
    if (!w || !w->off) {
        ion_pdfw_free(w);
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        return NULL;
    }
    w->out = out;
    w->nobj = OBJ_FIRST_FREE;
    PUT_LIT(w, header);
    return w;
}

/* A number as libharu writes a real: at most five decimals, no trailing
 * zeros, from its single-precision value. */
static void put_real(ion_pdfw *w, double v)
{
    char buf[48];
    int n = snprintf(buf, sizeof buf, "%.5f", (double)(float)v);
    while (n > 1 && buf[n - 1] == '0')
        n--;
    if (buf[n - 1] == '.')
        n--;
    put(w, buf, (size_t)n);
}

int ion_pdfw_page(ion_pdfw *w, double width, double height,
                  const unsigned char *fonts, int nfonts, const void *z,
                  size_t zlen, ion_error *err)
{
    if (w->failed)
        return failw(w, err, "err.pdf.not_written");
    if (w->npages == w->pages_cap) {
        unsigned cap = w->pages_cap ? w->pages_cap * 2 : 256;
        unsigned *pages = realloc(w->pages, cap * sizeof *pages);
        if (!pages)
            return failw(w, err, "err.out_of_memory");
        w->pages = pages;
        w->pages_cap = cap;
    }
    for (int i = 0; i < nfonts; i++)
        if (fonts[i] >= ION_PDFW_FONTS)
            return failw(w, err, "err.pdf.no_font");
        else if (!w->font[fonts[i]] && !(w->font[fonts[i]] = reserve(w)))
            return failw(w, err, "err.out_of_memory");
    unsigned page = reserve(w), contents = page ? reserve(w) : 0;
    if (!contents)
        return failw(w, err, "err.out_of_memory");
    w->pages[w->npages++] = page;

    begin_obj(w, page);
    PUT_LIT(w, "<<\012/Type /Page\012/MediaBox [ 0 0 ");
    put_real(w, width);
    PUT_LIT(w, " ");
    put_real(w, height);
    putf(w, " ]\012/Contents %u 0 R\012/Resources <<\012"
            "/ProcSet [ /PDF /Text /ImageB /ImageC /ImageI ]\012/Font <<\012",
         contents);
    for (int i = 0; i < nfonts; i++)
        putf(w, "/F%d %u 0 R\012", i + 1, w->font[fonts[i]]);
    putf(w, ">>\012>>\012/Parent %u 0 R\012>>\012endobj\012", OBJ_PAGES);

    begin_obj(w, contents);
    putf(w, "<<\012/Length %zu\012/Filter /FlateDecode\012>>\012stream\015\012", zlen);
    put(w, z, zlen);
    PUT_LIT(w, "\012endstream\012endobj\012");
    return w->failed ? failw(w, err, "err.pdf.not_written") : 0;
}

int ion_pdfw_font_used(const ion_pdfw *w, int k)
{
    return k >= 0 && k < ION_PDFW_FONTS && w->font[k] != 0;
}

/* ---- copying libharu's objects ---------------------------------------- */

/* The PDF libharu wrote, read through its cross-reference table. */
typedef struct {
    const unsigned char *s;
    size_t *start, *end; /* object n: s[start[n]..end[n]), 0..0 if free */
    unsigned *renum;     /* its number here, 0: not copied (yet) */
    unsigned n;
} source;

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' ||
           c == '\0';
}

static int is_delim(unsigned char c)
{
    return is_space(c) || strchr("()<>[]{}/%", c) != NULL;
}

/* The unsigned number at s[*i] (spaces first), *i moved past it; -1 if
 * there is none before n. */
static long long read_number(const unsigned char *s, size_t *i, size_t n)
{
    while (*i < n && is_space(s[*i]))
        (*i)++;
    long long v = -1;
    for (; *i < n && s[*i] >= '0' && s[*i] <= '9' && v < 1LL << 40; (*i)++)
        v = (v < 0 ? 0 : v * 10) + (s[*i] - '0');
    return v;
}

/* Reads the "xref" table that "startxref" points at. */
static int read_source(source *src, const unsigned char *s, size_t len)
{
    memset(src, 0, sizeof *src);
    src->s = s;
    size_t at = 0;
    for (size_t k = len > 64 ? len - 64 : 0; k + 9 <= len; k++)
        if (!memcmp(s + k, "startxref", 9))
            at = k + 9;
    long long xref = at ? read_number(s, &at, len) : -1;
    if (xref < 0 || (size_t)xref + 4 >= len || memcmp(s + xref, "xref", 4))
        return -1;
    size_t table = (size_t)xref + 4;
    long long first = read_number(s, &table, len), n = read_number(s, &table, len);
    if (first != 0 || n <= 0 || n > 1 << 20)
        return -1;
    unsigned count = (unsigned)n;
    while (table < len && is_space(s[table]))
        table++;
    if (table + (size_t)count * 20 > len)
        return -1;
    src->n = count;
    src->start = calloc(count, sizeof *src->start);
    src->end = calloc(count, sizeof *src->end);
    src->renum = calloc(count, sizeof *src->renum);
    if (!src->start || !src->end || !src->renum)
        return -1;
    for (unsigned i = 0; i < count; i++) {
        size_t e = table + (size_t)i * 20;
        if (s[e + 17] == 'n') {
            long long start = read_number(s, &e, len);
            if (start <= 0 || start >= xref)
                return -1;
            src->start[i] = (size_t)start;
        }
    }
    /* An object ends where the next one in the file starts (the document
     * is a font's few objects: quadratic is fine). */
    for (unsigned i = 0; i < count; i++) {
        if (!src->start[i])
            continue;
        src->end[i] = (size_t)xref;
        for (unsigned j = 0; j < count; j++)
            if (src->start[j] > src->start[i] && src->start[j] < src->end[i])
                src->end[i] = src->start[j];
    }
    return 0;
}

static void free_source(source *src)
{
    free(src->start);
    free(src->end);
    free(src->renum);
}

/* The end of the token at s[i] (i < n, not a space). */
static size_t token_end(const unsigned char *s, size_t i, size_t n)
{
    unsigned char c = s[i];
    if (c == '(') { /* a string: nested parentheses, backslash escapes */
        int depth = 0;
        for (; i < n; i++) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '(')
                depth++;
            else if (s[i] == ')' && --depth == 0)
                return i + 1;
        }
        return n;
    }
    if ((c == '<' || c == '>') && i + 1 < n && s[i + 1] == c)
        return i + 2;
    if (c == '<') { /* a hex string */
        while (i < n && s[i] != '>')
            i++;
        return i < n ? i + 1 : n;
    }
    if (strchr("[]{}>)", c))
        return i + 1;
    for (i++; i < n && !is_delim(s[i]); i++)
        ;
    return i;
}

static int is_int(const unsigned char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return b > a;
}

/* The next token from s[*i]: its start, with *i moved to its end; n when
 * none is left. */
static size_t next_token(const unsigned char *s, size_t *i, size_t n)
{
    while (*i < n && is_space(s[*i]))
        (*i)++;
    if (*i == n)
        return n;
    size_t start = *i;
    *i = token_end(s, start, n);
    return start;
}

/* Copies source object old under its new number, with its references
 * renumbered; objects first referred to get numbers and join queue. */
static int copy_object(ion_pdfw *w, source *src, unsigned old, unsigned *queue,
                       unsigned *nqueue)
{
    const unsigned char *s = src->s;
    size_t i = src->start[old], n = src->end[old];
    for (int tok = 0; tok < 3; tok++) /* "N G obj" */
        if (next_token(s, &i, n) == n)
            return -1;
    begin_obj(w, src->renum[old]);
    /* The value's tokens, up to "stream" (whose bytes are copied as they
     * are, never read) or "endobj". */
    size_t copied = i, num[2] = {0, 0}; /* the last two integers' starts */
    int depth = 0, nums = 0;
    for (;;) {
        size_t t = next_token(s, &i, n), len = i - t;
        if (t == n)
            return -1;
        unsigned char c = s[t];
        if (depth == 0 && len == 6 &&
            (!memcmp(s + t, "stream", 6) || !memcmp(s + t, "endobj", 6)))
            break;
        if ((len == 2 && c == '<') || c == '[')
            depth++;
        else if ((len == 2 && c == '>') || c == ']')
            depth--;
        if (len == 1 && c == 'R' && nums == 2) {
            size_t at = num[0];
            long long ref = read_number(s, &at, n);
            if (ref < 0 || ref >= src->n || !src->end[ref])
                return -1;
            if (!src->renum[ref]) {
                if (!(src->renum[ref] = reserve(w)))
                    return -1;
                queue[(*nqueue)++] = (unsigned)ref;
            }
            put(w, s + copied, num[0] - copied);
            putf(w, "%u", src->renum[ref]);
            copied = at;
            nums = 0;
        } else if (is_int(s, t, i)) {
            if (nums == 2) { /* keep the last two */
                num[0] = num[1];
                nums = 1;
            }
            num[nums++] = t;
        } else {
            nums = 0;
        }
    }
    if (depth != 0)
        return -1;
    put(w, s + copied, n - copied);
    return 0;
}

/* Object old of the source becomes object here, and is copied. */
static int add_root(source *src, unsigned old, unsigned here, unsigned *queue,
                    unsigned *nqueue)
{
    if (old == 0 || old >= src->n || !src->end[old] || src->renum[old])
        return -1;
    src->renum[old] = here;
    queue[(*nqueue)++] = old;
    return 0;
}

static int copy_objects(ion_pdfw *w, source *src, const unsigned *font_obj,
                        unsigned info_obj)
{
    unsigned *queue = malloc(src->n * sizeof *queue), nqueue = 0;
    if (!queue)
        return -1;
    int bad = 0;
    for (int k = 0; k < ION_PDFW_FONTS && !bad; k++)
        if (w->font[k])
            bad = add_root(src, font_obj[k], w->font[k], queue, &nqueue);
    bad = bad || add_root(src, info_obj, OBJ_INFO, queue, &nqueue);
    for (unsigned q = 0; q < nqueue && !bad; q++)
        bad = copy_object(w, src, queue[q], queue, &nqueue);
    free(queue);
    return bad ? -1 : 0;
}

int ion_pdfw_finish(ion_pdfw *w, const unsigned char *s, size_t len,
                    const unsigned *font_obj, unsigned info_obj,
                    const char *lang, ion_error *err)
{
    if (w->failed)
        return failw(w, err, "err.pdf.not_written");
    if (w->npages == 0)
        return failw(w, err, "err.pdf.no_pages");
    if (len < sizeof header - 1 || memcmp(s, header, sizeof header - 1))
        return failw(w, err, "err.pdf.version");
    source src;
    int bad = read_source(&src, s, len) || copy_objects(w, &src, font_obj, info_obj);
    free_source(&src);
    if (bad)
        return failw(w, err, "err.pdf.copy_fonts");

    begin_obj(w, OBJ_CATALOG);
    putf(w, "<<\012/Type /Catalog\012/Pages %u 0 R\012", OBJ_PAGES);
    if (lang && strlen(lang) < 16 && !strpbrk(lang, "()\\"))
        putf(w, "/Lang (%s)\012", lang);
    PUT_LIT(w, ">>\012endobj\012");
    begin_obj(w, OBJ_PAGES);
    PUT_LIT(w, "<<\012/Type /Pages\012/Kids [ ");
    for (unsigned i = 0; i < w->npages; i++)
        putf(w, "%u 0 R ", w->pages[i]);
    putf(w, "]\012/Count %u\012>>\012endobj\012", w->npages);

    uint64_t xref = w->pos;
    putf(w, "xref\0120 %u\0120000000000 65535 f\015\012", w->nobj);
    for (unsigned i = 1; i < w->nobj; i++) {
        if (!w->off[i])
            return failw(w, err, "err.pdf.unwritten");
        putf(w, "%010llu 00000 n\015\012", (unsigned long long)w->off[i]);
    }
    putf(w, "trailer\012<<\012/Root %u 0 R\012/Info %u 0 R\012/Size %u\012>>\012"
            "startxref\012%llu\012%%%%EOF\012",
         OBJ_CATALOG, OBJ_INFO, w->nobj, (unsigned long long)xref);
    if (fflush(w->out))
        w->failed = 1;
    return w->failed ? failw(w, err, "err.pdf.not_written") : 0;
}

void ion_pdfw_free(ion_pdfw *w)
{
    if (!w)
        return;
    free(w->off);
    free(w->pages);
    free(w);
}
