/* PDF renderer, the backend's fonts (pdf_backend_int.h): the document's
 * font dictionaries (the standard fonts, and the embedded subsets as
 * Type0 fonts), the standard fonts' widths for the typesetter, and every
 * character a sheet may print, collected for its fontset. */
#include "pdf_backend_int.h"

#include <stdlib.h>
#include <string.h>

#include "printed.h"

/* The document font of a typesetter font. */
int ion_pdf_doc_font(ion_font f)
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

ion_emb ion_pdf_emb_of(int df)
{
    return df == DF_CJK ? ION_EMB_CJK : df == DF_SANS ? ION_EMB_SANS : ION_EMB_SANS_BOLD;
}

/* A stream object of p's document holding deflated bytes. */
static HPDF_Dict deflated_stream(ion_pdf *p, const void *z, size_t zlen)
{
    HPDF_Dict d = HPDF_DictStream_New(p->doc->mmgr, p->doc->xref);
    if (!d)
        return NULL;
    d->filter = HPDF_STREAM_FILTER_NONE;
    d->write_fn = ion_pdf_flate_entry;
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
    const ion_emb_font *ef = p->fonts ? ion_fontset_font(p->fonts, ion_pdf_emb_of(df)) : NULL;
    if (!ef)
        return NULL;
    ion_emb_font *own = p->own_chars ? ion_fontset_narrow(p->fonts, ion_pdf_emb_of(df), p->own_chars) : NULL;
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

HPDF_Dict ion_pdf_get_font(ion_pdf *p, int df)
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
    bad |= text.oom;
    ion_strbuf_release(&text);
    return bad ? -1 : 0;
}

/* Every character a sheet (and the template's strings) may print, in a
 * new sealed fontset. */
ion_fontset *ion_pdf_sheet_fonts(const ion_pdf *p, const ion_student_sheet *s, int solutions, ion_error *err)
{
    ion_fontset *fs = ion_fontset_new(err);
    return fs ? ion_fontset_seal_or_free(fs, ion_pdf_collect_sheet(fs, p->t, s, solutions), err) : NULL;
}
