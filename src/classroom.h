/* A generated worksheet as the database holds it: its definition, the
 * students who have instances, their private link tokens, and the answer
 * key made from those instances. The web server and `ionsheet gradebook`
 * read a worksheet through it, so that a page shows exactly the stored
 * variant and a web submission is graded by the same key code as `grade`.
 *
 * The key is built from the students' sheets (ion_answer_key_from_sheets,
 * grade.h): the model the grader's reader makes of the same sheets'
 * key.xml, so that the web grades as `grade` does. */
#ifndef ION_CLASSROOM_H
#define ION_CLASSROOM_H

#include <stddef.h>
#include <stdint.h>

#include "bank.h"
#include "generate.h"
#include "grade.h"

/* A student's private link token: 16 bytes (128 bits) of a keyed BLAKE2b
 * of the course secret, the course, the worksheet and the student, in
 * URL-safe base64 without padding. */
#define ION_TOKEN_BYTES 16
#define ION_TOKEN_LEN 22

/* Writes the token of (course, worksheet, student) to out (ION_TOKEN_LEN + 1 bytes). */
void ion_link_token(const unsigned char secret[ION_BANK_SECRET_LEN], const char *course,
                    const char *worksheet, const char *student, char out[ION_TOKEN_LEN + 1]);

/* Decodes a token's text into its bytes; -1 when it is not one. */
int ion_token_decode(const char *text, size_t len, unsigned char out[ION_TOKEN_BYTES]);

typedef struct {
    char *id, *name, *email; /* email NULL when none */
    uint64_t *seeds;         /* one per problem, as stored */
    char token[ION_TOKEN_LEN + 1];
} ion_class_student;

typedef struct {
    ion_worksheet w;
    size_t n;                    /* students with instances, by id */
    ion_class_student *students;
    ion_answer_key *key;         /* NULL when n is 0; its student i is students[i] */
} ion_classroom;

/* Loads worksheet name of course (NULL: the one course that has it):
 * returns 1, 0 when there is no such worksheet, -1 with err filled on
 * error. Release with ion_classroom_release. */
int ion_classroom_load(ion_bank *b, const char *name, const char *course, ion_classroom *c,
                       ion_error *err);
void ion_classroom_release(ion_classroom *c);

/* The index of student id, or -1. */
long ion_classroom_find(const ion_classroom *c, const char *id);

/* Fills inst[0..w.ws.n) (each ion_instance_init'ed for the worksheet's
 * templates) with student i's stored variant. 0 or -1 with err. */
int ion_classroom_instances(const ion_classroom *c, size_t i, ion_instance *inst, ion_error *err);

/* The text of an answer file (SPEC "Submissions") for student i with the
 * answers given as (part id, answer) pairs: what the server hands to the
 * answer-file parser. Line breaks inside an answer become spaces. Caller
 * frees; NULL when out of memory. */
char *ion_classroom_answer_file(const ion_classroom *c, size_t i, size_t n,
                                const char *const *parts, const char *const *answers, size_t *len);

/* A gradebook over the classroom's key with every student's latest recorded
 * submission (files and web alike) graded again from its recorded answers,
 * as `grade` graded it. NULL with err filled on error (also when the key is
 * empty). */
ion_gradebook *ion_classroom_gradebook(const ion_classroom *c, ion_bank *b, const char *lang,
                                       ion_error *err);

#endif
