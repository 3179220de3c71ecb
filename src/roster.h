/* Roster import: students of a course from a CSV file whose header is
 * id,name[,email] (case-insensitive, in any order). */
#ifndef ION_ROSTER_H
#define ION_ROSTER_H

#include <stddef.h>

#include "bank.h"
#include "csv.h"
#include "error.h"

typedef struct {
    size_t added;     /* new students */
    size_t updated;   /* known students whose name or e-mail changed */
    size_t unchanged; /* known students imported again as they were */
    size_t refused;   /* rows refused, each one reported */
    size_t skipped;   /* rows of an LMS export that are not students */
    const char *source; /* "" for our own id,name[,email]; else what the
                           header says the file is, an id the summary puts
                           in words: "moodle" (participants file),
                           "canvas-gradebook", "canvas-users" */
    char id_column[64]; /* the header of the column the ids came from */
} ion_roster_stats;

/* Receives one refused row: problem->file and ->line locate it. */
typedef void (*ion_roster_report_fn)(const ion_error *problem, void *ctx);

/* Reads every record of csv (our header id,name[,email]; or recognised
 * from its header, a Moodle participants download, a Canvas gradebook
 * export or a Canvas SIS users file, whose ids come from the ID number or
 * Username, the SIS User ID, the user_id column; id_column, when not NULL,
 * names the column instead), then stores the good rows in course (created
 * when new) in one transaction: a known id gets the row's name, and its
 * e-mail when the file has that column (an empty one clears it); nobody is
 * ever added twice. A row is refused, reported and counted when its id is
 * empty, is not a safe file name (ion_bank_id_problem) or repeats an
 * earlier row's id, when its name is not valid UTF-8 text, its e-mail not
 * an address, or its field count not the header's. Field values are
 * trimmed of spaces and tabs.
 *
 * Returns 0 (with stats filled, refused rows or not); ION_BANK_EINVAL when
 * the file cannot be used at all (a CSV syntax error, no header or a bad
 * one, an invalid course name): nothing is imported and err says why, with
 * its line; ION_BANK_EDB on a database error, after which nothing is
 * imported either. report may be NULL. */
int ion_roster_import(ion_bank *b, const char *course, ion_csv *csv,
                      const char *id_column, ion_roster_report_fn report, void *ctx,
                      ion_roster_stats *stats, ion_error *err);

/* E-mail addresses from a course's roster, for a gradebook's moodle shape
 * (ion_csv_style's email, with a pointer to this as its ctx): the e-mail of
 * student id, "" when none is known, NULL when the id is not on the roster;
 * valid until the next call. */
typedef struct {
    ion_bank *bank;
    const char *course;
    char email[ION_BANK_TEXT_MAX + 1];
} ion_roster_emails;
const char *ion_roster_email(const char *id, void *ctx);

#endif
