/* Builds the PDF render model (sheet.h) of one student from the generated
 * instances. The storage is reused from one student to the next, so a
 * class costs no more memory than one student. */
#ifndef ION_SHEET_BUILD_H
#define ION_SHEET_BUILD_H

#include "worksheet.h"
#include "sheet.h"

typedef struct ion_sheet_buf ion_sheet_buf;

ion_sheet_buf *ion_sheet_buf_new(void);
void ion_sheet_buf_free(ion_sheet_buf *b);

/* The sheet of s in lang ("en" or "zh"); with solutions, each part's
 * answer, the worked solution and the potential ladder too. Valid until the
 * next build with b or ion_sheet_buf_free. */
const ion_sheet *ion_sheet_build(ion_sheet_buf *b, const ion_student_sheet *s, const char *lang,
                                 int solutions);

#endif
