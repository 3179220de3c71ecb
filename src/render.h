/* Text renderers of generated worksheets: the XML answer key and the blank
 * answer files. Each writes to a stream the caller opened; none touches
 * the database or the RNG. (The PDFs are in render_pdf.h.) */
#ifndef ION_RENDER_H
#define ION_RENDER_H

#include <stdio.h>

#include "worksheet.h"

/* key.xml: begin once, one call per student, end once. The writer keeps
 * what is the same for every student (the feedback texts, ready escaped).
 * ion_key_begin returns NULL when out of memory or on a write error;
 * ion_key_student returns 0 or -1 on a write error; ion_key_end writes the
 * end, frees k (NULL is allowed) and returns 0, or -1 on a write error or
 * when k is NULL. f stays the caller's. */
typedef struct ion_key_writer ion_key_writer;
ion_key_writer *ion_key_begin(FILE *f, const ion_worksheet *w);
int ion_key_student(ion_key_writer *k, const ion_student_sheet *s);
int ion_key_end(ion_key_writer *k);

/* answers/ID.txt: the blank answer file of one student (SPEC "Submissions"),
 * every part id with its unit or its choices, ready to fill in; its
 * comments in lang (text.h). */
int ion_answers_render(FILE *f, const ion_student_sheet *s, const char *lang);

#endif
