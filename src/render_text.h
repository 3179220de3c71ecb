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

/* One instance as an author checks it (`bank show`), in lang: title,
 * seed, statement, every param and let with its value (a let with its
 * formula), each part with its key (the answer, the tolerance, the
 * choices or lettered options) and the author's mistakes valued for this
 * seed, then hint and solution. Read from the instance's values and part
 * keys, with the lines of the catalogue's cli.show.* formats. Caller
 * frees; NULL when out of memory. */
char *ion_instance_text(const ion_instance *in, const char *lang);

#endif
