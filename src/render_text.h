/* A student's worksheet (the per-student model, worksheet.h) as plain text
 * for a terminal: what a student reads on the page, or with the answers
 * and worked solutions. Texts in the output template's language (printed.h);
 * fixed strings from the template, like the PDF's. */
#ifndef ION_RENDER_TEXT_H
#define ION_RENDER_TEXT_H

#include "tmpl.h"
#include "worksheet.h"

/* The sheet's problems with their parts (unit, choices, lettered options),
 * and with solutions the answers and the worked solution. Caller frees;
 * NULL when out of memory. */
char *ion_sheet_text(const ion_student_sheet *s, const ion_tmpl *t, int solutions);

#endif
