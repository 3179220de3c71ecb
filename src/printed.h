/* The texts of one student's worksheet as every view prints them (the
 * PDFs, the web page, the terminal preview), computed from the per-student
 * model (worksheet.h) in this one place: the language's markup with the
 * values filled in typographically ("−94.1 mV", a true minus and a thin
 * space), answers formatted by the routine the key uses, and the
 * potentials of the solutions' ladder figure. Nothing is stored: a view
 * asks for a text when it lays it out.
 *
 * Markup is UTF-8 with the inline tags <sub>, <sup>, <i>, <b> and <br/>
 * and the XML entities (typeset.h says how it is shown); the names, ids
 * and choice ids a view prints as plain text (never parsed). */
#ifndef ION_PRINTED_H
#define ION_PRINTED_H

#include <stddef.h>

#include "strbuf.h"
#include "worksheet.h"

/* Text t of instance in (its statement, a part's question, the worked
 * solution) in lang with its {name}s filled, into b (emptied first).
 * Returns b->s, or NULL when t is empty in every language. Out of memory:
 * "", and b->oom set, which stays set through later texts put in b (until
 * ion_strbuf_reset): a view checks it once its page is laid out. */
const char *ion_printed_text(ion_strbuf *b, const ion_instance *in, const ion_i18n *t, const char *lang);

/* The text of the mcq option of part k shown at letter number shown (0 is
 * "A"), as ion_printed_text. */
const char *ion_printed_option(ion_strbuf *b, const ion_instance *in, size_t k, size_t shown, const char *lang);

/* The letter of option number shown: "A", "B", ... */
const char *ion_printed_letter(size_t shown);

/* Part k's answer as printed with the solutions, into buf: markup
 * "−94.1 mV" for a number, the choice id, the mcq letter. Returns buf. */
const char *ion_printed_answer(const ion_instance *in, size_t k, char *buf, size_t n);

/* The unit printed after a numeric part's answer line (markup "mV"), or
 * NULL when it has none. */
const char *ion_printed_unit(const ion_part *p);

/* "1a": what the student writes for part p of problem i (0-based). */
char *ion_printed_part_id(size_t i, const ion_part *p, char *buf, size_t n);

/* The points of a problem: its part keys' points (the worksheet's,
 * overrides applied), and the whole sheet's, summed part by part in
 * order. */
double ion_printed_problem_points(const ion_instance *in);
double ion_printed_sheet_points(const ion_student_sheet *s);

/* The solutions' ladder figure: the equilibrium potentials (voltage params
 * and lets named E<ion>) and the membrane potential (the first named V...,
 * not V_LJ), each with its label (markup "E<sub>K</sub>"), where it sits in
 * mV and its value as printed. A problem without an equilibrium potential
 * has no figure (nmarks 0, no vm). */
#define ION_PRINTED_MAX_MARKS 32
typedef struct {
    char label[80];
    double mV;
    char value[192];
} ion_printed_mark;

typedef struct {
    ion_printed_mark marks[ION_PRINTED_MAX_MARKS];
    int nmarks;
    int has_vm;
    ion_printed_mark vm;
} ion_printed_ladder;

void ion_printed_ladder_of(const ion_instance *in, ion_printed_ladder *out);

#endif
