/* PDF renderer, the backend: the document (libharu, or pdf_stream.c for a
 * document written page by page), its fonts, and each page's content
 * stream, written here by hand from the layout's operations
 * (render_pdf_int.h). */
#include "render_pdf_int.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printed.h"
#include "utf8.h"

/* The colors as the operands of rg / RG. */
static const char *const palette[C_COUNT] = {
    "0 0 0",             /* text */
    "0.38 0.38 0.38",    /* labels */
    "0.55 0.55 0.55",    /* rules and axes */
    "0.1 0.24 0.5",      /* headings */
    "0.75 0.1 0.08",     /* the membrane potential */
    "0.93 0.94 0.96",    /* shaded backgrounds */
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

int ion_pdf_failed(ion_pdf *p, ion_error *err)
{
    if (p->oom)
        return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    if (p->hpdf_error)
        return ion_fail_key(err, NULL, 0, "err.pdf.libharu", "%X%u",
                        (unsigned)p->hpdf_error, (unsigned)p->hpdf_detail);
    return 0;
}

/* ---- fonts ----------------------------------------------------------- */

/* The document font of a typesetter font. */
static int doc_font(ion_font f)
{
    switch (f) {
    case ION_FONT_CJK:
    case ION_FONT_CJK_BOLD:
        return DF_CJK;
    case ION_FONT_SANS:
        return DF_SANS;
    case ION_FONT_SANS_BOLD:
        return DF_SANS_BOLD;
    default:
        return (int)f;
    }
}

static ion_emb emb_of(int df)
{
    return df == DF_CJK ? ION_EMB_CJK : df == DF_SANS ? ION_EMB_SANS : ION_EMB_SANS_BOLD;
}

/* Written into the dictionary of a stream whose bytes are already deflated
 * (libharu keeps them as they are with filter none, and calls this hook for
 * extra entries). */
static HPDF_STATUS flate_entry(HPDF_Dict dict, HPDF_Stream st)
{
    (void)dict;
    return HPDF_Stream_WriteStr(st, "/Filter /FlateDecode\012");
}

/* A stream object of p's document holding deflated bytes. */
static HPDF_Dict deflated_stream(ion_pdf *p, const void *z, size_t zlen)
{
    HPDF_Dict d = HPDF_DictStream_New(p->doc->mmgr, p->doc->xref);
    if (!d)
        return NULL;
    d->filter = HPDF_STREAM_FILTER_NONE;
    d->write_fn = flate_entry;
    if (zlen && HPDF_Stream_Write(d->stream, z, (HPDF_UINT)zlen) != HPDF_OK)
        return NULL;
    return d;
}

static HPDF_Array int_array(ion_pdf *p, const int *v, int n)
{
    HPDF_Array a = HPDF_Array_New(p->doc->mmgr);
    for (int i = 0; a && i < n; i++)
        HPDF_Array_AddNumber(a, v[i]);
    return a;
}

/* /W: the widths that differ from /DW, as runs "first [w w ...]". */
static HPDF_Array widths(ion_pdf *p, const ion_emb_font *ef)
{
    HPDF_MMgr mm = p->doc->mmgr;
    HPDF_Array w = HPDF_Array_New(mm);
    for (unsigned g = 0; w && g < ef->nglyphs;) {
        if (ef->width[g] == ef->default_width) {
            g++;
            continue;
        }
        HPDF_Array run = HPDF_Array_New(mm);
        HPDF_Array_AddNumber(w, (HPDF_INT32)g);
        HPDF_Array_Add(w, run);
        for (; g < ef->nglyphs && ef->width[g] != ef->default_width; g++)
            HPDF_Array_AddNumber(run, ef->width[g]);
    }
    return w;
}

static HPDF_Dict font_dicts(ion_pdf *p, int df, const ion_emb_font *ef);

/* Embedded font df of p's fontset as a Type0 font with Identity-H encoding
 * over a CIDFontType2 whose CIDs are the subset's glyph ids. libharu 2.3.0
 * embeds a TrueType font only through its own code-point encoders (no glyph
 * ids, so no shaping), so these dictionaries are made here with its object
 * calls, and it writes them. Their ToUnicode stream is filled when the
 * document is saved, once every glyph drawn is known. */
static HPDF_Dict embedded_font(ion_pdf *p, int df)
{
    const ion_emb_font *ef = p->fonts ? ion_fontset_font(p->fonts, emb_of(df)) : NULL;
    if (!ef)
        return NULL;
    ion_emb_font *own = p->own_chars ? ion_fontset_narrow(p->fonts, emb_of(df), p->own_chars) : NULL;
    HPDF_Dict type0 = font_dicts(p, df, own ? own : ef);
    free(own);
    return type0;
}

/* embedded_font's dictionaries for font program ef. */
static HPDF_Dict font_dicts(ion_pdf *p, int df, const ion_emb_font *ef)
{
    HPDF_MMgr mm = p->doc->mmgr;
    HPDF_Xref xref = p->doc->xref;
    HPDF_Dict type0 = HPDF_Dict_New(mm), cid = HPDF_Dict_New(mm);
    HPDF_Dict desc = HPDF_Dict_New(mm), info = HPDF_Dict_New(mm);
    HPDF_Dict file = deflated_stream(p, ef->z, ef->zlen);
    HPDF_Dict tu = deflated_stream(p, NULL, 0);
    HPDF_Array kids = HPDF_Array_New(mm);
    if (!type0 || !cid || !desc || !info || !file || !tu || !kids ||
        HPDF_Xref_Add(xref, type0) || HPDF_Xref_Add(xref, cid) || HPDF_Xref_Add(xref, desc))
        return NULL;
    HPDF_Dict_AddName(type0, "Type", "Font");
    HPDF_Dict_AddName(type0, "Subtype", "Type0");
    HPDF_Dict_AddName(type0, "BaseFont", ef->name);
    HPDF_Dict_AddName(type0, "Encoding", "Identity-H");
    HPDF_Array_Add(kids, cid);
    HPDF_Dict_Add(type0, "DescendantFonts", kids);
    HPDF_Dict_Add(type0, "ToUnicode", tu);

    HPDF_Dict_AddName(cid, "Type", "Font");
    HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2");
    HPDF_Dict_AddName(cid, "BaseFont", ef->name);
    HPDF_Dict_Add(info, "Registry", HPDF_String_New(mm, "Adobe", NULL));
    HPDF_Dict_Add(info, "Ordering", HPDF_String_New(mm, "Identity", NULL));
    HPDF_Dict_AddNumber(info, "Supplement", 0);
    HPDF_Dict_Add(cid, "CIDSystemInfo", info);
    HPDF_Dict_Add(cid, "FontDescriptor", desc);
    HPDF_Dict_AddNumber(cid, "DW", ef->default_width);
    HPDF_Dict_Add(cid, "W", widths(p, ef));
    HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");

    HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    HPDF_Dict_AddName(desc, "FontName", ef->name);
    HPDF_Dict_AddNumber(desc, "Flags", 4 + (ef->bold ? 262144 : 0)); /* symbolic, force bold */
    HPDF_Dict_Add(desc, "FontBBox", int_array(p, ef->bbox, 4));
    HPDF_Dict_AddNumber(desc, "ItalicAngle", 0);
    HPDF_Dict_AddNumber(desc, "Ascent", ef->ascent);
    HPDF_Dict_AddNumber(desc, "Descent", ef->descent);
    HPDF_Dict_AddNumber(desc, "CapHeight", ef->cap_height);
    HPDF_Dict_AddNumber(desc, "StemV", ef->bold ? 120 : 80);
    HPDF_Dict_Add(desc, "FontFile2", file);
    HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)ef->len);
    p->to_unicode[df] = tu;
    return type0;
}

static const char *const standard_font[DF_CJK] = {
    "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique", "Symbol"};

/* A standard font of the document: the dictionary libharu's own would be
 * (readers have the font and its widths), made here because libharu
 * loads the font's metrics into every document that asks, which for one
 * small PDF per student was a tenth of the time. */
static HPDF_Dict standard_dict(ion_pdf *p, int df)
{
    HPDF_Dict d = HPDF_Dict_New(p->doc->mmgr);
    if (!d || HPDF_Xref_Add(p->doc->xref, d) != HPDF_OK)
        return NULL;
    HPDF_Dict_AddName(d, "Type", "Font");
    HPDF_Dict_AddName(d, "BaseFont", standard_font[df]);
    HPDF_Dict_AddName(d, "Subtype", "Type1");
    if (df != ION_FONT_SYMBOL)
        HPDF_Dict_AddName(d, "Encoding", "WinAnsiEncoding");
    return d;
}

static HPDF_Dict get_font(ion_pdf *p, int df)
{
    if (!p->font[df])
        p->font[df] = df >= DF_CJK ? embedded_font(p, df) : standard_dict(p, df);
    return p->font[df];
}

/* The width of encoded bytes in a standard font (the typesetter's
 * measuring callback, which caches it; HarfBuzz measures the embedded
 * fonts): libharu's metrics, from fonts of a document of their own that
 * is never written. */
static double measure(void *ctx, ion_font f, const unsigned char *bytes,
                      size_t len)
{
    ion_pdf *p = ctx;
    if (!p->probe)
        p->probe = HPDF_New(NULL, NULL);
    if (f > ION_FONT_SYMBOL || !p->probe)
        return 500;
    if (!p->probe_font[f])
        p->probe_font[f] = HPDF_GetFont(p->probe, standard_font[f],
                                        f == ION_FONT_SYMBOL ? NULL : "WinAnsiEncoding");
    if (!p->probe_font[f])
        return 500;
    return HPDF_Font_TextWidth(p->probe_font[f], bytes, (HPDF_UINT)len).width;
}

ion_ts *ion_pdf_typesetter(ion_pdf *p, ion_error *err)
{
    if (!p->ts)
        p->ts = ion_ts_new(measure, p, p->fonts, err);
    return p->ts;
}

int ion_pdf_collect_template(ion_fontset *fs, const ion_tmpl *t)
{
    const char *key, *s;
    for (int i = 0; (s = ion_tmpl_str_at(t, i, &key)); i++)
        if ((!strncmp(key, "label.", 6) || !strncmp(key, "choice.", 7)) &&
            ion_ts_collect(fs, s, 1))
            return -1;
    return 0;
}

int ion_pdf_collect_sheet(ion_fontset *fs, const ion_tmpl *t, const ion_student_sheet *s, int solutions)
{
    int bad = ion_pdf_collect_template(fs, t);
    const ion_worksheet *w = s->w;
    const char *lang = ion_tmpl_lang(t);
    ion_strbuf text = {0};
    char buf[192];
#define PLAIN(x) (bad |= ion_ts_collect(fs, (x), 0))
#define MARKUP(x) (bad |= ion_ts_collect(fs, (x), 1))
    PLAIN(w->ws.course), PLAIN(w->ws.title), PLAIN(w->ws.due);
    PLAIN(s->name), PLAIN(s->id);
    for (size_t i = 0; i < s->n; i++) {
        const ion_instance *in = &s->inst[i];
        const ion_template *tp = in->t;
        MARKUP(ion_i18n_get(&tp->title, lang));
        MARKUP(ion_printed_text(&text, in, &tp->text, lang));
        if (solutions) {
            MARKUP(ion_printed_text(&text, in, &tp->solution, lang));
            ion_printed_ladder ladder;
            ion_printed_ladder_of(in, &ladder);
            for (int k = 0; k < ladder.nmarks; k++)
                MARKUP(ladder.marks[k].label), MARKUP(ladder.marks[k].value);
            if (ladder.has_vm)
                MARKUP(ladder.vm.label), MARKUP(ladder.vm.value);
        }
        for (size_t j = 0; j < tp->nparts; j++) {
            const ion_part *pt = &tp->parts[j];
            PLAIN(ion_printed_part_id(i, pt, buf, sizeof buf));
            MARKUP(ion_printed_text(&text, in, &pt->text, lang));
            MARKUP(ion_printed_unit(pt));
            if (solutions)
                MARKUP(ion_printed_answer(in, j, buf, sizeof buf));
            for (size_t k = 0; k < pt->nchoices; k++)
                PLAIN(pt->choices[k]);
            for (size_t k = 0; pt->kind == ION_ANSWER_MCQ && k < pt->noptions && k < ION_MAX_OPTIONS; k++)
                PLAIN(ion_printed_letter(k)), MARKUP(ion_printed_option(&text, in, j, k, lang));
        }
    }
#undef PLAIN
#undef MARKUP
    ion_strbuf_release(&text);
    return bad ? -1 : 0;
}

/* Every character a sheet (and the template's strings) may print, in a
 * new sealed fontset. */
static ion_fontset *sheet_fonts(const ion_pdf *p, const ion_student_sheet *s, int solutions, ion_error *err)
{
    ion_fontset *fs = ion_fontset_new(err);
    return fs ? ion_fontset_seal_or_free(fs, ion_pdf_collect_sheet(fs, p->t, s, solutions), err) : NULL;
}

/* An Info entry: ASCII as it is, anything else in UTF-16BE with a byte
 * order mark (libharu's own call would write the UTF-8 bytes). */
static void info_text(ion_pdf *p, const char *key, const char *utf8)
{
    if (!utf8 || !*utf8)
        return;
    HPDF_MMgr mm = p->doc->mmgr;
    size_t n = strlen(utf8);
    int ascii = 1;
    for (size_t i = 0; i < n; i++)
        ascii &= (unsigned char)utf8[i] >= 0x20 && (unsigned char)utf8[i] < 0x7F;
    if (ascii) {
        HPDF_Dict_Add(p->doc->info, key, HPDF_String_New(mm, utf8, NULL));
        return;
    }
    unsigned char *b = malloc(4 * n + 2), *e = b;
    if (!b)
        return;
    *e++ = 0xFE;
    *e++ = 0xFF;
    for (size_t i = 0, len; i < n; i += len ? len : 1) {
        uint32_t cp;
        len = ion_utf8_next(utf8 + i, n - i, &cp); /* U+FFFD for a bad byte */
        uint16_t u[2];
        for (size_t k = 0, m = ion_utf16_put(cp, u); k < m; k++) {
            *e++ = (unsigned char)(u[k] >> 8);
            *e++ = (unsigned char)u[k];
        }
    }
    HPDF_Dict_Add(p->doc->info, key, HPDF_Binary_New(mm, b, (HPDF_UINT)(e - b)));
    free(b);
}

static const char *lang_tag(const ion_pdf *p)
{
    return strcmp(ion_tmpl_lang(p->t), "zh") == 0 ? "zh-CN" : "en";
}

int ion_pdf_begin_sheet(ion_pdf *const *docs, int ndocs, const ion_student_sheet *s,
                        int solutions, ion_error *err)
{
    ion_pdf *p = docs[0];
    const char *title = s->w->ws.title;
    if (!p->fonts && !(p->fonts = sheet_fonts(p, s, solutions, err)))
        return -1;
    for (int i = 0; i < ndocs; i++) {
        ion_pdf *d = docs[i];
        if (!d->fonts)
            d->fonts = ion_fontset_ref(p->fonts);
        if (d->fonts != p->fonts)
            return ion_fail_key(err, NULL, 0, "err.pdf.fonts_differ", "-");
        if (d->info_set)
            continue;
        d->info_set = 1;
        char who[512];
        snprintf(who, sizeof who, "%s (%s)", s->name ? s->name : "", s->id ? s->id : "");
        info_text(d, "Title", title);
        info_text(d, "Author", s->w->ws.course);
        info_text(d, "Subject", solutions ? ion_tmpl_str(d->t, "label.solutions")
                                : d->w    ? title
                                          : who);
        if (!d->w) /* a streamed document's catalog is pdf_stream.c's */
            HPDF_Dict_Add(d->doc->catalog, "Lang",
                          HPDF_String_New(d->doc->mmgr, lang_tag(d), NULL));
    }
    return 0;
}

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
    int df = doc_font(f);
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
static void page_content(ion_pdf *p, int r0, int r1, int fr)
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

/* Adds the page whose compressed content src->z holds to d's document.
 * libharu keeps the bytes as they are (filter none) and flate_entry, its
 * hook for extra dictionary entries, names their filter; a streamed
 * document writes the page out. The page's fonts go straight into its
 * resources: the embedded ones are not libharu fonts. */
static int emit_page(ion_pdf *d, const ion_pdf *src, ion_error *err)
{
    _Static_assert((int)DF_COUNT <= (int)ION_PDFW_FONTS, "document font numbers");
    HPDF_Page pg = d->w ? NULL : HPDF_AddPage(d->doc);
    if (!d->w && !pg)
        return ion_pdf_failed(d, err) ? -1 : ion_fail_key(err, NULL, 0, "err.pdf.add_page", "-");
    HPDF_Dict fonts = NULL;
    if (pg) {
        HPDF_Page_SetWidth(pg, (HPDF_REAL)src->page_w);
        HPDF_Page_SetHeight(pg, (HPDF_REAL)src->page_h);
        HPDF_Dict res = HPDF_Page_GetInheritableItem(pg, "Resources", HPDF_OCLASS_DICT);
        fonts = res ? HPDF_Dict_New(d->doc->mmgr) : NULL;
        if (!fonts || HPDF_Dict_Add(res, "Font", fonts) != HPDF_OK)
            return ion_pdf_failed(d, err) ? -1 : ion_fail_key(err, NULL, 0, "err.pdf.add_page", "-");
    }
    for (int i = 0; i < src->npage_fonts; i++) {
        char name[16];
        snprintf(name, sizeof name, "F%d", i + 1);
        HPDF_Dict f = get_font(d, src->page_font_order[i]);
        if (!f || (fonts && HPDF_Dict_Add(fonts, name, f) != HPDF_OK)) {
            if (!d->hpdf_error)
                d->hpdf_error = HPDF_INVALID_FONT;
            return ion_pdf_failed(d, err);
        }
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
        return ion_pdf_failed(d, err);
    }
    HPDF_PageAttr attr = (HPDF_PageAttr)pg->attr;
    HPDF_Stream_Free(attr->contents->stream);
    attr->contents->stream = attr->stream = st;
    attr->contents->filter = HPDF_STREAM_FILTER_NONE;
    attr->contents->write_fn = flate_entry;
    return 0;
}

int ion_pdf_draw_page(ion_pdf *p, ion_pdf *const *docs, int ndocs, int r0,
                      int r1, int fr, ion_error *err)
{
    page_content(p, r0, r1, fr);
    if (compress_page(p) < 0 || p->oom)
        return ion_pdf_failed(p, err) ? -1 : ion_fail_key(err, NULL, 0, "err.pdf.compress", "-");
    for (int i = 0; i < ndocs; i++)
        if (emit_page(docs[i], p, err))
            return -1;
    return 0;
}

/* ---- the document ---------------------------------------------------- */

int ion_pdf_set_paper(ion_pdf *p, double width_mm, double height_mm, ion_error *err)
{
    if (p->pages)
        return ion_fail_key(err, NULL, 0, "err.pdf.has_pages", "-");
    const ion_tmpl *t = p->t;
    p->page_w = width_mm * MM;
    p->page_h = height_mm * MM;
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
        return ion_fail_key(err, NULL, 0, "err.pdf.no_room", "-");
    }
    return 0;
}

ion_pdf *ion_pdf_new(const ion_tmpl *t, ion_error *err)
{
    ion_pdf *p = calloc(1, sizeof *p);
    if (!p) {
        ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
        return NULL;
    }
    p->t = t;
    p->doc = HPDF_New(on_hpdf_error, p);
    if (!p->doc) {
        ion_fail_key(err, NULL, 0, "err.pdf.create", "-");
        ion_pdf_free(p);
        return NULL;
    }
    HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
    HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR, "ionsheet");

    if (ion_pdf_set_paper(p, ion_tmpl_num(t, "page.width_mm"),
                          ion_tmpl_num(t, "page.height_mm"), err)) {
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
    memset(p->to_unicode, 0, sizeof p->to_unicode);
}

int ion_pdf_own_chars(ion_pdf *p, const char *utf8, ion_error *err)
{
    if (p->pages || p->own_chars)
        return ion_fail_key(err, NULL, 0, "err.pdf.has_fonts", "-");
    if (!(p->own_chars = strdup(utf8)))
        return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    return 0;
}

int ion_pdf_use_fonts(ion_pdf *p, ion_fontset *fs, ion_error *err)
{
    if (p->fonts || p->pages)
        return ion_fail_key(err, NULL, 0, "err.pdf.has_fonts", "-");
    if (!fs || !ion_fontset_sealed(fs))
        return ion_fail_key(err, NULL, 0, "err.pdf.not_sealed", "-");
    p->fonts = ion_fontset_ref(fs);
    return 0;
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
    for (int df = DF_CJK; df < DF_COUNT; df++) {
        const unsigned char *z;
        size_t zlen;
        if (p->to_unicode[df] &&
            (ion_fontset_to_unicode(p->fonts, emb_of(df), &z, &zlen) ||
             HPDF_Stream_Write(p->to_unicode[df]->stream, z, (HPDF_UINT)zlen) != HPDF_OK))
            return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    }
    if (HPDF_SaveToStream(p->doc) != HPDF_OK)
        return ion_pdf_failed(p, err) ? -1 : ion_fail_key(err, NULL, 0, "err.pdf.finish", "-");
    HPDF_UINT32 n = HPDF_GetStreamSize(p->doc);
    unsigned char *b = malloc(n ? n : 1);
    if (!b)
        return ion_fail_key(err, NULL, 0, "err.out_of_memory", "-");
    HPDF_ResetStream(p->doc);
    HPDF_UINT32 got = n;
    HPDF_STATUS st = HPDF_ReadFromStream(p->doc, b, &got);
    if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || got != n) {
        free(b);
        return ion_fail_key(err, NULL, 0, "err.pdf.read_back", "-");
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
        return ion_fail_key(err, NULL, 0, "err.pdf.not_streamed", "-");
    if (p->finished)
        return 0;
    if (p->pages == 0)
        return ion_fail_key(err, NULL, 0, "err.pdf.no_pages", "-");
    /* The measuring document holds the fonts the pages used (its TrueType
     * fonts know every glyph drawn): saved, it gives their objects. */
    unsigned font_obj[ION_PDFW_FONTS] = {0};
    for (int k = 0; k < DF_COUNT; k++)
        if (ion_pdfw_font_used(p->w, k))
            font_obj[k] = hpdf_obj_number(get_font(p, k));
    unsigned char *fonts;
    size_t len;
    if (ion_pdf_failed(p, err) || save_doc(p, &fonts, &len, err))
        return -1;
    int rc = ion_pdfw_finish(p->w, fonts, len, font_obj, hpdf_obj_number(p->doc->info),
                             lang_tag(p), err);
    free(fonts);
    p->finished = 1;
    free_doc(p);
    return rc;
}

int ion_pdf_bytes(ion_pdf *p, const unsigned char **data, size_t *len,
                  ion_error *err)
{
    if (p->w)
        return ion_fail_key(err, NULL, 0, "err.pdf.written", "-");
    if (!p->bytes) {
        if (p->pages == 0)
            return ion_fail_key(err, NULL, 0, "err.pdf.no_pages", "-");
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
    ion_strbuf_release(&p->text);
    ion_strbuf_release(&p->cs);
    ion_strbuf_release(&p->z);
    ion_fontset_free(p->fonts);
    free(p->own_chars);
    if (p->probe)
        HPDF_Free(p->probe);
    ion_pdfw_free(p->w);
    free(p->bytes);
    free(p);
}

