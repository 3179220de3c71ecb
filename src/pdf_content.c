/* PDF renderer, the backend's content streams (pdf_backend_int.h): the
 * bytes a run of glyphs is shown with, then each page's stream.
 *
 * A page's content stream is written here, by hand: libharu's page
 * operators clear a 512-byte buffer and format every number with its own
 * routine on each call, which made drawing the costliest step. The stream
 * says what those calls said: shapes first, then all the text in one text
 * object, numbers rounded to 1/1000 point (renderings match libharu's to
 * the pixel but for the odd glyph on a pixel boundary), state set only when
 * it changes. Being plain bytes, one page's stream serves every document
 * the page goes into. */
#include "pdf_backend_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The colors as the operands of rg / RG. */
static const char *const palette[C_COUNT] = {
    "0 0 0",             /* text */
    "0.38 0.38 0.38",    /* labels */
    "0.55 0.55 0.55",    /* rules and axes */
    "0.1 0.24 0.5",      /* headings */
    "0.75 0.1 0.08",     /* the membrane potential */
    "0.93 0.94 0.96",    /* shaded backgrounds */
};

/* A TJ number: n/1000 of the size, two decimals at most. */
static void tj_number(ion_strbuf *b, double n)
{
    long v = lround(n * 100);
    if (v == 0)
        return;
    ion_strbuf_printf(b, " %s%ld", v < 0 ? "-" : "", labs(v) / 100);
    if (labs(v) % 100)
        ion_strbuf_printf(b, ".%02ld", labs(v) % 100);
}

size_t ion_pdf_text_bytes(ion_pdf *p, int start, int end, unsigned *len)
{
    size_t off = p->arena.len;
    const ion_ts_glyph *g = p->txt.g;
    if (g[start].font <= ION_FONT_SYMBOL) { /* the encoded bytes */
        size_t n = 0;
        for (int i = start; i < end; i++)
            n += g[i].len;
        if (ion_strbuf_grow(&p->arena, n) == 0) {
            char *d = p->arena.s + off;
            for (int i = start; i < end; i++)
                for (int k = 0; k < g[i].len; k++)
                    *d++ = (char)g[i].code[k];
            p->arena.len += n;
        }
    } else {
        /* An embedded font's glyph ids, shown with TJ: where HarfBuzz's
         * advance differs from the width the font's /W gives the reader
         * (kerning, marks), or a mark sits off its pen position, numbers
         * between the glyphs move the pen by the difference. */
        const ion_emb_font *ef = ion_fontset_font(p->fonts, g[start].font == ION_FONT_SANS_BOLD ? ION_EMB_SANS_BOLD
                                                             : g[start].font == ION_FONT_SANS ? ION_EMB_SANS
                                                                                              : ION_EMB_CJK);
        int open = 0;
        for (int i = start; i < end && ef; i++) {
            unsigned gid = (unsigned)g[i].code[0] << 8 | g[i].code[1];
            double k = 1000.0 / g[i].size; /* points to TJ units */
            double xoff = g[i].xoff * k;
            double after = (gid < ef->nglyphs ? ef->width[gid] : 0) - g[i].width * k + xoff;
            if (fabs(xoff) >= 0.005) {
                if (open)
                    ion_strbuf_addch(&p->arena, '>');
                tj_number(&p->arena, -xoff);
                open = 0;
            }
            if (!open)
                ion_strbuf_puts(&p->arena, open || p->arena.len == off ? "<" : " <");
            open = 1;
            ion_strbuf_printf(&p->arena, "%04X", gid);
            if (fabs(after) >= 0.005) {
                ion_strbuf_addch(&p->arena, '>');
                tj_number(&p->arena, after);
                open = 0;
            }
        }
        if (open)
            ion_strbuf_addch(&p->arena, '>');
    }
    if (p->arena.oom) {
        p->oom = 1;
        return 0;
    }
    *len = (unsigned)(p->arena.len - off);
    return off;
}

/* v / 1000 with no trailing zeros, then a space; at most 24 bytes. */
char *ion_pdf_fmt_milli(char *d, long v)
{
    if (v < 0) {
        *d++ = '-';
        v = -v;
    }
    long ip = v / 1000, fp = v % 1000;
    char tmp[24];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (k)
        *d++ = tmp[--k];
    if (fp) {
        *d++ = '.';
        for (long m = 100; fp; m /= 10) { /* fp % 1 == 0: ends by m = 1 */
            *d++ = (char)('0' + fp / m);
            fp %= m;
        }
    }
    *d++ = ' ';
    return d;
}

/* What the stream has set so far on the current page; lengths in 1/1000
 * pt. */
typedef struct {
    int stroke, fill;  /* color, -1: not set */
    long width;        /* line width, -1: not set */
    int dashed;
    int font;          /* local font number (1-based), 0: none */
    long size, rise;
    long x, y;         /* the text line's start */
    const op *last;    /* the text op shown last */
    int stroked;       /* text render mode 2 (fill and stroke) is set */
} page_state;

static char *cs_room(ion_pdf *p, size_t need)
{
    if (ion_strbuf_grow(&p->cs, need)) {
        p->oom = 1;
        return NULL;
    }
    return p->cs.s + p->cs.len;
}

static void cs_put(ion_pdf *p, const char *s, size_t n)
{
    char *d = cs_room(p, n);
    if (d) {
        memcpy(d, s, n);
        p->cs.len += n;
    }
}

#define CS_LIT(p, s) cs_put((p), (s), sizeof(s) - 1)

/* Points to the stream's unit, 1/1000 pt. */
static long milli(double v)
{
    double m = v * 1000;
    return (long)(m < 0 ? m - 0.5 : m + 0.5);
}

/* n numbers in 1/1000 pt, then the operator. */
static void cs_op(ion_pdf *p, const long *v, int n, const char *op)
{
    size_t ol = strlen(op);
    char *d = cs_room(p, (size_t)n * 24 + ol + 1);
    if (!d)
        return;
    char *s = d;
    for (int i = 0; i < n; i++)
        s = ion_pdf_fmt_milli(s, v[i]);
    memcpy(s, op, ol);
    s += ol;
    *s++ = '\n';
    p->cs.len += (size_t)(s - d);
}

static void cs_color(ion_pdf *p, page_state *st, color c, int fill)
{
    if ((fill ? st->fill : st->stroke) == (int)c)
        return;
    cs_put(p, palette[c], strlen(palette[c]));
    if (fill) {
        CS_LIT(p, " rg\n");
        st->fill = (int)c;
    } else {
        CS_LIT(p, " RG\n");
        st->stroke = (int)c;
    }
}

/* The graphics state is written only where it changes: the line width
 * (in milli-points), */
static void cs_width(ion_pdf *p, page_state *st, long w)
{
    if (w != st->width) {
        cs_op(p, &w, 1, "w");
        st->width = w;
    }
}

/* and a state that is on or off (*now), by the operator on or off. */
static void cs_switch(ion_pdf *p, int *now, int want, const char *on, const char *off)
{
    if (want != *now) {
        cs_put(p, want ? on : off, strlen(want ? on : off));
        *now = want;
    }
}

/* Line width and dash pattern before a stroke. */
static void cs_pen(ion_pdf *p, page_state *st, double w, int dashed)
{
    cs_width(p, st, milli(w));
    cs_switch(p, &st->dashed, dashed, "[2 2] 0 d\n", "[] 0 d\n");
}

static void cs_shape(ion_pdf *p, page_state *st, const op *o, double ox,
                     double oy)
{
    double x = ox + o->x, y = oy - o->y;
    switch (o->kind) {
    case OP_LINE: {
        cs_color(p, st, (color)o->color, 0);
        cs_pen(p, st, o->w, o->style);
        long v[2] = {milli(x), milli(y)};
        cs_op(p, v, 2, "m");
        v[0] = milli(ox + o->a);
        v[1] = milli(oy - o->b);
        cs_op(p, v, 2, "l S");
        break;
    }
    case OP_RECT: {
        cs_color(p, st, (color)o->color, o->style);
        if (!o->style)
            cs_pen(p, st, o->w, 0);
        long v[4] = {milli(x), milli(y - o->b), milli(o->a),
                     milli(o->b)};
        cs_op(p, v, 4, o->style ? "re f" : "re S");
        break;
    }
    case OP_TRI: {
        cs_color(p, st, (color)o->color, 1);
        long v[2] = {milli(x), milli(y)};
        cs_op(p, v, 2, "m");
        v[0] = milli(ox + o->a);
        v[1] = milli(oy - o->b);
        cs_op(p, v, 2, "l");
        v[0] = milli(ox + o->c);
        v[1] = milli(oy - o->d);
        cs_op(p, v, 2, "l h f");
        break;
    }
    default:
        break;
    }
}

/* The page's local name for font f: F1, F2, ... in order of first use, the
 * order emit_page registers them in. */
static int local_font(ion_pdf *p, ion_font f)
{
    int df = ion_pdf_doc_font(f);
    if (!p->page_font[df]) {
        p->page_font_order[p->npage_fonts++] = (unsigned char)df;
        p->page_font[df] = (unsigned char)p->npage_fonts;
    }
    return p->page_font[df];
}

/* The CJK font has no bold: bold is its outline stroked as well as filled,
 * 3% of the size wide, in the text's color. */
static void cs_bold(ion_pdf *p, page_state *st, const op *o)
{
    int bold = o->font == ION_FONT_CJK_BOLD;
    if (bold) { /* the stroke follows the text's color and size */
        cs_color(p, st, (color)o->color, 0);
        cs_width(p, st, milli(0.03 * o->a));
    }
    cs_switch(p, &st->stroked, bold, "2 Tr\n", "0 Tr\n");
}

static void cs_text(ion_pdf *p, page_state *st, const op *o, double ox,
                    double oy)
{
    int font = local_font(p, (ion_font)o->font);
    long size = milli(o->a), rise = milli(o->b);
    if (font != st->font || size != st->size) {
        char *d = cs_room(p, 48);
        if (!d)
            return;
        d[0] = '/';
        d[1] = 'F';
        char *e = ion_pdf_fmt_milli(d + 2, font * 1000L); /* "F1 " */
        e = ion_pdf_fmt_milli(e, size);
        memcpy(e, "Tf\n", 3);
        p->cs.len += (size_t)(e + 3 - d);
        st->font = font;
        st->size = size;
    }
    if (rise != st->rise) {
        char *d = cs_room(p, 32);
        if (!d)
            return;
        char *e = ion_pdf_fmt_milli(d, rise);
        memcpy(e, "Ts\n", 3);
        p->cs.len += (size_t)(e + 3 - d);
        st->rise = rise;
    }
    cs_color(p, st, (color)o->color, 1);
    cs_bold(p, st, o);
    /* A run that continues the one shown before it on a line starts where
     * showing that one left the text position: the viewer advances it by
     * the same font metrics the runs were measured with. */
    if (!(o->style && st->last == o - 1)) {
        long x = milli(ox + o->x), y = milli(oy - o->y);
        long v[2] = {x - st->x, y - st->y};
        cs_op(p, v, 2, "Td");
        st->x = x;
        st->y = y;
    }
    st->last = o;
    const unsigned char *s = (const unsigned char *)p->arena.s + o->text;
    if (o->font > ION_FONT_SYMBOL) { /* a TJ array's contents, made whole */
        char *d = cs_room(p, o->tlen + 8);
        if (!d)
            return;
        d[0] = '[';
        memcpy(d + 1, s, o->tlen);
        memcpy(d + 1 + o->tlen, "] TJ\n", 5);
        p->cs.len += o->tlen + 6;
        return;
    }
    /* a literal string: bytes as they are, but for ( ) \ and controls */
    char *d = cs_room(p, 4 * (size_t)o->tlen + 8);
    if (!d)
        return;
    char *e = d;
    *e++ = '(';
    for (unsigned i = 0; i < o->tlen; i++) {
        unsigned char c = s[i];
        if (c == '(' || c == ')' || c == '\\') {
            *e++ = '\\';
            *e++ = (char)c;
        } else if (c < 0x20) {
            *e++ = '\\';
            *e++ = (char)('0' + (c >> 6));
            *e++ = (char)('0' + ((c >> 3) & 7));
            *e++ = (char)('0' + (c & 7));
        } else {
            *e++ = (char)c;
        }
    }
    memcpy(e, ") Tj\n", 5);
    p->cs.len += (size_t)(e + 5 - d);
}

static void cs_rows(ion_pdf *p, page_state *st, int r0, int r1, int text)
{
    for (int r = r0; r < r1; r++) {
        const row *rw = &p->rows[r];
        double oy = p->page_h - (rw->fixed ? 0 : p->top) - rw->y;
        for (int i = rw->op0; i < rw->op0 + rw->nops; i++) {
            const op *o = &p->ops[i];
            if (!text && o->kind != OP_TEXT)
                cs_shape(p, st, o, p->left, oy);
            else if (text && o->kind == OP_TEXT)
                cs_text(p, st, o, p->left, oy);
        }
    }
}

/* The content stream of content rows [r0, r1) and the furniture row fr:
 * shapes first, then all the text in one text object. */
void ion_pdf_page_content(ion_pdf *p, int r0, int r1, int fr)
{
    ion_strbuf_reset(&p->cs);
    memset(p->page_font, 0, sizeof p->page_font);
    p->npage_fonts = 0;
    page_state st = {.stroke = -1, .fill = -1, .width = -1, .size = -1};
    cs_rows(p, &st, r0, r1, 0);
    cs_rows(p, &st, fr, fr + 1, 0);
    CS_LIT(p, "BT\n");
    cs_rows(p, &st, r0, r1, 1);
    cs_rows(p, &st, fr, fr + 1, 1);
    CS_LIT(p, "ET\n");
}
