/* Submitted answer files (SPEC.md "Submissions"), in three formats told
 * apart by their content:
 *
 *   text  the blank answers/ID.txt filled in: `# comment` lines,
 *         `worksheet: NAME`, `student: ID`, `1a: -94.1 mV` (a full-width
 *         colon also works; ` # ...` after an answer is a comment; part
 *         labels as students write them also do: `1a = 130.9`, `1a) 130.9`,
 *         `(1a) 130.9`, `1a. 130.9`);
 *   XML   <submission xmlns="urn:ionsheet:submission:1" worksheet="week5"
 *         student="s001"><answer part="1a">-94.1 mV</answer>...
 *         (schema/submission.xsd; no DOCTYPE, nothing loaded from outside);
 *   CSV   one file for a class, as LMS exports give: a header with a
 *         student column (`student`, `student id`, `id`, ...), part columns
 *         (`1a`, `1b`, ...), optionally `worksheet`; other columns (name,
 *         e-mail, ...) are ignored. One submission per row. Fields are
 *         separated by ',', ';' or tabs, whichever splits the header into
 *         a student column and others (sniffed: comma-decimal locales).
 *
 * Any of them may be UTF-8 (with or without a BOM), or UTF-16 or UTF-32
 * with a BOM (converted). An answer is one line (control characters in
 * a quoted CSV field become blanks). A part answered on several lines
 * gives them all, in order: the judge decides whether they are one answer
 * (ion_judge_answers).
 *
 * The parser only reads; whether the worksheet, the student and the parts
 * exist is the grader's business (grade.h). */
#ifndef ION_SUBMISSION_H
#define ION_SUBMISSION_H

#include <stddef.h>

#include "error.h"

/* Larger files are refused: a text or XML submission, a class CSV. */
#define ION_SUBMISSION_MAX_BYTES (1024 * 1024)
#define ION_SUBMISSION_MAX_CSV_BYTES (16 * 1024 * 1024)
/* At most this many notes per file; the last one says how many were left out. */
#define ION_SUBMISSION_MAX_NOTES 20

typedef enum { ION_SUB_TEXT = 1, ION_SUB_XML, ION_SUB_CSV } ion_sub_format;

typedef struct {
    const char *part; /* as written, trimmed ("1a", "1A") */
    const char *text; /* the answer, trimmed; never "" (blank answers are left out) */
    int line;
} ion_answer;

/* One student's submission. Everything is owned by the parser and valid
 * during the callback only. */
typedef struct {
    ion_sub_format format;
    const char *file;      /* the name given to the parser */
    int line;              /* where it starts: 1, or the CSV row's line */
    const char *worksheet; /* NULL when the file does not say */
    int worksheet_line;
    const char *student;   /* NULL when the file does not say */
    int student_line;
    size_t n;
    const ion_answer *answers; /* in file order, duplicates kept */
    const char *content;   /* the bytes the bank identifies it by: the file, */
    size_t content_len;    /* or the CSV row in a canonical form */
    size_t nnotes;         /* lines the parser could not use, with file and line */
    const ion_error *notes;
} ion_submission;

typedef int (*ion_submission_fn)(const ion_submission *s, void *ctx);

typedef struct ion_sub_parser ion_sub_parser;

/* A parser, reused for any number of files (it keeps its buffers).
 * xsd_path is schema/submission.xsd for XML files, or NULL to skip schema
 * validation. NULL when out of memory. */
ion_sub_parser *ion_sub_parser_new(const char *xsd_path);
void ion_sub_parser_free(ion_sub_parser *p);

/* Parses data[0..len) and calls fn for each submission in it (one, or one
 * per CSV row) until fn returns nonzero, which is then returned. Returns 0,
 * or -1 with err filled when the file is refused as a whole: empty, binary
 * (a Word, zip, PDF or image file says so) or not UTF-8, too large, not well-formed or invalid XML, a DOCTYPE, a CSV
 * without a student column, a gradebook CSV that ionsheet wrote. A file that holds no submission at all (no
 * student line and no answers) is refused too. */
int ion_sub_parse(ion_sub_parser *p, const char *data, size_t len,
                  const char *name, ion_submission_fn fn, void *ctx,
                  ion_error *err);

/* Reads the file at path into the parser's buffer, refusing files over
 * ION_SUBMISSION_MAX_CSV_BYTES, and parses it as ion_sub_parse does
 * (with the smaller limit for anything but CSV). */
int ion_sub_parse_file(ion_sub_parser *p, const char *path,
                       ion_submission_fn fn, void *ctx, ion_error *err);

/* Why the file ion_sub_parse or ion_sub_parse_file last refused was
 * refused, coded for the database (ion_text_refusal: "pdf",
 * "too-large\t1048576"), or "" when it was not the file's fault (out of
 * memory) or libxml2 said why in its own words (err then says it). */
const char *ion_sub_parser_refusal(const ion_sub_parser *p);

/* The format ion_sub_parse would read data as. */
ion_sub_format ion_sub_detect(const char *data, size_t len);

#endif
