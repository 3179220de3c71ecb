/* The `grade` command as a library call: the files to grade, the grading,
 * the database and the outputs, in the order of outfile.h (the gradebook
 * and feedback under temporary names, the database's commit, the renames).
 * A failure before the commit leaves neither half: no grade recorded, no
 * gradebook or feedback file changed. */
#ifndef ION_GRADE_FILES_H
#define ION_GRADE_FILES_H

#include <stddef.h>

#include "bank.h"
#include "error.h"
#include "render_csv.h"

/* Messages about one file beyond this many are counted, not each told. */
#define ION_GRADE_NOTES_PER_FILE 10

typedef struct {
    const char *key;                /* key.xml */
    const char *const *inputs;      /* files and directories (their files) */
    size_t ninputs;
    const char *csv;                /* the gradebook */
    const char *feedback;           /* the feedback directory */
    const char *submission_xsd;     /* schema/submission.xsd */
    const char *lang;               /* of the feedback: "en" or "zh" */
    ion_bank *bank;                 /* records the grades there, or NULL */
    /* Each message about a file or a submission (a refusal, a note), with
     * its file and line; at most ION_GRADE_NOTES_PER_FILE a file, then one
     * that counts the rest. */
    void (*message)(const ion_error *e, void *ctx);
    void (*progress)(size_t done, size_t count, void *ctx); /* or NULL */
    void *ctx;
    ion_csv_format format; /* of the gradebook (its e-mails from the bank) */
    int excel;             /* the gradebook starts with a UTF-8 BOM */
} ion_grade_opts;

typedef struct {
    size_t graded;   /* submissions graded */
    size_t refused;  /* files or submissions refused */
    size_t recorded; /* submissions recorded in the database */
    char *summary;   /* ion_gradebook_summary's text (caller frees), or NULL */
} ion_grade_report;

enum {
    ION_GRADE_EKEY = -1, /* the key is refused (err says why) */
    ION_GRADE_EIO = -2,  /* a file or the database failed: nothing changed */
};

/* Returns 0 (r filled; r->refused > 0 when something was refused) or an
 * ION_GRADE_E* code with err filled. */
int ion_grade_files(const ion_grade_opts *o, ion_grade_report *r, ion_error *err);

/* dir/name beside the file path (its directory, or "."); NULL when out of
 * memory. The default gradebook and feedback directory are beside the key. */
char *ion_path_beside(const char *path, const char *name);

#endif
