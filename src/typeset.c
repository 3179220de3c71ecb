#include "typeset.h"

#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
    G_OPENER = 16, /* internal flags: opening punctuation, */
    G_RTL = 32,    /* a right-to-left character */
};

struct ion_ts {
    ion_ts_measure_fn measure;
    void *ctx;
    int unicode; /* the Unicode fonts may be used */
    iconv_t gbk, euckr; /* euckr (iconv_t)-1: no Korean */
    float width[ION_FONT_SYMBOL + 1][256]; /* 1/1000 em; < 0: not yet asked */
};

ion_ts *ion_ts_new(ion_ts_measure_fn measure, void *ctx, int unicode_font,
                   ion_error *err)
{
    ion_ts *ts = malloc(sizeof *ts);
    if (!ts) {
        ion_fail(err, NULL, 0, "out of memory");
        return NULL;
    }
    ts->measure = measure;
    ts->ctx = ctx;
    ts->unicode = unicode_font != 0;
    ts->gbk = iconv_open("GBK", "UTF-8");
    if (ts->gbk == (iconv_t)-1) {
        free(ts);
        ion_fail(err, NULL, 0, "iconv cannot convert UTF-8 to GBK");
        return NULL;
    }
    ts->euckr = iconv_open("EUC-KR", "UTF-8");
    for (int f = 0; f <= ION_FONT_SYMBOL; f++)
        for (int c = 0; c < 256; c++)
            ts->width[f][c] = -1;
    return ts;
}

void ion_ts_free(ion_ts *ts)
{
    if (!ts)
        return;
    iconv_close(ts->gbk);
    if (ts->euckr != (iconv_t)-1)
        iconv_close(ts->euckr);
    free(ts);
}

void ion_ts_text_init(ion_ts_text *t) { memset(t, 0, sizeof *t); }

void ion_ts_text_clear(ion_ts_text *t)
{
    t->n = 0;
    t->nlines = 0;
    t->visual = 0;
}

void ion_ts_text_release(ion_ts_text *t)
{
    free(t->g);
    free(t->lines);
    ion_ts_text_init(t);
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

/* The two-byte code of cp in cd's encoding (GBK, EUC-KR), or -1 when it
 * has none. */
static int cid_code(iconv_t cd, uint32_t cp, unsigned char out[2])
{
    char in[4], buf[8];
    char *ip = in, *op = buf;
    size_t il = ion_utf8_put(cp, in), ol = sizeof buf;
    if (cd == (iconv_t)-1)
        return -1;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
        sizeof buf - ol != 2)
        return -1;
    out[0] = (unsigned char)buf[0];
    out[1] = (unsigned char)buf[1];
    return 0;
}

/* ---- building glyphs ------------------------------------------------- */

static double glyph_width(ion_ts *ts, const ion_ts_glyph *g)
{
    if (g->len == 0)
        return 0;
    if (g->font <= ION_FONT_SYMBOL) {
        float *w = &ts->width[g->font][g->code[0]];
        if (*w < 0)
            *w = (float)ts->measure(ts->ctx, (ion_font)g->font, g->code, 1);
        return *w * g->size / 1000.0;
    }
    return ts->measure(ts->ctx, (ion_font)g->font, g->code, g->len) *
           g->size / 1000.0;
}

static ion_ts_glyph *push(ion_ts_text *t, ion_error *err)
{
    if (t->n == t->cap) {
        int cap = t->cap ? 2 * t->cap : 64;
        ion_ts_glyph *g = realloc(t->g, (size_t)cap * sizeof *g);
        if (!g) {
            ion_fail(err, NULL, 0, "out of memory");
            return NULL;
        }
        t->g = g;
        t->cap = cap;
    }
    ion_ts_glyph *g = &t->g[t->n++];
    memset(g, 0, sizeof *g);
    return g;
}

enum { TAG_SUB, TAG_SUP, TAG_I, TAG_B };

/* The style in force while parsing one append call. */
typedef struct {
    double base;
    int flags;               /* ION_TS_* of the call */
    unsigned char stack[MAX_DEPTH];
    int depth;
    uint32_t prev_cp, prev2_cp; /* the last two characters appended */
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
        case TAG_SUB:
            r -= SUB_DROP * s;
            s *= SCRIPT_SCALE;
            break;
        case TAG_SUP:
            r += SUP_RISE * s;
            s *= SCRIPT_SCALE;
            break;
        case TAG_I:
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

static int last_is_space(const ion_ts_text *t)
{
    return t->n == 0 ||
           (t->g[t->n - 1].flags & (ION_TS_G_SPACE | ION_TS_G_NEWLINE));
}

/* Accented Greek (tonos, dialytika) has no glyph in Symbol or GBK; its
 * base letter reads far better in a name than '?'. */
static uint32_t greek_base(uint32_t cp)
{
    static const struct { uint32_t from, to; } map[] = {
        {0x0386, 0x0391}, {0x0388, 0x0395}, {0x0389, 0x0397}, {0x038A, 0x0399},
        {0x038C, 0x039F}, {0x038E, 0x03A5}, {0x038F, 0x03A9}, {0x0390, 0x03B9},
        {0x03AA, 0x0399}, {0x03AB, 0x03A5}, {0x03AC, 0x03B1}, {0x03AD, 0x03B5},
        {0x03AE, 0x03B7}, {0x03AF, 0x03B9}, {0x03B0, 0x03C5}, {0x03CA, 0x03B9},
        {0x03CB, 0x03C5}, {0x03CC, 0x03BF}, {0x03CD, 0x03C5}, {0x03CE, 0x03C9},
    };
    if (cp < 0x0386 || cp > 0x03CE)
        return cp;
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (map[i].from == cp)
            return map[i].to;
    return cp;
}

/* ---- right to left --------------------------------------------------- */

/* Hebrew, Arabic (with its supplements and presentation forms). */
static int is_rtl(uint32_t cp)
{
    return (cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
           (cp >= 0xFE70 && cp <= 0xFEFC);
}

/* Hebrew points and Arabic harakat: drawn over the letter before them, they
 * neither join nor move in the reordering. */
static int is_mark(uint32_t cp)
{
    return (cp >= 0x0591 && cp <= 0x05BD) || cp == 0x05BF || cp == 0x05C1 ||
           cp == 0x05C2 || cp == 0x05C4 || cp == 0x05C5 || cp == 0x05C7 ||
           (cp >= 0x0610 && cp <= 0x061A) || (cp >= 0x064B && cp <= 0x065F) ||
           cp == 0x0670;
}

static int is_unicode_font(int f)
{
    return f == ION_FONT_UNICODE || f == ION_FONT_UNICODE_BOLD;
}

/* The code point of a glyph in a Unicode font, else 0. */
static uint32_t glyph_cp(const ion_ts_glyph *g)
{
    return is_unicode_font(g->font) && g->len == 2
               ? (uint32_t)g->code[0] << 8 | g->code[1]
               : 0;
}

/* Arabic letters U+0621-U+064A: the isolated presentation form, followed in
 * U+FE80-U+FEF4 by the final, initial and medial forms as the letter has
 * them, and how it joins: 'D' on both sides, 'R' only to the letter before
 * it (in reading order), 'U' not at all; 0: no presentation forms. */
static const struct {
    uint16_t isolated;
    char join;
} arabic[] = {
    {0xFE80, 'U'}, {0xFE81, 'R'}, {0xFE83, 'R'}, {0xFE85, 'R'}, /* 0621 */
    {0xFE87, 'R'}, {0xFE89, 'D'}, {0xFE8D, 'R'}, {0xFE8F, 'D'}, /* 0625 */
    {0xFE93, 'R'}, {0xFE95, 'D'}, {0xFE99, 'D'}, {0xFE9D, 'D'}, /* 0629 */
    {0xFEA1, 'D'}, {0xFEA5, 'D'}, {0xFEA9, 'R'}, {0xFEAB, 'R'}, /* 062D */
    {0xFEAD, 'R'}, {0xFEAF, 'R'}, {0xFEB1, 'D'}, {0xFEB5, 'D'}, /* 0631 */
    {0xFEB9, 'D'}, {0xFEBD, 'D'}, {0xFEC1, 'D'}, {0xFEC5, 'D'}, /* 0635 */
    {0xFEC9, 'D'}, {0xFECD, 'D'}, {0, 0},        {0, 0},        /* 0639 */
    {0, 0},        {0, 0},        {0, 0},        {0, 'D'},      /* 063D */
    {0xFED1, 'D'}, {0xFED5, 'D'}, {0xFED9, 'D'}, {0xFEDD, 'D'}, /* 0641 */
    {0xFEE1, 'D'}, {0xFEE5, 'D'}, {0xFEE9, 'D'}, {0xFEED, 'R'}, /* 0645 */
    {0xFEEF, 'R'}, {0xFEF1, 'D'},                               /* 0649 */
}; /* U+0640, the tatweel, joins on both sides and keeps its shape */

static char arabic_join(uint32_t cp)
{
    return cp >= 0x0621 && cp <= 0x064A ? arabic[cp - 0x0621].join : 0;
}

/* Lam followed by alef with madda, hamza above, hamza below, or plain: the
 * isolated ligature (the final form follows it), else 0. */
static uint32_t lam_alef(uint32_t lam, uint32_t alef)
{
    if (lam != 0x0644)
        return 0;
    switch (alef) {
    case 0x0622: return 0xFEF5;
    case 0x0623: return 0xFEF7;
    case 0x0625: return 0xFEF9;
    case 0x0627: return 0xFEFB;
    default: return 0;
    }
}

/* Gives glyph g code point cp in the Unicode font if that has a glyph for
 * it; returns whether it did. */
static int reshape(ion_ts *ts, ion_ts_glyph *g, uint32_t cp)
{
    ion_ts_glyph u = *g;
    u.code[0] = (unsigned char)(cp >> 8);
    u.code[1] = (unsigned char)(cp & 0xFF);
    double w = glyph_width(ts, &u);
    if (w < 0)
        return 0;
    u.width = (float)w;
    *g = u;
    return 1;
}

/* Contextual forms for the Arabic letters of glyphs [i, t->n), in reading
 * order: a letter joins the one before it when both sides can (marks in
 * between are skipped), and lam-alef pairs become one ligature. */
static void shape_arabic(ion_ts *ts, ion_ts_text *t, int i)
{
    int prev_joins = 0; /* the last letter joins the next one */
    for (; i < t->n; i++) {
        ion_ts_glyph *g = &t->g[i];
        uint32_t cp = glyph_cp(g);
        if (is_mark(cp))
            continue;
        char join = arabic_join(cp);
        if (!join) {
            prev_joins = 0;
            continue;
        }
        uint32_t lig = i + 1 < t->n ? lam_alef(cp, glyph_cp(g + 1)) : 0;
        if (lig && reshape(ts, g, lig + (prev_joins ? 1u : 0u))) {
            g->flags |= g[1].flags;
            memmove(g + 1, g + 2, (size_t)(t->n - i - 2) * sizeof *g);
            t->n--;
            prev_joins = 0;
            continue;
        }
        int next_joins = 0;
        for (int k = i + 1; join == 'D' && k < t->n; k++) {
            uint32_t n = glyph_cp(&t->g[k]);
            if (!is_mark(n)) {
                char j = arabic_join(n);
                next_joins = j == 'D' || j == 'R';
                break;
            }
        }
        int before = prev_joins && join != 'U';
        if (arabic[cp - 0x0621].isolated)
            reshape(ts, g,
                    arabic[cp - 0x0621].isolated +
                        (before && next_joins ? 3u
                         : next_joins         ? 2u
                         : before             ? 1u
                                              : 0u));
        prev_joins = join == 'D';
    }
}

static void reverse(ion_ts_glyph *g, int a, int b) /* [a, b) */
{
    for (b--; a < b; a++, b--) {
        ion_ts_glyph x = g[a];
        g[a] = g[b];
        g[b] = x;
    }
}

/* Reverses, on every line, each maximal run of right-to-left glyphs and the
 * spaces between them, keeping each letter's marks after it. Doing it twice
 * restores the order. */
static void reorder_lines(ion_ts_text *t)
{
    for (int l = 0; l < t->nlines; l++) {
        int end = t->lines[l].end;
        for (int i = t->lines[l].start; i < end; i++) {
            if (!(t->g[i].flags & G_RTL))
                continue;
            int last = i; /* the run's last right-to-left glyph */
            for (int k = i + 1; k < end; k++) {
                if (t->g[k].flags & G_RTL)
                    last = k;
                else if (!(t->g[k].code[0] == ' ' && t->g[k].len == 1))
                    break;
            }
            reverse(t->g, i, last + 1);
            for (int k = i; k <= last; k++) {
                int m = k;
                while (m <= last && is_mark(glyph_cp(&t->g[m])))
                    m++;
                if (m > k && m <= last)
                    reverse(t->g, k, m + 1);
                k = m;
            }
            i = last;
        }
    }
}

/* Puts t's glyphs back in reading order after ion_ts_break laid them out. */
static void reading_order(ion_ts_text *t)
{
    if (t->visual) {
        reorder_lines(t);
        t->visual = 0;
    }
}

/* g in the Unicode font of its style (bold, else regular), its width
 * measured, when there is one with a glyph for cp; otherwise returns 0 and
 * leaves g as it was. */
static int unicode_glyph(ion_ts *ts, ion_ts_glyph *g, uint32_t cp, int bold)
{
    if (!ts->unicode || cp > 0xFFFF)
        return 0;
    ion_ts_glyph u = *g;
    u.len = 2;
    for (int f = bold ? ION_FONT_UNICODE_BOLD : ION_FONT_UNICODE;
         f >= ION_FONT_UNICODE; f--) {
        u.font = (unsigned char)f;
        if (reshape(ts, &u, cp)) {
            *g = u;
            return 1;
        }
    }
    return 0;
}

/* Hangul syllables and jamo (Korean breaks lines at spaces only). */
static int is_hangul(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F) ||
           (cp >= 0xAC00 && cp <= 0xD7A3);
}

/* Appends one character in the current style. */
static int put_char(ion_ts *ts, ion_ts_text *t, style *st, uint32_t cp,
                    ion_error *err)
{
    double size, rise;
    ion_font font;
    style_metrics(st, &size, &rise, &font);
    cp = greek_base(cp);

    int space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
                cp == '\f' || cp == '\v';
    if (space && last_is_space(t))
        return 0; /* white space collapses, as in XML text */
    if ((cp < 0x20 && !space) || (cp >= 0x7F && cp < 0xA0) || cp == 0xAD ||
        cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0xFEFF)
        return 0; /* controls and invisible characters print nothing */

    ion_ts_glyph *g = push(t, err);
    if (!g)
        return -1;
    g->size = (float)size;
    g->rise = (float)rise;
    g->font = (unsigned char)font;
    g->len = 1;
    int code, bold = font == ION_FONT_BOLD || font == ION_FONT_BOLD_ITALIC;
    if (space) {
        g->code[0] = ' ';
        g->flags = ION_TS_G_SPACE | ION_TS_G_BREAK;
    } else if (cp == 0x2009 || cp == 0x202F || cp == 0x00A0) {
        g->code[0] = ' '; /* no break flag: keeps "94.1 mV" together */
        if (cp != 0x00A0)
            g->size = (float)(size * THIN_SCALE);
    } else if ((code = winansi_code(cp)) >= 0) {
        g->code[0] = (unsigned char)code;
    } else if ((code = lookup(symbol, sizeof symbol / sizeof *symbol, cp)) >=
               0) {
        g->font = ION_FONT_SYMBOL;
        g->code[0] = (unsigned char)code;
    } else if (cid_code(ts->gbk, cp, g->code) == 0) {
        g->font = (unsigned char)(ION_FONT_CJK + bold);
        g->len = 2;
    } else if (is_hangul(cp) && cid_code(ts->euckr, cp, g->code) == 0) {
        g->font = (unsigned char)(ION_FONT_KR + bold);
        g->len = 2;
    } else if (!unicode_glyph(ts, g, cp, bold)) {
        g->code[0] = '?';
    }
    if (!is_unicode_font(g->font))
        g->width = (float)glyph_width(ts, g);
    if (is_rtl(cp))
        g->flags |= G_RTL;

    /* Break opportunities. */
    ion_ts_glyph *prev = t->n > 1 ? g - 1 : NULL;
    int cjk = g->font == ION_FONT_CJK || g->font == ION_FONT_CJK_BOLD;
    if (is_closing(cp))
        g->flags |= ION_TS_G_NOBREAK;
    if (is_opening(cp))
        g->flags |= G_OPENER;
    else if (cjk || cp == '/')
        g->flags |= ION_TS_G_BREAK;
    if (prev && cjk && !(prev->flags & G_OPENER))
        prev->flags |= ION_TS_G_BREAK; /* Latin followed by Chinese */
    if (prev && st->prev_cp == '-' && is_letter(st->prev2_cp) &&
        is_letter(cp))
        prev->flags |= ION_TS_G_BREAK; /* "Na-K" may break after '-' */
    st->prev2_cp = st->prev_cp;
    st->prev_cp = cp;
    return 0;
}

/* A forced line break: a zero-width marker glyph in the current style. */
static int put_newline(ion_ts_text *t, style *st, ion_error *err)
{
    if (t->n == 0)
        return 0;
    ion_ts_glyph *g = push(t, err);
    if (!g)
        return -1;
    double size, rise;
    ion_font font;
    style_metrics(st, &size, &rise, &font);
    g->size = (float)size;
    g->rise = (float)rise;
    g->font = (unsigned char)font;
    g->flags = ION_TS_G_NEWLINE;
    return 0;
}

/* ---- markup tokens --------------------------------------------------- */

typedef enum {
    TOK_CHAR,    /* cp (from text or an entity) */
    TOK_OPEN,    /* tag */
    TOK_CLOSE,   /* tag */
    TOK_BR,
    TOK_BAD_TAG, /* '<' that starts no known tag: cp = '<' */
    TOK_BAD_ENT, /* '&' that starts no entity: cp = '&' */
    TOK_BAD_UTF8 /* cp = U+FFFD */
} tok_kind;

typedef struct {
    tok_kind kind;
    uint32_t cp;
    int tag;
    size_t len; /* bytes consumed */
} token;

static const struct {
    const char *text;
    tok_kind kind;
    int tag;
} tags[] = {
    {"<sub>", TOK_OPEN, TAG_SUB}, {"</sub>", TOK_CLOSE, TAG_SUB},
    {"<sup>", TOK_OPEN, TAG_SUP}, {"</sup>", TOK_CLOSE, TAG_SUP},
    {"<i>", TOK_OPEN, TAG_I},     {"</i>", TOK_CLOSE, TAG_I},
    {"<b>", TOK_OPEN, TAG_B},     {"</b>", TOK_CLOSE, TAG_B},
    {"<br/>", TOK_BR, 0},         {"<br />", TOK_BR, 0},
    {"<br>", TOK_BR, 0},
};

static int entity(const char *s, token *tok)
{
    static const struct {
        const char *name;
        uint32_t cp;
    } named[] = {{"&lt;", '<'},     {"&gt;", '>'},   {"&amp;", '&'},
                 {"&quot;", '"'},   {"&apos;", '\''}};
    for (size_t i = 0; i < sizeof named / sizeof *named; i++) {
        size_t n = strlen(named[i].name);
        if (strncmp(s, named[i].name, n) == 0) {
            tok->cp = named[i].cp;
            tok->len = n;
            return 1;
        }
    }
    if (s[1] != '#')
        return 0;
    int hex = s[2] == 'x' || s[2] == 'X';
    const char *p = s + 2 + hex;
    uint32_t v = 0;
    int digits = 0;
    for (;; p++, digits++) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (hex && *p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (hex && *p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            break;
        v = v * (hex ? 16 : 10) + (uint32_t)d;
        if (v > 0x10FFFF)
            return 0;
    }
    if (*p != ';' || digits == 0 || v == 0 || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    tok->cp = v;
    tok->len = (size_t)(p + 1 - s);
    return 1;
}

static void next_token(const char *s, size_t n, int markup, token *tok)
{
    tok->tag = 0;
    if (markup && *s == '<') {
        for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
            size_t tl = strlen(tags[i].text);
            if (tl <= n && memcmp(s, tags[i].text, tl) == 0) {
                tok->kind = tags[i].kind;
                tok->tag = tags[i].tag;
                tok->len = tl;
                return;
            }
        }
        tok->kind = TOK_BAD_TAG;
        tok->cp = '<';
        tok->len = 1;
        return;
    }
    if (markup && *s == '&') {
        tok->kind = entity(s, tok) ? TOK_CHAR : TOK_BAD_ENT;
        if (tok->kind == TOK_BAD_ENT) {
            tok->cp = '&';
            tok->len = 1;
        }
        return;
    }
    tok->len = ion_utf8_next(s, n, &tok->cp);
    tok->kind = tok->len ? TOK_CHAR : TOK_BAD_UTF8;
    tok->len += !tok->len;
}

static int put_literal(ion_ts *ts, ion_ts_text *t, style *st, const char *s,
                       size_t n, ion_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (put_char(ts, t, st, (unsigned char)s[i], err) < 0)
            return -1;
    return 0;
}

int ion_ts_append(ion_ts *ts, ion_ts_text *t, const char *utf8, double size,
                  int flags, ion_error *err)
{
    if (!utf8)
        return 0;
    reading_order(t);
    int n0 = t->n;
    style st = {.base = size, .flags = flags};
    int markup = (flags & ION_TS_MARKUP) != 0;
    size_t n = strlen(utf8);
    for (const char *p = utf8; n > 0;) {
        token tok;
        next_token(p, n, markup, &tok);
        int rc = 0;
        switch (tok.kind) {
        case TOK_OPEN:
            if (st.depth < MAX_DEPTH) {
                st.stack[st.depth++] = (unsigned char)tok.tag;
                st.known = 0;
            } else {
                rc = put_literal(ts, t, &st, p, tok.len, err);
            }
            break;
        case TOK_CLOSE:
            if (st.depth > 0 && st.stack[st.depth - 1] == tok.tag) {
                st.depth--;
                st.known = 0;
            } else {
                rc = put_literal(ts, t, &st, p, tok.len, err);
            }
            break;
        case TOK_BR:
            rc = put_newline(t, &st, err);
            break;
        case TOK_BAD_UTF8:
            rc = put_char(ts, t, &st, '?', err);
            break;
        default:
            rc = put_char(ts, t, &st, tok.cp, err);
        }
        if (rc < 0)
            return -1;
        p += tok.len;
        n -= tok.len;
    }
    if (ts->unicode)
        shape_arabic(ts, t, n0);
    return 0;
}

int ion_ts_markup_check(const char *markup, ion_error *err)
{
    int stack[MAX_DEPTH], depth = 0;
    size_t n = strlen(markup);
    static const char *const names[] = {"sub", "sup", "i", "b"};
    for (const char *p = markup; n > 0;) {
        token tok;
        next_token(p, n, 1, &tok);
        size_t off = (size_t)(p - markup);
        switch (tok.kind) {
        case TOK_OPEN:
            if (depth == MAX_DEPTH)
                return ion_fail(err, NULL, 0,
                                "markup nested too deeply at byte %zu", off);
            stack[depth++] = tok.tag;
            break;
        case TOK_CLOSE:
            if (depth == 0 || stack[depth - 1] != tok.tag)
                return ion_fail(err, NULL, 0,
                                "unexpected </%s> at byte %zu",
                                names[tok.tag], off);
            depth--;
            break;
        case TOK_BAD_TAG: {
            size_t k = strcspn(p, "> \t\n");
            return ion_fail(err, NULL, 0,
                            "unknown tag '%.*s' at byte %zu (write '<' as "
                            "&lt;)",
                            (int)(k < 20 ? k + (p[k] == '>') : 20), p, off);
        }
        case TOK_BAD_ENT:
            return ion_fail(err, NULL, 0,
                            "unknown entity at byte %zu (write '&' as &amp;)",
                            off);
        case TOK_BAD_UTF8:
            return ion_fail(err, NULL, 0, "invalid UTF-8 at byte %zu", off);
        default:
            break;
        }
        p += tok.len;
        n -= tok.len;
    }
    if (depth > 0)
        return ion_fail(err, NULL, 0, "<%s> is never closed",
                        names[stack[depth - 1]]);
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
            return ion_fail(err, NULL, 0, "out of memory");
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
    t->g[e] = ell;
    l->end = e + 1;
    l->width = range_width(t, l->start, l->end);
}

int ion_ts_break(ion_ts *ts, ion_ts_text *t, double width, int max_lines,
                 ion_error *err)
{
    reading_order(t);
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
    reorder_lines(t);
    t->visual = 1;
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
