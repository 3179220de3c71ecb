/* The drill's views (drill.h has the rules): what a session shows, as
 * calls on a view, and the terminal's view (drill_term.c). Plain data, no
 * database: a view draws what the session and the picker give it. */
#ifndef ION_DRILL_VIEW_H
#define ION_DRILL_VIEW_H

#include <stddef.h>
#include <stdio.h>

/* Progress in one topic, as the picker sees it. */
typedef struct {
    const char *topic;  /* owned by the picker */
    int templates;      /* in the bank (of the picker's difficulty) */
    int attempts, right_first;
    int streak;         /* right first time in a row, latest last */
    int level;          /* the difficulty picks aim at */
} ion_drill_topic;

/* ---- the view ----
 * What a session shows, as calls on a view: the terminal's below, a web
 * page's elsewhere. Texts are plain UTF-8 in the session's language. */

typedef enum {
    ION_DRILL_PLAIN,
    ION_DRILL_RIGHT,    /* an answer judged right */
    ION_DRILL_WRONG,    /* judged wrong */
    ION_DRILL_NOTE,     /* hints, partial credit, answers not read */
    ION_DRILL_STRONG,   /* answers revealed, the summary */
    ION_DRILL_LEVEL,    /* a topic's level changed */
    ION_DRILL_HINT,     /* the hint, or that there is none */
    ION_DRILL_SOLUTION, /* the worked solution, or that there is none (a
                           web page draws these two from the template's
                           markup itself) */
} ion_drill_tone;

typedef struct {
    /* A paragraph indented by indent columns, its later lines by hang
     * more (a label's width: "(a) ", "A) "). */
    void (*text)(void *ctx, int indent, int hang, ion_drill_tone tone,
                 const char *text);
    /* A new problem: its heading ("Problem 1 · Nernst potentials ·
     * difficulty 1"), its source ("[nernst-k, seed 7]"), its title
     * (may be ""). */
    void (*problem)(void *ctx, const char *heading, const char *source,
                    const char *title);
    /* Room before a part, and before the summary. */
    void (*gap)(void *ctx);
    /* The prompt for a part: its id and what it takes ("mV",
     * "out/in/none", "A-D", or ""); then a line is read. */
    void (*prompt)(void *ctx, const char *part, const char *takes);
    /* The line read after a prompt, or NULL at the end of input. */
    void (*read)(void *ctx, const char *line);
} ion_drill_view;

/* ---- the terminal view (drill_term.c) ---- */

/* Where it writes: the stream, ANSI colours or not, the width to wrap
 * text at (0: never), whether lines read are echoed (for input that is
 * not a terminal, so that the output reads as a transcript). */
typedef struct {
    FILE *out;
    int color;
    int width;
    int echo;
} ion_drill_term;

/* The session's view on a terminal; its ctx is an ion_drill_term. */
extern const ion_drill_view ion_drill_term_view;

/* The progress table of user, in lang: its title and head, a row per
 * topic (with its bar), then the total (done problems, right first time)
 * and next (may be NULL), what to practise next, or, when nothing was
 * done, that nothing was. */
void ion_drill_term_table_head(const ion_drill_term *w, const char *lang, const char *user);
void ion_drill_term_table_row(const ion_drill_term *w, const char *lang, const ion_drill_topic *t);
void ion_drill_term_table_end(const ion_drill_term *w, const char *lang, int done, int right, const char *next);

#endif
