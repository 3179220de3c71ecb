/* An RFC 4180 CSV reader over a memory buffer (roster import, the grader's
 * class CSV). Fields may be quoted, with commas, line breaks and doubled
 * quotes ("") inside; lines end in CRLF, LF or a lone CR; a UTF-8 byte
 * order mark at the start is skipped; empty lines are skipped. A quote
 * inside an unquoted field is kept as it is. Fields are bytes: checking
 * their encoding is the caller's business. */
#ifndef ION_CSV_H
#define ION_CSV_H

#include <stddef.h>

#include "error.h"
#include "strbuf.h"

#define ION_CSV_MAX_FIELDS 4096            /* per record */
#define ION_CSV_MAX_FIELD (64 * 1024)      /* bytes in one field */
#define ION_CSV_MAX_FILE (64 * 1024 * 1024) /* bytes ion_csv_open reads */

typedef struct ion_csv ion_csv;

/* One record. Everything it points to is owned by the reader and valid
 * until the next ion_csv_next or ion_csv_free. */
typedef struct {
    size_t n;                 /* number of fields, >= 1 */
    const char *const *field; /* field[i] is NUL-terminated ... */
    const size_t *len;        /* ... and len[i] bytes long */
    int line;                 /* the line the record starts on, 1-based */
    const char *problem;      /* after ion_csv_spoil_records: NULL, or the
                                 catalogue key of why this record cannot be
                                 used, a message without arguments
                                 (err.csv.nul_row, ...; its fields are then
                                 cut short) */
} ion_csv_record;

/* A reader over buf[0..len), which it borrows: buf must outlive it. name
 * (copied; may be NULL) is the file name put into errors. NULL when out of
 * memory. */
ion_csv *ion_csv_new(const char *buf, size_t len, const char *name);

/* A reader over the file at path, which it reads whole (at most
 * ION_CSV_MAX_FILE bytes) and owns. NULL on error, err filled. */
ion_csv *ion_csv_open(const char *path, ion_error *err);

void ion_csv_free(ion_csv *r);

/* Fields separated by sep (';' or '\t', as spreadsheets in comma-decimal
 * locales write them) instead of ','; before the first ion_csv_next. */
void ion_csv_set_separator(ion_csv *r, char sep);

/* From now on a field over ION_CSV_MAX_FIELD bytes or a NUL byte spoils
 * only its record (rec->problem says so), not the whole file: a roster's
 * good rows are still imported. */
void ion_csv_spoil_records(ion_csv *r);

/* The name given to ion_csv_new (or the path), for messages; owned by r. */
const char *ion_csv_name(const ion_csv *r);

/* Reads the next record into *rec: returns 1, or 0 at the end of the
 * input, or -1 on an error (err gets the file and the line: "unterminated
 * quoted field" names the line where the field began). After an error the
 * reader only returns -1. */
int ion_csv_next(ion_csv *r, ion_csv_record *rec, ion_error *err);

/* Appends s (NULL: empty) to b as one RFC 4180 field (quoted when it must be); with
 * text, a value a spreadsheet would run as a formula gets a leading
 * apostrophe. */
void ion_csv_field(ion_strbuf *b, const char *s, int text);

#endif
