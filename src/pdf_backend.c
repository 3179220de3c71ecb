/* PDF renderer, the backend: the document (libharu, or pdf_stream.c for a
 * document written page by page), its Info, each page added to every
 * document, saving; its fonts are pdf_fonts.c's, each page's content
 * stream pdf_content.c's, deflated by pdf_compress.c (pdf_backend_int.h,
 * render_pdf_int.h). */
#include "pdf_backend_int.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

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

/* The document's /Lang: the catalogue's language, as BCP 47 tags it. */
static const char *lang_tag(const ion_pdf *p)
{
    const char *lang = ion_tmpl_lang(p->t);
    return strcmp(lang, "zh") == 0 ? "zh-CN" : lang;
}

int ion_pdf_begin_sheet(ion_pdf *const *docs, int ndocs, const ion_student_sheet *s,
                        int solutions, ion_error *err)
{
    ion_pdf *p = docs[0];
    const char *title = s->w->ws.title;
    if (!p->fonts && !(p->fonts = ion_pdf_sheet_fonts(p, s, solutions, err)))
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

/* ---- pages ----------------------------------------------------------- */

/* libharu 2.3.0 has no call that takes a ready content stream, so
 * emit_page reaches into two structures its development headers publish
 * (hpdf_pages.h's HPDF_PageAttr: the page's content dictionary and stream;
 * hpdf_objects.h's HPDF_Dict_Rec: the stream's filter and the write_fn
 * hook for extra dictionary entries). A libharu whose structures differ
 * needs this part redone; test_pdf reads every kind of page back. */

/* Adds the page whose compressed content src->z holds to d's document.
 * libharu keeps the bytes as they are (filter none) and
 * ion_pdf_flate_entry, its hook for extra dictionary entries, names their
 * filter; a streamed document writes the page out. The page's fonts go
 * straight into its resources: the embedded ones are not libharu fonts. */
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
        HPDF_Dict f = ion_pdf_get_font(d, src->page_font_order[i]);
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
    attr->contents->write_fn = ion_pdf_flate_entry;
    return 0;
}

int ion_pdf_draw_page(ion_pdf *p, ion_pdf *const *docs, int ndocs, int r0,
                      int r1, int fr, ion_error *err)
{
    ion_pdf_page_content(p, r0, r1, fr);
    if (ion_pdf_compress_page(p) < 0 || p->oom)
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
            (ion_fontset_to_unicode(p->fonts, ion_pdf_emb_of(df), &z, &zlen) ||
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
            font_obj[k] = hpdf_obj_number(ion_pdf_get_font(p, k));
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
