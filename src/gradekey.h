/* The answer key as the grader holds it: internal to gradekey.c (which
 * reads it) and grade.c (which grades against it). Public callers use the
 * ion_answer_key_* functions of grade.h.
 *
 * A key is read into the per-student model the generator makes (README
 * "Layout"): each student a student sheet (worksheet.h) of instances
 * (instance.h), one per problem, each with its values and a part key
 * (partkey.h) per part, what the judge takes; the instances' arrays live
 * in an arena, every string in another, repeated strings (choice ids,
 * feedback) stored once. Beside the model, the grader's thin view of each
 * part: its column, line and carries (key_part). Expressions are compiled
 * once per shape: a template version's variable names and expressions,
 * held as the model's template (ion_template, template.h) and shared by
 * every student who has that template. */
#ifndef ION_GRADEKEY_H
#define ION_GRADEKEY_H

#include <stddef.h>

#include "expr.h"
#include "grade.h"
#include "partkey.h"
#include "strbuf.h"
#include "template.h"
#include "units.h"
#include "worksheet.h"

/* A mistake's feedback, beside its value (a part key's mistakes[i] has
 * its key_part's feedback[i]). */
typedef struct {
    const char *text[2];    /* en, zh (either may be NULL) */
    int markup;             /* key v2: the template's markup, {name}s to fill */
} key_feedback;

/* Key v2: a <template>, once per template version, read into the model's
 * own template (template.h, ion_template): its params, then its lets in
 * evaluation order (name, unit, a let's digits and expression), its parts
 * (id, kind, sigfigs, slip credits, the answer's expression, choices, the
 * mistakes' credits and feedback markup in en and zh). A key holds no
 * texts students read, so the template holds none either. */
typedef struct {
    size_t part;            /* the template part (an index in t->parts) */
    const char *from, *let; /* an earlier local part id, the let it asked for */
} key_tcarry;

typedef struct {
    ion_template *t;        /* its version is t->version */
    size_t nparams;         /* t->vars[0..nparams) are params */
    key_tcarry *carries;    /* the parts' <carry>, in order */
    size_t ncarries;
    const ion_template *shape; /* the shape its students used last */
} key_template;

typedef struct {
    size_t from;            /* the earlier part, as an index in the student's parts */
    size_t slot;            /* the let it asked for, a var of the shape */
} key_carry;

/* The grader's view of one part of a student: its column, where it is in
 * the key, the carries that recompute it, and where its answer is in the
 * model: the part key (partkey.h) is the student's instance's
 * (key_part_key), as for a generated student. */
typedef struct {
    const char *id;         /* "1a", the same pointer as the column's */
    size_t column;
    int line;
    size_t inst, index;     /* its instance in key->insts, its part there */
    size_t car0, ncar;      /* its carries in key->carries */
    const key_feedback *feedback; /* one per mistake of its key */
} key_part;

/* A student of the key: the model's student sheet (worksheet.h) with
 * their instances, one per problem (no ion_worksheet: a key has none),
 * and where their parts and their element in the key are. */
typedef struct {
    ion_student_sheet sheet; /* id, name, inst (when loaded) */
    size_t inst0, ninst;    /* in key->insts (when loaded) */
    size_t part0, nparts;   /* in key->parts, problems in order (when loaded) */
    double max;
    size_t from, to;        /* the bytes of the key after its start tag, to its end */
    int line;               /* of its start tag */
} key_student;

struct ion_answer_key {
    struct ion_arena *mem;
    struct ion_arena *loaded_mem; /* the instances of the students held: mem
                                   * for a whole key, else reset at each load */
    const char *worksheet, *course, *title;
    key_student *students;
    size_t nstudents;
    /* Every student held: their problems as instances of the model
     * (instance.h), filled from the key (values, params as printed, a part
     * key per part; no seed), and the grader's views of their parts. */
    ion_instance *insts;
    size_t ninsts;
    key_part *parts;
    size_t nparts;
    key_carry *carries;
    size_t ncarries;
    /* The shapes: templates compiled (their lets' expr, their parts'
     * answer) for the value types students' keys give (ion_var.type): a
     * key v2's <template> itself, compiled for its first student (another
     * shape only for lets of other types), in v1 one made of a student's
     * problem. Students share them. */
    ion_template **shapes;
    size_t nshapes;
    const char **columns;   /* part ids in worksheet order */
    size_t ncolumns;
    size_t max_vars, max_parts; /* the largest shape and student, for scratch space */
    size_t *index;          /* student lookup: open addressing, index + 1, 0 empty */
    size_t index_cap;
    int version;            /* 1 or 2 */
    key_template *templates; /* key v2 */
    size_t ntemplates;
    /* Where the students' elements are read again from, one at a time
     * (ion_answer_key_student): the key file, or a copy of the key given
     * in memory. The arrays above hold the student loaded (loaded - 1). */
    int fd;
    char *data;
    size_t data_len;
    const char *name;
    size_t loaded;
    int whole;              /* a key parsed from memory: every student's parts held */
    struct key_reader *reader; /* kept for the loads, with its scratch arrays */
};

/* The part key of a student's part: their instance's. */
static inline const ion_part_key *key_part_key(const ion_answer_key *k, const key_part *p)
{
    return &k->insts[p->inst].parts[p->index].key;
}

/* Loads student i's problems and parts into the key's arrays (at part0 0),
 * reading their element again from the key file: grading holds one
 * student's key at a time, whatever the size of the class. A whole key
 * (parsed from memory) has every student's parts already, at their own
 * part0, and is left as it is. 0, or -1 with err filled (an I/O error;
 * the element was checked when the key was read). */
int ion_answer_key_student(ion_answer_key *k, size_t i, ion_error *err);

/* The feedback of mistake m (an index in the part key's mistakes) of part
 * p in the language asked for (zh, falling back to English) as plain
 * text: a v1 key's own, or a v2 key's template markup filled from the
 * student's instance (ion_instance_plain, as generate writes it). Returns the
 * text, built in out when it had to be; NULL when out of memory. */
const char *ion_key_feedback(const ion_answer_key *k, const key_part *p, size_t m, int zh, ion_strbuf *out);

#endif
