/* What the PDF backend's files share (render_pdf_int.h is what the
 * layout and the backend share): pdf_backend.c the document (libharu, its
 * Info, each page added to every document, saving), pdf_fonts.c its fonts
 * and the characters a sheet prints, pdf_content.c a page's content
 * stream, pdf_compress.c the stream deflated. Nothing else includes this. */
#ifndef ION_PDF_BACKEND_INT_H
#define ION_PDF_BACKEND_INT_H

#include "render_pdf_int.h"

/* ---- fonts (pdf_fonts.c) --------------------------------------------- */

/* The document font (DF_*) of a typesetter font. */
int ion_pdf_doc_font(ion_font f);
/* The fontset's font of embedded document font df. */
ion_emb ion_pdf_emb_of(int df);
/* p's dictionary of document font df, made on first use; NULL failed. */
HPDF_Dict ion_pdf_get_font(ion_pdf *p, int df);
/* A new sealed fontset of every character sheet s may print. */
ion_fontset *ion_pdf_sheet_fonts(const ion_pdf *p, const ion_student_sheet *s, int solutions, ion_error *err);

/* ---- content streams (pdf_content.c) --------------------------------- */

/* p->cs: the content stream of content rows [r0, r1) and furniture row fr. */
void ion_pdf_page_content(ion_pdf *p, int r0, int r1, int fr);

/* ---- compression (pdf_compress.c) ------------------------------------ */

/* libharu's hook naming the filter of a stream already deflated. */
HPDF_STATUS ion_pdf_flate_entry(HPDF_Dict dict, HPDF_Stream st);
/* p->cs deflated into p->z; 0, or -1 failed. */
int ion_pdf_compress_page(ion_pdf *p);

#endif
