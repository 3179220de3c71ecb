/* A template previewed as a student would see it, before it is put on a
 * worksheet: one instance of a seed in a worksheet of its own, for the
 * renderers (the PDF pages, the terminal text). No course, roster or
 * worksheet is needed and nothing is stored. */
#ifndef ION_PREVIEW_H
#define ION_PREVIEW_H

#include <stdint.h>

#include "error.h"
#include "render_pdf.h"
#include "template.h"
#include "tmpl.h"

typedef struct ion_preview ion_preview;

/* The instance of t for seed (t is borrowed and must outlive the preview),
 * titled in lang (the catalogue's label.preview). NULL with err filled
 * when the template gives no valid variant. */
ion_preview *ion_preview_new(const ion_template *t, uint64_t seed, const char *lang,
                             ion_error *err);
void ion_preview_free(ion_preview *p);

/* The preview's student worksheet (the per-student model, worksheet.h):
 * one problem, titled "Preview: ID (seed N)" in its language; valid until
 * ion_preview_free. */
const ion_student_sheet *ion_preview_sheet(const ion_preview *p);

/* One PDF document: the student's page, then the solutions page, in the
 * template's language. Free it with ion_pdf_free (ion_pdf_bytes gives its
 * bytes). */
ion_pdf *ion_preview_pdf(ion_preview *p, const ion_tmpl *tmpl,
                         ion_error *err);

#endif
