/* The answer key as the grader holds it: internal to gradekey*.c (which
 * read it) and grade.c (which grades against it). Public callers use the
 * ion_answer_key_* functions of grade.h.
 *
 * A key is read into the per-student model the generator makes (README
 * "Layout"): each student a student sheet (worksheet.h) of instances
 * (instance.h), one per problem, each with its values and a part key
 * (partkey.h) per part, what the judge takes; the instances' arrays live
 * in an arena, every string in another, repeated strings (choice ids,
 * feedback) stored once. Beside the model, the grader's thin view of each
 * part: its column, line and mistakes' feedback (key_part). Expressions
 * are compiled once per shape: a template version's variable names,
 * expressions and carries, held as the model's template (ion_template,
 * template.h) and shared by every student who has that template. */
#ifndef ION_GRADEKEY_H
#define ION_GRADEKEY_H

#include <stddef.h>
#include <stdio.h>

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
    ion_i18n text;          /* a view, never released here: a v2 template
                               mistake's texts, or a v1 mistake's in the
                               arena of the students held */
    int markup;             /* key v2: the template's markup, {name}s to fill */
} key_feedback;

/* The grader's view of one part of a student: its column, where it is in
 * the key, and where its answer is in the model: the part key (partkey.h)
 * is the student's instance's (key_part_key), as for a generated student,
 * and its carries are its template part's (ion_part.carries). */
typedef struct {
    const char *id;         /* "1a", the same pointer as the column's */
    size_t column;
    int line;
    size_t inst, index;     /* its instance in key->insts, its part there */
    const key_feedback *feedback; /* one per mistake of its key */
} key_part;

/* A student of the key: the model's student sheet (worksheet.h) with
 * their instances, one per problem (no ion_worksheet: a key has none, and
 * grading needs none), and where their parts and their record are. */
typedef struct {
    ion_student_sheet sheet; /* id, name, n; inst when loaded */
    size_t inst0;           /* sheet.inst in key->insts (when loaded) */
    size_t part0, nparts;   /* in key->parts, problems in order (when loaded) */
    double max;
    size_t rec, rec_len;    /* their record in the key's store (not whole) */
} key_student;

/* Where a key file's students are kept between reading and grading, as
 * records (gradekey_student.c: what each problem's elements gave, ready to
 * be made instances again): the first in memory, up to `memory` bytes,
 * the rest in an unlinked temporary file, so that memory does not grow
 * with the class. A record's offset counts from the first byte in memory
 * (mem), then on in the file (at mem_len). */
typedef struct {
    char *mem;
    size_t mem_len, mem_cap, memory;
    FILE *file;             /* NULL until memory is full */
    size_t file_len;
} key_store;

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
    ion_template **templates; /* key v2: its <template>s, the model's templates (template.h) */
    size_t ntemplates;
    /* The key file while it is read (fd), or a copy of the key given in
     * memory (data); the students' records (not whole), and which is
     * loaded (loaded - 1) into the arrays above. */
    int fd;
    char *data;
    size_t data_len;
    const char *name;
    key_store store;
    size_t *column_sorted;  /* a column's index as read -> once sorted */
    size_t loaded;
    int whole;              /* a key parsed from memory, or built from sheets
                             * (gradekey_build.c): every student's parts held */
    struct key_reader *reader; /* kept for the loads, with its scratch arrays */
};

/* The part key of a student's part: their instance's. */
static inline const ion_part_key *key_part_key(const ion_answer_key *k, const key_part *p)
{
    return &k->insts[p->inst].keys[p->index];
}

/* The last step of reading a key, and of building one (gradekey_build.c):
 * the columns sorted into worksheet order (1a, 1b, ..., 10a), the parts'
 * columns renumbered, a whole key's sheets linked to their instances, the
 * students indexed. 0, or -1 with err filled (name: the key's, for it). */
int key_finish(ion_answer_key *k, const char *name, ion_error *err);

/* Loads student i's problems and parts into the key's arrays (at part0 0)
 * from their record, made when their element was read: grading holds one
 * student's key at a time, whatever the size of the class, and reads the
 * key's XML once. A whole key (parsed from memory) has every student's
 * parts already, at their own part0, and is left as it is. 0, or -1 with
 * err filled (the temporary file failed, or out of memory). */
int ion_answer_key_student(ion_answer_key *k, size_t i, ion_error *err);

/* ion_answer_key_load keeping at most `memory` bytes of records in memory
 * (KEY_MEMORY; 0: every record in the temporary file, for tests). */
#define KEY_MEMORY ((size_t)8 << 20)
ion_answer_key *ion_answer_key_load_kept(const char *path, const char *xsd_path, size_t memory, ion_error *err);

/* The feedback of mistake m (an index in the part key's mistakes) of part
 * p in language lang ("en", "zh", "fr", ...; English when the key has no
 * text in lang) as plain
 * text: a v1 key's own, or a v2 key's template markup filled from the
 * student's instance (ion_instance_plain, as generate writes it). Returns the
 * text, built in out when it had to be; NULL when out of memory. */
const char *ion_key_feedback(const ion_answer_key *k, const key_part *p, size_t m, const char *lang,
                             ion_strbuf *out);

#endif
