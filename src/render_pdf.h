/* PDF worksheets and worked solutions (libharu; the standard fonts and
 * embedded subsets of TrueType fonts, fontset.h).
 *
 * One ion_pdf is one output document: students/ID.pdf holds one worksheet,
 * class.pdf every student's worksheet (the fonts are shared), solutions.pdf
 * every student's worked solutions. Each add call lays out one student's
 * pages completely before drawing them, so "Page x of y" counts that
 * student's pages only, and each student starts on a new page.
 *
 * The renderer opens no files: ion_pdf_bytes hands the finished document
 * to the caller, who writes it, or a streamed document writes to the
 * stream the caller gives it. Layout (page size, margins, font sizes) and
 * every fixed string come from the template (tmpl.h).
 *
 * Ownership: the ion_pdf keeps a pointer to the template, which must outlive
 * it; sheets are only read during the add call. Errors: every function
 * returns 0 (or a pointer) on success, and -1 (or NULL) with err filled. */
#ifndef ION_RENDER_PDF_H
#define ION_RENDER_PDF_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "fontset.h"
#include "tmpl.h"
#include "worksheet.h"

typedef struct ion_pdf ion_pdf;

ion_pdf *ion_pdf_new(const ion_tmpl *t, ion_error *err);

/* The page size, before the first sheet (the template's otherwise):
 * ION_PDF_A4 or ION_PDF_LETTER (215.9 x 279.4 mm); -1 when the margins
 * leave no room. */
#define ION_PDF_A4 210.0, 297.0
#define ION_PDF_LETTER 215.9, 279.4
int ion_pdf_set_paper(ion_pdf *p, double width_mm, double height_mm, ion_error *err);

/* The fonts the document embeds: a sealed fontset holding every character
 * its sheets print (the renderer keeps a reference). Given before the
 * first sheet; without it the first sheet's characters (and the
 * template's) make the document's own fontset, so a document of several
 * sheets should be given one: characters of later sheets not in the first
 * print as '?'. Documents laid out together (ion_pdf_add_worksheet_to)
 * share one. Title, Author (the course), Subject and Lang (en, zh-CN) come
 * from the first sheet and the template. */
int ion_pdf_use_fonts(ion_pdf *p, ion_fontset *fs, ion_error *err);

/* Says that p, given a fontset with ion_pdf_use_fonts, prints no character
 * beyond the fontset's shared ones (ion_fontset_mark_shared) but those of
 * utf8: p then embeds fonts cut down to them (ion_fontset_narrow), a
 * student's worksheet much smaller than the class's fonts when the class's
 * names have many characters. Before the first sheet. */
int ion_pdf_own_chars(ion_pdf *p, const char *utf8, ion_error *err);

/* Adds every character the PDFs print of template t (its label.* and
 * choice.* strings), or of student s's worksheet (with solutions: their
 * solutions page) in t's language and t, to an unsealed fontset; 0, or -1
 * when out of memory. */
int ion_pdf_collect_template(ion_fontset *fs, const ion_tmpl *t);
int ion_pdf_collect_sheet(ion_fontset *fs, const ion_tmpl *t, const ion_student_sheet *s, int solutions);

/* One student's worksheet, from the per-student model (worksheet.h) in the
 * template's language (texts as printed.h prints them): header (course,
 * title, due, name, id, total points; s->link with its QR code when set),
 * numbered problems with their parts, answer lines with units, the choice
 * ids or lettered options, a footer "Page x of y". */
int ion_pdf_add_worksheet(ion_pdf *p, const ion_student_sheet *s, ion_error *err);

/* The same worksheet added to each of docs[0..n-1] (a student's own file
 * and the class file): laid out once, by docs[0], whose measurements are
 * cached, so a long-lived document is the best first; the documents must
 * share a template. The result is as if each had been added in turn. */
int ion_pdf_add_worksheet_to(ion_pdf *const *docs, int n, const ion_student_sheet *s,
                             ion_error *err);

/* One student's worked solutions: per problem the statement, the solution,
 * each part's answer and, when the problem has marks, a potential ladder. */
int ion_pdf_add_solutions(ion_pdf *p, const ion_student_sheet *s, ion_error *err);

/* Pages added so far. */
int ion_pdf_page_count(const ion_pdf *p);

/* A document written to out as its pages are added, so that memory stays
 * flat however many there are (class.pdf, solutions.pdf): the same pages
 * as an ion_pdf_new one, the same fonts. ion_pdf_finish ends it; out stays
 * the caller's to close. */
ion_pdf *ion_pdf_new_streamed(const ion_tmpl *t, FILE *out, ion_error *err);
int ion_pdf_finish(ion_pdf *p, ion_error *err);

/* Finishes the document (not a streamed one) and points *data at its bytes (owned by p, valid
 * until ion_pdf_free). Nothing can be added afterwards; calling it again
 * returns the same bytes. A document without pages is an error. */
int ion_pdf_bytes(ion_pdf *p, const unsigned char **data, size_t *len,
                  ion_error *err);

void ion_pdf_free(ion_pdf *p);

#endif
