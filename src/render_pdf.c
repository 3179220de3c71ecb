/* PDF renderer: lay a student's pages out as rows of drawing operations,
 * paginate the rows, then draw them with libharu.
 *
 * Laying out before drawing is what lets the footer say "Page x of y" for
 * each student within one document, and lets a problem move to the next
 * page as a whole when it does not fit. Coordinates while laying out are in
 * points, x from the left margin and y downwards from the top of the row. */
#include "render_pdf.h"

#include <hpdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_stream.h"
#include "strbuf.h"
#include "typeset.h"

#define MM (72.0 / 25.4)

/* ---- the layout model ------------------------------------------------ */

typedef enum { OP_TEXT, OP_LINE, OP_RECT, OP_TRI } op_kind;
typedef enum { C_TEXT, C_GRAY, C_RULE, C_ACCENT, C_VM, C_SHADE, C_COUNT } color;

/* The colors as the operands of rg / RG. */
static const char *const palette[C_COUNT] = {
    "0 0 0",             /* text */
    "0.38 0.38 0.38",    /* labels */
    "0.55 0.55 0.55",    /* rules and axes */
    "0.1 0.24 0.5",      /* headings */
    "0.75 0.1 0.08",     /* the membrane potential */
    "0.93 0.94 0.96",    /* shaded backgrounds */
};

/* One drawing operation; y grows downwards from the top of its row. */
typedef struct {
    unsigned char kind, color, font;
    unsigned char style; /* OP_LINE: 1 dashed; OP_RECT/OP_TRI: 1 filled;
                          * OP_TEXT: 1 starts where the op before ends */
    float x, y;          /* text: baseline start; line: start; rect: top left */
    float a, b, c, d;    /* text: size, rise; line: end x, y; rect: w, h;
                          * triangle: second and third corner */
    float w;             /* line width */
    size_t text;         /* OP_TEXT: offset of the bytes in the arena */
    unsigned tlen;       /* OP_TEXT: their number */
} op;

typedef struct {
    float height;
    int op0, nops;
    unsigned char keep_next; /* do not break the page after this row */
    unsigned char space;     /* blank space: dropped at the top of a page */
    unsigned char fixed;     /* y is from the top of the page, not the body */
    int page;
    float y;                 /* from the body's (or page's) top */
} row;

typedef struct {
    int row0, nrows;
} block; /* a problem, or the header: kept on one page when it fits */

struct ion_pdf {
    const ion_tmpl *t;
    HPDF_Doc doc;
    HPDF_STATUS hpdf_error, hpdf_detail;
    HPDF_Font font[ION_FONT_COUNT];
    int cns_ready, kr_ready, utf_ready;
    /* the Unicode font's definition, loaded without embedding into a
     * document of its own, for measuring: a document gets the font only when
     * one of its pages draws a glyph of it */
    HPDF_Doc probe;
    HPDF_FontDef probe_def[2]; /* regular, bold */
    int probe_failed[2];
    ion_ts *ts;
    ion_ts_text txt; /* scratch paragraph */

    op *ops;
    int nops, ops_cap;
    row *rows;
    int nrows, rows_cap;
    block *blocks;
    int nblocks, blocks_cap;
    ion_strbuf arena; /* the bytes of the text ops */
    int oom;

    /* the content stream of the page being drawn, and its fonts */
    ion_strbuf cs;
    ion_strbuf cs_unicode[2]; /* the page's code points in the Unicode fonts */
    size_t cs_read;
    ion_strbuf z;    /* ... and compressed */
    HPDF_Stream z_in, z_out;
    unsigned char page_font[ION_FONT_COUNT]; /* local number, 0: unused */
    unsigned char page_font_order[ION_FONT_COUNT];
    int npage_fonts;

    int pages;
    unsigned char *bytes;
    size_t nbytes;
    /* a document written as it grows (ion_pdf_new_streamed): doc only
     * measures and, at the end, makes the fonts */
    ion_pdfw *w;
    int finished;

    double col; /* width of the column parts are set in (beside a figure) */
    double points_col; /* width of "88 points", 0 until measured */
    /* layout, in points, from the template */
    double page_w, page_h, left, top, bottom, width, body_h;
    double body, title, heading, small, spacing, gap, answer_len, answer_space;
    double ladder_w, ladder_h;
};

static void HPDF_STDCALL on_hpdf_error(HPDF_STATUS error, HPDF_STATUS detail,
                                       void *data)
{
    ion_pdf *p = data;
    if (!p->hpdf_error) {
        p->hpdf_error = error;
        p->hpdf_detail = detail;
    }
}

static int hpdf_failed(ion_pdf *p, ion_error *err)
{
    if (p->oom)
        return ion_fail(err, NULL, 0, "out of memory");
    if (p->hpdf_error)
        return ion_fail(err, NULL, 0, "libharu error 0x%04X (detail %u)",
                        (unsigned)p->hpdf_error, (unsigned)p->hpdf_detail);
    return 0;
}

/* ---- fonts ----------------------------------------------------------- */

/* The last fonts of the chain (typeset.h), used when installed (Debian:
 * fonts-dejavu-core), for ION_FONT_UNICODE and ION_FONT_UNICODE_BOLD. */
static const char *const unicode_font[2] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"};

static int unicode_font_present(void)
{
    FILE *f = fopen(unicode_font[0], "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

/* libharu 2.3.0 gives a TrueType font with its UTF-8 encoder that encoder's
 * own CMap (a cidrange) as the ToUnicode table, which readers reject
 * ("Invalid 'begincidrange' operator"). Our CIDs are the code points, so
 * the right table maps each one to itself: it replaces the stream's text
 * (libharu still compresses it). Returns font. */
static HPDF_Font fix_to_unicode(ion_pdf *p, HPDF_Font font)
{
    HPDF_Dict tu = font ? HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT) : NULL;
    if (!tu || !tu->stream)
        return font;
    HPDF_Stream st = HPDF_MemStream_New(p->doc->mmgr, 8192);
    if (!st)
        return font;
    HPDF_Stream_WriteStr(st, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                             "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                             "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    /* One range per high byte (a bfrange may not cross one), the 8 of the
     * surrogates left out, at most 100 to a block. */
    enum { RANGES = 256 - 8, BLOCK = 100 };
    char line[40];
    for (int hi = 0, done = 0; hi < 256; hi++) {
        if (hi >= 0xD8 && hi <= 0xDF)
            continue;
        if (done % BLOCK == 0) {
            snprintf(line, sizeof line, "%d beginbfrange\n", RANGES - done < BLOCK ? RANGES - done : BLOCK);
            HPDF_Stream_WriteStr(st, line);
        }
        snprintf(line, sizeof line, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
        HPDF_Stream_WriteStr(st, line);
        if (++done % BLOCK == 0 || done == RANGES)
            HPDF_Stream_WriteStr(st, "endbfrange\n");
    }
    HPDF_Stream_WriteStr(st, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    HPDF_Stream_Free(tu->stream);
    tu->stream = st;
    return font;
}

static HPDF_Font get_font(ion_pdf *p, ion_font f)
{
    static const char *const names[ION_FONT_COUNT] = {
        "Helvetica", "Helvetica-Bold", "Helvetica-Oblique",
        "Helvetica-BoldOblique", "Symbol", "SimSun", "SimHei", "Dotum",
        "Dotum,Bold", NULL, NULL};
    if (p->font[f])
        return p->font[f];
    const char *enc = "WinAnsiEncoding";
    if (f >= ION_FONT_UNICODE) {
        /* Embedded (about 85 KB) only in a document that draws one of its
         * glyphs. libharu's UTF-8 encoder makes it a Type0 font whose CIDs
         * are the code points: the two bytes ion_ts_glyph holds. */
        if (!p->utf_ready) { /* a second registration is an error */
            HPDF_UseUTFEncodings(p->doc);
            p->utf_ready = 1;
        }
        const char *name =
            HPDF_LoadTTFontFromFile(p->doc, unicode_font[f - ION_FONT_UNICODE],
                                    HPDF_TRUE);
        p->font[f] = name ? fix_to_unicode(p, HPDF_GetFont(p->doc, name, "UTF-8")) : NULL;
        return p->font[f];
    }
    if (f == ION_FONT_SYMBOL) {
        enc = NULL; /* its own built-in encoding */
    } else if (f >= ION_FONT_KR) {
        if (!p->kr_ready) { /* as the Chinese ones */
            HPDF_UseKRFonts(p->doc);
            HPDF_UseKREncodings(p->doc);
            p->kr_ready = 1;
        }
        enc = "KSC-EUC-H";
    } else if (f >= ION_FONT_CJK) {
        /* Registered only when a CJK character first appears, so Latin-only
         * documents carry nothing of them. */
        if (!p->cns_ready) {
            HPDF_UseCNSFonts(p->doc);
            HPDF_UseCNSEncodings(p->doc);
            p->cns_ready = 1;
        }
        enc = "GBK-EUC-H";
    }
    p->font[f] = HPDF_GetFont(p->doc, names[f], enc);
    return p->font[f];
}

/* The width of a code point in Unicode font u (0 regular, 1 bold), -1 when
 * it has no glyph (or cannot be loaded: the typesetter prints '?'). */
static double measure_unicode(ion_pdf *p, int u, const unsigned char *code)
{
    if (!p->probe_def[u] && !p->probe_failed[u]) {
        if (!p->probe)
            p->probe = HPDF_New(NULL, NULL);
        const char *name =
            p->probe ? HPDF_LoadTTFontFromFile(p->probe, unicode_font[u],
                                               HPDF_FALSE)
                     : NULL;
        p->probe_def[u] = name ? HPDF_GetFontDef(p->probe, name) : NULL;
        p->probe_failed[u] = !p->probe_def[u];
    }
    HPDF_FontDef def = p->probe_def[u];
    HPDF_UINT16 cp = (HPDF_UINT16)(code[0] << 8 | code[1]);
    if (!def || HPDF_TTFontDef_GetGlyphid(def, cp) == 0)
        return -1;
    return HPDF_TTFontDef_GetCharWidth(def, cp);
}

static double measure(void *ctx, ion_font f, const unsigned char *bytes,
                      size_t len)
{
    if (f >= ION_FONT_UNICODE)
        return len == 2 ? measure_unicode(ctx, f - ION_FONT_UNICODE, bytes)
                        : -1;
    HPDF_Font font = get_font(ctx, f);
    if (!font)
        return 500; /* the error is reported after the layout */
    return HPDF_Font_TextWidth(font, bytes, (HPDF_UINT)len).width;
}

/* ---- building rows --------------------------------------------------- */

static void *grow(ion_pdf *p, void *arr, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return arr;
    int n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *a = realloc(arr, (size_t)n * size);
    if (!a) {
        p->oom = 1;
        return NULL;
    }
    *cap = n;
    return a;
}

static op *add_op(ion_pdf *p, op_kind kind, color c, float x, float y)
{
    op *ops = grow(p, p->ops, &p->ops_cap, p->nops + 1, sizeof *ops);
    if (!ops)
        return NULL;
    p->ops = ops;
    op *o = &ops[p->nops++];
    memset(o, 0, sizeof *o);
    o->kind = (unsigned char)kind;
    o->color = (unsigned char)c;
    o->x = x;
    o->y = y;
    return o;
}

static void add_line(ion_pdf *p, color c, double x1, double y1, double x2,
                     double y2, double w, int dashed)
{
    op *o = add_op(p, OP_LINE, c, (float)x1, (float)y1);
    if (o) {
        o->a = (float)x2;
        o->b = (float)y2;
        o->w = (float)w;
        o->style = (unsigned char)dashed;
    }
}

static void add_rect(ion_pdf *p, color c, double x, double y, double w,
                     double h, double lw, int filled)
{
    op *o = add_op(p, OP_RECT, c, (float)x, (float)y);
    if (o) {
        o->a = (float)w;
        o->b = (float)h;
        o->w = (float)lw;
        o->style = (unsigned char)filled;
    }
}

static void add_tri(ion_pdf *p, color c, double x1, double y1, double x2,
                    double y2, double x3, double y3)
{
    op *o = add_op(p, OP_TRI, c, (float)x1, (float)y1);
    if (o) {
        o->a = (float)x2;
        o->b = (float)y2;
        o->c = (float)x3;
        o->d = (float)y3;
        o->style = 1;
    }
}

/* Ends the row made of the ops added since the previous row ended. */
static row *end_row(ion_pdf *p, double height, int keep_next)
{
    row *rows = grow(p, p->rows, &p->rows_cap, p->nrows + 1, sizeof *rows);
    if (!rows)
        return NULL;
    p->rows = rows;
    int op0 = p->nrows ? rows[p->nrows - 1].op0 + rows[p->nrows - 1].nops : 0;
    row *r = &rows[p->nrows++];
    memset(r, 0, sizeof *r);
    r->height = (float)height;
    r->op0 = op0;
    r->nops = p->nops - op0;
    r->keep_next = (unsigned char)keep_next;
    return r;
}

static void space_row(ion_pdf *p, double height)
{
    row *r = end_row(p, height, 0);
    if (r)
        r->space = 1;
}

static void begin_block(ion_pdf *p)
{
    block *b = grow(p, p->blocks, &p->blocks_cap, p->nblocks + 1, sizeof *b);
    if (!b)
        return;
    p->blocks = b;
    b[p->nblocks].row0 = p->nrows;
    b[p->nblocks].nrows = 0;
    p->nblocks++;
}

static void end_block(ion_pdf *p)
{
    if (p->nblocks)
        p->blocks[p->nblocks - 1].nrows =
            p->nrows - p->blocks[p->nblocks - 1].row0;
}

/* Copies the bytes of glyphs [start, end) of p->txt into the arena;
 * returns their offset and sets *len to their number. */
static size_t arena_add(ion_pdf *p, int start, int end, unsigned *len)
{
    size_t n = 0;
    for (int i = start; i < end; i++)
        n += p->txt.g[i].len;
    *len = (unsigned)n;
    if (ion_strbuf_grow(&p->arena, n)) {
        p->oom = 1;
        return 0;
    }
    size_t off = p->arena.len;
    char *d = p->arena.s + off;
    for (int i = start; i < end; i++) {
        memcpy(d, p->txt.g[i].code, p->txt.g[i].len);
        d += p->txt.g[i].len;
    }
    p->arena.len += n;
    return off;
}

/* ---- text ------------------------------------------------------------ */

static const char *S(const ion_pdf *p, const char *key)
{
    const char *s = ion_tmpl_str(p->t, key);
    return s ? s : "";
}

static double leading(const ion_pdf *p, double size)
{
    return size * p->spacing;
}

/* Baseline of a line of `size` text centred in a row of height `lead`:
 * Helvetica's capitals span 0.72 em above the baseline, descenders 0.21. */
static double baseline(double lead, double size)
{
    return lead / 2 + 0.255 * size;
}

static void txt_begin(ion_pdf *p) { ion_ts_text_clear(&p->txt); }

static int txt_add(ion_pdf *p, const char *s, double size, int flags)
{
    if (ion_ts_append(p->ts, &p->txt, s, size, flags, NULL) < 0)
        p->oom = 1;
    return p->oom ? -1 : 0;
}

static int txt_break(ion_pdf *p, double width, int max_lines)
{
    if (ion_ts_break(p->ts, &p->txt, width, max_lines, NULL) < 0)
        p->oom = 1;
    return p->oom ? -1 : 0;
}

/* Text ops for one line of p->txt with its baseline at (x, y). */
static void emit_line(ion_pdf *p, const ion_ts_line *l, double x, double y,
                      color c)
{
    ion_ts_run run;
    ion_ts_runs_begin(&run, l);
    int follows = 0;
    while (ion_ts_next_run(&p->txt, l, &run)) {
        int visible = 0;
        for (int i = run.start; i < run.end && !visible; i++)
            visible = p->txt.g[i].len > 0;
        if (!visible) {
            follows = 0;
            continue; /* only forced-break markers */
        }
        op *o = add_op(p, OP_TEXT, c, (float)(x + run.x), (float)y);
        if (!o)
            return;
        o->style = (unsigned char)follows;
        follows = 1;
        o->font = (unsigned char)run.font;
        o->a = (float)run.size;
        o->b = (float)run.rise;
        o->text = arena_add(p, run.start, run.end, &o->tlen);
    }
}

enum { ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER };

/* Breaks p->txt to `width` and draws all its lines into the current row,
 * the first line's row top at y; x is the left edge (the right edge with
 * ALIGN_RIGHT, the centre with ALIGN_CENTER). Returns the height used. */
static double emit_text(ion_pdf *p, double x, double y, double width,
                        int max_lines, int align, double size, color c)
{
    if (txt_break(p, width, max_lines) < 0)
        return 0;
    double lead = leading(p, size);
    for (int i = 0; i < p->txt.nlines; i++) {
        const ion_ts_line *l = &p->txt.lines[i];
        double lx = align == ALIGN_RIGHT    ? x - l->width
                    : align == ALIGN_CENTER ? x - l->width / 2
                                            : x;
        emit_line(p, l, lx, y + i * lead + baseline(lead, size), c);
    }
    return p->txt.nlines * lead;
}

/* One string set in the current row; returns the height used. */
static double put_text(ion_pdf *p, const char *s, int flags, double size,
                       double x, double y, double width, int max_lines,
                       int align, color c)
{
    txt_begin(p);
    if (txt_add(p, s, size, flags) < 0)
        return 0;
    return emit_text(p, x, y, width, max_lines, align, size, c);
}

static double text_width(ion_pdf *p, const char *s, double size, int flags)
{
    txt_begin(p);
    if (txt_add(p, s, size, flags) < 0)
        return 0;
    return ion_ts_width(&p->txt);
}

/* A paragraph as one row per line, so that it may break across pages;
 * every row keeps with the next one when `keep` is set. */
static void text_rows(ion_pdf *p, const char *s, int flags, double size,
                      double x, double width, color c, int keep)
{
    txt_begin(p);
    if (txt_add(p, s, size, flags) < 0 || txt_break(p, width, 0) < 0)
        return;
    double lead = leading(p, size);
    for (int i = 0; i < p->txt.nlines; i++) {
        emit_line(p, &p->txt.lines[i], x, baseline(lead, size), c);
        end_row(p, lead, keep || i + 1 < p->txt.nlines);
    }
}

/* v / 1000 with no trailing zeros, then a space; at most 24 bytes. */
static char *fmt_milli(char *d, long v)
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

static void fmt_points(const ion_pdf *p, double points, char *out, size_t cap)
{
    char n[32];
    if (points >= 0 && points < 1e6 && points == (long)points) {
        char *end = fmt_milli(n, (long)points * 1000);
        end[-1] = '\0'; /* "88", as %g writes it, without the space */
    } else {
        snprintf(n, sizeof n, "%g", points);
    }
    const char *names[] = {"n"}, *values[] = {n};
    ion_tmpl_expand(out, cap, S(p, points == 1 ? "label.points_one"
                                               : "label.points_many"),
                    names, values, 1);
}

/* ---- header ---------------------------------------------------------- */

/* "label value" with the value wrapped in the column; returns the height. */
static double labelled(ion_pdf *p, const char *label, const char *value,
                       double x, double y, double width, int max_lines)
{
    double lw = text_width(p, label, p->small, 0);
    put_text(p, label, 0, p->small, x, y + (leading(p, p->body) -
                                            leading(p, p->small)) / 2,
             lw + 1, 1, ALIGN_LEFT, C_GRAY);
    double gap = 0.6 * p->body;
    return put_text(p, value, ION_TS_BOLD, p->body, x + lw + gap, y,
                    width - lw - gap, max_lines, ALIGN_LEFT, C_TEXT);
}

static double problem_points(const ion_sheet_problem *pr)
{
    double total = 0;
    for (int j = 0; j < pr->nparts; j++)
        total += pr->parts[j].points;
    return total;
}

static double sheet_points(const ion_sheet *s)
{
    double total = 0;
    for (int i = 0; i < s->nproblems; i++)
        total += problem_points(&s->problems[i]);
    return total;
}

static void header(ion_pdf *p, const ion_sheet *s, int solutions)
{
    double W = p->width;
    char buf[256];
    begin_block(p);

    /* course ............................................ due / copy note;
     * everything is drawn in reading order, which is the order text
     * extraction and screen readers see. */
    double right_w = W * 0.45;
    double hc = put_text(p, s->course, 0, p->small, 0, 0, W - right_w - 8, 2,
                         ALIGN_LEFT, C_GRAY);
    double h1;
    if (solutions) {
        h1 = put_text(p, S(p, "label.confidential"), ION_TS_BOLD, p->small, W,
                      0, right_w, 2, ALIGN_RIGHT, C_VM);
    } else if (s->due && *s->due) {
        double lw = text_width(p, S(p, "label.due"), p->small, 0);
        double vw = text_width(p, s->due, p->small, ION_TS_BOLD);
        if (vw > right_w - lw - 4)
            vw = right_w - lw - 4;
        put_text(p, S(p, "label.due"), 0, p->small, W - vw - 4, 0, lw + 1, 1,
                 ALIGN_RIGHT, C_GRAY);
        h1 = put_text(p, s->due, ION_TS_BOLD, p->small, W, 0, vw + 1, 2,
                      ALIGN_RIGHT, C_TEXT);
    } else {
        h1 = 0;
    }
    end_row(p, fmax(fmax(h1, hc), leading(p, p->small)), 1);

    /* title ......................................... total / "solutions" */
    const char *side = buf;
    double side_size = solutions ? p->heading : p->body;
    int side_flags = solutions ? ION_TS_BOLD : 0;
    if (solutions) {
        side = S(p, "label.solutions");
    } else {
        char pts[64];
        fmt_points(p, sheet_points(s), pts, sizeof pts);
        const char *names[] = {"points"}, *values[] = {pts};
        ion_tmpl_expand(buf, sizeof buf, S(p, "label.total"), names, values, 1);
    }
    /* a long translation must leave the title room */
    double side_w = fmin(text_width(p, side, side_size, side_flags), right_w);
    double ht = put_text(p, s->title, ION_TS_BOLD, p->title, 0, 0,
                         W - side_w - 12, 3, ALIGN_LEFT, C_TEXT);
    put_text(p, side, side_flags, side_size, W,
             (leading(p, p->title) - leading(p, side_size)) / 2, right_w, 1,
             ALIGN_RIGHT, solutions ? C_ACCENT : C_TEXT);
    add_line(p, C_TEXT, 0, ht + 3, W, ht + 3, 0.9, 0);
    end_row(p, ht + 6, 1);

    /* name .......................................... student id */
    double name_w = W * 0.62;
    double y = 3;
    double hn = labelled(p, S(p, "label.name"), s->student_name, 0, y,
                         name_w - 10, 3);
    double hi = labelled(p, S(p, "label.student_id"), s->student_id, name_w,
                         y, W - name_w, 2);
    double h = fmax(hn, hi) + 6;
    add_line(p, C_RULE, 0, h, W, h, 0.4, 0);
    end_row(p, h + 2, 1);

    const char *instr = S(p, "label.instructions");
    if (!solutions && *instr) {
        space_row(p, 2);
        text_rows(p, instr, ION_TS_ITALIC, p->small, 0, W, C_GRAY, 1);
    }
    end_block(p);
}

/* ---- problems -------------------------------------------------------- */

/* Small grey text ending at `right`, on the baseline of a first line of
 * `size` text in the current row ("2 points" beside a question). */
static void put_aside(ion_pdf *p, const char *s, double right, double size)
{
    double y = baseline(leading(p, size), size) -
               baseline(leading(p, p->small), p->small);
    put_text(p, s, 0, p->small, right, y, right, 1, ALIGN_RIGHT, C_GRAY);
}

/* Width of the points column beside a part ("2 points"). */
static double points_column(ion_pdf *p)
{
    if (p->points_col == 0) { /* the same for every part: measured once */
        char buf[64];
        fmt_points(p, 88, buf, sizeof buf);
        p->points_col = text_width(p, buf, p->small, 0) + 6;
    }
    return p->points_col;
}

static void problem_heading(ion_pdf *p, const ion_sheet_problem *pr)
{
    char label[128], num[16], pts[64];
    snprintf(num, sizeof num, "%d", pr->number);
    const char *names[] = {"n"}, *values[] = {num};
    ion_tmpl_expand(label, sizeof label, S(p, "label.problem"), names, values,
                    1);
    fmt_points(p, problem_points(pr), pts, sizeof pts);

    double W = p->width, size = p->heading;
    double lw = text_width(p, label, size, ION_TS_BOLD);
    double pw = text_width(p, pts, p->small, 0);
    double lead = leading(p, size);
    int shade = p->nops;
    add_rect(p, C_SHADE, -4, 0, W + 8, lead, 0, 1);
    put_text(p, label, ION_TS_BOLD, size, 0, 0, lw + 1, 1, ALIGN_LEFT,
             C_ACCENT);
    double h = lead;
    if (pr->title && *pr->title) {
        double x = lw + 0.8 * size;
        h = put_text(p, pr->title, ION_TS_MARKUP | ION_TS_BOLD, size, x, 0,
                     W - x - pw - 12, 0, ALIGN_LEFT, C_TEXT);
        if (shade < p->nops) /* the shading grows under a wrapped title */
            p->ops[shade].b = (float)h;
    }
    put_aside(p, pts, W - 2, size);
    end_row(p, h + 0.35 * size, 1);
}

/* A small square to tick, its top at y. */
static void tick_box(ion_pdf *p, double x, double y, double size)
{
    add_rect(p, C_TEXT, x, y, size, size, 0.6, 0);
}

/* The choice ids with a box each, flowing onto more lines when needed. */
static double choice_boxes(ion_pdf *p, const ion_sheet_part *pt, double x0,
                           double width)
{
    double lead = leading(p, p->body), box = 0.8 * p->body;
    double x = x0, y = 0;
    for (int i = 0; i < pt->nchoices; i++) {
        char key[96];
        snprintf(key, sizeof key, "choice.%s", pt->choices[i]);
        const char *gloss = ion_tmpl_str(p->t, key);
        txt_begin(p);
        txt_add(p, pt->choices[i], p->body, 0);
        if (gloss && *gloss) {
            txt_add(p, " (", p->body, 0);
            txt_add(p, gloss, p->body, 0);
            txt_add(p, ")", p->body, 0);
        }
        double w = box + 5 + ion_ts_width(&p->txt);
        if (x > x0 && x + w > x0 + width) {
            x = x0;
            y += lead;
        }
        tick_box(p, x, y + baseline(lead, p->body) - 0.75 * p->body, box);
        emit_text(p, x + box + 5, y, width, 2, ALIGN_LEFT, p->body, C_TEXT);
        x += w + 2.2 * p->body;
    }
    return y + lead;
}

/* Numeric part on a worksheet: "Answer ______________ mV". */
static double answer_line(ion_pdf *p, const ion_sheet_part *pt, double x0)
{
    double lead = leading(p, p->body), h = 1.8 * lead;
    double base = h - 0.45 * lead;
    double lw = text_width(p, S(p, "label.answer"), p->small, 0);
    put_text(p, S(p, "label.answer"), 0, p->small, x0,
             base - baseline(leading(p, p->small), p->small), lw + 1, 1,
             ALIGN_LEFT, C_GRAY);
    double lx = x0 + lw + 6;
    add_line(p, C_TEXT, lx, base + 1.5, lx + p->answer_len, base + 1.5, 0.6,
             0);
    if (pt->unit && *pt->unit && strcmp(pt->unit, "1") != 0)
        put_text(p, pt->unit, ION_TS_MARKUP, p->body, lx + p->answer_len + 4,
                 base - baseline(lead, p->body), p->col - lx, 1, ALIGN_LEFT,
                 C_TEXT);
    return h;
}

/* The formatted answer on a solutions page, with a choice's gloss. */
static double answer_text(ion_pdf *p, const ion_sheet_part *pt, double x0)
{
    double lw = text_width(p, S(p, "label.answer"), p->small, 0);
    double lead = leading(p, p->body);
    put_text(p, S(p, "label.answer"), 0, p->small, x0,
             baseline(lead, p->body) - baseline(leading(p, p->small),
                                                p->small),
             lw + 1, 1, ALIGN_LEFT, C_GRAY);
    txt_begin(p);
    txt_add(p, pt->answer ? pt->answer : "", p->body,
            ION_TS_MARKUP | ION_TS_BOLD);
    if (pt->kind == ION_PART_CHOICE && pt->answer) {
        char key[96];
        snprintf(key, sizeof key, "choice.%s", pt->answer);
        const char *gloss = ion_tmpl_str(p->t, key);
        if (gloss && *gloss) {
            txt_add(p, " (", p->body, 0);
            txt_add(p, gloss, p->body, 0);
            txt_add(p, ")", p->body, 0);
        }
    }
    return emit_text(p, x0 + lw + 6, 0, p->col - x0 - lw - 6, 0,
                     ALIGN_LEFT, p->body, C_ACCENT);
}

static void part_rows(ion_pdf *p, const ion_sheet_part *pt, int solutions)
{
    double W = p->col, indent = 2.6 * p->body;
    double pcol = points_column(p);
    char pts[64];
    fmt_points(p, pt->points, pts, sizeof pts);

    /* "1a  question ...................................... 2 points" */
    put_text(p, pt->id, ION_TS_BOLD, p->body, 0, 0, indent - 2, 1, ALIGN_LEFT,
             C_TEXT);
    double lead = leading(p, p->body);
    double h = put_text(p, pt->markup, ION_TS_MARKUP, p->body, indent, 0,
                        W - indent - pcol, 0, ALIGN_LEFT, C_TEXT);
    put_aside(p, pts, W - 2, p->body);
    end_row(p, fmax(h, lead), 1);

    if (pt->kind == ION_PART_MCQ) {
        double box = 0.8 * p->body, lx = indent + (solutions ? 0 : box + 6);
        for (int i = 0; i < pt->noptions; i++) {
            const ion_sheet_option *o = &pt->options[i];
            if (!solutions)
                tick_box(p, indent, baseline(lead, p->body) - 0.75 * p->body,
                         box);
            put_text(p, o->letter, ION_TS_BOLD, p->body, lx, 0, 1.6 * p->body,
                     1, ALIGN_LEFT, C_TEXT);
            double oh = put_text(p, o->markup, ION_TS_MARKUP, p->body,
                                 lx + 1.6 * p->body, 0,
                                 W - lx - 1.6 * p->body - pcol, 0, ALIGN_LEFT,
                                 C_TEXT);
            end_row(p, fmax(oh, lead), 1);
        }
    }
    if (solutions) {
        end_row(p, answer_text(p, pt, indent) + 0.3 * lead, 0);
        return;
    }
    if (pt->kind == ION_PART_NUMERIC)
        end_row(p, answer_line(p, pt, indent), 1);
    else if (pt->kind == ION_PART_CHOICE)
        end_row(p, choice_boxes(p, pt, indent, W - indent - pcol) + 0.3 * lead,
                1);
    /* Room for working; the part may end the page here. */
    row *r = end_row(p, pt->kind == ION_PART_NUMERIC ? p->answer_space
                                                     : 0.4 * p->answer_space,
                     0);
    if (r)
        r->space = 1;
}

/* ---- the potential ladder -------------------------------------------- */

enum { MAX_MARKS = 16 };

typedef struct {
    const ion_sheet_mark *m;
    int vm;
    double y, ly; /* true and label position */
} ladder_item;

static double nice_step(double span)
{
    static const double steps[] = {5, 10, 20, 25, 50, 100, 200, 500, 1000};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (span / steps[i] <= 6)
            return steps[i];
    return 1000 * ceil(span / 6000);
}

/* "−94.1 mV" with a true minus and a thin space, for marks without one. */
static void fmt_mv(double v, char *out, size_t cap)
{
    snprintf(out, cap, "%s%.1f\u2009mV", v < -0.05 ? "\u2212" : "", fabs(v));
}

static void fmt_tick(double v, char *out, size_t cap)
{
    snprintf(out, cap, "%s%.0f", v < -0.5 ? "\u2212" : "", fabs(v));
}

/* Labels sit at their marks; labels that would overlap are stacked in a
 * cluster centred on their marks' mean, and clusters that then touch merge,
 * so each label stays as near its mark as the others allow. */
static void place_labels(ladder_item *it, int n, double lh, double top,
                         double bottom)
{
    for (int i = 1; i < n; i++) /* insertion sort by y */
        for (int j = i; j > 0 && it[j].y < it[j - 1].y; j--) {
            ladder_item t = it[j];
            it[j] = it[j - 1];
            it[j - 1] = t;
        }
    int first[MAX_MARKS + 1], count[MAX_MARKS + 1], nc = 0;
    double start[MAX_MARKS + 1];
    for (int i = 0; i < n; i++) {
        first[nc] = i;
        count[nc] = 1;
        start[nc] = it[i].y;
        nc++;
        /* merge while the new cluster overlaps the one before it */
        while (nc > 1 && start[nc - 2] + count[nc - 2] * lh > start[nc - 1]) {
            count[nc - 2] += count[nc - 1];
            nc--;
            double mean = 0;
            for (int k = first[nc - 1]; k < first[nc - 1] + count[nc - 1];
                 k++)
                mean += it[k].y;
            mean /= count[nc - 1];
            start[nc - 1] = mean - (count[nc - 1] - 1) * lh / 2;
        }
    }
    for (int c = 0; c < nc; c++) {
        double s = start[c];
        if (s + (count[c] - 1) * lh > bottom)
            s = bottom - (count[c] - 1) * lh;
        if (s < top)
            s = top; /* more labels than room: they overlap at the bottom */
        for (int k = 0; k < count[c]; k++)
            it[first[c] + k].ly = s + k * lh;
    }
}


/* The figure: a vertical mV axis, each E_X as a tick with its label, V_m
 * as a red triangle and bar, all in the box (x0, y0, w, h) of the row. */
static void ladder(ion_pdf *p, const ion_sheet_problem *pr, double x0,
                   double y0, double w, double h)
{
    ladder_item it[MAX_MARKS + 1];
    int n = 0;
    for (int i = 0; i < pr->nmarks && n < MAX_MARKS; i++)
        it[n++] = (ladder_item){&pr->marks[i], 0, 0, 0};
    if (pr->vm)
        it[n++] = (ladder_item){pr->vm, 1, 0, 0};
    if (n == 0)
        return;
    double lo = it[0].m->mV, hi = lo;
    for (int i = 1; i < n; i++) {
        lo = fmin(lo, it[i].m->mV);
        hi = fmax(hi, it[i].m->mV);
    }
    double span = fmax(hi - lo, 20);
    double mid = (lo + hi) / 2;
    lo = mid - 0.62 * span;
    hi = mid + 0.62 * span;
    double step = nice_step(hi - lo);
    lo = floor(lo / step) * step;
    hi = ceil(hi / step) * step;

    double fs = p->small, lead = leading(p, fs);
    add_rect(p, C_SHADE, x0, y0, w, h, 0, 1);
    put_text(p, S(p, "label.ladder"), ION_TS_BOLD, fs, x0 + 6, y0 + 3,
             w - 12, 1, ALIGN_LEFT, C_ACCENT);
    double ax = x0 + 0.26 * w, top = y0 + lead + 10, bot = y0 + h - 8;
#define Y(v) (bot - ((v) - lo) / (hi - lo) * (bot - top))
    add_line(p, C_TEXT, ax, top - 3, ax, bot + 3, 0.8, 0);
    for (double v = lo; v <= hi + step / 2; v += step) {
        char tick[32];
        fmt_tick(v, tick, sizeof tick);
        add_line(p, C_TEXT, ax - 3, Y(v), ax, Y(v), 0.6, 0);
        put_text(p, tick, 0, 0.9 * fs, ax - 5,
                 Y(v) - baseline(leading(p, 0.9 * fs), 0.9 * fs) + 0.3 * fs,
                 ax - x0, 1, ALIGN_RIGHT, C_GRAY);
    }
    if (lo < 0 && hi > 0)
        add_line(p, C_RULE, ax, Y(0), x0 + w - 6, Y(0), 0.4, 1);

    for (int i = 0; i < n; i++)
        it[i].y = Y(it[i].m->mV);
    place_labels(it, n, 1.05 * lead, top - 0.3 * lead, bot);
    double lx = ax + 22;
    for (int i = 0; i < n; i++) {
        const ion_sheet_mark *m = it[i].m;
        color c = it[i].vm ? C_VM : C_TEXT;
        /* E_X: a black tick across the axis; V_m: a red bar and a red
         * triangle pointing at the axis, distinct in grey print too. */
        if (it[i].vm) {
            add_line(p, C_VM, ax - 4, it[i].y, ax + 6, it[i].y, 2.2, 0);
            add_tri(p, C_VM, ax + 7, it[i].y, ax + 15, it[i].y - 4, ax + 15,
                    it[i].y + 4);
        } else {
            add_line(p, C_TEXT, ax - 4, it[i].y, ax + 6, it[i].y, 1.1, 0);
        }
        double from = it[i].vm ? ax + 15 : ax + 6;
        if (fabs(it[i].ly - it[i].y) > 0.5 || !it[i].vm)
            add_line(p, C_RULE, from, it[i].y, lx - 2, it[i].ly, 0.4, 0);
        char val[64];
        if (!m->value)
            fmt_mv(m->mV, val, sizeof val);
        txt_begin(p);
        int bold = it[i].vm ? ION_TS_BOLD : 0;
        txt_add(p, m->label, fs, ION_TS_MARKUP | bold);
        txt_add(p, " ", fs, 0);
        txt_add(p, m->value ? m->value : val, fs, ION_TS_MARKUP | bold);
        emit_text(p, lx, it[i].ly - baseline(lead, fs) + 0.3 * fs,
                  x0 + w - lx - 3, 1, ALIGN_LEFT, fs, c);
    }
#undef Y
}

/* ---- problems, whole ------------------------------------------------- */

/* The solution, and the answers, in a column beside the ladder figure when
 * the problem has marks; the figure hangs from the "Solution" label row, and
 * the rows beside it stay on its page. */
static void solution_rows(ion_pdf *p, const ion_sheet_problem *pr)
{
    int fig = pr->nmarks > 0 || pr->vm;
    int r0 = p->nrows;
    if (fig) {
        p->col = p->width - p->ladder_w - 12;
        ladder(p, pr, p->width - p->ladder_w, 2, p->ladder_w, p->ladder_h);
    }
    put_text(p, S(p, "label.solution"), ION_TS_BOLD, p->small, 0, 0, p->col,
             1, ALIGN_LEFT, C_ACCENT);
    end_row(p, leading(p, p->small), 1);
    if (pr->solution)
        text_rows(p, pr->solution, ION_TS_MARKUP, p->body, 0, p->col, C_TEXT,
                  1);
    end_row(p, 0.5 * leading(p, p->body), 1);
    for (int j = 0; j < pr->nparts; j++)
        part_rows(p, &pr->parts[j], 1);
    if (fig) {
        double used = 0, need = p->ladder_h + 8;
        for (int i = r0; i < p->nrows; i++) {
            if (used < need)
                p->rows[i].keep_next = 1;
            used += p->rows[i].height;
        }
        if (used < need)
            end_row(p, need - used, 0);
    }
    p->col = p->width;
}

static void problem_block(ion_pdf *p, const ion_sheet_problem *pr,
                          int solutions)
{
    begin_block(p);
    space_row(p, p->gap);
    problem_heading(p, pr);
    if (pr->markup && *pr->markup) {
        text_rows(p, pr->markup, ION_TS_MARKUP, p->body, 0, p->width, C_TEXT,
                  1);
        space_row(p, 0.25 * leading(p, p->body));
        p->rows[p->nrows - 1].keep_next = 1;
    }
    if (solutions)
        solution_rows(p, pr);
    else
        for (int j = 0; j < pr->nparts; j++)
            part_rows(p, &pr->parts[j], 0);
    end_block(p);
}

/* ---- pages ----------------------------------------------------------- */

static double block_height(const ion_pdf *p, const block *b)
{
    double h = 0;
    for (int i = 0; i < b->nrows; i++)
        h += p->rows[b->row0 + i].height;
    return h;
}

/* Assigns every row a page and a y; returns the number of pages. A block
 * that does not fit in what is left of a page but fits on a page of its own
 * starts a new page; a group of rows tied by keep_next likewise; a group
 * taller than a page breaks wherever it must. */
static int paginate(ion_pdf *p)
{
    int page = 0;
    double y = 0, cap = p->body_h;
    for (int b = 0; b < p->nblocks; b++) {
        const block *bl = &p->blocks[b];
        double bh = block_height(p, bl);
        if (y > 0 && y + bh > cap && bh - p->rows[bl->row0].height <= cap)
            page++, y = 0;
        for (int i = bl->row0; i < bl->row0 + bl->nrows;) {
            int k = i;
            double gh = p->rows[k].height;
            while (p->rows[k].keep_next && k + 1 < bl->row0 + bl->nrows)
                gh += p->rows[++k].height;
            if (y > 0 && y + gh > cap && gh <= cap)
                page++, y = 0;
            for (; i <= k; i++) {
                row *r = &p->rows[i];
                if (y > 0 && y + r->height > cap)
                    page++, y = 0;
                r->page = page;
                r->y = (float)y;
                if (r->space && y == 0)
                    continue; /* no blank space at the top of a page */
                y += r->height;
            }
        }
    }
    return page + 1;
}

/* Running head (pages after the first) and footer, as fixed rows. */
static void page_furniture(ion_pdf *p, const ion_sheet *s, int page,
                           int pages)
{
    char buf[128], a[16], b[16];
    double W = p->width, fs = p->small;
    snprintf(a, sizeof a, "%d", page + 1);
    snprintf(b, sizeof b, "%d", pages);
    const char *names[] = {"page", "pages"}, *values[] = {a, b};
    ion_tmpl_expand(buf, sizeof buf, S(p, "label.page"), names, values, 2);
    double fy = p->page_h - p->bottom * 0.6 - leading(p, fs);
    put_text(p, buf, 0, fs, W / 2, fy, W, 1, ALIGN_CENTER, C_GRAY);
    if (page > 0) {
        double hy = p->top * 0.45;
        txt_begin(p);
        txt_add(p, s->title, fs, 0);
        txt_add(p, "  \u00b7  ", fs, 0);
        txt_add(p, s->student_name, fs, ION_TS_BOLD);
        txt_add(p, "  \u00b7  ", fs, 0);
        txt_add(p, s->student_id, fs, 0);
        emit_text(p, 0, hy, 0.72 * W, 1, ALIGN_LEFT, fs, C_GRAY);
        put_text(p, s->course, 0, fs, W, hy, 0.26 * W, 1, ALIGN_RIGHT,
                 C_GRAY);
        double ly = hy + leading(p, fs) + 1;
        add_line(p, C_RULE, 0, ly, W, ly, 0.4, 0);
    }
    row *r = end_row(p, 0, 0);
    if (r) {
        r->fixed = 1;
        r->page = page;
    }
}

/* ---- drawing: content streams ---------------------------------------- */

/* A page's content stream is written here, by hand: libharu's page
 * operators clear a 512-byte buffer and format every number with its own
 * routine on each call, which made drawing the costliest step. The stream
 * says what those calls said: shapes first, then all the text in one text
 * object, numbers rounded to 1/1000 point (renderings match libharu's to
 * the pixel but for the odd glyph on a pixel boundary), state set only when
 * it changes. Being plain bytes, one page's stream serves every document
 * the page goes into.
 *
 * libharu 2.3.0 has no call that takes a ready content stream, so
 * emit_page reaches into two structures its development headers publish
 * (hpdf_pages.h's HPDF_PageAttr: the page's content dictionary and stream;
 * hpdf_objects.h's HPDF_Dict_Rec: the stream's filter and the write_fn
 * hook for extra dictionary entries). A libharu whose structures differ
 * needs this part redone; test_pdf reads every kind of page back. */

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
        s = fmt_milli(s, v[i]);
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

/* Line width and dash pattern before a stroke. */
static void cs_pen(ion_pdf *p, page_state *st, double w, int dashed)
{
    long lw = milli(w);
    if (lw != st->width) {
        cs_op(p, &lw, 1, "w");
        st->width = lw;
    }
    if (dashed != st->dashed) {
        if (dashed)
            CS_LIT(p, "[2 2] 0 d\n");
        else
            CS_LIT(p, "[] 0 d\n");
        st->dashed = dashed;
    }
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
    if (!p->page_font[f]) {
        p->page_font_order[p->npage_fonts++] = (unsigned char)f;
        p->page_font[f] = (unsigned char)p->npage_fonts;
    }
    return p->page_font[f];
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
        char *e = fmt_milli(d + 2, font * 1000L); /* "F1 " */
        e = fmt_milli(e, size);
        memcpy(e, "Tf\n", 3);
        p->cs.len += (size_t)(e + 3 - d);
        st->font = font;
        st->size = size;
    }
    if (rise != st->rise) {
        char *d = cs_room(p, 32);
        if (!d)
            return;
        char *e = fmt_milli(d, rise);
        memcpy(e, "Ts\n", 3);
        p->cs.len += (size_t)(e + 3 - d);
        st->rise = rise;
    }
    cs_color(p, st, (color)o->color, 1);
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
    /* a literal string: bytes as they are, but for ( ) \ and controls */
    const unsigned char *s = (const unsigned char *)p->arena.s + o->text;
    if (o->font >= ION_FONT_UNICODE) {
        ion_strbuf *u = &p->cs_unicode[o->font - ION_FONT_UNICODE];
        ion_strbuf_add(u, s, o->tlen);
        if (u->oom)
            p->oom = 1;
    }
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
static void page_content(ion_pdf *p, int r0, int r1, int fr)
{
    ion_strbuf_reset(&p->cs);
    ion_strbuf_reset(&p->cs_unicode[0]);
    ion_strbuf_reset(&p->cs_unicode[1]);
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

/* ---- compression ----------------------------------------------------- */

/* Each page's stream is compressed once, with libharu's own deflate (zlib
 * is not linked directly), reading p->cs and writing p->z through callback
 * streams. */

static HPDF_STATUS z_read(HPDF_Stream st, HPDF_BYTE *ptr, HPDF_UINT *siz)
{
    ion_pdf *p = st->attr;
    size_t left = p->cs.len - p->cs_read;
    HPDF_UINT n = *siz < left ? *siz : (HPDF_UINT)left;
    memcpy(ptr, p->cs.s + p->cs_read, n);
    p->cs_read += n;
    *siz = n;
    return p->cs_read == p->cs.len ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS z_seek(HPDF_Stream st, HPDF_INT pos, HPDF_WhenceMode mode)
{
    ion_pdf *p = st->attr;
    size_t base = mode == HPDF_SEEK_CUR   ? p->cs_read
                  : mode == HPDF_SEEK_END ? p->cs.len
                                          : 0;
    if ((HPDF_INT)base + pos < 0 || base + (size_t)pos > p->cs.len)
        return HPDF_STREAM_EOF;
    p->cs_read = base + (size_t)pos;
    return HPDF_OK;
}

static HPDF_INT32 z_tell(HPDF_Stream st)
{
    return (HPDF_INT32)((ion_pdf *)st->attr)->cs_read;
}

static HPDF_UINT32 z_size(HPDF_Stream st)
{
    return (HPDF_UINT32)((ion_pdf *)st->attr)->cs.len;
}

static HPDF_STATUS z_write(HPDF_Stream st, const HPDF_BYTE *ptr,
                           HPDF_UINT siz)
{
    ion_pdf *p = st->attr;
    ion_strbuf_add(&p->z, ptr, siz);
    if (p->z.oom) {
        p->oom = 1;
        return HPDF_FAILD_TO_ALLOC_MEM;
    }
    return HPDF_OK;
}

/* p->cs deflated into p->z. */
static int compress_page(ion_pdf *p)
{
    if (!p->z_in) {
        p->z_in = HPDF_CallbackReader_New(p->doc->mmgr, z_read, z_seek,
                                          z_tell, z_size, p);
        p->z_out = HPDF_CallbackWriter_New(p->doc->mmgr, z_write, p);
        if (!p->z_in || !p->z_out)
            return -1;
    }
    p->cs_read = 0;
    ion_strbuf_reset(&p->z);
    return HPDF_Stream_WriteToStream(p->z_in, p->z_out,
                                     HPDF_STREAM_FILTER_FLATE_DECODE,
                                     NULL) == HPDF_OK
               ? 0
               : -1;
}

/* Written into a page's content stream dictionary (see emit_page). */
static HPDF_STATUS flate_entry(HPDF_Dict dict, HPDF_Stream st)
{
    (void)dict;
    return HPDF_Stream_WriteStr(st, "/Filter /FlateDecode\012");
}

/* Adds the page whose compressed content src->z holds to d's document.
 * libharu keeps the bytes as they are (filter none) and flate_entry, its
 * hook for extra dictionary entries, names their filter; a streamed
 * document writes the page out. */
static int emit_page(ion_pdf *d, const ion_pdf *src, ion_error *err)
{
    _Static_assert((int)ION_FONT_COUNT <= (int)ION_PDFW_FONTS, "document font numbers");
    HPDF_Page pg = d->w ? NULL : HPDF_AddPage(d->doc);
    if (!d->w && !pg)
        return hpdf_failed(d, err) ? -1 : ion_fail(err, NULL, 0, "could not add a page");
    if (pg) {
        HPDF_Page_SetWidth(pg, (HPDF_REAL)src->page_w);
        HPDF_Page_SetHeight(pg, (HPDF_REAL)src->page_h);
    }
    for (int i = 0; i < src->npage_fonts; i++) {
        char want[16];
        snprintf(want, sizeof want, "F%d", i + 1);
        HPDF_Font f = get_font(d, (ion_font)src->page_font_order[i]);
        const char *name = f && pg ? HPDF_Page_GetLocalFontName(pg, f) : NULL;
        if (!f || (pg && (!name || strcmp(name, want) != 0))) {
            if (!d->hpdf_error)
                d->hpdf_error = HPDF_INVALID_FONT;
            return hpdf_failed(d, err);
        }
    }
    /* libharu embeds only the glyphs it has measured (the others go out
     * empty): the page's stream was written without it, so measure them. */
    for (int k = 0; k < 2; k++) {
        const ion_strbuf *cps = &src->cs_unicode[k];
        HPDF_Font f =
            cps->len ? get_font(d, (ion_font)(ION_FONT_UNICODE + k)) : NULL;
        const unsigned char *u = (const unsigned char *)cps->s;
        for (size_t i = 0; f && i + 1 < cps->len; i += 2)
            HPDF_Font_GetUnicodeWidth(f, (HPDF_UNICODE)(u[i] << 8 | u[i + 1]));
    }
    if (d->w)
        return ion_pdfw_page(d->w, src->page_w, src->page_h, src->page_font_order,
                             src->npage_fonts, src->z.s, src->z.len, err);
    /* The page's own stream would hold the bytes in 4 KB blocks; one block
     * of their exact size takes half the memory in a long document. */
    HPDF_Stream st = HPDF_MemStream_New(d->doc->mmgr, (HPDF_UINT)src->z.len);
    if (!st || HPDF_Stream_Write(st, (const HPDF_BYTE *)src->z.s, (HPDF_UINT)src->z.len) != HPDF_OK) {
        if (st)
            HPDF_Stream_Free(st);
        if (!d->hpdf_error)
            d->hpdf_error = HPDF_FAILD_TO_ALLOC_MEM;
        return hpdf_failed(d, err);
    }
    HPDF_PageAttr attr = (HPDF_PageAttr)pg->attr;
    HPDF_Stream_Free(attr->contents->stream);
    attr->contents->stream = attr->stream = st;
    attr->contents->filter = HPDF_STREAM_FILTER_NONE;
    attr->contents->write_fn = flate_entry;
    return 0;
}

static void reset_layout(ion_pdf *p)
{
    p->nops = p->nrows = p->nblocks = 0;
    ion_strbuf_reset(&p->arena);
}

/* Lays one student's sheet out with docs[0], paginates it and draws its
 * pages into every document of docs. */
static int add_sheet(ion_pdf *const *docs, int ndocs, const ion_sheet *s,
                     int solutions, ion_error *err)
{
    if (ndocs < 1 || !docs[0])
        return ion_fail(err, NULL, 0, "no document");
    ion_pdf *p = docs[0];
    for (int i = 0; i < ndocs; i++) {
        if (docs[i]->bytes || docs[i]->finished)
            return ion_fail(err, NULL, 0, "the document is already finished");
        if (docs[i]->t != p->t)
            return ion_fail(err, NULL, 0,
                            "documents with different templates");
    }
    if (!s)
        return ion_fail(err, NULL, 0, "no sheet");
    if (!p->ts &&
        !(p->ts = ion_ts_new(measure, p, unicode_font_present(), err)))
        return -1;
    reset_layout(p);
    header(p, s, solutions);
    for (int i = 0; i < s->nproblems; i++)
        problem_block(p, &s->problems[i], solutions);
    if (hpdf_failed(p, err))
        return -1;
    int pages = paginate(p);
    int content = p->nrows;
    for (int pg = 0; pg < pages; pg++)
        page_furniture(p, s, pg, pages);
    if (hpdf_failed(p, err))
        return -1;
    /* Content rows are in page order; page pg's furniture is row
     * content + pg. */
    int r = 0;
    for (int pg = 0; pg < pages; pg++) {
        int r1 = r;
        while (r1 < content && p->rows[r1].page == pg)
            r1++;
        page_content(p, r, r1, content + pg);
        if (compress_page(p) < 0 || p->oom)
            return hpdf_failed(p, err) ? -1
                                       : ion_fail(err, NULL, 0,
                                                  "could not compress a page");
        for (int i = 0; i < ndocs; i++)
            if (emit_page(docs[i], p, err))
                return -1;
        r = r1;
    }
    for (int i = 0; i < ndocs; i++) {
        docs[i]->pages += pages;
        if (hpdf_failed(docs[i], err))
            return -1;
    }
    return 0;
}

int ion_pdf_add_worksheet(ion_pdf *p, const ion_sheet *s, ion_error *err)
{
    return add_sheet(&p, 1, s, 0, err);
}

int ion_pdf_add_worksheet_to(ion_pdf *const *docs, int ndocs,
                             const ion_sheet *s, ion_error *err)
{
    return add_sheet(docs, ndocs, s, 0, err);
}

int ion_pdf_add_solutions(ion_pdf *p, const ion_sheet *s, ion_error *err)
{
    return add_sheet(&p, 1, s, 1, err);
}

int ion_pdf_page_count(const ion_pdf *p) { return p->pages; }

/* ---- the document ---------------------------------------------------- */

ion_pdf *ion_pdf_new(const ion_tmpl *t, ion_error *err)
{
    ion_pdf *p = calloc(1, sizeof *p);
    if (!p) {
        ion_fail(err, NULL, 0, "out of memory");
        return NULL;
    }
    p->t = t;
    p->doc = HPDF_New(on_hpdf_error, p);
    if (!p->doc) {
        ion_fail(err, NULL, 0, "libharu could not create a document");
        ion_pdf_free(p);
        return NULL;
    }
    HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
    HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR, "ionsheet");

    p->page_w = ion_tmpl_num(t, "page.width_mm") * MM;
    p->page_h = ion_tmpl_num(t, "page.height_mm") * MM;
    p->left = ion_tmpl_num(t, "margin.left_mm") * MM;
    p->top = ion_tmpl_num(t, "margin.top_mm") * MM;
    p->bottom = ion_tmpl_num(t, "margin.bottom_mm") * MM;
    p->width = p->page_w - p->left - ion_tmpl_num(t, "margin.right_mm") * MM;
    p->col = p->width;
    p->body_h = p->page_h - p->top - p->bottom;
    p->body = ion_tmpl_num(t, "font.body_pt");
    p->title = ion_tmpl_num(t, "font.title_pt");
    p->heading = ion_tmpl_num(t, "font.heading_pt");
    p->small = ion_tmpl_num(t, "font.small_pt");
    p->spacing = ion_tmpl_num(t, "line.spacing");
    p->gap = ion_tmpl_num(t, "problem.gap_mm") * MM;
    p->answer_len = ion_tmpl_num(t, "answer.line_mm") * MM;
    p->answer_space = ion_tmpl_num(t, "answer.space_mm") * MM;
    p->ladder_w = ion_tmpl_num(t, "ladder.width_mm") * MM;
    p->ladder_h = ion_tmpl_num(t, "ladder.height_mm") * MM;
    if (p->width < 100 || p->body_h < 150 || p->ladder_w > p->width / 2 ||
        p->answer_len > p->width / 2 || p->ladder_h > p->body_h / 2) {
        ion_fail(err, NULL, 0,
                 "template layout leaves no room: check page, margin, "
                 "answer and ladder sizes");
        ion_pdf_free(p);
        return NULL;
    }
    return p;
}

static void free_doc(ion_pdf *p)
{
    if (p->z_in)
        HPDF_Stream_Free(p->z_in);
    if (p->z_out)
        HPDF_Stream_Free(p->z_out);
    if (p->doc)
        HPDF_Free(p->doc);
    p->z_in = p->z_out = NULL;
    p->doc = NULL;
    memset(p->font, 0, sizeof p->font);
}

ion_pdf *ion_pdf_new_streamed(const ion_tmpl *t, FILE *out, ion_error *err)
{
    ion_pdf *p = ion_pdf_new(t, err);
    if (p && !(p->w = ion_pdfw_begin(out, err))) {
        ion_pdf_free(p);
        return NULL;
    }
    return p;
}

/* libharu's document saved into a malloc'ed block. */
static int save_doc(ion_pdf *p, unsigned char **data, size_t *len, ion_error *err)
{
    if (HPDF_SaveToStream(p->doc) != HPDF_OK)
        return hpdf_failed(p, err) ? -1 : ion_fail(err, NULL, 0, "could not finish the PDF");
    HPDF_UINT32 n = HPDF_GetStreamSize(p->doc);
    unsigned char *b = malloc(n ? n : 1);
    if (!b)
        return ion_fail(err, NULL, 0, "out of memory");
    HPDF_ResetStream(p->doc);
    HPDF_UINT32 got = n;
    HPDF_STATUS st = HPDF_ReadFromStream(p->doc, b, &got);
    if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || got != n) {
        free(b);
        return ion_fail(err, NULL, 0, "could not read the PDF back");
    }
    *data = b;
    *len = n;
    return 0;
}

/* An object's number in the PDF libharu writes (hpdf_objects.h). */
static unsigned hpdf_obj_number(const void *obj)
{
    return obj ? ((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFF : 0;
}

int ion_pdf_finish(ion_pdf *p, ion_error *err)
{
    if (!p || !p->w)
        return ion_fail(err, NULL, 0, "the document is not streamed");
    if (p->finished)
        return 0;
    if (p->pages == 0)
        return ion_fail(err, NULL, 0, "the document has no pages");
    /* The measuring document holds the fonts the pages used (its TrueType
     * fonts know every glyph drawn): saved, it gives their objects. */
    unsigned font_obj[ION_PDFW_FONTS] = {0};
    for (int k = 0; k < ION_FONT_COUNT; k++)
        if (ion_pdfw_font_used(p->w, k))
            font_obj[k] = hpdf_obj_number(get_font(p, (ion_font)k));
    unsigned char *fonts;
    size_t len;
    if (hpdf_failed(p, err) || save_doc(p, &fonts, &len, err))
        return -1;
    int rc = ion_pdfw_finish(p->w, fonts, len, font_obj, hpdf_obj_number(p->doc->info), err);
    free(fonts);
    p->finished = 1;
    free_doc(p);
    return rc;
}

int ion_pdf_bytes(ion_pdf *p, const unsigned char **data, size_t *len,
                  ion_error *err)
{
    if (p->w)
        return ion_fail(err, NULL, 0, "the document is written to its file");
    if (!p->bytes) {
        if (p->pages == 0)
            return ion_fail(err, NULL, 0, "the document has no pages");
        if (save_doc(p, &p->bytes, &p->nbytes, err))
            return -1;
        /* Nothing can be added now: libharu's copy of the document goes. */
        free_doc(p);
    }
    *data = p->bytes;
    *len = p->nbytes;
    return 0;
}

void ion_pdf_free(ion_pdf *p)
{
    if (!p)
        return;
    free_doc(p);
    ion_ts_free(p->ts);
    ion_ts_text_release(&p->txt);
    free(p->ops);
    free(p->rows);
    free(p->blocks);
    ion_strbuf_release(&p->arena);
    ion_strbuf_release(&p->cs);
    ion_strbuf_release(&p->cs_unicode[0]);
    ion_strbuf_release(&p->cs_unicode[1]);
    ion_strbuf_release(&p->z);
    if (p->probe)
        HPDF_Free(p->probe);
    ion_pdfw_free(p->w);
    free(p->bytes);
    free(p);
}
