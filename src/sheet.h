/* The render model: one student's worksheet as the PDF renderer sees it.
 *
 * Plain structs of UTF-8 strings. The generator fills them from an instance:
 * placeholders are already substituted and every value is already formatted
 * ("−94.1 mV"), so a renderer only typesets. Nothing here is owned by the
 * renderer: the caller keeps every string and array alive for the duration
 * of the call that gets the sheet (ion_pdf_add_worksheet/_solutions copy
 * what they need), and frees them afterwards.
 *
 * Two kinds of strings:
 *  - markup: UTF-8 with the inline tags <sub>, <sup>, <i>, <b> (nesting
 *    allowed) and <br/>, plus the entities &lt; &gt; &amp; &quot; &apos;
 *    &#N; &#xH;. Runs of white space collapse to one space, as in XML text.
 *    U+2009 (thin space) and U+202F keep a number and its unit together.
 *    See typeset.h for how anything else is shown.
 *  - plain: printed as is (white space collapsed), never parsed, so a name
 *    with '<' or '&' in it prints literally.
 * Any script may appear (Chinese names on an English sheet are fine); a
 * character no PDF font has prints as '?'. */
#ifndef ION_SHEET_H
#define ION_SHEET_H

/* What the student is asked to give for a part. */
typedef enum {
    ION_PART_NUMERIC = 0, /* a number in `unit`: an answer line */
    ION_PART_CHOICE,      /* one of `choices` (ids such as "outward") */
    ION_PART_MCQ,         /* one of `options`, lettered A, B, C, ... */
} ion_part_kind;

/* One multiple-choice option, already shuffled for this student. */
typedef struct {
    const char *letter; /* plain: "A" */
    const char *markup; /* the option's text */
} ion_sheet_option;

typedef struct {
    const char *id;     /* plain: "1a", what the student writes in the answer file */
    const char *markup; /* the part's question */
    ion_part_kind kind;
    double points;
    const char *unit;   /* markup, numeric parts: "mV", "mM"; NULL or "1" shows none */
    const char *const *choices; /* plain, choice parts: "outward", "inward", "none" */
    int nchoices;
    const ion_sheet_option *options; /* mcq parts */
    int noptions;
    const char *answer; /* markup, solutions only: "−94.1 mV", "outward", "B";
                         * NULL on worksheets (ignored there anyway) */
} ion_sheet_part;

/* One potential on the solutions' "potential ladder" figure. */
typedef struct {
    const char *label;  /* markup: "E<sub>K</sub>", "V<sub>m</sub>" */
    double mV;          /* where it sits on the axis */
    const char *value;  /* markup shown after the label ("−94.1 mV"); NULL
                         * lets the renderer print mV with one decimal */
} ion_sheet_mark;

typedef struct {
    int number;          /* 1-based, as printed: "Problem 3" */
    const char *title;   /* markup, may be NULL */
    const char *markup;  /* the problem's statement, may be NULL */
    const ion_sheet_part *parts;
    int nparts;
    const char *solution;       /* markup, solutions only; may be NULL */
    const ion_sheet_mark *marks; /* equilibrium potentials for the ladder */
    int nmarks;                  /* 0: no figure */
    const ion_sheet_mark *vm;    /* the membrane potential, or NULL */
} ion_sheet_problem;

typedef struct {
    const char *course;       /* plain */
    const char *title;        /* plain: the worksheet's title */
    const char *due;          /* plain, may be NULL */
    const char *student_name; /* plain */
    const char *student_id;   /* plain */
    const ion_sheet_problem *problems;
    int nproblems;
    const char *link;         /* plain: the student's web link (ionsheet
                               * serve), printed small with its QR code in
                               * the worksheet's header; NULL: none */
} ion_sheet;

#endif
