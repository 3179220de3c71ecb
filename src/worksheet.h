/* A worksheet as the generator, the renderers and the grader see it: its
 * definition, its pinned templates, and one student's generated problems.
 * Plain data, no database: the renderers include this, not bank.h. */
#ifndef ION_WORKSHEET_H
#define ION_WORKSHEET_H

#include <stddef.h>

#include "instance.h"
#include "template.h"

/* One problem of a worksheet's definition (as stored in the bank). */
typedef struct {
    char *template_id;
    int version; /* the pinned version */
    double points; /* negative: the template's own */
} ion_bank_ws_problem;

/* A worksheet's definition (as stored in the bank). */
typedef struct {
    char *name, *course, *title;
    char *due; /* NULL when none */
    char *created;
    size_t n; /* problems[0] is position 1 */
    ion_bank_ws_problem *problems;
    char *feedback; /* the web's policy: "immediate", "after-due" or "never" */
} ion_bank_worksheet;

/* A worksheet ready to be generated: its definition and its templates. */
typedef struct {
    ion_bank_worksheet ws;
    ion_template **templates;  /* one per position */
    double *scale;             /* per position: points factor (override / template total) */
    double max_points;         /* one student's total */
} ion_worksheet;

/* One student's problems (README "Layout": the per-student model): their
 * instances, whose part keys hold everything a part is judged and scored
 * by, points included. w is the worksheet they were generated from (its
 * definition for the page's header, its templates), NULL for a sheet read
 * back from a key (gradekey.h), which holds no worksheet definition and
 * needs none: the key gives its worksheet's name, course and title, and
 * the sheet is graded, never rendered. Valid during the callback. */
typedef struct {
    const ion_worksheet *w;
    const char *id, *name;
    const ion_instance *inst;  /* n instances, position i+1 */
    size_t n;                  /* one per problem (w->ws.n when generated) */
    size_t index, count;       /* this student's place in the run, for progress */
    int own;                   /* a student the run is for (all, or one named):
                                  their own files are written; the others are
                                  in the class documents only */
    const char *link;          /* the student's web link printed with its QR
                                  code on their worksheet; NULL: none */
} ion_student_sheet;

/* The points of part k of problem i for this worksheet (overrides applied). */
double ion_worksheet_part_points(const ion_worksheet *w, size_t i, size_t k);

/* Fills in (ion_instance_init'ed for w->templates[i]) as problem i of w for
 * seed: ion_instance_generate, then its part keys' points are the
 * worksheet's (ion_worksheet_part_points), as every output shows them.
 * 0, or -1 with err filled. */
int ion_worksheet_instance(const ion_worksheet *w, size_t i, ion_instance *in, uint64_t seed, ion_error *err);

#endif
