/* The self-check drill (SPEC.md "Self-check drill"): one fresh problem at a
 * time, each answer judged at once (judge.h), hints and worked solutions,
 * and the student's progress kept in the bank.
 *
 * Three parts, a file each: the picker (drill_picker.c) chooses problems;
 * the session (drill_session.c) runs them, judges the answers and says
 * what to show, in the user's language from the message catalogue
 * (text.h), to a view; the terminal view (drill_term.c, drill_view.h: no
 * database) shows it on a FILE* with colours and wrapping, and draws the
 * progress table it is given. Input comes through a callback that returns
 * one line at a time.
 *
 * Choosing problems (the picker). Every template of the bank (of one topic,
 * or of one difficulty, when asked) may come. A topic is chosen with weight
 * 0.5 + 4 * (1 - a), where a = (right first + 1) / (attempts + 2) over the
 * user's history in that topic, so weak topics come more often; then a
 * template of it with weight
 *   closeness of its difficulty to the topic's level (1, 1/4, 1/20),
 *     shared among the topic's templates of that difficulty
 *   * (0.5 + 2 * (1 - a)) for its own history a
 *   * 1/2 once it was right first time 3 times in a row
 *   * 1/4 for the template just shown (when the topic has others).
 * The topic's level (its lowest to its highest difficulty) steps up after
 * a problem of at least that difficulty is right at the first try, and
 * down after two problems in a row that were not. The bank keeps no level:
 * it is worked out again when a picker is made, by replaying the stored
 * progress (ion_bank_drill_list) in the order it was last drilled: per
 * template, the failure(s) before its current streak (two when it was
 * never right, else one) and then its streak of successes.
 *
 * A problem counts as right first time when every part was right at its
 * first try with neither hint nor solution shown. At a prompt, ? or hint
 * shows the hint; s or solution shows the worked solution and that part's
 * answer, then the next part is asked (the problem counts as missed); n or
 * skip leaves the problem; q, quit or exit ends the session (case aside;
 * a word that is one of the part's choices is an answer). A problem that
 * ends (every part answered or revealed) is recorded with
 * ion_bank_drill_record; one left by n, q or the end of input is recorded
 * (as not right first time) only when that is already known (a wrong try,
 * or the hint seen), so skipping an unseen problem costs nothing. */
#ifndef ION_DRILL_H
#define ION_DRILL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bank.h"
#include "drill_view.h"
#include "error.h"
#include "instance.h"

/* Besides the bank's codes: a stored template could not be loaded or gave
 * no instance (err says which and why). */
enum { ION_DRILL_ETEMPLATE = -3 };

/* ---- the picker ---- */

typedef struct ion_drill_picker ion_drill_picker;

/* A picker over the bank's templates (topic NULL: every topic; difficulty
 * 1..3: only that difficulty, 0: any) with user's stored progress; picks
 * follow from seed alone. Returns NULL with err filled when the bank fails
 * (ION_BANK_EDB) or nothing can be picked. Free with ion_drill_picker_free
 * (NULL is fine). */
ion_drill_picker *ion_drill_picker_new(ion_bank *b, const char *user,
                                       const char *topic, int difficulty,
                                       uint64_t seed, ion_error *err);
void ion_drill_picker_free(ion_drill_picker *p);

/* ion_drill_picker_new, with *code the bank error code of a failure
 * (ION_BANK_EINVAL: a bad user name or difficulty, nothing to pick;
 * ION_BANK_EDB). */
ion_drill_picker *ion_drill_picker_open(ion_bank *b, const char *user,
                                        const char *topic, int difficulty,
                                        uint64_t seed, int *code,
                                        ion_error *err);

/* The next template's id (owned by the picker, valid while it lives) and
 * a fresh seed for its instance. */
const char *ion_drill_pick(ion_drill_picker *p, uint64_t *seed);

/* Tells the picker how a problem went (what the bank was told), so that
 * the next picks follow. Unknown ids are ignored. */
void ion_drill_picker_result(ion_drill_picker *p, const char *template_id,
                             int right_first);

/* The picker's topics, ordered by name: i from 0 while it returns 1. */
int ion_drill_picker_topic(const ion_drill_picker *p, size_t i,
                           ion_drill_topic *out);

/* The index of template_id's topic, or -1 for a template not picked. */
long ion_drill_picker_topic_of(const ion_drill_picker *p,
                               const char *template_id);

/* The weakest topic that can be picked (lowest accuracy, the first of
 * equals): what to practise next; -1 when none. */
long ion_drill_picker_weakest(const ion_drill_picker *p);

/* "Practise next: ..." for the weakest topic, in lang (caller frees);
 * NULL when there is none or out of memory. */
char *ion_drill_next_text(const ion_drill_picker *p, const char *lang);

/* ---- the session ---- */

typedef struct {
    const char *user;   /* whose progress (ion_bank_text_problem rules) */
    const char *topic;  /* NULL: every topic */
    int difficulty;     /* 1..3: only that; 0: adaptive */
    const char *lang;   /* "en" or "zh": problem texts and our wording */
    uint64_t seed;      /* every pick and problem follows from it */
    int color;          /* ANSI colours in the output */
    int width;          /* wrap text at this many columns (0: never) */
    int echo;           /* write each line read after its prompt (for input
                           that is not a terminal, so the output reads as a
                           transcript) */
} ion_drill_opts;

/* What the drill asks for when it reads a line (tests use it to answer). */
typedef struct {
    const ion_instance *in; /* the problem */
    size_t part;            /* the part asked for */
    int tries;              /* wrong tries at it so far */
} ion_drill_ask;

/* Returns the next line of input without its line end (owned by the
 * reader, valid until the next call), or NULL at the end of input. The
 * prompt has been written and out flushed. */
typedef const char *(*ion_drill_read_fn)(void *ctx, const ion_drill_ask *ask);

typedef struct {
    int done;        /* problems ended: answered through, or solution shown */
    int right_first; /* of them, right first time */
    int skipped;     /* left with n */
    int unfinished;  /* left by q or the end of input after a wrong try */
    int quit;        /* 1 when q ended the session, 0 for the end of input */
    int helped;      /* left by n, q or the end of input after the hint,
                        without a wrong try (counted as missed) */
} ion_drill_tally;

/* ---- one problem: the session's rules, for the terminal and the web ----
 * The terminal session runs a problem with these calls, line by line; the
 * web drill (serve_drill.c) makes the same calls for the answers a page
 * sends, carrying the state between pages in hidden fields. */

/* Where the session's words go: a view, in a language ("en", "zh"). */
typedef struct {
    const ion_drill_view *view;
    void *ctx;
    const char *lang;
} ion_drill_out;

/* A problem while it is asked. */
typedef struct {
    ion_template *t;
    ion_instance in;
    int missed;          /* not right first time: a wrong try, or help used */
    int tried_wrong;     /* a wrong try at some part */
    int hint_shown, solution_shown;
} ion_drill_problem;

/* Loads template id and makes its problem for seed. 0, or
 * ION_DRILL_ETEMPLATE (the template fails) or ION_BANK_EDB with err
 * filled; pb is ready for ion_drill_problem_close either way. */
int ion_drill_problem_open(ion_drill_problem *pb, ion_bank *b, const char *id, uint64_t seed, ion_error *err);
void ion_drill_problem_close(ion_drill_problem *pb);

/* How a line left the part it was for. */
typedef enum {
    ION_DRILL_PART_OPEN,     /* still asked: a blank or unreadable answer, a
                                first wrong try, the hint, the help */
    ION_DRILL_PART_RIGHT,    /* answered right */
    ION_DRILL_PART_MISSED,   /* wrong twice: the answer and solution shown */
    ION_DRILL_PART_REVEALED, /* s: the solution and the part's answer shown */
    ION_DRILL_PART_SKIP,     /* n: leave the problem */
    ION_DRILL_PART_QUIT,     /* q: end the session */
} ion_drill_part_end;

/* Takes line (an answer or a command) for part `part`, after *tries wrong
 * tries at it (counted up on a wrong one), and says on out what follows:
 * the verdict and the feedback, the hint after the first wrong try, the
 * answer and the worked solution after the second. */
ion_drill_part_end ion_drill_problem_take(ion_drill_problem *pb, size_t part, int *tries, const char *line,
                                          const ion_drill_out *out);

/* The right answer of a part as the drill shows it: "-58.32 mV", "out",
 * "D) text". */
void ion_drill_key_text(const ion_instance *in, size_t part, const char *lang, char *buf, size_t n);

/* A problem left: ended (every part answered or revealed), or left before
 * that. Records it for user (NULL: nobody, nothing stored) when it ended
 * or is already missed, tells picker, says when the topic's level changed
 * (difficulty 0: adaptive) and, for an ended problem right first time,
 * well done. 0, or ION_BANK_EDB with err filled. */
int ion_drill_problem_end(ion_drill_problem *pb, int ended, ion_bank *b, ion_drill_picker *picker,
                          const char *user, int difficulty, uint64_t seed, const ion_drill_out *out,
                          ion_error *err);

/* Runs a session as ion_drill_run does, shown on view (o->color, width
 * and echo are the view's business, not read here). */
int ion_drill_session(ion_bank *b, const ion_drill_opts *o,
                      ion_drill_read_fn read, void *read_ctx,
                      const ion_drill_view *view, void *view_ctx,
                      ion_drill_tally *tally, ion_error *err);

/* ---- on a terminal: the session and the progress table ----
 * These drive the bank and the picker; drill_term.c (drill_view.h) only
 * draws what they give it. */

/* Runs a session on a terminal (or any FILE*): problems until q or the
 * end of input, then the summary
 * (problems done, right first time, per topic, what to practise next).
 * *tally (may be NULL) gets the counts. Returns 0, or a negative bank error
 * code with err filled: ION_BANK_EINVAL for a bad user, topic or
 * difficulty, ION_DRILL_ETEMPLATE for a template that fails, ION_BANK_EDB
 * when the bank fails (what was recorded before stays). */
int ion_drill_run(ion_bank *b, const ion_drill_opts *o, ion_drill_read_fn read,
                  void *ctx, FILE *out, ion_drill_tally *tally, ion_error *err);

/* Writes user's progress per topic (of o->topic, or all) as a table with
 * bars, and what to practise next. Uses o->user, topic, difficulty, lang
 * and color. Returns 0 or a negative bank error code with err filled. */
int ion_drill_stats(ion_bank *b, const ion_drill_opts *o, FILE *out,
                    ion_error *err);

#endif
