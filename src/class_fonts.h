/* The fonts of a generate run (issue 15): one fontset (fontset.h) for every
 * PDF of the class, made once before the first student from every text the
 * PDFs can print: the output template's labels, the worksheet's title,
 * course and due date, each problem template's texts in the language
 * (titles, statements, parts, options, solutions, units), the characters
 * numbers are written with, and the name of every student of the course
 * (the withdrawn too: class.pdf holds everyone generated so far).
 * Sealed: hand it to each document with ion_pdf_use_fonts. Every
 * character but the names' and ids' is marked shared, so that a student's
 * own worksheet can embed fonts cut down to the shared characters and that
 * student's name and id (ion_pdf_own_chars). */
#ifndef ION_CLASS_FONTS_H
#define ION_CLASS_FONTS_H

#include "bank.h"
#include "fontset.h"
#include "generate.h"
#include "tmpl.h"

ion_fontset *ion_class_fonts(ion_bank *b, const ion_worksheet *w,
                             const ion_tmpl *t, ion_error *err);

#endif
