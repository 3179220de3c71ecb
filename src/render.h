/* Text renderers of generated worksheets: the XML answer key and the blank
 * answer files. Each writes to a stream the caller opened; none touches
 * the database or the RNG. (The PDFs are in render_pdf.h.) */
#ifndef ION_RENDER_H
#define ION_RENDER_H

#include <stdio.h>

#include "generate.h"

/* key.xml: begin once, one call per student, end once. Return 0 or -1 on a
 * write error. */
int ion_key_begin(FILE *f, const ion_worksheet *w);
int ion_key_student(FILE *f, const ion_student_sheet *s);
int ion_key_end(FILE *f);

/* The slot of the let a numeric part asks for when its answer is just that
 * let, else -1: what carried-forward grading recomputes from. */
int ion_part_asked_let(const ion_template *t, const ion_part *p);

/* answers/ID.txt: the blank answer file of one student (SPEC "Submissions"),
 * every part id with its unit or its choices, ready to fill in. */
int ion_answers_render(FILE *f, const ion_student_sheet *s);

#endif
