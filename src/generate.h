/* Generating a worksheet for a class: seeds, instances, the database.
 *
 * ion_generate walks the students of the worksheet's course (or the ones
 * named), fills one instance per problem from the pinned template version
 * and the seed of (secret, worksheet, student, position), stores every
 * instance in one transaction, and hands each student's instances to a
 * callback that renders them (key, answer files, PDFs). Memory does not
 * grow with the class: one set of instances is reused for every student.
 * When the callback or the database fails, the transaction is rolled back
 * and the database is as before. */
#ifndef ION_GENERATE_H
#define ION_GENERATE_H

#include <stddef.h>

#include "bank.h"
#include "instance.h"

/* A worksheet ready to be generated: its definition and its templates. */
typedef struct {
    ion_bank_worksheet ws;
    ion_template **templates;  /* one per position */
    double *scale;             /* per position: points factor (override / template total) */
    double max_points;         /* one student's total */
} ion_worksheet;

/* One student's generated problems, valid during the callback. */
typedef struct {
    const ion_worksheet *w;
    const char *id, *name;
    const ion_instance *inst;  /* w->ws.n instances, position i+1 */
    size_t index, count;       /* this student's place in the run, for progress */
} ion_student_sheet;

typedef int (*ion_student_fn)(const ion_student_sheet *s, void *ctx, ion_error *err);

/* Loads worksheet name and its pinned templates. Returns 1, 0 when there is
 * no such worksheet, or -1 on error. Release with ion_worksheet_release. */
int ion_worksheet_load(ion_bank *b, const char *name, ion_worksheet *w, ion_error *err);
void ion_worksheet_release(ion_worksheet *w);

/* The points of part k of problem i for this worksheet (overrides applied). */
double ion_worksheet_part_points(const ion_worksheet *w, size_t i, size_t k);

/* Why ion_generate failed. */
enum {
    ION_GEN_EDB = -1,        /* database error or out of memory */
    ION_GEN_ENOSTUDENT = -2, /* a named student is not in the course */
    ION_GEN_EVARIANT = -3,   /* a template gave no valid variant, or fn failed */
};

/* Generates for the students ids[0..n) (n = 0: the whole course, ordered by
 * id); an unknown id is an error naming it. Calls fn for each student in
 * order; an id named twice is generated once. Returns 0 or an ION_GEN_E*
 * code (err says why; nothing is stored). */
int ion_generate(ion_bank *b, const ion_worksheet *w, const char *const *ids,
                 size_t n, ion_student_fn fn, void *ctx, ion_error *err);

/* The instance's data as stored in the database: compact JSON with the
 * params as shown, the lets and the answers (SI, %.17g). Appends to b;
 * returns 0, or -1 when b is out of memory. */
int ion_instance_json(const ion_instance *in, ion_strbuf *b);

#endif
