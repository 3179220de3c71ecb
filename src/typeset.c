#include "typeset.h"
#include "text.h"

#include <fribidi.h>
#include <hb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "markup.h"
#include "utf8.h"

/* Scripts shrink by this factor per level and move the baseline by these
 * fractions of the enclosing size (close to what TeX does for text). */
#define SCRIPT_SCALE 0.7
#define SUP_RISE 0.36
#define SUB_DROP 0.18
/* A thin space is a space at this fraction of the size: 0.6 * 278/1000 em
 * = 1/6 em, and text extraction still sees a space. */
#define THIN_SCALE 0.6
#define MAX_DEPTH 8

enum {
    G_OPENER = 16, /* internal flag: opening punctuation */
};

/* Where a character goes (see typeset.h). */
enum { K_STD, K_SYMBOL, K_CJK, K_SANS, K_MISSING, K_SPACE, K_NEWLINE };

/* One character of the text being appended, before it becomes glyphs. */
typedef struct {
    uint32_t cp;
    float size, rise;
    unsigned char style; /* ION_FONT_REGULAR .. ION_FONT_BOLD_ITALIC */
    unsigned char kind;  /* K_* */
} item;

struct ion_ts {
    ion_ts_measure_fn measure;
    void *ctx;
    ion_fontset *fs; /* NULL: no embedded fonts */
    float width[ION_FONT_SYMBOL + 1][256]; /* 1/1000 em; < 0: not yet asked */
    /* scratch, reused from call to call */
    item *items;
    int nitems, items_cap;
    uint32_t *cps;
    FriBidiCharType *types;
    FriBidiBracketType *brackets;
    FriBidiLevel *levels;
    FriBidiStrIndex *map;
    int bidi_cap;
    ion_shaped *shaped;
    int shaped_cap;
    ion_ts_glyph *tmp;
    int tmp_cap;
};

ion_ts *ion_ts_new(ion_ts_measure_fn measure, void *ctx, ion_fontset *fs,
                   ion_error *err)
{
    ion_ts *ts = calloc(1, sizeof *ts);
    if (!ts) {
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        return NULL;
    }
    ts->measure = measure;
    ts->ctx = ctx;
    ts->fs = fs && ion_fontset_sealed(fs) ? ion_fontset_ref(fs) : NULL;
    for (int f = 0; f <= ION_FONT_SYMBOL; f++)
        for (int c = 0; c < 256; c++)
            ts->width[f][c] = -1;
    return ts;
}

void ion_ts_free(ion_ts *ts)
{
    if (!ts)
        return;
    ion_fontset_free(ts->fs);
    free(ts->items);
    free(ts->cps);
    free(ts->types);
    free(ts->brackets);
    free(ts->levels);
    free(ts->map);
    free(ts->shaped);
    free(ts->tmp);
    free(ts);
}

void ion_ts_text_init(ion_ts_text *t) { memset(t, 0, sizeof *t); }

void ion_ts_text_clear(ion_ts_text *t)
{
    t->n = 0;
    t->nlines = 0;
}

void ion_ts_text_release(ion_ts_text *t)
{
    free(t->g);
    free(t->lines);
    ion_ts_text_init(t);
}

/* Grows *arr to hold need elements of size bytes; 0 or -1. */
static int reserve(void **arr, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return 0;
    int n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *a = realloc(*arr, (size_t)n * size);
    if (!a)
        return -1;
    *arr = a;
    *cap = n;
    return 0;
}

/* ---- character sets -------------------------------------------------- */

typedef struct {
    uint16_t cp;
    unsigned char code;
} cmap;

/* WinAnsi's 0x80-0x9F block; 0x20-0x7E and 0xA0-0xFF are Latin-1.
 * Both tables are sorted by code point for the binary search. */
static const cmap winansi_extra[] = {
    {0x0152, 0x8C}, {0x0153, 0x9C}, {0x0160, 0x8A}, {0x0161, 0x9A},
    {0x0178, 0x9F}, {0x017D, 0x8E}, {0x017E, 0x9E}, {0x0192, 0x83},
    {0x02C6, 0x88}, {0x02DC, 0x98}, {0x2013, 0x96}, {0x2014, 0x97},
    {0x2018, 0x91}, {0x2019, 0x92}, {0x201A, 0x82}, {0x201C, 0x93},
    {0x201D, 0x94}, {0x201E, 0x84}, {0x2020, 0x86}, {0x2021, 0x87},
    {0x2022, 0x95}, {0x2026, 0x85}, {0x2030, 0x89}, {0x2039, 0x8B},
    {0x203A, 0x9B}, {0x20AC, 0x80}, {0x2122, 0x99},
};

/* The Symbol font's built-in encoding (Adobe's symbol.txt), for what
 * Helvetica lacks. */
static const cmap symbol[] = {
    {0x0391, 0x41}, {0x0392, 0x42}, {0x0393, 0x47}, {0x0394, 0x44},
    {0x0395, 0x45}, {0x0396, 0x5A}, {0x0397, 0x48}, {0x0398, 0x51},
    {0x0399, 0x49}, {0x039A, 0x4B}, {0x039B, 0x4C}, {0x039C, 0x4D},
    {0x039D, 0x4E}, {0x039E, 0x58}, {0x039F, 0x4F}, {0x03A0, 0x50},
    {0x03A1, 0x52}, {0x03A3, 0x53}, {0x03A4, 0x54}, {0x03A5, 0x55},
    {0x03A6, 0x46}, {0x03A7, 0x43}, {0x03A8, 0x59}, {0x03A9, 0x57},
    {0x03B1, 0x61}, {0x03B2, 0x62}, {0x03B3, 0x67}, {0x03B4, 0x64},
    {0x03B5, 0x65}, {0x03B6, 0x7A}, {0x03B7, 0x68}, {0x03B8, 0x71},
    {0x03B9, 0x69}, {0x03BA, 0x6B}, {0x03BB, 0x6C}, {0x03BC, 0x6D},
    {0x03BD, 0x6E}, {0x03BE, 0x78}, {0x03BF, 0x6F}, {0x03C0, 0x70},
    {0x03C1, 0x72}, {0x03C2, 0x56}, {0x03C3, 0x73}, {0x03C4, 0x74},
    {0x03C5, 0x75}, {0x03C6, 0x66}, {0x03C7, 0x63}, {0x03C8, 0x79},
    {0x03C9, 0x77}, {0x03D1, 0x4A}, {0x03D2, 0xA1}, {0x03D5, 0x6A},
    {0x03D6, 0x76}, {0x2032, 0xA2}, {0x2033, 0xB2}, {0x2126, 0x57},
    {0x2135, 0xC0}, {0x2190, 0xAC}, {0x2191, 0xAD}, {0x2192, 0xAE},
    {0x2193, 0xAF}, {0x2194, 0xAB}, {0x21D0, 0xDC}, {0x21D1, 0xDD},
    {0x21D2, 0xDE}, {0x21D3, 0xDF}, {0x21D4, 0xDB}, {0x2200, 0x22},
    {0x2202, 0xB6}, {0x2203, 0x24}, {0x2205, 0xC6}, {0x2206, 0x44},
    {0x2207, 0xD1}, {0x2208, 0xCE}, {0x2209, 0xCF}, {0x220B, 0x27},
    {0x220F, 0xD5}, {0x2211, 0xE5}, {0x2212, 0x2D}, {0x2217, 0x2A},
    {0x221A, 0xD6}, {0x221D, 0xB5}, {0x221E, 0xA5}, {0x2220, 0xD0},
    {0x2227, 0xD9}, {0x2228, 0xDA}, {0x2229, 0xC7}, {0x222A, 0xC8},
    {0x222B, 0xF2}, {0x2234, 0x5C}, {0x223C, 0x7E}, {0x2245, 0x40},
    {0x2248, 0xBB}, {0x2260, 0xB9}, {0x2261, 0xBA}, {0x2264, 0xA3},
    {0x2265, 0xB3}, {0x2282, 0xCC}, {0x2283, 0xC9}, {0x2286, 0xCD},
    {0x2287, 0xCA}, {0x2295, 0xC5}, {0x2297, 0xC4}, {0x22A5, 0x5E},
    {0x22C5, 0xD7},
};

static int lookup(const cmap *m, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m[mid].cp == cp)
            return m[mid].code;
        if (m[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int winansi_code(uint32_t cp)
{
    if ((cp >= 0x20 && cp <= 0x7E) || (cp >= 0xA0 && cp <= 0xFF))
        return (int)cp;
    return lookup(winansi_extra, sizeof winansi_extra / sizeof *winansi_extra,
                  cp);
}

/* Line-breaking classes. Closing punctuation never starts a line, opening
 * punctuation never ends one (the rules Chinese typesetting calls kinsoku). */
static int is_closing(uint32_t cp)
{
    static const uint16_t wide[] = {0x2019, 0x201D, 0x2026, 0x3001, 0x3002,
                                    0x3009, 0x300B, 0x300D, 0x300F, 0x3011,
                                    0xFF01, 0xFF05, 0xFF09, 0xFF0C, 0xFF0E,
                                    0xFF1A, 0xFF1B, 0xFF1F, 0xFF3D, 0xFF5D};
    if (cp < 0x2019) {
        switch (cp) {
        case ',': case '.': case ';': case ':': case '!': case '?': case ')':
        case ']': case '}': case '%':
            return 1;
        default:
            return 0;
        }
    }
    for (size_t i = 0; i < sizeof wide / sizeof *wide; i++)
        if (wide[i] == cp)
            return 1;
    return 0;
}

static int is_opening(uint32_t cp)
{
    static const uint16_t wide[] = {0x2018, 0x201C, 0x3008, 0x300A, 0x300C,
                                    0x300E, 0x3010, 0xFF08, 0xFF3B, 0xFF5B};
    if (cp < 0x2018)
        return cp == '(' || cp == '[' || cp == '{';
    for (size_t i = 0; i < sizeof wide / sizeof *wide; i++)
        if (wide[i] == cp)
            return 1;
    return 0;
}

static int is_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

/* ---- building glyphs ------------------------------------------------- */

static double glyph_width(ion_ts *ts, const ion_ts_glyph *g)
{
    if (g->len == 0)
        return 0;
    float *w = &ts->width[g->font][g->code[0]];
    if (*w < 0)
        *w = (float)ts->measure(ts->ctx, (ion_font)g->font, g->code, 1);
    return *w * g->size / 1000.0;
}

static ion_ts_glyph *push(ion_ts_text *t, ion_error *err)
{
    if (reserve((void **)&t->g, &t->cap, t->n + 1, sizeof *t->g)) {
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        return NULL;
    }
    ion_ts_glyph *g = &t->g[t->n];
    memset(g, 0, sizeof *g);
    g->li = t->n++;
    return g;
}

/* The style in force while parsing one append call. */
typedef struct {
    double base;
    int flags;               /* ION_TS_* of the call */
    unsigned char stack[MAX_DEPTH];
    int depth;
    int known;               /* size, rise and font are those of the stack */
    double size, rise;
    ion_font font;
} style;

static void style_metrics(style *st, double *size, double *rise,
                          ion_font *font)
{
    if (st->known) {
        *size = st->size;
        *rise = st->rise;
        *font = st->font;
        return;
    }
    double s = st->base, r = 0;
    int bold = (st->flags & ION_TS_BOLD) != 0;
    int italic = (st->flags & ION_TS_ITALIC) != 0;
    for (int i = 0; i < st->depth; i++) {
        switch (st->stack[i]) {
        case ION_TAG_SUB:
            r -= SUB_DROP * s;
            s *= SCRIPT_SCALE;
            break;
        case ION_TAG_SUP:
            r += SUP_RISE * s;
            s *= SCRIPT_SCALE;
            break;
        case ION_TAG_I:
            italic = 1;
            break;
        default:
            bold = 1;
        }
    }
    *size = st->size = s;
    *rise = st->rise = r;
    *font = st->font = (ion_font)(ION_FONT_REGULAR + bold + 2 * italic);
    st->known = 1;
}

static int is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' ||
           cp == '\v';
}

/* Characters that print nothing. */
static int is_invisible(uint32_t cp)
{
    return (cp < 0x20 && !is_space_cp(cp)) || (cp >= 0x7F && cp < 0xA0) ||
           cp == 0xAD || cp == 0x200B || cp == 0x200C || cp == 0x200D ||
           cp == 0xFEFF;
}

/* Whether a standard font draws cp (spaces included). */
static int standard(uint32_t cp)
{
    return is_space_cp(cp) || cp == 0x2009 || cp == 0x202F ||
           winansi_code(cp) >= 0 ||
           lookup(symbol, sizeof symbol / sizeof *symbol, cp) >= 0;
}

static int is_mark(uint32_t cp)
{
    hb_unicode_general_category_t c =
        hb_unicode_general_category(hb_unicode_funcs_get_default(), cp);
    return c == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
           c == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
           c == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK;
}

/* Appends one character in the current style to the items. */
static int put_item(ion_ts *ts, style *st, uint32_t cp, int *after_space)
{
    int space = is_space_cp(cp);
    if (space && *after_space)
        return 0; /* white space collapses, as in XML text */
    if (is_invisible(cp))
        return 0;
    if (ts->nitems == ts->items_cap &&
        reserve((void **)&ts->items, &ts->items_cap, ts->nitems + 1,
                sizeof *ts->items))
        return -1;
    double size, rise;
    ion_font font;
    style_metrics(st, &size, &rise, &font);
    item *it = &ts->items[ts->nitems++];
    it->cp = space ? ' ' : cp;
    it->size = (float)size;
    it->rise = (float)rise;
    it->style = (unsigned char)font;
    it->kind = space ? K_SPACE : K_STD;
    *after_space = space;
    return 0;
}

static int put_newline(ion_ts *ts, style *st, int *after_space)
{
    if (put_item(ts, st, 0x2028, after_space) < 0)
        return -1;
    ts->items[ts->nitems - 1].kind = K_NEWLINE;
    *after_space = 1;
    return 0;
}

static int is_bold(int style)
{
    return style == ION_FONT_BOLD || style == ION_FONT_BOLD_ITALIC;
}

/* Chooses each item's font (typeset.h's order), then sets every word with
 * a DejaVu character in DejaVu, and a mark with its letter. */
static void choose_fonts(ion_ts *ts)
{
    const ion_fontset *fs = ts->fs;
    for (int i = 0; i < ts->nitems; i++) {
        item *it = &ts->items[i];
        uint32_t cp = it->cp;
        if (it->kind != K_STD || (cp >= 0x20 && cp < 0x7F))
            continue; /* ASCII: Helvetica */
        if (cp == 0x2009 || cp == 0x202F || cp == 0xA0)
            it->kind = K_SPACE;
        else if (winansi_code(cp) >= 0)
            it->kind = K_STD;
        else if (lookup(symbol, sizeof symbol / sizeof *symbol, cp) >= 0)
            it->kind = K_SYMBOL;
        else if (fs && ion_fontset_is_cjk(cp) && ion_fontset_has(fs, ION_EMB_CJK, cp))
            it->kind = K_CJK;
        else if (fs && ion_fontset_has(fs, ION_EMB_SANS, cp))
            it->kind = K_SANS;
        else if (fs && ion_fontset_has(fs, ION_EMB_CJK, cp))
            it->kind = K_CJK;
        else
            it->kind = K_MISSING;
    }
    if (!fs || (!ion_fontset_font(fs, ION_EMB_SANS) && !ion_fontset_font(fs, ION_EMB_CJK)))
        return;
    for (int i = 0; i < ts->nitems;) {
        int j = i, sans = 0;
        while (j < ts->nitems && ts->items[j].kind != K_SPACE &&
               ts->items[j].kind != K_NEWLINE)
            sans |= ts->items[j++].kind == K_SANS;
        for (int k = i; sans && k < j; k++) {
            item *it = &ts->items[k];
            if ((it->kind == K_STD || it->kind == K_SYMBOL) &&
                ion_fontset_has(fs, ION_EMB_SANS, it->cp))
                it->kind = K_SANS;
        }
        for (int k = i + 1; k < j; k++) { /* a mark goes with its letter */
            item *it = &ts->items[k];
            if (ts->items[k - 1].kind == K_CJK && is_mark(it->cp) &&
                ion_fontset_has(fs, ION_EMB_CJK, it->cp))
                it->kind = K_CJK;
        }
        i = j > i ? j : i + 1;
    }
}

/* *arr reallocated to cap elements of size bytes; 0 (it stays as it was)
 * when out of memory. */
static int resize(void **arr, int cap, size_t size)
{
    void *a = realloc(*arr, (size_t)cap * size);
    if (a)
        *arr = a;
    return a != NULL;
}

/* Room for n characters in each of the bidi arrays. */
static int bidi_reserve(ion_ts *ts, int n)
{
    if (n <= ts->bidi_cap)
        return 0;
    int cap = n < 64 ? 64 : 2 * n;
    int ok = resize((void **)&ts->cps, cap, sizeof *ts->cps) &
             resize((void **)&ts->types, cap, sizeof *ts->types) &
             resize((void **)&ts->brackets, cap, sizeof *ts->brackets) &
             resize((void **)&ts->levels, cap, sizeof *ts->levels) &
             resize((void **)&ts->map, cap, sizeof *ts->map);
    if (!ok)
        return -1;
    ts->bidi_cap = cap;
    return 0;
}

/* The items' embedding levels (ts->levels), by FriBidi; all 0 (left to
 * right) when no character is right to left. */
static int bidi_levels(ion_ts *ts)
{
    int n = ts->nitems;
    if (bidi_reserve(ts, n) < 0)
        return -1;
    int rtl = 0;
    for (int i = 0; i < n; i++) /* nothing below Hebrew is right to left */
        rtl |= (ts->cps[i] = ts->items[i].cp) >= 0x590;
    for (int i = 0; rtl && i < n; i++)
        ts->types[i] = fribidi_get_bidi_type(ts->cps[i]);
    if (rtl) {
        rtl = 0;
        for (int i = 0; i < n; i++)
            rtl |= FRIBIDI_IS_RTL(ts->types[i]) || FRIBIDI_IS_EXPLICIT(ts->types[i]);
    }
    if (!rtl) {
        if (n > 0) /* an empty line has no levels array yet */
            memset(ts->levels, 0, (size_t)n * sizeof *ts->levels);
        return 0;
    }
    fribidi_get_bracket_types(ts->cps, n, ts->types, ts->brackets);
    FriBidiParType dir = FRIBIDI_PAR_LTR;
    return fribidi_get_par_embedding_levels_ex(ts->types, ts->brackets, n, &dir,
                                               ts->levels)
               ? 0
               : -1;
}

/* One glyph of a standard font (or a space, or '?') for item it. */
static int std_glyph(ion_ts *ts, ion_ts_text *t, const item *it, int level,
                     ion_error *err)
{
    ion_ts_glyph *g = push(t, err);
    if (!g)
        return -1;
    g->size = it->size;
    g->rise = it->rise;
    g->font = it->style;
    g->len = 1;
    g->cp = it->cp;
    g->level = (unsigned char)level;
    switch (it->kind) {
    case K_NEWLINE:
        g->len = 0;
        g->cp = 0;
        g->flags = ION_TS_G_NEWLINE;
        return 0;
    case K_SPACE:
        g->code[0] = ' ';
        if (it->cp == ' ')
            g->flags = ION_TS_G_SPACE | ION_TS_G_BREAK;
        else if (it->cp != 0xA0) /* no break: keeps "94.1 mV" together */
            g->size = (float)(it->size * THIN_SCALE);
        break;
    case K_SYMBOL:
        g->font = ION_FONT_SYMBOL;
        g->code[0] = (unsigned char)lookup(symbol, sizeof symbol / sizeof *symbol, it->cp);
        break;
    case K_STD:
        g->code[0] = (unsigned char)winansi_code(it->cp);
        break;
    default:
        g->code[0] = '?';
    }
    g->width = (float)glyph_width(ts, g);
    return 0;
}

/* Items [a, b), one run of an embedded font, shaped into glyphs. */
static int shaped_glyphs(ion_ts *ts, ion_ts_text *t, int a, int b,
                         ion_error *err)
{
    const item *it = &ts->items[a];
    int bold = is_bold(it->style), rtl = ts->levels[a] & 1;
    ion_emb emb = ION_EMB_CJK;
    ion_font font = bold ? ION_FONT_CJK_BOLD : ION_FONT_CJK;
    if (it->kind == K_SANS) {
        int has_bold = bold && ion_fontset_font(ts->fs, ION_EMB_SANS_BOLD);
        emb = has_bold ? ION_EMB_SANS_BOLD : ION_EMB_SANS;
        font = has_bold ? ION_FONT_SANS_BOLD : ION_FONT_SANS;
    }
    int n = ion_fontset_shape(ts->fs, emb, ts->cps + a, b - a, rtl,
                              &ts->shaped, &ts->shaped_cap);
    if (n < 0)
        return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    for (int k = 0; k < n; k++) {
        const ion_shaped *s = &ts->shaped[k];
        ion_ts_glyph *g = push(t, err);
        if (!g)
            return -1;
        double em = it->size / 1000.0;
        g->size = it->size;
        g->rise = (float)(it->rise + s->yoff * em);
        g->width = (float)(s->advance * em);
        g->xoff = (float)(s->xoff * em);
        g->font = (unsigned char)font;
        g->len = 2;
        g->code[0] = (unsigned char)(s->gid >> 8);
        g->code[1] = (unsigned char)(s->gid & 0xFF);
        g->cp = s->first >= 0 ? ts->cps[a + s->first] : 0;
        g->level = ts->levels[a];
    }
    return 0;
}

static int same_run(const item *x, const item *y, FriBidiLevel lx,
                    FriBidiLevel ly)
{
    return x->kind == y->kind && x->size == y->size && x->rise == y->rise &&
           is_bold(x->style) == is_bold(y->style) && lx == ly;
}

/* Line-breaking flags of glyphs [n0, t->n). */
static void break_flags(ion_ts_text *t, int n0)
{
    uint32_t prev_cp = 0, prev2_cp = 0;
    for (int i = n0; i < t->n; i++) {
        ion_ts_glyph *g = &t->g[i];
        if (g->flags & (ION_TS_G_SPACE | ION_TS_G_NEWLINE)) {
            prev2_cp = prev_cp;
            prev_cp = ' ';
            continue;
        }
        uint32_t cp = g->cp;
        if (cp == 0) { /* inside a cluster */
            g->flags |= ION_TS_G_NOBREAK;
            continue;
        }
        ion_ts_glyph *prev = i > 0 ? g - 1 : NULL;
        /* Chinese and Japanese break between characters, Korean at spaces */
        int cjk = (g->font == ION_FONT_CJK || g->font == ION_FONT_CJK_BOLD) &&
                  !(cp >= 0xAC00 && cp <= 0xD7A3) && !(cp >= 0x1100 && cp <= 0x11FF) &&
                  !(cp >= 0x3130 && cp <= 0x318F);
        if (is_closing(cp))
            g->flags |= ION_TS_G_NOBREAK;
        if (is_opening(cp))
            g->flags |= G_OPENER;
        else if (cjk || cp == '/')
            g->flags |= ION_TS_G_BREAK;
        if (prev && cjk && !(prev->flags & G_OPENER))
            prev->flags |= ION_TS_G_BREAK; /* Latin followed by Chinese */
        if (prev && prev_cp == '-' && is_letter(prev2_cp) && is_letter(cp))
            prev->flags |= ION_TS_G_BREAK; /* "Na-K" may break after '-' */
        prev2_cp = prev_cp;
        prev_cp = cp;
    }
}

/* The items as glyphs appended to t. */
static int items_to_glyphs(ion_ts *ts, ion_ts_text *t, ion_error *err)
{
    choose_fonts(ts);
    if (bidi_levels(ts) < 0)
        return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    int n0 = t->n;
    for (int i = 0; i < ts->nitems;) {
        const item *it = &ts->items[i];
        int j = i + 1;
        if (it->kind == K_CJK || it->kind == K_SANS) {
            while (j < ts->nitems && same_run(it, &ts->items[j], ts->levels[i], ts->levels[j]))
                j++;
            if (shaped_glyphs(ts, t, i, j, err) < 0)
                return -1;
        } else if (std_glyph(ts, t, it, ts->levels[i], err) < 0) {
            return -1;
        }
        i = j;
    }
    break_flags(t, n0);
    return 0;
}
/* ---- visual order ---------------------------------------------------- */

/* Puts each line of t in visual order by FriBidi's reordering of the
 * glyphs' levels; a line all left to right stays as it is. */
static int visual_order(ion_ts *ts, ion_ts_text *t)
{
    for (int l = 0; l < t->nlines; l++) {
        int a = t->lines[l].start, n = t->lines[l].end - a, rtl = 0;
        for (int k = a; k < a + n; k++)
            rtl |= t->g[k].level != 0;
        if (!rtl)
            continue;
        if (bidi_reserve(ts, n) < 0 ||
            reserve((void **)&ts->tmp, &ts->tmp_cap, n, sizeof *ts->tmp))
            return -1;
        for (int k = 0; k < n; k++) {
            const ion_ts_glyph *g = &t->g[a + k];
            /* a cluster's other glyphs are marks of its letter */
            ts->types[k] = g->cp ? fribidi_get_bidi_type(g->cp) : FRIBIDI_TYPE_NSM;
            ts->levels[k] = (FriBidiLevel)g->level;
            ts->map[k] = k;
        }
        if (!fribidi_reorder_line(0, ts->types, n, 0, FRIBIDI_PAR_LTR, ts->levels,
                                  NULL, ts->map))
            return -1;
        for (int k = 0; k < n; k++)
            ts->tmp[k] = t->g[a + ts->map[k]];
        memcpy(t->g + a, ts->tmp, (size_t)n * sizeof *ts->tmp);
    }
    return 0;
}

/* Puts t's glyphs back in reading order after ion_ts_break laid them out. */
static void reading_order(ion_ts *ts, ion_ts_text *t)
{
    for (int l = 0; l < t->nlines; l++) {
        int a = t->lines[l].start, b = t->lines[l].end, moved = 0;
        for (int k = a; k < b; k++)
            moved |= t->g[k].li != k;
        if (!moved || reserve((void **)&ts->tmp, &ts->tmp_cap, b - a, sizeof *ts->tmp))
            continue; /* (without memory the order stays visual) */
        for (int k = a; k < b; k++)
            ts->tmp[t->g[k].li - a] = t->g[k];
        memcpy(t->g + a, ts->tmp, (size_t)(b - a) * sizeof *ts->tmp);
    }
}

/* ---- appending ------------------------------------------------------- */

/* Each character of a text, as the typesetter reads it: fn(ctx, cp). */
static int each_char(const char *utf8, int markup, int (*fn)(void *, uint32_t),
                     void *ctx)
{
    size_t n = strlen(utf8);
    for (const char *p = utf8; n > 0;) {
        ion_mk_token tok;
        ion_markup_next(p, n, markup, &tok);
        int rc = 0;
        if (tok.kind == ION_MK_CLOSE || tok.kind == ION_MK_OPEN || tok.kind == ION_MK_BAD_TAG) {
            for (size_t i = 0; i < tok.len && !rc; i++)
                rc = fn(ctx, (unsigned char)p[i]);
        } else if (tok.kind != ION_MK_BR) {
            rc = fn(ctx, tok.kind == ION_MK_BAD_UTF8 ? '?' : tok.cp);
        }
        if (rc)
            return -1;
        p += tok.len;
        n -= tok.len;
    }
    return 0;
}

static int collect_one(void *ctx, uint32_t cp)
{
    return ion_fontset_add(ctx, cp, standard(cp));
}

int ion_ts_collect(ion_fontset *fs, const char *utf8, int markup)
{
    return utf8 ? each_char(utf8, markup, collect_one, fs) : 0;
}

static int put_literal(ion_ts *ts, style *st, const char *s, size_t n,
                       int *after_space)
{
    for (size_t i = 0; i < n; i++)
        if (put_item(ts, st, (unsigned char)s[i], after_space) < 0)
            return -1;
    return 0;
}

int ion_ts_append(ion_ts *ts, ion_ts_text *t, const char *utf8, double size,
                  int flags, ion_error *err)
{
    if (!utf8)
        return 0;
    reading_order(ts, t);
    t->nlines = 0;
    ts->nitems = 0;
    style st = {.base = size, .flags = flags};
    int markup = (flags & ION_TS_MARKUP) != 0;
    int after_space = t->n == 0 || (t->g[t->n - 1].flags & (ION_TS_G_SPACE | ION_TS_G_NEWLINE));
    size_t n = strlen(utf8);
    for (const char *p = utf8; n > 0;) {
        ion_mk_token tok;
        ion_markup_next(p, n, markup, &tok);
        int rc = 0;
        switch (tok.kind) {
        case ION_MK_OPEN:
            if (st.depth < MAX_DEPTH) {
                st.stack[st.depth++] = (unsigned char)tok.tag;
                st.known = 0;
            } else {
                rc = put_literal(ts, &st, p, tok.len, &after_space);
            }
            break;
        case ION_MK_CLOSE:
            if (st.depth > 0 && st.stack[st.depth - 1] == tok.tag) {
                st.depth--;
                st.known = 0;
            } else {
                rc = put_literal(ts, &st, p, tok.len, &after_space);
            }
            break;
        case ION_MK_BR:
            if (t->n > 0 || ts->nitems > 0)
                rc = put_newline(ts, &st, &after_space);
            break;
        case ION_MK_BAD_UTF8:
            rc = put_item(ts, &st, '?', &after_space);
            break;
        default:
            rc = put_item(ts, &st, tok.cp, &after_space);
        }
        if (rc < 0)
            return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        p += tok.len;
        n -= tok.len;
    }
    return items_to_glyphs(ts, t, err);
}
int ion_ts_markup_check(const char *markup, ion_error *err)
{
    ion_mk_tag stack[MAX_DEPTH];
    int depth = 0;
    size_t n = strlen(markup);
    for (const char *p = markup; n > 0;) {
        ion_mk_token tok;
        ion_markup_next(p, n, 1, &tok);
        size_t off = (size_t)(p - markup);
        switch (tok.kind) {
        case ION_MK_OPEN:
            if (depth == MAX_DEPTH)
                return ion_fail_key(err, NULL, 0, "err.markup.nested", "%zu", off);
            stack[depth++] = tok.tag;
            break;
        case ION_MK_CLOSE:
            if (depth == 0 || stack[depth - 1] != tok.tag)
                return ion_fail_key(err, NULL, 0, "err.markup.unexpected_close", "%s%zu", ion_markup_tag_name(tok.tag), off);
            depth--;
            break;
        case ION_MK_BAD_TAG: {
            size_t k = strcspn(p, "> \t\n");
            return ion_fail_key(err, NULL, 0, "err.markup.unknown_tag", "%.*s%zu",
                                (int)(k < 20 ? k + (p[k] == '>') : 20), p, off);
        }
        case ION_MK_BAD_ENT:
            return ion_fail_key(err, NULL, 0, "err.markup.unknown_entity", "%zu", off);
        case ION_MK_BAD_UTF8:
            return ion_fail_key(err, NULL, 0, "err.markup.utf8", "%zu", off);
        default:
            break;
        }
        p += tok.len;
        n -= tok.len;
    }
    if (depth > 0)
        return ion_fail_key(err, NULL, 0, "err.markup.unclosed", "%s", ion_markup_tag_name(stack[depth - 1]));
    return 0;
}
/* ---- lines ----------------------------------------------------------- */

double ion_ts_width(const ion_ts_text *t)
{
    double w = 0;
    for (int i = 0; i < t->n; i++)
        w += t->g[i].width;
    return w;
}

static double range_width(const ion_ts_text *t, int a, int b)
{
    double w = 0;
    for (int i = a; i < b; i++)
        w += t->g[i].width;
    return w;
}

static int push_line(ion_ts_text *t, int start, int end, ion_error *err)
{
    while (end > start && (t->g[end - 1].flags & ION_TS_G_SPACE))
        end--;
    if (t->nlines == t->lcap) {
        int cap = t->lcap ? 2 * t->lcap : 8;
        ion_ts_line *l = realloc(t->lines, (size_t)cap * sizeof *l);
        if (!l)
            return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        t->lines = l;
        t->lcap = cap;
    }
    ion_ts_line *l = &t->lines[t->nlines++];
    l->start = start;
    l->end = end;
    l->width = range_width(t, start, end);
    return 0;
}

static int can_break_after(const ion_ts_text *t, int j)
{
    return (t->g[j].flags & ION_TS_G_BREAK) &&
           !(j + 1 < t->n && (t->g[j + 1].flags & ION_TS_G_NOBREAK));
}

/* Cuts the last line so that it ends in an ellipsis within `width`. */
static void ellipsize(ion_ts *ts, ion_ts_text *t, double width)
{
    ion_ts_line *l = &t->lines[t->nlines - 1];
    int e = l->end < t->n ? l->end : t->n - 1;
    ion_ts_glyph ell = t->g[l->start]; /* the line's style, not a space's */
    if (ell.font > ION_FONT_BOLD_ITALIC)
        ell.font = ION_FONT_REGULAR;
    ell.len = 1;
    ell.code[0] = 0x85; /* WinAnsi "…" */
    ell.flags = 0;
    ell.width = (float)glyph_width(ts, &ell);
    while (e > l->start &&
           ((t->g[e - 1].flags & ION_TS_G_SPACE) ||
            range_width(t, l->start, e) + ell.width > width))
        e--;
    ell.li = e;
    ell.cp = 0x2026;
    ell.xoff = 0;
    t->g[e] = ell;
    l->end = e + 1;
    l->width = range_width(t, l->start, l->end);
}

int ion_ts_break(ion_ts *ts, ion_ts_text *t, double width, int max_lines,
                 ion_error *err)
{
    reading_order(ts, t);
    t->nlines = 0;
    int i = 0;
    while (i < t->n) {
        while (i < t->n && (t->g[i].flags & ION_TS_G_SPACE))
            i++;
        if (i >= t->n)
            break;
        double x = 0;
        int last_break = -1, end = t->n; /* the next line starts there */
        for (int j = i; j < t->n; j++) {
            const ion_ts_glyph *g = &t->g[j];
            if (x + g->width > width && j > i &&
                !(g->flags & ION_TS_G_SPACE)) {
                end = last_break >= i ? last_break + 1 : j;
                break;
            }
            x += g->width;
            if (g->flags & ION_TS_G_NEWLINE) {
                end = j + 1;
                break;
            }
            if (can_break_after(t, j))
                last_break = j;
        }
        if (push_line(t, i, end, err) < 0)
            return -1;
        i = end;
    }
    if (max_lines > 0 && t->nlines > max_lines) {
        t->nlines = max_lines;
        ellipsize(ts, t, width);
    }
    if (visual_order(ts, t) < 0)
        return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    return 0;
}

void ion_ts_runs_begin(ion_ts_run *run, const ion_ts_line *line)
{
    memset(run, 0, sizeof *run);
    run->start = run->end = line->start;
}

int ion_ts_next_run(const ion_ts_text *t, const ion_ts_line *line,
                    ion_ts_run *run)
{
    int i = run->end;
    run->x += run->width;
    if (i >= line->end)
        return 0;
    const ion_ts_glyph *g = &t->g[i];
    run->start = i;
    run->font = (ion_font)g->font;
    run->size = g->size;
    run->rise = g->rise;
    run->width = 0;
    /* A size change ends a run, so a thin space is a run of its own. */
    while (i < line->end && t->g[i].font == g->font &&
           t->g[i].size == g->size && t->g[i].rise == g->rise) {
        run->width += t->g[i].width;
        i++;
    }
    run->end = i;
    return 1;
}
