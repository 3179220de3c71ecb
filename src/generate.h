/* Generating a worksheet for a class: seeds, instances, the database, the
 * files.
 *
 * ion_generate walks the students of the worksheet's course (or the ones
 * named, together with those generated before), fills one instance per
 * problem from the pinned template version and the seed of (secret,
 * worksheet, student, position), stores the named students' instances in
 * one transaction, and hands each student's instances to a sink that
 * renders them (key, answer files, PDFs). Memory does not grow with the
 * class beyond a list of its ids: one set of instances is reused for every
 * student. When the sink or the database fails, the transaction is rolled
 * back and the database is as before.
 *
 * ion_generate_files is the whole `generate` command: ion_generate with a
 * sink that writes the files of outfile.h, in its order (temporaries, the
 * commit, the renames). */
#ifndef ION_GENERATE_H
#define ION_GENERATE_H

#include <stddef.h>

#include "bank.h"
#include "instance.h"
#include "worksheet.h"

/* Loads worksheet name of course (NULL: whichever course has it, as
 * ion_bank_worksheet_get) and its pinned templates. Returns 1, 0 when there
 * is no such worksheet, or -1 on error. Release with ion_worksheet_release. */
int ion_worksheet_load(ion_bank *b, const char *name, const char *course, ion_worksheet *w, ion_error *err);
void ion_worksheet_release(ion_worksheet *w);

/* Why ion_generate or ion_generate_files failed. */
enum {
    ION_GEN_EDB = -1,        /* database error or out of memory */
    ION_GEN_ENOSTUDENT = -2, /* a named student is not in the course */
    ION_GEN_EVARIANT = -3,   /* a template gave no valid variant, or the sink failed */
    ION_GEN_ENOWORKSHEET = -4, /* none of that name (err empty), or several (err says) */
    ION_GEN_EIO = -5,        /* a file could not be written */
};

/* What ion_generate hands the generated students to. student is called for
 * each student in order of id; finish once after the last, before the
 * commit (NULL: nothing to finish). A failure of either rolls back. */
typedef struct {
    int (*student)(const ion_student_sheet *s, void *ctx, ion_error *err);
    int (*finish)(void *ctx, ion_error *err);
    void *ctx;
} ion_generate_sink;

/* Generates for the students ids[0..n) (n = 0: the whole course, ordered by
 * id); an unknown id is an error naming it, an id named twice counts once.
 * With ids, the sink also gets every student generated before for this
 * worksheet who is still on the roster (own = 0; their instances are the
 * same, and not stored again),
 * so that the class documents stay whole. Returns 0 or an ION_GEN_E* code
 * (err says why; nothing is stored). */
int ion_generate(ion_bank *b, const ion_worksheet *w, const char *const *ids,
                 size_t n, const ion_generate_sink *sink, ion_error *err);

/* ---- the files (the `generate` command) ---- */

typedef struct {
    const char *worksheet;
    const char *course;          /* the worksheet's course; NULL: the one that has it */
    const char *const *students; /* named students, or NULL */
    size_t nstudents;
    const char *dir;             /* the output directory */
    const char *lang;            /* "en" or "zh": its catalogue (text.h) */
    int pdf;                     /* write the PDFs */
    /* Called after each student (NULL: none). */
    void (*progress)(size_t done, size_t count, void *ctx);
    void *ctx;
    const char *paper;           /* "a4" (NULL: the template's, A4) or "letter" */
    const char *base_url;        /* links.csv's links: BASE/s/TOKEN; NULL: http://127.0.0.1:8080/ */
} ion_generate_opts;

/* Generates worksheet o->worksheet and writes under o->dir: key.xml and
 * links.csv (every student generated for the worksheet), answers/ID.txt and, with pdf,
 * students/ID.pdf for the students of the run (all, or those named), and
 * class.pdf and solutions.pdf (every generated student). Returns 0 or an
 * ION_GEN_E* code. */
int ion_generate_files(ion_bank *b, const ion_generate_opts *o, ion_error *err);

#endif
