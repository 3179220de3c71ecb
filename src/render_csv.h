/* Gradebook CSV files, one writer for every command that makes one
 * (`grade --csv` from a grading run, `gradebook --csv` from the database),
 * in three shapes:
 *  - plain:  student,name,total,max,percent,1a,1b,...   (ionsheet's own)
 *  - moodle: ID number,Email address,TITLE               (Moodle's grade
 *            import: map "ID number" to useridnumber or "Email address" to
 *            useremail, and TITLE to a grade item or a new one)
 *  - canvas: Student,ID,SIS User ID,SIS Login ID,Section,TITLE, then a
 *            "Points Possible" row (Canvas's gradebook import; our student
 *            id is the SIS User ID, Canvas's own ID is left empty)
 * RFC 4180 fields, CRLF line ends; a text cell a spreadsheet would run as a
 * formula gets a leading apostrophe. With excel, a UTF-8 byte order mark
 * comes first, which Excel needs to show Chinese names. */
#ifndef ION_RENDER_CSV_H
#define ION_RENDER_CSV_H

#include <stddef.h>

#include "strbuf.h"

typedef enum { ION_CSV_PLAIN = 0, ION_CSV_MOODLE, ION_CSV_CANVAS } ion_csv_format;

/* "plain", "moodle" or "canvas"; -1 for anything else. */
int ion_csv_format_parse(const char *name);

/* How a gradebook file is shaped: the whole-file part. */
typedef struct {
    ion_csv_format format;
    int excel;             /* a UTF-8 byte order mark first */
    const char *title;     /* the grade column's name (moodle, canvas) */
    const char *course;    /* the Section cell (canvas) */
    double points;         /* the worksheet's maximum: Points Possible */
    size_t nparts;         /* plain: the part columns */
    const char *const *parts;
} ion_csv_book;

/* One student's row. */
typedef struct {
    const char *id, *name;
    const char *email;        /* NULL or "": not known */
    int graded;               /* 0: no total (missing, refused, ...):
                                 moodle and canvas leave the grade empty */
    double total, max;
    const char *const *cells; /* plain: nparts cells ("2", "0.5",
                                 "invalid", "missing") */
} ion_csv_row;

/* What a command asks of its gradebook file (--format, --excel), and where
 * e-mail addresses come from when it has them (the roster). */
typedef struct {
    ion_csv_format format;
    int excel;
    /* student id's e-mail, or NULL when not known; the function may be
     * NULL. The string is valid until the next call. */
    const char *(*email)(const char *id, void *ctx);
    void *ctx;
} ion_csv_style;

void ion_csv_header(ion_strbuf *b, const ion_csv_book *k);
void ion_csv_row_add(ion_strbuf *b, const ion_csv_book *k, const ion_csv_row *r);

/* Points as people write them: 2, 0.5, 2.67 (at most two decimals). */
const char *ion_csv_points(double v, char *buf, size_t n);

#endif
