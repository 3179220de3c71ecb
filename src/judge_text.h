/* The judge's notes in words: one wording of an ion_judgement's note for
 * the grader's feedback, the terminal drill and the web drill alike (the
 * catalogue's grade.* strings, text.h). */
#ifndef ION_JUDGE_TEXT_H
#define ION_JUDGE_TEXT_H

#include "judge.h"

/* The words in lang for j's note on answer (what the student wrote) to the
 * part whose key is p: why it could not be read, a unit of another
 * dimension, a current's direction for ion movement, a slip of sign or
 * scale (which way). Allocated (caller frees); NULL when the note needs no
 * words here (none; answered twice is the grader's, which knows the lines)
 * or out of memory. */
char *ion_judge_note_text(const char *lang, const ion_part_key *p, const ion_judgement *j, const char *answer);

#endif
